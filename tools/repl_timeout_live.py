"""Measure a real Redis replica's ``repl-timeout``: whole seconds or milliseconds?

``python tools/repl_timeout_live.py [--redspec] [repl-timeout] [runs]`` starts
``redis-server`` (or, with ``--redspec``, the reference server) as a
replica of a fake master (this script), syncs it with an empty snapshot, learns the phase
of its ``replicationCron`` from the arrival of its first ``REPLCONF ACK``, sends one PING
0.2-0.3 s before a cron tick, in the same unix second, and goes silent, then times when
the replica closes the link. With Redis's rule (``time(NULL) - master->lastinteraction >
repl_timeout``, whole seconds) the drop comes ``timeout + 1.2-1.3`` s after the PING; a
millisecond comparison would drop it at ``timeout + 0.2-0.3`` s. Prints each run and the replica's timeout log lines. (A run whose
cron phase is too close to a second's start to tell the rules apart is reported and
skipped.) Not part of the test suite: it takes ``timeout + 3`` s a run, on the wall clock.
"""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import tempfile
import time

from redspec.spec.persist import save_state
from redspec.spec.server import new_server

REDIS = ["/usr/bin/redis-server"]
#: ``--redspec``: measure the reference server instead.
REDSPEC = [sys.executable, "-m", "redspec.cli.main", "serve"]


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


def _serve_handshake(conn: socket.socket) -> None:
    """Answer the replica's handshake (PING, REPLCONF, PSYNC) and send an empty snapshot."""
    rdb = save_state(new_server(0), 0)
    buf = b""
    while True:
        while b"\r\n" not in buf:
            buf += conn.recv(4096)
        n = int(buf[1:buf.index(b"\r\n")])
        parts = buf.split(b"\r\n")
        if len(parts) < 2 * n + 2:
            buf += conn.recv(4096)
            continue
        cmd = parts[2].upper()
        buf = buf[sum(len(x) + 2 for x in parts[:1 + 2 * n]):]
        if cmd == b"PING":
            conn.sendall(b"+PONG\r\n")
        elif cmd == b"REPLCONF":
            conn.sendall(b"+OK\r\n")
        elif cmd == b"PSYNC":
            conn.sendall(b"+FULLRESYNC " + b"a" * 40 + b" 0\r\n")
            conn.sendall(b"$%d\r\n" % len(rdb) + rdb)
            return


def run_once(timeout: int, workdir: str, server: list[str]) -> str:
    """One measurement; returns its line of report."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    log = os.path.join(workdir, "replica.log")
    if os.path.exists(log):
        os.remove(log)
    proc = subprocess.Popen([*server, "--port", str(_free_port()), "--dir", workdir,
                             "--save", "", "--logfile", log, "--replicaof", "127.0.0.1",
                             str(lst.getsockname()[1]), "--repl-timeout", str(timeout)])
    try:
        conn, _ = lst.accept()
        conn.settimeout(30)
        _serve_handshake(conn)
        while b"ACK" not in conn.recv(4096):  # the first REPLCONF ACK: a cron tick
            pass
        phase = time.time() % 1.0
        if phase < 0.3:
            return f"cron phase {phase:.3f}: too close to a second's start, skipped"
        frac = max(0.1, phase - 0.3)
        gap = phase - frac  # from the PING to the next cron tick
        ping_at = math.floor(time.time()) + 1 + frac
        time.sleep(ping_at - time.time())
        ping_at = time.time()
        conn.sendall(b"*1\r\n$4\r\nPING\r\n")
        conn.settimeout(timeout + 5)
        while conn.recv(4096):
            pass
        after = time.time() - ping_at
        text = open(log).read() if os.path.exists(log) else ""  # (redspec logs to stdout)
        lines = [ln for ln in text.splitlines() if "timeout" in ln.lower()]
        return (f"cron phase {phase:.3f}, PING at .{int(frac * 1000):03d}: dropped {after:.3f} s "
                f"after (whole seconds: ~{timeout + 1 + gap:.2f}, milliseconds: "
                f"~{timeout + gap:.2f})"
                f"; {lines}")
    finally:
        proc.terminate()
        proc.wait()
        lst.close()


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--redspec"]
    server = REDSPEC if "--redspec" in sys.argv else REDIS
    timeout = int(args[0]) if args else 3
    runs = int(args[1]) if len(args) > 1 else 3
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            print(f"run {i}: {run_once(timeout, d, server)}")


if __name__ == "__main__":
    main()
