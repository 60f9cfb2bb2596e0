"""One transition's working copy of the state (the ``Step``).

A transition is a pure function ``ServerState -> (ServerState, Effects)``. Inside it, commands
run one after another against a :class:`Step`: a single-owner working copy whose persistent
maps are opened with ``Map.mutate()`` (a *transient*, as in Clojure) and frozen again by
:meth:`Step.commit`. The input state is never changed — that is checked by the property
``input_not_mutated`` of the state machines in ``properties/`` — and the result shares every untouched part with it.
This is what lets a pipelined batch of commands cost one structural rebuild, not one per
command.

The keyspace primitives of Redis's ``db.c`` are on :class:`~redspec.spec.db.DbView`
(``spec.db``); what a transition returns besides the state is :class:`~redspec.spec.effects.
Effects` (``spec.effects``). Layer: db (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from immutables import Map

from .aoffeed import feed_all
from .db import DbView, scan_db_for_ready_keys, signal_key_as_ready
from .effects import NO_EFFECTS, Effects
from .lru import lru_clock
from .pubsub import event_classes, keyspace_event
from .replfeed import feed_replication, feeds_replication
from .reply import Err
from .state import AOF_OFF, NO_CLIENT, Client, Db, ServerState, Stats, replace
from .tracking import invalidate_key
from .watch import touch_all_watched_keys_in_db, touch_watched_key

__all__ = ["Step", "DbView", "Effects", "NO_EFFECTS"]


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
        "call_us",
        "current_id",
        "tracking_pending",
        "caller_call",
        "tracking_on",
        "qbuf_len",
        "cron",
        "clock_set_ms",
        "listen_port",
        "kill_child",
        "exit_code",
        "parts",
        "in_exec",
        "aof_fed",
        "busy_port",
        "script_run",
        "busy",
        "pre_command_oom",
        "quiet_config",
        "quiet",
        "clock_word",
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
        #: The modelled microseconds of the commands run so far in this step (``c->duration``
        #: is the difference across one ``call``; spec.slowlog): only DEBUG SLEEP adds.
        self.call_us = 0
        #: Bytes in the current client's query buffer while its commands run (``sdslen(c->querybuf)``
        #: for CLIENT LIST ``qbuf``): the whole batch read; -1 when not reading from a socket.
        self.qbuf_len = -1
        #: serverCron / expire-cycle state (DEBUG SET-ACTIVE-EXPIRE changes it), and the time
        #: a command asked the clock to jump to (REDSPEC CLOCK; ``Effects.clock_set_ms``).
        self.cron = state.cron
        self.clock_set_ms: int | None = None
        #: The port CONFIG SET port moved the listener to (``Effects.listen_port``).
        self.listen_port: int | None = None
        #: The RDB child to kill and the exit status asked for (``Effects.kill_child`` /
        #: ``Effects.exit_code``: FLUSHALL, SHUTDOWN; spec.persist).
        self.kill_child: int | None = None
        self.exit_code: int | None = None
        #: Replaced top-level ``ServerState`` fields (see :meth:`part`), applied by ``commit``.
        self.parts: dict[str, Any] | None = None
        #: ``server.in_exec`` / ``CLIENT_DENY_BLOCKING``: commands run inside EXEC, so a
        #: blocking command must answer as if it timed out instead of blocking.
        #: How many of ``propagate`` were fed to the AOF buffer (``feed_aof``).
        self.aof_fed = 0
        self.in_exec = False
        #: The world's side of ``processEventsWhileBlocked`` for a script that runs past
        #: ``busy-reply-threshold`` (``spec.scripting.BusyPort``; None: no events, script
        #: time from the instruction count), the running script (``curr_run_ctx``: a
        #: ``spec.scripting.ScriptRun``) and, while it is past the threshold, the BUSY error
        #: other clients' commands get (``processCommand``'s BUSY gate, ``spec.dispatch``).
        self.busy_port: Any = None
        self.script_run: Any = None
        self.busy: Err | None = None
        #: ``server.pre_command_oom_state``: whether memory could not be brought under
        #: ``maxmemory`` when the current command (EXEC for what it runs) was processed; the
        #: gates of scripts read it (``spec.scripting``).
        self.pre_command_oom = False
        #: ``spec.dispatch.quiet_server``'s answer and the config it was computed for (the
        #: rest of what it reads is ``base``, fixed for the transition).
        self.quiet_config: Any = None
        self.quiet = False
        #: ``LRU_CLOCK()`` for this transition as one object (:meth:`lru_word`).
        self.clock_word: Any = None
        #: The client whose command runs (``server.current_client``); :data:`NO_CLIENT`
        #: in a transition of no client. ``db`` is its selected database (unset then).
        self.client: Client = NO_CLIENT
        #: The id of ``server.current_client``: the client whose input is being run, which
        #: :meth:`as_client` does not change (a script's commands, a served blocked client);
        #: 0 for none. Client-side caching's NOLOOP and held invalidations use it.
        self.current_id = client_id or 0
        #: Invalidations for the current client, held until after its reply
        #: (``server.tracking_pending_keys``; None: a flush). See ``spec.tracking``.
        self.tracking_pending: list[bytes | None] = []
        #: The command (CommandSpec, argv) the current client itself is running (``c->cmd``,
        #: ``c->argv`` of ``server.current_client``): a script's commands leave it alone.
        self.caller_call: tuple[Any, list[bytes]] | None = None
        #: ``TrackingTable != NULL``: some client enabled tracking (spec.tracking); a plain
        #: attribute because every modified key asks.
        self.tracking_on = state.tracking.on
        if client_id is not None:
            self.client = state.clients[client_id]
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
        self.current_id = client_id
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
        na.open_for_change()
        nb.open_for_change()
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
        waited = [k for d, k in self.part("blocking").keys.keys() if d == i]
        if waited:  # scanDatabaseForDeletedKeys: waiters on keys the flush removed
            old = self.open_db(i)
            for k in waited:
                if k in old.keys:
                    signal_key_as_ready(self, i, k)
        v = DbView(self, db)
        v.open_for_change()
        self._views[i] = v
        if not hasattr(self, "db"):  # a step without a client (a replica's link) has none
            return
        if self.db.id == i:
            self.db = v

    # -- clients ----------------------------------------------------------------------------

    def update_client(self, **changes: Any) -> None:
        """Change fields of the current client (SELECT, HELLO, CLIENT SETNAME, ...)."""
        self.client = replace(self.client, **changes)
        self._client_changed = True

    def set_client(self, c: Client) -> None:
        """Replace the current client as a whole (the same id)."""
        self.client = c
        self._client_changed = True

    def get_client(self, client_id: int) -> Client | None:
        """Client ``client_id`` as this transition sees it now (the current one included)."""
        if client_id == self.client.id:
            return self.client
        return self.clients.get(client_id)

    def put_client(self, c: Client) -> None:
        """Store a changed client, the current one or another."""
        if c.id == self.client.id:
            self.client = c
            self._client_changed = True
        else:
            self.clients = self.clients.set(c.id, c)

    def set_other_client(self, c: Client) -> None:
        """The same as :meth:`put_client` (the name where the client is not the current one)."""
        self.put_client(c)

    def all_clients(self) -> list[Client]:
        """Every connected client, the current one as it is now, in id order."""
        cs = dict(self.clients.items())
        if self.client is not NO_CLIENT:
            cs[self.client.id] = self.client
        return [cs[k] for k in sorted(cs)]

    def client_count(self) -> int:
        """Connected clients as this transition sees them."""
        n = len(self.clients)
        c = self.client
        if c is not NO_CLIENT and c.id not in self.clients:
            n += 1
        return n

    def push_to(self, client_id: int, frame: bytes) -> None:
        """Queue reply bytes for a client other than the current one (Pub/Sub, unblocking)."""
        if client_id == self.client.id:
            self.out.append(frame)
        else:
            self.others_out.setdefault(client_id, []).append(frame)

    @contextmanager
    def as_client(self, c: Client, db: int) -> Iterator[None]:
        """Run code as client ``c`` on database ``db`` (serving a blocked client, Redis's
        ``server.current_client`` switch), then come back to the current client with its
        command fields as they were."""
        saved = (self.client, self.db, self._client_changed, self.cmd, self.argv_rewrite)
        if self._client_changed:
            self.clients = self.clients.set(self.client.id, self.client)
        self.client = c
        self._client_changed = False
        self.db = self.open_db(db)
        self.cmd = None
        self.argv_rewrite = None
        try:
            yield
        finally:
            self.client, self.db, self._client_changed, self.cmd, self.argv_rewrite = saved

    # -- statistics ---------------------------------------------------------------------------

    def count_error(self, err: Err) -> None:
        """``afterErrorReply``: one more error reply, counted under its code (INFO errorstats)."""
        self.error_replies += 1
        code = err.split(" ", 1)[0]
        self.error_counts[code] = self.error_counts.get(code, 0) + 1

    def count_failed(self, name: str) -> None:
        """``failed_calls`` of command ``name`` + 1 (``updateStatsOnUnblock`` with errors)."""
        calls = self.cmd_calls.get(name)
        if calls is None:
            self.cmd_calls[name] = [0, 0, 1]
        else:
            calls[2] += 1

    def db_mem(self, i: int) -> int:
        """The modelled bytes of database ``i`` as this transition sees them (spec.memory)."""
        v = self._views.get(i)
        return self.base.dbs[i].mem if v is None else v.mem

    # -- mechanism sub-states ----------------------------------------------------------------

    def lru_word(self) -> Any:
        """``LRU_CLOCK()`` at this transition's time, the access word a key gets under LRU,
        as one shared ``int`` object: Redis keeps the word in the key's ``robj`` at no cost,
        and here each key's word would otherwise be an ``int`` object of its own (28 bytes
        per key of a bulk load). Typed ``Any`` so that compiled code keeps the object."""
        if self.clock_word is None:  # (two statements: compiled, a chained assignment
            # would box the int twice, one object stored and another returned)
            self.clock_word = lru_clock(self.now_ms)
        return self.clock_word

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

    def changed_part(self, name: str) -> Any:
        """The ``ServerState`` field ``name`` if this transition replaced it, else None (a
        mechanism asks whether this transition gave it work: keys made ready, clients
        unblocked)."""
        parts = self.parts
        return parts.get(name) if parts is not None else None

    def set_part(self, name: str, value: Any) -> None:
        """Replace the ``ServerState`` field ``name`` (takes effect at :meth:`commit`)."""
        if self.parts is None:
            self.parts = {}
        self.parts[name] = value

    # -- signals of db.c ----------------------------------------------------------

    def signal_modified_key(self, db: int, key: bytes) -> None:
        """``signalModifiedKey``: touch the key's WATCHers (``touchWatchedKey``; one emptiness
        check when nobody watches). Client-side tracking will hook in here too."""
        if self.part("watched_keys"):
            touch_watched_key(self, db, key)
        if self.tracking_on:  # trackingInvalidateKey
            invalidate_key(self, key, self.current_id)

    def already_expired(self, when: int) -> bool:
        """``checkAlreadyExpired``: an expire time at or before now deletes the key at once
        (EXPIRE/PEXPIREAT, GETEX, RESTORE), except while loading and for the commands of the
        master's stream: a replica keeps the key, with its expire time in the past, until the
        master's DEL (redis-server 7.0.15: a PEXPIREAT that reached the replica after its time
        kept the key, the digests of master and replica equal; a client's PEXPIREAT in the
        past on a writable replica deleted it)."""
        return (when <= self.now_ms and not self.base.loading.active
                and "master" not in self.client.flags)

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

    def live_stats(self) -> Stats:
        """The counters as they stand mid-transition: the committed ``stats`` plus this
        step's pending ones (what INFO reads, and what :meth:`commit` stores). Every other
        counter (evicted_keys, net bytes, expire-cycle figures, ...) is as committed."""
        stats = self.stats
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
        return replace(
            stats,
            total_commands_processed=stats.total_commands_processed + self.commands_processed,
            keyspace_hits=stats.keyspace_hits + self.keyspace_hits,
            keyspace_misses=stats.keyspace_misses + self.keyspace_misses,
            expired_keys=stats.expired_keys + self.expired_keys,
            total_error_replies=stats.total_error_replies + self.error_replies,
            commands=cmds,
            errors=errs,
        )

    def feed_aof(self) -> None:
        """``propagateNow`` for what this transition propagated and has not fed yet:
        ``feedAppendOnlyFile`` (``spec.aoffeed``; nothing while AOF is off) and
        ``replicationFeedSlaves`` (``spec.replfeed``; nothing without a backlog)."""
        a = self.part("aof")
        if a.status != AOF_OFF:
            ts = bool(self.config.get("aof-timestamp-enabled", False))
            self.set_part("aof", feed_all(a, self.propagate[self.aof_fed:], self.now_ms, ts))
        r = self.part("repl")
        if feeds_replication(r):
            self.set_part("repl", feed_replication(r, self.propagate[self.aof_fed:]))
        self.aof_fed = len(self.propagate)

    def propagate_now(self) -> None:
        """``propagateNow``: :meth:`feed_aof` under Redis's name (a method, not a class-body
        alias: mypyc rejects aliases in the body of a compiled module's class)."""
        self.feed_aof()

    def commit(self) -> ServerState:
        """Freeze the working copy into the next ``ServerState``."""
        base = self.base
        dbs = base.dbs
        changed: list[Db] | None = None  # the databases, copied at the first one that changed
        for i, v in self._views.items():
            d = v.freeze()
            if d is not dbs[i]:
                if changed is None:
                    changed = list(dbs)
                changed[i] = d
        if changed is not None:
            dbs = tuple(changed)
        stats = self.stats
        if (
            self.commands_processed
            or self.keyspace_hits
            or self.keyspace_misses
            or self.expired_keys
            or self.error_replies
        ):
            stats = self.live_stats()
        if len(self.propagate) > self.aof_fed:
            self.feed_aof()
        clients = self.clients
        if self._client_changed and self.client is not NO_CLIENT:
            clients = clients.set(self.client.id, self.client)
        parts = self.parts
        if parts:
            new = replace(base, dbs=dbs, clients=clients, next_client_id=self.next_client_id,
                          config=self.config, stats=stats, rng=self.rng, dirty=self.dirty,
                          cron=self.cron, **parts)
        else:
            new = replace(base, dbs=dbs, clients=clients, next_client_id=self.next_client_id,
                          config=self.config, stats=stats, rng=self.rng, dirty=self.dirty,
                          cron=self.cron)
        # Each view holds this step (a compiled native class: no weak references), and the
        # step its views: unlinked here, so that the transition's garbage (the replaced
        # versions of what it changed) is freed at once rather than by the cyclic GC.
        for v in self._views.values():
            v.detach()
        return new
