"""The sorted set commands as a state machine: the spec against a plain Python model.

Hypothesis drives one client of a spec server (listpack limits lowered to 3 entries and
3-byte members, so conversions happen in small examples) over three keys and four members
(one of them 4 bytes long) with ZADD (every option), ZINCRBY, ZREM, ZREMRANGEBYRANK/SCORE,
ZPOPMIN/MAX, ZRANGESTORE, ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE and the reads ZRANGE (rank,
BYSCORE, REV, LIMIT, WITHSCORES), ZRANK, ZREVRANK, ZSCORE, ZCOUNT, ZCARD, plus SET to put a
string in the way. The model is ``key -> {member: score}`` plus whether Redis would still
hold the set as a listpack; it is written from the command documentation, not from the spec.

Invariants (each has a planted-bug test below showing it can fail):

- ``matches_model``: every reply, and every stored value, agrees with the model.
- ``no_empty_aggregate``: no key holds an empty sorted set.
- ``encoding_preserves_value``: every stored set reports the encoding the model predicts
  (listpack until a limit is passed, then skiplist for good; STORE results re-derived), and
  reads back as the model's set whatever its encoding.
- ``tree_consistent``: the order-statistics tree holds exactly the map's pairs, in order,
  with correct subtree sizes, and weight-balanced (what makes every operation O(log n)).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import WRONGTYPE, OneClient
from redspec.properties.planted import machine_test, planted_settings, tripper
from redspec.spec import values
from redspec.spec.commands import zsets
from redspec.spec.reply import OK, Err
from redspec.spec.types import zset as zmod
from redspec.spec.types.zset import ZSet

MECHANISM = "types"

KEYS = [b"k0", b"k1", b"k2"]
MEMBERS = [b"a", b"b", b"", b"long"]
SCORES = [b"-inf", b"-1", b"-0", b"0", b"1", b"1.5", b"2", b"+inf"]
NOW = 1_000_000
MAX_ENTRIES, MAX_VALUE = 3, 3

keys_ = st.sampled_from(KEYS)
members_ = st.sampled_from(MEMBERS)
scores_ = st.sampled_from(SCORES)
NAN = Err("ERR resulting score is not a number (NaN)")


def _order(d: dict[bytes, float]) -> list[tuple[bytes, float]]:
    return sorted(d.items(), key=lambda p: (p[1], p[0]))


def _flat(items: list[tuple[bytes, float]], withscores: bool) -> list[Any]:
    out: list[Any] = []
    for m, sc in items:
        out.append(m)
        if withscores:
            out.append(sc)
    return out


class Model:
    """One sorted set of the model: scores and whether it is still a listpack."""

    def __init__(self) -> None:
        self.d: dict[bytes, float] = {}
        self.listpack = True

    def put(self, m: bytes, sc: float) -> None:
        if m not in self.d and (len(self.d) + 1 > MAX_ENTRIES or len(m) > MAX_VALUE):
            self.listpack = False
        self.d[m] = 0.0 if (self.listpack and sc == 0) else sc


class ZsetsMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1, **{"zset-max-listpack-entries": MAX_ENTRIES,
                                          "zset-max-listpack-value": MAX_VALUE})
        self.model: dict[bytes, Any] = {}

    # -- helpers ------------------------------------------------------------------------------

    def get(self, key: bytes) -> Model | Err | None:
        v = self.model.get(key)
        if v is None or isinstance(v, Model):
            return v
        return WRONGTYPE

    def settle(self, key: bytes, z: Model) -> None:
        if z.d:
            self.model[key] = z
        else:
            self.model.pop(key, None)

    @staticmethod
    def build(d: dict[bytes, float]) -> Model:
        z = Model()
        z.listpack = len(d) <= MAX_ENTRIES and all(len(m) <= MAX_VALUE for m in d)
        z.d = {m: (0.0 if z.listpack and s == 0 else s) for m, s in d.items()}
        return z

    # -- writes -------------------------------------------------------------------------------

    @rule(key=keys_, flags=st.sets(st.sampled_from([b"NX", b"XX", b"GT", b"LT", b"CH"])),
          incr=st.booleans(),
          pairs=st.lists(st.tuples(scores_, members_), min_size=1, max_size=3))
    def zadd(self, key: bytes, flags: set[bytes], incr: bool,
             pairs: list[tuple[bytes, bytes]]) -> None:
        opts = sorted(flags) + ([b"INCR"] if incr else [])
        argv = (b"ZADD", key, *opts, *[x for p in pairs for x in p])
        nx, xx, gt, lt = (f in flags for f in (b"NX", b"XX", b"GT", b"LT"))
        if nx and xx:
            return self.expect_reply(argv, Err("ERR XX and NX options at the same time are not "
                                         "compatible"))
        if (gt or lt) and nx or (gt and lt):
            return self.expect_reply(argv, Err("ERR GT, LT, and/or NX options at the same time "
                                         "are not compatible"))
        if incr and len(pairs) > 1:
            return self.expect_reply(argv, Err("ERR INCR option supports a single "
                                         "increment-element pair"))
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        if cur is None and xx:
            return self.expect_reply(argv, None if incr else 0)
        z = cur or Model()
        added = changed = 0
        result: float | None = None
        for sb, m in pairs:
            sc = float(sb)
            old = z.d.get(m)
            if old is None:
                if xx:
                    continue
                z.put(m, sc)
                added += 1
                result = sc
                continue
            if nx:
                continue
            new = old + sc if incr else sc
            if math.isnan(new):
                self.settle(key, z)
                return self.expect_reply(argv, NAN)
            if (gt and new <= old) or (lt and new >= old):
                continue
            if new != old:
                z.put(m, new)
                changed += 1
            result = new
        self.settle(key, z)
        if incr:
            want: Any = result
        else:
            want = added + changed if b"CH" in flags else added
        self.expect_reply(argv, want)

    @rule(key=keys_, inc=scores_, member=members_)
    def zincrby(self, key: bytes, inc: bytes, member: bytes) -> None:
        argv = (b"ZINCRBY", key, inc, member)
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        z = cur or Model()
        new = (z.d[member] + float(inc)) if member in z.d else float(inc)
        if math.isnan(new):
            return self.expect_reply(argv, NAN)
        if member not in z.d or new != z.d[member]:
            z.put(member, new)
        self.settle(key, z)
        self.expect_reply(argv, new)

    @rule(key=keys_, members=st.lists(members_, min_size=1, max_size=3))
    def zrem(self, key: bytes, members: list[bytes]) -> None:
        argv = (b"ZREM", key, *members)
        cur = self.get(key)
        if isinstance(cur, Err) or cur is None:
            return self.expect_reply(argv, cur if cur is not None else 0)
        n = 0
        for m in members:
            if m in cur.d:
                del cur.d[m]
                n += 1
        self.settle(key, cur)
        self.expect_reply(argv, n)

    @rule(key=keys_, start=st.integers(-4, 4), stop=st.integers(-4, 4))
    def zremrangebyrank(self, key: bytes, start: int, stop: int) -> None:
        argv = (b"ZREMRANGEBYRANK", key, b"%d" % start, b"%d" % stop)
        cur = self.get(key)
        if isinstance(cur, Err) or cur is None:
            return self.expect_reply(argv, cur if cur is not None else 0)
        items = _order(cur.d)
        gone = _inclusive(items, start, stop)
        for m, _ in gone:
            del cur.d[m]
        self.settle(key, cur)
        self.expect_reply(argv, len(gone))

    @rule(key=keys_, lo=scores_, hi=scores_, lox=st.booleans(), hix=st.booleans())
    def zremrangebyscore(self, key: bytes, lo: bytes, hi: bytes, lox: bool, hix: bool) -> None:
        argv = (b"ZREMRANGEBYSCORE", key, b"(" * lox + lo, b"(" * hix + hi)
        cur = self.get(key)
        if isinstance(cur, Err) or cur is None:
            return self.expect_reply(argv, cur if cur is not None else 0)
        gone = [m for m, sc in cur.d.items() if _in(sc, lo, hi, lox, hix)]
        for m in gone:
            del cur.d[m]
        self.settle(key, cur)
        self.expect_reply(argv, len(gone))

    @rule(key=keys_, top=st.booleans(), count=st.none() | st.integers(0, 4))
    def zpop(self, key: bytes, top: bool, count: int | None) -> None:
        argv = (b"ZPOPMAX" if top else b"ZPOPMIN", key) + (() if count is None
                                                            else (b"%d" % count,))
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        if cur is None or count == 0:
            return self.expect_reply(argv, [])
        items = _order(cur.d)
        if top:
            items.reverse()
        got = items[: 1 if count is None else count]
        for m, _ in got:
            del cur.d[m]
        self.settle(key, cur)
        self.expect_reply(argv, _flat(got, True))

    @rule(dst=keys_, src=keys_, start=st.integers(-3, 3), stop=st.integers(-3, 3))
    def zrangestore(self, dst: bytes, src: bytes, start: int, stop: int) -> None:
        argv = (b"ZRANGESTORE", dst, src, b"%d" % start, b"%d" % stop)
        cur = self.get(src)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        got = _inclusive(_order(cur.d), start, stop) if cur else []
        if got:  # zsetAdd one by one into a new listpack: -0 stays 0 once stored as 0
            z = Model()
            for m, sc in got:
                z.put(m, sc)
            self.model[dst] = z
        else:
            self.model.pop(dst, None)
        self.expect_reply(argv, len(got))

    @rule(dst=keys_, a=keys_, b=keys_, op=st.sampled_from([b"ZUNIONSTORE", b"ZINTERSTORE",
                                                            b"ZDIFFSTORE"]),
          agg=st.sampled_from([b"SUM", b"MIN", b"MAX"]))
    def zsetop_store(self, dst: bytes, a: bytes, b: bytes, op: bytes, agg: bytes) -> None:
        argv = (op, dst, b"2", a, b) + (() if op == b"ZDIFFSTORE" else (b"AGGREGATE", agg))
        za, zb = self.get(a), self.get(b)
        for z in (za, zb):
            if isinstance(z, Err):
                return self.expect_reply(argv, z)
        da = dict(za.d) if isinstance(za, Model) else {}
        db = dict(zb.d) if isinstance(zb, Model) else {}

        def combine(x: float, y: float) -> float:
            if agg == b"SUM":
                r = x + y
                return 0.0 if math.isnan(r) else r
            return min(x, y) if agg == b"MIN" else max(x, y)

        if op == b"ZDIFFSTORE":
            res = {m: s for m, s in da.items() if m not in db}
        elif op == b"ZINTERSTORE":
            # Redis walks the smaller input first: the first operand of SUM is its score.
            small, big = (da, db) if len(da) <= len(db) else (db, da)
            res = {m: combine(s, big[m]) for m, s in small.items() if m in big}
        else:
            small, big = (da, db) if len(da) <= len(db) else (db, da)
            res = dict(small)
            for m, s in big.items():
                res[m] = combine(res[m], s) if m in res else s
        if res:
            self.model[dst] = self.build(res)
        else:
            self.model.pop(dst, None)
        self.expect_reply(argv, len(res))

    @rule(key=keys_, value=st.sampled_from([b"x", b"1"]))
    def set_string(self, key: bytes, value: bytes) -> None:
        self.model[key] = value
        self.expect_reply((b"SET", key, value), OK)

    # -- reads --------------------------------------------------------------------------------

    @rule(key=keys_, start=st.integers(-4, 4), stop=st.integers(-4, 4), rev=st.booleans(),
          withscores=st.booleans())
    def zrange(self, key: bytes, start: int, stop: int, rev: bool, withscores: bool) -> None:
        argv = (b"ZRANGE", key, b"%d" % start, b"%d" % stop) + (b"REV",) * rev + (
            b"WITHSCORES",) * withscores
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        items = _order(cur.d) if cur else []
        if rev:
            items.reverse()
        self.expect_reply(argv, _flat(_inclusive(items, start, stop), withscores))

    @rule(key=keys_, lo=scores_, hi=scores_, lox=st.booleans(), hix=st.booleans(),
          rev=st.booleans(), limit=st.none() | st.tuples(st.integers(-1, 3), st.integers(-1, 3)))
    def zrangebyscore(self, key: bytes, lo: bytes, hi: bytes, lox: bool, hix: bool,
                      rev: bool, limit: tuple[int, int] | None) -> None:
        a, b = b"(" * lox + lo, b"(" * hix + hi
        argv = (b"ZRANGE", key) + ((b, a, b"BYSCORE", b"REV") if rev else (a, b, b"BYSCORE"))
        if limit is not None:
            argv += (b"LIMIT", b"%d" % limit[0], b"%d" % limit[1])
        argv += (b"WITHSCORES",)
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        items = [p for p in (_order(cur.d) if cur else []) if _in(p[1], lo, hi, lox, hix)]
        if rev:
            items.reverse()
        if limit is not None:
            off, cnt = limit
            items = [] if off < 0 else items[off:] if cnt < 0 else items[off: off + cnt]
        self.expect_reply(argv, _flat(items, True))

    @rule(key=keys_, member=members_, rev=st.booleans())
    def zrank(self, key: bytes, member: bytes, rev: bool) -> None:
        argv = (b"ZREVRANK" if rev else b"ZRANK", key, member)
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        order = [m for m, _ in _order(cur.d)] if cur else []
        if rev:
            order.reverse()
        self.expect_reply(argv, order.index(member) if member in order else None)

    @rule(key=keys_, member=members_)
    def zscore(self, key: bytes, member: bytes) -> None:
        cur = self.get(key)
        want = cur if isinstance(cur, Err) else (cur.d.get(member) if cur else None)
        self.expect_reply((b"ZSCORE", key, member), want)

    @rule(key=keys_, lo=scores_, hi=scores_, lox=st.booleans(), hix=st.booleans())
    def zcount(self, key: bytes, lo: bytes, hi: bytes, lox: bool, hix: bool) -> None:
        argv = (b"ZCOUNT", key, b"(" * lox + lo, b"(" * hix + hi)
        cur = self.get(key)
        if isinstance(cur, Err):
            return self.expect_reply(argv, cur)
        n = sum(1 for sc in (cur.d.values() if cur else []) if _in(sc, lo, hi, lox, hix))
        self.expect_reply(argv, n)

    @rule(key=keys_)
    def zcard(self, key: bytes) -> None:
        cur = self.get(key)
        self.expect_reply((b"ZCARD", key), cur if isinstance(cur, Err) else len(cur.d) if cur else 0)

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def check_state(self) -> None:
        stored = dict(self.state.dbs[0].keys.items())
        for k, v in stored.items():
            if type(v) is not ZSet:
                continue
            assert len(v) > 0, f"no_empty_aggregate: {k!r} holds an empty sorted set"
            want = self.model.get(k)
            assert isinstance(want, Model), f"matches_model: {k!r} is a zset, model {want!r}"
            enc = values.encoding_of(v)
            want_enc = "listpack" if want.listpack else "skiplist"
            assert enc == want_enc, f"encoding_preserves_value: {k!r} is {enc}, want {want_enc}"
            _check_tree(k, v)
            got = [(m, sc, math.copysign(1, sc)) for m, sc in v.items()]
            exp = [(m, sc, math.copysign(1, sc)) for m, sc in _order(want.d)]
            assert got == exp, f"matches_model: {k!r} holds {got}, model {exp}"
        plain = {k: (None if type(v) is ZSet else v) for k, v in stored.items()}
        model = {k: (None if isinstance(v, Model) else v) for k, v in self.model.items()}
        assert plain == model, f"matches_model: keys {sorted(plain)}, model {sorted(model)}"


def _check_tree(key: bytes, v: ZSet) -> None:
    """``tree_consistent``: sizes, order, balance, and the same pairs as the map."""
    def walk(t: Any) -> int:
        if t is None:
            return 0
        s, m, left, right, size = t
        nl, nr = walk(left), walk(right)
        assert size == nl + nr + 1, f"tree_consistent: {key!r} size of {m!r} is {size}"
        assert nl + nr <= 1 or (nl <= 3 * nr and nr <= 3 * nl), (
            f"tree_consistent: {key!r} unbalanced at {m!r} ({nl} / {nr})")
        return size

    walk(v.tree)
    pairs = [(m, s) for s, m in zmod.tree_iter(v.tree)]
    assert pairs == sorted(pairs, key=lambda p: (p[1], p[0])), (
        f"tree_consistent: {key!r} out of order: {pairs}")
    assert dict(pairs) == dict(v.scores.items()) and len(pairs) == len(v.scores), (
        f"tree_consistent: {key!r} tree {pairs} vs map {dict(v.scores.items())}")


def _inclusive(items: list[Any], start: int, stop: int) -> list[Any]:
    """ZRANGE's inclusive rank range, with Python slices."""
    n = len(items)
    a = max(0, start + n if start < 0 else start)
    b = stop + n if stop < 0 else stop
    return items[a: b + 1] if b >= 0 else []


def _in(sc: float, lo: bytes, hi: bytes, lox: bool, hix: bool) -> bool:
    a, b = float(lo), float(hi)
    return (sc > a if lox else sc >= a) and (sc < b if hix else sc <= b)


TestZsetsMachine = machine_test(ZsetsMachine, max_examples=60, steps=40)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=500, steps=15)
_fails_with = tripper(ZsetsMachine, PLANTED)


def test_planted_rank_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ZRANK that counts the member itself disagrees with the model."""
    orig = ZSet.rank

    def rank(self: ZSet, member: bytes) -> int | None:
        r = orig(self, member)
        return None if r is None else r + 1

    monkeypatch.setattr(ZSet, "rank", rank)
    _fails_with("matches_model")


def test_planted_empty_zset_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store that overwrites instead of deleting an emptied set leaves it in the keyspace."""
    def store(s: Any, key: bytes, z: ZSet, existed: bool) -> None:
        s.db.overwrite(key, z)

    monkeypatch.setattr(zsets, "_store", store)
    _fails_with("no_empty_aggregate")


def test_planted_never_converts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ZADD that never converts to a skiplist reports the wrong encoding."""
    orig = ZSet.insert

    def insert(self: ZSet, member: bytes, score: float, e: int, v: int,
               seed: Any = None) -> ZSet:
        return orig(self, member, score, 1 << 30, 1 << 30, seed)

    monkeypatch.setattr(ZSet, "insert", insert)
    _fails_with("encoding_preserves_value")


def test_planted_no_rebalance(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree that never rotates still answers right but is no longer balanced."""
    monkeypatch.setattr(zmod, "_balance", zmod._node)
    _fails_with("tree_consistent")


def test_planted_insert_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ZADD that changes the stored value in place changes the transition's input."""
    orig = ZSet.insert

    def insert(self: ZSet, member: bytes, score: float, e: int, v: int,
               seed: Any = None) -> ZSet:
        new = orig(self, member, score, e, v, seed)
        if not len(self):  # (the shared empty set is not what this bug is about)
            return new
        self.scores, self.tree, self.listpack = new.scores, new.tree, new.listpack
        return self

    monkeypatch.setattr(ZSet, "insert", insert)
    _fails_with("input_not_mutated")
