"""Hash commands (``t_hash.c``) at the spec level: the HashValue structure (persistence,
listpack insertion order, encodings and their conversions), HRANDFIELD's guarantees (counts,
membership, distinctness, repeats), HINCRBYFLOAT's propagation as HSET, keyspace events and
``server.dirty`` (recorded from Redis 7.0.15), plus a Hypothesis comparison of random hash
command sequences with a real server (skipped when none is reachable).
Byte-exact replies against Redis 7.0.15 live in ``tests/differential/cases_hashes.py``."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.spec import values
from redspec.spec.reply import Map as RMap
from redspec.spec.reply import encode
from redspec.spec.types.hash import EMPTY, HashValue, build
from tests.differential.harness import Target
from tests.differential.normalise import parse
from tests.differential.rawclient import RawClient
from tests.session import NOW, Session, keyspace_events

EXAMPLES = int(os.environ.get("REDSPEC_HYPOTHESIS_EXAMPLES", "100"))


def bulks(frame: bytes) -> list[bytes]:
    """The bulk strings of a (possibly nested) aggregate frame, in order."""
    out: list[bytes] = []

    def walk(f: Any) -> None:
        if f.payload is not None:
            out.append(f.payload)
        for c in f.children or []:
            walk(c)

    walk(parse(frame))
    return out


def bulk(v: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(v), v)


# -- the value -------------------------------------------------------------------------------


def test_set_is_persistent_and_counts_new_fields() -> None:
    h1, new1 = EMPTY.set(b"a", b"1", 512, 64)
    h2, new2 = h1.set(b"a", b"2", 512, 64)
    h3, new3 = h2.set(b"b", b"3", 512, 64)
    assert (new1, new2, new3) == (True, False, True)
    assert h1.items() == [(b"a", b"1")] and h2.items() == [(b"a", b"2")]
    assert h3.items() == [(b"a", b"2"), (b"b", b"3")]
    assert len(EMPTY) == 0 and EMPTY.encoding == "listpack"


def test_listpack_order_is_insertion_order() -> None:
    h = build([(b"c", b"1"), (b"a", b"2"), (b"b", b"3")])
    h = h.set(b"a", b"9", 512, 64)[0]
    assert list(h.keys()) == [b"c", b"a", b"b"]
    h = h.delete(b"c").set(b"c", b"0", 512, 64)[0]
    assert h.items() == [(b"a", b"9"), (b"b", b"3"), (b"c", b"0")]
    assert h.values() == [b"9", b"3", b"0"]
    assert [h.nth(i)[0] for i in range(3)] == [b"a", b"b", b"c"]


def test_set_many_duplicate_field_keeps_first_place_last_value() -> None:
    h, created = EMPTY.set_many([b"HSET", b"k", b"a", b"1", b"b", b"2", b"a", b"3"], 2, 512, 64)
    assert created == 2 and h.items() == [(b"a", b"3"), (b"b", b"2")]


@pytest.mark.parametrize("length,enc", [(64, "listpack"), (65, "hashtable")])
def test_value_limit_is_strictly_greater(length: int, enc: str) -> None:
    v = b"x" * length
    assert EMPTY.set(b"f", v, 512, 64)[0].encoding == enc
    assert EMPTY.set(v, b"1", 512, 64)[0].encoding == enc
    assert EMPTY.set_many([v, b"1"], 0, 512, 64)[0].encoding == enc
    assert EMPTY.set_many([b"f", v], 0, 512, 64)[0].encoding == enc


def test_entries_limit_is_strictly_greater() -> None:
    h = build([(b"%d" % i, b"v") for i in range(3)], max_entries=3)
    assert h.encoding == "listpack"
    assert h.set(b"0", b"w", 3, 64)[0].encoding == "listpack"  # overwrite: no new entry
    assert h.set(b"new", b"w", 3, 64)[0].encoding == "hashtable"
    assert EMPTY.set(b"a", b"1", 0, 64)[0].encoding == "hashtable"


def test_overwrite_converts_when_the_limit_was_lowered() -> None:
    """``hashTypeSet`` checks the length after every write (7.0.15: HINCRBY on an existing
    field of a 2-field listpack converts once the limit is 1)."""
    h = build([(b"a", b"1"), (b"b", b"2")])
    assert h.set(b"a", b"3", 1, 64)[0].encoding == "hashtable"
    assert h.set_many([b"a", b"3"], 0, 1, 64)[0].encoding == "hashtable"
    assert h.delete(b"a").set(b"b", b"3", 1, 64)[0].encoding == "listpack"
    s = Session()
    s.call("HSET", "h", "a", "1", "b", "2")
    s.call("CONFIG", "SET", "hash-max-listpack-entries", "1")
    s.call("HINCRBY", "h", "a", "1")
    assert s.call("OBJECT", "ENCODING", "h") == bulk(b"hashtable")


def test_no_conversion_back() -> None:
    h = EMPTY.set(b"a", b"x" * 65, 512, 64)[0].set(b"b", b"1", 512, 64)[0]
    h = h.delete(b"a")
    assert h.encoding == "hashtable" and h.items() == [(b"b", b"1")]
    assert h.converted() is h


def test_delete_many_counts_and_shares() -> None:
    h = build([(b"a", b"1"), (b"b", b"2")])
    same, n = h.delete_many([b"x", b"y"])
    assert same is h and n == 0
    h2, n = h.delete_many([b"a", b"a", b"x"])
    assert n == 1 and h2.items() == [(b"b", b"2")] and h.items() == [(b"a", b"1"), (b"b", b"2")]
    assert h.delete(b"zz") is h


def test_equality_sees_encoding_and_order() -> None:
    a = build([(b"a", b"1"), (b"b", b"2")])
    b_ = build([(b"b", b"2"), (b"a", b"1")])
    assert a != b_ and a == build([(b"a", b"1"), (b"b", b"2")])
    assert a.converted() == b_.converted() and a.converted() != a


def test_registered_type_and_encoding() -> None:
    h = build([(b"a", b"1")])
    assert values.type_name(h) == "hash" and values.encoding_of(h) == "listpack"
    assert values.encoding_of(h.converted()) == "hashtable"
    assert isinstance(h, HashValue)


# -- replies ---------------------------------------------------------------------------------


def test_hgetall_resp2_and_resp3_shapes() -> None:
    s = Session()
    s.call("HSET", "h", "b", "1", "a", "2")
    assert s.call("HGETALL", "h") == encode(RMap(((b"b", b"1"), (b"a", b"2"))), 2)
    s.call("HELLO", "3")
    assert s.call("HGETALL", "h") == b"%2\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n"
    assert s.call("HGETALL", "nokey") == b"%0\r\n"
    assert s.call("HGET", "h", "zz") == b"_\r\n"


def test_hincrbyfloat_replies_bulk_in_resp3() -> None:
    s = Session()
    s.call("HELLO", "3")
    assert s.call("HINCRBYFLOAT", "h", "f", "1.5") == bulk(b"1.5")


# -- HRANDFIELD ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 5, 7, 8, 9, 30])
@pytest.mark.parametrize("big", [False, True])
def test_hrandfield_positive_count_distinct_members(count: int, big: bool) -> None:
    s = Session()
    pairs = {b"f%d" % i: b"v%d" % i for i in range(8)}
    s.call("HSET", "h", *[x for kv in pairs.items() for x in kv])
    if big:
        s.call("HSET", "h", "long", "x" * 65)
        s.call("HDEL", "h", "long")
    assert s.value("h").encoding == ("hashtable" if big else "listpack")
    got = bulks(s.call("HRANDFIELD", "h", count))
    assert len(got) == min(count, 8) and len(set(got)) == len(got) and set(got) <= set(pairs)
    flat = bulks(s.call("HRANDFIELD", "h", count, "WITHVALUES"))
    fields, vals = flat[0::2], flat[1::2]
    assert len(fields) == min(count, 8) and len(set(fields)) == len(fields)
    assert all(pairs[f] == v for f, v in zip(fields, vals, strict=True))


def test_hrandfield_listpack_subset_keeps_listpack_order() -> None:
    """``count * 3 <= size`` on a listpack: ``lpRandomPairsUnique`` keeps listpack order."""
    s = Session()
    s.call("HSET", "h", *[x for i in range(10) for x in (b"f%d" % i, b"v")])
    for _ in range(20):
        got = bulks(s.call("HRANDFIELD", "h", 3))
        assert got == sorted(got, key=lambda f: int(f[1:]))


@pytest.mark.parametrize("count", [1, 3, 20])
def test_hrandfield_negative_count_allows_repeats(count: int) -> None:
    s = Session()
    s.call("HSET", "h", "a", "1", "b", "2")
    got = bulks(s.call("HRANDFIELD", "h", -count))
    assert len(got) == count and set(got) <= {b"a", b"b"}
    if count == 20:
        assert len(set(got)) == 2  # 2**-19 chance of failing with a fair draw
    s.call("HELLO", "3")
    frame = s.call("HRANDFIELD", "h", -count, "WITHVALUES")
    assert frame.startswith(b"*%d\r\n*2\r\n" % count)
    flat = bulks(frame)
    assert all({b"a": b"1", b"b": b"2"}[f] == v for f, v in zip(flat[0::2], flat[1::2],
                                                                  strict=True))


def test_hrandfield_single_draw_covers_every_field() -> None:
    s = Session()
    s.call("HSET", "h", "a", "1", "b", "2", "c", "3")
    seen = {bulks(s.call("HRANDFIELD", "h"))[0] for _ in range(60)}
    assert seen == {b"a", b"b", b"c"}


def test_hrandfield_advances_the_rng_only_when_drawing() -> None:
    s = Session()
    s.call("HSET", "h", "a", "1", "b", "2")
    r0 = s.state.rng
    s.call("HRANDFIELD", "h", 5)  # whole hash: no draw
    assert s.state.rng == r0
    s.call("HRANDFIELD", "h")
    assert s.state.rng != r0


# -- side effects (recorded from Redis 7.0.15) ------------------------------------------------


def test_hincrbyfloat_propagates_as_hset() -> None:
    s = Session()
    s.call("HSET", "h", "f", "1")
    eff = s.effects("HINCRBYFLOAT", "h", "f", "0.5")
    assert [a for _, a in eff.propagate] == [(b"HSET", b"h", b"f", b"1.5")]
    assert [a for _, a in s.effects("HINCRBY", "h", "n", "2").propagate] == [
        (b"HINCRBY", b"h", b"n", b"2")
    ]
    assert s.effects("HSETNX", "h", "f", "x").propagate == ()
    assert s.effects("HDEL", "h", "zz").propagate == ()
    assert s.effects("HINCRBYFLOAT", "h", "f", "inf").propagate == ()


@pytest.mark.parametrize(
    "setup,argv,want",
    [
        ([], ["HSET", "h", "a", "1", "b", "2", "a", "3"], [("h", "hset")]),
        ([], ["HMSET", "h", "a", "1"], [("h", "hset")]),
        ([["HSET", "h", "a", "1"]], ["HSETNX", "h", "a", "1"], []),
        ([["HSET", "h", "a", "1"]], ["HSETNX", "h", "c", "1"], [("h", "hset")]),
        ([], ["HINCRBY", "h", "n", "1"], [("h", "hincrby")]),
        ([], ["HINCRBYFLOAT", "h", "f", "1.5"], [("h", "hincrbyfloat")]),
        ([["HSET", "h", "a", "1"]], ["HDEL", "h", "zz"], []),
        ([["HSET", "h", "a", "1", "b", "2"]], ["HDEL", "h", "a"], [("h", "hdel")]),
        ([["HSET", "h", "a", "1"]], ["HDEL", "h", "a", "zz"], [("h", "hdel"), ("g", "del")]),
        ([["HSET", "h", "a", "x"]], ["HINCRBY", "h", "a", "1"], []),
        ([], ["HGETALL", "h"], []),
    ],
)
def test_keyspace_events(setup: list[list[str]], argv: list[str],
                         want: list[tuple[str, str]]) -> None:
    assert keyspace_events(setup, argv) == want


def test_dirty_counts_as_redis() -> None:
    """The sequence below moved Redis 7.0.15's rdb_changes_since_last_save by 14."""
    s = Session()
    d0 = s.state.dirty
    for argv in (
        ["HSET", "h", "a", "1", "b", "2", "a", "3"],  # 3: every pair given
        ["HSETNX", "h", "a", "1"],  # 0
        ["HSETNX", "h", "c", "1"],  # 1
        ["HINCRBY", "h", "n", "1"],  # 1
        ["HINCRBYFLOAT", "h", "f", "1.5"],  # 1
        ["HDEL", "h", "zz"],  # 0
        ["HDEL", "h", "a", "b", "c", "n"],  # 4
        ["HDEL", "h", "f", "zz"],  # 1 (and the key goes)
        ["HSET", "h2", "a", "1"],  # 1
        ["HINCRBY", "h2", "a", "x"],  # 0
        ["HINCRBY", "h2", "a", "1.0"],  # 0
        ["HSET", "h2", "a", "1", "a", "1"],  # 2: unchanged values count too
    ):
        s.call(*argv)
    assert s.state.dirty == d0 + 14
    assert s.value("h") is None


def test_writes_keep_the_ttl() -> None:
    s = Session()
    s.call("HSET", "h", "a", "1")
    s.call("PEXPIREAT", "h", NOW + 10_000)
    for argv in (["HSET", "h", "b", "2"], ["HINCRBY", "h", "n", "1"],
                 ["HINCRBYFLOAT", "h", "f", "1"], ["HSETNX", "h", "c", "3"],
                 ["HDEL", "h", "a"]):
        s.call(*argv)
        assert s.state.dbs[0].expires.get(b"h") == NOW + 10_000, argv


def test_failed_write_on_missing_key_creates_nothing() -> None:
    s = Session()
    for argv in (["HINCRBY", "h", "a", "x"], ["HINCRBYFLOAT", "h", "a", "inf"],
                 ["HINCRBYFLOAT", "h", "a", "nan"], ["HSET", "h", "a"], ["HDEL", "h", "a"]):
        s.call(*argv)
        assert s.value("h") is None, argv


# -- against a real server ---------------------------------------------------------------------

_FIELDS = [b"a", b"b", b"c", b"d", b"e", b"f" * 65]
_VALUES = [b"1", b"-2", b"x", b"", b"1.5", b"v" * 65, b"9223372036854775807"]


def _command() -> st.SearchStrategy[list[bytes]]:
    f, v = st.sampled_from(_FIELDS), st.sampled_from(_VALUES)
    return st.one_of(
        st.lists(st.tuples(f, v), min_size=1, max_size=3).map(
            lambda ps: [b"HSET", b"h"] + [x for p in ps for x in p]),
        st.tuples(f, v).map(lambda p: [b"HSETNX", b"h", *p]),
        st.lists(f, min_size=1, max_size=3).map(lambda fs: [b"HDEL", b"h", *fs]),
        st.tuples(f, st.sampled_from([b"1", b"-1", b"x"])).map(
            lambda p: [b"HINCRBY", b"h", *p]),
        st.tuples(f, st.sampled_from([b"0.5", b"1e62", b"-3"])).map(
            lambda p: [b"HINCRBYFLOAT", b"h", *p]),
    )


def test_random_sequences_match_real_redis(redis_target: Target) -> None:
    """Random writes to one hash with 4-entry listpacks; after each step the reply, HGETALL
    (byte for byte while the hash is a listpack: the insertion order) and OBJECT ENCODING
    agree with Redis."""
    try:
        c = RawClient(redis_target.host, redis_target.port)
    except OSError:
        pytest.skip("real redis not reachable")
    old = c.call("CONFIG", "GET", "hash-max-listpack-entries")
    c.call("CONFIG", "SET", "hash-max-listpack-entries", "4")

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(_command(), min_size=1, max_size=12))
    def check(cmds: list[list[bytes]]) -> None:
        c.call("DEL", "h")
        s = Session(**{"hash-max-listpack-entries": 4})
        for argv in cmds:
            assert s.call(*argv) == c.call(*argv), argv
            enc = c.call("OBJECT", "ENCODING", "h")
            assert s.call("OBJECT", "ENCODING", "h") == enc, argv
            mine, theirs = s.call("HGETALL", "h"), c.call("HGETALL", "h")
            if enc == bulk(b"hashtable"):
                p, q = bulks(mine), bulks(theirs)
                mp = sorted(zip(p[0::2], p[1::2], strict=True))
                assert mp == sorted(zip(q[0::2], q[1::2], strict=True)), argv
            else:
                assert mine == theirs, argv

    try:
        check()
    finally:
        c.call("CONFIG", "SET", "hash-max-listpack-entries", bulks(old)[1])
        c.call("DEL", "h")
