"""The server's state: frozen ``attrs`` classes over persistent maps.

Everything a client can observe lives here, and nothing else does: the reference server
holds one ``ServerState`` value and replaces it with the value each transition returns.
Large collections (the keyspace, the client table, config) are ``immutables.Map`` so that a
transition shares, rather than copies, what it does not change.

Values stored in the keyspace (Redis's ``robj``): a string is ``bytes`` (see ``spec.values``
for the other types and for encodings).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from immutables import Map

from .aofmanifest import EMPTY_MANIFEST, AofManifest
from .dict import EMPTY_HT, DictState, HashTables

__all__ = ["Db", "Client", "ClientInfo", "ClientIO", "Stats", "ServerState", "PubSubState",
           "Blocked", "BlockingState", "SlowlogState", "LatencyState", "TrackingState", "ScriptingState", "FunctionInfo",
           "FunctionLibrary", "EMPTY_MAP", "replace", "new_client", "LoadingState", "RdbChild",
           "AofState", "AofChild", "AOF_OFF", "AOF_ON", "AOF_WAIT_REWRITE", "ReplState",
           "ReplicaLink", "Failover", "FAILOVER_WAIT_FOR_SYNC", "FAILOVER_IN_PROGRESS"]

EMPTY_MAP: Map[Any, Any] = Map()

_REPLACERS: dict[type, Any] = {}

T = TypeVar("T")


def _make_replacer(cls: type) -> Any:
    """Generate ``replace`` for one class: every field passed positionally, read straight off
    the instance (no per-field dictionary or ``getattr`` work, unlike ``attrs.evolve``)."""
    names = [f.name for f in attrs.fields(cls)]
    params = ", ".join(f"{n}=_M" for n in names)
    args = ", ".join(f"o.{n} if {n} is _M else {n}" for n in names)
    src = f"def replace(o, *, {params}):\n    return cls({args})\n"
    ns: dict[str, Any] = {"cls": cls, "_M": _MISSING}
    exec(compile(src, f"<replace {cls.__name__}>", "exec"), ns)
    return ns["replace"]


_MISSING = object()


def replace(inst: T, **changes: Any) -> T:
    """A copy of the frozen ``inst`` with ``changes`` applied: ``attrs.evolve``, several times
    faster (a generated function per class passes every field positionally)."""
    cls = type(inst)
    f = _REPLACERS.get(cls)
    if f is None:
        f = _REPLACERS[cls] = _make_replacer(cls)
    return f(inst, **changes)  # type: ignore[no-any-return]


@attrs.frozen(slots=True)
class Db:
    """One numbered database (Redis's ``redisDb``): the main dict and the expires dict.

    ``expires`` maps a key to its absolute expiry time in unix milliseconds; every key in it is
    also in ``keys`` (invariant ``expires_subset_of_keys``).
    """

    id: int
    keys: Map[bytes, Any] = EMPTY_MAP
    expires: Map[bytes, int] = EMPTY_MAP
    #: Where the keys of ``keys`` / ``expires`` sit in Redis's two-table dicts (``db->dict``,
    #: ``db->expires``; see ``spec.dict``): SCAN cursors, KEYS order, DEBUG HTSTATS.
    ht: HashTables = EMPTY_HT
    expires_ht: HashTables = EMPTY_HT
    #: Per-key access word (``robj->lru``: LRU clock or LFU ``ldt << 8 | counter``; spec.evict).
    lru: Map[bytes, int] = EMPTY_MAP
    #: Modelled bytes of this database's keys, values and TTL entries (spec.memory), kept
    #: incrementally by the DbView writes; equals ``spec.memory.db_cost(keys, expires)``.
    mem: int = 0


@attrs.frozen(slots=True)
class Blocked:
    """A client's blocking state (Redis's ``c->bpop`` with ``c->btype``): the command that
    blocked (``blpop``, ``blmove``, ``bzmpop``, ...), its keys in argument order, the database,
    the deadline in unix ms (0: forever), what it pops (``kind`` 0 list / 1 zset; ``wherefrom``
    head 0 / tail 1, or min 0 / max 1), BLMOVE's ``target`` and ``whereto``, and BLMPOP/BZMPOP's
    ``count``."""

    cmd: str
    keys: tuple[bytes, ...]
    db: int
    timeout_ms: int = 0
    kind: int = 0
    wherefrom: int = 0
    whereto: int = 0
    target: bytes | None = None
    count: int = 1
    #: XREAD / XREADGROUP (``kind`` 2): per key the ID to read past (``$`` resolved), the
    #: group and consumer (None for XREAD), NOACK. ``count`` 0 is no COUNT.
    stream_ids: tuple[tuple[int, int], ...] = ()
    group: bytes | None = None
    consumer: bytes | None = None
    noack: bool = False
    #: The blocked command's arguments as sent, logged by SLOWLOG when it is unblocked
    #: (``updateStatsOnUnblock``); empty for a client postponed by CLIENT PAUSE.
    argv: tuple[bytes, ...] = ()


@attrs.frozen(slots=True)
class SlowlogState:
    """``server.slowlog`` and ``server.slowlog_entry_id`` (``spec.slowlog``): the entries,
    newest first, each ``(id, unix seconds, microseconds, argv, peer, name)`` with the argv
    already trimmed and redacted, and the id the next entry gets (never reset: SLOWLOG RESET
    keeps counting)."""

    entries: tuple[tuple[int, int, int, tuple[bytes, ...], str, bytes], ...] = ()
    next_id: int = 0


@attrs.frozen(slots=True)
class LatencyState:
    """``server.latency_events`` (``spec.latency``): per event name, in the order the events
    first appeared, ``(idx, max, samples)`` — the next slot of the ring of
    ``LATENCY_TS_LEN`` samples, the all-time maximum, and the ring itself, each sample
    ``(unix seconds, milliseconds)`` (time 0: an empty slot)."""

    events: tuple[tuple[str, tuple[int, int, tuple[tuple[int, int], ...]]], ...] = ()


@attrs.frozen(slots=True)
class TrackingState:
    """Client-side caching's server side (``spec.tracking``): ``table`` is the
    TrackingTable (key -> ids of the clients that may cache it; ids of freed clients stay
    until the key is invalidated, as Redis drops them lazily), ``items`` the number of ids in
    it (``TrackingTableTotalItems``), ``prefixes`` the PrefixTable of BCAST mode (prefix ->
    (keys modified in this event-loop iteration -> id of the client that last modified each,
    0 for none; ids of the clients subscribed)), and ``on`` whether any client ever enabled
    tracking (the tables exist)."""

    table: Map[bytes, frozenset[int]] = EMPTY_MAP
    items: int = 0
    prefixes: Map[bytes, tuple[Map[bytes, int], frozenset[int]]] = EMPTY_MAP
    on: bool = False


@attrs.frozen(slots=True)
class BlockingState:
    """Server-wide blocking (``db->blocking_keys``, ``server.ready_keys``, the timeout table,
    ``server.unblocked_clients``): ``keys`` maps ``(db, key)`` to the ids of the clients blocked
    on it in blocking order (absent when none); ``clients`` maps each blocked client to its
    deadline (0: none); ``ready`` holds keys signalled ready since the last serving pass, in
    signal order; ``unblocked`` the clients unblocked whose query buffer is still to process."""

    keys: Map[tuple[int, bytes], tuple[int, ...]] = EMPTY_MAP
    clients: Map[int, int] = EMPTY_MAP
    ready: tuple[tuple[int, bytes], ...] = ()
    unblocked: tuple[int, ...] = ()


@attrs.frozen(slots=True)
class ClientInfo:
    """The parts of a client that change rarely: identity, connection, selected db, protocol,
    flags (set by SELECT, HELLO, CLIENT SETNAME, AUTH, CLIENT KILL, ...)."""

    addr: str = "127.0.0.1:0"
    laddr: str = "127.0.0.1:6379"
    fd: int = -1
    ctime_ms: int = 0
    name: bytes | None = None
    lib_name: bytes | None = None
    lib_ver: bytes | None = None
    db: int = 0
    resp: int = 2
    #: Redis's client flags that clients can see: "close_after_reply", "no_evict", "no_touch", ...
    flags: frozenset[str] = frozenset()
    authenticated: bool = True
    #: Set when the connection must close once ``reply`` is written (QUIT, protocol error, KILL).
    closing: bool = False
    #: Commands queued in MULTI, for CLIENT LIST's ``multi``; -1 when not in a transaction.
    multi: int = -1
    #: Protocol type of the request being parsed (``reqtype``): 0 none, 1 inline, 2 multibulk.
    reqtype: int = 0
    #: Pub/Sub (``c->pubsub_channels`` dict, ``c->pubsub_patterns`` list in subscription
    #: order, ``c->pubsubshard_channels`` dict); see ``spec.pubsub``.
    pubsub_channels: Map[bytes, None] = EMPTY_MAP
    pubsub_patterns: tuple[bytes, ...] = ()
    pubsub_shard_channels: Map[bytes, None] = EMPTY_MAP
    #: ``c->obuf_soft_limit_reached_time`` in unix seconds, 0 when under the soft limit.
    obuf_soft_limit_since: int = 0
    #: MULTI queue (``c->mstate.commands``): ``(CommandSpec, argv)`` pairs; see ``spec.multi``.
    mstate: tuple[Any, ...] = ()
    #: ``c->mstate.argv_len_sums`` (CLIENT LIST ``multi-mem``) and ``alloc_count``.
    multi_mem: int = 0
    multi_alloc: int = 0
    #: WATCHed keys (``c->watched_keys``) in WATCH order: ``(db, key, expired when watched)``.
    watched: tuple[tuple[int, bytes, bool], ...] = ()
    #: What a client blocked in BLPOP & co. waits for (``c->bpop``), None when not blocked
    #: (see ``spec.blocking``).
    bpop: Blocked | None = None
    #: CLIENT TRACKING's ``client_tracking_redirection`` (0: none; -1 while tracking is off,
    #: as CLIENT LIST's ``redir=`` shows it) and its BCAST prefixes in byte order
    #: (``client_tracking_prefixes``); the mode itself is in ``flags`` (``tracking``,
    #: ``tracking_bcast``, ``tracking_optin``, ...; see ``spec.tracking``).
    tracking_redirect: int = -1
    tracking_prefixes: tuple[bytes, ...] = ()
    #: The ACL user the connection is authenticated as (``c->user``; spec.acl).
    user: str = "default"
    #: For a replica of this server: its replication state (``spec.replication``).
    repl: ReplicaLink | None = None
    #: ``c->woff``: the replication offset after this client's last propagated command.
    woff: int = 0


@attrs.frozen(slots=True)
class ClientIO:
    """The parts of a client that change on every read: buffers, last interaction, last
    command. Kept apart so that the per-read rebuild is a small object."""

    #: Bytes received but not yet parsed into a whole command (``c->querybuf``).
    querybuf: bytes = b""
    #: Bytes received after ``querybuf`` that cannot change the parse yet (a big argument still
    #: arriving), kept unjoined so that a 100 MB value read in 64 KiB chunks costs linear time:
    #: ``(need, watch, size, chunks)``; ``chunks`` is a cons list ``(older, chunk)`` of ``size``
    #: bytes in all; parsing resumes once ``querybuf`` + tail reach ``need`` bytes or a byte in
    #: ``watch`` arrives (``spec.resp.progress_point``). None when there is none. The query
    #: buffer Redis would report holds ``len(querybuf) + size`` bytes.
    querybuf_tail: tuple[int, tuple[bytes, ...], int, Any] | None = None
    #: Longest the query buffer has been since the last clientsCron (``qbuf-peak``-ish).
    querybuf_peak: int = 0
    #: Encoded reply bytes produced and not yet accepted by the socket (``c->buf``/``c->reply``).
    reply: bytes = b""
    last_interaction_ms: int = 0
    #: Full name of the last command looked up (``c->lastcmd``), "NULL" if it was unknown.
    last_cmd: str = "NULL"


_INFO_FIELDS = frozenset(f.name for f in attrs.fields(ClientInfo))
_IO_FIELDS = frozenset(f.name for f in attrs.fields(ClientIO))
_DEFAULT_INFO = ClientInfo()
_DEFAULT_IO = ClientIO()


@attrs.frozen(slots=True, init=False)
class Client:
    """Per-connection state (Redis's ``client`` struct), as far as clients can observe it.

    Two parts: ``info`` (:class:`ClientInfo`, rarely changed) and ``io`` (:class:`ClientIO`,
    changed on every read). Every field of either part reads directly off the client
    (``c.db``, ``c.querybuf``), and ``Client(id=1, db=2, reply=b"...")`` builds one from
    field names; :func:`replace` routes changes to the right part. Times are unix
    milliseconds supplied by the caller of the transition.
    """

    id: int
    info: ClientInfo
    io: ClientIO

    def __init__(self, id: int, info: ClientInfo | None = None, io: ClientIO | None = None,
                 **fields: Any) -> None:
        if fields:
            ic = {k: v for k, v in fields.items() if k in _INFO_FIELDS}
            oc = {k: v for k, v in fields.items() if k in _IO_FIELDS}
            bad = set(fields) - _INFO_FIELDS - _IO_FIELDS
            if bad:
                raise TypeError(f"unknown client fields: {sorted(bad)}")
            info = replace(info or _DEFAULT_INFO, **ic) if ic else info
            io = replace(io or _DEFAULT_IO, **oc) if oc else io
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "info", info or _DEFAULT_INFO)
        object.__setattr__(self, "io", io or _DEFAULT_IO)

    if TYPE_CHECKING:  # the delegated fields, for type checkers
        addr: str
        laddr: str
        fd: int
        ctime_ms: int
        name: bytes | None
        lib_name: bytes | None
        lib_ver: bytes | None
        db: int
        resp: int
        flags: frozenset[str]
        authenticated: bool
        closing: bool
        multi: int
        reqtype: int
        pubsub_channels: Map[bytes, None]
        pubsub_patterns: tuple[bytes, ...]
        pubsub_shard_channels: Map[bytes, None]
        obuf_soft_limit_since: int
        mstate: tuple[Any, ...]
        multi_mem: int
        multi_alloc: int
        watched: tuple[tuple[int, bytes, bool], ...]
        bpop: Blocked | None
        tracking_redirect: int
        tracking_prefixes: tuple[bytes, ...]
        user: str
        querybuf: bytes
        querybuf_tail: tuple[int, tuple[bytes, ...], int, Any] | None
        querybuf_peak: int
        reply: bytes
        last_interaction_ms: int
        last_cmd: str


def _delegate(part: str, name: str) -> property:
    return property(attrgetter(f"{part}.{name}"), doc=f"``{part}.{name}``")


for _n in sorted(_INFO_FIELDS):
    setattr(Client, _n, _delegate("info", _n))
for _n in sorted(_IO_FIELDS):
    setattr(Client, _n, _delegate("io", _n))


def _replace_client(c: Client, **changes: Any) -> Client:
    """``replace`` for a Client: each change goes to the part that holds the field."""
    info, io = c.info, c.io
    ic = {k: v for k, v in changes.items() if k in _INFO_FIELDS}
    oc = {k: v for k, v in changes.items() if k in _IO_FIELDS}
    if len(ic) + len(oc) != len(changes):
        raise TypeError(f"unknown client fields: {sorted(set(changes) - _INFO_FIELDS - _IO_FIELDS)}")
    return Client(changes.get("id", c.id), replace(info, **ic) if ic else info,
                  replace(io, **oc) if oc else io)


_REPLACERS[Client] = _replace_client


@attrs.frozen(slots=True)
class Stats:
    """Counters reported by INFO (``server.stat_*``)."""

    total_connections_received: int = 0
    total_commands_processed: int = 0
    rejected_connections: int = 0
    keyspace_hits: int = 0
    keyspace_misses: int = 0
    expired_keys: int = 0
    total_error_replies: int = 0
    unexpected_error_replies: int = 0
    total_net_input_bytes: int = 0
    total_net_output_bytes: int = 0
    #: Per command name (lowercase, ``container|sub`` for subcommands): (calls, rejected, failed).
    commands: Map[str, tuple[int, int, int]] = EMPTY_MAP
    #: Per error code ("ERR", "WRONGTYPE", ...): count (INFO errorstats).
    errors: Map[str, int] = EMPTY_MAP
    # -- the active expire cycle (spec.expire) --
    #: ``stat_expired_stale_perc``: moving average (0..1) of the expired share of sampled keys.
    expired_stale_perc: float = 0.0
    #: ``stat_expired_time_cap_reached_count``: cycles that stopped on their budget.
    expired_time_cap_reached_count: int = 0
    #: ``stat_expire_cycle_time_used`` in modelled microseconds (work units, see spec.expire).
    expire_cycle_time_used_us: int = 0
    #: ``stat_evictedkeys``: keys deleted by maxmemory eviction (spec.evict).
    evicted_keys: int = 0
    #: ``lazyfreed_objects`` (INFO memory): what the lazy-free thread freed (spec.lazyfree).
    lazyfreed_objects: int = 0


@attrs.frozen(slots=True)
class CronState:
    """What ``serverCron`` and the active expire cycle carry between runs (their C statics and
    the per-db fields ``expires_cursor`` and ``avg_ttl``); see ``spec.cron``, ``spec.expire``.

    ``cursors``/``avg_ttl`` hold one entry per database (empty means all zero).
    ``virtual_clock`` is set by the reference server when it runs a virtual clock (REDSPEC
    CLOCK may change time only then).
    """

    active_expire_enabled: bool = True
    cursors: tuple[int, ...] = ()
    avg_ttl: tuple[int, ...] = ()
    #: ``current_db`` of activeExpireCycle: the next database to visit.
    current_db: int = 0
    #: ``timelimit_exit``: the previous cycle stopped on its budget.
    timelimit_exit: bool = False
    #: ``last_fast_cycle`` in microseconds.
    last_fast_cycle_us: int = 0
    #: ``server.cronloops``.
    cronloops: int = 0
    #: ``server.hz`` after dynamic-hz (0 before the first cron run).
    hz: int = 0
    virtual_clock: bool = False
    #: ``server.pause_cron`` (DEBUG PAUSE-CRON): serverCron does none of its work.
    paused: bool = False
    #: ``server.clients`` as clientsCron's rotations left it (``listRotateTailToHead``), when
    #: that differs from creation order: the ids in list order, head first; () while the
    #: list is in creation order (ascending ids). Clients created since are at the tail
    #: (``spec.clients.clients_list``).
    clients_order: tuple[int, ...] = ()


@attrs.frozen(slots=True)
class PubSubState:
    """Server-wide Pub/Sub (``server.pubsub_channels``, ``server.pubsub_patterns``,
    ``server.pubsubshard_channels``): each channel or pattern maps to the ids of its
    subscribers in subscription order; a name with no subscriber is absent."""

    channels: Map[bytes, tuple[int, ...]] = EMPTY_MAP
    patterns: Map[bytes, tuple[int, ...]] = EMPTY_MAP
    shard_channels: Map[bytes, tuple[int, ...]] = EMPTY_MAP


@attrs.frozen(slots=True)
class FunctionInfo:
    """One function of a library (``functionInfo``): its name as registered, its description
    (None when none was given) and its flags (names of ``scripts_flags_def``)."""

    name: bytes
    description: bytes | None = None
    flags: frozenset[str] = frozenset()


@attrs.frozen(slots=True)
class FunctionLibrary:
    """A library loaded by FUNCTION LOAD or RESTORE (``functionLibInfo``): its name, its
    engine's name, its whole code (shebang included) and its functions in the order they
    were registered (``spec.functions``)."""

    name: bytes
    code: bytes
    functions: tuple[FunctionInfo, ...] = ()
    engine: str = "LUA"
    #: What the library's local variables hold after its last FCALL, as Lua source that puts
    #: them back in a freshly loaded library (None: as loading left them). In Redis the
    #: library stays loaded in one Lua state; here the state carries what it would hold.
    lua_state: bytes | None = None


def new_client(cid: int, now_ms: int, config: Any, addr: str = "127.0.0.1:0",
               laddr: str = "127.0.0.1:6379", fd: int = -1,
               authenticated: bool | None = None) -> Client:
    """``createClient``'s client: authenticated when the default user needs no password
    (``authenticated``, from the ACL; without it: unless ``requirepass`` is set)."""
    if authenticated is None:
        authenticated = not config.get("requirepass")
    return Client(
        cid,
        ClientInfo(addr=addr, laddr=laddr, fd=fd, ctime_ms=now_ms,
                   authenticated=authenticated),
        ClientIO(last_interaction_ms=now_ms),
    )


@attrs.frozen(slots=True)
class ScriptingState:
    """The EVAL script cache and the Lua generator (``spec.scripting``): ``scripts`` maps the
    SHA1 of a body (40 lowercase hex digits) to the body (``lctx.lua_scripts``);
    ``lua_rng`` is the state of the generator behind ``math.random`` (Redis's
    ``redisLrand48``, process-wide in Redis), None until a script first draws from it.

    Functions (``spec.functions``, ``curr_functions_lib_ctx``): ``libraries`` maps a library
    name to its :class:`FunctionLibrary`; ``functions`` maps a function name, lowercased (the
    functions dict compares names without case), to the name of its library."""

    scripts: Map[str, bytes] = EMPTY_MAP
    lua_rng: int | None = None
    libraries: Map[bytes, FunctionLibrary] = EMPTY_MAP
    functions: Map[bytes, bytes] = EMPTY_MAP


@attrs.frozen(slots=True)
class TransportState:
    """Server-wide transport state (``spec.transport``): ``server.monitors`` (client ids in
    MONITOR order), the client pause (``client_pause_type``: 0 none, 1 WRITE, 2 ALL, and
    ``client_pause_end_time`` in unix ms) and ``server.postponed_clients`` (ids blocked with
    ``BLOCKED_POSTPONE``, in the order they were postponed)."""

    monitors: tuple[int, ...] = ()
    pause_type: int = 0
    pause_end_ms: int = 0
    postponed: tuple[int, ...] = ()
    #: ``server.client_pause_per_purpose``: one pause per purpose (CLIENT PAUSE, SHUTDOWN,
    #: FAILOVER) as ``(purpose, type, end_ms)``; ``pause_type``/``pause_end_ms`` are the
    #: pause in force computed from them (``spec.pause.update_pause``).
    pauses: tuple[tuple[int, int, int], ...] = ()
    #: When the event loop's serverCron time event fires next (unix ms; ``spec.eventloop``).
    cron_next_ms: int = 0


@attrs.frozen(slots=True)
class EvictState:
    """What ``evict.c`` keeps between calls: the eviction pool (``EvictionPoolLRU``, sorted
    by ascending idle score: entries ``(idle, key, dbid)``, at most ``EVPOOL_SIZE``, the
    same key may appear twice as in Redis) and ``next_db`` of the random policies."""

    pool: tuple[tuple[int, bytes, int] | None, ...] = ()
    next_db: int = 0
    #: Access words of the shared integer objects (``shared.integers[n]``, n < 10000) that
    #: were written since start; the others still hold their startup word.
    shared: Map[int, int] = Map()


@attrs.frozen(slots=True)
class ConfigFileState:
    """The config file (``spec.configfile``): ``server.configfile``, the absolute path the
    server was started with ("" when none: CONFIG REWRITE refuses), and the world's answers
    to "was the file CONFIG REWRITE produced written?" that a transition being run needs, in
    order (None: written; else the ``strerror`` text of the failure)."""

    path: str = ""
    rewrite_outcomes: tuple[str | None, ...] = ()


@attrs.frozen(slots=True)
class PersistState:
    """RDB persistence (``spec.persist``): ``server.lastsave`` in unix seconds (-1: none yet,
    the start time counts), ``stat_rdb_saves``, the last load's key counts, and the world's answers to "was the file this
    SAVE produced written?" that the SAVEs of a transition being run need, in order (an
    input, like ``listen_outcomes``; one per SAVE, so several SAVEs in one pipeline each get
    their own)."""

    lastsave_s: int = -1
    saves: int = 0
    save_outcomes: tuple[bool, ...] = ()
    #: The last load's ``rdb_last_load_keys_loaded`` / ``rdb_last_load_keys_expired``.
    load_loaded: int = 0
    load_expired: int = 0
    #: The RDB child saving in the background (``server.child_pid`` of CHILD_TYPE_RDB), or None.
    child: RdbChild | None = None
    #: ``server.skip_checksum_validation`` (DEBUG SET-SKIP-CHECKSUM-VALIDATION): RESTORE and
    #: RDB loads do not compare CRC-64s.
    skip_checksum: bool = False
    #: ``server.lastbgsave_status`` (True: C_OK), ``server.lastbgsave_try`` (unix s),
    #: ``server.rdb_save_time_last`` (s, -1: none yet), ``server.rdb_bgsave_scheduled``.
    lastbgsave_ok: bool = True
    lastbgsave_try_s: int = 0
    bgsave_time_last_s: int = -1
    bgsave_scheduled: bool = False
    #: ``server.stat_rdb_cow_bytes`` (the COW model's bytes of the last child, spec.persist).
    last_cow_size: int = 0
    #: ``server.stat_total_forks`` and ``stat_fork_time`` (µs, as the world measured it).
    total_forks: int = 0
    latest_fork_usec: int = 0
    #: The world's answers to "fork a child that saves this snapshot": ``(pid, fork µs)``,
    #: pid -1 when fork failed; consumed in order (an input, like ``save_outcomes``).
    fork_outcomes: tuple[tuple[int, int], ...] = ()
    #: Children that exited, as ``waitpid`` reported them: ``(pid, exit code, signal)``
    #: (an input, consumed by ``checkChildrenDone`` in serverCron).
    child_exits: tuple[tuple[int, int, int], ...] = ()
    #: A shutdown signal received (``server.shutdown_asap``: 15 SIGTERM, 2 SIGINT; 0 none),
    #: acted on by serverCron.
    shutdown_signal: int = 0


@attrs.frozen(slots=True)
class RdbChild:
    """A BGSAVE child (``rdbSaveBackground``): its pid (the world's answer to the fork), when
    it started (unix ms), ``server.dirty_before_bgsave``, and the **snapshot**: the server
    state at the fork, which the child writes. The state is immutable, so holding it costs
    nothing more than what the parent's later writes stop sharing with it, which is what
    copy-on-write costs Redis (the COW model of ``spec.persist``)."""

    pid: int
    start_ms: int
    dirty_before: int
    snapshot: ServerState
    #: ``server.stat_current_save_keys_total``: keys in the snapshot.
    keys_total: int = 0


@attrs.frozen(slots=True)
class LoadingState:
    """Loading an RDB file while serving (``spec.loading``; ``server.loading`` and the
    ``loading_*`` fields): the file's bytes and how far the loader got (``cursor``, an
    ``spec.rdb.RdbCursor``; None: not loading), ``loading_start_time`` (unix s),
    ``loading_loaded_bytes`` (the position at the last progress report),
    ``loading_rdb_used_mem`` (the file's ``used-mem`` AUX field), and the file's name."""

    cursor: Any = None
    data: bytes = b""
    name: str = ""
    start_s: int = 0
    loaded_bytes: int = 0
    rdb_used_mem: int = 0
    #: The file's replication AUX fields read so far (``repl-stream-db``, ``repl-id``,
    #: ``repl-offset``: ``rdbSaveInfo``), used when the load ends.
    repl_info: tuple[tuple[bytes, bytes], ...] = ()
    #: An append-only file set being loaded (``spec.aofload.AofLoad``; None: an RDB file
    #: or nothing): ``cursor`` is then set only while a file's RDB preamble is read.
    aof: Any = None

    @property
    def active(self) -> bool:
        """``server.loading``: a load is in progress."""
        return self.cursor is not None or self.aof is not None


#: ``server.aof_state``: AOF off, on, or being turned on (waiting for the first rewrite).
AOF_OFF = 0
AOF_ON = 1
AOF_WAIT_REWRITE = 2


@attrs.frozen(slots=True)
class AofChild:
    """A BGREWRITEAOF child (``rewriteAppendOnlyFileBackground``): its pid (the world's
    answer to the fork), when it started (unix ms), and the snapshot it writes as the new
    base (the dataset at the fork, as for :class:`RdbChild`)."""

    pid: int
    start_ms: int
    snapshot: ServerState
    #: The size of the base file it wrote, as the world reported it (-1: not yet).
    base_size: int = -1


@attrs.frozen(slots=True)
class AofState:
    """The append-only file (``spec.aof``): ``server.aof_state``, the manifest of the AOF
    directory, ``aof_buf`` (what commands appended since the last write to the file), the
    db the stream last SELECTed (``aof_selected_db``; -1 forces a SELECT), the last ``#TS``
    annotation's second, the file sizes (``aof_current_size``: base plus incr files as
    written; ``aof_rewrite_base_size``; ``aof_last_incr_size``), the fsync bookkeeping
    (``aof_fsync_offset``, ``aof_last_fsync``, ``aof_flush_postponed_start``,
    ``aof_delayed_fsync``, and the world's pending background fsyncs), the last write's
    status, and the rewrite (its child, whether one is scheduled, the counters INFO shows)."""

    status: int = AOF_OFF
    manifest: AofManifest = EMPTY_MANIFEST
    buf: bytes = b""
    selected_db: int = -1
    cur_timestamp: int = 0
    current_size: int = 0
    base_size: int = 0
    last_incr_size: int = 0
    fsync_offset: int = 0
    last_fsync_s: int = 0
    flush_postponed_start: int = 0
    delayed_fsync: int = 0
    #: Background fsyncs the world has started and not yet reported done (``bioPendingJobs
    #: OfType(BIO_AOF_FSYNC)``): an input, like a child's exit.
    fsync_pending: int = 0
    #: Bytes of the current incr file the world has reported durable (a finished fsync): the
    #: machine-crash point of the model.
    durable_size: int = 0
    last_write_ok: bool = True
    #: ``strerror(aof_last_write_errno)`` of the last failed write ("" when none).
    last_write_error: str = ""
    #: The bytes of the last write handed to the world (what a failed write puts back).
    last_write: bytes = b""
    #: The file operations queued for the world, in order (``spec.aof.take_ops``).
    ops: tuple[tuple[Any, ...], ...] = ()
    child: AofChild | None = None
    rewrite_scheduled: bool = False
    rewrites: int = 0
    lastbgrewrite_ok: bool = True
    rewrite_time_last_s: int = -1
    consecutive_failures: int = 0
    last_cow_size: int = 0
    #: ``aofRewriteLimited``'s static state: the current delay and when retrying is allowed.
    next_delay_minutes: int = 0
    next_rewrite_s: int = 0
    #: The world's answers to ``spec.aofload.AofDirNeeded`` (DEBUG LOADAOF reading the AOF
    #: directory): ``spec.aofload.AofDirRead`` values, consumed in order (an input).
    dir_reads: tuple[Any, ...] = ()


#: A replica's state as its master sees it (``client->replstate``; Redis's numbers).
SLAVE_STATE_WAIT_BGSAVE_START = 6
SLAVE_STATE_WAIT_BGSAVE_END = 7
SLAVE_STATE_SEND_BULK = 8
SLAVE_STATE_ONLINE = 9

#: The replica side's link state (``server.repl_state``), Redis's order.
REPL_STATE_NONE = 0
REPL_STATE_CONNECT = 1
REPL_STATE_CONNECTING = 2
REPL_STATE_RECEIVE_PING_REPLY = 3
REPL_STATE_SEND_HANDSHAKE = 4
REPL_STATE_RECEIVE_AUTH_REPLY = 5
REPL_STATE_RECEIVE_PORT_REPLY = 6
REPL_STATE_RECEIVE_IP_REPLY = 7
REPL_STATE_RECEIVE_CAPA_REPLY = 8
REPL_STATE_SEND_PSYNC = 9
REPL_STATE_RECEIVE_PSYNC_REPLY = 10
REPL_STATE_TRANSFER = 11
REPL_STATE_CONNECTED = 12


@attrs.frozen(slots=True)
class ReplicaLink:
    """What a master keeps for a client that is its replica (``client->replstate`` and the
    ``slave_*``/``repl_*`` fields): the sync state, the capabilities it announced
    (``eof``, ``psync2``), its listening port and announced address, the offset it last
    acknowledged and when (unix ms), the offset its stream starts at
    (``psync_initial_offset``), and, until it is online, the stream bytes held for it (Redis
    keeps them in the replica's output buffer but installs no write handler)."""

    state: int = SLAVE_STATE_WAIT_BGSAVE_START
    capa: frozenset[str] = frozenset()
    listening_port: int = 0
    ip: str = ""
    ack_off: int = 0
    ack_time_ms: int = 0
    initial_offset: int = -1
    held: bytes = b""
    #: Attached with plain ``SYNC`` (``CLIENT_PRE_PSYNC``): no +FULLRESYNC, no ACK timeout.
    pre_psync: bool = False
    #: ``repl_start_cmd_stream_on_ack``: a diskless transfer ended; the held stream goes
    #: out at the replica's first REPLCONF ACK.
    start_on_ack: bool = False
    #: The stream offset given to this replica so far (held or written).
    fed_to: int = 0
    #: ``REPLCONF rdb-only 1``.
    rdb_only: bool = False


#: ``server.failover_state`` other than ``NO_FAILOVER`` (``ReplState.failover`` is None then).
FAILOVER_WAIT_FOR_SYNC = 1
FAILOVER_IN_PROGRESS = 2


@attrs.frozen(slots=True)
class Failover:
    """A coordinated failover under way (``spec.failover``): ``waiting-for-sync`` or
    ``failover-in-progress`` (``server.failover_state``), its deadline in unix ms (0: none,
    ``server.failover_end_time``), FORCE (``server.force_failover``) and the target replica's
    address once known (``server.target_replica_host``/``_port``)."""

    state: int = FAILOVER_WAIT_FOR_SYNC
    end_ms: int = 0
    force: bool = False
    host: str | None = None
    port: int = 0


@attrs.frozen(slots=True)
class ReplState:
    """Replication (``spec.replication``, ``spec.replica``): the history this server's
    dataset belongs to (``replid``, ``replid2`` valid up to ``second_replid_offset``,
    ``master_repl_offset``), the backlog (``spec.backlog``), the replicas in attach order
    (``server.slaves``), the db the stream last SELECTed (``slaveseldb``), and, for a
    replica, its master's address and the link's state machine (``server.repl_state``,
    the handshake and transfer bookkeeping, the master client's id, the cached master)."""

    replid: str = "0" * 40
    #: The world's entropy for this server's replication ids (its first id: /dev/urandom in
    #: the served process, the seed in the pure model): new ids mix it with the PRNG, so
    #: two servers with the same seed never draw the same history id.
    salt: str = ""
    replid2: str = "0" * 40
    second_replid_offset: int = -1
    master_repl_offset: int = 0
    backlog: Any = None
    slaveseldb: int = -1
    replicas: tuple[int, ...] = ()
    #: Stream bytes fed since the replicas were last given theirs (beforeSleep hands them
    #: out): the stream from offset ``master_repl_offset - len(outbox)``.
    outbox: tuple[bytes, ...] = ()
    #: Each replica's next unsent stream offset, as beforeSleep last saw them: the backlog
    #: blocks they refer to are not trimmed (``replBufBlock.refcount``).
    pins: tuple[int, ...] = ()
    no_slaves_since_s: int = 0
    cron_loops: int = 0
    good_replicas: int = 0
    #: Clients blocked in WAIT, and whether beforeSleep must ask the replicas for an ACK.
    waiting_acks: tuple[int, ...] = ()
    get_ack: bool = False
    #: The RDB child serves replicas: "disk" or "socket" (``server.rdb_child_type``), and
    #: the EOF mark of a socket transfer.
    child_target: str = ""
    eofmark: bytes = b""
    # -- replica side --
    masterhost: str | None = None
    masterport: int = 0
    link_state: int = REPL_STATE_NONE
    #: The link's bytes read and not consumed yet (handshake lines, the transfer).
    link_buf: bytes = b""
    #: The replies the handshake still expects, in order ("auth", "port", "ip", "capa").
    link_expect: tuple[str, ...] = ()
    transfer_size: int = -1
    transfer_eofmark: bytes = b""
    transfer_chunks: tuple[bytes, ...] = ()
    transfer_read: int = 0
    transfer_lastio_ms: int = 0
    transfer_start_ms: int = 0
    #: From +FULLRESYNC: the master's replid and offset (``repl_master_initial_offset``).
    master_replid: str = ""
    master_initial_offset: int = -1
    #: The master client (``server.master``) once connected, its applied and read offsets.
    master_client: int | None = None
    master_reploff: int = 0
    master_read_reploff: int = 0
    #: ``server.cached_master``: (replid, applied offset, selected db, client id) to PSYNC
    #: with after the link drops (the resurrected master client keeps its db and its id).
    cached_master: tuple[str, int, int, int] | None = None
    down_since_s: int = 0
    #: The link's world operations queued (connect, send, close, adopt, rdb file).
    ops: tuple[tuple[Any, ...], ...] = ()
    #: Consumed from the master but not applied yet: a transaction still open (the applied
    #: offset never points inside MULTI … EXEC).
    master_unapplied: bytes = b""
    #: The function libraries of a snapshot just loaded, created once its step commits.
    load_functions: tuple[bytes, ...] = ()
    sync_full: int = 0
    sync_partial_ok: int = 0
    sync_partial_err: int = 0
    #: A coordinated failover (FAILOVER), None when there is none (``NO_FAILOVER``).
    failover: Failover | None = None


@attrs.frozen(slots=True)
class ServerState:
    """The whole server (Redis's ``redisServer`` as far as the mechanisms built so far need it).

    ``rng`` is the explicit PRNG state used wherever Redis draws random numbers (RANDOMKEY,
    sampling, LFU increments); it advances deterministically (``Step.random``).
    """

    dbs: tuple[Db, ...]
    clients: Map[int, Client] = EMPTY_MAP
    next_client_id: int = 1
    config: Map[str, Any] = EMPTY_MAP
    stats: Stats = Stats()
    #: Unix ms at start (``server.stat_starttime``: uptime in INFO, the shared objects' LRU).
    start_time_ms: int = 0
    rng: int = 0x5EED
    #: Writes since the last save (``server.dirty``).
    dirty: int = 0
    #: ``server.runid``: 40 hex characters chosen at start (INFO ``run_id``).
    run_id: str = "0" * 40
    #: State of serverCron and the active expire cycle.
    cron: CronState = CronState()
    #: The eviction pool and the random policies' next database (spec.evict).
    evict: EvictState = EvictState()
    #: Channels, patterns and shard channels with their subscribers (``spec.pubsub``).
    pubsub: PubSubState = PubSubState()
    #: Clients blocked on keys, keys ready to serve, clients to resume (``spec.blocking``).
    blocking: BlockingState = BlockingState()
    #: WATCHed keys (``db->watched_keys`` of every db): ``(db, key) -> client ids`` in WATCH
    #: order; a key nobody watches is absent (see ``spec.watch``).
    watched_keys: Map[tuple[int, bytes], tuple[int, ...]] = EMPTY_MAP
    #: The dicts' hash seed, ``dict_can_resize`` and databasesCron's resize/rehash cursors.
    dicts: DictState = DictState()
    #: SLOWLOG's entries and entry id (``spec.slowlog``).
    slowlog: SlowlogState = SlowlogState()
    #: The latency monitor's time series (``spec.latency``).
    latency: LatencyState = LatencyState()
    #: Client-side caching: the tracking and prefix tables (``spec.tracking``).
    tracking: TrackingState = TrackingState()
    #: The C library's ``rand()`` state (LOLWUT's drawings; spec.commands.lolwut), None until
    #: first used (then seeded from ``rng``, as Redis seeds it from the time at start).
    libc_rand: tuple[tuple[int, ...], int] | None = None
    #: MONITOR clients, CLIENT PAUSE and the postponed clients (``spec.transport``).
    transport: TransportState = TransportState()
    #: The world's answers to "can you listen on this TCP port?" that a transition being run
    #: needs (an input, see ``spec.listen``): port -> outcome, consumed by CONFIG SET port.
    listen_outcomes: Map[int, bool] = EMPTY_MAP
    #: The EVAL script cache and the Lua PRNG state (``spec.scripting``).
    scripting: ScriptingState = ScriptingState()
    #: SAVE's bookkeeping and the world's answer about the file (``spec.persist``).
    persist: PersistState = PersistState()
    #: An RDB file being loaded while clients are served (``spec.loading``).
    loading: LoadingState = LoadingState()
    #: The append-only file: its buffer, files and fsync bookkeeping (``spec.aof``).
    aof: AofState = AofState()
    #: The config file's path and CONFIG REWRITE's answers from the world (``spec.configfile``).
    configfile: ConfigFileState = ConfigFileState()
    #: ACL users and the ACL LOG (``spec.acl.AclState``); None: as ``ACLInit`` leaves them,
    #: with ``requirepass`` as the default user's password (built on first use).
    acl: Any = None
    #: Replication, master and replica side (``spec.replication``).
    repl: ReplState = ReplState()
    #: quicklist.c's ``packed_threshold`` (a process-wide static in Redis): list elements of
    #: this many bytes or more get plain nodes (``spec.rdb.PACKED_THRESHOLD``, 1 GiB; DEBUG
    #: QUICKLIST-PACKED-THRESHOLD).
    ql_packed_threshold: int = 1 << 30
    #: MIGRATE's cached connections (``server.migrate_cached_sockets``, ``spec.migrate``):
    #: ``host:port`` -> (the database last SELECTed there or -1, unix second of last use).
    migrate: Map[bytes, tuple[int, int]] = EMPTY_MAP


#: The client of a transition that runs for no client (serverCron, timeouts, a pause ending):
#: ``Step.client`` is this sentinel, never a missing attribute. Its id matches no real client.
NO_CLIENT = Client(-1)
