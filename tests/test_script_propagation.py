"""Scripts propagate their effects, as a real 7.0.15 replica reads them (issue 14's check).

A raw replica (:mod:`tests.replstream`) attaches to a private Redis 7.0.15 with ``SYNC``; the
same commands then run on Redis and on a spec server, and for every case the commands Redis
fed its replica are compared, one by one, with what the spec propagated (``Effects.propagate``
written out by :func:`~tests.replstream.as_replica_stream`, the master's SELECT rule).

What is left out of the comparison, and why:

- nothing of the stream is dropped: the SELECTs Redis writes are compared with the SELECTs
  the rule derives from the spec's databases (so a command propagated with the wrong
  database shows as a SELECT too many or too few);
- the replication PING (``replicationCron``, every ``repl-ping-replica-period`` seconds) is
  not a propagated command: the period is set to an hour before attaching, so none is sent
  while the test runs (none is filtered: one would show up as a difference);
- active expiry: the spec server here runs no cron, so Redis's is turned off (``DEBUG
  SET-ACTIVE-EXPIRE 0``); a key that expires is deleted (and its DEL propagated) only when a
  command touches it, on both sides;
- absolute times: a relative expiry is propagated as an absolute ``PEXPIREAT``/``PXAT``
  computed from the master's clock, so for such a case the spec's clock (an input) is set to
  the time Redis used, read back from its stream (``clock``); the rest of the command must
  agree byte for byte.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from redspec.spec.server import client_input
from tests.conftest import IN_CI, ServerProcess, _redis_problem, start_server
from tests.differential.rawclient import encode_request
from tests.replstream import (
    Command,
    ReplicaStream,
    as_replica_stream,
    encode_command,
    master_repl_offset,
)
from tests.session import Session

Cmd = list[bytes]


def _a(*args: str | bytes) -> Cmd:
    return [x if isinstance(x, bytes) else x.encode() for x in args]


@dataclass
class Case:
    """A named list of commands one client sends; ``clock`` reads the unix ms Redis used from
    the stream Redis fed (for cases whose propagation carries an absolute time)."""

    name: str
    cmds: list[Cmd]
    want: list[Command] | None = None  # what the stream must hold (checked on both sides)
    clock: Callable[[list[Command]], int] | None = field(default=None, repr=False)
    #: milliseconds both clocks move on before the case (Redis's by sleeping)
    wait_ms: int = 0


def _pexpireat_base(ttl_ms: int) -> Callable[[list[Command]], int]:
    def clock(stream: list[Command]) -> int:
        at = [c for c in stream if c[0].upper() == b"PEXPIREAT"]
        return int(at[0][2]) - ttl_ms
    return clock


def _pxat_base(ttl_ms: int) -> Callable[[list[Command]], int]:
    def clock(stream: list[Command]) -> int:
        for c in stream:
            up = [x.upper() for x in c]
            if b"PXAT" in up:
                return int(c[up.index(b"PXAT") + 1]) - ttl_ms
        raise AssertionError(f"no PXAT in {stream}")
    return clock


def _eval(body: str, *keys_then_args: str, keys: int = 0) -> Cmd:
    return _a("EVAL", body, str(keys), *keys_then_args)


CASES = [
    Case("single write goes out bare",
         [_eval("redis.call('set', KEYS[1], ARGV[1])", "k", "v", keys=1)],
         [(b"set", b"k", b"v")]),
    Case("several writes in MULTI/EXEC, names in the script's case",
         [_eval("redis.call('set','a','1'); redis.call('INCR','a'); redis.call('sAdd','s','x')")],
         [(b"MULTI",), (b"set", b"a", b"1"), (b"INCR", b"a"), (b"sAdd", b"s", b"x"),
          (b"EXEC",)]),
    Case("read-only scripts propagate nothing",
         [_eval("return redis.call('get','a')"), _a("EVAL_RO", "return redis.call('get','a')", "0"),
          _eval("#!lua flags=no-writes\nreturn redis.call('exists','a')"),
          _eval("return redis.call('sadd','s','x')"), _eval("return redis.call('del','nokey')")],
         []),
    Case("SPOP becomes SREM, SPOP of a whole set DEL",
         [_a("SADD", "one", "m"), _eval("return redis.call('spop', KEYS[1])", "one", keys=1),
          _a("SADD", "two", "1", "2"), _eval("return redis.call('spop', 'two', 5)")],
         [(b"SADD", b"one", b"m"), (b"SREM", b"one", b"m"), (b"SADD", b"two", b"1", b"2"),
          (b"DEL", b"two")]),
    Case("SRANDMEMBER reads only",
         [_eval("return redis.call('srandmember','s', 3)")], []),
    Case("INCRBYFLOAT becomes SET KEEPTTL",
         [_eval("return redis.call('incrbyfloat','f','1.5')"),
          _eval("redis.call('incrbyfloat','f','2'); return redis.call('incrbyfloat','f','0.25')")],
         [(b"SET", b"f", b"1.5", b"KEEPTTL"), (b"MULTI",), (b"SET", b"f", b"3.5", b"KEEPTTL"),
          (b"SET", b"f", b"3.75", b"KEEPTTL"), (b"EXEC",)]),
    Case("EXPIRE becomes PEXPIREAT at the script's time",
         [_a("SET", "e", "1"), _eval("return redis.call('expire','e', 100)")],
         clock=_pexpireat_base(100_000)),
    Case("SET EX becomes SET PXAT",
         [_eval("return redis.call('set','x','1','EX','100')")], clock=_pxat_base(100_000)),
    Case("set_repl REPL_NONE suppresses",
         [_eval("redis.set_repl(redis.REPL_NONE); redis.call('set','n','1')")], []),
    Case("set_repl REPL_AOF: nothing for a replica (no AOF either)",
         [_eval("redis.set_repl(redis.REPL_AOF); redis.call('set','n','2')"),
          _eval("redis.set_repl(redis.REPL_AOF); redis.call('set','n','3'); "
                "redis.call('set','n','4')")],
         []),
    Case("set_repl REPL_REPLICA and REPL_ALL reach the replica",
         [_eval("redis.set_repl(redis.REPL_REPLICA); redis.call('set','n','5')"),
          _eval("redis.set_repl(redis.REPL_SLAVE); redis.call('set','n','6'); "
                "redis.set_repl(redis.REPL_ALL); redis.call('set','n','7')")],
         [(b"set", b"n", b"5"), (b"MULTI",), (b"set", b"n", b"6"), (b"set", b"n", b"7"),
          (b"EXEC",)]),
    Case("set_repl mixed: only the replicated writes, wrapped",
         [_eval("redis.call('set','m','1'); redis.set_repl(redis.REPL_AOF); "
                "redis.call('set','m','2'); redis.set_repl(redis.REPL_REPLICA); "
                "redis.call('set','m','3')"),
          _eval("redis.call('set','m','4'); redis.set_repl(redis.REPL_NONE); "
                "redis.call('set','m','5')")],
         [(b"MULTI",), (b"set", b"m", b"1"), (b"set", b"m", b"3"), (b"EXEC",),
          (b"set", b"m", b"4")]),
    Case("SCRIPT LOAD and SCRIPT FLUSH are not propagated, EVALSHA's writes are",
         [_a("SCRIPT", "LOAD", "return redis.call('incr', KEYS[1])"),
          _a("EVALSHA", hashlib.sha1(b"return redis.call('incr', KEYS[1])").hexdigest(), "1",
             "c"),
          _a("SCRIPT", "FLUSH")],
         [(b"incr", b"c")]),
    Case("SELECT inside a script selects on the stream",
         [_eval("redis.call('set','d0','1'); redis.call('select','1'); redis.call('set','d1','1')"),
          _eval("redis.call('select','1'); redis.call('set','d1','2')"),
          _eval("redis.call('set','d0','2')")],
         [(b"MULTI",), (b"set", b"d0", b"1"), (b"SELECT", b"1"), (b"set", b"d1", b"1"),
          (b"EXEC",), (b"set", b"d1", b"2"), (b"SELECT", b"0"), (b"set", b"d0", b"2")]),
    Case("EVAL inside MULTI/EXEC: one transaction",
         [_a("MULTI"), _eval("redis.call('set','t','1'); redis.call('incr','t')"),
          _a("SET", "u", "1"), _eval("return redis.call('get','t')"), _a("EXEC")],
         [(b"MULTI",), (b"set", b"t", b"1"), (b"incr", b"t"), (b"SET", b"u", b"1"),
          (b"EXEC",)]),
    Case("a key with 1 ms to live",
         [_a("SET", "gone", "1", "PX", "1")], clock=_pxat_base(1)),
    Case("a key expiring under a script: its DEL goes into the script's transaction",
         [_eval("redis.call('set','z','1'); return redis.call('get','gone')"),
          _eval("return redis.call('exists','gone')")],
         [(b"MULTI",), (b"set", b"z", b"1"), (b"DEL", b"gone"), (b"EXEC",)], wait_ms=50),
    Case("a script that fails after a write keeps the write",
         [_eval("redis.call('set','w','1'); redis.call('incr','s')"),
          _eval("redis.call('set','w','2'); error('boom')")],
         [(b"set", b"w", b"1"), (b"set", b"w", b"2")]),
]


class Conn:
    """A plain RESP2 client socket of the master: sends one command, reads its one reply."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def call(self, argv: Cmd) -> bytes:
        self.sock.sendall(encode_command(argv))
        while True:
            n = _frame_end(self.buf)
            if n is not None:
                frame, self.buf = self.buf[:n], self.buf[n:]
                return frame
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.buf += data


def _frame_end(buf: bytes, i: int = 0) -> int | None:
    """Where the RESP2 frame starting at ``i`` ends, or None if it is incomplete."""
    j = buf.find(b"\r\n", i)
    if j < 0:
        return None
    kind, head = buf[i:i + 1], buf[i + 1:j]
    if kind in b"+-:":
        return j + 2
    n = int(head)
    if kind == b"$":
        return j + 2 if n < 0 else (j + 4 + n if len(buf) >= j + 4 + n else None)
    k: int | None = j + 2
    for _ in range(max(n, 0)):
        assert k is not None
        k = _frame_end(buf, k)
        if k is None:
            return None
    return k


@pytest.fixture
def master(tmp_path: Path) -> Iterator[ServerProcess]:
    """A Redis 7.0.15 of this test alone, in a directory of its own (the SYNC writes an RDB
    there, which no other server may load), with DEBUG allowed."""
    problem = _redis_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (required in CI)", pytrace=False)
        pytest.skip(f"{problem}: the propagation comparison needs the real server")
    sp = start_server(
        "redis-master",
        lambda p: ["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--daemonize", "no", "--dir", str(tmp_path),
                   "--enable-debug-command", "yes"],
        tmp_path,
    )
    yield sp
    sp.stop()


@pytest.fixture
def replica(master: ServerProcess) -> Iterator[tuple[Conn, ReplicaStream]]:
    """A client of ``master`` and a raw replica attached to it. No PING will be fed while the
    test runs (``repl-ping-replica-period`` an hour), and no key expires but when a command
    touches it (``DEBUG SET-ACTIVE-EXPIRE 0``: the spec server here runs no cron either)."""
    conn = Conn(master.port)
    assert conn.call(_a("CONFIG", "SET", "repl-ping-replica-period", "3600")) == b"+OK\r\n"
    assert conn.call(_a("DEBUG", "SET-ACTIVE-EXPIRE", "0")) == b"+OK\r\n"
    stream = ReplicaStream("127.0.0.1", master.port).attach(conn.sock)
    yield conn, stream
    stream.close()
    conn.sock.close()


def test_propagation_matches_a_real_replica_stream(replica: tuple[Conn, ReplicaStream]) -> None:
    conn, stream = replica
    spec = Session()
    seldb = -1
    for case in CASES:
        if case.wait_ms:
            time.sleep(case.wait_ms / 1000)
            spec.now += case.wait_ms
        replies = [conn.call(argv) for argv in case.cmds]
        got = stream.until_offset(master_repl_offset(conn.sock))
        if case.clock is not None:
            spec.now = case.clock(got)
        frames, propagated = [], []
        for argv in case.cmds:
            spec.state, eff = client_input(spec.state, spec.cid, encode_request(argv), spec.now)
            frames.append(b"".join(d for c, d in eff.output if c == spec.cid))
            propagated.extend(eff.propagate)
        mine, seldb = as_replica_stream(propagated, seldb)
        assert mine == got, f"{case.name}: redspec {mine}, Redis {got}"
        assert frames == replies, f"{case.name}: replies differ"
        if case.want is not None:
            assert _without_first_select(got) == case.want, f"{case.name}: {got}"
        else:
            assert got, f"{case.name}: Redis propagated nothing"


def _without_first_select(stream: list[Command]) -> list[Command]:
    """The stream of a case without the SELECT 0 the very first command needs after the full
    resync (the cases' ``want`` are written as if the stream had selected db 0 already)."""
    if stream[:1] == [(b"SELECT", b"0")]:
        return stream[1:]
    return stream
