"""Properties of RESP request decoding (``spec.resp``) and the input loop
(``spec.server.client_input``), each with a planted bug showing it can fail.

1. Split-independence: whatever bytes arrive (valid, incomplete, invalid, inline and
   multibulk mixed), the replies and whether the connection closes do not depend on how the
   bytes are cut into reads.
2. Round-trip: any argv encoded as multibulk parses back to exactly that argv, consuming it all.
3. Progress: a whole request always advances the position; "need more" and errors never
   consume anything; a request's parse does not change when more bytes follow it.
4. Fast path: every request the C accelerator (``split_pipeline``, hiredis) accepts is exactly
   what ``parse_command`` returns at that position, with the same end.

The line-size limit, the big-argument threshold and the limits from config are shrunk so that
short examples reach every path ("too big", query buffer limit, unjoined tails).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.properties.planted import run_given
from redspec.spec import networking as N
from redspec.spec import resp
from redspec.spec import server as S
from redspec.spec.resp import Limits, ProtocolError, encode_request, parse_command

MECHANISM = "resp"

SETTINGS = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
PLANTED = settings(max_examples=500, deadline=None, database=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow])

SMALL_LINE = 24  # PROTO_INLINE_MAX_SIZE in the examples
CONFIG = {"client-query-buffer-limit": 40, "proto-max-bulk-len": 60}


@contextlib.contextmanager
def small_limits() -> Iterator[None]:
    """Shrink the line limit, the unauthenticated bulk limit and the unjoined-tail threshold
    (module constants read at call time)."""
    saved = (resp.PROTO_INLINE_MAX_SIZE, resp._WINDOW, resp.UNAUTH_MAX_BULK, N.BIG_TAIL)
    resp.PROTO_INLINE_MAX_SIZE, resp._WINDOW = SMALL_LINE, SMALL_LINE + 1
    resp.UNAUTH_MAX_BULK, N.BIG_TAIL = 20, 6
    try:
        yield
    finally:
        resp.PROTO_INLINE_MAX_SIZE, resp._WINDOW, resp.UNAUTH_MAX_BULK, N.BIG_TAIL = saved


def run_chunks(chunks: list[bytes], requirepass: str = "") -> tuple[bytes, bool]:
    """Everything replied to a fresh client fed ``chunks``, and whether it closes."""
    state = S.new_server(0, requirepass=requirepass, **CONFIG)
    state, cid = S.client_connect(state, 0)
    out = []
    for ch in chunks:
        state, eff = S.client_input(state, cid, ch, 0)
        out.append(S.output_for(eff, cid))
        if state.clients[cid].closing:
            return b"".join(out), True
    return b"".join(out), False


# -- strategies --------------------------------------------------------------------------------

WORDS = [b"PING", b"ECHO", b"GET", b"SET", b"k", b"v", b"", b"a b", b"\r\n", b"x\x00y", b"AUTH",
         b"pw", b"'", b'"']
arg = st.one_of(st.sampled_from(WORDS), st.binary(max_size=12),
                st.binary(min_size=25, max_size=45))
argv_st = st.lists(arg, min_size=1, max_size=4)
inline_tok = st.sampled_from([b"PING", b"ECHO", b"x", b'"a b"', b"'c'", b'"\\x41\\n"', b"'\\''",
                              b'"', b"'", b"\t", b"\x0b", b" ", b'"q"z', b"\x00"])
JUNK = b"*$\r\n0123456789-+ x'\"\\\x00"


@st.composite
def request(draw: Any) -> bytes:
    kind = draw(st.integers(0, 5))
    if kind <= 1:
        return encode_request(draw(argv_st))
    if kind == 2:
        line = b" ".join(draw(st.lists(inline_tok, max_size=5)))
        return line + draw(st.sampled_from([b"\r\n", b"\n", b"\r\r\n"]))
    if kind == 3:  # a multibulk with a damaged header or count
        data = bytearray(encode_request(draw(argv_st)))
        i = draw(st.integers(0, len(data) - 1))
        data[i] = draw(st.sampled_from(JUNK))
        return bytes(data)
    if kind == 4:
        return draw(st.sampled_from([b"*0\r\n", b"*-1\r\n", b"*11\r\n", b"*1\r\n$99\r\n",
                                     b"*1\r\n$16385\r\n", b"*1\r\n$41\r\n" + b"z" * 43,
                                     b"x" * 30, b"*" + b"9" * 30, b"\r\n", b"\n",
                                     b"*1\r\n$" + b"1" * 30, b"*2\r\n$1\r\nx\r\n" + b"x" * 30,
                                     b"*1\r\n$21\r\n" + b"u" * 23]))
    return draw(st.binary(max_size=30).map(lambda b: bytes(JUNK[c % len(JUNK)] for c in b)))


stream_st = st.lists(request(), min_size=1, max_size=6).map(b"".join)


@st.composite
def cuts(draw: Any, data: bytes) -> list[bytes]:
    """``data`` cut at random points."""
    points = sorted(set(draw(st.lists(st.integers(0, len(data)), max_size=12))))
    out, prev = [], 0
    for p in [*points, len(data)]:
        if p > prev:
            out.append(data[prev:p])
            prev = p
    return out


def split_check(data: bytes, chunks: list[bytes], requirepass: str) -> None:
    whole = run_chunks([data], requirepass)
    assert run_chunks(chunks, requirepass) == whole
    assert run_chunks([data[i : i + 1] for i in range(len(data))], requirepass) == whole


@st.composite
def data_and_cuts(draw: Any) -> tuple[bytes, list[bytes], str]:
    data = draw(stream_st)
    return data, draw(cuts(data)), draw(st.sampled_from(["", "pw"]))


def split_small(case: tuple[bytes, list[bytes], str]) -> None:
    with small_limits():
        split_check(*case)


SPLIT = (data_and_cuts(),)

# -- 1. split-independence -------------------------------------------------------------------


@SETTINGS
@given(*SPLIT)
def test_split_independence(case: tuple[bytes, list[bytes], str]) -> None:
    split_small(case)


def _trips(strategies: tuple[Any, ...], check: Callable[..., None]) -> None:
    """The property ``check`` over ``strategies`` fails in a planted run (Hypothesis may report
    several distinct failures as a group)."""
    with pytest.raises((AssertionError, ExceptionGroup)) as info:
        run_given(PLANTED, check, *strategies)
    if isinstance(info.value, ExceptionGroup):
        assert all(isinstance(e, AssertionError) for e in info.value.exceptions)


def test_split_independence_catches_a_limit_on_the_whole_buffer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """"Too big" measured on the whole buffer instead of from the request's start: depends on
    how many earlier requests shared the read."""
    real = N.parse_command

    def buggy(buf: bytes, pos: int, limits: Limits) -> Any:
        r, p = real(buf, pos, limits)
        if r is None and len(buf) > resp.PROTO_INLINE_MAX_SIZE:
            return ProtocolError("too big inline request"), pos
        return r, p

    monkeypatch.setattr(N, "parse_command", buggy)

    _trips(SPLIT, split_small)


def test_split_independence_catches_a_lost_byte_in_the_tail(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = N.join_tail
    monkeypatch.setattr(N, "join_tail", lambda head, chunks, last: real(head, chunks, last[1:]))

    _trips(SPLIT, split_small)


def test_split_independence_catches_an_off_by_one_need(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waiting for one byte more than a big argument needs: the read that completes it is
    parked, and its reply only comes with the next read."""
    real = N.progress_point
    monkeypatch.setattr(N, "progress_point", lambda *a: (real(*a)[0] + 1, real(*a)[1]))

    _trips(SPLIT, split_small)


# -- 2. round-trip ---------------------------------------------------------------------------


def roundtrip_check(argv: list[bytes], after: bytes) -> None:
    data = encode_request(argv)
    got, pos = parse_command(data + after, 0, Limits())
    assert got == argv and pos == len(data)


ROUNDTRIP = (st.lists(st.binary(max_size=64), min_size=1, max_size=8), st.binary(max_size=8))


@SETTINGS
@given(*ROUNDTRIP)
def test_roundtrip(argv: list[bytes], after: bytes) -> None:
    roundtrip_check(argv, after)


def test_roundtrip_catches_dropped_empty_args(monkeypatch: pytest.MonkeyPatch) -> None:
    real = resp.parse_command

    def buggy(buf: bytes, pos: int, limits: Limits) -> Any:
        r, p = real(buf, pos, limits)
        return ([a for a in r if a] if type(r) is list else r), p

    monkeypatch.setattr(resp, "parse_command", buggy)
    monkeypatch.setitem(globals(), "parse_command", buggy)

    _trips(ROUNDTRIP, roundtrip_check)


# -- 3. progress -----------------------------------------------------------------------------


def progress_check(data: bytes, extra: bytes, authenticated: bool) -> None:
    limits = Limits(max_bulk_len=60, authenticated=authenticated, query_buffer_limit=40)
    with small_limits():
        pos = 0
        while True:
            r, p = parse_command(data, pos, limits)
            if r is None or isinstance(r, ProtocolError):
                assert p == pos  # need-more and errors consume nothing
                break
            assert pos < p <= len(data)  # a whole request advances, within the buffer
            # more bytes after a whole request do not change its parse
            assert parse_command(data + extra, pos, limits) == (r, p)
            pos = p
            if pos == len(data):
                break


PROGRESS = (stream_st, st.binary(max_size=10), st.booleans())


@SETTINGS
@given(*PROGRESS)
def test_progress(data: bytes, extra: bytes, authenticated: bool) -> None:
    progress_check(data, extra, authenticated)


def test_progress_catches_a_request_that_does_not_advance(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = resp.parse_command

    def buggy(buf: bytes, pos: int, limits: Limits) -> Any:
        r, p = real(buf, pos, limits)
        return (r, pos) if r == [] else (r, p)  # an empty request (*0, blank line) stays put

    monkeypatch.setitem(globals(), "parse_command", buggy)

    _trips(PROGRESS, progress_check)


def test_progress_catches_need_more_that_consumes(monkeypatch: pytest.MonkeyPatch) -> None:
    real = resp.parse_command

    def buggy(buf: bytes, pos: int, limits: Limits) -> Any:
        r, p = real(buf, pos, limits)
        return (r, len(buf)) if r is None else (r, p)

    monkeypatch.setitem(globals(), "parse_command", buggy)

    _trips(PROGRESS, progress_check)


# -- Z3: the multibulk length arithmetic -------------------------------------------------------


def test_z3_multibulk_arithmetic() -> None:
    from redspec.properties import z3_resp

    assert z3_resp.check() == {}


@pytest.mark.parametrize(
    "planted,broken",
    [({"trip_extra": 2}, "wait is sound"), ({"trip_extra": 0}, "wait is tight"),
     ({"need_sees_limit": False}, "wait is sound")],
)
def test_z3_catches_planted_bugs(planted: dict[str, int], broken: str) -> None:
    from redspec.properties import z3_resp

    problems = z3_resp.check(z3_resp.Arith(**planted))
    assert broken in problems and problems[broken].startswith("counterexample")


@SETTINGS
@given(st.integers(0, 80), st.integers(1, 60), st.integers(0, 100))
def test_z3_model_matches_the_code(ln: int, qlimit: int, have: int) -> None:
    """The arithmetic Z3 reasons about is the code's: for a bulk of ``ln`` bytes with ``have``
    bytes of it received, parse_command and progress_point answer as the model says."""
    from redspec.properties import z3_resp

    a = z3_resp.CORRECT
    head = b"*1\r\n$%d\r\n" % ln
    ds = len(head)
    buf = head + b"z" * have
    limits = Limits(max_bulk_len=1000, query_buffer_limit=qlimit)
    end = ds + ln + a.trailer
    tripped = ln + 2 > qlimit and len(buf) - ds > qlimit
    r, _ = parse_command(buf, 0, limits)
    if tripped:
        assert type(r) is resp.QueryBufferLimit
    elif end <= len(buf):
        assert r == [b"z" * ln]
    else:
        assert r is None
        need = min(end, ds + qlimit + a.trip_extra) if ln + 2 > qlimit else end
        assert resp.progress_point(buf, 0, limits) == (need, ())


# -- 4. the C fast path agrees with the decoder --------------------------------------------------

SIMPLE_ELEMENTS = st.lists(st.sampled_from([b"+GET\r\n", b"$3\r\nGET\r\n", b":1\r\n",
                                            b"$1\r\nk\r\n", b"=5\r\ntxt:x\r\n"]),
                           min_size=1, max_size=3)
other_resp_st = SIMPLE_ELEMENTS.map(lambda els: b"*%d\r\n" % len(els) + b"".join(els))
fast_stream_st = st.lists(st.one_of(request(), other_resp_st), min_size=1, max_size=6).map(
    b"".join)


def fast_path_check(data: bytes, authenticated: bool, split: Any = None) -> None:
    limits = Limits(max_bulk_len=60, authenticated=authenticated, query_buffer_limit=40)
    pos = 0
    for argv, end in (split or resp.split_pipeline)(data, 0, limits):
        assert parse_command(data, pos, limits) == (argv, end)
        pos = end


@SETTINGS
@given(fast_stream_st, st.booleans())
def test_fast_path_agrees_with_decoder(data: bytes, authenticated: bool) -> None:
    pytest.importorskip("hiredis")
    fast_path_check(data, authenticated)


def test_fast_path_is_used() -> None:
    """The accelerator really takes the common case (else the property above is vacuous)."""
    pytest.importorskip("hiredis")
    data = encode_request([b"SET", b"k", b"v"]) + encode_request([b"GET", b"k"]) + b"*1\r\n$4"
    assert [e for _, e in resp.split_pipeline(data, 0, Limits())] == [27, 47]
    # a huge count (even nested) never reaches hiredis, which would allocate its slots
    huge = encode_request([b"x"]) + b"*1\r\n*2147483648\r\n"
    assert resp.split_pipeline(huge, 0, Limits()) == [([b"x"], 11)]


def test_fast_path_property_catches_a_missing_framing_check() -> None:
    """Planted bug: accept hiredis's elements without checking that each is a ``$`` bulk
    (a ``+GET`` simple string would be taken as an argument)."""
    hiredis = pytest.importorskip("hiredis")

    def buggy(buf: bytes, pos: int, limits: Limits) -> list[tuple[list[bytes], int]]:
        if pos >= len(buf) or buf[pos] != 42:
            return []
        reader = hiredis.Reader()
        reader.feed(buf, pos)
        out, p = [], pos
        while True:
            try:
                req = reader.gets()
            except Exception:
                break
            if type(req) is not list or not req or not all(type(a) is bytes for a in req):
                break
            q = p + 3 + len(str(len(req))) + sum(len(a) + 5 + len(str(len(a))) for a in req)
            out.append((req, q))
            p = q
        return out

    def prop(data: bytes, authenticated: bool) -> None:
        fast_path_check(data, authenticated, buggy)

    _trips((fast_stream_st, st.booleans()), prop)
