"""SLOWLOG (``slowlog.c``'s ``slowlogCommand``): read and reset the slow log that ``call``
keeps (``spec.slowlog``)."""

from __future__ import annotations

from ..errors import subcommand_syntax
from ..numbers import string2ll
from ..reply import OK, Err, Reply, Status, help_lines
from ..slowlog import slowlog_reset
from ..state import SlowlogState
from ..step import Step
from .registry import command

__all__ = ["COUNT_RANGE"]

COUNT_RANGE = Err("ERR count should be greater than or equal to -1")

_HELP = [Status(line) for line in help_lines("SLOWLOG", [
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
])]


@command("slowlog|help")
def slowlog_help(s: Step, argv: list[bytes]) -> Reply:
    """SLOWLOG HELP: the usage lines."""
    return list(_HELP)


@command("slowlog|get")
def slowlog_get(s: Step, argv: list[bytes]) -> Reply:
    """SLOWLOG GET [count]: the newest ``count`` entries (default 10, -1: all), each
    ``[id, unix time, microseconds, [args...], "ip:port", name]``. ``count`` is a long in
    ``-1..LONG_MAX`` (``getRangeLongFromObjectOrReply``: one message for both failures)."""
    if len(argv) > 3:
        return subcommand_syntax(argv[1], "SLOWLOG")
    log: SlowlogState = s.part("slowlog")
    count = 10
    if len(argv) == 3:
        n = string2ll(argv[2])
        if n is None or n < -1:
            return COUNT_RANGE
        count = len(log.entries) if n == -1 else n
    return [[eid, t, us, list(args), peer.encode("utf-8", "surrogateescape"), name]
            for eid, t, us, args, peer, name in log.entries[:count]]


@command("slowlog|len")
def slowlog_len(s: Step, argv: list[bytes]) -> Reply:
    """SLOWLOG LEN: the number of entries."""
    return len(s.part("slowlog").entries)


@command("slowlog|reset")
def slowlog_reset_cmd(s: Step, argv: list[bytes]) -> Reply:
    """SLOWLOG RESET: drop every entry (the ids keep counting)."""
    slowlog_reset(s)
    return OK
