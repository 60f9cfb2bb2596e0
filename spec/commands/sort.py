"""SORT and SORT_RO (Redis's ``sort.c``), as 7.0.15 runs them.

``SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]``
sorts the elements of a list, set or sorted set, or looks them up through patterns:

- **Patterns** (``lookupKeyByPattern``): ``#`` is the element itself; otherwise the first
  ``*`` is replaced by the element, and ``key->field`` (the first ``->`` after the ``*``, with
  a non-empty field) reads a hash field. A pattern without ``*``, a missing key, a key of the
  wrong type or a missing field gives nil. Every lookup is a ``lookupKeyRead`` (hits, misses,
  lazy expiry, LRU) in the order Redis makes them: BY lookups in input order, GET lookups in
  output order.
- **BY without ``*``** (``BY nosort``) does not sort ("dontsort"): lists and sorted sets keep
  their order (reversed by DESC; LIMIT takes that range), sets their iteration order. A set
  with dontsort is sorted ALPHA anyway when the result is stored or SORT runs in a script,
  so that replicas and the AOF see the same list.
- **Comparison** (``sortCompare``): numeric by default (each weight through ``strtod``; a
  weight that is not a whole number, out of range or NaN makes the reply
  ``One or more scores can't be converted into double``; a missing BY key weighs 0), ties
  broken by the elements' bytes; ALPHA compares bytes (``strcoll`` in the C locale, which
  stops at a NUL byte, unless STORE is given: then the whole binary string), with a missing
  BY value first. DESC negates the comparison.
- **The sort itself**: without BY-and-LIMIT, glibc's ``qsort`` (a stable merge sort on 7.0.15's
  Debian glibc 2.36), so ties keep their input order; with BY and a LIMIT narrower than the
  whole vector, Redis's ``pqsort`` (``spec.pqsort``, shared with GEOSEARCH), whose swaps
  decide the order of ties.
- **Side effect of reading**: a listpack sorted set is converted to a skiplist in place
  (``zsetConvert``), as OBJECT ENCODING then shows.
- **STORE** writes a list (nil GET results as empty strings) with ``setKey`` (TTL dropped,
  ``sortstore`` event, ``dirty += length``), or deletes the destination when the result is
  empty (a ``del`` event); the reply is the length.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cmp_to_key
from typing import Any

from ..cstr import c_string, c_word
from ..dict import dict_keys
from ..errors import NOT_INTEGER, SYNTAX, WRONGTYPE
from ..numbers import string2ll
from ..pqsort import pqsort
from ..reply import Err, Reply
from ..step import Step
from ..types.hash import HashValue
from ..types.list import ListValue
from ..types.set import SetValue
from ..types.valuedict import convert
from ..types.zset import ZSet
from .registry import command
from .scan import value_dict
from .zsets import strtod

__all__ = ["sort", "sort_ro", "lookup_by_pattern", "sort_limits", "SCORE_ERR"]

SCORE_ERR = Err("ERR One or more scores can't be converted into double")

#: ``LONG_MIN`` / ``LONG_MAX``: LIMIT's arguments are C longs.
_LONG_MIN, _LONG_MAX = -(1 << 63), (1 << 63) - 1


# -- patterns ---------------------------------------------------------------------------------


def lookup_by_pattern(s: Step, pattern: bytes, subst: bytes) -> bytes | None:
    """``lookupKeyByPattern``: the value a BY/GET pattern names for the element ``subst``.

    The pattern is read as a C string where Redis uses ``strchr``/``strstr`` (``#``, the
    ``*`` and the ``->``): the key name itself is built from the whole bytes."""
    cpat = c_string(pattern)
    if cpat == b"#":
        return subst
    star = cpat.find(b"*")
    if star < 0:
        return None
    arrow = cpat.find(b"->", star + 1)
    field: bytes | None = None
    if arrow >= 0 and arrow + 2 < len(cpat):
        field = pattern[arrow + 2:]
        key = pattern[:star] + subst + pattern[star + 1:arrow]
    else:
        key = pattern[:star] + subst + pattern[star + 1:]
    v = s.db.lookup_read(key)
    if v is None:
        return None
    if field is not None:
        if type(v) is not HashValue:
            return None
        got: bytes | None = v.fields.get(field)
        return got
    return v if isinstance(v, bytes) else None


# -- LIMIT --------------------------------------------------------------------------------------


def sort_limits(limit_start: int, limit_count: int, n: int) -> tuple[int, int]:
    """LIMIT's sanity checks: the inclusive range ``[start, end]`` of the ``n`` sorted items
    to output (``end < start``: none). A negative offset is 0, a negative count means all,
    and both are first clamped to ``n`` so that no sum overflows."""
    start = min(max(limit_start, 0), n)
    count = min(max(limit_count, -1), n)
    end = n - 1 if count < 0 else start + count - 1
    if start >= n:
        start, end = n - 1, n - 2
    if end >= n:
        end = n - 1
    return start, end


# -- the sort -----------------------------------------------------------------------------------


class _Item:
    """One ``redisSortObject``: the element, its numeric weight and its ALPHA BY value."""

    __slots__ = ("obj", "score", "cmpobj")

    def __init__(self, obj: bytes) -> None:
        self.obj = obj
        self.score = 0.0
        self.cmpobj: bytes | None = None


def _compare(alpha: bool, bypattern: bool, store: bool,
             desc: bool) -> Callable[[_Item, _Item], int]:
    """``sortCompare`` with the flags Redis keeps in ``server.sort_*`` for one SORT."""

    def cmp_bytes(a: bytes, b: bytes) -> int:
        return (a > b) - (a < b)

    def collate(a: bytes, b: bytes) -> int:  # strcoll, C locale: strcmp on C strings
        return cmp_bytes(c_string(a), c_string(b))

    strings = cmp_bytes if store else collate

    def compare(x: _Item, y: _Item) -> int:
        if not alpha:
            c = (x.score > y.score) - (x.score < y.score)
            if c == 0:
                c = cmp_bytes(x.obj, y.obj)
        elif bypattern:
            a, b = x.cmpobj, y.cmpobj
            if a is None or b is None:
                c = 0 if a is b else (-1 if a is None else 1)
            else:
                c = strings(a, b)
        else:
            c = strings(x.obj, y.obj)
        return -c if desc else c

    return compare


# -- loading the vector -------------------------------------------------------------------------


def _set_order(s: Step, v: SetValue) -> list[bytes]:
    """``setTypeInitIterator`` order: ascending for an intset, the dict's bucket order for a
    hashtable (``dictNext``)."""
    ht = value_dict(v, s.base.dicts.seed)
    return v.members() if ht is None else list(dict_keys(ht))


def _as_skiplist(s: Step, key: bytes, v: ZSet) -> ZSet:
    """``zsetConvert(sortval, OBJ_ENCODING_SKIPLIST)``: SORT converts a listpack sorted set
    in place (no event, no dirty, the TTL kept); its dict is filled in listpack order."""
    if not v.listpack:
        return v
    seed = s.base.dicts.seed
    z = ZSet(v.scores, v.tree, False, convert(iter(v), seed))
    s.db.convert_in_place(key, z)
    return z


def _load(s: Step, key: bytes, v: Any, dontsort: bool, desc: bool, start: int,
          end: int) -> tuple[list[_Item], int, int]:
    """Fill the sort vector as Redis does: for a list or sorted set that is not sorted, only
    the LIMIT range, in stored order or reversed by DESC (then the range starts at 0);
    otherwise every element in iteration order (a sorted set's dict order). Returns the
    vector and the output range."""
    if type(v) is ListValue or type(v) is ZSet:
        if type(v) is ZSet:
            v = _as_skiplist(s, key, v)
        if dontsort:
            elems = v.to_list() if type(v) is ListValue else list(v)
            if desc:
                elems.reverse()
            if end < start:
                return [], 0, -1
            return [_Item(e) for e in elems[start:end + 1]], 0, end - start
        if type(v) is ListValue:
            return [_Item(e) for e in v.to_list()], start, end
        ht = value_dict(v, s.base.dicts.seed)
        assert ht is not None  # a skiplist by now
        return [_Item(e) for e in dict_keys(ht)], start, end
    return [_Item(e) for e in _set_order(s, v)], start, end


def _weigh(s: Step, vector: list[_Item], sortby: bytes | None, alpha: bool) -> bool:
    """Load each item's weight (BY lookups in vector order); False when a numeric weight
    cannot be read as a double (the reply is then ``SCORE_ERR``, after every lookup)."""
    ok = True
    for it in vector:
        if sortby is not None:
            byval = lookup_by_pattern(s, sortby, it.obj)
            if byval is None:
                continue
        else:
            byval = it.obj
        if alpha:
            if sortby is not None:
                it.cmpobj = byval
            continue
        score, used, erange = strtod(byval)
        if (used < len(byval) and byval[used] != 0) or erange or score != score:
            ok = False
        it.score = score
    return ok


# -- the commands -------------------------------------------------------------------------------


def sort_generic(s: Step, argv: list[bytes], readonly: bool) -> Reply:
    """``sortCommandGeneric``: parse the options (a bad one answers at once), look the key
    up, load, weigh and sort the vector, then reply the range or STORE it."""
    desc = alpha = dontsort = False
    limit_start, limit_count = 0, -1
    sortby: bytes | None = None
    storekey: bytes | None = None
    gets: list[bytes] = []
    j, argc = 2, len(argv)
    while j < argc:
        left = argc - j - 1
        opt = c_word(argv[j])
        if opt == b"asc":
            desc = False
        elif opt == b"desc":
            desc = True
        elif opt == b"alpha":
            alpha = True
        elif opt == b"limit" and left >= 2:
            a, b = string2ll(argv[j + 1]), string2ll(argv[j + 2])
            if a is None or b is None:
                return NOT_INTEGER
            limit_start, limit_count = a, b
            j += 2
        elif not readonly and opt == b"store" and left >= 1:
            storekey = argv[j + 1]
            j += 1
        elif opt == b"by" and left >= 1:
            sortby = argv[j + 1]
            if b"*" not in c_string(sortby):
                dontsort = True
            j += 1
        elif opt == b"get" and left >= 1:
            gets.append(argv[j + 1])
            j += 1
        else:
            return SYNTAX
        j += 1
    key = argv[1]
    v = s.db.lookup_read(key)
    if v is None:
        v = ListValue.of(())
    elif type(v) not in (ListValue, SetValue, ZSet):
        return WRONGTYPE
    if dontsort and type(v) is SetValue and (storekey is not None or s.client.id == 0):
        dontsort, alpha, sortby = False, True, None  # deterministic for replicas and the AOF
    start, end = sort_limits(limit_start, limit_count, len(v))
    vector, start, end = _load(s, key, v, dontsort, desc, start, end)
    ok = True
    if not dontsort:
        ok = _weigh(s, vector, sortby, alpha)
        cmp = _compare(alpha, sortby is not None, storekey is not None, desc)
        if sortby is not None and (start != 0 or end != len(vector) - 1):
            pqsort(vector, cmp, start, end)
        else:
            vector.sort(key=cmp_to_key(cmp))  # glibc 2.36 qsort: a stable merge sort
    if not ok:
        return SCORE_ERR
    out: list[bytes | None] = []
    for it in vector[start:end + 1] if end >= start else ():
        if not gets:
            out.append(it.obj)
        for pattern in gets:
            out.append(lookup_by_pattern(s, pattern, it.obj))
    if storekey is None:
        return out
    return _store(s, storekey, out)


def _store(s: Step, storekey: bytes, out: list[bytes | None]) -> int:
    """SORT's STORE: the result as a list (nil as ""), or the destination deleted when the
    result is empty; the reply is the number of elements."""
    db = s.db
    if out:
        db.set_key(storekey, ListValue.of(b"" if e is None else e for e in out))
        s.notify("l", "sortstore", storekey, db.id)
        s.dirty += len(out)
    elif db.delete(storekey):
        s.signal_modified_key(db.id, storekey)
        s.notify("g", "del", storekey, db.id)
        s.dirty += 1
    return len(out)


@command("sort")
def sort(s: Step, argv: list[bytes]) -> Reply:
    """``sortCommand``: SORT key [BY pattern] [LIMIT offset count] [GET pattern ...]
    [ASC|DESC] [ALPHA] [STORE destination]."""
    return sort_generic(s, argv, readonly=False)


@command("sort_ro")
def sort_ro(s: Step, argv: list[bytes]) -> Reply:
    """``sortroCommand``: SORT without STORE (STORE is a syntax error here)."""
    return sort_generic(s, argv, readonly=True)
