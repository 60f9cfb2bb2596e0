"""Streams in the RDB format (``RDB_TYPE_STREAM_LISTPACKS_2``), DUMP/RESTORE and DEBUG
DIGEST of streams, and the safety net that keeps SAVE / DEBUG RELOAD from raising out of the
spec when a value has no RDB encoding. The byte-for-byte and digest agreement with a real
7.0.15 is in tests/test_rdb_streams_interop.py."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.spec import rdb, rdbstream
from redspec.spec.crc64 import crc64_bytes
from redspec.spec.rdbcodec import listpack_encode, save_len, save_raw_string
from redspec.spec.types.stream import StreamValue, encode_id

NOW = 1_700_000_000_000


def _debug_session() -> Session:
    return Session(NOW, **{"enable-debug-command": "yes"})


# -- the safety net: SAVE / DEBUG RELOAD never raise out of the spec -------------------------------


class _Opaque(bytes):
    """A value the RDB encoder is made to refuse (a stand-in for any value type without an
    encoding: every type redspec holds has one now)."""


def _refusing_save_object(real: Any) -> Any:
    def save_object(value: Any, *args: Any, **kwargs: Any) -> bytes:
        if value == b"unencodable":
            raise rdb.RdbUnsupported("no RDB encoding for Opaque values in redspec")
        result: bytes = real(value, *args, **kwargs)
        return result
    return save_object


def test_save_and_reload_of_an_unencodable_value_reply_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdb, "save_object", _refusing_save_object(rdb.save_object))
    s = _debug_session()
    s(b"SET", b"k", b"unencodable")
    s(b"SET", b"other", b"v")
    digest = s(b"DEBUG", b"DIGEST")
    assert s(b"SAVE") == b"-ERR no RDB encoding for Opaque values in redspec\r\n"
    assert s(b"DEBUG", b"RELOAD") == b"-ERR no RDB encoding for Opaque values in redspec\r\n"
    # nothing changed, the attempt is counted, and the server keeps answering
    assert s(b"DEBUG", b"DIGEST") == digest
    info = s(b"INFO", b"persistence")
    assert b"rdb_saves:1\r\n" in info and b"rdb_changes_since_last_save:2\r\n" in info
    assert s(b"GET", b"other") == b"$1\r\nv\r\n"


# -- DEBUG DIGEST of streams ------------------------------------------------------------------------


def test_stream_digest_vector_and_groups_left_out() -> None:
    """A vector from a real 7.0.15 (``XADD s 1-1 a 1``); creating a group and delivering an
    entry leave it unchanged there too: 7.0.15 digests the entries only."""
    s = _debug_session()
    s(b"XADD", b"s", b"1-1", b"a", b"1")
    vector = b"*1\r\n+e63bcb852a375e66ef47d37f2575bc03f71e7ecd\r\n"
    assert s(b"DEBUG", b"DIGEST-VALUE", b"s") == vector
    s(b"XGROUP", b"CREATE", b"s", b"g", b"0")
    s(b"XREADGROUP", b"GROUP", b"g", b"c", b"STREAMS", b"s", b">")
    assert s(b"DEBUG", b"DIGEST-VALUE", b"s") == vector
    s(b"XADD", b"s", b"1-2", b"a", b"2")
    s(b"XDEL", b"s", b"1-2")  # a tombstone is not an entry
    assert s(b"DEBUG", b"DIGEST-VALUE", b"s") == vector
    s(b"XADD", b"s", b"1-3", b"a", b"1")
    assert s(b"DEBUG", b"DIGEST-VALUE", b"s") != vector


# -- the RDB record ---------------------------------------------------------------------------------

_BUILD = [b"XADD s 1-1 a 1 b hello", b"XADD s 1-2 a 2 b x", b"XADD s 2-0 c 300000",
          b"XDEL s 1-2", b"XADD s 5-0 a -5 b " + b"y" * 100,
          b"XADD s 18446744073709551615-3 a 1 b 2", b"XGROUP CREATE s g 0",
          b"XGROUP CREATE s a $ ENTRIESREAD 3"]
#: DUMP s of a real 7.0.15 after ``_BUILD`` (rdbcompression yes): LZF-compressed listpack.
_REDIS_DUMP = (
    b'\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\xc3@a@\xc6'
    b'\x12\xc6\x00\x00\x00%\x00\x04\x01\x01\x01\x02\x01\x81a\x02\x81b\x02\x00 \t\x00\x00 \x01'
    b'\x0b\x01\x01\x85hello\x06\x05\x01\x03`\x0e  \x02x\x02\x05`\n\r\xdf\xff\x02\x01\x01\x81c'
    b'\x02\xf2\xe0\x93\x04\x04\x06 \x19\x00\x04@\x12\x05\xdf\xfb\x02\xe0dy\xe0Z\x00\x01f\x05 r'
    b'\x02\xdf\xfe\x02 \x84 \x08\x02\x05\x01\xff\x04\x81\xff\xff\xff\xff\xff\xff\xff\xff\x03\x01'
    b'\x01\x01\x02\x05\x02\x01a\x81\xff\xff\xff\xff\xff\xff\xff\xff\x03\x03\x00\x00\x01g\x00\x00'
    b'\x81\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\n\x00\xfb\xfc\x1e\xd0\x92}Yr')


def _built() -> Session:
    s = _debug_session()
    for c in _BUILD:
        assert not s(*c.split()).startswith(b"-"), c
    return s


def _payload(frame: bytes) -> bytes:
    return frame.split(b"\r\n", 1)[1][:-2]


def test_dump_is_redis_bytes() -> None:
    assert _payload(_built()(b"DUMP", b"s")) == _REDIS_DUMP


def test_restore_of_redis_payload_gives_the_same_stream() -> None:
    s, t = _built(), _debug_session()
    assert t(b"RESTORE", b"s", b"0", _REDIS_DUMP) == b"+OK\r\n"
    for cmd in ([b"XINFO", b"STREAM", b"s", b"FULL"], [b"DEBUG", b"DIGEST"],
                [b"OBJECT", b"ENCODING", b"s"], [b"DUMP", b"s"]):
        assert t(*cmd) == s(*cmd), cmd
    # and the loaded stream keeps working as the built one does
    for cmd in ([b"XADD", b"s", b"18446744073709551615-5", b"a", b"1"],
                [b"XTRIM", b"s", b"MAXLEN", b"1"], [b"XINFO", b"STREAM", b"s", b"FULL"]):
        assert t(*cmd) == s(*cmd), cmd
    # a loaded listpack is allocated at its size, a built one at 4096 bytes: in 7.0.15 too
    # (MEMORY USAGE 5296 for the built stream, 1424 for its RESTOREd copy)
    assert (s(b"MEMORY", b"USAGE", b"s"), t(b"MEMORY", b"USAGE", b"s")) == (b":5296\r\n",
                                                                            b":1424\r\n")


def test_debug_reload_keeps_groups_pel_and_consumers() -> None:
    s = _built()
    s(b"XREADGROUP", b"GROUP", b"g", b"alice", b"COUNT", b"2", b"STREAMS", b"s", b">")
    s(b"XGROUP", b"CREATECONSUMER", b"s", b"g", b"bob")
    s.now += 5000
    s(b"XCLAIM", b"s", b"g", b"bob", b"0", b"2-0")
    full = s(b"XINFO", b"STREAM", b"s", b"FULL")
    digest = s(b"DEBUG", b"DIGEST")
    assert s(b"DEBUG", b"RELOAD") == b"+OK\r\n"
    assert s(b"XINFO", b"STREAM", b"s", b"FULL") == full
    assert s(b"DEBUG", b"DIGEST") == digest


def _restore(payload_body: bytes) -> bytes:
    body = payload_body + (10).to_bytes(2, "little")
    return _debug_session()(b"RESTORE", b"k", b"0", body + crc64_bytes(body))


def _lp(*els: bytes) -> bytes:
    return save_raw_string(listpack_encode(list(els)), False)


_ID11 = b"\x00" * 7 + b"\x01" + b"\x00" * 7 + b"\x01"
_NODE = save_len(1) + save_raw_string(_ID11, False) + _lp(
    b"1", b"0", b"1", b"f", b"0", b"2", b"0", b"0", b"v", b"4")
_META = save_len(1) + save_len(1) + save_len(1) + save_len(1) + save_len(1) + b"\x00\x00" + \
    save_len(1)


@pytest.mark.parametrize("body,ok", [
    (b"\x13" + _NODE + _META + save_len(0), True),
    # a node key that is not 16 bytes
    (b"\x13" + save_len(1) + save_raw_string(b"short", False) + _NODE[18:] + _META
     + save_len(0), False),
    # live count in the master entry disagrees with the entries
    (b"\x13" + save_len(1) + save_raw_string(_ID11, False) + _lp(
        b"2", b"0", b"1", b"f", b"0", b"2", b"0", b"0", b"v", b"4") + _META + save_len(0), False),
    # an entry's element count is wrong
    (b"\x13" + save_len(1) + save_raw_string(_ID11, False) + _lp(
        b"1", b"0", b"1", b"f", b"0", b"2", b"0", b"0", b"v", b"5") + _META + save_len(0), False),
    # a consumer's PEL names an ID the group PEL does not hold
    (b"\x13" + _NODE + _META + save_len(1) + save_raw_string(b"g", False) + save_len(1)
     + save_len(1) + save_len(1) + save_len(0) + save_len(1) + save_raw_string(b"c", False)
     + bytes(8) + save_len(1) + _ID11, False),
    # a group PEL entry no consumer owns
    (b"\x13" + _NODE + _META + save_len(1) + save_raw_string(b"g", False) + save_len(1)
     + save_len(1) + save_len(1) + save_len(1) + _ID11 + bytes(8) + save_len(1) + save_len(0),
     False),
    # the same with its owner: fine
    (b"\x13" + _NODE + _META + save_len(1) + save_raw_string(b"g", False) + save_len(1)
     + save_len(1) + save_len(1) + save_len(1) + _ID11 + bytes(8) + save_len(1) + save_len(1)
     + save_raw_string(b"c", False) + bytes(8) + save_len(1) + _ID11, True),
    # an unknown entry flag (4)
    (b"\x13" + save_len(1) + save_raw_string(_ID11, False) + _lp(
        b"1", b"0", b"1", b"f", b"0", b"6", b"0", b"0", b"v", b"4") + _META + save_len(0), False),
    # master counts disagree with the entries although the stream's length agrees with them
    (b"\x13" + save_len(1) + save_raw_string(_ID11, False) + _lp(
        b"2", b"0", b"1", b"f", b"0", b"2", b"0", b"0", b"v", b"4") + save_len(2)
     + _META[1:] + save_len(0), False),
    (b"\x13" + save_len(1) + save_raw_string(_ID11, False) + _lp(
        b"1", b"1", b"1", b"f", b"0", b"2", b"0", b"0", b"v", b"4") + _META + save_len(0), False),
    # an empty listpack
    (b"\x13" + save_len(1) + save_raw_string(_ID11, False) + _lp() + _META + save_len(0), False),
])
def test_restore_checks_the_stream(body: bytes, ok: bool) -> None:
    assert _restore(body) == (b"+OK\r\n" if ok else b"-ERR Bad data format\r\n")


def test_a_restored_node_fills_up_as_the_built_one() -> None:
    """A loaded node's byte count is the built node's: appends split nodes at the same
    entries under every ``stream-node-max-bytes``."""
    for limit in range(200, 330):
        s, t = _built(), _debug_session()
        t(b"RESTORE", b"s", b"0", _REDIS_DUMP)
        for x in (s, t):
            x(b"CONFIG", b"SET", b"stream-node-max-bytes", b"%d" % limit)
        for i in range(3):
            cmd = [b"XADD", b"s", b"18446744073709551615-%d" % (10 + i), b"a", b"v" * 20]
            assert s(*cmd) == t(*cmd)
        assert s(b"DUMP", b"s") == t(b"DUMP", b"s"), limit


def test_debug_object_serialized_length_of_a_stream() -> None:
    """``rdbSavedObjectLen`` of the pinned stream: 167 on a real 7.0.15."""
    assert b" encoding:stream serializedlength:167 " in _built()(b"DEBUG", b"OBJECT", b"s")


def _type15_payload(v: StreamValue) -> bytes:
    """``v`` as the older ``RDB_TYPE_STREAM_LISTPACKS``: no first ID, max deleted ID and
    entries added, no read counter per group."""
    out = [save_len(v.node_count)]
    for node in v.iter_nodes():
        out += [save_raw_string(encode_id(node.master_id), False),
                save_raw_string(rdbstream.node_listpack(node), False)]
    out += [save_len(v.length), save_len(v.last_id[0]), save_len(v.last_id[1]),
            save_len(len(v.groups))]
    for name in sorted(v.groups.keys()):
        parts = rdbstream._save_group(name, v.groups[name], False)
        del parts[3]  # entries_read
        out += parts
    body = bytes((rdb.T_STREAM_LISTPACKS,)) + b"".join(out) + (9).to_bytes(2, "little")
    return body + crc64_bytes(body)


def test_type_15_payload_derives_the_counters() -> None:
    """``RDB_TYPE_STREAM_LISTPACKS``: first ID = first live entry, max deleted 0-0, entries
    added = length, a group's read counter estimated (values as a real 7.0.15 derives them
    for this payload)."""
    s = _debug_session()
    for c in (b"XADD s 1-1 f a", b"XADD s 2-1 f b", b"XADD s 3-1 f c", b"XDEL s 1-1",
              b"XGROUP CREATE s g 2-1", b"XGROUP CREATE s h 0"):
        s(*c.split())
    payload = _type15_payload(s.state.dbs[0].keys[b"s"])
    t = _debug_session()
    assert t(b"RESTORE", b"s", b"0", payload) == b"+OK\r\n"
    info = t(b"XINFO", b"STREAM", b"s")
    for field, value in ((b"max-deleted-entry-id", b"$3\r\n0-0"), (b"entries-added", b":2"),
                         (b"recorded-first-entry-id", b"$3\r\n2-1")):
        assert b"$%d\r\n%s\r\n%s\r\n" % (len(field), field, value) in info, field
    groups = t(b"XINFO", b"GROUPS", b"s")
    assert groups == (
        b"*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0"
        b"\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag"
        b"\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending"
        b"\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3"
        b"\r\nlag\r\n:2\r\n"), groups
