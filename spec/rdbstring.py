"""RDB lengths and strings (``rdb.c``: ``rdbSaveLen``, ``rdbSaveRawString``,
``rdbLoadLen``, ``rdbGenericLoadStringObject``), the pieces FUNCTION DUMP / RESTORE use.

A length is 6 bits (``00xxxxxx``), 14 bits (``01xxxxxx xxxxxxxx``, big-endian), or a
marker byte ``0x80`` / ``0x81`` and 4 / 8 big-endian bytes. A string is its length and its
bytes, or an *encoded* value: ``11000000``+int8, ``11000001``+int16 LE, ``11000010``+int32
LE (a string of at most 11 bytes that reads back as the same integer), or ``11000011`` +
compressed length + original length + LZF bytes (a string over 20 bytes when
``rdbcompression`` is on and LZF makes it at least 5 bytes shorter).
"""

from __future__ import annotations

from .lzf import lzf_compress, lzf_decompress
from .numbers import string2ll

__all__ = ["rdb_save_len", "rdb_save_raw_string", "RdbReader"]

RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_LZF = 0, 1, 2, 3


def rdb_save_len(n: int) -> bytes:
    """``rdbSaveLen``: the shortest of the four length forms."""
    if n < 1 << 6:
        return bytes((n,))
    if n < 1 << 14:
        return bytes((0x40 | (n >> 8), n & 0xFF))
    if n <= 0xFFFFFFFF:
        return b"\x80" + n.to_bytes(4, "big")
    return b"\x81" + n.to_bytes(8, "big")


def _int_encoding(s: bytes) -> bytes | None:
    """``rdbTryIntegerEncoding`` + ``rdbEncodeInteger``: the integer form of a short string
    that prints back identically, when it fits 32 bits."""
    v = string2ll(s)
    if v is None or str(v).encode() != s:
        return None
    if -(1 << 7) <= v < 1 << 7:
        return bytes((0xC0 | RDB_ENC_INT8,)) + v.to_bytes(1, "little", signed=True)
    if -(1 << 15) <= v < 1 << 15:
        return bytes((0xC0 | RDB_ENC_INT16,)) + v.to_bytes(2, "little", signed=True)
    if -(1 << 31) <= v < 1 << 31:
        return bytes((0xC0 | RDB_ENC_INT32,)) + v.to_bytes(4, "little", signed=True)
    return None


def rdb_save_raw_string(s: bytes, compression: bool = True) -> bytes:
    """``rdbSaveRawString``: integer form for short numeric strings, LZF for long ones when
    ``rdbcompression`` is on and it pays, else the length and the bytes."""
    n = len(s)
    if n <= 11:
        enc = _int_encoding(s)
        if enc is not None:
            return enc
    if compression and n > 20:
        comp = lzf_compress(s, n - 4)  # rdbSaveLzfStringObject: out_len = len - 4
        if comp is not None:
            return (bytes((0xC0 | RDB_ENC_LZF,)) + rdb_save_len(len(comp)) + rdb_save_len(n)
                    + comp)
    return rdb_save_len(n) + s


class RdbReader:
    """A cursor over an RDB byte string (``rio`` on a buffer): each read returns None when
    the bytes are short or malformed, as ``rdbLoad*`` fails."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def read(self, n: int) -> bytes | None:
        """``rioRead``: n bytes, or None if fewer are left."""
        if self.pos + n > len(self.data):
            return None
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def load_type(self) -> int | None:
        """``rdbLoadType``: one opcode byte."""
        b = self.read(1)
        return None if b is None else b[0]

    def load_len(self) -> tuple[int, bool] | None:
        """``rdbLoadLenByRef``: (length, whether it is an encoded value's kind instead)."""
        b = self.read(1)
        if b is None:
            return None
        kind = b[0] >> 6
        if kind == 0:
            return b[0] & 0x3F, False
        if kind == 1:
            b2 = self.read(1)
            return None if b2 is None else (((b[0] & 0x3F) << 8) | b2[0], False)
        if kind == 3:
            return b[0] & 0x3F, True
        width = {0x80: 4, 0x81: 8}.get(b[0])
        raw = self.read(width) if width else None
        return None if raw is None else (int.from_bytes(raw, "big"), False)

    def load_string(self) -> bytes | None:
        """``rdbGenericLoadStringObject``: a plain, integer-encoded or LZF string."""
        ln = self.load_len()
        if ln is None:
            return None
        n, encoded = ln
        if not encoded:
            return self.read(n)
        if n in (RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32):
            raw = self.read(1 << n)
            return None if raw is None else str(int.from_bytes(raw, "little", signed=True)).encode()
        if n != RDB_ENC_LZF:
            return None
        clen, olen = self.load_len(), self.load_len()
        if clen is None or olen is None or clen[1] or olen[1]:
            return None
        comp = self.read(clen[0])
        if comp is None or olen[0] == 0:
            return None
        return lzf_decompress(comp, olen[0])
