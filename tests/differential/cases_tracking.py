"""Differential cases for client-side caching (``tracking.c``: CLIENT TRACKING, CACHING,
GETREDIR, TRACKINGINFO and the invalidation messages), checked against Redis 7.0.15.

Every case runs in RESP2 and RESP3: in RESP2 a tracking client with no redirection gets no
messages at all (there is nowhere to put them), which both servers must agree on too.
Redirections name a connection by ``{id@N}``.
"""

from __future__ import annotations

ON = ["CLIENT", "TRACKING", "ON"]

# A BCAST message is sent in beforeSleep, so every case ends a run on the tracking connection
# right after a write that produces one (the harness collects at the next connection switch):
# a command pipelined behind that write may be read before or after the beforeSleep, on Redis
# as on redspec, and the message would land on either side of its reply.

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    ("tracking default mode", [ON, ["GET", "k"], ["@2", "SET", "k", "v"], ["GET", "k"],
                               ["@2", "SET", "k", "v2"], ["@2", "SET", "k", "v3"], ["GET", "k"],
                               ["SET", "k", "mine"], ["GET", "k"], ["CLIENT", "TRACKINGINFO"],
                               ["CLIENT", "GETREDIR"], ["@2", "DEL", "k"], ["PING"]]),
    ("tracking many keys", [ON, ["MGET", "a", "b", "c"], ["HGET", "h", "f"], ["EXISTS", "d"],
                            ["@2", "MSET", "a", "1", "c", "3"], ["@2", "HSET", "h", "f", "v"],
                            ["@2", "SET", "d", "1"], ["@2", "SET", "b", "2"], ["PING"],
                            ["@2", "SET", "b", "again"], ["PING"]]),
    ("tracking flush", [ON, ["GET", "k"], ["@2", "CLIENT", "TRACKING", "ON"], ["FLUSHDB"],
                        ["@2", "PING"], ["@2", "FLUSHALL"], ["PING"], ["@2", "PING"]]),
    ("tracking off", [ON, ["GET", "k"], ["CLIENT", "TRACKING", "OFF"], ["@2", "SET", "k", "1"],
                      ["PING"], ["CLIENT", "TRACKINGINFO"], ["CLIENT", "GETREDIR"],
                      ["CLIENT", "TRACKING", "OFF"]]),
    ("tracking noloop", [["CLIENT", "TRACKING", "ON", "NOLOOP"], ["GET", "n"], ["SET", "n", "1"],
                         ["PING"], ["GET", "n"], ["@2", "SET", "n", "2"], ["GET", "n"],
                         ["CLIENT", "TRACKING", "ON"], ["SET", "n", "3"], ["PING"],
                         ["CLIENT", "TRACKINGINFO"]]),
    ("tracking optin", [["CLIENT", "TRACKING", "ON", "OPTIN"], ["GET", "a"],
                        ["CLIENT", "CACHING", "YES"], ["GET", "b"], ["GET", "c"],
                        ["@2", "MSET", "a", "1", "b", "2", "c", "3"], ["PING"],
                        ["CLIENT", "CACHING", "YES"], ["CLIENT", "TRACKINGINFO"], ["PING"],
                        ["CLIENT", "TRACKINGINFO"],
                        ["CLIENT", "CACHING", "YES"], ["MULTI"], ["GET", "m1"], ["GET", "m2"],
                        ["EXEC"], ["@2", "MSET", "m1", "1", "m2", "2"], ["PING"]]),
    ("tracking optout", [["CLIENT", "TRACKING", "ON", "OPTOUT"], ["CLIENT", "CACHING", "NO"],
                         ["GET", "o"], ["GET", "p"], ["@2", "MSET", "o", "1", "p", "2"], ["PING"],
                         ["CLIENT", "CACHING", "NO"], ["CLIENT", "TRACKINGINFO"]]),
    ("tracking bcast", [["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b"],
                        ["@2", "MSET", "a1", "1", "b1", "2", "c1", "3", "a2", "4"], ["PING"],
                        ["@2", "DEL", "a1", "zz"], ["PING"],
                        # an own write's BCAST message comes in beforeSleep: the run ends with
                        # it (the switch to connection 2 collects the message), since a command
                        # pipelined behind it may be read before or after that beforeSleep
                        ["SET", "b2", "mine"], ["@2", "PING"], ["PING"],
                        ["CLIENT", "TRACKINGINFO"], ["CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP",
                                                    "PREFIX", "c"],
                        ["MSET", "c2", "1", "a3", "2"], ["@2", "SET", "c3", "1"], ["PING"],
                        ["CLIENT", "TRACKINGINFO"]]),
    ("tracking bcast every key", [["CLIENT", "TRACKING", "ON", "BCAST"], ["@2", "SET", "x", "1"],
                                  ["@2", "INCR", "y"], ["PING"], ["@2", "FLUSHALL"], ["PING"]]),
    ("tracking in multi", [ON, ["GET", "m"], ["MULTI"], ["GET", "m"], ["SET", "m", "1"], ["EXEC"],
                           ["PING"], ["MULTI"], ["GET", "m"], ["EXEC"], ["@2", "SET", "m", "2"],
                           ["PING"]]),
    # 7.0.15 remembers the script command's declared KEYS when the script runs a read-only
    # command, not the keys the script read; EVAL_RO's own keys are not remembered.
    ("tracking keys a script reads", [ON, ["EVAL", "return redis.call('get', KEYS[1])", "1", "s"],
                                      ["EVAL_RO", "return redis.call('get', 't')", "0"],
                                      ["EVAL", "redis.call('get','u'); return 1", "1", "v"],
                                      ["EVAL", "return 1", "1", "w"],
                                      ["EVAL_RO", "return 1", "1", "r"],
                                      ["EVAL", "redis.call('set','zz','1'); return 1", "1", "x"],
                                      ["@2", "MSET", "s", "1", "t", "2", "u", "3", "v", "4", "w", "5",
                                       "r", "6", "x", "7"], ["PING"]]),
    ("tracking redirect", [["SUBSCRIBE", "__redis__:invalidate"],
                           ["@2", "CLIENT", "TRACKING", "ON", "REDIRECT", "{id@1}"], ["@2", "GET", "rk"],
                           ["@3", "SET", "rk", "1"], ["@2", "CLIENT", "TRACKINGINFO"],
                           ["@2", "CLIENT", "GETREDIR"], ["@2", "GET", "rk"], ["@2", "SET", "rk", "2"],
                           ["@2", "PING"]]),
    ("tracking redirect not subscribed", [["PING"],
                                          ["@2", "CLIENT", "TRACKING", "ON", "REDIRECT", "{id@1}"],
                                          ["@2", "GET", "rk"], ["@3", "SET", "rk", "1"], ["PING"]]),
    ("tracking redirect broken", [["PING"], ["@2", "CLIENT", "TRACKING", "ON", "REDIRECT", "{id@1}"],
                                  ["@2", "GET", "x"], ["QUIT"], ["@3", "SET", "x", "1"],
                                  ["@2", "CLIENT", "TRACKINGINFO"], ["@2", "GET", "x"],
                                  ["@3", "SET", "x", "2"], ["@2", "PING"]]),
    ("tracking redirect errors", [["@2", "PING"],
                                  ["CLIENT", "TRACKING", "ON", "REDIRECT", "{id@2}", "REDIRECT", "{id@2}"],
                                  ["CLIENT", "TRACKING", "ON", "REDIRECT", "999999"],
                                  ["CLIENT", "TRACKING", "OFF", "REDIRECT", "999999"],
                                  ["CLIENT", "TRACKING", "ON", "REDIRECT", "x"],
                                  ["CLIENT", "TRACKING", "ON", "REDIRECT"]]),
    ("tracking option errors", [ON, ["CLIENT", "TRACKING", "MAYBE"],
                                ["CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"],
                                ["CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"],
                                ["CLIENT", "TRACKING", "ON", "PREFIX", "a"],
                                ["CLIENT", "TRACKING", "ON", "FOO"], ["CLIENT", "TRACKING"],
                                ["CLIENT", "CACHING", "YES"], ["CLIENT", "TRACKING", "OFF"],
                                ["CLIENT", "TRACKING", "ON", "BCAST", "OPTOUT"],
                                ["CLIENT", "TRACKING", "ON", "OPTIN"],
                                ["CLIENT", "TRACKING", "ON", "OPTOUT"],
                                ["CLIENT", "CACHING", "MAYBE"], ["CLIENT", "CACHING", "YES", "X"],
                                ["CLIENT", "CACHING", "NO"], ["CLIENT", "GETREDIR", "X"],
                                ["CLIENT", "TRACKINGINFO", "X"], ["CLIENT", "TRACKING", "OFF"],
                                ["CLIENT", "CACHING", "NO"], ["CLIENT", "TRACKING", "OFF", "PREFIX", "x"]]),
    ("tracking prefix overlaps", [["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b"],
                                  ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab"],
                                  ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "c", "PREFIX", "cd"],
                                  ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a"],
                                  ["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", ""],
                                  ["CLIENT", "TRACKING", "ON"],
                                  ["CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP", "PREFIX", "z"],
                                  ["CLIENT", "TRACKINGINFO"], ["RESET"], ["CLIENT", "TRACKINGINFO"]]),
    ("tracking client list", [ON, ["@2", "CLIENT", "TRACKING", "ON", "BCAST"],
                              ["CLIENT", "LIST"], ["@2", "CLIENT", "INFO"]]),
]

NONDETERMINISTIC: dict[str, object] = {
    "tracking client list": "client-list",
    "tracking redirect": "tracking-ids",
    "tracking redirect broken": "tracking-ids",
}
