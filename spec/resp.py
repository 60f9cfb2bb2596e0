"""RESP request decoding: Redis's ``processInputBuffer`` with ``processMultibulkBuffer``,
``processInlineBuffer`` and ``sdssplitargs``.

A request is either *multibulk* (first byte ``*``: ``*N\\r\\n`` then N times
``$len\\r\\n<len bytes>\\r\\n``) or *inline* (anything else: one line split like a shell).

Redis reads a socket in chunks of whatever size the kernel hands over and parses incrementally.
This decoder is stateless instead: :func:`parse_command` re-reads a request from its first
byte each time. Its answers are those Redis gives when bytes arrive one at a time, which makes
them independent of how the stream is split (the property ``split-independence``):

- Header lines (``*N``, ``$len``) and inline lines are found the way ``strchr`` finds them: the
  search stops at a NUL byte, so a NUL before the terminator means "not found yet". A line
  with no terminator among its first 65537 bytes (``PROTO_INLINE_MAX_SIZE`` + 1) is "too big".
- After a header's ``\\r`` only its presence is checked: the following byte is skipped unseen,
  and so are the two bytes after a bulk's data.
- The query buffer limit (``client-query-buffer-limit``) trips when one bulk element (data plus
  its two trailing bytes) is longer than the limit and more than the limit of it has arrived:
  Redis keeps only the current element in its query buffer (finished arguments move to argv).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
from mypy_extensions import mypyc_attr

from .numbers import string2ll

try:  # optional C fast path (hiredis's RESP reader), never required; see split_pipeline
    from hiredis import Reader as _CReader
except ImportError:  # pragma: no cover - exercised when hiredis is absent
    _CReader = None  # type: ignore[assignment, misc]

__all__ = [
    "Limits",
    "ProtocolError",
    "QueryBufferLimit",
    "parse_command",
    "split_pipeline",
    "progress_point",
    "split_args",
    "sdscatrepr",
    "encode_request",
    "PROTO_INLINE_MAX_SIZE",
    "BIG_TAIL",
]

#: ``PROTO_INLINE_MAX_SIZE``: the longest inline request / header line without a terminator.
PROTO_INLINE_MAX_SIZE = 64 * 1024
#: A line is looked for among this many bytes (one more than the limit: byte-at-a-time reads
#: see the terminator arrive as the 65537th byte before the "too big" check fires).
_WINDOW = PROTO_INLINE_MAX_SIZE + 1
_INT_MAX = (1 << 31) - 1
#: ``authRequired`` limits (CVE-2021-32675): argument count and bulk length before AUTH.
UNAUTH_MAX_ARGS = 10
UNAUTH_MAX_BULK = 16384
#: Leftover size from which the server keeps incoming bytes unjoined until they can change the
#: parse (see :func:`progress_point`): keeps a 100 MB argument, or a long line arriving a byte
#: at a time, linear rather than quadratic.
BIG_TAIL = 4096


@mypyc_attr(native_class=False)  # a str subclass: mypyc compiles only plain classes natively
class ProtocolError(str):
    """A protocol error; the text follows ``ERR Protocol error: `` in the reply, and the
    connection closes once the replies before it are written (``setProtocolError``)."""

    __slots__ = ()


@mypyc_attr(native_class=False)  # a str subclass: mypyc compiles only plain classes natively
class QueryBufferLimit(ProtocolError):
    """The query buffer went over ``client-query-buffer-limit`` (``readQueryFromClient``'s
    "Closing client that reached max query buffer length"): close with no reply at all."""

    __slots__ = ()


@attrs.frozen(slots=True)
class Limits:
    """Decoder limits taken from config and client state: ``proto-max-bulk-len``, whether the
    client may skip the unauthenticated limits (``!authRequired(c)``), and
    ``client-query-buffer-limit``."""

    max_bulk_len: int = 512 * 1024 * 1024
    authenticated: bool = True
    query_buffer_limit: int = 1024 * 1024 * 1024


Parsed = tuple["list[bytes] | ProtocolError | None", int]

_E_MBULK_BIG = ProtocolError("too big mbulk count string")
_E_MBULK_LEN = ProtocolError("invalid multibulk length")
_E_MBULK_AUTH = ProtocolError("unauthenticated multibulk length")
_E_BULK_BIG = ProtocolError("too big bulk count string")
_E_BULK_LEN = ProtocolError("invalid bulk length")
_E_BULK_AUTH = ProtocolError("unauthenticated bulk length")
_E_INLINE_BIG = ProtocolError("too big inline request")
_E_QUOTES = ProtocolError("unbalanced quotes in request")
_E_QBUF = QueryBufferLimit("reached max query buffer length")


def parse_command(buf: bytes, pos: int, limits: Limits) -> Parsed:
    """Parse one request starting at ``pos`` (``processInputBuffer``'s loop body).

    Returns ``(argv, new_pos)`` for a whole request (``argv`` may be empty: a ``*0``/negative
    count or a blank inline line, nothing to run), ``(None, pos)`` when more bytes are needed,
    ``(ProtocolError, pos)`` on invalid input (a :class:`QueryBufferLimit` for the limit).
    """
    blen = len(buf)
    if pos >= blen:
        return None, pos
    if buf[pos] != 42:  # '*'
        return _parse_inline(buf, pos, blen)
    # -- processMultibulkBuffer: the count line ------------------------------------------
    window = _WINDOW
    nl = buf.find(b"\r", pos, pos + window)
    if nl < 0 or nl + 2 > blen:
        return _line_pending(buf, pos, nl, blen, _E_MBULK_BIG)
    cnt = buf[pos + 1 : nl]
    n: int | None
    if cnt.isdigit() and len(cnt) <= 10 and (cnt[0] != 48 or len(cnt) == 1):
        n = int(cnt)  # the common case: a plain positive count
    else:
        n = string2ll(cnt)
        if n is None:
            if b"\0" in buf[pos:nl]:  # strchr stopped at the NUL: no line yet
                return _line_pending(buf, pos, -1, blen, _E_MBULK_BIG)
            return _E_MBULK_LEN, pos
    if n > _INT_MAX:
        return _E_MBULK_LEN, pos
    if n > UNAUTH_MAX_ARGS and not limits.authenticated:
        return _E_MBULK_AUTH, pos
    p = nl + 2
    if n <= 0:
        return [], p
    argv: list[bytes] = []
    append = argv.append
    find = buf.find
    maxlen = limits.max_bulk_len
    unauth = not limits.authenticated
    qlimit = limits.query_buffer_limit
    while n:
        # -- a bulk header: $<len>\r\n ------------------------------------------------------
        nl = find(b"\r", p, p + window)
        if nl < 0 or nl + 2 > blen:
            return _line_pending(buf, p, nl, blen, _E_BULK_BIG, pos)
        # (``nl > p``: mypyc's bytes slice fails on an end before its start, where Python
        # gives b"": a line "\r\n" where the "$" should be.)
        digits = buf[p + 1 : nl] if nl > p else b""
        if buf[p] == 36 and digits.isdigit() and len(digits) <= 20 and (
            digits[0] != 48 or len(digits) == 1
        ):
            ln = int(digits)
            if ln > maxlen:
                return _E_BULK_LEN, pos
        else:
            if b"\0" in buf[p:nl]:
                return _line_pending(buf, p, -1, blen, _E_BULK_BIG, pos)
            if buf[p] != 36:
                return _expected_dollar(buf[p]), pos
            return _E_BULK_LEN, pos
        if unauth and ln > UNAUTH_MAX_BULK:
            return _E_BULK_AUTH, pos
        ds = nl + 2
        end = ds + ln
        if ln + 2 > qlimit and blen - ds > qlimit:
            return _E_QBUF, pos
        if end + 2 > blen:
            return None, pos
        append(buf[ds:end])
        p = end + 2
        n -= 1
    return argv, p


def split_pipeline(buf: bytes, pos: int, limits: Limits) -> list[tuple[list[bytes], int]]:
    """The leading run of plain multibulk requests in ``buf[pos:]`` as ``(argv, end)`` pairs,
    decoded in C by hiredis's reader when it is installed (an accelerator for
    ``processMultibulkBuffer`` on the common case; empty without hiredis).

    It stops — leaving the rest to :func:`parse_command`, which gives Redis's exact answer —
    at the first request that is not a complete, canonical ``*N`` request of ``$`` bulk strings
    within the limits: an inline request, ``*0``/``*-1``, anything hiredis rejects or has not
    seen complete, a bulk over ``proto-max-bulk-len`` or the query-buffer limit, and always for
    an unauthenticated client. Every accepted request's framing is checked byte by byte at the
    positions the canonical encoding implies (``*`` and each ``$``), so its ``end`` is exact.
    On what it accepts it agrees with :func:`parse_command` (property
    ``fast_path_agrees_with_decoder`` in properties/test_resp.py). Requests with 10,000 or
    more arguments also take the slow path (hiredis would allocate a huge header's slots).
    """
    if _CReader is None or not limits.authenticated or pos >= len(buf) or buf[pos] != 42:
        return []
    # hiredis allocates an aggregate's slots when it reads the header: keep any header with a
    # large count (even one inside data) out of its sight; the slow path handles the rest.
    big = _BIG_AGGREGATE.search(buf, pos)
    reader = _CReader()
    reader.feed(buf, pos, (big.start() if big is not None else len(buf)) - pos)
    gets = reader.gets
    lim = min(limits.max_bulk_len, limits.query_buffer_limit - 2)
    dl = _DIGITS
    out: list[tuple[list[bytes], int]] = []
    p = pos
    try:
        while True:
            try:
                req = gets()
            except Exception:  # hiredis.ProtocolError & co: the slow path says what Redis says
                break
            if type(req) is not list or not req or buf[p] != 42:
                break
            n = len(req)
            q = p + 3 + (dl[n] if n < 10000 else len(str(n)))
            for a in req:
                if type(a) is not bytes or buf[q] != 36:
                    return out
                la = len(a)
                if la > lim:
                    return out
                q += la + 5 + (dl[la] if la < 10000 else len(str(la)))
            out.append((req, q))
            p = q
    except IndexError:  # framing not canonical: cannot happen after the checks, but be safe
        pass
    return out


#: A RESP aggregate header (array, map, set, push, attribute) with a count of 10,000 or more.
_BIG_AGGREGATE = re.compile(rb"[*%~>|]\d{5}")

#: Decimal digits of 0..9999 (header lengths in :func:`split_pipeline`).
_DIGITS = tuple(len(str(i)) for i in range(10000))


def _line_pending(buf: bytes, p: int, nl: int, blen: int, too_big: ProtocolError,
                  pos: int = -1) -> Parsed:
    """A header line at ``p`` whose ``\r`` is not usable yet: absent (``nl`` < 0), past a NUL
    (``strchr`` has not found it), or the last byte. "Too big" once more than
    ``PROTO_INLINE_MAX_SIZE`` bytes follow ``p`` with no line found; otherwise wait.
    ``pos`` is the request's start (default ``p``)."""
    if pos < 0:
        pos = p
    found = nl >= 0 and b"\0" not in buf[p:nl]
    if not found and blen - p > PROTO_INLINE_MAX_SIZE:
        return too_big, pos
    return None, pos


def _expected_dollar(c: int) -> ProtocolError:
    """``expected '$', got '%c'``; ``addReplyErrorFormat`` turns ``\\r``/``\\n`` into spaces."""
    if c == 13 or c == 10:
        c = 32
    ch = bytes((c,)).decode("utf-8", "surrogateescape")
    return ProtocolError(f"expected '$', got '{ch}'")


def _parse_inline(buf: bytes, pos: int, blen: int) -> Parsed:
    """``processInlineBuffer``: one line up to ``\\n`` (a ``\\r`` before it dropped), split by
    :func:`split_args`."""
    nl = buf.find(b"\n", pos, pos + _WINDOW)
    if nl < 0 or b"\0" in buf[pos:nl]:
        if blen - pos > PROTO_INLINE_MAX_SIZE:
            return _E_INLINE_BIG, pos
        return None, pos
    end = nl - 1 if nl > pos and buf[nl - 1] == 13 else nl
    args = split_args(buf[pos:end])
    if args is None:
        return _E_QUOTES, pos
    return args, nl + 1


# -- sdssplitargs ------------------------------------------------------------------------------

#: C ``isspace`` in the C locale: space, \t \n \v \f \r.
_ISSPACE = frozenset(b" \t\n\v\f\r")
#: What ends an unquoted token (not \v or \f: those stay inside it).
_TOKEN_END = frozenset(b" \n\r\t\0")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("a"): 7}


def split_args(line: bytes) -> list[bytes] | None:
    """``sdssplitargs``: split an inline request line into arguments; None if quotes are
    unbalanced (or a closing quote is followed by something other than a space).

    Between tokens any C-``isspace`` byte separates; an unquoted token ends at space, tab,
    CR, LF. ``"..."`` understands ``\\n \\r \\t \\b \\a``, ``\\xHH`` and ``\\<any>`` (that
    byte); ``'...'`` understands only ``\\'``. A quote may start mid-token (``a"b"`` is
    ``ab``).

    ``sdssplitargs`` reads a C string: a NUL ends the line, and whatever follows it is not
    seen (a quote still open there is unbalanced). The inline parser never passes a NUL
    (``strchr`` stops at it, so such a line waits), but ACL selectors, a function's shebang
    line and configuration lines can hold one.
    """
    nul = line.find(b"\0")
    if nul >= 0:
        line = line[:nul]
    if b'"' not in line and b"'" not in line:  # the common case: plain words
        if b"\v" in line or b"\f" in line:
            return _split_plain(line)
        return line.split()
    out: list[bytes] = []
    n = len(line)
    i = 0
    while True:
        while i < n and line[i] in _ISSPACE:
            i += 1
        if i >= n:
            return out
        cur = bytearray()
        quote = 0  # inside "..." (34) or '...' (39), else 0
        while True:
            c = line[i] if i < n else 0
            if quote:
                if quote == 34 and c == 92 and i + 3 < n and line[i + 1] == 120 \
                        and line[i + 2] in _HEX and line[i + 3] in _HEX:  # \xHH
                    cur.append(int(line[i + 2 : i + 4], 16))
                    i += 3
                elif quote == 34 and c == 92 and i + 1 < n:
                    i += 1
                    e = line[i]
                    cur.append(_ESCAPES.get(e, e))
                elif quote == 39 and c == 92 and i + 1 < n and line[i + 1] == 39:  # \'
                    i += 1
                    cur.append(39)
                elif c == quote:  # the closing quote
                    if i + 1 < n and line[i + 1] not in _ISSPACE:
                        return None
                    i += 1
                    break
                elif i >= n:
                    return None
                else:
                    cur.append(c)
            else:
                if i >= n or c in _TOKEN_END:
                    i += 1
                    break
                if c == 34 or c == 39:
                    quote = c
                else:
                    cur.append(c)
            i += 1
        out.append(bytes(cur))


def _split_plain(line: bytes) -> list[bytes]:
    """:func:`split_args` for a line without quotes that holds \\v or \\f (kept in tokens,
    skipped between them)."""
    out: list[bytes] = []
    for tok in line.replace(b"\t", b" ").replace(b"\r", b" ").replace(b"\n", b" ").split(b" "):
        tok = tok.lstrip(b"\v\f")
        if tok:
            out.append(tok)
    return out


# -- helpers for the server and for tests --------------------------------------------------


def progress_point(buf: bytes, pos: int, limits: Limits) -> tuple[int, tuple[bytes, ...]]:
    """For a request at ``pos`` that :func:`parse_command` found incomplete: ``(need, watch)``
    such that parsing it again gives the same answer while the buffer is shorter than ``need``
    and no byte in ``watch`` has arrived. ``need`` is the end of the bulk argument being
    received (or where the query buffer limit trips), where a line becomes "too big", or
    ``len(buf) + 1`` when the next byte matters. Re-reads headers only."""
    blen = len(buf)
    if buf[pos] != 42:
        return _line_wait(buf, pos, blen, b"\n")
    nl = buf.find(b"\r", pos, pos + _WINDOW)
    if nl < 0 or nl + 2 > blen or b"\0" in buf[pos:nl]:
        return _line_wait(buf, pos, blen, b"\r")
    n = string2ll(buf[pos + 1 : nl]) or 0
    p = nl + 2
    qlimit = limits.query_buffer_limit
    for _ in range(n):
        nl = buf.find(b"\r", p, p + _WINDOW)
        if nl < 0 or nl + 2 > blen or b"\0" in buf[p:nl]:
            return _line_wait(buf, p, blen, b"\r")
        ln = string2ll(buf[p + 1 : nl])
        if ln is None or ln < 0:
            break
        ds = nl + 2
        end = ds + ln + 2
        if end > blen:
            if ln + 2 > qlimit:
                return min(end, ds + qlimit + 1), ()
            return end, ()
        p = end
    return blen + 1, ()


def _line_wait(buf: bytes, p: int, blen: int, term: bytes) -> tuple[int, tuple[bytes, ...]]:
    """:func:`progress_point` for a line at ``p`` that is not complete."""
    nl = buf.find(term, p, blen)
    if buf.find(b"\0", p, nl if nl >= 0 else blen) >= 0:
        return p + _WINDOW, ()  # strchr stops at the NUL: only "too big" can happen now
    if nl >= 0:
        return blen + 1, ()  # a \r as the last byte: the next byte completes the line
    return p + _WINDOW, (term, b"\0")


def encode_request(args: Sequence[bytes | str | int]) -> bytes:
    """A command as a RESP multibulk request (``*N`` then one ``$len`` bulk per argument), what
    clients and ``redis-cli`` send; ``str`` and ``int`` arguments are written as their text."""
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(parts)


# -- sdscatrepr ------------------------------------------------------------------------------

def _repr_table() -> list[bytes]:
    """Each byte as ``sdscatrepr`` writes it between the quotes."""
    named = {0x5C: b"\\\\", 0x22: b'\\"', 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t",
             0x07: b"\\a", 0x08: b"\\b"}
    return [named.get(b) or (bytes((b,)) if 0x20 <= b <= 0x7E else b"\\x%02x" % b)
            for b in range(256)]


_REPR = _repr_table()
_REPR_PLAIN = frozenset(range(0x20, 0x7F)) - {0x5C, 0x22}


def sdscatrepr(a: bytes) -> bytes:
    """``sdscatrepr``: ``a`` in double quotes, ``\\`` and ``"`` escaped, ``\\n \\r \\t \\a
    \\b`` named, every other byte outside printable ASCII as ``\\xhh``. It is the inverse of
    :func:`split_args` for one argument: MONITOR lines, redis-cli's output of bulk strings and
    the config lines Redis writes all use it."""
    if all(b in _REPR_PLAIN for b in a):
        return b'"' + a + b'"'
    return b'"' + b"".join(_REPR[b] for b in a) + b'"'
