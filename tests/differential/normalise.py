"""Normalisers for reply frames that Redis documents as nondeterministic.

A normaliser maps one raw reply frame (bytes) to a canonical form (bytes), applied to the
frames of *both* targets before they are compared. A frame a normaliser cannot make sense of
(e.g. an error where a bulk string was expected) is returned unchanged, so the mismatch shows.

Names (use them in a case module's ``NONDETERMINISTIC``):

- ``"sort"``: the elements of an array / set / push (or the pairs of a map) sorted; nested
  aggregates are left as they are. Use for KEYS, SMEMBERS-like orderings.
- ``"ignore"``: the frame becomes ``<ignored>`` (its presence still counts).
- ``"client-list"``: CLIENT LIST / CLIENT INFO text with the per-connection values masked
  (id, addr, laddr, fd, age, idle, qbuf, qbuf-free, argv-mem, multi-mem, rbs, rbp, obl, oll,
  omem, tot-mem, events).
- ``"client-id"``: integer frames masked (CLIENT ID and other replies carrying a client id).
- ``"hello"``: the ``id`` field of a HELLO reply masked.
- ``"info"`` / ``"info-fields"``: INFO text reduced to section headers and field names.
- ``"info-keyspace"``: only the ``# Keyspace`` section of INFO, values kept.
- ``"float"``: a double (RESP3 ``,``) or a numeric bulk string rounded to 12 significant
  digits (for replies Redis computes in long double).

Several normalisers can be combined in a list: ``["client-list", "sort"]`` applies them in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = [
    "Frame",
    "parse",
    "parse_all",
    "serialise",
    "NORMALISERS",
    "normaliser",
    "hello",
]

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


def _safe(fn: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """Leave frames the normaliser does not understand unchanged."""

    def wrapped(frame: bytes) -> bytes:
        try:
            return fn(frame)
        except (ValueError, IndexError, UnicodeDecodeError):
            return frame

    wrapped.__doc__ = fn.__doc__
    return wrapped


# --- individual normalisers -------------------------------------------------------------


def sort(frame: bytes) -> bytes:
    """Sort the top-level elements of an aggregate (pairs, for a map)."""
    f = parse(frame)
    if f.children is None:
        return frame
    if f.kind in (b"%", b"|"):
        pairs = [(f.children[i], f.children[i + 1]) for i in range(0, len(f.children), 2)]
        pairs.sort(key=lambda kv: (serialise(kv[0]), serialise(kv[1])))
        f.children = [x for kv in pairs for x in kv]
    else:
        f.children.sort(key=serialise)
    return serialise(f)


def ignore(frame: bytes) -> bytes:
    """Replace the frame by a placeholder."""
    return b"<ignored>"


CLIENT_FIELDS = frozenset(
    b"id addr laddr fd age idle qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem "
    b"tot-mem events".split()
)


def _mask_client_line(line: bytes) -> bytes:
    out = []
    for tok in line.split(b" "):
        k, eq, _ = tok.partition(b"=")
        out.append(k + b"=*" if eq and k in CLIENT_FIELDS else tok)
    return b" ".join(out)


def _text_payload(f: Frame) -> tuple[bytes, bytes]:
    """(prefix, text) of a bulk or verbatim frame: verbatim keeps its ``txt:`` prefix apart."""
    if f.payload is None:
        raise ValueError("not a bulk frame")
    if f.kind == b"=":
        return f.payload[:4], f.payload[4:]
    return b"", f.payload


def client_list(frame: bytes) -> bytes:
    """Mask per-connection values in CLIENT LIST / CLIENT INFO text."""
    f = parse(frame)
    prefix, text = _text_payload(f)
    lines = text.split(b"\n")
    f.payload = prefix + b"\n".join(_mask_client_line(ln) for ln in lines)
    return serialise(f)


def client_id(frame: bytes) -> bytes:
    """Mask an integer reply (a client id)."""
    return b":<id>\r\n" if frame.startswith(b":") else frame


def hello(frame: bytes) -> bytes:
    """Mask the ``id`` field of a HELLO reply (RESP3 map or RESP2 flat array)."""
    f = parse(frame)
    if f.children is None:
        return frame
    ch = f.children
    for i in range(0, len(ch) - 1, 2):
        if ch[i].payload == b"id" and ch[i + 1].kind == b":":
            ch[i + 1] = Frame(b":", b"<id>")
    return serialise(f)


def _info_lines(f: Frame) -> tuple[bytes, list[bytes]]:
    prefix, text = _text_payload(f)
    return prefix, text.split(b"\r\n")


def info_fields(frame: bytes) -> bytes:
    """Keep only INFO section headers and field names (values masked)."""
    f = parse(frame)
    prefix, lines = _info_lines(f)
    out = []
    for ln in lines:
        if ln.startswith(b"#") or not ln:
            out.append(ln)
        else:
            out.append(ln.split(b":", 1)[0] + b":*")
    f.payload = prefix + b"\r\n".join(out)
    return serialise(f)


def info_keyspace(frame: bytes) -> bytes:
    """Keep only the ``# Keyspace`` section of INFO, with its values."""
    f = parse(frame)
    prefix, lines = _info_lines(f)
    out: list[bytes] = []
    keep = False
    for ln in lines:
        if ln.startswith(b"# "):
            keep = ln.strip() == b"# Keyspace"
        if keep and ln:
            out.append(ln)
    f.payload = prefix + b"\r\n".join(out)
    return serialise(f)


_NUM = re.compile(rb"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def float_(frame: bytes) -> bytes:
    """Round a double or numeric bulk string to 12 significant digits."""
    f = parse(frame)
    if f.kind == b"," and _NUM.match(f.head):
        f.head = b"%.12g" % float(f.head)
    elif f.payload is not None and _NUM.match(f.payload):
        f.payload = b"%.12g" % float(f.payload)
    return serialise(f)


NORMALISERS: dict[str, Callable[[bytes], bytes]] = {
    "sort": _safe(sort),
    "ignore": ignore,
    "client-list": _safe(client_list),
    "client-id": client_id,
    "hello": _safe(hello),
    "info": _safe(info_fields),
    "info-fields": _safe(info_fields),
    "info-keyspace": _safe(info_keyspace),
    "float": _safe(float_),
}


def normaliser(spec: str | Iterable[str] | None) -> Callable[[bytes], bytes] | None:
    """The normaliser named by ``spec`` (a name or a list of names), or None for none."""
    if spec is None:
        return None
    names = [spec] if isinstance(spec, str) else list(spec)
    fns = []
    for n in names:
        if n not in NORMALISERS:
            raise KeyError(f"unknown normaliser {n!r}; known: {sorted(NORMALISERS)}")
        fns.append(NORMALISERS[n])
    if len(fns) == 1:
        return fns[0]

    def chain(frame: bytes) -> bytes:
        for fn in fns:
            frame = fn(frame)
        return frame

    return chain
