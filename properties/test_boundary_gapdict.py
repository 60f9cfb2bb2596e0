"""Boundary checks for the survivors of ``spec/dict.py`` in the exhaustive boundary-class
mutation run (issue #22; ``tools/mutation.py``): the value-dict and SCAN paths,
``dictGetSomeKeys``, the shrink rule and ``dictRehashMilliseconds``. Each check puts a rule of
Redis 7.0.15's ``dict.c`` (or ``server.c``'s ``htNeedsResize``) exactly on its boundary, and
each has a planted-bug test whose planted bug *is* the surviving mutant (the one function
recompiled with the mutated text by ``plant``). The checks call ``spec.dict`` through the
module so that a planted function is the one run.

Property ``boundary_gapdict_agrees_with_redis``:

- a dict whose table 0 has a run of empty buckets still finishes rehashing through reads
  alone: ``dictRehash`` advances ``rehashidx`` over (at most ``10n``) empty buckets and that
  progress is kept. Checked on redis-server 7.0.15: a set of 1,000 members cut to 100 by
  SREM (1,024 buckets shrinking to 128), then 2,000 SISMEMBER, shows one table of 128 in
  DEBUG HTSTATS-KEY (the spec kept re-walking the same empty run and never finished);
- the shrink rule at both boundaries (redis-server 7.0.15, DEBUG HTSTATS-KEY table sizes):
  13 members in 128 buckets stay (``1300/128 = 10``, not under 10%), the 12th shrinks to 16;
  a last member in 16 buckets shrinks to 4 (the 4-bucket minimum of ``dictResize``);
  ``htNeedsResize`` is false at exactly 4 slots, true at 8 slots with no element;
- one ``_dictRehashStep`` per ``dictAdd`` / ``dictDelete`` / ``dictFind`` /
  ``dictGetRandomKey`` and ``count`` of them for ``dictGetSomeKeys`` — at ``rehashidx`` 0;
- ``dictRehash``: 10 empty visits per bucket asked, ``rehashidx`` one past a moved bucket,
  0 returned once table 0 is empty; ``dictRehashMilliseconds`` goes on past a call that only
  visited empty buckets, and a modelled millisecond is ``REHASH_CALLS_PER_MS`` calls;
- ``dictFind``/``dictDelete`` find keys in either table, ``dictDelete`` counts per table;
- ``_dictExpand`` refuses while rehashing, below the element count and to the same size;
  ``_dictExpandIfNeeded`` grows to fit ``used + 1``;
- ``dictScan`` visits each bucket of the smaller table once (reverse-binary cursor) and
  returns every key exactly once when nothing changes; the iterator (KEYS, SMEMBERS order)
  sees table 1 from ``rehashidx`` 0;
- ``dictGetRandomKey`` and ``dictGetSomeKeys`` can reach every key of a rehashing dict
  (growing and shrinking by half, as DEBUG POPULATE's ``dictExpand`` can make it) and follow
  dict.c's arithmetic for a given random stream (the jump after 5 empty buckets and more
  than ``count``, the step budget ``10 * count``);
- DEBUG HTSTATS prints chain lengths 0..48 only (``i < DICT_STATS_VECTLEN-1``) and the
  rehashing target's section;
- a dict operation that changes nothing returns the very same frozen dict (the copy-on-write
  accounting of ``spec.persist`` counts a value as written when it is a new object).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from immutables import Map

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant
from redspec.spec import dict as D

NAME = "boundary_gapdict_agrees_with_redis"
SEED = D.DictState().seed


def key_at(mask: int, bucket: int, avoid: tuple[bytes, ...] = (), sub: tuple[int, int] | None = None
           ) -> bytes:
    """The first ``b"k<n>"`` whose hash lands in ``bucket`` of a table with ``mask`` (and, with
    ``sub = (mask2, bucket2)``, also in ``bucket2`` of the other table)."""
    n = 0
    while True:
        k = b"k%d" % n
        h = D.siphash(k, SEED)
        if h & mask == bucket and k not in avoid and (sub is None or h & sub[0] == sub[1]):
            return k
        n += 1


def scripted(values: list[int]) -> Callable[[], int]:
    """A random source giving ``values`` in order, then :func:`lcg`'s stream."""
    it: Iterator[int] = iter(values)
    rest = lcg()

    def draw() -> int:
        v = next(it, None)
        return rest() if v is None else v
    return draw


def lcg(seed: int = 12345) -> Callable[[], int]:
    """A fixed 32-bit pseudo-random stream (a linear congruential generator)."""
    state = [seed]

    def draw() -> int:
        state[0] = (state[0] * 6364136223846793005 + 1442695040888963407) & D._M64
        return state[0] >> 32
    return draw


def sparse() -> D.HashTables:
    """A dict rehashing 32 -> 64 buckets at ``rehashidx`` 0 whose table 0 holds keys only in
    buckets 20 and 25 (a run of 20 empty buckets first)."""
    a, b = key_at(31, 20), key_at(31, 25)
    return D.HashTables(exp0=5, exp1=6, used0=2, used1=0, rehashidx=0,
                        t0=Map({20: (a,), 25: (b,)}))


def settled(keys: list[bytes]) -> D.HashTables:
    """A dict holding ``keys`` (added in order), its rehashing finished."""
    return D.rehash(D.build(keys, SEED), 10_000, SEED)


def counts_agree(ht: D.HashTables) -> bool:
    """``used0``/``used1`` count the keys of each table."""
    return (ht.used0 == sum(len(c) for c in ht.t0.values())
            and ht.used1 == sum(len(c) for c in ht.t1.values()))


# -- the client-visible checks, confirmed on redis-server 7.0.15 ---------------------------------


def _sizes(text: bytes) -> tuple[list[int], bool]:
    """The table sizes DEBUG HTSTATS-KEY prints, and whether a rehashing target is shown."""
    return [int(x) for x in re.findall(rb"table size: (\d+)", text)], b"Hash table 1" in text


def check_sparse_rehash_finishes() -> None:
    c = Session(**{"enable-debug-command": "local"})
    for i in range(1000):
        c.call(b"SADD", b"s", b"m%d" % i)
    for i in range(900):
        c.call(b"SREM", b"s", b"m%d" % i)
    assert _sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"s"))[1], f"{NAME}: setup: not shrinking"
    for _ in range(2000):
        c.call(b"SISMEMBER", b"s", b"x")
    got = _sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"s"))
    assert got == ([128], False), f"{NAME}: 2000 reads did not finish the rehash: {got}"


def check_shrink_boundaries() -> None:
    c = Session(**{"enable-debug-command": "local"})
    out = []
    for i in range(100):
        c.call(b"SADD", b"a", b"m%d" % i)
    for i in range(87):
        c.call(b"SREM", b"a", b"m%d" % i)
    out.append(_sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"a")))  # 13 in 128: 10%, stays
    c.call(b"SREM", b"a", b"m87")
    out.append(_sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"a")))  # 12: shrinks to 16
    for i in range(88, 98):
        c.call(b"SREM", b"a", b"m%d" % i)
    for _ in range(50):
        c.call(b"SISMEMBER", b"a", b"x")
    out.append(_sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"a")))  # 2 in 16, done
    c.call(b"SREM", b"a", b"m98")
    out.append(_sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"a")))  # 1: shrinks to 4
    for _ in range(10):
        c.call(b"SISMEMBER", b"a", b"x")
    out.append(_sizes(c.call(b"DEBUG", b"HTSTATS-KEY", b"a")))
    # redis-server 7.0.15, the same commands:
    want = [([128], False), ([128], True), ([16], False), ([16], True), ([4], False)]
    assert out == want, f"{NAME}: shrink sizes {out}, Redis {want}"


# -- dict.c, exactly at its boundaries ----------------------------------------------------------


def check_rehash_step_exact() -> None:
    ht = sparse()
    d = D.Dict(ht, SEED)
    assert D.dict_rehash(d, 1) is True, f"{NAME}: 10 empty visits must return 1 (more to do)"
    assert (d.rehashidx, d.used0) == (10, 2), f"{NAME}: one step: rehashidx {d.rehashidx}"
    assert d.freeze().rehashidx == 10, f"{NAME}: the empty visits were not kept"
    D.dict_rehash(d, 1)
    assert d.rehashidx == 20, f"{NAME}: second step: rehashidx {d.rehashidx}"
    assert D.dict_rehash(d, 1) is True and (d.rehashidx, d.used0, d.used1) == (21, 1, 1), \
        f"{NAME}: a moved bucket: rehashidx {d.rehashidx} (must be one past it)"
    assert D.dict_rehash(d, 1) is False, f"{NAME}: the last bucket moved: dictRehash returns 0"
    assert (d.rehashidx, d.exp0, d.exp1) == (-1, 6, -1), f"{NAME}: table 1 did not take over"
    assert D.find(ht, b"x", SEED)[0].rehashidx == 10, f"{NAME}: a find's empty visits were lost"
    d = D.Dict(ht, SEED)
    D.dict_rehash_step(d)
    assert d.rehashidx == 10, f"{NAME}: _dictRehashStep is dictRehash(d, 1): {d.rehashidx}"


def check_one_step_per_operation() -> None:
    ht = sparse()
    new = key_at(63, 40)
    ops: list[tuple[str, Callable[[D.Dict], Any]]] = [
        ("dictAdd", lambda d: D.dict_add(d, new)),
        ("dictDelete", lambda d: D.dict_delete(d, b"absent")),
        ("dictFind", lambda d: D.dict_find(d, b"absent")),
        ("dictGetRandomKey", lambda d: D.dict_random_key(d, lcg())),
        ("dictGetSomeKeys(1)", lambda d: D.dict_get_some_keys(d, 1, lcg())),
    ]
    for what, op in ops:
        d = D.Dict(ht, SEED)
        op(d)
        assert d.rehashidx == 10, f"{NAME}: {what} at rehashidx 0: rehashidx {d.rehashidx}"


def _grown() -> tuple[D.HashTables, list[bytes]]:
    """17 keys added to a 16-bucket dict (rehashing to 32, rehashidx 0, the 17th in table 1),
    then 4 rehash steps: keys in both tables."""
    keys = [b"g%d" % i for i in range(17)]
    ht = D.build(keys, SEED)
    return D.rehash(ht, 4, SEED), keys


def check_find_and_delete_both_tables() -> None:
    ht, keys = _grown()
    assert ht.rehashidx != -1 and ht.used1 >= 3 and ht.used0 >= 3, f"{NAME}: setup {ht}"
    for k in keys:
        after, found = D.find(ht, k, SEED)
        assert found, f"{NAME}: dictFind misses {k!r} (table {D.bucket_of(ht, k, SEED)[0]})"
        gone, ok = D.delete(ht, k, SEED)
        assert ok is True, f"{NAME}: dictDelete of {k!r} returned {ok}"
        assert len(gone) == len(ht) - 1 and counts_agree(gone), \
            f"{NAME}: dictDelete of {k!r}: counts {gone.used0}/{gone.used1}"
        assert not D.find(gone, k, SEED)[1], f"{NAME}: {k!r} still found after dictDelete"
    flat = settled(keys[:12])
    assert flat.rehashidx == -1, f"{NAME}: setup: 12 keys rehashing"
    for k in keys[:12]:
        assert D.find(flat, k, SEED)[1], f"{NAME}: dictFind misses {k!r} (one table)"
        assert D.bucket_of(flat, k, SEED) == (0, D.siphash(k, SEED) & 15), \
            f"{NAME}: bucket_of {k!r}"
    try:
        empty: Any = D.bucket_of(D.EMPTY_HT, b"k", SEED)
    except ValueError as e:  # a shift by -1
        empty = e
    assert empty == (0, 0), f"{NAME}: bucket_of of an empty dict: {empty!r}"


def check_expand_rules() -> None:
    e = D.expand(D.EMPTY_HT, 5, SEED)
    assert (e.exp0, e.rehashidx) == (3, -1), f"{NAME}: dictExpand(5) of a new dict: {e}"
    d = D.Dict(D.EMPTY_HT, SEED)
    assert D.dict_expand(d, 5) is True, f"{NAME}: dictExpand of a new dict returns DICT_OK"
    full = settled([b"x%d" % i for i in range(6)])  # 8 buckets, 6 keys
    assert full.exp0 == 3 and full.rehashidx == -1, f"{NAME}: setup {full}"
    d = D.Dict(full, SEED)
    assert D.dict_expand(d, 5) is False, f"{NAME}: dictExpand below the element count"
    assert D.dict_expand(d, 8) is False, f"{NAME}: dictExpand to the same size"
    assert d.freeze() is full, f"{NAME}: a refused dictExpand changed the dict"
    assert D.dict_resize(D.Dict(sparse(), SEED)) is False, f"{NAME}: dictResize while rehashing"
    d = D.Dict(full, SEED)
    assert D.dict_expand(d, 20) is True and d.exp1 == 5, f"{NAME}: dictExpand(20)"
    assert D.dict_expand(d, 64) is False, f"{NAME}: dictExpand while rehashing"
    # no resize allowed (a fork child): 15 keys in 4 buckets (ratio 3, not forced), then one
    # add with resizing allowed grows for used + 1 = 16 buckets
    d = D.Dict(D.EMPTY_HT, SEED)
    for i in range(15):
        D.dict_add(d, b"y%d" % i, False)
    assert (d.exp0, d.rehashidx) == (2, -1), f"{NAME}: setup: grew without dict_can_resize"
    D.dict_add(d, b"y15", True)
    assert d.exp1 == 4, f"{NAME}: _dictExpandIfNeeded grew to {1 << d.exp1}, not used+1 = 16"


def check_needs_resize_boundaries() -> None:
    cases = [(D.HashTables(exp0=2, used0=0), False), (D.HashTables(exp0=3, used0=0), True),
             (D.HashTables(exp0=7, used0=13), False), (D.HashTables(exp0=7, used0=12), True)]
    for ht, want in cases:
        assert D.needs_resize(ht) is want, \
            f"{NAME}: htNeedsResize({1 << ht.exp0} slots, {ht.used0} used) is {want}"
    ht = D.build([b"z%d" % i for i in range(70)], SEED)
    ht = D.rehash(ht, 1000, SEED)  # 128 buckets
    d = D.Dict(ht, SEED)
    for i in range(67):
        D.dict_delete(d, b"z%d" % i)
    D.dict_resize(d)  # the default: resizing allowed
    assert d.exp1 == 2, f"{NAME}: dictResize of 3 keys: {d.exp1} (4 buckets, the minimum)"


def check_rehash_milliseconds() -> None:
    a, b = key_at(2047, 1500), key_at(2047, 1600)
    far = D.HashTables(exp0=11, exp1=12, used0=2, rehashidx=0, t0=Map({1500: (a,), 1600: (b,)}))
    done = D.rehash_ms(far, 1, SEED)
    assert done.rehashidx == -1 and done.exp0 == 12, \
        f"{NAME}: dictRehashMilliseconds stopped after a call of only empty visits"
    big = D.build([b"b%d" % i for i in range(2049)], SEED)
    assert big.rehashidx != -1, f"{NAME}: setup"
    want = big
    for _ in range(D.REHASH_CALLS_PER_MS):
        want = D.rehash(want, D.REHASH_CALL_BUCKETS, SEED)
    got = D.rehash_ms(big, 1, SEED)
    assert got.rehashidx != -1 and got == want, \
        f"{NAME}: a modelled ms is {D.REHASH_CALLS_PER_MS} dictRehash(d, 100): rehashidx " \
        f"{got.rehashidx}, want {want.rehashidx}"


def _full_scan(ht: D.HashTables) -> tuple[list[int], list[bytes]]:
    cursors, got = [0], []
    cursor = D.dict_scan(ht, 0, got.append)
    while cursor:
        cursors.append(cursor)
        cursor = D.dict_scan(ht, cursor, got.append)
    return cursors, got


def _rev_order(bits: int) -> list[int]:
    """The cursors of a full scan of a table of ``2**bits`` buckets (reverse-binary count)."""
    return [int(f"{i:0{bits}b}"[::-1], 2) for i in range(1 << bits)]


def check_scan_once_each() -> None:
    shrinking = D.build([b"s%d" % i for i in range(100)], SEED)
    shrinking = D.rehash(shrinking, 1000, SEED)
    d = D.Dict(shrinking, SEED)
    for i in range(90):
        D.dict_delete(d, b"s%d" % i)
    D.dict_resize(d)
    D.dict_rehash(d, 3)
    grown, _ = _grown()
    for ht, bits in ((settled([b"f%d" % i for i in range(12)]), 4), (grown, 4),
                     (d.freeze(), 4)):
        cursors, got = _full_scan(ht)
        assert cursors == _rev_order(bits), f"{NAME}: dictScan cursors {cursors}"
        assert sorted(got) == sorted(D.dict_keys(ht)) and len(got) == len(ht), \
            f"{NAME}: dictScan returned {len(got)} keys of {len(ht)}"
    assert d.rehashidx != -1 and d.exp1 < d.exp0, f"{NAME}: setup: not shrinking"


def check_iterator_sees_table1() -> None:
    keys = [b"i%d" % i for i in range(5)]
    ht = D.build(keys, SEED)  # the 5th add grows 4 -> 8 at rehashidx 0, into table 1
    assert ht.rehashidx == 0 and ht.used1 == 1, f"{NAME}: setup {ht}"
    got = list(D.dict_keys(ht))
    want = [k for i in sorted(ht.t0) for k in ht.t0[i]] + [k for i in sorted(ht.t1)
                                                          for k in ht.t1[i]]
    assert got == want and len(got) == 5, f"{NAME}: the iterator at rehashidx 0: {got}"


def _reachable() -> list[D.HashTables]:
    """Rehashing dicts with keys where a wrong bound hides them: growing 16 -> 32 (a key
    moved to table 1's bucket 0, one left in table 0 at the bucket ``rehashidx`` will name),
    and shrinking 8 -> 4 by half (keys in table 0's upper half)."""
    a = key_at(15, 0, sub=(31, 0))
    b = key_at(15, 1, avoid=(a,))
    rest = [b"r%d" % i for i in range(40)]
    rest = [k for k in rest if D.siphash(k, SEED) & 15 not in (0, 1)][:15]
    grow = D.build([a, b, *rest[:14]], SEED)
    grow = D.add(grow, rest[14], SEED)
    assert grow.rehashidx == 0 and grow.exp1 == 5, f"{NAME}: setup {grow}"
    hi1, hi2 = key_at(7, 5, sub=(3, 1)), key_at(7, 6, sub=(3, 2))
    lo = key_at(3, 1, avoid=(hi1,))
    half = D.HashTables(exp0=3, exp1=2, used0=2, used1=1, rehashidx=1,
                        t0=Map({5: (hi1,), 6: (hi2,)}), t1=Map({1: (lo,)}))
    return [grow, half]


def check_random_reach() -> None:
    for ht in _reachable():
        all_keys = set(D.dict_keys(ht))
        rand = lcg()
        drawn: set[bytes] = set()
        sampled: set[bytes] = set()
        for _ in range(600):
            k = D.dict_random_key(D.Dict(ht, SEED), rand)
            assert k is not None
            drawn.add(k)
            sampled.update(D.dict_get_some_keys(D.Dict(ht, SEED), 1, rand))
        assert drawn == all_keys, f"{NAME}: dictGetRandomKey never draws {all_keys - drawn}"
        d = D.Dict(ht, SEED)
        D.dict_rehash(d, 1)  # dictGetSomeKeys(d, 1)'s own step
        st = d.freeze()
        heads = {c[0] for c in (*st.t0.values(), *st.t1.values())}  # count 1: a chain's head
        assert sampled == heads, f"{NAME}: dictGetSomeKeys never finds {heads - sampled}"


def check_random_key_arithmetic() -> None:
    ht = _reachable()[0]
    d = D.Dict(ht, SEED)
    D.dict_rehash(d, 1)
    stepped = d.freeze()
    s0, s1, rid = 1 << stepped.exp0, 1 << stepped.exp1, stepped.rehashidx
    slots = s0 + s1 - rid
    for x in range(3 * slots):
        h = rid + x % slots
        chain = stepped.t1.get(h - s0) if h >= s0 else stepped.t0.get(h)
        if not chain:
            continue
        got = D.dict_random_key(D.Dict(ht, SEED), scripted([0, x, 0]))
        assert got == chain[0], f"{NAME}: dictGetRandomKey with random {x}: {got!r}"
    flat = settled([b"f%d" % i for i in range(12)])
    for x in range(64):
        chain = flat.t0.get(x & 15)
        if chain:
            got = D.dict_random_key(D.Dict(flat, SEED), scripted([0, x, 0]))
            assert got == chain[0], f"{NAME}: dictGetRandomKey (one table), random {x}: {got!r}"


def _one_table(placed: dict[int, bytes], exp: int = 4) -> D.HashTables:
    """A dict of ``2**exp`` buckets holding one key in each of the given buckets."""
    t0 = Map({b: (k,) for b, k in placed.items()})
    return D.HashTables(exp0=exp, used0=len(placed), t0=t0)


def check_some_keys_jumps() -> None:
    m = 15
    # 3 empty buckets then a key: no jump yet
    ht = _one_table({4: key_at(m, 4), 10: key_at(m, 10)})
    got = D.dict_get_some_keys(D.Dict(ht, SEED), 1, scripted([0, 1, 0, 9]))
    assert got == [ht.t0[4][0]], f"{NAME}: 3 empty buckets made dictGetSomeKeys jump: {got}"
    # 5 empty buckets (and more than count 1): a jump to random 9, then bucket 10
    ht = _one_table({6: key_at(m, 6), 10: key_at(m, 10)})
    got = D.dict_get_some_keys(D.Dict(ht, SEED), 1, scripted([0, 1, 0, 9]))
    assert got == [ht.t0[10][0]], f"{NAME}: no jump after 5 empty buckets: {got}"
    # 5 empty buckets but not more than count 5: no jump
    placed = {b: key_at(m, b) for b in (5, 6, 7, 8, 9, 12, 13)}
    ht = _one_table(placed)
    got = D.dict_get_some_keys(D.Dict(ht, SEED), 5, scripted([0, 0, 0, 11]))
    assert got == [placed[b] for b in (5, 6, 7, 8, 9)], \
        f"{NAME}: emptylen == count made dictGetSomeKeys jump: {got}"


def check_some_keys_rehashing_walk() -> None:
    # growing 16 -> 32 (rehashidx 1; the count step visits 10 empty buckets of table 0):
    # from random 48 (& 31 = 16), table 0 is skipped past its size, table 1's 16..19 are
    # empty (4, no jump) and 20 holds K
    k20, k25, m15 = key_at(31, 20), key_at(31, 25), key_at(15, 15)
    grow = D.HashTables(exp0=4, exp1=5, used0=1, used1=2, rehashidx=1, t0=Map({15: (m15,)}),
                        t1=Map({20: (k20,), 25: (k25,)}))
    got = D.dict_get_some_keys(D.Dict(grow, SEED), 1, scripted([0, 48, 0, 24]))
    assert got == [k20], f"{NAME}: dictGetSomeKeys growing, from 16: {got}"
    # shrinking 32 -> 8 (rehashidx 16; the count step visits 16..25): from random 8, bucket
    # 8 of table 0 is below rehashidx and past table 1: the walk jumps to rehashidx at once;
    # 26..30 empty (a jump to 26), 27..30 empty, X at 31 on the 10th and last step
    x, y = key_at(31, 31), key_at(7, 3)
    shrink = D.HashTables(exp0=5, exp1=3, used0=1, used1=1, rehashidx=16, t0=Map({31: (x,)}),
                          t1=Map({3: (y,)}))
    got = D.dict_get_some_keys(D.Dict(shrink, SEED), 1, scripted([0, 8, 0, 26]))
    assert got == [x], f"{NAME}: dictGetSomeKeys shrinking, 10 steps: {got}"


def check_stats_lengths() -> None:
    long = tuple(b"c%d" % i for i in range(48))
    longer = tuple(b"d%d" % i for i in range(50))
    ht = D.HashTables(exp0=2, used0=98, t0=Map({0: long, 1: longer}))
    text = D.get_stats(ht)
    assert "   48: 1 (25.00%)" in text and "   49:" not in text, \
        f"{NAME}: chain lengths printed: {text}"
    grown, _ = _grown()
    text = D.get_stats(grown)
    assert "Hash table 1 stats (rehashing target):\n table size: 32\n" in text, \
        f"{NAME}: the rehashing target's stats: {text}"


def check_unchanged_is_same() -> None:
    flat = settled([b"f%d" % i for i in range(12)])
    assert D.find(flat, b"f1", SEED)[0] is flat, f"{NAME}: a read made a new dict"
    d = D.Dict(D.rehash(_grown()[0], 1, SEED), SEED)
    D.dict_rehash(d, 1)
    first = d.freeze()
    assert d.freeze() is first, f"{NAME}: freezing twice made a new dict"


CHECKS = [check_sparse_rehash_finishes, check_shrink_boundaries, check_rehash_step_exact,
          check_one_step_per_operation, check_find_and_delete_both_tables, check_expand_rules,
          check_needs_resize_boundaries, check_rehash_milliseconds, check_scan_once_each,
          check_iterator_sees_table1, check_random_reach, check_random_key_arithmetic,
          check_some_keys_jumps, check_some_keys_rehashing_walk, check_stats_lengths,
          check_unchanged_is_same]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_gapdict_agrees_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


#: The survivors, as planted bugs: (function, mutated text, mutant text, the check that trips).
PLANTED: list[tuple[str, str, str, Callable[[], None]]] = [
    ("dict_rehash", "d.changed = True  # rehashidx moved: the frozen dict must keep it", "pass",
     check_rehash_step_exact),
    ("dict_rehash", "empty_visits -= 1", "empty_visits -= 0", check_rehash_step_exact),
    ("dict_rehash", "empty_visits -= 1", "empty_visits -= 2", check_rehash_step_exact),
    ("dict_rehash", "must keep it\n                return True", "must keep it\n                return False",
     check_rehash_step_exact),
    ("dict_rehash", "must keep it\n                return True", "must keep it\n                return False",
     check_rehash_milliseconds),
    ("dict_rehash", "d.rehashidx = idx + 1", "d.rehashidx = idx", check_rehash_step_exact),
    ("dict_rehash", "        return False\n    return True", "        return True\n    return True",
     check_rehash_step_exact),
    ("dict_rehash_step", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_rehash_step_exact),
    ("dict_rehash_step", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_rehash_step_exact),
    ("dict_expand", "d.used0 > size:\n        return False", "d.used0 > size:\n        return True",
     check_expand_rules),
    ("dict_expand", "d.exp0:\n        return False", "d.exp0:\n        return True",
     check_expand_rules),
    ("dict_expand", "d.used0 = 0\n        d.changed = True", "d.used0 = 0\n        d.changed = False",
     check_expand_rules),
    ("dict_expand", "d.changed = True\n        return True\n    d.exp1",
     "d.changed = True\n        return False\n    d.exp1", check_expand_rules),
    ("dict_expand_if_needed", "d.used0 + 1", "d.used0 + 2", check_expand_rules),
    ("dict_add", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_one_step_per_operation),
    ("dict_delete", "if d.rehashidx != -1:", "if d.rehashidx == -1:", check_one_step_per_operation),
    ("dict_delete", "if d.rehashidx != -1:", "if d.rehashidx != -0:", check_one_step_per_operation),
    ("dict_delete", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_one_step_per_operation),
    ("dict_delete", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_one_step_per_operation),
    ("dict_delete", "idx = h & ((1 << d.exp1) - 1)", "idx = h & (1 << d.exp1)",
     check_find_and_delete_both_tables),
    ("dict_delete", "idx = h & ((1 << d.exp1) - 1)", "idx = h & ((0 << d.exp1) - 1)",
     check_find_and_delete_both_tables),
    ("dict_delete", "idx = h & ((1 << d.exp1) - 1)", "idx = h & ((2 << d.exp1) - 1)",
     check_find_and_delete_both_tables),
    ("dict_delete", "idx = h & ((1 << d.exp1) - 1)", "idx = h & ((1 << d.exp1) - 2)",
     check_find_and_delete_both_tables),
    ("dict_delete", "key in chain:\n        _unlink(d.w1()", "key not in chain:\n        _unlink(d.w1()",
     check_find_and_delete_both_tables),
    ("dict_delete", "d.used1 -= 1", "d.used1 -= 0", check_find_and_delete_both_tables),
    ("dict_delete", "d.used1 -= 1", "d.used1 -= 2", check_find_and_delete_both_tables),
    ("dict_delete", "d.used1 -= 1\n        return True", "d.used1 -= 1\n        return False",
     check_find_and_delete_both_tables),
    ("dict_find", "if d.rehashidx != -1:", "if d.rehashidx == -1:", check_one_step_per_operation),
    ("dict_find", "if d.rehashidx != -1:", "if d.rehashidx != -0:", check_one_step_per_operation),
    ("dict_find", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_one_step_per_operation),
    ("dict_find", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_one_step_per_operation),
    ("dict_find", "d.t0.get(h & ((1 << d.exp0) - 1))", "d.t0.get(h & ((2 << d.exp0) - 1))",
     check_find_and_delete_both_tables),
    ("dict_find", "d.t1.get(h & ((1 << d.exp1) - 1))", "d.t1.get(h & (1 << d.exp1))",
     check_find_and_delete_both_tables),
    ("dict_find", "d.t1.get(h & ((1 << d.exp1) - 1))", "d.t1.get(h & ((0 << d.exp1) - 1))",
     check_find_and_delete_both_tables),
    ("dict_find", "d.t1.get(h & ((1 << d.exp1) - 1))", "d.t1.get(h & ((2 << d.exp1) - 1))",
     check_find_and_delete_both_tables),
    ("dict_find", "d.t1.get(h & ((1 << d.exp1) - 1))", "d.t1.get(h & ((1 << d.exp1) - 2))",
     check_find_and_delete_both_tables),
    ("dict_find", "return chain is not None and key in chain",
     "return chain is not None and key not in chain", check_find_and_delete_both_tables),
    ("dict_resize", "can_resize: bool = True", "can_resize: bool = False",
     check_needs_resize_boundaries),
    ("dict_resize", "return False", "return True", check_expand_rules),
    ("dict_resize", "1 << INITIAL_EXP", "2 << INITIAL_EXP", check_needs_resize_boundaries),
    ("needs_resize", "size > (1 << INITIAL_EXP)", "size >= (1 << INITIAL_EXP)",
     check_needs_resize_boundaries),
    ("needs_resize", "size > (1 << INITIAL_EXP)", "size > (0 << INITIAL_EXP)",
     check_needs_resize_boundaries),
    ("needs_resize", "size > (1 << INITIAL_EXP)", "size > (2 << INITIAL_EXP)",
     check_needs_resize_boundaries),
    ("needs_resize", "used * 100 // size < MIN_FILL", "used * 100 // size <= MIN_FILL",
     check_needs_resize_boundaries),
    ("rehash_milliseconds", "calls += 1", "calls += 0", check_rehash_milliseconds),
    ("rehash_milliseconds", "calls += 1", "calls += 2", check_rehash_milliseconds),
    ("rehash_milliseconds", "calls >= REHASH_CALLS_PER_MS", "calls > REHASH_CALLS_PER_MS",
     check_rehash_milliseconds),
    ("bucket_of", "h & ((1 << ht.exp0) - 1)", "h & ((2 << ht.exp0) - 1)",
     check_find_and_delete_both_tables),
    ("bucket_of", "if ht.exp0 != -1", "if ht.exp0 != -0", check_find_and_delete_both_tables),
    ("bucket_of", "if ht.exp0 != -1", "if ht.exp0 != -2", check_find_and_delete_both_tables),
    ("dict_scan", "m0 = (1 << d.exp0) - 1", "m0 = (2 << d.exp0) - 1", check_scan_once_each),
    ("dict_scan", "m0 = (1 << min(d.exp0, d.exp1)) - 1", "m0 = (0 << min(d.exp0, d.exp1)) - 1",
     check_scan_once_each),
    ("dict_scan", "m0 = (1 << min(d.exp0, d.exp1)) - 1", "m0 = (2 << min(d.exp0, d.exp1)) - 1",
     check_scan_once_each),
    ("dict_keys", "if d.rehashidx != -1 else", "if d.rehashidx == -1 else",
     check_iterator_sees_table1),
    ("dict_keys", "if d.rehashidx != -1 else", "if d.rehashidx != -0 else",
     check_iterator_sees_table1),
    ("dict_random_key", "if d.rehashidx != -1:\n        dict_rehash(d, 1)",
     "if d.rehashidx == -1:\n        dict_rehash(d, 1)", check_one_step_per_operation),
    ("dict_random_key", "if d.rehashidx != -1:\n        dict_rehash(d, 1)",
     "if d.rehashidx != -0:\n        dict_rehash(d, 1)", check_one_step_per_operation),
    ("dict_random_key", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_one_step_per_operation),
    ("dict_random_key", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_one_step_per_operation),
    ("dict_random_key", "s0 = 1 << d.exp0", "s0 = 0 << d.exp0", check_random_reach),
    ("dict_random_key", "s0 = 1 << d.exp0", "s0 = 2 << d.exp0", check_random_key_arithmetic),
    ("dict_random_key", "slots = s0 + (1 << d.exp1)", "slots = s0 + (0 << d.exp1)",
     check_random_reach),
    ("dict_random_key", "slots = s0 + (1 << d.exp1)", "slots = s0 + (2 << d.exp1)",
     check_random_key_arithmetic),
    ("dict_random_key", "if h >= s0", "if h > s0", check_random_reach),
    ("dict_random_key", "m = (1 << d.exp0) - 1", "m = (2 << d.exp0) - 1",
     check_random_key_arithmetic),
    ("dict_get_some_keys", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_one_step_per_operation),
    ("dict_get_some_keys", "if rehashing and (1 << d.exp1) - 1 > maxmask",
     "if rehashing and (0 << d.exp1) - 1 > maxmask", check_random_reach),
    ("dict_get_some_keys", "maxmask = (1 << d.exp1) - 1\n", "maxmask = (2 << d.exp1) - 1\n",
     check_some_keys_rehashing_walk),
    ("dict_get_some_keys", "maxmask = (1 << d.exp1) - 1\n", "maxmask = (1 << d.exp1) - 2\n",
     check_some_keys_rehashing_walk),
    ("dict_get_some_keys", "j == 0", "j != 0", check_random_reach),
    ("dict_get_some_keys", "i < d.rehashidx", "i <= d.rehashidx", check_random_reach),
    ("dict_get_some_keys", "if i >= size_of(d.exp1):", "if i > size_of(d.exp1):",
     check_some_keys_rehashing_walk),
    ("dict_get_some_keys", "if i >= size_of(e):", "if i > size_of(e):",
     check_some_keys_rehashing_walk),
    ("dict_get_some_keys", "emptylen += 1", "emptylen += 2", check_some_keys_jumps),
    ("dict_get_some_keys", "emptylen >= 5", "emptylen > 5", check_some_keys_jumps),
    ("dict_get_some_keys", "emptylen > count", "emptylen >= count", check_some_keys_jumps),
    ("_stats_ht", "range(STATS_VECTLEN - 1)", "range(STATS_VECTLEN)", check_stats_lengths),
    ("_stats_ht", "range(STATS_VECTLEN - 1)", "range(STATS_VECTLEN - 2)", check_stats_lengths),
    ("get_stats", "_stats_ht(ht, 1)", "_stats_ht(ht, 0)", check_stats_lengths),
    ("get_stats", "_stats_ht(ht, 1)", "_stats_ht(ht, 2)", check_stats_lengths),
]


@pytest.mark.parametrize("func,old,new,check", PLANTED,
                         ids=[f"{f}:{n.strip()[:40]}" for f, _, n, _ in PLANTED])
def test_planted_dict_survivor(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                               check: Callable[[], None]) -> None:
    plant(monkeypatch, D, func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new", [("__init__", "self.changed = False", "self.changed = True"),
                                          ("freeze", "self.changed = False", "self.changed = True")])
def test_planted_same_dict_object(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                  new: str) -> None:
    plant(monkeypatch, D.Dict, func, old, new)
    _trips(check_unchanged_is_same)
