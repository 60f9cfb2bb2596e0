"""The stream value (Redis's ``OBJ_STREAM``, ``t_stream.c`` / ``stream.h``).

A stream is a log of entries, each an ID ``(ms, seq)`` (two unsigned 64-bit numbers, ordered
as a pair) and a list of field/value pairs. Redis 7.0 stores it as a radix tree keyed by
128-bit big-endian IDs whose values are *listpack nodes*; this module keeps that node layout
because replies depend on it:

- A node starts with a *master entry*: the live and deleted counts, the fields of the node's
  first entry, and a zero terminator; its key is the first entry's ID (the master ID). Every
  entry stores flags, its ID as deltas from the master ID, its fields only when they differ
  from the master fields (else the SAMEFIELDS flag), its values, and a back-count
  (``streamAppendItem``).
- XADD appends to the last node unless it is full: ``lp_bytes + new element bytes >=
  stream-node-max-bytes`` (0 meaning 1 GiB), or live + deleted entries ``>=
  stream-node-max-entries`` (0: no limit); then it starts a new node.
- XDEL and exact trimming only *mark* entries deleted (the node keeps their bytes and counts
  them toward the entry limit); a node whose last live entry goes is removed. Approximate
  trimming (``~``) and LIMIT remove whole nodes only, so which entries survive depends on
  where the node boundaries fell (``streamTrim``).

Persistence: the nodes live in an ``immutables.Map`` from a node position to the node;
positions increase with the IDs (a new node always goes at the end), so positions
``head .. tail-1`` are the nodes in ID order, with gaps where a middle node was removed.
A write replaces one node (at most ``stream-node-max-entries`` entries, or the byte limit's
worth) and shares every other node: it never copies the whole stream.

Consumer groups (``streamCG``), their consumers (``streamConsumer``) and pending entries
(``streamNACK``) are frozen records in persistent maps too; the group PEL and each
consumer's PEL hold the same IDs (the consumers' PELs partition the group's).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from immutables import Map

from .. import values
from ..listpack import lp_entry_size
from ..numbers import string2ll

__all__ = [
    "StreamID", "U64", "MAX_ID", "MIN_ID", "Entry", "Node", "StreamValue", "Group",
    "Consumer", "Nack", "EMPTY", "parse_id", "format_id", "incr_id", "decr_id",
    "lp_entry_size", "INVALID_ENTRIES_READ", "LISTPACK_MAX_SIZE", "rax_node_count",
    "encode_id", "stream_rax_nodes", "PRE_ALLOCATE",
]

#: An entry ID: (milliseconds, sequence), each 0 .. 2**64-1.
StreamID = tuple[int, int]
U64 = (1 << 64) - 1
MIN_ID: StreamID = (0, 0)
MAX_ID: StreamID = (U64, U64)
#: ``SCG_INVALID_ENTRIES_READ``: a group whose read counter is unknown.
INVALID_ENTRIES_READ = -1
#: ``STREAM_LISTPACK_MAX_SIZE``: the cap of a node, and of one entry's elements.
LISTPACK_MAX_SIZE = 1 << 30

FLAG_DELETED = 1
FLAG_SAMEFIELDS = 2

_SPACES = b" \t\n\v\f\r"


# -- IDs ---------------------------------------------------------------------------------------


def _strtoull(b: bytes) -> int | None:
    """``string2ull``: ``string2ll`` first (a negative value is refused), then C's
    ``strtoull`` base 10 — leading spaces and a sign allowed, the whole string consumed, no
    overflow; ``strtoull`` negates a '-' number modulo 2**64."""
    ll = string2ll(b)
    if ll is not None:
        return ll if ll >= 0 else None
    if not b:
        return None
    i = 0
    while i < len(b) and b[i] in _SPACES:
        i += 1
    neg = False
    if i < len(b) and b[i] in b"+-":
        neg = b[i] == 45
        i += 1
    digits = b[i:]
    if not digits or not digits.isdigit():
        return None
    v = int(digits)
    if v > U64:
        return None
    return (-v) & U64 if neg else v


def parse_id(
    arg: bytes, missing_seq: int = 0, strict: bool = False, seq_star: bool = False,
) -> tuple[StreamID, bool] | None:
    """``streamGenericParseIDOrReply``: the ID ``arg`` names and whether its sequence was
    given (False only for ``ms-*`` when ``seq_star`` allows that form), or None when it is not
    an ID ("Invalid stream ID specified as stream command argument").

    "-" and "+" are the smallest and largest IDs unless ``strict``; ``ms`` alone takes
    ``missing_seq``. The argument is read as a C string (up to 127 bytes, cut at a NUL)."""
    if len(arg) > 127:
        return None
    nul = arg.find(b"\x00")
    if nul >= 0:
        arg = arg[:nul]
    if arg in (b"-", b"+"):
        if strict:
            return None
        return (MIN_ID if arg == b"-" else MAX_ID), True
    dash = arg.find(b"-")
    ms_part = arg if dash < 0 else arg[:dash]
    ms = _strtoull(ms_part)
    if ms is None:
        return None
    if dash < 0:
        return (ms, missing_seq), True
    rest = arg[dash + 1:]
    if seq_star and rest == b"*":
        return (ms, 0), False
    seq = _strtoull(rest)
    if seq is None:
        return None
    return (ms, seq), True


def format_id(i: StreamID) -> bytes:
    """``addReplyStreamID``: ``<ms>-<seq>``."""
    return b"%d-%d" % i


def incr_id(i: StreamID) -> StreamID | None:
    """``streamIncrID``: the next ID, or None past ``MAX_ID``."""
    ms, seq = i
    if seq == U64:
        if ms == U64:
            return None
        return (ms + 1, 0)
    return (ms, seq + 1)


def decr_id(i: StreamID) -> StreamID | None:
    """``streamDecrID``: the previous ID, or None before ``MIN_ID``."""
    ms, seq = i
    if seq == 0:
        if ms == 0:
            return None
        return (ms - 1, U64)
    return (ms, seq - 1)


# -- listpack sizes ----------------------------------------------------------------------------


def _int_size(v: int) -> int:
    """``lpAppendInteger``'s element size for ``v`` (as a signed 64-bit integer)."""
    if v > (1 << 63) - 1:
        v -= 1 << 64
    return lp_entry_size(b"%d" % v)


# -- entries and nodes -------------------------------------------------------------------------


class Entry:
    """One stream entry in a node: ID, field names, values, flags (DELETED, SAMEFIELDS)."""

    __slots__ = ("id", "fields", "values", "flags", "nbytes")

    def __init__(self, id: StreamID, fields: tuple[bytes, ...], values_: tuple[bytes, ...],
                 flags: int, nbytes: int) -> None:
        self.id = id
        self.fields = fields
        self.values = values_
        self.flags = flags
        #: Listpack bytes of the entry (flags, deltas, [count, fields], values, back-count).
        self.nbytes = nbytes

    @property
    def deleted(self) -> bool:
        """The DELETED flag: a tombstone, skipped by every read."""
        return bool(self.flags & FLAG_DELETED)

    def pairs(self) -> list[bytes]:
        """field, value, field, value ... as stored."""
        out: list[bytes] = []
        for f, v in zip(self.fields, self.values, strict=False):
            out.append(f)
            out.append(v)
        return out

    def tombstone(self) -> Entry:
        """The same entry flagged deleted (its bytes stay in the node)."""
        return Entry(self.id, self.fields, self.values, self.flags | FLAG_DELETED, self.nbytes)


#: ``STREAM_LISTPACK_MAX_PRE_ALLOCATE``: the bytes a new node's listpack is allocated with.
PRE_ALLOCATE = 4096


class Node:
    """A listpack node: master ID and fields, entries in ID order, live and deleted counts.
    ``fixed`` is the bytes of the master fields part and all entries (what does not change when
    the counts do).

    The allocation (for MEMORY USAGE): a node is created with ``prealloc`` bytes
    (``lpNew(prealloc)``), a listpack reallocates only to grow past its allocation (so its
    allocation is the size class of the largest size it ever had, ``peak``), and a node that a
    new node followed was shrunk to fit (``lpShrinkToFit``: ``closed`` is its size then; 0
    while it is the last node)."""

    __slots__ = ("master_id", "master_fields", "entries", "count", "deleted", "fixed",
                 "prealloc", "peak", "closed")

    def __init__(self, master_id: StreamID, master_fields: tuple[bytes, ...],
                 entries: tuple[Entry, ...], count: int, deleted: int, fixed: int,
                 prealloc: int = PRE_ALLOCATE, peak: int = 0, closed: int = 0) -> None:
        self.master_id = master_id
        self.master_fields = master_fields
        self.entries = entries
        self.count = count
        self.deleted = deleted
        self.fixed = fixed
        self.prealloc = prealloc
        self.peak = max(peak, self.lp_bytes)
        self.closed = closed

    def changed(self, entries: tuple[Entry, ...], count: int, deleted: int,
                fixed: int) -> Node:
        """The same node with other entries / counts (allocation history carried over)."""
        return Node(self.master_id, self.master_fields, entries, count, deleted, fixed,
                    self.prealloc, self.peak, self.closed)

    @property
    def lp_bytes(self) -> int:
        """``lpBytes``: 6-byte header, count, deleted, the fixed part, the end byte."""
        return 7 + _int_size(self.count) + _int_size(self.deleted) + self.fixed

    def find(self, id: StreamID) -> int:
        """Index of the first entry whose ID is >= ``id`` (bisection)."""
        es = self.entries
        lo, hi = 0, len(es)
        while lo < hi:
            mid = (lo + hi) // 2
            if es[mid].id < id:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def last_id(self) -> StreamID:
        """``lpGetEdgeStreamID(lp, 0, ...)``: the ID of the node's last entry (tombstone or
        not)."""
        return self.entries[-1].id


def _entry(id: StreamID, master: StreamID, fields: tuple[bytes, ...], vals: tuple[bytes, ...],
           same: bool) -> Entry:
    """The entry ``streamAppendItem`` writes, with its listpack size."""
    n = len(fields)
    size = 2 + _int_size(id[0] - master[0]) + _int_size(id[1] - master[1])
    size += sum(lp_entry_size(v) for v in vals)
    lp_count = n + 3
    if not same:
        size += _int_size(n) + sum(lp_entry_size(f) for f in fields)
        lp_count += n + 1
    size += _int_size(lp_count)
    return Entry(id, fields, vals, FLAG_SAMEFIELDS if same else 0, size)


def _new_node(id: StreamID, fields: tuple[bytes, ...], vals: tuple[bytes, ...],
              prealloc: int) -> Node:
    """A node created for ``id``: master entry with the entry's fields, then the entry."""
    master_part = _int_size(len(fields)) + sum(lp_entry_size(f) for f in fields) + 2
    e = _entry(id, id, fields, vals, True)
    return Node(id, fields, (e,), 1, 0, master_part + e.nbytes, prealloc)


# -- consumer groups ---------------------------------------------------------------------------


class Nack:
    """``streamNACK``: a pending entry: owner, last delivery time (unix ms), deliveries."""

    __slots__ = ("consumer", "delivery_time", "delivery_count")

    def __init__(self, consumer: bytes, delivery_time: int, delivery_count: int) -> None:
        self.consumer = consumer
        self.delivery_time = delivery_time
        self.delivery_count = delivery_count

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Nack) and self.consumer == other.consumer
                and self.delivery_time == other.delivery_time
                and self.delivery_count == other.delivery_count)

    __hash__ = None  # type: ignore[assignment]


class Consumer:
    """``streamConsumer``: its name, ``seen_time`` and its PEL (the IDs it owns)."""

    __slots__ = ("name", "seen_time", "pel")

    def __init__(self, name: bytes, seen_time: int, pel: Map[StreamID, bool]) -> None:
        self.name = name
        self.seen_time = seen_time
        self.pel = pel


_EMPTY_PEL: Map[StreamID, bool] = Map()
_EMPTY_NACKS: Map[StreamID, Nack] = Map()
_EMPTY_CONSUMERS: Map[bytes, Consumer] = Map()


class Group:
    """``streamCG``: last delivered ID, read counter, the group PEL and the consumers."""

    __slots__ = ("last_id", "entries_read", "pel", "consumers")

    def __init__(self, last_id: StreamID, entries_read: int, pel: Map[StreamID, Nack],
                 consumers: Map[bytes, Consumer]) -> None:
        self.last_id = last_id
        self.entries_read = entries_read
        self.pel = pel
        self.consumers = consumers

    @classmethod
    def new(cls, last_id: StreamID, entries_read: int) -> Group:
        """``streamCreateCG``: an empty group at ``last_id``."""
        return cls(last_id, entries_read, _EMPTY_NACKS, _EMPTY_CONSUMERS)

    def with_(self, **changes: object) -> Group:
        """A copy with some fields replaced."""
        g = Group(self.last_id, self.entries_read, self.pel, self.consumers)
        for k, v in changes.items():
            setattr(g, k, v)
        return g

    def pel_sorted(self) -> list[StreamID]:
        """The group PEL's IDs in order (the rax's order)."""
        return sorted(self.pel.keys())

    def create_consumer(self, name: bytes, now_ms: int) -> tuple[Group, bool]:
        """``streamCreateConsumer``: the group with consumer ``name`` (seen now); False if
        it already existed (unchanged then)."""
        if name in self.consumers:
            return self, False
        return self.with_(consumers=self.consumers.set(name, Consumer(name, now_ms, _EMPTY_PEL))), True

    def del_consumer(self, name: bytes) -> Group:
        """``streamDelConsumer``: without the consumer and its pending entries."""
        c = self.consumers[name]
        pel = self.pel.mutate()
        for i in c.pel:
            del pel[i]
        return self.with_(pel=pel.finish(), consumers=self.consumers.delete(name))

    def touch(self, name: bytes, now_ms: int) -> Group:
        """The consumer's ``seen_time`` set to now."""
        c = self.consumers[name]
        return self.with_(consumers=self.consumers.set(name, Consumer(name, now_ms, c.pel)))

    def assign(self, id: StreamID, nack: Nack) -> Group:
        """Pending entry ``id`` set to ``nack``, moved out of its previous owner's PEL."""
        cons = self.consumers
        old = self.pel.get(id)
        if old is not None and old.consumer != nack.consumer:
            oc = cons[old.consumer]
            cons = cons.set(oc.name, Consumer(oc.name, oc.seen_time, oc.pel.delete(id)))
        c = cons[nack.consumer]
        if id not in c.pel:
            cons = cons.set(c.name, Consumer(c.name, c.seen_time, c.pel.set(id, True)))
        return self.with_(pel=self.pel.set(id, nack), consumers=cons)

    def ack(self, id: StreamID) -> Group:
        """``XACK`` of one pending ID: out of the group PEL and its owner's."""
        nack = self.pel[id]
        c = self.consumers[nack.consumer]
        return self.with_(
            pel=self.pel.delete(id),
            consumers=self.consumers.set(c.name, Consumer(c.name, c.seen_time, c.pel.delete(id))),
        )


# -- the stream --------------------------------------------------------------------------------

_EMPTY_NODES: Map[int, Node] = Map()
_EMPTY_GROUPS: Map[bytes, Group] = Map()


class StreamValue:
    """An immutable stream (a stream ``robj``): listpack nodes plus the stream's counters
    (``last_id``, ``first_id``, ``max_deleted_entry_id``, ``entries_added``) and groups."""

    __slots__ = ("nodes", "head", "tail", "length", "last_id", "first_id", "max_deleted_id",
                 "entries_added", "groups", "_size")

    #: OBJECT ENCODING: always "stream".
    encoding: ClassVar[str] = "stream"

    def __init__(self, nodes: Map[int, Node], head: int, tail: int, length: int,
                 last_id: StreamID, first_id: StreamID, max_deleted_id: StreamID,
                 entries_added: int, groups: Map[bytes, Group]) -> None:
        self.nodes = nodes
        self.head = head
        self.tail = tail
        self.length = length
        self.last_id = last_id
        self.first_id = first_id
        self.max_deleted_id = max_deleted_id
        self.entries_added = entries_added
        self.groups = groups
        #: ``objectComputeSize`` memo for spec.memory; -1 until computed.
        self._size = -1

    def _with(self, **changes: object) -> StreamValue:
        s = StreamValue(self.nodes, self.head, self.tail, self.length, self.last_id,
                        self.first_id, self.max_deleted_id, self.entries_added, self.groups)
        for k, v in changes.items():
            setattr(s, k, v)
        return s

    def __len__(self) -> int:
        """``s->length``: live entries."""
        return self.length

    def __repr__(self) -> str:
        return f"StreamValue(len={self.length}, last={self.last_id}, nodes={len(self.nodes)})"

    # -- nodes ----------------------------------------------------------------------------------

    @property
    def node_count(self) -> int:
        """``raxSize(s->rax)``: listpack nodes (XINFO STREAM radix-tree-keys)."""
        return len(self.nodes)

    def node_positions(self, rev: bool = False) -> Iterator[int]:
        """The positions of the nodes, in ID order (or reversed)."""
        nodes = self.nodes
        rng = range(self.tail - 1, self.head - 1, -1) if rev else range(self.head, self.tail)
        for p in rng:
            if p in nodes:
                yield p

    def iter_nodes(self) -> Iterator[Node]:
        """The nodes in ID order."""
        nodes = self.nodes
        for p in self.node_positions():
            yield nodes[p]

    def _seek(self, id: StreamID) -> int:
        """``raxSeek(<=, id)``: position of the last node whose master ID is <= ``id``, or
        ``head`` when there is none."""
        nodes = self.nodes
        lo, hi = self.head, self.tail - 1
        best = self.head
        while lo <= hi:
            mid = (lo + hi) // 2
            p = mid
            while p <= hi and p not in nodes:
                p += 1
            if p > hi:
                hi = mid - 1
                continue
            if nodes[p].master_id <= id:
                best = p
                lo = p + 1
            else:
                hi = mid - 1
        return best

    def _last_pos(self) -> int | None:
        p = self.tail - 1
        while p >= self.head and p not in self.nodes:
            p -= 1
        return p if p >= self.head else None

    # -- reading --------------------------------------------------------------------------------

    def range(self, start: StreamID, end: StreamID, rev: bool = False,
              tombstones: bool = False) -> Iterator[Entry]:
        """``streamIteratorStart`` + ``streamIteratorGetID``: entries with ``start <= id <=
        end`` in ID order (newest first with ``rev``), tombstones skipped unless asked for."""
        if start > end or not self.nodes:
            return
        nodes = self.nodes
        if not rev:
            for p in range(self._seek(start), self.tail):
                n = nodes.get(p)
                if n is None:
                    continue
                if n.master_id > end:
                    return
                es = n.entries
                for j in range(n.find(start), len(es)):
                    e = es[j]
                    if e.id > end:
                        return
                    if tombstones or not e.flags & FLAG_DELETED:
                        yield e
        else:
            for p in range(self._seek(end), self.head - 1, -1):
                n = nodes.get(p)
                if n is None:
                    continue
                es = n.entries
                j = n.find(end)
                if j < len(es) and es[j].id == end:
                    j += 1
                for k in range(j - 1, -1, -1):
                    e = es[k]
                    if e.id < start:
                        return
                    if tombstones or not e.flags & FLAG_DELETED:
                        yield e

    def entries(self) -> list[Entry]:
        """Every live entry, oldest first."""
        return list(self.range(MIN_ID, MAX_ID))

    def get(self, id: StreamID) -> Entry | None:
        """``streamEntryExists``-style lookup: the live entry ``id``, or None."""
        for e in self.range(id, id):
            return e
        return None

    def last_valid_id(self) -> StreamID:
        """``streamLastValidID``: the ID of the newest live entry (0-0 when empty)."""
        for e in self.range(MIN_ID, MAX_ID, rev=True):
            return e.id
        return MIN_ID

    def edge_id(self, first: bool, skip_tombstones: bool) -> StreamID:
        """``streamGetEdgeID``: the first (or last) entry's ID, tombstones included unless
        skipped; MAX_ID (first) / MIN_ID (last) when there is none."""
        for e in self.range(MIN_ID, MAX_ID, rev=not first, tombstones=not skip_tombstones):
            return e.id
        return MAX_ID if first else MIN_ID

    # -- writing --------------------------------------------------------------------------------

    def append(self, id: StreamID, pairs: list[bytes], max_bytes: int,
               max_entries: int) -> StreamValue:
        """``streamAppendItem`` with an ID already checked to be > ``last_id``: the entry is
        added to the last node, or to a new node when that one is full."""
        fields = tuple(pairs[0::2])
        vals = tuple(pairs[1::2])
        totelelen = sum(len(x) for x in pairs)
        nodes = self.nodes
        last = self._last_pos()
        node = None if last is None else nodes[last]
        if node is not None:
            limit = max_bytes if 0 < max_bytes <= LISTPACK_MAX_SIZE else LISTPACK_MAX_SIZE
            if node.lp_bytes + totelelen >= limit:
                node = None
            elif max_entries and node.count + node.deleted >= max_entries:
                node = None
        if node is None or last is None:
            pos = self.tail
            if last is not None:  # lpShrinkToFit of the full node
                full = nodes[last]
                nodes = nodes.set(last, Node(full.master_id, full.master_fields, full.entries,
                                             full.count, full.deleted, full.fixed,
                                             full.prealloc, full.peak, full.lp_bytes))
            prealloc = max_bytes if 0 < max_bytes < PRE_ALLOCATE else PRE_ALLOCATE
            nodes = nodes.set(pos, _new_node(id, fields, vals, prealloc))
            tail = pos + 1
            head = self.head if self.nodes else pos
        else:
            e = _entry(id, node.master_id, fields, vals, fields == node.master_fields)
            nodes = nodes.set(last, node.changed(node.entries + (e,), node.count + 1,
                                                 node.deleted, node.fixed + e.nbytes))
            head, tail = self.head, self.tail
        return self._with(
            nodes=nodes, head=head, tail=tail, length=self.length + 1, last_id=id,
            first_id=id if self.length == 0 else self.first_id,
            entries_added=self.entries_added + 1,
        )

    def _drop_node(self, nodes: Map[int, Node], pos: int) -> tuple[Map[int, Node], int, int]:
        """``raxRemove`` of the node at ``pos``: the map and the new head/tail bounds."""
        nodes = nodes.delete(pos)
        head, tail = self.head, self.tail
        while head < tail and head not in nodes:
            head += 1
        while tail > head and tail - 1 not in nodes:
            tail -= 1
        if not nodes:
            head = tail = self.tail
        return nodes, head, tail

    def delete(self, id: StreamID) -> tuple[StreamValue, bool]:
        """``streamDeleteItem``: the entry ``id`` marked deleted (its node removed when it was
        the node's last live entry); False when there is no such live entry. ``first_id`` and
        ``max_deleted_entry_id`` are the caller's (XDEL's) business."""
        if not self.nodes:
            return self, False
        pos = self._seek(id)
        node = self.nodes.get(pos)
        if node is None:
            return self, False
        j = node.find(id)
        es = node.entries
        if j >= len(es) or es[j].id != id or es[j].flags & FLAG_DELETED:
            return self, False
        if node.count == 1:
            nodes, head, tail = self._drop_node(self.nodes, pos)
        else:
            new = node.changed(es[:j] + (es[j].tombstone(),) + es[j + 1:], node.count - 1,
                               node.deleted + 1, node.fixed)
            nodes, head, tail = self.nodes.set(pos, new), self.head, self.tail
        return self._with(nodes=nodes, head=head, tail=tail, length=self.length - 1), True

    def trim(self, maxlen: int | None, minid: StreamID | None, approx: bool,
             limit: int) -> tuple[StreamValue, int]:
        """``streamTrim``: remove the oldest entries until at most ``maxlen`` remain (or
        none older than ``minid``); whole nodes first, then — unless ``approx`` — entries of
        the first remaining node marked deleted. ``limit`` (0: none) caps the entries
        removed, counted per whole node. Returns the stream and how many went."""
        nodes = self.nodes
        head, tail = self.head, self.tail
        length = self.length
        deleted = 0
        for p in range(self.head, self.tail):
            node = nodes.get(p)
            if node is None:
                continue
            if maxlen is not None and length <= maxlen:
                break
            entries = node.count
            if limit and deleted + entries > limit:
                break
            if maxlen is not None:
                remove = length - entries >= maxlen
            else:
                assert minid is not None
                remove = node.last_id() < minid
            if remove:
                nodes = nodes.delete(p)
                length -= entries
                deleted += entries
                continue
            if approx:
                break
            es = list(node.entries)
            gone = 0
            for j, e in enumerate(es):
                stop = length <= maxlen if maxlen is not None else e.id >= minid  # type: ignore[operator]
                if stop:
                    break
                if not e.flags & FLAG_DELETED:
                    es[j] = e.tombstone()
                    gone += 1
                    length -= 1
            deleted += gone
            nodes = nodes.set(p, node.changed(tuple(es), node.count - gone,
                                              node.deleted + gone, node.fixed))
            break
        if not deleted:
            return self, 0
        while head < tail and head not in nodes:
            head += 1
        if not nodes:
            head = tail
        s = self._with(nodes=nodes, head=head, tail=tail, length=length)
        s.first_id = MIN_ID if length == 0 else s.edge_id(True, True)
        return s, deleted

    # -- groups ---------------------------------------------------------------------------------

    def group(self, name: bytes) -> Group | None:
        """``streamLookupCG``."""
        return self.groups.get(name)

    def with_group(self, name: bytes, g: Group | None) -> StreamValue:
        """The stream with group ``name`` replaced (None: destroyed)."""
        groups = self.groups.delete(name) if g is None else self.groups.set(name, g)
        return self._with(groups=groups)

    def with_meta(self, **changes: object) -> StreamValue:
        """The stream with counters replaced (``last_id``, ``first_id``, ``max_deleted_id``,
        ``entries_added``)."""
        return self._with(**changes)

    def range_has_tombstones(self, start: StreamID | None) -> bool:
        """``streamRangeHasTombstones(s, start, NULL)``: whether a deleted entry may lie at
        or after ``start`` (judged from ``max_deleted_entry_id``)."""
        if not self.length or self.max_deleted_id == MIN_ID:
            return False
        if self.first_id > self.max_deleted_id:
            return False
        return (start or MIN_ID) <= self.max_deleted_id

    def estimate_distance(self, id: StreamID) -> int:
        """``streamEstimateDistanceFromFirstEverEntry``: the logical read counter of ``id``,
        or ``INVALID_ENTRIES_READ`` when it cannot be known."""
        if not self.entries_added:
            return 0
        if not self.length and id <= self.last_id:
            return self.entries_added
        if id == self.last_id:
            return self.entries_added
        if id > self.last_id:
            return INVALID_ENTRIES_READ
        if self.max_deleted_id == MIN_ID or self.max_deleted_id < self.first_id:
            if id < self.first_id:
                return self.entries_added - self.length
            if id == self.first_id:
                return self.entries_added - self.length + 1
        return INVALID_ENTRIES_READ

    def lag(self, g: Group) -> int | None:
        """``streamReplyWithCGLag``: entries not yet delivered to the group, or None when
        that cannot be told (fragmentation)."""
        if not self.entries_added:
            return 0
        if g.entries_read != INVALID_ENTRIES_READ and not self.range_has_tombstones(g.last_id):
            return self.entries_added - g.entries_read
        er = self.estimate_distance(g.last_id)
        if er != INVALID_ENTRIES_READ:
            return self.entries_added - er
        return None


# -- the rax ---------------------------------------------------------------------------------


def encode_id(i: StreamID) -> bytes:
    """``streamEncodeID``: the 128-bit big-endian key of an ID."""
    return i[0].to_bytes(8, "big") + i[1].to_bytes(8, "big")


def rax_node_count(keys: list[bytes]) -> int:
    """``rax->numnodes`` of a rax holding ``keys`` (sorted, distinct, all 16 bytes long):
    ``raxInsert`` splits compressed nodes and ``raxRemove`` recompresses chains, which
    leaves the maximally compressed trie — the root, then for every set of keys sharing a
    position: one compressed node for a run of chars they all share, one branching node
    where they part, and for a single key a compressed node with its remaining chars
    followed by its (empty) key node. An empty rax is the root alone."""
    if not keys:
        return 1
    return _rax_nodes(keys, 0)


def _rax_nodes(keys: list[bytes], depth: int) -> int:
    """Nodes of the sub-trie of ``keys`` starting at ``depth`` (the node there included)."""
    if len(keys) == 1:
        return 1 if depth == len(keys[0]) else 2
    first, last = keys[0], keys[-1]
    d = depth
    while first[d] == last[d]:
        d += 1
    if d > depth:
        return 1 + _rax_nodes(keys, d)
    total = 1
    j = 0
    while j < len(keys):
        c = keys[j][depth]
        k = j
        while k < len(keys) and keys[k][depth] == c:
            k += 1
        total += _rax_nodes(keys[j:k], depth + 1)
        j = k
    return total


def stream_rax_nodes(st: StreamValue) -> int:
    """``s->rax->numnodes`` for the stream's node keys (XINFO STREAM radix-tree-nodes)."""
    return rax_node_count([encode_id(n.master_id) for n in st.iter_nodes()])


#: ``createStreamObject``: an empty stream.
EMPTY = StreamValue(_EMPTY_NODES, 0, 0, 0, MIN_ID, MIN_ID, MIN_ID, 0, _EMPTY_GROUPS)


values.TYPE_NAMES[StreamValue] = "stream"
values.ENCODINGS[StreamValue] = lambda v: "stream"
