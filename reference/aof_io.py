"""The world's side of the append-only file: the files in ``dir/appenddirname``, the current
INCR file's descriptor, and the background fsync thread (Redis's bio threads).

The spec decides every AOF rule (``spec.aof``) and hands the reference server a list of
file operations per turn (``Effects.aof_ops``); :class:`AofFiles` carries them out in
order, before the turn's replies are written, and reports back what only the world can
know: a background fsync finished (``aof_fsync_done``), a write failed
(``aof_write_failed``), the size of the base a rewrite child wrote (``aof_child_wrote``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger("redspec.aof")
#: ``serverLog``'s levels as Python's (Redis's "verbose" sits between DEBUG and INFO).
_LOG_LEVELS = {"debug": logging.DEBUG, "verbose": 15, "notice": logging.INFO,
               "warning": logging.WARNING}

__all__ = ["AofFiles", "write_atomically", "fsync_dir", "aof_dir"]


def aof_dir(config: Any) -> str:
    """``server.aof_dirname`` as a path: ``dir/appenddirname``."""
    return os.path.join(str(config.get("dir", ".")), str(config.get("appenddirname",
                                                                     "appendonlydir")))


def fsync_dir(path: str) -> None:
    """``fsyncFileDir``: make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(directory: str, name: str, temp: str, data: bytes) -> None:
    """Write ``data`` as ``directory/name`` through ``temp``: write, fsync, rename, fsync the
    directory (``writeAofManifestFile``, ``rewriteAppendOnlyFile``): a crash leaves the old
    file or the new one."""
    tmp = os.path.join(directory, temp)
    fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, os.path.join(directory, name))
    fsync_dir(directory)


class AofFiles:
    """The open AOF: ``aof_fd`` and the bio thread that fsyncs and closes in the background.

    ``report(kind, *args)`` is how results come back to the server (called on the event
    loop's thread): ``("fsync_done", offset, job)``, ``("write_failed", written, error)``,
    ``("exit", status)`` (a write or fsync error under ``appendfsync always``)."""

    def __init__(self, config: Any, report: Callable[..., None],
                 call_soon: Callable[..., Any]) -> None:
        self.config = config
        self.report = report
        self.call_soon = call_soon
        self.fd = -1
        self.bio = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bio_aof")
        self._lock = threading.Lock()

    @property
    def directory(self) -> str:
        return aof_dir(self.config)

    def apply(self, ops: tuple[tuple[Any, ...], ...], config: Any) -> None:
        """Carry out the operations in order (see ``spec.aof.take_ops`` for their meaning)."""
        self.config = config
        for op in ops:
            getattr(self, "_" + op[0])(*op[1:])

    # -- the operations ----------------------------------------------------------------

    def _log(self, level: str, text: str) -> None:
        log.log(_LOG_LEVELS.get(level, logging.INFO), text)

    def _stdout(self, data: bytes) -> None:
        """``printf`` to standard output (DEBUG LISTPACK / QUICKLIST)."""
        out = sys.stdout
        out.flush()
        out.buffer.write(data)
        out.buffer.flush()

    def _truncate(self, name: str, size: int) -> None:
        """``truncate(aof_filepath, valid_up_to)`` (DEBUG LOADAOF of a truncated file)."""
        with contextlib.suppress(OSError):
            os.truncate(os.path.join(self.directory, name), size)

    def _mkdir(self) -> None:
        os.makedirs(self.directory, exist_ok=True)

    def _write(self, data: bytes) -> None:
        """``aofWrite``: the whole buffer, retrying short writes; on an error the partial
        write is truncated away (``ftruncate`` to the size before) and reported."""
        fd = self.fd
        before = os.fstat(fd).st_size
        view = memoryview(data)
        try:
            while view:
                n = os.write(fd, view)
                view = view[n:]
        except OSError as e:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, before)
            log.warning("Error writing to the AOF file: %s", e.strerror)
            if self.config.get("appendfsync") == "always":
                log.warning("Can't recover from AOF write error when the AOF fsync policy is "
                            "'always'. Exiting...")
                self.report("exit", 1)
                return
            self.report("write_failed", 0, e.strerror or str(e))

    def _fsync(self) -> None:
        """``redis_fsync`` (fdatasync) now, before the replies."""
        try:
            os.fdatasync(self.fd)
        except OSError as e:
            log.warning("Can't persist AOF for fsync error when the AOF fsync policy is "
                        "'always': %s. Exiting...", e.strerror)
            self.report("exit", 1)

    def _bgfsync(self, offset: int) -> None:
        """``aof_background_fsync``: a bio job; its end is reported on the loop's thread."""
        fd = self.fd

        def job() -> None:
            with contextlib.suppress(OSError):
                os.fdatasync(fd)
            self.call_soon(self.report, "fsync_done", offset, True)

        self.bio.submit(job)

    def _open(self, name: str, truncate: bool, offset: int) -> None:
        """Make ``name`` the current INCR file (O_APPEND); the previous one is fsynced and
        closed by the bio thread (``aof_background_fsync_and_close``)."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | (os.O_TRUNC if truncate else 0)
        new = os.open(os.path.join(self.directory, name), flags, 0o644)
        old, self.fd = self.fd, new
        if old != -1:
            def job() -> None:
                with contextlib.suppress(OSError):
                    os.fdatasync(old)
                with contextlib.suppress(OSError):
                    os.close(old)
                self.call_soon(self.report, "fsync_done", offset, False)

            self.bio.submit(job)

    def _close(self) -> None:
        """``stopAppendOnly``: fsync and close the current file."""
        if self.fd != -1:
            with contextlib.suppress(OSError):
                os.fdatasync(self.fd)
            os.close(self.fd)
            self.fd = -1

    def _manifest(self, text: bytes) -> None:
        name = str(self.config.get("appendfilename", "appendonly.aof"))
        write_atomically(self.directory, f"{name}.manifest", f"temp-{name}.manifest", text)

    def _file(self, name: str, data: bytes) -> None:
        write_atomically(self.directory, name, f"temp-rewriteaof-{os.getpid()}.aof", data)

    def _rename(self, old: str, new: str) -> None:
        os.replace(os.path.join(self.directory, old), os.path.join(self.directory, new))

    def _unlink(self, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(self.directory, name))

    def _kill(self, pid: int) -> None:
        """``killAppendOnlyChild``: SIGUSR1, then wait for it."""
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGUSR1)
            os.waitpid(pid, 0)

    def close(self) -> None:
        """At exit: finish the bio jobs, close the file."""
        self.bio.shutdown(wait=True)
        if self.fd != -1:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1
