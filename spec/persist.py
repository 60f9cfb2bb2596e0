"""The dataset as an RDB file and back (``rdb.c``'s ``rdbSaveRio`` over ``server.db`` and
``rdbLoadRio`` into it): what SAVE writes, what startup and DEBUG RELOAD load.

Saving reads the state at one instant (a frozen ``ServerState`` is already the snapshot a
forked child would see). Per key it writes the absolute expiry and, as the
``maxmemory-policy`` asks, the idle seconds (LRU policies: ``estimateObjectIdleTime / 1000``)
or the decayed LFU counter (LFU policies: ``LFUDecrAndReturn``). The AUX fields are Redis's:
``redis-ver`` 7.0.15, ``redis-bits`` 64, ``ctime`` (unix seconds), ``used-mem`` (the memory
model's total of the keyspace), in a replication chain ``repl-stream-db``, ``repl-id`` and
``repl-offset`` (a replica of this server's snapshot learns the stream's db from them),
``aof-base`` 0.

Loading decodes the whole file first and changes nothing if it is corrupt, then empties the
databases and adds every key as ``rdbLoadRio`` does: a key whose expiry has passed is not
added (a master drops it), the others get their TTL and the access word from IDLE/FREQ
(``objectSetLRUOrLFU``). Function libraries are written (FUNCTION2 records, which a real
Redis loads). Creating a library runs its code (``spec.functions``, a layer above this one):
start-up loading does that in ``spec.startup``; a load here (DEBUG RELOAD) accepts a file
whose libraries are the ones already loaded (then keeping them is Redis's result) and refuses
any other with a clear error rather than losing or inventing libraries.
"""

from __future__ import annotations

from typing import Any

import attrs
from immutables import Map

from .db import DbView
from .dict import HashTables, dict_keys
from .lazyfree import free_db_async
from .lru import (
    LRU_CLOCK_MAX,
    estimate_idle_ms,
    is_lfu,
    lfu_decr_and_return,
    lfu_minutes,
    lru_clock,
    word_of,
)
from .memory import key_usage
from .rdb import KeyRecord, Limits, RdbFile, RdbUnsupported, decode_file, encode_file
from .state import EMPTY_MAP, Db, PersistState, RdbChild, ServerState, replace
from .step import Step

__all__ = ["key_records", "dict_order", "library_codes", "rdb_save", "rdb_decode", "rdb_install", "set_lru_or_lfu",
           "save_state", "load_state", "SaveOutcomeNeeded", "with_save_outcome", "rdb_save_sync",
           "ForkOutcomeNeeded", "with_fork_outcome", "with_child_exit", "with_shutdown_signal",
           "fork_snapshot", "rdb_save_background", "background_save_done", "check_children_done",
           "save_points_cron", "save_points", "scheduled_bgsave", "cow_size", "writes_denied_by_disk_error", "kill_rdb_child",
           "finish_shutdown", "save_params", "SHUTDOWN_NOSAVE", "SHUTDOWN_SAVE", "SHUTDOWN_NOW",
           "SHUTDOWN_FORCE", "CONFIG_BGSAVE_RETRY_DELAY", "SIGUSR1", "PAGE_SIZE",
           "MISCONF_ERR", "rdb_save_and_reset", "bgsave_info"]

REDIS_VERSION = b"7.0.15"


def _access_info(s: Step, word: int) -> tuple[int | None, int | None]:
    """``rdbSaveKeyValuePair``'s IDLE / FREQ for a key with access word ``word``."""
    policy = s.config.get("maxmemory-policy", "noeviction")
    if "lfu" in policy:
        return None, lfu_decr_and_return(word, s.now_ms, s.config.get("lfu-decay-time", 1))
    if "lru" in policy:
        return estimate_idle_ms(word, s.now_ms) // 1000, None
    return None, None


def key_records(s: Step, db: DbView) -> list[KeyRecord]:
    """Every key of ``db`` as the saver writes it (value, expiry, IDLE/FREQ), in the order
    ``dictGetSafeIterator`` walks the keyspace dict (:func:`dict_order`)."""
    out = []
    keys, expires = db.snapshot()  # iterable even after writes in this transition
    lru = db.lru
    for key in dict_order(keys, db.dict_snapshot()[0]):
        idle, freq = _access_info(s, word_of(s, lru.get(key)))
        out.append(KeyRecord(key, keys[key], expires.get(key, -1), idle, freq))
    return out


def dict_order(keys: Map[bytes, Any], ht: HashTables) -> list[bytes]:
    """The keys of a database in its dict's iteration order (``spec.dict.dict_keys``) when
    the dict holds exactly those keys, else (a state built without the dict) the map's."""
    if len(ht) == len(keys):
        order = list(dict_keys(ht))
        if all(k in keys for k in order):
            return order
    return list(keys.keys())


def library_codes(s: Step) -> list[bytes]:
    """``rdbSaveFunctions``: the code of every function library, one FUNCTION2 record each,
    in the order FUNCTION LIST gives them (by name; Redis's is its dict's, seeded at random)."""
    libs = s.part("scripting").libraries
    return [libs[k].code for k in sorted(libs.keys())]


def repl_stream_db(s: Step) -> int | None:
    """``rdbPopulateSaveInfo``: the db the replication stream is in, when the server is in a
    replication chain — a master with a backlog (its last SELECT, 0 before any), a replica
    (its master client's db, or the cached master's) — else None (no replication fields)."""
    r = s.part("repl")
    if r.masterhost is None:
        return (0 if r.slaveseldb == -1 else r.slaveseldb) if r.backlog is not None else None
    if r.master_client is not None:
        c = s.get_client(r.master_client)
        return c.db if c is not None else 0
    return r.cached_master[2] if r.cached_master is not None else None


def rdb_save(s: Step, aof_base: bool = False) -> bytes:
    """``rdbSaveRio`` of the current dataset with ``rdbcompression`` and ``rdbchecksum``;
    ``aof_base`` is ``RDBFLAGS_AOF_PREAMBLE`` (the file is an AOF base: AUX ``aof-base`` 1)."""
    dbs = []
    used = 0
    for i in range(s.db_count()):
        view = s.open_db(i)
        used += view.mem
        dbs.append((i, key_records(s, view)))
    aux = [(b"redis-ver", REDIS_VERSION), (b"redis-bits", b"64"),
           (b"ctime", b"%d" % (s.now_ms // 1000)), (b"used-mem", b"%d" % used)]
    stream_db = None if aof_base else repl_stream_db(s)
    if stream_db is not None:  # rdbSaveInfoAuxFields with an rdbSaveInfo
        r = s.part("repl")
        aux += [(b"repl-stream-db", b"%d" % stream_db), (b"repl-id", r.replid.encode()),
                (b"repl-offset", b"%d" % r.master_repl_offset)]
    aux.append((b"aof-base", b"1" if aof_base else b"0"))
    return encode_file(aux, dbs, library_codes(s), s.config.get("list-max-listpack-size", -2),
                       bool(s.config.get("rdbcompression", True)),
                       bool(s.config.get("rdbchecksum", True)), s.part("ql_packed_threshold"))


def rdb_decode(s: Step, data: bytes) -> RdbFile:
    """The file decoded under this server's limits and ``databases``; raises ``RdbCorrupt``
    / ``RdbUnsupported`` without touching the state."""
    f = decode_file(data, Limits.of(s.config), s.db_count())
    if f.functions and sorted(f.functions) != sorted(library_codes(s)):
        # Running a library's code is spec.functions, a layer above: a load here (DEBUG
        # RELOAD) keeps the libraries it has, which is Redis's result only when the file
        # holds those same ones. Start-up loading creates them (spec.startup).
        raise RdbUnsupported("the RDB file holds function libraries other than the loaded "
                             "ones; redspec loads libraries from a file only at start-up")
    return f


def set_lru_or_lfu(s: Step, db: DbView, key: bytes, freq: int, idle: int) -> None:
    """``objectSetLRUOrLFU(val, freq, idle, LRU_CLOCK(), 1000)``: under an LFU policy a
    given FREQ becomes the counter; otherwise a given idle time sets the access clock that
    many seconds back (half-way round the clock when that would go below zero)."""
    if is_lfu(s.config):
        if freq >= 0:
            db.set_lru(key, (lfu_minutes(s.now_ms) << 8) | freq)
    elif idle >= 0:
        clock = lru_clock(s.now_ms)
        word = clock - idle
        if word < 0:
            word = (clock + (LRU_CLOCK_MAX // 2)) % LRU_CLOCK_MAX
        db.set_lru(key, word)


def rdb_install(s: Step, f: RdbFile, lazy: bool = False) -> int:
    """``emptyData`` + the key part of ``rdbLoadRio``: replace every database by the file's
    keys, leaving out those already expired — on a master only (``iAmMaster()``: a replica
    keeps them for its master's DEL, as it does loading the master's snapshot); returns how
    many keys were added (INFO's ``rdb_last_load_keys_loaded``; the left-out ones are
    ``rdb_last_load_keys_expired``). ``lazy``: the old keys are freed in the background
    (``EMPTYDB_ASYNC``: a replica under ``replica-lazy-flush``; spec.lazyfree)."""
    master = s.part("repl").masterhost is None
    for i in range(s.db_count()):
        d = s.open_db(i)
        if d.size() or len(d.expires):
            if lazy:
                free_db_async(s, d.size())
            s.replace_db(i, Db(i))
    added = expired = 0
    for dbid, records in f.dbs:
        view = s.open_db(dbid)
        for rec in records:
            if master and rec.expire_ms != -1 and rec.expire_ms < s.now_ms:
                expired += 1
                continue
            view.add(rec.key, rec.value)
            if rec.expire_ms != -1:
                view.set_expire(rec.key, rec.expire_ms)
            set_lru_or_lfu(s, view, rec.key, -1 if rec.freq is None else rec.freq,
                           -1 if rec.idle_s is None else rec.idle_s)
            added += 1
    s.set_part("persist", attrs.evolve(s.part("persist"), load_loaded=added,
                                       load_expired=expired))
    return added


def save_state(state: ServerState, now_ms: int) -> bytes:
    """The RDB file of ``state`` at ``now_ms`` (what SAVE would write)."""
    return rdb_save(Step(state, now_ms))


def load_state(state: ServerState, data: bytes, now_ms: int) -> ServerState:
    """``state`` with its dataset replaced by the file's (raises on a bad file, and then no
    state is produced)."""
    f = rdb_decode(Step(state, now_ms), data)
    state = attrs.evolve(state, dbs=tuple(Db(i) for i in range(len(state.dbs))))
    s = Step(state, now_ms)
    rdb_install(s, f)
    return s.commit()



# -- SAVE: writing the file needs the world --------------------------------------------------------


class SaveOutcomeNeeded(Exception):
    """A SAVE being run needs the world to write ``data`` as ``dir/dbfilename`` (through a
    temporary file, flushed and renamed, as ``rdbSave`` does) and to say whether that worked:
    answer with :func:`with_save_outcome` and run the transition again from the same state
    (the file's bytes are the same on the rerun: the transition is deterministic)."""

    def __init__(self, data: bytes, dbfilename: str) -> None:
        super().__init__(f"the world must write {len(data)} bytes as {dbfilename}")
        self.data = data
        self.dbfilename = dbfilename


def with_save_outcome(state: ServerState, ok: bool) -> ServerState:
    """The state with the world's answer for the next SAVE that needs one (the input a
    rerun needs; the answers are consumed in order)."""
    p = state.persist
    return replace(state, persist=attrs.evolve(p, save_outcomes=(*p.save_outcomes, ok)))


def rdb_save_sync(s: Step) -> bool:
    """``rdbSave`` for SAVE: the file of the current dataset, written by the world; on
    success ``server.dirty`` is 0 and ``lastsave`` is now. Consumes the world's answer;
    raises :class:`SaveOutcomeNeeded` when the state holds none."""
    st = s.part("persist")
    if not st.save_outcomes:
        raise SaveOutcomeNeeded(rdb_save(s), s.config.get("dbfilename", "dump.rdb"))
    ok = bool(st.save_outcomes[0])
    st = attrs.evolve(st, save_outcomes=st.save_outcomes[1:])
    if ok:
        # ``rdbSave`` on success: the dataset is on disk, and a successful save also clears
        # a failed BGSAVE's status (so the MISCONF gate opens again)
        s.dirty = 0
        st = attrs.evolve(st, lastsave_s=s.now_ms // 1000, lastbgsave_ok=True)
    s.set_part("persist", st)
    return ok


# -- BGSAVE: a child writes the snapshot taken at the fork -----------------------------------------

#: ``CONFIG_BGSAVE_RETRY_DELAY``: seconds before a save point retries after a failed BGSAVE.
CONFIG_BGSAVE_RETRY_DELAY = 5
#: The signal a killed RDB child reports without making its BGSAVE a failure.
SIGUSR1 = 10
#: The page size of the copy-on-write model.
PAGE_SIZE = 4096

#: ``shared.bgsaveerr``: the MISCONF refusal of ``processCommand``.
MISCONF_ERR = (
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.")


class ForkOutcomeNeeded(Exception):
    """A BGSAVE (the command, a save point, a scheduled one) needs the world to fork a child
    that writes ``snapshot`` (a frozen ``ServerState``: the dataset at the fork) as
    ``dir/dbfilename``, at time ``now_ms``; the world answers with the child's pid (-1:
    ``fork`` failed) and how long the fork took, through :func:`with_fork_outcome`, and runs
    the transition again from the same state: the rerun reaches the same fork with the same
    snapshot (the transition is deterministic) and consumes the answer."""

    def __init__(self, snapshot: ServerState, now_ms: int, purpose: str = "rdb") -> None:
        super().__init__("the world must fork a child that saves the snapshot")
        self.snapshot = snapshot
        self.now_ms = now_ms
        #: What the child writes: ``"rdb"`` (``dbfilename``) or ``"aof"`` (a new AOF base,
        #: ``temp-rewriteaof-bg-<pid>.aof`` in ``appenddirname``: ``spec.aof``).
        self.purpose = purpose


def with_fork_outcome(state: ServerState, pid: int, fork_usec: int = 0) -> ServerState:
    """The state with the world's answer for the next fork a transition asks for."""
    p = state.persist
    return replace(state, persist=attrs.evolve(
        p, fork_outcomes=(*p.fork_outcomes, (pid, fork_usec))))


def with_child_exit(state: ServerState, pid: int, exitcode: int, bysignal: int) -> ServerState:
    """The state with a child's end as ``waitpid`` reported it (exit code, or the signal
    that ended it); serverCron's ``checkChildrenDone`` handles it at its next tick."""
    p = state.persist
    return replace(state, persist=attrs.evolve(
        p, child_exits=(*p.child_exits, (pid, exitcode, bysignal))))


def with_shutdown_signal(state: ServerState, signum: int) -> ServerState:
    """The state after SIGTERM / SIGINT reached the process (``sigShutdownHandler`` sets
    ``server.shutdown_asap``): serverCron shuts the server down at its next tick."""
    return replace(state, persist=attrs.evolve(state.persist, shutdown_signal=signum))


def fork_snapshot(s: Step) -> ServerState:
    """What a child forked at this point of the transition sees: every database as it is
    now (``DbView.at_fork``), the configuration, the function libraries and the replication
    state (with a replica's master client). Other clients and the persistence bookkeeping
    are left out (the child does not use them, and a snapshot
    holding the previous child would keep every older snapshot alive)."""
    dbs = tuple(s.open_db(i).at_fork() for i in range(s.db_count()))
    r = s.part("repl")
    mc = s.get_client(r.master_client) if r.master_client is not None else None
    # only a replica's master client stays: its db is the file's repl-stream-db
    clients = EMPTY_MAP if mc is None else EMPTY_MAP.set(mc.id, mc)
    return replace(s.base, dbs=dbs, config=s.config, scripting=s.part("scripting"),
                   clients=clients, persist=PersistState(), repl=r)


def rdb_save_background(s: Step) -> bool:
    """``rdbSaveBackground``: count the save, remember ``dirty`` and the try time, and fork
    a child that writes the snapshot. False when a child already runs or the fork failed
    (then ``lastbgsave_status`` is err and the world logged why)."""
    st = s.part("persist")
    if st.child is not None or s.part("aof").child is not None:  # hasActiveChildProcess
        return False
    if not st.fork_outcomes:
        raise ForkOutcomeNeeded(fork_snapshot(s), s.now_ms)
    (pid, usec), rest = st.fork_outcomes[0], st.fork_outcomes[1:]
    now_s = s.now_ms // 1000
    st = attrs.evolve(st, fork_outcomes=rest, saves=st.saves + 1, lastbgsave_try_s=now_s)
    if pid < 0:
        s.set_part("persist", attrs.evolve(st, lastbgsave_ok=False))
        return False
    snap = fork_snapshot(s)
    child = RdbChild(pid, s.now_ms, s.dirty, snap, sum(len(d.keys) for d in snap.dbs))
    s.set_part("persist", attrs.evolve(st, child=child, total_forks=st.total_forks + 1,
                                       latest_fork_usec=usec))
    return True


def cow_size(s: Step) -> int:
    """The copy-on-write model: the bytes the parent has copied since the fork. A key of
    the snapshot whose value the parent has since replaced or deleted (a different object
    now: values are immutable, so "written" is "not the same object") copied the pages of
    its value once: ``key_usage`` rounded up to whole 4096-byte pages. Keys added after
    the fork are new memory, not copies; 0 without a child."""
    child = s.part("persist").child
    if child is None:
        return 0
    total = 0
    for i, snap in enumerate(child.snapshot.dbs):
        if i >= s.db_count():
            break
        cur = s.open_db(i).keys
        if cur is snap.keys:
            continue
        for k, v in snap.keys.items():
            if cur.get(k) is not v:
                total += -(-key_usage(k, v) // PAGE_SIZE) * PAGE_SIZE
    return total


def background_save_done(s: Step, exitcode: int, bysignal: int) -> None:
    """``backgroundSaveDoneHandler`` for a disk child: success makes ``dirty`` the writes
    made since the fork and ``lastsave`` now; an exit code other than 0 or a signal other
    than SIGUSR1 (the one ``killRDBChild`` sends) makes the status err. The child's time
    and its copy-on-write bytes are kept for INFO."""
    st = s.part("persist")
    child = st.child
    assert child is not None
    now_s = s.now_ms // 1000
    if s.part("repl").child_target == "socket":  # backgroundSaveDoneHandlerSocket
        s.set_part("persist", attrs.evolve(st, child=None))
        return
    ok = st.lastbgsave_ok
    lastsave = st.lastsave_s
    if not bysignal and exitcode == 0:
        s.dirty = s.dirty - child.dirty_before
        lastsave, ok = now_s, True
    elif not bysignal or bysignal != SIGUSR1:
        ok = False
    s.set_part("persist", attrs.evolve(
        st, child=None, lastbgsave_ok=ok, lastsave_s=lastsave, last_cow_size=cow_size(s),
        bgsave_time_last_s=now_s - child.start_ms // 1000))


def check_children_done(s: Step) -> None:
    """``checkChildrenDone``: the RDB child's exit, if the world reported it, is handled;
    the exit of a pid that is not the child is ignored (Redis logs it)."""
    st = s.part("persist")
    if not st.child_exits:
        return
    s.set_part("persist", attrs.evolve(st, child_exits=()))
    for pid, exitcode, bysignal in st.child_exits:
        child = s.part("persist").child
        if child is not None and child.pid == pid:
            background_save_done(s, exitcode, bysignal)


def save_params(cfg: Any) -> list[tuple[int, int]]:
    """``server.saveparams``: the ``save`` points as (seconds, changes) pairs."""
    text = str(cfg.get("save", ""))
    nums = [int(x) for x in text.split()]
    return [(nums[j], nums[j + 1]) for j in range(0, len(nums) - 1, 2)]


def _retry_ok(st: PersistState, now_s: int) -> bool:
    """A failed BGSAVE is retried only ``CONFIG_BGSAVE_RETRY_DELAY`` seconds after the try."""
    return now_s - st.lastbgsave_try_s > CONFIG_BGSAVE_RETRY_DELAY or st.lastbgsave_ok


def save_points(s: Step) -> None:
    """The ``save`` points (no child running): the first one reached (``dirty >= changes``
    and more than ``seconds`` since the last successful save, and, after a failed BGSAVE,
    more than the retry delay since it was tried) starts a BGSAVE."""
    st = s.part("persist")
    now_s = s.now_ms // 1000
    lastsave = s.base.start_time_ms // 1000 if st.lastsave_s < 0 else st.lastsave_s
    for seconds, changes in save_params(s.config):
        if s.dirty >= changes and now_s - lastsave > seconds and _retry_ok(st, now_s):
            rdb_save_background(s)
            break


def scheduled_bgsave(s: Step) -> None:
    """A scheduled BGSAVE (``rdb_bgsave_scheduled``: asked during EXEC or while another
    child ran) starts once no child runs."""
    st = s.part("persist")
    if (st.child is None and s.part("aof").child is None and st.bgsave_scheduled
            and _retry_ok(st, s.now_ms // 1000)):
        if rdb_save_background(s):
            s.set_part("persist", attrs.evolve(s.part("persist"), bgsave_scheduled=False))


def save_points_cron(s: Step) -> None:
    """serverCron's RDB part: with a child running, ``checkChildrenDone``; else the save
    points. Then a scheduled BGSAVE starts once no child runs. (``spec.aof.aof_cron`` runs
    these with the AOF rewrite's parts in serverCron's order.)"""
    st = s.part("persist")
    if st.child is not None or s.part("aof").child is not None:
        check_children_done(s)
    else:
        if st.child_exits:  # a stale exit (a child already forgotten): nothing to do
            s.set_part("persist", attrs.evolve(st, child_exits=()))
        save_points(s)
    scheduled_bgsave(s)


def writes_denied_by_disk_error(s: Step) -> bool:
    """``writeCommandsDeniedByDiskError`` (the RDB part): ``stop-writes-on-bgsave-error``
    is on, there are save points, and the last background save failed."""
    if s.part("persist").lastbgsave_ok:  # the usual case, decided first (every write asks)
        return False
    return bool(s.config.get("stop-writes-on-bgsave-error", True)) and bool(
        save_params(s.config))


def kill_rdb_child(s: Step) -> None:
    """``killRDBChild``: the world sends SIGUSR1 to the child and removes its temp file; the
    child stays recorded until its exit comes back (``checkChildrenDone`` then finds it
    ended by SIGUSR1, which is not an error)."""
    child = s.part("persist").child
    if child is not None:
        s.kill_child = child.pid


def rdb_save_and_reset(s: Step) -> bool:
    """``rdbSave`` where Redis saves outside SAVE (FLUSHALL with save points, SHUTDOWN):
    the world writes the file; not counted in ``rdb_saves``."""
    return rdb_save_sync(s)


SHUTDOWN_NOSAVE = 1
SHUTDOWN_SAVE = 2
SHUTDOWN_NOW = 4
SHUTDOWN_FORCE = 8


def finish_shutdown(s: Step, flags: int) -> bool:
    """``prepareForShutdown`` / ``finishShutdown`` without replicas (nothing to wait for):
    kill a BGSAVE child; save the dataset when there are save points (and not NOSAVE) or
    SAVE was asked; a failed save stops the shutdown unless FORCE. True: the process must
    exit now with status 0 (``Effects.exit_code``)."""
    kill_rdb_child(s)
    if (save_params(s.config) and not flags & SHUTDOWN_NOSAVE) or flags & SHUTDOWN_SAVE:
        if not rdb_save_and_reset(s) and not flags & SHUTDOWN_FORCE:
            return False
    s.exit_code = 0
    return True


def bgsave_info(s: Step) -> dict[str, object]:
    """INFO's BGSAVE fields (persistence, and ``total_forks`` / ``latest_fork_usec`` of
    stats). While a child runs: ``rdb_bgsave_in_progress:1``, its running time, the keys
    of its snapshot, and the COW model's current size (the peak is the same number: in
    the model copies only grow; its age is 0, the model being exact at every INFO). The
    child's progress (``current_save_keys_processed``, ``current_fork_perc``) is not
    reported back to the parent by redspec's child: 0."""
    st = s.part("persist")
    child = st.child
    out: dict[str, object] = {
        "rdb_last_bgsave_status": "ok" if st.lastbgsave_ok else "err",
        "rdb_last_bgsave_time_sec": st.bgsave_time_last_s,
        "rdb_last_cow_size": st.last_cow_size,
        "total_forks": st.total_forks, "latest_fork_usec": st.latest_fork_usec,
    }
    if child is not None:
        cow = cow_size(s)
        out.update({"current_cow_peak": cow, "current_cow_size": cow,
                    "current_save_keys_total": child.keys_total,
                    "rdb_bgsave_in_progress": 1,
                    "rdb_current_bgsave_time_sec": s.now_ms // 1000 - child.start_ms // 1000})
    return out
