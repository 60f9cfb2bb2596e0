"""List positions (mechanism 6, lists), added for the mutation score (issue #6).

Mutants of ``spec/commands/lists.py`` survived the lists machine: the range clamp of LRANGE/
LTRIM with a non-negative end, LPOS's stop rule with RANK and COUNT together, LINDEX's
non-integer index. Property ``list_positions_agree_with_model`` checks, for a random list and
random arguments, against a Python model of ``listTypeRange``/``ltrimCommand``/``lposCommand``:

- LRANGE start end (negative from the tail, clamped; empty when start > end or start >= n);
- LINDEX i (nil out of range) and LINDEX with a non-integer index (the integer error);
- LPOS ele RANK r COUNT c MAXLEN m (matches counted from the head for r > 0, the tail for
  r < 0, the first ``|r| - 1`` skipped, at most ``c`` returned, 0 meaning all, only among the
  first ``m`` elements scanned, 0 meaning all) and LPOS without COUNT;
- LTRIM start end followed by LRANGE 0 -1 (the key gone when nothing is left).

A planted-bug test breaks the clamp.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.driver import Session
from redspec.properties.test_lists_machine import lpos_model
from redspec.spec.commands import lists as spec_lists

MECHANISM = "types"


def _arr(items: list[bytes]) -> bytes:
    return b"*%d\r\n" % len(items) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in items)


def _ints(items: list[int]) -> bytes:
    return b"*%d\r\n" % len(items) + b"".join(b":%d\r\n" % i for i in items)


def _range(n: int, start: int, end: int) -> range:
    if start < 0:
        start += n
    if end < 0:
        end += n
    start = max(start, 0)
    if start > end or start >= n:
        return range(0)
    return range(start, min(end, n - 1) + 1)


def check_positions(xs: list[bytes], start: int, end: int, ele: bytes, rank: int, count: int,
                    maxlen: int) -> None:
    """``list_positions_agree_with_model`` for one case."""
    call = Session()

    name = "list_positions_agree_with_model"
    call(b"RPUSH", b"k", *xs)
    want = [xs[i] for i in _range(len(xs), start, end)]
    assert call(b"LRANGE", b"k", start, end) == _arr(want), f"{name}: LRANGE {start} {end}"
    got = call(b"LINDEX", b"k", start)
    idx = start + len(xs) if start < 0 else start
    exp = b"$-1\r\n" if not 0 <= idx < len(xs) else b"$%d\r\n%s\r\n" % (len(xs[idx]), xs[idx])
    assert got == exp, f"{name}: LINDEX {start}"
    assert call(b"LINDEX", b"k", b"x").startswith(b"-ERR value is not an integer"), \
        f"{name}: LINDEX non-integer"
    hits = lpos_model(xs, ele, rank, count, maxlen)
    got = call(b"LPOS", b"k", ele, b"RANK", rank, b"COUNT", count, b"MAXLEN", maxlen)
    assert got == _ints(hits), f"{name}: LPOS RANK {rank} COUNT {count} MAXLEN {maxlen}"
    first = lpos_model(xs, ele, rank, 1, maxlen)
    got = call(b"LPOS", b"k", ele, b"RANK", rank, b"MAXLEN", maxlen)
    assert got == (b":%d\r\n" % first[0] if first else b"$-1\r\n"), f"{name}: LPOS"
    call(b"LTRIM", b"k", start, end)
    assert call(b"LRANGE", b"k", 0, -1) == _arr(want), f"{name}: LTRIM {start} {end}"
    assert call(b"EXISTS", b"k") == (b":1\r\n" if want else b":0\r\n"), f"{name}: LTRIM empty"


_ARGS = {
    "xs": st.lists(st.sampled_from([b"a", b"b", b"c"]), min_size=1, max_size=8),
    "start": st.integers(-10, 10), "end": st.integers(-10, 10),
    "ele": st.sampled_from([b"a", b"b"]),
    "rank": st.integers(-3, 3).filter(bool), "count": st.integers(0, 3),
    "maxlen": st.integers(0, 5),
}


@settings(max_examples=120, deadline=None)
@given(**_ARGS)
def test_list_positions_agree_with_model(xs: list[bytes], start: int, end: int, ele: bytes,
                                         rank: int, count: int, maxlen: int) -> None:
    check_positions(xs, start, end, ele, rank, count, maxlen)


def test_planted_clamp_adds_length(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = spec_lists.clamp_range

    def bad(start: int, end: int, n: int) -> Any:  # a non-negative end read from the tail
        return orig(start, end + n if end >= 0 else end, n)
    monkeypatch.setattr(spec_lists, "clamp_range", bad)
    with pytest.raises(AssertionError, match="list_positions_agree_with_model"):
        check_positions([b"a", b"b", b"c"], 0, 1, b"a", 1, 0, 0)
