"""Keyspace commands at the spec level: what replies alone cannot show (TTLs carried by
RENAME/COPY/MOVE/SWAPDB, expired keys that DBSIZE still counts, ``server.dirty``, keyspace
notifications, propagation, RANDOMKEY's deletions), each checked against facts observed on
Redis 7.0.15."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec.reply import encode2
from redspec.spec.server import client_connect, client_input, new_server, run_command
from redspec.spec.state import ServerState
from redspec.spec.values import copy_value, type_name
from tests.differential.rawclient import encode_request

NOW = 1_000_000
FUTURE = b"%d" % (NOW + 10_000)
PAST = b"%d" % (NOW - 1)


class S:
    """A spec server with one client, driven one command at a time."""

    def __init__(self, **config: Any) -> None:
        self.state: ServerState = new_server(now_ms=NOW, **config)
        self.state, self.cid = client_connect(self.state, NOW)
        self.now = NOW

    def __call__(self, *argv: bytes | str) -> bytes:
        args = [a if isinstance(a, bytes) else a.encode() for a in argv]
        self.state, frame = run_command(self.state, self.cid, args, self.now)
        return frame

    def effects(self, *argv: bytes | str) -> Any:
        """Run one command through ``client_input`` and return its Effects."""
        data = encode_request(list(argv))
        self.state, eff = client_input(self.state, self.cid, data, self.now)
        return eff

    def db(self, i: int = 0) -> Any:
        return self.state.dbs[i]


def r(value: Any) -> bytes:
    return encode2(value)


# -- TTLs travel with the value ---------------------------------------------------------------


def test_rename_carries_ttl_and_drops_destination_ttl() -> None:
    s = S()
    s("SET", "a", "1", "PXAT", FUTURE)
    s("SET", "b", "2", "PXAT", FUTURE)
    s("SET", "c", "3")
    assert s("RENAME", "a", "x") == b"+OK\r\n"
    assert s.db().expires.get(b"x") == int(FUTURE) and b"a" not in s.db().expires
    assert s("RENAME", "c", "b") == b"+OK\r\n"  # b's TTL goes with the old b
    assert b"b" not in s.db().expires and s.db().keys[b"b"] == b"3"


def test_copy_carries_ttl_and_replace_drops_old_ttl() -> None:
    s = S()
    s("SET", "a", "1", "PXAT", FUTURE)
    assert s("COPY", "a", "b", "DB", "2") == b":1\r\n"
    assert s.db(2).expires[b"b"] == int(FUTURE) and s.db(0).expires[b"a"] == int(FUTURE)
    s("SET", "p", "v")
    s("SET", "q", "w", "PXAT", FUTURE)
    assert s("COPY", "p", "q", "REPLACE") == b":1\r\n"
    assert b"q" not in s.db().expires and s.db().keys[b"q"] == b"v"


def test_move_and_swapdb_carry_ttl() -> None:
    s = S()
    s("SET", "a", "1", "PXAT", FUTURE)
    assert s("MOVE", "a", "3") == b":1\r\n"
    assert dict(s.db(3).expires) == {b"a": int(FUTURE)} and not s.db(0).expires
    assert s("SWAPDB", "3", "5") == b"+OK\r\n"
    assert dict(s.db(5).expires) == {b"a": int(FUTURE)} and not s.db(3).keys
    assert [d.id for d in s.state.dbs] == list(range(16))


# -- expired keys -----------------------------------------------------------------------------


def test_dbsize_counts_expired_keys_until_touched() -> None:
    """Observed on 7.0.15: SET k PXAT <past> twice, SET live; DBSIZE 3; KEYS * only live;
    DBSIZE still 3; a lookup deletes the expired key."""
    s = S()
    s("SET", "k", "v", "PXAT", PAST)
    s("SET", "k2", "v", "PXAT", PAST)
    s("SET", "live", "v")
    assert s("DBSIZE") == b":3\r\n"
    assert s("KEYS", "*") == r([b"live"])
    assert s("DBSIZE") == b":3\r\n"
    assert s("EXISTS", "k") == b":0\r\n"
    assert s("DBSIZE") == b":2\r\n"
    assert s.state.stats.expired_keys == 1


def test_keys_boundary_is_strictly_after() -> None:
    """``keyIsExpired``: a key whose time is exactly now is still alive."""
    s = S()
    s("SET", "k", "v", "PXAT", b"%d" % NOW)
    assert s("KEYS", "*") == r([b"k"])
    s.now += 1
    assert s("KEYS", "*") == r([])


def test_randomkey_deletes_expired_draws_and_never_returns_them() -> None:
    s = S()
    for i in range(20):
        s("SET", f"dead{i}", "v", "PXAT", PAST)
    s("SET", "live", "v")
    assert s("RANDOMKEY") == r(b"live")
    assert s.db().keys[b"live"] == b"v"
    # every draw before "live" deleted an expired key
    assert s.state.stats.expired_keys == 21 - len(s.db().keys)


def test_randomkey_all_expired_empties_the_db() -> None:
    s = S()
    for i in range(5):
        s("SET", f"dead{i}", "v", "PXAT", PAST)
    assert s("RANDOMKEY") == b"$-1\r\n"
    assert len(s.db().keys) == 0 and s.state.stats.expired_keys == 5


def test_randomkey_is_a_function_of_state_and_seed() -> None:
    a, b = S(), S()
    for s in (a, b):
        for i in range(30):
            s("SET", f"k{i}", "v")
    assert [a("RANDOMKEY") for _ in range(10)] == [b("RANDOMKEY") for _ in range(10)]
    assert len({a("RANDOMKEY") for _ in range(50)}) > 1


# -- server.dirty (INFO rdb_changes_since_last_save) -----------------------------------------


@pytest.mark.parametrize(
    "setup,cmd,delta",
    [
        # measured on 7.0.15 with INFO persistence before and after the command
        ([["SET", "a", "1"], ["SET", "b", "1"], ["SET", "c", "1"]], ["FLUSHALL"], 3),
        ([], ["FLUSHALL"], 0),
        ([["SET", "a", "1"], ["SET", "b", "1"], ["SET", "c", "1"]], ["FLUSHDB"], 3),
        ([], ["FLUSHDB"], 0),
        ([], ["SWAPDB", "0", "0"], 1),
        ([], ["SWAPDB", "0", "1"], 1),
        ([["SET", "a", "1"]], ["RENAME", "a", "a"], 0),
        ([["SET", "a", "1"]], ["RENAME", "a", "b"], 1),
        ([["SET", "a", "1"]], ["COPY", "a", "b"], 1),
        ([["SET", "a", "1"]], ["MOVE", "a", "1"], 1),
        ([["SET", "a", "1"], ["SET", "b", "1"]], ["DEL", "a", "b", "c"], 2),
        ([["SET", "a", "1", "PXAT", PAST]], ["DEL", "a"], 0),
        ([["SET", "a", "1", "PXAT", PAST]], ["FLUSHALL"], 1),
    ],
)
def test_dirty(setup: list[list[Any]], cmd: list[Any], delta: int) -> None:
    s = S()
    for c in setup:
        s(*c)
    before = s.state.dirty
    s(*cmd)
    assert s.state.dirty - before == delta


# -- keyspace hits and misses ----------------------------------------------------------------


def test_read_lookups_count_hits_and_misses() -> None:
    """EXISTS, TYPE, TOUCH and COPY's source lookup count; KEYS, DBSIZE, RENAME do not
    (matched against INFO stats over all differential cases)."""
    s = S()
    s("SET", "a", "1")
    s("EXISTS", "a", "b")
    s("TYPE", "a")
    s("TOUCH", "nope")
    s("COPY", "a", "c")
    s("KEYS", "*")
    s("RENAME", "c", "d")
    st = s.state.stats
    assert (st.keyspace_hits, st.keyspace_misses) == (3, 2)


# -- notifications and propagation ------------------------------------------------------------


def test_notifications() -> None:
    """Event names and order as seen on 7.0.15 with notify-keyspace-events KEA (the ``new``
    events of ``dbAdd`` are not modelled yet)."""
    s = S(**{"notify-keyspace-events": "KEA"})
    s("SET", "a", "1")
    assert s.effects("RENAME", "a", "b").notifications == (
        ("g", "rename_from", b"a", 0), ("g", "rename_to", b"b", 0))
    assert s.effects("COPY", "b", "c", "DB", "1").notifications == (("g", "copy_to", b"c", 1),)
    assert s.effects("MOVE", "b", "2").notifications == (
        ("g", "move_from", b"b", 0), ("g", "move_to", b"b", 2))
    s("SET", "x", "1")
    assert s.effects("DEL", "x", "y").notifications == (("g", "del", b"x", 0),)
    s("SET", "e", "1", "PXAT", PAST)
    assert s.effects("EXISTS", "e").notifications == (("x", "expired", b"e", 0),)
    assert s.effects("FLUSHALL").notifications == ()
    # passive expiry's event is of class 'x' (NOTIFY_EXPIRED): "Ex" alone publishes it
    s2 = S(**{"notify-keyspace-events": "Ex"})
    s2("SET", "e", "1", "PXAT", PAST)
    assert s2.effects("EXISTS", "e").notifications == (("x", "expired", b"e", 0),)


def test_propagation() -> None:
    s = S()
    assert s.effects("FLUSHDB").propagate == ((0, (b"FLUSHDB",)),)  # forced when empty
    assert s.effects("FLUSHALL", "ASYNC").propagate == ((0, (b"FLUSHALL", b"ASYNC")),)
    s("SET", "a", "1")
    assert s.effects("RENAME", "a", "a").propagate == ()  # nothing changed
    assert s.effects("RENAMENX", "a", "b").propagate == ((0, (b"RENAMENX", b"a", b"b")),)
    assert s.effects("MOVE", "nokey", "1").propagate == ()
    assert s.effects("SWAPDB", "4", "4").propagate == ((0, (b"SWAPDB", b"4", b"4")),)
    s("SET", "e", "1", "PXAT", PAST)
    assert s.effects("COPY", "e", "f").propagate == ((0, (b"DEL", b"e")),)
    assert s.effects("FLUSHDB", "x").propagate == ()


# -- the other clients' view of SWAPDB and FLUSHALL --------------------------------------------


def test_swapdb_changes_what_other_clients_see() -> None:
    s = S()
    s.state, other = client_connect(s.state, NOW)
    s("SET", "a", "zero")
    s.state, _ = run_command(s.state, other, [b"SELECT", b"1"], NOW)
    s("SWAPDB", "0", "1")
    s.state, frame = run_command(s.state, other, [b"GET", b"a"], NOW)
    assert frame == r(b"zero")
    assert s("GET", "a") == b"$-1\r\n"


def test_flushall_leaves_empty_dbs_untouched() -> None:
    s = S()
    s("SET", "a", "1")
    before = s.state.dbs
    s("FLUSHALL")
    after = s.state.dbs
    assert len(after[0].keys) == 0 and all(after[i] is before[i] for i in range(1, 16))


def test_databases_config_bounds_move_and_swapdb() -> None:
    s = S(databases=3)
    s("SET", "a", "1")
    assert s("MOVE", "a", "3") == b"-ERR DB index is out of range\r\n"
    assert s("SWAPDB", "2", "3") == b"-ERR DB index is out of range\r\n"
    assert s("COPY", "a", "a", "DB", "2") == b":1\r\n"


# -- values ---------------------------------------------------------------------------------


def test_values() -> None:
    assert type_name(b"x") == "string"
    v = b"abc"
    assert copy_value(v) == v
    with pytest.raises(KeyError):
        type_name(object())
