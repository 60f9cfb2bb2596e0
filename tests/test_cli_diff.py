"""Self-tests of ``redspec diff`` and ``redspec vectors`` against the real Redis 7.0.15.

- ``redspec diff`` against Redis reports zero divergences on the served groups;
- against a broken fixture (a proxy in front of Redis that alters the reply to GET of one key)
  it finds the divergence and shrinks it to the two steps that show it;
- vectors exported from the spec replay on Redis with zero failures.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from click.testing import CliRunner

from redspec.cli.main import main
from redspec.reference.diff import normalise
from redspec.reference.diff.report import cli_quote, redis_cli_script
from redspec.reference.diff.vectors import read_skiplist
from redspec.spec.frames import parse_all
from tests.conftest import ServerProcess


@pytest.fixture(scope="module")
def redis_addr(redis_server: ServerProcess) -> str:
    return f"127.0.0.1:{redis_server.port}"


def _flushall(addr: str) -> None:
    from redspec.reference.diff.replay import ServerTarget, parse_hostport

    t = ServerTarget(*parse_hostport(addr))
    t.reset()
    t.close()


def test_diff_against_redis_reports_nothing(redis_addr: str, tmp_path: Path) -> None:
    """Differential fuzzing in CI: budget 30 generated command sequences per group (16 groups,
    every data type and its encodings included), each replayed on Redis 7.0.15 and on the spec
    with raw frames compared; no divergence is allowed. (`redspec diff --examples N` runs
    bigger budgets; docs/peers.md and the mechanism pages quote runs of 200-1,700 per group.)"""
    _flushall(redis_addr)
    out = tmp_path / "a.json"
    r = CliRunner().invoke(main, ["diff", "--target", redis_addr, "--examples", "30",
                                  "--json", str(out), "--junit", str(tmp_path / "a.xml"),
                                  "--html", str(tmp_path / "a.html")])
    doc = json.loads(out.read_text())
    assert doc["total_divergences"] == 0, doc["divergences"]
    assert r.exit_code == 0, r.output
    assert set(doc["groups"]) == {"strings", "keyspace", "connection", "server", "lists",
                                  "hashes", "sets", "zsets", "expire", "hll", "bitmaps", "geo",
                                  "scripting", "streams", "acl", "admin"}
    assert all(g["examples"] == 30 for g in doc["groups"].values())
    assert "<testsuites" in (tmp_path / "a.xml").read_text()
    assert "0 divergence(s)" in (tmp_path / "a.html").read_text()


def test_diff_refuses_a_non_empty_target(redis_addr: str) -> None:
    from redspec.reference.diff.replay import ServerTarget, parse_hostport

    t = ServerTarget(*parse_hostport(redis_addr))
    t.reset()
    t.setup_call("SELECT", 5)
    t.setup_call("SET", "precious", "1")
    t.setup_call("SELECT", 0)
    try:
        r = CliRunner().invoke(main, ["diff", "--target", redis_addr, "--examples", "1"])
        assert r.exit_code != 0 and "holds 1 key" in r.output
    finally:
        t.reset()
        t.close()


class AlteringProxy:
    """A tiny asyncio proxy in front of a server that alters the reply to ``GET k1`` (a
    non-null bulk gets a ``!`` appended): a deliberately broken server."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()
        self.thread = threading.Thread(target=self._main, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(5)

    def _main(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.server = await asyncio.start_server(self._conn, "127.0.0.1", 0)
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    async def _conn(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        ur, uw = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        flags: list[bool] = []

        async def up() -> None:
            buf = b""
            while data := await cr.read(65536):
                buf += data
                reqs, buf = parse_all(buf)
                for q in reqs:
                    flags.append(q.lower() == b"*2\r\n$3\r\nget\r\n$2\r\nk1\r\n")
                uw.write(data)
            uw.close()

        async def down() -> None:
            buf = b""
            while data := await ur.read(65536):
                buf += data
                frames, buf = parse_all(buf)
                out = []
                for f in frames:
                    bad = flags.pop(0) if flags else False
                    if bad and f.startswith(b"$") and not f.startswith(b"$-1"):
                        body = f.split(b"\r\n", 1)[1][:-2] + b"!"
                        f = b"$%d\r\n%s\r\n" % (len(body), body)
                    out.append(f)
                cw.write(b"".join(out))
            cw.close()

        await asyncio.gather(up(), down(), return_exceptions=True)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def broken(redis_server: ServerProcess) -> Iterator[str]:
    p = AlteringProxy(redis_server.port)
    yield f"127.0.0.1:{p.port}"
    p.close()


def test_diff_finds_and_shrinks_a_planted_divergence(broken: str, tmp_path: Path) -> None:
    _flushall(broken)
    out = tmp_path / "b.json"
    r = CliRunner().invoke(main, ["diff", "--target", broken, "--groups", "strings",
                                  "--examples", "200", "--seed", "3", "--json", str(out),
                                  "--html", str(tmp_path / "b.html")])
    assert r.exit_code == 1, r.output
    doc = json.loads(out.read_text())
    assert doc["total_divergences"] == 1
    d = doc["divergences"][0]
    assert d["command"] == "get"
    # shrunk: a write of k1 and the GET that shows it, on one client
    assert len(d["steps"]) == 2, d["steps"]
    assert d["steps"][1]["argv"] == ["GET", "k1"]
    first = d["first_difference"]
    assert first["target"].endswith("!\r\n") and not first["reference"].endswith("!\r\n")
    assert "GET k1" in d["script"]
    assert "GET k1" in (tmp_path / "b.html").read_text()


def test_vectors_round_trip_on_redis(private_redis: Any, tmp_path: Path) -> None:
    redis_addr = f"127.0.0.1:{private_redis.port}"
    vec = tmp_path / "vectors"
    r = CliRunner().invoke(main, ["vectors", "export", str(vec)])
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in vec.glob("*.json"))
    assert "strings.json" in files and "protocol.json" in files
    doc = json.loads((vec / "strings.json").read_text())
    assert doc["format"] == "redspec-vectors" and doc["version"] == 1
    # commands only redspec has (``REDSPEC ...``) cannot pass on Redis: the skiplist says so
    skip = tmp_path / "skip.txt"
    ids = [f"server/{c['name']}" for c in json.loads((vec / "server.json").read_text())["cases"]
           if "redspec|" in c["name"] or "redspec " in c["name"]]
    skip.write_text("# redspec-only commands\n" + "".join(f"{i} => not a Redis command\n"
                                                         for i in ids))
    _flushall(redis_addr)
    res = tmp_path / "res.json"
    r = CliRunner().invoke(main, ["vectors", "run", "--target", redis_addr, str(vec),
                                  "--skip", str(skip), "--json", str(res)])
    out = json.loads(res.read_text())
    bad = [x for x in out["results"] if x["status"] in ("fail", "error")]
    if bad:  # what the server went through, for the next reader of a red run
        info = redis.Redis(port=private_redis.port).info("replication")
        log = private_redis.log.read_text(errors="replace")[-3000:]
        pytest.fail("\n".join(f"{x['id']} {x['status']}: {x.get('detail', '')}"
                              for x in bad[:5]) + f"\nINFO replication: {info}\nlog:\n{log}")
    assert r.exit_code == 0, r.output
    assert sum(g["pass"] for g in out["groups"].values()) > 500


def test_vectors_catch_a_wrong_expectation(redis_addr: str, tmp_path: Path) -> None:
    """A vector whose expected frame is wrong fails (the runner can fail)."""
    vec = tmp_path / "v"
    vec.mkdir()
    (vec / "x.json").write_text(json.dumps({
        "format": "redspec-vectors", "version": 1, "group": "x", "cases": [{
            "name": "get", "steps": [{"client": 1, "argv": ["SET", "k", "v"]},
                                     {"client": 1, "argv": ["GET", "k"]}],
            "expect": {"resp2": [
                {"client": 1, "step": 0, "frame": "+OK\r\n", "compare": "exact"},
                {"client": 1, "step": 1, "frame": "$1\r\nw\r\n", "compare": "exact"},
                {"client": 1, "step": 2, "frame": "+PONG\r\n", "compare": "exact"}]}}]}))
    _flushall(redis_addr)
    r = CliRunner().invoke(main, ["vectors", "run", "--target", redis_addr, str(vec)])
    assert r.exit_code == 1
    assert "x/get@resp2" in r.output and "GET k" in r.output


def test_skiplist_formats(tmp_path: Path) -> None:
    p = tmp_path / "s.txt"
    p.write_text("# comment\nstrings/set get basic => flaky\nkeys/x@resp3 =>\n")
    assert read_skiplist(p) == {"strings/set get basic": "flaky", "keys/x@resp3": "skipped"}
    p.write_text('{"a/b": "why"}')
    assert read_skiplist(p) == {"a/b": "why"}


def test_tip_comparators_and_cli_script() -> None:
    assert normalise.comparator_names([b"KEYS", b"*"]) == ["sort"]
    assert normalise.comparator_names([b"RANDOMKEY"]) == ["shape"]
    assert normalise.comparator_names([b"GET", b"k"], "class") == ["error-class"]
    shape = normalise.NORMALISERS["shape"]
    assert shape(b"$2\r\nk1\r\n") == shape(b"$3\r\n{k}\r\n") != shape(b"$-1\r\n")
    ec = normalise.NORMALISERS["error-class"]
    assert ec(b"-ERR value is not an integer\r\n") == ec(b"-ERR syntax error\r\n")
    assert ec(b"-ERR x\r\n") != ec(b"-WRONGTYPE x\r\n")
    assert cli_quote(b"k1") == "k1" and cli_quote(b"") == '""'
    assert cli_quote(b'a "b"\x00\r\n') == '"a \\"b\\"\\x00\\r\\n"'
    script = redis_cli_script([(1, [b"SET", b"k", b"a b"]), (2, [b"GET", b"k"])], 3)
    assert script.splitlines()[2:] == ["# client 1", "HELLO 3", 'SET k "a b"', "# client 2",
                                       "HELLO 3", "GET k"]


def test_two_runs_in_a_row_need_no_force(redis_addr: str) -> None:
    """redspec diff leaves the target as it found it (flushed at the end), so a second run
    right after the first does not stop at "holds N key(s)"."""
    _flushall(redis_addr)
    for _ in range(2):
        r = CliRunner().invoke(main, ["diff", "--target", redis_addr, "--groups", "strings",
                                      "--examples", "5"])
        assert r.exit_code == 0, r.output
        assert "flushed (FLUSHALL) after the run" in r.output


#: The HELLO 3 handshakes of Valkey 9.1.2 (which lists its Lua engine as a module) and of
#: Redis 7.0.15, as each sent them.
_VALKEY_HELLO = (b"%7\r\n$6\r\nserver\r\n$6\r\nvalkey\r\n$7\r\nversion\r\n$5\r\n9.1.2\r\n"
                 b"$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
                 b"$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*1\r\n%4\r\n$4\r\nname\r\n"
                 b"$3\r\nlua\r\n$3\r\nver\r\n:1\r\n$4\r\npath\r\n$3\r\nlua\r\n$4\r\nargs\r\n*0\r\n")
_REDIS_HELLO = (b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
                b"$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:7\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
                b"$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")


def test_identity_is_not_behaviour() -> None:
    """The handshake compares by shape of identity (server, version, modules masked) unless
    --strict-identity; a difference in behaviour (the role) still shows."""
    loose = normalise.NORMALISERS["hello-handshake"]
    strict = normalise.NORMALISERS["hello-handshake-strict"]
    assert loose(_VALKEY_HELLO) == loose(_REDIS_HELLO)
    assert strict(_VALKEY_HELLO) != strict(_REDIS_HELLO)
    assert strict(_REDIS_HELLO) == strict(_REDIS_HELLO.replace(b":7\r\n", b":9\r\n"))
    replica = _REDIS_HELLO.replace(b"$6\r\nmaster", b"$5\r\nslave")
    assert loose(replica) != loose(_REDIS_HELLO)
