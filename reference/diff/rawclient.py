"""Raw RESP connections: send bytes, get back the exact reply frames.

``RawClient`` is the simple request/reply form (``call(*argv) -> frame bytes``); ``Conn`` is
the patient form the differential tools use: it collects whole frames as they arrive, notices
the server closing the connection (recorded as ``CLOSED``) and reads replies still in the
kernel after a failed write.
"""

from __future__ import annotations

import os
import select
import socket
import time

from redspec.spec.frames import CLOSED, parse_all
from redspec.spec.resp import encode_request

__all__ = ["CLOSED", "Conn", "RawClient", "encode_request", "SILENT"]

#: Seconds of quiet after which a step counts as producing no reply.
SILENT = float(os.environ.get("REDSPEC_DIFF_SILENT", "2.0"))


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
        self.send(encode_request(list(args)))
        return self.read_frame()


class Conn:
    """A raw connection that collects whole frames and notices the server closing it."""

    def __init__(self, host: str, port: int, silent: float | None = None) -> None:
        self.silent = SILENT if silent is None else silent
        self.sock = socket.create_connection((host, port), timeout=10.0)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.closed = False
        self.pending: list[bytes] = []
        self.received = 0

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data: bytes) -> bool:
        """Write data; False if the connection is already closed."""
        if self.closed:
            return False
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            # The server closed the connection; replies it sent before closing may still be
            # waiting in the kernel: read them before noting the close.
            self.sock.setblocking(False)
            while self._recv(0):
                pass
            self._eof()
            return False

    def _eof(self) -> None:
        if not self.closed:
            self.closed = True
            self.pending.append(CLOSED)

    def _recv(self, timeout: float) -> bool:
        """Wait up to ``timeout`` for bytes; True if any arrived (or the peer closed)."""
        if self.closed:
            return False
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        try:
            data = self.sock.recv(1 << 20)
        except OSError:
            data = b""
        if not data:
            if self.buf:
                self.pending.append(b"<partial>" + self.buf)
                self.buf = b""
            self._eof()
            return True
        self.received += len(data)
        self.buf += data
        frames, self.buf = parse_all(self.buf)
        self.pending.extend(frames)
        return True

    def drain(self) -> list[bytes]:
        """Whatever has already arrived (no waiting)."""
        while self._recv(0):
            pass
        out, self.pending = self.pending, []
        return out

    def read(self, n: int, timeout: float | None = None) -> list[bytes]:
        """Read until ``n`` frames (or the close) arrived, or nothing arrives for ``timeout``."""
        if timeout is None:
            timeout = self.silent
        while len(self.pending) < n and not self.closed:
            if not self._recv(timeout):
                break
        while self._recv(0):
            pass
        out, self.pending = self.pending, []
        return out

    def read_quiet(
        self, quiet: float, expect_bytes: int = 0, expect_close: bool = False
    ) -> list[bytes]:
        """Read until the server closes the connection or is quiet for ``quiet`` seconds.

        With an expectation (what the reference server sent), first wait up to ``SILENT``
        seconds for that much output / the close, so a slow server is not cut short.
        """
        deadline = time.monotonic() + self.silent
        while (self.received < expect_bytes or expect_close) and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0 or not self._recv(left):
                break
        while self._recv(quiet):
            pass
        out, self.pending = self.pending, []
        if self.buf:
            out.append(b"<partial>" + self.buf)
            self.buf = b""
        return out
