"""Unit tests: the dicts hashtable-encoded sets, hashes and sorted sets carry
(``spec.types.valuedict``): created on conversion (presized as 7.0.15 does), kept by every add
and removal, shrunk after deletions, and read by SSCAN/HSCAN/ZSCAN and DEBUG HTSTATS-KEY
without a rebuild."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec import dict as D
from redspec.spec.server import client_connect, new_server, run_command
from redspec.spec.types import valuedict as vd
from redspec.spec.types.hash import EMPTY as HASH_EMPTY
from redspec.spec.types.set import EMPTY_HASHTABLE, EMPTY_INTSET, SetValue, of
from redspec.spec.types.zset import EMPTY as ZSET_EMPTY

SEED = D.DictState.from_seed(9).seed
NOW = 1_700_000_000_000


def ints(n: int) -> list[bytes]:
    return [b"%d" % i for i in range(n)]


def test_set_converted_by_size_is_presized() -> None:
    """``setTypeConvert`` after the intset grew past the limit: ``dictExpand(len)`` (5 ->
    8 buckets at once, no rehashing), the new integer included."""
    v = EMPTY_INTSET.add(ints(4), 4, SEED)[0]
    assert v.intset and v.ht is None
    w = v.add_one(b"4", 4, SEED)
    assert w is not None and not w.intset and w.ht is not None
    assert (w.ht.exp0, w.ht.rehashidx, len(w.ht)) == (3, -1, 5)
    assert vd.same_keys(w.ht, ints(5))


def test_set_converted_by_string_member() -> None:
    """A non-integer member: presized to the intset (3 -> 4 buckets), then ``dictAdd``."""
    v = EMPTY_INTSET.add(ints(3), 512, SEED)[0]
    w, added = v.add([b"x", b"y"], 512, SEED)
    assert added == 2 and w.ht is not None
    assert vd.same_keys(w.ht, ints(3) + [b"x", b"y"])
    assert w.ht.exp0 == 2 and w.ht.exp1 == 3  # the 5th member grew it: rehashing 4 -> 8


def test_set_remove_shrinks() -> None:
    """SREM's ``htNeedsResize`` -> ``dictResize`` once under 10% full."""
    names = [b"m%d" % i for i in range(40)]
    v = EMPTY_HASHTABLE.add(names, 512, SEED)[0]
    assert v.ht is not None and max(v.ht.exp0, v.ht.exp1) == 6
    w, removed = v.remove(names[:36], SEED)
    assert removed == 36 and w.ht is not None
    # the first removal leaving 6 (< 10% of 64) started a shrink to 8 buckets
    assert 3 in (w.ht.exp0, w.ht.exp1)
    assert vd.same_keys(w.ht, names[36:])


def test_no_seed_means_untracked() -> None:
    """A path that passes no seed drops the dict rather than keeping a stale one."""
    v = EMPTY_HASHTABLE.add([b"a", b"b"], 512, SEED)[0]
    assert v.ht is not None
    w = v.add_one(b"c", 512)
    assert w is not None and w.ht is None
    assert of([b"a"], False).ht is None


def test_hash_conversions() -> None:
    """``hashTypeConvertListpack`` presizes to the length: by count (5 -> 8 buckets) and by a
    long value (3 -> 4, then the new field)."""
    h = HASH_EMPTY.set_many([b"a", b"1", b"b", b"2", b"c", b"3", b"d", b"4"], 0, 4, 64, SEED)[0]
    assert h.ht is None
    h2, new = h.set(b"e", b"5", 4, 64, SEED)
    assert new and h2.ht is not None and (h2.ht.exp0, h2.ht.rehashidx) == (3, -1)
    h3 = HASH_EMPTY.set_many([b"a", b"1", b"b", b"2", b"c", b"3"], 0, 128, 64, SEED)[0]
    h4, _ = h3.set(b"d", b"v" * 70, 128, 64, SEED)
    assert h4.ht is not None and (h4.ht.exp0, h4.ht.rehashidx, len(h4.ht)) == (2, -1, 4)
    # HSET of many fields converting mid-way: the remaining fields go through the dict.
    h5, created = HASH_EMPTY.set_many([x for i in range(10) for x in (b"f%d" % i, b"v")],
                                      0, 4, 64, SEED)
    assert created == 10 and h5.ht is not None
    assert vd.same_keys(h5.ht, [b"f%d" % i for i in range(10)])
    h6, deleted = h5.delete_many([b"f%d" % i for i in range(9)], SEED)
    assert deleted == 9 and h6.ht is not None and vd.same_keys(h6.ht, [b"f9"])


def test_zset_conversion_not_presized() -> None:
    """``zsetConvert`` creates the dict without presizing: 4 members fill 4 buckets, the 5th
    starts a rehash to 8 (as DEBUG HTSTATS-KEY on 7.0.15 shows)."""
    z = ZSET_EMPTY
    for i, m in enumerate([b"a", b"b", b"c", b"d", b"e"]):
        z = z.insert(m, float(i), 4, 64, SEED)
    assert z.ht is not None and (z.ht.exp0, z.ht.exp1) == (2, 3) and z.ht.rehashidx != -1
    z2 = z.update(b"a", 0.0, 9.0, SEED)  # dictFind's rehash step
    assert z2.ht is not None and z2.ht != z.ht
    z3 = z2.remove_ranks(0, 4, SEED)
    assert z3.ht is not None and vd.same_keys(z3.ht, list(z3.scores))


def _server() -> tuple[Any, int]:
    st, cid = client_connect(new_server(NOW, seed=3), NOW)
    return st, cid


def test_scan_reads_the_values_own_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    """SSCAN/HSCAN/ZSCAN and HTSTATS-KEY of tracked values build no dict."""
    st, cid = _server()
    for argv in ([b"SADD", b"s"] + [b"m%d" % i for i in range(20)],
                 [b"HSET", b"h"] + [x for i in range(600) for x in (b"f%d" % i, b"v")],
                 [b"ZADD", b"z"] + [x for i in range(200) for x in (b"%d" % i, b"m%d" % i)],
                 [b"CONFIG", b"SET", b"enable-debug-command", b"yes"]):
        st, _ = run_command(st, cid, argv, NOW)

    def boom(*a: Any, **k: Any) -> Any:
        raise AssertionError("rebuilt a value dict")

    monkeypatch.setattr(vd, "convert", boom)
    for argv in ([b"SSCAN", b"s", b"0", b"COUNT", b"1000"],
                 [b"HSCAN", b"h", b"0", b"COUNT", b"1000"],
                 [b"ZSCAN", b"z", b"0", b"COUNT", b"1000"]):
        st, frame = run_command(st, cid, argv, NOW)
        assert frame.startswith(b"*2\r\n$1\r\n0\r\n"), frame[:40]
    for key in (b"s", b"h", b"z"):
        v = st.dbs[0].keys[key]
        assert v.ht is not None


def test_sadd_srem_keep_the_dict_in_state() -> None:
    """Through commands: the stored value's dict mirrors its members."""
    st, cid = _server()
    st, _ = run_command(st, cid, [b"SADD", b"s", b"1", b"2"], NOW)
    st, _ = run_command(st, cid, [b"SADD", b"s", b"x"], NOW)
    st, _ = run_command(st, cid, [b"SREM", b"s", b"1"], NOW)
    v = st.dbs[0].keys[b"s"]
    assert type(v) is SetValue and v.ht is not None
    assert vd.same_keys(v.ht, [b"2", b"x"])
