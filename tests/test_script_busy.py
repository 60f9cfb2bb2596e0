"""A script past ``busy-reply-threshold`` (issue 14, "Atomicity, time and BUSY"): BUSY for
other clients, the allow-busy commands they may still run, SCRIPT KILL / FUNCTION KILL /
FUNCTION STATS, UNKILLABLE once the script wrote, and the kill error the script's caller gets.

The pure tests drive the spec through a :class:`~redspec.spec.scripting.ModelPort` (scripted
events, the model's clock: 100 000 Lua instructions per ms); the live tests run the same
story against a real Redis 7.0.15 and the reference server, which really serves the second
connection while the first one's script runs, and compare the bytes.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from redspec.spec import server as S
from redspec.spec.scripting import BUSY_EVAL, BUSY_FUNCTION, UNKILLABLE, ModelPort, sha1hex
from redspec.spec.state import ServerState
from tests.conftest import _redspec_argv, start_server

SPIN = b"local i = 0\nwhile true do i = i + 1 end"
LIB = (b"#!lua name=lib\n"
       b"redis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)\n"
       b"redis.register_function('wspin', function(k)\n"
       b"  redis.call('set', k[1], 'v') local i = 0 while i < 3000000 do i = i + 1 end\n"
       b"  return i end)\n")


def req(*args: bytes) -> bytes:
    """One request in RESP (a multibulk)."""
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def _enc(e: str) -> bytes:
    return b"-" + e.encode() + b"\r\n"


def _two(threshold: int = 10) -> tuple[ServerState, int, int]:
    st = S.new_server(0, **{"busy-reply-threshold": threshold})
    st, a = S.client_connect(st, 0)
    st, b = S.client_connect(st, 0)
    return st, a, b


def _run(st: ServerState, cid: int, data: bytes, port: Any = None) -> tuple[ServerState, bytes]:
    st, eff = S.client_input(st, cid, data, 0, busy_port=port)
    return st, S.output_for(eff, cid)


def test_busy_eval_then_script_kill() -> None:
    st, a, b = _two()
    port = ModelPort([[(b, req(b"GET", b"x") + req(b"PING") + req(b"FUNCTION", b"KILL")
                        + req(b"FUNCTION", b"STATS"))], [], [(b, req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"EVAL", SPIN, b"0"), port)
    assert out == (b"-ERR Script killed by user with SCRIPT KILL... script: "
                   + sha1hex(SPIN).encode() + b", on @user_script:2.\r\n")
    assert port.replies == [(b, _enc(BUSY_EVAL) * 4), (b, b"+OK\r\n")]
    # the script is over: the others are served normally again, and nothing runs
    st, out = _run(st, b, req(b"SCRIPT", b"KILL") + req(b"PING"))
    assert out == b"-NOTBUSY No scripts in execution right now.\r\n+PONG\r\n"


def test_allow_busy_commands_are_served() -> None:
    st, a, b = _two()
    st, c = S.client_connect(st, 0)
    port = ModelPort([[(b, req(b"HELLO", b"3") + req(b"MULTI") + req(b"GET", b"x")
                        + req(b"CLIENT", b"ID"))], [(c, req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"EVAL", SPIN, b"0"), port)
    got = port.replies[0][1]
    assert got.startswith(b"%7\r\n")  # HELLO 3 ran
    assert got.endswith(b"+OK\r\n" + _enc(BUSY_EVAL) * 2)  # MULTI ran, the others did not
    assert port.replies[1] == (c, b"+OK\r\n")
    # the GET refused inside MULTI flagged the transaction (rejectCommand)
    st, out = _run(st, b, req(b"EXEC"))
    assert out == b"-EXECABORT Transaction discarded because of previous errors.\r\n"


def test_reply_off_client_hears_nothing_while_busy() -> None:
    """``prepareClientToWrite``: a client with CLIENT REPLY OFF gets no BUSY error either."""
    st, a, b = _two()
    st, out = _run(st, b, req(b"CLIENT", b"REPLY", b"OFF"))
    assert out == b""
    port = ModelPort([[(b, req(b"GET", b"x") + req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"EVAL", SPIN, b"0"), port)
    assert out.startswith(b"-ERR Script killed")
    assert port.replies == []


def test_short_script_never_polls_and_zero_threshold_never_hooks() -> None:
    st, a, _ = _two()
    port = ModelPort()
    st, out = _run(st, a, req(b"EVAL", b"local i = 0 while i < 1000 do i = i + 1 end return i",
                               b"0"), port)
    assert out == b":1000\r\n" and port.calls == 0
    st, a, _ = _two(threshold=0)
    port = ModelPort()
    st, out = _run(st, a, req(b"EVAL", b"local i = 0 while i < 3000000 do i = i + 1 end "
                               b"return i", b"0"), port)
    assert out == b":3000000\r\n" and port.calls == 0


def test_script_that_wrote_is_unkillable_and_finishes() -> None:
    st, a, b = _two()
    body = b"redis.call('set', 'k', 'v') local i = 0 while i < 3000000 do i = i + 1 end return i"
    port = ModelPort([[(b, req(b"SCRIPT", b"KILL") + req(b"GET", b"k"))]])
    st, out = _run(st, a, req(b"EVAL", body, b"0"), port)
    assert out == b":3000000\r\n"
    assert port.replies == [(b, _enc(UNKILLABLE) + _enc(BUSY_EVAL))]
    st, out = _run(st, b, req(b"GET", b"k"))
    assert out == b"$1\r\nv\r\n"


def test_pcall_cannot_swallow_the_kill() -> None:
    st, a, b = _two()
    body = (b"local ok, e = pcall(function() while true do end end) "
            b"return {tostring(ok), tostring(e)}")
    port = ModelPort([[(b, req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"EVAL", body, b"0"), port)
    assert out == b"*2\r\n$5\r\nfalse\r\n$45\r\nERR Script killed by user with SCRIPT KILL...\r\n"
    body = (b"local ok, e = pcall(function() while true do end end)\n"
            b"local j = 0\nreturn j")
    port = ModelPort([[(b, req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"EVAL", body, b"0"), port)
    assert out.startswith(b"-ERR Script killed by user with SCRIPT KILL... script: ")
    assert out.endswith(b"on @user_script:2.\r\n")


def test_busy_function_kill_and_stats() -> None:
    st, a, b = _two()
    st, out = _run(st, a, req(b"FUNCTION", b"LOAD", LIB))
    assert out == b"$3\r\nlib\r\n"
    port = ModelPort([[(b, req(b"GET", b"x") + req(b"SCRIPT", b"KILL"))],
                      [(b, req(b"FUNCTION", b"STATS"))], [(b, req(b"FUNCTION", b"KILL"))]])
    st, out = _run(st, a, req(b"FCALL", b"spin", b"0"), port)
    assert out == b"-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n"
    assert port.replies[0] == (b, _enc(BUSY_FUNCTION) * 2)
    stats = port.replies[1][1]
    assert stats.startswith(b"*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n"
                            b"$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n"
                            b"$11\r\nduration_ms\r\n:")
    assert stats.endswith(b"$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count"
                          b"\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n")
    assert port.replies[2] == (b, b"+OK\r\n")
    port = ModelPort([[(b, req(b"FUNCTION", b"KILL") + req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"FCALL", b"wspin", b"1", b"k"), port)
    assert out == b":3000000\r\n"
    assert port.replies == [(b, _enc(UNKILLABLE) * 2)]


def test_caller_events_are_never_processed() -> None:
    """``protectClient``: the caller's own input is not read while its script runs."""
    st, a, b = _two()
    port = ModelPort([[(a, req(b"PING")), (b, req(b"SCRIPT", b"KILL"))]])
    st, out = _run(st, a, req(b"EVAL", SPIN, b"0"), port)
    assert out.startswith(b"-ERR Script killed")
    assert port.replies == [(b, b"+OK\r\n")]


# -- live: a real Redis 7.0.15 and the reference server ----------------------------------------


class Conn:
    """A raw RESP connection reading whole frames (simple: the replies here are small)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, *args: bytes) -> None:
        self.sock.sendall(req(*args))

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            d = self.sock.recv(65536)
            if not d:
                raise ConnectionError("closed")
            self.buf += d
        head, self.buf = self.buf.split(b"\r\n", 1)
        return head + b"\r\n"

    def cmd(self, *args: bytes) -> bytes:
        self.send(*args)
        return self.line()

    def close(self) -> None:
        self.sock.close()


def _restore_threshold(port: int) -> None:
    """The default threshold back (the reference server is shared by the session), once the
    script is over (a failed test may leave it running: SCRIPT KILL first)."""
    c = Conn(port)
    try:
        for _ in range(50):
            if c.cmd(b"SCRIPT", b"KILL").startswith(b"-NOTBUSY") or \
                    c.cmd(b"FUNCTION", b"KILL").startswith(b"-NOTBUSY"):
                break
            time.sleep(0.1)
        assert c.cmd(b"CONFIG", b"SET", b"busy-reply-threshold", b"5000") == b"+OK\r\n"
    finally:
        c.close()


def _wait_busy(b: Conn) -> bytes:
    """B's GET until it gets BUSY (the script is past the threshold), at most 15 s."""
    deadline = time.monotonic() + 15
    first = b.cmd(b"GET", b"busy:x")
    while not first.startswith(b"-BUSY"):
        assert time.monotonic() < deadline, "the script never became busy"
        time.sleep(0.02)
        first = b.cmd(b"GET", b"busy:x")
    return first


def _busy_story(port: int) -> list[bytes]:
    """A runs a spinning EVAL; B waits until it gets BUSY (bounded), then PING, FUNCTION
    STATS (BUSY for an EVAL), SCRIPT KILL; A's reply; then B is served normally."""
    ctl = Conn(port)
    assert ctl.cmd(b"CONFIG", b"SET", b"busy-reply-threshold", b"100") == b"+OK\r\n"
    ctl.close()
    a, b = Conn(port), Conn(port)
    try:
        a.send(b"EVAL", SPIN, b"0")
        first = _wait_busy(b)
        out = [first, b.cmd(b"PING"), b.cmd(b"FUNCTION", b"KILL"), b.cmd(b"SCRIPT", b"KILL"),
               a.line(), b.cmd(b"PING"), b.cmd(b"SCRIPT", b"KILL")]
        return out
    finally:
        a.close()
        b.close()
        _restore_threshold(port)


@pytest.mark.parametrize("target", ["redis", "redspec"])
def test_live_busy_and_script_kill(target: str, request: pytest.FixtureRequest) -> None:
    sp = request.getfixturevalue("private_redis" if target == "redis" else "redspec_server")
    got = _busy_story(sp.port)
    assert got == [
        _enc(BUSY_EVAL), _enc(BUSY_EVAL), _enc(BUSY_EVAL), b"+OK\r\n",
        b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1hex(SPIN).encode()
        + b", on @user_script:2.\r\n",
        b"+PONG\r\n", b"-NOTBUSY No scripts in execution right now.\r\n",
    ]


def _busy_function_story(port: int) -> list[bytes]:
    """A runs a spinning function; B waits until it gets BUSY, then SCRIPT KILL (BUSY: a
    function), FUNCTION STATS (running_script: the function, shape only: its duration),
    FUNCTION KILL; A's reply."""
    ctl = Conn(port)
    assert ctl.cmd(b"CONFIG", b"SET", b"busy-reply-threshold", b"100") == b"+OK\r\n"
    assert ctl.cmd(b"FUNCTION", b"LOAD", b"REPLACE", LIB) == b"$3\r\n"
    assert ctl.line() == b"lib\r\n"
    ctl.close()
    a, b = Conn(port), Conn(port)
    try:
        a.send(b"FCALL", b"spin", b"0")
        first = _wait_busy(b)
        out = [first, b.cmd(b"SCRIPT", b"KILL")]
        b.send(b"FUNCTION", b"STATS")
        stats = [b.line() for _ in range(20)]  # running_script, up to duration_ms's value
        out.append(b"".join(stats[:-1]))
        out.append(stats[-1][:1])  # ':' and a number of ms
        out.append(b"".join(b.line() for _ in range(12)))  # the engines part
        out += [b.cmd(b"FUNCTION", b"KILL"), a.line(), b.cmd(b"FUNCTION", b"DELETE", b"lib")]
        return out
    finally:
        a.close()
        b.close()
        _restore_threshold(port)


@pytest.mark.parametrize("target", ["redis", "redspec"])
def test_live_busy_function_kill(target: str, request: pytest.FixtureRequest) -> None:
    sp = request.getfixturevalue("private_redis" if target == "redis" else "redspec_server")
    got = _busy_function_story(sp.port)
    assert got == [
        _enc(BUSY_FUNCTION), _enc(BUSY_FUNCTION),
        b"*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n"
        b"*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n", b":",
        b"$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n"
        b"$15\r\nfunctions_count\r\n:2\r\n",
        b"+OK\r\n",
        b"-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n",
        b"+OK\r\n",
    ]


def _shutdown_story(port: int) -> list[bytes]:
    """A spins; B waits for BUSY, then SHUTDOWN (refused: only NOSAVE goes on while a
    script is busy) and SHUTDOWN NOSAVE: both connections close, nobody gets a reply."""
    ctl = Conn(port)
    assert ctl.cmd(b"CONFIG", b"SET", b"busy-reply-threshold", b"100") == b"+OK\r\n"
    ctl.close()
    a, b = Conn(port), Conn(port)
    try:
        a.send(b"EVAL", SPIN, b"0")
        first = _wait_busy(b)
        out = [first, b.cmd(b"SHUTDOWN")]
        b.send(b"SHUTDOWN", b"NOSAVE")
        for c in (b, a):
            c.sock.settimeout(10)
            out.append(c.sock.recv(100))  # b"": closed by the exiting server
        return out
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("target", ["redis", "redspec"])
def test_live_shutdown_nosave_during_busy_script(target: str, server_workdir: Any) -> None:
    """SHUTDOWN NOSAVE is served while a script is busy and ends the process (status 0);
    SHUTDOWN without NOSAVE gets the BUSY error (``shutdownCommand``)."""
    def argv(p: int) -> list[str]:
        if target == "redis":
            return ["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
                    "--dir", str(server_workdir)]
        return _redspec_argv(p)

    sp = start_server(f"{target}-shutdown", argv, server_workdir)
    try:
        got = _shutdown_story(sp.port)
        assert got == [_enc(BUSY_EVAL), _enc(BUSY_EVAL), b"", b""]
        assert sp.proc is not None and sp.proc.wait(timeout=10) == 0
    finally:
        if sp.proc is not None and sp.proc.poll() is None:
            sp.proc.kill()


def _new_connection_story(port: int) -> list[bytes]:
    """A spins; a connection opened *after* the script became busy is accepted and served
    from the script's hook (Redis accepts inside ``processEventsWhileBlocked``): BUSY, then
    SCRIPT KILL, A's kill error, and B served normally."""
    ctl = Conn(port)
    assert ctl.cmd(b"CONFIG", b"SET", b"busy-reply-threshold", b"100") == b"+OK\r\n"
    ctl.close()
    a = Conn(port)
    try:
        a.send(b"EVAL", SPIN, b"0")
        time.sleep(0.3)  # past the threshold (the new connection polls for BUSY below)
        b = Conn(port)
        try:
            first = _wait_busy(b)
            return [first, b.cmd(b"SCRIPT", b"KILL"), a.line(), b.cmd(b"PING")]
        finally:
            b.close()
    finally:
        a.close()
        _restore_threshold(port)


@pytest.mark.parametrize("target", ["redis", "redspec"])
def test_live_new_connection_kills_busy_script(target: str,
                                               request: pytest.FixtureRequest) -> None:
    sp = request.getfixturevalue("private_redis" if target == "redis" else "redspec_server")
    assert _new_connection_story(sp.port) == [
        _enc(BUSY_EVAL), b"+OK\r\n",
        b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1hex(SPIN).encode()
        + b", on @user_script:2.\r\n", b"+PONG\r\n"]
