"""String commands (``t_string.c``): unit tests with replies recorded from Redis 7.0.15,
propagation rewrites and keyspace events, the long double emulation, and a Hypothesis
comparison of INCRBYFLOAT with a real server (skipped when none is installed)."""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.spec import longdouble as ld
from tests.differential.harness import Target
from tests.differential.rawclient import RawClient
from tests.session import NOW, Session

EXAMPLES = 4 * int(os.environ.get("REDSPEC_HYPOTHESIS_EXAMPLES", "100"))


def bulk(v: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(v), v)


def err(msg: str) -> bytes:
    return b"-" + msg.encode() + b"\r\n"


NIL = b"$-1\r\n"
OKF = b"+OK\r\n"
WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value")
NOTINT = err("ERR value is not an integer or out of range")
NOTFLOAT = err("ERR value is not a valid float")


def put_list(s: Session, key: bytes) -> None:
    """Plant a value of another type (anything not bytes) directly in the keyspace."""
    from redspec.spec.step import Step

    st_ = Step(s.state, s.now, s.cid)
    st_.db.add(key, ("a list",))
    s.state = st_.commit()


# ------------------------------------------------------------------------------- SET family


def test_set_options_recorded() -> None:
    s = Session()
    assert s.call("SET", "k", "v", "EX", "10", "EX", "20") == OKF
    assert s.db().expires[b"k"] == NOW + 20_000
    assert s.call("SET", "k", "v", "NX", "NX") == NIL
    assert s.call("SET", "k", "v", "NX", "XX") == err("ERR syntax error")
    assert s.call("SET", "k", "w", "GET", "GET") == bulk(b"v")
    assert s.call("SET", "k", "v", "KEEPTTL", "KEEPTTL") == OKF
    assert s.call("SET", "k", "v", "EX", "10", "PX", "10") == err("ERR syntax error")
    assert s.call("SET", "k", "v", "EXAT", "0") == err("ERR invalid expire time in 'set' command")
    assert s.call("SET", "k", "v", "EX", "abc") == NOTINT
    assert s.call("SET", "k", "v", "EX", "9223372036854775807") == err(
        "ERR invalid expire time in 'set' command"
    )
    assert s.call("SET", "k", "v", "PXAT", "9223372036854775807") == OKF
    assert s.call("SET", "k", "v", "EXAT", "9223372036854775") == OKF
    assert s.call("SET", "k", "v", "EXAT", "9223372036854776") == err(
        "ERR invalid expire time in 'set' command"
    )


def test_set_option_cut_at_nul() -> None:
    s = Session()
    s.call("SET", "k", "1")
    assert s.call("SET", "k", "v", b"nx\x00zz") == NIL
    assert s.call("SET", "k", "v", b"ex\x00q", "100") == OKF
    assert s.db().expires[b"k"] == NOW + 100_000


def test_set_get_on_other_type() -> None:
    s = Session()
    put_list(s, b"l")
    assert s.call("SET", "l", "x", "GET") == WRONGTYPE
    assert s.call("SET", "l", "x", "EX", "0", "GET") == err(
        "ERR invalid expire time in 'set' command"
    )
    assert s.call("SET", "l", "x") == OKF  # plain SET replaces any type


def test_setnx_setex_psetex_getset() -> None:
    s = Session()
    assert s.call("SETNX", "k", "1") == b":1\r\n"
    assert s.call("SETNX", "k", "2") == b":0\r\n"
    assert s.call("SETEX", "k", "0", "v") == err("ERR invalid expire time in 'setex' command")
    assert s.call("PSETEX", "k", "-1", "v") == err("ERR invalid expire time in 'psetex' command")
    assert s.call("SETEX", "k", "100", "v") == OKF
    assert s.db().expires[b"k"] == NOW + 100_000
    assert s.call("GETSET", "k", "w") == bulk(b"v")
    assert b"k" not in s.db().expires


def test_getex() -> None:
    s = Session()
    assert s.call("GETEX", "nokey", "EX", "abc") == NIL
    s.call("SET", "k", "v")
    assert s.call("GETEX", "k", "PERSIST", "EX", "1") == err("ERR syntax error")
    assert s.call("GETEX", "k", "KEEPTTL") == err("ERR syntax error")
    assert s.call("GETEX", "k", "EX", "0") == err("ERR invalid expire time in 'getex' command")
    assert s.call("GETEX", "k", "PX", "500") == bulk(b"v")
    assert s.db().expires[b"k"] == NOW + 500
    assert s.call("GETEX", "k", "PERSIST") == bulk(b"v")
    assert b"k" not in s.db().expires
    assert s.call("GETEX", "k", "PXAT", str(NOW)) == bulk(b"v")  # already due: deleted
    assert b"k" not in s.db().keys


def test_getdel_mget_mset() -> None:
    s = Session()
    put_list(s, b"l")
    assert s.call("MSET", "a", "1", "b") == err("ERR wrong number of arguments for 'mset' command")
    assert s.call("MSETNX", "a") == err("ERR wrong number of arguments for 'msetnx' command")
    assert s.call("MSET", "a", "1", "a", "2") == OKF
    assert s.call("MGET", "a", "l", "zz") == b"*3\r\n$1\r\n2\r\n$-1\r\n$-1\r\n"
    assert s.call("MSETNX", "x", "1", "l", "2") == b":0\r\n"
    assert s.call("MSETNX", "x", "1", "y", "2") == b":1\r\n"
    assert s.call("GETDEL", "l") == WRONGTYPE
    assert s.call("GETDEL", "a") == bulk(b"2")
    assert s.call("GETDEL", "a") == NIL


# ------------------------------------------------------------------------------- ranges


def test_getrange_recorded() -> None:
    s = Session()
    s.call("SET", "k", "ohmytext")
    assert s.call("GETRANGE", "k", "0", "-1") == bulk(b"ohmytext")
    assert s.call("GETRANGE", "k", "-100", "-50") == bulk(b"o")
    assert s.call("GETRANGE", "k", "-1", "-5") == bulk(b"")
    assert s.call("GETRANGE", "k", "5", "2") == bulk(b"")
    assert s.call("SUBSTR", "k", "2", "4") == bulk(b"myt")
    assert s.call("GETRANGE", "k", "-9223372036854775808", "9223372036854775807") == bulk(
        b"ohmytext"
    )
    assert s.call("GETRANGE", "nokey", "0", "x") == NOTINT
    put_list(s, b"l")
    assert s.call("GETRANGE", "l", "0", "1") == WRONGTYPE
    assert s.call("GETRANGE", "l", "a", "1") == NOTINT


def test_setrange_limits_without_allocating() -> None:
    s = Session()
    too_long = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
    assert s.call("SETRANGE", "k", "-1", "a") == err("ERR offset is out of range")
    assert s.call("SETRANGE", "k", "9223372036854775807", "a") == too_long
    assert s.call("SETRANGE", "k", "536870912", "a") == too_long
    assert s.call("SETRANGE", "k", "536870911", "ab") == too_long
    assert s.call("SETRANGE", "k", "536870912", "") == b":0\r\n"
    s.call("SET", "k", "abc")
    assert s.call("SETRANGE", "k", "999999999999", "") == b":3\r\n"
    assert s.call("SETRANGE", "k", "5", "xy") == b":7\r\n"
    assert s.call("GET", "k") == bulk(b"abc\x00\x00xy")
    assert s.call("SETRANGE", "k", "1", "Z") == b":7\r\n"
    assert s.call("GET", "k") == bulk(b"aZc\x00\x00xy")
    small = Session(**{"proto-max-bulk-len": 8})
    small.call("SET", "k", "abcdef")
    assert small.call("APPEND", "k", "xyz") == too_long
    assert small.call("APPEND", "k", "xy") == b":8\r\n"


# ------------------------------------------------------------------------------- counters


def test_incr_family_recorded() -> None:
    s = Session()
    assert s.call("DECRBY", "n", "-9223372036854775808") == err("ERR decrement would overflow")
    assert s.call("INCRBY", "n", "-9223372036854775808") == b":-9223372036854775808\r\n"
    assert s.call("INCRBY", "n", "-1") == err("ERR increment or decrement would overflow")
    assert s.call("DECRBY", "n", "9223372036854775807") == err(
        "ERR increment or decrement would overflow"
    )
    for bad in [" 1", "1 ", "+1", "01", "-0", "1.0", "", "123456789012345678901"]:
        s.call("SET", "k", bad)
        assert s.call("INCR", "k") == NOTINT, bad
    put_list(s, b"l")
    assert s.call("INCR", "l") == WRONGTYPE
    assert s.call("INCRBY", "l", "x") == NOTINT  # the increment is parsed first
    assert s.call("INCRBYFLOAT", "l", "x") == WRONGTYPE  # the stored value is checked first


INCRBYFLOAT_RECORDED = [
    # (stored value or None, increment, reply) — all recorded from Redis 7.0.15.
    ("10.5", "0.1", "10.6"),
    ("3000", "5.0e3", "8000"),
    (None, "1e-4940", "0"),
    (None, "1e-4950", "0"),
    (None, "1e-5000", NOTFLOAT),
    (None, "inf", err("ERR increment would produce NaN or Infinity")),
    (None, "infinity", err("ERR increment would produce NaN or Infinity")),
    (None, "nan", NOTFLOAT),
    (None, "0x1p3", "8"),
    (None, "0X1P-2", "0.25"),
    (None, "1e4933", NOTFLOAT),
    (None, " 1", NOTFLOAT),
    (None, "1 ", NOTFLOAT),
    (None, ".", NOTFLOAT),
    (None, "0x", NOTFLOAT),
    (None, b"\x00", NOTFLOAT),
    (None, b"1.5\x00abc", NOTFLOAT),
    ("inf", "-inf", err("ERR increment would produce NaN or Infinity")),
    ("1" * 5119, "0", NOTFLOAT),
    (None, "-1e-30", "0"),
    (None, "0.000000000000000015", "0.00000000000000002"),
    (None, "0.000000000000000025", "0.00000000000000002"),
    (None, "123456789012345678901234567890", "123456789012345678899921813504"),
    (None, "0x1p-16445", "0"),
    (None, "0x1p-16446", NOTFLOAT),
    (None, "1e-4951", NOTFLOAT),
    (None, "3e-4951", "0"),
    (None, "0x1.ffffffffffffffffp16383", NOTFLOAT),
    ("100.25", "-0", "100.25"),
]


@pytest.mark.parametrize("stored,inc,want", INCRBYFLOAT_RECORDED)
def test_incrbyfloat_recorded(stored: str | None, inc: Any, want: Any) -> None:
    s = Session()
    if stored is not None:
        s.call("SET", "k", stored)
    expected = want if isinstance(want, bytes) else bulk(want.encode())
    assert s.call("INCRBYFLOAT", "k", inc) == expected


def test_incrbyfloat_huge_values() -> None:
    s = Session()
    r = s.call("INCRBYFLOAT", "k", "1e400")
    assert r.startswith(b"$401\r\n1000000000000000000028188068394758651458645343362905203862591")
    r = s.call("INCRBYFLOAT", "m", "1.18973149535723176502e+4932")
    assert r.startswith(b"$4933\r\n118973149535723176502126385303097020516906332229462420044032")
    assert s.call("INCRBYFLOAT", "m", "0x1.fffffffffffffffep16383") == err(
        "ERR increment would produce NaN or Infinity"
    )


# ------------------------------------------------------------------------------- LCS


def test_lcs_recorded() -> None:
    s = Session()
    s.call("MSET", "k1", "ohmytext", "k2", "mynewtext")
    assert s.call("LCS", "k1", "k2") == bulk(b"mytext")
    assert s.call("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "-5", "WITHMATCHLEN") == (
        b"*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        b"*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n"
    )
    assert s.call("LCS", "nx1", "nx2", "IDX", "WITHMATCHLEN") == (
        b"*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"
    )
    assert s.call("LCS", "k1", "k2", "LEN", "IDX") == err(
        "ERR If you want both the length and indexes, please just use IDX."
    )
    put_list(s, b"l")
    assert s.call("LCS", "l", "k1", "foo") == err(
        "ERR The specified keys must contain string values"
    )
    small = Session(**{"proto-max-bulk-len": 1 << 20})
    small.call("MSET", "a", "x" * 512, "b", "x" * 511)
    assert small.call("LCS", "a", "b", "LEN") == err(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
    )


def test_lcs_resp3_is_a_map() -> None:
    s = Session()
    s.call("MSET", "a", "abc", "b", "abc")
    c = s.state.clients[s.cid]
    s.state = attrs.evolve(s.state, clients=s.state.clients.set(s.cid, attrs.evolve(c, resp=3)))
    assert s.call("LCS", "a", "b", "IDX") == (
        b"%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:2\r\n*2\r\n:0\r\n:2\r\n"
        b"$3\r\nlen\r\n:3\r\n"
    )


# ------------------------------------------------------------------------------- effects


def test_propagation_rewrites() -> None:
    s = Session()
    cases: list[tuple[list[Any], list[tuple[bytes, ...]]]] = [
        (["SET", "a", "1", "EX", "100"], [(b"SET", b"a", b"1", b"PXAT", b"%d" % (NOW + 100_000))]),
        (["SET", "b", "1", "PXAT", "99999999999999", "GET"],
         [(b"SET", b"b", b"1", b"PXAT", b"99999999999999")]),
        (["SET", "c", "1", "EXAT", "99999999999"],
         [(b"SET", b"c", b"1", b"PXAT", b"99999999999000")]),
        (["SETEX", "d", "100", "v"], [(b"SET", b"d", b"v", b"PXAT", b"%d" % (NOW + 100_000))]),
        (["PSETEX", "e", "100", "v"], [(b"SET", b"e", b"v", b"PXAT", b"%d" % (NOW + 100))]),
        (["GETEX", "a", "EX", "50"], [(b"PEXPIREAT", b"a", b"%d" % (NOW + 50_000))]),
        (["GETEX", "a", "PERSIST"], [(b"PERSIST", b"a")]),
        (["GETEX", "a", "PERSIST"], []),
        (["GETEX", "b", "PXAT", "1"], [(b"DEL", b"b")]),
        (["INCRBYFLOAT", "f", "1.5"], [(b"SET", b"f", b"1.5", b"KEEPTTL")]),
        (["GETDEL", "f"], [(b"DEL", b"f")]),
        (["GETDEL", "f"], []),
        (["GETSET", "g", "x"], [(b"SET", b"g", b"x")]),
        (["SETNX", "h", "1"], [(b"SETNX", b"h", b"1")]),
        (["SETNX", "h", "1"], []),
        (["MSETNX", "h", "1"], []),
        (["APPEND", "k", ""], [(b"APPEND", b"k", b"")]),
        (["SETRANGE", "k", "0", ""], []),
        (["SET", "x", "v", "NX", "GET"], [(b"SET", b"x", b"v", b"NX")]),
        (["SET", "x", "v2", "NX", "GET"], []),
        (["SET", "x", "v3", "get", b"GeT\x00x"], [(b"SET", b"x", b"v3")]),
        (["SET", "z", "v", "KEEPTTL"], [(b"SET", b"z", b"v", b"KEEPTTL")]),
        (["INCR", "n"], [(b"INCR", b"n")]),
    ]
    for argv, want in cases:
        eff = s.effects(*argv)
        assert [a for _, a in eff.propagate] == want, argv
    lazy = Session(**{"lazyfree-lazy-user-del": True})
    lazy.call("SET", "k", "v")
    assert [a for _, a in lazy.effects("GETDEL", "k").propagate] == [(b"UNLINK", b"k")]


def test_keyspace_events() -> None:
    s = Session(**{"notify-keyspace-events": "KEA"})
    seq: list[tuple[list[Any], list[tuple[str, str]]]] = [
        (["SET", "a", "1", "EX", "100"], [("$", "set"), ("g", "expire")]),
        (["GETEX", "a", "EX", "50"], [("g", "expire")]),
        (["GETEX", "a", "PERSIST"], [("g", "persist")]),
        (["GETEX", "a", "PXAT", "1"], [("g", "del")]),
        (["INCRBYFLOAT", "f", "1.5"], [("$", "incrbyfloat")]),
        (["GETDEL", "f"], [("g", "del")]),
        (["GETSET", "g", "x"], [("$", "set")]),
        (["MSETNX", "m", "1", "m2", "2"], [("$", "set"), ("$", "set")]),
        (["APPEND", "k", ""], [("$", "append")]),
        (["SETRANGE", "k", "1", "ab"], [("$", "setrange")]),
        (["SETRANGE", "k", "1", ""], []),
        (["DECRBY", "n", "5"], [("$", "incrby")]),
        (["SET", "y", "v", "PXAT", "1"], [("$", "set"), ("g", "expire")]),
        (["GET", "y"], [("x", "expired")]),
    ]
    for argv, want in seq:
        eff = s.effects(*argv)
        assert [(t, e) for t, e, _, _ in eff.notifications] == want, argv


# ------------------------------------------------------------------------------- long double


def test_round_ld_boundaries() -> None:
    top = Fraction((1 << 64) - 1) * Fraction(2) ** 16320
    assert ld.round_ld(top) == top
    half_ulp = Fraction(2) ** 16319
    assert ld.round_ld(top + half_ulp) == float("inf")  # ties to even: rounds up, overflows
    assert ld.round_ld(top + half_ulp - 1) == top
    tiny = Fraction(1, 1 << 16445)
    assert ld.round_ld(tiny) == tiny
    assert ld.round_ld(tiny / 2) == 0  # tie to even (zero)
    assert ld.round_ld(tiny * 3 / 2) == tiny * 2  # tie to even
    assert ld.round_ld(Fraction(1, 10)) != Fraction(1, 10)
    assert ld.round_ld(-Fraction(3)) == -3


def test_strtold_grammar() -> None:
    for ok, v in [(b"1.", 1), (b"+.5", Fraction(1, 2)), (b"0x.8p1", 1), (b"-0", 0),
                  (b"0e999999999999999999", 0), (b"1E2", 100), (b"0x1.8", Fraction(3, 2))]:
        assert ld.strtold(ok) == v, ok
    assert ld.strtold(b"-INF") == float("-inf")
    for bad in [b"", b".", b"e1", b"1e", b"1e+", b"0x", b"0x1p", b"nan", b"nan(1)", b"infin",
                b" 1", b"1 ", b"1\x00", b"--1", b"1..2", b"0x1p1.5", b"1" * 5120]:
        assert ld.strtold(bad) is None, bad


def test_format_and_big_ints() -> None:
    assert ld.ld_format_human(Fraction(-1, 10**30)) == b"0"
    assert ld.ld_format_human(Fraction(-5, 2)) == b"-2.5"
    assert ld.ld_format_human(Fraction(7)) == b"7"
    n = 10**4900 + 7
    assert ld.digits_to_int(ld.int_to_digits(n)) == n
    assert ld.int_to_digits(n)[:2] == b"10" and len(ld.int_to_digits(n)) == 4901


# ------------------------------------------------------------------------------- vs Redis

_digits = st.text("0123456789", min_size=0, max_size=25)


@st.composite
def float_strings(draw: st.DrawFn) -> bytes:
    """Decimal and hex strings that strtold may or may not accept, near the interesting
    places: many digits, big and tiny exponents, signs, missing parts."""
    kind = draw(st.sampled_from(["dec", "dec", "dec", "hex", "repr", "junk"]))
    sign = draw(st.sampled_from(["", "", "-", "+"]))
    if kind == "repr":
        f = draw(st.floats(allow_nan=False, allow_infinity=False))
        return repr(f).encode()
    if kind == "junk":
        return draw(st.sampled_from([b"inf", b"-inf", b"nan", b"1e", b".", b"", b" 1", b"0x",
                                     b"1.5 ", b"INFINITY", b"1e-4951", b"1e4932"]))
    if kind == "hex":
        ip = draw(st.text("0123456789abcdefABCDEF", max_size=20))
        fp = draw(st.text("0123456789abcdef", max_size=20))
        s = f"{sign}0x{ip}" + (f".{fp}" if draw(st.booleans()) else "")
        if draw(st.booleans()):
            s += f"p{draw(st.integers(-16500, 16500))}"
        return s.encode()
    ip, fp = draw(_digits), draw(_digits)
    s = sign + ip + (("." + fp) if draw(st.booleans()) else "")
    if draw(st.booleans()):
        s += "e" + str(draw(st.one_of(st.integers(-30, 30), st.integers(-5000, 5000))))
    return s.encode()


def _redis_available() -> bool:
    import shutil

    return shutil.which("redis-server") is not None


@pytest.mark.skipif(not _redis_available(), reason="needs a real redis-server")
def test_incrbyfloat_matches_real_redis(redis_target: Target) -> None:
    """Random stored values and increments: the spec's reply equals Redis's, byte for byte."""
    try:
        c = RawClient(redis_target.host, redis_target.port)
    except OSError:
        pytest.skip("real redis not reachable")

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(float_strings(), float_strings(), st.booleans())
    def check(start: bytes, inc: bytes, twice: bool) -> None:
        c.call("DEL", "incrbyfloat:k")
        c.call("SET", "incrbyfloat:k", start)
        s = Session()
        s.call("SET", "incrbyfloat:k", start)
        for _ in range(2 if twice else 1):
            want = c.call("INCRBYFLOAT", "incrbyfloat:k", inc)
            got = s.call("INCRBYFLOAT", "incrbyfloat:k", inc)
            assert got == want, (start, inc)

    try:
        check()
    finally:
        c.call("DEL", "incrbyfloat:k")
        c.close()


def _naive_lcs_table(a: bytes, b: bytes) -> list[list[int]]:
    t = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                t[i][j] = t[i - 1][j - 1] + 1
            else:
                t[i][j] = max(t[i - 1][j], t[i][j - 1])
    return t


_small = st.binary(max_size=14).map(lambda x: bytes(97 + c % 3 for c in x))


@given(_small, _small)
def test_lcs_bit_parallel_table_is_the_dp_table(a: bytes, b: bytes) -> None:
    from redspec.spec.commands.strings import _LcsTable

    t = _LcsTable(a, b)
    naive = _naive_lcs_table(a, b)
    got = [[t(i, j) for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    # A plain raise, not ``assert got == naive``: pytest's diff of two nested tables is
    # exponential in difflib, and the planted-bug test below makes this fail on purpose.
    if got != naive:
        raise AssertionError(f"LCS table of {a!r}, {b!r} differs from the DP table")


def test_lcs_table_property_catches_planted_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a bit-vector update that drops the carry (``v | u`` for ``v + u``) the table
    property fails."""
    from redspec.spec.commands import strings as m

    def broken_init(self: Any, a: bytes, b: bytes) -> None:
        mask = (1 << len(b)) - 1
        match: dict[int, int] = {}
        for j, c in enumerate(b):
            match[c] = match.get(c, 0) | (1 << j)
        v = mask
        rows = [v]
        for c in a:
            u = v & match.get(c, 0)
            v = ((v | u) | (v - u)) & mask
            rows.append(v)
        self.rows = rows

    monkeypatch.setattr(m._LcsTable, "__init__", broken_init)
    with pytest.raises(AssertionError):
        test_lcs_bit_parallel_table_is_the_dp_table()


@pytest.mark.skipif(not _redis_available(), reason="needs a real redis-server")
def test_lcs_matches_real_redis(redis_target: Target) -> None:
    """Random strings over a 3-letter alphabet and random LCS options, RESP2 and RESP3."""
    try:
        c2 = RawClient(redis_target.host, redis_target.port)
        c3 = RawClient(redis_target.host, redis_target.port)
    except OSError:
        pytest.skip("real redis not reachable")
    c3.call("HELLO", "3")
    opts = st.lists(st.sampled_from([["IDX"], ["LEN"], ["WITHMATCHLEN"], ["MINMATCHLEN", "2"],
                                     ["MINMATCHLEN", "0"], ["MINMATCHLEN", "-1"]]), max_size=3)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_small, _small, opts)
    def check(a: bytes, b_: bytes, options: list[list[str]]) -> None:
        argv = ["LCS", "lcs:a", "lcs:b", *[x for o in options for x in o]]
        for c, resp in ((c2, 2), (c3, 3)):
            c.call("MSET", "lcs:a", a, "lcs:b", b_)
            s = Session()
            s.call("MSET", "lcs:a", a, "lcs:b", b_)
            if resp == 3:
                cl = s.state.clients[s.cid]
                s.state = attrs.evolve(
                    s.state, clients=s.state.clients.set(s.cid, attrs.evolve(cl, resp=3))
                )
            assert s.call(*argv) == c.call(*argv), (a, b_, argv, resp)

    try:
        check()
    finally:
        c2.call("DEL", "lcs:a", "lcs:b")
        c2.close()
        c3.close()


@pytest.mark.skipif(not _redis_available(), reason="needs a real redis-server")
def test_incrbyfloat_vs_redis_catches_double_rounding(
    redis_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planted bug: parsing into a C ``double`` instead of a ``long double`` is caught by the
    comparison with the real server."""
    from redspec.spec.commands import strings as m

    real = ld.strtold

    def strtod(b_: bytes) -> Any:
        v = real(b_)
        if isinstance(v, Fraction) and abs(v) < 10**300:
            return Fraction(float(v))
        return v

    monkeypatch.setattr(m, "strtold", strtod)
    with pytest.raises(AssertionError):
        test_incrbyfloat_matches_real_redis(redis_target)


_K = st.sampled_from([b"s:a", b"s:b", b"s:c"])
_V = st.sampled_from([b"", b"0", b"1", b"-1", b"10.5", b"007", b"abc", b"ab\x00c", b"1e3",
                      b"9223372036854775807", b"-9223372036854775808", b"0x10", b" 2", b"inf"])
_N = st.sampled_from([b"0", b"1", b"-1", b"3", b"-7", b"x", b"", b"1.5", b"100",
                      b"9223372036854775807", b"-9223372036854775808"])
_F = st.sampled_from([b"0.1", b"-0.1", b"1e3", b"2.5", b"-3", b"inf", b"nan", b"x", b"1e4932",
                      b"0x1p-3", b"1e-20"])
_EXP = st.sampled_from([[b"EX", b"100"], [b"PX", b"100000"], [b"EXAT", b"99999999999"],
                        [b"PXAT", b"1"], [b"PXAT", b"99999999999000"], [b"EX", b"0"],
                        [b"EX", b"x"], [b"KEEPTTL"], [b"PERSIST"], [b"EX"]])
_OPT = st.one_of(_EXP, st.sampled_from([[b"NX"], [b"XX"], [b"GET"], [b"FOO"]]))


def _c(*parts: Any) -> st.SearchStrategy[list[bytes]]:
    return st.tuples(*parts).map(lambda t: [x for p in t for x in (p if isinstance(p, list)
                                                                    else [p])])


_STRING_CMD = st.one_of(
    _c(st.just(b"SET"), _K, _V, st.lists(_OPT, max_size=3).map(lambda o: sum(o, []))),
    _c(st.just(b"GET"), _K),
    _c(st.just(b"GETEX"), _K, st.lists(_EXP, max_size=2).map(lambda o: sum(o, []))),
    _c(st.just(b"GETDEL"), _K),
    _c(st.just(b"GETSET"), _K, _V),
    _c(st.just(b"SETNX"), _K, _V),
    _c(st.sampled_from([b"SETEX", b"PSETEX"]), _K, st.sampled_from([b"100000", b"0", b"x"]), _V),
    _c(st.just(b"APPEND"), _K, _V),
    _c(st.sampled_from([b"INCR", b"DECR", b"STRLEN"]), _K),
    _c(st.sampled_from([b"INCRBY", b"DECRBY"]), _K, _N),
    _c(st.just(b"INCRBYFLOAT"), _K, st.one_of(_F, _V)),
    _c(st.just(b"MGET"), st.lists(_K, min_size=1, max_size=3)),
    _c(st.sampled_from([b"MSET", b"MSETNX"]),
       st.lists(st.tuples(_K, _V), min_size=1, max_size=2).map(lambda ps: sum(map(list, ps), [])),
       st.lists(_K, max_size=1)),  # sometimes an odd count
    _c(st.sampled_from([b"GETRANGE", b"SUBSTR"]), _K, _N, _N),
    _c(st.just(b"SETRANGE"), _K, st.sampled_from([b"0", b"2", b"-1", b"x"]), _V),
    _c(st.just(b"LCS"), _K, _K, st.lists(st.sampled_from([b"IDX", b"LEN", b"WITHMATCHLEN",
                                                          b"MINMATCHLEN", b"1"]), max_size=3)),
)


@pytest.mark.skipif(not _redis_available(), reason="needs a real redis-server")
def test_string_sequences_match_real_redis(redis_target: Target) -> None:
    """Random sequences of every string command with options and bad arguments: each reply
    of the spec equals Redis's, byte for byte (RESP2)."""
    try:
        c = RawClient(redis_target.host, redis_target.port)
    except OSError:
        pytest.skip("real redis not reachable")

    @settings(max_examples=EXAMPLES // 2, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(_STRING_CMD, min_size=1, max_size=10))
    def check(seq: list[list[bytes]]) -> None:
        c.call("DEL", "s:a", "s:b", "s:c")
        s = Session(now=int(__import__("time").time() * 1000))
        for argv in seq:
            want = c.call(*argv)
            got = s.call(*argv)
            assert got == want, (seq, argv)

    try:
        check()
    finally:
        c.call("DEL", "s:a", "s:b", "s:c")
        c.close()
