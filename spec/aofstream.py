"""Reading an append-only file's command stream as ``loadSingleAppendOnlyFile`` reads it.

An AOF file is an optional RDB preamble (it starts with ``REDIS``: a base written with
``aof-use-rdb-preamble``, or a pre-7.0 file with a preamble) followed by commands in the
request format (``*<argc>\\r\\n`` then ``$<len>\\r\\n<bytes>\\r\\n`` per argument); a line
starting with ``#`` is an annotation (``#TS:<unix time>``) and skipped.

Redis reads it with ``fgets`` into a buffer of ``AOF_ANNOTATION_LINE_MAX_LEN`` (1024)
bytes, ``atoi``/``strtol`` for the counts and ``fread`` for the arguments, and checks only
what those calls see: the ``*`` and ``$`` lines' first byte, that ``argc`` is at least 1,
and that the data is there — the two bytes after an argument are skipped unread, so a wrong
length shows up as a format error one line later. :func:`read_item` does the same over the
file's bytes and says what Redis's loop does next: run a command, skip an annotation, stop
at a clean end, or fail (a format error, an unexpected end of file — ``aof-load-truncated``
decides whether that is fatal —, or a read error that is not the end of the file).
"""

from __future__ import annotations

import attrs

from .numbers import c_atoi, c_strtol

__all__ = ["AOF_LINE_MAX", "RDB_MAGIC", "Item", "COMMAND", "ANNOTATION", "END", "FORMAT_ERROR",
           "SHORT_READ", "READ_ERROR", "read_item", "has_rdb_preamble"]

#: ``AOF_ANNOTATION_LINE_MAX_LEN``: the size of the line buffer ``fgets`` fills.
AOF_LINE_MAX = 1024
#: The first bytes of an RDB file (``"REDIS"``): the file starts with an RDB preamble.
RDB_MAGIC = b"REDIS"

#: What :func:`read_item` found.
COMMAND = "command"
ANNOTATION = "annotation"
END = "end"
FORMAT_ERROR = "fmterr"
SHORT_READ = "uxeof"
READ_ERROR = "readerr"


@attrs.frozen(slots=True)
class Item:
    """One turn of the loading loop: its kind, the command's arguments (for
    :data:`COMMAND`) and the offset after what was read (``ftello``)."""

    kind: str
    argv: tuple[bytes, ...] = ()
    end: int = 0


def has_rdb_preamble(data: bytes) -> bool:
    """The file starts with ``REDIS`` (``loadSingleAppendOnlyFile``'s ``memcmp`` of the
    first five bytes): it is loaded as an RDB file first."""
    return data[:5] == RDB_MAGIC


def _fgets(data: bytes, pos: int) -> tuple[bytes, int, bool] | None:
    """C ``fgets`` with the loader's buffer: the line (through its newline, or
    ``AOF_LINE_MAX - 1`` bytes), the new offset, and whether the read met the end of the file
    (``feof``); None when nothing is left."""
    n = len(data)
    if pos >= n:
        return None
    nl = data.find(b"\n", pos, pos + AOF_LINE_MAX - 1)
    if nl >= 0:
        return data[pos : nl + 1], nl + 1, False
    end = pos + AOF_LINE_MAX - 1
    if end >= n:
        return data[pos:], n, end > n
    return data[pos:end], end, False




def read_item(data: bytes, pos: int) -> Item:
    """One turn of ``loadSingleAppendOnlyFile``'s loop from offset ``pos``: the next
    command (its arguments and where it ends), an annotation line, the clean end, or why
    the loop stops: :data:`FORMAT_ERROR` (``fmterr``: a line not starting with ``*`` or
    ``$``, an ``argc`` below 1), :data:`SHORT_READ` (the data ends inside a command:
    ``readerr`` with ``feof``, handled as ``uxeof``) or :data:`READ_ERROR` (``readerr``
    without ``feof``: a ``*`` followed by a NUL byte)."""
    got = _fgets(data, pos)
    if got is None:
        return Item(END, end=pos)
    buf, pos, eof = got
    if buf[:1] == b"#":
        return Item(ANNOTATION, end=pos)
    if buf[:1] != b"*":
        return Item(FORMAT_ERROR, end=pos)
    if len(buf) < 2 or buf[1] == 0:  # buf[1] == '\0'
        return Item(SHORT_READ if eof else READ_ERROR, end=pos)
    argc = c_atoi(buf[1:])
    if argc < 1:
        return Item(FORMAT_ERROR, end=pos)
    argv: list[bytes] = []
    n = len(data)
    for _ in range(argc):
        got = _fgets(data, pos)
        if got is None:
            return Item(SHORT_READ, end=pos)
        buf, pos, _eof = got
        if buf[:1] != b"$":
            return Item(FORMAT_ERROR, end=pos)
        length = c_strtol(buf[1:]) & 0xFFFFFFFFFFFFFFFF  # an unsigned long
        if length and pos + length > n:
            return Item(SHORT_READ, end=n)
        argv.append(data[pos : pos + length])
        pos += length
        if pos + 2 > n:  # the CRLF, read and not looked at
            return Item(SHORT_READ, end=n)
        pos += 2
    return Item(COMMAND, tuple(argv), pos)
