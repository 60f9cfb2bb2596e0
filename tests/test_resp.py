"""RESP request decoding (``spec.resp``) and the input loop (``spec.server.client_input``):
every protocol error and edge case, as observed on Redis 7.0.15."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.spec import networking as N
from redspec.spec import resp
from redspec.spec import server as S
from redspec.spec.resp import (
    Limits,
    ProtocolError,
    QueryBufferLimit,
    encode_request,
    parse_command,
    split_args,
)

L = Limits()


def feed(chunks: list[bytes], **config: Any) -> tuple[bytes, bool]:
    """Feed chunks to a fresh client; everything replied, and whether it is closing."""
    st = S.new_server(0, **config)
    st, cid = S.client_connect(st, 0)
    out = b""
    for ch in chunks:
        st, eff = S.client_input(st, cid, ch, 0)
        out += S.output_for(eff, cid)
    return out, st.clients[cid].closing


def perr(text: str) -> bytes:
    return b"-ERR Protocol error: " + text.encode("utf-8", "surrogateescape") + b"\r\n"


# -- multibulk ---------------------------------------------------------------------------------


def test_multibulk_basic_and_pos() -> None:
    buf = encode_request([b"SET", b"k", b"v"]) + b"*1\r\n"
    argv, pos = parse_command(buf, 0, L)
    assert argv == [b"SET", b"k", b"v"]
    assert buf[pos:] == b"*1\r\n"
    assert parse_command(buf, pos, L) == (None, pos)


@pytest.mark.parametrize("data", [b"*0\r\n", b"*-1\r\n", b"*-5\r\n", b"*-2147483649\r\n"])
def test_nonpositive_count_is_an_empty_request(data: bytes) -> None:
    assert parse_command(data + b"rest", 0, L) == ([], len(data))


def test_only_cr_is_checked_then_two_bytes_skipped() -> None:
    assert parse_command(b"*1\rX$4\rYPINGab", 0, L) == ([b"PING"], 14)


@pytest.mark.parametrize(
    "data",
    [b"*abc\r\n", b"*\r\n", b"*+1\r\n", b"*01\r\n", b"*-0\r\n", b"*2147483648\r\n",
     b"*99999999999999999999\r\n", b"*1 \r\n", b"*-99999999999999999999\r\n"],
)
def test_invalid_multibulk_length(data: bytes) -> None:
    assert parse_command(data, 0, L) == ("invalid multibulk length", 0)


def test_int_max_count_is_accepted() -> None:
    assert parse_command(b"*2147483647\r\n$1\r\nx\r\n", 0, L) == (None, 0)
    assert parse_command(b"*1048577\r\n", 0, L) == (None, 0)  # no 1M limit in 7.0


@pytest.mark.parametrize(
    "data,c",
    [(b"*1\r\n%4\r\n", "%"), (b"*1\r\n\r\n", " "), (b"*1\r\n\n\r\n", " "),
     (b"*1\r\n\xff\r\n", "\udcff"), (b"*2\r\n$4\r\nECHO\r\n*1\r\n", "*")],
)
def test_expected_dollar(data: bytes, c: str) -> None:
    err, pos = parse_command(data, 0, L)
    assert err == f"expected '$', got '{c}'" and pos == 0


def test_expected_dollar_wire_bytes() -> None:
    assert feed([b"*1\r\n\xff\r\n"]) == (perr("expected '$', got '\udcff'"), True)
    assert feed([b"*1\r\n\r\n"]) == (b"-ERR Protocol error: expected '$', got ' '\r\n", True)


@pytest.mark.parametrize(
    "data",
    [b"*1\r\n$x\r\n", b"*1\r\n$-1\r\n", b"*1\r\n$-0\r\n", b"*1\r\n$\r\n", b"*1\r\n$00\r\n",
     b"*1\r\n$+1\r\n", b"*1\r\n$1 \r\n", b"*1\r\n$4\n\r\n", b"*1\r\n$99999999999999999999\r\n",
     b"*1\r\n$536870913\r\n"],
)
def test_invalid_bulk_length(data: bytes) -> None:
    assert parse_command(data, 0, L) == ("invalid bulk length", 0)


def test_proto_max_bulk_len_bound() -> None:
    assert parse_command(b"*1\r\n$536870912\r\n", 0, L) == (None, 0)
    small = Limits(max_bulk_len=10)
    assert parse_command(b"*1\r\n$11\r\n", 0, small) == ("invalid bulk length", 0)
    assert parse_command(b"*1\r\n$10\r\n0123456789\r\n", 0, small)[0] == [b"0123456789"]


def test_unauthenticated_limits() -> None:
    u = Limits(authenticated=False)
    assert parse_command(b"*11\r\n", 0, u) == ("unauthenticated multibulk length", 0)
    assert parse_command(b"*10\r\n", 0, u) == (None, 0)
    assert parse_command(b"*1\r\n$16385\r\n", 0, u) == ("unauthenticated bulk length", 0)
    assert parse_command(b"*1\r\n$16384\r\n", 0, u) == (None, 0)
    # proto-max-bulk-len is checked first; inline requests have no such limit
    assert parse_command(b"*1\r\n$536870913\r\n", 0, u) == ("invalid bulk length", 0)
    assert parse_command(b"PING" + b" x" * 20 + b"\n", 0, u)[0] == [b"PING"] + [b"x"] * 20


def test_unauthenticated_on_the_wire_and_auth_lifts_it() -> None:
    assert feed([b"*11\r\n"], requirepass="pw") == (perr("unauthenticated multibulk length"),
                                                   True)
    out, closed = feed([b"AUTH pw\r\n*11\r\n" + b"$1\r\nx\r\n" * 11], requirepass="pw")
    assert out.startswith(b"+OK\r\n-ERR unknown command 'x'") and not closed


def test_incomplete_waits() -> None:
    for data in [b"*", b"*1", b"*1\r", b"*1\r\n", b"*1\r\n$", b"*1\r\n$4\r", b"*1\r\n$4\r\nPI",
                 b"*1\r\n$4\r\nPING", b"*1\r\n$4\r\nPING\r"]:
        assert parse_command(data, 0, L) == (None, 0), data


def test_nul_stops_the_line_search() -> None:
    # strchr stops at NUL: no line yet, however many \r follow (until "too big")
    assert parse_command(b"*1\x00\r\n", 0, L) == (None, 0)
    assert parse_command(b"*1\r\n$\x004\r\nPING\r\n", 0, L) == (None, 0)
    assert parse_command(b"*1\r\n\x00\r\n", 0, L) == (None, 0)
    # ... but binary data inside a bulk is fine
    assert parse_command(b"*1\r\n$4\r\nPI\x00G\r\n", 0, L)[0] == [b"PI\x00G"]


def test_too_big_count_and_bulk_count() -> None:
    line = b"x" * 65535
    assert parse_command(b"*" + line, 0, L) == (None, 0)  # 65536 bytes: still waiting
    assert parse_command(b"*" + line + b"x", 0, L) == ("too big mbulk count string", 0)
    assert parse_command(b"*1\x00" + b"\r\n" * 32767, 0, L) == ("too big mbulk count string", 0)
    # a \r as the 65537th byte is still found
    assert parse_command(b"*" + line + b"\r\n", 0, L) == ("invalid multibulk length", 0)
    assert parse_command(b"*1\r\n$" + line + b"x", 0, L) == ("too big bulk count string", 0)
    assert parse_command(b"*1\r\n$" + line, 0, L) == (None, 0)


def test_query_buffer_limit_per_bulk_element() -> None:
    q = Limits(query_buffer_limit=100)
    ok = b"*1\r\n$98\r\n" + b"x" * 98 + b"\r\n"  # element 100 bytes: fits
    assert parse_command(ok, 0, q)[0] == [b"x" * 98]
    big = b"*1\r\n$99\r\n" + b"x" * 99 + b"\r\n"
    assert parse_command(big[:-1], 0, q) == (None, 0)  # exactly 100 bytes of it so far
    err, pos = parse_command(big, 0, q)
    assert type(err) is QueryBufferLimit and isinstance(err, ProtocolError) and pos == 0


def test_query_buffer_limit_closes_without_reply() -> None:
    cfg = {"client-query-buffer-limit": 1024 * 1024}
    n = 1024 * 1024 - 1
    data = b"PING\r\n" + encode_request([b"SET", b"k", b"x" * n]) + b"PING\r\n"
    assert feed([data], **cfg) == (b"+PONG\r\n", True)
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    assert feed(chunks, **cfg) == (b"+PONG\r\n", True)
    data = encode_request([b"SET", b"k", b"x" * (n - 1)]) + b"PING\r\n"
    assert feed([data], **cfg) == (b"+OK\r\n+PONG\r\n", False)


# -- inline ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line,args",
    [
        (b"PING", [b"PING"]),
        (b"   ECHO \t  x   ", [b"ECHO", b"x"]),
        (b"ECHO x\r", [b"ECHO", b"x"]),
        (b"ECHO x\x0b\x0cy", [b"ECHO", b"x\x0b\x0cy"]),
        (b"\x0b\x0cECHO \x0b x", [b"ECHO", b"x"]),
        (b'ECHO "hello world"', [b"ECHO", b"hello world"]),
        (b'"a\\nb\\r\\t\\b\\a\\\\\\"\\z"', [b'a\nb\r\t\x08\x07\\"z']),
        (b'"\\x41\\x4a\\x4A\\xg0\\x4"', [b"AJJxg0x4"]),
        (b"\"\" ''", [b"", b""]),
        (b"'a\\'b\\nc'", [b"a'b\\nc"]),
        (b"'a\\\\b'", [b"a\\\\b"]),
        (b'a"b c"d', None),
        (b'a"b c" d', [b"ab c", b"d"]),
        (b'"x"\ty', [b"x", b"y"]),
        (b'"x"\x0b', [b"x"]),
        (b"\xa0\xff", [b"\xa0\xff"]),
        (b"", []),
        (b"  \t ", []),
        (b'"abc', None),
        (b"'abc", None),
        (b'"a"b', None),
        (b"'a''b'", None),
        (b'""""', None),
        (b'"\\', None),
        (b"'a\\\\'", None),
        (b"'a\\\\' x'", [b"a\\' x"]),
    ],
)
def test_split_args(line: bytes, args: list[bytes] | None) -> None:
    assert split_args(line) == args


def test_inline_lines() -> None:
    assert parse_command(b"PING\r\nX", 0, L) == ([b"PING"], 6)
    assert parse_command(b"PING\nX", 0, L) == ([b"PING"], 5)
    assert parse_command(b"\r\n", 0, L) == ([], 2)
    assert parse_command(b"\n", 0, L) == ([], 1)
    assert parse_command(b"PING", 0, L) == (None, 0)
    assert parse_command(b"PING\x00\nPING\n", 0, L) == (None, 0)
    assert parse_command(b"ECHO 'x\n", 0, L) == ("unbalanced quotes in request", 0)


def test_too_big_inline() -> None:
    line = b"x" * 65536
    assert parse_command(line, 0, L) == (None, 0)
    assert parse_command(line + b"x", 0, L) == ("too big inline request", 0)
    assert parse_command(line + b"\n", 0, L) == ([line], 65537)
    assert parse_command(b"PING\x00" + b"\n" * 65532, 0, L) == ("too big inline request", 0)


def test_mixed_pipeline_and_replies_before_error() -> None:
    data = (b"PING\n" + encode_request([b"ECHO", b"m"]) + b"ECHO i\r\n*0\r\n\r\n"
            + b"*1\r\n$x\r\n" + b"PING\r\n")
    out, closed = feed([data])
    assert out == b"+PONG\r\n$1\r\nm\r\n$1\r\ni\r\n" + perr("invalid bulk length")
    assert closed


def test_protocol_error_counts_as_err_reply() -> None:
    st = S.new_server(0)
    st, cid = S.client_connect(st, 0)
    st, _ = S.client_input(st, cid, b"*x\r\n", 0)
    assert st.stats.total_error_replies == 1 and st.stats.errors["ERR"] == 1


# -- big arguments: linear, one join -----------------------------------------------------------


def test_big_value_in_chunks_joins_once(monkeypatch: pytest.MonkeyPatch) -> None:
    joins = []
    real_join = N.join_tail
    parses = []
    real_parse = N.parse_command

    def join(*a: Any) -> bytes:
        joins.append(1)
        return real_join(*a)

    def parse(*a: Any) -> Any:
        parses.append(1)
        return real_parse(*a)

    monkeypatch.setattr(N, "join_tail", join)
    monkeypatch.setattr(N, "parse_command", parse)
    value = b"v" * (8 * 1024 * 1024)
    data = encode_request([b"SET", b"big", value]) + b"GET big\r\n"
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    st = S.new_server(0)
    st, cid = S.client_connect(st, 0)
    out = b""
    for ch in chunks:
        st, eff = S.client_input(st, cid, ch, 0)
        out += S.output_for(eff, cid)
    assert out == b"+OK\r\n$%d\r\n%s\r\n" % (len(value), value)
    assert len(joins) == 1  # the chunks of the value were joined once, not per chunk
    assert len(parses) <= 6  # and parsed a handful of times, not once per chunk


def test_long_line_a_byte_at_a_time_is_not_requadratic() -> None:
    line = b"ECHO " + b"x" * 20000 + b"\r\n"
    st = S.new_server(0)
    st, cid = S.client_connect(st, 0)
    out = b""
    for i in range(len(line)):
        st, eff = S.client_input(st, cid, line[i : i + 1], 0)
        out += S.output_for(eff, cid)
    assert out == b"$20000\r\n" + b"x" * 20000 + b"\r\n"
    assert st.clients[cid].querybuf_tail is None


def test_tail_respects_window_constants() -> None:
    assert resp.BIG_TAIL <= resp.PROTO_INLINE_MAX_SIZE


@given(st.binary(max_size=40))
def test_sdscatrepr_is_split_args_inverse(arg: bytes) -> None:
    """``sdscatrepr`` quotes one argument so that ``sdssplitargs`` reads it back unchanged
    (MONITOR lines, redis-cli output and config lines rely on it)."""
    assert resp.split_args(resp.sdscatrepr(arg)) == [arg]
    assert resp.split_args(resp.sdscatrepr(arg) + b" " + resp.sdscatrepr(arg[::-1])) == [arg, arg[::-1]]
