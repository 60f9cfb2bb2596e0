"""Properties of the client idle ``timeout`` (``clientsCron`` / ``clientsCronHandleTimeout``,
``spec.clients.clients_cron``), each with planted bugs that trip it:

- ``idle_boundary`` (both sides, on the virtual clock of the pure transitions): a client whose
  last interaction was at ``last`` ms is kept by a serverCron at the last millisecond of
  second ``last // 1000 + timeout`` (idle exactly ``timeout`` seconds; CLIENT LIST shows
  ``idle=<timeout>``) and closed, with the ``Closing idle client`` line at verbose level, by
  one at the first millisecond of the next second;
- ``cron_walk``: over several serverCron calls with clients connecting in between, each call
  visits ``numclients / hz`` clients (at least 5, all when fewer), moving the list's tail to
  its head each time (``listRotateTailToHead``), and closes exactly the idle, non-exempt ones
  it visits — equal to a plain model of ``server.clients`` as a Python list; subscribers are
  never closed.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import clients as clients_mod
from redspec.spec import server as S
from redspec.spec.aof import take_ops
from redspec.spec.cron import server_cron

MECHANISM = "clients"

T0 = 1_700_000_000_000
PLANTED = planted_settings(60)


def _run(state: Any, cid: int, now: int, *argv: bytes) -> Any:
    state, _ = S.run_command(state, cid, list(argv), now)
    return state


def _free_closed(state: Any, eff: Any, now: int) -> Any:
    """The world's part: the clients the cron closed are freed."""
    for cid in sorted(eff.close):
        state = S.client_disconnect(state, cid, now)
    return state


def check_idle_boundary(last_ms: int, timeout: int) -> None:
    """``idle_boundary`` for one last interaction and one ``timeout``."""
    name = "idle_boundary"
    s = S.new_server(T0)
    s, admin = S.client_connect(s, T0)
    s = _run(s, admin, T0, b"CONFIG", b"SET", b"timeout", b"%d" % timeout)
    s, a = S.client_connect(s, T0)
    s = _run(s, a, last_ms, b"PING")
    edge = (last_ms // 1000 + timeout) * 1000 + 999
    s = _run(s, admin, edge, b"PING")  # the admin stays fresh
    _s, line = S.run_command(s, admin, [b"CLIENT", b"LIST", b"ID", b"%d" % a], edge)
    assert b" idle=%d " % timeout in line, f"{name}: CLIENT LIST at the edge: {line!r}"
    kept, eff = server_cron(s, edge)
    assert a not in eff.close and not kept.clients[a].closing, \
        f"{name}: closed after exactly {timeout} s idle (last {last_ms}, now {edge})"
    gone, eff = server_cron(s, edge + 1)
    assert a in eff.close and gone.clients[a].closing, \
        f"{name}: kept after {timeout} s + 1 ms idle (last {last_ms}, now {edge + 1})"
    _g, ops = take_ops(gone)
    assert ("log", "verbose", "Closing idle client") in ops, f"{name}: no log line: {ops}"


class _Model:
    """``server.clients`` as a plain list (head first) and the clients' last interactions."""

    def __init__(self) -> None:
        self.lst: list[int] = []
        self.last: dict[int, int] = {}
        self.exempt: set[int] = set()

    def cron(self, now: int, hz: int, timeout: int) -> list[int]:
        n = len(self.lst)
        k = max(n // hz, min(n, 5))
        closed = []
        while self.lst and k:
            k -= 1
            self.lst.insert(0, self.lst.pop())
            c = self.lst[0]
            if c not in self.exempt and now // 1000 - self.last[c] // 1000 > timeout:
                closed.append(self.lst.pop(0))
        return closed


_ROUNDS = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 4), st.integers(0, 3000)),
                   min_size=1, max_size=12)


def check_cron_walk(hz: int, timeout: int, rounds: list[tuple[int, int, int]]) -> None:
    """``cron_walk``: each round connects ``new`` clients (``subs`` of them subscribe),
    advances the clock by ``dt`` ms and runs one serverCron; the closed clients must equal
    the plain model's, in the same order."""
    name = "cron_walk"
    now = T0
    s = S.new_server(now)
    s, admin = S.client_connect(s, now)
    s = _run(s, admin, now, b"CONFIG", b"SET", b"timeout", b"%d" % timeout, b"hz", b"%d" % hz)
    s, _ = server_cron(s, now)  # the first serverCron takes hz
    m = _Model()
    m.lst.append(admin)
    m.last[admin] = now
    m.cron(now, hz, timeout)
    for new, subs, dt in rounds:
        for i in range(new):
            s, c = S.client_connect(s, now)
            m.lst.append(c)
            m.last[c] = now
            if i < subs:
                s = _run(s, c, now, b"SUBSCRIBE", b"ch")
                m.exempt.add(c)
        now += dt
        hz_now = s.cron.hz
        s, eff = server_cron(s, now)
        want = m.cron(now, hz_now, timeout)
        assert sorted(eff.close) == sorted(want), \
            f"{name}: closed {sorted(eff.close)}, the model {sorted(want)} (now +{now - T0})"
        assert not set(want) & m.exempt, f"{name}: a subscriber was closed"
        s = _free_closed(s, eff, now)
        assert clients_mod.clients_list(s) == m.lst, \
            f"{name}: server.clients {clients_mod.clients_list(s)}, the model {m.lst}"


_LAST = st.integers(T0, T0 + 10**7)
_TIMEOUT = st.integers(1, 100)
_WALK = {"hz": st.integers(1, 12), "timeout": st.integers(1, 3), "rounds": _ROUNDS}


@property_settings(60)
@given(_LAST, _TIMEOUT)
def test_idle_boundary(last_ms: int, timeout: int) -> None:
    check_idle_boundary(last_ms, timeout)


@property_settings(80)
@given(**_WALK)
def test_cron_walk(hz: int, timeout: int, rounds: list[tuple[int, int, int]]) -> None:
    check_cron_walk(hz, timeout, rounds)


# -- planted bugs ---------------------------------------------------------------------------

_real_idle = clients_mod.idle_timed_out


def _idle_early(c: Any, now_ms: int, maxidle: int) -> bool:
    """``>=``: a client idle exactly ``timeout`` seconds is closed."""
    return _real_idle(c, now_ms + 1000, maxidle)


def _idle_late(c: Any, now_ms: int, maxidle: int) -> bool:
    """One second too many: ``> maxidle + 1``."""
    return _real_idle(c, now_ms - 1000, maxidle)


def _idle_in_ms(c: Any, now_ms: int, maxidle: int) -> bool:
    """Milliseconds compared instead of Redis's whole seconds."""
    return _real_idle(c, now_ms, maxidle) or (
        c.bpop is None and not c.flags and now_ms - c.last_interaction_ms > maxidle * 1000)


@pytest.mark.parametrize("plant", [_idle_early, _idle_late, _idle_in_ms],
                         ids=["early", "late", "milliseconds"])
def test_planted_idle_boundary(monkeypatch: pytest.MonkeyPatch, plant: Any) -> None:
    monkeypatch.setattr(clients_mod, "idle_timed_out", plant)
    with pytest.raises(AssertionError, match="idle_boundary"):
        run_given(PLANTED, check_idle_boundary, _LAST, _TIMEOUT)


def test_planted_subscribers_timed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Pub/Sub client treated as any other."""

    def no_exemption(c: Any, now_ms: int, maxidle: int) -> bool:
        return now_ms // 1000 - c.last_interaction_ms // 1000 > maxidle

    monkeypatch.setattr(clients_mod, "idle_timed_out", no_exemption)
    with pytest.raises(AssertionError, match="cron_walk"):
        run_given(planted_settings(80), check_cron_walk, **_WALK)


def test_planted_budget_without_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """``numclients / hz`` without CLIENTS_CRON_MIN_ITERATIONS."""
    monkeypatch.setattr(clients_mod, "clients_cron_iterations", lambda n, hz: n // hz)
    with pytest.raises(AssertionError, match="cron_walk"):
        run_given(planted_settings(80), check_cron_walk, **_WALK)


def test_planted_new_clients_at_the_head(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients created since the last rotation put at the list's head, not its tail."""
    real = clients_mod.clients_list

    def at_head(state: Any) -> list[int]:
        order = state.cron.clients_order
        lst = real(state)
        if not order:
            return lst
        new = [c for c in lst if c not in order]
        return new + [c for c in lst if c in order]

    monkeypatch.setattr(clients_mod, "clients_list", at_head)
    with pytest.raises(AssertionError, match="cron_walk"):
        run_given(planted_settings(80), check_cron_walk, **_WALK)
