"""MONITOR, CLIENT REPLY, CLIENT PAUSE and CLIENT UNPAUSE of Redis 7.0.15 (``monitorCommand``,
``clientCommand``); the mechanisms are in ``spec.transport``."""

from __future__ import annotations

from ..errors import SYNTAX, subcommand_syntax
from ..numbers import string2ll
from ..reply import OK, Err, Reply
from ..step import Step
from ..transport import (
    NO_REPLY,
    PAUSE_ALL,
    PAUSE_WRITE,
    pause_clients,
    start_monitor,
    unpause,
)
from .registry import command

DENY_BLOCKING = Err("ERR MONITOR isn't allowed for DENY BLOCKING client")
PAUSE_MODE = Err("ERR CLIENT PAUSE mode must be WRITE or ALL")
TIMEOUT_NOT_INT = Err("ERR timeout is not an integer or out of range")
TIMEOUT_NEGATIVE = Err("ERR timeout is negative")
_LLONG_MAX = (1 << 63) - 1


@command("monitor")
def monitor(s: Step, argv: list[bytes]) -> Reply:
    """MONITOR: feed every command other clients run to this connection (``+OK`` first; a
    monitor asking again gets nothing; refused inside EXEC, ``CLIENT_DENY_BLOCKING``)."""
    if s.in_exec:
        return DENY_BLOCKING
    r = start_monitor(s)
    return OK if r is None else r


@command("client|reply")
def client_reply(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT REPLY ON|OFF|SKIP: ON replies OK and clears OFF/SKIP; OFF silences every reply
    from this one on; SKIP (ignored under OFF) silences the next command's reply."""
    opt = argv[2].lower()
    f = s.client.flags
    if opt == b"on":
        if "reply_off" in f or "reply_skip" in f:
            s.update_client(flags=f - {"reply_off", "reply_skip"})
        return OK
    if opt == b"off":
        s.update_client(flags=f | {"reply_off"})
        return NO_REPLY
    if opt == b"skip":
        if "reply_off" not in f:
            s.update_client(flags=f | {"reply_skip_next"})
        return NO_REPLY
    return SYNTAX


@command("client|pause")
def client_pause(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT PAUSE timeout [WRITE|ALL]: pause clients for ``timeout`` ms (the mode is checked
    before the timeout; 0 pauses until the next pause check, as does a timeout whose end time
    overflows a long long; pauses combine: the stricter type, the later end)."""
    if len(argv) not in (3, 4):
        return subcommand_syntax(argv[1], "CLIENT")
    type_ = PAUSE_ALL
    if len(argv) == 4:
        m = argv[3].lower()
        if m == b"write":
            type_ = PAUSE_WRITE
        elif m != b"all":
            return PAUSE_MODE
    v = string2ll(argv[2])
    if v is None:
        return TIMEOUT_NOT_INT
    if v < 0:
        return TIMEOUT_NEGATIVE
    if v > 0:
        # 7.0.15's getTimeoutFromObjectOrReply has no range check: ``tval += mstime()``
        # overflows a long long and wraps (x86-64), so a huge timeout is an end time in the
        # past and the pause is over at the next check (CLIENT PAUSE 9223372036854775807: +OK)
        v += s.now_ms
        if v > _LLONG_MAX:
            v -= 1 << 64
    pause_clients(s, v, type_)
    return OK


@command("client|unpause")
def client_unpause(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT UNPAUSE: end the pause; postponed clients run once this read is done."""
    unpause(s)
    return OK
