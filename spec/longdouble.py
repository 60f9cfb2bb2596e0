"""C ``long double`` on x86-64 (80-bit extended precision), emulated exactly and purely.

Redis's INCRBYFLOAT parses with ``strtold`` (``string2ld`` in ``util.c``), adds in
``long double`` and prints with ``"%.17Lf"`` (``ld2string`` in ``LD_STR_HUMAN`` mode). The
x87 extended format has a 64-bit significand (explicit integer bit) and a 15-bit exponent:
normal numbers span ``[2**-16382, 2**16384)``; subnormals go down to ``2**-16445``. Every
operation rounds to nearest, ties to even, like the hardware and glibc in their default mode.

A finite value is held as an exact :class:`fractions.Fraction` whose value is representable
in that format; ``±inf`` is a Python ``float``. The sign of zero is not kept: no reply of
Redis can tell it (``ld2string`` prints ``-0`` as ``0``).

Python limits ``int``/``str`` conversions to 4300 digits; a long double has up to 4933
integer digits, so conversions here go through :func:`digits_to_int` / :func:`int_to_digits`,
which work in chunks.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = [
    "LDouble",
    "MAX_LONG_DOUBLE_CHARS",
    "round_ld",
    "strtold",
    "ld_add",
    "ld_format_human",
    "digits_to_int",
    "int_to_digits",
]

#: A long double value: an exact representable Fraction, or ``float('inf')``/``float('-inf')``.
LDouble = Fraction | float

_MANT = 64  # significand bits, integer bit included
_QMIN = -16445  # exponent of the smallest subnormal (2**-16445)
_QMAX = 16384 - _MANT  # exponent of one unit in the last place of the largest numbers
_INF = float("inf")

#: ``MAX_LONG_DOUBLE_CHARS`` (``util.h``): strings this long or longer are not parsed.
MAX_LONG_DOUBLE_CHARS = 5 * 1024

_CHUNK = 4000  # digits per chunk, under Python's 4300-digit conversion limit


def digits_to_int(d: bytes) -> int:
    """A run of ASCII decimal digits as an int, of any length."""
    if len(d) <= _CHUNK:
        return int(d) if d else 0
    v = 0
    for i in range(0, len(d), _CHUNK):
        part = d[i : i + _CHUNK]
        v = v * 10 ** len(part) + int(part)
    return v


def int_to_digits(n: int) -> bytes:
    """A non-negative int in decimal, of any length."""
    if n < 10**_CHUNK:
        return b"%d" % n
    hi, lo = divmod(n, 10**_CHUNK)
    return int_to_digits(hi) + b"%0*d" % (_CHUNK, lo)


def round_ld(x: Fraction) -> LDouble:
    """Round an exact rational to the nearest long double (ties to even); ``±inf`` on overflow.

    This is what the FPU does with the exact result of an addition, and what glibc's
    ``strtold`` does with the exact value of its input.
    """
    if x == 0:
        return Fraction(0)
    neg = x < 0
    p, q = (-x.numerator, x.denominator) if neg else (x.numerator, x.denominator)
    # Choose the exponent e so that p/q / 2**e has 64 integer bits (fewer when subnormal).
    e = p.bit_length() - q.bit_length() - _MANT
    if e < _QMIN:
        e = _QMIN
    while True:
        num, den = (p, q << e) if e >= 0 else (p << -e, q)
        m, r = divmod(num, den)
        if m >> _MANT and e > _QMIN:
            e += 1
            continue
        break
    twice = 2 * r
    if twice > den or (twice == den and m & 1):
        m += 1
    if m == 0:
        return Fraction(0)
    if m >> _MANT:  # rounding carried into a 65th bit
        m >>= 1
        e += 1
    if e > _QMAX:
        return -_INF if neg else _INF
    v = Fraction(m << e) if e >= 0 else Fraction(m, 1 << -e)
    return -v if neg else v


_DEC = re.compile(rb"([+-]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?")
_HEX = re.compile(
    rb"([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?"
)
_INFS = re.compile(rb"([+-]?)(?:inf|infinity)", re.IGNORECASE)


def _exponent(e: bytes | None, lo: int, hi: int) -> int:
    """An exponent field, clamped to [lo, hi] (past those bounds the outcome is the same)."""
    if not e:
        return 0
    neg = e[:1] == b"-"
    digits = e.lstrip(b"+-").lstrip(b"0")
    if len(digits) > 12:
        return lo if neg else hi
    v = int(digits) if digits else 0
    v = -v if neg else v
    return max(lo, min(hi, v))


def _mantissa(m: re.Match[bytes]) -> tuple[bytes, bytes, int, bytes | None]:
    """A :data:`_DEC` or :data:`_HEX` match as (sign, all mantissa digits, how many of them
    follow the point, exponent field or None)."""
    sign, ip, fp, fonly, ex = m.groups()
    if fonly is not None:
        ip, fp = b"", fonly
    return sign, (ip or b"") + (fp or b""), len(fp or b""), ex


def strtold(b: bytes) -> LDouble | None:
    """``string2ld``: the whole of ``b`` as a long double, or None where Redis rejects it.

    Accepted: what glibc ``strtold`` reads in full — decimal (``1``, ``-1.5``, ``.5``,
    ``1.``, ``2e10``), hexadecimal (``0x1.8p3``), ``inf``/``infinity`` in any case, with an
    optional sign. Rejected: the empty string, ``MAX_LONG_DOUBLE_CHARS`` or more bytes, leading
    or trailing spaces or any unread byte, NaN, overflow (``ERANGE`` with ``HUGE_VAL``), and
    a nonzero number that underflows to zero (``ERANGE`` with zero). Subnormals are accepted.
    """
    n = len(b)
    if n == 0 or n >= MAX_LONG_DOUBLE_CHARS:
        return None
    m = _DEC.fullmatch(b)
    if m is not None:
        sign, digits, nfrac, ex = _mantissa(m)
        mant = digits_to_int(digits.lstrip(b"0"))
        if mant == 0:
            return Fraction(0)
        # |value| = mant * 10**exp10, with mant < 10**5120: clamp exp10 where the outcome
        # (overflow or underflow to zero) cannot change any more.
        exp10 = _exponent(ex, -100000, 100000) - nfrac
        if exp10 > 4933:
            return None
        if exp10 < -(4952 + len(digits)):
            return None
        x = Fraction(mant * 10**exp10) if exp10 >= 0 else Fraction(mant, 10**-exp10)
    else:
        m = _HEX.fullmatch(b)
        if m is not None:
            sign, digits, nfrac, ex = _mantissa(m)
            mant = int(digits, 16) if digits.strip(b"0") else 0
            if mant == 0:
                return Fraction(0)
            exp2 = _exponent(ex, -100000, 100000) - 4 * nfrac
            if exp2 + mant.bit_length() > 16400:
                return None
            if exp2 + mant.bit_length() < _QMIN - 2:
                return None
            x = Fraction(mant << exp2) if exp2 >= 0 else Fraction(mant, 1 << -exp2)
        else:
            m = _INFS.fullmatch(b)
            if m is None:
                return None  # not a number, trailing bytes, spaces, NaN
            return -_INF if m.group(1) == b"-" else _INF
    v = round_ld(-x if sign == b"-" else x)
    if type(v) is float or v == 0:
        return None  # ERANGE: overflow to HUGE_VAL or underflow to zero
    return v


def ld_add(a: LDouble, b: LDouble) -> LDouble | None:
    """``a + b`` in long double; None when the sum is NaN (``inf + -inf``)."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return round_ld(a + b)
    if isinstance(a, float) and isinstance(b, float) and a != b:
        return None
    return a if isinstance(a, float) else b


def ld_format_human(v: Fraction) -> bytes:
    """``ld2string(..., LD_STR_HUMAN)``: ``"%.17Lf"``, trailing zeros and a trailing dot
    removed, ``-0`` printed as ``0``. ``v`` must be finite."""
    neg = v < 0
    a = -v if neg else v
    scaled = a * 10**17
    q, r = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * r
    if twice > scaled.denominator or (twice == scaled.denominator and q & 1):
        q += 1
    ip, fp = divmod(q, 10**17)
    frac = (b"%017d" % fp).rstrip(b"0")
    out = int_to_digits(ip) + (b"." + frac if frac else b"")
    if neg and out != b"0":
        out = b"-" + out
    return out
