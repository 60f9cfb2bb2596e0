"""Feeding the replication stream (``replication.c``'s ``replicationFeedSlaves``): every
command a transition propagates goes into the backlog as it is propagated, advancing
``master_repl_offset``, with a ``SELECT`` before a command whose database differs from the
one the stream last selected. The replicas get their bytes in beforeSleep
(``spec.replication.feed_replicas``, from ``ReplState.outbox``), as Redis's write handlers
send them then. ``Step`` feeds what its commands propagated (``Step.propagate_now``), next to
the AOF (``spec.aoffeed``).

Nothing is fed by a replica (it proxies its master's stream instead: ``spec.replica``) or by
a master that has no backlog (no replica ever attached): ``master_repl_offset`` then stays.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .backlog import command_pieces, feed, feed_pieces
from .state import ReplState

__all__ = ["feeds_replication", "feed_replication", "feed_stream", "master_applied"]


def feeds_replication(r: ReplState) -> bool:
    """Whether propagated commands enter the replication stream: a master (no
    ``masterhost``) with a backlog (``replicationFeedSlaves``' fast path)."""
    return r.backlog is not None and r.masterhost is None


def select_command(dbid: int) -> bytes:
    """The ``SELECT <db>`` the stream carries when the database changes (``shared.select``)."""
    d = b"%d" % dbid
    return b"*2\r\n$6\r\nSELECT\r\n$%d\r\n%s\r\n" % (len(d), d)


def feed_stream(r: ReplState, data: bytes, pieces: tuple[bytes, ...] = ()) -> ReplState:
    """``feedReplicationBuffer``: raw stream bytes into the backlog (``pieces``: the same
    bytes as Redis feeds them, one ``feedReplicationBuffer`` call each — the block layout
    depends on it), ``master_repl_offset`` advanced, and the bytes queued for the replicas
    (``outbox``). The replicas' next unsent offsets (``ReplState.pins``) keep the blocks
    they still need."""
    if not data:
        return r
    b = r.backlog
    if b is not None:
        b = feed_pieces(b, pieces, r.master_repl_offset, r.pins) if pieces else \
            feed(b, data, r.master_repl_offset, r.pins)
    return attrs.evolve(r, backlog=b,
                        master_repl_offset=r.master_repl_offset + len(data),
                        outbox=r.outbox + (data,))


def feed_replication(r: ReplState, propagate: Iterable[tuple[int, tuple[bytes, ...]]]
                     ) -> ReplState:
    """``replicationFeedSlaves`` for each propagated ``(db, argv)`` in order: the SELECT
    the db change needs (``slaveseldb``), then the command as a RESP array of bulk
    strings. A db of -1 (a command of no database, e.g. the cron's PING) selects nothing."""
    sel = r.slaveseldb
    parts: list[bytes] = []
    for dbid, argv in propagate:
        if dbid != sel and dbid != -1:
            parts.append(select_command(dbid))
            sel = dbid
        parts.extend(command_pieces(argv))
    return attrs.evolve(feed_stream(r, b"".join(parts), tuple(parts)), slaveseldb=sel)


def master_applied(r: ReplState, applied: bytes, unapplied: bytes, unread: int) -> ReplState:
    """What the master client's commands applied (``commandProcessed`` → the applied
    offset, then ``replicationFeedStreamFromMasterStream``): the applied bytes advance the
    replica's offset and enter its own backlog and its replicas' stream unchanged (a
    replica proxies its master's stream). ``unapplied``: consumed inside a transaction not
    yet executed; ``unread``: bytes read but not parsed yet (the read offset counts both)."""
    if applied:
        r = feed_stream(r, applied)
        r = attrs.evolve(r, master_reploff=r.master_reploff + len(applied))
    return attrs.evolve(r, master_unapplied=unapplied,
                        master_read_reploff=r.master_reploff + len(unapplied) + unread)
