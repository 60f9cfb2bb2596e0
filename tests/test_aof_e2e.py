"""The AOF end to end against a real redis-server 7.0.15: each server started by the test in
its own directory with ``appendonly yes`` on a free loopback port, stopped by its PID.

- the INCR file redspec writes for a command sequence is byte-identical to 7.0.15's (the only
  normalised bytes are the absolute times a relative expiry became);
- the replies and the files of BGREWRITEAOF (started, in progress, scheduled, with and
  without the RDB preamble, with timestamps) agree;
- ``redis-check-aof`` 7.0.15 accepts every directory redspec writes, and a real
  redis-server started on it has the same ``DEBUG DIGEST`` as redspec had.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from properties.aofworld import encode
from redspec.spec.frames import parse_all
from tests import test_bgsave_e2e
from tests.test_bgsave_e2e import Server, _start

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None
                                or shutil.which("redis-check-aof") is None,
                                reason="needs redis-server and redis-check-aof 7.0.15")

KINDS = ["redis", "redspec"]
#: The BGSAVE tests' fixture: the servers a test started, stopped by their PIDs at its end.
servers = test_bgsave_e2e.servers
AOF = ("--appendonly", "yes", "--save", "")


def start(servers: list[Server], kind: str, workdir: Path, *extra: str) -> Server:
    """A server with ``appendonly yes`` in ``workdir`` (stopped by the ``servers`` fixture)."""
    return _start(servers, kind, workdir, *AOF, *extra)


class Conn:
    """One connection kept open (a SELECT holds): commands sent as RESP arrays in the case
    given, replies read as frames."""

    def __init__(self, s: Server) -> None:
        self.sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        self.buf = b""

    def __call__(self, *commands: list[object]) -> list[bytes]:
        self.sock.sendall(b"".join(encode(*c) for c in commands))
        frames: list[bytes] = []
        while len(frames) < len(commands):
            got, self.buf = parse_all(self.buf + self.sock.recv(65536))
            frames += got
        return frames

    def close(self) -> None:
        self.sock.close()


def send(s: Server, *commands: list[object]) -> list[bytes]:
    """The commands in one write on a new connection; the replies."""
    c = Conn(s)
    try:
        return c(*commands)
    finally:
        c.close()


def incr_files(s: Server) -> dict[str, bytes]:
    d = s.workdir / "appendonlydir"
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.name.endswith(".incr.aof")}


def wait_rewrite(s: Server) -> dict[str, object]:
    for _ in range(600):
        info = s.client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return info
        time.sleep(0.05)
    raise AssertionError("the rewrite never ended")


def settle(s: Server) -> None:
    """Wait until the server has written what it acknowledged. Under ``everysec`` the write
    is done before the reply unless a background fsync is still running: then Redis
    postpones it (up to 2 s) and replies anyway, so a kill -9 loses it — Redis's own rule,
    and on a loaded machine the fsync is slow enough for it to happen. The postponed bytes
    wait in ``server.aof_buf``: INFO's ``aof_buffer_length`` is 0 once they are written."""
    deadline = time.monotonic() + 30
    while s.client.info("persistence").get("aof_buffer_length", 0):
        assert time.monotonic() < deadline, "the AOF buffer was never written"
        time.sleep(0.02)


#: A command sequence touching every propagation rule: argument case as sent, SELECT on a db
#: change, MULTI/EXEC around transactions and multi-write scripts, the rewrites 7.0 applies to
#: what it propagates (SET EX -> SET PXAT, EXPIRE -> PEXPIREAT, INCRBYFLOAT -> SET KEEPTTL,
#: SPOP -> SREM, GETEX, a served BLPOP -> LPOP ...), reads writing nothing.
SEQUENCE: list[list[object]] = [
    ["set", "a", "1"], ["SET", "b", "2", "EX", "100"], ["get", "a"], ["Incr", "n"],
    ["select", "3"], ["rpush", "l", "x", "y", "z"], ["lpop", "l"], ["lmove", "l", "l2", "left", "right"],
    ["hset", "h", "f", "v", "g", "w"], ["hdel", "h", "g"], ["hincrbyfloat", "h", "f2", "1.5"],
    ["sadd", "s", "1", "2", "3"], ["srem", "s", "1"],
    ["zadd", "z", "1", "a", "2", "b"], ["zincrby", "z", "3", "a"], ["zpopmin", "z"],
    ["xadd", "x", "1-1", "f", "v"], ["xadd", "x", "2-1", "f", "v"], ["xdel", "x", "1-1"],
    ["xgroup", "create", "x", "g", "0"], ["xreadgroup", "group", "g", "c", "streams", "x", ">"],
    ["xack", "x", "g", "2-1"], ["xtrim", "x", "maxlen", "0"],
    ["expire", "l2", "100"], ["pexpireat", "h", "99999999999999"], ["persist", "h"],
    ["incrbyfloat", "f", "2.5"], ["append", "a3", "xyz"], ["setrange", "a3", "1", "Q"],
    ["getex", "a3", "px", "50000"], ["getdel", "a3"], ["copy", "s", "s2"],
    ["rename", "s2", "s3"], ["move", "s3", "5"], ["select", "0"],
    ["multi"], ["incr", "n"], ["set", "m", "x"], ["exec"],
    ["multi"], ["get", "a"], ["exec"],
    ["eval", "redis.call('incr','n') redis.call('set','e','1') return 1", "0"],
    ["eval", "return redis.call('set','e1','1')", "0"],
    ["eval", "return 1", "0"],
    ["sort", "l9", "store", "dst"], ["flushdb"], ["set", "after", "flush"],
    ["setex", "se", "100", "v"], ["psetex", "pse", "100000", "v"], ["del", "after", "nothing"],
    ["unlink", "se"], ["spop", "none"], ["sadd", "sp", "a"], ["spop", "sp"],
    ["function", "load", "#!lua name=lib\nredis.register_function('f', function(k, a) "
     "return redis.call('set', k[1], a[1]) end)"],
    ["fcall", "f", "1", "fk", "fv"], ["swapdb", "0", "1"], ["flushall"],
]

_TIME = re.compile(rb"\$13\r\n1\d{12}\r\n")


def normalise(data: bytes) -> bytes:
    """The absolute unix-ms times relative expiries became (PXAT / PEXPIREAT arguments)."""
    return _TIME.sub(b"$13\r\n<unix-ms>\r\n", data)


def test_incr_stream_is_byte_identical(tmp_path: Path, servers: list[Server]) -> None:
    files = {}
    for kind in KINDS:
        s = start(servers, kind, tmp_path / kind)
        conn = Conn(s)
        replies = [conn(c)[0] for c in SEQUENCE]
        conn.close()
        assert all(not r.startswith(b"-") for r in replies), (kind, replies)
        settle(s)
        files[kind] = {k: normalise(v) for k, v in incr_files(s).items()}
    assert sum(len(v) for v in files["redis"].values()) > 1500
    assert files["redspec"] == files["redis"]


def test_blocked_pop_served_by_a_push_propagates_the_pop(tmp_path: Path,
                                                         servers: list[Server]) -> None:
    files = {}
    for kind in KINDS:
        s = start(servers, kind, tmp_path / kind)
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as blocked:
            blocked.sendall(encode("blpop", "q", "0"))
            for _ in range(200):  # the server has the client blocked before the push
                if s.client.info("clients")["blocked_clients"] == 1:
                    break
                time.sleep(0.01)
            send(s, ["rpush", "q", "a", "b"])
            assert blocked.recv(100) == b"*2\r\n$1\r\nq\r\n$1\r\na\r\n"
        settle(s)
        files[kind] = incr_files(s)
    assert b"LPOP" in files["redis"]["appendonly.aof.1.incr.aof"]
    assert files["redspec"] == files["redis"]


def _digest(s: Server) -> bytes:
    return bytes(s.client.execute_command("DEBUG", "DIGEST"))


def _check_aof(directory: Path) -> str:
    res = subprocess.run(["redis-check-aof", str(directory / "appendonlydir" /
                                                 "appendonly.aof.manifest")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


@pytest.mark.parametrize("extra", [(), ("--aof-use-rdb-preamble", "no"),
                                   ("--aof-timestamp-enabled", "yes")],
                         ids=["preamble", "no-preamble", "timestamps"])
def test_redis_reads_what_redspec_writes(extra: tuple[str, ...], tmp_path: Path,
                                         servers: list[Server]) -> None:
    """redspec writes an AOF directory (a base, a rewrite, writes after it); redis-check-aof
    accepts it and a real redis-server started on it has the same dataset."""
    s = start(servers, "redspec", tmp_path / "rs", *extra)
    conn = Conn(s)
    for c in SEQUENCE[:-3]:
        conn(c)
    assert conn(["bgrewriteaof"]) == [b"+Background append only file rewriting started\r\n"]
    wait_rewrite(s)
    conn(["set", "later", "1"], ["select", "2"], ["incr", "n2"])
    conn.close()
    settle(s)  # then the kill -9 below loses nothing acknowledged
    digest = _digest(s)
    s.stop()
    assert "All AOF files and manifest are valid" in _check_aof(tmp_path / "rs")
    shutil.copytree(tmp_path / "rs" / "appendonlydir", tmp_path / "real" / "appendonlydir")
    r = start(servers, "redis", tmp_path / "real", *extra)
    assert _digest(r) == digest


def test_bgrewriteaof_replies_and_files_agree(tmp_path: Path, servers: list[Server]) -> None:
    """Started; already in progress; BGSAVE refused then scheduled while it runs; scheduled
    during a BGSAVE; the manifests after each rewrite."""
    seen = {}
    for kind in KINDS:
        s = start(servers, kind, tmp_path / kind, "--rdb-key-save-delay", "100000")
        send(s, ["set", "a", "1"], ["set", "b", "2"])
        out = [send(s, ["bgrewriteaof"])[0], send(s, ["bgrewriteaof"])[0],
               send(s, ["bgsave"])[0], send(s, ["bgsave", "schedule"])[0]]
        s.client.config_set("rdb-key-save-delay", "0")
        info = wait_rewrite(s)
        for _ in range(400):
            if not s.client.info("persistence")["rdb_bgsave_in_progress"]:
                break
            time.sleep(0.05)
        out.append(send(s, ["bgrewriteaof"])[0])
        wait_rewrite(s)
        manifest = (s.workdir / "appendonlydir" / "appendonly.aof.manifest").read_bytes()
        seen[kind] = (out, manifest, info["aof_rewrites"], info["aof_last_bgrewrite_status"])
    assert seen["redspec"] == seen["redis"]
