"""FAILOVER between real Redis 7.0.15 and ``redspec serve``: a redspec master with a 7.0.15
replica, a 7.0.15 master with a redspec replica, and two redspec servers hand the master role
over (FAILOVER, FAILOVER TO, FAILOVER TO … TIMEOUT), with ROLE, INFO's
``master_failover_state``, a partial (not full) resync of the old master, equal DEBUG DIGESTs,
and a write paused during the failover answered ``-READONLY`` afterwards. The error replies
and the states a failover passes through are compared byte for byte between a 7.0.15 pair and
a redspec pair; TIMEOUT without FORCE (abort), with FORCE (fail over anyway) and FAILOVER
ABORT in ``failover-in-progress`` are run against both kinds of master.

A replica is held still with SIGSTOP where a test needs the failover to stay in
``waiting-for-sync`` (it cannot acknowledge); everything else waits on a condition polled with
a deadline (``tests.replharness``), never on a sleep.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.replharness import Conn, Node, NodeSet, nodes, wait_in_sync, wait_until

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server 7.0.15")

FAST = ("--repl-diskless-sync-delay", "0")
READONLY = b"-READONLY You can't write against a read only replica.\r\n"


@pytest.fixture
def ns(tmp_path: Path) -> Iterator[NodeSet]:
    yield from nodes(tmp_path)


def failover_state(n: Node) -> str:
    return n.info()["master_failover_state"]


def pair(ns: NodeSet, mkind: str, rkind: str, *extra: str) -> tuple[Node, Node]:
    """A master and one replica of it, in sync."""
    m = ns.start(mkind, *FAST, *extra)
    r = ns.start(rkind)
    assert r.replicaof(m) == b"+OK\r\n"
    wait_in_sync(m, r)
    return m, r


class Stopped:
    """A server held still (SIGSTOP) for the block's duration: it reads nothing, so it
    acknowledges nothing."""

    def __init__(self, n: Node) -> None:
        self.n = n

    def __enter__(self) -> Node:
        os.kill(self.n.proc.pid, signal.SIGSTOP)
        return self.n

    def __exit__(self, *exc: object) -> None:
        os.kill(self.n.proc.pid, signal.SIGCONT)


def pipeline(n: Node, *cmds: tuple[str | int, ...]) -> list[bytes]:
    """Several commands written at once on the node's connection; their raw replies."""
    for c in cmds:
        n.conn.send(*c)
    return [n.conn.read() for _ in cmds]


def state_field(frame: bytes) -> bytes:
    """``master_failover_state:…`` out of an INFO reply frame."""
    for line in frame.split(b"\r\n"):
        if line.startswith(b"master_failover_state:"):
            return line
    raise AssertionError(frame)


def error_transcript(ns: NodeSet, kind: str) -> list[bytes]:
    """Every refusal of FAILOVER (and of what a failover forbids) a server of ``kind`` gives,
    in the states that produce them."""
    out: list[bytes] = []
    alone = ns.start(kind)
    for argv in (("FAILOVER", "ABORT"), ("FAILOVER", "ABORT", "x"), ("FAILOVER", "TIMEOUT", "0"),
                 ("FAILOVER", "TIMEOUT", "-1"), ("FAILOVER", "TIMEOUT", "abc"),
                 ("FAILOVER", "TIMEOUT", "99999999999999999999"),
                 ("FAILOVER", "TIMEOUT", "5", "TIMEOUT", "6"), ("FAILOVER", "TO", "h"),
                 ("FAILOVER", "TO", "h", "x"), ("FAILOVER", "FORCE", "FORCE"),
                 ("FAILOVER", "BLAH"), ("FAILOVER", "TIMEOUT", "0", "BLAH"),
                 ("FAILOVER", "BLAH", "TIMEOUT", "0"), ("FAILOVER", "ABORT", "TIMEOUT", "5"),
                 ("FAILOVER",), ("FAILOVER", "FORCE"), ("FAILOVER", "TO", "127.0.0.1", "1"),
                 ("PSYNC", "abc", "1", "FAILOVER"), ("FAILOVER", "abort"),
                 ("failover", "to", "h", "1", "timeout", "1", "force", "abort")):
        out.append(alone.call(*argv))
    m, r = pair(ns, kind, kind)
    out.append(r.call("FAILOVER"))
    out.append(r.call("PSYNC", "0" * 40, "1", "FAILOVER"))
    for argv in (("FAILOVER", "FORCE"), ("FAILOVER", "FORCE", "TIMEOUT", "10"),
                 ("FAILOVER", "TO", "127.0.0.1", r.port + 1 if r.port < 65535 else 1),
                 ("FAILOVER", "TO", "127.0.0.1", r.port, "FORCE"),
                 ("FAILOVER", "TO", "localhost", r.port)):
        out.append(m.call(*argv))
    with Stopped(r):
        replies = pipeline(m, ("SET", "k", "v"), ("FAILOVER",), ("INFO", "replication"),
                           ("FAILOVER",), ("FAILOVER", "TIMEOUT", "5"), ("PSYNC", "?", "-1"),
                           ("REPLICAOF", "NO", "ONE"), ("REPLICAOF", "127.0.0.1", "1"),
                           ("FAILOVER", "ABORT"), ("INFO", "replication"),
                           ("FAILOVER", "ABORT"))
    replies[2], replies[9] = state_field(replies[2]), state_field(replies[9])
    out += replies
    # a replica not online yet: the master has not started its BGSAVE
    slow = ns.start(kind, "--repl-diskless-sync-delay", "60")
    late = ns.start("redis")
    late.replicaof(slow)
    wait_until("the late replica to ask for a sync",
               lambda: "wait_bgsave" in slow.info().get("slave0", ""))
    out.append(slow.call("FAILOVER", "TO", "127.0.0.1", late.port))
    return out


def test_errors_and_states_byte_for_byte(ns: NodeSet) -> None:
    want = error_transcript(ns, "redis")
    got = error_transcript(ns, "redspec")
    assert got == want
    assert b"-ERR FAILOVER target replica is not online.\r\n" in want
    assert b"-NOMASTERLINK Can't SYNC while failing over\r\n" in want
    assert b"master_failover_state:waiting-for-sync" in want


#: (master kind, replica kind, FAILOVER's options; "{port}" is the replica's port)
CASES = [("redspec", "redis", ()),
         ("redis", "redspec", ("TO", "127.0.0.1", "{port}")),
         ("redspec", "redspec", ("TO", "127.0.0.1", "{port}", "TIMEOUT", "20000"))]


@pytest.mark.parametrize("mkind,rkind,opts", CASES,
                         ids=["redis-of-redspec", "redspec-of-redis", "redspec-of-redspec"])
def test_failover_hands_over(ns: NodeSet, mkind: str, rkind: str,
                             opts: tuple[str, ...]) -> None:
    m, r = pair(ns, mkind, rkind)
    for i in range(20):
        m.ok("SET", f"k{i}", f"v{i}")
    m.ok("HSET", "h", "f", "v")
    wait_in_sync(m, r)
    assert m.call("ROLE").startswith(b"*3\r\n$6\r\nmaster\r\n")
    before = int(r.info("stats")["sync_partial_ok"])
    full_before = int(r.info("stats")["sync_full"])
    argv = ["FAILOVER"] + [o.format(port=r.port) for o in opts]
    got = pipeline(m, ("INCR", "n"), tuple(argv), ("INFO", "replication"))
    assert got[:2] == [b":1\r\n", b"+OK\r\n"]
    assert state_field(got[2]) in (b"master_failover_state:waiting-for-sync",
                                   b"master_failover_state:failover-in-progress")
    paused = Conn(m.port)
    paused.send("SET", "late", "x")  # paused, then refused: m is a replica by then
    assert paused.read() == READONLY
    wait_until("the old master following the new one",
               lambda: m.info().get("master_link_status") == "up")
    assert failover_state(m) == "no-failover" and failover_state(r) == "no-failover"
    assert m.call("ROLE").startswith(b"*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n")
    assert r.call("ROLE").startswith(b"*3\r\n$6\r\nmaster\r\n")
    assert int(m.info()["master_port"]) == r.port
    wait_in_sync(r, m)
    assert r.call("GET", "n") == b"$1\r\n1\r\n" and r.call("EXISTS", "late") == b":0\r\n"
    stats = r.info("stats")
    assert int(stats["sync_partial_ok"]) == before + 1  # the old master continued
    assert int(stats["sync_full"]) == full_before
    ri, mi = r.info(), m.info()
    assert ri["master_replid2"] == mi["master_replid2"] != "0" * 40
    assert m.call("SET", "x", "1") == READONLY
    assert r.call("SET", "x", "1") == b"+OK\r\n"
    wait_in_sync(r, m)


@pytest.mark.parametrize("mkind", ["redis", "redspec"])
def test_timeout_force_and_abort(ns: NodeSet, mkind: str) -> None:
    m, r = pair(ns, mkind, "redis")
    with Stopped(r):
        # TIMEOUT without FORCE: the replica never catches up, the failover is aborted and
        # the paused write runs on the master
        assert pipeline(m, ("SET", "a", "1"), ("FAILOVER", "TIMEOUT", "200")) == \
            [b"+OK\r\n", b"+OK\r\n"]
        paused = Conn(m.port)
        paused.send("SET", "b", "2")
        assert paused.read() == b"+OK\r\n"
        assert failover_state(m) == "no-failover"
        assert m.call("ROLE").startswith(b"*3\r\n$6\r\nmaster\r\n")
        # FORCE: past the timeout the master fails over anyway; the stopped target does not
        # answer, so it stays in progress until FAILOVER ABORT makes it a master again
        replid = m.info()["master_replid"]
        assert pipeline(m, ("SET", "c", "3"),
                        ("FAILOVER", "TO", "127.0.0.1", r.port, "TIMEOUT", "100", "FORCE")) \
            == [b"+OK\r\n", b"+OK\r\n"]
        paused.send("SET", "d", "4")
        wait_until("failover-in-progress", lambda: failover_state(m) == "failover-in-progress")
        assert m.info()["role"] == "slave"
        assert m.call("FAILOVER", "ABORT") == b"+OK\r\n"
        assert paused.read() == b"+OK\r\n"
        info = m.info()
        assert info["role"] == "master" and info["master_failover_state"] == "no-failover"
        assert info["master_replid2"] == replid != info["master_replid"]
    # FORCE once more with the target awake: it takes over
    r.replicaof(m)
    wait_in_sync(m, r)
    with Stopped(r):
        assert pipeline(m, ("SET", "e", "5"),
                        ("FAILOVER", "TO", "127.0.0.1", r.port, "TIMEOUT", "100", "FORCE")) \
            == [b"+OK\r\n", b"+OK\r\n"]
        wait_until("failover-in-progress", lambda: failover_state(m) == "failover-in-progress")
    wait_until("the old master following the target",
               lambda: m.info().get("master_link_status") == "up")
    assert failover_state(m) == "no-failover" and r.info()["role"] == "master"
    wait_in_sync(r, m)


def blocked_clients(n: Node) -> int:
    return int(n.info("clients")["blocked_clients"])


@pytest.mark.parametrize("mkind", ["redis", "redspec"])
def test_pause_purposes(ns: NodeSet, mkind: str) -> None:
    """FAILOVER's pause is its own: CLIENT UNPAUSE does not end it, and a CLIENT PAUSE ALL
    ending leaves the writes paused (7.0's one pause per purpose)."""
    m, r = pair(ns, mkind, "redis")
    with Stopped(r):
        assert pipeline(m, ("SET", "a", "1"), ("FAILOVER",), ("CLIENT", "PAUSE", "100000", "WRITE"),
                        ("CLIENT", "UNPAUSE")) == [b"+OK\r\n"] * 4
        w = Conn(m.port)
        w.send("SET", "b", "2")
        wait_until("the write postponed", lambda: blocked_clients(m) == 1)
        assert failover_state(m) == "waiting-for-sync"
        assert pipeline(m, ("FAILOVER", "ABORT"), ("CLIENT", "PAUSE", "300", "ALL")) == \
            [b"+OK\r\n", b"+OK\r\n"]
        assert w.read() == b"+OK\r\n"  # once the ALL pause is over
        assert pipeline(m, ("FAILOVER",), ("CLIENT", "PAUSE", "300", "ALL")) == \
            [b"+OK\r\n", b"+OK\r\n"]
        g = Conn(m.port)
        g.send("GET", "b")
        w.send("SET", "c", "3")
        assert g.read() == b"$1\r\n2\r\n"  # the ALL pause ended: reads run, writes wait
        wait_until("the write still postponed", lambda: blocked_clients(m) == 1)
        assert m.call("FAILOVER", "ABORT") == b"+OK\r\n"
        assert w.read() == b"+OK\r\n"
