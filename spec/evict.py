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
fires the ``evicted`` keyspace event and propagates a DEL. Time budget: Redis stops after
``evictionTimeLimitUs`` (from ``maxmemory-eviction-tenacity``), checked every 16 keys; here
each evicted key costs ``WORK_US_PER_KEY`` modelled microseconds. While CLIENT PAUSE is on,
nothing is evicted (``isSafeToPerformEvictions``; see ``spec.transport``).
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

import attrs
from immutables import Map

from .dict import dict_get_some_keys, dict_random_key, dict_rehash
from .memory import CLIENT_COST, STARTUP_MEMORY
from .numbers import string2ll

if TYPE_CHECKING:
    from .step import Step

__all__ = [
    "LRU_CLOCK_MAX", "LRU_CLOCK_RESOLUTION", "LFU_INIT_VAL", "EVPOOL_SIZE", "EvictState",
    "lru_clock", "lfu_minutes", "estimate_idle_ms", "lfu_decr_and_return", "lfu_log_incr",
    "new_lru", "is_lfu", "used_memory", "perform_evictions", "EVICT_OK", "EVICT_RUNNING",
    "EVICT_FAIL", "NOTOUCH", "OOM_ERROR", "OBJ_SHARED_INTEGERS", "shared_marker", "word_of",
    "set_shared_word", "touch_shared",
]

LRU_BITS = 24
LRU_CLOCK_MAX = (1 << LRU_BITS) - 1
LRU_CLOCK_RESOLUTION = 1000
LFU_INIT_VAL = 5
EVPOOL_SIZE = 16
EVICT_OK, EVICT_RUNNING, EVICT_FAIL = 0, 1, 2
#: Modelled cost of one eviction against ``evictionTimeLimitUs``.
WORK_US_PER_KEY = 1
#: Commands that look keys up with ``LOOKUP_NOTOUCH`` (their access leaves ``lru`` alone).
NOTOUCH = frozenset({
    "exists", "type", "ttl", "pttl", "expiretime", "pexpiretime", "object|encoding",
    "object|freq", "object|idletime", "object|refcount", "memory|usage",
})
OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'."


@attrs.frozen(slots=True)
class EvictState:
    """What ``evict.c`` keeps between calls: the eviction pool (``EvictionPoolLRU``, sorted
    by ascending idle score: entries ``(idle, key, dbid)``, at most ``EVPOOL_SIZE``, the
    same key may appear twice as in Redis) and ``next_db`` of the random policies."""

    pool: tuple[tuple[int, bytes, int] | None, ...] = ()
    next_db: int = 0
    #: Access words of the shared integer objects (``shared.integers[n]``, n < 10000) that
    #: were written since start; the others still hold their startup word.
    shared: Map[int, int] = Map()


def lru_clock(now_ms: int) -> int:
    """``LRU_CLOCK()`` / ``getLRUClock``: seconds mod 2**24."""
    return (now_ms // LRU_CLOCK_RESOLUTION) & LRU_CLOCK_MAX


def lfu_minutes(now_ms: int) -> int:
    """``LFUGetTimeInMinutes``: unix minutes mod 2**16."""
    return (now_ms // 60000) & 65535


def is_lfu(config: Any) -> bool:
    """``server.maxmemory_policy & MAXMEMORY_FLAG_LFU``."""
    return "lfu" in config.get("maxmemory-policy", "noeviction")


def new_lru(config: Any, now_ms: int) -> int:
    """``createObject``'s ``o->lru``: the LFU start word or the current LRU clock."""
    if "lfu" in config.get("maxmemory-policy", "noeviction"):
        return (lfu_minutes(now_ms) << 8) | LFU_INIT_VAL
    return lru_clock(now_ms)


def estimate_idle_ms(lru: int, now_ms: int) -> int:
    """``estimateObjectIdleTime``: ms since the access recorded in ``lru`` (wrap-aware)."""
    clock = lru_clock(now_ms)
    if clock >= lru:
        return (clock - lru) * LRU_CLOCK_RESOLUTION
    return (clock + (LRU_CLOCK_MAX - lru)) * LRU_CLOCK_RESOLUTION


def lfu_decr_and_return(word: int, now_ms: int, decay_time: int) -> int:
    """``LFUDecrAndReturn``: the counter after ``lfu-decay-time`` decay (not stored)."""
    ldt, counter = word >> 8, word & 255
    now = lfu_minutes(now_ms)
    elapsed = now - ldt if now >= ldt else 65535 - ldt + now
    periods = elapsed // decay_time if decay_time else 0
    if periods:
        counter = 0 if periods > counter else counter - periods
    return counter


def lfu_log_incr(counter: int, factor: int, draw: int) -> int:
    """``LFULogIncr``: +1 with probability ``1/(baseval*factor+1)``; ``draw`` is 32 random
    bits standing for ``rand()/RAND_MAX``."""
    if counter == 255:
        return 255
    base = counter - LFU_INIT_VAL
    if base < 0:
        base = 0
    # r < 1/(base*factor+1)  <=>  r * (base*factor+1) < 1, with r = draw / 2**32.
    if draw * (base * factor + 1) < 1 << 32:
        return counter + 1
    return counter


def touched(s: Step, word: int | None) -> int:
    """The new ``lru`` word after an access (``lookupKey``'s touch, ``updateLFU``)."""
    cfg = s.config
    if "lfu" in cfg.get("maxmemory-policy", "noeviction"):
        now = s.now_ms
        if word is None:
            word = (lfu_minutes(now) << 8) | LFU_INIT_VAL
        c = lfu_decr_and_return(word, now, cfg.get("lfu-decay-time", 1))
        if c < 255:
            c = lfu_log_incr(c, cfg.get("lfu-log-factor", 10), s.random())
        return (lfu_minutes(now) << 8) | c
    return (s.now_ms // LRU_CLOCK_RESOLUTION) & LRU_CLOCK_MAX


# -- shared integers ------------------------------------------------------------------------------
#
# Redis stores the integers 0..9999 (``OBJ_SHARED_INTEGERS``) as shared objects when a value
# goes through ``tryObjectEncoding`` (SET, MSET, ...) or ``createStringObjectFromLongLongForValue``
# (INCR, DECRBY, ...), unless ``maxmemory`` is set with an LRU/LFU policy. Every key holding the
# same shared object shares its ``lru`` word: a touch of one is seen by all. In ``Db.lru`` such
# a key holds the marker ``-1 - n``; the word itself is in ``EvictState.shared`` (absent: the
# word ``createSharedObjects`` gave it at startup, the LRU clock of the start time).

OBJ_SHARED_INTEGERS = 10000


def shared_marker(config: Any, value: Any) -> int | None:
    """The marker of ``shared.integers[n]`` if storing ``value`` now stores that shared
    object (plain ``bytes`` reading as 0..9999 while sharing is allowed), else None."""
    if type(value) is not bytes or len(value) > 4:
        return None
    n = string2ll(value)
    if n is None or n < 0:
        return None
    if config.get("maxmemory", 0):
        policy = config.get("maxmemory-policy", "noeviction")
        if "lru" in policy or "lfu" in policy:
            return None
    return -1 - n


def word_of(s: Step, word: int | None) -> int:
    """The access word behind a ``Db.lru`` entry (a shared integer's marker resolved)."""
    if word is None:
        return 0
    if word >= 0:
        return word
    st: EvictState = s.part("evict")
    w = st.shared.get(-1 - word)
    return lru_clock(s.base.start_time_ms) if w is None else w


def set_shared_word(s: Step, marker: int, word: int) -> None:
    """``shared.integers[n]->lru = word``."""
    st: EvictState = s.part("evict")
    s.set_part("evict", attrs.evolve(st, shared=st.shared.set(-1 - marker, word)))


def touch_shared(s: Step, marker: int) -> None:
    """``lookupKey``'s touch of a key holding a shared integer: the shared object's word."""
    w = word_of(s, marker)
    new = touched(s, w)
    if new != w:
        set_shared_word(s, marker, new)


# -- memory --------------------------------------------------------------------------------------


def used_memory(s: Step) -> int:
    """``zmalloc_used_memory()`` in the model: startup + clients + every database's keys."""
    total = STARTUP_MEMORY + CLIENT_COST * client_count(s)
    views = s._views
    for i, d in enumerate(s.base.dbs):
        v = views.get(i)
        total += d.mem if v is None else v.mem
    return total


def client_count(s: Step) -> int:
    """Connected clients as this transition sees them."""
    n = len(s.clients)
    c = getattr(s, "client", None)
    if c is not None and c.id not in s.clients:
        n += 1
    return n


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
        v._sync_rh()
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
        v._sync_rh()
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
    d = v.kd if main else v.ed
    ht = (v._db.ht if main else v._db.expires_ht) if d is None else d
    if ht.rehashidx != -1 and len(ht):
        dict_rehash(v.main_dict() if main else v.expires_dict(), 1)
        v._sync_rh()


# -- performEvictions ----------------------------------------------------------------------------


def perform_evictions(s: Step) -> int:
    """``performEvictions``: evict until used memory is under ``maxmemory``; EVICT_OK,
    EVICT_RUNNING (budget spent, more to do) or EVICT_FAIL (nothing left to evict).

    ``isSafeToPerformEvictions`` first: while CLIENT PAUSE is on (WRITE or ALL) nothing is
    evicted and the answer is a fake EVICT_OK (no OOM refusal either); a pause found timed
    out ends here (``spec.transport.clients_paused``)."""
    parts = s.parts
    tp = parts["transport"] if parts is not None and "transport" in parts else s.base.transport
    if tp.pause_type:
        from .transport import clients_paused
        if clients_paused(s):
            return EVICT_OK
    cfg = s.config
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
            v.delete(best)
            freed += before - v.mem
            s.stats = attrs.evolve(s.stats, evicted_keys=s.stats.evicted_keys + 1)
            s.notify("e", "evicted", best, bestdb)
            s.propagate.append((bestdb, (b"DEL", best)))
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
