"""Differential cases for DUMP and RESTORE (``cluster.c``), Redis 7.0.15.

DUMP's payload is compared byte for byte for every type and encoding whose serialisation does
not depend on Redis's per-process hash seed (a hashtable set or hash lists its members in
dict order: those are checked by RESTORE-ing and reading back instead). RESTORE gets
payloads built here: by ``spec.rdb.dump_payload`` (checked equal to Redis's own by the DUMP
cases), forged ones (bad CRC, too short, a newer version, garbage under a good CRC) and the
older encodings a 7.0.15 server still reads (ziplist lists, hashes and sorted sets, a zipmap
hash, a linked list, a text-score sorted set), each with the encoding Redis converts it to.
EXPIRETIME shows a RESTOREd TTL without depending on the clock. Streams: DUMP of streams
without consumers (no clock in them) byte for byte; a stream payload with PELs and consumers
made by the spec at a fixed clock, RESTOREd into both (so both hold the same times) and read
back with XINFO STREAM FULL and DUMP.
"""

from __future__ import annotations

from redspec.spec import server as S
from redspec.spec.crc64 import crc64_bytes
from redspec.spec.rdb import dump_payload
from redspec.spec.rdbcodec import save_len, save_raw_string
from redspec.spec.types.hash import build as hash_build
from redspec.spec.types.list import ListValue
from redspec.spec.types.set import of as set_of
from redspec.spec.types.zset import build as zset_build

FUTURE_MS = "4102444800000"
PAST_MS = "1000"


def _payload(body: bytes, version: int = 10) -> bytes:
    """A DUMP payload around a type byte + serialisation: version and CRC-64."""
    b = body + version.to_bytes(2, "little")
    return b + crc64_bytes(b)


def _ziplist(entries: list[bytes]) -> bytes:
    """A ziplist of short strings (and 0..12 as 4-bit immediates), as Redis < 7 wrote them."""
    body = b""
    prev = 0
    tail = 10
    for e in entries:
        if e.isdigit() and len(e) <= 2 and int(e) <= 12 and (e == b"0" or e[0] != 48):
            enc = bytes((0xF1 + int(e),))
        else:
            enc = bytes((len(e),)) + e
        entry = bytes((prev,)) + enc
        tail = 10 + len(body)
        body += entry
        prev = len(entry)
    total = 10 + len(body) + 1
    return (total.to_bytes(4, "little") + tail.to_bytes(4, "little")
            + len(entries).to_bytes(2, "little") + body + b"\xff")


def _zipmap(pairs: list[tuple[bytes, bytes]]) -> bytes:
    """A zipmap (Redis 2.x small hash): count, then key length, key, value length, free
    byte, value; 0xFF."""
    body = bytes((len(pairs),))
    for k, v in pairs:
        body += bytes((len(k),)) + k + bytes((len(v), 0)) + v
    return body + b"\xff"


def _s(b: bytes) -> bytes:
    return save_raw_string(b, True)


P_STRING = dump_payload(b"hello world")
P_INT = dump_payload(b"12345")
P_LONG = dump_payload(b"abcd" * 30)
P_LIST = dump_payload(ListValue.of([b"a", b"1", b"b" * 70, b"-300"]))
P_SET_INT = dump_payload(set_of([b"1", b"2", b"70000"], True))
P_HASH = dump_payload(hash_build([(b"f", b"v"), (b"n", b"7")]))
P_HASH_LONG_FIELDS = dump_payload(hash_build([(b"field", b"value"), (b"f2", b"v2")]))
P_HASH_BIG = dump_payload(hash_build([(b"f", b"v" * 100)]))
P_ZSET = dump_payload(zset_build([(b"a", 1.0), (b"b", 2.5), (b"c", -3.0)], 128, 64))
P_ZSET_SKIP = dump_payload(zset_build([(b"a" * 80, 1.5), (b"b", 2.0)], 128, 64))
P_BAD_CRC = P_STRING[:-1] + bytes(((P_STRING[-1] + 1) & 0xFF,))
P_NEWER = _payload(b"\x00" + _s(b"x"), 11)
P_GARBAGE = _payload(b"\x63\x01\x02")
P_TRUNCATED = _payload(b"\x00\x40")
P_OLD_LIST = _payload(b"\x01" + save_len(3) + _s(b"x") + _s(b"2") + _s(b"y"), 6)
P_ZL_LIST = _payload(b"\x0a" + _s(_ziplist([b"a", b"5", b"bcd"])), 8)
P_ZL_HASH = _payload(b"\x0d" + _s(_ziplist([b"f1", b"v1", b"f2", b"3"])), 8)
P_ZL_ZSET = _payload(b"\x0c" + _s(_ziplist([b"m1", b"1", b"m2", b"2.5"])), 8)
P_ZIPMAP = _payload(b"\x09" + _s(_zipmap([(b"k1", b"v1"), (b"k2", b"v2")])), 4)
P_TEXT_ZSET = _payload(b"\x03" + save_len(2) + _s(b"a") + b"\x031.5" + _s(b"b") + b"\xfe", 7)
P_SET_STRINGS_INT = _payload(b"\x02" + save_len(2) + _s(b"1") + _s(b"2"), 6)
P_EMPTY_SET = _payload(b"\x02" + save_len(0))
P_DUP_SET = _payload(b"\x02" + save_len(2) + _s(b"a") + _s(b"a"))
P_EMPTY_LIST = _payload(b"\x12" + save_len(0))

_LIST_BIG = [f"element-{i:05d}" for i in range(2500)]


def _spec_dump(cmds: list[list[bytes]], key: bytes, now_ms: int) -> bytes:
    """DUMP of ``key`` in a spec server after ``cmds`` at a fixed clock: a payload whose
    delivery and seen times are ``now_ms`` (the cases RESTORE it, so both servers hold them)."""
    state = S.new_server(now_ms=now_ms)
    state, cid = S.client_connect(state, now_ms=now_ms)
    for argv in [*cmds, [b"DUMP", key]]:
        state, frame = S.run_command(state, cid, argv, now_ms=now_ms)
    return frame.split(b"\r\n", 1)[1][:-2]


_STREAM_PEL_CMDS = [[b"CONFIG", b"SET", b"stream-node-max-entries", b"2"],
                    *[[b"XADD", b"s", b"%d-1" % i, b"f", b"v%d" % i, b"n", b"%d" % i]
                      for i in range(1, 6)],
                    [b"XDEL", b"s", b"2-1"],
                    [b"XGROUP", b"CREATE", b"s", b"g", b"0"],
                    [b"XGROUP", b"CREATE", b"s", b"h", b"$", b"ENTRIESREAD", b"5"],
                    [b"XREADGROUP", b"GROUP", b"g", b"alice", b"COUNT", b"2", b"STREAMS", b"s",
                     b">"],
                    [b"XREADGROUP", b"GROUP", b"g", b"bob", b"COUNT", b"1", b"STREAMS", b"s",
                     b">"],
                    [b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"carol"]]
#: A stream with tombstones, three nodes, two groups, a PEL over two consumers and an idle
#: consumer, its times 2023-11-14.
P_STREAM = _spec_dump(_STREAM_PEL_CMDS, b"s", 1_700_000_000_000)
P_STREAM_BAD_KEY = _payload(b"\x13" + save_len(1) + _s(b"short") + _s(b"x" * 30)
                            + save_len(0) * 8)


CASES: list[tuple[str, list[list[bytes | str]]]] = [
    # -- DUMP, byte for byte ----------------------------------------------------------------
    ("dump-strings", [["SET", "a", "hello"], ["SET", "b", "12"], ["SET", "c", "-129"],
                      ["SET", "d", "40000"], ["SET", "e", "3000000000"], ["SET", "f", "0012"],
                      ["SET", "g", "x" * 21], ["SET", "h", "ab" * 40], ["SET", "i", ""],
                      ["DUMP", "a"], ["DUMP", "b"], ["DUMP", "c"], ["DUMP", "d"], ["DUMP", "e"],
                      ["DUMP", "f"], ["DUMP", "g"], ["DUMP", "h"], ["DUMP", "i"]]),
    ("dump-string-encodings", [["APPEND", "r", "12"], ["INCRBYFLOAT", "f", "1.5"],
                               ["SETRANGE", "z", "3", "ab"], ["DUMP", "r"], ["DUMP", "f"],
                               ["DUMP", "z"]]),
    ("dump-missing", [["DUMP", "nosuch"], ["SET", "k", "v"], ["DEL", "k"], ["DUMP", "k"]]),
    ("dump-wrong-arity", [["DUMP"], ["DUMP", "a", "b"]]),
    ("dump-compression-off", [["SET", "g", "abcabc" * 10], ["DUMP", "g"],
                              ["CONFIG", "SET", "rdbcompression", "no"], ["DUMP", "g"]]),
    ("dump-incompressible", [["SET", "g", "abcdefghijklmnopqrstuvwxyz0123456789"], ["DUMP", "g"]]),
    ("dump-list-small", [["RPUSH", "l", "a", "1", "-1", "4095", "-4096", "32767", "8388607",
                          "2147483647", "9223372036854775807", "x" * 100], ["DUMP", "l"]]),
    ("dump-list-nodes", [["RPUSH", "l", *_LIST_BIG], ["DUMP", "l"]]),
    ("dump-list-fill", [["CONFIG", "SET", "list-max-listpack-size", "5"],
                        ["RPUSH", "l", *_LIST_BIG[:23]], ["DUMP", "l"]]),
    ("dump-intset", [["SADD", "s", "5", "-3", "100000", "7"], ["DUMP", "s"],
                     ["SADD", "t", "1", "5000000000"], ["DUMP", "t"]]),
    ("dump-hash-listpack", [["HSET", "h", "f1", "v1", "f2", "123", "f3", "y" * 60],
                            ["DUMP", "h"]]),
    ("dump-hash-hashtable-one", [["HSET", "h", "f", "v" * 70], ["DUMP", "h"]]),
    ("dump-zset-listpack", [["ZADD", "z", "1", "a", "2.5", "b", "-7", "c", "1e30", "d",
                             "inf", "e", "-inf", "f", "0.1", "g"], ["DUMP", "z"]]),
    ("dump-zset-skiplist", [["ZADD", "z", "1", "a" * 70, "2", "b", "3.5", "c", "-1", "d"],
                            ["DUMP", "z"]]),
    ("dump-hll", [["PFADD", "p", "a", "b", "c"], ["DUMP", "p"]]),
    # -- RESTORE ------------------------------------------------------------------------------
    ("restore-each-type", [["RESTORE", "s", "0", P_STRING], ["GET", "s"],
                           ["RESTORE", "i", "0", P_INT], ["OBJECT", "ENCODING", "i"],
                           ["RESTORE", "lg", "0", P_LONG], ["GET", "lg"],
                           ["RESTORE", "l", "0", P_LIST], ["LRANGE", "l", "0", "-1"],
                           ["RESTORE", "st", "0", P_SET_INT], ["SMEMBERS", "st"],
                           ["OBJECT", "ENCODING", "st"],
                           ["RESTORE", "h", "0", P_HASH], ["HGETALL", "h"],
                           ["RESTORE", "hb", "0", P_HASH_BIG], ["OBJECT", "ENCODING", "hb"],
                           ["HGETALL", "hb"],
                           ["RESTORE", "z", "0", P_ZSET], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
                           ["RESTORE", "zs", "0", P_ZSET_SKIP], ["OBJECT", "ENCODING", "zs"],
                           ["ZRANGE", "zs", "0", "-1", "WITHSCORES"],
                           ["DUMP", "l"], ["DUMP", "z"], ["DUMP", "zs"], ["DUMP", "h"]]),
    ("restore-busykey", [["SET", "k", "old"], ["RESTORE", "k", "0", P_STRING], ["GET", "k"],
                         ["RESTORE", "k", "0", P_STRING, "REPLACE"], ["GET", "k"]]),
    ("restore-busykey-before-ttl-error", [["SET", "k", "old"], ["RESTORE", "k", "x", P_STRING],
                                          ["RESTORE", "k", "-1", P_STRING, "REPLACE"]]),
    ("restore-ttl", [["RESTORE", "k", "100000000", P_STRING], ["TTL", "k"],
                     ["RESTORE", "a", FUTURE_MS, P_STRING, "ABSTTL"], ["EXPIRETIME", "a"],
                     ["PEXPIRETIME", "a"]]),
    ("restore-ttl-past", [["RESTORE", "k", PAST_MS, P_STRING, "ABSTTL"], ["EXISTS", "k"],
                          ["SET", "k", "x"], ["RESTORE", "k", PAST_MS, P_STRING, "ABSTTL",
                                              "REPLACE"], ["EXISTS", "k"]]),
    ("restore-bad-payloads", [["RESTORE", "k", "0", P_BAD_CRC], ["RESTORE", "k", "0", "short"],
                              ["RESTORE", "k", "0", ""], ["RESTORE", "k", "0", P_NEWER],
                              ["RESTORE", "k", "0", P_GARBAGE], ["RESTORE", "k", "0", P_TRUNCATED],
                              ["RESTORE", "k", "0", P_EMPTY_SET], ["RESTORE", "k", "0", P_DUP_SET],
                              ["RESTORE", "k", "0", P_EMPTY_LIST], ["EXISTS", "k"]]),
    ("restore-bad-payload-keeps-old", [["SET", "k", "old"],
                                       ["RESTORE", "k", "0", P_BAD_CRC, "REPLACE"],
                                       ["RESTORE", "k", "0", P_GARBAGE, "REPLACE"], ["GET", "k"]]),
    ("restore-option-errors", [["RESTORE", "k", "-1", P_STRING], ["RESTORE", "k", "1.5", P_STRING],
                               ["RESTORE", "k", "0", P_STRING, "IDLETIME", "-1"],
                               ["RESTORE", "k", "0", P_STRING, "IDLETIME", "x"],
                               ["RESTORE", "k", "0", P_STRING, "FREQ", "256"],
                               ["RESTORE", "k", "0", P_STRING, "FREQ", "-1"],
                               ["RESTORE", "k", "0", P_STRING, "FREQ", "1", "IDLETIME", "1"],
                               ["RESTORE", "k", "0", P_STRING, "IDLETIME", "1", "FREQ", "1"],
                               ["RESTORE", "k", "0", P_STRING, "IDLETIME"],
                               ["RESTORE", "k", "0", P_STRING, "NOPE"], ["RESTORE", "k", "0"],
                               ["EXISTS", "k"]]),
    # OBJECT IDLETIME after it would race with the LRU clock's second (1000 or 1001 on either
    # server): tests/test_rdb.py checks the exact value in the spec
    ("restore-idletime", [["RESTORE", "k", "0", P_STRING, "IDLETIME", "1000"],
                          ["EXISTS", "k"]]),
    # lfu-decay-time 0: no decay, so a minute boundary between the steps changes nothing
    ("restore-freq-lfu", [["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
                          ["CONFIG", "SET", "lfu-decay-time", "0"],
                          ["RESTORE", "k", "0", P_STRING, "FREQ", "100"], ["OBJECT", "FREQ", "k"],
                          ["RESTORE", "j", "0", P_STRING], ["OBJECT", "FREQ", "j"]]),
    ("restore-converts-by-limits", [["CONFIG", "SET", "hash-max-listpack-entries", "1"],
                                    ["CONFIG", "SET", "zset-max-listpack-entries", "2"],
                                    ["CONFIG", "SET", "set-max-intset-entries", "2"],
                                    ["RESTORE", "h", "0", P_HASH], ["OBJECT", "ENCODING", "h"],
                                    ["RESTORE", "z", "0", P_ZSET], ["OBJECT", "ENCODING", "z"],
                                    ["RESTORE", "s", "0", P_SET_INT], ["OBJECT", "ENCODING", "s"],
                                    ["SMEMBERS", "s"]]),
    ("restore-listpack-value-limits", [["CONFIG", "SET", "hash-max-listpack-value", "1"],
                                       ["CONFIG", "SET", "zset-max-listpack-value", "0"],
                                       ["RESTORE", "h", "0", P_HASH_LONG_FIELDS],
                                       ["OBJECT", "ENCODING", "h"],
                                       ["RESTORE", "z", "0", P_ZSET], ["OBJECT", "ENCODING", "z"],
                                       ["RESTORE", "zh", "0", P_ZL_HASH],
                                       ["OBJECT", "ENCODING", "zh"],
                                       ["RESTORE", "zz", "0", P_ZL_ZSET],
                                       ["OBJECT", "ENCODING", "zz"],
                                       ["RESTORE", "zm", "0", P_ZIPMAP],
                                       ["OBJECT", "ENCODING", "zm"],
                                       ["RESTORE", "hh", "0", P_HASH_BIG],
                                       ["OBJECT", "ENCODING", "hh"]]),
    ("restore-old-encodings", [["RESTORE", "l", "0", P_OLD_LIST], ["LRANGE", "l", "0", "-1"],
                               ["OBJECT", "ENCODING", "l"], ["DUMP", "l"],
                               ["RESTORE", "zl", "0", P_ZL_LIST], ["LRANGE", "zl", "0", "-1"],
                               ["DUMP", "zl"],
                               ["RESTORE", "zh", "0", P_ZL_HASH], ["HGETALL", "zh"],
                               ["OBJECT", "ENCODING", "zh"], ["DUMP", "zh"],
                               ["RESTORE", "zz", "0", P_ZL_ZSET],
                               ["ZRANGE", "zz", "0", "-1", "WITHSCORES"], ["DUMP", "zz"],
                               ["RESTORE", "zm", "0", P_ZIPMAP], ["HGETALL", "zm"], ["DUMP", "zm"],
                               ["RESTORE", "tz", "0", P_TEXT_ZSET],
                               ["ZRANGE", "tz", "0", "-1", "WITHSCORES"], ["DUMP", "tz"],
                               ["RESTORE", "si", "0", P_SET_STRINGS_INT],
                               ["OBJECT", "ENCODING", "si"], ["DUMP", "si"]]),
]

CASES += [
    # -- streams ------------------------------------------------------------------------------
    ("dump-stream", [["CONFIG", "SET", "stream-node-max-entries", "3"],
                     *[["XADD", "s", f"{i}-{i % 3}", "f", f"{i * 1000}", "g", "x" * (i * 9)]
                       for i in range(1, 9)],
                     ["XADD", "s", "18446744073709551615-0", "other", "fields"],
                     ["XDEL", "s", "2-2"], ["XDEL", "s", "7-1"], ["XTRIM", "s", "MAXLEN", "7"],
                     ["XGROUP", "CREATE", "s", "g", "0"],
                     ["XGROUP", "CREATE", "s", "a", "$", "ENTRIESREAD", "4"],
                     ["DUMP", "s"], ["CONFIG", "SET", "rdbcompression", "no"], ["DUMP", "s"],
                     ["XGROUP", "CREATE", "e", "g", "$", "MKSTREAM"], ["DUMP", "e"]]),
    ("restore-stream", [["RESTORE", "s", "0", P_STREAM], ["XINFO", "STREAM", "s", "FULL"],
                        ["XPENDING", "s", "g"], ["XLEN", "s"],
                        ["OBJECT", "ENCODING", "s"], ["DUMP", "s"],
                        ["XADD", "s", "9-0", "f", "new"], ["XINFO", "STREAM", "s"],
                        ["XINFO", "GROUPS", "s"]]),
    ("restore-stream-bad", [["RESTORE", "s", "0", P_STREAM_BAD_KEY], ["EXISTS", "s"],
                            ["RESTORE", "s", "0", P_STREAM[:40] + P_STREAM[41:]]]),
]

NONDETERMINISTIC = {"restore-converts-by-limits": {9: "sort"}}
