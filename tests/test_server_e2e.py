"""End to end: real clients (redis-py in RESP2 and RESP3, redis-cli, redis-cli --pipe,
redis-benchmark) work against the redspec reference server."""

from __future__ import annotations

import shutil
import subprocess

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
