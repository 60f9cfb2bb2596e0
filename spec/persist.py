"""The dataset as an RDB file and back (``rdb.c``'s ``rdbSaveRio`` over ``server.db`` and
``rdbLoadRio`` into it): what SAVE writes, what startup and DEBUG RELOAD load.

Saving reads the state at one instant (a frozen ``ServerState`` is already the snapshot a
forked child would see). Per key it writes the absolute expiry and, as the
``maxmemory-policy`` asks, the idle seconds (LRU policies: ``estimateObjectIdleTime / 1000``)
or the decayed LFU counter (LFU policies: ``LFUDecrAndReturn``). The AUX fields are Redis's:
``redis-ver`` 7.0.15, ``redis-bits`` 64, ``ctime`` (unix seconds), ``used-mem`` (the memory
model's total of the keyspace), ``aof-base`` 0.

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

import attrs

from .db import DbView
from .lru import (
    LRU_CLOCK_MAX,
    estimate_idle_ms,
    is_lfu,
    lfu_decr_and_return,
    lfu_minutes,
    lru_clock,
    word_of,
)
from .rdb import KeyRecord, Limits, RdbFile, RdbUnsupported, decode_file, encode_file
from .state import Db, ServerState, replace
from .step import Step

__all__ = ["key_records", "library_codes", "rdb_save", "rdb_decode", "rdb_install", "set_lru_or_lfu",
           "save_state", "load_state", "SaveOutcomeNeeded", "with_save_outcome", "rdb_save_sync"]

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
    """Every key of ``db`` as the saver writes it (value, expiry, IDLE/FREQ)."""
    out = []
    expires = db.expires
    lru = db.lru
    for key, value in db.keys.items():
        idle, freq = _access_info(s, word_of(s, lru.get(key)))
        out.append(KeyRecord(key, value, expires.get(key, -1), idle, freq))
    return out


def library_codes(s: Step) -> list[bytes]:
    """``rdbSaveFunctions``: the code of every function library, one FUNCTION2 record each,
    in the order FUNCTION LIST gives them (by name; Redis's is its dict's, seeded at random)."""
    libs = s.part("scripting").libraries
    return [libs[k].code for k in sorted(libs.keys())]


def rdb_save(s: Step) -> bytes:
    """``rdbSaveRio`` of the current dataset with ``rdbcompression`` and ``rdbchecksum``."""
    dbs = []
    used = 0
    for i in range(s.db_count()):
        view = s.open_db(i)
        used += view.mem
        dbs.append((i, key_records(s, view)))
    aux = [(b"redis-ver", REDIS_VERSION), (b"redis-bits", b"64"),
           (b"ctime", b"%d" % (s.now_ms // 1000)), (b"used-mem", b"%d" % used),
           (b"aof-base", b"0")]
    return encode_file(aux, dbs, library_codes(s), s.config.get("list-max-listpack-size", -2),
                       bool(s.config.get("rdbcompression", True)),
                       bool(s.config.get("rdbchecksum", True)))


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


def rdb_install(s: Step, f: RdbFile) -> int:
    """``emptyData`` + the key part of ``rdbLoadRio``: replace every database by the file's
    keys, leaving out those already expired; returns how many keys were added (INFO's
    ``rdb_last_load_keys_loaded``; the left-out ones are ``rdb_last_load_keys_expired``)."""
    for i in range(s.db_count()):
        d = s.open_db(i)
        if d.size() or len(d.expires):
            s.replace_db(i, Db(i))
    added = expired = 0
    for dbid, records in f.dbs:
        view = s.open_db(dbid)
        for rec in records:
            if rec.expire_ms != -1 and rec.expire_ms < s.now_ms:
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
        s.dirty = 0
        st = attrs.evolve(st, lastsave_s=s.now_ms // 1000)
    s.set_part("persist", st)
    return ok
