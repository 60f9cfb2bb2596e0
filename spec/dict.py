"""Redis's two-table hash dictionary with incremental rehashing (``dict.c``), and ``siphash``.

A dict is two power-of-two tables of buckets; each bucket is a chain of keys, newest first
(``dictAddRaw`` links a new entry at the head). While ``rehashidx`` is not -1 the dict is
*rehashing*: table 0 is being moved, bucket by bucket from ``rehashidx`` upwards, into table 1;
buckets of table 0 below ``rehashidx`` are empty, and new keys go to table 1. When table 0 is
empty, table 1 becomes table 0.

What the mapping holds is kept elsewhere (the keyspace ``Map``); this model holds only where
each key sits, which is what SCAN cursors, KEYS order, RANDOMKEY draws and DEBUG HTSTATS see.

Two forms, as everywhere in the spec:

- :class:`HashTables` — the frozen value stored in the state (tables are persistent maps
  bucket index -> tuple of keys, head first; absent = empty bucket);
- :class:`Dict` — one transition's working copy (tables opened with ``Map.mutate()`` on the
  first change); the functions named after ``dict.c`` (``dict_add``, ``dict_delete``,
  ``dict_find``, ``dict_rehash``, ``dict_expand``, ``dict_resize``) change it in place.

Pure wrappers over :class:`HashTables` (``add``, ``delete``, ``find``, ``rehash``, ``resize``)
thaw, apply and freeze; :func:`dict_scan` and :func:`dict_keys` read either form.

Hashing: ``siphash`` (SipHash-1-2, 64-bit output, case-sensitive) keyed by the server's
16-byte ``dict_hash_function_seed``, an input of :func:`spec.server.new_server` (see
:class:`DictState`), never global randomness.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from immutables import Map

__all__ = [
    "INITIAL_EXP", "FORCE_RESIZE_RATIO", "MIN_FILL", "REHASH_CALL_BUCKETS", "REHASH_CALLS_PER_MS",
    "STATS_VECTLEN", "HashTables", "EMPTY_HT", "DictState", "Dict", "siphash", "siphash_rounds",
    "sip_round", "sip_hash", "seed_words", "dict_hash", "dict_rehash", "dict_rehash_step", "dict_expand",
    "dict_expand_if_needed", "dict_add", "dict_delete", "dict_find", "dict_resize",
    "needs_resize", "rehash_milliseconds", "dict_scan", "dict_keys", "dict_random_key",
    "get_stats", "dict_get_some_keys", "dict_fair_random_key", "add", "delete", "find", "rehash", "rehash_ms", "resize", "expand", "build", "rev64",
    "bucket_of", "size_of",
]

INITIAL_EXP = 2  # DICT_HT_INITIAL_EXP: the first table has 4 buckets
FORCE_RESIZE_RATIO = 5  # dict_force_resize_ratio
MIN_FILL = 10  # HASHTABLE_MIN_FILL (percent), server.h
#: ``dictRehashMilliseconds`` calls ``dictRehash(d, 100)`` until 1 ms has passed. A pure spec
#: has no clock: a millisecond is modelled as ``REHASH_CALLS_PER_MS`` such calls (a work budget,
#: as spec.expire does for the expire cycle).
REHASH_CALL_BUCKETS = 100
REHASH_CALLS_PER_MS = 10
STATS_VECTLEN = 50  # DICT_STATS_VECTLEN

_M64 = 0xFFFFFFFFFFFFFFFF
_EMPTY: Map[int, tuple[bytes, ...]] = Map()
_Q = struct.Struct("<Q").unpack_from


# -- siphash ------------------------------------------------------------------------------------


def seed_words(seed: bytes) -> tuple[int, int, int, int]:
    """The four SipHash state words a 16-byte key starts from (``k0``/``k1`` xor the
    "somepseudorandomlygeneratedbytes" constants), computed once per seed."""
    k0, k1 = struct.unpack("<QQ", seed)
    return (k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D,
            k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573)


def sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    """``SIPROUND`` (``siphash.c``): one add-rotate-xor round of the four state words."""
    v0 = (v0 + v1) & _M64
    v1 = ((v1 << 13) | (v1 >> 51)) & _M64 ^ v0
    v0 = ((v0 << 32) | (v0 >> 32)) & _M64
    v2 = (v2 + v3) & _M64
    v3 = ((v3 << 16) | (v3 >> 48)) & _M64 ^ v2
    v0 = (v0 + v3) & _M64
    v3 = ((v3 << 21) | (v3 >> 43)) & _M64 ^ v0
    v2 = (v2 + v1) & _M64
    v1 = ((v1 << 17) | (v1 >> 47)) & _M64 ^ v2
    v2 = ((v2 << 32) | (v2 >> 32)) & _M64
    return v0, v1, v2, v3


def sip_hash(data: bytes, w: tuple[int, int, int, int], c: int, d: int) -> int:
    """``siphash`` (``siphash.c``) as SipHash-c-d with a 64-bit output, from the state words
    ``w`` (:func:`seed_words`): ``c`` rounds per 8-byte block (the last one holds the tail
    and the length), then ``d`` finalisation rounds."""
    v0, v1, v2, v3 = w
    n = len(data)
    end = n - (n & 7)
    blocks = [_Q(data, i)[0] for i in range(0, end, 8)]
    blocks.append(((n & 0xFF) << 56) | int.from_bytes(data[end:], "little"))
    for m in blocks:
        v3 ^= m
        for _ in range(c):
            v0, v1, v2, v3 = sip_round(v0, v1, v2, v3)
        v0 ^= m
    v2 ^= 0xFF
    for _ in range(d):
        v0, v1, v2, v3 = sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def siphash_py(data: bytes, w: tuple[int, int, int, int]) -> int:
    """Redis's ``siphash`` (SipHash-1-2, 8-byte output) of ``data`` with the precomputed seed
    words ``w`` (:func:`seed_words`): the pure-Python definition the C build must agree with."""
    return sip_hash(data, w, 1, 2)


_Hash = Callable[[bytes, tuple[int, int, int, int]], int]
_siphash_c: _Hash | None
try:  # the optional C build of the same function (spec/_siphash.c, built by setup.py)
    from ._siphash import siphash12 as _c_build

    _siphash_c = _c_build
except ImportError:  # no C compiler at install time: the Python definition serves
    _siphash_c = None

#: ``siphash``: the C build when present, else :func:`siphash_py` (a property checks they agree).
siphash: _Hash = _siphash_c if _siphash_c is not None else siphash_py


def siphash_rounds(data: bytes, key: bytes, c: int, d: int) -> int:
    """Generic SipHash-c-d with a 64-bit output keyed by the 16-byte ``key`` (SipHash-2-4
    has published test vectors, which pin :func:`sip_hash` down)."""
    return sip_hash(data, seed_words(key), c, d)


# -- the values ---------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class HashTables:
    """A dict as stored in the state (``struct dict`` of Redis 7.0): table size exponents
    (-1 = not allocated), element counts, ``rehashidx`` (-1 = not rehashing) and the two
    tables, bucket index -> chain of keys (head first; empty buckets absent)."""

    exp0: int = -1
    exp1: int = -1
    used0: int = 0
    used1: int = 0
    rehashidx: int = -1
    t0: Map[int, tuple[bytes, ...]] = _EMPTY
    t1: Map[int, tuple[bytes, ...]] = _EMPTY

    def __len__(self) -> int:
        """``dictSize``."""
        return self.used0 + self.used1


EMPTY_HT = HashTables()


def size_of(exp: int) -> int:
    """``DICTHT_SIZE``: buckets of a table with size exponent ``exp`` (0 if not allocated)."""
    return 0 if exp == -1 else 1 << exp


@attrs.frozen(slots=True)
class DictState:
    """Server-wide dict settings (a ``ServerState`` field): the hash seed
    (``dict_hash_function_seed``, 16 bytes, as precomputed SipHash words), ``dict_can_resize``
    (false while a fork child exists; always true until RDB/AOF land), and ``databasesCron``'s
    statics ``resize_db`` / ``rehash_db``."""

    seed: tuple[int, int, int, int] = seed_words(bytes(16))
    can_resize: bool = True
    resize_db: int = 0
    rehash_db: int = 0

    @staticmethod
    def from_seed(seed: int) -> DictState:
        """Derive the 16-byte hash seed from the server's integer seed (splitmix64 twice)."""
        out = b""
        x = seed & _M64
        for _ in (0, 1):
            x = (x + 0x9E3779B97F4A7C15) & _M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
            out += (z ^ (z >> 31)).to_bytes(8, "little")
        return DictState(seed=seed_words(out))


class Dict:
    """A dict opened for change in one transition (the working copy of a :class:`HashTables`).

    Tables are opened with ``Map.mutate()`` on their first change; :meth:`freeze` returns
    the :class:`HashTables` (the same object if nothing changed)."""

    __slots__ = ("base", "exp0", "exp1", "used0", "used1", "rehashidx", "t0", "t1", "_open0",
                 "_open1", "changed", "seed")

    def __init__(self, ht: HashTables, seed: tuple[int, int, int, int]) -> None:
        self.base = ht
        self.exp0, self.exp1 = ht.exp0, ht.exp1
        self.used0, self.used1 = ht.used0, ht.used1
        self.rehashidx = ht.rehashidx
        self.t0: Any = ht.t0
        self.t1: Any = ht.t1
        self._open0 = self._open1 = False
        self.changed = False
        self.seed = seed

    def w0(self) -> Any:
        """Table 0 opened for change."""
        if not self._open0:
            self.t0 = self.t0.mutate()
            self._open0 = True
        self.changed = True
        return self.t0

    def w1(self) -> Any:
        """Table 1 opened for change."""
        if not self._open1:
            self.t1 = self.t1.mutate()
            self._open1 = True
        self.changed = True
        return self.t1

    def __len__(self) -> int:
        return self.used0 + self.used1

    def freeze(self) -> HashTables:
        """The :class:`HashTables` this working copy now holds. The working copy stays usable."""
        if not self.changed:
            return self.base
        t0 = self.t0.finish() if self._open0 else self.t0
        t1 = self.t1.finish() if self._open1 else self.t1
        self.t0, self.t1 = t0, t1
        self._open0 = self._open1 = False
        self.changed = False
        self.base = HashTables(self.exp0, self.exp1, self.used0, self.used1, self.rehashidx, t0, t1)
        return self.base


# -- dict.c -------------------------------------------------------------------------------------


def dict_hash(d: Dict, key: bytes) -> int:
    """``dictHashKey``: the key's 64-bit siphash under the server seed."""
    return siphash(key, d.seed)


def dict_rehash(d: Dict, n: int) -> bool:
    """``dictRehash(d, n)``: move up to ``n`` non-empty buckets of table 0 to table 1, visiting
    at most ``n*10`` empty buckets. Each moved key is linked at the head of its new bucket (a
    chain comes out reversed). When table 0 is empty, table 1 takes its place. True if there is
    more to move."""
    if d.rehashidx == -1:
        return False
    empty_visits = n * 10
    t0 = d.t0
    mask1 = (1 << d.exp1) - 1
    seed = d.seed
    while n and d.used0:
        n -= 1
        idx = d.rehashidx
        chain = t0.get(idx)
        while chain is None:
            idx += 1
            d.rehashidx = idx
            empty_visits -= 1
            if empty_visits == 0:
                d.changed = True  # rehashidx moved: the frozen dict must keep it
                return True
            chain = t0.get(idx)
        w1 = d.w1()
        for key in chain:
            h = siphash(key, seed) & mask1
            old = w1.get(h)
            w1[h] = (key,) if old is None else (key, *old)
        d.used0 -= len(chain)
        d.used1 += len(chain)
        t0 = d.w0()
        del t0[idx]
        d.rehashidx = idx + 1
    if d.used0 == 0:
        d.t0, d._open0 = d.t1, d._open1
        d.exp0, d.used0 = d.exp1, d.used1
        d.t1, d._open1 = _EMPTY, False
        d.exp1, d.used1 = -1, 0
        d.rehashidx = -1
        d.changed = True
        return False
    return True


def dict_rehash_step(d: Dict) -> None:
    """``_dictRehashStep``: one bucket of rehashing, done by a find/add/delete while the dict
    is rehashing (no safe iterator outlives a command here, so rehashing is never paused)."""
    dict_rehash(d, 1)


def _next_exp(size: int) -> int:
    """``_dictNextExp``: the smallest exponent >= 2 whose power of two is >= ``size``."""
    e = INITIAL_EXP
    while (1 << e) < size:
        e += 1
    return e


def dict_expand(d: Dict, size: int) -> bool:
    """``_dictExpand``: allocate a table for ``size`` elements (rounded up to a power of two).

    Refused while rehashing, below the element count, or to the current size. An
    unallocated dict gets it as table 0; otherwise it becomes table 1 and rehashing starts."""
    if d.rehashidx != -1 or d.used0 > size:
        return False
    e = _next_exp(size)
    if e == d.exp0:
        return False
    if d.exp0 == -1:
        d.exp0 = e
        d.used0 = 0
        d.changed = True
        return True
    d.exp1 = e
    d.used1 = 0
    d.t1, d._open1 = _EMPTY, False
    d.rehashidx = 0
    d.changed = True
    return True


def dict_expand_if_needed(d: Dict, can_resize: bool) -> None:
    """``_dictExpandIfNeeded``: a first table of 4; grow to fit ``used + 1`` once used reaches
    the table size, if resizing is allowed (``dict_can_resize``) or the load factor passed
    ``dict_force_resize_ratio``. (``dictTypeExpandAllowed`` only refuses under maxmemory
    pressure, not modelled.)"""
    if d.rehashidx != -1:
        return
    if d.exp0 == -1:
        dict_expand(d, 1 << INITIAL_EXP)
        return
    size = 1 << d.exp0
    if d.used0 >= size and (can_resize or d.used0 // size > FORCE_RESIZE_RATIO):
        dict_expand(d, d.used0 + 1)


def dict_add(d: Dict, key: bytes, can_resize: bool = True) -> None:
    """``dictAdd`` of a key known to be absent: a rehash step if rehashing, grow if needed,
    then link the key at the head of its bucket in table 1 while rehashing, else table 0."""
    if d.rehashidx != -1:
        dict_rehash(d, 1)
    dict_expand_if_needed(d, can_resize)
    h = siphash(key, d.seed)
    d.changed = True
    # One write per table per command is the common case: a persistent ``set`` then, and a
    # mutation only once a table is already open (rehash steps open it).
    if d.rehashidx != -1:
        idx = h & ((1 << d.exp1) - 1)
        d.used1 += 1
        old = d.t1.get(idx)
        chain = (key,) if old is None else (key, *old)
        if d._open1:
            d.t1[idx] = chain
        else:
            d.t1 = d.t1.set(idx, chain)
    else:
        idx = h & ((1 << d.exp0) - 1)
        d.used0 += 1
        old = d.t0.get(idx)
        chain = (key,) if old is None else (key, *old)
        if d._open0:
            d.t0[idx] = chain
        else:
            d.t0 = d.t0.set(idx, chain)


def _unlink(t: Any, idx: int, chain: tuple[bytes, ...], key: bytes) -> None:
    """``dictGenericDelete``'s unlink: ``key`` out of bucket ``idx`` (holding ``chain``) of the
    opened table ``t``; a bucket left empty goes."""
    rest = tuple(k for k in chain if k != key)
    if rest:
        t[idx] = rest
    else:
        del t[idx]


def dict_delete(d: Dict, key: bytes) -> bool:
    """``dictDelete``: unlink ``key`` (a rehash step first if rehashing); False if absent."""
    if d.used0 + d.used1 == 0:
        return False
    if d.rehashidx != -1:
        dict_rehash(d, 1)
    h = siphash(key, d.seed)
    idx = h & ((1 << d.exp0) - 1)
    chain = d.t0.get(idx)
    if chain is not None and key in chain:
        _unlink(d.w0(), idx, chain, key)
        d.used0 -= 1
        return True
    if d.rehashidx == -1:
        return False
    idx = h & ((1 << d.exp1) - 1)
    chain = d.t1.get(idx)
    if chain is not None and key in chain:
        _unlink(d.w1(), idx, chain, key)
        d.used1 -= 1
        return True
    return False


def dict_find(d: Dict, key: bytes) -> bool:
    """``dictFind``: a rehash step if the dict is non-empty and rehashing, then whether ``key``
    is in either table."""
    if d.used0 + d.used1 == 0:
        return False
    if d.rehashidx != -1:
        dict_rehash(d, 1)
    h = siphash(key, d.seed)
    chain = d.t0.get(h & ((1 << d.exp0) - 1))
    if chain is not None and key in chain:
        return True
    if d.rehashidx == -1:
        return False
    chain = d.t1.get(h & ((1 << d.exp1) - 1))
    return chain is not None and key in chain


def dict_resize(d: Dict, can_resize: bool = True) -> bool:
    """``dictResize``: shrink (or grow) table 0 to the smallest power of two >= max(used, 4),
    by rehashing into a new table. Refused while rehashing or when resizing is not allowed."""
    if not can_resize or d.rehashidx != -1:
        return False
    return dict_expand(d, max(d.used0, 1 << INITIAL_EXP))


def needs_resize(d: Dict | HashTables) -> bool:
    """``htNeedsResize``: more than 4 slots in all and under ``HASHTABLE_MIN_FILL`` percent
    full (the shrink test of ``tryResizeHashTables``)."""
    size = size_of(d.exp0) + size_of(d.exp1)
    used = d.used0 + d.used1
    return size > (1 << INITIAL_EXP) and used * 100 // size < MIN_FILL


def rehash_milliseconds(d: Dict, ms: int = 1) -> int:
    """``dictRehashMilliseconds``: ``dictRehash(d, 100)`` until the modelled time is up
    (``REHASH_CALLS_PER_MS`` calls per ms, at least one); the number of buckets asked for."""
    done = 0
    calls = 0
    while dict_rehash(d, REHASH_CALL_BUCKETS):
        done += REHASH_CALL_BUCKETS
        calls += 1
        if calls >= REHASH_CALLS_PER_MS * ms:
            break
    return done


# -- reading ------------------------------------------------------------------------------------


def bucket_of(ht: Dict | HashTables, key: bytes, seed: tuple[int, int, int, int]) -> tuple[int, int]:
    """(table, bucket) where ``key`` must sit if present: table 0 unless its bucket there is
    below ``rehashidx`` (already moved)."""
    h = siphash(key, seed)
    i0 = h & ((1 << ht.exp0) - 1) if ht.exp0 != -1 else 0
    if ht.rehashidx != -1 and i0 < ht.rehashidx:
        return 1, h & ((1 << ht.exp1) - 1)
    return 0, i0


def rev64(v: int) -> int:
    """``rev``: the 64 bits of ``v`` in reverse order."""
    return int(f"{v:064b}"[::-1], 2)


def dict_scan(d: Dict | HashTables, cursor: int, fn: Callable[[bytes], None]) -> int:
    """``dictScan``: call ``fn`` on every key of the bucket(s) the cursor names and return the
    next cursor (0 when the iteration is over).

    The cursor counts with its bits reversed, so that buckets of a table twice (or half) as
    big are visited in a compatible order: every key present for the whole iteration is
    returned at least once, across any number of resizes. While rehashing, the cursor's bucket
    of the smaller table is visited, then every bucket of the larger table that expands it.
    """
    if d.used0 + d.used1 == 0:
        return 0
    v = cursor & _M64
    if d.rehashidx == -1:
        m0 = (1 << d.exp0) - 1
        chain = d.t0.get(v & m0)
        if chain:
            for k in chain:
                fn(k)
        v |= ~m0 & _M64
        return rev64((rev64(v) + 1) & _M64)
    ts, tl = (d.t0, d.t1) if d.exp0 <= d.exp1 else (d.t1, d.t0)
    m0 = (1 << min(d.exp0, d.exp1)) - 1
    m1 = (1 << max(d.exp0, d.exp1)) - 1
    chain = ts.get(v & m0)
    if chain:
        for k in chain:
            fn(k)
    while True:
        chain = tl.get(v & m1)
        if chain:
            for k in chain:
                fn(k)
        v |= ~m1 & _M64
        v = rev64((rev64(v) + 1) & _M64)
        if not v & (m0 ^ m1):
            return v


def dict_keys(d: Dict | HashTables) -> Iterator[bytes]:
    """Keys in ``dictGetIterator`` order: table 0's buckets in index order, then table 1's
    (while rehashing), each chain head first (KEYS)."""
    for t in (d.t0, d.t1) if d.rehashidx != -1 else (d.t0,):
        if not len(t):
            continue
        for idx in sorted(t.keys()):
            yield from t[idx]


def dict_random_key(d: Dict, rand: Callable[[], int]) -> bytes | None:
    """``dictGetRandomKey``: a rehash step if rehashing; then random buckets until a
    non-empty one (none below ``rehashidx``), then a random key of its chain. ``rand`` draws
    32 random bits (two draws make Redis's ``randomULong``)."""
    if d.used0 + d.used1 == 0:
        return None
    if d.rehashidx != -1:
        dict_rehash(d, 1)
    if d.rehashidx != -1:
        s0 = 1 << d.exp0
        slots = s0 + (1 << d.exp1)
        while True:
            h = d.rehashidx + ((rand() << 32) | rand()) % (slots - d.rehashidx)
            chain = d.t1.get(h - s0) if h >= s0 else d.t0.get(h)
            if chain:
                break
    else:
        m = (1 << d.exp0) - 1
        while True:
            chain = d.t0.get(((rand() << 32) | rand()) & m)
            if chain:
                break
    return chain[rand() % len(chain)]  # type: ignore[no-any-return]


GETFAIR_NUM_ENTRIES = 15


def dict_get_some_keys(d: Dict, count: int, rand: Callable[[], int]) -> list[bytes]:
    """``dictGetSomeKeys``: up to ``count`` keys found by walking buckets from a random
    index of the larger table (both tables while rehashing, skipping table 0 below
    ``rehashidx``), jumping elsewhere after a run of empty buckets; at most ``count*10``
    steps. First does up to ``count`` rehash steps."""
    size = d.used0 + d.used1
    if size < count:
        count = size
    maxsteps = count * 10
    for _ in range(count):
        if d.rehashidx == -1:
            break
        dict_rehash(d, 1)
    rehashing = d.rehashidx != -1
    tables = ((d.t0, d.exp0), (d.t1, d.exp1)) if rehashing else ((d.t0, d.exp0),)
    maxmask = (1 << d.exp0) - 1 if d.exp0 != -1 else 0
    if rehashing and (1 << d.exp1) - 1 > maxmask:
        maxmask = (1 << d.exp1) - 1
    out: list[bytes] = []
    i = ((rand() << 32) | rand()) & maxmask
    emptylen = 0
    while len(out) < count and maxsteps:
        maxsteps -= 1
        for j, (t, e) in enumerate(tables):
            if rehashing and j == 0 and i < d.rehashidx:
                if i >= size_of(d.exp1):
                    i = d.rehashidx
                else:
                    continue
            if i >= size_of(e):
                continue
            chain = t.get(i)
            if chain is None:
                emptylen += 1
                if emptylen >= 5 and emptylen > count:
                    i = ((rand() << 32) | rand()) & maxmask
                    emptylen = 0
            else:
                emptylen = 0
                for k in chain:
                    out.append(k)
                    if len(out) == count:
                        return out
        i = (i + 1) & maxmask
    return out


def dict_fair_random_key(d: Dict, rand: Callable[[], int]) -> bytes | None:
    """``dictGetFairRandomKey``: one of ``dictGetSomeKeys(d, 15)`` at random (long chains are
    not favoured as much as by a bucket draw), else ``dictGetRandomKey``."""
    keys = dict_get_some_keys(d, GETFAIR_NUM_ENTRIES, rand)
    if not keys:
        return dict_random_key(d, rand)
    return keys[rand() % len(keys)]


def _stats_ht(ht: HashTables, i: int) -> str:
    """``_dictGetStatsHt`` of Redis 7.0.15 (always the full form)."""
    used = ht.used0 if i == 0 else ht.used1
    what = "main hash table" if i == 0 else "rehashing target"
    if used == 0:
        return f"Hash table {i} stats ({what}):\nNo stats available for empty dictionaries\n"
    size = size_of(ht.exp0 if i == 0 else ht.exp1)
    t = ht.t0 if i == 0 else ht.t1
    vec = [0] * STATS_VECTLEN
    vec[0] = size - len(t)
    slots = maxchain = total = 0
    for chain in t.values():
        n = len(chain)
        slots += 1
        vec[min(n, STATS_VECTLEN - 1)] += 1
        maxchain = max(maxchain, n)
        total += n
    lines = [
        f"Hash table {i} stats ({what}):",
        f" table size: {size}",
        f" number of elements: {used}",
        f" different slots: {slots}",
        f" max chain length: {maxchain}",
        f" avg chain length (counted): {_f32(total / slots):.2f}",
        f" avg chain length (computed): {_f32(used / slots):.2f}",
        " Chain length distribution:",
    ]
    for n in range(STATS_VECTLEN - 1):
        if vec[n]:
            lines.append(f"   {n}: {vec[n]} ({_f32(_f32(vec[n] / size) * 100):.2f}%)")
    return "\n".join(lines) + "\n"


def _f32(x: float) -> float:
    """C's ``(float)`` cast (the stats divide in single precision)."""
    return float(struct.unpack("<f", struct.pack("<f", x))[0])


def get_stats(ht: HashTables) -> str:
    """``dictGetStats``: the text DEBUG HTSTATS prints for one dict (table 0, then table 1
    while rehashing)."""
    text = _stats_ht(ht, 0)
    if ht.rehashidx != -1:
        text += _stats_ht(ht, 1)
    return text[:4095]


# -- pure wrappers ------------------------------------------------------------------------------

_DEFAULT_SEED = DictState().seed


def _apply(ht: HashTables, seed: tuple[int, int, int, int], f: Callable[[Dict], Any]) -> tuple[HashTables, Any]:
    d = Dict(ht, seed)
    r = f(d)
    return d.freeze(), r


def add(ht: HashTables, key: bytes, seed: tuple[int, int, int, int] = _DEFAULT_SEED,
        can_resize: bool = True) -> HashTables:
    """:func:`dict_add` as a pure function."""
    return _apply(ht, seed, lambda d: dict_add(d, key, can_resize))[0]


def delete(ht: HashTables, key: bytes,
           seed: tuple[int, int, int, int] = _DEFAULT_SEED) -> tuple[HashTables, bool]:
    """:func:`dict_delete` as a pure function."""
    return _apply(ht, seed, lambda d: dict_delete(d, key))


def find(ht: HashTables, key: bytes,
         seed: tuple[int, int, int, int] = _DEFAULT_SEED) -> tuple[HashTables, bool]:
    """:func:`dict_find` as a pure function (the find's rehash step shows in the result)."""
    return _apply(ht, seed, lambda d: dict_find(d, key))


def rehash(ht: HashTables, n: int, seed: tuple[int, int, int, int] = _DEFAULT_SEED) -> HashTables:
    """:func:`dict_rehash` as a pure function."""
    return _apply(ht, seed, lambda d: dict_rehash(d, n))[0]


def resize(ht: HashTables, seed: tuple[int, int, int, int] = _DEFAULT_SEED,
           can_resize: bool = True) -> HashTables:
    """:func:`dict_resize` as a pure function."""
    return _apply(ht, seed, lambda d: dict_resize(d, can_resize))[0]


def rehash_ms(ht: HashTables, ms: int, seed: tuple[int, int, int, int] = _DEFAULT_SEED) -> HashTables:
    """:func:`rehash_milliseconds` as a pure function."""
    return _apply(ht, seed, lambda d: rehash_milliseconds(d, ms))[0]


def expand(ht: HashTables, size: int, seed: tuple[int, int, int, int] = _DEFAULT_SEED) -> HashTables:
    """:func:`dict_expand` as a pure function."""
    return _apply(ht, seed, lambda d: dict_expand(d, size))[0]


def build(keys: list[bytes], seed: tuple[int, int, int, int] = _DEFAULT_SEED) -> HashTables:
    """A dict holding ``keys``, added one by one in order (``dictAdd`` each)."""
    d = Dict(EMPTY_HT, seed)
    for k in keys:
        dict_add(d, k)
    return d.freeze()
