"""Keyspace commands (Redis's ``db.c`` generic commands).

DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME, RENAMENX, COPY, MOVE, SWAPDB, KEYS, RANDOMKEY,
DBSIZE, FLUSHDB, FLUSHALL. Every one of them goes through the :class:`DbView` primitives, so
a logically expired key is deleted where Redis's lookups delete it (``expireIfNeeded``) and
skipped where Redis only skips it (KEYS); DBSIZE, like ``dictSize``, still counts expired keys
that nothing has touched yet.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from ..db import DbView
from ..dict import dict_fair_random_key, dict_keys
from ..errors import DB_INDEX, NO_SUCH_KEY, NOT_INTEGER, SAME_OBJECT, SYNTAX
from ..evict import new_lru
from ..glob import compile_glob
from ..lazyfree import free_db_async
from ..numbers import string2ll
from ..persist import kill_rdb_child, rdb_save_and_reset, save_params
from ..reply import OK, Err, Reply, Status
from ..state import Db
from ..step import Step
from ..tracking import invalidate_on_flush
from ..values import copy_value, type_name
from .registry import command

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
_INT_RANGE = Err(f"ERR value is out of range, value must between {_INT_MIN} and {_INT_MAX}")
_FIRST_DB = Err("ERR invalid first DB index")
_SECOND_DB = Err("ERR invalid second DB index")


def get_int(arg: bytes, msg: Err | None = None) -> int | Err:
    """``getIntFromObjectOrReply``: a C ``int`` or the error Redis replies.

    Not a 64-bit integer: ``msg`` or "value is not an integer or out of range"; outside the
    ``int`` range: ``msg`` or "value is out of range, value must between ...".
    """
    v = string2ll(arg)
    if v is None:
        return NOT_INTEGER if msg is None else msg
    if not _INT_MIN <= v <= _INT_MAX:
        return _INT_RANGE if msg is None else msg
    return v


@command("del", "unlink")
def del_(s: Step, argv: list[bytes]) -> Reply:
    """DEL / UNLINK key [key ...] (``delGenericCommand``): how many of the keys existed and
    were removed. An expired key is expired first (and so not counted).

    UNLINK frees a big value in the background (``dbAsyncDelete``), and so does DEL under
    ``lazyfree-lazy-user-del``: only INFO's ``lazyfreed_objects`` shows it (spec.lazyfree).
    """
    db = s.db
    lazy = argv[0].lower() == b"unlink" or bool(s.config.get("lazyfree-lazy-user-del"))
    n = 0
    for key in argv[1:]:
        db.expire_if_needed(key)
        if db.delete(key, lazy):
            s.notify("g", "del", key, db.id)
            s.dirty += 1
            n += 1
    return n


@command("exists", "touch")
def exists(s: Step, argv: list[bytes]) -> Reply:
    """EXISTS / TOUCH key [key ...] (``existsCommand``, ``touchCommand``): how many of the
    named keys exist (a key named twice counts twice), counting keyspace hits and misses.

    TOUCH's ``lookupKeyRead`` refreshes each existing key's access time; EXISTS looks up with
    ``LOOKUP_NOTOUCH`` (``spec.lru.NOTOUCH``), which leaves it alone.
    """
    db = s.db
    n = 0
    for key in argv[1:]:
        if db.lookup_read(key) is not None:
            n += 1
    return n


_NONE = Status("none")


@command("type")
def type_(s: Step, argv: list[bytes]) -> Reply:
    """TYPE key (``typeCommand``): the value's type name as a status, or ``none``."""
    v = s.db.lookup_read(argv[1])
    if v is None:
        return _NONE
    return Status(type_name(v))


def move_key(s: Step, src: DbView, key: bytes, dst: DbView, newkey: bytes, v: Any, when: int,
             event: str) -> None:
    """What ``renameGenericCommand`` and ``moveCommand`` do once the move is decided: the
    same object goes from ``key`` in ``src`` to ``newkey`` in ``dst`` (``dbAdd``) with its
    access word (spec.evict) and its TTL ``when`` (-1: none), the source is deleted, both
    keys are signalled, ``<event>_from`` and ``<event>_to`` are raised; one change."""
    word = src.lru.get(key)
    dst.add(newkey, v)
    if word is not None:
        dst.set_lru(newkey, word)
    if when != -1:
        dst.set_expire(newkey, when)
    src.delete(key, False)  # the object lives on under ``newkey``: nothing is freed
    s.signal_modified_key(src.id, key)
    s.signal_modified_key(dst.id, newkey)
    s.notify("g", event + "_from", key, src.id)
    s.notify("g", event + "_to", newkey, dst.id)
    s.dirty += 1


def rename_generic(s: Step, argv: list[bytes], nx: bool) -> Reply:
    """``renameGenericCommand``: RENAME / RENAMENX src dst.

    The source must exist ("no such key"). Renaming a key to itself changes nothing and
    replies as success (OK / 0). The value moves with its TTL; an existing destination is
    overwritten (RENAME) or left alone with reply 0 (RENAMENX).
    """
    src, dst = argv[1], argv[2]
    db = s.db
    v = db.lookup_write(src)
    if v is None:
        return NO_SUCH_KEY
    if src == dst:
        return 0 if nx else OK
    when = db.get_expire(src)
    if db.lookup_write(dst) is not None:
        if nx:
            return 0
        db.delete(dst)
    move_key(s, db, src, db, dst, v, when, "rename")
    return 1 if nx else OK


@command("rename")
def rename(s: Step, argv: list[bytes]) -> Reply:
    """RENAME key newkey: OK, overwriting newkey."""
    return rename_generic(s, argv, False)


@command("renamenx")
def renamenx(s: Step, argv: list[bytes]) -> Reply:
    """RENAMENX key newkey: 1 if renamed, 0 if newkey exists."""
    return rename_generic(s, argv, True)


@command("move")
def move(s: Step, argv: list[bytes]) -> Reply:
    """MOVE key db (``moveCommand``): move the key with its TTL to another database.

    Replies 1 if moved, 0 if the key is missing or already exists there.
    """
    dbid = get_int(argv[2])
    if type(dbid) is Err:
        return dbid
    assert isinstance(dbid, int)
    if not 0 <= dbid < s.db_count():
        return DB_INDEX
    src = s.db
    if dbid == src.id:
        return SAME_OBJECT
    key = argv[1]
    v = src.lookup_write(key)
    if v is None:
        return 0
    when = src.get_expire(key)
    dst = s.open_db(dbid)
    if dst.lookup_write(key) is not None:
        return 0
    move_key(s, src, key, dst, key, v, when, "move")
    return 1


@command("copy")
def copy(s: Step, argv: list[bytes]) -> Reply:
    """COPY source destination [DB db] [REPLACE] (``copyCommand``).

    Options are parsed (and the DB index checked) before anything else. Copying a key onto
    itself in the same database is an error. Replies 1 if copied; 0 if the source is missing
    or the destination exists without REPLACE. The copy carries the source's TTL.
    """
    src_db = s.db
    dbid = src_db.id
    replace = False
    n = len(argv)
    j = 3
    while j < n:
        opt = argv[j].lower()
        if opt == b"replace":
            replace = True
        elif opt == b"db" and j + 1 < n:
            d = get_int(argv[j + 1])
            if type(d) is Err:
                return d
            assert isinstance(d, int)
            if not 0 <= d < s.db_count():
                return DB_INDEX
            dbid = d
            j += 1
        else:
            return SYNTAX
        j += 1
    key, newkey = argv[1], argv[2]
    if dbid == src_db.id and key == newkey:
        return SAME_OBJECT
    v = src_db.lookup_read(key)
    if v is None:
        return 0
    when = src_db.get_expire(key)
    dst = s.open_db(dbid)
    delete = False
    if dst.lookup_write(newkey) is not None:
        if not replace:
            return 0
        delete = True
    nv = copy_value(v)
    if delete:
        dst.delete(newkey)
    dst.add(newkey, nv)
    if dst.lru.get(newkey, 0) < 0:  # ``dupStringObject`` of a shared integer: a new object
        dst.set_lru(newkey, new_lru(s.config, s.now_ms))
    if when != -1:
        dst.set_expire(newkey, when)
    s.signal_modified_key(dbid, newkey)
    s.notify("g", "copy_to", newkey, dbid)
    s.dirty += 1
    return 1


@command("swapdb")
def swapdb(s: Step, argv: list[bytes]) -> Reply:
    """SWAPDB index1 index2 (``swapdbCommand``): exchange the contents of two databases.

    Clients keep their selected index, so they see the other contents. Swapping a database
    with itself is a successful no-op that still counts as a change (``server.dirty``).
    """
    a = get_int(argv[1], _FIRST_DB)
    if type(a) is Err:
        return a
    b = get_int(argv[2], _SECOND_DB)
    if type(b) is Err:
        return b
    assert isinstance(a, int) and isinstance(b, int)
    n = s.db_count()
    if not (0 <= a < n and 0 <= b < n):
        return DB_INDEX
    if a != b:
        s.swap_dbs(a, b)
    s.dirty += 1
    return OK


@command("keys")
def keys(s: Step, argv: list[bytes]) -> Reply:
    """KEYS pattern (``keysCommand``): every key matching the glob (``spec.glob``), in the
    database's iteration order. Logically expired keys are skipped but not deleted."""
    pattern = argv[1]
    kmap, expires = s.db.snapshot()
    ht = s.db.dict_snapshot()[0]
    if len(ht) == len(kmap):  # dictGetSafeIterator order (a db built around the dict: map order)
        kmap = dict_keys(ht)  # type: ignore[assignment]
    now = s.now_ms
    if pattern == b"*":
        if not expires:
            return list(kmap)
        out = [k for k in kmap if not (k in expires and now > expires[k])]
        s.db.expires_find_steps(s.db.size())
        return out
    g = compile_glob(pattern)
    match = g.match
    matched = [k for k in kmap if match(k)]
    if expires:
        s.db.expires_find_steps(len(matched))
    return [k for k in matched if not (k in expires and now > expires[k])]


@command("randomkey")
def randomkey(s: Step, argv: list[bytes]) -> Reply:
    """RANDOMKEY (``dbRandomKey``): a key drawn with the explicit PRNG, or nil if none.

    A drawn key that turns out to be expired is deleted (``expireIfNeeded``) and another is
    drawn, so an expired key is never returned. The draw is ``dictGetFairRandomKey`` over the
    keyspace dict (``spec.dict``), with the explicit PRNG. (Redis gives up after 100 draws only on a replica, whose keys do not
    expire by themselves; replicas are not modelled.)
    """
    db = s.db
    while True:
        n = db.size()
        if n == 0:
            return None
        kmap, expires = db.snapshot()
        if len(db.dict_snapshot()[0]) == n:
            key = dict_fair_random_key(db.main_dict(), s.random)
            db.sync_rehashing()
            assert key is not None
        else:  # a db built around the dict (tests): a position in the map's order
            r = s.random()
            if n > 0xFFFFFFFF:
                r = (r << 32) | s.random()
            key = next(islice(kmap, r % n, None))
        if db.find_expire(key) and db.expire_if_needed(key):
            continue
        return key


@command("dbsize")
def dbsize(s: Step, argv: list[bytes]) -> Reply:
    """DBSIZE: the number of keys in the database (``dictSize``), counting expired keys that
    have not been deleted yet."""
    return s.db.size()


def flush_flags(s: Step, argv: list[bytes]) -> bool | Err:
    """``getFlushCommandFlags``: FLUSHDB/FLUSHALL [SYNC|ASYNC]; True for ASYNC, and without
    an argument what ``lazyfree-lazy-user-flush`` says (a background free shows only in
    INFO's ``lazyfreed_objects``: spec.lazyfree)."""
    if len(argv) == 1:
        return bool(s.config.get("lazyfree-lazy-user-flush"))
    if len(argv) == 2:
        opt = argv[1].lower()
        if opt == b"sync":
            return False
        if opt == b"async":
            return True
    return SYNTAX


def force_propagation(s: Step, argv: list[bytes]) -> None:
    """``forceCommandPropagation``: replicate the command even though nothing changed.

    ``call`` propagates a write only when ``server.dirty`` moved, so a command that must
    reach replicas anyway appends itself here when it did not move it.
    """
    s.propagate.append((s.db.id, tuple(argv)))


def _flushed(s: Step, argv: list[bytes], removed: int) -> Reply:
    """The end FLUSHDB and FLUSHALL share: ``server.dirty`` grows by the ``removed`` keys,
    and the command is propagated (``forceCommandPropagation``) even when nothing was."""
    if removed:
        s.dirty += removed
    else:
        force_propagation(s, argv)
    return OK


@command("flushdb")
def flushdb(s: Step, argv: list[bytes]) -> Reply:
    """FLUSHDB [ASYNC|SYNC] (``flushdbCommand``): empty the current database.

    ``server.dirty`` grows by the number of keys removed; the command is propagated even
    when the database was already empty.
    """
    f = flush_flags(s, argv)
    if type(f) is Err:
        return f
    i = s.db.id
    removed = s.db.size()
    s.replace_db(i, Db(i))
    if f:
        free_db_async(s, removed)
    invalidate_on_flush(s, f is True)  # signalFlushedDb → trackingInvalidateKeysOnFlush
    return _flushed(s, argv, removed)


@command("flushall")
def flushall(s: Step, argv: list[bytes]) -> Reply:
    """FLUSHALL [ASYNC|SYNC] (``flushallCommand`` / ``flushAllDataAndResetRDB``): empty every
    database. ``server.dirty`` grows by the number of keys removed; the command is propagated
    even when every database was already empty.

    A BGSAVE child is killed (its snapshot is of the data just flushed), and with ``save``
    points configured the empty dataset is saved at once (``rdbSave``), which resets
    ``server.dirty``; the save's outcome does not change the reply.
    """
    f = flush_flags(s, argv)
    if type(f) is Err:
        return f
    removed = 0
    for i in range(s.db_count()):
        d = s.open_db(i)
        if d.size() or len(d.expires):
            removed += d.size()
            s.replace_db(i, Db(i))
    if f:
        free_db_async(s, removed)
    invalidate_on_flush(s, f is True)  # signalFlushedDb → trackingInvalidateKeysOnFlush
    reply = _flushed(s, argv, removed)
    kill_rdb_child(s)
    if save_params(s.config):
        rdb_save_and_reset(s)
    return reply
