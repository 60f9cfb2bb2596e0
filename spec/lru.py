"""The per-key access word (``robj->lru``): LRU clock or LFU counter, as Redis's ``evict.c``
and ``object.c`` keep it.

Every key carries 24 bits of access metadata, kept in ``Db.lru`` (key -> int):

- LRU policies (and no policy): the LRU clock of the last access, ``(unix s) mod 2**24``
  (``LRU_CLOCK_RESOLUTION`` 1000 ms); ``estimateObjectIdleTime`` handles the wrap-around.
- LFU policies: ``ldt << 8 | counter`` — minutes ``mod 2**16`` of the last decrement and an
  8-bit logarithmic counter (``LFULogIncr``, drawn from the explicit PRNG;
  ``LFUDecrAndReturn``: -1 per ``lfu-decay-time`` minutes elapsed). New keys start at
  ``LFU_INIT_VAL`` (5).

A lookup touches the word (``lookupKey``); eviction (``spec.evict``) reads it. Layer: db.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .numbers import string2ll
from .state import EvictState

if TYPE_CHECKING:
    from .step import Step

__all__ = [
    "LRU_CLOCK_MAX", "LRU_CLOCK_RESOLUTION", "LFU_INIT_VAL", "NOTOUCH", "OBJ_SHARED_INTEGERS",
    "lru_clock", "lfu_minutes", "is_lfu", "new_lru", "estimate_idle_ms", "lfu_decr_and_return",
    "lfu_log_incr", "touched", "shared_marker", "word_of", "set_shared_word", "touch_shared",
]

LRU_BITS = 24
LRU_CLOCK_MAX = (1 << LRU_BITS) - 1
LRU_CLOCK_RESOLUTION = 1000
LFU_INIT_VAL = 5

#: Commands that look keys up with ``LOOKUP_NOTOUCH`` (their access leaves ``lru`` alone).
NOTOUCH = frozenset({
    "exists", "type", "ttl", "pttl", "expiretime", "pexpiretime", "object|encoding",
    "object|freq", "object|idletime", "object|refcount", "memory|usage",
})

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
