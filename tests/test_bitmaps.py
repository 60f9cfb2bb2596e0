"""Spec-level tests of the bitmap commands and the string encodings (``bitops.c``).

Replies are checked against values observed on Redis 7.0.15; side effects (``server.dirty``,
keyspace events, propagation) against INFO's ``rdb_changes_since_last_save`` and the events
the real server fires. The overflow helpers are compared with a plain-integer model.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from redspec.spec.commands import bitmaps
from redspec.spec.types.string import EmbStr, RawStr
from redspec.spec.values import encoding_of
from tests.session import Session

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def ints(frame: bytes) -> list[int | None]:
    """The integers of a flat array frame (nil as None)."""
    lines = frame.split(b"\r\n")[1:-1]
    return [None if x in (b"$-1", b"_") else int(x[1:]) for x in lines]


def events(eff: Any) -> list[tuple[str, str]]:
    """The string ("$") and generic ("g") keyspace events of a transition."""
    return [(t, e) for t, e, _, _ in eff.notifications if t in "$g"]


# ------------------------------------------------------------------------------- replies


def test_setbit_getbit() -> None:
    s = Session()
    assert s.call("SETBIT", "k", 17, 1) == b":0\r\n"
    assert s.value("k") == b"\x00\x00\x40" and type(s.value("k")) is RawStr
    assert s.call("SETBIT", "k", 17, 1) == b":1\r\n"
    assert s.call("GETBIT", "k", 17) == b":1\r\n"
    assert s.call("GETBIT", "k", 1000) == b":0\r\n"
    assert s.call("GETBIT", "nokey", 3) == b":0\r\n"
    assert s.call("SETBIT", "k", 1, 2) == b"-ERR bit is not an integer or out of range\r\n"
    assert s.call("SETBIT", "k", -1, 1) == (
        b"-ERR bit offset is not an integer or out of range\r\n")
    assert s.call("SETBIT", "k", 4294967296, 1).startswith(b"-ERR bit offset")
    s.call("LPUSH", "l", "x")
    assert s.call("SETBIT", "l", 1, 1).startswith(b"-WRONGTYPE")
    assert s.call("SETBIT", "l", "x", 1).startswith(b"-ERR bit offset")


def test_offset_limit_follows_proto_max_bulk_len() -> None:
    s = Session(**{"proto-max-bulk-len": 1024})
    assert s.call("GETBIT", "k", 8191) == b":0\r\n"
    assert s.call("GETBIT", "k", 8192).startswith(b"-ERR bit offset")
    assert s.call("BITFIELD", "k", "GET", "u8", "#1023") == b"*1\r\n:0\r\n"
    assert s.call("BITFIELD", "k", "GET", "u8", "#1024").startswith(b"-ERR bit offset")


def test_bitcount_and_bitpos() -> None:
    s = Session()
    s.call("SET", "k", "foobar")
    assert s.call("BITCOUNT", "k") == b":26\r\n"
    assert s.call("BITCOUNT", "k", 1, 1) == b":6\r\n"
    assert s.call("BITCOUNT", "k", 5, 30, "BIT") == b":17\r\n"
    assert s.call("BITCOUNT", "k", -1, -3, "junk") == b":0\r\n"  # 7.0: before the option
    assert s.call("BITCOUNT", "k", 0, 1, "junk") == b"-ERR syntax error\r\n"
    assert s.call("BITCOUNT", "nokey", "a", "b") == b":0\r\n"  # 7.0: lookup first
    s.call("SET", "f", b"\xff\xff")
    assert s.call("BITPOS", "f", 0) == b":16\r\n"
    assert s.call("BITPOS", "f", 0, 0, -1) == b":-1\r\n"  # end given: no zero-padding
    assert s.call("BITPOS", "f", 0, 3, 9, "BIT") == b":-1\r\n"
    assert s.call("BITPOS", "nokey", 0) == b":0\r\n"
    assert s.call("BITPOS", "nokey", 1, "x") == b":-1\r\n"
    assert s.call("BITPOS", "f", 2) == b"-ERR The bit argument must be 1 or 0.\r\n"
    s.call("SET", "z", b"\x00\x0f")
    assert s.call("BITPOS", "z", 1) == b":12\r\n"
    assert s.call("BITPOS", "z", 1, 13, 15, "BIT") == b":13\r\n"
    assert s.call("BITPOS", "z", 0, 12, 15, "BIT") == b":-1\r\n"


def test_bitop() -> None:
    s = Session(**{"notify-keyspace-events": "KEA"})
    s.call("SET", "a", b"\xff\x0f")
    s.call("SET", "b", b"\xf0")
    assert s.call("BITOP", "AND", "d", "a", "b") == b":2\r\n"
    assert s.value("d") == b"\xf0\x00" and type(s.value("d")) is RawStr
    assert s.call("BITOP", "NOT", "d", "a") == b":2\r\n" and s.value("d") == b"\x00\xf0"
    assert s.call("BITOP", "NOT", "d", "a", "b") == (
        b"-ERR BITOP NOT must be called with a single source key.\r\n")
    assert s.call("BITOP", "NAND", "d", "a") == b"-ERR syntax error\r\n"
    eff = s.effects("BITOP", "OR", "d", "n1", "n2")
    assert s.value("d") is None
    assert events(eff) == [("g", "del")]
    assert [a for _, a in eff.propagate] == [(b"BITOP", b"OR", b"d", b"n1", b"n2")]
    eff = s.effects("BITOP", "OR", "d", "n1", "n2")  # nothing to delete: not propagated
    assert eff.propagate == () and events(eff) == []
    eff = s.effects("BITOP", "XOR", "d", "a", "b")
    assert events(eff) == [("$", "set")]


def test_bitfield_overflow_and_replies() -> None:
    s = Session()
    r = s.call("BITFIELD", "k", "SET", "i8", 0, 127, "INCRBY", "i8", 0, 1,
               "OVERFLOW", "SAT", "INCRBY", "i8", 0, -1000,
               "OVERFLOW", "FAIL", "INCRBY", "i8", 0, -1, "GET", "u8", 0)
    assert ints(r) == [0, -128, -128, None, 128]
    s.call("SET", "q", "12")
    assert ints(s.call("BITFIELD", "q", "OVERFLOW", "SAT", "SET", "i8", 0, I64_MIN,
                       "GET", "i8", 0)) == [49, 127]  # the int64 wrap in Redis's check
    assert ints(s.call("BITFIELD", "q", "OVERFLOW", "WRAP", "SET", "u8", 0, -5,
                       "GET", "u8", 0)) == [127, 251]
    assert ints(s.call("BITFIELD", "q", "GET", "i64", "#1152921504606846976")) == [
        int.from_bytes(b"\xfb2\x00\x00\x00\x00\x00\x00", "big", signed=True)]
    assert s.call("BITFIELD", "q", "GET", "u64", 0) == (
        b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
        b"supported but i64 is.\r\n")
    assert s.call("BITFIELD", "q", "OVERFLOW", "x", "GET", "u8", 0) == (
        b"-ERR Invalid OVERFLOW type specified\r\n")
    assert s.call("BITFIELD_RO", "q", "GET", "u8", 0, "SET", "u8", 0, 1) == (
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n")
    assert s.call("BITFIELD", "nokey", "GET", "u8", 0) == b"*1\r\n:0\r\n"
    assert s.value("nokey") is None


def test_bitfield_fail_still_creates_key_silently() -> None:
    s = Session()
    eff = s.effects("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 5)
    assert s.value("k") == b"\x00" and type(s.value("k")) is RawStr
    assert eff.propagate == () and s.state.dirty == 0


# ------------------------------------------------------------------------------- effects


DIRTY_STEPS: list[tuple[list[Any], int, list[str]]] = [
    (["SETBIT", "k", 0, 0], 1, ["setbit"]),           # new key: grew
    (["SETBIT", "k", 0, 0], 0, []),                   # unchanged
    (["SETBIT", "k", 0, 1], 1, ["setbit"]),
    (["SETBIT", "k", 20, 0], 1, ["setbit"]),          # grew, bit unchanged
    (["BITFIELD", "k", "SET", "u8", 0, 0], 1, ["setbit"]),
    (["BITFIELD", "k", "SET", "u8", 0, 0], 0, []),
    (["BITFIELD", "k", "SET", "u8", 0, 1, "SET", "u8", 8, 1, "GET", "u8", 0], 2, ["setbit"]),
    (["BITFIELD", "k", "INCRBY", "u8", 0, 0], 0, []),
    (["BITFIELD", "k", "GET", "u8", 0], 0, []),
]


def test_dirty_and_events() -> None:
    """Each step of DIRTY_STEPS in turn on one server (as observed on Redis 7.0.15 with INFO
    rdb_changes_since_last_save): dirty only when a bit changed or the string grew, one
    "setbit" event per command, propagated iff dirty."""
    s = Session(**{"notify-keyspace-events": "KEA"})
    for argv, dirty, want_events in DIRTY_STEPS:
        before = s.state.dirty
        eff = s.effects(*argv)
        assert s.state.dirty - before == dirty, argv
        assert [e for _, e in events(eff)] == want_events, argv
        assert len(eff.propagate) == (1 if dirty else 0), argv


def test_encodings_of_string_writes() -> None:
    s = Session()
    steps: list[tuple[list[Any], str]] = [
        (["SET", "k", "12"], "int"),
        (["APPEND", "k", "3"], "raw"),
        (["INCR", "k"], "int"),
        (["SETRANGE", "k", "0", "5"], "raw"),
        (["SET", "k", "abc"], "embstr"),
        (["SETRANGE", "k", "0", ""], "embstr"),
        (["SETBIT", "k", "0", "0"], "raw"),
        (["GETSET", "k", "7"], "int"),
        (["BITFIELD", "k", "GET", "u8", "0"], "int"),
        (["BITFIELD", "k", "INCRBY", "u8", "0", "0"], "raw"),
        (["INCRBYFLOAT", "k", "1"], "embstr"),
        (["SET", "k", "x" * 45], "raw"),
    ]
    for argv, enc in steps:
        s.call(*argv)
        assert s.call("OBJECT", "ENCODING", "k") == b"$%d\r\n%s\r\n" % (len(enc), enc.encode()), argv
    s.call("DEL", "k")
    s.call("APPEND", "k", "12")
    assert encoding_of(s.value("k")) == "int"  # APPEND on a missing key encodes normally
    assert type(s.value("k")) is bytes


def test_raw_strings_read_as_strings() -> None:
    s = Session()
    s.call("SETBIT", "k", 1, 1)
    s.call("SETBIT", "k", 7, 1)
    for argv, want in [
        (["GET", "k"], b"$1\r\nA\r\n"), (["STRLEN", "k"], b":1\r\n"),
        (["TYPE", "k"], b"+string\r\n"), (["GETRANGE", "k", 0, -1], b"$1\r\nA\r\n"),
        (["MGET", "k"], b"*1\r\n$1\r\nA\r\n"), (["LCS", "k", "k"], b"$1\r\nA\r\n"),
        (["APPEND", "k", "b"], b":2\r\n"), (["COPY", "k", "c"], b":1\r\n"),
        (["OBJECT", "ENCODING", "c"], b"$3\r\nraw\r\n"), (["OBJECT", "REFCOUNT", "c"], b":1\r\n"),
        (["INCR", "k"], b"-ERR value is not an integer or out of range\r\n"),
        (["GETDEL", "c"], b"$2\r\nAb\r\n"),
    ]:
        assert s.call(*argv) == want, argv
    assert encoding_of(EmbStr(b"12")) == "embstr"


# ------------------------------------------------------------------------------- overflow helpers


def _model(value: int, incr: int, bits: int, signed: bool, ow: int) -> tuple[int, int | None]:
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    total = value + incr
    if lo <= total <= hi:
        return 0, None
    direction = 1 if total > hi else -1
    if ow == bitmaps.FAIL:
        return direction, None
    if ow == bitmaps.SAT:
        return direction, hi if direction > 0 else lo
    return direction, (total - lo) % (hi - lo + 1) + lo


@given(st.integers(1, 64), st.booleans(), st.integers(I64_MIN // 2, I64_MAX // 2),
       st.integers(I64_MIN // 2, I64_MAX // 2),
       st.sampled_from([bitmaps.WRAP, bitmaps.SAT, bitmaps.FAIL]))
def test_overflow_matches_integer_model(bits: int, signed: bool, a: int, b: int,
                                        ow: int) -> None:
    """Away from the int64 edge, Redis's overflow checks are plain range arithmetic."""
    if not signed:
        bits = min(bits, 63)
        a %= 1 << bits  # a stored unsigned field
    else:
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        a = max(lo, min(hi, a))  # a stored signed field
    check = bitmaps.signed_overflow if signed else bitmaps.unsigned_overflow
    assert check(a, b, bits, ow) == _model(a, b, bits, signed, ow)
