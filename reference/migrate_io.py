"""The world's side of MIGRATE (``spec.migrate.MigratePort``) over real sockets.

As in Redis, everything here blocks: the event loop waits while MIGRATE connects
(``connBlockingConnect``), writes (``syncWrite``, 64 KiB at a time, each within the
timeout) and reads the reply lines (``syncReadLine``, each within the timeout). A refused
connection is not a connect error: Redis's non-blocking connect only learns of the refusal
when it writes, so the connection is kept as dead and its first write fails (not a
timeout, so MIGRATE retries once). The sockets are kept here by name (``host:port``); the
spec decides when each is opened and closed.

The reference server runs a transition again when it asks the world a question (a fork, a
file write, a port to listen on: ``Reference.answered``), from the same input state. A
MIGRATE in that transition must not talk to its target twice: every operation of the
transition is journalled, and a run again replays the journal's answers, in order, before
it touches a socket (``migrate_rerun``; ``migrate_settled`` once the transition is done).
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from redspec.spec.migrate import Exchange
from redspec.spec.numbers import c_atoi

__all__ = ["MigrateSockets"]

#: ``syncWrite``'s chunk in ``migrateCommand`` (64 KiB).
WRITE_CHUNK = 64 * 1024



class MigrateSockets:
    """MIGRATE's blocking connections, by name; None for a connection that was refused
    (its writes fail)."""

    def __init__(self) -> None:
        self.migrate_socks: dict[bytes, socket.socket | None] = {}
        self._migrate_bufs: dict[bytes, bytes] = {}
        #: The operations of the transition being run and their answers, and how many of
        #: them a run again has replayed.
        self._journal: list[tuple[tuple[Any, ...], Any]] = []
        self._replayed = 0

    def migrate_rerun(self) -> None:
        """The transition starts (again) from its input state: replay from the start."""
        self._replayed = 0

    def migrate_settled(self) -> None:
        """The transition is done: forget its journal."""
        self._journal.clear()
        self._replayed = 0

    def _replay(self, call: tuple[Any, ...]) -> tuple[bool, Any]:
        """The journalled answer to ``call`` if a run again is at it (True, answer)."""
        i = self._replayed
        if i < len(self._journal):
            done, answer = self._journal[i]
            if done == call:
                self._replayed = i + 1
                return True, answer
            del self._journal[i:]  # the run went another way: the rest is not its past
        return False, None

    def _record(self, call: tuple[Any, ...], answer: Any) -> Any:
        """Journal an operation carried out on the sockets."""
        self._journal.append((call, answer))
        self._replayed = len(self._journal)
        return answer

    def migrate_connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        """Connect within the timeout (journalled)."""
        call = ("connect", name, host, port, timeout_ms)
        again, answer = self._replay(call)
        if again:
            return bool(answer)
        return bool(self._record(call, self._connect(name, host, port, timeout_ms)))

    def migrate_exchange(self, name: bytes, data: bytes, lines: int,
                         timeout_ms: int) -> Exchange:
        """Write, then read the reply lines (journalled)."""
        call = ("exchange", name, data, lines, timeout_ms)
        again, answer = self._replay(call)
        if again:
            return answer  # type: ignore[no-any-return]
        return self._record(call, self._exchange(name, data, lines, timeout_ms))  # type: ignore[no-any-return]

    def migrate_close(self, name: bytes) -> None:
        """Close the connection (journalled)."""
        call = ("close", name)
        again, _ = self._replay(call)
        if not again:
            self._record(call, None)
            self._close(name)

    def _connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        """Connect within the timeout; a name that does not resolve, an unreachable network
        or the timeout fail; a refusal gives a dead connection."""
        self._close(name)
        sock: socket.socket | None
        try:
            sock = socket.create_connection(
                (host.decode("utf-8", "surrogateescape"), c_atoi(port) & 0xFFFF),
                timeout=timeout_ms / 1000)
        except ConnectionRefusedError:
            sock = None
        except (OSError, ValueError, UnicodeError):
            return False
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.migrate_socks[name] = sock
        self._migrate_bufs[name] = b""
        return True

    def _exchange(self, name: bytes, data: bytes, lines: int, timeout_ms: int) -> Exchange:
        """Write everything, then read ``lines`` lines, each step within the timeout."""
        sock = self.migrate_socks.get(name)
        if sock is None:
            return Exchange(failed="write")
        sock.settimeout(timeout_ms / 1000)
        try:
            for pos in range(0, len(data), WRITE_CHUNK):
                sock.sendall(data[pos:pos + WRITE_CHUNK])
        except TimeoutError:
            return Exchange(failed="write", timed_out=True)
        except OSError:
            return Exchange(failed="write")
        got: list[bytes] = []
        buf = self._migrate_bufs.get(name, b"")
        try:
            while len(got) < lines:
                nl = buf.find(b"\n")
                if nl >= 0:
                    got.append(buf[:nl].rstrip(b"\r"))
                    buf = buf[nl + 1:]
                    continue
                chunk = sock.recv(16384)
                if not chunk:
                    return Exchange(tuple(got), failed="read")
                buf += chunk
        except TimeoutError:
            return Exchange(tuple(got), failed="read", timed_out=True)
        except OSError:
            return Exchange(tuple(got), failed="read")
        finally:
            self._migrate_bufs[name] = buf
        return Exchange(tuple(got))

    def _close(self, name: bytes) -> None:
        """Close the connection (nothing if it is not open)."""
        sock = self.migrate_socks.pop(name, None)
        self._migrate_bufs.pop(name, None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
