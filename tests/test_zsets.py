"""Sorted sets (``t_zset.c``): unit tests of the order-statistics tree, score parsing
(``strtod``/``string2d``/``zslParseRange``), reply shapes in RESP2 and RESP3, encodings,
keyspace events, ``server.dirty`` and propagation, and ZRANDMEMBER's guarantees. Expected
frames, events and dirty counts were recorded from Redis 7.0.15."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec.commands.zsets import parse_lex_range, parse_score_range, string2d, strtod
from redspec.spec.state import replace
from redspec.spec.types.zset import EMPTY, ZSet, build
from redspec.spec.values import encoding_of, type_name
from tests.session import NOW, Session, b

# ------------------------------------------------------------------------------ the tree


ops_ = st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.sampled_from([-1.0, 0.0, 2.5])),
                max_size=80)


@settings(max_examples=150, deadline=None)
@given(ops_)
def test_tree_matches_a_sorted_list(ops: list[tuple[bool, int, float]]) -> None:
    """Insert/remove in any order; rank, select, slices and score counts match a sorted list,
    and every older value is left as it was (persistence)."""
    z = EMPTY
    ref: dict[bytes, float] = {}
    history: list[tuple[ZSet, list[tuple[bytes, float]]]] = []
    for add, i, sc in ops:
        m = b"m%d" % i
        if add and m not in ref:
            z = z.insert(m, sc + i, 1000, 1000)
            ref[m] = sc + i
        elif not add and m in ref:
            z = z.remove(m)
            del ref[m]
        want = sorted(ref.items(), key=lambda p: (p[1], p[0]))
        history.append((z, want))
        assert z.items() == want
    for old, want in history:
        assert old.items() == want, "an older value changed"
    want = sorted(ref.items(), key=lambda p: (p[1], p[0]))
    for r, (m, sc) in enumerate(want):
        assert z.rank(m) == r
        assert z.at(r) == (m, sc)
    n = len(want)
    for lo in range(n + 1):
        assert z.slice(lo, n) == want[lo:]
        assert z.slice(0, lo) == want[:lo]
    for x in (-5.0, 0.0, 3.5, 10.0, 100.0):
        assert z.count_below(x, False) == sum(1 for _, s in want if s < x)
        assert z.count_below(x, True) == sum(1 for _, s in want if s <= x)
    if n:
        lo, hi = n // 3, n - n // 4
        rest = z.remove_ranks(lo, hi)
        assert rest.items() == want[:lo] + want[hi:]
        assert dict(rest.scores.items()) == dict(want[:lo] + want[hi:])


def test_tree_stays_balanced_on_sorted_inserts() -> None:
    z = EMPTY
    for i in range(2000):
        z = z.insert(b"%06d" % i, float(i), 1 << 30, 1 << 30)

    def depth(t: Any) -> int:
        return 0 if t is None else 1 + max(depth(t[2]), depth(t[3]))

    assert depth(z.tree) <= 2 * math.log2(2000) + 2
    for i in range(0, 2000, 2):
        z = z.remove(b"%06d" % i)
    assert depth(z.tree) <= 2 * math.log2(1000) + 2
    assert [m for m, _ in z.items()] == [b"%06d" % i for i in range(1, 2000, 2)]


def test_build_encoding_and_negative_zero() -> None:
    small = build([(b"a", -0.0), (b"b", 1.0)], 128, 64)
    assert small.encoding == "listpack" and math.copysign(1, small.scores[b"a"]) == 1
    big = build([(b"a", -0.0), (b"b" * 65, 1.0)], 128, 64)
    assert big.encoding == "skiplist" and math.copysign(1, big.scores[b"a"]) == -1
    assert build([(b"%d" % i, 1.0) for i in range(129)], 128, 64).encoding == "skiplist"
    assert type_name(small) == "zset" and encoding_of(big) == "skiplist"


# ------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize("text,value,used,erange", [
    (b"1", 1.0, 1, False), (b" \t1.5x", 1.5, 5, False), (b"0x10", 16.0, 4, False),
    (b"0x", 0.0, 1, False), (b"1e", 1.0, 1, False), (b"1e+", 1.0, 1, False),
    (b"-.5e1", -5.0, 5, False), (b"infinity", math.inf, 8, False), (b"-infin", -math.inf, 4, False),
    (b"1e400", math.inf, 5, True), (b"1e-400", 0.0, 6, True), (b"0e-400", 0.0, 6, False),
    (b"4e-320", 4e-320, 6, False), (b"0x1p-2000", 0.0, 9, True), (b"abc", 0.0, 0, False),
    (b"", 0.0, 0, False), (b"1_0", 1.0, 1, False),
])
def test_strtod(text: bytes, value: float, used: int, erange: bool) -> None:
    v, n, e = strtod(text)
    assert (v, n, e) == (value, used, erange)


def test_strtod_nan() -> None:
    v, n, _ = strtod(b"nan(abc)x")
    assert math.isnan(v) and n == 8


@pytest.mark.parametrize("text,ok", [
    (b"1", True), (b"0x10", True), (b"inf", True), (b"-Infinity", True), (b"4e-320", True),
    (b" 1", False), (b"1 ", False), (b"", False), (b"nan", False), (b"1e400", False),
    (b"1e-400", False), (b"1\x00", False), (b"1e", False), (b"1_0", False),
])
def test_string2d(text: bytes, ok: bool) -> None:
    assert (string2d(text) is not None) == ok


def test_range_parsing() -> None:
    assert parse_score_range(b"(1", b"+inf") == (1.0, True, math.inf, False)
    assert parse_score_range(b" 1", b"1\x00junk") == (1.0, False, 1.0, False)
    assert parse_score_range(b"", b"1e400") == (0.0, False, math.inf, False)
    assert parse_score_range(b"1 ", b"2") is None
    assert parse_score_range(b"nan", b"2") is None
    assert parse_score_range(b"((1", b"2") is None
    assert parse_lex_range(b"-", b"+") is not None
    assert parse_lex_range(b"+\x00x", b"[a") is not None
    assert parse_lex_range(b"-x", b"+") is None
    assert parse_lex_range(b"", b"+") is None
    assert parse_lex_range(b"a", b"+") is None


# ------------------------------------------------------------------------------ replies


def test_withscores_shapes() -> None:
    s = Session()
    s.call("ZADD", "z", "1", "a", "2.5", "b")
    assert s.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == (
        b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n")
    assert s.call("ZPOPMIN", "z", "1") == b"*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    s.call("HELLO", "3")
    assert s.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == b"*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert s.call("ZSCORE", "z", "b") == b",2.5\r\n"
    assert s.call("ZSCORE", "z", "x") == b"_\r\n"
    s.call("ZADD", "z", "1", "a")
    assert s.call("ZPOPMIN", "z") == b"*2\r\n$1\r\na\r\n,1\r\n"
    assert s.call("ZPOPMIN", "z", "1") == b"*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert s.call("ZMPOP", "1", "z", "MIN") == b"_\r\n"


def test_zmpop_resp2_is_nested() -> None:
    s = Session()
    s.call("ZADD", "z", "1", "a")
    assert s.call("ZMPOP", "1", "z", "MAX") == b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert s.call("ZMPOP", "1", "z", "MAX") == b"*-1\r\n"


def test_errors() -> None:
    s = Session()
    s.call("SET", "s", "x")
    wt = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    assert s.call("ZADD", "s", "1", "a") == wt
    assert s.call("ZADD", "z", "NX", "XX", "1", "a") == (
        b"-ERR XX and NX options at the same time are not compatible\r\n")
    assert s.call("ZINCRBY", "z", "nan", "a") == b"-ERR value is not a valid float\r\n"
    s.call("ZADD", "z", "inf", "a")
    assert s.call("ZINCRBY", "z", "-inf", "a") == b"-ERR resulting score is not a number (NaN)\r\n"
    assert s.call("ZCOUNT", "s", "x", "1") == b"-ERR min or max is not a float\r\n"
    assert s.call("ZCOUNT", "s", "0", "1") == wt
    assert s.call("ZUNIONSTORE", "d", "0", "z") == (
        b"-ERR at least 1 input key is needed for 'zunionstore' command\r\n")


# ------------------------------------------------------------------------------ encodings


def test_encoding_conversions() -> None:
    s = Session(**{"zset-max-listpack-entries": 2, "zset-max-listpack-value": 3})
    s.call("ZADD", "z", "1", "a", "2", "b")
    assert s.value(b"z").encoding == "listpack"
    s.call("ZADD", "z", "3", "c")
    assert s.value(b"z").encoding == "skiplist"
    s.call("ZREM", "z", "a", "b")
    assert s.value(b"z").encoding == "skiplist"  # never converts back
    s.call("ZUNIONSTORE", "d", "1", "z")
    assert s.value(b"d").encoding == "listpack"  # a STORE result is re-derived
    s.call("ZADD", "y", "1", "abcd")
    assert s.value(b"y").encoding == "skiplist"
    s.call("ZADD", "n", "-0", "a")
    assert s.call("ZSCORE", "n", "a") == b"$1\r\n0\r\n"  # listpack reads -0 back as 0


# ------------------------------------------------------------------------------ effects


def test_events_dirty_and_propagation() -> None:
    s = Session(**{"notify-keyspace-events": "KEA"})
    cases: list[tuple[list[str], list[tuple[str, bytes]], int, list[tuple[bytes, ...]] | None]] = [
        (["ZADD", "z", "1", "a", "2", "b", "3", "c"], [("zadd", b"z")], 3, None),
        (["ZADD", "z", "1", "a"], [], 0, []),
        (["ZADD", "z", "CH", "5", "a", "6", "d"], [("zadd", b"z")], 2, None),
        (["ZADD", "z", "INCR", "1", "a"], [("zincr", b"z")], 1, None),
        (["ZINCRBY", "z", "1", "q"], [("zincr", b"z")], 1, None),
        (["ZREM", "z", "a", "zz"], [("zrem", b"z")], 1, None),
        (["ZREMRANGEBYRANK", "z", "0", "0"], [("zremrangebyrank", b"z")], 1, None),
        (["ZREMRANGEBYSCORE", "z", "0", "3"], [("zremrangebyscore", b"z")], 2, None),
        (["ZPOPMIN", "z"], [("zpopmin", b"z"), ("del", b"z")], 1, None),
        (["ZADD", "z", "1", "a", "2", "b"], [("zadd", b"z")], 2, None),
        (["ZMPOP", "1", "z", "MIN", "COUNT", "5"], [("zpopmin", b"z"), ("del", b"z")], 2,
         [(b"ZPOPMIN", b"z", b"2")]),
        (["ZADD", "z", "1", "a", "2", "b"], [("zadd", b"z")], 2, None),
        (["ZRANGESTORE", "d", "z", "0", "-1"], [("zrangestore", b"d")], 1, None),
        (["ZRANGESTORE", "d", "z", "5", "6"], [("del", b"d")], 1, None),
        (["ZRANGESTORE", "d", "z", "5", "6"], [], 0, None),
        (["ZUNIONSTORE", "u", "2", "z", "l"], [("zunionstore", b"u")], 1, None),
        (["ZINTERSTORE", "u", "2", "z", "l"], [("del", b"u")], 1, None),
        (["ZDIFFSTORE", "u", "2", "z", "l"], [("zdiffstore", b"u")], 1, None),
        (["ZADD", "l", "0", "a", "0", "b"], [("zadd", b"l")], 2, None),
        (["ZREMRANGEBYLEX", "l", "-", "+"], [("zremrangebylex", b"l"), ("del", b"l")], 2, None),
    ]
    for argv, events, dirty, prop in cases:
        before = s.state.dirty
        eff = s.effects(*argv)
        assert [(e, k) for _, e, k, _ in eff.notifications] == events, argv
        assert s.state.dirty - before == dirty, argv
        want = prop if prop is not None else ([tuple(b(a) for a in argv)] if dirty else [])
        assert [a for _, a in eff.propagate] == want, argv


def test_writes_keep_the_ttl_and_store_drops_it() -> None:
    s = Session()
    s.call("ZADD", "z", "1", "a", "2", "b")
    s.call("SET", "d", "x", "PXAT", NOW + 10**6)
    db = s.state.dbs[0]  # (a TTL on z without depending on the expire commands)
    db = replace(db, expires=db.expires.set(b"z", NOW + 10**6))
    s.state = replace(s.state, dbs=(db, *s.state.dbs[1:]))
    for cmd in (["ZADD", "z", "3", "c"], ["ZREM", "z", "c"], ["ZINCRBY", "z", "1", "a"],
                ["ZPOPMAX", "z"]):
        s.call(*cmd)
        assert s.state.dbs[0].expires.get(b"z") == NOW + 10**6, cmd
    s.call("ZRANGESTORE", "d", "z", "0", "-1")
    assert b"d" not in s.state.dbs[0].expires


# ------------------------------------------------------------------------------ ZRANDMEMBER


def test_zrandmember_guarantees() -> None:
    s = Session()
    members = [b"m%d" % i for i in range(10)]
    s.call("ZADD", "z", *[x for i, m in enumerate(members) for x in (str(i), m)])
    for _ in range(20):
        one = s.call("ZRANDMEMBER", "z")
        assert any(one == b"$2\r\n%s\r\n" % m for m in members)
        frame = s.call("ZRANDMEMBER", "z", "6")
        got = frame.split(b"\r\n")[2:-1:2]
        assert frame.startswith(b"*6\r\n") and len(set(got)) == 6 and set(got) <= set(members)
        frame = s.call("ZRANDMEMBER", "z", "-25")
        got = frame.split(b"\r\n")[2:-1:2]
        assert frame.startswith(b"*25\r\n") and set(got) <= set(members)
    whole = s.call("ZRANDMEMBER", "z", "10").split(b"\r\n")[2:-1:2]
    assert whole == members[::-1]  # the whole set, from the tail
