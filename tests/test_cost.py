"""The cost model (spec.cost): size classes, listpack/intset/sds sizes, known MEMORY USAGE
values of Redis 7.0.15 (from the calibration in docs/mechanisms/typechoice.md), monotonicity,
and the shape of the per-command step counts."""

from __future__ import annotations

import pytest

from redspec.spec import cost as C


@pytest.mark.parametrize("n,size", [(1, 8), (8, 8), (9, 16), (17, 32), (128, 128), (129, 160),
                                    (257, 320), (1025, 1280), (5000, 5120), (12345, 14336)])
def test_jemalloc_size_classes(n: int, size: int) -> None:
    assert C.je_size(n) == size


@pytest.mark.parametrize("elem,size", [(b"5", 2), (b"127", 2), (b"128", 3), (b"-4096", 3),
                                       (b"40000", 5), (b"abc", 5), (b"007", 5),
                                       (b"x" * 63, 65), (b"x" * 64, 67), (b"x" * 200, 204),
                                       (b"1" + b"0" * 18, 10), (b"9" * 19, 21)])
def test_listpack_entry_sizes(elem: bytes, size: int) -> None:
    assert C.lp_entry_size(elem) == size


def test_intset_width_and_bytes() -> None:
    assert C.intset_width([1, -32768, 32767]) == 2
    assert C.intset_width([1, 40000]) == 4
    assert C.intset_width([1 << 40]) == 8
    assert C.intset_bytes([1, 2, 3]) == 14


def test_dict_slots_power_of_two() -> None:
    assert [C.dict_slots(n) for n in (0, 1, 4, 5, 8, 9, 513)] == [0, 4, 4, 8, 8, 16, 1024]
    # Rehashing keeps the old table for a while after a doubling; a presized table does not.
    assert C.dict_buckets(10) == 24 and C.dict_buckets(16) == 16
    assert C.dict_buckets(600, created_at=513) == 1024


def _pairs(n: int) -> list[tuple[bytes, bytes]]:
    return [(f"field:{i}".encode(), f"value-{i}".encode()) for i in range(n)]


# Values observed with MEMORY USAGE k SAMPLES 0 on Redis 7.0.15 (jemalloc, 64-bit).
KNOWN = [
    (b"h:lp:4", "hash", "listpack", _pairs(4), 0, 128),
    (b"h:lp:500", "hash", "listpack", _pairs(500), 0, 12344),
    (b"h:ht:1000", "hash", "hashtable", _pairs(1000), 513, 64304),
    (b"h:ht:5000", "hash", "hashtable", _pairs(5000), 513, 378416),
    (b"s:is:200", "set", "intset", [str(i * 3).encode() for i in range(200)], 0, 504),
    (b"s:ht:10", "set", "hashtable", [f"member:{i}".encode() for i in range(10)], 0, 704),
    (b"s:ht:1000", "set", "hashtable", [f"member:{i}".encode() for i in range(1000)], 0, 48304),
    (b"z:lp:100", "zset", "listpack", [(f"m{i}".encode(), float(i)) for i in range(100)], 0,
     824),
    (b"l:10000", "list", "quicklist", [f"item-{i}".encode() for i in range(10000)], 0, 110224),
    (b"str:100", "string", "raw", b"y" * 100, 0, 168),
    (b"str:44", "string", "embstr", b"x" * 44, 0, 96),
]


@pytest.mark.parametrize("key,typ,enc,contents,created,real", KNOWN,
                         ids=[k[0].decode() for k in KNOWN])
def test_known_memory_usage(key: bytes, typ: str, enc: str, contents: object, created: int,
                            real: int) -> None:
    assert C.key_memory(key, C.value_memory(typ, enc, contents, created_at=created)) == real


def test_skiplist_expected_node() -> None:
    # Level 1 (p 0.75): 40 -> 48 B; level 2: 56 -> 64 B; ... the mean is a little above 48.
    assert 48 < C.skiplist_node_expected() < 64


@pytest.mark.parametrize("typ,enc,make", [
    ("hash", "listpack", lambda n: _pairs(n)),
    ("hash", "hashtable", lambda n: _pairs(n)),
    ("set", "intset", lambda n: [str(i * 1000).encode() for i in range(n)]),
    ("set", "hashtable", lambda n: [b"m%d" % i for i in range(n)]),
    ("zset", "listpack", lambda n: [(b"m%d" % i, i / 3) for i in range(n)]),
    ("zset", "skiplist", lambda n: [(b"m%d" % i, i / 3) for i in range(n)]),
    ("list", "quicklist", lambda n: [b"e%d" % i for i in range(n)]),
])
def test_steady_memory_monotone_in_n(typ: str, enc: str, make: object) -> None:
    prev = 0
    for n in range(0, 700, 7):
        m = C.value_memory(typ, enc, make(n), steady=True)  # type: ignore[operator]
        assert m >= prev, (typ, enc, n)
        prev = m


def test_compact_is_smaller_than_table() -> None:
    pairs = _pairs(100)
    assert C.value_memory("hash", "listpack", pairs) * 3 < C.value_memory("hash", "hashtable",
                                                                          pairs)


def test_step_counts_follow_complexity() -> None:
    lp = [C.op_cost("hget", "listpack", n).steps for n in (8, 64, 512)]
    ht = [C.op_cost("hget", "hashtable", n).steps for n in (8, 64, 512)]
    sk = [C.op_cost("zadd", "skiplist", n).steps for n in (8, 64, 512, 4096)]
    assert lp[0] < lp[1] < lp[2] and lp[2] / lp[1] > 6  # linear
    assert ht[0] == ht[1] == ht[2]  # constant
    assert sk[0] < sk[1] < sk[2] < sk[3] and sk[3] / sk[2] < 2  # logarithmic
    assert C.op_cost("sismember", "intset", 1024).big_o == "O(log n)"
    assert C.op_cost("sadd", "intset", 1024, blob_bytes=2048).steps > \
        C.op_cost("sismember", "intset", 1024).steps
    mid = C.op_cost("lindex", "quicklist", 10000, position=5000, node_entries=100).steps
    end = C.op_cost("lindex", "quicklist", 10000, position=3, node_entries=100).steps
    assert mid > 1.5 * end and C.op_cost("rpush", "quicklist", 10000).steps == 1
    assert C.op_cost("hget", "listpack", 100).redis_fn == "lpFind"


def test_predict_encoding_rules() -> None:
    cfg = {"hash-max-listpack-entries": 128, "hash-max-listpack-value": 64,
           "zset-max-listpack-entries": 128, "zset-max-listpack-value": 64,
           "set-max-intset-entries": 512}
    assert C.predict_encoding("hash", 128, 64, False, cfg) == "listpack"
    assert C.predict_encoding("hash", 129, 1, False, cfg) == "hashtable"
    assert C.predict_encoding("hash", 1, 65, False, cfg) == "hashtable"
    assert C.predict_encoding("zset", 129, 1, False, cfg) == "skiplist"
    assert C.predict_encoding("set", 512, 3, True, cfg) == "intset"
    assert C.predict_encoding("set", 3, 3, False, cfg) == "hashtable"


def test_list_index_seeks_from_the_nearer_end_of_node_and_list() -> None:
    # Observed on 7.0.15 (Lua loop, 3000 elements of 10 bytes, ~818 per node): LINDEX 400
    # (middle of the first node) is ~5x LINDEX 1500 (near the end of the second node).
    per = 818.0
    mid = C.op_cost("lindex", "quicklist", 3000, position=400, node_entries=per).steps
    edge = C.op_cost("lindex", "quicklist", 3000, position=1500, node_entries=per).steps
    head = C.op_cost("lindex", "quicklist", 3000, position=0, node_entries=per).steps
    tail = C.op_cost("lindex", "quicklist", 3000, position=2999, node_entries=per).steps
    assert mid > 2 * edge and head == tail < 5
