"""Client output-buffer limits (``client-output-buffer-limit``; Redis's
``checkClientOutputBufferLimits`` and ``closeClientOnOutputBufferLimitReached``), and the
delivery of reply bytes produced for other clients (Pub/Sub messages, keyspace events).

A client's pending reply is ``ClientIO.reply``: bytes produced and not yet accepted by its
socket. Redis counts only what overflows the 16 KiB static buffer into the reply list, in
list-node units (``getClientOutputBufferMemoryUsage``); we count it as CLIENT LIST's ``omem``
does (``spec.clients``): whole 16 KiB chunks beyond the first. A client over its class's hard
limit, or over the soft limit for more than the soft seconds, is closed asynchronously
(``CLIENT_CLOSE_ASAP``): its pending reply is dropped, it gets nothing more, and the server
closes it. The check runs whenever bytes are added past the static buffer, as Redis checks on
every append to the reply list.
"""

from __future__ import annotations

from typing import Any

from .clients import REPLY_CHUNK, client_type
from .state import Client, ServerState, replace

__all__ = ["class_limits", "used_memory", "check_limits", "deliver"]

_CLASS_KEY = {"normal": "normal", "replica": "slave", "pubsub": "pubsub", "master": "normal"}
_PARSED: dict[str, dict[str, tuple[int, int, int]]] = {}


def class_limits(config_value: str, cls: str) -> tuple[int, int, int]:
    """(hard bytes, soft bytes, soft seconds) of client class ``cls`` in the (normalised)
    ``client-output-buffer-limit`` value (masters use the normal class, as in Redis)."""
    table = _PARSED.get(config_value)
    if table is None:
        parts = config_value.split()
        table = {parts[i]: (int(parts[i + 1]), int(parts[i + 2]), int(parts[i + 3]))
                 for i in range(0, len(parts) - 3, 4)}
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[config_value] = table
    return table.get(_CLASS_KEY.get(cls, "normal"), (0, 0, 0))


def used_memory(pending: int) -> int:
    """``getClientOutputBufferMemoryUsage``: the bytes of the reply list (what does not fit
    in the static buffer), in whole chunks."""
    rest = pending - REPLY_CHUNK
    if rest <= 0:
        return 0
    return (rest + REPLY_CHUNK - 1) // REPLY_CHUNK * REPLY_CHUNK


def check_limits(c: Client, pending: int, now_ms: int, cfg: Any) -> tuple[bool, int]:
    """``checkClientOutputBufferLimits`` for ``c`` holding ``pending`` unwritten bytes:
    (limit reached, the new ``obuf_soft_limit_since``). The soft limit counts as reached
    only once the client has been over it for more than the soft seconds."""
    hard, soft, secs = class_limits(cfg["client-output-buffer-limit"], client_type(c))
    used = used_memory(pending)
    over_hard = hard > 0 and used >= hard
    since = c.obuf_soft_limit_since
    over_soft = soft > 0 and used >= soft
    now_s = now_ms // 1000
    if over_soft:
        if since == 0:
            since, over_soft = now_s, False
        elif now_s - since <= secs:
            over_soft = False
    else:
        since = 0
    return over_hard or over_soft, since


def deliver(state: ServerState, frames: dict[int, list[bytes]],
            now_ms: int) -> tuple[ServerState, frozenset[int]]:
    """Append reply bytes produced for other clients to their pending replies (they go out
    when those clients' sockets are writable). A client that goes over its output-buffer
    limit is marked closing with nothing pending (``freeClientAsync``); returns the new state
    and those clients."""
    m = state.clients.mutate()
    cfg = state.config
    closed: set[int] = set()
    for cid, fs in frames.items():
        c = m.get(cid)
        if c is None or c.closing:
            continue
        reply = c.reply + b"".join(fs)
        if len(reply) > REPLY_CHUNK:
            reached, since = check_limits(c, len(reply), now_ms, cfg)
            if reached:
                m[cid] = replace(c, reply=b"", closing=True, obuf_soft_limit_since=0)
                closed.add(cid)
                continue
            if since != c.obuf_soft_limit_since:
                c = replace(c, obuf_soft_limit_since=since)
        m[cid] = replace(c, reply=reply)
    return replace(state, clients=m.finish()), frozenset(closed)
