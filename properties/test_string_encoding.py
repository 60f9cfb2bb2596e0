"""String encodings (mechanism 10, ``object.c``): how a string was made fixes OBJECT ENCODING.

Added for the mutation score (issue #6): the mutants of ``spec/types/string.py`` that survived
the other suites showed nothing checked the encodings of strings changed in place or made by
INCRBYFLOAT, nor that such strings still read as strings (TYPE, GET, GETBIT).

Property ``string_encoding_by_origin``: for random sequences of SET (non-integer text),
APPEND, SETRANGE, SETBIT and INCRBYFLOAT on one key, after every step

- GET returns the model's bytes and TYPE is ``string``;
- GETBIT at a random offset agrees with the model's bits (bit commands accept every string);
- OBJECT ENCODING is ``raw`` after an in-place change (APPEND, SETRANGE, SETBIT:
  ``dbUnshareStringValue``; APPEND to a missing key stores its argument as SET does), ``embstr``/``raw`` by length (44, ``OBJ_ENCODING_EMBSTR_SIZE_LIMIT``)
  after INCRBYFLOAT (``createStringObject``, never ``int``), and what ``tryObjectEncoding``
  gives after SET.

Each mutant of ``spec/types/string.py`` this kills is a planted bug it catches; the planted-bug
test below shows it too.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.driver import Session
from redspec.spec import values

MECHANISM = "typechoice"

_text = st.integers(0, 60).map(lambda n: b"x" + b"ab" * (n // 2) + b"c" * (n % 2))
_op = st.one_of(
    st.tuples(st.just("set"), _text),
    st.tuples(st.just("setnum"), st.sampled_from([b"1.5", b"-2.25", b"0.5", b"10.125"])),
    st.tuples(st.just("append"), st.sampled_from([b"1", b"z", b"0" * 40])),
    st.tuples(st.just("setrange"), st.tuples(st.integers(0, 50), st.sampled_from([b"7", b"q"]))),
    st.tuples(st.just("setbit"), st.tuples(st.integers(0, 400), st.integers(0, 1))),
    st.tuples(st.just("incrbyfloat"),
              st.sampled_from([b"1", b"0.5", b"1e44", b"-1e44", b"1e50", b"3", b"1e43"])),
)


def _bulk(frame: bytes) -> bytes | None:
    if frame.startswith(b"$-1"):
        return None
    assert frame.startswith(b"$"), frame
    head, _, rest = frame.partition(b"\r\n")
    return rest[: int(head[1:])]


def _set_enc(v: bytes) -> str:
    """What ``tryObjectEncoding`` picks for a stored argument (64-bit integers in canonical
    form are "int")."""
    if v.lstrip(b"-").isdigit() and str(int(v)).encode() == v and -(2**63) <= int(v) < 2**63:
        return "int"
    return "embstr" if len(v) <= 44 else "raw"


def _getbit(v: bytes, off: int) -> int:
    i = off >> 3
    return (v[i] >> (7 - (off & 7))) & 1 if i < len(v) else 0


def check_string_encodings(ops: list[tuple[str, object]], probe: int) -> None:
    """``string_encoding_by_origin`` for one sequence."""
    call = Session()

    model: bytes | None = None
    enc = ""
    for kind, arg in ops:
        if kind in ("set", "setnum"):
            assert isinstance(arg, bytes)
            call(b"SET", b"k", arg)
            model, enc = arg, _set_enc(arg)
        elif kind == "append":
            assert isinstance(arg, bytes)
            call(b"APPEND", b"k", arg)
            # on a missing key the argument is stored as SET would (tryObjectEncoding)
            model, enc = (model or b"") + arg, "raw" if model is not None else _set_enc(arg)
        elif kind == "setrange":
            off, x = arg  # type: ignore[misc]
            call(b"SETRANGE", b"k", str(off).encode(), x)
            cur = model or b""
            cur = cur + b"\0" * max(0, off - len(cur))
            model, enc = cur[:off] + x + cur[off + len(x):], "raw"
        elif kind == "setbit":
            off, bit = arg  # type: ignore[misc]
            call(b"SETBIT", b"k", str(off).encode(), str(bit).encode())
            cur = bytearray(model or b"")
            if len(cur) <= off >> 3:
                cur += b"\0" * ((off >> 3) + 1 - len(cur))
            mask = 1 << (7 - (off & 7))
            cur[off >> 3] = (cur[off >> 3] | mask) if bit else (cur[off >> 3] & ~mask)
            model, enc = bytes(cur), "raw"
        else:
            assert isinstance(arg, bytes)
            frame = call(b"INCRBYFLOAT", b"k", arg)
            if frame.startswith(b"$"):
                model = _bulk(frame)
                assert model is not None
                enc = "embstr" if len(model) <= 44 else "raw"
            # an error (not a float, or overflow) leaves the value as it was
        assert _bulk(call(b"GET", b"k")) == model, "string_encoding_by_origin: GET"
        assert call(b"TYPE", b"k") == b"+string\r\n", "string_encoding_by_origin: TYPE"
        assert model is not None
        got = call(b"GETBIT", b"k", str(probe).encode())
        assert got == b":%d\r\n" % _getbit(model, probe), "string_encoding_by_origin: GETBIT"
        got = _bulk(call(b"OBJECT", b"ENCODING", b"k"))
        assert got == enc.encode(), f"string_encoding_by_origin: {kind} {got!r} != {enc}"


_ARGS = {"ops": st.lists(_op, min_size=1, max_size=10), "probe": st.integers(0, 500)}


@settings(max_examples=150, deadline=None)
@given(**_ARGS)
def test_string_encoding_by_origin(ops: list[tuple[str, object]], probe: int) -> None:
    check_string_encodings(ops, probe)


def test_planted_embstr_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted bug: INCRBYFLOAT results up to 45 bytes reported as embstr."""
    from redspec.spec.types.string import EmbStr
    monkeypatch.setitem(values.ENCODINGS, EmbStr, lambda v: "embstr" if len(v) <= 45 else "raw")
    with pytest.raises(AssertionError, match="string_encoding_by_origin"):
        check_string_encodings([("incrbyfloat", b"1e44")], 0)
    with pytest.raises(AssertionError, match="string_encoding_by_origin"):
        given(**_ARGS)(settings(max_examples=300, deadline=None, derandomize=True,
                                database=None)(check_string_encodings))()
