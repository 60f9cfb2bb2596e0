"""Set commands (``t_set.c``) at the spec level: the SetValue structure, encodings and their
conversions, random replies (what Redis guarantees: counts, membership, distinctness),
propagation rewrites (SPOP -> SREM / DEL), keyspace events and ``server.dirty``.
Byte-exact replies against Redis 7.0.15 live in ``tests/differential/cases_sets.py``."""

from __future__ import annotations

import pytest

from redspec.spec import values
from redspec.spec.server import run_command
from redspec.spec.types.set import EMPTY_INTSET, SetValue, build, create, of
from tests.session import NOW, Session, b, keyspace_events


def members_of(frame: bytes) -> list[bytes]:
    """The bulk strings of a flat array/set frame, in order."""
    lines = frame.split(b"\r\n")
    assert lines[0][:1] in (b"*", b"~"), frame
    return [lines[i] for i in range(2, len(lines) - 1, 2)]


def check_slots(v: SetValue) -> None:
    """The structural invariant: ``index`` and ``slots`` are inverse, slots dense 0..n-1."""
    assert sorted(v.slots.keys()) == list(range(len(v.index)))
    for m, i in v.index.items():
        assert v.slots[i] == m


# -- the value -------------------------------------------------------------------------------


def test_setvalue_add_remove_keep_slots_dense() -> None:
    v, added = EMPTY_INTSET.add([b"5", b"1", b"x", b"1"], 512)
    assert added == 3 and not v.intset
    check_slots(v)
    for m in (b"5", b"nope", b"x", b"1"):
        nv = v.remove_one(m)
        if nv is None:
            assert m not in v
            continue
        check_slots(nv)
        assert m not in nv and len(nv) == len(v) - 1
        v = nv
    assert len(v) == 0


def test_setvalue_is_persistent() -> None:
    v = build([b"1", b"2"], 512)
    w = v.add_one(b"3", 512)
    assert w is not None and len(v) == 2 and len(w) == 3
    r, n = w.remove([b"1", b"2"])
    assert n == 2 and r.members() == [b"3"] and w.members() == [b"1", b"2", b"3"]


def test_encoding_rules() -> None:
    assert create(b"1").intset and not create(b"a").intset and not create(b"01").intset
    assert build([b"3", b"-1"], 512).members() == [b"-1", b"3"]
    assert build([b"1", b"2", b"3"], 3).intset and not build([b"1", b"2", b"3", b"4"], 3).intset
    assert not build([b"1"], 0).intset
    v = build([b"1", b"2", b"3"], 512)
    assert v.add([b"2"], 1)[0].intset  # re-adding never converts, even over a lowered limit
    assert not v.add([b"4"], 3)[0].intset
    assert values.type_name(v) == "set" and values.encoding_of(v) == "intset"
    assert values.encoding_of(of([b"a"], False)) == "hashtable"


def test_setvalue_equality() -> None:
    assert build([b"1", b"2"], 512) == build([b"2", b"1"], 512)
    assert build([b"1", b"2"], 512) != of([b"1", b"2"], False)
    assert build([b"1"], 512) != build([b"1", b"2"], 512)


# -- encodings through commands --------------------------------------------------------------


def test_sadd_converts_and_never_back() -> None:
    s = Session(**{"set-max-intset-entries": 2})
    assert s.call("SADD", "s", 1, 2) == b":2\r\n"
    assert s.value("s").intset
    s.call("SADD", "s", 3)
    assert not s.value("s").intset
    s.call("SREM", "s", 3)
    assert not s.value("s").intset


def test_store_rebuilds_encoding() -> None:
    s = Session()
    s.call("SADD", "h", "x", 1, 2)
    s.call("SREM", "h", "x")
    assert not s.value("h").intset
    assert s.call("SUNIONSTORE", "d", "h") == b":2\r\n"
    assert s.value("d").intset


def test_spop_keep_strategy_rebuilds_encoding() -> None:
    s = Session()
    s.call("SADD", "s", 1, 2, 3, 4, 5, 6, "x")
    s.call("SREM", "s", "x")
    frame = s.call("SPOP", "s", 5)
    assert len(set(members_of(frame))) == 5
    assert s.value("s").intset and len(s.value("s")) == 1


def test_sdiff_algorithm_two_decides_encoding() -> None:
    s = Session()
    s.call("SADD", "g", 1, 2, 3, "x")
    for k, m in (("p1", "x"), ("p2", "y"), ("p3", "z")):
        s.call("SADD", k, m)
    s.call("SDIFFSTORE", "d", "g", "p1", "p2", "p3")  # algorithm 2: the whole of g is added
    assert not s.value("d").intset
    s.call("SDIFFSTORE", "d", "g", "p1")  # algorithm 1: only the survivors are added
    assert s.value("d").intset


# -- random replies ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 5, 9, 10, 11, 50])
def test_srandmember_positive_count_distinct(count: int) -> None:
    s = Session()
    s.call("SADD", "s", *range(10))
    got = members_of(s.call("SRANDMEMBER", "s", count))
    assert len(got) == min(count, 10) and len(set(got)) == len(got)
    assert set(got) <= {b(i) for i in range(10)}


def test_srandmember_negative_count_repeats() -> None:
    s = Session()
    s.call("SADD", "s", "a", "b")
    got = members_of(s.call("SRANDMEMBER", "s", -50))
    assert len(got) == 50 and set(got) == {b"a", b"b"}  # 50 fair draws hit both
    assert s.call("SRANDMEMBER", "s") in (b"$1\r\na\r\n", b"$1\r\nb\r\n")


@pytest.mark.parametrize("count", [1, 3, 8, 9, 12, 19, 20, 25])
def test_spop_count_pops_distinct_members(count: int) -> None:
    s = Session()
    s.call("SADD", "s", *range(20), "x")
    s.call("SREM", "s", "x")
    before = set(s.value("s").index)
    eff_state = s.effects("SPOP", "s", count)
    after = set(s.value("s").index) if s.value("s") is not None else set()
    gone = before - after
    assert len(gone) == min(count, 20) and after <= before
    props = [a for _, a in eff_state.propagate]
    if count >= 20:
        assert props == [(b"DEL", b"s")] and s.value("s") is None
    else:
        if count > 1:  # several SREMs from one call: MULTI ... EXEC (measured on 7.0.15)
            assert props[0] == (b"MULTI",) and props[-1] == (b"EXEC",)
            props = props[1:-1]
        assert sorted(p[2] for p in props) == sorted(gone)
        assert all(p[:2] == (b"SREM", b"s") for p in props)
        check_slots(s.value("s"))


def test_spop_propagates_srem_of_the_popped_member() -> None:
    s = Session()
    s.call("SADD", "s", "a", "b", "c")
    eff = s.effects("SPOP", "s")
    (_, argv), = eff.propagate
    assert argv[:2] == (b"SREM", b"s") and argv[2] not in s.value("s")


def test_spop_count_reply_matches_propagation() -> None:
    s = Session()
    s.call("SADD", "s", *range(10))
    s.state, frame = run_command(s.state, s.cid, [b"SPOP", b"s", b"3"], NOW)
    assert frame.startswith(b"*3\r\n")
    s2 = Session()
    s2.call("SADD", "s", *range(10))
    eff = s2.effects("SPOP", "s", 3)
    # Same seed, same draws: the SREMs name the popped members in reply order, inside
    # MULTI ... EXEC (propagatePendingCommands)
    props = [a for _, a in eff.propagate]
    assert props[0] == (b"MULTI",) and props[-1] == (b"EXEC",)
    assert [a[2] for a in props[1:-1]] == members_of(frame)


# -- side effects ----------------------------------------------------------------------------


def test_propagation_of_store_commands() -> None:
    s = Session()
    s.call("SADD", "a", 1)
    assert s.effects("SINTERSTORE", "d", "a", "nokey").propagate == ()
    assert s.effects("SUNIONSTORE", "d", "nokey").propagate == ()
    s.call("SADD", "d", 9)
    assert [a for _, a in s.effects("SDIFFSTORE", "d", "a", "a").propagate] == [
        (b"SDIFFSTORE", b"d", b"a", b"a")
    ]
    assert [a for _, a in s.effects("SINTERSTORE", "d", "a").propagate] == [
        (b"SINTERSTORE", b"d", b"a")
    ]
    assert s.effects("SMOVE", "a", "a", "1").propagate == ()
    assert s.effects("SADD", "a", 1).propagate == ()
    assert s.effects("SREM", "a", 7).propagate == ()


@pytest.mark.parametrize(
    "setup,argv,want",
    [
        ([["SADD", "s", "a"]], ["SADD", "s", "a", "b"], [("s", "sadd")]),
        ([["SADD", "s", "a"]], ["SADD", "s", "a"], []),
        ([["SADD", "s", "a", "b"]], ["SREM", "s", "a"], [("s", "srem")]),
        ([["SADD", "s", "a"]], ["SREM", "s", "a", "b"], [("s", "srem"), ("g", "del")]),
        ([["SADD", "s", "a"]], ["SPOP", "s"], [("s", "spop"), ("g", "del")]),
        ([["SADD", "s", "a", "b"]], ["SPOP", "s", "5"], [("s", "spop"), ("g", "del")]),
        ([["SADD", "s", "a", "b"]], ["SPOP", "s", "0"], []),
        ([["SADD", "s", "a"]], ["SMOVE", "s", "d", "a"],
         [("s", "srem"), ("g", "del"), ("s", "sadd")]),
        ([["SADD", "s", "a", "b"], ["SADD", "d", "a"]], ["SMOVE", "s", "d", "a"],
         [("s", "srem")]),
        ([["SADD", "a", "1"]], ["SINTERSTORE", "d", "a"], [("s", "sinterstore")]),
        ([["SADD", "a", "1"]], ["SUNIONSTORE", "d", "a"], [("s", "sunionstore")]),
        ([["SADD", "a", "1"]], ["SDIFFSTORE", "d", "a"], [("s", "sdiffstore")]),
        ([["SADD", "d", "1"]], ["SDIFFSTORE", "d", "nokey"], [("g", "del")]),
        ([], ["SINTERSTORE", "d", "nokey"], []),
    ],
)
def test_keyspace_events(setup: list[list[str]], argv: list[str], want: list[tuple[str, str]]) -> None:
    assert keyspace_events(setup, argv) == want


def test_dirty_counts() -> None:
    s = Session()
    d0 = s.state.dirty
    s.call("SADD", "s", "a", "b", "a")
    assert s.state.dirty == d0 + 2
    s.call("SREM", "s", "a", "zz")
    assert s.state.dirty == d0 + 3
    s.call("SADD", "t", "q")
    s.call("SMOVE", "s", "t", "b")  # removed from s and added to t
    assert s.state.dirty == d0 + 6


def test_no_empty_set_is_stored() -> None:
    s = Session()
    s.call("SADD", "s", 1)
    s.call("SMOVE", "s", "t", 1)
    assert s.value("s") is None
    s.call("SPOP", "t")
    assert s.value("t") is None
    s.call("SADD", "a", 1)
    s.call("SINTERSTORE", "d", "a", "nokey")
    assert s.value("d") is None


def test_wrongtype_everywhere() -> None:
    s = Session()
    s.call("SET", "str", "v")
    wt = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    for argv in (["SADD", "str", "a"], ["SREM", "str", "a"], ["SCARD", "str"],
                 ["SISMEMBER", "str", "a"], ["SMISMEMBER", "str", "a"], ["SMEMBERS", "str"],
                 ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "2"], ["SPOP", "str"],
                 ["SPOP", "str", "2"], ["SINTER", "nokey", "str"], ["SUNION", "str"],
                 ["SDIFF", "nokey", "str"], ["SINTERCARD", "1", "str"],
                 ["SMOVE", "str", "x", "a"]):
        assert s.call(*argv) == wt, argv
    assert s.call("GET", "str") == b"$1\r\nv\r\n"


def test_smove_touches_dst_only_when_added() -> None:
    """``smoveCommand``: the source is always signalled once the member left it, the
    destination only if the member was added (a WATCH on it survives otherwise)."""
    s = Session()
    s.call("SADD", "src", "a", "b")
    s.call("SADD", "dst", "a")
    for watched, member, survives in (("dst", "a", True), ("src", "b", False)):
        s.call("SADD", "src", member)
        s.call("WATCH", watched)
        assert s.call("SMOVE", "src", "dst", member) == b":1\r\n"
        s.call("MULTI")
        s.call("PING")
        assert (s.call("EXEC") == b"*1\r\n+PONG\r\n") is survives, (watched, member)
    s.call("SADD", "src", "c")
    s.call("WATCH", "dst")
    s.call("SMOVE", "src", "dst", "c")
    s.call("MULTI")
    assert s.call("EXEC") == b"*-1\r\n"
