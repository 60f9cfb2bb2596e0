"""The size of a listpack entry (``listpack.c``): what MEMORY USAGE, the cost model, the stream
node limits and the RDB writer's node layout all count.

An entry is its encoding (``lpEncodeGetType``: an integer-looking string of at most 20 bytes
is stored as an integer in 1, 2, 3, 4, 5 or 9 bytes, anything else as a string behind a 1, 2
or 5-byte header) followed by its length written backwards (``lpEncodeBacklen``).
"""

from __future__ import annotations

from .numbers import string2ll

__all__ = ["lp_backlen", "lp_entry_size"]


def lp_backlen(n: int) -> int:
    """``lpEncodeBacklen``: bytes storing an entry's length ``n`` backwards."""
    if n <= 127:
        return 1
    if n < 16383:
        return 2
    if n < 2097151:
        return 3
    if n < 268435455:
        return 4
    return 5


def lp_entry_size(b: bytes) -> int:
    """Bytes one element takes in a listpack (``lpEncodeGetType`` + ``lpEncodeBacklen``): an
    integer-looking string (``lpStringToInt64``) in 1/2/3/4/5/9 bytes, a string in a 1, 2 or
    5-byte header (lengths < 64, < 4096, more) plus its bytes; then the back length."""
    v = string2ll(b) if len(b) <= 20 else None
    if v is not None:
        if 0 <= v <= 127:
            e = 1
        elif -4096 <= v <= 4095:
            e = 2
        elif -32768 <= v <= 32767:
            e = 3
        elif -8388608 <= v <= 8388607:
            e = 4
        elif -(1 << 31) <= v < 1 << 31:
            e = 5
        else:
            e = 9
    else:
        n = len(b)
        e = n + (1 if n < 64 else 2 if n < 4096 else 5)
    return e + lp_backlen(e)
