"""Both sides of the timed rules the later mechanisms brought, exactly at each boundary.

As in ``properties/test_timed_boundaries.py``: each rule compares "now" with a stored time,
and a comparison written one unit off passes every test that never puts "now" on the
boundary. Each property here puts the virtual clock exactly on the boundary (the last
moment the rule must not fire) and one unit past it (the first moment it must), and checks
both outcomes; each has planted bugs below, on a fixed schedule, that trip it. The facts
are Redis 7.0.15's (``replication.c``, ``script.c``, ``aof.c``, ``cluster.c``):

- ``repl_timeout_replica`` (``replicationCron``, replica side): a connect or handshake
  (``time(NULL) - repl_transfer_lastio > repl_timeout``), a transfer (the same) and a
  connected master (``time(NULL) - master->lastinteraction > repl_timeout``) are given up
  after more than ``repl-timeout`` **whole seconds**: the stamps hold ``server.unixtime``.
  Kept by a cron at the last millisecond of second ``last_s + timeout``, dropped at the
  next. (The spec compared milliseconds and dropped a master up to a second early; that
  comparison is one of the planted bugs. Measured against 7.0.15, see
  docs/verification.md.)
- ``repl_timeout_master`` (``replicationCron``, master side): an online replica whose last
  ``REPLCONF ACK`` is more than ``repl-timeout`` seconds old (``server.unixtime -
  repl_ack_time > repl_timeout``) is dropped.
- ``backlog_ttl`` (``replicationCron``): a master without replicas for more than
  ``repl-backlog-ttl`` seconds (``server.unixtime - repl_no_slaves_since > ttl``) frees its
  backlog.
- ``diskless_sync_delay`` (``replicationStartPendingFork``): replicas waiting for a diskless
  sync get their fork once the longest waiting has been idle ``max_idle >=
  repl-diskless-sync-delay`` seconds.
- ``busy_threshold`` (``scriptInterrupt``): ``elapsed < busy-reply-threshold`` continues;
  at ``elapsed == busy-reply-threshold`` the script is timed out ("Slow script detected: ..."
  logged) and other clients get -BUSY (on the script clock the spec models:
  ``BusyPort.clock_ms``).
- ``everysec_fsync`` (``flushAppendOnlyFile``): under ``appendfsync everysec`` a background
  fsync starts once ``server.unixtime > aof_last_fsync`` — not in the second of the last
  one, at the first millisecond of the next (with data written or only pending).
- ``postponed_flush`` (``flushAppendOnlyFile``): while a background fsync runs a flush is
  postponed while ``unixtime - aof_flush_postponed_start < 2``; at 2 whole seconds it
  writes anyway and counts ``aof_delayed_fsync``.
- ``failover_timeout`` (``updateFailoverStatus``): a FAILOVER with TIMEOUT ends once
  ``failover_end_time <= mstime``: still waiting one millisecond before, aborted (or, with
  FORCE, failing over) at the end time itself.
- ``migrate_cache_ttl`` (``migrateCloseTimedoutSockets``): a cached MIGRATE connection is
  closed when ``server.unixtime - last_use_time > MIGRATE_SOCKET_CACHE_TTL`` (10 s).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import aof as aof_mod
from redspec.spec import failover as failover_mod
from redspec.spec import migrate as migrate_mod
from redspec.spec import persist, scripting
from redspec.spec import replica as replica_mod
from redspec.spec import replication as replication_mod
from redspec.spec import server as S
from redspec.spec.persist import save_state
from redspec.spec.replica import link_connected, link_input, replication_cron
from redspec.spec.resp import encode_request
from redspec.spec.scripting import HOOK_PERIOD, ModelPort
from redspec.spec.state import (
    AOF_ON,
    FAILOVER_IN_PROGRESS,
    FAILOVER_WAIT_FOR_SYNC,
    REPL_STATE_CONNECTED,
    REPL_STATE_TRANSFER,
    SLAVE_STATE_ONLINE,
    SLAVE_STATE_WAIT_BGSAVE_START,
    AofState,
    ServerState,
    replace,
)
from redspec.spec.step import Step

MECHANISM = "replication"

T0 = 1_700_000_000_000  # a whole second
PLANTED = planted_settings(40)
MASTER_ID = b"a" * 40


def _forked(fn: Callable[[ServerState], tuple[ServerState, Any]],
            state: ServerState) -> tuple[ServerState, Any]:
    """``fn(state)``, the world answering a fork with success (pid 4242)."""
    try:
        return fn(state)
    except persist.ForkOutcomeNeeded:
        return fn(persist.with_fork_outcome(state, 4242, 7))


def _cmd(state: ServerState, cid: int, now: int, *argv: bytes) -> tuple[ServerState, bytes]:
    return _forked(lambda st: S.run_command(st, cid, list(argv), now), state)


def _edge(last_ms: int, seconds: int) -> int:
    """The last millisecond of unix second ``last_ms // 1000 + seconds``."""
    return (last_ms // 1000 + seconds) * 1000 + 999


# -- repl-timeout, replica side ---------------------------------------------------------------

STAGES = ("connecting", "handshake", "transfer", "connected")


def _replica_at(stage: str, timeout: int, last_ms: int) -> ServerState:
    """A replica (``repl-timeout`` = ``timeout``) whose link last showed life at ``last_ms``,
    in ``stage``: its connect started then, its handshake got the PING's reply then, a
    transfer's last bytes came then, or its connected master's last command came then."""
    t = last_ms if stage in ("connecting", "handshake") else T0
    s = S.new_server(T0)
    s, c = S.client_connect(s, T0)
    s, _ = _cmd(s, c, t, b"CONFIG", b"SET", b"repl-timeout", b"%d" % timeout)
    s, _ = _cmd(s, c, t, b"REPLICAOF", b"127.0.0.1", b"6379")  # connectWithMaster: lastio = t
    if stage == "connecting":
        return s
    s, _ = link_connected(s, t, True)
    s, _ = link_input(s, t, b"+PONG\r\n")
    if stage == "handshake":
        return s
    s, _ = link_input(s, t, b"+OK\r\n+OK\r\n")
    s, _ = link_input(s, t, b"+FULLRESYNC %s 0\r\n" % MASTER_ID)
    data = save_state(S.new_server(T0), T0)
    if stage == "transfer":
        s, _ = link_input(s, last_ms, b"$%d\r\n" % len(data) + data[:5])
        assert s.repl.link_state == REPL_STATE_TRANSFER
        return s
    s, _ = link_input(s, t, b"$%d\r\n" % len(data) + data)
    assert s.repl.link_state == REPL_STATE_CONNECTED
    mc = s.repl.master_client
    assert mc is not None
    s, _ = S.client_input(s, mc, encode_request([b"ping"]), last_ms)  # the master's PING
    assert s.clients[mc].io.last_interaction_ms == last_ms
    return s


def _link_dropped(stage: str, before: ServerState, after: ServerState, eff: Any) -> bool:
    """Whether the cron gave the link up: the handshake or transfer closed (and a new
    connect started), or the master client freed (``freeClient``: marked closing and handed
    to the world to close)."""
    if stage == "connected":
        mc = before.repl.master_client
        return mc is not None and after.clients[mc].closing and mc in eff.close
    return ("close",) in eff.repl_ops


#: replicationCron's warning when it gives the link up, per stage (7.0.15's texts).
TIMEOUT_LOG = {
    "connecting": "Timeout connecting to the MASTER...",
    "handshake": "Timeout connecting to the MASTER...",
    "transfer": "Timeout receiving bulk data from MASTER... If the problem persists try to "
                "set the 'repl-timeout' parameter in redis.conf to a larger value.",
    "connected": "MASTER timeout: no data nor PING received...",
}


def _logged(state: ServerState, level: str, text: str) -> bool:
    return ("log", level, text) in state.aof.ops


def check_repl_timeout_replica(stage: str, timeout: int, last_ms: int) -> None:
    """``repl_timeout_replica`` for one stage of the link, ``repl-timeout`` and last sign of
    life. 7.0.15 (``replicationCron``): ``time(NULL) - repl_transfer_lastio > repl_timeout``
    (connecting, handshake, transfer) and ``time(NULL) - master->lastinteraction >
    repl_timeout`` (connected), both stamps ``server.unixtime``: whole seconds."""
    name = "repl_timeout_replica"
    s = _replica_at(stage, timeout, last_ms)
    edge = _edge(last_ms, timeout)
    kept, eff = replication_cron(s, edge)
    assert not _link_dropped(stage, s, kept, eff), \
        f"{name}: {stage} given up after exactly {timeout} s (last {last_ms}, now {edge})"
    assert kept.repl.link_state == s.repl.link_state
    assert not _logged(kept, "warning", TIMEOUT_LOG[stage]), f"{name}: logged at the edge"
    gone, eff = replication_cron(s, edge + 1)
    assert _link_dropped(stage, s, gone, eff), \
        f"{name}: {stage} kept after {timeout} s + 1 ms (last {last_ms}, now {edge + 1})"
    assert _logged(gone, "warning", TIMEOUT_LOG[stage]), f"{name}: no log line: {gone.aof.ops}"
    if stage != "connected":  # cancelled, then connecting again in the same cron
        assert ("connect", "127.0.0.1", 6379) in eff.repl_ops, f"{name}: no reconnect"


def test_repl_timeout_the_briefs_example() -> None:
    """Last heard from the master at 10.000 s, repl-timeout 60: a cron at 70.500 s keeps it
    (70 - 10 = 60 is not > 60), one at 71.000 s drops it."""
    last = T0 + 10_000
    s = _replica_at("connected", 60, last)
    mc = s.repl.master_client
    assert mc is not None
    kept, eff = replication_cron(s, last + 60_500)
    assert not kept.clients[mc].closing and mc not in eff.close
    gone, eff = replication_cron(s, last + 61_000)
    assert gone.clients[mc].closing and mc in eff.close  # the world closes the link


# -- repl-timeout, master side; repl-backlog-ttl; repl-diskless-sync-delay -------------------


def _master_with_replica(t: int, **config: Any) -> tuple[ServerState, int, int]:
    """A master with one replica that sent ``REPLCONF capa eof`` and ``PSYNC ? -1`` at ``t``
    (diskless-capable, it waits for its fork); returns the state, an ordinary client and the replica's client id."""
    s = S.new_server(T0, **config)
    s, c = S.client_connect(s, T0)
    s, rid = S.client_connect(s, t)
    s, out = _cmd(s, rid, t, b"REPLCONF", b"capa", b"eof", b"capa", b"psync2")
    assert out == b"+OK\r\n"
    s, out = _cmd(s, rid, t, b"PSYNC", b"?", b"-1")
    assert out == b"" and rid in s.repl.replicas
    return s, c, rid


def _online(s: ServerState, rid: int, ack_ms: int, ack_off: int = 0) -> ServerState:
    """The replica put online (its transfer done), then its ``REPLCONF ACK`` at ``ack_ms``."""
    c = s.clients[rid]
    assert c.info.repl is not None
    s = attrs.evolve(s, clients=s.clients.set(rid, replace(
        c, repl=attrs.evolve(c.info.repl, state=SLAVE_STATE_ONLINE))))
    s, out = _cmd(s, rid, ack_ms, b"REPLCONF", b"ACK", b"%d" % ack_off)
    assert out == b"" and s.clients[rid].info.repl.ack_time_ms == ack_ms  # type: ignore[union-attr]
    return s


def check_repl_timeout_master(timeout: int, ack_ms: int) -> None:
    """``repl_timeout_master`` for one ``repl-timeout`` and last ACK. 7.0.15
    (``replicationCron``): an online replica with ``server.unixtime - repl_ack_time >
    repl_timeout`` is freed ("Disconnecting timedout replica (streaming sync): ...")."""
    name = "repl_timeout_master"
    s, _, rid = _master_with_replica(T0, **{"repl-timeout": timeout})
    s = _online(s, rid, ack_ms)
    edge = _edge(ack_ms, timeout)
    kept, eff = _forked(lambda st: replication_cron(st, edge), s)
    assert rid in kept.repl.replicas and not kept.clients[rid].closing \
        and rid not in eff.close, \
        f"{name}: replica dropped {timeout} s after its ACK (ack {ack_ms}, now {edge})"
    gone, eff = _forked(lambda st: replication_cron(st, edge + 1), s)
    assert rid not in gone.repl.replicas and gone.clients[rid].closing and rid in eff.close, \
        f"{name}: replica kept {timeout} s + 1 ms after its ACK (ack {ack_ms}, now {edge + 1})"
    assert any(op[:2] == ("log", "warning") and op[2].startswith(
        "Disconnecting timedout replica (streaming sync): ") for op in gone.aof.ops), \
        f"{name}: no log line: {gone.aof.ops}"


def check_backlog_ttl(ttl: int, gone_ms: int) -> None:
    """``backlog_ttl`` for one ``repl-backlog-ttl`` and the moment the last replica left.
    7.0.15 (``replicationCron``): ``server.unixtime - repl_no_slaves_since >
    repl_backlog_time_limit`` frees the backlog under a new replid."""
    name = "backlog_ttl"
    s, _, rid = _master_with_replica(T0, **{"repl-backlog-ttl": ttl})
    s = S.client_disconnect(s, rid, gone_ms)
    assert not s.repl.replicas and s.repl.backlog is not None
    replid = s.repl.replid
    edge = _edge(gone_ms, ttl)
    kept, _ = replication_cron(s, edge)
    assert kept.repl.backlog is not None and kept.repl.replid == replid, \
        f"{name}: backlog freed after exactly {ttl} s without replicas (now {edge})"
    freed, _ = replication_cron(s, edge + 1)
    assert freed.repl.backlog is None and freed.repl.replid != replid, \
        f"{name}: backlog kept after {ttl} s + 1 ms without replicas (now {edge + 1})"
    assert _logged(freed, "notice", f"Replication backlog freed after {ttl} seconds without "
                                    "connected replicas."), f"{name}: no log line"


def check_diskless_sync_delay(delay: int, psync_ms: int) -> None:
    """``diskless_sync_delay`` for one ``repl-diskless-sync-delay`` and PSYNC time. 7.0.15
    (``shouldStartChildReplication``): ``max_idle >= repl_diskless_sync_delay``, idle being
    ``server.unixtime - lastinteraction`` of the replicas in ``wait_bgsave_start``."""
    name = "diskless_sync_delay"
    s, _, rid = _master_with_replica(psync_ms, **{"repl-diskless-sync": True,
                                                  "repl-diskless-sync-delay": delay})
    first = (psync_ms // 1000 + delay) * 1000  # the first ms of idle == delay seconds
    waiting, _ = _forked(lambda st: replication_cron(st, first - 1), s)
    link = waiting.clients[rid].info.repl
    assert link is not None and link.state == SLAVE_STATE_WAIT_BGSAVE_START \
        and waiting.persist.child is None, \
        f"{name}: fork started {delay} s - 1 ms after the PSYNC at {psync_ms}"
    started, _ = _forked(lambda st: replication_cron(st, first), s)
    link = started.clients[rid].info.repl
    assert link is not None and link.state != SLAVE_STATE_WAIT_BGSAVE_START \
        and started.persist.child is not None, \
        f"{name}: no fork {delay} s after the PSYNC at {psync_ms}"


# -- busy-reply-threshold ---------------------------------------------------------------------

SPIN = b"local i = 0 while true do i = i + 1 end"


class _SteppedClock(ModelPort):
    """A script clock that reads ``start`` before the script, ``start + threshold - 1`` for
    the first ``hooks - 1`` hook calls, ``start + threshold`` at hook ``hooks`` and one ms
    more at each call after; it
    records the hook at which the script first served other clients (timed out)."""

    def __init__(self, batches: Any, start: int, threshold: int, hooks: int) -> None:
        super().__init__(batches, start)
        self.threshold, self.hooks = threshold, hooks
        self.last_hook = 0
        self.first_events_hook: int | None = None

    def clock_ms(self, instructions: int) -> int:
        hook = instructions // HOOK_PERIOD
        self.last_hook = hook
        if hook == 0:
            return self.start_ms
        if hook < self.hooks:
            return self.start_ms + self.threshold - 1
        return self.start_ms + self.threshold + (hook - self.hooks)  # time goes on

    def events(self, protected: int) -> Any:
        if self.first_events_hook is None:
            self.first_events_hook = self.last_hook
        return super().events(protected)


def check_busy_threshold(threshold: int, hooks: int) -> None:
    """``busy_threshold`` for one ``busy-reply-threshold`` and the hook call at which the
    script's elapsed time reaches it (every call before: one ms short). 7.0.15
    (``scriptInterrupt``): ``elapsed < busy_reply_threshold`` returns SCRIPT_CONTINUE;
    otherwise the script enters timed-out mode and serves other clients (-BUSY)."""
    name = "busy_threshold"
    s = S.new_server(T0, **{"busy-reply-threshold": threshold})
    s, a = S.client_connect(s, T0)
    s, b = S.client_connect(s, T0)
    s, c = S.client_connect(s, T0)
    batch = [(b, encode_request([b"GET", b"k"])), (c, encode_request([b"SCRIPT", b"KILL"]))]
    port = _SteppedClock([batch], T0, threshold, hooks)
    _s, eff = S.client_input(s, a, encode_request([b"EVAL", SPIN, b"0"]), T0, busy_port=port)
    assert port.first_events_hook == hooks, \
        f"{name}: timed out at hook {port.first_events_hook}, elapsed reached " \
        f"{threshold} ms at hook {hooks}"
    assert port.replies[0] == (b, b"-BUSY Redis is busy running a script. You can only call "
                                  b"SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"), \
        f"{name}: another client's GET got {port.replies[0]!r}"
    assert S.output_for(eff, a).startswith(b"-ERR Script killed by user"), f"{name}: not killed"
    logged = [op[2] for op in _s.aof.ops if op[:2] == ("log", "warning")]
    assert logged[:1] == [f"Slow script detected: still in execution after {threshold} "
                          "milliseconds. You can try killing the script using the SCRIPT KILL "
                          f"command. Script name is: {hashlib.sha1(SPIN).hexdigest()}."], \
        f"{name}: logged {logged}"


# -- appendfsync everysec ---------------------------------------------------------------------

EVERYSEC = {"appendfsync": "everysec"}


def _ops(a: AofState, kind: str) -> list[tuple[Any, ...]]:
    return [op for op in a.ops if op[0] == kind]


def check_everysec_fsync(last_s: int, pending_only: bool) -> None:
    """``everysec_fsync`` for one second of the last fsync, with data to write or only data
    written since that fsync. 7.0.15 (``flushAppendOnlyFile``): ``server.unixtime >
    server.aof_last_fsync`` starts ``aof_background_fsync`` (also with an empty buffer when
    ``aof_fsync_offset != aof_current_size``)."""
    name = "everysec_fsync"
    a = AofState(status=AOF_ON, buf=b"" if pending_only else b"*1\r\n$4\r\nPING\r\n",
                 current_size=100, fsync_offset=50 if pending_only else 100,
                 last_fsync_s=last_s)
    edge = last_s * 1000 + 999
    same = aof_mod.flush_aof(a, EVERYSEC, False, edge, False)
    assert not _ops(same, "bgfsync") and same.last_fsync_s == last_s, \
        f"{name}: fsync in the second of the last one (last {last_s} s, now {edge} ms)"
    nxt = aof_mod.flush_aof(a, EVERYSEC, False, edge + 1, False)
    assert _ops(nxt, "bgfsync") and nxt.last_fsync_s == last_s + 1, \
        f"{name}: no fsync in the next second (last {last_s} s, now {edge + 1} ms)"


def check_postponed_flush(start_s: int) -> None:
    """``postponed_flush`` for one second at which the flush was first postponed. 7.0.15
    (``flushAppendOnlyFile``): ``server.unixtime - aof_flush_postponed_start < 2`` postpones
    again; otherwise the buffer is written and ``aof_delayed_fsync`` counted."""
    name = "postponed_flush"
    a = AofState(status=AOF_ON, buf=b"*1\r\n$4\r\nPING\r\n", current_size=100,
                 fsync_offset=100, last_fsync_s=start_s, fsync_pending=1)
    first = aof_mod.flush_aof(a, EVERYSEC, False, start_s * 1000 + 500, False)
    assert first.flush_postponed_start == start_s and not _ops(first, "write"), \
        f"{name}: not postponed while a fsync runs"
    edge = (start_s + 1) * 1000 + 999
    still = aof_mod.flush_aof(first, EVERYSEC, False, edge, False)
    assert not _ops(still, "write") and still.buf == a.buf, \
        f"{name}: written {edge - start_s * 1000} ms after the postponement began"
    done = aof_mod.flush_aof(first, EVERYSEC, False, edge + 1, False)
    assert _ops(done, "write") and done.delayed_fsync == 1 and not done.buf, \
        f"{name}: still postponed 2 s after it began"


# -- FAILOVER TIMEOUT, MIGRATE's connection cache ---------------------------------------------


def check_failover_timeout(timeout: int, force: bool) -> None:
    """``failover_timeout`` for one TIMEOUT, with or without FORCE. 7.0.15
    (``updateFailoverStatus``): ``failover_end_time <= server.mstime`` aborts ("Replica
    never caught up before timeout") or, with FORCE, fails over to the target."""
    name = "failover_timeout"
    s, c, rid = _master_with_replica(T0)
    s = _online(s, rid, T0)
    s, _ = _cmd(s, c, T0, b"SET", b"k", b"v")  # the replica has not acknowledged this
    cl = s.clients[rid]
    assert cl.info.repl is not None
    s = attrs.evolve(s, clients=s.clients.set(rid, replace(
        cl, repl=attrs.evolve(cl.info.repl, listening_port=6380))))
    argv = [b"FAILOVER", b"TO", b"127.0.0.1", b"6380"] + ([b"FORCE"] if force else []) + \
        [b"TIMEOUT", b"%d" % timeout]
    s, out = _cmd(s, c, T0, *argv)
    assert out == b"+OK\r\n", out
    end = T0 + timeout

    def status(now: int) -> Any:
        st_ = Step(s, now)
        failover_mod.update_failover_status(st_)
        return st_.part("repl").failover

    f = status(end - 1)
    assert f is not None and f.state == FAILOVER_WAIT_FOR_SYNC, \
        f"{name}: over 1 ms before its end (timeout {timeout} ms)"
    f = status(end)
    if force:
        assert f is not None and f.state == FAILOVER_IN_PROGRESS, \
            f"{name}: FORCE did not fail over at its end (timeout {timeout} ms)"
    else:
        assert f is None, f"{name}: not aborted at its end (timeout {timeout} ms)"


def check_migrate_cache_ttl(used_s: int) -> None:
    """``migrate_cache_ttl`` for one last use of a cached connection. 7.0.15
    (``migrateCloseTimedoutSockets``, serverCron once a second): ``server.unixtime -
    last_use_time > MIGRATE_SOCKET_CACHE_TTL`` (10) closes it."""
    name = "migrate_cache_ttl"
    s = S.new_server(T0)
    s = replace(s, migrate=s.migrate.set(b"127.0.0.1:6380", (0, used_s)))
    edge = _edge(used_s * 1000, migrate_mod.MIGRATE_SOCKET_CACHE_TTL)
    kept, closed = migrate_mod.close_timed_out_sockets(s, edge)
    assert not closed and b"127.0.0.1:6380" in kept.migrate, \
        f"{name}: closed after exactly {migrate_mod.MIGRATE_SOCKET_CACHE_TTL} s unused"
    gone, closed = migrate_mod.close_timed_out_sockets(s, edge + 1)
    assert closed == (b"127.0.0.1:6380",) and b"127.0.0.1:6380" not in gone.migrate, \
        f"{name}: kept after {migrate_mod.MIGRATE_SOCKET_CACHE_TTL} s + 1 ms unused"


# -- the properties ---------------------------------------------------------------------------

_LAST = st.integers(T0 + 1000, T0 + 10**7)
_REPLICA = {"stage": st.sampled_from(STAGES), "timeout": st.integers(1, 100), "last_ms": _LAST}
_MASTER = {"timeout": st.integers(1, 100), "ack_ms": _LAST}
_TTL = {"ttl": st.integers(1, 10_000), "gone_ms": _LAST}
_DELAY = {"delay": st.integers(1, 30), "psync_ms": _LAST}
_BUSY = {"threshold": st.integers(1, 10**6), "hooks": st.integers(2, 12)}
_FSYNC = {"last_s": st.integers(T0 // 1000, T0 // 1000 + 10**6), "pending_only": st.booleans()}
_POSTPONE = {"start_s": st.integers(T0 // 1000, T0 // 1000 + 10**6)}
_FAILOVER = {"timeout": st.integers(1, 10**6), "force": st.booleans()}
_MIGRATE = {"used_s": st.integers(T0 // 1000, T0 // 1000 + 10**6)}


@property_settings(40)
@given(**_REPLICA)
def test_repl_timeout_replica(stage: str, timeout: int, last_ms: int) -> None:
    check_repl_timeout_replica(stage, timeout, last_ms)


@property_settings(30)
@given(**_MASTER)
def test_repl_timeout_master(timeout: int, ack_ms: int) -> None:
    check_repl_timeout_master(timeout, ack_ms)


@property_settings(30)
@given(**_TTL)
def test_backlog_ttl(ttl: int, gone_ms: int) -> None:
    check_backlog_ttl(ttl, gone_ms)


@property_settings(30)
@given(**_DELAY)
def test_diskless_sync_delay(delay: int, psync_ms: int) -> None:
    check_diskless_sync_delay(delay, psync_ms)


@property_settings(20)
@given(**_BUSY)
def test_busy_threshold(threshold: int, hooks: int) -> None:
    check_busy_threshold(threshold, hooks)


@property_settings(60)
@given(**_FSYNC)
def test_everysec_fsync(last_s: int, pending_only: bool) -> None:
    check_everysec_fsync(last_s, pending_only)


@property_settings(60)
@given(**_POSTPONE)
def test_postponed_flush(start_s: int) -> None:
    check_postponed_flush(start_s)


@property_settings(30)
@given(**_FAILOVER)
def test_failover_timeout(timeout: int, force: bool) -> None:
    check_failover_timeout(timeout, force)


@property_settings(60)
@given(**_MIGRATE)
def test_migrate_cache_ttl(used_s: int) -> None:
    check_migrate_cache_ttl(used_s)


# -- planted bugs: each trips its property ----------------------------------------------------


def _ms(now_ms: int, last_ms: int, timeout_s: int) -> bool:
    """The spec's comparison before this file: milliseconds, ``now - last > timeout``."""
    return now_ms - last_ms > timeout_s * 1000


def _seconds_ge(now_ms: int, last_ms: int, timeout_s: int) -> bool:
    """``>=``: a link silent exactly ``repl-timeout`` seconds is given up."""
    return now_ms // 1000 - last_ms // 1000 >= timeout_s


def _second_late(now_ms: int, last_ms: int, timeout_s: int) -> bool:
    """One second too many: ``> repl_timeout + 1``."""
    return now_ms // 1000 - last_ms // 1000 > timeout_s + 1


_REPL_PLANTS = pytest.mark.parametrize("plant", [_ms, _seconds_ge, _second_late],
                                       ids=["milliseconds", "ge", "late"])


@_REPL_PLANTS
def test_planted_repl_timeout_replica(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(replica_mod, "repl_timed_out", plant)
    with pytest.raises(AssertionError, match="repl_timeout_replica"):
        run_given(PLANTED, check_repl_timeout_replica, **_REPLICA)


@pytest.mark.parametrize("stage", STAGES)
def test_planted_repl_timeout_replica_each_stage(monkeypatch: pytest.MonkeyPatch,
                                                 stage: str) -> None:
    """The millisecond comparison, seen at each stage of the link (the first draws of
    ``stage`` need not cover them all)."""
    monkeypatch.setattr(replica_mod, "repl_timed_out", _ms)
    with pytest.raises(AssertionError, match="repl_timeout_replica"):
        run_given(PLANTED, check_repl_timeout_replica, st.just(stage), _REPLICA["timeout"],
                  _LAST)


@_REPL_PLANTS
def test_planted_repl_timeout_master(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(replication_mod, "repl_timed_out", plant)
    with pytest.raises(AssertionError, match="repl_timeout_master"):
        run_given(PLANTED, check_repl_timeout_master, **_MASTER)


@pytest.mark.parametrize("plant", [lambda now, since, ttl: now - since >= ttl,
                                   lambda now, since, ttl: now - since > ttl + 1],
                         ids=["ge", "late"])
def test_planted_backlog_ttl(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(replication_mod, "backlog_ttl_expired", plant)
    with pytest.raises(AssertionError, match="backlog_ttl"):
        run_given(PLANTED, check_backlog_ttl, **_TTL)


@pytest.mark.parametrize("plant", [lambda idle, delay: idle > delay,
                                   lambda idle, delay: idle + 1 >= delay],
                         ids=["gt", "early"])
def test_planted_diskless_sync_delay(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(replication_mod, "sync_delay_elapsed", plant)
    with pytest.raises(AssertionError, match="diskless_sync_delay"):
        run_given(PLANTED, check_diskless_sync_delay, **_DELAY)


@pytest.mark.parametrize("plant", [lambda elapsed, t: elapsed > t,
                                   lambda elapsed, t: elapsed + 1 >= t],
                         ids=["gt", "early"])
def test_planted_busy_threshold(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(scripting, "script_timed_out", plant)
    with pytest.raises(AssertionError, match="busy_threshold"):
        run_given(planted_settings(20), check_busy_threshold, **_BUSY)


@pytest.mark.parametrize("plant", [lambda now, last: now >= last,
                                   lambda now, last: now > last + 1],
                         ids=["ge", "late"])
def test_planted_everysec_fsync(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(aof_mod, "everysec_fsync_due", plant)
    with pytest.raises(AssertionError, match="everysec_fsync"):
        run_given(PLANTED, check_everysec_fsync, **_FSYNC)


@pytest.mark.parametrize("plant", [lambda now, start: now - start <= 2,
                                   lambda now, start: now - start < 1],
                         ids=["le", "early"])
def test_planted_postponed_flush(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(aof_mod, "flush_still_postponed", plant)
    with pytest.raises(AssertionError, match="postponed_flush"):
        run_given(PLANTED, check_postponed_flush, **_POSTPONE)


@pytest.mark.parametrize("plant", [lambda end, now: bool(end) and end < now,
                                   lambda end, now: bool(end) and end - 1 <= now],
                         ids=["lt", "early"])
def test_planted_failover_timeout(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(failover_mod, "failover_timed_out", plant)
    with pytest.raises(AssertionError, match="failover_timeout"):
        run_given(PLANTED, check_failover_timeout, **_FAILOVER)


@pytest.mark.parametrize("plant", [
    lambda now, used: now - used >= migrate_mod.MIGRATE_SOCKET_CACHE_TTL,
    lambda now, used: now - used > migrate_mod.MIGRATE_SOCKET_CACHE_TTL + 1],
    ids=["ge", "late"])
def test_planted_migrate_cache_ttl(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(migrate_mod, "migrate_socket_expired", plant)
    with pytest.raises(AssertionError, match="migrate_cache_ttl"):
        run_given(PLANTED, check_migrate_cache_ttl, **_MIGRATE)
