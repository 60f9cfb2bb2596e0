"""MIGRATE between real Redis 7.0.15 and ``redspec serve``: redspec to Redis, Redis to
redspec, redspec to redspec.

Each pair moves keys of every type with TTLs (KEYS, COPY, REPLACE, another database) and
the target's DUMP / DEBUG DIGEST must equal the source's before; a target that already has
a key answers BUSYKEY and the source keeps exactly that key; AUTH / AUTH2 reach a target
with ``requirepass`` and an ACL user. The replies that do not depend on the target
(+NOKEY, a dead port, a name that does not resolve, the parsing errors) and the commands
the target receives (SELECT only when the cached connection's database changes, one retry
after the target hung up) are compared between a Redis and a redspec source side by side,
as are the replication stream and the AOF the source writes (``DEL`` of the moved keys
only). The 10 s idle close of the cached connections (INFO ``migrate_cached_sockets``) is
checked on a redspec with a virtual clock, which REDSPEC CLOCK moves past it without
sleeping. A target that never answers times out the same way on both sources, and the
source serves nobody meanwhile. A transition the reference server runs again (to answer
CONFIG SET port) must not send the RESTOREs twice.

Every server is started on a free loopback port in its own directory and killed by its PID
at the end; nothing sleeps to synchronise (``wait_until`` polls with a deadline).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from redspec.reference.server import Reference
from redspec.spec import server as S
from tests.conftest import free_port
from tests.replharness import Conn, Node, NodeSet, bulk, encode, wait_until
from tests.replstream import ReplicaStream, without_pings

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

HOST = "127.0.0.1"
PAIRS = [("redspec", "redis"), ("redis", "redspec"), ("redspec", "redspec")]
PAIR_IDS = ["redspec-to-redis", "redis-to-redspec", "redspec-to-redspec"]
BUSYKEY = (b"-ERR Target instance replied with error: BUSYKEY Target key name already "
           b"exists.\r\n")


@pytest.fixture(scope="module")
def ns() -> Iterator[dict[str, Node]]:
    """A Redis and two redspec servers, and a Redis and a redspec with a password and an
    ACL user, for the whole module."""
    nset = NodeSet(Path(tempfile.mkdtemp(prefix="redspec-migrate-")))
    try:
        auth = ("--requirepass", "sekret")
        nodes = {"redis": nset.start("redis"), "redspec": nset.start("redspec"),
                 "redspec2": nset.start("redspec"), "redis-auth": nset.start("redis", *auth),
                 "redspec-auth": nset.start("redspec", *auth)}
        for name in ("redis-auth", "redspec-auth"):
            n = nodes[name]
            assert n.call("AUTH", "sekret") == b"+OK\r\n"
            n.ok("ACL", "SETUSER", "mover", "on", ">movepw", "~*", "+@all")
        yield nodes
    finally:
        nset.stop_all()


def pair(ns: dict[str, Node], kinds: tuple[str, str]) -> tuple[Node, Node]:
    """Source and target of a pair, flushed."""
    src = ns[kinds[0]]
    dst = ns["redspec2" if kinds == ("redspec", "redspec") else kinds[1]]
    src.ok("FLUSHALL")
    dst.ok("FLUSHALL")
    return src, dst


def load(n: Node) -> list[str]:
    """A key of every type, two with a TTL; returns the key names."""
    n.ok("SET", "s", "value")
    n.ok("SET", "ttl", "v", "PX", "500000")
    n.ok("HSET", "h", "f", "v", "g", "w")
    n.ok("RPUSH", "l", "a", "b", "c")
    n.ok("SADD", "set", "3", "1", "2")  # an intset: a hashtable set's DUMP order may differ
    n.ok("ZADD", "z", "1", "a", "2.5", "b")
    n.ok("XADD", "x", "1-1", "f", "v")
    n.ok("PEXPIRE", "h", "400000")
    return ["s", "ttl", "h", "l", "set", "z", "x"]


def migrate(src: Node, dst: Node, key: str, db: int, *opts: str) -> bytes:
    """MIGRATE from ``src`` to ``dst`` with a generous timeout."""
    return src.call("MIGRATE", HOST, dst.port, key, db, 5000, *opts)


@pytest.mark.parametrize("kinds", PAIRS, ids=PAIR_IDS)
def test_move_copy_replace_keep_values_and_ttls(ns: dict[str, Node],
                                                kinds: tuple[str, str]) -> None:
    src, dst = pair(ns, kinds)
    keys = load(src)
    dumps = {k: src.call("DUMP", k) for k in keys}
    digest = src.call("DEBUG", "DIGEST")
    assert migrate(src, dst, "", 0, "COPY", "KEYS", *keys) == b"+OK\r\n"
    assert src.call("DBSIZE") == b":7\r\n"  # COPY keeps them
    assert dst.call("DEBUG", "DIGEST") == digest
    assert {k: dst.call("DUMP", k) for k in keys} == dumps
    pttl = int(dst.call("PTTL", "ttl")[1:-2])
    assert 400000 < pttl <= 500000
    # again without REPLACE: every key is there already
    assert migrate(src, dst, "", 0, "KEYS", *keys) == BUSYKEY
    assert src.call("DBSIZE") == b":7\r\n"
    # REPLACE moves them: gone from the source
    assert migrate(src, dst, "", 0, "REPLACE", "KEYS", *keys) == b"+OK\r\n"
    assert src.call("DBSIZE") == b":0\r\n"
    assert dst.call("DEBUG", "DIGEST") == digest
    # one key, to another database
    src.ok("SET", "one", "1")
    assert migrate(src, dst, "one", 3) == b"+OK\r\n"
    assert dst.call("SELECT", "3") == b"+OK\r\n"
    assert dst.call("GET", "one") == b"$1\r\n1\r\n"
    dst.ok("SELECT", "0")
    assert src.call("EXISTS", "one") == b":0\r\n"


@pytest.mark.parametrize("kinds", PAIRS, ids=PAIR_IDS)
def test_busykey_keeps_exactly_the_refused_key(ns: dict[str, Node],
                                               kinds: tuple[str, str]) -> None:
    src, dst = pair(ns, kinds)
    for k in ("a", "b", "c"):
        src.ok("SET", k, k + "-src")
    dst.ok("SET", "b", "old")
    assert migrate(src, dst, "", 0, "KEYS", "a", "b", "c", "nokey") == BUSYKEY
    assert src.call("MGET", "a", "b", "c") == b"*3\r\n$-1\r\n$5\r\nb-src\r\n$-1\r\n"
    assert dst.call("MGET", "a", "b", "c") == (b"*3\r\n$5\r\na-src\r\n$3\r\nold\r\n"
                                               b"$5\r\nc-src\r\n")
    assert migrate(src, dst, "", 0, "KEYS", "zz", "yy") == b"+NOKEY\r\n"


@pytest.mark.parametrize("src_kind", ["redis", "redspec"])
@pytest.mark.parametrize("dst_kind", ["redis-auth", "redspec-auth"])
def test_auth_and_auth2(ns: dict[str, Node], src_kind: str, dst_kind: str) -> None:
    src, dst = ns[src_kind], ns[dst_kind]
    src.ok("FLUSHALL")
    dst.ok("FLUSHALL")
    src.ok("SET", "k1", "v")
    src.ok("SET", "k2", "v")
    noauth = migrate(src, dst, "k1", 0)
    assert noauth == (b"-ERR Target instance replied with error: NOAUTH Authentication "
                      b"required.\r\n")
    wrong = migrate(src, dst, "k1", 0, "AUTH", "nope")
    assert wrong == (b"-ERR Target instance replied with error: WRONGPASS invalid "
                     b"username-password pair or user is disabled.\r\n")
    assert migrate(src, dst, "k1", 0, "AUTH", "sekret") == b"+OK\r\n"
    assert migrate(src, dst, "k2", 0, "AUTH2", "mover", "movepw") == b"+OK\r\n"
    assert dst.call("MGET", "k1", "k2") == b"*2\r\n$1\r\nv\r\n$1\r\nv\r\n"
    assert src.call("DBSIZE") == b":0\r\n"


def test_errors_side_by_side(ns: dict[str, Node]) -> None:
    """What does not depend on the target, byte for byte: the parsing errors, +NOKEY, a
    port nobody listens on (a refused connect fails at the write, retried once), a host
    name that does not resolve, the error counts."""
    dead = free_port()
    cases: list[tuple[str | int, ...]] = [
        (HOST, dead, "k", 0, 1000), ("nosuch.invalid", 6379, "k", 0, 1000),
        (HOST, dead, "missing", 0, 1000), (HOST, dead, "", 0, 1000, "KEYS", "m1", "m2"),
        (HOST, dead, "k", 0, 1000, "AUTH"), (HOST, dead, "k", 0, 1000, "AUTH2", "u"),
        (HOST, dead, "k", 0, 1000, "BOGUS"), (HOST, dead, "k", 0, 1000, "KEYS", "k"),
        (HOST, dead, "k", "x", 1000), (HOST, dead, "k", 0, "1.5"),
        (HOST, "abc", "k", 0, 1000), (HOST, dead, "", 0, 1000, "KEYS"),
    ]
    got = {}
    for kind in ("redis", "redspec"):
        n = ns[kind]
        n.ok("FLUSHALL")
        n.ok("CONFIG", "RESETSTAT")
        n.ok("SET", "k", "v")
        got[kind] = [n.call("MIGRATE", *c) for c in cases]
        got[kind].append(n.call("INFO", "errorstats"))
        got[kind].append(n.call("EXISTS", "k"))
    assert got["redspec"] == got["redis"]
    assert got["redis"][0] == b"-IOERR error or timeout writing to target instance\r\n"
    assert got["redis"][1] == b"-IOERR error or timeout connecting to the client\r\n"


def _kill_migrate_conns(dst: Node) -> None:
    """The target hangs up on every cached MIGRATE connection (its clients whose last
    command was RESTORE)."""
    text = bulk(dst.call("CLIENT", "LIST")).decode()
    ids = [f.split("=")[1] for line in text.splitlines() if "cmd=restore" in line
           for f in line.split() if f.startswith("id=")]
    assert ids, text
    for cid in ids:
        assert dst.call("CLIENT", "KILL", "ID", cid) == b":1\r\n"


def test_select_and_retry_side_by_side(ns: dict[str, Node]) -> None:
    """The commands the target receives from a Redis source and a redspec source: SELECT
    only when the cached connection's database changes, AUTH each time, and after the
    target hangs up, one retry on a new connection (which SELECTs again)."""
    calls = {}
    for kind in ("redis", "redspec"):
        src, dst = ns[kind], ns["redspec2"]
        src.ok("FLUSHALL")
        dst.ok("FLUSHALL")
        dst.ok("CONFIG", "RESETSTAT")
        for i in range(6):
            src.ok("SET", f"k{i}", "v")
        assert migrate(src, dst, "k0", 2) == b"+OK\r\n"
        assert migrate(src, dst, "k1", 2) == b"+OK\r\n"
        assert migrate(src, dst, "k2", 0) == b"+OK\r\n"
        _kill_migrate_conns(dst)
        assert migrate(src, dst, "k3", 0) == b"+OK\r\n"  # the write fails: retried
        assert migrate(src, dst, "k4", 0, "COPY") == b"+OK\r\n"
        stats = dst.info("commandstats")
        calls[kind] = {k: v.split(",")[0] for k, v in stats.items()
                       if k in ("cmdstat_select", "cmdstat_restore")}
    assert calls["redspec"] == calls["redis"]
    assert calls["redis"] == {"cmdstat_select": "calls=3", "cmdstat_restore": "calls=5"}


def _stream_of(ns: dict[str, Node], kind: str) -> tuple[bytes, bytes]:
    """The replication stream and the AOF (its incr file) of a fresh ``kind`` source across
    MIGRATEs to a redspec."""
    nset = NodeSet(Path(tempfile.mkdtemp(prefix="redspec-migrate-stream-")))
    dst = ns["redspec2"]
    dst.ok("FLUSHALL")
    try:
        src = nset.start(kind, "--repl-diskless-sync", "no", "--appendonly", "yes")
        ctl = socket.create_connection((HOST, src.port), timeout=10)
        rs = ReplicaStream(HOST, src.port).attach(ctl)
        try:
            for k in ("a", "b", "c", "d"):
                src.ok("SET", k, "v")
            dst.ok("SET", "b", "there")
            assert migrate(src, dst, "", 0, "KEYS", "a", "b", "c") == BUSYKEY
            assert migrate(src, dst, "d", 0, "COPY") == b"+OK\r\n"
            assert migrate(src, dst, "d", 0, "REPLACE") == b"+OK\r\n"
            assert migrate(src, dst, "d", 0) == b"+NOKEY\r\n"
            stream = without_pings(rs.raw_until(src.offset()))
            incr = sorted((src.workdir / "appendonlydir").glob("*.incr.aof"))
            return stream, incr[-1].read_bytes()
        finally:
            rs.close()
            ctl.close()
    finally:
        nset.stop_all()


def test_replication_stream_and_aof_del_the_moved_keys(ns: dict[str, Node]) -> None:
    """The stream a replica reads and the AOF: DEL of the acknowledged keys only (nothing
    for COPY or +NOKEY), byte for byte as 7.0.15 writes them."""
    (ours, our_aof), (theirs, their_aof) = _stream_of(ns, "redspec"), _stream_of(ns, "redis")
    assert ours == theirs
    assert our_aof == their_aof
    dels = b"*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nc\r\n"
    assert dels in theirs and dels in their_aof
    assert theirs.endswith(b"*2\r\n$3\r\nDEL\r\n$1\r\nd\r\n")
    assert their_aof.endswith(b"*2\r\n$3\r\nDEL\r\n$1\r\nd\r\n")


def test_cached_socket_closed_after_10s_idle(tmp_path: Path, ns: dict[str, Node]) -> None:
    """serverCron closes a connection unused for more than 10 s (``server.unixtime``, checked
    once a second: every 10th cron at hz 10). On a redspec with a virtual clock moved 100 ms
    at a time (one cron per move), the connection is still cached until the 11th second
    after its use starts and is gone within the second after that."""
    nset = NodeSet(tmp_path)
    try:
        src = nset.start("redspec", "--clock", "virtual")
        dst = ns["redspec2"]
        dst.ok("FLUSHALL")
        src.ok("SET", "k", "v")
        assert migrate(src, dst, "k", 0) == b"+OK\r\n"
        restores = lambda: bulk(dst.call("CLIENT", "LIST")).count(b"cmd=restore")  # noqa: E731
        before = restores()
        used_s = int(src.call("REDSPEC", "CLOCK", "GET")[1:-2]) // 1000
        closed_at = None
        for _ in range(150):
            src.ok("REDSPEC", "CLOCK", "ADVANCE", "100")
            if src.info("stats")["migrate_cached_sockets"] == "0":
                closed_at = int(src.call("REDSPEC", "CLOCK", "GET")[1:-2])
                break
        assert closed_at is not None
        assert (used_s + 11) * 1000 <= closed_at < (used_s + 12) * 1000 + 100
        wait_until("the target freed it", lambda: restores() < before)
    finally:
        nset.stop_all()


def test_a_transition_run_again_does_not_migrate_twice(ns: dict[str, Node]) -> None:
    """The reference server runs a transition again when it asks the world something (here
    CONFIG SET port, pipelined after MIGRATE in one read): the second run replays MIGRATE's
    exchanges from the journal instead of sending the RESTORE again (which would find the
    key moved: BUSYKEY)."""
    dst = ns["redis"]
    dst.ok("FLUSHALL")
    dst.ok("CONFIG", "RESETSTAT")
    st, cid = S.client_connect(S.new_server(0), 0)
    st, _ = S.run_command(st, cid, [b"SET", b"k", b"v"], 0)
    ref = Reference(st)
    pipeline = encode("MIGRATE", HOST, dst.port, "k", 0, 5000) + \
        encode("CONFIG", "SET", "port", free_port())
    try:
        ref.state, eff = ref.answered(
            lambda state: S.client_input(state, cid, pipeline, 0, busy_port=ref.script_port))
    finally:
        for name in list(ref.script_port.migrate_socks):
            ref.script_port.migrate_close(name)
        ref.script_port.migrate_settled()
        for sock in ref._prebound.values():
            sock.close()
    assert S.output_for(eff, cid) == b"+OK\r\n+OK\r\n"
    assert dst.call("GET", "k") == b"$1\r\nv\r\n"
    assert dst.info("commandstats")["cmdstat_restore"].startswith("calls=1,")
    assert b"k" not in ref.state.dbs[0].keys


@pytest.mark.parametrize("kind", ["redis", "redspec"])
def test_silent_target_times_out_and_blocks_the_server(ns: dict[str, Node], kind: str) -> None:
    """A target that accepts but never answers: the reply lines time out (not retried:
    ``IOERR ... reading``), the key stays, and meanwhile the source serves nobody — another
    connection's PING, sent while MIGRATE waits, is answered only after MIGRATE's reply."""
    src = ns[kind]
    src.ok("SET", "stay", "v")
    silent = socket.create_server((HOST, 0))  # a target that reads and never answers
    silent.settimeout(10)
    peer = None
    try:
        a, b = Conn(src.port), Conn(src.port)
        a.send("MIGRATE", HOST, silent.getsockname()[1], "stay", 0, 1000)
        peer, _ = silent.accept()
        peer.settimeout(10)
        got = b""
        while b"RESTORE" not in got:  # MIGRATE has written: it now waits for the reply
            got += peer.recv(65536)
        b.send("PING")
        assert b.read() == b"+PONG\r\n"
        a.sock.setblocking(False)  # already there: the server answered it first
        assert a.read() == b"-IOERR error or timeout reading to target instance\r\n"
        a.close()
        b.close()
    finally:
        if peer is not None:
            peer.close()
        silent.close()
    assert src.call("EXISTS", "stay") == b":1\r\n"
