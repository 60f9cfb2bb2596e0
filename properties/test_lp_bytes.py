"""The listpack byte count a hash or zset value carries from write to write (``lpBytes``).

Redis keeps a listpack's total size in its header and MEMORY USAGE reads it (O(1)); the spec's
hash and zset values carry the same total (``HashValue.lp_bytes``, ``ZSet.lp_bytes``): each
write adds and takes off only the entries it changes, so a write into a 120-entry listpack
sizes two or three entries instead of 240 (issue 21). The memory model's own invariant
(incremental ``used_memory`` = recomputed) cannot see a wrong carried count, because the
recomputation reads the same memoised figure; this property compares the carried count with
one computed from scratch after every write, over random write sequences drawn from small
pools (fields that repeat, values whose entry sizes straddle the integer/string encodings),
and each carrying rule has a planted bug that the property must catch.

Property ``lp_bytes_carried``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.properties.test_mutation_gaps import plant
from redspec.spec import server as S
from redspec.spec.listpack import lp_entry_size
from redspec.spec.rdbcodec import d2string
from redspec.spec.types import hash as H
from redspec.spec.types import zset as Z

NAME = "lp_bytes_carried"

_FIELDS = st.sampled_from([b"f", b"g", b"h", b"127", b"-1", b"x" * 63, b"y" * 64])
_VALUES = st.sampled_from([b"", b"0", b"127", b"128", b"4095", b"-4097", b"v", b"w" * 70,
                           b"12345678901234567890", b"1.5"])
_SCORES = st.sampled_from([0.0, -0.0, 1.0, 0.1, 127.0, 128.0, -4096.0, 1e16, 2.5,
                           float("inf")])

_HASH_OP = st.one_of(
    st.tuples(st.just("set"), _FIELDS, _VALUES),
    st.tuples(st.just("set_many"), st.lists(st.tuples(_FIELDS, _VALUES), min_size=1,
                                            max_size=4)),
    st.tuples(st.just("delete"), _FIELDS),
    st.tuples(st.just("delete_many"), st.lists(_FIELDS, min_size=1, max_size=3)),
)
_ZSET_OP = st.one_of(
    st.tuples(st.just("add"), _FIELDS, _SCORES),
    st.tuples(st.just("remove"), _FIELDS),
)


def _fresh_hash(v: H.HashValue) -> int:
    """The listpack bytes of ``v`` computed from its entries alone."""
    return sum(lp_entry_size(x) for kv in v.fields.items() for x in kv)


def _fresh_zset(v: Z.ZSet) -> int:
    """The listpack bytes of ``v`` computed from its entries alone (scores by ``d2string``)."""
    return sum(lp_entry_size(m) + lp_entry_size(d2string(s)) for m, s in v.scores.items())


def check_hash(ops: list[Any]) -> None:
    """After each write, a listpack hash's carried count equals the count from scratch."""
    v = H.EMPTY
    for op in ops:
        if op[0] == "set":
            v = v.set(op[1], op[2], 512, 64)[0]
        elif op[0] == "set_many":
            v = v.set_many([x for p in op[1] for x in p], 0, 512, 64)[0]
        elif op[0] == "delete":
            v = v.delete(op[1])
        else:
            v = v.delete_many(op[1])[0]
        if v.order is not None:
            assert v.lp_bytes() == _fresh_hash(v), (NAME, op, v)


def check_zset(ops: list[Any]) -> None:
    """After each write, a listpack zset's carried count equals the count from scratch."""
    v = Z.EMPTY
    for op in ops:
        if op[0] == "add":
            old = v.score(op[1])
            if old is None:
                v = v.insert(op[1], op[2], 128, 64)
            else:
                v = v.update(op[1], old, op[2])
        elif op[1] in v:
            v = v.remove(op[1])
        if v.listpack:
            assert v.lp_bytes() == _fresh_zset(v), (NAME, op, v)


def _usage(cmds: list[list[bytes]], key: bytes) -> int:
    """MEMORY USAGE of ``key`` after ``cmds`` on a fresh server."""
    st = S.new_server(0)
    st, c = S.client_connect(st, 0)
    for a in cmds:
        st, _ = S.run_command(st, c, a, 0)
    st, out = S.run_command(st, c, [b"MEMORY", b"USAGE", key], 0)
    return int(out[1:-2])


def check_values_made_whole() -> None:
    """Values not written entry by entry compute their count (the ``-1`` they start from):
    a hash RESTOREd from its DUMP (``spec.rdb``) and a zset after ZREMRANGEBYRANK (rebuilt
    from what stays, or trimmed) have the MEMORY USAGE of the same entries written by
    HSET/ZADD, as in Redis, whose listpack bytes are the entries' whatever made them."""
    hset = [b"HSET", b"h", b"f1", b"v1", b"f2", b"12345", b"f3", b"x" * 40]
    st = S.new_server(0)
    st, c = S.client_connect(st, 0)
    st, _ = S.run_command(st, c, hset, 0)
    st, dump = S.run_command(st, c, [b"DUMP", b"h"], 0)
    payload = dump.split(b"\r\n", 1)[1][:-2]
    restored = _usage([[b"RESTORE", b"h", b"0", payload]], b"h")
    assert restored == _usage([hset], b"h"), (NAME, "restored hash", restored)
    members = [b"ZADD", b"z"] + [x for i in range(12) for x in (b"%d.5" % i, b"member%d" % i)]
    rest = [b"ZADD", b"z"] + [x for i in range(9, 12) for x in (b"%d.5" % i, b"member%d" % i)]
    for lo, hi in ((b"0", b"8"), (b"0", b"0")):  # most removed (a rebuild), one removed
        got = _usage([members, [b"ZREMRANGEBYRANK", b"z", lo, hi]], b"z")
        if hi == b"8":
            assert got == _usage([rest], b"z"), (NAME, "zset rebuilt", got)
        else:
            one = [b"ZADD", b"z"] + members[4:]
            assert got == _usage([one], b"z"), (NAME, "zset trimmed", got)


def test_values_made_whole() -> None:
    check_values_made_whole()


def test_planted_hash_default_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: a value made whole claims 0 bytes (its ``lpb`` default 0, not -1)."""
    monkeypatch.setattr(H.HashValue.__init__, "__defaults__", (None, 0))
    with pytest.raises(AssertionError, match=NAME):
        check_values_made_whole()


def test_planted_zset_default_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Z.ZSet.__init__, "__defaults__", (None, 0))
    with pytest.raises(AssertionError, match=NAME):
        check_values_made_whole()


_SETTINGS = settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.lists(_HASH_OP, max_size=25))
def test_hash_lp_bytes_carried(ops: list[Any]) -> None:
    check_hash(ops)


@_SETTINGS
@given(st.lists(_ZSET_OP, max_size=25))
def test_zset_lp_bytes_carried(ops: list[Any]) -> None:
    check_zset(ops)


def test_carried_from_the_empty_value() -> None:
    """The chain carries from the first write on (the empty values know their 0 bytes), so
    no write after it sizes the whole listpack."""
    v = H.EMPTY.set(b"f", b"v", 512, 64)[0]
    assert v._lpb == lp_entry_size(b"f") + lp_entry_size(b"v")
    z = Z.EMPTY.insert(b"m", 0.5, 128, 64)
    assert z._lpb == lp_entry_size(b"m") + lp_entry_size(b"0.5")


# -- planted bugs: each carrying rule broken once ---------------------------------------------

_HASH_PLANTS = [
    ("set", "lpb += lp_entry_size(field) + lp_entry_size(value)", "lpb += lp_entry_size(value)"),
    ("set", "lpb += lp_entry_size(value) - lp_entry_size(fields[field])",
     "lpb += lp_entry_size(value)"),
    ("set_many", "lpb += lp_entry_size(x) - lp_entry_size(fm[f])", "lpb += 0"),
    ("set_many", "lpb += lp_entry_size(f) + lp_entry_size(x)", "lpb += lp_entry_size(x)"),
    ("delete", "lpb -= lp_entry_size(field) + lp_entry_size(fields[field])",
     "lpb -= lp_entry_size(field)"),
    ("delete_many", "lpb -= lp_entry_size(f) + lp_entry_size(fm[f])", "lpb -= 0"),
]

_ZSET_PLANTS = [
    ("insert", "lpb += _lp_pair(member, score)", "lpb += lp_entry_size(member)"),
    ("update", "lpb += _lp_score(score) - _lp_score(old)", "lpb += 0"),
    ("remove", "lpb -= _lp_pair(member, s)", "lpb -= lp_entry_size(member)"),
]


def _trips(check: Any, ops: list[Any]) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check(ops)


@pytest.mark.parametrize(("func", "old", "new"), _HASH_PLANTS)
def test_planted_hash(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    plant(monkeypatch, H.HashValue, func, old, new)
    ops: list[Any] = [("set", b"f", b"v"), ("set", b"f", b"w" * 60), ("set_many", [(b"g", b"1"),
                      (b"g", b"w" * 60), (b"h", b"2")]), ("delete", b"f"),
                      ("delete_many", [b"g", b"h"]), ("set", b"f", b"v")]
    _trips(check_hash, ops)


@pytest.mark.parametrize(("func", "old", "new"), _ZSET_PLANTS)
def test_planted_zset(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    plant(monkeypatch, Z.ZSet, func, old, new)
    ops: list[Any] = [("add", b"m", 0.1), ("add", b"n", 1.0), ("add", b"m", 1e16),
                      ("remove", b"n"), ("add", b"n", 2.5)]
    _trips(check_zset, ops)
