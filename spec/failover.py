"""The coordinated failover of a standalone master (Redis 7.0's ``FAILOVER``, ``replication.c``:
``failoverCommand``, ``updateFailoverStatus``, ``abortFailover``, ``clearFailoverState``).

A master hands its role to one of its replicas without losing an acknowledged write:

1. ``FAILOVER [TO host port [FORCE]] [TIMEOUT ms]`` pauses writes (a pause of its own
   purpose, ``PAUSE_DURING_FAILOVER``, until it is ended: ``spec.pause``) and the state
   becomes ``waiting-for-sync``.
2. Each time the server is about to sleep (beforeSleep) and at each replicationCron — which
   runs every 100 ms instead of every second while a failover is under way — the master looks
   for a replica whose acknowledged offset equals ``master_repl_offset``: the target, or the
   first such replica. Found: ``failover-in-progress``, and the master becomes a replica of
   it (``replicationSetMaster``); its handshake then sends ``PSYNC <replid> <offset+1>
   FAILOVER`` (``spec.replica``). Past the deadline: the failover is aborted ("Replica never
   caught up before timeout"), or with FORCE the master fails over to the target anyway.
3. The target, receiving ``PSYNC … FAILOVER`` with its own replid, becomes a master
   (``replicationUnsetMaster``) and answers the PSYNC as any master does
   (``spec.replication.sync_command``).
4. Once the old master's PSYNC is answered (``+CONTINUE`` or ``+FULLRESYNC``) the failover is
   over: the state is cleared and the paused clients run again — as a replica's clients,
   so their writes get ``-READONLY``. Any other answer aborts the failover: the old master
   becomes a master again (under a new replid). A connection that fails does not: the link
   keeps reconnecting until FAILOVER ABORT (checked against 7.0.15).

``FAILOVER ABORT`` ends a failover in either state (in ``failover-in-progress`` the server
becomes a master again). Layer: mechanisms.
"""

from __future__ import annotations

import attrs

from .numbers import string2ll
from .pause import PAUSE_DURING_FAILOVER, PAUSE_FOREVER, pause_clients, unpause
from .replication import (
    failover_state_name,
    repl_of,
    replica_ip,
    set_master,
    set_repl,
    unset_master,
)
from .reply import OK, Err, Reply
from .state import (
    FAILOVER_IN_PROGRESS,
    FAILOVER_WAIT_FOR_SYNC,
    SLAVE_STATE_ONLINE,
    Client,
    Failover,
)
from .step import Step
from .transport import PAUSE_WRITE

__all__ = ["failover_command", "update_failover_status", "abort_failover",
           "clear_failover_state", "find_replica", "failover_state_name", "in_progress",
           "FAILOVER_ERRORS"]

#: The command's error replies, as 7.0.15 words them.
FAILOVER_ERRORS = {
    "none": Err("ERR No failover in progress."),
    "timeout": Err("ERR FAILOVER timeout must be greater than 0"),
    "already": Err("ERR FAILOVER already in progress."),
    "replica": Err("ERR FAILOVER is not valid when server is a replica."),
    "no_replicas": Err("ERR FAILOVER requires connected replicas."),
    "force": Err("ERR FAILOVER with force option requires both a timeout and target HOST "
                 "and IP."),
    "not_replica": Err("ERR FAILOVER target HOST and PORT is not a replica."),
    "not_online": Err("ERR FAILOVER target replica is not online."),
}
SYNTAX = Err("ERR syntax error")
NOT_INTEGER = Err("ERR value is not an integer or out of range")


def in_progress(s: Step) -> bool:
    """``server.failover_state == FAILOVER_IN_PROGRESS``: this server demoted itself and its
    handshake must send ``PSYNC … FAILOVER``."""
    f = repl_of(s).failover
    return f is not None and f.state == FAILOVER_IN_PROGRESS


def find_replica(s: Step, host: str, port: int) -> Client | None:
    """``findReplica``: the replica whose address (announced ``ip-address``, else its
    connection's peer) equals ``host`` without regard to case and whose ``listening-port`` is
    ``port``."""
    for cid in repl_of(s).replicas:
        c = s.get_client(cid)
        if c is None or c.info.repl is None:
            continue
        if replica_ip(c).lower() == host.lower() and c.info.repl.listening_port == port:
            return c
    return None


def _parse(s: Step, argv: list[bytes]) -> Reply | tuple[int, bool, str | None, int]:
    """FAILOVER's options in any order, each at most once (``failoverCommand``'s loop): the
    timeout, FORCE, the target; or the first error met."""
    timeout, force, host, port = 0, False, None, 0
    j = 1
    while j < len(argv):
        opt = argv[j].lower()
        if opt == b"timeout" and j + 1 < len(argv) and timeout == 0:
            v = string2ll(argv[j + 1])
            if v is None:
                return NOT_INTEGER
            if v <= 0:
                return FAILOVER_ERRORS["timeout"]
            timeout = v
            j += 2
        elif opt == b"to" and j + 2 < len(argv) and host is None:
            p = string2ll(argv[j + 2])
            if p is None:
                return NOT_INTEGER
            host, port = argv[j + 1].decode("latin-1"), p
            j += 3
        elif opt == b"force" and not force:
            force = True
            j += 1
        else:
            return SYNTAX
    return timeout, force, host, port


def failover_command(s: Step, argv: list[bytes]) -> Reply:
    """``failoverCommand``: ``FAILOVER ABORT``, or start a failover after its checks in
    7.0.15's order (options, already in progress, a replica, no replicas, FORCE without TO and
    TIMEOUT, the target not a replica, the target not online): writes are paused until the
    failover ends and the state is ``waiting-for-sync``."""
    r = repl_of(s)
    if len(argv) == 2 and argv[1].lower() == b"abort":
        if r.failover is None:
            return FAILOVER_ERRORS["none"]
        abort_failover(s)
        return OK
    parsed = _parse(s, argv)
    if not isinstance(parsed, tuple):
        return parsed
    timeout, force, host, port = parsed
    if r.failover is not None:
        return FAILOVER_ERRORS["already"]
    if r.masterhost is not None:
        return FAILOVER_ERRORS["replica"]
    if not r.replicas:
        return FAILOVER_ERRORS["no_replicas"]
    if force and (not timeout or host is None):
        return FAILOVER_ERRORS["force"]
    if host is not None:
        target = find_replica(s, host, port)
        if target is None:
            return FAILOVER_ERRORS["not_replica"]
        if target.info.repl is None or target.info.repl.state != SLAVE_STATE_ONLINE:
            return FAILOVER_ERRORS["not_online"]
    set_repl(s, failover=Failover(FAILOVER_WAIT_FOR_SYNC, s.now_ms + timeout if timeout else 0,
                                  force, host, port if host is not None else 0))
    pause_clients(s, PAUSE_FOREVER, PAUSE_WRITE, PAUSE_DURING_FAILOVER)
    return OK


def clear_failover_state(s: Step) -> None:
    """``clearFailoverState``: no failover any more; its pause ends (the postponed clients run
    again if nothing else pauses them)."""
    set_repl(s, failover=None)
    unpause(s, PAUSE_DURING_FAILOVER)


def abort_failover(s: Step) -> None:
    """``abortFailover``: a server that already demoted itself becomes a master again
    (``replicationUnsetMaster``: a new replid, its replicas disconnected), then the failover
    state is cleared. (Redis logs the reason; the reference server does not log replication.)"""
    f = repl_of(s).failover
    if f is None:
        return
    if f.state == FAILOVER_IN_PROGRESS:
        unset_master(s)
    clear_failover_state(s)


def _fail_over_to(s: Step, host: str, port: int) -> None:
    """``failover-in-progress``: this master becomes a replica of the target
    (``replicationSetMaster``); its handshake will send PSYNC … FAILOVER."""
    f = repl_of(s).failover
    assert f is not None
    set_repl(s, failover=attrs.evolve(f, state=FAILOVER_IN_PROGRESS, host=host, port=port))
    set_master(s, host, port)


def failover_timed_out(end_ms: int, now_ms: int) -> bool:
    """FAILOVER ``TIMEOUT`` (``updateFailoverStatus``): the deadline (``failover_end_time``,
    ms; 0: none) is reached once ``failover_end_time <= mstime``, at its very millisecond."""
    return bool(end_ms) and end_ms <= now_ms


def update_failover_status(s: Step) -> None:
    """``updateFailoverStatus`` (beforeSleep and replicationCron) while ``waiting-for-sync``:
    past the deadline, fail over anyway with FORCE or abort; otherwise, once the target (or,
    without TO, the first replica found) has acknowledged the whole stream, fail over to it."""
    r = repl_of(s)
    f = r.failover
    if f is None or f.state != FAILOVER_WAIT_FOR_SYNC:
        return
    if failover_timed_out(f.end_ms, s.now_ms):
        if f.force and f.host is not None:
            _fail_over_to(s, f.host, f.port)
        else:
            abort_failover(s)  # "Replica never caught up before timeout"
        return
    if f.host is not None:
        target = find_replica(s, f.host, f.port)
        if target is not None and target.info.repl is not None \
                and target.info.repl.ack_off == r.master_repl_offset:
            _fail_over_to(s, f.host, f.port)
        return
    for cid in r.replicas:
        c = s.get_client(cid)
        if c is not None and c.info.repl is not None \
                and c.info.repl.ack_off == r.master_repl_offset:
            _fail_over_to(s, replica_ip(c), c.info.repl.listening_port)
            return
