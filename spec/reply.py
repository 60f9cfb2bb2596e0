"""Reply values and their RESP2 / RESP3 encodings (Redis's ``addReply*`` family).

A command's reply is a plain Python value; the protocol version decides its bytes. The
mapping is the whole contract between command code and the wire:

================  ===================================  ==============================
reply value       RESP2 frame                          RESP3 frame
================  ===================================  ==============================
``bytes``         bulk string ``$3\\r\\nfoo``            same
``int``           integer ``:1``                       same
``None``          null bulk ``$-1``                    null ``_``
``NULL_ARRAY``    null array ``*-1``                   null ``_``
``Status``        simple string ``+OK``                same
``Err``           error ``-ERR ...``                   same
``list``/tuple    array ``*N``                         same
``Map``           flat array of 2N                     map ``%N``
``RSet``          array                                set ``~N``
``Push``          array                                push ``>N``
``bool``          integer 1 / 0                        boolean ``#t`` / ``#f``
``float``         bulk ``%.17g`` (addReplyDouble)      double ``,%.17g``
``BigNum``        bulk string                          big number ``(``
``Verbatim``      bulk string (text only)              verbatim ``=N\\r\\ntxt:...``
``Raw``           the bytes themselves                 same
================  ===================================  ==============================

``bool`` is tested before ``int`` because ``bool`` subclasses ``int``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "Status",
    "Err",
    "Map",
    "RSet",
    "Push",
    "BigNum",
    "Verbatim",
    "Raw",
    "NullArray",
    "NULL_ARRAY",
    "OK",
    "QUEUED",
    "PONG",
    "Reply",
    "encode",
    "encode2",
    "encode3",
    "format_double",
]


class Status(str):
    """A simple-string reply (``+OK``); must not contain CR or LF."""

    __slots__ = ()


class Err(str):
    """An error reply. The text includes its code: ``ERR syntax error``, ``WRONGTYPE ...``.

    As in Redis's ``addReplyErrorLength``, a message that does not start with a code word is
    still sent verbatim here: callers always give the full text.
    """

    __slots__ = ()


class Map(tuple):  # type: ignore[type-arg]
    """A map reply: a tuple of ``(key, value)`` pairs, in order."""

    __slots__ = ()


class RSet(tuple):  # type: ignore[type-arg]
    """A set reply (RESP3 ``~``), an array in RESP2."""

    __slots__ = ()


class Push(tuple):  # type: ignore[type-arg]
    """An out-of-band push (RESP3 ``>``), an array in RESP2 (Pub/Sub messages)."""

    __slots__ = ()


class BigNum(str):
    """A big number (RESP3 ``(``); a bulk string in RESP2."""

    __slots__ = ()


class Verbatim(bytes):
    """A verbatim string of format ``txt`` (RESP3 ``=``); a bulk string in RESP2."""

    __slots__ = ()


class Raw(bytes):
    """Bytes that are already a complete frame in every protocol version."""

    __slots__ = ()


class NullArray:
    """The null array (RESP2 ``*-1``), e.g. EXEC after a failed WATCH."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL_ARRAY"


NULL_ARRAY = NullArray()
OK = Status("OK")
QUEUED = Status("QUEUED")
PONG = Status("PONG")

#: A reply value, as the table above maps them: ``bytes`` (and ``Verbatim``, ``Raw``), ``int``
#: (and ``bool``), ``float``, ``None``, ``str`` (``Status``, ``Err``, ``BigNum``),
#: :data:`NULL_ARRAY`, a ``list`` of replies, or a tuple (``Map``, ``RSet``, ``Push``). What a
#: command handler returns.
Reply = bytes | int | float | str | NullArray | list[Any] | tuple[Any, ...] | None


def format_double(d: float) -> bytes:
    """A double as Redis 7.0 prints it in replies: ``%.17g``, with ``inf``/``-inf`` spelt out."""
    if math.isinf(d):
        return b"inf" if d > 0 else b"-inf"
    if math.isnan(d):
        return b"nan"
    return b"%.17g" % d


def _sanitize(msg: str) -> bytes:
    # addReplyErrorLength: an error never contains CR/LF, they would break the frame.
    b = msg.encode("utf-8", "surrogateescape")
    if b"\r" in b or b"\n" in b:
        b = b.replace(b"\r", b" ").replace(b"\n", b" ")
    return b


_CACHE_STATUS: dict[str, bytes] = {}


def _status(r: Status) -> bytes:
    f = _CACHE_STATUS.get(r)
    if f is None:
        f = b"+" + _sanitize(r) + b"\r\n"
        if len(_CACHE_STATUS) < 256:
            _CACHE_STATUS[r] = f
    return f


def _err(r: Err) -> bytes:
    """``addReplyErrorFormat``: CR and LF at the ends are trimmed (``sdstrim``), the ones
    inside become spaces (``sdsmapchars``), so that the frame stays one line."""
    b = r.encode("utf-8", "surrogateescape")
    if b"\r" in b or b"\n" in b:
        b = b.strip(b"\r\n").replace(b"\r", b" ").replace(b"\n", b" ")
    return b"-" + b + b"\r\n"


def _bulk(r: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(r), r)


def _int(r: int) -> bytes:
    return b":%d\r\n" % r


_Enc = Callable[[object], bytes]


def _make(resp: int) -> _Enc:
    """Build the encoder for one protocol version (a closure over a type-dispatch table)."""
    table: dict[type, _Enc] = {}

    def enc(r: object) -> bytes:
        f = table.get(type(r))
        if f is not None:
            return f(r)
        # Subclasses of the reply types (rare): fall back on isinstance, most specific first.
        for t in (Status, Err, BigNum, Verbatim, Raw, Map, RSet, Push, bool):
            if isinstance(r, t):
                return table[t](r)
        for t2 in (bytes, int, float, str, list, tuple):
            if isinstance(r, t2):
                return table[t2](r)
        raise TypeError(f"not a reply value: {r!r}")

    def enc_array(r: object) -> bytes:
        items = r
        parts = [b"*%d\r\n" % len(items)]  # type: ignore[arg-type]
        for x in items:  # type: ignore[attr-defined]
            parts.append(enc(x))
        return b"".join(parts)

    def enc_str(r: object) -> bytes:
        # Plain str is a convenience for bulk strings built from text.
        return _bulk(r.encode("utf-8", "surrogateescape"))  # type: ignore[attr-defined]

    table[bytes] = _bulk  # type: ignore[assignment]
    table[int] = _int  # type: ignore[assignment]
    table[Status] = _status  # type: ignore[assignment]
    table[Err] = _err  # type: ignore[assignment]
    table[Raw] = bytes  # type: ignore[assignment]
    table[str] = enc_str
    table[list] = enc_array
    table[tuple] = enc_array
    if resp == 2:
        table[type(None)] = lambda r: b"$-1\r\n"
        table[NullArray] = lambda r: b"*-1\r\n"
        table[bool] = lambda r: b":1\r\n" if r else b":0\r\n"
        table[float] = lambda r: _bulk(format_double(r))  # type: ignore[arg-type]
        table[BigNum] = lambda r: _bulk(r.encode())  # type: ignore[attr-defined]
        table[Verbatim] = _bulk  # type: ignore[assignment]
        table[RSet] = enc_array
        table[Push] = enc_array

        def enc_map2(r: object) -> bytes:
            pairs = r
            parts = [b"*%d\r\n" % (2 * len(pairs))]  # type: ignore[arg-type]
            for k, v in pairs:  # type: ignore[attr-defined]
                parts.append(enc(k))
                parts.append(enc(v))
            return b"".join(parts)

        table[Map] = enc_map2
    else:
        table[type(None)] = lambda r: b"_\r\n"
        table[NullArray] = lambda r: b"_\r\n"
        table[bool] = lambda r: b"#t\r\n" if r else b"#f\r\n"
        table[float] = lambda r: b",%s\r\n" % format_double(r)  # type: ignore[arg-type]
        table[BigNum] = lambda r: b"(%s\r\n" % r.encode()  # type: ignore[attr-defined]
        table[Verbatim] = lambda r: b"=%d\r\ntxt:%s\r\n" % (len(r) + 4, r)  # type: ignore[arg-type]

        def agg(mark: bytes) -> _Enc:
            def f(r: object) -> bytes:
                items = r
                parts = [b"%s%d\r\n" % (mark, len(items))]  # type: ignore[arg-type]
                for x in items:  # type: ignore[attr-defined]
                    parts.append(enc(x))
                return b"".join(parts)

            return f

        table[RSet] = agg(b"~")
        table[Push] = agg(b">")

        def enc_map3(r: object) -> bytes:
            pairs = r
            parts = [b"%%%d\r\n" % len(pairs)]  # type: ignore[arg-type]
            for k, v in pairs:  # type: ignore[attr-defined]
                parts.append(enc(k))
                parts.append(enc(v))
            return b"".join(parts)

        table[Map] = enc_map3
    return enc


encode2: _Enc = _make(2)
encode3: _Enc = _make(3)


def encode(reply: object, resp: int = 2) -> bytes:
    """The frame for ``reply`` in protocol version ``resp`` (2 or 3)."""
    return encode3(reply) if resp == 3 else encode2(reply)


def help_lines(command: str, lines: Sequence[str]) -> tuple[str, ...]:
    """``addReplyHelp``'s text: the usage line of ``command``, the subcommands' ``lines``, and
    the HELP entry every such list ends with."""
    return (f"{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", *lines,
            "HELP", "    Prints this help.")

