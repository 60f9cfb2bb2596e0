"""A deterministic model of the memory Redis 7.0.15 allocates (``zmalloc_used_memory``).

Redis counts every byte it gets from jemalloc. A pure specification has no allocator, so this
module *computes* what the allocations would be, from the values alone (docs/mechanisms/
eviction.md has the calibration table against the real server):

- jemalloc rounds a request up to a size class (:func:`je_size`): 8, 16, then steps of 16 up
  to 128, then four classes per doubling (160, 192, 224, 256, 320, ...).
- A string value is a ``robj`` (16 bytes) plus its sds (``sdsReqType`` header + bytes + NUL):
  "int" encoding needs no sds, "embstr" is one allocation of robj + sds8 header + bytes, "raw"
  two allocations. Integers 0..9999 shared by Redis (``OBJ_SHARED_INTEGERS``) are counted like
  other "int" strings (16 bytes): a key's cost must not depend on the config at write time.
- An aggregate is estimated from its length and the average size of at most
  ``SAMPLES`` (5) of its elements, as ``objectComputeSize`` does for MEMORY USAGE, except
  where 7.0.15 takes the whole allocation: listpacks (every entry plus the 7-byte header/end)
  and intsets (8-byte header + the widest member's width per member); quicklists (one node
  per ~8 KB), hashtables (dict struct, bucket array of the next power of two, one dictEntry +
  sds per element), skiplists (node of average level 4/3 plus the header node). Sampling the first elements makes the size a pure
  function of the value, computed in O(1) (a listpack or intset, bounded by its
  ``*-max-*-entries``, in O(n)) — so the running total stays exact under the
  invariant *incremental total = recomputed total* while writes cost O(1).
- Each key adds its dictEntry (24 bytes, allocated in the 32-byte class) and its sds key, plus
  8 bytes of bucket array per key (the main dict keeps about one bucket per key); a TTL adds an
  entry of the expires dict (32 + 8).

``key_usage`` is what MEMORY USAGE replies (``memoryCommand``: objectComputeSize +
sdsZmallocSize(key) + sizeof(dictEntry)); ``key_cost`` is the same key's share of
``used_memory``. Everything here is pure and O(1) per call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from .listpack import lp_entry_size
from .numbers import string2ll
from .rdb import list_nodes
from .types.hash import HashValue
from .types.list import ListValue
from .types.set import SetValue
from .types.stream import StreamValue, encode_id, rax_node_count
from .types.zset import ZSet
from .values import encoding_of

__all__ = [
    "functions_memory",
    "je_size", "sds_alloc", "object_size", "key_usage", "key_cost", "EXPIRE_ENTRY_COST",
    "STARTUP_MEMORY", "CLIENT_COST", "SIZERS", "db_cost", "SAMPLES", "quicklist_usage",
    "QUICKLIST_EXACT_MAX",
]

#: ``used_memory_startup`` of redis-server 7.0.15 started with the default config.
STARTUP_MEMORY = 876096
#: Per connected client (``mem_clients_normal`` per idle client on 7.0.15, about 22 KB): the
#: ``client`` struct and its 16 KB static reply buffer
#: (``PROTO_REPLY_CHUNK_BYTES``) plus its argv array and query buffer, as jemalloc sizes them.
CLIENT_COST = 22528
#: ``sizeof(robj)``.
ROBJ = 16
#: ``sizeof(dictEntry)`` as MEMORY USAGE adds it, and as jemalloc allocates it (+bucket slot).
DICT_ENTRY = 24
DICT_ENTRY_ALLOC = 32
BUCKET = 8
#: What a key costs in ``used_memory`` beyond its MEMORY USAGE: allocation class of the
#: dictEntry (32 - 24) plus one bucket pointer.
KEY_EXTRA = DICT_ENTRY_ALLOC - DICT_ENTRY + BUCKET
#: One entry of the expires dict (the key sds is shared with the main dict).
EXPIRE_ENTRY_COST = DICT_ENTRY_ALLOC + BUCKET
#: ``sizeof(dict)``.
DICT = 56
#: Elements sampled for an aggregate (MEMORY USAGE's default ``SAMPLES 5``).
SAMPLES = 5
#: Bytes per quicklist node before a new node starts (``list-max-listpack-size -2``: 8 KB).
QUICKLIST_NODE_BYTES = 8192


def je_size(n: int) -> int:
    """``je_nallocx``: the jemalloc size class that a request of ``n`` bytes gets."""
    if n <= 8:
        return 8
    if n <= 128:
        return (n + 15) & ~15
    step = 1 << (n - 1).bit_length() - 3  # four classes per doubling
    return (n + step - 1) // step * step


def _sds_hdr(n: int, allow_type5: bool) -> int:
    """``sdsHdrSize(sdsReqType(n))``: the header size of an sds of ``n`` bytes (type 5 only
    for keys made by ``sdsnewlen``; values use at least sds8)."""
    if n < 32 and allow_type5:
        return 1
    if n < 256:
        return 3
    if n < 65536:
        return 5
    if n < 1 << 32:
        return 9
    return 17


def sds_alloc(n: int, allow_type5: bool = False) -> int:
    """``sdsZmallocSize``: the allocation holding an sds of ``n`` bytes (header + NUL)."""
    return je_size(_sds_hdr(n, allow_type5) + n + 1)


def _string_size(v: bytes) -> int:
    """``objectComputeSize`` of a string: int, embstr or raw encoding (the subclasses of
    ``spec.types.string`` carry their own encoding)."""
    n = len(v)
    if type(v) is bytes:
        enc = "int" if n <= 20 and string2ll(v) is not None else "embstr" if n <= 44 else "raw"
    else:
        enc = encoding_of(v)
    if enc == "int":
        return ROBJ
    if enc == "embstr":
        return je_size(ROBJ + 3 + n + 1)
    return ROBJ + sds_alloc(n)


def _avg(total: int, sampled: int, n: int) -> int:
    """Extrapolate ``total`` bytes over ``sampled`` elements to ``n`` elements."""
    return total * n // sampled if sampled else 0


def _slots(n: int) -> int:
    """Buckets of a dict holding ``n`` entries (``_dictExpandIfNeeded``: 4, then doubling)."""
    return 4 if n <= 4 else 1 << (n - 1).bit_length()


def _list_size(v: Any) -> int:
    """quicklist: robj + quicklist + one node per ~8 KB of listpack bytes."""
    n = len(v)
    items = v.items
    sample = [items[v.head + i] for i in range(min(SAMPLES, n))]
    tot = sum(lp_entry_size(e) for e in sample)
    lp = _avg(tot, len(sample), n) + 7
    nodes = max(1, -(-lp // QUICKLIST_NODE_BYTES))
    return ROBJ + 40 + nodes * 40 + nodes * je_size(7 + (lp - 7) // nodes)


def _hash_size(v: Any) -> int:
    """listpack (field, value entries) or hashtable (entry + two sds per field)."""
    n = len(v)
    if v.order is not None:  # the listpack's own allocation: every entry (no sampling)
        return ROBJ + je_size(7 + v.lp_bytes())
    sample = list(islice(v.fields.items(), SAMPLES))
    per = sum(DICT_ENTRY + sds_alloc(len(f), True) + sds_alloc(len(x), True) for f, x in sample)
    return ROBJ + DICT + BUCKET * _slots(n) + _avg(per, len(sample), n)


def _set_size(v: Any) -> int:
    """intset (8-byte header + width per member) or hashtable (entry + sds per member)."""
    n = len(v)
    if v.intset:  # the encoding is the widest member's (every member, no sampling)
        width = 2
        for m in v.index.keys():
            x = int(m)
            if not -(1 << 15) <= x < 1 << 15:
                width = max(width, 4 if -(1 << 31) <= x < 1 << 31 else 8)
        return ROBJ + je_size(8 + width * n)
    sample = list(islice(v.index.keys(), SAMPLES))
    per = sum(DICT_ENTRY + sds_alloc(len(m), True) for m in sample)
    return ROBJ + DICT + BUCKET * _slots(n) + _avg(per, len(sample), n)


#: Average jemalloc size of a skiplist node of ``24 + 16 * level`` bytes (level p = 1/4).
_ZSL_NODE = 53


def _zset_size(v: Any) -> int:
    """listpack (member, score entries; a score as ``d2string`` stores it: 0.1 as
    0.10000000000000001, 1e16 as 10000000000000000) or skiplist (dict + nodes + the 32-level
    header; a member's sds is made by ``sdsnewlen``, so one under 32 bytes has the 1-byte
    type-5 header)."""
    n = len(v)
    if v.listpack:  # the listpack's own allocation: every entry (no sampling)
        return ROBJ + je_size(7 + v.lp_bytes())
    sample = list(islice(v.scores.items(), SAMPLES))
    per = sum(sds_alloc(len(m), True) + _ZSL_NODE + DICT_ENTRY for m, _ in sample)
    return ROBJ + 16 + DICT + BUCKET * _slots(n) + 640 + _avg(per, len(sample), n)


#: ``sizeof`` in 7.0.15 (64-bit): ``stream``, ``streamCG``, ``streamConsumer``, ``streamNACK``.
STREAM_STRUCT, STREAM_CG, STREAM_CONSUMER, STREAM_NACK = 80, 40, 24, 24


def _stream_rax(numele: int, numnodes: int) -> int:
    """``streamRadixTreeMemoryUsage``: 16 bytes per key, a 4-byte node header and 30 words
    of "fixed overhead" per node (the ``sizeof(*rax)`` it starts with is overwritten)."""
    return numele * 16 + numnodes * (4 + 8 * 30)


def _node_alloc(n: Any) -> int:
    """``zmalloc_size`` of a node's listpack: its size when shrunk to fit, else the size
    class of the largest it grew to, at least its preallocation (``spec.types.stream.Node``)."""
    if n.closed:
        return je_size(n.closed)
    return max(je_size(n.prealloc), je_size(n.peak))


def _pel_rax(ids: Iterable[Any]) -> int:
    keys = sorted(encode_id(i) for i in ids)
    return _stream_rax(len(keys), rax_node_count(keys))


def _stream_size(v: Any) -> int:
    """MEMORY USAGE's ``objectComputeSize(o, 5)`` of a stream (see :func:`stream_memory`)."""
    return stream_memory(v, SAMPLES)


def stream_memory(v: Any, samples: int) -> int:
    """``objectComputeSize`` of a stream: robj + stream struct + the node rax + the
    listpacks (the first ``samples`` sampled: all of them when there are no more, else their
    average times all but the last, plus the last) + per group its struct, PEL rax and NACKs,
    per consumer its struct, name and PEL rax."""
    nodes = list(v.iter_nodes())
    size = ROBJ + STREAM_STRUCT
    size += _stream_rax(len(nodes), rax_node_count([encode_id(n.master_id) for n in nodes]))
    sampled = [_node_alloc(n) for n in nodes[:samples]]
    if len(nodes) <= len(sampled):
        size += sum(sampled)
    else:
        size += sum(sampled) // len(sampled) * (len(nodes) - 1) + _node_alloc(nodes[-1])
    for g in v.groups.values():
        size += STREAM_CG + _pel_rax(g.pel.keys()) + STREAM_NACK * len(g.pel)
        for name, c in g.consumers.items():
            size += STREAM_CONSUMER + len(name) + _pel_rax(c.pel.keys())
    return size


#: Python class of a stored value -> ``objectComputeSize`` for it. Types without an entry are
#: sized by :func:`_fallback`.
SIZERS: dict[type, Callable[[Any], int]] = {}


def _register() -> None:
    """Fill :data:`SIZERS` from the value classes that exist."""
    SIZERS[ListValue] = _list_size
    SIZERS[HashValue] = _hash_size
    SIZERS[SetValue] = _set_size
    SIZERS[ZSet] = _zset_size
    SIZERS[StreamValue] = _stream_size


#: ``sizeof(quicklist)`` and ``sizeof(quicklistNode)`` (7.0.15, 64-bit).
QUICKLIST, QUICKLIST_NODE = 40, 40
#: Lists up to this many elements are sized node by node by MEMORY USAGE
#: (:func:`quicklist_usage`); longer ones by the O(1) estimate of :func:`object_size`.
QUICKLIST_EXACT_MAX = 4096


def quicklist_usage(v: ListValue, fill: int, threshold: int, samples: int = SAMPLES) -> int:
    """``objectComputeSize`` of a quicklist from its nodes (``spec.rdb.list_nodes`` under
    ``list-max-listpack-size`` ``fill`` and the packed ``threshold``): robj + quicklist, then
    ``sizeof(quicklistNode) + zmalloc_size(node->entry)`` (a listpack, or a plain node's
    element) for the first ``samples`` nodes (0: all), extrapolated to every node as Redis
    does (``elesize / samples * len`` in double precision, truncated)."""
    nodes = list_nodes(v, fill, threshold)
    if not nodes:
        return ROBJ + QUICKLIST
    take = nodes if samples <= 0 else nodes[:samples]
    ele = sum(QUICKLIST_NODE + je_size(len(els[0]) if container == 1
                                       else 7 + sum(lp_entry_size(e) for e in els))
              for container, els in take)
    return int(ROBJ + QUICKLIST + ele / len(take) * len(nodes))


def _fallback(v: Any) -> int:
    """A value of a type not sized yet: a string if it is bytes, else robj + 64 per element."""
    if isinstance(v, bytes):
        return _string_size(v)
    try:
        return ROBJ + 64 * len(v)
    except TypeError:
        return ROBJ + 64


def object_size(v: Any) -> int:
    """``objectComputeSize(o, samples=5)``: bytes held by the value ``v``."""
    if type(v) is bytes:
        return _string_size(v)
    f = SIZERS.get(type(v))
    if f is None:
        if not SIZERS:
            _register()
            f = SIZERS.get(type(v))
        if f is None:
            return _fallback(v)
    # Values are immutable: the size is computed once per value object (a write sizes the
    # old value it replaces too, which was sized when it was stored).
    size: int = v._size
    if size < 0:
        size = v._size = f(v)
    return size


def key_usage(key: bytes, v: Any) -> int:
    """MEMORY USAGE: value + ``sdsZmallocSize(key)`` + ``sizeof(dictEntry)``."""
    return object_size(v) + sds_alloc(len(key), True) + DICT_ENTRY


#: Tables for the hot path: key overhead by key length, non-int string value by length.
_KEY_FIXED = [sds_alloc(n, True) + DICT_ENTRY + KEY_EXTRA for n in range(256)]
_STR_NONINT = [je_size(ROBJ + 3 + n + 1) if n <= 44 else ROBJ + sds_alloc(n) for n in range(1024)]


def key_cost(key: bytes, v: Any) -> int:
    """The key's share of ``used_memory``: :func:`key_usage` + :data:`KEY_EXTRA`."""
    n = len(key)
    kc = _KEY_FIXED[n] if n < 256 else sds_alloc(n, True) + DICT_ENTRY + KEY_EXTRA
    if type(v) is bytes:
        m = len(v)
        if m <= 20 and string2ll(v) is not None:
            return kc + ROBJ
        return kc + (_STR_NONINT[m] if m < 1024 else ROBJ + sds_alloc(m))
    return kc + object_size(v)


def db_cost(keys: Any, expires: Any) -> int:
    """The recomputed dataset bytes of one database (O(n)); the incremental ``Db.mem``
    must always equal it."""
    return sum(key_cost(k, v) for k, v in keys.items()) + EXPIRE_ENTRY_COST * len(expires)


#: ``functionsMemoryEngine`` with no library: the engines dict (one entry, 4 buckets), the
#: ``functionsLibCtx`` struct and the Lua engine's own structs (engineInfo, its name, the
#: engine table, the engine ctx), in jemalloc's size classes: 7.0.15's INFO shows 200.
FUNCTIONS_BASE_MEMORY = 200


def functions_memory(libraries: Any) -> int:
    """``functionsMemoryEngine`` (INFO ``used_memory_functions``) of the libraries (a map of
    ``FunctionLibrary``): the base, each library's and function's allocations (struct, name,
    code, description, the Lua function ref) and the functions dict (24 bytes an entry, 8 a
    bucket). The buckets are taken as the smallest power of two, at least 4, that holds the
    functions; Redis's dict keeps the size it grew to after FUNCTION DELETE, so after deletes
    Redis may count more buckets."""
    total = FUNCTIONS_BASE_MEMORY
    n = 0
    for lib in libraries.values():
        total += je_size(32) + sds_alloc(len(lib.name), True) + sds_alloc(len(lib.code), True)
        for f in lib.functions:
            n += 1
            total += je_size(40) + sds_alloc(len(f.name), True) + je_size(4)
            if f.description is not None:
                total += sds_alloc(len(f.description), True)
    if n:
        buckets = 4
        while buckets < n:
            buckets *= 2
        total += 24 * n + 8 * buckets
    return total


#: ``OBJ_ENCODING_EMBSTR_SIZE_LIMIT``: a string argument up to this long is one allocation
#: with its ``robj`` (16 bytes) and its sds8 header.
EMBSTR_SIZE_LIMIT = 44


def argv_string_memory(n: int) -> int:
    """``getStringObjectSdsUsedMemory`` of an argument of ``n`` bytes as the query parser
    makes it (``createStringObject``): an embstr's allocation minus its ``robj``, or a raw
    string's sds. (An argument of 32 KB or more is the query buffer itself in Redis, whose
    allocation depends on how it grew; it is taken as a raw sds here.)"""
    if n <= EMBSTR_SIZE_LIMIT:
        return je_size(16 + 3 + n + 1) - 16
    return sds_alloc(n)


def eval_scripts_memory(bodies: Iterable[bytes]) -> int:
    """``evalScriptsMemory`` (INFO ``used_memory_scripts_eval``) of the cached scripts:
    ``lua_scripts_mem`` (each script's SHA1 sds and its body, ``luaCreateFunction``) plus the
    scripts dict (24 bytes an entry, 8 a bucket) and a ``luaScript`` (16 bytes) a script. The
    buckets are the smallest power of two, at least 4, that holds the scripts (an empty dict
    has none; Redis's counts both tables while it rehashes)."""
    total = 0
    n = 0
    for body in bodies:
        n += 1
        total += sds_alloc(40) + argv_string_memory(len(body)) + 24 + 16
    if n:
        buckets = 4
        while buckets < n:
            buckets *= 2
        total += 8 * buckets
    return total
