"""The sorted set value (Redis's ``OBJ_ZSET``, ``t_zset.c``).

A sorted set is a map ``member -> score`` (Redis's ``zset->dict``) plus the members in order
of ``(score, member bytes)`` (Redis's ``zskiplist``, or the listpack's physical order). Here
the order is a persistent weight-balanced binary tree with subtree sizes (an
order-statistics tree, path-copied): inserting or removing a member, finding its rank, or
the i-th member all cost O(log n) and share everything else with the old value.

A tree node is a tuple ``(score, member, left, right, size)``; ``None`` is the empty tree.
Members compare as Redis's ``sdscmp`` (``memcmp``, then the shorter first), which is
Python's ``bytes`` ordering; scores compare as C doubles (``-0.0 == 0.0``).

Encoding (Redis 7.0.15): ``listpack`` while the set has at most
``zset-max-listpack-entries`` members, none longer than ``zset-max-listpack-value`` bytes;
``skiplist`` otherwise. ``zsetAdd`` converts before inserting a *new* member that would
break either limit (an update never converts); removals never convert back. Values built
whole (ZUNIONSTORE & co., ZRANGESTORE) take the encoding their size and longest member ask
for (``zsetConvertToListpackIfNeeded``).

A listpack stores a score as text and reads an integral one back as an integer, so ``-0``
becomes ``0`` there (``zzlInsertAt`` + ``lpStringToInt64``); a skiplist keeps ``-0.0``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from immutables import Map

from .. import values
from ..dict import HashTables
from ..listpack import lp_entry_size
from ..rdbcodec import d2string
from . import valuedict as vd
from .valuedict import Seed

__all__ = ["ZSet", "Tree", "build", "EMPTY_SCORES"]

#: A tree node ``(score, member, left, right, size)`` or None.
Tree = Any

EMPTY_SCORES: Map[bytes, float] = Map()

_DELTA = 3  # weight-balance parameters (Adams; as in Haskell's Data.Map)
_RATIO = 2


# -- the order-statistics tree (pure functions over tuples) -------------------------------------


def _size(t: Tree) -> int:
    return 0 if t is None else t[4]


def _node(s: float, m: bytes, left: Tree, right: Tree) -> Tree:
    return (s, m, left, right, _size(left) + _size(right) + 1)


def _balance(s: float, m: bytes, left: Tree, right: Tree) -> Tree:
    """A node over ``left`` and ``right`` whose sizes differ by at most one insertion or
    removal from balance, rebalanced with one single or double rotation."""
    sl = 0 if left is None else left[4]
    sr = 0 if right is None else right[4]
    if sl + sr > 1:
        if sr > _DELTA * sl:
            rs, rm, rl, rr, _ = right
            if _size(rl) < _RATIO * _size(rr):
                return _node(rs, rm, _node(s, m, left, rl), rr)
            rls, rlm, rll, rlr, _ = rl
            return _node(rls, rlm, _node(s, m, left, rll), _node(rs, rm, rlr, rr))
        if sl > _DELTA * sr:
            ls, lm, ll, lr, _ = left
            if _size(lr) < _RATIO * _size(ll):
                return _node(ls, lm, ll, _node(s, m, lr, right))
            lrs, lrm, lrl, lrr, _ = lr
            return _node(lrs, lrm, _node(ls, lm, ll, lrl), _node(s, m, lrr, right))
    return (s, m, left, right, sl + sr + 1)


def tree_insert(t: Tree, s: float, m: bytes) -> Tree:
    """The tree with ``(s, m)`` added (``zslInsert``); ``m`` must not be in it.

    (The common case, a node that stays balanced, is built inline; only an insertion that
    tips a node's weights goes through :func:`_balance`.)"""
    if t is None:
        return (s, m, None, None, 1)
    ts, tm, left, right, n = t
    if s < ts or (s == ts and m < tm):
        left = tree_insert(left, s, m)
        sr = 0 if right is None else right[4]
        if left[4] > _DELTA * sr and n > 1:
            return _balance(ts, tm, left, right)
    else:
        right = tree_insert(right, s, m)
        sl = 0 if left is None else left[4]
        if right[4] > _DELTA * sl and n > 1:
            return _balance(ts, tm, left, right)
    return (ts, tm, left, right, n + 1)


def _pop_min(t: Tree) -> tuple[float, bytes, Tree]:
    ts, tm, left, right, _ = t
    if left is None:
        return ts, tm, right
    s, m, rest = _pop_min(left)
    return s, m, _balance(ts, tm, rest, right)


def _pop_max(t: Tree) -> tuple[float, bytes, Tree]:
    ts, tm, left, right, _ = t
    if right is None:
        return ts, tm, left
    s, m, rest = _pop_max(right)
    return s, m, _balance(ts, tm, left, rest)


def tree_delete(t: Tree, s: float, m: bytes) -> Tree:
    """The tree without ``(s, m)`` (``zslDelete``); the pair must be in it."""
    ts, tm, left, right, _ = t
    if s == ts and m == tm:
        if left is None:
            return right
        if right is None:
            return left
        if left[4] > right[4]:
            ps, pm, left = _pop_max(left)
        else:
            ps, pm, right = _pop_min(right)
        return _balance(ps, pm, left, right)
    if s < ts or (s == ts and m < tm):
        return _balance(ts, tm, tree_delete(left, s, m), right)
    return _balance(ts, tm, left, tree_delete(right, s, m))


def tree_rank(t: Tree, s: float, m: bytes) -> int:
    """``zslGetRank`` - 1: how many elements order before ``(s, m)``."""
    r = 0
    while t is not None:
        ts, tm, left, right, _ = t
        if s < ts or (s == ts and m < tm):
            t = left
        elif s == ts and m == tm:
            return r + _size(left)
        else:
            r += _size(left) + 1
            t = right
    return r


def tree_count_below(t: Tree, field: int, x: Any, inclusive: bool) -> int:
    """How many elements have ``field`` (0: the score, 1: the member) ``< x`` (or ``<= x``
    when ``inclusive``): the rank of a range end (``zslFirstInRange``/``zslLastInRange``
    with ``zslGetRank``; ``zslFirstInLexRange``/... for members, which are in order when
    every score is equal, the case the lex commands are defined for)."""
    r = 0
    while t is not None:
        v = t[field]
        if v < x or (inclusive and v == x):
            r += _size(t[2]) + 1
            t = t[3]
        else:
            t = t[2]
    return r


def tree_select(t: Tree, i: int) -> tuple[float, bytes]:
    """``zslGetElementByRank``: the element of rank ``i`` (0-based, ``0 <= i < size``)."""
    while True:
        ls = _size(t[2])
        if i < ls:
            t = t[2]
        elif i == ls:
            return t[0], t[1]
        else:
            i -= ls + 1
            t = t[3]


def tree_slice(t: Tree, lo: int, hi: int, out: list[tuple[bytes, float]]) -> None:
    """Append ``(member, score)`` for ranks ``lo <= r < hi`` of ``t`` to ``out``, in order."""
    if t is None or lo >= hi:
        return
    ts, tm, left, right, _ = t
    ls = _size(left)
    if lo < ls:
        tree_slice(left, lo, hi if hi < ls else ls, out)
    if lo <= ls < hi:
        out.append((tm, ts))
    if hi > ls + 1:
        tree_slice(right, lo - ls - 1 if lo > ls else 0, hi - ls - 1, out)


def tree_build(items: list[tuple[float, bytes]], lo: int, hi: int) -> Tree:
    """A perfectly balanced tree over the sorted ``(score, member)`` items ``[lo, hi)``."""
    if lo >= hi:
        return None
    mid = (lo + hi) // 2
    s, m = items[mid]
    left = tree_build(items, lo, mid)
    right = tree_build(items, mid + 1, hi)
    return (s, m, left, right, hi - lo)


def tree_iter(t: Tree) -> Iterator[tuple[float, bytes]]:
    """Every ``(score, member)`` in order."""
    stack: list[Any] = []
    while stack or t is not None:
        while t is not None:
            stack.append(t)
            t = t[2]
        t = stack.pop()
        yield t[0], t[1]
        t = t[3]


# -- the value -----------------------------------------------------------------------------------


def _lp_score(score: float) -> int:
    """Bytes of a score's listpack entry (``zzlInsertAt``: ``d2string``, then ``lpAppend``)."""
    return lp_entry_size(d2string(score))


def _lp_pair(member: bytes, score: float) -> int:
    """Bytes of a member's two listpack entries, the member and its score."""
    return lp_entry_size(member) + lp_entry_size(d2string(score))


class ZSet:
    """An immutable sorted set (a zset ``robj``). Every change returns a new value that
    shares structure with the old one; never mutate one in place.

    ``scores`` is ``zset->dict`` (member -> score), ``tree`` the order, ``listpack`` whether
    Redis would hold it as a listpack (else a skiplist).
    """

    __slots__ = ("scores", "tree", "listpack", "ht", "_size", "_lpb")

    scores: Map[bytes, float]
    tree: Tree
    listpack: bool
    #: A skiplist's ``zset->dict`` (``spec.types.valuedict``); None for a listpack, or for a
    #: skiplist built by a path that passed no hash seed (then rebuilt when read).
    ht: HashTables | None

    def __init__(self, scores: Map[bytes, float], tree: Tree, listpack: bool,
                 ht: HashTables | None = None, lpb: int = -1) -> None:
        self.scores = scores
        self.tree = tree
        self.listpack = listpack
        self.ht = ht
        #: ``objectComputeSize`` of this (immutable) value, memoised by spec.memory; -1 until then.
        self._size = -1
        #: The listpack's entry bytes (:meth:`lp_bytes`), carried from write to write; -1 until
        #: computed.
        self._lpb = lpb

    def with_ht(self, ht: HashTables | None) -> ZSet:
        """The same value with its dict ``ht`` (a read's rehash steps moved its buckets)."""
        v = ZSet(self.scores, self.tree, self.listpack, ht, self._lpb)
        return v

    def lp_bytes(self) -> int:
        """The bytes of a listpack-encoded zset's entries, member and score each, a score as
        ``d2string`` writes it (0.1 as 0.10000000000000001; an integral one becomes an
        integer entry): ``lpBytes`` less the 7-byte header and end. Redis keeps the total in
        the listpack's header; here :meth:`insert`, :meth:`update` and :meth:`remove` carry it
        from the value they replace (O(1) entries sized per write), and a value made any other
        way computes it once, O(n)."""
        n = self._lpb
        if n < 0:
            n = self._lpb = sum(_lp_pair(m, s) for m, s in self.scores.items())
        return n

    @property
    def encoding(self) -> str:
        """OBJECT ENCODING: "listpack" or "skiplist"."""
        return "listpack" if self.listpack else "skiplist"

    def __len__(self) -> int:
        """``zsetLength``."""
        return len(self.scores)

    def __contains__(self, member: object) -> bool:
        return member in self.scores

    def __iter__(self) -> Iterator[bytes]:
        """Members in order (what ``zuiNext`` yields for a zset)."""
        for _, m in tree_iter(self.tree):
            yield m

    def score(self, member: bytes) -> float | None:
        """``zsetScore``: the member's score or None."""
        return self.scores.get(member)

    def items(self) -> list[tuple[bytes, float]]:
        """Every ``(member, score)`` in order."""
        out: list[tuple[bytes, float]] = []
        tree_slice(self.tree, 0, len(self.scores), out)
        return out

    def slice(self, lo: int, hi: int) -> list[tuple[bytes, float]]:
        """``(member, score)`` of ranks ``lo <= r < hi``, in order."""
        out: list[tuple[bytes, float]] = []
        tree_slice(self.tree, lo, hi, out)
        return out

    def rank(self, member: bytes) -> int | None:
        """``zsetRank`` (ascending, 0-based) or None when absent."""
        s = self.scores.get(member)
        return None if s is None else tree_rank(self.tree, s, member)

    def at(self, i: int) -> tuple[bytes, float]:
        """The element of rank ``i``."""
        s, m = tree_select(self.tree, i)
        return m, s

    def count_below(self, x: float, inclusive: bool) -> int:
        """How many scores are ``< x`` (``<= x`` when ``inclusive``)."""
        return tree_count_below(self.tree, 0, x, inclusive)

    def count_below_lex(self, x: bytes, inclusive: bool) -> int:
        """How many members are ``< x`` (``<= x``), all scores being equal."""
        return tree_count_below(self.tree, 1, x, inclusive)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ZSet)
            and self.listpack == other.listpack
            and self.items() == other.items()
        )

    def __hash__(self) -> int:
        return hash(tuple(self.items()))

    def __repr__(self) -> str:
        return f"ZSet({self.items()!r}, {self.encoding})"

    # -- changes -------------------------------------------------------------------------------

    def insert(self, member: bytes, score: float, max_entries: int, max_value: int,
               seed: Seed | None = None) -> ZSet:
        """``zsetAdd`` of a new member: converts to a skiplist first when the new size or the
        member's length passes the listpack limits (``zsetConvert``: a new dict, no presize,
        members added in score order). On a skiplist (with ``seed``): ``dictFind`` (a rehash
        step), then ``dictAdd``."""
        lp = self.listpack
        ht = None
        if lp and (len(self.scores) + 1 > max_entries or len(member) > max_value):
            lp = False
            if seed is not None:
                ht = vd.convert(iter(self), seed)
        elif not lp and seed is not None:
            ht = self.ht
        if lp and score == 0.0:
            score = 0.0  # a listpack reads -0 back as the integer 0
        if ht is not None:
            assert seed is not None
            ht = vd.find_add(ht, member, seed)
        lpb = self._lpb
        if lp and lpb >= 0:
            lpb += _lp_pair(member, score)
        return ZSet(self.scores.set(member, score), tree_insert(self.tree, score, member), lp, ht,
                    lpb if lp else -1)

    def update(self, member: bytes, old: float, score: float, seed: Seed | None = None) -> ZSet:
        """A new score for a present member (``zsetAdd``'s update path; never converts; a
        skiplist's ``dictFind`` takes a rehash step)."""
        if self.listpack and score == 0.0:
            score = 0.0
        t = tree_insert(tree_delete(self.tree, old, member), score, member)
        ht = self.ht
        if ht is not None:
            ht = None if seed is None else vd.find_step(ht, seed)
        lpb = self._lpb
        if lpb >= 0:
            lpb += _lp_score(score) - _lp_score(old)
        return ZSet(self.scores.set(member, score), t, self.listpack, ht, lpb)

    def remove(self, member: bytes, seed: Seed | None = None) -> ZSet:
        """``zsetDel`` of a present member (never converts back; the dict is shrunk when
        ``htNeedsResize``)."""
        s = self.scores[member]
        ht = self.ht
        if ht is not None:
            ht = None if seed is None else vd.delete(ht, member, seed)
        lpb = self._lpb
        if lpb >= 0:
            lpb -= _lp_pair(member, s)
        return ZSet(self.scores.delete(member), tree_delete(self.tree, s, member),
                    self.listpack, ht, lpb)

    def remove_ranks(self, lo: int, hi: int, seed: Seed | None = None,
                     resize_each: bool = False) -> ZSet:
        """Without the elements of ranks ``lo <= r < hi`` (``zslDeleteRangeByRank``; the
        dict's shrink check once after, or after each removal for ``zsetDel`` loops)."""
        gone = self.slice(lo, hi)
        ht = self.ht
        if ht is not None:
            ht = None if seed is None else vd.delete_many(ht, [m for m, _ in gone], seed,
                                                          resize_each)
        if len(gone) == len(self.scores):
            return ZSet(EMPTY_SCORES, None, self.listpack, ht)
        if len(gone) * 4 > len(self.scores):  # cheaper to rebuild from what stays
            keep = [(s, m) for m, s in self.slice(0, lo)] + [
                (s, m) for m, s in self.slice(hi, len(self.scores))
            ]
            sc = self.scores.mutate()
            for m, _ in gone:
                del sc[m]
            return ZSet(sc.finish(), tree_build(keep, 0, len(keep)), self.listpack, ht)
        sc = self.scores.mutate()
        t = self.tree
        for m, s in gone:
            del sc[m]
            t = tree_delete(t, s, m)
        return ZSet(sc.finish(), t, self.listpack, ht)


EMPTY = ZSet(EMPTY_SCORES, None, True, None, 0)


def build(pairs: Iterable[tuple[bytes, float]], max_entries: int, max_value: int) -> ZSet:
    """A value holding ``pairs`` (distinct members), encoded as Redis encodes a result built
    whole (``zsetConvertToListpackIfNeeded``: listpack when the size and the longest member
    are within the limits)."""
    d = dict(pairs)
    n = len(d)
    lp = n <= max_entries and all(len(m) <= max_value for m in d)
    if lp:
        for m, s in d.items():
            if s == 0.0:
                d[m] = 0.0
    items = sorted((s, m) for m, s in d.items())
    return ZSet(Map(d), tree_build(items, 0, n), lp)


def build_by_adds(pairs: list[tuple[bytes, float]], max_entries: int, max_value: int,
                  size_hint: int = 0) -> ZSet:
    """A value made by ``zsetAdd``-ing distinct ``pairs`` in order to a new value (what
    ZRANGESTORE does): same as :func:`build`, except that members added while it was still a
    listpack had a ``-0`` score stored as ``0``, and keep it after a later conversion. The
    new value is a skiplist from the start when ``size_hint`` (the result's length, known
    beforehand for a rank range: ``zrangeResultBeginStore``) passes
    ``zset-max-listpack-entries``, else an empty listpack."""
    lp = size_hint <= max_entries
    out: list[tuple[bytes, float]] = []
    for i, (m, s) in enumerate(pairs):
        if lp and (i + 1 > max_entries or len(m) > max_value):
            lp = False
        out.append((m, 0.0 if lp and s == 0.0 else s))
    z = build(out, max_entries, max_value)
    return z


values.TYPE_NAMES[ZSet] = "zset"
values.ENCODINGS[ZSet] = lambda v: v.encoding
