"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of
``spec/types/zset.py``, ``spec/commands/zsets.py``, ``spec/pqsort.py`` and
``spec/commands/sort.py`` (issue #22, ``tools/mutation.py``), in the pattern of
``properties/test_boundary_gaps.py``: each check puts a rule exactly on its boundary, and
each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_zsets_agree_with_redis``.

The order-statistics tree (``spec.types.zset``) is our representation of Redis's skiplist,
not a Redis structure: its rules are ours (Adams's weight balance, ``delta`` 3, ``ratio``
2, as in Haskell's ``Data.Map``), and what Redis fixes is the order it yields. The tree
check drives sorted sets of up to a few hundred members through ZADD, ZINCRBY, ZREM,
ZPOPMIN/ZPOPMAX and ZREMRANGEBYRANK (ties of score included, so that members decide the
order) and checks after each command that the stored tree has the right sizes, is in
``(score, member)`` order, holds the map's pairs, is weight-balanced
(``size(l) + size(r) <= 1`` or each side at most 3 times the other), and that ZRANK,
ZREVRANK and ZRANGE of every member agree with a sorted list.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec.reply import encode2 as encode
from redspec.spec.types import zset as zmod

NAME = "boundary_zsets_agree_with_redis"


# -- the tree --------------------------------------------------------------------------------------


def _tree_ok(v: Any, what: str) -> None:
    """The stored value's tree: sizes, balance, order, and the map's pairs."""
    def walk(t: Any) -> int:
        if t is None:
            return 0
        _, m, left, right, size = t
        nl, nr = walk(left), walk(right)
        assert size == nl + nr + 1, f"{NAME}: {what}: size of {m!r} is {size}"
        assert nl + nr <= 1 or (nl <= 3 * nr and nr <= 3 * nl), \
            f"{NAME}: {what}: unbalanced at {m!r} ({nl} / {nr})"
        return size

    walk(v.tree)
    pairs = [(m, s) for s, m in zmod.tree_iter(v.tree)]
    assert pairs == sorted(pairs, key=lambda p: (p[1], p[0])), f"{NAME}: {what}: out of order"
    assert dict(pairs) == dict(v.scores.items()) and len(pairs) == len(v.scores), \
        f"{NAME}: {what}: the tree does not hold the map's pairs"


def _agrees(c: Session, model: dict[bytes, float], what: str, ranks: bool) -> None:
    """The key ``z`` holds ``model``: its tree is sound, ZRANGE lists it in order, and (with
    ``ranks``) ZRANK / ZREVRANK of every member is its place."""
    want = sorted(model.items(), key=lambda p: (p[1], p[0]))
    v = c.state.dbs[0].keys.get(b"z")
    if not model:
        assert v is None, f"{NAME}: {what}: an empty set kept"
        return
    _tree_ok(v, what)
    got = c.call(b"ZRANGE", b"z", 0, -1)
    assert got == encode([m for m, _ in want]), f"{NAME}: {what}: ZRANGE {got!r}"
    if ranks:
        n = len(want)
        for r, (m, _) in enumerate(want):
            assert c.call(b"ZRANK", b"z", m) == b":%d\r\n" % r, f"{NAME}: {what}: ZRANK {m!r}"
            assert c.call(b"ZREVRANK", b"z", m) == b":%d\r\n" % (n - 1 - r), \
                f"{NAME}: {what}: ZREVRANK {m!r}"


def check_tree_sorted_runs() -> None:
    """Members added in ascending, then descending order (every insert on one side: the
    single rotations), then in a zig-zag (the double rotations), then removed every other
    one from both ends (deletions of nodes with two children)."""
    c = Session()
    model: dict[bytes, float] = {}
    order = list(range(40)) + list(range(99, 59, -1)) + [
        v for i in range(10) for v in (41 + i, 58 - i)]
    for i in order:
        m = b"m%03d" % i
        c.call(b"ZADD", b"z", i // 4, m)
        model[m] = float(i // 4)
        _agrees(c, model, f"ZADD {m!r}", ranks=False)
    _agrees(c, model, "after the adds", ranks=True)
    for i in list(range(0, 100, 2)) + list(range(99, 0, -6)):
        m = b"m%03d" % i
        if m in model:
            c.call(b"ZREM", b"z", m)
            del model[m]
            _agrees(c, model, f"ZREM {m!r}", ranks=False)
    _agrees(c, model, "after the removals", ranks=True)


def check_tree_random_ops() -> None:
    """A fixed pseudo-random run of ZADD (scores 0..3: many ties), ZINCRBY, ZREM (members
    present and missing), ZPOPMIN/ZPOPMAX with counts and ZREMRANGEBYRANK over one key."""
    rnd = random.Random(22)
    c = Session()
    model: dict[bytes, float] = {}
    for step in range(500):
        op = rnd.randrange(10)
        m = b"m%02d" % rnd.randrange(60)
        if op < 5:
            sc = rnd.randrange(4)
            c.call(b"ZADD", b"z", sc, m)
            model[m] = float(sc)
        elif op == 5:
            c.call(b"ZINCRBY", b"z", 1, m)
            model[m] = model.get(m, 0.0) + 1
        elif op < 8:
            other = b"m%02d" % rnd.randrange(60)
            c.call(b"ZREM", b"z", m, other)
            model.pop(m, None)
            model.pop(other, None)
        elif op == 8:
            n = rnd.randrange(1, 4)
            side = rnd.choice([b"ZPOPMIN", b"ZPOPMAX"])
            c.call(side, b"z", n)
            order = sorted(model.items(), key=lambda p: (p[1], p[0]))
            gone = order[:n] if side == b"ZPOPMIN" else order[len(order) - n:]
            for k, _ in gone:
                del model[k]
        else:
            lo = rnd.randrange(8)
            hi = lo + rnd.randrange(3)
            c.call(b"ZREMRANGEBYRANK", b"z", lo, hi)
            order = sorted(model.items(), key=lambda p: (p[1], p[0]))
            for k, _ in order[lo:hi + 1]:
                del model[k]
        _agrees(c, model, f"step {step}", ranks=step % 50 == 0)
    _agrees(c, model, "at the end", ranks=True)


# -- the value: encodings, its dict, its size ----------------------------------------------------


def _enc(c: Session, key: bytes) -> bytes:
    return c.call(b"OBJECT", b"ENCODING", key)


LISTPACK, SKIPLIST = b"$8\r\nlistpack\r\n", b"$8\r\nskiplist\r\n"


def check_listpack_limits() -> None:
    """``zset-max-listpack-value`` 64 (redis-server 7.0.15): ZADD of a 64-byte member keeps
    a listpack, of a 65-byte one makes a skiplist. A result built whole (ZUNIONSTORE) with
    exactly ``zset-max-listpack-entries`` members, or a member of exactly
    ``zset-max-listpack-value`` bytes, is a listpack; one more of either, a skiplist."""
    c = Session()
    c.call(b"ZADD", b"a", 1, b"x" * 64)
    c.call(b"ZADD", b"b", 1, b"x" * 65)
    assert (_enc(c, b"a"), _enc(c, b"b")) == (LISTPACK, SKIPLIST), \
        f"{NAME}: a 64 / 65-byte member: {_enc(c, b'a')!r} {_enc(c, b'b')!r}"
    c = Session(**{"zset-max-listpack-entries": 4, "zset-max-listpack-value": 8})
    c.call(b"ZADD", b"big", 1, b"a", 2, b"b", 3, b"c", 4, b"d", 5, b"e")
    c.call(b"ZADD", b"long", 1, b"y" * 9)
    c.call(b"ZADD", b"edge", 1, b"y" * 8)
    for dst, src, want in ((b"d4", (b"big",), LISTPACK), (b"d5", (b"big",), SKIPLIST),
                           (b"d8", (b"edge",), LISTPACK), (b"d9", (b"long",), SKIPLIST)):
        if dst == b"d4":
            c.call(b"ZREMRANGEBYRANK", b"big", 0, 0)  # 4 left, a skiplist still
        c.call(b"ZUNIONSTORE", dst, 1, *src)
        if dst == b"d4":
            c.call(b"ZADD", b"big", 1, b"a")
        assert _enc(c, dst) == want, f"{NAME}: ZUNIONSTORE {dst!r}: {_enc(c, dst)!r}"


def _skiplist_with_zeros(c: Session, key: bytes, *pairs: Any) -> None:
    """``key`` a skiplist holding ``pairs`` with their ``-0`` scores (added after the
    conversion that three members ``x y z`` past the limit of 2 made, then removed)."""
    c.call(b"ZADD", key, 5, b"x", 6, b"y", 7, b"z")
    c.call(b"ZADD", key, *pairs)
    c.call(b"ZREM", key, b"x", b"y", b"z")


def check_zrangestore_negative_zero() -> None:
    """ZRANGESTORE adds the members in reply order to a new value (``zsetAdd``), which is a
    skiplist from the start for a rank range longer than ``zset-max-listpack-entries`` (its
    length is the size hint), else a listpack (always for BYSCORE / BYLEX), which stores a
    ``-0`` score as ``0`` until the add that passes a limit converts it. Observed on
    redis-server 7.0.15 with ``zset-max-listpack-entries`` 2 (and ``-value`` 3), sources
    holding ``-0``: from ``-1 a -0 b 1 c``, ``0 -1``, ``0 5`` and ``0 -1 REV`` store ``b`` as
    ``-0``, ``-inf +inf BYSCORE`` (also ``REV``, ``LIMIT 0 3``) as ``0``; from ``-0 a -0 b -0
    c``, ``- + BYLEX`` stores ``a 0``, ``b 0``, ``c -0``; from ``-0 b 1 cccc``, ``0 1`` (two:
    a listpack, converted by the long member) stores ``b`` as ``0``."""
    c = Session(**{"zset-max-listpack-entries": 2, "zset-max-listpack-value": 3})
    _skiplist_with_zeros(c, b"src", -1, b"a", b"-0", b"b", 1, b"c")
    _skiplist_with_zeros(c, b"lex", b"-0", b"a", b"-0", b"b", b"-0", b"c")
    _skiplist_with_zeros(c, b"long", b"-0", b"b", 1, b"cccc")
    _skiplist_with_zeros(c, b"three", -1, b"aaa", b"-0", b"b", 1, b"cccc")
    assert c.call(b"ZSCORE", b"src", b"b") == encode(b"-0"), f"{NAME}: setup: no -0"
    kept = [b"a", b"-1", b"b", b"-0", b"c", b"1"]
    zeroed = [b"a", b"-1", b"b", b"0", b"c", b"1"]
    for argv, want in (((b"d1", b"src", 0, -1), kept),
                       ((b"d2", b"src", 0, 5), kept),
                       ((b"d3", b"src", 0, -1, b"REV"), kept),
                       ((b"d4", b"src", b"-inf", b"+inf", b"BYSCORE"), zeroed),
                       ((b"d5", b"src", b"+inf", b"-inf", b"BYSCORE", b"REV"), zeroed),
                       ((b"d6", b"src", b"-inf", b"+inf", b"BYSCORE", b"LIMIT", 0, 3), zeroed),
                       ((b"d7", b"lex", b"-", b"+", b"BYLEX"),
                        [b"a", b"0", b"b", b"0", b"c", b"-0"]),
                       ((b"d8", b"long", 0, 1), [b"b", b"0", b"cccc", b"1"]),
                       ((b"d9", b"three", 0, -1), [b"aaa", b"-1", b"b", b"0", b"cccc", b"1"])):
        if argv[0] == b"d9":
            c.call(b"CONFIG", b"SET", b"zset-max-listpack-entries", 4)
        c.call(b"ZRANGESTORE", *argv)
        got = c.call(b"ZRANGE", argv[0], 0, -1, b"WITHSCORES")
        assert got == encode(want), f"{NAME}: ZRANGESTORE {argv!r}: {got!r}"
        assert _enc(c, argv[0]) == SKIPLIST, f"{NAME}: ZRANGESTORE {argv!r}: a listpack"


def check_update_negative_zero() -> None:
    """A new score for a member of a listpack is stored as text and read back: ``-0``
    becomes ``0``; other scores stay; a skiplist keeps ``-0`` (redis-server 7.0.15: ``ZADD z
    1 a 2 b``, ``ZADD z -0 a``, ``ZADD z 5 b``: ``a 0 b 5``; a skiplist's ``-0``: ``-0``)."""
    c = Session()
    c.call(b"ZADD", b"z", 1, b"a", 2, b"b")
    c.call(b"ZADD", b"z", b"-0", b"a")
    c.call(b"ZADD", b"z", 5, b"b")
    got = c.call(b"ZRANGE", b"z", 0, -1, b"WITHSCORES")
    assert got == encode([b"a", b"0", b"b", b"5"]), f"{NAME}: listpack updates: {got!r}"
    c.call(b"ZADD", b"s", 1, b"a", 2, b"x" * 65)
    c.call(b"ZADD", b"s", b"-0", b"a")
    got = c.call(b"ZSCORE", b"s", b"a")
    assert got == encode(b"-0"), f"{NAME}: a skiplist's -0: {got!r}"


def check_dict_tracked() -> None:
    """A skiplist's dict (``zset->dict``) through conversion and removals, as 7.0.15 makes it
    (DEBUG HTSTATS-KEY with ``zset-max-listpack-entries`` 4: after a 5th ZADD table 0 holds 4
    entries in 4 slots and table 1, 8 slots, the new one; 200 members, ZREMRANGEBYRANK 0 189
    leaves 10 in 256 slots, resizing to 16 once at the end; ZPOPMIN 190 shrinks after each
    pop, to 32 slots): ``zsetConvert`` adds the members in order to a new dict, then
    ``zsetAdd``'s ``dictFind`` + ``dictAdd`` of the new one; a later add to the skiplist keeps
    that dict."""
    from redspec.spec.types import valuedict as vd
    c = Session(**{"zset-max-listpack-entries": 4})
    c.call(b"ZADD", b"z", 1, b"a", 2, b"b", 3, b"c", 4, b"d")
    seed = c.state.dicts.seed
    want = vd.find_add(vd.convert([b"a", b"b", b"c", b"d"], seed), b"e", seed)
    for score, m in ((5, b"e"), (6, b"f"), (7, b"g")):
        if m != b"e":
            want = vd.find_add(want, m, seed)
        c.call(b"ZADD", b"z", score, m)
        ht = c.state.dbs[0].keys[b"z"].ht
        assert ht == want, f"{NAME}: ZADD {m!r}: the dict {ht!r}, not {want!r}"
    for argv in ((b"ZADD", b"z", 70, b"e"), (b"ZREM", b"z", b"f"), (b"ZPOPMIN", b"z", 2)):
        if argv[0] == b"ZADD":
            want = vd.find_step(want, seed)
        elif argv[0] == b"ZREM":
            want = vd.delete(want, b"f", seed)
        else:
            want = vd.delete_many(want, [b"a", b"b"], seed, True)
        c.call(*argv)
        assert c.state.dbs[0].keys[b"z"].ht == want, f"{NAME}: {argv!r}: the dict"
    c = Session()
    args: list[Any] = []
    for i in range(1, 201):
        args += [i, b"m%d" % i]
    c.call(b"ZADD", b"z", *args)
    c.call(b"ZADD", b"p", *args)
    c.call(b"ZREMRANGEBYRANK", b"z", 0, 189)
    c.call(b"ZPOPMIN", b"p", 190)
    z, p = c.state.dbs[0].keys[b"z"].ht, c.state.dbs[0].keys[b"p"].ht
    assert (z.exp0, z.exp1, z.used0, z.used1) == (8, 4, 10, 0), \
        f"{NAME}: ZREMRANGEBYRANK: tables {z.exp0} {z.exp1}"
    assert (p.exp0, p.exp1, p.used0 + p.used1) == (8, 5, 10), \
        f"{NAME}: ZPOPMIN: tables {p.exp0} {p.exp1}"


def check_memory_usage() -> None:
    """MEMORY USAGE of ``ZADD z 1 a 2 b`` is 80 (redis-server 7.0.15): a value's size is
    computed when first asked for."""
    c = Session()
    c.call(b"ZADD", b"z", 1, b"a", 2, b"b")
    got = c.call(b"MEMORY", b"USAGE", b"z")
    assert got == b":80\r\n", f"{NAME}: MEMORY USAGE {got!r}"


def check_lex_ranges() -> None:
    """ZLEXCOUNT / ZRANGEBYLEX over ``0 a 0 b 0 c 0 d`` (redis-server 7.0.15): ``[b [c`` 2,
    ``(b [c`` 1, ``[b (c`` 1, ``(b (c`` 0; ZRANGEBYLEX ``[b (d`` and ``(a [c``: b, c."""
    c = Session()
    c.call(b"ZADD", b"zl", 0, b"a", 0, b"b", 0, b"c", 0, b"d")
    for lo, hi, want in ((b"[b", b"[c", 2), (b"(b", b"[c", 1), (b"[b", b"(c", 1),
                         (b"(b", b"(c", 0)):
        got = c.call(b"ZLEXCOUNT", b"zl", lo, hi)
        assert got == b":%d\r\n" % want, f"{NAME}: ZLEXCOUNT {lo!r} {hi!r}: {got!r}"
    for lo, hi in ((b"[b", b"(d"), (b"(a", b"[c")):
        got = c.call(b"ZRANGEBYLEX", b"zl", lo, hi)
        assert got == encode([b"b", b"c"]), f"{NAME}: ZRANGEBYLEX {lo!r} {hi!r}: {got!r}"


def check_value_api() -> None:
    """The value's own comparisons: membership is the map's; two values are equal when they
    hold the same pairs in the same encoding."""
    from redspec.spec.types.zset import build
    a = build([(b"a", 1.0), (b"b", 2.0)], 128, 64)
    assert b"a" in a and b"c" not in a, f"{NAME}: membership"
    assert a == build([(b"b", 2.0), (b"a", 1.0)], 128, 64), f"{NAME}: equal values differ"
    assert a != build([(b"a", 1.0), (b"b", 3.0)], 128, 64), f"{NAME}: other scores equal"
    assert a != build([(b"a", 1.0), (b"b", 2.0)], 1, 64), f"{NAME}: other encodings equal"


CHECKS = [check_tree_sorted_runs, check_tree_random_ops, check_listpack_limits,
          check_zrangestore_negative_zero, check_update_negative_zero, check_dict_tracked,
          check_memory_usage, check_lex_ranges, check_value_api]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_zsets(check: Any) -> None:
    check()


# -- planted bugs: each is a surviving mutant of the boundary-class run -------------------------


def _trips(check: Any) -> None:
    with pytest.raises((AssertionError, TypeError, RecursionError)) as info:
        check()
    if info.type is AssertionError:
        assert NAME in str(info.value), info.value


@pytest.mark.parametrize("func,old,new", [
    ("_balance", "if sl + sr > 1:", "if sl + sr > 2:"),
    ("tree_insert", "left[4] > _DELTA * sr and n > 1", "left[4] > _DELTA * sr and n > 2"),
    ("tree_insert", "right[4] > _DELTA * sl and n > 1", "right[4] > _DELTA * sl and n > 2"),
    ("_pop_min", "if left is None:", "if left is not None:"),
    ("_pop_max", "if right is None:", "if right is not None:"),
    ("tree_delete", "if right is None:\n            return left",
     "if right is not None:\n            return left"),
    ("tree_delete", "if s < ts or (s == ts and m < tm):\n        return",
     "if s <= ts or (s == ts and m < tm):\n        return"),
])
def test_planted_tree(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    plant(monkeypatch, zmod, func, old, new)
    _trips(check_tree_sorted_runs)
    _trips(check_tree_random_ops)


@pytest.mark.parametrize("func,old,new,check", [
    ("ZSet.__init__", "self._size = -1", "self._size = 0", check_memory_usage),
    ("ZSet.__contains__", "member in self.scores", "member not in self.scores", check_value_api),
    ("ZSet.count_below_lex", "tree_count_below(self.tree, 1,", "tree_count_below(self.tree, 0,",
     check_lex_ranges),
    ("ZSet.count_below_lex", "tree_count_below(self.tree, 1,", "tree_count_below(self.tree, 2,",
     check_lex_ranges),
    ("ZSet.__eq__", "self.listpack == other.listpack", "self.listpack != other.listpack",
     check_value_api),
    ("ZSet.__eq__", "self.items() == other.items()", "self.items() != other.items()",
     check_value_api),
    ("ZSet.insert", "len(member) > max_value", "len(member) >= max_value", check_listpack_limits),
    ("ZSet.insert", "if seed is not None:\n            ht = vd.convert",
     "if seed is None:\n            ht = vd.convert", check_dict_tracked),
    ("ZSet.insert", "elif not lp and seed is not None:", "elif not lp and seed is None:",
     check_dict_tracked),
    ("ZSet.remove_ranks", "ht = None if seed is None else", "ht = None if seed is not None else",
     check_dict_tracked),
    ("ZSet.remove_ranks", "resize_each: bool = False", "resize_each: bool = True",
     check_dict_tracked),
    ("ZSet.update", "if self.listpack and score == 0.0:", "if self.listpack and score != 0.0:",
     check_update_negative_zero),
    ("ZSet.update", "ht = None if seed is None else", "ht = None if seed is not None else",
     check_dict_tracked),
    ("ZSet.remove", "ht = None if seed is None else", "ht = None if seed is not None else",
     check_dict_tracked),
    ("build", "n <= max_entries", "n < max_entries", check_listpack_limits),
    ("build", "len(m) <= max_value", "len(m) < max_value", check_listpack_limits),
    ("build_by_adds", "lp = size_hint <= max_entries", "lp = False",
     check_zrangestore_negative_zero),
    ("build_by_adds", "lp = size_hint <= max_entries", "lp = True",
     check_zrangestore_negative_zero),
    ("build_by_adds", "lp = size_hint <= max_entries", "lp = size_hint < max_entries",
     check_zrangestore_negative_zero),
    ("build_by_adds", "i + 1 > max_entries", "i + 1 >= max_entries",
     check_zrangestore_negative_zero),
    ("build_by_adds", "i + 1 > max_entries", "i > max_entries", check_zrangestore_negative_zero),
    ("build_by_adds", "i + 1 > max_entries", "i + 2 > max_entries",
     check_zrangestore_negative_zero),
    ("build_by_adds", "len(m) > max_value", "len(m) >= max_value",
     check_zrangestore_negative_zero),
    ("build_by_adds", "lp = False", "lp = True", check_zrangestore_negative_zero),
    ("build_by_adds", "0.0 if lp and s == 0.0 else s", "0.0 if lp and s != 0.0 else s",
     check_zrangestore_negative_zero),
])
def test_planted_value(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                       check: Any) -> None:
    if func.startswith("ZSet."):
        plant(monkeypatch, zmod.ZSet, func[5:], old, new)
    else:
        plant_everywhere(monkeypatch, zmod, func, old, new)
    _trips(check)
