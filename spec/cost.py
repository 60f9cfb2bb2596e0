"""A cost model of Redis 7.0's data-type encodings: memory per value, work per command.

Two halves, both pure arithmetic over a value's *contents* (so they can price an encoding the
value does not have, which is what ``spec.advise`` needs):

Memory (:func:`value_memory`, :func:`key_memory`) follows ``objectComputeSize`` and
``memoryCommand`` (MEMORY USAGE with SAMPLES 0): the allocations a value holds, each rounded
to a jemalloc size class (``zmalloc_size``):

- ``robj`` 16 B; ``sds`` strings with a 1/3/5/9-byte header (``sdsReqType``) and a NUL;
- ``listpack``: a 6-byte header, one end byte, and per entry an encoding (7-bit/13/16/24/32/
  64-bit integers, or a 1/2/5-byte string header) plus a 1..5-byte back length
  (``lpEncodeBacklen``); the blob is one allocation (``lpInsert`` reallocs it exactly);
- ``intset``: an 8-byte header and 2/4/8 bytes per member (``intsetAdd`` upgrades them all);
- ``hashtable`` (``dict``): the 56-byte ``dict``, a bucket array of pointers sized to a power of
  two (``_dictExpandIfNeeded``: at least 4, the next power of two at or above the count), a
  24-byte ``dictEntry`` and the sds strings per element;
- ``skiplist``: the ``zset``/``zskiplist``/``dict`` structs, a 32-level header node, and per
  member a node of 24 + 16 * level bytes with level geometric in p = 0.25
  (``zslRandomLevel``; expected level 1/(1-p) = 4/3) -- priced as its expectation;
- ``quicklist``: the 40-byte ``quicklist`` and per node a 40-byte ``quicklistNode`` plus its
  listpack, nodes filled as ``_quicklistNodeAllowInsert`` allows under
  ``list-max-listpack-size`` (negative: 4/8/16/32/64 KiB per node, below -5 as -5;
  positive: that many entries, at most 8 KiB).

Incremental rehashing (two bucket arrays for a while after a table doubles) is not modelled:
the estimate is the steady state.

Work (:func:`op_cost`) counts *elementary steps* of one command on a value of ``n`` elements:
one step is one listpack entry visited (``lpFind``/``lpSeek`` scan the blob), one hash-table
probe (``dictFind``: hash + bucket, 2 steps), one skiplist node compared (``zslInsert`` visits
about (1/p) log_{1/p} n nodes), one binary-search probe (``intsetSearch``), one quicklist node
hopped; writes into a packed blob add the ``memmove`` of the bytes behind the insertion point
in 64-byte cache lines (``lpInsert``, ``intsetAdd``'s resize). Steps are a *relative* price to
compare encodings and configurations, not nanoseconds; :data:`CALL_OVERHEAD` is what every
command costs besides (timed against Redis 7.0.15: one step is about 35 ns).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache

import attrs

from .listpack import lp_entry_size
from .memory import stream_memory
from .numbers import string2ll

__all__ = [
    "je_size", "sds_size", "lp_entry_size", "listpack_bytes", "intset_width", "intset_bytes",
    "dict_slots", "dict_buckets", "skiplist_node_expected", "quicklist_nodes", "value_memory", "key_memory",
    "OpCost", "op_cost", "CALL_OVERHEAD", "predict_encoding", "COMMAND_ROLES", "Contents",
    "ROBJ", "DICT", "DICT_ENTRY", "QUICKLIST", "QUICKLIST_NODE", "ZSET", "ZSKIPLIST",
]

#: ``sizeof`` of the C structs on a 64-bit build of 7.0.
ROBJ = 16
DICT = 56
DICT_ENTRY = 24
QUICKLIST = 40
QUICKLIST_NODE = 40
ZSET = 16
ZSKIPLIST = 32
ZSKIPLIST_MAXLEVEL = 32
ZSKIPLIST_P = 0.25
#: ``optimization_level``: bytes per quicklist node for list-max-listpack-size -1 .. -5.
QL_LEVELS = (4096, 8192, 16384, 32768, 65536)
#: ``SIZE_SAFETY_LIMIT``: a node never grows past this under a positive (count) fill.
QL_SAFETY = 8192
#: ``SIZE_ESTIMATE_OVERHEAD``: what ``_quicklistNodeAllowInsert`` adds per new element.
QL_OVERHEAD = 8
CACHE_LINE = 64
#: The fixed price of running any command (``call()``: command and key lookup, reply), in
#: steps. Measured on Redis 7.0.15 with a Lua loop of HGET/ZSCORE (no network): about 1.5-2 us
#: per call while a listpack entry visit costs about 35 ns, i.e. ~50 entry visits.
CALL_OVERHEAD = 50.0

#: Abstract contents by type: hash -> [(field, value)], set -> [member], zset ->
#: [(member, score)], list -> [element], string -> bytes.
Contents = object


# -- allocations ---------------------------------------------------------------------------------


def je_size(n: int) -> int:
    """``zmalloc_size`` under jemalloc: ``n`` rounded up to its size class (8, 16, then 16-byte
    steps to 128, then four classes per doubling: 160, 192, 224, 256, 320, ...)."""
    if n <= 8:
        return 8
    if n <= 128:
        return (n + 15) & ~15
    step = 1 << ((n - 1).bit_length() - 3)
    return (n + step - 1) & ~(step - 1)


def sds_size(length: int) -> int:
    """``sdsZmallocSize`` of an sds made by ``sdsnewlen``: header (``sdshdr5``/8/16/32/64:
    1/3/5/9/17 bytes, by ``sdsReqType``) + bytes + NUL, size-class rounded."""
    if length < 32:
        h = 1
    elif length < 256:
        h = 3
    elif length < 65536:
        h = 5
    elif length < 1 << 32:
        h = 9
    else:
        h = 17
    return je_size(h + length + 1)


def listpack_bytes(elements: Iterable[bytes]) -> int:
    """``lpBytes`` of a listpack holding ``elements``: 6-byte header, entries, end byte."""
    return 7 + sum(lp_entry_size(e) for e in elements)


def intset_width(values: Iterable[int]) -> int:
    """``_intsetValueEncoding`` of the widest member: 2, 4 or 8 bytes."""
    w = 2
    for v in values:
        if not -32768 <= v <= 32767:
            if -(1 << 31) <= v < 1 << 31:
                w = 4
            else:
                return 8
    return w


def intset_bytes(values: Sequence[int]) -> int:
    """Bytes of an intset: 8-byte header (encoding, length) + one slot per member."""
    return 8 + len(values) * intset_width(values)


def dict_slots(n: int) -> int:
    """Buckets of a dict holding ``n`` entries after growing one add at a time
    (``_dictExpandIfNeeded``): 0 when empty, else the next power of two >= n, at least 4."""
    if n <= 0:
        return 0
    return max(4, 1 << (n - 1).bit_length())


#: Share of a full table's buckets that hold an entry (load factor 1: 1 - 1/e).
_FILLED = 1 - math.exp(-1)


def dict_buckets(n: int, created_at: int = 0, steps_per_add: int = 1) -> int:
    """Bucket pointers ``objectComputeSize`` counts (``dictSlots``: both tables while
    rehashing) for a dict that reached ``n`` entries one add at a time after being created
    presized for ``created_at`` entries (a conversion's ``dictExpand``; 0 when it started
    empty). After a doubling, each dict call moves one filled bucket of the old table
    (``_dictRehashStep``); an add costs ``steps_per_add`` calls (``setTypeAdd``: one
    ``dictAddRaw``; ``hashTypeSet``/``zsetAdd``: ``dictFind`` then ``dictAdd``), so the old
    table is still there until about (1 - 1/e) of its buckets have been moved."""
    if n <= 0:
        return 0
    table = dict_slots(n)
    start = dict_slots(created_at) if created_at > 0 else 4
    if created_at > 0:
        table = max(table, start)
    if table > start:
        half = table // 2
        if (n - half - 1) * steps_per_add < half * _FILLED:
            return table + half
    return table


@cache
def skiplist_node_expected(p: float = ZSKIPLIST_P) -> float:
    """Expected ``zmalloc_size`` of a ``zskiplistNode`` (24 bytes + 16 per level) with the
    level drawn by ``zslRandomLevel`` (P(level = k) = (1-p) p^(k-1), capped at 32)."""
    total = 0.0
    for k in range(1, ZSKIPLIST_MAXLEVEL):
        total += (1 - p) * p ** (k - 1) * je_size(24 + 16 * k)
    total += p ** (ZSKIPLIST_MAXLEVEL - 1) * je_size(24 + 16 * ZSKIPLIST_MAXLEVEL)
    return total


def _ql_allows(node_sz: int, node_count: int, elem_len: int, fill: int) -> bool:
    """``_quicklistNodeAllowInsert``: may an element of ``elem_len`` bytes join a node whose
    listpack is ``node_sz`` bytes with ``node_count`` entries? A ``fill`` below -5 packs as -5
    (``quicklistSetFill`` clamps it to the largest ``optimization_level``, 64 KiB)."""
    new_sz = node_sz + elem_len + QL_OVERHEAD
    if fill < 0:
        return new_sz <= QL_LEVELS[min(-fill, len(QL_LEVELS)) - 1]
    return new_sz <= QL_SAFETY and node_count < fill


def quicklist_nodes(elements: Sequence[bytes], fill: int = -2) -> list[tuple[int, int]]:
    """The nodes a list of ``elements`` pushed at the tail fills (``quicklistPushTail``):
    ``(entries, listpack bytes)`` per node, head first."""
    nodes: list[tuple[int, int]] = []
    count = 0
    size = 0
    for e in elements:
        if count and _ql_allows(size, count, len(e), fill):
            count += 1
            size += lp_entry_size(e)
        else:
            if count:
                nodes.append((count, size))
            count, size = 1, 7 + lp_entry_size(e)
    if count:
        nodes.append((count, size))
    return nodes


def predict_encoding(type_: str, max_n: int, max_elem: int, all_int: bool,
                     config: dict[str, int]) -> str:
    """The encoding Redis 7.0.15 leaves a value in after a history of adds, from the
    conversion rules alone: ``max_n`` the most elements it ever held, ``max_elem`` the longest
    field/value (hash) or member (zset) ever written, ``all_int`` every set member an
    integer (``hashTypeSet``/``hashTypeTryConversion``, ``zsetAdd``, ``setTypeAdd``; compact
    encodings never come back by deleting)."""
    if type_ == "hash":
        return ("hashtable" if max_n > config["hash-max-listpack-entries"]
                or max_elem > config["hash-max-listpack-value"] else "listpack")
    if type_ == "zset":
        return ("skiplist" if max_n > config["zset-max-listpack-entries"]
                or max_elem > config["zset-max-listpack-value"] else "listpack")
    if type_ == "set":
        return ("intset" if all_int and max_n <= config["set-max-intset-entries"]
                else "hashtable")
    if type_ == "list":
        return "quicklist"
    raise ValueError(f"no encoding rules for type {type_!r}")


# -- memory of a value ---------------------------------------------------------------------------


def value_memory(type_: str, encoding: str, contents: Contents, fill: int = -2,
                 created_at: int = 0, steady: bool = False) -> int:
    """``objectComputeSize`` (all elements sampled) of a value of ``type_`` holding
    ``contents`` (see :data:`Contents`) stored in ``encoding``; ``fill`` is
    list-max-listpack-size for quicklists; ``created_at`` the size at which a hash table was
    made by converting a compact encoding (see :func:`dict_buckets`); ``steady`` prices hash
    tables with their rehashing finished (one bucket array). Skiplists are priced at their
    expected level."""
    per_add = 1 if type_ == "set" else 2
    buckets = dict_slots if steady else (lambda n: dict_buckets(n, created_at, per_add))
    if type_ == "string":
        assert isinstance(contents, bytes)
        if encoding == "int":
            return ROBJ
        if encoding == "embstr":
            return je_size(ROBJ + 3 + len(contents) + 1)
        return ROBJ + sds_size(len(contents))
    if type_ == "hash":
        pairs: list[tuple[bytes, bytes]] = contents  # type: ignore[assignment]
        if encoding == "listpack":
            return ROBJ + je_size(listpack_bytes(x for p in pairs for x in p))
        return ROBJ + DICT + 8 * buckets(len(pairs)) + sum(
            DICT_ENTRY + sds_size(len(f)) + sds_size(len(v)) for f, v in pairs)
    if type_ == "set":
        members: list[bytes] = contents  # type: ignore[assignment]
        if encoding == "intset":
            ints = [string2ll(m) or 0 for m in members]
            return ROBJ + je_size(intset_bytes(ints))
        return ROBJ + DICT + 8 * buckets(len(members)) + sum(
            DICT_ENTRY + sds_size(len(m)) for m in members)
    if type_ == "zset":
        zp: list[tuple[bytes, float]] = contents  # type: ignore[assignment]
        if encoding == "listpack":
            flat: list[bytes] = []
            for m, s in zp:
                flat.append(m)
                flat.append(_score_text(s))
            return ROBJ + je_size(listpack_bytes(flat))
        node = skiplist_node_expected()
        return round(ROBJ + ZSET + ZSKIPLIST + DICT + 8 * buckets(len(zp))
                     + je_size(24 + 16 * ZSKIPLIST_MAXLEVEL)
                     + sum(sds_size(len(m)) + DICT_ENTRY + node for m, _ in zp))
    if type_ == "stream":
        # the stream itself (its node layout and allocation history are the price), every
        # node sampled as MEMORY USAGE … SAMPLES 0 does
        return stream_memory(contents, 1 << 62)
    if type_ == "list":
        items: list[bytes] = contents  # type: ignore[assignment]
        return ROBJ + QUICKLIST + sum(QUICKLIST_NODE + je_size(sz)
                                      for _, sz in quicklist_nodes(items, fill))
    raise ValueError(f"no memory model for type {type_!r}")


def key_memory(key: bytes, value_bytes: int) -> int:
    """MEMORY USAGE of a key: its value plus the key's sds and its ``dictEntry`` in the
    keyspace (``memoryCommand``)."""
    return value_bytes + sds_size(len(key)) + DICT_ENTRY


def _score_text(s: float) -> bytes:
    """How ``zzlInsertAt`` writes a score into a listpack (``d2string``): integral scores in
    the safe range as integers, others as %.17g text."""
    if s == int(s) if math.isfinite(s) else False:
        if abs(s) < 1 << 52:
            return str(int(s)).encode()
    if math.isinf(s):
        return b"inf" if s > 0 else b"-inf"
    return (b"%.17g" % s)


# -- work per command ----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class OpCost:
    """The price of one command on one value: its complexity class, modelled elementary
    steps, and the Redis function doing the work."""

    big_o: str
    steps: float
    redis_fn: str


#: Command -> (role, elements it touches per call is argument-driven). Roles price alike:
#: "read1" one lookup, "write1" one insert/update, "del1" one removal, "all" a whole-value
#: walk, "range" a positional window, "push"/"pop" list ends, "index" list position,
#: "scan_list" a whole-list scan (LINSERT, LREM, LPOS), "card" O(1) length.
COMMAND_ROLES: dict[str, str] = {
    "hget": "read1", "hexists": "read1", "hstrlen": "read1", "hmget": "read1",
    "hset": "write1", "hsetnx": "write1", "hmset": "write1", "hincrby": "write1",
    "hincrbyfloat": "write1", "hdel": "del1", "hgetall": "all", "hkeys": "all", "hvals": "all",
    "hlen": "card", "hrandfield": "all", "hscan": "all",
    "sismember": "read1", "smismember": "read1", "sadd": "write1", "srem": "del1",
    "smembers": "all", "scard": "card", "spop": "del1", "srandmember": "read1",
    "sscan": "all", "sinter": "all", "sunion": "all", "sdiff": "all", "smove": "del1",
    "zscore": "read1", "zmscore": "read1", "zadd": "write1", "zincrby": "write1",
    "zrem": "del1", "zrank": "rank", "zrevrank": "rank", "zrange": "range",
    "zrevrange": "range", "zrangebyscore": "range", "zrevrangebyscore": "range",
    "zcount": "rank", "zcard": "card", "zpopmin": "pop", "zpopmax": "pop",
    "zrangebylex": "range", "zscan": "all",
    "lpush": "push", "rpush": "push", "lpushx": "push", "rpushx": "push", "lpop": "pop",
    "rpop": "pop", "llen": "card", "lindex": "index", "lset": "index", "lrange": "range",
    "ltrim": "range", "linsert": "scan_list", "lrem": "scan_list", "lpos": "scan_list",
    "lmove": "pop", "rpoplpush": "pop",
    "get": "str", "set": "str", "setnx": "str", "getset": "str", "getdel": "str",
    "incr": "str", "incrby": "str", "decr": "str", "decrby": "str", "append": "str",
    "strlen": "str", "mget": "str", "mset": "str", "setex": "str", "psetex": "str",
    "getex": "str", "incrbyfloat": "str", "setrange": "str", "getrange": "str",
    "xadd": "xadd", "xlen": "card", "xrange": "range", "xrevrange": "range", "xread": "range",
    "xreadgroup": "xreadgroup", "xack": "xack", "xdel": "xdel", "xclaim": "xack",
    "xautoclaim": "xack",
}
#: Entries per stream node assumed when a price does not know the layout
#: (``stream-node-max-entries``' default).
STREAM_NODE_ENTRIES = 100.0


def _ql_seek(n: int, per_node: float, position: int | None) -> float:
    """Steps to reach list index ``position`` (``quicklistGetIteratorAtIdx``): hop nodes from
    the nearer end of the list (one step each), then ``lpSeek`` inside the node from its
    nearer end. Without a position: the average over the list, per_node / 4 in the node."""
    nodes = max(1.0, math.ceil(n / per_node))
    if position is None or not 0 <= position < n:
        return nodes / 4 + min(per_node, n) / 4
    from_head = position < n - 1 - position
    i = position if from_head else n - 1 - position
    hops = i // per_node
    off = i - hops * per_node
    size = min(per_node, n)
    return hops + min(off, size - off) + 1


def _lines(nbytes: float) -> float:
    return nbytes / CACHE_LINE


def _stream_cost(role: str, n: int, k: int, window: int, per_node: float) -> OpCost:
    """Steps of a stream command (``t_stream.c``): a ``raxSeek`` over the node keys (a step
    per level of a tree of n / per_node keys), half a node of ``lpNext`` to reach an entry,
    one step per entry emitted, and for pending entries a rax insert or removal in the group
    PEL and the consumer PEL (two seeks each)."""
    seek = math.log2(n / per_node + 1) + 1
    pel = 2 * (math.log2(n + 1) + 1)
    if role == "xadd":
        return OpCost("O(1)", seek + 1 + k, "raxSeek $ + lpAppend (amortised: a new node "
                                            "every stream-node-max-entries)")
    if role == "range":
        return OpCost("O(log N + M)", seek + per_node / 2 + window,
                      "raxSeek + lpNext per entry (streamIteratorGetID)")
    if role == "xreadgroup":
        return OpCost("O(log N + M)", seek + per_node / 2 + window * (1 + pel),
                      "streamReplyWithRange + a NACK in two PELs per entry")
    if role == "xack":
        return OpCost("O(log N)", k * pel, "raxFind + raxRemove in the group and consumer PELs")
    if role == "xdel":
        return OpCost("O(log N)", k * (seek + per_node / 2), "streamDeleteItem")
    return OpCost("O(N)", float(n), "stream walk")


def op_cost(cmd: str, encoding: str, n: int, *, elems: int = 1, window: int = 1,
            position: int | None = None, blob_bytes: int = 0, fill: int = -2,
            node_entries: float = 0.0) -> OpCost:
    """Price of ``cmd`` (lowercase name) touching ``elems`` elements of a value of ``n``
    elements in ``encoding``. ``window``: elements a range returns. ``position``: the list
    index LINDEX/LSET reach (0-based from the head). ``blob_bytes``: size of the listpack or
    intset (for the ``memmove`` of a write). ``fill``/``node_entries``: quicklist shape.
    """
    role = COMMAND_ROLES.get(cmd, "other")
    n = max(n, 1)
    k = max(elems, 1)
    lg2 = math.log2(n + 1)
    if role == "str":
        return OpCost("O(1)", 1.0, "lookupKey (the string is the value)")
    if role == "card":
        return OpCost("O(1)", 1.0, "hashTypeLength/setTypeSize/zsetLength/listTypeLength")
    if encoding == "stream":
        return _stream_cost(role, n, k, window, node_entries or STREAM_NODE_ENTRIES)
    if encoding == "listpack":
        # lpFind scans field entries (a hash skips values: n/2 fields on a hit on average).
        if role in ("read1", "rank"):
            return OpCost("O(n)", k * (n / 2 + 1), "lpFind")
        if role in ("write1", "del1"):
            return OpCost("O(n)", k * (n / 2 + 1 + _lines(blob_bytes / 2)), "lpFind + lpInsert")
        if role == "range":
            return OpCost("O(n)", n / 2 + window, "lpSeek + lpNext")
        if role == "pop":
            return OpCost("O(n)", k * (1 + _lines(blob_bytes)), "lpDelete (memmove)")
        return OpCost("O(n)", float(n), "lpNext (walk)")
    if encoding == "intset":
        if role == "read1":
            return OpCost("O(log n)", k * lg2, "intsetSearch")
        if role in ("write1", "del1"):
            return OpCost("O(n)", k * (lg2 + _lines(blob_bytes / 2)),
                          "intsetSearch + intsetResize/memmove")
        return OpCost("O(n)", float(n), "intsetGet (walk)")
    if encoding == "hashtable":
        if role in ("read1", "write1", "del1", "pop"):
            return OpCost("O(1)", 2.0 * k, "dictFind/dictAdd/dictDelete")
        return OpCost("O(n)", float(n), "dictNext (walk)")
    if encoding == "skiplist":
        search = (1 / ZSKIPLIST_P) * math.log(n + 1, 1 / ZSKIPLIST_P) + 1
        if role == "read1":
            return OpCost("O(1)", 2.0 * k, "dictFind (zset->dict)")
        if role in ("write1", "del1"):
            return OpCost("O(log n)", k * (2 + search), "dictAdd + zslInsert/zslDelete")
        if role == "rank":
            return OpCost("O(log n)", search, "zslGetRank")
        if role == "range":
            return OpCost("O(log n + m)", search + window, "zslGetElementByRank + walk")
        if role == "pop":
            return OpCost("O(log n)", k * (2 + search), "zslDelete")
        return OpCost("O(n)", float(n), "zslNext (walk)")
    if encoding == "quicklist":
        per_node = node_entries if node_entries > 0 else float(n)
        nodes = max(1.0, n / per_node)
        if role in ("push", "pop"):
            return OpCost("O(1)", float(k), "quicklistPush/quicklistPop")
        if role in ("index", "range"):
            seek = _ql_seek(n, per_node, position)
            if role == "index":
                return OpCost("O(n)", seek + 1, "quicklistGetIteratorAtIdx + lpSeek")
            return OpCost("O(s + m)", seek + window,
                          "quicklistGetIteratorAtIdx + quicklistNext")
        return OpCost("O(n)", n + nodes, "quicklistNext (walk)")
    return OpCost("O(1)", 1.0, "")
