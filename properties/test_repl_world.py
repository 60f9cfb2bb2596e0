"""Replication over the multi-node model (``spec.replnet``): a master and two replicas under
any schedule of writes, partial deliveries, ticks, BGSAVE ends, dropped links, partitions and
one promotion.

Invariants, each stated against a record the test keeps itself (never read back from the
mechanism under test):

- ``prefix_consistency`` — a connected replica whose applied offset is ``o`` in history ``h``
  has the dataset its master had at offset ``o`` of ``h`` (``history``: every master's
  DEBUG DIGEST after each step, by (replid, offset));
- ``offsets_only_grow`` — within one history a node's ``master_repl_offset`` and a replica's
  applied offset never go back;
- ``psync_rule`` — a PSYNC is answered ``+CONTINUE`` exactly when the plain rule holds: the
  replid is the master's (or its replid2 and the offset at most ``second_repl_offset``) and
  the offset lies in ``[first byte, first byte + histlen]`` of the backlog;
- ``converges`` — once every partition heals, crashed nodes restart and the network settles,
  every replica is connected with its master's offset and digest.

Each has a planted bug that trips it, on a fixed schedule (the tests at the end).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from redspec.properties.planted import machine_test
from redspec.spec import replfeed, replica, replication
from redspec.spec import replnet as N
from redspec.spec.backlog import Backlog
from redspec.spec.state import REPL_STATE_CONNECTED

MECHANISM = "replication"

NAMES = ("m", "r1", "r2")
KEYS = (b"k1", b"k2", b"k3")

_PSYNC = re.compile(rb"\*3\r\n\$5\r\nPSYNC\r\n\$\d+\r\n([^\r]*)\r\n\$\d+\r\n(-?\d+)\r\n")


def plain_psync_rule(replid: str, replid2: str, second: int, backlog: Backlog | None,
                     req_id: str, req_off: int) -> bool:
    """The acceptance rule as the issue states it, written here independently."""
    same = req_id == replid or (req_id == replid2 and req_off <= second)
    return (same and backlog is not None
            and backlog.offset <= req_off <= backlog.offset + backlog.histlen)


class Tracker:
    """What the test records by itself: every master's digest per (replid, offset), the
    last offsets seen per node and history, and rule violations seen while delivering."""

    def __init__(self) -> None:
        self.history: dict[tuple[str, int], str] = {}
        self.last: dict[tuple[str, str, str], int] = {}
        self.psync_violations: list[str] = []

    def record(self, w: N.World) -> None:
        for name, node in w.nodes.items():
            s = node.state
            if s is None:
                continue
            r = s.repl
            if r.masterhost is None:
                self.history.setdefault((r.replid, r.master_repl_offset), N.digest(w, name))


def check_prefix(w: N.World, t: Tracker) -> None:
    for name, node in w.nodes.items():
        s = node.state
        if s is None:
            continue
        r = s.repl
        if r.masterhost is None or r.link_state != REPL_STATE_CONNECTED or r.master_unapplied:
            continue
        want = t.history.get((r.replid, r.master_reploff))
        if want is not None:
            got = N.digest(w, name)
            assert got == want, (f"prefix_consistency: {name} at {r.replid[:8]}:"
                                 f"{r.master_reploff} has {got}, its master had {want}")


def check_offsets(w: N.World, t: Tracker) -> None:
    for name, node in w.nodes.items():
        s = node.state
        if s is None:
            continue
        r = s.repl
        pairs = [("master", r.master_repl_offset)]
        if r.master_client is not None:
            pairs.append(("applied", r.master_reploff))
        for what, off in pairs:
            key = (name, r.replid, what)
            prev = t.last.get(key)
            assert prev is None or off >= prev, (
                f"offsets_only_grow: {name}'s {what} offset went from {prev} to {off} in "
                f"history {r.replid[:8]}")
            t.last[key] = off


def deliver_checked(w: N.World, t: Tracker, k: int, to: str, n: int | None = None
                    ) -> N.World:
    """``replnet.deliver``, checking each PSYNC the master reads against the plain rule."""
    c = w.conns.get(k)
    if c is None:
        return w
    if to == c.b:
        data = c.to_b if n is None else c.to_b[:n]
        m = _PSYNC.search(data)
        node = w.nodes[c.b]
        s = node.state
        if m is not None and s is not None and (s.repl.masterhost is None or
                                                s.repl.link_state == REPL_STATE_CONNECTED):
            r = s.repl
            expect = plain_psync_rule(r.replid, r.replid2, r.second_replid_offset, r.backlog,
                                      m.group(1).decode("latin-1"), int(m.group(2)))
            before = r.sync_partial_ok
            w = N.deliver(w, k, to, n)
            after_state = w.nodes[c.b].state
            got = after_state is not None and after_state.repl.sync_partial_ok > before
            if got != expect:
                t.psync_violations.append(
                    f"psync_rule: PSYNC {m.group(1)!r} {m.group(2)!r} to {c.b} "
                    f"(replid {r.replid[:8]}, replid2 {r.replid2[:8]} up to "
                    f"{r.second_replid_offset}, window "
                    f"{None if r.backlog is None else (r.backlog.offset, r.backlog.histlen)})"
                    f": rule says {expect}, master continued: {got}")
            return w
    return N.deliver(w, k, to, n)


def settle_checked(w: N.World, t: Tracker, rounds: int = 40) -> N.World:
    """Deliver everything in flight (checking PSYNCs), until nothing is left."""
    for _ in range(rounds):
        if not N.in_flight(w):
            break
        for k in sorted(w.conns.keys()):
            c = w.conns.get(k)
            if c is not None and c.to_b:
                w = deliver_checked(w, t, k, c.b)
            c = w.conns.get(k)
            if c is not None and c.to_a:
                w = N.deliver(w, k, c.a)
    return w


def children_done(w: N.World) -> N.World:
    for name, node in w.nodes.items():
        if node.child is not None:
            w = N.child_exit(w, name)
    return w


def synced(w: N.World) -> bool:
    """Every replica connected to a master and at its master's offset."""
    for node in w.nodes.values():
        s = node.state
        if s is None:
            return False
        r = s.repl
        if r.masterhost is None:
            continue
        master = w.nodes.get(r.masterhost)
        if master is None or master.state is None:
            return False
        if r.link_state != REPL_STATE_CONNECTED or \
                r.master_reploff != master.state.repl.master_repl_offset:
            return False
    return True


def converge(w: N.World, t: Tracker, steps: int = 40) -> N.World:
    """Heal, restart, and run ticks, child ends and deliveries until synced (bounded);
    then every replica's digest must be its master's."""
    for pair in list(w.cut):
        a, b = tuple(pair)
        w = N.heal(w, a, b)
    for name, node in w.nodes.items():
        if node.state is None:
            w = N.restart(w, name)
    for _ in range(steps):
        w = settle_checked(w, t)
        if synced(w) and not N.in_flight(w):
            break
        w = N.tick(w, 1000)
        w = children_done(w)
    assert synced(w), "converges: replicas not in sync after the network healed: " + ", ".join(
        f"{n}: link {nd.state.repl.link_state} at {nd.state.repl.master_reploff}"
        for n, nd in w.nodes.items() if nd.state is not None)
    for name, node in w.nodes.items():
        s = node.state
        assert s is not None
        if s.repl.masterhost is not None:
            assert N.digest(w, name) == N.digest(w, s.repl.masterhost), (
                f"converges: {name} differs from its master {s.repl.masterhost}")
    return w


class ReplicationWorld(RuleBasedStateMachine):
    """A master and two replicas under writes and network faults, with one promotion."""

    def __init__(self) -> None:
        super().__init__()
        self.t = Tracker()
        self.w = N.new_world(NAMES)
        self.master = "m"
        self.promoted = False

    @initialize()
    def attach(self) -> None:
        for r in ("r1", "r2"):
            self.w = N.command(self.w, r, b"REPLICAOF", *N.address_of("m"))
        self.t.record(self.w)

    def _after(self) -> None:
        self.t.record(self.w)

    @rule(key=st.sampled_from(KEYS), db=st.sampled_from((b"0", b"1")),
          op=st.sampled_from(("set", "incr", "del", "pexpire", "multi")))
    def write(self, key: bytes, db: bytes, op: str) -> None:
        w = N.command(self.w, self.master, b"SELECT", db)
        if op == "set":
            w = N.command(w, self.master, b"SET", key, b"v" + db)
        elif op == "incr":
            w = N.command(w, self.master, b"INCR", key + b"n")
        elif op == "del":
            w = N.command(w, self.master, b"DEL", key)
        elif op == "pexpire":
            w = N.command(w, self.master, b"SET", key, b"x", b"PX", b"1500")
        else:
            for argv in ((b"MULTI",), (b"INCR", key + b"n"), (b"SET", key, b"m"),
                         (b"EXEC",)):
                w = N.command(w, self.master, *argv)
        self.w = w
        self._after()

    @rule(ms=st.sampled_from((100, 1000)))
    def tick(self, ms: int) -> None:
        self.w = N.tick(self.w, ms)
        self._after()

    @rule(data=st.data())
    def deliver_part(self, data: Any) -> None:
        live = [(k, c) for k, c in self.w.conns.items() if c.to_a or c.to_b]
        if not live:
            return
        k, c = data.draw(st.sampled_from(live))
        to = c.b if c.to_b and (not c.to_a or data.draw(st.booleans())) else c.a
        n = data.draw(st.integers(1, 64))
        self.w = deliver_checked(self.w, self.t, k, to, n)
        self._after()

    @rule()
    def settle(self) -> None:
        self.w = settle_checked(self.w, self.t)
        self._after()

    @rule()
    def bgsave_ends(self) -> None:
        self.w = children_done(self.w)
        self._after()

    @rule(data=st.data())
    def drop_link(self, data: Any) -> None:
        if not self.w.conns:
            return
        k = data.draw(st.sampled_from(sorted(self.w.conns.keys())))
        self.w = N.drop(self.w, k)
        self._after()

    @rule(i=st.sampled_from((0, 1)))
    def partition(self, i: int) -> None:
        other = [n for n in NAMES if n != self.master][i]
        self.w = N.partition(self.w, self.master, other)
        self._after()

    @rule()
    def heal(self) -> None:
        for pair in list(self.w.cut):
            a, b = tuple(pair)
            self.w = N.heal(self.w, a, b)

    @precondition(lambda self: not self.promoted)
    @rule()
    def promote(self) -> None:
        """R1 becomes the master (REPLICAOF NO ONE); R2 and the old master follow it."""
        self.promoted = True
        self.w = N.command(self.w, "r1", b"REPLICAOF", b"NO", b"ONE")
        self.master = "r1"
        self.w = N.command(self.w, "r2", b"REPLICAOF", *N.address_of("r1"))
        self.w = N.command(self.w, "m", b"REPLICAOF", *N.address_of("r1"))
        self._after()

    @invariant()
    def prefix_consistency(self) -> None:
        check_prefix(self.w, self.t)

    @invariant()
    def offsets_only_grow(self) -> None:
        check_offsets(self.w, self.t)

    @invariant()
    def psync_rule(self) -> None:
        assert not self.t.psync_violations, self.t.psync_violations[0]

    def teardown(self) -> None:
        self.w = converge(self.w, self.t)
        assert not self.t.psync_violations, self.t.psync_violations[0]


TestReplicationWorld = machine_test(ReplicationWorld, max_examples=60, steps=40)


# -- fixed schedules and the planted bugs -------------------------------------------------------

def schedule_basic(t: Tracker, writes_in_db1: bool = True) -> N.World:
    """Two replicas attach, writes in two dbs, a dropped link and a partial resync, then
    the promotion of r1 with r2 and m following, and convergence."""
    w = N.new_world(NAMES)
    for r in ("r1", "r2"):
        w = N.command(w, r, b"REPLICAOF", *N.address_of("m"))
    t.record(w)

    def step(fn: Callable[[N.World], N.World]) -> None:
        nonlocal w
        w = fn(w)
        t.record(w)
        check_prefix(w, t)
        check_offsets(w, t)

    step(lambda x: N.command(x, "m", b"SET", b"a", b"1"))
    for _ in range(3):
        step(lambda x: settle_checked(x, t))
        step(lambda x: N.tick(x, 1000))
        step(children_done)
    step(lambda x: settle_checked(x, t))
    if writes_in_db1:
        step(lambda x: N.command(x, "m", b"SELECT", b"1"))
    step(lambda x: N.command(x, "m", b"SET", b"b", b"2"))
    step(lambda x: N.tick(x, 100))
    step(lambda x: settle_checked(x, t))
    k = min(w.conns.keys())
    step(lambda x: N.drop(x, k))
    step(lambda x: N.command(x, "m", b"INCR", b"n"))
    for _ in range(3):
        step(lambda x: N.tick(x, 1000))
        step(lambda x: settle_checked(x, t))
    step(lambda x: N.command(x, "r1", b"REPLICAOF", b"NO", b"ONE"))
    step(lambda x: N.command(x, "r2", b"REPLICAOF", *N.address_of("r1")))
    step(lambda x: N.command(x, "m", b"REPLICAOF", *N.address_of("r1")))
    step(lambda x: N.command(x, "r1", b"SET", b"c", b"3"))
    for _ in range(2):
        step(lambda x: settle_checked(x, t))
        step(lambda x: N.tick(x, 1000))
        step(children_done)
    step(lambda x: settle_checked(x, t))
    step(lambda x: N.command(x, "r1", b"SET", b"d", b"4"))
    w = converge(w, t)
    assert not t.psync_violations, t.psync_violations[0]
    return w


def test_schedule_basic_holds() -> None:
    t = Tracker()
    w = schedule_basic(t)
    # the dropped link came back with a partial resync, and so did r2 after the promotion
    assert w.nodes["m"].state is not None
    assert w.nodes["r1"].state is not None and w.nodes["r1"].state.repl.sync_partial_ok >= 1


def test_planted_select_left_out_trips_prefix_consistency(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """The master's stream without its SELECTs: the replica writes db 1's keys into db 0."""
    monkeypatch.setattr(replfeed, "select_command", lambda dbid: b"")
    with pytest.raises(AssertionError, match="prefix_consistency"):
        schedule_basic(Tracker())


def test_planted_full_sync_keeping_own_replid_trips_offsets(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full sync that takes the master's offset but keeps the replica's own replid: a
    demoted master with a longer history goes back in what it still calls its history."""
    real = replica.load_transfer

    def keeps_id(s: Any, payload: bytes, usemark: bool) -> bool:
        own = replication.repl_of(s).replid
        ok = real(s, payload, usemark)
        if ok:
            replication.set_repl(s, replid=own)
        return ok

    monkeypatch.setattr(replica, "load_transfer", keeps_id)
    t = Tracker()
    w = N.new_world(NAMES)
    for i in range(5):
        w = N.command(w, "m", b"SET", b"k%d" % i, b"a long value to move the offset")
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))  # m's backlog exists now
    for _ in range(3):
        w = settle_checked(N.tick(children_done(w), 1000), t)
    for i in range(5):
        w = N.command(w, "m", b"SET", b"k%d" % i, b"more")
    w = settle_checked(w, t)
    check_offsets(w, t)
    w = N.command(w, "m", b"REPLICAOF", *N.address_of("r2"))  # r2: a short history
    with pytest.raises(AssertionError, match="offsets_only_grow"):
        for _ in range(4):
            w = settle_checked(N.tick(children_done(w), 1000), t)
            check_offsets(w, t)


def test_planted_continue_one_behind_trips_convergence(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """+CONTINUE resurrecting the cached master one byte behind its applied offset: the
    replica never reaches its master's offset again."""
    real = replica.continue_partial

    def behind(s: Any, line: bytes) -> bytes:
        r = replication.repl_of(s)
        if r.cached_master is not None:
            replid, off, db, cid = r.cached_master
            replication.set_repl(s, cached_master=(replid, off - 1, db, cid))
        return real(s, line)

    monkeypatch.setattr(replica, "continue_partial", behind)
    with pytest.raises(AssertionError, match="converges"):
        schedule_basic(Tracker())


def test_planted_psync_accepting_replid2_at_any_offset_trips_rule(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """PSYNC with the second replid accepted past ``second_repl_offset``: the old master,
    which wrote after r1 last applied, continues from r1 as if it had r1's data."""
    real = replication.psync_accepts

    def lax(replid: str, replid2: str, second: int, backlog: Any, req_id: str,
            req_off: int) -> bool:
        if req_id == replid2 and backlog is not None and \
                backlog.offset <= req_off <= backlog.offset + backlog.histlen:
            return True  # planted: second_repl_offset not looked at
        return real(replid, replid2, second, backlog, req_id, req_off)

    monkeypatch.setattr(replication, "psync_accepts", lax)
    t = Tracker()
    w = N.new_world(NAMES)
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = settle_checked(N.tick(children_done(w), 1000), t)
    w = N.partition(w, "m", "r1")
    w = N.command(w, "m", b"SET", b"lost", b"1")  # r1 never sees it
    w = N.command(w, "r1", b"REPLICAOF", b"NO", b"ONE")
    w = N.command(w, "r1", b"SET", b"after", b"x" * 100)  # r1's window now covers m's offset
    w = N.heal(w, "m", "r1")
    w = N.command(w, "m", b"REPLICAOF", *N.address_of("r1"))
    with pytest.raises(AssertionError, match="psync_rule"):
        for _ in range(4):
            w = settle_checked(N.tick(children_done(w), 1000), t)
            assert not t.psync_violations, t.psync_violations[0]


def test_planted_stream_not_handed_out_trips_convergence(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """beforeSleep forgetting the replicas' share of the stream: nothing after the snapshot
    ever reaches them."""

    def never(state: Any, now_ms: int) -> Any:
        return attrs.evolve(state, repl=attrs.evolve(state.repl, outbox=())), \
            frozenset(), frozenset()

    monkeypatch.setattr(replica, "feed_replicas", never)
    with pytest.raises(AssertionError, match="converges"):
        schedule_basic(Tracker())
