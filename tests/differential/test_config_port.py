"""CONFIG SET port against real Redis 7.0.15, outside the case harness (the two servers listen
on different ports, so a case cannot say the same thing to both): on a port nobody can listen
on, the error frame and the rollback of every parameter of that CONFIG SET must be the same
byte for byte; a port that is free moves both servers there."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ServerProcess, _redspec_argv, free_port, start_server
from tests.differential.harness import Target


@pytest.fixture
def private_redspec(server_workdir: Path) -> Iterator[ServerProcess]:
    """A redspec server for one test alone (the test moves its port)."""
    sp = start_server("redspec-port", _redspec_argv, server_workdir)
    yield sp
    sp.stop()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another socket listens on for the duration of the test."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    yield int(s.getsockname()[1])
    s.close()


def _frames(t: Target, busy: int) -> list[bytes]:
    out = []
    for argv in (["CONFIG", "SET", "port", busy, "maxmemory", "123"],
                 ["CONFIG", "SET", "maxmemory", "123", "port", busy],
                 ["CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "port", busy, "hz", "20"],
                 ["CONFIG", "GET", "maxmemory"], ["CONFIG", "GET", "maxmemory-policy"],
                 ["CONFIG", "GET", "hz"],
                 ["CONFIG", "SET", "port", t.port, "maxmemory", "0"],  # unchanged: no listen
                 ["CONFIG", "SET", "port", "65536"], ["CONFIG", "SET", "port", "x"]):
        out.append(t.setup_call(*argv))
    out.append(t.setup_call("CONFIG", "GET", "port").replace(str(t.port).encode(), b"<port>"))
    return out


def test_config_set_port_refused_like_redis(private_redis: ServerProcess,
                                            private_redspec: ServerProcess,
                                            taken_port: int) -> None:
    ref, sut = private_redis.target(), private_redspec.target()
    try:
        a, b = _frames(ref, taken_port), _frames(sut, taken_port)
    finally:
        ref.drop_setup()
        sut.drop_setup()
    assert a[0] == (b"-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to "
                    b"listen on this port. Check server logs.\r\n")
    assert b == a


def test_config_set_port_moves_like_redis(private_redis: ServerProcess,
                                          private_redspec: ServerProcess) -> None:
    for sp in (private_redis, private_redspec):
        t = sp.target()
        new = free_port()
        try:
            assert t.setup_call("CONFIG", "SET", "port", new) == b"+OK\r\n", sp.name
            assert t.setup_call("PING") == b"+PONG\r\n", sp.name  # the old connection stays
        finally:
            t.drop_setup()
        moved = Target(sp.name, "127.0.0.1", new)
        try:
            assert moved.setup_call("PING") == b"+PONG\r\n", sp.name
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", sp.port), timeout=2.0).close()
            # back, so that the fixture's stop() finds it where it started
            assert moved.setup_call("CONFIG", "SET", "port", sp.port) == b"+OK\r\n", sp.name
        finally:
            moved.drop_setup()
