"""Differential cases for the SCAN family (SCAN, SSCAN, HSCAN, ZSCAN) and DEBUG HTSTATS.

What is deterministic, and so compared byte for byte:

- errors: cursor parsing ("ERR invalid cursor", C ``strtoul`` rules: a leading sign is fine,
  white space first or junk after is not, 2^64 overflows), options ("ERR syntax error", COUNT
  below 1, TYPE on SSCAN/HSCAN/ZSCAN, NOVALUES not in 7.0), WRONGTYPE, arity;
- an empty database or a missing key: ``[0, []]`` whatever the cursor;
- intset sets and listpack hashes / sorted sets: everything in one call, cursor 0, in the
  compact encoding's order (ascending integers; insertion order; score order), any cursor;
- ZSCAN score text (``%.17g``, ``inf``, integers without a fraction) in both encodings.

What depends on the server's random hash seed — the order of keys in buckets, and where a
partial iteration stops — is compared after a normaliser: ``scan`` / ``scan-pairs`` sort the
elements (pairs) of a reply whose iteration is complete in one call (a small keyspace or
value with COUNT 1000, or at most 9 keys with the default COUNT: the cursor comes back 0 in
both), and ``htstats`` drops DEBUG HTSTATS lines about chain lengths. Table sizes and element
counts are deterministic only while no dict is rehashing, so HTSTATS cases use at most 4 keys
(a 4-bucket table never rehashes). DEBUG needs ``enable-debug-command yes``; on a default
server both answer with the same refusal.
"""

from __future__ import annotations

from typing import Any

FUTURE = "99999999999000"

_SET_STR = ["SADD", "s", "apple", "banana", "cherry", "date", "elder", "fig", "grape"]
_HASH_BIG = ["HSET", "h"] + [x for i in range(20) for x in (f"f{i}", f"v{i}")]
_ZSET_BIG = ["ZADD", "z"] + [x for i in range(20) for x in (str(i * 1.5), f"m{i}")]

CASES: list[tuple[str, list[list[Any]]]] = [
    # -- cursor parsing --------------------------------------------------------------------
    ("scan cursor invalid forms", [
        ["SET", "k", "v"], ["SCAN", " 1"], ["SCAN", "1 "], ["SCAN", "0x1"], ["SCAN", "abc"],
        ["SCAN", "+"], ["SCAN", "-"], ["SCAN", "1.5"], ["SCAN", "18446744073709551616"],
        ["SCAN", "99999999999999999999999"], ["SCAN", "\t0"]]),
    ("scan cursor accepted forms on an empty db", [
        ["SCAN", "0"], ["SCAN", ""], ["SCAN", "+0"], ["SCAN", "-0"], ["SCAN", "-1"],
        ["SCAN", "18446744073709551615"], ["SCAN", "-18446744073709551615"], ["SCAN", "007"],
        ["SCAN", "12345"]]),
    ("sscan cursor checked before the key", [
        ["SSCAN", "nokey", "x"], ["SET", "str", "v"], ["SSCAN", "str", "x"],
        ["HSCAN", "str", " 0"], ["ZSCAN", "str", "1x"]]),
    # -- options -----------------------------------------------------------------------------
    ("scan count errors", [
        ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"],
        ["SCAN", "0", "COUNT", "9223372036854775808"], ["SCAN", "0", "COUNT"],
        ["SCAN", "0", "COUNT", "1.0"], ["SCAN", "0", "COUNT", ""]]),
    ("scan option syntax errors", [
        ["SCAN", "0", "MATCH"], ["SCAN", "0", "TYPE"], ["SCAN", "0", "foo", "bar"],
        ["SCAN", "0", "COUNT", "5", "extra"], ["SCAN", "0", "NOVALUES"]]),
    ("scan count error reported before a later syntax error", [
        ["SCAN", "0", "COUNT", "x", "bogus"], ["SCAN", "0", "bogus", "COUNT", "x"]]),
    ("scan options case-insensitive and repeated", [
        ["SET", "a", "1"], ["SCAN", "0", "cOuNt", "5", "CoUnT", "1000"],
        ["SCAN", "0", "match", "b*", "MATCH", "a*"], ["SCAN", "0", "type", "STRING"],
        ["SCAN", "0", "COUNT", "9223372036854775807"]]),
    ("sscan hscan zscan refuse TYPE and NOVALUES", [
        ["SADD", "s", "1"], ["SSCAN", "s", "0", "TYPE", "set"],
        ["HSET", "h", "f", "v"], ["HSCAN", "h", "0", "TYPE", "hash"],
        ["HSCAN", "h", "0", "NOVALUES"], ["ZADD", "z", "1", "m"],
        ["ZSCAN", "z", "0", "TYPE", "zset"], ["ZSCAN", "z", "0", "NOSCORES"]]),
    ("value scans: option errors on a missing key are not reached", [
        ["SSCAN", "nokey", "0", "COUNT", "0"], ["HSCAN", "nokey", "0", "bogus"],
        ["ZSCAN", "nokey", "0", "MATCH"]]),
    ("value scans: option errors on an existing key", [
        ["SADD", "s", "1", "2"], ["SSCAN", "s", "0", "COUNT", "0"],
        ["SSCAN", "s", "0", "COUNT", "x"], ["SSCAN", "s", "0", "MATCH"],
        ["SSCAN", "s", "0", "bogus", "1"]]),
    ("scan family arity", [
        ["SCAN"], ["SSCAN", "s"], ["HSCAN", "h"], ["ZSCAN"]]),
    ("wrongtype", [
        ["SET", "str", "v"], ["SSCAN", "str", "0"], ["HSCAN", "str", "0"], ["ZSCAN", "str", "0"],
        ["SADD", "set", "a"], ["HSCAN", "set", "0"], ["ZSCAN", "set", "0"],
        ["RPUSH", "list", "a"], ["SSCAN", "list", "0"]]),
    # -- empty / missing ---------------------------------------------------------------------
    ("scan of an empty db", [
        ["SCAN", "0"], ["SCAN", "0", "COUNT", "1"], ["SCAN", "0", "MATCH", "*", "TYPE", "set"]]),
    ("scan of a flushed db", [
        ["SET", "a", "1"], ["SET", "b", "2"], ["FLUSHALL"], ["SCAN", "0"], ["SCAN", "7"]]),
    ("value scans of a missing key", [
        ["SSCAN", "nokey", "0"], ["HSCAN", "nokey", "42"], ["ZSCAN", "nokey", "-1"]]),
    # -- intset ------------------------------------------------------------------------------
    ("sscan intset all at once, ascending", [
        ["SADD", "i", "30", "-5", "7", "100", "0", "-9223372036854775808"],
        ["OBJECT", "ENCODING", "i"], ["SSCAN", "i", "0"]]),
    ("sscan intset ignores cursor and count", [
        ["SADD", "i", "3", "1", "2"], ["SSCAN", "i", "5", "COUNT", "1"],
        ["SSCAN", "i", "18446744073709551615"], ["SSCAN", "i", "-3"]]),
    ("sscan intset match on the decimal text", [
        ["SADD", "i", "1", "10", "11", "21", "-1"], ["SSCAN", "i", "0", "MATCH", "1*"],
        ["SSCAN", "i", "0", "MATCH", "-*"], ["SSCAN", "i", "0", "MATCH", "?1"],
        ["SSCAN", "i", "0", "MATCH", "nothing"]]),
    ("sscan intset after srem", [
        ["SADD", "i", "5", "4", "3", "2", "1"], ["SREM", "i", "3"], ["SSCAN", "i", "0"]]),
    # -- listpack hashes / sorted sets --------------------------------------------------------
    ("hscan listpack insertion order", [
        ["HSET", "h", "zeta", "1", "alpha", "2", "mid", "3"], ["OBJECT", "ENCODING", "h"],
        ["HSCAN", "h", "0"], ["HSET", "h", "alpha", "new"], ["HSCAN", "h", "9", "COUNT", "1"]]),
    ("hscan listpack match filters fields, values go along", [
        ["HSET", "h", "f1", "f2", "f2", "f1", "g1", "x"], ["HSCAN", "h", "0", "MATCH", "f*"],
        ["HSCAN", "h", "0", "MATCH", "f2"], ["HSCAN", "h", "0", "MATCH", "x"]]),
    ("hscan listpack integer fields and values", [
        ["HSET", "h", "1", "100", "-2", "0", "007", "3.5"], ["HSCAN", "h", "0"]]),
    ("hscan after hdel", [
        ["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HDEL", "h", "b"], ["HSCAN", "h", "0"]]),
    ("zscan listpack score order and score text", [
        ["ZADD", "z", "1.1", "a", "2", "b", "inf", "c", "-inf", "d", "1e300", "f",
         "0.30000000000000004", "g", "3e-5", "h", "-0", "i", "123456789012345678", "j"],
        ["OBJECT", "ENCODING", "z"], ["ZSCAN", "z", "0"]]),
    ("zscan listpack integral scores up to 2^62 as integers", [
        ["ZADD", "z", "4611686018427387904", "a", "4611686018427388928", "b", "1e18", "c",
         "-4611686018427387904", "d", "-4611686018427388928", "e", "4503599627370496", "f",
         "1e19", "h"], ["ZSCAN", "z", "0"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"]]),
    ("zscan skiplist integral scores", [
        ["CONFIG", "SET", "zset-max-listpack-entries", "1"],
        ["ZADD", "z", "4611686018427387904", "a", "1e18", "c", "5", "d"],
        ["ZSCAN", "z", "0", "COUNT", "1000"]]),
    ("zscan listpack match and ties by member", [
        ["ZADD", "z", "1", "b", "1", "a", "1", "c", "0", "x"], ["ZSCAN", "z", "0"],
        ["ZSCAN", "z", "0", "MATCH", "[ab]"]]),
    ("zscan after zincrby", [
        ["ZADD", "z", "1", "a", "2", "b"], ["ZINCRBY", "z", "0.5", "a"], ["ZSCAN", "z", "0"],
        ["ZINCRBY", "z", "2", "a"], ["ZSCAN", "z", "3"]]),
    # -- hashtable-encoded values: complete in one call, order normalised ---------------------
    ("sscan hashtable set complete with count 1000", [
        _SET_STR, ["OBJECT", "ENCODING", "s"], ["SSCAN", "s", "0", "COUNT", "1000"]]),
    ("sscan hashtable set match", [
        _SET_STR, ["SSCAN", "s", "0", "MATCH", "*e*", "COUNT", "1000"]]),
    ("sscan set converted from intset by size", [
        ["CONFIG", "SET", "set-max-intset-entries", "4"],
        ["SADD", "s", "1", "2", "3", "4", "5", "6"], ["OBJECT", "ENCODING", "s"],
        ["SSCAN", "s", "0", "COUNT", "1000"]]),
    ("hscan hashtable complete with count 1000", [
        ["CONFIG", "SET", "hash-max-listpack-entries", "4"], _HASH_BIG,
        ["OBJECT", "ENCODING", "h"], ["HSCAN", "h", "0", "COUNT", "1000"]]),
    ("hscan hashtable by value length", [
        ["HSET", "h", "short", "x", "long", "y" * 80], ["OBJECT", "ENCODING", "h"],
        ["HSCAN", "h", "0", "COUNT", "1000"], ["HSCAN", "h", "0", "MATCH", "l*", "COUNT", "100"]]),
    ("zscan skiplist complete with count 1000", [
        ["CONFIG", "SET", "zset-max-listpack-entries", "4"], _ZSET_BIG,
        ["OBJECT", "ENCODING", "z"], ["ZSCAN", "z", "0", "COUNT", "1000"]]),
    ("zscan skiplist score text", [
        ["CONFIG", "SET", "zset-max-listpack-entries", "1"],
        ["ZADD", "z", "1.1", "a", "inf", "c", "-inf", "d", "1e300", "f", "3e-5", "h", "2", "b"],
        ["OBJECT", "ENCODING", "z"], ["ZSCAN", "z", "0", "COUNT", "1000"]]),
    # -- the keyspace: complete iterations, order normalised ------------------------------------
    ("scan a few keys with the default count", [
        ["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"], ["RPUSH", "l", "x"],
        ["SADD", "s", "m"], ["SCAN", "0"]]),
    ("scan one key, any starting cursor of a 4-bucket table", [
        ["SET", "only", "v"], ["SCAN", "0", "COUNT", "1000"], ["DBSIZE"]]),
    ("scan many keys with count 1000", [
        ["MSET"] + [x for i in range(60) for x in (f"key:{i}", str(i))],
        ["SCAN", "0", "COUNT", "1000"], ["DBSIZE"]]),
    ("scan match", [
        ["MSET", "user:1", "a", "user:2", "b", "item:1", "c", "user:10", "d"],
        ["SCAN", "0", "MATCH", "user:*", "COUNT", "1000"],
        ["SCAN", "0", "MATCH", "user:?", "COUNT", "1000"],
        ["SCAN", "0", "MATCH", "*:1", "COUNT", "1000"],
        ["SCAN", "0", "MATCH", "nomatch*", "COUNT", "1000"]]),
    ("scan type filter", [
        ["SET", "str", "v"], ["RPUSH", "list", "a"], ["SADD", "set", "a"],
        ["ZADD", "zset", "1", "a"], ["HSET", "hash", "f", "v"],
        ["SCAN", "0", "TYPE", "string", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "list", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "SET", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "zset", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "Hash", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "none", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "bogus", "COUNT", "1000"]]),
    ("scan type and match together", [
        ["MSET", "s1", "a", "s2", "b"], ["SADD", "s3", "x"],
        ["SCAN", "0", "MATCH", "s*", "TYPE", "string", "COUNT", "1000"],
        ["SCAN", "0", "TYPE", "set", "MATCH", "s1", "COUNT", "1000"]]),
    ("scan keys with a future ttl stay", [
        ["SET", "a", "1", "PXAT", FUTURE], ["SET", "b", "2"],
        ["PEXPIREAT", "c", FUTURE], ["SCAN", "0", "COUNT", "1000"]]),
    ("scan after deletes and renames", [
        ["MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"], ["DEL", "b", "d"],
        ["RENAME", "a", "z"], ["SCAN", "0", "COUNT", "1000"]]),
    ("scan after many deletes (sparse table)", [
        ["MSET"] + [x for i in range(40) for x in (f"k{i}", "v")],
        ["DEL"] + [f"k{i}" for i in range(1, 40)], ["SCAN", "0", "COUNT", "1000"],
        ["DBSIZE"]]),
    ("scan sees only the selected db", [
        ["SET", "in0", "a"], ["SELECT", "1"], ["SET", "in1", "b"], ["SCAN", "0"],
        ["SELECT", "0"], ["SCAN", "0"]]),
    ("scan after swapdb", [
        ["SET", "a", "1"], ["SELECT", "1"], ["SET", "b", "2"], ["SET", "c", "3"],
        ["SWAPDB", "0", "1"], ["SCAN", "0", "COUNT", "1000"], ["SELECT", "0"],
        ["SCAN", "0", "COUNT", "1000"]]),
    ("keys after many adds and deletes", [
        ["MSET"] + [x for i in range(30) for x in (f"k{i}", "v")],
        ["DEL"] + [f"k{i}" for i in range(0, 30, 3)], ["KEYS", "*"], ["KEYS", "k1*"]]),
    # -- DEBUG HTSTATS (refused unless enable-debug-command is yes) ----------------------------
    ("debug htstats empty db", [["DEBUG", "HTSTATS", "0"], ["DEBUG", "HTSTATS", "15"]]),
    ("debug htstats small dicts", [
        ["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3", "PXAT", FUTURE],
        ["DEBUG", "HTSTATS", "0"], ["DEL", "a", "b", "c"], ["DEBUG", "HTSTATS", "0"]]),
    ("debug htstats errors", [
        ["DEBUG", "HTSTATS"], ["DEBUG", "HTSTATS", "0", "full"], ["DEBUG", "HTSTATS", "16"],
        ["DEBUG", "HTSTATS", "-1"], ["DEBUG", "HTSTATS", "x"]]),
    ("debug htstats-key", [
        ["SADD", "s", "a", "b", "c"], ["SADD", "i", "1", "2"], ["SET", "str", "v"],
        ["HSET", "h", "f", "v"], ["DEBUG", "HTSTATS-KEY", "s"], ["DEBUG", "HTSTATS-KEY", "i"],
        ["DEBUG", "HTSTATS-KEY", "str"], ["DEBUG", "HTSTATS-KEY", "h"],
        ["DEBUG", "HTSTATS-KEY", "nokey"], ["DEBUG", "HTSTATS-KEY", "s", "full"],
        ["DEBUG", "HTSTATS-KEY"]]),
]

_SORTED = [
    "sscan hashtable set complete with count 1000", "sscan hashtable set match",
    "sscan set converted from intset by size", "scan a few keys with the default count",
    "scan many keys with count 1000", "scan match", "scan type filter",
    "scan type and match together", "scan keys with a future ttl stay",
    "scan after deletes and renames", "scan after swapdb",
]
_PAIRS = [
    "hscan hashtable complete with count 1000", "hscan hashtable by value length",
    "zscan skiplist complete with count 1000", "zscan skiplist score text",
    "zscan skiplist integral scores",
]

NONDETERMINISTIC: dict[str, Any] = {
    **{name: "scan" for name in _SORTED},
    **{name: "scan-pairs" for name in _PAIRS},
    "keys after many adds and deletes": "sort",
    "debug htstats small dicts": "htstats",
    "debug htstats-key": "htstats",
}
