"""The asyncio reference server: one process, one event loop, the spec state in one variable.

Each socket event becomes one spec transition (``client_input``, ``client_wrote``,
``client_disconnect``); the server writes out whatever reply bytes the new state holds and
closes the connections the effects name. It adds no Redis rule of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from redspec.spec import server as S
from redspec.spec.state import ServerState


def now_ms() -> int:
    return int(time.time() * 1000)


class Reference:
    """Holds the current ``ServerState`` and the open connections."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.conns: dict[int, Connection] = {}

    def flush(self, cid: int) -> None:
        """Write the client's pending reply bytes; close it if the spec says so."""
        c = self.state.clients.get(cid)
        conn = self.conns.get(cid)
        if c is None or conn is None:
            return
        if c.reply:
            conn.transport.write(c.reply)
            self.state = S.client_wrote(self.state, cid, len(c.reply))
        if c.closing:
            conn.transport.close()

    def apply(self, effects: Any) -> None:
        for cid in effects.wake:
            self.flush(cid)
        for cid in effects.close:
            conn = self.conns.get(cid)
            if conn is not None:
                self.flush(cid)
                conn.transport.close()


class Connection(asyncio.Protocol):
    __slots__ = ("ref", "transport", "cid")

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self.cid = -1

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername") or ("?", 0)
        sock = transport.get_extra_info("sockname") or ("?", 0)
        fd = -1
        s = transport.get_extra_info("socket")
        if s is not None:
            with contextlib.suppress(Exception):
                fd = s.fileno()
        ref = self.ref
        ref.state, self.cid = S.client_connect(
            ref.state, now_ms(), addr=f"{peer[0]}:{peer[1]}", laddr=f"{sock[0]}:{sock[1]}", fd=fd
        )
        ref.conns[self.cid] = self

    def data_received(self, data: bytes) -> None:
        ref = self.ref
        ref.state, eff = S.client_input(ref.state, self.cid, data, now_ms())
        c = ref.state.clients.get(self.cid)
        if c is not None and c.reply:
            self.transport.write(c.reply)
            ref.state = S.client_wrote(ref.state, self.cid, len(c.reply))
        if eff.wake or eff.close:
            ref.apply(eff)

    def connection_lost(self, exc: Exception | None) -> None:
        ref = self.ref
        ref.state = S.client_disconnect(ref.state, self.cid)
        ref.conns.pop(self.cid, None)


async def serve(host: str = "127.0.0.1", port: int = 6379, state: ServerState | None = None,
                ready: asyncio.Event | None = None) -> None:
    """Run the reference server until cancelled."""
    ref = Reference(state if state is not None else S.new_server(now_ms()))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(ref), host, port, reuse_address=True)
    if ready is not None:
        ready.set()
    async with server:
        await server.serve_forever()


def run(host: str = "127.0.0.1", port: int = 6379, state: ServerState | None = None) -> None:
    """Run the server in the foreground (uvloop when installed)."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        runner(serve(host, port, state))
