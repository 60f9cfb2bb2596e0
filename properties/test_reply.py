"""Properties of the reply encoders (Redis's ``addReply*``): every reply value becomes exactly one
well-formed frame, and decoding that frame gives the value back (as far as the protocol keeps
types: RESP2 flattens maps and turns sets, pushes and doubles into arrays and bulk strings)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec import reply as R
from redspec.spec.reply import (
    NULL_ARRAY,
    BigNum,
    Err,
    Map,
    Push,
    RSet,
    Status,
    Verbatim,
    encode,
)

MECHANISM = "resp"

# -- an independent decoder, written from the RESP3 spec, not from our encoder ------------------


def decode(frame: bytes, pos: int = 0) -> tuple[object, int]:
    nl = frame.index(b"\r\n", pos)
    t, head, p = frame[pos : pos + 1], frame[pos + 1 : nl], nl + 2
    if t == b"+":
        return ("status", head), p
    if t == b"-":
        return ("error", head), p
    if t == b":":
        return int(head), p
    if t == b"_":
        return None, p
    if t == b"#":
        return {b"t": True, b"f": False}[head], p
    if t == b",":
        return ("double", head), p
    if t == b"(":
        return ("bignum", head), p
    if t in (b"$", b"="):
        n = int(head)
        if n < 0:
            return None, p
        body = frame[p : p + n]
        assert frame[p + n : p + n + 2] == b"\r\n", "bulk not terminated by CRLF"
        if t == b"=":
            assert body[3:4] == b":", "verbatim string without a format prefix"
            return ("verbatim", body[4:]), p + n + 2
        return body, p + n + 2
    if t in (b"*", b"~", b">", b"%"):
        n = int(head)
        if n < 0:
            return ("nullarray",), p
        count = 2 * n if t == b"%" else n
        items = []
        for _ in range(count):
            v, p = decode(frame, p)
            items.append(v)
        kind = {b"*": "array", b"~": "set", b">": "push", b"%": "map"}[t]
        return (kind, tuple(items)), p
    raise AssertionError(f"unknown frame type {t!r}")


def expected(v: object, resp: int) -> object:
    """What the independent decoder must read back for reply value ``v``."""
    if v is None:
        return None
    if v is NULL_ARRAY:
        return None if resp == 3 else ("nullarray",)
    if isinstance(v, Status):
        return ("status", v.encode())
    if isinstance(v, Err):
        return ("error", v.encode())
    if isinstance(v, bool):
        return v if resp == 3 else int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return ("double", R.format_double(v)) if resp == 3 else R.format_double(v)
    if isinstance(v, BigNum):
        return ("bignum", v.encode()) if resp == 3 else v.encode()
    if isinstance(v, Verbatim):
        return ("verbatim", bytes(v)) if resp == 3 else bytes(v)
    if isinstance(v, bytes):
        return bytes(v)
    if isinstance(v, Map):
        flat = tuple(expected(x, resp) for kv in v for x in kv)
        return ("map", flat) if resp == 3 else ("array", flat)
    for cls, kind in ((RSet, "set"), (Push, "push")):
        if isinstance(v, cls):
            items = tuple(expected(x, resp) for x in v)
            return (kind, items) if resp == 3 else ("array", items)
    if isinstance(v, (list, tuple)):
        return ("array", tuple(expected(x, resp) for x in v))
    raise AssertionError(v)


def roundtrip(v: object, resp: int) -> object:
    frame = encode(v, resp)
    got, end = decode(frame)
    assert end == len(frame), "encoder emitted more than one frame"
    return got


# -- strategies ---------------------------------------------------------------------------------

simple_text = st.text(st.characters(blacklist_characters="\r\n", codec="ascii"), max_size=20)
leaves = st.one_of(
    st.binary(max_size=20),
    st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1),
    st.none(),
    st.just(NULL_ARRAY),
    simple_text.map(Status),
    simple_text.map(lambda s: Err("ERR " + s)),
    st.booleans(),
    st.floats(allow_nan=False),
    st.integers().map(lambda i: BigNum(str(i))),
    st.binary(max_size=20).map(Verbatim),
)
replies = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.lists(st.tuples(kids, kids), max_size=3).map(Map),
        st.lists(kids, max_size=4).map(RSet),
        st.lists(kids, max_size=4).map(Push),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(replies, st.sampled_from([2, 3]))
def test_every_reply_is_one_frame_that_decodes_back(v: object, resp: int) -> None:
    assert roundtrip(v, resp) == expected(v, resp)


def test_doubles_use_redis_70_format() -> None:
    assert encode(1.1, 2) == b"$18\r\n1.1000000000000001\r\n"
    assert encode(1.1, 3) == b",1.1000000000000001\r\n"
    assert encode(math.inf, 3) == b",inf\r\n"
    assert encode(-math.inf, 2) == b"$4\r\n-inf\r\n"


def test_errors_never_contain_newlines() -> None:
    assert encode(Err("ERR a\r\nb"), 2) == b"-ERR a  b\r\n"


def test_planted_bug_missing_crlf_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The round-trip property trips when bulk strings lose their terminating CRLF."""
    bad = lambda r: b"$%d\r\n%s" % (len(r), r)  # noqa: E731
    monkeypatch.setattr(R, "_bulk", bad)
    monkeypatch.setattr(R, "encode2", R._make(2))
    with pytest.raises(AssertionError):
        test_every_reply_is_one_frame_that_decodes_back()


def test_planted_bug_wrong_map_length_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The property trips when a RESP3 map header counts elements instead of pairs."""
    orig = R._make

    def broken(resp: int):  # type: ignore[no-untyped-def]
        enc = orig(resp)

        def f(r: object) -> bytes:
            if type(r) is Map and resp == 3 and len(r):
                return b"%%%d\r\n" % (2 * len(r)) + b"".join(enc(x) for kv in r for x in kv)
            return enc(r)

        return f

    monkeypatch.setattr(R, "encode3", broken(3))
    with pytest.raises((AssertionError, ValueError, IndexError)):
        test_every_reply_is_one_frame_that_decodes_back()
