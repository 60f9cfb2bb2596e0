"""The bitmap commands as a state machine: the spec against a bit-list model.

Hypothesis drives one client of a spec server over three keys with SETBIT, GETBIT, BITCOUNT,
BITPOS, BITOP, BITFIELD (GET/SET/INCRBY under WRAP/SAT/FAIL), APPEND, SET and LPUSH (another
type). The model is ``key -> bytearray`` for strings, written with its own bit arithmetic
(a bit list, most significant bit first; overflow by plain integer range checks), plus the
encoding each key must report: "raw" once changed in place or built by BITOP, else what
``tryObjectEncoding`` derives from the content.

Invariants (checked after every step, in this order; each has a planted-bug test below):

- ``matches_model``: every string key holds exactly the model's bytes; no other keys.
- ``encoding_rule``: OBJECT ENCODING of every string is the model's.
- ``bitcount_is_popcount``: BITCOUNT of every key is the popcount of the model.
- ``bitpos_consistent_with_getbit``: for a bit b, BITPOS answers a position p where GETBIT is
  b and BITCOUNT over bits 0..p-1 shows no earlier b (or -1 / the length for none).
- ``bitfield_read_after_write``: after a BITFIELD, BITFIELD_RO GET of its last successful
  write answers the value that write stored (checked inside the rule, before its replies).
- ``reply_matches_model``: every reply agrees with the model.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import machine_test, planted_settings, replace_handler, tripper
from redspec.spec.commands import bitmaps
from redspec.spec.reply import encode2
from redspec.spec.step import Step
from redspec.spec.types.string import EmbStr, RawStr

MECHANISM = "types"

KEYS = [b"k0", b"k1", b"k2"]
NOW = 1_000_000
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
STRING_VALUES = [b"", b"12", b"-7", b"abc", b"\xff\x00", b"x" * 45, b"007"]

keys_ = st.sampled_from(KEYS)
FIELD_TYPES = [(True, 1), (True, 3), (True, 8), (True, 13), (True, 64),
               (False, 1), (False, 3), (False, 8), (False, 13), (False, 63)]
FIELD_VALUES = [0, 1, -1, 5, 100, -100, 300, 2**40, -(2**40), 2**62, 2**63 - 1]


def _bits(b: bytes) -> list[int]:
    return [(c >> (7 - i)) & 1 for c in b for i in range(8)]


def _from_bits(bits: list[int]) -> bytearray:
    out = bytearray(len(bits) // 8)
    for i, x in enumerate(bits):
        if x:
            out[i // 8] |= 0x80 >> (i % 8)
    return out


def _derived_encoding(v: bytes) -> str:
    """``tryObjectEncoding`` in the model's own words."""
    try:
        text = v.decode("ascii")
        n = int(text)
        if str(n) == text and -(2**63) <= n < 2**63 and len(v) <= 20:
            return "int"
    except ValueError:
        pass
    return "embstr" if len(v) <= 44 else "raw"


def _ranged(start: int, end: int, total: int) -> tuple[int, int]:
    start = max(start + total if start < 0 else start, 0)
    end = min(max(end + total if end < 0 else end, 0), total - 1)
    return start, end


class BitmapsMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1)
        self.model: dict[bytes, bytearray] = {}
        self.raw: set[bytes] = set()
        self.others: set[bytes] = set()

    # -- plumbing ---------------------------------------------------------------------------

    def grow(self, key: bytes, nbytes: int) -> bytearray:
        v = self.model.setdefault(key, bytearray())
        if len(v) < nbytes:
            v.extend(bytes(nbytes - len(v)))
        return v

    def forget(self, key: bytes) -> None:
        self.model.pop(key, None)
        self.raw.discard(key)
        self.others.discard(key)

    # -- writes -----------------------------------------------------------------------------

    @rule(key=keys_, offset=st.integers(0, 40), on=st.sampled_from([0, 1]))
    def setbit(self, key: bytes, offset: int, on: int) -> None:
        frame = self.run(b"SETBIT", key, b"%d" % offset, b"%d" % on)
        if key in self.others:
            self.expect_value(frame, WRONGTYPE, "SETBIT")
            return
        v = self.grow(key, offset // 8 + 1)
        bits = _bits(bytes(v))
        self.expect_value(frame, b":%d\r\n" % bits[offset], "SETBIT")
        bits[offset] = on
        self.model[key] = _from_bits(bits)
        self.raw.add(key)

    @rule(key=keys_, value=st.sampled_from(STRING_VALUES))
    def set_string(self, key: bytes, value: bytes) -> None:
        self.run(b"SET", key, value)
        self.forget(key)
        self.model[key] = bytearray(value)

    @rule(key=keys_, value=st.sampled_from([b"", b"1", b"z"]))
    def append(self, key: bytes, value: bytes) -> None:
        frame = self.run(b"APPEND", key, value)
        if key in self.others:
            self.expect_value(frame, WRONGTYPE, "APPEND")
            return
        if key in self.model:
            self.model[key] += value
            self.raw.add(key)
        else:
            self.model[key] = bytearray(value)
        self.expect_value(frame, b":%d\r\n" % len(self.model[key]), "APPEND")

    @rule(key=keys_)
    def make_list(self, key: bytes) -> None:
        self.run(b"DEL", key)
        self.run(b"LPUSH", key, b"x")
        self.forget(key)
        self.others.add(key)

    @rule(key=keys_)
    def delete(self, key: bytes) -> None:
        self.run(b"DEL", key)
        self.forget(key)

    @rule(op=st.sampled_from([b"AND", b"OR", b"XOR", b"NOT"]), dest=keys_,
          srcs=st.lists(keys_, min_size=1, max_size=3))
    def bitop(self, op: bytes, dest: bytes, srcs: list[bytes]) -> None:
        if op == b"NOT":
            srcs = srcs[:1]
        frame = self.run(b"BITOP", op, dest, *srcs)
        if any(k in self.others for k in srcs):
            self.expect_value(frame, WRONGTYPE, "BITOP")
            return
        vals = [bytes(self.model.get(k, b"")) for k in srcs]
        n = max(len(x) for x in vals)
        cols = [_bits(x + bytes(n - len(x))) for x in vals]
        out = cols[0]
        for c in cols[1:]:
            if op == b"AND":
                out = [a & b for a, b in zip(out, c, strict=True)]
            elif op == b"OR":
                out = [a | b for a, b in zip(out, c, strict=True)]
            else:
                out = [a ^ b for a, b in zip(out, c, strict=True)]
        if op == b"NOT":
            out = [1 - a for a in out]
        self.expect_value(frame, b":%d\r\n" % n, "BITOP")
        self.forget(dest)
        if n:
            self.model[dest] = _from_bits(out)
            self.raw.add(dest)

    @rule(key=keys_, ops=st.lists(st.tuples(
        st.sampled_from([b"GET", b"SET", b"INCRBY"]), st.sampled_from(FIELD_TYPES),
        st.integers(0, 30), st.sampled_from(FIELD_VALUES),
        st.sampled_from([None, b"WRAP", b"SAT", b"FAIL"])), min_size=1, max_size=3))
    def bitfield(self, key: bytes, ops: list[tuple[bytes, tuple[bool, int], int, int,
                                                   bytes | None]]) -> None:
        argv = [b"BITFIELD", key]
        for name, (signed, width), off, val, ow in ops:
            if ow is not None:
                argv += [b"OVERFLOW", ow]
            argv += [name, b"%s%d" % (b"i" if signed else b"u", width), b"%d" % off]
            if name != b"GET":
                argv.append(b"%d" % val)
        frame = self.run(*argv)
        if key in self.others:
            self.expect_value(frame, WRONGTYPE, "BITFIELD")
            return
        writes = [op for op in ops if op[0] != b"GET"]
        if writes:
            top = max(off + w for _, (_, w), off, _, _ in writes)
            bits = _bits(bytes(self.grow(key, (top - 1) // 8 + 1)))
            self.raw.add(key)
        else:
            bits = _bits(bytes(self.model.get(key, b"")))
        replies: list[int | None] = []
        overflow = b"WRAP"
        last: tuple[bytes, int, int] | None = None
        for name, (signed, width), off, val, ow in ops:
            if ow is not None:
                overflow = ow
            field = (bits + [0] * (off + width))[off : off + width]
            old = int("".join(map(str, field)), 2)
            if signed and field[0]:
                old -= 1 << width
            if name == b"GET":
                replies.append(old)
                continue
            lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
            want = old + val if name == b"INCRBY" else val
            if not signed and name == b"SET" and val < 0:
                want = val + (1 << 64)  # C casts the value to uint64_t
            if lo <= want <= hi:
                new = want
            elif overflow == b"FAIL":
                replies.append(None)
                continue
            elif overflow == b"SAT":
                new = hi if want > hi else lo
            else:
                new = (want - lo) % (hi - lo + 1) + lo
            replies.append(new if name == b"INCRBY" else old)
            u = new & ((1 << width) - 1)
            bits[off : off + width] = [(u >> (width - 1 - i)) & 1 for i in range(width)]
            last = (b"%s%d" % (b"i" if signed else b"u", width), off, new)
        if writes:
            self.model[key] = _from_bits(bits)
        if last is not None:
            got = self.run(b"BITFIELD_RO", key, b"GET", last[0], b"%d" % last[1])
            assert got == encode2([last[2]]), (
                f"bitfield_read_after_write: {argv!r} wrote {last[2]} at {last[1]} as "
                f"{last[0]!r}, read back {got!r}")
        self.expect_value(frame, encode2(replies), f"BITFIELD {argv!r}")

    # -- reads ------------------------------------------------------------------------------

    @rule(key=keys_, offset=st.integers(0, 40))
    def getbit(self, key: bytes, offset: int) -> None:
        frame = self.run(b"GETBIT", key, b"%d" % offset)
        if key in self.others:
            self.expect_value(frame, WRONGTYPE, "GETBIT")
            return
        bits = _bits(bytes(self.model.get(key, b"")))
        self.expect_value(frame, b":%d\r\n" % (bits[offset] if offset < len(bits) else 0), "GETBIT")

    @rule(key=keys_, start=st.integers(-12, 12), end=st.integers(-12, 12),
          unit=st.sampled_from([None, b"BYTE", b"BIT"]))
    def bitcount_range(self, key: bytes, start: int, end: int, unit: bytes | None) -> None:
        argv = [b"BITCOUNT", key, b"%d" % start, b"%d" % end] + ([unit] if unit else [])
        frame = self.run(*argv)
        if key in self.others:
            self.expect_value(frame, WRONGTYPE, "BITCOUNT")
            return
        v = bytes(self.model.get(key, b""))
        bits = _bits(v)
        if key not in self.model or (start < 0 and end < 0 and start > end):
            self.expect_value(frame, b":0\r\n", "BITCOUNT")
            return
        if unit == b"BIT":
            a, b = _ranged(start, end, len(bits))
            want = sum(bits[a : b + 1]) if a <= b else 0
        else:
            a, b = _ranged(start, end, len(v))
            want = sum(bits[a * 8 : b * 8 + 8]) if a <= b else 0
        self.expect_value(frame, b":%d\r\n" % want, f"{argv!r}")

    @rule(key=keys_, bit=st.sampled_from([0, 1]), rng=st.one_of(
        st.just(()), st.tuples(st.integers(-4, 4)),
        st.tuples(st.integers(-4, 4), st.integers(-4, 4)),
        st.tuples(st.integers(-20, 20), st.integers(-20, 20), st.sampled_from([b"BIT", b"BYTE"]))))
    def bitpos(self, key: bytes, bit: int, rng: tuple[Any, ...]) -> None:
        argv = [b"BITPOS", key, b"%d" % bit] + [x if isinstance(x, bytes) else b"%d" % x
                                               for x in rng]
        frame = self.run(*argv)
        if key in self.others:
            self.expect_value(frame, WRONGTYPE, "BITPOS")
            return
        if key not in self.model:
            self.expect_value(frame, b":%d\r\n" % (-1 if bit else 0), "BITPOS missing")
            return
        v = bytes(self.model[key])
        bits = _bits(v)
        isbit = len(rng) == 3 and rng[2] == b"BIT"
        total = len(bits) if isbit else len(v)
        start = rng[0] if rng else 0
        end = rng[1] if len(rng) >= 2 else total - 1
        a, b = _ranged(start, end, total)
        if not isbit:
            a, b = a * 8, b * 8 + 7
        want = -1
        if a <= b:
            hits = [i for i in range(a, b + 1) if bits[i] == bit]
            if hits:
                want = hits[0]
            elif bit == 0 and len(rng) < 2:
                want = b + 1
        self.expect_value(frame, b":%d\r\n" % want, f"{argv!r}")

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def check_state(self) -> None:
        keys = dict(self.state.dbs[0].keys.items())
        strings = {k: v for k, v in keys.items() if isinstance(v, bytes)}
        want = {k: bytes(v) for k, v in self.model.items()}
        assert strings == want, f"matches_model: db {strings}, model {want}"
        assert set(keys) == set(want) | self.others, f"matches_model: keys {set(keys)}"
        for k, v in strings.items():
            enc = self.run(b"OBJECT", b"ENCODING", k)
            model_enc = "raw" if k in self.raw else _derived_encoding(v)
            assert enc == encode2(model_enc.encode()), (
                f"encoding_rule: {k!r} ({type(v).__name__}) is {enc!r}, model {model_enc}")
        for k, v in strings.items():
            got = self.run(b"BITCOUNT", k)
            assert got == b":%d\r\n" % sum(_bits(v)), (
                f"bitcount_is_popcount: {k!r}={v!r} BITCOUNT {got!r}")
        for k, v in strings.items():
            for b in (0, 1):
                frame = self.run(b"BITPOS", k, b"%d" % b)
                p = int(frame[1:-2])
                n = len(v) * 8
                if p == -1 or p == n:
                    assert (b == 1 and p == -1 and sum(_bits(v)) == 0 or
                            b == 0 and p == n and self.run(b"BITCOUNT", k) == b":%d\r\n" % n or
                            n == 0 and p == -1), (
                        f"bitpos_consistent_with_getbit: {k!r} BITPOS {b} = {p} of {n} bits")
                    continue
                earlier = self.run(b"BITCOUNT", k, b"0", b"%d" % (p - 1), b"BIT") if p else b":0\r\n"
                assert (self.run(b"GETBIT", k, b"%d" % p) == b":%d\r\n" % b
                        and earlier == b":%d\r\n" % (0 if b else p)), (
                    f"bitpos_consistent_with_getbit: {k!r} BITPOS {b} = {p}, earlier {earlier!r}")


TestBitmapsMachine = machine_test(BitmapsMachine, max_examples=100, steps=25)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=300, steps=25)
_fails_with = tripper(BitmapsMachine, PLANTED)


def test_planted_setbit_grows_one_byte_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lookupStringForBitCommand`` padding one byte past the addressed one."""
    orig = bitmaps.grow_for_write

    def grow(s: Step, key: bytes, maxbit: int) -> Any:
        return orig(s, key, maxbit + 8)

    monkeypatch.setattr(bitmaps, "grow_for_write", grow)
    _fails_with("matches_model")


def test_planted_setbit_keeps_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-place writes storing plain bytes (OBJECT ENCODING then says int/embstr)."""

    def store(s: Step, key: bytes, buf: bytearray, created: bool) -> None:
        s.db.set_key(key, bytes(buf), keep_ttl=True)

    monkeypatch.setattr(bitmaps, "_store", store)
    _fails_with("encoding_rule")


def test_planted_bitcount_skips_last_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    """BITCOUNT of a whole string that forgets its last byte."""
    orig = bitmaps.bitcount

    def bitcount(s: Step, argv: list[bytes]) -> Any:
        if len(argv) == 2:
            v = s.db.lookup_read(argv[1])
            if isinstance(v, bytes):
                return int.from_bytes(v[:-1], "big").bit_count()
        return orig(s, argv)

    replace_handler(monkeypatch, b"bitcount", bitcount)
    _fails_with("bitcount_is_popcount")


def test_planted_bitpos_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """BITPOS without a range answering one past the bit it found."""
    orig = bitmaps.bitpos

    def bitpos(s: Step, argv: list[bytes]) -> Any:
        r = orig(s, argv)
        if len(argv) == 3 and isinstance(r, int) and r > 0 and s.db.lookup_read(argv[1]):
            return r + 1
        return r

    replace_handler(monkeypatch, b"bitpos", bitpos)
    _fails_with("bitpos_consistent_with_getbit")


def test_planted_bitfield_writes_one_bit_late(monkeypatch: pytest.MonkeyPatch) -> None:
    """``setUnsignedBitfield`` writing one bit to the right of the field."""
    orig = bitmaps._set_field

    def set_field(buf: bytearray, offset: int, bits: int, value: int) -> None:
        if (offset + bits) // 8 + 1 <= len(buf):
            offset += 1
        orig(buf, offset, bits, value)

    monkeypatch.setattr(bitmaps, "_set_field", set_field)
    _fails_with("bitfield_read_after_write")


def test_planted_bitop_and_as_or(monkeypatch: pytest.MonkeyPatch) -> None:
    """BITOP AND computed as OR (data and reply length fine, content wrong)."""
    orig = bitmaps.bitop

    def bitop(s: Step, argv: list[bytes]) -> Any:
        if argv[1].lower() == b"and":
            argv = [argv[0], b"OR", *argv[2:]]
        return orig(s, argv)

    replace_handler(monkeypatch, b"bitop", bitop)
    _fails_with("matches_model")


def test_planted_setbit_replies_new_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """SETBIT answering the bit it wrote instead of the previous one (state stays right)."""
    orig = bitmaps.setbit

    def setbit(s: Step, argv: list[bytes]) -> Any:
        r = orig(s, argv)
        return int(argv[3]) if isinstance(r, int) else r

    replace_handler(monkeypatch, b"setbit", setbit)
    _fails_with("reply_matches_model")


def test_raw_values_are_strings() -> None:
    """RawStr and EmbStr are strings for every generic reader (TYPE, type checks)."""
    from redspec.spec.values import encoding_of, type_name

    assert type_name(RawStr(b"1")) == type_name(EmbStr(b"1")) == "string"
    assert encoding_of(RawStr(b"1")) == "raw" and encoding_of(EmbStr(b"1")) == "embstr"
    assert encoding_of(EmbStr(b"x" * 45)) == "raw" and encoding_of(b"1") == "int"
