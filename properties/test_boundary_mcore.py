"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
server core modules (``spec/rehash.py``, ``spec/eventloop.py``, ``spec/cron.py``,
``spec/obuf.py``, ``spec/transport.py`` and the smaller ones; issue #22, ``tools/mutation.py``),
in the pattern of ``properties/test_boundary_streams.py``: each check puts a Redis rule exactly
on its boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_mcore_agree_with_redis``. The rules, from Redis 7.0.15's source (server.c
``databasesCron``, ``tryResizeHashTables``, ``incrementallyRehash``):

- ``check_cron_rehash_finds_the_rehashing_db``: the rehash part of ``databasesCron`` walks up
  to 16 databases from ``rehash_db`` one at a time (``rehash_db++``, modulo ``dbnum``) and
  gives the first whose main dict (else expires dict) is rehashing exactly one
  ``dictRehashMilliseconds(d, 1)`` (the spec's millisecond: ``REHASH_CALLS_PER_MS`` calls of
  ``dictRehash(d, 100)``), then stops there: db 0 (empty, not rehashing) is passed over, db 9
  (odd, so a cursor moving by two never reaches it) gets the millisecond and ``rehash_db``
  stays 9; the same for an expires dict rehashing alone (db 5);
- ``check_cron_resizes_every_db``: ``tryResizeHashTables(resize_db % dbnum)`` on 16
  successive databases per call (``resize_db++``): with 16 databases every dict under 10%
  full shrinks in one tick, db 1 and db 15 included; a shrinking expires dict is kept when the
  main dict of the same db needs nothing.

Event loop (ae.c ``aeProcessEvents``, networking.c ``writeToClient``):

- ``check_write_event_before_cron``: a client whose reply waited (its socket full) for longer
  than ``timeout`` and whose socket becomes writable in the turn the cron is due is written
  to first (file events run before time events), and the write is an interaction
  (``c->lastinteraction``), so ``clientsCronHandleTimeout`` does not close it: it gets its
  reply; the admin client, idle as long with nothing pending, is closed.
- ``check_failover_moves_on_in_the_acks_turn``: ``beforeSleep`` calls
  ``updateFailoverStatus`` every turn, so a ``FAILOVER TIMEOUT 60000`` (no pings while the
  writes are paused) goes on to its replica in the very turn the replica's ``REPLCONF ACK``
  for the whole stream is read, not at the next ``replicationCron``.

serverCron (server.c): ``server.hz = server.config_hz``, then with ``dynamic-hz`` doubled
``while (listLength(server.clients) / server.hz > MAX_CLIENTS_PER_CLOCK_TICK)`` (200), capped
at 500; ``hz 1`` (the least ``updateHZ`` lets through) stays 1:
``check_effective_hz_edges`` (2000 clients at hz 10: 2000 / 10 = 200, not over: 10; 2010: 20).
``check_shutdown_exits_at_once``: a SIGTERM whose ``prepareForShutdown`` succeeds is followed
by ``exit(0)`` in the same serverCron: nothing else of the tick runs (no ``cronloops``
increment, no active expire cycle: the 30 keys past their TTL are still there).
``check_replica_joins_bgsave_after_ticks``: a second replica's full sync joins the disk
BGSAVE a first one started, also after cron ticks while the child runs (the tick must not
forget that the child is the replication snapshot: "Waiting for end of BGSAVE for SYNC").

Output-buffer limits (networking.c ``checkClientOutputBufferLimits``, called on each append
to the reply list, i.e. only once the 16 KiB buffer is full; the model counts the list as
CLIENT LIST's ``omem`` does, whole 16 KiB chunks beyond the first), for a Pub/Sub client:

- ``check_obuf_whole_chunks``: at ``pubsub 32768 0 0`` 32768 pending bytes (one chunk over)
  are kept and one byte more closes; at ``pubsub 16384 0 0`` 16384 bytes (all in the buffer)
  are kept and 16385 close;
- ``check_obuf_no_soft_limit``: ``pubsub 0 0 0`` never closes, however long it stays over;
- ``check_obuf_soft_timer_kept``: at ``pubsub 0 16384 10`` the soft timer starts when 32769
  bytes are pending; the client drains, and a reply of exactly 16384 bytes (the buffer, no
  list append, no check) does not reset it: 11 s after the start the next overflow closes.

Transport (networking.c, server.c ``processCommand``, recorded from redis-server 7.0.15):

- ``_MONITOR``: what a MONITOR client is sent for AUTH, HELLO and MIGRATE (after the
  ``+<time> [<db> <addr>] `` head): ``redactClientCommandArgument`` as each command's option
  parsing reaches it: HELLO's ``AUTH`` needs two more arguments, ``SETNAME`` one, and the
  parse stops at the first other option (``x``) with nothing after it redacted; MIGRATE's
  options start at the sixth argument, ``AUTH`` takes one, ``AUTH2`` two, ``COPY`` and
  ``REPLACE`` none (any case), ``KEYS`` and any other word end the parse;
- ``_SESSION``: four clients, replies as each socket read them: CLIENT REPLY OFF lets
  SUBSCRIBE's confirmation through (``CLIENT_PUSHING``); RESET clears REPLY OFF and MONITOR
  (the SET after it sends the former monitor nothing); ``CLIENT PAUSE ... WRITE`` postpones
  an EXEC whose queue holds a write, runs one of reads; ``CLIENT PAUSE`` (ALL) postpones a
  GET, a PING and even the pausing client's own CLIENT UNPAUSE;
- ``_SESSION_ACL``: under CLIENT REPLY OFF a SUBSCRIBE queued in MULTI whose channel the
  user lost before EXEC (``ACL SETUSER u resetchannels``) is refused by EXEC's ACL recheck
  with a NOPERM error, an error, not a push: the client gets nothing;
- ``check_free_leaves_the_others``: when a MONITOR client and a postponed client
  disconnect, the other monitor still gets the next command's line and the other postponed
  client still runs at CLIENT UNPAUSE (``freeClient`` unlinks only the client itself);
- ``check_write_cap_at_maxmemory``: one write event writes at most ``NET_MAX_WRITES_PER_EVENT``
  (64 KiB) while used memory is below ``maxmemory`` and as much as the socket takes once it
  has reached it (``zmalloc_used_memory() < server.maxmemory``: equal is not below; the spec
  capped at equality and was fixed with this file);
- ``_PAUSE_ARGS`` and ``_PAUSE_WRAP`` (replayed one event-loop turn per command, a
  millisecond apart): CLIENT PAUSE's arity (``'Pause'`` as written in the error), its modes
  (``ALL``/``all`` taken, ``bogus`` refused), timeouts 0 (taken: the pause is over at the
  next check), -1 (negative), 2**63 (not an integer) and 2**63 - 1 (taken: 7.0.15 adds the
  time without a range check, ``tval += mstime()`` wraps to the past and the pause is over
  at once; the spec refused it with "timeout is out of range", fixed with this file), while
  a timeout short of the wrap pauses a SET until CLIENT UNPAUSE;
- ``check_pause_end_wrap_edges``: at T, ``2**63 - 1 - T`` is the largest timeout that does
  not wrap (a SET in the next turn waits); one more wraps (the SET runs); ``CLIENT PAUSE 0``
  and a GET in the same turn: the GET is postponed and runs in that turn's beforeSleep, the
  pause being over (end time 0);
- ``_FRESH_INFO``: INFO persistence, replication and clients of a fresh redis-server
  7.0.15 with one client (all but ``rdb_last_save_time`` and ``master_replid``, clock and
  random, and the querying client's recent buffer peaks): the first values of the server state (``-1`` for no BGSAVE or rewrite yet, ``ok``
  statuses, ``second_repl_offset:-1``, ...);
- ``check_merge_keeps_world_requests`` (``spec/effects.py``): two transitions' effects
  merged (one event-loop turn) keep each one-off request of the world (set the clock, listen
  on a port, kill the child, exit) from whichever transition made it, the later one winning:
  a SHUTDOWN's exit is not lost because a later part of the turn sent a reply;
- ``_ENCODINGS`` (``spec/values.py``): OBJECT ENCODING at the string limits: a 20-character
  integer (LLONG_MIN) is ``int``, ``2**64 - 1`` and a 20-digit number past LLONG_MAX are
  ``embstr``; 44 bytes ``embstr``, 45 ``raw`` (``OBJ_ENCODING_EMBSTR_SIZE_LIMIT``);
- ``check_fresh_expire_cycles`` (``spec/state.py``'s first cron state): on a fresh server
  active expiry is on (a key with PX 1 is gone after a second of cron ticks, nobody touching
  it, ``expired_keys:1``), and the fast cycles of ``beforeSleep`` do nothing while the
  previous cycle did not exit on its time limit and no keys are known stale
  (``activeExpireCycle(FAST)`` returns at once): 5 and 6 ms later the key is still there;
- ``_FRESH_GATES``: a fresh server validates RESTORE payloads (one bit of the CRC-64 flipped:
  "DUMP payload version or checksum are wrong"; ``skip_checksum_validation`` starts off), and
  a connection made after ``ACL SETUSER default on >pw`` (``requirepass`` still empty) is
  not authenticated: NOAUTH until AUTH (``createClient`` asks the default user, not the
  ``requirepass`` setting);
- ``check_maxclients_edge`` (``spec/server.py``): with ``maxclients 2`` and two clients
  connected a third connection is refused (``acceptCommonHandler``: ``listLength(clients)
  >= maxclients``) with "max number of clients reached", counted in ``rejected_connections``
  and not in ``total_connections_received`` (2, one per accepted connection);
- ``check_same_turn_order``: in one turn A's PUBLISH to B's channel, then B's PING: B reads
  the message before its pong (the message was in B's buffer when B's command ran);
- ``check_unblocked_clients_all_run``: two clients postponed by CLIENT PAUSE WRITE both run
  their SET at CLIENT UNPAUSE (``processUnblockedClients`` takes every unblocked client);
- ``check_clock_request``: a REDSPEC CLOCK SET on a virtual clock reaches the world as the
  transition's clock request;
- ``_NUL_NAMES`` (``spec/cstr.py``): an unknown command's name is printed as a C string, up
  to its first NUL: ``\\x00abc`` prints as ``''`` (a NUL at offset 0 cuts everything),
  ``a\\x00bc`` as ``'a'``;
- ``check_replica_leaves``: a replica that disconnects is no longer counted (INFO
  ``connected_slaves:0``: ``freeClient`` of a replica);
- ``check_unblocked_idle``: a client served after 5 s in BLPOP whose socket takes nothing yet
  shows ``idle=5`` in CLIENT LIST a millisecond later: being unblocked and served is no
  interaction (``processUnblockedClients`` runs only a pending query buffer; the reply is not
  written yet);
- ``check_configured_master``: ``replicaof "a b" 6379`` (a quoted host with a space) is host
  ``a b``, port 6379: the port is the last word;
- ``check_busy_script_sees_the_turns_reads``: A's EVAL of an endless script and B's PING
  read in the same turn: the script runs past ``busy-reply-threshold`` before B's read
  handler ran, so ``processEventsWhileBlocked`` serves B's PING with BUSY (once), then C's
  SCRIPT KILL ends the script;
- ``_LIST_DUMP``: DUMP of a two-element list on a fresh server: one packed quicklist node
  (elements are packed below ``packed_threshold``, 1 GiB by default);
- ``check_pause_deadline``: CLIENT PAUSE 1000 at T ends at T + 1000 (the timer the world
  sets); FAILOVER's pause has none.
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session, delivered
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import cron as C
from redspec.spec import dict as D
from redspec.spec import eventloop as E
from redspec.spec import obuf as O
from redspec.spec import rehash as R
from redspec.spec import replnet as N
from redspec.spec import server as S
from redspec.spec import transport as X
from redspec.spec.resp import encode_request
from redspec.spec.server import new_server
from redspec.spec.state import replace

NAME = "boundary_mcore_agree_with_redis"


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


# -- spec/rehash.py ----------------------------------------------------------------------------

def _rehashing(seed: tuple[int, int, int, int], n: int = 4097) -> D.HashTables:
    """A dict that has just grown from 4096 to 8192 buckets: rehashing, thousands to go."""
    ht = D.build([b"k%d" % i for i in range(n)], seed)
    assert ht.rehashidx != -1, f"{NAME}: setup: the dict is not rehashing"
    return ht


def _done(ht: D.HashTables, seed: tuple[int, int, int, int]) -> D.HashTables:
    return D.rehash(ht, 1 << 20, seed)


def _sparse(seed: tuple[int, int, int, int]) -> D.HashTables:
    """100 keys added then 95 deleted: 128 buckets, 5 used (under 10%: ``htNeedsResize``)."""
    ht = _done(D.build([b"k%d" % i for i in range(100)], seed), seed)
    for i in range(95):
        ht, _ = D.delete(ht, b"k%d" % i, seed)
    assert D.needs_resize(ht), f"{NAME}: setup: the dict does not need a resize"
    return ht


def _shrinking(ht: D.HashTables) -> bool:
    """The dict shrinks to 8 buckets (``dictResize``): rehashing into them, or done."""
    return ht.exp1 == 3 or (ht.exp0 == 3 and ht.rehashidx == -1)


def check_cron_rehash_finds_the_rehashing_db() -> None:
    """One ``databasesCron`` tick: db 9's rehashing main dict gets exactly 1 ms, rehash_db
    stops at 9; then an expires dict rehashing alone (db 5) gets its 1 ms."""
    state = new_server(0)
    seed = state.dicts.seed
    ht = _rehashing(seed)
    dbs = list(state.dbs)
    dbs[9] = replace(dbs[9], ht=ht)
    out = R.databases_cron_dicts(replace(state, dbs=tuple(dbs)))
    want = D.rehash_ms(ht, 1, seed)
    assert out.dbs[9].ht == want, (
        f"{NAME}: one cron tick: db 9's rehashing dict did not get exactly 1 ms "
        f"(rehashidx {ht.rehashidx} -> {out.dbs[9].ht.rehashidx}, want {want.rehashidx})")
    assert out.dicts.rehash_db == 9, f"{NAME}: rehash_db {out.dicts.rehash_db}, not 9"
    dbs = list(state.dbs)
    dbs[5] = replace(dbs[5], ht=_done(ht, seed), expires_ht=ht)
    out = R.databases_cron_dicts(replace(state, dbs=tuple(dbs)))
    want = D.rehash_ms(ht, 1, seed)
    assert out.dbs[5].expires_ht == want, (
        f"{NAME}: one cron tick: db 5's rehashing expires dict did not get exactly 1 ms "
        f"(rehashidx {ht.rehashidx} -> {out.dbs[5].expires_ht.rehashidx})")
    assert out.dicts.rehash_db == 5, f"{NAME}: rehash_db {out.dicts.rehash_db}, not 5"


def check_cron_resizes_every_db() -> None:
    """One tick shrinks every sparse dict of the 16 databases; an expires dict alone too."""
    state = new_server(0)
    seed = state.dicts.seed
    sparse = _sparse(seed)
    dbs = list(state.dbs)
    for i in (1, 2, 15):
        dbs[i] = replace(dbs[i], ht=sparse)
    full = _done(D.build([b"k%d" % i for i in range(100)], seed), seed)
    dbs[4] = replace(dbs[4], ht=full, expires_ht=sparse)
    out = R.databases_cron_dicts(replace(state, dbs=tuple(dbs)))
    for i in (1, 2, 15):
        assert _shrinking(out.dbs[i].ht), (
            f"{NAME}: one cron tick: db {i}'s dict (128 buckets, 5 keys) was not shrunk")
    assert _shrinking(out.dbs[4].expires_ht), (
        f"{NAME}: one cron tick: db 4's expires dict (128 buckets, 5 keys) was not shrunk")
    assert out.dbs[4].ht is full, f"{NAME}: db 4's main dict changed"


def test_boundary_mcore_rehash() -> None:
    check_cron_rehash_finds_the_rehashing_db()
    check_cron_resizes_every_db()


@pytest.mark.parametrize("old,new", [
    ("db.ht.rehashidx != -1", "db.ht.rehashidx != -2"),
    ("rehash_ms(db.ht, 1, seed)", "rehash_ms(db.ht, 0, seed)"),
    ("rehash_ms(db.ht, 1, seed)", "rehash_ms(db.ht, 2, seed)"),
    ("db.expires_ht.rehashidx != -1", "db.expires_ht.rehashidx == -1"),
    ("db.expires_ht.rehashidx != -1", "db.expires_ht.rehashidx != -0"),
    ("db.expires_ht.rehashidx != -1", "db.expires_ht.rehashidx != -2"),
    ("rehash_ms(db.expires_ht, 1, seed)", "rehash_ms(db.expires_ht, 0, seed)"),
    ("rehash_ms(db.expires_ht, 1, seed)", "rehash_ms(db.expires_ht, 2, seed)"),
])
def test_planted_incrementally_rehash(monkeypatch: pytest.MonkeyPatch, old: str,
                                      new: str) -> None:
    """spec/rehash.py ``incrementally_rehash``: the rehashing tests and the 1 ms."""
    plant_everywhere(monkeypatch, R, "incrementally_rehash", old, new)
    _trips(check_cron_rehash_finds_the_rehashing_db)


@pytest.mark.parametrize("old,new,check", [
    ("resize_db += 1", "resize_db += 0", "resize"),
    ("resize_db += 1", "resize_db += 2", "resize"),
    ("eht is not db.expires_ht", "eht is db.expires_ht", "resize"),
    ("rehash_db = (rehash_db + 1) % ndb", "rehash_db = (rehash_db) % ndb", "rehash"),
    ("rehash_db = (rehash_db + 1) % ndb", "rehash_db = (rehash_db + 2) % ndb", "rehash"),
])
def test_planted_databases_cron_dicts(monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                                      check: str) -> None:
    """spec/rehash.py ``databases_cron_dicts``: the two cursors and the expires-only resize."""
    plant_everywhere(monkeypatch, R, "databases_cron_dicts", old, new)
    _trips(check_cron_resizes_every_db if check == "resize"
           else check_cron_rehash_finds_the_rehashing_db)


# -- spec/eventloop.py -------------------------------------------------------------------------

T0 = 1_700_000_000_000


def check_write_event_before_cron() -> None:
    """A reply pending for 5 s at ``timeout 1``: written when the socket takes it, not closed."""
    s = S.new_server(T0)
    s, admin = S.client_connect(s, T0)
    s, _ = S.run_command(s, admin, [b"CONFIG", b"SET", b"timeout", b"1"], T0)
    s, _ = S.run_command(s, admin, [b"SET", b"big", b"x" * 100_000], T0)
    s, c = S.client_connect(s, T0)
    s, _ = E.event_loop_turn(s, T0, {c: encode_request([b"GET", b"big"])}, {c: 0})
    assert len(s.clients[c].reply) == 100_011, f"{NAME}: setup: the reply is not pending"
    s, eff = E.event_loop_turn(s, T0 + 5000, {}, {c: None})
    got = sum(len(b) for cid, b in eff.output if cid == c)
    assert c in s.clients and c not in eff.close and got == 100_011, (
        f"{NAME}: a client whose pending reply became writable in the cron's turn: "
        f"closed {c in eff.close}, {got} bytes sent, not 100011")
    assert admin in eff.close, f"{NAME}: the idle admin client was not closed"


def check_failover_moves_on_in_the_acks_turn() -> None:
    """FAILOVER TIMEOUT 60000: the master moves on in the turn that reads the replica's ACK."""
    w = N.new_world(("m", "r1"))
    w = N.command(w, "r1", b"REPLICAOF", *N.address_of("m"))
    for _ in range(3):
        w = N.tick(w, 1000)
        for name, node in w.nodes.items():
            if node.child is not None:
                w = N.child_exit(w, name)
        w = N.settle_network(w)
    w = N.command(w, "m", b"SET", b"k", b"v")
    w = N.command(w, "m", b"FAILOVER", b"TIMEOUT", b"60000")
    st = w.nodes["m"].state
    assert st is not None and st.repl.failover is not None, f"{NAME}: setup: no failover"
    w = N.settle_network(N.tick(w, 1000))
    st = w.nodes["m"].state
    assert st is not None and st.repl.failover is not None, f"{NAME}: setup: no failover"
    acks = [st.clients[c].info.repl.ack_off for c in st.repl.replicas]  # type: ignore[union-attr]
    assert acks == [0], f"{NAME}: setup: the replica acknowledged {acks} already"
    w = N.settle_network(N.tick(w, 1000))
    st = w.nodes["m"].state
    assert st is not None and st.repl.failover is None, (
        f"{NAME}: the replica acknowledged the whole stream, yet the failover still waits "
        f"({st.repl.failover if st else None}): beforeSleep's updateFailoverStatus")


def test_boundary_mcore_eventloop() -> None:
    check_write_event_before_cron()
    check_failover_moves_on_in_the_acks_turn()


def test_planted_writable_only_clients_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/eventloop.py ``file_event_order``: ``cid in clients`` -> ``cid not in clients``
    for the clients only writable."""
    plant_everywhere(monkeypatch, E, "file_event_order", "and cid in clients]",
                     "and cid not in clients]")
    _trips(check_write_event_before_cron)


def test_planted_failover_waits_for_the_cron(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/eventloop.py ``event_loop_turn``: ``r.failover is not None`` -> ``is None``."""
    plant_everywhere(monkeypatch, E, "event_loop_turn", "r.failover is not None",
                     "r.failover is None")
    _trips(check_failover_moves_on_in_the_acks_turn)


# -- spec/cron.py ------------------------------------------------------------------------------

def check_effective_hz_edges() -> None:
    """hz 1 stays 1; 2000 clients at hz 10 keep 10, 2010 make it 20."""
    s = S.new_server(0)
    s, admin = S.client_connect(s, 0)
    s, r = S.run_command(s, admin, [b"CONFIG", b"SET", b"hz", b"1"], 0)
    assert r == b"+OK\r\n", f"{NAME}: setup: CONFIG SET hz 1: {r!r}"
    got = C.effective_hz(s)
    assert got == 1, f"{NAME}: hz 1 with one client runs at {got} Hz"
    s, _ = S.run_command(s, admin, [b"CONFIG", b"SET", b"hz", b"10"], 0)
    for _ in range(1999):
        s, _ = S.client_connect(s, 0)
    got = C.effective_hz(s)
    assert got == 10, f"{NAME}: 2000 clients at hz 10 (200 per tick, not over 200): {got} Hz"
    for _ in range(10):
        s, _ = S.client_connect(s, 0)
    got = C.effective_hz(s)
    assert got == 20, f"{NAME}: 2010 clients at hz 10 (201 per tick): {got} Hz, not 20"


def check_shutdown_exits_at_once() -> None:
    s = S.new_server(T0)
    s, a = S.client_connect(s, T0)
    for i in range(30):
        s, _ = S.run_command(s, a, [b"SET", b"k%d" % i, b"v", b"PX", b"10"], T0)
    s = replace(s, persist=replace(s.persist, shutdown_signal=15))
    s, eff = C.server_cron(s, T0 + 1000)
    assert eff.exit_code == 0, f"{NAME}: setup: SIGTERM did not exit ({eff.exit_code})"
    assert s.cron.cronloops == 0 and len(s.dbs[0].keys) == 30, (
        f"{NAME}: after the shutdown's exit(0) the tick went on: cronloops "
        f"{s.cron.cronloops}, {len(s.dbs[0].keys)} of 30 keys left")


def check_replica_joins_bgsave_after_ticks() -> None:
    from redspec.properties.test_boundary_repl import Node
    n = Node()
    first = n.send(n.connect(), b"PSYNC", b"?", b"-1")
    assert first.startswith(b"+FULLRESYNC"), f"{NAME}: setup: {first!r}"
    for _ in range(3):
        n.now += 100
        n.turn()
    got = n.send(n.connect(), b"PSYNC", b"?", b"-1")
    assert got == first, (
        f"{NAME}: a second replica after three cron ticks of the first's BGSAVE got {got!r}, "
        f"not the same {first!r}")


def test_boundary_mcore_cron() -> None:
    check_effective_hz_edges()
    check_shutdown_exits_at_once()
    check_replica_joins_bgsave_after_ticks()


def test_planted_shutdown_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/cron.py ``server_cron``: ``down[1].exit_code is not None`` -> ``is None``."""
    plant_everywhere(monkeypatch, C, "server_cron", "down[1].exit_code is not None",
                     "down[1].exit_code is None")
    _trips(check_shutdown_exits_at_once)


def test_planted_child_target_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/cron.py ``persistence_cron``: ``s.part("persist").child is None`` (the elif) ->
    ``is not None``."""
    plant_everywhere(monkeypatch, C, "persistence_cron", 's.part("persist").child is None:',
                     's.part("persist").child is not None:')
    _trips(check_replica_joins_bgsave_after_ticks)


def test_planted_dynamic_hz_at_200(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/cron.py ``effective_hz``: ``n // hz > MAX_CLIENTS_PER_CLOCK_TICK`` -> ``>=``."""
    plant_everywhere(monkeypatch, C, "effective_hz", "n // hz > MAX_CLIENTS_PER_CLOCK_TICK",
                     "n // hz >= MAX_CLIENTS_PER_CLOCK_TICK")
    _trips(check_effective_hz_edges)


def test_planted_min_hz_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/cron.py ``CONFIG_MIN_HZ = 1`` -> ``2``."""
    monkeypatch.setattr(C, "CONFIG_MIN_HZ", 2)
    _trips(check_effective_hz_edges)


# -- spec/obuf.py ------------------------------------------------------------------------------

CHUNK = 16384


def _subscriber(limit: bytes) -> tuple[Any, int]:
    """A server with ``client-output-buffer-limit`` ``limit`` and one SUBSCRIBEd client."""
    s = S.new_server(T0)
    s, a = S.client_connect(s, T0)
    s, r = S.run_command(s, a, [b"CONFIG", b"SET", b"client-output-buffer-limit", limit], T0)
    assert r == b"+OK\r\n", f"{NAME}: setup: {r!r}"
    s, c = S.client_connect(s, T0)
    s, _ = S.run_command(s, c, [b"SUBSCRIBE", b"ch"], T0)
    assert not s.clients[c].reply, f"{NAME}: setup: a reply is pending"
    return s, c


def _closed_after(limit: bytes, sizes: list[int]) -> list[bool]:
    """Each delivery of ``sizes`` bytes to a fresh subscriber, one after the other: closed?"""
    out = []
    s, c = _subscriber(limit)
    for n in sizes:
        s, closed = O.deliver(s, {c: [b"x" * n]}, T0)
        out.append(c in closed)
    return out


def check_obuf_whole_chunks() -> None:
    got = _closed_after(b"pubsub 32768 0 0", [2 * CHUNK, 1])
    assert got == [False, True], (
        f"{NAME}: pubsub hard limit 32768: 32768 pending kept, one more closes; got {got}")
    got = _closed_after(b"pubsub 16384 0 0", [CHUNK, 1])
    assert got == [False, True], (
        f"{NAME}: pubsub hard limit 16384: 16384 pending kept, 16385 close; got {got}")


def check_obuf_no_soft_limit() -> None:
    s, c = _subscriber(b"pubsub 0 0 0")
    for t in (0, 5000, 20000):
        s, closed = O.deliver(s, {c: [b"x" * 2 * CHUNK]}, T0 + t)
        assert not closed, f"{NAME}: pubsub 0 0 0 closed a client {t} ms in"


def check_obuf_soft_timer_kept() -> None:
    s, c = _subscriber(b"pubsub 0 16384 10")
    s, closed = O.deliver(s, {c: [b"x" * (2 * CHUNK + 1)]}, T0)
    assert not closed and s.clients[c].obuf_soft_limit_since, f"{NAME}: setup: no soft timer"
    s = S.client_wrote(s, c, len(s.clients[c].reply))
    s, closed = O.deliver(s, {c: [b"x" * CHUNK]}, T0 + 1000)
    assert not closed, f"{NAME}: setup: closed at 16384 pending"
    s, closed = O.deliver(s, {c: [b"x" * (CHUNK + 1)]}, T0 + 11000)
    assert c in closed, (
        f"{NAME}: soft limit 16384 for 10 s: over it again 11 s after it was first reached "
        "(the reply in between fit the 16 KiB buffer: no check, no reset) did not close")


def test_boundary_mcore_obuf() -> None:
    check_obuf_whole_chunks()
    check_obuf_no_soft_limit()
    check_obuf_soft_timer_kept()


@pytest.mark.parametrize("old,new", [
    ("(rest + REPLY_CHUNK - 1)", "(rest + REPLY_CHUNK)"),
    ("(rest + REPLY_CHUNK - 1)", "(rest + REPLY_CHUNK - 2)"),
])
def test_planted_used_memory_chunks(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """spec/obuf.py ``used_memory``: the rounding up to whole chunks."""
    plant_everywhere(monkeypatch, O, "used_memory", old, new)
    _trips(check_obuf_whole_chunks)


def test_planted_soft_limit_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/obuf.py ``check_limits``: ``soft > 0`` -> ``soft >= 0``."""
    plant_everywhere(monkeypatch, O, "check_limits", "soft > 0", "soft >= 0")
    _trips(check_obuf_no_soft_limit)


def test_planted_check_at_the_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/obuf.py ``deliver``: ``len(reply) > REPLY_CHUNK`` -> ``>=``."""
    plant_everywhere(monkeypatch, O, "deliver", "len(reply) > REPLY_CHUNK",
                     "len(reply) >= REPLY_CHUNK")
    _trips(check_obuf_soft_timer_kept)


# -- spec/transport.py -------------------------------------------------------------------------

_MONITOR = [
    ('HELLO|2|AUTH|default|pw', b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)"'),
    ('HELLO|2|AUTH|default', b'"HELLO" "2" "AUTH" "default"'),
    ('HELLO|2|SETNAME|n|AUTH|default|pw', b'"HELLO" "2" "SETNAME" "n" "AUTH" "(redacted)" "(redacted)"'),
    ('HELLO|2|SETNAME', b'"HELLO" "2" "SETNAME"'),
    ('HELLO|2|SETNAME|n', b'"HELLO" "2" "SETNAME" "n"'),
    ('HELLO|2|SETNAME|n|x|AUTH|default|pw', b'"HELLO" "2" "SETNAME" "n" "x" "AUTH" "default" "pw"'),
    ('HELLO|2|AUTH|default|pw|SETNAME|n', b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"'),
    ('HELLO|2|AUTH|default|pw|AUTH', b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "AUTH"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|AUTH|pw', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "AUTH" "(redacted)"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|AUTH', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "AUTH"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|AUTH2|u|pw', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "AUTH2" "(redacted)" "(redacted)"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|AUTH2|u', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "AUTH2" "u"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|COPY|REPLACE|AUTH|pw', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "COPY" "REPLACE" "AUTH" "(redacted)"'),
    ('MIGRATE|127.0.0.1|1||0|100|AUTH|pw|KEYS|a|b', b'"MIGRATE" "127.0.0.1" "1" "" "0" "100" "AUTH" "(redacted)" "KEYS" "a" "b"'),
    ('MIGRATE|127.0.0.1|1||0|100|KEYS|AUTH|pw', b'"MIGRATE" "127.0.0.1" "1" "" "0" "100" "KEYS" "AUTH" "pw"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|AUTH|pw|AUTH2|u|p2', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "AUTH" "(redacted)" "AUTH2" "(redacted)" "(redacted)"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|BOGUS|AUTH|pw', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "BOGUS" "AUTH" "pw"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|AUTH2|u|pw|COPY', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "AUTH2" "(redacted)" "(redacted)" "COPY"'),
    ('MIGRATE|127.0.0.1|1|k|0|100|copy|auth|pw', b'"MIGRATE" "127.0.0.1" "1" "k" "0" "100" "copy" "auth" "(redacted)"'),
    ('AUTH|pw', b'"AUTH" "(redacted)"'),
    ('AUTH|u|pw', b'"AUTH" "(redacted)" "(redacted)"'),
]


_SESSION = [
    ('a', 'CLIENT|REPLY|OFF', {}),
    ('a', 'SUBSCRIBE|ch', {'a': b'*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'}),
    ('a', 'RESET', {'a': b'+RESET\r\n'}),
    ('a', 'PING', {'a': b'+PONG\r\n'}),
    ('b', 'MONITOR', {'b': b'+OK\r\n'}),
    ('b', 'RESET', {'b': b'+RESET\r\n'}),
    ('a', 'SET|k|v', {'a': b'+OK\r\n'}),
    ('b', 'PING', {'b': b'+PONG\r\n'}),
    ('c', 'MULTI', {'c': b'+OK\r\n'}),
    ('c', 'SET|k|v2', {'c': b'+QUEUED\r\n'}),
    ('d', 'MULTI', {'d': b'+OK\r\n'}),
    ('d', 'GET|k', {'d': b'+QUEUED\r\n'}),
    ('a', 'CLIENT|PAUSE|100000|WRITE', {'a': b'+OK\r\n'}),
    ('d', 'EXEC', {'d': b'*1\r\n$1\r\nv\r\n'}),
    ('c', 'EXEC', {}),
    ('a', 'CLIENT|UNPAUSE', {'a': b'+OK\r\n', 'c': b'*1\r\n+OK\r\n'}),
    ('a', 'CLIENT|PAUSE|100000', {'a': b'+OK\r\n'}),
    ('d', 'GET|k', {}),
    ('b', 'PING', {}),
    ('a', 'CLIENT|UNPAUSE', {}),
]


_SESSION_ACL = [
    ('a', 'ACL|SETUSER|u|on|>pw|~*|resetchannels|&ch|+@all', {'a': b'+OK\r\n'}),
    ('u', 'AUTH|u|pw', {'u': b'+OK\r\n'}),
    ('u', 'CLIENT|REPLY|OFF', {}),
    ('u', 'MULTI', {}),
    ('u', 'SUBSCRIBE|ch', {}),
    ('u', 'PING', {}),
    ('a', 'ACL|SETUSER|u|resetchannels', {'a': b'+OK\r\n'}),
    ('u', 'EXEC', {}),
    ('u', 'CLIENT|REPLY|ON', {'u': b'+OK\r\n'}),
    ('u', 'MULTI', {'u': b'+OK\r\n'}),
    ('u', 'SUBSCRIBE|ch', {'u': b'-NOPERM this user has no permissions to access one of the channels used as arguments\r\n'}),
    ('u', 'EXEC', {'u': b'-EXECABORT Transaction discarded because of previous errors.\r\n'}),
]


_PAUSE_ARGS = [
    ('a', 'SET|k|v', {'a': b'+OK\r\n'}),
    ('a', 'CLIENT|PAUSE|0', {'a': b'+OK\r\n'}),
    ('b', 'GET|k', {'b': b'$1\r\nv\r\n'}),
    ('a', 'CLIENT|PAUSE|0|ALL', {'a': b'+OK\r\n'}),
    ('b', 'GET|k', {'b': b'$1\r\nv\r\n'}),
    ('a', 'CLIENT|PAUSE|0|all', {'a': b'+OK\r\n'}),
    ('a', 'CLIENT|PAUSE|0|bogus', {'a': b'-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n'}),
    ('a', 'CLIENT|PAUSE|0|WRITE|x', {'a': b"-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n"}),
    ('a', 'CLIENT|Pause|0|WRITE|x', {'a': b"-ERR unknown subcommand or wrong number of arguments for 'Pause'. Try CLIENT HELP.\r\n"}),
    ('a', 'CLIENT|PAUSE|-1', {'a': b'-ERR timeout is negative\r\n'}),
    ('a', 'CLIENT|PAUSE|9223372036854775808', {'a': b'-ERR timeout is not an integer or out of range\r\n'}),
    ('a', 'CLIENT|PAUSE|9223372036854775807', {'a': b'+OK\r\n'}),
    ('a', 'CLIENT|UNPAUSE', {'a': b'+OK\r\n'}),
]


_PAUSE_WRAP = [
    ('a', 'CLIENT|PAUSE|9223372036854775807|WRITE', {'a': b'+OK\r\n'}),
    ('b', 'SET|k|1', {'b': b'+OK\r\n'}),
    ('a', 'CLIENT|PAUSE|9223370000000000000|WRITE', {'a': b'+OK\r\n'}),
    ('b', 'SET|k|2', {}),
    ('a', 'CLIENT|UNPAUSE', {'a': b'+OK\r\n', 'b': b'+OK\r\n'}),
    ('b', 'GET|k', {'b': b'$1\r\n2\r\n'}),
]


_FRESH_INFO = {
    'persistence': [('loading', '0'), ('async_loading', '0'), ('current_cow_peak', '0'), ('current_cow_size', '0'), ('current_cow_size_age', '0'), ('current_fork_perc', '0.00'), ('current_save_keys_processed', '0'), ('current_save_keys_total', '0'), ('rdb_changes_since_last_save', '0'), ('rdb_bgsave_in_progress', '0'), ('rdb_last_bgsave_status', 'ok'), ('rdb_last_bgsave_time_sec', '-1'), ('rdb_current_bgsave_time_sec', '-1'), ('rdb_saves', '0'), ('rdb_last_cow_size', '0'), ('rdb_last_load_keys_expired', '0'), ('rdb_last_load_keys_loaded', '0'), ('aof_enabled', '0'), ('aof_rewrite_in_progress', '0'), ('aof_rewrite_scheduled', '0'), ('aof_last_rewrite_time_sec', '-1'), ('aof_current_rewrite_time_sec', '-1'), ('aof_last_bgrewrite_status', 'ok'), ('aof_rewrites', '0'), ('aof_rewrites_consecutive_failures', '0'), ('aof_last_write_status', 'ok'), ('aof_last_cow_size', '0'), ('module_fork_in_progress', '0'), ('module_fork_last_cow_size', '0')],
    'replication': [('role', 'master'), ('connected_slaves', '0'), ('master_failover_state', 'no-failover'), ('master_replid2', '0000000000000000000000000000000000000000'), ('master_repl_offset', '0'), ('second_repl_offset', '-1'), ('repl_backlog_active', '0'), ('repl_backlog_size', '1048576'), ('repl_backlog_first_byte_offset', '0'), ('repl_backlog_histlen', '0')],
    'clients': [('connected_clients', '1'), ('cluster_connections', '0'), ('maxclients', '10000'), ('blocked_clients', '0'), ('tracking_clients', '0'), ('clients_in_timeout_table', '0')],
}


def check_fresh_info(plant: Any = None) -> None:
    """INFO of a fresh server (``plant``: a change of its first state, for planted tests)."""
    s = Session(T0)
    if plant is not None:
        s.state = plant(s.state)
    for section, want in _FRESH_INFO.items():
        text = s.call("INFO", section).split(b"\r\n", 1)[1].decode()
        got = dict(ln.split(":", 1) for ln in text.splitlines() if ":" in ln)
        for k, v in want:
            assert got.get(k) == v, f"{NAME}: fresh INFO {section} {k}:{got.get(k)}, Redis {v}"


_ENCODINGS = [
    ('a', 'SET|k|-9223372036854775808', {'a': b'+OK\r\n'}),
    ('a', 'OBJECT|ENCODING|k', {'a': b'$3\r\nint\r\n'}),
    ('a', 'SET|k|18446744073709551615', {'a': b'+OK\r\n'}),
    ('a', 'OBJECT|ENCODING|k', {'a': b'$6\r\nembstr\r\n'}),
    ('a', 'SET|k|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', {'a': b'+OK\r\n'}),
    ('a', 'OBJECT|ENCODING|k', {'a': b'$6\r\nembstr\r\n'}),
    ('a', 'SET|k|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', {'a': b'+OK\r\n'}),
    ('a', 'OBJECT|ENCODING|k', {'a': b'$3\r\nraw\r\n'}),
    ('a', 'SET|k|12345678901234567890', {'a': b'+OK\r\n'}),
    ('a', 'OBJECT|ENCODING|k', {'a': b'$6\r\nembstr\r\n'}),
]


def check_fresh_expire_cycles(plant: Any = None) -> None:
    st = S.new_server(T0)
    if plant is not None:
        st = plant(st)
    st, a = S.client_connect(st, T0)

    def turn(now: int, *argv: bytes) -> None:
        nonlocal st
        st, _ = E.event_loop_turn(st, now, {a: encode_request(list(argv))} if argv else {},
                                  {a: None})

    turn(T0, b"SET", b"k", b"v", b"PX", b"1")
    for t in (5, 6):
        turn(T0 + t, b"PING")
        assert len(st.dbs[0].keys) == 1, (
            f"{NAME}: a fresh server's fast expire cycle ran {t} ms in (no time-limit exit yet)")
    for t in range(100, 1100, 100):
        turn(T0 + t)
    assert len(st.dbs[0].keys) == 0 and st.stats.expired_keys == 1, (
        f"{NAME}: a fresh server did not expire a PX 1 key actively in one second")


_FRESH_GATES = [
    ('a', [b'FLUSHALL'], {'a': b'+OK\r\n'}),
    ('a', [b'RESTORE', b'k1', b'0', b'\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xcf'], {'a': b'-ERR DUMP payload version or checksum are wrong\r\n'}),
    ('a', [b'RESTORE', b'k2', b'0', b'\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce'], {'a': b'+OK\r\n'}),
    ('a', [b'GET', b'k2'], {'a': b'$1\r\nv\r\n'}),
    ('a', [b'ACL', b'SETUSER', b'default', b'on', b'>pw'], {'a': b'+OK\r\n'}),
    ('b', [b'GET', b'k2'], {'b': b'-NOAUTH Authentication required.\r\n'}),
    ('b', [b'AUTH', b'pw'], {'b': b'+OK\r\n'}),
    ('b', [b'GET', b'k2'], {'b': b'$1\r\nv\r\n'}),
    ('a', [b'ACL', b'SETUSER', b'default', b'nopass'], {'a': b'+OK\r\n'}),
]


def check_maxclients_edge() -> None:
    st = S.new_server(T0, maxclients=2)
    assert S.client_refused(st) is None, f"{NAME}: maxclients 2, no client: refused"
    st, a = S.client_connect(st, T0)
    assert S.client_refused(st) is None, f"{NAME}: maxclients 2, one client: refused"
    st, _ = S.client_connect(st, T0)
    got = S.client_refused(st)
    assert got is not None and got[1] == S.MAX_CLIENTS_REACHED, (
        f"{NAME}: maxclients 2 with two clients: a third connection was admitted")
    st = got[0]
    st, info = S.run_command(st, a, [b"INFO", b"stats"], T0)
    text = info.decode()
    for want in ("total_connections_received:2\r\n", "rejected_connections:1\r\n"):
        assert want in text, f"{NAME}: INFO stats lacks {want!r}"


def check_same_turn_order() -> None:
    st = S.new_server(T0)
    st, a = S.client_connect(st, T0)
    st, b = S.client_connect(st, T0)
    st, _ = E.event_loop_turn(st, T0, {b: encode_request([b"SUBSCRIBE", b"ch"])},
                              {a: None, b: None})
    st, eff = E.event_loop_turn(st, T0 + 1, {a: encode_request([b"PUBLISH", b"ch", b"m"]),
                                             b: encode_request([b"PING"])}, {a: None, b: None})
    got = b"".join(d for cid, d in eff.output if cid == b)
    want = b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert got == want, f"{NAME}: PUBLISH then the subscriber's PING in one turn: {got!r}"


def check_unblocked_clients_all_run() -> None:
    st = S.new_server(T0)
    ids = {}
    for w in "acd":
        st, ids[w] = S.client_connect(st, T0)

    def call(who: str, *argv: bytes) -> dict[str, bytes]:
        nonlocal st
        st, eff = S.client_input(st, ids[who], encode_request(list(argv)), T0)
        st, out = delivered(st, eff)
        return {w: out[c] for w, c in ids.items() if out.get(c)}

    call("a", b"CLIENT", b"PAUSE", b"100000", b"WRITE")
    assert not call("c", b"SET", b"k", b"1") and not call("d", b"SET", b"j", b"2"), \
        f"{NAME}: setup: a SET ran during the pause"
    got = call("a", b"CLIENT", b"UNPAUSE")
    assert got == {"a": b"+OK\r\n", "c": b"+OK\r\n", "d": b"+OK\r\n"}, (
        f"{NAME}: two postponed clients at CLIENT UNPAUSE: {got!r}")


def check_clock_request() -> None:
    st = S.new_server(T0)
    st = replace(st, cron=replace(st.cron, virtual_clock=True))
    st, a = S.client_connect(st, T0)
    t = T0 + 5000
    st, eff = S.client_input(st, a, encode_request([b"REDSPEC", b"CLOCK", b"SET", b"%d" % t]),
                             T0)
    assert eff.clock_set_ms == t, f"{NAME}: REDSPEC CLOCK SET: the world was asked {eff!r}"


_NUL_NAMES = [
    ('a', [b'\x00abc', b'x'], {'a': b"-ERR unknown command '', with args beginning with: 'x' \r\n"}),
    ('a', [b'a\x00bc', b'x'], {'a': b"-ERR unknown command 'a', with args beginning with: 'x' \r\n"}),
]


def check_replica_leaves() -> None:
    from redspec.properties.test_boundary_repl import Node
    n = Node()
    r = n.connect()
    assert n.send(r, b"PSYNC", b"?", b"-1").startswith(b"+FULLRESYNC"), f"{NAME}: setup"
    assert n.info()["connected_slaves"] == "1", f"{NAME}: setup: no replica"
    n.state = S.client_disconnect(n.state, r, n.now)
    got = n.info()["connected_slaves"]
    assert got == "0", f"{NAME}: a replica disconnected: connected_slaves:{got}"


def check_unblocked_idle() -> None:
    import re
    st = S.new_server(T0)
    st, a = S.client_connect(st, T0)
    st, b = S.client_connect(st, T0)
    st, _ = E.event_loop_turn(st, T0, {b: encode_request([b"BLPOP", b"l", b"0"])},
                              {a: None, b: None})
    st, _ = E.event_loop_turn(st, T0 + 5000, {a: encode_request([b"LPUSH", b"l", b"x"])},
                              {a: None, b: 0})
    st, eff = E.event_loop_turn(st, T0 + 5001, {a: encode_request(
        [b"CLIENT", b"LIST", b"ID", b"%d" % b])}, {a: None, b: 0})
    out = b"".join(d for cid, d in eff.output if cid == a)
    m = re.search(rb" idle=(\d+)", out)
    assert m is not None and m.group(1) == b"5", (
        f"{NAME}: a client served from BLPOP after 5 s, reply not written: {out!r}")


def check_configured_master() -> None:
    from redspec.spec.state import ReplState
    try:
        r = S.configured_master(ReplState(), "a b 6379")
    except ValueError as e:
        raise AssertionError(f"{NAME}: replicaof \"a b\" 6379: {e}") from e
    assert (r.masterhost, r.masterport) == ("a b", 6379), (
        f"{NAME}: replicaof \"a b\" 6379: host {r.masterhost!r}, port {r.masterport}")


def check_busy_script_sees_the_turns_reads() -> None:
    from redspec.spec.scripting import BUSY_EVAL, ModelPort
    spin = b"local i = 0\nwhile true do i = i + 1 end"
    st = S.new_server(0, **{"busy-reply-threshold": 10})
    st, a = S.client_connect(st, 0)
    st, b = S.client_connect(st, 0)
    st, c = S.client_connect(st, 0)
    port = ModelPort([[], [(c, encode_request([b"SCRIPT", b"KILL"]))]])
    S.clients_input(st, [(a, encode_request([b"EVAL", spin, b"0"])),
                         (b, encode_request([b"PING"]))], 0, port)
    want = [(b, b"-" + BUSY_EVAL.encode() + b"\r\n"), (c, b"+OK\r\n")]
    assert port.replies == want, (
        f"{NAME}: a busy script and a PING read in the same turn: {port.replies!r}")


_LIST_DUMP = [
    ('a', [b'RPUSH', b'l', b'a', b'bb'], {'a': b':2\r\n'}),
    ('a', [b'DUMP', b'l'], {'a': b'$28\r\n\x12\x01\x02\x0e\x0e\x00\x00\x00\x02\x00\x81a\x02\x82bb\x03\xff\n\x00\x84\xbc\x9a\xa5c\xca\xb0.\r\n'}),
]


def check_monitor_redaction() -> None:
    for argv, want in _MONITOR:
        try:
            line = X.monitor_line(T0, 0, "127.0.0.1:1", [a.encode() for a in argv.split("|")])
        except IndexError as e:
            raise AssertionError(f"{NAME}: MONITOR of {argv!r}: {e!r}") from e
        got = line.split(b"] ", 1)[1]
        assert got == want + b"\r\n", f"{NAME}: MONITOR of {argv!r}: {got!r}, Redis {want!r}"


def check_session_replies(session: list[tuple[str, str, dict[str, bytes]]] = _SESSION) -> None:
    st = S.new_server(T0)
    ids: dict[str, int] = {}
    for who, cmd, want in session:
        if who not in ids:
            st, ids[who] = S.client_connect(st, T0)
        req = encode_request([a.encode() for a in cmd.split("|")])
        st, eff = S.client_input(st, ids[who], req, T0)
        st, out = delivered(st, eff)
        got = {w: out[c] for w, c in ids.items() if out.get(c)}
        assert got == want, f"{NAME}: {who}: {cmd}: sent {got!r}, Redis {want!r}"


def check_free_leaves_the_others() -> None:
    st = S.new_server(T0)
    ids = {}
    for w in "abcde":
        st, ids[w] = S.client_connect(st, T0)

    def call(who: str, *argv: bytes) -> dict[str, bytes]:
        nonlocal st
        st, eff = S.client_input(st, ids[who], encode_request(list(argv)), T0)
        st, out = delivered(st, eff)
        return {w: out[c] for w, c in ids.items() if out.get(c) and c in st.clients}

    call("b", b"MONITOR")
    call("e", b"MONITOR")
    st = S.client_disconnect(st, ids["e"])
    got = call("a", b"PING")
    assert list(got) == ["a", "b"], f"{NAME}: a monitor left: the other got {got!r}"
    call("a", b"CLIENT", b"PAUSE", b"100000", b"WRITE")
    call("c", b"SET", b"k", b"1")
    call("d", b"SET", b"k", b"2")
    st = S.client_disconnect(st, ids["d"])
    got = call("a", b"CLIENT", b"UNPAUSE")
    assert got.get("c") == b"+OK\r\n", (
        f"{NAME}: a postponed client left: the other did not run at UNPAUSE: {got!r}")


def _turns(session: list[tuple[str, Any, dict[str, bytes]]], plant: Any = None) -> None:
    """Each row one event-loop turn, a millisecond after the last: what each socket got
    (``plant``: a change of the fresh state, for planted tests)."""
    st = S.new_server(T0)
    if plant is not None:
        st = plant(st)
    ids: dict[str, int] = {}
    now = T0
    for who, cmd, want in session:
        if who not in ids:
            st, ids[who] = S.client_connect(st, now)
        now += 1
        argv = [a.encode() for a in cmd.split("|")] if isinstance(cmd, str) else cmd
        st, eff = E.event_loop_turn(st, now, {ids[who]: encode_request(argv)},
                                    {c: None for c in st.clients})
        out: dict[int, bytes] = {}
        for cid, data in eff.output:
            out[cid] = out.get(cid, b"") + data
        got = {w: out[c] for w, c in ids.items() if out.get(c)}
        assert got == want, f"{NAME}: {who}: {cmd}: sent {got!r}, Redis {want!r}"


def check_pause_args() -> None:
    _turns(_PAUSE_ARGS)
    _turns(_PAUSE_WRAP)


def check_pause_end_wrap_edges() -> None:
    llong_max = (1 << 63) - 1
    for timeout, paused in ((llong_max - T0, True), (llong_max - T0 + 1, False)):
        st = S.new_server(T0)
        st, a = S.client_connect(st, T0)
        st, b = S.client_connect(st, T0)
        req = encode_request([b"CLIENT", b"PAUSE", b"%d" % timeout, b"WRITE"])
        st, eff = E.event_loop_turn(st, T0, {a: req}, {a: None, b: None})
        assert eff.output == ((a, b"+OK\r\n"),) or list(eff.output) == [(a, b"+OK\r\n")], (
            f"{NAME}: CLIENT PAUSE {timeout} at T: {eff.output!r}")
        st, eff = E.event_loop_turn(st, T0 + 1, {b: encode_request([b"SET", b"k", b"v"])},
                                    {a: None, b: None})
        got = b"".join(d for cid, d in eff.output if cid == b)
        assert got == (b"" if paused else b"+OK\r\n"), (
            f"{NAME}: CLIENT PAUSE {timeout} WRITE at T = {T0} (end {T0 + timeout}, "
            f"{'no wrap' if paused else 'wraps'}): a SET 1 ms later got {got!r}")
    st = S.new_server(T0)
    st, a = S.client_connect(st, T0)
    st, b = S.client_connect(st, T0)
    st, eff = E.event_loop_turn(st, T0, {a: encode_request([b"CLIENT", b"PAUSE", b"0"]),
                                         b: encode_request([b"GET", b"k"])}, {a: None, b: None})
    got = b"".join(d for cid, d in eff.output if cid == b)
    assert got == b"$-1\r\n", (
        f"{NAME}: CLIENT PAUSE 0 and a GET in one turn: the GET got {got!r} in that turn")


def check_merge_keeps_world_requests() -> None:
    from redspec.spec.effects import Effects, merge_effects
    other = Effects(output=((1, b"+OK\r\n"),))
    for f in ("clock_set_ms", "listen_port", "kill_child", "exit_code"):
        one, two = Effects(**{f: 7}), Effects(**{f: 9})
        got = [getattr(merge_effects(a, b), f) for a, b in ((one, other), (other, one),
                                                             (one, two))]
        assert got == [7, 7, 9], f"{NAME}: merged effects' {f}: {got}, not [7, 7, 9]"


def check_write_cap_at_maxmemory() -> None:
    s = S.new_server(T0)
    s, a = S.client_connect(s, T0)
    s, _ = S.run_command(s, a, [b"SET", b"k", b"x" * 1000], T0)
    used = sum(db.mem for db in s.dbs)
    for maxmem, want in ((used, None), (used + 1, X.NET_MAX_WRITES_PER_EVENT)):
        st = replace(s, config=s.config.set("maxmemory", maxmem))
        got = X.write_cap(st, None)
        assert got == want, (
            f"{NAME}: write cap with used memory {used}, maxmemory {maxmem}: {got}, not {want}")


def check_pause_deadline() -> None:
    s = S.new_server(T0)
    s, a = S.client_connect(s, T0)
    assert X.next_pause_deadline(s) is None, f"{NAME}: a deadline with no pause"
    s, r = S.run_command(s, a, [b"CLIENT", b"PAUSE", b"1000"], T0)
    assert r == b"+OK\r\n", f"{NAME}: setup: {r!r}"
    got = X.next_pause_deadline(s)
    assert got == T0 + 1000, f"{NAME}: CLIENT PAUSE 1000: deadline {got}, not T0 + 1000"


def test_boundary_mcore_transport() -> None:
    check_monitor_redaction()
    check_session_replies()
    check_session_replies(_SESSION_ACL)
    check_free_leaves_the_others()
    check_write_cap_at_maxmemory()
    check_pause_deadline()
    check_fresh_info()
    check_fresh_expire_cycles()
    _turns(_FRESH_GATES)
    _turns(_LIST_DUMP)
    check_merge_keeps_world_requests()


def test_boundary_mcore_commands_transport() -> None:
    check_pause_args()
    check_pause_end_wrap_edges()


@pytest.mark.parametrize("old,new", [
    ('opt == b"auth" and j + 2 < len(out)', 'opt == b"auth" and j + 2 <= len(out)'),
    ('opt == b"setname" and', 'opt != b"setname" and'),
    ('if name == b"migrate":', 'if name != b"migrate":'),
])
def test_planted_redacted_argv(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """spec/transport.py ``redacted_argv``: HELLO's AUTH / SETNAME and MIGRATE's dispatch."""
    plant_everywhere(monkeypatch, X, "redacted_argv", old, new)
    _trips(check_monitor_redaction)


@pytest.mark.parametrize("old,new", [
    ("while j < len(out):", "while j <= len(out):"),
    ('opt == b"auth" and', 'opt != b"auth" and'),
    ('"auth" and j + 1 < len(out)', '"auth" and j + 1 <= len(out)'),
    ('"auth" and j + 1 < len(out)', '"auth" and j < len(out)'),
    ('"auth" and j + 1 < len(out)', '"auth" and j + 2 < len(out)'),
    ('out[j + 1] = b"(redacted)"', 'out[j] = b"(redacted)"'),
    ('out[j + 1] = b"(redacted)"', 'out[j + 2] = b"(redacted)"'),
    ('opt == b"auth2" and', 'opt != b"auth2" and'),
    ('"auth2" and j + 2 < len(out)', '"auth2" and j + 2 <= len(out)'),
    ("out[j + 1] = out[j + 2]", "out[j] = out[j + 2]"),
    ("out[j + 1] = out[j + 2]", "out[j + 2] = out[j + 2]"),
    ('opt in (b"copy", b"replace")', 'opt not in (b"copy", b"replace")'),
    ("            j += 1\n", "            j += 2\n"),
])
def test_planted_redacted_migrate(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """spec/transport.py ``_redacted_migrate``: the option walk of ``migrateCommand``. (Its
    ``j += 1`` -> ``j += 0`` after COPY loops for ever on the COPY rows of ``_MONITOR``: the
    tool's timeout, not a planted test.)"""
    plant_everywhere(monkeypatch, X, "_redacted_migrate", old, new)
    _trips(check_monitor_redaction)


@pytest.mark.parametrize("func,old,new", [
    ("after_command", "called and cmd is not None and reply_kept",
     "called and cmd is None and reply_kept"),
    ("stop_monitor", 'if "reply_off" in f or', 'if "reply_off" not in f or'),
    ("stop_monitor", 'or "monitor" in f:\n        s.update_client',
     'or "monitor" not in f:\n        s.update_client'),
    ("stop_monitor", '    if "monitor" in f:\n        t = ', '    if "monitor" not in f:\n        t = '),
    ("stop_monitor", "if m != c.id", "if m == c.id"),
    ("_may_replicate", 'if cmd.name == "exec":', 'if cmd.name != "exec":'),
    ("_may_replicate", 'if "write" in qcmd.flags', 'if "write" not in qcmd.flags'),
    ("_may_replicate", "or qcmd.name in MAY_REPLICATE", "or qcmd.name not in MAY_REPLICATE"),
    ("_may_replicate", "MAY_REPLICATE:\n                return True",
     "MAY_REPLICATE:\n                return False"),
])
def test_planted_transport_session(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                   new: str) -> None:
    """spec/transport.py: SUBSCRIBE under REPLY OFF, RESET, EXEC under a WRITE pause."""
    plant_everywhere(monkeypatch, X, func, old, new)
    _trips(check_session_replies)


def test_planted_pause_types_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/transport.py ``PAUSE_WRITE, PAUSE_ALL = 1, 2`` -> ``2, 2`` (import time: every
    module that imported the names sees it)."""
    import sys
    for name, mod in list(sys.modules.items()):
        if name.startswith("redspec.") and getattr(mod, "PAUSE_WRITE", None) == 1:
            monkeypatch.setattr(mod, "PAUSE_WRITE", 2)
    _trips(check_session_replies)


def test_planted_write_cap_at_maxmemory(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/transport.py ``write_cap``: ``used >= maxmem`` -> ``used > maxmem``."""
    plant_everywhere(monkeypatch, X, "write_cap", "used >= maxmem", "used > maxmem")
    _trips(check_write_cap_at_maxmemory)


def test_planted_pause_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/transport.py ``next_pause_deadline``: ``!= PAUSE_FOREVER`` -> ``==``."""
    plant_everywhere(monkeypatch, X, "next_pause_deadline", "t.pause_end_ms != PAUSE_FOREVER",
                     "t.pause_end_ms == PAUSE_FOREVER")
    _trips(check_pause_deadline)


@pytest.mark.parametrize("new", ['frame[:1] == b"-"', 'frame[:0] != b"-"', 'frame[:2] != b"-"'])
def test_planted_pushed_error(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    """spec/transport.py ``reply_kept``: ``frame[:1] != b"-"`` (an error is no push)."""
    plant_everywhere(monkeypatch, X, "reply_kept", 'frame[:1] != b"-"', new)
    _trips(lambda: check_session_replies(_SESSION_ACL))


@pytest.mark.parametrize("old,new", [("if m != c.id)", "if m == c.id)"),
                                     ("if p != c.id)", "if p == c.id)")])
def test_planted_free_drops_the_others(monkeypatch: pytest.MonkeyPatch, old: str,
                                       new: str) -> None:
    """spec/transport.py ``leave_on_free``: ``m != c.id`` / ``p != c.id`` negated."""
    plant_everywhere(monkeypatch, X, "leave_on_free", old, new)
    import redspec.spec.server as srv
    monkeypatch.setattr(srv, "_leave_monitors", X.leave_on_free)
    _trips(check_free_leaves_the_others)


@pytest.mark.parametrize("old,new,check", [
    ('subcommand_syntax(argv[1], "CLIENT")', 'subcommand_syntax(argv[0], "CLIENT")', "args"),
    ('subcommand_syntax(argv[1], "CLIENT")', 'subcommand_syntax(argv[2], "CLIENT")', "args"),
    ('elif m != b"all":', 'elif m == b"all":', "args"),
    ("if v < 0:", "if v <= 0:", "args"),
    ("if v > 0:", "if v >= 0:", "edges"),
    ("if v > _LLONG_MAX:", "if v >= _LLONG_MAX:", "edges"),
    ("v -= 1 << 64", "v -= 0 << 64", "edges"),
])
def test_planted_client_pause(monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                              check: str) -> None:
    """spec/commands/transport.py ``client_pause``: arity, modes, the timeout's edges."""
    import attrs

    from redspec.spec import dispatch
    from redspec.spec.commands import transport as CT
    fn = plant_everywhere(monkeypatch, CT, "client_pause", old, new)
    subs = dispatch.TABLE[b"client"].subcommands
    monkeypatch.setitem(subs, b"pause", attrs.evolve(subs[b"pause"], handler=fn))
    _trips(check_pause_args if check == "args" else check_pause_end_wrap_edges)


@pytest.mark.parametrize("value", [1 << 63, (2 << 63) - 1, (1 << 63) - 2])
def test_planted_llong_max(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    """spec/commands/transport.py ``_LLONG_MAX = (1 << 63) - 1`` moved by one bit or one."""
    from redspec.spec.commands import transport as CT
    monkeypatch.setattr(CT, "_LLONG_MAX", value)
    _trips(check_pause_end_wrap_edges)


@pytest.mark.parametrize("f", ["clock_set_ms", "listen_port", "kill_child", "exit_code"])
def test_planted_merge_drops_request(monkeypatch: pytest.MonkeyPatch, f: str) -> None:
    """spec/effects.py ``merge_effects``: ``b.<f> is not None`` -> ``b.<f> is None``."""
    from redspec.spec import effects as EF
    plant_everywhere(monkeypatch, EF, "merge_effects", f"b.{f} is not None", f"b.{f} is None")
    _trips(check_merge_keeps_world_requests)


def test_boundary_mcore_values() -> None:
    _turns(_ENCODINGS)


@pytest.mark.parametrize("old,new", [("len(value) <= 20", "len(value) < 20"),
                                     ("len(value) <= 44", "len(value) < 44")])
def test_planted_string_encoding_limits(monkeypatch: pytest.MonkeyPatch, old: str,
                                        new: str) -> None:
    """spec/values.py ``_string_encoding``: the 20-character and 44-byte limits."""
    from redspec.spec import values as V
    fn = plant_everywhere(monkeypatch, V, "_string_encoding", old, new)
    monkeypatch.setitem(V.ENCODINGS, bytes, fn)
    _trips(lambda: _turns(_ENCODINGS))


@pytest.mark.parametrize("part,field,value,check", [
    ("cron", "active_expire_enabled", False, "expire"),
    ("persist", "bgsave_time_last_s", 0, "info"),
    ("persist", "bgsave_time_last_s", -2, "info"),
    ("persist", "skip_checksum", True, "gates"),
    (None, "ql_packed_threshold", 0, "dump"),
])
def test_planted_fresh_state(part: str | None, field: str, value: Any, check: str) -> None:
    """spec/state.py: a first value of the server state moved (the default of ``field``)."""
    def plant(st: Any) -> Any:
        if part is None:
            return replace(st, **{field: value})
        return replace(st, **{part: replace(getattr(st, part), **{field: value})})
    checks = {"expire": check_fresh_expire_cycles, "info": check_fresh_info,
              "gates": lambda p: _turns(_FRESH_GATES, p),
              "dump": lambda p: _turns(_LIST_DUMP, p)}
    _trips(lambda: checks[check](plant))


def test_planted_client_auth_from_requirepass(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/state.py ``new_client``: ``authenticated is None`` -> ``is not None``."""
    from redspec.spec import state as ST
    plant_everywhere(monkeypatch, ST, "new_client", "if authenticated is None:",
                     "if authenticated is not None:")
    _trips(lambda: _turns(_FRESH_GATES))


def test_boundary_mcore_server() -> None:
    check_maxclients_edge()
    check_same_turn_order()
    check_unblocked_clients_all_run()
    check_clock_request()
    check_replica_leaves()
    check_unblocked_idle()
    check_configured_master()
    check_busy_script_sees_the_turns_reads()


@pytest.mark.parametrize("func,old,new,check", [
    ("client_refused", "len(state.clients) < int", "len(state.clients) <= int", "max"),
    ("client_refused", "rejected_connections + 1)", "rejected_connections)", "max"),
    ("client_refused", "rejected_connections + 1)", "rejected_connections + 2)", "max"),
    ("client_connect", "total_connections_received + 1", "total_connections_received", "max"),
    ("client_connect", "total_connections_received + 1", "total_connections_received + 2",
     "max"),
    ("must_settle", "return True", "return False", "order"),
    ("process_unblocked_clients", "b.unblocked[1:]", "b.unblocked[2:]", "unblocked"),
    ("_after_input", "s.clock_set_ms is not None", "s.clock_set_ms is None", "clock"),
    ("client_disconnect", "if c.info.repl is not None or", "if c.info.repl is None or",
     "replica"),
    ("process_unblocked_clients", "c.querybuf_tail is not None", "c.querybuf_tail is None",
     "idle"),
    ("configured_master", 'rsplit(" ", 1)', 'rsplit(" ", 2)', "master"),
])
def test_planted_server(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                        check: str) -> None:
    """spec/server.py: admission, counters, batch commits, unblocking, the clock request."""
    plant_everywhere(monkeypatch, S, func, old, new)
    checks = {"max": check_maxclients_edge, "order": check_same_turn_order,
              "unblocked": check_unblocked_clients_all_run, "clock": check_clock_request,
              "replica": check_replica_leaves, "idle": check_unblocked_idle,
              "master": check_configured_master}
    _trips(checks[check])


def test_boundary_mcore_cstr() -> None:
    _turns(_NUL_NAMES)


def test_planted_nul_at_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/cstr.py ``c_string``: ``nul < 0`` -> ``nul <= 0``."""
    from redspec.spec import cstr
    plant_everywhere(monkeypatch, cstr, "c_string", "nul < 0", "nul <= 0")
    _trips(lambda: _turns(_NUL_NAMES))


def test_planted_busy_port_unwrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/server.py ``clients_input``: ``busy_port is not None`` -> ``is None``."""
    plant_everywhere(monkeypatch, S, "clients_input", "if busy_port is not None:",
                     "if busy_port is None:")
    _trips(check_busy_script_sees_the_turns_reads)


@pytest.mark.parametrize("old,new", [("e[0] != protected]", "e[0] == protected]"),
                                     ("q if e[0] == protected]", "q if e[0] != protected]")])
def test_planted_turn_port_events(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """spec/server.py ``TurnPort.events``: the filters of the turn's other reads."""
    import inspect
    import textwrap
    src = textwrap.dedent(inspect.getsource(S.TurnPort.events))
    assert src.count(old) == 1
    ns: dict[str, Any] = {}
    exec(compile(src.replace(old, new), S.__file__, "exec"), S.__dict__, ns)  # noqa: S102
    monkeypatch.setattr(S.TurnPort, "events", ns["events"])
    _trips(check_busy_script_sees_the_turns_reads)
