"""Client-side caching (``tracking.c``) in the spec: what a tracking client is told, at the
transition level (the differential cases compare the same against 7.0.15 over sockets).

The property: a client in default mode is told about a key exactly when the key changes
after the client read it and before it was told last — never twice for one read, never for a
key it did not read — with a planted bug (the table entry kept after an invalidation) that
it must catch."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.spec import tracking
from redspec.spec.cron import before_sleep, server_cron
from redspec.spec.frames import parse_all
from redspec.spec.resp import encode_request
from redspec.spec.server import (
    client_connect,
    client_disconnect,
    client_input,
    client_wrote,
    new_server,
)

NOW = 1_700_000_000_000


class World:
    """A spec server with connected clients driven through ``client_input``."""

    def __init__(self, **config: Any) -> None:
        self.state = new_server(NOW, **config)
        self.now = NOW

    def connect(self, resp3: bool = True) -> int:
        self.state, cid = client_connect(self.state, self.now)
        if resp3:
            self.send(cid, "HELLO", "3")
            self.read(cid)
        return cid

    def send(self, cid: int, *argv: Any) -> None:
        req = encode_request([a if isinstance(a, bytes) else str(a).encode() for a in argv])
        self.state, _ = client_input(self.state, cid, req, self.now, 0)  # replies stay queued

    def read(self, cid: int) -> list[bytes]:
        """The frames the client has been sent since the last read (each as bytes)."""
        c = self.state.clients[cid]
        frames, _ = parse_all(c.reply)
        self.state = client_wrote(self.state, cid, len(c.reply))
        return list(frames)

    def call(self, cid: int, *argv: Any) -> list[bytes]:
        self.send(cid, *argv)
        return self.read(cid)

    def sleep(self) -> None:
        self.state, _ = before_sleep(self.state, self.now)


def inv(*keys: bytes) -> bytes:
    return b">2\r\n$10\r\ninvalidate\r\n*%d\r\n" % len(keys) + b"".join(
        b"$%d\r\n%s\r\n" % (len(k), k) for k in keys)


def test_read_then_write_elsewhere_then_own_write() -> None:
    w = World()
    a, b = w.connect(), w.connect()
    assert w.call(a, "CLIENT", "TRACKING", "ON") == [b"+OK\r\n"]
    assert w.call(a, "GET", "k") == [b"_\r\n"]
    w.call(b, "SET", "k", "v")
    assert w.read(a) == [inv(b"k")]
    w.call(b, "SET", "k", "v2")
    assert w.read(a) == []  # told once per read
    w.call(a, "GET", "k")
    assert w.call(a, "SET", "k", "mine") == [b"+OK\r\n", inv(b"k")]  # after its own reply


def test_expiry_invalidates_at_the_boundary() -> None:
    """A tracked key is invalidated when it expires (``signalModifiedKey`` from
    ``deleteExpiredKeyAndPropagate``): not at ``now == when``, at the first access after."""
    w = World()
    a, b = w.connect(), w.connect()
    w.call(a, "CLIENT", "TRACKING", "ON")
    w.call(b, "SET", "e", "1", "PXAT", NOW + 10)
    w.call(a, "GET", "e")
    w.now = NOW + 10
    assert w.call(b, "GET", "e") == [b"$1\r\n1\r\n"] and w.read(a) == []
    w.now = NOW + 11
    assert w.call(b, "GET", "e") == [b"_\r\n"]
    assert w.read(a) == [inv(b"e")]


def test_bcast_sent_before_sleep_per_prefix() -> None:
    w = World()
    a, b = w.connect(), w.connect()
    w.call(a, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b")
    w.call(b, "MSET", "a2", "1", "b1", "2", "c1", "3", "a1", "4")
    assert w.read(a) == []  # nothing until beforeSleep
    w.sleep()
    assert w.read(a) == [inv(b"a1", b"a2"), inv(b"b1")]
    w.sleep()
    assert w.read(a) == []


def test_freed_bcast_client_leaves_its_prefixes() -> None:
    w = World()
    a = w.connect()
    w.call(a, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p")
    assert len(w.state.tracking.prefixes) == 1
    w.state = client_disconnect(w.state, a)
    assert len(w.state.tracking.prefixes) == 0


def test_table_limit_in_cron() -> None:
    w = World(**{"tracking-table-max-keys": 2})
    a, b = w.connect(), w.connect()
    w.call(a, "CLIENT", "TRACKING", "ON")
    w.call(a, "MGET", "k1", "k2", "k3", "k4")
    assert len(w.state.tracking.table) == 4
    w.state, _ = server_cron(w.state, w.now)
    assert len(w.state.tracking.table) == 2
    assert w.read(a) == [inv(b"k1"), inv(b"k2")]
    del b


def test_info_fields() -> None:
    w = World()
    a, b = w.connect(), w.connect()
    w.call(a, "CLIENT", "TRACKING", "ON")
    w.call(b, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", "y")
    w.call(a, "MGET", "k1", "k2")
    w.call(b, "GET", "k1")  # BCAST: not remembered
    text = b"".join(w.call(a, "INFO", "everything"))
    for line in (b"tracking_clients:2", b"tracking_total_keys:2", b"tracking_total_items:2",
                 b"tracking_total_prefixes:2"):
        assert line in text


# -- the property -------------------------------------------------------------------------------

KEYS = [b"k1", b"k2", b"k3"]
OPS = st.lists(st.tuples(st.sampled_from(["read", "write", "own_write", "flush"]),
                         st.sampled_from(KEYS)), max_size=25)


def _run_model(ops: list[tuple[str, bytes]]) -> None:
    w = World()
    a, b = w.connect(), w.connect()
    w.call(a, "CLIENT", "TRACKING", "ON")
    cached: set[bytes] = set()
    for op, k in ops:
        if op == "read":
            w.call(a, "GET", k)
            cached.add(k)
        elif op == "write":
            w.call(b, "SET", k, "x")
            got = w.read(a)
            assert got == ([inv(k)] if k in cached else []), (op, k, got)
            cached.discard(k)
        elif op == "own_write":
            got = w.call(a, "SET", k, "y")
            assert got == [b"+OK\r\n"] + ([inv(k)] if k in cached else []), (op, k, got)
            cached.discard(k)
        else:
            w.call(b, "FLUSHALL")
            assert w.read(a) == [b">2\r\n$10\r\ninvalidate\r\n_\r\n"]
            cached.clear()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_told_exactly_once_per_read_and_change(ops: list[tuple[str, bytes]]) -> None:
    _run_model(ops)


def test_property_trips_on_a_planted_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted bug: the key stays in the table after its invalidation (told twice)."""
    real = tracking.invalidate_key

    def kept(s: Any, key: bytes, modifier: int) -> None:
        before = s.part("tracking").table
        real(s, key, modifier)
        t = s.part("tracking")
        if key in before and key not in t.table:
            s.set_part("tracking", tracking.replace(t, table=t.table.set(key, before[key])))

    monkeypatch.setattr("redspec.spec.step.invalidate_key", kept)
    with pytest.raises(AssertionError):
        _run_model([("read", b"k1"), ("write", b"k1"), ("write", b"k1")])
