"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
type-choice advisor's cost model (``spec/cost.py``, mechanism 10 "type choice", ``redspec
advise``; issue #22, ``tools/mutation.py``), in the pattern of
``properties/test_boundary_mintro.py``: each check puts one cost term exactly on its boundary,
and each killed survivor has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_mcost_agree_with_redis``. Where the model claims to predict MEMORY USAGE
(``value_memory`` + ``key_memory``, "follows ``objectComputeSize``"), its byte figures are
compared with values recorded from redis-server 7.0.15 (jemalloc-5.3.0, 64-bit, default
config but for the ``list-max-listpack-size`` named per case; ``MEMORY USAGE key SAMPLES 0``
after the value was built one command per element: SADD/RPUSH/ZADD per member, SET):

- ``_LIVE``: jemalloc's 160 class (a 156-byte raw string: sds8 3 + 156 + 1 = 160), the sds
  header at 81903/81910 bytes (sdshdr32 fills the 81920 class exactly; 8 more bytes of header
  would not), embstr at 13/29/44 bytes (``createEmbeddedStringObject``: robj + sdshdr8 + NUL in
  one allocation, the 32/48/64 class edges), intset widths at +-2**31, -32769, -40000 and
  2**32-1 (``_intsetValueEncoding``), hashtable sets of 1, 3, 4 and 5 members (a 4-bucket table
  below 5; the 5th SADD doubles it and starts the rehash with no step yet: 4 + 8 buckets,
  whatever the hash seed), quicklists under fill 0 (one entry per node), -6 and -100 (clamped
  to -5 by ``quicklistSetFill``), 4 (four entries per node), and with one insert landing
  exactly on ``_quicklistNodeAllowInsert``'s limit (``new_sz`` = 8192 under -2 and under the
  count fill 1000's ``SIZE_SAFETY_LIMIT``, 4096 under -1: the element still joins the node),
  zset listpacks with scores 0.1 and 12345.678901 (``d2string``'s %.17g text) and -0 (stored as
  the integer 0);
- ``_SKIPLIST``: a 100000-member skiplist (members ``member:1`` .. ``member:100000`` added by a
  Lua loop of ZADD), recorded twice (node levels are random, ``zslRandomLevel``): the model
  prices the node at its expectation, within 0.1% of both;
- ``_STREAMS``: a stream of 1 entry, and of 5 entries under ``stream-node-max-entries 2``
  (three nodes), priced by ``value_memory("stream", ...)`` from the value ``spec.advise``
  builds for the same XADDs.

Checked by a direct call of the model (what the function promises; no reply of a real server
can show it):

- :func:`check_rehash_window`: ``dict_buckets``' count of bucket pointers while a doubled
  table rehashes (its docstring: the old table stays until (1 - 1/e) of its buckets have
  moved, one move per dict call, ``setTypeAdd`` one call per add, ``hashTypeSet`` two): the
  exact table for 1..28 adds of a set and of a hash, a presized conversion, an empty dict, and
  the strict "until" exactly at equality (an integral half * (1 - 1/e) needs half = 2**53);
  ``value_memory`` uses one call per add for sets and two for the others. On a live server the
  rehash progress depends on the random hash seed, so only the seed-free 5-member case is in
  ``_LIVE``;
- :func:`check_sds_header_64`: ``sds_size`` of a 4 GiB + 1 GiB - 10 byte string takes the
  17-byte ``sdshdr64`` at and above 2**32 bytes (``sdsReqType``), the 9-byte one below;
- :func:`check_skiplist_expectation`: ``skiplist_node_expected()`` is the level-weighted mean
  of the node classes (0.75 * 48 + 0.1875 * 64 + 0.046875 * 80 + ...), pinned;
- :func:`check_op_cost`: ``op_cost``'s steps, complexity and Redis function per role and
  encoding at small exact sizes (hand-computed from its docstring's formulas: ``lpFind``
  n/2 + 1 per element, a write adding half the blob in 64-byte lines, ``intsetSearch`` log2(n+1),
  ``zslInsert`` 4 log4(n+1) + 1, ``quicklistGetIteratorAtIdx`` from the nearer end of list and
  node, the stream roles' rax seeks and PEL inserts), n and elements below 1 priced as 1, a
  range's window 1 by default, a list position out of range priced at the average;
- :func:`check_predict_encoding`: a list is always a quicklist, a type without rules raises.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import cost as C
from redspec.spec.advise import analyse

NAME = "boundary_mcost_agree_with_redis"

_QL_142 = [b"y" * 142] + [b"x" * 100] * 80  # the 79th entry's new_sz is 8192 exactly
_QL_64 = [b"y" * 64] + [b"x" * 100] * 41  # the 40th entry's new_sz is 4096 exactly

#: (key, type, encoding, contents, list-max-listpack-size, MEMORY USAGE on 7.0.15).
_LIVE: list[tuple[bytes, str, str, Any, int, int]] = [
    (b"v", "string", "embstr", b"x" * 13, -2, 80),
    (b"v", "string", "embstr", b"x" * 29, -2, 96),
    (b"v", "string", "embstr", b"x" * 44, -2, 96),
    (b"v", "string", "raw", b"x" * 156, -2, 208),
    (b"v", "string", "raw", b"x" * 81903, -2, 81968),
    (b"v", "string", "raw", b"x" * 81910, -2, 81968),
    (b"s", "set", "intset", [b"1", b"-2147483648"], -2, 64),
    (b"s", "set", "intset", [b"1", b"-2147483649"], -2, 80),
    (b"s", "set", "intset", [b"1", b"2147483647"], -2, 64),
    (b"s", "set", "intset", [b"1", b"2147483648"], -2, 80),
    (b"s", "set", "intset", [b"1", b"-40000"], -2, 64),
    (b"s", "set", "intset", [b"1", b"-32769"], -2, 64),
    (b"s", "set", "intset", [b"1", b"32768"], -2, 64),
    (b"s", "set", "intset", [b"1", b"-32768"], -2, 64),
    (b"s", "set", "intset", [b"1", b"4294967295"], -2, 80),
    (b"s", "set", "hashtable", [b"member:0"], -2, 176),
    (b"s", "set", "hashtable", [b"member:%d" % i for i in range(3)], -2, 256),
    (b"s", "set", "hashtable", [b"member:%d" % i for i in range(4)], -2, 296),
    (b"s", "set", "hashtable", [b"member:%d" % i for i in range(5)], -2, 400),
    (b"l", "list", "quicklist", [b"a", b"b", b"c"], 0, 256),
    (b"l", "list", "quicklist", [b"a", b"b", b"c"], -6, 144),
    (b"l", "list", "quicklist", [b"a", b"b", b"c"], -100, 144),
    (b"l", "list", "quicklist", [b"e%d" % i for i in range(9)], 4, 288),
    (b"l", "list", "quicklist", _QL_142, -2, 8584),
    (b"l", "list", "quicklist", _QL_142, 1000, 8584),
    (b"l", "list", "quicklist", _QL_64, -1, 4488),
    (b"z", "zset", "listpack", [(b"m", 0.1)], -2, 80),
    (b"z", "zset", "listpack", [(b"mmmm", -0.0)], -2, 64),
    (b"z", "zset", "listpack", [(b"mmmm", 0.0)], -2, 64),
    (b"z", "zset", "listpack", [(b"m", 12345.678901)], -2, 80),
]

#: MEMORY USAGE of the 100000-member skiplist, two recordings (7.0.15).
_SKIPLIST = (10384456, 10385592)

#: (XADD trace, stream-node-max-entries, MEMORY USAGE on 7.0.15).
_STREAMS = [
    ([[b"XADD", b"x", b"1-1", b"f", b"v"]], 100, 4728),
    ([[b"XADD", b"x", b"%d-1" % i, b"f", b"v%d" % i] for i in range(1, 6)], 2, 6320),
]


def _model(key: bytes, typ: str, enc: str, contents: Any, fill: int) -> int:
    try:
        return C.key_memory(key, C.value_memory(typ, enc, contents, fill))
    except Exception as e:  # a planted bug may crash the model: that is a failure too
        raise AssertionError(f"{NAME}: {typ} {enc}: the model raised {e!r}") from e


def check_live_memory() -> None:
    """The model's MEMORY USAGE at each cost term's edge equals 7.0.15's (``_LIVE``)."""
    for key, typ, enc, contents, fill, want in _LIVE:
        got = _model(key, typ, enc, contents, fill)
        label = repr(contents)[:60]
        assert got == want, f"{NAME}: {typ} {enc} fill {fill} {label}: model {got}, redis {want}"


def check_quicklist_shapes() -> None:
    """The nodes behind ``_LIVE``'s lists: entries and listpack bytes per node."""
    e9 = [b"e%d" % i for i in range(9)]
    want = [
        (e9, 4, [(4, 23), (4, 23), (1, 11)]),
        ([b"a", b"b", b"c"], 0, [(1, 10)] * 3),
        ([b"a", b"b", b"c"], -6, [(3, 16)]),
        (_QL_142, -2, [(79, 8187), (2, 213)]),
        (_QL_142, 1000, [(79, 8187), (2, 213)]),
        (_QL_64, -1, [(40, 4091), (2, 213)]),
    ]
    for els, fill, nodes in want:
        got = C.quicklist_nodes(els, fill)
        assert got == nodes, f"{NAME}: quicklist_nodes fill {fill}: {got}"


def _fresh_expectation() -> None:
    """Drop ``skiplist_node_expected``'s cache (``functools.cache``), so that the check
    computes the expectation itself rather than reading what an earlier test left."""
    getattr(C.skiplist_node_expected, "cache_clear", lambda: None)()


def check_skiplist_live() -> None:
    """A 100000-member skiplist: the model within 0.1% of both recordings (``_SKIPLIST``)."""
    _fresh_expectation()
    zp = [(b"member:%d" % i, float(i)) for i in range(1, 100001)]
    got = _model(b"z", "zset", "skiplist", zp, -2)
    for want in _SKIPLIST:
        assert abs(got - want) <= want / 1000, f"{NAME}: skiplist: model {got}, redis {want}"


def check_skiplist_expectation() -> None:
    """The expected node allocation, pinned."""
    _fresh_expectation()
    got = C.skiplist_node_expected()
    assert got == pytest.approx(53.33645844553031, rel=1e-12), f"{NAME}: node {got}"


def check_streams_live() -> None:
    """A stream priced as itself (``_STREAMS``)."""
    for trace, node_max, want in _STREAMS:
        try:  # analyse prices the key with the model too
            ks = analyse(trace, {"stream-node-max-entries": node_max}).keys[b"x"]
        except Exception as e:  # a planted bug may crash the model: that is a failure too
            raise AssertionError(f"{NAME}: stream: the model raised {e!r}") from e
        got = _model(b"x", "stream", "stream", ks.contents, -2)
        assert got == want, f"{NAME}: stream of {len(trace)}: model {got}, redis {want}"


def check_sds_header_64() -> None:
    """sdshdr64 (17 bytes) from 2**32 bytes on, sdshdr32 (9) below (``sdsReqType``)."""
    n = (1 << 32) + (1 << 30) - 10
    assert C.sds_size(n) == C.je_size(17 + n + 1) == (1 << 32) + (1 << 31), f"{NAME}: sds64"
    n = (1 << 32) - 10
    assert C.sds_size(n) == C.je_size(9 + n + 1) == 1 << 32, f"{NAME}: sds32"


#: dict_buckets(n) for n = 1..28 adds of one dict call each (a set) and of two (a hash).
_SET_BUCKETS = [4, 4, 4, 4, 12, 12, 12, 8, 24, 24, 24, 24, 24, 24, 16, 16,
                48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 32]
_HASH_BUCKETS = [4, 4, 4, 4, 12, 12, 8, 8, 24, 24, 24, 16, 16, 16, 16, 16,
                 48, 48, 48, 48, 48, 48, 32, 32, 32, 32, 32, 32]


def check_rehash_window() -> None:
    """``dict_buckets``' rehash window, by the rule in its docstring (see the module)."""
    for per_add, table in ((1, _SET_BUCKETS), (2, _HASH_BUCKETS)):
        got = [C.dict_buckets(n, 0, per_add) for n in range(1, 29)]
        assert got == table, f"{NAME}: dict_buckets, {per_add} call(s) per add: {got}"
    got = [C.dict_buckets(n) for n in range(1, 29)]
    assert got == _SET_BUCKETS, f"{NAME}: dict_buckets' default is one call per add: {got}"
    assert C.dict_buckets(0, created_at=5) == 0, f"{NAME}: an empty dict holds no table"
    assert C.dict_buckets(600, created_at=513) == 1024, f"{NAME}: presized"
    half = 1 << 53  # half * (1 - 1/e) is an integer m: after m moves the old table is gone
    m = int(half * C._FILLED)
    assert m == half * C._FILLED, f"{NAME}: (1 - 1/e) * 2**53 is not an integer"
    assert C.dict_buckets(half + 1 + m) == 2 * half, f"{NAME}: at (1 - 1/e) moved"
    assert C.dict_buckets(half + m) == 3 * half, f"{NAME}: below (1 - 1/e) moved"
    members = [b"member:%d" % i for i in range(7)]
    fields = [(b"f%d" % i, b"v") for i in range(7)]
    s = C.value_memory("set", "hashtable", members)
    h = C.value_memory("hash", "hashtable", fields)
    want_s = C.ROBJ + C.DICT + 8 * 12 + sum(C.DICT_ENTRY + C.sds_size(len(m)) for m in members)
    want_h = C.ROBJ + C.DICT + 8 * 8 + 7 * (C.DICT_ENTRY + 8 + 8)
    assert (s, h) == (want_s, want_h), f"{NAME}: 7 members: set {s}, hash {h}"


#: (command, encoding, n, keywords, steps, big_o, redis_fn).
_OPS: list[tuple[str, str, int, dict[str, Any], float, str, str]] = [
    ("hget", "listpack", 0, {}, 1.5, "O(n)", "lpFind"),  # n below 1 is 1: 1/2 + 1
    ("hget", "listpack", 4, {"elems": 0}, 3.0, "O(n)", "lpFind"),  # elements below 1 are 1
    ("hget", "listpack", 4, {}, 3.0, "O(n)", "lpFind"),
    ("sismember", "intset", 1, {}, 1.0, "O(log n)", "intsetSearch"),  # log2(1 + 1)
    ("hset", "listpack", 6, {"blob_bytes": 128}, 5.0, "O(n)", "lpFind + lpInsert"),  # 3+1+1
    ("zrange", "listpack", 10, {"window": 3}, 8.0, "O(n)", "lpSeek + lpNext"),
    ("lrange", "listpack", 10, {}, 6.0, "O(n)", "lpSeek + lpNext"),  # window 1
    ("zpopmin", "listpack", 10, {"blob_bytes": 256}, 5.0, "O(n)", "lpDelete (memmove)"),
    ("hgetall", "listpack", 10, {}, 10.0, "O(n)", "lpNext (walk)"),
    ("sadd", "intset", 7, {"blob_bytes": 128}, 4.0, "O(n)",
     "intsetSearch + intsetResize/memmove"),  # log2(8) + 1
    ("smembers", "intset", 7, {}, 7.0, "O(n)", "intsetGet (walk)"),
    ("zrank", "skiplist", 3, {}, 5.0, "O(log n)", "zslGetRank"),  # 4 log4(4) + 1
    ("zadd", "skiplist", 3, {}, 7.0, "O(log n)", "dictAdd + zslInsert/zslDelete"),
    ("zrange", "skiplist", 3, {"window": 2}, 7.0, "O(log n + m)", "zslGetElementByRank + walk"),
    ("zpopmin", "skiplist", 3, {}, 7.0, "O(log n)", "zslDelete"),
    ("zscan", "skiplist", 3, {}, 3.0, "O(n)", "zslNext (walk)"),
    # quicklist: hops + min(offset, node - offset) + 1, then + 1 (LINDEX) or + window (LRANGE)
    ("lindex", "quicklist", 4, {"position": 0, "node_entries": 4.0}, 2.0, "O(n)",
     "quicklistGetIteratorAtIdx + lpSeek"),
    ("lindex", "quicklist", 4, {"position": 1, "node_entries": 4.0}, 3.0, "O(n)",
     "quicklistGetIteratorAtIdx + lpSeek"),  # 1 < 4 - 1 - 1: from the head, offset 1
    ("lindex", "quicklist", 4, {"position": 2, "node_entries": 4.0}, 3.0, "O(n)",
     "quicklistGetIteratorAtIdx + lpSeek"),  # from the tail: 4 - 1 - 2 = 1
    ("lindex", "quicklist", 4, {"position": 3, "node_entries": 4.0}, 2.0, "O(n)",
     "quicklistGetIteratorAtIdx + lpSeek"),
    ("lindex", "quicklist", 8, {"position": 8, "node_entries": 4.0}, 2.5, "O(n)",
     "quicklistGetIteratorAtIdx + lpSeek"),  # out of range: 2 nodes / 4 + 4 / 4, + 1
    ("lrange", "quicklist", 4, {"position": 0, "node_entries": 4.0, "window": 5}, 6.0,
     "O(s + m)", "quicklistGetIteratorAtIdx + quicklistNext"),
    # streams, 255 entries in nodes of 85: seek log2(3 + 1) + 1 = 3, PEL 2 (log2(256) + 1) = 18
    ("xadd", "stream", 255, {"node_entries": 85.0}, 5.0, "O(1)",
     "raxSeek $ + lpAppend (amortised: a new node every stream-node-max-entries)"),
    ("xrange", "stream", 255, {"node_entries": 85.0, "window": 3}, 48.5, "O(log N + M)",
     "raxSeek + lpNext per entry (streamIteratorGetID)"),
    ("xreadgroup", "stream", 255, {"node_entries": 85.0, "window": 3}, 102.5, "O(log N + M)",
     "streamReplyWithRange + a NACK in two PELs per entry"),  # 3 + 42.5 + 3 * (1 + 18)
    ("xack", "stream", 255, {"node_entries": 85.0}, 18.0, "O(log N)",
     "raxFind + raxRemove in the group and consumer PELs"),
    ("xdel", "stream", 255, {"node_entries": 85.0}, 45.5, "O(log N)", "streamDeleteItem"),
    ("xinfo", "stream", 255, {"node_entries": 85.0}, 255.0, "O(N)", "stream walk"),
]


def check_op_cost() -> None:
    """``op_cost`` per role and encoding at small exact sizes (``_OPS``)."""
    for cmd, enc, n, kw, steps, big_o, fn in _OPS:
        try:
            got = C.op_cost(cmd, enc, n, **kw)
        except Exception as e:  # a planted bug may crash the model: that is a failure too
            raise AssertionError(f"{NAME}: {cmd} {enc} {n}: the model raised {e!r}") from e
        assert math.isclose(got.steps, steps, rel_tol=1e-12) and (got.big_o, got.redis_fn) == \
            (big_o, fn), f"{NAME}: {cmd} {enc} n={n} {kw}: {got}"


def check_predict_encoding() -> None:
    """A list is a quicklist whatever its history; a type without rules raises."""
    try:
        got = C.predict_encoding("list", 1 << 20, 1 << 20, False, {})
    except ValueError as e:
        raise AssertionError(f"{NAME}: a list: {e!r}") from e
    assert got == "quicklist", f"{NAME}: a list is {got}"
    try:
        got = C.predict_encoding("string", 1, 1, False, {})
    except ValueError:
        return
    raise AssertionError(f"{NAME}: a string predicted {got}")


CHECKS = [check_live_memory, check_quicklist_shapes, check_skiplist_live,
          check_skiplist_expectation, check_streams_live, check_sds_header_64,
          check_rehash_window, check_op_cost, check_predict_encoding]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mcost(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


# -- planted bugs: each is a surviving mutant ------------------------------------------------------

_PLANTS = [
    ("je_size", "(n + step - 1) & ~", "(n + step) & ~", check_live_memory),
    ("sds_size", "elif length < 1 << 32:", "elif length < 0 << 32:", check_live_memory),
    ("sds_size", "elif length < 1 << 32:", "elif length < 2 << 32:", check_sds_header_64),
    ("intset_width", "-(1 << 31) <= v < 1 << 31", "-(1 << 31) < v < 1 << 31",
     check_live_memory),
    ("intset_width", "-(1 << 31) <= v < 1 << 31", "-(1 << 31) <= v <= 1 << 31",
     check_live_memory),
    ("intset_width", "-(1 << 31) <= v", "-(0 << 31) <= v", check_live_memory),
    ("intset_width", "-(1 << 31) <= v", "-(2 << 31) <= v", check_live_memory),
    ("intset_width", "v < 1 << 31", "v < 2 << 31", check_live_memory),
    ("dict_buckets", "steps_per_add: int = 1", "steps_per_add: int = 2", check_rehash_window),
    ("dict_buckets", "if n <= 0:", "if n < 0:", check_rehash_window),
    ("dict_buckets", "start = dict_slots(created_at) if created_at > 0",
     "start = dict_slots(created_at) if created_at >= 0", check_live_memory),
    ("dict_buckets", "start = dict_slots(created_at) if created_at > 0",
     "start = dict_slots(created_at) if created_at >= 0", check_rehash_window),
    ("dict_buckets", "* steps_per_add < half", "* steps_per_add <= half", check_rehash_window),
    ("dict_buckets", "(n - half - 1)", "(n - half)", check_rehash_window),
    ("dict_buckets", "(n - half - 1)", "(n - half - 2)", check_rehash_window),
    ("skiplist_node_expected", "range(1, ZSKIPLIST_MAXLEVEL)", "range(0, ZSKIPLIST_MAXLEVEL)",
     check_skiplist_live),
    ("skiplist_node_expected", "range(1, ZSKIPLIST_MAXLEVEL)", "range(2, ZSKIPLIST_MAXLEVEL)",
     check_skiplist_live),
    ("skiplist_node_expected", "(1 - p) * p", "(0 - p) * p", check_skiplist_live),
    ("skiplist_node_expected", "(1 - p) * p", "(2 - p) * p", check_skiplist_live),
    ("skiplist_node_expected", "p ** (k - 1)", "p ** k", check_skiplist_live),
    ("skiplist_node_expected", "p ** (k - 1)", "p ** (k - 2)", check_skiplist_live),
    ("skiplist_node_expected", "(1 - p) * p", "(2 - p) * p", check_skiplist_expectation),
    ("_ql_allows", "if fill < 0:", "if fill <= 0:", check_live_memory),
    ("_ql_allows", "return new_sz <= QL_LEVELS", "return new_sz < QL_LEVELS", check_live_memory),
    ("_ql_allows", "len(QL_LEVELS)) - 1]", "len(QL_LEVELS))]", check_live_memory),
    ("_ql_allows", "len(QL_LEVELS)) - 1]", "len(QL_LEVELS)) - 0]", check_live_memory),
    ("_ql_allows", "len(QL_LEVELS)) - 1]", "len(QL_LEVELS)) - 2]", check_live_memory),
    ("_ql_allows", "min(-fill, len(QL_LEVELS))", "max(-fill, len(QL_LEVELS))",
     check_live_memory),  # the clamp (quicklistSetFill) undone: fill -6 is not -5
    ("_ql_allows", "new_sz <= QL_SAFETY", "new_sz < QL_SAFETY", check_live_memory),
    ("_ql_allows", "node_count < fill", "node_count <= fill", check_live_memory),
    ("quicklist_nodes", "count += 1", "count += 2", check_live_memory),
    ("quicklist_nodes", "count, size = 1,", "count, size = 2,", check_live_memory),
    ("quicklist_nodes", "count += 1", "count += 2", check_quicklist_shapes),
    ("predict_encoding", 'if type_ == "list":', 'if type_ != "list":', check_predict_encoding),
    ("value_memory", "per_add = 1 if", "per_add = 2 if", check_rehash_window),
    ("value_memory", 'if type_ == "set" else 2', 'if type_ != "set" else 2',
     check_rehash_window),
    ("value_memory", 'if encoding == "embstr":', 'if encoding != "embstr":', check_live_memory),
    ("value_memory", "ROBJ + 3 + len(contents) + 1)", "ROBJ + 3 + len(contents))",
     check_live_memory),
    ("value_memory", "stream_memory(contents, 1 << 62)", "stream_memory(contents, 0 << 62)",
     check_streams_live),
    ("_score_text", "if s == int(s) if", "if s != int(s) if", check_live_memory),
    ("_score_text", "abs(s) < 1 << 52", "abs(s) < 0 << 52", check_live_memory),
    ("_ql_seek", "not 0 <= position < n", "not 0 <= position <= n", check_op_cost),
    ("_ql_seek", "position < n - 1 - position", "position < n - 2 - position", check_op_cost),
    ("_ql_seek", "else n - 1 - position", "else n - 2 - position", check_op_cost),
    ("_ql_seek", "min(off, size - off) + 1", "min(off, size - off)", check_op_cost),
    ("_ql_seek", "min(off, size - off) + 1", "min(off, size - off) + 2", check_op_cost),
    ("_stream_cost", "math.log2(n / per_node + 1) + 1", "math.log2(n / per_node + 1)",
     check_op_cost),
    ("_stream_cost", "math.log2(n / per_node + 1) + 1", "math.log2(n / per_node) + 1",
     check_op_cost),
    ("_stream_cost", "math.log2(n / per_node + 1) + 1", "math.log2(n / per_node + 2) + 1",
     check_op_cost),
    ("_stream_cost", "math.log2(n / per_node + 1) + 1", "math.log2(n / per_node + 1) + 2",
     check_op_cost),
    ("_stream_cost", "(math.log2(n + 1) + 1)", "(math.log2(n + 1))", check_op_cost),
    ("_stream_cost", "(math.log2(n + 1) + 1)", "(math.log2(n) + 1)", check_op_cost),
    ("_stream_cost", "(math.log2(n + 1) + 1)", "(math.log2(n + 2) + 1)", check_op_cost),
    ("_stream_cost", "(math.log2(n + 1) + 1)", "(math.log2(n + 1) + 2)", check_op_cost),
    ("_stream_cost", 'if role == "xadd":', 'if role != "xadd":', check_op_cost),
    ("_stream_cost", "seek + 1 + k", "seek + k", check_op_cost),
    ("_stream_cost", "seek + 1 + k", "seek + 2 + k", check_op_cost),
    ("_stream_cost", 'if role == "range":', 'if role != "range":', check_op_cost),
    ("_stream_cost", 'if role == "xreadgroup":', 'if role != "xreadgroup":', check_op_cost),
    ("_stream_cost", "window * (1 + pel)", "window * (pel)", check_op_cost),
    ("_stream_cost", "window * (1 + pel)", "window * (2 + pel)", check_op_cost),
    ("_stream_cost", 'if role == "xack":', 'if role != "xack":', check_op_cost),
    ("_stream_cost", 'if role == "xdel":', 'if role != "xdel":', check_op_cost),
    ("op_cost", "window: int = 1", "window: int = 0", check_op_cost),
    ("op_cost", "window: int = 1", "window: int = 2", check_op_cost),
    ("op_cost", "n = max(n, 1)", "n = max(n, 0)", check_op_cost),
    ("op_cost", "n = max(n, 1)", "n = max(n, 2)", check_op_cost),
    ("op_cost", "k = max(elems, 1)", "k = max(elems, 0)", check_op_cost),
    ("op_cost", "lg2 = math.log2(n + 1)", "lg2 = math.log2(n)", check_op_cost),
    ("op_cost", "lg2 = math.log2(n + 1)", "lg2 = math.log2(n + 2)", check_op_cost),
    ("op_cost", '"O(n)", k * (n / 2 + 1), "lpFind"', '"O(n)", k * (n / 2), "lpFind"',
     check_op_cost),
    ("op_cost", '"O(n)", k * (n / 2 + 1), "lpFind"', '"O(n)", k * (n / 2 + 2), "lpFind"',
     check_op_cost),
    ("op_cost", "k * (n / 2 + 1 + _lines", "k * (n / 2 + _lines", check_op_cost),
    ("op_cost", "k * (n / 2 + 1 + _lines", "k * (n / 2 + 2 + _lines", check_op_cost),
    ("op_cost", '        if role in ("write1", "del1"):\n            return OpCost("O(n)", k * (n',
     '        if role not in ("write1", "del1"):\n            return OpCost("O(n)", k * (n',
     check_op_cost),
    ("op_cost", '        if role == "range":\n            return OpCost("O(n)", n / 2',
     '        if role != "range":\n            return OpCost("O(n)", n / 2', check_op_cost),
    ("op_cost", '        if role == "pop":\n            return OpCost("O(n)", k * (1',
     '        if role != "pop":\n            return OpCost("O(n)", k * (1', check_op_cost),
    ("op_cost", "k * (1 + _lines(blob_bytes))", "k * (_lines(blob_bytes))", check_op_cost),
    ("op_cost", "k * (1 + _lines(blob_bytes))", "k * (2 + _lines(blob_bytes))", check_op_cost),
    ("op_cost", '        if role in ("write1", "del1"):\n            return OpCost("O(n)", k * (lg2',
     '        if role not in ("write1", "del1"):\n            return OpCost("O(n)", k * (lg2',
     check_op_cost),
    ("op_cost", "search = (1 / ZSKIPLIST_P) * math.log(n + 1, 1 / ZSKIPLIST_P) + 1",
     "search = (1 / ZSKIPLIST_P) * math.log(n + 1, 1 / ZSKIPLIST_P)", check_op_cost),
    ("op_cost", "search = (1 / ZSKIPLIST_P)", "search = (2 / ZSKIPLIST_P)", check_op_cost),
    ("op_cost", "math.log(n + 1, 1 / ZSKIPLIST_P)", "math.log(n, 1 / ZSKIPLIST_P)",
     check_op_cost),
    ("op_cost", "math.log(n + 1, 1 / ZSKIPLIST_P)", "math.log(n + 2, 1 / ZSKIPLIST_P)",
     check_op_cost),
    ("op_cost", "math.log(n + 1, 1 / ZSKIPLIST_P)", "math.log(n + 1, 2 / ZSKIPLIST_P)",
     check_op_cost),
    ("op_cost", "1 / ZSKIPLIST_P) + 1", "1 / ZSKIPLIST_P) + 2", check_op_cost),
    ("op_cost", '        if role == "pop":\n            return OpCost("O(log n)"',
     '        if role != "pop":\n            return OpCost("O(log n)"', check_op_cost),
    ("op_cost", 'if role == "index":', 'if role != "index":', check_op_cost),
    ("op_cost", "seek + 1, \"quicklistGetIteratorAtIdx + lpSeek\"",
     "seek, \"quicklistGetIteratorAtIdx + lpSeek\"", check_op_cost),
    ("op_cost", "seek + 1, \"quicklistGetIteratorAtIdx + lpSeek\"",
     "seek + 2, \"quicklistGetIteratorAtIdx + lpSeek\"", check_op_cost),
]


@pytest.mark.parametrize("func,old,new,check", _PLANTS,
                         ids=[f"{p[0]}:{p[2]}:{p[3].__name__}" for p in _PLANTS])
def test_planted_cost(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                      check: Any) -> None:
    plant_everywhere(monkeypatch, C, func, old, new)
    _trips(check)


def test_planted_filled_share(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_FILLED = 1 - math.exp(-1)`` -> ``2 - math.exp(-1)`` (computed at import)."""
    monkeypatch.setattr(C, "_FILLED", 2 - math.exp(-1))
    _trips(check_rehash_window)
