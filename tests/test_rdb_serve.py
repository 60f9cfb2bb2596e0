"""SAVE, LASTSAVE and start-up loading in the reference server (``redspec serve``), against
the files and the behaviour of the real Redis 7.0.15.

Each test starts its own servers in its own directory on free loopback ports and stops them
by PID (``kill -9`` where a crash is the point).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import free_port, wait_listening

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")


def _redspec_cmd(port: int, *extra: str) -> list[str]:
    exe = Path(sys.executable).parent / "redspec"
    # no save points, as the real server in the tests: a stop (SIGTERM) writes no dump file
    return [str(exe), "serve", "--port", str(port), "--save", "", *extra]


class Proc:
    """A server subprocess started in ``workdir``, stopped by its PID."""

    def __init__(self, argv: list[str], port: int, workdir: Path, name: str) -> None:
        self.port = port
        self.log = workdir / f"{name}-{port}.log"
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=workdir)
        wait_listening(port, self.proc, self.log, timeout=60.0)
        self.client = redis.Redis(port=port)

    def kill9(self) -> None:
        self.client.close()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def procs() -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for p in started:
        p.stop()


def _redspec(procs: list[Proc], workdir: Path, *extra: str) -> Proc:
    port = free_port()
    p = Proc(_redspec_cmd(port, *extra), port, workdir, "redspec")
    procs.append(p)
    return p


def _populate(c: redis.Redis) -> None:
    c.set("s", "hello")
    c.set("n", 42)
    c.rpush("l", *[f"e{i}" for i in range(300)])
    c.sadd("si", 1, 2, 3)
    c.hset("h", mapping={"a": "1", "b": "x" * 100})
    c.zadd("z", {"a": 1.5, "b": -2})
    c.set("t", "v", px=10_000_000)


def test_save_then_kill9_then_restart_keeps_the_dataset(tmp_path: Path,
                                                        procs: list[Proc]) -> None:
    a = _redspec(procs, tmp_path, "--enable-debug-command", "yes")
    _populate(a.client)
    digest = a.client.execute_command("DEBUG", "DIGEST")
    before = a.client.lastsave()
    assert a.client.execute_command("SAVE") is True
    assert a.client.lastsave() >= before
    info = a.client.info("persistence")
    assert info["rdb_changes_since_last_save"] == 0 and info["rdb_saves"] == 1
    a.client.set("after-save", "lost")  # not in the file: gone after the crash
    a.kill9()
    assert not list(tmp_path.glob("temp-*.rdb"))
    check = subprocess.run(["redis-check-rdb", str(tmp_path / "dump.rdb")],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and "RDB looks OK!" in check.stdout
    b = _redspec(procs, tmp_path, "--enable-debug-command", "yes")
    assert b.client.execute_command("DEBUG", "DIGEST") == digest
    assert b.client.get("after-save") is None
    assert b.client.ttl("t") > 0


def test_real_redis_starts_on_our_save_and_we_on_its(tmp_path: Path, procs: list[Proc]) -> None:
    a = _redspec(procs, tmp_path, "--enable-debug-command", "yes")
    _populate(a.client)
    digest = a.client.execute_command("DEBUG", "DIGEST")
    assert a.client.execute_command("SAVE") is True
    a.stop()
    port = free_port()
    real = Proc(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(tmp_path), "--enable-debug-command", "yes"],
                port, tmp_path, "redis")
    procs.append(real)
    assert real.client.execute_command("DEBUG", "DIGEST") == digest
    real.client.set("from-redis", "yes")
    assert real.client.execute_command("SAVE") is True
    digest2 = real.client.execute_command("DEBUG", "DIGEST")
    real.stop()
    b = _redspec(procs, tmp_path, "--enable-debug-command", "yes")
    assert b.client.execute_command("DEBUG", "DIGEST") == digest2


def test_save_failure_answers_err_and_changes_nothing(tmp_path: Path, procs: list[Proc]) -> None:
    a = _redspec(procs, tmp_path)
    (tmp_path / "dump.rdb").mkdir()  # the rename onto a directory fails
    a.client.set("k", "v")
    with socket.create_connection(("127.0.0.1", a.port)) as sock:
        sock.sendall(b"SAVE\r\n")
        assert sock.recv(100) == b"-ERR\r\n"  # Redis's shared.err
    info = a.client.info("persistence")
    # as in 7.0.15: the attempt is counted, the changes are not saved
    assert info["rdb_changes_since_last_save"] == 1 and info["rdb_saves"] == 1
    assert not list(tmp_path.glob("temp-*.rdb"))


@pytest.mark.parametrize("damage,message", [
    (lambda b: b[:-1] + bytes(((b[-1] + 1) & 0xFF,)), "Wrong RDB checksum"),
    (lambda b: b[: len(b) // 2], "Short read"),
    (lambda b: b"REDIS0011" + b[9:], "Can't handle RDB format version 11"),
])
def test_corrupt_file_stops_the_start(tmp_path: Path, procs: list[Proc], damage: object,
                                      message: str) -> None:
    a = _redspec(procs, tmp_path)
    _populate(a.client)
    assert a.client.execute_command("SAVE") is True
    a.stop()
    path = tmp_path / "dump.rdb"
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    r = subprocess.run(_redspec_cmd(free_port()), cwd=tmp_path, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert message in r.stderr
