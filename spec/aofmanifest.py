"""The AOF manifest of 7.0's multi-part AOF (``aof.c``'s ``aofManifest``): which files, in
which order, make up the append-only file.

The AOF is a directory (``appenddirname``) holding at most one BASE file (the dataset at the
last rewrite, as an RDB file ``<appendfilename>.<seq>.base.rdb`` or as commands
``….base.aof``), the INCR files written since (``<appendfilename>.<seq>.incr.aof``, loaded in
sequence order after the base), the HISTORY files a rewrite has made obsolete (deleted in the
background unless ``aof-disable-auto-gc``), and the manifest ``<appendfilename>.manifest``
listing them one per line: ``file <name> seq <n> type b|h|i``, the base first, then the
history, then the incr files (``getAofManifestAsString``). A name that needs quoting is
written as ``sdscatrepr`` writes it.

Everything here is a value: the world writes the text through ``temp-<manifest>`` and a
rename (``writeAofManifestFile``), so a crash leaves either the old or the new manifest.
"""

from __future__ import annotations

import attrs

from .resp import sdscatrepr

__all__ = ["AofInfo", "AofManifest", "BASE", "HIST", "INCR", "EMPTY_MANIFEST", "manifest_name",
           "temp_manifest_name", "manifest_text", "new_base", "new_incr", "needs_repr",
           "mark_rewritten", "aof_files_in_load_order", "temp_rewrite_name",
           "temp_incr_name"]

BASE = "b"
HIST = "h"
INCR = "i"


@attrs.frozen(slots=True)
class AofInfo:
    """``aofInfo``: one file of the set: its name (a base name, no directory), its sequence
    number and its type (``b`` base, ``h`` history, ``i`` incr)."""

    name: str
    seq: int
    type: str


@attrs.frozen(slots=True)
class AofManifest:
    """``aofManifest``: the base file (or None), the history files, the incr files (in
    sequence order), and the last sequence numbers given to a base and to an incr file
    (``curr_base_file_seq``, ``curr_incr_file_seq``)."""

    base: AofInfo | None = None
    history: tuple[AofInfo, ...] = ()
    incrs: tuple[AofInfo, ...] = ()
    base_seq: int = 0
    incr_seq: int = 0


EMPTY_MANIFEST = AofManifest()


def manifest_name(appendfilename: str) -> str:
    """``getAofManifestFileName``: ``<appendfilename>.manifest``."""
    return f"{appendfilename}.manifest"


def temp_manifest_name(appendfilename: str) -> str:
    """``getTempAofManifestFileName``: ``temp-<appendfilename>.manifest``, renamed over the
    manifest once written."""
    return f"temp-{appendfilename}.manifest"


def temp_rewrite_name(pid: int) -> str:
    """The file a rewrite child writes the new base to: ``temp-rewriteaof-bg-<pid>.aof``
    (renamed to the new base name by ``backgroundRewriteDoneHandler``)."""
    return f"temp-rewriteaof-bg-{pid}.aof"


def temp_incr_name(appendfilename: str) -> str:
    """``getTempIncrAofName``: the incr file opened while AOF is being turned on
    (``AOF_WAIT_REWRITE``): ``temp-<appendfilename>.incr``."""
    return f"temp-{appendfilename}.incr"


_REPR_BYTES = frozenset(b'\\"\n\r\t\a\b \f\v')


def needs_repr(name: str) -> bool:
    """``sdsneedsrepr``: the name has a backslash, a quote, a space or a control / non
    printable byte, so the manifest writes it quoted."""
    return any(b in _REPR_BYTES or not 32 <= b < 127 for b in name.encode())


def _line(ai: AofInfo) -> str:
    """``aofInfoFormat``: ``file <name> seq <seq> type <t>``."""
    name = sdscatrepr(ai.name.encode()).decode("latin-1") if needs_repr(ai.name) else ai.name
    return f"file {name} seq {ai.seq} type {ai.type}\n"


def manifest_text(m: AofManifest) -> bytes:
    """``getAofManifestAsString``: the base, then the history files, then the incr files,
    one line each."""
    lines = [_line(m.base)] if m.base is not None else []
    lines += [_line(a) for a in m.history]
    lines += [_line(a) for a in m.incrs]
    return "".join(lines).encode("latin-1")


def new_base(m: AofManifest, appendfilename: str, rdb_preamble: bool) -> AofManifest:
    """``getNewBaseFileNameAndMarkPreAsHistory``: the next base file
    (``<appendfilename>.<seq>.base.rdb`` with the RDB preamble, ``.base.aof`` without);
    the previous base, if any, becomes the first history file."""
    seq = m.base_seq + 1
    suffix = ".rdb" if rdb_preamble else ".aof"
    history = m.history
    if m.base is not None:
        history = (attrs.evolve(m.base, type=HIST), *history)
    base = AofInfo(f"{appendfilename}.{seq}.base{suffix}", seq, BASE)
    return attrs.evolve(m, base=base, history=history, base_seq=seq)


def new_incr(m: AofManifest, appendfilename: str) -> AofManifest:
    """``getNewIncrAofName``: the next incr file, ``<appendfilename>.<seq>.incr.aof``,
    appended to the incr list (the file commands are appended to from now on)."""
    seq = m.incr_seq + 1
    incr = AofInfo(f"{appendfilename}.{seq}.incr.aof", seq, INCR)
    return attrs.evolve(m, incrs=(*m.incrs, incr), incr_seq=seq)


def mark_rewritten(m: AofManifest, aof_open: bool = True) -> AofManifest:
    """``markRewrittenIncrAofAsHistory``: after a successful rewrite the incr files the new
    base covers become history, put at the head of the history list (so the newest history
    comes first). With AOF on (``aof_open``) the last incr file stays: it was opened when the
    rewrite started and holds what came after the fork. Called after :func:`new_base`."""
    keep = m.incrs[-1:] if aof_open else ()
    done = m.incrs[:-1] if aof_open else m.incrs
    if not done:
        return m
    hist = tuple(attrs.evolve(a, type=HIST) for a in done)
    return attrs.evolve(m, history=(*hist, *m.history), incrs=keep)


def aof_files_in_load_order(m: AofManifest) -> tuple[AofInfo, ...]:
    """``loadAppendOnlyFiles``' order: the base, then every incr file in sequence order
    (history files are not loaded)."""
    return ((m.base,) if m.base is not None else ()) + m.incrs
