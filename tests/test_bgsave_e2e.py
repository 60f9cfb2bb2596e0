"""BGSAVE, MISCONF, SHUTDOWN and signals end to end: ``redspec serve`` (a forked child writes
the snapshot) next to a real redis-server 7.0.15, each started by the test in its own
directory on a free loopback port and stopped by its PID. Replies are compared as raw bytes.

A BGSAVE is made to fail for both servers the same way: ``dump.rdb`` is a directory, so the
child's rename of ``temp-<pid>.rdb`` onto it fails (we run as root, so a read-only directory
would not stop a write).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from redspec.spec.frames import parse_all
from redspec.spec.persist import MISCONF_ERR
from tests.conftest import free_port, wait_listening

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

MISCONF = b"-" + MISCONF_ERR.encode() + b"\r\n"


class Server:
    """A redis-server or ``redspec serve`` in ``workdir``, stopped by its PID."""

    def __init__(self, kind: str, workdir: Path, *extra: str) -> None:
        self.kind, self.workdir = kind, workdir
        self.port = free_port()
        if kind == "redis":
            argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                    "--appendonly", "no", "--daemonize", "no", "--dir", str(workdir)]
        else:
            exe = Path(sys.executable).parent / "redspec"
            argv = [str(exe), "serve", "--port", str(self.port)]
        argv += ["--enable-debug-command", "yes", *extra]
        self.log = workdir / f"{kind}-{self.port}.log"
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=workdir)
        wait_listening(self.port, self.proc, self.log, timeout=60.0)
        self.client = redis.Redis(port=self.port)

    def raw(self, *commands: bytes, replies: int | None = None) -> list[bytes]:
        """Send the inline commands in one write; the reply frames (until the server closes
        the connection when ``replies`` is None)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"".join(c + b"\r\n" for c in commands))
            buf, frames = b"", []
            want = len(commands) if replies is None else replies
            while len(frames) < want:
                data = sock.recv(65536)
                if not data:
                    break
                got, buf = parse_all(buf + data)
                frames += got
            return frames

    def wait_bgsave(self) -> dict[str, object]:
        for _ in range(400):
            info = self.client.info("persistence")
            if not info["rdb_bgsave_in_progress"]:
                return info
            time.sleep(0.05)
        raise AssertionError("the BGSAVE never ended")

    def stop(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for s in started:
        s.stop()


def _start(servers: list[Server], kind: str, workdir: Path, *extra: str) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    s = Server(kind, workdir, *extra)
    servers.append(s)
    return s


KINDS = ["redis", "redspec"]


@pytest.mark.parametrize("kind", KINDS)
def test_failed_bgsave_turns_misconf_on_and_a_good_one_off(kind: str, tmp_path: Path,
                                                           servers: list[Server]) -> None:
    s = _start(servers, kind, tmp_path, "--save", "3600 1")
    (tmp_path / "dump.rdb").mkdir()
    s.client.set("k", "v")
    assert s.raw(b"BGSAVE") == [b"+Background saving started\r\n"]
    info = s.wait_bgsave()
    assert info["rdb_last_bgsave_status"] == "err" and info["rdb_saves"] == 1
    assert s.raw(b"SET k v2", b"PING", b"GET k", b"DEL k", b"CONFIG GET stop-writes*") == [
        MISCONF, MISCONF, b"$1\r\nv\r\n", MISCONF,
        b"*2\r\n$27\r\nstop-writes-on-bgsave-error\r\n$3\r\nyes\r\n"]
    assert s.raw(b"MULTI", b"SET k v2", b"EXEC") == [
        b"+OK\r\n", MISCONF, b"-EXECABORT Transaction discarded because of previous "
        b"errors.\r\n"]
    # inside a script: the write gets MISCONF, its code kept; a read runs
    assert s.raw(b'EVAL "return redis.pcall(\'set\',\'k\',\'x\')" 0',
                 b'EVAL "return redis.call(\'get\',\'k\')" 0') == [MISCONF, b"$1\r\nv\r\n"]
    assert not list(tmp_path.glob("temp-*.rdb"))  # the failed child's file is gone
    (tmp_path / "dump.rdb").rmdir()
    assert s.raw(b"BGSAVE") == [b"+Background saving started\r\n"]
    assert s.wait_bgsave()["rdb_last_bgsave_status"] == "ok"
    assert s.raw(b"SET k v3", b"PING") == [b"+OK\r\n", b"+PONG\r\n"]
    assert (tmp_path / "dump.rdb").is_file()


@pytest.mark.parametrize("kind", KINDS)
def test_bgsave_replies_while_a_child_runs(kind: str, tmp_path: Path,
                                           servers: list[Server]) -> None:
    s = _start(servers, kind, tmp_path, "--save", "")
    for i in range(50):
        s.client.set(f"k{i}", i)
    s.client.config_set("rdb-key-save-delay", 20_000)  # 50 keys: a child of about 1 s
    assert s.raw(b"BGSAVE", b"BGSAVE", b"BGSAVE SCHEDULE", b"SAVE", b"BGSAVE x") == [
        b"+Background saving started\r\n", b"-ERR Background save already in progress\r\n",
        b"-ERR Background save already in progress\r\n",
        b"-ERR Background save already in progress\r\n", b"-ERR syntax error\r\n"]
    info = s.client.info("persistence")
    assert info["rdb_bgsave_in_progress"] == 1 and info["current_save_keys_total"] == 50
    s.client.config_set("rdb-key-save-delay", 0)
    info = s.wait_bgsave()
    assert info["rdb_last_bgsave_status"] == "ok" and info["rdb_saves"] == 1
    assert s.raw(b"MULTI", b"BGSAVE", b"EXEC") == [
        b"+OK\r\n", b"+QUEUED\r\n", b"*1\r\n+Background saving scheduled\r\n"]
    for _ in range(100):  # serverCron starts it
        if s.client.info("persistence")["rdb_saves"] == 2:
            break
        time.sleep(0.05)
    assert s.client.info("persistence")["rdb_saves"] == 2


@pytest.mark.parametrize("kind", KINDS)
def test_shutdown_replies_and_exit(kind: str, tmp_path: Path, servers: list[Server]) -> None:
    s = _start(servers, kind, tmp_path, "--save", "3600 1")
    s.client.set("k", "v")
    (tmp_path / "dump.rdb").mkdir()
    assert s.raw(b"SHUTDOWN ABORT", b"SHUTDOWN NOSAVE SAVE", b"SHUTDOWN NOW ABORT",
                 b"SHUTDOWN bogus") == [
        b"-ERR No shutdown in progress.\r\n", b"-ERR syntax error\r\n",
        b"-ERR syntax error\r\n", b"-ERR syntax error\r\n"]
    # the final save fails: the server refuses to stop and goes on
    assert s.raw(b"SHUTDOWN", b"PING") == [b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n",
                                           b"+PONG\r\n"]
    # FORCE: no reply, the connection closes, the process exits 0
    assert s.raw(b"SHUTDOWN FORCE", b"PING", replies=None) == []
    assert s.proc.wait(20) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_sigterm_saves_with_save_points_and_restart_has_the_data(
        kind: str, tmp_path: Path, servers: list[Server]) -> None:
    s = _start(servers, kind, tmp_path)  # no --save: Redis's default points
    assert s.client.config_get("save") == {"save": "3600 1 300 100 60 10000"}
    s.client.set("a", "1")
    s.client.rpush("l", *range(100))
    digest = s.client.execute_command("DEBUG", "DIGEST")
    s.client.close()
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(20) == 0
    t = _start(servers, kind, tmp_path)
    assert t.client.execute_command("DEBUG", "DIGEST") == digest


@pytest.mark.parametrize("kind", KINDS)
def test_kill9_after_a_completed_bgsave_keeps_the_snapshot(
        kind: str, tmp_path: Path, servers: list[Server]) -> None:
    s = _start(servers, kind, tmp_path, "--save", "")
    s.client.set("a", "1")
    s.client.hset("h", mapping={"f": "v"})
    digest = s.client.execute_command("DEBUG", "DIGEST")
    assert s.client.bgsave()
    s.wait_bgsave()
    s.client.set("after", "lost")
    s.stop()  # SIGKILL
    t = _start(servers, kind, tmp_path, "--save", "")
    assert t.client.execute_command("DEBUG", "DIGEST") == digest
    assert t.client.get("after") is None


def test_bgsave_while_a_client_writes_saves_the_fork_instant(tmp_path: Path,
                                                             servers: list[Server]) -> None:
    """The issue's "done when": a second connection keeps writing; DEBUG DIGEST and BGSAVE
    sent in one write run back to back (one read), so the digest is the dataset at the fork.
    The file, loaded by a real redis-server 7.0.15 and by a fresh redspec, has that digest,
    while the live dataset has moved on."""
    s = _start(servers, "redspec", tmp_path / "a", "--save", "")
    for i in range(200):
        s.client.set(f"seed{i}", i)
    s.client.config_set("rdb-key-save-delay", 2000)  # the child takes ~0.4 s
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        c = redis.Redis(port=s.port)
        while not stop.is_set():
            c.set(f"w{written[0] % 500}", written[0])
            c.incr("counter")
            written[0] += 1
        c.close()

    th = threading.Thread(target=writer)
    th.start()
    try:
        while written[0] < 50:
            time.sleep(0.01)
        frames = s.raw(b"DEBUG DIGEST", b"BGSAVE")
        assert frames[1] == b"+Background saving started\r\n"
        at_fork = frames[0][1:-2]  # +<40 hex>\r\n
        info = s.wait_bgsave()
        assert info["rdb_last_bgsave_status"] == "ok"
    finally:
        stop.set()
        th.join(10)
    live = s.client.execute_command("DEBUG", "DIGEST")
    assert live != at_fork  # the writes went on during the child
    dump = tmp_path / "a" / "dump.rdb"
    for kind in KINDS:
        d = tmp_path / kind
        d.mkdir()
        shutil.copy(dump, d / "dump.rdb")
        t = _start(servers, kind, d, "--save", "")
        assert t.client.execute_command("DEBUG", "DIGEST") == at_fork, kind
    check = subprocess.run(["redis-check-rdb", str(dump)], capture_output=True, text=True,
                           timeout=60)
    assert check.returncode == 0 and "RDB looks OK!" in check.stdout
    assert os.path.getsize(dump) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_flushall_kills_the_child_and_saves_with_save_points(kind: str, tmp_path: Path,
                                                             servers: list[Server]) -> None:
    s = _start(servers, kind, tmp_path, "--save", "3600 1")
    for i in range(30):
        s.client.set(f"k{i}", i)
    s.client.config_set("rdb-key-save-delay", 100_000)  # a child of ~3 s
    assert s.client.bgsave()
    assert s.raw(b"FLUSHALL") == [b"+OK\r\n"]
    info = s.client.info("persistence")
    # FLUSHALL's own save is not counted; the killed child is still "in progress" until
    # serverCron reaps it
    assert info["rdb_saves"] == 1 and info["rdb_changes_since_last_save"] == 0
    assert (tmp_path / "dump.rdb").is_file()
    s.client.config_set("rdb-key-save-delay", 0)
    info = s.wait_bgsave()
    assert info["rdb_last_bgsave_status"] == "ok"  # SIGUSR1 is not an error
    assert not list(tmp_path.glob("temp-*.rdb"))
    assert s.raw(b"SET k v") == [b"+OK\r\n"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_connection_closed_during_a_child_closes_when_the_child_ends(
        kind: str, tmp_path: Path, servers: list[Server]) -> None:
    """The child holds copies of the parent's client sockets (7.0.15 does not close them
    after the fork): QUIT's +OK comes at once, the end of the stream only once the child has
    exited. The listening socket is closed in the child: the port is free once the parent
    is killed, even while the child still runs."""
    s = _start(servers, kind, tmp_path, "--save", "")
    for i in range(20):
        s.client.set(f"k{i}", i)
    s.client.config_set("rdb-key-save-delay", 100_000)  # a child of ~2 s
    with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
        sock.sendall(b"PING\r\n")
        assert sock.recv(100) == b"+PONG\r\n"
        assert s.client.bgsave()
        t0 = time.monotonic()
        sock.sendall(b"QUIT\r\n")
        assert sock.recv(100) == b"+OK\r\n"
        assert sock.recv(100) == b""
        assert time.monotonic() - t0 > 1.0
    s.wait_bgsave()
    s.client.config_set("rdb-key-save-delay", 100_000)
    assert s.client.bgsave()
    s.stop()  # SIGKILL of the parent; the child goes on writing
    # The child closes its copy of the listener first thing after the fork
    # (closeChildUnusedResourceAfterFork); on a loaded machine it may not have run that yet
    # when the parent dies, so the port is free within moments rather than at once — and
    # still while the child writes its snapshot (2 s of rdb-key-save-delay).
    deadline = time.monotonic() + 1.5
    while True:
        probe = socket.socket()
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", s.port))  # fails while anything still listens on it
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
        finally:
            probe.close()
