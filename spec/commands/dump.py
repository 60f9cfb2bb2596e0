"""DUMP, RESTORE (``cluster.c``'s ``dumpCommand`` / ``restoreCommand``) and DEBUG DIGEST /
DIGEST-VALUE (``debug.c``), on the RDB value format of ``spec.rdb`` and the digest of
``spec.digest``.

A DUMP payload is the value's RDB type and serialisation, the RDB version (2 bytes) and the
CRC-64; RESTORE checks the footer first ("DUMP payload version or checksum are wrong"), then
decodes ("Bad data format"), and only then changes the keyspace, so a bad payload changes
nothing. ``sanitize-dump-payload``: redspec always decodes a payload completely (Redis's
deep sanitisation), whatever the setting; a payload that Redis would accept without
sanitisation and only trip over later is refused here at once.
"""

from __future__ import annotations

import attrs

from ..aof import bgrewriteaof, prepare_for_shutdown
from ..config import memtoull
from ..crc64 import crc64
from ..cstr import c_text
from ..digest import dataset_digest, hexdigest, object_digest
from ..errors import SYNTAX
from ..lru import estimate_idle_ms, word_of
from ..numbers import c_atoi, string2ll
from ..persist import (
    SHUTDOWN_FORCE,
    SHUTDOWN_NOSAVE,
    SHUTDOWN_NOW,
    SHUTDOWN_SAVE,
    rdb_decode,
    rdb_install,
    rdb_save,
    rdb_save_background,
    rdb_save_sync,
    set_lru_or_lfu,
)
from ..rdb import (
    Limits,
    RdbCorrupt,
    RdbUnsupported,
    dump_payload,
    list_nodes,
    listpack_repr,
    quicklist_fill,
    quicklist_repr,
    restore_payload,
    save_object,
    set_packed_threshold,
    value_listpack,
    verify_payload,
)
from ..rdbcodec import listpack_encode
from ..reply import OK, Err, Reply, Status
from ..step import Step
from ..transport import NO_REPLY
from ..types.list import ListValue
from ..values import encoding_of
from .registry import DEBUG_SUBCOMMANDS, command

BUSYKEY = Err("BUSYKEY Target key name already exists.")
BAD_PAYLOAD = Err("ERR DUMP payload version or checksum are wrong")
BAD_DATA = Err("ERR Bad data format")
NOT_INTEGER = Err("ERR value is not an integer or out of range")


@command("dump")
def dump(s: Step, argv: list[bytes]) -> Reply:
    """DUMP key (``dumpCommand``): the key's value as a payload (``createDumpPayload``, with
    ``rdbcompression`` deciding LZF), nil for a missing key."""
    v = s.db.lookup_read(argv[1])
    if v is None:
        return None
    try:
        return dump_payload(v, s.config.get("list-max-listpack-size", -2),
                            bool(s.config.get("rdbcompression", True)),
                            s.part("ql_packed_threshold"))
    except RdbUnsupported as e:
        return Err(f"ERR {e}")


def _restore_options(argv: list[bytes]) -> tuple[bool, bool, int, int] | Err:
    """RESTORE's options after the payload, parsed as ``restoreCommand`` does: REPLACE,
    ABSTTL, IDLETIME seconds (not after FREQ), FREQ 0..255 (not after IDLETIME)."""
    replace = absttl = False
    idle = freq = -1
    j, n = 4, len(argv)
    while j < n:
        opt = argv[j].lower()
        more = n - j - 1
        if opt == b"replace":
            replace = True
        elif opt == b"absttl":
            absttl = True
        elif opt == b"idletime" and more >= 1 and freq == -1:
            v = string2ll(argv[j + 1])
            if v is None:
                return NOT_INTEGER
            if v < 0:
                return Err("ERR Invalid IDLETIME value, must be >= 0")
            idle = v
            j += 1
        elif opt == b"freq" and more >= 1 and idle == -1:
            v = string2ll(argv[j + 1])
            if v is None:
                return NOT_INTEGER
            if v < 0 or v > 255:
                return Err("ERR Invalid FREQ value, must be >= 0 and <= 255")
            freq = v
            j += 1
        else:
            return SYNTAX
        j += 1
    return replace, absttl, idle, freq


@command("restore", "restore-asking")
def restore(s: Step, argv: list[bytes]) -> Reply:
    """RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f] (``restoreCommand``).

    Order of checks: options; BUSYKEY unless REPLACE; the TTL (an integer >= 0); the payload
    footer; the payload's value. A TTL already in the past (relative TTLs count from now)
    only deletes a replaced key (propagated as DEL/UNLINK). Otherwise the key is added, its
    TTL set (propagated as an absolute time with ABSTTL), its access word set from
    IDLETIME/FREQ; event ``restore``.
    """
    opts = _restore_options(argv)
    if isinstance(opts, Err):
        return opts
    replace, absttl, idle, freq = opts
    db, key = s.db, argv[1]
    if not replace and db.lookup_write(key) is not None:
        return BUSYKEY
    ttl = string2ll(argv[2])
    if ttl is None:
        return NOT_INTEGER
    if ttl < 0:
        return Err("ERR Invalid TTL value, must be >= 0")
    payload = argv[3]
    if not verify_payload(payload, not s.part("persist").skip_checksum):
        return BAD_PAYLOAD
    try:
        value = restore_payload(payload, Limits.of(s.config))
    except RdbUnsupported as e:
        return Err(f"ERR {e}")
    except RdbCorrupt:
        return BAD_DATA
    deleted = db.delete(key) if replace else False
    if ttl and not absttl:
        ttl += s.now_ms
    if ttl and s.already_expired(ttl):
        if deleted:
            s.argv_rewrite = (b"UNLINK" if s.config.get("lazyfree-lazy-server-del") else b"DEL",
                              key)
            s.signal_modified_key(db.id, key)
            s.notify("g", "del", key, db.id)
            s.dirty += 1
        return OK
    db.add(key, value)
    if ttl:
        db.set_expire(key, ttl)
        if not absttl:
            s.argv_rewrite = (*argv[:2], b"%d" % ttl, *argv[3:], b"ABSTTL")
    set_lru_or_lfu(s, db, key, freq, idle)
    s.signal_modified_key(db.id, key)
    s.notify("g", "restore", key, db.id)
    s.dirty += 1
    return OK


# -- DEBUG DIGEST / DIGEST-VALUE -----------------------------------------------------------------


def debug_digest(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG DIGEST (``computeDatasetDigest``): the dataset's fingerprint as 40 hex digits
    (a status reply); logically expired keys not yet removed are included, as in Redis."""
    if len(argv) != 2:
        return None
    dbs = []
    for i in range(s.db_count()):
        view = s.open_db(i)
        keys, expires = view.keys, view.expires
        dbs.append((i, [(k, v, k in expires) for k, v in keys.items()]))
    return Status(hexdigest(dataset_digest(dbs)))


def debug_digest_value(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG DIGEST-VALUE key ... (``xorObjectDigest`` per key, without the key itself): one
    status per key, all zeros for a missing one; the dict is read directly (no expiry)."""
    out: list[Reply] = []
    db = s.db
    for key in argv[2:]:
        d = bytearray(20)
        v = db.keys.get(key)
        if v is not None:
            object_digest(d, v, key in db.expires)
        out.append(Status(hexdigest(bytes(d))))
    return out


def debug_reload(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG RELOAD (``debugCommand``): save the dataset as an RDB file and load it back, so
    every value takes the encoding loading gives it and expired keys are dropped. In the
    spec the file is the bytes of ``spec.persist.rdb_save`` (no file is written: the pure
    spec has no file system); ``server.dirty`` and ``lastsave`` are set as ``rdbSave`` sets
    them (``rdb_saves`` is not counted: only SAVE and BGSAVE count). The MERGE,
    NOFLUSH and NOSAVE options need a file on disk and are refused. A value with no RDB
    encoding in redspec fails the save part: an error naming it, the dataset unchanged."""
    if len(argv) > 2:
        return Err("ERR DEBUG RELOAD options (MERGE, NOFLUSH, NOSAVE) are not implemented by "
                   "redspec yet")
    try:
        data = rdb_save(s)
    except RdbUnsupported as e:
        return Err(f"ERR {e}")
    s.dirty = 0  # ``rdbSave`` on success (it also clears a failed BGSAVE's status)
    s.set_part("persist", attrs.evolve(s.part("persist"), lastsave_s=s.now_ms // 1000,
                                       lastbgsave_ok=True))
    try:
        f = rdb_decode(s, data)
    except (RdbCorrupt, RdbUnsupported):
        return Err("ERR Error trying to load the RDB dump")
    rdb_install(s, f)
    return OK


def _ql_extra(v: ListValue, fill: int, compress_depth: int, threshold: int) -> str:
    """DEBUG OBJECT's quicklist fields: node count, average elements per node, the fill
    (``list-max-listpack-size`` as ``quicklistSetFill`` clamps it), whether compression is
    on, the listpacks' (and plain nodes' elements') total bytes (the nodes the RDB file gets:
    ``spec.rdb.list_nodes``, under the packed ``threshold``)."""
    nodes = list_nodes(v, fill, threshold)
    size = sum(len(n[1][0]) if n[0] == 1 else len(listpack_encode(n[1])) for n in nodes)
    return (f" ql_nodes:{len(nodes)} ql_avg_node:{len(v) / len(nodes):.2f}"
            f" ql_listpack_max:{quicklist_fill(fill)} ql_compressed:{int(compress_depth != 0)}"
            f" ql_uncompressed_size:{size}")


def debug_object(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG OBJECT key (``debugCommand``): the value's low-level facts, read from the dict
    directly (no expiry, no touch): an address, the refcount (INT_MAX for a shared integer),
    the encoding, the serialised length (``rdbSavedObjectLen``), the access word and the idle
    seconds, and for a list the quicklist fields. The address is not a real one: redspec
    prints ``0x7f`` and 10 hex digits derived from the key's CRC-64."""
    if len(argv) != 3:
        return None
    db, key = s.db, argv[2]
    v = db.keys.get(key)
    if v is None:
        return Err("ERR no such key")
    marker = db.lru.get(key, 0)
    word = word_of(s, marker)
    fill = s.config.get("list-max-listpack-size", -2)
    threshold = s.part("ql_packed_threshold")
    try:
        length = len(save_object(v, fill, bool(s.config.get("rdbcompression", True)),
                                 threshold)) - 1
    except RdbUnsupported as e:
        return Err(f"ERR {e}")
    extra = ""
    if isinstance(v, ListValue):
        extra = _ql_extra(v, fill, s.config.get("list-compress-depth", 0), threshold)
    addr = crc64(key) & 0xFFFFFFFFF0
    return Status(f"Value at:0x7f{addr:010x} refcount:{2147483647 if marker < 0 else 1} "
                  f"encoding:{encoding_of(v)} serializedlength:{length} lru:{word} "
                  f"lru_seconds_idle:{estimate_idle_ms(word, s.now_ms) // 1000}{extra}")


def debug_quicklist_packed_threshold(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG QUICKLIST-PACKED-THRESHOLD <size> (``quicklistSetPackedThreshold``): list
    elements of ``size`` bytes or more (``memtoull``: ``1k``, ``2mb``, ...; 0 restores 1 GiB,
    at most 4 GiB less 1 MiB) get plain quicklist nodes from now on — server state
    (``ServerState.ql_packed_threshold``, a process-wide static in Redis), read by the node
    model of DUMP, the RDB writer, DEBUG OBJECT and MEMORY USAGE."""
    if len(argv) != 3:
        return None
    sz = memtoull(c_text(argv[2]))
    threshold = None if sz is None else set_packed_threshold(sz)
    if threshold is None:
        return Err("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
    s.set_part("ql_packed_threshold", threshold)
    return OK


def _stdout(s: Step, text: str) -> None:
    """``printf`` to the process's standard output: an operation for the world, queued with
    the file operations (``("stdout", bytes)``)."""
    a = s.part("aof")
    s.set_part("aof", attrs.evolve(a, ops=(*a.ops, ("stdout", text.encode("latin-1")))))


def _addr(key: bytes) -> int:
    """The stand-in address of a key's value (as DEBUG OBJECT prints it)."""
    return 0x7F0000000000 | (crc64(key) & 0xFFFFFFFFF0)


def debug_listpack(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG LISTPACK <key> (``lpRepr``): a listpack-encoded value's entries printed on
    stdout (``spec.rdbcodec.listpack_repr``; addresses are stand-ins), then a status reply;
    ``-ERR no such key`` (``objectCommandLookupOrReply``: no touch), ``-ERR Not a listpack
    encoded object.`` for another encoding."""
    if len(argv) != 3:
        return None
    v = s.db.lookup(argv[2])
    if v is None:
        return Err("ERR no such key")
    blob = value_listpack(v)
    if blob is None:
        return Err("ERR Not a listpack encoded object.")
    _stdout(s, listpack_repr(blob, _addr(argv[2])))
    return Status("Listpack structure printed on stdout")


def debug_quicklist(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG QUICKLIST <key> [<detail>] (``quicklistRepr``): a list's quicklist printed on
    stdout (``spec.rdb.quicklist_repr``: the model's nodes), with every node's listpack when
    ``atoi(detail)`` is not 0; then a status reply. Errors as DEBUG LISTPACK's."""
    if len(argv) not in (3, 4):
        return None
    v = s.db.lookup(argv[2])
    if v is None:
        return Err("ERR no such key")
    if not isinstance(v, ListValue):
        return Err("ERR Not a quicklist encoded object.")
    full = len(argv) == 4 and c_atoi(argv[3]) != 0
    _stdout(s, quicklist_repr(v, s.config.get("list-max-listpack-size", -2),
                              s.config.get("list-compress-depth", 0),
                              s.part("ql_packed_threshold"), full, _addr(argv[2])))
    return Status("Quicklist structure printed on stdout")



DEBUG_SUBCOMMANDS["object"] = debug_object
DEBUG_SUBCOMMANDS["listpack"] = debug_listpack
DEBUG_SUBCOMMANDS["quicklist"] = debug_quicklist
DEBUG_SUBCOMMANDS["quicklist-packed-threshold"] = debug_quicklist_packed_threshold
DEBUG_SUBCOMMANDS["reload"] = debug_reload
DEBUG_SUBCOMMANDS["digest"] = debug_digest
DEBUG_SUBCOMMANDS["digest-value"] = debug_digest_value


# -- SAVE, LASTSAVE ------------------------------------------------------------------------------


@command("save")
def save(s: Step, argv: list[bytes]) -> Reply:
    """SAVE (``saveCommand``): write the dataset to ``dir/dbfilename`` now, synchronously;
    OK once the world has written the file, Redis's bare ``-ERR`` when it could not
    (``spec.persist.rdb_save_sync``; the reason goes to the log). ``rdb_saves`` counts the
    attempt, failed or not (``saveCommand`` counts before ``rdbSave``).

    A value redspec has no RDB encoding for makes the save fail before anything is written:
    the reply is an error naming it (a real Redis can encode every value it holds, so this
    is redspec's own refusal, never a crash of the transition)."""
    st = s.part("persist")
    if st.child is not None:
        return Err("ERR Background save already in progress")
    try:
        ok = rdb_save_sync(s)
    except RdbUnsupported as e:
        s.set_part("persist", attrs.evolve(st, saves=st.saves + 1))
        return Err(f"ERR {e}")
    st = s.part("persist")
    s.set_part("persist", attrs.evolve(st, saves=st.saves + 1))  # counted either way
    return OK if ok else Err("ERR")


@command("lastsave")
def lastsave(s: Step, argv: list[bytes]) -> Reply:
    """LASTSAVE (``lastsaveCommand``): unix seconds of the last successful save; at start
    the start time counts as one (``server.lastsave = time(NULL)`` in ``initServer``)."""
    t = s.part("persist").lastsave_s
    return s.base.start_time_ms // 1000 if t < 0 else t


@command("bgsave")
def bgsave(s: Step, argv: list[bytes]) -> Reply:
    """BGSAVE [SCHEDULE] (``bgsaveCommand``): fork a child that writes the dataset as it is
    now (``spec.persist.rdb_save_background``); the parent keeps serving and serverCron
    learns of the child's end. With a BGSAVE child already running: an error (SCHEDULE or
    not). Inside EXEC the save is scheduled (serverCron starts it once no child runs):
    ``Background saving scheduled``; SCHEDULE matters only while a child of another kind
    runs, and redspec has no other kind (no AOF rewrite, no modules), so the "Another child
    process is active" refusal cannot happen here. A failed fork: Redis's bare ``-ERR``."""
    if len(argv) > 1 and not (len(argv) == 2 and argv[1].lower() == b"schedule"):
        return Err("ERR syntax error")
    st = s.part("persist")
    if st.child is not None:
        return Err("ERR Background save already in progress")
    if s.in_exec or s.part("aof").child is not None:  # hasActiveChildProcess() || in_exec
        if not s.in_exec and len(argv) == 1:
            return Err("ERR Another child process is active (AOF?): can't BGSAVE right now. "
                       "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
        s.set_part("persist", attrs.evolve(st, bgsave_scheduled=True))
        return Status("Background saving scheduled")
    try:
        ok = rdb_save_background(s)
    except RdbUnsupported as e:
        return Err(f"ERR {e}")
    return Status("Background saving started") if ok else Err("ERR")


@command("bgrewriteaof")
def bgrewriteaof_command(s: Step, argv: list[bytes]) -> Reply:
    """BGREWRITEAOF (``bgrewriteaofCommand``): fork a child that writes the dataset as a new
    AOF base while the parent appends to a new INCR file (``spec.aof``); with AOF off it
    still writes a base and a manifest (the next start with appendonly yes loads it).
    Refused while a rewrite runs; scheduled while a BGSAVE runs or inside EXEC."""
    ok, text = bgrewriteaof(s)
    return Status(text) if ok else Err(text)


def _shutdown_flags(argv: list[bytes]) -> int | Err:
    """SHUTDOWN's options as ``SHUTDOWN_*`` flags, -1 for ABORT (alone), or the syntax
    error Redis gives for an unknown word, ABORT with another flag, or NOSAVE with SAVE."""
    names = {b"nosave": SHUTDOWN_NOSAVE, b"save": SHUTDOWN_SAVE, b"now": SHUTDOWN_NOW,
             b"force": SHUTDOWN_FORCE}
    flags = 0
    abort = False
    for a in argv[1:]:
        w = a.lower()
        if w == b"abort":
            abort = True
        elif w in names:
            flags |= names[w]
        else:
            return Err("ERR syntax error")
    if (abort and flags) or (flags & SHUTDOWN_NOSAVE and flags & SHUTDOWN_SAVE):
        return Err("ERR syntax error")
    return -1 if abort else flags


@command("shutdown")
def shutdown(s: Step, argv: list[bytes]) -> Reply:
    """SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] (``shutdownCommand``,
    ``prepareForShutdown``). With no replicas there is never a shutdown to wait for, so
    ABORT always answers that none is in progress and NOW changes nothing. Otherwise a
    BGSAVE child is killed, the dataset is saved when there are save points (unless
    NOSAVE) or SAVE is given, and the process exits with status 0 without a reply (the
    client sees the connection close: ``Effects.exit_code``). A save that fails stops the
    shutdown, unless FORCE: the client gets Redis's error and the server goes on."""
    flags = _shutdown_flags(argv)
    if type(flags) is Err:
        return flags
    if flags == -1:
        return Err("ERR No shutdown in progress.")
    assert isinstance(flags, int)
    if not flags & SHUTDOWN_NOW and s.in_exec:
        return Err("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client")
    if not flags & SHUTDOWN_NOSAVE and s.busy is not None:
        return s.busy  # a script timed out: only SHUTDOWN NOSAVE goes on (its BUSY error)
    try:
        done = prepare_for_shutdown(s, flags)
    except RdbUnsupported:
        done = bool(flags & SHUTDOWN_FORCE)
        if done:
            s.exit_code = 0
    if not done:
        return Err("ERR Errors trying to SHUTDOWN. Check logs.")
    s.update_client(closing=True)  # nothing more of this client runs; the process exits
    return NO_REPLY
