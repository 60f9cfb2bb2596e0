"""Start-up loading side by side with a real Redis 7.0.15 (``redis-server`` and
``redspec serve`` each started by the test on a copy of the same file, on free loopback
ports, stopped by PID):

- while the file loads (``key-load-delay`` makes both slow, the same model on both, and
  ``loading-process-events-interval-bytes 1024`` makes both answer between records), the
  same commands get byte-identical replies — ``-LOADING`` but for the commands flagged
  ``loading``, in RESP2 and RESP3 — and INFO persistence has the same fields in the same order;
- afterwards both hold the same dataset (DEBUG DIGEST), dicts sized by RESIZEDB (DEBUG
  HTSTATS: no rehashing) and the same function libraries (FUNCTION LIST, FCALL), whichever
  server wrote the file;
- a truncated or corrupt file (a bad checksum, object type or length) stops both with exit
  status 1 and the same log lines (the loader's message and the redis-check-rdb report), but
  for the file's age.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from redspec.spec.frames import parse_all
from tests.conftest import free_port, wait_listening

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

LIB = ("#!lua name=mylib\n"
       "redis.register_function('myfunc', function(keys, args) return args[1] end)\n"
       "redis.register_function{function_name='myro', callback=function(keys, args) "
       "return redis.call('GET', keys[1]) end, flags={'no-writes'}}")
KEYS = 20_000
SLOW = ["--key-load-delay", "100", "--loading-process-events-interval-bytes", "1024"]


def _start(kind: str, workdir: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log = workdir / f"{kind}-{port}.log"
    if kind == "redis":
        argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(workdir), "--enable-debug-command", "yes",
                *extra]
    else:
        argv = [str(Path(sys.executable).parent / "redspec"), "serve", "--port", str(port),
                "--enable-debug-command", "yes", *extra]
    with open(log, "ab") as f:
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=workdir)
    wait_listening(port, proc, log, timeout=60.0)
    return proc, port, log


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A file written by the real server: KEYS strings, a few other types, a library."""
    d = tmp_path_factory.mktemp("loading-src")
    proc, port, _ = _start("redis", d)
    try:
        c = redis.Redis(port=port)
        c.eval(f"for i=1,{KEYS} do redis.call('SET','key:'..i,'value:'..i) end", 0)
        c.rpush("list", *[f"e{i}" for i in range(500)])
        c.hset("hash", mapping={"a": "1", "b": "x" * 100})
        c.zadd("zset", {"a": 1.5, "b": -2})
        c.sadd("set", 1, 2, 3)
        c.set("ttl", "v", px=100_000_000)
        c.function_load(LIB)
        assert c.execute_command("SAVE") is True
        c.close()
    finally:
        _stop(proc)
    return (d / "dump.rdb").read_bytes()


def _frames(sock: socket.socket, n: int, timeout: float = 20.0) -> list[bytes]:
    """The next ``n`` reply frames on ``sock``, as raw bytes."""
    buf = b""
    out: list[bytes] = []
    deadline = time.monotonic() + timeout
    sock.settimeout(timeout)
    while len(out) < n and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        frames, buf = parse_all(buf + chunk)
        out.extend(frames)
    return out


#: Commands sent while loading, on a RESP2 connection, then on a RESP3 one (after HELLO 3).
WHILE_LOADING = [
    b"PING", b"GET key:1", b"SET a b", b"DBSIZE", b"ECHO hi", b"FCALL myfunc 0 x",
    b"MULTI", b"GET a", b"ECHO queued", b"EXEC", b"SELECT 1", b"CONFIG GET key-load-delay",
    b"LASTSAVE", b"PUBLISH ch x", b"FUNCTION LIST", b"SUBSCRIBE ch", b"PING", b"GET a",
    b"ECHO x", b"UNSUBSCRIBE ch", b"PING",
]


def _while_loading(port: int) -> tuple[list[bytes], list[bytes], list[str]]:
    """The replies to :data:`WHILE_LOADING` in RESP2 and RESP3 (LASTSAVE's value dropped),
    and INFO persistence's field names, all asked while the server loads."""
    lines = b"".join(cmd + b"\r\n" for cmd in WHILE_LOADING)
    with socket.create_connection(("127.0.0.1", port)) as s2, \
            socket.create_connection(("127.0.0.1", port)) as s3:
        s2.sendall(lines)
        r2 = _frames(s2, len(WHILE_LOADING))
        s3.sendall(b"HELLO 3\r\n")
        _frames(s3, 1)
        s3.sendall(lines + b"INFO persistence\r\n")
        r3 = _frames(s3, len(WHILE_LOADING) + 1)
    info = r3.pop().decode()
    names = [ln.split(":")[0] for ln in info.split("\r\n")[1:] if ":" in ln]
    for frames in (r2, r3):
        i = WHILE_LOADING.index(b"LASTSAVE")
        frames[i] = re.sub(rb"\d+", b"N", frames[i])
    return r2, r3, names


def _libraries(c: redis.Redis) -> list[object]:
    """FUNCTION LIST WITHCODE with each library's functions sorted by name (Redis lists
    them in its dict's order, seeded at random: docs/mechanisms/scripting.md)."""
    out: list[object] = []
    for lib in c.function_list(withcode=True):
        fields = dict(zip(lib[::2], lib[1::2], strict=True))
        fields[b"functions"] = sorted(fields[b"functions"], key=lambda f: f[1])
        out.append(sorted(fields.items()))
    return out


def _after_loading(port: int) -> tuple[bytes, list[object], list[bytes], bytes, bytes]:
    c = redis.Redis(port=port)
    deadline = time.monotonic() + 120
    while True:
        try:
            c.ping()
            break
        except redis.exceptions.BusyLoadingError:
            assert time.monotonic() < deadline, "the load did not end"
            time.sleep(0.05)
    # RESIZEDB sized the dicts before the keys came: no rehashing after the load
    tables = re.findall(rb"table size: \d+|rehashing target",
                        c.execute_command("DEBUG", "HTSTATS", "0"))
    out = (c.execute_command("DEBUG", "DIGEST"), _libraries(c), tables,
           c.fcall("myfunc", 0, "arg"), c.fcall_ro("myro", 1, "key:77"))
    c.close()
    return out


def test_replies_while_loading_and_the_dataset_after(tmp_path: Path, dump: bytes) -> None:
    seen = {}
    for kind in ("redis", "redspec"):
        d = tmp_path / kind
        d.mkdir()
        (d / "dump.rdb").write_bytes(dump)
        proc, port, log = _start(kind, d, *SLOW)
        try:
            during = _while_loading(port)
            after = _after_loading(port)
        finally:
            _stop(proc)
        seen[kind] = during, after
    (r2, r3, names), after = seen["redis"]
    (o2, o3, onames), oafter = seen["redspec"]
    assert r2[0] == b"-LOADING Redis is loading the dataset in memory\r\n"
    assert "loading_eta_seconds" in names
    assert o2 == r2
    assert o3 == r3
    assert onames == names
    assert oafter == after
    assert after[2] == [b"table size: 32768", b"table size: 4"]
    assert after[3:] == (b"arg", b"value:77")


def test_a_library_we_save_loads_in_redis(tmp_path: Path) -> None:
    proc, port, _ = _start("redspec", tmp_path)
    try:
        c = redis.Redis(port=port)
        c.function_load(LIB)
        c.set("k", "v")
        assert c.execute_command("SAVE") is True
        ours = _libraries(c)
        c.close()
    finally:
        _stop(proc)
    proc, port, _ = _start("redis", tmp_path)
    try:
        c = redis.Redis(port=port)
        assert _libraries(c) == ours
        assert c.fcall_ro("myro", 1, "k") == b"v"
        c.close()
    finally:
        _stop(proc)


def _log_tail(text: str, kind: str) -> list[str]:
    """From the first loading line on, without Redis's log prefix and the file's age."""
    out = []
    for line in text.splitlines():
        if kind == "redis":
            line = re.sub(r"^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [*#.-] ", "", line)
        out.append(line)
    start = next(i for i, ln in enumerate(out)
                 if ln.startswith(("Loading RDB produced", "Internal error")))
    return [ln for ln in out[start:] if not ln.startswith("RDB age ")
            and "Ready to accept" not in ln]


@pytest.mark.parametrize("damage", ["truncated", "checksum", "type", "length"])
def test_a_bad_file_stops_both_with_the_same_log(tmp_path: Path, dump: bytes,
                                                 damage: str) -> None:
    """The damage is placed by content (the real server writes its keys in its dict's order,
    seeded at random): a string key record is type 0, its name's length, ``key:N``."""
    data = bytearray(dump)
    m = re.compile(rb"\x00[\x05-\x09]key:\d").search(data, len(data) // 3)
    assert m is not None
    at = m.start()
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "checksum":  # a character of the key name: only the CRC-64 notices
        data[at + 6] = ord("x")
    elif damage == "type":
        data[at] = 0x42
    else:  # "Unknown length encoding 2 in rdbLoadLen()", inside the loader
        data[at + 1] = 0x9B
    logs = {}
    for kind in ("redis", "redspec"):
        d = tmp_path / kind
        d.mkdir()
        (d / "dump.rdb").write_bytes(bytes(data))
        if kind == "redis":
            argv = ["redis-server", "--port", str(free_port()), "--save", "", "--dir", str(d)]
        else:
            argv = [str(Path(sys.executable).parent / "redspec"), "serve", "--port",
                    str(free_port())]
        r = subprocess.run(argv, cwd=d, capture_output=True, text=True, timeout=120)
        assert r.returncode == 1, (kind, r.stdout, r.stderr)
        logs[kind] = _log_tail(r.stdout + r.stderr, kind)
    assert "--- RDB ERROR DETECTED ---" in logs["redis"]
    assert logs["redspec"] == logs["redis"]


def test_a_duplicated_key_panics_both(tmp_path: Path) -> None:
    """``dbAddRDBLoad`` fails on a key the file holds twice: 7.0.15 logs it and panics
    (a bug report, then abort: SIGABRT); redspec writes the same first lines and aborts too
    (the stack trace and the rest of the bug report are the process's own)."""
    from redspec.spec.rdb import KeyRecord, encode_file
    data = encode_file([(b"redis-ver", b"7.0.15")],
                       [(0, [KeyRecord(b"k", b"v"), KeyRecord(b"k", b"w")])])
    logs = {}
    for kind in ("redis", "redspec"):
        d = tmp_path / kind
        d.mkdir()
        (d / "dump.rdb").write_bytes(data)
        if kind == "redis":
            argv = ["redis-server", "--port", str(free_port()), "--save", "", "--dir", str(d)]
        else:
            argv = [str(Path(sys.executable).parent / "redspec"), "serve", "--port",
                    str(free_port())]
        r = subprocess.run(argv, cwd=d, capture_output=True, text=True, timeout=120)
        assert r.returncode == -6, (kind, r.returncode)  # SIGABRT
        tail = _log_tail(r.stdout + r.stderr, kind)
        logs[kind] = tail[: tail.index(next(ln for ln in tail if "Guru Meditation" in ln)) + 1]
    assert logs["redspec"] == logs["redis"]
    assert logs["redis"][1] == "RDB has duplicated key 'k' in DB 0"
