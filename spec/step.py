"""One transition's working copy of the state, and the keyspace primitives of Redis's ``db.c``.

A transition is a pure function ``ServerState -> (ServerState, Effects)``. Inside it, commands
run one after another against a :class:`Step`: a single-owner working copy whose persistent
maps are opened with ``Map.mutate()`` (a *transient*, as in Clojure) and frozen again by
:meth:`Step.commit`. The input state is never changed — that is checked by the property
``transition_does_not_mutate_input`` — and the result shares every untouched part with it.
This is what lets a pipelined batch of commands cost one structural rebuild, not one per
command.

Keyspace primitives keep Redis's names so readers can find them in ``db.c``:
``lookupKeyRead``/``lookupKeyWrite`` (with passive expiry, ``expireIfNeeded``), ``dbAdd``,
``setKey``, ``dbDelete``, ``setExpire``, ``removeExpire``, ``signalModifiedKey``.
"""

from __future__ import annotations

import weakref
from typing import Any

import attrs
from immutables import Map

from .blocking import scan_db_for_ready_keys, signal_key_as_ready
from .dict import Dict, HashTables, dict_add, dict_delete, dict_expand_if_needed, dict_rehash
from .evict import (
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
from .multi import touch_all_watched_keys_in_db, touch_watched_key
from .pubsub import event_classes, keyspace_event
from .state import Client, Db, ServerState, replace

__all__ = ["Step", "DbView", "Effects"]


@attrs.frozen(slots=True)
class Effects:
    """What a transition asks of the world besides the new state.

    ``output``: reply bytes handed to connections now, ``(client id, bytes)``, in order
    (``writeToClient``: what the socket accepted). ``propagate``: commands to replicate / append
    to the AOF, as ``(db, argv)`` in execution order (``alsoPropagate``). ``close``: clients the
    server must disconnect once ``output`` is written. ``wake``: other clients that now have
    reply bytes pending (``clients_pending_write``). ``notifications``: keyspace events ``(type, event, key, db)`` whose class is enabled. ``clock_set_ms``: the
    virtual clock must now read this unix-ms time (see docs/mechanisms/expire.md).
    ``listen_port``: the server must now listen on this TCP port and close the old listener
    (0: no TCP listener; CONFIG SET port, see ``spec.listen``).
    """

    output: tuple[tuple[int, bytes], ...] = ()
    propagate: tuple[tuple[int, tuple[bytes, ...]], ...] = ()
    close: frozenset[int] = frozenset()
    wake: frozenset[int] = frozenset()
    notifications: tuple[tuple[str, str, bytes, int], ...] = ()
    #: The unix ms a command set the (virtual) clock to (REDSPEC CLOCK SET/ADVANCE), else None.
    clock_set_ms: int | None = None
    #: The TCP port CONFIG SET port moved the listener to (``changeListenPort``), else None.
    listen_port: int | None = None


NO_EFFECTS = Effects()


class DbView:
    """A database opened for one transition (``redisDb`` during ``call()``)."""

    __slots__ = ("step", "id", "_db", "keys", "expires", "_dirty", "lru", "mem", "_lru_open",
                 "_tkey", "_tn", "kd", "ed", "_rh")

    def __init__(self, step: Step, db: Db) -> None:
        # A weak reference: the step holds its views, and a view holding its step strongly
        # would make every transition a reference cycle, so that each transition's garbage
        # (the replaced version of what it changed) waited for the cyclic GC instead of being
        # freed at once.
        self.step: Step = weakref.proxy(step)
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

    def _open(self) -> None:
        """Open the maps for change (``Map.mutate()``), once per transition."""
        self.keys = self._db.keys.mutate()
        self.expires = self._db.expires.mutate()
        self._dirty = True

    # -- expiry -----------------------------------------------------------------------------

    def key_is_expired(self, key: bytes) -> bool:
        """``keyIsExpired``: the key has a TTL and its time has come (``now >= when``)."""
        when = self.expires.get(key)
        return when is not None and self.step.now_ms > when

    def expire_if_needed(self, key: bytes) -> bool:
        """``expireIfNeeded``: delete ``key`` if it is logically expired; True if it was.

        Redis deletes on access (passive expiry), counts ``expired_keys``, and propagates a
        DEL so replicas and the AOF agree.
        """
        when = self.expires.get(key)
        if when is None or self.step.now_ms <= when:
            return False
        st = self.step
        parts = st.parts
        tp = parts["transport"] if parts is not None and "transport" in parts \
            else st.base.transport
        if tp.pause_type:  # CLIENT PAUSE: reported expired, deleted once the pause is over
            from .transport import clients_paused
            if clients_paused(st):
                return True
        self.delete(key)
        st.expired_keys += 1
        st.propagate.append((self.id, (b"DEL", key)))
        st.notify("x", "expired", key, self.id)  # NOTIFY_EXPIRED
        return True

    # -- lookups ----------------------------------------------------------------------------

    def lookup(self, key: bytes) -> Any:
        """``lookupKey`` without statistics: the live value or None (expiring it if due)."""
        if self._rh:
            self.dict_find_step(key)
        v = self.keys.get(key)
        if v is not None and key in self.expires and self.expire_if_needed(key):
            return None
        if v is not None:
            self.touch(key)
        return v

    def lookup_read(self, key: bytes) -> Any:
        """``lookupKeyRead``: like :meth:`lookup`, counting keyspace hits and misses."""
        if self._rh:
            self.dict_find_step(key)
        v = self.keys.get(key)
        if v is not None and key in self.expires and self.expire_if_needed(key):
            v = None
        if v is None:
            self.step.keyspace_misses += 1
            if self.step.config.get("notify-keyspace-events"):
                self.step.notify("m", "keymiss", key, self.id)
        else:
            self.step.keyspace_hits += 1
            self.touch(key)
        return v

    lookup_write = lookup
    """``lookupKeyWrite``: like :meth:`lookup` (writes do not count hits or misses)."""

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
        if "lfu" in st.config.get("maxmemory-policy", "noeviction"):
            new = touched(st, old)
        else:
            new = (st.now_ms // 1000) & 0xFFFFFF  # LRU_CLOCK()
        if new != old:
            self.set_lru(key, new)

    def set_lru(self, key: bytes, word: int) -> None:
        """Store the access word of ``key`` (``o->lru = ...``)."""
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
            self.set_lru(key, new_lru(st.config, st.now_ms) if shared is None else shared)
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
                w2 = (st.now_ms // 1000) & 0xFFFFFF
                if w != w2:
                    self.set_lru(key, w2)
            elif w is not None and w < 0:  # LFU: a private object takes the shared word
                self.set_lru(key, word_of(st, w))

    # -- writes -----------------------------------------------------------------------------

    def add(self, key: bytes, value: Any) -> None:
        """``dbAdd``: add a key that does not exist (a ``new`` keyspace event)."""
        if not self._dirty:
            self._open()
        self._account(key, self.keys.get(key), value)
        self.keys[key] = value
        if self.step.config.get("notify-keyspace-events"):
            self.step.notify("n", "new", key, self.id)
        self.dict_add(key)
        signal_key_as_ready(self.step, self.id, key)  # spec.blocking

    def overwrite(self, key: bytes, value: Any) -> None:
        """``dbOverwrite``: replace the value of an existing key, keeping its TTL."""
        if not self._dirty:
            self._open()
        if self._rh:
            self.dict_find_step(None)
        self._account(key, self.keys.get(key), value)
        self.keys[key] = value

    def set_key(self, key: bytes, value: Any, keep_ttl: bool = False) -> None:
        """``setKey``: add or overwrite; the TTL is dropped unless ``keep_ttl``."""
        if not self._dirty:
            self._open()
        if self.step.config.get("notify-keyspace-events") and key not in self.keys:
            self.step.notify("n", "new", key, self.id)
        if key not in self.keys:
            self.dict_add(key)
            signal_key_as_ready(self.step, self.id, key)  # spec.blocking
        elif self._rh:
            self.dict_find_step(None)
        self._account(key, self.keys.get(key), value)
        self.keys[key] = value
        if not keep_ttl and key in self.expires:
            del self.expires[key]
            self.mem -= EXPIRE_ENTRY_COST
            self.dict_delete_expire(key)
        self.step.signal_modified_key(self.id, key)

    def delete(self, key: bytes) -> bool:
        """``dbDelete``: remove the key and its TTL; False if it was not there."""
        if key not in self.keys:
            return False
        if not self._dirty:
            self._open()
        self.mem -= key_cost(key, self.keys[key])
        if key in self.lru:
            if not self._lru_open:
                self.lru = self.lru.mutate()
                self._lru_open = True
            del self.lru[key]
        del self.keys[key]
        self.dict_delete(key)
        if key in self.expires:
            self.mem -= EXPIRE_ENTRY_COST
            del self.expires[key]
            self.dict_delete_expire(key)
        self.step.signal_modified_key(self.id, key)
        return True

    def set_expire(self, key: bytes, when_ms: int) -> None:
        """``setExpire``: the key (which must exist) expires at unix ms ``when_ms``."""
        if not self._dirty:
            self._open()
        if self._rh:
            self.dict_find_step(None)
        if key not in self.expires:
            self.mem += EXPIRE_ENTRY_COST
            self.dict_add_expire(key)
        else:
            self.dict_add_or_find_expire()
        self.expires[key] = when_ms

    def remove_expire(self, key: bytes) -> bool:
        """``removeExpire``: make the key persistent; False if it had no TTL."""
        if key in self.expires:
            if not self._dirty:
                self._open()
            del self.expires[key]
            self.mem -= EXPIRE_ENTRY_COST
            self.dict_delete_expire(key)
            return True
        return False

    def get_expire(self, key: bytes) -> int:
        """``getExpire``: the unix-ms expiry of ``key`` or -1."""
        when: int = self.expires.get(key, -1)
        return when

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

    def _sync_rh(self) -> None:
        kd, ed = self.kd, self.ed
        self._rh = ((self._db.ht if kd is None else kd).rehashidx != -1
                    or (self._db.expires_ht if ed is None else ed).rehashidx != -1)

    def dict_find_step(self, key: bytes | None) -> None:
        """The rehash steps of a lookup while a dict is rehashing: ``dictFind`` on the main
        dict, then (for a key that is there) ``getExpire``'s ``dictFind`` on the expires dict.
        ``key`` None: only the main dict's find (``dbOverwrite``, ``setExpire``)."""
        kd = self.main_dict()
        if kd.rehashidx != -1 and len(kd):
            dict_rehash(kd, 1)
        if key is not None and key in self.keys and len(self.expires):
            ed = self.expires_dict()
            if ed.rehashidx != -1 and len(ed):
                dict_rehash(ed, 1)
        self._sync_rh()

    def dict_add(self, key: bytes) -> None:
        """``dictAdd(db->dict, key)`` for a key just added to ``keys``."""
        dict_add(self.main_dict(), key, self.step.base.dicts.can_resize)
        self._sync_rh()

    def dict_delete(self, key: bytes) -> None:
        """``dictUnlink(db->dict, key)`` for a key just removed from ``keys``."""
        dict_delete(self.main_dict(), key)
        self._sync_rh()

    def dict_add_expire(self, key: bytes) -> None:
        """``dictAddOrFind(db->expires, key)`` adding a new entry (``setExpire``)."""
        dict_add(self.expires_dict(), key, self.step.base.dicts.can_resize)
        self._sync_rh()

    def dict_add_or_find_expire(self) -> None:
        """``dictAddOrFind(db->expires, key)`` finding an existing entry: a rehash step and
        the grow check (``_dictKeyIndex`` runs ``_dictExpandIfNeeded`` before searching)."""
        ed = self.expires_dict()
        if ed.rehashidx != -1:
            dict_rehash(ed, 1)
        dict_expand_if_needed(ed, self.step.base.dicts.can_resize)
        self._sync_rh()

    def dict_delete_expire(self, key: bytes) -> None:
        """``dictDelete(db->expires, key)`` for a key just removed from ``expires``."""
        dict_delete(self.expires_dict(), key)
        self._sync_rh()

    def dict_snapshot(self) -> tuple[HashTables, HashTables]:
        """The main and expires dicts as they are now (frozen; SCAN, KEYS, DEBUG HTSTATS)."""
        kd, ed = self.kd, self.ed
        return (self._db.ht if kd is None else kd.freeze(),
                self._db.expires_ht if ed is None else ed.freeze())


class Step:
    """The server during one transition: the state opened for change, plus the outputs.

    Command handlers receive a Step. ``client`` is the client whose command runs; ``db`` is
    its selected database. Counters are plain ints here and folded into ``Stats`` on commit.
    """

    __slots__ = (
        "base",
        "now_ms",
        "client",
        "db",
        "_views",
        "clients",
        "config",
        "rng",
        "dirty",
        "next_client_id",
        "out",
        "others_out",
        "propagate",
        "close",
        "notifications",
        "keyspace_hits",
        "keyspace_misses",
        "expired_keys",
        "commands_processed",
        "cmd_calls",
        "error_counts",
        "error_replies",
        "stats",
        "dbs_swapped",
        "_client_changed",
        "cmd",
        "argv_rewrite",
        "qbuf_len",
        "cron",
        "clock_set_ms",
        "listen_port",
        "parts",
        "in_exec",
        "__weakref__",
    )

    def __init__(self, state: ServerState, now_ms: int, client_id: int | None = None) -> None:
        self.base = state
        self.now_ms = now_ms
        #: Databases opened in this transition (the others are read from ``base.dbs``).
        self._views: dict[int, DbView] = {}
        self.clients: Map[int, Client] = state.clients
        self.config = state.config
        self.rng = state.rng
        self.dirty = state.dirty
        self.next_client_id = state.next_client_id
        self.stats = state.stats
        self.out: list[bytes] = []
        self.others_out: dict[int, list[bytes]] = {}
        self.propagate: list[tuple[int, tuple[bytes, ...]]] = []
        self.close: set[int] = set()
        self.notifications: list[tuple[str, str, bytes, int]] = []
        self.keyspace_hits = 0
        self.keyspace_misses = 0
        self.expired_keys = 0
        self.commands_processed = 0
        self.cmd_calls: dict[str, list[int]] = {}
        self.error_counts: dict[str, int] = {}
        self.error_replies = 0
        self.dbs_swapped = False
        self._client_changed = False
        #: The CommandSpec being executed, and the argv to propagate instead of the one
        #: received (``rewriteClientCommandVector``), if the command set one.
        self.cmd: Any = None
        self.argv_rewrite: tuple[bytes, ...] | None = None
        #: Bytes in the current client's query buffer while its commands run (``sdslen(c->querybuf)``
        #: for CLIENT LIST ``qbuf``): the whole batch read; -1 when not reading from a socket.
        self.qbuf_len = -1
        #: serverCron / expire-cycle state (DEBUG SET-ACTIVE-EXPIRE changes it), and the time
        #: a command asked the clock to jump to (REDSPEC CLOCK; ``Effects.clock_set_ms``).
        self.cron = state.cron
        self.clock_set_ms: int | None = None
        #: The port CONFIG SET port moved the listener to (``Effects.listen_port``).
        self.listen_port: int | None = None
        #: Replaced top-level ``ServerState`` fields (see :meth:`part`), applied by ``commit``.
        self.parts: dict[str, Any] | None = None
        #: ``server.in_exec`` / ``CLIENT_DENY_BLOCKING``: commands run inside EXEC, so a
        #: blocking command must answer as if it timed out instead of blocking.
        self.in_exec = False
        if client_id is not None:
            self.client: Client = state.clients[client_id]
            self.db = self.open_db(self.client.db)

    def switch_client(self, client_id: int) -> None:
        """Make ``client_id`` the current client of this step (the next readable client of
        an event-loop turn, ``spec.server.clients_input``): the previous one is stored back
        into ``clients`` and the per-command fields start afresh."""
        prev = self.client
        if self._client_changed:
            self.clients = self.clients.set(prev.id, prev)
            self._client_changed = False
        self.client = c = self.clients[client_id]
        self.db = self.open_db(c.db)
        self.out = []
        self.cmd = None
        self.argv_rewrite = None
        self.qbuf_len = -1
        self.in_exec = False

    # -- databases --------------------------------------------------------------------------

    def open_db(self, i: int) -> DbView:
        """Database ``i`` for reading and writing in this transition."""
        v = self._views.get(i)
        if v is None:
            v = self._views[i] = DbView(self, self.base.dbs[i])
        return v

    def db_count(self) -> int:
        return len(self.base.dbs)

    def select(self, i: int) -> None:
        """``selectDb`` for the current client."""
        self.db = self.open_db(i)
        self.update_client(db=i)

    def swap_dbs(self, a: int, b: int) -> None:
        """``dbSwapDatabases``: exchange the contents (not the ids) of two databases."""
        va, vb = self.open_db(a), self.open_db(b)
        if self.part("watched_keys"):
            touch_all_watched_keys_in_db(self, va, vb)
            touch_all_watched_keys_in_db(self, vb, va)
        da, db_ = va.freeze(), vb.freeze()
        na, nb = DbView(self, replace(db_, id=a)), DbView(self, replace(da, id=b))
        na._open()
        nb._open()
        self._views[a], self._views[b] = na, nb
        if self.db.id in (a, b):
            self.db = self._views[self.db.id]
        self.dbs_swapped = True
        scan_db_for_ready_keys(self, a)  # spec.blocking: waiters on keys the swap brought
        scan_db_for_ready_keys(self, b)

    def replace_db(self, i: int, db: Db) -> None:
        """Install a whole database (FLUSHDB, FLUSHALL); watchers of keys the old one held
        are touched (``signalFlushedDb`` → ``touchAllWatchedKeysInDb``)."""
        if self.part("watched_keys"):
            touch_all_watched_keys_in_db(self, self.open_db(i), None)
        v = DbView(self, db)
        v._open()
        self._views[i] = v
        if self.db.id == i:
            self.db = v

    # -- clients ----------------------------------------------------------------------------

    def update_client(self, **changes: Any) -> None:
        """Change fields of the current client (SELECT, HELLO, CLIENT SETNAME, ...)."""
        self.client = replace(self.client, **changes)
        self._client_changed = True

    def set_other_client(self, c: Client) -> None:
        if c.id == self.client.id:
            self.client = c
            self._client_changed = True
        else:
            self.clients = self.clients.set(c.id, c)

    def all_clients(self) -> list[Client]:
        """Every connected client, the current one as it is now, in id order."""
        cs = dict(self.clients.items())
        if hasattr(self, "client"):
            cs[self.client.id] = self.client
        return [cs[k] for k in sorted(cs)]

    def push_to(self, client_id: int, frame: bytes) -> None:
        """Queue reply bytes for a client other than the current one (Pub/Sub, unblocking)."""
        if hasattr(self, "client") and client_id == self.client.id:
            self.out.append(frame)
        else:
            self.others_out.setdefault(client_id, []).append(frame)

    # -- mechanism sub-states ----------------------------------------------------------------

    def part(self, name: str) -> Any:
        """The current value of the ``ServerState`` field ``name`` in this transition.

        Mechanisms keep their server-wide state in their own frozen field of ``ServerState``
        (Pub/Sub channels, watched keys, blocked clients, memory accounting, ...): they read it
        here and replace it with :meth:`set_part`; ``commit`` installs the new values.
        """
        parts = self.parts
        if parts is not None and name in parts:
            return parts[name]
        return getattr(self.base, name)

    def set_part(self, name: str, value: Any) -> None:
        """Replace the ``ServerState`` field ``name`` (takes effect at :meth:`commit`)."""
        if self.parts is None:
            self.parts = {}
        self.parts[name] = value

    # -- hooks for later mechanisms ----------------------------------------------------------

    def signal_modified_key(self, db: int, key: bytes) -> None:
        """``signalModifiedKey``: touch the key's WATCHers (``touchWatchedKey``; one emptiness
        check when nobody watches). Client-side tracking will hook in here too."""
        parts = self.parts
        wk = parts["watched_keys"] if parts is not None and "watched_keys" in parts \
            else self.base.watched_keys
        if wk:
            touch_watched_key(self, db, key)

    def notify(self, type_: str, event: str, key: bytes, db: int) -> None:
        """``notifyKeyspaceEvent``: recorded as an effect and, when the configured classes
        enable it, published now to ``__keyspace@<db>__:<key>`` / ``__keyevent@<db>__:<event>``
        (``spec.pubsub.keyspace_event``)."""
        v = self.config.get("notify-keyspace-events")
        if v:
            classes = event_classes(v)
            if classes is not None and type_ in classes[0]:  # the event's class is enabled
                self.notifications.append((type_, event, key, db))
                keyspace_event(self, classes, event, key, db)

    # -- randomness ---------------------------------------------------------------------------

    def random(self) -> int:
        """Draw 32 bits from the explicit PRNG (a 64-bit xorshift*; the state is an input)."""
        x = self.rng or 0x9E3779B97F4A7C15
        x ^= (x >> 12) & 0xFFFFFFFFFFFFFFFF
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.rng = x & 0xFFFFFFFFFFFFFFFF
        return ((self.rng * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF) >> 32

    # -- commit -----------------------------------------------------------------------------

    def commit(self) -> ServerState:
        """Freeze the working copy into the next ``ServerState``."""
        base = self.base
        dbs = base.dbs
        for i, v in self._views.items():
            d = v.freeze()
            if d is not dbs[i]:
                if type(dbs) is tuple:
                    dbs = list(dbs)  # type: ignore[assignment]
                dbs[i] = d  # type: ignore[index]
        if type(dbs) is not tuple:
            dbs = tuple(dbs)
        stats = self.stats
        if (
            self.commands_processed
            or self.keyspace_hits
            or self.keyspace_misses
            or self.expired_keys
            or self.error_replies
        ):
            cmds = stats.commands
            if self.cmd_calls:
                m = cmds.mutate()
                for name, (calls, rejected, failed) in self.cmd_calls.items():
                    c0, r0, f0 = m.get(name, (0, 0, 0))
                    m[name] = (c0 + calls, r0 + rejected, f0 + failed)
                cmds = m.finish()
            errs = stats.errors
            if self.error_counts:
                em = errs.mutate()
                for code, n in self.error_counts.items():
                    em[code] = em.get(code, 0) + n
                errs = em.finish()
            stats = replace(
                stats,
                total_commands_processed=stats.total_commands_processed + self.commands_processed,
                keyspace_hits=stats.keyspace_hits + self.keyspace_hits,
                keyspace_misses=stats.keyspace_misses + self.keyspace_misses,
                expired_keys=stats.expired_keys + self.expired_keys,
                total_error_replies=stats.total_error_replies + self.error_replies,
                commands=cmds,
                errors=errs,
            )
        clients = self.clients
        if self._client_changed and hasattr(self, "client"):
            clients = clients.set(self.client.id, self.client)
        parts = self.parts
        if parts:
            return replace(base, dbs=dbs, clients=clients, next_client_id=self.next_client_id,
                           config=self.config, stats=stats, rng=self.rng, dirty=self.dirty,
                           cron=self.cron, **parts)
        return replace(base, dbs=dbs, clients=clients, next_client_id=self.next_client_id,
                       config=self.config, stats=stats, rng=self.rng, dirty=self.dirty,
                       cron=self.cron)
