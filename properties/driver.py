"""What the state machines that drive one client of a spec server share.

Most machines of ``properties/`` start a server with one client and send it one command per
step, comparing the reply with a model. :class:`OneClient` is that plumbing (every transition
through :func:`~redspec.properties.purity.checked`, so ``input_not_mutated`` holds around
each); :class:`AggregateModel` adds the model and the invariants of a machine over one
aggregate type whose encoding converts (hashes, sets). A machine mixes them in before
``RuleBasedStateMachine``; they are no machines themselves (the registry does not take them
for ones), but a machine mixing in :class:`AggregateModel` gets its invariant and its two
rules over the keys ``k0``..``k2``: a string put in a key's way, a key deleted.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from redspec.properties.purity import checked
from redspec.spec import server
from redspec.spec.reply import Err, encode2
from redspec.spec.state import ServerState

__all__ = ["OneClient", "Session", "AggregateModel", "WRONGTYPE", "delivered", "replies_alone"]

#: The models' WRONGTYPE reply (as the command documentation words it).
WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")


def delivered(state: ServerState, eff: Any) -> tuple[ServerState, dict[int, bytes]]:
    """What each client was sent by a transition, as its socket reads it: its output in the
    effects ``eff``, then its pending reply, which is written here (``client_wrote``) as an
    open socket would take it. The state after those writes, and the bytes by client id."""
    got: dict[int, bytes] = {}
    for cid, data in eff.output:
        got[cid] = got.get(cid, b"") + data
    for cid in list(state.clients):
        c = state.clients[cid]
        if c.reply:
            got[cid] = got.get(cid, b"") + c.reply
            state = checked(server.client_wrote, state, cid, len(c.reply))
    return state, got


class OneClient:
    """One client of a spec server, driven a command at a time: ``state``, the client's id
    ``cid`` and the clock ``now`` (a machine that keeps time moves it; the others leave it).
    The transitions are looked up in ``spec.server`` at each call, so that what patches them
    there (a planted bug, the registry's recorder of redis-cli replays) is what runs."""

    state: ServerState
    cid: int
    now: int

    def connect(self, now: int, **options: Any) -> None:
        """A new server at ``now`` (``new_server``'s options: ``databases``, ``seed``, config
        names) with one client connected."""
        self.now = now
        self.state, self.cid = checked(server.client_connect, server.new_server(now, **options),
                                       now)

    def run(self, *argv: bytes) -> bytes:
        """The client sends ``argv`` at ``now``: the reply."""
        self.state, frame = checked(server.run_command, self.state, self.cid, list(argv),
                                    self.now)
        return frame

    def expect_reply(self, argv: tuple[bytes, ...], value: Any) -> None:
        """``matches_model``: ``argv``'s reply is ``value`` (RESP2-encoded)."""
        frame = self.run(*argv)
        want = encode2(value)
        assert frame == want, f"matches_model: {argv!r}: spec {frame!r}, model {want!r}"

    def expect_frame(self, frame: bytes, value: Any, what: str) -> None:
        """``matches_model``: a reply already read is ``value`` (RESP2-encoded)."""
        want = encode2(value)
        assert frame == want, f"matches_model: {what}: spec {frame!r}, model {want!r}"

    def expect_value(self, got: Any, want: Any, what: str) -> None:
        """``reply_matches_model``: something read off a reply is what the model says."""
        assert got == want, f"reply_matches_model: {what}: got {got!r}, want {want!r}"


class Session(OneClient):
    """One client of a fresh server, outside any state machine (a property's single case):
    ``call`` (or the session itself) runs a command whose arguments other than bytes are
    written with ``str()``, and returns the reply."""

    def __init__(self, now: int = 0, **options: Any) -> None:
        self.connect(now, **options)

    def call(self, *argv: bytes | int | float | str) -> bytes:
        return self.run(*(a if isinstance(a, bytes) else str(a).encode() for a in argv))

    __call__ = call


def replies_alone(cmds: list[list[bytes]]) -> list[bytes]:
    """The replies of ``cmds`` run one by one by the one client of a fresh server (RESP2):
    what a pipeline, a transaction or a silenced reply is compared with."""
    s = Session()
    return [s.call(*argv) for argv in cmds]


#: The keys of the aggregate machines.
AGGREGATE_KEYS = [b"k0", b"k1", b"k2"]
_aggregate_keys = st.sampled_from(AGGREGATE_KEYS)


class AggregateModel(OneClient):
    """A machine over one aggregate type that converts between encodings (hashes, sets): the
    model is ``model`` (key -> contents), ``enc`` (key -> the encoding the model derives from
    Redis's rules) and ``strings`` (keys holding a string); ``before`` is the keyspace before
    the last command. A machine names its ``VALUE`` class and ``NOUN``, reads a stored value's
    ``contents``, and may check its representation in ``representation``."""

    VALUE: type
    NOUN: str
    model: dict[bytes, Any]
    enc: dict[bytes, str]
    strings: set[bytes]

    def start(self) -> None:
        self.model = {}
        self.enc = {}
        self.strings = set()
        self.before: dict[bytes, Any] = {}

    def run(self, *argv: bytes) -> bytes:
        self.before = dict(self.state.dbs[0].keys.items())
        return super().run(*argv)

    def forget(self, key: bytes) -> None:
        """The model's key holds no value of the type any more."""
        self.model.pop(key, None)
        self.enc.pop(key, None)

    def contents(self, v: Any) -> Any:
        """What the model holds for the stored value ``v``."""
        raise NotImplementedError

    def shown(self, contents: Any) -> Any:
        """``contents`` (the value's or the model's, maybe None) as a message shows them."""
        return contents

    @rule(key=_aggregate_keys)
    def set_string(self, key: bytes) -> None:
        self.run(b"SET", key, b"v")
        self.forget(key)
        self.strings.add(key)

    @rule(key=_aggregate_keys)
    def delete(self, key: bytes) -> None:
        self.run(b"DEL", key)
        self.forget(key)
        self.strings.discard(key)

    def representation(self, values: dict[bytes, Any]) -> None:
        """The invariants of the type's own representation (checked before ``matches_model``)."""

    @invariant()
    def check_aggregates(self) -> None:
        """After every step, in this order: ``no_empty_aggregate``,
        ``encoding_change_preserves_value``, ``encoding_matches_model``, the
        ``representation``'s, ``matches_model``."""
        keys = dict(self.state.dbs[0].keys.items())
        values = {k: v for k, v in keys.items() if type(v) is self.VALUE}
        for k, v in values.items():
            assert len(v) > 0, f"no_empty_aggregate: {k!r} holds an empty {self.NOUN}"
        for k, v in values.items():
            old = self.before.get(k)
            if type(old) is self.VALUE and old.encoding != v.encoding:
                assert self.contents(v) == self.model.get(k), (
                    f"encoding_change_preserves_value: {k!r} {old.encoding}->{v.encoding} "
                    f"holds {self.shown(self.contents(v))}, model "
                    f"{self.shown(self.model.get(k))}"
                )
        for k, v in values.items():
            assert v.encoding == self.enc.get(k), (
                f"encoding_matches_model: {k!r} is {v.encoding}, model {self.enc.get(k)}"
            )
        self.representation(values)
        got = {k: self.contents(v) for k, v in values.items()}
        assert got == self.model, f"matches_model: db {got}, model {self.model}"
        strings = {k for k, v in keys.items() if type(v) is bytes}
        assert strings == self.strings, f"matches_model: strings {strings}"
