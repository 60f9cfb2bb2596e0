"""The top-level transitions: what the world can do to a server.

Every function here is pure: it takes a ``ServerState`` (and time in unix ms, and bytes)
and returns the next state plus its effects. The reference server calls nothing else.

- :func:`new_server` — ``initServer``: the state at start.
- :func:`client_connect` — ``createClient``: a connection was accepted.
- :func:`client_input` — ``readQueryFromClient`` + ``processInputBuffer``: bytes arrived.
- :func:`client_wrote` — ``writeToClient``: the socket accepted ``n`` reply bytes.
- :func:`client_disconnect` — ``freeClient``: the connection is gone.
- :func:`run_command` — a convenience for tests: one argv, one encoded reply.
"""

from __future__ import annotations

from typing import Any

import attrs

from .config import default_config
from .dispatch import run_and_encode
from .reply import Err, encode
from .resp import BIG_TAIL, Limits, ProtocolError, QueryBufferLimit, parse_command, progress_point
from .state import Client, Db, ServerState
from .step import NO_EFFECTS, Effects, Step

__all__ = [
    "new_server",
    "client_connect",
    "client_input",
    "client_wrote",
    "client_disconnect",
    "run_command",
]


def new_server(now_ms: int = 0, seed: int = 0x5EED, run_id: str = "0" * 40,
               **config: Any) -> ServerState:
    """``initServer``: empty databases, no clients, the given config over the defaults."""
    cfg = default_config(**config)
    return ServerState(
        dbs=tuple(Db(i) for i in range(cfg["databases"])),
        config=cfg,
        start_time_ms=now_ms,
        rng=seed,
        run_id=run_id,
    )


def client_connect(state: ServerState, now_ms: int, addr: str = "127.0.0.1:0",
                   laddr: str = "127.0.0.1:6379", fd: int = -1) -> tuple[ServerState, int]:
    """``createClient``: register a new connection; returns the state and the client id."""
    cid = state.next_client_id
    c = Client(
        id=cid,
        addr=addr,
        laddr=laddr,
        fd=fd,
        ctime_ms=now_ms,
        last_interaction_ms=now_ms,
        authenticated=not state.config.get("requirepass"),
    )
    stats = attrs.evolve(
        state.stats, total_connections_received=state.stats.total_connections_received + 1
    )
    return (
        attrs.evolve(state, clients=state.clients.set(cid, c), next_client_id=cid + 1,
                     stats=stats),
        cid,
    )


def client_input(state: ServerState, client_id: int, data: bytes,
                 now_ms: int) -> tuple[ServerState, Effects]:
    """``readQueryFromClient`` then ``processInputBuffer``: run every whole request in order.

    Replies are appended to the client's ``reply`` buffer in command order. A protocol error
    replies ``-ERR Protocol error: ...`` (counted as an ERR error reply) and marks the client
    to close after that reply; nothing after the bad request is processed. Going over
    ``client-query-buffer-limit`` closes with no reply (see ``spec.resp``). While a big
    argument is still arriving, chunks wait unjoined in ``querybuf_tail``. A client already
    closing ignores input.
    """
    c = state.clients.get(client_id)
    if c is None or c.closing:
        return state, NO_EFFECTS
    tail = c.querybuf_tail
    if tail is not None:
        need, watch, size, chunks = tail
        size += len(data)
        total = len(c.querybuf) + size
        if total < need and not any(w in data for w in watch):
            # A big argument (or a long line) still arriving: nothing can happen yet.
            c = attrs.evolve(c, querybuf_tail=(need, watch, size, (chunks, data)),
                             last_interaction_ms=now_ms,
                             querybuf_peak=max(c.querybuf_peak, total))
            return attrs.evolve(state, clients=state.clients.set(client_id, c)), NO_EFFECTS
        buf = _join_tail(c.querybuf, chunks, data)
    else:
        buf = c.querybuf + data if c.querybuf else data
    s = Step(state, now_ms, client_id)
    s.qbuf_len = len(buf)
    cfg = s.config
    limits = Limits(cfg["proto-max-bulk-len"], s.client.authenticated,
                    cfg["client-query-buffer-limit"])
    out = s.out
    pos = 0
    last_cmd = None
    ran = False
    while True:
        req, npos = parse_command(buf, pos, limits)
        if req is None:
            break
        if isinstance(req, ProtocolError):
            if type(req) is not QueryBufferLimit:  # setProtocolError: reply, then close
                out.append(encode(Err("ERR Protocol error: " + req), s.client.resp))
                s.error_replies += 1
                s.error_counts["ERR"] = s.error_counts.get("ERR", 0) + 1
            # else "Closing client that reached max query buffer length": no reply at all
            s.update_client(closing=True)
            s.close.add(client_id)
            pos = len(buf)
            break
        pos = npos
        if not req:
            continue
        out.append(run_and_encode(s, req))
        last_cmd = s.cmd
        ran = True
        if s.client.closing:  # QUIT, CLIENT KILL of itself, ...: stop reading
            pos = len(buf)
            break
        if s.client.authenticated != limits.authenticated:
            limits = attrs.evolve(limits, authenticated=s.client.authenticated)
    c = s.client
    rest = buf[pos:] if pos < len(buf) else b""
    changes: dict[str, Any] = {"querybuf": rest, "last_interaction_ms": now_ms}
    if len(rest) >= BIG_TAIL and not c.closing:
        need, watch = progress_point(buf, pos, limits)
        changes["querybuf_tail"] = (need - pos, watch, 0, None)
    elif c.querybuf_tail is not None:
        changes["querybuf_tail"] = None
    if out:
        changes["reply"] = c.reply + b"".join(out) if c.reply else b"".join(out)
    if ran:  # ``c->lastcmd``: the last command looked up, NULL if it was unknown
        changes["last_cmd"] = last_cmd.name if last_cmd is not None else "NULL"
    if len(buf) > c.querybuf_peak:
        changes["querybuf_peak"] = len(buf)
    s.update_client(**changes)
    if c.closing:
        s.close.add(client_id)
    new = s.commit()
    wake = frozenset([client_id, *s.others_out]) if out or s.others_out else frozenset()
    if s.others_out:
        new = _deliver(new, s.others_out)
    if s.propagate or s.close or wake or s.notifications:
        return new, Effects(
            propagate=tuple(s.propagate),
            close=frozenset(s.close),
            wake=wake,
            notifications=tuple(s.notifications),
        )
    return new, NO_EFFECTS


def _deliver(state: ServerState, frames: dict[int, list[bytes]]) -> ServerState:
    """Append reply bytes produced for other clients to their reply buffers."""
    m = state.clients.mutate()
    for cid, fs in frames.items():
        c = m.get(cid)
        if c is not None and not c.closing:
            m[cid] = attrs.evolve(c, reply=c.reply + b"".join(fs))
    return attrs.evolve(state, clients=m.finish())


def _join_tail(head: bytes, chunks: Any, last: bytes) -> bytes:
    """The query buffer as one string: ``head``, the cons list of chunks, then ``last``."""
    parts = [last]
    while chunks is not None:
        chunks, chunk = chunks
        parts.append(chunk)
    parts.append(head)
    parts.reverse()
    return b"".join(parts)


def client_wrote(state: ServerState, client_id: int, n: int) -> ServerState:
    """``writeToClient``: the socket accepted the first ``n`` bytes of the pending reply."""
    c = state.clients.get(client_id)
    if c is None or n <= 0:
        return state
    return attrs.evolve(
        state, clients=state.clients.set(client_id, attrs.evolve(c, reply=c.reply[n:]))
    )


def client_disconnect(state: ServerState, client_id: int) -> ServerState:
    """``freeClient``: forget the client and everything it held (buffers, name, db choice)."""
    if client_id not in state.clients:
        return state
    return attrs.evolve(state, clients=state.clients.delete(client_id))


def run_command(state: ServerState, client_id: int, argv: list[bytes],
                now_ms: int) -> tuple[ServerState, bytes]:
    """Run one command for ``client_id``; returns the new state and the encoded reply."""
    s = Step(state, now_ms, client_id)
    frame = run_and_encode(s, argv)
    s.update_client(last_cmd=s.cmd.name if s.cmd is not None else "NULL",
                    last_interaction_ms=now_ms)
    return s.commit(), frame
