"""maxmemory eviction as a state machine: a server with a small ``maxmemory`` above the idle
footprint, one policy per run, random writes (strings, TTLs, lists), reads and clock jumps.

Invariants (each has a planted-bug test below showing it can fail):

- ``memory_is_incremental_sum``: every database's incrementally kept ``mem`` equals the
  recomputed sum of per-key sizes (``spec.memory.db_cost``).
- ``oom_only_when_nothing_evictable``: a deny-oom command is refused only if the policy is
  noeviction or nothing the policy may evict is left.
- ``noeviction_never_evicts``: under noeviction no key ever disappears and evicted_keys is 0.
- ``volatile_keeps_persistent_keys``: volatile-* policies never evict a key without a TTL.
- ``lfu_counter_monotone``: with lfu-decay-time 0 a key's OBJECT FREQ never goes down while
  it is only read, nor when RENAME moves it (the object and its access word move together).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
- ``pool_picks_idlest`` (a @given test): when the samples cover every key, allkeys-lru evicts
  a key with the largest idle time.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import assert_trips, machine_test, planted_settings, replace_handler
from redspec.spec import db as db_mod
from redspec.spec import dispatch, evict, lru
from redspec.spec.memory import CLIENT_COST, STARTUP_MEMORY, db_cost
from redspec.spec.server import client_connect, new_server, run_command

MECHANISM = "eviction"
NOW = 1_700_000_000_000
FAR = b"99999999999000"
KEYS = [b"k%d" % i for i in range(12)]
POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
            "volatile-lfu", "volatile-random", "volatile-ttl"]
OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"


class EvictionMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW)
        self.persistent: set[bytes] = set()
        self.freq: dict[bytes, int] = {}
        self.policy = "noeviction"
        self.ever_oom_wrong = False

    #: The policies a run picks from (a subclass narrows them).
    POLICIES = POLICIES

    @initialize(pick=st.integers(0, len(POLICIES) - 1), room=st.integers(200, 3000),
                seed=st.integers(1, 2**32))
    def setup(self, pick: int, room: int, seed: int) -> None:
        policy = self.POLICIES[pick % len(self.POLICIES)]
        self.policy = policy
        self.state = evict.attrs.evolve(self.state, rng=seed)
        self.run(b"CONFIG", b"SET", b"maxmemory-policy", policy.encode())
        self.run(b"CONFIG", b"SET", b"lfu-decay-time", b"0")
        self.run(b"CONFIG", b"SET", b"maxmemory",
                  b"%d" % (STARTUP_MEMORY + CLIENT_COST + room))

    def _evictable_left(self) -> bool:
        dbs = self.state.dbs
        if self.policy.startswith("allkeys"):
            return any(len(d.keys) for d in dbs)
        return any(len(d.expires) for d in dbs)

    def _write(self, *args: bytes) -> bytes:
        before = {k for k in self.persistent if k in self.state.dbs[0].keys}
        frame = self.run(*args)
        if frame == OOM:
            if self.policy != "noeviction" and self._evictable_left():
                self.ever_oom_wrong = True
        self.lost = before - set(self.state.dbs[0].keys)
        return frame

    @rule(k=st.sampled_from(KEYS), n=st.integers(0, 200))
    def set_plain(self, k: bytes, n: int) -> None:
        frame = self._write(b"SET", k, b"x" * n)
        self._after(k, frame, persistent=True)

    @rule(k=st.sampled_from(KEYS), n=st.integers(0, 200))
    def set_ttl(self, k: bytes, n: int) -> None:
        frame = self._write(b"SET", k, b"y" * n, b"PXAT", FAR)
        self._after(k, frame, persistent=False)

    @rule(k=st.sampled_from(KEYS), n=st.integers(1, 20))
    def rpush(self, k: bytes, n: int) -> None:
        if k in self.state.dbs[0].keys and not isinstance(self.state.dbs[0].keys[k], bytes):
            self._write(b"RPUSH", k, *[b"e%d" % i for i in range(n)])
        else:
            self._write(b"GET", k)

    @rule(k=st.sampled_from(KEYS))
    def get(self, k: bytes) -> None:
        self._write(b"GET", k)
        if "lfu" in self.policy and k in self.state.dbs[0].keys:
            f = int(self.run(b"OBJECT", b"FREQ", k)[1:-2])
            assert f >= self.freq.get(k, 0), "lfu_counter_monotone"
            self.freq[k] = f

    def _freq(self, k: bytes) -> int | None:
        frame = self.run(b"OBJECT", b"FREQ", k)
        return int(frame[1:-2]) if frame[:1] == b":" else None

    @rule(src=st.sampled_from(KEYS), dst=st.sampled_from(KEYS))
    def rename(self, src: bytes, dst: bytes) -> None:
        db = self.state.dbs[0]
        if src == dst or src not in db.keys:
            return
        lfu = "lfu" in self.policy
        f = self._freq(src) if lfu else None
        moved = src in self.persistent
        before = {k for k in self.persistent if k in self.state.dbs[0].keys} - {src, dst}
        frame = self.run(b"RENAME", src, dst)
        keys = self.state.dbs[0].keys
        self.lost = before - set(keys)
        if frame != b"+OK\r\n":
            return
        self.persistent.discard(src)
        self.persistent.discard(dst)
        if moved:
            self.persistent.add(dst)
        self.freq.pop(src, None)
        self.freq.pop(dst, None)
        if f is not None and dst in keys:
            g = self._freq(dst)
            if g is not None:
                assert g >= f, "lfu_counter_monotone"
                self.freq[dst] = g

    @rule(k=st.sampled_from(KEYS))
    def delete(self, k: bytes) -> None:
        self.run(b"DEL", k)
        self.persistent.discard(k)
        self.freq.pop(k, None)

    @rule(secs=st.integers(1, 5000))
    def advance(self, secs: int) -> None:
        self.now += secs * 1000

    def _after(self, k: bytes, frame: bytes, persistent: bool) -> None:
        self.freq.pop(k, None)
        if frame == OOM:
            return
        if persistent:
            self.persistent.add(k)
        else:
            self.persistent.discard(k)

    @invariant()
    def memory_is_incremental_sum(self) -> None:
        for d in self.state.dbs:
            assert d.mem == db_cost(d.keys, d.expires), "memory_is_incremental_sum"

    @invariant()
    def oom_only_when_nothing_evictable(self) -> None:
        assert not self.ever_oom_wrong, "oom_only_when_nothing_evictable"

    @invariant()
    def noeviction_never_evicts(self) -> None:
        if self.policy == "noeviction":
            assert self.state.stats.evicted_keys == 0, "noeviction_never_evicts"
            assert not getattr(self, "lost", set()), "noeviction_never_evicts"

    @invariant()
    def volatile_keeps_persistent_keys(self) -> None:
        if self.policy.startswith("volatile"):
            assert not getattr(self, "lost", set()), "volatile_keeps_persistent_keys"
        for k in list(self.freq):
            if k not in self.state.dbs[0].keys:
                del self.freq[k]


class LfuEvictionMachine(EvictionMachine):
    """The same machine under the LFU policies only (their invariant's planted bugs)."""

    POLICIES = ["allkeys-lfu", "volatile-lfu"]


TestEviction = machine_test(EvictionMachine, max_examples=40, steps=30, health=HealthCheck)


# -- planted bugs ---------------------------------------------------------------------------------

PLANTED = planted_settings(max_examples=200, steps=30)


def _with_policy(policy_map: dict[str, str]) -> Any:
    orig = evict.perform_evictions

    def planted(s: Any) -> int:
        p = s.config["maxmemory-policy"]
        if p in policy_map:
            s.config = s.config.set("maxmemory-policy", policy_map[p])
            try:
                return orig(s)
            finally:
                s.config = s.config.set("maxmemory-policy", p)
        return orig(s)
    return planted


def test_planted_memory_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_mod, "EXPIRE_ENTRY_COST", 41)
    assert_trips(EvictionMachine, "memory_is_incremental_sum", PLANTED)


def test_planted_oom_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatch, "perform_evictions", lambda s: evict.EVICT_FAIL
                        if evict.used_memory(s) > s.config["maxmemory"] else evict.EVICT_OK)
    assert_trips(EvictionMachine, "oom_only_when_nothing_evictable", PLANTED)


def test_planted_noeviction_evicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatch, "perform_evictions",
                        _with_policy({"noeviction": "allkeys-random"}))
    assert_trips(EvictionMachine, "noeviction_never_evicts", PLANTED)


def test_planted_volatile_evicts_persistent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatch, "perform_evictions", _with_policy(
        {p: "allkeys-random" for p in POLICIES if p.startswith("volatile")}))
    assert_trips(EvictionMachine, "volatile_keeps_persistent_keys", PLANTED)


def test_planted_lfu_decrements(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lru, "lfu_log_incr", lambda c, f, d: max(0, c - 1))
    assert_trips(LfuEvictionMachine, "lfu_counter_monotone", PLANTED)


def test_planted_rename_resets_the_access_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """RENAME storing a fresh object (a new LFU counter) instead of moving the old one."""
    real = dispatch.TABLE[b"rename"].handler

    def fresh(s: Any, argv: list[bytes]) -> Any:
        r = real(s, argv)
        if argv[2] in s.db.keys:
            s.db.set_lru(argv[2], evict.new_lru(s.config, s.now_ms))
        return r

    replace_handler(monkeypatch, b"rename", fresh)
    assert_trips(LfuEvictionMachine, "lfu_counter_monotone", PLANTED)


# -- the pool picks the idlest sampled key ---------------------------------------------------------


def _evict_one(ages: list[int], policy: str, seed: int) -> tuple[bytes, dict[bytes, int]]:
    """Keys ``a0..`` last accessed ``ages[i]`` seconds ago; samples cover every key; a
    ``maxmemory`` one byte under the use forces exactly one eviction. Returns the evicted key
    and each key's idle time."""
    now = NOW + 10_000_000
    state = new_server(NOW)
    state, cid = client_connect(state, NOW)
    state = evict.attrs.evolve(state, rng=seed)
    for cmd in ([b"CONFIG", b"SET", b"maxmemory-policy", policy.encode()],
                [b"CONFIG", b"SET", b"maxmemory-samples", b"64"]):
        state, _ = run_command(state, cid, cmd, NOW)
    idle = {}
    for i, age in enumerate(ages):
        k = b"a%d" % i
        state, _ = run_command(state, cid, [b"SET", k, b"v"], now - age * 1000)
        idle[k] = age
    used = STARTUP_MEMORY + CLIENT_COST + state.dbs[0].mem
    state, _ = run_command(state, cid, [b"CONFIG", b"SET", b"maxmemory", b"%d" % (used - 1)], now)
    state, _ = run_command(state, cid, [b"PING"], now)
    gone = [k for k in idle if k not in state.dbs[0].keys]
    assert len(gone) == 1
    return gone[0], idle


@given(ages=st.lists(st.integers(0, 100_000), min_size=1, max_size=20), seed=st.integers(1, 2**32))
@settings(max_examples=30, deadline=None)
def test_lru_pool_evicts_the_idlest(ages: list[int], seed: int) -> None:
    """``pool_picks_idlest``: with every key sampled, allkeys-lru evicts a key whose idle time
    is the largest."""
    k, idle = _evict_one(ages, "allkeys-lru", seed)
    assert idle[k] == max(idle.values()), "pool_picks_idlest"


def test_planted_pool_prefers_recent(monkeypatch: pytest.MonkeyPatch) -> None:
    real = evict.estimate_idle_ms
    monkeypatch.setattr(evict, "estimate_idle_ms", lambda lru, now: -real(lru, now))
    with pytest.raises(AssertionError, match="pool_picks_idlest"):
        test_lru_pool_evicts_the_idlest()
