"""CRC-64/Jones, the checksum Redis appends to RDB files and DUMP payloads (``crc64.c``).

The parameters: polynomial ``0xad93d23594c935a9``, reflected input and output, initial value
0, no final XOR. Redis's own self-test vector is ``crc64(0, "123456789") ==
0xe9c6d914c4b8d9ca``. A file's checksum is the CRC of every byte before the eight checksum
bytes, written little-endian (``rdbchecksum no`` writes eight zero bytes instead).

Cost: one table lookup per byte, so a whole dump file is O(n) with a small constant; the
table is computed once at import.
"""

from __future__ import annotations

__all__ = ["JONES_POLY", "crc64", "crc64_bytes"]

#: The Jones polynomial in its reflected (LSB-first) form, as Redis's crc64.c defines it.
JONES_POLY = 0x95AC9329AC4BC9B5


def _table() -> tuple[int, ...]:
    """The 256-entry table of the reflected CRC: the CRC of each byte value alone."""
    out = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ JONES_POLY if c & 1 else c >> 1
        out.append(c)
    return tuple(out)


_TABLE = _table()


def crc64(data: bytes, crc: int = 0) -> int:
    """The CRC-64/Jones of ``data`` continuing from ``crc`` (Redis's ``crc64(crc, s, l)``):
    ``crc64(b, crc64(a)) == crc64(a + b)``, so a file's checksum can be computed as it is written."""
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def crc64_bytes(data: bytes, crc: int = 0) -> bytes:
    """The eight checksum bytes Redis appends after ``data``: the CRC, little-endian."""
    return crc64(data, crc).to_bytes(8, "little")
