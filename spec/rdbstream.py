"""A stream in the RDB format (``rdb.c``'s ``OBJ_STREAM`` branches of ``rdbSaveObject`` and
``rdbLoadObject``): what 7.0.15 writes as ``RDB_TYPE_STREAM_LISTPACKS_2`` (19), and reads
as that or as the older ``RDB_TYPE_STREAM_LISTPACKS`` (15).

The record, in order:

- the radix tree's nodes: their count, then per node its key (the master ID, 16 bytes
  big-endian) and its listpack, both as RDB strings (so a listpack is LZF-compressed when
  ``rdbcompression`` is on and it is longer than 20 bytes);
- the length (live entries), ``last_id``; for type 19 also ``first_id``,
  ``max_deleted_entry_id`` and ``entries_added`` (type 15 derives them on load: the first
  live entry, 0-0, the length);
- the consumer groups in name order: name, ``last_id``, ``entries_read`` (type 19 only;
  -1 is written as 2**64-1; type 15 estimates it from the first entry), the group PEL in ID
  order (each raw 16-byte ID, delivery time as 8 little-endian bytes, delivery count), and
  the consumers in name order (name, ``seen_time`` as 8 bytes, their PEL: raw IDs only,
  each of which must be pending in the group PEL).

A node's listpack is built from the node layout :mod:`spec.types.stream` keeps: the master
entry (live count, deleted count, the master fields, a 0 terminator), then per entry its
flags, the ID as deltas from the master ID (each a signed 64-bit integer), its fields only
when they are not the master's (SAMEFIELDS), the values, and the count of its elements
(``streamAppendItem``). Loading decodes the listpacks back into that layout and refuses
(:class:`RdbCorrupt`) anything 7.0.15's deep sanitisation refuses or that the layout cannot
hold: a key that is not 16 bytes, an empty or malformed node, entries out of order, a
duplicated group, consumer or pending ID, a consumer PEL entry missing from the group PEL, a
group PEL entry without a consumer.
"""

from __future__ import annotations

from immutables import Map

from .rdbcodec import (
    RdbCorrupt,
    Reader,
    listpack_decode,
    listpack_encode,
    save_len,
    save_raw_string,
)
from .types.stream import (
    FLAG_DELETED,
    FLAG_SAMEFIELDS,
    U64,
    Consumer,
    Entry,
    Group,
    Nack,
    Node,
    StreamID,
    StreamValue,
    encode_id,
    lp_entry_size,
)

__all__ = ["save_stream", "load_stream", "node_listpack"]


def _i64(v: int) -> bytes:
    """A listpack integer element: ``v`` taken modulo 2**64 as a signed 64-bit number
    (``lpAppendInteger((int64_t) v)``), written as its decimal text."""
    v &= U64
    return b"%d" % (v - (1 << 64) if v >= 1 << 63 else v)


def node_listpack(node: Node) -> bytes:
    """The listpack of one node as ``streamAppendItem`` (and later deletions marking
    entries) left it: master entry, then every entry, tombstones included."""
    els = [_i64(node.count), _i64(node.deleted), _i64(len(node.master_fields)),
           *node.master_fields, b"0"]
    mid = node.master_id
    for e in node.entries:
        els += [_i64(e.flags), _i64(e.id[0] - mid[0]), _i64(e.id[1] - mid[1])]
        n = len(e.values)
        if e.flags & FLAG_SAMEFIELDS:
            els += e.values
            els.append(_i64(n + 3))
        else:
            els.append(_i64(n))
            els += e.pairs()
            els.append(_i64(2 * n + 4))
    return listpack_encode(els)


def _save_pel_ids(ids: list[StreamID]) -> list[bytes]:
    """``rdbSaveStreamPEL`` without NACKs (a consumer's): count, raw 16-byte IDs."""
    return [save_len(len(ids)), *(encode_id(i) for i in ids)]


def _save_group(name: bytes, g: Group, compress: bool) -> list[bytes]:
    """One consumer group: name, last ID, read counter, global PEL with delivery time and
    count, then the consumers with their seen time and PEL (``rdbSaveStreamConsumers``)."""
    out = [save_raw_string(name, compress), save_len(g.last_id[0]), save_len(g.last_id[1]),
           save_len(g.entries_read & U64), save_len(len(g.pel))]
    for i in g.pel_sorted():
        nack = g.pel[i]
        out += [encode_id(i), nack.delivery_time.to_bytes(8, "little", signed=True),
                save_len(nack.delivery_count)]
    out.append(save_len(len(g.consumers)))
    for cname in sorted(g.consumers.keys()):
        c = g.consumers[cname]
        out += [save_raw_string(cname, compress), c.seen_time.to_bytes(8, "little", signed=True)]
        out += _save_pel_ids(sorted(c.pel.keys()))
    return out


def save_stream(v: StreamValue, compress: bool) -> bytes:
    """``rdbSaveObject`` of a stream as ``RDB_TYPE_STREAM_LISTPACKS_2`` (the body, without
    the type byte)."""
    out = [save_len(v.node_count)]
    for node in v.iter_nodes():
        out += [save_raw_string(encode_id(node.master_id), compress),
                save_raw_string(node_listpack(node), compress)]
    out.append(save_len(v.length))
    for i in (v.last_id, v.first_id, v.max_deleted_id):
        out += [save_len(i[0]), save_len(i[1])]
    out += [save_len(v.entries_added), save_len(len(v.groups))]
    for name in sorted(v.groups.keys()):
        out += _save_group(name, v.groups[name], compress)
    return b"".join(out)


# -- loading ---------------------------------------------------------------------------------------


def _decode_id(raw: bytes) -> StreamID:
    """``streamDecodeID``: a 16-byte big-endian ID."""
    return int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:], "big")


def _int(el: bytes) -> int:
    """A listpack element that must be an integer (as ``lpGetInteger`` reads it)."""
    try:
        return int(el)
    except ValueError as e:
        raise RdbCorrupt("Stream listpack integrity check failed.") from e


class _Cursor:
    """Reads a node's listpack elements in order; running out is corruption."""

    __slots__ = ("els", "i")

    def __init__(self, els: list[bytes]) -> None:
        self.els = els
        self.i = 0

    def next(self) -> bytes:
        """The next element."""
        if self.i >= len(self.els):
            raise RdbCorrupt("Stream listpack integrity check failed.")
        el = self.els[self.i]
        self.i += 1
        return el

    def take(self, n: int) -> tuple[bytes, ...]:
        """The next ``n`` elements."""
        return tuple(self.next() for _ in range(n))


def _entry_of(c: _Cursor, mid: StreamID, master_fields: tuple[bytes, ...]) -> Entry:
    """One entry read back (``streamValidateListpackIntegrity``'s walk): flags, ID deltas,
    fields (unless SAMEFIELDS), values, and an element count that must match."""
    start = c.i
    flags = _int(c.next())
    if flags & ~(FLAG_DELETED | FLAG_SAMEFIELDS):
        raise RdbCorrupt("Stream listpack integrity check failed.")
    ms = (mid[0] + _int(c.next())) & U64
    seq = (mid[1] + _int(c.next())) & U64
    if flags & FLAG_SAMEFIELDS:
        fields = master_fields
        values = c.take(len(fields))
    else:
        n = _int(c.next())
        if n < 0:  # 7.0.15's validation takes an entry of no fields (only XADD needs one)
            raise RdbCorrupt("Stream listpack integrity check failed.")
        flat = c.take(2 * n)
        fields, values = flat[0::2], flat[1::2]
    if _int(c.next()) != c.i - start - 1:
        raise RdbCorrupt("Stream listpack integrity check failed.")
    nbytes = sum(lp_entry_size(el) for el in c.els[start:c.i])
    return Entry((ms, seq), fields, values, flags, nbytes)


def _node_of(key: bytes, lp: bytes) -> Node:
    """A node loaded from its key and listpack, in the layout :class:`Node` keeps, its
    allocation the loaded listpack's exact size (``rdbGenericLoadStringObject``)."""
    if len(key) != 16:
        raise RdbCorrupt("Stream node key entry is not the size of a stream ID")
    els = listpack_decode(lp)
    if not els:
        raise RdbCorrupt("Empty listpack inside stream")
    mid = _decode_id(key)
    c = _Cursor(els)
    count, deleted, nfields = _int(c.next()), _int(c.next()), _int(c.next())
    if count < 0 or deleted < 0 or nfields < 0:  # no master fields: taken, as by 7.0.15
        raise RdbCorrupt("Stream listpack integrity check failed.")
    master_fields = c.take(nfields)
    if c.next() != b"0":
        raise RdbCorrupt("Stream listpack integrity check failed.")
    fixed_start = sum(lp_entry_size(el) for el in els[2:c.i])
    entries: list[Entry] = []
    while c.i < len(els):
        e = _entry_of(c, mid, master_fields)
        if (entries and e.id <= entries[-1].id) or e.id < mid:
            raise RdbCorrupt("Stream listpack integrity check failed.")
        entries.append(e)
    dead = sum(1 for e in entries if e.deleted)
    if not entries or dead != deleted or len(entries) - dead != count or count == 0:
        raise RdbCorrupt("Stream listpack integrity check failed.")
    fixed = fixed_start + sum(e.nbytes for e in entries)
    return Node(mid, master_fields, tuple(entries), count, deleted, fixed,
                prealloc=len(lp), peak=len(lp), closed=len(lp))


def _load_nodes(r: Reader) -> Map[int, Node]:
    """The radix tree: count, then (key, listpack) pairs in ascending key order."""
    nodes: dict[int, Node] = {}
    prev: Node | None = None
    for pos in range(r.load_len()):
        node = _node_of(r.load_string(), r.load_string())
        if prev is not None and node.master_id <= prev.entries[-1].id:
            raise RdbCorrupt("Listpack re-added with existing key")
        nodes[pos] = node
        prev = node
    if nodes:  # the last node is the one appends grow: its allocation is not fixed yet
        last = nodes[len(nodes) - 1]
        nodes[len(nodes) - 1] = Node(last.master_id, last.master_fields, last.entries,
                                     last.count, last.deleted, last.fixed, last.prealloc,
                                     last.peak, 0)
    return Map(nodes)


def _load_id(r: Reader) -> StreamID:
    """Two lengths: ms and seq."""
    return r.load_len(), r.load_len()


def _load_group(r: Reader, v: StreamValue, v2: bool) -> tuple[bytes, Group]:
    """One consumer group, checked as ``rdbLoadObject`` checks it."""
    name = r.load_string()
    last_id = _load_id(r)
    if v2:
        er = r.load_len()
        entries_read = er - (1 << 64) if er >= 1 << 63 else er
    else:
        entries_read = v.estimate_distance(last_id)
    pel: dict[StreamID, tuple[int, int]] = {}
    for _ in range(r.load_len()):
        i = _decode_id(r.take(16))
        t = r.load_millis()
        cnt = r.load_len()
        if i in pel:
            raise RdbCorrupt("Duplicated global PEL entry loading stream consumer group")
        pel[i] = (t, cnt)
    owner: dict[StreamID, bytes] = {}
    consumers: dict[bytes, Consumer] = {}
    for _ in range(r.load_len()):
        cname = r.load_string()
        seen = r.load_millis()
        if cname in consumers:
            raise RdbCorrupt("Duplicate stream consumer detected.")
        ids: dict[StreamID, bool] = {}
        for _ in range(r.load_len()):
            i = _decode_id(r.take(16))
            if i not in pel:
                raise RdbCorrupt("Consumer entry not found in group global PEL")
            if i in owner:
                raise RdbCorrupt("Duplicated consumer PEL entry loading a stream consumer "
                                 "group")
            owner[i] = cname
            ids[i] = True
        consumers[cname] = Consumer(cname, seen, Map(ids))
    if len(owner) != len(pel):
        raise RdbCorrupt("Stream CG PEL entry without consumer")
    nacks: Map[StreamID, Nack] = Map({i: Nack(owner[i], t, cnt) for i, (t, cnt) in pel.items()})
    return name, Group(last_id, entries_read, nacks, Map(consumers))


def load_stream(r: Reader, v2: bool) -> StreamValue:
    """``rdbLoadObject`` of ``RDB_TYPE_STREAM_LISTPACKS_2`` (``v2``) or
    ``RDB_TYPE_STREAM_LISTPACKS``."""
    nodes = _load_nodes(r)
    length = r.load_len()
    if length and not nodes:
        raise RdbCorrupt("Stream length inconsistent with rax entries")
    last_id = _load_id(r)
    v = StreamValue(nodes, 0, len(nodes), length, last_id, (0, 0), (0, 0), length, Map())
    if v2:
        first_id, max_deleted = _load_id(r), _load_id(r)
        v = v.with_meta(first_id=first_id, max_deleted_id=max_deleted,
                        entries_added=r.load_len())
    else:
        v = v.with_meta(first_id=v.edge_id(True, True))
    if sum(n.count for n in nodes.values()) != length:
        raise RdbCorrupt("Stream length inconsistent with rax entries")
    groups: dict[bytes, Group] = {}
    for _ in range(r.load_len()):
        name, g = _load_group(r, v, v2)
        if name in groups:
            raise RdbCorrupt("Duplicated consumer group name")
        groups[name] = g
    return v.with_meta(groups=Map(groups))
