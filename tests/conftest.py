"""Session fixtures: a real ``redis-server`` 7.0.15 and a redspec reference server.

Each pytest process (each xdist worker too) starts its own servers on free loopback ports and
kills them at the end of the session. Without ``redis-server`` the differential tests are
skipped, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.differential.harness import Target  # noqa: E402

REDIS_VERSION = "7.0.15"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


#: Ports handed out in this test session, by every xdist worker (one file per session, under
#: a lock). A port is never handed out twice: a server left behind by an earlier test, or a
#: replica of a master that is gone, reconnects to its old port every second, and must not
#: find a later test's server there (a stale replica syncing from it created a backlog and
#: moved ROLE's offset in the vector round trip).
_PORTS = Path(tempfile.gettempdir()) / (
    "redspec-test-ports-" + os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid())))


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (``ip_local_port_range``)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A loopback port nobody uses right now, and none handed out before in this test
    session. It is drawn *below* the kernel's ephemeral range: a port from ``bind(0)`` is
    one the kernel also gives to outgoing connections and to other ``bind(0)`` callers, so
    between this check and the server's own bind a test's client socket could take it (the
    server then fails to listen, or a harness reaches another server there: seen as eight
    failures in one fresh-clone run)."""
    low = _ephemeral_low()
    rng = random.Random()
    with open(_PORTS, "a+") as reg:
        fcntl.flock(reg, fcntl.LOCK_EX)
        reg.seek(0)
        used = {int(x) for x in reg.read().split()}
        for _ in range(10000):
            port = rng.randrange(10000, low) if low > 11000 else 0
            if port in used:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                port = int(s.getsockname()[1])
            if port not in used:
                break
        reg.write(f"{port}\n")
        return port


def wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Wait until ``port`` accepts connections; fail with the server's log if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}; log:\n{log.read_text(errors='replace')}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


class ServerProcess:
    """A server subprocess that can be (re)started on the same port."""

    def __init__(self, name: str, argv_for_port: list[str], port: int, workdir: Path) -> None:
        self.name = name
        self.argv = argv_for_port
        self.port = port
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(
                self.argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.workdir,
            )
        wait_listening(self.port, self.proc, self.log, timeout=30.0)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def target(self) -> Target:
        return Target(self.name, "127.0.0.1", self.port, restart=self.restart, alive=self.alive)


def start_server(
    name: str, make_argv: Callable[[int], list[str]], workdir: Path
) -> ServerProcess:
    """Start a server on a free port, retrying if another process grabbed the port first."""
    last: Exception | None = None
    for _ in range(5):
        port = free_port()
        sp = ServerProcess(name, make_argv(port), port, workdir)
        try:
            sp.start()
            return sp
        except RuntimeError as e:
            sp.stop()
            last = e
    raise RuntimeError(f"could not start {name}: {last}")


@pytest.fixture(scope="session")
def server_workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="redspec-test-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _redis_problem() -> str | None:
    exe = shutil.which("redis-server")
    if exe is None:
        return "redis-server is not installed"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    if f"v={REDIS_VERSION}" not in out:
        return f"redis-server is not version {REDIS_VERSION}: {out.strip()}"
    return None


def _start_redis(server_workdir: Path) -> ServerProcess:
    problem = _redis_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (required in CI)", pytrace=False)
        pytest.skip(f"{problem}: differential tests need the real server")
    return start_server(
        "redis",
        lambda p: ["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no", "--dir", str(server_workdir)],
        server_workdir,
    )


@pytest.fixture(scope="session")
def redis_server(server_workdir: Path) -> Iterator[ServerProcess]:
    """A real Redis 7.0.15 on a free port (the ground truth), shared by the session."""
    sp = _start_redis(server_workdir)
    yield sp
    sp.stop()


@pytest.fixture
def private_redis(server_workdir: Path) -> Iterator[ServerProcess]:
    """A real Redis 7.0.15 for one test alone: no other test's connections show in its
    CLIENT LIST."""
    # its own empty directory: the session's shared one may hold a dump.rdb another test's
    # server saved, which Redis loads at start — keys, and a replication ID and offset that
    # made ROLE's offset 3.5 MB in the vector round trip
    sp = _start_redis(Path(tempfile.mkdtemp(prefix="private-redis-", dir=server_workdir)))
    yield sp
    sp.stop()


def _redspec_argv(port: int) -> list[str]:
    exe = Path(sys.executable).parent / "redspec"
    if exe.exists():
        return [str(exe), "serve", "--port", str(port), "--save", ""]
    return [sys.executable, "-m", "redspec.cli.main", "serve", "--port", str(port), "--save", ""]


def debug_pair(workdir: Path, why: str) -> Iterator[dict[str, ServerProcess]]:
    """A real Redis 7.0.15 and ``redspec serve``, both with ``enable-debug-command yes``, each
    in its own directory under ``workdir`` (DEBUG RELOAD writes ``dump.rdb`` there), on free
    ports, stopped by PID at the end; ``why`` says in a skip what needs the real server."""
    problem = _redis_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (required in CI)", pytrace=False)
        pytest.skip(f"{problem}: {why}")
    dirs = {name: workdir / f"debug-pair-{name}" for name in ("redis", "redspec")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    redis = start_server(
        "redis",
        lambda p: ["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no", "--dir", str(dirs["redis"]),
                   "--enable-debug-command", "yes"],
        dirs["redis"])
    try:
        redspec = start_server(
            "redspec", lambda p: [*_redspec_argv(p), "--enable-debug-command", "yes",
                                  "--dir", str(dirs["redspec"])],
            dirs["redspec"])
    except BaseException:
        redis.stop()
        raise
    yield {"redis": redis, "redspec": redspec}
    redspec.stop()
    redis.stop()


@pytest.fixture(scope="session")
def redspec_server(server_workdir: Path) -> Iterator[ServerProcess]:
    """The redspec reference server on a free port (the system under test)."""
    sp = start_server("redspec", _redspec_argv, server_workdir)
    yield sp
    sp.stop()


@pytest.fixture(scope="session")
def redis_target(redis_server: ServerProcess) -> Target:
    return redis_server.target()


@pytest.fixture(scope="session")
def redspec_target(redspec_server: ServerProcess) -> Target:
    return redspec_server.target()
