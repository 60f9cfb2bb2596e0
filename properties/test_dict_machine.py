"""The two-table dict with incremental rehashing (``spec.dict``) as state machines.

``DictMachine`` drives one dict directly (add, delete, find, rehash steps, resize, cron
milliseconds, SCAN steps) against a plain set of keys; ``KeyspaceDictMachine`` drives a whole
server through commands (SET, DEL, PEXPIREAT, PERSIST, RENAME, FLUSHDB, SWAPDB, SCAN, cron
ticks) and checks each database's dicts against its keyspace maps.

Invariants (each has a planted-bug test below showing it can fail):

- ``bucket_placement``: every key sits in the bucket ``hash & mask`` of its table.
- ``moved_buckets_empty``: while rehashing, table 0 has nothing below ``rehashidx``.
- ``one_table``: no key is in both tables (nor twice in one).
- ``refinement``: the tables hold exactly the keys of the plain map, and ``used0``/``used1``
  count them (for the keyspace: ``db.ht`` vs ``db.keys`` and ``db.expires_ht`` vs
  ``db.expires``, at every step).
- ``rehash_step_bound``: ``dictRehash(d, n)`` moves at most ``n`` non-empty buckets and
  advances ``rehashidx`` by at most ``n + 10n`` (the empty-visit limit).
- ``scan_guarantee``: a full SCAN iteration (interleaved with adds, deletes, rehash steps and
  resizes) returns every key that was present for the whole iteration at least once.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import assert_trips, machine_test, planted_settings
from redspec.properties.purity import checked
from redspec.spec import dict as D
from redspec.spec.rehash import databases_cron_dicts
from redspec.spec.step import DbView

MECHANISM = "rehash"

KEYS = [b"k%d" % i for i in range(40)]
SEED = D.DictState.from_seed(7).seed
keys_ = st.sampled_from(KEYS)


def check_tables(ht: D.HashTables, keys: set[bytes] | frozenset[bytes], seed: Any) -> None:
    """Every structural invariant of one dict against the set of keys it must hold."""
    for t, e, name in ((ht.t0, ht.exp0, 0), (ht.t1, ht.exp1, 1)):
        mask = (1 << e) - 1 if e != -1 else 0
        for idx, chain in t.items():
            assert chain, f"bucket_placement: empty chain kept in table {name}"
            assert 0 <= idx <= mask, f"bucket_placement: bucket {idx} outside table {name}"
            for k in chain:
                assert D.siphash(k, seed) & mask == idx, \
                    f"bucket_placement: {k!r} in bucket {idx} of table {name}"
    if ht.rehashidx != -1:
        low = [i for i in ht.t0 if i < ht.rehashidx]
        assert not low, f"moved_buckets_empty: buckets {low} below rehashidx {ht.rehashidx}"
    else:
        assert ht.exp1 == -1 and not len(ht.t1), "one_table: table 1 used while not rehashing"
    in0 = [k for c in ht.t0.values() for k in c]
    in1 = [k for c in ht.t1.values() for k in c]
    assert set(in0) | set(in1) == set(keys), \
        f"refinement: tables hold {sorted(set(in0) | set(in1))}, the map {sorted(keys)}"
    assert len(set(in0)) == len(in0) and len(set(in1)) == len(in1), "one_table: duplicate key"
    both = set(in0) & set(in1)
    assert not both, f"one_table: {sorted(both)} in both tables"
    assert (ht.used0, ht.used1) == (len(in0), len(in1)), \
        f"refinement: used ({ht.used0}, {ht.used1}) but tables hold ({len(in0)}, {len(in1)})"


def _opened(ht: D.HashTables, f: Any) -> tuple[D.HashTables, Any]:
    """One transition of a dict: open ``ht`` for change, apply ``f``, freeze (what each
    database does with its dicts within a server transition); the new tables and what ``f``
    returned."""
    d = D.Dict(ht, SEED)
    r = f(d)
    return d.freeze(), r


class DictMachine(RuleBasedStateMachine):
    """One dict against a set of keys, with an ongoing SCAN iteration.

    Its transitions are the dict's own (``_opened``: a ``Dict`` working copy frozen back into
    a ``HashTables``), never a server's: the planted ``input_not_mutated`` bugs of the server
    machines (``DbView.freeze``, ``Step.commit`` writing through) cannot reach it, so its
    plant is a ``Dict.freeze`` that writes the new tables through into the ``HashTables`` it
    was opened from (``test_purity.py``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.ht = D.EMPTY_HT
        self.model: set[bytes] = set()
        self._new_scan()

    def _new_scan(self) -> None:
        self.cursor = 0
        self.seen: set[bytes] = set()
        self.throughout = set(self.model)

    def _apply(self, f: Any) -> Any:
        self.ht, r = checked(_opened, self.ht, f)
        return r

    @rule(k=keys_)
    def add(self, k: bytes) -> None:
        if k in self.model:
            return
        self._apply(lambda d: D.dict_add(d, k))
        self.model.add(k)

    @rule(k=keys_)
    def delete(self, k: bytes) -> None:
        gone = self._apply(lambda d: D.dict_delete(d, k))
        assert gone == (k in self.model), f"refinement: delete({k!r}) said {gone}"
        self.model.discard(k)
        self.throughout.discard(k)

    @rule(k=keys_)
    def find(self, k: bytes) -> None:
        found = self._apply(lambda d: D.dict_find(d, k))
        assert found == (k in self.model), f"refinement: find({k!r}) said {found}"

    @rule(n=st.integers(1, 4))
    def rehash_steps(self, n: int) -> None:
        before = self.ht
        after, _ = checked(_opened, before, lambda d: D.dict_rehash(d, n))
        if before.rehashidx != -1 and after.rehashidx != -1:
            moved = sum(1 for i in before.t0 if i < after.rehashidx)
            assert moved <= n, f"rehash_step_bound: {moved} buckets moved for n={n}"
            assert after.rehashidx - before.rehashidx <= 11 * n, \
                f"rehash_step_bound: rehashidx advanced {after.rehashidx - before.rehashidx}"
        self.ht = after

    @rule()
    def resize(self) -> None:
        if D.needs_resize(self.ht):
            self._apply(lambda d: D.dict_resize(d))

    @rule()
    def cron_millisecond(self) -> None:
        self._apply(lambda d: D.rehash_milliseconds(d, 1))

    @rule()
    def scan_step(self) -> None:
        self.cursor = checked(D.dict_scan, self.ht, self.cursor, self.seen.add)
        if self.cursor == 0:
            missed = self.throughout - self.seen
            assert not missed, f"scan_guarantee: {sorted(missed)} never returned"
            extra = self.seen - set(KEYS)
            assert not extra, f"scan_guarantee: returned unknown keys {extra}"
            self._new_scan()

    @invariant()
    def tables_match_model(self) -> None:
        check_tables(self.ht, self.model, SEED)


TestDictMachine = machine_test(DictMachine, max_examples=100, steps=80)


class KeyspaceDictMachine(OneClient, RuleBasedStateMachine):
    """A server driven by commands; every db's dicts must mirror its keyspace maps."""

    NOW = 1_700_000_000_000

    def __init__(self) -> None:
        super().__init__()
        self.connect(self.NOW, seed=11, databases=2)
        self.cursor = 0
        self.seen: set[bytes] = set()
        self.throughout = self._live()

    def _live(self) -> set[bytes]:
        return set(self.state.dbs[0].keys)

    def run(self, *argv: bytes) -> bytes:
        frame = super().run(*argv)
        self.throughout &= self._live()
        return frame

    @rule(k=keys_)
    def set_(self, k: bytes) -> None:
        self.run(b"SET", k, b"v")

    @rule(k=keys_)
    def del_(self, k: bytes) -> None:
        self.run(b"DEL", k)

    @rule(k=keys_, past=st.booleans())
    def pexpireat(self, k: bytes, past: bool) -> None:
        self.run(b"PEXPIREAT", k, b"1" if past else b"99999999999999")

    @rule(k=keys_)
    def persist(self, k: bytes) -> None:
        self.run(b"PERSIST", k)

    @rule(a=keys_, b=keys_)
    def rename(self, a: bytes, b: bytes) -> None:
        self.run(b"RENAME", a, b)

    @rule(k=keys_)
    def get(self, k: bytes) -> None:
        self.run(b"GET", k)

    @rule()
    def swapdb(self) -> None:
        self.run(b"SWAPDB", b"0", b"1")

    @rule()
    def select_other_and_back(self) -> None:
        self.run(b"SELECT", b"1")
        self.run(b"SET", b"other", b"x")
        self.run(b"SELECT", b"0")

    @precondition(lambda self: len(self.state.dbs[0].keys) > 30)
    @rule()
    def flushdb(self) -> None:
        self.run(b"FLUSHDB")

    @rule()
    def cron(self) -> None:
        self.state = checked(databases_cron_dicts, self.state)

    @rule(count=st.sampled_from([1, 2, 5, 1000]))
    def scan(self, count: int) -> None:
        frame = self.run(b"SCAN", b"%d" % self.cursor, b"COUNT", b"%d" % count)
        lines = frame.split(b"\r\n")
        self.cursor = int(lines[2])
        self.seen.update(lines[i] for i in range(5, len(lines) - 1, 2))
        if self.cursor == 0:
            missed = self.throughout - self.seen
            assert not missed, f"scan_guarantee: {sorted(missed)} never returned by SCAN"
            self.seen = set()
            self.throughout = self._live()

    @invariant()
    def dicts_mirror_keyspace(self) -> None:
        seed = self.state.dicts.seed
        for db in self.state.dbs:
            check_tables(db.ht, frozenset(db.keys), seed)
            check_tables(db.expires_ht, frozenset(db.expires), seed)


TestKeyspaceDictMachine = machine_test(KeyspaceDictMachine, max_examples=40, steps=60)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=300, steps=60)


def test_planted_wrong_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dictAdd`` linking the key one bucket too far breaks ``bucket_placement``."""
    orig_hash = D.siphash

    def add(d: D.Dict, key: bytes, can_resize: bool = True) -> None:
        monkeypatch.setattr(D, "siphash", lambda k, w: orig_hash(k, w) + (1 if k == key else 0))
        try:
            orig_add(d, key, can_resize)
        finally:
            monkeypatch.setattr(D, "siphash", orig_hash)

    orig_add = D.dict_add
    monkeypatch.setattr(D, "dict_add", add)
    assert_trips(DictMachine, "bucket_placement", PLANTED)


def test_planted_rehash_keeps_old_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dictRehash`` copying a bucket without clearing it breaks ``moved_buckets_empty``."""

    def rehash(d: D.Dict, n: int) -> bool:
        if d.rehashidx == -1:
            return False
        idx = d.rehashidx
        chain = d.t0.get(idx)
        r = orig(d, n)
        if chain is not None and d.rehashidx != -1 and idx < d.rehashidx:
            d.w0()[idx] = chain
        return r

    orig = D.dict_rehash
    monkeypatch.setattr(D, "dict_rehash", rehash)
    assert_trips(DictMachine, "moved_buckets_empty", PLANTED)


def test_planted_add_to_both_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dictAdd`` that, while rehashing, also links the key into table 0 breaks ``one_table``."""

    def add(d: D.Dict, key: bytes, can_resize: bool = True) -> None:
        orig(d, key, can_resize)
        if d.rehashidx != -1:
            i0 = D.siphash(key, d.seed) & ((1 << d.exp0) - 1)
            if i0 >= d.rehashidx:
                t = d.w0()
                t[i0] = (key, *t.get(i0, ()))

    orig = D.dict_add
    monkeypatch.setattr(D, "dict_add", add)
    assert_trips(DictMachine, "one_table", PLANTED)


def test_planted_delete_forgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dictDelete`` that reports success but unlinks nothing breaks ``refinement``."""
    monkeypatch.setattr(D, "dict_delete", lambda d, key: True if len(d) else False)
    assert_trips(DictMachine, "refinement", PLANTED)


def test_planted_rehash_too_much(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dictRehash(d, n)`` moving ``n + 1`` buckets breaks ``rehash_step_bound``."""
    orig = D.dict_rehash
    monkeypatch.setattr(D, "dict_rehash", lambda d, n: orig(d, n + 1))
    assert_trips(DictMachine, "rehash_step_bound", PLANTED)


def test_planted_scan_skips_chain_tails(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dictScan`` that returns only the head of each chain breaks ``scan_guarantee``."""
    orig = D.dict_scan

    def scan(d: Any, cursor: int, fn: Any) -> int:
        got: list[bytes] = []
        nxt = orig(d, cursor, got.append)
        for k in got:
            if D.bucket_of(d, k, SEED)[1] != D.bucket_of(d, got[0], SEED)[1] or k == got[0]:
                fn(k)
        return nxt

    monkeypatch.setattr(D, "dict_scan", scan)
    assert_trips(DictMachine, "scan_guarantee", PLANTED)


def test_planted_keyspace_delete_skips_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dbDelete`` that leaves the key in ``db->dict`` breaks the keyspace ``refinement``."""
    monkeypatch.setattr(DbView, "dict_delete", lambda self, key: None)
    assert_trips(KeyspaceDictMachine, "refinement", planted_settings(max_examples=100, steps=40))


def test_planted_keyspace_scan_ignores_rehash_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """SCAN that, while rehashing, walks only table 0 (forgetting the keys already moved to
    table 1) breaks ``scan_guarantee`` over commands."""
    orig = D.dict_scan

    def scan(d: Any, cursor: int, fn: Any) -> int:
        if d.rehashidx == -1:
            return orig(d, cursor, fn)
        only0 = D.HashTables(d.exp0, -1, d.used0, 0, -1, d.t0)
        return orig(only0, cursor, fn) if d.used0 else 0

    from redspec.spec.commands import scan as scan_cmds
    monkeypatch.setattr(scan_cmds, "dict_scan", scan)
    assert_trips(KeyspaceDictMachine, "scan_guarantee",
                 planted_settings(max_examples=200, steps=60))


# -- the C build of siphash agrees with the Python definition -----------------------------------


def check_c_siphash(c_hash: Any, data: bytes, seed: bytes) -> None:
    w = D.seed_words(seed)
    assert c_hash(data, w) == D.siphash_py(data, w), "c_siphash_agrees"


@settings(max_examples=300, deadline=None, database=None)
@given(st.binary(max_size=70), st.binary(min_size=16, max_size=16))
def test_c_siphash_agrees(data: bytes, seed: bytes) -> None:
    """spec/_siphash.c (when built) = :func:`spec.dict.siphash_py` for any data and seed."""
    if D._siphash_c is None:
        pytest.skip("the C accelerator is not built here (no compiler at install time)")
    check_c_siphash(D._siphash_c, data, seed)


def test_c_siphash_property_catches_a_wrong_tail() -> None:
    """Planted: a hash that ignores the last byte of a key whose length is not a multiple
    of 8 (a tail-handling slip) must be caught."""
    if D._siphash_c is None:
        pytest.skip("the C accelerator is not built here")
    c = D._siphash_c

    def bad(data: bytes, w: tuple[int, int, int, int]) -> int:
        if len(data) & 7:
            data = data[:-1] + b"\0"
        return c(data, w)

    with pytest.raises(AssertionError, match="c_siphash_agrees"):
        planted_settings(200, 1)(given(st.binary(max_size=70), st.binary(min_size=16, max_size=16))(
            lambda d, s: check_c_siphash(bad, d, s)))()
