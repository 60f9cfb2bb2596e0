"""MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's ``multi.c``; state in ``spec.multi``).

Queueing itself is a dispatch gate (``processCommand`` → ``queueMultiCommand``, see
``spec.dispatch``); a command refused while queueing flags the transaction
(``flagTransaction``) so that EXEC answers EXECABORT.
"""

from __future__ import annotations

from typing import Any

from ..multi import (
    discard_transaction,
    is_watched_key_expired,
    unwatch_all,
    watch_key,
)
from ..reply import NULL_ARRAY, OK, Err, Raw, encode2, encode3
from ..state import replace
from ..step import Step
from ..transport import EXEC_PIECES, own_monitor_line, reply_kept, reply_suppressed
from . import command

NESTED = Err("ERR MULTI calls can not be nested")
EXEC_WITHOUT_MULTI = Err("ERR EXEC without MULTI")
DISCARD_WITHOUT_MULTI = Err("ERR DISCARD without MULTI")
WATCH_IN_MULTI = Err("ERR WATCH inside MULTI is not allowed")
EXECABORT = Err("EXECABORT Transaction discarded because of previous errors.")


@command("multi")
def multi(s: Step, argv: list[bytes]) -> Any:
    """``multiCommand``: start queueing (flag ``CLIENT_MULTI``). A nested MULTI is an error
    that does not doom the transaction."""
    c = s.client
    if c.info.multi >= 0:
        return NESTED
    s.update_client(multi=0, flags=c.flags | {"multi"})
    return OK


@command("discard")
def discard(s: Step, argv: list[bytes]) -> Any:
    """``discardCommand``: drop the queue and every WATCH."""
    if s.client.info.multi < 0:
        return DISCARD_WITHOUT_MULTI
    discard_transaction(s)
    return OK


@command("watch")
def watch(s: Step, argv: list[bytes]) -> Any:
    """``watchCommand``: watch keys of the selected db for EXEC. Refused inside MULTI (without
    dooming the transaction); a client already ``dirty_cas`` watches nothing more (its next
    EXEC fails anyway)."""
    c = s.client
    if c.info.multi >= 0:
        return WATCH_IN_MULTI
    if "dirty_cas" in c.flags:
        return OK
    for key in argv[1:]:
        watch_key(s, key)
    return OK


@command("unwatch")
def unwatch(s: Step, argv: list[bytes]) -> Any:
    """``unwatchCommand``: forget every WATCH and the ``dirty_cas`` flag."""
    c = unwatch_all(s, s.client)
    if "dirty_cas" in c.flags:
        c = replace(c, flags=c.flags - {"dirty_cas"})
    if c is not s.client:
        s.client = c
        s._client_changed = True
    return OK


@command("exec")
def exec_(s: Step, argv: list[bytes]) -> Any:
    """``execCommand``: run the queued commands through ``call``, in order, with nothing in
    between (the whole EXEC is one step of the server), and answer an array of their replies
    (errors are elements). A watched key touched or expired since WATCH aborts with a null
    array; a command refused while queueing aborts with EXECABORT.

    While the queue runs, ``s.in_exec`` is set (``server.in_exec``, ``CLIENT_DENY_BLOCKING``)
    and the client keeps its MULTI state (CLIENT LIST inside EXEC shows it). Each reply is
    encoded in the protocol current when it is produced (HELLO inside MULTI switches the
    following replies, not the array header). What the commands propagate is wrapped in
    MULTI … EXEC when there is more than one of them (``propagatePendingCommands``).

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
        s.client = unwatch_all(s, c)
        s._client_changed = True
    queue = c.info.mstate
    exec_cmd = s.cmd
    start = len(s.propagate)
    s.in_exec = True
    out = exec_pieces(s, queue)
    s.in_exec = False
    s.cmd = exec_cmd
    discard_transaction(s)
    prop = s.propagate
    if len(prop) - start > 1:
        prop.insert(start, (prop[start][0], (b"MULTI",)))
        prop.append((prop[-1][0], (b"EXEC",)))
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
    from ..dispatch import call  # dispatch imports the command modules

    pieces = [b"*%d\r\n" % len(queue)] if not reply_suppressed(s.client) else []
    own = s.out
    for cmd, args in queue:
        n = len(own)
        reply = call(s, cmd, list(args))
        if type(reply) is Err:
            s.error_replies += 1
            code = reply.split(" ", 1)[0]
            s.error_counts[code] = s.error_counts.get(code, 0) + 1
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
