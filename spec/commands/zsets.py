"""Sorted set commands (Redis's ``t_zset.c``), non-blocking ones.

The value is :class:`~redspec.spec.types.zset.ZSet`. Scores are C doubles: parsed with
``strtod`` as Redis does it (``string2d`` for scores and weights, ``zslParseRange`` for score
ranges, ``zslParseLexRangeItem`` for lex ranges), replied with ``addReplyDouble`` (a float
reply: RESP2 bulk ``%.17g``, RESP3 double). WITHSCORES replies are flat ``[m, s, ...]`` in
RESP2 and ``[[m, s], ...]`` in RESP3 (``zrangeResultEmitCBufferToClient``).

Side effects as in 7.0.15: ``server.dirty`` counts changed elements, keyspace events carry
Redis's names (``zadd``, ``zincr``, ``zrem``, ``zremrangebyscore``, ``zpopmin``,
``zrangestore``, ``zunionstore``, ... and ``del`` when a set empties), ZMPOP propagates as
``ZPOPMIN|ZPOPMAX key count``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..cstr import c_string, c_word
from ..db import lookup_typed
from ..errors import NOT_INTEGER, NOT_POSITIVE, SYNTAX, WRONGTYPE
from ..numbers import string2ll
from ..reply import NULL_ARRAY, Err, Reply
from ..step import Step
from ..types.valuedict import find_steps
from ..types.zset import EMPTY, ZSet, build, build_by_adds
from ..values import TYPE_NAMES
from .lists import parse_mpop
from .registry import command

NOT_FLOAT = Err("ERR value is not a valid float")
NAN_SCORE = Err("ERR resulting score is not a number (NaN)")
RANGE_NOT_FLOAT = Err("ERR min or max is not a float")
RANGE_NOT_LEX = Err("ERR min or max not valid string range item")
NX_XX = Err("ERR XX and NX options at the same time are not compatible")
GT_LT_NX = Err("ERR GT, LT, and/or NX options at the same time are not compatible")
INCR_PAIRS = Err("ERR INCR option supports a single increment-element pair")
LIMIT_RANK = Err(
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
)
WITHSCORES_LEX = Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
WEIGHT_NOT_FLOAT = Err("ERR weight value is not a float")
LIMIT_NEGATIVE = Err("ERR LIMIT can't be negative")
OUT_OF_RANGE = Err("ERR value is out of range")
RANDMEMBER_RANGE = Err(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)

_LONG_MAX = (1 << 63) - 1
_INF = float("inf")

# ZADD input flags (``ZADD_IN_*``).
INCR, NX, XX, GT, LT, CH = (1 << i for i in range(6))
_ZADD_OPTS = {b"incr": INCR, b"nx": NX, b"xx": XX, b"gt": GT, b"lt": LT, b"ch": CH}


# -- numbers ------------------------------------------------------------------------------------

_SPACE = b" \t\n\v\f\r"
_DEC = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX = re.compile(rb"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?)")
_WORD = re.compile(rb"([+-]?)(inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)", re.IGNORECASE)
_NONZERO = re.compile(rb"[1-9a-fA-F]")
#: Short plain decimals (no exponent): never out of range, read alike by ``float`` and strtod.
_PLAIN = re.compile(rb"-?[0-9]{1,20}(?:\.[0-9]{1,20})?")


def strtod(b: bytes) -> tuple[float, int, bool]:
    """glibc ``strtod`` on the C string ``b``: ``(value, bytes read, ERANGE)``.

    Leading white space is skipped; the longest prefix that reads as a decimal, hexadecimal,
    ``inf``/``infinity`` or ``nan[(...)]`` number is taken; nothing read gives ``(0.0, 0,
    False)``. ERANGE is set on overflow (``±HUGE_VAL``) and on a nonzero number that rounds
    to zero. Rounding is correct (nearest, ties to even), as Python's and glibc's both are.
    """
    i = 0
    n = len(b)
    while i < n and b[i] in _SPACE:
        i += 1
    m = _HEX.match(b, i)
    if m is not None:
        body = m.group(2)
        try:
            v = float.fromhex("0x" + body.decode())
        except OverflowError:
            v = _INF
        if m.group(1) == b"-":
            v = -v
        mant = body.split(b"p")[0].split(b"P")[0]
        erange = v in (_INF, -_INF) or (v == 0.0 and _NONZERO.search(mant) is not None)
        return v, m.end(), erange
    m = _DEC.match(b, i)
    if m is not None:
        text = m.group(0)
        v = float(text)
        mant = re.split(rb"[eE]", text)[0]
        erange = v in (_INF, -_INF) or (v == 0.0 and _NONZERO.search(mant) is not None)
        return v, m.end(), erange
    m = _WORD.match(b, i)
    if m is not None:
        word = m.group(2).lower()
        v = float("nan") if word.startswith(b"nan") else _INF
        return (-v if m.group(1) == b"-" else v), m.end(), False
    return 0.0, 0, False


def string2d(b: bytes) -> float | None:
    """``string2d`` (``getDoubleFromObject``): the whole of ``b`` as a double, or None.

    Rejected: empty, a leading space, anything left unread (trailing bytes, an embedded NUL),
    overflow or underflow to zero (ERANGE), NaN. ``inf`` and subnormals are accepted.
    """
    if _PLAIN.fullmatch(b) is not None:  # plain decimals: Python reads them as strtod does
        return float(b)
    if not b or b[0] in _SPACE:
        return None
    v, end, erange = strtod(b)
    if end != len(b) or v != v or (erange and (v == 0.0 or v in (_INF, -_INF))):
        return None
    return v


def _range_item(b: bytes) -> tuple[float, bool] | None:
    """One end of ``zslParseRange``: ``(value, exclusive)`` or None. ``strtod`` must read up
    to the C string's end (a NUL ends it); ERANGE is ignored; NaN is refused."""
    ex = b[:1] == b"("
    c = c_string(b[1:] if ex else b)
    v, end, _ = strtod(c)
    if end != len(c) or v != v:
        return None
    return v, ex


def parse_score_range(lo: bytes, hi: bytes) -> tuple[float, bool, float, bool] | None:
    """``zslParseRange``: ``(min, minex, max, maxex)``; ``(`` makes an end exclusive."""
    a = _range_item(lo)
    b = _range_item(hi)
    if a is None or b is None:
        return None
    return a[0], a[1], b[0], b[1]


#: A lex range end: ``(b"", False)`` style inclusive/exclusive string, or "-"/"+" sentinels.
_MIN, _MAX = "-", "+"
LexItem = tuple[Any, bool]


def _lex_item(b: bytes) -> LexItem | None:
    """``zslParseLexRangeItem``: ``[x`` inclusive, ``(x`` exclusive, ``-`` / ``+`` the
    minimum and maximum string (alone: the next C character must be the end)."""
    c = b[:1]
    if c == b"+" or c == b"-":
        if len(b) > 1 and b[1] != 0:
            return None
        return (_MAX if c == b"+" else _MIN), True
    if c == b"(":
        return b[1:], True
    if c == b"[":
        return b[1:], False
    return None


def parse_lex_range(lo: bytes, hi: bytes) -> tuple[LexItem, LexItem] | None:
    """``zslParseLexRange``: both ends, or None for an invalid item."""
    a = _lex_item(lo)
    b = _lex_item(hi)
    if a is None or b is None:
        return None
    return a, b


def score_span(z: ZSet, r: tuple[float, bool, float, bool]) -> tuple[int, int]:
    """The ranks ``[lo, hi)`` of the elements inside a score range (empty when hi <= lo)."""
    mn, minex, mx, maxex = r
    return z.count_below(mn, minex), z.count_below(mx, not maxex)


def lex_span(z: ZSet, r: tuple[LexItem, LexItem]) -> tuple[int, int]:
    """The ranks ``[lo, hi)`` of the elements inside a lex range (all scores equal)."""
    (a, aex), (b, bex) = r
    n = len(z)
    lo = 0 if a is _MIN else n if a is _MAX else z.count_below_lex(a, aex)
    hi = n if b is _MAX else 0 if b is _MIN else z.count_below_lex(b, not bex)
    return lo, hi


# -- lookups and replies --------------------------------------------------------------------------


def _read(s: Step, key: bytes) -> Any:
    """``lookupKeyRead`` + ``checkType(OBJ_ZSET)``: the zset, None, or WRONGTYPE."""
    return lookup_typed(s, key, ZSet)


def _write(s: Step, key: bytes) -> Any:
    """``lookupKeyWrite`` + ``checkType(OBJ_ZSET)``: the zset, None, or WRONGTYPE."""
    return lookup_typed(s, key, ZSet, write=True)


def _store(s: Step, key: bytes, z: ZSet, existed: bool) -> None:
    """Put back a changed zset, or delete the key if it emptied (Redis never keeps an
    empty aggregate): ``dbAdd``/``dbOverwrite`` (TTL kept) or ``dbDelete``."""
    db = s.db
    if len(z):
        if existed:
            db.update(key, z)
        else:
            db.add(key, z)
        s.signal_modified_key(db.id, key)
    else:
        db.delete(key)


def _limits(s: Step) -> tuple[int, int]:
    c = s.config
    return c["zset-max-listpack-entries"], c["zset-max-listpack-value"]


def scored(s: Step, items: Iterable[tuple[bytes, float]], withscores: bool) -> list[Any]:
    """Members (and scores) as Redis emits a range: flat in RESP2, pairs in RESP3."""
    if not withscores:
        return [m for m, _ in items]
    if s.client.resp >= 3:
        return [[m, sc] for m, sc in items]
    out: list[Any] = []
    for m, sc in items:
        out.append(m)
        out.append(sc)
    return out


def _long(b: bytes) -> int | None:
    return string2ll(b)


# -- ZADD / ZINCRBY ------------------------------------------------------------------------------


def zadd_generic(s: Step, argv: list[bytes], flags: int, scoreidx: int) -> Reply:
    """``zaddGenericCommand``: options are checked, then every score is parsed, then the
    key is looked up (XX on a missing key does nothing), then each pair goes through
    ``zsetAdd``. Reply: the number added (changed, with CH), or with INCR the new score
    (nil when NX/XX/GT/LT refused it)."""
    n = len(argv) - scoreidx
    if n % 2 or not n:
        return SYNTAX
    n //= 2
    if flags & NX and flags & XX:
        return NX_XX
    if (flags & GT and flags & NX) or (flags & LT and flags & NX) or (flags & GT and flags & LT):
        return GT_LT_NX
    incr = flags & INCR
    if incr and n > 1:
        return INCR_PAIRS
    scores: list[float] = []
    for j in range(n):
        v = string2d(argv[scoreidx + 2 * j])
        if v is None:
            return NOT_FLOAT
        scores.append(v)
    key = argv[1]
    z = _write(s, key)
    if type(z) is Err:
        return z
    added = updated = processed = 0
    score = 0.0
    existed = z is not None
    if z is None:
        if flags & XX:
            return None if incr else 0
        z = EMPTY
    max_entries, max_value = _limits(s)
    nan = False
    orig = z
    for j in range(n):
        score = scores[j]
        member = argv[scoreidx + 2 * j + 1]
        cur = z.scores.get(member)
        if cur is not None:
            if flags & NX:
                z = _find_step(s, z)
                continue
            if incr:
                score += cur
                if score != score:
                    z = _find_step(s, z)
                    nan = True
                    break
            if (flags & LT and score >= cur) or (flags & GT and score <= cur):
                z = _find_step(s, z)
                continue
            if score != cur:
                z = z.update(member, cur, score, s.base.dicts.seed)
                updated += 1
            else:
                z = _find_step(s, z)
            processed += 1
        elif not flags & XX:
            z = z.insert(member, score, max_entries, max_value, s.base.dicts.seed)
            added += 1
            processed += 1
        else:
            z = _find_step(s, z)
    if not (added or updated) and z is not orig and existed:
        s.db.update(key, z)  # only the dict's rehash steps (zsetAdd's dictFind)
    if added or updated:
        _store(s, key, z, existed)
        s.notify("z", "zincr" if incr else "zadd", key, s.db.id)
        s.dirty += added + updated
    if nan:
        return NAN_SCORE
    if incr:
        return score if processed else None
    return added + updated if flags & CH else added


def zadd_options(argv: list[bytes], flags: int) -> tuple[int, int]:
    """``zaddGenericCommand``'s option loop, run for ZADD and ZINCRBY alike: the flags
    (NX, XX, GT, LT, CH, INCR) read from ``argv[2]`` on, and the index of the first score."""
    i = 2
    n = len(argv)
    while i < n:
        f = _ZADD_OPTS.get(c_word(argv[i]))
        if f is None:
            break
        flags |= f
        i += 1
    return flags, i


@command("zadd")
def zadd(s: Step, argv: list[bytes]) -> Reply:
    """ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]."""
    return zadd_generic(s, argv, *zadd_options(argv, 0))


@command("zincrby")
def zincrby(s: Step, argv: list[bytes]) -> Reply:
    """ZINCRBY key increment member: ZADD key INCR increment member. The option words are
    read here too (``zaddGenericCommand``): ``ZINCRBY k INCR m`` takes INCR for a flag, and
    one element left is a syntax error."""
    return zadd_generic(s, argv, *zadd_options(argv, INCR))


# -- simple reads ----------------------------------------------------------------------------------


@command("zcard")
def zcard(s: Step, argv: list[bytes]) -> Reply:
    """ZCARD key: the number of members (0 for a missing key)."""
    z = _read(s, argv[1])
    if z is None:
        return 0
    return z if type(z) is Err else len(z)


@command("zscore")
def zscore(s: Step, argv: list[bytes]) -> Reply:
    """ZSCORE key member: the score (a double) or nil."""
    z = _read(s, argv[1])
    if z is None or type(z) is Err:
        return z
    s.db.value_find_steps(argv[1], z, 1)  # zsetScore's dictFind
    return z.scores.get(argv[2])


@command("zmscore")
def zmscore(s: Step, argv: list[bytes]) -> Reply:
    """ZMSCORE key member [member ...]: a score or nil per member."""
    z = _read(s, argv[1])
    if type(z) is Err:
        return z
    if z is None:
        return [None] * (len(argv) - 2)
    s.db.value_find_steps(argv[1], z, len(argv) - 2)  # a dictFind per member
    get = z.scores.get
    return [get(m) for m in argv[2:]]


def _rank(s: Step, argv: list[bytes], reverse: bool) -> Reply:
    """``zrankGenericCommand``: the 0-based rank (from the top with ``reverse``) or nil."""
    z = _read(s, argv[1])
    if z is None or type(z) is Err:
        return z
    s.db.value_find_steps(argv[1], z, 1)  # zsetRank's dictFind
    r = z.rank(argv[2])
    if r is None:
        return None
    return len(z) - 1 - r if reverse else r


@command("zrank")
def zrank(s: Step, argv: list[bytes]) -> Reply:
    """ZRANK key member."""
    return _rank(s, argv, False)


@command("zrevrank")
def zrevrank(s: Step, argv: list[bytes]) -> Reply:
    """ZREVRANK key member."""
    return _rank(s, argv, True)


@command("zcount")
def zcount(s: Step, argv: list[bytes]) -> Reply:
    """ZCOUNT key min max."""
    return _count_in_range(s, argv, SCORE)


@command("zlexcount")
def zlexcount(s: Step, argv: list[bytes]) -> Reply:
    """ZLEXCOUNT key min max."""
    return _count_in_range(s, argv, LEX)


AUTO, RANK, SCORE, LEX = range(4)
_REMRANGE_EVENTS = {RANK: "zremrangebyrank", SCORE: "zremrangebyscore", LEX: "zremrangebylex"}
#: A parsed range: zset -> the ascending ranks ``[lo, hi)`` it selects.
Span = Callable[[ZSet], tuple[int, int]]

# -- ZREM / ZREMRANGEBY* -----------------------------------------------------------------------------


def _find_step(s: Step, z: ZSet) -> ZSet:
    """``zsetAdd``'s ``dictFind`` of a member it then leaves alone (present under NX, LT/GT
    or with the same score, missing under XX): the rehash step of a skiplist's dict."""
    if z.ht is None or z.ht.rehashidx == -1:
        return z
    return z.with_ht(find_steps(z.ht, 1, s.base.dicts.seed))


@command("zrem")
def zrem(s: Step, argv: list[bytes]) -> Reply:
    """ZREM key member [member ...]: how many were removed; the key goes when it empties."""
    key = argv[1]
    z = _write(s, key)
    if z is None:
        return 0
    if type(z) is Err:
        return z
    deleted = 0
    orig = z
    for m in argv[2:]:
        if m in z.scores:
            z = z.remove(m, s.base.dicts.seed)
            deleted += 1
            if not len(z):
                break
        elif z.ht is not None and z.ht.rehashidx != -1:  # zsetDel's dictUnlink of a miss
            z = z.with_ht(find_steps(z.ht, 1, s.base.dicts.seed))
    if not deleted and z is not orig:
        s.db.update(key, z)
    if deleted:
        _store(s, key, z, True)
        s.notify("z", "zrem", key, s.db.id)
        if not len(z):
            s.notify("g", "del", key, s.db.id)
        s.dirty += deleted
    return deleted


def parse_span(kind: int, a: bytes, b: bytes) -> Span | Err:
    """Parse a range of ``kind`` (RANK, SCORE or LEX) into a function from a zset to the
    ascending ranks ``[lo, hi)`` it selects, or the error Redis gives for a bad range.

    Ranks are sanitised as ``zremrangeGenericCommand``/``genericZrangebyrankCommand`` do:
    negatives count from the end, the start is clamped to 0, the end to the last rank; a
    start past the end selects nothing.
    """
    if kind == RANK:
        start = _long(a)
        end = _long(b) if start is not None else None
        if start is None or end is None:
            return NOT_INTEGER

        def rank_span(z: ZSet) -> tuple[int, int]:
            n = len(z)
            lo = start + n if start < 0 else start
            hi = end + n if end < 0 else end
            if lo < 0:
                lo = 0
            if lo > hi or lo >= n:
                return 0, 0
            return lo, (n if hi >= n else hi + 1)

        return rank_span
    if kind == SCORE:
        sr = parse_score_range(a, b)
        if sr is None:
            return RANGE_NOT_FLOAT
        return lambda z: score_span(z, sr)
    lr = parse_lex_range(a, b)
    if lr is None:
        return RANGE_NOT_LEX
    return lambda z: lex_span(z, lr)


def _count_in_range(s: Step, argv: list[bytes], kind: int) -> Reply:
    """``zcountCommand`` / ``zlexcountCommand``: how many members lie in the score (or lex)
    range ``argv[2..3]``, parsed before the key is looked up; 0 for a missing key."""
    span = parse_span(kind, argv[2], argv[3])
    if type(span) is Err:
        return span
    z = _read(s, argv[1])
    if z is None:
        return 0
    if type(z) is Err:
        return z
    lo, hi = span(z)  # type: ignore[operator]
    return hi - lo if hi > lo else 0


def zremrange_generic(s: Step, argv: list[bytes], kind: int) -> Reply:
    """``zremrangeGenericCommand``: the range is parsed first, then the key is looked up.
    Reply: how many were removed; the key goes when it empties."""
    key = argv[1]
    span = parse_span(kind, argv[2], argv[3])
    if type(span) is Err:
        return span
    z = _write(s, key)
    if z is None:
        return 0
    if type(z) is Err:
        return z
    lo, hi = span(z)  # type: ignore[operator]
    if hi <= lo:
        return 0
    z = z.remove_ranks(lo, hi, s.base.dicts.seed)
    _store(s, key, z, True)
    s.notify("z", _REMRANGE_EVENTS[kind], key, s.db.id)
    if not len(z):
        s.notify("g", "del", key, s.db.id)
    s.dirty += hi - lo
    return hi - lo


@command("zremrangebyrank")
def zremrangebyrank(s: Step, argv: list[bytes]) -> Reply:
    """ZREMRANGEBYRANK key start stop."""
    return zremrange_generic(s, argv, RANK)


@command("zremrangebyscore")
def zremrangebyscore(s: Step, argv: list[bytes]) -> Reply:
    """ZREMRANGEBYSCORE key min max."""
    return zremrange_generic(s, argv, SCORE)


@command("zremrangebylex")
def zremrangebylex(s: Step, argv: list[bytes]) -> Reply:
    """ZREMRANGEBYLEX key min max."""
    return zremrange_generic(s, argv, LEX)


# -- ZRANGE family ---------------------------------------------------------------------------------

def zrange_generic(
    s: Step, argv: list[bytes], start: int, store: bool, rangetype: int, reverse: bool | None
) -> Reply:
    """``zrangeGenericCommand``: ZRANGE and its older forms, and ZRANGESTORE.

    ``argv[start]`` is the source key, then min and max, then options (WITHSCORES, LIMIT,
    and where the command leaves them open REV / BYSCORE / BYLEX). Options, conflicts, the
    range and only then the key are checked. BYSCORE/BYLEX with REV take ``max min``.
    LIMIT: a negative offset gives nothing, a negative count means all.
    """
    withscores = False
    offset, limit = 0, -1
    j = start + 3
    n = len(argv)
    while j < n:
        opt = c_word(argv[j])
        left = n - j - 1
        if not store and opt == b"withscores":
            withscores = True
        elif opt == b"limit" and left >= 2:
            o = _long(argv[j + 1])
            c = _long(argv[j + 2]) if o is not None else None
            if o is None or c is None:
                return NOT_INTEGER
            offset, limit = o, c
            j += 2
        elif reverse is None and opt == b"rev":
            reverse = True
        elif rangetype == AUTO and opt == b"bylex":
            rangetype = LEX
        elif rangetype == AUTO and opt == b"byscore":
            rangetype = SCORE
        else:
            return SYNTAX
        j += 1
    rev = bool(reverse)
    if rangetype == AUTO:
        rangetype = RANK
    if limit != -1 and rangetype == RANK:
        return LIMIT_RANK
    if withscores and rangetype == LEX:
        return WITHSCORES_LEX
    a, b = argv[start + 1], argv[start + 2]
    if rev and rangetype != RANK:
        a, b = b, a  # given as max, min
    span = parse_span(rangetype, a, b)
    if type(span) is Err:
        return span
    z = _read(s, argv[start])
    if type(z) is Err:
        return z
    items: list[tuple[bytes, float]] = []
    if z is not None:
        size = len(z)
        lo, hi = span(z)  # type: ignore[operator]
        if rangetype == RANK:
            if hi > lo:
                if rev:
                    items = z.slice(size - hi, size - lo)
                    items.reverse()
                else:
                    items = z.slice(lo, hi)
        elif hi > lo and offset >= 0 and not (offset > 0 and offset >= size):
            count = hi - lo - offset
            if 0 <= limit < count:
                count = limit
            if count > 0:
                if rev:
                    items = z.slice(hi - offset - count, hi - offset)
                    items.reverse()
                else:
                    items = z.slice(lo + offset, lo + offset + count)
    if store:
        hint = len(items) if rangetype == RANK else 0  # the destination's size hint
        return store_result(s, argv[1], build_by_adds(items, *_limits(s), hint), "zrangestore")
    return scored(s, items, withscores)


def store_result(s: Step, dst: bytes, z: ZSet, event: str) -> int:
    """The STORE end of ``zrangeResultFinalizeStore`` and ``zunionInterDiffGenericCommand``:
    write the result to ``dst`` (``setKey``: its TTL goes) and raise ``event``, or delete
    ``dst`` when the result is empty. Reply: the result's size."""
    db = s.db
    if len(z):
        db.set_key(dst, z)
        s.notify("z", event, dst, db.id)
        s.dirty += 1
        return len(z)
    if db.delete(dst):
        s.notify("g", "del", dst, db.id)
        s.dirty += 1
    return 0


@command("zrange")
def zrange(s: Step, argv: list[bytes]) -> Reply:
    """ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]."""
    return zrange_generic(s, argv, 1, False, AUTO, None)


@command("zrangestore")
def zrangestore(s: Step, argv: list[bytes]) -> Reply:
    """ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]."""
    return zrange_generic(s, argv, 2, True, AUTO, None)


@command("zrevrange")
def zrevrange(s: Step, argv: list[bytes]) -> Reply:
    """ZREVRANGE key start stop [WITHSCORES]."""
    return zrange_generic(s, argv, 1, False, RANK, True)


@command("zrangebyscore")
def zrangebyscore(s: Step, argv: list[bytes]) -> Reply:
    """ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]."""
    return zrange_generic(s, argv, 1, False, SCORE, False)


@command("zrevrangebyscore")
def zrevrangebyscore(s: Step, argv: list[bytes]) -> Reply:
    """ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]."""
    return zrange_generic(s, argv, 1, False, SCORE, True)


@command("zrangebylex")
def zrangebylex(s: Step, argv: list[bytes]) -> Reply:
    """ZRANGEBYLEX key min max [LIMIT offset count]."""
    return zrange_generic(s, argv, 1, False, LEX, False)


@command("zrevrangebylex")
def zrevrangebylex(s: Step, argv: list[bytes]) -> Reply:
    """ZREVRANGEBYLEX key max min [LIMIT offset count]."""
    return zrange_generic(s, argv, 1, False, LEX, True)


# -- pops ------------------------------------------------------------------------------------------


def zpop_core(
    s: Step,
    keys: list[bytes],
    pop_max: bool,
    count: int,
    emit_key: bool,
    nested: bool,
    nil_when_empty: bool,
) -> Any:
    """``genericZpopCommand`` after its count check: pop up to ``count`` from the first
    non-empty key (WRONGTYPE stops the scan at the first key of another type).

    Reply: ``[m, s, ...]``, or ``[[m, s], ...]`` when ``nested``; with ``emit_key``
    ``[key, that]``. No key: an empty array, or the null array when ``nil_when_empty``.
    This is also the non-blocking core of BZPOPMIN/BZPOPMAX/BZMPOP.
    """
    key = b""
    z: Any = None
    for k in keys:
        z = _write(s, k)
        if z is None:
            continue
        if type(z) is Err:
            return z
        key = k
        break
    if z is None:
        return NULL_ARRAY if nil_when_empty else []
    n = min(count, len(z))
    if pop_max:
        items = z.slice(len(z) - n, len(z))
        items.reverse()
    else:
        items = z.slice(0, n)
    seed = s.base.dicts.seed
    z = (z.remove_ranks(len(z) - n, len(z), seed, True) if pop_max
         else z.remove_ranks(0, n, seed, True))
    _store(s, key, z, True)
    s.notify("z", "zpopmax" if pop_max else "zpopmin", key, s.db.id)
    if not len(z):
        s.notify("g", "del", key, s.db.id)
    s.dirty += n
    if nested:
        body: list[Any] = [[m, sc] for m, sc in items]
    else:
        body = []
        for m, sc in items:
            body.append(m)
            body.append(sc)
    return [key, body] if emit_key else body


def _zpop(s: Step, argv: list[bytes], pop_max: bool) -> Reply:
    """ZPOPMIN/ZPOPMAX key [count]: with a count the reply nests pairs in RESP3."""
    count = 1
    if len(argv) > 3:
        return SYNTAX
    if len(argv) == 3:
        c = _long(argv[2])
        if c is None or c < 0:
            return NOT_POSITIVE
        count = c
        if count == 0:
            z = _write(s, argv[1])
            return z if type(z) is Err else []
    return zpop_core(s, [argv[1]], pop_max, count, False, len(argv) == 3 and s.client.resp >= 3,
                     False)


@command("zpopmin")
def zpopmin(s: Step, argv: list[bytes]) -> Reply:
    """ZPOPMIN key [count]."""
    return _zpop(s, argv, False)


@command("zpopmax")
def zpopmax(s: Step, argv: list[bytes]) -> Reply:
    """ZPOPMAX key [count]."""
    return _zpop(s, argv, True)


#: ``zmpopGenericCommand``'s MIN|MAX word: whether it pops the highest scores.
_ZMPOP_SIDES = {b"min": False, b"max": True}


def parse_zmpop(argv: list[bytes], numkeys_idx: int) -> tuple[list[bytes], bool, int] | Err:
    """``zmpopGenericCommand``'s parsing: ``numkeys key... MIN|MAX [COUNT n]`` into
    ``(keys, pop_max, count)``."""
    return parse_mpop(argv, numkeys_idx, _ZMPOP_SIDES)


def zmpop_generic(s: Step, keys: list[bytes], pop_max: bool, count: int) -> Any:
    """``zmpopGenericCommand``'s pop (ZMPOP, and BZMPOP before it blocks): ``[key, [[m, s],
    ...]]`` from the first non-empty key, or the null array; propagated as
    ``ZPOPMIN|ZPOPMAX key count``."""
    r = zpop_core(s, keys, pop_max, count, True, True, True)
    if type(r) is list:  # the count propagated is how many were popped
        s.argv_rewrite = (b"ZPOPMAX" if pop_max else b"ZPOPMIN", r[0], b"%d" % len(r[1]))
    return r


@command("zmpop")
def zmpop(s: Step, argv: list[bytes]) -> Reply:
    """ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]."""
    p = parse_zmpop(argv, 1)
    if type(p) is Err:
        return p
    assert isinstance(p, tuple)
    return zmpop_generic(s, *p)


# -- ZRANDMEMBER -------------------------------------------------------------------------------------


@command("zrandmember")
def zrandmember(s: Step, argv: list[bytes]) -> Reply:
    """ZRANDMEMBER key [count [WITHSCORES]] (``zrandmemberCommand``).

    No count: one random member or nil. A negative count draws with repetition; a positive
    one draws distinct members; asking for at least the set's size gives the whole set, from
    the highest element down.
    """
    if len(argv) == 2:
        z = _read(s, argv[1])
        if z is None or type(z) is Err:
            return z
        return z.at(s.random() % len(z))[0]
    c = _long(argv[2])
    if c is None:
        return NOT_INTEGER
    if c < -_LONG_MAX:
        return RANDMEMBER_RANGE
    withscores = False
    if len(argv) > 4 or (len(argv) == 4 and c_word(argv[3]) != b"withscores"):
        return SYNTAX
    if len(argv) == 4:
        withscores = True
        if c < -(_LONG_MAX // 2) or c > _LONG_MAX // 2:
            return OUT_OF_RANGE
    z = _read(s, argv[1])
    if z is None:
        return []
    if type(z) is Err:
        return z
    size = len(z)
    if c == 0:
        return []
    if c < 0 or c == 1:
        picks = [z.at(s.random() % size) for _ in range(-c if c < 0 else 1)]
        return scored(s, picks, withscores)
    if c >= size:  # the whole set, walked from the tail
        items = z.items()
        items.reverse()
        return scored(s, items, withscores)
    idx = list(range(size))
    for i in range(c):  # partial Fisher-Yates: c distinct ranks in random order
        k = i + s.random() % (size - i)
        idx[i], idx[k] = idx[k], idx[i]
    return scored(s, [z.at(i) for i in idx[:c]], withscores)


# -- ZUNION / ZINTER / ZDIFF (+STORE) / ZINTERCARD ------------------------------------------------

UNION, INTER, DIFF = range(3)
_SUM, _MIN_AGG, _MAX_AGG = range(3)


def _source(v: Any) -> tuple[Any, int] | None:
    """A ``zsetopsrc``: a zset, or a set whose members all score 1.0; None for another type."""
    if type(v) is ZSet:
        return v, len(v)
    if TYPE_NAMES.get(type(v)) == "set":
        return v, len(v)
    return None


def _src_items(v: Any) -> Iterable[tuple[bytes, float]]:
    """``zuiNext`` over a source: ``(member, score)``."""
    if type(v) is ZSet:
        return v.items()
    return ((m, 1.0) for m in v)


def _src_find(v: Any, m: bytes) -> float | None:
    """``zuiFind``: the member's score in a source (1.0 in a set), or None."""
    if type(v) is ZSet:
        return v.scores.get(m)
    return 1.0 if m in v else None


def _aggregate(cur: float, val: float, agg: int) -> float:
    """``zunionInterAggregate``: SUM (NaN becomes 0), MIN or MAX."""
    if agg == _SUM:
        r = cur + val
        return 0.0 if r != r else r
    if agg == _MIN_AGG:
        return val if val < cur else cur
    return val if val > cur else cur


def zsetop_generic(
    s: Step, argv: list[bytes], dst: bytes | None, numkeys_idx: int, op: int, card_only: bool
) -> Reply:
    """``zunionInterDiffGenericCommand``: ZUNION, ZINTER, ZDIFF, their STORE forms and
    ZINTERCARD. Order of checks: numkeys, key count, the keys' types, then options (WEIGHTS
    and AGGREGATE not for ZDIFF/ZINTERCARD, WITHSCORES not for STORE, LIMIT only for
    ZINTERCARD). Sources are sorted by size (not for DIFF); a weighted score that is NaN
    becomes 0."""
    nk = _long(argv[numkeys_idx])
    if nk is None:
        return NOT_INTEGER
    if nk < 1:
        return Err(f"ERR at least 1 input key is needed for '{s.cmd.name}' command")
    argc = len(argv)
    if nk > argc - (numkeys_idx + 1):
        return SYNTAX
    srcs: list[list[Any]] = []  # [value or None, size, weight]
    j = numkeys_idx + 1
    for _ in range(nk):
        k = argv[j]
        v = s.db.lookup_read(k)  # lookupKeyRead, STORE too: a keyspace hit or miss
        if v is None:
            srcs.append([None, 0, 1.0])
        else:
            src = _source(v)
            if src is None:
                return WRONGTYPE
            srcs.append([src[0], src[1], 1.0])
        j += 1
    agg = _SUM
    withscores = False
    limit = 0
    while j < argc:
        remaining = argc - j
        opt = c_word(argv[j])
        if op != DIFF and not card_only and remaining >= nk + 1 and opt == b"weights":
            j += 1
            for i in range(nk):
                w = string2d(argv[j])
                if w is None:
                    return WEIGHT_NOT_FLOAT
                srcs[i][2] = w
                j += 1
        elif op != DIFF and not card_only and remaining >= 2 and opt == b"aggregate":
            a = c_word(argv[j + 1])
            if a == b"sum":
                agg = _SUM
            elif a == b"min":
                agg = _MIN_AGG
            elif a == b"max":
                agg = _MAX_AGG
            else:
                return SYNTAX
            j += 2
        elif dst is None and not card_only and opt == b"withscores":
            withscores = True
            j += 1
        elif card_only and remaining >= 2 and opt == b"limit":
            lim = _long(argv[j + 1])
            if lim is None or lim < 0:
                return LIMIT_NEGATIVE
            limit = lim
            j += 2
        else:
            return SYNTAX
    if op != DIFF:
        srcs.sort(key=lambda x: x[1])  # a stable sort, like glibc's merge qsort
    result: dict[bytes, float] = {}
    card = 0
    if op == INTER:
        if srcs[0][1] > 0:
            first, _, w0 = srcs[0]
            for m, sc in _src_items(first):
                score = w0 * sc
                if score != score:
                    score = 0.0
                ok = True
                for other, _, w in srcs[1:]:
                    if other is first:
                        score = _aggregate(score, sc * w, agg)
                        continue
                    val = _src_find(other, m)
                    if val is None:
                        ok = False
                        break
                    score = _aggregate(score, val * w, agg)
                if ok:
                    if card_only:
                        card += 1
                        if limit and card >= limit:
                            break
                    else:
                        result[m] = score
    elif op == UNION:
        for v, size, w in srcs:
            if not size:
                continue
            for m, sc in _src_items(v):
                score = w * sc
                if score != score:
                    score = 0.0
                cur = result.get(m)
                result[m] = score if cur is None else _aggregate(cur, score, agg)
    else:
        first = srcs[0][0]
        if srcs[0][1] > 0 and not any(o[0] is first for o in srcs[1:]):
            for m, sc in _src_items(first):
                if not any(o[0] is not None and _src_find(o[0], m) is not None for o in srcs[1:]):
                    result[m] = sc
    if card_only:
        return card
    if dst is not None:
        event = ("zunionstore", "zinterstore", "zdiffstore")[op]
        return store_result(s, dst, build(result.items(), *_limits(s)), event)
    items = sorted(result.items(), key=lambda p: (p[1], p[0]))
    return scored(s, items, withscores)


@command("zunion")
def zunion(s: Step, argv: list[bytes]) -> Reply:
    """ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]."""
    return zsetop_generic(s, argv, None, 1, UNION, False)


@command("zinter")
def zinter(s: Step, argv: list[bytes]) -> Reply:
    """ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]."""
    return zsetop_generic(s, argv, None, 1, INTER, False)


@command("zdiff")
def zdiff(s: Step, argv: list[bytes]) -> Reply:
    """ZDIFF numkeys key [key ...] [WITHSCORES]."""
    return zsetop_generic(s, argv, None, 1, DIFF, False)


@command("zunionstore")
def zunionstore(s: Step, argv: list[bytes]) -> Reply:
    """ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]."""
    return zsetop_generic(s, argv, argv[1], 2, UNION, False)


@command("zinterstore")
def zinterstore(s: Step, argv: list[bytes]) -> Reply:
    """ZINTERSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]."""
    return zsetop_generic(s, argv, argv[1], 2, INTER, False)


@command("zdiffstore")
def zdiffstore(s: Step, argv: list[bytes]) -> Reply:
    """ZDIFFSTORE dst numkeys key [key ...]."""
    return zsetop_generic(s, argv, argv[1], 2, DIFF, False)


@command("zintercard")
def zintercard(s: Step, argv: list[bytes]) -> Reply:
    """ZINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting
    stops at a nonzero limit."""
    return zsetop_generic(s, argv, None, 1, INTER, True)
