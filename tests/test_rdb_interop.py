"""Interop of redspec's RDB files and DUMP payloads with the real Redis 7.0.15.

- LZF: ``spec.lzf.compress`` gives the bytes of the system liblzf (the library the Debian
  ``redis-server`` links) for generated inputs and output limits.
- Files redspec writes (generated datasets over every type and encoding, expiries, several
  databases): ``redis-check-rdb`` accepts them; a real ``redis-server`` started on one has the
  same DEBUG DIGEST and the same OBJECT ENCODING per key as the spec state it came from.
- Files the real server writes (SAVE after the same kind of dataset): redspec loads them with
  the same digest and encodings.
- DUMP payloads of the real server RESTORE into the spec with the same DEBUG DIGEST-VALUE.

Every server here is started by the test on a free loopback port and stopped by its PID.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.spec import lzf
from redspec.spec import server as S
from redspec.spec.persist import load_state, save_state
from tests.conftest import free_port, wait_listening

NOW = 1_700_000_000_000
FUTURE = 4102444800000

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")


# -- LZF against liblzf ---------------------------------------------------------------------------


def _liblzf() -> Any:
    name = ctypes.util.find_library("lzf") or "liblzf.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.lzf_compress.restype = ctypes.c_uint
    return lib


LIBLZF = _liblzf()


def _c_compress(data: bytes, out_len: int) -> bytes | None:
    buf = ctypes.create_string_buffer(out_len + 16)
    n = LIBLZF.lzf_compress(data, len(data), buf, out_len)
    return None if n == 0 else buf.raw[:n]


_texts = st.one_of(
    st.binary(min_size=1, max_size=600),
    st.builds(lambda a, n: (a * (n // max(len(a), 1) + 1))[:n],
              st.binary(min_size=1, max_size=12), st.integers(1, 3000)),
    st.lists(st.sampled_from([b"ab", b"abc", b"x", b"hello ", b"\x00"]), min_size=1,
             max_size=400).map(b"".join),
)


@pytest.mark.skipif(LIBLZF is None, reason="the system liblzf is not installed")
@settings(max_examples=300, deadline=None)
@given(_texts, st.integers(-4, 64))
def test_lzf_is_liblzfs_output(data: bytes, slack: int) -> None:
    out_len = max(len(data) + slack, 1)
    ours = lzf.compress(data, out_len)
    assert ours == _c_compress(data, out_len)
    if ours is not None:
        assert lzf.decompress(ours, len(data)) == data


def test_lzf_decompress_refuses_bad_input() -> None:
    good = lzf.compress(b"abcabcabcabcabcabcabcabc", 100)
    assert good is not None
    assert lzf.decompress(good, 23) is None  # wrong expected length
    assert lzf.decompress(b"\x05ab", 6) is None  # literal run past the end
    assert lzf.decompress(b"\x20\x05", 10) is None  # back reference before the start


# -- generated datasets ---------------------------------------------------------------------------

_small = st.sampled_from([b"a", b"b", b"1", b"-5", b"300", b"70000", b"5000000000", b"x" * 30,
                          b"abc" * 30, b"3.5", b""])
_member = st.one_of(_small, st.integers(-10**12, 10**12).map(lambda i: b"%d" % i),
                    st.binary(min_size=1, max_size=8))


@st.composite
def _commands(draw: st.DrawFn) -> list[list[bytes]]:
    """A command sequence building keys of every type and encoding in up to 3 databases."""
    out: list[list[bytes]] = []
    for i in range(draw(st.integers(1, 10))):
        db = draw(st.integers(0, 2))
        out.append([b"SELECT", b"%d" % db])
        k = b"k%d" % i
        kind = draw(st.sampled_from(["string", "list", "lpush", "set", "hash", "zset"]))
        big = draw(st.booleans()) and draw(st.booleans())
        n = draw(st.integers(1, 8)) + (draw(st.integers(100, 600)) if big else 0)
        if kind == "string":
            out.append([b"SET", k, draw(_small)])
        elif kind == "list":
            fill = draw(_member)
            out.append([b"RPUSH", k, *[fill + b"%d" % j for j in range(n)]])
        elif kind == "lpush":  # head pushes: nodes aligned at the tail (spec.rdb.list_nodes)
            fill = draw(_member)
            out.append([b"LPUSH", k, *[fill + b"%d" % j for j in range(n)]])
            if n > 1 and draw(st.booleans()):
                out.append([b"LPOP", k, b"%d" % draw(st.integers(1, n - 1))])
        elif kind == "set":
            ints = draw(st.booleans())
            out.append([b"SADD", k, *[(b"%d" % (j * 7 - 3)) if ints else (b"m%d" % j)
                                      for j in range(n)]])
        elif kind == "hash":
            v = draw(_small)
            flat = [x for j in range(n) for x in (b"f%d" % j, v)]
            out.append([b"HSET", k, *flat])
        else:
            m = draw(_member)
            flat = [x for j in range(n) for x in (b"%r" % (j * 0.25 - 3), m + b"%d" % j)]
            out.append([b"ZADD", k, *flat])
        if draw(st.integers(0, 3)) == 0:
            out.append([b"PEXPIREAT", k, b"%d" % FUTURE])
    return out


def _spec_state(cmds: list[list[bytes]]) -> Any:
    state = S.new_server(now_ms=NOW, **{"enable-debug-command": "yes"})
    state, cid = S.client_connect(state, now_ms=NOW)
    for argv in cmds:
        state, frame = S.run_command(state, cid, argv, now_ms=NOW)
        assert not frame.startswith(b"-"), (argv[:3], frame)
    return state, cid


def _spec_digest(state: Any, cid: int) -> bytes:
    _, frame = S.run_command(state, cid, [b"DEBUG", b"DIGEST"], now_ms=NOW)
    return frame[1:41]


def _spec_encodings(state: Any) -> dict[tuple[int, bytes], str]:
    from redspec.spec.values import encoding_of
    return {(d.id, k): encoding_of(v) for d in state.dbs for k, v in d.keys.items()}


class _Redis:
    """A real redis-server on a free port in ``workdir``, stopped by its PID."""

    def __init__(self, workdir: Path, dbfilename: str = "dump.rdb") -> None:
        self.port = free_port()
        self.log = workdir / f"redis-{self.port}.log"
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(workdir), "--dbfilename", dbfilename,
                 "--enable-debug-command", "yes"],
                stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_listening(self.port, self.proc, self.log, timeout=30.0)
        self.client = redis.Redis(port=self.port)

    def encodings(self) -> dict[tuple[int, bytes], str]:
        out = {}
        for db in range(16):
            c = redis.Redis(port=self.port, db=db)
            for k in c.keys(b"*"):
                out[(db, k)] = c.object("encoding", k).decode()
            c.close()
        return out

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


_SETTINGS = settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@_SETTINGS
@given(_commands(), st.booleans())
def test_redis_check_rdb_accepts_our_files(workdir: Path, cmds: list[list[bytes]],
                                           compress: bool) -> None:
    state, _ = _spec_state(cmds + [[b"CONFIG", b"SET", b"rdbcompression",
                                    b"yes" if compress else b"no"]])
    path = workdir / "ours.rdb"
    path.write_bytes(save_state(state, NOW))
    r = subprocess.run(["redis-check-rdb", str(path)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "RDB looks OK!" in r.stdout


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_commands())
def test_real_redis_loads_our_file_with_same_digest(workdir: Path,
                                                    cmds: list[list[bytes]]) -> None:
    state, cid = _spec_state(cmds)
    name = f"ours-{time.monotonic_ns()}.rdb"
    (workdir / name).write_bytes(save_state(state, NOW))
    real = _Redis(workdir, name)
    try:
        assert real.client.execute_command("DEBUG", "DIGEST") == _spec_digest(state, cid)
        assert real.encodings() == _spec_encodings(state)
    finally:
        real.stop()


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_commands())
def test_we_load_real_redis_files_with_same_digest(workdir: Path,
                                                   cmds: list[list[bytes]]) -> None:
    name = f"theirs-{time.monotonic_ns()}.rdb"
    real = _Redis(workdir, name)
    try:
        c = real.client
        for argv in cmds:
            if argv[0] == b"SELECT":  # redis-py pins its connection's db: use a fresh one
                c.close()
                c = redis.Redis(port=real.port, db=int(argv[1]))
                continue
            c.execute_command(*argv)
        assert c.execute_command("SAVE") is True
        digest = c.execute_command("DEBUG", "DIGEST")
        encodings = real.encodings()
        c.close()
    finally:
        real.stop()
    data = (workdir / name).read_bytes()
    base = S.new_server(now_ms=NOW, **{"enable-debug-command": "yes"})
    state = load_state(base, data, int(time.time() * 1000))
    state, cid = S.client_connect(state, now_ms=NOW)
    assert _spec_digest(state, cid) == digest
    assert _spec_encodings(state) == encodings


def test_real_dump_payloads_restore_with_same_value_digest(workdir: Path) -> None:
    cmds = [[b"SET", b"s", b"hello"], [b"SET", b"i", b"12345"], [b"SET", b"l", b"x" * 100],
            [b"RPUSH", b"list", *[b"e%d" % j for j in range(1000)]],
            [b"SADD", b"si", b"1", b"2", b"3"], [b"SADD", b"ss", *[b"m%d" % j for j in range(50)]],
            [b"HSET", b"h", b"a", b"1", b"b", b"2"],
            [b"HSET", b"hh", *[x for j in range(600) for x in (b"f%d" % j, b"v")]],
            [b"ZADD", b"z", b"1", b"a", b"2.5", b"b"],
            [b"ZADD", b"zz", *[x for j in range(200) for x in (b"%d" % j, b"m%d" % j)]],
            [b"PFADD", b"hll", b"a", b"b"]]
    real = _Redis(workdir)
    try:
        c = real.client
        for argv in cmds:
            c.execute_command(*argv)
        keys = [argv[1] for argv in cmds]
        payloads = [c.dump(k) for k in keys]
        theirs = c.execute_command("DEBUG", "DIGEST-VALUE", *keys)
        # and the other way: our payloads restore in the real server to the same value
        state, cid = _spec_state(cmds)
        for k in keys:
            _, frame = S.run_command(state, cid, [b"DUMP", k], now_ms=NOW)
            payload = frame.split(b"\r\n", 1)[1][:-2]
            assert c.execute_command("RESTORE", b"copy-" + k, 0, payload) == b"OK"
        copies = c.execute_command("DEBUG", "DIGEST-VALUE", *[b"copy-" + k for k in keys])
        assert copies == theirs
    finally:
        real.stop()
    state, cid = _spec_state([])
    for k, p in zip(keys, payloads, strict=True):
        state, frame = S.run_command(state, cid, [b"RESTORE", k, b"0", p], now_ms=NOW)
        assert frame == b"+OK\r\n", k
    _, frame = S.run_command(state, cid, [b"DEBUG", b"DIGEST-VALUE", *keys], now_ms=NOW)
    assert frame == b"*%d\r\n" % len(keys) + b"".join(b"+" + d + b"\r\n" for d in theirs)


@settings(max_examples=int(os.environ.get("RDB_INTEROP_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_commands(), st.booleans())
def test_dump_payloads_are_redis_bytes(workdir: Path, cmds: list[list[bytes]],
                                       compress: bool) -> None:
    """For generated values of every type, DUMP gives Redis's bytes, except where Redis's own
    bytes depend on its hash seed (hashtable sets and hashes: compared by value instead)."""
    flag = b"yes" if compress else b"no"
    cmds = [[b"CONFIG", b"SET", b"rdbcompression", flag]] + cmds
    state, cid = _spec_state(cmds)
    real = _Redis(workdir)
    try:
        conns: dict[int, redis.Redis] = {}
        db = 0
        for argv in cmds:
            if argv[0] == b"SELECT":
                db = int(argv[1])
                continue
            c = conns.setdefault(db, redis.Redis(port=real.port, db=db))
            c.execute_command(*argv)
        for d in state.dbs:
            c = conns.setdefault(d.id, redis.Redis(port=real.port, db=d.id))
            state, _ = S.run_command(state, cid, [b"SELECT", b"%d" % d.id], now_ms=NOW)
            for key in d.keys:
                _, frame = S.run_command(state, cid, [b"DUMP", key], now_ms=NOW)
                ours = frame.split(b"\r\n", 1)[1][:-2]
                theirs = c.dump(key)
                enc = c.object("encoding", key)
                if enc == b"hashtable":
                    digest = c.execute_command("DEBUG", "DIGEST-VALUE", key)
                    when = max(c.execute_command("PEXPIRETIME", key), 0)
                    c.execute_command("RESTORE", b"copy", when, ours, "REPLACE", "ABSTTL")
                    assert c.execute_command("DEBUG", "DIGEST-VALUE", b"copy") == digest
                    c.delete(b"copy")
                else:
                    assert ours == theirs, (d.id, key, enc)
        for c in conns.values():
            c.close()
    finally:
        real.stop()


@pytest.mark.parametrize("shape", ["lpush", "lpush-one-by-one", "lpush-then-lpop",
                                   "lpush-large-elements", "lmove-left", "rpush"])
def test_head_pushed_lists_dump_as_redis_lays_them_out(workdir: Path, shape: str) -> None:
    """``quicklistPushHead`` fills the head node and opens a new head node when it is full, so
    an LPUSH-built list has its full nodes aligned at the tail: DUMP (and DEBUG OBJECT's
    quicklist fields) give Redis's bytes for it (``spec.rdb.list_nodes``)."""
    els = [b"element-%d" % i for i in range(1000)]
    cmds = {
        "lpush": [[b"LPUSH", b"l", *els]],
        "lpush-one-by-one": [[b"LPUSH", b"l", e] for e in els[:700]],
        "lpush-then-lpop": [[b"LPUSH", b"l", *els], [b"LPOP", b"l", b"3"]],
        "lpush-large-elements": [[b"LPUSH", b"l", *[b"x" * 300 + e for e in els[:100]]]],
        "lmove-left": [[b"RPUSH", b"src", *els[:400]]]
        + [[b"LMOVE", b"src", b"l", b"LEFT", b"LEFT"]] * 400,
        "rpush": [[b"RPUSH", b"l", *els]],
    }[shape]
    state, cid = _spec_state(cmds)
    real = _Redis(workdir)
    try:
        for argv in cmds:
            real.client.execute_command(*argv)
        _, frame = S.run_command(state, cid, [b"DUMP", b"l"], now_ms=NOW)
        assert frame.split(b"\r\n", 1)[1][:-2] == real.client.dump("l")
        _, frame = S.run_command(state, cid, [b"DEBUG", b"OBJECT", b"l"], now_ms=NOW)
        theirs = real.client.execute_command("DEBUG", "OBJECT", "l").decode()
        assert frame.decode().split(" ql_nodes:")[1] == theirs.split(" ql_nodes:")[1] + "\r\n"
    finally:
        real.stop()
