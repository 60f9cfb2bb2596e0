"""Pub/Sub context and pattern delivery (mechanism 14), added for the mutation score (issue #6).

Two mutants survived the Pub/Sub machine: one miscounting the other kinds of subscriptions
when the last shard channel is left (the RESP2 subscribed context, ``CLIENT_PUBSUB``, ends
too early), one skipping keyspace events when only patterns listen. Properties:

- ``context_iff_subscribed``: after random SUBSCRIBE / SSUBSCRIBE / PSUBSCRIBE and their
  UNSUBSCRIBEs (named or all) of one RESP2 client, a GET is refused with the context error
  exactly when the model's count of channels + shard channels + patterns is not zero.
- ``events_reach_pattern_only``: with notify-keyspace-events KEA and a subscriber that has
  only a pattern (no channel subscribers anywhere), a write delivers its ``pmessage`` frames.

Each has a planted-bug test below.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.reference.diff.frames import encode_command, parse_all
from redspec.spec import pubsub as spec_pubsub
from redspec.spec.server import (
    client_connect,
    client_input,
    client_wrote,
    new_server,
    output_for,
)

MECHANISM = "pubsub"

_KIND = {b"SUBSCRIBE": 0, b"SSUBSCRIBE": 1, b"PSUBSCRIBE": 2,
         b"UNSUBSCRIBE": 0, b"SUNSUBSCRIBE": 1, b"PUNSUBSCRIBE": 2}
_op = st.tuples(st.sampled_from(sorted(_KIND)),
                st.lists(st.sampled_from([b"x", b"y"]), max_size=2, unique=True))


def check_context(ops: list[tuple[bytes, list[bytes]]]) -> None:
    """``context_iff_subscribed`` for one sequence."""
    state = new_server(0)
    state, cid = client_connect(state, 0)
    subs: list[set[bytes]] = [set(), set(), set()]
    for cmd, names in ops:
        if cmd.endswith(b"UNSUBSCRIBE") is False and not names:
            continue  # SUBSCRIBE needs a name (arity)
        state, _ = client_input(state, cid, encode_command([cmd, *names]), 0)
        kind = subs[_KIND[cmd]]
        if cmd.endswith(b"UNSUBSCRIBE"):
            kind.difference_update(names or set(kind))
        else:
            kind.update(names)
        state, eff = client_input(state, cid, encode_command([b"GET", b"k"]), 0)
        out = output_for(eff, cid)
        refused = out.startswith(b"-ERR Can't execute 'get'")
        assert refused == any(subs), f"context_iff_subscribed: {subs} {out!r}"


@settings(max_examples=80, deadline=None)
@given(ops=st.lists(_op, min_size=1, max_size=8))
def test_context_iff_subscribed(ops: list[tuple[bytes, list[bytes]]]) -> None:
    check_context(ops)


def check_pattern_only(key: bytes) -> None:
    """``events_reach_pattern_only`` for one key."""
    state = new_server(0)
    state, a = client_connect(state, 0)
    state, b = client_connect(state, 0)
    state, _ = client_input(state, b, encode_command([b"PSUBSCRIBE", b"__key*__:*"]), 0)
    state = client_wrote(state, b, len(state.clients[b].reply))
    state, _ = client_input(state, a, encode_command(
        [b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"]), 0)
    state, _ = client_input(state, a, encode_command([b"SET", key, b"v"]), 0)
    frames, _ = parse_all(state.clients[b].reply)
    assert len(frames) == 2 and all(b"pmessage" in f for f in frames), \
        f"events_reach_pattern_only: {frames!r}"


@settings(max_examples=10, deadline=None)
@given(key=st.sampled_from([b"k", b"key:1", b"x"]))
def test_events_reach_pattern_only(key: bytes) -> None:
    check_pattern_only(key)


def test_planted_shard_leaves_context_early(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec import dispatch
    orig = dispatch.TABLE[b"sunsubscribe"].handler

    def bad(s: Any, argv: list[bytes]) -> Any:  # leaving shards forgets the plain channels
        out = orig(s, argv)
        if not s.client.pubsub_shard_channels and not s.client.pubsub_patterns:
            s.update_client(flags=s.client.flags - {"pubsub"})
        return out
    replace_handler(monkeypatch, b"sunsubscribe", bad)
    with pytest.raises(AssertionError, match="context_iff_subscribed"):
        check_context([(b"SUBSCRIBE", [b"x"]), (b"SSUBSCRIBE", [b"y"]), (b"SUNSUBSCRIBE", [])])


def test_planted_events_need_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = spec_pubsub.publish

    def bad(s: Any, channel: bytes, message: bytes) -> Any:  # patterns never hear events
        if channel.startswith(b"__key") and not s.part("pubsub").channels:
            return 0
        return orig(s, channel, message)
    monkeypatch.setattr(spec_pubsub, "publish", bad)
    with pytest.raises(AssertionError, match="events_reach_pattern_only"):
        check_pattern_only(b"k")
