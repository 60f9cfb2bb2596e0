"""Freeing in the background (``spec/lazyfree.py``): INFO's ``lazyfreed_objects`` and the
UNLINK that lazy expiry and eviction propagate.

Two halves:

- the rules at their boundaries on the spec in-process (an effort of 64 stays in the
  command, 65 goes to the thread; a tracking table of 62 ``k<i>`` keys has 64 rax nodes, 63
  keys 65), each a planted bug away from failing;
- the same session on a real redis-server 7.0.15 and on ``redspec serve``, comparing every
  reply and, after each step, ``lazyfreed_objects``. Redis frees in a background thread, so
  its figure is read once ``lazyfree_pending_objects`` is 0 and equal to redspec's, polled up
  to a deadline (a wait for a condition, not a sleep); the spec frees at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redspec.spec import db as db_module
from redspec.spec import lazyfree
from redspec.spec.rax import rax_node_count
from redspec.spec.server import client_connect, client_input, new_server, run_command
from redspec.spec.state import ServerState
from redspec.spec.step import Step
from redspec.spec.types.stream import rax_node_count as stream_rax
from tests.differential.rawclient import encode_request
from tests.replharness import Conn, Node, NodeSet, bulk, nodes, wait_in_sync, wait_until

NOW = 1_000_000


class S:
    """A spec server with one client, driven one command at a time."""

    def __init__(self, **config: Any) -> None:
        self.state: ServerState = new_server(now_ms=NOW, **config)
        self.state, self.cid = client_connect(self.state, NOW)
        self.now = NOW

    def __call__(self, *argv: bytes | str | int) -> bytes:
        args = [a if isinstance(a, bytes) else str(a).encode() for a in argv]
        self.state, frame = run_command(self.state, self.cid, args, self.now)
        return frame

    def effects(self, *argv: bytes | str) -> Any:
        self.state, eff = client_input(self.state, self.cid, encode_request(list(argv)), self.now)
        return eff

    def freed(self) -> int:
        return self.state.stats.lazyfreed_objects


def big_set(n: int) -> list[str]:
    """SADD arguments of ``n`` members that are not integers (a hashtable set in 7.0.15)."""
    return [f"m{i}" for i in range(n)]


def fill(s: S, key: str, kind: str, n: int) -> None:
    """A value of ``kind`` whose free effort is ``n`` (lists under list-max-listpack-size 1:
    one quicklist node per element; sorted sets and hashes pushed out of listpack by one long
    member)."""
    long = "x" * 100
    s("DEL", key)
    if kind == "set":
        s("SADD", key, *big_set(n))
    elif kind == "list":
        s("CONFIG", "SET", "list-max-listpack-size", "1")
        s("RPUSH", key, *[f"e{i}" for i in range(n)])
    elif kind == "zset":
        s("ZADD", key, 0, long, *[a for i in range(n - 1) for a in (i, f"m{i}")])
    elif kind == "hash":
        s("HSET", key, long, 1, *[a for i in range(n - 1) for a in (f"f{i}", "v")])


# -- the effort threshold, per type -----------------------------------------------------------

@pytest.mark.parametrize("kind", ["set", "list", "zset", "hash"])
@pytest.mark.parametrize(("n", "counted"), [(64, 0), (65, 1)])
def test_unlink_frees_in_the_background_above_64(kind: str, n: int, counted: int) -> None:
    s = S()
    fill(s, "k", kind, n)
    assert s("UNLINK", "k") == b":1\r\n"
    assert s.freed() == counted


def test_small_encodings_are_one_allocation() -> None:
    """An intset, a listpack hash or sorted set is one allocation whatever its length."""
    s = S()
    s("SADD", "i", *range(500))
    s("ZADD", "z", *[a for i in range(100) for a in (i, f"m{i}")])
    s("HSET", "h", *[a for i in range(100) for a in (f"f{i}", "v")])
    s("SET", "str", "x" * 10000)
    assert s("UNLINK", "i", "z", "h", "str") == b":4\r\n"
    assert s.freed() == 0


def test_stream_effort_is_rax_nodes_plus_groups_times_first_pel() -> None:
    s = S()
    s("CONFIG", "SET", "stream-node-max-entries", "1")
    for i in range(1, 31):
        s("XADD", "st", f"1-{i}", "f", "v")
    nodes = rax_node_count([(1).to_bytes(8, "big") + i.to_bytes(8, "big") for i in range(1, 31)])
    assert effort(s, b"st") == nodes
    s("XGROUP", "CREATE", "st", "b", "0")  # created first, but "a" is the rax's first
    s("XGROUP", "CREATE", "st", "a", "0")
    s("XREADGROUP", "GROUP", "a", "c", "COUNT", "5", "STREAMS", "st", ">")
    assert effort(s, b"st") == nodes + 2 * (1 + 5)


def effort(s: S, key: bytes) -> int:
    return lazyfree.free_effort(Step(s.state, s.now), s.state.dbs[0].keys[key])


# -- which deletions go to the thread -------------------------------------------------------------

def test_del_frees_in_the_background_only_under_lazyfree_lazy_user_del() -> None:
    s = S()
    fill(s, "a", "set", 65)
    s("DEL", "a")
    assert s.freed() == 0
    s("CONFIG", "SET", "lazyfree-lazy-user-del", "yes")
    fill(s, "a", "set", 65)
    s("DEL", "a")
    assert s.freed() == 1


@pytest.mark.parametrize("server_del", [False, True])
def test_server_deletes_and_overwrites_follow_lazyfree_lazy_server_del(server_del: bool) -> None:
    """dbDelete and dbSetValue: RENAME and COPY REPLACE over a key, SET and SUNIONSTORE over
    it, SUNIONSTORE of nothing over it, SORT STORE: each frees the old big value."""
    s = S()
    s("CONFIG", "SET", "lazyfree-lazy-server-del", "yes" if server_del else "no")
    s("SET", "str", "v")
    s("SADD", "small", "a")
    s("RPUSH", "l", "1")
    steps = [("RENAME", "str", "t"), ("COPY", "small", "t", "REPLACE"), ("SET", "t", "v"),
             ("SUNIONSTORE", "t", "small"), ("SUNIONSTORE", "t", "nothing"),
             ("SORT", "l", "STORE", "t")]
    for n, step in enumerate(steps, 1):
        if step[0] == "RENAME":
            s("SET", "str", "v")
        fill(s, "t", "set", 65)
        s(*step)
        assert s.freed() == (n if server_del else 0), step


@pytest.mark.parametrize("server_del", [False, True])
def test_spop_that_keeps_a_new_set_frees_the_old_one(server_del: bool) -> None:
    """SPOP key 90 of 100 members (``spopWithCountCommand``'s third case: the remaining
    members go to a new set, ``dbOverwrite``) frees the old set as an overwrite does: on
    7.0.15 ``lazyfreed_objects`` is 1 under ``lazyfree-lazy-server-del``, 0 without."""
    s = S()
    s("CONFIG", "SET", "lazyfree-lazy-server-del", "yes" if server_del else "no")
    s("SADD", "p", *big_set(100))
    assert s("SPOP", "p", "90").startswith(b"*90\r\n")
    assert s.freed() == (1 if server_del else 0)


def test_the_object_that_moves_is_not_freed() -> None:
    """RENAME's and MOVE's source: the same object lives on under the new name."""
    s = S()
    s("CONFIG", "SET", "lazyfree-lazy-server-del", "yes")
    fill(s, "a", "set", 65)
    s("RENAME", "a", "b")
    s("MOVE", "b", "1")
    assert s.freed() == 0
    s("SELECT", "1")
    s("UNLINK", "b")
    assert s.freed() == 1


@pytest.mark.parametrize("lazy", [False, True])
def test_expiry_frees_and_propagates_as_lazyfree_lazy_expire_says(lazy: bool) -> None:
    s = S()
    s("CONFIG", "SET", "lazyfree-lazy-expire", "yes" if lazy else "no")
    fill(s, "a", "set", 65)
    fill(s, "b", "set", 65)
    s("PEXPIRE", "b", "10")
    eff = s.effects("PEXPIREAT", "a", str(NOW - 1))  # already past: deleted at once
    assert [p[1][0] for p in eff.propagate] == [b"UNLINK" if lazy else b"DEL"]
    s.now += 11
    eff = s.effects("EXISTS", "b")  # passive expiry
    assert [p[1][0] for p in eff.propagate] == [b"UNLINK" if lazy else b"DEL"]
    assert s.freed() == (2 if lazy else 0)


@pytest.mark.parametrize("lazy", [False, True])
def test_eviction_frees_and_propagates_as_lazyfree_lazy_eviction_says(lazy: bool) -> None:
    s = S()
    s("CONFIG", "SET", "lazyfree-lazy-eviction", "yes" if lazy else "no")
    s("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
    fill(s, "a", "set", 65)
    prop = s.effects("CONFIG", "SET", "maxmemory", "1").propagate
    prop += s.effects("SET", "x", "1").propagate
    assert [p[1] for p in prop] == [(b"UNLINK" if lazy else b"DEL", b"a")]
    assert s.freed() == (1 if lazy else 0)


# -- whole databases and tables ---------------------------------------------------------------

def test_flush_async_counts_every_key() -> None:
    s = S()
    s("MSET", "a", "1", "b", "2", "c", "3")
    s("FLUSHDB", "SYNC")
    assert s.freed() == 0
    s("MSET", "a", "1", "b", "2", "c", "3")
    s("FLUSHDB", "ASYNC")
    assert s.freed() == 3
    s("SET", "a", "1")
    s("SELECT", "2")
    s("MSET", "x", "1", "y", "2")
    s("FLUSHALL", "ASYNC")
    assert s.freed() == 6
    s("SET", "a", "1")
    s("FLUSHALL")
    assert s.freed() == 6
    s("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes")
    s("SET", "a", "1")
    s("FLUSHALL")
    assert s.freed() == 7
    s("CONFIG", "RESETSTAT")
    assert s.freed() == 0
    assert b"lazyfreed_objects:0\r\n" in s("INFO", "memory")


def _tracking_session(keys: list[str], flush: str = "FLUSHDB") -> Any:
    """A RESP3 tracking client that read ``keys``, then ``flush`` ASYNC on another."""
    st = new_server(now_ms=NOW)
    st, t = client_connect(st, NOW)
    st, c = client_connect(st, NOW)
    st, _ = run_command(st, t, [b"HELLO", b"3"], NOW)
    st, _ = run_command(st, t, [b"CLIENT", b"TRACKING", b"on"], NOW)
    for k in keys:
        st, _ = run_command(st, t, [b"GET", k.encode()], NOW)
    st, _ = run_command(st, c, [flush.encode(), b"ASYNC"], NOW)
    return st.stats.lazyfreed_objects


@pytest.mark.parametrize(("keys", "counted"), [
    ([f"k{i}" for i in range(62)], 0), ([f"k{i}" for i in range(63)], 63),
    ([f"user:{i * 7:05d}" for i in range(35)], 0), ([f"user:{i * 7:05d}" for i in range(36)], 36),
    ([f"{i}x" for i in range(31)], 0), ([f"{i}x" for i in range(32)], 32)])
def test_tracking_table_goes_to_the_thread_above_64_rax_nodes(keys: list[str],
                                                               counted: int) -> None:
    """Each pair straddles 64 rax nodes (62 ``k<i>`` keys: 64 nodes, 63: 65); read on
    7.0.15."""
    assert _tracking_session(keys) == counted
    assert _tracking_session(keys, "FLUSHALL") == counted


@pytest.mark.parametrize(("n", "counted"), [(64, 0), (65, 65)])
def test_scripts_and_functions_go_to_the_thread_above_64(n: int, counted: int) -> None:
    s = S()
    for i in range(n):
        s("SCRIPT", "LOAD", f"return {i}")
    s("SCRIPT", "FLUSH", "SYNC")
    assert s.freed() == 0
    for i in range(n):
        s("SCRIPT", "LOAD", f"return {i}")
    s("SCRIPT", "FLUSH", "ASYNC")
    assert s.freed() == counted
    for i in range(n):
        s("FUNCTION", "LOAD", f"#!lua name=l{i}\nredis.register_function('f{i}', "
          "function() return 1 end)")
    s("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes")
    s("FUNCTION", "FLUSH")
    assert s.freed() == 2 * counted


# -- the rax count ----------------------------------------------------------------------------

def test_rax_node_count_shapes() -> None:
    assert rax_node_count([]) == 1
    assert rax_node_count([b"foo"]) == 2
    assert rax_node_count([b"foo", b"foobar"]) == 3  # "foo" / key "foo" + "bar" / key
    assert rax_node_count([b"a", b"b"]) == 3  # a branching root and two key nodes
    assert rax_node_count([f"k{i}".encode() for i in range(10)]) == 12
    # the last key parts from the others first: the shared run is bounded by first and last
    assert rax_node_count([b"a1", b"a2", b"b"]) == 5


def test_rax_node_count_of_stream_ids_is_xinfo_radix_tree_nodes() -> None:
    """The same count as the streams' own (XINFO STREAM radix-tree-nodes, checked live in
    the streams' tests) for 16-byte IDs sharing prefixes of every length."""
    rng = random.Random(7)
    for _ in range(300):
        ids = sorted({(rng.choice((1, 2, 1 << 40)).to_bytes(8, "big")
                       + rng.randrange(1 << rng.choice((2, 8, 20, 64))).to_bytes(8, "big"))
                      for _ in range(rng.randrange(1, 40))})
        assert rax_node_count(ids) == stream_rax(ids)


# -- planted bugs: the checks above fail ------------------------------------------------------

def test_planted_threshold_off_by_one_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lazyfree, "LAZYFREE_THRESHOLD", 63)
    with pytest.raises(AssertionError):
        test_unlink_frees_in_the_background_above_64("set", 64, 0)
    with pytest.raises(AssertionError):
        test_tracking_table_goes_to_the_thread_above_64_rax_nodes(
            [f"k{i}" for i in range(62)], 0)


def test_planted_unlink_as_sync_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "free_object_async", lambda s, v: None)
    with pytest.raises(AssertionError):
        test_unlink_frees_in_the_background_above_64("list", 65, 1)


# -- the same session on a real 7.0.15 ----------------------------------------------------------

@pytest.fixture
def ns(tmp_path: Path) -> Iterator[NodeSet]:
    yield from nodes(tmp_path)


def lazyfreed(n: Node) -> tuple[int, int]:
    """(lazyfree_pending_objects, lazyfreed_objects) from INFO memory."""
    i = n.info("memory")
    return int(i["lazyfree_pending_objects"]), int(i["lazyfreed_objects"])


def _big(key: str, n: int = 65) -> list[list[str]]:
    return [["DEL", key], ["SADD", key, *big_set(n)]]


#: The session: each entry runs on both servers, then both figures are compared.
SESSION: list[list[str]] = [
    *_big("a"), ["UNLINK", "a"], *_big("a", 64), ["UNLINK", "a"],
    ["CONFIG", "SET", "list-max-listpack-size", "1"],
    ["RPUSH", "l", *[f"e{i}" for i in range(65)]], ["UNLINK", "l"],
    ["RPUSH", "l", *[f"e{i}" for i in range(64)]], ["UNLINK", "l"],
    ["CONFIG", "SET", "list-max-listpack-size", "-2"],
    ["ZADD", "z", "0", "x" * 100, *[a for i in range(64) for a in (str(i), f"m{i}")]],
    ["UNLINK", "z"],
    ["HSET", "h", "x" * 100, "1", *[a for i in range(63) for a in (f"f{i}", "v")]],
    ["UNLINK", "h"],
    ["CONFIG", "SET", "stream-node-max-entries", "1"],
    *[["XADD", "st", f"1-{i}", "f", "v"] for i in range(1, 41)],
    ["XGROUP", "CREATE", "st", "g", "0"],
    ["XREADGROUP", "GROUP", "g", "c", "COUNT", "30", "STREAMS", "st", ">"],
    ["UNLINK", "st"],
    *_big("a"), ["DEL", "a"],
    ["CONFIG", "SET", "lazyfree-lazy-user-del", "yes"], *_big("a"), ["DEL", "a"],
    ["CONFIG", "SET", "lazyfree-lazy-server-del", "yes"],
    *_big("t"), ["SET", "t", "v"], *_big("t"), ["SET", "s", "v"], ["RENAME", "s", "t"],
    *_big("t"), ["SADD", "one", "a"], ["SUNIONSTORE", "t", "one"],
    *_big("t"), ["SUNIONSTORE", "t", "nothing"],
    *_big("t"), ["COPY", "one", "t", "REPLACE"],
    *_big("a"), ["RENAME", "a", "b"], ["MOVE", "b", "3"],
    ["CONFIG", "SET", "lazyfree-lazy-expire", "yes"], *_big("e"), ["PEXPIREAT", "e", "1"],
    ["MSET", "f1", "1", "f2", "2", "f3", "3"], ["FLUSHDB", "SYNC"],
    ["MSET", "f1", "1", "f2", "2", "f3", "3"], ["FLUSHDB", "ASYNC"],
    ["SET", "f1", "1"], ["FLUSHALL", "ASYNC"],
    ["CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"],
    ["MSET", "f1", "1", "f2", "2"], ["FLUSHALL"],
    *[["SCRIPT", "LOAD", f"return {i}"] for i in range(65)], ["SCRIPT", "FLUSH"],
    *[["SCRIPT", "LOAD", f"return {i}"] for i in range(64)], ["SCRIPT", "FLUSH", "ASYNC"],
    *[["FUNCTION", "LOAD", f"#!lua name=l{i}\nredis.register_function('f{i}', "
       "function() return 1 end)"] for i in range(65)],
    ["FUNCTION", "FLUSH", "ASYNC"],
    ["CONFIG", "RESETSTAT"],
    ["CONFIG", "SET", "maxmemory-policy", "allkeys-random"],
    ["CONFIG", "SET", "lazyfree-lazy-eviction", "yes"], *_big("a"), ["SET", "s", "1"],
    ["CONFIG", "SET", "maxmemory", "1"], ["SET", "x", "1"], ["CONFIG", "SET", "maxmemory", "0"],
]


def _agree(real: Node, ours: Node, step: list[str]) -> None:
    """redspec's figure, and the real server's once its thread has nothing pending and it
    shows the same (up to a deadline: then the last figure read is reported)."""
    want = lazyfreed(ours)
    last: list[tuple[int, int]] = []

    def same() -> bool:
        last[:] = [lazyfreed(real)]
        return last[0] == want

    try:
        wait_until(f"lazyfreed_objects after {step[:3]}", same, timeout=10.0, every=0.005)
    except AssertionError:
        raise AssertionError(f"after {step[:3]}: redis {last}, redspec {want}") from None


def test_lazyfreed_objects_agrees_with_real_redis(ns: NodeSet) -> None:
    real = ns.start("redis")
    ours = ns.start("redspec")
    for step in SESSION:
        a, b = real.call(*step), ours.call(*step)
        assert a == b, (step[:3], a, b)
        _agree(real, ours, step)
    # the tracking table: 63 keys read by a tracking client (opened now: no invalidation
    # of the session waits on it), then an async flush on the other connection
    tr = [Conn(n.port) for n in (real, ours)]
    try:
        for c in tr:
            assert c.call("HELLO", "3").startswith(b"%")
            assert c.call("CLIENT", "TRACKING", "on") == b"+OK\r\n"
        for i in range(63):
            for c in tr:
                c.call("GET", f"k{i}")
        for n in (real, ours):
            n.ok("FLUSHDB", "ASYNC")
        _agree(real, ours, ["FLUSHDB", "ASYNC", "(tracking)"])
        assert lazyfreed(ours)[1] >= 63
    finally:
        for c in tr:
            c.close()


def test_replica_lazy_flush_agrees_with_real_redis(ns: NodeSet) -> None:
    """A replica under replica-lazy-flush frees its old keys in the background before the
    full sync loads its master's (each kind of replica of the same real master)."""
    m = ns.start("redis")
    m.ok("SET", "from-master", "1")
    reps = [ns.start(kind, "--replica-lazy-flush", "yes") for kind in ("redis", "redspec")]
    for r in reps:
        r.ok("MSET", "old1", "1", "old2", "2", "old3", "3")
        r.ok("SELECT", "4")
        r.ok("SET", "old4", "4")
        r.ok("SELECT", "0")
        r.replicaof(m)
    wait_in_sync(m, *reps)
    _agree(reps[0], reps[1], ["REPLICAOF"])
    assert lazyfreed(reps[1]) == (0, 4)


def test_unlink_is_what_lazy_expiry_and_eviction_propagate(ns: NodeSet) -> None:
    """The AOF of both servers after a lazy passive expiry and a lazy eviction: the same
    commands, UNLINK for the deletions."""
    names = []
    for kind in ("redis", "redspec"):
        n = ns.start(kind, "--appendonly", "yes", "--appendfsync", "always",
                     "--lazyfree-lazy-expire", "yes", "--lazyfree-lazy-eviction", "yes",
                     "--maxmemory-policy", "allkeys-random")
        n.ok("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        n.ok("SET", "a", "1", "PX", "1")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and n.call("GET", "a") != b"$-1\r\n":
            pass  # until the TTL has passed: that GET expires the key (passive expiry)
        n.ok("SET", "b", "1")
        n.ok("CONFIG", "SET", "maxmemory", "1")
        n.call("SET", "c", "1")  # evicts b, then refused
        n.ok("CONFIG", "SET", "maxmemory", "0")
        aof = sorted((n.workdir / "appendonlydir").glob("*.incr.aof"))[-1].read_bytes()
        names.append([cmd for cmd in _commands(aof)])
    assert names[0] == names[1]
    assert [b"UNLINK", b"a"] in names[0] and [b"UNLINK", b"b"] in names[0]


def _commands(aof: bytes) -> list[list[bytes]]:
    """Each command of an AOF as its name and first argument (the rest carries times)."""
    out = []
    for part in aof.split(b"*")[1:]:
        lines = part.split(b"\r\n")
        argv = lines[2::2][:2]
        out.append([argv[0].upper(), *argv[1:]])
    return out


def test_info_reads_the_counter() -> None:
    s = S()
    fill(s, "a", "set", 65)
    s("UNLINK", "a")
    assert b"lazyfreed_objects:1\r\n" in bulk(s("INFO", "memory"))
