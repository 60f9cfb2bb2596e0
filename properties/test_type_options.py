"""Replies and option parsing of hash and sorted-set commands (mechanism 6), added for the
mutation score (issue #6): HMSET's reply, a LIMIT given as the last option of ZRANGE BYSCORE
and ZRANGESTORE, and WITHSCORES refused by ZINTERCARD were not checked by the machines.

Property ``type_options_agree_with_model``: for random members and scores,

- HMSET answers +OK and HGETALL then holds every field (last value wins);
- ZRANGE k -inf +inf BYSCORE LIMIT offset count (LIMIT last) is the model's slice of the
  members in (score, member) order, and ZRANGESTORE with the same options stores that many;
- ZINTERCARD 1 k WITHSCORES is a syntax error (WITHSCORES belongs to ZINTER only).

A planted-bug test makes HMSET answer like HSET.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.driver import Session

MECHANISM = "types"


def check_options(pairs: list[tuple[bytes, int]], offset: int, count: int) -> None:
    """``type_options_agree_with_model`` for one case."""
    call = Session()

    name = "type_options_agree_with_model"
    flat = [x for m, sc in pairs for x in (m, str(sc).encode())]
    assert call(b"HMSET", b"h", *flat) == b"+OK\r\n", f"{name}: HMSET reply"
    model = dict(pairs)
    assert call(b"HLEN", b"h") == b":%d\r\n" % len(model), f"{name}: HLEN"
    zflat = [x for m, sc in model.items() for x in (str(sc).encode(), m)]
    call(b"ZADD", b"z", *zflat)
    order = [m for m, _ in sorted(model.items(), key=lambda p: (p[1], p[0]))]
    want = order[offset:] if count < 0 else order[offset:offset + count]
    got = call(b"ZRANGE", b"z", b"-inf", b"+inf", b"BYSCORE", b"LIMIT", offset, count)
    assert got == b"*%d\r\n" % len(want) + b"".join(
        b"$%d\r\n%s\r\n" % (len(m), m) for m in want), f"{name}: ZRANGE LIMIT"
    got = call(b"ZRANGESTORE", b"d", b"z", b"-inf", b"+inf", b"BYSCORE", b"LIMIT", offset, count)
    assert got == b":%d\r\n" % len(want), f"{name}: ZRANGESTORE LIMIT"
    assert call(b"ZINTERCARD", 1, b"z", b"WITHSCORES") == b"-ERR syntax error\r\n", \
        f"{name}: ZINTERCARD WITHSCORES"


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from([b"a", b"b", b"c", b"d"]), st.integers(-3, 3)),
                      min_size=1, max_size=6),
       offset=st.integers(0, 4), count=st.integers(-1, 4))
def test_type_options_agree_with_model(pairs: list[tuple[bytes, int]], offset: int,
                                       count: int) -> None:
    check_options(pairs, offset, count)


def test_planted_hmset_answers_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec import dispatch
    replace_handler(monkeypatch, b"hmset", dispatch.TABLE[b"hset"].handler)
    with pytest.raises(AssertionError, match="type_options_agree_with_model"):
        check_options([(b"a", 1)], 0, 1)
