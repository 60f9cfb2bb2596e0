"""Loading the append-only file set at start (``loadAppendOnlyFiles`` →
``loadSingleAppendOnlyFile``, from ``loadDataFromDisk``), as pure steps.

The files are the manifest's base and incr files in order (``aof_files_in_load_order``);
the world reads them and hands their bytes in (None for a file that is not there). Each file
is either an RDB preamble followed by commands or commands only (``spec.aofstream``). The
preamble is read by the RDB loader (``spec.startup.loading_step``, keys past their expiry
kept: ``RDBFLAGS_AOF_PREAMBLE``); the commands are run as Redis's AOF client runs them: a
fake client per file (``createAOFClient``: database 0, no replies, never blocked) whose
commands go straight to their handler — none of ``processCommand``'s gates, no ``call`` (so
no command statistics, slowlog or propagation) — except that inside MULTI every command but
EXEC is queued, and EXEC runs the queue through ``call`` as for any client (those count in
``total_commands_processed``, as 7.0.15's do). An error reply to the fake client is counted
and logged ("== CRITICAL == …"). Nothing expires while loading (``server.loading``).

Between steps the world handles events as Redis's ``processEventsWhileBlocked`` does every
1024 commands (and at the preamble's ``loading-process-events-interval-bytes``): clients get
``-LOADING``. A file that ends inside a command, or inside MULTI (the transaction is
reverted), is truncated to its last complete command when ``aof-load-truncated`` is on and
it is the last file (the world truncates it on disk: :attr:`AofStep.truncate`); anything
else stops the start (:class:`AofLoadFailed`, with Redis's log lines; exit status 1).
"""

from __future__ import annotations

from typing import Any

import attrs

from .aof import flush_in_step
from .aofmanifest import (
    EMPTY_MANIFEST,
    AofManifest,
    ManifestError,
    aof_files_in_load_order,
    manifest_text,
    parse_manifest,
)
from .aofstream import (
    ANNOTATION,
    COMMAND,
    END,
    FORMAT_ERROR,
    READ_ERROR,
    SHORT_READ,
    has_rdb_preamble,
    read_item,
)
from .commands.registry import DEBUG_SUBCOMMANDS
from .dispatch import lookup_command
from .frames import parse
from .loading import LoadFailed, failure_report, panics
from .multi import queue_command
from .rdb import RdbCorrupt, read_header
from .reply import OK, Err, Raw, Reply
from .startup import loading_step
from .state import (
    AOF_OFF,
    AOF_ON,
    EMPTY_MAP,
    BlockingState,
    Client,
    Db,
    LoadingState,
    ReplState,
    ServerState,
    replace,
)
from .step import Step
from .tracking import invalidate_on_flush
from .transport import NO_REPLY

__all__ = ["AOF_OK", "AOF_NOT_EXIST", "AOF_EMPTY", "AOF_OPEN_ERR", "AOF_FAILED",
           "AOF_TRUNCATED", "CLIENT_ID_AOF", "AofFile", "AofLoad", "AofStep", "AofLoadFailed",
           "start_aof_loading", "aof_load_step", "EVENTS_EVERY", "AofDirNeeded", "AofDirRead",
           "with_aof_dir_read", "debug_loadaof"]

#: ``loadAppendOnlyFiles`` / ``loadSingleAppendOnlyFile`` results.
AOF_OK = 0
AOF_NOT_EXIST = 1
AOF_EMPTY = 2
AOF_OPEN_ERR = 3
AOF_FAILED = 4
AOF_TRUNCATED = 5

#: ``CLIENT_ID_AOF``: the fake client's id (``UINT64_MAX``).
CLIENT_ID_AOF = (1 << 64) - 1
#: The loading loop handles events every this many turns (``loops++ % 1024``).
EVENTS_EVERY = 1024
#: ``errno`` when the loop meets a read error that is not the end of the file: left by the
#: start-up's test for an old-style ``appendfilename`` in ``dir`` (ENOENT).
_READ_ERRNO_TEXT = "No such file or directory"
#: The ``-ERR`` replies Redis sends as shared objects, whose text it logs with the code
#: (other ``ERR`` errors are formatted by ``addReplyError`` and logged without it).
_SHARED_ERR = frozenset(("ERR", "ERR no such key", "ERR syntax error",
                         "ERR source and destination objects are the same",
                         "ERR index out of range"))


@attrs.frozen(slots=True)
class AofFile:
    """One file of the set as the world read it: its name (in ``appenddirname``) and its
    bytes (None: it does not exist); ``base`` is set by :func:`start_aof_loading`."""

    name: str
    data: bytes | None
    base: bool = False


@attrs.frozen(slots=True)
class AofLoad:
    """An AOF set being loaded (``LoadingState.aof``): the files, the total and base sizes
    (``loading_total_bytes``, ``aof_rewrite_base_size``), the file being read (``index``;
    ``pos`` -1: not opened yet) with its loop count, the offsets the truncation needs
    (``valid_up_to``, ``valid_before_multi``), the last progress report in the file, the
    fake client (its database and MULTI queue), the result so far, and the times the log
    lines report (unix ms: the load's start, the file's start)."""

    files: tuple[AofFile, ...]
    total: int
    base_size: int
    appendfilename: str
    start_ms: int
    index: int = 0
    pos: int = -1
    loops: int = 0
    reported: int = 0
    valid_up_to: int = 0
    valid_before_multi: int = 0
    client: Client = Client(CLIENT_ID_AOF)
    ret: int = AOF_OK
    file_start_ms: int = 0

    @property
    def file(self) -> AofFile:
        """The file being read."""
        return self.files[self.index]


@attrs.frozen
class AofStep:
    """What one step did: the lines it logged, the file to truncate on disk (name, size),
    the model time ``key-load-delay`` made its commands take (µs), and, once the load is
    over, its result (``AOF_OK``, ``AOF_TRUNCATED`` or ``AOF_EMPTY``)."""

    logs: tuple[str, ...] = ()
    truncate: tuple[str, int] | None = None
    delay_us: int = 0
    done: bool = False
    result: int = AOF_OK


class AofLoadFailed(Exception):
    """The load stops the start (``exit(1)`` from ``loadDataFromDisk``; ``panic``: a
    duplicated key in a preamble, which aborts): the lines Redis logs, and a file to
    truncate first (a truncated file that is not the last one is truncated on disk, then
    refused)."""

    def __init__(self, logs: tuple[str, ...], truncate: tuple[str, int] | None = None,
                 panic: bool = False) -> None:
        super().__init__(logs[-1] if logs else "AOF loading failed")
        self.logs = logs
        self.truncate = truncate
        self.panic = panic


def _seconds(now_ms: int, since_ms: int) -> str:
    """``%.3f seconds`` of a duration (the world's clock: an input)."""
    return f"{max(0, now_ms - since_ms) / 1000:.3f}"


def start_aof_loading(state: ServerState, manifest: AofManifest,
                      files: tuple[AofFile, ...], appendfilename: str,
                      now_ms: int) -> tuple[ServerState, int, tuple[str, ...]]:
    """The start of ``loadAppendOnlyFiles`` (after any upgrade): the manifest becomes
    ``server.aof_manifest``; ``files`` are its base and incr files in load order with the
    bytes the world read. Returns the state, the result and the lines logged:
    ``AOF_NOT_EXIST`` (no file named: an empty dataset, nothing logged), ``AOF_EMPTY``
    (every file empty: ``loadDataFromDisk`` still logs its line), or ``AOF_OK`` with
    ``server.loading`` on (then :func:`aof_load_step` until done). Raises
    :class:`AofLoadFailed` when a named file does not exist (``stat`` fails)."""
    state = replace(state, aof=attrs.evolve(state.aof, manifest=manifest))
    names = [f.name for f in files]
    assert names == [a.name for a in aof_files_in_load_order(manifest)], names
    if not files:
        return state, AOF_NOT_EXIST, ()
    for f in files:  # getBaseAndIncrAppendOnlyFilesSize
        if f.data is None:
            raise AofLoadFailed((f"Unable to obtain the AOF file {f.name} length. stat: "
                                 "No such file or directory",))
    total = sum(len(f.data or b"") for f in files)
    if total == 0:
        return state, AOF_EMPTY, (
            f"DB loaded from append only file: {_seconds(now_ms, now_ms)} seconds",)
    base_size = len(files[0].data or b"") if manifest.base is not None else 0
    if manifest.base is not None:
        files = (attrs.evolve(files[0], base=True), *files[1:])
    load = AofLoad(files, total, base_size, appendfilename, now_ms, file_start_ms=now_ms)
    loading = LoadingState(aof=load, name=files[0].name, start_s=now_ms // 1000)
    return replace(state, loading=loading), AOF_OK, ()


def aof_load_step(state: ServerState, now_ms: int) -> tuple[ServerState, AofStep]:
    """One step of the load, up to the next point where Redis handles events: a file
    opened, a stretch of its RDB preamble, or up to 1024 turns of the command loop. Raises
    :class:`AofLoadFailed` when the load stops the start; the input state is unchanged."""
    ld: LoadingState = state.loading
    a: AofLoad = ld.aof
    if ld.cursor is not None:
        return _preamble_step(state, now_ms)
    if a.pos < 0:
        return _open_file(state, a, now_ms)
    return _command_step(state, a, now_ms)


# -- a file: opened, its preamble, its commands ---------------------------------------------------


def _with_load(state: ServerState, a: AofLoad, **loading: Any) -> ServerState:
    """The state with the load's new value (and other ``LoadingState`` fields)."""
    return replace(state, loading=attrs.evolve(state.loading, aof=a, **loading))


def _old_style(a: AofLoad) -> bool:
    """The file is the pre-7.0 single AOF moved in by the upgrade (its name is
    ``appendfilename``): the log lines speak of a preamble and a tail."""
    return a.file.name == a.appendfilename


def _open_file(state: ServerState, a: AofLoad, now_ms: int) -> tuple[ServerState, AofStep]:
    """``loadSingleAppendOnlyFile``'s start: an empty file is ``AOF_EMPTY``; a file
    starting with ``REDIS`` is read by the RDB loader first; the fake client starts on
    database 0 with no transaction."""
    f = a.file
    data = f.data or b""
    a = attrs.evolve(a, pos=0, loops=0, reported=0, valid_up_to=0, valid_before_multi=0,
                     client=Client(CLIENT_ID_AOF), file_start_ms=now_ms)
    if not data:
        return _file_done(state, a, AOF_EMPTY, (), None, now_ms)
    if not has_rdb_preamble(data):
        return _with_load(state, a, name=f.name), AofStep()
    line = ("Reading RDB preamble from AOF file..." if _old_style(a)
            else "Reading RDB base file on AOF loading...")
    try:
        cursor = read_header(data)
    except RdbCorrupt as e:
        raise AofLoadFailed((line, str(e), *_preamble_error(a))) from e
    persist = attrs.evolve(state.persist, load_loaded=0, load_expired=0)
    new = replace(_with_load(state, a, name=f.name, cursor=cursor, data=data), persist=persist)
    return new, AofStep(logs=(line,))


def _preamble_error(a: AofLoad) -> tuple[str, str]:
    """The lines of a preamble ``rdbLoadRio`` refused without ending the process itself (a
    version it cannot handle: ``errno`` EINVAL): the loader's, then its ``readerr``'s."""
    if _old_style(a):
        first = (f"Error reading the RDB preamble of the AOF file {a.file.name}, "
                 "AOF loading aborted")
    else:
        first = f"Error reading the RDB base file {a.file.name}, AOF loading aborted"
    return first, (f"Unrecoverable error reading the append only file {a.file.name}: "
                   "Invalid argument")


def _preamble_step(state: ServerState, now_ms: int) -> tuple[ServerState, AofStep]:
    """A stretch of the preamble (``spec.startup.loading_step``); at its end the command
    loop starts where the RDB data ended. A bad preamble ends the process as
    ``rdbReportError`` does: the loader's lines, then ``redis-check-rdb``, which looks for
    the file in the working directory, not in the AOF directory, so it stops after its
    first line."""
    try:
        new, st = loading_step(state, now_ms)
    except LoadFailed as e:
        lines = failure_report(state, e, now_ms)
        check = [i for i, ln in enumerate(lines) if ln.startswith("[offset 0] Checking RDB")]
        if check:
            lines = lines[: check[0] + 1]
        raise AofLoadFailed(tuple(lines), panic=panics(e)) from e
    logs = list(st.logs)
    a: AofLoad = new.loading.aof
    if new.loading.cursor is None:  # the preamble is over
        p = new.persist
        logs.append(f"Done loading RDB, keys loaded: {p.load_loaded}, "
                    f"keys expired: {p.load_expired}.")
        if _old_style(a):
            logs.append("Reading the remaining AOF tail...")
        pos = new.loading.loaded_bytes
        new = _with_load(new, attrs.evolve(a, pos=pos, reported=pos))
    return new, AofStep(logs=tuple(logs), delay_us=st.delay_us)


def _command_step(state: ServerState, a: AofLoad, now_ms: int) -> tuple[ServerState, AofStep]:
    """Turns of the command loop until the next 1024th (events) or the file's end."""
    data = a.file.data or b""
    s = Step(state, now_ms)
    s.db = s.open_db(a.client.db)
    logs: list[str] = []
    truncated = bool(s.config.get("aof-load-truncated", True))
    delay = int(s.config.get("key-load-delay", 0))
    ran = 0
    client = a.client
    pos, loops = a.pos, a.loops
    valid_up_to, valid_before_multi = a.valid_up_to, a.valid_before_multi
    turns = 0
    outcome: str | None = None
    while True:
        if loops % EVENTS_EVERY == 0 and turns:
            break
        loops += 1
        turns += 1
        item = read_item(data, pos)
        if item.kind == ANNOTATION:
            pos = item.end
            continue
        if item.kind != COMMAND:
            outcome = item.kind
            break
        pos = item.end
        argv = list(item.argv)
        cmd = lookup_command(argv)
        if cmd is None:
            name = argv[0].split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
            raise AofLoadFailed((f"Unknown command '{name}' reading the append only file "
                                 f"{a.file.name}",))
        if cmd.name == "multi":
            valid_before_multi = valid_up_to
        client = _run(s, client, cmd, argv, logs)
        if truncated:
            valid_up_to = pos
        ran += 1
    s.cmd_calls = {}
    new = s.commit()
    delay_us = delay * ran if delay >= 0 else ran // -delay  # debugDelay per command
    a = attrs.evolve(a, pos=pos, loops=loops, valid_up_to=valid_up_to,
                     valid_before_multi=valid_before_multi, client=client)
    if outcome is None:  # events next: loadingIncrProgress first (loading_loaded_bytes)
        loaded = new.loading.loaded_bytes + pos - a.reported
        return (_with_load(new, attrs.evolve(a, reported=pos), loaded_bytes=loaded),
                AofStep(logs=tuple(logs), delay_us=delay_us))
    return _file_end(new, a, outcome, logs, delay_us, now_ms)


def _run(s: Step, client: Client, cmd: Any, argv: list[bytes], logs: list[str]) -> Client:
    """The fake client runs one command (``cmd->proc(fakeClient)``, or queued inside MULTI)
    and every error reply it gets is counted and logged; the client as it is afterwards."""
    with s.as_client(client, client.db):
        s.cmd = cmd
        if client.info.multi >= 0 and cmd.name != "exec":
            queue_command(s, cmd, argv)
            reply: Reply = None
        else:
            s.in_exec = "blocking" in cmd.flags  # CLIENT_DENY_BLOCKING: answers at once
            slowlog, latency = s.part("slowlog"), s.part("latency")
            reply = cmd.handler(s, argv)
            s.in_exec = False
            if s.part("slowlog") is not slowlog:  # call() inside EXEC: nothing recorded
                s.set_part("slowlog", slowlog)
            if s.part("latency") is not latency:
                s.set_part("latency", latency)
        for err in _errors(reply):
            if not isinstance(err, _CountedErr):
                s.count_error(err)
            _unexpected_error(s, err, cmd.name, logs)
        client = s.client
    return client


def _errors(reply: Reply) -> list[Err]:
    """The error replies in a command's reply: itself, or for EXEC (already counted by
    EXEC itself) the errors among its elements, which the fake client gets too."""
    if isinstance(reply, Err):
        return [reply]
    if isinstance(reply, Raw):
        try:
            frame = parse(bytes(reply))
        except ValueError:
            return []
        return [_CountedErr(c.head.decode("utf-8", "surrogateescape"))
                for c in frame.children or () if c.kind == b"-"]
    return []


class _CountedErr(Err):
    """An error inside EXEC's reply: EXEC counted it already."""

    __slots__ = ()


def _unexpected_error(s: Step, err: Err, cmdname: str, logs: list[str]) -> None:
    """``afterErrorReply`` for the AOF client: ``stat_unexpected_error_replies`` and the
    CRITICAL line (the text as the command passed it: a shared ``-ERR`` object and an
    error with another code with its dash and code, other ``ERR`` messages without)."""
    text = str(err)
    shown = "-" + text if text in _SHARED_ERR or not text.startswith("ERR ") else text[4:]
    logs.append("== CRITICAL == This server is sending an error to its AOF-loading-client: "
                f"'{shown}' after processing the command '{cmdname}'")
    st = s.stats
    s.stats = replace(st, unexpected_error_replies=st.unexpected_error_replies + 1)


def _file_end(state: ServerState, a: AofLoad, outcome: str, logs: list[str], delay_us: int,
              now_ms: int) -> tuple[ServerState, AofStep]:
    """Where the command loop stopped: the clean end (a transaction left open there is
    reverted like a short read), a short read (``uxeof``: truncated with
    ``aof-load-truncated``, else fatal), a format error or a read error (fatal)."""
    name = a.file.name
    valid_up_to = a.valid_up_to
    if outcome == END and a.client.info.multi < 0:
        return _file_done(state, a, AOF_OK, tuple(logs), None, now_ms, delay_us)
    if outcome == END:
        logs.append(f"Revert incomplete MULTI/EXEC transaction in AOF file {name}")
        valid_up_to = a.valid_before_multi
        outcome = SHORT_READ
    if outcome == FORMAT_ERROR:
        raise AofLoadFailed((*logs, f"Bad file format reading the append only file {name}: "
                             "make a backup of your AOF file, then use ./redis-check-aof "
                             "--fix <filename.manifest>"))
    if outcome == READ_ERROR:
        raise AofLoadFailed((*logs, f"Unrecoverable error reading the append only file "
                             f"{name}: {_READ_ERRNO_TEXT}"))
    if state.config.get("aof-load-truncated", True):
        logs += [f"!!! Warning: short read while loading the AOF file {name}!!!",
                 f"!!! Truncating the AOF {name} at offset {valid_up_to} !!!",
                 f"AOF {name} loaded anyway because aof-load-truncated is enabled"]
        return _file_done(state, a, AOF_TRUNCATED, tuple(logs), (name, valid_up_to), now_ms,
                          delay_us)
    raise AofLoadFailed((*logs, f"Unexpected end of file reading the append only file {name}. "
                         "You can: 1) Make a backup of your AOF file, then use "
                         "./redis-check-aof --fix <filename.manifest>. 2) Alternatively you "
                         "can set the 'aof-load-truncated' configuration option to yes and "
                         "restart the server."))


def _file_done(state: ServerState, a: AofLoad, ret: int, logs: tuple[str, ...],
               truncate: tuple[str, int] | None, now_ms: int,
               delay_us: int = 0) -> tuple[ServerState, AofStep]:
    """``loadAppendOnlyFiles`` after one file: its line, an empty incr file counted as
    loaded, a truncated file that is not the last one fatal; then the next file, or the
    end of the load (``aof_current_size`` the total read at the start,
    ``aof_rewrite_base_size`` the base's size, ``aof_fsync_offset`` the current size) and
    ``loadDataFromDisk``'s line."""
    last = a.index == len(a.files) - 1
    out = list(logs)
    kind = "base" if a.file.base else "incr"
    if ret == AOF_OK or (ret == AOF_TRUNCATED and last):
        out.append(f"DB loaded from {kind} file {a.file.name}: "
                   f"{_seconds(now_ms, a.file_start_ms)} seconds")
    if ret == AOF_EMPTY and not a.file.base:
        ret = AOF_OK
    if ret == AOF_TRUNCATED and not last:
        out.append("Fatal error: the truncated file is not the last file")
        raise AofLoadFailed(tuple(out), truncate)
    ld = state.loading
    done_bytes = ld.loaded_bytes + (a.pos - a.reported if a.pos >= 0 else 0)
    if not last:
        nxt = attrs.evolve(a, index=a.index + 1, pos=-1, ret=ret)
        new = _with_load(state, nxt, loaded_bytes=done_bytes)
        return new, AofStep(logs=tuple(out), truncate=truncate, delay_us=delay_us)
    aof = attrs.evolve(state.aof, current_size=a.total, base_size=a.base_size,
                       fsync_offset=a.total)
    new = replace(state, loading=LoadingState(), aof=aof)
    out.append(f"DB loaded from append only file: {_seconds(now_ms, a.start_ms)} seconds")
    return new, AofStep(logs=tuple(out), truncate=truncate, delay_us=delay_us, done=True,
                        result=ret)



# -- DEBUG LOADAOF ---------------------------------------------------------------------------


@attrs.frozen
class AofDirRead:
    """The world's read of the AOF directory for DEBUG LOADAOF: the manifest's bytes (None:
    no directory or no manifest) and the files that manifest names, in load order
    (``aof_files_in_load_order`` of the parsed manifest; none when it does not parse), each
    with its bytes (None: not there)."""

    manifest: bytes | None
    files: tuple[AofFile, ...] = ()


class AofDirNeeded(Exception):
    """DEBUG LOADAOF needs the AOF directory as it is on disk (:class:`AofDirRead`): the
    world reads it, adds it with :func:`with_aof_dir_read` and runs the transition again
    (the buffer the command flushes first is written after the read, with the transition's
    other file operations: the spec appends it to the current INCR file's bytes itself)."""


def with_aof_dir_read(state: ServerState, read: AofDirRead) -> ServerState:
    """The state with the world's answer to :class:`AofDirNeeded` added (an input)."""
    a = state.aof
    return replace(state, aof=attrs.evolve(a, dir_reads=(*a.dir_reads, read)))


def _take_dir_read(s: Step) -> AofDirRead:
    """The world's read of the AOF directory, consumed; :class:`AofDirNeeded` without one."""
    a = s.part("aof")
    if not a.dir_reads:
        raise AofDirNeeded("the world must read the AOF directory")
    s.set_part("aof", attrs.evolve(a, dir_reads=a.dir_reads[1:]))
    read: AofDirRead = a.dir_reads[0]
    return read


def _flush_for_load(s: Step) -> bytes:
    """``if (server.aof_state == AOF_ON) flushAppendOnlyFile(1)``: the bytes written to the
    current INCR file (b"" when AOF is off or nothing was buffered)."""
    if s.part("aof").status != AOF_ON:
        return b""
    s.feed_aof()
    before = s.part("aof")
    flush_in_step(s, True)
    return before.buf if s.part("aof").current_size != before.current_size else b""


def _empty_data(s: Step) -> None:
    """``emptyData(-1, EMPTYDB_NO_FLAGS, NULL)``: every database emptied, watchers touched
    and tracking clients told (``signalFlushedDb``)."""
    for i in range(s.db_count()):
        d = s.open_db(i)
        if d.size() or len(d.expires):
            s.replace_db(i, Db(i))
    invalidate_on_flush(s)


def _del_history(s: Step, m: AofManifest) -> AofManifest:
    """``aofDelHistoryFiles``: unless ``aof-disable-auto-gc``, the history files are removed
    in the background and the manifest is written without them."""
    if s.config.get("aof-disable-auto-gc", False) or not m.history:
        return m
    for h in m.history:
        s.set_part("aof", _log_op(s.part("aof"), "notice",
                                  f"Removing the history file {h.name} in the background"))
        s.set_part("aof", attrs.evolve(s.part("aof"), ops=(*s.part("aof").ops,
                                                           ("unlink", h.name))))
    m = attrs.evolve(m, history=())
    a = s.part("aof")
    s.set_part("aof", attrs.evolve(a, ops=(*a.ops, ("manifest", manifest_text(m)))))
    return m


def _log_op(a: Any, level: str, text: str) -> Any:
    """A log line queued with the file operations."""
    return attrs.evolve(a, ops=(*a.ops, ("log", level, text)))


def _exit(s: Step, logs: tuple[str, ...] | list[str],
          truncate: tuple[str, int] | None = None) -> Reply:
    """``exit(1)`` inside the command: the lines logged (and a file truncated) first, no
    reply; the world exits once the operations are carried out."""
    a = s.part("aof")
    for line in logs:
        a = _log_op(a, "warning", line)
    if truncate is not None:
        a = attrs.evolve(a, ops=(*a.ops, ("truncate", *truncate)))
    s.set_part("aof", a)
    s.exit_code = 1
    s.update_client(closing=True)
    return NO_REPLY


def _load_scratch(s: Step) -> ServerState:
    """The server the load runs in: the step's configuration, function libraries, scripts,
    counters, persistence and AOF bookkeeping and tracking, its databases empty, AOF off and
    no backlog (``server.loading``: nothing the load runs is propagated), no clients."""
    n = s.db_count()
    return replace(s.base, dbs=tuple(Db(i) for i in range(n)), config=s.config,
                   scripting=s.part("scripting"), stats=s.stats, persist=s.part("persist"),
                   aof=attrs.evolve(s.part("aof"), status=AOF_OFF, ops=()),
                   loading=LoadingState(), clients=EMPTY_MAP, watched_keys=EMPTY_MAP,
                   blocking=BlockingState(), tracking=s.part("tracking"), repl=ReplState())


def debug_loadaof(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG LOADAOF (``debugCommand``): flush the AOF buffer (AOF on), empty the dataset,
    read the manifest from disk again (``aofLoadManifestFromDisk``), drop the history files
    (``aofDelHistoryFiles``), load the AOF set as start-up does (``loadAppendOnlyFiles``:
    :func:`start_aof_loading` and :func:`aof_load_step` to the end, in one go), then
    ``dirty`` = 0, ``Append Only File loaded by DEBUG LOADAOF`` logged, +OK. A result other
    than OK or EMPTY — AOF off with no files (``AOF_NOT_EXIST``), a bad manifest, a file that
    fails, a last file truncated (``AOF_TRUNCATED``: truncated on disk first) — ends the
    process with status 1 and no reply, as 7.0.15's ``exit(1)``. The
    directory's bytes come from the world (:class:`AofDirNeeded`); the clients other than
    the caller are not served meanwhile (Redis answers them -LOADING every 1024 commands).
    Further arguments are ignored, as 7.0.15 ignores them. The load's lines are the
    start-up's but ``loadDataFromDisk``'s "DB loaded from append only file"."""
    read = _take_dir_read(s)
    written = _flush_for_load(s)
    _empty_data(s)
    try:
        manifest = EMPTY_MANIFEST if read.manifest is None else parse_manifest(read.manifest)
    except ManifestError as e:
        return _exit(s, e.logs)
    manifest = _del_history(s, manifest)
    files = read.files
    cur = s.part("aof").manifest.incrs[-1].name if s.part("aof").manifest.incrs else None
    if written and cur is not None:
        files = tuple(attrs.evolve(f, data=(f.data or b"") + written) if f.name == cur else f
                      for f in files)
    files = tuple(f for f in files if f.name in {i.name for i in
                                                  aof_files_in_load_order(manifest)})
    fname = str(s.config.get("appendfilename", "appendonly.aof"))
    logs: list[str] = []
    truncate: list[tuple[str, int]] = []
    try:
        st, ret, first = start_aof_loading(_load_scratch(s), manifest, files, fname, s.now_ms)
        logs += first
        while st.loading.active:
            st, step = aof_load_step(st, s.now_ms)
            logs += step.logs
            if step.truncate is not None:
                truncate.append(step.truncate)
            s.call_us += step.delay_us
            if step.done:
                ret = step.result
    except AofLoadFailed as e:
        return _exit(s, [*logs, *e.logs], e.truncate)
    if ret not in (AOF_OK, AOF_EMPTY):
        # 7.0.15's ``debugCommand`` exits on anything but AOF_OK and AOF_EMPTY: also on
        # AOF_TRUNCATED, after the loader truncated the last file on disk and logged it
        logs = [ln for ln in logs if not ln.startswith("DB loaded from append only file:")]
        return _exit(s, logs, truncate[-1] if truncate else None)
    _install_load(s, st, logs)
    return OK


def _install_load(s: Step, st: ServerState, logs: list[str]) -> None:
    """What the load left, taken into the step: the databases, the function libraries and
    scripts, the counters, the load's key counts, the manifest and the AOF sizes
    (``aof_current_size``, ``aof_rewrite_base_size``, ``aof_fsync_offset``); then
    ``dirty`` = 0 and the log lines."""
    for i, db in enumerate(st.dbs):
        if db.keys or db.expires:
            s.replace_db(i, db)
    s.set_part("scripting", st.scripting)
    s.stats = st.stats
    p = s.part("persist")
    s.set_part("persist", attrs.evolve(p, load_loaded=st.persist.load_loaded,
                                       load_expired=st.persist.load_expired))
    a = s.part("aof")
    loaded = st.aof
    a = attrs.evolve(a, manifest=loaded.manifest, current_size=loaded.current_size,
                     base_size=loaded.base_size, fsync_offset=loaded.fsync_offset)
    for line in logs:
        if not line.startswith("DB loaded from append only file:"):  # loadDataFromDisk's
            a = _log_op(a, "notice", line)
    s.set_part("aof", a)
    s.dirty = 0
    s.set_part("aof", _log_op(s.part("aof"), "warning",
                              "Append Only File loaded by DEBUG LOADAOF"))


DEBUG_SUBCOMMANDS["loadaof"] = debug_loadaof
