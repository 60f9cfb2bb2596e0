"""Type choice from access patterns (mechanism 10): the encoding ``redspec advise --pattern``
predicts for a candidate is the one the spec gives when the key is actually built.

Property (with planted-bug tests below that show it can fail):

- ``pattern_encoding_matches_spec``: for random patterns (element counts and sizes around
  small configured limits, integer or string ids, with or without values) and every candidate
  type, building one key of that candidate with ``spec.patterns.build_trace`` (one
  HSET/SADD/ZADD/RPUSH/SET/PFADD/SETBIT per element) on a spec server with the pattern's
  configuration leaves the key(s) in the OBJECT ENCODING ``spec.patterns.predicted_encoding``
  says -- and, for a HyperLogLog, in the sparse/dense representation it says (PFDEBUG
  ENCODING).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.planted import plant_limit_off_by_one, planted_settings, run_given
from redspec.spec import cost, patterns
from redspec.spec.patterns import CANDIDATES, Operation, Pattern
from redspec.spec.server import client_connect, new_server, run_command

MECHANISM = "typechoice"


@st.composite
def _patterns(draw: st.DrawFn) -> Pattern:
    elements = draw(st.integers(1, 12))
    cfg = {"hash-max-listpack-entries": draw(st.integers(1, 8)),
           "hash-max-listpack-value": draw(st.integers(1, 12)),
           "zset-max-listpack-entries": draw(st.integers(1, 8)),
           "zset-max-listpack-value": draw(st.integers(1, 12)),
           "set-max-intset-entries": draw(st.integers(1, 8)),
           "hll-sparse-max-bytes": draw(st.sampled_from([0, 20, 40, 3000]))}
    integer_ids = draw(st.booleans())
    id_space = elements * draw(st.sampled_from([1, 1, 100, 1 << 20, 1 << 40]))
    scored = draw(st.booleans())
    ops = (Operation("set_score", 1.0, 1),) if scored else (Operation("add", 1.0, 1),)
    return Pattern(name="k", keys=1, elements=elements,
                   element_size=draw(st.integers(1, 14)),
                   value_size=draw(st.sampled_from([0, 1, 5, 11, 39, 44, 45])),
                   integer_ids=integer_ids, id_space=id_space, exact=True, operations=ops,
                   config=cfg)


def _object_encoding(state: Any, cid: int, key: bytes) -> str:
    state, frame = run_command(state, cid, [b"OBJECT", b"ENCODING", key], 0)
    return frame.split(b"\r\n")[1].decode()


def check_pattern_encoding(p: Pattern, typ: str) -> None:
    """``pattern_encoding_matches_spec`` for one pattern and candidate."""
    state = new_server(0, **p.config)
    state, cid = client_connect(state, 0)
    trace, keys = patterns.build_trace(p, typ)
    for argv in trace:
        state, frame = run_command(state, cid, argv, 0)
        if frame[:1] == b"-":
            # Only a bitmap past the largest bit offset may fail: the advisor must rule it out.
            (bm,) = [c for c in patterns.evaluate(p).candidates if c.type == typ]
            assert typ == "bitmap" and b"bit offset" in frame and not bm.fits, \
                f"pattern_encoding_matches_spec: {argv!r} failed: {frame!r}"
            return
    enc, detail = patterns.predicted_encoding(p, typ)
    for key in keys:
        actual = _object_encoding(state, cid, key)
        assert actual == enc, \
            f"pattern_encoding_matches_spec: {typ} {key!r} is {actual}, predicted {enc}"
    if typ == "hyperloglog":
        state, frame = run_command(state, cid, [b"PFDEBUG", b"ENCODING", keys[0]], 0)
        rep = frame[1:].split(b"\r\n")[0].decode()
        assert rep == detail, \
            f"pattern_encoding_matches_spec: HLL is {rep}, predicted {detail}"


_ARGS = {"p": _patterns(), "typ": st.sampled_from(CANDIDATES)}


@settings(max_examples=120, deadline=None)
@given(**_ARGS)
def test_pattern_encoding_matches_spec(p: Pattern, typ: str) -> None:
    check_pattern_encoding(p, typ)


# -- planted bugs ------------------------------------------------------------------------------

PLANTED = planted_settings(300, 1)


def test_planted_limit_off_by_one_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    """Conversion *at* the entry limit instead of above it."""
    plant_limit_off_by_one(monkeypatch)
    with pytest.raises(AssertionError, match="pattern_encoding_matches_spec"):
        run_given(PLANTED, check_pattern_encoding, **_ARGS)


def test_planted_old_embstr_limit_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redis 3.0's 39-byte embstr limit instead of 7.0's 44."""

    def buggy(v: bytes) -> str:
        if len(v) <= 20 and cost.string2ll(v) is not None:
            return "int"
        return "embstr" if len(v) <= 39 else "raw"

    monkeypatch.setattr(patterns, "string_encoding", buggy)
    with pytest.raises(AssertionError, match="pattern_encoding_matches_spec"):
        run_given(PLANTED, check_pattern_encoding, **_ARGS)


def test_planted_hll_never_dense_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    """A HyperLogLog predicted sparse whatever hll-sparse-max-bytes says."""
    orig = patterns.predicted_encoding

    def buggy(p: Pattern, typ: str) -> tuple[str, str]:
        enc, det = orig(p, typ)
        return (enc, "sparse") if typ == "hyperloglog" else (enc, det)

    monkeypatch.setattr(patterns, "predicted_encoding", buggy)
    with pytest.raises(AssertionError, match="pattern_encoding_matches_spec"):
        run_given(PLANTED, check_pattern_encoding, **_ARGS)
