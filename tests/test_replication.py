"""Replication in the pure spec (``spec.replication``, ``spec.replica``): the world is played
by the test — fork outcomes answered, the link's bytes handed in by hand — so each rule that
the interop tests (tests/test_repl_interop.py) found disagreeing with Redis 7.0.15 has a
check here that fails without its fix.

A replica is driven through the handshake as a real master would answer it: PING → +PONG,
the REPLCONFs → +OK each, PSYNC → +FULLRESYNC <id> <offset>, then ``$<len>`` and an RDB file
made by the spec's own encoder (``save_state``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from redspec.spec import persist
from redspec.spec.backlog import backlog_from
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.loading import start_loading
from redspec.spec.persist import fork_snapshot, rdb_save, save_state
from redspec.spec.rdb import Limits, decode_file
from redspec.spec.replica import link_connected, link_input, replication_cron
from redspec.spec.server import client_connect, client_disconnect, new_server, run_command
from redspec.spec.startup import loading_step
from redspec.spec.state import (
    REPL_STATE_CONNECTED,
    REPL_STATE_RECEIVE_PSYNC_REPLY,
    REPL_STATE_TRANSFER,
    SLAVE_STATE_ONLINE,
    ServerState,
    replace,
)
from redspec.spec.step import Step

NOW = 1_700_000_000_000
MASTER_ID = "a" * 40
PING_FRAME = b"*1\r\n$4\r\nping\r\n"
GETACK_FRAME = b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"


class Node:
    """One spec server, its first client, and the world's answers to fork questions."""

    def __init__(self, **config: Any) -> None:
        self.now = NOW
        self.state = new_server(NOW, **config)
        self.state, self.cid = client_connect(self.state, NOW)
        self.next_pid = 1000
        #: Link operations handed to the world in transitions' effects.
        self.ops: list[tuple[Any, ...]] = []

    def run(self, fn: Callable[[ServerState], tuple[ServerState, Any]]) -> Any:
        st = self.state
        while True:
            try:
                self.state, out = fn(st)
                self.ops.extend(getattr(out, "repl_ops", ()))
                return out
            except persist.ForkOutcomeNeeded:
                st = persist.with_fork_outcome(st, self.next_pid, 7)
                self.next_pid += 1

    def __call__(self, *args: Any, cid: int | None = None) -> bytes:
        argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        frame: bytes = self.run(lambda st: run_command(st, cid or self.cid, argv, self.now))
        return frame

    def connect(self) -> int:
        self.state, cid = client_connect(self.state, self.now)
        return cid

    def turn(self) -> None:
        """One event-loop turn with no input (beforeSleep runs)."""
        self.run(lambda st: event_loop_turn(st, self.now, {}, {}))

    def link(self, fn: Callable[..., tuple[ServerState, Any]], *args: Any) -> None:
        self.run(lambda st: fn(st, self.now, *args))

    def take_sent(self) -> bytes:
        """What the replica asked the world to send on the link since the last call."""
        r = self.state.repl
        ops = self.ops + list(r.ops)
        self.ops = []
        sent = b"".join(op[1] for op in ops if op[0] == "send")
        self.state = attrs.evolve(self.state, repl=attrs.evolve(r, ops=()))
        return sent

    def info(self) -> dict[str, str]:
        text = self("INFO", "replication").split(b"\r\n", 1)[1].decode()
        return dict(ln.split(":", 1) for ln in text.splitlines() if ":" in ln)


def handshake_to_transfer(r: Node, offset: int = 0) -> bytes:
    """Drive a replica (after REPLICAOF) up to the transfer; returns its PSYNC."""
    r.link(link_connected, True)
    assert r.take_sent() == b"*1\r\n$4\r\nPING\r\n"
    r.link(link_input, b"+PONG\r\n")
    r.take_sent()
    r.link(link_input, b"+OK\r\n+OK\r\n")
    psync = r.take_sent()
    assert r.state.repl.link_state == REPL_STATE_RECEIVE_PSYNC_REPLY
    r.link(link_input, b"+FULLRESYNC %s %d\r\n" % (MASTER_ID.encode(), offset))
    assert r.state.repl.link_state == REPL_STATE_TRANSFER
    return psync


def transfer(r: Node, master: ServerState) -> None:
    """The snapshot of ``master``'s dataset, as a disk sync sends it."""
    data = save_state(master, NOW)
    r.link(link_input, b"$%d\r\n" % len(data) + data)
    assert r.state.repl.link_state == REPL_STATE_CONNECTED


def test_a_replica_holding_data_loads_a_full_sync() -> None:
    """emptyData on the link's step (no current client) must not fail: a replica that
    already held keys crashed its turn here."""
    src = Node()
    src("SET", "from-master", "1")
    r = Node()
    r("SET", "old", "x")
    r("SELECT", "3")
    r("SET", "old3", "y")
    assert r("REPLICAOF", "127.0.0.1", "6379") == b"+OK\r\n"
    handshake_to_transfer(r)
    transfer(r, src.state)
    assert r("EXISTS", "old3") == b":0\r\n"
    r("SELECT", "0")
    assert r("EXISTS", "old", "from-master") == b":1\r\n"
    # the master client has no user: CLIENT LIST says so as 7.0.15 does
    line = next(ln for ln in r("CLIENT", "LIST").split(b"\n") if b"flags=M" in ln)
    assert b" user=(superuser) " in line


def test_the_cached_master_shows_during_the_transfer() -> None:
    """+FULLRESYNC keeps the cached master until the load: INFO shows its offset as
    slave_repl_offset (7.0.15: 0 for a fresh replica, not 1)."""
    r = Node()
    r("REPLICAOF", "127.0.0.1", "6379")
    handshake_to_transfer(r, 500)
    info = r.info()
    assert info["master_sync_in_progress"] == "1"
    assert (info["slave_read_repl_offset"], info["slave_repl_offset"]) == ("0", "0")


def test_replicaof_another_master_psyncs_with_the_cached_master() -> None:
    """REPLICAOF host port on a connected replica caches the master it drops: the PSYNC to
    the next master names the old history and the next offset (PSYNC2 after a promotion)."""
    r = Node()
    own = r.state.repl.replid.encode()
    r("REPLICAOF", "127.0.0.1", "6379")
    # a master turned replica PSYNCs with its own history (replicationCacheMasterUsingMyself)
    assert handshake_to_transfer(r) == b"*3\r\n$5\r\nPSYNC\r\n$40\r\n%s\r\n$1\r\n1\r\n" % own
    transfer(r, Node().state)
    assert r.state.repl.replid == MASTER_ID
    r("REPLICAOF", "127.0.0.1", "6380")
    master = r.state.repl.cached_master
    assert master is not None and master[:3] == (MASTER_ID, 0, 0)
    r.link(link_connected, True)
    r.link(link_input, b"+PONG\r\n")
    r.take_sent()
    r.link(link_input, b"+OK\r\n+OK\r\n")
    assert r.take_sent() == b"*3\r\n$5\r\nPSYNC\r\n$40\r\n%s\r\n$1\r\n1\r\n" % (
        MASTER_ID.encode())


def attach_replica(m: Node) -> int:
    """A client that sent PSYNC ? -1 to ``m`` (diskless, delayed: it waits for the cron)."""
    rid = m.connect()
    assert m("PSYNC", "?", "-1", cid=rid) == b""
    assert m.state.repl.backlog is not None
    return rid


def test_replication_cron_counts_loops_from_the_start() -> None:
    """replication_cron_loops grows on every call, with or without replicas, so the PING
    period counts from the server's start."""
    m = Node()
    for _ in range(3):
        m.run(lambda st: replication_cron(st, m.now))
    assert m.state.repl.cron_loops == 3
    attach_replica(m)
    before = m.state.repl.master_repl_offset
    m.run(lambda st: replication_cron(st, m.now))  # loop 3: no PING with a period of 10
    assert m.state.repl.master_repl_offset == before


def test_the_streams_ping_is_lower_case() -> None:
    """shared.ping: the cron's PING enters the stream as ``*1\\r\\n$4\\r\\nping\\r\\n``."""
    m = Node()
    attach_replica(m)
    m.state = attrs.evolve(m.state, repl=attrs.evolve(m.state.repl, cron_loops=10))
    m.run(lambda st: replication_cron(st, m.now))
    b = m.state.repl.backlog
    assert b is not None and backlog_from(b, b.offset) == PING_FRAME
    assert m.state.repl.master_repl_offset == len(PING_FRAME)


def test_wait_without_a_backlog_feeds_no_getack() -> None:
    """replicationFeedSlaves returns at once without a backlog: WAIT's GETACK does not move
    master_repl_offset on a master that never had a replica; with one it does."""
    m = Node()
    m("SET", "k", "v")
    assert m("WAIT", "1", "10") == b""
    m.turn()
    assert m.state.repl.master_repl_offset == 0
    m2 = Node()
    attach_replica(m2)
    m2("SET", "k", "v")
    off = m2.state.repl.master_repl_offset
    assert m2("WAIT", "1", "10") == b""
    m2.turn()  # (its serverCron's first replicationCron adds a PING too)
    b = m2.state.repl.backlog
    assert b is not None and backlog_from(b, b.offset).endswith(GETACK_FRAME)
    assert m2.state.repl.master_repl_offset >= off + len(GETACK_FRAME)


def test_replconf_ip_address_takes_a_host_name() -> None:
    m = Node()
    assert m("REPLCONF", "ip-address", "h" * 255) == b"+OK\r\n"
    assert m("REPLCONF", "ip-address", "h" * 256) == (
        b"-ERR REPLCONF ip-address provided by replica instance is too long: 256 bytes\r\n")


def test_config_set_min_replicas_counts_good_replicas_at_once() -> None:
    """updateGoodSlaves: with an online replica, a write right after CONFIG SET
    min-replicas-to-write 1 is accepted (not refused until the next cron)."""
    m = Node()
    rid = attach_replica(m)
    c = m.state.clients[rid]
    assert c.info.repl is not None
    m.state = attrs.evolve(m.state, clients=m.state.clients.set(rid, replace(
        c, repl=attrs.evolve(c.info.repl, state=SLAVE_STATE_ONLINE, ack_time_ms=NOW))))
    assert m("CONFIG", "SET", "min-replicas-to-write", "1") == b"+OK\r\n"
    assert m("SET", "k", "v") == b"+OK\r\n"
    assert m("CONFIG", "SET", "min-replicas-to-write", "2") == b"+OK\r\n"
    assert m("SET", "k", "v") == b"-NOREPLICAS Not enough good replicas to write.\r\n"


def test_scripts_meet_the_replication_write_gates() -> None:
    """scriptVerifyWriteCommandAllow: -NOREPLICAS inside a script without flags, -READONLY
    on a read-only replica; reads still run."""
    m = Node(**{"min-replicas-to-write": 1})
    assert m("EVAL", "return redis.pcall('set', 'k', 'v')", "0") == (
        b"-NOREPLICAS Not enough good replicas to write.\r\n")
    assert m("EVAL", "return redis.call('get', 'k')", "0") == b"$-1\r\n"
    r = Node()
    r("REPLICAOF", "127.0.0.1", "6379")
    assert r("EVAL", "return redis.pcall('set', 'k', 'v')", "0") == (
        b"-READONLY You can't write against a read only replica.\r\n")


def test_continue_resumes_in_the_cached_masters_db() -> None:
    """After +CONTINUE the stream goes on in the db the cached master client had selected
    (replicationResurrectCachedMaster keeps the client): a master's stream does not repeat
    its SELECT for a replica that continues."""
    r = Node()
    r("REPLICAOF", "127.0.0.1", "6379")
    handshake_to_transfer(r)
    transfer(r, Node().state)
    select5 = b"*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n"
    set_x = b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n"
    set_y = b"*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$1\r\n2\r\n"
    mc = r.state.repl.master_client
    assert mc is not None
    r.run(lambda st: event_loop_turn(st, r.now, {mc: select5 + set_x}, {}))
    r.run(lambda st: event_loop_turn(st, r.now, {}, {}))
    r("CLIENT", "KILL", "TYPE", "master")
    r.state = client_disconnect(r.state, mc, r.now)  # the world frees the closed client
    assert r.state.repl.cached_master is not None
    assert r.state.repl.cached_master[2] == 5
    r.run(lambda st: replication_cron(st, r.now))  # reconnects
    r.take_sent()
    r.link(link_connected, True)
    r.link(link_input, b"+PONG\r\n")
    r.link(link_input, b"+OK\r\n+OK\r\n")
    r.link(link_input, b"+CONTINUE\r\n" + set_y)
    assert r.state.repl.master_client == mc  # the resurrected client keeps its id
    r("SELECT", "5")
    assert r("MGET", "x", "y") == b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n"


def test_replicaof_on_a_master_takes_a_client_id() -> None:
    """``replicationCacheMasterUsingMyself`` creates the cached master as a client
    (``createClient(NULL)``), so REPLICAOF on a master takes one id: redis-server 7.0.15
    gave ids 3, 4 (the REPLICAOF connection), then 6 to the next connection; REPLICAOF NO ONE
    takes none; a second REPLICAOF from a master takes one again (9, then 11)."""
    st = new_server(NOW)
    st, a = client_connect(st, NOW)
    st, out = run_command(st, a, [b"REPLICAOF", b"127.0.0.1", b"1"], NOW)
    assert out == b"+OK\r\n"
    st, b = client_connect(st, NOW)
    assert b == a + 2
    st, _ = run_command(st, b, [b"REPLICAOF", b"NO", b"ONE"], NOW)
    st, c = client_connect(st, NOW)
    assert c == b + 1
    st, _ = run_command(st, c, [b"REPLICAOF", b"127.0.0.1", b"1"], NOW)
    st, d = client_connect(st, NOW)
    assert d == c + 2


def aux_of(data: bytes) -> dict[bytes, bytes]:
    return dict(decode_file(data, Limits.of(new_server(NOW).config), 16).aux)


def test_snapshots_in_a_chain_carry_the_streams_db() -> None:
    """rdbSaveInfoAuxFields: a master with a backlog writes repl-stream-db (its last
    SELECT), repl-id and repl-offset before aof-base; without a backlog, or as an AOF base,
    none of them."""
    m = Node()
    assert b"repl-id" not in aux_of(save_state(m.state, NOW))
    attach_replica(m)
    m("SELECT", "3")
    m("SET", "k", "v")
    aux = aux_of(save_state(m.state, NOW))
    assert list(aux)[4:] == [b"repl-stream-db", b"repl-id", b"repl-offset", b"aof-base"]
    assert (aux[b"repl-stream-db"], aux[b"repl-id"]) == (b"3", m.state.repl.replid.encode())
    assert aux[b"repl-offset"] == b"%d" % m.state.repl.master_repl_offset
    assert b"repl-id" not in aux_of(rdb_save(Step(m.state, NOW), aof_base=True))


def test_a_full_sync_continues_in_the_snapshots_stream_db() -> None:
    """replicationCreateMasterClient(conn, rsi.repl_stream_db): a chained master sends no
    SELECT after a full sync (it proxies its own master's stream); the file says the db."""
    src = Node()
    attach_replica(src)
    src("SELECT", "5")
    src("SET", "x", "1")
    r = Node()
    r("REPLICAOF", "127.0.0.1", "6379")
    handshake_to_transfer(r)
    transfer(r, src.state)
    mc = r.state.repl.master_client
    assert mc is not None and r.state.clients[mc].db == 5
    # and a replica's own snapshot names its master client's db
    assert aux_of(save_state(r.state, NOW))[b"repl-stream-db"] == b"5"
    snap = fork_snapshot(Step(r.state, NOW))
    assert aux_of(save_state(snap, NOW))[b"repl-stream-db"] == b"5"


def test_getack_acknowledges_the_commands_read_before_it() -> None:
    """commandProcessed applies each of the master's commands as it runs: a GETACK read
    together with a write acknowledges the write (the offset up to the GETACK itself), so a
    WAIT on the master is answered at once."""
    r = Node()
    r("REPLICAOF", "127.0.0.1", "6379")
    handshake_to_transfer(r)
    transfer(r, Node().state)
    mc = r.state.repl.master_client
    assert mc is not None
    set_a = b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
    eff = r.run(lambda st: event_loop_turn(st, r.now, {mc: set_a + GETACK_FRAME}, {mc: None}))
    ack = b"".join(o for cid, o in eff.output if cid == mc)
    off = b"%d" % len(set_a)
    # (the turn's serverCron sends its periodic ACK after it, with the GETACK counted)
    assert ack.startswith(b"*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$%d\r\n%s\r\n"
                          % (len(off), off))
    assert r.state.repl.master_reploff == len(set_a) + len(GETACK_FRAME)


def test_a_replica_restarted_from_its_rdb_psyncs_where_it_stopped() -> None:
    """``loadDataFromDisk``: a replica's file carries repl-id, repl-offset and repl-stream-db;
    restarted with ``replicaof``, the replica takes that history and caches a master made of
    it, so its first PSYNC names it (measured against 7.0.15: the master answers
    +CONTINUE and counts a partial sync)."""
    m = Node(**{"repl-diskless-sync-delay": 0})
    r = m.connect()
    m("SET", "k", "v")
    m.run(lambda st: run_command(st, r, [b"REPLCONF", b"capa", b"eof"], m.now))
    m.run(lambda st: run_command(st, r, [b"PSYNC", b"?", b"-1"], m.now))
    m("SELECT", "3")
    m("SET", "k2", "v2")
    data = save_state(m.state, m.now)
    replid, off = m.state.repl.replid, m.state.repl.master_repl_offset
    assert off > 0
    st = new_server(NOW, replicaof="127.0.0.1 6379")
    st = start_loading(st, data, "dump.rdb", NOW)
    while st.loading.active:
        st, _ = loading_step(st, NOW)
    assert st.repl.replid == replid and st.repl.master_repl_offset == off
    cached = st.repl.cached_master
    assert cached is not None and cached[:3] == (replid, off, 3)
    assert cached[3] == st.next_client_id - 1  # the synthesized master took an id
    # a master (no replicaof) loading the same file keeps its own history
    st = start_loading(new_server(NOW), data, "dump.rdb", NOW)
    while st.loading.active:
        st, _ = loading_step(st, NOW)
    assert st.repl.cached_master is None and st.repl.master_repl_offset == 0


def test_the_masters_expire_in_the_past_keeps_the_key() -> None:
    """``checkAlreadyExpired`` exempts the master's stream: a PEXPIREAT whose time has passed
    when the replica applies it sets the expire time and keeps the key until the master's DEL
    (reads treat it as gone, DBSIZE counts it); a client's own PEXPIREAT in the past on a
    writable replica deletes at once. Both seen on redis-server 7.0.15 (a master's
    ``MULTI, PEXPIRE h 1, DEBUG SLEEP 0.2, EXEC`` left master and replica with equal digests)."""
    r = Node()
    r("REPLICAOF", "127.0.0.1", "6379")
    handshake_to_transfer(r)
    transfer(r, Node().state)
    mc = r.state.repl.master_client
    assert mc is not None
    stream = (b"*3\r\n$3\r\nSET\r\n$1\r\nh\r\n$1\r\nv\r\n"
              b"*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nh\r\n$4\r\n1000\r\n")
    r.run(lambda st: event_loop_turn(st, r.now, {mc: stream}, {}))
    assert r("DBSIZE") == b":1\r\n"
    assert r("EXISTS", "h") == b":0\r\n"
    assert r("CONFIG", "SET", "replica-read-only", "no") == b"+OK\r\n"
    assert r("SET", "k", "v") == b"+OK\r\n"
    assert r("PEXPIREAT", "k", "1000") == b":1\r\n"
    assert r("DBSIZE") == b":1\r\n"  # k is gone, h stays
