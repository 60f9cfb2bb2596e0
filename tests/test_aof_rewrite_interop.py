"""The AOF rewrite's base file against a real redis-server 7.0.15.

- **Byte for byte**: the same commands build a dataset in a real server (``--appendonly
  yes``) and in the spec; BGREWRITEAOF makes the real one write ``appendonly.aof.N.base.*``,
  and ``spec.aofrewrite.aof_base_bytes`` of the spec's state must be those bytes: without the
  RDB preamble (every type and encoding, batches of 63/64/65 items, several databases,
  expiries, a function library, streams with groups, consumers and pending entries), with
  ``aof-timestamp-enabled`` (the real ``#TS`` second is our ``now_ms``), and with the RDB
  preamble (equal but for the ``used-mem`` AUX value and so the checksum; no consumers, whose
  seen-time the file holds).
  Hashtable orders follow Redis's hash seed, drawn from ``/dev/urandom`` at start
  (``getRandomBytes``: HMAC-SHA256 of a counter under 64 bytes read from it, the seed being
  block 0). The real server is started in its own mount namespace (``unshare --mount``)
  with a file of known bytes bound over ``/dev/urandom``, so its seed is known and the spec
  is given the same one; ``activerehashing no`` on both keeps the dicts' rehashing to the
  commands' own steps. Without ``unshare`` (not root) these tests are skipped.
- **Loading**: a directory made of our base (both formats), an empty incr file and a
  manifest from ``spec.aofmanifest.manifest_text`` is accepted by ``redis-check-aof`` and
  loaded by a real server with the DEBUG DIGEST of the spec's dataset (generated datasets).

Every server is started by the test on a free loopback port and stopped by its PID.
"""

from __future__ import annotations

import hashlib
import hmac
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.properties.aofcommands import aof_commands
from redspec.spec import server as S
from redspec.spec.aofmanifest import AofInfo, AofManifest, manifest_text
from redspec.spec.aofrewrite import aof_base_bytes
from redspec.spec.dict import DictState, seed_words
from redspec.spec.persist import fork_snapshot
from redspec.spec.rdb import AuxRecord, Limits, read_header, read_record
from redspec.spec.rdbcodec import Reader
from redspec.spec.state import ServerState, replace
from redspec.spec.step import Step
from tests.conftest import free_port, wait_listening

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

NOW = 1_700_000_000_000
FUTURE = 4102444800000
LIB = (b"#!lua name=mylib\n"
       b"redis.register_function('f1', function(keys, args) return 1 end)")
URANDOM = bytes((i * 37 + 11) % 256 for i in range(64))


def hash_seed(urandom: bytes) -> bytes:
    """The 16-byte ``dict_hash_function_seed`` a 7.0.15 server draws first from
    ``getRandomBytes`` when ``/dev/urandom`` starts with ``urandom``: block 0 of its
    HMAC-SHA256 counter generator."""
    return hmac.new(urandom[:64], (0).to_bytes(8, "little"), hashlib.sha256).digest()[:16]


def _unshare_ok() -> bool:
    """Whether a process can get its own mount namespace with a file bound over
    ``/dev/urandom`` (root, ``unshare`` and ``mount`` present)."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"redspec!")
        f.flush()
        try:
            r = subprocess.run(
                ["unshare", "--mount", "sh", "-c",
                 f"mount --bind {f.name} /dev/urandom && head -c 8 /dev/urandom"],
                capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return r.returncode == 0 and r.stdout == b"redspec!"


UNSHARE = _unshare_ok()
seeded = pytest.mark.skipif(not UNSHARE, reason="needs unshare --mount (root) to fix the "
                                                "real server's hash seed")


class _Real:
    """A real redis-server with ``--appendonly yes`` in ``workdir``; with ``urandom`` it runs
    in its own mount namespace with that file bound over ``/dev/urandom``."""

    def __init__(self, workdir: Path, *args: str, urandom: bytes | None = None) -> None:
        self.dir = workdir
        self.port = free_port()
        self.log = workdir / f"redis-{self.port}.log"
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--dir", str(workdir), "--appendonly", "yes", "--activerehashing", "no",
                "--enable-debug-command", "yes", *args]
        if urandom is not None:
            seedfile = workdir / "urandom.bin"
            seedfile.write_bytes(urandom * 4)
            argv = ["unshare", "--mount", "sh", "-c",
                    f'mount --bind {seedfile} /dev/urandom && exec "$0" "$@"', *argv]
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        wait_listening(self.port, self.proc, self.log, timeout=30.0)
        self.db = 0
        self.client = redis.Redis(port=self.port)

    def run(self, cmds: list[list[bytes]]) -> None:
        for argv in cmds:
            if argv[0] == b"SELECT":  # redis-py pins a connection's db: use a fresh one
                self.client.close()
                self.client = redis.Redis(port=self.port, db=int(argv[1]))
                continue
            self.client.execute_command(*argv)

    def _idle(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            info = self.client.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                return
            time.sleep(0.02)
        raise AssertionError("the AOF rewrite did not finish")

    def rewrite(self) -> bytes:
        """BGREWRITEAOF, then the new base file's bytes (named by the manifest)."""
        self._idle()
        self.client.execute_command("BGREWRITEAOF")
        self._idle()
        info = self.client.info("persistence")
        assert info["aof_last_bgrewrite_status"] == "ok"
        aofdir = self.dir / "appendonlydir"
        manifest = (aofdir / "appendonly.aof.manifest").read_text()
        base = manifest.splitlines()[0].split()[1]
        assert ".base." in base, manifest
        return (aofdir / base).read_bytes()

    def digest(self) -> bytes:
        d: bytes = self.client.execute_command("DEBUG", "DIGEST")
        return d

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(10)


def _spec(cmds: list[list[bytes]], urandom: bytes | None = URANDOM,
          **config: Any) -> ServerState:
    """The spec's state after ``cmds`` (its hash seed the real server's for ``urandom``)."""
    state = S.new_server(now_ms=NOW, activerehashing=False,
                         **{"enable-debug-command": "yes", **config})
    if urandom is not None:
        state = replace(state, dicts=DictState(seed=seed_words(hash_seed(urandom))))
    return _spec_run(state, cmds)


def _ours(state: ServerState, now_ms: int) -> bytes:
    return aof_base_bytes(fork_snapshot(Step(state, now_ms)), now_ms)


def _replayed(state: ServerState, base: bytes) -> ServerState:
    """An empty server of ``state``'s configuration after the commands of an AOF-format
    base (what loading it does), or with an RDB base loaded."""
    empty = S.new_server(now_ms=NOW, **{"enable-debug-command": "yes"})
    if base.startswith(b"REDIS"):
        return state  # the RDB path: the file holds the dataset itself
    return _spec_run(empty, aof_commands(base))


def _spec_run(state: ServerState, cmds: list[list[bytes]]) -> ServerState:
    state, cid = S.client_connect(state, now_ms=NOW)
    for argv in cmds:
        state, frame = S.run_command(state, cid, argv, now_ms=NOW)
        assert not frame.startswith(b"-"), (argv[:3], frame)
    return state


def _spec_digest(state: ServerState) -> bytes:
    state, cid = S.client_connect(state, now_ms=NOW)
    _, frame = S.run_command(state, cid, [b"DEBUG", b"DIGEST"], now_ms=NOW)
    return frame[1:41]


def _pairs(n: int, f: Any) -> list[bytes]:
    return [x for i in range(n) for x in f(i)]


#: Every type and encoding, one database each (at most four keys in a database: a real
#: keyspace dict's chains also depend on rehash steps redspec's keyspace does not all take).
DATASET: list[list[bytes]] = [
    [b"FUNCTION", b"LOAD", LIB],
    [b"SET", b"str", b"hello"], [b"SET", b"int", b"12345"], [b"SET", b"raw", b"r" * 100],
    [b"PEXPIREAT", b"int", b"%d" % FUTURE],
    [b"SELECT", b"1"], [b"RPUSH", b"lp", b"a", b"1", b"-7", b"b" * 70],
    [b"RPUSH", b"ql", *[b"e%d" % i for i in range(1000)]], [b"LPUSH", b"l65", *[b"x%d" % i
                                                                               for i in range(65)]],
    [b"SELECT", b"2"], [b"SADD", b"is63", *[b"%d" % (i * 13 - 400) for i in range(63)]],
    [b"SADD", b"is64", *[b"%d" % i for i in range(64)]],
    [b"SELECT", b"3"], [b"SADD", b"hs", *[b"m%d" % i for i in range(150)]],
    [b"SREM", b"hs", b"m3", b"m77", b"m140"], [b"SADD", b"hs2", b"1", b"2", b"x"],
    [b"PEXPIREAT", b"hs2", b"%d" % FUTURE],
    [b"SELECT", b"4"], [b"ZADD", b"zl", b"1.1", b"a", b"-inf", b"b", b"inf", b"c", b"3e-7", b"d",
                        b"-0", b"e", b"2", b"f"],
    [b"ZADD", b"zs", *_pairs(130, lambda i: (b"%r" % (i * 0.37 - 20), b"m%d" % i))],
    [b"ZADD", b"zs", b"-0", b"negzero"],
    [b"SELECT", b"5"], [b"HSET", b"hl", *_pairs(65, lambda i: (b"f%d" % i, b"%d" % i))],
    [b"HSET", b"hh", *_pairs(200, lambda i: (b"f%d" % i, b"v%d" % i))], [b"HDEL", b"hh", b"f9"],
    [b"HSET", b"hv", b"a", b"1", b"long", b"v" * 100],
    [b"SELECT", b"6"], [b"XADD", b"x", b"1-1", b"a", b"1"],
    [b"XADD", b"x", b"2-1", b"a", b"2", b"b", b"3"], [b"XADD", b"x", b"3-0", b"q", b"v"],
    [b"XADD", b"x", b"4-0", b"a", b"4"], [b"XDEL", b"x", b"2-1"],
    [b"XGROUP", b"CREATE", b"x", b"g1", b"0"], [b"XGROUP", b"CREATE", b"x", b"g0", b"$"],
    [b"XGROUP", b"CREATE", b"x", b"g2", b"1-1", b"ENTRIESREAD", b"1"],
    [b"XCLAIM", b"x", b"g1", b"bob", b"0", b"3-0", b"TIME", b"1600000000000", b"RETRYCOUNT",
     b"4", b"FORCE", b"JUSTID"],
    [b"XCLAIM", b"x", b"g1", b"al", b"0", b"1-1", b"TIME", b"1600000000001", b"RETRYCOUNT",
     b"2", b"FORCE", b"JUSTID"],
    [b"XCLAIM", b"x", b"g1", b"al", b"0", b"4-0", b"TIME", b"1600000000002", b"FORCE",
     b"JUSTID"],
    [b"XGROUP", b"CREATECONSUMER", b"x", b"g1", b"carl"],
    [b"XGROUP", b"CREATECONSUMER", b"x", b"g2", b"dan"],
    [b"PEXPIREAT", b"x", b"%d" % FUTURE],
    [b"XADD", b"empty", b"MAXLEN", b"0", b"5-5", b"a", b"b"],
    [b"SELECT", b"7"], [b"SET", b"a", b"1"], [b"SET", b"b", b"2"], [b"SET", b"c", b"3"],
    [b"SET", b"d", b"4"],
    [b"SELECT", b"15"], [b"SET", b"last", b"db"],
]

#: For the RDB preamble: the same without consumers (an RDB file holds a consumer's
#: ``seen-time``, the real server's clock).
RDB_DATASET: list[list[bytes]] = [
    c for c in DATASET if c[0] != b"XCLAIM" and c[:2] != [b"XGROUP", b"CREATECONSUMER"]]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@seeded
def test_hash_seed_is_the_real_servers(workdir: Path) -> None:
    """The seed derivation itself: a real server's KEYS order over four keys (one table of
    four buckets, no rehash) and a hashtable set's iteration order equal the spec's under
    it."""
    cmds = [[b"SET", b"k%d" % i, b"v"] for i in range(3)] + [
        [b"SADD", b"s", *[b"m%d" % i for i in range(40)]]]
    real = _Real(workdir, urandom=URANDOM)
    try:
        real.run(cmds)
        # SORT ... BY nosort walks the set as SMEMBERS does (redis-py makes SMEMBERS a set)
        theirs = (real.client.keys("*"), real.client.execute_command("SORT", "s", "BY", "nosort"))
    finally:
        real.stop()
    state = _spec(cmds)
    state, cid = S.client_connect(state, now_ms=NOW)
    _, keys = S.run_command(state, cid, [b"KEYS", b"*"], now_ms=NOW)
    _, members = S.run_command(state, cid, [b"SORT", b"s", b"BY", b"nosort"], now_ms=NOW)
    assert keys == b"*4\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(k), k) for k in theirs[0])
    assert members == b"*40\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(m), m) for m in theirs[1])


@seeded
def test_base_without_preamble_is_the_real_bytes(workdir: Path) -> None:
    real = _Real(workdir, "--aof-use-rdb-preamble", "no", urandom=URANDOM)
    try:
        real.run(DATASET)
        theirs = real.rewrite()
    finally:
        real.stop()
    ours = _ours(_spec(DATASET, **{"aof-use-rdb-preamble": False}), NOW)
    assert ours == theirs


@seeded
def test_base_with_timestamp_is_the_real_bytes(workdir: Path) -> None:
    real = _Real(workdir, "--aof-use-rdb-preamble", "no", "--aof-timestamp-enabled", "yes",
                 urandom=URANDOM)
    try:
        real.run(DATASET[:12])
        theirs = real.rewrite()
    finally:
        real.stop()
    assert theirs.startswith(b"#TS:")
    ts = int(theirs[4:theirs.index(b"\r\n")])
    state = _spec(DATASET[:12], **{"aof-use-rdb-preamble": False, "aof-timestamp-enabled": True})
    assert _ours(state, ts * 1000 + 999) == theirs


def _aux_end(data: bytes) -> tuple[int, dict[bytes, bytes]]:
    """Where the AUX fields of an RDB file end, and their values."""
    c = read_header(data)
    r = Reader(data, c.pos)
    aux: dict[bytes, bytes] = {}
    while True:
        c2, rec = read_record(r, c, Limits(), 16)
        if not isinstance(rec, AuxRecord):
            return c.pos, aux
        aux[rec.key] = rec.value
        c = c2


@seeded
@pytest.mark.parametrize("timestamps", [False, True])
def test_rdb_preamble_base_is_the_real_bytes(workdir: Path, timestamps: bool) -> None:
    """With ``aof-use-rdb-preamble yes`` the base is an RDB file with ``aof-base`` 1 and no
    ``#TS`` line even with timestamps on; equal to ours but for ``used-mem`` (the real
    process's allocator total) and so the CRC-64."""
    args = ("--aof-timestamp-enabled", "yes") if timestamps else ()
    real = _Real(workdir, *args, urandom=URANDOM)
    try:
        real.run(RDB_DATASET)
        theirs = real.rewrite()
    finally:
        real.stop()
    assert theirs.startswith(b"REDIS0010")
    t_end, t_aux = _aux_end(theirs)
    state = _spec(RDB_DATASET, **{"aof-timestamp-enabled": timestamps})
    ours = _ours(state, int(t_aux[b"ctime"]) * 1000)
    o_end, o_aux = _aux_end(ours)
    assert t_aux[b"aof-base"] == o_aux[b"aof-base"] == b"1"
    del t_aux[b"used-mem"], o_aux[b"used-mem"]
    assert list(o_aux.items()) == list(t_aux.items())
    assert ours[o_end:-8] == theirs[t_end:-8]


# -- a real server loads a directory made of our base --------------------------------------------


def _write_dir(workdir: Path, base: bytes, rdb: bool) -> None:
    aofdir = workdir / "appendonlydir"
    aofdir.mkdir()
    name = f"appendonly.aof.1.base.{'rdb' if rdb else 'aof'}"
    (aofdir / name).write_bytes(base)
    (aofdir / "appendonly.aof.1.incr.aof").write_bytes(b"")
    m = AofManifest(AofInfo(name, 1, "b"), (), (AofInfo("appendonly.aof.1.incr.aof", 1, "i"),),
                    1, 1)
    (aofdir / "appendonly.aof.manifest").write_bytes(manifest_text(m))


def _check_aof(workdir: Path) -> None:
    r = subprocess.run(["redis-check-aof", str(workdir / "appendonlydir" /
                                               "appendonly.aof.manifest")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All AOF files and manifest are valid" in r.stdout, r.stdout


_small = st.sampled_from([b"a", b"b", b"1", b"-5", b"300", b"70000", b"5000000000", b"x" * 30,
                          b"abc" * 30, b"3.5", b""])


@st.composite
def _commands(draw: st.DrawFn) -> list[list[bytes]]:
    """Keys of every type and encoding in up to 3 databases, some with a TTL, maybe a
    function library."""
    out: list[list[bytes]] = []
    if draw(st.booleans()):
        out.append([b"FUNCTION", b"LOAD", LIB])
    for i in range(draw(st.integers(1, 10))):
        out.append([b"SELECT", b"%d" % draw(st.integers(0, 2))])
        k = b"k%d" % i
        kind = draw(st.sampled_from(["string", "list", "set", "hash", "zset", "stream"]))
        n = draw(st.sampled_from([1, 2, 5, 63, 64, 65, 130, 600]))
        v = draw(_small)
        if kind == "string":
            out.append([b"SET", k, v])
        elif kind == "list":
            out.append([b"RPUSH", k, *[v + b"%d" % j for j in range(n)]])
        elif kind == "set":
            ints = draw(st.booleans())
            out.append([b"SADD", k, *[(b"%d" % (j * 7 - 3)) if ints else (v + b"%d" % j)
                                      for j in range(n)]])
        elif kind == "hash":
            out.append([b"HSET", k, *_pairs(n, lambda j, v=v: (b"f%d" % j, v))])
        elif kind == "zset":
            out.append([b"ZADD", k, *_pairs(n, lambda j, v=v: (b"%r" % (j * 0.25 - 3),
                                                                v + b"%d" % j))])
        else:
            for j in range(1, min(n, 70) + 1):
                out.append([b"XADD", k, b"%d-1" % j, b"f", v])
            out.append([b"XGROUP", b"CREATE", k, b"g", b"0"])
            out.append([b"XCLAIM", k, b"g", b"c", b"0", b"1-1", b"TIME", b"1600000000000",
                        b"FORCE", b"JUSTID"])
        if draw(st.integers(0, 3)) == 0:
            out.append([b"PEXPIREAT", k, b"%d" % FUTURE])
    return out


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_commands(), st.booleans(), st.booleans())
def test_real_server_loads_our_base(tmp_path_factory: pytest.TempPathFactory,
                                    cmds: list[list[bytes]], rdb: bool, ts: bool) -> None:
    workdir = tmp_path_factory.mktemp("aofload")
    state = _spec(cmds, urandom=None, **{"aof-use-rdb-preamble": rdb,
                                         "aof-timestamp-enabled": ts})
    base = _ours(state, NOW)
    _write_dir(workdir, base, rdb)
    _check_aof(workdir)
    real = _Real(workdir)
    try:
        assert real.digest() == _spec_digest(state) == _spec_digest(_replayed(state, base))
        if any(c[:2] == [b"FUNCTION", b"LOAD"] for c in cmds):
            assert real.client.execute_command("FCALL", "f1", "0") == 1
    finally:
        real.stop()


@pytest.mark.parametrize("rdb", [False, True])
def test_real_server_loads_the_full_dataset(workdir: Path, rdb: bool) -> None:
    """Every type and encoding. Loaded from commands, the skiplist member scored -0 comes
    back scored 0 (its ZADD batch first lands in a listpack, which stores -0 as 0), so the
    digest is the one of the spec replaying the file, as 7.0.15 reloading its own rewrite
    gives; from the RDB preamble it is the original's."""
    state = _spec(DATASET, urandom=None, **{"aof-use-rdb-preamble": rdb})
    base = _ours(state, NOW)
    _write_dir(workdir, base, rdb)
    _check_aof(workdir)
    real = _Real(workdir)
    try:
        replayed = _replayed(state, base)
        assert real.digest() == _spec_digest(replayed)
        assert (_spec_digest(replayed) == _spec_digest(state)) is rdb
        c = redis.Redis(port=real.port, db=6)
        groups = c.execute_command("XINFO", "GROUPS", "x")
        c.close()
        named = [{(k.decode() if isinstance(k, bytes) else k): v for k, v in g.items()}
                 for g in groups]
        assert [(g["name"], g["pending"]) for g in named] == [(b"g0", 0), (b"g1", 3),
                                                               (b"g2", 0)]
        assert real.client.execute_command("FCALL", "f1", "0") == 1
    finally:
        real.stop()


@seeded
def test_dump_of_hashtable_values_is_the_real_bytes(workdir: Path) -> None:
    """With the real server's seed, DUMP of a hashtable set and hash (members in the dict's
    order, ``spec.rdb``) is byte-identical too."""
    cmds = [[b"SADD", b"s", *[b"m%d" % i for i in range(150)]], [b"SREM", b"s", b"m8"],
            [b"HSET", b"h", *_pairs(200, lambda i: (b"f%d" % i, b"v%d" % i))],
            [b"HSET", b"hv", b"a", b"1", b"long", b"v" * 100]]
    real = _Real(workdir, urandom=URANDOM)
    try:
        real.run(cmds)
        theirs = [real.client.dump(k) for k in (b"s", b"h", b"hv")]
    finally:
        real.stop()
    state, cid = S.client_connect(_spec(cmds), now_ms=NOW)
    for k, payload in zip((b"s", b"h", b"hv"), theirs, strict=True):
        _, frame = S.run_command(state, cid, [b"DUMP", k], now_ms=NOW)
        assert frame == b"$%d\r\n%s\r\n" % (len(payload), payload), k
