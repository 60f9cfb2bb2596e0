"""Differential cases: blocking list and sorted-set commands, CLIENT UNBLOCK (issue #5).

A step marked ``"@N~"`` is expected to produce no reply when sent (it blocks, or it waits
behind a blocked command); ``{id@N}`` is connection N's client id (see the harness).
Timeouts are short (0.05 s) so that the null reply is deterministic once it arrives.
"""

from __future__ import annotations

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    # -- argument errors and immediate (non-blocking) answers --------------------------------
    ("timeout errors", [
        ["BLPOP", "k", "-1"], ["BLPOP", "k", "abc"], ["BLPOP", "k", "inf"],
        ["BLPOP", "k", "-inf"], ["BLPOP", "k", "1e300"], ["BLPOP", "k", "nan"],
        ["BLPOP", "k", ""], ["BLPOP", "k", " 1"], ["BRPOP", "k", "-0.0011"],
        ["BZPOPMIN", "k", "x"], ["BZPOPMAX", "k", "-5"], ["BLMOVE", "a", "b", "LEFT", "UP", "-1"],
        ["BLMOVE", "a", "b", "LEFT", "LEFT", "-1"], ["BRPOPLPUSH", "a", "b", "x"],
        ["BLMPOP", "-1", "1", "k", "LEFT"], ["BLMPOP", "x", "0", "k", "LEFT"],
        ["BZMPOP", "-1", "1", "k", "MIN"], ["BZMPOP", "0", "0", "k", "MIN"],
    ]),
    ("argument errors", [
        ["BLMPOP", "0", "0", "k", "LEFT"], ["BLMPOP", "0", "2", "k", "LEFT"],
        ["BLMPOP", "0", "1", "k", "UP"], ["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "0"],
        ["BLMPOP", "0", "1", "k", "LEFT", "COUNT"], ["BLMPOP", "0", "1", "k", "LEFT", "X", "1"],
        ["BZMPOP", "0", "1", "k", "UP"], ["BZMPOP", "0", "1", "k", "MAX", "COUNT", "-1"],
        ["BZMPOP", "0", "x", "k", "MAX"], ["BLPOP", "k"], ["BLMOVE", "a", "b", "LEFT", "LEFT"],
        ["BZMPOP", "0", "1", "k"], ["BLMPOP", "x", "1", "k", "UP"],
        ["BLMPOP", "x", "1", "k", "LEFT", "COUNT", "0"], ["BLMPOP", "x", "5", "k", "LEFT"],
        ["BZMPOP", "x", "0", "k", "MIN"], ["BZMPOP", "x", "1", "k", "MIN", "COUNT", "0"],
        ["BZMPOP", "x", "1", "k", "MIN"], ["BLMPOP", "-1", "1", "k", "LEFT", "COUNT", "2"],
    ]),
    ("immediate pops", [
        ["RPUSH", "l", "a", "b", "c"], ["BLPOP", "nokey", "l", "0"], ["BRPOP", "l", "0"],
        ["LRANGE", "l", "0", "-1"], ["BLPOP", "l", "0"], ["EXISTS", "l"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["BZPOPMIN", "nokey", "z", "0"],
        ["BZPOPMAX", "z", "0"], ["BZPOPMIN", "z", "0"], ["EXISTS", "z"],
    ]),
    ("immediate mpop and move", [
        ["RPUSH", "l", "a", "b", "c"], ["BLMPOP", "0", "2", "x", "l", "RIGHT", "COUNT", "2"],
        ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "9"], ["RPUSH", "l", "1", "2"],
        ["BLMOVE", "l", "d", "LEFT", "RIGHT", "0"], ["BRPOPLPUSH", "l", "d", "0"],
        ["LRANGE", "d", "0", "-1"], ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        ["BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"], ["BZMPOP", "0", "2", "q", "z", "MIN"],
    ]),
    ("wrong type answers at once", [
        ["SET", "s", "x"], ["BLPOP", "s", "0"], ["BLPOP", "nokey", "s", "0"],
        ["BRPOP", "s", "0"], ["BZPOPMIN", "s", "0"], ["BZMPOP", "0", "1", "s", "MIN"],
        ["BLMPOP", "0", "1", "s", "LEFT"], ["BLMOVE", "s", "d", "LEFT", "LEFT", "0"],
        ["RPUSH", "l", "x"], ["BLMOVE", "l", "s", "LEFT", "LEFT", "0"], ["LLEN", "l"],
        ["ZADD", "z", "1", "m"], ["BLPOP", "z", "0"], ["BZPOPMIN", "l", "0"],
    ]),
    ("inside MULTI nothing blocks", [
        ["MULTI"], ["BLPOP", "k", "0"], ["BRPOP", "k", "0"], ["BZPOPMIN", "k", "0"],
        ["BZPOPMAX", "k", "0"], ["BLMOVE", "k", "d", "LEFT", "LEFT", "0"],
        ["BRPOPLPUSH", "k", "d", "0"], ["BLMPOP", "0", "1", "k", "LEFT"],
        ["BZMPOP", "0", "1", "k", "MIN"], ["BLPOP", "k", "-1"], ["EXEC"],
    ]),
    ("inside MULTI with data", [
        ["RPUSH", "k", "a"], ["ZADD", "z", "1", "m"], ["MULTI"], ["BLPOP", "k", "0"],
        ["BZPOPMAX", "z", "0"], ["BLPOP", "k", "0"], ["EXEC"],
    ]),
    # -- timeouts ------------------------------------------------------------------------------
    ("minus a millisecond rounds to forever", [
        ["@1~", "BRPOP", "k", "-0.001"], ["@1~", "BZPOPMIN", "k", "-0.0009"],
        ["@2", "CLIENT", "UNBLOCK", "{id@1}"], ["@2", "ZADD", "k", "1", "m"],
    ]),
    # every connection times out at once; the sentinel PING collects the null replies
    ("timeouts reply null arrays", [
        ["@1~", "BLPOP", "k", "0.05"], ["@2~", "BRPOP", "k", "k2", "0.05"],
        ["@3~", "BZPOPMIN", "k", "0.05"], ["@4~", "BZPOPMAX", "k", "0.05"],
        ["@5~", "BLMOVE", "k", "d", "LEFT", "LEFT", "0.05"], ["@6~", "BRPOPLPUSH", "k", "d", "0.05"],
        ["@7~", "BLMPOP", "0.05", "1", "k", "LEFT"],
        ["@8~", "BZMPOP", "0.05", "1", "k", "MIN", "COUNT", "3"],
    ]),
    ("timeout then pipelined commands run", [
        ["@1", "BLPOP", "k", "0.05"], ["@1", "PING"], ["@1", "RPUSH", "k", "x"],
        ["@1", "BLPOP", "k", "0.05"],
    ]),
    ("tiny and fractional timeouts", [
        ["@1~", "BLPOP", "k", "0.0001"], ["@2~", "BLPOP", "k", "1e-9"],
        ["@3~", "BZPOPMIN", "k", ".01"], ["@4~", "BLPOP", "k", "0x0.1p-4"],
        ["@5~", "BLMPOP", "2E-2", "1", "k", "RIGHT"], ["@6", "EXISTS", "k", "d"],
    ]),
    ("timeouts in RESP3 on two clients", [
        ["@1~", "BLPOP", "k", "0.05"], ["@2", "BZPOPMIN", "z", "0.05"], ["@1", "PING"],
    ]),
    # -- serving --------------------------------------------------------------------------------
    ("blpop served by lpush", [
        ["@1~", "BLPOP", "k", "0"], ["@2", "LPUSH", "k", "a"], ["@2", "EXISTS", "k"],
    ]),
    ("brpop served by rpush of several", [
        ["@1~", "BRPOP", "k", "0"], ["@2", "RPUSH", "k", "a", "b", "c"],
        ["@2", "LRANGE", "k", "0", "-1"],
    ]),
    ("blpop on several keys, second ready", [
        ["@1~", "BLPOP", "k1", "k2", "k3", "0"], ["@2", "RPUSH", "k2", "x"],
        ["@2", "RPUSH", "k1", "y"], ["@2", "LRANGE", "k1", "0", "-1"],
    ]),
    ("fifo with three waiters", [
        ["@1~", "BLPOP", "k", "0"], ["@2~", "BLPOP", "k", "0"], ["@3~", "BLPOP", "k", "0"],
        ["@4", "LPUSH", "k", "a", "b", "c"], ["@4", "EXISTS", "k"],
    ]),
    ("fifo with three waiters, one element at a time", [
        ["@1~", "BRPOP", "k", "0"], ["@2~", "BRPOP", "k", "0"], ["@3~", "BRPOP", "k", "0"],
        ["@4", "RPUSH", "k", "a"], ["@4", "RPUSH", "k", "b"], ["@4", "RPUSH", "k", "c"],
        ["@4", "RPUSH", "k", "d"], ["@4", "LRANGE", "k", "0", "-1"],
    ]),
    ("two waiters, one element", [
        ["@1~", "BLPOP", "k", "0"], ["@2~", "BLPOP", "k", "0"], ["@3", "RPUSH", "k", "a"],
        ["@3", "CLIENT", "UNBLOCK", "{id@2}"], ["@3", "EXISTS", "k"],
    ]),
    ("blmove served", [
        ["@1~", "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"], ["@2", "RPUSH", "src", "a", "b"],
        ["@2", "LRANGE", "src", "0", "-1"], ["@2", "LRANGE", "dst", "0", "-1"],
    ]),
    ("blmove served into a waited key", [
        ["@1~", "BLPOP", "dst", "0"], ["@2~", "BLMOVE", "src", "dst", "LEFT", "LEFT", "0"],
        ["@3", "RPUSH", "src", "v"], ["@3", "EXISTS", "src", "dst"],
    ]),
    ("blmove same key rotates", [
        ["@1~", "BLMOVE", "k", "k", "LEFT", "RIGHT", "0"], ["@2", "RPUSH", "k", "a", "b"],
        ["@2", "LRANGE", "k", "0", "-1"],
    ]),
    ("brpoplpush served", [
        ["@1~", "BRPOPLPUSH", "src", "dst", "0"], ["@2", "RPUSH", "src", "a", "b"],
        ["@2", "LRANGE", "dst", "0", "-1"],
    ]),
    ("blmove served with a wrong-type destination", [
        ["@2", "SET", "dst", "x"], ["@1~", "BLMOVE", "src", "dst", "LEFT", "LEFT", "0"],
        ["@2", "RPUSH", "src", "a"], ["@2", "LRANGE", "src", "0", "-1"], ["@1", "PING"],
    ]),
    ("blmpop served with count", [
        ["@1~", "BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2"],
        ["@2", "RPUSH", "b", "1", "2", "3"], ["@2", "LRANGE", "b", "0", "-1"],
    ]),
    ("blmpop served, count larger than the list", [
        ["@1~", "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "10"], ["@2~", "BLPOP", "k", "0"],
        ["@3", "RPUSH", "k", "1", "2"], ["@3", "RPUSH", "k", "3"],
    ]),
    ("bzpopmin served", [
        ["@1~", "BZPOPMIN", "z", "0"], ["@2", "ZADD", "z", "2", "b", "1", "a"],
        ["@2", "ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ]),
    ("bzpopmax served by zincrby", [
        ["@1~", "BZPOPMAX", "z", "0"], ["@2", "ZINCRBY", "z", "2.5", "m"], ["@2", "EXISTS", "z"],
    ]),
    ("bzmpop served with count", [
        ["@1~", "BZMPOP", "0", "2", "y", "z", "MAX", "COUNT", "2"],
        ["@2", "ZADD", "z", "1", "a", "2", "b", "3", "c"], ["@2", "ZCARD", "z"],
    ]),
    ("zset fifo", [
        ["@1~", "BZPOPMIN", "z", "0"], ["@2~", "BZPOPMAX", "z", "0"],
        ["@3~", "BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"],
        ["@4", "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["@4", "ZCARD", "z"],
    ]),
    ("list and zset waiters on one key", [
        ["@1~", "BZPOPMIN", "k", "0"], ["@2~", "BLPOP", "k", "0"], ["@3", "RPUSH", "k", "a"],
        ["@3", "DEL", "k"], ["@3", "ZADD", "k", "1", "m"],
    ]),
    ("rotation of other-type waiters", [
        ["@1~", "BZPOPMIN", "k", "0"], ["@2~", "BLPOP", "k", "0"], ["@3~", "BZPOPMAX", "k", "0"],
        ["@4~", "BLPOP", "k", "0"], ["@5", "RPUSH", "k", "a"], ["@5", "RPUSH", "k", "b"],
        ["@5", "ZADD", "k2", "1", "x"], ["@5", "DEL", "k"], ["@5", "ZADD", "k", "1", "a", "2", "b"],
    ]),
    ("key turned into a string keeps the waiter", [
        ["@1~", "BLPOP", "k", "0"], ["@2", "SET", "k", "str"], ["@2", "DEL", "k"],
        ["@2", "RPUSH", "k", "v"], ["@2", "EXISTS", "k"],
    ]),
    ("served by rename, move and copy", [
        ["@1~", "BLPOP", "k", "0"], ["@2", "RPUSH", "src", "v"], ["@2", "RENAME", "src", "k"],
        ["@1~", "BLPOP", "k", "0"], ["@2", "SELECT", "1"], ["@2", "RPUSH", "k", "w"],
        ["@2", "MOVE", "k", "0"], ["@1~", "BLPOP", "k", "0"], ["@2", "RPUSH", "c", "x"],
        ["@2", "COPY", "c", "k", "DB", "0"],
    ]),
    ("served by swapdb", [
        ["@1~", "BLPOP", "k", "0"], ["@2", "SELECT", "1"], ["@2", "RPUSH", "k", "a", "b"],
        ["@2", "SWAPDB", "0", "1"], ["@2", "LRANGE", "k", "0", "-1"], ["@2", "SELECT", "0"],
        ["@2", "LRANGE", "k", "0", "-1"],
    ]),
    ("waiter in another database", [
        ["@1", "SELECT", "2"], ["@1~", "BLPOP", "k", "0"], ["@2", "RPUSH", "k", "db0"],
        ["@2", "SELECT", "2"], ["@2", "RPUSH", "k", "db2"], ["@2", "LLEN", "k"],
        ["@1", "LLEN", "k"],
    ]),
    ("multi push and pop leaves the waiter", [
        ["@1~", "BLPOP", "k", "0"], ["@2", "MULTI"], ["@2", "LPUSH", "k", "1"],
        ["@2", "LPOP", "k"], ["@2", "EXEC"], ["@2", "MULTI"], ["@2", "LPUSH", "k", "a", "b"],
        ["@2", "LPUSH", "k", "c"], ["@2", "EXEC"], ["@2", "LRANGE", "k", "0", "-1"],
    ]),
    ("pipelined commands wait behind a blocked one", [
        ["@1~", "BLPOP", "k", "0"], ["@1~", "PING"], ["@1~", "RPUSH", "k", "self"],
        ["@1~", "GET", "x"], ["@2", "SET", "x", "1"], ["@2", "RPUSH", "k", "a"],
        ["@1", "LRANGE", "k", "0", "-1"],
    ]),
    ("pipelined blocking commands in a row", [
        ["@1~", "BLPOP", "k", "0"], ["@1~", "BLPOP", "k", "0"], ["@1~", "LLEN", "k"],
        ["@2", "RPUSH", "k", "a", "b", "c"], ["@1", "LLEN", "k"],
    ]),
    ("blocked client served twice from a pipeline", [
        ["@1~", "BRPOP", "k", "0"], ["@1~", "BRPOP", "k", "0"], ["@2", "RPUSH", "k", "a"],
        ["@2", "RPUSH", "k", "b"], ["@1", "EXISTS", "k"],
    ]),
    ("duplicate keys in one blpop", [
        ["@1~", "BLPOP", "k", "k", "k", "0"], ["@2", "RPUSH", "k", "a", "b"],
        ["@2", "LLEN", "k"],
    ]),
    ("keyspace events of a served pop", [
        ["@3", "CONFIG", "SET", "notify-keyspace-events", "KEA"],
        ["@3", "PSUBSCRIBE", "__key*__:*"], ["@1~", "BLPOP", "k", "0"],
        ["@2", "RPUSH", "k", "a"], ["@2", "PING"],
    ]),
    # -- CLIENT UNBLOCK ---------------------------------------------------------------------------
    ("client unblock timeout", [
        ["@1~", "BLPOP", "k", "0"], ["@2", "CLIENT", "UNBLOCK", "{id@1}"], ["@1", "PING"],
        ["@1~", "BZPOPMIN", "k", "0"], ["@2", "CLIENT", "UNBLOCK", "{id@1}", "timeout"],
    ]),
    ("client unblock error", [
        ["@1~", "BLMOVE", "a", "b", "LEFT", "LEFT", "0"],
        ["@2", "CLIENT", "UNBLOCK", "{id@1}", "ERROR"], ["@1", "PING"],
        ["@2", "CLIENT", "UNBLOCK", "{id@1}", "ERROR"],
    ]),
    ("client unblock of clients not blocked", [
        ["@2", "CLIENT", "UNBLOCK", "{id@1}"], ["@2", "CLIENT", "UNBLOCK", "{id@2}"],
        ["@2", "CLIENT", "UNBLOCK", "999999"], ["@2", "CLIENT", "UNBLOCK", "-1"],
        ["@2", "CLIENT", "UNBLOCK", "x"], ["@2", "CLIENT", "UNBLOCK", "1", "foo"],
        ["@2", "CLIENT", "UNBLOCK", "x", "foo"], ["@2", "CLIENT", "UNBLOCK", "1", "error", "x"],
        ["@2", "CLIENT", "UNBLOCK"],
    ]),
    ("client unblock resumes the pipeline", [
        ["@1~", "BLPOP", "k", "0"], ["@1~", "PING"], ["@1~", "ECHO", "after"],
        ["@2", "CLIENT", "UNBLOCK", "{id@1}", "ERROR"], ["@2", "PING"],
    ]),
    ("client unblock in the middle of the queue", [
        ["@1~", "BLPOP", "k", "0"], ["@2~", "BLPOP", "k", "0"], ["@3~", "BLPOP", "k", "0"],
        ["@4", "CLIENT", "UNBLOCK", "{id@2}"], ["@4", "RPUSH", "k", "a", "b"],
        ["@4", "EXISTS", "k"],
    ]),
    ("commandstats and errorstats after unblocking", [
        ["@2", "CONFIG", "RESETSTAT"], ["@1~", "BLPOP", "k", "0"],
        ["@2", "CLIENT", "UNBLOCK", "{id@1}", "ERROR"], ["@1~", "BZMPOP", "0", "1", "k", "MIN"],
        ["@2", "CLIENT", "UNBLOCK", "{id@1}"], ["@1~", "BRPOP", "k", "0"],
        ["@2", "RPUSH", "k", "x"], ["@1", "BLPOP", "k", "0.01"],
        ["@2", "INFO", "errorstats"],
    ]),
    ("info clients counts blocked", [
        ["@1~", "BLPOP", "k", "0"], ["@2~", "BLPOP", "k", "100"], ["@3", "INFO", "clients"],
        ["@3", "CLIENT", "UNBLOCK", "{id@1}"], ["@3", "CLIENT", "UNBLOCK", "{id@2}"],
        ["@3", "INFO", "clients"],
    ]),
    ("disconnect of a blocked client", [
        ["@1~", "BLPOP", "k", "0"], ["@2~", "BLPOP", "k", "0"],
        ["@3", "CLIENT", "KILL", "ID", "{id@1}"], ["@3", "RPUSH", "k", "a", "b"],
        ["@3", "LRANGE", "k", "0", "-1"],
    ]),
    ("reset while blocked waits", [
        ["@1~", "BLPOP", "k", "0"], ["@1~", "RESET"], ["@2", "RPUSH", "k", "a"],
    ]),
]

NONDETERMINISTIC = {
    # INFO clients: the buffer peaks differ between servers; the blocked counts are checked
    # by tests/test_blocking.py
    "info clients counts blocked": {2: "info-fields", 5: "info-fields"},
}

#: Cases left out of the exported conformance vectors (``redspec vectors``): their replies need
#: wall-clock time to pass (a timeout firing), which the in-process spec replay does not do.
NOT_VECTORS: dict[str, str] = {
    "timeout then pipelined commands run": "a blocking timeout must fire",
    "timeouts in RESP3 on two clients": "a blocking timeout must fire",
    "timeouts reply null arrays": "a blocking timeout must fire",
    "tiny and fractional timeouts": "a blocking timeout must fire",
}
