"""Differential cases: transactions (MULTI, EXEC, DISCARD, WATCH, UNWATCH; issue #5).

Queueing and its errors (EXECABORT), errors inside EXEC, WATCH invalidated by this or another
connection ("@2"), by FLUSHDB / FLUSHALL / SWAPDB, keys watched while already expired (``SET
... PXAT 1`` makes a key that exists but is logically expired: deterministic), SELECT inside a
transaction, RESET and QUIT inside MULTI, EXEC refused by a gate (EXECABORT "because of:"), and
CLIENT LIST's ``flags=x``/``d`` and ``multi=`` (masked per-connection fields only).

A watched key that expires *between* WATCH and EXEC needs the clock to move, which the
differential harness cannot do deterministically; that is covered at the spec level
(tests/test_multi.py, virtual time).
"""

from __future__ import annotations

from typing import Any

CASES: list[tuple[str, list[list[Any]]]] = [
    # -- queueing -----------------------------------------------------------------------------
    ("multi-exec-basic", [["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], ["EXEC"],
                          ["GET", "a"]]),
    ("multi-exec-empty", [["MULTI"], ["EXEC"]]),
    ("multi-discard", [["MULTI"], ["SET", "a", "1"], ["DISCARD"], ["GET", "a"], ["EXEC"]]),
    ("exec-without-multi", [["EXEC"], ["exec"]]),
    ("discard-without-multi", [["DISCARD"]]),
    ("multi-nested", [["MULTI"], ["MULTI"], ["SET", "a", "1"], ["EXEC"], ["GET", "a"]]),
    ("multi-lowercase", [["multi"], ["set", "a", "1"], ["exec"]]),
    ("multi-arity", [["MULTI", "x"], ["EXEC", "x"], ["DISCARD", "x"], ["UNWATCH", "x"],
                     ["WATCH"]]),
    ("multi-queued-reads", [["SET", "a", "1"], ["RPUSH", "l", "x", "y"], ["MULTI"], ["GET", "a"],
                            ["LRANGE", "l", "0", "-1"], ["STRLEN", "a"], ["EXISTS", "a", "l"],
                            ["EXEC"]]),
    ("multi-many", [["MULTI"]] + [["INCR", "n"] for _ in range(10)] + [["EXEC"]]),
    ("multi-ping-echo", [["MULTI"], ["PING"], ["PING", "x"], ["ECHO", "e"], ["EXEC"]]),
    # -- queue-time errors -> EXECABORT ------------------------------------------------------
    ("execabort-unknown", [["MULTI"], ["SET", "a", "1"], ["NOSUCHCMD", "x"], ["EXEC"],
                           ["GET", "a"]]),
    ("execabort-arity", [["MULTI"], ["SET", "a"], ["SET", "a", "1"], ["EXEC"], ["GET", "a"]]),
    ("execabort-unknown-subcommand", [["MULTI"], ["CLIENT", "NOSUCH"], ["EXEC"]]),
    ("execabort-then-multi-again", [["MULTI"], ["GET"], ["EXEC"], ["MULTI"], ["SET", "a", "1"],
                                    ["EXEC"]]),
    ("execabort-discard-clears", [["MULTI"], ["GET"], ["DISCARD"], ["MULTI"], ["PING"],
                                  ["EXEC"]]),
    ("watch-inside-multi-not-fatal", [["MULTI"], ["WATCH", "a"], ["SET", "a", "1"], ["EXEC"]]),
    ("nested-multi-not-fatal", [["MULTI"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("execabort-queued-after-error", [["MULTI"], ["NOPE"], ["SET", "a", "1"], ["INCR", "a"],
                                      ["EXEC"], ["EXISTS", "a"]]),
    # -- errors inside EXEC --------------------------------------------------------------------
    ("exec-wrongtype-inside", [["SET", "s", "x"], ["MULTI"], ["LPUSH", "s", "1"], ["INCR", "s"],
                               ["SET", "t", "2"], ["EXEC"], ["GET", "t"]]),
    ("exec-notinteger-inside", [["SET", "a", "abc"], ["MULTI"], ["INCR", "a"], ["APPEND", "a", "d"],
                                ["EXEC"], ["GET", "a"]]),
    ("exec-syntax-inside", [["MULTI"], ["SET", "a", "1", "BADOPT"], ["SET", "b", "2"], ["EXEC"],
                            ["MGET", "a", "b"]]),
    ("exec-mixed-types", [["MULTI"], ["SADD", "s", "a", "b"], ["HSET", "h", "f", "v"],
                          ["ZADD", "z", "1", "m"], ["SCARD", "s"], ["HGETALL", "h"],
                          ["ZSCORE", "z", "m"], ["TYPE", "z"], ["EXEC"]]),
    ("exec-resp3-shapes", [["MULTI"], ["HSET", "h", "a", "1"], ["HGETALL", "h"],
                           ["SMEMBERS", "nosuch"], ["ZADD", "z", "1.5", "m"],
                           ["ZSCORE", "z", "m"], ["GET", "nosuch"], ["EXEC"]]),
    ("exec-select-inside", [["MULTI"], ["SELECT", "2"], ["SET", "a", "in2"], ["SELECT", "1"],
                            ["SET", "a", "in1"], ["EXEC"], ["GET", "a"], ["SELECT", "2"],
                            ["GET", "a"], ["SELECT", "0"], ["EXISTS", "a"]]),
    ("exec-select-bad-inside", [["MULTI"], ["SELECT", "99"], ["SET", "a", "1"], ["EXEC"],
                                ["GET", "a"]]),
    ("exec-flushall-inside", [["SET", "a", "1"], ["MULTI"], ["FLUSHALL"], ["GET", "a"],
                              ["SET", "a", "2"], ["EXEC"], ["GET", "a"]]),
    ("exec-del-expire-inside", [["SET", "a", "1"], ["SET", "b", "2"], ["MULTI"], ["DEL", "a"],
                                ["PEXPIREAT", "b", "1"], ["EXISTS", "a", "b"], ["EXEC"]]),
    # -- WATCH ---------------------------------------------------------------------------------
    ("watch-untouched", [["SET", "a", "1"], ["WATCH", "a"], ["MULTI"], ["INCR", "a"], ["EXEC"]]),
    ("watch-touched-self", [["SET", "a", "1"], ["WATCH", "a"], ["SET", "a", "2"], ["MULTI"],
                            ["INCR", "a"], ["EXEC"], ["GET", "a"]]),
    ("watch-touched-other", [["@2", "SET", "a", "1"], ["WATCH", "a"], ["@2", "INCR", "a"],
                             ["MULTI"], ["SET", "a", "100"], ["EXEC"], ["GET", "a"]]),
    ("watch-touched-while-queueing", [["WATCH", "a"], ["MULTI"], ["SET", "b", "1"],
                                      ["@2", "SET", "a", "x"], ["SET", "c", "1"], ["EXEC"],
                                      ["EXISTS", "b", "c"]]),
    ("watch-missing-then-created", [["WATCH", "k"], ["@2", "SET", "k", "v"], ["MULTI"], ["PING"],
                                    ["EXEC"]]),
    ("watch-missing-stays-missing", [["WATCH", "k"], ["@2", "DEL", "k"], ["MULTI"], ["PING"],
                                     ["EXEC"]]),
    ("watch-read-is-not-touch", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "GET", "a"],
                                 ["@2", "STRLEN", "a"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-failed-set-nx", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "SET", "a", "2", "NX"],
                             ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-other-db", [["WATCH", "a"], ["@2", "SELECT", "1"], ["@2", "SET", "a", "1"],
                        ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-after-select", [["SELECT", "3"], ["WATCH", "a"], ["SELECT", "0"], ["@2", "SELECT", "3"],
                            ["@2", "SET", "a", "1"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-two-clients", [["@2", "WATCH", "a"], ["WATCH", "a"], ["@3", "SET", "a", "1"],
                           ["MULTI"], ["PING"], ["EXEC"], ["@2", "MULTI"], ["@2", "PING"],
                           ["@2", "EXEC"]]),
    ("watch-one-of-many", [["WATCH", "a", "b", "c"], ["@2", "LPUSH", "c", "x"], ["MULTI"],
                           ["PING"], ["EXEC"]]),
    ("watch-twice-same-key", [["WATCH", "a", "a"], ["WATCH", "a"], ["@2", "SET", "a", "1"],
                              ["MULTI"], ["PING"], ["EXEC"]]),
    ("unwatch", [["WATCH", "a"], ["UNWATCH"], ["@2", "SET", "a", "1"], ["MULTI"], ["PING"],
                 ["EXEC"]]),
    ("unwatch-clears-dirty", [["WATCH", "a"], ["@2", "SET", "a", "1"], ["UNWATCH"], ["MULTI"],
                              ["PING"], ["EXEC"]]),
    ("exec-unwatches", [["WATCH", "a"], ["MULTI"], ["EXEC"], ["@2", "SET", "a", "1"],
                        ["MULTI"], ["PING"], ["EXEC"]]),
    ("discard-unwatches", [["WATCH", "a"], ["MULTI"], ["DISCARD"], ["@2", "SET", "a", "1"],
                           ["MULTI"], ["PING"], ["EXEC"]]),
    ("aborted-exec-unwatches", [["WATCH", "a"], ["@2", "SET", "a", "1"], ["MULTI"], ["EXEC"],
                                ["@2", "SET", "a", "2"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-dirty-then-watch-more", [["WATCH", "a"], ["@2", "SET", "a", "1"], ["WATCH", "b"],
                                     ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-by-type", [["WATCH", "l", "s", "h", "z", "n"], ["@2", "RPUSH", "l", "1"],
                       ["MULTI"], ["PING"], ["EXEC"], ["WATCH", "s"], ["@2", "SADD", "s", "1"],
                       ["MULTI"], ["EXEC"], ["WATCH", "h"], ["@2", "HSET", "h", "f", "1"],
                       ["MULTI"], ["EXEC"], ["WATCH", "z"], ["@2", "ZADD", "z", "1", "m"],
                       ["MULTI"], ["EXEC"], ["WATCH", "n"], ["@2", "INCRBY", "n", "5"],
                       ["MULTI"], ["EXEC"]]),
    ("watch-noop-writes", [["SADD", "s", "a"], ["HSET", "h", "f", "v"], ["ZADD", "z", "1", "m"],
                           ["WATCH", "s", "h", "z"], ["@2", "SADD", "s", "a"],
                           ["@2", "ZADD", "z", "1", "m"], ["@2", "SREM", "s", "nope"],
                           ["@2", "HDEL", "h", "nope"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-expire-persist", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "EXPIRE", "a", "100"],
                              ["MULTI"], ["EXEC"], ["WATCH", "a"], ["@2", "PERSIST", "a"],
                              ["MULTI"], ["EXEC"], ["WATCH", "a"], ["@2", "PERSIST", "a"],
                              ["MULTI"], ["EXEC"]]),
    ("watch-rename", [["SET", "a", "1"], ["WATCH", "b"], ["@2", "RENAME", "a", "b"], ["MULTI"],
                      ["EXEC"], ["WATCH", "b"], ["@2", "RENAME", "b", "c"], ["MULTI"], ["EXEC"]]),
    ("watch-move-copy", [["SET", "a", "1"], ["WATCH", "c"], ["@2", "COPY", "a", "c"], ["MULTI"],
                         ["EXEC"], ["WATCH", "a"], ["@2", "MOVE", "a", "1"], ["MULTI"],
                         ["EXEC"]]),
    ("watch-append-setrange", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "SETRANGE", "a", "0", ""],
                               ["MULTI"], ["EXEC"], ["WATCH", "a"], ["@2", "APPEND", "a", "x"],
                               ["MULTI"], ["EXEC"]]),
    ("watch-list-pops", [["RPUSH", "l", "a"], ["WATCH", "l"], ["@2", "LPOP", "l"], ["MULTI"],
                         ["EXEC"], ["WATCH", "l"], ["@2", "LPOP", "l"], ["MULTI"], ["EXEC"]]),
    # -- flush / swapdb -------------------------------------------------------------------------
    ("watch-flushall-existing", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "FLUSHALL"], ["MULTI"],
                                 ["PING"], ["EXEC"]]),
    ("watch-flushall-missing", [["SET", "b", "1"], ["WATCH", "a"], ["@2", "FLUSHALL"], ["MULTI"],
                                ["PING"], ["EXEC"]]),
    ("watch-flushdb-other-db", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "SELECT", "1"],
                                ["@2", "FLUSHDB"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-flushdb-same-db", [["SET", "a", "1"], ["WATCH", "a"], ["@2", "FLUSHDB"], ["MULTI"],
                               ["PING"], ["EXEC"]]),
    ("watch-swapdb-arrives", [["SELECT", "1"], ["SET", "x", "1"], ["SELECT", "0"],
                              ["WATCH", "x"], ["SWAPDB", "0", "1"], ["MULTI"], ["PING"],
                              ["EXEC"]]),
    ("watch-swapdb-leaves", [["SET", "x", "1"], ["WATCH", "x"], ["@2", "SWAPDB", "0", "1"],
                             ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-swapdb-neither", [["SET", "y", "1"], ["WATCH", "x"], ["@2", "SWAPDB", "0", "1"],
                              ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-swapdb-same", [["SET", "x", "1"], ["WATCH", "x"], ["@2", "SWAPDB", "0", "0"],
                           ["MULTI"], ["PING"], ["EXEC"]]),
    # -- keys already expired when watched -----------------------------------------------------
    ("watch-expired-key-untouched", [["SET", "k", "v", "PXAT", "1"], ["WATCH", "k"], ["MULTI"],
                                     ["PING"], ["EXEC"]]),
    ("watch-expired-key-lazily-deleted", [["SET", "k", "v", "PXAT", "1"], ["WATCH", "k"],
                                          ["@2", "GET", "k"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-expired-key-overwritten", [["SET", "k", "v", "PXAT", "1"], ["WATCH", "k"],
                                       ["@2", "SET", "k", "w"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-expired-two-keys", [["SET", "k1", "v", "PXAT", "1"], ["SET", "k2", "v", "PXAT", "1"],
                                ["WATCH", "k1", "k2"], ["GET", "k2"], ["MULTI"], ["PING"],
                                ["EXEC"]]),
    ("watch-expired-flushall", [["SET", "k", "v", "PXAT", "1"], ["WATCH", "k"], ["FLUSHALL"],
                                ["MULTI"], ["PING"], ["EXEC"]]),
    ("watch-expired-swapdb-in", [["SELECT", "1"], ["SET", "k", "v", "PXAT", "1"], ["SELECT", "0"],
                                 ["WATCH", "k"], ["SWAPDB", "0", "1"], ["MULTI"], ["PING"],
                                 ["EXEC"], ["WATCH", "k"], ["SWAPDB", "0", "1"], ["MULTI"],
                                 ["PING"], ["EXEC"]]),
    ("watch-live-key-future-ttl", [["SET", "k", "v", "PXAT", "99999999999999"], ["WATCH", "k"],
                                   ["MULTI"], ["TTL", "nosuch"], ["EXEC"]]),
    # -- requests on two connections are processed in the order they arrived -----------------
    # "@N&": the harness writes the next step (on another connection) right behind this one,
    # before reading this one's reply, so both can reach the server in one poll. Redis handles
    # the ready sockets of one poll in the order epoll reports them, the order in which they
    # became ready, not by descriptor: the earlier request runs first although it came on the
    # connection opened later (higher fd). @4 / @3 PING ends the WATCHing connection's run, so
    # that its EXEC goes out on its own; a round trip before the two requests (the first PING
    # in "later write ...") makes sure both connections were accepted: a socket that already
    # holds data when it is added to epoll is reported in the order it was added, fd order.
    ("exec before a later lpush on a lower fd", [
        ["@1~", "BRPOPLPUSH", "src", "dst", "0"], ["@3", "WATCH", "dst"], ["@3", "MULTI"],
        ["@3", "GET", "k"], ["@4", "PING"], ["@3&", "EXEC"], ["@2", "LPUSH", "src", "e"],
        ["@4", "LRANGE", "dst", "0", "-1"]]),
    ("exec before a later set on a lower fd", [
        ["@2", "WATCH", "k"], ["@2", "MULTI"], ["@2", "INCR", "n"], ["@3", "PING"],
        ["@2&", "EXEC"], ["@1", "SET", "k", "x"], ["@3", "GET", "n"]]),
    ("later write on a lower fd wins", [
        ["@3", "PING"], ["@2&", "SET", "k", "from-2"], ["@1", "SET", "k", "from-1"],
        ["@3", "GET", "k"]]),
    # -- EXEC refused by a gate; RESET / QUIT ------------------------------------------------
    ("exec-arity-outside-multi-unwatches", [["WATCH", "x"], ["EXEC", "x"], ["@2", "SET", "x", "1"],
                                            ["MULTI"], ["EXEC"]]),
    ("exec-arity-inside-multi", [["MULTI"], ["SET", "a", "1"], ["EXEC", "x"], ["EXEC"],
                                 ["GET", "a"]]),
    ("exec-noauth", [["@2", "PING"], ["CONFIG", "SET", "requirepass", "pw"], ["@2", "RESET"],
                     ["@2", "EXEC"], ["@2", "MULTI"], ["@2", "AUTH", "pw"], ["@2", "MULTI"],
                     ["@2", "EXEC"], ["CONFIG", "SET", "requirepass", ""]]),
    ("reset-in-multi", [["WATCH", "a"], ["MULTI"], ["SET", "a", "1"], ["RESET"], ["EXEC"],
                        ["GET", "a"], ["@2", "SET", "a", "2"], ["MULTI"], ["PING"], ["EXEC"]]),
    ("quit-in-multi", [["@2", "PING"], ["MULTI"], ["SET", "a", "1"], ["QUIT"], ["@2", "GET", "a"]]),
    # -- CLIENT LIST ---------------------------------------------------------------------------
    ("client-list-multi-flags", [["@2", "PING"], ["WATCH", "a", "b"], ["@2", "CLIENT", "LIST"],
                                 ["MULTI"], ["SET", "a", "1"], ["@2", "CLIENT", "LIST"],
                                 ["@2", "SET", "b", "1"], ["@2", "CLIENT", "LIST"], ["GET", "b"],
                                 ["@2", "CLIENT", "LIST"], ["EXEC"], ["@2", "CLIENT", "LIST"]]),
    ("client-list-dirty-outside-multi", [["@2", "PING"], ["WATCH", "a"], ["@2", "SET", "a", "1"],
                                         ["@2", "CLIENT", "LIST"], ["UNWATCH"],
                                         ["@2", "CLIENT", "LIST"]]),
]

_LIST = "client-list"

NONDETERMINISTIC: dict[str, Any] = {
    "client-list-multi-flags": {2: _LIST, 5: _LIST, 7: _LIST, 9: _LIST, 11: _LIST},
    "client-list-dirty-outside-multi": {3: _LIST, 5: _LIST},
}

# -- which writes touch a watched key (signalModifiedKey), command by command -----------------
# Each block: the setup runs, connection 1 WATCHes the key, connection 2 runs the command,
# then EXEC tells whether the key was touched (null array) or not (one PONG).
_S = ["SET", "k", "10"]
_L = ["RPUSH", "k", "a", "b", "c"]
_H = ["HSET", "k", "f", "1", "g", "x"]
_Z = ["ZADD", "k", "1", "a", "2", "b"]
_T = ["SADD", "k", "a", "b"]
_TOUCH: list[tuple[str, list[list[Any]], list[Any]]] = [
    ("set-same-value", [_S], ["SET", "k", "10"]),
    ("set-nx-existing", [_S], ["SET", "k", "1", "NX"]),
    ("set-xx-missing", [], ["SET", "k", "1", "XX"]),
    ("setnx-existing", [_S], ["SETNX", "k", "1"]),
    ("getset", [_S], ["GETSET", "k", "1"]),
    ("getdel-missing", [], ["GETDEL", "k"]),
    ("getdel", [_S], ["GETDEL", "k"]),
    ("getex-persist-no-ttl", [_S], ["GETEX", "k", "PERSIST"]),
    ("getex-px", [_S], ["GETEX", "k", "PX", "100000"]),
    ("getex-plain", [_S], ["GETEX", "k"]),
    ("mset", [], ["MSET", "x", "1", "k", "2"]),
    ("msetnx-fails", [_S], ["MSETNX", "x", "1", "k", "2"]),
    ("incrbyfloat", [_S], ["INCRBYFLOAT", "k", "1.5"]),
    ("decr", [_S], ["DECR", "k"]),
    ("incr-wrong", [["SET", "k", "a"]], ["INCR", "k"]),
    ("setex", [], ["SETEX", "k", "100", "v"]),
    ("psetex", [_S], ["PSETEX", "k", "100000", "v"]),
    ("setrange-nonempty", [_S], ["SETRANGE", "k", "1", "x"]),
    ("setbit", [_S], ["SETBIT", "k", "0", "1"]),
    ("del-missing", [], ["DEL", "k"]),
    ("unlink", [_S], ["UNLINK", "k"]),
    ("expire-nx-fails", [["SET", "k", "1", "EX", "100"]], ["EXPIRE", "k", "200", "NX"]),
    ("pexpireat-past", [_S], ["PEXPIREAT", "k", "1"]),
    ("renamenx-fails", [_S, ["SET", "j", "1"]], ["RENAMENX", "j", "k"]),
    ("renamenx-src", [_S], ["RENAMENX", "k", "j"]),
    ("copy-exists-no-replace", [_S, ["SET", "j", "1"]], ["COPY", "j", "k"]),
    ("copy-replace", [_S, ["SET", "j", "1"]], ["COPY", "j", "k", "REPLACE"]),
    ("move-fails", [_S, ["SELECT", "1"], ["SET", "k", "1"], ["SELECT", "0"]], ["MOVE", "k", "1"]),
    ("lpushx-missing", [], ["LPUSHX", "k", "a"]),
    ("rpushx", [_L], ["RPUSHX", "k", "a"]),
    ("lrem-no-match", [_L], ["LREM", "k", "0", "zz"]),
    ("lrem", [_L], ["LREM", "k", "0", "a"]),
    ("lset", [_L], ["LSET", "k", "0", "z"]),
    ("lset-out-of-range", [_L], ["LSET", "k", "9", "z"]),
    ("ltrim-noop", [_L], ["LTRIM", "k", "0", "-1"]),
    ("ltrim", [_L], ["LTRIM", "k", "0", "0"]),
    ("linsert", [_L], ["LINSERT", "k", "BEFORE", "a", "z"]),
    ("linsert-no-pivot", [_L], ["LINSERT", "k", "BEFORE", "zz", "z"]),
    ("rpoplpush-src", [_L], ["RPOPLPUSH", "k", "j"]),
    ("lmove-dst", [["RPUSH", "j", "a"]], ["LMOVE", "j", "k", "LEFT", "RIGHT"]),
    ("lmpop", [_L], ["LMPOP", "1", "k", "LEFT"]),
    ("rpop-missing", [], ["RPOP", "k"]),
    ("hset-same-value", [_H], ["HSET", "k", "f", "1"]),
    ("hsetnx-existing", [_H], ["HSETNX", "k", "f", "2"]),
    ("hdel-missing-field", [_H], ["HDEL", "k", "zz"]),
    ("hdel", [_H], ["HDEL", "k", "f"]),
    ("hincrby", [_H], ["HINCRBY", "k", "f", "1"]),
    ("hincrbyfloat", [_H], ["HINCRBYFLOAT", "k", "f", "0.5"]),
    ("hincrby-wrong", [_H], ["HINCRBY", "k", "g", "1"]),
    ("hmset", [_H], ["HMSET", "k", "f", "1"]),
    ("sadd-new", [_T], ["SADD", "k", "c"]),
    ("srem", [_T], ["SREM", "k", "a"]),
    ("smove-src", [_T], ["SMOVE", "k", "j", "a"]),
    ("smove-missing-member", [_T], ["SMOVE", "k", "j", "zz"]),
    ("spop", [_T], ["SPOP", "k", "0"]),
    ("sinterstore-empty-dst-missing", [], ["SINTERSTORE", "k", "nosuch"]),
    ("sinterstore-empty-dst-exists", [_T], ["SINTERSTORE", "k", "nosuch"]),
    ("sunionstore", [["SADD", "j", "z"]], ["SUNIONSTORE", "k", "j"]),
    ("sdiffstore", [_T, ["SADD", "j", "a"]], ["SDIFFSTORE", "k", "k", "j"]),
    ("zadd-same-score", [_Z], ["ZADD", "k", "1", "a"]),
    ("zadd-new-score", [_Z], ["ZADD", "k", "5", "a"]),
    ("zadd-xx-missing-member", [_Z], ["ZADD", "k", "XX", "5", "zz"]),
    ("zincrby", [_Z], ["ZINCRBY", "k", "1", "a"]),
    ("zrem-missing", [_Z], ["ZREM", "k", "zz"]),
    ("zrem", [_Z], ["ZREM", "k", "a"]),
    ("zremrangebyscore-none", [_Z], ["ZREMRANGEBYSCORE", "k", "10", "20"]),
    ("zremrangebyrank", [_Z], ["ZREMRANGEBYRANK", "k", "0", "0"]),
    ("zremrangebylex-none", [["ZADD", "k", "0", "a"]], ["ZREMRANGEBYLEX", "k", "[x", "[z"]),
    ("zpopmin", [_Z], ["ZPOPMIN", "k"]),
    ("zpopmax-zero", [_Z], ["ZPOPMAX", "k", "0"]),
    ("zmpop", [_Z], ["ZMPOP", "1", "k", "MIN"]),
    ("zunionstore", [["ZADD", "j", "1", "a"]], ["ZUNIONSTORE", "k", "1", "j"]),
    ("zinterstore-empty-dst-missing", [], ["ZINTERSTORE", "k", "1", "nosuch"]),
    ("zdiffstore", [_Z], ["ZDIFFSTORE", "k", "1", "k"]),
    ("zrangestore-empty", [_Z], ["ZRANGESTORE", "k", "k", "5", "9"]),
    ("wrongtype-write", [_S], ["LPUSH", "k", "a"]),
]

# Grouped into a few cases (the per-case set-up dominates the harness's time): each block
# starts with FLUSHALL, so the blocks are independent.
_GROUP = 12
for _i in range(0, len(_TOUCH), _GROUP):
    _steps: list[list[Any]] = []
    for _name, _setup, _cmd in _TOUCH[_i:_i + _GROUP]:
        _steps += [["FLUSHALL"], *_setup, ["WATCH", "k"], ["@2", *_cmd], ["MULTI"], ["PING"],
                   ["EXEC"]]
    CASES.append((f"touch-{_TOUCH[_i][0]}-and-next-{_GROUP - 1}", _steps))

# SMOVE touches its destination only when the member was added to it (smoveCommand: the
# source always once the member left it, the destination only if ``setTypeAdd`` added it).
_WATCHED_EXEC = [["MULTI"], ["PING"], ["EXEC"]]
CASES.append(("watch-smove-dst-already-member", [
    ["SADD", "src", "a", "b"], ["SADD", "dst", "a"],
    ["WATCH", "dst"], ["@2", "SMOVE", "src", "dst", "a"], *_WATCHED_EXEC,  # not touched
    ["WATCH", "src"], ["@2", "SMOVE", "src", "dst", "b"], *_WATCHED_EXEC,  # src touched
    ["SADD", "src", "c"],
    ["WATCH", "dst"], ["@2", "SMOVE", "src", "dst", "c"], *_WATCHED_EXEC,  # dst touched
    ["WATCH", "new"], ["@2", "SMOVE", "dst", "new", "a"], *_WATCHED_EXEC,  # created: touched
    ["SMEMBERS", "src"], ["SMEMBERS", "new"],
]))

# -- CLIENT REPLY inside a transaction (spec.dispatch.exec_pieces) ---------------
# Every piece of EXEC's reply is kept or dropped by the reply flags in force when it is added:
# the header by those EXEC starts with, each reply by those after its command ran. Often the
# result is not a well-formed frame (an array header without its elements, elements without
# their header), so these run as raw byte streams, pipelined on one connection, once in RESP2
# and once after a silent switch to RESP3 (CLIENT REPLY SKIP + HELLO 3: no reply, no client id).
# The keyspace-event scenario changes notify-keyspace-events and sets it back itself.


def _mb(*args: str) -> bytes:
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode())
    return out


_OFF, _ON, _SKIP = ("CLIENT", "REPLY", "OFF"), ("CLIENT", "REPLY", "ON"), ("CLIENT", "REPLY", "SKIP")
_RESP3 = _mb(*_SKIP) + _mb("HELLO", "3")
_REPLY_IN_EXEC: list[tuple[str, list[tuple[str, ...]]]] = [
    ("off-multi-on-exec", [_OFF, ("MULTI",), _ON, ("EXEC",), ("PING",)]),
    ("off-multi-set-on-get-exec", [_OFF, ("MULTI",), ("SET", "a", "1"), _ON, ("GET", "a"),
                                   ("EXEC",), ("GET", "a")]),
    ("multi-off-inside-exec", [("MULTI",), ("SET", "a", "1"), _OFF, ("GET", "a"), ("EXEC",),
                               ("GET", "a"), _ON, ("GET", "a")]),
    ("multi-off-on-off-on", [("MULTI",), _OFF, ("GET", "a"), _ON, ("GET", "a"), _OFF,
                             ("SET", "a", "x"), _ON, ("GET", "a"), ("EXEC",), ("PING",)]),
    ("multi-skip-then-more", [("MULTI",), _SKIP, ("GET", "a"), ("SET", "a", "1"), ("EXEC",),
                              ("GET", "a"), ("GET", "a")]),
    ("multi-skip-last", [("MULTI",), ("SET", "a", "1"), _SKIP, ("EXEC",), ("GET", "a"),
                         ("PING",)]),
    ("multi-skip-skip", [("MULTI",), _SKIP, _SKIP, ("EXEC",), ("GET", "a"), ("GET", "b")]),
    ("multi-skip-then-off", [("MULTI",), _SKIP, _OFF, ("EXEC",), ("GET", "a"), _ON, ("PING",)]),
    ("multi-on-inside-then-skip", [("MULTI",), ("GET", "a"), _ON, ("GET", "a"), _SKIP,
                                   ("GET", "b"), ("EXEC",), ("GET", "c"), ("PING",)]),
    ("skip-before-multi", [_SKIP, ("MULTI",), ("SET", "a", "1"), ("EXEC",), ("PING",)]),
    ("skip-nested-multi-on", [_SKIP, ("MULTI",), ("MULTI",), _ON, ("EXEC",), ("PING",)]),
    ("off-skip-inside-ignored", [_OFF, ("MULTI",), _SKIP, _ON, ("GET", "a"), ("EXEC",),
                                 ("GET", "a"), ("PING",)]),
    ("off-execabort", [_OFF, ("MULTI",), ("NOSUCH",), ("EXEC",), _ON, ("PING",)]),
    ("off-execabort-arity", [_OFF, ("MULTI",), ("GET",), _ON, ("EXEC",), ("PING",)]),
    ("off-nested-multi-on", [_OFF, ("MULTI",), ("MULTI",), _ON, ("EXEC",), ("PING",)]),
    ("off-discard", [_OFF, ("MULTI",), ("GET", "a"), ("DISCARD",), _ON, ("PING",)]),
    ("off-watch-fails", [("WATCH", "a"), ("SET", "a", "2"), _OFF, ("MULTI",), _ON, ("EXEC",),
                         _ON, ("PING",)]),
    ("off-exec-without-multi", [_OFF, ("EXEC",), _ON, ("EXEC",)]),
    ("multi-reply-bad-arg", [("MULTI",), ("CLIENT", "REPLY", "BAD"), ("EXEC",)]),
    ("off-subscribe-inside", [_OFF, ("MULTI",), ("SUBSCRIBE", "ch"), ("PING",), ("EXEC",), _ON,
                              ("RESET",), ("PING",)]),
    ("off-hello-inside", [_OFF, ("MULTI",), ("HELLO", "3"), _ON, ("HGETALL", "h"), ("EXEC",),
                          ("PING",)]),
    ("publish-self-inside", [("SUBSCRIBE", "ch"), _OFF, ("MULTI",), ("PUBLISH", "ch", "x"), _ON,
                             ("PUBLISH", "ch", "y"), ("EXEC",), ("RESET",), ("PING",)]),
    ("keyspace-event-self-inside", [("CONFIG", "SET", "notify-keyspace-events", "KA"),
                                    ("SUBSCRIBE", "__keyspace@0__:k"), _OFF, ("MULTI",),
                                    ("SET", "k", "v"), _ON, ("DEL", "k"), ("EXEC",), ("RESET",),
                                    ("CONFIG", "SET", "notify-keyspace-events", "")]),
    ("off-many-queued", [_OFF, ("MULTI",), *[("INCR", "n")] * 5, _ON, ("GET", "n"),
                         ("EXEC",), ("GET", "n")]),
]
# Several scenarios share one raw case (the per-case cost dominates): each starts after RESET
# (replies on, no transaction, no subscriptions, RESP2) and FLUSHALL, then the RESP3 switch.
_PER_RAW = 6
RAW_CASES: list[tuple[str, bytes]] = []
for _i in range(0, len(_REPLY_IN_EXEC), _PER_RAW):
    _group = _REPLY_IN_EXEC[_i:_i + _PER_RAW]
    for _proto, _prefix in (("resp2", b""), ("resp3", _RESP3)):
        _data = b"".join(_mb("RESET") + _mb("FLUSHALL") + _prefix
                         + b"".join(_mb(*c) for c in _cmds) for _, _cmds in _group)
        RAW_CASES.append((f"reply-in-exec-{_group[0][0]}-and-next-{len(_group) - 1}-{_proto}",
                          _data))

# The same rule as stepped cases where every reply is a whole frame; "@1~" marks a step that
# sends nothing at all.
CASES += [
    ("reply-in-exec-off-on-stepped", [["@1~", *_OFF], ["@1~", "MULTI"], ["@1~", "SET", "a", "1"],
                                      ["@1~", *_ON], ["@1~", "GET", "a"], ["EXEC"], ["GET", "a"]]),
    ("reply-in-exec-skip-stepped", [["@1~", *_SKIP], ["@1~", "MULTI"], ["SET", "a", "1"],
                                    ["EXEC"], ["GET", "a"]]),
    ("reply-in-exec-off-execabort-stepped", [["@1~", *_OFF], ["@1~", "MULTI"], ["@1~", "NOSUCH"],
                                             ["@1~", "EXEC"], [*_ON], ["PING"]]),
]
