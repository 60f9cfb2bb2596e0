"""The set commands as a state machine: the spec against a plain Python model.

Hypothesis drives one client of a spec server over three keys and four members (three
integers, one not) with ``set-max-intset-entries`` 2, so both conversions (non-integer member,
too many members) happen often. Commands: SADD, SREM, SMOVE, SPOP (with and without count),
SRANDMEMBER with a count, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS, SINTER/SUNION/SDIFF and their
STORE forms, SINTERCARD, and SET/DEL to bring other types and absence in. The model is
``key -> set of members`` plus the encoding the model itself derives from Redis's rules.

Invariants (checked after every step, in this order; each has a planted-bug test below):

- ``no_empty_aggregate``: no key holds an empty set (Redis deletes a set that empties).
- ``encoding_change_preserves_value``: whenever a key's encoding changed in a step, its members
  are still exactly the model's.
- ``encoding_matches_model``: OBJECT ENCODING is what the model derives (intset while all
  members are integers and few enough, never back except where a set is rebuilt).
- ``slots_dense``: the value's ``index``/``slots`` maps are inverse and slots are 0..n-1.
- ``matches_model``: every key's members agree with the model.
- ``reply_matches_model``: each reply agrees with the model (random replies: what Redis
  guarantees — sizes, membership, distinctness; intset iteration order exactly).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from redspec.properties.driver import AGGREGATE_KEYS, AggregateModel
from redspec.properties.planted import (
    machine_test,
    planted_settings,
    removal_keeping_empty,
    replace_handler,
    tripper,
)
from redspec.spec import dispatch
from redspec.spec.step import Step
from redspec.spec.types.set import SetValue

MECHANISM = "types"

KEYS = AGGREGATE_KEYS
MEMBERS = [b"1", b"2", b"-3", b"x"]
MAX_INTSET = 2
NOW = 1_000_000

keys_ = st.sampled_from(KEYS)
members_ = st.sampled_from(MEMBERS)
member_lists = st.lists(members_, min_size=1, max_size=4)
key_lists = st.lists(keys_, min_size=1, max_size=3)

_INT = re.compile(rb"-?[1-9][0-9]*|0")
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def _model_is_int(m: bytes) -> bool:
    """The model's own reading of "fits an intset" (not ``string2ll``)."""
    return bool(_INT.fullmatch(m)) and -(2**63) <= int(m) < 2**63


def _built_encoding(members: set[bytes]) -> str:
    """The encoding of a set built member by member into an empty intset."""
    ok = len(members) <= MAX_INTSET and all(map(_model_is_int, members))
    return "intset" if ok else "hashtable"


def _bulks(frame: bytes) -> list[bytes]:
    """The bulk strings of a flat array / set frame, in order."""
    lines = frame.split(b"\r\n")
    assert lines[0][:1] in (b"*", b"~"), f"reply_matches_model: not an array: {frame!r}"
    return [lines[i] for i in range(2, len(lines) - 1, 2)]


def _ints(frame: bytes) -> list[int]:
    return [int(x[1:]) for x in frame.split(b"\r\n")[1:-1]]


class SetsMachine(AggregateModel, RuleBasedStateMachine):
    """``model``: key -> members."""

    VALUE, NOUN = SetValue, "set"

    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1, **{"set-max-intset-entries": MAX_INTSET})
        self.start()

    # -- plumbing ---------------------------------------------------------------------------

    def contents(self, v: SetValue) -> set[bytes]:
        return set(v.index)

    def shown(self, contents: set[bytes] | None) -> list[bytes]:
        return sorted(contents or ())

    def put(self, key: bytes, members: set[bytes], enc: str) -> None:
        """Model write: a set (deleted when empty)."""
        self.strings.discard(key)
        if members:
            self.model[key] = members
            self.enc[key] = enc
        else:
            self.forget(key)

    def order(self, key: bytes, members: list[bytes]) -> None:
        """An intset iterates in numeric order; a hashtable in any order."""
        if self.enc.get(key) == "intset":
            self.expect_value(members, sorted(members, key=int), f"intset order of {key!r}")

    def add_model(self, key: bytes, new: list[bytes]) -> int:
        """``setTypeAdd`` per member, on the model."""
        cur = set(self.model.get(key, set()))
        enc = self.enc.get(key) or ("intset" if _model_is_int(new[0]) else "hashtable")
        n0 = len(cur)
        for m in new:
            if m in cur:
                continue
            cur.add(m)
            if enc == "intset" and (not _model_is_int(m) or len(cur) > MAX_INTSET):
                enc = "hashtable"
        self.put(key, cur, enc)
        return len(cur) - n0

    # -- rules ------------------------------------------------------------------------------

    @rule(key=keys_, members=member_lists)
    def sadd(self, key: bytes, members: list[bytes]) -> None:
        frame = self.run(b"SADD", key, *members)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "SADD")
            return
        self.expect_value(frame, b":%d\r\n" % self.add_model(key, members), "SADD")

    @rule(key=keys_, members=member_lists)
    def srem(self, key: bytes, members: list[bytes]) -> None:
        frame = self.run(b"SREM", key, *members)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "SREM")
            return
        cur = self.model.get(key, set())
        gone = cur & set(members)
        self.expect_value(frame, b":%d\r\n" % len(gone), "SREM")
        if gone:
            self.put(key, cur - gone, self.enc[key])

    @rule(src=keys_, dst=keys_, member=members_)
    def smove(self, src: bytes, dst: bytes, member: bytes) -> None:
        frame = self.run(b"SMOVE", src, dst, member)
        if src not in self.model and src not in self.strings:
            self.expect_value(frame, b":0\r\n", "SMOVE missing src")
            return
        if src in self.strings or dst in self.strings:
            self.expect_value(frame, WRONGTYPE, "SMOVE")
            return
        if src == dst or member not in self.model[src]:
            self.expect_value(frame, b":1\r\n" if member in self.model[src] else b":0\r\n", "SMOVE")
            return
        self.expect_value(frame, b":1\r\n", "SMOVE")
        self.put(src, self.model[src] - {member}, self.enc[src])
        self.add_model(dst, [member])

    @rule(key=keys_)
    def spop(self, key: bytes) -> None:
        frame = self.run(b"SPOP", key)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "SPOP")
        elif key not in self.model:
            self.expect_value(frame, b"$-1\r\n", "SPOP missing")
        else:
            m = frame.split(b"\r\n")[1]
            assert m in self.model[key], f"reply_matches_model: SPOP gave {m!r}"
            self.put(key, self.model[key] - {m}, self.enc[key])

    @rule(key=keys_, count=st.integers(0, 5))
    def spop_count(self, key: bytes, count: int) -> None:
        frame = self.run(b"SPOP", key, b"%d" % count)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "SPOP count")
            return
        got = _bulks(frame)
        cur = self.model.get(key, set())
        self.expect_value(len(got), min(count, len(cur)), "SPOP count size")
        assert set(got) <= cur and len(set(got)) == len(got), "reply_matches_model: SPOP"
        if not got:
            return
        rest = cur - set(got)
        if count >= len(cur) and self.enc[key] == "intset":
            self.order(key, got)
        remaining = len(rest)
        # "keep the rest" strategy (remaining * 5 <= count) rebuilds the set
        enc = self.enc[key] if remaining * 5 > count else _built_encoding(rest)
        self.put(key, rest, enc)

    @rule(key=keys_, count=st.integers(-6, 6))
    def srandmember(self, key: bytes, count: int) -> None:
        frame = self.run(b"SRANDMEMBER", key, b"%d" % count)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "SRANDMEMBER")
            return
        got = _bulks(frame)
        cur = self.model.get(key, set())
        assert set(got) <= cur, "reply_matches_model: SRANDMEMBER non-member"
        if not cur:
            self.expect_value(got, [], "SRANDMEMBER missing")
        elif count < 0:
            self.expect_value(len(got), -count, "SRANDMEMBER negative count size")
        else:
            self.expect_value(len(got), min(count, len(cur)), "SRANDMEMBER size")
            assert len(set(got)) == len(got), "reply_matches_model: SRANDMEMBER repeats"
            if count >= len(cur) and count != 1:
                self.order(key, got)

    @rule(key=keys_, members=member_lists)
    def membership(self, key: bytes, members: list[bytes]) -> None:
        if key in self.strings:
            self.expect_value(self.run(b"SMISMEMBER", key, *members), WRONGTYPE, "SMISMEMBER")
            return
        cur = self.model.get(key, set())
        self.expect_value(_ints(self.run(b"SMISMEMBER", key, *members)),
                    [int(m in cur) for m in members], "SMISMEMBER")
        self.expect_value(self.run(b"SISMEMBER", key, members[0]),
                    b":%d\r\n" % (members[0] in cur), "SISMEMBER")
        self.expect_value(self.run(b"SCARD", key), b":%d\r\n" % len(cur), "SCARD")

    @rule(key=keys_)
    def smembers(self, key: bytes) -> None:
        frame = self.run(b"SMEMBERS", key)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "SMEMBERS")
            return
        got = _bulks(frame)
        self.expect_value(sorted(got), sorted(self.model.get(key, set())), "SMEMBERS")
        self.order(key, got)

    def algebra(self, op: str, keys: list[bytes]) -> set[bytes] | None:
        """The model's SINTER / SUNION / SDIFF (None: WRONGTYPE)."""
        if any(k in self.strings for k in keys):
            return None
        sets = [self.model.get(k, set()) for k in keys]
        if op == "inter":
            return set.intersection(*sets)
        if op == "union":
            return set.union(*sets)
        return sets[0].difference(*sets[1:])

    def result_encoding(self, op: str, keys: list[bytes], want: set[bytes]) -> str:
        """The encoding of the result set as Redis builds it: from an empty intset, and for
        SDIFF's second algorithm (chosen by Redis's work estimate) from the whole first set."""
        if op == "diff" and want:
            first = self.model[keys[0]]
            others = [self.model[k] for k in keys[1:] if k in self.model]
            if len(first) * (1 + len(others)) // 2 > len(first) + sum(map(len, others)):
                return _built_encoding(first)
        return _built_encoding(want)

    @rule(op=st.sampled_from(["inter", "union", "diff"]), keys=key_lists)
    def algebra_read(self, op: str, keys: list[bytes]) -> None:
        frame = self.run(b"S" + op.upper().encode(), *keys)
        want = self.algebra(op, keys)
        if want is None:
            self.expect_value(frame, WRONGTYPE, op)
            return
        got = _bulks(frame)
        self.expect_value(sorted(got), sorted(want), op)
        if op != "inter" and self.result_encoding(op, keys, want) == "intset":
            self.expect_value(got, sorted(got, key=int), f"{op} result order")

    @rule(op=st.sampled_from(["inter", "union", "diff"]), dst=keys_, keys=key_lists)
    def algebra_store(self, op: str, dst: bytes, keys: list[bytes]) -> None:
        frame = self.run(b"S" + op.upper().encode() + b"STORE", dst, *keys)
        want = self.algebra(op, keys)
        if want is None:
            self.expect_value(frame, WRONGTYPE, op + "store")
            return
        self.expect_value(frame, b":%d\r\n" % len(want), op + "store")
        self.put(dst, want, self.result_encoding(op, keys, want))

    @rule(keys=key_lists, limit=st.integers(0, 3))
    def sintercard(self, keys: list[bytes], limit: int) -> None:
        frame = self.run(b"SINTERCARD", b"%d" % len(keys), *keys, b"LIMIT", b"%d" % limit)
        want = self.algebra("inter", keys)
        if want is None:
            self.expect_value(frame, WRONGTYPE, "SINTERCARD")
            return
        n = len(want) if not limit else min(limit, len(want))
        self.expect_value(frame, b":%d\r\n" % n, "SINTERCARD")

    # -- invariants -------------------------------------------------------------------------

    def representation(self, values: dict[bytes, SetValue]) -> None:
        for k, v in values.items():
            assert sorted(v.slots.keys()) == list(range(len(v.index))), f"slots_dense: {k!r}"
            assert all(v.slots[i] == m for m, i in v.index.items()), f"slots_dense: {k!r}"


TestSetsMachine = machine_test(SetsMachine, max_examples=120, steps=30)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=1000, steps=30)
_fails_with = tripper(SetsMachine, PLANTED)


def test_planted_srem_keeps_empty_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """An SREM that stores the emptied set instead of deleting the key."""

    replace_handler(monkeypatch, b"srem", removal_keeping_empty(SetValue, SetValue.remove))
    _fails_with("no_empty_aggregate")


def test_planted_conversion_drops_member(monkeypatch: pytest.MonkeyPatch) -> None:
    """A conversion to hashtable that loses the smallest member on the way."""
    orig = SetValue.add

    def add(self: SetValue, members: Any, max_intset: int,
            seed: Any = None) -> tuple[SetValue, int]:
        nv, n = orig(self, members, max_intset, seed)
        if self.intset and len(self) and not nv.intset:
            nv = nv.remove([min(self.index, key=int)])[0]
        return nv, n

    monkeypatch.setattr(SetValue, "add", add)
    _fails_with("encoding_change_preserves_value")


def test_planted_no_count_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    """An intset that ignores ``set-max-intset-entries`` (value right, encoding wrong)."""
    orig_add, orig_one = SetValue.add, SetValue.add_one

    def add(self: SetValue, members: Any, max_intset: int,
            seed: Any = None) -> tuple[SetValue, int]:
        return orig_add(self, members, 1 << 30, seed)

    def add_one(self: SetValue, m: bytes, max_intset: int, seed: Any = None) -> SetValue | None:
        return orig_one(self, m, 1 << 30, seed)

    monkeypatch.setattr(SetValue, "add", add)
    monkeypatch.setattr(SetValue, "add_one", add_one)
    _fails_with("encoding_matches_model")


def test_planted_remove_leaves_hole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A multi-member removal (SREM k a b) that forgets to move the last slot into the hole."""

    def remove(self: SetValue, members: Any, seed: Any = None) -> tuple[SetValue, int]:
        index, slots, n = self.index, self.slots, 0
        for m in members:
            slot = index.get(m)
            if slot is not None:
                index, slots, n = index.delete(m), slots.delete(slot), n + 1
        return SetValue(index, slots, self.intset), n

    monkeypatch.setattr(SetValue, "remove", remove)
    _fails_with("slots_dense")


def test_planted_smove_forgets_destination(monkeypatch: pytest.MonkeyPatch) -> None:
    """An SMOVE into a missing key that removes from the source but loses the new set."""
    orig = dispatch.TABLE[b"smove"].handler
    assert orig is not None

    def smove(s: Step, argv: list[bytes]) -> Any:
        fresh = s.db.lookup_write(argv[2]) is None
        reply = orig(s, argv)
        if reply == 1 and fresh:  # the destination set it created is lost
            s.db.delete(argv[2])
        return reply

    replace_handler(monkeypatch, b"smove", smove)
    _fails_with("matches_model")


def test_planted_sinter_ignores_last_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """An SINTER that forgets the last key."""
    orig = dispatch.TABLE[b"sinter"].handler
    assert orig is not None

    def sinter(s: Step, argv: list[bytes]) -> Any:
        return orig(s, argv[:-1] if len(argv) > 2 else argv)

    replace_handler(monkeypatch, b"sinter", sinter)
    _fails_with("reply_matches_model")
