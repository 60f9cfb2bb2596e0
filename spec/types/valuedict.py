"""The dict a hashtable-encoded value carries (a set's ``OBJ_ENCODING_HT``, a hash's
``OBJ_ENCODING_HT``, a sorted set's ``zset->dict``), as :class:`~redspec.spec.dict.HashTables`.

The value types call these pure helpers with the server's hash seed (``Seed``, from
``ServerState.dicts.seed``, passed in by the command handler). A value built by a path that
gave no seed carries ``ht = None`` ("not tracked"): readers then rebuild a dict from the
elements (:func:`dict_of`), so a tracked dict is never stale.

- :func:`convert`: the dict a compact value converts into (``setTypeConvert``,
  ``hashTypeConvertListpack``: ``dictCreate`` + ``dictExpand(len)``; ``zsetConvert``: no
  presize), its elements added in the compact encoding's iteration order.
- :func:`add`: ``dictAdd`` (a rehash step while rehashing, ``_dictExpandIfNeeded``).
- :func:`find_step`: the rehash step of a ``dictFind`` (a field overwrite, a score update).
- :func:`delete`: ``dictDelete``, then ``if (htNeedsResize(d)) dictResize(d)`` as
  ``setTypeRemove`` / ``hashTypeDelete`` / ``zsetDel`` do after each removal.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..dict import (
    EMPTY_HT,
    Dict,
    HashTables,
    dict_add,
    dict_delete,
    dict_expand,
    dict_expand_if_needed,
    dict_rehash,
    dict_resize,
    needs_resize,
)

__all__ = ["Seed", "convert", "add", "add_many", "add_or_find_many", "find_steps", "find_step", "find_add", "delete", "delete_many", "dict_of",
           "same_keys"]

Seed = tuple[int, int, int, int]


def convert(keys: Iterable[bytes], seed: Seed, presize: int = 0) -> HashTables:
    """A new dict (``dictCreate``), expanded for ``presize`` elements when > 0
    (``dictExpand``), then ``dictAdd`` of ``keys`` in order."""
    d = Dict(EMPTY_HT, seed)
    if presize > 0:
        dict_expand(d, presize)
    for k in keys:
        dict_add(d, k)
    return d.freeze()


def add(ht: HashTables, key: bytes, seed: Seed) -> HashTables:
    """``dictAdd`` of ``key`` (absent) to a value's dict."""
    d = Dict(ht, seed)
    dict_add(d, key)
    return d.freeze()


def add_many(ht: HashTables, keys: Iterable[bytes], seed: Seed) -> HashTables:
    """``dictAdd`` of each of ``keys`` (absent, distinct) in turn."""
    d = Dict(ht, seed)
    for k in keys:
        dict_add(d, k)
    return d.freeze()


def add_or_find_many(ht: HashTables, ops: Iterable[tuple[bytes, bool]], seed: Seed) -> HashTables:
    """``dictAdd`` of each key in turn, ``(key, new)``: a new key is added; for a key already
    there ``dictAddRaw`` still takes its rehash step and ``_dictKeyIndex``'s grow check, then
    finds it (SADD of a present member)."""
    d = Dict(ht, seed)
    for k, new in ops:
        if new:
            dict_add(d, k)
        else:
            if d.rehashidx != -1:
                dict_rehash(d, 1)
            dict_expand_if_needed(d, True)
    return d.freeze()


def find_steps(ht: HashTables, n: int, seed: Seed) -> HashTables:
    """The rehash steps of ``n`` ``dictFind`` calls on a value's dict (reads: SISMEMBER,
    HGET, ZSCORE ...; a delete of a missing element)."""
    if ht.rehashidx == -1 or not len(ht):
        return ht
    d = Dict(ht, seed)
    for _ in range(n):
        if d.rehashidx == -1:
            break
        dict_rehash(d, 1)
    return d.freeze()


def find_step(ht: HashTables, seed: Seed) -> HashTables:
    """The rehash step a ``dictFind`` takes on a non-empty rehashing dict (nothing else)."""
    if ht.rehashidx == -1 or not len(ht):
        return ht
    d = Dict(ht, seed)
    dict_rehash(d, 1)
    return d.freeze()


def find_add(ht: HashTables, key: bytes, seed: Seed, new: bool = True) -> HashTables:
    """``dictFind`` (its rehash step) then, for a ``new`` key, ``dictAdd``: a field set or a
    member added through ``zsetAdd``/``hashTypeSet`` on a hashtable, in one working copy."""
    if ht.rehashidx == -1 and not new:
        return ht
    d = Dict(ht, seed)
    if d.rehashidx != -1 and d.used0 + d.used1:
        dict_rehash(d, 1)
    if new:
        dict_add(d, key)
    return d.freeze()


def _delete_one(d: Dict, key: bytes) -> None:
    if dict_delete(d, key) and needs_resize(d):
        dict_resize(d)


def delete(ht: HashTables, key: bytes, seed: Seed) -> HashTables:
    """``dictDelete`` of ``key`` then the shrink check (``htNeedsResize`` -> ``dictResize``)."""
    d = Dict(ht, seed)
    _delete_one(d, key)
    return d.freeze()


def delete_many(ht: HashTables, keys: Iterable[bytes], seed: Seed,
                resize_each: bool = True) -> HashTables:
    """:func:`delete` of each key in turn; with ``resize_each`` False, one shrink check after
    all of them (``zremrangeGenericCommand``)."""
    d = Dict(ht, seed)
    for k in keys:
        if resize_each:
            _delete_one(d, k)
        else:
            dict_delete(d, k)
    if not resize_each and needs_resize(d):
        dict_resize(d)
    return d.freeze()


def dict_of(ht: HashTables | None, keys: Iterable[bytes], seed: Seed) -> HashTables:
    """The value's dict: its own, or (not tracked) one rebuilt by adding ``keys`` in order."""
    if ht is not None:
        return ht
    return convert(keys, seed)


def same_keys(ht: HashTables, keys: Iterable[bytes]) -> bool:
    """Refinement check: the tables hold exactly ``keys`` (each once) and the counts agree."""
    seen: list[bytes] = []
    for t in (ht.t0, ht.t1):
        for chain in t.values():
            seen.extend(chain)
    want = list(keys)
    return (len(seen) == len(want) == ht.used0 + ht.used1 and len(set(seen)) == len(seen)
            and set(seen) == set(want))
