"""The dicts hashtable-encoded values carry (``spec.types.valuedict``) as a state machine.

``ValueDictMachine`` drives a server through set, hash and sorted-set commands under tiny
encoding limits (so values convert often), with SSCAN/HSCAN/ZSCAN iterations interleaved, and
checks every hashtable-encoded value's own dict after every command (SUNIONSTORE/SINTERSTORE/SDIFFSTORE
results included).

Invariants (each has a planted-bug test below):

- ``tracked``: a set/hash/zset made and changed only by these commands carries its dict
  (``ht`` is not None) exactly when it is hashtable (skiplist) encoded.
- ``refinement``: that dict holds exactly the value's members, each once, in the bucket of its
  hash, ``used0``/``used1`` counting them, nothing below ``rehashidx`` (``check_tables``).
- ``scan_guarantee``: a full SSCAN/HSCAN/ZSCAN iteration returns every member present for the
  whole iteration at least once, across conversions, growth, shrinking (SREM/HDEL/ZREM's
  ``dictResize``) and rehash steps.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import assert_trips, machine_test, planted_settings
from redspec.properties.test_dict_machine import check_tables
from redspec.spec.commands import scan as scan_cmds
from redspec.spec.types import valuedict as vd
from redspec.spec.types.hash import HashValue
from redspec.spec.types.set import SetValue
from redspec.spec.types.zset import ZSet

MECHANISM = "rehash"

MEMBERS = [b"%d" % i for i in range(24)] + [b"m%d" % i for i in range(24)]
members_ = st.sampled_from(MEMBERS)
some_ = st.lists(members_, min_size=1, max_size=6)
SKEYS = [b"s1", b"s2"]
SCANS = {b"s1": b"SSCAN", b"s2": b"SSCAN", b"h": b"HSCAN", b"z": b"ZSCAN"}


def members_of(o: Any) -> list[bytes]:
    """The elements a value's dict must hold."""
    if type(o) is SetValue:
        return list(o.index)
    if type(o) is HashValue:
        return list(o.fields)
    return list(o.scores)


def is_ht(o: Any) -> bool:
    """Hashtable (skiplist) encoded."""
    return not (o.intset if type(o) is SetValue else
                o.order is not None if type(o) is HashValue else o.listpack)


class ValueDictMachine(OneClient, RuleBasedStateMachine):
    """Sets, a hash and a sorted set whose dicts must mirror their members."""

    NOW = 1_700_000_000_000

    def __init__(self) -> None:
        super().__init__()
        self.connect(self.NOW, seed=5)
        for p in (b"set-max-intset-entries", b"hash-max-listpack-entries",
                  b"zset-max-listpack-entries"):
            self.run(b"CONFIG", b"SET", p, b"4")
        self.cursor = dict.fromkeys(SCANS, 0)
        self.seen: dict[bytes, set[bytes]] = {k: set() for k in SCANS}
        self.throughout = {k: self._live(k) for k in SCANS}

    def _live(self, key: bytes) -> set[bytes]:
        o = self.state.dbs[0].keys.get(key)
        return set() if o is None else set(members_of(o))

    def run(self, *argv: bytes) -> bytes:
        frame = super().run(*argv)
        if hasattr(self, "throughout"):
            for k in SCANS:
                self.throughout[k] &= self._live(k)
        return frame

    @rule(k=st.sampled_from(SKEYS), ms=some_)
    def sadd(self, k: bytes, ms: list[bytes]) -> None:
        self.run(b"SADD", k, *ms)

    @rule(k=st.sampled_from(SKEYS), m=members_)
    def sadd1(self, k: bytes, m: bytes) -> None:
        self.run(b"SADD", k, m)

    @rule(k=st.sampled_from(SKEYS), ms=some_)
    def srem(self, k: bytes, ms: list[bytes]) -> None:
        self.run(b"SREM", k, *ms)

    @rule(k=st.sampled_from(SKEYS), n=st.sampled_from([b"1", b"3", b"20"]))
    def spop(self, k: bytes, n: bytes) -> None:
        self.run(b"SPOP", k, n)

    @rule(m=members_)
    def smove(self, m: bytes) -> None:
        self.run(b"SMOVE", b"s1", b"s2", m)

    @rule(op=st.sampled_from([b"SUNIONSTORE", b"SINTERSTORE", b"SDIFFSTORE"]),
          dst=st.sampled_from(SKEYS))
    def set_store(self, op: bytes, dst: bytes) -> None:
        self.run(op, dst, *SKEYS)

    @rule(ms=some_, long=st.booleans())
    def hset(self, ms: list[bytes], long: bool) -> None:
        args: list[bytes] = []
        for m in ms:
            args += [m, b"x" * 70 if long else b"v"]
        self.run(b"HSET", b"h", *args)

    @rule(m=members_)
    def hset1(self, m: bytes) -> None:
        self.run(b"HSET", b"h", m, b"v")

    @rule(m=members_)
    def hincrby(self, m: bytes) -> None:
        self.run(b"HINCRBY", b"h", m, b"1")

    @rule(ms=some_)
    def hdel(self, ms: list[bytes]) -> None:
        self.run(b"HDEL", b"h", *ms)

    @rule(ms=some_, score=st.sampled_from([b"1", b"2", b"-0", b"3.5"]))
    def zadd(self, ms: list[bytes], score: bytes) -> None:
        args: list[bytes] = []
        for m in ms:
            args += [score, m]
        self.run(b"ZADD", b"z", *args)

    @rule(m=members_, score=st.sampled_from([b"1", b"2"]))
    def zadd1(self, m: bytes, score: bytes) -> None:
        self.run(b"ZADD", b"z", score, m)

    @rule(ms=some_)
    def zrem(self, ms: list[bytes]) -> None:
        self.run(b"ZREM", b"z", *ms)

    @rule(n=st.sampled_from([b"1", b"5"]))
    def zpopmin(self, n: bytes) -> None:
        self.run(b"ZPOPMIN", b"z", n)

    @rule()
    def zremrangebyrank(self) -> None:
        self.run(b"ZREMRANGEBYRANK", b"z", b"0", b"6")

    @rule(k=st.sampled_from(sorted(SCANS)), count=st.sampled_from([1, 2, 10]))
    def scan(self, k: bytes, count: int) -> None:
        frame = self.run(SCANS[k], k, b"%d" % self.cursor[k], b"COUNT", b"%d" % count)
        lines = frame.split(b"\r\n")
        self.cursor[k] = int(lines[2])
        got = [lines[i] for i in range(5, len(lines) - 1, 2)]
        if SCANS[k] != b"SSCAN":
            got = got[::2]
        self.seen[k].update(got)
        if self.cursor[k] == 0:
            missed = self.throughout[k] - self.seen[k]
            assert not missed, f"scan_guarantee: {k!r} never returned {sorted(missed)}"
            self.seen[k] = set()
            self.throughout[k] = self._live(k)

    @invariant()
    def values_carry_their_dicts(self) -> None:
        seed = self.state.dicts.seed
        for key in SCANS:
            o = self.state.dbs[0].keys.get(key)
            if o is None:
                continue
            if not is_ht(o):
                assert o.ht is None, f"tracked: compact {key!r} carries a dict"
                continue
            assert o.ht is not None, f"tracked: hashtable {key!r} has no dict"
            try:
                check_tables(o.ht, frozenset(members_of(o)), seed)
            except AssertionError as e:
                raise AssertionError(f"refinement: {key!r}: {e}") from None


TestValueDictMachine = machine_test(ValueDictMachine, max_examples=30, steps=60)


# -- planted bugs -------------------------------------------------------------------------------

PLANTED = planted_settings(max_examples=200, steps=50)


def test_planted_delete_keeps_member(monkeypatch: pytest.MonkeyPatch) -> None:
    """A removal that leaves the member in the value's dict breaks ``refinement``."""
    monkeypatch.setattr(vd, "delete", lambda ht, key, seed: ht)
    monkeypatch.setattr(vd, "delete_many", lambda ht, keys, seed, resize_each=True: ht)
    assert_trips(ValueDictMachine, "refinement", PLANTED)


def test_planted_conversion_drops_new_member(monkeypatch: pytest.MonkeyPatch) -> None:
    """``setTypeConvert`` that forgets the member that caused it breaks ``refinement``."""
    monkeypatch.setattr(SetValue, "_converted_ht",
                        lambda self, extra, m, seed: vd.convert(list(self.index) + extra, seed))
    assert_trips(ValueDictMachine, "refinement", PLANTED)


def test_planted_zadd_untracked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ZADD path that passes no hash seed leaves a skiplist without its dict: ``tracked``."""
    orig = ZSet.insert
    monkeypatch.setattr(ZSet, "insert", lambda self, m, s, me, mv, seed=None:
                        orig(self, m, s, me, mv))
    assert_trips(ValueDictMachine, "tracked", PLANTED)


def test_planted_value_scan_ignores_rehash_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """SSCAN/HSCAN/ZSCAN walking only table 0 of a rehashing value dict breaks
    ``scan_guarantee``."""
    orig = scan_cmds.value_dict

    def value_dict(o: Any, seed: Any) -> Any:
        ht = orig(o, seed)
        if ht is None or ht.rehashidx == -1:
            return ht
        return vd.HashTables(ht.exp0, -1, ht.used0, 0, -1, ht.t0)

    monkeypatch.setattr(scan_cmds, "value_dict", value_dict)
    assert_trips(ValueDictMachine, "scan_guarantee", PLANTED)


def test_planted_store_untracked(monkeypatch: pytest.MonkeyPatch) -> None:
    """SUNIONSTORE & co. building their result without the seed leave it without its dict:
    ``tracked``."""
    from redspec.spec.commands import sets as sets_cmds
    from redspec.spec.types import set as set_mod

    monkeypatch.setattr(sets_cmds, "build", lambda members, maxi, seed: set_mod.build(members, maxi))
    assert_trips(ValueDictMachine, "tracked", PLANTED)
