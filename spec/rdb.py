"""The RDB format, version 10 (Redis 7.0.15's ``rdb.c``): values, DUMP payloads and whole
files, as pure functions from values to bytes and back.

- :func:`save_object` is ``rdbSaveObjectType`` + ``rdbSaveObject``: a value's type byte and
  its serialisation in the encoding it has (strings as ``rdbSaveRawString``; lists as a
  quicklist of listpack nodes, ``RDB_TYPE_LIST_QUICKLIST_2``; sets as an intset blob or the
  members; hashes and sorted sets as one listpack blob or, for a hashtable / skiplist, the
  pairs — a skiplist from its tail to its head, scores as binary doubles).
- :func:`dump_payload` / :func:`restore_payload` are ``createDumpPayload`` /
  ``verifyDumpPayload`` + ``rdbLoadObject``: the object, the RDB version (2 bytes,
  little-endian) and the CRC-64 of everything before it.
- :func:`encode_file` / :func:`decode_file` are ``rdbSaveRio`` / ``rdbLoadRio``: the
  ``REDIS0010`` magic, AUX fields, per database SELECTDB + RESIZEDB and the keys (each with
  EXPIRETIME_MS, IDLE or FREQ as the caller's policy says), EOF and the CRC-64 (zeros when
  ``rdbchecksum`` is off, which the loader then does not check).

The loader reads every type a 7.0.15 server reads, old ones included (linked lists,
ziplist lists/hashes/zsets, zipmap hashes, ``RDB_TYPE_LIST_QUICKLIST`` of ziplists, text
scores of ``RDB_TYPE_ZSET``) and picks the encoding Redis gives the loaded value from the
``*-max-*`` limits in force (:class:`Limits`). Streams are written as
``RDB_TYPE_STREAM_LISTPACKS_2`` and read as that or ``RDB_TYPE_STREAM_LISTPACKS``
(``spec.rdbstream``). Module values are refused with Redis's module error; FUNCTION2
records are read as the library code they carry.

What a value here does not record, and so cannot be written as Redis would after the same
history (see docs/mechanisms/rdb.md): a quicklist's node boundaries (written as consecutive
tail pushes would fill them under ``list-max-listpack-size``, or head pushes for a list built
at its head only: :func:`list_nodes`), its LZF-compressed inner
nodes when ``list-compress-depth`` > 0 (written uncompressed), an intset's width after its
widest member was removed (written at the width the members need), and the order of a
hashtable's members when the value carries no dict (then slot / map order; a value that
carries its dict, ``spec.types.valuedict``, is written in that dict's order, which is
Redis's under the same hash seed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
from immutables import Map

from .crc64 import crc64, crc64_bytes
from .dict import dict_keys
from .rdbcodec import (
    RdbCorrupt,
    RdbEmptyKey,
    RdbEof,
    Reader,
    d2string,
    intset_decode,
    intset_encode,
    listpack_decode,
    listpack_encode,
    listpack_entry_size,
    listpack_repr,
    save_binary_double,
    save_len,
    save_raw_string,
    ziplist_decode,
    zipmap_decode,
)
from .rdbstream import load_stream, save_stream
from .types import set as tset
from .types import zset as tzset
from .types.hash import HashValue
from .types.list import ListValue
from .types.set import SetValue
from .types.stream import StreamValue
from .types.string import is_string
from .types.zset import ZSet

__all__ = [
    "RDB_VERSION", "RdbCorrupt", "RdbEmptyKey", "RdbUnsupported", "Limits", "KeyRecord", "RdbFile",
    "save_object", "dump_payload", "verify_payload", "restore_payload", "load_object",
    "encode_file", "decode_file", "quicklist_nodes", "head_pushed_nodes", "list_nodes",
    "PACKED_THRESHOLD", "set_packed_threshold", "quicklist_repr", "value_listpack",
    "listpack_repr",
    "RdbCursor", "AuxRecord", "SelectRecord", "ResizeRecord", "FunctionRecord", "KeyLoaded", "EofRecord",
    "Record", "RdbLoadError", "read_header", "read_record", "check_trailer",
]

RDB_VERSION = 10

# Object types (rdb.h).
T_STRING, T_LIST, T_SET, T_ZSET, T_HASH, T_ZSET_2 = 0, 1, 2, 3, 4, 5
T_MODULE, T_MODULE_2 = 6, 7
T_HASH_ZIPMAP, T_LIST_ZIPLIST, T_SET_INTSET, T_ZSET_ZIPLIST, T_HASH_ZIPLIST = 9, 10, 11, 12, 13
T_LIST_QUICKLIST, T_STREAM_LISTPACKS, T_HASH_LISTPACK, T_ZSET_LISTPACK = 14, 15, 16, 17
T_LIST_QUICKLIST_2, T_STREAM_LISTPACKS_2 = 18, 19

# Opcodes.
OP_FUNCTION2, OP_FUNCTION, OP_MODULE_AUX, OP_IDLE, OP_FREQ = 245, 246, 247, 248, 249
OP_AUX, OP_RESIZEDB, OP_EXPIRETIME_MS, OP_EXPIRETIME, OP_SELECTDB, OP_EOF = (
    250, 251, 252, 253, 254, 255)

#: quicklist node containers (``QUICKLIST_NODE_CONTAINER_PLAIN`` / ``_PACKED``).
_PLAIN, _PACKED = 1, 2
#: ``optimization_level``: the node byte limits of list-max-listpack-size -1 .. -5.
_OPT_LEVEL = (4096, 8192, 16384, 32768, 65536)
#: ``SIZE_SAFETY_LIMIT``, ``SIZE_ESTIMATE_OVERHEAD`` (quicklist.c).
_SAFETY_LIMIT, _OVERHEAD = 8192, 8
#: ``packed_threshold``'s default (quicklist.c): an element of this many bytes or more gets a
#: plain node of its own. DEBUG QUICKLIST-PACKED-THRESHOLD changes it
#: (``ServerState.ql_packed_threshold``; :func:`set_packed_threshold`).
PACKED_THRESHOLD = 1 << 30


class RdbUnsupported(Exception):
    """A record or value redspec cannot hold or write (old-format functions): refused."""


@attrs.frozen
class Limits:
    """The encoding limits that decide a loaded value's encoding (``server.*_max_*``)."""

    hash_entries: int = 512
    hash_value: int = 64
    zset_entries: int = 128
    zset_value: int = 64
    set_intset: int = 512
    list_fill: int = -2

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Limits:
        """The limits a server with ``config`` applies."""
        return cls(
            config.get("hash-max-listpack-entries", 512), config.get("hash-max-listpack-value", 64),
            config.get("zset-max-listpack-entries", 128), config.get("zset-max-listpack-value", 64),
            config.get("set-max-intset-entries", 512), config.get("list-max-listpack-size", -2))


# -- saving values -------------------------------------------------------------------------------


def set_packed_threshold(sz: int) -> int | None:
    """``quicklistSetPackedThreshold``: the new threshold for ``sz`` bytes (0 restores the
    1 GiB default), or None when it is above 4 GiB less 1 MiB (refused)."""
    if sz > (1 << 32) - (1 << 20):
        return None
    return sz or PACKED_THRESHOLD


#: ``FILL_MAX``: the largest ``list-max-listpack-size`` a quicklist keeps (16-bit signed field).
_FILL_MAX = (1 << 15) - 1


def quicklist_fill(fill: int) -> int:
    """``quicklistSetFill``: ``list-max-listpack-size`` as a quicklist keeps it — above
    ``FILL_MAX`` (32767) that, below -5 (the largest size level, 64 KiB) -5, so a list under
    ``-6`` or ``-100`` packs its nodes as under ``-5``."""
    return max(min(fill, _FILL_MAX), -len(_OPT_LEVEL))


def _allow_insert(node_sz: int, count: int, fill: int, sz: int,
                  threshold: int = PACKED_THRESHOLD) -> bool:
    """``_quicklistNodeAllowInsert``: may an element of ``sz`` bytes join a packed node of
    ``node_sz`` bytes holding ``count`` elements under ``list-max-listpack-size`` ``fill``?
    Never one of ``threshold`` bytes or more (``isLargeElement``)."""
    if sz >= threshold:
        return False
    new_sz = node_sz + sz + _OVERHEAD
    if fill < 0 and -fill - 1 < len(_OPT_LEVEL):
        if new_sz <= _OPT_LEVEL[-fill - 1]:
            return True
    if new_sz > _SAFETY_LIMIT:
        return False
    return count < fill


def quicklist_nodes(elements: list[bytes], fill: int,
                    threshold: int = PACKED_THRESHOLD) -> list[tuple[int, list[bytes]]]:
    """The nodes ``quicklistPushTail`` of each element in turn builds: (container, elements);
    an element of ``threshold`` bytes or more (``packed_threshold``, 1 GiB unless DEBUG
    QUICKLIST-PACKED-THRESHOLD changed it) gets a plain node of its own, and the next element
    a new node (a plain node takes no insert)."""
    fill = quicklist_fill(fill)
    nodes: list[tuple[int, list[bytes]]] = []
    cur: list[bytes] | None = None
    cur_sz = 0
    for e in elements:
        if len(e) >= threshold:
            nodes.append((_PLAIN, [e]))
            cur = None
            continue
        if cur is not None and _allow_insert(cur_sz, len(cur), fill, len(e), threshold):
            cur.append(e)
            cur_sz += listpack_entry_size(e)
        else:
            cur = [e]
            cur_sz = 7 + listpack_entry_size(e)
            nodes.append((_PACKED, cur))
    return nodes


def head_pushed_nodes(elements: list[bytes], fill: int,
                      threshold: int = PACKED_THRESHOLD) -> list[tuple[int, list[bytes]]]:
    """The nodes ``quicklistPushHead`` of each element, last to first, builds: the layout of
    :func:`quicklist_nodes` mirrored, full nodes aligned at the tail and the head node the
    partial one (``_quicklistNodeAllowInsert`` is the same rule at either end)."""
    mirrored = quicklist_nodes(elements[::-1], fill, threshold)
    return [(container, els[::-1]) for container, els in reversed(mirrored)]


def list_nodes(v: ListValue, fill: int,
               threshold: int = PACKED_THRESHOLD) -> list[tuple[int, list[bytes]]]:
    """The quicklist nodes of ``v`` as far as its positions tell them: a list whose every
    element was pushed at the head and whose tail was never touched (all positions below 0,
    the tail still at 0: LPUSH-built, maybe popped at the head) as head pushes fill it
    (:func:`head_pushed_nodes`); any other as consecutive tail pushes would."""
    elements = v.to_list()
    if v.tail == 0 and v.head < 0:
        return head_pushed_nodes(elements, fill, threshold)
    return quicklist_nodes(elements, fill, threshold)


def value_listpack(v: Any) -> bytes | None:
    """The listpack a listpack-encoded value holds in memory (a hash's field, value pairs; a
    sorted set's member, score pairs, scores as ``d2string`` text stored as integers when
    integral), None for any other encoding (DEBUG LISTPACK)."""
    if isinstance(v, HashValue) and v.order is not None:
        return listpack_encode([x for pair in v.items() for x in pair])
    if isinstance(v, ZSet) and v.listpack:
        flat: list[bytes] = []
        for m, sc in v.items():
            flat.append(m)
            flat.append(d2string(sc))
        return listpack_encode(flat)
    return None


def quicklist_repr(v: ListValue, fill: int, compress_depth: int, threshold: int,
                   full: bool, addr: int) -> str:
    """``quicklistRepr``: what DEBUG QUICKLIST prints on stdout — the element and node
    counts, the fill and compress depth, no bookmarks, then per node (:func:`list_nodes`)
    its container, encoding (RAW: the model's nodes are never compressed), size (listpack
    bytes, or a plain node's element length) and count; with ``full`` each node's listpack
    (``lpRepr`` at a stand-in address from ``addr``) or plain element, and the closing
    braces (without it Redis prints none)."""
    nodes = list_nodes(v, fill, threshold)
    out = [f"{{count : {len(v)}}}\n{{len : {len(nodes)}}}\n{{fill : {quicklist_fill(fill)}}}\n"
           f"{{compress : {compress_depth}}}\n{{bookmark_count : 0}}\n"]
    for i, (container, els) in enumerate(nodes):
        blob = els[0] if container == _PLAIN else listpack_encode(els)
        out.append(f"{{quicklist node({i})\n{{container : "
                   f"{'PLAIN' if container == _PLAIN else 'PACKED'}, encoding: RAW, "
                   f"size: {len(blob)}, count: {len(els)}, recompress: 0, "
                   f"attempted_compress: 0}}\n")
        if full:
            if container == _PLAIN:
                text = blob.split(b"\0", 1)[0].decode("latin-1")
                out.append(f"{{ entry : {text} }}\n")
            else:
                out.append("{ listpack:\n" + listpack_repr(blob, addr + (i << 12)) + "}\n")
            out.append("}\n")
    return "".join(out)


def _save_list(v: ListValue, fill: int, compress: bool,
               threshold: int = PACKED_THRESHOLD) -> bytes:
    """``rdbSaveObject`` of a quicklist: the node count, then per node its container and its
    listpack (or a plain node's element) as a string (nodes: :func:`list_nodes`)."""
    nodes = list_nodes(v, fill, threshold)
    out = [save_len(len(nodes))]
    for container, elements in nodes:
        out.append(save_len(container))
        blob = elements[0] if container == _PLAIN else listpack_encode(elements)
        out.append(save_raw_string(blob, compress))
    return b"".join(out)


def _save_set(v: SetValue, compress: bool) -> tuple[int, bytes]:
    """A set: an intset blob (``RDB_TYPE_SET_INTSET``) or the members (``RDB_TYPE_SET``), in
    the set dict's order when the value carries its dict (``dictGetIterator``), else in
    slot order."""
    members = (list(dict_keys(v.ht)) if v.ht is not None and not v.intset
               else list(v.slots[i] for i in range(len(v))))
    if v.intset:
        blob = intset_encode([int(m) for m in members])
        return T_SET_INTSET, save_raw_string(blob, compress)
    return T_SET, save_len(len(members)) + b"".join(save_raw_string(m, compress) for m in members)


def _save_zset(v: ZSet, compress: bool) -> tuple[int, bytes]:
    """A sorted set: one listpack of member, score pairs in order (``RDB_TYPE_ZSET_LISTPACK``)
    or the skiplist from tail to head with binary scores (``RDB_TYPE_ZSET_2``)."""
    items = v.items()
    if v.listpack:
        flat: list[bytes] = []
        for m, s in items:
            flat.append(m)
            flat.append(d2string(s))
        return T_ZSET_LISTPACK, save_raw_string(listpack_encode(flat), compress)
    out = [save_len(len(items))]
    for m, s in reversed(items):
        out.append(save_raw_string(m, compress))
        out.append(save_binary_double(s))
    return T_ZSET_2, b"".join(out)


def _save_hash(v: HashValue, compress: bool) -> tuple[int, bytes]:
    """A hash: one listpack of field, value pairs (``RDB_TYPE_HASH_LISTPACK``) or the pairs
    of the hashtable (``RDB_TYPE_HASH``), in its dict's order when the value carries its
    dict (``dictGetIterator``)."""
    items = v.items()
    if v.order is None and v.ht is not None:
        items = [(f, v.fields[f]) for f in dict_keys(v.ht)]
    if v.order is not None:
        flat = [x for pair in items for x in pair]
        return T_HASH_LISTPACK, save_raw_string(listpack_encode(flat), compress)
    out = [save_len(len(items))]
    for f, val in items:
        out.append(save_raw_string(f, compress))
        out.append(save_raw_string(val, compress))
    return T_HASH, b"".join(out)


def save_object(value: Any, list_fill: int = -2, compress: bool = True,
                threshold: int = PACKED_THRESHOLD) -> bytes:
    """``rdbSaveObjectType`` + ``rdbSaveObject``: the type byte and the serialised value
    (a list's nodes under ``list_fill`` and the packed ``threshold``)."""
    if is_string(value):
        return bytes((T_STRING,)) + save_raw_string(bytes(value), compress)
    if isinstance(value, ListValue):
        return bytes((T_LIST_QUICKLIST_2,)) + _save_list(value, list_fill, compress, threshold)
    if isinstance(value, SetValue):
        t, body = _save_set(value, compress)
    elif isinstance(value, ZSet):
        t, body = _save_zset(value, compress)
    elif isinstance(value, HashValue):
        t, body = _save_hash(value, compress)
    elif isinstance(value, StreamValue):
        t, body = T_STREAM_LISTPACKS_2, save_stream(value, compress)
    else:
        raise RdbUnsupported(f"no RDB encoding for {type(value).__name__} values in redspec")
    return bytes((t,)) + body


def dump_payload(value: Any, list_fill: int = -2, compress: bool = True,
                 threshold: int = PACKED_THRESHOLD) -> bytes:
    """``createDumpPayload``: the object, ``RDB_VERSION`` as 2 little-endian bytes, and the
    CRC-64 of all that."""
    body = save_object(value, list_fill, compress, threshold) + RDB_VERSION.to_bytes(2, "little")
    return body + crc64_bytes(body)


def verify_payload(payload: bytes, check_crc: bool = True) -> bool:
    """``verifyDumpPayload``: at least the 10-byte footer, a version Redis can read, and a
    CRC-64 that matches (not compared with ``check_crc`` off:
    ``server.skip_checksum_validation``)."""
    if len(payload) < 10:
        return False
    if int.from_bytes(payload[-10:-8], "little") > RDB_VERSION:
        return False
    return not check_crc or crc64(payload[:-8]) == int.from_bytes(payload[-8:], "little")


def restore_payload(payload: bytes, limits: Limits) -> Any:
    """The value a verified DUMP payload holds (``rdbLoadObjectType`` + ``rdbLoadObject``);
    :class:`RdbCorrupt` when it does not decode (RESTORE's "Bad data format"). As Redis's
    ``rio`` over the whole payload, a value may read into the footer (only a payload whose
    lengths say so: with a matching CRC, or with DEBUG SET-SKIP-CHECKSUM-VALIDATION 1), and
    bytes between the value and the footer are ignored."""
    r = Reader(payload)
    t = r.byte()
    return load_object(t, r, limits)


# -- loading values ------------------------------------------------------------------------------


def _list_of(elements: list[bytes]) -> ListValue:
    """A loaded list (Redis keeps a non-empty quicklist; an empty one is corrupt)."""
    if not elements:
        raise RdbEmptyKey("Empty list")
    return ListValue.of(elements)


def _load_quicklist(r: Reader, rtype: int) -> list[bytes]:
    """The elements of ``RDB_TYPE_LIST_QUICKLIST`` (ziplist nodes) or ``_2`` (containers and
    listpack or plain nodes); empty nodes are skipped as Redis skips them."""
    out: list[bytes] = []
    for _ in range(r.load_len()):
        container = _PACKED
        if rtype == T_LIST_QUICKLIST_2:
            container = r.load_len()
            if container not in (_PLAIN, _PACKED):
                raise RdbCorrupt(f"Quicklist integrity check failed: container {container}")
        blob = r.load_string()
        if container == _PLAIN:
            out.append(blob)
        elif rtype == T_LIST_QUICKLIST_2:
            out.extend(listpack_decode(blob))
        else:
            out.extend(ziplist_decode(blob))
    return out


def _set_of(members: list[bytes], limits: Limits) -> SetValue:
    """A loaded set: an intset while every member is an integer and there are at most
    ``set-max-intset-entries``, else a hashtable; duplicates are corruption."""
    if len(set(members)) != len(members):
        raise RdbCorrupt("Duplicate set members detected")
    if not members:
        raise RdbEmptyKey("Empty set")
    intset = len(members) <= limits.set_intset and all(tset.is_int_member(m) for m in members)
    return tset.of(members, intset)


def _zset_of(pairs: list[tuple[bytes, float]], listpack: bool) -> ZSet:
    """A loaded sorted set in the encoding decided by the caller."""
    scores = dict(pairs)
    if len(scores) != len(pairs):
        raise RdbCorrupt("Duplicate zset fields detected")
    if not pairs:
        raise RdbEmptyKey("Empty zset")
    if any(math.isnan(s) for _, s in pairs):
        raise RdbCorrupt("Zset with NAN score detected")
    if listpack:
        scores = {m: (0.0 if s == 0.0 else s) for m, s in scores.items()}
    items = sorted((s, m) for m, s in scores.items())
    return ZSet(Map(scores), tzset.tree_build(items, 0, len(items)), listpack)


def _zset_listpack_pairs(entries: list[bytes]) -> list[tuple[bytes, float]]:
    """Member, score pairs of a zset listpack or ziplist (scores as ``zzlGetScore`` reads)."""
    if len(entries) % 2:
        raise RdbCorrupt("Zset listpack integrity check failed")
    out = []
    for i in range(0, len(entries), 2):
        try:
            out.append((entries[i], float(entries[i + 1])))
        except ValueError as e:
            raise RdbCorrupt("Zset listpack score") from e
    return out


def _hash_of(pairs: list[tuple[bytes, bytes]], listpack: bool) -> HashValue:
    """A loaded hash, listpack (fields in file order) or hashtable."""
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise RdbCorrupt("Duplicate hash fields detected")
    if not pairs:
        raise RdbEmptyKey("Empty hash")
    if listpack:
        return HashValue(Map(fields), Map({f: i for i, (f, _) in enumerate(pairs)}), len(pairs))
    return HashValue(Map(fields), None, 0)


def _pairs(flat: list[bytes]) -> list[tuple[bytes, bytes]]:
    """Consecutive entries as pairs (a hash listpack or ziplist)."""
    if len(flat) % 2:
        raise RdbCorrupt("Hash listpack integrity check failed")
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def _module_type_name(module_id: int) -> str:
    """``moduleTypeNameByID``: the 9-character name encoded in a module type id."""
    cset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    n = module_id >> 10
    name = []
    for _ in range(9):
        name.append(cset[n & 63])
        n >>= 6
    return "".join(reversed(name))


def _intset_members(blob: bytes) -> list[bytes]:
    """An ``RDB_TYPE_SET_INTSET`` blob's members: ``rdbLoadObject`` reports any failure of
    ``intsetValidateIntegrity`` (header, size, an empty intset, order) as "Intset integrity
    check failed."."""
    try:
        return [b"%d" % v for v in intset_decode(blob)]
    except RdbCorrupt as e:
        raise RdbCorrupt("Intset integrity check failed.") from e


def _zipmap_pairs(blob: bytes) -> list[tuple[bytes, bytes]]:
    """An ``RDB_TYPE_HASH_ZIPMAP`` blob's pairs: ``rdbLoadObject`` validates a zipmap deeply
    (it converts it entry by entry anyway) and reports a bad or empty one as "Zipmap
    integrity check failed."."""
    try:
        pairs = zipmap_decode(blob)
    except RdbCorrupt as e:
        raise RdbCorrupt("Zipmap integrity check failed.") from e
    if not pairs:
        raise RdbCorrupt("Zipmap integrity check failed.")
    return pairs


def _load_hash(rtype: int, r: Reader, limits: Limits) -> HashValue:
    """The hash types: ``RDB_TYPE_HASH`` (pairs), ``_ZIPMAP``, ``_ZIPLIST``, ``_LISTPACK``."""
    if rtype == T_HASH:
        n = r.load_len()
        pairs = [(r.load_string(), r.load_string()) for _ in range(n)]
        lp = n <= limits.hash_entries and all(
            len(f) <= limits.hash_value and len(v) <= limits.hash_value for f, v in pairs)
        return _hash_of(pairs, lp)
    blob = r.load_string()
    if rtype == T_HASH_ZIPMAP:
        pairs = _zipmap_pairs(blob)
    elif rtype == T_HASH_ZIPLIST:
        pairs = _pairs(ziplist_decode(blob))
    else:
        pairs = _pairs(listpack_decode(blob))
    lp = len(pairs) <= limits.hash_entries
    if rtype == T_HASH_ZIPMAP:
        lp = lp and all(len(f) <= limits.hash_value and len(v) <= limits.hash_value
                        for f, v in pairs)
    return _hash_of(pairs, lp)


def _load_zset(rtype: int, r: Reader, limits: Limits) -> ZSet:
    """The sorted set types: ``RDB_TYPE_ZSET`` (text scores), ``_ZSET_2`` (binary scores),
    ``_ZIPLIST``, ``_LISTPACK``."""
    if rtype in (T_ZSET, T_ZSET_2):
        n = r.load_len()
        pairs = []
        for _ in range(n):
            m = r.load_string()
            s = r.load_binary_double() if rtype == T_ZSET_2 else r.load_double()
            pairs.append((m, s))
        lp = n <= limits.zset_entries and all(len(m) <= limits.zset_value for m, _ in pairs)
        return _zset_of(pairs, lp)
    blob = r.load_string()
    entries = ziplist_decode(blob) if rtype == T_ZSET_ZIPLIST else listpack_decode(blob)
    pairs = _zset_listpack_pairs(entries)
    return _zset_of(pairs, len(pairs) <= limits.zset_entries)


def load_object(rtype: int, r: Reader, limits: Limits) -> Any:
    """``rdbLoadObject``: the value of type ``rtype`` at the reader's position, in the
    encoding Redis gives it under ``limits``."""
    if rtype == T_STRING:
        return r.load_string()
    if rtype == T_LIST:
        return _list_of([r.load_string() for _ in range(r.load_len())])
    if rtype in (T_LIST_QUICKLIST, T_LIST_QUICKLIST_2):
        return _list_of(_load_quicklist(r, rtype))
    if rtype == T_LIST_ZIPLIST:
        return _list_of(ziplist_decode(r.load_string()))
    if rtype == T_SET:
        return _set_of([r.load_string() for _ in range(r.load_len())], limits)
    if rtype == T_SET_INTSET:
        members = _intset_members(r.load_string())
        return tset.of(members, len(members) <= limits.set_intset)
    if rtype in (T_HASH, T_HASH_ZIPMAP, T_HASH_ZIPLIST, T_HASH_LISTPACK):
        return _load_hash(rtype, r, limits)
    if rtype in (T_ZSET, T_ZSET_2, T_ZSET_ZIPLIST, T_ZSET_LISTPACK):
        return _load_zset(rtype, r, limits)
    if rtype in (T_STREAM_LISTPACKS, T_STREAM_LISTPACKS_2):
        return load_stream(r, rtype == T_STREAM_LISTPACKS_2)
    if rtype in (T_MODULE, T_MODULE_2):
        name = _module_type_name(r.load_len())
        raise RdbCorrupt(
            f"The RDB file contains module data I can't load: no matching module type '{name}'")
    raise RdbCorrupt(f"Unknown RDB encoding type {rtype}")


# -- files ---------------------------------------------------------------------------------------


@attrs.frozen
class KeyRecord:
    """One key as a file holds it: the value, the absolute expiry (ms, or -1), and the
    access information the saver wrote (IDLE seconds, FREQ counter; None when absent)."""

    key: bytes
    value: Any
    expire_ms: int = -1
    idle_s: int | None = None
    freq: int | None = None


@attrs.frozen
class RdbFile:
    """A decoded RDB file: its version, AUX fields in order, the libraries of its FUNCTION2
    records (their code), and per database id the keys in file order."""

    version: int
    aux: tuple[tuple[bytes, bytes], ...]
    functions: tuple[bytes, ...]
    dbs: tuple[tuple[int, tuple[KeyRecord, ...]], ...]


def _aux(key: bytes, value: bytes, compress: bool) -> bytes:
    """``rdbSaveAuxField``: the AUX opcode, the name and the value as strings."""
    return bytes((OP_AUX,)) + save_raw_string(key, compress) + save_raw_string(value, compress)


def encode_file(
    aux: list[tuple[bytes, bytes]],
    dbs: list[tuple[int, list[KeyRecord]]],
    functions: list[bytes] | None = None,
    list_fill: int = -2,
    compress: bool = True,
    checksum: bool = True,
    threshold: int = PACKED_THRESHOLD,
) -> bytes:
    """``rdbSaveRio``: magic, AUX fields, FUNCTION2 records, each non-empty database (SELECTDB,
    RESIZEDB with its key and expiry counts, then per key EXPIRETIME_MS, IDLE, FREQ when
    given, the object type, the key and the value), EOF and the checksum."""
    out = [b"REDIS%04d" % RDB_VERSION]
    out.extend(_aux(k, v, compress) for k, v in aux)
    for code in functions or ():
        out.append(bytes((OP_FUNCTION2,)) + save_raw_string(code, compress))
    for dbid, records in dbs:
        if not records:
            continue
        out.append(bytes((OP_SELECTDB,)) + save_len(dbid))
        expires = sum(1 for rec in records if rec.expire_ms != -1)
        out.append(bytes((OP_RESIZEDB,)) + save_len(len(records)) + save_len(expires))
        for rec in records:
            if rec.expire_ms != -1:
                out.append(bytes((OP_EXPIRETIME_MS,)) + rec.expire_ms.to_bytes(8, "little",
                                                                               signed=True))
            if rec.idle_s is not None:
                out.append(bytes((OP_IDLE,)) + save_len(rec.idle_s))
            if rec.freq is not None:
                out.append(bytes((OP_FREQ, rec.freq)))
            obj = save_object(rec.value, list_fill, compress, threshold)
            out.append(obj[:1] + save_raw_string(rec.key, compress) + obj[1:])
    out.append(bytes((OP_EOF,)))
    body = b"".join(out)
    return body + (crc64_bytes(body) if checksum else bytes(8))


@attrs.frozen
class RdbCursor:
    """Where a file being read stands between records (``rdbLoadRio``'s loop variables):
    the byte position, the database selected, and the expiry, IDLE and FREQ read for the
    next key (-1 / None: none)."""

    pos: int
    version: int
    dbid: int = 0
    expire: int = -1
    idle: int | None = None
    freq: int | None = None


@attrs.frozen
class AuxRecord:
    """An ``RDB_OPCODE_AUX`` field."""

    key: bytes
    value: bytes


@attrs.frozen
class SelectRecord:
    """An ``RDB_OPCODE_SELECTDB``: the keys that follow go to database ``dbid``."""

    dbid: int


@attrs.frozen
class ResizeRecord:
    """An ``RDB_OPCODE_RESIZEDB``: how many keys and expiries the selected database gets."""

    db_size: int
    expires_size: int


@attrs.frozen
class FunctionRecord:
    """An ``RDB_OPCODE_FUNCTION2`` (or a release candidate's ``RDB_OPCODE_FUNCTION``,
    rebuilt): one function library's code."""

    code: bytes


@attrs.frozen
class KeyLoaded:
    """A key record for database ``dbid`` (``record`` None: an empty collection, which
    ``rdbLoadRio`` skips)."""

    dbid: int
    key: bytes
    record: KeyRecord | None


@attrs.frozen
class EofRecord:
    """``RDB_OPCODE_EOF``: the checksum follows."""


Record = (AuxRecord | SelectRecord | ResizeRecord | FunctionRecord | KeyLoaded | EofRecord
          | None)

#: ``rdbIsObjectType``: the value types a file may hold.
_OBJECT_TYPES = frozenset((*range(0, 8), *range(9, 20)))

#: Opcodes that only set what applies to the next key.
_PREFIX_OPS = (OP_EXPIRETIME, OP_EXPIRETIME_MS, OP_FREQ, OP_IDLE)


class RdbLoadError(RdbCorrupt):
    """A record failed to load: the reason, with where and what (for the
    ``redis-check-rdb``-style report: the operation, the key and its type when known)."""

    def __init__(self, reason: str, pos: int, doing: str, key: bytes | None = None,
                 rtype: int | None = None, eof: bool = False) -> None:
        super().__init__(reason)
        self.pos = pos
        self.doing = doing
        self.key = key
        self.rtype = rtype
        self.eof = eof


def _pre_ga_library(r: Reader) -> bytes:
    """An ``RDB_OPCODE_FUNCTION`` record, the format of 7.0's release candidates, as
    ``rdbFunctionLoad`` reads it: the library's name, its engine, a flag and (when set) a
    description, then the code without its first line; the library's code is rebuilt as
    ``#!<engine> name=<name>`` and a newline before it (the description is dropped), which
    is what FUNCTION DUMP and a save give back, as an ``RDB_OPCODE_FUNCTION2``."""
    name = r.load_string()
    engine = r.load_string()
    if r.load_len():
        r.load_string()
    body = r.load_string()
    return b"#!" + engine + b" name=" + name + b"\n" + body


def read_header(data: bytes) -> RdbCursor:
    """The ``REDIS`` magic and the 4-digit version (``rdbLoadRio``'s first check)."""
    if len(data) < 9 or data[:5] != b"REDIS":
        raise RdbCorrupt("Wrong signature trying to load DB from file")
    try:
        version = int(data[5:9].decode("ascii"))
    except ValueError as e:
        raise RdbCorrupt("Can't handle RDB format version 0") from e
    if version < 1 or version > RDB_VERSION:
        raise RdbCorrupt(f"Can't handle RDB format version {version}")
    return RdbCursor(9, version)


def _prefix(r: Reader, t: int, c: RdbCursor) -> RdbCursor:
    """An opcode that sets the next key's expiry, FREQ or IDLE."""
    if t == OP_EXPIRETIME:
        return attrs.evolve(c, expire=int.from_bytes(r.take(4), "little", signed=True) * 1000)
    if t == OP_EXPIRETIME_MS:
        return attrs.evolve(c, expire=r.load_millis())
    if t == OP_FREQ:
        return attrs.evolve(c, freq=r.byte())
    return attrs.evolve(c, idle=r.load_len())


def read_record(r: Reader, c: RdbCursor, limits: Limits, dbnum: int
                ) -> tuple[RdbCursor, Record]:
    """One step of ``rdbLoadRio``'s loop from ``c`` with ``r`` at ``c.pos``: the opcodes
    that prefix a key are folded into the cursor; the next record is returned (None after
    an opcode that only changed the cursor). Raises :class:`RdbLoadError` saying where."""
    doing = "read-type"
    key: bytes | None = None
    t: int | None = None
    try:
        t = r.byte()
        if t in _PREFIX_OPS:
            doing = "read-op"
            return attrs.evolve(_prefix(r, t, c), pos=r.pos), None
        if t == OP_EOF:
            return attrs.evolve(c, pos=r.pos), EofRecord()
        if t == OP_SELECTDB:
            doing = "read-op"
            dbid = r.load_len()
            if dbid >= dbnum:
                raise RdbCorrupt(
                    f"FATAL: Data file was created with a Redis server configured to handle "
                    f"more than {dbnum} databases. Exiting\n")
            return attrs.evolve(c, pos=r.pos, dbid=dbid), SelectRecord(dbid)
        if t == OP_RESIZEDB:
            doing = "read-op"
            db_size = r.load_len()
            expires_size = r.load_len()
            return attrs.evolve(c, pos=r.pos), ResizeRecord(db_size, expires_size)
        if t == OP_AUX:
            doing = "read-aux"
            k = r.load_string()
            v = r.load_string()
            return attrs.evolve(c, pos=r.pos), AuxRecord(k, v)
        if t == OP_MODULE_AUX:
            name = _module_type_name(r.load_len())
            raise RdbCorrupt(
                f"The RDB file contains AUX module data I can't load: no matching module '{name}'")
        if t == OP_FUNCTION2:
            doing = "read-functions"
            code = r.load_string()
            return attrs.evolve(c, pos=r.pos), FunctionRecord(code)
        if t == OP_FUNCTION:
            doing = "read-functions"
            return attrs.evolve(c, pos=r.pos), FunctionRecord(_pre_ga_library(r))
        if t not in _OBJECT_TYPES:
            raise RdbCorrupt(f"Unknown RDB encoding type {t}")
        doing = "read-key"
        key = r.load_string()
        doing = "read-object-value"
        try:
            value = load_object(t, r, limits)
        except RdbEmptyKey:  # rdbLoadRio skips an empty key (and logs it)
            return RdbCursor(r.pos, c.version, c.dbid), KeyLoaded(c.dbid, key, None)
        rec = KeyRecord(key, value, c.expire, c.idle, c.freq)
        return RdbCursor(r.pos, c.version, c.dbid), KeyLoaded(c.dbid, key, rec)
    except RdbLoadError:
        raise
    except RdbUnsupported:
        raise
    except RdbCorrupt as e:
        known = doing in ("read-key", "read-object-value")
        raise RdbLoadError(str(e), r.pos, doing, key, t if known else None,
                           isinstance(e, RdbEof)) from e


def check_trailer(data: bytes, r: Reader, c: RdbCursor, verify: bool = True) -> int | None:
    """After EOF, from version 5: the stored CRC-64 (8 bytes, little-endian) is compared
    with the CRC-64 of everything before it, unless it is zero (``rdbchecksum no`` when
    saved) or ``verify`` is off (``rdbchecksum no`` when loading). Returns the stored value
    (None before version 5)."""
    if c.version < 5:
        return None
    try:
        stored = int.from_bytes(r.take(8), "little")
    except RdbCorrupt as e:
        raise RdbLoadError(str(e), r.pos, "check-sum", eof=True) from e
    if not verify or stored == 0:
        return stored
    computed = crc64(data[:r.pos - 8])
    if stored != computed:  # Redis calls the computed one "expected"
        raise RdbLoadError(
            f"Wrong RDB checksum expected: ({computed:x}) but got ({stored:x}). Aborting now.",
            r.pos, "check-sum")
    return stored


def decode_file(data: bytes, limits: Limits, dbnum: int = 16) -> RdbFile:
    """``rdbLoadRio``: every record of the file, checked as Redis checks it (magic and
    version, database ids below ``databases``, no duplicate key, the trailing CRC-64 unless
    it is zero). Raises :class:`RdbCorrupt` (or :class:`RdbUnsupported`) with the reason."""
    c = read_header(data)
    r = Reader(data, c.pos)
    aux: list[tuple[bytes, bytes]] = []
    functions: list[bytes] = []
    dbs: dict[int, list[KeyRecord]] = {}
    seen: dict[int, set[bytes]] = {}
    while True:
        c, rec = read_record(r, c, limits, dbnum)
        if isinstance(rec, EofRecord):
            break
        if isinstance(rec, AuxRecord):
            aux.append((rec.key, rec.value))
        elif isinstance(rec, FunctionRecord):
            functions.append(rec.code)
        elif isinstance(rec, KeyLoaded) and rec.record is not None:
            keys = seen.setdefault(rec.dbid, set())
            if rec.key in keys:
                raise RdbCorrupt(
                    f"RDB has duplicated key '{rec.key.decode('latin-1')}' in DB {rec.dbid}")
            keys.add(rec.key)
            dbs.setdefault(rec.dbid, []).append(rec.record)
    check_trailer(data, r, c)
    return RdbFile(c.version, tuple(aux), tuple(functions),
                   tuple((d, tuple(recs)) for d, recs in sorted(dbs.items())))
