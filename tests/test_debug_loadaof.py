"""DEBUG LOADAOF (``debugCommand``: flush the AOF buffer, empty the dataset, load the AOF
directory again as start-up does, ``dirty`` = 0, its log line, +OK; ``exit(1)`` when there is
nothing to load), on redis-server 7.0.15 and on redspec-server through the same harness, and
on the pure spec with a model of the world's directory."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from redspec.spec import server as S
from redspec.spec.aofload import AofDirNeeded, AofDirRead, AofFile, with_aof_dir_read
from redspec.spec.aofmanifest import manifest_text, parse_manifest
from redspec.spec.resp import encode_request
from tests.dropin_harness import Started, pick_server, resp_command, start_like_redis, stopping

CONF = 'appendonly yes\nenable-debug-command yes\nsave ""\nbind 127.0.0.1\nloglevel verbose\n'
WRITES: list[tuple[str, ...]] = [
    ("SET", "s", "hello"), ("INCR", "n"), ("RPUSH", "l", "a", "b", "c"),
    ("HSET", "h", "f", "v", "g", "w"), ("SADD", "st", "1", "2", "x"),
    ("ZADD", "z", "1.5", "m", "2", "n"), ("SET", "ttl", "v", "EX", "1000"),
    ("SELECT", "3"), ("SET", "in3", "x"), ("XADD", "xs", "1-1", "f", "v"),
]


@pytest.fixture
def servers() -> Iterator[list[Started]]:
    yield from stopping()


class Conn:
    """One connection kept open (SELECT and MULTI need it)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""

    def __call__(self, *args: str) -> bytes:
        from redspec.spec.frames import parse_all

        self.sock.sendall(encode_request([a.encode() for a in args]))
        while True:
            frames, rest = parse_all(self.buf)
            if frames:
                end = len(self.buf) - len(rest)
                frame, self.buf = self.buf[:end], self.buf[end:]
                return frame
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                return b"<closed>"
            self.buf += chunk


def _info(c: Conn, *fields: str) -> dict[str, str]:
    """INFO persistence fields; ``aof_current_size`` as the INCR part (current less base):
    the base file's ``used-mem`` AUX field is a memory figure, modelled by redspec, so the
    bases differ by a few bytes."""
    text = c("INFO", "persistence").decode()
    got = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    if "aof_current_size" in got:
        got["aof_current_size"] = str(int(got["aof_current_size"]) - int(got["aof_base_size"]))
    return {f: got[f] for f in fields}


def _scenario(srv: Started) -> list[object]:
    """Writes, DEBUG LOADAOF, a rewrite, more writes inside MULTI, DEBUG LOADAOF again:
    what a client sees at each point."""
    c = Conn(srv.port)
    seen: list[object] = []
    for w in WRITES:
        c(*w)
    c("SELECT", "0")
    digest = c("DEBUG", "DIGEST")
    seen += [c("DEBUG", "LOADAOF"), c("DEBUG", "DIGEST") == digest, c("DBSIZE"),
             c("GET", "s"), c("TTL", "ttl") != b":-2\r\n",
             _info(c, "aof_current_size", "rdb_changes_since_last_save")]
    assert c("BGREWRITEAOF").startswith(b"+")
    deadline = time.monotonic() + 30
    while _info(c, "aof_rewrite_in_progress")["aof_rewrite_in_progress"] != "0" or \
            _info(c, "aof_rewrite_scheduled")["aof_rewrite_scheduled"] != "0":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    c("MULTI")
    c("SET", "after", "1")
    c("LPUSH", "l", "z")
    c("EXEC")
    c("DEL", "n")
    digest = c("DEBUG", "DIGEST")
    seen += [c("DEBUG", "LOADAOF", "ignored", "args"), c("DEBUG", "DIGEST") == digest,
             c("DBSIZE"), c("LRANGE", "l", "0", "-1"),
             _info(c, "aof_current_size", "rdb_changes_since_last_save",
                   "rdb_last_load_keys_loaded"),
             digest]
    return seen


def test_loadaof_agrees_with_redis(tmp_path: Path, servers: list[Started]) -> None:
    """Both servers, same writes: DEBUG LOADAOF answers +OK, the dataset is what it was
    (DEBUG DIGEST), the AOF sizes and counters are the same, before and after a rewrite
    (an RDB base file), and both log ``# Append Only File loaded by DEBUG LOADAOF``."""
    results = {}
    for exe in ("redis-server", "redspec-server"):
        srv = start_like_redis(pick_server(exe), tmp_path / exe, CONF)
        servers.append(srv)
        results[exe] = _scenario(srv)
        lines = [ln for ln in srv.lines()
                 if re.search(r"Append Only File loaded by DEBUG LOADAOF$", ln)]
        assert len(lines) == 2 and all(" # " in ln for ln in lines), lines
    assert results["redspec-server"] == results["redis-server"]
    assert results["redis-server"][0] == b"+OK\r\n"


@pytest.mark.parametrize("exe", ["redis-server", "redspec-server"])
def test_loadaof_without_aof_exits(exe: str, tmp_path: Path, servers: list[Started]) -> None:
    """AOF off and no AOF directory: ``loadAppendOnlyFiles`` finds nothing and 7.0.15 exits
    with status 1, no reply, after emptying the dataset."""
    srv = start_like_redis(pick_server(exe), tmp_path / exe,
                           'appendonly no\nenable-debug-command yes\nsave ""\nbind 127.0.0.1\n')
    servers.append(srv)
    assert resp_command(srv.port, "SET", "a", "1") == b"+OK\r\n"
    c = Conn(srv.port)
    assert c("DEBUG", "LOADAOF") == b"<closed>"
    assert srv.proc.wait(30) == 1


# -- the pure spec, the world's directory modelled -----------------------------------------


def _spec_with_aof() -> tuple[object, int]:
    st = S.new_server(1_700_000_000_000, **{"enable-debug-command": "yes", "appendonly": "yes"})
    st, cid = S.client_connect(st, 1_700_000_000_000)
    return st, cid


def test_the_world_is_asked_for_the_directory() -> None:
    """The spec reads no file: DEBUG LOADAOF asks (``AofDirNeeded``); with the world's read
    the rerun loads it — here a manifest naming one INCR file with two commands."""
    now = 1_700_000_000_000
    st = S.new_server(now, **{"enable-debug-command": "yes"})
    st, cid = S.client_connect(st, now)
    st, _ = S.run_command(st, cid, [b"SET", b"gone", b"1"], now)
    with pytest.raises(AofDirNeeded):
        S.run_command(st, cid, [b"DEBUG", b"LOADAOF"], now)
    m = parse_manifest(b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    incr = encode_request([b"SET", b"k", b"v"]) + encode_request([b"RPUSH", b"l", b"x"])
    read = AofDirRead(manifest_text(m), (AofFile("appendonly.aof.1.incr.aof", incr),))
    st2, frame = S.run_command(with_aof_dir_read(st, read), cid, [b"DEBUG", b"LOADAOF"], now)
    assert frame == b"+OK\r\n"
    assert set(st2.dbs[0].keys) == {b"k", b"l"} and st2.dirty == 0
    assert ("log", "warning", "Append Only File loaded by DEBUG LOADAOF") in st2.aof.ops
    # nothing to load: exit(1), no reply
    st3, frame = S.run_command(with_aof_dir_read(st, AofDirRead(None)), cid,
                               [b"DEBUG", b"LOADAOF"], now)
    assert frame == b""
