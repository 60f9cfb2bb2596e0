"""The INFO text (Redis's ``genRedisInfoString``), built from the state alone.

Field names and their order are those of Redis 7.0.15. Values come from the spec state where
the state has them (clients, keyspace, counters, config, uptime). Fields that describe the
process rather than the data set — process id, memory bytes, CPU time, fork and I/O-thread
details, latency percentiles — get fixed or modelled values and are not comparable with a
real server (docs/mechanisms/dispatch.md lists them). ``usec`` in commandstats is 0: a pure
specification does not measure time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .memory import CLIENT_COST, EXPIRE_ENTRY_COST, STARTUP_MEMORY

__all__ = ["DEFAULT_SECTIONS", "select_sections", "info_text", "bytes_to_human", "memory_model"]

#: The sections INFO with no argument (or "default") prints (``default_sections``).
DEFAULT_SECTIONS = ("server", "clients", "memory", "persistence", "stats", "replication",
                    "cpu", "module_list", "errorstats", "cluster", "keyspace")

_STARTUP_MEMORY = 876096


#: INFO persistence's fields while an RDB file loads (``spec.loading.loading_info``).
LOADING_FIELDS = ("loading_start_time", "loading_total_bytes", "loading_rdb_used_mem",
                  "loading_loaded_bytes", "loading_loaded_perc", "loading_eta_seconds")


def select_sections(args: Iterable[bytes]) -> tuple[set[str], bool, bool]:
    """``genInfoSectionDict``: (named sections, all, everything) for INFO's arguments."""
    names: set[str] = set()
    all_ = everything = False
    got = False
    for a in args:
        got = True
        low = a.decode("utf-8", "surrogateescape").lower()
        if low == "default":
            names.update(DEFAULT_SECTIONS)
        elif low == "all":
            all_ = True
        elif low == "everything":
            all_ = everything = True
        else:
            names.add(low)
    if not got:
        names.update(DEFAULT_SECTIONS)
    return names, all_, everything


def bytes_to_human(n: int) -> str:
    """``bytesToHuman``: 1023B, 1.00K, 2.50M, ... (up to P; larger values in bytes)."""
    for i, unit in enumerate("KMGTP", start=1):
        if n < 1 << (10 * (i + 1)):
            return f"{n}B" if n < 1 << (10 * i) and i == 1 else f"{n / (1 << (10 * i)):.2f}{unit}"
    return f"{n}B"


def _lld(n: int) -> int:
    """An unsigned 64-bit value printed with ``%lld``, as INFO prints ``maxmemory``: 2**63
    and above show negative (``maxmemory`` 2**64-1 is ``-1``; its ``_human`` is unsigned)."""
    return n - (1 << 64) if n >= 1 << 63 else n


def _estimate_memory(dbs: Iterable[Any], clients: int) -> tuple[int, int]:
    """``used_memory`` and ``used_memory_overhead`` of the memory model (spec.memory): startup
    bytes, the clients, and each database's incrementally kept ``mem``; the overhead counts
    the dict entries and buckets of the keys and expires (``getMemoryOverheadData``)."""
    used = overhead = STARTUP_MEMORY + CLIENT_COST * clients
    for db in dbs:
        used += db.mem
        overhead += 32 * len(db.keys) + EXPIRE_ENTRY_COST * len(db.expires)
    return used, overhead


def memory_model(dbs: Iterable[Any], clients: int) -> tuple[int, int, int, int]:
    """The memory model's figures that INFO memory and MEMORY STATS share: ``used_memory``,
    ``used_memory_overhead``, ``used_memory_startup`` and ``mem_clients_normal``."""
    used, overhead = _estimate_memory(dbs, clients)
    return used, overhead, _STARTUP_MEMORY, _client_memory(clients)


def _client_memory(clients: int) -> int:
    """``mem_clients_normal`` of the memory model: a fixed cost per connected client."""
    return CLIENT_COST * clients


def info_text(*, sections: set[str], all_: bool, everything: bool, config: Any, stats: Any,
              dbs: Any, clients: int, now_ms: int, start_time_ms: int, run_id: str,
              dirty: int, avg_ttl: tuple[int, ...] = (),
              pubsub: tuple[int, int, int] = (0, 0, 0),
              blocked: tuple[int, int] = (0, 0), cached_scripts: int = 0,
              functions: tuple[int, int, int] = (0, 0, 200),
              persist: tuple[int, int, int, int] = (-1, 0, 0, 0),
              tracking: tuple[int, int, int, int] = (0, 0, 0, 0),
              loading: tuple[int, int, int, int, str, int] | None = None,
              bgsave: dict[str, Any] | None = None,
              aof_extra: Any = (),
              scripts_eval_mem: int = 0, config_file: str = "",
              replication: list[tuple[str, Any]] | None = None,
              sync_stats: tuple[int, int, int] = (0, 0, 0),
              repl_mem: tuple[int, int, int] = (0, 0, 0),
              migrate_cached_sockets: int = 0) -> str:
    """The whole INFO reply text for the chosen sections (CRLF line ends). ``bgsave``: the
    values of the BGSAVE fields (persistence, and the fork counters of stats) by name,
    over their idle defaults (``spec.persist.bgsave_info``)."""
    out: list[str] = []

    def over(fields: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return [(k, bgsave.get(k, v)) for k, v in fields] if bgsave else fields

    def want(name: str) -> bool:
        return all_ or name in sections

    def section(title: str, fields: list[tuple[str, Any]] | list[str]) -> None:
        if out:
            out.append("\r\n")
        out.append(f"# {title}\r\n")
        for f in fields:
            if isinstance(f, tuple):
                out.append(f"{f[0]}:{f[1]}\r\n")
            else:
                out.append(f + "\r\n")

    uptime = max(0, (now_ms - start_time_ms) // 1000)
    if want("server"):
        section("Server", [
            ("redis_version", "7.0.15"), ("redis_git_sha1", "00000000"), ("redis_git_dirty", 0),
            ("redis_build_id", "0000000000000000"), ("redis_mode", "standalone"),
            ("os", "redspec"), ("arch_bits", 64), ("monotonic_clock", "redspec"),
            ("multiplexing_api", "asyncio"), ("atomicvar_api", "none"),
            ("gcc_version", "0.0.0"), ("process_id", 0), ("process_supervised", "no"),
            ("run_id", run_id), ("tcp_port", config["port"]),
            ("server_time_usec", now_ms * 1000), ("uptime_in_seconds", uptime),
            ("uptime_in_days", uptime // 86400), ("hz", config["hz"]),
            ("configured_hz", config["hz"]), ("lru_clock", (now_ms // 1000) & ((1 << 24) - 1)),
            ("executable", ""), ("config_file", config_file), ("io_threads_active", 0),
        ])
    if want("clients"):
        section("Clients", [
            ("connected_clients", clients), ("cluster_connections", 0),
            ("maxclients", config["maxclients"]), ("client_recent_max_input_buffer", 0),
            ("client_recent_max_output_buffer", 0), ("blocked_clients", blocked[0]),
            ("tracking_clients", tracking[0]), ("clients_in_timeout_table", blocked[1]),
        ])
    if want("memory"):
        used, overhead = _estimate_memory(dbs, clients)
        maxmem = config["maxmemory"]
        dataset = used - overhead
        section("Memory", [
            ("used_memory", used), ("used_memory_human", bytes_to_human(used)),
            ("used_memory_rss", used), ("used_memory_rss_human", bytes_to_human(used)),
            ("used_memory_peak", used), ("used_memory_peak_human", bytes_to_human(used)),
            ("used_memory_peak_perc", "100.00%"), ("used_memory_overhead", overhead),
            ("used_memory_startup", _STARTUP_MEMORY), ("used_memory_dataset", dataset),
            ("used_memory_dataset_perc",
             f"{(100.0 * dataset / (used - _STARTUP_MEMORY) if used > _STARTUP_MEMORY else 0.0):.2f}%"),
            ("allocator_allocated", used), ("allocator_active", used),
            ("allocator_resident", used), ("total_system_memory", 0),
            ("total_system_memory_human", "0B"), ("used_memory_lua", 32768),
            ("used_memory_vm_eval", 32768), ("used_memory_lua_human", "32.00K"),
            ("used_memory_scripts_eval", scripts_eval_mem),
            ("number_of_cached_scripts", cached_scripts),
            # functions: (number of functions, of libraries, functionsMemoryEngine)
            ("number_of_functions", functions[0]), ("number_of_libraries", functions[1]),
            # the functions engine's Lua VM as a fresh 7.0.15 reports it (not modelled further)
            ("used_memory_vm_functions", 33792), ("used_memory_vm_total", 66560),
            ("used_memory_vm_total_human", "65.00K"), ("used_memory_functions", functions[2]),
            ("used_memory_scripts", scripts_eval_mem + functions[2]),
            ("used_memory_scripts_human", bytes_to_human(scripts_eval_mem + functions[2])),
            ("maxmemory", _lld(maxmem)), ("maxmemory_human", bytes_to_human(maxmem)),
            ("maxmemory_policy", config["maxmemory-policy"]),
            ("allocator_frag_ratio", "1.00"), ("allocator_frag_bytes", 0),
            ("allocator_rss_ratio", "1.00"), ("allocator_rss_bytes", 0),
            ("rss_overhead_ratio", "1.00"), ("rss_overhead_bytes", 0),
            ("mem_fragmentation_ratio", "1.00"), ("mem_fragmentation_bytes", 0),
            ("mem_not_counted_for_evict", 0), ("mem_replication_backlog", repl_mem[0]),
            ("mem_total_replication_buffers", repl_mem[1]), ("mem_clients_slaves", repl_mem[2]),
            ("mem_clients_normal", _client_memory(clients)), ("mem_cluster_links", 0), ("mem_aof_buffer", 0),
            ("mem_allocator", "libc"), ("active_defrag_running", 0),
            ("lazyfree_pending_objects", 0), ("lazyfreed_objects", stats.lazyfreed_objects),
        ])
    if want("persistence"):
        section("Persistence", over([
            ("loading", 0 if loading is None else 1), ("async_loading", 0),
            ("current_cow_peak", 0),
            ("current_cow_size", 0), ("current_cow_size_age", 0),
            ("current_fork_perc", "0.00"), ("current_save_keys_processed", 0),
            ("current_save_keys_total", 0), ("rdb_changes_since_last_save", dirty),
            ("rdb_bgsave_in_progress", 0),
            ("rdb_last_save_time", start_time_ms // 1000 if persist[0] < 0 else persist[0]),
            ("rdb_last_bgsave_status", "ok"), ("rdb_last_bgsave_time_sec", -1),
            ("rdb_current_bgsave_time_sec", -1), ("rdb_saves", persist[1]), ("rdb_last_cow_size", 0),
            ("rdb_last_load_keys_expired", persist[3]),
            ("rdb_last_load_keys_loaded", persist[2]),
            ("aof_enabled", 1 if config["appendonly"] else 0),
            ("aof_rewrite_in_progress", 0), ("aof_rewrite_scheduled", 0),
            ("aof_last_rewrite_time_sec", -1), ("aof_current_rewrite_time_sec", -1),
            ("aof_last_bgrewrite_status", "ok"), ("aof_rewrites", 0),
            ("aof_rewrites_consecutive_failures", 0), ("aof_last_write_status", "ok"),
            ("aof_last_cow_size", 0), ("module_fork_in_progress", 0),
            ("module_fork_last_cow_size", 0),
        ]) + list(aof_extra) + ([] if loading is None else list(zip(LOADING_FIELDS, loading, strict=True))))
    if want("stats"):
        st = stats
        section("Stats", over([
            ("total_connections_received", st.total_connections_received),
            ("total_commands_processed", st.total_commands_processed),
            ("instantaneous_ops_per_sec", 0),
            ("total_net_input_bytes", st.total_net_input_bytes),
            ("total_net_output_bytes", st.total_net_output_bytes),
            ("total_net_repl_input_bytes", 0), ("total_net_repl_output_bytes", 0),
            ("instantaneous_input_kbps", "0.00"), ("instantaneous_output_kbps", "0.00"),
            ("instantaneous_input_repl_kbps", "0.00"), ("instantaneous_output_repl_kbps", "0.00"),
            ("rejected_connections", st.rejected_connections), ("sync_full", sync_stats[0]),
            ("sync_partial_ok", sync_stats[1]), ("sync_partial_err", sync_stats[2]), ("expired_keys", st.expired_keys),
            ("expired_stale_perc", f"{st.expired_stale_perc * 100:.2f}"),
            ("expired_time_cap_reached_count", st.expired_time_cap_reached_count),
            ("expire_cycle_cpu_milliseconds", st.expire_cycle_time_used_us // 1000),
            ("evicted_keys", stats.evicted_keys), ("evicted_clients", 0),
            ("total_eviction_exceeded_time", 0), ("current_eviction_exceeded_time", 0),
            ("keyspace_hits", st.keyspace_hits), ("keyspace_misses", st.keyspace_misses),
            ("pubsub_channels", pubsub[0]), ("pubsub_patterns", pubsub[1]),
            ("pubsubshard_channels", pubsub[2]),
            ("latest_fork_usec", 0), ("total_forks", 0),
            ("migrate_cached_sockets", migrate_cached_sockets),
            ("slave_expires_tracked_keys", 0), ("active_defrag_hits", 0),
            ("active_defrag_misses", 0), ("active_defrag_key_hits", 0),
            ("active_defrag_key_misses", 0), ("total_active_defrag_time", 0),
            ("current_active_defrag_time", 0), ("tracking_total_keys", tracking[1]),
            ("tracking_total_items", tracking[2]),
            ("tracking_total_prefixes", tracking[3]),
            ("unexpected_error_replies", st.unexpected_error_replies),
            ("total_error_replies", st.total_error_replies),
            ("dump_payload_sanitizations", 0), ("total_reads_processed", 0),
            ("total_writes_processed", 0), ("io_threaded_reads_processed", 0),
            ("io_threaded_writes_processed", 0), ("reply_buffer_shrinks", 0),
            ("reply_buffer_expands", 0),
        ]))
    if want("replication"):
        section("Replication", replication if replication is not None else [
            ("role", "master"), ("connected_slaves", 0),
            ("master_failover_state", "no-failover"), ("master_replid", run_id),
            ("master_replid2", "0" * 40), ("master_repl_offset", 0),
            ("second_repl_offset", -1), ("repl_backlog_active", 0),
            ("repl_backlog_size", config["repl-backlog-size"]),
            ("repl_backlog_first_byte_offset", 0), ("repl_backlog_histlen", 0),
        ])
    if want("cpu"):
        section("CPU", [
            ("used_cpu_sys", "0.000000"), ("used_cpu_user", "0.000000"),
            ("used_cpu_sys_children", "0.000000"), ("used_cpu_user_children", "0.000000"),
            ("used_cpu_sys_main_thread", "0.000000"), ("used_cpu_user_main_thread", "0.000000"),
        ])
    if all_ or "module_list" in sections or "modules" in sections:
        section("Modules", [])
    if want("commandstats"):
        section("Commandstats", [
            f"cmdstat_{name}:calls={c},usec=0,usec_per_call=0.00,rejected_calls={r},"
            f"failed_calls={f}"
            for name, (c, r, f) in _ordered(stats.commands) if c or r or f
        ])
    if want("errorstats"):
        section("Errorstats", [f"errorstat_{code}:count={n}"
                               for code, n in sorted(stats.errors.items())])
    if want("latencystats"):
        section("Latencystats", [
            f"latency_percentiles_usec_{name}:p50=0.001,p99=0.001,p99.9=0.001"
            for name, (c, _r, _f) in _ordered(stats.commands) if c
        ])
    if want("cluster"):
        section("Cluster", [("cluster_enabled", 0)])
    if want("keyspace"):
        lines = []
        for i, db in enumerate(dbs):
            n = len(db.keys)
            if n:
                ttl = avg_ttl[i] if i < len(avg_ttl) else 0  # kept by activeExpireCycle
                lines.append(f"db{i}:keys={n},expires={len(db.expires)},avg_ttl={ttl}")
        section("Keyspace", lines)
    return "".join(out)


def _ordered(m: Any) -> list[tuple[str, tuple[int, int, int]]]:
    """Per-command counters in name order (Redis's dict order is not stable across runs)."""
    return sorted(m.items())
