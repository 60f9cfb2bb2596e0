"""The harness the drop-in tests share: it knows only redis-server's interface (a conf
file, ``<server> <conf> [--options]``, "Ready to accept connections" in the log, RESP, signals,
the pidfile), so the same function starts the real redis-server and redspec-server."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI, REDIS_VERSION, free_port

REDSPEC_SERVER = str(Path(sys.executable).parent / "redspec-server")
#: ``serverLog``'s line: pid, role, date with milliseconds, level character, message.
LOG_LINE = re.compile(r"^(\d+):([CMSX]) \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} "
                      r"([.\-*#]) (.*)$")
#: ``serverLogFromHandler``'s line (written by a signal handler).
HANDLER_LINE = re.compile(r"^(\d+):signal-handler \(\d+\) (.*)$")


def redis_problem() -> str | None:
    exe = shutil.which("redis-server")
    if exe is None:
        return "redis-server is not installed"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    return None if f"v={REDIS_VERSION}" in out else f"redis-server is not {REDIS_VERSION}"


def pick_server(name: str) -> str:
    """The executable the harness starts: the real one (skipped without it, but in CI),
    or ours."""
    if name == "redis-server":
        problem = redis_problem()
        if problem is not None:
            if IN_CI:
                pytest.fail(problem)
            pytest.skip(problem)
        return "redis-server"
    if not Path(REDSPEC_SERVER).exists():
        pytest.fail("redspec-server is not installed next to this Python (pip install -e .)")
    return REDSPEC_SERVER


# -- the harness: redis-server's interface only -----------------------------------------------


class Started:
    """A server the harness started: its process, port, log file and working directory."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path, cwd: Path) -> None:
        self.proc, self.port, self.log, self.cwd = proc, port, log, cwd

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()

    def command(self, *args: str, password: str | None = None) -> bytes:
        """One command over a fresh connection; the raw reply."""
        return resp_command(self.port, *args, password=password)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def resp_command(port: int, *args: str, password: str | None = None,
                 source: str | None = None) -> bytes:
    """Send one command (after AUTH when given a password); read the reply."""
    with socket.socket() as s:
        if source is not None:
            s.bind((source, 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        out = b""
        cmds = ([("AUTH", password)] if password is not None else []) + [args]
        for c in cmds:
            out += f"*{len(c)}\r\n".encode() + b"".join(
                f"${len(a.encode())}\r\n{a}\r\n".encode() for a in c)
        s.sendall(out)
        return _read_replies(s, len(cmds))[-1]


def _read_replies(s: socket.socket, n: int) -> list[bytes]:
    """Read ``n`` whole RESP2 replies (simple, error, integer, bulk, flat arrays of bulks)."""
    buf = b""
    out: list[bytes] = []
    while len(out) < n:
        end = _reply_end(buf, 0)
        if end is None:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed after {buf!r}")
            buf += chunk
            continue
        out.append(buf[:end])
        buf = buf[end:]
    return out


def _reply_end(buf: bytes, pos: int) -> int | None:
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    kind, head = buf[pos:pos + 1], buf[pos + 1:nl]
    if kind in (b"+", b"-", b":"):
        return nl + 2
    if kind == b"$":
        size = int(head)
        return nl + 2 if size < 0 else (nl + 4 + size if len(buf) >= nl + 4 + size else None)
    if kind == b"*":
        p: int | None = nl + 2
        for _ in range(max(int(head), 0)):
            assert p is not None
            p = _reply_end(buf, p)
            if p is None:
                return None
        return p
    raise AssertionError(f"unexpected reply {buf[pos:]!r}")


def start_like_redis(exe: str, workdir: Path, conf: str, *options: str,
                     stdin: bytes | None = None, port: int | None = None,
                     wait_ready: bool = True) -> Started:
    """Start ``exe`` as harnesses start redis-server: ``exe <workdir>/redis.conf options...``,
    the conf holding ``port`` and ``dir``, stdout (the log) to a file, then wait for "Ready
    to accept connections" in the log. ``{port}`` in ``conf`` is the chosen port."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    conf_path = workdir / "redis.conf"
    conf_path.write_text(f"port {port}\ndir {workdir}\n" + conf.replace("{port}", str(port)))
    log = workdir / "stdout.log"
    with open(log, "wb") as logf:
        proc = subprocess.Popen([exe, str(conf_path), *options], stdout=logf,
                                stderr=subprocess.STDOUT,
                                stdin=subprocess.PIPE if stdin is not None else
                                subprocess.DEVNULL, cwd=workdir)
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    started = Started(proc, port, log, workdir)
    if wait_ready:
        wait_for_log(started, log, "Ready to accept connections")
    return started


def wait_for_log(started: Started, logfile: Path, text: str, timeout: float = 30.0) -> None:
    """Poll ``logfile`` until a line contains ``text`` (as redis-py's and other suites'
    harnesses do); fail with the log when the process exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if logfile.exists() and text in logfile.read_text(errors="replace"):
            return
        if started.proc.poll() is not None and started.proc.returncode != 0:
            raise AssertionError(f"exited {started.proc.returncode}: "
                                 f"{logfile.read_text(errors='replace') if logfile.exists() else ''}")
        time.sleep(0.05)
    raise AssertionError(f"no {text!r} in {logfile} within {timeout}s")


def stopping() -> Iterator[list[Started]]:
    """Servers a test started, killed at the end whatever happened (a fixture's body)."""
    servers: list[Started] = []
    yield servers
    for s in servers:
        s.stop()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pid: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    raise AssertionError(f"pid {pid} still alive")
