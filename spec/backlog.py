"""The replication backlog (placeholder until the block model lands): the last ``size``
bytes of the replication stream, for PSYNC."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = ["Backlog", "create_backlog", "feed", "backlog_from", "psync_accepts", "resize"]


@attrs.frozen(slots=True)
class Backlog:
    """``server.repl_backlog``: its configured size, the bytes it holds (``histlen``) and
    the stream offset of the first of them (``offset``, 1-based)."""

    size: int
    histlen: int
    offset: int
    data: bytes = b""


def create_backlog(size: int, master_repl_offset: int) -> Backlog:
    """``createReplicationBacklog``: empty; its first byte is the next one fed."""
    return Backlog(size, 0, master_repl_offset + 1)


def feed(b: Backlog, data: bytes, master_repl_offset: int,
         pinned: Iterable[int] = ()) -> Backlog:
    """``feedReplicationBuffer``: ``data`` appended, the oldest bytes beyond ``size`` gone."""
    d = b.data + data
    if len(d) > b.size:
        d = d[len(d) - b.size:]
    end = master_repl_offset + len(data)
    return Backlog(b.size, len(d), end - len(d) + 1, d)


def resize(b: Backlog, size: int, master_repl_offset: int,
           pinned: Iterable[int] = ()) -> Backlog:
    """``resizeReplicationBacklog``."""
    d = b.data[-size:] if len(b.data) > size else b.data
    return Backlog(size, len(d), master_repl_offset - len(d) + 1, d)


def backlog_from(b: Backlog, offset: int) -> bytes:
    """``addReplyReplicationBacklog``: the stream from ``offset`` to the end."""
    return b.data[offset - b.offset:]


def psync_accepts(replid: str, replid2: str, second_replid_offset: int,
                  backlog: Backlog | None, req_replid: str, req_offset: int) -> bool:
    """``masterTryPartialResynchronization``'s rule: the history matches (``replid``, or
    ``replid2`` up to ``second_replid_offset``) and the offset is inside the backlog."""
    if req_replid.lower() != replid.lower() and (
            req_replid.lower() != replid2.lower() or req_offset > second_replid_offset):
        return False
    return not (backlog is None or req_offset < backlog.offset
                or req_offset > backlog.offset + backlog.histlen)
