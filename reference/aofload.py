"""The world's side of loading the AOF at start (``appendonly yes``): the files, the old
single-file upgrade, the truncation on disk, and the load run with events in between.

Every decision is the spec's (``spec.aofmanifest``: the manifest's text and the upgrade
test; ``spec.aofload``: the load); this module reads and moves files and prints the lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from redspec.spec.aofload import (
    AofDirRead,
    AofFile,
    AofLoadFailed,
    aof_load_step,
    start_aof_loading,
)
from redspec.spec.aofmanifest import (
    EMPTY_MANIFEST,
    AofManifest,
    ManifestError,
    aof_files_in_load_order,
    manifest_name,
    manifest_text,
    needs_upgrade,
    parse_manifest,
    temp_manifest_name,
    upgrade_log,
    upgraded_manifest,
)
from redspec.spec.state import ServerState

if TYPE_CHECKING:
    from redspec.reference.server import Reference

__all__ = ["AofSet", "open_aof_set", "load_aof_while_serving", "read_aof_dir"]


class AofSet:
    """What start-up found on disk: the manifest (after any upgrade) and its base and incr
    files' bytes in load order."""

    def __init__(self, manifest: AofManifest, files: tuple[AofFile, ...]) -> None:
        self.manifest = manifest
        self.files = files


def _load_error(lines: tuple[str, ...] | list[str], panic: bool = False) -> Exception:
    """The server's start-up failure (``reference.server.LoadError``)."""
    from redspec.reference.server import LoadError

    return LoadError("\n".join(lines), panic)


def _read(path: str) -> bytes | None:
    """A file's bytes, None when it does not exist."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _write_manifest(aofdir: str, appendfilename: str, m: AofManifest) -> None:
    """``writeAofManifestFile``: the text to ``temp-<name>.manifest``, fsync, rename over
    the manifest, fsync the directory."""
    tmp = os.path.join(aofdir, temp_manifest_name(appendfilename))
    with open(tmp, "wb") as f:
        f.write(manifest_text(m))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(aofdir, manifest_name(appendfilename)))
    dfd = os.open(aofdir, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def open_aof_set(state: ServerState, say: Callable[[str], None] = print) -> AofSet:
    """``aofLoadManifestFromDisk`` then the start of ``loadAppendOnlyFiles``: read the
    manifest (a bad one stops the start with Redis's lines), move an old single
    ``appendfilename`` in ``dir`` into the AOF directory when the spec says so
    (``aofUpgradePrepare``: directory, manifest, rename, its line), then read the files."""
    cfg = state.config
    d = str(cfg.get("dir", "."))
    fname = str(cfg.get("appendfilename", "appendonly.aof"))
    aofdir = os.path.join(d, str(cfg.get("appenddirname", "appendonlydir")))
    manifest = EMPTY_MANIFEST
    mpath = os.path.join(aofdir, manifest_name(fname))
    try:
        data = _read(mpath) if os.path.isdir(aofdir) else None
    except OSError as e:  # aofLoadManifestFromFile's fopen
        shown = os.path.join(str(cfg.get("appenddirname", "appendonlydir")), manifest_name(fname))
        raise _load_error([f"Fatal error: can't open the AOF manifest file {shown} for "
                           f"reading: {e.strerror}"]) from e
    if data is not None:
        try:
            manifest = parse_manifest(data)
        except ManifestError as e:
            raise _load_error(e.logs) from e
    old = os.path.join(d, fname)
    if needs_upgrade(manifest, fname, os.path.isdir(aofdir), os.path.exists(old),
                     os.path.exists(os.path.join(aofdir, fname))):
        manifest = upgraded_manifest(manifest, fname)
        try:
            os.makedirs(aofdir, exist_ok=True)
            _write_manifest(aofdir, fname, manifest)
            os.rename(old, os.path.join(aofdir, fname))
        except OSError as e:
            raise _load_error([f"Error trying to move the old AOF file {fname} into dir "
                               f"{os.path.basename(aofdir)}: {e.strerror}"]) from e
        say(upgrade_log(fname, os.path.basename(aofdir)))
    files = tuple(AofFile(ai.name, _read(os.path.join(aofdir, ai.name)))
                  for ai in aof_files_in_load_order(manifest))
    return AofSet(manifest, files)


def read_aof_dir(state: ServerState) -> AofDirRead:
    """The world's answer to ``spec.aofload.AofDirNeeded`` (DEBUG LOADAOF): the manifest's
    bytes as they are on disk (None without the directory or the file) and the files the
    manifest names, read in load order (none when the spec's parser refuses it: the spec
    then reports the manifest's error itself)."""
    cfg = state.config
    fname = str(cfg.get("appendfilename", "appendonly.aof"))
    aofdir = os.path.join(str(cfg.get("dir", ".")), str(cfg.get("appenddirname", "appendonlydir")))
    try:
        data = _read(os.path.join(aofdir, manifest_name(fname))) if os.path.isdir(aofdir) \
            else None
    except OSError:
        data = None
    if data is None:
        return AofDirRead(None)
    try:
        manifest = parse_manifest(data)
    except ManifestError:
        return AofDirRead(data)
    return AofDirRead(data, tuple(AofFile(ai.name, _read(os.path.join(aofdir, ai.name)))
                                  for ai in aof_files_in_load_order(manifest)))


def _truncate(state: ServerState, name: str, size: int) -> None:
    """``truncate(aof_filepath, valid_up_to)``."""
    cfg = state.config
    path = os.path.join(str(cfg.get("dir", ".")), str(cfg.get("appenddirname", "appendonlydir")),
                        name)
    with contextlib.suppress(OSError):
        os.truncate(path, size)


async def load_aof_while_serving(ref: Reference, aof: AofSet, say: Callable[[str], None] = print) -> int:
    """Redis 7.0.15's start-up AOF load, the server already listening: ``spec.aofload``'s
    steps, the events that came meanwhile handled between two steps (``-LOADING``, as for
    an RDB file), the lines printed, a file truncated when the spec says so. Returns the
    spec's result (``AOF_OK``, ``AOF_TRUNCATED``, ``AOF_EMPTY``, ``AOF_NOT_EXIST``); a load
    that stops the start raises ``LoadError`` with Redis's lines."""
    fname = str(ref.state.config.get("appendfilename", "appendonly.aof"))
    try:
        ref.state, ret, logs = start_aof_loading(ref.state, aof.manifest, aof.files, fname,
                                                 ref.clock.now_ms())
    except AofLoadFailed as e:
        raise _load_error(e.logs) from e
    for line in logs:
        say(line)
    while ref.state.loading.active:
        now = ref.clock.now_ms()
        try:
            ref.state, step = aof_load_step(ref.state, now)
        except AofLoadFailed as e:
            if e.truncate is not None:
                _truncate(ref.state, *e.truncate)
            raise _load_error(e.logs, e.panic) from e
        for line in step.logs:
            say(line)
        if step.truncate is not None:
            _truncate(ref.state, *step.truncate)
        if step.delay_us:
            time.sleep(step.delay_us / 1e6)
        if step.done:
            ret = step.result
        for _ in range(4):  # accept, read, then the turn those schedule, then its writes
            await asyncio.sleep(0)
    return ret
