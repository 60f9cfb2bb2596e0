"""The RDB codec (``spec.rdbcodec``, ``spec.rdb``), whole files (``spec.persist``), DEBUG
DIGEST / RELOAD, and what RESTORE refuses. Facts checked against Redis 7.0.15 by the
differential cases (cases_dump.py) and tests/test_rdb_interop.py; these pin the pieces."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.driver import Session
from redspec.spec import persist, rdb
from redspec.spec import server as S
from redspec.spec.crc64 import crc64_bytes
from redspec.spec.rdb import KeyRecord, Limits, decode_file, encode_file
from redspec.spec.rdbcodec import (
    RdbCorrupt,
    Reader,
    intset_decode,
    intset_encode,
    listpack_decode,
    listpack_encode,
    save_len,
    save_raw_string,
    ziplist_decode,
)
from redspec.spec.types.list import ListValue

NOW = 1_700_000_000_000


# -- lengths and strings --------------------------------------------------------------------------


@pytest.mark.parametrize("n,enc", [(0, b"\x00"), (63, b"\x3f"), (64, b"\x40\x40"),
                                   (16383, b"\x7f\xff"), (16384, b"\x80\x00\x00\x40\x00"),
                                   (1 << 32, b"\x81" + (1 << 32).to_bytes(8, "big"))])
def test_save_len(n: int, enc: bytes) -> None:
    assert save_len(n) == enc
    assert Reader(enc).load_len() == n


@pytest.mark.parametrize("s,enc", [
    (b"0", b"\xc0\x00"), (b"-128", b"\xc0\x80"), (b"127", b"\xc0\x7f"), (b"128", b"\xc1\x80\x00"),
    (b"-2147483648", b"\xc2\x00\x00\x00\x80"), (b"2147483648", b"\x0a2147483648"),
    (b"0012", b"\x040012"), (b"+1", b"\x02+1"), (b"-0", b"\x02-0"),
    (b"12345678901", b"\x0b12345678901"),
])
def test_save_raw_string_integers(s: bytes, enc: bytes) -> None:
    assert save_raw_string(s, True) == enc
    assert Reader(enc).load_string() == s


def test_short_strings_are_never_compressed() -> None:
    assert save_raw_string(b"a" * 20, True) == b"\x14" + b"a" * 20
    assert save_raw_string(b"a" * 21, True)[0] == 0xC3
    assert save_raw_string(b"a" * 21, False) == b"\x15" + b"a" * 21


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_strings_round_trip(s: bytes, compress: bool) -> None:
    assert Reader(save_raw_string(s, compress)).load_string() == s


def test_truncated_string_is_a_short_read() -> None:
    with pytest.raises(RdbCorrupt, match="Short read"):
        Reader(b"\x05abc").load_string()


# -- blobs ----------------------------------------------------------------------------------------

_entries = st.lists(st.one_of(st.binary(max_size=80),
                              st.integers(-(1 << 63), (1 << 63) - 1).map(lambda i: b"%d" % i),
                              st.binary(min_size=4000, max_size=5000)), max_size=20)


@settings(max_examples=100, deadline=None)
@given(_entries)
def test_listpack_round_trip(entries: list[bytes]) -> None:
    assert listpack_decode(listpack_encode(entries)) == entries


def test_listpack_known_bytes() -> None:
    # an empty listpack, a 7-bit uint, a 13-bit int, a 6-bit string (Redis's layout)
    assert listpack_encode([]) == b"\x07\x00\x00\x00\x00\x00\xff"
    assert listpack_encode([b"5", b"-1", b"ab"]) == (
        b"\x10\x00\x00\x00\x03\x00" b"\x05\x01" b"\xdf\xff\x02" b"\x82ab\x03" b"\xff")


def test_listpack_corruption_refused() -> None:
    good = listpack_encode([b"a", b"b"])
    for bad in (good[:-1], good[:4] + b"\x05\x00" + good[6:], good[:6] + b"\xf5" + good[7:]):
        with pytest.raises(RdbCorrupt):
            listpack_decode(bad)


@pytest.mark.parametrize("values,width", [([1, -5], 2), ([1, 40000], 4), ([1, -(1 << 40)], 8)])
def test_intset_width(values: list[int], width: int) -> None:
    blob = intset_encode(values)
    assert int.from_bytes(blob[:4], "little") == width
    assert intset_decode(blob) == sorted(values)


def test_intset_unsorted_refused() -> None:
    blob = b"\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x01\x00"
    with pytest.raises(RdbCorrupt):
        intset_decode(blob)


def test_ziplist_decode_every_integer_encoding() -> None:
    entries = [b"\xc0" + (300).to_bytes(2, "little", signed=True),
               b"\xd0" + (-70000).to_bytes(4, "little", signed=True),
               b"\xe0" + (1 << 40).to_bytes(8, "little", signed=True),
               b"\xf0" + (100000).to_bytes(3, "little", signed=True),
               b"\xfe\x80", b"\xf1", b"\xfd", b"\x03abc"]
    body, prev = b"", 0
    for e in entries:
        body += bytes((prev,)) + e
        prev = 1 + len(e)
    blob = (10 + len(body) + 1).to_bytes(4, "little") + b"\x00" * 4 + b"\x08\x00" + body + b"\xff"
    assert ziplist_decode(blob) == [b"300", b"-70000", b"%d" % (1 << 40), b"100000", b"-128",
                                    b"0", b"12", b"abc"]


# -- quicklist nodes ------------------------------------------------------------------------------


def test_quicklist_nodes_follow_fill() -> None:
    assert [len(n[1]) for n in rdb.quicklist_nodes([b"x"] * 10, 4)] == [4, 4, 2]
    sizes = [len(n[1]) for n in rdb.quicklist_nodes([b"v" * 100] * 200, -2)]
    assert sum(sizes) == 200 and len(sizes) > 1 and all(s <= 80 for s in sizes)


# -- files ----------------------------------------------------------------------------------------


def _file(records: list[KeyRecord], dbid: int = 0, checksum: bool = True) -> bytes:
    return encode_file([(b"redis-ver", b"7.0.15")], [(dbid, records)], checksum=checksum)


def test_file_round_trip_and_header() -> None:
    data = _file([KeyRecord(b"k", b"v", NOW + 5, 3, None)])
    assert data.startswith(b"REDIS0010\xfa")
    f = decode_file(data, Limits())
    assert f.aux == ((b"redis-ver", b"7.0.15"),)
    assert f.dbs == ((0, (KeyRecord(b"k", b"v", NOW + 5, 3, None),)),)


@pytest.mark.parametrize("data,msg", [
    (b"RADIS0010\xff" + bytes(8), "Wrong signature"),
    (b"REDIS0011\xff" + bytes(8), "Can't handle RDB format version 11"),
    (b"REDIS0010\xfe\x10\xff" + bytes(8), "more than 16 databases"),
    (b"REDIS0010\x00\x01k", "Short read"),
    (b"REDIS0010\x63\x01k\xff" + bytes(8), "Unknown RDB encoding type 99"),
    (b"REDIS0010\x00\x01k\x01v\x00\x01k\x01w\xff" + bytes(8), "duplicated key 'k' in DB 0"),
])
def test_file_errors(data: bytes, msg: str) -> None:
    with pytest.raises(RdbCorrupt, match=msg):
        decode_file(data, Limits())


def test_file_checksum() -> None:
    data = _file([KeyRecord(b"k", b"v")])
    bad = data[:-1] + bytes(((data[-1] + 1) & 0xFF,))
    with pytest.raises(RdbCorrupt, match="Wrong RDB checksum"):
        decode_file(bad, Limits())
    # rdbchecksum no: eight zero bytes, which the loader does not check
    assert _file([KeyRecord(b"k", b"v")], checksum=False).endswith(bytes(8))
    decode_file(_file([KeyRecord(b"k", b"v")], checksum=False), Limits())


def test_old_file_versions() -> None:
    # version 4: no checksum; EXPIRETIME in seconds; a linked list; a zipmap-era layout
    body = (b"REDIS0004\xfe\x00\xfd" + (2_000_000_000).to_bytes(4, "little")
            + b"\x01\x01l" + save_len(2) + b"\x01a\x01b" + b"\xff")
    f = decode_file(body, Limits())
    assert f.dbs == ((0, (KeyRecord(b"l", ListValue.of([b"a", b"b"]), 2_000_000_000_000),)),)


def test_empty_key_skipped_in_a_file_but_not_restored() -> None:
    body = b"REDIS0010\x02\x01e\x00\x00\x01k\x01v\xff"
    data = body + crc64_bytes(body)
    assert [r.key for r in decode_file(data, Limits()).dbs[0][1]] == [b"k"]


def test_functions_and_streams_refused() -> None:
    body = b"REDIS0010\xf5" + save_raw_string(b"#!lua name=x\n", True) + b"\xff"
    f = decode_file(body + crc64_bytes(body), Limits())
    assert f.functions == (b"#!lua name=x\n",)
    state = S.new_server(NOW)
    with pytest.raises(rdb.RdbUnsupported, match="other than the loaded ones"):
        persist.load_state(state, body + crc64_bytes(body), NOW)
    s = Session(NOW)
    stream = b"\x13\x00" + (10).to_bytes(2, "little")
    stream += crc64_bytes(stream)
    # streams are read now (tests/test_rdb_streams.py): this one is cut short
    assert s(b"RESTORE", b"k", b"0", stream) == b"-ERR Bad data format\r\n"
    module = b"\x07" + save_len(12345 << 10) + (10).to_bytes(2, "little")
    assert s(b"RESTORE", b"k", b"0", module + crc64_bytes(module)) == b"-ERR Bad data format\r\n"


def test_loading_drops_expired_keys_and_keeps_ttls() -> None:
    data = _file([KeyRecord(b"gone", b"1", NOW - 1), KeyRecord(b"kept", b"2", NOW + 1000),
                  KeyRecord(b"plain", b"3")])
    st = persist.load_state(S.new_server(NOW), data, NOW)
    assert set(st.dbs[0].keys) == {b"kept", b"plain"}
    assert dict(st.dbs[0].expires) == {b"kept": NOW + 1000}


# -- DEBUG DIGEST / RELOAD, DUMP ------------------------------------------------------------------


def _debug_session() -> Session:
    return Session(NOW, **{"enable-debug-command": "yes"})


def test_digest_of_empty_dataset_is_zeros() -> None:
    assert _debug_session()(b"DEBUG", b"DIGEST") == b"+" + b"0" * 40 + b"\r\n"


def test_digest_ignores_encoding_but_sees_ttl() -> None:
    a, b = _debug_session(), _debug_session()
    b(b"CONFIG", b"SET", b"set-max-intset-entries", b"1")
    for s in (a, b):
        s(b"SADD", b"s", b"1", b"2", b"3")
    assert a(b"OBJECT", b"ENCODING", b"s") != b(b"OBJECT", b"ENCODING", b"s")
    assert a(b"DEBUG", b"DIGEST") == b(b"DEBUG", b"DIGEST")
    b(b"EXPIRE", b"s", b"100")
    assert a(b"DEBUG", b"DIGEST") != b(b"DEBUG", b"DIGEST")


def test_debug_reload() -> None:
    s = _debug_session()
    s(b"SETRANGE", b"r", b"0", b"abc")
    s(b"SET", b"t", b"v", b"PX", b"50")
    s(b"RPUSH", b"l", b"a", b"b")
    digest = s(b"DEBUG", b"DIGEST")
    assert s(b"OBJECT", b"ENCODING", b"r") == b"$3\r\nraw\r\n"
    assert s(b"DEBUG", b"RELOAD") == b"+OK\r\n"
    assert s(b"OBJECT", b"ENCODING", b"r") == b"$6\r\nembstr\r\n"
    assert s(b"DEBUG", b"DIGEST") == digest
    assert s(b"DEBUG", b"RELOAD", b"NOSAVE").startswith(b"-ERR DEBUG RELOAD options")
    s.now += 100
    assert s(b"DEBUG", b"RELOAD") == b"+OK\r\n"
    assert s(b"EXISTS", b"t") == b":0\r\n"


def test_restore_relative_ttl_counts_from_now() -> None:
    s = Session(NOW)
    s(b"SET", b"k", b"v")
    payload = s(b"DUMP", b"k").split(b"\r\n", 1)[1][:-2]
    assert s(b"RESTORE", b"j", b"100", payload) == b"+OK\r\n"
    assert s(b"PEXPIRETIME", b"j") == b":%d\r\n" % (NOW + 100)


def test_debug_object_fields() -> None:
    s = _debug_session()
    s(b"RPUSH", b"l", b"a", b"b", b"c")
    s(b"SET", b"k", b"hello")
    line = s(b"DEBUG", b"OBJECT", b"l").decode()
    assert line.startswith("+Value at:0x7f")
    clock = (NOW // 1000) & 0xFFFFFF
    assert line.split(" ", 2)[2] == (
        f"refcount:1 encoding:quicklist serializedlength:19 lru:{clock} lru_seconds_idle:0 "
        "ql_nodes:1 ql_avg_node:3.00 ql_listpack_max:-2 ql_compressed:0 "
        "ql_uncompressed_size:16\r\n")
    assert b" encoding:embstr serializedlength:6 " in s(b"DEBUG", b"OBJECT", b"k")
    assert s(b"DEBUG", b"OBJECT", b"nokey") == b"-ERR no such key\r\n"


# -- LZF: outputs of the system liblzf 3.6 (measured with ctypes; the interop test compares
# generated inputs live) -----------------------------------------------------------------------

_LZF_INPUTS = {
    "abc-run": b"abc" * 200,
    "counter": b"".join(b"element-%05d," % i for i in range(300)),
    "text": b"the quick brown fox jumps over the lazy dog; " * 20 + b"THE END",
    "bytes": bytes(range(256)) * 3,
    "aaaa": b"a" * 5000,
    "mixed": b"".join(bytes(((i * 37) % 11 + 97,)) for i in range(2000)),
    "random": bytes(range(256)),
}
_LZF_OUT = {  # name -> (length, CRC-64 of liblzf's output)
    "abc-run": (17, 0x2B747F5CF2C70A45), "counter": (1512, 0x13003F9F4A229486),
    "text": (67, 0x4ECC00E5BE505251), "bytes": (275, 0x9806942C7FC7B581),
    "aaaa": (63, 0x571B9216035ACA24), "mixed": (40, 0xE9737A88EA627B71),
}


@pytest.mark.parametrize("name", sorted(_LZF_INPUTS))
def test_lzf_matches_liblzf_vectors(name: str) -> None:
    from redspec.spec import lzf
    from redspec.spec.crc64 import crc64

    data = _LZF_INPUTS[name]
    out = lzf.compress(data, len(data) - 4)
    if name not in _LZF_OUT:
        assert out is None  # incompressible within len - 4
        return
    assert out is not None and (len(out), crc64(out)) == _LZF_OUT[name]
    assert lzf.decompress(out, len(data)) == data
    n = _LZF_OUT[name][0]
    # liblzf's output-limit checks are conservative: exactly n bytes of room is not enough
    # when the last step is a back reference (mixed), enough when it is a literal run
    assert lzf.compress(data, n + 8) == out
    if name == "mixed":
        assert lzf.compress(data, n) is None


# -- every type and encoding round-trips; the old encodings load as 7.0.15 loads them -----------


def _value(cmds: list[list[bytes]], **config: object) -> object:
    s = Session(NOW, **config)
    for argv in cmds:
        s(*argv)
    return s.state.dbs[0].keys[b"k"]


_LIMITS = {"hash-max-listpack-entries": 4, "zset-max-listpack-entries": 4,
           "set-max-intset-entries": 4, "list-max-listpack-size": 3}


@pytest.mark.parametrize("cmds,encoding", [
    ([[b"SET", b"k", b"12"]], "int"), ([[b"SET", b"k", b"x" * 60]], "raw"),
    ([[b"RPUSH", b"k", *[b"%d" % i for i in range(10)]]], "quicklist"),
    ([[b"SADD", b"k", b"1", b"2"]], "intset"),
    ([[b"SADD", b"k", *[b"%d" % i for i in range(6)]]], "hashtable"),
    ([[b"SADD", b"k", b"a", b"b"]], "hashtable"),
    ([[b"HSET", b"k", b"f", b"v"]], "listpack"),
    ([[b"HSET", b"k", *[b"f%d" % (i // 2) if i % 2 == 0 else b"v" for i in range(12)]]],
     "hashtable"),
    ([[b"ZADD", b"k", b"1", b"a", b"2", b"b"]], "listpack"),
    ([[b"ZADD", b"k", *[x for i in range(6) for x in (b"%d.5" % i, b"m%d" % i)]]], "skiplist"),
])
def test_every_encoding_round_trips(cmds: list[list[bytes]], encoding: str) -> None:
    from redspec.spec.values import encoding_of

    v = _value(cmds, **_LIMITS)
    assert encoding_of(v) == encoding
    limits = Limits.of(_LIMITS)
    got = rdb.restore_payload(rdb.dump_payload(v, 3), limits)
    assert got == v and encoding_of(got) == encoding


def test_old_encodings_load_as_redis_does() -> None:
    from redspec.spec.values import encoding_of
    from tests.differential import cases_dump as C

    def load(p: bytes, limits: Limits | None = None) -> Any:
        assert rdb.verify_payload(p)
        return rdb.restore_payload(p, limits or Limits())

    assert load(C.P_OLD_LIST) == ListValue.of([b"x", b"2", b"y"])
    assert load(C.P_ZL_LIST) == ListValue.of([b"a", b"5", b"bcd"])
    h = load(C.P_ZL_HASH)
    assert encoding_of(h) == "listpack" and h.items() == [(b"f1", b"v1"), (b"f2", b"3")]
    z = load(C.P_ZL_ZSET)
    assert encoding_of(z) == "listpack" and z.items() == [(b"m1", 1.0), (b"m2", 2.5)]
    zm = load(C.P_ZIPMAP)
    assert encoding_of(zm) == "listpack" and zm.items() == [(b"k1", b"v1"), (b"k2", b"v2")]
    assert encoding_of(load(C.P_ZIPMAP, Limits(hash_value=1))) == "hashtable"
    assert encoding_of(load(C.P_ZL_HASH, Limits(hash_value=1))) == "listpack"  # count only
    assert encoding_of(load(C.P_ZL_HASH, Limits(hash_entries=1))) == "hashtable"
    tz = load(C.P_TEXT_ZSET)
    assert tz.items() == [(b"a", 1.5), (b"b", float("inf"))]
    si = load(C.P_SET_STRINGS_INT)
    assert encoding_of(si) == "intset"
    assert encoding_of(load(C.P_SET_STRINGS_INT, Limits(set_intset=1))) == "hashtable"
    assert encoding_of(load(C.P_HASH, Limits(hash_entries=1))) == "hashtable"
    assert encoding_of(load(C.P_ZSET, Limits(zset_entries=2))) == "skiplist"
    for bad in (C.P_GARBAGE, C.P_TRUNCATED, C.P_EMPTY_SET, C.P_DUP_SET, C.P_EMPTY_LIST):
        with pytest.raises(RdbCorrupt):
            rdb.restore_payload(bad, Limits())
    for bad in (C.P_BAD_CRC, C.P_NEWER, b"short"):
        assert not rdb.verify_payload(bad)


def test_file_exact_bytes() -> None:
    body = (b"REDIS0010" b"\xfa\x09redis-ver\x067.0.15" b"\xfe\x00\xfb\x02\x01"
            b"\x00\x01a\x01v" b"\xfc" + (NOW + 1).to_bytes(8, "little") + b"\xf8\x05\x00\x01b\xc0\x07"
            b"\xff")
    data = encode_file([(b"redis-ver", b"7.0.15")],
                       [(0, [KeyRecord(b"a", b"v"), KeyRecord(b"b", b"7", NOW + 1, 5)])])
    assert data == body + crc64_bytes(body)


def test_version_1_file_loads() -> None:
    f = decode_file(b"REDIS0001\x00\x01k\x01v\xff", Limits())
    assert f.version == 1 and f.dbs[0][1][0].value == b"v"


def test_load_counts_in_info() -> None:
    s = _debug_session()
    s(b"SET", b"a", b"1")
    s(b"SET", b"c", b"1", b"PX", b"100")
    s.now += 200  # c is logically expired, still stored: saved, then left out by the load
    assert s(b"DEBUG", b"RELOAD") == b"+OK\r\n"
    info = s(b"INFO", b"persistence")
    assert b"rdb_last_load_keys_expired:1\r\n" in info
    assert b"rdb_last_load_keys_loaded:1\r\n" in info


# -- DEBUG DIGEST vectors measured on Redis 7.0.15 (the interop tests compare live) -------------

_DIGEST_CMDS = [[b"SET", b"s", b"hello"], [b"SET", b"n", b"12345"],
                [b"RPUSH", b"l", b"a", b"b", b"1", b"2"], [b"SADD", b"si", b"1", b"2", b"3"],
                [b"SADD", b"ss", b"a", b"b", b"c"], [b"HSET", b"h", b"f1", b"v1", b"f2", b"2"],
                [b"ZADD", b"z", b"1", b"a", b"2.5", b"b", b"-inf", b"c"], [b"SET", b"e", b"x"],
                [b"PEXPIREAT", b"e", b"4102444800000"], [b"SELECT", b"2"],
                [b"SET", b"other", b"db2"], [b"SELECT", b"0"]]
_DIGEST_VALUES = {
    b"s": "36b23a1456b2dce2c3ed252c456761301dba8060",
    b"n": "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83",
    b"l": "6b15aa298e0e4d1f6244448df32b23e74a4147ce",
    b"si": "2a462a3f51a1db89738ebbeef0c47ce1bbc85246",
    b"ss": "593c2414786d75446e97f4ea5d4b731f3313da72",
    b"h": "fc076e867f7dbf566ea58172a151d82d78b8f845",
    b"z": "f2ad7cda97b68291b8199d655f83d19f6e41e93c",
    b"e": "0745672cb1bf060476eedeb8a28f5ffe1ff5a2be",
    b"nokey": "0" * 40,
}


@pytest.mark.parametrize("config", [{}, {"set-max-intset-entries": 1,
                                         "hash-max-listpack-entries": 1,
                                         "zset-max-listpack-entries": 1}])
def test_digest_vectors(config: dict[str, int]) -> None:
    s = Session(NOW, **{"enable-debug-command": "yes"}, **config)
    for argv in _DIGEST_CMDS:
        s(*argv)
    assert s(b"DEBUG", b"DIGEST") == b"+8bf3518568929dc19a2497549000510bfabcd2c2\r\n"
    keys = list(_DIGEST_VALUES)
    want = b"*%d\r\n" % len(keys) + b"".join(b"+%s\r\n" % _DIGEST_VALUES[k].encode()
                                             for k in keys)
    assert s(b"DEBUG", b"DIGEST-VALUE", *keys) == want


@pytest.mark.parametrize("argv,reply", [
    ([b"0", b"P", b"IDLETIME", b"x"], b"-ERR value is not an integer or out of range\r\n"),
    ([b"0", b"P", b"FREQ", b"x"], b"-ERR value is not an integer or out of range\r\n"),
    ([b"0", b"P", b"IDLETIME", b"-1"], b"-ERR Invalid IDLETIME value, must be >= 0\r\n"),
    ([b"0", b"P", b"FREQ", b"256"], b"-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n"),
    ([b"0", b"P", b"FREQ", b"1", b"IDLETIME", b"1"], b"-ERR syntax error\r\n"),
    ([b"x", b"P"], b"-ERR value is not an integer or out of range\r\n"),
    ([b"-1", b"P"], b"-ERR Invalid TTL value, must be >= 0\r\n"),
    ([b"0", b"P"], b"-ERR DUMP payload version or checksum are wrong\r\n"),
])
def test_restore_errors(argv: list[bytes], reply: bytes) -> None:
    s = Session(NOW)
    assert s(b"RESTORE", b"k", *argv) == reply
    assert s(b"EXISTS", b"k") == b":0\r\n"


def test_restore_busykey_and_replace() -> None:
    s = Session(NOW)
    s(b"SET", b"k", b"old")
    p = rdb.dump_payload(b"new")
    assert s(b"RESTORE", b"k", b"0", p) == b"-BUSYKEY Target key name already exists.\r\n"
    assert s(b"RESTORE", b"k", b"0", p, b"REPLACE") == b"+OK\r\n"
    assert s(b"GET", b"k") == b"$3\r\nnew\r\n"
    assert s(b"DUMP", b"k") == b"$%d\r\n" % len(p) + p + b"\r\n"
    assert s(b"DUMP", b"nokey") == b"$-1\r\n"
    assert s(b"RESTORE", b"k", b"1000", p, b"ABSTTL", b"REPLACE") == b"+OK\r\n"
    assert s(b"EXISTS", b"k") == b":0\r\n"  # already expired: only the delete happened


def test_two_saves_in_one_transition_each_get_an_answer() -> None:
    """The world's answers are consumed in order, so a pipeline of SAVEs terminates: each
    rerun of the transition finds one more answer."""
    st = S.new_server(NOW)
    st, cid = S.client_connect(st, now_ms=NOW)
    st, _ = S.run_command(st, cid, [b"SET", b"k", b"v"], now_ms=NOW)
    written = []
    batch = b"*1\r\n$4\r\nSAVE\r\n*1\r\n$4\r\nSAVE\r\n*1\r\n$8\r\nLASTSAVE\r\n"
    base = st
    for _ in range(5):
        try:
            st2, eff = S.client_input(base, cid, batch, NOW)
            break
        except persist.SaveOutcomeNeeded as need:
            written.append(need.data)
            base = persist.with_save_outcome(base, len(written) == 1)  # the second one fails
    else:
        raise AssertionError("the SAVEs never completed")
    assert len(written) == 2 and written[0] == written[1]
    out = b"".join(data for _, data in eff.output)
    assert out == b"+OK\r\n-ERR\r\n:%d\r\n" % (NOW // 1000)
    assert st2.persist.saves == 2 and st2.persist.save_outcomes == ()


@pytest.mark.parametrize("policy,idle,freq", [("noeviction", None, None),
                                              ("allkeys-lru", 7, None),
                                              ("volatile-lru", 7, None),
                                              ("allkeys-lfu", None, 5),
                                              ("allkeys-random", None, None)])
def test_saved_access_info_follows_the_policy(policy: str, idle: int | None,
                                              freq: int | None) -> None:
    s = Session(NOW, **{"maxmemory-policy": policy})
    s(b"SET", b"k", b"text")
    f = decode_file(persist.save_state(s.state, NOW + 7000), Limits())
    rec = f.dbs[0][1][0]
    assert (rec.idle_s, rec.freq) == (idle, freq)
    aux = dict(f.aux)
    assert aux[b"ctime"] == b"%d" % ((NOW + 7000) // 1000)
    assert aux[b"redis-ver"] == b"7.0.15" and aux[b"redis-bits"] == b"64"


def test_loaded_access_words() -> None:
    from redspec.spec.lru import LFU_INIT_VAL, estimate_idle_ms

    lru = Session(NOW, **{"maxmemory-policy": "allkeys-lru"}).state
    data = _file([KeyRecord(b"k", b"v", idle_s=100), KeyRecord(b"j", b"v")])
    st = persist.load_state(lru, data, NOW)
    assert estimate_idle_ms(st.dbs[0].lru[b"k"], NOW) == 100_000
    assert estimate_idle_ms(st.dbs[0].lru[b"j"], NOW) == 0
    lfu = Session(NOW, **{"maxmemory-policy": "allkeys-lfu"}).state
    data = _file([KeyRecord(b"k", b"v", freq=77), KeyRecord(b"j", b"v")])
    st = persist.load_state(lfu, data, NOW)
    assert st.dbs[0].lru[b"k"] & 255 == 77 and st.dbs[0].lru[b"j"] & 255 == LFU_INIT_VAL


def test_restore_idletime_and_freq() -> None:
    s = Session(NOW)
    p = rdb.dump_payload(b"v")
    assert s(b"RESTORE", b"k", b"0", p, b"IDLETIME", b"1000") == b"+OK\r\n"
    assert s(b"OBJECT", b"IDLETIME", b"k") == b":1000\r\n"
    # more than the clock has counted since 1970 mod 2**24: half-way round instead
    assert s(b"RESTORE", b"j", b"0", p, b"IDLETIME", b"99999999") == b"+OK\r\n"
    from redspec.spec.lru import estimate_idle_ms

    clock = (NOW // 1000) & 0xFFFFFF
    want = estimate_idle_ms((clock + 0xFFFFFF // 2) % 0xFFFFFF, NOW) // 1000
    assert want > 8_000_000
    assert s(b"OBJECT", b"IDLETIME", b"j") == b":%d\r\n" % want
    t = Session(NOW, **{"maxmemory-policy": "allkeys-lfu"})
    assert t(b"RESTORE", b"k", b"0", p, b"FREQ", b"100") == b"+OK\r\n"
    assert t(b"OBJECT", b"FREQ", b"k") == b":100\r\n"


# -- edges the mutation run found unpinned ------------------------------------------------------


def test_listpack_entry_boundaries() -> None:
    # "0" is a 7-bit uint; 127 is the last 1-byte back length, 128 takes two
    assert listpack_encode([b"0"])[6:8] == b"\x00\x01"
    e125 = listpack_encode([b"x" * 125])[6:-1]
    assert e125[:2] == b"\xe0\x7d" and e125[-1:] == b"\x7f" and len(e125) == 128
    e126 = listpack_encode([b"x" * 126])[6:-1]
    assert e126[:2] == b"\xe0\x7e" and e126[-2:] == b"\x01\x80" and len(e126) == 130
    for n in (125, 126, 127, 4095, 4096):
        assert listpack_decode(listpack_encode([b"y" * n])) == [b"y" * n]


def test_ziplist_long_string_and_encoded_length_refused() -> None:
    big = b"z" * 20000
    entry = b"\x00" + b"\x80" + len(big).to_bytes(4, "big") + big
    blob = (10 + len(entry) + 1).to_bytes(4, "little") + b"\x00" * 4 + b"\x01\x00" + entry + b"\xff"
    assert ziplist_decode(blob) == [big]
    with pytest.raises(RdbCorrupt):
        Reader(b"\xc0").load_len()


def test_module_value_refused_with_its_type_name() -> None:
    cset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    name = "mymodtype"
    mid = 0
    for ch in name:
        mid = (mid << 6) | cset.index(ch)
    mid = (mid << 10) | 3  # encoding version 3
    body = b"REDIS0010\x07\x01k" + save_len(mid) + b"\xff"
    with pytest.raises(RdbCorrupt, match="no matching module type 'mymodtype'"):
        decode_file(body + crc64_bytes(body), Limits())


def test_file_checksum_on_by_default() -> None:
    data = encode_file([], [(0, [KeyRecord(b"k", b"v")])])
    assert data[-8:] == crc64_bytes(data[:-8]) and data[-8:] != bytes(8)


def test_digest_of_plus_inf_score() -> None:
    s = _debug_session()
    s(b"ZADD", b"zi", b"inf", b"a", b"0", b"b")
    assert s(b"DEBUG", b"DIGEST-VALUE", b"zi") == (
        b"*1\r\n+1572d49d5c89bff00ba52c0384e9d59541d5a637\r\n")  # measured on 7.0.15


def test_restore_freq_edges_and_dirty() -> None:
    s = Session(NOW, **{"maxmemory-policy": "allkeys-lfu"})
    p = rdb.dump_payload(b"v")
    assert s(b"RESTORE", b"a", b"0", p, b"FREQ", b"255") == b"+OK\r\n"
    assert s(b"OBJECT", b"FREQ", b"a") == b":255\r\n"
    assert s(b"RESTORE", b"b", b"0", p, b"FREQ", b"0") == b"+OK\r\n"
    assert s(b"OBJECT", b"FREQ", b"b") == b":0\r\n"
    assert b"rdb_changes_since_last_save:2\r\n" in s(b"INFO", b"persistence")


def test_restore_of_an_expired_ttl_over_a_key_counts_one_change() -> None:
    s = Session(NOW)
    s(b"SET", b"k", b"old")
    assert s(b"RESTORE", b"k", b"1000", rdb.dump_payload(b"v"), b"ABSTTL", b"REPLACE") == b"+OK\r\n"
    assert b"rdb_changes_since_last_save:2\r\n" in s(b"INFO", b"persistence")
    assert s(b"RESTORE", b"j", b"1000", rdb.dump_payload(b"v"), b"ABSTTL") == b"+OK\r\n"
    assert b"rdb_changes_since_last_save:2\r\n" in s(b"INFO", b"persistence")


def test_libraries_are_saved_as_function2_records() -> None:
    """``rdbSaveFunctions``: a SAVE of a server with function libraries writes one FUNCTION2
    record per library (by name), so a real Redis started on the file has them."""
    s = Session(NOW)
    for name in (b"b", b"a"):
        code = b"#!lua name=" + name + b"\nredis.register_function('f" + name + b"', function() return 1 end)"
        assert s(b"FUNCTION", b"LOAD", code) == b"$1\r\n" + name + b"\r\n"
    data = persist.save_state(s.state, NOW)
    assert [c.split(b"\n")[0] for c in decode_file(data, Limits()).functions] == [
        b"#!lua name=a", b"#!lua name=b"]
