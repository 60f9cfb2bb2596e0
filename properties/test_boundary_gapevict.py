"""Boundary checks for the survivors of spec/evict.py and spec/lru.py in the exhaustive
boundary-class mutation run (issue #22; ``tools/mutation.py``). Each check puts an eviction
or access-word rule exactly on its boundary; each planted-bug test plants the surviving
mutant (the one function recompiled with the mutated text, or the mutated constant) and
shows the check fails.

Property ``evict_boundaries_agree_with_redis`` (facts from Redis 7.0.15's evict.c,
object.c and server.h; the shared-integer rules confirmed on redis-server 7.0.15):

- ``performEvictions`` returns C_OK at once while ``used <= maxmemory`` (exactly at the limit
  a deny-oom command still runs under noeviction; one byte over, it is refused);
- it evicts while ``mem_freed < mem_tofree``: freeing exactly the amount over the limit stops;
- the time limit (``evictionTimeLimitUs``: ``50 * tenacity`` us up to 10, then ``500 *
  1.15^(tenacity-10)``, ULONG_MAX at 100) is checked every 16 keys and ends the call when
  the time spent is *over* it; here each key costs one modelled microsecond, so one call
  evicts 16 keys at tenacity 0, 64 at 1, 416 at 8 (400 us: 400 is not over), all at 100;
- EVICT_RUNNING (the limit hit) is not a failure: the command that triggered it runs;
- the random policies visit the databases round robin from ``++next_db``;
- ``evictionPoolPopulate``'s insertion into the sorted pool of 16: after the entries of a
  smaller idle (an equal one goes to the left of it), into an empty slot, shifting right
  while the last slot is free, else dropping the leftmost; a candidate worse than all of a
  full pool is not inserted; candidates are popped from the right, slot 0 included;
- volatile-ttl's idle is ``ULLONG_MAX - expire``: above any LRU/LFU idle left in the pool
  by an earlier policy, so its candidates are evicted first;
- a key sampled from ``db->expires`` is looked up in ``db->dict`` for its object
  (``dictFind``: one rehash step) under volatile-lru and volatile-lfu, not under
  volatile-ttl (which needs only the expire time); APPEND of a new key leaves ``db->dict``
  at rehashidx 0 after growing it, SET takes one more step (DEBUG HTSTATS on
  redis-server 7.0.15: one key in the new table after APPEND, two after SET);
- ``estimateObjectIdleTime`` across the wrap of the 24-bit LRU clock (``lruclock + (
  LRU_CLOCK_MAX - o->lru)``), and at an LRU clock of 0;
- ``LFULogIncr`` increments when ``r < 1 / (baseval * lfu_log_factor + 1)`` (strict) and
  draws no random number at 255 (it returns 255 before calling ``rand()``);
- shared integers 0..9999 (OBJECT REFCOUNT 2147483647 for SET k 0 and SET k 9999, 1 for
  10000, -1, 01), not shared while maxmemory is set with an LRU or LFU policy (allkeys-lru,
  volatile-lru, allkeys-lfu, volatile-lfu: 1; allkeys-random, volatile-ttl, noeviction: shared).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import evict, lru
from redspec.spec.step import Step

NAME = "evict_boundaries_agree_with_redis"
#: The LRU clock wraps every 2**24 seconds.
WRAP_MS = (1 << 24) * 1000


def _used(c: Session) -> int:
    """``zmalloc_used_memory()`` of the session's server now (spec.evict.used_memory)."""
    return evict.used_memory(Step(c.state, c.now))


def _filled(n: int, policy: bytes, **config: bytes) -> Session:
    """A session with ``n`` keys ``k<i>`` (equal sizes) under ``policy``."""
    c = Session()
    args: list[bytes] = [b"MSET"]
    for i in range(n):
        args += [b"k%04d" % i, b"v"]
    c.call(*args)
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", policy)
    for name, value in config.items():
        c.call(b"CONFIG", b"SET", name.replace("_", "-").encode(), value)
    return c


def check_oom_at_maxmemory() -> None:
    """Used memory exactly at maxmemory is not over it: under noeviction a SET runs; the next
    one (memory now over) is refused."""
    c = _filled(3, b"noeviction")
    c.call(b"CONFIG", b"SET", b"maxmemory", _used(c))
    got = c.call(b"SET", b"x", b"v")
    assert got == b"+OK\r\n", f"{NAME}: used == maxmemory: SET refused: {got!r}"
    got = c.call(b"SET", b"y", b"v")
    assert got.startswith(b"-OOM"), f"{NAME}: used > maxmemory: SET ran: {got!r}"


def check_evicts_until_freed() -> None:
    """Eviction stops once the memory freed reaches the amount over the limit: with
    maxmemory exactly one key's memory below the used memory, one key goes."""
    c = _filled(20, b"allkeys-random")
    used = _used(c)
    st = attrs.evolve(c.state, config=c.state.config.set("maxmemory", used - 1))
    s = Step(st, c.now)
    evict.perform_evictions(s)
    after = s.commit()
    freed = used - evict.used_memory(Step(after, c.now))
    assert after.stats.evicted_keys == 1 and freed > 0, f"{NAME}: setup: {after.stats}"
    c.call(b"CONFIG", b"SET", b"maxmemory", used - freed)
    n = c.state.stats.evicted_keys
    assert n == 1, f"{NAME}: {freed} bytes over the limit, one key frees them: {n} evicted"


def _evicted_in_one_call(tenacity: int, n: int = 600) -> tuple[int, bytes]:
    """Keys evicted by the one performEvictions of CONFIG SET maxmemory 1 over ``n`` keys
    (allkeys-random) at ``tenacity``, and the reply of a SET sent next."""
    c = _filled(n, b"allkeys-random", maxmemory_eviction_tenacity=b"%d" % tenacity)
    c.call(b"CONFIG", b"SET", b"maxmemory", b"1")
    gone = c.state.stats.evicted_keys
    return gone, c.call(b"SET", b"x", b"v")


def check_eviction_time_limit() -> None:
    """``evictionTimeLimitUs`` and the check every 16 keys; EVICT_RUNNING lets the command
    run (the next SET is accepted although memory is still over the limit)."""
    want = {0: 0, 1: 50, 8: 400, 10: 500, 11: 575, 99: int(500.0 * 1.15 ** 89)}
    for t, us in want.items():
        got = evict.time_limit_us(t)
        assert got == us, f"{NAME}: evictionTimeLimitUs at tenacity {t}: {got}, not {us}"
    assert evict.time_limit_us(100) >= (1 << 64) - 1, f"{NAME}: tenacity 100 is not unlimited"
    for t, keys in ((0, 16), (1, 64), (8, 416), (100, 600)):
        gone, reply = _evicted_in_one_call(t)
        assert gone == keys, f"{NAME}: tenacity {t}: {gone} keys evicted in one call, not {keys}"
        if t == 0:
            assert reply == b"+OK\r\n", f"{NAME}: EVICT_RUNNING refused the command: {reply!r}"


def check_random_round_robin() -> None:
    """allkeys-random takes a key of ``++next_db % dbnum``: with one key, in db 1, it is
    found and evicted first (next_db 0 -> 1), and next_db stays 1."""
    c = Session()
    c.call(b"SELECT", b"1")
    c.call(b"SET", b"a", b"v")
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-random")
    c.call(b"CONFIG", b"SET", b"maxmemory", _used(c) - 1)
    st = c.state
    assert st.stats.evicted_keys == 1 and not st.dbs[1].keys, \
        f"{NAME}: the key of db 1 was not evicted ({st.stats.evicted_keys})"
    assert st.evict.next_db % 16 == 1, f"{NAME}: next_db {st.evict.next_db}"


def _pool(*scores: int) -> list[Any]:
    pool: list[Any] = [(sc, b"p%d" % sc, 0) for sc in scores]
    return pool + [None] * (evict.EVPOOL_SIZE - len(pool))


def _scores(pool: list[Any]) -> list[int | None]:
    return [None if e is None else e[0] for e in pool]


def check_pool_insert() -> None:
    """``evictionPoolPopulate``'s insertion, case by case (the pool sorted by idle)."""
    cases: list[tuple[list[Any], int, list[int | None]]] = [
        (_pool(), 5, [5] + [None] * 15),  # an empty pool
        (_pool(10, 30), 20, [10, 20, 30] + [None] * 13),  # room: shift right
        (_pool(*range(10, 160, 10)), 1, [1, *range(10, 160, 10)]),  # 15: still room at 0
        (_pool(*range(10, 170, 10)), 5, list(range(10, 170, 10))),  # full, worst: dropped
        (_pool(*range(10, 170, 10)), 1000, [*range(20, 170, 10), 1000]),  # full, best
        (_pool(*range(10, 170, 10)), 55, [20, 30, 40, 50, 55, *range(60, 170, 10)]),
    ]
    for pool, idle, want in cases:
        before = _scores(pool)
        evict.pool_insert(pool, idle, b"new", 0)
        got = _scores(pool)
        assert got == want, f"{NAME}: insert {idle} into {before}: {got}"
        assert len(pool) == evict.EVPOOL_SIZE, f"{NAME}: pool of {len(pool)}"
    pool = _pool(5)
    evict.pool_insert(pool, 5, b"new", 0)  # an equal idle goes left of the one there
    assert [e[1] for e in pool[:2]] == [b"new", b"p5"], f"{NAME}: equal idle: {pool[:2]}"


def check_pool_pops_slot_zero() -> None:
    """The only key, sampled into slot 0, is evicted from there: nothing is left in the
    pool (Redis pops slots 15 down to 0)."""
    c = _filled(1, b"allkeys-lru")
    c.call(b"CONFIG", b"SET", b"maxmemory", _used(c) - 1)
    left = [e for e in c.state.evict.pool if e is not None]
    assert c.state.stats.evicted_keys == 1 and not left, \
        f"{NAME}: after evicting the only key the pool holds {left}"


def check_volatile_ttl_over_stale_lru() -> None:
    """volatile-ttl's idle (``ULLONG_MAX - expire``) is above the LRU idles an allkeys-lru
    eviction left in the pool: ``new`` (expiring first) is evicted, not ``old`` (which has
    the larger LRU idle left from the first policy)."""
    far = 10**13
    c = Session()
    for t, key, when in ((0, b"x", far + 3), (10_000, b"old", far + 2), (20_000, b"new", far + 1)):
        c.now = t
        c.call(b"SET", key, b"v", b"PXAT", when)
    c.now = 30_000
    c.call(b"CONFIG", b"SET", b"maxmemory-samples", b"10")
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lru")
    c.call(b"CONFIG", b"SET", b"maxmemory", _used(c) - 1)
    assert set(c.state.dbs[0].keys) == {b"old", b"new"}, f"{NAME}: setup: LRU evicted x first"
    c.call(b"CONFIG", b"SET", b"maxmemory", b"0")
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"volatile-ttl")
    c.call(b"CONFIG", b"SET", b"maxmemory", _used(c) - 1)
    left = set(c.state.dbs[0].keys)
    assert left == {b"old"}, f"{NAME}: volatile-ttl after allkeys-lru left {left}"


def _rehashing_main(policy: bytes) -> Session:
    """16 keys with a TTL, then a 17th without (APPEND): ``db->dict`` grows 16 -> 32 and
    is at rehashidx 0; ``db->expires`` holds the 16."""
    c = Session()
    for i in range(16):
        c.call(b"SET", b"t%02d" % i, b"v", b"PXAT", 10**13 + i)
    c.call(b"APPEND", b"plain", b"v")  # adds without a later step (SET takes one)
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", policy)
    c.call(b"CONFIG", b"SET", b"maxmemory-samples", b"5")
    assert c.state.dbs[0].ht.rehashidx == 0, f"{NAME}: setup: {c.state.dbs[0].ht.rehashidx}"
    return c


def _after_steps(ht: Any, seed: int, n: int) -> int:
    from redspec.spec.dict import Dict, dict_rehash
    d = Dict(ht, seed)
    for _ in range(n):
        dict_rehash(d, 1)
    return d.rehashidx


def check_sampled_key_lookup_steps() -> None:
    """One eviction from 16 volatile keys with 5 samples: under volatile-lru each sampled
    key is looked up in ``db->dict`` (5 rehash steps) and the eviction's ``dbDelete`` takes
    one more: 6; under volatile-ttl only the delete's: 1."""
    for policy, steps in ((b"volatile-lru", 6), (b"volatile-ttl", 1)):
        c = _rehashing_main(policy)
        ht = c.state.dbs[0].ht
        want = _after_steps(ht, c.state.dicts.seed, steps)
        c.call(b"CONFIG", b"SET", b"maxmemory", _used(c) - 1)
        got = c.state.dbs[0].ht.rehashidx
        assert c.state.stats.evicted_keys == 1, f"{NAME}: setup: {c.state.stats.evicted_keys}"
        assert got == want, \
            f"{NAME}: {policy!r}: main dict at rehashidx {got}, {steps} steps give {want}"


def check_lru_clock_wrap() -> None:
    """OBJECT IDLETIME from the 24-bit LRU clock: one second after an access at the last
    second before the wrap it is 0 (``lruclock + (LRU_CLOCK_MAX - o->lru)``), three
    seconds after, 2; at an odd second one second later, 1; an access at an LRU clock of 0
    (word 0) is 5 s idle 5 s later (the server started at another clock)."""
    c = Session(now=100_000)
    c.now = WRAP_MS - 1000
    c.call(b"SET", b"w", b"v")
    got = []
    for now in (WRAP_MS, WRAP_MS + 2000):
        c.now = now
        got.append(c.call(b"OBJECT", b"IDLETIME", b"w"))
    assert got == [b":0\r\n", b":2\r\n"], f"{NAME}: IDLETIME across the wrap: {got}"
    c.now = 101_000
    c.call(b"SET", b"o", b"v")
    c.now = 102_000
    got = [c.call(b"OBJECT", b"IDLETIME", b"o")]
    c.now = 2 * WRAP_MS
    c.call(b"SET", b"z", b"v")
    c.now += 5000
    got.append(c.call(b"OBJECT", b"IDLETIME", b"z"))
    assert got == [b":1\r\n", b":5\r\n"], f"{NAME}: IDLETIME 1 s / 5 s after: {got}"


def check_lfu_log_incr() -> None:
    """``LFULogIncr``: p = 1/(baseval*factor+1), increment when r < p. At counter 6 (baseval
    1) with factor 1, p = 1/2: r = 1/2 keeps 6, just below increments; at counter 5 every
    draw increments; 255 stays."""
    for counter, factor, draw, want in ((6, 1, 1 << 31, 6), (6, 1, (1 << 31) - 1, 7),
                                        (5, 10, (1 << 32) - 1, 6), (255, 0, 0, 255)):
        got = lru.lfu_log_incr(counter, factor, draw)
        assert got == want, f"{NAME}: LFULogIncr({counter}, factor {factor}, {draw}): {got}"


def check_lfu_saturated_draws_nothing() -> None:
    """An access to a key whose LFU counter is 255 draws no random number (the PRNG state is
    unchanged); one at 254 does."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lfu")
    c.call(b"CONFIG", b"SET", b"lfu-log-factor", b"0")
    c.call(b"SET", b"f", b"v")
    for _ in range(249):
        c.call(b"GET", b"f")
    assert c.call(b"OBJECT", b"FREQ", b"f") == b":254\r\n", f"{NAME}: setup"
    rng = c.state.rng
    c.call(b"GET", b"f")
    assert c.state.rng != rng, f"{NAME}: setup: an access at 254 drew nothing"
    assert c.call(b"OBJECT", b"FREQ", b"f") == b":255\r\n", f"{NAME}: setup"
    rng = c.state.rng
    c.call(b"GET", b"f")
    assert c.state.rng == rng, f"{NAME}: an access at 255 drew a random number"


def check_shared_integers() -> None:
    """OBJECT REFCOUNT as redis-server 7.0.15 answers it."""
    c = Session()
    got = {}
    for v in (b"0", b"9999", b"10000", b"-1", b"01"):
        c.call(b"SET", b"k", v)
        got[v] = c.call(b"OBJECT", b"REFCOUNT", b"k")
    shared, private = b":2147483647\r\n", b":1\r\n"
    want = {b"0": shared, b"9999": shared, b"10000": private, b"-1": private, b"01": private}
    assert got == want, f"{NAME}: shared integers: {got}"
    c.call(b"CONFIG", b"SET", b"maxmemory", b"1gb")
    for policy, sh in ((b"allkeys-lru", False), (b"volatile-lru", False),
                       (b"allkeys-lfu", False), (b"volatile-lfu", False),
                       (b"allkeys-random", True), (b"volatile-ttl", True),
                       (b"noeviction", True)):
        c.call(b"CONFIG", b"SET", b"maxmemory-policy", policy)
        c.call(b"SET", b"k", b"5")
        got1 = c.call(b"OBJECT", b"REFCOUNT", b"k")
        assert got1 == (shared if sh else private), f"{NAME}: SET k 5 under {policy!r}: {got1!r}"


CHECKS = [check_oom_at_maxmemory, check_evicts_until_freed, check_eviction_time_limit,
          check_random_round_robin, check_pool_insert, check_pool_pops_slot_zero,
          check_volatile_ttl_over_stale_lru, check_sampled_key_lookup_steps,
          check_lru_clock_wrap, check_lfu_log_incr, check_lfu_saturated_draws_nothing,
          check_shared_integers]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_evict_boundaries_agree_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()



def _constant(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, value: int) -> None:
    """The mutated constant in ``module`` and every module that imported it."""
    import sys
    before = getattr(module, name)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("redspec.") and \
                getattr(mod, name, None) == before and isinstance(getattr(mod, name), int):
            monkeypatch.setattr(mod, name, value)


@pytest.mark.parametrize("name,value", [("EVICT_RUNNING", 2), ("WORK_US_PER_KEY", 0),
                                        ("WORK_US_PER_KEY", 2)])
def test_planted_eviction_constants(monkeypatch: pytest.MonkeyPatch, name: str,
                                    value: int) -> None:
    monkeypatch.setattr(evict, name, value)
    _trips(check_eviction_time_limit)


@pytest.mark.parametrize("func,old,new", [
    ("time_limit_us", "if tenacity < 100:", "if tenacity <= 100:"),
    ("time_limit_us", "return 1 << 64", "return 0 << 64"),
    ("perform_evictions", "keys_freed += 1", "keys_freed += 0"),
    ("perform_evictions", "keys_freed += 1", "keys_freed += 2"),
    ("perform_evictions", "if keys_freed % 16 == 0:", "if keys_freed % 16 != 0:"),
    ("perform_evictions", "if work > budget:", "if work >= budget:")])
def test_planted_eviction_time_limit(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                     new: str) -> None:
    plant_everywhere(monkeypatch, evict, func, old, new)
    _trips(check_eviction_time_limit)


@pytest.mark.parametrize("old,new,check", [
    ("if used <= maxmem:", "if used < maxmem:", check_oom_at_maxmemory),
    ("while freed < tofree:", "while freed <= tofree:", check_evicts_until_freed),
    ("next_db += 1", "next_db += 0", check_random_round_robin),
    ("next_db += 1", "next_db += 2", check_random_round_robin),
    ("range(EVPOOL_SIZE - 1, -1, -1)", "range(EVPOOL_SIZE - 1, -0, -1)",
     check_pool_pops_slot_zero)])
def test_planted_perform_evictions(monkeypatch: pytest.MonkeyPatch, old: str, new: str,
                                   check: Any) -> None:
    plant_everywhere(monkeypatch, evict, "perform_evictions", old, new)
    _trips(check)


@pytest.mark.parametrize("old,new", [
    ("while k < EVPOOL_SIZE and", "while k <= EVPOOL_SIZE and"),
    ("pool[k][0] < idle", "pool[k][0] <= idle"),
    ("if k == 0 and pool[EVPOOL_SIZE - 1]", "if k == 0 and pool[EVPOOL_SIZE - 2]"),
    ("if k < EVPOOL_SIZE and pool[k] is None", "if k <= EVPOOL_SIZE and pool[k] is None"),
    ("elif pool[EVPOOL_SIZE - 1] is None", "elif pool[EVPOOL_SIZE] is None"),
    ("k -= 1", "k -= 0"), ("k -= 1", "k -= 2"),
    ("pool[0:k] = pool[1:k + 1]", "pool[0:k] = pool[0:k + 1]"),
    ("pool[0:k] = pool[1:k + 1]", "pool[0:k] = pool[2:k + 1]"),
    ("pool[0:k] = pool[1:k + 1]", "pool[0:k] = pool[1:k]"),
    ("pool[0:k] = pool[1:k + 1]", "pool[0:k] = pool[1:k + 2]")])
def test_planted_pool_insert(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, evict, "pool_insert", old, new)
    with pytest.raises((AssertionError, IndexError)):
        check_pool_insert()


def test_planted_volatile_ttl_score(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, evict, "_score", "return (1 << 64) - 1 - when",
           "return (0 << 64) - 1 - when")
    _trips(check_volatile_ttl_over_stale_lru)


@pytest.mark.parametrize("func,old,new", [
    ("eviction_pool_populate", 'policy != "volatile-ttl"', 'policy == "volatile-ttl"'),
    ("eviction_pool_populate", "_find_step(db, True)", "_find_step(db, False)"),
    ("_find_step", "ht.rehashidx != -1", "ht.rehashidx == -1"),
    ("_find_step", "ht.rehashidx != -1", "ht.rehashidx != -0"),
    ("_find_step", "expires_dict(), 1)", "expires_dict(), 0)"),
    ("_find_step", "expires_dict(), 1)", "expires_dict(), 2)")])
def test_planted_sampled_key_lookup(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                    new: str) -> None:
    plant_everywhere(monkeypatch, evict, func, old, new)
    _trips(check_sampled_key_lookup_steps)


@pytest.mark.parametrize("value", [(0 << 24) - 1, (2 << 24) - 1, (1 << 24) - 2])
def test_planted_lru_clock_max(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    _constant(monkeypatch, lru, "LRU_CLOCK_MAX", value)
    _trips(check_lru_clock_wrap)


def test_planted_word_zero_as_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, lru, "word_of", "if word >= 0:", "if word > 0:")
    _trips(check_lru_clock_wrap)


@pytest.mark.parametrize("new", ["draw * (base * factor + 1) <= 1 << 32",
                                 "draw * (base * factor) < 1 << 32",
                                 "draw * (base * factor + 1) < 2 << 32"])
def test_planted_lfu_log_incr(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    plant_everywhere(monkeypatch, lru, "lfu_log_incr", "draw * (base * factor + 1) < 1 << 32", new)
    _trips(check_lfu_log_incr)


def test_planted_lfu_saturated_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, lru, "touched", "if c < 255:", "if c <= 255:")
    _trips(check_lfu_saturated_draws_nothing)


@pytest.mark.parametrize("old,new", [
    ("len(value) > 4", "len(value) >= 4"), ("n < 0", "n <= 0"),
    ('if "lru" in policy', 'if "lru" not in policy'),
    ('or "lfu" in policy', 'or "lfu" not in policy'),
    ("return -1 - n", "return -0 - n")])
def test_planted_shared_integers(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, lru, "shared_marker", old, new)
    _trips(check_shared_integers)
