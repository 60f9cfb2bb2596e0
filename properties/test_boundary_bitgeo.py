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


# -- HyperLogLog (spec/types/hll.py, spec/commands/hyperloglog.py) --------------------------

_M = 0xC6A4A7935BD1E995
_M_INV = pow(_M, -1, 1 << 64)
_U64_MASK = (1 << 64) - 1


def element_with_hash(target: int) -> bytes:
    """The 8-byte element whose ``MurmurHash64A`` (seed ``0xadc83b19``) is ``target``: every
    step of the hash of one 8-byte block is invertible (multiplication by an odd constant
    modulo 2**64, ``x ^= x >> 47``), so an element can be made for any register index and
    any run of zeros, e.g. the longest run (value 51) that random elements never reach."""
    h = target
    h ^= h >> 47
    h = (h * _M_INV) & _U64_MASK
    h ^= h >> 47
    h = (h * _M_INV) & _U64_MASK  # (seed ^ 8 * m) ^ k, before the block's multiplication
    k = h ^ ((0xADC83B19 ^ (8 * _M)) & _U64_MASK)
    k = (k * _M_INV) & _U64_MASK
    k ^= k >> 47
    k = (k * _M_INV) & _U64_MASK
    return k.to_bytes(8, "little")


def _reg(index: int, value: int) -> bytes:
    """An element that sets register ``index`` (0..16383) to ``value`` (1..51)."""
    return element_with_hash(index | (1 << (14 + value - 1)) if value <= 50 else index)


def _registers(c: Session, key: bytes) -> list[int]:
    """PFDEBUG GETREG's 16384 registers (which makes the HLL dense)."""
    got = _call(c, b"PFDEBUG", b"GETREG", key)
    lines = got.split(b"\r\n")
    assert lines[0] == b"*16384", f"{NAME}: PFDEBUG GETREG {key!r}: {got[:40]!r}"
    return [int(x[1:]) for x in lines[1:-1]]


def check_hll_longest_run() -> None:
    """An element whose hash has its 50 bits above the register index all zero gets the
    largest register value, 51 (``hllPatLen``'s sentinel bit): PFADD of the element whose
    hash is 5 makes the HLL dense (51 > 32) with register 5 = 51 (redis-server 7.0.15,
    PFDEBUG GETREG); one whose hash is ``7 | 1 << 45`` gives register 7 the value 32."""
    c = Session()
    _expect(c, b":1\r\n", b"PFADD", b"hx", element_with_hash(5))
    _expect(c, b"+dense\r\n", b"PFDEBUG", b"ENCODING", b"hx")
    regs = _registers(c, b"hx")
    assert regs[5] == 51 and sum(regs) == 51, f"{NAME}: longest run: register 5 = {regs[5]}"
    c.call(b"PFADD", b"hy", element_with_hash(7 | 1 << 45))
    _expect(c, b"+sparse\r\n", b"PFDEBUG", b"ENCODING", b"hy")
    assert _registers(c, b"hy")[7] == 32, f"{NAME}: a run of 31 zeros is not value 32"


def _hll_header(enc: int, card: int, n: int = 8) -> bytes:
    """An HLL header: magic, encoding, three unused bytes, ``n`` bytes of the cached
    cardinality (little endian)."""
    return b"HYLL" + bytes([enc, 0, 0, 0]) + card.to_bytes(8, "little")[:n]


def check_hll_header_only() -> None:
    """A string of exactly the 16-byte header (sparse, valid cache 5) is an HLL: PFCOUNT
    answers the cached 5, PFADD finds no register code (INVALIDOBJ, nothing changed, PFCOUNT
    still 5); one byte shorter it is not an HLL (WRONGTYPE)."""
    c = Session()
    c.call(b"SET", b"h16", _hll_header(1, 5))
    _expect(c, b":5\r\n", b"PFCOUNT", b"h16")
    _expect(c, b"-INVALIDOBJ Corrupted HLL object detected\r\n", b"PFADD", b"h16", b"a")
    _expect(c, b":5\r\n", b"PFCOUNT", b"h16")
    c.call(b"SET", b"h15", _hll_header(1, 5, 7))
    _expect(c, b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n",
            b"PFCOUNT", b"h15")


def check_hll_xzero_of_one() -> None:
    """An XZERO opcode of one register (``\\x40\\x00``, which Redis never writes but
    reads) spans one register: header + ``Z:1 Z:16383`` is a valid empty HLL (PFCOUNT 0,
    DECODE ``Z:1 Z:16383``, PFADD a edits it to ``Z:1 Z:12710 v:2,1 Z:3672``); with
    ``Z:16382`` after it the code covers 16383 registers: INVALIDOBJ."""
    stale = _hll_header(1, 1 << 63)
    c = Session()
    c.call(b"SET", b"hz", stale + b"\x40\x00\x7f\xfe")
    _expect(c, b":0\r\n", b"PFCOUNT", b"hz")
    _expect(c, b"$11\r\nZ:1 Z:16383\r\n", b"PFDEBUG", b"DECODE", b"hz")
    c.call(b"SET", b"hz2", stale + b"\x40\x00\x7f\xfe")
    _expect(c, b":1\r\n", b"PFADD", b"hz2", b"a")
    _expect(c, b"$24\r\nZ:1 Z:12710 v:2,1 Z:3672\r\n", b"PFDEBUG", b"DECODE", b"hz2")
    c.call(b"SET", b"hz3", stale + b"\x40\x00\x7f\xfd")
    _expect(c, b"-INVALIDOBJ Corrupted HLL object detected\r\n", b"PFCOUNT", b"hz3")


def check_hll_cut_xzero() -> None:
    """A lone ``\\x40`` at the end of the code (an XZERO cut after its first byte) reads the
    string's NUL terminator as its second byte: XZERO of one register. Header +
    ``Z:16383`` + ``\\x40`` is a valid empty HLL (PFCOUNT 0, DECODE ``Z:16383 Z:1``), and
    PFADD a edits it to ``Z:12711 v:2,1 Z:3671 Z:1`` (22 bytes)."""
    stale = _hll_header(1, 1 << 63)
    c = Session()
    c.call(b"SET", b"hc", stale + b"\x7f\xfe\x40")
    _expect(c, b":0\r\n", b"PFCOUNT", b"hc")
    _expect(c, b"$11\r\nZ:16383 Z:1\r\n", b"PFDEBUG", b"DECODE", b"hc")
    c.call(b"SET", b"hc2", stale + b"\x7f\xfe\x40")
    _expect(c, b":1\r\n", b"PFADD", b"hc2", b"a")
    _expect(c, b"$24\r\nZ:12711 v:2,1 Z:3671 Z:1\r\n", b"PFDEBUG", b"DECODE", b"hc2")
    _expect(c, b":22\r\n", b"STRLEN", b"hc2")


_STALE = b"HYLL\x01" + bytes(10) + b"\x80"  # a sparse header whose cache is stale


def _z(n: int) -> bytes:
    """A sparse ZERO (n <= 64) or XZERO opcode of ``n`` registers."""
    return bytes([n - 1]) if n <= 64 else bytes([0x40 | ((n - 1) >> 8), (n - 1) & 0xFF])


def _v(value: int, n: int) -> bytes:
    """A sparse VAL opcode: ``n`` (1..4) registers of ``value`` (1..32)."""
    return bytes([0x80 | ((value - 1) << 2) | (n - 1)])


def _sparse_case(c: Session, key: bytes, code: bytes, max_bytes: int,
                 elements: list[bytes], encoding: bytes, decode: bytes | None) -> None:
    """SET ``key`` to a sparse HLL of opcodes ``code``, PFADD ``elements`` in one command
    under ``hll-sparse-max-bytes`` ``max_bytes``; the encoding it ends in, and its DECODE."""
    c.call(b"CONFIG", b"SET", b"hll-sparse-max-bytes", max_bytes)
    c.call(b"SET", key, _STALE + code)
    _expect(c, b":1\r\n", b"PFADD", key, *elements)
    _expect(c, b"+" + encoding + b"\r\n", b"PFDEBUG", b"ENCODING", key)
    if decode is not None:
        _expect(c, b"$%d\r\n%s\r\n" % (len(decode), decode), b"PFDEBUG", b"DECODE", key)


def check_hll_promotion_threshold() -> None:
    """``hllSparseSet`` promotes when an edit that grows the code (``deltalen > 0``) would
    take the string past ``hll-sparse-max-bytes``; reaching it exactly is fine, and an edit
    that does not grow it never promotes, even above the limit. Each case counts the bytes
    of the edits made before in the same PFADD (redis-server 7.0.15):

    - fresh HLL, PFADD a (21 bytes): sparse under 21, dense under 20;
    - ``Z:65 Z:16319`` (20 bytes) under 19: register 0 = 1 splits the XZERO into
      ``v:1,1 z:64`` (no growth): sparse;
    - ``v:2,2 Z:16382``: register 1 = 3 (+1 byte), register 100 = 1 (+3): sparse under 23,
      dense under 22;
    - ``Z(1) Z:16383`` with a two-byte XZERO of one register: register 0 = 1 (-1 byte),
      register 100 = 1 (+3): sparse under 22 (22 bytes);
    - ``z:2 Z:16382``: register 0 = 1 (+1), register 100 = 1 (+3): sparse under 23."""
    c = Session()
    _sparse_case(c, b"a1", _z(16384), 21, [b"a"], b"sparse", b"Z:12711 v:2,1 Z:3672")
    _sparse_case(c, b"a2", _z(16384), 20, [b"a"], b"dense", None)
    _sparse_case(c, b"b", _z(65) + _z(16319), 19, [_reg(0, 1)], b"sparse",
                 b"v:1,1 z:64 Z:16319")
    _sparse_case(c, b"c1", _v(2, 2) + _z(16382), 23, [_reg(1, 3), _reg(100, 1)], b"sparse",
                 b"v:2,1 v:3,1 Z:98 v:1,1 Z:16283")
    _sparse_case(c, b"c2", _v(2, 2) + _z(16382), 22, [_reg(1, 3), _reg(100, 1)], b"dense",
                 None)
    _sparse_case(c, b"d", b"\x40\x00" + _z(16383), 22, [_reg(0, 1), _reg(100, 1)],
                 b"sparse", b"v:1,1 Z:99 v:1,1 Z:16283")
    _expect(c, b":22\r\n", b"STRLEN", b"d")
    _sparse_case(c, b"e", _z(2) + _z(16382), 23, [_reg(0, 1), _reg(100, 1)], b"sparse",
                 b"v:1,1 z:1 Z:98 v:1,1 Z:16283")
    _expect(c, b":23\r\n", b"STRLEN", b"e")


def check_hll_val_split() -> None:
    """Raising one register of a VAL run splits it where the register is (``v:2,3`` over
    registers 0..2 raised to 3): in the middle ``v:2,1 v:3,1 v:2,1``, at its last register
    ``v:2,2 v:3,1``, at its first ``v:3,1 v:2,2``."""
    c = Session()
    for key, index, want in ((b"m", 1, b"v:2,1 v:3,1 v:2,1 Z:16381"),
                             (b"l", 2, b"v:2,2 v:3,1 Z:16381"),
                             (b"f", 0, b"v:3,1 v:2,2 Z:16381")):
        _sparse_case(c, key, _v(2, 3) + _z(16381), 3000, [_reg(index, 3)], b"sparse", want)


def check_hll_merge_window() -> None:
    """After an edit, adjacent equal VALs are fused from the opcode *before* the edited one
    (none before the first): ``Z:16383 v:2,1`` with register 0 = 2 is ``v:2,1 Z:16382
    v:2,1`` (the first and last opcodes are not neighbours); ``v:2,1 Z:16382 v:2,1`` with
    register 5 = 3 is ``v:2,1 z:4 v:3,1 Z:16377 v:2,1``."""
    c = Session()
    _sparse_case(c, b"g", _z(16383) + _v(2, 1), 3000, [_reg(0, 2)], b"sparse",
                 b"v:2,1 Z:16382 v:2,1")
    _sparse_case(c, b"g2", _v(2, 1) + _z(16382) + _v(2, 1), 3000, [_reg(5, 3)], b"sparse",
                 b"v:2,1 z:4 v:3,1 Z:16377 v:2,1")


def check_hll_merge_budget() -> None:
    """The fusing pass looks at five opcodes: an edit of register 0 (a ``z:1`` made
    ``v:3,1``) fuses an equal pair at opcodes 4-5 (``v:7,1 v:7,1`` -> ``v:7,2``) but not one
    at opcodes 5-6; a pair that ends the code is fused (``Z:16383 v:2,1`` with register
    16382 = 2 is ``Z:16382 v:2,2``)."""
    c = Session()
    head = _z(1) + _v(5, 1) + _z(1) + _v(5, 1)
    _sparse_case(c, b"w", head + _z(1) + _v(7, 1) + _v(7, 1) + _z(16377), 3000, [_reg(0, 3)],
                 b"sparse", b"v:3,1 v:5,1 z:1 v:5,1 z:1 v:7,1 v:7,1 Z:16377")
    _sparse_case(c, b"w3", head + _v(7, 1) + _v(7, 1) + _z(16378), 3000, [_reg(0, 3)],
                 b"sparse", b"v:3,1 v:5,1 z:1 v:5,1 v:7,2 Z:16378")
    _sparse_case(c, b"w2", _z(16383) + _v(2, 1), 3000, [_reg(16382, 2)], b"sparse",
                 b"Z:16382 v:2,2")


def check_hll_fuse_to_four() -> None:
    """Two equal VALs fuse when the run is at most 4 (``v:2,3`` + register 3 = 2 is
    ``v:2,4``), and the fused byte counts: with register 100 = 1 in the same PFADD the
    string is 22 bytes, sparse under ``hll-sparse-max-bytes`` 22, dense under 21."""
    c = Session()
    elements = [_reg(3, 2), _reg(100, 1)]
    _sparse_case(c, b"f", _v(2, 3) + _z(16381), 22, elements, b"sparse",
                 b"v:2,4 Z:96 v:1,1 Z:16283")
    _expect(c, b":22\r\n", b"STRLEN", b"f")
    _sparse_case(c, b"f2", _v(2, 3) + _z(16381), 21, elements, b"dense", None)


def _dense(regs: list[int]) -> bytes:
    """A dense HLL (stale cache) holding ``regs``."""
    from redspec.spec.types.hll import pack_dense
    return b"HYLL\x00" + bytes(10) + b"\x80" + pack_dense(bytes(regs))


def check_hll_estimator_top_registers() -> None:
    """``hllCount``'s correction for registers at the largest value, 51 (``hllTau`` of the
    share of registers below it, weighted 2**-50): visible only when every register is
    high. Dense HLLs, redis-server 7.0.15 PFCOUNT: 16000 registers at 51 and the rest at 42:
    2157277031814312704; 12000 at 51, the rest at 40: 48528914875487312; 8192 at 51, the
    rest at 44: 413889339930158592."""
    c = Session()
    for a, low, want in ((16000, 42, 2157277031814312704), (12000, 40, 48528914875487312),
                         (8192, 44, 413889339930158592)):
        c.call(b"SET", b"e", _dense([51] * a + [low] * (16384 - a)))
        _expect(c, b":%d\r\n" % want, b"PFCOUNT", b"e")


def check_hll_estimate_rounds_half_up() -> None:
    """``llroundl`` rounds an estimate whose fraction is exactly one half away from zero:
    154 registers at 37 and the rest at 36 estimate 816000067323500.5, PFCOUNT
    816000067323501; 189 at 37: 816876705721128.5, PFCOUNT 816876705721129 (redis-server
    7.0.15)."""
    c = Session()
    for a, want in ((154, 816000067323501), (189, 816876705721129)):
        c.call(b"SET", b"r", _dense([37] * a + [36] * (16384 - a)))
        _expect(c, b":%d\r\n" % want, b"PFCOUNT", b"r")


def check_hll_overlong_code_promoted() -> None:
    """A sparse code covering more than 16384 registers (``Z:16384 z:5``) edits fine below
    the end, but a promotion (value 51 > 32) finds it corrupted: PFADD INVALIDOBJ."""
    c = Session()
    c.call(b"SET", b"o", _STALE + _z(16384) + _z(5))
    _expect(c, b"-INVALIDOBJ Corrupted HLL object detected\r\n", b"PFADD", b"o",
            element_with_hash(5))


def check_hll_count_overflow() -> None:
    """An estimate past the ``long long`` range (every register at 51) is ``llroundl``'s
    LLONG_MIN, shown signed: PFCOUNT -9223372036854775808, of one key and of a union."""
    c = Session()
    c.call(b"SET", b"all51", _dense([51] * 16384))
    c.call(b"PFADD", b"sp", b"a")
    _expect(c, b":-9223372036854775808\r\n", b"PFCOUNT", b"all51")
    _expect(c, b":-9223372036854775808\r\n", b"PFCOUNT", b"all51", b"sp")


def check_pfmerge_dense_source() -> None:
    """PFMERGE turns the destination dense when any source is dense, even if the registers
    would fit a sparse code (a dense source with register 0 = 1): a new destination and a
    sparse one both end dense; each PFMERGE counts one change (``dirty`` +1)."""
    c = Session()
    c.call(b"SET", b"dn", _dense([1] + [0] * 16383))
    c.call(b"PFADD", b"sp", b"a")
    for dest in (b"dst", b"sp"):
        got = _dirty(c, b"PFMERGE", dest, b"dn")
        assert got == 1, f"{NAME}: PFMERGE {dest!r} dn: dirty +{got}"
        _expect(c, b"+dense\r\n", b"PFDEBUG", b"ENCODING", dest)
    got = _dirty(c, b"PFMERGE", b"sp", b"nokey")
    assert got == 1, f"{NAME}: PFMERGE sp nokey: dirty +{got}"


def check_hll_keys_follow_command_name() -> None:
    """PFCOUNT and PFMERGE read the keys after the command name: keys named ``PFCOUNT`` and
    ``PFMERGE`` holding plain strings do not get in the way (PFCOUNT sp dn is 2)."""
    c = Session()
    c.call(b"SET", b"dn", _dense([1] + [0] * 16383))
    c.call(b"PFADD", b"sp", b"a")
    c.call(b"SET", b"PFCOUNT", b"x")
    c.call(b"SET", b"PFMERGE", b"x")
    _expect(c, b":2\r\n", b"PFCOUNT", b"sp", b"dn")
    _expect(c, b"+OK\r\n", b"PFMERGE", b"sp", b"dn")


def check_pfmerge_promotes_and_dense_dest() -> None:
    """PFMERGE of sparse HLLs into a sparse destination sets its registers one at a time and
    is promoted when the code outgrows ``hll-sparse-max-bytes`` (4 registers under 20:
    dense, PFCOUNT 4); PFMERGE into a dense destination stays dense (PFCOUNT 5)."""
    c = Session()
    c.call(b"PFADD", b"src", b"a", b"b", b"c", b"d")
    c.call(b"CONFIG", b"SET", b"hll-sparse-max-bytes", 20)
    _expect(c, b"+OK\r\n", b"PFMERGE", b"dst", b"src")
    _expect(c, b"+dense\r\n", b"PFDEBUG", b"ENCODING", b"dst")
    _expect(c, b":4\r\n", b"PFCOUNT", b"dst")
    c.call(b"SET", b"dn", _dense([1] + [0] * 16383))
    _expect(c, b"+OK\r\n", b"PFMERGE", b"dn", b"src")
    _expect(c, b"+dense\r\n", b"PFDEBUG", b"ENCODING", b"dn")
    _expect(c, b":5\r\n", b"PFCOUNT", b"dn")


def check_pfdebug_todense() -> None:
    """PFDEBUG TODENSE answers 1 when it converted a sparse HLL (one change, ``dirty`` +1)
    and 0 for one already dense (no change); GETREG of a sparse HLL converts it too (+1)."""
    c = Session()
    c.call(b"PFADD", b"t", b"a")
    for want, d in ((b":1\r\n", 1), (b":0\r\n", 0)):
        before = c.state.dirty
        _expect(c, want, b"PFDEBUG", b"TODENSE", b"t")
        assert c.state.dirty - before == d, f"{NAME}: PFDEBUG TODENSE: dirty not +{d}"
    c.call(b"PFADD", b"t2", b"a")
    got = _dirty(c, b"PFDEBUG", b"GETREG", b"t2")
    assert got == 1, f"{NAME}: PFDEBUG GETREG of a sparse HLL: dirty +{got}"


def check_hll_index_past_code() -> None:
    """A sparse code that stops before the element's register (``Z:12711``, element ``a``
    at register 12711) is corrupted: PFADD answers INVALIDOBJ."""
    c = Session()
    c.call(b"SET", b"i", _STALE + _z(12711))
    _expect(c, b"-INVALIDOBJ Corrupted HLL object detected\r\n", b"PFADD", b"i", b"a")


# -- GEO (spec/types/geohash.py, spec/commands/geo.py) -------------------------------------


def _grid(c: Session, key: bytes, lon0: float, lat0: float, n: int = 3, d: float = 0.2) -> None:
    """GEOADD a (2n+1)^2 grid of members ``m<i>_<j>`` around (lon0, lat0), d degrees apart."""
    args: list[bytes | str] = []
    for i in range(-n, n + 1):
        for j in range(-n, n + 1):
            args += [repr(round(lon0 + i * d, 6)), repr(round(lat0 + j * d, 6)), f"m{i}_{j}"]
    c.call(b"GEOADD", key, *args)


def _geo_queries(c: Session) -> list[tuple[str, ...]]:
    """The set-up of :func:`check_geo_searches_as_redis` and its queries."""
    for lat in (66, -66, 80, -80, 0, 85):
        _grid(c, b"g%d" % lat, 10.0, float(lat) if lat != 85 else 84.4)
    q: list[tuple[str, ...]] = []
    for lat in (66, -66, 80, -80, 0):
        for r in (20, 30, 60, 300):
            q.append(("GEOSEARCH", f"g{lat}", "FROMLONLAT", "10", str(lat), "BYRADIUS", str(r),
                      "km"))
            q.append(("GEOSEARCH", f"g{lat}", "FROMLONLAT", "10", str(lat), "BYBOX", str(r),
                      str(r), "km"))
    for r in (20, 60, 300, 3000):
        q.append(("GEOSEARCH", "g85", "FROMLONLAT", "10", "85.05112878", "BYRADIUS", str(r), "km"))
        q.append(("GEOSEARCH", "g85", "FROMLONLAT", "10", "85", "BYBOX", str(r), str(r * 2), "km"))
    args: list[str] = []
    for i in range(5):
        for j in range(-2, 3):
            args += [repr(round(179.6 + i * 0.1, 6)), repr(j * 0.1), f"e{i}_{j}",
                     repr(round(-179.6 - i * 0.1, 6)), repr(j * 0.1), f"w{i}_{j}"]
    c.call(b"GEOADD", b"am", *args)
    for r in (5, 20, 50, 200):
        q.append(("GEOSEARCH", "am", "FROMLONLAT", "180", "0", "BYRADIUS", str(r), "km"))
        q.append(("GEOSEARCH", "am", "FROMLONLAT", "-180", "0", "BYBOX", str(r), str(r), "km"))
        q.append(("GEOSEARCH", "am", "FROMLONLAT", "179.95", "0.05", "BYRADIUS", str(r), "km"))
    for m in ("m0_0", "m1_1", "m-3_3"):
        q.append(("GEOSEARCH", "g66", "FROMMEMBER", m, "BYRADIUS", "0", "m"))
        q.append(("GEOSEARCH", "g66", "FROMMEMBER", m, "BYBOX", "0", "0", "m"))
        q.append(("GEOSEARCH", "g66", "FROMMEMBER", m, "BYRADIUS", "0.001", "m"))
    for r in ("10000", "5000", "20000", "0.5"):
        q.append(("GEOSEARCH", "g0", "FROMLONLAT", "10", "0", "BYRADIUS", r, "km"))
    _grid(c, b"d0", 10.2, 0.17, 5, 0.03)  # around a corner of the 10-step cells
    for lat in (81, -81, 67, -67):  # just past the two step corrections
        _grid(c, b"h%d" % lat, 10.0, float(lat), 3, 0.05)
        for r in ("1", "3", "6", "12", "25"):
            q.append(("GEOSEARCH", f"h{lat}", "FROMLONLAT", "10", str(lat), "BYRADIUS", r, "km"))
    for lat in ("85", "0", "-70"):  # huge radii: the step clamped to 1
        for r in ("10000", "15000", "19000"):
            q.append(("GEOSEARCH", "g0", "FROMLONLAT", "10", lat, "BYRADIUS", r, "km"))
    # radii that double to exactly MERCATOR_MAX (20037726.37 m / 2**k)
    for k in (6, 8, 10, 12, 14):
        r = repr(20037726.37 / 2**k)
        q.append(("GEOSEARCH", "g0", "FROMLONLAT", "10", "0", "BYRADIUS", r, "m"))
        q.append(("GEOSEARCH", "d0", "FROMLONLAT", "10.195", "0.166", "BYRADIUS", r, "m"))
        q.append(("GEOSEARCH", "g66", "FROMLONLAT", "10", "66", "BYRADIUS", r, "m"))
    for dx, dy in ((0.01, 0.01), (-0.01, 0.01), (0.01, -0.01), (-0.01, -0.01)):
        for r in ("8", "15", "25"):  # centres near each corner of their cell
            q.append(("GEOSEARCH", "d0", "FROMLONLAT", repr(10.195 + dx), repr(0.166 + dy),
                      "BYRADIUS", r, "km"))
    q += [("ZADD", "zneg", "-1", "a", "-inf", "b", "-1e300", "c", "-9223372036854775808", "d",
           "inf", "e", "1e300", "f", "-0.5", "g"),
          ("GEOPOS", "zneg", "a", "b", "c", "d", "e", "f", "g"),
          ("GEOHASH", "zneg", "a", "b", "c", "d", "e", "f", "g")]
    q += [("GEOADD", "x", "180", "85.05112878", "a", "-180", "-85.05112878", "b", "0", "0", "c",
           "180", "-85.05112878", "d"),
          ("GEOPOS", "x", "a", "b", "c", "d"), ("GEOHASH", "x", "a", "b", "c", "d"),
          ("GEODIST", "x", "a", "b"), ("GEODIST", "x", "a", "d"),
          ("GEOSEARCH", "x", "FROMLONLAT", "180", "85.05112878", "BYRADIUS", "100", "km",
           "WITHCOORD", "WITHDIST", "WITHHASH"),
          ("GEOSEARCH", "x", "FROMLONLAT", "-180", "-85.05112878", "BYBOX", "100", "100", "km",
           "WITHCOORD")]
    return q


#: The first 16 hex digits of the sha256 of redis-server 7.0.15's reply to each query of
#: :func:`_geo_queries`, in order (recorded from a server started for the purpose, RESP2).
GEO_DIGESTS = [
    "1c5c86abbe04749e", "ed994c2d51f7c78f", "65a5545b43bd1e71", "ed994c2d51f7c78f", "cd1208216f695288",
    "5982cf8eb626d647", "fff3fafab2a9f98e", "fff3fafab2a9f98e", "1c5c86abbe04749e", "ed994c2d51f7c78f",
    "342110f255ae099f", "ed994c2d51f7c78f", "a0111dc4fc174190", "b74a81d8ce733886", "1ff1c660a10e1f8b",
    "96b069e61705a40d", "b00a9b2abd0842d7", "1c5c86abbe04749e", "a9d5ef4e2d778697", "b00a9b2abd0842d7",
    "41c695b85be51e8b", "a9d5ef4e2d778697", "0bc0a666636ed19b", "0bc0a666636ed19b", "b00a9b2abd0842d7",
    "1c5c86abbe04749e", "e6af8113f0923ebf", "b00a9b2abd0842d7", "2108620f8cafa1b1", "e6af8113f0923ebf",
    "7739fc779718f823", "7739fc779718f823", "c7937c3ecd75eac1", "c7937c3ecd75eac1", "3d2615e8662d09d3",
    "c7937c3ecd75eac1", "e415927b0586aea9", "e5d1ad81f3ca978f", "92bd267d9ec97263", "92bd267d9ec97263",
    "d79a3db5af444d08", "d79a3db5af444d08", "29b9e3d15f5e2238", "29b9e3d15f5e2238", "ed9eee533445afc7",
    "ed9eee533445afc7", "ed9eee533445afc7", "ed9eee533445afc7", "0992ca9c02edf7b2", "95bfec8471f10763",
    "952a6ed8eedc7650", "22f967b586c3154a", "95bfec8471f10763", "6843c61938b26106", "168d895dc6e8ca6a",
    "5d56e6592be70b75", "84c02ff6a4991026", "168d895dc6e8ca6a", "2ea5e9c85483475b", "74ac37770c80539c",
    "c7937c3ecd75eac1", "c7937c3ecd75eac1", "c7937c3ecd75eac1", "120f4c5d5c71d538", "120f4c5d5c71d538",
    "120f4c5d5c71d538", "cf348f7bb8b22c44", "cf348f7bb8b22c44", "cf348f7bb8b22c44", "92bd267d9ec97263",
    "92bd267d9ec97263", "92bd267d9ec97263", "c7937c3ecd75eac1", "f6cb03c1f5d723d9", "f28f83e958cb95c2",
    "07b55843905a124f", "60a6644da951a69f", "523867259ddff6c7", "f6cb03c1f5d723d9", "f28f83e958cb95c2",
    "56026196dee3f179", "e899906a87788965", "ab1e7cffc8667bc3", "c7937c3ecd75eac1", "f6cb03c1f5d723d9",
    "597ba5d3b936edf4", "baf03db9fab07da9", "2d1099d70c79b830", "c7937c3ecd75eac1", "f6cb03c1f5d723d9",
    "130605c07f4b0f21", "e0574c6f21df0113", "7ece46e7e189f0ad", "92bd267d9ec97263", "92bd267d9ec97263",
    "92bd267d9ec97263", "92bd267d9ec97263", "92bd267d9ec97263", "92bd267d9ec97263", "dada5f2116e563a6",
    "dada5f2116e563a6", "dada5f2116e563a6", "92bd267d9ec97263", "c14b1facebdec1e3", "fff3fafab2a9f98e",
    "7b5e6759714fc425", "c14b1facebdec1e3", "fff3fafab2a9f98e", "c7937c3ecd75eac1", "3ba2c74d6cdb3732",
    "1c5c86abbe04749e", "c7937c3ecd75eac1", "d8ccb3db9b6a033d", "c7937c3ecd75eac1", "c7937c3ecd75eac1",
    "c7937c3ecd75eac1", "c7937c3ecd75eac1", "73180faf0787c2f5", "3b494e98aff0e7bb", "c14b1facebdec1e3",
    "5bb5fe6e6f8c0d23", "d8cf203d079cf528", "4280b40b6a9f2efb", "cbf2667f6df59415", "a7ee73cda80d0fdf",
    "a13b343b39070b05", "c866ee0b72b96bbf", "a72f8b27fc36b6b3", "86d1c87ca06e5ac0", "c76d9b08581cca0a",
    "95687a9629546765", "c145d98390ec515f", "c18106eee0f74efb", "01c7f3fe09be23c2", "d5ed979014e090f2",
    "2be54ec876e7eace", "2be54ec876e7eace", "e427ca42bf7b5735", "8ed61b6a69ac3d4c",
]


def check_geo_searches_as_redis() -> None:
    """GEOSEARCH without ASC/DESC answers in Redis's visiting order of the nine cells, so
    its reply shows the step ``geohashEstimateStepsByRadius`` chose (one less above
    latitude 66 and again above 80, in both hemispheres; exactly 66 and 80 are not above),
    the neighbours kept or dropped against the bounding box, the wrap-around at longitude
    ±180 and the distance tests (a member at distance 0 is inside radius 0 and box 0x0).
    Grids of members at latitudes 0, ±66, ±80 and near 85, across the antimeridian, and
    positions at the very limits (GEOPOS, GEOHASH, GEODIST of lon ±180, lat ±85.05112878):
    every reply is byte-equal to redis-server 7.0.15's (compared by digest)."""
    import hashlib
    c = Session()
    queries = _geo_queries(c)
    assert len(queries) == len(GEO_DIGESTS), f"{NAME}: setup: {len(queries)} queries"
    for argv, want in zip(queries, GEO_DIGESTS, strict=True):
        got = _call(c, *argv)
        assert hashlib.sha256(got).hexdigest()[:16] == want, \
            f"{NAME}: {argv!r}: {got[:120]!r}... differs from redis-server 7.0.15's reply"


def _geo_arg_queries(c: Session) -> list[tuple[str, ...]]:
    """The set-up of :func:`check_geo_arguments_as_redis` and its queries."""
    _grid(c, b"ga", 10.0, 10.0, 3, 0.1)
    base = ("GEOSEARCH", "ga", "FROMLONLAT", "10", "10")
    q: list[tuple[str, ...]] = [
        ("GEOADD", "ga", "NX", "CH", "XX"), ("GEOADD", "ga", "NX", "CH", "CH"),
        ("GEOSEARCH", "ga", "FROMLONLAT", "10", "10", "BYRADIUS", "30"),
        ("GEOSEARCH", "ga", "FROMLONLAT", "10", "10", "BYBOX", "30", "30"),
        ("GEOSEARCH", "ga", "BYRADIUS", "30", "km", "WITHDIST", "FROMMEMBER"),
        ("GEODIST", "ga", "m0_0", "m1_1", "km"), ("GEODIST", "ga", "m0_0", "m1_1", "km", "x"),
        (*base, "BYRADIUS", "30", "km", "COUNT"), (*base, "BYRADIUS", "30", "km", "COUNT", "0"),
        (*base, "BYRADIUS", "30", "km", "FROMMEMBER"),
        ("GEOSEARCH", "ga", "BYRADIUS", "30", "km", "FROMMEMBER", "m1_1"),
        ("GEOSEARCH", "ga", "BYRADIUS", "30", "km", "FROMLONLAT", "10"),
        ("GEOSEARCH", "ga", "FROMMEMBER", "m0_0", "BYRADIUS", "30"),
        ("GEOSEARCH", "ga", "FROMMEMBER", "m0_0", "BYBOX", "30", "30"),
        ("GEORADIUS", "ga", "10", "10", "30", "km", "STORE"),
        ("GEORADIUS", "ga", "10", "10", "30", "km", "STOREDIST"),
        ("GEORADIUS", "ga", "10", "10", "30", "km", "FROMMEMBER", "m0_0"),
        ("GEORADIUS", "ga", "10", "10", "30", "km", "STORE", "st1"),
        ("ZRANGE", "st1", "0", "-1", "WITHSCORES"),
        ("GEORADIUS", "ga", "10", "10", "30", "km", "STOREDIST", "st2"),
        ("ZRANGE", "st2", "0", "-1", "WITHSCORES"),
        ("GEORADIUS_RO", "ga", "10", "10", "20", "km"),
        ("GEORADIUSBYMEMBER", "ga", "m0_0", "20", "km"),
        ("GEORADIUSBYMEMBER_RO", "ga", "m0_0", "20", "km", "WITHDIST"),
        ("GEORADIUSBYMEMBER", "ga", "nomember", "20", "km"),
        ("GEORADIUSBYMEMBER", "nokey", "m0_0", "20", "km"),
        ("GEORADIUSBYMEMBER_RO", "ga", "nomember", "20", "km"),
    ]
    for opts in (("COUNT", "3"), ("COUNT", "3", "DESC"), ("COUNT", "1", "ASC"),
                 ("COUNT", "5", "DESC", "WITHDIST"), ("COUNT", "2", "ANY"),
                 ("COUNT", "2", "ANY", "ASC"), ("COUNT", "7", "ANY", "DESC"),
                 ("COUNT", "40", "DESC"), ("COUNT", "12", "ASC", "WITHDIST")):
        q.append((*base, "BYRADIUS", "30", "km", *opts))
        q.append((*base, "BYBOX", "40", "30", "km", *opts))
    return q


#: As :data:`GEO_DIGESTS`, for :func:`_geo_arg_queries`.
GEO_ARG_DIGESTS = [
    "a517fed3bb42c2f1", "a517fed3bb42c2f1", "a517fed3bb42c2f1", "a517fed3bb42c2f1", "a517fed3bb42c2f1",
    "eb4ef2a1f8140ab2", "a517fed3bb42c2f1", "a517fed3bb42c2f1", "b40d2436f2e06dd0", "a517fed3bb42c2f1",
    "848da2cf78f19d32", "a517fed3bb42c2f1", "4f24dea3717cab12", "a517fed3bb42c2f1", "a517fed3bb42c2f1",
    "a517fed3bb42c2f1", "a517fed3bb42c2f1", "16cdb6cb3bbd0bcb", "ce656781a8b73f69", "16cdb6cb3bbd0bcb",
    "13481e2e373a2cc8", "ad3ae1487f21a58c", "ad3ae1487f21a58c", "f9d13a7975a6f030", "69538efef93ae58d",
    "952a6ed8eedc7650", "69538efef93ae58d", "ed994c2d51f7c78f", "ed994c2d51f7c78f", "649bb9947726f2bb",
    "78db21bc46d0c216", "c7937c3ecd75eac1", "c7937c3ecd75eac1", "e4c6151ae3c7e499", "5dcdeb97af0a446d",
    "1c0849ea8dbcabfb", "1c0849ea8dbcabfb", "80998be0a0f9e1ee", "80998be0a0f9e1ee", "5bbdc140539ec23e",
    "3866e3572df02649", "db01b05d71516088", "4e7a96900ab8b5b6", "fa51b145a7ebda5b", "15aab3d2d76c41ab",
]


def check_geo_arguments_as_redis() -> None:
    """GEO argument parsing at its edges, and COUNT's sorting: options that end the command
    without their value (COUNT, FROMMEMBER, FROMLONLAT, BYRADIUS, BYBOX, STORE, STOREDIST),
    options the command does not take, GEOADD with only options, GEODIST with one argument
    too many, STORE (hashes) against STOREDIST (distances), the _RO and BYMEMBER variants,
    and COUNT n [ANY] with ASC/DESC (Redis's partial pqsort of the first n): every reply
    byte-equal to redis-server 7.0.15's (compared by digest)."""
    import hashlib
    c = Session()
    queries = _geo_arg_queries(c)
    assert len(queries) == len(GEO_ARG_DIGESTS), f"{NAME}: setup: {len(queries)} queries"
    for argv, want in zip(queries, GEO_ARG_DIGESTS, strict=True):
        got = _call(c, *argv)
        assert hashlib.sha256(got).hexdigest()[:16] == want, \
            f"{NAME}: {argv!r}: {got[:120]!r}... differs from redis-server 7.0.15's reply"


def check_geosearchstore_empty_dirty() -> None:
    """GEOSEARCHSTORE with no match deletes an existing destination: one change (``dirty``
    +1); with no destination to delete, none."""
    c = Session()
    _grid(c, b"ga", 10.0, 10.0, 1, 0.1)
    c.call(b"SET", b"dst", b"x")
    argv = (b"GEOSEARCHSTORE", b"dst", b"ga", b"FROMLONLAT", b"50", b"50", b"BYRADIUS", b"1",
            b"km")
    for want in (1, 0):
        got = _dirty(c, *argv)
        assert got == want, f"{NAME}: GEOSEARCHSTORE of nothing: dirty +{got}, not +{want}"


CHECKS = [check_bitfield_i64_wrap, check_bit_write_existing_key_events,
          check_getbit_first_byte_past_end, check_bit_byte_units, check_bitcount_zero_start,
          check_bitpos_start_only, check_bitop_sources_once, check_bitop_dirty,
          check_bitfield_type_width, check_bitfield_unsigned_top, check_bitfield_exact_limits,
          check_bitfield_i64_limits, check_bitfield_signed_wrap,
          check_bitfield_missing_arguments, check_bitfield_growth_dirty,
          check_hll_longest_run, check_hll_header_only,
          check_hll_xzero_of_one, check_hll_cut_xzero, check_hll_promotion_threshold,
          check_hll_val_split, check_hll_merge_window, check_hll_index_past_code,
          check_hll_merge_budget, check_hll_fuse_to_four, check_hll_estimator_top_registers,
          check_hll_estimate_rounds_half_up, check_hll_overlong_code_promoted,
          check_hll_count_overflow, check_pfmerge_dense_source,
          check_hll_keys_follow_command_name, check_pfmerge_promotes_and_dense_dest,
          check_pfdebug_todense, check_geo_searches_as_redis, check_geo_arguments_as_redis,
          check_geosearchstore_empty_dirty]


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


def _hll() -> Any:
    from redspec.spec.types import hll
    return hll


@pytest.mark.parametrize("new", ["(0 << Q)", "(2 << Q)"])
def test_planted_pat_len_sentinel(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    plant(monkeypatch, _hll(), "pat_len", "(1 << Q)", new)
    _trips(check_hll_longest_run)


def test_planted_header_only_not_hll(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _hll(), "is_hll", "n < HDR_SIZE", "n <= HDR_SIZE")
    _trips(check_hll_header_only)


def test_planted_xzero_of_one_span(monkeypatch: pytest.MonkeyPatch) -> None:
    hll = _hll()
    span = plant(monkeypatch, hll, "_span", "code >= 0x4000", "code > 0x4000")
    monkeypatch.setattr(hll, "_SPANS", [span(c) for c in range(0x8000)])
    _trips(check_hll_xzero_of_one)


def test_planted_cut_xzero_code(monkeypatch: pytest.MonkeyPatch) -> None:
    hll = _hll()
    token = plant(monkeypatch, hll, "_token_code", "0x40 <= t[0]", "0x40 < t[0]")
    codes = dict(hll._CODES)
    codes.update({bytes([b]): token(bytes([b])) for b in range(256)})
    monkeypatch.setattr(hll, "_CODES", codes)
    _trips(check_hll_cut_xzero)


def test_planted_xzero_of_one_encoded_short(monkeypatch: pytest.MonkeyPatch) -> None:
    hll = _hll()
    monkeypatch.setattr(hll, "_OPBYTES", [
        bytes([c >> 8, c & 0xFF]) if c > 0x4000 else bytes([c & 0xFF]) for c in range(0x8000)])
    _trips(check_hll_xzero_of_one)


def _plant_editor(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    """Plant a method of :class:`SparseEditor`."""
    plant(monkeypatch, _hll().SparseEditor, func, old, new)


@pytest.mark.parametrize("old,new", [
    ("self.nbytes + delta > max_bytes", "self.nbytes + delta >= max_bytes"),
    ("delta > 0 and", "delta >= 0 and"),
    ("oldlen = 1", "oldlen = 0"),
    ("code < 0x4000 and span == 1", "code <= 0x4000 and span == 1"),
    ("oldlen = 2 if code >= 0x4000 else 1", "oldlen = 2 if code > 0x4000 else 1"),
    ("oldlen = 2 if code >= 0x4000 else 1", "oldlen = 2 if code >= 0x4000 else 0"),
])
def test_planted_sparse_length(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_editor(monkeypatch, "set", old, new)
    _trips(check_hll_promotion_threshold)


@pytest.mark.parametrize("old,new", [
    ("if index != first + span - 1", "if index != first + span"),
    ("if index != first + span - 1", "if index != first + span - 2"),
    ("_val_code(cur, first + span - 1 - index)", "_val_code(cur, first + span - 2 - index)"),
    ("_val_code(cur, first + span - 1 - index)", "_val_code(cur, first + span - index)"),
])
def test_planted_val_split(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_editor(monkeypatch, "set", old, new)
    _trips(check_hll_val_split)


@pytest.mark.parametrize("new", ["i = k - 1 if k >= 0 else 0", "i = k - 2 if k > 0 else 0"])
def test_planted_merge_window(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    _plant_editor(monkeypatch, "_merge", "i = k - 1 if k > 0 else 0", new)
    _trips(check_hll_merge_window)


def test_planted_index_at_code_end(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_editor(monkeypatch, "set", "index >= self.covered", "index > self.covered")
    _trips(check_hll_index_past_code)


@pytest.mark.parametrize("old,new", [("budget -= 1", "budget -= 0"), ("budget -= 1", "budget -= 2"),
                                     ("i + 1 < len(ops)", "i + 2 < len(ops)"),
                                     ("i += 1", "i += 2")])
def test_planted_merge_budget(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_editor(monkeypatch, "_merge", old, new)
    _trips(check_hll_merge_budget)


@pytest.mark.parametrize("old,new", [("n <= VAL_MAX_LEN", "n < VAL_MAX_LEN"),
                                     ("self.nbytes -= 1", "self.nbytes -= 0")])
def test_planted_fuse_to_four(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_editor(monkeypatch, "_merge", old, new)
    _trips(check_hll_fuse_to_four)


@pytest.mark.parametrize("func,old,new", [
    ("_tau", "x == 0.0", "x != 0.0"), ("_tau", "x == 1.0", "x != 1.0"),
    ("_tau", "z = 1 - x", "z = 0 - x"), ("_tau", "z = 1 - x", "z = 2 - x"),
    ("_tau", "while True", "while False"), ("_tau", "(1 - x) ** 2", "(0 - x) ** 2"),
    ("_tau", "(1 - x) ** 2", "(2 - x) ** 2"), ("_tau", "zp == z", "zp != z"),
    ("estimate", "h[Q + 1]", "h[Q]"), ("estimate", "h[Q + 1]", "h[Q + 2]"),
])
def test_planted_estimator_top(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                               new: str) -> None:
    plant(monkeypatch, _hll(), func, old, new)
    _trips(check_hll_estimator_top_registers)


def test_planted_estimate_half_down(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _hll(), "estimate", "e - f >= 0.5", "e - f > 0.5")
    _trips(check_hll_estimate_rounds_half_up)


@pytest.mark.parametrize("old,new,check", [
    ("if c >= 0x4000", "if c > 0x4000", "xzero"),
    ("((c >> 2) & 31) + 1", "((c >> 2) & 31)", "split"),
    ("((c >> 2) & 31) + 1", "((c >> 2) & 31) + 2", "split"),
    ("(c & 3) + 1", "(c & 3)", "split"),
    ("(c & 3) + 1", "(c & 3) + 2", "split"),
    ("% (c + 1)", "% (c)", "budget"),
    ("% (c + 1)", "% (c + 2)", "budget"),
])
def test_planted_decode(monkeypatch: pytest.MonkeyPatch, old: str, new: str, check: str) -> None:
    plant(monkeypatch, _hll(), "decode_sparse", old, new)
    _trips({"xzero": check_hll_xzero_of_one, "split": check_hll_val_split,
            "budget": check_hll_merge_budget}[check])


def _pf() -> Any:
    from redspec.spec.commands import hyperloglog
    return hyperloglog


def test_planted_overlong_promotion_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _pf(), "add_elements", "return ed.to_bytes(), changed, False\n"
          "                ed = None", "return ed.to_bytes(), changed, True\n                ed = None")
    _trips(check_hll_overlong_code_promoted)


@pytest.mark.parametrize("old,new", [("card >= 1 << 63", "card > 1 << 63"),
                                     ("card >= 1 << 63", "card >= 2 << 63"),
                                     ("card - (1 << 64)", "card - (0 << 64)"),
                                     ("card - (1 << 64)", "card - (2 << 64)")])
def test_planted_signed_card(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant(monkeypatch, _pf(), "_signed", old, new)
    _trips(check_hll_count_overflow)


def test_planted_merge_ignores_dense(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _pf(), "_merge_keys", "use_dense = True", "use_dense = False")
    _trips(check_pfmerge_dense_source)


@pytest.mark.parametrize("new", ["s.dirty += 0\n    return OK", "s.dirty += 2\n    return OK"])
def test_planted_pfmerge_dirty(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    _plant_cmd(monkeypatch, _pf(), "pfmerge", "s.dirty += 1\n    return OK", new)
    _trips(check_pfmerge_dense_source)


@pytest.mark.parametrize("func", ["pfcount", "pfmerge"])
def test_planted_command_name_as_key(monkeypatch: pytest.MonkeyPatch, func: str) -> None:
    _plant_cmd(monkeypatch, _pf(), func, "_merge_keys(s, argv[1:])", "_merge_keys(s, argv[0:])")
    _trips(check_hll_keys_follow_command_name)


@pytest.mark.parametrize("old,new", [
    ("promoted = True", "promoted = False"),
    ("if hll.sparse_to_dense(ed.to_bytes()) is None", "if hll.sparse_to_dense(ed.to_bytes()) is not None"),
    ("elif v[4] == hll.SPARSE", "elif v[4] != hll.SPARSE"),
])
def test_planted_merge_registers(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant(monkeypatch, _pf(), "_merge_registers", old, new)
    _trips(check_pfmerge_promotes_and_dense_dest)


def test_planted_merge_registers_dense_check(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _pf(), "_merge_registers", "if hll.sparse_to_dense(v) is None",
          "if hll.sparse_to_dense(v) is not None")
    _trips(check_pfmerge_dense_source)


@pytest.mark.parametrize("old,new", [("s.dirty += 1", "s.dirty += 0"), ("s.dirty += 1", "s.dirty += 2"),
                                     ("converted = 1", "converted = 0"),
                                     ("converted = 1", "converted = 2"),
                                     ('name == b"todense"', 'name != b"todense"')])
def test_planted_pfdebug_todense(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_cmd(monkeypatch, _pf(), "pfdebug", old, new)
    _trips(check_pfdebug_todense)


def _gh() -> Any:
    from redspec.spec.types import geohash
    return geohash


@pytest.mark.parametrize("func,old,new", [
    ("neighbors", '"north_west": _move(w, step, 1, _EVEN)', '"north_west": _move(w, step, 0, _EVEN)'),
    ("neighbors", '"north_east": _move(e, step, 1, _EVEN)', '"north_east": _move(e, step, 0, _EVEN)'),
    ("in_radius", "d > radius", "d >= radius"),
    ("in_rectangle", "lat_d > height_m / 2", "lat_d >= height_m / 2"),
    ("in_rectangle", "lat2) > width_m / 2", "lat2) >= width_m / 2"),
    ("estimate_steps", "lat > 66", "lat >= 66"), ("estimate_steps", "lat < -66", "lat <= -66"),
    ("estimate_steps", "lat > 80", "lat >= 80"), ("estimate_steps", "lat < -80", "lat <= -80"),
    ("search_cells", "e[1] < max_lon", "e[0] < max_lon"),
    ("search_cells", "e[1] < max_lon", "e[2] < max_lon"),
    ("search_cells", "steps -= 1\n        bits", "steps -= 0\n        bits"),
    ("search_cells", "steps -= 1\n        bits", "steps -= 2\n        bits"),
    ("search_cells", "if area[1] > max_lon", "if area[2] > max_lon"),
])
def test_planted_geo_cells(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    plant(monkeypatch, _gh(), func, old, new)
    _trips(check_geo_searches_as_redis)


def test_planted_geo_negative_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, _gh(), "score_to_bits", "score == -math.inf", "score != -math.inf")
    _trips(check_geo_searches_as_redis)


def _geo() -> Any:
    from redspec.spec.commands import geo
    return geo


_S, _A = "searches", "arguments"


@pytest.mark.parametrize("func,old,new,check", [
    ("lonlat", "x < gh.LONG_MIN", "x <= gh.LONG_MIN", _S),
    ("lonlat", "y < gh.LAT_MIN", "y <= gh.LAT_MIN", _S),
    ("lonlat", "y > gh.LAT_MAX", "y >= gh.LAT_MAX", _S),
    ("members_in_shape", "cell == cells[last]", "cell != cells[last]", _S),
    ("members_in_shape", "out and len(out) >= limit:\n                    break",
     "out and len(out) > limit:\n                    break", _A),
    ("georadius_generic", "if z is not None:\n            sc = z.scores.get(argv[2])",
     "if z is None:\n            sc = z.scores.get(argv[2])", _A),
    ("georadius_generic", "sc = z.scores.get(argv[2])\n            if sc is None:",
     "sc = z.scores.get(argv[2])\n            if sc is not None:", _A),
    ("georadius_generic", 'w == b"count" and i + 1 < remaining',
     'w == b"count" and i + 1 <= remaining', _A),
    ("georadius_generic", 'w == b"count" and i + 1 < remaining',
     'w == b"count" and i < remaining', _A),
    ("georadius_generic", 'or w == b"storedist") and i + 1 < remaining',
     'or w != b"storedist") and i + 1 < remaining', _A),
    ("georadius_generic", 'or w == b"storedist") and i + 1 < remaining',
     'or w == b"storedist") and i + 1 <= remaining', _A),
    ("georadius_generic", 'or w == b"storedist") and i + 1 < remaining',
     'or w == b"storedist") and i < remaining', _A),
    ("georadius_generic", 'storedist = w == b"storedist"', 'storedist = w != b"storedist"', _A),
    ("georadius_generic", 'w == b"frommember" and i + 1 < remaining',
     'w == b"frommember" and i + 1 <= remaining', _A),
    ("georadius_generic", 'w == b"frommember" and i + 1 < remaining',
     'w == b"frommember" and i < remaining', _A),
    ("georadius_generic", 'w == b"frommember" and i + 1 < remaining',
     'w == b"frommember" and i + 2 < remaining', _A),
    ("georadius_generic", 'w == b"fromlonlat" and i + 2 < remaining',
     'w == b"fromlonlat" and i + 2 <= remaining', _A),
    ("georadius_generic", 'w == b"byradius" and i + 2 < remaining',
     'w == b"byradius" and i + 2 <= remaining', _A),
    ("georadius_generic", 'w == b"bybox" and i + 3 < remaining',
     'w == b"bybox" and i + 3 <= remaining', _A),
    ("georadius_generic", "if count and sort == SORT_NONE", "if count and sort != SORT_NONE", _A),
    ("sort_by_distance", "sign = -1 if descending", "sign = -0 if descending", _A),
    ("sort_by_distance", "1 if x > y else 0", "0 if x > y else 0", _A),
    ("_box_arg", "hv < 0", "hv <= 0", _S), ("_box_arg", "wv < 0", "wv <= 0", _S),
])
def test_planted_geo_arguments(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                               check: str) -> None:
    plant(monkeypatch, _geo(), func, old, new)
    _trips(check_geo_searches_as_redis if check == _S else check_geo_arguments_as_redis)


@pytest.mark.parametrize("func,old,new", [
    ("geoadd", "while i < n", "while i <= n"),
    ("georadius_ro", "argv, 1, RADIUS_COORDS", "argv, 0, RADIUS_COORDS"),
    ("georadius_ro", "argv, 1, RADIUS_COORDS", "argv, 2, RADIUS_COORDS"),
    ("georadiusbymember", "argv, 1, RADIUS_MEMBER)", "argv, 0, RADIUS_MEMBER)"),
    ("georadiusbymember", "argv, 1, RADIUS_MEMBER)", "argv, 2, RADIUS_MEMBER)"),
    ("georadiusbymember_ro", "argv, 1, RADIUS_MEMBER", "argv, 0, RADIUS_MEMBER"),
    ("georadiusbymember_ro", "argv, 1, RADIUS_MEMBER", "argv, 2, RADIUS_MEMBER"),
])
def test_planted_geo_handlers(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                              new: str) -> None:
    _plant_cmd(monkeypatch, _geo(), func, old, new)
    _trips(check_geo_arguments_as_redis)


@pytest.mark.parametrize("new", ["s.dirty += 0\n    return", "s.dirty += 2\n    return"])
def test_planted_geostore_delete_dirty(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    plant(monkeypatch, _geo(), "store_result", "s.dirty += 1\n    return", new)
    _trips(check_geosearchstore_empty_dirty)
