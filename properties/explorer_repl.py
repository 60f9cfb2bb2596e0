"""The explorer over the multi-node model for replication (mechanisms 19-20), matching
``tla/Psync.tla``.

:func:`psync_model` runs the **real spec**: worlds of ``spec.replnet`` (three nodes ``m``,
``r1``, ``r2``, each a ``ServerState`` driven by the single-node transitions, connections
as ordered byte streams), set up as the module's ``Init`` (r2 fully synced from ``m``; r1
a master told ``REPLICAOF m`` whose first connection broke), then explored with the
module's actions, each a short schedule of world transitions:

- Write: ``RPUSH k <n>`` on the current master (``replnet.command``; beforeSleep puts the
  stream on the replicas' connections);
- Apply(r): the bytes of the next write in flight to ``r`` are delivered (with the
  ``SELECT`` before it, if any);
- Drop(r): ``replnet.drop`` of r's connection (a BGSAVE child left without its replica ends
  and its master reaps it, so that no orphaned child interleaves with the next sync);
- Reconnect(r): r's event loop turns a second later (``replicationCron`` connects), then
  the handshake runs until the PSYNC reply is read (+CONTINUE: connected, the backlog in
  flight; +FULLRESYNC: transferring, the master's child forked);
- FullSyncDone(r): the child exits, the master's cron reaps it and sends the snapshot, r
  loads it and ACKs, the stream held for it follows;
- Promote: ``REPLICAOF NO ONE`` on r1; Follow(n): ``REPLICAOF r1 6379`` on n, then the
  handshake as in Reconnect.

After each action the bytes the replicas wrote to their masters (ACKs) are delivered.
A state is abstracted to the module's variables (:func:`abstract`): the byte offsets of
the streams are mapped to write counts through the boundaries the explorer recorded when
the writes ran, the 40-character replids to the module's names ("A": m's, "C": r1's own
at the start, "B": r1's after the promotion, "0": none; any other shows as "?...", which
no property accepts). The ghosts (``writes``, ``log``) are computed by the explorer from
the writes it sends (each recorded under the replid and at the offset of the node that ran
it, as the module's Write does), never read off the replicas.

The module's own text is explored by ``properties/tla_interp.py``; its count for
``MCPsync.cfg`` is :data:`EXPECTED` (tla/README.md), and the explorer must reach exactly as
many distinct states (``tests/test_psync_tla.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from redspec.spec import replnet as N
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.state import (
    REPL_STATE_CONNECT,
    REPL_STATE_CONNECTED,
    REPL_STATE_TRANSFER,
)

from .explorer import Model

MECHANISM = "psync"

NODES = ("m", "r1", "r2")
IDS = ("A", "B", "C", "0")
KEY = b"k"
#: The distinct states of Psync.tla by MaxWrites (the interpreter's count of the module's
#: text; TLC's for MCPsync.cfg is the README's).
EXPECTED = {1: 151, 2: 791, 3: 3043}

#: The configuration of every node: the cron once a second (hz 1), no PING in the stream
#: after the first (a period no schedule reaches), no timeouts and no backlog time to live
#: within the schedules, diskless sync at once (the world's default).
CONFIG: dict[str, Any] = {
    "hz": 1, "repl-ping-replica-period": 1 << 30, "repl-timeout": 1 << 20,
    "repl-backlog-ttl": 0,
}

#: The wrong variants of Psync.tla that tla/README.md lists (name -> what the patch does).
VARIANTS = {
    "psync_ignores_second_offset": "PSYNC naming replid2 is accepted past "
                                   "second_replid_offset",
    "promote_keeps_replid": "REPLICAOF NO ONE keeps the replid (no shiftReplicationId)",
    "continue_keeps_old_replid": "a replica continuing with a promoted master keeps its old "
                                 "replid",
    "psync_below_backlog": "PSYNC is accepted for the offset just before the backlog's first",
    "continue_resets_offset": "a replica that continues takes the offset where its backlog "
                              "starts",
    "promote_second_offset_past": "second_replid_offset one past the promoted replica's "
                                  "offset",
    "full_sync_skips_buffered_writes": "after a full sync the replica takes its master's "
                                       "current offset: the writes made during the sync "
                                       "are skipped",
}

# -- the concrete state -------------------------------------------------------------------------
# (world, writes, log, ledger, names):
#   writes  -- GHOST: writes sent so far
#   log     -- GHOST: frozenset of (replid name, position, write)
#   ledger  -- per replid name, the byte offset after each write (position p -> bytes), and
#              "base": the byte offset of the initial sync (offsets up to it are position 0)
#   names   -- the replids seen, as ((hex, name), ...)
#   bad     -- "" or the action property the step into this state broke
State = tuple[N.World, int, frozenset[tuple[str, int, int]], Any, tuple[tuple[str, str], ...],
              str]


def _rpush(n: int) -> tuple[bytes, ...]:
    return (b"RPUSH", KEY, b"%d" % n)


def turn(w: N.World, name: str, ms: int = 1000) -> N.World:
    """The clock advances ``ms`` and node ``name``'s event loop turns (its crons when due):
    ``replnet.tick`` for one node (replnet has no public transition for it, so this uses
    its ``_run`` and ``_writable``, as ``tick`` does), so that a cron reconnects only the
    replica the action names."""
    w = attrs.evolve(w, now_ms=w.now_ms + ms)
    now = w.now_ms
    return N._run(w, name, lambda st: event_loop_turn(st, now, {}, N._writable(st)))


def upstream(w: N.World) -> N.World:
    """Deliver every byte replicas wrote to their masters (ACKs), until none is left."""
    for _ in range(10):
        pending = [k for k, c in w.conns.items() if c.to_b]
        if not pending:
            return w
        for k in pending:
            c = w.conns.get(k)
            if c is not None and c.to_b:
                w = N.deliver(w, k, c.b)
    return w


def conn_of(w: N.World, r: str) -> tuple[int, N.Conn] | None:
    """Replica ``r``'s connection to its master."""
    for k, c in w.conns.items():
        if c.a == r:
            return k, c
    return None


def handshake(w: N.World, r: str) -> N.World:
    """Run r's handshake until it reads the PSYNC reply: the bytes to the master delivered
    whole, those to r one line at a time (the +CONTINUE line alone: the backlog after it
    stays in flight for Apply)."""
    for _ in range(40):
        st = w.nodes[r].state
        assert st is not None
        if st.repl.link_state in (REPL_STATE_CONNECTED, REPL_STATE_TRANSFER,
                                  REPL_STATE_CONNECT):
            return w
        hit = conn_of(w, r)
        if hit is None:
            return w
        k, c = hit
        if c.to_b:
            w = N.deliver(w, k, c.b)
            continue
        if c.to_a:
            i = c.to_a.find(b"\n")
            w = N.deliver(w, k, r, i + 1 if i >= 0 else None)
            continue
        return w
    raise AssertionError(f"the handshake of {r} does not end")


def finish_orphan(w: N.World, x: str) -> N.World:
    """A BGSAVE child of ``x`` left without a replica to sync ends, and ``x`` reaps it."""
    node = w.nodes[x]
    if node.state is None or node.child is None:
        return w
    synced = any(c.b == x and (st := w.nodes[c.a].state) is not None
                 and st.repl.link_state == REPL_STATE_TRANSFER for c in w.conns.values())
    if synced:
        return w
    return turn(N.child_exit(w, x), x)


def next_write_bytes(data: bytes) -> int:
    """How many bytes of ``data`` (the stream in flight) end with the first RPUSH."""
    i = 0
    while i < len(data):
        assert data[i:i + 1] == b"*", data[i:i + 40]
        j = data.index(b"\r\n", i)
        n = int(data[i + 1:j])
        i = j + 2
        argv = []
        for _ in range(n):
            j = data.index(b"\r\n", i)
            size = int(data[i + 1:j])
            argv.append(data[j + 2:j + 2 + size])
            i = j + 2 + size + 2
        if argv[0].upper() == b"RPUSH":
            return i
    raise AssertionError(f"no write in flight: {data!r}")


def writes_in_flight(data: bytes) -> int:
    """The RPUSH commands in ``data``."""
    n = 0
    while data:
        try:
            k = next_write_bytes(data)
        except AssertionError:
            return n
        n += 1
        data = data[k:]
    return n


# -- the abstraction ------------------------------------------------------------------------------


def _name(names: tuple[tuple[str, str], ...], replid: str) -> str:
    if replid == "0" * 40:
        return "0"
    for h, nm in names:
        if h == replid:
            return nm
    return "?" + replid[:8]


def _count(ledger: Any, idname: str, nbytes: int) -> Any:
    """The write count of byte offset ``nbytes`` of history ``idname``."""
    table = dict(ledger)
    if nbytes <= table["base"]:
        return 0
    hist = dict(table.get(idname, ()))
    for p, b in hist.items():
        if b == nbytes:
            return p
    return ("?", idname, nbytes)


def abstract(st: State) -> tuple[Any, ...]:
    """The module's variables of a concrete state, in their order (and ``bad``)."""
    w, writes, log, ledger, names, bad = st
    master, link, ids, id2, sro, off, first, data, cached, snap = ({} for _ in range(10))
    for n in NODES:
        s = w.nodes[n].state
        assert s is not None
        r = s.repl
        nm = _name(names, r.replid)
        master[n] = r.masterhost or "none"
        if r.masterhost is None:
            link[n] = "none"
        else:
            link[n] = {REPL_STATE_CONNECT: "down", REPL_STATE_TRANSFER: "sync",
                       REPL_STATE_CONNECTED: "up"}.get(r.link_state, f"?{r.link_state}")
        ids[n] = nm
        id2[n] = _name(names, r.replid2)
        sro[n] = -1 if r.second_replid_offset == -1 else _count(
            ledger, id2[n], r.second_replid_offset - 1)
        off[n] = _count(ledger, nm, r.master_repl_offset)
        first[n] = -1 if r.backlog is None else _count(ledger, nm, r.backlog.offset - 1)
        v = s.dbs[0].keys.get(KEY)
        data[n] = tuple(int(x) for x in v.to_list()) if v is not None else ()
        cached[n] = r.cached_master is not None and link[n] in ("down", "sync")
        snap[n] = -1
        if link[n] == "sync":
            snap[n] = _count(ledger, _name(names, r.master_replid), r.master_initial_offset)
    fz = lambda d: tuple(d[n] for n in NODES)  # noqa: E731
    return (fz(master), fz(link), fz(ids), fz(id2), fz(sro), fz(off), fz(first), fz(data),
            fz(cached), fz(snap), writes, log, bad)


FIELDS = ("master", "link", "id", "id2", "sro", "off", "first", "data", "cached", "snap",
          "writes", "log", "bad")
MASTER, LINK, ID, ID2, SRO, OFF, FIRST, DATA, CACHED, SNAP, WRITES, LOG, BAD = range(len(FIELDS))


def _ix(n: str) -> int:
    return NODES.index(n)


# -- the module's properties on the abstract state ------------------------------------------------


def prefix_consistency(a: Any) -> bool:
    """``PrefixConsistency``: a node's dataset is the prefix of length off of the history
    its replid names."""
    for i in range(len(NODES)):
        d, o = a[DATA][i], a[OFF][i]
        if not isinstance(o, int) or len(d) != o:
            return False
        if any((a[ID][i], p + 1, d[p]) not in a[LOG] for p in range(o)):
            return False
    return True


def one_write_per_offset(a: Any) -> bool:
    """``OneWritePerOffset``: a replid and an offset name one write."""
    seen: dict[tuple[str, int], int] = {}
    for i, p, v in a[LOG]:
        if seen.setdefault((i, p), v) != v:
            return False
    return True


def second_id_truthful(a: Any) -> bool:
    """``SecondIdTruthful``: up to second_replid_offset the dataset is that history."""
    for i in range(len(NODES)):
        if a[ID2][i] == "0":
            continue
        s, d = a[SRO][i], a[DATA][i]
        if not isinstance(s, int) or not isinstance(a[OFF][i], int) or s > a[OFF][i] \
                or s > len(d):
            return False
        if any((a[ID2][i], p + 1, d[p]) not in a[LOG] for p in range(s)):
            return False
    return True


def type_ok(a: Any) -> bool:
    """``TypeOK`` (and every offset mapped to a write count: a byte offset that is not a
    write boundary of its history shows here)."""
    for i in range(len(NODES)):
        if a[LINK][i] not in ("none", "down", "sync", "up"):
            return False
        if (a[LINK][i] == "none") != (a[MASTER][i] == "none"):
            return False
        if a[ID][i] not in IDS or a[ID2][i] not in IDS:
            return False
        for f in (FIRST, SNAP):
            if not isinstance(a[f][i], int):
                return False
        # an offset (second_replid_offset) that names no write of its history:
        # PrefixConsistency (SecondIdTruthful)
        o = a[OFF][i]
        if isinstance(o, int) and a[FIRST][i] > o:
            return False
    return True


def invariants() -> dict[str, Any]:
    return {"TypeOK": type_ok, "PrefixConsistency": prefix_consistency,
            "OneWritePerOffset": one_write_per_offset, "SecondIdTruthful": second_id_truthful}


def _rule(a: Any, x: int, i: str, o: int) -> bool:
    """``Rule(x, i, o)`` on the abstract state ``a``."""
    if not all(isinstance(a[f][x], int) for f in (SRO, FIRST, OFF)):
        return False
    return ((i == a[ID][x] or (i == a[ID2][x] and o <= a[SRO][x]))
            and a[FIRST][x] != -1 and a[FIRST][x] <= o <= a[OFF][x])


def action_properties(old: Any, new: Any) -> str:
    """``OffsetsGrow`` and ``PsyncIffRule`` on the step old -> new ("" when both hold)."""
    for i in range(len(NODES)):
        o, n = old[OFF][i], new[OFF][i]
        if (new[ID][i] == old[ID][i] or new[ID2][i] == old[ID][i]) \
                and isinstance(o, int) and isinstance(n, int) and n < o:
            return f"OffsetsGrow: {NODES[i]} from {old[OFF][i]} to {new[OFF][i]}"
    for i in range(len(NODES)):
        psynced = new[LINK][i] in ("up", "sync") and (
            old[LINK][i] in ("down", "none") or new[MASTER][i] != old[MASTER][i])
        if not psynced:
            continue
        names = old[MASTER][i] == "none" or old[LINK][i] == "up" or (
            old[LINK][i] == "down" and old[CACHED][i])
        o = old[OFF][i]
        rule = names and isinstance(o, int) and _rule(old, _ix(new[MASTER][i]), old[ID][i], o)
        if (new[LINK][i] == "up") != rule:
            return (f"PsyncIffRule: {NODES[i]} {'continued' if new[LINK][i] == 'up' else 'full'}"
                    f" while the rule {'holds' if rule else 'fails'}")
        if new[LINK][i] == "up" and (new[DATA][i] != old[DATA][i]
                                     or new[OFF][i] != old[OFF][i]):
            return f"PsyncIffRule: {NODES[i]} continued but its dataset changed"
    return ""


# -- the actions ----------------------------------------------------------------------------------


def setup() -> State:
    """The module's Init: r2 fully synced from m, nothing written; r1 has just been told
    REPLICAOF m (a master turned replica: it names its own history, "C") and its first
    connection broke, so it is down."""
    w = N.new_world(NODES, **CONFIG)
    w = N.command(w, "r2", b"REPLICAOF", b"m", b"6379")
    for _ in range(6):
        w = N.settle_network(w)
        w = N.tick(w, 1000)
        if w.nodes["m"].child:
            w = N.child_exit(w, "m")
    w = N.settle_network(w)
    w = N.command(w, "r1", b"REPLICAOF", b"m", b"6379")
    hit = conn_of(w, "r1")
    assert hit is not None
    w = N.drop(w, hit[0])
    m, r1, r2 = (w.nodes[n].state for n in NODES)
    assert m is not None and r1 is not None and r2 is not None
    assert r2.repl.link_state == REPL_STATE_CONNECTED
    assert r1.repl.link_state == REPL_STATE_CONNECT
    ledger = (("base", m.repl.master_repl_offset),)
    return (w, 0, frozenset(), ledger, ((m.repl.replid, "A"), (r1.repl.replid, "C")), "")


def _ledger_add(ledger: Any, idname: str, pos: int, nbytes: int) -> Any:
    """The ledger with the byte offset after the write at ``pos`` of history ``idname``."""
    table = dict(ledger)
    hist = dict(table.get(idname, ()))
    hist[pos] = nbytes
    table[idname] = tuple(sorted(hist.items()))
    return tuple(sorted(table.items(), key=lambda kv: kv[0]))


def actions(st: State, max_writes: int) -> Iterable[tuple[str, State]]:
    """The module's actions enabled in ``st``, each run as a schedule of world
    transitions."""
    w, writes, log, ledger, names, _bad = st
    a = abstract(st)
    leader = "r1" if a[MASTER][_ix("r1")] == "none" else "m"
    if writes < max_writes:
        n = writes + 1
        pos = a[OFF][_ix(leader)]
        w2 = upstream(N.command(w, leader, *_rpush(n)))
        s1 = w2.nodes[leader].state
        assert s1 is not None
        idn2 = _name(names, s1.repl.replid)
        pos2 = pos + 1 if isinstance(pos, int) else pos
        yield (f"Write({n}) on {leader}",
               (w2, n, log | {(idn2, pos2, n)},
                _ledger_add(ledger, idn2, pos2, s1.repl.master_repl_offset)
                if isinstance(pos2, int) else ledger, names, ""))
    for r in NODES:
        i = _ix(r)
        lk = a[LINK][i]
        hit = conn_of(w, r)
        if lk == "up" and hit is not None and writes_in_flight(hit[1].to_a):
            k, c = hit
            w2 = upstream(N.deliver(w, k, r, next_write_bytes(c.to_a)))
            yield f"Apply({r})", (w2, writes, log, ledger, names, "")
        if lk in ("up", "sync") and hit is not None:
            x = a[MASTER][i]
            w2 = upstream(finish_orphan(N.drop(w, hit[0]), x))
            yield f"Drop({r})", (w2, writes, log, ledger, names, "")
        if lk == "down":
            x = a[MASTER][i]
            if not any(a[MASTER][j] == x and a[LINK][j] == "sync" for j in range(len(NODES))):
                w2 = upstream(handshake(turn(w, r), r))
                yield f"Reconnect({r})", (w2, writes, log, ledger, names, "")
        if lk == "sync":
            x = a[MASTER][i]
            w2 = turn(N.child_exit(w, x), x)
            hit2 = conn_of(w2, r)
            assert hit2 is not None
            # the link's input runs no beforeSleep: the ACK a diskless load queues for
            # the new master client goes out at r's next turn (at once, in Redis)
            w2 = upstream(turn(N.deliver(w2, hit2[0], r), r, 0))
            yield f"FullSyncDone({r})", (w2, writes, log, ledger, names, "")
    if a[MASTER][_ix("r1")] == "m" and a[FIRST][_ix("r1")] != -1:
        w2 = N.command(w, "r1", b"REPLICAOF", b"NO", b"ONE")
        w2 = upstream(finish_orphan(w2, "m"))
        s1 = w2.nodes["r1"].state
        assert s1 is not None
        names2 = names
        if _name(names, s1.repl.replid).startswith("?"):
            names2 = names + ((s1.repl.replid, "B"),)
        d = a[DATA][_ix("r1")]  # GHOST: history B starts with r1's dataset
        log2 = log | {("B", p + 1, d[p]) for p in range(len(d))}
        ledger2 = ledger
        for p, b in dict(dict(ledger).get(a[ID][_ix("r1")], ())).items():
            if p <= len(d):
                ledger2 = _ledger_add(ledger2, "B", p, b)
        yield "Promote", (w2, writes, log2, ledger2, names2, "")
    if a[MASTER][_ix("r1")] == "none" and not any(
            a[MASTER][j] == "r1" and a[LINK][j] == "sync" for j in range(len(NODES))):
        for n in ("r2", "m"):
            if a[MASTER][_ix(n)] == "r1":
                continue
            if n == "m" and a[MASTER][_ix("r2")] != "r1":
                continue
            old = a[MASTER][_ix(n)]
            w2 = N.command(w, n, b"REPLICAOF", b"r1", b"6379")
            if old not in ("none", "r1"):
                w2 = finish_orphan(w2, old)
            w2 = upstream(handshake(w2, n))
            yield f"Follow({n})", (w2, writes, log, ledger, names, "")


def psync_model(max_writes: int = 2) -> Model:
    """Psync.tla's actions over replnet worlds; the canonical form is the abstraction."""

    def init() -> Iterable[State]:
        yield setup()

    def step(st: State) -> Iterable[tuple[str, State]]:
        old = abstract(st)
        for label, t in actions(st, max_writes):
            bad = action_properties(old, abstract(t))
            yield label, (t[:5] + (bad,) if bad else t)  # type: ignore[return-value]

    def check(inv: Any) -> Any:
        return lambda st: inv(abstract(st))

    invs = {name: check(inv) for name, inv in invariants().items()}
    invs["action_properties"] = lambda st: not st[5]
    invs["InFlightIsTheGap"] = in_flight_is_the_gap
    return Model(f"psync (spec) MaxWrites={max_writes}", init, [step], invs,
                 canon=abstract, mechanism="psync",
                 expected_distinct=EXPECTED.get(max_writes))


def in_flight_is_the_gap(st: State) -> bool:
    """The explorer's own check: a connected replica has exactly the writes it lacks in
    flight (so Apply is enabled in the spec exactly when the module enables it)."""
    w = st[0]
    a = abstract(st)
    for r in NODES:
        i = _ix(r)
        if a[LINK][i] != "up":
            continue
        hit = conn_of(w, r)
        x = _ix(a[MASTER][i])
        want = a[OFF][x] - a[OFF][i] if isinstance(a[OFF][x], int) and isinstance(
            a[OFF][i], int) else -1
        if hit is None or writes_in_flight(hit[1].to_a) != want:
            return False
    return True


def models() -> list[Model]:
    """What ``redspec check`` explores for this mechanism."""
    return [psync_model(2)]
