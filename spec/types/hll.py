"""HyperLogLog values (Redis's ``hyperloglog.c``): register arithmetic as pure functions over bytes.

An HLL is not a type of its own: it is a *string* whose bytes follow Redis's HYLL layout, so GET
returns them and SET can plant any bytes (a forged or corrupted HLL included). Layout
(``struct hllhdr``, 16 bytes, then the registers):

- ``"HYLL"``; one encoding byte (0 = dense, 1 = sparse; anything above is not an HLL); three
  unused bytes (kept as found); eight bytes of cached cardinality, little endian, whose top bit
  (bit 7 of byte 15, ``HLL_INVALIDATE_CACHE``) says "stale, recompute".
- dense: 16384 six-bit registers packed LSB first (``HLL_DENSE_GET_REGISTER``), 12288 bytes,
  12304 in all (``HLL_DENSE_SIZE``).
- sparse: a run-length code over the 16384 registers: ``ZERO`` ``00xxxxxx`` (1..64 zero
  registers), ``XZERO`` ``01xxxxxx yyyyyyyy`` (1..16384 zero registers), ``VAL``
  ``1vvvvvxx`` (1..4 registers holding value 1..32).

An element is hashed with MurmurHash64A (seed ``0xadc83b19``); the low 14 bits pick the
register, the run of zero bits above them (plus one) is the candidate value (``hllPatLen``).

Inside one command a sparse HLL is edited as a :class:`SparseEditor` (opcode list + start
register of each opcode, bisected), which reproduces ``hllSparseSet`` byte for byte (including
its local merge of adjacent VALs), and a dense HLL as a ``bytearray``; the command stores the
result once as an :class:`HllString`.
"""

from __future__ import annotations

import math
import re
import struct
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from itertools import accumulate

from .string import RawStr

__all__ = [
    "HllString",
    "HDR_SIZE",
    "REGISTERS",
    "DENSE_SIZE",
    "DENSE",
    "SPARSE",
    "murmur64a",
    "pat_len",
    "is_hll",
    "new_sparse",
    "cached_card",
    "with_card",
    "invalidate",
    "SparseEditor",
    "sparse_to_dense",
    "dense_get",
    "dense_set",
    "unpack_dense",
    "pack_dense",
    "merge_into",
    "registers_of",
    "histogram",
    "sparse_histogram",
    "estimate",
    "decode_sparse",
    "encode_sparse",
    "PROMOTE",
]

P = 14
Q = 64 - P
REGISTERS = 1 << P
P_MASK = REGISTERS - 1
HDR_SIZE = 16
DENSE_SIZE = HDR_SIZE + (REGISTERS * 6 + 7) // 8
DENSE = 0
SPARSE = 1
SEED = 0xADC83B19
VAL_MAX_VALUE = 32
VAL_MAX_LEN = 4
ZERO_MAX_LEN = 64
XZERO_MAX_LEN = 16384
ALPHA_INF = 0.721347520444481703680  # 0.5 / ln(2)
#: ``hllSparseSet``'s answer "this needs the dense representation".
PROMOTE = 2

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


#: The stored form of an HLL: a raw-encoded string. Redis creates HLLs with
#: ``createRawStringObject`` and ``dbUnshareStringValue`` makes any string an HLL command touches
#: raw, so OBJECT ENCODING says "raw" whatever the length.
HllString = RawStr


# -- hashing -------------------------------------------------------------------------------


def murmur64a(data: bytes, seed: int = SEED) -> int:
    """``MurmurHash64A`` (64-bit MurmurHash2, little-endian reading of 8-byte blocks)."""
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    nb = n >> 3
    if nb:
        for k in struct.unpack_from(f"<{nb}Q", data):
            k = (k * _M) & _MASK
            k ^= k >> 47
            h ^= (k * _M) & _MASK
            h = (h * _M) & _MASK
    rem = n & 7
    if rem:
        h ^= int.from_bytes(data[n - rem :], "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


def pat_len(ele: bytes) -> tuple[int, int]:
    """``hllPatLen``: (register index, value) for an element: the low 14 hash bits index a
    register; the value is 1 + the number of zero bits above them (at most 51)."""
    h = murmur64a(ele)
    rest = (h >> P) | (1 << Q)
    return h & P_MASK, (rest & -rest).bit_length()


# -- header --------------------------------------------------------------------------------


def is_hll(v: bytes) -> bool:
    """``isHLLObjectOrReply`` after the type check: at least a header, magic "HYLL", a known
    encoding, and a dense HLL exactly 12304 bytes long."""
    n = len(v)
    if n < HDR_SIZE or v[:4] != b"HYLL":
        return False
    enc = v[4]
    return enc == SPARSE or (enc == DENSE and n == DENSE_SIZE)


_EMPTY_SPARSE = HllString(b"HYLL\x01" + b"\x00" * 11 + b"\x7f\xff")


def new_sparse() -> HllString:
    """``createHLLObject``: a sparse HLL, all registers zero (one XZERO of 16384), cached
    cardinality 0 and valid."""
    return _EMPTY_SPARSE


def cached_card(v: bytes) -> int | None:
    """The cached cardinality (``HLL_VALID_CACHE``), or None when the stale bit is set."""
    if v[15] & 0x80:
        return None
    return int.from_bytes(v[8:16], "little")


def with_card(v: bytes, card: int) -> HllString:
    """The HLL with ``card`` written into the header cache (which makes it valid)."""
    return HllString(b"".join((v[:8], (card & _MASK).to_bytes(8, "little"), memoryview(v)[16:])))


def invalidate(buf: bytearray) -> None:
    """``HLL_INVALIDATE_CACHE``: set the stale bit of the cached cardinality."""
    buf[15] |= 0x80


# -- dense ---------------------------------------------------------------------------------


def dense_get(buf: bytes | bytearray, j: int) -> int:
    """``HLL_DENSE_GET_REGISTER`` on a whole dense HLL (header included)."""
    bit = j * 6
    i = HDR_SIZE + (bit >> 3)
    fb = bit & 7
    if fb <= 2:
        return (buf[i] >> fb) & 63
    return ((buf[i] >> fb) | (buf[i + 1] << (8 - fb))) & 63


def dense_set(buf: bytearray, j: int, count: int) -> int:
    """``hllDenseSet``: raise register ``j`` to ``count``; 1 if it changed, else 0."""
    bit = j * 6
    i = HDR_SIZE + (bit >> 3)
    fb = bit & 7
    if fb <= 2:
        b0 = buf[i]
        if count <= (b0 >> fb) & 63:
            return 0
        buf[i] = (b0 & ~(63 << fb) & 0xFF) | (count << fb)
        return 1
    b0, b1 = buf[i], buf[i + 1]
    if count <= ((b0 >> fb) | (b1 << (8 - fb))) & 63:
        return 0
    buf[i] = (b0 & ((1 << fb) - 1)) | ((count << fb) & 0xFF)
    buf[i + 1] = (b1 & ~(63 >> (8 - fb)) & 0xFF) | (count >> (8 - fb))
    return 1


def _table(f: Callable[[int], int]) -> bytes:
    """A ``bytes.translate`` table applying ``f`` (kept to 8 bits) to every byte."""
    return bytes(f(b) & 0xFF for b in range(256))


_T_LOW6 = _table(lambda b: b & 63)
_T_HI2 = _table(lambda b: b >> 6)
_T_LOW4_SHL2 = _table(lambda b: (b & 15) << 2)
_T_HI4 = _table(lambda b: b >> 4)
_T_LOW2_SHL4 = _table(lambda b: (b & 3) << 4)
_T_SHR2 = _table(lambda b: b >> 2)
_T_SHL6 = _table(lambda b: b << 6)
_T_SHL4 = _table(lambda b: b << 4)
_T_SHL2 = _table(lambda b: b << 2)
_QUARTER = REGISTERS // 4


def _or(a: bytes, b: bytes) -> bytes:
    """Byte-wise OR of two equally long strings whose set bits never overlap."""
    n = len(a)
    return (int.from_bytes(a, "little") | int.from_bytes(b, "little")).to_bytes(n, "little")


def unpack_dense(regs: bytes | bytearray | memoryview) -> bytes:
    """The 12288 packed register bytes as 16384 bytes, one register each (``HLL_RAW``)."""
    b0, b1, b2 = bytes(regs[0::3]), bytes(regs[1::3]), bytes(regs[2::3])
    out = bytearray(REGISTERS)
    out[0::4] = b0.translate(_T_LOW6)
    out[1::4] = _or(b0.translate(_T_HI2), b1.translate(_T_LOW4_SHL2))
    out[2::4] = _or(b1.translate(_T_HI4), b2.translate(_T_LOW2_SHL4))
    out[3::4] = b2.translate(_T_SHR2)
    return bytes(out)


def pack_dense(raw: bytes | bytearray) -> bytes:
    """Inverse of :func:`unpack_dense` (every register at most 63)."""
    r0, r1, r2, r3 = bytes(raw[0::4]), bytes(raw[1::4]), bytes(raw[2::4]), bytes(raw[3::4])
    out = bytearray(REGISTERS * 6 // 8)
    out[0::3] = _or(r0, r1.translate(_T_SHL6))
    out[1::3] = _or(r1.translate(_T_SHR2), r2.translate(_T_SHL4))
    out[2::3] = _or(r2.translate(_T_HI4), r3.translate(_T_SHL2))
    return bytes(out)


# -- sparse --------------------------------------------------------------------------------


def _zero_code(n: int) -> int:
    """The opcode (an int; XZERO as two bytes ``b0 << 8 | b1``) for a run of ``n`` zeros."""
    return n - 1 if n <= ZERO_MAX_LEN else 0x4000 | (n - 1)


def _val_code(v: int, n: int) -> int:
    return 0x80 | ((v - 1) << 2) | (n - 1)


def _span(code: int) -> int:
    """Registers covered by an opcode."""
    if code >= 0x4000:
        return (code & 0x3FFF) + 1
    if code & 0x80:
        return (code & 3) + 1
    return code + 1


#: Opcode int -> registers covered.
_SPANS: list[int] = [_span(c) for c in range(0x8000)]


#: One sparse opcode: an XZERO (two bytes; a lone first byte at the very end too) or a
#: one-byte ZERO/VAL. A regular expression walks the code in C.
_OPCODE = re.compile(rb"[\x40-\x7f][\x00-\xff]?|[\x00-\x3f\x80-\xff]", re.S)


def _token_code(t: bytes) -> int:
    if 0x40 <= t[0] < 0x80:
        return (t[0] << 8) | (t[1] if len(t) > 1 else 0)
    return t[0]


#: Opcode bytes -> opcode int (see :func:`_zero_code`), for every possible token.
_CODES: dict[bytes, int] = {bytes([b]): _token_code(bytes([b])) for b in range(256)}
_CODES.update({bytes([a, b]): (a << 8) | b for a in range(0x40, 0x80) for b in range(256)})


def _parse(body: bytes | memoryview) -> list[int]:
    """The sparse opcodes of ``body``; an XZERO cut at the end reads the string's implicit NUL
    terminator as its second byte, as Redis does."""
    codes = _CODES
    return [codes[t] for t in _OPCODE.findall(body)]


#: Opcode int -> its bytes.
_OPBYTES: list[bytes] = [
    bytes([c >> 8, c & 0xFF]) if c >= 0x4000 else bytes([c & 0xFF]) for c in range(0x8000)
]


def encode_sparse(ops: list[int]) -> bytes:
    """The bytes of a list of opcodes."""
    return b"".join(map(_OPBYTES.__getitem__, ops))


class SparseEditor:
    """A sparse HLL opened for ``hllSparseSet`` calls within one command.

    ``ops`` are the opcodes in order, ``starts[k]`` the first register ``ops[k]`` covers (a
    split or merge never moves the registers other opcodes cover, so the list stays sorted and
    the opcode holding a register is found by bisection). ``nbytes`` is the string length as
    Redis's ``sdslen`` arithmetic computes it.
    """

    __slots__ = ("header", "ops", "starts", "nbytes", "covered")

    def __init__(self, v: bytes) -> None:
        self.header = bytearray(v[:HDR_SIZE])
        self.ops = ops = _parse(memoryview(v)[HDR_SIZE:])
        starts = list(accumulate(map(_SPANS.__getitem__, ops), initial=0))
        self.covered = starts.pop()
        self.starts = starts
        self.nbytes = len(v)

    def to_bytes(self) -> bytes:
        """The edited HLL (header, opcodes), cut to Redis's length."""
        data = bytes(self.header) + encode_sparse(self.ops)
        return data[: self.nbytes]

    def set(self, index: int, count: int, max_bytes: int) -> int:
        """``hllSparseSet``: raise register ``index`` to ``count``.

        1 if it changed (the cached cardinality is then marked stale), 0 if it already held as
        much, -1 for a corrupted representation, :data:`PROMOTE` when the value does not fit a
        VAL (> 32) or the edit would grow the string past ``hll-sparse-max-bytes``.
        """
        if count > VAL_MAX_VALUE:
            return PROMOTE
        ops, starts = self.ops, self.starts
        if index >= self.covered or not ops:
            return -1
        k = bisect_right(starts, index) - 1
        code = ops[k]
        first = starts[k]
        span = _span(code)
        if code & 0x80 and code < 0x4000:  # VAL
            cur = ((code >> 2) & 31) + 1
            if cur >= count:
                return 0
            if span == 1:
                ops[k] = _val_code(count, 1)
                return self._merge(k)
            left = [_val_code(cur, index - first)] if index != first else []
            right = [_val_code(cur, first + span - 1 - index)] if index != first + span - 1 else []
            oldlen = 1
        else:
            if code < 0x4000 and span == 1:  # ZERO of one register
                ops[k] = _val_code(count, 1)
                return self._merge(k)
            left = [_zero_code(index - first)] if index != first else []
            last = first + span - 1
            right = [_zero_code(last - index)] if index != last else []
            oldlen = 2 if code >= 0x4000 else 1
        seq = left + [_val_code(count, 1)] + right
        seqlen = sum(2 if c >= 0x4000 else 1 for c in seq)
        delta = seqlen - oldlen
        if delta > 0 and self.nbytes + delta > max_bytes:
            return PROMOTE
        ops[k : k + 1] = seq
        st = [first] if left else []
        st.append(index)
        if right:
            st.append(index + 1)
        starts[k : k + 1] = st
        self.nbytes += delta
        return self._merge(k)

    def _merge(self, k: int) -> int:
        """Step 4 of ``hllSparseSet``: from the opcode before the edited one, look at up to
        five opcodes and fuse adjacent VALs of equal value when the run still fits (<= 4)."""
        ops, starts = self.ops, self.starts
        i = k - 1 if k > 0 else 0
        budget = 5
        while i < len(ops) and budget:
            budget -= 1
            c = ops[i]
            if c & 0x80 and c < 0x4000 and i + 1 < len(ops):
                d = ops[i + 1]
                if d & 0x80 and d < 0x4000 and (c >> 2) == (d >> 2):
                    n = (c & 3) + (d & 3) + 2
                    if n <= VAL_MAX_LEN:
                        ops[i : i + 2] = [_val_code(((c >> 2) & 31) + 1, n)]
                        del starts[i + 1]
                        self.nbytes -= 1
                        continue
            i += 1
        self.header[15] |= 0x80
        return 1


def _sparse_raw(ops: list[int], regs: bytearray | None) -> int:
    """Walk opcodes as ``hllSparseToDense``/``hllMerge`` do: VAL values go into ``regs`` (as a
    maximum). The register count reached (16384 exactly for a valid HLL); -1 as soon as a
    VAL runs past the last register (7.0.15 refuses that even when it is the last opcode)."""
    idx = 0
    for c in ops:
        if c & 0x80 and c < 0x4000:
            n = (c & 3) + 1
            if idx + n > REGISTERS:
                return -1
            if regs is not None:
                v = ((c >> 2) & 31) + 1
                for j in range(idx, idx + n):
                    if regs[j] < v:
                        regs[j] = v
            idx += n
        else:
            idx += _span(c)
    return idx


def sparse_to_dense(v: bytes) -> bytearray | None:
    """``hllSparseToDense``: the dense HLL with the same registers and header (encoding byte
    changed), or None if the sparse code does not cover exactly 16384 registers."""
    regs = bytearray(REGISTERS)
    if _sparse_raw(_parse(memoryview(v)[HDR_SIZE:]), regs) != REGISTERS:
        return None
    out = bytearray(v[:HDR_SIZE])
    out[4] = DENSE
    out += pack_dense(regs)
    return out


def merge_into(regs: bytearray, v: bytes) -> bool:
    """``hllMerge``: raise ``regs`` (16384 bytes) to the registers of HLL ``v``; False if ``v``
    is a corrupted sparse HLL."""
    if v[4] == DENSE:
        other = unpack_dense(memoryview(v)[HDR_SIZE:])
        regs[:] = _bytewise_max(bytes(regs), other)
        return True
    return _sparse_raw(_parse(memoryview(v)[HDR_SIZE:]), regs) == REGISTERS


_HI = int.from_bytes(b"\x80" * REGISTERS, "little")


def _bytewise_max(a: bytes, b: bytes) -> bytes:
    """Byte-wise maximum of two 16384-byte strings of values below 128 (SWAR on big ints)."""
    x = int.from_bytes(a, "little")
    y = int.from_bytes(b, "little")
    ge = (((y | _HI) - x) & _HI) >> 7  # 1 in each byte where b >= a
    mask = ge * 0xFF
    return ((y & mask) | (x & ~mask)).to_bytes(REGISTERS, "little")


def registers_of(v: bytes) -> bytes | None:
    """The 16384 register values of a (dense or valid sparse) HLL, one byte each."""
    if v[4] == DENSE:
        return unpack_dense(memoryview(v)[HDR_SIZE:])
    regs = bytearray(REGISTERS)
    if _sparse_raw(_parse(memoryview(v)[HDR_SIZE:]), regs) != REGISTERS:
        return None
    return bytes(regs)


# -- counting ------------------------------------------------------------------------------


def histogram(raw: bytes) -> list[int]:
    """``hllRawRegHisto``/``hllDenseRegHisto``: how many registers hold each value 0..63."""
    top = max(raw) + 1
    return [raw.count(j) for j in range(top)] + [0] * (64 - top)


def sparse_histogram(v: bytes) -> tuple[list[int], bool]:
    """``hllSparseRegHisto``: the histogram and whether the code covers exactly 16384
    registers (no overflow stop here, unlike :func:`sparse_to_dense`)."""
    h = [0] * 64
    idx = 0
    for c, times in Counter(_parse(memoryview(v)[HDR_SIZE:])).items():
        n = _SPANS[c] * times
        if c & 0x80 and c < 0x4000:
            h[((c >> 2) & 31) + 1] += n
        else:
            h[0] += n
        idx += n
    return h, idx == REGISTERS


def _tau(x: float) -> float:
    """``hllTau`` (Ertl): correction for registers at the maximum value."""
    if x == 0.0 or x == 1.0:
        return 0.0
    y = 1.0
    z = 1 - x
    while True:
        x = math.sqrt(x)
        zp = z
        y *= 0.5
        z -= (1 - x) ** 2 * y
        if zp == z:
            return z / 3


def _sigma(x: float) -> float:
    """``hllSigma`` (Ertl): correction for zero registers."""
    if x == 1.0:
        return math.inf
    y = 1.0
    z = x
    while True:
        x *= x
        zp = z
        z += x * y
        y += y
        if zp == z:
            return z


def estimate(h: list[int]) -> int:
    """``hllCount``'s estimator of Redis 7.0 (Ertl's "improved raw estimator") from a register
    histogram, rounded as ``llroundl``, as the unsigned 64-bit value Redis stores."""
    m = float(REGISTERS)
    z = m * _tau((m - h[Q + 1]) / m)
    for j in range(Q, 0, -1):
        z += h[j]
        z *= 0.5
    z += m * _sigma(h[0] / m)
    e = ALPHA_INF * m * m / z if z != 0 else math.inf
    if math.isinf(e) or math.isnan(e) or e >= 9.2233720368547758e18:
        return 1 << 63  # llroundl out of range: the x86 "invalid" value LLONG_MIN
    f = math.floor(e)
    return int(f) + (1 if e - f >= 0.5 else 0)


def decode_sparse(v: bytes) -> bytes:
    """PFDEBUG DECODE: the opcodes as ``z:<len>``, ``Z:<len>``, ``v:<value>,<len>``."""
    parts = []
    for c in _parse(memoryview(v)[HDR_SIZE:]):
        if c >= 0x4000:
            parts.append(b"Z:%d" % _span(c))
        elif c & 0x80:
            parts.append(b"v:%d,%d" % (((c >> 2) & 31) + 1, (c & 3) + 1))
        else:
            parts.append(b"z:%d" % (c + 1))
    return b" ".join(parts)

