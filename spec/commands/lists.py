"""List commands (Redis's ``t_list.c``), non-blocking forms.

The value is a :class:`~redspec.spec.types.list.ListValue`. Shared rules, as in Redis 7.0.15:

- Argument errors are decided in Redis's order: some commands parse their numbers before
  looking the key up (LRANGE, LTRIM, LREM, LPOS options, LPOP's count), others after
  (LINDEX, LSET), which decides whether a missing key or a bad number answers first.
- A list that becomes empty is deleted (``dbDelete`` + a "del" event); Redis never stores an
  empty list.
- Every change calls ``signalModifiedKey``, counts ``server.dirty`` per element changed, and
  raises its ``l`` keyspace event (lpush, rpush, lpop, rpop, linsert, lset, ltrim, lrem).
- LMPOP propagates as ``LPOP|RPOP key count`` (``rewriteClientCommandVector``).

The blocking commands (BLPOP, BLMOVE, BLMPOP ...) are not served yet; their non-blocking
cores are :func:`pop_range`, :func:`lmove_generic` and :func:`mpop_generic`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ..cstr import c_word
from ..db import lookup_typed
from ..errors import NO_SUCH_KEY, NOT_INTEGER, OUT_OF_RANGE, SYNTAX, WRONGTYPE, wrong_arity
from ..numbers import string2ll
from ..reply import NULL_ARRAY, OK, Err, Reply
from ..step import Step
from ..types.list import EMPTY, ListValue
from .registry import command

#: ``LIST_MAX_ITEM_SIZE``: the largest element a list accepts (4 GiB less 1 KiB).
LIST_MAX_ITEM_SIZE = (1 << 32) - 1024
ELEMENT_TOO_LARGE = Err("ERR Element too large")
NOT_POSITIVE = Err("ERR value is out of range, must be positive")
RANK_ZERO = Err(
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
    "or use negative to start from the end of the list"
)
COUNT_NEGATIVE = Err("ERR COUNT can't be negative")
MAXLEN_NEGATIVE = Err("ERR MAXLEN can't be negative")
NUMKEYS_POSITIVE = Err("ERR numkeys should be greater than 0")
COUNT_POSITIVE = Err("ERR count should be greater than 0")

HEAD, TAIL = 0, 1  # LIST_HEAD / LIST_TAIL
T = TypeVar("T")
_EVENTS_PUSH = ("lpush", "rpush")
_EVENTS_POP = ("lpop", "rpop")


#: ``getListPositionFromObjectOrReply``'s words.
_SIDES = {b"left": HEAD, b"right": TAIL}


def _where(arg: bytes) -> int | None:
    """``getListPositionFromObjectOrReply``: LEFT -> head, RIGHT -> tail, else None."""
    return _SIDES.get(c_word(arg))


def parse_sides(argv: list[bytes]) -> tuple[int, int] | None:
    """LMOVE's and BLMOVE's ``wherefrom whereto`` (``argv[3]``, ``argv[4]``, each through
    ``getListPositionFromObjectOrReply``), or None: a syntax error."""
    wherefrom = _where(argv[3])
    whereto = _where(argv[4]) if wherefrom is not None else None
    if wherefrom is None or whereto is None:
        return None
    return wherefrom, whereto


def _positive(arg: bytes, err: Err) -> int | Err:
    """``getPositiveLongFromObjectOrReply``: a long >= 0, else ``err``."""
    v = string2ll(arg)
    return err if v is None or v < 0 else v


def get_list(s: Step, key: bytes, write: bool) -> Any:
    """``lookupKeyRead``/``lookupKeyWrite`` + ``checkType(OBJ_LIST)``: the ListValue, None
    when the key is missing, or WRONGTYPE."""
    return lookup_typed(s, key, ListValue, write)


def store(s: Step, key: bytes, new: ListValue) -> None:
    """Install the changed list (``dbOverwrite`` keeps the TTL), or delete the key when the
    list became empty (``dbDelete`` + the generic "del" event)."""
    db = s.db
    if new.tail == new.head:
        db.delete(key)
        s.notify("g", "del", key, db.id)
    else:
        db.update(key, new)
        s.signal_modified_key(db.id, key)


# -- push ---------------------------------------------------------------------------------


def push_generic(s: Step, argv: list[bytes], where: int, xx: bool) -> Reply:
    """``pushGenericCommand``: LPUSH/RPUSH (create the list) and LPUSHX/RPUSHX (``xx``: only
    when it exists). Replies the new length."""
    elements = argv[2:]
    for e in elements:
        if len(e) > LIST_MAX_ITEM_SIZE:
            return ELEMENT_TOO_LARGE
    key = argv[1]
    db = s.db
    v = db.lookup_write(key)
    if v is None:
        if xx:
            return 0
        new = EMPTY.push_head(elements) if where == HEAD else EMPTY.push_tail(elements)
        db.add(key, new)
    elif type(v) is ListValue:
        new = v.push_head(elements) if where == HEAD else v.push_tail(elements)
        db.update(key, new)
    else:
        return WRONGTYPE
    s.dirty += len(elements)
    s.signal_modified_key(db.id, key)
    s.notify("l", _EVENTS_PUSH[where], key, db.id)
    return new.tail - new.head


@command("lpush")
def lpush(s: Step, argv: list[bytes]) -> Reply:
    """LPUSH key element [element ...]."""
    return push_generic(s, argv, HEAD, False)


@command("rpush")
def rpush(s: Step, argv: list[bytes]) -> Reply:
    """RPUSH key element [element ...]."""
    return push_generic(s, argv, TAIL, False)


@command("lpushx")
def lpushx(s: Step, argv: list[bytes]) -> Reply:
    """LPUSHX key element [element ...]: push only onto an existing list."""
    return push_generic(s, argv, HEAD, True)


@command("rpushx")
def rpushx(s: Step, argv: list[bytes]) -> Reply:
    """RPUSHX key element [element ...]: push only onto an existing list."""
    return push_generic(s, argv, TAIL, True)


@command("linsert")
def linsert(s: Step, argv: list[bytes]) -> Reply:
    """``linsertCommand``: LINSERT key BEFORE|AFTER pivot element. Replies the new length,
    -1 when the pivot is not found, 0 when the key is missing."""
    if len(argv[4]) > LIST_MAX_ITEM_SIZE:
        return ELEMENT_TOO_LARGE
    w = c_word(argv[2])
    if w == b"after":
        after = 1
    elif w == b"before":
        after = 0
    else:
        return SYNTAX
    key = argv[1]
    v = get_list(s, key, write=True)
    if v is None:
        return 0
    if type(v) is Err:
        return v
    pivot = argv[3]
    found = -1
    for offset, e in enumerate(v):
        if e == pivot:
            found = offset
            break
    if found < 0:
        return -1
    new = v.insert(found + after, argv[4])
    store(s, key, new)
    s.notify("l", "linsert", key, s.db.id)
    s.dirty += 1
    return len(new)


# -- read ---------------------------------------------------------------------------------


@command("llen")
def llen(s: Step, argv: list[bytes]) -> Reply:
    """LLEN key: the length, 0 for a missing key."""
    v = get_list(s, argv[1], write=False)
    if v is None:
        return 0
    return v if type(v) is Err else len(v)


@command("lindex")
def lindex(s: Step, argv: list[bytes]) -> Reply:
    """``lindexCommand``: LINDEX key index (the key is looked up before the index parses)."""
    v = get_list(s, argv[1], write=False)
    if v is None or type(v) is Err:
        return v
    i = string2ll(argv[2])
    if i is None:
        return NOT_INTEGER
    return v.index(i)


def clamp_range(start: int, end: int, n: int) -> tuple[int, int]:
    """The inclusive ``start``/``end`` of LRANGE/LTRIM (negative from the tail) as a half-open
    0-based range ``[a, b)``, empty when ``a >= b``."""
    if start < 0:
        start += n
    if end < 0:
        end += n
    if start < 0:
        start = 0
    if start > end or start >= n:
        return 0, 0
    if end >= n:
        end = n - 1
    return start, end + 1


@command("lrange")
def lrange(s: Step, argv: list[bytes]) -> Reply:
    """``lrangeCommand``: LRANGE key start stop (the indexes parse before the lookup)."""
    start = string2ll(argv[2])
    end = string2ll(argv[3])
    if start is None or end is None:
        return NOT_INTEGER
    v = get_list(s, argv[1], write=False)
    if v is None:
        return []
    if type(v) is Err:
        return v
    a, b = clamp_range(start, end, len(v))
    return v.slice(a, b) if a < b else []


def _wrap64(x: int) -> int:
    """C's two's-complement wrap of a 64-bit signed result."""
    return ((x + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


@command("lpos")
def lpos(s: Step, argv: list[bytes]) -> Reply:
    """``lposCommand``: LPOS key element [RANK rank] [COUNT n] [MAXLEN len].

    RANK k starts from the k-th match (negative: scanning from the tail); COUNT 0 means all
    matches; MAXLEN bounds the elements compared. Options parse before the lookup. As in
    Redis 7.0.15, RANK accepts LONG_MIN, whose negation wraps: every match counts and the
    COUNT limit never triggers.
    """
    ele = argv[2]
    if len(ele) > LIST_MAX_ITEM_SIZE:
        return ELEMENT_TOO_LARGE
    rank, count, maxlen = 1, -1, 0
    j, n = 3, len(argv)
    while j < n:
        opt = c_word(argv[j])
        more = j + 1 < n
        if opt == b"rank" and more:
            j += 1
            r = string2ll(argv[j])
            if r is None:
                return NOT_INTEGER
            if r == 0:
                return RANK_ZERO
            rank = r
        elif opt == b"count" and more:
            j += 1
            c = _positive(argv[j], COUNT_NEGATIVE)
            if type(c) is Err:
                return c
            count = c  # type: ignore[assignment]
        elif opt == b"maxlen" and more:
            j += 1
            m = _positive(argv[j], MAXLEN_NEGATIVE)
            if type(m) is Err:
                return m
            maxlen = m  # type: ignore[assignment]
        else:
            return SYNTAX
        j += 1
    from_tail = rank < 0
    if from_tail:
        rank = _wrap64(-rank)
    v = get_list(s, argv[1], write=False)
    if v is None:
        return [] if count != -1 else None
    if type(v) is Err:
        return v
    llen = len(v)
    items, head = v.items, v.head
    out: list[int] = []
    matches = 0
    scan = llen if maxlen == 0 else min(maxlen, llen)
    for i in range(scan):
        p = head + llen - 1 - i if from_tail else head + i
        if items[p] == ele:
            matches += 1
            if matches >= rank:
                idx = llen - 1 - i if from_tail else i
                if count == -1:
                    return idx
                out.append(idx)
                if count and _wrap64(matches - rank + 1) >= count:
                    break
    return out if count != -1 else None


# -- pop ----------------------------------------------------------------------------------


def pop_range(s: Step, key: bytes, v: ListValue, where: int, count: int) -> list[bytes]:
    """``listPopRangeAndReplyWithKey``'s core + ``listElementsRemoved``: pop up to ``count``
    elements from one end (in pop order), store or delete the rest, raise the events and
    count ``count`` popped elements in ``server.dirty``."""
    n = len(v)
    k = count if count < n else n
    if where == HEAD:
        out = v.slice(0, k)
        new = v.drop_head(k)
    else:
        out = v.slice_reversed(n - k, n)
        new = v.drop_tail(k)
    s.notify("l", _EVENTS_POP[where], key, s.db.id)
    store(s, key, new)
    s.dirty += k
    return out


def pop_generic(s: Step, argv: list[bytes], where: int) -> Reply:
    """``popGenericCommand``: LPOP/RPOP key [count]. Without a count the reply is one bulk
    string (null when missing); with a count an array (null array when missing, empty array
    for count 0)."""
    n = len(argv)
    if n > 3:
        return wrong_arity(s.cmd.name)
    key = argv[1]
    if n == 2:
        v = get_list(s, key, write=True)
        if v is None or type(v) is Err:
            return v
        return pop_range(s, key, v, where, 1)[0]
    count = _positive(argv[2], NOT_POSITIVE)
    if type(count) is Err:
        return count
    v = get_list(s, key, write=True)
    if v is None:
        return NULL_ARRAY
    if type(v) is Err:
        return v
    if count == 0:
        return []
    return pop_range(s, key, v, where, count)  # type: ignore[arg-type]


@command("lpop")
def lpop(s: Step, argv: list[bytes]) -> Reply:
    """LPOP key [count]."""
    return pop_generic(s, argv, HEAD)


@command("rpop")
def rpop(s: Step, argv: list[bytes]) -> Reply:
    """RPOP key [count]."""
    return pop_generic(s, argv, TAIL)


def mpop_generic(s: Step, keys: list[bytes], where: int, count: int) -> Any:
    """``mpopGenericCommand``: pop from the first non-empty list among ``keys`` and reply
    ``[key, [elements]]``; a null array when all are missing. Propagates as
    ``LPOP|RPOP key count``. A key of another type stops the scan with WRONGTYPE."""
    for key in keys:
        v = get_list(s, key, write=True)
        if v is None:
            continue
        if type(v) is Err:
            return v
        n = len(v)
        out = pop_range(s, key, v, where, count)
        s.argv_rewrite = (b"LPOP" if where == HEAD else b"RPOP", key,
                          b"%d" % (count if count < n else n))
        return [key, out]
    return NULL_ARRAY


def parse_mpop(
    argv: list[bytes], numkeys_idx: int, sides: Mapping[bytes, T]
) -> tuple[list[bytes], T, int] | Err:
    """The parsing ``lmpopGenericCommand`` and ``zmpopGenericCommand`` share: ``numkeys
    key... WHERE [COUNT n]`` into ``(keys, where, count)``, ``WHERE`` a word of ``sides``
    (lowercase word -> side). BLMPOP and BZMPOP have their ``numkeys`` at index 2."""
    numkeys = string2ll(argv[numkeys_idx])
    if numkeys is None or numkeys < 1:
        return NUMKEYS_POSITIVE
    n = len(argv)
    if numkeys > n - numkeys_idx - 2:  # the WHERE argument would be past the end
        return SYNTAX
    where_idx = numkeys_idx + 1 + numkeys
    where = sides.get(c_word(argv[where_idx]))
    if where is None:
        return SYNTAX
    count = -1
    j = where_idx + 1
    while j < n:
        if count == -1 and c_word(argv[j]) == b"count" and j + 1 < n:
            j += 1
            c = string2ll(argv[j])
            if c is None or c < 1:
                return COUNT_POSITIVE
            count = c
        else:
            return SYNTAX
        j += 1
    return argv[numkeys_idx + 1 : where_idx], where, 1 if count == -1 else count


def parse_lmpop(argv: list[bytes], numkeys_idx: int) -> tuple[list[bytes], int, int] | Err:
    """``lmpopGenericCommand``'s parsing: ``numkeys key... LEFT|RIGHT [COUNT n]`` into
    ``(keys, where, count)``."""
    return parse_mpop(argv, numkeys_idx, _SIDES)


@command("lmpop")
def lmpop(s: Step, argv: list[bytes]) -> Reply:
    """``lmpopGenericCommand``: LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]."""
    parsed = parse_lmpop(argv, 1)
    if type(parsed) is Err:
        return parsed
    assert isinstance(parsed, tuple)
    return mpop_generic(s, *parsed)


# -- change in place ----------------------------------------------------------------------


@command("lset")
def lset(s: Step, argv: list[bytes]) -> Reply:
    """``lsetCommand``: LSET key index element (missing key: "no such key"; the index parses
    after the lookup)."""
    key = argv[1]
    v = get_list(s, key, write=True)
    if v is None:
        return NO_SUCH_KEY
    if type(v) is Err:
        return v
    i = string2ll(argv[2])
    if i is None:
        return NOT_INTEGER
    if len(argv[3]) > LIST_MAX_ITEM_SIZE:
        return ELEMENT_TOO_LARGE
    p = v.position(i)
    if p is None:
        return OUT_OF_RANGE
    store(s, key, v.replace_at(p, argv[3]))
    s.notify("l", "lset", key, s.db.id)
    s.dirty += 1
    return OK


@command("ltrim")
def ltrim(s: Step, argv: list[bytes]) -> Reply:
    """``ltrimCommand``: LTRIM key start stop — keep only that range (deleting the key if
    nothing is left). The "ltrim" event fires even when nothing was removed."""
    start = string2ll(argv[2])
    end = string2ll(argv[3])
    if start is None or end is None:
        return NOT_INTEGER
    key = argv[1]
    v = get_list(s, key, write=True)
    if v is None:
        return OK
    if type(v) is Err:
        return v
    n = len(v)
    a, b = clamp_range(start, end, n)
    if a >= b:
        a, b = n, n
    new = v.drop_head(a).drop_tail(n - b)
    s.notify("l", "ltrim", key, s.db.id)
    if new is v:
        s.signal_modified_key(s.db.id, key)
    else:
        store(s, key, new)
    s.dirty += a + (n - b)
    return OK


@command("lrem")
def lrem(s: Step, argv: list[bytes]) -> Reply:
    """``lremCommand``: LREM key count element — remove the first ``count`` matches from the
    head (count > 0), from the tail (count < 0) or all (0). Replies how many went."""
    ele = argv[3]
    if len(ele) > LIST_MAX_ITEM_SIZE:
        return ELEMENT_TOO_LARGE
    toremove = string2ll(argv[2])
    if toremove is None:
        return NOT_INTEGER
    key = argv[1]
    v = get_list(s, key, write=True)
    if v is None:
        return 0
    if type(v) is Err:
        return v
    elements = v.to_list()
    from_tail = toremove < 0
    if from_tail:
        elements.reverse()
        toremove = -toremove  # LONG_MIN stays out of reach: it removes every match
    kept: list[bytes] = []
    removed = 0
    for i, e in enumerate(elements):
        if e == ele and (toremove == 0 or removed < toremove):
            removed += 1
            if toremove and removed == toremove:
                kept.extend(elements[i + 1:])
                break
        else:
            kept.append(e)
    if not removed:
        return 0
    if from_tail:
        kept.reverse()
    s.dirty += removed
    s.signal_modified_key(s.db.id, key)
    s.notify("l", "lrem", key, s.db.id)
    store(s, key, ListValue.of(kept))
    return removed


# -- move ---------------------------------------------------------------------------------


def lmove_generic(s: Step, src: bytes, dst: bytes, wherefrom: int, whereto: int) -> Any:
    """``lmoveGenericCommand``: pop one element from ``src`` and push it onto ``dst``
    (the same key rotates the list). Null when ``src`` is missing; WRONGTYPE (with nothing
    changed) when either key holds another type. Events: the push on ``dst`` first, then
    the pop on ``src`` (and "del" if it emptied)."""
    v = get_list(s, src, write=True)
    if v is None or type(v) is Err:
        return v
    d = get_list(s, dst, write=True)
    if type(d) is Err:
        return d
    db = s.db
    value = v.index(0 if wherefrom == HEAD else -1)
    assert value is not None
    popped = v.drop_head(1) if wherefrom == HEAD else v.drop_tail(1)
    if dst == src:
        d = popped
    target: ListValue = EMPTY if d is None else d
    pushed = target.push_head([value]) if whereto == HEAD else target.push_tail([value])
    if d is None:
        db.add(dst, pushed)
    else:
        db.update(dst, pushed)
    s.signal_modified_key(db.id, dst)
    s.notify("l", _EVENTS_PUSH[whereto], dst, db.id)
    s.notify("l", _EVENTS_POP[wherefrom], src, db.id)
    if dst != src:
        store(s, src, popped)
    s.dirty += 1
    return value


@command("lmove")
def lmove(s: Step, argv: list[bytes]) -> Reply:
    """LMOVE source destination LEFT|RIGHT LEFT|RIGHT."""
    sides = parse_sides(argv)
    if sides is None:
        return SYNTAX
    return lmove_generic(s, argv[1], argv[2], *sides)


@command("rpoplpush")
def rpoplpush(s: Step, argv: list[bytes]) -> Reply:
    """RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT."""
    return lmove_generic(s, argv[1], argv[2], TAIL, HEAD)

