"""A raw RESP client for differential tests: sends argv, returns the exact reply frame bytes."""

from __future__ import annotations

import socket


def encode_command(args: list[bytes | str | int]) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(parts)


class RawClient:
    """One connection. ``call`` returns one whole reply frame, byte for byte."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def _frame_end(self, pos: int) -> int | None:
        """End offset of the frame starting at pos in self.buf, or None if incomplete."""
        buf = self.buf
        nl = buf.find(b"\r\n", pos)
        if nl < 0:
            return None
        t = buf[pos : pos + 1]
        head = buf[pos + 1 : nl]
        p = nl + 2
        if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return p
        if t in (b"$", b"=", b"!"):
            n = int(head)
            if n < 0:
                return p
            return p + n + 2 if len(buf) >= p + n + 2 else None
        if t in (b"*", b"~", b">", b"%", b"|"):
            n = int(head)
            if n < 0:
                return p
            if t in (b"%", b"|"):
                n *= 2
            for _ in range(n):
                e = self._frame_end(p)
                if e is None:
                    return None
                p = e
            return p
        raise ValueError(f"bad frame start {buf[pos:pos+20]!r}")

    def read_frame(self) -> bytes:
        while True:
            e = self._frame_end(0) if self.buf else None
            if e is not None:
                frame, self.buf = self.buf[:e], self.buf[e:]
                return frame
            self._fill()

    def call(self, *args: bytes | str | int) -> bytes:
        self.send(encode_command(list(args)))
        return self.read_frame()
