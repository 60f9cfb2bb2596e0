"""End to end: real clients (redis-py in RESP2 and RESP3, redis-cli, redis-cli --pipe,
redis-benchmark) work against the redspec reference server."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import redis

from tests.conftest import IN_CI, ServerProcess


def tool(name: str) -> str:
    """Path of a Redis command line tool; skip (or, in CI, fail) when it is missing."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed (required in CI)", pytrace=False)
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture
def port(redspec_server: ServerProcess) -> int:
    redspec_server.target().ensure()
    return redspec_server.port


@pytest.fixture
def clean(port: int) -> int:
    """The redspec port, with an empty keyspace."""
    r = redis.Redis(host="127.0.0.1", port=port, protocol=2)
    try:
        r.flushall()
    finally:
        r.close()
    return port


@pytest.mark.parametrize("protocol", [2, 3])
def test_redis_py(clean: int, protocol: int) -> None:
    r = redis.Redis(host="127.0.0.1", port=clean, protocol=protocol)
    try:
        assert r.ping() is True
        assert r.set("greeting", "hello") is True
        assert r.get("greeting") == b"hello"
        assert r.set("greeting", "again", nx=True) is None
        assert r.get("missing") is None
        assert r.delete("greeting", "missing") == 1
        assert r.exists("greeting") == 0
        pipe = r.pipeline(transaction=False)
        for i in range(200):
            pipe.set(f"k{i}", i)
        for i in range(200):
            pipe.get(f"k{i}")
        out = pipe.execute()
        assert out[:200] == [True] * 200
        assert out[200:] == [str(i).encode() for i in range(200)]
        with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
            r.execute_command("GET")  # type: ignore[no-untyped-call]
    finally:
        r.close()


def test_redis_py_decoded_binary_safe(clean: int) -> None:
    r = redis.Redis(host="127.0.0.1", port=clean, protocol=3)
    try:
        blob = bytes(range(256)) * 40
        assert r.set(b"\x00bin\r\n", blob) is True
        assert r.get(b"\x00bin\r\n") == blob
    finally:
        r.close()


def test_redis_cli(clean: int) -> None:
    cli = tool("redis-cli")

    def run(*args: str) -> str:
        p = subprocess.run(
            [cli, "-h", "127.0.0.1", "-p", str(clean), *args],
            capture_output=True, text=True, timeout=60,
        )
        assert p.returncode == 0, p.stderr
        return p.stdout

    assert run("PING") == "PONG\n"
    assert run("SET", "name", "redspec") == "OK\n"
    assert run("GET", "name") == "redspec\n"
    assert run("GET", "nothing") == "\n"
    assert run("--no-raw", "GET", "nothing") == "(nil)\n"
    assert "wrong number of arguments" in run("GET")


def test_redis_cli_pipe(clean: int) -> None:
    """Mass insertion: redis-cli --pipe writes everything, then waits for its ECHO marker."""
    cli = tool("redis-cli")
    n = 5000
    data = b"".join(
        b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
        % (len(k), k, len(v), v)
        for k, v in ((b"key:%d" % i, b"value:%d" % i) for i in range(n))
    )
    p = subprocess.run(
        [cli, "-h", "127.0.0.1", "-p", str(clean), "--pipe"],
        input=data, capture_output=True, timeout=120,
    )
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, out + p.stderr.decode(errors="replace")
    assert f"errors: 0, replies: {n}" in out, out
    r = redis.Redis(host="127.0.0.1", port=clean)
    try:
        assert r.get("key:0") == b"value:0"
        assert r.get(f"key:{n - 1}") == f"value:{n - 1}".encode()
    finally:
        r.close()


def test_redis_benchmark(clean: int) -> None:
    bench = tool("redis-benchmark")
    p = subprocess.run(
        [bench, "-h", "127.0.0.1", "-p", str(clean), "-n", "2000", "-t", "set,get", "-q"],
        capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    # -q prints one "NAME: N requests per second" line per test (after \r progress lines).
    lines = p.stdout.replace("\r", "\n")
    assert "SET: " in lines and "GET: " in lines, p.stdout
    assert lines.count("requests per second") >= 2, p.stdout


def _refused(port: int) -> bool:
    """Nobody listens on ``port`` (a connection attempt is refused)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2.0):
            return False
    except ConnectionRefusedError:
        return True


def test_config_set_port_moves_the_listener(server_workdir: Path) -> None:
    """CONFIG SET port (``updatePort`` → ``changeListenPort``): the server listens on the new
    port and closes the old listener, connections already open stay; a port it cannot listen
    on gives Redis's error and every parameter of that CONFIG SET keeps its value."""
    from tests.conftest import _redspec_argv, free_port, start_server

    sp = start_server("redspec-port", _redspec_argv, server_workdir)
    busy = socket.socket()
    r = redis.Redis(host="127.0.0.1", port=sp.port, protocol=2)
    try:
        old, new = sp.port, free_port()
        assert r.execute_command("CONFIG", "SET", "port", str(new)) == b"OK"  # type: ignore[no-untyped-call]
        moved = redis.Redis(host="127.0.0.1", port=new, protocol=2)
        try:
            assert moved.ping() is True
            assert moved.config_get("port") == {"port": str(new)}
            assert r.ping() is True  # the connection made on the old port stays
            assert _refused(old)
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            taken = busy.getsockname()[1]
            for argv in (["port", str(taken), "maxmemory", "123"],
                         ["maxmemory", "123", "port", str(taken)]):
                with pytest.raises(redis.ResponseError) as e:
                    moved.execute_command("CONFIG", "SET", *argv)  # type: ignore[no-untyped-call]
                assert str(e.value) == (
                    "CONFIG SET failed (possibly related to argument 'port') - Unable to listen "
                    "on this port. Check server logs.")
                assert moved.config_get("maxmemory") == {"maxmemory": "0"}
                assert moved.config_get("port") == {"port": str(new)}
            assert moved.ping() is True  # still listening on the new port
        finally:
            moved.close()
    finally:
        r.close()
        busy.close()
        sp.stop()
