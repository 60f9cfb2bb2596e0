"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
replication mechanisms' modules, full and partial sync (issue #22's fifth round,
``tools/mutation.py`` over ``spec/replication.py``, ``spec/replica.py``, ``spec/replnet.py``,
``spec/replfeed.py`` and ``spec/commands/replication.py``), in the pattern of
``properties/test_boundary_repl.py``: each check puts a rule exactly on its boundary, and each
has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_mrepl_agrees_with_redis``. The replica side was recorded from a
redis-server 7.0.15 started with ``--replicaof`` a scripted fake master (a socket answering
PING, AUTH, REPLCONF and PSYNC as each check says, then the 182-byte RDB of one key); the
master side from a redis-server 7.0.15 and from its source:

- a line the master answers is logged up to its first NUL (``-ERR a\\0b`` to PING: "Error
  reply to PING from master: '-ERR a'", and the link is dropped);
- an error to AUTH (``masterauth`` set) is fatal ("Unable to AUTH to MASTER: -ERR bad pass",
  the link closed), an error to a REPLCONF is not ("(Non critical) Master does not
  understand REPLCONF listening-port: -ERR nope", the same for ``capa``, then PSYNC);
- a ``+FULLRESYNC`` without its id and offset is logged ("Master replied with wrong
  +FULLRESYNC syntax.": the spec did not log it, fixed with this check) and the snapshot
  still loads, at offset -1: ``master_replid`` empty, ``master_repl_offset:-1``,
  ``slave_repl_offset:-1``, ``repl_backlog_first_byte_offset:0``, ROLE's offset -1;
- a snapshot is read "to disk" by default, "to parser" with ``repl-diskless-load swapdb``,
  and with ``on-empty-db`` "to parser" on a replica without keys, "to disk" on one with a
  key ("MASTER <-> REPLICA sync: receiving 182 bytes from master to ..."); a master turned
  replica (REPLICAOF) logs "Discarding previously cached master state." after that line; the
  stream bytes read with its end are applied at once (``SET x y`` right after the payload:
  ``slave_repl_offset`` 127 from the +FULLRESYNC offset 100), the snapshot's AUX fields are
  logged ("Loading RDB produced by version 7.0.15") and there is no second id
  (``second_repl_offset:-1``);
- a replica with ``requirepass`` applies its master's stream (the master client is
  authenticated); when the master's connection goes the replica logs "Connection with master
  lost." then "Caching the disconnected master state." (the fake master closing it);
- ``WAIT 0 100`` answers 0 at once, ``WAIT abc 0`` is "ERR value is not an integer or out of
  range" (the count is the first argument); a WAIT for one replica is answered ``:1`` when
  that replica's ``REPLCONF ACK`` reaches the client's offset (``processClientsWaitingReplicas``:
  ``numreplicas >= c->bpop.numreplicas``), and its ``REPLCONF GETACK *`` goes into the stream
  once (``get_ack_from_slaves`` cleared when sent); a WAIT client that is closed leaves
  the waiting list alone, the others are still answered;
- a snapshot whose ``repl-stream-db`` is 15 (of 16 dbs) has the stream that follows applied
  in db 15; with 16 (a db this server lacks: ``selectDb`` refuses it) in db 0 (a crafted
  file, its CRC64 redone);
- INFO replication on a replica never connected (started with ``replicaof``), connected,
  and after its master went (the cached master's offset), and a master's replica connected
  over IPv6: ``slave0:ip=::1`` and "Replica [::1]:6380 asks for synchronization" (the spec
  kept the brackets of the client's address: fixed with this check);
- REPLICAOF takes ports 0 and 65535 and refuses 65536 and -1 ("ERR Invalid master port");
  DEBUG CHANGE-REPL-ID gives a new replid (``master_replid2`` zeros,
  ``second_repl_offset:-1``), with one argument more "ERR unknown subcommand or wrong
  number of arguments for 'change-repl-id'. Try DEBUG HELP.";
- ROLE: on a master only the online replicas (ip, listening port, acked offset: one online
  after ``REPLCONF listening-port 6380`` and ``ACK 5`` listed, one in ``wait_bgsave`` not),
  on a replica ``connect`` and offset -1 before its link is up (``REPLICAOF 127.0.0.1 1``),
  ``connected`` and the applied offset after;
- ``replica-serve-stale-data no``: a master serves reads, a replica whose link is down
  answers "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to
  'no'.";
- from the source (``replicationUnsetMaster``): REPLICAOF NO ONE frees the master client and
  sets ``slaveseldb`` to -1, which ``rdbPopulateSaveInfo`` saves as ``repl-stream-db`` 0;
- from the source (``feedReplicationBuffer``, ``writeToClient``, ``addReplyReplicationBacklog``,
  ``incrementalTrimReplicationBacklog``; the block layout is ``spec.backlog``'s, checked
  against 7.0.15 by ``tests/test_backlog.py``): the block a replica refers to and so keeps
  from being trimmed, each time at a block's edge (``check_pins_of_replicas``);
- of the multi-node model (``spec.replnet``, carrying out what Redis's event loop does
  within one iteration): a replica's ACK after a diskless load is in flight at once; a
  REPLICAOF during a handshake drops the old link quietly and the new one sends PING; a
  replica loading from disk keeps the snapshot as its file (restarted, it has the data); a
  master out of reach refuses the connect (ROLE ``connect``); a client closed with no
  connection behind it (the model's user client, after QUIT) is freed; a broken
  connection frees the master's replica client (``connected_slaves:0``); ``tick`` runs every
  serverCron on the way (200 in 20 s at ``hz`` 10; two PINGs of the default period) and a
  last turn at its end (a BLPOP timing out then is answered); a crashed node takes no turn;
  a partition or a crash cuts only the links of its nodes; a disk BGSAVE becomes the node's
  file;
- from the source (``beforeSleep``): a FAILOVER's state is updated every turn, so the turn
  that reads the replica's ACK of the whole stream starts the handover;
- from the source (``replicationCron``): a FAILOVER's state is updated first, so the cron
  that aborts a timed-out one also pings; with ``repl-ping-replica-period 1`` (its minimum) the
  replicas are pinged every second, with the default 10 once in ten seconds, and a replica waiting for a disk snapshot gets a newline
  every second (``is_presync``); ``replicationStartPendingFork`` gives the replicas waiting
  when a child ends one BGSAVE with the capabilities all of them have (``mincapa``: one
  without ``capa eof`` makes it a disk one) and starts it as soon as
  ``repl-diskless-sync-max-replicas`` of them wait (``>=``); ``refreshGoodSlavesCount``
  counts an online replica whose last ACK is at most ``min-replicas-max-lag`` seconds old
  (``lag <= max_lag``).
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import delivered
from redspec.properties.planted import replace_handler
from redspec.properties.test_boundary_repl import T0, Node, _children_done, _info_of, _synced
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import persist, replication
from redspec.spec import replica as RP
from redspec.spec import replnet as N
from redspec.spec import server as S
from redspec.spec.backlog import command_pieces
from redspec.spec.commands import replication as CR
from redspec.spec.commands.registry import DEBUG_SUBCOMMANDS
from redspec.spec.crc64 import crc64_bytes
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.persist import save_state
from redspec.spec.rdb import Limits, decode_file
from redspec.spec.rdbcodec import RdbCorrupt
from redspec.spec.resp import encode_request

NAME = "boundary_mrepl_agrees_with_redis"


def _replica(*keys: bytes, **config: Any) -> Node:
    """A server (with ``keys`` set) made a replica (``REPLICAOF``) whose link to its master
    has just connected: it sent PING and waits for the reply."""
    n = Node(**config)
    for k in keys:
        n.call(b"SET", k, b"1")
    assert n.call(b"REPLICAOF", b"127.0.0.1", b"6380") == b"+OK\r\n"
    n.run(lambda st: RP.link_connected(st, n.now, True))
    return n


def _link(n: Node, data: bytes) -> None:
    """``data`` read from the replica's link to its master."""
    n.run(lambda st: RP.link_input(st, n.now, data))


def _payload() -> bytes:
    """An RDB file of one key (``a`` = ``1``), as a master sends it."""
    st = S.new_server(T0)
    st, c = S.client_connect(st, T0)
    st, _ = S.run_command(st, c, [b"SET", b"a", b"1"], T0)
    return save_state(st, T0)


def check_link_text_stops_at_nul() -> None:
    """A reply line is logged as C's ``%s`` prints it: up to its first NUL."""
    n = _replica()
    _link(n, b"-ERR a\0b\r\n")
    assert n.logged("Error reply to PING from master: '-ERR a'"), \
        f"{NAME}: the PING error's log line: {n.all_logs()[-2:]}"


def check_handshake_errors() -> None:
    """An error to AUTH drops the link; an error to a REPLCONF is logged and the handshake
    goes on to PSYNC."""
    n = _replica(masterauth="secret")
    _link(n, b"+PONG\r\n")
    _link(n, b"-ERR bad pass\r\n")
    assert n.logged("Unable to AUTH to MASTER: -ERR bad pass"), f"{NAME}: {n.all_logs()[-2:]}"
    assert not any("Non critical" in t for t in n.all_logs()), f"{NAME}: AUTH as a REPLCONF"
    assert n.state.repl.link_state == replication.REPL_STATE_CONNECT, \
        f"{NAME}: the link survived an AUTH error: {n.state.repl.link_state}"
    n = _replica()
    _link(n, b"+PONG\r\n")
    _link(n, b"-ERR nope\r\n-ERR nope\r\n")
    for conf in ("listening-port", "capa"):
        assert n.logged(f"(Non critical) Master does not understand REPLCONF {conf}: -ERR nope"), \
            f"{NAME}: REPLCONF {conf}'s error: {n.all_logs()[-4:]}"
    assert not any("Unable to AUTH" in t for t in n.all_logs()), f"{NAME}: REPLCONF as AUTH"
    assert n.state.repl.link_state == RP.REPL_STATE_RECEIVE_PSYNC_REPLY, \
        f"{NAME}: no PSYNC after the REPLCONF errors: {n.state.repl.link_state}"


def check_bad_fullresync() -> None:
    """``+FULLRESYNC`` alone: logged as wrong, then the snapshot loads at offset -1."""
    n = _replica()
    _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
    p = _payload()
    _link(n, b"+FULLRESYNC\r\n$%d\r\n" % len(p) + p)
    assert n.logged("Master replied with wrong +FULLRESYNC syntax."), f"{NAME}: not logged"
    info = n.info()
    got = {k: info[k] for k in ("master_link_status", "master_replid", "master_repl_offset",
                                "slave_repl_offset", "slave_read_repl_offset",
                                "repl_backlog_first_byte_offset")}
    assert got == {"master_link_status": "up", "master_replid": "", "master_repl_offset": "-1",
                   "slave_repl_offset": "-1", "slave_read_repl_offset": "-1",
                   "repl_backlog_first_byte_offset": "0"}, f"{NAME}: after a bad +FULLRESYNC: {got}"
    role = n.call(b"ROLE")
    assert role.endswith(b"$9\r\nconnected\r\n:-1\r\n"), f"{NAME}: ROLE: {role!r}"


def check_snapshot_reading() -> None:
    """The snapshot goes "to disk" by default, "to parser" with swapdb, and with on-empty-db
    "to parser" when the replica has no key, else "to disk"; the cached master (a master
    turned replica caches itself) is discarded; the stream read with its end is applied at
    once."""
    p = _payload()
    oe = {"repl-diskless-load": "on-empty-db"}
    for config, where, key in (({}, "to disk", False), ({"repl-diskless-load": "swapdb"},
                                                         "to parser", False),
                               (oe, "to parser", False), (oe, "to disk", True)):
        n = _replica(*((b"z",) if key else ()), **config)
        _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
        _link(n, b"+FULLRESYNC 0123456789012345678901234567890123456789 100\r\n$%d\r\n" % len(p)
              + p + b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n")
        line = f"MASTER <-> REPLICA sync: receiving {len(p)} bytes from master {where}"
        assert n.logged(line), f"{NAME}: {config}: not logged {line!r}: {n.all_logs()}"
        assert n.call(b"GET", b"x") == b"$1\r\ny\r\n", f"{NAME}: {config}: the stream after " \
            "the snapshot was not applied"
        assert n.info()["slave_repl_offset"] == "127", f"{NAME}: {config}: {n.info()}"
        assert n.logged("Loading RDB produced by version 7.0.15"), f"{NAME}: aux not logged"
        assert n.logged("Discarding previously cached master state."), \
            f"{NAME}: the cached master (REPLICAOF on a master) not discarded"
        assert n.info()["second_repl_offset"] == "-1", f"{NAME}: a full sync's second id"


def check_wait_count_argument() -> None:
    """WAIT's first argument is the count: ``WAIT 0 100`` answers 0 at once."""
    n = Node()
    assert n.call(b"WAIT", b"0", b"100") == b":0\r\n", f"{NAME}: WAIT 0 100"
    assert n.call(b"WAIT", b"abc", b"0") == \
        b"-ERR value is not an integer or out of range\r\n", f"{NAME}: WAIT abc 0"


def check_wait_answered_by_ack() -> None:
    """A WAIT for 1 replica is answered ``:1`` when the one replica acknowledges the
    client's offset, exactly; the GETACK it asked for goes into the stream once."""
    n = Node()
    r = _synced(n)
    w = n.connect()
    assert n.send(w, b"SET", b"k", b"v") == b"+OK\r\n"
    assert n.send(w, b"WAIT", b"1", b"0") == b"", f"{NAME}: setup: WAIT did not block"
    n.turn()
    off = n.state.repl.master_repl_offset
    n.turn()
    assert n.state.repl.master_repl_offset == off, \
        f"{NAME}: a second GETACK: offset {off} -> {n.state.repl.master_repl_offset}"
    n.state, _ = delivered(n.state, n.eff)
    n.send(r, b"REPLCONF", b"ACK", b"%d" % off)
    n.turn()
    n.state, got = delivered(n.state, n.eff)
    assert got.get(w) == b":1\r\n", f"{NAME}: WAIT 1 0 after the ACK: {got}"


def _cron(n: Node, seconds: int) -> dict[int, bytes]:
    """``seconds`` of event-loop turns (one per 100 ms: serverCron at hz 10), every client's
    output delivered; what each got."""
    out: dict[int, bytes] = {}
    for _ in range(10 * seconds):
        n.now += 100
        n.turn()
        n.state, got = delivered(n.state, n.eff)
        for cid, data in got.items():
            out[cid] = out.get(cid, b"") + data
    return out


def check_cron_pings_and_newlines() -> None:
    """``repl-ping-replica-period 1``: a PING into the stream every second (14 bytes each);
    a replica waiting for a disk snapshot gets a newline every second."""
    n = Node()
    _synced(n)
    n.call(b"CONFIG", b"SET", b"repl-ping-replica-period", b"1")
    before = n.state.repl.master_repl_offset
    _cron(n, 4)
    grew = n.state.repl.master_repl_offset - before
    assert grew == 4 * len(b"*1\r\n$4\r\nping\r\n"), f"{NAME}: 4 s of period 1: {grew} bytes"
    n = Node()
    _synced(n)
    before = n.state.repl.master_repl_offset
    _cron(n, 10)
    grew = n.state.repl.master_repl_offset - before
    assert grew == len(b"*1\r\n$4\r\nping\r\n"), f"{NAME}: 10 s of period 10: {grew} bytes"
    n = Node()
    r = n.connect()
    assert n.send(r, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC"), f"{NAME}: setup"
    got = _cron(n, 3).get(r, b"")
    assert got == b"\n\n\n", f"{NAME}: a replica waiting for a disk snapshot got {got!r}"


def check_stream_db_of_the_snapshot() -> None:
    """The stream after a snapshot goes on in the db its ``repl-stream-db`` names when this
    server has it: 15 of 16 dbs; 16 is none of them, and the stream stays in db 0
    (``selectDb`` refuses it)."""
    p = _payload()
    for db, want in ((16, b"db0:keys=2"), (15, b"db15:keys=1")):
        q = p[:-8].replace(b"\xfa\x08aof-base", b"\xfa\x0erepl-stream-db\xc0" + bytes([db])
                           + b"\xfa\x08aof-base")
        q += crc64_bytes(q)
        n = _replica()
        _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
        try:
            _link(n, b"+FULLRESYNC 0123456789012345678901234567890123456789 100\r\n$%d\r\n"
                  % len(q) + q + b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n")
        except IndexError as e:  # a master client in a db this server does not have
            raise AssertionError(f"{NAME}: repl-stream-db {db}: {e!r}") from e
        got = n.call(b"INFO", b"keyspace")
        assert want in got, f"{NAME}: repl-stream-db {db}: {got!r}"


def check_pending_fork_rules() -> None:
    """``replicationStartPendingFork``: the replicas waiting when a child ends share one BGSAVE
    whose target takes every one's capabilities (one without ``capa eof``: disk); with
    ``repl-diskless-sync-max-replicas 1`` one waiting replica starts it at the next cron,
    before ``repl-diskless-sync-delay``."""
    n = Node(**{"repl-diskless-sync-delay": 0})
    assert n.call(b"BGSAVE") == b"+Background saving started\r\n"
    a = n.connect()
    n.send(a, b"REPLCONF", b"capa", b"eof")
    b = n.connect()
    assert n.send(a, b"PSYNC", b"?", b"-1") == n.send(b, b"PSYNC", b"?", b"-1") == b""
    child = n.state.persist.child
    assert child is not None
    n.state = persist.with_child_exit(n.state, child.pid, 0, 0)
    n.now += 1000
    n.turn()
    assert n.logged("Starting BGSAVE for SYNC with target: disk"), \
        f"{NAME}: capa eof and none: {[t for t in n.all_logs() if 'BGSAVE' in t]}"
    n = Node()
    n.call(b"CONFIG", b"SET", b"repl-diskless-sync-max-replicas", b"1")
    a = n.connect()
    n.send(a, b"REPLCONF", b"capa", b"eof")
    assert n.send(a, b"PSYNC", b"?", b"-1") == b"", f"{NAME}: setup: no delay"
    got = _cron(n, 1).get(a, b"")
    assert b"+FULLRESYNC" in got, f"{NAME}: max-replicas 1 and one waiting: {got!r}"


def check_good_replicas_lag() -> None:
    """``min-replicas-max-lag 10``: a replica whose last ACK is 10 s old is still good (``lag
    <= max-lag``: INFO's ``min_slaves_good_slaves`` 1 while its ``lag=10``), 11 s is not (the
    next write gets NOREPLICAS)."""
    n = Node(**{"min-replicas-to-write": 1, "min-replicas-max-lag": 10})
    _synced(n)
    seen = set()
    for _ in range(130):
        n.now += 100
        n.turn()
        info = n.info()
        seen.add((int(info["slave0"].rsplit("lag=", 1)[1]), info["min_slaves_good_slaves"]))
    assert (10, "1") in seen and (10, "0") not in seen and (12, "0") in seen, \
        f"{NAME}: (lag, good replicas) seen: {sorted(seen)}"
    got = n.call(b"SET", b"k", b"v")
    assert got == b"-NOREPLICAS Not enough good replicas to write.\r\n", f"{NAME}: {got!r}"


def check_wait_client_freed() -> None:
    """Two clients WAIT for one replica; one is closed: the other is still answered ``:1`` by
    the ACK (the freed one alone leaves the waiting list)."""
    n = Node()
    r = _synced(n)
    w1, w2 = n.connect(), n.connect()
    for w in (w1, w2):
        assert n.send(w, b"SET", b"k", b"v") == b"+OK\r\n"
        assert n.send(w, b"WAIT", b"1", b"0") == b"", f"{NAME}: setup: WAIT did not block"
    n.state = S.client_disconnect(n.state, w1, n.now)
    n.turn()
    n.state, _ = delivered(n.state, n.eff)
    n.send(r, b"REPLCONF", b"ACK", b"%d" % n.state.repl.master_repl_offset)
    n.turn()
    n.state, got = delivered(n.state, n.eff)
    assert got.get(w2) == b":1\r\n", f"{NAME}: the WAIT left after the other closed: {got}"


def check_master_client_rights() -> None:
    """The master client is authenticated: a replica with ``requirepass`` applies the
    stream (``x`` set, ``slave_repl_offset`` 127); it is a new client (``createClient``: the
    next connection gets the next id); when it goes, the replica logs
    "Connection with master lost." and "Caching the disconnected master state."."""
    n = Node()
    assert n.call(b"REPLICAOF", b"127.0.0.1", b"6380") == b"+OK\r\n"
    assert n.call(b"CONFIG", b"SET", b"requirepass", b"pw") == b"+OK\r\n"
    n.run(lambda st: RP.link_connected(st, n.now, True))
    p = _payload()
    _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
    _link(n, b"+FULLRESYNC 0123456789012345678901234567890123456789 100\r\n$%d\r\n" % len(p)
          + p + b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n")
    assert n.call(b"GET", b"x") == b"$1\r\ny\r\n", f"{NAME}: requirepass: the stream refused"
    mc = n.state.repl.master_client
    assert mc is not None
    assert n.connect() == mc + 1, f"{NAME}: the next client's id after the master's {mc}"
    n.state = S.client_disconnect(n.state, mc, n.now)
    logs = n.all_logs()
    assert logs[-2:] == ["Connection with master lost.", "Caching the disconnected master state."], \
        f"{NAME}: the master's loss: {logs[-3:]}"


def check_stale_data_gate() -> None:
    """``replica-serve-stale-data no``: a master serves reads; a replica whose link is down
    answers MASTERDOWN (redis-server 7.0.15: ``GET a`` is ``1``, then after ``REPLICAOF
    127.0.0.1 1`` the MASTERDOWN error)."""
    n = Node()
    n.call(b"SET", b"a", b"1")
    n.call(b"CONFIG", b"SET", b"replica-serve-stale-data", b"no")
    assert n.call(b"GET", b"a") == b"$1\r\n1\r\n", f"{NAME}: a master refused a read"
    n.call(b"REPLICAOF", b"127.0.0.1", b"1")
    got = n.call(b"GET", b"a")
    assert got == (b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set "
                   b"to 'no'.\r\n"), f"{NAME}: a replica with its link down: {got!r}"


def check_replicaof_no_one() -> None:
    """REPLICAOF NO ONE on a synced replica closes its master's connection
    (``replicationUnsetMaster``: ``freeClient(server.master)``) and makes the stream re-select
    its db: a SAVE then names db 0 as the stream's (``repl-stream-db``: ``slaveseldb`` -1
    is saved as 0)."""
    n = _replica()
    p = _payload()
    _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
    _link(n, b"+FULLRESYNC 0123456789012345678901234567890123456789 100\r\n$%d\r\n" % len(p)
          + p)
    mc = n.state.repl.master_client
    assert mc is not None, f"{NAME}: setup: no master client"
    assert n.call(b"REPLICAOF", b"NO", b"ONE") == b"+OK\r\n"
    c = n.state.clients.get(mc)
    assert n.state.repl.master_client is None and (c is None or c.closing), \
        f"{NAME}: the master's connection kept after REPLICAOF NO ONE"
    aux = dict(decode_file(save_state(n.state, n.now), Limits.of(n.state.config), 16).aux)
    assert aux[b"repl-stream-db"] == b"0", f"{NAME}: repl-stream-db: {aux[b'repl-stream-db']!r}"


def check_role() -> None:
    """ROLE on a master lists its online replicas alone, each as ip, listening port and
    acknowledged offset (redis-server 7.0.15: one replica online after ``REPLCONF
    listening-port 6380`` and ``REPLCONF ACK 5``, one in ``wait_bgsave``: ``*1`` of
    ``127.0.0.1``, ``6380``, ``5``); on a replica its master, the link's state and the
    offset applied: -1 while not connected (``connect``), the offset once connected."""
    n = Node()
    a = _synced(n, b"listening-port", b"6380")
    n.send(a, b"REPLCONF", b"ACK", b"5")
    b = n.connect()
    assert n.send(b, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC"), f"{NAME}: setup"
    got = n.call(b"ROLE")
    off = b"%d" % n.state.repl.master_repl_offset
    assert got == (b"*3\r\n$6\r\nmaster\r\n:" + off + b"\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n"
                   b"$4\r\n6380\r\n$1\r\n5\r\n"), f"{NAME}: ROLE of a master: {got!r}"
    n = Node()
    n.call(b"REPLICAOF", b"127.0.0.1", b"1")
    n.run(lambda st: RP.link_connected(st, n.now, False))
    got = n.call(b"ROLE")
    assert got == b"*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:1\r\n$7\r\nconnect\r\n:-1\r\n", \
        f"{NAME}: ROLE of an unconnected replica: {got!r}"
    n = _replica()
    p = _payload()
    _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
    _link(n, b"+FULLRESYNC 0123456789012345678901234567890123456789 100\r\n$%d\r\n" % len(p)
          + p + b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n")
    got = n.call(b"ROLE")
    assert got.endswith(b"$9\r\nconnected\r\n:127\r\n"), f"{NAME}: ROLE connected: {got!r}"


def check_continue_master_client() -> None:
    """After ``+CONTINUE`` the master client is authenticated (a replica with ``requirepass``
    applies the stream that follows) and keeps its client: the next connection gets another
    id and the master client stays."""
    n = _replica()
    assert n.call(b"CONFIG", b"SET", b"requirepass", b"pw") == b"+OK\r\n"
    _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
    _link(n, b"+CONTINUE\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n")
    assert n.call(b"GET", b"x") == b"$1\r\ny\r\n", f"{NAME}: requirepass: the stream refused"
    mc = n.state.repl.master_client
    assert mc is not None and mc in n.state.clients, f"{NAME}: setup: no master client"
    c = n.connect()
    assert c != mc and "master" in n.state.clients[mc].info.flags, \
        f"{NAME}: a new client took the master client's id {mc}"


def check_info_replication() -> None:
    """INFO replication's fields as redis-server 7.0.15 printed them:

    - a replica started with ``replicaof`` a master that refuses the connection: link
      ``down``, ``master_last_io_seconds_ago:-1``, offsets 1 (no master, no cached one),
      ``master_link_down_since_seconds:-1``, no backlog (every field but the replid and the
      port, as recorded);
    - a connected replica (a full sync from offset 100, then ``SET x y``): link ``up``,
      ``master_last_io_seconds_ago:0``, ``slave_repl_offset:127``; once its master is gone,
      the cached master's offset (127), the link ``down``;
    - a master's replica connected from ``[::1]``: ``slave0:ip=::1,port=6380`` and "Replica
      [::1]:6380 asks for synchronization" (the spec printed ``[::1]`` and ``[[::1]]``:
      fixed with this check); ``repl_backlog_active`` 0 before the first replica, 1 after."""
    n = Node(replicaof="127.0.0.1 1")
    n.run(lambda st: RP.link_connected(st, n.now, False))
    info = n.info()
    del info["master_replid"]
    assert info == {
        "role": "slave", "master_host": "127.0.0.1", "master_port": "1",
        "master_link_status": "down", "master_last_io_seconds_ago": "-1",
        "master_sync_in_progress": "0", "slave_read_repl_offset": "1", "slave_repl_offset": "1",
        "master_link_down_since_seconds": "-1", "slave_priority": "100", "slave_read_only": "1",
        "replica_announced": "1", "connected_slaves": "0", "master_failover_state": "no-failover",
        "master_replid2": "0" * 40, "master_repl_offset": "0", "second_repl_offset": "-1",
        "repl_backlog_active": "0", "repl_backlog_size": "1048576",
        "repl_backlog_first_byte_offset": "0", "repl_backlog_histlen": "0"}, \
        f"{NAME}: a replica never connected: {info}"
    n = _replica()
    p = _payload()
    _link(n, b"+PONG\r\n+OK\r\n+OK\r\n")
    _link(n, b"+FULLRESYNC 0123456789012345678901234567890123456789 100\r\n$%d\r\n" % len(p)
          + p + b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n")
    info = n.info()
    got = [info.get(k) for k in ("master_link_status", "master_last_io_seconds_ago",
                                 "slave_repl_offset", "slave_read_repl_offset")]
    assert got == ["up", "0", "127", "127"], f"{NAME}: a connected replica: {got}"
    mc = n.state.repl.master_client
    assert mc is not None
    n.state = S.client_disconnect(n.state, mc, n.now)
    info = n.info()
    got = [info.get(k) for k in ("master_link_status", "master_last_io_seconds_ago",
                                 "slave_repl_offset", "slave_read_repl_offset")]
    assert got == ["down", "-1", "127", "127"], f"{NAME}: a replica that lost its master: {got}"
    n = Node()
    assert n.info()["repl_backlog_active"] == "0", f"{NAME}: a backlog before any replica"
    r = n.connect(addr="[::1]:50000")
    n.send(r, b"REPLCONF", b"listening-port", b"6380")
    n.send(r, b"PSYNC", b"?", b"-1")
    info = n.info()
    assert info.get("slave0") == "ip=::1,port=6380,state=wait_bgsave,offset=0,lag=0" and \
        info["repl_backlog_active"] == "1", f"{NAME}: an IPv6 replica: {info}"
    assert n.logged("Replica [::1]:6380 asks for synchronization"), f"{NAME}: {n.all_logs()}"


def check_failover_timeout_then_ping() -> None:
    """``replicationCron`` looks at a FAILOVER first (``updateFailoverStatus``): the cron
    that finds its TIMEOUT passed aborts it (the clients unpaused) and, the same run, pings
    the replicas (``repl-ping-replica-period 1``): the PING goes into the stream in the very
    turn the failover ends."""
    n = Node()
    _synced(n, b"listening-port", b"6380")
    n.call(b"CONFIG", b"SET", b"repl-ping-replica-period", b"1")
    n.call(b"SET", b"k", b"v")
    assert n.call(b"FAILOVER", b"TIMEOUT", b"3500") == b"+OK\r\n"
    for _ in range(60):
        before = n.state.repl.master_repl_offset
        n.now += 100
        n.turn()
        if n.state.repl.failover is None:
            grew = n.state.repl.master_repl_offset - before
            assert grew == len(b"*1\r\n$4\r\nping\r\n"), \
                f"{NAME}: the turn the failover timed out fed {grew} bytes"
            return
    raise AssertionError(f"{NAME}: setup: the failover never timed out")


def check_failover_moves_in_before_sleep() -> None:
    """beforeSleep updates a FAILOVER every turn (``updateFailoverStatus``, "we may have
    received updates from clients about their current offset"): the turn that reads the
    replica's ACK of the whole stream starts the handover (``failover-in-progress``, this
    server now a replica of it), with no GETACK or WAIT pending."""
    n = Node()
    r = _synced(n, b"listening-port", b"6380")
    n.call(b"SET", b"k", b"v")
    _turn(n)
    assert n.call(b"FAILOVER") == b"+OK\r\n"
    _turn(n)
    assert n.info()["master_failover_state"] == "waiting-for-sync", f"{NAME}: setup"
    n.send(r, b"REPLCONF", b"ACK", b"%d" % n.state.repl.master_repl_offset)
    n.turn()
    got = n.info()["master_failover_state"]
    assert got == "failover-in-progress", f"{NAME}: after the replica's ACK: {got}"


def check_world_ack_after_diskless_load() -> None:
    """The multi-node model (``spec.replnet``): a replica's ``REPLCONF ACK`` after a diskless
    load (``readSyncBulkPayload``: ``replicationSendAck``) is on its way to the master as soon
    as the payload is read — the transition's woken clients write in the same event-loop
    iteration, as Redis's beforeSleep writes them — so the master can start its stream."""
    w = N.new_world(("m", "r1"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(20):
        node = w.nodes["m"]
        if node.child is not None and node.state is not None and \
                node.state.persist.child is not None:
            w = N.tick(N.child_exit(w, "m"), 100)
        moved = False
        for k, c in sorted(w.conns.items()):
            if c.to_a:
                w = N.deliver(w, k, c.a)
                moved = True
                st = w.nodes["r1"].state
                if st is not None and st.repl.link_state == RP.REPL_STATE_CONNECTED:
                    c2 = w.conns.get(k)
                    assert c2 is not None and b"REPLCONF\r\n$3\r\nACK" in c2.to_b, \
                        f"{NAME}: the ACK after the load is not on its way: {c2}"
                    return
            elif c.to_b:
                w = N.deliver(w, k, c.b)
                moved = True
        if not moved:
            w = N.tick(w, 100)
    raise AssertionError(f"{NAME}: setup: the replica never loaded its snapshot")


def check_world_replicaof_during_handshake() -> None:
    """REPLICAOF another master while the link to the first is in its handshake: the old
    connection is dropped quietly (``cancelReplicationHandshake``) and the new one sends its
    PING at once."""
    w = N.new_world(("m", "m2", "r1"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m2"))
    got = [(c.a, c.b, c.to_b) for c in w.conns.values()]
    assert got == [("r1", "m2", b"*1\r\n$4\r\nPING\r\n")], f"{NAME}: the links: {got}"


def check_world_replica_keeps_its_snapshot() -> None:
    """A replica loading from disk (``repl-diskless-load disabled``, the default) renames the
    received snapshot to its ``dbfilename``: crashed and restarted, it loads the master's
    data (``GET k`` is ``v``)."""
    w = N.new_world(("m", "r1"))
    w = N.command(w, "m", b"SET", b"k", b"v")
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = N.settle_network(_children_done(N.tick(w, 1000)))
    st = w.nodes["r1"].state
    assert st is not None and st.repl.link_state == RP.REPL_STATE_CONNECTED, f"{NAME}: setup"
    try:
        w = N.command(N.restart(N.crash(w, "r1"), "r1"), "r1", b"GET", b"k")
    except RdbCorrupt as e:
        raise AssertionError(f"{NAME}: its file does not load: {e}") from e
    assert w.nodes["r1"].replies == (b"$1\r\nv\r\n",), \
        f"{NAME}: restarted from its file: {w.nodes['r1'].replies}"


def check_world_bgsave_file() -> None:
    """A node's disk BGSAVE, once its child ends, is the node's file: crashed and restarted,
    it has the data; a child that fails (``child_exit(ok=False)``) exits with an error
    (``rdb_last_bgsave_status:err``)."""
    w = N.new_world(("m",))
    w = N.command(w, "m", b"SET", b"k", b"v")
    w = N.command(w, "m", b"BGSAVE")
    w = N.tick(N.child_exit(w, "m"), 1000)
    w = N.command(N.restart(N.crash(w, "m"), "m"), "m", b"GET", b"k")
    assert w.nodes["m"].replies == (b"$1\r\nv\r\n",), \
        f"{NAME}: restarted after a BGSAVE: {w.nodes['m'].replies}"
    w = N.command(w, "m", b"BGSAVE")
    w = N.tick(N.child_exit(w, "m", ok=False), 1000)
    w = N.command(w, "m", b"INFO", b"persistence")
    assert b"rdb_last_bgsave_status:err\r\n" in w.nodes["m"].replies[-1], \
        f"{NAME}: a failed BGSAVE child reported a success"


def check_world_break_frees_the_replica() -> None:
    """A connection that breaks is closed at both ends: the master frees the replica's
    client (``connected_slaves:0``)."""
    w = N.new_world(("m", "r1"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = N.settle_network(_children_done(N.tick(w, 1000)))
    assert _info_of(w, "m")["connected_slaves"] == "1", f"{NAME}: setup"
    w = N.partition(w, "m", "r1")
    got = _info_of(w, "m")["connected_slaves"]
    assert got == "0", f"{NAME}: the master after the link broke: connected_slaves {got}"


def check_world_tick_runs_every_cron() -> None:
    """``tick`` turns each node's event loop at every serverCron time on the way (``hz`` 10:
    ten a second): over 20 s a master runs serverCron 200 times and, its replicationCron
    once a second, pings its replica every ``repl-ping-replica-period`` (10 s): twice."""
    w = N.new_world(("m", "r1"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = N.settle_network(_children_done(N.tick(w, 1000)))
    st = w.nodes["m"].state
    assert st is not None
    off, loops = st.repl.master_repl_offset, st.cron.cronloops
    for _ in range(20):
        w = N.settle_network(N.tick(w, 1000))
    st = w.nodes["m"].state
    assert st is not None
    got = (st.repl.master_repl_offset - off, st.cron.cronloops - loops)
    assert got == (2 * len(b"*1\r\n$4\r\nping\r\n"), 200), \
        f"{NAME}: 20 s of ticks: (stream bytes, serverCron runs) {got}"


def check_world_crashed_node_idles() -> None:
    """A crashed node takes no turn (``turn`` leaves the world as it is, ``tick`` passes it
    by), while the running ones do (``tick`` ends with a turn of each at its end time: a
    client blocked until then is answered)."""
    w = N.crash(N.new_world(("m", "r1")), "r1")
    try:
        assert N.turn(w, "r1") is w, f"{NAME}: a crashed node took a turn"
        w = N.command(w, "m", b"BLPOP", b"q", b"0.05")
        assert w.nodes["m"].replies == (), f"{NAME}: setup: BLPOP answered at once"
        w = N.tick(w, 60)
    except AssertionError as e:
        raise AssertionError(f"{NAME}: {e}") from e
    assert w.nodes["m"].replies == (b"*-1\r\n",), \
        f"{NAME}: BLPOP's timeout at the tick's end: {w.nodes['m'].replies}"


def check_world_partition_and_crash_cut_their_own_links() -> None:
    """``partition(m, r1)`` breaks the links between m and r1 only, ``crash(r1)`` those of r1
    only: a second replica r2 stays attached to m (``connected_slaves:1``)."""
    w = N.new_world(("m", "r1", "r2"))
    for r in ("r1", "r2"):
        w = N.command(w, r, b"REPLICAOF", *N.address_of("m"))
    for _ in range(4):
        w = N.settle_network(_children_done(N.tick(w, 1000)))
    assert _info_of(w, "m")["connected_slaves"] == "2", f"{NAME}: setup"
    for cut in (lambda w: N.partition(w, "m", "r1"), lambda w: N.crash(w, "r1")):
        w2 = cut(w)
        links = sorted((c.a, c.b) for c in w2.conns.values())
        assert links == [("r2", "m")] and _info_of(w2, "m")["connected_slaves"] == "1", \
            f"{NAME}: the links left: {links}"


def check_world_unreachable_master() -> None:
    """A REPLICAOF whose master cannot be reached: the connect fails (7.0.15: "Error
    condition on socket for SYNC: Connection refused") and the link waits for the cron's
    next try (ROLE's ``connect``, no connection)."""
    w = N.partition(N.new_world(("m", "r1")), "m", "r1")
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    w = N.command(w, "r1", b"ROLE")
    assert w.nodes["r1"].replies[-1].endswith(b"$7\r\nconnect\r\n:-1\r\n") and not w.conns, \
        f"{NAME}: an unreachable master: {w.nodes['r1'].replies[-1]!r} {dict(w.conns)}"


def check_world_quit_frees_the_client() -> None:
    """A client of a node that closes with no connection behind it (the model's user
    client, after QUIT: ``+OK`` then closed) is freed."""
    w = N.new_world(("m",))
    u = w.nodes["m"].user
    w = N.command(w, "m", b"QUIT")
    st = w.nodes["m"].state
    assert st is not None and w.nodes["m"].replies == (b"+OK\r\n",) and u not in st.clients, \
        f"{NAME}: the client after QUIT: {w.nodes['m'].replies}"


def check_replicaof_port_range() -> None:
    """REPLICAOF takes a port from 0 to 65535 (redis-server 7.0.15: ``OK`` for 0 and 65535,
    "ERR Invalid master port" for 65536 and -1)."""
    n = Node()
    for port, want in ((b"0", b"+OK\r\n"), (b"65535", b"+OK\r\n"),
                       (b"65536", b"-ERR Invalid master port\r\n"),
                       (b"-1", b"-ERR Invalid master port\r\n")):
        got = n.call(b"REPLICAOF", b"127.0.0.1", port)
        assert got == want, f"{NAME}: REPLICAOF 127.0.0.1 {port!r}: {got!r}"
        assert n.call(b"REPLICAOF", b"NO", b"ONE") == b"+OK\r\n"


def check_debug_change_repl_id() -> None:
    """DEBUG CHANGE-REPL-ID (``enable-debug-command yes``): a new replid and no second one;
    with an argument more, "ERR unknown subcommand or wrong number of arguments for
    'change-repl-id'. Try DEBUG HELP." (redis-server 7.0.15)."""
    n = Node(**{"enable-debug-command": "yes"})
    before = n.info()["master_replid"]
    assert n.call(b"DEBUG", b"change-repl-id") == b"+OK\r\n", f"{NAME}: DEBUG CHANGE-REPL-ID"
    info = n.info()
    assert info["master_replid"] != before and info["master_replid2"] == "0" * 40 and \
        info["second_repl_offset"] == "-1", f"{NAME}: after DEBUG CHANGE-REPL-ID: {info}"
    got = n.call(b"DEBUG", b"change-repl-id", b"x")
    assert got == (b"-ERR unknown subcommand or wrong number of arguments for 'change-repl-id'. "
                   b"Try DEBUG HELP.\r\n"), f"{NAME}: DEBUG CHANGE-REPL-ID x: {got!r}"


def _room(n: Node) -> int:
    """The room left in the backlog's tail block."""
    b = n.state.repl.backlog
    assert b is not None and b.tail is not None
    return b.tail.size - b.tail.used


def _turn(n: Node, deliver: bool = True) -> None:
    """An event-loop turn; with ``deliver``, every client's output is read (the replicas
    have written everything)."""
    n.turn()
    if deliver:
        n.state, _ = delivered(n.state, n.eff)


def _aligned_set(n: Node, over: int) -> None:
    """A ``SET k <value>`` whose stream bytes end ``over`` bytes past the room of the tail
    block (after a write that makes the stream's SELECT): ``over`` 1 makes its last byte
    (the final ``\n``, a piece of its own) open a new block, ``over`` 0 fills the tail
    exactly. Not followed by a turn."""
    n.call(b"SET", b"a", b"1")
    _turn(n)
    want = _room(n) + over
    size, length = 0, want
    while size != want:
        size = len(b"".join(command_pieces([b"SET", b"k", b"x" * length])))
        length += want - size
    n.call(b"SET", b"k", b"x" * length)


def _first_byte(n: Node) -> int:
    return int(n.info()["repl_backlog_first_byte_offset"])


def check_pins_of_replicas() -> None:
    """Which blocks a replica keeps (``ref_repl_buf_node``; ``repl-backlog-size 16384``,
    20,440-byte blocks, the backlog trimmed in beforeSleep and when a write opens a block),
    each where a block starts:

    - a replica waiting for its disk snapshot from offset X, X the one byte of the tail
      block: its first feed refers to that block (``feedReplicationBuffer``: the tail has
      room), so the full block before it is freed (the backlog starts at X); X the last
      byte of a tail block exactly full: its first feed refers to the new block, and the
      full one is freed too (the backlog starts at X + 1; the spec kept it: fixed with this
      check). Both recorded on redis-server 7.0.15 (raw-socket replicas, ``rdb-key-save-delay``
      holding the BGSAVE; the same layout: X 20441 and 20440, the backlog from 20441 both
      times, ``repl_backlog_histlen`` 18083 and 18082);
    - an online replica that wrote everything up to X, X the first byte of its block: it
      moved past the block before (``writeToClient``), which is freed;
    - an online replica that wrote everything up to X, X the last byte of a full tail block,
      and has not written since the next block opened: it still refers to that block (its
      ``ref_block_pos`` at its end), which is kept (the backlog still starts at 1);
    - a replica that PSYNCed at the stream's end (X + 1, X the one byte of the tail block)
      refers to the tail (``addReplyReplicationBacklog``): a write that opens a block frees
      the block before, which an INFO read in the same event-loop turn shows; X the last
      byte of a full tail: it still refers to that tail (at its end), which the write that
      opens the next blocks keeps (the backlog still starts at 1)."""
    for over in (1, 0):
        n = Node(**{"repl-backlog-size": 16384})
        a = _synced(n)
        n.state = S.client_disconnect(n.state, a, n.now)
        _aligned_set(n, over)
        _turn(n)
        x = n.state.repl.master_repl_offset
        r = n.connect()
        assert n.send(r, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC"), f"{NAME}: setup"
        n.call(b"SET", b"s", b"v")
        _turn(n, deliver=False)
        n.call(b"SET", b"big", b"y" * 18000)
        _turn(n, deliver=False)
        assert _first_byte(n) == x + 1 - over, \
            f"{NAME}: waiting from {x} (over {over}): the backlog starts at {_first_byte(n)}"
    for over, kept in ((1, False), (0, True)):
        n = Node(**{"repl-backlog-size": 16384})
        _synced(n)
        _aligned_set(n, over)
        _turn(n)
        x = n.state.repl.master_repl_offset
        n.call(b"SET", b"big", b"y" * 18000)
        _turn(n, deliver=False)
        want = 1 if kept else x + over - 1
        assert _first_byte(n) == want, \
            f"{NAME}: online, sent up to {x} (over {over}): the backlog starts at {_first_byte(n)}"
    for over in (1, 0):
        n = Node(**{"repl-backlog-size": 16384})
        a = _synced(n)
        n.state = S.client_disconnect(n.state, a, n.now)
        _aligned_set(n, over)
        x = n.state.repl.master_repl_offset
        r = n.connect()
        got = n.send(r, b"PSYNC", n.state.repl.replid.encode(), b"%d" % (x + 1))
        assert got == b"+CONTINUE\r\n", f"{NAME}: setup: {got!r}"
        _turn(n)
        c1, c2 = n.connect(), n.connect()
        inputs = {c1: encode_request([b"SET", b"big", b"y" * 25000]),
                  c2: encode_request([b"INFO", b"replication"])}
        eff = n.run(lambda st, t=n.now, i=inputs: event_loop_turn(st, t, i, {}))
        n.state, out = delivered(n.state, eff)
        want = x if over else 1
        assert f"repl_backlog_first_byte_offset:{want}\r\n".encode() in out.get(c2, b""), \
            f"{NAME}: caught up at {x} (over {over}): {out.get(c2, b'')[-120:]!r}"


CHECKS = [check_link_text_stops_at_nul, check_handshake_errors, check_bad_fullresync,
          check_snapshot_reading, check_wait_count_argument, check_wait_answered_by_ack,
          check_cron_pings_and_newlines, check_stream_db_of_the_snapshot,
          check_pending_fork_rules, check_good_replicas_lag, check_wait_client_freed,
          check_master_client_rights, check_stale_data_gate, check_pins_of_replicas,
          check_replicaof_no_one, check_role, check_continue_master_client,
          check_info_replication, check_failover_timeout_then_ping,
          check_failover_moves_in_before_sleep, check_world_ack_after_diskless_load,
          check_world_replicaof_during_handshake, check_world_replica_keeps_its_snapshot,
          check_world_unreachable_master, check_world_quit_frees_the_client,
          check_world_break_frees_the_replica, check_world_tick_runs_every_cron,
          check_world_crashed_node_idles, check_world_partition_and_crash_cut_their_own_links,
          check_world_bgsave_file,
          check_replicaof_port_range, check_debug_change_repl_id]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mrepl(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


#: (module, function, old text, new text, the check it trips): each a surviving mutant.
PLANTED: list[tuple[Any, str, str, str, Any]] = [
    (RP, "_text", 'split(b"\\0", 1)', 'split(b"\\0", 0)', check_link_text_stops_at_nul),
    (RP, "link_input", 'if what == "auth" and', 'if what != "auth" and', check_handshake_errors),
    (RP, "link_input", 'if what != "auth" and', 'if what == "auth" and', check_handshake_errors),
    (RP, "link_input", "master_replid=\"\", master_initial_offset=-1",
     "master_replid=\"\", master_initial_offset=-0", check_bad_fullresync),
    (RP, "link_input", "master_replid=\"\", master_initial_offset=-1",
     "master_replid=\"\", master_initial_offset=-2", check_bad_fullresync),
    (RP, "link_input", "if done is None:", "if done is not None:", check_snapshot_reading),
    (RP, "use_diskless_load", 'if mode == "swapdb":', 'if mode != "swapdb":',
     check_snapshot_reading),
    (RP, "use_diskless_load", "return True", "return False", check_snapshot_reading),
    (replication, "wait_command", "string2ll(argv[1])", "string2ll(argv[2])",
     check_wait_count_argument),
    (replication, "before_sleep_replication", "set_repl(s, get_ack=False)",
     "set_repl(s, get_ack=True)", check_wait_answered_by_ack),
    (replication, "process_clients_waiting_replicas", "if c is None or", "if c is not None or",
     check_wait_answered_by_ack),
    (replication, "process_clients_waiting_replicas", "c.info.bpop is None",
     "c.info.bpop is not None", check_wait_answered_by_ack),
    (replication, "process_clients_waiting_replicas", 'c.info.bpop.cmd != "wait"',
     'c.info.bpop.cmd == "wait"', check_wait_answered_by_ack),
    (replication, "process_clients_waiting_replicas", "if n >= bp.count:", "if n > bp.count:",
     check_wait_answered_by_ack),
    (replication, "replication_cron_master", "period = max(1,", "period = max(2,",
     check_cron_pings_and_newlines),
    (replication, "replication_cron_master", "        if link is None:\n            continue\n"
     "        presync", "        if link is not None:\n            continue\n        presync",
     check_cron_pings_and_newlines),
    (replication, "replication_cron_master", 'repl_of(s).child_target != "socket"',
     'repl_of(s).child_target == "socket"', check_cron_pings_and_newlines),
    (replication, "replication_cron_master", "cron_loops=repl_of(s).cron_loops + 1",
     "cron_loops=repl_of(s).cron_loops", check_cron_pings_and_newlines),
    (RP, "stream_db_of", "0 <= n < dbs", "0 <= n <= dbs", check_stream_db_of_the_snapshot),
    (replication, "replication_cron_master", "cron_loops=repl_of(s).cron_loops + 1",
     "cron_loops=repl_of(s).cron_loops + 2", check_cron_pings_and_newlines),
    (RP, "load_transfer", "if text is not None:", "if text is None:", check_snapshot_reading),
    (replication, "start_pending_fork", "for _, link in waiting[1:]:",
     "for _, link in waiting[2:]:", check_pending_fork_rules),
    (replication, "start_pending_fork", "len(waiting) >= most", "len(waiting) > most",
     check_pending_fork_rules),
    (replication, "refresh_good_replicas", "link.ack_time_ms // 1000 <= lag",
     "link.ack_time_ms // 1000 < lag", check_good_replicas_lag),
    (replication, "replica_freed", "waiting_acks=tuple(x for x in r.waiting_acks if x != c.id)",
     "waiting_acks=tuple(x for x in r.waiting_acks if x == c.id)", check_wait_client_freed),
    (replication, "master_disconnected", "if cached is not None:", "if cached is None:",
     check_master_client_rights),
    (RP, "load_transfer", "authenticated=True", "authenticated=False", check_master_client_rights),
    (RP, "load_transfer", "s.next_client_id = cid + 1", "s.next_client_id = cid + 2",
     check_master_client_rights),
    (replication, "master_down", "return (r.masterhost is not None and r.link_state",
     "return (r.masterhost is None and r.link_state", check_stale_data_gate),
    (replication, "master_down", "and r.link_state != REPL_STATE_CONNECTED",
     "and r.link_state == REPL_STATE_CONNECTED", check_stale_data_gate),
    (replication, "unset_master", "if r.master_client is not None:",
     "if r.master_client is None:", check_replicaof_no_one),
    (replication, "unset_master", "slaveseldb=-1,", "slaveseldb=-2,", check_replicaof_no_one),
    (replication, "close_master_client", "closing=True", "closing=False", check_replicaof_no_one),
    (replication, "role_reply", "if r.masterhost is None:", "if r.masterhost is not None:",
     check_role),
    (replication, "role_reply", "if c is not None else None", "if c is None else None", check_role),
    (replication, "role_reply", "if c is None or link is None", "if c is not None or link is None",
     check_role),
    (replication, "role_reply", "or link is None or link.state", "or link is not None or link.state",
     check_role),
    (replication, "role_reply", "link.state != SLAVE_STATE_ONLINE", "link.state == SLAVE_STATE_ONLINE",
     check_role),
    (replication, "role_reply", "if r.master_client is not None else -1",
     "if r.master_client is None else -1", check_role),
    (replication, "role_reply", "if r.master_client is not None else -1",
     "if r.master_client is not None else -0", check_role),
    (replication, "role_reply", "if r.master_client is not None else -1",
     "if r.master_client is not None else -2", check_role),
    (replication, "replica_ip", 'host = c.info.addr.rsplit(":", 1)[0]',
     'host = c.info.addr.rsplit(":", 2)[0]', check_info_replication),
    (replication, "replica_ip", "    return host[1:-1] if", "    return host if", # before the fix
     check_info_replication),
    (replication, "info_replication", "up = r.link_state == REPL_STATE_CONNECTED",
     "up = r.link_state != REPL_STATE_CONNECTED", check_info_replication),
    (replication, "info_replication", "if r.master_client is not None else None",
     "if r.master_client is None else None", check_info_replication),
    (replication, "info_replication", "// 1000) if mc is not None else -1",
     "// 1000) if mc is not None else -0", check_info_replication),
    (replication, "info_replication", "// 1000) if mc is not None else -1",
     "// 1000) if mc is not None else -2", check_info_replication),
    (replication, "info_replication", "        if mc is not None:\n",
     "        if mc is None:\n", check_info_replication),
    (replication, "info_replication", "applied = read = r.cached_master[1]",
     "applied = read = r.cached_master[2]", check_info_replication),
    (replication, "info_replication", "applied = read = 1", "applied = read = 0",
     check_info_replication),
    (replication, "info_replication", "applied = read = 1", "applied = read = 2",
     check_info_replication),
    (replication, "info_replication", "if r.down_since_s else -1))",
     "if r.down_since_s else -0))", check_info_replication),
    (replication, "info_replication", "if r.down_since_s else -1))",
     "if r.down_since_s else -2))", check_info_replication),
    (replication, "info_replication", "if c is None or c.info.repl is None:",
     "if c is not None or c.info.repl is None:", check_info_replication),
    (replication, "info_replication", "if c is None or c.info.repl is None:",
     "if c is None or c.info.repl is not None:", check_info_replication),
    (replication, "info_replication", '("repl_backlog_active", int(b is not None))',
     '("repl_backlog_active", int(b is None))', check_info_replication),
    (RP, "use_diskless_load", 'return mode == "on-empty-db" and',
     'return mode != "on-empty-db" and', check_snapshot_reading),
    (RP, "use_diskless_load", "s.open_db(i).size() == 0", "s.open_db(i).size() != 0",
     check_snapshot_reading),
    (RP, "load_transfer", "if r.cached_master is not None:", "if r.cached_master is None:",
     check_snapshot_reading),
    (replication, "replica_name", 'if ":" in addr else', 'if ":" not in addr else',
     check_info_replication),
    (N, "_effects", "if node.state is None or cid not in", "if node.state is not None or cid not in",
     check_world_ack_after_diskless_load),
    (N, "_effects", "or cid not in node.state.clients:", "or cid in node.state.clients:",
     check_world_ack_after_diskless_load),
    (N, "_repl_op", "_break(w, hit[0], notify_a=False)", "_break(w, hit[0], notify_a=True)",
     check_world_replicaof_during_handshake),
    (N, "_repl_op", 'if kind == "rdb_file":', 'if kind != "rdb_file":',
     check_world_replica_keeps_its_snapshot),
    (N, "_connect", "link_connected(st, w.now_ms, False)", "link_connected(st, w.now_ms, True)",
     check_world_unreachable_master),
    (N, "_break", "if nb is not None and nb.state", "if nb is None and nb.state",
     check_world_break_frees_the_replica),
    (N, "_break", "and nb.state is not None and c.b_client", "and nb.state is None and c.b_client",
     check_world_break_frees_the_replica),
    (N, "_break", "and c.b_client in nb.state.clients:", "and c.b_client not in nb.state.clients:",
     check_world_break_frees_the_replica),
    (N, "tick", "if st is None or st.transport", "if st is not None or st.transport",
     check_world_tick_runs_every_cron),
    (N, "tick", "        if w.nodes[name].state is not None:\n",
     "        if w.nodes[name].state is None:\n", check_world_crashed_node_idles),
    (N, "turn", "if w.nodes[name].state is None:", "if w.nodes[name].state is not None:",
     check_world_crashed_node_idles),
    (N, "partition", "if {c.a, c.b} == {a, b}:", "if {c.a, c.b} != {a, b}:",
     check_world_partition_and_crash_cut_their_own_links),
    (N, "crash", "if name in (c.a, c.b):", "if name not in (c.a, c.b):",
     check_world_partition_and_crash_cut_their_own_links),
    (N, "restart", "if node.state is not None:", "if node.state is None:",
     check_world_replica_keeps_its_snapshot),
    (N, "_repl_op", "attrs.evolve(node, disk=op[1])", "attrs.evolve(node, disk=op[0])",
     check_world_replica_keeps_its_snapshot),
    (N, "child_exit", 'if ok and node.state.repl.child_target != "socket":',
     'if ok and node.state.repl.child_target == "socket":', check_world_bgsave_file),
    (N, "child_exit", "0 if ok else 1, 0)", "0 if ok else 0, 0)", check_world_bgsave_file),
    (N, "_close_client", "if node.state is not None and cid in",
     "if node.state is None and cid in", check_world_quit_frees_the_client),
    (N, "_close_client", "and cid in node.state.clients:", "and cid not in node.state.clients:",
     check_world_quit_frees_the_client),
    (CR, "replicaof", "not 0 <= port <= 65535", "not 0 < port <= 65535", check_replicaof_port_range),
    (CR, "replicaof", "not 0 <= port <= 65535", "not 0 <= port < 65535", check_replicaof_port_range),
    (CR, "debug_change_repl_id", "if len(argv) != 2:", "if len(argv) == 2:",
     check_debug_change_repl_id),
    (RP, "replication_before_sleep", "or r.failover is not None:", "or r.failover is None:",
     check_failover_moves_in_before_sleep),
    (RP, "replication_cron", "if r.failover is not None:", "if r.failover is None:",
     check_failover_timeout_then_ping),
    (RP, "continue_partial", "authenticated=True", "authenticated=False",
     check_continue_master_client),
    (RP, "load_transfer", "    return True", "    return False", check_snapshot_reading),
    (RP, "load_transfer", 'replid2="0" * 40, second_replid_offset=-1',
     'replid2="0" * 40, second_replid_offset=-0', check_snapshot_reading),
    (RP, "load_transfer", 'replid2="0" * 40, second_replid_offset=-1',
     'replid2="0" * 40, second_replid_offset=-2', check_snapshot_reading),
    (replication, "replica_pins", "pins.append(link.initial_offset + 2)",
     "pins.append(link.initial_offset)", check_pins_of_replicas),
    (replication, "replica_pins", "pins.append(link.initial_offset + 2)",  # before the fix
     "pins.append(link.initial_offset + 1)", check_pins_of_replicas),
    (replication, "replica_pins", "end - len(c.reply) + 1 if c.reply",
     "end - len(c.reply) if c.reply", check_pins_of_replicas),
    (replication, "replica_pins", "end - len(c.reply) + 1 if c.reply",
     "end - len(c.reply) + 2 if c.reply", check_pins_of_replicas),
    (replication, "replica_pins", "if c.reply else end + 1)", "if c.reply else end)",
     check_pins_of_replicas),
    (replication, "replica_pins", "if c.reply else end + 1)", "if c.reply else end + 2)",
     check_pins_of_replicas),
]


@pytest.mark.parametrize("module,func,old,new,check", PLANTED,
                         ids=[f"{p[1]}:{p[3]}" for p in PLANTED])
def test_planted_boundary_mrepl(monkeypatch: pytest.MonkeyPatch, module: Any, func: str,
                                old: str, new: str, check: Any) -> None:
    planted = plant_everywhere(monkeypatch, module, func, old, new)
    if func == "replicaof":  # a command handler: the served table holds it
        replace_handler(monkeypatch, b"replicaof", planted)
    elif func == "debug_change_repl_id":
        monkeypatch.setitem(DEBUG_SUBCOMMANDS, "change-repl-id", planted)
    _trips(check)
