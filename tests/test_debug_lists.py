"""DEBUG QUICKLIST-PACKED-THRESHOLD and the list node model it changes (DUMP bytes, DEBUG
OBJECT's ``ql_*`` fields, MEMORY USAGE), against a real Redis 7.0.15 started with
``enable-debug-command yes``: the same commands go to the real server and to the spec, and
the replies are compared byte for byte (DEBUG OBJECT without its address and LRU word)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redspec.spec import rdb
from redspec.spec import server as S
from redspec.spec.frames import parse_all
from redspec.spec.persist import save_state
from redspec.spec.resp import encode_request
from redspec.spec.types.list import ListValue
from tests.conftest import IN_CI, REDIS_VERSION, free_port, wait_listening

NOW = 1_700_000_000_000


class Real:
    """A real redis-server 7.0.15 with DEBUG enabled, spoken to over one raw connection."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        log = workdir / "redis.log"
        with open(log, "wb") as logf:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(workdir), "--enable-debug-command", "yes",
                 "--loglevel", "verbose"],
                stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.log = log
        wait_listening(self.port, self.proc, log, timeout=30.0)
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.buf = b""

    def __call__(self, *argv: bytes) -> bytes:
        self.sock.sendall(encode_request(list(argv)))
        while True:
            frames, _rest = parse_all(self.buf)
            if frames:
                end = len(self.buf) - len(_rest)
                frame, self.buf = self.buf[:end], self.buf[end:]
                return frame
            chunk = self.sock.recv(1 << 20)
            assert chunk, "connection closed"
            self.buf += chunk

    def stop(self) -> None:
        self.sock.close()
        self.proc.terminate()
        self.proc.wait(10)


class Spec:
    """The spec with DEBUG enabled, one client."""

    def __init__(self) -> None:
        self.state = S.new_server(NOW, **{"enable-debug-command": "yes"})
        self.state, self.cid = S.client_connect(self.state, NOW)

    def __call__(self, *argv: bytes) -> bytes:
        self.state, frame = S.run_command(self.state, self.cid, list(argv), NOW)
        return frame


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Real]:
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is required in CI")
        pytest.skip("redis-server is not installed")
    out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
    if f"v={REDIS_VERSION}" not in out:
        pytest.skip(f"redis-server is not {REDIS_VERSION}")
    r = Real(tmp_path_factory.mktemp("debug-lists"))
    yield r
    r.stop()


def _masked(frame: bytes) -> bytes:
    """DEBUG OBJECT without the parts that differ by design: the address and the LRU word."""
    frame = re.sub(rb"Value at:0x[0-9a-f]+", b"Value at:ADDR", frame)
    return re.sub(rb" lru:\d+ ", b" lru:LRU ", frame)


def _same(real: Real, spec: Spec, *argv: bytes) -> bytes:
    want, got = real(*argv), spec(*argv)
    assert _masked(got) == _masked(want), (argv[:3], want, got)
    return got


def _inspect(real: Real, spec: Spec, key: bytes) -> None:
    """Everything the node layout shows, compared."""
    for argv in ((b"DEBUG", b"OBJECT", key), (b"MEMORY", b"USAGE", key),
                 (b"MEMORY", b"USAGE", key, b"SAMPLES", b"0"),
                 (b"MEMORY", b"USAGE", key, b"SAMPLES", b"1"), (b"DUMP", key),
                 (b"LRANGE", key, b"0", b"-1")):
        _same(real, spec, *argv)


def test_packed_threshold_replies(real: Real) -> None:
    """The argument's parsing and limits (``memtoull``; 0 restores 1 GiB; at most 4 GiB less
    1 MiB) and the wrong-arity reply."""
    spec = Spec()
    for arg in (b"100", b"0", b"", b"1k", b"1kb", b"1m", b"1gb", b"010", b"1B", b"4293918720",
                b"4293918721", b"4294967295", b"5gb", b"-1", b" 1", b"0x10", b"1.5gb", b"abc"):
        _same(real, spec, b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", arg)
    _same(real, spec, b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD")
    _same(real, spec, b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"1", b"2")
    _same(real, spec, b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"0")
    assert spec.state.ql_packed_threshold == rdb.PACKED_THRESHOLD


def test_plain_nodes_after_a_lower_threshold(real: Real) -> None:
    """Threshold 100: elements of 100 bytes or more get plain nodes of their own, at either
    end; the next small element opens a new packed node. DUMP bytes, DEBUG OBJECT's fields and
    MEMORY USAGE (every SAMPLES) equal 7.0.15's after every push."""
    spec = Spec()
    _same(real, spec, b"FLUSHALL")
    _same(real, spec, b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"100")
    try:
        steps = [
            (b"RPUSH", b"l", b"a", b"b", b"c"),
            (b"RPUSH", b"l", b"x" * 141),
            (b"RPUSH", b"l", b"d", b"e"),
            (b"LPUSH", b"l", b"y" * 128),
            (b"LPUSH", b"l", b"f"),
            (b"RPUSH", b"l", b"z" * 99, b"z" * 100, b"z" * 101),
            (b"RPUSH", b"h", *[b"w" * (90 + 3 * i) for i in range(12)]),
            (b"LPUSH", b"p", *[b"v" * (95 + i) for i in range(10)]),
        ]
        for argv in steps:
            _same(real, spec, *argv)
            _inspect(real, spec, argv[1])
        # a lower fill: nodes of at most 3 elements between the plain ones
        _same(real, spec, b"CONFIG", b"SET", b"list-max-listpack-size", b"3")
        _same(real, spec, b"RPUSH", b"q", b"1", b"2", b"3", b"4", b"u" * 200, b"5", b"6")
        _inspect(real, spec, b"q")
        _same(real, spec, b"CONFIG", b"SET", b"list-max-listpack-size", b"-2")
        # back to the default: a new list of the same elements has no plain node
        _same(real, spec, b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"0")
        _same(real, spec, b"RPUSH", b"m", b"a", b"x" * 141, b"d")
        _inspect(real, spec, b"m")
    finally:
        real(b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"0")
        real(b"CONFIG", b"SET", b"list-max-listpack-size", b"-2")


def test_memory_usage_is_node_exact(real: Real) -> None:
    """MEMORY USAGE of lists from their nodes (robj + quicklist + sampled nodes, extrapolated)
    where the old element-sampling estimate was off (one node of 6 elements: 320, not 352)."""
    spec = Spec()
    _same(real, spec, b"FLUSHALL")
    _same(real, spec, b"RPUSH", b"l", b"a", b"b", b"c", b"x" * 141, b"d", b"e")
    _inspect(real, spec, b"l")
    _same(real, spec, b"RPUSH", b"big", *[b"e%d" % i for i in range(2500)])
    _inspect(real, spec, b"big")
    _same(real, spec, b"LPUSH", b"left", *[b"%d" % (i * 7919) for i in range(3000)])
    _inspect(real, spec, b"left")


def test_the_threshold_reaches_the_rdb_file() -> None:
    """The RDB writer (SAVE, BGSAVE, replication, the AOF preamble: ``spec.persist``) writes
    the nodes under the server's threshold: a plain container (1) for the large element."""
    state = S.new_server(NOW, **{"enable-debug-command": "yes"})
    state, cid = S.client_connect(state, NOW)
    for argv in ([b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"10"],
                 [b"RPUSH", b"l", b"a", b"x" * 20, b"b"]):
        state, _ = S.run_command(state, cid, argv, NOW)
    data = save_state(state, NOW)
    v: Any = ListValue.of([b"a", b"x" * 20, b"b"])
    assert [c for c, _ in rdb.list_nodes(v, -2, 10)] == [2, 1, 2]
    assert [c for c, _ in rdb.list_nodes(v, -2)] == [2]
    plain = rdb.save_object(v, -2, True, 10)
    assert plain != rdb.save_object(v, -2, True)
    assert plain[:1] + b"\x01l" + plain[1:] in data
    f = rdb.decode_file(data, rdb.Limits(), 16)
    assert f.dbs[0][1][0].value.to_list() == [b"a", b"x" * 20, b"b"]


# -- DEBUG LISTPACK and DEBUG QUICKLIST: replies and what is printed on stdout -------------

_LOG = re.compile(rb"^\d+:[CMSX] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] ")
_DUMPS: list[tuple[bytes, ...]] = [
    (b"RPUSH", b"l", b"a", b"b", b"12", b"-5", b"-300", b"70000", b"x" * 72, b"y" * 4100),
    (b"HSET", b"h", b"f", b"v", b"n", b"123456789012", b"big", b"w" * 50),
    (b"ZADD", b"z", b"1", b"m", b"2.5", b"n", b"-7", b"o"),
    (b"SET", b"s", b"x"), (b"SADD", b"st", b"1", b"2"),
    (b"DEBUG", b"LISTPACK", b"h"), (b"DEBUG", b"LISTPACK", b"z"), (b"DEBUG", b"LISTPACK", b"l"),
    (b"DEBUG", b"LISTPACK", b"s"), (b"DEBUG", b"LISTPACK", b"st"),
    (b"DEBUG", b"LISTPACK", b"nokey"), (b"DEBUG", b"LISTPACK"),
    (b"DEBUG", b"LISTPACK", b"h", b"extra"),
    (b"DEBUG", b"QUICKLIST", b"l"), (b"DEBUG", b"QUICKLIST", b"l", b"1"),
    (b"DEBUG", b"QUICKLIST", b"l", b"x"), (b"DEBUG", b"QUICKLIST", b"l", b"2"),
    (b"DEBUG", b"QUICKLIST", b"h"), (b"DEBUG", b"QUICKLIST", b"nokey", b"1"),
    (b"DEBUG", b"QUICKLIST", b"l", b"1", b"2"),
    (b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"100"),
    (b"RPUSH", b"p", b"a", b"u" * 150, b"b"), (b"DEBUG", b"QUICKLIST", b"p"),
    (b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"0"),
    # 7.0.15 has no STRINGMATCH-LEN (its fuzz test is STRINGMATCH-TEST): the same refusal
    (b"DEBUG", b"STRINGMATCH-LEN"), (b"DEBUG", b"stringmatch-len", b"x"),
]


def _dump_text(out: bytes) -> bytes:
    """What was printed on stdout, log lines left out, addresses masked, and the nodes'
    ``attempted_compress`` bit masked: ``quicklistCreateNode`` leaves it uninitialised, so
    7.0.15 prints whatever the allocator's memory held (0 or 1 from run to run)."""
    kept = b"".join(line for line in out.splitlines(keepends=True) if not _LOG.match(line))
    kept = re.sub(rb"attempted_compress: \d", b"attempted_compress: ?", kept)
    return re.sub(rb"addr: 0x[0-9a-f]+", b"addr: ADDR", kept)


def test_listpack_and_quicklist_dumps(tmp_path: Path) -> None:
    """The replies (status, ``no such key``, ``Not a listpack/quicklist encoded object.``,
    wrong arity), and the text printed on stdout — the listpacks entry by entry, the
    quicklist's header and nodes, with and without detail — equal 7.0.15's but for the
    addresses. (Redis's stdout is read after it exits: it is buffered.)"""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    r = Real(tmp_path)
    spec = Spec()
    try:
        for argv in _DUMPS:
            _same(r, spec, *argv)
        r.sock.sendall(encode_request([b"SHUTDOWN", b"NOSAVE"]))
    except (AssertionError, OSError):
        r.stop()
        raise
    r.proc.wait(30)
    real_out = _dump_text(r.log.read_bytes())
    from redspec.spec.aof import take_ops

    _st, ops = take_ops(spec.state)
    spec_out = _dump_text(b"".join(op[1] for op in ops if op[0] == "stdout"))
    if spec_out != real_out:  # show where
        i = next(i for i, (x, y) in enumerate(zip(spec_out, real_out, strict=False)) if x != y)
        raise AssertionError((real_out[i - 300:i + 100], spec_out[i - 300:i + 100]))
    assert spec_out.count(b"{end}") == 4  # two DEBUG LISTPACK, two detailed QUICKLIST
