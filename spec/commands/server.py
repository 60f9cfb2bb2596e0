"""Server administration commands: INFO, CONFIG GET/SET/RESETSTAT/HELP, TIME (``server.c``,
``config.c``)."""

from __future__ import annotations

from typing import Any

from ..acl import set_requirepass
from ..aof import aof_info, start_append_only, stop_append_only
from ..backlog import CONFIG_REPL_BACKLOG_MIN_SIZE, backlog_memory, repl_buffer_mem
from ..config import (
    NAMES,
    NO_REBIND,
    PARAMS,
    format_value,
    glob_matcher,
    lookup_param,
    set_value,
    validate,
)
from ..configfile import config_rewrite
from ..evict import perform_evictions
from ..info import info_text, select_sections
from ..listen import UNABLE_TO_LISTEN, listen_outcome
from ..loading import loading_info
from ..memory import eval_scripts_memory, functions_memory
from ..persist import bgsave_info
from ..replication import info_replication, refresh_good_replicas, resize_replication_backlog
from ..reply import OK, Err, Map, Reply, Status, Verbatim, help_lines
from ..state import AOF_OFF, Stats
from ..step import Step
from .registry import command

_CONFIG_HELP = help_lines("CONFIG", [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
])


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


@command("info")
def info(s: Step, argv: list[bytes]) -> Reply:
    """INFO [section ...]: the server report (``infoCommand``); a verbatim string in RESP3."""
    sections, all_, everything = select_sections(argv[1:])
    dbs = [s.open_db(i) for i in range(s.db_count())] if "keyspace" in sections or all_ \
        or "memory" in sections else []
    stats = s.live_stats()
    ps = s.part("pubsub")
    aof_vals, aof_extra = aof_info(s.part("aof"), bool(s.config["appendonly"]), s.now_ms)
    rp = s.part("repl")
    text = info_text(
        sections=sections, all_=all_, everything=everything, config=s.config, stats=stats,
        dbs=dbs, clients=len(s.clients),  # a script's fake client is not one of them
        now_ms=s.now_ms, start_time_ms=s.base.start_time_ms, run_id=s.base.run_id,
        dirty=s.dirty, avg_ttl=s.cron.avg_ttl,
        pubsub=(len(ps.channels), len(ps.patterns), len(ps.shard_channels)),
        blocked=_blocked_counts(s), cached_scripts=len(s.part("scripting").scripts),
        functions=_function_counts(s),
        persist=_persist_info(s),
        tracking=_tracking_counts(s),
        loading=loading_info(s.base, s.now_ms),
        bgsave=_persistence_values(s, aof_vals) if "persistence" in sections
        or "stats" in sections or all_ else None,
        aof_extra=aof_extra,
        scripts_eval_mem=eval_scripts_memory(s.part("scripting").scripts.values()),
        config_file=s.part("configfile").path,
        replication=info_replication(s) if "replication" in sections or all_ else None,
        sync_stats=(rp.sync_full, rp.sync_partial_ok, rp.sync_partial_err),
        repl_mem=_replication_memory(rp),
        migrate_cached_sockets=len(s.part("migrate")),
    )
    return Verbatim(text.encode("utf-8", "surrogateescape"))


def _replication_memory(rp: Any) -> tuple[int, int, int]:
    """INFO memory's ``mem_replication_backlog``, ``mem_total_replication_buffers`` and
    ``mem_clients_slaves`` (the shared replication buffer's split: spec.backlog)."""
    if rp.backlog is None:
        return 0, 0, 0
    backlog, slaves = backlog_memory(rp.backlog, len(rp.replicas))
    return backlog, repl_buffer_mem(rp.backlog), slaves


def _persistence_values(s: Step, aof_vals: dict[str, object]) -> dict[str, object]:
    """INFO's BGSAVE and AOF fields over their idle defaults (``spec.persist.bgsave_info``,
    ``spec.aof.aof_info``)."""
    values = bgsave_info(s)
    values.update(aof_vals)
    return values


def _function_counts(s: Step) -> tuple[int, int, int]:
    """INFO's functions fields: functions, libraries, ``functionsMemoryEngine``."""
    sc = s.part("scripting")
    return len(sc.functions), len(sc.libraries), functions_memory(sc.libraries)
def _persist_info(s: Step) -> tuple[int, int, int, int]:
    """INFO persistence's ``lastsave``, ``rdb_saves`` and the last load's key counts."""
    p = s.part("persist")
    return p.lastsave_s, p.saves, p.load_loaded, p.load_expired


def _tracking_counts(s: Step) -> tuple[int, int, int, int]:
    """INFO's ``tracking_clients`` and ``tracking_total_keys`` / ``_items`` / ``_prefixes``
    (spec.tracking)."""
    t = s.part("tracking")
    n = sum(1 for c in s.clients.values() if c.id != s.client.id and "tracking" in c.flags)
    n += "tracking" in s.client.flags
    return n, len(t.table), t.items, len(t.prefixes)


def _blocked_counts(s: Step) -> tuple[int, int]:
    """INFO's ``blocked_clients`` and ``clients_in_timeout_table`` (spec.blocking)."""
    bc = s.part("blocking").clients
    return len(bc), sum(1 for d in bc.values() if d)


@command("time")
def time_(s: Step, argv: list[bytes]) -> Reply:
    """TIME: [unix seconds, microseconds] of ``s.now_ms``."""
    return [b"%d" % (s.now_ms // 1000), b"%d" % ((s.now_ms % 1000) * 1000)]


@command("config|rewrite")
def config_rewrite_cmd(s: Step, argv: list[bytes]) -> Reply:
    """CONFIG REWRITE (``configRewriteCommand``): the config file rewritten for the live
    configuration (``spec.configfile``); an error without a file or when writing fails."""
    err = config_rewrite(s)
    return OK if err is None else Err(err)


@command("config|help")
def config_help(s: Step, argv: list[bytes]) -> Reply:
    """CONFIG HELP (``addReplyHelp``)."""
    return [Status(line) for line in _CONFIG_HELP]


@command("config|get")
def config_get(s: Step, argv: list[bytes]) -> Reply:
    """CONFIG GET pattern [pattern ...] (``configGetCommand``).

    A name without glob characters is looked up exactly (ignoring case) and replied under the
    spelling given; a pattern matches every non-hidden name and alias. A parameter is
    reported once. Redis replies in its hash table's order, which varies between runs; this
    server replies in request order, then table order within a pattern.
    """
    found: dict[str, tuple[str, Any]] = {}  # lowercase registered name -> (reply name, param)
    names = _all_names()
    for raw in argv[2:]:
        pat = _text(raw)
        if not any(c in pat for c in "[*?"):
            hit = lookup_param(pat)
            if hit is not None and hit[0] not in found:
                found[hit[0]] = (pat, hit[1])
            continue
        match = glob_matcher(pat)
        for reg, p in names:
            if p.hidden or reg in found:
                continue
            if match(reg):
                found[reg] = (reg, p)
    cfg = s.config
    return Map((name.encode("utf-8", "surrogateescape"),
                format_value(p, cfg[p.name]).encode("utf-8", "surrogateescape"))
               for name, p in found.values())


_NAMES_CACHE: list[tuple[str, Any]] = []


def _all_names() -> list[tuple[str, Any]]:
    if not _NAMES_CACHE:
        _NAMES_CACHE.extend((n, p) for n, (_, p) in NAMES.items())
    return _NAMES_CACHE


def _is_local(addr: str) -> bool:
    return addr.startswith("127.") or addr.startswith("::1") or addr.startswith("[::1]") \
        or addr.startswith("/")


@command("config|set")
def config_set(s: Step, argv: list[bytes]) -> Reply:
    """CONFIG SET name value [name value ...] (``configSetCommand``): all or nothing.

    Checks, in Redis's order: an even number of arguments; every name known (the first
    unknown one is named); none immutable or protected; none given twice; then each value
    parses. Any failure leaves every parameter unchanged.
    """
    if len(argv) % 2:
        return Err("ERR syntax error")
    pairs = [(_text(argv[i]), _text(argv[i + 1])) for i in range(2, len(argv), 2)]
    chosen: list[tuple[str, Any, str]] = []
    bad_name: str | None = None
    err: tuple[str, str] | None = None
    for name, value in pairs:
        hit = lookup_param(name)
        if hit is None:
            if bad_name is None and err is None:
                bad_name = name
            continue
        if bad_name is not None or err is not None:
            continue
        reg, p = hit
        if not p.mutable:
            err = (name, "can't set immutable config")
            continue
        if p.protected and not _protected_allowed(s):
            err = (name, "can't set protected config")
            continue
        if any(r == reg for r, _, _ in chosen):
            err = (name, "duplicate parameter")
            continue
        chosen.append((reg, p, value))
    if bad_name is not None:
        return Err(f"ERR Unknown option or number of arguments for CONFIG SET - '{bad_name}'")
    if err is not None:
        return Err(f"ERR CONFIG SET failed (possibly related to argument '{err[0]}') - {err[1]}")
    cfg = s.config
    m = cfg.mutate()
    for reg, p, value in chosen:
        v = set_value(p, value, m)  # type: ignore[arg-type]
        if type(v) is tuple:
            return Err(f"ERR CONFIG SET failed (possibly related to argument '{reg}') - {v[0]}")
        problem = validate(p, v)
        if problem is not None:
            return Err(f"ERR CONFIG SET failed (possibly related to argument '{reg}') - {problem}")
        m[p.name] = v
    if m["port"] != cfg["port"]:
        # ``updatePort``, the apply function of a changed port, listens on it at once; when it
        # cannot, every parameter of this CONFIG SET keeps its old value (``restoreBackupConfig``)
        if m["port"] and not listen_outcome(s, m["port"]):
            return Err("ERR CONFIG SET failed (possibly related to argument 'port') - "
                       + UNABLE_TO_LISTEN)
        s.listen_port = m["port"]
    if m["bind"] != cfg["bind"]:
        # ``updateBindAddr`` rebinds every listener at once; the world side of that (the
        # listen outcomes of spec.listen are per port, not per address) does not exist yet
        return Err("ERR CONFIG SET failed (possibly related to argument 'bind') - " + NO_REBIND)
    old_maxmemory = cfg["maxmemory"]
    s.config = m.finish()
    if s.config["appendonly"] != cfg["appendonly"]:
        # ``updateAppendonly``: turning AOF on starts the rewrite that writes its first base
        # (``startAppendOnly``); when that cannot start, every parameter keeps its old value
        a = s.part("aof")
        if s.config["appendonly"] and a.status == AOF_OFF:
            if not start_append_only(s):
                s.config = cfg
                return Err("ERR CONFIG SET failed (possibly related to argument 'appendonly') "
                           "- Unable to turn on AOF. Check server logs.")
        elif not s.config["appendonly"] and a.status != AOF_OFF:
            stop_append_only(s)
    if s.config["requirepass"] != cfg["requirepass"]:  # updateRequirePass
        set_requirepass(s, s.config["requirepass"])
    if s.config["repl-backlog-size"] != cfg["repl-backlog-size"]:  # updateReplBacklogSize
        if s.config["repl-backlog-size"] < CONFIG_REPL_BACKLOG_MIN_SIZE:  # and its floor
            s.config = s.config.set("repl-backlog-size", CONFIG_REPL_BACKLOG_MIN_SIZE)
        resize_replication_backlog(s)
    if (s.config["min-replicas-to-write"], s.config["min-replicas-max-lag"]) != (
            cfg["min-replicas-to-write"], cfg["min-replicas-max-lag"]):
        refresh_good_replicas(s)  # updateGoodSlaves
    if s.config["maxmemory"] and s.config["maxmemory"] != old_maxmemory and not s.in_exec:
        # ``updateMaxmemory``, the apply function of a changed maxmemory (a value below used
        # memory only logs a warning; the reply is OK), starts ``evictionTimeProc``: a 0 ms
        # time event, run right after this event-loop iteration's commands, before any other
        # command. That is here, at the end of the command. (Inside EXEC it would run after
        # EXEC; the next command's ``performEvictions`` gate does it here.)
        perform_evictions(s)
    return OK


def _protected_allowed(s: Step) -> bool:
    """``allowProtectedAction`` for enable-protected-configs."""
    mode = s.config["enable-protected-configs"]
    return mode == "yes" or (mode == "local" and _is_local(s.client.addr))


@command("config|resetstat")
def config_resetstat(s: Step, argv: list[bytes]) -> Reply:
    """CONFIG RESETSTAT (``resetServerStats`` + command and error tables): zero the counters.

    The RESETSTAT call itself is then counted, as in Redis.
    """
    s.stats = Stats()
    s.cmd_calls.clear()
    s.error_counts.clear()
    s.error_replies = 0
    s.keyspace_hits = s.keyspace_misses = s.expired_keys = 0
    s.commands_processed = 0
    return OK


__all__ = ["PARAMS"]
