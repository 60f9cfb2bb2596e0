"""Hypothesis strategies for differential command sequences.

Small pools on purpose, so generated commands collide: three keys, a handful of values that hit
the interesting encodings (integers, floats, empty, binary, long), a few options. A sequence is
a list of steps ``(client, argv)`` over several clients; the replay pipelines each run of steps
on one client and writes it split at random boundaries (:func:`chunker_from`), so request
framing (``processMultibulkBuffer`` reading partial input) is exercised too.

``GROUPS`` names the command groups ``redspec diff --groups`` understands; a group only draws
the commands the reference serves (:func:`group_commands`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

from hypothesis import strategies as st

__all__ = [
    "KEYS",
    "VALUES",
    "COMMANDS",
    "GROUPS",
    "Argv",
    "Steps",
    "chunker_from",
    "group_commands",
    "sequences",
]

KEYS = [b"k1", b"k2", b"{k}3"]
VALUES = [
    b"",
    b"0",
    b"1",
    b"-1",
    b"10",
    b"007",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"1.5",
    b"-0.0",
    b"1e3",
    b"abc",
    b"hello world",
    b"\x00\xff\r\n",
    b" 1",
    b"x" * 45,
]
INTS = [b"0", b"1", b"-1", b"2", b"5", b"-3", b"100", b"9223372036854775807", b"x", b"1.0", b""]
FLOATS = [b"0", b"1.5", b"-2", b"1e2", b"0.1", b"inf", b"nan", b"x", b"5.0e3", b"-0"]
OFFSETS = [b"0", b"1", b"3", b"-1", b"-2", b"10", b"-100", b"x"]
DBS = [b"0", b"1", b"2", b"15", b"16", b"-1", b"x"]
PATTERNS = [b"*", b"k*", b"k?", b"{*", b"[a-k]1", b"\\*", b"nomatch", b"*3"]
FUTURE_MS = b"99999999999000"  # absolute times far away keep every reply deterministic
PAST_MS = b"1000"

Argv = list[bytes]
Steps = list[tuple[int, Argv]]

key = st.sampled_from(KEYS)
value = st.sampled_from(VALUES)
integer = st.sampled_from(INTS)
floating = st.sampled_from(FLOATS)
offset = st.sampled_from(OFFSETS)
db = st.sampled_from(DBS)


def _cmd(name: bytes, *parts: st.SearchStrategy[bytes]) -> st.SearchStrategy[Argv]:
    return st.tuples(*parts).map(lambda t: [name, *t])


def _keys(name: bytes, lo: int = 1, hi: int = 4) -> st.SearchStrategy[Argv]:
    return st.lists(key, min_size=lo, max_size=hi).map(lambda ks: [name, *ks])


def _mset(name: bytes) -> st.SearchStrategy[Argv]:
    return st.lists(st.tuples(key, value), min_size=1, max_size=3).map(
        lambda kvs: [name, *[x for kv in kvs for x in kv]]
    )


def _options(*choices: list[bytes]) -> st.SearchStrategy[list[bytes]]:
    """Zero to two option groups (possibly conflicting: the errors are part of the spec)."""
    return st.lists(st.sampled_from(choices), max_size=2).map(lambda os: [x for o in os for x in o])


_SET_OPTS = _options(
    [b"NX"], [b"XX"], [b"GET"], [b"KEEPTTL"], [b"PXAT", FUTURE_MS], [b"PXAT", PAST_MS],
    [b"EX", b"1000"], [b"PX", b"0"], [b"EX", b"x"], [b"nx"],
)
_GETEX_OPTS = _options([b"PERSIST"], [b"PXAT", FUTURE_MS], [b"EXAT", b"1"], [b"EX", b"-1"])

#: command name (lowercase, ``container|sub`` for a subcommand) -> strategy for its argv
COMMANDS: dict[str, st.SearchStrategy[Argv]] = {
    # strings
    "set": st.tuples(key, value, _SET_OPTS).map(lambda t: [b"SET", t[0], t[1], *t[2]]),
    "get": _cmd(b"GET", key),
    "append": _cmd(b"APPEND", key, value),
    "incr": _cmd(b"INCR", key),
    "incrby": _cmd(b"INCRBY", key, integer),
    "decr": _cmd(b"DECR", key),
    "decrby": _cmd(b"DECRBY", key, integer),
    "incrbyfloat": _cmd(b"INCRBYFLOAT", key, floating),
    "mget": _keys(b"MGET"),
    "mset": _mset(b"MSET"),
    "msetnx": _mset(b"MSETNX"),
    "getrange": _cmd(b"GETRANGE", key, offset, offset),
    "setrange": _cmd(b"SETRANGE", key, st.sampled_from([b"0", b"1", b"5", b"-1", b"x"]), value),
    "strlen": _cmd(b"STRLEN", key),
    "getdel": _cmd(b"GETDEL", key),
    "getset": _cmd(b"GETSET", key, value),
    "getex": st.tuples(key, _GETEX_OPTS).map(lambda t: [b"GETEX", t[0], *t[1]]),
    "setnx": _cmd(b"SETNX", key, value),
    "setex": _cmd(b"SETEX", key, st.sampled_from([b"1000", b"0", b"-1", b"x"]), value),
    "psetex": _cmd(b"PSETEX", key, st.sampled_from([b"1000000", b"0", b"x"]), value),
    "lcs": st.tuples(key, key, st.sampled_from([[], [b"LEN"], [b"IDX"], [b"IDX", b"WITHMATCHLEN"]]))
    .map(lambda t: [b"LCS", t[0], t[1], *t[2]]),
    # keyspace
    "del": _keys(b"DEL"),
    "exists": _keys(b"EXISTS"),
    "touch": _keys(b"TOUCH"),
    "type": _cmd(b"TYPE", key),
    "rename": _cmd(b"RENAME", key, key),
    "renamenx": _cmd(b"RENAMENX", key, key),
    "keys": _cmd(b"KEYS", st.sampled_from(PATTERNS)),
    "randomkey": st.just([b"RANDOMKEY"]),
    "copy": st.tuples(key, key, _options([b"REPLACE"], [b"DB", b"1"], [b"DB", b"x"]))
    .map(lambda t: [b"COPY", t[0], t[1], *t[2]]),
    "move": _cmd(b"MOVE", key, st.sampled_from([b"0", b"1", b"16", b"x"])),
    "object|encoding": _cmd(b"OBJECT", st.just(b"ENCODING"), key),
    # connection
    "ping": st.lists(value, max_size=1).map(lambda v: [b"PING", *v]),
    "echo": _cmd(b"ECHO", value),
    "select": _cmd(b"SELECT", db),
    # server
    "dbsize": st.just([b"DBSIZE"]),
    "flushdb": st.sampled_from([[b"FLUSHDB"], [b"FLUSHDB", b"ASYNC"], [b"FLUSHDB", b"x"]]),
    "flushall": st.sampled_from([[b"FLUSHALL"], [b"FLUSHALL", b"SYNC"]]),
    "swapdb": _cmd(b"SWAPDB", st.sampled_from([b"0", b"1"]), st.sampled_from([b"0", b"1", b"x"])),
    "time": st.just([b"TIME"]),
}

# -- aggregate types: small member pools force collisions and encoding conversions ------------

MEMBERS = [b"a", b"b", b"1", b"2", b"-3"]
member = st.sampled_from(MEMBERS)
SCORES = [b"0", b"1", b"1.5", b"-2", b"inf", b"-inf", b"(1", b"x", b"1e2"]
score = st.sampled_from(SCORES)
COUNTS = [b"0", b"1", b"2", b"10", b"-1", b"x"]
count = st.sampled_from(COUNTS)
_ZRANGE_OPTS = _options([b"WITHSCORES"], [b"REV"], [b"BYSCORE"], [b"LIMIT", b"0", b"2"])


def _members(name: bytes, lo: int = 1, hi: int = 3) -> st.SearchStrategy[Argv]:
    return st.tuples(key, st.lists(member, min_size=lo, max_size=hi)).map(
        lambda t: [name, t[0], *t[1]])


def _pairs(name: bytes, a: st.SearchStrategy[bytes],
           b: st.SearchStrategy[bytes]) -> st.SearchStrategy[Argv]:
    return st.tuples(key, st.lists(st.tuples(a, b), min_size=1, max_size=3)).map(
        lambda t: [name, t[0], *[x for p in t[1] for x in p]])


COMMANDS.update({
    # lists
    "lpush": _members(b"LPUSH"), "rpush": _members(b"RPUSH"),
    "lpushx": _members(b"LPUSHX"), "rpushx": _members(b"RPUSHX"),
    "lpop": st.tuples(key, st.lists(count, max_size=1)).map(lambda t: [b"LPOP", t[0], *t[1]]),
    "rpop": st.tuples(key, st.lists(count, max_size=1)).map(lambda t: [b"RPOP", t[0], *t[1]]),
    "llen": _cmd(b"LLEN", key),
    "lindex": _cmd(b"LINDEX", key, offset),
    "lset": _cmd(b"LSET", key, offset, member),
    "lrange": _cmd(b"LRANGE", key, offset, offset),
    "ltrim": _cmd(b"LTRIM", key, offset, offset),
    "linsert": _cmd(b"LINSERT", key, st.sampled_from([b"BEFORE", b"AFTER", b"x"]), member,
                    member),
    "lrem": _cmd(b"LREM", key, offset, member),
    "lpos": st.tuples(key, member, _options([b"RANK", b"-1"], [b"COUNT", b"0"],
                                            [b"MAXLEN", b"2"], [b"RANK", b"0"]))
    .map(lambda t: [b"LPOS", t[0], t[1], *t[2]]),
    "lmove": _cmd(b"LMOVE", key, key, st.sampled_from([b"LEFT", b"RIGHT"]),
                  st.sampled_from([b"LEFT", b"RIGHT", b"x"])),
    "rpoplpush": _cmd(b"RPOPLPUSH", key, key),
    # hashes
    "hset": _pairs(b"HSET", member, value), "hsetnx": _cmd(b"HSETNX", key, member, value),
    "hget": _cmd(b"HGET", key, member), "hmget": _members(b"HMGET"),
    "hdel": _members(b"HDEL"), "hlen": _cmd(b"HLEN", key),
    "hstrlen": _cmd(b"HSTRLEN", key, member), "hexists": _cmd(b"HEXISTS", key, member),
    "hkeys": _cmd(b"HKEYS", key), "hvals": _cmd(b"HVALS", key),
    "hgetall": _cmd(b"HGETALL", key),
    "hincrby": _cmd(b"HINCRBY", key, member, integer),
    "hincrbyfloat": _cmd(b"HINCRBYFLOAT", key, member, floating),
    # sets
    "sadd": _members(b"SADD"), "srem": _members(b"SREM"), "scard": _cmd(b"SCARD", key),
    "sismember": _cmd(b"SISMEMBER", key, member), "smismember": _members(b"SMISMEMBER"),
    "smembers": _cmd(b"SMEMBERS", key), "smove": _cmd(b"SMOVE", key, key, member),
    "sinter": _keys(b"SINTER"), "sunion": _keys(b"SUNION"), "sdiff": _keys(b"SDIFF"),
    "sinterstore": _keys(b"SINTERSTORE", 2), "sunionstore": _keys(b"SUNIONSTORE", 2),
    "sdiffstore": _keys(b"SDIFFSTORE", 2),
    "sintercard": st.lists(key, min_size=1, max_size=3).map(
        lambda ks: [b"SINTERCARD", b"%d" % len(ks), *ks]),
    # sorted sets
    "zadd": st.tuples(_options([b"NX"], [b"XX"], [b"GT"], [b"LT"], [b"CH"], [b"INCR"]),
                      _pairs(b"ZADD", score, member))
    .map(lambda t: [t[1][0], t[1][1], *t[0], *t[1][2:]]),
    "zincrby": _cmd(b"ZINCRBY", key, score, member),
    "zrem": _members(b"ZREM"), "zcard": _cmd(b"ZCARD", key),
    "zscore": _cmd(b"ZSCORE", key, member), "zmscore": _members(b"ZMSCORE"),
    "zrank": _cmd(b"ZRANK", key, member), "zrevrank": _cmd(b"ZREVRANK", key, member),
    "zcount": _cmd(b"ZCOUNT", key, score, score),
    "zrange": st.tuples(key, score, score, _ZRANGE_OPTS)
    .map(lambda t: [b"ZRANGE", t[0], t[1], t[2], *t[3]]),
    "zpopmin": st.tuples(key, st.lists(count, max_size=1)).map(lambda t: [b"ZPOPMIN", t[0], *t[1]]),
    "zpopmax": st.tuples(key, st.lists(count, max_size=1)).map(lambda t: [b"ZPOPMAX", t[0], *t[1]]),
    "zunionstore": st.tuples(key, st.lists(key, min_size=1, max_size=2)).map(
        lambda t: [b"ZUNIONSTORE", t[0], b"%d" % len(t[1]), *t[1]]),
    "zinterstore": st.tuples(key, st.lists(key, min_size=1, max_size=2)).map(
        lambda t: [b"ZINTERSTORE", t[0], b"%d" % len(t[1]), *t[1]]),
    # expire (absolute times only: relative TTL readings would race the wall clock)
    "pexpireat": st.tuples(key, st.sampled_from([FUTURE_MS, PAST_MS, b"x"]),
                           _options([b"NX"], [b"XX"], [b"GT"], [b"LT"]))
    .map(lambda t: [b"PEXPIREAT", t[0], t[1], *t[2]]),
    "expireat": _cmd(b"EXPIREAT", key, st.sampled_from([b"99999999999", b"1", b"-1"])),
    "persist": _cmd(b"PERSIST", key),
    "pexpiretime": _cmd(b"PEXPIRETIME", key),
    "expiretime": _cmd(b"EXPIRETIME", key),
})

# -- bitmaps: a few bit offsets (some past the end, some invalid) so writes collide ------------

BIT_OFFSETS = [b"0", b"1", b"7", b"8", b"15", b"23", b"100", b"-1", b"x"]
bit_offset = st.sampled_from(BIT_OFFSETS)
BIT_RANGE = [b"0", b"1", b"2", b"-1", b"-2", b"5", b"20", b"x"]
bit_range = st.sampled_from(BIT_RANGE)
_BF_TYPES = st.sampled_from([b"u1", b"u4", b"i4", b"u8", b"i8", b"i16", b"u63", b"i64", b"u64",
                             b"x8"])
_BF_OFFSETS = st.sampled_from([b"0", b"3", b"8", b"#1", b"#2", b"-1"])
_BF_VALUES = st.sampled_from([b"0", b"1", b"-1", b"7", b"100", b"-200", b"9223372036854775807",
                              b"-9223372036854775808", b"x"])
_BF_OP = st.one_of(
    st.tuples(st.just(b"GET"), _BF_TYPES, _BF_OFFSETS).map(list),
    st.tuples(st.sampled_from([b"SET", b"INCRBY"]), _BF_TYPES, _BF_OFFSETS, _BF_VALUES).map(list),
    st.tuples(st.just(b"OVERFLOW"), st.sampled_from([b"WRAP", b"SAT", b"FAIL", b"x"])).map(list),
)
_BF_OPS = st.lists(_BF_OP, max_size=3).map(lambda ops: [x for op in ops for x in op])
_BIT_UNIT = st.sampled_from([[], [b"BIT"], [b"BYTE"], [b"x"]])

COMMANDS.update({
    "setbit": _cmd(b"SETBIT", key, bit_offset, st.sampled_from([b"0", b"1", b"2"])),
    "getbit": _cmd(b"GETBIT", key, bit_offset),
    "bitcount": st.tuples(key, st.one_of(
        st.just([]), st.tuples(bit_range, bit_range, _BIT_UNIT).map(lambda t: [t[0], t[1], *t[2]])))
    .map(lambda t: [b"BITCOUNT", t[0], *t[1]]),
    "bitpos": st.tuples(key, st.sampled_from([b"0", b"1", b"2"]), st.one_of(
        st.just([]), st.tuples(bit_range).map(list),
        st.tuples(bit_range, bit_range, _BIT_UNIT).map(lambda t: [t[0], t[1], *t[2]])))
    .map(lambda t: [b"BITPOS", t[0], t[1], *t[2]]),
    "bitop": st.tuples(st.sampled_from([b"AND", b"OR", b"XOR", b"NOT", b"x"]), key,
                       st.lists(key, min_size=1, max_size=3))
    .map(lambda t: [b"BITOP", t[0], t[1], *t[2]]),
    "bitfield": st.tuples(key, _BF_OPS).map(lambda t: [b"BITFIELD", t[0], *t[1]]),
    "bitfield_ro": st.tuples(key, _BF_OPS).map(lambda t: [b"BITFIELD_RO", t[0], *t[1]]),
})

# -- HyperLogLog: a small element pool (registers collide) plus big batches (promotion) -------

HLL_ELEMENTS = [b"a", b"b", b"c", b"1", b"2", b"", b"\x00\xff", b"x" * 45]
_hll_element = st.sampled_from(HLL_ELEMENTS)
_hll_batch = st.tuples(st.integers(0, 5000), st.sampled_from([100, 700, 1500])).map(
    lambda t: [b"m%d" % i for i in range(t[0], t[0] + t[1])])

COMMANDS.update({
    "pfadd": st.tuples(key, st.one_of(st.lists(_hll_element, max_size=4), _hll_batch))
    .map(lambda t: [b"PFADD", t[0], *t[1]]),
    "pfcount": _keys(b"PFCOUNT", 1, 3),
    "pfmerge": _keys(b"PFMERGE", 1, 3),
    "pfdebug": _cmd(b"PFDEBUG", st.sampled_from([b"ENCODING", b"TODENSE", b"DECODE", b"x"]), key),
})

# -- geo: a few real places (plus the range edges and invalid values), radii and units ------

GEO_LON = [b"13.361389", b"15.087269", b"2.3522", b"-179.99", b"180", b"0", b"181", b"x"]
GEO_LAT = [b"38.115556", b"37.502669", b"48.8566", b"-85.05112878", b"85", b"0", b"86", b"x"]
_geo_lon = st.sampled_from(GEO_LON)
_geo_lat = st.sampled_from(GEO_LAT)
_geo_len = st.sampled_from([b"0", b"1", b"200", b"5000", b"20000", b"-1", b"x", b"inf"])
_geo_unit = st.sampled_from([b"m", b"km", b"mi", b"ft", b"KM", b"x"])
_geo_from = st.one_of(
    st.tuples(st.just(b"FROMMEMBER"), member).map(list),
    st.tuples(st.just(b"FROMLONLAT"), _geo_lon, _geo_lat).map(list))
_geo_by = st.one_of(
    st.tuples(st.just(b"BYRADIUS"), _geo_len, _geo_unit).map(list),
    st.tuples(st.just(b"BYBOX"), _geo_len, _geo_len, _geo_unit).map(list))
_geo_opts = _options([b"ASC"], [b"DESC"], [b"COUNT", b"2"], [b"COUNT", b"1", b"ANY"],
                     [b"WITHDIST"], [b"WITHCOORD"], [b"WITHHASH"], [b"COUNT", b"0"], [b"ANY"])
_geo_store_opts = _options([b"ASC"], [b"DESC"], [b"COUNT", b"2"], [b"COUNT", b"1", b"ANY"],
                           [b"STOREDIST"], [b"WITHDIST"])
_geo_radius_opts = _options([b"ASC"], [b"DESC"], [b"COUNT", b"2"], [b"WITHDIST"],
                            [b"WITHCOORD"], [b"WITHHASH"], [b"STORE", b"k1"],
                            [b"STOREDIST", b"{k}3"])
# FROM/BY in either order, now and then one of them left out (the errors are part of the spec)
_geo_shape = st.tuples(st.lists(_geo_from, max_size=1, min_size=1) | st.just([]),
                       st.lists(_geo_by, max_size=1, min_size=1) | st.just([]),
                       st.booleans()).map(
    lambda t: [x for part in ((t[1], t[0]) if t[2] else (t[0], t[1])) for p in part for x in p])

COMMANDS.update({
    "geoadd": st.tuples(key, _options([b"NX"], [b"XX"], [b"CH"]),
                        st.lists(st.tuples(_geo_lon, _geo_lat, member), min_size=1, max_size=3))
    .map(lambda t: [b"GEOADD", t[0], *t[1], *[x for p in t[2] for x in p]]),
    "geopos": _members(b"GEOPOS"),
    "geohash": _members(b"GEOHASH"),
    "geodist": st.tuples(key, member, member, st.lists(_geo_unit, max_size=1))
    .map(lambda t: [b"GEODIST", t[0], t[1], t[2], *t[3]]),
    "geosearch": st.tuples(key, _geo_shape, _geo_opts)
    .map(lambda t: [b"GEOSEARCH", t[0], *t[1], *t[2]]),
    "geosearchstore": st.tuples(key, key, _geo_shape, _geo_store_opts)
    .map(lambda t: [b"GEOSEARCHSTORE", t[0], t[1], *t[2], *t[3]]),
    "georadius": st.tuples(key, _geo_lon, _geo_lat, _geo_len, _geo_unit, _geo_radius_opts)
    .map(lambda t: [b"GEORADIUS", *t[:5], *t[5]]),
    "georadiusbymember": st.tuples(key, member, _geo_len, _geo_unit, _geo_radius_opts)
    .map(lambda t: [b"GEORADIUSBYMEMBER", *t[:4], *t[4]]),
    "georadius_ro": st.tuples(key, _geo_lon, _geo_lat, _geo_len, _geo_unit, _geo_opts)
    .map(lambda t: [b"GEORADIUS_RO", *t[:5], *t[5]]),
})

# streams: explicit IDs only (``*`` would print the clock); no times (XPENDING's extended
# form, XINFO CONSUMERS and FULL print idle and delivery times)
_sid = st.sampled_from([b"0", b"1", b"1-1", b"1-2", b"2", b"2-0", b"3-5", b"5", b"(1-1", b"-",
                        b"+", b"x", b"0-0", b"18446744073709551615-18446744073709551615"])
_sadd_id = st.sampled_from([b"1-1", b"1-2", b"1-*", b"2-*", b"2-0", b"3-5", b"4", b"5-*",
                            b"0-1", b"9-9", b"0-0", b"x"])
_sfield = st.sampled_from([b"a", b"b", b"", b"1"])
_sgroup = st.sampled_from([b"g1", b"g2"])
_sconsumer = st.sampled_from([b"c1", b"c2"])
_strim = st.one_of(st.just([]), st.tuples(st.sampled_from([b"MAXLEN", b"MINID"]),
                                          st.sampled_from([[], [b"~"], [b"="]]),
                                          st.sampled_from([b"0", b"1", b"2", b"2-0", b"-1"]),
                                          st.sampled_from([[], [b"LIMIT", b"1"], [b"LIMIT", b"0"]]))
                   .map(lambda t: [t[0], *t[1], t[2], *t[3]]))
COMMANDS.update({
    "xadd": st.tuples(key, st.sampled_from([[], [b"NOMKSTREAM"]]), _strim, _sadd_id,
                      st.lists(st.tuples(_sfield, value), min_size=1, max_size=2))
    .map(lambda t: [b"XADD", t[0], *t[1], *t[2], t[3], *[x for p in t[4] for x in p]]),
    "xlen": _cmd(b"XLEN", key),
    "xrange": st.tuples(key, _sid, _sid, st.sampled_from([[], [b"COUNT", b"1"], [b"COUNT", b"0"]]))
    .map(lambda t: [b"XRANGE", t[0], t[1], t[2], *t[3]]),
    "xrevrange": st.tuples(key, _sid, _sid, st.sampled_from([[], [b"COUNT", b"2"]]))
    .map(lambda t: [b"XREVRANGE", t[0], t[1], t[2], *t[3]]),
    "xdel": st.tuples(key, st.lists(_sid, min_size=1, max_size=3))
    .map(lambda t: [b"XDEL", t[0], *t[1]]),
    "xtrim": st.tuples(key, _strim).map(lambda t: [b"XTRIM", t[0], *t[1]]),
    "xsetid": st.tuples(key, _sid, st.sampled_from([[], [b"ENTRIESADDED", b"9"],
                                                    [b"MAXDELETEDID", b"1-1"]]))
    .map(lambda t: [b"XSETID", t[0], t[1], *t[2]]),
    "xread": st.tuples(st.sampled_from([[], [b"COUNT", b"1"]]), key, _sid)
    .map(lambda t: [b"XREAD", *t[0], b"STREAMS", t[1], t[2]]),
    "xgroup|create": st.tuples(key, _sgroup, st.sampled_from([b"$", b"0", b"1-1", b"x"]),
                               st.sampled_from([[], [b"MKSTREAM"], [b"ENTRIESREAD", b"1"]]))
    .map(lambda t: [b"XGROUP", b"CREATE", t[0], t[1], t[2], *t[3]]),
    "xgroup|setid": st.tuples(key, _sgroup, st.sampled_from([b"$", b"0", b"1-1"]))
    .map(lambda t: [b"XGROUP", b"SETID", *t]),
    "xgroup|destroy": st.tuples(key, _sgroup).map(lambda t: [b"XGROUP", b"DESTROY", *t]),
    "xgroup|createconsumer": st.tuples(key, _sgroup, _sconsumer)
    .map(lambda t: [b"XGROUP", b"CREATECONSUMER", *t]),
    "xgroup|delconsumer": st.tuples(key, _sgroup, _sconsumer)
    .map(lambda t: [b"XGROUP", b"DELCONSUMER", *t]),
    "xreadgroup": st.tuples(_sgroup, _sconsumer, st.sampled_from([[], [b"COUNT", b"1"]]),
                            st.sampled_from([[], [b"NOACK"]]), key,
                            st.sampled_from([b">", b">", b"0", b"1-1"]))
    .map(lambda t: [b"XREADGROUP", b"GROUP", t[0], t[1], *t[2], *t[3], b"STREAMS", t[4], t[5]]),
    "xack": st.tuples(key, _sgroup, st.lists(_sid, min_size=1, max_size=2))
    .map(lambda t: [b"XACK", t[0], t[1], *t[2]]),
    "xpending": st.tuples(key, _sgroup).map(lambda t: [b"XPENDING", *t]),
    "xclaim": st.tuples(key, _sgroup, _sconsumer, st.lists(_sid, min_size=1, max_size=2),
                        st.sampled_from([[], [b"JUSTID"], [b"FORCE"], [b"RETRYCOUNT", b"3"]]))
    .map(lambda t: [b"XCLAIM", t[0], t[1], t[2], b"0", *t[3], *t[4]]),
    "xautoclaim": st.tuples(key, _sgroup, _sconsumer, _sid,
                            st.sampled_from([[], [b"COUNT", b"1"], [b"JUSTID"]]))
    .map(lambda t: [b"XAUTOCLAIM", t[0], t[1], t[2], b"0", t[3], *t[4]]),
    "xinfo|stream": _cmd(b"XINFO", st.just(b"STREAM"), key),
    "xinfo|groups": _cmd(b"XINFO", st.just(b"GROUPS"), key),
})

# ACL: two users whose rules are drawn from a small pool (the default user is left alone);
# no ACL LIST / GETUSER (Redis prints single-command rules in a seed-dependent order) and no
# DELUSER (a deleted user's connections are closed); the replay deletes the users between
# examples (``ServerTarget.reset_acl``)
_auser = st.sampled_from([b"ua", b"ub"])
_arule = st.sampled_from([b"on", b"off", b"nopass", b">p", b"<p", b"resetpass", b"~k1",
                          b"%R~k2", b"%W~{k}3", b"allkeys", b"resetkeys", b"+@all", b"-@all",
                          b"+@string", b"-@write", b"+get", b"-set", b"+hset", b"&c",
                          b"allchannels", b"resetchannels", b"(+set ~k1)", b"clearselectors",
                          b"reset", b"+select|0", b"+@nocat"])
_acall = st.sampled_from([[b"GET", b"k1"], [b"SET", b"k2", b"v"], [b"HSET", b"{k}3", b"f", b"v"],
                          [b"PUBLISH", b"c", b"m"], [b"SELECT", b"0"], [b"MGET", b"k1", b"k2"]])
COMMANDS.update({
    "acl|setuser": st.tuples(_auser, st.lists(_arule, max_size=4))
    .map(lambda t: [b"ACL", b"SETUSER", t[0], *t[1]]),
    "acl|users": st.just([b"ACL", b"USERS"]),
    "acl|whoami": st.just([b"ACL", b"WHOAMI"]),
    "acl|dryrun": st.tuples(st.sampled_from([b"ua", b"ub", b"default", b"nobody"]), _acall)
    .map(lambda t: [b"ACL", b"DRYRUN", t[0], *t[1]]),
    "auth": st.tuples(_auser, st.sampled_from([b"p", b"x"])).map(lambda t: [b"AUTH", *t]),
})

#: ``--groups`` names -> the commands each draws from (names as in ``COMMANDS``).
GROUPS: dict[str, list[str]] = {
    "strings": [
        "set", "get", "append", "incr", "incrby", "decr", "decrby", "incrbyfloat", "mget",
        "mset", "msetnx", "getrange", "setrange", "strlen", "getdel", "getset", "getex",
        "setnx", "setex", "psetex", "lcs",
    ],
    "keyspace": [
        "set", "get", "del", "exists", "touch", "type", "rename", "renamenx", "keys",
        "randomkey", "copy", "move", "object|encoding", "select", "dbsize",
    ],
    "connection": ["ping", "echo", "select", "set", "get"],
    "server": ["dbsize", "flushdb", "flushall", "swapdb", "time", "select", "set", "get"],
    "lists": [
        "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lindex", "lset",
        "lrange", "ltrim", "linsert", "lrem", "lpos", "lmove", "rpoplpush", "set", "type",
    ],
    "hashes": [
        "hset", "hsetnx", "hget", "hmget", "hdel", "hlen", "hstrlen", "hexists", "hkeys",
        "hvals", "hgetall", "hincrby", "hincrbyfloat", "set", "object|encoding",
    ],
    "sets": [
        "sadd", "srem", "scard", "sismember", "smismember", "smembers", "smove", "sinter",
        "sunion", "sdiff", "sinterstore", "sunionstore", "sdiffstore", "sintercard", "set",
        "object|encoding",
    ],
    "zsets": [
        "zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank", "zcount",
        "zrange", "zpopmin", "zpopmax", "zunionstore", "zinterstore", "sadd", "set",
    ],
    # Writes without relative expiry here: a TTL set "EX 1000" reads back differently on
    # two servers whose clocks are a millisecond apart.
    "expire": ["mset", "getex", "get", "pexpireat", "expireat", "persist", "pexpiretime",
               "expiretime", "del", "exists", "dbsize"],
    # Strings in the HYLL layout: GET compares the bytes; SETRANGE/APPEND corrupt them.
    "hll": ["pfadd", "pfcount", "pfmerge", "pfdebug", "get", "set", "setrange", "append",
            "object|encoding", "del", "rpush"],
    # Strings changed in place: OBJECT ENCODING shows the "raw" rule after each of them.
    "bitmaps": ["setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro",
                "set", "get", "append", "setrange", "incr", "incrbyfloat", "object|encoding",
                "rpush"],
    # Positions are zset scores: ZSCORE/ZRANGE read them (and the STORE results) back.
    "geo": ["geoadd", "geopos", "geohash", "geodist", "geosearch", "geosearchstore",
            "georadius", "georadiusbymember", "georadius_ro", "zscore", "zrem", "zadd", "set"],
    # Streams with explicit IDs (``*`` prints the clock) and consumer groups.
    "streams": ["xadd", "xlen", "xrange", "xrevrange", "xdel", "xtrim", "xsetid", "xread",
                "xgroup|create", "xgroup|setid", "xgroup|destroy", "xgroup|createconsumer",
                "xgroup|delconsumer", "xreadgroup", "xack", "xpending", "xclaim", "xautoclaim",
                "xinfo|stream", "xinfo|groups", "set", "type", "del"],
    # Users, AUTH as them, and what their connections may run (NOPERM or the reply).
    "acl": ["acl|setuser", "acl|users", "acl|whoami", "acl|dryrun", "auth", "get", "set",
            "hset", "mget", "select"],
}


def group_commands(group: str, served: Iterable[str]) -> list[str]:
    """The commands of ``group`` that are in ``served`` (full lowercase names)."""
    have = set(served)
    return [n for n in GROUPS[group] if n in have]


def sequences(
    names: list[str],
    max_steps: int = 12,
    clients: int = 3,
    commands: Mapping[str, st.SearchStrategy[Argv]] | None = None,
) -> st.SearchStrategy[Steps]:
    """Command sequences over ``names`` from ``clients`` clients: a list of (client, argv).

    ``commands`` maps names to argv strategies (default: ``COMMANDS``)."""
    pool = COMMANDS if commands is None else commands
    cmd = st.one_of([pool[n] for n in names])
    step = st.tuples(st.integers(1, clients), cmd)
    return st.lists(step, min_size=1, max_size=max_steps)


def chunker_from(cuts: list[int]) -> Callable[[bytes], list[bytes]]:
    """A chunker that cuts the data at the given relative positions (0..1000): the pieces
    are written one by one, so the server sees the requests split at those points."""

    def chunk(data: bytes) -> list[bytes]:
        pts = sorted({c * len(data) // 1000 for c in cuts} - {0, len(data)})
        out, prev = [], 0
        for p in pts:
            out.append(data[prev:p])
            prev = p
        out.append(data[prev:])
        return [c for c in out if c]

    return chunk


# -- scripting: EVAL of scripts built from redis.call / redis.pcall of random commands ---------
#
# Every script is deterministic on both servers: no random commands (SPOP, SRANDMEMBER,
# RANDOMKEY), no TIME, no relative expiries, math.random only right after math.randomseed
# (Redis's generator is process-wide), sets of integers only (an intset iterates in order; a
# hashtable set's order depends on the process's hash seed). EVALSHA, SCRIPT LOAD and SCRIPT
# EXISTS name the bodies of a small pool, so that they meet scripts an example loaded; a
# server's cache outlives FLUSHALL, so an example that relies on it not holding a pool body
# starts with SCRIPT FLUSH (the group draws it often).

_LUA_KEYS = ["KEYS[1]", "KEYS[2]", "'k1'", "'k2'", "'{k}3'"]
_LUA_VALS = ["ARGV[1]", "ARGV[2]", "'1'", "'x'", "'-2'", "'1.5'", "''", "7", "3.25"]
_LUA_INTS = ["'1'", "'2'", "'-3'", "'100'"]
_lk = st.sampled_from(_LUA_KEYS)
_lv = st.sampled_from(_LUA_VALS)
_li = st.sampled_from(_LUA_INTS)


def _lua(fmt: str, *parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The arguments of a ``redis.call``: ``fmt`` with the drawn Lua expressions put in."""
    return st.tuples(*parts).map(lambda t: fmt.format(*t))


_LUA_CALLS = st.one_of(
    _lua("'set', {}, {}", _lk, _lv), _lua("'get', {}", _lk), _lua("'incr', {}", _lk),
    _lua("'incrby', {}, {}", _lk, _lv), _lua("'incrbyfloat', {}, {}", _lk, _lv),
    _lua("'append', {}, {}", _lk, _lv), _lua("'del', {}", _lk), _lua("'exists', {}, {}", _lk, _lk),
    _lua("'strlen', {}", _lk), _lua("'type', {}", _lk), _lua("'getrange', {}, 0, -2", _lk),
    _lua("'mget', {}, {}", _lk, _lk), _lua("'mset', {}, {}, {}, {}", _lk, _lv, _lk, _lv),
    _lua("'rpush', {}, {}, {}", _lk, _lv, _lv), _lua("'lpush', {}, {}", _lk, _lv),
    _lua("'lrange', {}, 0, -1", _lk), _lua("'lpop', {}", _lk), _lua("'llen', {}", _lk),
    _lua("'hset', {}, 'f', {}", _lk, _lv), _lua("'hget', {}, 'f'", _lk),
    _lua("'hgetall', {}", _lk), _lua("'hincrby', {}, 'n', {}", _lk, _lv),
    _lua("'hincrbyfloat', {}, 'n', {}", _lk, _lv),
    _lua("'sadd', {}, {}, {}", _lk, _li, _li), _lua("'srem', {}, {}", _lk, _li),
    _lua("'smembers', {}", _lk), _lua("'scard', {}", _lk), _lua("'sismember', {}, {}", _lk, _li),
    _lua("'zadd', {}, {}, 'm'", _lk, _lv), _lua("'zscore', {}, 'm'", _lk),
    _lua("'zincrby', {}, {}, 'n'", _lk, _lv), _lua("'zrange', {}, 0, -1, 'WITHSCORES'", _lk),
    _lua("'pexpireat', {}, '99999999999000'", _lk), _lua("'persist', {}", _lk),
    _lua("'pexpiretime', {}", _lk), _lua("'object', 'encoding', {}", _lk),
    _lua("'select', {}", st.sampled_from(["'0'", "'1'", "'x'"])), _lua("'dbsize'"),
    _lua("'ping'"), _lua("'echo', {}", _lv),
    st.sampled_from(["'nosuch'", "'get'", "'multi'", "'eval', 'return 1', '0'", "'blpop', 'l', 0",
                     "'subscribe', 'c'", "'set', 'k1'", "'get', nil", "'get', {}"]),
)
#: One statement: a call whose result is kept in ``r`` (redis.call raises on an error reply,
#: ending the script with it; redis.pcall returns the error table), or a Lua-side step.
_LUA_STATEMENT = st.one_of(
    st.tuples(st.sampled_from(["redis.call", "redis.pcall", "redis.pcall", "redis.pcall"]),
              _LUA_CALLS)
    .map(lambda t: f"r[#r + 1] = {t[0]}({t[1]})"),
    st.sampled_from([
        "r[#r + 1] = tonumber(redis.call('get', 'k1') or '0') or 'nan'",
        "r[#r + 1] = {pcall(redis.call, 'incr', 'k1')}",
        "r[#r + 1] = cjson.encode(redis.call('hgetall', KEYS[1] or 'k1'))",
        "r[#r + 1] = redis.sha1hex(ARGV[1] or '')",
        "math.randomseed(7); r[#r + 1] = math.random(100)",
        "redis.setresp(3)", "redis.setresp(2)",
        "r[#r + 1] = redis.status_reply('FINE')", "r[#r + 1] = redis.error_reply('MY err')",
        "r[#r + 1] = #KEYS + #ARGV", "r[#r + 1] = 3.99", "r[#r + 1] = true",
        "r[#r + 1] = {double = 1.5}", "r[#r + 1] = {map = {a = 1}}",
        "redis.set_repl(redis.REPL_NONE)", "x = 1", "error('boom')",
    ]),
)
_LUA_RETURN = st.sampled_from([
    "return r", "return r[1]", "return r[#r]", "return #r", "return {err = 'E ' .. #r}",
    "return nil", "return redis.call('get', KEYS[1] or 'k1')",
])
_shebang = st.sampled_from(["", "", "", "#!lua\n", "#!lua flags=no-writes\n", "#!lua flags=x\n"])

script_body = st.tuples(_shebang, st.lists(_LUA_STATEMENT, min_size=1, max_size=4), _LUA_RETURN) \
    .map(lambda t: (t[0] + "local r = {}\n" + "\n".join(t[1]) + "\n" + t[2]).encode())
_script_keys = st.lists(key, max_size=2)
_script_args = st.lists(value, max_size=2)

#: Bodies EVALSHA, SCRIPT LOAD and SCRIPT EXISTS name (with one that never compiles).
SCRIPT_POOL = [
    b"return redis.call('incr', KEYS[1])",
    b"return {KEYS[1], ARGV[1]}",
    b"#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])",
    b"redis.call('set', KEYS[1], ARGV[1]); return redis.call('strlen', KEYS[1])",
    b"return (",
]
#: The first two bodies are drawn most (so that an EVALSHA often meets a body loaded before).
_pool_body = st.one_of(st.sampled_from(SCRIPT_POOL[:2]), st.sampled_from(SCRIPT_POOL))
_pool_sha = _pool_body.map(lambda b: hashlib.sha1(b).hexdigest().encode())
_sha_arg = st.one_of(_pool_sha, _pool_sha, _pool_sha, _pool_sha.map(bytes.upper),
                     st.just(b"0" * 40), st.just(b"x"))


def _run(name: bytes, first: st.SearchStrategy[bytes]) -> st.SearchStrategy[Argv]:
    """``name first numkeys key… arg…`` (now and then a wrong numkeys)."""
    return st.tuples(first, st.lists(key, min_size=1, max_size=2) | _script_keys, _script_args,
                     st.sampled_from([None] * 9 + [b"-1", b"9", b"x"])).map(
        lambda t: [name, t[0], t[3] if t[3] is not None else b"%d" % len(t[1]), *t[1], *t[2]])


COMMANDS.update({
    "eval": _run(b"EVAL", st.one_of(script_body, script_body, _pool_body)),
    "eval_ro": _run(b"EVAL_RO", script_body),
    "evalsha": _run(b"EVALSHA", _sha_arg),
    "evalsha_ro": _run(b"EVALSHA_RO", _sha_arg),
    "script|load": _pool_body.map(lambda b: [b"SCRIPT", b"LOAD", b]),
    "script|exists": st.lists(_sha_arg, min_size=1, max_size=3)
    .map(lambda s: [b"SCRIPT", b"EXISTS", *s]),
    "script|flush": st.sampled_from([[b"SCRIPT", b"FLUSH"], [b"SCRIPT", b"FLUSH", b"SYNC"],
                                     [b"SCRIPT", b"FLUSH", b"x"]]),
})

# Scripts among plain commands on the same keys (the writes a script made read back outside).
GROUPS["scripting"] = ["eval", "eval_ro", "evalsha", "evalsha_ro", "script|load",
                       "script|exists", "script|flush", "get", "hgetall", "lrange", "set",
                       "rpush"]


# -- admin: SORT, CONFIG, COMMAND, MEMORY, OBJECT, SLOWLOG (issue 19) -------------------------
# Only replies that are the same on any two servers: exact CONFIG GET names (a glob's order
# follows Redis's per-process hash seed), no SLOWLOG GET/LEN (durations), no OBJECT IDLETIME,
# and MEMORY USAGE is drawn but not in the group: SORT turns a listpack zset into a skiplist,
# whose node levels come from Redis's random() (seeded per process), so its size differs.

_sort_pattern = st.sampled_from([b"nosort", b"k*", b"{k}*", b"*", b"k*->f", b"{k}*->f",
                                 b"nomatch*", b"#"])
_sort_get = st.sampled_from([b"#", b"k*", b"k*->f", b"{k}*->f", b"nomatch*", b"*"])
_sort_limit = st.sampled_from([[b"LIMIT", b"0", b"2"], [b"LIMIT", b"1", b"-1"],
                               [b"LIMIT", b"-1", b"1"], [b"LIMIT", b"x", b"1"], [b"LIMIT", b"0"]])


def _sort(name: bytes, store: bool) -> st.SearchStrategy[Argv]:
    """SORT / SORT_RO key [BY pattern] [LIMIT o c] [GET pattern ...] [ASC|DESC] [ALPHA]
    [STORE dst], options drawn in any order (Redis reads them in any order)."""
    opts = [st.tuples(st.just(b"BY"), _sort_pattern).map(list), _sort_limit,
            st.tuples(st.just(b"GET"), _sort_get).map(list),
            st.sampled_from([[b"ASC"], [b"DESC"], [b"ALPHA"], [b"ALPHA"], [b"x"]])]
    if store:
        opts.append(st.tuples(st.just(b"STORE"), key).map(list))
    return st.tuples(key, st.lists(st.one_of(opts), max_size=4)).map(
        lambda t: [name, t[0], *[x for o in t[1] for x in o]])


_config_param = st.sampled_from([b"hash-max-listpack-entries", b"set-max-intset-entries",
                                 b"zset-max-listpack-entries", b"list-max-listpack-size",
                                 b"hash-max-listpack-value"])
_config_value = st.sampled_from([b"0", b"1", b"2", b"128", b"-2", b"x", b"-1", b"512"])
_getkeys_of = st.sampled_from([
    [b"SET", b"k1", b"v"], [b"MGET", b"k1", b"k2"], [b"SORT", b"k1", b"STORE", b"k2"],
    [b"SORT", b"k1", b"BY", b"w*", b"GET", b"x*"], [b"EVAL", b"return 1", b"1", b"k1"],
    [b"ZUNIONSTORE", b"d", b"2", b"a", b"b"], [b"PING"], [b"nosuch", b"k"], [b"GET"],
    [b"XREAD", b"STREAMS", b"s1", b"s2", b"0", b"0"], [b"MIGRATE", b"h", b"1", b"", b"0", b"5",
                                                       b"KEYS", b"a", b"b"]])

COMMANDS.update({
    "sort": _sort(b"SORT", True),
    "sort_ro": _sort(b"SORT_RO", False),
    "config|get": st.one_of(_config_param, st.sampled_from([b"maxmemory", b"nosuch",
                                                            b"appendonly"]))
    .map(lambda p: [b"CONFIG", b"GET", p]),
    "config|set": st.tuples(_config_param, _config_value)
    .map(lambda t: [b"CONFIG", b"SET", *t]),
    "command|count": st.just([b"COMMAND", b"COUNT"]),
    "command|getkeys": _getkeys_of.map(lambda a: [b"COMMAND", b"GETKEYS", *a]),
    "command|getkeysandflags": _getkeys_of.map(lambda a: [b"COMMAND", b"GETKEYSANDFLAGS", *a]),
    "memory|usage": st.tuples(key, st.sampled_from([[], [b"SAMPLES", b"0"], [b"SAMPLES", b"2"],
                                                    [b"SAMPLES", b"x"], [b"x"]]))
    .map(lambda t: [b"MEMORY", b"USAGE", t[0], *t[1]]),
    "object|refcount": _cmd(b"OBJECT", st.just(b"REFCOUNT"), key),
    "object|freq": _cmd(b"OBJECT", st.just(b"FREQ"), key),
    "slowlog|reset": st.just([b"SLOWLOG", b"RESET"]),
})
GROUPS["admin"] = ["sort", "sort_ro", "config|get", "config|set", "command|count",
                   "command|getkeys", "command|getkeysandflags", "object|encoding", "object|refcount", "object|freq", "slowlog|reset", "set",
                   "rpush", "sadd", "hset", "zadd", "lrange"]
