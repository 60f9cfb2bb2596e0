"""The append-only file (``aof.c``): the command stream, ``aof_buf``, the write before the
replies, fsync per policy, and the background rewrite of 7.0's multi-part AOF.

**The stream.** Every command a transition propagates (``Effects.propagate``, the same
stream a replica gets: 7.0 does no AOF-specific translation) is appended to ``aof_buf`` by
``feedAppendOnlyFile``: a ``#TS:<unix s>`` annotation first when ``aof-timestamp-enabled``
and the second changed, a ``SELECT`` when the command's db is not the last one selected,
then the command as a RESP array of bulk strings (``catAppendOnlyGenericCommand``).

**The write before the replies.** ``beforeSleep`` calls ``flushAppendOnlyFile`` before
``handleClientsWithPendingWrites``: the buffer becomes one ``write`` to the current INCR
file, so no client reads the reply to a write before the write is in the file (in the page
cache). Then fsync per ``appendfsync``:

- ``always``: ``fdatasync`` right there, before the replies: an acknowledged write survives
  a crash of the machine.
- ``everysec``: at most once a second a background fsync (a bio job) of what was written;
  while one is still running a flush is *postponed* (up to 2 s; past that it writes anyway
  and counts ``aof_delayed_fsync``).
- ``no``: never by Redis (the kernel flushes when it wants).

``no-appendfsync-on-rewrite`` skips the fsync while a child runs. The world's side of all
this is a list of file operations (``AofState.ops``) the world carries out, in order, at
the end of the transition and before any reply is written (``take_ops``); a background
fsync's completion comes back as an input (:func:`aof_fsync_done`).

**What a crash loses** is read off the state (:func:`crash_loss`): a crash of the process
loses ``aof_buf`` (never acknowledged: the replies go out after the write); a crash of the
machine also loses what was written after the last completed fsync
(``current_size - durable_size``): nothing acknowledged under ``always``, at most the
writes of about the last two seconds under ``everysec`` (one second between fsyncs, plus
the 2 s postponement when the disk is slow), anything under ``no``.

**The rewrite** (``rewriteAppendOnlyFileBackground``): flush the buffer, open a new INCR
file (the manifest lists it at once), fork a child that writes the dataset at the fork as a
new BASE (``temp-rewriteaof-bg-<pid>.aof``). The parent keeps appending to the new INCR
file. When the child exits with success (``backgroundRewriteDoneHandler``), the temp file is
renamed to the next base name, the old base and the INCR files before the new one become
history, and the new manifest replaces the old one in one rename: a crash at any point
leaves a manifest whose files hold the whole dataset. History files are then deleted
(unless ``aof-disable-auto-gc``). A failed rewrite leaves the old set working; serverCron
retries (``aofRewriteLimited``: after 3 consecutive failures, 1, 2, 4 ... 60 minutes apart).
"""

from __future__ import annotations

from typing import Any

import attrs

from .aoffeed import cat_command, feed_all, feed_append_only_file
from .aofmanifest import (
    manifest_text,
    mark_rewritten,
    new_base,
    new_incr,
    temp_incr_name,
    temp_rewrite_name,
)
from .aofrewrite import aof_base_bytes
from .persist import (
    SHUTDOWN_FORCE,
    SIGUSR1,
    ForkOutcomeNeeded,
    check_children_done,
    finish_shutdown,
    fork_snapshot,
    kill_rdb_child,
    save_points,
    scheduled_bgsave,
)
from .state import AOF_OFF, AOF_ON, AOF_WAIT_REWRITE, AofChild, AofState, ServerState, replace
from .step import Step

__all__ = [
    "cat_command", "feed_append_only_file", "feed_all", "flush_append_only_file",
    "before_sleep_flush", "aof_fsync_done", "take_ops", "crash_loss", "has_active_child",
    "rewrite_append_only_file_background", "background_rewrite_done", "bgrewriteaof",
    "start_append_only", "stop_append_only", "open_on_server_start", "aof_cron",
    "aof_rewrite_limited", "aof_info", "kill_append_only_child", "flush_at_shutdown",
    "AOF_REWRITE_LIMITE_THRESHOLD", "AOF_REWRITE_LIMITE_MAX_MINUTES", "aof_base_bytes",
    "writes_denied_by_aof_error", "aof_write_failed", "flush_aof", "flush_in_step",
    "aof_child_wrote", "prepare_for_shutdown", "server_log", "log_in_step",
]

#: ``AOF_REWRITE_LIMITE_THRESHOLD``: consecutive failed rewrites before retries are spaced out.
AOF_REWRITE_LIMITE_THRESHOLD = 3
#: ``AOF_REWRITE_LIMITE_MAX_MINUTES``: the longest wait between retries.
AOF_REWRITE_LIMITE_MAX_MINUTES = 60


# -- the stream ------------------------------------------------------------------------------


# -- the world's side: file operations -------------------------------------------------------


def _op(a: AofState, *op: Any) -> AofState:
    """Queue one operation for the world (``AofState.ops``)."""
    return attrs.evolve(a, ops=(*a.ops, op))


def _log(a: AofState, level: str, text: str) -> AofState:
    """A log line (``serverLog``) the world writes in order with the file operations."""
    return _op(a, "log", level, text)


def log_in_step(s: Step, level: str, text: str) -> None:
    """``serverLog`` from inside a transition (DEBUG LOG, the replication handshake): the
    line queued with the file operations, which the world writes in order with them."""
    s.set_part("aof", _log(s.part("aof"), level, text))


def server_log(state: ServerState, level: str, text: str) -> ServerState:
    """``serverLog`` from a mechanism with no file of its own (``debug``, ``verbose``,
    ``notice``, ``warning``): queued as ``("log", level, text)`` with the file operations, so
    the world writes it in order with them."""
    return replace(state, aof=_log(state.aof, level, text))


def take_ops(state: ServerState) -> tuple[ServerState, tuple[tuple[Any, ...], ...]]:
    """The operations the transitions queued, taken out of the state for the world to carry
    out, in order, before it writes any reply:

    ``("write", data)`` append to the current INCR file (``aofWrite``);
    ``("fsync",)`` fdatasync it now; ``("bgfsync", offset)`` fsync it in the background and
    report :func:`aof_fsync_done` with ``offset``; ``("open", name, truncate, offset)`` make
    ``name`` the current INCR file (the previous one, if any, is fsynced and closed in the
    background, then reported with :func:`aof_fsync_done` ``(offset, job=False)``);
    ``("close",)`` fsync and close it; ``("mkdir",)`` create ``appenddirname``;
    ``("manifest", text)`` write the manifest (temp file, fsync, rename);
    ``("file", name, data)`` write a whole file (temp file, fsync, rename);
    ``("rename", old, new)``; ``("unlink", name)``; ``("log", level, text)``."""
    ops = state.aof.ops
    if not ops:
        return state, ()
    return replace(state, aof=attrs.evolve(state.aof, ops=())), ops


def aof_fsync_done(state: ServerState, offset: int, job: bool = True) -> ServerState:
    """A background fsync the world started finished: the stream is durable up to
    ``offset`` (the model's machine-crash point). ``job``: it was a ``("bgfsync", offset)``
    (one ``BIO_AOF_FSYNC`` job fewer is pending), not the fsync-and-close of the previous
    INCR file that ``("open", ...)`` asks for (a close job, which ``aofFsyncInProgress``
    does not count)."""
    a = state.aof
    return replace(state, aof=attrs.evolve(
        a, fsync_pending=max(0, a.fsync_pending - 1) if job else a.fsync_pending,
        durable_size=max(a.durable_size, offset)))


def aof_write_failed(state: ServerState, written: int, error: str) -> ServerState:
    """The world could write only ``written`` bytes of the last ``("write", data)`` (a full
    disk, an I/O error: ``error`` is the ``strerror`` text). As ``flushAppendOnlyFile`` does
    on a short write under ``everysec`` / ``no``: what was not written goes back to the front
    of ``aof_buf`` (the world truncated a partial write away, so nothing of it counts),
    ``aof_last_write_status`` is err (the MISCONF gate closes) and serverCron retries once a
    second. (Under ``always`` Redis exits; the world does that.)"""
    a = state.aof
    lost = a.last_write
    a = attrs.evolve(a, buf=lost + a.buf, current_size=a.current_size - len(lost),
                     last_incr_size=a.last_incr_size - len(lost), last_write_ok=False,
                     last_write_error=error, last_write=b"")
    return replace(state, aof=a)


def aof_child_wrote(state: ServerState, pid: int, size: int) -> ServerState:
    """The world's report, before the child's exit, of the size of the base file the rewrite
    child ``pid`` wrote (the parent stats the renamed base: ``getAppendOnlyFileSize``)."""
    a = state.aof
    if a.child is None or a.child.pid != pid:
        return state
    return replace(state, aof=attrs.evolve(a, child=attrs.evolve(a.child, base_size=size)))


def crash_loss(a: AofState) -> tuple[int, int]:
    """What a crash would lose now, in bytes of the stream: ``(process, machine)``. A crash
    of the process loses ``aof_buf``; a crash of the machine also loses what was written
    after the last completed fsync."""
    process = len(a.buf)
    return process, process + max(0, a.current_size - a.durable_size)


# -- flushAppendOnlyFile ---------------------------------------------------------------------


def has_active_child(state: ServerState) -> bool:
    """``hasActiveChildProcess``: a BGSAVE or a rewrite child is running."""
    return state.persist.child is not None or state.aof.child is not None


def everysec_fsync_due(unixtime: int, last_fsync_s: int) -> bool:
    """``appendfsync everysec`` (``flushAppendOnlyFile``): a background fsync is due once
    the unix second has moved past the last one's (``server.unixtime >
    server.aof_last_fsync``, whole seconds)."""
    return unixtime > last_fsync_s


def flush_still_postponed(unixtime: int, postponed_start_s: int) -> bool:
    """``flushAppendOnlyFile`` under ``everysec`` while a background fsync runs: a flush
    postponed since ``aof_flush_postponed_start`` is postponed again while fewer than 2
    whole seconds have passed (``unixtime - aof_flush_postponed_start < 2``); from then on
    it writes anyway."""
    return unixtime - postponed_start_s < 2


def flush_aof(a: AofState, cfg: Any, child_running: bool, now_ms: int, force: bool) -> AofState:
    """``flushAppendOnlyFile``: write ``aof_buf`` to the current INCR file and fsync per
    ``appendfsync``. Under ``everysec`` (not forced) a write is postponed while a
    background fsync is still running, for up to 2 seconds; then it is done anyway and
    counted in ``aof_delayed_fsync``. With an empty buffer only a due ``everysec`` fsync of
    what was written since the last one is started."""
    policy = str(cfg.get("appendfsync", "everysec"))
    unixtime = now_ms // 1000
    sync_in_progress = False
    if not a.buf:
        if not (policy == "everysec" and a.fsync_offset != a.current_size
                and everysec_fsync_due(unixtime, a.last_fsync_s) and a.fsync_pending == 0):
            return a
    else:
        if policy == "everysec":
            sync_in_progress = a.fsync_pending > 0
        if policy == "everysec" and not force and sync_in_progress:
            if a.flush_postponed_start == 0:
                return attrs.evolve(a, flush_postponed_start=unixtime)
            if flush_still_postponed(unixtime, a.flush_postponed_start):
                return a
            a = attrs.evolve(a, delayed_fsync=a.delayed_fsync + 1)
            a = _log(a, "notice", "Asynchronous AOF fsync is taking too long (disk is busy?). "
                     "Writing the AOF buffer without waiting for fsync to complete, this may "
                     "slow down Redis.")
        a = _op(a, "write", a.buf)
        if not a.last_write_ok:
            a = _log(a, "warning", "AOF write error looks solved, Redis can write again.")
        n = len(a.buf)
        a = attrs.evolve(a, buf=b"", last_write=a.buf, flush_postponed_start=0,
                         current_size=a.current_size + n, last_incr_size=a.last_incr_size + n,
                         last_write_ok=True, last_write_error="")
    # try_fsync:
    if cfg.get("no-appendfsync-on-rewrite", False) and child_running:
        return a
    if policy == "always":
        a = _op(a, "fsync")
        a = attrs.evolve(a, fsync_offset=a.current_size, last_fsync_s=unixtime,
                         durable_size=a.current_size)
    elif policy == "everysec" and everysec_fsync_due(unixtime, a.last_fsync_s):
        if not sync_in_progress:
            a = _op(a, "bgfsync", a.current_size)
            a = attrs.evolve(a, fsync_offset=a.current_size, fsync_pending=a.fsync_pending + 1)
        a = attrs.evolve(a, last_fsync_s=unixtime)
    return a


def flush_append_only_file(state: ServerState, now_ms: int, force: bool) -> ServerState:
    """:func:`flush_aof` on a whole state."""
    return replace(state, aof=flush_aof(state.aof, state.config, has_active_child(state),
                                        now_ms, force))


def flush_in_step(s: Step, force: bool) -> None:
    """:func:`flush_aof` inside a transition, after feeding what its commands propagated so
    far (in Redis each command is fed right after it ran)."""
    s.feed_aof()
    child = s.part("persist").child is not None or s.part("aof").child is not None
    s.set_part("aof", flush_aof(s.part("aof"), s.config, child, s.now_ms, force))


def before_sleep_flush(state: ServerState, now_ms: int) -> ServerState:
    """beforeSleep's ``flushAppendOnlyFile(0)`` (AOF on or being turned on): what the turn's
    commands fed into ``aof_buf`` is written, before the replies."""
    if state.aof.status == AOF_OFF:
        return state
    return flush_append_only_file(state, now_ms, False)


def writes_denied_by_aof_error(a: AofState) -> str | None:
    """``writeCommandsDeniedByDiskError``'s AOF part: with AOF on and the last write failed,
    the MISCONF text naming the error; else None."""
    if a.status == AOF_OFF or a.last_write_ok:
        return None
    return f"MISCONF Errors writing to the AOF file: {a.last_write_error}"


# -- turning AOF on and off ------------------------------------------------------------------


def _name(state: ServerState) -> str:
    return str(state.config.get("appendfilename", "appendonly.aof"))


def _rdb_preamble(state: ServerState) -> bool:
    return bool(state.config.get("aof-use-rdb-preamble", True))


def open_on_server_start(state: ServerState, now_ms: int) -> ServerState:
    """``aofOpenIfNeededOnServerStart``, after the dataset was loaded: with AOF on, create
    the directory; a set with no base and no incr file gets a base file of the dataset now
    (written synchronously, and not counted: ``aof_current_size`` and ``aof_base_size``
    stay as the load left them, 0, as 7.0.15's); the last INCR file is opened for appending (created when there
    is none) and the manifest is written."""
    if not state.config.get("appendonly", False):
        return state
    a = attrs.evolve(state.aof, status=AOF_ON)
    a = _op(a, "mkdir")
    m = a.manifest
    had_incr = bool(m.incrs)
    if m.base is None and not m.incrs:
        m = new_base(m, _name(state), _rdb_preamble(state))
        assert m.base is not None
        data = aof_base_bytes(fork_snapshot(Step(state, now_ms)), now_ms)
        a = _op(a, "file", m.base.name, data)
        a = _log(a, "notice", f"Creating AOF base file {m.base.name} on server start")
    if not m.incrs:
        m = new_incr(m, _name(state))
    incr = m.incrs[-1].name
    a = _op(a, "open", incr, False, a.current_size)
    a = _op(a, "manifest", manifest_text(m))
    verb = "Opening" if had_incr else "Creating"
    a = _log(a, "notice", f"{verb} AOF incr file {incr} on server start")
    a = attrs.evolve(a, manifest=m, last_fsync_s=now_ms // 1000)
    return replace(state, aof=a)


def start_append_only(s: Step) -> bool:
    """``startAppendOnly`` (CONFIG SET appendonly yes): AOF is *being turned on*
    (``AOF_WAIT_REWRITE``) until a rewrite has written the whole dataset as a base; the
    rewrite starts now (a rewrite already running — BGREWRITEAOF with AOF off — is killed
    first: it does not accumulate the new stream), or is scheduled when a BGSAVE runs or
    inside EXEC. False: the rewrite could not start (AOF stays off)."""
    a = attrs.evolve(s.part("aof"), status=AOF_WAIT_REWRITE)
    if s.part("persist").child is not None:
        a = attrs.evolve(a, rewrite_scheduled=True)
        a = _log(a, "warning", "AOF was enabled but there is already another background "
                 "operation. An AOF background was scheduled to start when possible.")
        s.set_part("aof", a)
    elif s.in_exec:
        a = attrs.evolve(a, rewrite_scheduled=True)
        a = _log(a, "warning", "AOF was enabled during a transaction. An AOF background was "
                 "scheduled to start when possible.")
        s.set_part("aof", a)
    else:
        if a.child is not None:  # the running rewrite does not accumulate the new stream
            a = _log(a, "warning", "AOF was enabled but there is already an AOF rewriting in "
                     "background. Stopping background AOF and starting a rewrite now.")
        s.set_part("aof", a)
        kill_append_only_child(s)
        if not rewrite_append_only_file_background(s):
            a = attrs.evolve(s.part("aof"), status=AOF_OFF)
            s.set_part("aof", _log(a, "warning", "Redis needs to enable the AOF but can't "
                                   "trigger a background AOF rewrite operation. Check the "
                                   "above logs for more info about the error."))
            return False
    a = attrs.evolve(s.part("aof"), last_fsync_s=s.now_ms // 1000)
    if not a.last_write_ok:
        a = _log(attrs.evolve(a, last_write_ok=True, last_write_error=""), "warning",
                 "AOF reopen, just ignore the last error.")
    s.set_part("aof", a)
    return True


def stop_append_only(s: Step) -> None:
    """``stopAppendOnly`` (CONFIG SET appendonly no): write and fsync what is buffered,
    close the file, kill a rewrite child; the manifest stays as it is."""
    flush_in_step(s, True)
    a = _op(s.part("aof"), "close")
    a = attrs.evolve(a, fsync_offset=a.current_size, durable_size=a.current_size,
                     last_fsync_s=s.now_ms // 1000, selected_db=-1, status=AOF_OFF,
                     rewrite_scheduled=False, last_incr_size=0, buf=b"")
    s.set_part("aof", a)
    kill_append_only_child(s)


# -- the rewrite -----------------------------------------------------------------------------


def rewrite_append_only_file_background(s: Step) -> bool:
    """``rewriteAppendOnlyFileBackground``: flush the buffer and open a new INCR file (the
    new manifest lists it; while AOF is being turned on, a temporary incr file instead),
    then fork a child that writes the dataset at the fork as the next base. False when a
    child already runs or the fork failed."""
    if s.part("persist").child is not None or s.part("aof").child is not None:
        return False
    pst = s.part("persist")
    if not pst.fork_outcomes:
        raise ForkOutcomeNeeded(fork_snapshot(s), s.now_ms, purpose="aof")
    (pid, usec), rest = pst.fork_outcomes[0], pst.fork_outcomes[1:]
    s.set_part("persist", attrs.evolve(pst, fork_outcomes=rest))
    s.feed_aof()  # what this transition's commands propagated so far goes to the old file
    s.set_part("aof", attrs.evolve(s.part("aof"), selected_db=-1))
    flush_in_step(s, True)
    a = _op(s.part("aof"), "mkdir")
    if a.status != AOF_OFF:  # openNewIncrAofForAppend (nothing to open with AOF off)
        if a.status == AOF_WAIT_REWRITE:
            name = temp_incr_name(_name(s.base))
            m = a.manifest
        else:
            m = new_incr(a.manifest, _name(s.base))
            name = m.incrs[-1].name
        a = _op(a, "open", name, True, a.current_size)
        if a.status != AOF_WAIT_REWRITE:
            a = _op(a, "manifest", manifest_text(m))
        a = _log(a, "notice", f"Creating AOF incr file {name} on background rewrite")
        a = attrs.evolve(a, manifest=m, last_incr_size=0, fsync_offset=a.current_size,
                         last_fsync_s=s.now_ms // 1000)
    a = attrs.evolve(a, rewrites=a.rewrites + 1)
    if pid < 0:
        s.set_part("aof", _log(attrs.evolve(a, lastbgrewrite_ok=False), "warning",
                               "Can't rewrite append only file in background: fork: "
                               "Cannot allocate memory"))
        return False
    a = _log(a, "notice", f"Background append only file rewriting started by pid {pid}")
    child = AofChild(pid, s.now_ms, fork_snapshot(s))
    s.set_part("aof", attrs.evolve(a, child=child, rewrite_scheduled=False))
    pst = s.part("persist")
    s.set_part("persist", attrs.evolve(pst, total_forks=pst.total_forks + 1,
                                       latest_fork_usec=usec))
    return True


def background_rewrite_done(s: Step, exitcode: int, bysignal: int) -> None:
    """``backgroundRewriteDoneHandler``: on success the child's temp file becomes the next
    base (the old base and the INCR files it covers become history; while AOF was being
    turned on, the temporary incr file becomes the first INCR file), the manifest is
    replaced in one rename, history files are deleted unless ``aof-disable-auto-gc``, and
    AOF is on. A failure or a signal other than SIGUSR1 counts a failed rewrite; the old
    set stays. Either way the temp files go, and a rewrite that was turning AOF on is
    scheduled again if it failed."""
    a = s.part("aof")
    child = a.child
    assert child is not None
    name = _name(s.base)
    tmp = temp_rewrite_name(child.pid)
    if not bysignal and exitcode == 0:
        a = _log(a, "notice", "Background AOF rewrite terminated with success")
        m = new_base(a.manifest, name, _rdb_preamble(s.base))
        assert m.base is not None
        a = _op(a, "rename", tmp, m.base.name)
        a = _log(a, "notice", f"Successfully renamed the temporary AOF base file {tmp} into "
                 f"{m.base.name}")
        if a.status == AOF_WAIT_REWRITE:
            m = new_incr(m, name)
            tincr = temp_incr_name(name)
            a = _op(a, "rename", tincr, m.incrs[-1].name)
            a = _log(a, "notice", f"Successfully renamed the temporary AOF incr file {tincr} "
                     f"into {m.incrs[-1].name}")
        m = mark_rewritten(m, aof_open=a.status != AOF_OFF)
        a = _op(a, "manifest", manifest_text(m))
        a = attrs.evolve(a, manifest=m)
        if a.status != AOF_OFF:  # the sizes count from the new base
            size = max(0, child.base_size) + a.last_incr_size
            # the new base was fsynced by the child; of the current incr file, what was
            incr_durable = max(0, a.durable_size - (a.current_size - a.last_incr_size))
            # the incr file goes on: no SELECT is re-issued (7.0.15; the rewrite's start
            # already made the new incr file begin with one)
            a = attrs.evolve(a, current_size=size, base_size=size,
                             fsync_offset=size,
                             durable_size=max(0, child.base_size) + incr_durable,
                             last_fsync_s=s.now_ms // 1000)
        if not s.config.get("aof-disable-auto-gc", False) and m.history:
            for h in m.history:
                a = _log(a, "notice", f"Removing the history file {h.name} in the background")
                a = _op(a, "unlink", h.name)
            m = attrs.evolve(m, history=())
            a = _op(attrs.evolve(a, manifest=m), "manifest", manifest_text(m))
        a = attrs.evolve(a, lastbgrewrite_ok=True, consecutive_failures=0)
        a = _log(a, "notice", "Background AOF rewrite finished successfully")
        if a.status == AOF_WAIT_REWRITE:
            a = attrs.evolve(a, status=AOF_ON)
    elif not bysignal:
        a = attrs.evolve(a, lastbgrewrite_ok=False, consecutive_failures=a.consecutive_failures + 1)
        a = _log(a, "warning", "Background AOF rewrite terminated with error")
    else:
        if bysignal != SIGUSR1:
            a = attrs.evolve(a, lastbgrewrite_ok=False,
                             consecutive_failures=a.consecutive_failures + 1)
        a = _log(a, "warning", f"Background AOF rewrite terminated by signal {bysignal}")
    # cleanup:
    a = _op(a, "unlink", tmp)
    a = _op(a, "unlink", f"temp-rewriteaof-{child.pid}.aof")
    if a.status == AOF_WAIT_REWRITE:
        a = attrs.evolve(a, buf=b"")
        tincr = temp_incr_name(name)
        a = _log(a, "notice", f"Removing the temp incr aof file {tincr} in the background")
        a = _op(a, "unlink", tincr)
    a = attrs.evolve(a, child=None, last_cow_size=0,
                     rewrite_time_last_s=s.now_ms // 1000 - child.start_ms // 1000)
    if a.status == AOF_WAIT_REWRITE:
        a = attrs.evolve(a, rewrite_scheduled=True)
    s.set_part("aof", a)


def kill_append_only_child(s: Step) -> None:
    """``killAppendOnlyChild``: the world kills the rewrite child with SIGUSR1 and waits for
    it; its temp files are removed and it is forgotten (no failure is counted)."""
    a = s.part("aof")
    child = a.child
    if child is None:
        return
    a = _log(a, "notice", f"Killing running AOF rewrite child: {child.pid}")
    a = _op(a, "kill", child.pid)
    a = _op(a, "unlink", temp_rewrite_name(child.pid))
    a = _op(a, "unlink", f"temp-rewriteaof-{child.pid}.aof")
    s.set_part("aof", attrs.evolve(a, child=None))


def bgrewriteaof(s: Step) -> tuple[bool, str]:
    """``bgrewriteaofCommand``: (ok, text) — an error while a rewrite runs; scheduled while
    a BGSAVE runs or inside EXEC (resetting the failure count, so it is not limited);
    started; or the generic failure."""
    a = s.part("aof")
    if a.child is not None:
        return False, "ERR Background append only file rewriting already in progress"
    if s.part("persist").child is not None or s.in_exec:
        s.set_part("aof", attrs.evolve(a, rewrite_scheduled=True, consecutive_failures=0))
        return True, "Background append only file rewriting scheduled"
    if rewrite_append_only_file_background(s):
        return True, "Background append only file rewriting started"
    return False, ("ERR Can't execute an AOF background rewriting. Please check the server "
                   "logs for more information.")


def aof_rewrite_limited(s: Step) -> bool:
    """``aofRewriteLimited``: after 3 consecutive failed rewrites, automatic retries wait
    1, 2, 4 ... up to 60 minutes (the delay state is ``AofState.next_rewrite``)."""
    a = s.part("aof")
    if a.consecutive_failures < AOF_REWRITE_LIMITE_THRESHOLD:
        if a.next_delay_minutes or a.next_rewrite_s:
            s.set_part("aof", attrs.evolve(a, next_delay_minutes=0, next_rewrite_s=0))
        return False
    now_s = s.now_ms // 1000
    if a.next_rewrite_s:
        if now_s < a.next_rewrite_s:
            return True
        s.set_part("aof", attrs.evolve(a, next_rewrite_s=0))
        return False
    delay = min(1 if a.next_delay_minutes == 0 else a.next_delay_minutes * 2,
                AOF_REWRITE_LIMITE_MAX_MINUTES)
    a = attrs.evolve(a, next_delay_minutes=delay, next_rewrite_s=now_s + delay * 60)
    s.set_part("aof", _log(a, "warning", "Background AOF rewrite has repeatedly failed and "
                           f"triggered the limit, will retry in {delay} minutes"))
    return True


def _children_done(s: Step) -> None:
    """``checkChildrenDone`` for both kinds of child: an exit the world reported for the
    rewrite child is handled here, the BGSAVE child's by ``spec.persist``."""
    st = s.part("persist")
    a = s.part("aof")
    if a.child is not None:
        for pid, exitcode, bysignal in st.child_exits:
            if pid == a.child.pid:
                background_rewrite_done(s, exitcode, bysignal)
                rest = tuple(e for e in st.child_exits if e[0] != pid)
                s.set_part("persist", attrs.evolve(s.part("persist"), child_exits=rest))
                break
    check_children_done(s)


def aof_cron(s: Step) -> None:
    """serverCron's persistence part in Redis's order: a scheduled rewrite starts when no
    child runs (and retries are not limited); a child's end is handled; without a child the
    save points, then the automatic rewrite (``auto-aof-rewrite-percentage`` growth over
    the base once past ``auto-aof-rewrite-min-size``); a postponed flush is retried; a
    failed write is retried once a second; a scheduled BGSAVE starts."""
    a = s.part("aof")
    if (s.part("persist").child is None and a.child is None and a.rewrite_scheduled
            and not aof_rewrite_limited(s)):
        rewrite_append_only_file_background(s)
    if s.part("persist").child is not None or s.part("aof").child is not None:
        _children_done(s)
    else:
        if s.part("persist").child_exits:
            s.set_part("persist", attrs.evolve(s.part("persist"), child_exits=()))
        save_points(s)
        a = s.part("aof")
        perc = int(s.config.get("auto-aof-rewrite-percentage", 100))
        if (a.status == AOF_ON and s.part("persist").child is None and a.child is None
                and perc and a.current_size > int(s.config.get("auto-aof-rewrite-min-size",
                                                              64 << 20))):
            base = a.base_size or 1
            growth = a.current_size * 100 // base - 100
            if growth >= perc and not aof_rewrite_limited(s):
                s.set_part("aof", _log(s.part("aof"), "notice",
                                       f"Starting automatic rewriting of AOF on {growth}% growth"))
                rewrite_append_only_file_background(s)
    a = s.part("aof")
    if a.status != AOF_OFF and (a.flush_postponed_start or not a.last_write_ok):
        flush_in_step(s, False)
    scheduled_bgsave(s)


def flush_at_shutdown(s: Step, force: bool) -> bool:
    """``prepareForShutdown``'s AOF part: while AOF is still being turned on the shutdown
    fails (unless FORCE: "Writing initial AOF. Exit anyway."); a rewrite child is killed;
    with AOF on the buffer is written and fsynced. False: the shutdown must stop."""
    a = s.part("aof")
    if a.child is not None:
        if a.status == AOF_WAIT_REWRITE:
            if not force:
                s.set_part("aof", _log(a, "warning", "Writing initial AOF, can't exit."))
                return False
            s.set_part("aof", _log(a, "warning", "Writing initial AOF. Exit anyway."))
        s.set_part("aof", _log(s.part("aof"), "warning",
                               "There is a child rewriting the AOF. Killing it!"))
        kill_append_only_child(s)
    if s.part("aof").status != AOF_OFF:
        a = _log(s.part("aof"), "notice", "Calling fsync() on the AOF file.")
        s.set_part("aof", a)
        flush_in_step(s, True)
        a = _op(s.part("aof"), "fsync")
        s.set_part("aof", attrs.evolve(a, durable_size=a.current_size,
                                       fsync_offset=a.current_size))
    return True


def prepare_for_shutdown(s: Step, flags: int) -> bool:
    """``prepareForShutdown`` with the AOF: the BGSAVE child is killed, then the AOF part
    (:func:`flush_at_shutdown`), then the RDB save and the exit (``spec.persist.
    finish_shutdown``). False: the shutdown stops and the server goes on."""
    kill_rdb_child(s)
    if not flush_at_shutdown(s, bool(flags & SHUTDOWN_FORCE)):
        return False
    return finish_shutdown(s, flags)


# -- INFO ------------------------------------------------------------------------------------


def aof_info(a: AofState, appendonly: bool, now_ms: int
             ) -> tuple[dict[str, object], list[tuple[str, Any]]]:
    """INFO persistence's AOF fields: the values over their idle defaults, and the fields
    7.0.15 adds when ``appendonly`` is yes (``aof_current_size`` ... ``aof_delayed_fsync``)."""
    child = a.child
    vals: dict[str, object] = {
        "aof_enabled": 1 if a.status != AOF_OFF else 0,
        "aof_rewrite_in_progress": 1 if child is not None else 0,
        "aof_rewrite_scheduled": 1 if a.rewrite_scheduled else 0,
        "aof_last_rewrite_time_sec": a.rewrite_time_last_s,
        "aof_current_rewrite_time_sec": (now_ms // 1000 - child.start_ms // 1000
                                         if child is not None else -1),
        "aof_last_bgrewrite_status": "ok" if a.lastbgrewrite_ok else "err",
        "aof_rewrites": a.rewrites,
        "aof_rewrites_consecutive_failures": a.consecutive_failures,
        "aof_last_write_status": "ok" if a.last_write_ok else "err",
        "aof_last_cow_size": a.last_cow_size,
    }
    extra: list[tuple[str, Any]] = []
    if appendonly:
        extra = [("aof_current_size", a.current_size), ("aof_base_size", a.base_size),
                 ("aof_pending_rewrite", 1 if a.rewrite_scheduled else 0),
                 ("aof_buffer_length", len(a.buf)),
                 ("aof_pending_bio_fsync", a.fsync_pending),
                 ("aof_delayed_fsync", a.delayed_fsync)]
    return vals, extra
