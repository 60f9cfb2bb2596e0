"""The keyspace of one database during a transition: Redis's ``db.c``.

:class:`DbView` is a database opened for one transition (``redisDb`` during ``call()``). Its
primitives keep Redis's names so readers can find them in ``db.c``: ``lookupKeyRead`` /
``lookupKeyWrite`` with passive expiry (``expireIfNeeded``), ``dbAdd``, ``dbOverwrite``,
``setKey``, ``dbDelete``, ``setExpire``, ``removeExpire``, ``getExpire``. They keep the other
structures of a key in step too: the two-table dicts (``spec.dict``), the access word and
the memory total (``spec.lru``, ``spec.memory``), ``signalModifiedKey`` for WATCH
(``spec.watch``), ``signalKeyAsReady`` for blocked clients, and keyspace notifications.

Layer: db (see docs/architecture.md). The views are opened and frozen by
:class:`~redspec.spec.step.Step`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from immutables import Map

from .dict import (
    Dict,
    HashTables,
    dict_add,
    dict_delete,
    dict_expand,
    dict_expand_if_needed,
    dict_rehash,
)
from .errors import WRONGTYPE
from .lazyfree import free_object_async
from .lru import (
    NOTOUCH,
    is_lfu,
    new_lru,
    set_shared_word,
    shared_marker,
    touch_shared,
    touched,
    word_of,
)
from .memory import EXPIRE_ENTRY_COST, key_cost
from .pause import clients_paused
from .reply import Err
from .state import BlockingState, Db, replace
from .types.string import RawStr
from .types.valuedict import find_steps

if TYPE_CHECKING:
    from .step import Step

__all__ = ["DbView", "lookup_typed", "signal_key_as_ready", "scan_db_for_ready_keys"]

T = TypeVar("T")

#: ``OBJ_ENCODING_EMBSTR_SIZE_LIMIT``: a longer string is raw-encoded whatever made it.
EMBSTR_SIZE_LIMIT = 44


class DbView:
    """A database opened for one transition (``redisDb`` during ``call()``)."""

    __slots__ = ("_step", "id", "_db", "keys", "expires", "_dirty", "lru", "mem", "_lru_open",
                 "_tkey", "_tn", "kd", "ed", "_rh")

    def __init__(self, step: Step, db: Db) -> None:
        # The step holds its views and a view its step: ``Step.commit`` breaks the cycle
        # (:meth:`detach`), else each transition's garbage (the replaced version of what it
        # changed) would wait for the cyclic GC instead of being freed at once. (Not a weak
        # reference: compiled, Step is a native class, which cannot be weakly referenced.)
        self._step: Step | None = step
        self.id = db.id
        self._db = db
        # Read through the frozen maps until the first write opens them (``_open``).
        self.keys: Any = db.keys
        self.expires: Any = db.expires
        self._dirty = False
        # Access words (``robj->lru``, spec.evict) and modelled bytes (spec.memory) of the keys.
        self.lru: Any = db.lru
        self._lru_open = False
        self.mem: int = db.mem
        # The key the running command last looked up (with ``commands_processed`` naming the
        # command): ``setKey`` looks the key up itself only if the handler did not.
        self._tkey: bytes | None = None
        self._tn = -1
        # The two-table dicts of ``keys``/``expires`` (spec.dict), opened on first change, and
        # whether either is rehashing (then finds do a rehash step, as ``dictFind`` does).
        self.kd: Dict | None = None
        self.ed: Dict | None = None
        self._rh = db.ht.rehashidx != -1 or db.expires_ht.rehashidx != -1

    def open_for_change(self) -> None:
        """Open the maps for change (``Map.mutate()``), once per transition."""
        self.keys = self._db.keys.mutate()
        self.expires = self._db.expires.mutate()
        self._dirty = True

    # -- expiry -----------------------------------------------------------------------------

    def key_is_expired(self, key: bytes) -> bool:
        """``keyIsExpired``: the key has a TTL and its time has passed (``now > when``): a key
        is still served at ``now == when`` and gone one millisecond later. The one place the
        expiry boundary is decided (``expireIfNeeded`` and the active cycle come through here,
        as in db.c); ``properties/test_timed_boundaries.py`` checks both sides of it. Nothing
        expires while a file loads (``server.loading``: an AOF's commands may set a time
        already past; the keys go once the load is over)."""
        when = self.expires.get(key)
        return (when is not None and self.step.now_ms > when
                and not self.step.base.loading.active)

    def expire_if_needed(self, key: bytes, get_expire: bool = True) -> bool:
        """``expireIfNeeded``: delete ``key`` if it is logically expired; True if it was.

        Redis deletes on access (passive expiry), counts ``expired_keys``, and propagates a
        DEL (UNLINK under ``lazyfree-lazy-expire``) so replicas and the AOF agree. ``keyIsExpired`` reads the TTL with ``getExpire``,
        whose finds take rehash steps (:meth:`get_expire_steps`); the active expire cycle
        has the TTL in hand and passes ``get_expire=False``.
        """
        if get_expire and self._rh:
            self.get_expire_steps(key)
        if not self.key_is_expired(key):
            return False
        st = self.step
        if st.part("repl").masterhost is not None:
            # A replica deletes nothing itself: its master's DELs do. Its master's commands
            # still see the key; every other client finds it gone.
            fl = st.client.info.flags
            return not (fl and "master" in fl)
        tp = st.part("transport")
        if tp.pause_type:  # CLIENT PAUSE: reported expired, deleted once the pause is over
            if clients_paused(st):
                return True
        lazy = bool(st.config.get("lazyfree-lazy-expire"))  # deleteExpiredKeyAndPropagate
        self.delete(key, lazy)
        st.expired_keys += 1
        st.propagate.append((self.id, (b"UNLINK" if lazy else b"DEL", key)))
        st.notify("x", "expired", key, self.id)  # NOTIFY_EXPIRED
        return True

    # -- lookups ----------------------------------------------------------------------------

    def lookup(self, key: bytes) -> Any:
        """``lookupKey`` without statistics: the live value or None (expiring it if due)."""
        if self._rh:
            self.find_main_step()
        v = self.keys.get(key)
        if v is not None and (self._rh or key in self.expires) and self.expire_if_needed(key):
            return None
        if v is not None:
            self.touch(key)
        return v

    def detach(self) -> None:
        """Drop the link to the step (``Step.commit``: the transition is over)."""
        self._step = None

    @property
    def step(self) -> Step:
        """The transition this view belongs to (``call()``'s server and client)."""
        step = self._step
        assert step is not None, "a database view outlived its step"
        return step

    def lookup_read(self, key: bytes) -> Any:
        """``lookupKeyRead``: like :meth:`lookup`, counting keyspace hits and misses."""
        if self._rh:
            self.find_main_step()
        v = self.keys.get(key)
        if v is not None and (self._rh or key in self.expires) and self.expire_if_needed(key):
            v = None
        if v is None:
            self.step.keyspace_misses += 1
            if self.step.config.get("notify-keyspace-events"):
                self.step.notify("m", "keymiss", key, self.id)
        else:
            self.step.keyspace_hits += 1
            self.touch(key)
        return v

    def lookup_write(self, key: bytes) -> Any:
        """``lookupKeyWrite``: like :meth:`lookup` (writes do not count hits or misses)."""
        return self.lookup(key)

    def exists(self, key: bytes) -> bool:
        return self.lookup(key) is not None

    def touch(self, key: bytes) -> None:
        """The access part of ``lookupKey``: refresh the key's LRU clock or bump its LFU
        counter (``updateLFU``), unless the command looks keys up with ``LOOKUP_NOTOUCH``.
        The map is written only when the word changes (once a second at most under LRU)."""
        st = self.step
        cmd = st.cmd
        if cmd is not None and cmd.name in NOTOUCH:
            return
        self._tkey = key
        self._tn = st.commands_processed
        old = self.lru.get(key)
        if old is not None and old < 0:  # a shared integer: its own word (spec.evict)
            touch_shared(st, old)
            return
        new: Any
        if "lfu" in st.config.get("maxmemory-policy", "noeviction"):
            new = touched(st, old)
        else:
            new = st.lru_word()  # LRU_CLOCK()
        if new != old:
            self.set_lru(key, new)

    def set_lru(self, key: bytes, word: Any) -> None:
        """Store the access word (an ``int``) of ``key`` (``o->lru = ...``)."""
        if not self._lru_open:
            self.lru = self.lru.mutate()
            self._lru_open = True
        self.lru[key] = word

    def _account(self, key: bytes, old: Any, value: Any) -> None:
        """Memory and access word of a key stored over ``old`` (None: a new key). A new
        object gets a fresh word under LRU; under LFU ``dbOverwrite`` keeps the old one."""
        st = self.step
        shared = shared_marker(st.config, value)  # a shared integer object (spec.evict)
        if old is None:
            self.mem += key_cost(key, value)
            if shared is not None:
                self.set_lru(key, shared)
            elif is_lfu(st.config):
                self.set_lru(key, new_lru(st.config, st.now_ms))
            else:
                self.set_lru(key, st.lru_word())  # the LRU clock (``createObject``)
        else:
            if not (self._tkey == key and self._tn == st.commands_processed):
                self.touch(key)  # ``setKey``'s own ``lookupKeyWrite``
            self._tkey = None
            self.mem += key_cost(key, value) - key_cost(key, old)
            w = self.lru.get(key)
            if shared is not None:  # under LFU ``dbOverwrite`` gives it the old word
                if is_lfu(st.config):
                    set_shared_word(st, shared, word_of(st, w))
                if w != shared:
                    self.set_lru(key, shared)
            elif not is_lfu(st.config):  # a new object: this second's clock (touch set it)
                w2 = st.lru_word()
                if w != w2:
                    self.set_lru(key, w2)
            elif w is not None and w < 0:  # LFU: a private object takes the shared word
                self.set_lru(key, word_of(st, w))

    # -- writes -----------------------------------------------------------------------------

    def add(self, key: bytes, value: Any) -> None:
        """``dbAdd``: add a key that does not exist (a ``new`` keyspace event)."""
        if not self._dirty:
            self.open_for_change()
        self._account(key, self.keys.get(key), value)
        self.keys[key] = value
        if self.step.config.get("notify-keyspace-events"):
            self.step.notify("n", "new", key, self.id)
        self.dict_add(key)
        signal_key_as_ready(self.step, self.id, key)  # spec.blocking

    def expand_for_load(self, db_size: int, expires_size: int) -> None:
        """``rdbLoadRio`` at ``RESIZEDB``: ``dictExpand`` of the keys and the expires dicts
        to the sizes the file announces, so the load itself does not rehash."""
        dict_expand(self.main_dict(), db_size)
        dict_expand(self.expires_dict(), expires_size)
        self.sync_rehashing()

    def add_rdb_load(self, key: bytes, value: Any) -> None:
        """``dbAddRDBLoad``: add a key read from an RDB file — as ``dbAdd`` but with no
        keyspace event and no blocked client signalled."""
        if not self._dirty:
            self.open_for_change()
        self._account(key, None, value)
        self.keys[key] = value
        self.dict_add(key)

    def overwrite(self, key: bytes, value: Any) -> None:
        """``dbOverwrite``: replace the value of an existing key, keeping its TTL."""
        if not self._dirty:
            self.open_for_change()
        if self._rh:
            self.find_main_step()  # dbSetValue's dictFind
        old = self.keys.get(key)
        self._account(key, old, value)
        self.keys[key] = value
        if old is not None and not isinstance(old, bytes):  # a string: nothing to decide
            self.free_overwritten(old)

    def free_overwritten(self, old: Any) -> None:
        """``dbSetValue``'s free of the value it replaced (not a string: its callers test
        that inline, keeping SET's path one check long): in the background under
        ``lazyfree-lazy-server-del`` (``freeObjAsync``, ``spec.lazyfree``), else at once."""
        if self.step.config.get("lazyfree-lazy-server-del"):
            free_object_async(self.step, old)

    def update(self, key: bytes, value: Any) -> None:
        """A write made in the stored object itself (``listTypePush``, ``setTypeAdd``,
        ``hashTypeSet``, ``zsetAdd``, ``streamAppendItem`` ... on the value a lookup
        returned): Redis touches no dict, so no rehash step, and the access word stays what
        the lookup made it; the spec's values are immutable, so the new one is stored."""
        if not self._dirty:
            self.open_for_change()
        self.mem += key_cost(key, value) - key_cost(key, self.keys[key])
        self.keys[key] = value

    def value_find_steps(self, key: bytes, value: Any, n: int) -> Any:
        """The rehash steps of ``n`` ``dictFind``s on the stored value's own dict (a
        hashtable set, hash or sorted set read by SISMEMBER, HGET, ZSCORE ...; a delete of a
        missing element): the value with its dict moved on, stored back in place (none when
        the value's dict is not rehashing: one test)."""
        ht = getattr(value, "ht", None)
        if ht is None or ht.rehashidx == -1:
            return value
        nv = value.with_ht(find_steps(ht, n, self.step.base.dicts.seed))
        self.update(key, nv)
        return nv

    def unshare_string(self, key: bytes, value: Any) -> None:
        """``dbUnshareStringValue`` then a change of the string in place (APPEND, SETRANGE,
        SETBIT, BITFIELD): a value that is not already a private raw string (shared, int or
        embstr encoded) is first replaced by a raw copy with ``dbOverwrite`` (a rehash step);
        a raw one is changed where it is (none)."""
        old = self.keys[key]
        if type(old) is RawStr or len(old) > EMBSTR_SIZE_LIMIT:
            self.update(key, value)
        else:
            self.overwrite(key, value)

    def convert_in_place(self, key: bytes, value: Any) -> None:
        """An encoding conversion of the stored object itself (``zsetConvert`` on the value
        SORT reads): the same object to Redis, so no dict step, LRU word, event or signal;
        only the memory it takes changes."""
        if not self._dirty:
            self.open_for_change()
        self.mem += key_cost(key, value) - key_cost(key, self.keys[key])
        self.keys[key] = value

    def set_key(self, key: bytes, value: Any, keep_ttl: bool = False,
                found: bool | None = None) -> None:
        """``setKey``: add or overwrite; the TTL is dropped unless ``keep_ttl``
        (``SETKEY_KEEPTTL``). ``found`` is what the caller already knows
        (``SETKEY_ALREADY_EXIST`` / ``SETKEY_DOESNT_EXIST``); None: ``setKey`` looks the key
        up itself (``lookupKeyWrite``, with its rehash steps and passive expiry)."""
        if found is None:
            self.lookup_write(key)
        if not self._dirty:
            self.open_for_change()
        if key not in self.keys:  # dbAdd
            if self.step.config.get("notify-keyspace-events"):
                self.step.notify("n", "new", key, self.id)
            self.dict_add(key)
            signal_key_as_ready(self.step, self.id, key)  # spec.blocking
        elif self._rh:
            self.find_main_step()  # dbSetValue's dictFind
        old = self.keys.get(key)
        self._account(key, old, value)
        self.keys[key] = value
        if old is not None and not isinstance(old, bytes):  # a string: nothing to decide
            self.free_overwritten(old)
        if not keep_ttl:
            self.remove_expire(key)
        self.step.signal_modified_key(self.id, key)

    def delete(self, key: bytes, lazy: bool | None = None) -> bool:
        """``dbGenericDelete`` of 7.0: remove the key and its TTL; False if it was not there.
        ``dictDelete`` on the expires dict whenever that dict has entries, then
        ``dictUnlink`` on the main dict, also for a missing key: each a rehash step while
        rehashing. ``lazy``: True for ``dbAsyncDelete``, False for ``dbSyncDelete`` (also a
        value that lives on elsewhere: not freed at all), None for ``dbDelete``, which frees
        as ``lazyfree-lazy-server-del`` says (``spec.lazyfree``)."""
        if key not in self.keys:
            if self._rh:
                if len(self.expires):
                    self.find_expires_step()  # dictDelete(db->expires) finding nothing
                self.find_main_step()  # dictUnlink's step, finding nothing
            return False
        if not self._dirty:
            self.open_for_change()
        old = self.keys[key]
        self.mem -= key_cost(key, old)
        if not isinstance(old, bytes) and (
                lazy or (lazy is None and self.step.config.get("lazyfree-lazy-server-del"))):
            free_object_async(self.step, old)
        if key in self.lru:
            if not self._lru_open:
                self.lru = self.lru.mutate()
                self._lru_open = True
            del self.lru[key]
        del self.keys[key]
        self.dict_delete(key)
        signal_key_as_ready(self.step, self.id, key)  # signalDeletedKeyAsReady (streams)
        if key in self.expires:
            self.mem -= EXPIRE_ENTRY_COST
            del self.expires[key]
            self.dict_delete_expire(key)
        elif self._rh and len(self.expires):
            self.find_expires_step()  # dictDelete(db->expires) of a key without a TTL
        self.step.signal_modified_key(self.id, key)
        return True

    def set_expire(self, key: bytes, when_ms: int) -> None:
        """``setExpire``: the key (which must exist) expires at unix ms ``when_ms``."""
        if not self._dirty:
            self.open_for_change()
        if self._rh:
            self.find_main_step()  # setExpire's dictFind(db->dict)
        if key not in self.expires:
            self.mem += EXPIRE_ENTRY_COST
            self.dict_add_expire(key)
        else:
            self.dict_add_or_find_expire()
        self.expires[key] = when_ms

    def remove_expire(self, key: bytes) -> bool:
        """``removeExpire``: make the key persistent; False if it had no TTL. Its
        ``dictFind(db->dict)`` and ``dictDelete(db->expires)`` (when that dict has entries)
        take rehash steps while rehashing, also for a key without a TTL."""
        if self._rh:
            self.find_main_step()
        if key in self.expires:
            if not self._dirty:
                self.open_for_change()
            del self.expires[key]
            self.mem -= EXPIRE_ENTRY_COST
            self.dict_delete_expire(key)
            return True
        if self._rh and len(self.expires):
            self.find_expires_step()
        return False

    def get_expire(self, key: bytes) -> int:
        """``getExpire``: the unix-ms expiry of ``key`` or -1 (with its finds' rehash
        steps, :meth:`get_expire_steps`)."""
        if self._rh:
            self.get_expire_steps(key)
        when: int = self.expires.get(key, -1)
        return when

    def find_expire(self, key: bytes) -> bool:
        """``dictFind(db->expires, key)`` (``dbRandomKey``): whether the key has a TTL, with
        the find's rehash step."""
        if self._rh and len(self.expires):
            self.find_expires_step()
        return key in self.expires

    def expires_find_steps(self, n: int) -> None:
        """The ``dictFind(db->expires)`` of ``n`` ``keyIsExpired`` checks made while a safe
        iterator pauses the main dict's rehashing (KEYS): up to ``n`` rehash steps of the
        expires dict, none of the main dict's."""
        if not self._rh or not len(self.expires):
            return
        for _ in range(n):
            ed = self.expires_dict()
            if ed.rehashidx == -1:
                break
            dict_rehash(ed, 1)
        self.sync_rehashing()

    def get_expire_steps(self, key: bytes) -> None:
        """The rehash steps of ``getExpire`` while a dict is rehashing: ``dictFind`` on the
        expires dict when it has entries, then, for a key found there, the safety
        ``dictFind`` on the main dict."""
        if len(self.expires):
            self.find_expires_step()
            if key in self.expires:
                self.find_main_step()

    def size(self) -> int:
        return len(self.keys)

    def snapshot(self) -> tuple[Map[bytes, Any], Map[bytes, int]]:
        """The keys and expires as they are now, as persistent maps one can iterate (KEYS,
        RANDOMKEY, SCAN walk the dict; a transient cannot be iterated). Writes after this
        call do not show in the returned maps."""
        if not self._dirty:  # still reading through the frozen maps
            return self.keys, self.expires
        k = self.keys.finish()
        e = self.expires.finish()
        self.keys = k.mutate()
        self.expires = e.mutate()
        return k, e

    def at_fork(self) -> Db:
        """The database as it is at this point of the transition, frozen (what a child
        forked now would see: ``fork()`` in ``rdbSaveBackground``): :meth:`snapshot` of the
        keys and expires, the two-table dicts (an AOF rewrite walks the main dict in its
        order: ``spec.aofrewrite``), and the access words and memory total as they are;
        later writes of this transition do not reach it."""
        keys, expires = self.snapshot()
        ht, expires_ht = self.dict_snapshot()
        lru = self.lru
        if self._lru_open:
            lru = self.lru.finish()
            self.lru = lru.mutate()
        return replace(self._db, keys=keys, expires=expires, ht=ht, expires_ht=expires_ht,
                       lru=lru, mem=self.mem)

    def freeze(self) -> Db:
        if self._lru_open or self.mem != self._db.mem:  # access words / memory (spec.evict)
            lru = self.lru.finish() if self._lru_open else self._db.lru
            self._db = replace(self._db, lru=lru, mem=self.mem)
            self.lru = lru
            self._lru_open = False
        kd, ed = self.kd, self.ed
        if not self._dirty:
            # only rehash steps (a lookup's, RANDOMKEY's) can have changed something (spec.dict)
            ht = self._db.ht if kd is None else kd.freeze()
            eht = self._db.expires_ht if ed is None else ed.freeze()
            if ht is not self._db.ht or eht is not self._db.expires_ht:
                self._db = replace(self._db, ht=ht, expires_ht=eht)
            return self._db
        # ``replace`` keeps fields other mechanisms add to ``Db``; they update them here too.
        if kd is None and ed is None:
            return replace(self._db, keys=self.keys.finish(), expires=self.expires.finish())
        return replace(self._db, keys=self.keys.finish(), expires=self.expires.finish(),
                       ht=self._db.ht if kd is None else kd.freeze(),
                       expires_ht=self._db.expires_ht if ed is None else ed.freeze())

    # -- the two-table dicts (spec.dict) ------------------------------------------------------

    def tables(self, main: bool) -> Dict | HashTables:
        """``db->dict`` (``main``) or ``db->expires`` as they are now (the working copy once
        opened, else the frozen tables)."""
        d = self.kd if main else self.ed
        if d is not None:
            return d
        return self._db.ht if main else self._db.expires_ht

    def main_dict(self) -> Dict:
        """``db->dict`` opened for change (its working copy)."""
        d = self.kd
        if d is None:
            d = self.kd = Dict(self._db.ht, self.step.base.dicts.seed)
        return d

    def expires_dict(self) -> Dict:
        """``db->expires`` opened for change (its working copy)."""
        d = self.ed
        if d is None:
            d = self.ed = Dict(self._db.expires_ht, self.step.base.dicts.seed)
        return d

    def sync_rehashing(self) -> None:
        """Note whether either dict is rehashing now (then lookups take a rehash step)."""
        kd, ed = self.kd, self.ed
        self._rh = ((self._db.ht if kd is None else kd).rehashidx != -1
                    or (self._db.expires_ht if ed is None else ed).rehashidx != -1)

    def find_main_step(self) -> None:
        """The rehash step of a ``dictFind`` / ``dictUnlink`` on ``db->dict``: one bucket if
        that dict is rehashing and not empty (callers check ``_rh`` first: one test on the
        common path)."""
        kd = self.kd
        if kd is None:
            if self._db.ht.rehashidx == -1:
                return
            kd = self.main_dict()
        if kd.rehashidx != -1 and len(kd):
            dict_rehash(kd, 1)
            self.sync_rehashing()

    def find_expires_step(self) -> None:
        """The rehash step of a ``dictFind`` / ``dictDelete`` on ``db->expires``: one bucket
        if that dict is rehashing and not empty."""
        ed = self.ed
        if ed is None:
            if self._db.expires_ht.rehashidx == -1:
                return
            ed = self.expires_dict()
        if ed.rehashidx != -1 and len(ed):
            dict_rehash(ed, 1)
            self.sync_rehashing()

    def dict_add(self, key: bytes) -> None:
        """``dictAdd(db->dict, key)`` for a key just added to ``keys``."""
        dict_add(self.main_dict(), key, self.step.base.dicts.can_resize)
        self.sync_rehashing()

    def dict_delete(self, key: bytes) -> None:
        """``dictUnlink(db->dict, key)`` for a key just removed from ``keys``."""
        dict_delete(self.main_dict(), key)
        self.sync_rehashing()

    def dict_add_expire(self, key: bytes) -> None:
        """``dictAddOrFind(db->expires, key)`` adding a new entry (``setExpire``)."""
        dict_add(self.expires_dict(), key, self.step.base.dicts.can_resize)
        self.sync_rehashing()

    def dict_add_or_find_expire(self) -> None:
        """``dictAddOrFind(db->expires, key)`` finding an existing entry: a rehash step and
        the grow check (``_dictKeyIndex`` runs ``_dictExpandIfNeeded`` before searching)."""
        ed = self.expires_dict()
        if ed.rehashidx != -1:
            dict_rehash(ed, 1)
        dict_expand_if_needed(ed, self.step.base.dicts.can_resize)
        self.sync_rehashing()

    def dict_delete_expire(self, key: bytes) -> None:
        """``dictDelete(db->expires, key)`` for a key just removed from ``expires``."""
        dict_delete(self.expires_dict(), key)
        self.sync_rehashing()

    def dict_snapshot(self) -> tuple[HashTables, HashTables]:
        """The main and expires dicts as they are now (frozen; SCAN, KEYS, DEBUG HTSTATS)."""
        kd, ed = self.kd, self.ed
        return (self._db.ht if kd is None else kd.freeze(),
                self._db.expires_ht if ed is None else ed.freeze())


# -- blocked clients' keys (``blocked.c``) -------------------------------------------------


def signal_key_as_ready(s: Step, db: int, key: bytes) -> None:
    """``signalKeyAsReady``: a key was added; if clients wait on it, remember it (once) for
    the serving pass after the command."""
    b: BlockingState = s.part("blocking")
    if not b.keys:
        return
    dk = (db, key)
    if dk in b.keys and dk not in b.ready:
        s.set_part("blocking", replace(b, ready=b.ready + (dk,)))


def scan_db_for_ready_keys(s: Step, db: int) -> None:
    """``scanDatabaseForReadyKeys`` (SWAPDB): every waited-on key of ``db`` that now exists
    is signalled ready."""
    b: BlockingState = s.part("blocking")
    if not b.keys:
        return
    view = s.open_db(db)
    for d, k in list(b.keys.keys()):
        if d == db and k in view.keys:
            signal_key_as_ready(s, db, k)


def lookup_typed(s: Step, key: bytes, typ: type[T], write: bool = False) -> T | Err | None:
    """``lookupKeyRead`` (or ``lookupKeyWrite``) + ``checkType``: the value of ``key`` in the
    current client's database if it is a ``typ``, None if the key is missing, else the
    WRONGTYPE error."""
    v = s.db.lookup_write(key) if write else s.db.lookup_read(key)
    if v is None or type(v) is typ:
        return v
    return WRONGTYPE
