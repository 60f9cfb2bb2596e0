"""List commands (``t_list.c``) and the list value: unit tests with replies recorded from
Redis 7.0.15, keyspace events, ``server.dirty``, propagation rewrites, TTLs kept by writes,
structural sharing, and the ListValue operations against a plain Python list."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec.state import replace
from redspec.spec.types.list import EMPTY, ListValue
from redspec.spec.values import encoding_of, type_name
from tests.session import NOW, Session


def bulk(v: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(v), v)


def arr(*items: bytes) -> bytes:
    return b"*%d\r\n" % len(items) + b"".join(bulk(i) for i in items)


def err(msg: str) -> bytes:
    return b"-" + msg.encode() + b"\r\n"


WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value")
NIL = b"$-1\r\n"
NIL_ARRAY = b"*-1\r\n"


# ------------------------------------------------------------------------------ the value


@settings(max_examples=200, deadline=None)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["lpush", "rpush", "drop_head", "drop_tail", "insert", "set"]),
            st.integers(0, 6),
            st.binary(max_size=2),
        ),
        max_size=30,
    )
)
def test_list_value_matches_python_list(ops: list[tuple[str, int, bytes]]) -> None:
    """Every ListValue operation agrees with the same operation on a Python list, and never
    changes the value it was applied to."""
    v, model = EMPTY, []
    for op, n, x in ops:
        before, before_model = v, list(model)
        if op == "lpush":
            v = v.push_head([x] * (n % 3 + 1))
            model = [x] * (n % 3 + 1) + model
        elif op == "rpush":
            v = v.push_tail([x] * (n % 3 + 1))
            model = model + [x] * (n % 3 + 1)
        elif op == "drop_head":
            v = v.drop_head(n)
            model = model[n:]
        elif op == "drop_tail":
            v = v.drop_tail(n)
            model = model[: max(0, len(model) - n)]
        elif op == "insert":
            k = min(n, len(model))
            v = v.insert(k, x)
            model.insert(k, x)
        elif op == "set" and model:
            p = v.position(n % len(model))
            assert p is not None
            v = v.replace_at(p, x)
            model[n % len(model)] = x
        assert v.to_list() == model, (op, n, x)
        assert len(v) == len(model) == len(v.items)
        assert before.to_list() == before_model, "an operation changed its input"
    for i in range(-len(model) - 2, len(model) + 2):
        want = model[i] if -len(model) <= i < len(model) else None
        assert v.index(i) == want


def test_list_value_registration() -> None:
    v = ListValue.of([b"a"])
    assert type_name(v) == "list"
    assert encoding_of(v) == "quicklist"
    assert v == ListValue.of([b"a"]) and v != ListValue.of([b"b"])
    assert repr(v) == "ListValue([b'a'])"


def test_push_shares_structure() -> None:
    """RPUSH on a big list builds one new map node path, not a copy: the old value is intact
    and the new one is a distinct object."""
    s = Session()
    s.call("RPUSH", "l", *range(1000))
    old = s.value(b"l")
    s.call("RPUSH", "l", "x")
    new = s.value(b"l")
    assert len(old) == 1000 and len(new) == 1001 and old.items is not new.items
    assert new.index(-1) == b"x" and old.index(-1) == b"999"


# ------------------------------------------------------------------------------ replies


def test_push_and_range_replies() -> None:
    s = Session()
    assert s.call("RPUSH", "l", "a", "b") == b":2\r\n"
    assert s.call("LPUSH", "l", "x", "y") == b":4\r\n"
    assert s.call("LRANGE", "l", "0", "-1") == arr(b"y", b"x", b"a", b"b")
    assert s.call("LPUSHX", "nokey", "a") == b":0\r\n"
    assert s.call("SET", "s", "v") == b"+OK\r\n"
    assert s.call("RPUSH", "s", "a") == WRONGTYPE
    assert s.call("OBJECT", "ENCODING", "l") == bulk(b"quicklist")
    assert s.call("TYPE", "l") == b"+list\r\n"


def test_pop_null_shapes_resp2_and_resp3() -> None:
    s = Session()
    assert s.call("LPOP", "l") == NIL
    assert s.call("LPOP", "l", "1") == NIL_ARRAY
    assert s.call("LMPOP", "1", "l", "LEFT") == NIL_ARRAY
    s.call("RPUSH", "l", "a")
    assert s.call("LPOP", "l", "0") == b"*0\r\n"
    s.call("HELLO", "3")
    assert s.call("LPOP", "nokey") == b"_\r\n"
    assert s.call("RPOP", "nokey", "2") == b"_\r\n"
    assert s.call("LMPOP", "1", "nokey", "LEFT") == b"_\r\n"
    assert s.call("LPOS", "nokey", "a") == b"_\r\n"


def test_pop_count_orders() -> None:
    s = Session()
    s.call("RPUSH", "l", "a", "b", "c", "d")
    assert s.call("LPOP", "l", "2") == arr(b"a", b"b")
    assert s.call("RPOP", "l", "5") == arr(b"d", b"c")
    assert s.value(b"l") is None


def test_errors_to_the_letter() -> None:
    s = Session()
    assert s.call("LPOP", "l", "-1") == err("ERR value is out of range, must be positive")
    assert s.call("LPOP", "l", "1", "2") == err("ERR wrong number of arguments for 'lpop' command")
    assert s.call("LSET", "l", "0", "x") == err("ERR no such key")
    s.call("RPUSH", "l", "a")
    assert s.call("LSET", "l", "5", "x") == err("ERR index out of range")
    assert s.call("LPOS", "l", "a", "RANK", "0") == err(
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
        "or use negative to start from the end of the list")
    assert s.call("LPOS", "l", "a", "COUNT", "-1") == err("ERR COUNT can't be negative")
    assert s.call("LPOS", "l", "a", "MAXLEN", "-1") == err("ERR MAXLEN can't be negative")
    assert s.call("LMPOP", "0", "l", "LEFT") == err("ERR numkeys should be greater than 0")
    assert s.call("LMPOP", "1", "l", "LEFT", "COUNT", "0") == err(
        "ERR count should be greater than 0")
    assert s.call("LINSERT", "l", "middle", "a", "b") == err("ERR syntax error")
    assert s.call("LMOVE", "l", "m", "up", "left") == err("ERR syntax error")


def test_lpos_rank_long_min_ignores_count() -> None:
    """Redis 7.0.15 negates RANK -2^63 with a wrap: every match counts, COUNT never stops."""
    s = Session()
    s.call("RPUSH", "l", "a", "b", "a", "a")
    assert s.call("LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "1") == (
        b"*3\r\n:3\r\n:2\r\n:0\r\n")


def test_lmove_same_key_single_element_survives() -> None:
    s = Session()
    s.call("RPUSH", "l", "a")
    assert s.call("LMOVE", "l", "l", "LEFT", "RIGHT") == bulk(b"a")
    assert s.call("LRANGE", "l", "0", "-1") == arr(b"a")


# ------------------------------------------------------------------------------ effects


def test_writes_keep_the_ttl() -> None:
    s = Session()
    s.call("RPUSH", "l", "a", "b", "c")
    db = s.state.dbs[0]
    db = replace(db, expires=db.expires.set(b"l", NOW + 10**6))
    s.state = replace(s.state, dbs=(db, *s.state.dbs[1:]))
    for cmd in (["RPUSH", "l", "d"], ["LPOP", "l"], ["LSET", "l", "0", "x"],
                ["LINSERT", "l", "BEFORE", "x", "w"], ["LREM", "l", "1", "w"],
                ["LTRIM", "l", "0", "1"], ["LMOVE", "l", "l", "LEFT", "RIGHT"]):
        s.call(*cmd)
        assert s.state.dbs[0].expires.get(b"l") == NOW + 10**6, cmd


def test_keyspace_events() -> None:
    s = Session(**{"notify-keyspace-events": "KEA"})
    want: list[tuple[list[str], list[tuple[str, str, bytes]]]] = [
        (["RPUSH", "l", "a", "b", "c"], [("l", "rpush", b"l")]),
        (["LPUSH", "l", "z"], [("l", "lpush", b"l")]),
        (["LINSERT", "l", "AFTER", "a", "x"], [("l", "linsert", b"l")]),
        (["LINSERT", "l", "AFTER", "nope", "x"], []),
        (["LSET", "l", "0", "y"], [("l", "lset", b"l")]),
        (["LREM", "l", "0", "x"], [("l", "lrem", b"l")]),
        (["LREM", "l", "0", "nope"], []),
        (["LTRIM", "l", "0", "-1"], [("l", "ltrim", b"l")]),
        (["LMOVE", "l", "m", "LEFT", "RIGHT"], [("l", "rpush", b"m"), ("l", "lpop", b"l")]),
        (["RPOP", "l", "2"], [("l", "rpop", b"l")]),
        (["LMPOP", "2", "x", "l", "LEFT"], [("l", "lpop", b"l"), ("g", "del", b"l")]),
        (["RPOPLPUSH", "m", "m"], [("l", "lpush", b"m"), ("l", "rpop", b"m")]),
        (["LPOP", "nokey"], []),
    ]
    for argv, events in want:
        eff = s.effects(*argv)
        assert [(t, e, k) for t, e, k, _ in eff.notifications] == events, argv


def test_dirty_and_propagation() -> None:
    s = Session()
    cases: list[tuple[list[str], int, list[tuple[bytes, ...]]]] = [
        (["RPUSH", "l", "a", "b", "c", "d", "e"], 5, [(b"RPUSH", b"l", b"a", b"b", b"c", b"d", b"e")]),
        (["LPOP", "l", "2"], 2, [(b"LPOP", b"l", b"2")]),
        (["LTRIM", "l", "0", "-1"], 0, []),
        (["LTRIM", "l", "1", "-1"], 1, [(b"LTRIM", b"l", b"1", b"-1")]),
        (["LMPOP", "2", "nokey", "l", "RIGHT", "COUNT", "9"], 2, [(b"RPOP", b"l", b"2")]),
        (["LMPOP", "1", "l", "RIGHT"], 0, []),
        (["RPUSH", "l", "a", "a", "b"], 3, [(b"RPUSH", b"l", b"a", b"a", b"b")]),
        (["LREM", "l", "0", "a"], 2, [(b"LREM", b"l", b"0", b"a")]),
        (["RPOPLPUSH", "l", "m"], 1, [(b"RPOPLPUSH", b"l", b"m")]),
    ]
    for argv, dirty, prop in cases:
        before = s.state.dirty
        eff = s.effects(*argv)
        assert s.state.dirty - before == dirty, argv
        assert [a for _, a in eff.propagate] == prop, argv


def test_empty_lists_are_never_stored() -> None:
    s = Session()
    for seq in (
        [["RPUSH", "l", "a"], ["LPOP", "l"]],
        [["RPUSH", "l", "a"], ["RPOP", "l", "3"]],
        [["RPUSH", "l", "a"], ["LREM", "l", "0", "a"]],
        [["RPUSH", "l", "a"], ["LTRIM", "l", "1", "1"]],
        [["RPUSH", "l", "a"], ["LMOVE", "l", "m", "LEFT", "LEFT"]],
        [["RPUSH", "l", "a"], ["LMPOP", "1", "l", "LEFT"]],
    ):
        for argv in seq:
            s.call(*argv)
        assert s.value(b"l") is None, seq
        s.call("FLUSHALL")


@pytest.mark.parametrize("big", [False, True])
def test_linsert_either_side(big: bool) -> None:
    s = Session()
    elems = [str(i) for i in range(40 if big else 3)]
    s.call("RPUSH", "l", *elems)
    s.call("LINSERT", "l", "BEFORE", elems[1], "x")
    s.call("LINSERT", "l", "AFTER", elems[-2], "y")
    want = elems[:1] + ["x"] + elems[1:-1] + ["y"] + elems[-1:]
    assert s.value(b"l").to_list() == [e.encode() for e in want]
