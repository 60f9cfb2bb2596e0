"""Servers for the replication interop tests: a real ``redis-server`` 7.0.15 or ``redspec
serve``, each started on a free loopback port in its own directory and stopped by its PID,
with the few things the tests ask of them (a raw command, INFO as a dict, DEBUG DIGEST) and
the waits they need — polls of INFO with a deadline, never a sleep that stands for "long
enough".

:func:`wait_in_sync` is the synchronisation every check builds on: the replica's link is up
and its replication offset equals the master's (``master_repl_offset`` on the master, the
replica's own ``master_repl_offset``, which a replica keeps equal to what it has applied).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from redspec.spec.frames import parse_all
from tests.conftest import free_port, wait_listening

__all__ = ["Node", "nodes", "wait_until", "wait_in_sync", "encode", "Conn"]

REDSPEC = Path(sys.executable).parent / "redspec"


def encode(*argv: bytes | str | int) -> bytes:
    """A command as a RESP array of bulk strings."""
    parts = [a if isinstance(a, bytes) else str(a).encode() for a in argv]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


class Conn:
    """A RESP2 connection that returns each reply as its raw frame bytes."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.frames: list[bytes] = []

    def send(self, *argv: bytes | str | int) -> None:
        self.sock.sendall(encode(*argv))

    def read(self) -> bytes:
        """The next reply frame (raw bytes)."""
        while not self.frames:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed")
            got, self.buf = parse_all(self.buf + data)
            self.frames += [_raw(f) for f in got]
        return self.frames.pop(0)

    def call(self, *argv: bytes | str | int) -> bytes:
        self.send(*argv)
        return self.read()

    def close(self) -> None:
        self.sock.close()


def _raw(frame: Any) -> bytes:
    """``parse_all`` hands back raw frames as bytes; anything else is a bug here."""
    assert isinstance(frame, bytes), frame
    return frame


def bulk(frame: bytes) -> bytes:
    """The payload of a bulk-string frame."""
    assert frame.startswith(b"$"), frame
    head, rest = frame.split(b"\r\n", 1)
    return rest[:int(head[1:])]


class Node:
    """One server process: ``kind`` is ``redis`` or ``redspec``."""

    def __init__(self, kind: str, workdir: Path, *extra: str) -> None:
        self.kind = kind
        self.port = free_port()
        self.workdir = workdir / f"{kind}-{self.port}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        if kind == "redis":
            argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                    "--daemonize", "no", "--dir", str(self.workdir)]
        else:
            argv = [str(REDSPEC), "serve", "--port", str(self.port), "--dir",
                    str(self.workdir)]
        argv += ["--save", "", "--appendonly", "no", "--enable-debug-command", "yes", *extra]
        self.argv = argv
        self.log = self.workdir / "server.log"
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.workdir)
        wait_listening(self.port, self.proc, self.log, timeout=60.0)
        self.conn = Conn(self.port)

    def __repr__(self) -> str:
        return f"<{self.kind}:{self.port}>"

    def call(self, *argv: bytes | str | int) -> bytes:
        """One command on the node's own connection; the raw reply frame."""
        return self.conn.call(*argv)

    def ok(self, *argv: bytes | str | int) -> bytes:
        """A command whose reply must not be an error."""
        reply = self.call(*argv)
        assert not reply.startswith(b"-"), (self, argv, reply)
        return reply

    def info(self, section: str = "replication") -> dict[str, str]:
        """INFO ``section`` as a dict of strings (in the server's order)."""
        return dict(self.info_fields(section))

    def info_fields(self, section: str = "replication") -> list[tuple[str, str]]:
        text = bulk(self.call("INFO", section)).decode()
        out: list[tuple[str, str]] = []
        for line in text.split("\r\n"):
            if line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out.append((k, v))
        return out

    def digest(self) -> bytes:
        return self.ok("DEBUG", "DIGEST")

    def offset(self) -> int:
        return int(self.info()["master_repl_offset"])

    def replicaof(self, master: Node | None) -> bytes:
        if master is None:
            return self.call("REPLICAOF", "NO", "ONE")
        return self.call("REPLICAOF", "127.0.0.1", master.port)

    def stop(self) -> None:
        self.conn.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def logtext(self) -> str:
        return self.log.read_text(errors="replace")


def wait_until(what: str, pred: Callable[[], Any], timeout: float = 20.0,
               every: float = 0.02) -> Any:
    """Poll ``pred`` until it returns something true; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def in_sync(master: Node, replica: Node) -> bool:
    """The replica's link is up and it has applied everything the master fed."""
    ri = replica.info()
    if ri.get("master_link_status") != "up":
        return False
    return ri["master_repl_offset"] == master.info()["master_repl_offset"]


def wait_in_sync(master: Node, *replicas: Node, timeout: float = 30.0) -> None:
    """Wait until every replica is in sync with ``master``, and check their digests."""
    for r in replicas:
        wait_until(f"{r} in sync with {master}", lambda r=r: in_sync(master, r), timeout)
    want = master.digest()
    for r in replicas:
        assert r.digest() == want, (master, r, want, r.digest())


class NodeSet:
    """The nodes a test started; all are killed at its end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.started: list[Node] = []

    def start(self, kind: str, *extra: str) -> Node:
        n = Node(kind, self.workdir, *extra)
        self.started.append(n)
        return n

    def stop_all(self) -> None:
        for n in self.started:
            n.stop()


def nodes(workdir: Path) -> Iterator[NodeSet]:
    """Generator behind the ``nodes`` fixture."""
    ns = NodeSet(workdir)
    try:
        yield ns
    finally:
        ns.stop_all()
