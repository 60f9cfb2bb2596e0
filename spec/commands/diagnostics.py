"""SLOWLOG (``slowlog.c``'s ``slowlogCommand``), MEMORY STATS / DOCTOR / PURGE / MALLOC-STATS
(``object.c``'s ``memoryCommand``; USAGE is in ``spec.commands.object``) and LATENCY (``latency.c``'s ``latencyCommand``):
read and reset the slow log and the latency monitor that ``call`` feeds (``spec.slowlog``,
``spec.latency``)."""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

from ..cstr import c_string, c_text
from ..errors import subcommand_syntax
from ..info import memory_model
from ..latency import (
    LATENCY_TS_LEN,
    event_samples,
    latency_graph,
    latency_report,
    latency_reset,
    ts_of,
)
from ..memory import EXPIRE_ENTRY_COST, functions_memory
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


# -- MEMORY STATS / DOCTOR / PURGE / MALLOC-STATS -------------------------------------------------

_MEMORY_HELP = [Status(line) for line in help_lines("MEMORY", [
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
])]


def _f32(x: float) -> float:
    """``x`` rounded to a C ``float`` (Redis keeps these ratios in floats)."""
    return float(struct.unpack("f", struct.pack("f", x))[0])


def _percent(part: int, whole: int) -> float:
    """``(float) part * 100 / whole`` in C float arithmetic."""
    return _f32(_f32(_f32(part) * 100) / _f32(whole))


class _Mem(NamedTuple):
    used: int
    overhead: int
    startup: int
    normal: int
    keys: int
    net: int
    dbs: list[Any]
    clients: int
    scripts: int
    functions: int


def _memory_figures(s: Step) -> _Mem:
    """``getMemoryOverheadData`` over the memory model (the same figures as INFO memory):
    no allocator or RSS overhead is modelled, so every fragmentation ratio is 1."""
    clients = len(s.clients)  # a script's fake client is not linked in server.clients
    dbs = [s.open_db(i) for i in range(s.db_count())]
    used, overhead, startup, normal = memory_model(dbs, clients)
    net = used - startup if used > startup else 1
    sc = s.part("scripting")
    return _Mem(used, overhead, startup, normal, sum(d.size() for d in dbs), net, dbs, clients,
                len(sc.scripts), functions_memory(sc.libraries))


@command("memory|help")
def memory_help(s: Step, argv: list[bytes]) -> Reply:
    """MEMORY HELP: the usage lines."""
    return list(_MEMORY_HELP)


@command("memory|stats")
def memory_stats(s: Step, argv: list[bytes]) -> Reply:
    """MEMORY STATS: the fields of ``getMemoryOverheadData`` in 7.0.15's order, one nested
    map per non-empty database, from the memory model."""
    m = _memory_figures(s)
    used, overhead, net = m.used, m.overhead, m.net
    out: list[tuple[bytes, Reply]] = [
        (b"peak.allocated", used), (b"total.allocated", used),
        (b"startup.allocated", m.startup), (b"replication.backlog", 0),
        (b"clients.slaves", 0), (b"clients.normal", m.normal), (b"cluster.links", 0),
        (b"aof.buffer", 0), (b"lua.caches", 0), (b"functions.caches", m.functions),
    ]
    for d in m.dbs:
        if d.size():
            out.append((b"db.%d" % d.id, Map([
                (b"overhead.hashtable.main", 32 * d.size()),
                (b"overhead.hashtable.expires", EXPIRE_ENTRY_COST * len(d.expires)),
                (b"overhead.hashtable.slot-to-keys", 0)])))
    keys = m.keys
    dataset = used - overhead
    out += [
        (b"overhead.total", overhead), (b"keys.count", keys),
        (b"keys.bytes-per-key", net // keys if keys else 0), (b"dataset.bytes", dataset),
        (b"dataset.percentage", _percent(dataset, net)),
        (b"peak.percentage", _percent(used, used)),
        (b"allocator.allocated", used), (b"allocator.active", used),
        (b"allocator.resident", used), (b"allocator-fragmentation.ratio", 1.0),
        (b"allocator-fragmentation.bytes", 0), (b"allocator-rss.ratio", 1.0),
        (b"allocator-rss.bytes", 0), (b"rss-overhead.ratio", 1.0), (b"rss-overhead.bytes", 0),
        (b"fragmentation", 1.0), (b"fragmentation.bytes", 0),
    ]
    return Map(out)


_DOCTOR_EMPTY = ("Hi Sam, this instance is empty or is using very little memory, my issues "
                 "detector can't be used in these conditions. Please, leave for your mission on "
                 "Earth and fill it with some data. The new Sam and I will be back to our "
                 "programming as soon as I finished rebooting.\n")
_DOCTOR_FINE = ("Hi Sam, I can't find any memory issue in your instance. I can only account for "
                "what occurs on this base.\n")
_DOCTOR_CLIENTS = (
    " * Big client buffers: The clients output buffers in this instance are greater than 200K "
    "per client (on average). This may result from different causes, like Pub/Sub clients "
    "subscribed to channels bot not receiving data fast enough, so that data piles on the "
    "Redis instance output buffer, or clients sending commands with large replies or very "
    "large sequences of commands in the same pipeline. Please use the CLIENT LIST command in "
    "order to investigate the issue if it causes problems in your instance, or to understand "
    "better why certain clients are using a big amount of memory.\n\n")
_DOCTOR_SCRIPTS = (
    " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). "
    "This may be because scripts are generated and `EVAL`ed, instead of being parameterized "
    "(with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called "
    "periodically, the scripts' caches may end up consuming most of your memory.\n\n")


@command("memory|doctor")
def memory_doctor(s: Step, argv: list[bytes]) -> Reply:
    """MEMORY DOCTOR: ``getMemoryDoctorReport`` over the memory model. Below 5 MB the instance
    is "empty"; above, of Redis's checks only the client buffers (200 KB per client) and the
    script cache (1000 scripts) can trip here: the model has no peak, fragmentation or RSS
    overhead."""
    m = _memory_figures(s)
    if m.used < 5 * 1024 * 1024:
        return Verbatim(_DOCTOR_EMPTY.encode())
    reports = []
    if m.normal // m.clients > 1024 * 200:
        reports.append(_DOCTOR_CLIENTS)
    if m.scripts > 1000:
        reports.append(_DOCTOR_SCRIPTS)
    if not reports:
        return Verbatim(_DOCTOR_FINE.encode())
    text = ("Sam, I detected a few issues in this Redis instance memory implants:\n\n"
            + "".join(reports) + "I'm here to keep you safe, Sam. I want to help you.\n")
    return Verbatim(text.encode())


@command("memory|malloc-stats")
def memory_malloc_stats(s: Step, argv: list[bytes]) -> Reply:
    """MEMORY MALLOC-STATS: what a Redis built with libc malloc answers (INFO's
    ``mem_allocator:libc``; jemalloc's statistics are not modelled)."""
    return b"Stats not supported for the current allocator"


@command("memory|purge")
def memory_purge(s: Step, argv: list[bytes]) -> Reply:
    """MEMORY PURGE: nothing to purge with libc malloc; OK."""
    return OK
