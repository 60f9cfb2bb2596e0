"""Both sides of every timed rule, exactly at its boundary, on the virtual clock.

Each rule of time in the spec is a comparison of "now" with a stored time; a comparison
written one millisecond off passes any test that never puts "now" on the boundary. Each
property here puts it there and one millisecond past, and checks both outcomes (each has a
planted off-by-one below that trips it, in both directions where the rule has two):

- ``expiry_boundary`` (``keyIsExpired``: ``now > when``): a key with a TTL is served —
  GET, EXISTS, TYPE, PTTL 0 — at ``now == when``, and kept by an active expire cycle then;
  at ``now == when + 1`` it is gone to every reader (PTTL -2) and the active cycle deletes it;
- ``block_timeout_boundary`` (``handleBlockedClientsTimeout``: ``timeout < now``): a BLPOP
  with a timeout is still blocked at its deadline and gets its null reply one ms later;
- ``pause_end_boundary`` (``checkClientPauseTimeoutAndReturnIfPaused``:
  ``client_pause_end_time < mstime``): CLIENT PAUSE is in force at its end time (the gate,
  the event loop's tick) and over one ms later, when the postponed client runs;
- ``lfu_decay_boundary`` (``LFUDecrAndReturn``: one decrement per ``lfu-decay-time``
  minutes elapsed, minutes being ``unixtime_ms / 60000``): no decrement for the last
  millisecond before a whole period, one at its first millisecond.

The client ``timeout`` (``clientsCronHandleTimeout``: ``now - lastinteraction >
maxidletime``) has its boundary property, ``idle_boundary``, with the rest of its mechanism in
``properties/test_idle_timeout_props.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, run_given
from redspec.spec import blocking as blocking_mod
from redspec.spec import lru as lru_mod
from redspec.spec import pause as pause_mod
from redspec.spec import server as S
from redspec.spec.db import DbView
from redspec.spec.eventloop import pause_tick
from redspec.spec.expire import SLOW, active_expire_cycle
from redspec.spec.resp import encode_request
from redspec.spec.step import Step

MECHANISM = "expire"

T0 = 1_700_000_000_000
PLANTED = planted_settings(60)


def _call(state: Any, cid: int, now: int, *argv: bytes) -> tuple[Any, bytes]:
    return S.run_command(state, cid, list(argv), now)


def _with_ttl(ahead_ms: int) -> tuple[Any, int, int]:
    """A server with ``k`` = ``v`` expiring at ``T0 + ahead_ms`` (set at T0)."""
    s = S.new_server(T0)
    s, c = S.client_connect(s, T0)
    s, _ = _call(s, c, T0, b"SET", b"k", b"v")
    when = T0 + ahead_ms
    s, r = _call(s, c, T0, b"PEXPIREAT", b"k", b"%d" % when)
    assert r == b":1\r\n"
    return s, c, when


def check_expiry_boundary(ahead_ms: int) -> None:
    """``expiry_boundary`` for one expiry time."""
    name = "expiry_boundary"
    s, c, when = _with_ttl(ahead_ms)
    for argv, want in (((b"GET", b"k"), b"$1\r\nv\r\n"), ((b"EXISTS", b"k"), b":1\r\n"),
                       ((b"TYPE", b"k"), b"+string\r\n"), ((b"PTTL", b"k"), b":0\r\n")):
        _s, r = _call(s, c, when, *argv)
        assert r == want, f"{name}: {argv[0].decode()} at now == when gave {r!r}"
    kept, _ = active_expire_cycle(s, when, SLOW, budget_us=10**9)
    assert b"k" in kept.dbs[0].keys, f"{name}: the active cycle deleted k at now == when"
    for argv, want in (((b"GET", b"k"), b"$-1\r\n"), ((b"EXISTS", b"k"), b":0\r\n"),
                       ((b"TYPE", b"k"), b"+none\r\n"), ((b"PTTL", b"k"), b":-2\r\n")):
        _s, r = _call(s, c, when + 1, *argv)
        assert r == want, f"{name}: {argv[0].decode()} at now == when + 1 gave {r!r}"
    gone, _ = active_expire_cycle(s, when + 1, SLOW, budget_us=10**9)
    assert b"k" not in gone.dbs[0].keys, f"{name}: the active cycle kept k at now == when + 1"


def check_block_timeout_boundary(timeout_ms: int) -> None:
    """``block_timeout_boundary`` for one BLPOP timeout."""
    name = "block_timeout_boundary"
    s = S.new_server(T0)
    s, c = S.client_connect(s, T0)
    secs = b"%d.%03d" % divmod(timeout_ms, 1000)
    s, eff = S.client_input(s, c, encode_request([b"BLPOP", b"l", secs]), T0)
    assert S.output_for(eff, c) == b"" and c in s.blocking.clients
    deadline = s.blocking.clients[c]  # T0 + the timeout rounded up to whole ms (long double)
    assert T0 + timeout_ms <= deadline <= T0 + timeout_ms + 1
    at, eff = S.handle_blocked_clients_timeout(s, deadline)
    assert c in at.blocking.clients and c not in eff.wake and at.clients[c].reply == b"", \
        f"{name}: timed out at now == deadline"
    past, eff = S.handle_blocked_clients_timeout(s, deadline + 1)
    assert c not in past.blocking.clients and past.clients[c].reply == b"*-1\r\n", \
        f"{name}: still blocked at now == deadline + 1"


def check_pause_end_boundary(pause_ms: int) -> None:
    """``pause_end_boundary`` for one CLIENT PAUSE duration."""
    name = "pause_end_boundary"
    s = S.new_server(T0)
    s, a = S.client_connect(s, T0)
    s, b = S.client_connect(s, T0)
    s, r = _call(s, a, T0, b"CLIENT", b"PAUSE", b"%d" % pause_ms, b"WRITE")
    assert r == b"+OK\r\n"
    s, _ = S.client_input(s, b, encode_request([b"SET", b"x", b"1"]), T0)
    assert s.transport.postponed == (b,)
    end = T0 + pause_ms
    assert pause_mod.clients_paused(Step(s, end, a)), f"{name}: not paused at now == end"
    assert not pause_mod.clients_paused(Step(s, end + 1, a)), \
        f"{name}: still paused at now == end + 1"
    at, _ = pause_tick(s, end)
    assert at.transport.postponed == (b,), f"{name}: the tick ended the pause at now == end"
    past, _ = pause_tick(s, end + 1)
    assert not past.transport.pause_type and past.dbs[0].keys.get(b"x") is not None, \
        f"{name}: the tick kept the pause at now == end + 1"


def check_lfu_decay_boundary(decay: int, periods: int, counter: int, ldt: int) -> None:
    """``lfu_decay_boundary`` for one decay time, number of periods, counter and access
    minute."""
    name = "lfu_decay_boundary"
    word = (ldt << 8) | counter
    first_ms = (ldt + periods * decay) * 60_000  # the first ms of the periods-th period
    before = lru_mod.lfu_decr_and_return(word, first_ms - 1, decay)
    at = lru_mod.lfu_decr_and_return(word, first_ms, decay)
    assert before == max(counter - (periods - 1), 0), \
        f"{name}: {before} one ms before {periods} periods of {decay} min (counter {counter})"
    assert at == max(counter - periods, 0), \
        f"{name}: {at} at {periods} periods of {decay} min (counter {counter})"


_AHEAD = st.integers(1, 10**7)
_TIMEOUT = st.integers(1, 10**6)
_PAUSE = st.integers(1, 10**6)
_LFU = {"decay": st.integers(1, 30), "periods": st.integers(1, 8),
        "counter": st.integers(0, 255), "ldt": st.integers(0, 1000)}
# LFU minutes are unix minutes mod 2**16; ldt + periods * decay stays below the wrap here.


@settings(max_examples=60, deadline=None)
@given(_AHEAD)
def test_expiry_boundary(ahead_ms: int) -> None:
    check_expiry_boundary(ahead_ms)


@settings(max_examples=60, deadline=None)
@given(_TIMEOUT)
def test_block_timeout_boundary(timeout_ms: int) -> None:
    check_block_timeout_boundary(timeout_ms)


@settings(max_examples=60, deadline=None)
@given(_PAUSE)
def test_pause_end_boundary(pause_ms: int) -> None:
    check_pause_end_boundary(pause_ms)


@settings(max_examples=200, deadline=None)
@given(**_LFU)
def test_lfu_decay_boundary(decay: int, periods: int, counter: int, ldt: int) -> None:
    check_lfu_decay_boundary(decay, periods, counter, ldt)


# -- planted off-by-ones: each trips its property --------------------------------------------


def _expired_early(self: DbView, key: bytes) -> bool:
    """``now >= when``: a key vanishes one millisecond early (the mutant of issue 22)."""
    when = self.expires.get(key)
    return when is not None and self.step.now_ms >= when


def _expired_late(self: DbView, key: bytes) -> bool:
    """``now > when + 1``: a key is served one millisecond too long."""
    when = self.expires.get(key)
    return when is not None and self.step.now_ms > when + 1


@pytest.mark.parametrize("plant", [_expired_early, _expired_late])
def test_planted_expiry_off_by_one(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(DbView, "key_is_expired", plant)
    with pytest.raises(AssertionError, match="expiry_boundary"):
        run_given(PLANTED, check_expiry_boundary, _AHEAD)


@pytest.mark.parametrize("plant", [lambda d, now: d <= now, lambda d, now: d + 1 < now],
                         ids=["early", "late"])
def test_planted_block_timeout_off_by_one(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(S, "block_timed_out", plant)
    assert blocking_mod.block_timed_out(1, 2)  # the spec's own stays as it is
    with pytest.raises(AssertionError, match="block_timeout_boundary"):
        run_given(PLANTED, check_block_timeout_boundary, _TIMEOUT)


@pytest.mark.parametrize("plant", [lambda end, now: end <= now, lambda end, now: end + 1 < now],
                         ids=["early", "late"])
def test_planted_pause_end_off_by_one(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(pause_mod, "pause_timed_out", plant)
    with pytest.raises(AssertionError, match="pause_end_boundary"):
        run_given(PLANTED, check_pause_end_boundary, _PAUSE)


def test_planted_pause_tick_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The event loop's tick decides the pause's end on its own path too."""
    from redspec.spec import eventloop

    monkeypatch.setattr(eventloop, "pause_timed_out", lambda end, now: end <= now)
    with pytest.raises(AssertionError, match="pause_end_boundary: the tick"):
        run_given(PLANTED, check_pause_end_boundary, _PAUSE)


def test_planted_lfu_minute_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Minutes rounded at the wrong millisecond: a period completes one ms early."""
    monkeypatch.setattr(lru_mod, "lfu_minutes", lambda ms: ((ms + 1) // 60_000) & 65535)
    with pytest.raises(AssertionError, match="lfu_decay_boundary"):
        run_given(planted_settings(200), check_lfu_decay_boundary, **_LFU)


def test_planted_lfu_period_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A period counted one minute before it is complete."""
    real = lru_mod.lfu_decr_and_return

    def early(word: int, now_ms: int, decay_time: int) -> int:
        return real(word, now_ms + 60_000, decay_time)

    monkeypatch.setattr(lru_mod, "lfu_decr_and_return", early)
    with pytest.raises(AssertionError, match="lfu_decay_boundary"):
        run_given(planted_settings(200), check_lfu_decay_boundary, **_LFU)
