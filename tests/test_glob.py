"""``spec.glob`` (Redis's ``stringmatchlen``): a golden table recorded from Redis 7.0.15, a
property against an independent regex model, and a live property against the real server."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from redspec.spec import glob as glob_mod
from redspec.spec.frames import parse
from redspec.spec.glob import compile_glob, stringmatch
from tests.differential.rawclient import RawClient

# Recorded with KEYS against redis-server 7.0.15 (db 9 holding exactly GOLDEN_KEYS).
GOLDEN_KEYS = [
    b'',
    b'a',
    b'b',
    b'c',
    b'ab',
    b'abc',
    b'abcabc',
    b'a*b',
    b'a?b',
    b'a\\b',
    b'a[b',
    b'a]b',
    b'a-b',
    b'[',
    b']',
    b'\\',
    b'^',
    b'-',
    b'\xff',
    b'\x80',
    b'\x00',
    b'z',
    b'Z',
    b'A',
    b'aXbXc',
    b'hello',
    b'hallo',
]
#: KEYS pattern -> the keys of GOLDEN_KEYS that Redis 7.0.15 returned (sorted).
GOLDEN: dict[bytes, list[bytes]] = {
    b'*': [b'', b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'a*b', b'a-b', b'a?b', b'aXbXc', b'a[b', b'a\\b', b'a]b', b'ab', b'abc', b'abcabc', b'b', b'c', b'hallo', b'hello', b'z', b'\x80', b'\xff'],
    b'**': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'a*b', b'a-b', b'a?b', b'aXbXc', b'a[b', b'a\\b', b'a]b', b'ab', b'abc', b'abcabc', b'b', b'c', b'hallo', b'hello', b'z', b'\x80', b'\xff'],
    b'': [b''],
    b'?': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'b', b'c', b'z', b'\x80', b'\xff'],
    b'??': [b'ab'],
    b'a*': [b'a', b'a*b', b'a-b', b'a?b', b'aXbXc', b'a[b', b'a\\b', b'a]b', b'ab', b'abc', b'abcabc'],
    b'*b': [b'a*b', b'a-b', b'a?b', b'a[b', b'a\\b', b'a]b', b'ab', b'b'],
    b'a*b*c': [b'aXbXc', b'abc', b'abcabc'],
    b'a**c': [b'aXbXc', b'abc', b'abcabc'],
    b'*a*': [b'a', b'a*b', b'a-b', b'a?b', b'aXbXc', b'a[b', b'a\\b', b'a]b', b'ab', b'abc', b'abcabc', b'hallo'],
    b'[ab]': [b'a', b'b'],
    b'[^ab]': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'c', b'z', b'\x80', b'\xff'],
    b'[a-c]': [b'a', b'b', b'c'],
    b'[c-a]': [b'a', b'b', b'c'],
    b'[]': [],
    b'[^]': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'b', b'c', b'z', b'\x80', b'\xff'],
    b'[]a]': [],
    b'[^]a]': [],
    b'[': [],
    b'[^': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'b', b'c', b'z', b'\x80', b'\xff'],
    b'[ab': [b'a', b'b'],
    b'[a-': [b'-', b'a'],
    b'[a-]': [b']', b'^', b'a'],
    b'[a-]]': [b']', b'^', b'a'],
    b'a[': [],
    b'a[*]b': [b'a*b'],
    b'a\\*b': [b'a*b'],
    b'a\\?b': [b'a?b'],
    b'a\\\\b': [b'a\\b'],
    b'a\\[b': [b'a[b'],
    b'a\\': [],
    b'\\': [b'\\'],
    b'\\a': [b'a'],
    b'[\\]]': [b']'],
    b'[\\^]': [b'^'],
    b'[\\-]': [b'-'],
    b'[a\\-c]': [b'-', b'a', b'c'],
    b'[-a]': [b'-', b'a'],
    b'[a-\xff]': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'\xff'],
    b'[\xff-a]': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'\xff'],
    b'[\x80-\xff]': [b'\x80', b'\xff'],
    b'[\x00-a]': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a'],
    b'[^a-\xff]': [b'b', b'c', b'z', b'\x80'],
    b'[\\': [b'\\'],
    b'[a\\': [b'\\', b'a'],
    b'h[ae]llo': [b'hallo', b'hello'],
    b'h[^e]llo': [b'hallo'],
    b'*[': [],
    b'?*': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'a*b', b'a-b', b'a?b', b'aXbXc', b'a[b', b'a\\b', b'a]b', b'ab', b'abc', b'abcabc', b'b', b'c', b'hallo', b'hello', b'z', b'\x80', b'\xff'],
    b'*?*': [b'\x00', b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'a*b', b'a-b', b'a?b', b'aXbXc', b'a[b', b'a\\b', b'a]b', b'ab', b'abc', b'abcabc', b'b', b'c', b'hallo', b'hello', b'z', b'\x80', b'\xff'],
    b'[[]': [b'['],
    b'[]]': [],
    b'a[]-]b': [],
    b'[Z-a]': [b'Z', b'[', b'\\', b']', b'^', b'a'],
    b'[A-Z]': [b'A', b'Z'],
    b'[\x00]': [b'\x00'],
    b'\x00': [b'\x00'],
    b'[^\x00]': [b'-', b'A', b'Z', b'[', b'\\', b']', b'^', b'a', b'b', b'c', b'z', b'\x80', b'\xff'],
    b'*\\': [b'\\'],
    b'[?]': [],
    b'[*]': [],
}


@pytest.mark.parametrize("pattern", list(GOLDEN), ids=repr)
def test_golden_table(pattern: bytes) -> None:
    """Every recorded KEYS reply (KEYS special-cases ``*`` itself)."""
    g = compile_glob(pattern)
    got = sorted(k for k in GOLDEN_KEYS if pattern == b"*" or g.match(k))
    assert got == GOLDEN[pattern]


# -- an independent model: translate the pattern to a Python regular expression ---------------


def _sch(b: int) -> int:
    return b - 256 if b > 127 else b


def regex_model(pattern: bytes) -> re.Pattern[bytes]:
    """The pattern as a regex over bytes (written separately from ``spec.glob``)."""
    out: list[bytes] = []
    p = pattern
    i = 0
    while i < len(p):
        ch = p[i : i + 1]
        if ch == b"*":
            out.append(b".*")
            i += 1
        elif ch == b"?":
            out.append(b".")
            i += 1
        elif ch == b"\\":
            lit = p[i + 1 : i + 2] if i + 1 < len(p) else ch
            out.append(re.escape(lit))
            i += 1 + (i + 1 < len(p))
        elif ch == b"[":
            j = i + 1
            neg = p[j : j + 1] == b"^"
            j += neg
            chars: set[int] = set()
            while j < len(p):
                if p[j : j + 1] == b"\\" and j + 1 < len(p):
                    chars.add(p[j + 1])
                    j += 2
                elif p[j : j + 1] == b"]":
                    j += 1
                    break
                elif j + 2 < len(p) and p[j + 1 : j + 2] == b"-":
                    a, b = sorted((_sch(p[j]), _sch(p[j + 2])))
                    chars.update(x & 0xFF for x in range(a, b + 1))
                    j += 3
                else:
                    chars.add(p[j])
                    j += 1
            if neg:
                chars = set(range(256)) - chars
            if chars:
                out.append(b"[" + b"".join(re.escape(bytes([x])) for x in sorted(chars)) + b"]")
            else:
                out.append(b"(?!)")
            i = j
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile(b"".join(out), re.DOTALL)


def model_match(pattern: bytes, s: bytes) -> bool:
    if not s:  # stringmatchlen never looks at the pattern for an empty string
        return pattern == b""
    return regex_model(pattern).fullmatch(s) is not None


ALPHABET = b"ab*?[]^-\\\x00\x80\xff"
patterns = st.lists(st.sampled_from(list(ALPHABET)), max_size=8).map(bytes)
strings = st.lists(st.sampled_from(list(b"ab*?[]^-\\\x00\x80\xffz")), max_size=6).map(bytes)


@settings(max_examples=1000, deadline=None)
@given(patterns, strings)
def test_matches_regex_model(pattern: bytes, s: bytes) -> None:
    assert stringmatch(pattern, s) == model_match(pattern, s)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(list(b"ab*?")), max_size=8).map(bytes),
       st.lists(st.sampled_from(list(b"ab")), max_size=8).map(bytes))
@example(b"*a*a", b"a")
@example(b"a*a", b"a")
@example(b"*ab*b", b"ab")
def test_small_alphabet(pattern: bytes, s: bytes) -> None:
    """Few symbols, so overlapping segments (``*a*a`` on ``a``) come up often."""
    assert stringmatch(pattern, s) == model_match(pattern, s)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(b"*a")), min_size=1, max_size=12).map(bytes),
       st.binary(max_size=40))
def test_star_heavy_patterns(pattern: bytes, s: bytes) -> None:
    """Many stars: the backtracking stays correct (and fast)."""
    assert stringmatch(pattern, s) == model_match(pattern, s)


def test_long_pathological_pattern_is_fast() -> None:
    """``a*a*a*...b`` against a long run of ``a``: no exponential backtracking."""
    import time

    t0 = time.perf_counter()
    assert not stringmatch(b"a*" * 30 + b"b", b"a" * 3000)
    assert time.perf_counter() - t0 < 2.0


def test_nocase_quirks() -> None:
    """Verified with ``COMMAND LIST FILTERBY PATTERN`` (which matches without case)."""
    assert not stringmatch(b"[Z-a]et", b"get", nocase=True)  # ordered, then lowered: empty
    assert stringmatch(b"[F-H]ET", b"get", nocase=True)
    assert stringmatch(b"G[E]T", b"get", nocase=True)
    assert not stringmatch(b"[\\G]et", b"get", nocase=True)  # escaped in a class: exact
    assert stringmatch(b"\\Get", b"get", nocase=True)
    assert not stringmatch(b"GET", b"get")


def test_planted_bug_unsigned_ranges_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """If range ends compared unsigned, the golden table would catch it."""
    monkeypatch.setattr(glob_mod, "_signed", lambda b: b)
    g = compile_glob(b"[a-\xff]")
    got = sorted(k for k in GOLDEN_KEYS if g.match(k))
    assert got != GOLDEN[b"[a-\xff]"]


def test_planted_bug_empty_string_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """If ``*`` matched the empty string, the model property would fail."""
    orig = glob_mod.Glob.match

    def loose(self: glob_mod.Glob, s: bytes) -> bool:
        return True if not s and self._star else orig(self, s)

    monkeypatch.setattr(glob_mod.Glob, "match", loose)
    with pytest.raises(AssertionError):
        test_matches_regex_model()


# -- live: the real server decides -------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=patterns, keys=st.lists(strings, min_size=1, max_size=8, unique=True))
def _live(conn: RawClient, pattern: bytes, keys: list[bytes]) -> None:
    conn.call("FLUSHDB")
    conn.call("MSET", *[x for k in keys for x in (k, b"1")])
    frame = conn.call("KEYS", pattern)
    want = sorted(k for k in keys if pattern == b"*" or stringmatch(pattern, k))
    got = _bulks(frame)
    assert sorted(got) == want, (pattern, keys)


def _bulks(frame: bytes) -> list[bytes]:
    return [c.payload for c in parse(frame).children or () if c.payload is not None]


def test_matches_real_redis(redis_target) -> None:  # type: ignore[no-untyped-def]
    """Random tricky patterns and keys: KEYS on Redis 7.0.15 agrees with ``stringmatch``."""
    conn = RawClient(redis_target.host, redis_target.port)
    try:
        conn.call("SELECT", "13")
        _live(conn)
        conn.call("FLUSHDB")
    finally:
        conn.close()
