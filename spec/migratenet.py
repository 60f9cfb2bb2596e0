"""A model of MIGRATE's world for pure runs: a :class:`spec.migrate.MigratePort` whose
targets are other spec servers, driven only by the single-node transitions
(``spec.server.client_connect`` / ``client_input`` / ``client_disconnect``).

What MIGRATE writes goes into a target's client input as bytes, exactly as a socket would
carry them, and the reply lines come back from that client's output: the target runs its
own AUTH, SELECT and RESTORE, never a second implementation of them. A target that has not
answered every line it was asked for has stopped answering: the read times out, as
``syncReadLine`` would. Connections can be broken on purpose (``break_connection``: the
target hung up, the next write fails) to exercise Redis's single retry.
"""

from __future__ import annotations

from .migrate import Exchange
from .server import client_connect, client_disconnect, client_input
from .state import ServerState

__all__ = ["ModelNet"]


class ModelNet:
    """Spec servers reachable as ``host:port`` (``nodes``), the open connections (name ->
    (target name, client id)), the model's clock (``now_ms``, what the targets' transitions
    get) and a log of what each exchange wrote, in order (``writes``)."""

    def __init__(self, now_ms: int = 0) -> None:
        self.nodes: dict[bytes, ServerState] = {}
        self.conns: dict[bytes, tuple[bytes, int]] = {}
        self.broken: set[bytes] = set()
        self.writes: list[tuple[bytes, bytes]] = []
        self.connects = 0
        self.closes: list[bytes] = []
        self.now_ms = now_ms

    def add(self, host: bytes, port: bytes, state: ServerState) -> None:
        """A target server listening at ``host:port``."""
        self.nodes[host + b":" + port] = state

    def node(self, host: bytes, port: bytes) -> ServerState:
        """The target's current state."""
        return self.nodes[host + b":" + port]

    def break_connection(self, name: bytes) -> None:
        """The target hung up on the connection ``name``: the next write on it fails."""
        self.broken.add(name)

    def migrate_connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        """``createClient`` on the target listening at ``host:port``; False if none does."""
        target = host + b":" + port
        st = self.nodes.get(target)
        if st is None:
            return False
        st, cid = client_connect(st, self.now_ms, addr="127.0.0.1:40000")
        self.nodes[target] = st
        self.conns[name] = (target, cid)
        self.broken.discard(name)
        self.connects += 1
        return True

    def migrate_exchange(self, name: bytes, data: bytes, lines: int,
                         timeout_ms: int) -> Exchange:
        """The bytes go to the target as its client's input; the reply lines are read back
        from that client's output (fewer than asked: the read times out)."""
        conn = self.conns.get(name)
        if conn is None or name in self.broken:
            return Exchange(failed="write")
        target, cid = conn
        self.writes.append((name, data))
        st, eff = client_input(self.nodes[target], cid, data, self.now_ms)
        self.nodes[target] = st
        out = b"".join(d for c, d in eff.output if c == cid)
        got = tuple(out.split(b"\r\n")[:-1])[:lines]
        if len(got) < lines:
            return Exchange(got, failed="read", timed_out=True)
        return Exchange(got)

    def migrate_close(self, name: bytes) -> None:
        """``freeClient`` on the target."""
        conn = self.conns.pop(name, None)
        self.closes.append(name)
        if conn is None:
            return
        target, cid = conn
        self.nodes[target] = client_disconnect(self.nodes[target], cid, self.now_ms)
