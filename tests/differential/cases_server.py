"""Differential cases for dispatch and the introspection/admin commands: COMMAND INFO of every
served command (generated from the served table, so it grows as commands land), COMMAND
GETKEYS variants, CONFIG GET/SET round trips and errors, unknown command / subcommand / arity
errors, INFO.

INFO: the ``# Keyspace`` section is compared byte for byte; the other sections only by their
field names (normaliser ``"info"``), because their values describe the process (pids, memory,
CPU, timings). Cases that change the configuration put it back, since CONFIG SET outlives
the FLUSHALL between cases. Replies whose order Redis takes from a hash table (CONFIG GET of
several parameters) are compared sorted.
"""

from __future__ import annotations

from typing import Any

from redspec.spec.dispatch import TABLE
from redspec.spec.table import EXTRA_FACTS

CASES: list[tuple[str, list[list[Any]]]] = []
NONDETERMINISTIC: dict[str, Any] = {}


def case(name: str, *steps: list[Any], nondet: Any = None) -> None:
    CASES.append((name, list(steps)))
    if nondet is not None:
        NONDETERMINISTIC[name] = nondet


# -- COMMAND INFO of every served command (generated) ---------------------------------------------

for _name, _cmd in TABLE.items():
    if _name.decode() in EXTRA_FACTS["info"]:  # redspec-only commands: Redis has no such entry
        continue
    if _cmd.subcommands:
        # A container lists only its served subcommands; compare each subcommand by full name.
        for _sub in _cmd.subcommands.values():
            case(f"command info {_sub.name}", ["COMMAND", "INFO", _sub.name])
    else:
        case(f"command info {_name.decode()}", ["COMMAND", "INFO", _name.decode()])

case("command info unknown and mixed case",
     ["COMMAND", "INFO", "nosuch"], ["COMMAND", "INFO", "GET", "nosuch", "Set"],
     ["COMMAND", "INFO", "config|nosuch"], ["COMMAND", "INFO", "a|b|c"],
     ["COMMAND", "INFO", "CONFIG|GET"])

# -- COMMAND subcommands -----------------------------------------------------------------------

case("command help", ["COMMAND", "HELP"], ["command", "help", "extra"])
case("command unknown subcommand", ["COMMAND", "FOO"], ["command", "foo", "bar"])
case("command count arity", ["COMMAND", "COUNT", "x"])
case("command count", ["COMMAND", "COUNT"], ["COMMAND", "INFO", "failover", "migrate"])
case("command list syntax",
     ["COMMAND", "LIST", "foo"], ["COMMAND", "LIST", "FILTERBY", "bar", "x"],
     ["COMMAND", "LIST", "FILTERBY", "MODULE", "nosuch"],
     ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat"],
     ["COMMAND", "LIST", "FILTERBY", "PATTERN", "nomatch*"])
case("command docs unknown", ["COMMAND", "DOCS", "nosuch"], ["COMMAND", "DOCS", "a|b"])
case("command getkeys simple",
     ["COMMAND", "GETKEYS", "GET", "a"], ["COMMAND", "GETKEYS", "set", "k", "v"],
     ["COMMAND", "GETKEYS", "set", "k", "v", "EX", "10", "GET"],
     ["COMMAND", "GETKEYS", "del", "a", "b", "a"], ["COMMAND", "GETKEYS", "exists", "x"])
case("command getkeys errors",
     ["COMMAND", "GETKEYS"], ["COMMAND", "GETKEYS", "get"],
     ["COMMAND", "GETKEYS", "nosuch", "a"], ["COMMAND", "GETKEYS", "ping", "a"],
     ["COMMAND", "GETKEYS", "echo", "a"], ["COMMAND", "GETKEYS", "get", "a", "b"],
     ["COMMAND", "GETKEYS", "set", "a"], ["COMMAND", "GETKEYS", "config", "get", "x"],
     ["COMMAND", "GETKEYS", "config"], ["COMMAND", "GETKEYS", "config", "nosuch"])
case("command getkeysandflags",
     ["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"],
     ["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "get"],
     ["COMMAND", "GETKEYSANDFLAGS", "get", "a"],
     ["COMMAND", "GETKEYSANDFLAGS", "del", "a", "b"],
     ["COMMAND", "GETKEYSANDFLAGS", "ping", "a"])

# -- dispatch errors --------------------------------------------------------------------------

case("unknown command", ["foo"], ["foo", "a", "b"], ["FOO", ""])
case("unknown command long args",
     ["nosuchcmd", "a" * 100, "b" * 100, "c" * 100],
     ["n" * 200, "x"],
     ["nosuch", *["abcdefghij" * 3] * 10])
case("unknown command nul bytes", [b"fo\x00o", b"a\x00b", b"c"], [b"\x00"])
case("unknown command crlf in args", ["nosuch", "a\r\nb"])
case("unknown subcommand",
     ["CONFIG", "FOO"], ["config", "foo", "bar"], ["config", "f" * 200],
     ["Config", b"x\x00y"])
case("container arity", ["CLIENT"], ["CONFIG"])
case("subcommand arity",
     ["config", "get"], ["config", "set", "hz"], ["config", "resetstat", "x"],
     ["config", "help", "x"], ["command", "getkeys"])
case("command arity",
     ["get"], ["get", "a", "b"], ["set", "a"], ["select"], ["echo"], ["echo", "a", "b"])
case("mixed case names", ["GeT", "a"], ["sEt", "a", "1"], ["gEt", "a"], ["cOmMaNd", "InFo", "gEt"])

# -- CONFIG ----------------------------------------------------------------------------------

case("config help", ["CONFIG", "HELP"])
# found by tools/fuzz.py: OBJECT HELP's lines are status replies (addReplyHelp)
case("object help", ["OBJECT", "HELP"], ["object", "help"])
case("config get one",
     ["CONFIG", "GET", "hz"], ["CONFIG", "GET", "MAXMEMORY"], ["config", "get", "nosuch"],
     ["config", "get", "slaveof"], ["config", "get", "maxmemory-policy"],
     ["config", "get", "client-output-buffer-limit"], ["config", "get", "notify-keyspace-events"],
     ["config", "get", "rdb-key-save-delay"], ["config", "get", "*key-save*"],
     ["config", "get", "databases"], ["config", "get", "oom-score-adj-values"],
     ["config", "get", "latency-tracking-info-percentiles"], ["config", "get", "unixsocketperm"])
case("config get same twice", ["config", "get", "maxmemory", "MAXMEMORY"],
     ["config", "get", "hz", "h?"])
for _pat in (["*max-*-entries*"], ["maxmemory*"], ["*slave*"], ["lazyfree-*"],
             ["hz", "maxmemory", "timeout"], ["[ht]z"], ["*-max-*"], ["tls-*"],
             ["*max*", "hz", "*lazy*"]):
    case(f"config get patterns {' '.join(_pat)}", ["config", "get", *_pat], nondet="sort")
# (CONFIG GET * itself differs in the parameters that describe the instance: port, dir,
# pidfile, daemonize, save, bind.)
# The reference redis-server runs with --save "" --appendonly no: what redspec, which has
# neither RDB snapshots nor an AOF yet, starts with and accepts (other values are refused until
# the mechanisms land: tests/test_config.py test_persistence_that_does_not_exist_is_refused).
case("config persistence off",
     ["config", "get", "save"], ["config", "get", "appendonly"],
     ["config", "set", "save", "", "appendonly", "no"], ["config", "get", "save"],
     ["config", "get", "appendonly"])
case("config set round trip",
     ["config", "set", "hz", "20"], ["config", "get", "hz"],
     ["config", "set", "hz", "0"], ["config", "get", "hz"],
     ["config", "set", "hz", "100000"], ["config", "get", "hz"],
     ["config", "set", "hz", "10"], ["config", "get", "hz"])
case("config set memory units",
     ["config", "set", "maxmemory", "1k"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "1kb"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "1m"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "1MB"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "1g"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "1gb"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "18446744073709551615"], ["config", "get", "maxmemory"],
     ["config", "set", "maxmemory", "1x"], ["config", "set", "maxmemory", "-1"],
     ["config", "set", "maxmemory", "0"], ["config", "get", "maxmemory"])
case("config set multi atomic",
     ["config", "set", "maxmemory", "1k", "hz", "2"], ["config", "get", "maxmemory"],
     ["config", "get", "hz"],
     ["config", "set", "hz", "30", "maxmemory", "bad"], ["config", "get", "hz"],
     ["config", "set", "maxmemory", "0", "hz", "10"])
case("config set errors",
     ["config", "set", "foo", "1"], ["config", "set", "hz", "1", "maxmemory"],
     ["config", "set", "databases", "3"], ["config", "set", "DATABASES", "3"],
     ["config", "set", "foo", "1", "databases", "2"], ["config", "set", "databases", "2", "foo", "1"],
     ["config", "set", "maxmemory", "1", "maxmemory", "2"],
     ["config", "set", "maxmemory", "1", "MAXMEMORY", "2"],
     ["config", "set", "hz", "abc"], ["config", "set", "hz", "-1"],
     ["config", "set", "hz", "99999999999"], ["config", "set", "maxclients", "-1"],
     ["config", "set", "list-max-listpack-size", "99999999999"],
     ["config", "set", "proto-max-bulk-len", "18446744073709551615"],
     ["config", "set", "proto-max-bulk-len", "1"],
     ["config", "set", "dir", "/tmp"], ["config", "set", "dbfilename", "x"],
     ["config", "set", "rdb-key-save-delay", "x"])
case("config set enums",
     ["config", "set", "appendfsync", "foo"], ["config", "set", "maxmemory-policy", "FOO"],
     ["config", "set", "maxmemory-policy", "ALLKEYS-LRU"], ["config", "get", "maxmemory-policy"],
     ["config", "set", "maxmemory-policy", "noeviction"], ["config", "set", "loglevel", "x"],
     ["config", "set", "appendfsync", "always no"])
case("config set booleans",
     ["config", "set", "lazyfree-lazy-user-del", "maybe"],
     ["config", "set", "lazyfree-lazy-user-del", "YES"],
     ["config", "get", "lazyfree-lazy-user-del"],
     ["config", "set", "lazyfree-lazy-user-del", "no"],
     ["config", "set", "activedefrag", "yes"], ["config", "set", "activedefrag", "no"])
case("config set percent",
     ["config", "set", "maxmemory-clients", "10%"], ["config", "get", "maxmemory-clients"],
     ["config", "set", "maxmemory-clients", "-5"], ["config", "set", "maxmemory-clients", "101%"],
     ["config", "set", "maxmemory-clients", "1mb"], ["config", "get", "maxmemory-clients"],
     ["config", "set", "maxmemory-clients", "0"])
case("config set aliases",
     ["config", "set", "replica-priority", "1", "slave-priority", "2"],
     ["config", "get", "replica-priority"], ["config", "get", "slave-priority"],
     ["config", "set", "slave-priority", "100"], ["config", "set", "slaveof", "no", "one"],
     ["config", "set", "replicaof", "no one"])
case("config set notify-keyspace-events",
     ["config", "set", "notify-keyspace-events", "KEA"],
     ["config", "get", "notify-keyspace-events"],
     ["config", "set", "notify-keyspace-events", "gxm$"],
     ["config", "get", "notify-keyspace-events"],
     ["config", "set", "notify-keyspace-events", "Q"],
     ["config", "set", "notify-keyspace-events", "Kn"],
     ["config", "get", "notify-keyspace-events"],
     ["config", "set", "notify-keyspace-events", ""])
case("config set special",
     ["config", "set", "save", "a b"], ["config", "set", "save", "100"],
     ["config", "set", "oom-score-adj-values", "1 2 x"],
     ["config", "set", "oom-score-adj-values", "1 2"],
     ["config", "set", "client-output-buffer-limit", "normal 1 2"],
     ["config", "set", "client-output-buffer-limit", "master 1 2 3"],
     ["config", "set", "client-output-buffer-limit", "normal 1mb 2 3"],
     ["config", "get", "client-output-buffer-limit"],
     ["config", "set", "client-output-buffer-limit", "normal 0 0 0"],
     ["config", "set", "latency-tracking-info-percentiles", "50 99.50 100"],
     ["config", "get", "latency-tracking-info-percentiles"],
     ["config", "set", "latency-tracking-info-percentiles", "101"],
     ["config", "set", "latency-tracking-info-percentiles", "x"],
     ["config", "set", "latency-tracking-info-percentiles", "50 99 99.9"])
case("config set strings",
     ["config", "set", "cluster-announce-hostname", "a_b"],
     ["config", "set", "proc-title-template", ""],
     ["config", "set", "proc-title-template", "{nosuch}"],
     ["config", "set", "ignore-warnings", "x y"], ["config", "get", "ignore-warnings"],
     ["config", "set", "ignore-warnings", ""])
case("config resetstat", ["config", "resetstat"], ["CONFIG", "RESETSTAT", "x"])
# Both servers of the harness run without a config file (tests/test_config_rewrite.py
# rewrites real files, live against 7.0.15).
case("config rewrite without a file", ["CONFIG", "REWRITE"], ["config", "rewrite", "x"])
case("config set enum synonym",  # relative is yes's other name: GET prints the first
     ["config", "set", "oom-score-adj", "relative"], ["config", "get", "oom-score-adj"],
     ["config", "set", "oom-score-adj", "no"])
case("requirepass gate",
     ["@2", "ping"], ["@3", "ping"],
     ["config", "set", "requirepass", "sekret"],
     ["@3", "get", "a"],
     ["@2", "get", "a"], ["@2", "nosuch"], ["@2", "config"], ["@2", "auth", "sekret"],
     ["@2", "get", "a"],
     ["get", "a"],
     ["config", "set", "requirepass", ""])

# -- INFO ------------------------------------------------------------------------------------

case("info keyspace",
     ["info", "keyspace"], ["set", "a", "1"], ["set", "b", "2"], ["info", "keyspace"],
     ["select", "3"], ["set", "c", "3"], ["INFO", "KEYSPACE"], ["del", "c"],
     ["info", "keyspace"])
case("info unknown section", ["info", "bogus"], ["info", "bogus", "nosuch"])
case("info sections field names",
     ["info", "server"], ["info", "clients"], ["info", "memory"], ["info", "persistence"],
     ["info", "stats"], ["info", "replication"], ["info", "cpu"], ["info", "cluster"],
     ["info", "modules"], ["info", "server", "cluster"],
     nondet="info")
case("time arity", ["time", "x"])

# --- MODULE (a server with no modules) and the protected-command gate --------------------------
CASES += [
    ("module list and help", [["MODULE", "LIST"], ["MODULE", "HELP"], ["MODULE", "LIST", "x"],
                              ["MODULE", "HELP", "x"], ["MODULE", "FOO"], ["MODULE"]]),
    ("module protected by default", [["MODULE", "LOAD", "/nonexistent.so"],
                                     ["MODULE", "LOADEX", "/x", "CONFIG", "a", "b"],
                                     ["MODULE", "UNLOAD", "x"], ["MODULE", "LOAD"],
                                     ["MULTI"], ["MODULE", "LOAD", "/x"], ["EXEC"]]),
]

# --- SLOWLOG (durations are modelled 0 µs here and measured on Redis: threshold 0 logs all) -------
_SL_ON = ["CONFIG", "SET", "slowlog-log-slower-than", "0"]
CASES += [
    ("slowlog entries", [_SL_ON, ["SLOWLOG", "RESET"], ["CLIENT", "SETNAME", "nm"], ["SET", "k", "v"],
                         ["MULTI"], ["INCR", "n"], ["EXEC"],
                         ["EVAL", "return redis.call('get','k')", "0"], ["AUTH", "a", "b"],
                         ["HELLO", "2", "AUTH", "u", "p"], ["GETX", "k"], ["GET"],
                         ["SLOWLOG", "GET", "20"], ["SLOWLOG", "LEN"]]),
    ("slowlog trimmed arguments", [_SL_ON, ["SLOWLOG", "RESET"],
                                   ["RPUSH", "l", *[str(i) for i in range(40)]],
                                   ["SET", "k", "x" * 200], ["SET", "k2", "y" * 129],
                                   ["SET", "k3", "z" * 128],
                                   ["RPUSH", "m", *[str(i) for i in range(30)]],
                                   ["RPUSH", "m", *[str(i) for i in range(31)]],
                                   ["SLOWLOG", "GET", "-1"]]),
    ("slowlog get count", [_SL_ON, ["SLOWLOG", "RESET"], ["PING"], ["PING"], ["PING"],
                           ["SLOWLOG", "GET", "2"], ["SLOWLOG", "GET", "0"], ["SLOWLOG", "GET", "-1"],
                           ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "GET", "x"],
                           ["SLOWLOG", "GET", "1", "2"], ["SLOWLOG", "LEN", "x"],
                           ["SLOWLOG", "RESET", "x"], ["SLOWLOG", "HELP"], ["SLOWLOG", "FOO"],
                           ["SLOWLOG"]]),
    ("slowlog max len", [_SL_ON, ["SLOWLOG", "RESET"], ["PING"], ["PING"], ["PING"], ["SLOWLOG", "LEN"],
                         ["CONFIG", "SET", "slowlog-max-len", "2"], ["SLOWLOG", "LEN"],
                         ["SLOWLOG", "GET"],
                         ["CONFIG", "SET", "slowlog-log-slower-than", "-1"],
                         ["CONFIG", "SET", "slowlog-max-len", "1"], ["SLOWLOG", "LEN"],
                         ["CONFIG", "SET", "slowlog-log-slower-than", "0"], ["SLOWLOG", "LEN"],
                         ["CONFIG", "SET", "slowlog-max-len", "0"], ["SLOWLOG", "LEN"], ["PING"],
                         ["SLOWLOG", "LEN"], ["CONFIG", "SET", "slowlog-max-len", "128"]]),
    ("slowlog off", [["CONFIG", "SET", "slowlog-log-slower-than", "-1"], ["SLOWLOG", "RESET"],
                     ["PING"], ["SLOWLOG", "LEN"], ["SLOWLOG", "GET"]]),
    ("slowlog blocked command", [_SL_ON, ["SLOWLOG", "RESET"], ["@2", "CLIENT", "SETNAME", "w"],
                                 ["@2~", "BLPOP", "q", "0"], ["LPUSH", "q", "a"],
                                 ["@2", "SLOWLOG", "GET", "-1"]]),
    ("slowlog blocked timeout", [_SL_ON, ["SLOWLOG", "RESET"], ["BLPOP", "q", "0.05"],
                                 ["SLOWLOG", "GET", "2"]]),
]
NONDETERMINISTIC.update({name: "slowlog" for name, _ in CASES if name.startswith("slowlog")})
#: The in-process vectors have no wall clock: a blocking command's timeout never comes.
NOT_VECTORS: dict[str, str] = {"slowlog blocked timeout": "a BLPOP timeout on the wall clock"}

# --- LATENCY (no spikes here: every command is far below a 1 ms threshold on both servers) ------
CASES += [
    ("latency monitor off", [["LATENCY", "RESET"], ["LATENCY", "LATEST"], ["LATENCY", "DOCTOR"],
                             ["LATENCY", "HISTORY", "command"], ["LATENCY", "GRAPH", "command"],
                             ["LATENCY", "RESET", "command", "x"], ["LATENCY", "HELP"],
                             ["LATENCY", "FOO"], ["LATENCY", "LATEST", "x"], ["LATENCY", "DOCTOR", "x"],
                             ["LATENCY", "HISTORY"], ["LATENCY", "GRAPH", b"a\x00b"], ["LATENCY"]]),
    ("latency monitor on without spikes", [["CONFIG", "SET", "latency-monitor-threshold", "1000"],
                                           ["LATENCY", "RESET"], ["SET", "k", "v"],
                                           ["LATENCY", "LATEST"], ["LATENCY", "DOCTOR"],
                                           ["CONFIG", "SET", "latency-monitor-threshold", "0"],
                                           ["LATENCY", "DOCTOR"]]),
    ("latency histogram", [["CONFIG", "RESETSTAT"], ["SET", "a", "b"], ["SET", "c", "d"], ["GET", "a"],
                           ["LATENCY", "HISTOGRAM", "set", "get", "config|resetstat", "nosuch",
                            "config", "SET", "hset"],
                           ["LATENCY", "HISTOGRAM", "config"], ["LATENCY", "HISTOGRAM", "GET"]]),
]
NONDETERMINISTIC.update({"latency histogram": "latency-histogram"})

# --- MEMORY (figures from the memory model: compared by shape; MALLOC-STATS differs: a libc
# build here, jemalloc in Debian's 7.0.15) -------------------------------------------------------
CASES += [
    ("memory help and arity", [["MEMORY", "HELP"], ["MEMORY", "STATS", "x"], ["MEMORY", "DOCTOR", "x"],
                               ["MEMORY", "PURGE", "x"], ["MEMORY", "MALLOC-STATS", "x"],
                               ["MEMORY", "FOO"], ["MEMORY"], ["MEMORY", "PURGE"]]),
    ("memory doctor small instance", [["SET", "k", "v"], ["MEMORY", "DOCTOR"]]),
    ("memory stats shape", [["SET", "k", "v"], ["SET", "e", "v", "EX", "100"], ["SELECT", "2"],
                            ["SET", "k2", "v"], ["MEMORY", "STATS"]]),
]
NONDETERMINISTIC.update({"memory stats shape": {4: "shape"}})

# --- LOLWUT (Schotter's first two rows use no randomness; the rest is compared by layout) -------
CASES += [
    ("lolwut versions", [["LOLWUT"], ["LOLWUT", "VERSION", "7"], ["LOLWUT", "VERSION", "-5"],
                         ["LOLWUT", "VERSION", "49"], ["LOLWUT", "VERSION", "4"], ["LOLWUT", "FOO"],
                         ["LOLWUT", "VERSION"], ["LOLWUT", "VERSION", "x"],
                         ["LOLWUT", "VERSION", "5", "x"], ["LOLWUT", "VERSION", "6", "1", "x"]]),
    ("lolwut schotter straight rows", [["LOLWUT", "VERSION", "5", "66", "8", "2"],
                                       ["LOLWUT", "VERSION", "5", "1", "1", "1"],
                                       ["LOLWUT", "VERSION", "5", "13", "3", "2"],
                                       ["LOLWUT", "VERSION", "5", "1000", "200", "2"],
                                       ["LOLWUT", "VERSION", "5", "0", "-3", "0"]]),
    ("lolwut random drawings", [["LOLWUT", "VERSION", "5"], ["LOLWUT", "VERSION", "5", "20", "3", "5"],
                                ["LOLWUT", "VERSION", "6"], ["LOLWUT", "VERSION", "6", "30", "10"],
                                ["LOLWUT", "VERSION", "5.9"]]),
]
NONDETERMINISTIC.update({"lolwut random drawings": "lolwut-art"})
