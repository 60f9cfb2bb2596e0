"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
collection modules (issue #22, ``tools/mutation.py``): ``spec/types/valuedict.py``,
``spec/types/list.py``, ``spec/types/set.py``, ``spec/types/hash.py``,
``spec/commands/lists.py``, ``spec/commands/sets.py``, ``spec/commands/hashes.py`` and
``spec/commands/scan.py``. In the pattern of ``properties/test_boundary_gaps.py``: each check
puts a Redis rule exactly on its boundary, and each has a planted-bug test whose planted bug
*is* the surviving mutant.

Property ``boundary_colls_agree_with_redis``. Observed on redis-server 7.0.15 (DEBUG
HTSTATS-KEY prints the size and the entries of each table of a value's dict; a rehash step
moves at least one non-empty bucket, so the entries of table 0 drop whatever the hash seed):

- SADD of a member already in a hashtable set whose dict is full (4 members in 4 buckets, not
  rehashing) grows the dict: table 1 of 8 buckets appears, empty (``dictAddRaw`` →
  ``_dictKeyIndex`` → ``_dictExpandIfNeeded`` before it finds the member); SADD of a present
  member while the dict rehashes moves a bucket (table 0: 4 entries, then 3);
- SISMEMBER / SMISMEMBER / HGET / HMGET take one rehash step per ``dictFind``; ZADD of a new
  score for a present member of a skiplist takes one (``zsetAdd``'s ``dictFind``).

The expected dicts are computed here with ``dictRehash(d, 1)`` of :mod:`redspec.spec.dict`
directly, never through the helper under test (a check that computed its expectation with
``find_steps`` would pass with ``find_steps`` mutated).
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere, sized
from redspec.spec.dict import (
    EMPTY_HT,
    Dict,
    HashTables,
    dict_add,
    dict_delete,
    dict_expand,
    dict_expand_if_needed,
    dict_find,
    dict_rehash,
    dict_resize,
    needs_resize,
)

NAME = "boundary_colls_agree_with_redis"


def _stepped(ht: HashTables, seed: Any, n: int) -> HashTables:
    """``ht`` after ``n`` calls of ``dictRehash(d, 1)`` (a no-op once it is done)."""
    d = Dict(ht, seed)
    for _ in range(n):
        dict_rehash(d, 1)
    return d.freeze()


def _vht(c: Session, key: bytes) -> HashTables:
    """The dict the value at ``key`` carries (a hashtable set / hash, a skiplist zset)."""
    ht = c.state.dbs[0].keys[key].ht
    assert ht is not None, f"{NAME}: setup: {key!r} carries no dict"
    return ht  # type: ignore[no-any-return]


# -- spec/types/valuedict.py ---------------------------------------------------------------------


def check_sadd_present_member() -> None:
    """SADD of a present member: ``dictAddRaw`` takes its rehash step and runs the grow check
    before it finds the member. 4 members in 4 buckets: SADD of one of them grows the dict
    (rehash index 0, nothing moved); again: one step from bucket 0; a set of 200 members
    rehashing half-way: one step per SADD."""
    c = Session()
    c.call(b"SADD", b"s", b"a", b"b", b"c", b"d")
    full = _vht(c, b"s")
    assert full.rehashidx == -1 and full.exp0 == 2, f"{NAME}: setup: {full!r}"
    c.call(b"SADD", b"s", b"a")
    grown = _vht(c, b"s")
    d = Dict(full, c.state.dicts.seed)
    dict_expand_if_needed(d, True)
    assert grown == d.freeze() and grown.rehashidx == 0 and grown.exp1 == 3, \
        f"{NAME}: SADD of a present member into a full dict did not grow it: {grown!r}"
    c.call(b"SADD", b"s", b"b")
    assert _vht(c, b"s") == _stepped(grown, c.state.dicts.seed, 1), \
        f"{NAME}: SADD of a present member at rehash index 0: not one step"
    c = Session()
    c.call(b"SADD", b"s", *(b"member-%d" % i for i in range(200)))
    before = _vht(c, b"s")
    assert before.rehashidx > 0, f"{NAME}: setup: {before.rehashidx}"
    c.call(b"SADD", b"s", b"member-7", b"member-9")
    assert _vht(c, b"s") == _stepped(before, c.state.dicts.seed, 2), \
        f"{NAME}: SADD of two present members while rehashing: not two steps"


def _rehashing_set(n: int) -> Session:
    c = Session()
    for i in range(n):
        c.call(b"SADD", b"s", b"member-%d" % i)
    assert _vht(c, b"s").rehashidx != -1, f"{NAME}: setup: the set's dict is not rehashing"
    return c


def _rehashing(cmd: bytes, key: bytes, x: bytes, score_first: bool = False) -> Session:
    """A hash (HSET) or sorted set (ZADD), its listpack limit lowered to 16 entries, grown one
    element at a time until its dict is rehashing part-way (rehash index > 0)."""
    c = Session()
    for t in (b"hash", b"zset"):
        c.call(b"CONFIG", b"SET", t + b"-max-listpack-entries", b"16")
    for i in range(200):
        m = b"m%d" % i
        c.call(cmd, key, *((x, m) if score_first else (m, x)))
        ht = c.state.dbs[0].keys[key].ht
        if i > 16 and ht is not None and ht.rehashidx > 0:
            return c
    raise AssertionError(f"{NAME}: setup: {key!r} never rehashing")


def check_value_reads_step() -> None:
    """A read of a rehashing value's dict takes one ``_dictRehashStep`` per ``dictFind``:
    SISMEMBER one, SMISMEMBER of 3 members three, at rehash index 0 (5 members: 4 -> 8
    buckets, nothing moved) and half-way (200 members); HMGET of 2 fields of a hashtable
    hash two."""
    for n in (5, 200):
        for argv, steps in (((b"SISMEMBER", b"s", b"nope"), 1),
                            ((b"SMISMEMBER", b"s", b"x", b"member-1", b"y"), 3)):
            c = _rehashing_set(n)
            before = _vht(c, b"s")
            c.call(*argv)
            assert _vht(c, b"s") == _stepped(before, c.state.dicts.seed, steps), \
                f"{NAME}: {argv!r} on a rehashing set of {n}: not {steps} steps"
    c = _rehashing(b"HSET", b"h", b"v")
    before = _vht(c, b"h")
    c.call(b"HMGET", b"h", b"m1", b"nope")
    assert _vht(c, b"h") == _stepped(before, c.state.dicts.seed, 2), \
        f"{NAME}: HMGET of 2 fields on a rehashing hash: not 2 steps"


def check_zadd_update_step() -> None:
    """ZADD of a new score for a present member of a rehashing skiplist: ``zsetAdd``'s one
    ``dictFind`` (one rehash step), nothing added."""
    c = _rehashing(b"ZADD", b"z", b"1", score_first=True)
    before = _vht(c, b"z")
    c.call(b"ZADD", b"z", b"1000", b"m3")
    assert _vht(c, b"z") == _stepped(before, c.state.dicts.seed, 1), \
        f"{NAME}: ZADD updating a member of a rehashing skiplist: not one step"


def _hash_at_rehash_zero() -> Session:
    """A hash made a hashtable by its first field (``hash-max-listpack-entries 0``: the dict
    presized to 1, 4 buckets), then 5 fields: the 5th ``dictAdd`` grew the dict (4 -> 8
    buckets) to rehash index 0, nothing moved yet."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", b"0")
    for i in range(5):
        c.call(b"HSET", b"h", b"m%d" % i, b"v")
    ht = _vht(c, b"h")
    assert ht.rehashidx == 0, f"{NAME}: setup: rehash index {ht.rehashidx}"
    return c


def check_hset_steps() -> None:
    """HSET on a hashtable hash (``hashTypeSet``): ``dictFind`` (one rehash step), then for a
    new field ``dictAdd`` (its own step): an overwrite takes one step, a new field two, at
    rehash index 0 and part-way."""
    for setup in (_hash_at_rehash_zero, lambda: _rehashing(b"HSET", b"h", b"v")):
        for field in (b"m1", b"new"):
            c = setup()
            d = Dict(_vht(c, b"h"), c.state.dicts.seed)
            dict_rehash(d, 1)  # hashTypeSet's dictFind
            if field == b"new":
                dict_add(d, field)  # with its own step
            c.call(b"HSET", b"h", field, b"w")
            assert _vht(c, b"h") == d.freeze(), \
                f"{NAME}: HSET {field!r} on a rehashing hash: not find + add"


# -- values' sizes, spec/types/list.py, spec/types/set.py ----------------------------------------


def check_memory_usage() -> None:
    """MEMORY USAGE of each collection encoding (redis-server 7.0.15, 64-bit jemalloc): RPUSH
    l a b c 144 (quicklist), SADD 1 2 3 64 (intset), SADD a b c 232 (hashtable), HSET f v g
    w 80 (listpack) and 216 (hashtable, ``hash-max-listpack-entries 1``)."""
    c = Session()
    c.call(b"RPUSH", b"l", b"a", b"b", b"c")
    c.call(b"SADD", b"si", b"1", b"2", b"3")
    c.call(b"SADD", b"sh", b"a", b"b", b"c")
    c.call(b"HSET", b"hl", b"f", b"v", b"g", b"w")
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", b"1")
    c.call(b"HSET", b"hh", b"f", b"v", b"g", b"w")
    for key, want in ((b"l", 144), (b"si", 64), (b"sh", 232), (b"hl", 80), (b"hh", 216)):
        got = c.call(b"MEMORY", b"USAGE", key)
        assert got == b":%d\r\n" % want, f"{NAME}: MEMORY USAGE {key!r}: {got!r}, not {want}"


def _used_memory(c: Session) -> int:
    for line in c.call(b"INFO", b"memory").split(b"\r\n"):
        if line.startswith(b"used_memory:"):
            return int(line.split(b":")[1])
    raise AssertionError(f"{NAME}: setup: no used_memory")


def check_used_memory_counts_lists() -> None:
    """RPUSH of 1000 elements of 102 bytes: MEMORY USAGE 107104 (redis-server 7.0.15), and
    ``used_memory`` grew by at least that much (7.0.15: by 131944)."""
    c = Session()
    before = _used_memory(c)
    c.call(b"RPUSH", b"l", *((b"%03d" % i) * 34 for i in range(1000)))
    got = c.call(b"MEMORY", b"USAGE", b"l")
    assert got == b":107104\r\n", f"{NAME}: MEMORY USAGE of the list: {got!r}"
    grew = _used_memory(c) - before
    assert grew >= 107104, f"{NAME}: used_memory grew by {grew} for a list of 107104 bytes"


def check_linsert_every_place() -> None:
    """LINSERT BEFORE / AFTER each element of lists of 1 to 7 elements puts the new element
    exactly there, the rest in order (``listTypeInsert``), whichever side the model shifts."""
    for n in range(1, 8):
        elems = [b"e%d" % i for i in range(n)]
        for i in range(n):
            for where, at in ((b"BEFORE", i), (b"AFTER", i + 1)):
                c = Session()
                c.call(b"RPUSH", b"l", *elems)
                got = c.call(b"LINSERT", b"l", where, elems[i], b"new")
                assert got == b":%d\r\n" % (n + 1), f"{NAME}: LINSERT reply {got!r}"
                want = [*elems[:at], b"new", *elems[at:]]
                got = c.call(b"LRANGE", b"l", b"0", b"-1")
                assert got == _array(want), f"{NAME}: LINSERT {where!r} {elems[i]!r} into " \
                    f"{n}: {got!r}"


def _array(items: list[bytes]) -> bytes:
    return b"*%d\r\n" % len(items) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in items)


def _replay(seed: Any, ops: list[tuple[str, bytes]], d: Dict | None = None) -> HashTables:
    """A value's dict rebuilt with :mod:`redspec.spec.dict`'s own operations: ``add``
    (``dictAdd``), ``del`` (``dictDelete``, then ``htNeedsResize`` -> ``dictResize``),
    ``expand`` (``dictExpand`` to the given size)."""
    d = Dict(EMPTY_HT, seed) if d is None else d
    for op, key in ops:
        if op == "add":
            dict_add(d, key)
        elif op == "find":
            dict_find(d, key)
        elif op == "expand":
            dict_expand(d, int(key))
        elif dict_delete(d, key) and needs_resize(d):
            dict_resize(d)
    return d.freeze()


def check_set_dict_followed() -> None:
    """A hashtable set's dict follows every SADD and SREM as Redis's does: ``dictAdd`` per new
    member, ``dictDelete`` (found or not) then the shrink check; an intset converted by a
    non-integer (``setTypeConvert``: ``dictExpand`` to the intset's length, its members in
    ascending order) then ``dictAdd`` of that member — by one SADD of it alone, and by one
    SADD of integers then a non-integer."""
    c = Session()
    seed = c.state.dicts.seed
    ops: list[tuple[str, bytes]] = []
    for argv, more in (((b"a", b"b", b"c", b"d"), [("add", b"a"), ("add", b"b"), ("add", b"c"),
                                                  ("add", b"d")]),
                       ((b"e",), [("add", b"e")]), ((b"f", b"g"), [("add", b"f"), ("add", b"g")])):
        c.call(b"SADD", b"s", *argv)
        ops += more
        assert _vht(c, b"s") == _replay(seed, ops), f"{NAME}: SADD s {argv!r}: the dict"
    for argv, more in (((b"a",), [("del", b"a")]), ((b"b", b"nope"), [("del", b"b"),
                                                                     ("del", b"nope")])):
        c.call(b"SREM", b"s", *argv)
        ops += more
        assert _vht(c, b"s") == _replay(seed, ops), f"{NAME}: SREM s {argv!r}: the dict"
    want = _replay(seed, [("expand", b"2"), ("add", b"1"), ("add", b"2"), ("add", b"x")])
    for argvs in (((b"1", b"2"), (b"x",)), ((b"2", b"1", b"x"),)):
        c = Session()
        for argv in argvs:
            c.call(b"SADD", b"t", *argv)
        assert _vht(c, b"t") == want, f"{NAME}: intset {argvs!r} converted: the dict"


def check_srem_missing_steps() -> None:
    """SREM of two members neither of which is there, on a rehashing set: each
    ``dictDelete`` takes its rehash step (redis-server 7.0.15: DEBUG HTSTATS-KEY shows the
    buckets moved), nothing removed, reply 0."""
    for n in (5, 200):
        c = _rehashing_set(n)
        before = _vht(c, b"s")
        got = c.call(b"SREM", b"s", b"x", b"y")
        assert got == b":0\r\n", f"{NAME}: SREM of missing members: {got!r}"
        assert _vht(c, b"s") == _stepped(before, c.state.dicts.seed, 2), \
            f"{NAME}: SREM of 2 missing members on a rehashing set of {n}: not 2 steps"


def check_set_removal_keeps_draws() -> None:
    """After SREM of several members (the first, a middle one, the last), SRANDMEMBER with a
    negative count draws only members still there, and each of them (a uniform draw over
    the set, ``setTypeRandomElement``); after SINTERSTORE / SUNIONSTORE of integers (an
    intset built whole) likewise."""
    try:
        c = Session()
        c.call(b"SADD", b"s", *(b"m%d" % i for i in range(8)))
        c.call(b"SREM", b"s", b"m0", b"m4", b"nope")
        c.call(b"SREM", b"s", b"m7", b"m3")
        c.call(b"SADD", b"i1", b"1", b"2", b"3", b"4")
        c.call(b"SADD", b"i2", b"2", b"3", b"4", b"5")
        c.call(b"SINTERSTORE", b"si", b"i1", b"i2")
        c.call(b"SUNIONSTORE", b"su", b"i1", b"i2")
        for key, left in ((b"s", {b"m1", b"m2", b"m5", b"m6"}), (b"si", {b"2", b"3", b"4"}),
                          (b"su", {b"1", b"2", b"3", b"4", b"5"})):
            got = c.call(b"SRANDMEMBER", key, b"-200")
            drawn = set(got.split(b"\r\n")[2::2])
            assert drawn == left, f"{NAME}: SRANDMEMBER {key!r} -200 drew {sorted(drawn)}"
    except AssertionError:
        raise
    except Exception as e:  # a broken value (a slot out of range) is a failed check too
        raise AssertionError(f"{NAME}: {e!r}") from e


# -- spec/types/hash.py -------------------------------------------------------------------------

_LP_FIELDS = [b"z", b"a", b"m", b"b", b"y", b"c", b"x", b"d"]


def check_listpack_hash_order() -> None:
    """A listpack hash iterates in insertion order (redis-server 7.0.15: HSET z 1 a 2 m 3 b 4
    y 5 c 6 x 7 d 8, HKEYS z a m b y c x d, HVALS 1 .. 8), HGETALL likewise."""
    c = Session()
    c.call(b"HSET", b"h", *(x for i, f in enumerate(_LP_FIELDS) for x in (f, b"%d" % (i + 1))))
    vals = [b"%d" % (i + 1) for i in range(len(_LP_FIELDS))]
    assert list(c.state.dbs[0].keys[b"h"].fields.values()) != vals, \
        f"{NAME}: setup: the map's own order is the insertion order"
    for cmd, want in ((b"HKEYS", _LP_FIELDS), (b"HVALS", vals),
                      (b"HGETALL", [x for p in zip(_LP_FIELDS, vals, strict=True) for x in p])):
        got = c.call(cmd, b"h")
        assert got == _array(want), f"{NAME}: {cmd!r} of a listpack hash: {got!r}"


def check_hrandfield_pick() -> None:
    """HRANDFIELD without a count picks the pair at ``rand() % size`` in the hash's order
    (``lpRandomPair`` on a listpack); a count of 1 is the same pick (CASE 1), and a negative
    count is that many independent picks in draw order (``lpRandomPairs`` keeps it): from
    the same random state, HRANDFIELD twice names the fields HRANDFIELD -2 answers, for a
    listpack and a hashtable, of 8 fields and of 2."""
    for limit in (b"512", b"1"):
        for fields in (_LP_FIELDS, _LP_FIELDS[:2]):
            a, b = Session(), Session()
            for c in (a, b):
                c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", limit)
                c.call(b"HSET", b"h", *(x for f in fields for x in (f, f)))
            for _ in range(12):
                start = a.state
                one, two = a.call(b"HRANDFIELD", b"h"), a.call(b"HRANDFIELD", b"h")
                b.state = start
                got = b.call(b"HRANDFIELD", b"h", b"-2")
                assert got == b"*2\r\n" + one + two, \
                    f"{NAME}: HRANDFIELD twice {one!r} {two!r}, HRANDFIELD -2 {got!r}"
                b.state = start
                got = b.call(b"HRANDFIELD", b"h", b"1")
                assert got == b"*1\r\n" + one, \
                    f"{NAME}: HRANDFIELD {one!r}, HRANDFIELD 1 {got!r} from the same state"


def check_hrandfield_unique() -> None:
    """HRANDFIELD with a count covering the hash answers it whole in its order and draws
    nothing (CASE 2: no ``rand()``); a smaller positive count is ``count`` distinct fields,
    each field as likely as any other (2 of 8, 400 times: every field 60 to 140 times)."""
    c = Session()
    c.call(b"HSET", b"h", *(x for f in _LP_FIELDS for x in (f, f)))
    for n in (b"8", b"9"):
        rng = c.state.rng
        got = c.call(b"HRANDFIELD", b"h", n)
        assert got == _array(_LP_FIELDS) and c.state.rng == rng, \
            f"{NAME}: HRANDFIELD h {n!r}: {got!r}, the PRNG moved: {c.state.rng != rng}"
    seen = dict.fromkeys(_LP_FIELDS, 0)
    for _ in range(400):
        got = c.call(b"HRANDFIELD", b"h", b"2").split(b"\r\n")[2::2]
        assert len(set(got)) == 2, f"{NAME}: HRANDFIELD h 2: {got!r}"
        for f in got:
            seen[f] += 1
    assert all(60 <= n <= 140 for n in seen.values()), f"{NAME}: HRANDFIELD h 2 drew {seen}"


def check_hrandfield_draw_per_pick() -> None:
    """HRANDFIELD with a negative count draws once per pick (7.0.15's CASE 1:
    ``lpRandomPairs`` calls ``rand()`` for each of the ``count`` picks), a hash of one field
    too: -5 answers that field 5 times and moves the PRNG by 5 draws."""
    from redspec.spec.step import Step
    c = Session()
    c.call(b"HSET", b"h", b"f", b"v")
    st = Step(c.state, c.now, c.cid)
    for _ in range(5):
        st.random()
    got = c.call(b"HRANDFIELD", b"h", b"-5")
    assert got == _array([b"f"] * 5), f"{NAME}: HRANDFIELD h -5: {got!r}"
    assert c.state.rng == st.rng, f"{NAME}: HRANDFIELD -5 of a one-field hash: not 5 draws"


def check_hrandfield_ranges() -> None:
    """HRANDFIELD's count range (redis-server 7.0.15): -LONG_MAX accepted (missing key: empty
    array), -LONG_MAX-1 "value is out of range, value must between ..."; WITHVALUES
    +-(LONG_MAX/2) accepted, one beyond "ERR value is out of range"; WITHVALUES is read as a
    C string (a NUL and what follows are ignored)."""
    c = Session()
    c.call(b"HSET", b"h", b"f", b"v")
    wide = b"-ERR value is out of range, value must between -9223372036854775807 and " \
           b"9223372036854775807\r\n"
    for argv, want in (((b"nokey", b"-9223372036854775807"), b"*0\r\n"),
                       ((b"nokey", b"-9223372036854775808"), wide),
                       ((b"nokey", b"-4611686018427387903", b"WITHVALUES"), b"*0\r\n"),
                       ((b"nokey", b"-4611686018427387904", b"WITHVALUES"),
                        b"-ERR value is out of range\r\n"),
                       ((b"nokey", b"4611686018427387903", b"WITHVALUES"), b"*0\r\n"),
                       ((b"nokey", b"4611686018427387904", b"WITHVALUES"),
                        b"-ERR value is out of range\r\n"),
                       ((b"h", b"1", b"WITHVALUES\x00x"), _array([b"f", b"v"]))):
        got = c.call(b"HRANDFIELD", *argv)
        assert got == want, f"{NAME}: HRANDFIELD {argv!r}: {got!r}"


def check_hash_dict_followed() -> None:
    """A hash converted inside one HSET (``hash-max-listpack-entries 2``; HSET h a 1, then
    HSET h b 2 c 3 d 4): after c the listpack of a, b, c converts (``dictExpand(3)``, its
    fields in order), d goes through ``dictFind`` + ``dictAdd`` (redis-server 7.0.15: DEBUG
    HTSTATS-KEY table size 4, 4 elements); a later HSET of two new fields does the same per
    field."""
    c = Session()
    seed = c.state.dicts.seed
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", b"2")
    c.call(b"HSET", b"h", b"a", b"1")
    c.call(b"HSET", b"h", b"b", b"2", b"c", b"3", b"d", b"4")
    ops: list[tuple[str, bytes]] = [("expand", b"3"), ("add", b"a"), ("add", b"b"),
                                    ("add", b"c"), ("find", b"d"), ("add", b"d")]
    assert _vht(c, b"h") == _replay(seed, ops), f"{NAME}: HSET converting mid-way: the dict"
    c.call(b"HSET", b"h", b"e", b"5", b"f", b"6")
    ops += [("find", b"e"), ("add", b"e"), ("find", b"f"), ("add", b"f")]
    assert _vht(c, b"h") == _replay(seed, ops), f"{NAME}: HSET of two new fields: the dict"


def check_hash_deletes_followed() -> None:
    """A hashtable hash's dict follows HDEL (``hashTypeDelete``: ``dictDelete`` of each field,
    found or not, then the shrink check) and ``HashValue.delete`` of one field; without a
    hash seed a value's dict is no longer followed (None)."""
    from redspec.spec.types.hash import HashValue
    c = Session()
    seed = c.state.dicts.seed
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", b"0")
    ops: list[tuple[str, bytes]] = [("expand", b"1"), ("add", b"a")]
    c.call(b"HSET", b"h", b"a", b"1")
    for f in (b"b", b"c", b"d", b"e", b"f"):
        c.call(b"HSET", b"h", f, b"1")
        ops += [("find", f), ("add", f)]
    assert _vht(c, b"h") == _replay(seed, ops), f"{NAME}: setup: HSET's dict"
    c.call(b"HDEL", b"h", b"a", b"nope")
    ops += [("del", b"a"), ("del", b"nope")]
    assert _vht(c, b"h") == _replay(seed, ops), f"{NAME}: HDEL a nope: the dict"
    h = c.state.dbs[0].keys[b"h"]
    assert isinstance(h, HashValue)
    assert h.delete(b"b", seed).ht == _replay(seed, [*ops, ("del", b"b")]), \
        f"{NAME}: HashValue.delete: the dict"
    assert h.delete(b"b").ht is None, f"{NAME}: HashValue.delete without a seed kept a dict"


def check_restored_hash_hset() -> None:
    """HSET on a hashtable hash that RESTORE made (its dict not followed): the reply counts
    the new fields only, each field gets its own value (redis-server 7.0.15: HSET h new v a
    w new2 x -> 2, then HGET new -> v, a -> w, new2 -> x)."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-entries", b"1")
    c.call(b"HSET", b"src", b"a", b"1", b"b", b"2")
    dump = c.call(b"DUMP", b"src")
    payload = dump.split(b"\r\n", 1)[1][:-2]
    assert c.call(b"RESTORE", b"h", b"0", payload) == b"+OK\r\n", f"{NAME}: setup: RESTORE"
    got = c.call(b"HSET", b"h", b"new", b"v", b"a", b"w", b"new2", b"x")
    assert got == b":2\r\n", f"{NAME}: HSET new, old, new on a restored hash: {got!r}"
    for f, want in ((b"new", b"v"), (b"a", b"w"), (b"b", b"2"), (b"new2", b"x")):
        got = c.call(b"HGET", b"h", f)
        assert got == b"$1\r\n" + want + b"\r\n", f"{NAME}: HGET {f!r}: {got!r}"


# -- spec/commands/lists.py ---------------------------------------------------------------------


def check_list_element_limit() -> None:
    """``LIST_MAX_ITEM_SIZE`` ((1 << 32) - 1024, 7.0.15's t_list.c: ``sdslen(ele) >
    LIST_MAX_ITEM_SIZE`` is "ERR Element too large"): an element of exactly that many bytes
    passes LPUSH, RPUSHX, LINSERT, LSET, LPOS and LREM, one byte more is refused. (Not
    observable through a client without a 4 GiB argument: from the source.)"""
    LIST_MAX_ITEM_SIZE = (1 << 32) - 1024  # noqa: N806 (the C name; not the module's copy)
    too_large = b"-ERR Element too large\r\n"
    for n in (LIST_MAX_ITEM_SIZE, LIST_MAX_ITEM_SIZE + 1):
        c = Session()
        c.call(b"RPUSH", b"l", b"a", b"b")
        for argv in ((b"LPUSH", b"l", sized(n)), (b"RPUSHX", b"l", sized(n)),
                     (b"LINSERT", b"l", b"BEFORE", b"a", sized(n)),
                     (b"LSET", b"l", b"0", sized(n)), (b"LPOS", b"l", sized(n)),
                     (b"LREM", b"l", b"0", sized(n))):
            got = c.call(*argv)
            assert (got == too_large) == (n > LIST_MAX_ITEM_SIZE), \
                f"{NAME}: {argv[0]!r} with an element of {n} bytes: {got!r}"


def _info_field(c: Session, section: bytes, name: bytes) -> int:
    for line in c.call(b"INFO", section).split(b"\r\n"):
        if line.startswith(name + b":"):
            return int(line.split(b":")[1])
    raise AssertionError(f"{NAME}: setup: no {name!r}")


def check_list_lookups_and_dirty() -> None:
    """LLEN, LINDEX, LRANGE and LPOS look the key up for reading (``lookupKeyRead``: a keyspace hit,
    or a miss), LINSERT, LPOP, RPOP, LMPOP, LSET, LTRIM, LREM, LMOVE, RPOPLPUSH, RPUSHX and
    LPUSHX for writing (neither, found or not); LSET and LINSERT add 1 to the changes since the last
    save, nothing when the pivot is missing (redis-server 7.0.15)."""
    c = Session()
    c.call(b"RPUSH", b"l", b"a", b"b", b"c")
    for argv, hit, miss in (((b"LLEN", b"l"), 1, 0), ((b"LINDEX", b"l", b"0"), 1, 0),
                            ((b"LRANGE", b"l", b"0", b"-1"), 1, 0),
                            ((b"LINSERT", b"l", b"BEFORE", b"b", b"x"), 0, 0),
                            ((b"LLEN", b"no"), 0, 1), ((b"LINDEX", b"no", b"0"), 0, 1),
                            ((b"LRANGE", b"no", b"0", b"1"), 0, 1), ((b"LPOS", b"l", b"a"), 1, 0),
                            ((b"LPOS", b"no", b"a"), 0, 1)):
        h0, m0 = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
        c.call(*argv)
        h1, m1 = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
        assert (h1 - h0, m1 - m0) == (hit, miss), \
            f"{NAME}: {argv!r}: hits +{h1 - h0}, misses +{m1 - m0}"
    c.call(b"RPUSH", b"w", *(b"e%d" % i for i in range(12)))
    h0, m0 = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
    for line in (b"LPOP w", b"RPOP w", b"LPOP w 1", b"RPOP w 1", b"LMPOP 1 w LEFT",
                 b"LSET w 0 z", b"LTRIM w 0 -1", b"LREM w 0 nope", b"LMOVE w w LEFT RIGHT",
                 b"RPOPLPUSH w w", b"LPOP no", b"LPOP no 2", b"LMPOP 1 no LEFT",
                 b"RPUSHX no a", b"LPUSHX w q"):
        c.call(*line.split())
    h1, m1 = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
    assert (h1, m1) == (h0, m0), f"{NAME}: list writes counted {h1 - h0} hits, {m1 - m0} misses"
    for argv, want in (((b"LSET", b"l", b"0", b"q"), 1),
                       ((b"LINSERT", b"l", b"AFTER", b"x", b"y"), 1),
                       ((b"LINSERT", b"l", b"AFTER", b"zz", b"y"), 0)):
        d0 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
        c.call(*argv)
        d1 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
        assert d1 - d0 == want, f"{NAME}: {argv!r}: {d1 - d0} changes, not {want}"


def _call(c: Session, *argv: bytes) -> bytes:
    """``c.call``, a crash of the spec (an argument read past the end) reported as this
    property's failure."""
    try:
        return c.call(*argv)
    except Exception as e:
        raise AssertionError(f"{NAME}: {argv!r} raised {e!r}") from e


def check_lpos_defaults_and_options() -> None:
    """LPOS without RANK starts from the first match (RPUSH l a b a c a: LPOS l a 0, COUNT 2
    [0, 2], COUNT 0 [0, 2, 4]); RANK, COUNT or MAXLEN without its value is a syntax error
    (redis-server 7.0.15)."""
    c = Session()
    c.call(b"RPUSH", b"l", b"a", b"b", b"a", b"c", b"a")
    for argv, want in (((b"LPOS", b"l", b"a"), b":0\r\n"),
                       ((b"LPOS", b"l", b"a", b"COUNT", b"2"), b"*2\r\n:0\r\n:2\r\n"),
                       ((b"LPOS", b"l", b"a", b"COUNT", b"0"), b"*3\r\n:0\r\n:2\r\n:4\r\n"),
                       ((b"LPOS", b"l", b"a", b"RANK"), b"-ERR syntax error\r\n"),
                       ((b"LPOS", b"l", b"a", b"COUNT"), b"-ERR syntax error\r\n"),
                       ((b"LPOS", b"l", b"a", b"MAXLEN"), b"-ERR syntax error\r\n")):
        got = _call(c, *argv)
        assert got == want, f"{NAME}: {argv!r}: {got!r}"


def check_mpop_count_needs_value() -> None:
    """LMPOP, BLMPOP and ZMPOP: COUNT without its value, given twice, or followed by anything
    is a syntax error; the keys are those after numkeys (a string at key "1" is no key of
    LMPOP 1 l LEFT) (redis-server 7.0.15)."""
    c = Session()
    c.call(b"RPUSH", b"l", b"a", b"b")
    c.call(b"ZADD", b"z", b"1", b"m")
    for line in (b"LMPOP 1 l LEFT COUNT", b"BLMPOP 0 1 l LEFT COUNT", b"ZMPOP 1 z MIN COUNT",
                 b"LMPOP 1 l LEFT COUNT 1 COUNT 1", b"LMPOP 1 l LEFT COUNT 1 junk",
                 b"ZMPOP 1 z MIN COUNT 1 junk"):
        got = _call(c, *line.split())
        assert got == b"-ERR syntax error\r\n", f"{NAME}: {line!r}: {got!r}"
    c.call(b"SET", b"1", b"x")
    got = _call(c, b"LMPOP", b"1", b"l", b"LEFT")
    assert got == b"*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n", f"{NAME}: LMPOP 1 l LEFT: {got!r}"
    got = _call(c, b"ZMPOP", b"1", b"z", b"MIN")
    assert got.startswith(b"*2\r\n$1\r\nz\r\n"), f"{NAME}: ZMPOP 1 z MIN: {got!r}"


def check_lrem_counts() -> None:
    """LREM removes exactly ``count`` matches from the head (count > 0) or the tail (< 0),
    the rest in order (redis-server 7.0.15: on a b a c a, LREM 2 a -> 2, b c a; on b c a a b
    a, LREM -2 a -> 2, b c a b; LREM 1 b -> 1, c a b)."""
    c = Session()
    c.call(b"RPUSH", b"l", b"a", b"b", b"a", b"c", b"a")
    for argv, n, left in (((b"2", b"a"), 2, [b"b", b"c", b"a"]),
                          ((b"-2", b"a"), 2, [b"b", b"c", b"a", b"b"]),
                          ((b"1", b"b"), 1, [b"c", b"a", b"b"])):
        if argv[0] == b"-2":
            c.call(b"RPUSH", b"l", b"a", b"b", b"a")
        got = c.call(b"LREM", b"l", *argv)
        assert got == b":%d\r\n" % n, f"{NAME}: LREM l {argv!r}: {got!r}"
        got = c.call(b"LRANGE", b"l", b"0", b"-1")
        assert got == _array(left), f"{NAME}: after LREM l {argv!r}: {got!r}"


# -- spec/commands/sets.py ----------------------------------------------------------------------


def check_set_replies() -> None:
    """SISMEMBER, SMISMEMBER, SREM and SMOVE of a set onto itself answer membership
    (redis-server 7.0.15: SMOVE s s a 1, SMOVE s s zz 0; SISMEMBER 1 / 0; SMISMEMBER a q b
    1 0 1; SREM of one member 1 / 0, of two with one there 1)."""
    c = Session()
    c.call(b"SADD", b"s", b"a", b"b", b"c")
    c.call(b"SADD", b"i", b"1", b"2")
    for line, want in ((b"SMOVE s s a", b":1\r\n"), (b"SMOVE s s zz", b":0\r\n"),
                       (b"SMOVE i i 2", b":1\r\n"),
                       (b"SISMEMBER s a", b":1\r\n"), (b"SISMEMBER s q", b":0\r\n"),
                       (b"SISMEMBER i 1", b":1\r\n"), (b"SISMEMBER i 3", b":0\r\n"),
                       (b"SMISMEMBER s a q b", b"*3\r\n:1\r\n:0\r\n:1\r\n"),
                       (b"SMISMEMBER i 9 2", b"*2\r\n:0\r\n:1\r\n"),
                       (b"SREM s a", b":1\r\n"), (b"SREM s a", b":0\r\n"),
                       (b"SREM s b nope", b":1\r\n")):
        got = c.call(*line.split())
        assert got == want, f"{NAME}: {line!r}: {got!r}"


def check_set_writes_and_dirty() -> None:
    """SREM, SPOP and SMOVE look their keys up for writing: no keyspace hit or miss, found or
    not; SPOP of one member adds 1 to the changes since the last save (redis-server
    7.0.15)."""
    c = Session()
    c.call(b"SADD", b"s", *(b"m%d" % i for i in range(8)))
    h0, m0 = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
    for line in (b"SREM s m0", b"SREM s nope x", b"SPOP s", b"SPOP s 1", b"SMOVE s d m1",
                 b"SMOVE no d b", b"SREM no a", b"SPOP no", b"SPOP no 2"):
        c.call(*line.split())
    h1, m1 = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
    assert (h1, m1) == (h0, m0), f"{NAME}: set writes counted {h1 - h0} hits, {m1 - m0} misses"
    d0 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
    c.call(b"SPOP", b"s")
    d1 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
    assert d1 - d0 == 1, f"{NAME}: SPOP: {d1 - d0} changes"


def check_store_encoding_limit() -> None:
    """A STORE result of integers is an intset up to ``set-max-intset-entries`` members and a
    hashtable beyond (``setTypeAdd``: ``intsetLen > max``), a result with a non-integer a
    hashtable (redis-server 7.0.15, limit 3: SINTERSTORE of 3 integers intset, SUNIONSTORE
    of 4 hashtable, SINTERSTORE of two hashtables sharing 4 integers hashtable)."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"set-max-intset-entries", b"3")
    c.call(b"SADD", b"a", b"1", b"2", b"3", b"4")
    c.call(b"SADD", b"b", b"1", b"2", b"3")
    c.call(b"SADD", b"x", b"x", b"1")
    c.call(b"SADD", b"c", b"1", b"2", b"3", b"4", b"5")
    c.call(b"SADD", b"f", b"3")
    for line, n, enc in ((b"SINTERSTORE r a b", 3, b"intset"),
                         (b"SUNIONSTORE r b f", 3, b"intset"),
                         (b"SINTERSTORE r a c", 4, b"hashtable"),
                         (b"SUNIONSTORE r a b", 4, b"hashtable"),
                         (b"SDIFFSTORE r a x", 3, b"intset"),
                         (b"SUNIONSTORE r b x", 4, b"hashtable"),
                         (b"SINTERSTORE r x x", 2, b"hashtable")):
        got = c.call(*line.split())
        assert got == b":%d\r\n" % n, f"{NAME}: {line!r}: {got!r}"
        got = c.call(b"OBJECT", b"ENCODING", b"r")
        assert got == b"$%d\r\n%s\r\n" % (len(enc), enc), f"{NAME}: {line!r}: {got!r}"


def check_srandmember_counts() -> None:
    """SRANDMEMBER's count: -LONG_MAX is accepted (a missing key: empty array), -LONG_MAX-1
    is out of range; a count covering the set (5 of 5, 6 of 5) answers the whole set in
    iteration order (an intset: ascending, 1 2 3 4 5) (redis-server 7.0.15); a count of 1
    is a draw (CASE 1: one draw of the PRNG) even on a set of one member."""
    from redspec.spec.step import Step
    c = Session()
    for arg, want in ((b"-9223372036854775807", b"*0\r\n"),
                      (b"-9223372036854775808", b"-ERR value is out of range, value must "
                       b"between -9223372036854775807 and 9223372036854775807\r\n")):
        got = c.call(b"SRANDMEMBER", b"nokey", arg)
        assert got == want, f"{NAME}: SRANDMEMBER nokey {arg!r}: {got!r}"
    c.call(b"SADD", b"i", b"3", b"1", b"2", b"5", b"4")
    for n in (b"5", b"6"):
        got = c.call(b"SRANDMEMBER", b"i", n)
        assert got == _array([b"1", b"2", b"3", b"4", b"5"]), \
            f"{NAME}: SRANDMEMBER i {n!r}: {got!r}"
    c.call(b"SADD", b"one", b"m")
    st = Step(c.state, c.now, c.cid)
    st.random()
    c.call(b"SRANDMEMBER", b"one", b"1")
    assert c.state.rng == st.rng, f"{NAME}: SRANDMEMBER of 1 on a set of 1: not one draw"


def check_random_member_is_one_draw() -> None:
    """SRANDMEMBER and SPOP without a count: the member in slot ``random() % size`` — one
    32-bit draw of the PRNG modulo the set's size (``setTypeRandomElement``)."""
    from redspec.spec.step import Step
    c = Session()
    c.call(b"SADD", b"s", *(b"m%d" % i for i in range(7)))
    c.call(b"SADD", b"i", *(b"%d" % i for i in range(7)))
    for _ in range(6):
        for cmd, key in ((b"SRANDMEMBER", b"s"), (b"SRANDMEMBER", b"i"), (b"SPOP", b"s")):
            v = c.state.dbs[0].keys[key]
            st = Step(c.state, c.now, c.cid)
            want = v.at(st.random() % len(v))
            got = c.call(cmd, key)
            assert got == b"$%d\r\n%s\r\n" % (len(want), want) and c.state.rng == st.rng, \
                f"{NAME}: {cmd!r} {key!r}: {got!r}, not slot random() % size ({want!r})"


class _Draws:
    """A stand-in for the Step of ``_rand_below``: counts its 32-bit draws."""

    def __init__(self) -> None:
        self.n = 0

    def random(self) -> int:
        self.n += 1
        return 0x89ABCDEF


def check_rand_below_width() -> None:
    """``_rand_below(n)``: one 32-bit draw up to ``n == 2**32``, two (a 64-bit number) above
    (``randomULong`` for sizes past 32 bits; not reachable through a client: the set would
    need 2**32 members)."""
    from redspec.spec.commands.sets import _rand_below
    for n, draws in ((7, 1), (1 << 32, 1), ((1 << 32) + 1, 2), (1 << 33, 2)):
        st = _Draws()
        got = _rand_below(st, n)  # type: ignore[arg-type]
        want = 0x89ABCDEF % n if draws == 1 else ((0x89ABCDEF << 32) | 0x89ABCDEF) % n
        assert (st.n, got) == (draws, want), f"{NAME}: _rand_below({n}): {st.n} draws, {got}"


def check_set_algebra() -> None:
    """SINTERCARD counts the intersection (LIMIT stops it); SUNION and SDIFF of intsets reply
    in ascending order (their result is an intset); a STORE adds 1 to the changes since the
    last save, an empty result 1 when it deleted the destination and 0 when there was none
    (redis-server 7.0.15: a = 3 1 5, b = 2 1 9, x = x y 1: SINTERCARD 1, 1, LIMIT 2 of a a
    2; SUNION 1 2 3 5 9; SDIFF 3 5)."""
    c = Session()
    c.call(b"SADD", b"a", b"3", b"1", b"5")
    c.call(b"SADD", b"b", b"2", b"1", b"9")
    c.call(b"SADD", b"x", b"x", b"y", b"1")
    for line, want in ((b"SINTERCARD 2 a b", b":1\r\n"), (b"SINTERCARD 2 a x", b":1\r\n"),
                       (b"SINTERCARD 2 a a LIMIT 2", b":2\r\n"),
                       (b"SINTERCARD 2 a a", b":3\r\n"),
                       (b"SUNION a b", _array([b"1", b"2", b"3", b"5", b"9"])),
                       (b"SDIFF a b", _array([b"3", b"5"]))):
        got = c.call(*line.split())
        assert got == want, f"{NAME}: {line!r}: {got!r}"
    got = _call(c, b"SUNIONSTORE", b"u", b"a", b"x")
    enc = _call(c, b"OBJECT", b"ENCODING", b"u")
    assert (got, enc) == (b":5\r\n", b"$9\r\nhashtable\r\n"), \
        f"{NAME}: SUNIONSTORE of an intset and a set with strings: {got!r} {enc!r}"
    for line, n, changes in ((b"SINTERSTORE r a b", 1, 1), (b"SINTERSTORE r a nokey", 0, 1),
                             (b"SINTERSTORE r a nokey", 0, 0)):
        d0 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
        got = c.call(*line.split())
        d1 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
        assert (got, d1 - d0) == (b":%d\r\n" % n, changes), \
            f"{NAME}: {line!r}: {got!r}, {d1 - d0} changes"


def check_sdiff_algorithm_tie() -> None:
    """SDIFF picks algorithm 1 when its work estimate equals algorithm 2's (``algo_one_work
    <= algo_two_work``): with ``set-max-intset-entries 3``, f = 1 2 3 4 (a hashtable), o1 =
    1, o2 = 2: 4 * 3 / 2 == 4 + 1 + 1, so only the survivors 3 4 are added to the result,
    which stays an intset (algorithm 2 would have added all 4 first) (redis-server
    7.0.15)."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"set-max-intset-entries", b"3")
    c.call(b"SADD", b"f", b"1", b"2", b"3", b"4")
    c.call(b"SADD", b"o1", b"1")
    c.call(b"SADD", b"o2", b"2")
    got = c.call(b"SDIFFSTORE", b"r", b"f", b"o1", b"o2")
    assert got == b":2\r\n", f"{NAME}: SDIFFSTORE r f o1 o2: {got!r}"
    got = c.call(b"OBJECT", b"ENCODING", b"r")
    assert got == b"$6\r\nintset\r\n", f"{NAME}: SDIFFSTORE at the work tie: {got!r}"


def check_sintercard_args() -> None:
    """SINTERCARD 0 is "numkeys should be greater than 0", LIMIT without its value or followed
    by anything but another LIMIT a syntax error, the last LIMIT counts; SINTER of two keys is
    their intersection, SUNION's keys are its arguments (a set at key "SUNION" is none of
    them) (redis-server 7.0.15)."""
    c = Session()
    c.call(b"SADD", b"f", b"1", b"2", b"3")
    c.call(b"SADD", b"o", b"1")
    for line, want in ((b"SINTERCARD 0 a", b"-ERR numkeys should be greater than 0\r\n"),
                       (b"SINTERCARD 1 a LIMIT", b"-ERR syntax error\r\n"),
                       (b"SINTERCARD 1 f LIMIT 0 LIMIT 1", b":1\r\n"),
                       (b"SINTERCARD 1 f LIMIT 1 junk", b"-ERR syntax error\r\n"),
                       (b"SINTER f o", _array([b"1"])),
                       (b"SADD SUNION 9", b":1\r\n"), (b"SUNION o", _array([b"1"]))):
        got = _call(c, *line.split())
        assert got == want, f"{NAME}: {line!r}: {got!r}"


# -- spec/commands/hashes.py --------------------------------------------------------------------


def _hits(c: Session) -> tuple[int, int]:
    h, m = (_info_field(c, b"stats", f) for f in (b"keyspace_hits", b"keyspace_misses"))
    return h, m


def check_hash_lookups_and_dirty() -> None:
    """Hash writes (HSET, HSETNX, HDEL, HINCRBY, HINCRBYFLOAT) look their key up for writing:
    no keyspace hit or miss, found or not; reads (HGET, HMGET, HLEN, HSTRLEN, HEXISTS, HKEYS,
    HVALS, HGETALL, HRANDFIELD, HSCAN) one hit each. Changes since the last save: HSET x 1 y
    2 x 3 +3 (every pair), HSETNX of a present field 0, of a new one +1, HDEL x y nope +2,
    HINCRBY +1, HINCRBYFLOAT +1 (redis-server 7.0.15)."""
    c = Session()
    c.call(b"HSET", b"h", b"a", b"1", b"b", b"2")
    before = _hits(c)
    for line in (b"HSET h c 3", b"HSETNX h c 4", b"HSETNX h d 4", b"HDEL h nope", b"HDEL h d",
                 b"HINCRBY h a 1", b"HINCRBYFLOAT h b 1.5", b"HSET no a 1", b"HDEL nx a",
                 b"HINCRBY nx2 a 1", b"HINCRBYFLOAT nx3 a 1", b"HSETNX nx4 a 1"):
        c.call(*line.split())
    assert _hits(c) == before, f"{NAME}: hash writes counted hits/misses: {_hits(c)} {before}"
    for line in (b"HGET h a", b"HMGET h a b", b"HLEN h", b"HSTRLEN h a", b"HEXISTS h a",
                 b"HKEYS h", b"HVALS h", b"HGETALL h", b"HRANDFIELD h", b"HSCAN h 0"):
        h0 = _hits(c)
        c.call(*line.split())
        assert _hits(c) == (h0[0] + 1, h0[1]), f"{NAME}: {line!r}: not one keyspace hit"
    for line, reply, changes in ((b"HSET h x 1 y 2 x 3", b":2\r\n", 3),
                                 (b"HSETNX h x 1", b":0\r\n", 0),
                                 (b"HSETNX h z 1", b":1\r\n", 1),
                                 (b"HDEL h x y nope", b":2\r\n", 2),
                                 (b"HINCRBY h a 1", b":3\r\n", 1),
                                 (b"HINCRBYFLOAT h a 1", b"$1\r\n4\r\n", 1)):
        d0 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
        got = c.call(*line.split())
        d1 = _info_field(c, b"persistence", b"rdb_changes_since_last_save")
        assert (got, d1 - d0) == (reply, changes), \
            f"{NAME}: {line!r}: {got!r}, {d1 - d0} changes"


def check_hset_odd_arguments() -> None:
    """HSET and HMSET with a field and no value after the first pair: "wrong number of
    arguments" by the command's name (redis-server 7.0.15)."""
    c = Session()
    for cmd in (b"HSET", b"HMSET"):
        got = _call(c, cmd, b"k", b"f", b"v", b"g")
        want = b"-ERR wrong number of arguments for '%s' command\r\n" % cmd.lower()
        assert got == want, f"{NAME}: {cmd!r} k f v g: {got!r}"


def check_hdel_missing_steps() -> None:
    """HDEL of two fields neither of which is there, on a rehashing hash: each ``dictDelete``
    takes its rehash step, nothing removed, reply 0."""
    c = _rehashing(b"HSET", b"h", b"v")
    before = _vht(c, b"h")
    got = c.call(b"HDEL", b"h", b"x", b"y")
    assert got == b":0\r\n", f"{NAME}: HDEL of missing fields: {got!r}"
    assert _vht(c, b"h") == _stepped(before, c.state.dicts.seed, 2), \
        f"{NAME}: HDEL of 2 missing fields on a rehashing hash: not 2 steps"


def check_hincrby_steps() -> None:
    """HINCRBY / HINCRBYFLOAT of a present field on a rehashing hash: two rehash steps
    (``hashTypeGetValue``'s ``dictFind``, then ``hashTypeSet``'s), no other key touched
    (7.0.15's ``hincrbyCommand``)."""
    for cmd, inc in ((b"HINCRBY", b"2"), (b"HINCRBYFLOAT", b"2.5")):
        c = _rehashing(b"HSET", b"h", b"1")
        before = _vht(c, b"h")
        got = _call(c, cmd, b"h", b"m3", inc)
        assert got in (b":3\r\n", b"$3\r\n3.5\r\n"), f"{NAME}: {cmd!r}: {got!r}"
        assert _vht(c, b"h") == _stepped(before, c.state.dicts.seed, 2), \
            f"{NAME}: {cmd!r} of a present field on a rehashing hash: not 2 steps"
        assert list(c.state.dbs[0].keys) == [b"h"], f"{NAME}: {cmd!r}: other keys touched"


def check_hincrby_limits() -> None:
    """HINCRBY may reach LLONG_MAX and LLONG_MIN exactly; one more is "increment or
    decrement would overflow" (redis-server 7.0.15)."""
    c = Session()
    c.call(b"HSET", b"h", b"a", b"9223372036854775806")
    over = b"-ERR increment or decrement would overflow\r\n"
    for line, want in ((b"HINCRBY h a 1", b":9223372036854775807\r\n"), (b"HINCRBY h a 1", over),
                       (b"HINCRBY h b -9223372036854775808", b":-9223372036854775808\r\n"),
                       (b"HINCRBY h b -1", over)):
        got = c.call(*line.split())
        assert got == want, f"{NAME}: {line!r}: {got!r}"


def check_field_reads_step() -> None:
    """HGET, HEXISTS and HSTRLEN of a rehashing hash: one rehash step each
    (``hashTypeGetValue``'s ``dictFind``)."""
    for cmd in (b"HGET", b"HEXISTS", b"HSTRLEN"):
        c = _rehashing(b"HSET", b"h", b"v")
        before = _vht(c, b"h")
        _call(c, cmd, b"h", b"m3")
        assert _vht(c, b"h") == _stepped(before, c.state.dicts.seed, 1), \
            f"{NAME}: {cmd!r} on a rehashing hash: not one step"
        assert list(c.state.dbs[0].keys) == [b"h"], f"{NAME}: {cmd!r}: other keys touched"


# -- spec/commands/scan.py ----------------------------------------------------------------------


def check_scan_cursor_and_scores() -> None:
    """A cursor starting with white space is invalid, "" is 0 (redis-server 7.0.15: SCAN " 0"
    "ERR invalid cursor"); ZSCAN of a listpack prints an integral score within +-2**62 as an
    integer (-4611686018427387904, 4611686018427387904) and the next double beyond with
    ``%.17g`` (4.6116860184273889e+18)."""
    c = Session()
    for arg, want in ((b" 0", b"-ERR invalid cursor\r\n"), (b"\t1", b"-ERR invalid cursor\r\n"),
                      (b"", b"*2\r\n$1\r\n0\r\n*0\r\n")):
        got = c.call(b"SCAN", arg)
        assert got == want, f"{NAME}: SCAN {arg!r}: {got!r}"
    c.call(b"ZADD", b"z", b"-4611686018427387904", b"a", b"4611686018427387904", b"b",
           b"4611686018427388928", b"d")
    got = c.call(b"ZSCAN", b"z", b"0")
    want = _array([b"a", b"-4611686018427387904", b"b", b"4611686018427387904", b"d",
                   b"4.6116860184273889e+18"])
    assert got == b"*2\r\n$1\r\n0\r\n" + want, f"{NAME}: ZSCAN of a listpack: {got!r}"


def check_htstats_key_encodings() -> None:
    """DEBUG HTSTATS-KEY answers for a hashtable set, hash or sorted set and refuses a compact
    one (intset, listpack hash, listpack zset: "not represented using an hash table")
    (redis-server 7.0.15)."""
    c = Session(**{"enable-debug-command": "yes"})
    not_ht = b"-ERR The value stored at the specified key is not represented using an hash " \
             b"table\r\n"
    c.call(b"HSET", b"hl", b"a", b"1")
    c.call(b"ZADD", b"zl", b"1", b"a")
    c.call(b"SADD", b"si", b"1")
    c.call(b"HSET", b"hh", b"a", b"x" * 65)
    c.call(b"ZADD", b"zs", b"1", b"x" * 65)
    c.call(b"SADD", b"sh", b"a")
    for key in (b"hl", b"zl", b"si"):
        got = _call(c, b"DEBUG", b"HTSTATS-KEY", key)
        assert got == not_ht, f"{NAME}: HTSTATS-KEY {key!r}: {got!r}"
    for key in (b"hh", b"zs", b"sh"):
        got = _call(c, b"DEBUG", b"HTSTATS-KEY", key)
        assert b"table size: 4" in got and b"number of elements: 1" in got, \
            f"{NAME}: HTSTATS-KEY {key!r}: {got!r}"


def _scan_reply(cursor: int, items: list[bytes]) -> bytes:
    return b"*2\r\n$%d\r\n%d\r\n" % (len(b"%d" % cursor), cursor) + _array(items)


def check_scan_options() -> None:
    """SCAN's options (redis-server 7.0.15): COUNT 0 and MATCH without a pattern are syntax
    errors; MATCH as the last pair filters (k* of k1 k2 x: k1 k2), SSCAN too (a* of a1 a2
    b1); HSCAN of a listpack answers every field and value, cursor 0; SCAN leaves out a key
    whose time has passed (and deletes it)."""
    c = Session()
    for line in (b"SCAN 0 COUNT 0", b"SCAN 0 MATCH"):
        got = _call(c, *line.split())
        assert got == b"-ERR syntax error\r\n", f"{NAME}: {line!r}: {got!r}"
    c.call(b"MSET", b"k1", b"a", b"k2", b"b", b"x", b"c")
    got = _call(c, b"SCAN", b"0", b"MATCH", b"k*")
    assert got.split(b"\r\n")[5::2] in ([b"k1", b"k2"], [b"k2", b"k1"]), \
        f"{NAME}: SCAN 0 MATCH k*: {got!r}"
    c.call(b"SADD", b"s", b"a1", b"a2", b"b1")
    got = _call(c, b"SSCAN", b"s", b"0", b"MATCH", b"a*")
    assert sorted(got.split(b"\r\n")[5::2]) == [b"a1", b"a2"], f"{NAME}: SSCAN MATCH a*: {got!r}"
    c.call(b"HSET", b"h", b"f", b"v", b"g", b"w")
    got = _call(c, b"HSCAN", b"h", b"0")
    assert got == _scan_reply(0, [b"f", b"v", b"g", b"w"]), f"{NAME}: HSCAN listpack: {got!r}"
    c = Session()
    c.call(b"SET", b"gone", b"v", b"PXAT", b"100")
    c.call(b"SET", b"kept", b"v")
    c.now = 101
    got = _call(c, b"SCAN", b"0")
    assert got == _scan_reply(0, [b"kept"]), f"{NAME}: SCAN with an expired key: {got!r}"
    assert b"gone" not in c.state.dbs[0].keys, f"{NAME}: SCAN left the expired key"


def check_scan_budget() -> None:
    """``scanGenericCommand``'s walk: ``maxiterations = count*10; do cursor = dictScan(...)
    while (cursor && maxiterations-- && listLength(keys) < count)``: on a sparse keyspace
    (100 keys, all but 5 or 40 deleted, not yet shrunk: 128 buckets) SCAN with COUNT 1, 2, 3 stops
    at that cursor with those keys, walked here with ``dict_scan`` itself."""
    from redspec.spec.dict import dict_scan
    for kept in (5, 40):
        c = Session()
        for i in range(100):
            c.call(b"SET", b"k%d" % i, b"v")
        c.call(b"DEL", *(b"k%d" % i for i in range(kept, 100)))
        ht = c.state.dbs[0].ht
        assert (1 << ht.exp0) >= 64 and len(ht) == kept, f"{NAME}: setup: {ht.exp0} {len(ht)}"
        for count in (1, 2, 3):
            cursor, keys, left = 0, [], count * 10
            while True:
                cursor = dict_scan(ht, cursor, keys.append)
                if not cursor:
                    break
                left -= 1
                if left < 0 or len(keys) >= count:
                    break
            got = c.call(b"SCAN", b"0", b"COUNT", b"%d" % count)
            assert got == _scan_reply(cursor, keys), \
                f"{NAME}: SCAN 0 COUNT {count} ({kept} keys): {got!r}, not {cursor} {keys}"


def check_filter_pairs_and_htstats() -> None:
    """HSCAN / ZSCAN with MATCH keep each matching field with its own value / score; DEBUG
    HTSTATS of database 16 (of 16) is "ERR Out of range database" (redis-server 7.0.15)."""
    c = Session(**{"enable-debug-command": "yes"})
    c.call(b"HSET", b"h", b"f", b"v", b"g", b"w")
    c.call(b"ZADD", b"z", b"1", b"a", b"2", b"b")
    for argv, want in (((b"HSCAN", b"h", b"0", b"MATCH", b"g"), [b"g", b"w"]),
                       ((b"ZSCAN", b"z", b"0", b"MATCH", b"b"), [b"b", b"2"])):
        got = _call(c, *argv)
        assert got == _scan_reply(0, want), f"{NAME}: {argv!r}: {got!r}"
    got = _call(c, b"DEBUG", b"HTSTATS", b"16")
    assert got == b"-ERR Out of range database\r\n", f"{NAME}: DEBUG HTSTATS 16: {got!r}"
    assert b"[Dictionary HT]" in c.call(b"DEBUG", b"HTSTATS", b"15"), f"{NAME}: DEBUG HTSTATS 15"


CHECKS: list[Any] = [check_sadd_present_member, check_value_reads_step, check_zadd_update_step,
                     check_hset_steps, check_memory_usage, check_linsert_every_place,
                     check_set_dict_followed, check_set_removal_keeps_draws,
                     check_srem_missing_steps, check_used_memory_counts_lists,
                     check_listpack_hash_order, check_hrandfield_pick, check_hash_dict_followed,
                     check_hash_deletes_followed, check_restored_hash_hset,
                     check_list_element_limit, check_list_lookups_and_dirty,
                     check_lpos_defaults_and_options, check_mpop_count_needs_value,
                     check_lrem_counts, check_set_replies, check_set_writes_and_dirty,
                     check_store_encoding_limit, check_srandmember_counts,
                     check_random_member_is_one_draw, check_rand_below_width,
                     check_set_algebra, check_sdiff_algorithm_tie, check_sintercard_args,
                     check_hash_lookups_and_dirty, check_hset_odd_arguments,
                     check_hdel_missing_steps, check_hincrby_steps, check_hincrby_limits,
                     check_field_reads_step, check_scan_cursor_and_scores,
                     check_htstats_key_encodings, check_scan_options, check_scan_budget,
                     check_hrandfield_unique, check_hrandfield_ranges,
                     check_hrandfield_draw_per_pick,
                     check_filter_pairs_and_htstats]


#: Checks that call the spec with a stand-in argument (a bytes subclass claiming a length),
#: which the compiled build reads natively: they run against the interpreted spec.
_INTERPRETED = {check_list_element_limit, check_rand_below_width}


@pytest.mark.parametrize("check", [
    pytest.param(c, marks=pytest.mark.interpreted_only) if c in _INTERPRETED else c
    for c in CHECKS], ids=lambda f: f.__name__)
def test_boundary_colls(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("func,old,new,check", [
    ("add_or_find_many", "if d.rehashidx != -1:", "if d.rehashidx == -1:",
     check_sadd_present_member),
    ("add_or_find_many", "if d.rehashidx != -1:", "if d.rehashidx != -0:",
     check_sadd_present_member),
    ("add_or_find_many", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_sadd_present_member),
    ("add_or_find_many", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_sadd_present_member),
    ("add_or_find_many", "dict_expand_if_needed(d, True)", "dict_expand_if_needed(d, False)",
     check_sadd_present_member),
    ("find_steps", "if ht.rehashidx == -1 or", "if ht.rehashidx != -1 or",
     check_value_reads_step),
    ("find_steps", "if ht.rehashidx == -1 or", "if ht.rehashidx == -0 or",
     check_value_reads_step),
    ("find_steps", "if d.rehashidx == -1:", "if d.rehashidx != -1:", check_value_reads_step),
    ("find_steps", "if d.rehashidx == -1:", "if d.rehashidx == -0:", check_value_reads_step),
    ("find_steps", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_value_reads_step),
    ("find_steps", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_value_reads_step),
    ("find_step", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_zadd_update_step),
    ("find_add", "if ht.rehashidx == -1 and not new:", "if ht.rehashidx != -1 and not new:",
     check_hset_steps),
    ("find_add", "if ht.rehashidx == -1 and not new:", "if ht.rehashidx == -0 and not new:",
     check_hset_steps),
    ("find_add", "if d.rehashidx != -1 and", "if d.rehashidx == -1 and", check_hset_steps),
    ("find_add", "if d.rehashidx != -1 and", "if d.rehashidx != -0 and", check_hset_steps),
    ("find_add", "dict_rehash(d, 1)", "dict_rehash(d, 0)", check_hset_steps),
    ("find_add", "dict_rehash(d, 1)", "dict_rehash(d, 2)", check_hset_steps),
])
def test_planted_valuedict(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                           check: Any) -> None:
    from redspec.spec.types import valuedict
    plant_everywhere(monkeypatch, valuedict, func, old, new)
    _trips(check)


@pytest.mark.parametrize("cls,old,new", [
    ("list.ListValue", "self._size = -1", "self._size = -0"),
    ("set.SetValue", "self._size = -1", "self._size = -0"),
    ("hash.HashValue", "self._size = -1", "self._size = -0"),
])
def test_planted_size_memo(monkeypatch: pytest.MonkeyPatch, cls: str, old: str,
                           new: str) -> None:
    import importlib
    mod, name = cls.split(".")
    klass = getattr(importlib.import_module(f"redspec.spec.types.{mod}"), name)
    plant(monkeypatch, klass, "__init__", old, new)
    _trips(check_used_memory_counts_lists if mod == "list" else check_memory_usage)


@pytest.mark.parametrize("value", [(2 << 32) - 1024, (1 << 32) - 1025])
def test_planted_list_max_item_size(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    from redspec.spec.commands import lists
    monkeypatch.setattr(lists, "LIST_MAX_ITEM_SIZE", value)
    _trips(check_list_element_limit)


def test_planted_list_insert(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.types.list import ListValue
    plant(monkeypatch, ListValue, "insert", "for p in range(t - 1, h + offset - 1, -1):",
          "for p in range(t - 1, h + offset - 1, -2):")
    _trips(check_linsert_every_place)


@pytest.mark.parametrize("func,old,new,check", [
    ("add", "ht = self.ht if seed is not None else None",
     "ht = self.ht if seed is None else None", check_set_dict_followed),
    ("add", "if not intset and ht is not None:", "if not intset and ht is None:",
     check_sadd_present_member),
    ("add", "elif seed is not None:", "elif seed is None:", check_set_dict_followed),
    ("add", "return (self if ht is self.ht else", "return (self if ht is not self.ht else",
     check_sadd_present_member),
    ("add_one", "if not intset and seed is not None:", "if not intset and seed is None:",
     check_set_dict_followed),
    ("add_one", "if seed is not None and self.ht is not None:",
     "if seed is None and self.ht is not None:", check_set_dict_followed),
    ("remove", "if slot != last:", "if slot == last:", check_set_removal_keeps_draws),
    ("remove", "ht = None if seed is None else vd.delete_many(ht, members, seed)",
     "ht = None if seed is not None else vd.delete_many(ht, members, seed)",
     check_set_dict_followed),
    ("remove", "return (self if ht is self.ht else", "return (self if ht is not self.ht else",
     check_srem_missing_steps),
    ("remove_one", "ht = None if seed is None else vd.delete(ht, m, seed)",
     "ht = None if seed is not None else vd.delete(ht, m, seed)", check_set_dict_followed),
])
def test_planted_set_value(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                           check: Any) -> None:
    from redspec.spec.types.set import SetValue
    plant(monkeypatch, SetValue, func, old, new)
    _trips(check)


@pytest.mark.parametrize("new", ["n += 0", "n += 2"])
def test_planted_set_of(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    from redspec.spec.types import set as tset
    plant_everywhere(monkeypatch, tset, "of", "n += 1", new)
    _trips(check_set_removal_keeps_draws)


@pytest.mark.parametrize("func,old,new,check", [
    ("values", "if self.order is None:", "if self.order is not None:",
     check_listpack_hash_order),
    ("nth", "if self.order is None:", "if self.order is not None:", check_hrandfield_pick),
    ("set_many", "elif seed is not None:", "elif seed is None:", check_hash_dict_followed),
    ("set_many", "if seed is not None:\n                    lp_new",
     "if seed is None:\n                    lp_new", check_hash_dict_followed),
    ("set_many", "if f not in fm:\n                created += 1\n            fm[f] = pairs[j + 1]",
     "if f in fm:\n                created += 1\n            fm[f] = pairs[j + 1]",
     check_restored_hash_hset),
    ("set_many", "created += 1\n            fm[f] = pairs[j + 1]",
     "created += 0\n            fm[f] = pairs[j + 1]", check_restored_hash_hset),
    ("set_many", "created += 1\n            fm[f] = pairs[j + 1]",
     "created += 2\n            fm[f] = pairs[j + 1]", check_restored_hash_hset),
    ("set_many", "fm[f] = pairs[j + 1]\n            j += 2\n    return",
     "fm[f] = pairs[j]\n            j += 2\n    return", check_restored_hash_hset),
    ("delete", "if ht is not None:", "if ht is None:", check_hash_deletes_followed),
    ("delete", "ht = None if seed is None else", "ht = None if seed is not None else",
     check_hash_deletes_followed),
    ("delete_many", "ht = None if seed is None else", "ht = None if seed is not None else",
     check_hash_deletes_followed),
])
def test_planted_hash_value(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                            check: Any) -> None:
    from redspec.spec.types.hash import HashValue
    plant(monkeypatch, HashValue, func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new,check", [
    ("push_generic", "if len(e) > LIST_MAX_ITEM_SIZE:", "if len(e) >= LIST_MAX_ITEM_SIZE:",
     check_list_element_limit),
    ("linsert", "if len(argv[4]) > LIST_MAX_ITEM_SIZE:",
     "if len(argv[4]) >= LIST_MAX_ITEM_SIZE:", check_list_element_limit),
    ("lpos", "if len(ele) > LIST_MAX_ITEM_SIZE:", "if len(ele) >= LIST_MAX_ITEM_SIZE:",
     check_list_element_limit),
    ("lset", "if len(argv[3]) > LIST_MAX_ITEM_SIZE:", "if len(argv[3]) >= LIST_MAX_ITEM_SIZE:",
     check_list_element_limit),
    ("lrem", "if len(ele) > LIST_MAX_ITEM_SIZE:", "if len(ele) >= LIST_MAX_ITEM_SIZE:",
     check_list_element_limit),
    ("linsert", "write=True", "write=False", check_list_lookups_and_dirty),
    ("llen", "write=False", "write=True", check_list_lookups_and_dirty),
    ("lindex", "write=False", "write=True", check_list_lookups_and_dirty),
    ("lrange", "write=False", "write=True", check_list_lookups_and_dirty),
    ("lpos", "write=False", "write=True", check_list_lookups_and_dirty),
    ("lpos", "rank, count, maxlen = 1, -1, 0", "rank, count, maxlen = 0, -1, 0",
     check_lpos_defaults_and_options),
    ("lpos", "rank, count, maxlen = 1, -1, 0", "rank, count, maxlen = 2, -1, 0",
     check_lpos_defaults_and_options),
    ("lpos", "more = j + 1 < n", "more = j + 1 <= n", check_lpos_defaults_and_options),
    ("lpos", "more = j + 1 < n", "more = j < n", check_lpos_defaults_and_options),
    ("lset", "write=True", "write=False", check_list_lookups_and_dirty),
    ("lset", "s.dirty += 1", "s.dirty += 0", check_list_lookups_and_dirty),
    ("lset", "s.dirty += 1", "s.dirty += 2", check_list_lookups_and_dirty),
    ("ltrim", "write=True", "write=False", check_list_lookups_and_dirty),
    ("lrem", "write=True", "write=False", check_list_lookups_and_dirty),
    ("lrem", "if toremove and removed == toremove:", "if toremove and removed != toremove:",
     check_lrem_counts),
    ("lrem", "kept.extend(elements[i + 1:])", "kept.extend(elements[i:])", check_lrem_counts),
    ("lrem", "kept.extend(elements[i + 1:])", "kept.extend(elements[i + 2:])",
     check_lrem_counts),
    ("lmove_generic", "v = get_list(s, src, write=True)", "v = get_list(s, src, write=False)",
     check_list_lookups_and_dirty),
    ("lmove_generic", "d = get_list(s, dst, write=True)", "d = get_list(s, dst, write=False)",
     check_list_lookups_and_dirty),
    ("pop_generic", "v = get_list(s, key, write=True)\n        if v is None or",
     "v = get_list(s, key, write=False)\n        if v is None or", check_list_lookups_and_dirty),
    ("pop_generic", "v = get_list(s, key, write=True)\n    if v is None:",
     "v = get_list(s, key, write=False)\n    if v is None:", check_list_lookups_and_dirty),
    ("mpop_generic", "write=True", "write=False", check_list_lookups_and_dirty),
    ("parse_mpop", "and j + 1 < n:", "and j + 1 <= n:", check_mpop_count_needs_value),
    ("parse_mpop", "and j + 1 < n:", "and j < n:", check_mpop_count_needs_value),
    ("parse_mpop", "            return SYNTAX\n        j += 1", "            return SYNTAX\n        j += 2",
     check_mpop_count_needs_value),
    ("parse_mpop", "return argv[numkeys_idx + 1 : where_idx]", "return argv[numkeys_idx : where_idx]",
     check_mpop_count_needs_value),
    ("linsert", "s.dirty += 1", "s.dirty += 0", check_list_lookups_and_dirty),
    ("linsert", "s.dirty += 1", "s.dirty += 2", check_list_lookups_and_dirty),
])
def test_planted_list_commands(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                               check: Any) -> None:
    _plant_handler(monkeypatch, "lists", func, old, new)
    _trips(check)


def _plant_handler(monkeypatch: pytest.MonkeyPatch, module: str, func: str, old: str,
                   new: str) -> None:
    """:func:`plant_everywhere` of ``spec.commands.<module>.<func>``, and in the served command
    table (and DEBUG's subcommand table) where it is a handler."""
    import importlib

    import attrs

    from redspec.spec import dispatch
    from redspec.spec.commands.registry import DEBUG_SUBCOMMANDS
    mod = importlib.import_module(f"redspec.spec.commands.{module}")
    original = getattr(mod, func)
    planted = plant_everywhere(monkeypatch, mod, func, old, new)
    for name, cmd in list(dispatch.TABLE.items()):
        if cmd.handler is original:
            monkeypatch.setitem(dispatch.TABLE, name, attrs.evolve(cmd, handler=planted))
    for sub, f in list(DEBUG_SUBCOMMANDS.items()):
        if f is original:
            monkeypatch.setitem(DEBUG_SUBCOMMANDS, sub, planted)


@pytest.mark.parametrize("func,old,new,check", [
    ("_rand_below", "if n <= 1 << 32:", "if n < 1 << 32:", check_rand_below_width),
    ("_rand_below", "if n <= 1 << 32:", "if n <= 0 << 32:", check_random_member_is_one_draw),
    ("_rand_below", "if n <= 1 << 32:", "if n <= 2 << 32:", check_rand_below_width),
    ("_write_set", "write=True", "write=False", check_set_writes_and_dirty),
    ("_fits_intset", "if len(members) > max_intset:", "if len(members) >= max_intset:",
     check_store_encoding_limit),
    ("_fits_intset", "return False", "return True", check_store_encoding_limit),
    ("srem", "nv, removed = nv1, 1", "nv, removed = nv1, 0", check_set_replies),
    ("srem", "nv, removed = nv1, 1", "nv, removed = nv1, 2", check_set_replies),
    ("smove", "return 1 if ele in sv else 0", "return 1 if ele not in sv else 0",
     check_set_replies),
    ("smove", "return 1 if ele in sv else 0", "return 0 if ele in sv else 0", check_set_replies),
    ("smove", "return 1 if ele in sv else 0", "return 2 if ele in sv else 0", check_set_replies),
    ("sismember", "return 1 if argv[2] in v.index else 0",
     "return 1 if argv[2] not in v.index else 0", check_set_replies),
    ("sismember", "return 1 if argv[2] in v.index else 0",
     "return 0 if argv[2] in v.index else 0", check_set_replies),
    ("sismember", "return 1 if argv[2] in v.index else 0",
     "return 2 if argv[2] in v.index else 0", check_set_replies),
    ("smismember", "[1 if m in index else 0", "[1 if m not in index else 0", check_set_replies),
    ("smismember", "[1 if m in index else 0", "[0 if m in index else 0", check_set_replies),
    ("smismember", "[1 if m in index else 0", "[2 if m in index else 0", check_set_replies),
    ("srandmember_count", "if n < -LLONG_MAX:", "if n <= -LLONG_MAX:", check_srandmember_counts),
    ("srandmember_count", "if n < 0 or n == 1:", "if n < 0 or n == 0:", check_srandmember_counts),
    ("srandmember_count", "if n >= size:", "if n > size:", check_srandmember_counts),
    ("sinter_generic", "if all(m in r for r in rest):\n                n += 1",
     "if all(m not in r for r in rest):\n                n += 1", check_set_algebra),
    ("_store_result", "s.dirty += 1\n        return len", "s.dirty += 2\n        return len",
     check_set_algebra),
    ("_store_result", "        s.dirty += 1\n        s.notify(\"g\"",
     "        s.dirty += 2\n        s.notify(\"g\"", check_set_algebra),
    ("sunion_diff_generic", "all_int = True", "all_int = False", check_set_algebra),
    ("sunion_diff_generic", "len(result) <= maxi", "len(result) < maxi",
     check_store_encoding_limit),
    ("sunion_diff_generic", "if one <= two:", "if one < two:", check_sdiff_algorithm_tie),
    ("sinter", "argv[1:]", "argv[0:]", check_sintercard_args),
    ("sintercard", "numkeys < 1", "numkeys < 0", check_sintercard_args),
    ("sintercard", "and j + 1 < n:", "and j + 1 <= n:", check_sintercard_args),
    ("sintercard", "and j + 1 < n:", "and j < n:", check_sintercard_args),
    ("sintercard", "            return SYNTAX\n        j += 1", "            return SYNTAX\n        j += 2",
     check_sintercard_args),
    ("sunion", "argv[1:]", "argv[0:]", check_sintercard_args),
    ("sunion", "diff=False", "diff=True", check_set_algebra),
    ("sdiff", "argv[1:]", "argv[0:]", check_set_algebra),
    ("sdiff", "diff=True", "diff=False", check_set_algebra),
    ("sunion_diff_generic", "                all_int = False", "                all_int = True",
     check_set_algebra),
    ("spop", "s.dirty += 1", "s.dirty += 0", check_set_writes_and_dirty),
    ("spop", "s.dirty += 1", "s.dirty += 2", check_set_writes_and_dirty),
])
def test_planted_set_commands(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                              check: Any) -> None:
    _plant_handler(monkeypatch, "sets", func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new,check", [
    ("lookup_hash_write", "write=True", "write=False", check_hash_lookups_and_dirty),
    ("_hset_generic", "if len(argv) % 2 == 1:", "if len(argv) % 2 == 2:",
     check_hset_odd_arguments),
    ("hdel", "elif new is not h:", "elif new is h:", check_hdel_missing_steps),
    ("_field_number", "if h is not None:\n        h = s.db", "if h is None:\n        h = s.db",
     check_hincrby_steps),
    ("_field_number", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[0], h, 1)",
     check_hincrby_steps),
    ("_field_number", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[2], h, 1)",
     check_hincrby_steps),
    ("_field_number", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[1], h, 0)",
     check_hincrby_steps),
    ("_field_number", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[1], h, 2)",
     check_hincrby_steps),
    ("hincrby", "if total > LLONG_MAX", "if total >= LLONG_MAX", check_hincrby_limits),
    ("random_fields", "if not unique or count == 1:", "if not unique or count == 0:",
     check_hrandfield_pick),
    ("random_fields", "if count == 1:\n            pair", "if count == 2:\n            pair",
     check_hrandfield_pick),
    ("random_fields", "if count == 1:\n            pair = h.nth(s.random() % size)\n"
     "            return [pair]\n", "if count == 1 or size == 1:\n"
     "            pair = h.nth(s.random() % size)\n            return [pair] * count\n",
     check_hrandfield_draw_per_pick),
    ("random_fields", "if count >= size:", "if count > size:", check_hrandfield_unique),
    ("random_fields", "if rnd() % left < need:", "if rnd() % left <= need:",
     check_hrandfield_unique),
    ("hrandfield", "if count < -_LONG_MAX:", "if count <= -_LONG_MAX:", check_hrandfield_ranges),
    ("hrandfield", 'split(b"\\0", 1)', 'split(b"\\0", 0)', check_hrandfield_ranges),
    ("hrandfield", "if count < -(_LONG_MAX // 2)", "if count <= -(_LONG_MAX // 2)",
     check_hrandfield_ranges),
    ("hrandfield", "or count > _LONG_MAX // 2", "or count >= _LONG_MAX // 2",
     check_hrandfield_ranges),
    ("hincrby", "or total < LLONG_MIN", "or total <= LLONG_MIN", check_hincrby_limits),
    ("_field", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[0], h, 1)",
     check_field_reads_step),
    ("_field", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[2], h, 1)",
     check_field_reads_step),
    ("_field", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[1], h, 0)",
     check_field_reads_step),
    ("_field", "value_find_steps(argv[1], h, 1)", "value_find_steps(argv[1], h, 2)",
     check_field_reads_step),
])
def test_planted_hash_commands(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                               check: Any) -> None:
    _plant_handler(monkeypatch, "hashes", func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new,check", [
    ("listpack_score", "if -_LP_INT_LIMIT <= d", "if -_LP_INT_LIMIT < d",
     check_scan_cursor_and_scores),
    ("value_dict", "if type(o) is HashValue:", "if type(o) is not HashValue:",
     check_htstats_key_encodings),
    ("value_dict", "return None if o.order is not None", "return None if o.order is None",
     check_htstats_key_encodings),
    ("value_dict", "if type(o) is ZSet:", "if type(o) is not ZSet:", check_htstats_key_encodings),
    ("scan_generic", "if c < 1:", "if c < 0:", check_scan_options),
    ("_filter", "kept.append(items[j + 1])", "kept.append(items[j])",
     check_filter_pairs_and_htstats),
    ("_filter", "kept.append(items[j + 1])", "kept.append(items[j + 2])",
     check_filter_pairs_and_htstats),
    ("debug_htstats", "if not 0 <= dbid < s.db_count():", "if not 0 <= dbid <= s.db_count():",
     check_filter_pairs_and_htstats),
    ("scan_generic", "elif opt == b\"match\" and left >= 2:", "elif opt == b\"match\" and left > 2:",
     check_scan_options),
    ("scan_generic", "pat = argv[i + 1]", "pat = argv[i]", check_scan_options),
    ("scan_generic", "pat = argv[i + 1]", "pat = argv[i + 2]", check_scan_options),
    ("scan_generic", "if pat == b\"*\":", "if pat != b\"*\":", check_scan_options),
    ("scan_generic", "budget -= 1", "budget -= 0", check_scan_budget),
    ("scan_generic", "budget -= 1", "budget -= 2", check_scan_budget),
    ("scan_generic", "if len(out) >= count:", "if len(out) > count:", check_scan_budget),
    ("scan_generic", "elif type(o) is HashValue:\n            for f, v", "elif type(o) is not HashValue:\n            for f, v",
     check_scan_options),
    ("scan_generic", "if pat is not None or typename", "if pat is None or typename",
     check_scan_options),
    ("scan_generic", "or o is None:\n        out = _filter", "or o is not None:\n        out = _filter",
     check_scan_options),
])
def test_planted_scan(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                      check: Any) -> None:
    _plant_handler(monkeypatch, "scan", func, old, new)
    _trips(check)
