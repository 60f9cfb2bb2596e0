"""Start-up from an AOF directory side by side with a real Redis 7.0.15: the real server
writes its AOF set (``--appendonly yes``; with and without the RDB preamble, with ``#TS``
annotations, after BGREWRITEAOF, several databases, every type, streams with groups,
expiries, MULTI, scripts and functions), then ``redspec serve --appendonly yes`` started on
a copy of that directory holds the same dataset (DEBUG DIGEST, the keys per database, the
function libraries). A damaged directory (a truncated last command with
``aof-load-truncated`` yes and no, an unfinished MULTI, a corrupt or unknown command, a
truncated base, a bad manifest, a missing file) gives the same log lines and exit status on
both — and, when the load goes on, the same truncated file and dataset. An old single
``appendonly.aof`` is moved into the directory by both. Servers are started on free
loopback ports and stopped by PID.
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

from redspec.spec.frames import parse, parse_all
from tests.conftest import free_port, wait_listening

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

#: ``redspec serve`` (the tests add ``--appendonly yes`` and the rest).
_REDSPEC = [str(Path(sys.executable).parent / "redspec"), "serve"]

LIB = ("#!lua name=aoflib\n"
       "redis.register_function('setit', function(keys, args) "
       "return redis.call('SET', keys[1], args[1]) end)")


def _start(kind: str, d: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    """A server on ``d`` with ``appendonly yes`` (its log in the parent directory)."""
    port = free_port()
    log = d.parent / f"{d.name}-{kind}-{port}.log"
    if kind == "redis":
        argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    else:
        argv = [*_REDSPEC, "--port", str(port)]
    argv += ["--save", "", "--appendonly", "yes", "--dir", str(d),
             "--enable-debug-command", "yes", *extra]
    with open(log, "ab") as f:
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=d)
    wait_listening(port, proc, log, timeout=60.0)
    return proc, port, log


def _frames(sock: socket.socket, n: int) -> list[bytes]:
    """The next ``n`` reply frames on ``sock``."""
    buf = b""
    while True:
        frames, _ = parse_all(buf)
        if len(frames) >= n:
            return frames[:n]
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        buf += chunk


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)


def _wait_loaded(c: redis.Redis) -> None:
    """Until the server answers something else than -LOADING."""
    deadline = time.monotonic() + 60
    while True:
        try:
            c.ping()
            return
        except redis.exceptions.BusyLoadingError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _wait_rewrite(c: redis.Redis) -> None:
    """Until no AOF rewrite runs or is scheduled."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info = c.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return
        time.sleep(0.05)
    raise AssertionError("the rewrite did not end")


def _workload(port: int, part: int) -> None:
    """Writes of every kind, in databases 0, 1 and 5 (``part`` varies the keys)."""
    c = redis.Redis(port=port)
    p = f"p{part}:"
    c.set(p + "s", "v" * 50)
    c.set(p + "n", 12345)
    c.incr(p + "n")
    c.incrbyfloat(p + "f", 1.5)
    c.append(p + "s", "tail")
    c.setbit(p + "bits", 1000, 1)
    c.rpush(p + "l", *range(300))
    c.lpush(p + "ql", "a", "b", "c")
    c.lmove(p + "ql", p + "l2", "LEFT", "RIGHT")
    c.hset(p + "h", mapping={f"f{i}": i for i in range(40)})
    c.hset(p + "bigh", mapping={f"f{i}": "x" * 80 for i in range(200)})
    c.sadd(p + "si", *range(100))
    c.sadd(p + "ss", "a", "b", "c", "d")
    c.spop(p + "ss")
    c.zadd(p + "z", {f"m{i}": i * 1.5 for i in range(50)})
    c.zadd(p + "zb", {f"m{i}": i for i in range(300)})
    c.zincrby(p + "z", 2.25, "m3")
    c.pfadd(p + "hll", *[f"e{i}" for i in range(200)])
    c.geoadd(p + "geo", (13.361389, 38.115556, "Palermo"))
    for i in range(1, 6):
        c.xadd(p + "st", {"a": i, "b": "x"}, id=f"{i}-1")
    c.xgroup_create(p + "st", "g", id="0")
    c.xreadgroup("g", "c1", {p + "st": ">"}, count=3)
    c.xgroup_createconsumer(p + "st", "g", "idle")
    c.xack(p + "st", "g", "1-1")
    c.xdel(p + "st", "5-1")
    c.xadd(p + "empty", {"x": 1}, id="1-1")
    c.xdel(p + "empty", "1-1")
    c.set(p + "ttl", "v", px=100_000_000)
    c.expire(p + "h", 100_000)
    c.getex(p + "s", ex=200_000)
    c.delete(p + "gone")
    c.set(p + "gone2", 1)
    c.delete(p + "gone2")
    tx = c.pipeline(transaction=True)
    tx.set(p + "tx1", "a").incr(p + "tx2").rpush(p + "tx3", 1, 2)
    tx.execute()
    c.eval("redis.call('SET', KEYS[1], 'a'); redis.call('INCR', KEYS[2]); return 1", 2,
           p + "ev1", p + "ev2")
    if part == 0:
        c.function_load(LIB)
    c.fcall("setit", 1, p + "fc", "val")
    c.sort(p + "si", store=p + "sorted")
    c.rename(p + "ss", p + "ss2")
    for db in (1, 5):
        d = redis.Redis(port=port, db=db)
        d.set(p + f"db{db}", db)
        d.hset(p + "h", "f", db)
        d.close()
    c.close()


def _write_set(d: Path, *extra: str, rewrite: bool = True) -> bytes:
    """The real server writes an AOF set into ``d`` (the workload, a rewrite, more
    workload) and stops; its DEBUG DIGEST at the end."""
    d.mkdir()
    proc, port, _ = _start("redis", d, *extra)
    try:
        _workload(port, 0)
        c = redis.Redis(port=port)
        if rewrite:
            c.bgrewriteaof()
            _wait_rewrite(c)
        _workload(port, 1)
        digest = c.execute_command("DEBUG", "DIGEST")
        c.shutdown(nosave=True)
    except redis.exceptions.ConnectionError:
        pass
    finally:
        proc.wait(20)
    return bytes(digest)


def _dataset(port: int) -> tuple[bytes, list[int], object]:
    """DEBUG DIGEST, the keys of databases 0..15, FUNCTION LIST."""
    c = redis.Redis(port=port)
    _wait_loaded(c)
    digest = bytes(c.execute_command("DEBUG", "DIGEST"))
    sizes = []
    for db in range(16):
        c.execute_command("SELECT", db)
        sizes.append(int(c.dbsize()))
    libs = c.execute_command("FUNCTION", "LIST")
    c.close()
    return digest, sizes, libs


@pytest.mark.parametrize("extra", [
    ("--aof-use-rdb-preamble", "yes"),
    ("--aof-use-rdb-preamble", "no"),
    ("--aof-use-rdb-preamble", "yes", "--aof-timestamp-enabled", "yes"),
    ("--aof-use-rdb-preamble", "no", "--aof-timestamp-enabled", "yes"),
], ids=["preamble", "aof-base", "preamble-ts", "aof-base-ts"])
def test_redspec_loads_what_redis_wrote(tmp_path: Path, extra: tuple[str, ...]) -> None:
    src = tmp_path / "src"
    written = _write_set(src, *extra)
    names = sorted(p.name for p in (src / "appendonlydir").iterdir())
    assert any(".base." in n for n in names) and any(".incr.aof" in n for n in names)
    got = {}
    for kind in ("redis", "redspec"):
        d = tmp_path / kind
        shutil.copytree(src, d)
        proc, port, _ = _start(kind, d, *extra)
        try:
            got[kind] = _dataset(port)
        finally:
            _stop(proc)
    assert got["redis"][0] == written
    assert got["redspec"] == got["redis"]


def test_without_a_rewrite_the_incr_file_alone(tmp_path: Path) -> None:
    """No rewrite: an empty base (no preamble) and every command in the incr file."""
    src = tmp_path / "src"
    written = _write_set(src, "--aof-use-rdb-preamble", "no", rewrite=False)
    d = tmp_path / "redspec"
    shutil.copytree(src, d)
    proc, port, _ = _start("redspec", d, "--aof-use-rdb-preamble", "no")
    try:
        assert _dataset(port)[0] == written
    finally:
        _stop(proc)


# -- damaged directories: the same lines and exit status -----------------------------------------

_PREFIX = re.compile(r"^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [*#.-] ")
#: Lines of the writer side (the lead's ``aofOpenIfNeededOnServerStart``, history removal)
#: and of the process's life that the comparison leaves out.
_SKIP = ("Creating AOF ", "Opening AOF ", "Removing the history", "Ready to accept",
         "RDB age ", "Received SIG", "User requested", "Calling fsync", "ready to exit",
         "redspec reference server", "Saving the final", "DB saved on disk", "bye bye",
         "oO0OoO0OoO0Oo", "Redis version=", "Configuration loaded", "monotonic clock",
         "Running mode=", "Server initialized", "WARNING Memory overcommit", "spec build: ")


def _lines(text: str) -> list[str]:
    """The log without Redis's prefixes, durations and the lines of :data:`_SKIP`."""
    out = []
    for line in text.splitlines():
        line = _PREFIX.sub("", line)
        line = re.sub(r": \d+\.\d{3} seconds$", ": N seconds", line)
        if line and not any(s in line for s in _SKIP):
            out.append(line)
    return out


def _run_both(tmp_path: Path, src: Path, *extra: str, expect_exit: bool
              ) -> dict[str, tuple[int | None, list[str], Path, tuple[bytes, list[int], object]
                                   | None]]:
    """Each server on its own copy of ``src``: exit status (None: it kept running), log
    lines, its directory, and the dataset when it started."""
    res = {}
    for kind in ("redis", "redspec"):
        d = tmp_path / kind
        shutil.copytree(src, d)
        if expect_exit:
            if kind == "redis":
                argv = ["redis-server", "--port", str(free_port())]
            else:
                argv = [*_REDSPEC, "--port", str(free_port())]
            argv += ["--save", "", "--appendonly", "yes", "--dir", str(d), *extra]
            r = subprocess.run(argv, cwd=d, capture_output=True, text=True, timeout=120)
            res[kind] = (r.returncode, _lines(r.stdout + r.stderr), d, None)
            continue
        proc, port, log = _start(kind, d, *extra)
        try:
            data = _dataset(port)
        finally:
            _stop(proc)
        res[kind] = (None, _lines(log.read_text(errors="replace")), d, data)
    return res


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A set the real server wrote without the preamble: an AOF base, an incr file."""
    src = tmp_path_factory.mktemp("aof-src") / "src"
    _write_set(src, "--aof-use-rdb-preamble", "no")
    return src


def _incr(d: Path) -> Path:
    return next(p for p in (d / "appendonlydir").iterdir() if p.name.endswith(".incr.aof"))


def _base(d: Path) -> Path:
    return next(p for p in (d / "appendonlydir").iterdir() if ".base." in p.name)


@pytest.mark.parametrize("damage", ["cut-arg", "cut-header", "open-multi", "garbage",
                                    "unknown-command", "wrong-length"])
@pytest.mark.parametrize("truncated", ["yes", "no"])
def test_a_damaged_last_file(tmp_path: Path, written: Path, damage: str, truncated: str
                             ) -> None:
    src = tmp_path / "src"
    shutil.copytree(written, src)
    incr = _incr(src)
    data = incr.read_bytes()
    if damage == "cut-arg":
        data = data[:-7]
    elif damage == "cut-header":
        data += b"*3\r\n$3\r\nSET\r\n"
    elif damage == "open-multi":
        data += b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$1\r\n1\r\n"
    elif damage == "garbage":
        data += b"garbage\r\n" + b"*1\r\n$4\r\nPING\r\n"
    elif damage == "unknown-command":
        data += b"*2\r\n$6\r\nNOSUCH\r\n$1\r\nx\r\n"
    else:
        data += b"*2\r\n$3\r\nDEL\r\n$1\r\nab\r\n"
    incr.write_bytes(data)
    fails = truncated == "no" and damage in ("cut-arg", "cut-header", "open-multi") \
        or damage in ("garbage", "unknown-command", "wrong-length")
    res = _run_both(tmp_path, src, "--aof-load-truncated", truncated, expect_exit=fails)
    (rc, rlines, rdir, rdata), (oc, olines, odir, odata) = res["redis"], res["redspec"]
    assert rlines
    assert olines == rlines
    assert oc == rc
    if fails:
        assert rc == 1
    else:
        assert _incr(odir).read_bytes() == _incr(rdir).read_bytes()[: len(_incr(odir).read_bytes())]
        assert odata == rdata


def test_a_preamble_of_an_unknown_version(tmp_path: Path, written: Path) -> None:
    """``rdbLoadRio`` refuses the version and returns: the loader's lines, then readerr's."""
    src = tmp_path / "src"
    shutil.copytree(written, src)
    base = _base(src)
    base.write_bytes(b"REDIS0099" + base.read_bytes())
    res = _run_both(tmp_path, src, expect_exit=True)
    assert res["redis"][1][-1].startswith("Unrecoverable error reading the append only file")
    assert res["redspec"][:2] == res["redis"][:2]


def test_a_truncated_base_is_fatal(tmp_path: Path, written: Path) -> None:
    """Only the last file may be truncated: the base is cut on disk all the same, then the
    start stops."""
    src = tmp_path / "src"
    shutil.copytree(written, src)
    base = _base(src)
    base.write_bytes(base.read_bytes()[:-5])
    res = _run_both(tmp_path, src, expect_exit=True)
    assert res["redis"][1][-1] == "Fatal error: the truncated file is not the last file"
    assert res["redspec"][:2] == res["redis"][:2]
    assert res["redis"][0] == 1
    assert _base(res["redspec"][2]).read_bytes() == _base(res["redis"][2]).read_bytes()


@pytest.mark.parametrize("manifest", [
    b"", b"file a seq 1 type b\nfile b seq 2 type b\n", b"file x seq 1 type z\n",
    b"file d/x seq 1 type i\n", b"file x seq 1 type i", b"\n", b"file x type i\n",
    b"file i2 seq 2 type i\nfile i1 seq 1 type i\n", b"file missing seq 1 type i\n",
], ids=["empty", "two-bases", "type", "path", "no-newline", "blank", "no-seq",
        "non-monotonic", "missing-file"])
def test_a_bad_manifest(tmp_path: Path, written: Path, manifest: bytes) -> None:
    src = tmp_path / "src"
    shutil.copytree(written, src)
    (src / "appendonlydir" / "appendonly.aof.manifest").write_bytes(manifest)
    res = _run_both(tmp_path, src, expect_exit=True)
    assert res["redis"][1]
    assert res["redspec"][:2] == res["redis"][:2]
    assert res["redis"][0] == 1


@pytest.mark.parametrize("preamble", [True, False])
def test_an_old_single_file_is_moved_in(tmp_path: Path, preamble: bool) -> None:
    """A pre-7.0 ``appendonly.aof`` in ``dir`` (with an RDB preamble or commands only)
    becomes the base of a new directory: the same manifest line, the same lines, the same
    dataset."""
    src = tmp_path / "src"
    _write_set(src, "--aof-use-rdb-preamble", "yes" if preamble else "no")
    old = _base(src).read_bytes() + _incr(src).read_bytes()
    shutil.rmtree(src / "appendonlydir")
    (src / "appendonly.aof").write_bytes(old)
    res = _run_both(tmp_path, src, expect_exit=False)
    assert res["redspec"][1] == res["redis"][1]
    assert res["redis"][1][0].startswith("Successfully migrated an old-style AOF file")
    assert res["redspec"][3] == res["redis"][3]
    for kind in ("redis", "redspec"):
        d = res[kind][2]
        assert not (d / "appendonly.aof").exists()
        assert (d / "appendonlydir" / "appendonly.aof").read_bytes() == old
        first = (d / "appendonlydir" / "appendonly.aof.manifest").read_bytes().splitlines()[0]
        assert first == b"file appendonly.aof seq 1 type b"


def test_loading_answers_loading_on_both(tmp_path: Path) -> None:
    """A slow load (``key-load-delay`` per command, the same model on both): meanwhile GET,
    PING and DBSIZE get the same ``-LOADING`` reply, INFO says ``loading:1`` with the
    same ``loading_total_bytes``; afterwards the same dataset."""
    src = tmp_path / "src"
    (src / "appendonlydir").mkdir(parents=True)
    cmds = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\nk%d\r\n$1\r\nv\r\n" % (len(b"k%d" % i), i)
                    for i in range(20_000))
    (src / "appendonlydir" / "appendonly.aof.1.incr.aof").write_bytes(cmds)
    (src / "appendonlydir" / "appendonly.aof.manifest").write_bytes(
        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    seen = {}
    for kind in ("redis", "redspec"):
        d = tmp_path / kind
        shutil.copytree(src, d)
        proc, port, _ = _start(kind, d, "--key-load-delay", "100")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(b"GET k1\r\nPING\r\nDBSIZE\r\nINFO persistence\r\n")
                frames = _frames(sock, 4)
            info = dict(ln.split(":", 1) for ln in parse(frames[3]).payload.decode().split("\r\n")
                        if ":" in ln)
            seen[kind] = (frames[:3], info["loading"], info.get("loading_total_bytes"),
                          _dataset(port))
        finally:
            _stop(proc)
    assert seen["redis"][1] == "1"
    assert seen["redspec"] == seen["redis"]
    assert seen["redis"][0] == [b"-LOADING Redis is loading the dataset in memory\r\n"] * 3
