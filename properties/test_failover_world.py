"""FAILOVER over the multi-node model (``spec.replnet``): a master ``m`` and two replicas under
any schedule of writes, partial deliveries, ticks, dropped links and partitions, with a
coordinated failover (FAILOVER, FAILOVER TO r1, either with a TIMEOUT; no FORCE, which may
lose writes by design) started and perhaps aborted while it waits for a replica.

Invariants, each stated against a record the test keeps itself (the writes it sent and the
replies its clients got, in order), never read back from the failover's own state alone:

- ``acked_writes_kept`` — once a failover ends with the old master following the new one,
  the new master holds every write any client had acknowledged (``+OK``) — and at the end,
  once the network heals and settles, the one master holds them all;
- ``one_writable_master`` — at every moment at most one node would execute a write from a
  client: a master (no ``masterhost``) whose writes are not paused;
- ``partial_handover`` — a failover that ends on its own (no FAILOVER ABORT, no timeout)
  while no link broke during it ends with the old master a replica of the target that
  continued its history (``+CONTINUE``: the target's ``sync_partial_ok`` grew, its
  ``sync_full`` did not).

Each has a planted bug that trips it on a fixed schedule (the tests at the end).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from redspec.properties.planted import machine_test
from redspec.spec import failover, replica, replication
from redspec.spec import replnet as N
from redspec.spec.frames import parse_all
from redspec.spec.state import FAILOVER_IN_PROGRESS, FAILOVER_WAIT_FOR_SYNC

MECHANISM = "failover"

NAMES = ("m", "r1", "r2")
KEYS = (b"k1", b"k2", b"k3")
OK = b"+OK\r\n"


def children_done(w: N.World) -> N.World:
    for name, node in w.nodes.items():
        if node.child is not None:
            w = N.child_exit(w, name)
    return w


def writable(w: N.World) -> list[str]:
    """The nodes that would execute a client's write now: masters whose writes are not
    paused."""
    out = []
    for name, node in w.nodes.items():
        s = node.state
        if s is not None and s.repl.masterhost is None and not s.transport.pause_type:
            out.append(name)
    return out


class Record:
    """What the test keeps by itself: the commands each node's user client sent and not yet
    answered, the last value acknowledged per key, and the failover it watches."""

    def __init__(self) -> None:
        self.pending: dict[str, list[tuple[bytes, ...]]] = {n: [] for n in NAMES}
        self.seen: dict[str, int] = {n: 0 for n in NAMES}
        self.acked: dict[bytes, bytes] = {}
        self.n = 0
        #: the failover under way: (target's name or None, target's sync counters before,
        #: a link broke meanwhile, FAILOVER ABORT or a TIMEOUT was asked)
        self.fo: dict[str, Any] | None = None
        self.violations: list[str] = []

    def send(self, w: N.World, name: str, *argv: bytes) -> N.World:
        self.pending[name].append(argv)
        w = N.command(w, name, *argv)
        return self.observe(w)

    def write(self, w: N.World, name: str, key: bytes) -> N.World:
        self.n += 1
        return self.send(w, name, b"SET", key, b"%d" % self.n)

    def observe(self, w: N.World) -> N.World:
        """Pair every new reply with its command, in order; an acknowledged SET is recorded.
        Then look at the failover: has it just ended?"""
        for name, node in w.nodes.items():
            new = node.replies[self.seen[name]:]
            self.seen[name] = len(node.replies)
            frames, rest = parse_all(b"".join(new))  # one output may carry several replies
            assert not rest, rest
            for frame in frames:
                argv = self.pending[name].pop(0)
                if argv[0] == b"SET" and frame == OK:
                    self.acked[argv[1]] = argv[2]
        self._watch_failover(w)
        return w

    def _watch_failover(self, w: N.World) -> None:
        m = w.nodes["m"].state
        assert m is not None
        f = m.repl.failover
        if f is not None and self.fo is None:
            self.fo = {"in_progress": False, "broken": False, "asked_end": f.end_ms != 0,
                       "before": {n: _syncs(w, n) for n in NAMES}}
        if f is not None and f.state == FAILOVER_IN_PROGRESS and self.fo is not None:
            self.fo["in_progress"] = True
            self.fo["target"] = f.host
        if f is None and self.fo is not None:
            fo, self.fo = self.fo, None
            # Only FAILOVER ABORT and a TIMEOUT end a failover still waiting; a failover in
            # progress ends with m following its target, or aborted when the target refuses.
            if m.repl.masterhost is not None:
                self._check_handover(w, fo)
            elif not fo["broken"] and not fo["asked_end"]:
                self.violations.append("partial_handover: the failover was aborted on its "
                                       "own with every link held")

    def _check_handover(self, w: N.World, fo: dict[str, Any]) -> None:
        m = w.nodes["m"].state
        assert m is not None
        target = m.repl.masterhost
        assert target is not None
        t = w.nodes[target].state
        assert t is not None
        for k, v in self.acked.items():
            if t.dbs[0].keys.get(k) != v:
                self.violations.append(f"acked_writes_kept: {k!r}={v!r} acknowledged, the "
                                       f"new master {target} has {t.dbs[0].keys.get(k)!r}")
        if not fo["broken"] and not fo["asked_end"]:
            ok0, full0 = fo["before"][target]
            ok1, full1 = _syncs(w, target)
            if not (ok1 == ok0 + 1 and full1 == full0):
                self.violations.append(f"partial_handover: {target} synced the old master "
                                       f"by partial {ok0}->{ok1}, full {full0}->{full1}")

    def broke(self) -> None:
        if self.fo is not None:
            self.fo["broken"] = True

    def check(self, w: N.World) -> None:
        live = writable(w)
        assert len(live) <= 1, f"one_writable_master: {live} all accept writes"
        assert not self.violations, self.violations[0]


def _syncs(w: N.World, name: str) -> tuple[int, int]:
    s = w.nodes[name].state
    assert s is not None
    return s.repl.sync_partial_ok, s.repl.sync_full


def settle(w: N.World, rec: Record, rounds: int = 30) -> N.World:
    w = rec.observe(N.settle_network(children_done(w), rounds))
    rec.check(w)
    return w


def attach(rec: Record) -> N.World:
    """r1 and r2 replicas of m, in sync."""
    w = N.new_world(NAMES)
    for r in ("r1", "r2"):
        w = rec.send(w, r, b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = settle(N.tick(w, 1000), rec)
    return w


def final_check(w: N.World, rec: Record) -> N.World:
    """Heal, settle, let the failover finish (abort one still waiting): one master, which
    holds every acknowledged write."""
    for pair in list(w.cut):
        a, b = tuple(pair)
        w = N.heal(w, a, b)
    for i in range(40):
        w = settle(N.tick(w, 500), rec)
        f = w.nodes["m"].state.repl.failover  # type: ignore[union-attr]
        if f is None:
            break
        if f.state == FAILOVER_WAIT_FOR_SYNC and i == 20 and user_free(w):
            w = rec.send(w, "m", b"FAILOVER", b"ABORT")
    f = w.nodes["m"].state.repl.failover  # type: ignore[union-attr]
    # Still waiting (a replica that lost its link is refused while m fails over, and a user
    # client stuck behind its paused write cannot abort): m is still the only master.
    assert f is None or f.state == FAILOVER_WAIT_FOR_SYNC, (
        f"acked_writes_kept: the failover never ended once the network healed ({f})")
    masters = [n for n, node in w.nodes.items()
               if node.state is not None and node.state.repl.masterhost is None]
    assert len(masters) == 1, f"one_writable_master: masters at the end {masters}"
    st_ = w.nodes[masters[0]].state
    assert st_ is not None
    for k, v in rec.acked.items():
        assert st_.dbs[0].keys.get(k) == v, (
            f"acked_writes_kept: {k!r}={v!r} acknowledged, {masters[0]} has "
            f"{st_.dbs[0].keys.get(k)!r}")
    return w


def user_free(w: N.World) -> bool:
    """m's user client is not postponed behind a paused write (its next command runs now)."""
    node = w.nodes["m"]
    assert node.state is not None
    return node.user not in node.state.transport.postponed


class FailoverWorld(RuleBasedStateMachine):
    """A master and two replicas; writes, faults, and at most one FAILOVER at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.rec = Record()
        self.w = N.new_world(NAMES)

    @initialize()
    def setup(self) -> None:
        self.w = attach(self.rec)

    def _writer(self) -> str:
        live = writable(self.w)
        if live:
            return live[0]
        return "m" if self.w.nodes["m"].state.repl.masterhost is None else "r1"  # type: ignore[union-attr]

    @rule(key=st.sampled_from(KEYS), who=st.sampled_from(("master", "m", "r1")))
    def write(self, key: bytes, who: str) -> None:
        """A client writes to the master (perhaps paused), or to a given node."""
        name = self._writer() if who == "master" else who
        self.w = self.rec.write(self.w, name, key)

    @precondition(lambda self: self.w.nodes["m"].state.repl.failover is None
                  and self.w.nodes["m"].state.repl.masterhost is None and user_free(self.w))
    @rule(opts=st.sampled_from(((), (b"TO", b"r1", b"6379"), (b"TIMEOUT", b"1500"),
                                (b"TO", b"r2", b"6379", b"TIMEOUT", b"3000"))))
    def start_failover(self, opts: tuple[bytes, ...]) -> None:
        self.w = self.rec.send(self.w, "m", b"FAILOVER", *opts)

    @precondition(lambda self: (f := self.w.nodes["m"].state.repl.failover) is not None
                  and f.state == FAILOVER_WAIT_FOR_SYNC and user_free(self.w))
    @rule()
    def abort_waiting(self) -> None:
        """FAILOVER ABORT while waiting for a replica (in progress it may leave two masters:
        Redis documents that)."""
        if self.rec.fo is not None:
            self.rec.fo["asked_end"] = True
        self.w = self.rec.send(self.w, "m", b"FAILOVER", b"ABORT")

    @rule(ms=st.sampled_from((100, 1000)))
    def tick(self, ms: int) -> None:
        self.w = self.rec.observe(N.tick(self.w, ms))

    @rule(data=st.data())
    def deliver_part(self, data: Any) -> None:
        live = [(k, c) for k, c in self.w.conns.items() if c.to_a or c.to_b]
        if not live:
            return
        k, c = data.draw(st.sampled_from(live))
        to = c.b if c.to_b and (not c.to_a or data.draw(st.booleans())) else c.a
        self.w = self.rec.observe(N.deliver(self.w, k, to, data.draw(st.integers(1, 200))))

    @rule()
    def settle_all(self) -> None:
        self.w = settle(self.w, self.rec)

    @rule()
    def a_second_passes(self) -> None:
        """A second of crons (the replicas acknowledge), everything in flight delivered."""
        for _ in range(10):
            self.w = settle(N.tick(self.w, 100), self.rec)

    @rule(data=st.data())
    def drop_link(self, data: Any) -> None:
        if not self.w.conns:
            return
        self.rec.broke()
        k = data.draw(st.sampled_from(sorted(self.w.conns.keys())))
        self.w = self.rec.observe(N.drop(self.w, k))

    @rule(other=st.sampled_from(("r1", "r2")))
    def partition(self, other: str) -> None:
        self.rec.broke()
        self.w = self.rec.observe(N.partition(self.w, "m", other))

    @rule()
    def heal(self) -> None:
        for pair in list(self.w.cut):
            a, b = tuple(pair)
            self.w = N.heal(self.w, a, b)

    @invariant()
    def invariants(self) -> None:
        self.rec.check(self.w)

    def teardown(self) -> None:
        if self.rec.fo is not None or self.w.cut:
            self.rec.broke()
        final_check(self.w, self.rec)


TestFailoverWorld = machine_test(FailoverWorld, max_examples=30, steps=40)


# -- fixed schedules and the planted bugs ---------------------------------------------------------

def schedule_handover(rec: Record, prefer_new_links: bool = False) -> N.World:
    """Writes, FAILOVER, writes while paused; the network delivers (a new connection's bytes
    first when ``prefer_new_links``) and ticks until the failover ends; then the end check."""
    w = attach(rec)
    for key in KEYS:
        w = rec.write(w, "m", key)
    known = set(w.conns.keys())
    w = rec.send(w, "m", b"FAILOVER")
    w = rec.write(w, "m", b"k1")  # paused: READONLY once m follows the new master
    for _ in range(60):
        fresh = [k for k in w.conns.keys() if k not in known]
        if prefer_new_links and fresh:
            for _ in range(10):
                for k in fresh:
                    c = w.conns.get(k)
                    if c is not None and c.to_b:
                        w = N.deliver(w, k, c.b)
                    c = w.conns.get(k)
                    if c is not None and c.to_a:
                        w = N.deliver(w, k, c.a)
                w = rec.observe(w)
                rec.check(w)
        else:
            w = settle(N.tick(w, 100), rec)
        if w.nodes["m"].state.repl.failover is None:  # type: ignore[union-attr]
            break
    rec.check(w)
    return final_check(w, rec)


def test_schedule_handover_holds() -> None:
    """The fixed schedules pass on the spec as it is (so the planted runs below test the bug,
    not the schedule)."""
    for prefer in (False, True):
        rec = Record()
        w = schedule_handover(rec, prefer)
        m = w.nodes["m"].state
        assert m is not None and m.repl.masterhost == "r1"
        assert w.nodes["m"].replies[-1] == b"-READONLY You can't write against a read only " \
                                           b"replica.\r\n"


def test_planted_no_wait_for_ack_trips_acked_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """updateFailoverStatus failing over at once, without waiting for the replica to
    acknowledge the whole stream: the target takes over without the last writes."""

    def hasty(s: Any) -> None:
        r = replication.repl_of(s)
        f = r.failover
        if f is None or f.state != FAILOVER_WAIT_FOR_SYNC:
            return
        for cid in r.replicas:
            c = s.get_client(cid)
            if c is not None and c.info.repl is not None:
                failover._fail_over_to(s, replication.replica_ip(c), c.info.repl.listening_port)
                return

    monkeypatch.setattr(replica, "update_failover_status", hasty)
    with pytest.raises(AssertionError, match="acked_writes_kept"):
        schedule_handover(Record(), prefer_new_links=True)


def test_planted_abort_on_continue_trips_one_master(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old master taking the target's +CONTINUE for a refusal: it becomes a master again
    while the target already is one."""
    monkeypatch.setattr(replica, "clear_failover_state", failover.abort_failover)
    with pytest.raises(AssertionError, match="one_writable_master"):
        schedule_handover(Record())


def test_planted_psync_without_history_trips_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demoted master forgetting its own history (no cached master made of itself): its
    PSYNC asks for ``?`` and the target refuses the failover."""
    monkeypatch.setattr(replication, "cache_master_using_myself", lambda s: None)
    with pytest.raises(AssertionError, match="partial_handover"):
        schedule_handover(Record())
