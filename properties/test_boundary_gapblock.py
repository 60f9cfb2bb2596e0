"""Boundary checks for the survivors of the exhaustive boundary-class mutation run in the
blocking modules (issue #22; ``spec/blocking.py``, ``spec/handle_blocked.py``). Like
``properties/test_boundary_gaps.py``: each check puts a rule of Redis 7.0.15 exactly on its
boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``blocking_gaps_agree_with_redis`` (observed on redis-server 7.0.15 where a client
can see it; the AOF shows what a served command propagates):

- a key's waiters are served in FIFO order by type (``serveClientsBlockedOnListKey``:
  ``numclients`` turns, a waiter of another type rotated to the tail): BZPOPMIN z1, BZPOPMIN
  z2, BLPOP l on ``k``, then RPUSH k x y: l gets ``[k, x]``, y stays; the zset waiters keep
  their order, each once in the key's queue (DEL k, ZADD k 1 m: z1 gets ``[k, m, 1]``,
  ZADD k 1 m2: z2 gets ``[k, m2, 1]``); serving counts no keyspace hit;
- a BZPOPMIN waiter on a key that became a stream stays blocked (XADD k serves nobody);
- BZPOPMIN/BZPOPMAX/BZMPOP/BLMOVE/BRPOPLPUSH served: their replies, and what they propagate
  (the AOF of redis-server 7.0.15): ``ZPOPMIN z2``, ``ZPOPMAX z3``, ``ZPOPMIN z <n popped>``,
  ``LMOVE l d left right``, ``RPOPLPUSH l2 d``;
- an XREADGROUP served with one entry propagates one XCLAIM, not wrapped in MULTI/EXEC; a
  transaction or script that wrapped its writes itself is not wrapped twice;
- a blocking timeout of exactly LLONG_MAX ms (``9223372036854775.807`` s) blocks, one more
  (``.808``) is "timeout is negative";
- WAIT counts the online replicas whose ACK reached its offset (``repl_ack_off >= offset``,
  ``replicationCountAcksByOffset``), at once and at its timeout (``:n``, not a null array);
  a WAIT that times out leaves the other WAITs waiting for their ACKs;
- ``freeClient`` takes a client out of ``server.unblocked_clients``: a postponed client whose
  pause ended in serverCron and that disconnects before beforeSleep is gone from the queue,
  and the next postponed client still runs.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.properties.driver import delivered
from redspec.properties.test_mutation_gaps import plant
from redspec.spec import server
from redspec.spec.resp import encode_request
from redspec.spec.state import SLAVE_STATE_ONLINE, ServerState, replace

MECHANISM = "clients"
NAME = "blocking_gaps_agree_with_redis"
T0 = 1_700_000_000_000


def _resp(*args: bytes | str) -> bytes:
    return encode_request(list(args))


class _Clients:
    """A spec server with ``n`` clients; ``send`` runs one input transition and returns what
    each client was sent by it (its own replies and those of clients it served)."""

    def __init__(self, n: int, now: int = T0) -> None:
        self.now = now
        self.st: ServerState = server.new_server(now)
        self.ids: list[int] = []
        for _ in range(n):
            self.st, cid = server.client_connect(self.st, now)
            self.ids.append(cid)
        self.eff: Any = None

    def send(self, i: int, *argv: bytes | str) -> dict[int, bytes]:
        self.st, self.eff = server.client_input(self.st, self.ids[i], _resp(*argv), self.now)
        self.st, got = delivered(self.st, self.eff)
        return {self.ids.index(c): v for c, v in got.items()}


def check_mixed_waiters_rotate() -> None:
    """Two BZPOPMIN waiters then a BLPOP waiter on ``k``; RPUSH k x y serves the BLPOP one
    (the zset waiters are rotated, in their order: the key's list of clients in
    ``db->blocking_keys`` holds each once); DEL k, then each ZADD serves the next zset waiter
    (redis-server 7.0.15: exactly this; keyspace_hits 1, LLEN's)."""
    w = _Clients(4)
    for i, argv in ((0, ("BZPOPMIN", "k", "0")), (1, ("BZPOPMIN", "k", "0")),
                    (2, ("BLPOP", "k", "0"))):
        assert w.send(i, *argv) == {}, f"{NAME}: setup: {argv} did not block"
    got = w.send(3, "RPUSH", "k", "x", "y")
    assert got == {3: b":2\r\n", 2: _resp("k", "x")}, f"{NAME}: RPUSH k x y served {got!r}"
    queue = w.st.blocking.keys.get((0, b"k"))
    assert queue == (w.ids[0], w.ids[1]), \
        f"{NAME}: the key's waiters after RPUSH: {queue} (each once, in blocking order)"
    assert w.send(3, "LLEN", "k") == {3: b":1\r\n"}, f"{NAME}: LLEN k after one pop"
    w.send(3, "DEL", "k")
    for i, m in ((0, "m"), (1, "m2")):
        got = w.send(3, "ZADD", "k", "1", m)
        assert got == {3: b":1\r\n", i: _resp("k", m, "1")}, \
            f"{NAME}: ZADD k 1 {m} served {got!r} (BZPOPMIN waiter {i} expected)"
    hits = w.st.stats.keyspace_hits
    assert hits == 1, f"{NAME}: keyspace_hits {hits}, not 1 (serving a waiter counts none)"


def check_zset_waiter_on_stream() -> None:
    """A BZPOPMIN waiter on a key that becomes a stream stays blocked (no reply), and is
    served when the key is a sorted set again (redis-server 7.0.15)."""
    w = _Clients(2)
    w.send(0, "BZPOPMIN", "k", "0")
    got = w.send(1, "XADD", "k", "1-1", "f", "v")
    assert got == {1: b"$3\r\n1-1\r\n"}, f"{NAME}: XADD k with a BZPOPMIN waiter: {got!r}"
    w.send(1, "DEL", "k")
    got = w.send(1, "ZADD", "k", "1", "m")
    assert got == {1: b":1\r\n", 0: _resp("k", "m", "1")}, f"{NAME}: ZADD after XADD: {got!r}"


#: (blocking command, the push that serves it, the served reply, what serving propagated,
#: what is left in the key) — replies and AOF of redis-server 7.0.15.
SERVED = [
    (("BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"), ("ZADD", "z", "1", "a", "2", "b"),
     b"*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
     (b"ZPOPMIN", b"z", b"2"), 0),
    (("BZMPOP", "0", "1", "z", "MAX", "COUNT", "1"), ("ZADD", "z", "1", "a", "2", "b"),
     b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", (b"ZPOPMAX", b"z", b"1"), 1),
    (("BZMPOP", "0", "1", "z", "MIN"), ("ZADD", "z", "1", "a", "2", "b"),
     b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", (b"ZPOPMIN", b"z", b"1"), 1),
    (("BZPOPMIN", "z", "0"), ("ZADD", "z", "1", "a", "2", "b"),
     b"*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", (b"ZPOPMIN", b"z"), 1),
    (("BZPOPMAX", "z", "0"), ("ZADD", "z", "1", "a", "2", "b"),
     b"*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n", (b"ZPOPMAX", b"z"), 1),
    (("BLMOVE", "z", "d", "LEFT", "RIGHT", "0"), ("RPUSH", "z", "x", "y"),
     b"$1\r\nx\r\n", (b"LMOVE", b"z", b"d", b"left", b"right"), 1),
    (("BRPOPLPUSH", "z", "d", "0"), ("RPUSH", "z", "x", "y"),
     b"$1\r\ny\r\n", (b"RPOPLPUSH", b"z", b"d"), 1),
]


def check_served_replies_and_propagation() -> None:
    """Each blocking command of :data:`SERVED`, served by the push after it: its reply, the
    one command it propagates after the push's, and the elements left in the key."""
    for block, push, reply, prop, left in SERVED:
        w = _Clients(2)
        w.send(0, *block)
        got = w.send(1, *push)
        assert got.get(0) == reply, f"{NAME}: {block[0]} served: {got.get(0)!r}"
        props = tuple(argv for _, argv in w.eff.propagate)
        want = (tuple(a.encode() for a in push), prop)
        assert props == want, f"{NAME}: {block[0]} served propagates {props!r}"
        card = w.send(1, "ZCARD" if push[0] == "ZADD" else "LLEN", "z")
        assert card == {1: b":%d\r\n" % left}, f"{NAME}: {block[0]}: {card!r} left"


def check_served_group_read_propagation() -> None:
    """An XREADGROUP (its consumer known) served with one entry propagates one XCLAIM, not
    wrapped in MULTI/EXEC (redis-server 7.0.15's AOF: ``XADD``, then ``XCLAIM s g c1 0 2-1
    TIME .. RETRYCOUNT 1 FORCE JUSTID LASTID 2-1``)."""
    w = _Clients(2)
    w.send(1, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    w.send(1, "XGROUP", "CREATECONSUMER", "s", "g", "c1")
    w.send(0, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">")
    got = w.send(1, "XADD", "s", "2-1", "f", "v")
    assert 0 in got, f"{NAME}: XREADGROUP not served by XADD: {got!r}"
    names = [argv[0] for _, argv in w.eff.propagate]
    assert names == [b"XADD", b"XCLAIM"], f"{NAME}: served XREADGROUP propagates {names!r}"


def check_transaction_wrapped_once() -> None:
    """A transaction or a script that wrapped its writes in MULTI/EXEC itself is not wrapped
    again at the end of the call (redis-server 7.0.15's AOF: MULTI, SET a, SET b, EXEC; and
    the same for an EVAL of two SETs)."""
    w = _Clients(1)
    for argv in (("MULTI",), ("SET", "a", "1"), ("SET", "b", "2")):
        w.send(0, *argv)
    w.send(0, "EXEC")
    names = [argv[0] for _, argv in w.eff.propagate]
    assert names == [b"MULTI", b"SET", b"SET", b"EXEC"], f"{NAME}: EXEC propagates {names!r}"
    w.send(0, "EVAL", "redis.call('SET','c','1') redis.call('SET','d','2')", "0")
    names = [argv[0] for _, argv in w.eff.propagate]
    assert names == [b"MULTI", b"SET", b"SET", b"EXEC"], f"{NAME}: EVAL propagates {names!r}"


def check_timeout_llong_max() -> None:
    """``getTimeoutFromObjectOrReply``: ``9223372036854775.807`` s is LLONG_MAX ms exactly and
    blocks; ``.808`` is one ms more (2^63, which ``(long long)`` makes LLONG_MIN): "timeout is
    negative" (redis-server 7.0.15: blocks, then ``-ERR timeout is negative``)."""
    w = _Clients(1)
    got = w.send(0, "BLPOP", "k", "9223372036854775.808")
    assert got == {0: b"-ERR timeout is negative\r\n"}, f"{NAME}: 2^63 ms timeout: {got!r}"
    got = w.send(0, "BLPOP", "k", "9223372036854775.807")
    assert got == {} and w.st.clients[w.ids[0]].info.bpop is not None, \
        f"{NAME}: LLONG_MAX ms timeout did not block: {got!r}"


def _replicas(w: _Clients, acks: list[tuple[int, bool]]) -> None:
    """Clients 1.. become replicas (REPLCONF capa eof, PSYNC ? -1), then each is put in the state the test
    needs: online or not, and the offset it last acknowledged."""
    for i, (ack, online) in enumerate(acks, start=1):
        w.send(i, "REPLCONF", "capa", "eof")  # diskless, delayed: no fork yet
        w.send(i, "PSYNC", "?", "-1")
        cid = w.ids[i]
        c = w.st.clients[cid]
        assert c.info.repl is not None, f"{NAME}: setup: client {i} is no replica"
        link = attrs.evolve(c.info.repl, ack_off=ack,
                            state=SLAVE_STATE_ONLINE if online else c.info.repl.state)
        w.st = replace(w.st, clients=w.st.clients.set(cid, replace(c, repl=link)))


def check_wait_counts_acks() -> None:
    """WAIT after a write counts the online replicas whose ACK reached its offset: three
    replicas, online at exactly the offset, online one byte short, and not online past it:
    WAIT 0 0 is ``:1``; WAIT 2 50 blocks and at its timeout (51 ms later) answers ``:1``
    (a WAIT's timeout answers the count, not a null array). A second WAIT (of another client,
    forever) is still answered when the second replica's ACK comes."""
    from redspec.spec.cron import before_sleep
    from redspec.spec.replica import replication_before_sleep
    w = _Clients(5)
    _replicas(w, [(0, True), (0, True), (0, False)])
    w.send(0, "SET", "k", "v")
    off = w.st.clients[w.ids[0]].info.woff
    assert off > 0, f"{NAME}: setup: SET did not move the client's offset"
    for i, ack in ((1, off), (2, off - 1), (3, off + 5)):
        c = w.st.clients[w.ids[i]]
        link = attrs.evolve(c.info.repl, ack_off=ack)
        w.st = replace(w.st, clients=w.st.clients.set(w.ids[i], replace(c, repl=link)))
    got = w.send(0, "WAIT", "0", "0")
    assert got == {0: b":1\r\n"}, f"{NAME}: WAIT 0 0 with one replica at the offset: {got!r}"
    assert w.send(0, "WAIT", "2", "50") == {}, f"{NAME}: WAIT 2 50 did not block"
    w.send(4, "SET", "k2", "v")
    assert w.send(4, "WAIT", "2", "0") == {}, f"{NAME}: the second WAIT did not block"
    st, eff = before_sleep(w.st, T0 + 51)
    st, got = delivered(st, eff)
    assert got.get(w.ids[0]) == b":1\r\n", f"{NAME}: WAIT 2 50 at its timeout: {got!r}"
    c = st.clients[w.ids[2]]
    off4 = st.clients[w.ids[4]].info.woff
    link = attrs.evolve(c.info.repl, ack_off=off4)
    st = replace(st, clients=st.clients.set(w.ids[2], replace(c, repl=link)))
    c = st.clients[w.ids[1]]
    link = attrs.evolve(c.info.repl, ack_off=off4)
    st = replace(st, clients=st.clients.set(w.ids[1], replace(c, repl=link)))
    st, eff = replication_before_sleep(st, T0 + 52)  # processClientsWaitingReplicas
    st, got = delivered(st, eff)
    assert got.get(w.ids[4]) == b":2\r\n", \
        f"{NAME}: the other WAIT, once two replicas acknowledged: {got!r}"


def check_free_leaves_unblocked_queue() -> None:
    """CLIENT PAUSE 100 WRITE; two clients' SETs are postponed; serverCron's expire cycle at
    the pause's end + 1 ms ends it and queues both to run; the first disconnects before
    beforeSleep: it is gone from the queue (``freeClient``: ``CLIENT_UNBLOCKED`` →
    ``listDelNode(server.unblocked_clients)``), and the second's SET runs (``+OK``)."""
    from redspec.spec.cron import before_sleep, server_cron
    w = _Clients(3)
    w.send(0, "CLIENT", "PAUSE", "100", "WRITE")
    assert w.send(1, "SET", "a", "1") == {} and w.send(2, "SET", "b", "2") == {}, \
        f"{NAME}: setup: the SETs were not postponed"
    st, _ = server_cron(w.st, T0 + 101)
    assert st.blocking.unblocked == (w.ids[1], w.ids[2]), \
        f"{NAME}: setup: the pause's end did not queue the postponed clients"
    st = server.client_disconnect(st, w.ids[1], T0 + 101)
    assert w.ids[1] not in st.blocking.unblocked, \
        f"{NAME}: a freed client left in the unblocked queue: {st.blocking.unblocked}"
    st, eff = before_sleep(st, T0 + 101)
    st, got = delivered(st, eff)
    assert got.get(w.ids[2]) == b"+OK\r\n", f"{NAME}: the other postponed SET: {got!r}"


CHECKS = [check_mixed_waiters_rotate, check_zset_waiter_on_stream,
          check_served_replies_and_propagation, check_served_group_read_propagation,
          check_transaction_wrapped_once, check_timeout_llong_max, check_wait_counts_acks, check_free_leaves_unblocked_queue]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_blocking_gaps_agree_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _crashes(check: Any) -> None:
    """A mutant that makes the check crash (the mutation runner counts it killed too)."""
    with pytest.raises(IndexError):
        check()


@pytest.mark.parametrize("zset", [0, 2])  # `LIST, ZSET, STREAM = 0, 1, 2`: ZSET as LIST, as STREAM
def test_planted_zset_kind(monkeypatch: pytest.MonkeyPatch, zset: int) -> None:
    from redspec.spec import blocking, handle_blocked
    from redspec.spec.commands import blocking as cmd
    for mod in (blocking, handle_blocked, cmd):  # imported by name there
        monkeypatch.setattr(mod, "ZSET", zset)
    if zset == 0:  # a BZPOPMIN waiter served by the list pop: [k, [x]]
        _trips(check_mixed_waiters_rotate)
    else:  # a BZPOPMIN waiter read as a stream reader: its record has no stream ids
        _crashes(check_zset_waiter_on_stream)


@pytest.mark.parametrize("llong_max", [1 << 63, (2 << 63) - 1, (1 << 63) - 2])
def test_planted_llong_max(monkeypatch: pytest.MonkeyPatch, llong_max: int) -> None:
    from redspec.spec import blocking
    monkeypatch.setattr(blocking, "_LLONG_MAX", llong_max)
    _trips(check_timeout_llong_max)


def test_planted_timeout_range(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import blocking
    from redspec.spec.commands import blocking as cmd
    fn = plant(monkeypatch, blocking, "parse_timeout", "ms > _LLONG_MAX", "ms >= _LLONG_MAX")
    monkeypatch.setattr(cmd, "parse_timeout", fn)  # imported by name
    _trips(check_timeout_llong_max)


@pytest.mark.parametrize("old,new", [
    ("if bp is not None and", "if bp is None and"),
    ("if x != cid)))", "if x == cid)))")])
def test_planted_wait_timed_out(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec import blocking, server
    from redspec.spec.commands import blocking as cmd
    fn = plant(monkeypatch, blocking, "reply_timed_out", old, new)
    for mod in (server, cmd):  # imported by name there
        monkeypatch.setattr(mod, "reply_timed_out", fn)
    _trips(check_wait_counts_acks)


@pytest.mark.parametrize("old,new", [
    ("if c is not None else None", "if c is None else None"),
    ("if link is not None and", "if link is None and"),
    ("link.state == SLAVE_STATE_ONLINE", "link.state != SLAVE_STATE_ONLINE"),
    ("link.ack_off >= offset", "link.ack_off > offset"),
    ("n += 1", "n += 0"),
    ("n += 1", "n += 2")])
def test_planted_acks_for_offset(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec import blocking, replication
    fn = plant(monkeypatch, blocking, "acks_for_offset", old, new)
    monkeypatch.setattr(replication, "acks_for_offset", fn)  # imported by name, and aliased
    monkeypatch.setattr(replication, "count_acks", fn)
    _trips(check_wait_counts_acks)


@pytest.mark.parametrize("old,new", [
    ("c.id not in b.unblocked:", "c.id in b.unblocked:"),
    ("if c.id in nb.unblocked:", "if c.id not in nb.unblocked:"),
    ("if x != c.id))", "if x == c.id))")])
def test_planted_free_leaves_unblocked(monkeypatch: pytest.MonkeyPatch, old: str,
                                       new: str) -> None:
    from redspec.spec import blocking, server
    fn = plant(monkeypatch, blocking, "unblock_on_free", old, new)
    monkeypatch.setattr(server, "_unblock", fn)  # imported under that name
    _trips(check_free_leaves_unblocked_queue)


def test_planted_wrapped_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import dispatch, handle_blocked
    fn = plant(monkeypatch, handle_blocked, "propagate_pending_commands",
               "prop[start][1] != (b\"MULTI\",)", "prop[start][0] != (b\"MULTI\",)")
    monkeypatch.setattr(dispatch, "propagate_pending_commands", fn)  # imported by name
    _trips(check_transaction_wrapped_once)


def test_planted_single_command_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import handle_blocked
    plant(monkeypatch, handle_blocked, "propagate_pending_commands", "len(prop) - start > 1",
          "len(prop) - start > 0")
    _trips(check_served_group_read_propagation)


_ZPOP = "zsets.zpop_core(s, [key], pop_max, info.count, True, True, True)"
_BZPOP = "zsets.zpop_core(s, [key], pop_max, 1, False, False, True)"


@pytest.mark.parametrize("old,new", [
    ('elif name in ("blmove", "brpoplpush"):', 'elif name not in ("blmove", "brpoplpush"):'),
    ('if name == "brpoplpush"', 'if name != "brpoplpush"'),
    ('if name == "bzmpop":', 'if name != "bzmpop":'),
    (_ZPOP, "zsets.zpop_core(s, [key], pop_max, info.count, False, True, True)"),
    (_ZPOP, "zsets.zpop_core(s, [key], pop_max, info.count, True, False, True)"),
    ("len(reply[1])", "len(reply[0])"),
    ("if type(reply) is list else 0", "if type(reply) is not list else 0"),
    (_BZPOP, "zsets.zpop_core(s, [key], pop_max, 0, False, False, True)"),
    (_BZPOP, "zsets.zpop_core(s, [key], pop_max, 2, False, False, True)"),
    (_BZPOP, "zsets.zpop_core(s, [key], pop_max, 1, True, False, True)"),
    (_BZPOP, "zsets.zpop_core(s, [key], pop_max, 1, False, True, True)"),
    ("if type(body) is list else body", "if type(body) is not list else body")])
def test_planted_served_replies(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec import handle_blocked
    plant(monkeypatch, handle_blocked, "_serve", old, new)
    _trips(check_served_replies_and_propagation)


def test_planted_served_count_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import handle_blocked
    plant(monkeypatch, handle_blocked, "_serve", "len(reply[1])", "len(reply[2])")
    _crashes(check_served_replies_and_propagation)  # BZMPOP's reply is [key, elements]


def test_planted_served_lookup_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import handle_blocked
    plant(monkeypatch, handle_blocked, "_serve", "get_list(s, key, write=True)",
          "get_list(s, key, write=False)")
    _trips(check_mixed_waiters_rotate)


@pytest.mark.parametrize("old,new", [
    ("elif type(v) is ZSet:", "elif type(v) is not ZSet:"),
    ("while n > 0:", "while n >= 0:"),
    ("n -= 1", "n -= 2"),
    ("q[1:] + q[:1]", "q[0:] + q[:1]"),
    ("q[1:] + q[:1]", "q[2:] + q[:1]"),
    ("q[1:] + q[:1]", "q[1:] + q[:0]"),
    ("q[1:] + q[:1]", "q[1:] + q[:2]")])
def test_planted_serve_key_order(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec import handle_blocked
    plant(monkeypatch, handle_blocked, "_serve_key", old, new)
    _trips(check_mixed_waiters_rotate)
