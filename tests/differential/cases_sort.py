"""Differential cases for SORT and SORT_RO (``sort.c``), checked against Redis 7.0.15.

Lists keep their order between servers, so most cases sort lists; sets are used where the
result does not depend on the hash table's order (intsets, sorted results, the forced ALPHA
sort of a stored dontsort set). Ties matter: numeric ties are broken by the element bytes,
ALPHA ties with BY keep the input order (glibc's stable qsort) unless a LIMIT narrows the
range with BY, when Redis's partial quicksort decides it; the "ties" cases pin both.
"""

from __future__ import annotations

LONG = "9223372036854775807"
LONG_MIN = "-9223372036854775808"

_NUMS = ["10", "2", "-3", "2.5", "0x10", "1e3", " 7", "-0", "+4"]
_TIES = [f"x{i % 7}_{i}" for i in range(1, 61)]


def _weights(pairs: list[tuple[str, str]]) -> list[str]:
    return ["MSET", *[x for kv in pairs for x in kv]]


CASES: list[tuple[str, list[list[bytes | str]]]] = [
    # --- numeric and ALPHA -------------------------------------------------------------------
    ("sort numeric list", [["RPUSH", "l", *_NUMS], ["SORT", "l"], ["SORT", "l", "DESC"],
                           ["SORT", "l", "ASC"], ["SORT_RO", "l", "desc"]]),
    ("sort numeric ties by bytes", [["RPUSH", "l", "1.0", "1", "01", "1e0", "0.1e1", "2"],
                                    ["SORT", "l"], ["SORT", "l", "DESC"]]),
    ("sort not a number", [["RPUSH", "l", "1", "a", "2"], ["SORT", "l"], ["SORT", "l", "ALPHA"],
                           ["RPUSH", "m", "1", "nan"], ["SORT", "m"],
                           ["RPUSH", "p", "1", "inf", "-inf", ""], ["SORT", "p"],
                           ["RPUSH", "q", "1 ", b"2\x00x"], ["SORT", "q"]]),
    # ERANGE cases end their case: Redis does not clear errno before strtod, so a SORT after
    # one in the same process fails too until something resets errno (see sort.py).
    ("sort overflow", [["RPUSH", "n", "1", "1e400"], ["SORT", "n"]]),
    ("sort underflow", [["RPUSH", "o", "1", "1e-400"], ["SORT", "o"]]),
    ("sort alpha", [["RPUSH", "l", "b", "a", "B", "", "ab", "a\x00z", "a\x00b", "\xff", "10", "9"],
                    ["SORT", "l", "ALPHA"], ["SORT", "l", "ALPHA", "DESC"],
                    ["SORT", "l", "alpha", "STORE", "d"], ["LRANGE", "d", "0", "-1"]]),
    ("sort intset", [["SADD", "s", "5", "-1", "3", "100", "0"], ["SORT", "s"],
                     ["SORT", "s", "DESC", "LIMIT", "1", "2"], ["SORT", "s", "ALPHA"],
                     ["SORT", "s", "BY", "nosort"], ["SORT", "s", "BY", "nosort", "DESC"]]),
    ("sort zset", [["ZADD", "z", "3", "c", "1", "a", "2", "b", "2", "bb"],
                   ["OBJECT", "ENCODING", "z"], ["SORT", "z", "ALPHA"],
                   ["OBJECT", "ENCODING", "z"], ["SORT", "z", "BY", "nosort"],
                   ["SORT", "z", "BY", "nosort", "DESC"],
                   ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"],
                   ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
                   ["SORT", "z", "BY", "nosort", "LIMIT", "5", "2"], ["SORT", "z"]]),
    ("sort zset conversion read only", [["ZADD", "z", "1", "a"], ["SORT_RO", "z", "BY", "x"],
                                        ["OBJECT", "ENCODING", "z"], ["ZADD", "z", "2", "b"],
                                        ["ZRANGE", "z", "0", "-1", "WITHSCORES"]]),
    # --- LIMIT -------------------------------------------------------------------------------
    ("sort limit", [["RPUSH", "l", "5", "3", "1", "4", "2"],
                    ["SORT", "l", "LIMIT", "0", "2"], ["SORT", "l", "LIMIT", "1", "3"],
                    ["SORT", "l", "LIMIT", "4", "10"], ["SORT", "l", "LIMIT", "5", "1"],
                    ["SORT", "l", "LIMIT", "-2", "2"], ["SORT", "l", "LIMIT", "2", "-1"],
                    ["SORT", "l", "LIMIT", "2", "0"], ["SORT", "l", "LIMIT", "1", LONG],
                    ["SORT", "l", "LIMIT", LONG, LONG], ["SORT", "l", "LIMIT", LONG_MIN, LONG_MIN],
                    ["SORT", "l", "LIMIT", "3", LONG], ["SORT", "l", "DESC", "LIMIT", "1", "2"],
                    ["SORT", "l", "LIMIT", "0", "1", "LIMIT", "3", "1"]]),
    ("sort limit errors", [["RPUSH", "l", "1"], ["SORT", "l", "LIMIT", "a", "1"],
                           ["SORT", "l", "LIMIT", "1", "1.5"],
                           ["SORT", "l", "LIMIT", "9223372036854775808", "1"],
                           ["SORT", "l", "LIMIT", "1"], ["SORT", "l", "LIMIT"],
                           ["SORT", "nokey", "LIMIT", "x", "1"]]),
    # --- BY and GET --------------------------------------------------------------------------
    ("sort by weights", [["RPUSH", "l", "a", "b", "c", "d"],
                         _weights([("w_a", "3"), ("w_b", "1"), ("w_c", "2")]),
                         ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "DESC"],
                         ["SORT", "l", "BY", "w_*", "ALPHA"],
                         ["SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*"],
                         ["SORT", "l", "BY", "w_*", "LIMIT", "1", "2"]]),
    ("sort by bad weight", [["RPUSH", "l", "a", "b"], ["SET", "w_a", "x"],
                            ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "ALPHA"],
                            ["SORT", "l", "BY", "w_*", "GET", "#"]]),
    ("sort by hash field", [["RPUSH", "l", "1", "2", "3"],
                            ["HSET", "h_1", "f", "30", "g", "x"], ["HSET", "h_2", "f", "10"],
                            ["HSET", "h_3", "g", "1"],
                            ["SORT", "l", "BY", "h_*->f"], ["SORT", "l", "BY", "h_*->f", "DESC"],
                            ["SORT", "l", "BY", "h_*->f", "GET", "h_*->g", "GET", "#"],
                            ["SORT", "l", "BY", "h_*->", "GET", "h_*->"],
                            ["SORT", "l", "BY", "h->*", "GET", "h->*"]]),
    ("sort get patterns", [["RPUSH", "l", "1", "2", "3"], ["MSET", "o_1", "one", "o_2", "two"],
                           ["SET", "x", "fixed"], ["HSET", "h_3", "f", "v"], ["LPUSH", "o_3", "l"],
                           ["SORT", "l", "GET", "o_*"], ["SORT", "l", "GET", "#", "GET", "o_*"],
                           ["SORT", "l", "GET", "x"], ["SORT", "l", "GET", "h_*->f"],
                           ["SORT", "l", "GET", "o_*->f"], ["SORT", "l", "GET", "*"],
                           ["SORT", "l", "GET", "#", "GET", "#", "DESC", "LIMIT", "0", "2"],
                           ["SORT", "l", "GET", "o_*", "GET", "x", "STORE", "d"],
                           ["LRANGE", "d", "0", "-1"]]),
    ("sort get wrong types", [["RPUSH", "l", "1"], ["SADD", "o_1", "x"], ["SORT", "l", "GET", "o_*"],
                              ["SORT", "l", "GET", "o_*->f"], ["SORT", "l", "BY", "o_*"]]),
    ("sort by constant", [["RPUSH", "l", "3", "1", "2"], ["SORT", "l", "BY", "nosort"],
                          ["SORT", "l", "BY", "nosort", "DESC"],
                          ["SORT", "l", "BY", "nosort", "LIMIT", "1", "1"],
                          ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "0", "2"],
                          ["SORT", "l", "BY", "nosort", "LIMIT", "3", "1"],
                          ["SORT", "l", "BY", "nosort", "GET", "#", "ALPHA"],
                          ["SORT", "l", "BY", "x->*"], ["SORT", "l", "BY", b"w\x00*"]]),
    ("sort dontsort set stored alpha", [["SADD", "s", "b", "a", "c", "10", "9"],
                                        ["SORT", "s", "BY", "nosort", "STORE", "d"],
                                        ["LRANGE", "d", "0", "-1"],
                                        ["SORT", "s", "BY", "nosort", "DESC", "STORE", "d"],
                                        ["LRANGE", "d", "0", "-1"],
                                        ["EVAL", "return redis.call('sort', KEYS[1], 'by', 'nosort')",
                                         "1", "s"]]),
    # --- ties --------------------------------------------------------------------------------
    ("sort ties alpha by missing", [["RPUSH", "l", *_TIES],
                                    ["SORT", "l", "BY", "nokey_*", "ALPHA"],
                                    ["SORT", "l", "BY", "nokey_*", "ALPHA", "DESC"],
                                    ["SORT", "l", "BY", "nokey_*", "ALPHA", "LIMIT", "0", "5"],
                                    ["SORT", "l", "BY", "nokey_*", "ALPHA", "LIMIT", "20", "7"],
                                    ["SORT", "l", "BY", "nokey_*", "ALPHA", "DESC", "LIMIT", "3", "9"]]),
    ("sort ties alpha by equal values", [["RPUSH", "l", *_TIES],
                                         _weights([(f"w_{t}", t[:2]) for t in _TIES]),
                                         ["SORT", "l", "BY", "w_*", "ALPHA"],
                                         ["SORT", "l", "BY", "w_*", "ALPHA", "LIMIT", "10", "10"],
                                         ["SORT", "l", "BY", "w_*", "ALPHA", "DESC", "LIMIT", "0", "12"],
                                         ["SORT", "l", "BY", "w_*", "LIMIT", "5", "5"],
                                         ["SORT", "l", "BY", "w_*", "ALPHA", "LIMIT", "0", "3"]]),
    ("sort ties small vectors", [["RPUSH", "l", "c", "a", "b", "d", "e", "f", "g", "h"],
                                 ["SORT", "l", "BY", "nokey_*", "ALPHA", "LIMIT", "0", "3"],
                                 ["SORT", "l", "BY", "nokey_*", "ALPHA", "LIMIT", "2", "3"],
                                 ["LPOP", "l"],
                                 ["SORT", "l", "BY", "nokey_*", "ALPHA", "LIMIT", "1", "2"]]),
    # --- STORE -------------------------------------------------------------------------------
    ("sort store", [["RPUSH", "l", "3", "1", "2"], ["SET", "d", "x"], ["EXPIRE", "d", "100"],
                    ["SORT", "l", "STORE", "d"], ["TYPE", "d"], ["TTL", "d"],
                    ["LRANGE", "d", "0", "-1"], ["OBJECT", "ENCODING", "d"],
                    ["SORT", "l", "STORE", "l"], ["LRANGE", "l", "0", "-1"],
                    ["SORT", "nokey", "STORE", "d"], ["EXISTS", "d"],
                    ["SORT", "nokey", "STORE", "d"],
                    ["SORT", "l", "STORE", "a", "STORE", "b"], ["EXISTS", "a", "b"]]),
    ("sort store events", [["CONFIG", "SET", "notify-keyspace-events", "KEA"],
                           ["@2", "PSUBSCRIBE", "__key*__:*"],
                           ["RPUSH", "l", "2", "1"], ["SORT", "l", "STORE", "d"],
                           ["SORT", "nokey", "STORE", "d"], ["SORT", "nokey", "STORE", "d"]]),
    ("sort store watch", [["RPUSH", "l", "1"], ["@2", "WATCH", "d"], ["SORT", "l", "STORE", "d"],
                          ["@2", "MULTI"], ["@2", "PING"], ["@2", "EXEC"]]),
    # --- errors ------------------------------------------------------------------------------
    ("sort errors", [["SORT"], ["SORT_RO"], ["SET", "s", "x"], ["SORT", "s"],
                     ["SORT", "s", "BADOPT"], ["SORT", "nokey"], ["SORT", "nokey", "BY"],
                     ["SORT", "nokey", "GET"], ["SORT", "nokey", "STORE"], ["SORT", "nokey", "asc", "x"],
                     ["SORT_RO", "nokey", "STORE", "d"], ["SORT_RO", "s"],
                     ["HSET", "h", "f", "v"], ["SORT", "h"], ["SORT", "s", "LIMIT", "a", "1"],
                     ["SORT", "s", "foo", "LIMIT", "a", "1"]]),
    ("sort keys", [["COMMAND", "GETKEYS", "SORT", "l", "BY", "x", "STORE", "d", "GET", "y",
                    "STORE", "e"],
                   ["COMMAND", "GETKEYSANDFLAGS", "SORT", "l", "LIMIT", "store", "x", "STORE", "d"],
                   ["COMMAND", "GETKEYS", "SORT_RO", "l", "STORE", "d"],
                   ["COMMAND", "GETKEYSANDFLAGS", "SORT_RO", "l"]]),
    ("sort in multi", [["RPUSH", "l", "2", "1"], ["MULTI"], ["SORT", "l"], ["SORT", "l", "STORE", "d"],
                       ["SORT_RO", "l", "STORE", "d"], ["EXEC"], ["LRANGE", "d", "0", "-1"]]),
    # --- hash-table sets and skiplist sorted sets (order of the dict: random seed) ----------
    ("sort big set", [["SADD", "s", *[f"m{i}" for i in range(200)]], ["SORT", "s", "ALPHA"],
                      ["SORT", "s", "ALPHA", "DESC", "LIMIT", "10", "5"], ["SORT", "s"],
                      ["SORT", "s", "BY", "nosort", "STORE", "d"], ["LRANGE", "d", "0", "9"],
                      ["SORT", "s", "BY", "nosort"]]),
    ("sort big set numeric", [["SADD", "s", *[str(i * 7 % 300) for i in range(300)], "x1"],
                              ["SREM", "s", "x1"], ["OBJECT", "ENCODING", "s"],
                              ["SORT", "s", "LIMIT", "0", "10"], ["SORT", "s", "DESC", "LIMIT", "5", "5"],
                              ["SORT", "s", "BY", "nosort"]]),
    ("sort big zset", [["ZADD", "z", *[x for i in range(200) for x in (str(i % 13), f"m{i}")]],
                       ["OBJECT", "ENCODING", "z"], ["SORT", "z", "ALPHA", "LIMIT", "0", "8"],
                       ["SORT", "z", "BY", "nosort", "LIMIT", "20", "5"],
                       ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "3"],
                       ["SORT", "z", "BY", "w_*", "ALPHA"]]),
]

#: A hash-table set's iteration order depends on the server's random hash seed.
NONDETERMINISTIC: dict[str, object] = {
    "sort big set": {6: "sort"},
    "sort big set numeric": {5: "sort"},
    "sort big zset": {5: "sort"},
}
