"""Differential cases for the dicts hashtable-encoded values carry (``spec.types.valuedict``).

DEBUG HTSTATS-KEY shows a value's table sizes and element counts; they are deterministic
(independent of the hash seed) when the dict is not rehashing, which these cases arrange:
conversion presizing (``setTypeConvert`` and ``hashTypeConvertListpack`` expand to the
length; a 5-member set converted by size gets 8 buckets at once instead of growing from 4 and
rehashing), conversion by a non-integer member or a long value, and a zset conversion that
fits its first table. Chain lines go through the ``htstats`` normaliser. On a default server
(``enable-debug-command no``) both answer with the same refusal; the SSCAN/HSCAN/ZSCAN steps
complete in one call (COUNT 1000) and are compared sorted.
"""

from __future__ import annotations

from typing import Any

_HT = ["DEBUG", "HTSTATS-KEY"]

CASES: list[tuple[str, list[list[Any]]]] = [
    ("valuedict set converted by size is presized", [
        ["CONFIG", "SET", "set-max-intset-entries", "4"], ["SADD", "s", "1", "2", "3", "4"],
        ["SADD", "s", "5"], ["OBJECT", "ENCODING", "s"], _HT + ["s"],
        ["CONFIG", "SET", "set-max-intset-entries", "512"]]),
    ("valuedict set converted by a string member", [
        ["SADD", "s", "1", "2", "3"], ["SADD", "s", "x"], _HT + ["s"]]),
    ("valuedict set converted by size within one sadd", [
        ["CONFIG", "SET", "set-max-intset-entries", "6"],
        ["SADD", "s", "1", "2", "3", "4", "5", "6", "7"], _HT + ["s"],
        ["CONFIG", "SET", "set-max-intset-entries", "512"]]),
    ("valuedict hash converted by count is presized", [
        ["CONFIG", "SET", "hash-max-listpack-entries", "4"],
        ["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"], ["HSET", "h", "e", "5"],
        ["OBJECT", "ENCODING", "h"], _HT + ["h"],
        ["CONFIG", "SET", "hash-max-listpack-entries", "512"]]),
    ("valuedict hash converted by a long value", [
        ["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HSET", "h", "d", "v" * 70], _HT + ["h"]]),
    ("valuedict zset converted fits its table", [
        ["CONFIG", "SET", "zset-max-listpack-entries", "3"],
        ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["OBJECT", "ENCODING", "z"],
        _HT + ["z"], ["CONFIG", "SET", "zset-max-listpack-entries", "128"]]),
    ("valuedict scans after conversions and deletes", [
        ["CONFIG", "SET", "set-max-intset-entries", "4"],
        ["CONFIG", "SET", "hash-max-listpack-entries", "4"],
        ["CONFIG", "SET", "zset-max-listpack-entries", "4"],
        ["SADD", "s"] + [str(i) for i in range(30)], ["SREM", "s"] + [str(i) for i in range(27)],
        ["SSCAN", "s", "0", "COUNT", "1000"],
        ["HSET", "h"] + [x for i in range(30) for x in (f"f{i}", "v")],
        ["HDEL", "h"] + [f"f{i}" for i in range(1, 30, 2)],
        ["HSCAN", "h", "0", "COUNT", "1000"],
        ["ZADD", "z"] + [x for i in range(30) for x in (str(i), f"m{i}")],
        ["ZREMRANGEBYRANK", "z", "0", "25"], ["ZPOPMAX", "z"],
        ["ZSCAN", "z", "0", "COUNT", "1000"],
        ["CONFIG", "SET", "set-max-intset-entries", "512"],
        ["CONFIG", "SET", "hash-max-listpack-entries", "512"],
        ["CONFIG", "SET", "zset-max-listpack-entries", "128"]]),
]

NONDETERMINISTIC: dict[str, Any] = {
    **{name: "htstats" for name, _ in CASES[:6]},
    "valuedict scans after conversions and deletes": {5: "scan", 8: "scan-pairs", 12: "scan-pairs"},
}
