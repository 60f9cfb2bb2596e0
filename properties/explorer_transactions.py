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
    """The keys ``q`` signals, op by op (``Touches``: SET always, DEL of an existing key)."""
    return frozenset(k for k in p for n in range(1, len(q) + 1)
                     if q[n - 1][1] == k and (q[n - 1][0] == "set" or present_before(q, p, k, n)))


def writes(op: Op, p: dict[bytes, bool]) -> frozenset[bytes]:
    """``Writes(op, p)``: the ghost's definition of a write (a SET, a DEL of an existing
    key), kept apart from the mechanism's ``Touches``."""
    return frozenset({op[1]}) if op[0] == "set" or p[op[1]] else frozenset()


# -- Transactions.tla transcribed -----------------------------------------------------------------

#: The wrong variants of Transactions.tla that tla/README.md lists (name -> what the patch
#: does); :func:`tla_transcription` applies the same change when given the name.
VARIANTS = {
    "write_signals_nobody": "a write outside MULTI marks no watcher dirty",
    "exec_signals_nobody": "the writes an EXEC runs mark no watcher dirty",
    "exec_ignores_dirty": "EXEC runs a dirty transaction",
    "signal_hits_every_watcher": "a write marks dirty every client watching any key",
    "del_of_missing_key_signals": "DEL of a missing key signals it",
    "write_inside_exec": "another client's write runs while an EXEC is running",
}

# state: (present, running (client index or -1),
#         clients: ((multi, queue, watched, dirty, wset, wrote), ...), bad)


def tla_transcription(clients: int = 2, keys: int = 2, max_queue: int = 2,
                      bug: str = "") -> Model:
    """``Transactions.tla`` as an explorer model (pure Python, no spec); ``bug`` names one of
    :data:`VARIANTS`, the same small change the README's patch makes to the module. The
    action properties (``ExecSafe``, ``ExecNullOnlyAfterWrite``, ``Atomicity``) are checked
    on each step; a broken one is carried in the state as ``bad``."""
    assert bug == "" or bug in VARIANTS, bug
    ks = tuple(b"k%d" % (i + 1) for i in range(keys))
    ops = [("set", k) for k in ks] + [("del", k) for k in ks]
    empty: frozenset[bytes] = frozenset()
    clear = (False, (), empty, False, empty, empty)

    def init() -> Iterable[Any]:
        yield (tuple(False for _ in ks), -1, tuple(clear for _ in range(clients)), "")

    def signal_set(op: Op, p: dict[bytes, bool]) -> frozenset[bytes]:
        if bug == "del_of_missing_key_signals":
            return frozenset({op[1]})
        return touches((op,), p)

    def run(op: Op, p: dict[bytes, bool], cs: Any, quiet: bool) -> tuple[Any, Any]:
        """``Run(op)``: the keyspace, the mechanism's signals, the ghost's record."""
        t = frozenset() if quiet else signal_set(op, p)
        w = writes(op, p)

        def hit(wi: frozenset[bytes]) -> bool:
            if bug == "signal_hits_every_watcher":
                return bool(wi) and bool(t)
            return bool(wi & t)

        cs2 = tuple((mi, qi, empty if hit(wi) else wi, di or hit(wi), si, ri | (si & w))
                    for (mi, qi, wi, di, si, ri) in cs)
        p2 = after((op,), p)
        return tuple(p2[k] for k in ks), cs2

    def step(s: Any) -> Iterable[tuple[str, Any]]:
        pres, running, cs, bad = s
        p = dict(zip(ks, pres, strict=True))

        def put(i: int, v: Any, base: Any = cs) -> Any:
            return base[:i] + (v,) + base[i + 1:]

        if running >= 0:  # ExecOp / ExecEnd of the running client
            m, q, w, d, ws, wr = cs[running]
            if q:
                pres2, cs2 = run(q[0], p, cs, bug == "exec_signals_nobody")
                m2, _q, w2, d2, ws2, wr2 = cs2[running]
                yield (f"c{running} EXEC runs {q[0][0].upper()} {q[0][1].decode()}",
                       (pres2, running, put(running, (m2, q[1:], w2, d2, ws2, wr2), cs2), bad))
            else:
                yield f"c{running} EXEC ends", (pres, -1, put(running, (False,) + cs[running][1:]),
                                                bad)
        for c, (m, q, w, d, ws, wr) in enumerate(cs):
            idle = running < 0
            atomic = "" if idle else "atomicity: a step of another client inside an EXEC"
            if idle and not m:
                yield f"c{c} MULTI", (pres, running, put(c, (True, q, w, d, ws, wr)), bad)
                if not d:
                    for k in ks:
                        yield (f"c{c} WATCH {k.decode()}",
                               (pres, running, put(c, (m, q, w | {k}, d, ws | {k}, wr)), bad))
                yield f"c{c} UNWATCH", (pres, running, put(c, clear), bad)
            elif idle:
                if not d or bug == "exec_ignores_dirty":
                    safe = "" if not wr else "exec_safe: EXEC began after a watched key was written"
                    yield (f"c{c} EXEC", (pres, c, put(c, (True, q, empty, False, empty, empty)),
                                          bad or safe))
                if d:
                    live = "" if wr else "exec_null_only_after_write: null EXEC without a write"
                    yield f"c{c} EXEC (null)", (pres, running, put(c, clear), bad or live)
                yield f"c{c} DISCARD", (pres, running, put(c, clear), bad)
            if not idle and bug != "write_inside_exec":
                continue
            for op in ops:
                label = f"c{c} {op[0].upper()} {op[1].decode()}"
                if m:
                    if len(q) < max_queue:
                        yield (label + " (queued)",
                               (pres, running, put(c, (m, q if d else q + (op,), w, d, ws, wr)),
                                bad or atomic))
                else:
                    pres2, cs2 = run(op, p, cs, bug == "write_signals_nobody")
                    yield label, (pres2, running, cs2, bad or atomic)

    def inv(pred: Any) -> Any:
        return lambda s: all(pred(*c) for c in s[2])

    return Model(
        f"Transactions.tla clients={clients} keys={keys} MaxQueue={max_queue}"
        + (f" bug={bug}" if bug else ""), init, [step],
        {"one_exec_at_a_time": lambda s: s[1] < 0 or s[2][s[1]][0],
         "queue_only_in_multi": inv(lambda m, q, w, d, ws, wr: m or q == ()),
         "dirty_watches_nothing": inv(lambda m, q, w, d, ws, wr: not d or not w),
         "clean_watches_what_it_asked": inv(lambda m, q, w, d, ws, wr: d or w == ws),
         "dirty_iff_written": inv(lambda m, q, w, d, ws, wr: d == bool(wr)),
         "action_properties": lambda s: not s[3]},
        mechanism="transactions")


# -- the real spec, abstracted to the TLA+ variables -----------------------------------------------

Ghost = tuple[tuple[frozenset[bytes], frozenset[bytes]], ...]  # per client (by id): wset, wrote


def transactions_model(clients: int = 2, keys: int = 2, max_queue: int = 2) -> Model:
    """N clients run MULTI/EXEC/DISCARD/WATCH/UNWATCH/SET/DEL through the spec. State:
    ``(server, ghost, running, bad)``: the ghost is ``wset``/``wrote`` per client (computed
    here from the commands sent, never from the spec's flags); ``running`` is None, or, for
    the states inside an EXEC, ``(client, queued ops left, the spec's EXEC result)``; ``bad``
    names a broken action property.

    The spec runs an EXEC in one transition. The model's states inside it are rebuilt from
    the spec too: DISCARD, then the queued commands sent one at a time outside MULTI; at
    ExecEnd the state so reached must equal the one the real EXEC gives (``exec_atomic``:
    the transaction's effect is its queue run in order, with nothing between)."""
    ks = [b"k%d" % (i + 1) for i in range(keys)]
    empty: frozenset[bytes] = frozenset()

    def init() -> Iterable[Any]:
        s = S.new_server(T)
        for _ in range(clients):
            s, _cid = S.client_connect(s, T)
        yield (s, tuple((empty, empty) for _ in range(clients)), None, "")

    def abstract(s: Any) -> tuple[dict[bytes, bool], list[Any]]:
        p = {k: k in s.dbs[0].keys for k in ks}
        cs = []
        for cid in sorted(s.clients):
            c = s.clients[cid]
            q = tuple((a[0].decode().lower(), a[1]) for _, a in c.mstate)
            cs.append((cid, c.multi >= 0, q, frozenset(k for _, k, _ in c.watched),
                       "dirty_cas" in c.flags))
        return p, cs

    def argv(op: Op) -> tuple[bytes, ...]:
        return (b"SET", op[1], b"v") if op[0] == "set" else (b"DEL", op[1])

    def record(ghost: Ghost, w: frozenset[bytes]) -> Ghost:
        return tuple((ws, wr | (ws & w)) for ws, wr in ghost)

    def forget(ghost: Ghost, i: int) -> Ghost:
        return ghost[:i] + ((empty, empty),) + ghost[i + 1:]

    def inside(st: Any) -> Iterable[tuple[str, Any]]:
        """ExecOp / ExecEnd of the running client: nothing else is enabled."""
        s, ghost, (cid, rest, final), bad = st
        i = sorted(s.clients).index(cid)
        if rest:
            p, _ = abstract(s)
            s2, _ = exchange(s, cid, _req(*argv(rest[0])))
            label = " ".join(a.decode() for a in argv(rest[0]))
            yield (f"c{cid}: (EXEC runs {label})",
                   (s2, record(ghost, writes(rest[0], p)), (cid, rest[1:], final), bad))
        else:
            got, want = view(s), view(final)
            wrong = "" if got == want else f"exec_atomic: {want} != queue run in order {got}"
            yield f"c{cid}: (EXEC ends)", (final, forget(ghost, i), None, bad or wrong)

    def view(s: Any) -> Any:
        p, cs = abstract(s)
        return tuple(p[k] for k in ks), tuple((m, q, w, d) for _cid, m, q, w, d in cs)

    def step(st: Any) -> Iterable[tuple[str, Any]]:
        s, ghost, running, bad = st
        if running is not None:
            yield from inside(st)
            return
        p, cs = abstract(s)
        for i, (cid, m, q, _w, d) in enumerate(cs):
            ws, wr = ghost[i]
            if not m:
                s2, _ = exchange(s, cid, _req(b"MULTI"))
                yield f"c{cid}: MULTI", (s2, ghost, None, bad)
                if not d:
                    for k in ks:
                        s2, _ = exchange(s, cid, _req(b"WATCH", k))
                        g2 = ghost[:i] + ((ws | {k}, wr),) + ghost[i + 1:]
                        yield f"c{cid}: WATCH {k.decode()}", (s2, g2, None, bad)
                s2, _ = exchange(s, cid, _req(b"UNWATCH"))
                yield f"c{cid}: UNWATCH", (s2, forget(ghost, i), None, bad)
            else:
                final, out = exchange(s, cid, _req(b"EXEC"))
                if out == b"*-1\r\n":
                    live = "" if wr else "exec_null_only_after_write: null EXEC without a write"
                    yield f"c{cid}: EXEC (null)", (final, forget(ghost, i), None, bad or live)
                else:
                    safe = "" if not wr else "exec_safe: EXEC ran after a watched key was written"
                    if not out.startswith(b"*%d\r\n" % len(q)):
                        safe = safe or f"exec_atomic: reply {out!r} for {len(q)} queued"
                    s2, _ = exchange(s, cid, _req(b"DISCARD"))
                    yield (f"c{cid}: EXEC", (s2, forget(ghost, i), (cid, q, final),
                                             bad or safe))
                s2, _ = exchange(s, cid, _req(b"DISCARD"))
                yield f"c{cid}: DISCARD", (s2, forget(ghost, i), None, bad)
            for kind in ("set", "del"):
                for k in ks:
                    op = (kind, k)
                    label = " ".join(a.decode() for a in argv(op))
                    if m:
                        if len(q) < max_queue:
                            s2, _ = exchange(s, cid, _req(*argv(op)))
                            yield f"c{cid}: {label}", (s2, ghost, None, bad)
                    else:
                        s2, _ = exchange(s, cid, _req(*argv(op)))
                        yield f"c{cid}: {label}", (s2, record(ghost, writes(op, p)), None, bad)

    def canon(st: Any) -> Any:
        s, ghost, running, bad = st
        p, cs = abstract(s)
        rows = [(m, q, w, d) + ghost[i] for i, (_cid, m, q, w, d) in enumerate(cs)]
        run, end = -1, None
        if running is not None:  # the running client: still in MULTI, its queue's rest
            cid, rest, final = running
            run = [c[0] for c in cs].index(cid)
            rows[run] = (True, rest, frozenset(), False) + ghost[run]
            # Where the spec's EXEC ends: a function of the state above when the spec is
            # right (no extra states), kept so that two paths to one state inside an EXEC
            # cannot hide a wrong EXEC result behind a right one.
            end = view(final)
        return tuple(p[k] for k in ks), run, tuple(rows), bad, end

    def rows(st: Any) -> Any:
        return canon(st)[2]

    return Model(
        f"transactions (spec) clients={clients} keys={keys} MaxQueue={max_queue}", init,
        [step],
        {"action_properties": lambda st: not st[3],
         "queue_only_in_multi": lambda st: all(m or not q for m, q, *_ in rows(st)),
         "dirty_watches_nothing": lambda st: all(not d or not w for _m, _q, w, d, *_ in rows(st)),
         "clean_watches_what_it_asked": lambda st: all(
             d or w == ws for _m, _q, w, d, ws, _wr in rows(st)),
         "dirty_iff_written": lambda st: all(
             d == bool(wr) for _m, _q, _w, d, _ws, wr in rows(st))},
        canon=canon, mechanism="transactions", render=render_redis_cli,
        expected_distinct=expected_distinct(clients, keys, max_queue))


def expected_distinct(clients: int, keys: int, max_queue: int) -> int:
    """The distinct-state count of ``Transactions.tla`` for these constants (what TLC
    reports), from its Python transcription."""
    return tla_transcription(clients, keys, max_queue).check().distinct


def models() -> list[Model]:
    """What ``redspec check`` explores for this mechanism."""
    return [transactions_model(2, 2, 1), transactions_model(2, 1, 2), tla_transcription(2, 2, 2)]
