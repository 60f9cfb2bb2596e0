"""A spec-level test client: one connection on a fresh in-process server, no sockets."""

from __future__ import annotations

from typing import Any

from redspec.spec.server import client_connect, client_input, new_server, run_command
from tests.differential.rawclient import encode_request

#: The unix-ms time every call runs at.
NOW = 1_700_000_000_000


def b(x: Any) -> bytes:
    """An argument as bytes (str and int are encoded)."""
    return x if isinstance(x, bytes) else str(x).encode()


class Session:
    """One client on a fresh spec server at ``now`` (a test may move it); ``call`` returns the
    reply frame, ``effects`` the transition's effects, ``value`` what db 0 stores at a key."""

    def __init__(self, now: int = NOW, **config: Any) -> None:
        self.state = new_server(now, **config)
        self.state, self.cid = client_connect(self.state, now)
        self.now = now

    def call(self, *args: Any) -> bytes:
        return self.call_as(self.cid, *args)

    def call_as(self, cid: int, *args: Any) -> bytes:
        """The reply to ``args`` sent by client ``cid`` (another connection of this server)."""
        self.state, frame = run_command(self.state, cid, [b(a) for a in args], self.now)
        return frame

    def effects(self, *args: Any) -> Any:
        """Run one command through ``client_input`` and return its Effects."""
        self.state, eff = client_input(
            self.state, self.cid, encode_request([b(a) for a in args]), self.now
        )
        return eff

    def value(self, key: Any) -> Any:
        return self.state.dbs[0].keys.get(b(key))

    def db(self) -> Any:
        return self.state.dbs[0]


def keyspace_events(setup: list[list[str]], argv: list[str]) -> list[tuple[str, str]]:
    """The keyspace events (class, event) ``argv`` raises after ``setup``, all classes on."""
    s = Session(**{"notify-keyspace-events": "KEA"})
    for a in setup:
        s.call(*a)
    return [(t, e) for t, e, _, _ in s.effects(*argv).notifications]
