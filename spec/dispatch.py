"""Metadata-driven command dispatch: Redis's ``processCommand`` and ``call``.

``process_command`` is one ordered checklist. Each gate either lets the command through or
produces the exact reply Redis gives and stops. Gates whose mechanism is not built yet are
listed, in Redis's order, with the issue that brings them (see docs/mechanisms/dispatch.md).
"""

from __future__ import annotations

from typing import Any

from .blocking import handle_clients_blocked_on_keys
from .commands import load_all
from .commands.summaries import SUMMARIES
from .errors import wrong_arity
from .evict import EVICT_FAIL, perform_evictions
from .multi import discard_transaction, flag_transaction, queue_command
from .reply import QUEUED, Err, encode2, encode3
from .step import Step
from .table import CommandSpec, build_table
from .transport import feed_monitors, pause_gate, replica_keyspace_gate

__all__ = ["TABLE", "lookup_command", "process_command", "call"]

#: The served command table: lowercase name -> CommandSpec.
TABLE: dict[bytes, CommandSpec] = build_table(load_all(), SUMMARIES)


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


def _c_str(b: bytes, limit: int) -> str:
    """``%.Ns`` of a C string: stop at the first NUL byte, keep at most ``limit`` bytes."""
    nul = b.find(b"\0")
    if nul >= 0:
        b = b[:nul]
    return b[:limit].decode("utf-8", "surrogateescape")


def unknown_command_error(argv: list[bytes]) -> Err:
    """The reply to a name that is not a command, or a container's unknown subcommand."""
    base = TABLE.get(argv[0].lower())
    if base is not None and base.subcommands:
        return Err(
            f"ERR unknown subcommand '{_c_str(argv[1], 128)}'. "
            f"Try {_c_str(argv[0], 1 << 30).upper()} HELP."
        )
    args = ""
    for a in argv[1:]:
        if len(args.encode("utf-8", "surrogateescape")) >= 128:
            break
        room = 128 - len(args.encode("utf-8", "surrogateescape"))
        args += f"'{_c_str(a, room)}' "
    return Err(
        f"ERR unknown command '{_c_str(argv[0], 128)}', with args beginning with: {args}"
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


DEBUG_NOT_ALLOWED = Err(
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.")


def _debug_allowed(s: Step) -> bool:
    """``allowProtectedAction(server.enable_debug_cmd, c)``: "yes", or "local" for a client on
    a loopback address or a unix socket."""
    mode = s.config.get("enable-debug-command", "no")
    if mode == "yes":
        return True
    a = s.client.addr
    return mode == "local" and (a.startswith("127.") or a.startswith("::1")
                                or a.startswith("[::1]") or a.startswith("/"))


def process_command(s: Step, argv: list[bytes]) -> Any:
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
    # 2b. Protected commands (DEBUG): refused unless enable-debug-command allows this client.
    if cmd.name == "debug" and not _debug_allowed(s):
        return reject(s, cmd, DEBUG_NOT_ALLOWED)
    # 3. Authentication (requirepass): NOAUTH unless the command is allowed before AUTH.
    # (A client created while a password was set stays unauthenticated, but once the
    # password is cleared the default user is "nopass" again and nobody is asked.)
    if not s.client.authenticated and "no_auth" not in cmd.flags and s.config["requirepass"]:
        return reject(s, cmd, Err("NOAUTH Authentication required."))
    # 3b. Commands flagged no-multi (SAVE, SHUTDOWN, SYNC, ...) are refused inside MULTI.
    in_multi = s.client.info.multi >= 0
    if in_multi and "no_multi" in cmd.flags:
        return reject(s, cmd, NOT_IN_MULTI)
    # 3c. maxmemory (``performEvictions``): evict first; refuse a deny-oom command (inside
    # MULTI: any command but EXEC, DISCARD, QUIT, RESET) when memory could not be freed.
    if s.config["maxmemory"] and perform_evictions(s) == EVICT_FAIL and (
            "denyoom" in cmd.flags
            or (s.client.info.multi >= 0 and cmd.name not in OOM_EXEMPT_IN_MULTI)):
        return reject(s, cmd, OOM_ERR)
    # Gates still to come, in Redis's order, with the mechanism that brings each:
    #   ACL permissions (after NOAUTH) · cluster redirection (MOVED/ASK, CROSSSLOT; before
    #   the OOM gate) · MISCONF (RDB/AOF) · NOREPLICAS · READONLY replica (replication) ·
    #   (here: RESP2 Pub/Sub context) · MASTERDOWN · LOADING · BUSY script.
    # RESP2 Pub/Sub context (CLIENT_PUBSUB): only the (un)subscribe commands, PING, QUIT, RESET.
    if "pubsub" in s.client.flags and s.client.resp == 2 and cmd.name not in PUBSUB_CONTEXT:
        return reject(s, cmd, Err(
            f"ERR Can't execute '{cmd.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING "
            "/ QUIT / RESET are allowed in this context"))
    # A replica (here: a MONITOR) may not touch the keyspace; then CLIENT PAUSE postpones the
    # client (``blockClient(c, BLOCKED_POSTPONE)``; replicas are never paused; spec.transport).
    fl = s.client.info.flags
    if fl and "replica" in fl and replica_keyspace_gate(s, cmd):
        return reject(s, cmd, REPLICA_KEYSPACE)
    parts = s.parts
    tp = parts["transport"] if parts is not None and "transport" in parts else s.base.transport
    if tp.pause_type:
        postponed = pause_gate(s, tp, cmd)
        if postponed is not None:
            return postponed
    # Last: inside MULTI everything but EXEC, DISCARD, MULTI, WATCH, QUIT and RESET is queued.
    if in_multi and cmd.name not in MULTI_RUNS_NOW:
        queue_command(s, cmd, argv)
        return QUEUED
    reply = call(s, cmd, argv)
    parts = s.parts
    if parts is not None and "blocking" in parts and parts["blocking"].ready:
        handle_clients_blocked_on_keys(s)  # keys the command made ready serve their waiters
    return reply


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


def call(s: Step, cmd: CommandSpec, argv: list[bytes]) -> Any:
    """``call``: run the handler, count it, and propagate it if it changed the dataset."""
    dirty = s.dirty
    s.cmd = cmd
    s.argv_rewrite = None
    reply = cmd.handler(s, argv)  # type: ignore[misc]
    calls = s.cmd_calls.get(cmd.name)
    failed = 1 if type(reply) is Err else 0
    if calls is None:
        s.cmd_calls[cmd.name] = [1, 0, failed]
    else:
        calls[0] += 1
        calls[2] += failed
    s.commands_processed += 1
    parts = s.parts
    tp = parts["transport"] if parts is not None and "transport" in parts else s.base.transport
    if tp.monitors:  # replicationFeedMonitors (spec.transport)
        feed_monitors(s, cmd, argv)
    if s.dirty != dirty and "write" in cmd.flags:
        rw = s.argv_rewrite
        s.propagate.append((s.db.id, rw if rw is not None else tuple(argv)))
    return reply


def run_and_encode(s: Step, argv: list[bytes]) -> bytes:
    """Process one command and return its encoded reply in the client's protocol."""
    reply = process_command(s, argv)
    if type(reply) is Err:
        s.error_replies += 1
        code = reply.split(" ", 1)[0]
        s.error_counts[code] = s.error_counts.get(code, 0) + 1
    return encode3(reply) if s.client.resp == 3 else encode2(reply)
