"""Pub/Sub as a state machine: the spec's delivery against a plain model of subscriptions.

Three clients (client 0 speaks RESP3, so it may publish while subscribed; clients 1 and 2
speak RESP2) subscribe to and unsubscribe from three channels and two patterns, publish, and
disconnect (a fresh connection takes the slot). Everything goes through the real transitions
(``client_input``, ``client_wrote``, ``client_disconnect``); what each client receives is read
from its pending reply and drained, as a socket would.

Invariants (each has a planted-bug test below):

- ``delivered_exactly_once``: after each PUBLISH every client received exactly the messages
  the model says (one ``message`` per subscribed channel, one ``pmessage`` per matching
  pattern), in publish order; a client subscribed to nothing receives nothing.
- ``publish_reply_counts``: PUBLISH replies the number of deliveries.
- ``disconnect_leaves_no_trace``: no id of a disconnected client remains in the server's
  channel or pattern tables.
- ``introspection_matches_model``: PUBSUB NUMSUB and NUMPAT agree with the model.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import delivered
from redspec.properties.planted import assert_trips, machine_test, planted_settings
from redspec.properties.purity import checked
from redspec.spec import dispatch
from redspec.spec import pubsub as P
from redspec.spec.frames import parse_all
from redspec.spec.glob import stringmatch
from redspec.spec.reply import encode2
from redspec.spec.resp import encode_request
from redspec.spec.server import (
    client_connect,
    client_disconnect,
    client_input,
    new_server,
    run_command,
)

MECHANISM = "pubsub"

CHANNELS = [b"c0", b"c1", b"c2"]
PATTERNS = [b"c*", b"?1"]
NOW = 1_700_000_000_000


def _frame(resp: int, *items: bytes) -> bytes:
    return P.push_frame(resp, items[0], *items[1:])


class PubSubMachine(RuleBasedStateMachine):
    """Subscriptions, publishes and reconnections of three clients plus an observer.

    Nothing here writes the keyspace, so a ``DbView.freeze`` that writes through into its
    input (the planted ``input_not_mutated`` bug of the keyspace machines) never runs a
    write: this machine's plants are a ``Step.commit`` that stores the new client table, or
    the new Pub/Sub part, into the state it was given (``test_purity.py``).
    """

    def __init__(self) -> None:
        super().__init__()
        self.state = new_server(NOW)
        self.state, self.observer = checked(client_connect, self.state, NOW)
        self.ids: list[int] = []
        self.resp = [3, 2, 2]
        for i in range(3):
            self.state, cid = checked(client_connect, self.state, NOW)
            self.ids.append(cid)
            if self.resp[i] == 3:
                self.send(i, [b"HELLO", b"3"])
        self.chans: list[set[bytes]] = [set(), set(), set()]
        self.pats: list[list[bytes]] = [[], [], []]
        self.gone: list[int] = []
        self.msg = 0

    # -- driving ----------------------------------------------------------------------------

    def send(self, i: int, argv: list[bytes]) -> dict[int, list[bytes]]:
        """One command from client slot ``i``; the frames every slot received (drained)."""
        self.state, eff = checked(client_input, self.state, self.ids[i], encode_request(argv), NOW)
        self.state, sent = delivered(self.state, eff)
        got: dict[int, list[bytes]] = {}
        for j, cid in enumerate(self.ids):
            frames, rest = parse_all(sent.get(cid, b""))
            assert not rest
            got[j] = frames
        return got

    def subscribed(self, i: int) -> bool:
        return bool(self.chans[i] or self.pats[i])

    # -- rules ------------------------------------------------------------------------------

    @rule(i=st.integers(0, 2), ch=st.sampled_from(CHANNELS))
    def subscribe(self, i: int, ch: bytes) -> None:
        self.send(i, [b"SUBSCRIBE", ch])
        self.chans[i].add(ch)

    @rule(i=st.integers(0, 2), ch=st.sampled_from(CHANNELS))
    def unsubscribe(self, i: int, ch: bytes) -> None:
        self.send(i, [b"UNSUBSCRIBE", ch])
        self.chans[i].discard(ch)

    @rule(i=st.integers(0, 2), pat=st.sampled_from(PATTERNS))
    def psubscribe(self, i: int, pat: bytes) -> None:
        self.send(i, [b"PSUBSCRIBE", pat])
        if pat not in self.pats[i]:
            self.pats[i].append(pat)

    @rule(i=st.integers(0, 2), pat=st.sampled_from(PATTERNS))
    def punsubscribe(self, i: int, pat: bytes) -> None:
        self.send(i, [b"PUNSUBSCRIBE", pat])
        if pat in self.pats[i]:
            self.pats[i].remove(pat)

    @rule(i=st.integers(0, 2))
    def reset(self, i: int) -> None:
        self.send(i, [b"RESET"])
        self.chans[i], self.pats[i] = set(), []
        if self.resp[i] == 3:
            self.send(i, [b"HELLO", b"3"])

    @rule(i=st.integers(0, 2))
    def disconnect(self, i: int) -> None:
        self.gone.append(self.ids[i])
        self.state = checked(client_disconnect, self.state, self.ids[i])
        self.state, self.ids[i] = checked(client_connect, self.state, NOW)
        if self.resp[i] == 3:
            self.send(i, [b"HELLO", b"3"])
        self.chans[i], self.pats[i] = set(), []

    @rule(i=st.integers(0, 2), ch=st.sampled_from(CHANNELS))
    def publish(self, i: int, ch: bytes) -> None:
        self.msg += 1
        m = b"m%d" % self.msg
        got = self.send(i, [b"PUBLISH", ch, m])
        if self.resp[i] == 2 and self.subscribed(i):
            assert got[i] and got[i][0].startswith(b"-ERR Can't execute 'publish'")
            assert all(not got[j] for j in range(3) if j != i), "delivered_exactly_once"
            return
        expected: dict[int, list[bytes]] = {}
        total = 0
        for j in range(3):
            want = []
            if ch in self.chans[j]:
                want.append(_frame(self.resp[j], b"message", ch, m))
            for pat in self.pats[j]:
                if stringmatch(pat, ch):
                    want.append(_frame(self.resp[j], b"pmessage", pat, ch, m))
            total += len(want)
            expected[j] = want
        reply = got[i][-1]
        for j in range(3):
            frames = got[j][:-1] if j == i else got[j]
            assert sorted(frames) == sorted(expected[j]), (
                f"delivered_exactly_once: client {j} got {frames!r}, expected {expected[j]!r}")
        assert reply == b":%d\r\n" % total, f"publish_reply_counts: {reply!r} != {total}"

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def tables(self) -> None:
        ps = self.state.pubsub
        for table in (ps.channels, ps.patterns, ps.shard_channels):
            for name, subs in table.items():
                assert not set(subs) & set(self.gone), (
                    f"disconnect_leaves_no_trace: {name!r} still lists {subs}")
        argv = [b"PUBSUB", b"NUMSUB", *CHANNELS]
        _, frame = checked(run_command, self.state, self.observer, argv, NOW)
        want: list[Any] = []
        for ch in CHANNELS:
            want += [ch, sum(ch in c for c in self.chans)]
        exp = encode2(want)
        assert frame == exp, f"introspection_matches_model: NUMSUB {frame!r} != {exp!r}"
        _, frame = checked(run_command, self.state, self.observer, [b"PUBSUB", b"NUMPAT"], NOW)
        npat = len({p for ps_ in self.pats for p in ps_})
        assert frame == b":%d\r\n" % npat, f"introspection_matches_model: NUMPAT {frame!r}"


TestPubSub = machine_test(PubSubMachine, max_examples=60, steps=30)


# -- planted bugs ---------------------------------------------------------------------------

PLANTED = planted_settings(max_examples=100, steps=30)


def _replace_sub(monkeypatch: pytest.MonkeyPatch, sub: bytes, handler: Any) -> None:
    container = dispatch.TABLE[b"pubsub"]
    spec = container.subcommands[sub]
    monkeypatch.setitem(container.subcommands, sub, attrs.evolve(spec, handler=handler))


def test_planted_duplicate_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each message is pushed twice to its subscribers (the reply still counts once)."""
    real = P.publish

    def twice(s: Any, channel: bytes, message: bytes, shard: bool = False) -> int:
        real(s, channel, message, shard)
        return real(s, channel, message, shard)

    from redspec.spec.commands import pubsub as C
    monkeypatch.setattr(C, "publish", twice)
    assert_trips(PubSubMachine, "delivered_exactly_once", PLANTED)


def test_planted_patterns_not_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pattern subscribers are skipped (the pattern table looks empty to PUBLISH)."""
    real = P.publish

    def no_patterns(s: Any, channel: bytes, message: bytes, shard: bool = False) -> int:
        return real(s, channel, message, True) if not shard else 0

    from redspec.spec.commands import pubsub as C
    monkeypatch.setattr(C, "publish", no_patterns)
    assert_trips(PubSubMachine, "delivered_exactly_once", PLANTED)


def test_planted_publish_reply_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import pubsub as C

    real = C.publish_

    def off(s: Any, argv: list[bytes]) -> Any:
        n = real(s, argv)
        return n + 1 if n else n

    monkeypatch.setitem(dispatch.TABLE, b"publish",
                        attrs.evolve(dispatch.TABLE[b"publish"], handler=off))
    assert_trips(PubSubMachine, "publish_reply_counts", PLANTED)


def test_planted_disconnect_keeps_subscriptions(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import server as S
    monkeypatch.setattr(S, "_unsubscribe", lambda state, c: state)
    assert_trips(PubSubMachine, "disconnect_leaves_no_trace", PLANTED)


def test_planted_numpat_counts_subscriptions(monkeypatch: pytest.MonkeyPatch) -> None:
    """NUMPAT counts pattern subscriptions instead of distinct patterns."""
    def wrong(s: Any, argv: list[bytes]) -> Any:
        return sum(len(v) for v in s.part("pubsub").patterns.values())

    _replace_sub(monkeypatch, b"numpat", wrong)
    assert_trips(PubSubMachine, "introspection_matches_model", PLANTED)
