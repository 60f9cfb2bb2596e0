"""Reading an AOF base file of commands back into argument vectors (for the AOF rewrite's
tests and properties): ``#TS:`` annotation lines are skipped, every command must be a RESP
array of bulk strings, and nothing may be left over (a strict reader: loading proper is
``spec.aofload``'s)."""

from __future__ import annotations

__all__ = ["aof_commands", "AofParseError"]


class AofParseError(ValueError):
    """The bytes are not a sequence of complete commands."""


def _line(data: bytes, pos: int) -> tuple[bytes, int]:
    end = data.find(b"\r\n", pos)
    if end < 0:
        raise AofParseError(f"unterminated line at {pos}")
    return data[pos:end], end + 2


def aof_commands(data: bytes) -> list[list[bytes]]:
    """The commands of ``data`` in order (annotations left out)."""
    out: list[list[bytes]] = []
    pos = 0
    while pos < len(data):
        if data[pos:pos + 1] == b"#":
            _, pos = _line(data, pos)
            continue
        head, pos = _line(data, pos)
        if not head.startswith(b"*") or int(head[1:]) < 1:
            raise AofParseError(f"expected a command array, got {head[:20]!r}")
        argv = []
        for _ in range(int(head[1:])):
            blen, pos = _line(data, pos)
            if not blen.startswith(b"$"):
                raise AofParseError(f"expected a bulk string, got {blen[:20]!r}")
            n = int(blen[1:])
            if data[pos + n:pos + n + 2] != b"\r\n":
                raise AofParseError(f"bad bulk string end at {pos + n}")
            argv.append(data[pos:pos + n])
            pos += n + 2
        out.append(argv)
    return out
