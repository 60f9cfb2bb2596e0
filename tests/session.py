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
    """One client on a fresh spec server; ``call`` returns the reply frame, ``effects`` the
    transition's effects, ``value`` what db 0 stores at a key."""

    def __init__(self, **config: Any) -> None:
        self.state = new_server(NOW, **config)
        self.state, self.cid = client_connect(self.state, NOW)

    def call(self, *args: Any) -> bytes:
        self.state, frame = run_command(self.state, self.cid, [b(a) for a in args], NOW)
        return frame

    def effects(self, *args: Any) -> Any:
        self.state, eff = client_input(
            self.state, self.cid, encode_request([b(a) for a in args]), NOW
        )
        return eff

    def value(self, key: Any) -> Any:
        return self.state.dbs[0].keys.get(b(key))
