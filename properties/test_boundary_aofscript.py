"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the AOF
modules (``spec/aofmanifest.py`` and ``spec/aof.py`` so far; issue #22,
``tools/mutation.py``), in the pattern of ``properties/test_boundary_gapkeys.py``: each check
puts a Redis rule exactly on its boundary, and each has a planted-bug test whose planted bug
*is* the surviving mutant. Three checks found real divergences, fixed in ``spec/aof.py``
(each planted test plants the old rule): the fresh start's base counted in the sizes, a
SELECT re-issued at the end of a rewrite, and CONFIG SET appendonly yes refused while a
BGREWRITEAOF runs.

Property ``boundary_aofscript_agree_with_redis``. Observed on redis-server 7.0.15 (started
with ``appendonly yes`` over a prepared ``appendonlydir``):

- the manifest quotes a file name with a DEL byte (``appendfilename a<DEL>b``: ``file
  "a\\x7fb.1.base.rdb" seq 1 type b``) and leaves ``~`` (126) bare (``sdsneedsrepr`` is
  ``!isprint``);
- a manifest line of 1,023 bytes before its newline is read; one of 1,024 is "The AOF
  manifest file contains too long line" (``fgets`` into ``MANIFEST_MAX_LINE + 1`` bytes);
- a manifest line starting with a NUL byte is "too long line" too (``strchr`` of the C
  string finds no newline);
- ``seq`` is read by ``atoll``: ``seq 10`` and ``seq 9`` are 10 and 9 (a BGREWRITEAOF then
  opens ``a.10.incr.aof``), ``seq +7`` is 7 (the next incr file is ``a.8.incr.aof``), ``seq
  -3`` is kept as -3 (the rewritten manifest says ``seq -3``);
- a manifest starting with an empty line is "Invalid AOF manifest file format" at line 1
  (``>>> ''``); a comment line counts: the bad line after it is "at line 2"; a manifest of
  only a comment is not "empty" (the start creates a base and an incr file);
- two incr files with the same ``seq`` are "Found a non-monotonic sequence number";
- a comment longer than the buffer goes on as the next line: ``#``, 1,023 ``a`` and
  ``bcd``: "at line 2", ``>>> 'bcd'``, "Invalid AOF manifest file format".

``spec/aof.py``, observed on 7.0.15:

- a start with no AOF files writes a base of the (empty) dataset, but ``aof_current_size``
  and ``aof_base_size`` stay as the load left them, 0 (``aofOpenIfNeededOnServerStart``
  does not count the base it creates): after 20 ``SET k<i> <50 x>`` INFO says
  ``aof_current_size:1593`` (the incr file's bytes) and ``aof_base_size:0``. (The spec
  counted the base in both: 1679 and 86.)
- the automatic rewrite (serverCron): after a rewrite (base 424 bytes) and 20 more SETs
  (current 2017, growth 375%), no rewrite with ``auto-aof-rewrite-min-size`` 2017 (the
  size must be over it) nor with ``auto-aof-rewrite-percentage`` 376; one with min-size
  2016 and percentage 375 (growth at least the percentage);
- with ``aof_base_size`` 0 (a fresh start) the growth is taken over a base of 1 byte: after
  one ``SET a 1`` (``aof_current_size:50``) percentage 4901 does not rewrite, 4900 does;
- the end of a rewrite does not re-issue SELECT: ``SET a 1``, BGREWRITEAOF, ``SET b 2``
  while it runs, ``SET c 3`` after it: the new incr file is ``SELECT 0``, ``set b 2``,
  ``set c 3``. (The spec wrote a second ``SELECT 0`` before ``set c 3``, as 6.x did when it
  swapped files.)
- CONFIG SET appendonly yes while a BGSAVE runs, or inside MULTI, schedules the rewrite:
  ``aof_enabled:1``, ``aof_rewrite_scheduled:1``, ``aof_rewrite_in_progress:0``;
- INFO persistence's AOF flags (``aof_enabled``, ``aof_rewrite_in_progress``,
  ``aof_rewrite_scheduled``, ``aof_last_rewrite_time_sec``,
  ``aof_current_rewrite_time_sec``, ``aof_pending_rewrite``, ``aof_rewrites``): idle
  1 0 0 -1 -1 0 0; a rewrite running 1 1 0 -1 0 0 1, two seconds later ``..._current_...``
  2; done 1 0 0 2 -1 0 1; AOF off 0 0 0 -1 -1 (no ``aof_pending_rewrite``) 0; BGREWRITEAOF
  during a BGSAVE: scheduled 1 and pending 1;
- a start over an existing incr file appends to it ("Opening AOF incr file ... on server
  start"); CONFIG SET appendonly yes truncates a leftover ``temp-appendonly.aof.incr``
  (``junk`` in it before: the incr file it becomes holds only ``SELECT 0``, ``set x 1``);
- a start over two incr files (a rewrite that failed leaves the one it opened) opens the
  last one ("Opening AOF incr file appendonly.aof.2.incr.aof on server start");
- AOF on, ``SET a 1``, appendonly no, ``SET b 1``, appendonly yes, its rewrite done, ``SET
  c 1``: the manifest is base 2 and incr 2, and incr 2 holds ``SELECT 0``, ``set c 1``;
- INFO stats ``total_forks`` counts each rewrite's fork: 0 after the start (its base is
  written without a fork), 1 and 2 after two BGREWRITEAOF;
- CONFIG SET appendonly no while that rewrite is scheduled unschedules it
  (``aof_rewrite_scheduled`` 1, then 0);
- the first rewrite of CONFIG SET appendonly yes killed (SIGKILL) counts a failure
  (``aof_last_bgrewrite_status:err``, ``aof_rewrites_consecutive_failures:1``) and is
  scheduled again: serverCron starts a new one (``aof_rewrite_in_progress:1``).

- CONFIG SET appendonly yes while a BGREWRITEAOF (AOF off) runs kills that rewrite and
  starts a new one: +OK; logged "AOF was enabled but there is already an AOF rewriting in
  background. Stopping background AOF and starting a rewrite now.", "Killing running AOF
  rewrite child: <pid>", "Creating AOF incr file temp-appendonly.aof.incr on background
  rewrite", "Background append only file rewriting started by pid <new>"; INFO
  ``aof_enabled:1``, ``aof_rewrite_in_progress:1``, ``aof_rewrites:2``. (The spec refused:
  "-ERR CONFIG SET failed ... Unable to turn on AOF".)

- BGREWRITEAOF (AOF off) and CONFIG SET appendonly yes in one pipelined read: two forks,
  each with its own pid (the second rewrite is the new child);
- SHUTDOWN with AOF on: "Calling fsync() on the AOF file." and the server exits (no reply).

From 7.0.15's source (``aofRewriteLimited``): after three failed rewrites the retry waits
``next_delay_minutes``; until ``server.unixtime`` reaches ``next_rewrite_time`` serverCron
does not start it (59 s after the limit was set: still none; at 60 s: started).

From 7.0.15's source (``startAppendOnly``), not observable without a failing disk: turning
AOF on forgets an earlier failed write ("AOF reopen, just ignore the last error."), so a
CONFIG SET appendonly yes whose rewrite is scheduled (a BGSAVE runs) does not leave the
MISCONF gate closed. And a fork that fails (``bgrewriteaofCommand``, ``updateAppendonly``):
BGREWRITEAOF replies the error "Can't execute an AOF background rewriting. Please check the
server logs for more information." and ``aof_last_bgrewrite_status`` is err; CONFIG SET appendonly yes replies "CONFIG SET failed
(possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs."
and AOF stays off.
"""

from __future__ import annotations

import attrs
import pytest

from properties import aofworld
from properties.aofworld import NOW, AofWorld
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import aof, aofmanifest
from redspec.spec.aof import take_ops
from redspec.spec.aofmanifest import AofManifest, ManifestError
from redspec.spec.server import new_server
from redspec.spec.state import replace

NAME = "boundary_aofscript_agree_with_redis"


def _trips(check: object) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()  # type: ignore[operator]


# -- spec/aofmanifest.py ------------------------------------------------------------------------


def check_manifest_quotes_del() -> None:
    """``sdsneedsrepr`` is ``!isprint``: DEL (127) is quoted as ``\\x7f``, ``~`` (126) is not."""
    w = AofWorld(appendfilename="a\x7fb")
    got = w.fs.files["appendonly.aof.manifest"]
    assert got == (b'file "a\\x7fb.1.base.rdb" seq 1 type b\n'
                   b'file "a\\x7fb.1.incr.aof" seq 1 type i\n'), f"{NAME}: DEL name {got!r}"
    w = AofWorld(appendfilename="a~b")
    got = w.fs.files["appendonly.aof.manifest"]
    assert got == (b"file a~b.1.base.rdb seq 1 type b\n"
                   b"file a~b.1.incr.aof seq 1 type i\n"), f"{NAME}: ~ name {got!r}"


def _parse(data: bytes) -> AofManifest:
    """``aofLoadManifestFromFile`` of ``data``, which Redis 7.0.15 accepts."""
    try:
        return aofmanifest.parse_manifest(data)
    except ManifestError as e:
        raise AssertionError(f"{NAME}: manifest {data!r} refused: {e.logs}") from e


def _manifest_error(data: bytes) -> str | None:
    """The last line ``aofLoadManifestFromFile`` logs for ``data``, None when it parses."""
    try:
        aofmanifest.parse_manifest(data)
    except ManifestError as e:
        return e.logs[-1].strip()
    return None


def check_manifest_line_length() -> None:
    """1,023 bytes before the newline are one line; 1,024 are "too long line"."""
    base = b"file a.1.incr.aof seq 1 type i x "
    for total, err in ((1023, None), (1024, "The AOF manifest file contains too long line")):
        line = base + b"y" * (total - len(base))
        got = _manifest_error(line + b"\n")
        assert got == err, f"{NAME}: manifest line of {total} bytes: {got!r}"


def check_manifest_nul_first() -> None:
    """A line starting with NUL holds no newline as a C string: "too long line"."""
    got = _manifest_error(b"\0file a.1.incr.aof seq 1 type i\n")
    assert got == "The AOF manifest file contains too long line", f"{NAME}: NUL line {got!r}"


def check_manifest_seq_atoll() -> None:
    """``seq`` through ``atoll``: all ten digits, a sign, saturation at the C long long."""
    m = _parse(b"file a.1.base.aof seq 10 type b\nfile a.1.incr.aof seq 9 type i\n")
    assert (m.base_seq, m.incr_seq) == (10, 9), f"{NAME}: seq 10/9 {m}"
    m = _parse(b"file a.1.base.aof seq -3 type b\nfile a.1.incr.aof seq +7 type i\n")
    assert (m.base_seq, m.incr_seq) == (-3, 7), f"{NAME}: seq -3/+7 {m}"
    big = b"99999999999999999999"
    m = _parse(b"file a seq -" + big + b" type b\nfile b seq " + big + b" type i\n")
    assert (m.base_seq, m.incr_seq) == (-(1 << 63), (1 << 63) - 1), f"{NAME}: saturated {m}"


def _manifest_logs(data: bytes) -> tuple[str, ...]:
    """The lines ``aofLoadManifestFromFile`` logs for ``data`` (none when it parses)."""
    try:
        aofmanifest.parse_manifest(data)
    except ManifestError as e:
        return e.logs
    return ()


def check_manifest_lines_counted() -> None:
    """An empty first line is line 1; a comment is a line; a manifest of one comment is
    not empty; two incr files with the same ``seq`` are not increasing."""
    got = _manifest_logs(b"\nfile a.1.incr.aof seq 1 type i\n")
    assert got[1:] == ("Reading the manifest file, at line 1\n", ">>> ''\n",
                       "Invalid AOF manifest file format\n"), f"{NAME}: empty first line {got}"
    got = _manifest_logs(b"# c\nfile a.1.incr.aof seq 1 type x\n")
    assert got[1:] == ("Reading the manifest file, at line 2\n",
                       ">>> 'file a.1.incr.aof seq 1 type x'\n", "Unknown AOF file type\n"), \
        f"{NAME}: line after a comment {got}"
    assert _parse(b"# c\n") == aofmanifest.EMPTY_MANIFEST, f"{NAME}: comment only"
    got = _manifest_logs(b"file a.1.incr.aof seq 1 type i\nfile a.2.incr.aof seq 1 type i\n")
    assert got[-1:] == ("Found a non-monotonic sequence number\n",), f"{NAME}: same seq {got}"


def check_rewrite_manifest() -> None:
    """Two BGREWRITEAOF over a started set (7.0.15): each opens the next incr file (seq + 1)
    at once, and its end makes the next base (seq + 1) with only the last incr file kept."""
    w = AofWorld()
    for n in (2, 3):
        w.cmd("set", "a", n)
        w.cmd("bgrewriteaof")
        got = w.fs.files["appendonly.aof.manifest"]
        assert got.endswith(b"file appendonly.aof.%d.incr.aof seq %d type i\n" % (n, n)), \
            f"{NAME}: incr {n}: {got!r}"
        w.cmd("incr", "n")
        w.finish_fsyncs()
        w.child_exits()
        got = w.fs.files["appendonly.aof.manifest"]
        assert got == (b"file appendonly.aof.%d.base.rdb seq %d type b\n"
                       b"file appendonly.aof.%d.incr.aof seq %d type i\n" % (n, n, n, n)), \
            f"{NAME}: after rewrite {n}: {got!r}"


# -- spec/aof.py --------------------------------------------------------------------------------


def _info(w: AofWorld) -> dict[str, str]:
    """INFO persistence as a dict."""
    lines = w.cmd("info", "persistence").decode().split("\r\n")
    return dict(ln.split(":", 1) for ln in lines if ":" in ln)


def check_fresh_start_sizes() -> None:
    """The base a fresh start creates is not counted in ``aof_current_size`` /
    ``aof_base_size`` (7.0.15: 1593 and 0 after these 20 SETs)."""
    w = AofWorld()
    for i in range(20):
        w.cmd("set", f"k{i}", "x" * 50)
    got = _info(w)
    assert (got["aof_current_size"], got["aof_base_size"]) == ("1593", "0"), \
        f"{NAME}: sizes after a fresh start {got['aof_current_size']}, {got['aof_base_size']}"


def _auto_rewrites(w: AofWorld, min_size: int, perc: int) -> bool:
    """A serverCron with these thresholds starts a rewrite (which is then finished)."""
    w.cmd("config", "set", "auto-aof-rewrite-min-size", min_size)
    w.cmd("config", "set", "auto-aof-rewrite-percentage", perc)
    w.cron()
    started = w.state.aof.child is not None
    w.cmd("config", "set", "auto-aof-rewrite-percentage", 0)
    if started:
        w.child_exits()
    return started


def check_auto_rewrite_thresholds() -> None:
    """``aof_current_size > auto-aof-rewrite-min-size`` and growth ``>=`` the percentage.
    (A save point keeps serverCron's persistence part from being skipped as idle —
    ``spec.cron`` skips it at ``aof_current_size <= auto-aof-rewrite-min-size`` —, so the
    rule of ``aof_cron`` itself is what decides at the boundary.)"""
    w = AofWorld(**{"auto-aof-rewrite-percentage": 0, "save": "3600 1"})
    for i in range(20):
        w.cmd("set", f"k{i}", "x" * 50)
    w.cmd("bgrewriteaof")
    w.child_exits()
    for i in range(20):
        w.cmd("set", f"k{i}", "y" * 50)
    cur, base = w.state.aof.current_size, w.state.aof.base_size
    growth = cur * 100 // base - 100
    assert not _auto_rewrites(w, cur, 1), f"{NAME}: rewrite at min-size == size {cur}"
    assert not _auto_rewrites(w, 0, growth + 1), f"{NAME}: rewrite under growth {growth}"
    assert _auto_rewrites(w, cur - 1, growth), f"{NAME}: no rewrite at growth {growth}"


def check_growth_over_an_empty_base() -> None:
    """``aof_rewrite_base_size`` 0 counts as 1: growth ``current * 100 - 100``."""
    w = AofWorld(**{"auto-aof-rewrite-percentage": 0, "auto-aof-rewrite-min-size": 0,
                    "save": "3600 1"})
    w.cmd("set", "a", "1")
    cur = w.state.aof.current_size
    assert (cur, w.state.aof.base_size) == (50, 0), f"{NAME}: sizes {cur}"
    assert not _auto_rewrites(w, 0, cur * 100 - 99), f"{NAME}: rewrite over growth (base 0)"
    assert _auto_rewrites(w, 0, cur * 100 - 100), f"{NAME}: no rewrite at growth (base 0)"


def check_no_select_after_rewrite_done() -> None:
    """The incr file a rewrite opened begins with SELECT; its end adds none."""
    w = AofWorld()
    w.cmd("set", "a", "1")
    w.cmd("bgrewriteaof")
    w.cmd("set", "b", "2")
    w.finish_fsyncs()
    w.child_exits()
    w.cmd("set", "c", "3")
    got = w.fs.files["appendonly.aof.2.incr.aof"]
    want = (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n"
            b"*3\r\n$3\r\nset\r\n$1\r\nc\r\n$1\r\n3\r\n")
    assert got == want, f"{NAME}: incr file after a rewrite {got!r}"


def _persistence(w: AofWorld, *fields: str) -> tuple[str, ...]:
    got = _info(w)
    return tuple(got[f] for f in fields)


def check_appendonly_yes_scheduled() -> None:
    """CONFIG SET appendonly yes during a BGSAVE or inside MULTI: scheduled, not started."""
    fields = ("aof_enabled", "aof_rewrite_scheduled", "aof_rewrite_in_progress")
    w = AofWorld(appendonly=False)
    w.cmd("set", "a", "1")
    w.cmd("bgsave")
    assert w.cmd("config", "set", "appendonly", "yes") == b"+OK\r\n"
    got = _persistence(w, *fields)
    assert got == ("1", "1", "0"), f"{NAME}: appendonly yes during BGSAVE {got}"
    w = AofWorld(appendonly=False)
    w.cmd("ping")  # the first turn's serverCron (the clock stands still after it)
    w.turn(aofworld.encode("multi") + aofworld.encode("config", "set", "appendonly", "yes")
           + aofworld.encode("exec"))
    got = _persistence(w, *fields)
    assert got == ("1", "1", "0"), f"{NAME}: appendonly yes in MULTI {got}"


_FLAGS = ("aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
          "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec", "aof_pending_rewrite",
          "aof_rewrites")


def check_info_flags() -> None:
    """The AOF flags of INFO persistence through a rewrite (7.0.15's values)."""
    w = AofWorld()
    got = _persistence(w, *_FLAGS)
    assert got == ("1", "0", "0", "-1", "-1", "0", "0"), f"{NAME}: idle {got}"
    w.cmd("set", "a", "1")
    w.cmd("bgrewriteaof")
    got = _persistence(w, *_FLAGS)
    assert got == ("1", "1", "0", "-1", "0", "0", "1"), f"{NAME}: running {got}"
    w.advance(2000)
    got = _persistence(w, *_FLAGS)
    assert got == ("1", "1", "0", "-1", "2", "0", "1"), f"{NAME}: running 2 s {got}"
    w.child_exits()
    got = _persistence(w, *_FLAGS)
    assert got == ("1", "0", "0", "2", "-1", "0", "1"), f"{NAME}: done {got}"
    w.cmd("bgsave")
    w.cmd("bgrewriteaof")
    got = _persistence(w, "aof_rewrite_scheduled", "aof_pending_rewrite")
    assert got == ("1", "1"), f"{NAME}: scheduled {got}"
    w = AofWorld(appendonly=False)
    got = _info(w)
    assert "aof_pending_rewrite" not in got, f"{NAME}: AOF off has aof_pending_rewrite"
    got = _persistence(w, *(f for f in _FLAGS if f != "aof_pending_rewrite"))
    assert got == ("0", "0", "0", "-1", "-1", "0"), f"{NAME}: off {got}"


def check_incr_files_opened() -> None:
    """A start appends to the last incr file; turning AOF on truncates a leftover temp
    incr file."""
    st = new_server(NOW, appendonly=True)
    m = aofmanifest.parse_manifest(b"file appendonly.aof.1.base.rdb seq 1 type b\n"
                                   b"file appendonly.aof.1.incr.aof seq 1 type i\n"
                                   b"file appendonly.aof.2.incr.aof seq 2 type i\n")
    st = replace(st, aof=attrs.evolve(st.aof, manifest=m, current_size=300))
    st, ops = take_ops(aof.open_on_server_start(st, NOW))
    opens = [op for op in ops if op[0] == "open"]
    assert opens == [("open", "appendonly.aof.2.incr.aof", False, 300)], \
        f"{NAME}: start over two incr files {opens}"
    w = AofWorld(appendonly=False)
    w.fs.files["temp-appendonly.aof.incr"] = b"junk"
    w.cmd("config", "set", "appendonly", "yes")
    w.cmd("set", "x", "1")
    w.finish_fsyncs()
    w.child_exits()
    got = w.fs.files.get("appendonly.aof.1.incr.aof")
    assert got == aofworld.encode("SELECT", 0) + aofworld.encode("set", "x", "1"), \
        f"{NAME}: the incr file of appendonly yes {got!r}"


def check_on_off_on() -> None:
    """AOF turned off and on again: the new base and incr files replace the old ones."""
    w = AofWorld()
    w.cmd("set", "a", "1")
    w.cmd("config", "set", "appendonly", "no")
    w.cmd("set", "b", "1")
    w.cmd("config", "set", "appendonly", "yes")
    w.finish_fsyncs()
    w.child_exits()
    w.cmd("set", "c", "1")
    got = w.fs.files["appendonly.aof.manifest"]
    assert got == (b"file appendonly.aof.2.base.rdb seq 2 type b\n"
                   b"file appendonly.aof.2.incr.aof seq 2 type i\n"), f"{NAME}: manifest {got!r}"
    got = w.fs.files.get("appendonly.aof.2.incr.aof")
    assert got == aofworld.encode("SELECT", 0) + aofworld.encode("set", "c", "1"), \
        f"{NAME}: incr 2 after on/off/on {got!r}"


def check_total_forks() -> None:
    """``total_forks``: one per rewrite, none for the start's base."""
    w = AofWorld()
    for n in range(3):
        got = dict(ln.split(":", 1) for ln in w.cmd("info", "stats").decode().split("\r\n")
                   if ":" in ln)["total_forks"]
        assert got == str(n), f"{NAME}: total_forks {got} after {n} rewrites"
        w.cmd("bgrewriteaof")
        w.child_exits()


def check_reopen_forgets_a_failed_write() -> None:
    """A write failed and AOF was turned off; turning it on while a BGSAVE runs (the rewrite
    scheduled) forgets the error: INFO ``aof_last_write_status:ok`` and writes are served."""
    w = AofWorld()
    w.cmd("set", "a", "1")
    w.cmd("config", "set", "appendonly", "no")
    # stopAppendOnly's flush failed: the error stays, the buffer is freed
    w.state = replace(w.state, aof=attrs.evolve(w.state.aof, last_write_ok=False,
                                                last_write_error="No space left on device"))
    w.cmd("bgsave")
    w.cmd("config", "set", "appendonly", "yes")
    got = _persistence(w, "aof_last_write_status", "aof_rewrite_scheduled")
    assert got == ("ok", "1"), f"{NAME}: after the reopen {got}"
    got = w.cmd("set", "b", "1")
    assert got == b"+OK\r\n", f"{NAME}: a write after the reopen {got!r}"


def check_fork_fails() -> None:
    """The replies when the rewrite's fork fails; AOF stays off."""
    w = AofWorld()
    w.fork_ok = False
    got = w.cmd("bgrewriteaof")
    assert got == (b"-ERR Can't execute an AOF background rewriting. Please check the server "
                   b"logs for more information.\r\n"), f"{NAME}: BGREWRITEAOF, fork failed {got!r}"
    got = _persistence(w, "aof_last_bgrewrite_status")
    assert got == ("err",), f"{NAME}: aof_last_bgrewrite_status after a failed fork {got}"
    w = AofWorld(appendonly=False)
    w.fork_ok = False
    got = w.cmd("config", "set", "appendonly", "yes")
    assert got == (b"-ERR CONFIG SET failed (possibly related to argument 'appendonly') - "
                   b"Unable to turn on AOF. Check server logs.\r\n"), \
        f"{NAME}: appendonly yes, fork failed {got!r}"
    got = _persistence(w, "aof_enabled")
    assert got == ("0",), f"{NAME}: AOF after a failed appendonly yes {got}"


def check_appendonly_yes_over_a_rewrite() -> None:
    """appendonly yes while an AOF-off BGREWRITEAOF runs: that child is killed, a new
    rewrite starts."""
    w = AofWorld(appendonly=False)
    w.cmd("set", "a", "1")
    w.cmd("bgrewriteaof")
    first = w.state.aof.child
    got = w.cmd("config", "set", "appendonly", "yes")
    assert got == b"+OK\r\n", f"{NAME}: appendonly yes over a rewrite {got!r}"
    assert first is not None and w.fs.killed == [first.pid], f"{NAME}: killed {w.fs.killed}"
    assert w.fs.log[-4:] == [
        "AOF was enabled but there is already an AOF rewriting in background. Stopping "
        "background AOF and starting a rewrite now.",
        f"Killing running AOF rewrite child: {first.pid}",
        "Creating AOF incr file temp-appendonly.aof.incr on background rewrite",
        f"Background append only file rewriting started by pid {first.pid + 1}"], \
        f"{NAME}: log {w.fs.log[-4:]}"
    got = _persistence(w, "aof_enabled", "aof_rewrite_in_progress", "aof_rewrites")
    assert got == ("1", "1", "2"), f"{NAME}: INFO after appendonly yes over a rewrite {got}"


def check_two_forks_in_one_read() -> None:
    """Two rewrites forked in one transition take the world's two answers in order."""
    w = AofWorld(appendonly=False)
    w.cmd("set", "a", "1")
    w.turn(aofworld.encode("bgrewriteaof") + aofworld.encode("config", "set", "appendonly",
                                                             "yes"))
    child = w.state.aof.child
    assert child is not None and child.pid == 2001 and w.fs.killed == [2000], \
        f"{NAME}: two forks in one read: child {child}, killed {w.fs.killed}"


def check_shutdown_with_aof() -> None:
    """SHUTDOWN with AOF on: the buffer written and fsynced, then the exit (no reply)."""
    w = AofWorld()
    w.cmd("set", "a", "1")
    got = w.cmd("shutdown", "nosave")
    assert got == b"", f"{NAME}: SHUTDOWN with AOF {got!r}"
    assert "Calling fsync() on the AOF file." in w.fs.log, f"{NAME}: no fsync at shutdown"


def check_limited_retry_waits() -> None:
    """After three failures the retry waits its minute: none at 59 s, one at 60 s."""
    w = AofWorld()
    for _ in range(3):
        w.cmd("bgrewriteaof")
        w.child_exits(code=1)
    w.state = replace(w.state, aof=attrs.evolve(w.state.aof, rewrite_scheduled=True))
    w.cron()
    assert w.state.aof.child is None, f"{NAME}: limited retry started at once"
    w.advance(59_000)
    w.cron()
    assert w.state.aof.child is None, f"{NAME}: limited retry started after 59 s"
    w.advance(1_000)
    w.cron()
    assert w.state.aof.child is not None, f"{NAME}: limited retry not started after 60 s"


def check_turning_on_scheduled_and_failed() -> None:
    """appendonly no unschedules; a failed first rewrite is scheduled again."""
    w = AofWorld(appendonly=False)
    w.cmd("set", "a", "1")
    w.cmd("bgsave")
    w.cmd("config", "set", "appendonly", "yes")
    assert _persistence(w, "aof_rewrite_scheduled") == ("1",), f"{NAME}: not scheduled"
    w.cmd("config", "set", "appendonly", "no")
    got = _persistence(w, "aof_enabled", "aof_rewrite_scheduled")
    assert got == ("0", "0"), f"{NAME}: appendonly no left {got}"
    w = AofWorld(appendonly=False)
    w.cmd("set", "a", "1")
    w.cmd("config", "set", "appendonly", "yes")
    w.child_exits(sig=9)
    w.cron()
    got = _persistence(w, "aof_rewrite_in_progress", "aof_last_bgrewrite_status",
                       "aof_rewrites_consecutive_failures")
    assert got == ("1", "err", "1"), f"{NAME}: after a killed first rewrite {got}"


def test_boundary_aofscript_aof() -> None:
    check_two_forks_in_one_read()
    check_shutdown_with_aof()
    check_limited_retry_waits()
    check_appendonly_yes_over_a_rewrite()
    check_fork_fails()
    check_total_forks()
    check_reopen_forgets_a_failed_write()
    check_on_off_on()
    check_incr_files_opened()
    check_turning_on_scheduled_and_failed()
    check_info_flags()
    check_appendonly_yes_scheduled()
    check_no_select_after_rewrite_done()
    check_growth_over_an_empty_base()
    check_fresh_start_sizes()
    check_auto_rewrite_thresholds()


def check_manifest_long_comment() -> None:
    """``fgets`` stops a comment at 1,024 bytes; the rest is read as the next line."""
    got = _manifest_logs(b"#" + b"a" * 1023 + b"bcd\n")
    assert got[1:] == ("Reading the manifest file, at line 2\n", ">>> 'bcd'\n",
                       "Invalid AOF manifest file format\n"), f"{NAME}: long comment {got}"


def test_boundary_aofscript_manifest() -> None:
    check_manifest_long_comment()
    check_rewrite_manifest()
    check_manifest_lines_counted()
    check_manifest_quotes_del()
    check_manifest_line_length()
    check_manifest_nul_first()
    check_manifest_seq_atoll()


def test_planted_manifest_del_unquoted(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "needs_repr", "32 <= b < 127", "32 <= b <= 127")
    _trips(check_manifest_quotes_del)


def test_planted_manifest_nul_first(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "_c_str", "i < 0", "i <= 0")
    _trips(check_manifest_nul_first)


def test_planted_manifest_line_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "parse_manifest", "linenum += 1", "linenum += 2")
    _trips(check_manifest_lines_counted)


def test_planted_manifest_same_seq(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "parse_manifest", "ai.seq <= maxseq", "ai.seq < maxseq")
    _trips(check_manifest_lines_counted)


def test_planted_manifest_first_empty_line(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "_fgets", "nl < 0", "nl <= 0")
    _trips(check_manifest_lines_counted)


def test_planted_manifest_line_window(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "parse_manifest", "MANIFEST_MAX_LINE + 1",
          "MANIFEST_MAX_LINE + 2")
    _trips(check_manifest_line_length)


def test_planted_atoll_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "_atoll", "48 <= c <= 57", "48 <= c < 57")
    _trips(check_manifest_seq_atoll)


def test_planted_atoll_saturation(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "_atoll", "(1 << 63) - 1", "1 << 63")
    _trips(check_manifest_seq_atoll)


def test_planted_new_base_seq(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aofmanifest, "new_base", "m.base_seq + 1", "m.base_seq + 2")
    _trips(check_rewrite_manifest)


def test_planted_fresh_base_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    planted = plant_everywhere(monkeypatch, aof, "open_on_server_start",
                     'a = _log(a, "notice", f"Creating AOF base file {m.base.name} on server start")',
                     'a = _log(a, "notice", f"Creating AOF base file {m.base.name} on server start")\n'
                     '        a = attrs.evolve(a, current_size=len(data), base_size=len(data))')
    monkeypatch.setattr(aofworld, "open_on_server_start", planted)
    _trips(check_fresh_start_sizes)


def test_planted_auto_rewrite_min_size(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "aof_cron", "and perc and a.current_size > int(",
          "and perc and a.current_size >= int(")
    _trips(check_auto_rewrite_thresholds)


def test_planted_auto_rewrite_growth(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "aof_cron", "growth >= perc", "growth > perc")
    _trips(check_auto_rewrite_thresholds)


def test_planted_select_after_rewrite_done(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "background_rewrite_done",
                     "a = attrs.evolve(a, current_size=size, base_size=size,",
                     "a = attrs.evolve(a, selected_db=-1, current_size=size, base_size=size,")
    _trips(check_no_select_after_rewrite_done)


def test_planted_growth_over_two_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "aof_cron", "base = a.base_size or 1",
                     "base = a.base_size or 2")
    _trips(check_growth_over_an_empty_base)


def test_planted_appendonly_yes_not_scheduled(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "start_append_only",
                     "        a = attrs.evolve(a, rewrite_scheduled=True)\n"
                     '        a = _log(a, "warning", "AOF was enabled during a transaction.',
                     "        a = attrs.evolve(a, rewrite_scheduled=False)\n"
                     '        a = _log(a, "warning", "AOF was enabled during a transaction.')
    _trips(check_appendonly_yes_scheduled)


def test_planted_manifest_long_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofmanifest, "_fgets", "end = min(pos + size - 1,", "end = min(pos + size - 2,")
    _trips(check_manifest_long_comment)


@pytest.mark.parametrize("old,new", [
    ('"aof_enabled": 1 if', '"aof_enabled": 2 if'),
    ('"aof_rewrite_in_progress": 1 if', '"aof_rewrite_in_progress": 2 if'),
    ('"aof_rewrite_scheduled": 1 if', '"aof_rewrite_scheduled": 0 if'),
    ('("aof_pending_rewrite", 1 if', '("aof_pending_rewrite", 2 if'),
    ("if child is not None else -1", "if child is not None else -2"),
])
def test_planted_info_flags(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, aof, "aof_info", old, new)
    _trips(check_info_flags)


def test_planted_start_truncates_the_incr_file(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "open_on_server_start", '_op(a, "open", incr, False,',
                     '_op(a, "open", incr, True,')
    _trips(check_incr_files_opened)


def test_planted_temp_incr_appended(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "rewrite_append_only_file_background",
                     '_op(a, "open", name, True,', '_op(a, "open", name, False,')
    _trips(check_incr_files_opened)


def test_planted_appendonly_no_keeps_scheduled(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "stop_append_only", "rewrite_scheduled=False,",
                     "rewrite_scheduled=True,")
    _trips(check_turning_on_scheduled_and_failed)


def test_planted_failed_first_rewrite_not_rescheduled(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "background_rewrite_done",
                     "    if a.status == AOF_WAIT_REWRITE:\n        a = attrs.evolve(a, rewrite_scheduled=True)",
                     "    if a.status == AOF_WAIT_REWRITE:\n        a = attrs.evolve(a, rewrite_scheduled=False)")
    _trips(check_turning_on_scheduled_and_failed)


def test_planted_start_opens_the_first_incr(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "open_on_server_start", "incr = m.incrs[-1].name",
                     "incr = m.incrs[-0].name")
    _trips(check_incr_files_opened)


def test_planted_temp_incr_renamed_to_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "background_rewrite_done",
                     'a = _op(a, "rename", tincr, m.incrs[-1].name)',
                     'a = _op(a, "rename", tincr, m.incrs[-0].name)')
    _trips(check_on_off_on)


def test_planted_total_forks_by_two(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "rewrite_append_only_file_background",
                     "total_forks=pst.total_forks + 1", "total_forks=pst.total_forks + 2")
    _trips(check_total_forks)


def test_planted_reopen_keeps_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "start_append_only",
                     "a = _log(attrs.evolve(a, last_write_ok=True,",
                     "a = _log(attrs.evolve(a, last_write_ok=False,")
    _trips(check_reopen_forgets_a_failed_write)


def test_planted_bgrewriteaof_fork_failure_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "bgrewriteaof", "return False, (\"ERR Can't",
                     "return True, (\"ERR Can't")
    _trips(check_fork_fails)


def test_planted_appendonly_yes_fork_failure_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "start_append_only", "            return False",
                     "            return True")
    _trips(check_fork_fails)


def test_planted_appendonly_yes_refused_over_a_rewrite(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "start_append_only",
                     "        s.set_part(\"aof\", a)\n        kill_append_only_child(s)\n",
                     "        s.set_part(\"aof\", a)\n")
    _trips(check_appendonly_yes_over_a_rewrite)


def test_planted_second_fork_skips_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "rewrite_append_only_file_background",
                     "pst.fork_outcomes[1:]", "pst.fork_outcomes[2:]")
    _trips(check_two_forks_in_one_read)


def test_planted_shutdown_stopped_by_aof(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "flush_at_shutdown", "    return True", "    return False")
    _trips(check_shutdown_with_aof)


def test_planted_limited_retry_early(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "aof_rewrite_limited", "            return True",
                     "            return False")
    _trips(check_limited_retry_waits)


def test_planted_failed_fork_status_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "rewrite_append_only_file_background",
                     "attrs.evolve(a, lastbgrewrite_ok=False)", "attrs.evolve(a, lastbgrewrite_ok=True)")
    _trips(check_fork_fails)
