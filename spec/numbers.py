"""Number parsing and formatting exactly as Redis does it (``util.c``: string2ll, string2l, ...)."""

from __future__ import annotations

LLONG_MAX = (1 << 63) - 1
LLONG_MIN = -(1 << 63)


def string2ll(b: bytes) -> int | None:
    """``string2ll``: a strict signed 64-bit decimal, or None.

    No leading '+', no leading zeros (except "0" itself), no spaces, at most 20 characters,
    "-0" is rejected, and the value must fit in a long long.
    """
    n = len(b)
    if n == 0 or n > 20:
        return None
    c = b[0]
    if c > 57 or (c < 48 and c != 45):  # neither a digit nor '-': the common rejection
        return None
    if n == 1:
        return c - 48 if c != 45 else None
    neg = b[0] == 45  # '-'
    digits = b[1:] if neg else b
    if not digits or not digits.isdigit() or digits[0] == 48:  # leading zero (or "-0")
        return None
    v = int(digits)
    if neg:
        v = -v
        return v if v >= LLONG_MIN else None
    return v if v <= LLONG_MAX else None


def c_strtol(b: bytes) -> int:
    """C ``strtol(s, NULL, 10)`` on the bytes of a C string: blanks, a sign, digits; the
    value clamped to a ``long``; stops at the first other byte (a NUL included)."""
    i = 0
    n = len(b)
    while i < n and b[i] in b" \t\n\v\f\r":
        i += 1
    sign = 1
    if i < n and b[i] in b"+-":
        sign = -1 if b[i] == 45 else 1
        i += 1
    v = 0
    while i < n and 48 <= b[i] <= 57:
        v = v * 10 + b[i] - 48
        i += 1
    return max(LLONG_MIN, min(LLONG_MAX, sign * v))


def c_atoi(b: bytes) -> int:
    """C ``atoi`` as glibc has it: ``(int) strtol(s, NULL, 10)``, the ``long`` cut to 32
    bits (so "4294967297" is 1). What DEBUG's 0|1 switches and the AOF reader's counts use."""
    v = c_strtol(b) & 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v
