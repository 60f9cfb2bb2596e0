"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
collection modules (issue #22, ``tools/mutation.py``): ``spec/types/valuedict.py``,
``spec/types/list.py``, ``spec/types/set.py``, ``spec/types/hash.py``,
``spec/commands/lists.py``, ``spec/commands/sets.py``, ``spec/commands/hashes.py`` and
``spec/commands/scan.py``. In the pattern of ``properties/test_boundary_gaps.py``: each check
puts a Redis rule exactly on its boundary, and each has a planted-bug test whose planted bug
*is* the surviving mutant.

Property ``boundary_colls_agree_with_redis``. Observed on redis-server 7.0.15 (DEBUG
HTSTATS-KEY prints the size and the entries of each table of a value's dict; a rehash step
moves at least one non-empty bucket, so the entries of table 0 drop whatever the hash seed):

- SADD of a member already in a hashtable set whose dict is full (4 members in 4 buckets, not
  rehashing) grows the dict: table 1 of 8 buckets appears, empty (``dictAddRaw`` →
  ``_dictKeyIndex`` → ``_dictExpandIfNeeded`` before it finds the member); SADD of a present
  member while the dict rehashes moves a bucket (table 0: 4 entries, then 3);
- SISMEMBER / SMISMEMBER / HGET / HMGET take one rehash step per ``dictFind``; ZADD of a new
  score for a present member of a skiplist takes one (``zsetAdd``'s ``dictFind``).

The expected dicts are computed here with ``dictRehash(d, 1)`` of :mod:`redspec.spec.dict`
directly, never through the helper under test (a check that computed its expectation with
``find_steps`` would pass with ``find_steps`` mutated).
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec.dict import Dict, HashTables, dict_add, dict_expand_if_needed, dict_rehash

NAME = "boundary_colls_agree_with_redis"


def _stepped(ht: HashTables, seed: Any, n: int) -> HashTables:
    """``ht`` after ``n`` calls of ``dictRehash(d, 1)`` (a no-op once it is done)."""
    d = Dict(ht, seed)
    for _ in range(n):
        dict_rehash(d, 1)
    return d.freeze()


def _vht(c: Session, key: bytes) -> HashTables:
    """The dict the value at ``key`` carries (a hashtable set / hash, a skiplist zset)."""
    ht = c.state.dbs[0].keys[key].ht
    assert ht is not None, f"{NAME}: setup: {key!r} carries no dict"
    return ht  # type: ignore[no-any-return]


# -- spec/types/valuedict.py ---------------------------------------------------------------------


def check_sadd_present_member() -> None:
    """SADD of a present member: ``dictAddRaw`` takes its rehash step and runs the grow check
    before it finds the member. 4 members in 4 buckets: SADD of one of them grows the dict
    (rehash index 0, nothing moved); again: one step from bucket 0; a set of 200 members
    rehashing half-way: one step per SADD."""
    c = Session()
    c.call(b"SADD", b"s", b"a", b"b", b"c", b"d")
    full = _vht(c, b"s")
    assert full.rehashidx == -1 and full.exp0 == 2, f"{NAME}: setup: {full!r}"
    c.call(b"SADD", b"s", b"a")
    grown = _vht(c, b"s")
    d = Dict(full, c.state.dicts.seed)
    dict_expand_if_needed(d, True)
    assert grown == d.freeze() and grown.rehashidx == 0 and grown.exp1 == 3, \
        f"{NAME}: SADD of a present member into a full dict did not grow it: {grown!r}"
    c.call(b"SADD", b"s", b"b")
    assert _vht(c, b"s") == _stepped(grown, c.state.dicts.seed, 1), \
        f"{NAME}: SADD of a present member at rehash index 0: not one step"
    c = Session()
    c.call(b"SADD", b"s", *(b"member-%d" % i for i in range(200)))
    before = _vht(c, b"s")
    assert before.rehashidx > 0, f"{NAME}: setup: {before.rehashidx}"
    c.call(b"SADD", b"s", b"member-7", b"member-9")
    assert _vht(c, b"s") == _stepped(before, c.state.dicts.seed, 2), \
        f"{NAME}: SADD of two present members while rehashing: not two steps"


def _rehashing_set(n: int) -> Session:
    c = Session()
    for i in range(n):
        c.call(b"SADD", b"s", b"member-%d" % i)
    assert _vht(c, b"s").rehashidx != -1, f"{NAME}: setup: the set's dict is not rehashing"
    return c


def _rehashing(cmd: bytes, key: bytes, x: bytes, score_first: bool = False) -> Session:
    """A hash (HSET) or sorted set (ZADD), its listpack limit lowered to 16 entries, grown one
    element at a time until its dict is rehashing part-way (rehash index > 0)."""
    c = Session()
    for t in (b"hash", b"zset"):
        c.call(b"CONFIG", b"SET", t + b"-max-listpack-entries", b"16")
    for i in range(200):
        m = b"m%d" % i
        c.call(cmd, key, *((x, m) if score_first else (m, x)))
        ht = c.state.dbs[0].keys[key].ht
        if i > 16 and ht is not None and ht.rehashidx > 0:
            return c
    raise AssertionError(f"{NAME}: setup: {key!r} never rehashing")


def check_value_reads_step() -> None:
    """A read of a rehashing value's dict takes one ``_dictRehashStep`` per ``dictFind``:
    SISMEMBER one, SMISMEMBER of 3 members three, at rehash index 0 (5 members: 4 -> 8
    buckets, nothing moved) and half-way (200 members); HMGET of 2 fields of a hashtable
    hash two."""
    for n in (5, 200):
        for argv, steps in (((b"SISMEMBER", b"s", b"nope"), 1),
                            ((b"SMISMEMBER", b"s", b"x", b"member-1", b"y"), 3)):
            c = _rehashing_set(n)
            before = _vht(c, b"s")
            c.call(*argv)
            assert _vht(c, b"s") == _stepped(before, c.state.dicts.seed, steps), \
                f"{NAME}: {argv!r} on a rehashing set of {n}: not {steps} steps"
    c = _rehashing(b"HSET", b"h", b"v")
    before = _vht(c, b"h")
    c.call(b"HMGET", b"h", b"m1", b"nope")
    assert _vht(c, b"h") == _stepped(before, c.state.dicts.seed, 2), \
        f"{NAME}: HMGET of 2 fields on a rehashing hash: not 2 steps"


def check_zadd_update_step() -> None:
    """ZADD of a new score for a present member of a rehashing skiplist: ``zsetAdd``'s one
    ``dictFind`` (one rehash step), nothing added."""
    c = _rehashing(b"ZADD", b"z", b"1", score_first=True)
    before = _vht(c, b"z")
    c.call(b"ZADD", b"z", b"1000", b"m3")
    assert _vht(c, b"z") == _stepped(before, c.state.dicts.seed, 1), \
        f"{NAME}: ZADD updating a member of a rehashing skiplist: not one step"


def _hash_at_rehash_zero() -> Session:
    """A hash made a hashtable by its first field (``hash-max-listpack-entries 0``: the dict
    presized to 1, 4 buckets), then 5 fields: the 5th ``dictAdd`` grew the dict (4 -> 8
    buckets) to rehash index 0, nothing moved yet."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", b"0")
    for i in range(5):
        c.call(b"HSET", b"h", b"m%d" % i, b"v")
    ht = _vht(c, b"h")
    assert ht.rehashidx == 0, f"{NAME}: setup: rehash index {ht.rehashidx}"
    return c


def check_hset_steps() -> None:
    """HSET on a hashtable hash (``hashTypeSet``): ``dictFind`` (one rehash step), then for a
    new field ``dictAdd`` (its own step): an overwrite takes one step, a new field two, at
    rehash index 0 and part-way."""
    for setup in (_hash_at_rehash_zero, lambda: _rehashing(b"HSET", b"h", b"v")):
        for field in (b"m1", b"new"):
            c = setup()
            d = Dict(_vht(c, b"h"), c.state.dicts.seed)
            dict_rehash(d, 1)  # hashTypeSet's dictFind
            if field == b"new":
                dict_add(d, field)  # with its own step
            c.call(b"HSET", b"h", field, b"w")
            assert _vht(c, b"h") == d.freeze(), \
                f"{NAME}: HSET {field!r} on a rehashing hash: not find + add"


CHECKS: list[Any] = [check_sadd_present_member, check_value_reads_step, check_zadd_update_step,
                     check_hset_steps]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_colls(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("func,old,new,check", [
    ("add_or_find_many", "if d.rehashidx != -1:", "if d.rehashidx == -1:",
     check_sadd_present_member),
    ("add_or_find_many", "if d.rehashidx != -1:", "if d.rehashidx != -0:",
     check_sadd_present_member),
    ("add_or_find_many", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_sadd_present_member),
    ("add_or_find_many", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_sadd_present_member),
    ("add_or_find_many", "dict_expand_if_needed(d, True)", "dict_expand_if_needed(d, False)",
     check_sadd_present_member),
    ("find_steps", "if ht.rehashidx == -1 or", "if ht.rehashidx != -1 or",
     check_value_reads_step),
    ("find_steps", "if ht.rehashidx == -1 or", "if ht.rehashidx == -0 or",
     check_value_reads_step),
    ("find_steps", "if d.rehashidx == -1:", "if d.rehashidx != -1:", check_value_reads_step),
    ("find_steps", "if d.rehashidx == -1:", "if d.rehashidx == -0:", check_value_reads_step),
    ("find_steps", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_value_reads_step),
    ("find_steps", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_value_reads_step),
    ("find_step", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_zadd_update_step),
    ("find_add", "if ht.rehashidx == -1 and not new:", "if ht.rehashidx != -1 and not new:",
     check_hset_steps),
    ("find_add", "if ht.rehashidx == -1 and not new:", "if ht.rehashidx == -0 and not new:",
     check_hset_steps),
    ("find_add", "if d.rehashidx != -1 and", "if d.rehashidx == -1 and", check_hset_steps),
    ("find_add", "if d.rehashidx != -1 and", "if d.rehashidx != -0 and", check_hset_steps),
    ("find_add", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_hset_steps),
    ("find_add", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_hset_steps),
])
def test_planted_valuedict(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                           check: Any) -> None:
    from redspec.spec.types import valuedict
    plant_everywhere(monkeypatch, valuedict, func, old, new)
    _trips(check)
