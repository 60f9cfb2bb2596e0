"""Differential cases: Pub/Sub (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH,
SPUBLISH, PUBSUB), the RESP2 subscribed context, RESET, and keyspace notifications.

Conventions (see ``tests/differential/harness.py``): a step starting with ``"@N"`` runs on
connection N; frames a connection receives (messages) are attributed to the last step sent on
it. Every case replays in RESP2 and RESP3, where a subscribed client may run any command.

What Redis 7.0 leaves to its hash tables is kept out of the cases: the order in which
UNSUBSCRIBE / SUNSUBSCRIBE with no argument leave several channels (one channel only here),
the order of the pmessages a client gets when several of its patterns match (one matching
pattern per client), and the order of PUBSUB CHANNELS (sorted).
"""

from __future__ import annotations

from typing import Any

KS = "__key*__:*"  # one pattern for both keyspace and keyevent channels


def _notify(classes: str, *steps: list[Any]) -> list[list[Any]]:
    """A keyspace-event case: set the classes, subscribe connection 2 to every event
    channel, run ``steps`` on connection 1, and turn events off again."""
    return [["@2", "PSUBSCRIBE", KS],
            ["CONFIG", "SET", "notify-keyspace-events", classes],
            *steps,
            ["CONFIG", "SET", "notify-keyspace-events", ""]]


CASES: list[tuple[str, list[list[Any]]]] = [
    # -- SUBSCRIBE / PUBLISH --------------------------------------------------------------------
    ("subscribe-one", [
        ["@2", "SUBSCRIBE", "ch"], ["PUBLISH", "ch", "hello"], ["PUBLISH", "other", "x"],
        ["@2", "PING"],
    ]),
    ("subscribe-many", [
        ["@2", "SUBSCRIBE", "a", "b", "c"], ["PUBLISH", "b", "m1"], ["PUBLISH", "c", "m2"],
        ["PUBLISH", "a", "m3"],
    ]),
    ("subscribe-same-twice", [
        ["@2", "SUBSCRIBE", "a", "a"], ["@2", "SUBSCRIBE", "a"], ["PUBLISH", "a", "x"],
    ]),
    ("publish-nobody", [["PUBLISH", "nobody", "x"], ["PUBLISH", "", ""]]),
    ("publish-count", [
        ["@2", "SUBSCRIBE", "ch"], ["@3", "SUBSCRIBE", "ch"], ["PUBLISH", "ch", "x"],
        ["@3", "UNSUBSCRIBE", "ch"], ["PUBLISH", "ch", "y"],
    ]),
    ("publish-order", [
        ["@2", "SUBSCRIBE", "a"], ["@3", "SUBSCRIBE", "a"], ["PUBLISH", "a", "1"],
        ["PUBLISH", "a", "2"], ["PUBLISH", "a", "3"], ["@2", "UNSUBSCRIBE", "a"],
        ["PUBLISH", "a", "4"],
    ]),
    ("publish-binary", [
        ["@2", "SUBSCRIBE", b"\x00\xff", ""], ["PUBLISH", b"\x00\xff", b"\r\n\x00"],
        ["PUBLISH", "", ""],
    ]),
    ("publish-big-message", [["@2", "SUBSCRIBE", "big"], ["PUBLISH", "big", "x" * 70000]]),
    ("pubsub-arity", [
        ["PUBLISH", "a"], ["PUBLISH"], ["PUBLISH", "a", "b", "c"], ["SUBSCRIBE"],
        ["PSUBSCRIBE"], ["SSUBSCRIBE"], ["SPUBLISH", "a"], ["PUBSUB"],
    ]),
    # -- UNSUBSCRIBE ----------------------------------------------------------------------------
    ("unsubscribe-one", [
        ["@2", "SUBSCRIBE", "a", "b"], ["@2", "UNSUBSCRIBE", "a"], ["PUBLISH", "a", "x"],
        ["PUBLISH", "b", "y"],
    ]),
    ("unsubscribe-nothing", [
        ["UNSUBSCRIBE"], ["PUNSUBSCRIBE"], ["SUNSUBSCRIBE"], ["GET", "k"],
    ]),
    ("unsubscribe-all-single", [
        ["@2", "SUBSCRIBE", "a"], ["@2", "UNSUBSCRIBE"], ["@2", "UNSUBSCRIBE"],
        ["@2", "GET", "k"], ["PUBLISH", "a", "x"],
    ]),
    ("unsubscribe-not-subscribed", [
        ["@2", "SUBSCRIBE", "a"], ["@2", "UNSUBSCRIBE", "zz"], ["@2", "UNSUBSCRIBE", "a", "zz"],
        ["@2", "GET", "k"],
    ]),
    ("unsubscribe-named-without-subscribing", [["UNSUBSCRIBE", "a", "b"], ["GET", "k"]]),
    ("counts-span-kinds", [
        ["@2", "PSUBSCRIBE", "p1", "p2"], ["@2", "SUBSCRIBE", "c"], ["@2", "SSUBSCRIBE", "s"],
        ["@2", "UNSUBSCRIBE", "c"], ["@2", "PUNSUBSCRIBE", "p1"], ["@2", "SUNSUBSCRIBE", "s"],
        ["@2", "GET", "k"], ["@2", "PUNSUBSCRIBE"], ["@2", "GET", "k"],
    ]),
    # -- the RESP2 subscribed context -----------------------------------------------------------
    ("context-errors", [
        ["SUBSCRIBE", "a"], ["GET", "k"], ["SET", "k", "v"], ["DBSIZE"], ["PUBLISH", "a", "x"],
        ["ECHO", "x"], ["SELECT", "1"], ["CLIENT", "GETNAME"], ["PUBSUB", "NUMPAT"],
        ["config", "get", "maxmemory"],
    ]),
    ("context-ping", [
        ["SUBSCRIBE", "a"], ["PING"], ["PING", "msg"], ["ping", ""], ["PING", "a", "b"],
    ]),
    ("context-unknown-and-arity", [
        ["SUBSCRIBE", "a"], ["NOSUCH", "x"], ["GET"], ["PUBSUB", "NOPE"],
    ]),
    ("context-allows-subscribe-commands", [
        ["PSUBSCRIBE", "p*"], ["SUBSCRIBE", "a"], ["SSUBSCRIBE", "s"], ["UNSUBSCRIBE", "a"],
        ["SUNSUBSCRIBE", "s"], ["PUNSUBSCRIBE", "p*"], ["GET", "k"],
    ]),
    ("context-quit", [["SUBSCRIBE", "a"], ["QUIT"]]),
    ("context-reset", [
        ["SUBSCRIBE", "a"], ["PSUBSCRIBE", "p*"], ["SSUBSCRIBE", "s"], ["RESET"], ["GET", "k"],
        ["@2", "PUBLISH", "a", "x"], ["@2", "PUBLISH", "pq", "x"], ["@2", "SPUBLISH", "s", "x"],
        ["@2", "PUBSUB", "NUMSUB", "a"], ["@2", "PUBSUB", "NUMPAT"],
        ["@2", "PUBSUB", "SHARDNUMSUB", "s"],
    ]),
    ("context-ends-on-unsubscribe", [
        ["SUBSCRIBE", "a"], ["UNSUBSCRIBE", "a"], ["PING"], ["SET", "k", "v"], ["GET", "k"],
    ]),
    ("self-publish", [
        ["SUBSCRIBE", "a"], ["PUBLISH", "a", "self"], ["PSUBSCRIBE", "a*"],
        ["PUBLISH", "ab", "pat"],
    ]),
    ("reset-when-not-subscribed", [["RESET"], ["@2", "SUBSCRIBE", "a"], ["@2", "RESET"],
                                   ["PUBLISH", "a", "x"]]),
    # -- patterns -------------------------------------------------------------------------------
    ("psubscribe-basic", [
        ["@2", "PSUBSCRIBE", "news.*"], ["PUBLISH", "news.a", "x"], ["PUBLISH", "sport", "y"],
        ["PUBLISH", "news.", "z"],
    ]),
    ("psubscribe-and-subscribe", [
        ["@2", "SUBSCRIBE", "news.a"], ["@2", "PSUBSCRIBE", "news.*"],
        ["PUBLISH", "news.a", "x"], ["PUBLISH", "news.b", "y"],
    ]),
    ("punsubscribe-one", [
        ["@2", "PSUBSCRIBE", "a*", "b*"], ["@2", "PUNSUBSCRIBE", "a*"], ["PUBLISH", "ab", "x"],
        ["PUBLISH", "ba", "y"], ["@2", "PUNSUBSCRIBE", "zz", "b*"],
    ]),
    ("punsubscribe-all-in-order", [
        ["@2", "PSUBSCRIBE", "c*", "a*", "b*", "x?"], ["@2", "PUNSUBSCRIBE"],
        ["@2", "PUNSUBSCRIBE"],
    ]),
    ("psubscribe-same-twice", [["@2", "PSUBSCRIBE", "a*", "a*"], ["PUBLISH", "ab", "x"]]),
    ("pattern-globs", [
        ["@2", "PSUBSCRIBE", "h?llo"], ["@3", "PSUBSCRIBE", "h[ae]llo"],
        ["PUBLISH", "hello", "1"], ["PUBLISH", "hallo", "2"], ["PUBLISH", "hxllo", "3"],
        ["PUBLISH", "hllo", "4"],
    ]),
    ("pattern-escapes-and-ranges", [
        ["@2", "PSUBSCRIBE", "a\\*"], ["@3", "PSUBSCRIBE", "[^a]x"],
        ["PUBLISH", "a*", "1"], ["PUBLISH", "ab", "2"], ["PUBLISH", "bx", "3"],
        ["PUBLISH", "ax", "4"],
    ]),
    ("pattern-several-clients", [
        ["@2", "PSUBSCRIBE", "*"], ["@3", "PSUBSCRIBE", "*"], ["@3", "SUBSCRIBE", "c"],
        ["PUBLISH", "c", "x"], ["PUBLISH", "d", "y"],
    ]),
    # -- PUBSUB introspection -------------------------------------------------------------------
    ("pubsub-numpat", [
        ["PUBSUB", "NUMPAT"], ["@2", "PSUBSCRIBE", "x*"], ["@3", "PSUBSCRIBE", "x*", "y*"],
        ["PUBSUB", "NUMPAT"], ["@3", "PUNSUBSCRIBE", "y*"], ["PUBSUB", "NUMPAT"],
    ]),
    ("pubsub-numsub", [
        ["@2", "SUBSCRIBE", "a", "b"], ["@3", "SUBSCRIBE", "a"], ["PUBSUB", "NUMSUB", "a", "b", "c"],
        ["PUBSUB", "NUMSUB"], ["PUBSUB", "numsub", "a", "a"], ["@2", "PSUBSCRIBE", "c"],
        ["PUBSUB", "NUMSUB", "c"],
    ]),
    ("pubsub-channels-sorted", [
        ["@2", "SUBSCRIBE", "a1", "a2", "b1"], ["@3", "SUBSCRIBE", "a1"],
        ["PUBSUB", "CHANNELS"], ["PUBSUB", "CHANNELS", "a*"], ["PUBSUB", "CHANNELS", "zz*"],
        ["PUBSUB", "CHANNELS", "b1"],
    ]),
    ("pubsub-channels-errors", [
        ["PUBSUB", "CHANNELS", "x", "y"], ["PUBSUB", "SHARDCHANNELS", "x", "y"],
        ["PUBSUB", "CHANNELS"], ["PUBSUB", "NUMPAT", "x"],
    ]),
    ("pubsub-help", [["PUBSUB", "HELP"], ["pubsub", "help"], ["PUBSUB", "HELP", "x"],
                     ["PUBSUB", "FOO"], ["PUBSUB", "FOO", "bar"]]),
    ("pubsub-patterns-not-channels", [
        ["@2", "PSUBSCRIBE", "a*"], ["PUBSUB", "CHANNELS"], ["PUBSUB", "NUMSUB", "a*"],
    ]),
    # -- shard channels -------------------------------------------------------------------------
    ("shard-basic", [
        ["@2", "SSUBSCRIBE", "s1"], ["SPUBLISH", "s1", "x"], ["PUBLISH", "s1", "y"],
        ["PUBSUB", "SHARDNUMSUB", "s1", "s2"], ["PUBSUB", "SHARDCHANNELS"],
        ["PUBSUB", "SHARDCHANNELS", "s*"], ["PUBSUB", "SHARDCHANNELS", "t*"],
        ["PUBSUB", "SHARDNUMSUB"],
    ]),
    ("shard-unsubscribe", [
        ["@2", "SSUBSCRIBE", "s1", "s2"], ["@2", "SUNSUBSCRIBE", "s1"], ["SPUBLISH", "s1", "x"],
        ["SPUBLISH", "s2", "y"], ["@2", "SUNSUBSCRIBE", "s2", "s3"], ["@2", "GET", "k"],
    ]),
    ("shard-unsubscribe-all-single", [
        ["@2", "SSUBSCRIBE", "s1"], ["@2", "SUNSUBSCRIBE"], ["@2", "SUNSUBSCRIBE"],
    ]),
    ("shard-ignores-patterns", [
        ["@2", "PSUBSCRIBE", "s*"], ["SPUBLISH", "s1", "x"], ["PUBLISH", "s1", "y"],
    ]),
    ("shard-and-plain-apart", [
        ["@2", "SSUBSCRIBE", "c"], ["@3", "SUBSCRIBE", "c"], ["PUBLISH", "c", "p"],
        ["SPUBLISH", "c", "s"], ["PUBSUB", "NUMSUB", "c"], ["PUBSUB", "SHARDNUMSUB", "c"],
        ["PUBSUB", "CHANNELS"], ["PUBSUB", "SHARDCHANNELS"],
    ]),
    ("shard-context", [["SSUBSCRIBE", "s"], ["GET", "k"], ["SUNSUBSCRIBE"], ["GET", "k"]]),
    ("shard-same-twice", [["@2", "SSUBSCRIBE", "s", "s"], ["SPUBLISH", "s", "x"]]),
    # -- clients --------------------------------------------------------------------------------
    ("disconnect-leaves", [
        ["@2", "SUBSCRIBE", "a"], ["@2", "PSUBSCRIBE", "a*"], ["@2", "QUIT"],
        ["PUBSUB", "NUMSUB", "a"], ["PUBLISH", "a", "x"], ["PUBSUB", "NUMPAT"],
    ]),
    ("client-list-counts", [
        ["@2", "SUBSCRIBE", "a", "b"], ["@2", "PSUBSCRIBE", "p"], ["@3", "SSUBSCRIBE", "s"],
        ["CLIENT", "LIST"],
    ]),
    ("client-kill-type-pubsub", [
        ["@2", "SUBSCRIBE", "a"], ["CLIENT", "KILL", "TYPE", "pubsub"], ["PUBSUB", "NUMSUB", "a"],
    ]),
    # -- keyspace notifications -----------------------------------------------------------------
    ("notify-config-forms", [
        ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "KEAmn"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "lhsz$gxetdKE"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "Ed"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "nm"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "gK$"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", "Kq"],
        ["CONFIG", "GET", "notify-keyspace-events"],
        ["CONFIG", "SET", "notify-keyspace-events", ""],
        ["CONFIG", "GET", "notify-keyspace-events"],
    ]),
    ("notify-strings", _notify(
        "KEA", ["SET", "k", "v"], ["APPEND", "k", "x"], ["SETRANGE", "k", "0", "z"],
        ["INCR", "n"], ["INCRBY", "n", "2"], ["DECR", "n"], ["INCRBYFLOAT", "n", "1.5"],
        ["MSET", "a", "1", "b", "2"], ["SETNX", "a", "x"], ["SETNX", "c", "x"],
        ["GETSET", "a", "9"], ["GETDEL", "a"], ["GET", "nokey"], ["DEL", "k", "b", "zz"],
    )),
    ("notify-strings-set-options", _notify(
        "KEA", ["SET", "k", "v", "PXAT", "99999999999999"], ["SET", "k", "v2", "KEEPTTL"],
        ["SET", "k", "v3", "NX"], ["SET", "k", "v4", "XX", "GET"],
        ["SETEX", "e", "100", "v"], ["PSETEX", "e2", "100000", "v"],
        ["GETEX", "e", "PERSIST"], ["GETEX", "e", "PXAT", "99999999999999"],
    )),
    ("notify-generic", _notify(
        "KEA", ["SET", "k", "v"], ["EXPIRE", "k", "1000"], ["PERSIST", "k"],
        ["PEXPIREAT", "k", "99999999999999"], ["RENAME", "k", "k2"], ["COPY", "k2", "k3"],
        ["MOVE", "k3", "1"], ["PEXPIREAT", "k2", "1"], ["EXISTS", "k2"], ["SET", "x", "1"],
        ["RENAMENX", "x", "y"], ["UNLINK", "y"],
    )),
    ("notify-lists", _notify(
        "KEA", ["RPUSH", "l", "a", "b", "c"], ["LPUSH", "l", "z"], ["LPOP", "l"], ["RPOP", "l"],
        ["LINSERT", "l", "BEFORE", "a", "q"], ["LSET", "l", "0", "w"], ["LREM", "l", "0", "w"],
        ["LTRIM", "l", "0", "0"], ["LPUSHX", "l", "y"], ["RPUSHX", "nol", "y"],
        ["LMOVE", "l", "l2", "LEFT", "RIGHT"], ["RPOPLPUSH", "l", "l2"], ["LPOP", "l2", "5"],
        ["LPOP", "nol"],
    )),
    ("notify-sets", _notify(
        "KEA", ["SADD", "s", "a", "b", "c"], ["SREM", "s", "a"], ["SADD", "s", "b"],
        ["SMOVE", "s", "t", "b"], ["SADD", "u", "c", "d"], ["SINTERSTORE", "d1", "s", "u"],
        ["SUNIONSTORE", "d2", "s", "u"], ["SDIFFSTORE", "d3", "u", "s"],
        ["SINTERSTORE", "d1", "s", "nos"], ["SREM", "t", "b"], ["SMEMBERS", "nos"],
    )),
    ("notify-sets-spop", _notify("KEs", ["SADD", "s", "a"], ["SPOP", "s"], ["SPOP", "s"])),
    ("notify-hashes", _notify(
        "KEA", ["HSET", "h", "f", "1", "g", "2"], ["HSETNX", "h", "f", "x"],
        ["HSETNX", "h", "n", "x"], ["HINCRBY", "h", "f", "2"], ["HINCRBYFLOAT", "h", "f", "0.5"],
        ["HDEL", "h", "f", "zz"], ["HDEL", "h", "g", "n"], ["HMSET", "h2", "a", "1"],
        ["HGET", "noh", "f"],
    )),
    ("notify-zsets", _notify(
        "KEA", ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZINCRBY", "z", "5", "a"],
        ["ZADD", "z", "INCR", "1", "b"], ["ZREM", "z", "b"], ["ZPOPMIN", "z"],
        ["ZADD", "z", "1", "x", "2", "y"], ["ZREMRANGEBYSCORE", "z", "0", "1"],
        ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZADD", "w", "1", "m"],
        ["ZUNIONSTORE", "u", "2", "z", "w"], ["ZRANGESTORE", "r", "u", "0", "-1"],
        ["ZPOPMAX", "z", "10"], ["ZSCORE", "noz", "m"],
    )),
    ("notify-classes-filter", _notify(
        "Kl", ["SET", "k", "v"], ["LPUSH", "l", "a"], ["DEL", "k"], ["SADD", "s", "x"],
    )),
    ("notify-keyevent-only", _notify("Eg$", ["SET", "k", "v"], ["DEL", "k"], ["RPUSH", "l", "x"])),
    ("notify-no-k-no-e", _notify("A", ["SET", "k", "v"], ["@2", "PING"])),
    ("notify-new-and-keymiss", _notify(
        "KEAnm", ["GET", "missing"], ["SET", "k", "v"], ["SET", "k", "w"], ["LPUSH", "l", "a"],
        ["LPOP", "nol"], ["HGET", "noh", "f"], ["EXISTS", "nothing"], ["INCR", "c"],
        ["SADD", "s", "x"], ["ZADD", "z", "1", "m"], ["HSET", "h", "f", "v"],
    )),
    ("notify-other-db", [
        ["@2", "SUBSCRIBE", "__keyspace@3__:k", "__keyevent@3__:set"],
        ["CONFIG", "SET", "notify-keyspace-events", "KE$"], ["SELECT", "3"], ["SET", "k", "v"],
        ["SELECT", "0"], ["SET", "k", "v"], ["CONFIG", "SET", "notify-keyspace-events", ""],
    ]),
    ("notify-expired-past", _notify(
        "KEA", ["SET", "k", "v"], ["PEXPIREAT", "k", "1"], ["SET", "k2", "v", "PXAT", "1"],
        ["GET", "k2"],
    )),
    # Passive expiry's event is of class 'x' (NOTIFY_EXPIRED), not 'g': "Ex" alone delivers it
    # (and no 'del' for the past PEXPIREAT, a generic event).
    ("notify-expired-class-x", _notify(
        "Ex", ["SET", "k", "v", "PXAT", "1"], ["EXISTS", "k"], ["SET", "k2", "v"],
        ["PEXPIREAT", "k2", "1"], ["SET", "k3", "v", "PXAT", "1"], ["GET", "k3"],
    )),
    ("notify-self-resp3", [
        ["CONFIG", "SET", "notify-keyspace-events", "KEA"], ["SUBSCRIBE", "__keyevent@0__:set"],
        ["SET", "k", "v"], ["GET", "k"], ["UNSUBSCRIBE"],
        ["CONFIG", "SET", "notify-keyspace-events", ""],
    ]),
    ("notify-off-nothing", [["@2", "PSUBSCRIBE", KS], ["SET", "k", "v"], ["DEL", "k"]]),
]

NONDETERMINISTIC: dict[str, Any] = {
    "pubsub-channels-sorted": "sort",
    "client-list-counts": "client-list",
}
