"""Mechanism 4: one event-loop turn (``spec.eventloop.event_loop_turn``) equals the
composition of the per-event transitions in ae's order — file events in the order the poll
reported them (an input: epoll's ready order, not fd order; read and process, then write for
clients with output left over), serverCron when due, beforeSleep (timeouts, fast expire cycle,
pause check) and the pending-writes flush with the write cap. The composition is spelled out
here as a list of events folded over the state; planted bugs in the turn's order (reversed;
re-sorted by fd) must be caught. Neither the turn nor the composition changes the state
it was given (``input_not_mutated``, ``properties/purity.py``; planted in ``test_purity.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.properties.purity import checked
from redspec.spec import cron, transport  # noqa: F401
from redspec.spec import eventloop as E
from redspec.spec import server as S
from redspec.spec.effects import merge_effects
from redspec.spec.resp import encode_request
from redspec.spec.state import replace
from redspec.spec.step import NO_EFFECTS

MECHANISM = "eventloop"

FAST = property_settings(40)
PLANTED = planted_settings(60)

_CMDS = st.sampled_from([
    [b"INCR", b"n"], [b"GET", b"n"], [b"SET", b"big", b"x" * 40_000], [b"GET", b"big"],
    [b"SET", b"t", b"v", b"PX", b"5"], [b"PING"], [b"APPEND", b"n", b"0"]])


@st.composite
def turns(draw: Any) -> Any:
    """Clients with shuffled fds, then a few turns: who is readable with which bytes (in a
    shuffled poll order), what each socket takes, and how far the clock moved."""
    n = draw(st.integers(1, 4))
    fds = draw(st.permutations(list(range(10, 10 + n))))
    plan = []
    for _ in range(draw(st.integers(1, 5))):
        readable = {}
        for i in draw(st.permutations(list(range(n)))):
            cmds = draw(st.lists(_CMDS, max_size=3))
            if cmds:
                data = b"".join(encode_request(c) for c in cmds)
                cut = draw(st.integers(0, len(data)))
                readable[i] = data[:cut] if draw(st.booleans()) else data
        writable = {i: draw(st.one_of(st.none(), st.integers(0, 90_000)))
                    for i in range(n) if draw(st.booleans())}
        plan.append((draw(st.integers(0, 300)), readable, writable))
    return fds, plan


def composed(state: Any, now: int, readable: dict[int, bytes],
             writable: dict[int, int | None]) -> Any:
    """The turn as an explicit list of events, each applied by its own transition. The fired
    clients come in the poll's order: ``readable``'s, then those only writable."""
    cs = state.clients
    fired = [c for c in [*readable, *(c for c in writable if c not in readable)] if c in cs]
    leftover = {c for c, cl in cs.items() if cl.reply}
    events: list[tuple[Any, ...]] = []
    for c in fired:
        if c in readable:
            events.append(("read", c))
        if c in leftover and c in writable:
            events.append(("write", c))
    events.append(("cron",))
    events += [("before_sleep",), ("pause",), ("flush",)]
    cap = dict(writable)
    eff = NO_EFFECTS

    def write(state: Any, c: int) -> Any:
        before = len(state.clients[c].reply)
        state, e = S.client_writable(state, c, transport.write_cap(state, cap[c]), now)
        if cap[c] is not None:
            cap[c] = max(0, cap[c] - (before - len(state.clients[c].reply)))
        return state, e

    for ev in events:
        kind = ev[0]
        if kind == "read":
            state, e = S.client_input(state, ev[1], readable[ev[1]], now, 0)
        elif kind == "write":
            if ev[1] not in state.clients:
                continue
            state, e = write(state, ev[1])
        elif kind == "cron":
            if now < state.transport.cron_next_ms:
                continue
            state, e = cron.server_cron(state, now)
            state = replace(state, transport=replace(
                state.transport, cron_next_ms=now + 1000 // cron.effective_hz(state)))
            eff = merge_effects(eff, e)
            state, e = E.pause_tick(state, now)
        elif kind == "before_sleep":
            state, e = cron.before_sleep(state, now)
        elif kind == "pause":
            state, e = E.pause_tick(state, now)
        else:
            e = NO_EFFECTS
            for c in sorted(c for c, cl in state.clients.items() if cl.reply):
                if c in cap:
                    state, e1 = write(state, c)
                    e = merge_effects(e, e1)
        eff = merge_effects(eff, e)
    return state, eff


def check_turns(sched: Any) -> None:
    fds, plan = sched
    a = S.new_server(0)
    ids = []
    for fd in fds:
        a, cid = checked(S.client_connect, a, 0, fd=fd)
        ids.append(cid)
    b = a
    now = 1000
    for dt, readable, writable in plan:
        now += dt
        r = {ids[i]: d for i, d in readable.items()}
        w = {ids[i]: c for i, c in writable.items()}
        a, ea = checked(E.event_loop_turn, a, now, r, w)
        b, eb = checked(composed, b, now, r, w)
        assert ea == eb, "turn_is_composition: effects differ"
        assert a == b, "turn_is_composition: states differ"


@FAST
@given(turns())
def test_turn_is_composition(sched: Any) -> None:
    """A turn equals the composition of the per-event transitions in ae's order."""
    check_turns(sched)


def test_planted_turn_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the turn processes file events in reverse poll order."""
    real = E.file_event_order
    monkeypatch.setattr(E, "file_event_order", lambda st_, r, w: real(st_, r, w)[::-1])
    with pytest.raises(AssertionError, match="turn_is_composition"):
        run_given(PLANTED, check_turns, turns())


def test_planted_turn_sorts_by_fd(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the turn re-sorts the poll's order by fd (what it did before issue 13)."""
    real = E.file_event_order
    monkeypatch.setattr(E, "file_event_order", lambda st_, r, w: sorted(
        real(st_, r, w), key=lambda c: (st_.clients[c].fd, c)))
    with pytest.raises(AssertionError, match="turn_is_composition"):
        PLANTED(given(turns())(check_turns))()


def test_planted_turn_skips_cron(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the turn never runs serverCron."""
    monkeypatch.setattr(E, "cron_due", lambda st_, now: False)
    with pytest.raises(AssertionError, match="turn_is_composition"):
        run_given(PLANTED, check_turns, turns())
