"""The low-level encodings inside RDB files and DUMP payloads: lengths, strings, doubles,
listpacks, intsets, and the older ziplist and zipmap blobs a 7.0.15 server still reads
(``rdb.c``'s ``rdbSaveLen``/``rdbLoadLen``, ``rdbSaveRawString``, ``listpack.c``,
``intset.c``, ``ziplist.c``, ``zipmap.c``).

Everything here is bytes in, bytes out. A decoding problem raises :class:`RdbCorrupt`, whose
message names what broke; the value layer (``spec.rdb``) turns it into Redis's reply or
loading error.
"""

from __future__ import annotations

import math
import struct

from . import lzf
from .numbers import string2ll

__all__ = [
    "RdbCorrupt", "RdbEof", "RdbEmptyKey", "Reader", "save_len", "save_raw_string", "save_binary_double",
    "d2string", "listpack_encode", "listpack_decode", "intset_encode", "intset_decode",
    "ziplist_decode", "zipmap_decode", "listpack_repr",
]

#: ``RDB_ENCVAL``: the top two bits of a length byte that say "a special encoding follows".
_ENCVAL = 3
_ENC_INT8, _ENC_INT16, _ENC_INT32, _ENC_LZF = 0, 1, 2, 3


class RdbCorrupt(Exception):
    """The bytes are not a valid encoding (``rdbReportCorruptRDB`` / a failed load)."""


class RdbEof(RdbCorrupt):
    """The bytes ended inside a record (``rdbLoadRio``'s ``eoferr``: a truncated file)."""


class RdbEmptyKey(RdbCorrupt):
    """A collection with no elements (``RDB_LOAD_ERR_EMPTY_KEY``): RESTORE refuses it as bad
    data, a file load skips the key."""


# -- writing -----------------------------------------------------------------------------------


def save_len(n: int) -> bytes:
    """``rdbSaveLen``: 6 bits, 14 bits, 32 bits or 64 bits (big-endian) by size."""
    if n < 1 << 6:
        return bytes((n,))
    if n < 1 << 14:
        return bytes((0x40 | (n >> 8), n & 0xFF))
    if n <= 0xFFFFFFFF:
        return b"\x80" + n.to_bytes(4, "big")
    return b"\x81" + n.to_bytes(8, "big")


def _encode_integer(v: int) -> bytes | None:
    """``rdbEncodeInteger``: an integer in 1, 2 or 4 bytes behind its special length byte,
    or None when it needs more than 32 bits."""
    if -(1 << 7) <= v < 1 << 7:
        return bytes((0xC0 | _ENC_INT8,)) + v.to_bytes(1, "little", signed=True)
    if -(1 << 15) <= v < 1 << 15:
        return bytes((0xC0 | _ENC_INT16,)) + v.to_bytes(2, "little", signed=True)
    if -(1 << 31) <= v < 1 << 31:
        return bytes((0xC0 | _ENC_INT32,)) + v.to_bytes(4, "little", signed=True)
    return None


def save_raw_string(s: bytes, compress: bool) -> bytes:
    """``rdbSaveRawString``: a string of at most 11 bytes that reads back as the same integer
    is written as that integer (``rdbTryIntegerEncoding``); one longer than 20 bytes is LZF
    compressed when ``rdbcompression`` is on and liblzf fits it into ``len - 4`` bytes
    (``rdbSaveLzfStringObject``); anything else is its length and its bytes."""
    n = len(s)
    if n <= 11:
        v = string2ll(s)
        if v is not None:
            enc = _encode_integer(v)
            if enc is not None:
                return enc
    if compress and n > 20:
        packed = lzf.compress(s, n - 4)
        if packed is not None:
            return bytes((0xC0 | _ENC_LZF,)) + save_len(len(packed)) + save_len(n) + packed
    return save_len(n) + s


def save_binary_double(d: float) -> bytes:
    """``rdbSaveBinaryDoubleValue``: the IEEE 754 double, little-endian."""
    return struct.pack("<d", d)


def d2string(d: float) -> bytes:
    """``d2string`` (``util.c``): how a zset listpack stores a score as text before
    ``lpAppend`` turns an integral one into an integer entry."""
    if math.isnan(d):
        return b"nan"
    if math.isinf(d):
        return b"-inf" if d < 0 else b"inf"
    if d == 0:
        return b"-0" if math.copysign(1.0, d) < 0 else b"0"
    if -4503599627370495 < d < 4503599627370496 and d == float(int(d)):
        return b"%d" % int(d)
    return b"%.17g" % d


# -- listpack (listpack.c) ---------------------------------------------------------------------


def _lp_backlen(n: int) -> bytes:
    """``lpEncodeBacklen``: an entry's size written so that it reads right to left."""
    if n <= 127:
        return bytes((n,))
    if n < 16383:
        return bytes((n >> 7, (n & 127) | 128))
    if n < 2097151:
        return bytes((n >> 14, ((n >> 7) & 127) | 128, (n & 127) | 128))
    if n < 268435455:
        return bytes((n >> 21, ((n >> 14) & 127) | 128, ((n >> 7) & 127) | 128,
                      (n & 127) | 128))
    return bytes((n >> 28, ((n >> 21) & 127) | 128, ((n >> 14) & 127) | 128,
                  ((n >> 7) & 127) | 128, (n & 127) | 128))


def _lp_entry(e: bytes) -> bytes:
    """``lpEncodeGetType`` + ``lpEncodeString``/``lpEncodeIntegerGetType``: one listpack
    entry (encoding and data) followed by its back length. A string that ``lpStringToInt64``
    reads as an integer is stored as the smallest integer encoding."""
    v = string2ll(e)
    if v is not None:
        if 0 <= v <= 127:
            body = bytes((v,))
        elif -4096 <= v <= 4095:
            u = v + 8192 if v < 0 else v
            body = bytes((0xC0 | (u >> 8), u & 0xFF))
        elif -32768 <= v <= 32767:
            body = b"\xf1" + v.to_bytes(2, "little", signed=True)
        elif -8388608 <= v <= 8388607:
            body = b"\xf2" + v.to_bytes(3, "little", signed=True)
        elif -2147483648 <= v <= 2147483647:
            body = b"\xf3" + v.to_bytes(4, "little", signed=True)
        else:
            body = b"\xf4" + v.to_bytes(8, "little", signed=True)
    else:
        n = len(e)
        if n < 64:
            body = bytes((0x80 | n,)) + e
        elif n < 4096:
            body = bytes((0xE0 | (n >> 8), n & 0xFF)) + e
        else:
            body = b"\xf0" + n.to_bytes(4, "little") + e
    return body + _lp_backlen(len(body))


def listpack_encode(entries: list[bytes]) -> bytes:
    """A listpack holding ``entries`` in order (``lpNew`` + ``lpAppend`` each): the total
    size and the count (65535 meaning "count it") in the header, the 0xFF terminator."""
    body = b"".join(_lp_entry(e) for e in entries)
    total = 6 + len(body) + 1
    count = len(entries) if len(entries) < 65535 else 65535
    return total.to_bytes(4, "little") + count.to_bytes(2, "little") + body + b"\xff"


def listpack_entry_size(e: bytes) -> int:
    """The bytes one entry takes in a listpack (``quicklistNodeUpdateSz``'s growth)."""
    return len(_lp_entry(e))


def listpack_decode(blob: bytes) -> list[bytes]:
    """The entries of a listpack, integers as their decimal text (``lpGet``); raises
    :class:`RdbCorrupt` when the header, an entry or the terminator is inconsistent
    (``lpValidateIntegrity``)."""
    if len(blob) < 7 or int.from_bytes(blob[0:4], "little") != len(blob) or blob[-1] != 0xFF:
        raise RdbCorrupt("listpack header or terminator")
    count = int.from_bytes(blob[4:6], "little")
    out: list[bytes] = []
    p, end = 6, len(blob) - 1
    while p < end:
        start = p
        b = blob[p]
        if b < 0x80:
            out.append(b"%d" % b)
            p += 1
        elif b < 0xC0:
            n = b & 0x3F
            out.append(blob[p + 1:p + 1 + n])
            p += 1 + n
        elif b < 0xE0:
            u = ((b & 0x1F) << 8) | _at(blob, p + 1)
            out.append(b"%d" % (u - 8192 if u >= 4096 else u))
            p += 2
        elif b < 0xF0:
            n = ((b & 0x0F) << 8) | _at(blob, p + 1)
            out.append(blob[p + 2:p + 2 + n])
            p += 2 + n
        elif b == 0xF0:
            n = int.from_bytes(blob[p + 1:p + 5], "little")
            out.append(blob[p + 5:p + 5 + n])
            p += 5 + n
        elif b in (0xF1, 0xF2, 0xF3, 0xF4):
            w = {0xF1: 2, 0xF2: 3, 0xF3: 4, 0xF4: 8}[b]
            out.append(b"%d" % int.from_bytes(blob[p + 1:p + 1 + w], "little", signed=True))
            p += 1 + w
        else:
            raise RdbCorrupt("listpack entry encoding")
        if p > end:
            raise RdbCorrupt("listpack entry overflows")
        bl = _lp_backlen(p - start)
        if blob[p:p + len(bl)] != bl:
            raise RdbCorrupt("listpack back length")
        p += len(bl)
    if p != end or (count != 65535 and count != len(out)):
        raise RdbCorrupt("listpack count")
    return out


def _lp_sizes(b: int, blob: bytes, p: int) -> tuple[int, int]:
    """``lpCurrentEncodedSizeBytes`` and ``lpCurrentEncodedSizeUnsafe`` of the entry at
    ``p`` (first byte ``b``): the header's bytes, and header + payload."""
    if b < 0x80:
        return 1, 1
    if b < 0xC0:
        return 1, 1 + (b & 0x3F)
    if b < 0xE0:
        return 1, 2
    if b < 0xF0:
        return 2, 2 + (((b & 0x0F) << 8) | blob[p + 1])
    if b == 0xF0:
        return 5, 5 + int.from_bytes(blob[p + 1:p + 5], "little")
    return 1, {0xF1: 3, 0xF2: 4, 0xF3: 5, 0xF4: 9}[b]


def listpack_repr(blob: bytes, addr: int) -> str:
    """``lpRepr``: what DEBUG LISTPACK (and DEBUG QUICKLIST with detail) prints on stdout for
    the listpack ``blob`` allocated at ``addr`` (a stand-in: Redis prints real pointers):
    the total bytes and count, then per entry its address, index, offset, sizes, bytes in
    hex and its value as ``lpGet`` gives it (the first 40 bytes and ``...`` when longer)."""
    values = listpack_decode(blob)
    out = [f"{{total bytes {len(blob)}}} {{num entries {len(values)}}}\n"]
    p, end, index = 6, len(blob) - 1, 0
    while p < end:
        hdr, size = _lp_sizes(blob[p], blob, p)
        back = len(_lp_backlen(size))
        shown = values[index]
        text = (shown[:40] + b"..." if len(shown) > 40 else shown).decode("latin-1")
        out.append(
            "{\n"
            f"\taddr: 0x{addr + p:08x},\n\tindex: {index:2d},\n\toffset: {p:1d},\n"
            f"\thdr+entrylen+backlen: {size + back:2d},\n\thdrlen: {hdr:3d},\n"
            f"\tbacklen: {back:2d},\n\tpayload: {size - hdr:1d}\n"
            "\tbytes: " + "".join(f"{x:02x}|" for x in blob[p:p + size + back]) + "\n"
            f"\t[str]{text}\n}}\n")
        p += size + back
        index += 1
    out.append("{end}\n\n")
    return "".join(out)


def _at(blob: bytes, i: int) -> int:
    """``blob[i]``, or :class:`RdbCorrupt` past the end."""
    if i >= len(blob):
        raise RdbCorrupt("truncated blob")
    return blob[i]


# -- intset (intset.c) -------------------------------------------------------------------------


def intset_encode(values: list[int]) -> bytes:
    """An intset: its width (2, 4 or 8 bytes: the smallest that holds every member), its
    length, the members ascending, all little-endian."""
    vs = sorted(values)
    w = 2
    for v in (vs[0], vs[-1]) if vs else ():
        if not -(1 << 15) <= v < 1 << 15:
            w = max(w, 4)
        if not -(1 << 31) <= v < 1 << 31:
            w = 8
    return (w.to_bytes(4, "little") + len(vs).to_bytes(4, "little")
            + b"".join(v.to_bytes(w, "little", signed=True) for v in vs))


def intset_decode(blob: bytes) -> list[int]:
    """The members of an intset blob (``intsetValidateIntegrity``: a known width, the
    length matching the size, not empty — a check it makes even without deep sanitization,
    so an empty intset is corrupt, not an empty key —, members strictly ascending)."""
    if len(blob) < 8:
        raise RdbCorrupt("intset header")
    w = int.from_bytes(blob[0:4], "little")
    n = int.from_bytes(blob[4:8], "little")
    if w not in (2, 4, 8) or len(blob) != 8 + w * n:
        raise RdbCorrupt("intset size")
    if n == 0:
        raise RdbCorrupt("Empty intset")
    vs = [int.from_bytes(blob[8 + i * w:8 + (i + 1) * w], "little", signed=True)
          for i in range(n)]
    if any(a >= b for a, b in zip(vs, vs[1:], strict=False)):
        raise RdbCorrupt("intset order")
    return vs


# -- ziplist and zipmap (the encodings of RDB versions before 10) -------------------------------


def ziplist_decode(blob: bytes) -> list[bytes]:
    """The entries of a ziplist (``ziplistValidateIntegrity`` + ``ziplistGet``), integers as
    their decimal text."""
    if len(blob) < 11 or int.from_bytes(blob[0:4], "little") != len(blob) or blob[-1] != 0xFF:
        raise RdbCorrupt("ziplist header")
    p, end = 10, len(blob) - 1
    out: list[bytes] = []
    while p < end:
        p += 5 if blob[p] == 0xFE else 1  # prevlen
        b = _at(blob, p)
        top = b >> 6
        if top == 0:
            n = b & 0x3F
            out.append(blob[p + 1:p + 1 + n])
            p += 1 + n
        elif top == 1:
            n = ((b & 0x3F) << 8) | _at(blob, p + 1)
            out.append(blob[p + 2:p + 2 + n])
            p += 2 + n
        elif top == 2:
            n = int.from_bytes(blob[p + 1:p + 5], "big")
            out.append(blob[p + 5:p + 5 + n])
            p += 5 + n
        elif b == 0xC0:
            out.append(b"%d" % int.from_bytes(blob[p + 1:p + 3], "little", signed=True))
            p += 3
        elif b == 0xD0:
            out.append(b"%d" % int.from_bytes(blob[p + 1:p + 5], "little", signed=True))
            p += 5
        elif b == 0xE0:
            out.append(b"%d" % int.from_bytes(blob[p + 1:p + 9], "little", signed=True))
            p += 9
        elif b == 0xF0:
            out.append(b"%d" % int.from_bytes(blob[p + 1:p + 4], "little", signed=True))
            p += 4
        elif b == 0xFE:
            out.append(b"%d" % int.from_bytes(blob[p + 1:p + 2], "little", signed=True))
            p += 2
        elif 0xF1 <= b <= 0xFD:
            out.append(b"%d" % ((b & 0x0F) - 1))
            p += 1
        else:
            raise RdbCorrupt("ziplist entry encoding")
        if p > end:
            raise RdbCorrupt("ziplist entry overflows")
    if p != end:
        raise RdbCorrupt("ziplist end")
    return out


def zipmap_decode(blob: bytes) -> list[tuple[bytes, bytes]]:
    """The pairs of a zipmap (Redis 2.x hashes): a count byte, then length-prefixed keys and
    values (a value also has a free-bytes byte after its length), 0xFF at the end."""
    if len(blob) < 2 or blob[-1] != 0xFF:
        raise RdbCorrupt("zipmap header")
    p, end = 1, len(blob) - 1
    out: list[tuple[bytes, bytes]] = []

    def length() -> int:
        nonlocal p
        b = _at(blob, p)
        if b < 254:
            p += 1
            return b
        if b == 254:
            n = int.from_bytes(blob[p + 1:p + 5], "little")
            p += 5
            return n
        raise RdbCorrupt("zipmap length")

    while p < end:
        kl = length()
        k = blob[p:p + kl]
        p += kl
        vl = length()
        free = _at(blob, p)
        v = blob[p + 1:p + 1 + vl]
        p += 1 + vl + free
        if p > end:
            raise RdbCorrupt("zipmap overflows")
        out.append((k, v))
    return out


# -- reading -------------------------------------------------------------------------------------


class Reader:
    """A cursor over RDB bytes (``rio`` reading): every read past the end raises
    :class:`RdbCorrupt` ("Short read")."""

    __slots__ = ("data", "pos", "interval", "mark")

    def __init__(self, data: bytes, pos: int = 0, interval: int = 0) -> None:
        self.data = data
        self.pos = pos
        #: ``loading-process-events-interval-bytes`` (0: not tracked). A read that crosses a
        #: multiple of it is where ``rdbLoadProgressCallback`` reports progress and
        #: processes events; :attr:`mark` is then the position before that read
        #: (``loadingAbsProgress(r->processed_bytes)``), -1 until it happens.
        self.interval = interval
        self.mark = -1

    def take(self, n: int) -> bytes:
        """The next ``n`` bytes (``rioRead``)."""
        if n < 0 or self.pos + n > len(self.data):
            raise RdbEof("Short read or OOM loading DB. Unrecoverable error, aborting now.")
        pos = self.pos
        iv = self.interval
        if iv and (pos + n) // iv > pos // iv:
            self.mark = pos
        b = self.data[pos:pos + n]
        self.pos = pos + n
        return b

    def byte(self) -> int:
        """One byte (``rdbLoadType``)."""
        return self.take(1)[0]

    def load_len_enc(self) -> tuple[int, bool]:
        """``rdbLoadLenByRef``: the length, and whether it is a special encoding instead."""
        b = self.byte()
        t = b >> 6
        if t == _ENCVAL:
            return b & 0x3F, True
        if t == 0:
            return b & 0x3F, False
        if t == 1:
            return ((b & 0x3F) << 8) | self.byte(), False
        if b == 0x80:
            return int.from_bytes(self.take(4), "big"), False
        if b == 0x81:
            return int.from_bytes(self.take(8), "big"), False
        raise RdbCorrupt(f"Unknown length encoding {t} in rdbLoadLen()")

    def load_len(self) -> int:
        """``rdbLoadLen``: a plain length."""
        n, enc = self.load_len_enc()
        if enc:
            raise RdbCorrupt("unexpected encoded length")
        return n

    def load_string(self) -> bytes:
        """``rdbGenericLoadStringObject``: a string, an integer-encoded string (as its
        decimal text) or an LZF-compressed one."""
        n, enc = self.load_len_enc()
        if not enc:
            return self.take(n)
        if n == _ENC_INT8:
            return b"%d" % int.from_bytes(self.take(1), "little", signed=True)
        if n == _ENC_INT16:
            return b"%d" % int.from_bytes(self.take(2), "little", signed=True)
        if n == _ENC_INT32:
            return b"%d" % int.from_bytes(self.take(4), "little", signed=True)
        if n == _ENC_LZF:
            clen = self.load_len()
            ulen = self.load_len()
            out = lzf.decompress(self.take(clen), ulen)
            if out is None or ulen == 0:
                raise RdbCorrupt("Invalid LZF compressed string")
            return out
        raise RdbCorrupt(f"Unknown RDB string encoding type {n}")

    def load_double(self) -> float:
        """``rdbLoadDoubleValue``: the old text form of a score (a length byte, 253 nan,
        254 +inf, 255 -inf)."""
        n = self.byte()
        if n == 253:
            return math.nan
        if n == 254:
            return math.inf
        if n == 255:
            return -math.inf
        try:
            return float(self.take(n).decode("ascii"))
        except ValueError as e:
            raise RdbCorrupt("bad double value") from e

    def load_binary_double(self) -> float:
        """``rdbLoadBinaryDoubleValue``: 8 little-endian bytes."""
        return float(struct.unpack("<d", self.take(8))[0])

    def load_millis(self) -> int:
        """``rdbLoadMillisecondTime``: a signed 64-bit little-endian time."""
        return int.from_bytes(self.take(8), "little", signed=True)
