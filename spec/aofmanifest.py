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

from .resp import sdscatrepr, split_args

__all__ = ["AofInfo", "AofManifest", "BASE", "HIST", "INCR", "EMPTY_MANIFEST", "manifest_name",
           "temp_manifest_name", "manifest_text", "new_base", "new_incr", "needs_repr",
           "mark_rewritten", "aof_files_in_load_order", "temp_rewrite_name",
           "temp_incr_name", "ManifestError", "parse_manifest", "MANIFEST_MAX_LINE",
           "needs_upgrade", "upgraded_manifest", "path_is_base_name", "upgrade_log"]

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


# -- reading a manifest (``aofLoadManifestFromFile``) and the old-style upgrade -----------------

#: ``MANIFEST_MAX_LINE``: ``fgets`` reads at most this many bytes of a line.
MANIFEST_MAX_LINE = 1024


class ManifestError(Exception):
    """A manifest Redis refuses at start: ``logs`` are the lines it logs (each as
    ``serverLog`` gets it, embedded newlines included) before ``exit(1)``."""

    def __init__(self, logs: tuple[str, ...]) -> None:
        super().__init__(logs[-1].strip())
        self.logs = logs


def _fgets(data: bytes, pos: int, size: int) -> tuple[bytes, int] | None:
    """C ``fgets(buf, size, fp)`` over ``data`` from ``pos``: at most ``size - 1`` bytes, up
    to and including a newline; None at the end of the data."""
    if pos >= len(data):
        return None
    nl = data.find(b"\n", pos, pos + size - 1)
    end = min(pos + size - 1, len(data)) if nl < 0 else nl + 1
    return data[pos:end], end


def _c_str(b: bytes) -> bytes:
    """The bytes a C string holds: up to the first NUL."""
    i = b.find(b"\0")
    return b if i < 0 else b[:i]


def _atoll(b: bytes) -> int:
    """C ``atoll``: optional blanks, a sign, then digits (0 when there are none)."""
    s = b.lstrip(b" \t\n\v\f\r")
    sign = -1 if s[:1] == b"-" else 1
    if s[:1] in (b"-", b"+"):
        s = s[1:]
    n = 0
    for c in s:
        if not 48 <= c <= 57:
            break
        n = n * 10 + c - 48
    return max(-(1 << 63), min((1 << 63) - 1, sign * n))


def _manifest_fatal(err: str, linenum: int, line: bytes | None) -> ManifestError:
    """The lines ``aofLoadManifestFromFile`` logs before ``exit(1)``."""
    logs = ["\n*** FATAL AOF MANIFEST FILE ERROR ***\n"]
    if line is not None:
        logs += [f"Reading the manifest file, at line {linenum}\n",
                 f">>> '{line.decode('latin-1')}'\n"]
    return ManifestError((*logs, f"{err}\n"))


def path_is_base_name(name: bytes) -> bool:
    """``pathIsBaseName``: no ``/`` and no backslash in the name."""
    return b"/" not in name and b"\\" not in name


def _manifest_line(line: bytes, linenum: int) -> AofInfo:
    """One ``file <name> seq <n> type <t>`` line, already trimmed (keys in any case and
    order, pairs of unknown keys ignored, the last of a repeated key wins; at least six
    words, an even number)."""
    argv = split_args(line)
    if argv is None or len(argv) < 6 or len(argv) % 2:
        raise _manifest_fatal("Invalid AOF manifest file format", linenum, line)
    name: bytes | None = None
    seq = 0
    ftype = 0
    for key, value in zip(argv[::2], argv[1::2], strict=True):
        k = _c_str(key).lower()
        v = _c_str(value)
        if k == b"file":
            name = v
            if not path_is_base_name(name):
                raise _manifest_fatal("File can't be a path, just a filename", linenum, line)
        elif k == b"seq":
            seq = _atoll(v)
        elif k == b"type":
            ftype = v[0] if v else 0
    if name is None or not seq or not ftype:
        raise _manifest_fatal("Invalid AOF manifest file format", linenum, line)
    return AofInfo(name.decode("latin-1"), seq, chr(ftype))


def parse_manifest(data: bytes) -> AofManifest:
    """``aofLoadManifestFromFile`` (from ``aofLoadManifestFromDisk`` at start, when the
    directory and the manifest exist): the manifest's lines read as ``fgets`` reads them (at
    most :data:`MANIFEST_MAX_LINE` bytes; a line starting with ``#`` is a comment — a
    longer one goes on as the next line), each trimmed of blanks and split as
    ``sdssplitargs`` splits it. Raises :class:`ManifestError` with Redis's log lines for an
    empty file, a line without a newline (the last one too: "too long line"), an empty or
    malformed line, a path as a name, a second base, incr sequence numbers not increasing,
    or a type other than ``b``, ``h``, ``i``."""
    m = AofManifest()
    hist: list[AofInfo] = []
    incrs: list[AofInfo] = []
    maxseq = 0
    pos = 0
    linenum = 0
    while True:
        got = _fgets(data, pos, MANIFEST_MAX_LINE + 1)
        if got is None:
            if linenum == 0:
                raise _manifest_fatal("Found an empty AOF manifest", 0, None)
            break
        buf, pos = got
        linenum += 1
        if buf[:1] == b"#":
            continue
        if b"\n" not in _c_str(buf):
            raise _manifest_fatal("The AOF manifest file contains too long line", linenum,
                                  None)
        line = _c_str(buf).strip(b" \t\r\n")
        if not line:
            raise _manifest_fatal("Invalid AOF manifest file format", linenum, line)
        ai = _manifest_line(line, linenum)
        if ai.type == BASE:
            if m.base is not None:
                raise _manifest_fatal("Found duplicate base file information", linenum, line)
            m = attrs.evolve(m, base=ai, base_seq=ai.seq)
        elif ai.type == HIST:
            hist.append(ai)
        elif ai.type == INCR:
            if ai.seq <= maxseq:
                raise _manifest_fatal("Found a non-monotonic sequence number", linenum, line)
            incrs.append(ai)
            maxseq = ai.seq
            m = attrs.evolve(m, incr_seq=ai.seq)
        else:
            raise _manifest_fatal("Unknown AOF file type", linenum, line)
    return attrs.evolve(m, history=tuple(hist), incrs=tuple(incrs))


def needs_upgrade(m: AofManifest, appendfilename: str, dir_exists: bool,
                  old_file_exists: bool, old_file_in_dir: bool) -> bool:
    """``loadAppendOnlyFiles``' upgrade test: an old single-file ``appendfilename`` in
    ``dir`` is moved into the AOF directory when the directory does not exist, when the
    manifest names no base and no incr file, or when it names only a base of that very
    name that is not in the directory yet (an upgrade interrupted after its manifest)."""
    if not old_file_exists:
        return False
    return (not dir_exists or (m.base is None and not m.incrs)
            or (m.base is not None and not m.incrs and m.base.name == appendfilename
                and not old_file_in_dir))


def upgraded_manifest(m: AofManifest, appendfilename: str) -> AofManifest:
    """``aofUpgradePrepare``'s manifest: the old file as the base, sequence 1 (the history
    files, if any, kept); written before the file is moved into the directory, so a crash
    in between is retried at the next start."""
    return attrs.evolve(m, base=AofInfo(appendfilename, 1, BASE), base_seq=1)


def upgrade_log(appendfilename: str, appenddirname: str) -> str:
    """The line ``aofUpgradePrepare`` logs once the file is moved."""
    return (f"Successfully migrated an old-style AOF file ({appendfilename}) into the AOF "
            f"directory ({appenddirname}).")
