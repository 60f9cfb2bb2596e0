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
    leaves 10 in 256 slots, resizing to 16 once at the end; ZPOPMIN 190 and ZPOPMAX 190
    shrink after each pop, to 32 slots): ``zsetConvert`` adds the members in order to a new dict, then
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
    c.call(b"ZADD", b"q", *args)
    c.call(b"ZREMRANGEBYRANK", b"z", 0, 189)
    c.call(b"ZPOPMIN", b"p", 190)
    c.call(b"ZPOPMAX", b"q", 190)
    z = c.state.dbs[0].keys[b"z"].ht
    assert (z.exp0, z.exp1, z.used0, z.used1) == (8, 4, 10, 0), \
        f"{NAME}: ZREMRANGEBYRANK: tables {z.exp0} {z.exp1}"
    for key in (b"p", b"q"):
        p = c.state.dbs[0].keys[key].ht
        assert (p.exp0, p.exp1, p.used0 + p.used1) == (8, 5, 10), \
            f"{NAME}: ZPOP {key!r}: tables {p.exp0} {p.exp1}"


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


# -- the commands ------------------------------------------------------------------------------------

#: Commands and their replies recorded from redis-server 7.0.15 (RESP2, one connection, a
#: fresh server with the default ``zset-max-listpack-*``), run in this order.
COMMANDS: list[tuple[tuple[Any, ...], bytes]] = [
    (('ZRANDMEMBER', 'nokey', '-9223372036854775807'), b'*0\r\n'),
    (('ZRANDMEMBER', 'nokey', '-9223372036854775808'), b'-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n'),
    (('ZRANDMEMBER', 'nokey', '-4611686018427387903', 'WITHSCORES'), b'*0\r\n'),
    (('ZRANDMEMBER', 'nokey', '-4611686018427387904', 'WITHSCORES'), b'-ERR value is out of range\r\n'),
    (('ZRANDMEMBER', 'nokey', '4611686018427387903', 'WITHSCORES'), b'*0\r\n'),
    (('ZRANDMEMBER', 'nokey', '4611686018427387904', 'WITHSCORES'), b'-ERR value is out of range\r\n'),
    (('ZADD', 'h', '-0x10', 'a', '+0x8', 'b', '0x1p4', 'c'), b':3\r\n'),
    (('ZRANGE', 'h', 0, -1, 'WITHSCORES'), b'*6\r\n$1\r\na\r\n$3\r\n-16\r\n$1\r\nb\r\n$1\r\n8\r\n$1\r\nc\r\n$2\r\n16\r\n'),
    (('ZRANGEBYSCORE', 'h', '-0x11', '-0xf', 'WITHSCORES'), b'*2\r\n$1\r\na\r\n$3\r\n-16\r\n'),
    (('ZCOUNT', 'h', '(-0x10', '+0x10'), b':2\r\n'),
    (('ZADD', 'zl', 0, 'a', 0, 'b', 0, 'c', 0, 'd'), b':4\r\n'),
    (('ZLEXCOUNT', 'zl', '+', '+'), b':0\r\n'),
    (('ZLEXCOUNT', 'zl', '-', '-'), b':0\r\n'),
    (('ZLEXCOUNT', 'zl', '-', '+'), b':4\r\n'),
    (('ZLEXCOUNT', 'zl', '+', '-'), b':0\r\n'),
    (('ZLEXCOUNT', 'zl', '[b', '+'), b':3\r\n'),
    (('ZLEXCOUNT', 'zl', '-', '(c'), b':2\r\n'),
    (('ZLEXCOUNT', 'zl', '(a', '[d'), b':3\r\n'),
    (('ZLEXCOUNT', 'zl', '[a', '(d'), b':3\r\n'),
    (('ZRANGEBYLEX', 'zl', '-', '+', 'LIMIT', 1, 2), b'*2\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('ZRANGEBYLEX', 'zl', '(a', '+'), b'*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n'),
    (('ZREVRANGEBYLEX', 'zl', '+', '-'), b'*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZREVRANGEBYLEX', 'zl', '[c', '(a', 'LIMIT', 0, 1), b'*1\r\n$1\r\nc\r\n'),
    (('ZRANGE', 'zl', '[b', '[c', 'BYLEX'), b'*2\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('ZRANGE', 'zl', '[c', '[b', 'BYLEX', 'REV'), b'*2\r\n$1\r\nc\r\n$1\r\nb\r\n'),
    (('ZRANGEBYSCORE', 'zl', '-inf', '+inf', 'BYLEX'), b'-ERR syntax error\r\n'),
    (('ZRANGEBYLEX', 'zl', '-', '+', 'BYSCORE'), b'-ERR syntax error\r\n'),
    (('ZRANGEBYSCORE', 'zl', '-inf', '+inf', 'BYSCORE'), b'-ERR syntax error\r\n'),
    (('ZREVRANGE', 'zl', 0, 1, 'REV'), b'-ERR syntax error\r\n'),
    (('ZRANGEBYSCORE', 'zl', '-inf', '+inf', 'LIMIT', 0), b'-ERR syntax error\r\n'),
    (('ZRANGE', 'zl', 0, -1, 'BYSCORE', 'LIMIT', 1), b'-ERR syntax error\r\n'),
    (('ZREMRANGEBYLEX', 'zl', '(c', '+'), b':1\r\n'),
    (('ZRANGE', 'zl', 0, -1), b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('ZADD', 'z', 5, 'a', 7, 'b'), b':2\r\n'),
    (('ZADD', 'z', 'LT', 'INCR', 0, 'a'), b'$-1\r\n'),
    (('ZADD', 'z', 'GT', 'INCR', 0, 'a'), b'$-1\r\n'),
    (('ZADD', 'z', 'INCR', 0, 'a'), b'$1\r\n5\r\n'),
    (('ZADD', 'z', 'LT', 'CH', 5, 'a'), b':0\r\n'),
    (('ZADD', 'z', 'GT', 'CH', 5, 'a'), b':0\r\n'),
    (('ZADD', 'z', 'LT', 'CH', 4, 'a'), b':1\r\n'),
    (('ZADD', 'z', 'GT', 'CH', 8, 'b'), b':1\r\n'),
    (('ZADD', 'z', 'NX', 'XX'), b'-ERR syntax error\r\n'),
    (('ZADD', 'z', 'NX', 'CH'), b'-ERR syntax error\r\n'),
    (('ZADD', 'z', 'XX', 'INCR', 1, 'nosuch'), b'$-1\r\n'),
    (('ZADD', 'z', 'NX', 'INCR', 1, 'a'), b'$-1\r\n'),
    (('ZINCRBY', 'z', 'INCR', 'a'), b'-ERR syntax error\r\n'),
    (('ZRANGE', 'z', 0, -1, 'WITHSCORES'), b'*4\r\n$1\r\na\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n8\r\n'),
    (('ZSCORE', 'z', 'a'), b'$1\r\n4\r\n'),
    (('ZSCORE', 'z', 'nosuch'), b'$-1\r\n'),
    (('ZSCORE', 'nokey', 'a'), b'$-1\r\n'),
    (('ZMSCORE', 'z', 'a', 'nosuch', 'b'), b'*3\r\n$1\r\n4\r\n$-1\r\n$1\r\n8\r\n'),
    (('ZMSCORE', 'nokey', 'a', 'b'), b'*2\r\n$-1\r\n$-1\r\n'),
    (('ZADD', 'c', 1, 'a', 2, 'b', 3, 'c'), b':3\r\n'),
    (('ZRANK', 'c', 'a'), b':0\r\n'),
    (('ZRANK', 'c', 'c'), b':2\r\n'),
    (('ZRANK', 'c', 'nosuch'), b'$-1\r\n'),
    (('ZRANK', 'nokey', 'a'), b'$-1\r\n'),
    (('ZREVRANK', 'c', 'a'), b':2\r\n'),
    (('ZREVRANK', 'c', 'c'), b':0\r\n'),
    (('ZREVRANK', 'c', 'nosuch'), b'$-1\r\n'),
    (('SET', 'str', 'x'), b'+OK\r\n'),
    (('ZMSCORE', 'str', 'a'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('ZRANK', 'str', 'a'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('ZSCORE', 'str', 'a'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('ZRANGE', 'c', 0, 3), b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('ZRANGE', 'c', 3, 3), b'*0\r\n'),
    (('ZRANGE', 'c', -4, 0), b'*1\r\n$1\r\na\r\n'),
    (('ZREVRANGE', 'c', 0, 3), b'*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZREVRANGE', 'c', 0, 0, 'WITHSCORES'), b'*2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('ZREVRANGE', 'c', 2, 5), b'*1\r\n$1\r\na\r\n'),
    (('ZCOUNT', 'c', 2, 2), b':1\r\n'),
    (('ZRANGEBYSCORE', 'c', '(1', 3, 'WITHSCORES', 'LIMIT', 1, 1), b'*2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('ZREVRANGEBYSCORE', 'c', 3, '-inf', 'WITHSCORES'), b'*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    (('ZREVRANGEBYSCORE', 'c', '+inf', 1, 'LIMIT', 1, 5), b'*2\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZRANGE', 'c', 1, 3, 'BYSCORE', 'LIMIT', 3, 1), b'*0\r\n'),
    (('ZRANGE', 'c', 1, 3, 'BYSCORE', 'LIMIT', 2, 1), b'*1\r\n$1\r\nc\r\n'),
    (('ZRANGE', 'c', 3, 1, 'BYSCORE', 'REV', 'LIMIT', 1, 2), b'*2\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZRANGE', 'c', 1, 3, 'BYSCORE', 'LIMIT', 0, 3), b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('ZRANGE', 'c', 1, 3, 'BYSCORE', 'LIMIT', -1, 3), b'*0\r\n'),
    (('ZADD', 'r', 1, 'a', 2, 'b', 3, 'c'), b':3\r\n'),
    (('ZREMRANGEBYRANK', 'r', 0, 3), b':3\r\n'),
    (('EXISTS', 'r'), b':0\r\n'),
    (('ZADD', 'r', 1, 'a', 2, 'b', 3, 'c'), b':3\r\n'),
    (('ZREMRANGEBYRANK', 'r', 3, 3), b':0\r\n'),
    (('ZREMRANGEBYRANK', 'r', -5, 0), b':1\r\n'),
    (('ZREMRANGEBYSCORE', 'r', 10, 20), b':0\r\n'),
    (('ZREMRANGEBYSCORE', 'r', '(2', 3), b':1\r\n'),
    (('ZRANGE', 'r', 0, -1), b'*1\r\n$1\r\nb\r\n'),
    (('ZADD', 'w', 1, 'a', 2, 'b', 3, 'c', 4, 'd'), b':4\r\n'),
    (('EXPIRE', 'w', 100), b':1\r\n'),
    (('WATCH', 'w'), b'+OK\r\n'),
    (('ZREMRANGEBYSCORE', 'w', 10, 20), b':0\r\n'),
    (('ZREMRANGEBYLEX', 'w', '(z', '+'), b':0\r\n'),
    (('ZREMRANGEBYRANK', 'w', 5, 6), b':0\r\n'),
    (('ZREM', 'w', 'nosuch'), b':0\r\n'),
    (('ZADD', 'w', 'NX', 9, 'a'), b':0\r\n'),
    (('ZADD', 'w', 'XX', 9, 'x'), b':0\r\n'),
    (('MULTI',), b'+OK\r\n'),
    (('PING',), b'+QUEUED\r\n'),
    (('EXEC',), b'*1\r\n+PONG\r\n'),
    (('ZREM', 'w', 'a'), b':1\r\n'),
    (('TTL', 'w'), b':100\r\n'),
    (('ZREMRANGEBYRANK', 'w', 0, 0), b':1\r\n'),
    (('TTL', 'w'), b':100\r\n'),
    (('ZPOPMIN', 'w'), b'*2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('TTL', 'w'), b':100\r\n'),
    (('ZADD', 'w', 5, 'e'), b':1\r\n'),
    (('TTL', 'w'), b':100\r\n'),
    (('ZINCRBY', 'w', 1, 'e'), b'$1\r\n6\r\n'),
    (('TTL', 'w'), b':100\r\n'),
    (('ZADD', 'p', 1, 'a', 2, 'b', 3, 'c'), b':3\r\n'),
    (('ZPOPMAX', 'p'), b'*2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('ZPOPMIN', 'p', 0), b'*0\r\n'),
    (('ZPOPMAX', 'p', 5), b'*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    (('ZADD', 'p', 1, 'a', 2, 'b', 3, 'c'), b':3\r\n'),
    (('ZMPOP', 2, 'nokey', 'p', 'MAX'), b'*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('ZMPOP', 1, 'p', 'MIN', 'COUNT', 5), b'*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n'),
    (('ZMPOP', 1, 'p', 'MIN'), b'*-1\r\n'),

]
#: The set operations and ZRANDMEMBER (recorded alike; sets of one or two members, and counts
#: covering them, make ZRANDMEMBER deterministic).
SETOPS: list[tuple[tuple[Any, ...], bytes]] = [
    (('ZADD', 'one', 7, 'a'), b':1\r\n'),
    (('ZRANDMEMBER', 'one'), b'$1\r\na\r\n'),
    (('ZRANDMEMBER', 'one', 1), b'*1\r\n$1\r\na\r\n'),
    (('ZRANDMEMBER', 'one', 1, 'WITHSCORES'), b'*2\r\n$1\r\na\r\n$1\r\n7\r\n'),
    (('ZRANDMEMBER', 'one', -3), b'*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n'),
    (('ZRANDMEMBER', 'one', -2, 'WITHSCORES'), b'*4\r\n$1\r\na\r\n$1\r\n7\r\n$1\r\na\r\n$1\r\n7\r\n'),
    (('ZRANDMEMBER', 'one', 0), b'*0\r\n'),
    (('ZRANDMEMBER', 'one', 5, 'WITHSCORES'), b'*2\r\n$1\r\na\r\n$1\r\n7\r\n'),
    (('ZRANDMEMBER', 'one', 1, 'WITHSCORE'), b'-ERR syntax error\r\n'),
    (('ZRANDMEMBER', 'one', 1, 'WITHSCORES', 'x'), b'-ERR syntax error\r\n'),
    (('ZADD', 'two', 1, 'a', 2, 'b'), b':2\r\n'),
    (('ZRANDMEMBER', 'two', 2), b'*2\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZRANDMEMBER', 'two', 2, 'WITHSCORES'), b'*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    (('ZRANDMEMBER', 'two', 3), b'*2\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZADD', 'five', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e'), b':5\r\n'),
    (('ZRANDMEMBER', 'five', 5), b'*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZADD', 'z1', 1, 'a', 2, 'b', 3, 'c'), b':3\r\n'),
    (('ZADD', 'z2', 10, 'b', 20, 'c', 30, 'd'), b':3\r\n'),
    (('SADD', 's1', 'a', 'b', 'x'), b':3\r\n'),
    (('ZADD', 'zero', 0, 'm'), b':1\r\n'),
    (('ZADD', 'inf', 'inf', 'm'), b':1\r\n'),
    (('ZINTER', 2, 'z1', 'z2', 'WITHSCORES'), b'*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n'),
    (('ZINTER', 2, 'z2', 'z1', 'WITHSCORES'), b'*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n'),
    (('ZINTER', 2, 'z1', 's1', 'WITHSCORES'), b'*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n'),
    (('ZINTER', 2, 's1', 'z1', 'WITHSCORES'), b'*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n'),
    (('ZINTER', 3, 'z1', 'z2', 's1', 'WITHSCORES'), b'*2\r\n$1\r\nb\r\n$2\r\n13\r\n'),
    (('ZINTER', 2, 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES'), b'*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('ZINTER', 2, 'z1', 'z2', 'AGGREGATE', 'MAX', 'WITHSCORES'), b'*4\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n'),
    (('ZUNION', 2, 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES'), b'*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n30\r\n'),
    (('ZUNION', 2, 'z1', 'z2', 'AGGREGATE', 'MAX', 'WITHSCORES'), b'*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n$1\r\nd\r\n$2\r\n30\r\n'),
    (('ZUNION', 2, 'z1', 'z2', 'WEIGHTS', 2, 0.5, 'WITHSCORES'), b'*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n9\r\n$1\r\nd\r\n$2\r\n15\r\n$1\r\nc\r\n$2\r\n16\r\n'),
    (('ZUNION', 2, 'zero', 'zero', 'WEIGHTS', 1, -1, 'AGGREGATE', 'MIN', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZUNION', 2, 'zero', 'zero', 'WEIGHTS', 1, -1, 'AGGREGATE', 'MAX', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZUNION', 2, 'zero', 'zero', 'WEIGHTS', -1, 1, 'AGGREGATE', 'MIN', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$2\r\n-0\r\n'),
    (('ZUNION', 2, 'zero', 'zero', 'WEIGHTS', -1, 1, 'AGGREGATE', 'MAX', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$2\r\n-0\r\n'),
    (('ZINTER', 2, 'zero', 'zero', 'WEIGHTS', 1, -1, 'AGGREGATE', 'MIN', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZINTER', 2, 'zero', 'zero', 'WEIGHTS', 1, -1, 'AGGREGATE', 'MAX', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZINTER', 2, 'zero', 'zero', 'WEIGHTS', -1, 1, 'AGGREGATE', 'MIN', 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$2\r\n-0\r\n'),
    (('ZUNION', 2, 'inf', 'inf', 'WEIGHTS', 1, -1, 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZINTER', 2, 'inf', 'inf', 'WEIGHTS', 1, -1, 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZUNION', 1, 'inf', 'WEIGHTS', 0, 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZINTER', 1, 'inf', 'WEIGHTS', 0, 'WITHSCORES'), b'*2\r\n$1\r\nm\r\n$1\r\n0\r\n'),
    (('ZUNION', 3, 'z1', 'z2'), b'-ERR syntax error\r\n'),
    (('ZUNION', 2, 'z1'), b'-ERR syntax error\r\n'),
    (('ZINTER', 3, 'z1', 'z2'), b'-ERR syntax error\r\n'),
    (('ZUNION', 0, 'z1'), b"-ERR at least 1 input key is needed for 'zunion' command\r\n"),
    (('ZUNION', 2, 'z1', 'z2', 'WEIGHTS', 1), b'-ERR syntax error\r\n'),
    (('ZUNION', 2, 'z1', 'z2', 'AGGREGATE'), b'-ERR syntax error\r\n'),
    (('ZUNION', 1, 'z1', 'WEIGHTS', 1, 'WITHSCORES'), b'*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    (('ZUNION', 1, 'z1', 'AGGREGATE', 'SUM'), b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('ZDIFF', 2, 'z1', 'z2', 'WITHSCORES'), b'*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    (('ZDIFF', 2, 'z1', 's1'), b'*1\r\n$1\r\nc\r\n'),
    (('ZDIFF', 1, 'z1', 'WEIGHTS', 1), b'-ERR syntax error\r\n'),
    (('ZDIFF', 2, 'z1', 'z1'), b'*0\r\n'),
    (('ZDIFF', 2, 'nokey', 'z1'), b'*0\r\n'),
    (('ZDIFF', 3, 'z1', 'nokey', 'z2'), b'*1\r\n$1\r\na\r\n'),
    (('ZINTERCARD', 2, 'z1', 'z2'), b':2\r\n'),
    (('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 1), b':1\r\n'),
    (('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 2), b':2\r\n'),
    (('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 3), b':2\r\n'),
    (('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', 0), b':2\r\n'),
    (('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT', -1), b"-ERR LIMIT can't be negative\r\n"),
    (('ZINTERCARD', 2, 'z1', 'z2', 'LIMIT'), b'-ERR syntax error\r\n'),
    (('ZINTERCARD', 1, 'z1', 'WITHSCORES'), b'-ERR syntax error\r\n'),
    (('ZINTERCARD', 2, 'z1', 'nokey'), b':0\r\n'),
    (('ZINTERCARD', 1, 'z1', 'AGGREGATE', 'MIN'), b'-ERR syntax error\r\n'),
    (('ZUNIONSTORE', 'd', 2, 'z1', 'z2', 'WITHSCORES'), b'-ERR syntax error\r\n'),
    (('ZUNIONSTORE', 'd', 2, 'z1', 'z2'), b':4\r\n'),
    (('ZRANGE', 'd', 0, -1, 'WITHSCORES'), b'*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n'),
    (('ZINTERSTORE', 'd', 2, 'z1', 'z2', 'WEIGHTS', 1, 2), b':2\r\n'),
    (('ZRANGE', 'd', 0, -1, 'WITHSCORES'), b'*4\r\n$1\r\nb\r\n$2\r\n22\r\n$1\r\nc\r\n$2\r\n43\r\n'),
    (('ZDIFFSTORE', 'd', 2, 'z1', 'z2'), b':1\r\n'),
    (('ZRANGE', 'd', 0, -1, 'WITHSCORES'), b'*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    (('ZINTERSTORE', 'd', 2, 'z1', 'nokey'), b':0\r\n'),
    (('EXISTS', 'd'), b':0\r\n'),
    (('ZINTERSTORE', 'd', 2, 'z1', 'nokey'), b':0\r\n'),
    (('SET', 'str', 'x'), b'+OK\r\n'),
    (('ZUNION', 2, 'z1', 'str'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('ZINTERSTORE', 'd', 1, 'str'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('ZUNION', 2, 'z1', 'z2', 'WITHSCORES', 'AGGREGATE', 'MAX'), b'*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n$1\r\nd\r\n$2\r\n30\r\n'),

]


def _replay(table: list[tuple[tuple[Any, ...], bytes]], what: str) -> None:
    c = Session()
    for argv, want in table:
        got = c.call(*argv)
        assert got == want, f"{NAME}: {what}: {argv!r}: {got!r}, Redis {want!r}"


def check_commands() -> None:
    """ZRANDMEMBER's count bounds, signed hexadecimal scores, lex ranges at ``-`` / ``+``,
    ZADD's LT/GT/INCR/CH/NX/XX at equal scores, ZSCORE/ZMSCORE/ZRANK/ZREVRANK, rank ranges
    past the end, LIMIT offsets at the range's size, ZREM* that remove nothing (a watched key
    stays clean), the TTL kept by writes, ZPOP* and ZMPOP (redis-server 7.0.15)."""
    _replay(COMMANDS, "commands")


def check_setops() -> None:
    """ZINTER/ZUNION/ZDIFF (+STORE) and ZINTERCARD: scores from zsets and sets in either
    place, WEIGHTS (NaN sums are 0), AGGREGATE MIN/MAX keeping the first of two equal scores
    (``0`` and ``-0``), numkeys past the arguments, LIMIT 0..3; ZRANDMEMBER on sets of one and
    two members (redis-server 7.0.15)."""
    _replay(SETOPS, "set operations")


def check_find_steps() -> None:
    """The rehash steps of a skiplist's dict (``zset->dict``) taken by the commands that
    look a member up and change nothing (t_zset.c): ZSCORE and ZRANK/ZREVRANK one
    ``dictFind``, ZMSCORE one per member, ZADD of a member it leaves alone (NX on a present
    one, XX on a missing one, the same score, LT/GT refusing) one (``zsetAdd``'s
    ``dictFind``), ZREM of a missing member one (``dictUnlink``), each kept in the value.
    The dict is rehashing from 128 to 256 buckets after the 129th ZADD converted the set."""
    from redspec.spec.types import valuedict as vd

    def converted() -> tuple[Session, Any]:
        c = Session()
        args: list[Any] = []
        for i in range(1, 129):
            args += [i, b"m%d" % i]
        c.call(b"ZADD", b"z", *args)
        seed = c.state.dicts.seed
        ht = vd.find_add(vd.convert([b"m%d" % i for i in range(1, 129)], seed), b"m129", seed)
        c.call(b"ZADD", b"z", 129, b"m129")
        assert ht.rehashidx == 0, f"{NAME}: setup: rehash index {ht.rehashidx}"
        return c, ht

    cmds = (((b"ZSCORE", b"z", b"m1"), 1), ((b"ZMSCORE", b"z", b"m1", b"m2", b"x"), 3),
            ((b"ZRANK", b"z", b"m2"), 1), ((b"ZREVRANK", b"z", b"m3"), 1),
            ((b"ZADD", b"z", b"NX", 5, b"m1"), 1), ((b"ZADD", b"z", b"XX", 5, b"x"), 1),
            ((b"ZADD", b"z", 1, b"m1"), 1), ((b"ZADD", b"z", b"LT", 1000, b"m1"), 1),
            ((b"ZADD", b"z", b"GT", 0, b"m1"), 1), ((b"ZREM", b"z", b"x"), 1),
            ((b"ZREM", b"z", b"x", b"y"), 2))
    def steps(c: Session, want: Any, argv: tuple[Any, ...], n: int) -> Any:
        assert want.rehashidx != -1, f"{NAME}: setup: the rehash ended"
        want = vd.find_steps(want, n, c.state.dicts.seed)
        c.call(*argv)
        ht = c.state.dbs[0].keys[b"z"].ht
        assert ht == want, f"{NAME}: {argv!r}: not {n} rehash step(s) of the value's dict"
        return want

    seq, seq_want = converted()
    for argv, n in cmds:  # one after the other, and each at rehash index 0
        seq_want = steps(seq, seq_want, argv, n)
        steps(*converted(), argv, n)


def check_changes_keep_the_key() -> None:
    """A write that changes a sorted set in place (ZREM, ZREMRANGEBYRANK, ZPOPMIN, ZADD of a
    present key) leaves the key where it is (no ``dbAdd``): the keyspace's dict holds each key
    once (DEBUG HTSTATS 0's element count is DBSIZE on redis-server 7.0.15)."""
    c = Session()
    c.call(b"ZADD", b"z", 1, b"a", 2, b"b", 3, b"c", 4, b"d", 5, b"e")
    for i in range(5):
        c.call(b"SET", b"k%d" % i, b"v")
    for argv in ((b"ZREM", b"z", b"a"), (b"ZREMRANGEBYRANK", b"z", 0, 0), (b"ZPOPMIN", b"z"),
                 (b"ZADD", b"z", 9, b"x")):
        c.call(*argv)
        ht = c.state.dbs[0].ht
        assert ht.used0 + ht.used1 == len(c.state.dbs[0].keys), \
            f"{NAME}: {argv!r}: the keyspace dict holds {ht.used0 + ht.used1} entries"


def check_keyspace_hits() -> None:
    """Writes look their keys up with ``lookupKeyWrite`` (no keyspace hit or miss), the
    sources of ZUNION/ZINTER/ZDIFF, with or without STORE, with ``lookupKeyRead``
    (redis-server 7.0.15: after ZADD, ZREM, ZINCRBY, ZPOPMIN, ZREMRANGEBYRANK: 0 hits, 0
    misses; ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZUNION of a present and a missing key: 1
    hit and 1 miss each)."""
    c = Session()

    def hits() -> tuple[int, int]:
        info = c.call(b"INFO", b"stats").decode()
        fields = dict(ln.split(":", 1) for ln in info.split("\r\n") if ":" in ln)
        return int(fields["keyspace_hits"]), int(fields["keyspace_misses"])

    for argv in ((b"ZADD", b"z", 1, b"a", 2, b"b"), (b"ZREM", b"z", b"a"),
                 (b"ZINCRBY", b"z", 1, b"b"), (b"ZADD", b"z", 3, b"c"), (b"ZPOPMIN", b"z"),
                 (b"ZREMRANGEBYRANK", b"nokey", 0, 1)):
        c.call(*argv)
        assert hits() == (0, 0), f"{NAME}: {argv!r} counted a keyspace hit or miss: {hits()}"
    for n, cmd in enumerate((b"ZUNIONSTORE", b"ZINTERSTORE", b"ZDIFFSTORE", b"ZUNION")):
        c.call(cmd, *((b"d",) if cmd.endswith(b"STORE") else ()), 2, b"z", b"nokey")
        assert hits() == (n + 1, n + 1), f"{NAME}: {cmd!r}: hits and misses {hits()}"


# -- SORT with BY and LIMIT: pqsort's order of ties -------------------------------------------------


def _sort_case(seed: int) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """A list ``L`` of ``n`` distinct elements ``eNNN`` in a shuffled order, each weighed by
    ``w_eNNN`` (one of a few values: many ties, or from seed 1000 as many values as elements;
    a few weights missing), and ``SORT L BY w_*
    ALPHA LIMIT off cnt [DESC]``: the commands that set it up, and the query."""
    rnd = random.Random(seed)
    n = rnd.choice(list(range(2, 14)) + [15, 20, 30, 39, 40, 41, 42, 45, 50, 64, 80, 100])
    elems = [b"e%03d" % i for i in range(n)]
    rnd.shuffle(elems)
    nvals = n if seed >= 1000 else rnd.choice([1, 2, 3, 5])  # from 1000: all distinct
    weights = {e: (b"v%d" % rnd.randrange(nvals)) for e in elems if rnd.random() < 0.9}
    off = rnd.randrange(n)
    cnt = rnd.randrange(1, n + 1)
    desc = rnd.random() < 0.4
    setup: list[tuple[Any, ...]] = [(b"RPUSH", b"L", *elems)]
    if weights:
        setup.append((b"MSET", *(x for e, v in weights.items() for x in (b"w_" + e, v))))
    query = (b"SORT", b"L", b"BY", b"w_*", b"ALPHA", b"LIMIT", off, cnt) + (
        (b"DESC",) if desc else ())
    return setup, query


#: ``seed -> the elements`` SORT replied for :func:`_sort_case` on redis-server 7.0.15.
SORTS: dict[int, tuple[int, ...]] = {
    0: (8, 5, 4, 10, 9, 13, 14, 7, 3, 1, 0, 6), 1: (3,), 2: (1,), 3: (2, 7, 3, 1, 0), 4: (3, 5),
    5: (21, 12, 22, 39, 30),
    6: (12, 24, 3, 21, 29, 40, 6, 25, 1, 30, 31, 7, 0, 2, 15, 14, 38, 32, 35, 18, 4, 22, 23, 5, 37, 34),
    7: (3, 7, 8, 1, 0, 2, 10, 11, 5, 6), 8: (8, 7), 9: (26, 27, 25),
    10: (38, 23, 7, 32, 16, 41, 10, 17, 31), 11: (24, 9, 13, 12, 22, 11, 28, 7, 21), 12: (28,),
    13: (8, 4, 6, 1, 3), 14: (3, 4, 1), 15: (1, 7, 5, 4, 3), 16: (4, 12, 2, 8, 0, 3, 1, 7, 11),
    17: (29, 22, 10, 7, 36, 5, 25, 2, 37, 12, 32, 14, 34, 0, 27, 6, 31, 30, 4, 23, 21, 20, 16, 19, 8, 15, 18, 24, 26, 35, 33, 13, 39, 17, 9),
    18: (0, 4),
    19: (49, 6, 16, 38, 37, 18, 60, 22, 25, 12, 32, 7, 33, 57, 50, 5, 2, 27, 15, 41, 10, 21, 43),
    20: (78, 51, 11, 54, 40, 73, 41, 86, 66, 55, 97, 42, 83, 25, 7, 99, 36, 15, 60, 33, 89, 28, 27, 53, 50, 30, 76, 58, 77, 44, 31, 37, 48, 34, 18, 81),
    21: (0,), 22: (4,), 23: (2, 5),
    24: (55, 22, 39, 75, 49, 7, 26, 14, 50, 70, 8, 3, 73, 18, 9, 57, 62, 6, 63, 64, 43, 23, 16, 58, 25, 0, 46, 72, 30, 69, 45, 65, 12, 53, 76, 40, 38, 35, 17, 2, 42, 34, 10, 48, 71, 54),
    25: (1,),
    26: (51, 77, 70, 12, 44, 56, 95, 75, 98, 63, 82, 20, 35, 38, 59, 0, 90, 65, 15, 37, 80, 83, 46, 49, 91, 27, 92, 18, 28, 3, 99),
    27: (12, 30, 0), 28: (3,),
    29: (3, 0, 22, 29, 39, 4, 34, 36, 19, 15, 7, 20, 27, 31, 1, 26, 18, 24, 13, 28, 10),
    30: (22, 35, 26, 12, 19, 31, 29, 40, 8, 25, 18, 16, 21, 10, 13, 38, 15, 11, 17, 24, 28, 39, 3, 2, 7),
    31: (0,), 32: (1,), 33: (28, 18, 19),
    34: (28, 15, 26, 25, 8, 32, 10, 9, 30, 23, 24, 34, 17, 11, 37, 31, 7, 16),
    35: (19, 17, 29, 30, 15, 26, 34), 36: (11, 1, 4),
    37: (24, 18, 29, 43, 33, 23, 56, 2, 32, 47, 53, 39, 59, 38, 54, 25, 48, 19, 45, 49, 31, 60),
    38: (41, 33, 10, 0, 40, 7, 26, 8, 3, 14, 35, 15, 43, 25, 30, 17, 24, 36, 34, 22, 28, 27, 39),
    39: (0, 6, 7, 4, 1, 3, 2), 40: (17, 8, 28, 24, 9, 16), 41: (10, 4, 2, 9, 3, 8, 14, 13, 6, 11),
    42: (34, 43, 25, 4, 45, 26, 9, 29), 43: (0, 2), 44: (18, 12, 17, 13, 3, 0),
    45: (5, 2, 0, 1, 7), 46: (3, 2), 47: (11, 0, 10, 3, 9, 4, 5, 7, 8, 6, 2),
    48: (16, 6, 7, 40, 3, 21, 33, 25, 30, 9, 10, 27, 32, 19, 34, 35, 8, 38, 20, 37, 13),
    49: (2, 3), 50: (3, 0, 14, 5, 21, 30, 1, 28, 11, 32, 25, 18, 19, 13, 23, 33), 51: (1, 2),
    52: (4,), 53: (30, 18, 20, 14, 10, 31, 22), 54: (5, 4), 55: (1,),
    56: (10, 16, 31, 1, 27, 40, 38, 18, 20, 15, 4, 6, 14, 26, 34, 30, 13, 21, 3, 29, 12, 8, 35, 9, 0, 2, 24, 22, 37, 25, 33, 39, 17, 32, 28),
    57: (2, 0, 1), 58: (38, 23, 22, 15, 29), 59: (2, 7), 60: (0, 8, 5, 6, 10),
    61: (4, 12, 29, 28, 2), 62: (38, 30, 2, 0, 13, 1, 23, 3, 17, 5, 18, 24, 36, 16, 40, 39, 31),
    63: (8, 18, 5, 26, 17, 4, 13, 10),
    64: (11, 18, 8, 3, 36, 7, 19, 26, 29, 33, 35, 21, 12, 17, 13, 24, 14, 5, 27, 2, 9, 38, 25, 10, 20, 30, 0, 6),
    65: (6, 5, 13), 66: (3, 1), 67: (1,),
    68: (96, 99, 23, 1, 6, 41, 19, 89, 78, 39, 90, 81, 10, 93, 76, 65, 26, 84, 44, 36, 16, 0, 24, 43, 70, 56, 42, 55, 32, 30, 27, 51, 34, 29, 95, 92, 35, 60, 68, 49, 45, 17, 67, 98, 69, 73, 85),
    69: (22, 63, 6, 4, 61, 0, 44, 48, 56, 51, 9, 29, 13, 55, 19, 47, 37, 53, 21, 16), 70: (3,),
    71: (7, 1, 4, 8, 3, 10, 9, 5, 2), 72: (3,), 73: (4, 0, 2, 7, 1, 6, 9, 3),
    74: (2, 3, 15, 25, 6, 34, 18, 31, 42, 38, 21, 14), 75: (9, 24, 17, 23, 29), 76: (4,),
    77: (2, 0), 78: (2,), 79: (4,), 80: (7, 8),
    81: (28, 24, 34, 6, 20, 17, 25, 5, 30, 8, 2, 7, 36, 32, 39, 3, 29, 12, 33, 15), 82: (4,),
    83: (17, 23, 16, 29, 21, 35, 22, 28, 25, 30, 7, 6, 38, 32, 1, 26, 12, 13, 2, 8, 5, 11, 36, 18, 33, 0, 31, 27, 10, 14, 34, 15, 9, 20, 37, 4),
    84: (90, 86, 75, 59, 67, 77, 79, 12, 43, 81, 46, 70, 38, 50, 56, 63, 29, 34, 21, 17, 7, 22, 8, 99, 30, 1, 37, 55),
    85: (1, 7, 2, 4), 86: (0,), 87: (2, 4, 0), 88: (9, 1, 14), 89: (2,), 90: (3,), 91: (2, 3),
    92: (13, 10, 6, 12, 16, 7, 9, 14, 17, 8, 4, 19, 2), 93: (36, 34, 13, 8, 0), 94: (25, 0),
    95: (34, 10, 38, 5, 17, 36, 14, 26, 2, 30, 6, 22, 15, 4, 37, 28, 16, 18, 12, 0, 31, 8),
    96: (2,), 97: (5, 4), 98: (10, 2, 6, 12, 1, 8), 99: (8, 7, 11), 100: (2, 3),
    101: (26, 11, 28, 5, 6, 8, 2, 40, 10, 35, 31, 18, 14, 13, 32, 3, 29, 22, 34, 16, 12, 27, 0),
    102: (5, 0),
    103: (1, 68, 21, 43, 65, 29, 61, 15, 34, 64, 0, 54, 78, 58, 20, 24, 70, 7, 71, 17, 19, 8, 79, 36, 42, 57, 73, 47, 38, 5, 28, 62, 76, 27, 44, 69, 32, 48, 66),
    104: (1,), 105: (33, 37, 9, 7, 11, 35, 28, 0, 27, 2, 19, 12, 8, 23, 18, 40),
    106: (21, 52, 9, 24, 22, 31, 10, 65), 107: (1, 2, 8, 7, 4, 6, 5), 108: (0, 2, 1, 3, 4),
    109: (4, 5, 2), 110: (9, 13, 12), 111: (0, 2), 112: (27, 38, 2), 113: (0, 1), 114: (4, 8),
    115: (9, 4, 10, 8, 3, 6, 2, 0),
    116: (91, 38, 76, 26, 54, 62, 57, 17, 98, 40, 93, 44, 53, 89, 16, 72, 75, 24, 69, 39, 94, 43, 19, 97, 34, 31, 74),
    117: (1, 4),
    118: (1, 14, 76, 49, 10, 31, 19, 32, 20, 53, 70, 58, 60, 63, 3, 42, 38, 2, 37, 12, 39, 23, 74, 33, 47, 61, 54, 62, 6, 68, 25, 40, 11, 15, 9, 52, 44, 72, 30, 64, 16, 77, 28, 5, 29, 75, 21, 79, 41, 35, 71, 78, 4, 50, 48, 24, 55, 17, 51, 8),
    119: (6, 0, 10, 4),
    120: (34, 25, 11, 1, 10, 32, 31, 24, 35, 26, 0, 17, 9, 37, 33, 28, 3, 29, 7, 39, 5, 8, 18, 38, 23, 20, 27, 12, 22, 30, 16, 15, 2),
    121: (0,), 122: (16,), 123: (0,), 124: (6, 7), 125: (0, 2),
    126: (19, 21, 3, 28, 1, 9, 0, 38, 27, 40, 26, 31, 14, 30, 36, 18, 37, 41, 29, 25), 127: (0,),
    128: (2, 3, 4, 8, 0),
    129: (32, 3, 27, 35, 19, 23, 15, 4, 38, 34, 18, 40, 8, 9, 7, 37, 21, 14, 25, 17, 30, 33),
    130: (26, 0, 39, 36, 16, 14, 29, 27, 4, 12, 34, 28, 31, 32), 131: (2, 6, 3),
    132: (3, 8, 15, 11, 10), 133: (8, 29, 35, 18, 5, 2, 34, 21, 24),
    134: (19, 30, 15, 12, 38, 8, 36), 135: (18, 31, 17, 37, 41, 40, 45, 14, 26, 20, 30, 13),
    136: (2, 6, 21, 39, 28, 15, 8, 34, 11, 29, 14, 10, 20, 12, 32, 17, 13, 18, 36, 1, 5, 37, 31, 41),
    137: (3,), 138: (6,), 139: (0, 1), 140: (4,),
    141: (7, 13, 21, 34, 0, 29, 11, 30, 10, 1, 39, 18, 32), 142: (17, 38), 143: (6, 0),
    144: (13, 10, 25, 12, 20, 28, 8, 19, 11, 17, 22, 16, 3, 6, 4, 21, 5, 2),
    145: (2, 15, 6, 1, 19, 16, 8, 3), 146: (5,),
    147: (11, 19, 31, 8, 1, 5, 43, 18, 44, 40, 33, 37, 17), 148: (6, 1, 14, 12, 9, 5, 8, 3, 10),
    149: (2, 1, 0),
    1005: (19, 16, 4, 12, 5, 24, 33, 18, 22, 23, 17), 1011: (3, 7, 12, 6, 10),
    1090: (23, 18, 16, 19, 13, 17, 27, 0, 8, 11, 21, 29, 4, 26, 9, 14, 24, 1, 10, 5, 15, 22),
    1109: (5, 0, 1, 6, 11, 9, 10, 13, 2, 8),
}


def check_sort_ties() -> None:
    """SORT BY a pattern with a LIMIT narrower than the list sorts with ``pqsort``, whose
    swaps decide the order of ties (ALPHA BY values: equal values do not compare the
    elements): 150 lists of 2 to 100 elements, one to five distinct weights, random windows,
    ASC and DESC, and 4 with distinct weights whose window meets a left part of two elements,
    replied element for element as redis-server 7.0.15 replied them."""
    for seed, want in SORTS.items():
        setup, query = _sort_case(seed)
        c = Session()
        for argv in setup:
            c.call(*argv)
        got = c.call(*query)
        assert got == encode([b"e%03d" % i for i in want]), f"{NAME}: SORT case {seed}: {got!r}"


#: SORT and SORT_RO recorded alike: patterns (``#``, ``*``, a suffix, ``->field``, an empty
#: field, a string where a hash is named), LIMIT at and past the ends with and without BY
#: nosort (lists, sets, an intset, sorted sets, DESC), numeric ties broken by the bytes, weights
#: that are not numbers, STORE (a set sorted ALPHA for it), ALPHA over bytes after a NUL (C
#: strings without STORE, whole strings with it), option errors.
SORT_COMMANDS: list[tuple[tuple[Any, ...], bytes]] = [
    (('RPUSH', 'L', 'b', 'a', 'c', '10', '2'), b':5\r\n'),
    (('MSET', 'a', 'va', 'b', 'vb', 'c', 'vc', 'w_a', '3', 'w_b', '1', 'w_c', '2', 'w_10', 'x', 'w_2', '5'), b'+OK\r\n'),
    (('HSET', 'h_a', 'f', 'ha', 'g', '9'), b':2\r\n'),
    (('HSET', 'h_b', 'f', 'hb', 'g', '7'), b':2\r\n'),
    (('HSET', 'h_c', 'f', 'hc', 'g', '8'), b':2\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', '*'), b'*5\r\n$2\r\nvb\r\n$2\r\nva\r\n$2\r\nvc\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', '#', 'GET', '*'), b'*10\r\n$1\r\nb\r\n$2\r\nvb\r\n$1\r\na\r\n$2\r\nva\r\n$1\r\nc\r\n$2\r\nvc\r\n$2\r\n10\r\n$-1\r\n$1\r\n2\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'h_*->f'), b'*5\r\n$2\r\nhb\r\n$2\r\nha\r\n$2\r\nhc\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'h_*->'), b'*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'h_*-'), b'*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', '*->f'), b'*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'h_*->g', 'ALPHA'), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n'),
    (('SORT', 'L', 'BY', 'h_*->g'), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n'),
    (('SORT', 'L', 'BY', 'w_*'), b"-ERR One or more scores can't be converted into double\r\n"),
    (('SORT', 'L', 'BY', 'w_*', 'ALPHA'), b'*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\n10\r\n'),
    (('SORT', 'L', 'ALPHA'), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'ALPHA', 'DESC'), b'*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\n10\r\n'),
    (('SORT', 'L'), b"-ERR One or more scores can't be converted into double\r\n"),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'nosuch'), b'*5\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'h_*->f', 'LIMIT', 1, 2), b'*2\r\n$2\r\nha\r\n$2\r\nhc\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', 0, 1), b'*1\r\n$1\r\nb\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', 4, 1), b'*1\r\n$1\r\n2\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', 5, 1), b'*0\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', -1, 2), b'*2\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', 1, -1), b'*4\r\n$1\r\na\r\n$1\r\nc\r\n$2\r\n10\r\n$1\r\n2\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', 1, 0), b'*0\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'DESC', 'LIMIT', 0, 2), b'*2\r\n$1\r\n2\r\n$2\r\n10\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'DESC', 'LIMIT', 3, 9), b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 0, 4), b'*4\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 1, 4), b'*4\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 4, 1), b'*1\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 4, 2), b'*1\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 5, 2), b'*0\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 0, 5), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'ALPHA', 'LIMIT', 0, 6), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'BY', 'w_*', 'ALPHA', 'LIMIT', 1, 3), b'*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n2\r\n'),
    (('SORT', 'L', 'BY', 'w_*', 'ALPHA', 'LIMIT', 0, 5), b'*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\n10\r\n'),
    (('SORT', 'L', 'BY', 'w_*', 'ALPHA', 'LIMIT', 5, 1), b'*0\r\n'),
    (('SORT', 'L', 'BY', 'w_*', 'ALPHA', 'LIMIT', 4, 1), b'*1\r\n$2\r\n10\r\n'),
    (('SORT', 'L', 'LIMIT', 0), b'-ERR syntax error\r\n'),
    (('SORT', 'L', 'LIMIT', 'x', 1), b'-ERR value is not an integer or out of range\r\n'),
    (('SORT', 'L', 'BY'), b'-ERR syntax error\r\n'),
    (('SORT', 'L', 'GET'), b'-ERR syntax error\r\n'),
    (('SORT', 'L', 'STORE'), b'-ERR syntax error\r\n'),
    (('SORT_RO', 'L', 'STORE', 'd'), b'-ERR syntax error\r\n'),
    (('SORT_RO', 'L', 'ALPHA', 'GET', '#'), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'FOO'), b'-ERR syntax error\r\n'),
    (('SORT', 'L', 'ALPHA', 'STORE', 'd'), b':5\r\n'),
    (('LRANGE', 'd', 0, -1), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'nosuch', 'STORE', 'd'), b':5\r\n'),
    (('LRANGE', 'd', 0, -1), b'*5\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'LIMIT', 9, 1, 'STORE', 'd'), b':0\r\n'),
    (('EXISTS', 'd'), b':0\r\n'),
    (('SORT', 'nokey', 'STORE', 'd'), b':0\r\n'),
    (('SADD', 'S', 'c', 'a', 'b'), b':3\r\n'),
    (('SORT', 'S', 'BY', 'nosort', 'STORE', 'd'), b':3\r\n'),
    (('LRANGE', 'd', 0, -1), b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'S', 'ALPHA', 'DESC'), b'*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('SORT', 'S', 'BY', 'nosort', 'ALPHA', 'DESC', 'STORE', 'd'), b':3\r\n'),
    (('LRANGE', 'd', 0, -1), b'*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n'),
    (('ZADD', 'Z', 3, 'a', 1, 'b', 2, 'c'), b':3\r\n'),
    (('SORT', 'Z', 'BY', 'nosort'), b'*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n'),
    (('SORT', 'Z', 'BY', 'nosort', 'DESC'), b'*3\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n'),
    (('SORT', 'Z', 'BY', 'nosort', 'LIMIT', 1, 1), b'*1\r\n$1\r\nc\r\n'),
    (('SORT', 'Z', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 5), b'*2\r\n$1\r\nc\r\n$1\r\nb\r\n'),
    (('OBJECT', 'ENCODING', 'Z'), b'$8\r\nskiplist\r\n'),
    (('SORT', 'Z', 'ALPHA'), b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SORT', 'Z', 'BY', 'w_*'), b'*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n'),
    (('RPUSH', 'N', '3', '1', '2', '1.5', '-1', '1e1'), b':6\r\n'),
    (('SORT', 'N'), b'*6\r\n$2\r\n-1\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$3\r\n1e1\r\n'),
    (('SORT', 'N', 'DESC'), b'*6\r\n$3\r\n1e1\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-1\r\n'),
    (('SORT', 'N', 'LIMIT', 1, 2), b'*2\r\n$1\r\n1\r\n$3\r\n1.5\r\n'),
    (('RPUSH', 'B', '1x'), b':1\r\n'),
    (('SORT', 'B'), b"-ERR One or more scores can't be converted into double\r\n"),
    (('RPUSH', 'B2', 'inf', '-inf', '0'), b':3\r\n'),
    (('SORT', 'B2'), b'*3\r\n$4\r\n-inf\r\n$1\r\n0\r\n$3\r\ninf\r\n'),
    (('RPUSH', 'B3', 'nan'), b':1\r\n'),
    (('SORT', 'B3'), b"-ERR One or more scores can't be converted into double\r\n"),
    (('RPUSH', 'B5', '1\x00x', '2'), b':2\r\n'),
    (('SORT', 'B5'), b'*2\r\n$3\r\n1\x00x\r\n$1\r\n2\r\n'),
    (('RPUSH', 'P', 'x*y'), b':1\r\n'),
    (('SET', 'kx*y', 'v'), b'+OK\r\n'),
    (('SORT', 'P', 'BY', 'nosort', 'GET', 'k*'), b'*1\r\n$1\r\nv\r\n'),
    (('SET', 'str', 'x'), b'+OK\r\n'),
    (('SORT', 'str'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('HSET', 'hh', 'f', 'v'), b':1\r\n'),
    (('SORT', 'hh'), b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    (('RPUSH', 'T', '1.0', '1', '01', '2', '1e0', '0x1'), b':6\r\n'),
    (('SORT', 'T'), b'*6\r\n$2\r\n01\r\n$3\r\n0x1\r\n$1\r\n1\r\n$3\r\n1.0\r\n$3\r\n1e0\r\n$1\r\n2\r\n'),
    (('SORT', 'T', 'DESC'), b'*6\r\n$1\r\n2\r\n$3\r\n1e0\r\n$3\r\n1.0\r\n$1\r\n1\r\n$3\r\n0x1\r\n$2\r\n01\r\n'),
    (('SORT', 'T', 'LIMIT', 1, 3), b'*3\r\n$3\r\n0x1\r\n$1\r\n1\r\n$3\r\n1.0\r\n'),
    (('SADD', 'I', 3, 1, 2), b':3\r\n'),
    (('SORT', 'I', 'BY', 'nosort'), b'*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n'),
    (('SORT', 'I', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 1), b'*1\r\n$1\r\n2\r\n'),
    (('MSET', 'a_s', 'sa', 'b_s', 'sb'), b'+OK\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', '*_s'), b'*5\r\n$2\r\nsb\r\n$2\r\nsa\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'BY', '*_s', 'ALPHA', 'GET', '*_s'), b'*5\r\n$-1\r\n$-1\r\n$-1\r\n$2\r\nsa\r\n$2\r\nsb\r\n'),
    (('SORT', 'L', 'DESC', 'ASC'), b"-ERR One or more scores can't be converted into double\r\n"),
    (('SORT', 'L', 'ALPHA', 'DESC', 'ASC'), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('SADD', 'I2', 10, 9), b':2\r\n'),
    (('SORT', 'I2', 'BY', 'nosort'), b'*2\r\n$1\r\n9\r\n$2\r\n10\r\n'),
    (('SORT', 'I2', 'BY', 'nosort', 'STORE', 'd3'), b':2\r\n'),
    (('LRANGE', 'd3', 0, -1), b'*2\r\n$2\r\n10\r\n$1\r\n9\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'STORE', 'd2'), b':5\r\n'),
    (('LRANGE', 'd2', 0, -1), b'*5\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$2\r\n10\r\n$1\r\n2\r\n'),
    (('RPUSH', 'U', 'a\x00c', 'a\x00b', 'a'), b':3\r\n'),
    (('SORT', 'U', 'ALPHA'), b'*3\r\n$3\r\na\x00c\r\n$3\r\na\x00b\r\n$1\r\na\r\n'),
    (('SORT', 'U', 'ALPHA', 'STORE', 'd4'), b':3\r\n'),
    (('LRANGE', 'd4', 0, -1), b'*3\r\n$1\r\na\r\n$3\r\na\x00b\r\n$3\r\na\x00c\r\n'),
    (('MSET', 'wu_a\x00c', 'x\x00b', 'wu_a\x00b', 'x\x00a'), b'+OK\r\n'),
    (('SORT', 'U', 'BY', 'wu_*', 'ALPHA'), b'*3\r\n$1\r\na\r\n$3\r\na\x00c\r\n$3\r\na\x00b\r\n'),
    (('SORT', 'U', 'BY', 'wu_*', 'ALPHA', 'STORE', 'd5'), b':3\r\n'),
    (('LRANGE', 'd5', 0, -1), b'*3\r\n$1\r\na\r\n$3\r\na\x00b\r\n$3\r\na\x00c\r\n'),
    (('HSET', 'h_ax', 'f', 'hax'), b':1\r\n'),
    (('HSET', 'h_bx', 'f', 'hbx'), b':1\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'h_*x->f'), b'*5\r\n$3\r\nhbx\r\n$3\r\nhax\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SET', 'h_a->', 'arrowkey'), b'+OK\r\n'),
    (('SORT', 'L', 'BY', 'nosort', 'GET', 'h_*->'), b'*5\r\n$-1\r\n$8\r\narrowkey\r\n$-1\r\n$-1\r\n$-1\r\n'),
    (('SORT', 'L', 'STORE', 'd6', 'ALPHA'), b':5\r\n'),
    (('LRANGE', 'd6', 0, -1), b'*5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (('RPUSH', 'B4', '1e400'), b':1\r\n'),
    (('SORT', 'B4'), b"-ERR One or more scores can't be converted into double\r\n"),
]


def check_sort_commands() -> None:
    """SORT / SORT_RO replies, recorded from redis-server 7.0.15 (the numeric conversion
    error last: 7.0.15 reads a stale ERANGE after it, which the spec does not model)."""
    _replay(SORT_COMMANDS, "SORT")


CHECKS = [check_tree_sorted_runs, check_tree_random_ops, check_listpack_limits,
          check_zrangestore_negative_zero, check_update_negative_zero, check_dict_tracked,
          check_memory_usage, check_lex_ranges, check_value_api, check_commands, check_setops,
          check_find_steps, check_keyspace_hits, check_changes_keep_the_key, check_sort_ties,
          check_sort_commands]


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


def _trips_any(check: Any) -> None:
    """``check`` fails (an assertion naming the property, or the crash the mutant makes)."""
    with pytest.raises((AssertionError, TypeError, IndexError, KeyError, AttributeError)) as info:
        check()
    if info.type is AssertionError:
        assert NAME in str(info.value), info.value


_C, _S, _F, _D, _H, _K = "commands", "setops", "find_steps", "dict", "hits", "key"
_CHECK = {_C: check_commands, _S: check_setops, _F: check_find_steps, _D: check_dict_tracked,
          _H: check_keyspace_hits, _K: check_changes_keep_the_key}
_ZS = "zsetop_generic"


@pytest.mark.parametrize("func,old,new,names,check", [
    ("zrandmember", "if c < -_LONG_MAX:", "if c <= -_LONG_MAX:", (b"zrandmember",), _C),
    ("zrandmember", "if len(argv) > 4 or", "if len(argv) >= 4 or", (b"zrandmember",), _C),
    ("zrandmember", 'c_word(argv[3]) != b"withscores"', 'c_word(argv[3]) == b"withscores"',
     (b"zrandmember",), _C),
    ("zrandmember", "withscores = True", "withscores = False", (b"zrandmember",), _S),
    ("zrandmember", "if c < -(_LONG_MAX // 2) or", "if c <= -(_LONG_MAX // 2) or",
     (b"zrandmember",), _C),
    ("zrandmember", "or c > _LONG_MAX // 2:", "or c >= _LONG_MAX // 2:", (b"zrandmember",), _C),
    ("zrandmember", "if c < 0 or c == 1:", "if c < 0 or c == 2:", (b"zrandmember",), _S),
    ("zrandmember", "range(-c if c < 0 else 1)", "range(-c if c < 0 else 0)", (b"zrandmember",),
     _S),
    ("zrandmember", "range(-c if c < 0 else 1)", "range(-c if c < 0 else 2)", (b"zrandmember",),
     _S),
    ("strtod", 'if m.group(1) == b"-":', 'if m.group(0) == b"-":', (), _C),
    ("strtod", 'if m.group(1) == b"-":', 'if m.group(2) == b"-":', (), _C),
    ("_lex_item", "return b[1:], True", "return b[0:], True", (), _C),
    ("_lex_item", "return b[1:], True", "return b[2:], True", (), _C),
    ("_lex_item", "return b[1:], True", "return b[1:], False", (), _C),
    ("_lex_item", "return b[1:], False", "return b[0:], False", (), _C),
    ("_lex_item", "return b[1:], False", "return b[2:], False", (), _C),
    ("_lex_item", "return b[1:], False", "return b[1:], True", (), _C),
    ("lex_span", "else n if a is _MAX else", "else n if a is not _MAX else", (), _C),
    ("lex_span", "else 0 if b is _MIN else", "else 0 if b is not _MIN else", (), _C),
    ("_write", "write=True", "write=False", (), _H),
    ("zadd_generic", "flags & LT and score >= cur", "flags & LT and score > cur", (), _C),
    ("zadd_generic", "flags & GT and score <= cur", "flags & GT and score < cur", (), _C),
    ("zadd_generic", "_find_step(s, z)\n            processed += 1",
     "_find_step(s, z)\n            processed += 0", (), _C),
    ("zadd_generic", "and z is not orig and existed", "and z is orig and existed", (), _F),
    ("zadd_options", "while i < n:", "while i <= n:", (), _C),
    ("zscore", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[0], z, 1)",
     (b"zscore",), _F),
    ("zscore", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[2], z, 1)",
     (b"zscore",), _F),
    ("zscore", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[1], z, 0)",
     (b"zscore",), _F),
    ("zscore", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[1], z, 2)",
     (b"zscore",), _F),
    ("zmscore", "[None] * (len(argv) - 2)", "[None] * (len(argv) - 1)", (b"zmscore",), _C),
    ("zmscore", "[None] * (len(argv) - 2)", "[None] * (len(argv) - 3)", (b"zmscore",), _C),
    ("zmscore", "if type(z) is Err:", "if type(z) is not Err:", (b"zmscore",), _C),
    ("zmscore", "if z is None:", "if z is not None:", (b"zmscore",), _C),
    ("zmscore", "value_find_steps(argv[1], z, len(argv) - 2)",
     "value_find_steps(argv[0], z, len(argv) - 2)", (b"zmscore",), _F),
    ("zmscore", "value_find_steps(argv[1], z, len(argv) - 2)",
     "value_find_steps(argv[2], z, len(argv) - 2)", (b"zmscore",), _F),
    ("zmscore", "value_find_steps(argv[1], z, len(argv) - 2)",
     "value_find_steps(argv[1], z, len(argv) - 1)", (b"zmscore",), _F),
    ("zmscore", "value_find_steps(argv[1], z, len(argv) - 2)",
     "value_find_steps(argv[1], z, len(argv) - 3)", (b"zmscore",), _F),
    ("_rank", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[0], z, 1)", (), _F),
    ("_rank", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[2], z, 1)", (), _F),
    ("_rank", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[1], z, 0)", (), _F),
    ("_rank", "value_find_steps(argv[1], z, 1)", "value_find_steps(argv[1], z, 2)", (), _F),
    ("_rank", "if r is None:", "if r is not None:", (), _C),
    ("_rank", "len(z) - 1 - r", "len(z) - r", (), _C),
    ("_rank", "len(z) - 1 - r", "len(z) - 2 - r", (), _C),
    ("zrank", "_rank(s, argv, False)", "_rank(s, argv, True)", (b"zrank",), _C),
    ("zrevrank", "_rank(s, argv, True)", "_rank(s, argv, False)", (b"zrevrank",), _C),
    ("_find_step", "z.ht.rehashidx == -1", "z.ht.rehashidx != -1", (), _F),
    ("_find_step", "z.ht.rehashidx == -1", "z.ht.rehashidx == -0", (), _F),
    ("_find_step", "find_steps(z.ht, 1,", "find_steps(z.ht, 0,", (), _F),
    ("_find_step", "find_steps(z.ht, 1,", "find_steps(z.ht, 2,", (), _F),
    ("zrem", "z.ht.rehashidx != -1", "z.ht.rehashidx == -1", (b"zrem",), _F),
    ("zrem", "z.ht.rehashidx != -1", "z.ht.rehashidx != -0", (b"zrem",), _F),
    ("zrem", "find_steps(z.ht, 1,", "find_steps(z.ht, 0,", (b"zrem",), _F),
    ("zrem", "find_steps(z.ht, 1,", "find_steps(z.ht, 2,", (b"zrem",), _F),
    ("zrem", "if not deleted and z is not orig:", "if not deleted and z is orig:", (b"zrem",),
     _F),
    ("zrem", "_store(s, key, z, True)", "_store(s, key, z, False)", (b"zrem",), _K),
    ("parse_span", "n if hi >= n else hi + 1", "n if hi > n else hi + 1", (), _C),
    ("zremrange_generic", "if hi <= lo:", "if hi < lo:", (), _C),
    ("zremrange_generic", "_store(s, key, z, True)", "_store(s, key, z, False)", (), _K),
    ("zrange_generic", "left = n - j - 1", "left = n - j", (), _C),
    ("zrange_generic", 'elif rangetype == AUTO and opt == b"bylex":',
     'elif rangetype != AUTO and opt == b"bylex":', (), _C),
    ("zrevrange", "(s, argv, 1, False, RANK, True)", "(s, argv, 0, False, RANK, True)",
     (b"zrevrange",), _C),
    ("zrevrange", "(s, argv, 1, False, RANK, True)", "(s, argv, 2, False, RANK, True)",
     (b"zrevrange",), _C),
    ("zrevrange", "(s, argv, 1, False, RANK, True)", "(s, argv, 1, True, RANK, True)",
     (b"zrevrange",), _C),
    ("zrevrange", "(s, argv, 1, False, RANK, True)", "(s, argv, 1, False, RANK, False)",
     (b"zrevrange",), _C),
    ("zrangebyscore", "(s, argv, 1, False, SCORE, False)", "(s, argv, 0, False, SCORE, False)",
     (b"zrangebyscore",), _C),
    ("zrangebyscore", "(s, argv, 1, False, SCORE, False)", "(s, argv, 2, False, SCORE, False)",
     (b"zrangebyscore",), _C),
    ("zrangebyscore", "(s, argv, 1, False, SCORE, False)", "(s, argv, 1, True, SCORE, False)",
     (b"zrangebyscore",), _C),
    ("zrangebyscore", "(s, argv, 1, False, SCORE, False)", "(s, argv, 1, False, SCORE, True)",
     (b"zrangebyscore",), _C),
    ("zrevrangebyscore", "(s, argv, 1, False, SCORE, True)", "(s, argv, 0, False, SCORE, True)",
     (b"zrevrangebyscore",), _C),
    ("zrevrangebyscore", "(s, argv, 1, False, SCORE, True)", "(s, argv, 2, False, SCORE, True)",
     (b"zrevrangebyscore",), _C),
    ("zrevrangebyscore", "(s, argv, 1, False, SCORE, True)", "(s, argv, 1, True, SCORE, True)",
     (b"zrevrangebyscore",), _C),
    ("zrevrangebyscore", "(s, argv, 1, False, SCORE, True)", "(s, argv, 1, False, SCORE, False)",
     (b"zrevrangebyscore",), _C),
    ("zrangebylex", "(s, argv, 1, False, LEX, False)", "(s, argv, 0, False, LEX, False)",
     (b"zrangebylex",), _C),
    ("zrangebylex", "(s, argv, 1, False, LEX, False)", "(s, argv, 2, False, LEX, False)",
     (b"zrangebylex",), _C),
    ("zrangebylex", "(s, argv, 1, False, LEX, False)", "(s, argv, 1, True, LEX, False)",
     (b"zrangebylex",), _C),
    ("zrangebylex", "(s, argv, 1, False, LEX, False)", "(s, argv, 1, False, LEX, True)",
     (b"zrangebylex",), _C),
    ("zrevrangebylex", "(s, argv, 1, False, LEX, True)", "(s, argv, 0, False, LEX, True)",
     (b"zrevrangebylex",), _C),
    ("zrevrangebylex", "(s, argv, 1, False, LEX, True)", "(s, argv, 2, False, LEX, True)",
     (b"zrevrangebylex",), _C),
    ("zrevrangebylex", "(s, argv, 1, False, LEX, True)", "(s, argv, 1, True, LEX, True)",
     (b"zrevrangebylex",), _C),
    ("zrevrangebylex", "(s, argv, 1, False, LEX, True)", "(s, argv, 1, False, LEX, False)",
     (b"zrevrangebylex",), _C),
    ("zpop_core", "len(z), seed, True) if pop_max", "len(z), seed, False) if pop_max", (), _D),
    ("zpop_core", "else z.remove_ranks(0, n, seed, True))",
     "else z.remove_ranks(0, n, seed, False))", (), _D),
    ("zpop_core", "_store(s, key, z, True)", "_store(s, key, z, False)", (), _K),
    ("_src_find", "if type(v) is ZSet:", "if type(v) is not ZSet:", (), _S),
    ("_src_find", "1.0 if m in v else None", "1.0 if m not in v else None", (), _S),
    ("_aggregate", "0.0 if r != r else r", "0.0 if r == r else r", (), _S),
    ("_aggregate", "if agg == _MIN_AGG:", "if agg != _MIN_AGG:", (), _S),
    ("_aggregate", "val if val < cur else cur", "val if val <= cur else cur", (), _S),
    ("_aggregate", "val if val > cur else cur", "val if val >= cur else cur", (), _S),
    (_ZS, "if nk > argc - (numkeys_idx + 1):", "if nk > argc - numkeys_idx:", (), _S),
    (_ZS, "withscores = False", "withscores = True", (), _S),
    (_ZS, "if op != DIFF and not card_only and remaining >= nk + 1",
     "if op == DIFF and not card_only and remaining >= nk + 1", (), _S),
    (_ZS, "remaining >= nk + 1", "remaining > nk + 1", (), _S),
    (_ZS, "remaining >= nk + 1", "remaining >= nk", (), _S),
    (_ZS, "remaining >= nk + 1", "remaining >= nk + 2", (), _S),
    (_ZS, 'opt == b"weights"', 'opt != b"weights"', (), _S),
    (_ZS, "j += 1\n            for i in range(nk):", "j += 0\n            for i in range(nk):", (), _S),
    (_ZS, "j += 1\n            for i in range(nk):", "j += 2\n            for i in range(nk):", (), _S),
    (_ZS, "if w is None:", "if w is not None:", (), _S),
    (_ZS, "srcs[i][2] = w\n                j += 1", "srcs[i][2] = w\n                j += 0", (), _S),
    (_ZS, "srcs[i][2] = w\n                j += 1", "srcs[i][2] = w\n                j += 2", (), _S),
    (_ZS, "elif dst is None and not card_only", "elif dst is not None and not card_only", (),
     _S),
    (_ZS, 'opt == b"withscores"', 'opt != b"withscores"', (), _S),
    (_ZS, "withscores = True", "withscores = False", (), _S),
    (_ZS, "withscores = True\n            j += 1", "withscores = True\n            j += 2", (), _S),
    (_ZS, 'card_only and remaining >= 2 and opt == b"limit"',
     'card_only and remaining > 2 and opt == b"limit"', (), _S),
    (_ZS, 'opt == b"limit"', 'opt != b"limit"', (), _S),
    (_ZS, "lim = _long(argv[j + 1])", "lim = _long(argv[j])", (), _S),
    (_ZS, "lim = _long(argv[j + 1])", "lim = _long(argv[j + 2])", (), _S),
    (_ZS, "if lim is None or lim < 0:", "if lim is not None or lim < 0:", (), _S),
    (_ZS, "if lim is None or lim < 0:", "if lim is None or lim <= 0:", (), _S),
    (_ZS, "for other, _, w in srcs[1:]:", "for other, _, w in srcs[0:]:", (), _S),
    (_ZS, "for other, _, w in srcs[1:]:", "for other, _, w in srcs[2:]:", (), _S),
    (_ZS, "if other is first:", "if other is not first:", (), _S),
    (_ZS, "if val is None:", "if val is not None:", (), _S),
    (_ZS, "ok = False", "ok = True", (), _S),
    (_ZS, "card += 1", "card += 0", (), _S),
    (_ZS, "card += 1", "card += 2", (), _S),
    (_ZS, "if limit and card >= limit:", "if limit and card > limit:", (), _S),
    (_ZS, "if srcs[0][1] > 0 and not any", "if srcs[0][1] >= 0 and not any", (), _S),
    (_ZS, "if srcs[0][1] > 0 and not any", "if srcs[0][2] > 0 and not any", (), _S),
    (_ZS, "is not None for o in srcs[1:]", "is not None for o in srcs[2:]", (), _S),
    (_ZS, "key=lambda p: (p[1], p[0])", "key=lambda p: (p[0], p[0])", (), _S),
    (_ZS, "key=lambda p: (p[1], p[0])", "key=lambda p: (p[2], p[0])", (), _S),
    ("zunion", "(s, argv, None, 1, UNION, False)", "(s, argv, None, 0, UNION, False)",
     (b"zunion",), _S),
    ("zunion", "(s, argv, None, 1, UNION, False)", "(s, argv, None, 2, UNION, False)",
     (b"zunion",), _S),
    ("zunion", "(s, argv, None, 1, UNION, False)", "(s, argv, None, 1, UNION, True)",
     (b"zunion",), _S),
    ("zinter", "(s, argv, None, 1, INTER, False)", "(s, argv, None, 0, INTER, False)",
     (b"zinter",), _S),
    ("zinter", "(s, argv, None, 1, INTER, False)", "(s, argv, None, 2, INTER, False)",
     (b"zinter",), _S),
    ("zinter", "(s, argv, None, 1, INTER, False)", "(s, argv, None, 1, INTER, True)",
     (b"zinter",), _S),
    ("zdiff", "(s, argv, None, 1, DIFF, False)", "(s, argv, None, 0, DIFF, False)",
     (b"zdiff",), _S),
    ("zdiff", "(s, argv, None, 1, DIFF, False)", "(s, argv, None, 2, DIFF, False)",
     (b"zdiff",), _S),
    ("zdiff", "(s, argv, None, 1, DIFF, False)", "(s, argv, None, 1, DIFF, True)",
     (b"zdiff",), _S),
])
def test_planted_commands(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                          names: tuple[bytes, ...], check: str) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import zsets
    fn = plant_everywhere(monkeypatch, zsets, func, old, new)
    for name in names:
        replace_handler(monkeypatch, name, fn)
    _trips_any(_CHECK[check])


@pytest.mark.parametrize("value", [1 << 63, (2 << 63) - 1, (1 << 63) - 2])
def test_planted_long_max(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    from redspec.spec.commands import zsets
    monkeypatch.setattr(zsets, "_LONG_MAX", value)
    _trips_any(check_commands)


def test_planted_zmpop_sides(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import zsets
    monkeypatch.setitem(zsets._ZMPOP_SIDES, b"max", False)
    _trips_any(check_commands)


@pytest.mark.parametrize("func,old,new", [
    ("_med3", "return b if cmp(v[b], v[c]) < 0 else", "return b if cmp(v[b], v[c]) <= 0 else"),
    ("_med3", "(c if cmp(v[a], v[c]) < 0 else a)", "(c if cmp(v[a], v[c]) <= 0 else a)"),
    ("_insertion", "cmp(v[j - 1], v[j]) > 0", "cmp(v[j - 1], v[j]) >= 0"),
    ("_overlaps", "rrange < start)", "rrange <= start)"),
    ("_overlaps", "(lrange > start + n - 1 and", "(lrange >= start + n - 1 and"),
    ("_overlaps", "(lrange > start + n - 1 and", "(lrange > start + n - 2 and"),
    ("pqsort", "if n < 7:", "if n <= 7:"),
    ("pqsort", "if n > 7:", "if n >= 7:"),
    ("pqsort", "if n > 40:", "if n >= 40:"),
    ("pqsort", "while pb <= pc:\n                    c = cmp(v[pb], v[a])",
     "while pb < pc:\n                    c = cmp(v[pb], v[a])"),
    ("pqsort", "if c > 0:", "if c >= 0:"),
    ("pqsort", "if c < 0:", "if c <= 0:"),
    ("pqsort", "v[pc], v[pd] = v[pd], v[pc]\n                        pd -= 1",
     "v[pc], v[pd] = v[pd], v[pc]\n                        pd -= 0"),
    ("pqsort", "if right > 1 and", "if right > 2 and"),
    ("pqsort", "if left > 1 and", "if left > 2 and"),
])
def test_planted_pqsort(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.spec import pqsort
    plant_everywhere(monkeypatch, pqsort, func, old, new)
    _trips_any(check_sort_ties)


@pytest.mark.parametrize("func,old,new,names", [
    ("lookup_by_pattern", "if star < 0:", "if star <= 0:", ()),
    ("lookup_by_pattern", 'cpat.find(b"->", star + 1)', 'cpat.find(b"->", star + 2)', ()),
    ("lookup_by_pattern", "pattern[star + 1:arrow]", "pattern[star:arrow]", ()),
    ("lookup_by_pattern", "pattern[star + 1:arrow]", "pattern[star + 2:arrow]", ()),
    ("lookup_by_pattern", "pattern[star + 1:]", "pattern[star + 2:]", ()),
    ("lookup_by_pattern", "if type(v) is not HashValue:", "if type(v) is HashValue:", ()),
    ("lookup_by_pattern", "arrow + 2 < len(cpat)", "arrow + 2 <= len(cpat)", ()),
    ("_compare", "(x.score > y.score) - (x.score < y.score)",
     "(x.score >= y.score) - (x.score < y.score)", ()),
    ("_compare", "(x.score > y.score) - (x.score < y.score)",
     "(x.score > y.score) - (x.score <= y.score)", ()),
    ("_compare", "if c == 0:", "if c != 0:", ()),
    ("_set_order", "v.members() if ht is None else", "v.members() if ht is not None else", ()),
    ("_load", "if type(v) is ListValue else list(v)", "if type(v) is not ListValue else list(v)",
     ()),
    ("_load", "if end < start:", "if end <= start:", ()),
    ("_load", "elems[start:end + 1]", "elems[start:end]", ()),
    ("_weigh", "byval[used] != 0", "byval[used] == 0", ()),
    ("sort_generic", "left = argc - j - 1", "left = argc - j", ()),
    ("sort_generic", 'if opt == b"asc":\n            desc = False',
     'if opt == b"asc":\n            desc = True', ()),
    ("sort_generic", "storekey = argv[j + 1]", "storekey = argv[j]", ()),
    ("sort_generic", "storekey = argv[j + 1]\n            j += 1",
     "storekey = argv[j + 1]\n            j += 2", ()),
    ("sort_generic", "sortby = argv[j + 1]", "sortby = argv[j + 2]", ()),
    ("sort_generic", 'opt == b"by" and left >= 1', 'opt == b"by" and left > 1', ()),
    ("sort_generic", 'opt == b"by" and left >= 1', 'opt == b"by" and left >= 0', ()),
    ("sort_generic", 'opt == b"by" and left >= 1', 'opt == b"by" and left >= 2', ()),
    ("sort_generic", "dontsort = True", "dontsort = False", ()),
    ("sort_generic", "gets.append(argv[j + 1])", "gets.append(argv[j])", ()),
    ("sort_generic", "gets.append(argv[j + 1])\n            j += 1",
     "gets.append(argv[j + 1])\n            j += 2", ()),
    ("sort_generic", "if dontsort and type(v) is SetValue and",
     "if dontsort and type(v) is not SetValue and", ()),
    ("sort_generic", "(storekey is not None or s.client.id == 0)",
     "(storekey is None or s.client.id == 0)", ()),
    ("sort_generic", "(storekey is not None or s.client.id == 0)",
     "(storekey is not None or s.client.id != 0)", ()),
    ("sort_generic", "dontsort, alpha, sortby = False, True, None",
     "dontsort, alpha, sortby = True, True, None", ()),
    ("sort_generic", "dontsort, alpha, sortby = False, True, None",
     "dontsort, alpha, sortby = False, False, None", ()),
    ("sort_generic", "ok = True", "ok = False", ()),
    ("sort_generic", "storekey is not None, desc)", "storekey is None, desc)", ()),
    ("_store", 'b"" if e is None else e', 'b"" if e is not None else e', ()),
    ("sort_ro", "readonly=True", "readonly=False", (b"sort_ro",)),
])
def test_planted_sort(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                      names: tuple[bytes, ...]) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import sort
    fn = plant_everywhere(monkeypatch, sort, func, old, new)
    for name in names:
        replace_handler(monkeypatch, name, fn)
    _trips_any(check_sort_commands)
