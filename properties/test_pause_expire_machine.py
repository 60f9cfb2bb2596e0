"""CLIENT PAUSE freezes the dataset, as a state machine over whole event-loop turns.

Three clients: W writes (SET with a short PX, or without), R reads (GET), P pauses (CLIENT
PAUSE WRITE|ALL with a short timeout, CLIENT UNPAUSE, CONFIG SET maxmemory 1 / 0 with
``allkeys-random``). Each rule is one ``event_loop_turn`` (file events, serverCron when due,
beforeSleep with the fast expire cycle and the pause check) at a clock the machine advances.

Invariants (each has a planted-bug test below showing it can fail):

- ``no_delete_while_paused``: a turn that starts and ends with a pause in force (its end time
  not reached, no CLIENT UNPAUSE sent) deletes no key: neither lookups (``expireIfNeeded``),
  nor the active expire cycles, nor eviction (``performEvictions``) remove anything.
- ``no_expired_read``: GET never returns a value for a key that is logically expired at the
  time of the turn (paused or not), and returns one for a live key when no eviction can
  interfere.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from redspec.properties.planted import assert_trips, machine_test, planted_settings
from redspec.properties.purity import checked
from redspec.spec import cron as cron_mod
from redspec.spec import db as db_mod
from redspec.spec import dispatch as dispatch_mod
from redspec.spec import expire as expire_mod
from redspec.spec import transport as transport_mod
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.resp import encode_request
from redspec.spec.server import client_connect, new_server, output_for, run_command
from redspec.spec.state import ServerState, replace
from redspec.spec.step import DbView

MECHANISM = "expire"

START = 1_700_000_000_000
KEYS = [b"k%d" % i for i in range(4)]
keys_ = st.sampled_from(KEYS)


def _in_force(state: ServerState, now: int) -> bool:
    t = state.transport
    return bool(t.pause_type) and t.pause_end_ms >= now  # over once now > end (Redis: end < mstime)


class PauseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = START
        s = new_server(self.now)
        s, self.w = checked(client_connect, s, self.now)
        s, self.r = checked(client_connect, s, self.now)
        s, self.p = checked(client_connect, s, self.now)
        s, _ = checked(run_command, s, self.p, [b"CONFIG", b"SET", b"maxmemory-policy",
                                                b"allkeys-random"], self.now)
        self.state = s
        self.n = 0
        self.maxmemory = False

    def turn(self, cid: int | None, argv: list[bytes] | None, dt: int) -> bytes:
        """One event-loop turn ``dt`` ms later, with ``argv`` read from ``cid``; checks
        ``no_delete_while_paused`` and returns what ``cid`` was sent in the turn."""
        before = self.state
        self.now += dt
        readable = {cid: encode_request(argv)} if cid is not None and argv is not None else {}
        writable: dict[int, int | None] = {c: None for c in (self.w, self.r, self.p)}
        self.state, eff = checked(event_loop_turn, before, self.now, readable, writable)
        unpausing = argv is not None and argv[:2] == [b"CLIENT", b"UNPAUSE"]
        if _in_force(before, self.now) and self.state.transport.pause_type and not unpausing:
            for i, db in enumerate(before.dbs):
                gone = [k for k in db.keys if k not in self.state.dbs[i].keys]
                assert not gone, (
                    f"no_delete_while_paused: {gone} deleted during a pause in force")
        return output_for(eff, cid) if cid is not None else b""

    @rule(key=keys_, px=st.integers(1, 300), dt=st.integers(0, 150))
    def set_px(self, key: bytes, px: int, dt: int) -> None:
        self.n += 1
        self.turn(self.w, [b"SET", key, b"v%d" % self.n, b"PX", b"%d" % px], dt)

    @rule(key=keys_, dt=st.integers(0, 150))
    def set_plain(self, key: bytes, dt: int) -> None:
        self.n += 1
        self.turn(self.w, [b"SET", key, b"v%d" % self.n], dt)

    @rule(key=keys_, dt=st.integers(0, 150))
    def get(self, key: bytes, dt: int) -> None:
        if self.state.clients[self.r].bpop is not None:
            self.turn(None, None, dt)
            return
        now = self.now + dt
        db = self.state.dbs[0]
        when = db.expires.get(key)
        present = key in db.keys
        out = self.turn(self.r, [b"GET", key], dt)
        if not out or self.state.clients[self.r].bpop is not None:
            return  # postponed (CLIENT PAUSE ALL): it runs at some later time
        if present and when is not None and now > when:
            assert out == b"$-1\r\n", f"no_expired_read: GET {key!r} expired at {when} " \
                                      f"(now {now}) returned {out!r}"
        elif present and not self.maxmemory:
            assert out != b"$-1\r\n", f"no_expired_read: live {key!r} read as missing"

    @rule(ms=st.integers(50, 1000), kind=st.sampled_from([b"WRITE", b"ALL"]),
          dt=st.integers(0, 150))
    def pause(self, ms: int, kind: bytes, dt: int) -> None:
        self.turn(self.p, [b"CLIENT", b"PAUSE", b"%d" % ms, kind], dt)

    @rule(dt=st.integers(0, 150))
    def unpause(self, dt: int) -> None:
        self.turn(self.p, [b"CLIENT", b"UNPAUSE"], dt)

    @rule(on=st.booleans(), dt=st.integers(0, 150))
    def maxmemory_(self, on: bool, dt: int) -> None:
        if self.state.clients[self.p].bpop is not None:
            return
        self.turn(self.p, [b"CONFIG", b"SET", b"maxmemory", b"1" if on else b"0"], dt)
        if self.state.clients[self.p].bpop is None:
            self.maxmemory = on

    @rule(dt=st.integers(0, 400))
    def tick(self, dt: int) -> None:
        self.turn(None, None, dt)


TestPause = machine_test(PauseMachine, max_examples=40, steps=40, health=HealthCheck)


# -- planted bugs: each invariant trips -------------------------------------------------------

PLANTED = planted_settings(200, 40)


def test_planted_lookup_deletes_while_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """``expireIfNeeded`` ignoring the pause: a read during a pause deletes the key."""
    monkeypatch.setattr(db_mod, "clients_paused", lambda s: False)
    assert_trips(PauseMachine, "no_delete_while_paused", PLANTED)


def test_planted_active_expire_ignores_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """``activeExpireCycle`` without the pause check: the cron deletes during a pause."""
    orig = expire_mod.active_expire_cycle

    def cycle(state: ServerState, now_ms: int, kind: str = expire_mod.SLOW,
              budget_us: int | None = None) -> Any:
        t = state.transport
        new, eff = orig(replace(state, transport=replace(t, pause_type=0)), now_ms, kind,
                        budget_us)
        return replace(new, transport=t), eff

    monkeypatch.setattr(cron_mod, "active_expire_cycle", cycle)
    assert_trips(PauseMachine, "no_delete_while_paused", PLANTED)


def test_planted_eviction_ignores_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """``performEvictions`` without ``isSafeToPerformEvictions``: a read evicts during a
    pause."""
    orig = dispatch_mod.perform_evictions

    def evict(s: Any) -> int:
        t = transport_mod.transport_of(s)
        s.set_part("transport", replace(t, pause_type=0))
        try:
            return int(orig(s))
        finally:
            s.set_part("transport", replace(transport_mod.transport_of(s),
                                            pause_type=t.pause_type))

    monkeypatch.setattr(dispatch_mod, "perform_evictions", evict)
    # keys, a WRITE pause, then maxmemory on while it holds: found among the first 400 runs
    assert_trips(PauseMachine, "no_delete_while_paused", planted_settings(400, 40))


def test_planted_paused_lookup_returns_expired_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paused ``expireIfNeeded`` answering "not expired": GET returns an expired value."""
    orig = DbView.expire_if_needed

    def expire_if_needed(self: DbView, key: bytes, get_expire: bool = True) -> bool:
        if self.step.base.transport.pause_type:
            return False
        return orig(self, key, get_expire)

    monkeypatch.setattr(DbView, "expire_if_needed", expire_if_needed)
    assert_trips(PauseMachine, "no_expired_read", PLANTED)
