"""Type choice (mechanism 10): the cost model agrees with the spec and is well formed.

Properties (each has a planted-bug test below that shows it can fail):

- ``encoding_rules_match_spec``: for random traces of HSET/HDEL, SADD/SREM and ZADD/ZREM
  with small limits and random element lengths, the encoding ``spec.cost.predict_encoding``
  derives from the history (most elements ever held, longest element ever written, all set
  members integers) is the OBJECT ENCODING the spec reports.
- ``memory_monotone_in_n``: the steady-state memory model (``spec.cost.value_memory``) of
  every encoding never decreases as elements are added.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.planted import plant_limit_off_by_one, planted_settings, run_given
from redspec.spec import cost
from redspec.spec.server import client_connect, new_server, run_command

MECHANISM = "typechoice"

LIMITS = {"hash-max-listpack-entries": 4, "hash-max-listpack-value": 6,
          "zset-max-listpack-entries": 4, "zset-max-listpack-value": 6,
          "set-max-intset-entries": 4}

_elem = st.one_of(st.integers(-3, 40).map(lambda i: str(i).encode()),
                  st.integers(0, 9).map(lambda n: b"e" * n))
_op = st.tuples(st.sampled_from(["add", "add", "add", "del"]), _elem)


def _encoding_after(typ: str, ops: list[tuple[str, bytes]]) -> tuple[str, str] | None:
    """Run ``ops`` on one key of ``typ`` in the spec; return (OBJECT ENCODING, predicted)
    or None if the key ended empty."""
    state = new_server(0, **LIMITS)
    state, cid = client_connect(state, 0)
    members: set[bytes] = set()
    max_n = max_elem = 0
    all_int = True
    for kind, e in ops:
        if kind == "add":
            argv = {"hash": [b"HSET", b"k", e, e], "set": [b"SADD", b"k", e],
                    "zset": [b"ZADD", b"k", b"1", e]}[typ]
            members.add(e)
            max_elem = max(max_elem, len(e))
            all_int = all_int and cost.string2ll(e) is not None
        else:
            argv = {"hash": [b"HDEL", b"k", e], "set": [b"SREM", b"k", e],
                    "zset": [b"ZREM", b"k", e]}[typ]
            members.discard(e)
        state, _ = run_command(state, cid, argv, 0)
        if not members:  # an emptied key is deleted: its history starts again
            max_n = max_elem = 0
            all_int = True
        max_n = max(max_n, len(members))
    if not members:
        return None
    state, frame = run_command(state, cid, [b"OBJECT", b"ENCODING", b"k"], 0)
    actual = frame.split(b"\r\n")[1].decode()
    return actual, cost.predict_encoding(typ, max_n, max_elem, all_int, LIMITS)


_ENC_ARGS = {"typ": st.sampled_from(["hash", "set", "zset"]),
             "ops": st.lists(_op, min_size=1, max_size=12)}


def check_encoding_rules(typ: str, ops: list[tuple[str, bytes]]) -> None:
    """``encoding_rules_match_spec`` for one trace."""
    got = _encoding_after(typ, ops)
    if got is not None:
        actual, predicted = got
        assert actual == predicted, f"encoding_rules_match_spec: {typ} {actual} != {predicted}"


@settings(max_examples=150, deadline=None)
@given(**_ENC_ARGS)
def test_encoding_rules_match_spec(typ: str, ops: list[tuple[str, bytes]]) -> None:
    check_encoding_rules(typ, ops)


_ints = st.lists(st.integers(-(1 << 40), 1 << 40), min_size=1, max_size=40)


_MEM_ARGS = {"ints": _ints, "strs": st.lists(st.binary(max_size=80), min_size=1, max_size=40),
             "fill": st.sampled_from([-2, -1, 3, 16])}


@settings(max_examples=100, deadline=None)
@given(**_MEM_ARGS)
def test_memory_monotone_in_n(ints: list[int], strs: list[bytes], fill: int) -> None:
    check_memory_monotone(ints, strs, fill)


def check_memory_monotone(ints: list[int], strs: list[bytes], fill: int) -> None:
    """``memory_monotone_in_n`` for one set of elements."""
    members = [str(i).encode() for i in ints]
    shapes = [
        ("set", "intset", lambda k: members[:k]),
        ("set", "hashtable", lambda k: strs[:k]),
        ("hash", "listpack", lambda k: [(s, s) for s in strs[:k]]),
        ("hash", "hashtable", lambda k: [(s, s) for s in strs[:k]]),
        ("zset", "listpack", lambda k: [(s, float(i)) for i, s in enumerate(strs[:k])]),
        ("zset", "skiplist", lambda k: [(s, float(i)) for i, s in enumerate(strs[:k])]),
        ("list", "quicklist", lambda k: strs[:k]),
    ]
    for typ, enc, prefix in shapes:
        prev = 0
        for k in range(len(strs if typ != "set" or enc != "intset" else members) + 1):
            m = cost.value_memory(typ, enc, prefix(k), fill=fill, steady=True)
            assert m >= prev, f"memory_monotone_in_n: {typ}/{enc} at {k}: {m} < {prev}"
            prev = m


# -- planted bugs ------------------------------------------------------------------------------




def test_planted_off_by_one_limit_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that converts *at* the limit instead of above it."""
    plant_limit_off_by_one(monkeypatch)
    with pytest.raises(AssertionError, match="encoding_rules_match_spec"):
        run_given(planted_settings(300, 1), check_encoding_rules, **_ENC_ARGS)


def test_planted_intset_width_from_last_member_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    """An intset priced by the width of its last member only (``intsetUpgradeAndAdd``
    forgotten): adding a small member after a big one makes it shrink."""
    orig = cost.intset_width
    monkeypatch.setattr(cost, "intset_width", lambda vals: orig(list(vals)[-1:]))
    with pytest.raises(AssertionError, match="memory_monotone_in_n"):
        run_given(planted_settings(300, 1), check_memory_monotone, **_MEM_ARGS)
