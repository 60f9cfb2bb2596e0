"""Bitmap commands (Redis's ``bitops.c``): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
BITFIELD_RO.

A bitmap is a string (``bytes``); bit ``n`` is bit ``7 - n % 8`` of byte ``n // 8`` (the most
significant bit first), and bits past the end read as 0. Writes grow the string with zero
bytes (``lookupStringForBitCommand``: a missing key becomes a zero-filled string) and leave a
:class:`~redspec.spec.types.string.RawStr` (Redis changes the value in place on a private raw
copy, ``dbUnshareStringValue``, so OBJECT ENCODING says "raw" even for a short string — also
when the write changed nothing).

Redis 7.0.15 facts modelled here (observed on the real server):

- SETBIT and BITFIELD count ``server.dirty`` (and signal the key, and fire the "setbit"
  keyspace event) only when a bit changed or the string grew; BITFIELD adds one per such op.
  A BITFIELD whose writes all failed (OVERFLOW FAIL) still creates or grows the string,
  silently.
- BITCOUNT looks the key up before parsing its arguments: a missing key answers 0 whatever
  follows; BITPOS parses the bit first, then answers a missing key (0 for a clear bit, -1 for a
  set bit) before parsing the range.
- BITOP reads missing sources as empty strings, replaces the destination with a raw string
  ("set" event, TTL dropped), or deletes it when every source is empty ("del" event).
"""

from __future__ import annotations

from typing import Any

from ..cstr import c_string, c_word
from ..errors import NOT_INTEGER, SYNTAX, WRONGTYPE
from ..numbers import string2ll
from ..reply import Err, Reply
from ..step import Step
from ..types.string import RawStr, is_string
from .registry import command
from .strings import clamp_range, parse_indexes

BIT_OFFSET = Err("ERR bit offset is not an integer or out of range")
BIT_VALUE = Err("ERR bit is not an integer or out of range")
BIT_ARG = Err("ERR The bit argument must be 1 or 0.")
BITOP_NOT_ARITY = Err("ERR BITOP NOT must be called with a single source key.")
BITFIELD_TYPE = Err(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is."
)
BITFIELD_OVERFLOW = Err("ERR Invalid OVERFLOW type specified")
BITFIELD_RO_WRITE = Err("ERR BITFIELD_RO only supports the GET subcommand")

_U64 = (1 << 64) - 1
_I64_SIGN = 1 << 63

# OVERFLOW kinds (``BFOVERFLOW_*``).
WRAP, SAT, FAIL = 0, 1, 2
_OVERFLOW = {b"wrap": WRAP, b"sat": SAT, b"fail": FAIL}
# BITFIELD op codes (``BITFIELDOP_*``).
GET, SET, INCRBY = 0, 1, 2


def _int64(x: int) -> int:
    """``x`` as a C ``int64_t`` after two's-complement wrap-around."""
    x &= _U64
    return x - (1 << 64) if x & _I64_SIGN else x


def _string_at(v: Any) -> Any:
    """``checkType(c, o, OBJ_STRING)``: the value itself, or WRONGTYPE for another type."""
    return v if v is None or is_string(v) else WRONGTYPE


def bit_offset(s: Step, arg: bytes, bits: int = 0) -> int | Err:
    """``getBitOffsetFromArgument``: a bit offset, or "bit offset is not an integer or out of
    range". With ``bits`` (BITFIELD) an offset ``#N`` means ``N * bits`` (multiplied as a C
    ``long long``, wrapping). Offsets whose byte is at or past ``proto-max-bulk-len`` are
    refused."""
    if bits and arg[:1] == b"#":
        n = string2ll(arg[1:])
        if n is None:
            return BIT_OFFSET
        n = _int64(n * bits)
    else:
        n = string2ll(arg)
        if n is None:
            return BIT_OFFSET
    if n < 0 or (n >> 3) >= s.config["proto-max-bulk-len"]:
        return BIT_OFFSET
    return n


def grow_for_write(s: Step, key: bytes, maxbit: int) -> tuple[bytearray, bool, bool] | Err:
    """``lookupStringForBitCommand``: the string at ``key``, zero-padded so bit ``maxbit``
    exists, as a buffer to change (Redis's private raw copy), plus whether the key was
    missing and whether the string grew. WRONGTYPE for another type."""
    v = s.db.lookup_write(key)
    need = (maxbit >> 3) + 1
    if v is None:
        return bytearray(need), True, True
    if not is_string(v):
        return WRONGTYPE
    buf = bytearray(v)
    grew = len(buf) < need
    if grew:
        buf.extend(bytes(need - len(buf)))
    return buf, False, grew


def _store(s: Step, key: bytes, buf: bytearray, created: bool) -> None:
    """Install the changed copy: ``dbAdd`` for a new key, else ``dbOverwrite`` (TTL kept)."""
    if created:
        s.db.add(key, RawStr(buf))
    else:
        s.db.unshare_string(key, RawStr(buf))


@command("setbit")
def setbit(s: Step, argv: list[bytes]) -> Reply:
    """``setbitCommand``: SETBIT key offset 0|1; the bit's previous value.

    Order: offset, bit value, then the lookup (WRONGTYPE). The value always becomes a raw
    string; dirty, the "setbit" event and the key signal only when the bit flipped or the
    string grew."""
    key = argv[1]
    offset = bit_offset(s, argv[2])
    if type(offset) is Err:
        return offset
    on = string2ll(argv[3])
    if on is None or on & ~1:
        return BIT_VALUE
    assert isinstance(offset, int)
    got = grow_for_write(s, key, offset)
    if isinstance(got, Err):
        return got
    buf, created, grew = got
    byte = offset >> 3
    mask = 1 << (7 - (offset & 7))
    old = buf[byte] & mask
    if on:
        buf[byte] |= mask
    else:
        buf[byte] &= ~mask & 0xFF
    db = s.db
    _store(s, key, buf, created)
    if grew or bool(old) != bool(on):
        s.signal_modified_key(db.id, key)
        s.notify("$", "setbit", key, db.id)
        s.dirty += 1
    return 1 if old else 0


@command("getbit")
def getbit(s: Step, argv: list[bytes]) -> Reply:
    """``getbitCommand``: GETBIT key offset; 0 past the end or for a missing key."""
    offset = bit_offset(s, argv[2])
    if type(offset) is Err:
        return offset
    assert isinstance(offset, int)
    v = _string_at(s.db.lookup_read(argv[1]))
    if v is None:
        return 0
    if type(v) is Err:
        return v
    byte = offset >> 3
    if byte >= len(v):
        return 0
    return (v[byte] >> (7 - (offset & 7))) & 1


def _bit_window(v: bytes, first: int, last: int) -> tuple[int, int]:
    """Bits ``first..last`` (inclusive, both inside ``v``) as an integer whose most
    significant of ``width`` bits is bit ``first``; returns (integer, width)."""
    b0, b1 = first >> 3, last >> 3
    n = int.from_bytes(v[b0 : b1 + 1], "big")
    n >>= 7 - (last & 7)
    width = last - first + 1
    return n & ((1 << width) - 1), width


def _unit(arg: bytes) -> bool | Err:
    """The BYTE|BIT option: True for BIT."""
    word = c_word(arg)
    if word == b"bit":
        return True
    if word == b"byte":
        return False
    return SYNTAX


@command("bitcount")
def bitcount(s: Step, argv: list[bytes]) -> Reply:
    """``bitcountCommand`` (7.0): BITCOUNT key [start end [BYTE|BIT]]; set bits in the range.

    The key is looked up first (missing: 0, whatever the arguments). Then start and end are
    parsed; two negative indexes with start > end answer 0 before BYTE|BIT is checked."""
    v = _string_at(s.db.lookup_read(argv[1]))
    if v is None:
        return 0
    if type(v) is Err:
        return v
    argc = len(argv)
    if argc == 2:
        return int.from_bytes(v, "big").bit_count()
    if argc not in (4, 5):
        return SYNTAX
    indexes = parse_indexes(argv)
    if indexes is None:
        return NOT_INTEGER
    start, end = indexes
    if start < 0 and end < 0 and start > end:
        return 0
    isbit = _unit(argv[4]) if argc == 5 else False
    if type(isbit) is Err:
        return isbit
    total = len(v) * 8 if isbit else len(v)
    start, end = clamp_range(start, end, total)
    if start > end:
        return 0
    if not isbit:
        return int.from_bytes(v[start : end + 1], "big").bit_count()
    return _bit_window(v, start, end)[0].bit_count()


@command("bitpos")
def bitpos(s: Step, argv: list[bytes]) -> Reply:
    """``bitposCommand`` (7.0): BITPOS key bit [start [end [BYTE|BIT]]]; the first bit equal to
    ``bit`` in the range, or -1.

    A missing key is an endless run of zeros (0 for a clear bit, -1 for a set bit). Looking for
    a clear bit with no end given, a range of all ones answers the first bit after the string
    (the string reads as zero-padded); with an end given it answers -1."""
    bit = string2ll(argv[2])
    if bit is None:
        return NOT_INTEGER
    if bit not in (0, 1):
        return BIT_ARG
    v = _string_at(s.db.lookup_read(argv[1]))
    if v is None:
        return -1 if bit else 0
    if type(v) is Err:
        return v
    argc = len(argv)
    isbit: bool | Err = False
    end_given = False
    size = len(v)
    if argc == 3:
        start, end = 0, size - 1
    elif argc <= 6:
        parsed = string2ll(argv[3])
        if parsed is None:
            return NOT_INTEGER
        start = parsed
        isbit = _unit(argv[5]) if argc == 6 else False
        if type(isbit) is Err:
            return isbit
        if argc >= 5:
            parsed = string2ll(argv[4])
            if parsed is None:
                return NOT_INTEGER
            end = parsed
            end_given = True
        else:
            end = size - 1
        start, end = clamp_range(start, end, size * 8 if isbit else size)
    else:
        return SYNTAX
    if start > end:
        return -1
    first, last = (start, end) if isbit else (start * 8, end * 8 + 7)
    window, width = _bit_window(v, first, last)
    if not bit:
        window ^= (1 << width) - 1
    if window:
        return first + width - window.bit_length()
    if bit or end_given:
        return -1
    return last + 1


@command("bitop")
def bitop(s: Step, argv: list[bytes]) -> Reply:
    """``bitopCommand``: BITOP AND|OR|XOR|NOT destkey key [key ...]; the result's length.

    Sources shorter than the longest read as zero-padded; missing sources as empty. NOT takes
    exactly one source. A non-empty result replaces the destination as a raw string (TTL
    dropped, "set" event); an empty one deletes it ("del" event, dirty only if it existed)."""
    op = c_word(argv[1])
    if op not in (b"and", b"or", b"xor", b"not"):
        return SYNTAX
    keys = argv[3:]
    if op == b"not" and len(keys) != 1:
        return BITOP_NOT_ARITY
    db = s.db
    srcs: list[bytes] = []
    for k in keys:
        v = _string_at(db.lookup_read(k))
        if type(v) is Err:
            return v
        srcs.append(b"" if v is None else v)
    maxlen = max(len(x) for x in srcs)
    dest = argv[2]
    if maxlen:
        bits = maxlen * 8
        acc = int.from_bytes(srcs[0], "big") << (8 * (maxlen - len(srcs[0])))
        if op == b"not":
            acc ^= (1 << bits) - 1
        else:
            for x in srcs[1:]:
                n = int.from_bytes(x, "big") << (8 * (maxlen - len(x)))
                if op == b"and":
                    acc &= n
                elif op == b"or":
                    acc |= n
                else:
                    acc ^= n
        db.set_key(dest, RawStr(acc.to_bytes(maxlen, "big")))
        s.notify("$", "set", dest, db.id)
        s.dirty += 1
    elif db.delete(dest):
        s.signal_modified_key(db.id, dest)
        s.notify("g", "del", dest, db.id)
        s.dirty += 1
    return maxlen


def _bitfield_type(arg: bytes) -> tuple[bool, int] | Err:
    """``getBitfieldTypeFromArgument``: ``i1..i64`` or ``u1..u63`` -> (signed, bits). The
    width is read as a C string (up to a NUL byte) by ``string2ll``."""
    sign = arg[:1]
    if sign not in (b"i", b"u"):
        return BITFIELD_TYPE
    rest = c_string(arg[1:])
    bits = string2ll(rest)
    signed = sign == b"i"
    if bits is None or bits < 1 or bits > (64 if signed else 63):
        return BITFIELD_TYPE
    return signed, bits


def _get_field(buf: bytes | bytearray, offset: int, bits: int, signed: bool) -> int:
    """``getUnsignedBitfield`` / ``getSignedBitfield``; bits past the buffer read as 0."""
    last = offset + bits - 1
    chunk = buf[offset >> 3 : (last >> 3) + 1]
    want = (last >> 3) + 1 - (offset >> 3)
    if len(chunk) < want:
        chunk = bytes(chunk) + bytes(want - len(chunk))
    n = int.from_bytes(chunk, "big")
    n = (n >> (7 - (last & 7))) & ((1 << bits) - 1)
    if signed and n >> (bits - 1):
        n -= 1 << bits
    return n


def _set_field(buf: bytearray, offset: int, bits: int, value: int) -> None:
    """``setUnsignedBitfield``: write the low ``bits`` bits of ``value`` at ``offset``."""
    last = offset + bits - 1
    b0, b1 = offset >> 3, (last >> 3) + 1
    shift = 7 - (last & 7)
    n = int.from_bytes(buf[b0:b1], "big")
    mask = ((1 << bits) - 1) << shift
    n = (n & ~mask) | ((value & ((1 << bits) - 1)) << shift)
    buf[b0:b1] = n.to_bytes(b1 - b0, "big")


def unsigned_overflow(value: int, incr: int, bits: int, owtype: int) -> tuple[int, int | None]:
    """``checkUnsignedBitfieldOverflow``: (direction, limit) for ``value + incr`` in ``bits``
    unsigned bits: direction 1 above the maximum, -1 below 0, 0 fits. The limit is the value
    to store: wrapped (WRAP), saturated (SAT), None (FAIL or no overflow). ``value`` is a C
    ``uint64_t`` (a negative SET value arrives as a huge one)."""
    value &= _U64
    top = (1 << bits) - 1
    if value > top or (incr > 0 and incr > top - value):
        direction = 1
    elif incr < 0 and incr < -value:
        direction = -1
    else:
        return 0, None
    if owtype == WRAP:
        return direction, (value + incr) & top
    if owtype == SAT:
        return direction, top if direction > 0 else 0
    return direction, None


def signed_overflow(value: int, incr: int, bits: int, owtype: int) -> tuple[int, int | None]:
    """``checkSignedBitfieldOverflow``: as :func:`unsigned_overflow` for ``bits`` signed bits.

    The bounds ``max - value`` and ``min - value`` are C ``int64_t`` arithmetic and wrap: so
    SET i8 -9223372036854775808 counts as overflowing *upwards* (SAT stores 127), as Redis
    does. WRAP keeps the low ``bits`` bits, sign-extended."""
    top = (1 << 63) - 1 if bits == 64 else (1 << (bits - 1)) - 1
    low = -top - 1
    maxincr = _int64(top - value)
    minincr = _int64(low - value)
    if value > top or (bits != 64 and incr > maxincr) or (value >= 0 and 0 < incr and
                                                           incr > maxincr):
        direction = 1
    elif value < low or (bits != 64 and incr < minincr) or (value < 0 and incr < 0 and
                                                            incr < minincr):
        direction = -1
    else:
        return 0, None
    if owtype == WRAP:
        c = (value + incr) & _U64
        if bits < 64:
            c &= (1 << bits) - 1
            if c >> (bits - 1):
                c -= 1 << bits
            return direction, c
        return direction, _int64(c)
    if owtype == SAT:
        return direction, top if direction > 0 else low
    return direction, None


def bitfield_generic(s: Step, argv: list[bytes], readonly_cmd: bool) -> Reply:
    """``bitfieldGeneric``: BITFIELD / BITFIELD_RO key [GET type offset] [SET type offset value]
    [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ...

    Every op is parsed before anything runs (the first bad one answers its error); OVERFLOW
    applies to the write ops after it. Only GETs: a read lookup (a missing key reads zeros and
    is not created). Any write: BITFIELD_RO refuses; otherwise the string is grown to the
    farthest written bit and each op runs in order. SET answers the old value, INCRBY the new
    one, a write refused by OVERFLOW FAIL answers nil and writes nothing."""
    ops: list[tuple[int, bool, int, int, int, int]] = []
    owtype = WRAP
    readonly = True
    highest = 0
    j = 2
    argc = len(argv)
    while j < argc:
        remaining = argc - j - 1
        sub = c_word(argv[j])
        if sub == b"get" and remaining >= 2:
            opcode = GET
        elif sub == b"set" and remaining >= 3:
            opcode = SET
        elif sub == b"incrby" and remaining >= 3:
            opcode = INCRBY
        elif sub == b"overflow" and remaining >= 1:
            kind = _OVERFLOW.get(c_word(argv[j + 1]))
            if kind is None:
                return BITFIELD_OVERFLOW
            owtype = kind
            j += 2
            continue
        else:
            return SYNTAX
        ftype = _bitfield_type(argv[j + 1])
        if isinstance(ftype, Err):
            return ftype
        signed, bits = ftype
        offset = bit_offset(s, argv[j + 2], bits)
        if type(offset) is Err:
            return offset
        assert isinstance(offset, int)
        arg = 0
        if opcode != GET:
            readonly = False
            highest = max(highest, offset + bits - 1)
            parsed = string2ll(argv[j + 3])
            if parsed is None:
                return NOT_INTEGER
            arg = parsed
            j += 4
        else:
            j += 3
        ops.append((opcode, signed, bits, offset, arg, owtype))
    key = argv[1]
    db = s.db
    if readonly:
        v = _string_at(db.lookup_read(key))
        if type(v) is Err:
            return v
        src: bytes = b"" if v is None else v
        return [_get_field(src, offset, bits, signed) for _, signed, bits, offset, _, _ in ops]
    if readonly_cmd:
        return BITFIELD_RO_WRITE
    got = grow_for_write(s, key, highest)
    if isinstance(got, Err):
        return got
    buf, created, grew = got
    changes = 0
    replies: list[Any] = []
    for opcode, signed, bits, offset, arg, ow in ops:
        if opcode == GET:
            replies.append(_get_field(buf, offset, bits, signed))
            continue
        old = _get_field(buf, offset, bits, signed)
        check = signed_overflow if signed else unsigned_overflow
        if opcode == INCRBY:
            over, limit = check(old, arg, bits, ow)
            new = old + arg
        else:
            over, limit = check(arg, 0, bits, ow)
            new = arg
        if over:
            if limit is None:  # OVERFLOW FAIL: nothing written
                replies.append(None)
                continue
            new = limit
        replies.append(new if opcode == INCRBY else old)
        _set_field(buf, offset, bits, new)
        if grew or old != new:
            changes += 1
    _store(s, key, buf, created)
    if changes:
        s.signal_modified_key(db.id, key)
        s.notify("$", "setbit", key, db.id)
        s.dirty += changes
    return replies


@command("bitfield")
def bitfield(s: Step, argv: list[bytes]) -> Reply:
    """BITFIELD key [GET|SET|INCRBY|OVERFLOW ...]: see :func:`bitfield_generic`."""
    return bitfield_generic(s, argv, False)


@command("bitfield_ro")
def bitfield_ro(s: Step, argv: list[bytes]) -> Reply:
    """BITFIELD_RO key [GET type offset ...]: BITFIELD limited to GET."""
    return bitfield_generic(s, argv, True)
