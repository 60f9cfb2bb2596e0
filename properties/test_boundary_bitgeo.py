"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
bitmap, HyperLogLog and GEO modules (issue #22, ``tools/mutation.py``): ``spec/commands/
bitmaps.py``, ``spec/types/hll.py``, ``spec/commands/hyperloglog.py``,
``spec/types/geohash.py``, ``spec/commands/geo.py``. In the pattern of
``properties/test_boundary_gapkeys.py``: each check puts a Redis 7.0.15 rule exactly on its
boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_bitgeo_agree_with_redis``. Every reply below was observed on
redis-server 7.0.15 (``redis-cli`` against a server started for the purpose); the keyspace
events with a ``PSUBSCRIBE __keyevent@0__:*`` client and ``notify-keyspace-events En$``.
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant
from redspec.spec import server

NAME = "boundary_bitgeo_agree_with_redis"


def _request(argv: tuple[bytes | int | str, ...]) -> bytes:
    """``argv`` as a RESP multibulk request."""
    parts = [a if isinstance(a, bytes) else str(a).encode() for a in argv]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


def _events(c: Session, *argv: bytes | int | str) -> list[tuple[str, bytes]]:
    """Run ``argv`` through ``client_input``: the keyspace events it fired (event, key)."""
    c.state, eff = server.client_input(c.state, c.cid, _request(argv), c.now)
    return [(e, k) for _, e, k, _ in eff.notifications]


def _call(c: Session, *argv: bytes | int | str) -> bytes:
    """``c.call``; a spec exception is a failure of the property, not of the test."""
    try:
        return c.call(*argv)
    except Exception as e:  # noqa: BLE001 - any crash is a divergence
        raise AssertionError(f"{NAME}: {argv!r} raised {e!r}") from e


def _expect(c: Session, want: bytes, *argv: bytes | int | str) -> None:
    got = _call(c, *argv)
    assert got == want, f"{NAME}: {argv!r}: {got!r}, not {want!r}"


# -- bitmaps (spec/commands/bitmaps.py) ------------------------------------------------------


def check_bitfield_i64_wrap() -> None:
    """OVERFLOW WRAP of a 64-bit signed field answers the wrapped C ``int64_t``:
    ``SET i64 0 9223372036854775807`` then ``INCRBY i64 0 1`` is -9223372036854775808, and
    ``SET i64 0 -1`` then ``INCRBY i64 0 -9223372036854775808`` is 9223372036854775807."""
    c = Session()
    _expect(c, b"*2\r\n:0\r\n:-9223372036854775808\r\n", b"BITFIELD", b"b", b"SET", b"i64",
            b"0", b"9223372036854775807", b"OVERFLOW", b"WRAP", b"INCRBY", b"i64", b"0", b"1")
    _expect(c, b"*2\r\n:0\r\n:9223372036854775807\r\n", b"BITFIELD", b"b2", b"OVERFLOW",
            b"WRAP", b"SET", b"i64", b"0", b"-1", b"INCRBY", b"i64", b"0",
            b"-9223372036854775808")


def check_bit_write_existing_key_events() -> None:
    """SETBIT and BITFIELD on an existing string fire "setbit" only (no "new": the string is
    not ``dbAdd``-ed again); on a missing key "new" then "setbit"."""
    c = Session(**{"notify-keyspace-events": "En$"})
    got = _events(c, b"SETBIT", b"bk", 3, 1)
    assert got == [("new", b"bk"), ("setbit", b"bk")], f"{NAME}: SETBIT new key: {got!r}"
    for argv in ((b"SETBIT", b"bk", 20, 1), (b"BITFIELD", b"bk", b"SET", b"u8", 0, 1)):
        got = _events(c, *argv)
        assert got == [("setbit", b"bk")], f"{NAME}: {argv!r} on an existing key: {got!r}"


def check_getbit_first_byte_past_end() -> None:
    """GETBIT of the first bit past the string (offset ``8 * len``) reads 0; the last bit of
    the string reads its value (``\\xff\\xff``: GETBIT 15 is 1, GETBIT 16 is 0)."""
    c = Session()
    c.call(b"SET", b"k", b"\xff\xff")
    _expect(c, b":1\r\n", b"GETBIT", b"k", 15)
    _expect(c, b":0\r\n", b"GETBIT", b"k", 16)


def check_bit_byte_units() -> None:
    """An explicit BYTE is a byte range, BIT a bit range (``\\xff\\xff``): BITCOUNT 0 0 BYTE
    is 8, 0 0 BIT is 1; BITPOS 1 1 1 BYTE is 8, 1 1 1 BIT is 1."""
    c = Session()
    c.call(b"SET", b"k", b"\xff\xff")
    _expect(c, b":8\r\n", b"BITCOUNT", b"k", 0, 0, b"BYTE")
    _expect(c, b":1\r\n", b"BITCOUNT", b"k", 0, 0, b"BIT")
    _expect(c, b":8\r\n", b"BITPOS", b"k", 1, 1, 1, b"BYTE")
    _expect(c, b":1\r\n", b"BITPOS", b"k", 1, 1, 1, b"BIT")


def check_bitcount_zero_start() -> None:
    """BITCOUNT's early 0 is for two *negative* indexes with start > end: ``0 -1`` is the
    whole string (``\\xff\\xff``: 16), as is ``0 -1 BIT``; ``-1 -1`` is the last byte (8),
    ``-2 -2 BIT`` one bit (1)."""
    c = Session()
    c.call(b"SET", b"k", b"\xff\xff")
    _expect(c, b":16\r\n", b"BITCOUNT", b"k", 0, -1)
    _expect(c, b":16\r\n", b"BITCOUNT", b"k", 0, -1, b"BIT")
    _expect(c, b":8\r\n", b"BITCOUNT", b"k", -1, -1)
    _expect(c, b":1\r\n", b"BITCOUNT", b"k", -2, -2, b"BIT")


def check_bitpos_start_only() -> None:
    """BITPOS with a start and no end runs to the end of the string (``\\xff\\xff``):
    ``BITPOS k 1 1`` is 8; ``BITPOS k 0 1`` finds no clear bit in byte 1 and, no end being
    given, answers the first bit after the string, 16."""
    c = Session()
    c.call(b"SET", b"k", b"\xff\xff")
    _expect(c, b":8\r\n", b"BITPOS", b"k", 1, 1)
    _expect(c, b":16\r\n", b"BITPOS", b"k", 0, 1)


def check_bitop_sources_once() -> None:
    """BITOP folds each source in once: XOR of ``ab`` and ``cd`` is ``\\x02\\x06`` (the
    first source is the start, not also an operand)."""
    c = Session()
    c.call(b"SET", b"a", b"ab")
    c.call(b"SET", b"b", b"cd")
    _expect(c, b":2\r\n", b"BITOP", b"XOR", b"d", b"a", b"b")
    _expect(c, b"$2\r\n\x02\x06\r\n", b"GET", b"d")


def _dirty(c: Session, *argv: bytes | int | str) -> int:
    """How much ``argv`` moved ``server.dirty`` (INFO ``rdb_changes_since_last_save``)."""
    before = c.state.dirty
    _call(c, *argv)
    return c.state.dirty - before


def check_bitop_dirty() -> None:
    """BITOP counts one change when it stores a result and one when an empty result deletes
    the destination, none when there was nothing to delete (``rdb_changes_since_last_save``
    +1, +1, +0 on redis-server 7.0.15)."""
    c = Session()
    c.call(b"SET", b"a", b"ab")
    for argv, want in (((b"BITOP", b"OR", b"d", b"a", b"a"), 1),
                       ((b"BITOP", b"OR", b"d", b"nx1", b"nx2"), 1),
                       ((b"BITOP", b"OR", b"d", b"nx1", b"nx2"), 0)):
        got = _dirty(c, *argv)
        assert got == want, f"{NAME}: {argv!r}: dirty +{got}, not +{want}"


def check_bitfield_type_width() -> None:
    """A bitfield type is ``i1..i64`` or ``u1..u63``: ``i0`` and ``u0`` (and ``u64``) are
    "Invalid bitfield type"; ``u63`` reads."""
    c = Session()
    bad = (b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
           b"supported but i64 is.\r\n")
    for t in (b"i0", b"u0", b"u64"):
        _expect(c, bad, b"BITFIELD", b"u", b"GET", t, 0)
    _expect(c, b"*1\r\n:0\r\n", b"BITFIELD", b"u", b"GET", b"u63", 0)


def check_bitfield_unsigned_top() -> None:
    """The largest value of an unsigned field fits: ``OVERFLOW FAIL SET u8 0 255`` then
    ``INCRBY u8 0 0`` and ``SET u8 0 255`` answer 0, 255, 255 (no nil)."""
    c = Session()
    _expect(c, b"*3\r\n:0\r\n:255\r\n:255\r\n", b"BITFIELD", b"u", b"OVERFLOW", b"FAIL",
            b"SET", b"u8", 0, 255, b"INCRBY", b"u8", 0, 0, b"SET", b"u8", 0, 255)


def _ints(*values: int | None) -> bytes:
    """A RESP2 array of integers (None: nil)."""
    return b"*%d\r\n" % len(values) + b"".join(
        b"$-1\r\n" if v is None else b":%d\r\n" % v for v in values)


def check_bitfield_exact_limits() -> None:
    """INCRBY landing exactly on a field's limit fits, one beyond fails (OVERFLOW FAIL):
    u8 250 +5 = 255, -255 = 0, +1 = 1, -1 = 0; i8 120 +7 = 127, -255 = -128, -1 nil,
    +1 = -127; SET i8 127, -128 fit, 128 and -129 are nil."""
    c = Session()
    _expect(c, _ints(0, 255, 0, 1, 0), b"BITFIELD", b"v", b"OVERFLOW", b"FAIL",
            b"SET", b"u8", 0, 250, b"INCRBY", b"u8", 0, 5, b"INCRBY", b"u8", 0, -255,
            b"INCRBY", b"u8", 0, 1, b"INCRBY", b"u8", 0, -1)
    _expect(c, _ints(0, 127, -128, None, -127), b"BITFIELD", b"w", b"OVERFLOW", b"FAIL",
            b"SET", b"i8", 0, 120, b"INCRBY", b"i8", 0, 7, b"INCRBY", b"i8", 0, -255,
            b"INCRBY", b"i8", 0, -1, b"INCRBY", b"i8", 0, 1)
    _expect(c, _ints(-127, 127, None, None), b"BITFIELD", b"w", b"OVERFLOW", b"FAIL",
            b"SET", b"i8", 0, 127, b"SET", b"i8", 0, -128, b"SET", b"i8", 0, 128,
            b"SET", b"i8", 0, -129)


def check_bitfield_i64_limits() -> None:
    """The i64 limits are the C ``int64_t``'s: OVERFLOW SAT keeps 9223372036854775807 on +1
    and -9223372036854775808 below it; OVERFLOW FAIL refuses one step beyond either and
    accepts a step landing on -1 or 0."""
    mx, mn = 9223372036854775807, -9223372036854775808
    c = Session()
    _expect(c, _ints(0, mx, -1, mn, mn, mn), b"BITFIELD", b"s", b"OVERFLOW", b"SAT",
            b"SET", b"i64", 0, mx, b"INCRBY", b"i64", 0, 1, b"INCRBY", b"i64", 0, mn,
            b"INCRBY", b"i64", 0, mn, b"INCRBY", b"i64", 0, -1, b"GET", b"i64", 0)
    _expect(c, _ints(0, None, mx, None, -1, 0), b"BITFIELD", b"f", b"OVERFLOW", b"FAIL",
            b"SET", b"i64", 0, mx, b"INCRBY", b"i64", 0, 1, b"SET", b"i64", 0, mn,
            b"INCRBY", b"i64", 0, -1, b"INCRBY", b"i64", 0, mx, b"INCRBY", b"i64", 0, 1)

    _expect(c, _ints(0, mx, mx, mn, mn, None, 1, None), b"BITFIELD", b"e", b"OVERFLOW",
            b"FAIL", b"SET", b"i64", 0, 1, b"INCRBY", b"i64", 0, mx - 1, b"SET", b"i64", 0, -1,
            b"INCRBY", b"i64", 0, mn + 1, b"SET", b"i64", 0, 1, b"INCRBY", b"i64", 0, mx,
            b"SET", b"i64", 0, -2, b"INCRBY", b"i64", 0, mn + 1)


def check_bitfield_signed_wrap() -> None:
    """OVERFLOW WRAP of a signed field keeps the low ``bits`` bits, sign-extended: i8 127
    +257 (0x180) is -128, then -1 is 127, then -383 is 0."""
    c = Session()
    _expect(c, _ints(0, -128, 127, 0), b"BITFIELD", b"w8", b"OVERFLOW", b"WRAP", b"SET",
            b"i8", 0, 127, b"INCRBY", b"i8", 0, 257, b"INCRBY", b"i8", 0, -1,
            b"INCRBY", b"i8", 0, -383)


def check_bitfield_missing_arguments() -> None:
    """A subcommand short of its arguments is a syntax error: GET without its offset, SET
    and INCRBY without their value, OVERFLOW without its kind."""
    c = Session()
    for tail in ((b"GET", b"u8"), (b"SET", b"u8", 0), (b"INCRBY", b"u8", 0), (b"OVERFLOW",),
                 (b"GET", b"u8", 0, b"OVERFLOW")):
        _expect(c, b"-ERR syntax error\r\n", b"BITFIELD", b"k", *tail)
    _expect(c, b"*0\r\n", b"BITFIELD", b"k", b"OVERFLOW", b"SAT")
    _expect(c, b"*1\r\n:0\r\n", b"BITFIELD", b"k", b"GET", b"u8", 0, b"OVERFLOW", b"FAIL")


def check_bitfield_growth_dirty() -> None:
    """A BITFIELD write that grows the string counts as a change even when it writes the
    bit already there: on ``x`` (1 byte) SET u1 8 0 is +1 dirty (2 bytes now); SET u1 23 0
    SET u1 0 0 is +2 (3 bytes: every op of a growing BITFIELD counts)."""
    c = Session()
    c.call(b"SET", b"g", b"x")
    got = _dirty(c, b"BITFIELD", b"g", b"SET", b"u1", 8, 0)
    assert got == 1, f"{NAME}: BITFIELD growing by one byte: dirty +{got}"
    _expect(c, b":2\r\n", b"STRLEN", b"g")
    got = _dirty(c, b"BITFIELD", b"g", b"SET", b"u1", 23, 0, b"SET", b"u1", 0, 0)
    assert got == 2, f"{NAME}: two ops of a growing BITFIELD: dirty +{got}"
    _expect(c, b":3\r\n", b"STRLEN", b"g")


CHECKS = [check_bitfield_i64_wrap, check_bit_write_existing_key_events,
          check_getbit_first_byte_past_end, check_bit_byte_units, check_bitcount_zero_start,
          check_bitpos_start_only, check_bitop_sources_once, check_bitop_dirty,
          check_bitfield_type_width, check_bitfield_unsigned_top, check_bitfield_exact_limits,
          check_bitfield_i64_limits, check_bitfield_signed_wrap,
          check_bitfield_missing_arguments, check_bitfield_growth_dirty]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_bitgeo(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _plant_cmd(monkeypatch: pytest.MonkeyPatch, module: Any, func: str, old: str,
               new: str) -> None:
    """:func:`plant` of a command's handler, also swapped into the served table."""
    from redspec.properties.planted import replace_handler
    replace_handler(monkeypatch, func.encode(), plant(monkeypatch, module, func, old, new))


def _bitmaps() -> Any:
    from redspec.spec.commands import bitmaps
    return bitmaps


def test_planted_int64_wraps_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "_int64", "x - (1 << 64)", "x - (2 << 64)")
    _trips(check_bitfield_i64_wrap)


def test_planted_bit_write_readds_key(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "grow_for_write", "return buf, False, grew",
          "return buf, True, grew")
    _trips(check_bit_write_existing_key_events)


def test_planted_getbit_reads_past_end(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_cmd(monkeypatch, _bitmaps(), "getbit", "byte >= len(v)", "byte > len(v)")
    _trips(check_getbit_first_byte_past_end)


def test_planted_byte_unit_is_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "_unit", "return False", "return True")
    _trips(check_bit_byte_units)


def test_planted_bitcount_zero_start_is_negative(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_cmd(monkeypatch, _bitmaps(), "bitcount", "start < 0 and end < 0", "start <= 0 and end < 0")
    _trips(check_bitcount_zero_start)


def test_planted_bitcount_equal_negatives_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_cmd(monkeypatch, _bitmaps(), "bitcount", "end < 0 and start > end",
               "end < 0 and start >= end")
    _trips(check_bitcount_zero_start)


def test_planted_bitpos_start_only_short(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_cmd(monkeypatch, _bitmaps(), "bitpos", "end = size - 1", "end = size - 2")
    _trips(check_bitpos_start_only)


def test_planted_bitop_first_source_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_cmd(monkeypatch, _bitmaps(), "bitop", "for x in srcs[1:]", "for x in srcs[0:]")
    _trips(check_bitop_sources_once)


@pytest.mark.parametrize("old,new", [("s.dirty += 1\n    elif", "s.dirty += 0\n    elif"),
                                     ("s.dirty += 1\n    elif", "s.dirty += 2\n    elif"),
                                     ("s.dirty += 1\n    return", "s.dirty += 2\n    return")])
def test_planted_bitop_dirty(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_cmd(monkeypatch, _bitmaps(), "bitop", old, new)
    _trips(check_bitop_dirty)


def test_planted_bitfield_width_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "_bitfield_type", "bits < 1", "bits < 0")
    _trips(check_bitfield_type_width)


def test_planted_unsigned_top_overflows(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "unsigned_overflow", "value > top", "value >= top")
    _trips(check_bitfield_unsigned_top)


@pytest.mark.parametrize("old,new", [("incr > top - value", "incr >= top - value"),
                                     ("incr < -value", "incr <= -value")])
def test_planted_unsigned_limit_overflows(monkeypatch: pytest.MonkeyPatch, old: str,
                                          new: str) -> None:
    plant(monkeypatch, _bitmaps(), "unsigned_overflow", old, new)
    _trips(check_bitfield_exact_limits)


def test_planted_i64_top_one_high(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "signed_overflow", "(1 << 63) - 1 if", "(1 << 63) if")
    _trips(check_bitfield_i64_limits)


@pytest.mark.parametrize("old,new,check", [
    ("value > top or", "value >= top or", "exact"),
    ("(bits != 64 and incr > maxincr)", "(bits != 64 and incr >= maxincr)", "exact"),
    ("incr > maxincr):", "incr >= maxincr):", "i64"),
    ("(bits != 64 and incr < minincr)", "(bits != 64 and incr <= minincr)", "exact"),
    ("incr < minincr):", "incr <= minincr):", "i64"),
    ("(1 << 63) - 1 if", "(2 << 63) - 1 if", "i64"),
    ("(1 << 63) - 1 if", "(0 << 63) - 1 if", "i64"),
    ("(1 << 63) - 1 if", "(1 << 63) - 2 if", "i64"),
    ("else (1 << (bits - 1)) - 1", "else (2 << (bits - 1)) - 1", "exact"),
    ("else (1 << (bits - 1)) - 1", "else (1 << (bits - 2)) - 1", "exact"),
    ("else (1 << (bits - 1)) - 1", "else (1 << (bits - 1)) - 2", "exact"),
    ("else (1 << (bits - 1)) - 1", "else (1 << (bits - 0)) - 1", "exact"),
])
def test_planted_signed_limits(monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                               check: str) -> None:
    plant(monkeypatch, _bitmaps(), "signed_overflow", old, new)
    _trips(check_bitfield_exact_limits if check == "exact" else check_bitfield_i64_limits)


@pytest.mark.parametrize("new", ["c &= (2 << bits) - 1", "c &= (1 << bits) - 2",
                                 "c &= (0 << bits) - 1"])
def test_planted_signed_wrap_mask(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    plant(monkeypatch, _bitmaps(), "signed_overflow", "c &= (1 << bits) - 1", new)
    _trips(check_bitfield_signed_wrap)


def test_planted_bitfield_counts_own_word(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "bitfield_generic", "remaining = argc - j - 1",
          "remaining = argc - j")
    _trips(check_bitfield_missing_arguments)


@pytest.mark.parametrize("new", ["remaining > 1", "remaining >= 1:\n            kind = "
                                 "_OVERFLOW.get(c_word(argv[j + 0]))",
                                 "remaining >= 1:\n            kind = "
                                 "_OVERFLOW.get(c_word(argv[j + 2]))"])
def test_planted_overflow_argument(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    old = ("remaining >= 1:\n            kind = _OVERFLOW.get(c_word(argv[j + 1]))"
           if "kind" in new else "remaining >= 1")
    plant(monkeypatch, _bitmaps(), "bitfield_generic", old, new)
    _trips(check_bitfield_missing_arguments)


def test_planted_bitfield_grows_one_bit_short(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _bitmaps(), "bitfield_generic", "offset + bits - 1)", "offset + bits - 2)")
    _trips(check_bitfield_growth_dirty)
