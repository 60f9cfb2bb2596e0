"""The top-level transitions: what the world can do to a server.

Every function here is pure: it takes a ``ServerState`` (and time in unix ms, and bytes)
and returns the next state plus its effects. The reference server calls nothing else.

- :func:`new_server` — ``initServer``: the state at start.
- :func:`client_connect` — ``createClient``: a connection was accepted.
- :func:`client_input` — ``readQueryFromClient`` + ``processInputBuffer``, then
  ``writeToClient``: bytes arrived; the replies go out as far as the socket takes them.
- :func:`client_writable` — ``writeToClient``: the socket can take (more) reply bytes.
- :func:`client_wrote` — the socket accepted ``n`` bytes of the pending reply.
- :func:`client_disconnect` — ``freeClient``: the connection is gone.
- :func:`run_command` — a convenience for tests: one argv, one encoded reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .blocking import merge_effects, process_unblocked_clients
from .clients import REPLY_CHUNK
from .config import default_config
from .dict import DictState
from .dispatch import run_and_encode
from .hooks import DISCONNECT_HOOKS as _HOOKS
from .multi import disconnect_hook as _unwatch_on_free
from .obuf import check_limits, deliver
from .reply import Err, encode
from .resp import (
    BIG_TAIL,
    Limits,
    ProtocolError,
    QueryBufferLimit,
    parse_command,
    progress_point,
    split_pipeline,
)
from .state import Client, ClientInfo, ClientIO, Db, ServerState, replace
from .step import NO_EFFECTS, Effects, Step
from .transport import POSTPONE, after_command, reply_suppressed

__all__ = [
    "new_server",
    "client_connect",
    "client_input",
    "clients_input",
    "client_writable",
    "client_wrote",
    "clients_wrote",
    "client_disconnect",
    "run_command",
    "output_for",
]


def output_for(effects: Effects, client_id: int) -> bytes:
    """The reply bytes ``effects`` hands to ``client_id``'s connection (tests, tools)."""
    return b"".join(data for cid, data in effects.output if cid == client_id)


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
        dicts=DictState.from_seed(seed),
    )


def client_connect(state: ServerState, now_ms: int, addr: str = "127.0.0.1:0",
                   laddr: str = "127.0.0.1:6379", fd: int = -1) -> tuple[ServerState, int]:
    """``createClient``: register a new connection; returns the state and the client id."""
    cid = state.next_client_id
    c = Client(
        cid,
        ClientInfo(addr=addr, laddr=laddr, fd=fd, ctime_ms=now_ms,
                   authenticated=not state.config.get("requirepass")),
        ClientIO(last_interaction_ms=now_ms),
    )
    stats = replace(
        state.stats, total_connections_received=state.stats.total_connections_received + 1
    )
    return (
        replace(state, clients=state.clients.set(cid, c), next_client_id=cid + 1, stats=stats),
        cid,
    )


_LIMITS: dict[tuple[int, bool, int], Limits] = {}


def _limits(max_bulk: int, authenticated: bool, qlimit: int) -> Limits:
    """The decoder limits (interned: they change only with CONFIG SET or AUTH)."""
    key = (max_bulk, authenticated, qlimit)
    lim = _LIMITS.get(key)
    if lim is None:
        if len(_LIMITS) > 64:
            _LIMITS.clear()
        lim = _LIMITS[key] = Limits(max_bulk, authenticated, qlimit)
    return lim


def client_input(state: ServerState, client_id: int, data: bytes, now_ms: int,
                 write_capacity: int | None = None) -> tuple[ServerState, Effects]:
    """``readQueryFromClient`` then ``processInputBuffer``: run every whole request in order;
    then ``writeToClient``: up to ``write_capacity`` bytes of the replies (all when None: the
    socket takes everything) go out in ``Effects.output``, the rest stay in ``reply``.

    Replies are produced in command order. A protocol error
    replies ``-ERR Protocol error: ...`` (counted as an ERR error reply) and marks the client
    to close after that reply; nothing after the bad request is processed. Going over
    ``client-query-buffer-limit`` closes with no reply (see ``spec.resp``). While a big
    argument is still arriving, chunks wait unjoined in ``querybuf_tail``. A client already
    closing ignores input.
    """
    c = state.clients.get(client_id)
    if c is None or c.closing:
        return state, NO_EFFECTS
    if c.info.bpop is not None:  # CLIENT_BLOCKED: input accumulates (spec.blocking)
        return _accumulate(state, c, data, now_ms), NO_EFFECTS
    buf = _query_buffer(c, data, now_ms)
    if isinstance(buf, Client):  # a big argument still arriving: nothing can happen yet
        return replace(state, clients=state.clients.set(client_id, buf)), NO_EFFECTS
    s = Step(state, now_ms, client_id)
    sent = _process_input_buffer(s, client_id, buf, now_ms, write_capacity)
    return _after_input(s, client_id, sent, now_ms)


def clients_input(state: ServerState, batch: list[tuple[int, bytes]],
                  now_ms: int) -> tuple[ServerState, Effects]:
    """The read events of one event-loop turn (``spec.eventloop``): ``readQueryFromClient``
    for each ``(client id, bytes)`` in ``batch`` order, nothing written yet.

    Means exactly ``client_input(state, cid, data, now_ms, 0)`` for each in turn (a property
    checks it); it is that composition run in one :class:`Step`, so a turn with many
    readable clients rebuilds the server state once. The step is committed early (and a new
    one opened) whenever what a client did must be settled before the next one reads:
    replies or messages for other clients, unblocked clients to serve, or a client that is
    blocked or still receiving a big argument.
    """
    eff: Effects = NO_EFFECTS
    s: Step | None = None
    for cid, data in batch:
        if s is None:
            c = state.clients.get(cid)
        elif cid == s.client.id:
            c = s.client
        else:
            c = s.clients.get(cid)
        if c is None or c.closing:
            continue
        buf: Any = None
        if c.info.bpop is None:
            buf = _query_buffer(c, data, now_ms)
        if type(buf) is not bytes:  # blocked, or a big argument arriving: the general path
            if s is not None:
                state, e = _after_input(s, s.client.id, b"", now_ms)
                eff = merge_effects(eff, e)
                s = None
            state, e = client_input(state, cid, data, now_ms, 0)
            eff = merge_effects(eff, e)
            continue
        if s is None:
            s = Step(state, now_ms, cid)
        else:
            s.switch_client(cid)
        _process_input_buffer(s, cid, buf, now_ms, 0)
        if must_settle(s):
            state, e = _after_input(s, cid, b"", now_ms)
            eff = merge_effects(eff, e)
            s = None
    if s is not None:
        state, e = _after_input(s, s.client.id, b"", now_ms)
        eff = merge_effects(eff, e)
    return state, eff


def must_settle(s: Step) -> bool:
    """Whether the read events run so far in ``s`` must be committed before the next
    client reads: bytes were queued for other clients (delivered at commit, before anything
    the next client adds) or clients were unblocked (served right after the read event)."""
    parts = s.parts
    return bool(s.others_out) or (parts is not None and "blocking" in parts
                                  and bool(parts["blocking"].unblocked))


def _query_buffer(c: Client, data: bytes, now_ms: int) -> bytes | Client:
    """The query buffer with ``data`` appended (``c->querybuf``), or, while a big argument
    (or a long line) is still arriving and nothing can be parsed yet, the client with the
    chunk kept unjoined in ``querybuf_tail``."""
    tail = c.querybuf_tail
    if tail is None:
        return c.querybuf + data if c.querybuf else data
    need, watch, size, chunks = tail
    size += len(data)
    total = len(c.querybuf) + size
    if total < need and not any(w in data for w in watch):
        return replace(c, querybuf_tail=(need, watch, size, (chunks, data)),
                       last_interaction_ms=now_ms, querybuf_peak=max(c.querybuf_peak, total))
    return _join_tail(c.querybuf, chunks, data)


def _process_input_buffer(s: Step, client_id: int, buf: bytes, now_ms: int,
                          write_capacity: int | None) -> bytes:
    """``processInputBuffer`` for the step's current client over its whole query buffer
    ``buf``, then ``writeToClient`` up to ``write_capacity``: returns the bytes written;
    the client's ``ClientIO`` (rest of the query buffer, pending reply) is updated."""
    s.qbuf_len = len(buf)
    cfg = s.config
    limits = _limits(cfg["proto-max-bulk-len"], s.client.authenticated,
                     cfg["client-query-buffer-limit"])
    out = s.out
    pos = 0
    last_cmd = None
    ran = False
    # The leading run of plain multibulk requests, decoded in C when hiredis is present (the
    # same requests parse_command would return); the rest goes through parse_command.
    fast = split_pipeline(buf, 0, limits)
    nfast = len(fast)
    i = 0
    req: list[bytes] | ProtocolError | None
    while True:
        if i < nfast:
            req, npos = fast[i]
            i += 1
        else:
            req, npos = parse_command(buf, pos, limits)
        if req is None:
            break
        if isinstance(req, ProtocolError):
            if type(req) is not QueryBufferLimit:  # setProtocolError: reply, then close
                if not reply_suppressed(s.client):
                    out.append(encode(Err("ERR Protocol error: " + req), s.client.resp))
                s.error_replies += 1
                s.error_counts["ERR"] = s.error_counts.get("ERR", 0) + 1
            # else "Closing client that reached max query buffer length": no reply at all
            s.update_client(closing=True)
            s.close.add(client_id)
            pos = len(buf)
            break
        start, pos = pos, npos
        if not req:
            continue
        n0 = s.commands_processed
        frame = run_and_encode(s, req)
        info = s.client.info
        if info.flags and not (info.bpop is not None and info.bpop.cmd == POSTPONE):
            # MONITOR's own line, CLIENT REPLY (spec.transport); a postponed command is not
            # processed yet (``commandProcessed`` skips ``resetClient`` for a blocked client)
            frame = after_command(s, req, frame, s.commands_processed != n0)
        out.append(frame)
        last_cmd = s.cmd
        ran = True
        if s.client.closing:  # QUIT, CLIENT KILL of itself, ...: stop reading
            pos = len(buf)
            break
        if s.client.info.bpop is not None:  # blocked: the rest waits in the query buffer
            if s.client.info.bpop.cmd == POSTPONE:  # CLIENT PAUSE: the command runs later
                pos = start
            break
        if s.client.authenticated != limits.authenticated:
            limits = _limits(limits.max_bulk_len, s.client.authenticated,
                             limits.query_buffer_limit)
            nfast = i  # what follows is parsed again under the new limits
    c = s.client
    io = c.io
    rest = buf[pos:] if pos < len(buf) else b""
    tail = io.querybuf_tail
    if len(rest) >= BIG_TAIL and not c.closing:
        need, watch = progress_point(buf, pos, limits)
        tail = (need - pos, watch, 0, None)
    elif tail is not None:
        tail = None
    # writeToClient: what the socket takes goes out now; the rest waits in ``reply``.
    pending = io.reply + b"".join(out) if io.reply else b"".join(out)
    asap = False
    if len(pending) > REPLY_CHUNK and not c.closing:  # past the static buffer: check limits
        reached, since = check_limits(c, len(pending), now_ms, s.config)
        if reached:  # closeClientOnOutputBufferLimitReached: drop the reply, close
            pending = b""
            asap = True
            c = replace(c, closing=True, obuf_soft_limit_since=0)
        elif since != c.obuf_soft_limit_since:
            c = replace(c, obuf_soft_limit_since=since)
    if write_capacity is None or len(pending) <= write_capacity:
        sent, pending = pending, b""
    else:
        sent, pending = pending[:write_capacity], pending[write_capacity:]
    s.client = Client(client_id, c.info, ClientIO(
        rest,
        tail,
        len(buf) if len(buf) > io.querybuf_peak else io.querybuf_peak,
        pending,
        now_ms,
        # ``c->lastcmd``: the last command looked up, "NULL" if it was unknown.
        (last_cmd.name if last_cmd is not None else "NULL") if ran else io.last_cmd,
    ))
    s._client_changed = True
    if c.closing:
        if sent or pending or asap or type(req) is QueryBufferLimit:
            s.close.add(client_id)
        else:  # CLOSE_AFTER_REPLY with nothing to write (CLIENT REPLY OFF/SKIP): Redis
            s.close.discard(client_id)  # never reaches writeToClient, the connection stays
    return sent


def _after_input(s: Step, client_id: int, sent: bytes,
                 now_ms: int) -> tuple[ServerState, Effects]:
    """Commit a step of read events; then deliver what was queued for other clients
    (``spec.obuf.deliver``) and serve clients the step unblocked
    (``processUnblockedClients``)."""
    new = s.commit()
    if s.others_out:
        new, closed = deliver(new, s.others_out, now_ms)
        if closed:
            s.close |= closed
    output = ((client_id, sent),) if sent else ()
    rare = s.propagate or s.close or s.others_out or s.notifications \
        or s.clock_set_ms is not None or s.listen_port is not None
    if not rare and not new.blocking.unblocked:
        return new, (Effects(output) if output else NO_EFFECTS)
    eff = Effects(
        output,
        tuple(s.propagate),
        frozenset(s.close),
        frozenset(s.others_out),
        tuple(s.notifications),
        s.clock_set_ms,
        s.listen_port,
    )
    if new.blocking.unblocked:  # processUnblockedClients: served clients resume their input
        new, more = process_unblocked_clients(new, now_ms)
        eff = merge_effects(eff, more)
    return new, eff


def _accumulate(state: ServerState, c: Client, data: bytes, now_ms: int) -> ServerState:
    """Input for a blocked client: appended to its query buffer, not processed."""
    buf = c.querybuf
    tail = c.querybuf_tail
    if tail is not None:
        buf = _join_tail(buf, tail[3], b"")
    buf += data
    c = replace(c, querybuf=buf, querybuf_tail=None, last_interaction_ms=now_ms,
                querybuf_peak=max(c.querybuf_peak, len(buf)))
    return replace(state, clients=state.clients.set(c.id, c))


def _join_tail(head: bytes, chunks: Any, last: bytes) -> bytes:
    """The query buffer as one string: ``head``, the cons list of chunks, then ``last``."""
    parts = [last]
    while chunks is not None:
        chunks, chunk = chunks
        parts.append(chunk)
    parts.append(head)
    parts.reverse()
    return b"".join(parts)


def client_writable(state: ServerState, client_id: int,
                    capacity: int | None = None) -> tuple[ServerState, Effects]:
    """``writeToClient``: the socket can take ``capacity`` bytes (None: all); that much of the
    pending reply goes out in ``Effects.output``; a closing client with nothing left pending
    is named in ``Effects.close``."""
    c = state.clients.get(client_id)
    if c is None:
        return state, NO_EFFECTS
    pending = c.reply
    n = len(pending) if capacity is None else min(capacity, len(pending))
    if n:
        state = client_wrote(state, client_id, n)
    close = frozenset((client_id,)) if c.closing and n == len(pending) else frozenset()
    if not n and not close:
        return state, NO_EFFECTS
    return state, Effects(((client_id, pending[:n]),) if n else (), close=close)


def clients_wrote(state: ServerState, accepted: Mapping[int, int]
                  ) -> tuple[ServerState, Effects]:
    """``writeToClient`` for several clients whose pending reply was offered to their
    sockets: ``accepted`` says how many leading bytes each socket took (the bytes themselves
    were already handed over by the caller). The same as ``client_writable(state, cid, n)``
    for each in turn, without the output; ``Effects.close`` names the clients closing after
    their reply (``CLIENT_CLOSE_AFTER_REPLY``) that have now written all of it."""
    clients = state.clients
    m = None
    close: list[int] = []
    for cid, n in accepted.items():
        c = clients.get(cid)
        if c is None:
            continue
        pending = c.reply
        if n > len(pending):
            n = len(pending)
        if n > 0:
            if m is None:
                m = clients.mutate()
            io = c.io
            m[cid] = Client(cid, c.info, ClientIO(io.querybuf, io.querybuf_tail,
                                                  io.querybuf_peak, pending[n:],
                                                  io.last_interaction_ms, io.last_cmd))
        if c.closing and n == len(pending):
            close.append(cid)
    if m is not None:
        state = replace(state, clients=m.finish())
    return state, (Effects(close=frozenset(close)) if close else NO_EFFECTS)


def client_wrote(state: ServerState, client_id: int, n: int) -> ServerState:
    """The socket accepted the first ``n`` bytes of the pending reply."""
    c = state.clients.get(client_id)
    if c is None or n <= 0:
        return state
    return replace(state, clients=state.clients.set(client_id, replace(c, reply=c.reply[n:])))


#: Clean-up steps of ``freeClient`` that belong to other mechanisms (unwatch keys, leave Pub/Sub
#: channels, unblock, ...): each ``hook(state, client) -> state`` runs before the client is
#: forgotten. Registered at import time by the mechanism's module (static, like the command
#: table), in the order ``freeClient`` does them. The list lives in ``spec.hooks`` so command
#: modules can register while this module is still importing.
DISCONNECT_HOOKS: list[Any] = _HOOKS
DISCONNECT_HOOKS.append(_unwatch_on_free)  # transactions: unwatchAllKeys


def client_disconnect(state: ServerState, client_id: int) -> ServerState:
    """``freeClient``: forget the client and everything it held (buffers, name, db choice,
    and through ``DISCONNECT_HOOKS`` its watched keys, subscriptions, blocking state)."""
    c = state.clients.get(client_id)
    if c is None:
        return state
    for hook in DISCONNECT_HOOKS:
        state = hook(state, c)
    return replace(state, clients=state.clients.delete(client_id))


def run_command(state: ServerState, client_id: int, argv: list[bytes],
                now_ms: int) -> tuple[ServerState, bytes]:
    """Run one command for ``client_id``; returns the new state and the encoded reply."""
    s = Step(state, now_ms, client_id)
    frame = run_and_encode(s, argv)
    s.update_client(last_cmd=s.cmd.name if s.cmd is not None else "NULL",
                    last_interaction_ms=now_ms)
    return s.commit(), frame
