"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
replication modules (issue #22, ``tools/mutation.py`` over ``spec/backlog.py``,
``spec/replfeed.py``, ``spec/replication.py`` and the modules after them), in the pattern
of ``properties/test_boundary_gapkeys.py``: each check puts a rule exactly on its boundary,
and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_repl_agrees_with_redis``. Observed on redis-server 7.0.15:

- ``REPLCONF ip-address`` takes 255 bytes (``+OK``) and refuses 256 ("ERR REPLCONF
  ip-address provided by replica instance is too long: 256 bytes"); ``REPLCONF rdb-only``
  takes 0 and 1 and refuses 2 and -1 ("ERR value is out of range, value must between 0 and
  1") and ``abc`` ("ERR value is not an integer or out of range"); ``REPLCONF`` alone is ``+OK``, with an option and no value a syntax error;
- a replica that sent ``REPLCONF rdb-only 1`` gets its snapshot (disk sync) and is then
  disconnected ("RDB transfer completed, rdb only replica (...) should be disconnected
  asap"); with ``rdb-only 0`` it gets the writes that follow (the spec put it online and
  kept it: fixed with this check);
- ``WAIT 0 0`` answers 0 at once, ``WAIT 0 -1`` is "ERR timeout is negative".
- PSYNC's refusals log by their edges (second id at its limit: lack of backlog; one past:
  "Requested offset for second ID"; the warning only past ``master_repl_offset``);
  ``second_repl_offset`` is ``master_repl_offset + 1`` after REPLICAOF NO ONE and -1
  (``master_replid2`` 40 zeros) once the first replica makes the backlog;
- ``sync_full`` / ``sync_partial_err`` count full syncs and refused non-``?`` PSYNCs; SYNC
  gets the bare ``$<len>`` snapshot; a second replica shares a running disk BGSAVE
  ("Waiting for end of BGSAVE for SYNC"), a replica waiting for the diskless delay gets its
  own ``+FULLRESYNC`` when another one's disk BGSAVE starts, and one that arrived during a
  diskless BGSAVE waits for the delay after it (5.3 s with delay 5); a replica of an
  unconnected replica gets NOMASTERLINK;
- the BGSAVE's target (sockets with ``capa eof``, else disk) and framing (``$EOF:<mark>``
  or ``$<len>``); ``total_forks`` counts both, ``rdb_saves`` the disk one only;
- CONFIG SET repl-backlog-size trims at once (seen inside MULTI); a full sync makes the
  next write re-select its db (``repl-stream-db`` 0 in a SAVE); a replica waiting for its
  snapshot keeps the backlog from its first byte (``first_byte_offset:1`` over 200 KB).

From 7.0.15's source: a failed replication fork answers every waiting replica "-ERR BGSAVE
failed, replication can't continue" (``startBgsaveForReplication``); a replica over the
``replica`` class's hard output-buffer limit is closed.

Of the model (no client of Redis sees it, but the spec's determinism does):

- ``getRandomHexChars`` of 40 characters draws exactly five 32-bit words of the explicit
  PRNG (eight hex characters each), so what draws next (the next replid, RANDOMKEY, SPOP)
  is the same whoever replays the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from redspec.properties.driver import Session, delivered
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import persist, replication
from redspec.spec import replnet as N
from redspec.spec import server as S
from redspec.spec.backlog import backlog_from
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.persist import save_state
from redspec.spec.rdb import Limits, decode_file
from redspec.spec.resp import encode_request
from redspec.spec.server import new_server
from redspec.spec.state import (
    FAILOVER_WAIT_FOR_SYNC,
    SLAVE_STATE_WAIT_BGSAVE_END,
    SLAVE_STATE_WAIT_BGSAVE_START,
    ServerState,
)
from redspec.spec.step import Step

NAME = "boundary_repl_agrees_with_redis"
T0 = 1_700_000_000_000


class Node:
    """One spec server driven by hand: ``call`` runs a command for a client (the world
    answering a fork with success), ``connect`` adds a client."""

    def __init__(self, now: int = T0, **config: Any) -> None:
        self.now = now
        self.state = S.new_server(now, **config)
        self.pid = 4242
        self.eff: Any = None
        #: What each client was sent by the last :meth:`send`.
        self.got: dict[int, bytes] = {}
        #: Log lines the transitions handed to the world in their effects.
        self.logs: list[str] = []
        self.cid = self.connect()

    def connect(self, addr: str = "127.0.0.1:50000") -> int:
        self.state, cid = S.client_connect(self.state, self.now, addr=addr)
        return cid

    def run(self, fn: Callable[[ServerState], tuple[ServerState, Any]]) -> Any:
        st = self.state
        while True:
            try:
                self.state, out = fn(st)
                self.logs += [op[2] for op in getattr(out, "aof_ops", ()) if op[0] == "log"]
                return out
            except persist.ForkOutcomeNeeded:
                st = persist.with_fork_outcome(st, self.pid, 7)
                self.pid += 1

    def call(self, *argv: bytes, cid: int | None = None) -> bytes:
        who = self.cid if cid is None else cid
        out: bytes = self.run(lambda st: S.run_command(st, who, list(argv), self.now))
        return out

    def send(self, cid: int, *argv: bytes) -> bytes:
        """``argv`` read from client ``cid``'s connection: what the client is sent now (the
        effects' output, then its pending reply, taken as written)."""
        eff = self.run(lambda st: S.client_input(st, cid, encode_request(list(argv)),
                                                 self.now))
        self.eff = eff
        self.state, self.got = delivered(self.state, eff)
        return self.got.get(cid, b"")

    def turn(self) -> None:
        """One event-loop turn with no input at ``now`` (serverCron when due, beforeSleep)."""
        self.eff = self.run(lambda st: event_loop_turn(st, self.now, {}, {}))

    def info(self) -> dict[str, str]:
        text = self.call(b"INFO", b"replication").split(b"\r\n", 1)[1].decode()
        return dict(ln.split(":", 1) for ln in text.splitlines() if ":" in ln)

    def all_logs(self) -> list[str]:
        return self.logs + [op[2] for op in self.state.aof.ops if op[0] == "log"]

    def logged(self, text: str) -> bool:
        return text in self.all_logs()


def _promoted() -> Node:
    """A fresh server made a replica of an unreachable master, then a master again
    (``REPLICAOF NO ONE``): its first history is the second id, valid up to offset 1, and
    it has no backlog (redis-server 7.0.15: ``master_replid2`` set, ``second_repl_offset:1``,
    ``repl_backlog_active:0``)."""
    n = Node()
    assert n.call(b"REPLICAOF", b"127.0.0.1", b"1") == b"+OK\r\n"
    assert n.call(b"REPLICAOF", b"NO", b"ONE") == b"+OK\r\n"
    return n


def check_random_hex_draws_five_words() -> None:
    """``random_hex(s)`` (40 characters) is five PRNG words as 8 hex digits each, XORed with
    the salt, and leaves the PRNG exactly five draws on."""
    s = Step(new_server(T0, seed=1234), T0)
    ref = Step(new_server(T0, seed=1234), T0)
    words = "".join(f"{ref.random():08x}" for _ in range(5))
    salt = s.part("repl").salt
    got = replication.random_hex(s)
    assert got == "".join(f"{int(a, 16) ^ int(b, 16):x}" for a, b in zip(words, salt, strict=True)), \
        f"{NAME}: random_hex: {got}"
    assert s.rng == ref.rng, f"{NAME}: random_hex drew more (or fewer) than five words"


def check_replconf_limits() -> None:
    """REPLCONF's edges as 7.0.15 answers them (see the module docstring)."""
    c = Session(T0)
    assert c.call(b"REPLCONF", b"ip-address", b"a" * 255) == b"+OK\r\n", f"{NAME}: ip 255"
    assert c.call(b"REPLCONF", b"ip-address", b"a" * 256) == (
        b"-ERR REPLCONF ip-address provided by replica instance is too long: 256 bytes\r\n"), \
        f"{NAME}: ip 256"
    rng = b"-ERR value is out of range, value must between 0 and 1\r\n"
    for v, want in ((b"0", b"+OK\r\n"), (b"1", b"+OK\r\n"), (b"2", rng), (b"-1", rng)):
        got = c.call(b"REPLCONF", b"rdb-only", v)
        assert got == want, f"{NAME}: REPLCONF rdb-only {v!r}: {got!r}"
    assert c.call(b"REPLCONF", b"listening-port", b"5") == b"+OK\r\n", f"{NAME}: port 5"
    for opt in (b"rdb-only", b"listening-port"):
        got = c.call(b"REPLCONF", opt, b"abc")
        assert got == b"-ERR value is not an integer or out of range\r\n", \
            f"{NAME}: REPLCONF {opt!r} abc: {got!r}"
    got = c.call(b"REPLCONF", b"rdb-only", b"abc")
    assert got == b"-ERR value is not an integer or out of range\r\n", f"{NAME}: {got!r}"
    assert c.call(b"REPLCONF") == b"+OK\r\n", f"{NAME}: REPLCONF alone"
    assert c.call(b"REPLCONF", b"a") == b"-ERR syntax error\r\n", f"{NAME}: REPLCONF a"


def check_wait_edges() -> None:
    """``WAIT 0 0`` answers 0 at once; ``WAIT 0 -1`` refuses a negative timeout."""
    c = Session(T0)
    assert c.call(b"WAIT", b"0", b"0") == b":0\r\n", f"{NAME}: WAIT 0 0"
    assert c.call(b"WAIT", b"0", b"-1") == b"-ERR timeout is negative\r\n", f"{NAME}: WAIT -1"


def check_replid2_cleared() -> None:
    """The first replica creates the backlog under a new replid and clears the second one:
    INFO shows ``master_replid2`` as 40 zeros and ``second_repl_offset:-1`` (redis-server
    7.0.15), also on a server whose second id was set (a promoted replica)."""
    n = _promoted()
    r = n.connect()
    n.call(b"PSYNC", b"?", b"-1", cid=r)
    info = n.info()
    got = (info["master_replid2"], info["second_repl_offset"])
    assert got == ("0" * 40, "-1"), f"{NAME}: the second id after the first replica: {got}"


def check_second_offset_after_promotion() -> None:
    """REPLICAOF NO ONE keeps the old history valid up to the next byte:
    ``second_repl_offset`` is ``master_repl_offset + 1`` (redis-server 7.0.15: 50 and 51 on
    a replica that had synced 50 bytes; 0 and 1 on one that never synced)."""
    n = _promoted()
    info = n.info()
    assert (info["master_repl_offset"], info["second_repl_offset"]) == ("0", "1"), \
        f"{NAME}: after REPLICAOF NO ONE: {info}"


def check_psync_refusal_logs() -> None:
    """``masterTryPartialResynchronization``'s log lines at their edges, each on a fresh
    promoted server (no backlog, second id valid up to offset 1), as redis-server 7.0.15
    logged them: the second id at offset 1 (its limit) is refused for lack of backlog, with
    the warning (1 > offset 0); at offset 2 for the second id's limit; the current id at
    offset 0 for lack of backlog without the warning, at offset 1 with it."""
    lack = ("Unable to partial resync with replica 127.0.0.1:<unknown-replica-port> for "
            "lack of backlog (Replica request was: {}).")
    warn = ("Warning: replica 127.0.0.1:<unknown-replica-port> tried to PSYNC with an offset "
            "that is greater than the master replication offset.")
    for which, off, lines, absent in (
            ("replid2", 1, [lack.format(1), warn], ["Requested offset for second ID"]),
            ("replid2", 2, ["Partial resynchronization not accepted: Requested offset for "
                            "second ID was 2, but I can reply up to 1"], ["lack of backlog"]),
            ("replid", 0, [lack.format(0)], ["tried to PSYNC"]),
            ("replid", 1, [lack.format(1), warn], [])):
        n = _promoted()
        rid = n.state.repl.replid if which == "replid" else n.state.repl.replid2
        r = n.connect()
        got = n.call(b"PSYNC", rid.encode(), b"%d" % off, cid=r)
        assert got == b"", f"{NAME}: PSYNC {which} {off}: {got!r}"
        for line in lines:
            assert n.logged(line), f"{NAME}: PSYNC {which} {off}: not logged {line!r}"
        logs = n.all_logs()
        for part in absent:
            assert not any(part in t for t in logs), \
                f"{NAME}: PSYNC {which} {off}: logged {part!r}: {logs}"


def _synced(n: Node, *replconf: bytes) -> int:
    """A replica client that sent ``REPLCONF <replconf>`` and ``PSYNC ? -1`` (a disk sync:
    no ``capa eof``), its BGSAVE child ended and serverCron handled it; returns its id."""
    r = n.connect()
    if replconf:
        assert n.call(b"REPLCONF", *replconf, cid=r) == b"+OK\r\n"
    n.call(b"PSYNC", b"?", b"-1", cid=r)
    child = n.state.persist.child
    assert child is not None, f"{NAME}: setup: no BGSAVE for the replica"
    n.state = persist.with_child_exit(n.state, child.pid, 0, 0)
    n.now += 1000
    n.turn()
    return r


def check_rdb_only_replica() -> None:
    """``REPLCONF rdb-only 1``: the replica gets the snapshot and is then closed, never
    online and never fed the stream ("RDB transfer completed, rdb only replica (...) should
    be disconnected asap", then the connection closes: redis-server 7.0.15, disk sync);
    ``rdb-only 0`` (or none) goes online ("Synchronization with replica
    127.0.0.1:<unknown-replica-port> succeeded") and gets the writes that follow."""
    n = Node()
    r = _synced(n, b"rdb-only", b"1")
    c = n.state.clients[r]
    assert c.closing and c.reply.startswith(b"$") and b"REDIS" in c.reply, \
        f"{NAME}: rdb-only 1: not closed after its snapshot ({c.closing}, {c.reply[:20]!r})"
    assert n.logged("RDB transfer completed, rdb only replica (127.0.0.1:<unknown-replica-port>) "
                    "should be disconnected asap"), f"{NAME}: rdb-only 1: no log line"
    for flag in (b"0", None):
        n = Node()
        r = _synced(n, *((b"rdb-only", flag) if flag else ()))
        n.call(b"SET", b"k", b"v")
        n.turn()
        c = n.state.clients[r]
        assert not c.closing and c.reply.endswith(b"$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"), \
            f"{NAME}: rdb-only {flag!r}: not online or not fed the stream: {c.reply[-40:]!r}"
        assert n.logged("Synchronization with replica 127.0.0.1:<unknown-replica-port> "
                        "succeeded"), f"{NAME}: rdb-only {flag!r}: no log line"


def _stats(n: Node) -> dict[str, str]:
    text = n.call(b"INFO", b"stats").split(b"\r\n", 1)[1].decode()
    return dict(ln.split(":", 1) for ln in text.splitlines() if ":" in ln)


def check_sync_counters() -> None:
    """INFO stats counts every full sync (``sync_full``) and the refused partial ones other
    than ``?`` (``sync_partial_err``): after ``PSYNC abc 5`` and ``PSYNC ? -1``,
    ``sync_full:2``, ``sync_partial_err:1`` (redis-server 7.0.15)."""
    n = Node()
    for argv in ((b"PSYNC", b"abc", b"5"), (b"PSYNC", b"?", b"-1")):
        got = n.send(n.connect(), *argv)
        assert got.startswith(b"+FULLRESYNC "), f"{NAME}: setup: {argv}: {got!r}"
    st = _stats(n)
    got = (st["sync_full"], st["sync_partial_ok"], st["sync_partial_err"])
    assert got == ("2", "0", "1"), f"{NAME}: sync_full, sync_partial_ok, sync_partial_err: {got}"


def check_sync_gets_no_fullresync() -> None:
    """SYNC (the old protocol) is answered with the snapshot alone, no ``+FULLRESYNC`` line
    first (redis-server 7.0.15: ``$182\\r\\nREDIS0010...``)."""
    n = Node()
    r = n.connect()
    assert n.send(r, b"SYNC") == b"", f"{NAME}: SYNC answered before its snapshot"
    child = n.state.persist.child
    assert child is not None, f"{NAME}: setup: no BGSAVE"
    n.state = persist.with_child_exit(n.state, child.pid, 0, 0)
    n.now += 1000
    n.turn()
    got = n.state.clients[r].reply
    head, _, body = got.partition(b"\r\n")
    size = int(head[1:]) if head[1:].isdigit() else -1
    assert len(body) >= size >= 0 and body.startswith(b"REDIS") and \
        body[size:size + 1] in (b"", b"*"), f"{NAME}: SYNC's snapshot: {got[:50]!r}"


def check_second_replica_joins_bgsave() -> None:
    """A second replica asking for a full sync while the first one's disk BGSAVE runs (same
    capabilities) shares it: ``+FULLRESYNC`` with the same offset at once, "Waiting for end
    of BGSAVE for SYNC" (redis-server 7.0.15, rdb-key-save-delay making the BGSAVE last)."""
    n = Node()
    first = n.send(n.connect(), b"PSYNC", b"?", b"-1")
    b = n.connect()
    got = n.send(b, b"PSYNC", b"?", b"-1")
    assert got == first, f"{NAME}: the second replica got {got!r}, the first {first!r}"
    link = n.state.clients[b].info.repl
    assert link is not None and link.state == SLAVE_STATE_WAIT_BGSAVE_END, \
        f"{NAME}: the second replica does not wait for the running BGSAVE"
    assert n.logged("Waiting for end of BGSAVE for SYNC"), f"{NAME}: no log line"


def check_replica_refuses_sync_unconnected() -> None:
    """A replica whose link to its master is not up refuses a replica of its own:
    "-NOMASTERLINK Can't SYNC while not connected with my master" (redis-server 7.0.15,
    ``REPLICAOF 127.0.0.1 1``)."""
    n = Node()
    n.call(b"REPLICAOF", b"127.0.0.1", b"1")
    got = n.send(n.connect(), b"PSYNC", b"?", b"-1")
    assert got == b"-NOMASTERLINK Can't SYNC while not connected with my master\r\n", \
        f"{NAME}: PSYNC to an unconnected replica: {got!r}"


def check_config_set_backlog_size_trims() -> None:
    """CONFIG SET repl-backlog-size trims the backlog at once (``resizeReplicationBacklog``):
    inside MULTI, the INFO after it already shows the shorter window (redis-server 7.0.15:
    120,167 bytes held, then 58,807 from offset 61,361 after ``CONFIG SET repl-backlog-size
    16384``, before the transaction ended)."""
    n = Node()
    r = n.connect()
    n.send(r, b"PSYNC", b"?", b"-1")
    n.state = S.client_disconnect(n.state, r, n.now)
    for k in (b"big", b"big2"):
        n.call(b"SET", k, b"x" * 60000)
    before = n.info()
    out = b""
    for argv in ([b"MULTI"], [b"CONFIG", b"SET", b"repl-backlog-size", b"16384"],
                 [b"INFO", b"replication"], [b"EXEC"]):
        out = n.call(*argv)
    text = out.decode("latin-1")
    after = dict(ln.split(":", 1) for ln in text.split("\r\n") if ln.startswith("repl_backlog"))
    assert before["repl_backlog_first_byte_offset"] == "1" and \
        int(after["repl_backlog_histlen"]) < 60000 < int(before["repl_backlog_histlen"]) and \
        int(after["repl_backlog_first_byte_offset"]) > 60000, \
        f"{NAME}: CONFIG SET repl-backlog-size did not trim at once: {before} {after}"


def check_full_sync_reselects_the_db() -> None:
    """A full sync set up for a replica makes the stream's next command re-select its db
    (``replicationSetupSlaveForFullResync``: ``slaveseldb = -1``): after writes in db 0, a
    new replica's full sync, then a SAVE names db 0 as the stream's (``repl-stream-db``: no
    write since) and the next write in db 0 goes out after ``SELECT 0`` (redis-server
    7.0.15: ``repl-stream-db`` 0 after a full sync, 3 after a write in db 3; a replica
    synced after writes in db 0 gets ``SELECT 0`` before the next one)."""
    n = Node()
    _synced(n)
    n.call(b"SET", b"a", b"1")
    assert n.state.repl.slaveseldb == 0, f"{NAME}: setup: {n.state.repl.slaveseldb}"
    n.send(n.connect(), b"PSYNC", b"?", b"-1")
    aux = dict(decode_file(save_state(n.state, n.now), Limits.of(n.state.config), 16).aux)
    assert aux[b"repl-stream-db"] == b"0", \
        f"{NAME}: repl-stream-db after a full sync: {aux[b'repl-stream-db']!r}"
    start = n.state.repl.master_repl_offset + 1
    n.call(b"SET", b"a", b"2")
    b = n.state.repl.backlog
    assert b is not None
    got = backlog_from(b, start)
    assert got.startswith(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"), \
        f"{NAME}: the stream after a full sync: {got[:40]!r}"


def check_waiting_replica_gets_its_fullresync() -> None:
    """A replica waiting for a diskless sync's delay (``capa eof``) is set up by the disk
    BGSAVE another replica (no ``capa eof``) starts: each gets its own ``+FULLRESYNC`` line
    on its own connection (redis-server 7.0.15: A waits, B's PSYNC answers both)."""
    n = Node()
    a = n.connect()
    assert n.send(a, b"REPLCONF", b"capa", b"eof") == b"+OK\r\n"
    assert n.send(a, b"PSYNC", b"?", b"-1") == b"", f"{NAME}: setup: A did not wait"
    b = n.connect()
    got_b = n.send(b, b"PSYNC", b"?", b"-1")
    got_a = n.got.get(a, b"")
    want = b"+FULLRESYNC %s 0\r\n" % n.state.repl.replid.encode()
    assert (got_a, got_b) == (want, want), f"{NAME}: A got {got_a!r}, B got {got_b!r}"


def check_snapshot_target() -> None:
    """``startBgsaveForReplication``: with ``repl-diskless-sync yes`` (the default) the
    snapshot goes to the replicas' sockets when they all take ``$EOF`` (``capa eof``), else
    to disk ("Starting BGSAVE for SYNC with target: replicas sockets" / "...: disk",
    redis-server 7.0.15), and the replica gets it as ``$EOF:<mark>``, the file, the mark,
    or as ``$<length>`` and the file."""
    for capa, target in ((True, "replicas sockets"), (False, "disk")):
        n = Node(**{"repl-diskless-sync-delay": 0})
        r = n.connect()
        if capa:
            n.send(r, b"REPLCONF", b"capa", b"eof")
        assert n.send(r, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC "), f"{NAME}: setup"
        assert n.logged(f"Starting BGSAVE for SYNC with target: {target}"), \
            f"{NAME}: capa eof {capa}: not the {target} target: {n.all_logs()}"
        child = n.state.persist.child
        assert child is not None
        n.state = persist.with_child_exit(n.state, child.pid, 0, 0)
        n.now += 1000
        n.turn()
        got = n.state.clients[r].reply
        head, _, body = got.partition(b"\r\n")
        if capa:  # $EOF:<40-byte mark>, the file, the mark
            ok = head.startswith(b"$EOF:") and len(head) == 45 and body.endswith(head[5:])
        else:  # $<length>, the file (then the stream: the cron's PING)
            size = int(head[1:]) if head[1:].isdigit() else -1
            ok = len(body) >= size >= 0 and body[size:size + 1] in (b"", b"*")
        assert ok and b"REDIS" in body[:5], f"{NAME}: the {target} snapshot: {got[:60]!r}"


def check_failed_replication_fork() -> None:
    """A replication BGSAVE whose fork fails (``startBgsaveForReplication``): the waiting
    replica gets "-ERR BGSAVE failed, replication can't continue" and is closed, a disk
    target records the failure (``rdb_last_bgsave_status:err``: ``rdbSaveBackground``), and
    the fork used exactly one of the world's answers (the next stays queued for the next
    fork)."""
    n = Node()
    n.state = persist.with_fork_outcome(persist.with_fork_outcome(n.state, -1, 0), 777, 7)
    r = n.connect()
    got = n.send(r, b"PSYNC", b"?", b"-1")
    assert got == b"-ERR BGSAVE failed, replication can't continue\r\n", f"{NAME}: {got!r}"
    assert n.state.persist.fork_outcomes == ((777, 7),), \
        f"{NAME}: the fork took {n.state.persist.fork_outcomes} from the world's answers"
    info = n.call(b"INFO", b"persistence")
    assert b"rdb_last_bgsave_status:err\r\n" in info, f"{NAME}: the failed fork not recorded"


def _persistence(n: Node) -> dict[str, str]:
    text = n.call(b"INFO", b"everything").decode("latin-1")
    return dict(ln.split(":", 1) for ln in text.split("\r\n") if ":" in ln)


def check_replication_fork_counters() -> None:
    """A replication BGSAVE counts a fork (``total_forks``) and, to disk only, a save
    (``rdb_saves``): a disk sync, then a diskless one give ``total_forks`` 1 then 2 and
    ``rdb_saves`` 1 then still 1 (redis-server 7.0.15)."""
    n = Node(**{"repl-diskless-sync-delay": 0})
    _synced(n)
    info = _persistence(n)
    assert (info["total_forks"], info["rdb_saves"]) == ("1", "1"), \
        f"{NAME}: after a disk sync: total_forks {info['total_forks']}, rdb_saves {info['rdb_saves']}"
    _synced(n, b"capa", b"eof")
    info = _persistence(n)
    assert (info["total_forks"], info["rdb_saves"]) == ("2", "1"), \
        f"{NAME}: after a diskless sync: total_forks {info['total_forks']}, rdb_saves {info['rdb_saves']}"


def check_failed_fork_tells_every_waiting_replica() -> None:
    """When the replication fork fails, every replica waiting for it is told "-ERR BGSAVE
    failed, replication can't continue" and closed after that reply — the one whose PSYNC
    started the fork and one that was waiting for the diskless delay
    (``startBgsaveForReplication``: ``addReplyError`` and ``CLIENT_CLOSE_AFTER_REPLY`` for
    each; the spec lost the waiting one's reply: fixed with this check), and the failure is
    logged ("BGSAVE for replication failed")."""
    n = Node()
    a = n.connect()
    n.send(a, b"REPLCONF", b"capa", b"eof")
    assert n.send(a, b"PSYNC", b"?", b"-1") == b"", f"{NAME}: setup: A did not wait"
    n.state = persist.with_fork_outcome(n.state, -1, 0)
    b = n.connect()
    n.send(b, b"PSYNC", b"?", b"-1")
    err = b"-ERR BGSAVE failed, replication can't continue\r\n"
    assert (n.got.get(a), n.got.get(b)) == (err, err), f"{NAME}: the replies: {n.got}"
    assert {a, b} <= n.eff.close and not n.state.repl.replicas, \
        f"{NAME}: not both closed: {n.eff.close} {n.state.repl.replicas}"
    assert n.logged("BGSAVE for replication failed"), f"{NAME}: no log line"


def check_next_bgsave_waits_for_the_delay() -> None:
    """A replica that arrived while a diskless BGSAVE ran gets its BGSAVE as the cron gives
    it, not at once when that child ends: with ``repl-diskless-sync-delay 5`` it waits until
    it has been idle 5 s (redis-server 7.0.15: A's snapshot went out after 1.5 s, B's
    ``+FULLRESYNC`` came 5.3 s after its PSYNC); with delay 0 it starts when the child ends."""
    for delay in (5, 0):
        n = Node(**{"repl-diskless-sync-delay": 0})
        a = n.connect()
        n.send(a, b"REPLCONF", b"capa", b"eof")
        assert n.send(a, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC"), f"{NAME}: setup"
        n.call(b"CONFIG", b"SET", b"repl-diskless-sync-delay", b"%d" % delay)
        b = n.connect()
        assert n.send(b, b"PSYNC", b"?", b"-1") == b"", f"{NAME}: setup: B did not wait"
        child = n.state.persist.child
        assert child is not None
        n.state = persist.with_child_exit(n.state, child.pid, 0, 0)
        n.now += 1000
        n.turn()
        link = n.state.clients[b].info.repl
        assert link is not None
        started = link.state != SLAVE_STATE_WAIT_BGSAVE_START
        assert started == (delay == 0), \
            f"{NAME}: delay {delay}: B's BGSAVE {'started' if started else 'not started'} " \
            f"when A's child ended"


def check_stream_wakes_and_limits_replicas() -> None:
    """beforeSleep hands the stream to the replicas: an online replica given bytes is woken
    (its socket written), one waiting for its BGSAVE to start gets nothing and is not; a
    replica over the ``replica`` class's hard output-buffer limit is closed and leaves the
    replicas (``connected_slaves`` counts the others)."""
    n = Node()
    a = _synced(n)
    b = n.connect()
    n.send(b, b"REPLCONF", b"capa", b"eof")
    assert n.send(b, b"PSYNC", b"?", b"-1") == b"", f"{NAME}: setup: B did not wait"
    n.call(b"SET", b"k", b"v")
    n.turn()
    assert a in n.eff.wake and b not in n.eff.wake, f"{NAME}: woken: {n.eff.wake}"
    n.call(b"CONFIG", b"SET", b"client-output-buffer-limit", b"replica 1000 0 0")
    n.call(b"SET", b"k", b"x" * 40000)
    n.turn()
    assert n.state.repl.replicas == (b,) and a in n.eff.close, \
        f"{NAME}: over its limit: replicas {n.state.repl.replicas}, closed {n.eff.close}"
    assert n.info()["connected_slaves"] == "1", f"{NAME}: connected_slaves"


def check_waiting_replica_pins_the_backlog() -> None:
    """A replica waiting for its snapshot holds the shared replication buffer from its first
    byte: with ``repl-backlog-size 16384`` and 200 KB written meanwhile, the backlog still
    starts at offset 1 (redis-server 7.0.15: ``repl_backlog_first_byte_offset:1``,
    ``repl_backlog_histlen:200333`` with the replica in ``wait_bgsave``); without the
    replica it is trimmed."""
    n = Node(**{"repl-backlog-size": 16384})
    r = n.connect()
    assert n.send(r, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC"), f"{NAME}: setup"
    for i in range(10):
        n.call(b"SET", b"k%d" % i, b"x" * 20000)
        n.turn()
    info = n.info()
    assert info["repl_backlog_first_byte_offset"] == "1" and \
        int(info["repl_backlog_histlen"]) > 200000, \
        f"{NAME}: a replica waiting for its snapshot did not keep the backlog: {info}"


def check_failover_state_names() -> None:
    """INFO's ``master_failover_state`` while a FAILOVER waits for its replica to catch up:
    ``waiting-for-sync`` (redis-server 7.0.15, its replica in DEBUG SLEEP), and no failover
    before."""
    w = N.new_world(("m", "r1"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = N.settle_network(_children_done(N.tick(w, 1000)))
    m = w.nodes["m"].state
    assert m is not None and len(m.repl.replicas) == 1, f"{NAME}: setup: r1 not attached"
    assert _info_of(w, "m")["master_failover_state"] == "no-failover"
    w = N.command(w, "m", b"SET", b"k", b"v")
    w = N.command(w, "m", b"FAILOVER")
    f = w.nodes["m"].state.repl.failover  # type: ignore[union-attr]
    assert f is not None and f.state == FAILOVER_WAIT_FOR_SYNC, f"{NAME}: setup: {f}"
    got = _info_of(w, "m")["master_failover_state"]
    assert got == "waiting-for-sync", f"{NAME}: master_failover_state while waiting: {got}"


def _children_done(w: N.World) -> N.World:
    for name, node in w.nodes.items():
        if node.child is not None:
            w = N.child_exit(w, name)
    return w


def _info_of(w: N.World, name: str) -> dict[str, str]:
    w = N.command(w, name, b"INFO", b"replication")
    text = w.nodes[name].replies[-1].split(b"\r\n", 1)[1].decode()
    return dict(ln.split(":", 1) for ln in text.splitlines() if ":" in ln)


CHECKS = [check_random_hex_draws_five_words, check_replconf_limits, check_wait_edges,
          check_replid2_cleared, check_second_offset_after_promotion, check_psync_refusal_logs,
          check_failover_state_names, check_rdb_only_replica, check_sync_counters,
          check_sync_gets_no_fullresync, check_second_replica_joins_bgsave,
          check_replica_refuses_sync_unconnected, check_config_set_backlog_size_trims,
          check_full_sync_reselects_the_db, check_waiting_replica_gets_its_fullresync,
          check_snapshot_target, check_failed_replication_fork, check_replication_fork_counters,
          check_failed_fork_tells_every_waiting_replica, check_next_bgsave_waits_for_the_delay,
          check_stream_wakes_and_limits_replicas, check_waiting_replica_pins_the_backlog]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_repl(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


#: (module, function, old text, new text, the check it trips): each a surviving mutant.
PLANTED: list[tuple[Any, str, str, str, Any]] = [
    (replication, "random_hex", "while len(out) < n:", "while len(out) <= n:",
     check_random_hex_draws_five_words),
    (replication, "clear_replication_id2", "second_replid_offset=-1", "second_replid_offset=-0",
     check_replid2_cleared),
    (replication, "clear_replication_id2", "second_replid_offset=-1", "second_replid_offset=-2",
     check_replid2_cleared),
    (replication, "shift_replication_id", "second_replid_offset=r.master_repl_offset + 1",
     "second_replid_offset=r.master_repl_offset", check_second_offset_after_promotion),
    (replication, "shift_replication_id", "second_replid_offset=r.master_repl_offset + 1",
     "second_replid_offset=r.master_repl_offset + 2", check_second_offset_after_promotion),
    (replication, "log_partial_refused", "offset > r.second_replid_offset",
     "offset >= r.second_replid_offset", check_psync_refusal_logs),
    (replication, "log_partial_refused", "if offset > r.master_repl_offset:",
     "if offset >= r.master_repl_offset:", check_psync_refusal_logs),
    (replication, "replconf", "link = attrs.evolve(link, rdb_only=v == 1)",
     "link = attrs.evolve(link, rdb_only=v != 1)", check_rdb_only_replica),
    (replication, "replconf", "link = attrs.evolve(link, rdb_only=v == 1)",
     "link = attrs.evolve(link, rdb_only=v == 0)", check_rdb_only_replica),
    (replication, "replconf", "link = attrs.evolve(link, rdb_only=v == 1)",
     "link = attrs.evolve(link, rdb_only=v == 2)", check_rdb_only_replica),
    (replication, "replconf", "if not 0 <= v <= 1:", "if not 0 < v <= 1:", check_replconf_limits),
    (replication, "replconf", "if not 0 <= v <= 1:", "if not 0 <= v < 1:", check_replconf_limits),
    (replication, "replconf", "if not 0 <= v <= 1:", "if not 0 <= v <= 0:", check_replconf_limits),
    (replication, "replconf", "if not 0 <= v <= 1:", "if not 0 <= v <= 2:", check_replconf_limits),
    (replication, "replconf", "            if v is None:", "            if v is not None:",
     check_replconf_limits),
    (replication, "replconf", "if len(val) >= 256:", "if len(val) > 256:", check_replconf_limits),
    (replication, "replconf", "if port is None:", "if port is not None:", check_replconf_limits),
    (replication, "replconf", 'elif opt == b"rdb-only":', 'elif opt != b"rdb-only":',
     check_replconf_limits),
    (replication, "sync_command", "r.link_state != REPL_STATE_CONNECTED",
     "r.link_state == REPL_STATE_CONNECTED", check_replica_refuses_sync_unconnected),
    (replication, "sync_command", "sync_partial_err=repl_of(s).sync_partial_err + 1",
     "sync_partial_err=repl_of(s).sync_partial_err", check_sync_counters),
    (replication, "sync_command", "sync_partial_err=repl_of(s).sync_partial_err + 1",
     "sync_partial_err=repl_of(s).sync_partial_err + 2", check_sync_counters),
    (replication, "sync_command", "sync_full=r.sync_full + 1", "sync_full=r.sync_full",
     check_sync_counters),
    (replication, "sync_command", "sync_full=r.sync_full + 1", "sync_full=r.sync_full + 2",
     check_sync_counters),
    (replication, "sync_command", "pre_psync=True", "pre_psync=False",
     check_sync_gets_no_fullresync),
    (replication, "sync_command", 'if p.child is not None and r.child_target == "disk":',
     'if p.child is None and r.child_target == "disk":', check_second_replica_joins_bgsave),
    (replication, "sync_command", 'if p.child is not None and r.child_target == "disk":',
     'if p.child is not None and r.child_target != "disk":', check_second_replica_joins_bgsave),
    (replication, "sync_command", "if (oid != c.id and", "if (oid == c.id and",
     check_second_replica_joins_bgsave),
    (replication, "sync_command", "and other is not None", "and other is None",
     check_second_replica_joins_bgsave),
    (replication, "sync_command", "and other.state == SLAVE_STATE_WAIT_BGSAVE_END",
     "and other.state != SLAVE_STATE_WAIT_BGSAVE_END", check_second_replica_joins_bgsave),
    (replication, "sync_command", "and other.capa <= link.capa", "and other.capa < link.capa",
     check_second_replica_joins_bgsave),
    (replication, "log_partial_refused", "same = replid.lower() == r.replid.lower()",
     "same = replid.lower() != r.replid.lower()", check_psync_refusal_logs),
    (replication, "log_partial_refused", "if not same and (replid.lower() != r.replid2.lower()",
     "if not same and (replid.lower() == r.replid2.lower()", check_psync_refusal_logs),
    (replication, "log_partial_refused", "elif replid.lower() != r.replid2.lower():",
     "elif replid.lower() == r.replid2.lower():", check_psync_refusal_logs),
    (replication, "resize_replication_backlog", "if r.backlog is not None:",
     "if r.backlog is None:", check_config_set_backlog_size_trims),
    (replication, "setup_full_resync", "set_repl(s, slaveseldb=-1)",
     "set_repl(s, slaveseldb=-0)", check_full_sync_reselects_the_db),
    (replication, "setup_full_resync", "set_repl(s, slaveseldb=-1)",
     "set_repl(s, slaveseldb=-2)", check_full_sync_reselects_the_db),
    (replication, "setup_full_resync", "if cid == s.client.id:", "if cid != s.client.id:",
     check_waiting_replica_gets_its_fullresync),
    (replication, "start_bgsave_for_replication", 'and "eof" in mincapa',
     'and "eof" not in mincapa', check_snapshot_target),
    (replication, "start_bgsave_for_replication", "st.fork_outcomes[0], st.fork_outcomes[1:]",
     "st.fork_outcomes[0], st.fork_outcomes[2:]", check_failed_replication_fork),
    (replication, "start_bgsave_for_replication", "lastbgsave_ok=socket or False",
     "lastbgsave_ok=socket or True", check_failed_replication_fork),
    (replication, "start_bgsave_for_replication", "total_forks=st.total_forks + 1",
     "total_forks=st.total_forks", check_replication_fork_counters),
    (replication, "start_bgsave_for_replication", "total_forks=st.total_forks + 1",
     "total_forks=st.total_forks + 2", check_replication_fork_counters),
    (replication, "start_bgsave_for_replication", "saves=st.saves + 1", "saves=st.saves",
     check_replication_fork_counters),
    (replication, "start_bgsave_for_replication", "saves=st.saves + 1", "saves=st.saves + 2",
     check_replication_fork_counters),
    (replication, "put_replica_online", "replica_name(c) if c is not None else",
     "replica_name(c) if c is None else", check_rdb_only_replica),
    (replication, "drop_replica", "closing = not frame or cid == s.client.id",
     "closing = not frame or cid != s.client.id", check_failed_fork_tells_every_waiting_replica),
    (replication, "rdb_child_done", 'socket = r.child_target == "socket"',
     'socket = r.child_target != "socket"', check_snapshot_target),
    (replication, "feed_replicas", "if reply is not c.reply:", "if reply is c.reply:",
     check_stream_wakes_and_limits_replicas),
    (replication, "feed_replicas", "if x not in closed", "if x in closed",
     check_stream_wakes_and_limits_replicas),
    (replication, "rdb_child_done", "    start_pending_fork(s)",  # the spec before the fix
     "    start_bgsave_for_replication(s, frozenset())", check_next_bgsave_waits_for_the_delay),
    (replication, "replica_pins", "if c is not None else None", "if c is None else None",
     check_waiting_replica_pins_the_backlog),
    (replication, "replica_pins", "if link is None or link.state", "if link is not None or link.state",
     check_waiting_replica_pins_the_backlog),
    (replication, "replica_pins", "link.state == SLAVE_STATE_WAIT_BGSAVE_START or link.rdb_only",
     "link.state != SLAVE_STATE_WAIT_BGSAVE_START or link.rdb_only",
     check_waiting_replica_pins_the_backlog),
    (replication, "replica_pins", "if link.state != SLAVE_STATE_ONLINE or link.start_on_ack:",
     "if link.state == SLAVE_STATE_ONLINE or link.start_on_ack:",
     check_waiting_replica_pins_the_backlog),
    (replication, "failover_state_name", "if f.state == FAILOVER_WAIT_FOR_SYNC",
     "if f.state != FAILOVER_WAIT_FOR_SYNC", check_failover_state_names),
]


@pytest.mark.parametrize("module,func,old,new,check", PLANTED,
                         ids=[f"{p[1]}:{p[3]}" for p in PLANTED])
def test_planted_boundary_repl(monkeypatch: pytest.MonkeyPatch, module: Any, func: str,
                               old: str, new: str, check: Any) -> None:
    plant_everywhere(monkeypatch, module, func, old, new)
    _trips(check)
