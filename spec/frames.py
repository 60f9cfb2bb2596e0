"""RESP frames on the wire, as a client reads them: split a byte stream into whole reply
frames, parse and re-serialise them (requests are encoded by ``spec.resp.encode_request``).
A pure reader, next to the spec's own encoders; the differential tools and the property
suites read replies with it.

This is the client side of ``processMultibulkBuffer`` / ``addReply*``: the differential tools
compare *raw frames*, so a frame is kept as the exact bytes the server sent and parsed only
when a comparator needs its structure.
"""

from __future__ import annotations

__all__ = [
    "CLOSED",
    "Frame",
    "parse",
    "parse_all",
    "serialise",
]

#: Recorded in place of a frame when the server closed the connection.
CLOSED = b"<closed>"


AGGREGATE = b"*~>%|"
BULKISH = b"$=!"


class Frame:
    """A parsed RESP frame: ``kind`` is the type byte, ``head`` the text after it on the first
    line, ``payload`` the bulk payload (bulk-like frames), ``children`` the sub-frames
    (aggregates; for maps and attributes the flat key/value sequence)."""

    __slots__ = ("kind", "head", "payload", "children")

    def __init__(
        self,
        kind: bytes,
        head: bytes,
        payload: bytes | None = None,
        children: list[Frame] | None = None,
    ) -> None:
        self.kind = kind
        self.head = head
        self.payload = payload
        self.children = children

    def __repr__(self) -> str:
        return f"Frame({serialise(self)!r})"


def _parse_at(buf: bytes, pos: int) -> tuple[Frame, int]:
    nl = buf.index(b"\r\n", pos)
    kind = buf[pos : pos + 1]
    head = buf[pos + 1 : nl]
    p = nl + 2
    if kind in (b"$", b"=", b"!"):
        n = int(head)
        if n < 0:
            return Frame(kind, head), p
        if len(buf) < p + n + 2:
            raise ValueError("incomplete bulk")
        return Frame(kind, head, buf[p : p + n]), p + n + 2
    if kind and kind in AGGREGATE:
        n = int(head)
        if n < 0:
            return Frame(kind, head), p
        if kind in (b"%", b"|"):
            n *= 2
        children = []
        for _ in range(n):
            child, p = _parse_at(buf, p)
            children.append(child)
        return Frame(kind, head, children=children), p
    if kind in (b"+", b"-", b":", b"_", b",", b"#", b"("):
        return Frame(kind, head), p
    raise ValueError(f"bad frame start {buf[pos : pos + 20]!r}")


def parse(frame: bytes) -> Frame:
    """Parse exactly one frame (raises ValueError if ``frame`` is not exactly one frame)."""
    f, end = _parse_at(frame, 0)
    if end != len(frame):
        raise ValueError("trailing bytes after frame")
    return f


def parse_all(buf: bytes) -> tuple[list[bytes], bytes]:
    """Split ``buf`` into complete raw frames; returns (frames, incomplete remainder)."""
    frames = []
    pos = 0
    while pos < len(buf):
        try:
            _, end = _parse_at(buf, pos)
        except (ValueError, IndexError):
            break
        frames.append(buf[pos:end])
        pos = end
    return frames, buf[pos:]


def serialise(f: Frame) -> bytes:
    """The wire form of a frame; bulk lengths are recomputed from the payload."""
    if f.payload is not None:
        return b"%s%d\r\n%s\r\n" % (f.kind, len(f.payload), f.payload)
    if f.children is not None:
        n = len(f.children) // 2 if f.kind in (b"%", b"|") else len(f.children)
        return b"%s%d\r\n" % (f.kind, n) + b"".join(serialise(c) for c in f.children)
    return f.kind + f.head + b"\r\n"


