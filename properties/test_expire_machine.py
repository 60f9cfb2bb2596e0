"""Expiry as a state machine: SET PX / EXPIRE / PEXPIREAT / PERSIST / GET / TTL / PTTL, a
virtual clock the machine advances, and active expire cycles with random cursors and budgets.

The model is a dict ``key -> (value, expire_at | None)``: a key is alive while it has no
expiry or ``now <= expire_at`` (Redis's ``keyIsExpired`` is ``now > when``).

Invariants (each has a planted-bug test below showing it can fail):

- ``expires_subset_of_keys``: every key with a TTL exists.
- ``no_expired_read``: GET never returns a value for a key that is logically expired (and
  always returns the live value otherwise); PTTL/TTL of such a key are -2.
- ``ttl_bound``: PTTL of a key is never more than the TTL last set minus the time elapsed since
  (and equals the model's ``when - now``); TTL is PTTL rounded to seconds; -1/-2 as the model.
- ``active_deletes_only_expired``: an active cycle deletes only logically expired keys, counts
  each in ``expired_keys`` and propagates a DEL for each.
- ``stale_rule``: after a slow cycle with enough budget, a database that had at most
  ``KEYS_PER_LOOP`` keys with a TTL holds no expired key (each loop samples all of them and
  the loop repeats while more than the acceptable stale share were expired).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import (
    delete_keeping_ttl,
    lookup_ignoring_expiry,
    machine_test,
    planted_settings,
    tripper,
)
from redspec.properties.purity import checked
from redspec.spec import expire as expire_mod
from redspec.spec.commands import expire as expire_cmds
from redspec.spec.state import replace
from redspec.spec.step import DbView

MECHANISM = "expire"

KEYS = [b"k%d" % i for i in range(24)]
START = 1_700_000_000_000
KEYS_PER_LOOP = 20  # ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP at effort 1

keys_ = st.sampled_from(KEYS)


def _int(frame: bytes) -> int:
    assert frame[:1] == b":", frame
    return int(frame[1:-2])


class ExpireMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(START, databases=2)
        self.model: dict[bytes, tuple[bytes, int | None]] = {}
        #: key -> (time the TTL was set, TTL in ms) for the ``ttl_bound`` check.
        self.ttl_set: dict[bytes, tuple[int, int]] = {}
        self.counter = 0

    # -- helpers --------------------------------------------------------------------------------

    def alive(self, key: bytes) -> bool:
        e = self.model.get(key)
        return e is not None and (e[1] is None or self.now <= e[1])

    def forget_if_expired(self, key: bytes) -> None:
        if key in self.model and not self.alive(key):
            del self.model[key]
            self.ttl_set.pop(key, None)

    # -- rules ----------------------------------------------------------------------------------

    @rule(key=keys_, px=st.integers(1, 5000))
    def set_px(self, key: bytes, px: int) -> None:
        self.counter += 1
        v = b"v%d" % self.counter
        assert self.run(b"SET", key, v, b"PX", b"%d" % px) == b"+OK\r\n"
        self.model[key] = (v, self.now + px)
        self.ttl_set[key] = (self.now, px)

    @rule(key=keys_)
    def set_plain(self, key: bytes) -> None:
        self.counter += 1
        v = b"v%d" % self.counter
        self.run(b"SET", key, v)
        self.model[key] = (v, None)
        self.ttl_set.pop(key, None)

    @rule(key=keys_, secs=st.integers(-2, 8),
          opt=st.sampled_from([None, b"NX", b"XX", b"GT", b"LT"]))
    def expire(self, key: bytes, secs: int, opt: bytes | None) -> None:
        argv = [b"EXPIRE", key, b"%d" % secs] + ([opt] if opt else [])
        got = _int(self.run(*argv))
        self.forget_if_expired(key)
        when = self.now + secs * 1000
        if key not in self.model:
            assert got == 0
            return
        v, cur = self.model[key]
        ok = not ((opt == b"NX" and cur is not None) or (opt == b"XX" and cur is None)
                  or (opt == b"GT" and (cur is None or when <= cur))
                  or (opt == b"LT" and cur is not None and when >= cur))
        assert got == (1 if ok else 0), (argv, got)
        if ok:
            if when <= self.now:
                del self.model[key]
                self.ttl_set.pop(key, None)
            else:
                self.model[key] = (v, when)
                self.ttl_set[key] = (self.now, secs * 1000)

    @rule(key=keys_)
    def persist(self, key: bytes) -> None:
        got = _int(self.run(b"PERSIST", key))
        self.forget_if_expired(key)
        e = self.model.get(key)
        assert got == (1 if e is not None and e[1] is not None else 0)
        if e is not None:
            self.model[key] = (e[0], None)
            self.ttl_set.pop(key, None)

    @rule(key=keys_)
    def get(self, key: bytes) -> None:
        frame = self.run(b"GET", key)
        live = self.alive(key)
        want = b"$-1\r\n" if not live else b"$%d\r\n%s\r\n" % (len(self.model[key][0]),
                                                               self.model[key][0])
        assert frame == want, f"no_expired_read: GET {key!r} -> {frame!r}, model {want!r}"
        self.forget_if_expired(key)

    @rule(key=keys_)
    def ttl(self, key: bytes) -> None:
        pttl = _int(self.run(b"PTTL", key))
        ttl = _int(self.run(b"TTL", key))
        self.forget_if_expired(key)
        e = self.model.get(key)
        if e is None:
            assert pttl == ttl == -2, \
                f"no_expired_read: PTTL/TTL of a missing or expired key: {pttl} {ttl}"
            return
        if e[1] is None:
            assert pttl == ttl == -1, f"ttl_bound: persistent key {pttl} {ttl}"
            return
        set_at, ttl_ms = self.ttl_set[key]
        assert 0 <= pttl <= ttl_ms - (self.now - set_at), \
            f"ttl_bound: PTTL {pttl} > set {ttl_ms} - elapsed {self.now - set_at}"
        assert pttl == e[1] - self.now, f"ttl_bound: PTTL {pttl} != {e[1] - self.now}"
        assert ttl == (pttl + 500) // 1000, f"ttl_bound: TTL {ttl} for PTTL {pttl}"

    @rule(ms=st.integers(0, 3000))
    def advance(self, ms: int) -> None:
        self.now += ms

    @rule(cursor=st.integers(0, 1 << 20), big_budget=st.booleans(),
          budget=st.integers(1, 100))
    def active_cycle(self, cursor: int, big_budget: bool, budget: int) -> None:
        # A random cursor stands for the random hash seed that decides what Redis samples.
        cron = self.state.cron
        self.state = replace(self.state, cron=replace(cron, cursors=(cursor, cursor)))
        before = dict(self.state.dbs[0].keys.items())
        expires_before = dict(self.state.dbs[0].expires.items())
        expired0 = self.state.stats.expired_keys
        self.state, eff = checked(
            expire_mod.active_expire_cycle, self.state, self.now, expire_mod.SLOW,
            budget_us=10**9 if big_budget else budget)
        after = self.state.dbs[0].keys
        gone = [k for k in before if k not in after]
        for k in gone:
            when = expires_before.get(k)
            assert when is not None and self.now > when, \
                f"active_deletes_only_expired: {k!r} (expires {when}, now {self.now})"
        assert self.state.stats.expired_keys - expired0 == len(gone), \
            "active_deletes_only_expired: expired_keys count"
        assert sorted(a for _, a in eff.propagate) == sorted((b"DEL", k) for k in gone), \
            "active_deletes_only_expired: propagation"
        if big_budget and len(expires_before) <= KEYS_PER_LOOP:
            stale = [k for k, w in self.state.dbs[0].expires.items() if self.now > w]
            assert not stale, f"stale_rule: {len(stale)} expired keys left of " \
                              f"{len(expires_before)}"
        for k in gone:
            self.model.pop(k, None)
            self.ttl_set.pop(k, None)

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def expires_subset_of_keys(self) -> None:
        for db in self.state.dbs:
            for k in db.expires:
                assert k in db.keys, f"expires_subset_of_keys: {k!r} has a TTL but no value"


TestExpireMachine = machine_test(ExpireMachine, max_examples=200, steps=50)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=2000, steps=50)
_fails_with = tripper(ExpireMachine, PLANTED)


def test_planted_delete_keeps_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dbDelete`` that forgets to drop the TTL breaks ``expires ⊆ keys``. (Planted on the
    command paths only: inside an active cycle such a bug makes the cycle sample the same
    ghost keys forever, as Redis's would, instead of returning to the invariant check.)"""
    orig = DbView.delete

    def delete(self: DbView, key: bytes, lazy: bool | None = None) -> bool:
        if self.step.client.id < 0:  # no client: an active expire cycle
            return orig(self, key, lazy)
        return delete_keeping_ttl(self, key)

    monkeypatch.setattr(DbView, "delete", delete)
    _fails_with("expires_subset_of_keys")


def test_planted_read_ignores_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lookupKeyRead`` without ``expireIfNeeded`` returns expired values."""
    monkeypatch.setattr(DbView, "lookup_read", lookup_ignoring_expiry)
    _fails_with("no_expired_read")


def test_planted_ttl_off_by_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """A TTL family that reports one second too much breaks ``ttl_bound``."""
    orig = expire_cmds.ttl_generic

    def ttl_generic(s: Any, key: bytes, output_ms: bool, output_abs: bool) -> int:
        r = orig(s, key, output_ms, output_abs)
        return r + (1000 if output_ms else 1) if r >= 0 else r

    monkeypatch.setattr(expire_cmds, "ttl_generic", ttl_generic)
    _fails_with("ttl_bound")


def test_planted_active_cycle_deletes_live_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """An active cycle that deletes every sampled key breaks ``active_deletes_only_expired``."""
    orig = DbView.expire_if_needed

    def expire_if_needed(self: DbView, key: bytes, get_expire: bool = True) -> bool:
        if self.step.client.id >= 0:  # a client's lookup: unchanged
            return orig(self, key, get_expire)
        self.delete(key)  # the active cycle (no client): delete regardless of time
        self.step.expired_keys += 1
        self.step.propagate.append((self.id, (b"DEL", key)))
        return True

    monkeypatch.setattr(DbView, "expire_if_needed", expire_if_needed)
    _fails_with("active_deletes_only_expired")


def test_planted_too_few_keys_per_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sampling 1 key per loop instead of 20 leaves expired keys behind: ``stale_rule``."""
    monkeypatch.setattr(expire_mod, "KEYS_PER_LOOP", 1)
    _fails_with("stale_rule")
