"""Replication between real Redis 7.0.15 and ``redspec serve``, in both directions and
between two redspec servers: full sync (diskless and disk-based, with writes while the
snapshot is made), the stream afterwards (every type, MULTI/EXEC, EXPIRE, a script, several
databases), partial resync after a dropped link and its refusal once the backlog has moved
on, PSYNC2 to a promoted replica, ROLE and INFO replication side by side, WAIT, the
READONLY/MASTERDOWN/NOREPLICAS gates, and the raw stream a replica reads.

Every server is started by the test on a free loopback port in its own directory
(``--enable-debug-command yes``) and killed by its PID at the test's end. Nothing waits by
sleeping: ``tests.replharness.wait_in_sync`` polls INFO until the replica's link is up and
its offset equals the master's, then compares DEBUG DIGEST.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port
from tests.replharness import Conn, Node, NodeSet, encode, nodes, wait_in_sync, wait_until
from tests.replstream import ReplicaStream, encode_command, parse_commands

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

#: (master kind, replica kind): a real replica of redspec, redspec of a real master, ours.
PAIRS = [("redspec", "redis"), ("redis", "redspec"), ("redspec", "redspec")]
PAIR_IDS = ["redis-of-redspec", "redspec-of-redis", "redspec-of-redspec"]

#: The master's transfer: diskless at once, or through the RDB file.
TRANSFERS = {"diskless": ("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"),
             "disk": ("--repl-diskless-sync", "no")}

READONLY = b"-READONLY You can't write against a read only replica.\r\n"
MASTERDOWN = (b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to "
              b"'no'.\r\n")
NOREPLICAS = b"-NOREPLICAS Not enough good replicas to write.\r\n"
WAIT_ON_REPLICA = (b"-ERR WAIT cannot be used with replica instances. Please also note that "
                   b"since Redis 4.0 if a replica is configured to be writable (which is not "
                   b"the default) writes to replicas are just local and are not propagated."
                   b"\r\n")


#: A known disagreement: ``redspec serve`` seeds its PRNG with a constant, so every redspec
#: server draws the same replication ids in the same order (the first backlog's id is
#: always 970d7842…); a promoted redspec replica of a redspec master takes its master's id
#: as its "new" one. Redis draws them from /dev/urandom.


@pytest.fixture
def ns(tmp_path: Path) -> Iterator[NodeSet]:
    yield from nodes(tmp_path)


def preload(m: Node, n: int = 40) -> None:
    """Data of every type in db 0 and a few keys in db 2, before the replica attaches."""
    for i in range(n):
        m.ok("SET", f"s{i}", f"v{i}")
    m.ok("HSET", "h", "f", "v", "g", "w")
    m.ok("RPUSH", "l", "a", "b", "c")
    m.ok("SADD", "set", "x", "y", "1", "2")
    m.ok("ZADD", "z", "1", "a", "2.5", "b")
    m.ok("XADD", "x", "1-1", "f", "v")
    m.ok("SET", "ttl", "v", "PX", "600000")
    m.ok("SELECT", "2")
    m.ok("SET", "in2", "v")
    m.ok("SELECT", "0")


def workload(m: Node, tag: str = "") -> None:
    """Writes of every type, a transaction, expiries, a script and several databases."""
    t = tag
    m.ok("SET", f"str{t}", "value")
    m.ok("APPEND", f"str{t}", "-more")
    m.ok("INCRBYFLOAT", f"f{t}", "1.5")
    m.ok("HSET", f"h{t}", "a", "1", "b", "2")
    m.ok("HINCRBY", f"h{t}", "a", "5")
    m.ok("LPUSH", f"l{t}", "x", "y", "z")
    m.ok("LPOP", f"l{t}")
    m.ok("SADD", f"set{t}", "a", "b", "c")
    m.ok("SPOP", f"set{t}")  # propagated as SREM of the member drawn
    m.ok("ZADD", f"z{t}", "3", "c", "4", "d")
    m.ok("ZINCRBY", f"z{t}", "2", "c")
    m.ok("XADD", f"x{t}", "*", "k", "v")
    m.ok("XGROUP", "CREATE", f"x{t}", "g", "0")
    m.ok("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", f"x{t}", ">")
    m.ok("PFADD", f"hll{t}", "a", "b", "c")
    m.ok("SETBIT", f"bits{t}", "7", "1")
    m.ok("GEOADD", f"geo{t}", "13.361389", "38.115556", "Palermo")
    m.ok("MULTI")
    m.ok("INCR", f"ctr{t}")
    m.ok("SET", f"tx{t}", "1")
    m.ok("EXPIRE", f"tx{t}", "1000")
    m.ok("EXEC")
    m.ok("SET", f"px{t}", "v", "EX", "500")
    m.ok("PEXPIREAT", f"str{t}", "99999999999999")
    m.ok("PERSIST", f"str{t}")
    m.ok("EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('incr', KEYS[2])",
         "2", f"lua{t}", f"luac{t}", "x")
    m.ok("SELECT", "5")
    m.ok("SET", f"db5{t}", "v")
    m.ok("LPUSH", f"db5l{t}", "1")
    m.ok("SELECT", "3")
    m.ok("SET", f"db3{t}", "v")
    m.ok("SELECT", "0")
    m.ok("DEL", "s0")
    m.ok("SET", f"torename{t}", "v")
    m.ok("RENAME", f"torename{t}", f"renamed{t}")


def stat(n: Node, field: str) -> int:
    return int(n.info("stats")[field])


def replica_online(m: Node) -> bool:
    return "state=online" in m.info().get("slave0", "")


def wait_streaming(m: Node, r: Node) -> None:
    """Wait until the master's command stream to ``r`` flows, not only until ``r`` is
    online. After a diskless transfer 7.0 puts the replica online when it reaps the RDB
    child, but sends it nothing until an ACK arrives *after* that
    (``repl_start_cmd_stream_on_ack``). The replica's first ACK, sent as soon as it has
    loaded, usually arrives before the reap (serverCron reaps at most every 100 ms), so the
    stream starts only with the replica's next periodic ACK, up to a second later: a
    ``WAIT 1 1000`` sent in between can time out with 0 on a loaded machine. A propagated
    command (PUBLISH: no key changes) that the replica applies proves the stream flows."""
    wait_until("the replica online on the master", lambda: replica_online(m))
    m.ok("PUBLISH", "redspec:harness:stream", "flows")
    wait_in_sync(m, r)


# -- 1, 2, 5: full sync, writes during it, and the stream ------------------------------------

def _cut(pairs: list[tuple[str, str]], ids: list[str], other: list[str], skip: str
         ) -> list[Any]:
    """The pairs × ``other`` without ``redspec-of-redspec`` × ``skip``: each side of that
    combination is already covered against a real server (the suite's time budget)."""
    return [pytest.param(m, r, o, id=f"{i}-{o}") for (m, r), i in zip(pairs, ids, strict=True)
            for o in other if not (i == "redspec-of-redspec" and o == skip)]


@pytest.mark.parametrize(("mkind", "rkind", "transfer"),
                         _cut(PAIRS, PAIR_IDS, list(TRANSFERS), "disk"))
def test_full_sync_with_writes_during_it(ns: NodeSet, mkind: str, rkind: str,
                                         transfer: str) -> None:
    """A replica attaches while the master holds data; the snapshot is slowed down
    (``rdb-key-save-delay``) and the master is written to while it is made; the replica
    ends with the master's digest, and keeps it while the stream flows."""
    m = ns.start(mkind, *TRANSFERS[transfer], "--rdb-key-save-delay", "20000")
    r = ns.start(rkind)
    preload(m)
    assert r.replicaof(m) == b"+OK\r\n"
    wait_until("the replication child", lambda: m.info("persistence")[
        "rdb_bgsave_in_progress"] == "1")
    m.ok("SET", "during", "sync")
    m.ok("SELECT", "4")
    m.ok("HSET", "during-h", "f", "v")
    m.ok("SELECT", "0")
    m.ok("DEL", "s2")
    # the writes happened while the snapshot was still being made
    assert m.info("persistence")["rdb_bgsave_in_progress"] == "1"
    assert int(m.info("stats")["sync_full"]) == 1
    m.ok("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_in_sync(m, r)
    assert r.call("GET", "during") == b"$4\r\nsync\r\n"
    workload(m)
    wait_in_sync(m, r)
    assert r.call("EXISTS", "s0", "s2", "during", "lua") == b":2\r\n"


# -- 3: partial resync, and its refusal ------------------------------------------------------

@pytest.mark.parametrize(("mkind", "rkind", "side"),
                         _cut(PAIRS, PAIR_IDS, ["replica", "master"], "master"))
def test_partial_resync_after_dropped_link(ns: NodeSet, mkind: str, rkind: str,
                                           side: str) -> None:
    """The link is dropped (by the replica killing its master client, or the master its
    replica); the master is written to meanwhile; the replica comes back with a PSYNC that
    the backlog serves (``sync_partial_ok`` grows, ``sync_full`` does not)."""
    m = ns.start(mkind, *TRANSFERS["diskless"])
    r = ns.start(rkind)
    preload(m, 5)
    r.replicaof(m)
    wait_in_sync(m, r)
    # the first sync: a fresh replica PSYNCs with its own history first (refused: counted)
    full, ok, err = (stat(m, f) for f in ("sync_full", "sync_partial_ok", "sync_partial_err"))
    killer = r if side == "replica" else m
    assert killer.call("CLIENT", "KILL", "TYPE", "master" if side == "replica"
                       else "replica") == b":1\r\n"
    workload(m, "-gap")
    wait_until("the partial resync", lambda: stat(m, "sync_partial_ok") == ok + 1)
    wait_in_sync(m, r)
    assert stat(m, "sync_full") == full
    assert stat(m, "sync_partial_err") == err
    workload(m, "-after")
    wait_in_sync(m, r)


@pytest.mark.parametrize(("mkind", "rkind"), PAIRS, ids=PAIR_IDS)
def test_partial_resync_refused_when_backlog_moved_on(ns: NodeSet, mkind: str,
                                                      rkind: str) -> None:
    """With the smallest backlog (16384 bytes) and more than that written while the replica
    is away (it follows a master that is not there meanwhile: it keeps its cached master),
    its PSYNC is refused (``sync_partial_err``) and a full sync follows."""
    m = ns.start(mkind, *TRANSFERS["diskless"], "--repl-backlog-size", "16384")
    r = ns.start(rkind)
    preload(m, 5)
    r.replicaof(m)
    wait_in_sync(m, r)
    assert m.info()["repl_backlog_size"] == "16384"
    full, ok, err = (stat(m, f) for f in ("sync_full", "sync_partial_ok", "sync_partial_err"))
    r.call("REPLICAOF", "127.0.0.1", free_port())
    wait_until("the replica gone", lambda: m.info()["connected_slaves"] == "0")
    # 7.0.15 trims its backlog by whole blocks of at least 16 KB (its histlen may exceed
    # repl-backlog-size): 100 KB leave the replica's offset out on both servers
    for i in range(10):
        m.ok("SET", f"big{i}", "x" * 10000)
    r.replicaof(m)
    wait_until("the refused PSYNC", lambda: stat(m, "sync_partial_err") == err + 1)
    wait_in_sync(m, r)
    assert (stat(m, "sync_full"), stat(m, "sync_partial_ok")) == (full + 1, ok)


# -- 4: PSYNC2 to a promoted replica ---------------------------------------------------------

@pytest.mark.parametrize(("akind", "bkind", "ckind"),
                         [("redis", "redspec", "redis"), ("redspec", "redis", "redspec"),
                          ("redspec", "redspec", "redspec")])
def test_promoted_replica_keeps_history(ns: NodeSet, akind: str, bkind: str,
                                        ckind: str) -> None:
    """B and C replicate A; B is promoted (REPLICAOF NO ONE): A's id becomes B's
    ``master_replid2``, valid up to ``second_repl_offset`` = A's offset + 1, and C, told to
    follow B, continues from there (+CONTINUE: B counts a partial sync, no full one)."""
    a = ns.start(akind, *TRANSFERS["diskless"])
    b = ns.start(bkind)
    c = ns.start(ckind)
    preload(a, 5)
    b.replicaof(a)
    c.replicaof(a)
    wait_in_sync(a, b, c)
    ai = a.info()
    assert b.replicaof(None) == b"+OK\r\n"
    bi = b.info()
    assert bi["role"] == "master"
    assert bi["master_replid2"] == ai["master_replid"]
    assert bi["master_replid"] != ai["master_replid"]
    assert int(bi["second_repl_offset"]) == int(ai["master_repl_offset"]) + 1
    assert bi["master_repl_offset"] == ai["master_repl_offset"]
    b.ok("SET", "after-promotion", "1")
    c.replicaof(b)
    wait_until("C's partial resync to B", lambda: stat(b, "sync_partial_ok") == 1)
    wait_in_sync(b, c)
    assert stat(b, "sync_full") == 0
    assert c.info()["master_replid"] == b.info()["master_replid"]
    workload(b)
    wait_in_sync(b, c)


def test_chain_real_redspec_real(ns: NodeSet) -> None:
    """real → redspec → real: the middle replica proxies its master's stream unchanged, so
    the last one has the same offsets and dataset as the first; a dropped link between
    the lower two resumes with a partial sync served by redspec's own backlog."""
    a = ns.start("redis", *TRANSFERS["diskless"])
    b = ns.start("redspec", *TRANSFERS["diskless"])
    c = ns.start("redis")
    preload(a, 5)
    b.replicaof(a)
    wait_in_sync(a, b)
    c.replicaof(b)
    wait_in_sync(a, b, c)
    workload(a)
    wait_in_sync(a, b, c)
    ok = stat(b, "sync_partial_ok")
    assert c.call("CLIENT", "KILL", "TYPE", "master") == b":1\r\n"
    workload(a, "-gap")
    wait_until("C's partial resync to B", lambda: stat(b, "sync_partial_ok") == ok + 1)
    wait_in_sync(a, b, c)
    assert c.info()["master_replid"] == a.info()["master_replid"]


@pytest.mark.parametrize("kinds", [("redis", "redspec", "redis"), ("redis", "redis", "redspec"),
                                   ("redspec", "redspec", "redspec")],
                         ids=["real-redspec-real", "real-real-redspec", "redspec-chain"])
def test_stream_db_survives_full_and_partial_syncs(ns: NodeSet, kinds: tuple[str, ...]
                                                   ) -> None:
    """The stream's db is not re-selected where the stream is proxied or continued: a
    chained replica's full sync learns it from the snapshot (repl-stream-db), a +CONTINUE
    resumes it from the cached master. Writes in db 5 with no SELECT after either."""
    a, b, c = (ns.start(k, *TRANSFERS["diskless"]) for k in kinds)
    b.replicaof(a)
    wait_in_sync(a, b)
    a.ok("SELECT", "5")
    a.ok("SET", "x", "1")
    wait_in_sync(a, b)
    c.replicaof(b)  # full sync from the middle one, while the stream is in db 5
    wait_in_sync(a, b, c)
    a.ok("SET", "y", "2")  # no SELECT: the stream is already in db 5
    wait_in_sync(a, b, c)
    ok = stat(a, "sync_partial_ok")
    assert b.call("CLIENT", "KILL", "TYPE", "master") == b":1\r\n"
    a.ok("SET", "z", "3")
    wait_until("B's partial resync", lambda: stat(a, "sync_partial_ok") == ok + 1)
    a.ok("SET", "w", "4")
    wait_in_sync(a, b, c)
    for n in (b, c):
        n.ok("SELECT", "5")
        assert n.call("MGET", "x", "y", "z", "w") == (
            b"*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n")


@pytest.mark.parametrize(("mkind", "rkind"), PAIRS[:2], ids=PAIR_IDS[:2])
def test_replica_leaves_expiry_to_its_master(ns: NodeSet, mkind: str, rkind: str) -> None:
    """A replica never deletes an expired key itself (the master's DEL does), but reads
    treat it as gone: GET/EXISTS/TTL/TYPE/KEYS/SCAN/RANDOMKEY skip it while DBSIZE still
    counts it, until the master expires it (here lazily: active expiry off on the master)."""
    m = ns.start(mkind, *TRANSFERS["diskless"])
    r = ns.start(rkind)
    r.replicaof(m)
    wait_in_sync(m, r)
    assert m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
    m.ok("SET", "k", "v", "PX", "100")
    m.ok("SET", "keep", "v")
    m.ok("HSET", "h", "f", "v")
    m.ok("PEXPIRE", "h", "100")
    wait_in_sync(m, r)
    wait_until("k logically expired on the replica", lambda: r.call("GET", "k") == b"$-1\r\n")
    wait_until("h logically expired", lambda: r.call("HGET", "h", "f") == b"$-1\r\n")
    assert [r.call(*c) for c in (("EXISTS", "k"), ("TTL", "k"), ("PTTL", "h"), ("DBSIZE",),
                                 ("KEYS", "*"), ("SCAN", "0"), ("TYPE", "k"), ("RANDOMKEY",),
                                 ("OBJECT", "ENCODING", "k"))] == [
        b":0\r\n", b":-2\r\n", b":-2\r\n", b":3\r\n", b"*1\r\n$4\r\nkeep\r\n",
        b"*2\r\n$1\r\n0\r\n*1\r\n$4\r\nkeep\r\n", b"+none\r\n", b"$4\r\nkeep\r\n",
        b"$-1\r\n"]
    assert m.call("GET", "k") == b"$-1\r\n"  # the master expires it and propagates a DEL
    wait_in_sync(m, r)
    assert r.call("DBSIZE") == b":2\r\n"


# -- 6: ROLE and INFO replication side by side -----------------------------------------------

#: Fields whose values depend on ports, random ids or timing; compared by name only.
VOLATILE = {"master_replid", "master_port", "master_last_io_seconds_ago",
            "master_link_down_since_seconds", "master_sync_last_io_seconds_ago",
            "master_sync_total_bytes", "master_sync_read_bytes", "master_sync_left_bytes",
            "master_sync_perc"}


def shape(fields: list[tuple[str, str]], replid2_volatile: bool = False
          ) -> list[tuple[str, str]]:
    """INFO replication with the volatile values masked (a replica line keeps its state)."""
    out = []
    for k, v in fields:
        if k in VOLATILE or (k == "master_replid2" and replid2_volatile):
            v = "*"
        elif k.startswith("slave") and k[5:].isdigit():
            parts = dict(p.split("=", 1) for p in v.split(","))
            v = f"ip={parts['ip']},state={parts['state']}"
        out.append((k, v))
    return out


def scenario_info(ns: NodeSet, kind: str) -> dict[str, object]:
    """Run one scenario on a master and a replica of ``kind``; INFO replication and ROLE at
    each point (the first PING is at the master's first cron, before any replica: with
    ``repl-ping-replica-period`` 1000 no other comes, so offsets are the same)."""
    out: dict[str, object] = {}
    m = ns.start(kind, *TRANSFERS["disk"], "--repl-ping-replica-period", "1000",
                 "--rdb-key-save-delay", "500000")  # one key: a child of 0.5 s
    r = ns.start(kind)
    m.ok("SET", "k", "v")
    out["master-alone"] = shape(m.info_fields())
    out["role-master-alone"] = m.call("ROLE")
    r.replicaof(m)
    wait_until("the transfer", lambda: r.info().get("master_sync_in_progress") == "1")
    out["replica-syncing"] = shape(r.info_fields())
    out["role-replica-syncing"] = r.call("ROLE").replace(str(m.port).encode(), b"PORT")
    out["role-master-syncing"] = m.call("ROLE").replace(str(r.port).encode(), b"PORT")
    out["master-syncing"] = shape(m.info_fields())
    m.ok("CONFIG", "SET", "rdb-key-save-delay", "0")
    wait_in_sync(m, r)
    wait_until("the first ACK", lambda: m.info()["slave0"].endswith(
        f"offset={m.info()['master_repl_offset']},lag=0") or None, timeout=5)
    out["master-online"] = shape(m.info_fields())
    out["replica-up"] = shape(r.info_fields())
    mr = m.call("ROLE").replace(str(r.port).encode(), b"PORT")
    out["role-master"] = mr
    out["role-replica"] = r.call("ROLE").replace(str(m.port).encode(), b"PORT")
    m.stop()
    wait_until("the link down", lambda: r.info()["master_link_status"] == "down")
    out["replica-down"] = shape(r.info_fields())
    role = r.call("ROLE").replace(str(m.port).encode(), b"PORT")
    # the cron retries every second: the link is 'connect' or (briefly) 'connecting'
    out["role-replica-down"] = role.replace(b"$10\r\nconnecting", b"$7\r\nconnect")
    return out


def test_role_and_info_replication_agree() -> None:
    """ROLE and INFO replication on a master alone, during a (slowed) disk sync, with its
    replica online, on the connected replica and on a replica whose master is gone: the
    same fields in the same order, the same deterministic values."""
    got = {}
    for kind in ("redis", "redspec"):
        with tempfile.TemporaryDirectory() as d:
            gen = nodes(Path(d))
            nset = next(gen)
            try:
                got[kind] = scenario_info(nset, kind)
            finally:
                gen.close()
    for point in got["redis"]:
        assert got["redspec"][point] == got["redis"][point], point


# -- 7: WAIT ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("mkind", "rkind"), [("redis", "redis"), *PAIRS[:2]],
                         ids=["redis-of-redis", *PAIR_IDS[:2]])
def test_wait(ns: NodeSet, mkind: str, rkind: str) -> None:
    """WAIT counts the replicas that acknowledged the client's last write (the master's
    GETACK, the replica's ACK); it times out with the count it has; in MULTI it answers at
    once; on a replica it is refused."""
    m = ns.start(mkind, *TRANSFERS["diskless"])
    r = ns.start(rkind)
    r.replicaof(m)
    wait_in_sync(m, r)
    wait_streaming(m, r)
    c = Conn(m.port)
    try:
        assert c.call("SET", "k", "v") == b"+OK\r\n"
        assert c.call("WAIT", "1", "1000") == b":1\r\n"
        assert c.call("SET", "k", "v2") == b"+OK\r\n"
        assert c.call("WAIT", "2", "100") == b":1\r\n"
        assert c.call("MULTI") == b"+OK\r\n"
        assert c.call("WAIT", "5", "0") == b"+QUEUED\r\n"
        # at once, with the replicas that acknowledged the client's offset: the last
        # command's offset includes the GETACK of the WAIT before, acknowledged only by the
        # replica's next periodic ACK, so 0 or (rarely) 1 on both servers
        assert c.call("EXEC") in (b"*1\r\n:0\r\n", b"*1\r\n:1\r\n")
    finally:
        c.close()
    assert r.call("WAIT", "1", "0") == WAIT_ON_REPLICA


# -- 8: the gates ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["redis", "redspec"])
def test_gates(ns: NodeSet, kind: str) -> None:
    """READONLY on a read-only replica, MASTERDOWN on a replica that serves no stale data
    while its master is away, NOREPLICAS on a master that needs a replica it lacks."""
    m = ns.start(kind, *TRANSFERS["diskless"], "--min-replicas-to-write", "1")
    assert m.call("SET", "k", "v") == NOREPLICAS
    assert m.call("GET", "k") == b"$-1\r\n"
    r = ns.start(kind, "--replica-serve-stale-data", "no")
    m.ok("CONFIG", "SET", "min-replicas-to-write", "0")
    m.ok("SET", "k", "v")
    r.replicaof(m)
    wait_in_sync(m, r)
    assert r.call("SET", "k", "x") == READONLY
    assert r.call("GET", "k") == b"$1\r\nv\r\n"
    assert r.replicaof(m) == b"+OK Already connected to specified master\r\n"
    # (a diskless replica is online for its master only once the child was reaped and the
    # replica's first ACK came, which may be after the replica itself is up)
    wait_until("the replica online on the master", lambda: replica_online(m))
    # CONFIG SET counts the good replicas at once (updateGoodSlaves), not at the next cron
    m.ok("CONFIG", "SET", "min-replicas-to-write", "1")
    assert m.call("SET", "k", "w") == b"+OK\r\n"
    assert m.info()["min_slaves_good_slaves"] == "1"
    r.call("REPLICAOF", "127.0.0.1", free_port())
    assert r.call("GET", "k") == MASTERDOWN
    assert r.call("PING") == MASTERDOWN
    assert r.call("INFO", "server").startswith(b"$")
    assert r.call("SET", "k", "x") == READONLY


# -- 9: the raw stream -----------------------------------------------------------------------

STREAM_COMMANDS: list[tuple[bytes, ...]] = [
    (b"SET", b"a", b"1"), (b"SELECT", b"3"), (b"SET", b"b", b"2"), (b"INCR", b"n"),
    (b"SELECT", b"0"), (b"EXPIREAT", b"a", b"99999999999"), (b"MULTI",), (b"SET", b"c", b"3"),
    (b"SELECT", b"1"), (b"DEL", b"zz"), (b"SET", b"d", b"4"), (b"EXEC",),
    (b"EVAL", b"redis.call('set','e','5') redis.call('select','6') "
     b"redis.call('set','f','6') return 1", b"0"),
    (b"SET", b"g", b"7", b"PXAT", b"99999999999999"), (b"GETEX", b"g", b"PERSIST"),
    (b"SPOP", b"nosuch"), (b"LPUSH", b"l", b"x"), (b"BLPOP", b"l", b"0"),
    (b"SELECT", b"0"), (b"FLUSHDB",), (b"SET", b"h", b"8"),
    (b"INCRBYFLOAT", b"fl", b"1.5"), (b"GETDEL", b"h"), (b"SET", b"h", b"9", b"KEEPTTL"),
    (b"EXPIRE", b"h", b"-1"), (b"SADD", b"s", b"only"), (b"SPOP", b"s"),
    (b"RPUSH", b"src", b"a", b"b"), (b"LMOVE", b"src", b"dst", b"LEFT", b"RIGHT"),
    (b"BLMOVE", b"src", b"dst", b"RIGHT", b"LEFT", b"0"), (b"RPOPLPUSH", b"dst", b"dst"),
    (b"XADD", b"st", b"5-1", b"f", b"v"), (b"XGROUP", b"CREATE", b"st", b"g", b"0"),
    (b"XTRIM", b"st", b"MAXLEN", b"0"), (b"XGROUP", b"DESTROY", b"st", b"g"),
    (b"ZADD", b"z", b"1", b"a", b"2", b"b"), (b"ZPOPMIN", b"z"), (b"BZPOPMAX", b"z", b"0"),
    (b"HSET", b"hh", b"f", b"1"), (b"HINCRBYFLOAT", b"hh", b"f", b"0.5"),
    (b"SORT", b"dst", b"ALPHA", b"STORE", b"sorted"), (b"COPY", b"sorted", b"copy"),
    (b"RENAME", b"copy", b"copy2"), (b"MOVE", b"copy2", b"9"), (b"SWAPDB", b"0", b"9"),
    (b"EVAL", b"redis.set_repl(redis.REPL_NONE) redis.call('set','x','1') "
     b"redis.set_repl(redis.REPL_ALL) redis.call('set','y','2')", b"0"),
    (b"FUNCTION", b"LOAD", b"#!lua name=lib\nredis.register_function('f', "
     b"function(k) return redis.call('set', k[1], 'f') end)"),
    (b"FCALL", b"f", b"1", b"fk"), (b"FUNCTION", b"DELETE", b"lib"),
    (b"SELECT", b"2"), (b"FLUSHALL",),
    (b"WAIT", b"1", b"20"),  # never acknowledged: a REPLCONF GETACK * in the stream
]




@pytest.mark.parametrize(("mkind", "rkind"), [
    ("redis", "redis"),
    ("redspec", "redis"),
    ("redis", "redspec")], ids=["redis-of-redis", "redis-of-redspec", "redspec-of-redis"])
def test_publish_reaches_a_replicas_subscribers(ns: NodeSet, mkind: str, rkind: str) -> None:
    """PUBLISH on the master is in the replication stream: a client subscribed on the
    replica gets the message."""
    m = ns.start(mkind, *TRANSFERS["diskless"])
    r = ns.start(rkind)
    r.replicaof(m)
    wait_in_sync(m, r)
    sub = Conn(r.port)
    try:
        assert sub.call("SUBSCRIBE", "ch") == (
            b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        assert m.call("PUBLISH", "ch", "hello") == b":0\r\n"
        wait_in_sync(m, r)
        sub.sock.settimeout(1)
        assert sub.read() == b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"
    finally:
        sub.close()


def stream_of(kind: str, workdir: Path) -> tuple[bytes, list[bytes]]:
    """Attach a raw replica (SYNC) to a fresh ``kind`` master, run STREAM_COMMANDS, and
    return the stream bytes up to the master's offset; then wait for the cron's PING and
    return what follows as well."""
    gen = nodes(workdir)
    nset = next(gen)
    try:
        m = nset.start(kind, "--repl-ping-replica-period", "1000", "--repl-diskless-sync",
                       "no")
        ctl = socket.create_connection(("127.0.0.1", m.port), timeout=10)
        rs = ReplicaStream("127.0.0.1", m.port).attach(ctl)
        try:
            c = Conn(m.port)
            for argv in STREAM_COMMANDS:
                c.call(*argv)
            c.close()
            data = rs.raw_until(m.offset())
            m.ok("CONFIG", "SET", "repl-ping-replica-period", "1")
            ping = encode_command([b"ping"])
            wait_until("a PING", lambda: m.offset() >= rs.offset + rs.read + len(ping))
            tail = parse_commands(rs.raw_until(m.offset()))
        finally:
            rs.close()
            ctl.close()
        return data, [b" ".join(t) for t in tail]
    finally:
        gen.close()


def test_raw_stream_matches(tmp_path: Path) -> None:
    """A raw replica reads the same bytes from redspec as from Redis for the same commands
    (SELECT placement, MULTI/EXEC, scripts, expiries as Redis rewrites them), and then the
    cron's PINGs."""
    want, want_tail = stream_of("redis", tmp_path / "redis")
    got, got_tail = stream_of("redspec", tmp_path / "redspec")
    assert parse_commands(got) == parse_commands(want)
    assert got == want
    assert set(got_tail) == set(want_tail) == {b"ping"}


def _line(sock: socket.socket, buf: bytes) -> tuple[bytes, bytes]:
    while b"\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError(buf)
        buf += data
    i = buf.index(b"\r\n") + 2
    return buf[:i], buf[i:]


def _exactly(sock: socket.socket, buf: bytes, n: int) -> tuple[bytes, bytes]:
    while len(buf) < n:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError(buf)
        buf += data
    return buf[:n], buf[n:]


def handshake_transcript(kind: str, workdir: Path) -> list[bytes]:
    """A raw replica's view of a ``kind`` master: a PSYNC pipelined behind another command
    (refused), the handshake one reply at a time, the diskless framing (``$EOF:<mark>``, the
    file, the mark), the stream once an ACK started it, then +CONTINUE for a psync2 and a
    pre-psync2 replica with the backlog behind it. The replid is masked."""
    gen = nodes(workdir)
    nset = next(gen)
    out: list[bytes] = []
    try:
        m = nset.start(kind, *TRANSFERS["diskless"])
        m.ok("SET", "k", "v")
        with socket.create_connection(("127.0.0.1", m.port), timeout=10) as s:
            s.sendall(encode("PING") + encode("PSYNC", "?", "-1"))
            buf = b""
            for _ in range(2):
                line, buf = _line(s, buf)
                out.append(line)
        s = socket.create_connection(("127.0.0.1", m.port), timeout=10)
        try:
            buf = b""
            for argv in (("PING",), ("REPLCONF", "listening-port", "1234"),
                         ("REPLCONF", "capa", "eof", "capa", "psync2"), ("PSYNC", "?", "-1")):
                s.sendall(encode(*argv))
                line, buf = _line(s, buf)
                out.append(line)
            line, buf = _line(s, buf)
            out.append(line[:5])
            mark = line[5:45]
            while mark not in buf:
                buf += s.recv(65536)
            i = buf.index(mark)
            out.append(buf[:9])
            buf = buf[i + 40:]
            m.ok("SET", "a", "1")
            off = m.offset()
            # a diskless replica's stream starts at its first ACK once the master has it
            # online: ACK (every 50 ms here) until the bytes come
            s.settimeout(0.05)
            deadline = time.monotonic() + 10
            while len(buf) < off and time.monotonic() < deadline:
                s.sendall(encode("REPLCONF", "ACK", "0"))
                with contextlib.suppress(TimeoutError):
                    buf += s.recv(65536)
            s.settimeout(10)
            data, buf = _exactly(s, buf, off)
            out.append(data)
        finally:
            s.close()
        replid = m.info()["master_replid"]
        for capa in ("psync2", "eof"):
            with socket.create_connection(("127.0.0.1", m.port), timeout=10) as s2:
                b2 = b""
                s2.sendall(encode("REPLCONF", "capa", capa))
                line, b2 = _line(s2, b2)
                out.append(line)
                s2.sendall(encode("PSYNC", replid, "1"))
                line, b2 = _line(s2, b2)
                out.append(line)
                data, b2 = _exactly(s2, b2, off)
                out.append(data)
        out.append(m.info("stats")["sync_partial_ok"].encode())
        return [x.replace(replid.encode(), b"<replid>") for x in out]
    finally:
        gen.close()


def test_raw_handshake_and_psync_replies(tmp_path: Path) -> None:
    """The handshake's replies, the diskless framing, the stream after the first ACK and
    +CONTINUE (with the id for psync2, without for older replicas), byte for byte."""
    want = handshake_transcript("redis", tmp_path / "redis")
    got = handshake_transcript("redspec", tmp_path / "redspec")
    assert got == want
    assert want[1] == b"-ERR SYNC and PSYNC are invalid with pending output\r\n"
    assert want[5] == b"+FULLRESYNC <replid> 0\r\n" and want[6:8] == [b"$EOF:", b"REDIS0010"]


def keepalives(kind: str, workdir: Path) -> bytes:
    """What a SYNC replica of a ``kind`` master reads before the snapshot's ``$`` while a
    slowed disk BGSAVE (about 3 s: at least two of the once-a-second crons fall inside it
    however late a loaded machine runs them) runs: the cron's newline keepalives."""
    gen = nodes(workdir)
    nset = next(gen)
    try:
        m = nset.start(kind, "--repl-diskless-sync", "no", "--rdb-key-save-delay", "3000000")
        m.ok("SET", "k", "v")
        with socket.create_connection(("127.0.0.1", m.port), timeout=10) as s:
            s.sendall(encode("SYNC"))
            buf = b""
            while b"$" not in buf:
                data = s.recv(65536)
                if not data:
                    raise ConnectionError(buf)
                buf += data
            return buf[:buf.index(b"$")]
    finally:
        gen.close()


def test_newline_keepalives_during_a_disk_sync(tmp_path: Path) -> None:
    """Once a second the cron sends a bare newline to a replica waiting for a disk snapshot
    (outside the stream: offsets do not move)."""
    for kind in ("redis", "redspec"):
        pre = keepalives(kind, tmp_path / kind)
        assert pre and pre == b"\n" * len(pre), (kind, pre)
