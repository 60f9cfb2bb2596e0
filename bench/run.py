"""Benchmark redspec's reference server side by side with redis-server and fakeredis.

``make bench`` runs this with no arguments (the full run, about 10-12 minutes on 2 cores);
``--quick`` is a short run (~3 minutes) for a sanity check; ``--micro`` runs the
pytest-benchmark micro-suite of the spec's hot transitions instead.

The servers: ``redis`` (redis-server 7.0.15, the ground truth), ``redspec`` (``redspec serve``
with ``REDSPEC_SPEC_BUILD=compiled``: the mypyc-compiled spec of issue 21; the run fails when
its startup log line ``spec build: ...`` does not say compiled, or says stale),
``redspec-interp`` (the same command with ``REDSPEC_SPEC_BUILD=interpreted``: the pure-Python
spec) and ``fakeredis`` (a pure-Python Redis). The JSON records the ``spec build`` line of
each redspec server (``spec_builds``).

What it measures (see docs/performance.md, regenerated from the results at the end):

1. Throughput: ``redis-benchmark -c 50 --csv`` for SET, GET, INCR, LPUSH, LPOP, SADD, HSET,
   ZADD and MSET (10 keys) at ``-P 1`` and ``-P 16``, the four servers interleaved round by
   round (A, B, C, D, A, B, C, D, ...). Per (command, P, server): median ops/s, p50/p99
   latency and the server's CPU time per request (utime+stime from /proc/PID/stat around each
   run). ``-n`` is calibrated once per (command, P, server) so one run takes
   ``--target-seconds``, then fixed. A command a server does not serve (an error reply to a
   probe) is reported as n/a. The p99 of SET and GET at ``-P 1`` is the latency-under-load
   line of the report: 50 clients each waiting for its reply before sending the next request.
2. Memory per key: RSS (/proc/PID/status VmRSS) of a fresh server before and after loading N
   keys ``key:%012d`` -> a 10-byte value with a pipelined socket loader (redis-server and
   redspec compiled; fakeredis with fewer keys).
3. Scaling: GET and SET at ``-P 16`` with ``-r K -d 10`` over K preloaded keys, for K in
   1k, 100k, 1M, for redis-server and redspec (compiled).
4. The diff campaign: the wall time of ``redspec diff --target <a fresh redis-server>`` with
   the in-process spec as the oracle, ``--diff-examples`` examples (1,000; spread over the
   command groups), once per spec build and round (``diff_phase``).

Results go to ``bench/results/<UTC timestamp>.json`` and ``bench/results/latest.json``; the
plot of the scaling run to ``docs/performance-scaling.png``; the report to
``docs/performance.md`` (``bench/report.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import io
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import report  # noqa: E402  (bench/report.py, next to this file)

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
CLIENTS = 50
PIPELINES = (1, 16)
SERVERS = ("redis", "redspec", "redspec-interp", "fakeredis")
SERVER_LABELS = report.LABEL
#: The two redspec kinds: the same ``redspec serve``, told which spec build to import
#: (``REDSPEC_SPEC_BUILD``, reference/specbuild.py), and the word its startup log line
#: ``spec build: ...`` must begin with.
SPEC_BUILDS = {"redspec": "compiled", "redspec-interp": "interpreted"}

#: name -> (redis-benchmark -t name, the "test" column of its CSV, the probe command).
#: The probe is the command redis-benchmark sends, so an error reply means "not served".
TESTS: dict[str, tuple[str, str, list[bytes]]] = {
    "SET": ("set", "SET", [b"SET", b"key:__rand_int__", b"xxx"]),
    "GET": ("get", "GET", [b"GET", b"key:__rand_int__"]),
    "INCR": ("incr", "INCR", [b"INCR", b"counter:__rand_int__"]),
    "LPUSH": ("lpush", "LPUSH", [b"LPUSH", b"mylist", b"xxx"]),
    "LPOP": ("lpop", "LPOP", [b"LPOP", b"mylist"]),
    "SADD": ("sadd", "SADD", [b"SADD", b"myset", b"element:__rand_int__"]),
    "HSET": ("hset", "HSET", [b"HSET", b"myhash", b"element:__rand_int__", b"xxx"]),
    "ZADD": ("zadd", "ZADD", [b"ZADD", b"myzset", b"0", b"element:__rand_int__"]),
    "MSET": ("mset", "MSET (10 keys)",
             [b"MSET"] + [b"key:__rand_int__", b"xxx"] * 10),
}


# -- small helpers ------------------------------------------------------------------------------

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` (all its threads) in clock ticks, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat = f.read()
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = stat[stat.rindex(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def rss_bytes(pid: int) -> int:
    """VmRSS of ``pid`` in bytes, from /proc/PID/status."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def encode_request(argv: list[bytes]) -> bytes:
    out = [b"*%d\r\n" % len(argv)]
    for a in argv:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """A minimal blocking RESP2 client: enough to probe, flush and load."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def _fill(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def _line(self) -> bytes:
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def read_reply(self) -> Any:
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-"):
            return (t, rest)
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read_reply() for _ in range(n)]
        raise ValueError(f"unexpected reply line {line!r}")

    def call(self, *argv: bytes) -> Any:
        self.sock.sendall(encode_request(list(argv)))
        return self.read_reply()

    def load(self, start: int, stop: int, batch: int = 10000) -> None:
        """Pipelined ``SET key:%012d <10-byte value>`` for ``start <= i < stop``."""
        ok = b"+OK\r\n"
        for lo in range(start, stop, batch):
            hi = min(stop, lo + batch)
            payload = b"".join(
                b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$10\r\n%010d\r\n" % (i, i)
                for i in range(lo, hi)
            )
            self.sock.sendall(payload)
            want = ok * (hi - lo)
            while len(self.buf) < len(want):
                self._fill()
            got, self.buf = self.buf[:len(want)], self.buf[len(want):]
            if got != want:
                bad = got.replace(ok, b"")[:200]
                raise RuntimeError(f"loader got an unexpected reply: {bad!r}")


def is_error(reply: Any) -> bool:
    return isinstance(reply, tuple) and reply[0] == b"-"


class PortPicker:
    """Free loopback ports: from ``lo-hi`` when given, else chosen by the kernel."""

    def __init__(self, spec: str | None) -> None:
        self.next = self.hi = 0
        if spec:
            lo, _, hi = spec.partition("-")
            self.next, self.hi = int(lo), int(hi or lo)

    @staticmethod
    def _free(port: int) -> bool:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
        return True

    def get(self) -> int:
        if not self.hi:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                return int(s.getsockname()[1])
        while self.next <= self.hi:
            port = self.next
            self.next += 1
            if self._free(port):
                return port
        raise RuntimeError("no free port left in the given range")


# -- servers ------------------------------------------------------------------------------------

def redspec_cli() -> list[str]:
    """The ``redspec`` command of this checkout's venv (or of the running interpreter)."""
    exe = REPO / ".venv" / "bin" / "redspec"
    if not exe.exists():
        exe = Path(sys.executable).parent / "redspec"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "redspec.cli.main"]


def redspec_command(port: int) -> list[str]:
    return [*redspec_cli(), "serve", "--port", str(port), "--save", ""]


class SpecBuildError(RuntimeError):
    """A redspec server did not run the spec build its kind asks for."""


class Server:
    """One server process we started; stopped by its own pid only.

    ``spec_build`` is, for the redspec kinds, what the server's startup log line
    ``spec build: ...`` says it imported (``compiled (N modules: ...)`` or ``interpreted``);
    None for the others.
    """

    def __init__(self, kind: str, port: int, logdir: Path) -> None:
        self.kind = kind
        self.port = port
        self.spec_build: str | None = None
        env = None
        if kind == "redis":
            argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no",
                    "--dir", str(logdir)]
        elif kind in SPEC_BUILDS:
            argv = redspec_command(port)
            env = dict(os.environ, REDSPEC_SPEC_BUILD=SPEC_BUILDS[kind])
        elif kind == "fakeredis":
            argv = [sys.executable, str(BENCH_DIR / "fakeredis_server.py"), "--port", str(port)]
        else:
            raise ValueError(kind)
        self.logpath = logdir / f"{kind}-{port}.log"
        self.logf = open(self.logpath, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        self.pid = self.proc.pid
        self._wait_ready()
        if kind in SPEC_BUILDS:
            self._check_spec_build(SPEC_BUILDS[kind])

    def _check_spec_build(self, want: str) -> None:
        """Read the ``spec build: ...`` line of the startup log; raise SpecBuildError (after
        stopping the server) unless it names ``want``, or names a stale compiled build."""
        line = None
        for _ in range(50):  # printed just before the server listens: there by the first PONG
            for ln in self.logpath.read_text(errors="replace").splitlines():
                if ln.startswith("spec build: "):
                    line = ln[len("spec build: "):].strip()
            if line is not None:
                break
            time.sleep(0.1)
        self.spec_build = line
        bad = None
        if line is None:
            bad = "its startup log has no 'spec build: ' line"
        elif not line.startswith(want):
            bad = f"it runs the spec build: {line}"
        elif "STALE" in line:
            bad = f"its compiled modules are older than their sources: {line}"
        if bad is None:
            return
        self.stop()
        hint = ("build the compiled spec first (`make compiled`; it needs a C compiler and the "
                "'compile' extra), or leave this server out (--servers "
                "redis,redspec-interp,fakeredis)" if want == "compiled" else "")
        raise SpecBuildError(f"bench: {SERVER_LABELS[self.kind]} was started with "
                             f"REDSPEC_SPEC_BUILD={want}, but {bad}" + (f"; {hint}" if hint else ""))

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.logpath.read_text()[-2000:]}")
            try:
                c = Conn(self.port, timeout=2)
                try:
                    if c.call(b"PING") == (b"+", b"PONG"):
                        return
                finally:
                    c.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not answer PING on port {self.port}")

    def conn(self) -> Conn:
        return Conn(self.port)

    def flush(self) -> None:
        c = self.conn()
        try:
            c.call(b"FLUSHALL")
        finally:
            c.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.logf.close()


@contextlib.contextmanager
def servers(kinds: tuple[str, ...], ports: PortPicker, logdir: Path) -> Iterator[dict[str, Server]]:
    started: dict[str, Server] = {}
    try:
        for k in kinds:
            started[k] = Server(k, ports.get(), logdir)
        yield started
    finally:
        for s in started.values():
            s.stop()


# -- redis-benchmark ----------------------------------------------------------------------------

def bench_once(srv: Server, test: str, pipeline: int, n: int, *, keyspace: int | None = None,
               datasize: int | None = None, timeout: float = 120.0) -> dict[str, Any]:
    """One ``redis-benchmark`` run of one test; the server's CPU time is read around it."""
    tname, csvname, _ = TESTS[test]
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(srv.port), "-c", str(CLIENTS),
            "-n", str(n), "-P", str(pipeline), "-t", tname, "--csv"]
    if keyspace:
        argv += ["-r", str(keyspace)]
    if datasize:
        argv += ["-d", str(datasize)]
    cpu0 = cpu_ticks(srv.pid)
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f}s", "n": n}
    wall = time.monotonic() - t0
    cpu1 = cpu_ticks(srv.pid)
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    if "Error from server" in out + err:
        line = next(ln for ln in (out + err).splitlines() if "Error from server" in ln)
        return {"error": line.strip(), "n": n}
    row = None
    for r in csv.DictReader(io.StringIO(out)):
        if r.get("test") == csvname:
            row = r
    if p.returncode != 0 or row is None or float(row["rps"]) <= 0:
        return {"error": f"redis-benchmark rc={p.returncode}: {(err or out).strip()[-300:]}",
                "n": n}
    return {
        "n": n,
        "rps": float(row["rps"]),
        "avg_ms": float(row["avg_latency_ms"]),
        "p50_ms": float(row["p50_latency_ms"]),
        "p99_ms": float(row["p99_latency_ms"]),
        "max_ms": float(row["max_latency_ms"]),
        "cpu_us_per_req": (cpu1 - cpu0) * 1e6 / CLK_TCK / n,
        "wall_s": round(wall, 3),
    }


def round_n(x: float) -> int:
    """Round to two significant digits, so the chosen ``-n`` reads well in the report."""
    if x < 100:
        return max(1, int(x))
    mag = 10 ** (len(str(int(x))) - 2)
    return int(round(x / mag) * mag)


def calibrate(srv: Server, test: str, pipeline: int, target_s: float,
              min_probe_s: float) -> tuple[int, str | None]:
    """Pick ``-n`` so a run of ``test`` takes about ``target_s`` on ``srv``.

    Probes with a growing ``-n`` until one probe lasts ``min_probe_s``; returns
    ``(n, error)``, error set when the server fails the test.
    """
    floor = CLIENTS * pipeline * 10  # at least 10 round trips per client
    n = floor
    while True:
        res = bench_once(srv, test, pipeline, n, timeout=max(60.0, 40 * target_s))
        if "error" in res:
            return 0, res["error"]
        took = n / res["rps"]
        if took >= min_probe_s or n >= 5_000_000:
            return max(floor, min(5_000_000, round_n(res["rps"] * target_s))), None
        n = int(n * min(10.0, max(2.0, 1.5 * min_probe_s / max(took, 1e-4))))


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    good = [r for r in runs if "error" not in r]
    if not good:
        return {}
    med = statistics.median
    return {
        "rps": med(r["rps"] for r in good),
        "p50_ms": med(r["p50_ms"] for r in good),
        "p99_ms": med(r["p99_ms"] for r in good),
        "cpu_us_per_req": med(r["cpu_us_per_req"] for r in good),
    }


def probe(srv: Server, test: str) -> tuple[str | None, str | None]:
    """Send the test's command once: an error reply means the server does not serve it.

    Returns ``(reason, note)``. ``COMMAND INFO <name>`` is asked first and noted when it
    answers nil, but the command's own reply decides: fakeredis answers nil to every
    ``COMMAND INFO`` yet serves the commands.
    """
    name = TESTS[test][2][0]
    c = srv.conn()
    try:
        c.call(b"FLUSHALL")
        info = c.call(b"COMMAND", b"INFO", name)
        note = None
        if is_error(info):
            note = "COMMAND INFO: " + info[1].decode(errors="replace")
        elif isinstance(info, list) and info == [None]:
            note = f"COMMAND INFO {name.decode().lower()} is nil"
        reply = c.call(*TESTS[test][2])
    finally:
        c.close()
    if is_error(reply):
        return reply[1].decode(errors="replace"), note
    return None, note


# -- the phases ---------------------------------------------------------------------------------

def throughput_phase(args: argparse.Namespace, ports: PortPicker, logdir: Path,
                     spec_builds: dict[str, str | None],
                     ) -> tuple[list[dict[str, Any]], dict[tuple[str, int, str], int]]:
    """Every test at every ``-P`` on every server, interleaved, ``args.rounds`` rounds.

    The redspec servers' spec builds (their startup log lines) go into ``spec_builds``.
    """
    results: dict[tuple[str, int, str], dict[str, Any]] = {}
    ns: dict[tuple[str, int, str], int] = {}
    with servers(args.servers, ports, logdir) as srvs:
        log("servers: " + ", ".join(f"{k} :{s.port} pid {s.pid}" for k, s in srvs.items()))
        for kind, srv in srvs.items():
            if srv.spec_build is not None:
                spec_builds[kind] = srv.spec_build
                log(f"  {kind}: spec build: {srv.spec_build}")
        for test in args.tests:
            for kind, srv in srvs.items():
                why, note = probe(srv, test)
                for p in PIPELINES:
                    results[(test, p, kind)] = {"command": test, "pipeline": p, "server": kind,
                                                "supported": why is None, "reason": why,
                                                "probe_note": note, "n": 0, "runs": []}
        for srv in srvs.values():
            srv.flush()
        log("calibrating -n per (command, P, server) ...")
        for test in args.tests:
            for p in PIPELINES:
                for kind, srv in srvs.items():
                    r = results[(test, p, kind)]
                    if not r["supported"]:
                        continue
                    n, err = calibrate(srv, test, p, args.target_seconds, args.probe_seconds)
                    if err:
                        r["supported"], r["reason"] = False, err
                    else:
                        r["n"] = ns[(test, p, kind)] = n
        for rnd in range(args.rounds):
            log(f"round {rnd + 1}/{args.rounds}")
            for test in args.tests:
                for p in PIPELINES:
                    for kind, srv in srvs.items():
                        r = results[(test, p, kind)]
                        if not r["supported"]:
                            continue
                        res = bench_once(srv, test, p, r["n"],
                                         timeout=max(60.0, 40 * args.target_seconds))
                        r["runs"].append(res)
                        if "error" in res:
                            log(f"  {test} P{p} {kind}: {res['error']}")
                        else:
                            log(f"  {test:5} P{p:<2} {kind:14} {res['rps']:>11,.0f} ops/s  "
                                f"{res['cpu_us_per_req']:6.2f} us/req")
    out = []
    for r in results.values():
        r.update(summarize(r["runs"]))
        if r["supported"] and "rps" not in r:
            r["supported"] = False
            r["reason"] = r["reason"] or next(x["error"] for x in r["runs"] if "error" in x)
        out.append(r)
    return out, ns


def memory_one(srv: Server, keys: int) -> dict[str, Any]:
    """RSS before and after loading ``keys`` keys into a fresh server (a redspec row names
    the spec build the server ran: the scaling phase starts its own servers)."""
    c = srv.conn()
    try:
        c.call(b"PING")
        time.sleep(0.2)
        before = rss_bytes(srv.pid)
        t0 = time.monotonic()
        c.load(0, keys)
        took = time.monotonic() - t0
        dbsize = c.call(b"DBSIZE")
    finally:
        c.close()
    time.sleep(0.2)
    after = rss_bytes(srv.pid)
    out = {"server": srv.kind, "keys": keys, "rss_before": before, "rss_after": after,
           "bytes_per_key": (after - before) / keys, "load_seconds": round(took, 2),
           "load_keys_per_s": round(keys / took), "dbsize": dbsize}
    if srv.spec_build is not None:
        out["spec_build"] = srv.spec_build
    return out


def scaling_phase(args: argparse.Namespace, ports: PortPicker, logdir: Path,
                  ns: dict[tuple[str, int, str], int]) -> tuple[list[dict[str, Any]],
                                                               list[dict[str, Any]]]:
    """Memory per key, and GET/SET at -P 16 over 1k, 100k, 1M preloaded keys."""
    memory: list[dict[str, Any]] = []
    scaling: list[dict[str, Any]] = []
    kinds = tuple(k for k in ("redis", "redspec") if k in args.servers)
    for keys in args.scaling_keys:
        with servers(kinds, ports, logdir) as srvs:
            for kind, srv in srvs.items():
                log(f"loading {keys:,} keys into {kind} ...")
                m = memory_one(srv, keys)
                log(f"  {m['bytes_per_key']:.1f} bytes/key, {m['load_keys_per_s']:,} keys/s")
                memory.append(m)
            rows: dict[tuple[str, str], dict[str, Any]] = {}
            for rnd in range(args.rounds):
                log(f"scaling {keys:,} keys, round {rnd + 1}/{args.rounds}")
                for test in ("GET", "SET"):
                    for kind, srv in srvs.items():
                        n = ns.get((test, 16, kind))
                        if not n:
                            continue
                        res = bench_once(srv, test, 16, n, keyspace=keys, datasize=10,
                                         timeout=max(60.0, 40 * args.target_seconds))
                        row = rows.setdefault((test, kind), {
                            "server": kind, "command": test, "pipeline": 16, "keys": keys,
                            "n": n, "runs": []})
                        row["runs"].append(res)
                        if "error" in res:
                            log(f"  {test} {kind}: {res['error']}")
                        else:
                            log(f"  {test} {kind:9} {res['rps']:>11,.0f} ops/s  "
                                f"{res['cpu_us_per_req']:6.2f} us/req")
            for row in rows.values():
                row.update(summarize(row["runs"]))
                scaling.append(row)
    if "fakeredis" in args.servers:
        with servers(("fakeredis",), ports, logdir) as srvs:
            keys = args.fakeredis_keys
            log(f"loading {keys:,} keys into fakeredis ...")
            m = memory_one(srvs["fakeredis"], keys)
            m["note"] = (f"loaded {keys:,} keys, not {max(args.scaling_keys):,} (too slow); "
                         "bytes/key is measured over those keys")
            log(f"  {m['bytes_per_key']:.1f} bytes/key, {m['load_keys_per_s']:,} keys/s")
            memory.append(m)
    return memory, scaling


def diff_build_line(build: str) -> str:
    """What ``redspec.cli.build.spec_build()`` says in a process started with
    ``REDSPEC_SPEC_BUILD=build`` (the build the diff's in-process spec imports)."""
    code = "from redspec.cli.build import spec_build; print(spec_build())"
    env = dict(os.environ, REDSPEC_SPEC_BUILD=build)
    try:
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=120, env=env)
    except (OSError, subprocess.SubprocessError) as e:
        return f"? ({e})"
    return (p.stdout.strip() or p.stderr.strip()[-300:]) or "?"


def diff_once(port: int, build: str, per_group: int, out: Path) -> dict[str, Any]:
    """One ``redspec diff --target 127.0.0.1:PORT --examples PER_GROUP`` (every group, seed 0,
    the oracle the in-process spec of ``build``); wall seconds of the whole command, CPU
    seconds of the diff process (getrusage of the waited-for child), what its JSON says."""
    argv = [*redspec_cli(), "diff", "--target", f"127.0.0.1:{port}",
            "--examples", str(per_group), "--seed", "0", "--json", str(out)]
    env = dict(os.environ, REDSPEC_SPEC_BUILD=build)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, timeout=1800, env=env,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"build": build, "error": "timeout after 1800 s"}
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    res: dict[str, Any] = {
        "build": build, "returncode": p.returncode, "wall_s": round(wall, 2),
        "cpu_s": round(ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime, 2)}
    try:
        rep = json.loads(out.read_text())
    except (OSError, ValueError):
        tail = p.stderr.decode(errors="replace").strip()[-300:]
        res["error"] = f"redspec diff rc={p.returncode}, no JSON report: {tail}"
        return res
    res["examples"] = sum(int(g.get("examples", 0)) for g in rep.get("groups", {}).values())
    res["groups"] = len(rep.get("groups", {}))
    res["divergences"] = rep.get("total_divergences")
    return res


def diff_phase(args: argparse.Namespace, ports: PortPicker, logdir: Path) -> dict[str, Any]:
    """The time of a ``redspec diff`` campaign of about ``args.diff_examples`` examples.

    The campaign is the project's own use of the spec: Hypothesis-generated command sequences
    (3 clients, up to 12 steps, RESP2 and RESP3) run on a fresh redis-server and on the
    in-process spec (``--against reference``, the default), replies compared frame by frame.
    ``--examples`` counts per command group, so every group gets ceil(N / groups) examples.
    It runs once per spec build and round (compiled, interpreted, compiled, ...); the wall
    time includes the CLI's start-up, the generation, redis-server's replies and the
    comparison; a divergence (none expected) would add its shrinking, and is recorded.
    """
    from redspec.reference.diff.generate import GROUPS

    per_group = -(-args.diff_examples // len(GROUPS))
    builds = [b for b in ("compiled", "interpreted")
              if {"compiled": "redspec", "interpreted": "redspec-interp"}[b] in args.servers]
    result: dict[str, Any] = {
        "examples_requested": args.diff_examples, "groups": len(GROUPS),
        "examples_per_group": per_group, "target": "redis-server", "against": "reference",
        "builds": {b: {"spec_build": diff_build_line(b), "runs": []} for b in builds}}
    for b, row in result["builds"].items():
        if not str(row["spec_build"]).startswith(b):
            row["error"] = f"REDSPEC_SPEC_BUILD={b} imports: {row['spec_build']}"
    with servers(("redis",), ports, logdir) as srvs:
        port = srvs["redis"].port
        for rnd in range(args.rounds):
            for b, row in result["builds"].items():
                if "error" in row:
                    continue
                log(f"redspec diff ({b} spec), {per_group} examples x {len(GROUPS)} groups, "
                    f"round {rnd + 1}/{args.rounds} ...")
                r = diff_once(port, b, per_group, logdir / f"diff-{b}-{rnd}.json")
                row["runs"].append(r)
                if "error" in r:
                    log(f"  {r['error']}")
                else:
                    log(f"  {r['examples']} examples in {r['wall_s']:.1f} s "
                        f"({r['cpu_s']:.1f} s CPU), {r['divergences']} divergence(s)")
    for row in result["builds"].values():
        good = [r for r in row["runs"] if "error" not in r]
        if good:
            row["wall_s"] = statistics.median(r["wall_s"] for r in good)
            row["cpu_s"] = statistics.median(r["cpu_s"] for r in good)
            row["examples"] = statistics.median(r["examples"] for r in good)
            row["divergences"] = max(r["divergences"] or 0 for r in good)
        elif "error" not in row and row["runs"]:
            row["error"] = row["runs"][-1]["error"]
    return result


# -- environment and output ---------------------------------------------------------------------

def _version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def environment() -> dict[str, Any]:
    env: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "machine": platform.machine(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "redis_server": _version(["redis-server", "--version"]),
        "redis_benchmark": _version(["redis-benchmark", "--version"]),
        "loadavg_start": list(os.getloadavg()),
        "git_commit": _version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
    }
    try:
        from importlib.metadata import version
        env["fakeredis"] = version("fakeredis")
    except Exception:  # noqa: BLE001
        env["fakeredis"] = None
    for mod in ("uvloop", "hiredis"):
        try:
            __import__(mod)
            env[mod] = True
        except ImportError:
            env[mod] = False
    return env


def print_tables(data: dict[str, Any]) -> None:
    """Side-by-side tables on stdout (rich when available, plain text otherwise)."""
    try:
        from rich.console import Console
    except ImportError:
        print(report.render_text(data))
        return
    console = Console()
    if not console.is_terminal or console.width < 120:
        console = Console(width=160)
    report.render_rich(data, console)


def _importable(mod: str) -> bool:
    try:
        __import__(mod)
    except ImportError:
        return False
    return True


def ensure_bench_deps(args: argparse.Namespace) -> list[str]:
    """The ``bench`` extra (fakeredis, matplotlib): installed with pip into this venv when
    missing (``make bench``'s venv has only the test extras); without them the harness
    skips fakeredis / the plot and says so. Returns notes for the report."""
    notes: list[str] = []
    missing = [pkg for mod, pkg in (("fakeredis", "fakeredis>=2.20"),
                                    ("matplotlib", "matplotlib>=3.7")) if not _importable(mod)]
    if missing and not args.no_install:
        log(f"bench: installing {' '.join(missing)} into {sys.prefix} (the 'bench' extra)")
        subprocess.call([sys.executable, "-m", "pip", "install", "--quiet", *missing])
        import importlib

        importlib.invalidate_caches()
    if "fakeredis" in args.servers and not _importable("fakeredis"):
        args.servers = tuple(k for k in args.servers if k != "fakeredis")
        notes.append("fakeredis is not installed (`pip install -e '.[bench]'`): not measured.")
    if not _importable("matplotlib"):
        args.plot = False
        notes.append("matplotlib is not installed: the scaling plot was not redrawn.")
    return notes


def check_tools() -> None:
    missing = [t for t in ("redis-server", "redis-benchmark") if shutil.which(t) is None]
    if missing:
        sys.exit(f"bench: {', '.join(missing)} not on PATH (apt-get install redis-server)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Benchmark redspec side by side with redis-server and fakeredis.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Examples:\n  bench/run.py            full run (~10-12 min)\n"
               "  bench/run.py --quick    short run (~3 min)\n"
               "  bench/run.py --micro    the pytest-benchmark micro-suite of the spec\n",
    )
    ap.add_argument("--quick", action="store_true", help="short run: 1 round, 100k keys at most")
    ap.add_argument("--rounds", type=int, help="rounds of interleaved runs (default 3; quick 1)")
    ap.add_argument("--micro", action="store_true",
                    help="run the pytest-benchmark micro-suite (bench/test_micro.py) and exit")
    ap.add_argument("--target-seconds", type=float,
                    help="duration one redis-benchmark run is sized for (default 1.2; quick 0.3)")
    ap.add_argument("--tests", default=",".join(TESTS),
                    help="comma-separated subset of " + ",".join(TESTS))
    ap.add_argument("--servers", default=",".join(SERVERS),
                    help="comma-separated subset of " + ",".join(SERVERS))
    ap.add_argument("--scaling-keys", help="comma-separated key counts (default 1000,100000,"
                    "1000000; quick 1000,100000); 0 skips memory and scaling")
    ap.add_argument("--diff-examples", type=int,
                    help="examples of the timed `redspec diff` campaign (default 1000; quick "
                         "200); 0 skips it")
    ap.add_argument("--no-diff", action="store_true",
                    help="skip the timed `redspec diff` campaign")
    ap.add_argument("--port-range", help="LO-HI loopback ports to use (default: kernel-chosen)")
    ap.add_argument("--no-docs", action="store_true",
                    help="do not rewrite docs/performance.md and docs/performance-scaling.png")
    ap.add_argument("--docs", action="store_true",
                    help="rewrite the docs after a --quick run too (by default only a full run "
                         "does; a quick run writes results/latest-quick.json)")
    ap.add_argument("--note", action="append", default=[],
                    help="a note to carry into the JSON and the report (repeatable)")
    ap.add_argument("--no-install", action="store_true",
                    help="do not pip-install a missing fakeredis/matplotlib")
    ap.add_argument("--results-dir", default=str(BENCH_DIR / "results"))
    args = ap.parse_args(argv)
    args.plot = True
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.target_seconds = args.target_seconds or (0.3 if args.quick else 1.2)
    args.probe_seconds = 0.1 if args.quick else 0.25
    args.tests = tuple(t.strip().upper() for t in args.tests.split(",") if t.strip())
    for t in args.tests:
        if t not in TESTS:
            ap.error(f"unknown test {t}")
    args.servers = tuple(s for s in SERVERS if s in args.servers.split(","))
    if args.scaling_keys is None:
        args.scaling_keys = "1000,100000" if args.quick else "1000,100000,1000000"
    args.scaling_keys = tuple(int(k) for k in args.scaling_keys.split(",") if int(k) > 0)
    args.fakeredis_keys = 10_000 if args.quick else 100_000
    if args.diff_examples is None:
        args.diff_examples = 200 if args.quick else 1000
    if args.no_diff:
        args.diff_examples = 0
    return args


def run_micro() -> int:
    cmd = [sys.executable, "-m", "pytest", str(BENCH_DIR / "test_micro.py"),
           "--benchmark-only", "-p", "no:cacheprovider", "-q"]
    return subprocess.call(cmd, cwd=REPO)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.micro:
        return run_micro()
    check_tools()
    dep_notes = ensure_bench_deps(args)
    started = _dt.datetime.now(_dt.UTC)
    t0 = time.monotonic()
    data: dict[str, Any] = {
        "schema": 1,
        "timestamp": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": "quick" if args.quick else "full",
        "config": {"rounds": args.rounds, "clients": CLIENTS, "pipelines": list(PIPELINES),
                   "target_seconds": args.target_seconds, "tests": list(args.tests),
                   "servers": list(args.servers), "scaling_keys": list(args.scaling_keys),
                   "fakeredis_memory_keys": args.fakeredis_keys,
                   "diff_examples": args.diff_examples},
        "environment": environment(),
        "spec_builds": {},
    }
    ports = PortPicker(args.port_range)
    try:
        with tempfile.TemporaryDirectory(prefix="redspec-bench-") as tmp:
            logdir = Path(tmp)
            throughput, ns = throughput_phase(args, ports, logdir, data["spec_builds"])
            data["throughput"] = throughput
            if args.scaling_keys:
                data["memory"], data["scaling"] = scaling_phase(args, ports, logdir, ns)
            else:
                data["memory"], data["scaling"] = [], []
            if args.diff_examples > 0:
                data["diff_campaign"] = diff_phase(args, ports, logdir)
    except SpecBuildError as e:
        sys.exit(str(e))
    env = data["environment"]
    env["loadavg_end"] = list(os.getloadavg())
    notes = list(args.note) + dep_notes
    busy = max(env["loadavg_start"][0], env["loadavg_end"][0])
    if busy > 0.5 * (env["nproc"] or 1):
        notes.append(f"The machine was busy with other work (load average up to {busy:.1f} on "
                     f"{env['nproc']} cores, besides the benchmark itself): absolute figures "
                     "are low and noisy; the interleaved ratios are the figures to read.")
    data["notes"] = notes
    data["duration_s"] = round(time.monotonic() - t0, 1)
    data["ratios"] = report.ratios(data)
    data["latency_under_load"] = report.latency_under_load(data)
    data["targets"] = report.evaluate_targets(data)

    results_dir = Path(args.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    # A quick run is a sanity check: it keeps its own "latest" and leaves the docs alone.
    suffix = "-quick" if args.quick else ""
    stamp = started.strftime("%Y%m%dT%H%M%SZ") + suffix
    text = json.dumps(data, indent=1) + "\n"
    (results_dir / f"{stamp}.json").write_text(text)
    (results_dir / f"latest{suffix}.json").write_text(text)
    print_tables(data)
    docs = not args.no_docs and (not args.quick or args.docs)
    if docs:
        if data["scaling"] and args.plot:
            report.plot_scaling(data, REPO / "docs" / "performance-scaling.png")
        (REPO / "docs" / "performance.md").write_text(report.render_markdown(data))
    log(f"wrote {results_dir / (stamp + '.json')} and latest{suffix}.json"
        + ("; docs/performance.md and docs/performance-scaling.png" if docs else "")
        + f" in {data['duration_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
