"""Reading requests and writing replies: Redis's ``networking.c`` as the server transitions
use it.

- :func:`process_input_buffer` — ``processInputBuffer`` over a client's query buffer (every
  whole request through ``processCommand``, protocol errors, the query-buffer limit), then
  ``writeToClient``: what the socket takes goes out, the rest waits in the client's reply.
- :func:`query_buffer`, :func:`accumulate` — ``readQueryFromClient``'s part: the bytes read
  joined to what was left; a big argument still arriving waits unjoined; a blocked client's
  input only accumulates.
- :func:`client_writable`, :func:`clients_wrote`, :func:`client_wrote` — ``writeToClient`` for
  pending replies: the bytes a socket accepted are an input.

Layer: networking, between dispatch and the server transitions (``spec.server``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import functions, scripting  # noqa: F401  (register EVAL, SCRIPT, FUNCTION, FCALL, …)
from .clients import REPLY_CHUNK
from .dispatch import run_and_encode
from .effects import NO_EFFECTS, Effects
from .obuf import check_limits
from .replfeed import master_applied
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
from .state import Client, ClientIO, ServerState, replace
from .step import Step
from .tracking import pending_frames
from .transport import POSTPONE, after_command, reply_suppressed

__all__ = ["process_input_buffer", "query_buffer", "accumulate", "client_writable",
           "clients_wrote", "client_wrote"]


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


def query_buffer(c: Client, data: bytes, now_ms: int) -> bytes | Client:
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
    return join_tail(c.querybuf, chunks, data)


def process_input_buffer(s: Step, client_id: int, buf: bytes, now_ms: int,
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
    # The master client of a replica: where the bytes not applied yet begin (a command
    # applies when it is processed, never inside MULTI: ``commandProcessed``).
    fl = s.client.info.flags
    master = -1 if not (fl and "master" in fl) else 0
    req: list[bytes] | ProtocolError | None
    while True:
        if i < nfast:
            req, npos = fast[i]
            i += 1
        else:
            req, npos = parse_command(buf, pos, limits)
        if req is None:
            break
        # A ProtocolError (or its QueryBufferLimit): whatever is not a request's argv. Not
        # ``isinstance(req, ProtocolError)``: mypyc compiles that to an exact type test,
        # which misses the subclass (docs/performance-compiled.md).
        if not isinstance(req, list):
            if type(req) is not QueryBufferLimit:  # setProtocolError: reply, then close
                err = Err("ERR Protocol error: " + req)
                if not reply_suppressed(s.client):
                    out.append(encode(err, s.client.resp))
                s.count_error(err)
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
        if s.tracking_pending:  # the client's own invalidations come after its reply
            out.append(pending_frames(s))
        last_cmd = s.cmd
        ran = True
        if master >= 0 and s.client.info.multi < 0:
            _master_apply(s, buf[master:pos], len(buf) - pos)
            master = pos
        info = s.client.info
        if info.closing:  # QUIT, CLIENT KILL of itself, ...: stop reading
            pos = len(buf)
            break
        bpop = info.bpop
        if bpop is not None:  # blocked: the rest waits in the query buffer
            if bpop.cmd == POSTPONE:  # CLIENT PAUSE: the command runs later
                pos = start
            break
        if info.authenticated != limits.authenticated:
            limits = _limits(limits.max_bulk_len, info.authenticated,
                             limits.query_buffer_limit)
            nfast = i  # what follows is parsed again under the new limits
    if master >= 0:
        _master_hold(s, buf[master:pos], len(buf) - pos)
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
    s.set_client(Client(client_id, c.info, ClientIO(
        rest,
        tail,
        len(buf) if len(buf) > io.querybuf_peak else io.querybuf_peak,
        pending,
        now_ms,
        # ``c->lastcmd``: the last command looked up, "NULL" if it was unknown.
        (last_cmd.name if last_cmd is not None else "NULL") if ran else io.last_cmd,
    )))
    if c.closing:
        if sent or pending or asap or type(req) is QueryBufferLimit:
            s.close.add(client_id)
        else:  # CLOSE_AFTER_REPLY with nothing to write (CLIENT REPLY OFF/SKIP): Redis
            s.close.discard(client_id)  # never reaches writeToClient, the connection stays
    return sent


def _master_apply(s: Step, data: bytes, unread: int) -> None:
    """``commandProcessed`` for the master client: its command (with the transaction it
    closed, held until now) is applied at once (``spec.replfeed.master_applied``), so that a
    later ``REPLCONF GETACK`` of the same read acknowledges it."""
    r = s.part("repl")
    s.set_part("repl", master_applied(r, r.master_unapplied + data, b"", unread))


def _master_hold(s: Step, data: bytes, unread: int) -> None:
    """The end of the master client's read: the bytes parsed after its last applied
    command (inside a transaction) wait for their EXEC."""
    r = s.part("repl")
    s.set_part("repl", master_applied(r, b"", r.master_unapplied + data, unread))


def accumulate(state: ServerState, c: Client, data: bytes, now_ms: int) -> ServerState:
    """Input for a blocked client: appended to its query buffer, not processed."""
    buf = c.querybuf
    tail = c.querybuf_tail
    if tail is not None:
        buf = join_tail(buf, tail[3], b"")
    buf += data
    c = replace(c, querybuf=buf, querybuf_tail=None, last_interaction_ms=now_ms,
                querybuf_peak=max(c.querybuf_peak, len(buf)))
    return replace(state, clients=state.clients.set(c.id, c))


def join_tail(head: bytes, chunks: Any, last: bytes) -> bytes:
    """The query buffer as one string: ``head``, the cons list of chunks, then ``last``."""
    parts = [last]
    while chunks is not None:
        chunks, chunk = chunks
        parts.append(chunk)
    parts.append(head)
    parts.reverse()
    return b"".join(parts)


def client_writable(state: ServerState, client_id: int,
                    capacity: int | None = None,
                    now_ms: int | None = None) -> tuple[ServerState, Effects]:
    """``writeToClient``: the socket can take ``capacity`` bytes (None: all); that much of the
    pending reply goes out in ``Effects.output``; a closing client with nothing left pending
    is named in ``Effects.close``. With ``now_ms``, a write counts as an interaction (see
    :func:`client_wrote`)."""
    c = state.clients.get(client_id)
    if c is None:
        return state, NO_EFFECTS
    pending = c.reply
    n = len(pending) if capacity is None else min(capacity, len(pending))
    if n:
        state = client_wrote(state, client_id, n, now_ms)
    close = frozenset((client_id,)) if c.closing and n == len(pending) else frozenset()
    if not n and not close:
        return state, NO_EFFECTS
    return state, Effects(((client_id, pending[:n]),) if n else (), close=close)


def clients_wrote(state: ServerState, accepted: Mapping[int, int],
                  now_ms: int | None = None) -> tuple[ServerState, Effects]:
    """``writeToClient`` for several clients whose pending reply was offered to their
    sockets: ``accepted`` says how many leading bytes each socket took (the bytes themselves
    were already handed over by the caller). The same as ``client_writable(state, cid, n,
    now_ms)`` for each in turn, without the output; ``Effects.close`` names the clients
    closing after their reply (``CLIENT_CLOSE_AFTER_REPLY``) that have now written all of
    it."""
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
                                                  _interaction(c, now_ms), io.last_cmd))
        if c.closing and n == len(pending):
            close.append(cid)
    if m is not None:
        state = replace(state, clients=m.finish())
    return state, (Effects(close=frozenset(close)) if close else NO_EFFECTS)


def _interaction(c: Client, now_ms: int | None) -> int:
    """``c->lastinteraction`` after a write that sent something at ``now_ms``: a write is an
    interaction except for the master link (its REPLCONF ACKs would keep a silent master
    alive); None: time not given, unchanged."""
    if now_ms is None or (c.info.flags and "master" in c.info.flags):
        return c.io.last_interaction_ms
    return now_ms


def client_wrote(state: ServerState, client_id: int, n: int,
                 now_ms: int | None = None) -> ServerState:
    """The socket accepted the first ``n`` bytes of the pending reply (at ``now_ms``: the
    client's last interaction, see :func:`_interaction`)."""
    c = state.clients.get(client_id)
    if c is None or n <= 0:
        return state
    return replace(state, clients=state.clients.set(client_id, replace(
        c, reply=c.reply[n:], last_interaction_ms=_interaction(c, now_ms))))
