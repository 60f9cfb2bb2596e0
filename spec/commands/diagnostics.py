"""SLOWLOG (``slowlog.c``'s ``slowlogCommand``) and LATENCY (``latency.c``'s ``latencyCommand``):
read and reset the slow log and the latency monitor that ``call`` feeds (``spec.slowlog``,
``spec.latency``)."""

from __future__ import annotations

from ..cstr import c_string, c_text
from ..errors import subcommand_syntax
from ..latency import (
    LATENCY_TS_LEN,
    event_samples,
    latency_graph,
    latency_report,
    latency_reset,
    ts_of,
)
from ..numbers import string2ll
from ..reply import OK, Err, Map, Reply, Status, Verbatim, help_lines
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


# -- LATENCY ------------------------------------------------------------------------------------

_LATENCY_HELP = [Status(line) for line in help_lines("LATENCY", [
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the "
    "specified command names.",
    "    If no commands are specified then all histograms are replied.",
])]


@command("latency|help")
def latency_help(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY HELP: the usage lines."""
    return list(_LATENCY_HELP)


@command("latency|latest")
def latency_latest(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY LATEST: per event ``[name, time of the latest sample, its latency, all-time
    max]``."""
    out: list[Reply] = []
    for name, (idx, mx, ring) in s.part("latency").events:
        t, lat = ring[(idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]
        out.append([name.encode(), t, lat, mx])
    return out


@command("latency|history")
def latency_history(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY HISTORY event: ``[time, latency]`` per sample, oldest first (none: empty)."""
    ts = ts_of(s, argv[2])
    return [] if ts is None else [[t, lat] for t, lat in event_samples(ts)]


@command("latency|graph")
def latency_graph_cmd(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY GRAPH event: the ASCII sparkline, or an error when the event has no samples."""
    ts = ts_of(s, argv[2])
    if ts is None:
        return Err(f"ERR No samples available for event '{c_text(argv[2])}'")
    return Verbatim(latency_graph(argv[2].decode("utf-8", "surrogateescape"), ts,
                                  s.now_ms // 1000).encode("utf-8", "surrogateescape"))


@command("latency|doctor")
def latency_doctor(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY DOCTOR: the human-readable report."""
    return Verbatim(latency_report(s).encode())


@command("latency|reset")
def latency_reset_cmd(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY RESET [event ...]: drop the events named (case-insensitive) or all; replies
    how many were dropped."""
    if len(argv) == 2:
        return latency_reset(s, None)
    return sum(latency_reset(s, c_string(e)) for e in argv[2:])


def _histogram(calls: int) -> Reply:
    """``fillCommandCDF`` for a command whose every call was modelled at 0 µs: the hdr
    histogram's floor of 1 µs holds them all, so one bucket, "1", with every call."""
    return Map([(b"calls", calls), (b"histogram_usec", Map([(1, calls)]))])


@command("latency|histogram")
def latency_histogram(s: Step, argv: list[bytes]) -> Reply:
    """LATENCY HISTOGRAM [command ...]: per command with latency data (called since the last
    CONFIG RESETSTAT) its calls and cumulative buckets; named commands in argument order, a
    container command giving its subcommands; with no names every command (Redis's order is
    its command dict's: here by name)."""
    calls = {name: c for name, (c, _r, _f) in s.live_stats().commands.items() if c}
    out: list[tuple[bytes, Reply]] = []
    if len(argv) == 2:
        for name in sorted(calls):
            out.append((name.encode(), _histogram(calls[name])))
        return Map(out)
    for arg in argv[2:]:
        want = c_string(arg).lower().decode("utf-8", "surrogateescape")
        if want in calls:
            out.append((want.encode(), _histogram(calls[want])))
        if "|" not in want:
            for name in sorted(n for n in calls if n.startswith(want + "|")):
                out.append((name.encode(), _histogram(calls[name])))
    return Map(out)
