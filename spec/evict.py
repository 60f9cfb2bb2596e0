"""maxmemory eviction (Redis's ``evict.c``) and the per-key access clock (``robj->lru``).

Every key carries 24 bits of access metadata, kept in ``Db.lru`` (key -> int):

- LRU policies (and no policy): the LRU clock of the last access, ``(unix s) mod 2**24``
  (``LRU_CLOCK_RESOLUTION`` 1000 ms; ``server.lruclock`` is refreshed by serverCron, which
  runs often enough that reading the time directly gives the same value);
  ``estimateObjectIdleTime`` handles the wrap-around of the 24-bit clock.
- LFU policies: ``ldt << 8 | counter`` — minutes ``mod 2**16`` of the last decrement and an
  8-bit logarithmic counter (``LFULogIncr``: +1 with probability
  ``1 / ((counter - LFU_INIT_VAL) * lfu-log-factor + 1)``, drawn from the explicit PRNG;
  ``LFUDecrAndReturn``: -1 per ``lfu-decay-time`` minutes elapsed). New keys start at
  ``LFU_INIT_VAL`` (5).

The word is interpreted under the policy selected *now*, as in Redis: switching between LRU and
LFU at runtime reinterprets old values.

``perform_evictions`` (``performEvictions``) runs before a command when ``maxmemory`` is set:
while the modelled ``used_memory`` (``spec.memory``) minus memory not counted for eviction is
above ``maxmemory`` it deletes keys chosen by the policy — for LRU/LFU/TTL from the eviction
pool of ``EVPOOL_SIZE`` (16) candidates filled by sampling ``maxmemory-samples`` keys of every
database (``evictionPoolPopulate``, with ``dictGetSomeKeys`` of spec.dict over the keyspace or
expires dict: O(samples) per draw whatever the database size), for the random policies one
random key (``dictGetRandomKey``) of the next database in turn. Each eviction counts ``evicted_keys``,
fires the ``evicted`` keyspace event and propagates a DEL (UNLINK under ``lazyfree-lazy-eviction``,
which also frees a big value in the background: spec.lazyfree). Time budget: Redis stops after
``evictionTimeLimitUs`` (from ``maxmemory-eviction-tenacity``), checked every 16 keys; here
each evicted key costs ``WORK_US_PER_KEY`` modelled microseconds. While CLIENT PAUSE is on,
nothing is evicted (``isSafeToPerformEvictions``; see ``spec.transport``).
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

import attrs

from .dict import dict_get_some_keys, dict_random_key, dict_rehash
from .lru import (
    LFU_INIT_VAL,
    LRU_CLOCK_MAX,
    LRU_CLOCK_RESOLUTION,
    NOTOUCH,
    OBJ_SHARED_INTEGERS,
    estimate_idle_ms,
    is_lfu,
    lfu_decr_and_return,
    lfu_log_incr,
    lfu_minutes,
    lru_clock,
    new_lru,
    set_shared_word,
    shared_marker,
    touch_shared,
    word_of,
)
from .memory import CLIENT_COST, STARTUP_MEMORY
from .pause import clients_paused
from .state import EvictState

if TYPE_CHECKING:
    from .step import Step

__all__ = [
    "LRU_CLOCK_MAX", "LRU_CLOCK_RESOLUTION", "LFU_INIT_VAL", "EVPOOL_SIZE", "EvictState",
    "lru_clock", "lfu_minutes", "estimate_idle_ms", "lfu_decr_and_return", "lfu_log_incr",
    "new_lru", "is_lfu", "used_memory", "perform_evictions", "EVICT_OK", "EVICT_RUNNING",
    "EVICT_FAIL", "NOTOUCH", "OOM_ERROR", "OBJ_SHARED_INTEGERS", "shared_marker", "word_of",
    "set_shared_word", "touch_shared",
]

EVPOOL_SIZE = 16
EVICT_OK, EVICT_RUNNING, EVICT_FAIL = 0, 1, 2
#: Modelled cost of one eviction against ``evictionTimeLimitUs``.
WORK_US_PER_KEY = 1
OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'."


# -- memory --------------------------------------------------------------------------------------


def used_memory(s: Step) -> int:
    """``zmalloc_used_memory()`` in the model: startup + clients + every database's keys."""
    total = STARTUP_MEMORY + CLIENT_COST * s.client_count()
    for i in range(s.db_count()):
        total += s.db_mem(i)
    return total


def not_counted(s: Step) -> int:
    """``freeMemoryGetNotCountedMemory``: replication backlog / replica output buffers and the
    AOF buffer; none of them exists in the model, so 0."""
    return 0


def time_limit_us(tenacity: int) -> int:
    """``evictionTimeLimitUs``: 50 us per step up to 10, then +15% per step; 100 = no limit."""
    if tenacity <= 10:
        return 50 * tenacity
    if tenacity < 100:
        return int(500.0 * 1.15 ** (tenacity - 10))
    return 1 << 64


# -- the pool ------------------------------------------------------------------------------------


def _some_keys(s: Step, v: Any, allkeys: bool, count: int) -> list[bytes]:
    """``dictGetSomeKeys(sampledict, samples, count)`` over ``db->dict`` (allkeys-*) or
    ``db->expires`` (volatile-*): O(count) bucket reads from a random bucket (spec.dict), with
    its rehash steps. A database built around its maps without the dicts (some tests) falls
    back to a run of the map's iteration order from a random position."""
    d = v.main_dict() if allkeys else v.expires_dict()
    n = len(v.keys) if allkeys else len(v.expires)
    if len(d) == n:
        out = dict_get_some_keys(d, count, s.random)
        v.sync_rehashing()
        return out
    m = v.snapshot()[0 if allkeys else 1]
    start = s.random() % n
    got = list(islice(m, start, start + count))
    if len(got) < count and start:
        got.extend(islice(m, 0, min(start, count - len(got))))
    return got


def _random_key(s: Step, v: Any, allkeys: bool) -> bytes:
    """``dictGetRandomKey`` of ``db->dict`` / ``db->expires`` (the random policies), with the
    same fallback as :func:`_some_keys`."""
    d = v.main_dict() if allkeys else v.expires_dict()
    n = len(v.keys) if allkeys else len(v.expires)
    if len(d) == n:
        key = dict_random_key(d, s.random)
        v.sync_rehashing()
        assert key is not None
        return key
    m = v.snapshot()[0 if allkeys else 1]
    key2: bytes = next(islice(m, s.random() % n, None))
    return key2


def _score(s: Step, policy: str, key: bytes, db: Any) -> int:
    """The pool's ``idle`` for ``key``: idle ms (LRU), 255 - counter (LFU), or
    ``ULLONG_MAX - expire`` (volatile-ttl): higher is evicted first."""
    if policy == "volatile-ttl":
        when: int = db.expires[key]
        return (1 << 64) - 1 - when
    word = word_of(s, db.lru.get(key))
    if "lfu" in policy:
        return 255 - lfu_decr_and_return(word, s.now_ms, s.config.get("lfu-decay-time", 1))
    return estimate_idle_ms(word, s.now_ms)


def pool_insert(pool: list[tuple[int, bytes, int] | None], idle: int, key: bytes,
                dbid: int) -> None:
    """One insertion of ``evictionPoolPopulate`` into the sorted pool of ``EVPOOL_SIZE``."""
    k = 0
    while k < EVPOOL_SIZE and pool[k] is not None and pool[k][0] < idle:  # type: ignore[index]
        k += 1
    if k == 0 and pool[EVPOOL_SIZE - 1] is not None:
        return  # worse than every candidate in a full pool
    if k < EVPOOL_SIZE and pool[k] is None:
        pass  # an empty slot: insert here
    elif pool[EVPOOL_SIZE - 1] is None:
        pool[k + 1:] = pool[k:EVPOOL_SIZE - 1]  # room on the right: shift right
    else:
        k -= 1  # full: drop the best-kept (leftmost) entry, shift left
        pool[0:k] = pool[1:k + 1]
    pool[k] = (idle, key, dbid)


def eviction_pool_populate(s: Step, policy: str, dbid: int, db: Any,
                           pool: list[tuple[int, bytes, int] | None]) -> None:
    """``evictionPoolPopulate``: sample keys of one database into the pool."""
    allkeys = policy.startswith("allkeys")
    lookup = not allkeys and policy != "volatile-ttl"
    for key in _some_keys(s, db, allkeys, s.config.get("maxmemory-samples", 5)):
        if lookup:  # the object is found in the keyspace dict: ``dictFind``'s rehash step
            _find_step(db, True)
        pool_insert(pool, _score(s, policy, key, db), key, dbid)


def _find_step(v: Any, main: bool) -> None:
    """The rehash step of a ``dictFind`` on ``db->dict`` (``main``) or ``db->expires``."""
    ht = v.tables(main)
    if ht.rehashidx != -1 and len(ht):
        dict_rehash(v.main_dict() if main else v.expires_dict(), 1)
        v.sync_rehashing()


# -- performEvictions ----------------------------------------------------------------------------


def perform_evictions(s: Step) -> int:
    """``performEvictions``: evict until used memory is under ``maxmemory``; EVICT_OK,
    EVICT_RUNNING (budget spent, more to do) or EVICT_FAIL (nothing left to evict).

    ``isSafeToPerformEvictions`` first: while CLIENT PAUSE is on (WRITE or ALL) nothing is
    evicted and the answer is a fake EVICT_OK (no OOM refusal either); a pause found timed
    out ends here (``spec.transport.clients_paused``)."""
    if s.part("transport").pause_type:
        if clients_paused(s):
            return EVICT_OK
    cfg = s.config
    if s.part("repl").masterhost is not None and cfg.get("replica-ignore-maxmemory", True):
        return EVICT_OK  # a replica leaves eviction to its master (its DELs)
    maxmem = cfg.get("maxmemory", 0)
    used = used_memory(s) - not_counted(s)
    if used <= maxmem:
        return EVICT_OK
    policy = cfg.get("maxmemory-policy", "noeviction")
    if policy == "noeviction":
        return EVICT_FAIL
    tofree = used - maxmem
    freed = 0
    budget = time_limit_us(cfg.get("maxmemory-eviction-tenacity", 10))
    work = 0
    state: EvictState = s.part("evict")
    pool: list[tuple[int, bytes, int] | None] = list(state.pool)
    pool += [None] * (EVPOOL_SIZE - len(pool))
    next_db = state.next_db
    allkeys = policy.startswith("allkeys")
    ndb = s.db_count()
    keys_freed = 0
    result = EVICT_FAIL
    try:
        while freed < tofree:
            best: bytes | None = None
            bestdb = -1
            if policy.endswith("random"):
                for _ in range(ndb):
                    next_db += 1
                    j = next_db % ndb
                    v = s.open_db(j)
                    if len(v.keys if allkeys else v.expires):
                        best = _random_key(s, v, allkeys)
                        bestdb = j
                        break
            else:
                while best is None:
                    total = 0
                    for i in range(ndb):
                        v = s.open_db(i)
                        n = v.size() if allkeys else len(v.expires)
                        if n:
                            eviction_pool_populate(s, policy, i, v, pool)
                            total += n
                    if not total:
                        break
                    for k in range(EVPOOL_SIZE - 1, -1, -1):
                        e = pool[k]
                        if e is None:
                            continue
                        pool[k] = None
                        v = s.open_db(e[2])
                        _find_step(v, allkeys)
                        if e[1] in (v.keys if allkeys else v.expires):
                            best, bestdb = e[1], e[2]
                            break
            if best is None:
                return EVICT_FAIL
            v = s.open_db(bestdb)
            before = v.mem
            lazy = bool(s.config.get("lazyfree-lazy-eviction"))
            v.delete(best, lazy)
            freed += before - v.mem
            s.stats = attrs.evolve(s.stats, evicted_keys=s.stats.evicted_keys + 1)
            s.notify("e", "evicted", best, bestdb)
            s.propagate.append((bestdb, (b"UNLINK" if lazy else b"DEL", best)))
            keys_freed += 1
            work += WORK_US_PER_KEY
            if keys_freed % 16 == 0:
                if used_memory(s) - not_counted(s) <= maxmem:
                    break
                if work > budget:
                    result = EVICT_RUNNING
                    return result
        return EVICT_OK
    finally:
        # Pool entries keep their positions (Redis's pool is a fixed array).
        while pool and pool[-1] is None:
            pool.pop()
        s.set_part("evict", attrs.evolve(state, pool=tuple(pool), next_db=next_db))
