"""A transition leaves no reference cycles behind: its garbage (the replaced versions of what
it changed) is freed at once by reference counting, not by the cyclic GC. With the cyclic GC
tuned to run rarely (reference/server.py), a cycle per transition kept each transition's
garbage alive and tripled the server's memory per key."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from redspec.spec import db as db_mod
from redspec.spec import server as S
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.resp import encode_request


@pytest.fixture
def no_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _run_turns() -> int:
    st = S.new_server(0)
    st, a = S.client_connect(st, 0, fd=5)
    st, b = S.client_connect(st, 0, fd=6)
    gc.collect()
    for i in range(200):
        k = b"k%d" % i
        ra = b"".join(encode_request(x) for x in (
            [b"SET", k, b"v"], [b"GET", k], [b"LPUSH", b"l", k], [b"HSET", b"h", k, b"v"],
            [b"SADD", b"s", k], [b"ZADD", b"z", b"1", k], [b"EXPIRE", k, b"100"]))
        st, _ = event_loop_turn(st, 1000 + i, {a: ra, b: encode_request([b"INCR", b"n"])}, {})
        st, _ = S.clients_wrote(st, {a: len(st.clients[a].reply), b: len(st.clients[b].reply)})
    return gc.collect()


def test_transitions_leave_no_cycles(no_gc: None) -> None:
    assert _run_turns() == 0


def test_planted_strong_step_reference_makes_cycles(no_gc: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the step's commit leaves its views holding it (no ``DbView.detach``)."""
    monkeypatch.setattr(db_mod.DbView, "detach", lambda self: None)
    assert _run_turns() > 0
