"""Metadata-driven command dispatch: Redis's ``processCommand`` and ``call``, and EXEC, the
one command that runs other commands through ``call`` (``execCommand``).

``process_command`` is one ordered checklist. Each gate either lets the command through or
produces the exact reply Redis gives and stops. Gates whose mechanism is not built yet are
listed, in Redis's order, with the issue that brings them (see docs/mechanisms/dispatch.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from mypy_extensions import mypyc_attr

from .acl import (
    ACL_OK,
    DENIED_CHANNEL,
    DENIED_CMD,
    DENIED_KEY,
    auth_required,
    check_all_perm,
    log_denial,
)
from .aof import writes_denied_by_aof_error
from .commands import command, command_table
from .commands.introspection import get_keys
from .commands.transactions import EXEC_WITHOUT_MULTI, EXECABORT
from .cstr import c_text
from .errors import wrong_arity
from .evict import EVICT_FAIL, perform_evictions
from .handle_blocked import handle_clients_blocked_on_keys, propagate_pending_commands
from .latency import latency_add_sample
from .loading import LOADING_ERR_TEXT
from .multi import discard_transaction, flag_transaction, queue_command
from .persist import MISCONF_ERR, writes_denied_by_disk_error
from .replication import (
    MASTERDOWN,
    NOREPLICAS,
    READONLY,
    master_down,
    no_replicas,
    read_only_replica,
)
from .reply import NULL_ARRAY, QUEUED, Err, Raw, Reply, encode2, encode3
from .slowlog import SLOWLOG_TRIMS, slowlog_after_call
from .step import Step
from .table import CommandSpec
from .tracking import remember_keys
from .transport import (
    EXEC_PIECES,
    feed_monitors,
    own_monitor_line,
    pause_gate,
    replica_keyspace_gate,
    reply_kept,
    reply_suppressed,
)
from .watch import is_watched_key_expired, unwatch_all

__all__ = ["TABLE", "lookup_command", "process_command", "call", "exec_", "FLAG_GETTERS",
           "command_flags", "ErrCounted"]


def lookup_command(argv: list[bytes]) -> CommandSpec | None:
    """``lookupCommand``: the command, or for a container with arguments, its subcommand."""
    name = argv[0]
    cmd = TABLE.get(name)
    if cmd is None:
        cmd = TABLE.get(name.lower())
        if cmd is None:
            return None
    if cmd.subcommands and len(argv) > 1:
        return cmd.subcommands.get(argv[1].lower())
    return cmd


#: ``getCommandFlags``'s per-command getters: EVAL and FCALL take the flags their script or
#: function declares (registered by ``spec.scripting`` and ``spec.functions``); a getter
#: gets the step, the argv and the command's own flags.
FLAG_GETTERS: dict[str, Callable[[Step, list[bytes], frozenset[str]], frozenset[str]]] = {}


def command_flags(s: Step, cmd: CommandSpec, argv: list[bytes]) -> frozenset[str]:
    """``getCommandFlags``: the flags the gates of ``processCommand`` see for this call."""
    getter = FLAG_GETTERS.get(cmd.name)
    return cmd.flags if getter is None else getter(s, argv, cmd.flags)


def unknown_command_error(argv: list[bytes]) -> Err:
    """The reply to a name that is not a command, or a container's unknown subcommand."""
    base = TABLE.get(argv[0].lower())
    if base is not None and base.subcommands:
        return Err(
            f"ERR unknown subcommand '{c_text(argv[1], 128)}'. "
            f"Try {c_text(argv[0], 1 << 30).upper()} HELP."
        )
    args = ""
    for a in argv[1:]:
        if len(args.encode("utf-8", "surrogateescape")) >= 128:
            break
        room = 128 - len(args.encode("utf-8", "surrogateescape"))
        args += f"'{c_text(a, room)}' "
    return Err(
        f"ERR unknown command '{c_text(argv[0], 128)}', with args beginning with: {args}"
    )


def reject(s: Step, cmd: CommandSpec | None, err: Err) -> Err:
    """``rejectCommand``: the command is refused before running (counts ``rejected_calls``)."""
    if cmd is not None:
        calls = s.cmd_calls.get(cmd.name)
        if calls is None:
            s.cmd_calls[cmd.name] = [0, 1, 0]
        else:
            calls[1] += 1
    if s.client.info.multi >= 0:
        flag_transaction(s)
    if cmd is not None and cmd.name == "exec":
        return exec_abort(s, err)
    return err


def exec_abort(s: Step, err: Err) -> Err:
    """``execCommandAbort``: EXEC itself was refused by a gate; the transaction (if any) and
    the WATCHes are dropped and the refusal is reported as EXECABORT (an ``ERR`` refusal
    loses its code: Redis formats those messages without it)."""
    discard_transaction(s)
    msg = err[4:] if err.startswith("ERR ") else str(err)
    return Err("EXECABORT Transaction discarded because of: " + msg)


def _protected_error(command: str, option: str) -> Err:
    """The refusal of a protected command that its ``enable-*-command`` option does not allow."""
    return Err(
        f"ERR {command} command not allowed. If the {option} option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.")


DEBUG_NOT_ALLOWED = _protected_error("DEBUG", "enable-debug-command")
MODULE_NOT_ALLOWED = _protected_error("MODULE", "enable-module-command")

#: ``CMD_PROTECTED`` commands: full name -> (the option that allows them, the refusal).
PROTECTED = {
    "debug": ("enable-debug-command", DEBUG_NOT_ALLOWED),
    "module|load": ("enable-module-command", MODULE_NOT_ALLOWED),
    "module|loadex": ("enable-module-command", MODULE_NOT_ALLOWED),
    "module|unload": ("enable-module-command", MODULE_NOT_ALLOWED),
}


def _protected_allowed(s: Step, option: str) -> bool:
    """``allowProtectedAction(option, c)``: "yes", or "local" for a client on a loopback
    address or a unix socket."""
    mode = s.config.get(option, "no")
    if mode == "yes":
        return True
    a = s.client.addr
    return mode == "local" and (a.startswith("127.") or a.startswith("::1")
                                or a.startswith("[::1]") or a.startswith("/"))


def process_command(s: Step, argv: list[bytes]) -> Reply:
    """``processCommand``: look the command up, run the gates in order, then ``call`` it.

    Returns the reply value for the current client.
    """
    # 1. Lookup: unknown command or unknown subcommand.
    cmd = lookup_command(argv)
    s.cmd = cmd  # ``c->cmd = c->lastcmd = lookupCommand(...)``: NULL when unknown
    if cmd is None:
        return reject(s, None, unknown_command_error(argv))
    # 2. Arity: N exactly, or -N at least.
    arity = cmd.arity
    n = len(argv)
    if (arity > 0 and arity != n) or n < -arity:
        return reject(s, cmd, wrong_arity(cmd.name))
    # 2b. Protected commands (DEBUG, MODULE LOAD/LOADEX/UNLOAD): refused unless their
    # enable-*-command option allows this client.
    prot = PROTECTED.get(cmd.name)
    if prot is not None and not _protected_allowed(s, prot[0]):
        return reject(s, cmd, prot[1])
    # The gates 3 to 3g below each have a guard of their own. When none of the guards can
    # hold — a plain client (authenticated, outside MULTI, no flags: not Pub/Sub, not a
    # replica) on a quiet server (quiet_server) with no part replaced in this transition and
    # no script busy — processCommand's checklist ends here, at ``call``.
    info = s.client.info
    if (not s.parts and s.busy is None and info.multi < 0 and info.authenticated
            and not info.flags and quiet_server(s)):
        return call_and_propagate(s, cmd, argv)
    # 3. Authentication (``authRequired``): NOAUTH unless the command is allowed before AUTH.
    # (A client created while the default user had a password stays unauthenticated, but
    # once it is nopass again nobody is asked.)
    if not s.client.authenticated and "no_auth" not in cmd.flags and auth_required(s):
        return reject(s, cmd, NOAUTH)
    # 3b. Commands flagged no-multi (SAVE, SHUTDOWN, SYNC, ...) are refused inside MULTI.
    in_multi = s.client.info.multi >= 0
    if in_multi and "no_multi" in cmd.flags:
        return reject(s, cmd, NOT_IN_MULTI)
    # 3c. ACL (``ACLCheckAllPerm``): only a user whose root selector lacks some command, key
    # or channel is checked (one set lookup for everyone else); a denial is logged.
    acl = s.part("acl")
    if acl is not None and acl.restricted and s.client.user in acl.restricted:
        denied = acl_gate(s, acl, cmd, argv)
        if denied is not None:
            return reject(s, cmd, denied)
    # 3c. maxmemory (``performEvictions``; not while a script is busy): evict first; refuse
    # a deny-oom command (``getCommandFlags``: a script's flags for EVAL and FCALL; inside
    # MULTI: any command but EXEC, DISCARD, QUIT, RESET) when memory could not be freed.
    if s.config["maxmemory"] and s.busy is None:
        oom = s.pre_command_oom = perform_evictions(s) == EVICT_FAIL
        if oom and ("denyoom" in command_flags(s, cmd, argv)
                    or (s.client.info.multi >= 0 and cmd.name not in OOM_EXEMPT_IN_MULTI)
                    or (cmd.name == "exec" and queued_denyoom(s))):
            return reject(s, cmd, OOM_ERR)
    # 3d. MISCONF (``writeCommandsDeniedByDiskError``): after a failed BGSAVE, with save
    # points and stop-writes-on-bgsave-error, write commands (an EXEC of any) and PING.
    # Then the AOF part: AOF on and its last write failed.
    if ((s.parts or not s.base.persist.lastbgsave_ok or not s.base.aof.last_write_ok)
            and ("write" in cmd.flags or cmd.name == "ping"
                 or (cmd.name == "exec" and _queued_write(s)))):  # the usual case decided first
        if writes_denied_by_disk_error(s):
            return reject(s, cmd, MISCONF)
        aof_error = writes_denied_by_aof_error(s.part("aof"))
        if aof_error is not None:
            return reject(s, cmd, Err(aof_error))
    # Gates still to come, in Redis's order, with the mechanism that brings each:
    #   cluster redirection (MOVED/ASK, CROSSSLOT; before the OOM gate).
    # NOREPLICAS and READONLY (spec.replication): looked at only on a replica or with
    # min-replicas-to-write set.
    parts = s.parts
    replica = (parts["repl"] if parts and "repl" in parts else s.base.repl).masterhost \
        is not None
    if replica or s.config["min-replicas-to-write"]:
        refused = replication_gate(s, cmd, argv)
        if refused is not None:
            return reject(s, cmd, refused)
    # RESP2 Pub/Sub context (CLIENT_PUBSUB): only the (un)subscribe commands, PING, QUIT, RESET.
    if "pubsub" in s.client.flags and s.client.resp == 2 and cmd.name not in PUBSUB_CONTEXT:
        return reject(s, cmd, Err(
            f"ERR Can't execute '{cmd.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
            "/ QUIT / RESET are allowed in this context"))
    # MASTERDOWN: a replica whose link is down, with replica-serve-stale-data no, runs only
    # commands flagged stale (``getCommandFlags``: EVAL and FCALL take the flags their script
    # declared, allow-stale; for EXEC: only if every queued command is).
    if replica and master_down(s) and ("stale" not in command_flags(s, cmd, argv) or (
            cmd.name == "exec" and any("stale" not in c.flags
                                       for c, _ in s.client.info.mstate))):
        return reject(s, cmd, MASTERDOWN)
    # LOADING: while an RDB file loads, only commands flagged ``loading`` run (for EXEC:
    # only if every queued command is; ``is_denyloading_command``; spec.loading).
    if s.base.loading.active and deny_loading(s, cmd):  # loading changes between steps only
        return reject(s, cmd, LOADING_ERR)
    # BUSY (``isInsideYieldingLongCommand``): a script runs past busy-reply-threshold and
    # this command came from another client through the script's hook (spec.scripting):
    # only commands flagged allow-busy run; the error names SCRIPT KILL or FUNCTION KILL.
    if s.busy is not None and "allow_busy" not in cmd.flags:
        return reject(s, cmd, s.busy)
    # A replica (here: a MONITOR) may not touch the keyspace; then CLIENT PAUSE postpones the
    # client (``blockClient(c, BLOCKED_POSTPONE)``; replicas are never paused; spec.transport).
    fl = s.client.info.flags
    if fl and "replica" in fl and replica_keyspace_gate(s, cmd):
        return reject(s, cmd, REPLICA_KEYSPACE)
    tp = s.part("transport")
    if tp.pause_type:
        postponed = pause_gate(s, tp, cmd)
        if postponed is not None:
            return postponed
    # Last: inside MULTI everything but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is queued.
    if in_multi and cmd.name not in MULTI_RUNS_NOW:
        queue_command(s, cmd, argv)
        return QUEUED
    return call_and_propagate(s, cmd, argv)


def quiet_server(s: Step) -> bool:
    """Whether no server-wide gate of ``processCommand`` can refuse or hold a command now:
    no ``maxmemory`` (OOM), no ``min-replicas-to-write`` and not a replica (NOREPLICAS,
    READONLY, MASTERDOWN), the last BGSAVE and AOF write fine (MISCONF), not loading
    (LOADING), no CLIENT PAUSE, no user under an ACL restriction. Read from the
    transition's ``base`` (fixed while it runs) and its config (CONFIG SET may replace it:
    the answer is kept per config value), so it costs a comparison per command."""
    cfg = s.config
    if cfg is s.quiet_config:
        return s.quiet
    b = s.base
    quiet = bool(not cfg["maxmemory"] and not cfg["min-replicas-to-write"]
                 and b.repl.masterhost is None and b.persist.lastbgsave_ok
                 and b.aof.last_write_ok and not b.loading.active
                 and not b.transport.pause_type
                 and (b.acl is None or not b.acl.restricted))
    s.quiet_config = cfg
    s.quiet = quiet
    return quiet


def call_and_propagate(s: Step, cmd: CommandSpec, argv: list[bytes]) -> Reply:
    """The end of ``processCommand``: ``call``, then what follows it for the running client
    (its replication offset, for WAIT; the clients its writes made ready)."""
    start = len(s.propagate)
    reply = call(s, cmd, argv)
    n = len(s.propagate)
    if n != start:
        if n - start > 1:
            propagate_pending_commands(s, start)
        parts = s.parts
        rp = parts["repl"] if parts and "repl" in parts else s.base.repl
        if rp.backlog is not None and rp.masterhost is None:
            # ``c->woff``: the stream offset right after this client's last propagated
            # command (what its WAIT waits for); only a master with a backlog moves it.
            s.propagate_now()
            s.update_client(woff=s.part("repl").master_repl_offset)
    b = s.changed_part("blocking")
    if b is not None and b.ready:
        handle_clients_blocked_on_keys(s)  # keys the command made ready serve their waiters
    return reply


NOAUTH = Err("NOAUTH Authentication required.")


def replication_gate(s: Step, cmd: CommandSpec, argv: list[bytes] | None = None) -> Err | None:
    """``processCommand``'s first two replication gates, in its order: NOREPLICAS (a write
    on a master without enough good replicas), READONLY (a write on a read-only replica,
    but from its master). A write is judged by ``getCommandFlags`` (with ``argv``): EVAL
    and FCALL of a script or function that did not declare no-writes are writes."""
    flags = cmd.flags if argv is None else command_flags(s, cmd, argv)
    write = "write" in flags or (cmd.name == "exec" and _queued_write(s))
    if write and no_replicas(s):
        return NOREPLICAS
    if write and read_only_replica(s):
        return READONLY
    return None


def acl_check(s: Step, acl: Any, cmd: CommandSpec, argv: list[bytes]) -> tuple[int, int]:
    """``ACLCheckAllPerm`` for the running client: (result, argument position)."""
    user = acl.users.get(s.client.user.encode("utf-8", "surrogateescape"))
    if user is None:  # a deleted user's client is already closing
        return ACL_OK, 0
    return check_all_perm(user, cmd.name, "no_auth" in cmd.flags, argv,
                          lambda: get_keys(cmd, argv))


def acl_gate(s: Step, acl: Any, cmd: CommandSpec, argv: list[bytes]) -> Err | None:
    """``processCommand``'s ACL step: None when allowed; else the denial is added to the
    ACL LOG (context ``multi`` inside MULTI, else ``toplevel``) and its NOPERM text returned."""
    result, pos = acl_check(s, acl, cmd, argv)
    if result == ACL_OK:
        return None
    ctx = "multi" if s.client.info.multi >= 0 else "toplevel"
    obj = cmd.name.encode() if result == DENIED_CMD else argv[pos]
    log_denial(s, result, ctx, obj, argv=argv)
    if result == DENIED_CMD:
        return Err(f"NOPERM this user has no permissions to run the '{cmd.name}' command")
    if result == DENIED_KEY:
        return NOPERM_KEY
    return NOPERM_CHANNEL


NOPERM_KEY = Err("NOPERM this user has no permissions to access one of the keys used as "
                 "arguments")
NOPERM_CHANNEL = Err("NOPERM this user has no permissions to access one of the channels used "
                     "as arguments")

#: ``execCommand``'s reasons when the rules changed after a command was queued.
_EXEC_REASONS = {
    DENIED_CMD: "no permission to execute the command or subcommand",
    DENIED_KEY: "no permission to touch the specified keys",
    DENIED_CHANNEL: "no permission to access one of the channels used as arguments",
}


def restricted_denial(s: Step, cmd: CommandSpec, argv: list[bytes]
                      ) -> tuple[int, bytes] | None:
    """``ACLCheckAllPerm`` for a client whose user is restricted (the others pass without a
    check): None when allowed, else the denial reason and what was denied (the command's
    name, or the key or channel argument)."""
    acl = s.part("acl")
    if acl is None or not acl.restricted or s.client.user not in acl.restricted:
        return None
    result, pos = acl_check(s, acl, cmd, argv)
    if result == ACL_OK:
        return None
    return result, (cmd.name.encode() if result == DENIED_CMD else argv[pos])


def exec_acl_recheck(s: Step, cmd: CommandSpec, argv: list[bytes]) -> Err | None:
    """``execCommand``: each queued command is checked again when EXEC runs it, in case the
    rules changed since it was queued; a denial is logged (context ``multi``) and replaces the
    command's reply."""
    denied = restricted_denial(s, cmd, argv)
    if denied is None:
        return None
    result, obj = denied
    log_denial(s, result, "multi", obj, argv=argv)
    return Err("NOPERM ACLs rules changed between the moment the transaction was accumulated "
               "and the EXEC call. This command is no longer allowed for the following "
               "reason: " + _EXEC_REASONS[result])


#: ``shared.loadingerr``.
LOADING_ERR = Err(LOADING_ERR_TEXT)


def deny_loading(s: Step, cmd: CommandSpec) -> bool:
    """``is_denyloading_command``: the command lacks the ``loading`` flag, or it is EXEC and
    a queued command lacks it (``mstate.cmd_inv_flags``)."""
    if "loading" not in cmd.flags:
        return True
    return cmd.name == "exec" and s.client.info.multi >= 0 and any(
        "loading" not in q.flags for q, _ in s.client.info.mstate)


#: ``processCommand``'s refusal while the last BGSAVE failed (``shared.bgsaveerr``).
MISCONF = Err(MISCONF_ERR)


def _queued_write(s: Step) -> bool:
    """``c->mstate.cmd_flags & CMD_WRITE``: the transaction EXEC would run writes."""
    return any("write" in c.flags for c, _ in s.client.info.mstate)


def queued_denyoom(s: Step) -> bool:
    """``c->mstate.cmd_flags & CMD_DENYOOM``: EXEC is deny-oom when a command it would run
    is (their ``getCommandFlags``; Redis accumulates them while queueing, here they are
    taken at EXEC: the same unless a script's flags changed in between)."""
    return any("denyoom" in command_flags(s, qcmd, list(qargv))
               for qcmd, qargv in s.client.info.mstate)


#: The commands a RESP2 client subscribed to anything may run (``processCommand``).
PUBSUB_CONTEXT = frozenset(("ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
                            "psubscribe", "punsubscribe", "quit", "reset"))


#: ``processCommand``'s refusal of keyspace commands from a replica (MONITOR clients).
REPLICA_KEYSPACE = Err("ERR Replica can't interact with the keyspace")


#: Commands that run at once inside MULTI instead of being queued (``processCommand``).
MULTI_RUNS_NOW = frozenset(("exec", "discard", "multi", "watch", "quit", "reset"))
NOT_IN_MULTI = Err("ERR Command not allowed inside a transaction")


#: The OOM refusal (``shared.oomerr``) and the commands a client in MULTI may still send.
OOM_ERR = Err("OOM command not allowed when used memory > 'maxmemory'.")
OOM_EXEMPT_IN_MULTI = frozenset(("exec", "discard", "quit", "reset"))


@mypyc_attr(native_class=False)  # a str subclass: mypyc compiles only plain classes natively
class ErrCounted(Err):
    """An error reply whose error statistics were already counted where it arose
    (``ERR_REPLY_FLAG_NO_STATS_UPDATE``: a command's error that a script passes on, counted
    when the command failed inside the script): it still counts as a failed call of the
    command that replies it, but not again in errorstats / ``total_error_replies``."""

    __slots__ = ()


def call(s: Step, cmd: CommandSpec, argv: list[bytes]) -> Reply:
    """``call``: run the handler, count it, and propagate it if it changed the dataset."""
    dirty = s.dirty
    s.cmd = cmd
    # (Typed, not plain None: mypy would narrow the field to None for the rest of this
    # function, the handler's rewrite unseen, and the compiled build checks that type.)
    s.argv_rewrite = cast("tuple[bytes, ...] | None", None)
    before_us = s.call_us  # a running total: this call's duration is what it adds
    if s.client.info.flags and s.client.id == s.current_id:
        s.caller_call = (cmd, argv)  # the client's own command (or EXEC's), for tracking
    reply: Reply = cmd.handler(s, argv)  # type: ignore[misc]
    duration = s.call_us - before_us  # EXEC and scripts include the time of what they ran
    calls = s.cmd_calls.get(cmd.name)
    t = type(reply)
    failed = 1 if t is Err or t is ErrCounted else 0
    if calls is None:
        s.cmd_calls[cmd.name] = [1, 0, failed]
    else:
        calls[0] += 1
        calls[2] += failed
    s.commands_processed += 1
    if s.part("transport").monitors:  # replicationFeedMonitors (spec.transport)
        feed_monitors(s, cmd, argv)
    # trackingRememberKeys: only a tracking client has flags (or a script runs for one)
    if "readonly" in cmd.flags and (s.client.info.flags or s.client.id != s.current_id) \
            and cmd.name not in _RO_SCRIPTS:
        remember_read_keys(s, cmd, argv)
    if duration >= 1000:  # latencyAddSampleIfNeeded: a spike is at least 1 ms
        lat_ms = s.config["latency-monitor-threshold"]
        if lat_ms and duration // 1000 >= lat_ms and "blocked" not in s.client.flags:
            latency_add_sample(s, "fast-command" if "fast" in cmd.flags else "command",
                               duration // 1000)
    slower = s.config["slowlog-log-slower-than"]  # slowlogPushCurrentCommand
    if slower >= 0 and (duration >= slower or cmd.name in SLOWLOG_TRIMS
                        or "blocking" in cmd.flags):
        slowlog_after_call(s, cmd.flags, argv, duration)
    if s.dirty != dirty and "write" in cmd.flags:
        rw = s.argv_rewrite
        if rw != ():  # () is preventCommandPropagation: the command propagated its own
            s.propagate.append((s.db.id, rw if rw is not None else tuple(argv)))
    return reply


#: Read-only script commands are not themselves remembered for client-side caching (``call``).
_RO_SCRIPTS = frozenset(("eval_ro", "evalsha_ro", "fcall_ro"))


def remember_read_keys(s: Step, cmd: CommandSpec, argv: list[bytes]) -> None:
    """``call`` → ``trackingRememberKeys`` after a read-only command: if the running client
    tracks keys (default mode), remember the keys of *its* command — for a command a script
    ran, that is the script command's declared keys (EVAL's KEYS), as 7.0.15 does, not the
    keys the script read."""
    caller = s.client if s.client.id == s.current_id else s.clients.get(s.current_id)
    if caller is None or "tracking" not in caller.flags or "tracking_bcast" in caller.flags:
        return
    if caller is not s.client and s.caller_call is not None:
        cmd, argv = s.caller_call
    remember_keys(s, caller, [argv[pos] for pos, _ in get_keys(cmd, argv)])


def run_and_encode(s: Step, argv: list[bytes]) -> bytes:
    """Process one command and return its encoded reply in the client's protocol."""
    reply = process_command(s, argv)
    if type(reply) is Err:
        s.count_error(reply)
    info = s.client.info
    f = info.flags
    if f and "tracking_caching" in f and info.multi < 0 and not (
            s.cmd is not None and s.cmd.name.startswith("client|")):
        s.update_client(flags=f - {"tracking_caching"})  # resetClient: CACHING is for one command
        info = s.client.info
    return encode3(reply) if info.resp == 3 else encode2(reply)


# -- EXEC ---------------------------------------------------------------------------------


@command("exec")
def exec_(s: Step, argv: list[bytes]) -> Reply:
    """``execCommand``: run the queued commands through ``call``, in order, with nothing in
    between (the whole EXEC is one step of the server), and answer an array of their replies
    (errors are elements). A watched key touched or expired since WATCH aborts with a null
    array; a command refused while queueing aborts with EXECABORT.

    While the queue runs, ``s.in_exec`` is set (``server.in_exec``, ``CLIENT_DENY_BLOCKING``)
    and the client keeps its MULTI state (CLIENT LIST inside EXEC shows it). Each reply is
    encoded in the protocol current when it is produced (HELLO inside MULTI switches the
    following replies, not the array header). What the commands propagate is wrapped in
    MULTI … EXEC when there is more than one of them, by ``propagatePendingCommands`` at the
    end of the top-level call (``spec.handle_blocked.propagate_pending_commands``).

    The reply is built piece by piece as Redis appends it to the client's output
    (:func:`exec_pieces`), so CLIENT REPLY inside the queue and MONITOR act on each piece.
    """
    c = s.client
    if c.info.multi < 0:
        return EXEC_WITHOUT_MULTI
    if c.info.watched and is_watched_key_expired(s, c):
        s.update_client(flags=c.flags | {"dirty_cas"})
        c = s.client
    flags = c.flags
    if "dirty_exec" in flags or "dirty_cas" in flags:
        discard_transaction(s)
        return EXECABORT if "dirty_exec" in flags else NULL_ARRAY
    if c.info.watched:
        s.set_client(unwatch_all(s, c))
    queue = c.info.mstate
    exec_cmd = s.cmd
    s.in_exec = True
    out = exec_pieces(s, queue)
    s.in_exec = False
    s.cmd = exec_cmd
    discard_transaction(s)
    # what the queue propagated is wrapped in MULTI ... EXEC at the end of this top-level
    # call, when it is more than one command (propagate_pending_commands in process_command)
    return Raw(out)


def exec_pieces(s: Step, queue: tuple[tuple[Any, tuple[bytes, ...]], ...]) -> bytes:
    """The bytes EXEC adds to its client's output while the queue runs, in Redis's order:
    the array header (``addReplyArrayLen``), then for each command the pushes it made to this
    same client (Pub/Sub messages, keyspace events: ``CLIENT_PUSHING``), its reply, and, for a
    monitor, its own MONITOR line (``call`` → ``replicationFeedMonitors``). Every piece is
    kept or dropped by the client's CLIENT REPLY flags at the moment it is added
    (``prepareClientToWrite``): the header by the flags EXEC started with, a reply and a
    MONITOR line by the flags after the command ran (a queued CLIENT REPLY ON is heard, OFF
    silences what follows; SKIP only arms the command after EXEC: ``resetClient``). When the
    flags at the end would silence EXEC's reply, the client is marked
    :data:`~redspec.spec.transport.EXEC_PIECES` so that ``after_command`` keeps these bytes."""
    pieces = [b"*%d\r\n" % len(queue)] if not reply_suppressed(s.client) else []
    own = s.out
    for cmd, args in queue:
        n = len(own)
        denied = exec_acl_recheck(s, cmd, list(args))
        reply = call(s, cmd, list(args)) if denied is None else denied
        if type(reply) is Err:
            s.count_error(reply)
        if len(own) != n:  # pushed to this client while the command ran: they come first
            pieces.extend(own[n:])
            del own[n:]
        c = s.client
        frame = encode3(reply) if c.resp == 3 else encode2(reply)
        if not c.info.flags:
            pieces.append(frame)
            continue
        if reply_kept(c, cmd, frame):
            pieces.append(frame)
        if "monitor" in c.info.flags:
            pieces.append(own_monitor_line(s, cmd, list(args)))
    f = s.client.info.flags
    if f and ("reply_off" in f or "reply_skip" in f):  # the end flags would drop it all
        s.update_client(flags=f | {EXEC_PIECES})
    return b"".join(pieces)


#: The served command table: lowercase name -> CommandSpec (every command module is loaded
#: by ``spec.commands``; EXEC above is the last handler registered).
TABLE: dict[bytes, CommandSpec] = command_table()


def install_commands() -> None:
    """Serve the handlers registered since :data:`TABLE` was built: the commands of the
    modules above this one that run commands through :func:`call` (``spec.scripting``)."""
    TABLE.clear()
    TABLE.update(command_table())
