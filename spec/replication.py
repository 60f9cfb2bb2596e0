"""Replication, the master side and the replica's commands (Redis's ``replication.c``).

A replica is a client that sent ``PSYNC`` (or ``SYNC``). The master either continues its
stream from the offset the replica asks for — when the replica's history is the master's
(``replid``, or ``replid2`` up to ``second_replid_offset``) and the offset is still in the
backlog (``masterTryPartialResynchronization``: ``+CONTINUE``, then the backlog from that
offset) — or sends a full sync: ``+FULLRESYNC <replid> <offset>`` when the BGSAVE for
replication starts, the snapshot when it ends (``$<len>`` and the file for a disk sync,
``$EOF:<mark>`` … ``<mark>`` for a diskless one), then the stream from ``<offset>`` on.

The stream is what the server propagates (``spec.replfeed``: fed into the backlog as it is
propagated); beforeSleep hands each replica its part (:func:`feed_replicas`): online
replicas get it in their output, replicas still waiting for their snapshot keep it until
they are online (Redis keeps it in their output buffer with no write handler). The cron
(:func:`replication_cron_master`) pings replicas every ``repl-ping-replica-period``
seconds, sends newlines to replicas waiting for a disk snapshot, drops replicas silent for
``repl-timeout``, frees the backlog after ``repl-backlog-ttl`` without replicas and starts a
delayed diskless sync.

The replica side's commands are here too (``REPLICAOF``: :func:`set_master`,
:func:`unset_master`); the link to the master — handshake, transfer, loading — is
``spec.replica``. Layer: mechanisms.
"""

from __future__ import annotations

from typing import Any

import attrs

from .aof import log_in_step, server_log
from .backlog import backlog_from, create_backlog, psync_accepts, resize
from .blocking import acks_for_offset, block_for_keys, unblock_client
from .errors import NOT_INTEGER
from .numbers import string2ll
from .obuf import check_limits
from .pause import clients_paused
from .persist import ForkOutcomeNeeded, fork_snapshot, save_state
from .replfeed import feed_replication, feeds_replication
from .reply import OK, Err, Raw, Reply
from .state import (
    FAILOVER_WAIT_FOR_SYNC,
    REPL_STATE_CONNECT,
    REPL_STATE_CONNECTED,
    REPL_STATE_CONNECTING,
    REPL_STATE_NONE,
    REPL_STATE_TRANSFER,
    SLAVE_STATE_ONLINE,
    SLAVE_STATE_SEND_BULK,
    SLAVE_STATE_WAIT_BGSAVE_END,
    SLAVE_STATE_WAIT_BGSAVE_START,
    Blocked,
    Client,
    Failover,
    RdbChild,
    ReplicaLink,
    ReplState,
    ServerState,
    replace,
)
from .step import Step

__all__ = [
    "repl_of", "set_repl", "random_hex", "change_replication_id", "shift_replication_id",
    "clear_replication_id2", "resize_replication_backlog", "refresh_good_replicas",
    "replconf", "sync_command", "start_bgsave_for_replication", "rdb_child_done",
    "feed_replicas", "replication_cron_master", "wait_command", "count_acks",
    "replica_freed", "set_master", "unset_master", "role_reply", "info_replication",
    "replica_state_name", "no_replicas", "read_only_replica", "master_down",
    "is_master_client", "before_sleep_replication", "REPLCONF_GETACK", "master_disconnected",
    "refresh_good_replicas", "failover_state_name", "repl_timed_out",
]

#: ``replicationFeedSlaves``' newline keepalive and the cron's PING, as stream bytes.
REPLCONF_GETACK = (b"REPLCONF", b"GETACK", b"*")

NOREPLICAS = Err("NOREPLICAS Not enough good replicas to write.")
READONLY = Err("READONLY You can't write against a read only replica.")
MASTERDOWN = Err("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set "
                 "to 'no'.")


# -- the replication state ------------------------------------------------------------------

def repl_of(s: Step) -> ReplState:
    """The replication state as it is now in this transition."""
    r: ReplState = s.part("repl")
    return r


def set_repl(s: Step, **changes: Any) -> ReplState:
    """Replace fields of the replication state; returns the new state."""
    r = attrs.evolve(repl_of(s), **changes)
    s.set_part("repl", r)
    return r


def random_hex(s: Step, n: int = 40) -> str:
    """``getRandomHexChars``: ``n`` hex characters from the explicit PRNG, mixed with the
    server's own entropy (``ReplState.salt``)."""
    out: list[str] = []
    while len(out) < n:
        out.extend(f"{s.random():08x}")
    salt = repl_of(s).salt
    if salt:
        pad = (salt * (n // len(salt) + 1))[:n]
        return "".join(f"{int(a, 16) ^ int(b, 16):x}" for a, b in zip(out[:n], pad, strict=True))
    return "".join(out[:n])


def change_replication_id(s: Step) -> None:
    """``changeReplicationId``: a new history begins under a fresh random id."""
    set_repl(s, replid=random_hex(s))


def clear_replication_id2(s: Step) -> None:
    """``clearReplicationId2``: no second history."""
    set_repl(s, replid2="0" * 40, second_replid_offset=-1)


def shift_replication_id(s: Step) -> None:
    """``shiftReplicationId``: the current id becomes the second one, valid up to the next
    byte (``master_repl_offset + 1``), and a fresh id continues (a replica promoted: its
    own replicas can still PSYNC with the old id)."""
    r = repl_of(s)
    set_repl(s, replid2=r.replid, second_replid_offset=r.master_repl_offset + 1)
    change_replication_id(s)


def link_of(s: Step, cid: int) -> ReplicaLink | None:
    """The replica state of client ``cid`` (None when it is not a replica)."""
    c = s.get_client(cid)
    return None if c is None else c.info.repl


def update_link(s: Step, cid: int, **changes: Any) -> None:
    """Replace fields of client ``cid``'s replica state."""
    c = s.get_client(cid)
    assert c is not None and c.info.repl is not None
    s.put_client(replace(c, repl=attrs.evolve(c.info.repl, **changes)))


def is_master_client(c: Client) -> bool:
    """The client is this replica's master (``CLIENT_MASTER``)."""
    f = c.info.flags
    return bool(f) and "master" in f


def failover_state_name(f: Failover | None) -> str:
    """INFO's ``master_failover_state`` (``getFailoverStateString``)."""
    if f is None:
        return "no-failover"
    return "waiting-for-sync" if f.state == FAILOVER_WAIT_FOR_SYNC else "failover-in-progress"


def replica_state_name(st: int) -> str:
    """The replica's state as INFO prints it (``slaveN:...state=``)."""
    return {SLAVE_STATE_WAIT_BGSAVE_START: "wait_bgsave", SLAVE_STATE_WAIT_BGSAVE_END:
            "wait_bgsave", SLAVE_STATE_SEND_BULK: "send_bulk",
            SLAVE_STATE_ONLINE: "online"}.get(st, "")


# -- REPLCONF -------------------------------------------------------------------------------

def replconf(s: Step, argv: list[bytes]) -> Reply:
    """``replconfCommand``: options a replica sets before PSYNC (``listening-port``,
    ``ip-address``, ``capa``, ``rdb-only``) and, later, its acknowledgements (``ack``: no
    reply) and the master's request for one (``getack``, on a replica)."""
    if len(argv) % 2 == 0:
        return Err("ERR syntax error")
    c = s.client
    link = c.info.repl or ReplicaLink()
    for j in range(1, len(argv), 2):
        opt = argv[j].lower()
        val = argv[j + 1]
        if opt == b"listening-port":
            port = string2ll(val)
            if port is None:
                return NOT_INTEGER
            link = attrs.evolve(link, listening_port=port)
        elif opt == b"ip-address":
            if len(val) >= 256:  # NET_HOST_STR_LEN (a host name, not only an IP)
                return Err("ERR REPLCONF ip-address provided by replica instance is too "
                           f"long: {len(val)} bytes")
            link = attrs.evolve(link, ip=val.decode("latin-1"))
        elif opt == b"capa":
            cap = val.lower()
            if cap in (b"eof", b"psync2"):
                link = attrs.evolve(link, capa=link.capa | {cap.decode()})
        elif opt == b"ack":
            return replconf_ack(s, val)
        elif opt == b"getack":
            r = repl_of(s)
            if r.masterhost is not None and r.master_client is not None:
                send_ack(s)
            return Raw(b"")
        elif opt == b"rdb-only":
            v = string2ll(val)
            if v is None:
                return NOT_INTEGER
            if not 0 <= v <= 1:
                return Err("ERR value is out of range, value must between 0 and 1")
            link = attrs.evolve(link, rdb_only=v == 1)
        else:
            return Err(f"ERR Unrecognized REPLCONF option: {argv[j].decode('latin-1')}")
    if "monitor" not in c.flags:  # a MONITOR (a replica for CLIENT LIST) keeps none
        s.update_client(repl=link)
    return OK


def replconf_ack(s: Step, val: bytes) -> Reply:
    """``REPLCONF ACK <offset>``: a replica reports how much of the stream it has
    processed; never answered. The first ACK after a diskless transfer starts its stream
    (``replicaStartCommandStream``)."""
    c = s.client
    link = c.info.repl
    if "replica" not in c.flags or link is None:
        return Raw(b"")
    off = string2ll(val)
    if off is None:
        return Raw(b"")
    link = attrs.evolve(link, ack_off=max(link.ack_off, off), ack_time_ms=s.now_ms)
    if link.start_on_ack and link.state == SLAVE_STATE_ONLINE:
        held = link.held
        link = attrs.evolve(link, start_on_ack=False, held=b"")
        s.update_client(repl=link)
        if held:
            s.out.append(held)
        return Raw(b"")
    s.update_client(repl=link)
    return Raw(b"")


def send_ack(s: Step) -> None:
    """``replicationSendAck``: ``REPLCONF ACK <applied offset>`` to the master, through
    the master client's output even though its replies are suppressed
    (``CLIENT_MASTER_FORCE_REPLY``)."""
    r = repl_of(s)
    if r.master_client is None:
        return
    off = b"%d" % r.master_reploff
    frame = b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%d\r\n%s\r\n" % (len(off), off)
    if s.client.id == r.master_client:
        s.out.append(frame)
    else:
        s.push_to(r.master_client, frame)


# -- SYNC / PSYNC ---------------------------------------------------------------------------

def sync_command(s: Step, argv: list[bytes]) -> Reply:
    """``syncCommand`` (SYNC and PSYNC): the client becomes a replica. A PSYNC whose history
    and offset the backlog still covers continues (``+CONTINUE``); otherwise a full sync
    is set up: the first replica creates the backlog (under a fresh replid), and the
    snapshot comes from the running disk BGSAVE if another replica waits for it, else from
    the next BGSAVE for replication (now, or after ``repl-diskless-sync-delay`` for a
    diskless one)."""
    c = s.client
    if "replica" in c.flags:  # already a replica, or a MONITOR
        return Raw(b"")
    if len(argv) > 3 and argv[0].lower() == b"psync" and argv[3].lower() == b"failover":
        refused = failover_request(s, argv[1])
        if refused is not None:
            return refused
    r = repl_of(s)
    if r.failover is not None:  # no replica syncs with a master handing over its role
        return Err("NOMASTERLINK Can't SYNC while failing over")
    if r.masterhost is not None and r.link_state != REPL_STATE_CONNECTED:
        return Err("NOMASTERLINK Can't SYNC while not connected with my master")
    if c.reply or s.out:
        return Err("ERR SYNC and PSYNC are invalid with pending output")
    link = c.info.repl or ReplicaLink()
    name = replica_name(c)
    log_in_step(s, "notice", f"Replica {name} asks for synchronization")
    if argv[0].lower() == b"psync":
        offset = string2ll(argv[2])
        if offset is None:
            return NOT_INTEGER
        replid = argv[1].decode("latin-1")
        if try_partial_resync(s, replid, offset, link):
            set_repl(s, sync_partial_ok=repl_of(s).sync_partial_ok + 1)
            return Raw(b"")
        log_partial_refused(s, name, replid, offset)
        if not replid.startswith("?"):
            set_repl(s, sync_partial_err=repl_of(s).sync_partial_err + 1)
    else:
        link = attrs.evolve(link, pre_psync=True)
    r = repl_of(s)
    link = attrs.evolve(link, state=SLAVE_STATE_WAIT_BGSAVE_START, ack_time_ms=s.now_ms)
    s.update_client(repl=link, flags=c.flags | {"replica"})
    set_repl(s, replicas=r.replicas + (c.id,), sync_full=r.sync_full + 1)
    if len(repl_of(s).replicas) == 1 and r.backlog is None:
        change_replication_id(s)
        clear_replication_id2(s)
        create_replication_backlog(s)
        r2 = repl_of(s)
        log_in_step(s, "notice", "Replication backlog created, my new replication IDs are "
                                 f"'{r2.replid}' and '{r2.replid2}'")
    p = s.part("persist")
    r = repl_of(s)
    if p.child is not None and r.child_target == "disk":
        for oid in r.replicas:
            other = link_of(s, oid)
            if (oid != c.id and other is not None
                    and other.state == SLAVE_STATE_WAIT_BGSAVE_END
                    and other.capa <= link.capa):
                # copyReplicaOutputBuffer: the same stream from the same snapshot.
                update_link(s, c.id, held=other.held, fed_to=other.fed_to)
                setup_full_resync(s, c.id, other.initial_offset)
                log_in_step(s, "notice", "Waiting for end of BGSAVE for SYNC")
                break
    elif p.child is not None or s.part("aof").child is not None:
        pass  # waits for the next BGSAVE (cron, or the end of the current child)
    elif (s.config.get("repl-diskless-sync", True) and "eof" in link.capa
          and s.config.get("repl-diskless-sync-delay", 5)):
        log_in_step(s, "notice", "Delay next BGSAVE for diskless SYNC")  # the cron starts it
    else:
        start_bgsave_for_replication(s, link.capa)
    return Raw(b"")


def failover_request(s: Step, replid: bytes) -> Reply:
    """``PSYNC <replid> <offset> FAILOVER`` (``syncCommand``): a failing-over master asks this
    replica to take over. With this replica's own replid it becomes a master at once
    (``replicationUnsetMaster``: its history becomes the second id, so the PSYNC that follows
    continues it) and None is returned; a master, or another replid, refuses."""
    r = repl_of(s)
    if r.masterhost is None:
        return Err("ERR PSYNC FAILOVER can't be sent to a master.")
    if replid.decode("latin-1").lower() != r.replid.lower():
        return Err("ERR PSYNC FAILOVER replid must match my replid.")
    unset_master(s)
    return None


def log_partial_refused(s: Step, name: str, replid: str, offset: int) -> None:
    """``masterTryPartialResynchronization``'s log line when it refuses: a full resync asked
    for (``?``), another history, or an offset the backlog no longer (or not yet) has."""
    r = repl_of(s)
    same = replid.lower() == r.replid.lower()
    if not same and (replid.lower() != r.replid2.lower() or offset > r.second_replid_offset):
        if replid.startswith("?"):
            log_in_step(s, "notice", f"Full resync requested by replica {name}")
        elif replid.lower() != r.replid2.lower():
            log_in_step(s, "notice", "Partial resynchronization not accepted: Replication ID "
                                     f"mismatch (Replica asked for '{replid}', my replication "
                                     f"IDs are '{r.replid}' and '{r.replid2}')")
        else:
            log_in_step(s, "notice", "Partial resynchronization not accepted: Requested "
                                     f"offset for second ID was {offset}, but I can reply up "
                                     f"to {r.second_replid_offset}")
        return
    log_in_step(s, "notice", f"Unable to partial resync with replica {name} for lack of "
                             f"backlog (Replica request was: {offset}).")
    if offset > r.master_repl_offset:
        log_in_step(s, "warning", f"Warning: replica {name} tried to PSYNC with an offset that "
                                  "is greater than the master replication offset.")


def create_replication_backlog(s: Step) -> None:
    """``createReplicationBacklog``: an empty backlog whose first byte is the next one."""
    r = repl_of(s)
    set_repl(s, backlog=create_backlog(int(s.config.get("repl-backlog-size", 1 << 20)),
                                       r.master_repl_offset))


def resize_replication_backlog(s: Step) -> None:
    """``resizeReplicationBacklog`` after CONFIG SET repl-backlog-size (the minimum is 16 KiB:
    ``CONFIG_REPL_BACKLOG_MIN_SIZE``)."""
    r = repl_of(s)
    size = max(16 * 1024, int(s.config.get("repl-backlog-size", 1 << 20)))
    if r.backlog is not None:
        set_repl(s, backlog=resize(r.backlog, size, r.master_repl_offset))


def try_partial_resync(s: Step, replid: str, offset: int, link: ReplicaLink) -> bool:
    """``masterTryPartialResynchronization``: when the backlog can serve ``offset`` of this
    history, the client becomes an online replica and gets ``+CONTINUE`` (with the replid
    for a ``psync2`` replica) and the backlog from ``offset``."""
    r = repl_of(s)
    if not psync_accepts(r.replid, r.replid2, r.second_replid_offset, r.backlog, replid,
                         offset):
        return False
    c = s.client
    s.update_client(flags=c.flags | {"replica"}, repl=attrs.evolve(
        link, state=SLAVE_STATE_ONLINE, ack_time_ms=s.now_ms, fed_to=r.master_repl_offset,
        initial_offset=offset - 1))
    set_repl(s, replicas=r.replicas + (c.id,))
    head = b"+CONTINUE %s\r\n" % r.replid.encode() if "psync2" in link.capa \
        else b"+CONTINUE\r\n"
    data = backlog_from(r.backlog, offset)
    s.out.append(head + data)
    log_in_step(s, "notice", f"Partial resynchronization request from {replica_name(c)} "
                             f"accepted. Sending {len(data)} bytes of backlog starting from "
                             f"offset {offset}.")
    refresh_good_replicas(s)
    return True


def setup_full_resync(s: Step, cid: int, offset: int) -> None:
    """``replicationSetupSlaveForFullResync``: the replica waits for the snapshot, its
    stream starts at ``offset``, the stream's next command re-selects its db, and (unless
    it attached with SYNC) it is told ``+FULLRESYNC <replid> <offset>`` at once."""
    link = link_of(s, cid)
    assert link is not None
    update_link(s, cid, state=SLAVE_STATE_WAIT_BGSAVE_END, initial_offset=offset,
                fed_to=max(link.fed_to, offset) if link.held else offset)
    set_repl(s, slaveseldb=-1)
    if not link.pre_psync:
        frame = b"+FULLRESYNC %s %d\r\n" % (repl_of(s).replid.encode(), offset)
        if cid == s.client.id:
            s.out.append(frame)
        else:
            s.push_to(cid, frame)


def start_bgsave_for_replication(s: Step, mincapa: frozenset[str]) -> bool:
    """``startBgsaveForReplication``: fork the child that makes the snapshot — to the
    replicas' sockets when diskless sync is on and they all take ``$EOF`` (``capa eof``),
    else to the RDB file. The replicas waiting to start are set up for a full resync at the
    current offset; if the fork fails they are told so and dropped."""
    socket = bool(s.config.get("repl-diskless-sync", True)) and "eof" in mincapa
    st = s.part("persist")
    if not st.fork_outcomes:
        raise ForkOutcomeNeeded(fork_snapshot(s), s.now_ms,
                                "repl-socket" if socket else "rdb")
    (pid, usec), rest = st.fork_outcomes[0], st.fork_outcomes[1:]
    waiting = [cid for cid in repl_of(s).replicas
               if (lk := link_of(s, cid)) is not None
               and lk.state == SLAVE_STATE_WAIT_BGSAVE_START]
    if pid < 0:
        s.set_part("persist", attrs.evolve(st, fork_outcomes=rest,
                                           lastbgsave_ok=socket or False))
        log_in_step(s, "warning", "BGSAVE for replication failed")
        for cid in waiting:
            drop_replica(s, cid, b"-ERR BGSAVE failed, replication can't continue\r\n")
        return False
    snap = fork_snapshot(s)
    child = RdbChild(pid, s.now_ms, s.dirty, snap, sum(len(d.keys) for d in snap.dbs))
    now_s = s.now_ms // 1000
    st = attrs.evolve(st, fork_outcomes=rest, child=child, total_forks=st.total_forks + 1,
                      latest_fork_usec=usec)
    if not socket:
        st = attrs.evolve(st, saves=st.saves + 1, lastbgsave_try_s=now_s)
    s.set_part("persist", st)
    set_repl(s, child_target="socket" if socket else "disk",
             eofmark=random_hex(s).encode() if socket else b"")
    log_in_step(s, "notice", "Starting BGSAVE for SYNC with target: "
                             f"{'replicas sockets' if socket else 'disk'}")
    offset = repl_of(s).master_repl_offset
    for cid in waiting:
        setup_full_resync(s, cid, offset)
    return True


def drop_replica(s: Step, cid: int, frame: bytes = b"") -> None:
    """Take ``cid`` out of the replicas and close it (after ``frame``, if any:
    ``CLIENT_CLOSE_AFTER_REPLY``). Another client's frame is delivered when the transition
    settles, which skips a client already marked closing: that one is closed through
    ``s.close`` alone (the world writes what it was sent, then closes it)."""
    c = s.get_client(cid)
    if c is None:
        return
    r = repl_of(s)
    set_repl(s, replicas=tuple(x for x in r.replicas if x != cid))
    closing = not frame or cid == s.client.id
    s.put_client(replace(c, repl=None, flags=c.flags - {"replica"}, closing=closing))
    if frame:
        s.push_to(cid, frame)
    s.close.add(cid)


def rdb_payload(s: Step, child: RdbChild, socket: bool) -> bytes:
    """The snapshot as the replicas receive it: ``$<len>\\r\\n`` and the file for a disk
    sync; ``$EOF:<mark>\\r\\n``, the file and the mark for a diskless one. The file is the
    child's: the snapshot at the fork, saved at the fork's time."""
    data = save_state(child.snapshot, child.start_ms)
    if socket:
        mark = repl_of(s).eofmark
        return b"$EOF:" + mark + b"\r\n" + data + mark
    return b"$%d\r\n" % len(data) + data


def rdb_child_done(s: Step, child: RdbChild, ok: bool) -> None:
    """``updateSlavesWaitingBgsave`` after the replication BGSAVE ended: the replicas
    waiting for it get the snapshot and go online (a diskless one starts its stream at its
    first ACK); if it failed they are dropped. Replicas that arrived meanwhile get the next
    BGSAVE as the cron would give it (``checkChildrenDone``'s ``replicationStartPendingFork``:
    with ``repl-diskless-sync`` on, once the longest waiting has been idle the delay)."""
    r = repl_of(s)
    socket = r.child_target == "socket"
    set_repl(s, child_target="")
    payload: bytes | None = None
    for cid in r.replicas:
        link = link_of(s, cid)
        if link is None:
            continue
        if link.state == SLAVE_STATE_WAIT_BGSAVE_END:
            if not ok:
                drop_replica(s, cid)
                continue
            if payload is None:
                payload = rdb_payload(s, child, socket)
            if link.rdb_only:
                rdb_only_transmitted(s, cid, payload, socket)
                continue
            s.push_to(cid, payload)
            put_replica_online(s, cid, start_on_ack=socket)
    start_pending_fork(s)


def rdb_only_transmitted(s: Step, cid: int, payload: bytes, socket: bool) -> None:
    """``replicaPutOnline`` of a replica that asked for the snapshot alone (``REPLCONF
    rdb-only 1``): ``SLAVE_STATE_RDB_TRANSMITTED``, never online, and closed once the
    snapshot is written (``freeClientAsync``: its ``freeClient`` logs it lost)."""
    c = s.get_client(cid)
    if c is None:
        return
    name = replica_name(c)
    if socket:
        log_in_step(s, "notice", f"Streamed RDB transfer with replica {name} succeeded "
                                 "(socket). Waiting for REPLCONF ACK from slave to enable "
                                 "streaming")
    log_in_step(s, "notice", f"RDB transfer completed, rdb only replica ({name}) should be "
                             "disconnected asap")
    s.put_client(replace(c, reply=c.reply + payload, closing=True))


def put_replica_online(s: Step, cid: int, start_on_ack: bool = False) -> None:
    """``replicaPutOnline`` (+ ``replicaStartCommandStream`` unless it waits for an ACK):
    online, its ACK clock starts now, the stream held for it follows the snapshot."""
    link = link_of(s, cid)
    assert link is not None
    held = link.held
    c = s.get_client(cid)
    name = replica_name(c) if c is not None else f"client id #{cid}"
    if start_on_ack:
        log_in_step(s, "notice", f"Streamed RDB transfer with replica {name} succeeded "
                                 "(socket). Waiting for REPLCONF ACK from slave to enable "
                                 "streaming")
    log_in_step(s, "notice", f"Synchronization with replica {name} succeeded")
    update_link(s, cid, state=SLAVE_STATE_ONLINE, ack_time_ms=s.now_ms,
                start_on_ack=start_on_ack, held=held if start_on_ack else b"")
    if held and not start_on_ack:
        s.push_to(cid, held)
    refresh_good_replicas(s)


# -- the stream to the replicas (beforeSleep) -----------------------------------------------

def feed_replicas(state: ServerState, now_ms: int) -> tuple[ServerState, frozenset[int],
                                                              frozenset[int]]:
    """Hand every replica the stream bytes fed since last time (``ReplState.outbox``): an
    online replica's go to its output, a replica waiting for its snapshot holds them, one
    still waiting for the BGSAVE to start gets none (its stream starts at the BGSAVE).
    A replica over the ``replica`` class's output-buffer limit is dropped. Returns the
    state, the replicas to wake and the replicas to close."""
    r = state.repl
    if not r.outbox:
        return state, frozenset(), frozenset()
    data = b"".join(r.outbox)
    start = r.master_repl_offset - len(data)
    clients = state.clients.mutate()
    wake: set[int] = set()
    closed: set[int] = set()
    cfg = state.config
    for cid in r.replicas:
        c = clients.get(cid)
        if c is None or c.info.repl is None or c.closing:
            continue
        link = c.info.repl
        if link.state == SLAVE_STATE_WAIT_BGSAVE_START or link.rdb_only:
            continue  # canFeedReplicaReplBuffer: not yet, or never (REPLCONF rdb-only 1)
        part = data[link.fed_to - start:] if link.fed_to > start else data
        if not part:
            continue
        if link.state == SLAVE_STATE_ONLINE and not link.start_on_ack:
            reply = c.reply + part
            link = attrs.evolve(link, fed_to=r.master_repl_offset)
            pending = len(reply)
        else:
            reply = c.reply
            link = attrs.evolve(link, fed_to=r.master_repl_offset, held=link.held + part)
            pending = len(reply) + len(link.held)
        reached, since = check_limits(c, pending, now_ms, cfg)
        if reached:
            clients[cid] = replace(c, reply=b"", closing=True, obuf_soft_limit_since=0)
            closed.add(cid)
            continue
        clients[cid] = replace(c, reply=reply, repl=link, obuf_soft_limit_since=since)
        if reply is not c.reply:
            wake.add(cid)
    clients_now = clients.finish()
    state = replace(state, clients=clients_now,
                    repl=attrs.evolve(r, outbox=(),
                                      pins=replica_pins(r, clients_now)))
    if closed:
        state = replace(state, repl=attrs.evolve(
            state.repl, replicas=tuple(x for x in state.repl.replicas if x not in closed)))
    return state, frozenset(wake), frozenset(closed)


def replica_pins(r: ReplState, clients: Any) -> tuple[int, ...]:
    """Each replica's next unsent stream offset (where its ``ref_repl_buf_node`` points), as
    :func:`spec.backlog.trim` reads it (the blocks ending at or after it are kept): an
    online one from the first byte still in its output (its output is taken to be all
    stream), a caught-up one past the end (it pins only the tail, which is never trimmed).
    A replica waiting for its snapshot (or, diskless, for its first ACK) refers to the block
    that holds its first byte, ``initial_offset + 1``: its first feed
    (``feedReplicationBuffer``) takes the tail when the tail has room, else the new block,
    never a full tail — so its pin is one further (redis-server 7.0.15: a replica set up
    when the tail block was exactly full at offset 20440 let that block go,
    ``repl_backlog_first_byte_offset:20441``)."""
    pins: list[int] = []
    end = r.master_repl_offset
    for cid in r.replicas:
        c = clients.get(cid)
        link = c.info.repl if c is not None else None
        if link is None or link.state == SLAVE_STATE_WAIT_BGSAVE_START or link.rdb_only:
            continue
        if link.state != SLAVE_STATE_ONLINE or link.start_on_ack:
            pins.append(link.initial_offset + 2)
        else:
            pins.append(end - len(c.reply) + 1 if c.reply else end + 1)
    return tuple(pins)


def before_sleep_replication(s: Step) -> None:
    """beforeSleep's replication part: ask the replicas for an ACK when a WAIT needs one
    (``REPLCONF GETACK *`` into the stream), then answer the WAITs that now have enough
    acknowledgements (``processClientsWaitingReplicas``)."""
    r = repl_of(s)
    if r.get_ack and not clients_paused(s):  # not during a pause: it would move the offset
        set_repl(s, get_ack=False)
        if feeds_replication(repl_of(s)):  # replicationFeedSlaves: no backlog, no stream
            s.set_part("repl", feed_replication(repl_of(s), [(repl_of(s).slaveseldb,
                                                              REPLCONF_GETACK)]))
    if r.waiting_acks:
        process_clients_waiting_replicas(s)


# -- WAIT -----------------------------------------------------------------------------------

#: ``replicationCountAcksByOffset`` (one rule, in ``spec.blocking``, where WAIT's timeout
#: answers with it too).
count_acks = acks_for_offset


def wait_command(s: Step, argv: list[bytes]) -> Reply:
    """``waitCommand``: the number of replicas that acknowledged this client's last write
    (``c->woff``: the stream offset right after it, set by ``spec.dispatch``); fewer than
    asked blocks the client until
    enough do or the timeout (milliseconds) passes — inside MULTI or a script it answers at
    once. A replica refuses."""
    r = repl_of(s)
    if r.masterhost is not None:
        return Err("ERR WAIT cannot be used with replica instances. Please also note that "
                   "since Redis 4.0 if a replica is configured to be writable (which is not "
                   "the default) writes to replicas are just local and are not propagated.")
    numreplicas = string2ll(argv[1])
    if numreplicas is None:
        return NOT_INTEGER
    ms = string2ll(argv[2])
    if ms is None:
        return Err("ERR timeout is not an integer or out of range")
    if ms < 0:
        return Err("ERR timeout is negative")
    offset = s.client.info.woff
    acked = count_acks(s, offset)
    if acked >= numreplicas or s.in_exec or s.script_run is not None:
        return acked
    set_repl(s, waiting_acks=(s.client.id,) + repl_of(s).waiting_acks, get_ack=True)
    return block_for_keys(s, Blocked("wait", (), s.client.db, s.now_ms + ms if ms else 0,
                                     count=numreplicas, target=b"%d" % offset))


def process_clients_waiting_replicas(s: Step) -> None:
    """``processClientsWaitingReplicas``: each WAIT whose offset enough replicas have
    acknowledged gets the count and is unblocked."""
    r = repl_of(s)
    left: list[int] = []
    for cid in r.waiting_acks:
        c = s.get_client(cid)
        if c is None or c.info.bpop is None or c.info.bpop.cmd != "wait":
            continue
        bp = c.info.bpop
        n = count_acks(s, int(bp.target or b"0"))
        if n >= bp.count:
            s.push_to(cid, b":%d\r\n" % n)
            unblock_client(s, cid)
        else:
            left.append(cid)
    set_repl(s, waiting_acks=tuple(left))


# -- replicationCron, master part -----------------------------------------------------------

def replication_cron_master(s: Step) -> None:
    """``replicationCron``'s master part (once a second): PING the replicas every
    ``repl-ping-replica-period`` runs (into the stream: it moves the offsets), a newline to
    each replica still waiting for a disk snapshot (outside the stream), replicas silent
    for longer than ``repl-timeout`` dropped, the backlog freed after ``repl-backlog-ttl``
    seconds without replicas, a delayed diskless sync started, the good replicas counted."""
    r = repl_of(s)
    cfg = s.config
    now_s = s.now_ms // 1000
    period = max(1, int(cfg.get("repl-ping-replica-period", 10)))
    f = r.failover
    manual_failover = f is not None and bool(f.end_ms) and clients_paused(s)
    if r.replicas and r.cron_loops % period == 0 and r.masterhost is None \
            and not manual_failover:
        # shared.ping: the stream carries it in lower case
        s.set_part("repl", feed_replication(r, [(r.slaveseldb, (b"ping",))]))
    for cid in repl_of(s).replicas:
        link = link_of(s, cid)
        if link is None:
            continue
        presync = link.state == SLAVE_STATE_WAIT_BGSAVE_START or (
            link.state == SLAVE_STATE_WAIT_BGSAVE_END and repl_of(s).child_target != "socket")
        if presync:
            s.push_to(cid, b"\n")
    timeout_s = int(cfg.get("repl-timeout", 60))
    for cid in list(repl_of(s).replicas):
        link = link_of(s, cid)
        if link is None or link.state != SLAVE_STATE_ONLINE or link.pre_psync:
            continue
        if repl_timed_out(s.now_ms, link.ack_time_ms, timeout_s):
            c = s.get_client(cid)
            if c is not None:
                log_in_step(s, "warning", "Disconnecting timedout replica (streaming sync): "
                            f"{replica_name(c)}")
            drop_replica(s, cid)
    r = repl_of(s)
    ttl = int(cfg.get("repl-backlog-ttl", 3600))
    if not r.replicas and ttl and r.backlog is not None and r.masterhost is None:
        if backlog_ttl_expired(now_s, r.no_slaves_since_s, ttl):
            change_replication_id(s)
            clear_replication_id2(s)
            set_repl(s, backlog=None)
            log_in_step(s, "notice", f"Replication backlog freed after {ttl} seconds without "
                                     "connected replicas.")
    start_pending_fork(s)
    refresh_good_replicas(s)
    set_repl(s, cron_loops=repl_of(s).cron_loops + 1)


def repl_timed_out(now_ms: int, last_ms: int, timeout_s: int) -> bool:
    """``repl-timeout`` (``replicationCron``, both sides): a link silent for more than
    ``repl-timeout`` seconds — a replica's last ``REPLCONF ACK`` (``repl_ack_time``) on the
    master; the connect, handshake or transfer (``repl_transfer_lastio``) or the connected
    master's last interaction (``master->lastinteraction``) on the replica. Whole seconds,
    as Redis: the stamps hold ``server.unixtime`` and the cron compares ``now - stamp >
    repl_timeout`` in seconds, so a master last heard at 10.000 s is kept by a cron at
    70.999 s with a timeout of 60 and dropped by one at 71.000 s."""
    return now_ms // 1000 - last_ms // 1000 > timeout_s


def backlog_ttl_expired(now_s: int, no_slaves_since_s: int, ttl_s: int) -> bool:
    """``repl-backlog-ttl`` (``replicationCron``): a master without replicas for more than
    ``repl-backlog-ttl`` seconds (``server.unixtime - repl_no_slaves_since > ttl``) frees its
    backlog."""
    return now_s - no_slaves_since_s > ttl_s


def sync_delay_elapsed(max_idle_s: int, delay_s: int) -> bool:
    """``repl-diskless-sync-delay`` (``replicationStartPendingFork``): the longest waiting
    replica has been idle at least the delay (``max_idle >= repl_diskless_sync_delay``, whole
    seconds of ``server.unixtime - lastinteraction``)."""
    return max_idle_s >= delay_s


def start_pending_fork(s: Step) -> None:
    """``replicationStartPendingFork``: with no child running, replicas waiting for a
    BGSAVE start one once the longest waiting has been idle ``repl-diskless-sync-delay``
    seconds, or ``repl-diskless-sync-max-replicas`` of them wait."""
    if s.part("persist").child is not None or s.part("aof").child is not None:
        return
    waiting: list[tuple[int, ReplicaLink]] = []
    for cid in repl_of(s).replicas:
        link = link_of(s, cid)
        if link is not None and link.state == SLAVE_STATE_WAIT_BGSAVE_START:
            waiting.append((cid, link))
    if not waiting:
        return
    now_s = s.now_ms // 1000
    max_idle = 0
    for cid, _ in waiting:
        c = s.get_client(cid)
        if c is not None:
            max_idle = max(max_idle, now_s - c.io.last_interaction_ms // 1000)
    delay = int(s.config.get("repl-diskless-sync-delay", 5))
    most = int(s.config.get("repl-diskless-sync-max-replicas", 0))
    if not s.config.get("repl-diskless-sync", True) or sync_delay_elapsed(max_idle, delay) \
            or (most and len(waiting) >= most):
        mincapa = waiting[0][1].capa
        for _, link in waiting[1:]:
            mincapa = mincapa & link.capa
        start_bgsave_for_replication(s, mincapa)


def refresh_good_replicas(s: Step) -> None:
    """``refreshGoodSlavesCount``: online replicas whose last ACK is at most
    ``min-replicas-max-lag`` seconds old (only counted when both min-replicas settings are
    on)."""
    cfg = s.config
    lag = int(cfg.get("min-replicas-max-lag", 10))
    if not lag or not int(cfg.get("min-replicas-to-write", 0)):
        return
    now_s = s.now_ms // 1000
    good = 0
    for cid in repl_of(s).replicas:
        link = link_of(s, cid)
        if link is not None and link.state == SLAVE_STATE_ONLINE \
                and now_s - link.ack_time_ms // 1000 <= lag:
            good += 1
    set_repl(s, good_replicas=good)


def replica_freed(state: ServerState, c: Client, now_ms: int) -> ServerState:
    """``freeClient`` of a replica: it leaves ``server.slaves`` (the last one starts the
    backlog's time to live), and of a WAIT client: it leaves the waiting list."""
    r = state.repl
    if c.id in r.replicas:
        state = server_log(state, "warning", f"Connection with replica {replica_name(c)} lost.")
        reps = tuple(x for x in r.replicas if x != c.id)
        r = attrs.evolve(r, replicas=reps,
                         no_slaves_since_s=now_ms // 1000 if not reps else r.no_slaves_since_s)
    if c.id in r.waiting_acks:
        r = attrs.evolve(r, waiting_acks=tuple(x for x in r.waiting_acks if x != c.id))
    return state if r is state.repl else replace(state, repl=r)


def master_disconnected(state: ServerState, c: Client, now_ms: int) -> ServerState:
    """``replicationHandleMasterDisconnection`` when the master client is freed: the master
    is cached for a PSYNC (its replid and applied offset), the link is down since now, and
    the cron reconnects."""
    r = state.repl
    if r.master_client != c.id:
        return state
    cached = (r.replid, r.master_reploff, c.info.db, c.id) if r.masterhost is not None else None
    state = server_log(state, "warning", "Connection with master lost.")
    if cached is not None:
        state = server_log(state, "notice", "Caching the disconnected master state.")
    # 7.0.15 reconnects at once ("Reconnecting to MASTER"); here the next replicationCron
    # does, up to a second later (replication.md, "not modelled")
    return replace(state, repl=attrs.evolve(
        r, master_client=None, cached_master=cached,
        link_state=REPL_STATE_CONNECT if r.masterhost is not None else r.link_state,
        down_since_s=now_ms // 1000))


# -- the gates of processCommand ------------------------------------------------------------

def no_replicas(s: Step) -> bool:
    """The NOREPLICAS gate: a master with ``min-replicas-to-write`` and
    ``min-replicas-max-lag`` set and fewer good replicas than required."""
    cfg = s.config
    need = int(cfg.get("min-replicas-to-write", 0))
    if not need or not int(cfg.get("min-replicas-max-lag", 10)):
        return False
    r = repl_of(s)
    return r.masterhost is None and r.good_replicas < need


def read_only_replica(s: Step) -> bool:
    """The READONLY gate: a replica with ``replica-read-only`` refuses writes from anyone
    but its master."""
    r = repl_of(s)
    return (r.masterhost is not None and bool(s.config.get("replica-read-only", True))
            and not is_master_client(s.client))


def master_down(s: Step) -> bool:
    """The MASTERDOWN gate: a replica whose link is not up, with
    ``replica-serve-stale-data no``."""
    r = repl_of(s)
    return (r.masterhost is not None and r.link_state != REPL_STATE_CONNECTED
            and not s.config.get("replica-serve-stale-data", True))


# -- REPLICAOF ------------------------------------------------------------------------------

def disconnect_replicas(s: Step) -> None:
    """``disconnectSlaves``: every replica is closed (they reconnect and PSYNC)."""
    for cid in list(repl_of(s).replicas):
        drop_replica(s, cid)


def cache_master_using_myself(s: Step) -> None:
    """``replicationCacheMasterUsingMyself``: a master turned replica PSYNCs with its own
    history, from its own offset. The cached master is a client made for it
    (``createClient(NULL)``), so it takes the next client id (7.0.15: a connection after
    REPLICAOF on a master gets an id one higher than without it)."""
    r = repl_of(s)
    cid = s.next_client_id
    s.next_client_id = cid + 1
    set_repl(s, cached_master=(r.replid, r.master_repl_offset, 0, cid))


def set_master(s: Step, host: str, port: int) -> None:
    """``replicationSetMaster``: drop the current master link (its state cached for a
    PSYNC), keep the replicas (they may PSYNC later), remember our own history to PSYNC
    with when we were a master, and start connecting (the world connects:
    ``spec.replica``). Clients blocked on keys are unblocked with an error (``disconnectAllBlockedClients``)."""
    r = repl_of(s)
    was_master = r.masterhost is None
    if r.master_client is not None:
        close_master_client(s, cache=True)
    unblock_all_blocked(s)
    cancel_handshake(s)
    if was_master:
        set_repl(s, cached_master=None)
        cache_master_using_myself(s)
    set_repl(s, masterhost=host, masterport=port, link_state=REPL_STATE_CONNECT)
    connect_with_master(s)


def unset_master(s: Step) -> None:
    """``replicationUnsetMaster`` (REPLICAOF NO ONE): the master link goes, the cached
    master is discarded, the inherited history becomes the second id (valid up to now) and
    a new one begins, the replicas are disconnected to learn it, and the next stream
    command re-selects its db."""
    r = repl_of(s)
    if r.masterhost is None:
        return
    if r.master_client is not None:
        close_master_client(s)
    cancel_handshake(s)
    set_repl(s, masterhost=None, masterport=0, cached_master=None)
    shift_replication_id(s)
    disconnect_replicas(s)
    set_repl(s, link_state=REPL_STATE_NONE, slaveseldb=-1,
             no_slaves_since_s=s.now_ms // 1000, down_since_s=0)


def close_master_client(s: Step, cache: bool = False) -> None:
    """``freeClient(server.master)`` from a command: the master client is closed; with
    ``cache`` its history and applied offset are kept for a PSYNC
    (``replicationCacheMaster``: a replica switching masters, PSYNC2)."""
    r = repl_of(s)
    cid = r.master_client
    if cid is None:
        return
    c = s.get_client(cid)
    db = 0
    if c is not None:
        db = c.info.db
        s.put_client(replace(c, closing=True, flags=c.flags - {"master"}))
        s.close.add(cid)
    set_repl(s, master_client=None,
             cached_master=(r.replid, r.master_reploff, db, cid) if cache else r.cached_master)


def unblock_all_blocked(s: Step) -> None:
    """``disconnectAllBlockedClients``: every client blocked on keys gets
    ``-UNBLOCKED`` and is unblocked."""
    for c in s.all_clients():
        bp = c.info.bpop
        if bp is None or bp.cmd in ("wait", "postpone"):
            continue
        s.push_to(c.id, b"-UNBLOCKED force unblock from blocking operation, instance state "
                        b"changed (master -> replica?)\r\n")
        unblock_client(s, c.id)


def cancel_handshake(s: Step) -> None:
    """``cancelReplicationHandshake``: an ongoing connection, handshake or transfer is
    abandoned (the world closes the link)."""
    r = repl_of(s)
    if r.link_state in (REPL_STATE_NONE, REPL_STATE_CONNECT, REPL_STATE_CONNECTED):
        return
    set_repl(s, link_state=REPL_STATE_CONNECT, link_buf=b"", link_expect=(),
             transfer_size=-1, transfer_chunks=(), transfer_read=0,
             ops=r.ops + (("close",),))


def connect_with_master(s: Step) -> None:
    """``connectWithMaster``: the world opens a connection to the master; its outcome comes
    back as an input (``spec.replica.link_connected``)."""
    r = repl_of(s)
    log_in_step(s, "notice", f"Connecting to MASTER {r.masterhost}:{r.masterport}")
    log_in_step(s, "notice", "MASTER <-> REPLICA sync started")
    set_repl(s, link_state=REPL_STATE_CONNECTING, transfer_lastio_ms=s.now_ms,
             ops=r.ops + (("connect", r.masterhost, r.masterport),))


# -- ROLE and INFO --------------------------------------------------------------------------

_LINK_NAMES = {REPL_STATE_NONE: "none", REPL_STATE_CONNECT: "connect",
               REPL_STATE_CONNECTING: "connecting", REPL_STATE_TRANSFER: "sync",
               REPL_STATE_CONNECTED: "connected"}


def role_reply(s: Step) -> Reply:
    """``roleCommand``: ``master``, the offset and each replica's ip, port and acked
    offset; or ``slave``, the master's host and port, the link's state and the offset
    applied (-1 before the first sync)."""
    r = repl_of(s)
    s.propagate_now()
    r = repl_of(s)
    if r.masterhost is None:
        reps: list[Reply] = []
        for cid in r.replicas:
            c = s.get_client(cid)
            link = c.info.repl if c is not None else None
            if c is None or link is None or link.state != SLAVE_STATE_ONLINE:
                continue
            reps.append([replica_ip(c).encode(), b"%d" % link.listening_port,
                         b"%d" % link.ack_off])
        return [b"master", r.master_repl_offset, reps]
    state = _LINK_NAMES.get(r.link_state, "handshake")
    off = r.master_reploff if r.master_client is not None else -1
    return [b"slave", (r.masterhost or "").encode(), r.masterport, state.encode(), off]


def replica_name(c: Client) -> str:
    """``replicationGetSlaveName``: the replica's address and listening port as the master's
    log lines name it (``[ip]:port`` for IPv6; ``<unknown-replica-port>`` before REPLCONF
    listening-port; ``client id #N`` without an address)."""
    link = c.info.repl
    addr = replica_ip(c)
    if not addr:
        return f"client id #{c.id}"
    port = link.listening_port if link is not None else 0
    if not port:
        return f"{addr}:<unknown-replica-port>"
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def replica_ip(c: Client) -> str:
    """The replica's address as its master reports it: the announced ``ip-address``, else
    the connection's peer address as ``connPeerToString`` gives it, an IPv6 one without the
    brackets of the client's ``addr`` (redis-server 7.0.15: ``slave0:ip=::1``, "Replica
    [::1]:6380 asks for synchronization")."""
    link = c.info.repl
    if link is not None and link.ip:
        return link.ip
    host = c.info.addr.rsplit(":", 1)[0]
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def info_replication(s: Step) -> list[tuple[str, Any]]:
    """INFO's replication section, in 7.0.15's order and with its conditional fields."""
    s.propagate_now()
    r = repl_of(s)
    cfg = s.config
    now_s = s.now_ms // 1000
    out: list[tuple[str, Any]] = []
    if r.masterhost is None:
        out.append(("role", "master"))
    else:
        out.append(("role", "slave"))
        up = r.link_state == REPL_STATE_CONNECTED
        out += [("master_host", r.masterhost), ("master_port", r.masterport),
                ("master_link_status", "up" if up else "down")]
        mc = s.get_client(r.master_client) if r.master_client is not None else None
        last_io = (now_s - mc.io.last_interaction_ms // 1000) if mc is not None else -1
        if mc is not None:
            applied, read = r.master_reploff, r.master_read_reploff
        elif r.cached_master is not None:
            applied = read = r.cached_master[1]
        else:
            applied = read = 1
        syncing = r.link_state == REPL_STATE_TRANSFER
        out += [("master_last_io_seconds_ago", last_io),
                ("master_sync_in_progress", int(syncing)),
                ("slave_read_repl_offset", read), ("slave_repl_offset", applied)]
        if syncing:
            size = r.transfer_size
            out += [("master_sync_total_bytes", size),
                    ("master_sync_read_bytes", r.transfer_read),
                    ("master_sync_left_bytes", size - r.transfer_read),
                    ("master_sync_perc", "%.2f" % (r.transfer_read / size * 100
                                                   if size else 0.0)),
                    ("master_sync_last_io_seconds_ago",
                     now_s - r.transfer_lastio_ms // 1000)]
        if not up:
            out.append(("master_link_down_since_seconds",
                        now_s - r.down_since_s if r.down_since_s else -1))
        out += [("slave_priority", cfg.get("replica-priority", 100)),
                ("slave_read_only", int(bool(cfg.get("replica-read-only", True)))),
                ("replica_announced", int(bool(cfg.get("replica-announced", True))))]
    online = [cid for cid in r.replicas]
    out.append(("connected_slaves", len(online)))
    if int(cfg.get("min-replicas-to-write", 0)) and int(cfg.get("min-replicas-max-lag", 10)):
        out.append(("min_slaves_good_slaves", r.good_replicas))
    for i, cid in enumerate(online):
        c = s.get_client(cid)
        if c is None or c.info.repl is None:
            continue
        link = c.info.repl
        lag = now_s - link.ack_time_ms // 1000
        out.append((f"slave{i}", f"ip={replica_ip(c)},port={link.listening_port},"
                    f"state={replica_state_name(link.state)},offset={link.ack_off},lag={lag}"))
    b = r.backlog
    out += [("master_failover_state", failover_state_name(r.failover)),
            ("master_replid", r.replid),
            ("master_replid2", r.replid2), ("master_repl_offset", r.master_repl_offset),
            ("second_repl_offset", r.second_replid_offset),
            ("repl_backlog_active", int(b is not None)),
            ("repl_backlog_size", cfg.get("repl-backlog-size", 1 << 20)),
            ("repl_backlog_first_byte_offset", b.offset if b is not None else 0),
            ("repl_backlog_histlen", b.histlen if b is not None else 0)]
    return out
