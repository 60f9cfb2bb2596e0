"""DEBUG HELP, POPULATE, ERROR, PROTOCOL, STRUCTSIZE, PAUSE-CRON and STRINGMATCH-TEST
(``spec/commands/debug.py``) against a real redis-server 7.0.15, byte for byte, in RESP2 and
RESP3; DEBUG POPULATE's dict expansion and rehash steps against a real server whose hash seed
is known; and, in the pure spec, what POPULATE does not do (propagate, move ``dirty``) and
what PAUSE-CRON stops.

Both servers are this module's own (``enable-debug-command yes``), on free loopback ports,
stopped by PID at the end.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redspec.spec import server as S
from redspec.spec.cron import server_cron
from tests.conftest import ServerProcess, debug_pair
from tests.test_aof_rewrite_interop import NOW, seeded
from tests.test_dict_order_interop import Pair, check_layout

Cmd = list[bytes]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServerProcess]]:
    yield from debug_pair(tmp_path_factory.mktemp("debug"), "DEBUG is compared with it")


def _frame(c: Cmd) -> bytes:
    return b"*%d\r\n" % len(c) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in c)


def exchange(port: int, cmds: list[Cmd]) -> bytes:
    """Send ``cmds`` pipelined on a fresh connection, then PING-less sync: a final ECHO
    whose reply marks the end of everything before it."""
    mark = b"--end-of-exchange--"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"".join(_frame(c) for c in [*cmds, [b"ECHO", mark]]))
        out = b""
        tail = b"$%d\r\n%s\r\n" % (len(mark), mark)
        while not out.endswith(tail):
            chunk = s.recv(65536)
            assert chunk, out
            out += chunk
    return out[:-len(tail)]


def _c(*args: str | bytes) -> Cmd:
    return [a if isinstance(a, bytes) else a.encode() for a in args]


PROTOCOL_TYPES = ("string integer double bignum null array set map attrib push verbatim "
                  "true false nope").split()

CASES: dict[str, list[Cmd]] = {
    "help": [_c("DEBUG", "HELP"), _c("DEBUG", "HELP", "x")],
    "populate": [_c("FLUSHALL"), _c("DEBUG", "POPULATE", "5"), _c("DBSIZE"), _c("GET", "key:4"),
                 _c("OBJECT", "ENCODING", "key:0"), _c("DEBUG", "POPULATE", "3", "p", "3"),
                 _c("GET", "p:0"), _c("DEBUG", "POPULATE", "3", "p", "12"), _c("GET", "p:1"),
                 _c("STRLEN", "p:2"), _c("DEBUG", "POPULATE", "2", "", "50"), _c("GET", ":1"),
                 _c("OBJECT", "ENCODING", ":1"), _c("DEBUG", "POPULATE", "2", "a\x00b"),
                 _c("EXISTS", "a:0", "a:1"), _c("DEBUG", "POPULATE", "1", "x" * 200),
                 _c("STRLEN", ("x" * 200 + ":0")[:127]), _c("DEBUG", "POPULATE", "0"),
                 _c("DBSIZE")],
    "populate errors": [_c("DEBUG", "POPULATE", "-1"), _c("DEBUG", "POPULATE", "x"),
                        _c("DEBUG", "POPULATE", "2", "a", "-3"),
                        _c("DEBUG", "POPULATE", "2", "a", "x"), _c("DEBUG", "POPULATE"),
                        _c("DEBUG", "POPULATE", "1", "2", "3", "4"), _c("DBSIZE")],
    "populate in multi": [_c("FLUSHALL"), _c("MULTI"), _c("DEBUG", "POPULATE", "2", "m"),
                          _c("DEBUG", "PROTOCOL", "array"), _c("EXEC"), _c("EXISTS", "m:0", "m:1")],
    "error": [_c("CONFIG", "RESETSTAT"), _c("DEBUG", "ERROR", "hello\nwor\rld"),
              _c("DEBUG", "ERROR", "ERR x y"), _c("DEBUG", "ERROR"), _c("INFO", "errorstats")],
    "structsize and pause-cron": [_c("DEBUG", "STRUCTSIZE"), _c("DEBUG", "STRUCTSIZE", "x"),
                                  _c("DEBUG", "PAUSE-CRON", "1"), _c("DEBUG", "PAUSE-CRON", "0"),
                                  _c("DEBUG", "PAUSE-CRON")],
    "protocol resp2": [_c("DEBUG", "PROTOCOL", t) for t in PROTOCOL_TYPES]
    + [_c("DEBUG", "PROTOCOL")],
    "protocol resp3": [_c("HELLO", "3"), *[_c("DEBUG", "PROTOCOL", t) for t in PROTOCOL_TYPES]],
    "stringmatch-test arity": [_c("DEBUG", "STRINGMATCH-TEST", "x")],
    "log": [_c("DEBUG", "LOG", "hello there"), _c("DEBUG", "LOG"), _c("DEBUG", "LOG", "a", "b")],
    "skip checksum validation": [
        _c("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"), _c("DEL", "kk"),
        _c("RESTORE", "kk", "0", b"\x00\x01a\x0a\x00" + bytes(8)), _c("GET", "kk"),
        _c("DEL", "kk"), _c("RESTORE", "kk", "0", b"\x00\x01a\x0b\x00" + bytes(8)),
        _c("RESTORE", "kk", "0", b"\x00\x01"),
        _c("RESTORE", "kk", "0", b"\x00\x05a\x0a\x00" + bytes(8)), _c("GET", "kk"),
        _c("DEL", "kk"), _c("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0"),
        _c("RESTORE", "kk", "0", b"\x00\x01a\x0a\x00" + bytes(8)),
        _c("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION"), _c("DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "x"),
        _c("RESTORE", "kk", "0", b"\x00\x01a\x0a\x00" + bytes(8))],
}


def _without_hello(reply: bytes, cmds: list[Cmd]) -> bytes:
    """HELLO's map carries the server's name, version and client id: cut it off."""
    if cmds[0][0] == b"HELLO":
        return reply[reply.index(b"$7\r\nmodules\r\n*0\r\n") + 17:]
    return reply


@pytest.mark.parametrize("name", list(CASES))
def test_debug_replies_equal_redis(name: str, servers: dict[str, ServerProcess]) -> None:
    cmds = CASES[name]
    theirs = _without_hello(exchange(servers["redis"].port, cmds), cmds)
    ours = _without_hello(exchange(servers["redspec"].port, cmds), cmds)
    assert ours == theirs


def test_stringmatch_test_reply(servers: dict[str, ServerProcess]) -> None:
    """Redis's fuzz run takes ~10 s; the reply is what matters (the spec runs its own)."""
    assert exchange(servers["redspec"].port, [_c("DEBUG", "STRINGMATCH-TEST")]) == \
        b"+Apparently Redis did not crash: test passed\r\n"


def test_unmodelled_subcommands_refuse_clearly(servers: dict[str, ServerProcess]) -> None:
    out = exchange(servers["redspec"].port, [_c("DEBUG", "SEGFAULT"), _c("DEBUG", "PING")])
    assert out == (b"-ERR DEBUG SEGFAULT is not implemented by redspec: redspec does not crash "
                   b"on purpose\r\n-ERR unknown subcommand or wrong number of arguments for "
                   b"'PING'. Try DEBUG HELP.\r\n")


# -- POPULATE's dict steps against a seeded real server --------------------------------------

@seeded
@pytest.mark.parametrize("plan", [
    [("populate", 100)],
    [("populate", 100), ("populate", 200)],  # the second expands to 256: rehashing
    [("set", 20), ("populate", 1000), ("set", 5)],
])
def test_populate_dict_layout(tmp_path: Path, plan: list[tuple[str, int]]) -> None:
    """``dictTryExpand`` for the count, then one ``dbAdd`` (and its rehash step) per new key,
    in key order: HTSTATS, KEYS order and the SCAN cursor sequence equal the real server's."""
    p = Pair(tmp_path)
    try:
        for i, (what, n) in enumerate(plan):
            if what == "populate":
                p.run([[b"DEBUG", b"POPULATE", b"%d" % n, b"p%d" % i]])
            else:
                p.run([[b"SET", b"s%d:%d" % (i, j), b"v"] for j in range(n)])
        check_layout(p)
    finally:
        p.stop()


# -- the pure spec -----------------------------------------------------------------------------

def _server() -> tuple[Any, int]:
    state = S.new_server(now_ms=NOW, **{"enable-debug-command": "yes"})
    return S.client_connect(state, now_ms=NOW)


def test_populate_is_not_propagated_and_not_dirty() -> None:
    """"These are not propagated to replicas": no command reaches replicas or the AOF and
    ``dirty`` (which the save points count) does not move; a SET does both."""
    state, cid = _server()
    dirty = state.dirty
    state, eff = S.client_input(state, cid, _frame(_c("DEBUG", "POPULATE", "3")), NOW)
    assert eff.propagate == ()
    assert state.dirty == dirty
    state, eff = S.client_input(state, cid, _frame(_c("SET", "a", "b")), NOW)
    assert eff.propagate and state.dirty == dirty + 1


def test_pause_cron_stops_server_cron() -> None:
    """With PAUSE-CRON 1 a serverCron tick does nothing (``cronloops`` stays, an expired key
    nobody reads stays); with 0 the next tick counts and the active cycle deletes it."""
    state, cid = _server()
    state, _ = S.run_command(state, cid, _c("SET", "k", "v", "PX", "10"), now_ms=NOW)
    state, _ = S.run_command(state, cid, _c("DEBUG", "PAUSE-CRON", "1"), now_ms=NOW)
    loops = state.cron.cronloops
    later = NOW + 1000
    paused, _ = server_cron(state, later)
    assert paused.cron.cronloops == loops
    assert paused.dbs[0].keys.get(b"k") is not None
    state, _ = S.run_command(paused, cid, _c("DEBUG", "PAUSE-CRON", "0"), now_ms=later)
    resumed, _ = server_cron(state, later + 100)
    assert resumed.cron.cronloops == loops + 1
    assert resumed.dbs[0].keys.get(b"k") is None


def test_debug_log_queues_the_line() -> None:
    """DEBUG LOG's line goes to the world with the file operations (``spec.aof.take_ops``),
    at warning level, the message cut at its first NUL as ``%s`` prints it."""
    from redspec.spec.aof import take_ops

    state, cid = _server()
    state, _ = S.run_command(state, cid, [b"DEBUG", b"LOG", b"hi\x00there"], now_ms=NOW)
    state, ops = take_ops(state)
    assert ("log", "warning", "DEBUG LOG: hi") in ops
