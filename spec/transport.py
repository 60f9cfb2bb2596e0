"""The transport between commands and sockets: CLIENT REPLY, MONITOR, CLIENT PAUSE and the
write cap of one write event (Redis 7.0.15, ``networking.c`` / ``server.c``).

- CLIENT REPLY (``CLIENT_REPLY_OFF``, ``CLIENT_REPLY_SKIP_NEXT``, ``CLIENT_REPLY_SKIP``): a
  client whose flags say OFF or SKIP gets no reply bytes (``prepareClientToWrite`` refuses);
  ``resetClient`` after each command drops SKIP and turns SKIP_NEXT into SKIP, so SKIP
  silences exactly the next command. Pub/Sub (un)subscribe confirmations and messages are
  pushed regardless (``CLIENT_PUSHING``). Error statistics count suppressed errors too.
- MONITOR (``server.monitors``, ``replicationFeedMonitors``): after a command ran (``call``),
  unless it is an admin or skip-monitor command, every monitor gets a status line
  ``+<secs>.<usecs> [<db> <addr>] "ARG" ...`` with each argument quoted as ``sdscatrepr``
  does and AUTH / HELLO AUTH secrets as ``(redacted)``. A monitor is a replica for the
  client-type rules: it may not touch the keyspace and is never paused.
- CLIENT PAUSE (``pauseClients``, ``blockClient(c, BLOCKED_POSTPONE)``): while a pause is on,
  a non-replica client's command (ALL), or its write / may-replicate command (WRITE, with EXEC
  counted by its queued commands), is postponed: the client blocks with the command left in
  its query buffer. When the pause ends (CLIENT UNPAUSE, or its end time passed:
  ``checkClientPauseTimeoutAndReturnIfPaused``) the postponed clients are unblocked in order
  and run their query buffers (``unblockPostponedClients`` → ``processUnblockedClients``).
  A postponed client is a blocked client (``CLIENT_BLOCKED``: CLIENT LIST ``b``, counted in
  INFO ``blocked_clients``, with no deadline). While a pause is on the dataset stays as it is
  (``checkClientPauseTimeoutAndReturnIfPaused``, both WRITE and ALL): a lookup reports an
  expired key as missing without deleting it (``expireIfNeeded``), the active expire cycle and
  eviction do nothing; a pause found timed out there ends first (:func:`clients_paused`).
- ``NET_MAX_WRITES_PER_EVENT``: one write event writes at most 64 KiB to a client
  (``writeToClient``), unless the server is over ``maxmemory``.
"""

from __future__ import annotations

from typing import Any

from .config import lookup_param
from .pause import PAUSE_FOREVER, clients_paused, pause_clients, unpause, update_pause
from .reply import Raw, Reply
from .resp import sdscatrepr as repr_arg
from .state import Blocked, Client, ServerState, TransportState, replace
from .step import Step
from .table import CommandSpec

__all__ = [
    "NET_MAX_WRITES_PER_EVENT", "PAUSE_WRITE", "PAUSE_ALL", "POSTPONE", "NO_REPLY",
    "transport_of", "repr_arg", "redacted_argv", "monitor_line", "feed_monitors", "after_command",
    "pause_gate", "replica_keyspace_gate", "pause_clients", "unpause", "leave_on_free",
    "next_pause_deadline", "write_cap", "reply_suppressed", "reply_kept", "EXEC_PIECES",
    "own_monitor_line", "clients_paused", "end_pause",
]

#: ``NET_MAX_WRITES_PER_EVENT``: bytes one write event may write to one client.
NET_MAX_WRITES_PER_EVENT = 1024 * 64
PAUSE_WRITE, PAUSE_ALL = 1, 2
#: ``Blocked.cmd`` of a client blocked with ``BLOCKED_POSTPONE``.
POSTPONE = "postpone"
#: A reply that sends nothing (CLIENT REPLY OFF / SKIP, MONITOR of a monitor).
NO_REPLY = Raw(b"")
#: Commands flagged ``CMD_MAY_REPLICATE`` in 7.0 (not shown by COMMAND INFO).
MAY_REPLICATE = frozenset(("publish", "spublish", "pfcount", "eval", "evalsha", "eval_ro",
                           "evalsha_ro", "fcall", "fcall_ro"))
#: Replies sent with ``CLIENT_PUSHING`` (they ignore CLIENT REPLY OFF / SKIP).
PUSHING = frozenset(("subscribe", "ssubscribe", "psubscribe", "unsubscribe", "sunsubscribe",
                     "punsubscribe"))


def transport_of(s: Step) -> TransportState:
    """The transport state as it is now in this transition."""
    t: TransportState = s.part("transport")
    return t


# -- MONITOR ---------------------------------------------------------------------------------

def redacted_argv(argv: list[bytes]) -> list[bytes]:
    """``redactClientCommandArgument``: AUTH's arguments, HELLO's AUTH user and password,
    CONFIG SET's values of sensitive parameters, MIGRATE's credentials."""
    name = argv[0].lower()
    if name == b"config":
        return _redacted_config_set(argv)
    if name == b"auth":
        return [argv[0]] + [b"(redacted)"] * (len(argv) - 1)
    if name == b"hello":
        out = list(argv)
        j = 2
        while j < len(out):
            opt = out[j].lower()
            if opt == b"auth" and j + 2 < len(out):
                out[j + 1] = out[j + 2] = b"(redacted)"
                j += 3
            elif opt == b"setname" and j + 1 < len(out):
                j += 2
            else:
                break
        return out
    if name == b"migrate":
        return _redacted_migrate(argv)
    return argv


def _redacted_config_set(argv: list[bytes]) -> list[bytes]:
    """``configSetCommand``: with an even argument count it walks every name-value pair
    before any other check, and redacts the value of each ``SENSITIVE_CONFIG`` parameter
    (masteruser, masterauth, requirepass; any case, even when the command then fails)."""
    if len(argv) < 4 or argv[1].lower() != b"set" or len(argv) % 2:
        return argv
    out = list(argv)
    for j in range(2, len(out), 2):
        hit = lookup_param(out[j].decode("utf-8", "surrogateescape"))
        if hit is not None and hit[1].sensitive:
            out[j + 1] = b"(redacted)"
    return out


def _redacted_migrate(argv: list[bytes]) -> list[bytes]:
    """MIGRATE's AUTH password and AUTH2 username and password, as ``migrateCommand``'s
    option parsing redacts them (up to the first option it stops at)."""
    out = list(argv)
    j = 6
    while j < len(out):
        opt = out[j].lower()
        if opt == b"auth" and j + 1 < len(out):
            out[j + 1] = b"(redacted)"
            j += 2
        elif opt == b"auth2" and j + 2 < len(out):
            out[j + 1] = out[j + 2] = b"(redacted)"
            j += 3
        elif opt in (b"copy", b"replace"):
            j += 1
        else:
            break
    return out


def monitor_line(now_ms: int, db: int, addr: str, argv: list[bytes]) -> bytes:
    """The status line ``replicationFeedMonitors`` sends for one command."""
    head = b"+%d.%06d [%d %s] " % (now_ms // 1000, (now_ms % 1000) * 1000, db,
                                    addr.encode("utf-8", "surrogateescape"))
    return head + b" ".join(repr_arg(a) for a in redacted_argv(argv)) + b"\r\n"


def reply_suppressed(c: Client) -> bool:
    """``prepareClientToWrite`` refuses: CLIENT REPLY OFF, or the command SKIP silences."""
    f = c.info.flags
    return bool(f) and ("reply_off" in f or "reply_skip" in f or "master" in f)


def reply_kept(c: Client, cmd: CommandSpec, frame: bytes) -> bool:
    """Whether the reply ``frame`` a command just produced (it ran: ``call``) reaches the
    client: ``prepareClientToWrite`` with the client's flags as they are now, except that
    (un)subscribe confirmations go out regardless (``CLIENT_PUSHING``)."""
    f = c.info.flags
    if not f or ("reply_off" not in f and "reply_skip" not in f):
        return True
    return cmd.name in PUSHING and frame[:1] != b"-"


#: Transient client flag set by EXEC when its reply was already kept or dropped piece by
#: piece (header, then each queued command's reply and MONITOR line, as Redis's ``addReply*``
#: calls check the flags in force at each moment): :func:`after_command` must not drop the
#: whole of it by the flags in force at the end. Never seen outside one command.
EXEC_PIECES = "exec_pieces"


def feed_monitors(s: Step, cmd: CommandSpec, argv: list[bytes]) -> None:
    """``call`` → ``replicationFeedMonitors``: the monitors other than the running client get
    the line now (the running client's own line: :func:`own_monitor_line`)."""
    t = transport_of(s)
    if not t.monitors or "admin" in cmd.flags or "skip_monitor" in cmd.flags:
        return
    me = s.client.id
    line = None
    for mid in t.monitors:
        if mid == me:
            continue
        m = s.clients.get(mid)
        if m is None or m.closing or reply_suppressed(m):
            continue
        if line is None:
            line = monitor_line(s.now_ms, s.db.id, s.client.addr, argv)
        s.push_to(mid, line)


def own_monitor_line(s: Step, cmd: CommandSpec, argv: list[bytes]) -> bytes:
    """``replicationFeedMonitors`` for the running client itself when it is a monitor: the
    line is added to its own output right after the command's reply (in ``call``), so it is
    kept only if the client's reply flags allow a reply at that moment. Empty otherwise."""
    c = s.client
    f = c.info.flags
    if (not f or "monitor" not in f or "reply_off" in f or "reply_skip" in f
            or "admin" in cmd.flags or "skip_monitor" in cmd.flags):
        return b""
    return monitor_line(s.now_ms, s.db.id, c.addr, argv)


def after_command(s: Step, argv: list[bytes], frame: bytes, called: bool) -> bytes:
    """What the running client gets for one command once its flags are involved: the reply
    kept or dropped by CLIENT REPLY (:func:`reply_kept`; a queued command's QUEUED and a
    refusal by the flags alone), its own MONITOR line after the reply, then ``resetClient``'s
    SKIP bookkeeping. An EXEC that ran its queue already decided piece by piece
    (:data:`EXEC_PIECES`). Only called when the client has flags."""
    c = s.client
    f = nf = c.info.flags
    cmd = s.cmd
    if EXEC_PIECES in f:
        nf = f - {EXEC_PIECES}
    elif "reply_off" in f or "reply_skip" in f:
        if not (called and cmd is not None and reply_kept(c, cmd, frame)):
            frame = b""
    if called and cmd is not None and "monitor" in f:
        frame += own_monitor_line(s, cmd, argv)
    if "reply_skip" in f or "reply_skip_next" in f:
        nf = nf - {"reply_skip", "reply_skip_next"}
        if "reply_skip_next" in f:
            nf = nf | {"reply_skip"}
    if nf is not f:
        s.update_client(flags=nf)
    if "master" in f:  # a replica's master: its commands are obeyed, never answered
        return b""
    return frame


def start_monitor(s: Step) -> Any:
    """MONITOR: the client becomes a monitor (flags ``replica`` + ``monitor``: CLIENT LIST
    ``O``); a client that already is one gets no reply."""
    c = s.client
    if "replica" in c.flags:
        return NO_REPLY
    s.update_client(flags=c.flags | {"replica", "monitor"})
    t = transport_of(s)
    s.set_part("transport", replace(t, monitors=t.monitors + (c.id,)))
    return None


def stop_monitor(s: Step) -> None:
    """RESET (``clearClientConnectionState``): leave MONITOR mode; CLIENT REPLY OFF and a
    pending SKIP cleared (a SKIP already in force still silences RESET's own reply)."""
    c = s.client
    f = c.flags
    if "reply_off" in f or "reply_skip_next" in f or "monitor" in f:
        s.update_client(flags=f - {"reply_off", "reply_skip_next", "monitor", "replica"})
    if "monitor" in f:
        t = transport_of(s)
        s.set_part("transport", replace(t, monitors=tuple(m for m in t.monitors if m != c.id)))


# -- CLIENT PAUSE ----------------------------------------------------------------------------

def replica_keyspace_gate(s: Step, cmd: CommandSpec) -> bool:
    """``processCommand``: a replica (a MONITOR here) may not run commands that read, write
    or may replicate ("Replica can't interact with the keyspace")."""
    fl = cmd.flags
    return ("write" in fl or "readonly" in fl or cmd.name in MAY_REPLICATE)


def _may_replicate(s: Step, cmd: CommandSpec) -> bool:
    if "write" in cmd.flags or cmd.name in MAY_REPLICATE:
        return True
    if cmd.name == "exec":
        for qcmd, _ in s.client.info.mstate:
            if "write" in qcmd.flags or qcmd.name in MAY_REPLICATE:
                return True
    return False


def pause_gate(s: Step, t: TransportState, cmd: CommandSpec) -> Reply:
    """The CLIENT PAUSE gate of ``processCommand``: None to go on, or :data:`NO_REPLY` after
    postponing the client (``blockClient(c, BLOCKED_POSTPONE)``)."""
    c = s.client
    if "replica" in c.info.flags:
        return None
    if t.pause_type == PAUSE_WRITE and not _may_replicate(s, cmd):
        return None
    s.update_client(bpop=Blocked(POSTPONE, (), c.info.db), flags=c.info.flags | {"blocked"})
    s.set_part("transport", replace(t, postponed=t.postponed + (c.id,)))
    b = s.part("blocking")  # server.blocked_clients; no timeout (not in the timeout table)
    s.set_part("blocking", replace(b, clients=b.clients.set(c.id, 0)))
    return NO_REPLY


def end_pause(state: ServerState, now_ms: int) -> ServerState:
    """``unpauseClients`` outside a command (a pause found timed out by the active expire
    cycle): the pause is off and its postponed clients wait in ``blocking.unblocked`` for
    ``processUnblockedClients``."""
    s = Step(state, now_ms)
    update_pause(s, state.transport.pause_end_ms)
    return s.commit()


def next_pause_deadline(state: ServerState) -> int | None:
    """The current pause's end time (unix ms), None when nothing is paused. Like a blocked
    client's deadline (``next_deadline``) it is the last millisecond still in force: the pause
    times out one millisecond later (``pause_timed_out``), when the reference server's timer
    fires. A pause that lasts until it is ended (FAILOVER's) has none."""
    t = state.transport
    return t.pause_end_ms if t.pause_type and t.pause_end_ms != PAUSE_FOREVER else None


def write_cap(state: ServerState, capacity: int | None) -> int | None:
    """``writeToClient``'s budget for one write event: at most ``NET_MAX_WRITES_PER_EVENT``
    bytes (and at most what the socket takes), unless used memory has reached ``maxmemory``
    (then as much as the socket takes: 7.0.15 stops at the cap only while
    ``zmalloc_used_memory() < server.maxmemory``)."""
    maxmem = state.config.get("maxmemory", 0)
    if maxmem:
        used = sum(getattr(db, "mem", 0) for db in state.dbs)
        if used >= maxmem:
            return capacity
    if capacity is None or capacity > NET_MAX_WRITES_PER_EVENT:
        return NET_MAX_WRITES_PER_EVENT
    return capacity


def leave_on_free(state: ServerState, c: Client) -> ServerState:
    """``freeClient``: a monitor leaves ``server.monitors``; a postponed client leaves
    ``server.postponed_clients``."""
    t = state.transport
    if c.id in t.monitors or c.id in t.postponed:
        t = replace(t, monitors=tuple(m for m in t.monitors if m != c.id),
                    postponed=tuple(p for p in t.postponed if p != c.id))
        state = replace(state, transport=t)
    return state

