"""Configuration parameters (Redis's ``config.c`` table): names, types, defaults, limits.

The live values are ``ServerState.config``, a persistent map from canonical name to a typed
value: ``int`` for numeric parameters (percent parameters store a negative number, as Redis
does), ``bool`` for yes/no, ``str`` for strings, enums and the "special" parameters (which are
kept in the exact text CONFIG GET prints: ``save``, ``bind``, ``client-output-buffer-limit``,
...). CONFIG GET/SET and the config file go through :func:`set_value` and :func:`format_value`,
so every parameter is spelt one way everywhere.

:data:`PARAMS` lists every parameter Redis 7.0.15 (built with TLS) answers to, including the
hidden ones that only an exact name reaches. Most have no effect in this server yet; the ones
that do are listed in :data:`EFFECTIVE` (see docs/mechanisms/dispatch.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from immutables import Map

from .glob import compile_glob
from .resp import sdscatrepr, split_args

__all__ = [
    "Param",
    "PARAMS",
    "ALIASES",
    "NAMES",
    "EFFECTIVE",
    "default_config",
    "lookup_param",
    "format_value",
    "set_value",
    "glob_match",
    "glob_matcher",
    "memtoull",
    "REWRITE_SIGNATURE",
    "format_memory",
    "read_old_config",
    "rewrite_config",
]

_INT_MAX = (1 << 31) - 1
_INT_MIN = -(1 << 31)
_UINT_MAX = (1 << 32) - 1
_LONG_MAX = (1 << 63) - 1
_LLONG_MAX = _LONG_MAX
_ULLONG_MAX = (1 << 64) - 1


@attrs.frozen(slots=True)
class Param:
    """One parameter (``standardConfig``).

    ``kind``: "bool", "int" (any numeric type), "memory" (numeric that accepts 1gb etc.),
    "string", "enum", "special". ``mutable``: CONFIG SET allowed at run time (not
    ``IMMUTABLE_CONFIG``). ``unsigned``: the bound check compares as unsigned (Redis's uint,
    unsigned long long and size_t parameters). ``percent``/``octal``: ``PERCENT_CONFIG`` /
    ``OCTAL_CONFIG``. ``protected``: ``PROTECTED_CONFIG`` (refused unless
    enable-protected-configs allows it). ``hidden``: only an exact name reaches it.
    ``alias``: the old name Redis also accepts. ``empty_is_null``: a string parameter whose
    empty value means "unset".
    """

    name: str
    kind: str
    default: Any
    mutable: bool = True
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    alias: str | None = None
    unsigned: bool = False
    percent: bool = False
    octal: bool = False
    protected: bool = False
    hidden: bool = False
    sensitive: bool = False


def _b(name: str, default: bool, mutable: bool = True, alias: str | None = None,
       hidden: bool = False) -> Param:
    return Param(name, "bool", default, mutable=mutable, alias=alias, hidden=hidden)


def _s(name: str, default: str, mutable: bool = True, alias: str | None = None,
       protected: bool = False, sensitive: bool = False) -> Param:
    return Param(name, "string", default, mutable=mutable, alias=alias, protected=protected,
                 sensitive=sensitive)


def _e(name: str, default: str, choices: tuple[str, ...], mutable: bool = True) -> Param:
    return Param(name, "enum", default, mutable=mutable, choices=choices)


def _n(name: str, default: int, lo: int, hi: int, mutable: bool = True, alias: str | None = None,
       unsigned: bool = False, hidden: bool = False, octal: bool = False) -> Param:
    return Param(name, "int", default, mutable=mutable, min=lo, max=hi, alias=alias,
                 unsigned=unsigned, hidden=hidden, octal=octal)


def _m(name: str, default: int, lo: int, hi: int, alias: str | None = None,
       unsigned: bool = False, percent: bool = False) -> Param:
    return Param(name, "memory", default, min=lo, max=hi, alias=alias, unsigned=unsigned,
                 percent=percent)


def _x(name: str, default: str, mutable: bool = True, alias: str | None = None,
       protected: bool = False) -> Param:
    return Param(name, "special", default, mutable=mutable, alias=alias, protected=protected)


_PROTECTED_ACTION = ("no", "yes", "local")

PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        # yes/no parameters
        _b("rdbchecksum", True, mutable=False),
        _b("daemonize", False, mutable=False),
        _b("io-threads-do-reads", False, mutable=False),
        _b("always-show-logo", False, mutable=False),
        _b("protected-mode", True),
        _b("rdbcompression", True),
        _b("rdb-del-sync-files", False),
        _b("activerehashing", True),
        _b("stop-writes-on-bgsave-error", True),
        _b("set-proc-title", True, mutable=False),
        _b("dynamic-hz", True),
        _b("lazyfree-lazy-eviction", False),
        _b("lazyfree-lazy-expire", False),
        _b("lazyfree-lazy-server-del", False),
        _b("lazyfree-lazy-user-del", False),
        _b("lazyfree-lazy-user-flush", False),
        _b("repl-disable-tcp-nodelay", False),
        _b("repl-diskless-sync", True),
        _b("aof-rewrite-incremental-fsync", True),
        _b("no-appendfsync-on-rewrite", False),
        _b("cluster-require-full-coverage", True),
        _b("rdb-save-incremental-fsync", True),
        _b("aof-load-truncated", True),
        _b("aof-use-rdb-preamble", True),
        _b("aof-timestamp-enabled", False),
        _b("cluster-replica-no-failover", False, alias="cluster-slave-no-failover"),
        _b("replica-lazy-flush", False, alias="slave-lazy-flush"),
        _b("replica-serve-stale-data", True, alias="slave-serve-stale-data"),
        _b("replica-read-only", True, alias="slave-read-only"),
        _b("replica-ignore-maxmemory", True, alias="slave-ignore-maxmemory"),
        _b("jemalloc-bg-thread", True),
        _b("activedefrag", False),
        _b("syslog-enabled", False, mutable=False),
        _b("cluster-enabled", False, mutable=False),
        _b("appendonly", False),
        _b("cluster-allow-reads-when-down", False),
        _b("cluster-allow-pubsubshard-when-down", True),
        _b("crash-log-enabled", True),
        _b("crash-memcheck-enabled", True),
        _b("use-exit-on-panic", False, hidden=True),
        _b("disable-thp", True, mutable=False),
        _b("cluster-allow-replica-migration", True),
        _b("replica-announced", True),
        _b("latency-tracking", True),
        _b("aof-disable-auto-gc", False),
        _b("replica-ignore-disk-write-errors", False),
        _b("tls-cluster", False),
        _b("tls-replication", False),
        _b("tls-prefer-server-ciphers", False),
        _b("tls-session-caching", True),
        # strings
        _s("aclfile", "", mutable=False),
        _s("unixsocket", "", mutable=False),
        _s("pidfile", "", mutable=False),
        _s("replica-announce-ip", "", alias="slave-announce-ip"),
        _s("masteruser", "", sensitive=True),
        _s("cluster-announce-ip", ""),
        _s("cluster-config-file", "nodes.conf", mutable=False),
        _s("cluster-announce-hostname", ""),
        _s("syslog-ident", "redis", mutable=False),
        _s("dbfilename", "dump.rdb", protected=True),
        _s("appendfilename", "appendonly.aof", mutable=False),
        _s("appenddirname", "appendonlydir", mutable=False),
        _s("server_cpulist", "", mutable=False),
        _s("bio_cpulist", "", mutable=False),
        _s("aof_rewrite_cpulist", "", mutable=False),
        _s("bgsave_cpulist", "", mutable=False),
        _s("ignore-warnings", ""),
        _s("proc-title-template", "{title} {listen-addr} {server-mode}"),
        _s("bind-source-addr", ""),
        _s("logfile", "", mutable=False),
        _s("masterauth", "", sensitive=True),
        _s("requirepass", "", sensitive=True),
        _s("tls-cert-file", ""),
        _s("tls-key-file", ""),
        _s("tls-key-file-pass", ""),
        _s("tls-client-cert-file", ""),
        _s("tls-client-key-file", ""),
        _s("tls-client-key-file-pass", ""),
        _s("tls-dh-params-file", ""),
        _s("tls-ca-cert-file", ""),
        _s("tls-ca-cert-dir", ""),
        _s("tls-protocols", ""),
        _s("tls-ciphers", ""),
        _s("tls-ciphersuites", ""),
        # enums
        _e("supervised", "no", ("upstart", "systemd", "auto", "no"), mutable=False),
        _e("syslog-facility", "local0",
           ("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
            "local7"), mutable=False),
        _e("repl-diskless-load", "disabled", ("disabled", "on-empty-db", "swapdb")),
        _e("loglevel", "notice", ("debug", "verbose", "notice", "warning")),
        _e("maxmemory-policy", "noeviction",
           ("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
            "allkeys-lfu", "allkeys-random", "noeviction")),
        _e("appendfsync", "everysec", ("everysec", "always", "no")),
        _e("oom-score-adj", "no", ("no", "yes", "relative", "absolute")),
        _e("acl-pubsub-default", "resetchannels", ("allchannels", "resetchannels")),
        _e("sanitize-dump-payload", "no", ("no", "yes", "clients")),
        _e("enable-protected-configs", "no", _PROTECTED_ACTION, mutable=False),
        _e("enable-debug-command", "no", _PROTECTED_ACTION, mutable=False),
        _e("enable-module-command", "no", _PROTECTED_ACTION, mutable=False),
        _e("cluster-preferred-endpoint-type", "ip", ("ip", "hostname", "unknown-endpoint")),
        _e("propagation-error-behavior", "ignore",
           ("ignore", "panic", "panic-on-replicas")),
        _e("shutdown-on-sigint", "default", ("default", "save", "nosave", "now", "force")),
        _e("shutdown-on-sigterm", "default", ("default", "save", "nosave", "now", "force")),
        _e("tls-auth-clients", "yes", ("no", "yes", "optional")),
        # numbers
        _n("databases", 16, 1, _INT_MAX, mutable=False),
        _n("port", 6379, 0, 65535),
        _n("io-threads", 1, 1, 128, mutable=False),
        _n("auto-aof-rewrite-percentage", 100, 0, _INT_MAX),
        _n("cluster-replica-validity-factor", 10, 0, _INT_MAX,
           alias="cluster-slave-validity-factor"),
        _n("list-max-listpack-size", -2, _INT_MIN, _INT_MAX, alias="list-max-ziplist-size"),
        _n("tcp-keepalive", 300, 0, _INT_MAX),
        _n("cluster-migration-barrier", 1, 0, _INT_MAX),
        _n("active-defrag-cycle-min", 1, 1, 99),
        _n("active-defrag-cycle-max", 25, 1, 99),
        _n("active-defrag-threshold-lower", 10, 0, 1000),
        _n("active-defrag-threshold-upper", 100, 0, 1000),
        _n("lfu-log-factor", 10, 0, _INT_MAX),
        _n("lfu-decay-time", 1, 0, _INT_MAX),
        _n("replica-priority", 100, 0, _INT_MAX, alias="slave-priority"),
        _n("repl-diskless-sync-delay", 5, 0, _INT_MAX),
        _n("maxmemory-samples", 5, 1, _INT_MAX),
        _n("maxmemory-eviction-tenacity", 10, 0, 100),
        _n("timeout", 0, 0, _INT_MAX),
        _n("replica-announce-port", 0, 0, 65535, alias="slave-announce-port"),
        _n("tcp-backlog", 511, 0, _INT_MAX, mutable=False),
        _n("cluster-port", 0, 0, 65535, mutable=False),
        _n("cluster-announce-bus-port", 0, 0, 65535),
        _n("cluster-announce-port", 0, 0, 65535),
        _n("cluster-announce-tls-port", 0, 0, 65535),
        _n("repl-timeout", 60, 1, _INT_MAX),
        _n("repl-ping-replica-period", 10, 1, _INT_MAX, alias="repl-ping-slave-period"),
        _n("list-compress-depth", 0, 0, _INT_MAX),
        _n("rdb-key-save-delay", 0, _INT_MIN, _INT_MAX, hidden=True),
        _n("key-load-delay", 0, _INT_MIN, _INT_MAX, hidden=True),
        _n("active-expire-effort", 1, 1, 10),
        _n("hz", 10, 0, _INT_MAX),
        _n("min-replicas-to-write", 0, 0, _INT_MAX, alias="min-slaves-to-write"),
        _n("min-replicas-max-lag", 10, 0, _INT_MAX, alias="min-slaves-max-lag"),
        _n("watchdog-period", 0, 0, _INT_MAX, hidden=True),
        _n("shutdown-timeout", 10, 0, _INT_MAX),
        _n("repl-diskless-sync-max-replicas", 0, 0, _INT_MAX),
        _n("maxclients", 10000, 1, _UINT_MAX, unsigned=True),
        _n("unixsocketperm", 0, 0, 0o777, mutable=False, unsigned=True, octal=True),
        _n("socket-mark-id", 0, 0, _UINT_MAX, mutable=False, unsigned=True),
        _n("active-defrag-max-scan-fields", 1000, 1, _LONG_MAX),
        _n("slowlog-max-len", 128, 0, _LONG_MAX),
        _n("acllog-max-len", 128, 0, _LONG_MAX),
        _n("busy-reply-threshold", 5000, 0, _LONG_MAX, alias="lua-time-limit"),
        _n("cluster-node-timeout", 15000, 0, _LLONG_MAX),
        _n("slowlog-log-slower-than", 10000, -1, _LLONG_MAX),
        _n("latency-monitor-threshold", 0, 0, _LLONG_MAX),
        _m("proto-max-bulk-len", 512 * 1024 * 1024, 1024 * 1024, _LONG_MAX),
        _n("stream-node-max-entries", 100, 0, _LLONG_MAX),
        _m("repl-backlog-size", 1024 * 1024, 1, _LLONG_MAX),
        _m("maxmemory", 0, 0, _ULLONG_MAX, unsigned=True),
        _m("cluster-link-sendbuf-limit", 0, 0, _ULLONG_MAX, unsigned=True),
        _n("hash-max-listpack-entries", 512, 0, _LONG_MAX, alias="hash-max-ziplist-entries",
           unsigned=True),
        _n("set-max-intset-entries", 512, 0, _LONG_MAX, unsigned=True),
        _n("zset-max-listpack-entries", 128, 0, _LONG_MAX, alias="zset-max-ziplist-entries",
           unsigned=True),
        _m("active-defrag-ignore-bytes", 100 << 20, 1, _LLONG_MAX, unsigned=True),
        _m("hash-max-listpack-value", 64, 0, _LONG_MAX, alias="hash-max-ziplist-value",
           unsigned=True),
        _m("stream-node-max-bytes", 4096, 0, _LONG_MAX, unsigned=True),
        _m("zset-max-listpack-value", 64, 0, _LONG_MAX, alias="zset-max-ziplist-value",
           unsigned=True),
        _m("hll-sparse-max-bytes", 3000, 0, _LONG_MAX, unsigned=True),
        _n("tracking-table-max-keys", 1000000, 0, _LONG_MAX, unsigned=True),
        _m("client-query-buffer-limit", 1024 * 1024 * 1024, 1024 * 1024, _LONG_MAX,
           unsigned=True),
        _m("maxmemory-clients", 0, -100, _LONG_MAX, percent=True),
        _n("repl-backlog-ttl", 3600, 0, _LONG_MAX),
        _m("auto-aof-rewrite-min-size", 64 * 1024 * 1024, 0, _LLONG_MAX),
        Param("loading-process-events-interval-bytes", "int", 2 * 1024 * 1024, min=1024,
              max=_INT_MAX, hidden=True),
        _n("tls-port", 0, 0, 65535),
        _n("tls-session-cache-size", 20 * 1024, 0, _INT_MAX),
        _n("tls-session-cache-timeout", 300, 0, _INT_MAX),
        # special parameters (their own parser and printer)
        _x("dir", "/", protected=True),
        # Redis's default save points (``initServerConfig``): BGSAVE after an hour and one
        # change, 5 minutes and 100, a minute and 10000 (spec.persist, serverCron).
        _x("save", "3600 1 300 100 60 10000"),
        _x("client-output-buffer-limit",
           "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
        _x("oom-score-adj-values", "0 200 800"),
        _x("notify-keyspace-events", ""),
        _x("bind", "* -::*"),
        _x("replicaof", "", mutable=False, alias="slaveof"),
        _x("latency-tracking-info-percentiles", "50 99 99.9"),
    ]
}

#: Old names Redis still accepts (``slaveof`` -> ``replicaof`` ...).
ALIASES: dict[str, str] = {p.alias: p.name for p in PARAMS.values() if p.alias}

#: Every name CONFIG knows (canonical names, then aliases), lowercase -> (name, Param).
NAMES: dict[str, tuple[str, Param]] = {
    **{n: (n, p) for n, p in PARAMS.items()},
    **{a: (a, PARAMS[n]) for a, n in ALIASES.items()},
}

#: Parameters this server acts on; the others are stored and reported only.
EFFECTIVE: frozenset[str] = frozenset(
    {"databases", "port", "bind", "proto-max-bulk-len", "client-query-buffer-limit",
     "requirepass", "notify-keyspace-events", "hz", "maxclients", "timeout", "maxmemory",
     "lazyfree-lazy-user-flush", "lazyfree-lazy-user-del"}
)


def default_config(**overrides: Any) -> Map[str, Any]:
    """The configuration of a server started with no config file, plus ``overrides``.

    Overrides may use ``_`` for ``-`` (``max_memory=...`` is not special: keyword names are
    turned into parameter names by replacing underscores only when the underscored name is
    not itself a parameter, as the cpulist parameters are).
    """
    values = {name: p.default for name, p in PARAMS.items()}
    for k, v in overrides.items():
        name = k if k in PARAMS else k.replace("_", "-")
        name = ALIASES.get(name, name)
        values[name] = v
    return Map(values)


def lookup_param(name: str) -> tuple[str, Param] | None:
    """``lookupConfig``: the registered name (canonical or alias) and its Param, ignoring case."""
    return NAMES.get(name.lower())


# -- printing ---------------------------------------------------------------------------------


def format_value(p: Param, v: Any) -> str:
    """The text CONFIG GET replies for value ``v`` of parameter ``p`` (``interface.get``)."""
    if p.kind == "bool":
        return "yes" if v else "no"
    if p.kind in ("int", "memory"):
        if p.percent and v < 0:
            return f"{-v}%"
        if p.octal:
            return f"{v:o}"
        return str(v)
    return str(v)


# -- parsing ----------------------------------------------------------------------------------


def memtoull(s: str) -> int | None:
    """``memtoull``: "100", "1k" (1000), "1kb" (1024), m/mb, g/gb, "b"; None if malformed.
    As in 7.0.15 the digits saturate at ULLONG_MAX (``strtoull``'s ERANGE is not checked)
    and the unit multiplies as an unsigned long long, wrapping."""
    if s.startswith("-"):
        return None
    i = 0
    while i < len(s) and s[i].isdigit() and s[i].isascii():
        i += 1
    unit = s[i:].lower()
    mul = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2,
           "g": 1000**3, "gb": 1024**3}.get(unit)
    if mul is None or i >= 128:
        return None
    v = min(int(s[:i]), _ULLONG_MAX) if i else 0
    return (v * mul) & _ULLONG_MAX


def _string2ll(s: str) -> int | None:
    """``string2ll``: a canonical decimal 64-bit integer (no spaces, no '+', no leading 0)."""
    if not s or len(s) > 20:
        return None
    if s == "0":
        return 0
    neg = s[0] == "-"
    d = s[1:] if neg else s
    if not d or not d.isascii() or not d.isdigit() or d[0] == "0":
        return None
    v = -int(d) if neg else int(d)
    if not -(1 << 63) <= v <= _LLONG_MAX:
        return None
    return v


def _strtoll(s: str, base: int = 10) -> tuple[int, str]:
    """``strtoll``: leading spaces, sign, digits; returns (value clamped, rest)."""
    v, rest = _strtoll_exact(s, base)
    return max(-(1 << 63), min(_LLONG_MAX, v)), rest


def _strtoll_exact(s: str, base: int = 10) -> tuple[int, str]:
    """:func:`_strtoll` without the clamp: a value out of the long long range is what
    ``strtoll`` reports as ``ERANGE``."""
    i = 0
    while i < len(s) and s[i] in " \t\n\v\f\r":
        i += 1
    j = i
    if j < len(s) and s[j] in "+-":
        j += 1
    digits = "01234567" if base == 8 else "0123456789"
    k = j
    while k < len(s) and s[k] in digits:
        k += 1
    if k == j:
        return 0, s
    return int(s[j:k], base) * (-1 if s[i] == "-" else 1), s[k:]


def _to_signed64(v: int) -> int:
    v &= _ULLONG_MAX
    return v - (1 << 64) if v >= 1 << 63 else v


def _numeric(p: Param, raw: str) -> int | str:
    """``numericParseString`` + ``numericBoundaryCheck``: the value or an error text."""
    v: int | None = None
    if p.kind == "memory":
        m = memtoull(raw)
        if m is not None:
            v = m if p.unsigned else _to_signed64(m)
    if v is None and p.percent and len(raw) > 1 and raw.endswith("%"):
        pv = _string2ll(raw[:-1])
        if pv is not None and pv >= 0:
            v = -pv
    if v is None and p.octal:  # strtoll(.., 8) with errno 0 (no ERANGE) and nothing left
        ov, rest = _strtoll_exact(raw, 8)
        if not rest and raw and -(1 << 63) <= ov <= _LLONG_MAX:
            v = ov
    if v is None and p.kind == "int" and not p.octal:
        v = _string2ll(raw)
    if v is None:
        if p.kind == "memory" and p.percent:
            return "argument must be a memory or percent value"
        if p.kind == "memory":
            return "argument must be a memory value"
        if p.octal:
            return "argument couldn't be parsed as an octal number"
        return "argument couldn't be parsed into an integer"
    assert p.min is not None and p.max is not None
    if p.unsigned:
        u = v & _ULLONG_MAX
        if u > p.max or u < p.min:
            if p.octal:
                return f"argument must be between {p.min:o} and {p.max:o} inclusive"
            return f"argument must be between {p.min} and {p.max} inclusive"
        return u
    if p.percent and v < 0:
        if v < p.min:
            return f"percentage argument must be less or equal to {-p.min}"
        return v
    if v > p.max or v < p.min:
        return f"argument must be between {p.min} and {p.max} inclusive"
    return v


_NOTIFY = "g$lshzxetdKEmn"
_NOTIFY_ALL = "g$lshzxetd"


def notify_flags(s: str) -> str | None:
    """``keyspaceEventsStringToFlags`` then ``keyspaceEventsFlagsToString``: the canonical
    spelling of a notify-keyspace-events value, or None for an unknown class character."""
    got: set[str] = set()
    for c in s:
        if c == "A":
            got.update(_NOTIFY_ALL)
        elif c in _NOTIFY:
            got.add(c)
        else:
            return None
    out = "A" if set(_NOTIFY_ALL) <= got else "".join(c for c in "g$lshzxetdn" if c in got)
    if "A" in out and "n" in got:
        out += ""  # 'n' is not part of 'A' and is not printed after it in 7.0
    return out + "".join(c for c in "KEm" if c in got)


class KeyspaceEvents(str):
    """A ``notify-keyspace-events`` value: the text CONFIG GET prints, remembering the letters
    given in ``given`` (``A`` with ``n`` prints as ``A`` but still enables ``new`` events;
    ``spec.pubsub.event_classes`` reads ``given``)."""

    given: str

    def __new__(cls, text: str, given: str) -> KeyspaceEvents:
        v = super().__new__(cls, text)
        v.given = given
        return v


def _trim_double(x: float) -> str:
    """``%f`` then ``trimDoubleString``: drop trailing zeros and a trailing point."""
    t = f"{x:f}"
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return t


def _special(name: str, raw: str, current: Map[str, Any]) -> str | tuple[str]:
    """The special parameters' parsers; a value string, or ``(error,)``."""
    args = raw.split(" ")
    if name == "save":
        if len(args) == 1 and args[0] == "":
            return ""
        if len(args) % 2:
            return ("Invalid save parameters",)
        nums = []
        for j, a in enumerate(args):
            v, rest = _strtoll(a)
            if rest or (j % 2 == 0 and v < 1) or (j % 2 == 1 and v < 0):
                return ("Invalid save parameters",)
            nums.append(v)
        return " ".join(f"{nums[j]} {_to_int32(nums[j + 1])}" for j in range(0, len(nums), 2))
    if name == "client-output-buffer-limit":
        if raw == "":
            return str(current[name])
        if len(args) % 4:
            return ("Wrong number of arguments in buffer limit configuration.",)
        old = str(current[name]).split(" ")
        classes = {old[i]: old[i + 1:i + 4] for i in range(0, len(old), 4)}
        for j in range(0, len(args), 4):
            cls = args[j].lower()
            cls = {"replica": "slave"}.get(cls, cls)
            if cls not in ("normal", "slave", "pubsub"):
                return ("Invalid client class specified in buffer limit configuration.",)
            hard, soft = memtoull(args[j + 1]), memtoull(args[j + 2])
            secs, rest = _strtoll(args[j + 3])
            if hard is None or soft is None or secs < 0 or rest:
                return ("Error in hard, soft or soft_seconds setting in buffer limit "
                        "configuration.",)
            classes[cls] = [str(hard), str(soft), str(secs)]
        return " ".join(f"{c} {' '.join(classes[c])}" for c in ("normal", "slave", "pubsub"))
    if name == "oom-score-adj-values":
        if len(args) != 3:
            return ("wrong number of arguments",)
        vals = []
        for a in args:
            v, rest = _strtoll(a)
            if rest or not -2000 <= v <= 2000:
                return ("Invalid oom-score-adj-values, elements must be between -2000 and "
                        "2000.",)
            vals.append(str(v))
        return " ".join(vals)
    if name == "notify-keyspace-events":
        flags = notify_flags(raw)
        if flags is None:
            return ("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",)
        return KeyspaceEvents(flags, raw)
    if name == "bind":
        if len(args) > 16:
            return ("Too many bind addresses specified.",)
        return "" if raw == "" else raw
    if name == "latency-tracking-info-percentiles":
        if raw == "":
            return ""
        out = []
        for a in args:
            try:
                x = float(a)
            except ValueError:
                return ("Invalid latency-tracking-info-percentiles parameters",)
            if a.strip() != a or not a or x != x:
                return ("Invalid latency-tracking-info-percentiles parameters",)
            if x > 100.0 or x < 0.0:
                return ("latency-tracking-info-percentiles parameters should sit between "
                        "[0.0,100.0]",)
            out.append(_trim_double(x))
        return " ".join(out)
    if name == "replicaof":
        if len(args) != 2:
            return ("wrong number of arguments",)
        if args[0].lower() == "no" and args[1].lower() == "one":
            return ""
        port, rest = _strtoll(args[1])
        if rest or not 0 <= port <= 65535:
            return ("Invalid master port",)
        return f"{args[0]} {port}"
    # dir: Redis chdir()s; a pure spec records the path (see the docs).
    return raw


def _to_int32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v


#: ``redisProcTitleGetVariable`` as ``validateProcTitleTemplate`` calls it: each variable's
#: value is only asked whether it is empty (the title is "" there; server-mode is "" outside
#: cluster and sentinel; listen-addr, port and tls-port always print something; 7.0.15 with
#: no config file accepts ``{config-file}`` alone, so it counts as non-empty here).
_TITLE_VARS = {"title": "", "listen-addr": "x", "server-mode": "", "port": "x",
               "tls-port": "x", "unixsocket": None, "config-file": "x"}


def _valid_title(t: str, unixsocket: str) -> bool:
    """``validateProcTitleTemplate``: ``sdstemplate`` expands ``{name}`` variables (``{{`` is
    a literal ``{``; a lone ``}`` is literal text; an unknown name, an unclosed ``{`` or a
    trailing ``{`` fail), and the expansion trimmed of spaces must not be empty."""
    out: list[str] = []
    i = 0
    while i < len(t):
        sv = t.find("{", i)
        if sv < 0:
            out.append(t[i:])
            break
        out.append(t[i:sv])
        sv += 1
        if sv == len(t):
            return False
        if t[sv] == "{":
            out.append("{")
            i = sv + 1
            continue
        ev = t.find("}", sv)
        if ev < 0 or t[sv:ev] not in _TITLE_VARS:
            return False
        value = _TITLE_VARS[t[sv:ev]]
        out.append(unixsocket if value is None else value)
        i = ev + 1
    return "".join(out).strip(" ") != ""


#: Enum names that stand for the same value as an earlier name of the table.
_ENUM_FIRST_NAME = {("oom-score-adj", "relative"): "yes"}


def set_value(p: Param, raw: str, current: Map[str, Any]) -> Any:
    """``interface.set`` for one parameter: the new typed value, or ``(error text,)``.

    ``current`` is the live config (the special parameters that merge, like
    client-output-buffer-limit, need it). Apply-time rules that Redis enforces after setting
    (``hz`` capped to 1..500) are applied here too.
    """
    k = p.kind
    if k == "bool":
        low = raw.lower()
        if low == "yes":
            return True
        if low == "no":
            return False
        return ("argument must be 'yes' or 'no'",)
    if k in ("int", "memory"):
        r = _numeric(p, raw)
        if isinstance(r, str):
            return (r,)
        if p.name == "hz":  # updateHZ: a hint, capped to [CONFIG_MIN_HZ, CONFIG_MAX_HZ]
            r = min(max(r, 1), 500)
        return r
    if k == "enum":
        low = raw.lower()
        for c in p.choices:
            if c == low:
                # two names of one value (``relative`` is ``yes``): Redis keeps the value
                # and prints its first name (``configEnumGetName``)
                return _ENUM_FIRST_NAME.get((p.name, c), c)
        return ("argument(s) must be one of the following: " + ", ".join(p.choices),)
    if k == "string":
        if p.name == "activedefrag":
            pass
        if p.name == "dbfilename" and "/" in raw:
            return ("dbfilename can't be a path, just a filename",)
        if p.name == "cluster-announce-hostname":
            if len(raw) >= 256:
                return ("Hostnames must be less than 256 characters",)
            if any(not (c.isascii() and (c.isalnum() or c in "-.")) for c in raw):
                return ("Hostnames may only contain alphanumeric characters, hyphens or dots",)
        if p.name == "proc-title-template" and not _valid_title(raw, str(current.get("unixsocket", ""))):
            return ("template format is invalid or contains unknown variables",)
        return raw
    return _special(p.name, raw, current)


_NO_DEFRAG = ("Active defragmentation cannot be enabled: it requires a Redis server compiled "
              "with a modified Jemalloc like the one shipped by default with the Redis source "
              "distribution")


# Values refused until their mechanism lands: a server that writes no AOF and no snapshot must
# not claim to (INFO ``aof_enabled``). The other AOF parameters (appendfsync, ...) only matter
# once the mechanism exists and are stored. docs/status.md lists the refused ones.


_NO_TLS = "TLS is not implemented by redspec: only tls-port 0 is accepted"
_NO_UNIXSOCKET = 'Unix sockets are not implemented by redspec yet: only unixsocket "" is accepted'
_NO_DAEMONIZE = ("redspec does not daemonize: only daemonize no is accepted (run it under a "
                 "supervisor, or in the background from the shell)")
_NO_CLUSTER = "Cluster mode is not implemented by redspec yet: only cluster-enabled no is accepted"
#: CONFIG SET bind to other addresses (``updateBindAddr``): refused, see spec.commands.server.
NO_REBIND = ("changing the listening addresses at runtime is not implemented by redspec yet: "
             "CONFIG SET bind accepts only the current value")

#: Values refused because their mechanism does not exist here: parameter -> (is the value one
#: this server cannot honour?, the reason given).
_REFUSED: dict[str, tuple[Callable[[Any], bool], str]] = {
    "activedefrag": (lambda v: v is True, _NO_DEFRAG),
    "tls-port": (lambda v: v != 0, _NO_TLS),
    "unixsocket": (lambda v: v != "", _NO_UNIXSOCKET),
    "daemonize": (lambda v: v is True, _NO_DAEMONIZE),
    "cluster-enabled": (lambda v: v is True, _NO_CLUSTER),
}


def validate(p: Param, value: Any) -> str | None:
    """``is_valid_fn`` checks that depend on the build (activedefrag on this build), and the
    values whose mechanism this server does not have yet (a TLS port, a Unix socket,
    daemonizing, cluster mode), refused in the same place, so CONFIG SET stays all or nothing
    and a config file or command-line option with them stops the start."""
    refused = _REFUSED.get(p.name)
    if refused is not None and refused[0](value):
        return refused[1]
    return None


# -- glob -------------------------------------------------------------------------------------


def glob_match(pattern: str, s: str, nocase: bool = True) -> bool:
    """``stringmatch`` (see :mod:`spec.glob`) over text, case-insensitive by default as CONFIG
    GET and COMMAND LIST use it. Use :func:`glob_matcher` to match many strings."""
    return glob_matcher(pattern, nocase)(s)


def glob_matcher(pattern: str, nocase: bool = True) -> Callable[[str], bool]:
    """The pattern compiled once: a predicate over text."""
    g = compile_glob(pattern.encode("utf-8", "surrogateescape"), nocase)
    return lambda s: g.match(s.encode("utf-8", "surrogateescape"))


# -- CONFIG REWRITE (``rewriteConfig``) -------------------------------------------------------

#: ``REDIS_CONFIG_REWRITE_SIGNATURE``: the comment put once before the first appended line.
REWRITE_SIGNATURE = "# Generated by CONFIG REWRITE"

#: Directives that are no parameter but that 7.0.15's config file knows: a rewrite keeps their
#: lines where they are (``include``, ``rename-command``, ``sentinel``) or replaces them
#: (``user``: the users now defined; ``loadmodule``: the modules loaded, none here).
REWRITE_KNOWN_DIRECTIVES = frozenset({"include", "rename-command", "user", "loadmodule",
                                      "sentinel"})

#: String parameters stored as NULL when empty (``EMPTY_STRING_IS_NULL``): a rewrite writes
#: no line for them then, and removes the ones the file had. The other strings
#: (``ALLOW_EMPTY_STRING``) keep a ``name ""`` line that the file had.
_EMPTY_IS_NULL = frozenset({
    "unixsocket", "pidfile", "replica-announce-ip", "masteruser", "cluster-announce-ip",
    "cluster-announce-hostname", "server_cpulist", "bio_cpulist", "aof_rewrite_cpulist",
    "bgsave_cpulist", "bind-source-addr", "masterauth", "requirepass", "tls-cert-file",
    "tls-key-file", "tls-key-file-pass", "tls-client-cert-file", "tls-client-key-file",
    "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir",
    "tls-protocols", "tls-ciphers", "tls-ciphersuites",
})


def format_memory(v: int) -> str:
    """``rewriteConfigFormatMemory``: bytes as ``<n>gb``, ``<n>mb`` or ``<n>kb`` when a whole
    multiple (of 1024³, 1024², 1024), else the plain signed number."""
    v = _to_signed64(v)
    for unit, size in (("gb", 1 << 30), ("mb", 1 << 20), ("kb", 1 << 10)):
        if v and v % size == 0:
            return f"{_c_div(v, size)}{unit}"
    return str(v)


def _c_div(a: int, b: int) -> int:
    """C's integer division (rounds toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _repr_text(v: str) -> str:
    """``sdscatrepr`` of a string parameter's value (a quoted, escaped config argument)."""
    return sdscatrepr(v.encode("utf-8", "surrogateescape")).decode("utf-8", "surrogateescape")


@attrs.define
class RewriteState:
    """``struct rewriteConfigState``: the old file's lines, each parameter's line numbers in
    it (``option_to_line``), the options already rewritten, and whether the signature
    comment is still to be written. Mutable, and local to :func:`rewrite_config`."""

    lines: list[str] = attrs.Factory(list)
    option_to_line: dict[str, list[int]] = attrs.Factory(dict)
    rewritten: set[str] = attrs.Factory(set)
    needs_signature: bool = True

    def rewrite_line(self, option: str, line: str, force: bool) -> None:
        """``rewriteConfigRewriteLine``: reuse the option's next old line in place, or append
        the line (after the signature) when ``force`` says the value is not the default;
        with neither, the option is only marked as processed."""
        self.rewritten.add(option)
        old = self.option_to_line.get(option)
        if not old and not force:
            return
        if old:
            self.lines[old.pop(0)] = line
            return
        if self.needs_signature:
            self.lines.append(REWRITE_SIGNATURE)
            self.needs_signature = False
        self.lines.append(line)


def _canonical_directive(word: str) -> str | None:
    """The option a line of the old file belongs to: its directive lowercased, ``slave``
    spelt ``replica`` (``rewriteConfigReadOldFile``), an alias turned into its parameter's
    name; None for a directive 7.0.15 does not know."""
    low = word.lower()
    if low in REWRITE_KNOWN_DIRECTIVES:
        return low
    hit = NAMES.get(low) or NAMES.get(low.replace("slave", "replica", 1))
    return None if hit is None else hit[1].name


def read_old_config(text: str) -> RewriteState:
    """``rewriteConfigReadOldFile`` over the file's text: every line trimmed; comments and
    blank lines kept (the signature comment noticed); a line that does not split or names
    no known directive kept as a ``# ??? `` comment; the others kept and indexed by option."""
    st = RewriteState()
    if not text:
        return st
    for raw in text.split("\n"):
        line = raw.strip("\r\n\t ")
        if not line or line.startswith("#"):
            if line == REWRITE_SIGNATURE:
                st.needs_signature = False
            st.lines.append(line)
            continue
        args = split_args(line.encode("utf-8", "surrogateescape"))
        option = None
        if args:
            option = _canonical_directive(args[0].decode("utf-8", "surrogateescape"))
        if option is None:
            st.lines.append("# ??? " + line)
            continue
        st.option_to_line.setdefault(option, []).append(len(st.lines))
        st.lines.append(line)
    return st


def _rewrite_param(st: RewriteState, p: Param, v: Any) -> None:
    """One parameter's ``interface.rewrite``: its line(s) in 7.0.15's spelling, forced when
    the value is not the default."""
    name = p.name
    if p.kind == "bool":
        st.rewrite_line(name, f"{name} {'yes' if v else 'no'}", v != p.default)
    elif p.kind in ("int", "memory"):
        if p.percent and v < 0:
            st.rewrite_line(name, f"{name} {-v}%", -v != p.default)
        elif p.kind == "memory":
            st.rewrite_line(name, f"{name} {format_memory(v)}", v != p.default)
        elif p.octal:
            st.rewrite_line(name, f"{name} {v:o}", v != p.default)
        else:
            st.rewrite_line(name, f"{name} {v}", v != p.default)
    elif p.kind == "enum":
        st.rewrite_line(name, f"{name} {v}", v != p.default)
    elif p.kind == "string":
        if v == "" and name in _EMPTY_IS_NULL:
            st.rewritten.add(name)  # NULL: no line, and the old ones go
            return
        force = name in _EMPTY_IS_NULL or v != p.default
        st.rewrite_line(name, f"{name} {_repr_text(str(v))}", force)
    else:
        _rewrite_special(st, p, str(v))


def _rewrite_special(st: RewriteState, p: Param, v: str) -> None:
    """The special parameters' rewrite functions (``rewriteConfigSaveOption``,
    ``rewriteConfigDirOption``, ``rewriteConfigBindOption``, ...)."""
    name = p.name
    if name == "save":
        if not v:
            st.rewrite_line(name, 'save ""', True)
        words = v.split()
        for j in range(0, len(words), 2):
            st.rewrite_line(name, f"save {words[j]} {words[j + 1]}", True)
        st.rewritten.add(name)
    elif name == "dir":
        st.rewrite_line(name, f"dir {_repr_text(v)}", True)
    elif name == "replicaof":
        if not v:
            st.rewritten.add(name)  # a master: every replicaof line goes
        else:
            st.rewrite_line(name, f"replicaof {v}", True)
    elif name == "notify-keyspace-events":
        st.rewrite_line(name, f"{name} {_repr_text(v)}", v != "")
    elif name == "client-output-buffer-limit":
        have, default = v.split(), str(p.default).split()
        for j in range(0, 12, 4):
            cls = "replica" if have[j] == "slave" else have[j]
            hard, soft, secs = (int(x) for x in have[j + 1:j + 4])
            st.rewrite_line(name, f"{name} {cls} {format_memory(hard)} {format_memory(soft)} "
                                  f"{secs}", have[j + 1:j + 4] != default[j + 1:j + 4])
    elif name == "oom-score-adj-values":
        st.rewrite_line(name, f"{name} {v}", v != p.default)
    elif name == "bind":
        if v == p.default:
            st.rewritten.add(name)
        else:
            st.rewrite_line(name, f"bind {v if v else chr(34) * 2}", True)
    elif name == "latency-tracking-info-percentiles":
        # 7.0.15 writes this line always, default or not
        st.rewrite_line(name, f"{name} {v if v else chr(34) * 2}", True)
    else:  # pragma: no cover - every special parameter is listed above
        raise AssertionError(name)


def rewrite_config(old_text: str, config: Map[str, Any], user_lines: tuple[str, ...] = ()
                   ) -> str:
    """``rewriteConfig`` without the file: the new text of a config file whose old text is
    ``old_text`` (empty when there is none), for the live ``config``.

    Comments, blank lines and the lines of directives that are no parameter stay where they
    are (an unknown directive becomes a ``# ??? `` comment); a parameter's first line is
    rewritten in place with the current value, its further lines are blanked; a parameter
    the file did not have gets a line appended after the ``# Generated by CONFIG REWRITE``
    comment only when its value is not the default (``save``, ``dir``, a non-NULL password
    and ``latency-tracking-info-percentiles`` always). ``user_lines`` are the ``user``
    directives of the ACL users (none when an ``aclfile`` is configured); no module is
    loaded, so ``loadmodule`` lines go. Runs of blank lines become one.

    Redis appends in the order of its parameter hash table, which depends on a seed drawn at
    start (two runs of 7.0.15 differ); this function appends in the table order of
    :data:`PARAMS`, then the users.
    """
    st = read_old_config(old_text)
    for p in PARAMS.values():
        _rewrite_param(st, p, config.get(p.name, p.default))
    if config.get("aclfile", ""):
        st.rewritten.add("user")
    else:
        for line in user_lines:
            st.rewrite_line("user", line, True)
        st.rewritten.add("user")
    st.rewritten.add("loadmodule")
    for option, linenos in st.option_to_line.items():  # rewriteConfigRemoveOrphaned
        if option in st.rewritten:
            for n in linenos:
                st.lines[n] = ""
    return _content(st.lines)


def _content(lines: list[str]) -> str:
    """``rewriteConfigGetContentFromState``: the lines joined, each ended by a newline, a
    run of blank lines kept as one."""
    out: list[str] = []
    was_empty = False
    for line in lines:
        if not line:
            if was_empty:
                continue
            was_empty = True
        else:
            was_empty = False
        out.append(line + "\n")
    return "".join(out)
