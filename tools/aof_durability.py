#!/usr/bin/env python3
"""Kill -9 durability of the AOF: a write load against a server with ``appendonly yes``, the
process killed with SIGKILL at a random moment, restarted on the same directory, and every
write the client saw acknowledged looked for.

Usage:
  python tools/aof_durability.py [--server redspec|redis] [--fsync always|everysec]
                                 [--kills 20] [--seed 1] [--json]

The load, on one connection: ``SET w:<i> <i>`` then ``INCR counter``, i = 1, 2, ...; a
``BGREWRITEAOF`` every 200 writes (so some kills land during a rewrite). A write counts as
acknowledged once its reply was read. After each restart: every acknowledged ``w:<i>`` must be
there, and ``counter`` must be at least the last acknowledged INCR's value (it may be one higher:
a write can reach the file after its reply was lost with the connection). The writes lost are
counted, with how long before the kill each was acknowledged (the everysec window).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import free_port, wait_listening  # noqa: E402


def _argv(server: str, port: int, workdir: Path, fsync: str) -> list[str]:
    common = ["--appendonly", "yes", "--appendfsync", fsync, "--save", ""]
    if server == "redis":
        return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no",
                "--dir", str(workdir), *common]
    exe = Path(sys.executable).parent / "redspec"
    return [str(exe), "serve", "--port", str(port), "--dir", str(workdir), *common]


def _encode(*args: str | int) -> bytes:
    parts = [str(a).encode() for a in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


class _Conn:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.f = self.sock.makefile("rb")

    def call(self, *args: str | int) -> bytes:
        self.sock.sendall(_encode(*args))
        line = self.f.readline()
        if not line:
            raise ConnectionError("closed")
        if line[:1] == b"$":
            n = int(line[1:])
            if n < 0:
                return b""
            return self.f.read(n + 2)[:-2]
        return line.rstrip(b"\r\n")

    def close(self) -> None:
        self.sock.close()


@dataclass
class Result:
    server: str
    fsync: str
    kills: int = 0
    acknowledged: int = 0
    lost: int = 0
    #: For each lost write: ms between its acknowledgement and the kill.
    lost_age_ms: list[float] = field(default_factory=list)
    restart_s: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {"server": self.server, "fsync": self.fsync, "kills": self.kills,
                "acknowledged": self.acknowledged, "lost": self.lost,
                "max_lost_age_ms": round(max(self.lost_age_ms), 1) if self.lost_age_ms else 0,
                "median_restart_s": round(sorted(self.restart_s)[len(self.restart_s) // 2], 2)
                if self.restart_s else 0}


def _start(server: str, workdir: Path, fsync: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    log = workdir / f"{server}.log"
    with open(log, "ab") as logf:
        proc = subprocess.Popen(_argv(server, port, workdir, fsync), stdout=logf,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=workdir)
    wait_listening(port, proc, log, timeout=120.0)
    return proc, port


def _ready(port: int) -> _Conn:
    """A connection once the server answers (not -LOADING)."""
    for _ in range(1200):
        c = _Conn(port)
        if not c.call("PING").startswith(b"-LOADING"):
            return c
        c.close()
        time.sleep(0.05)
    raise AssertionError("still loading after 60 s")


def run(server: str = "redspec", fsync: str = "always", kills: int = 20, seed: int = 1,
        workdir: Path | None = None) -> Result:
    """The whole experiment; the result (raises nothing on lost writes: the caller judges)."""
    rng = random.Random(seed)
    own = workdir is None
    wd = Path(tempfile.mkdtemp(prefix="aof-kill-")) if workdir is None else workdir
    res = Result(server, fsync)
    acked: dict[int, float] = {}  # i -> when its SET was acknowledged (monotonic s)
    last_incr = 0
    i = 0
    try:
        for _ in range(kills):
            t0 = time.monotonic()
            proc, port = _start(server, wd, fsync)
            conn = _ready(port)
            res.restart_s.append(time.monotonic() - t0)
            # check what the previous run acknowledged
            kill_at = getattr(run, "_kill_at", None)
            for j, when in list(acked.items()):
                if conn.call("GET", f"w:{j}") != str(j).encode():
                    res.lost += 1
                    res.lost_age_ms.append((kill_at - when) * 1000 if kill_at else 0.0)
                    del acked[j]
            counter = int(conn.call("GET", "counter") or b"0")
            if counter < last_incr:
                res.lost += 1
            last_incr = counter
            # a write load until a random moment, then SIGKILL
            stop_at = time.monotonic() + rng.uniform(0.05, 0.6)
            stopped = threading.Event()

            def killer(p: subprocess.Popen[bytes] = proc, at: float = stop_at,
                       done: threading.Event = stopped) -> None:
                time.sleep(max(0.0, at - time.monotonic()))
                run._kill_at = time.monotonic()  # type: ignore[attr-defined]
                p.send_signal(signal.SIGKILL)
                done.set()

            threading.Thread(target=killer, daemon=True).start()
            try:
                while True:
                    i += 1
                    if conn.call("SET", f"w:{i}", i) != b"+OK":
                        raise AssertionError("SET refused")
                    acked[i] = time.monotonic()
                    res.acknowledged += 1
                    v = conn.call("INCR", "counter")
                    last_incr = int(v[1:])
                    if i % 200 == 0:
                        conn.call("BGREWRITEAOF")
            except (ConnectionError, OSError, ValueError):
                pass
            stopped.wait(10)
            proc.wait(10)
            conn.close()
            res.kills += 1
        proc, port = _start(server, wd, fsync)  # the last restart, checked like the others
        conn = _ready(port)
        kill_at = getattr(run, "_kill_at", None)
        for j, when in list(acked.items()):
            if conn.call("GET", f"w:{j}") != str(j).encode():
                res.lost += 1
                res.lost_age_ms.append((kill_at - when) * 1000 if kill_at else 0.0)
        if int(conn.call("GET", "counter") or b"0") < last_incr:
            res.lost += 1
        conn.close()
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if own:
            shutil.rmtree(wd, ignore_errors=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", choices=["redspec", "redis"], default="redspec")
    ap.add_argument("--fsync", choices=["always", "everysec", "no"], default="always")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = run(a.server, a.fsync, a.kills, a.seed)
    s = res.summary()
    print(json.dumps(s) if a.json else
          f"{s['server']} appendfsync {s['fsync']}: {s['kills']} kills, {s['acknowledged']} writes "
          f"acknowledged, {s['lost']} lost (oldest lost acknowledged {s['max_lost_age_ms']} ms "
          f"before the kill); median restart {s['median_restart_s']} s")
    return 0 if (a.fsync != "always" or res.lost == 0) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
