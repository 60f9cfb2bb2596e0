"""Set commands (Redis's ``t_set.c``), as Redis 7.0.15 runs them.

The value is a :class:`~redspec.spec.types.set.SetValue` (encodings "intset" / "hashtable",
see that module). Side effects follow Redis: ``server.dirty`` (``s.dirty``), keyspace events
(type ``s``; ``del`` of type ``g`` when a set empties), and what replicas and the AOF receive:

- SPOP without count becomes ``SREM key member``;
- SPOP with a count that empties the set becomes ``DEL key`` (also with
  lazyfree-lazy-server-del: 7.0.15 always says DEL);
- SPOP with a smaller count becomes one ``SREM key member`` per popped member, in reply order
  (Redis sends them via ``alsoPropagate`` and suppresses the SPOP itself);
- the STORE commands are propagated as they are, but only when they changed something (an empty
  result with no destination to delete changes nothing and propagates nothing).

Reply shapes: SMEMBERS / SINTER / SUNION / SDIFF / SPOP-with-count answer a *set* (RESP3
``~``); SRANDMEMBER with a count answers an *array*; SMISMEMBER an array of integers.
"""

from __future__ import annotations

from typing import Any

from ..cstr import c_word
from ..db import lookup_typed
from ..dict import dict_keys
from ..errors import NOT_INTEGER, NOT_POSITIVE, SYNTAX, WRONGTYPE
from ..numbers import LLONG_MAX, string2ll
from ..reply import Err, Reply, RSet
from ..step import Step
from ..types.set import SetValue, build, create, is_int_member, of
from ..types.valuedict import dict_of
from .registry import command

_EMPTY_SET = RSet(())
NUMKEYS = Err("ERR numkeys should be greater than 0")
TOO_MANY_KEYS = Err("ERR Number of keys can't be greater than number of args")
LIMIT_NEGATIVE = Err("ERR LIMIT can't be negative")
COUNT_RANGE = Err(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)

#: ``SPOP_MOVE_STRATEGY_MUL`` and ``SRANDMEMBER_SUB_STRATEGY_MUL`` in t_set.c.
SPOP_MOVE_STRATEGY_MUL = 5
SRANDMEMBER_SUB_STRATEGY_MUL = 3


def _max_intset(s: Step) -> int:
    """``server.set_max_intset_entries``."""
    n: int = s.config["set-max-intset-entries"]
    return n


def _rand_below(s: Step, n: int) -> int:
    """A uniform draw in ``[0, n)`` from the explicit PRNG (``random() % n``)."""
    if n <= 1 << 32:
        return s.random() % n
    return ((s.random() << 32) | s.random()) % n


def _read_set(s: Step, key: bytes) -> Any:
    """``lookupKeyRead`` + ``checkType(OBJ_SET)``: the set, None if missing, or WRONGTYPE."""
    return lookup_typed(s, key, SetValue)


def _write_set(s: Step, key: bytes) -> Any:
    """``lookupKeyWrite`` + ``checkType(OBJ_SET)``: the set, None if missing, or WRONGTYPE."""
    return lookup_typed(s, key, SetValue, write=True)


def result_order(members: list[bytes], intset: bool) -> list[bytes]:
    """The order in which a freshly built result set iterates: numeric for an intset."""
    return sorted(members, key=int) if intset else members


def _fits_intset(members: list[bytes], max_intset: int, known_int: bool = False) -> bool:
    """Whether a set built from ``members`` by ``setTypeAdd`` on an empty intset stays one."""
    if len(members) > max_intset:
        return False
    return known_int or all(map(is_int_member, members))


# -- single-key commands -----------------------------------------------------------------------


@command("sadd")
def sadd(s: Step, argv: list[bytes]) -> Reply:
    """SADD key member [member ...] (``saddCommand``): the number of members that were new."""
    key = argv[1]
    db = s.db
    v = db.lookup_write(key)
    fresh = v is None
    if fresh:
        v = create(argv[2])  # setTypeCreate: the first member picks the encoding
    elif type(v) is not SetValue:
        return WRONGTYPE
    nv1 = v.add_one(argv[2], _max_intset(s), s.base.dicts.seed) if len(argv) == 3 else None
    if nv1 is not None:
        nv, added = nv1, 1
    else:
        nv, added = v.add(argv[2:], _max_intset(s), s.base.dicts.seed)
        if not added:
            if nv is not v:  # only the dict's rehash steps changed (present members)
                db.update(key, nv)
            return 0
    if fresh:
        db.add(key, nv)
    else:
        db.update(key, nv)
    s.signal_modified_key(db.id, key)
    s.notify("s", "sadd", key, db.id)
    s.dirty += added
    return added


def _store_or_delete(s: Step, key: bytes, v: SetValue) -> None:
    """Put back a changed set, or delete the key if it became empty (Redis never keeps an
    empty set); emits ``del`` for the latter."""
    db = s.db
    if len(v):
        db.update(key, v)
        s.signal_modified_key(db.id, key)
    else:
        db.delete(key)
        s.notify("g", "del", key, db.id)


@command("srem")
def srem(s: Step, argv: list[bytes]) -> Reply:
    """SREM key member [member ...] (``sremCommand``): how many members were removed."""
    key = argv[1]
    v = _write_set(s, key)
    if v is None:
        return 0
    if type(v) is not SetValue:
        return v
    nv1 = v.remove_one(argv[2], s.base.dicts.seed) if len(argv) == 3 else None
    if nv1 is not None:
        nv, removed = nv1, 1
    else:
        nv, removed = v.remove(argv[2:], s.base.dicts.seed)
        if not removed:
            if nv is not v:  # only the dict's rehash steps changed (``dictDelete`` of a miss)
                s.db.update(key, nv)
            return 0
    db = s.db
    if len(nv):
        db.update(key, nv)
        s.signal_modified_key(db.id, key)
        s.notify("s", "srem", key, db.id)
    else:
        db.delete(key)
        s.notify("s", "srem", key, db.id)
        s.notify("g", "del", key, db.id)
    s.dirty += removed
    return removed


@command("smove")
def smove(s: Step, argv: list[bytes]) -> Reply:
    """SMOVE source destination member (``smoveCommand``): 1 if the member was moved."""
    src, dst, ele = argv[1], argv[2], argv[3]
    db = s.db
    sv = db.lookup_write(src)
    dv = db.lookup_write(dst)
    if sv is None:
        return 0
    if type(sv) is not SetValue or (dv is not None and type(dv) is not SetValue):
        return WRONGTYPE
    if src == dst:  # the same set: a no-op that reports membership
        return 1 if ele in sv else 0
    nsv = sv.remove_one(ele, s.base.dicts.seed)
    if nsv is None:
        return 0
    s.notify("s", "srem", src, db.id)
    if len(nsv):
        db.update(src, nsv)
    else:
        db.delete(src)
        s.notify("g", "del", src, db.id)
    fresh = dv is None
    if fresh:
        dv = create(ele)
    s.signal_modified_key(db.id, src)
    s.dirty += 1
    ndv = dv.add_one(ele, _max_intset(s), s.base.dicts.seed)
    if ndv is not None:  # the destination changed only if the member was added to it
        if fresh:
            db.add(dst, ndv)
        else:
            db.update(dst, ndv)
        s.dirty += 1
        s.signal_modified_key(db.id, dst)
        s.notify("s", "sadd", dst, db.id)
    return 1


@command("sismember")
def sismember(s: Step, argv: list[bytes]) -> Reply:
    """SISMEMBER key member (``sismemberCommand``)."""
    v = _read_set(s, argv[1])
    if v is None:
        return 0
    if type(v) is not SetValue:
        return v
    s.db.value_find_steps(argv[1], v, 1)  # setTypeIsMember's dictFind
    return 1 if argv[2] in v.index else 0


@command("smismember")
def smismember(s: Step, argv: list[bytes]) -> Reply:
    """SMISMEMBER key member [member ...] (``smismemberCommand``): a missing key is an empty
    set, so the answer is all zeros."""
    v = _read_set(s, argv[1])
    if v is None:
        return [0] * (len(argv) - 2)
    if type(v) is not SetValue:
        return v
    s.db.value_find_steps(argv[1], v, len(argv) - 2)  # a dictFind per member
    index = v.index
    return [1 if m in index else 0 for m in argv[2:]]


@command("scard")
def scard(s: Step, argv: list[bytes]) -> Reply:
    """SCARD key (``scardCommand``)."""
    v = _read_set(s, argv[1])
    if v is None:
        return 0
    if type(v) is not SetValue:
        return v
    return len(v)


@command("smembers")
def smembers(s: Step, argv: list[bytes]) -> Reply:
    """SMEMBERS key: in 7.0 this *is* ``sinterCommand`` with one key."""
    v = _read_set(s, argv[1])
    if v is None:
        return _EMPTY_SET
    if type(v) is not SetValue:
        return v
    if v.intset:
        return RSet(v.members())
    # a hashtable set replies in its dict's iteration order (``setTypeNext`` -> ``dictNext``)
    return RSet(list(dict_keys(dict_of(v.ht, v.members(), s.base.dicts.seed))))


# -- random members ----------------------------------------------------------------------------


def _parse_long(arg: bytes) -> int | None:
    """``getLongFromObject``: a strict decimal in the ``long`` range, or None."""
    return string2ll(arg)


@command("srandmember")
def srandmember(s: Step, argv: list[bytes]) -> Reply:
    """SRANDMEMBER key [count] (``srandmemberCommand``)."""
    if len(argv) == 3:
        return srandmember_count(s, argv[1], argv[2])
    if len(argv) > 3:
        return SYNTAX
    v = _read_set(s, argv[1])
    if v is None:
        return None
    if type(v) is not SetValue:
        return v
    return v.at(_rand_below(s, len(v)))


def srandmember_count(s: Step, key: bytes, count_arg: bytes) -> Any:
    """``srandmemberWithCountCommand``: ``count`` distinct members, or ``-count`` draws with
    repetition. The count is checked first (range ``-LONG_MAX .. LONG_MAX``), then the key."""
    n = _parse_long(count_arg)
    if n is None:
        return NOT_INTEGER
    if n < -LLONG_MAX:
        return COUNT_RANGE
    v = _read_set(s, key)
    if v is None:
        return []
    if type(v) is not SetValue:
        return v
    if n == 0:
        return []
    size = len(v)
    if n < 0 or n == 1:  # CASE 1: independent draws, order is the draw order
        return [v.at(_rand_below(s, size)) for _ in range(-n if n < 0 else 1)]
    if n >= size:  # CASE 2: the whole set, in iteration order
        return v.members()
    return _distinct_sample(s, v, n)


def _distinct_sample(s: Step, v: SetValue, count: int) -> list[bytes]:
    """``count`` distinct random members (CASE 3 / CASE 4 of SRANDMEMBER): a partial
    Fisher-Yates shuffle over the slots, touching ``count`` of them."""
    size = len(v)
    swapped: dict[int, int] = {}
    out: list[bytes] = []
    for i in range(count):
        j = i + _rand_below(s, size - i)
        pick = swapped.get(j, j)
        swapped[j] = swapped.get(i, i)
        out.append(v.at(pick))
    return out


@command("spop")
def spop(s: Step, argv: list[bytes]) -> Reply:
    """SPOP key [count] (``spopCommand``): propagated as ``SREM key member``."""
    if len(argv) == 3:
        return spop_count(s, argv[1], argv[2])
    if len(argv) > 3:
        return SYNTAX
    key = argv[1]
    v = _write_set(s, key)
    if v is None:
        return None
    if type(v) is not SetValue:
        return v
    ele = v.at(_rand_below(s, len(v)))
    nv = v.remove_one(ele, s.base.dicts.seed)
    assert nv is not None
    db = s.db
    s.notify("s", "spop", key, db.id)
    s.argv_rewrite = (b"SREM", key, ele)
    if len(nv):
        db.update(key, nv)
    else:
        db.delete(key)
        s.notify("g", "del", key, db.id)
    s.signal_modified_key(db.id, key)
    s.dirty += 1
    return ele


def spop_count(s: Step, key: bytes, count_arg: bytes) -> Any:
    """``spopWithCountCommand``: pop up to ``count`` distinct random members (a set reply).

    Three strategies, as in Redis: all of them (reply like SUNION of the one key, then DEL);
    a few (draw and remove each); most (draw the ones to *keep* into a fresh set, which
    re-derives the encoding, and reply with what is left of the old one, in its order)."""
    count = string2ll(count_arg)
    if count is None or count < 0:
        return NOT_POSITIVE
    v = _write_set(s, key)
    if v is None:
        return _EMPTY_SET
    if type(v) is not SetValue:
        return v
    if count == 0:
        return _EMPTY_SET
    db = s.db
    size = len(v)
    s.notify("s", "spop", key, db.id)
    if count >= size:  # CASE 1: the whole set
        s.dirty += size
        db.lookup_read(key)  # sunionDiffGenericCommand's lookupKeyRead
        members = v.members()
        reply = result_order(members, _fits_intset(members, _max_intset(s), v.intset))
        db.delete(key)
        s.notify("g", "del", key, db.id)
        s.argv_rewrite = (b"DEL", key)
        return RSet(reply)
    s.dirty += count
    remaining = size - count
    if remaining * SPOP_MOVE_STRATEGY_MUL > count:  # CASE 2: pop one at a time
        popped = []
        for _ in range(count):
            ele = v.at(_rand_below(s, len(v)))
            nv = v.remove_one(ele, s.base.dicts.seed)
            assert nv is not None
            v = nv
            popped.append(ele)
        db.update(key, v)
    else:  # CASE 3: move the members that stay into a new set
        kept: SetValue | None = None
        maxi = _max_intset(s)
        for _ in range(remaining):
            ele = v.at(_rand_below(s, len(v)))
            if kept is None:
                kept = create(ele)
            nk = kept.add_one(ele, maxi, s.base.dicts.seed)
            assert nk is not None
            kept = nk
            nv = v.remove_one(ele)
            assert nv is not None
            v = nv
        assert kept is not None
        popped = v.members()
        db.overwrite(key, kept)  # spopWithCountCommand case 3: dbOverwrite
    # One SREM per popped member, in reply order; the SPOP itself is not propagated.
    s.propagate.extend((db.id, (b"SREM", key, m)) for m in popped[:-1])
    s.argv_rewrite = (b"SREM", key, popped[-1])
    s.signal_modified_key(db.id, key)
    return RSet(popped)


# -- multi-key algebra -------------------------------------------------------------------------


def sinter_generic(
    s: Step, keys: list[bytes], dst: bytes | None, card_only: bool = False, limit: int = 0
) -> Reply:
    """``sinterGenericCommand`` (SINTER, SINTERSTORE, SINTERCARD).

    Every key is looked up and type-checked first (so WRONGTYPE beats a missing key); a missing
    key makes the intersection empty. Otherwise the smallest set (stable order among equals)
    is walked in its iteration order and each member kept if every other set has it."""
    sets: list[SetValue] = []
    empty = False
    for k in keys:
        v = _read_set(s, k)
        if v is None:
            empty = True
        elif type(v) is not SetValue:
            return v
        else:
            sets.append(v)
    if empty:
        if dst is not None:
            return _store_result(s, dst, [], False, "sinterstore")
        return 0 if card_only else _EMPTY_SET
    sets.sort(key=len)
    first, rest = sets[0], [x.index for x in sets[1:] if x is not sets[0]]
    result: list[bytes] = []
    if card_only:
        n = 0
        for m in first.members():
            if all(m in r for r in rest):
                n += 1
                if limit and n >= limit:
                    break
        return n
    for m in first.members():
        if all(m in r for r in rest):
            result.append(m)
    if dst is None:
        return RSet(result)
    maxi = _max_intset(s)
    return _store_result(s, dst, result, _fits_intset(result, maxi, first.intset), "sinterstore")


def _store_result(s: Step, dst: bytes, members: list[bytes], intset: bool, event: str) -> int:
    """The STORE tail of the set algebra: ``setKey`` the non-empty result (dropping any TTL),
    or delete the destination (counted as a change only if it existed)."""
    db = s.db
    if members:
        v = of(members, True) if intset else build(members, _max_intset(s), s.base.dicts.seed)
        if v.intset != intset:  # the encoding was decided otherwise: no dict to follow
            v = of(members, intset)
        db.set_key(dst, v)
        s.notify("s", event, dst, db.id)
        s.dirty += 1
        return len(members)
    if db.delete(dst):
        s.dirty += 1
        s.notify("g", "del", dst, db.id)
    return 0


def sunion_diff_generic(s: Step, keys: list[bytes], dst: bytes | None, diff: bool) -> Reply:
    """``sunionDiffGenericCommand`` (SUNION, SDIFF and their STORE forms).

    A missing key is an empty set. The result is built, as in Redis, into a fresh intset by
    ``setTypeAdd``: it stays an intset (and so replies in numeric order) when all its members
    are integers and never exceeded ``set-max-intset-entries`` while being built. SDIFF picks
    Redis's algorithm by the same work estimate, because algorithm 2 first adds the whole first
    set, which decides the encoding of the result. A later key naming the first set again
    makes the difference empty."""
    sets: list[SetValue | None] = []
    sameset = False
    for j, k in enumerate(keys):
        v = _read_set(s, k)
        if v is not None and type(v) is not SetValue:
            return v
        if v is not None and j > 0 and k == keys[0]:
            sameset = True
        sets.append(v)
    maxi = _max_intset(s)
    result: list[bytes]
    if not diff:
        seen: dict[bytes, None] = {}
        all_int = True
        for v in sets:
            if v is None:
                continue
            if all_int and not v.intset and not all(map(is_int_member, v.index)):
                all_int = False
            for m in v.members():
                seen[m] = None
        result = list(seen)
        intset = all_int and len(result) <= maxi
    else:
        first = sets[0]
        if first is None or sameset:
            result, intset = [], True
        else:
            others = [v.index for v in sets[1:] if v is not None]
            one = len(first) * (1 + len(others)) // 2
            two = len(first) + sum(len(o) for o in others)
            result = [m for m in first.members() if not any(m in o for o in others)]
            if one <= two:  # algorithm 1: only the survivors are added
                intset = _fits_intset(result, maxi, first.intset)
            else:  # algorithm 2: the whole first set is added, then the rest removed
                intset = _fits_intset(first.members(), maxi, first.intset)
    if dst is None:
        return RSet(result_order(result, intset))
    return _store_result(s, dst, result, intset, "sdiffstore" if diff else "sunionstore")


@command("sinter")
def sinter(s: Step, argv: list[bytes]) -> Reply:
    """SINTER key [key ...]."""
    return sinter_generic(s, argv[1:], None)


@command("sinterstore")
def sinterstore(s: Step, argv: list[bytes]) -> Reply:
    """SINTERSTORE destination key [key ...]."""
    return sinter_generic(s, argv[2:], argv[1])


@command("sintercard")
def sintercard(s: Step, argv: list[bytes]) -> Reply:
    """SINTERCARD numkeys key [key ...] [LIMIT limit] (``sinterCardCommand``)."""
    numkeys = string2ll(argv[1])
    if numkeys is None or numkeys < 1:
        return NUMKEYS
    if numkeys > len(argv) - 2:
        return TOO_MANY_KEYS
    limit = 0
    j = 2 + numkeys
    n = len(argv)
    while j < n:
        if c_word(argv[j]) == b"limit" and j + 1 < n:
            j += 1
            lim = string2ll(argv[j])
            if lim is None or lim < 0:
                return LIMIT_NEGATIVE
            limit = lim
        else:
            return SYNTAX
        j += 1
    return sinter_generic(s, argv[2 : 2 + numkeys], None, card_only=True, limit=limit)


@command("sunion")
def sunion(s: Step, argv: list[bytes]) -> Reply:
    """SUNION key [key ...]."""
    return sunion_diff_generic(s, argv[1:], None, diff=False)


@command("sunionstore")
def sunionstore(s: Step, argv: list[bytes]) -> Reply:
    """SUNIONSTORE destination key [key ...]."""
    return sunion_diff_generic(s, argv[2:], argv[1], diff=False)


@command("sdiff")
def sdiff(s: Step, argv: list[bytes]) -> Reply:
    """SDIFF key [key ...]."""
    return sunion_diff_generic(s, argv[1:], None, diff=True)


@command("sdiffstore")
def sdiffstore(s: Step, argv: list[bytes]) -> Reply:
    """SDIFFSTORE destination key [key ...]."""
    return sunion_diff_generic(s, argv[2:], argv[1], diff=True)
