"""The base file an AOF rewrite writes (``aof.c``'s ``rewriteAppendOnlyFile``): the dataset
of the fork-time snapshot as one file, the first of the AOF set.

Two formats, chosen by ``aof-use-rdb-preamble`` (:func:`aof_base_is_rdb`):

- **RDB** (``yes``, the default): ``rdbSaveRio(..., RDBFLAGS_AOF_PREAMBLE)``, the RDB file
  ``spec.persist.rdb_save`` writes, its AUX ``aof-base`` 1. Nothing else: 7.0.15 writes no
  ``#TS`` annotation in front of it (the annotation belongs to the command writer).
- **commands** (``no``): ``rewriteAppendOnlyFileRio``. With ``aof-timestamp-enabled`` a
  ``#TS:<unix seconds>`` line first (``genAofTimestampAnnotationIfNeeded(1)``); then one
  ``FUNCTION LOAD`` per function library (``rewriteFunctions``); then each non-empty database
  in number order: ``SELECT <db>`` and every key in the keyspace dict's iteration order
  (``dictGetSafeIterator``: table 0's buckets, then table 1's while rehashing, each chain
  head first; ``spec.dict.dict_keys``), written as

  ============  =================================================================
  string        ``SET key value``
  list          ``RPUSH key e1 .. e64`` batches, head to tail
  set           ``SADD key m1 .. m64`` batches: ascending for an intset, the set's
                dict order for a hashtable
  sorted set    ``ZADD key s1 m1 .. s64 m64`` batches: rank order for a listpack,
                the ``zset->dict`` order for a skiplist; scores as ``%.17g``
                (``rioWriteBulkDouble``: ``inf``, ``-inf``, ``-0``)
  hash          ``HMSET key f1 v1 .. f64 v64`` batches: insertion order for a
                listpack, the dict order for a hashtable
  stream        ``XADD key id f v ..`` per live entry (an empty stream:
                ``XADD key MAXLEN 0 0-1 x y``); ``XSETID key last ENTRIESADDED n
                MAXDELETEDID id``; per group in name order ``XGROUP CREATE key g
                last-id ENTRIESREAD n``, then per consumer in name order either
                ``XGROUP CREATECONSUMER key g c`` (nothing pending) or, per pending
                ID in order, ``XCLAIM key g c 0 id TIME t RETRYCOUNT n JUSTID FORCE``
  ============  =================================================================

  followed by ``PEXPIREAT key <absolute ms>`` for a key with a TTL (a TTL already past is
  written too: loading then deletes the key). A batch holds ``AOF_REWRITE_ITEMS_PER_CMD``
  (64) items, the last one the rest.

Every command is a RESP array of bulk strings, as ``rioWriteBulkCount`` /
``rioWriteBulkString`` / ``rioWriteBulkLongLong`` write them. The orders of hashtable values
come from the dicts the values carry (``spec.types.valuedict``) under the snapshot's hash
seed; a value that tracks no dict has one rebuilt from its elements, as SCAN does. The
function libraries come in name order, as ``spec.persist.library_codes`` writes them (Redis's
is its library dict's order, which redspec does not model).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .dict import HashTables, dict_keys
from .persist import dict_order, rdb_save
from .state import Db, ServerState
from .step import Step
from .types.hash import HashValue
from .types.list import ListValue
from .types.set import SetValue
from .types.stream import Group, StreamValue, format_id
from .types.string import is_string
from .types.valuedict import Seed, dict_of
from .types.zset import ZSet

__all__ = ["AOF_REWRITE_ITEMS_PER_CMD", "aof_base_is_rdb", "aof_base_bytes", "aof_base_suffix",
           "timestamp_annotation", "bulk", "command_bytes", "rewrite_dataset", "rewrite_key",
           "rewrite_functions", "keyspace_order", "element_order", "format_score", "expire_command",
           "AofRewriteUnsupported"]

#: ``AOF_REWRITE_ITEMS_PER_CMD``: the most items one RPUSH / SADD / ZADD / HMSET carries.
AOF_REWRITE_ITEMS_PER_CMD = 64


class AofRewriteUnsupported(Exception):
    """A value redspec has no rewrite for (a module type, which ``rewriteModuleObject``
    would hand to its module): refused rather than written wrong."""


def aof_base_is_rdb(config: Mapping[str, Any]) -> bool:
    """``server.aof_use_rdb_preamble``: a rewrite writes an RDB base (``….base.rdb``)
    rather than commands (``….base.aof``)."""
    return bool(config.get("aof-use-rdb-preamble", True))


def aof_base_suffix(config: Mapping[str, Any]) -> str:
    """The base file's format suffix (``RDB_FORMAT_SUFFIX`` / ``AOF_FORMAT_SUFFIX``)."""
    return ".rdb" if aof_base_is_rdb(config) else ".aof"


def timestamp_annotation(now_ms: int) -> bytes:
    """``genAofTimestampAnnotationIfNeeded``'s line: ``#TS:<unix seconds>\\r\\n``."""
    return b"#TS:%d\r\n" % (now_ms // 1000)


def bulk(arg: bytes) -> bytes:
    """``rioWriteBulkString``: ``$<len>\\r\\n<bytes>\\r\\n`` (``rioWriteBulkLongLong`` is the
    same with the number's decimal text)."""
    return b"$%d\r\n%s\r\n" % (len(arg), arg)


def command_bytes(argv: Iterable[bytes]) -> bytes:
    """A command as the AOF holds it: ``*<argc>`` (``rioWriteBulkCount``) and each argument
    as a bulk string."""
    args = list(argv)
    return b"*%d\r\n" % len(args) + b"".join(bulk(a) for a in args)


def format_score(score: float) -> bytes:
    """``rioWriteBulkDouble``'s text: ``%.17g`` (so ``inf``, ``-inf``, ``-0``, and 1.1 as
    ``1.1000000000000001``)."""
    return b"%.17g" % score


def _batched(out: list[bytes], name: bytes, key: bytes, items: list[list[bytes]]) -> None:
    """The variadic command of ``rewriteListObject`` & co.: the items in batches of
    ``AOF_REWRITE_ITEMS_PER_CMD``, each batch ``*<2 + n*width>``, the name, the key and
    the batch's items (each ``width`` arguments)."""
    for i in range(0, len(items), AOF_REWRITE_ITEMS_PER_CMD):
        batch = items[i:i + AOF_REWRITE_ITEMS_PER_CMD]
        argc = 2 + sum(len(it) for it in batch)
        out.append(b"*%d\r\n" % argc + bulk(name) + bulk(key))
        out.extend(bulk(a) for it in batch for a in it)


def element_order(value: Any, seed: Seed) -> list[bytes]:
    """The order a set, hash or sorted set iterates its elements (``setTypeNext``,
    ``hashTypeNext``, ``zzlNext`` / ``dictNext`` over ``zset->dict``): the compact encoding's
    own order, or the hashtable's dict order (the value's dict, or one rebuilt from its
    elements when it tracks none)."""
    ht: HashTables
    if isinstance(value, SetValue):
        if value.intset:
            return value.members()
        ht = dict_of(value.ht, value.members(), seed)
    elif isinstance(value, HashValue):
        if value.order is not None:
            return list(value.keys())
        ht = dict_of(value.ht, value.keys(), seed)
    elif isinstance(value, ZSet):
        if value.listpack:
            return list(value)
        ht = dict_of(value.ht, iter(value), seed)
    else:
        raise TypeError(f"no element order for {type(value).__name__}")
    return list(dict_keys(ht))


def _rewrite_stream(out: list[bytes], key: bytes, v: StreamValue) -> None:
    """``rewriteStreamObject``: the entries, the stream's IDs and counters, then the groups
    with their consumers and pending entries."""
    if v.length:
        for e in v.entries():
            out.append(command_bytes([b"XADD", key, format_id(e.id), *e.pairs()]))
    else:  # the XADD MAXLEN 0 trick: an empty stream
        out.append(command_bytes([b"XADD", key, b"MAXLEN", b"0", b"0-1", b"x", b"y"]))
    out.append(command_bytes([b"XSETID", key, format_id(v.last_id), b"ENTRIESADDED",
                              b"%d" % v.entries_added, b"MAXDELETEDID",
                              format_id(v.max_deleted_id)]))
    for gname in sorted(v.groups.keys()):  # raxSeek "^" + raxNext: byte order
        _rewrite_group(out, key, gname, v.groups[gname])


def _rewrite_group(out: list[bytes], key: bytes, gname: bytes, g: Group) -> None:
    """One consumer group: ``XGROUP CREATE … ENTRIESREAD``, then per consumer (name order)
    ``XGROUP CREATECONSUMER`` (``rioWriteStreamEmptyConsumer``) or one ``XCLAIM`` per pending
    entry of its PEL in ID order (``rioWriteStreamPendingEntry``)."""
    out.append(command_bytes([b"XGROUP", b"CREATE", key, gname, format_id(g.last_id),
                              b"ENTRIESREAD", b"%d" % g.entries_read]))
    for cname in sorted(g.consumers.keys()):
        c = g.consumers[cname]
        if not len(c.pel):
            out.append(command_bytes([b"XGROUP", b"CREATECONSUMER", key, gname, cname]))
            continue
        for sid in sorted(c.pel.keys()):
            nack = g.pel[sid]
            out.append(command_bytes([
                b"XCLAIM", key, gname, cname, b"0", format_id(sid), b"TIME",
                b"%d" % nack.delivery_time, b"RETRYCOUNT", b"%d" % nack.delivery_count,
                b"JUSTID", b"FORCE"]))


def rewrite_key(key: bytes, value: Any, expire_ms: int, seed: Seed) -> bytes:
    """One key of ``rewriteAppendOnlyFileRio``: its type's commands, then ``PEXPIREAT`` when
    it has a TTL (``expire_ms`` -1: none)."""
    out: list[bytes] = []
    if is_string(value):
        out.append(command_bytes([b"SET", key, bytes(value)]))
    elif isinstance(value, ListValue):
        _batched(out, b"RPUSH", key, [[e] for e in value.to_list()])
    elif isinstance(value, SetValue):
        _batched(out, b"SADD", key, [[m] for m in element_order(value, seed)])
    elif isinstance(value, ZSet):
        scores = value.scores
        _batched(out, b"ZADD", key,
                 [[format_score(scores[m]), m] for m in element_order(value, seed)])
    elif isinstance(value, HashValue):
        fields = value.fields
        _batched(out, b"HMSET", key, [[f, fields[f]] for f in element_order(value, seed)])
    elif isinstance(value, StreamValue):
        _rewrite_stream(out, key, value)
    else:
        raise AofRewriteUnsupported(
            f"no AOF rewrite for {type(value).__name__} values in redspec")
    if expire_ms != -1:
        out.append(expire_command(key, expire_ms))
    return b"".join(out)


def expire_command(key: bytes, expire_ms: int) -> bytes:
    """The TTL line after a key: ``PEXPIREAT key <unix ms>``, the absolute time (so a file
    loaded later expires the key when the original would have)."""
    return command_bytes([b"PEXPIREAT", key, b"%d" % expire_ms])


def keyspace_order(db: Db) -> list[bytes]:
    """``dictGetSafeIterator(db->dict)`` order: the database's dict when it holds exactly
    the keys (``spec.dict.dict_keys``), else (a state built without the dict) the map's
    (``spec.persist.dict_order``, the RDB writer's order too)."""
    return dict_order(db.keys, db.ht)


def rewrite_functions(libraries: Mapping[bytes, Any]) -> bytes:
    """``rewriteFunctions``: ``FUNCTION LOAD <code>`` per library (in name order)."""
    return b"".join(command_bytes([b"FUNCTION", b"LOAD", libraries[name].code])
                    for name in sorted(libraries.keys()))


def rewrite_dataset(snapshot: ServerState) -> bytes:
    """``rewriteAppendOnlyFileRio`` without the timestamp line: the libraries, then per
    non-empty database ``SELECT`` and its keys."""
    seed = snapshot.dicts.seed
    out = [rewrite_functions(snapshot.scripting.libraries)]
    for j, db in enumerate(snapshot.dbs):
        if not len(db.keys):
            continue
        out.append(command_bytes([b"SELECT", b"%d" % j]))
        keys, expires = db.keys, db.expires
        for k in keyspace_order(db):
            out.append(rewrite_key(k, keys[k], expires.get(k, -1), seed))
    return b"".join(out)


def aof_base_bytes(snapshot: ServerState, now_ms: int) -> bytes:
    """``rewriteAppendOnlyFile``'s whole file for the fork-time ``snapshot`` (a frozen
    ``ServerState``: ``spec.persist.fork_snapshot``) at ``now_ms``: with
    ``aof-use-rdb-preamble`` the RDB file with AUX ``aof-base`` 1; otherwise the commands of
    :func:`rewrite_dataset`, after a ``#TS`` line when ``aof-timestamp-enabled``."""
    config = snapshot.config
    if aof_base_is_rdb(config):
        return rdb_save(Step(snapshot, now_ms), aof_base=True)
    head = timestamp_annotation(now_ms) if config.get("aof-timestamp-enabled", False) else b""
    return head + rewrite_dataset(snapshot)
