"""Pub/Sub context and pattern delivery (mechanism 14), added for the mutation score (issue #6).

Mutants of the Pub/Sub commands survived the Pub/Sub machine: one miscounting the other kinds of subscriptions
when the last shard channel is left (the RESP2 subscribed context, ``CLIENT_PUBSUB``, ends
too early), SSUBSCRIBE/SPUBLISH acting on plain channels, PSUBSCRIBE's reply dropped, one skipping keyspace events when only patterns listen. Properties:

- ``context_iff_subscribed``: after random SUBSCRIBE / SSUBSCRIBE / PSUBSCRIBE and their
  UNSUBSCRIBEs (named or all) of one RESP2 client, a GET is refused with the context error
  exactly when the model's count of channels + shard channels + patterns is not zero;
- ``subscribe_replies_count``: each confirmation frame names its command and channel and
  carries the count after it (channels + patterns; shard channels alone for the S-commands;
  a single nil frame for an UNSUBSCRIBE-all with nothing to leave);
- ``publish_reaches_kind``: PUBLISH from another client reaches the channel's subscribers and
  matching patterns only, SPUBLISH the shard subscribers only (the reply counts).
- ``events_reach_pattern_only``: with notify-keyspace-events KEA and a subscriber that has
  only a pattern (no channel subscribers anywhere), a write delivers its ``pmessage`` frames.

Each has a planted-bug test below.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec import pubsub as spec_pubsub
from redspec.spec.frames import parse_all
from redspec.spec.resp import encode_request
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


def _frames(out: bytes) -> list[list[bytes]]:
    """RESP2 (un)subscribe confirmations as [kind, name or b"nil", count]."""
    frames, _ = parse_all(out)
    res = []
    for f in frames:
        parts = f.split(b"\r\n")
        name = b"nil" if parts[3] == b"$-1" else parts[4]
        res.append([parts[2], name, parts[-2]])
    return res


def check_context(ops: list[tuple[bytes, list[bytes]]]) -> None:
    """``context_iff_subscribed`` (with ``subscribe_replies_count`` and
    ``publish_reaches_kind``) for one sequence."""
    state = new_server(0)
    state, cid = client_connect(state, 0)
    state, pub = client_connect(state, 0)
    subs: list[set[bytes]] = [set(), set(), set()]  # channels, shard channels, patterns
    for cmd, names in ops:
        if cmd.endswith(b"UNSUBSCRIBE") is False and not names:
            continue  # SUBSCRIBE needs a name (arity)
        k = _KIND[cmd]
        kind = subs[k]

        def count(k: int = k) -> bytes:
            n = len(subs[1]) if k == 1 else len(subs[0]) + len(subs[2])
            return b":%d" % n
        state, eff = client_input(state, cid, encode_request([cmd, *names]), 0)
        got = _frames(output_for(eff, cid))
        want = []
        if cmd.endswith(b"UNSUBSCRIBE"):
            if names:
                for nm in names:
                    kind.discard(nm)
                    want.append([cmd.lower(), nm, count()])
            elif not kind:
                want.append([cmd.lower(), b"nil", count()])
            else:  # every subscription of the kind, in the server's order
                order = [f[1] for f in got]
                assert sorted(order) == sorted(kind), f"subscribe_replies_count: {got}"
                for nm in order:
                    kind.discard(nm)
                    want.append([cmd.lower(), nm, count()])
        else:
            for nm in names:
                kind.add(nm)
                want.append([cmd.lower(), nm, count()])
        assert got == want, f"subscribe_replies_count: {got} != {want}"
        state, eff = client_input(state, cid, encode_request([b"GET", b"k"]), 0)
        out = output_for(eff, cid)
        refused = out.startswith(b"-ERR Can't execute 'get'")
        assert refused == any(subs), f"context_iff_subscribed: {subs} {out!r}"
        for ch in (b"x", b"y"):
            state, eff = client_input(state, pub, encode_request([b"PUBLISH", ch, b"m"]), 0)
            n = (ch in subs[0]) + (ch in subs[2])
            assert output_for(eff, pub) == b":%d\r\n" % n, "publish_reaches_kind: PUBLISH"
            state, eff = client_input(state, pub, encode_request([b"SPUBLISH", ch, b"m"]), 0)
            n = int(ch in subs[1])
            assert output_for(eff, pub) == b":%d\r\n" % n, "publish_reaches_kind: SPUBLISH"
        state = client_wrote(state, cid, len(state.clients[cid].reply))


@settings(max_examples=80, deadline=None)
@given(ops=st.lists(_op, min_size=1, max_size=8))
def test_context_iff_subscribed(ops: list[tuple[bytes, list[bytes]]]) -> None:
    check_context(ops)


def check_pattern_only(key: bytes) -> None:
    """``events_reach_pattern_only`` for one key."""
    state = new_server(0)
    state, a = client_connect(state, 0)
    state, b = client_connect(state, 0)
    state, _ = client_input(state, b, encode_request([b"PSUBSCRIBE", b"__key*__:*"]), 0)
    state = client_wrote(state, b, len(state.clients[b].reply))
    state, _ = client_input(state, a, encode_request(
        [b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"]), 0)
    state, _ = client_input(state, a, encode_request([b"SET", key, b"v"]), 0)
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


def test_planted_ssubscribe_as_subscribe(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec import dispatch
    replace_handler(monkeypatch, b"ssubscribe", dispatch.TABLE[b"subscribe"].handler)
    with pytest.raises(AssertionError, match="subscribe_replies_count"):
        check_context([(b"SSUBSCRIBE", [b"x"])])


def test_planted_spublish_as_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec import dispatch
    replace_handler(monkeypatch, b"spublish", dispatch.TABLE[b"publish"].handler)
    with pytest.raises(AssertionError, match="publish_reaches_kind"):
        check_context([(b"SUBSCRIBE", [b"x"])])
