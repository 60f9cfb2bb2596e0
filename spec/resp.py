"""RESP request decoding (Redis's ``processMultibulkBuffer`` / ``processInlineBuffer``).

PLACEHOLDER: a minimal multibulk-only decoder; the full decoder replaces it.
"""

from __future__ import annotations

import attrs

__all__ = ["Limits", "ProtocolError", "parse_command"]


class ProtocolError(str):
    """A protocol error; the text follows ``ERR Protocol error: `` in the reply."""

    __slots__ = ()


@attrs.frozen(slots=True)
class Limits:
    """Decoder limits taken from config and client state."""

    max_bulk_len: int = 512 * 1024 * 1024
    authenticated: bool = True


def parse_command(
    buf: bytes, pos: int, limits: Limits
) -> tuple[list[bytes] | ProtocolError | None, int]:
    """Parse one request starting at ``pos``.

    Returns ``(argv, new_pos)`` for a whole request (``argv`` may be empty: nothing to run),
    ``(None, pos)`` when more bytes are needed, ``(ProtocolError, pos)`` on invalid input.
    """
    if pos >= len(buf):
        return None, pos
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None, pos
    n = int(buf[pos + 1 : nl])
    p = nl + 2
    argv = []
    for _ in range(n):
        nl = buf.find(b"\r\n", p)
        if nl < 0:
            return None, pos
        ln = int(buf[p + 1 : nl])
        if len(buf) < nl + 2 + ln + 2:
            return None, pos
        argv.append(buf[nl + 2 : nl + 2 + ln])
        p = nl + 2 + ln + 2
    return argv, p
