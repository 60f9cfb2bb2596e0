"""Explorer models (``properties.explorer``) that ``redspec check`` runs exhaustively.

- :func:`mutex_model` — a pure-Python lock model (N symmetric processes, idle → waiting →
  critical → idle), used to measure the explorer's raw speed and to show symmetry reduction;
- :func:`lifecycle_model` — the client/connection lifecycle through the real spec transitions
  (``client_connect``, ``client_input`` with SELECT/QUIT/CLIENT KILL, ``client_disconnect``);
  its abstraction is exactly the variables of ``tla/ClientLifecycle.tla``, and its distinct-state
  count must equal the one the README gives for ``tla/MCClientLifecycle.cfg``;
- :func:`commands_model` — two clients interleaving SET/EXPIRE/DEL/INCR/SELECT/QUIT (and a
  pipelined DEL+INCR) on one key through the real spec, checking that each client's replies come
  in its command order with the right shapes, that ``expires ⊆ keys``, and that client ids are
  never reused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from redspec.spec import server as S

from .explorer import Model

MECHANISM = "clients"

T = 1_700_000_000_000  # the clock does not move: no key expires during exploration


# -- a pure-Python lock model -----------------------------------------------------------------

IDLE, WAIT, CRIT = 0, 1, 2


def mutex_model(n: int = 4, visits: int = 3, planted: bool = False,
                symmetric: bool = False) -> Model:
    """N processes share a lock; each counts its critical-section visits up to ``visits``.
    State: ``(lock_held, ((pc, count), ...))``. ``planted`` lets acquire ignore the lock."""

    def init() -> Iterable[Any]:
        yield (False, ((IDLE, 0),) * n)

    def step(s: Any) -> Iterable[tuple[str, Any]]:
        lock, procs = s
        for i, (pc, c) in enumerate(procs):
            if pc == IDLE:
                yield f"p{i} wait", (lock, procs[:i] + ((WAIT, c),) + procs[i + 1:])
            elif pc == WAIT and (planted or not lock):
                yield (f"p{i} acquire",
                       (True, procs[:i] + ((CRIT, min(c + 1, visits)),) + procs[i + 1:]))
            elif pc == CRIT:
                yield f"p{i} release", (False, procs[:i] + ((IDLE, c),) + procs[i + 1:])

    def mutual_exclusion(s: Any) -> bool:
        return sum(1 for pc, _ in s[1] if pc == CRIT) <= 1

    def lock_iff_critical(s: Any) -> bool:
        return s[0] == any(pc == CRIT for pc, _ in s[1])

    return Model(
        f"mutex n={n} visits={visits}{' (symmetry)' if symmetric else ''}", init, [step],
        {"mutual_exclusion": mutual_exclusion, "lock_iff_critical": lock_iff_critical},
        symmetry=(lambda s: (s[0], tuple(sorted(s[1])))) if symmetric else None,
        mechanism="explorer")


# -- helpers over the real spec -----------------------------------------------------------------


def _req(*args: bytes) -> bytes:
    return b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args])


def exchange(state: Any, cid: int, data: bytes) -> tuple[Any, bytes]:
    """Send ``data`` from ``cid``; return the next state and the reply bytes the client got,
    with the transition's close effects applied (as the reference server does)."""
    state, eff = S.client_input(state, cid, data, T)
    output_for = getattr(S, "output_for", None)
    if output_for is not None:
        out = output_for(eff, cid)
    else:  # older spec: replies wait in Client.reply until written
        c = state.clients.get(cid)
        out = c.reply if c is not None else b""
        if out:
            state = S.client_wrote(state, cid, len(out))
    for victim in eff.close:
        state = S.client_disconnect(state, victim)
    return state, out


def _frames(out: bytes) -> list[bytes]:
    """Split simple RESP2 replies (+ - : and $ bulks) into frames."""
    frames, pos = [], 0
    while pos < len(out):
        e = out.index(b"\r\n", pos) + 2
        if out[pos:pos + 1] == b"$" and out[pos + 1:pos + 2] != b"-":
            e += int(out[pos + 1:e - 2]) + 2
        frames.append(out[pos:e])
        pos = e
    return frames


def render_redis_cli(trace: list[tuple[str, Any]]) -> str:
    """A trace of labels ``c<id>: COMMAND ...`` as redis-cli input, one block per client."""
    lines = ["# replay with one redis-cli per client (split at the '# client' lines)"]
    last = None
    for label, _ in trace[1:]:
        m = re.match(r"c(\d+): (.*)", label)
        if not m:
            lines.append(f"# {label}")
            last = None
            continue
        if m.group(1) != last:
            lines.append(f"# client {m.group(1)}")
            last = m.group(1)
        lines.extend(m.group(2).split(" ; "))
    return "\n".join(lines)


# -- the client lifecycle (matches tla/ClientLifecycle.tla) -----------------------------------


def lifecycle_model(max_id: int = 3, databases: int = 2) -> Model:
    """Connections come and go: Connect (while ids ≤ ``max_id``), Disconnect, SELECT d, QUIT,
    CLIENT KILL ID. Abstract state (= the TLA+ variables): ``next_client_id``, each connected
    client's id and db, and the ghost ``issued`` (every id a connection ever got, read from
    the ids that appear). State: ``(server, issued, bad)``; ``bad`` names a broken action
    property (``next_id_grows``, ``no_id_given_twice``)."""

    def init() -> Iterable[Any]:
        yield (S.new_server(T, databases=databases), frozenset(), "")

    def moved(st: Any, label: str, s2: Any) -> tuple[str, Any]:
        """The step ``s -> s2``: the ghost records the new ids; the action properties are
        checked on it."""
        s, issued, bad = st
        new = set(s2.clients) - set(s.clients)
        if not bad and s2.next_client_id < s.next_client_id:
            bad = f"next_id_grows: {s.next_client_id} -> {s2.next_client_id}"
        if not bad and new & issued:
            bad = f"no_id_given_twice: id {sorted(new & issued)} again"
        return label, (s2, issued | new, bad)

    def connect(st: Any) -> Iterable[tuple[str, Any]]:
        s = st[0]
        if s.next_client_id <= max_id:
            s2, cid = S.client_connect(s, T)
            yield moved(st, f"connect (id {cid})", s2)

    def per_client(st: Any) -> Iterable[tuple[str, Any]]:
        s = st[0]
        for cid in s.clients:
            yield moved(st, f"disconnect c{cid}", S.client_disconnect(s, cid))
            for d in range(databases + 1):  # and one past the last: refused, no new state
                yield moved(st, f"c{cid}: SELECT {d}",
                            exchange(s, cid, _req(b"SELECT", b"%d" % d))[0])
            yield moved(st, f"c{cid}: QUIT", exchange(s, cid, _req(b"QUIT"))[0])
            for victim in s.clients:
                if victim != cid:
                    yield moved(st, f"c{cid}: CLIENT KILL ID {victim}", exchange(
                        s, cid, _req(b"CLIENT", b"KILL", b"ID", b"%d" % victim))[0])

    def canon(st: Any) -> Any:
        s, issued, bad = st
        return (s.next_client_id, tuple(sorted((c.id, c.db) for c in s.clients.values())),
                issued, bad)

    def ids_below_next(st: Any) -> bool:
        s, issued = st[0], st[1]
        return all(c.id == k and c.id in issued and c.id < s.next_client_id
                   for k, c in s.clients.items())

    def db_in_range(st: Any) -> bool:
        return all(0 <= c.db < databases for c in st[0].clients.values())

    def no_closing_client_left(st: Any) -> bool:
        return not any(c.closing for c in st[0].clients.values())

    return Model(
        f"client lifecycle MaxId={max_id} DBs={databases}", init, [connect, per_client],
        {"ids_below_next": ids_below_next, "db_in_range": db_in_range,
         "no_closing_client_left": no_closing_client_left,
         "next_id_grows_and_no_id_given_twice": lambda st: not st[2]},
        canon=canon, mechanism="clients", render=render_redis_cli,
        expected_distinct=lifecycle_expected(max_id, databases))


#: The wrong variants of ClientLifecycle.tla that tla/README.md lists (name -> what the
#: patch does); :func:`lifecycle_transcription` applies the same change when given the name.
LIFECYCLE_VARIANTS = {
    "disconnect_returns_last_id": "Disconnect hands the newest id back (ids reused)",
    "connect_keeps_next_id": "Connect does not advance nextId",
    "select_one_past_the_last_db": "SELECT accepts d = NumDBs",
}


def lifecycle_transcription(max_id: int = 3, databases: int = 2, bug: str = "") -> Model:
    """``ClientLifecycle.tla`` as an explorer model (pure Python, no spec); ``bug`` names one
    of :data:`LIFECYCLE_VARIANTS`. State: ``(nextId, ((id, db), ...), issued, bad)``; the
    action properties (``NextIdGrows``, ``NoIdGivenTwice``) are checked on each step."""
    assert bug == "" or bug in LIFECYCLE_VARIANTS, bug
    top = databases + 1 if bug == "select_one_past_the_last_db" else databases

    def init() -> Iterable[Any]:
        yield (1, (), frozenset(), "")

    def moved(st: Any, label: str, nxt: int, db: dict[int, int]) -> tuple[str, Any]:
        n, cur, issued, bad = st
        new = set(db) - {c for c, _ in cur}
        if not bad and nxt < n:
            bad = f"NextIdGrows: {n} -> {nxt}"
        if not bad and new & issued:
            bad = f"NoIdGivenTwice: {sorted(new & issued)}"
        return label, (nxt, tuple(sorted(db.items())), issued | new, bad)

    def step(st: Any) -> Iterable[tuple[str, Any]]:
        n, cur, _issued, _bad = st
        db = dict(cur)
        if n <= max_id:
            yield moved(st, f"Connect (id {n})", n if bug == "connect_keeps_next_id" else n + 1,
                        {**db, n: 0})
        for c in db:
            rest = {x: d for x, d in db.items() if x != c}
            back = c if bug == "disconnect_returns_last_id" and c == n - 1 else n
            yield moved(st, f"Disconnect({c})", back, rest)
            yield moved(st, f"Quit({c})", back, rest)
            for d in range(top):
                yield moved(st, f"Select({c}, {d})", n, {**db, c: d})
            for v in db:
                if v != c:
                    yield moved(st, f"Kill({c}, {v})", n, {x: d for x, d in db.items() if x != v})

    return Model(
        f"ClientLifecycle.tla MaxId={max_id} NumDBs={databases}" + (f" bug={bug}" if bug else ""),
        init, [step],
        {"IdsBelowNext": lambda st: all(c in st[2] and c < st[0] for c, _ in st[1]),
         "DbInRange": lambda st: all(0 <= d < databases for _, d in st[1]),
         "action_properties": lambda st: not st[3]},
        mechanism="clients")


def lifecycle_expected(max_id: int, databases: int) -> int:
    """Distinct states of ``tla/ClientLifecycle.tla``: for each ``nextId`` n in 1..max_id+1,
    any subset of the ids below n may be connected, each in any db: Σ (1 + DBs)^(n-1)."""
    return sum((1 + databases) ** (n - 1) for n in range(1, max_id + 2))


# -- two clients interleaving commands on one key ------------------------------------------------

COMMANDS: list[tuple[str, bytes, list[bytes]]] = [
    # (label, request bytes, the reply frames a correct server may give, as regex alternatives)
    ("SET k v", _req(b"SET", b"k", b"v"), [rb"\+OK\r\n"]),
    ("EXPIRE k 100", _req(b"EXPIRE", b"k", b"100"), [rb":[01]\r\n"]),
    ("DEL k", _req(b"DEL", b"k"), [rb":[01]\r\n"]),
    ("INCR k", _req(b"INCR", b"k"),
     [rb":-?\d+\r\n|-ERR value is not an integer or out of range\r\n"]),
    ("SELECT 1", _req(b"SELECT", b"1"), [rb"\+OK\r\n"]),
    ("QUIT", _req(b"QUIT"), [rb"\+OK\r\n"]),
    ("DEL k ; INCR k", _req(b"DEL", b"k") + _req(b"INCR", b"k"), [rb":[01]\r\n", rb":1\r\n"]),
]
_COMPILED = [(label, data, [re.compile(p) for p in pats]) for label, data, pats in COMMANDS]


def commands_model(depth: int = 4, clients: int = 2) -> Model:
    """Two clients (ids reconnect up to ``clients + 1``) interleave the commands above.
    State: ``(server, issued ids, bad reply or "")``."""

    def init() -> Iterable[Any]:
        s = S.new_server(T, databases=2)
        issued = []
        for _ in range(clients):
            s, cid = S.client_connect(s, T)
            issued.append(cid)
        dup = "" if len(set(issued)) == len(issued) else f"ids {issued}"
        yield (s, frozenset(issued), dup, "")

    def connect(st: Any) -> Iterable[tuple[str, Any]]:
        s, issued, dup, bad = st
        if len(s.clients) < clients and s.next_client_id <= clients + 1:
            s2, cid = S.client_connect(s, T)
            yield f"connect (id {cid})", (s2, issued | {cid},
                                          dup or (f"id {cid} reused" if cid in issued else ""),
                                          bad)

    def per_client(st: Any) -> Iterable[tuple[str, Any]]:
        s, issued, dup, bad = st
        for cid in s.clients:
            yield f"disconnect c{cid}", (S.client_disconnect(s, cid), issued, dup, bad)
            for label, data, pats in _COMPILED:
                s2, out = exchange(s, cid, data)
                frames = _frames(out)
                ok = len(frames) == len(pats) and all(
                    p.fullmatch(f) for p, f in zip(pats, frames, strict=False))
                yield (f"c{cid}: {label}",
                       (s2, issued, dup, bad or ("" if ok else f"{label} got {out!r}")))

    def canon(st: Any) -> Any:
        s, issued, dup, bad = st
        return (s.next_client_id, issued, dup, bad,
                tuple(sorted((c.id, c.db, c.closing) for c in s.clients.values())),
                tuple((d.id, tuple(sorted(d.keys.items())), tuple(sorted(d.expires.items())))
                      for d in s.dbs if d.keys or d.expires))

    return Model(
        f"{clients} clients × {len(COMMANDS)} commands depth {depth}", init,
        [connect, per_client],
        {"reply_order": lambda st: not st[3],
         "expires_subset_of_keys": lambda st: all(
             all(k in d.keys for k in d.expires) for d in st[0].dbs),
         "ids_unique": lambda st: not st[2] and all(k == c.id for k, c in st[0].clients.items())},
        max_depth=depth, canon=canon, mechanism="clients", render=render_redis_cli)


def models() -> list[Model]:
    """What ``redspec check`` explores."""
    return [lifecycle_model(), commands_model(), mutex_model(symmetric=True)]
