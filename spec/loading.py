"""Loading an RDB file while serving (Redis's ``loadDataFromDisk`` → ``rdbLoad`` →
``rdbLoadRio`` with ``rdbLoadProgressCallback``), as pure steps.

Redis 7.0.15 listens first and loads afterwards. While ``server.loading`` is set it reads the
file record after record, and every time its reads cross a multiple of
``loading-process-events-interval-bytes`` (2 MB by default) it reports the progress
(``loadingAbsProgress``: ``loading_loaded_bytes``) and handles pending events
(``processEventsWhileBlocked``): new connections are accepted and commands are answered — by
``-LOADING`` unless they carry the ``loading`` flag (``spec.dispatch``). Keys enter the
databases as they are read; no command that reads keys runs before the load ends.

Here the load is a value in the state (:class:`~redspec.spec.state.LoadingState`: the file,
an :class:`~redspec.spec.rdb.RdbCursor`), and :func:`load_step` reads from the cursor until
the reads cross the next interval boundary (then finishes the record it is in: Redis handles
events in the middle of that record, a difference no client can see) or until EOF and the
checksum. The world runs its event-loop turns between steps. A step that meets a corrupt or
truncated record raises and changes nothing; :func:`failure_report` gives the log lines
Redis writes then, including the ``redis-check-rdb`` report of where the file broke.

Function libraries (``RDB_OPCODE_FUNCTION2``) are returned by the step as their code: running
a library's code belongs to ``spec.functions``, a layer above, whose caller
(``spec.startup``) installs them as they come, in file order.

``key-load-delay`` (a debugging parameter: microseconds per key, negative ``-n`` meaning one
microsecond with probability ``1/n``) is model time: a step says how long its keys take
(:attr:`LoadStep.delay_us`, the expected value for a negative setting), and the world waits
that long, as ``debugDelay`` makes Redis sleep while it loads.
"""

from __future__ import annotations

import attrs

from .aof import server_log
from .db import DbView
from .persist import set_lru_or_lfu
from .rdb import (
    AuxRecord,
    EofRecord,
    FunctionRecord,
    KeyLoaded,
    KeyRecord,
    Limits,
    RdbCorrupt,
    RdbCursor,
    RdbLoadError,
    ResizeRecord,
    SelectRecord,
    check_trailer,
    read_header,
    read_record,
)
from .rdbcodec import Reader
from .state import LoadingState, ServerState, replace
from .step import Step

__all__ = ["LoadStep", "LoadFailed", "DuplicateKey", "panics", "LOADING_ERR_TEXT", "start_loading", "load_step", "stop_loading",
           "loading_info", "failure_report", "check_rdb_report", "aux_log_text"]

#: ``shared.loadingerr``.
LOADING_ERR_TEXT = "LOADING Redis is loading the dataset in memory"


@attrs.frozen
class LoadStep:
    """What one loading step did: the library codes it read (to be installed, in order),
    the keys it read (added or already expired), the model time ``key-load-delay`` makes them
    take, the log lines the AUX fields produced, and whether the load has ended."""

    functions: tuple[bytes, ...] = ()
    keys: int = 0
    delay_us: int = 0
    logs: tuple[str, ...] = ()
    done: bool = False


def start_loading(state: ServerState, data: bytes, name: str, now_ms: int) -> ServerState:
    """``startLoadingFile`` + the start of ``rdbLoadRio``: ``server.loading`` on, the start
    time and the file; the key counters of the last load start at zero. Raises
    :class:`RdbCorrupt` when the magic or version is wrong (nothing is loaded then)."""
    cursor = read_header(data)
    loading = LoadingState(cursor=cursor, data=data, name=name, start_s=now_ms // 1000)
    persist = attrs.evolve(state.persist, load_loaded=0, load_expired=0)
    return replace(state, loading=loading, persist=persist)


def stop_loading(state: ServerState) -> ServerState:
    """``stopLoading``: ``server.loading`` off; the file is dropped."""
    return replace(state, loading=LoadingState())


def aux_log_text(key: bytes, value: bytes, now_ms: int) -> str | None:
    """The line ``rdbLoadRio`` logs for an AUX field it knows (the producing version, the
    file's age, the memory it had), or None."""
    v = value.decode("latin-1")
    if key == b"redis-ver":
        return f"Loading RDB produced by version {v}"
    try:
        n = int(v)
    except ValueError:
        return None
    if key == b"ctime":
        return f"RDB age {max(0, now_ms // 1000 - n)} seconds"
    if key == b"used-mem":
        return f"RDB memory usage when created {n / (1024 * 1024):.2f} Mb"
    return None


def _aux_log(rec: AuxRecord, ld: LoadingState, now_ms: int) -> tuple[LoadingState, str | None]:
    """What ``rdbLoadRio`` does with the AUX fields it knows: log them
    (:func:`aux_log_text`), and remember ``used-mem`` for INFO."""
    k = rec.key
    if k in (b"redis-ver", b"ctime", b"used-mem"):
        text = aux_log_text(k, rec.value, now_ms)
        if k == b"used-mem" and text is not None:
            return attrs.evolve(ld, rdb_used_mem=int(rec.value.decode("latin-1"))), text
        return ld, text
    if k == b"aof-base":  # written by an AOF rewrite with the RDB preamble
        return ld, "RDB is base AOF" if _strtoll(rec.value) else None
    if k in (b"repl-stream-db", b"repl-id", b"repl-offset"):
        return attrs.evolve(ld, repl_info=ld.repl_info + ((k, rec.value),)), None
    return ld, None


def restore_replication_info(state: ServerState, info: tuple[tuple[bytes, bytes], ...]
                             ) -> ServerState:
    """``loadDataFromDisk`` after an RDB loaded at start: a replica (``replicaof`` set)
    whose file carries its replication id, offset and stream db takes that history as its
    own and caches a master made of it (``replicationCacheMasterUsingMyself``), so its first
    PSYNC can continue where it stopped. (A master keeping the file's history as its second
    id, ``rebaseReplicationBuffer``, is not modelled.)"""
    fields = dict(info)
    r = state.repl
    if r.masterhost is None or b"repl-id" not in fields or b"repl-offset" not in fields:
        return state
    off = _strtoll(fields[b"repl-offset"])
    db = _strtoll(fields.get(b"repl-stream-db", b"-1")) if b"repl-stream-db" in fields else -1
    if off == -1 or db == -1:
        return state
    replid = fields[b"repl-id"].decode("latin-1")
    state = server_log(state, "notice", "Before turning into a replica, using my own master "
                       "parameters to synthesize a cached master: I may be able to synchronize "
                       "with the new master with just a partial transfer.")
    cid = state.next_client_id  # createClient(NULL): the synthesized master takes an id
    return replace(state, next_client_id=cid + 1,
                   repl=attrs.evolve(r, replid=replid, master_repl_offset=off,
                                     cached_master=(replid, off, db, cid)))


def _strtoll(b: bytes) -> int:
    """C ``strtoll(s, NULL, 10)`` as far as a flag needs it: the leading integer, or 0."""
    s = b.strip()
    i = 1 if s[:1] in (b"-", b"+") else 0
    while i < len(s) and 48 <= s[i] <= 57:
        i += 1
    try:
        return int(s[:i])
    except ValueError:
        return 0


def _add_key(s: Step, dbid: int, rec: KeyRecord, preamble: bool = False) -> bool:
    """The key part of ``rdbLoadRio``: an expired key is dropped (the server is a master;
    not in an AOF's RDB preamble, ``RDBFLAGS_AOF_PREAMBLE``: the commands after it may
    still refer to the key), another is added (``dbAddRDBLoad``: no keyspace event) with its expiry and its access word
    (``objectSetLRUOrLFU``). A key already there is a corrupt file. True when added."""
    if rec.expire_ms != -1 and rec.expire_ms < s.now_ms and not preamble and \
            s.part("repl").masterhost is None:  # iAmMaster(): a replica keeps them
        return False
    view: DbView = s.open_db(dbid)
    if rec.key in view.keys:
        raise DuplicateKey(
            f"RDB has duplicated key '{rec.key.decode('latin-1')}' in DB {dbid}")
    view.add_rdb_load(rec.key, rec.value)
    if rec.expire_ms != -1:
        view.set_expire(rec.key, rec.expire_ms)
    set_lru_or_lfu(s, view, rec.key, -1 if rec.freq is None else rec.freq,
                   -1 if rec.idle_s is None else rec.idle_s)
    return True


def _key_delay(config_value: int, keys: int) -> int:
    """``debugDelay(key_load_delay)`` per key, as model time in microseconds (a negative
    ``-n`` sleeps one microsecond once in ``n`` keys: its expected value)."""
    if config_value >= 0:
        return config_value * keys
    return keys // -config_value


class DuplicateKey(RdbCorrupt):
    """A key the file holds twice in one database: ``dbAddRDBLoad`` fails and Redis panics
    ("Duplicated key found in RDB file"): the process aborts."""


class LoadFailed(Exception):
    """A loading step met a bad record: ``cause`` is the loader's error, ``logs`` the lines
    the step logged before it (the AUX fields read)."""

    def __init__(self, cause: Exception, logs: tuple[str, ...]) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.logs = logs


@attrs.define
class _Progress:
    """What a step has read so far (local to :func:`load_step`)."""

    ld: LoadingState
    c: RdbCursor
    functions: list[bytes] = attrs.Factory(list)
    logs: list[str] = attrs.Factory(list)
    added: int = 0
    expired: int = 0
    keys: int = 0
    done: bool = False


def _read_until_events(s: Step, r: Reader, p: _Progress) -> None:
    """``rdbLoadRio``'s loop from the cursor until the reads cross an interval boundary
    (``r.mark`` set) or EOF and the checksum."""
    limits = Limits.of(s.config)
    dbnum = s.db_count()
    preamble = p.ld.aof is not None
    while r.mark < 0:
        p.c, rec = read_record(r, p.c, limits, dbnum)
        if isinstance(rec, KeyLoaded):
            if rec.record is None:
                continue
            p.keys += 1
            if _add_key(s, rec.dbid, rec.record, preamble):
                p.added += 1
            else:
                p.expired += 1
        elif isinstance(rec, ResizeRecord):
            s.open_db(p.c.dbid).expand_for_load(rec.db_size, rec.expires_size)
        elif isinstance(rec, AuxRecord):
            p.ld, line = _aux_log(rec, p.ld, s.now_ms)
            if line is not None:
                p.logs.append(line)
        elif isinstance(rec, FunctionRecord):
            p.functions.append(rec.code)
        elif isinstance(rec, EofRecord):
            verify = bool(s.config.get("rdbchecksum", True)) and \
                not s.part("persist").skip_checksum
            if check_trailer(p.ld.data, r, p.c, verify) == 0 and verify:
                p.logs.append("RDB file was saved with checksum disabled: no check performed.")
            p.done = True
            return


def load_step(state: ServerState, now_ms: int) -> tuple[ServerState, LoadStep]:
    """Read records from where the load stands until the reads cross the next multiple of
    ``loading-process-events-interval-bytes`` (Redis handles events there) or the file
    ends; keys are added as they are read, the key counters and ``loading_loaded_bytes``
    advance. At EOF the checksum is checked and loading stops. Raises :class:`LoadFailed`
    on a bad file; the input state is unchanged then."""
    ld: LoadingState = state.loading
    assert ld.cursor is not None, "load_step without a load in progress"
    s = Step(state, now_ms)
    r = Reader(ld.data, ld.cursor.pos,
               int(s.config.get("loading-process-events-interval-bytes", 2 * 1024 * 1024)))
    p = _Progress(ld, ld.cursor)
    try:
        _read_until_events(s, r, p)
    except RdbCorrupt as e:
        raise LoadFailed(e, tuple(p.logs)) from e
    ps = s.part("persist")
    s.set_part("persist", attrs.evolve(ps, load_loaded=ps.load_loaded + p.added,
                                       load_expired=ps.load_expired + p.expired))
    new = s.commit()
    if p.done and p.ld.aof is not None:  # the AOF loader goes on after the preamble
        new = replace(new, loading=attrs.evolve(p.ld, cursor=None, loaded_bytes=r.pos))
    elif p.done:
        new = restore_replication_info(stop_loading(new), p.ld.repl_info)
    else:
        marked = r.mark if r.mark >= 0 else p.ld.loaded_bytes
        new = replace(new, loading=attrs.evolve(p.ld, cursor=p.c, loaded_bytes=marked))
    delay = _key_delay(int(s.config.get("key-load-delay", 0)), p.keys)
    return new, LoadStep(tuple(p.functions), p.keys, delay, tuple(p.logs), p.done)


def loading_info(state: ServerState, now_ms: int) -> tuple[int, int, int, int, str, int] | None:
    """INFO persistence's loading fields while a load runs (None otherwise):
    ``loading_start_time``, ``loading_total_bytes``, ``loading_rdb_used_mem``,
    ``loading_loaded_bytes``, ``loading_loaded_perc`` and ``loading_eta_seconds``
    (``genRedisInfoString``: elapsed × remaining bytes / (loaded + 1), or 1 in the first
    second)."""
    ld = state.loading
    if not ld.active:
        return None
    total = len(ld.data) if ld.aof is None else ld.aof.total
    loaded = ld.loaded_bytes
    perc = loaded / total * 100 if total else 0.0
    remaining = total - loaded if total else 1
    elapsed = now_ms // 1000 - ld.start_s
    eta = 1 if elapsed == 0 else (elapsed * remaining) // (loaded + 1)
    return ld.start_s, total, ld.rdb_used_mem, loaded, f"{perc:.2f}", eta


# -- a failed load: Redis's log lines and the redis-check-rdb report ------------------------------

#: ``rdb.c`` lines of 7.0.15 that report the common failures (the log names them).
_RDB_C_LINE = {"Unexpected EOF reading RDB file": 3249, "RDB CRC error": 3225,
               "Unknown RDB encoding type": 2681, "Unknown length encoding": 236,
               "Intset integrity check failed.": 2214, "Zipmap integrity check failed.": 2130}

#: ``redis-check-rdb.c``'s ``rdb_type_string`` in 7.0.15: the older names of types 1-4, no
#: name for 6 (its entry is ``module-value``, then two empty ones) nor for 19 (past the table:
#: "unknown"), as a 7.0.15 checker prints them.
_TYPE_NAMES = {0: "string", 1: "list-linked", 2: "set-hashtable", 3: "zset-v1",
               4: "hash-hashtable", 5: "zset-v2", 6: "module-value", 7: "", 8: "",
               9: "hash-zipmap", 10: "list-ziplist", 11: "set-intset", 12: "zset-ziplist",
               13: "hash-ziplist", 14: "quicklist", 15: "stream", 16: "hash-listpack",
               17: "zset-listpack", 18: "quicklist-v2"}


def _internal_error(loaded_bytes: int, reason: str) -> str:
    """``rdbReportError``'s first line (the offset is ``loading_loaded_bytes``)."""
    line = next((n for k, n in _RDB_C_LINE.items() if reason.startswith(k)), None)
    where = f", function at rdb.c:{line}" if line is not None else ""
    return f"Internal error in RDB reading offset {loaded_bytes}{where} -> {reason}"


def panics(err: Exception) -> bool:
    """Whether Redis ends a load that failed with ``err`` by ``serverPanic`` (abort, the
    process killed by SIGABRT) rather than ``exit(1)``."""
    return isinstance(err.cause if isinstance(err, LoadFailed) else err, DuplicateKey)


def failure_report(state: ServerState, err: Exception, now_ms: int) -> list[str]:
    """The log lines of a load that failed with ``err`` (Redis then exits with status 1, or
    for a duplicated key panics: :func:`panics`):
    the loader's own message, ``rdbReportError``'s line, then, for a file, the
    ``redis-check-rdb`` run it starts (:func:`check_rdb_report`)."""
    ld = state.loading
    lines: list[str] = []
    if isinstance(err, LoadFailed):
        lines.extend(err.logs)
        err = err.cause
    if isinstance(err, DuplicateKey):  # serverPanic: a bug report, then abort()
        return [*lines, str(err), "", "",
                "=== REDIS BUG REPORT START: Cut & paste starting from here ===",
                "------------------------------------------------",
                "!!! Software Failure. Press left mouse button to continue",
                "Guru Meditation: Duplicated key found in RDB file #rdb.c:3184"]
    if isinstance(err, RdbLoadError) and err.eof:
        if str(err).startswith("Failed loading library"):
            lines.append(str(err))
        lines.append("Short read or OOM loading DB. Unrecoverable error, aborting now.")
        reason = "Unexpected EOF reading RDB file"
    elif isinstance(err, RdbLoadError) and err.doing == "check-sum":
        lines.append(str(err))
        reason = "RDB CRC error"
    else:
        reason = str(err).rstrip("\n")
    lines.append(_internal_error(ld.loaded_bytes, reason))
    lines.extend(check_rdb_report(ld.data, ld.name, state, now_ms, ld.loaded_bytes))
    return lines


def check_rdb_report(data: bytes, name: str, state: ServerState, now_ms: int,
                     loaded_bytes: int = 0) -> list[str]:
    """``redis_check_rdb``'s report on ``data`` (what the server prints before it exits on a
    bad file): the AUX fields and databases it passes, then where and while doing what it
    failed, and how many keys, expiries and already expired keys it read. A failure the
    checker meets inside a value loader (``rdbReportCorruptRDB`` in check mode) is reported in
    the server's words (``loaded_bytes``: the server's progress) and ends the process with
    "Terminating server after rdb file reading failure."."""
    out = [f"[offset 0] Checking RDB file {name}"]
    limits = Limits.of(state.config)
    dbnum = len(state.dbs)
    keys = expires = already = 0
    try:
        c = read_header(data)
    except RdbCorrupt as e:
        return [*out, "--- RDB ERROR DETECTED ---", f"[offset 0] {e}"]
    r = Reader(data, c.pos)
    nested = False
    try:
        while True:
            pending = c.expire
            c, rec = read_record(r, c, limits, dbnum)
            if isinstance(rec, AuxRecord):
                out.append(f"[offset {c.pos}] AUX FIELD {rec.key.decode('latin-1')} = "
                           f"'{rec.value.decode('latin-1')}'")
            elif isinstance(rec, SelectRecord):
                out.append(f"[offset {c.pos}] Selecting DB ID {rec.dbid}")
            elif isinstance(rec, KeyLoaded):
                keys += 1
                if pending != -1:
                    expires += 1
                    already += pending < now_ms
            elif isinstance(rec, EofRecord):
                stored = check_trailer(data, r, c)
                if stored == 0:
                    out.append(f"[offset {r.pos}] RDB file was saved with checksum disabled: "
                               "no check performed.")
                elif stored is not None:
                    out.append(f"[offset {r.pos}] Checksum OK")
                return [*out, f"[offset {r.pos}] \\o/ RDB looks OK! \\o/",
                        f"[info] {keys} keys read", f"[info] {expires} expires",
                        f"[info] {already} already expired"]
    except RdbLoadError as e:
        keys += e.key is not None  # the checker counts a key once its name is read
        line, nested = _check_reason(e, loaded_bytes)
        out += ["--- RDB ERROR DETECTED ---", line]
        out.append(f"[additional info] While doing: {e.doing}")
        if e.key is not None:
            out.append(f"[additional info] Reading key '{e.key.decode('latin-1')}'")
        if e.rtype is not None:
            out.append(f"[additional info] Reading type {e.rtype} "
                       f"({_TYPE_NAMES.get(e.rtype, 'unknown')})")
    except RdbCorrupt as e:
        out += ["--- RDB ERROR DETECTED ---", f"[offset {r.pos}] {e}"]
    out += [f"[info] {keys} keys read", f"[info] {expires} expires",
            f"[info] {already} already expired"]
    if nested:
        out.append("Terminating server after rdb file reading failure.")
    return out


def _check_reason(e: RdbLoadError, loaded_bytes: int) -> tuple[str, bool]:
    """The checker's words for a failure at ``e.pos``, and whether it came from inside a
    loader (then in the server's words: ``rdbReportError`` in check mode)."""
    if e.eof:
        return f"[offset {e.pos}] Unexpected EOF reading RDB file", False
    if e.doing == "check-sum":
        return f"[offset {e.pos}] RDB CRC error", False
    if str(e).startswith("Unknown RDB encoding type"):
        return f"[offset {e.pos}] Invalid object type: {str(e).rsplit(' ', 1)[-1]}", False
    return f"[offset {e.pos}] {_internal_error(loaded_bytes, str(e))}", True
