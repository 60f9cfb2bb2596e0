"""Explorer models of transactions (mechanism 12), matching ``tla/Transactions.tla``.

- :func:`transactions_model` drives the **real spec** (``client_input`` with MULTI, EXEC,
  DISCARD, WATCH k, UNWATCH, SET k v, DEL k) for N clients over a few keys, abstracted to the
  TLA+ variables ``present``, ``multi``, ``queue``, ``watched``, ``dirty`` plus the ghost
  ``touched`` (computed here from the keys each transition touches, independently of the
  spec's ``dirty_cas`` flag). At each EXEC it checks the TLA+ action properties against the
  spec's reply: ``exec_safe`` (a successful EXEC saw no touch of a key it watched; a null
  EXEC did) and ``exec_atomic`` (the keyspace after a successful EXEC is the queue applied
  in order, and the reply has one element per queued command).
- :func:`tla_transcription` is ``Transactions.tla`` transcribed to Python (no spec): its
  distinct-state count is the one TLC reports for the same constants, and the spec-driven
  model must reach exactly as many (``tests/test_multi_tla.py``; tla/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redspec.spec import server as S

from .explorer import Model
from .explorer_models import exchange, render_redis_cli

MECHANISM = "transactions"

T = 1_700_000_000_000

Op = tuple[str, bytes]  # ("set" | "del", key)


def _req(*args: bytes) -> bytes:
    return b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args])


# -- the TLA+ operators, in Python --------------------------------------------------------------


def present_before(q: tuple[Op, ...], p: dict[bytes, bool], k: bytes, n: int) -> bool:
    """``PresentBefore(q, p, k, n)``: does ``k`` exist before the n-th (1-based) op of ``q``."""
    for j in range(n - 2, -1, -1):
        if q[j][1] == k:
            return q[j][0] == "set"
    return p[k]


def after(q: tuple[Op, ...], p: dict[bytes, bool]) -> dict[bytes, bool]:
    """``After(q, p)``: the keyspace once ``q`` ran."""
    return {k: present_before(q, p, k, len(q) + 1) for k in p}


def touches(q: tuple[Op, ...], p: dict[bytes, bool]) -> frozenset[bytes]:
    """``Touches(q, p)``: the keys ``q`` signals (SET always, DEL of an existing key)."""
    return frozenset(k for k in p for n in range(1, len(q) + 1)
                     if q[n - 1][1] == k and (q[n - 1][0] == "set" or present_before(q, p, k, n)))


# -- Transactions.tla transcribed -----------------------------------------------------------------

# state: (present: tuple[bool per key], clients: tuple[(multi, queue, watched, dirty, touched)])


def tla_transcription(clients: int = 2, keys: int = 1, max_queue: int = 2) -> Model:
    """``Transactions.tla`` as an explorer model (pure Python, no spec)."""
    ks = tuple(b"k%d" % (i + 1) for i in range(keys))
    ops = [("set", k) for k in ks] + [("del", k) for k in ks]

    def init() -> Iterable[Any]:
        yield (tuple(False for _ in ks), tuple((False, (), frozenset(), False, False)
                                               for _ in range(clients)))

    def hit(w: frozenset[bytes], t: frozenset[bytes]) -> bool:
        return bool(w & t)

    def step(s: Any) -> Iterable[tuple[str, Any]]:
        pres, cs = s
        p = dict(zip(ks, pres, strict=True))
        for c, (m, q, w, d, t) in enumerate(cs):
            def put(i: int, v: Any, base: Any = cs) -> Any:
                return base[:i] + (v,) + base[i + 1:]

            if not m:
                yield f"c{c} MULTI", (pres, put(c, (True, q, w, d, t)))
                if not d:
                    for k in ks:
                        yield f"c{c} WATCH {k.decode()}", (pres, put(c, (m, q, w | {k}, d, t)))
                yield f"c{c} UNWATCH", (pres, put(c, (m, q, frozenset(), False, False)))
            else:
                clear = (False, (), frozenset(), False, False)
                if not d:
                    tt = touches(q, p)
                    p2 = after(q, p)
                    cs2 = tuple(clear if i == c else
                                ((mi, qi, frozenset(), True, True) if hit(wi, tt)
                                 else (mi, qi, wi, di, ti))
                                for i, (mi, qi, wi, di, ti) in enumerate(cs))
                    yield f"c{c} EXEC", (tuple(p2[k] for k in ks), cs2)
                else:
                    yield f"c{c} EXEC (null)", (pres, put(c, clear))
                yield f"c{c} DISCARD", (pres, put(c, clear))
            for op in ops:
                if m:
                    if len(q) < max_queue:
                        yield (f"c{c} {op[0].upper()} {op[1].decode()} (queued)",
                               (pres, put(c, (m, q if d else q + (op,), w, d, t))))
                else:
                    tt = touches((op,), p)
                    p2 = after((op,), p)
                    cs2 = tuple(((mi, qi, frozenset(), True, True) if hit(wi, tt)
                                 else (mi, qi, wi, di, ti))
                                for (mi, qi, wi, di, ti) in cs)
                    yield (f"c{c} {op[0].upper()} {op[1].decode()}",
                           (tuple(p2[k] for k in ks), cs2))

    def inv(pred: Any) -> Any:
        return lambda s: all(pred(*c) for c in s[1])

    return Model(
        f"Transactions.tla clients={clients} keys={keys} MaxQueue={max_queue}", init, [step],
        {"queue_only_in_multi": inv(lambda m, q, w, d, t: m or q == ()),
         "dirty_watches_nothing": inv(lambda m, q, w, d, t: not d or not w),
         "dirty_iff_touched": inv(lambda m, q, w, d, t: d == t)},
        mechanism="transactions")


# -- the real spec, abstracted to the TLA+ variables -----------------------------------------------


def transactions_model(clients: int = 2, keys: int = 1, max_queue: int = 2) -> Model:
    """N clients run MULTI/EXEC/DISCARD/WATCH/UNWATCH/SET/DEL through the spec. State:
    ``(server, touched ghost per client, bad)``; ``bad`` names a broken property."""
    ks = [b"k%d" % (i + 1) for i in range(keys)]

    def init() -> Iterable[Any]:
        s = S.new_server(T)
        for _ in range(clients):
            s, _cid = S.client_connect(s, T)
        yield (s, frozenset(), "")

    def abstract(s: Any) -> tuple[dict[bytes, bool], list[Any]]:
        p = {k: k in s.dbs[0].keys for k in ks}
        cs = []
        for cid in sorted(s.clients):
            c = s.clients[cid]
            q = tuple((a[0].decode().lower(), a[1]) for _, a in c.mstate)
            cs.append((cid, c.multi >= 0, q, frozenset(k for _, k, _ in c.watched),
                       "dirty_cas" in c.flags))
        return p, cs

    def step(st: Any) -> Iterable[tuple[str, Any]]:
        s, touched, bad = st
        p, cs = abstract(s)

        def run(cid: int, label: str, data: bytes, hit: frozenset[bytes],
                extra: Any = None) -> tuple[str, Any]:
            s2, out = exchange(s, cid, data)
            t2 = set(touched)
            for ocid, _m, _q, w, _d in cs:
                if w & hit and (extra is None or ocid != cid):
                    t2.add(ocid)
            b2 = bad
            if extra is not None:  # an EXEC: check it against the model
                t2.discard(cid)
                b2 = bad or extra(s2, out)
            return f"c{cid}: {label}", (s2, frozenset(t2), b2)

        for cid, m, q, _w, d in cs:
            if not m:
                yield run(cid, "MULTI", _req(b"MULTI"), frozenset())
                if not d:
                    for k in ks:
                        yield run(cid, f"WATCH {k.decode()}", _req(b"WATCH", k), frozenset())
                s2, _ = exchange(s, cid, _req(b"UNWATCH"))
                yield f"c{cid}: UNWATCH", (s2, touched - {cid}, bad)
            else:
                was_touched = cid in touched

                def check(s2: Any, out: bytes, q: Any = q, was: bool = was_touched) -> str:
                    if out == b"*-1\r\n":
                        return "" if was else "exec_safe: null EXEC without a touch"
                    if was:
                        return "exec_safe: EXEC ran although a watched key was touched"
                    want = after(q, p)
                    got = {k: k in s2.dbs[0].keys for k in ks}
                    if got != want or not out.startswith(b"*%d\r\n" % len(q)):
                        return f"exec_atomic: {out!r} {got} != {want}"
                    return ""

                hit = frozenset() if d else touches(q, p)
                yield run(cid, "EXEC", _req(b"EXEC"), hit, extra=check)
                s2, _ = exchange(s, cid, _req(b"DISCARD"))
                yield f"c{cid}: DISCARD", (s2, touched - {cid}, bad)
            for kind in ("set", "del"):
                for k in ks:
                    argv = (b"SET", k, b"v") if kind == "set" else (b"DEL", k)
                    label = " ".join(a.decode() for a in argv)
                    if m:
                        if len(q) < max_queue:
                            yield run(cid, label, _req(*argv), frozenset())
                    else:
                        yield run(cid, label, _req(*argv), touches(((kind, k),), p))

    def canon(st: Any) -> Any:
        s, touched, bad = st
        p, cs = abstract(s)
        return (tuple(p[k] for k in ks),
                tuple((m, q, w, d, cid in touched) for cid, m, q, w, d in cs), bad)

    return Model(
        f"transactions (spec) clients={clients} keys={keys} MaxQueue={max_queue}", init,
        [step],
        {"exec_safe_and_atomic": lambda st: not st[2],
         "dirty_watches_nothing": lambda st: all(
             not c.watched for c in st[0].clients.values() if "dirty_cas" in c.flags),
         "dirty_iff_touched": lambda st: all(
             ("dirty_cas" in c.flags) == (cid in st[1]) for cid, c in st[0].clients.items()),
         "queue_only_in_multi": lambda st: all(
             c.multi >= 0 or not c.mstate for c in st[0].clients.values())},
        canon=canon, mechanism="transactions", render=render_redis_cli,
        expected_distinct=expected_distinct(clients, keys, max_queue))


def expected_distinct(clients: int, keys: int, max_queue: int) -> int:
    """The distinct-state count of ``Transactions.tla`` for these constants (what TLC
    reports), from its Python transcription."""
    return tla_transcription(clients, keys, max_queue).check().distinct


def models() -> list[Model]:
    """What ``redspec check`` explores for this mechanism."""
    return [transactions_model(2, 1, 2), tla_transcription(2, 1, 2)]
