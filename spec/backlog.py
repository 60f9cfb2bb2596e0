"""The replication backlog of 7.0.15: the head of the shared replication buffer.

Since 7.0 a master keeps one list of buffer blocks (``server.repl_buffer_blocks``) that the
backlog and every replica's output share: a block (``replBufBlock``) is allocated once, filled
in order, and freed when nothing refers to it. The backlog is a window over that list, from
the first block to the end of the stream:

- ``histlen`` (``repl_backlog->histlen``) counts the stream bytes it holds and ``offset``
  (``repl_backlog->offset``, INFO's ``repl_backlog_first_byte_offset``) is the stream offset of
  the first of them, 1-based, so ``offset + histlen == master_repl_offset + 1`` always;
- appending (``feedReplicationBuffer``) fills the tail block, then opens new blocks for the
  rest, one at a time: each is a request of the bytes left, at least
  ``PROTO_REPLY_CHUNK_BYTES`` (16 KiB) and at most ``repl-backlog-size / 16`` (but not less
  than 16 KiB), plus the 40-byte block header, which jemalloc rounds up to its size class; the
  block's room is the whole usable size less the header (a 16 KiB request is a 20480-byte
  allocation: 20440 bytes of room);
- trimming (``incrementalTrimReplicationBacklog``) frees whole blocks from the front while
  ``histlen`` exceeds the ``repl-backlog-size`` setting, but never the last block, never a
  block a replica still refers to, and never one whose removal would leave ``size`` bytes or
  fewer; each call frees at most ``max_blocks`` blocks. It runs with 64
  (``REPL_BACKLOG_TRIM_BLOCKS_PER_CALL``) after each block an append opens (an append that
  fits in the tail trims nothing), when a replica moves past a block or goes away, and on
  CONFIG SET repl-backlog-size; with 640 in ``beforeSleep``, once per event-loop turn.

A replica refers to one block (``ref_repl_buf_node``, at ``ref_block_pos``): a referenced block
cannot be freed, and neither can any block after it. The caller passes the replicas'
positions as ``pinned``: each one's next unsent stream offset (``master_repl_offset + 1`` for a
replica that has sent everything). The block it refers to is the first whose end reaches that
offset (:func:`trim`). Redis moves a replica on to the next block when it writes past the end
of one that is no longer the tail; a replica that had sent a whole block exactly then refers to
the next one, which this model counts one block earlier (it matters only when that block is
the backlog's first).

Memory, as INFO counts it: each block's allocation and its list node
(``mem_total_replication_buffers``), and for ``mem_replication_backlog`` also the rax that
indexes every 64th block opened (``REPL_BACKLOG_INDEX_PER_BLOCKS``) by its ``repl_offset``.

The facts were checked against redis-server 7.0.15: ``tests/test_backlog.py`` replays sessions
whose INFO fields (the window, ``mem_total_replication_buffers``, ``mem_replication_backlog``)
it compares, and PSYNC's verdicts at the window's edges.

Everything here is a value: appending is O(1) amortised in the backlog's size (the tail's bytes
are kept as a short tuple of chunks, joined when it grows long or when read).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from enum import Enum

import attrs

from .memory import je_size

__all__ = [
    "ReplBlock", "Backlog", "PsyncVerdict", "PROTO_REPLY_CHUNK_BYTES", "REPL_BUF_BLOCK_HEADER",
    "LIST_NODE", "CONFIG_REPL_BACKLOG_MIN_SIZE", "REPL_BACKLOG_TRIM_BLOCKS_PER_CALL",
    "BEFORE_SLEEP_TRIM_BLOCKS", "block_room", "create_backlog", "feed", "trim", "resize",
    "clamp_backlog_size", "backlog_from", "psync_verdict", "psync_accepts", "repl_buffer_mem",
    "backlog_memory", "index_memory", "REPL_BACKLOG_INDEX_PER_BLOCKS", "master_offset", "select_piece", "command_pieces", "feed_pieces",
]

#: ``PROTO_REPLY_CHUNK_BYTES``: the least room a new block gets.
PROTO_REPLY_CHUNK_BYTES = 16 * 1024
#: ``sizeof(replBufBlock)``: refcount (int, padded to 8), id, repl_offset, size, used.
REPL_BUF_BLOCK_HEADER = 40
#: ``sizeof(listNode)``: counted with each block in ``repl_buffer_mem``.
LIST_NODE = 24
#: ``CONFIG_REPL_BACKLOG_MIN_SIZE``: the smallest size CONFIG SET leaves.
CONFIG_REPL_BACKLOG_MIN_SIZE = 16 * 1024
#: ``REPL_BACKLOG_TRIM_BLOCKS_PER_CALL``: blocks one trim frees at most.
REPL_BACKLOG_TRIM_BLOCKS_PER_CALL = 64
#: ``REPL_BACKLOG_INDEX_PER_BLOCKS``: every this many blocks, one goes into the rax index.
REPL_BACKLOG_INDEX_PER_BLOCKS = 64
#: ``sizeof(raxNode)`` (its 32-bit header) and ``sizeof(void*)``, as INFO counts the index.
RAX_NODE = 4
POINTER = 8
#: ``beforeSleep`` trims ``10 * REPL_BACKLOG_TRIM_BLOCKS_PER_CALL`` blocks per event-loop turn.
BEFORE_SLEEP_TRIM_BLOCKS = 10 * REPL_BACKLOG_TRIM_BLOCKS_PER_CALL

#: The tail block's chunks are joined into one when there are this many.
_CHUNKS_MAX = 64


@attrs.frozen(eq=False, slots=True)
class ReplBlock:
    """``replBufBlock``: ``size`` bytes of room (the allocation's usable size less the
    header), ``used`` of them filled with the stream bytes from ``repl_offset`` (1-based) on.
    The bytes are ``chunks`` joined. ``indexed``: the block is in ``blocks_index`` (the rax
    of every ``REPL_BACKLOG_INDEX_PER_BLOCKS``-th block, keyed by ``repl_offset``). Two blocks
    are equal when their numbers and bytes are."""

    repl_offset: int
    size: int
    used: int
    chunks: tuple[bytes, ...]
    indexed: bool

    def data(self) -> bytes:
        """The block's ``used`` bytes (``o->buf``)."""
        return self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)

    @property
    def end(self) -> int:
        """The stream offset just past the block's last byte."""
        return self.repl_offset + self.used

    def __eq__(self, other: object) -> bool:
        """Same numbers and same bytes, however the bytes are chunked."""
        if not isinstance(other, ReplBlock):
            return NotImplemented
        return (self.repl_offset, self.size, self.used, self.indexed) == (
            other.repl_offset, other.size, other.used, other.indexed) and (
            self.data() == other.data())

    def __hash__(self) -> int:
        """Consistent with ``__eq__``."""
        return (self.repl_offset, self.size, self.used, self.indexed, self.data()).__hash__()


@attrs.frozen(slots=True)
class Backlog:
    """``server.repl_backlog`` with the shared buffer's blocks it covers: ``size`` is the
    ``repl-backlog-size`` setting, ``histlen`` the bytes held, ``offset`` the stream offset
    of the first of them; ``head`` the full blocks, oldest first, and ``tail`` the block being
    filled (``None`` until the first byte); ``unindexed`` the blocks opened since the last one
    indexed (``unindexed_count``)."""

    size: int
    histlen: int
    offset: int
    head: tuple[ReplBlock, ...] = ()
    tail: ReplBlock | None = None
    unindexed: int = 0

    @property
    def blocks(self) -> tuple[ReplBlock, ...]:
        """Every block, oldest first (``server.repl_buffer_blocks``)."""
        return self.head if self.tail is None else (*self.head, self.tail)


class PsyncVerdict(Enum):
    """Why ``masterTryPartialResynchronization`` answers as it does (its log lines)."""

    ACCEPTED = "accepted"
    #: ``?`` as the replication ID: the replica asks for a full resync.
    FULL_REQUESTED = "full resync requested by replica"
    #: Neither ``replid`` nor ``replid2``.
    REPLID_MISMATCH = "replication ID mismatch"
    #: ``replid2``, but past ``second_replid_offset``.
    SECOND_ID_TOO_FAR = "requested offset for second ID beyond second_replid_offset"
    #: No backlog, or the offset is outside ``[offset, offset + histlen]``.
    NOT_IN_BACKLOG = "lack of backlog"


def block_room(n: int, backlog_size: int) -> int:
    """The room of a new block when ``n`` bytes are left to append (``feedReplicationBuffer``):
    a request of ``n`` bytes, at least ``PROTO_REPLY_CHUNK_BYTES`` and at most
    ``max(backlog_size / 16, PROTO_REPLY_CHUNK_BYTES)``, plus the header, rounded up to
    jemalloc's size class (``zmalloc_usable``), less the header."""
    limit = max(backlog_size // 16, PROTO_REPLY_CHUNK_BYTES)
    want = min(max(n, PROTO_REPLY_CHUNK_BYTES), limit)
    return je_size(want + REPL_BUF_BLOCK_HEADER) - REPL_BUF_BLOCK_HEADER


def clamp_backlog_size(size: int) -> int:
    """``resizeReplicationBacklog``'s floor: CONFIG SET repl-backlog-size below 16 KiB gives
    16 KiB (a value read from the config file at startup is not clamped)."""
    return max(size, CONFIG_REPL_BACKLOG_MIN_SIZE)


def create_backlog(size: int, master_repl_offset: int) -> Backlog:
    """``createReplicationBacklog``: empty, its first byte the next one the stream makes."""
    return Backlog(size, 0, master_repl_offset + 1)


def master_offset(b: Backlog) -> int:
    """``master_repl_offset`` as the backlog knows it: the offset of its last byte."""
    return b.offset + b.histlen - 1


def _min_pin(pinned: Iterable[int]) -> int | None:
    """The earliest next-unsent offset among the replicas (``None``: no replica refers)."""
    return min(pinned, default=None)


def _append(tail: ReplBlock, data: bytes) -> ReplBlock:
    """``tail`` with ``data`` appended (the caller made sure it fits)."""
    chunks = tail.chunks
    if len(chunks) >= _CHUNKS_MAX:
        chunks = (b"".join(chunks), data)
    else:
        chunks = (*chunks, data)
    return ReplBlock(tail.repl_offset, tail.size, tail.used + len(data), chunks, tail.indexed)


def _sealed(block: ReplBlock) -> ReplBlock:
    """A block that will get no more bytes, its chunks joined into one."""
    if len(block.chunks) == 1:
        return block
    return ReplBlock(block.repl_offset, block.size, block.used, (block.data(),), block.indexed)


def feed(b: Backlog, data: bytes, master_repl_offset: int, pinned: Iterable[int] = ()) -> Backlog:
    """``feedReplicationBuffer``: append ``data`` to the stream whose offset was
    ``master_repl_offset`` before it (the caller adds ``len(data)`` to its own). The tail
    block takes what fits; the rest goes into new blocks (:func:`block_room` each), and after
    each new block the backlog is trimmed (``incrementalTrimReplicationBacklog`` of
    ``REPL_BACKLOG_TRIM_BLOCKS_PER_CALL`` blocks, ``pinned`` as in :func:`trim`). A feed that
    opens no block trims nothing."""
    n = len(data)
    tail = b.tail
    if tail is not None and tail.size - tail.used >= n:  # the common case, kept cheap
        if n == 0:
            return b
        tail = _append(tail, data)
        return Backlog(b.size, b.histlen + n, b.offset, b.head, tail, b.unindexed)
    head, histlen, offset, master = b.head, b.histlen, b.offset, master_repl_offset
    unindexed = b.unindexed
    pos = 0
    pins = tuple(pinned)
    if tail is not None:  # fill the tail's room (less than n here), then open blocks
        pos = tail.size - tail.used
        if pos:
            tail = _append(tail, data[:pos])
            master, histlen = master + pos, histlen + pos
    while pos < n:
        room = block_room(n - pos, b.size)
        copy = min(room, n - pos)
        if tail is not None:
            head = (*head, _sealed(tail))
        unindexed += 1  # createReplicationBacklogIndex
        indexed = unindexed >= REPL_BACKLOG_INDEX_PER_BLOCKS
        if indexed:
            unindexed = 0
        tail = ReplBlock(master + 1, room, copy, (data[pos:pos + copy],), indexed)
        pos, master, histlen = pos + copy, master + copy, histlen + copy
        trimmed = trim(Backlog(b.size, histlen, offset, head, tail), master, pins)
        head, histlen, offset = trimmed.head, trimmed.histlen, trimmed.offset
    return Backlog(b.size, histlen, master - histlen + 1, head, tail, unindexed)


def trim(b: Backlog, master_repl_offset: int, pinned: Iterable[int] = (),
         max_blocks: int = REPL_BACKLOG_TRIM_BLOCKS_PER_CALL) -> Backlog:
    """``incrementalTrimReplicationBacklog``: free up to ``max_blocks`` blocks from the front
    while ``histlen > size``, stopping at the last block, at a block a replica refers to, and
    at a block whose removal would leave ``size`` bytes or fewer; then
    ``offset = master_repl_offset - histlen + 1``. ``pinned`` holds each replica's next unsent
    stream offset ``o``: it refers to the first block whose end reaches ``o`` (the block
    holding byte ``o``, or the full block before when ``o`` starts a block: where PSYNC's
    lookup and a write that emptied the then-tail leave it)."""
    histlen, head = b.histlen, b.head
    trimmed = 0
    pin = _min_pin(pinned)
    while histlen > b.size and trimmed < max_blocks and trimmed < len(head):
        first = head[trimmed]  # never the tail: the loop stops before it
        if pin is not None and pin <= first.end:
            break  # a replica refers to this block (refcount != 1)
        if histlen - first.size <= b.size:
            break
        histlen -= first.size
        trimmed += 1
    head = head[trimmed:]
    return Backlog(b.size, histlen, master_repl_offset - histlen + 1, head, b.tail, b.unindexed)


def resize(b: Backlog, size: int, master_repl_offset: int, pinned: Iterable[int] = ()) -> Backlog:
    """``resizeReplicationBacklog`` (CONFIG SET repl-backlog-size): the new setting, at least
    16 KiB, then one trim of up to ``REPL_BACKLOG_TRIM_BLOCKS_PER_CALL`` blocks. Nothing is
    copied: a larger backlog grows as the stream is fed."""
    return trim(attrs.evolve(b, size=clamp_backlog_size(size)), master_repl_offset, pinned)


def backlog_from(b: Backlog, offset: int) -> bytes:
    """``addReplyReplicationBacklog``: the stream bytes from ``offset`` to the end, which a
    partial resync sends (``offset`` must lie in ``[b.offset, b.offset + b.histlen]``)."""
    if not b.offset <= offset <= b.offset + b.histlen:
        raise ValueError(f"offset {offset} is outside the backlog "
                         f"[{b.offset}, {b.offset + b.histlen}]")
    blocks = b.blocks
    if not blocks:
        return b""
    i = max(bisect_right(blocks, offset, key=lambda blk: blk.repl_offset) - 1, 0)
    first = blocks[i]
    return first.data()[offset - first.repl_offset:] + b"".join(
        blk.data() for blk in blocks[i + 1:])


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _c_fold(s: str) -> str:
    """What ``strcasecmp`` compares: the string up to its first NUL, ASCII letters folded."""
    return s.split("\0", 1)[0].translate(_ASCII_LOWER)


def psync_verdict(replid: str, replid2: str, second_replid_offset: int, backlog: Backlog | None,
                  req_replid: str, req_offset: int) -> PsyncVerdict:
    """``masterTryPartialResynchronization``: a partial resync continues when the requested
    ID is ``replid``, or ``replid2`` with ``req_offset <= second_replid_offset`` (IDs compare
    as ``strcasecmp`` does: ASCII case folded, up to a NUL), and the backlog exists and
    ``offset <= req_offset <= offset + histlen`` (at the end: nothing to send)."""
    req, id1, id2 = _c_fold(req_replid), _c_fold(replid), _c_fold(replid2)
    if req != id1 and (req != id2 or req_offset > second_replid_offset):
        if req_replid.startswith("?"):
            return PsyncVerdict.FULL_REQUESTED
        if req != id2:
            return PsyncVerdict.REPLID_MISMATCH
        return PsyncVerdict.SECOND_ID_TOO_FAR
    if backlog is None or req_offset < backlog.offset or (
            req_offset > backlog.offset + backlog.histlen):
        return PsyncVerdict.NOT_IN_BACKLOG
    return PsyncVerdict.ACCEPTED


def psync_accepts(replid: str, replid2: str, second_replid_offset: int, backlog: Backlog | None,
                  req_replid: str, req_offset: int) -> bool:
    """Whether :func:`psync_verdict` continues the stream (``+CONTINUE``)."""
    return psync_verdict(replid, replid2, second_replid_offset, backlog, req_replid,
                         req_offset) is PsyncVerdict.ACCEPTED


def select_piece(db: int) -> bytes:
    """The SELECT that ``replicationFeedSlaves`` appends, as one piece, before a command of
    another database than the last one the stream selected."""
    d = b"%d" % db
    return b"*2\r\n$6\r\nSELECT\r\n$%d\r\n%s\r\n" % (len(d), d)


def command_pieces(argv: Sequence[bytes]) -> tuple[bytes, ...]:
    """How ``replicationFeedSlaves`` appends a command, one ``feedReplicationBuffer`` call per
    piece: ``*<argc>\r\n``, then for each argument ``$<len>\r\n``, the argument, ``\r\n``.
    The pieces decide where blocks are cut, so a caller feeds them one by one
    (:func:`feed_pieces`)."""
    out = [b"*%d\r\n" % len(argv)]
    for a in argv:
        out += (b"$%d\r\n" % len(a), a, b"\r\n")
    return tuple(out)


def feed_pieces(b: Backlog, pieces: Iterable[bytes], master_repl_offset: int,
                pinned: Iterable[int] = ()) -> Backlog:
    """:func:`feed` of each piece in turn (the caller adds their total length to its
    ``master_repl_offset``). Pieces that all fit in the tail go in as one: no block opens
    between them, so the result is the same."""
    pieces = tuple(pieces)
    tail = b.tail
    if tail is not None and tail.size - tail.used >= sum(map(len, pieces)):
        return feed(b, b"".join(pieces), master_repl_offset)
    pins = tuple(pinned)
    for p in pieces:
        b = feed(b, p, master_repl_offset, pins)
        master_repl_offset += len(p)
    return b


def repl_buffer_mem(b: Backlog | None) -> int:
    """``server.repl_buffer_mem`` (INFO memory ``mem_total_replication_buffers``): each
    block's allocation (room + header) and its list node."""
    if b is None:
        return 0
    return sum(blk.size + REPL_BUF_BLOCK_HEADER + LIST_NODE for blk in b.blocks)


def _rax_nodes(keys: Sequence[bytes], depth: int) -> int:
    """The nodes of a rax holding ``keys`` (distinct, all as long) below ``depth``: a node
    where they part (one child per next byte), a compressed node over the bytes they share,
    a leaf where they end."""
    if depth == len(keys[0]):
        return 1
    first = {k[depth] for k in keys}
    if len(first) > 1:
        groups: dict[int, list[bytes]] = {}
        for k in keys:
            groups.setdefault(k[depth], []).append(k)
        return 1 + sum(_rax_nodes(g, depth + 1) for g in groups.values())
    end = depth + 1
    while end < len(keys[0]) and len({k[end] for k in keys}) == 1:
        end += 1
    return 1 + _rax_nodes(keys, end)


def index_memory(b: Backlog) -> int:
    """What INFO counts for ``blocks_index`` (``getMemoryOverheadData``): ``numnodes`` raxNode
    headers plus a pointer per key; the keys are the indexed blocks' ``repl_offset`` as 8
    big-endian bytes, and an empty rax is its head node."""
    keys = [blk.repl_offset.to_bytes(8, "big") for blk in b.blocks if blk.indexed]
    nodes = _rax_nodes(keys, 0) if keys else 1
    return nodes * RAX_NODE + len(keys) * POINTER


def backlog_memory(b: Backlog | None, replicas: int) -> tuple[int, int]:
    """``getMemoryOverheadData``'s split of the shared buffer: ``(repl_backlog,
    clients_slaves)`` (INFO's ``mem_replication_backlog``, ``mem_clients_slaves``). With
    replicas and more buffer than ``size``, the backlog counts ``size`` and the replicas the
    rest; else the backlog counts it all. The backlog also counts its index."""
    mem = repl_buffer_mem(b)
    if b is None:
        return mem, 0
    if replicas and mem > b.size:
        return b.size + index_memory(b), mem - b.size
    return mem + index_memory(b), 0
