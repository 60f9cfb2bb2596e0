"""A raw replica of a real Redis: attach with ``SYNC``, skip the RDB, read the command stream.

What a master sends a replica (``syncCommand`` → ``replicationSetupSlaveForFullResync``, then
``replicationFeedSlaves``): while the BGSAVE for the replica runs, bare ``\\n`` keep-alives;
then the snapshot as ``$<len>\\r\\n`` followed by exactly ``len`` bytes of RDB (no trailing
CRLF: a replica that asked with plain ``SYNC`` has no ``EOF`` capability, so the master never
uses the diskless ``$EOF:<mark>`` form); then, for ever, every propagated command as a RESP
array of bulk strings, with a ``SELECT <db>`` written before a command whose database differs
from the last one sent (the master forgets the last database on a full resync, so the first
command is always preceded by one), and a ``PING`` every ``repl-ping-replica-period`` seconds
of ``replicationCron``.

:class:`ReplicaStream` knows how far to read without guessing at timing: the master's
``master_repl_offset`` (INFO replication) counts every byte it has fed its replicas, so after
a client's command has been answered, the stream is complete up to the offset read then
(:meth:`ReplicaStream.until_offset`). :func:`as_replica_stream` turns what redspec propagates
(``Effects.propagate``: ``(db, argv)`` in order) into the stream a replica would read, by the
same SELECT rule.

Used by the propagation comparison of scripting (tests/test_script_propagation.py) and meant
for replication's tests.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["ReplicaStream", "as_replica_stream", "encode_command", "master_repl_offset",
           "without_pings"]

Command = tuple[bytes, ...]


def encode_command(argv: Iterable[bytes]) -> bytes:
    """A command as the master writes it to a replica (a RESP array of bulk strings)."""
    parts = list(argv)
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in parts)


def as_replica_stream(propagated: Iterable[tuple[int, Command]], seldb: int = -1
                      ) -> tuple[list[Command], int]:
    """``replicationFeedSlaves``'s SELECT rule over redspec's propagation: each ``(db, argv)``
    goes out as ``argv``, preceded by ``SELECT db`` when ``db`` is not the database last
    selected on the stream (``server.slaveseldb``; -1 after a full resync). Returns the
    commands and the database selected at the end."""
    out: list[Command] = []
    for db, argv in propagated:
        if db != seldb:
            out.append((b"SELECT", b"%d" % db))
            seldb = db
        out.append(tuple(argv))
    return out, seldb


def master_repl_offset(conn: socket.socket) -> int:
    """``master_repl_offset`` of INFO replication, read on an open RESP2 connection."""
    conn.sendall(encode_command([b"INFO", b"replication"]))
    buf = b""
    while b"\r\n" not in buf:
        buf += _recv(conn)
    head, rest = buf.split(b"\r\n", 1)
    assert head.startswith(b"$"), head
    n = int(head[1:])
    while len(rest) < n + 2:
        rest += _recv(conn)
    for line in rest[:n].split(b"\r\n"):
        if line.startswith(b"master_repl_offset:"):
            return int(line.split(b":", 1)[1])
    raise AssertionError("no master_repl_offset in INFO replication")


def _recv(conn: socket.socket) -> bytes:
    data = conn.recv(65536)
    if not data:
        raise ConnectionError("the master closed the connection")
    return data


@dataclass
class ReplicaStream:
    """A connection that sent ``SYNC`` to a master on ``host:port``. After :meth:`attach`
    ``rdb`` holds the snapshot and ``offset`` the master's replication offset when the
    stream began; ``read`` counts the stream bytes consumed since."""

    host: str
    port: int
    timeout: float = 10.0
    rdb: bytes = b""
    offset: int = 0
    read: int = 0
    sock: socket.socket | None = None
    _buf: bytes = field(default=b"", repr=False)

    def attach(self, control: socket.socket) -> ReplicaStream:
        """Send ``SYNC``, skip the keep-alives, read the RDB bulk; ``control`` (a client of the
        same master, idle meanwhile) reads the offset the stream starts at."""
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.sendall(encode_command([b"SYNC"]))
        while True:
            while b"\n" not in self._buf:
                self._fill()
            if self._buf.startswith(b"\n"):  # a keep-alive while the BGSAVE runs
                self._buf = self._buf[1:]
                continue
            line, self._buf = self._buf.split(b"\r\n", 1)
            assert line.startswith(b"$") and not line.startswith(b"$EOF:"), line
            n = int(line[1:])
            while len(self._buf) < n:
                self._fill()
            self.rdb, self._buf = self._buf[:n], self._buf[n:]
            assert self.rdb.startswith(b"REDIS"), self.rdb[:9]
            break
        self.offset = master_repl_offset(control)
        return self

    def _fill(self) -> None:
        assert self.sock is not None
        self._buf += _recv(self.sock)

    def raw_until(self, offset: int) -> bytes:
        """The stream's bytes from where the last read stopped up to the master's replication
        offset ``offset`` (blocks until they have all arrived)."""
        want = offset - self.offset - self.read
        assert want >= 0, (offset, self.offset, self.read)
        while len(self._buf) < want:
            self._fill()
        data, self._buf = self._buf[:want], self._buf[want:]
        self.read += want
        return data

    def until_offset(self, offset: int) -> list[Command]:
        """The commands of the stream up to the master's offset ``offset``."""
        return parse_commands(self.raw_until(offset))

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def parse_commands(data: bytes) -> list[Command]:
    """The RESP arrays of bulk strings of a replication stream, in order (whole commands
    only: the data must end at a command boundary)."""
    out: list[Command] = []
    i = 0
    while i < len(data):
        assert data[i:i + 1] == b"*", data[i:i + 20]
        j = data.index(b"\r\n", i)
        n = int(data[i + 1:j])
        i = j + 2
        argv: list[bytes] = []
        for _ in range(n):
            assert data[i:i + 1] == b"$", data[i:i + 20]
            j = data.index(b"\r\n", i)
            ln = int(data[i + 1:j])
            argv.append(data[j + 2:j + 2 + ln])
            assert data[j + 2 + ln:j + 4 + ln] == b"\r\n"
            i = j + 4 + ln
        out.append(tuple(argv))
    return out


def without_pings(data: bytes) -> bytes:
    """The stream ``data`` without ``replicationCron``'s PINGs: the master sends one on its
    first cron with a replica attached and every ``repl-ping-replica-period`` seconds after,
    timed by its clock rather than by the commands under test, so whether one falls inside a
    captured stretch is a race; a comparison of what the commands propagate leaves them out."""
    return b"".join(encode_command(c) for c in parse_commands(data) if c != (b"ping",))
