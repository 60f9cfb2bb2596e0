"""The hash commands as a state machine: the spec against a plain Python model.

Hypothesis drives one client of a spec server over three keys, four fields (one longer than
the value limit) and a few values (one too long, some numeric), with
``hash-max-listpack-entries`` 2 and ``hash-max-listpack-value`` 3 so both conversions happen
often. Commands: HSET (several pairs, repeats allowed), HSETNX, HDEL, HINCRBY, HINCRBYFLOAT,
HGET, HMGET, HLEN, HSTRLEN, HEXISTS, HGETALL, HKEYS, HVALS, HRANDFIELD with a count (and
WITHVALUES), and SET/DEL to bring other types and absence in.

The model is ``key -> dict``: a Python dict keeps insertion order, an overwrite keeps the
place and a delete closes the gap — exactly a listpack's order — plus the encoding the model
derives from Redis's rules (hashtable once a field or value longer than 3 bytes is written or
a third field arrives; never back).

Invariants (checked after every step; each has a planted-bug test below):

- ``no_empty_aggregate``: no key holds a hash without fields.
- ``encoding_change_preserves_value``: when a key's encoding changed in a step, its pairs are
  still exactly the model's.
- ``encoding_matches_model``: OBJECT ENCODING is what the model derives.
- ``listpack_order``: a listpack hash iterates in the model's insertion order.
- ``matches_model``: every key's pairs agree with the model.
- ``reply_matches_model``: each reply agrees with the model (HGETALL & co. byte for byte on a
  listpack, as multisets on a hashtable; HRANDFIELD: sizes, membership, distinctness).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
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
from redspec.spec.reply import Map as RMap
from redspec.spec.reply import encode2
from redspec.spec.step import Step
from redspec.spec.types.hash import HashValue

MECHANISM = "types"

KEYS = AGGREGATE_KEYS
FIELDS = [b"a", b"b", b"c", b"long"]
VALUES = [b"1", b"-2", b"x", b"", b"1.5", b"many"]
MAX_ENTRIES = 2
MAX_VALUE = 3
NOW = 1_000_000

keys_ = st.sampled_from(KEYS)
fields_ = st.sampled_from(FIELDS)
values_ = st.sampled_from(VALUES)

_INT = re.compile(rb"-?[1-9][0-9]*|0")
_DEC = re.compile(rb"-?[0-9]+(\.[0-9]+)?")
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def _model_int(v: bytes) -> int | None:
    return int(v) if _INT.fullmatch(v) and -(2**63) <= int(v) < 2**63 else None


def _model_dec(v: bytes) -> Fraction | None:
    return Fraction(v.decode()) if _DEC.fullmatch(v) else None


def _fmt(x: Fraction) -> bytes:
    """The model's printing of a sum of halves (what ``%.17Lf`` minus trailing zeros gives)."""
    d = Decimal(x.numerator) / Decimal(x.denominator)
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return b"0" if s in ("-0", "") else s.encode()


def _bulks(frame: bytes) -> list[bytes]:
    """The bulk strings of a flat array / map frame, in order."""
    lines = frame.split(b"\r\n")
    assert lines[0][:1] in (b"*", b"%"), f"reply_matches_model: not an array: {frame!r}"
    return [lines[i] for i in range(2, len(lines) - 1, 2)]


class HashesMachine(AggregateModel, RuleBasedStateMachine):
    """``model``: key -> {field: value}."""

    VALUE, NOUN = HashValue, "hash"

    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1, **{"hash-max-listpack-entries": MAX_ENTRIES,
                                          "hash-max-listpack-value": MAX_VALUE})
        self.start()

    # -- plumbing ---------------------------------------------------------------------------

    def contents(self, v: HashValue) -> dict[bytes, bytes]:
        return dict(v.fields.items())

    def write(self, key: bytes, pairs: list[tuple[bytes, bytes]]) -> int:
        """``hashTypeSet`` per pair, on the model; returns how many fields were new."""
        h = self.model.setdefault(key, {})
        enc = self.enc.setdefault(key, "listpack")
        new = 0
        for f, v in pairs:
            if len(f) > MAX_VALUE or len(v) > MAX_VALUE:
                enc = "hashtable"
            new += f not in h
            h[f] = v
        if len(h) > MAX_ENTRIES:
            enc = "hashtable"
        self.enc[key] = enc
        return new

    # -- writes -----------------------------------------------------------------------------

    @rule(key=keys_, pairs=st.lists(st.tuples(fields_, values_), min_size=1, max_size=4))
    def hset(self, key: bytes, pairs: list[tuple[bytes, bytes]]) -> None:
        frame = self.run(b"HSET", key, *[x for p in pairs for x in p])
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "HSET")
            return
        self.expect_value(frame, b":%d\r\n" % self.write(key, pairs), "HSET")

    @rule(key=keys_, field=fields_, value=values_)
    def hsetnx(self, key: bytes, field: bytes, value: bytes) -> None:
        frame = self.run(b"HSETNX", key, field, value)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "HSETNX")
        elif field in self.model.get(key, {}):
            self.expect_value(frame, b":0\r\n", "HSETNX existing")
        else:
            self.expect_value(frame, b":%d\r\n" % self.write(key, [(field, value)]), "HSETNX")

    @rule(key=keys_, names=st.lists(fields_, min_size=1, max_size=3))
    def hdel(self, key: bytes, names: list[bytes]) -> None:
        frame = self.run(b"HDEL", key, *names)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "HDEL")
            return
        h = self.model.get(key, {})
        gone = {f for f in names if f in h}
        self.expect_value(frame, b":%d\r\n" % len(gone), "HDEL")
        for f in gone:
            del h[f]
        if key in self.model and not h:
            self.forget(key)

    @rule(key=keys_, field=fields_, incr=st.sampled_from([b"1", b"-3", b"x"]))
    def hincrby(self, key: bytes, field: bytes, incr: bytes) -> None:
        frame = self.run(b"HINCRBY", key, field, incr)
        if incr == b"x":
            self.expect_value(frame, b"-ERR value is not an integer or out of range\r\n", "HINCRBY")
            return
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "HINCRBY")
            return
        old = self.model.get(key, {}).get(field, b"0")
        n = _model_int(old)
        if n is None:
            self.expect_value(frame, b"-ERR hash value is not an integer\r\n", "HINCRBY")
            return
        total = n + int(incr)
        self.expect_value(frame, b":%d\r\n" % total, "HINCRBY")
        self.write(key, [(field, b"%d" % total)])

    @rule(key=keys_, field=fields_, incr=st.sampled_from([b"0.5", b"-2", b"inf"]))
    def hincrbyfloat(self, key: bytes, field: bytes, incr: bytes) -> None:
        frame = self.run(b"HINCRBYFLOAT", key, field, incr)
        if incr == b"inf":
            self.expect_value(frame, b"-ERR value is NaN or Infinity\r\n", "HINCRBYFLOAT")
            return
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "HINCRBYFLOAT")
            return
        old = self.model.get(key, {}).get(field, b"0")
        x = _model_dec(old)
        if x is None:
            self.expect_value(frame, b"-ERR hash value is not a float\r\n", "HINCRBYFLOAT")
            return
        new = _fmt(x + Fraction(incr.decode()))
        self.expect_value(frame, b"$%d\r\n%s\r\n" % (len(new), new), "HINCRBYFLOAT")
        self.write(key, [(field, new)])

    # -- reads ------------------------------------------------------------------------------

    @rule(key=keys_, names=st.lists(fields_, min_size=1, max_size=3))
    def point_reads(self, key: bytes, names: list[bytes]) -> None:
        f0 = names[0]
        if key in self.strings:
            for argv in ([b"HGET", key, f0], [b"HMGET", key, *names], [b"HLEN", key],
                         [b"HSTRLEN", key, f0], [b"HEXISTS", key, f0]):
                self.expect_value(self.run(*argv), WRONGTYPE, argv[0].decode())
            return
        h = self.model.get(key, {})
        self.expect_value(self.run(b"HGET", key, f0), encode2(h.get(f0)), "HGET")
        self.expect_value(self.run(b"HMGET", key, *names), encode2([h.get(f) for f in names]),
                    "HMGET")
        self.expect_value(self.run(b"HLEN", key), b":%d\r\n" % len(h), "HLEN")
        self.expect_value(self.run(b"HSTRLEN", key, f0), b":%d\r\n" % len(h.get(f0, b"")),
                    "HSTRLEN")
        self.expect_value(self.run(b"HEXISTS", key, f0), b":%d\r\n" % (f0 in h), "HEXISTS")

    @rule(key=keys_)
    def whole_reads(self, key: bytes) -> None:
        frames = [self.run(b"HGETALL", key), self.run(b"HKEYS", key), self.run(b"HVALS", key)]
        if key in self.strings:
            for fr in frames:
                self.expect_value(fr, WRONGTYPE, "HGETALL/HKEYS/HVALS")
            return
        h = self.model.get(key, {})
        wants = [encode2(RMap(h.items())), encode2(list(h)), encode2(list(h.values()))]
        for name, got, want in zip(("HGETALL", "HKEYS", "HVALS"), frames, wants, strict=True):
            if self.enc.get(key) == "hashtable":
                self.expect_value(sorted(_bulks(got)), sorted(_bulks(want)), name)
            else:
                self.expect_value(got, want, name)

    @rule(key=keys_, count=st.integers(-5, 5), withvalues=st.booleans())
    def hrandfield(self, key: bytes, count: int, withvalues: bool) -> None:
        argv = [b"HRANDFIELD", key, b"%d" % count] + ([b"WITHVALUES"] if withvalues else [])
        frame = self.run(*argv)
        if key in self.strings:
            self.expect_value(frame, WRONGTYPE, "HRANDFIELD")
            return
        h = self.model.get(key, {})
        got = _bulks(frame)
        pairs = list(zip(got[0::2], got[1::2], strict=True)) if withvalues else [
            (f, h.get(f)) for f in got]
        assert all(f in h and h[f] == v for f, v in pairs), (
            f"reply_matches_model: HRANDFIELD gave {pairs!r} from {h!r}")
        if not h or count == 0:
            self.expect_value(got, [], "HRANDFIELD empty")
        elif count < 0:
            self.expect_value(len(pairs), -count, "HRANDFIELD negative count size")
        else:
            self.expect_value(len(pairs), min(count, len(h)), "HRANDFIELD size")
            assert len({f for f, _ in pairs}) == len(pairs), "reply_matches_model: repeats"
            if count >= len(h) and count > 1 and self.enc[key] == "listpack":
                self.expect_value([f for f, _ in pairs], list(h), "HRANDFIELD whole listpack order")

    # -- invariants -------------------------------------------------------------------------

    def representation(self, values: dict[bytes, HashValue]) -> None:
        for k, v in values.items():
            if v.encoding == "listpack":
                assert list(v.keys()) == list(self.model.get(k, {})), (
                    f"listpack_order: {k!r} iterates {list(v.keys())}, model "
                    f"{list(self.model.get(k, {}))}"
                )


TestHashesMachine = machine_test(HashesMachine, max_examples=120, steps=30)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=1000, steps=30)
_fails_with = tripper(HashesMachine, PLANTED)


def test_planted_hdel_keeps_empty_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """An HDEL that stores the emptied hash instead of deleting the key."""

    replace_handler(monkeypatch, b"hdel", removal_keeping_empty(HashValue, HashValue.delete_many))
    _fails_with("no_empty_aggregate")


def test_planted_conversion_drops_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """A listpack -> hashtable conversion that loses the first field on the way."""
    orig, orig_set = HashValue.set_many, HashValue.set

    def set_many(self: HashValue, pairs: list[bytes], start: int, me: int,
                 mv: int, seed: Any = None) -> tuple[HashValue, int]:
        nv, n = orig(self, pairs, start, me, mv, seed)
        if self.order is not None and len(self) and nv.order is None and len(nv) > 1:
            nv = nv.delete(next(self.keys()))
        return nv, n

    def set_(self: HashValue, f: bytes, v: bytes, me: int, mv: int,
             seed: Any = None) -> tuple[HashValue, bool]:
        nv, new = orig_set(self, f, v, me, mv, seed)
        if self.order is not None and len(self) and nv.order is None and len(nv) > 1:
            nv = nv.delete(next(self.keys()))
        return nv, new

    monkeypatch.setattr(HashValue, "set", set_)
    monkeypatch.setattr(HashValue, "set_many", set_many)
    _fails_with("encoding_change_preserves_value")


def test_planted_no_entry_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A listpack that ignores ``hash-max-listpack-entries`` (pairs right, encoding wrong)."""
    orig_set, orig_many = HashValue.set, HashValue.set_many

    def set_(self: HashValue, f: bytes, v: bytes, me: int, mv: int,
             seed: Any = None) -> tuple[HashValue, bool]:
        return orig_set(self, f, v, 1 << 30, mv, seed)

    def set_many(self: HashValue, pairs: list[bytes], start: int, me: int,
                 mv: int, seed: Any = None) -> tuple[HashValue, int]:
        return orig_many(self, pairs, start, 1 << 30, mv, seed)

    monkeypatch.setattr(HashValue, "set", set_)
    monkeypatch.setattr(HashValue, "set_many", set_many)
    _fails_with("encoding_matches_model")


def test_planted_overwrite_moves_field_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """An overwrite of an existing listpack field that re-appends it (delete + insert)."""
    orig_many, orig_set = HashValue.set_many, HashValue.set

    def set_many(self: HashValue, pairs: list[bytes], start: int, me: int,
                 mv: int, seed: Any = None) -> tuple[HashValue, int]:
        nv, n = orig_many(self, pairs, start, me, mv, seed)
        if nv.order is None:
            return nv, n
        order, seq = nv.order, nv.seq
        for j in range(start, len(pairs), 2):
            if pairs[j] in self:
                order, seq = order.set(pairs[j], seq), seq + 1
        return HashValue(nv.fields, order, seq), n

    def set_(self: HashValue, f: bytes, v: bytes, me: int, mv: int,
             seed: Any = None) -> tuple[HashValue, bool]:
        nv, new = orig_set(self, f, v, me, mv, seed)
        if nv.order is not None and f in self:
            nv = HashValue(nv.fields, nv.order.set(f, nv.seq), nv.seq + 1)
        return nv, new

    monkeypatch.setattr(HashValue, "set", set_)
    monkeypatch.setattr(HashValue, "set_many", set_many)
    _fails_with("listpack_order")


def test_planted_hsetnx_overwrites(monkeypatch: pytest.MonkeyPatch) -> None:
    """An HSETNX that answers 0 for an existing field but writes the value anyway (a short
    value, so that no conversion shows it first)."""
    orig = dispatch.TABLE[b"hsetnx"].handler
    hset = dispatch.TABLE[b"hset"].handler
    assert orig is not None and hset is not None

    def hsetnx(s: Step, argv: list[bytes]) -> Any:
        v = s.db.lookup_write(argv[1])
        if type(v) is HashValue and argv[2] in v and len(argv[3]) <= MAX_VALUE:
            hset(s, [b"hset", *argv[1:]])
            return 0
        return orig(s, argv)

    replace_handler(monkeypatch, b"hsetnx", hsetnx)
    _fails_with("matches_model")


def test_planted_hincrby_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """An HINCRBY whose reply is one more than what it stores."""
    orig = dispatch.TABLE[b"hincrby"].handler
    assert orig is not None

    def hincrby(s: Step, argv: list[bytes]) -> Any:
        r = orig(s, argv)
        return r + 1 if type(r) is int else r

    replace_handler(monkeypatch, b"hincrby", hincrby)
    _fails_with("reply_matches_model")
