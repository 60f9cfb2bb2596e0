"""HyperLogLog as a state machine: the spec against a model of plain Python sets.

Hypothesis drives one client over three keys with elements from a pool of 64, and
``hll-sparse-max-bytes`` 40 so sparse HLLs are promoted to dense often. Commands: PFADD,
PFCOUNT (one key and several), PFMERGE, PFDEBUG TODENSE, SET of a copy (GET's bytes), SET of a
plain string, DEL. The model is ``key -> set of elements``; its registers are derived from the
set with the model's own copy of the hash (``hllPatLen``), and stored bytes are read back with
the model's own decoder (below), independent of ``spec.types.hll``'s.

Invariants (each with a planted-bug test below):

- ``merge_is_registerwise_max`` (checked in the PFMERGE rule): the destination's registers are
  the register-wise maximum of the sources'.
- ``registers_match_model``: every HLL's registers, decoded by the model, are those its element
  set implies (this is also "an encoding change preserves the value").
- ``sparse_dense_same_count``: a sparse HLL and its dense conversion give the same count.
- ``cache_consistent``: a valid cached cardinality is the estimate of the registers.
- ``sparse_within_limit``: a sparse HLL never exceeds ``hll-sparse-max-bytes``.
- ``count_within_bound``: PFCOUNT is within the HLL error bound of the true cardinality
  (for these small sets, at most 2% + 1 away).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
- ``roundtrip`` (a @given test): registers written into a sparse HLL one by one decode back to
  the same registers, sparse -> dense keeps them, and dense pack/unpack is the identity.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import machine_test, planted_settings, tripper
from redspec.spec.commands import hyperloglog as H
from redspec.spec.types import hll

MECHANISM = "types"

KEYS = [b"k0", b"k1", b"k2"]
POOL = [b"e%d" % i for i in range(64)]
MAX_BYTES = 40
NOW = 1_000_000
_MASK = (1 << 64) - 1

keys_ = st.sampled_from(KEYS)
elements_ = st.lists(st.sampled_from(POOL), min_size=0, max_size=12)
key_lists = st.lists(keys_, min_size=1, max_size=3)
NOT_HLL = b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"


# -- the model's own hash and decoder -----------------------------------------------------------


def _murmur(data: bytes, seed: int = 0xADC83B19) -> int:
    """MurmurHash64A written out plainly (byte by byte), for the model."""
    m = 0xC6A4A7935BD1E995
    n = len(data)
    h = (seed ^ (n * m)) & _MASK
    blocks = n - n % 8
    for i in range(0, blocks, 8):
        k = sum(data[i + j] << (8 * j) for j in range(8))
        k = (k * m) & _MASK
        k ^= k >> 47
        k = (k * m) & _MASK
        h ^= k
        h = (h * m) & _MASK
    tail = data[blocks:]
    if tail:
        for j, byte in enumerate(tail):
            h ^= byte << (8 * j)
        h = (h * m) & _MASK
    h ^= h >> 47
    h = (h * m) & _MASK
    return h ^ (h >> 47)


def model_registers(elements: set[bytes]) -> dict[int, int]:
    """Register index -> value implied by a set of elements (zero registers omitted)."""
    regs: dict[int, int] = {}
    for e in elements:
        h = _murmur(e)
        index = h & 16383
        rest = h >> 14
        count = 1
        while count <= 50 and not rest & 1:
            count += 1
            rest >>= 1
        if count > regs.get(index, 0):
            regs[index] = count
    return regs


def model_decode(v: bytes) -> dict[int, int]:
    """The model's reading of an HLL's registers (zero registers omitted)."""
    regs: dict[int, int] = {}
    body = v[16:]
    if v[4] == 0:
        for g in range(4096):  # four 6-bit registers in every three bytes, LSB first
            w = body[3 * g] | (body[3 * g + 1] << 8) | (body[3 * g + 2] << 16)
            for k in range(4) if w else ():
                r = (w >> (6 * k)) & 63
                if r:
                    regs[4 * g + k] = r
        return regs
    idx = i = 0
    while i < len(body):
        b = body[i]
        if b & 0x80:
            n, val = (b & 3) + 1, ((b >> 2) & 31) + 1
            for j in range(idx, idx + n):
                regs[j] = val
            idx += n
            i += 1
        elif b & 0x40:
            idx += (((b & 0x3F) << 8) | body[i + 1]) + 1
            i += 2
        else:
            idx += b + 1
            i += 1
    assert idx == 16384, f"registers_match_model: sparse code covers {idx} registers"
    return regs


# -- the machine -----------------------------------------------------------------------------


class HllMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1, **{"hll-sparse-max-bytes": MAX_BYTES})
        #: key -> element set (an HLL); keys holding a plain (non-HLL) string.
        self.model: dict[bytes, set[bytes]] = {}
        self.strings: set[bytes] = set()

    def check_bound(self, frame: bytes, n: int, what: str) -> None:
        est = int(frame[1:-2])
        assert abs(est - n) <= 0.02 * n + 1, f"count_within_bound: {what}: {est} for {n}"

    @rule(key=keys_, elements=elements_)
    def pfadd(self, key: bytes, elements: list[bytes]) -> None:
        frame = self.run(b"PFADD", key, *elements)
        if key in self.strings:
            self.expect_value(frame, NOT_HLL, "PFADD on a string")
            return
        if key not in self.model:
            self.model[key] = set(elements)
            self.expect_value(frame, b":1\r\n", "PFADD new key")
            return
        before = model_registers(self.model[key])
        self.model[key] |= set(elements)
        changed = model_registers(self.model[key]) != before
        self.expect_value(frame, b":1\r\n" if changed else b":0\r\n", "PFADD")

    @rule(keys=key_lists)
    def pfcount(self, keys: list[bytes]) -> None:
        frame = self.run(b"PFCOUNT", *keys)
        if any(k in self.strings for k in keys):
            self.expect_value(frame, NOT_HLL, "PFCOUNT of a string")
            return
        union: set[bytes] = set()
        for k in keys:
            union |= self.model.get(k, set())
        self.check_bound(frame, len(union), f"PFCOUNT {keys}")

    @rule(dest=keys_, sources=key_lists)
    def pfmerge(self, dest: bytes, sources: list[bytes]) -> None:
        frame = self.run(b"PFMERGE", dest, *sources)
        if any(k in self.strings for k in [dest, *sources]):
            self.expect_value(frame, NOT_HLL, "PFMERGE with a string")
            return
        self.expect_value(frame, b"+OK\r\n", "PFMERGE")
        want: dict[int, int] = {}
        for k in [dest, *sources]:
            for j, r in model_registers(self.model.get(k, set())).items():
                want[j] = max(want.get(j, 0), r)
        got = model_decode(self.state.dbs[0].keys[dest])
        assert got == want, "merge_is_registerwise_max: PFMERGE result differs"
        union = set(self.model.get(dest, set()))
        for k in sources:
            union |= self.model.get(k, set())
        self.model[dest] = union

    @rule(key=keys_)
    def todense(self, key: bytes) -> None:
        frame = self.run(b"PFDEBUG", b"TODENSE", key)
        if key in self.strings:
            self.expect_value(frame, NOT_HLL, "PFDEBUG on a string")
        elif key not in self.model:
            self.expect_value(frame, b"-ERR The specified key does not exist\r\n", "PFDEBUG")

    @rule(src=keys_, dst=keys_)
    def copy_bytes(self, src: bytes, dst: bytes) -> None:
        """GET then SET: an HLL travels as plain string bytes."""
        v = self.state.dbs[0].keys.get(src)
        if v is None:
            return
        self.run(b"SET", dst, bytes(v))
        if src in self.strings:
            self.strings.add(dst)
            self.model.pop(dst, None)
        else:
            self.model[dst] = set(self.model[src])
            self.strings.discard(dst)

    @rule(key=keys_)
    def set_string(self, key: bytes) -> None:
        self.run(b"SET", key, b"hello")
        self.model.pop(key, None)
        self.strings.add(key)

    @rule(key=keys_)
    def delete(self, key: bytes) -> None:
        self.run(b"DEL", key)
        self.model.pop(key, None)
        self.strings.discard(key)

    @invariant()
    def check_state(self) -> None:
        keys = dict(self.state.dbs[0].keys.items())
        hlls = {k: bytes(v) for k, v in keys.items() if k in self.model}
        assert set(hlls) == set(self.model), "registers_match_model: key sets differ"
        for k, v in hlls.items():
            assert model_decode(v) == model_registers(self.model[k]), (
                f"registers_match_model: {k!r} ({'dense' if v[4] == 0 else 'sparse'})"
            )
        for k, v in hlls.items():
            if v[4] == hll.SPARSE:
                d = hll.sparse_to_dense(v)
                assert d is not None and H.count_one(v) == H.count_one(bytes(d)), (
                    f"sparse_dense_same_count: {k!r}"
                )
        for k, v in hlls.items():
            if not v[15] & 0x80:
                card = int.from_bytes(v[8:16], "little")
                assert card == H.count_one(v), f"cache_consistent: {k!r} caches {card}"
        for k, v in hlls.items():
            if v[4] == hll.SPARSE:
                assert len(v) <= MAX_BYTES, f"sparse_within_limit: {k!r} is {len(v)} bytes"


TestHllMachine = machine_test(HllMachine, max_examples=60, steps=25)


@st.composite
def register_sets(draw: st.DrawFn) -> dict[int, int]:
    n = draw(st.integers(0, 60))
    idx = draw(st.lists(st.integers(0, 16383), min_size=n, max_size=n, unique=True))
    return {j: draw(st.integers(1, 32)) for j in idx}


def _roundtrip(regs: dict[int, int], order: list[int]) -> None:
    ed = hll.SparseEditor(hll.new_sparse())
    for j in order:
        assert ed.set(j, regs[j], 1 << 20) in (0, 1), "roundtrip: sparse set failed"
    sparse = ed.to_bytes()
    assert model_decode(sparse) == regs, "roundtrip: sparse registers differ"
    dense = hll.sparse_to_dense(sparse)
    assert dense is not None and model_decode(bytes(dense)) == regs, "roundtrip: dense differs"
    raw = hll.unpack_dense(memoryview(dense)[16:])
    assert hll.pack_dense(raw) == bytes(dense[16:]), "roundtrip: pack(unpack) differs"
    assert hll.registers_of(sparse) == raw, "roundtrip: registers_of differs"


@settings(max_examples=60, deadline=None)
@given(regs=register_sets(), data=st.data())
def test_roundtrip(regs: dict[int, int], data: st.DataObject) -> None:
    order = data.draw(st.permutations(sorted(regs)))
    _roundtrip(regs, list(order))


# -- planted bugs: each invariant can fail -------------------------------------------------------

PLANTED = planted_settings(max_examples=300, steps=25)
_fails_with = tripper(HllMachine, PLANTED)


def test_planted_merge_keeps_destination(monkeypatch: pytest.MonkeyPatch) -> None:
    real = H._merge_registers

    def merge(v: bytes, regs: bytes, use_dense: bool, max_bytes: int) -> bytearray | None:
        own = hll.registers_of(v)  # the destination's own registers only
        return real(v, own if own is not None else regs, use_dense, max_bytes)

    monkeypatch.setattr(H, "_merge_registers", merge)
    _fails_with("merge_is_registerwise_max")


def test_planted_sparse_set_drops_value(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hll.SparseEditor.set

    def set_(self: hll.SparseEditor, index: int, count: int, max_bytes: int) -> int:
        return real(self, index, min(count, 2), max_bytes)  # values above 2 lost

    monkeypatch.setattr(hll.SparseEditor, "set", set_)
    _fails_with("registers_match_model")


def test_planted_sparse_histogram_miscounts(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hll.sparse_histogram

    def sparse_histogram(v: bytes) -> tuple[list[int], bool]:
        h, ok = real(v)
        h[0], h[1] = h[0] + h[1], 0  # registers holding 1 read as zero
        return h, ok

    monkeypatch.setattr(hll, "sparse_histogram", sparse_histogram)
    _fails_with("sparse_dense_same_count")


def test_planted_cache_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hll.with_card
    monkeypatch.setattr(hll, "with_card", lambda v, card: real(v, card + 1))
    _fails_with("cache_consistent")


def test_planted_sparse_limit_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    real = H.add_elements
    monkeypatch.setattr(H, "add_elements", lambda v, els, mx: real(v, els, 1 << 20))
    _fails_with("sparse_within_limit")


def test_planted_estimate_doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hll.estimate
    monkeypatch.setattr(hll, "estimate", lambda h: 2 * real(h))
    _fails_with("count_within_bound")


def test_planted_pack_swaps(monkeypatch: pytest.MonkeyPatch) -> None:
    real = hll.pack_dense

    def pack_dense(raw: bytes | bytearray) -> bytes:
        out = bytearray(real(raw))
        out[0], out[1] = out[1], out[0]
        return bytes(out)

    monkeypatch.setattr(hll, "pack_dense", pack_dense)
    with pytest.raises(AssertionError, match="roundtrip"):
        _roundtrip({0: 3, 1: 5, 700: 2}, [700, 0, 1])
