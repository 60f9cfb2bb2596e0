"""Differential cases for the replication commands on one server that stays a master
(``replication.c``: REPLCONF, PSYNC/SYNC, REPLICAOF, ROLE, WAIT; Redis 7.0.15).

Nothing here may turn a harness server into a replica or a connection into one: no
REPLICAOF with a port that parses (the server would follow it), no PSYNC/SYNC outside a
transaction (the connection would become a replica and get a snapshot), no REPLCONF ACK or
GETACK (they are never answered). Replication between servers is tests/test_repl_interop.py.
"""

from __future__ import annotations

from typing import Any

CASES: list[tuple[str, list[list[Any]]]] = [
    ("replconf options", [
        ["REPLCONF"], ["REPLCONF", "listening-port"], ["REPLCONF", "a", "b", "c"],
        ["REPLCONF", "listening-port", "6380"], ["REPLCONF", "listening-port", "abc"],
        ["REPLCONF", "listening-port", "99999999999999999999"],
        ["REPLCONF", "ip-address", "10.0.0.1"], ["REPLCONF", "ip-address", "x" * 46],
        ["REPLCONF", "ip-address", "h" * 255], ["REPLCONF", "ip-address", "h" * 256],
        ["REPLCONF", "capa", "eof", "capa", "psync2"], ["REPLCONF", "capa", "whatever"],
        ["REPLCONF", "CAPA", "EOF", "Listening-Port", "1"],
        ["REPLCONF", "bogus", "1"], ["REPLCONF", "capa", "eof", "nope", "1"],
        ["REPLCONF", "rdb-only", "1"], ["REPLCONF", "rdb-only", "2"],
        ["REPLCONF", "rdb-only", "x"], ["REPLCONF", "rdb-only", "0"], ["PING"]]),
    # (PSYNC takes extra arguments: "PSYNC ? -1 x" starts a full sync, not here)
    ("psync and sync arity", [["PSYNC"], ["PSYNC", "?"], ["SYNC", "x"], ["PING"]]),
    ("psync and sync in multi", [
        ["MULTI"], ["SYNC"], ["PSYNC", "?", "-1"], ["EXEC"], ["PING"]]),
    ("sync in a script", [
        ["EVAL", "return redis.pcall('sync')", "0"],
        ["EVAL", "return redis.pcall('psync', '?', '-1')", "0"],
        ["EVAL", "return redis.pcall('replicaof', 'no', 'one')", "0"],
        ["EVAL", "return redis.pcall('wait', '0', '0')", "0"],
        ["EVAL", "return redis.pcall('role')", "0"]]),
    ("replicaof refusals", [
        ["REPLICAOF"], ["REPLICAOF", "127.0.0.1"], ["REPLICAOF", "127.0.0.1", "abc"],
        ["REPLICAOF", "127.0.0.1", "12x"], ["SLAVEOF", "127.0.0.1", "port"],
        ["REPLICAOF", "a", "b", "c"], ["ROLE"]]),
    ("replicaof no one on a master", [
        ["REPLICAOF", "NO", "ONE"], ["replicaof", "no", "one"], ["SLAVEOF", "No", "One"],
        ["ROLE"], ["MULTI"], ["REPLICAOF", "NO", "ONE"], ["EXEC"]]),
    ("role on a master without replicas", [["ROLE"], ["role", "x"]]),
    ("wait without replicas", [
        ["SET", "k", "v"], ["WAIT", "0", "0"], ["WAIT", "0", "10"],
        ["MULTI"], ["WAIT", "1", "0"], ["WAIT", "5", "100"], ["EXEC"]]),
    ("wait bad arguments", [
        ["WAIT"], ["WAIT", "1"], ["WAIT", "a", "0"], ["WAIT", "0", "b"],
        ["WAIT", "0", "-1"], ["WAIT", "0", "1.5"], ["WAIT", "-1", "0"],
        ["WAIT", "0", "99999999999999999999"], ["WAIT", "1", "0", "x"]]),
    ("info replication on a master", [["INFO", "replication"]]),
    ("replication config", [
        ["CONFIG", "GET", "repl-*"], ["CONFIG", "GET", "replica-*"],
        ["CONFIG", "GET", "min-replicas-*"], ["CONFIG", "GET", "min-slaves-*"],
        ["CONFIG", "SET", "repl-ping-replica-period", "0"],
        ["CONFIG", "SET", "repl-timeout", "0"],
        ["CONFIG", "SET", "min-replicas-to-write", "1"], ["SET", "k", "v"], ["GET", "k"],
        ["MULTI"], ["SET", "k", "v"], ["EXEC"],
        ["EVAL", "return redis.pcall('set', 'k', 'v')", "0"],
        ["EVAL", "return redis.call('get', 'k')", "0"],
        ["EVAL", "#!lua\nreturn redis.pcall('set', 'k', 'v')", "0"],
        ["EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'k')", "0"],
        ["CONFIG", "SET", "min-replicas-max-lag", "0"], ["SET", "k", "v"],
        ["CONFIG", "SET", "min-replicas-max-lag", "10"],
        ["CONFIG", "SET", "min-replicas-to-write", "0"], ["SET", "k", "v"],
        ["INFO", "replication"]]),
    # FAILOVER on a server without replicas: the option parsing and its refusals
    ("failover refusals without replicas", [
        ["FAILOVER", "ABORT"], ["FAILOVER", "ABORT", "x"], ["FAILOVER", "abort"],
        ["FAILOVER", "TIMEOUT", "0"], ["FAILOVER", "TIMEOUT", "-5"],
        ["FAILOVER", "TIMEOUT", "abc"], ["FAILOVER", "TIMEOUT", "99999999999999999999"],
        ["FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6"], ["FAILOVER", "TIMEOUT"],
        ["FAILOVER", "TO", "h"], ["FAILOVER", "TO", "h", "x"], ["FAILOVER", "TO", "h", "1", "TO"],
        ["FAILOVER", "FORCE", "FORCE"], ["FAILOVER", "BLAH"],
        ["FAILOVER", "TIMEOUT", "0", "BLAH"], ["FAILOVER", "BLAH", "TIMEOUT", "0"],
        ["FAILOVER", "ABORT", "TIMEOUT", "5"], ["FAILOVER"], ["FAILOVER", "FORCE"],
        ["FAILOVER", "TO", "127.0.0.1", "1"], ["FAILOVER", "to", "h", "1", "timeout", "9", "force"],
        ["INFO", "replication"]]),
    ("failover in multi and scripts", [
        ["MULTI"], ["FAILOVER"], ["FAILOVER", "ABORT"], ["EXEC"],
        ["EVAL", "return redis.pcall('failover')", "0"], ["PSYNC", "abc", "1", "FAILOVER"],
        ["PSYNC", "abc", "1", "failover", "x"]]),
]

NONDETERMINISTIC: dict[str, Any] = {
    # the replication id is drawn at random on every start
    "info replication on a master": "info-replid",
    "replication config": {0: "sort", 1: "sort", 2: "sort", 3: "sort", 21: "info-replid"},
    "failover refusals without replicas": {21: "info-replid"},
}
