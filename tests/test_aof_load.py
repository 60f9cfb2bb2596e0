"""Loading the AOF set at start, pure (``spec.aofmanifest.parse_manifest``,
``spec.aofstream.read_item``, ``spec.aofload``): the manifest's fatal lines, the command
stream as ``loadSingleAppendOnlyFile`` reads it, truncation and the MULTI revert, the RDB
preamble, the fake client's statistics, the -LOADING gate, and the upgrade decision. The
facts were taken from a real 7.0.15 (tests/test_aof_interop_load.py replays them on it)."""

from __future__ import annotations

import pytest

from redspec.spec import server as S
from redspec.spec.aofload import (
    AOF_EMPTY,
    AOF_NOT_EXIST,
    AOF_OK,
    AOF_TRUNCATED,
    EVENTS_EVERY,
    AofFile,
    AofLoadFailed,
    aof_load_step,
    start_aof_loading,
)
from redspec.spec.aofmanifest import (
    AofInfo,
    AofManifest,
    ManifestError,
    needs_upgrade,
    parse_manifest,
    upgraded_manifest,
)
from redspec.spec.aofstream import (
    ANNOTATION,
    COMMAND,
    END,
    FORMAT_ERROR,
    READ_ERROR,
    SHORT_READ,
    read_item,
)
from redspec.spec.persist import save_state
from redspec.spec.state import ServerState

NOW = 1_700_000_000_000


def cmd(*args: object) -> bytes:
    """One command in the AOF's request format."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out


def incr_manifest(*names: str, base: str | None = None) -> AofManifest:
    incrs = tuple(AofInfo(n, i + 1, "i") for i, n in enumerate(names))
    return AofManifest(base=AofInfo(base, 1, "b") if base else None, incrs=incrs,
                       base_seq=1 if base else 0, incr_seq=len(names))


def load(files: list[tuple[str, bytes | None]], base: bool = False, **config: object
         ) -> tuple[ServerState, list[str], list[tuple[str, int]], int, int]:
    """Run a whole load: the state, the lines, the truncations, the result, the steps."""
    state = S.new_server(NOW, **config)
    names = [n for n, _ in files]
    m = incr_manifest(*names[1:], base=names[0]) if base else incr_manifest(*names)
    af = tuple(AofFile(n, d) for n, d in files)
    state, ret, logs = start_aof_loading(state, m, af, "appendonly.aof", NOW)
    lines, truncs, steps = list(logs), [], 0
    while state.loading.active:
        state, st = aof_load_step(state, NOW)
        steps += 1
        lines += st.logs
        if st.truncate:
            truncs.append(st.truncate)
        if st.done:
            ret = st.result
    return state, lines, truncs, ret, steps


def keys(state: ServerState, db: int = 0) -> dict[bytes, object]:
    return dict(state.dbs[db].keys.items())


# -- the manifest ---------------------------------------------------------------------------------


def test_manifest_parsed_with_history_and_quoting() -> None:
    m = parse_manifest(b"# comment\nfile a.2.base.rdb seq 2 type b\n"
                       b"FILE a.1.incr.aof SEQ 1 TYPE h\r\n"
                       b'file "a 3.incr.aof" seq 3 type i extra pair\n'
                       b"file a.4.incr.aof seq 4 type incr\n")
    assert m.base == AofInfo("a.2.base.rdb", 2, "b")
    assert m.history == (AofInfo("a.1.incr.aof", 1, "h"),)
    assert m.incrs == (AofInfo("a 3.incr.aof", 3, "i"), AofInfo("a.4.incr.aof", 4, "i"))
    assert (m.base_seq, m.incr_seq) == (2, 4)


@pytest.mark.parametrize("text,line,err", [
    (b"", None, "Found an empty AOF manifest"),
    (b"file a seq 1 type b\nfile b seq 2 type b\n", "file b seq 2 type b",
     "Found duplicate base file information"),
    (b"file b seq 2 type i\nfile a seq 1 type i\n", "file a seq 1 type i",
     "Found a non-monotonic sequence number"),
    (b"file a seq 1 type x\n", "file a seq 1 type x", "Unknown AOF file type"),
    (b"file d/a seq 1 type i\n", "file d/a seq 1 type i", "File can't be a path, just a filename"),
    (b"file a seq 1 type i", None, "The AOF manifest file contains too long line"),
    (b"file " + b"x" * 1100 + b" seq 1 type i\n", None,
     "The AOF manifest file contains too long line"),
    (b"file a seq 1 type i\n\n", "", "Invalid AOF manifest file format"),
    (b"  # not a comment\n", "# not a comment", "Invalid AOF manifest file format"),
    (b"file a seq 0 type i\n", "file a seq 0 type i", "Invalid AOF manifest file format"),
    (b"file a seq 1 type i odd\n", "file a seq 1 type i odd", "Invalid AOF manifest file format"),
    (b'file "a seq 1 type i\n', 'file "a seq 1 type i', "Invalid AOF manifest file format"),
])
def test_manifest_errors_log_as_redis(text: bytes, line: str | None, err: str) -> None:
    with pytest.raises(ManifestError) as e:
        parse_manifest(text)
    logs = e.value.logs
    assert logs[0] == "\n*** FATAL AOF MANIFEST FILE ERROR ***\n"
    assert logs[-1] == err + "\n"
    if line is None:
        assert len(logs) == 2
    else:
        assert logs[2] == f">>> '{line}'\n"


def test_upgrade_decision() -> None:
    empty = AofManifest()
    assert needs_upgrade(empty, "appendonly.aof", False, True, False)
    assert needs_upgrade(empty, "appendonly.aof", True, True, False)
    assert not needs_upgrade(empty, "appendonly.aof", False, False, False)
    moved = upgraded_manifest(empty, "appendonly.aof")
    assert moved.base == AofInfo("appendonly.aof", 1, "b") and moved.base_seq == 1
    # an upgrade interrupted after its manifest was written is done again
    assert needs_upgrade(moved, "appendonly.aof", True, True, False)
    assert not needs_upgrade(moved, "appendonly.aof", True, True, True)
    assert not needs_upgrade(incr_manifest("x"), "appendonly.aof", True, True, False)


# -- the command stream ---------------------------------------------------------------------------


def test_read_item_kinds() -> None:
    data = b"#TS:1\r\n" + cmd("SET", "a", "1")
    it = read_item(data, 0)
    assert it.kind == ANNOTATION
    it = read_item(data, it.end)
    assert (it.kind, it.argv, it.end) == (COMMAND, (b"SET", b"a", b"1"), len(data))
    assert read_item(data, it.end).kind == END
    assert read_item(b"garbage\r\n", 0).kind == FORMAT_ERROR
    assert read_item(b"*0\r\n", 0).kind == FORMAT_ERROR
    assert read_item(b"*1\r\nPING\r\n", 0).kind == FORMAT_ERROR
    assert read_item(b"*", 0).kind == SHORT_READ
    assert read_item(b"*\0\r\n", 0).kind == READ_ERROR
    assert read_item(cmd("SET", "a", "1")[:-1], 0).kind == SHORT_READ
    assert read_item(b"*2\r\n$3\r\nGET\r\n$x\r\n", 0).kind == SHORT_READ
    # the CRLF after an argument is skipped unread: a wrong length shows one line later
    it = read_item(b"*2\r\n$3\r\nDEL\r\n$1\r\nab\r\n", 0)
    assert it.argv == (b"DEL", b"a")
    assert read_item(b"*2\r\n$3\r\nDEL\r\n$1\r\nab\r\n", it.end).kind == FORMAT_ERROR


# -- loading --------------------------------------------------------------------------------------


def test_commands_run_with_select_and_multi() -> None:
    data = (cmd("SET", "a", "1") + cmd("SELECT", "2") + cmd("MULTI") + cmd("SET", "b", "2")
            + cmd("INCR", "n") + cmd("EXEC") + b"#TS:99\r\n" + cmd("RPUSH", "l", "x", "y"))
    st, lines, truncs, ret, _ = load([("i1", data)])
    assert ret == AOF_OK and not truncs
    assert keys(st) == {b"a": b"1"}
    assert set(keys(st, 2)) == {b"b", b"n", b"l"}
    assert lines == ["DB loaded from incr file i1: 0.000 seconds",
                     "DB loaded from append only file: 0.000 seconds"]
    assert not st.loading.active
    assert (st.aof.current_size, st.aof.base_size, st.aof.fsync_offset) == (len(data), 0,
                                                                          len(data))
    assert st.dirty == 5  # SET, SET, INCR, RPUSH x2: the commands' own dirty counts
    # no commandstats for the AOF client; EXEC's queue went through call()
    assert dict(st.stats.commands.items()) == {}
    assert st.stats.total_commands_processed == 2


def test_each_file_starts_on_db_0() -> None:
    st, *_ = load([("b", cmd("SELECT", "3") + cmd("SET", "inbase", "1")),
                   ("i1", cmd("SET", "inincr", "1"))], base=True)
    assert set(keys(st, 3)) == {b"inbase"} and set(keys(st)) == {b"inincr"}


def test_error_replies_are_counted_and_logged() -> None:
    data = (cmd("SET", "a", "x") + cmd("INCR", "a") + cmd("LPUSH", "a", "y")
            + cmd("SET", "b", "1", "XX", "NX") + cmd("MULTI") + cmd("INCR", "a") + cmd("EXEC"))
    st, lines, *_ = load([("i1", data)])
    crit = [ln for ln in lines if "CRITICAL" in ln]
    pre = "== CRITICAL == This server is sending an error to its AOF-loading-client: "
    assert crit == [
        pre + "'value is not an integer or out of range' after processing the command 'incr'",
        pre + "'-WRONGTYPE Operation against a key holding the wrong kind of value' after "
              "processing the command 'lpush'",
        pre + "'-ERR syntax error' after processing the command 'set'",
        pre + "'value is not an integer or out of range' after processing the command 'exec'",
    ]
    assert st.stats.unexpected_error_replies == 4
    assert dict(st.stats.errors.items()) == {"ERR": 3, "WRONGTYPE": 1}


def test_nothing_expires_while_loading() -> None:
    """A time already past (SET PXAT, PEXPIREAT) is kept as an expiry while loading; the
    keys go afterwards, as 7.0.15's active cycle removes them."""
    data = cmd("SET", "c", "1", "PXAT", "1000") + cmd("SET", "b", "2") + cmd(
        "PEXPIREAT", "b", "1000")
    st, *_ = load([("i1", data)])
    assert set(keys(st)) == {b"b", b"c"}
    assert dict(st.dbs[0].expires.items()) == {b"b": 1000, b"c": 1000}


@pytest.mark.parametrize("on", [True, False])
def test_a_short_last_command(on: bool) -> None:
    good = cmd("SET", "a", "1") + cmd("SET", "b", "2")
    data = good + cmd("SET", "c", "3")[:-5]
    if not on:
        with pytest.raises(AofLoadFailed) as e:
            load([("i1", data)], **{"aof-load-truncated": False})
        assert e.value.logs[-1].startswith(
            "Unexpected end of file reading the append only file i1. You can: 1) Make a "
            "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>.")
        return
    st, lines, truncs, ret, _ = load([("i1", data)])
    assert ret == AOF_TRUNCATED and truncs == [("i1", len(good))]
    assert lines == ["!!! Warning: short read while loading the AOF file i1!!!",
                     f"!!! Truncating the AOF i1 at offset {len(good)} !!!",
                     "AOF i1 loaded anyway because aof-load-truncated is enabled",
                     "DB loaded from incr file i1: 0.000 seconds",
                     "DB loaded from append only file: 0.000 seconds"]
    assert set(keys(st)) == {b"a", b"b"}
    assert st.aof.current_size == len(data)  # the size before the truncation, as 7.0.15


def test_an_open_multi_is_reverted() -> None:
    good = cmd("SET", "a", "1")
    data = good + cmd("MULTI") + cmd("SET", "z", "1")
    st, lines, truncs, ret, _ = load([("i1", data)])
    assert lines[0] == "Revert incomplete MULTI/EXEC transaction in AOF file i1"
    assert truncs == [("i1", len(good))] and ret == AOF_TRUNCATED
    assert set(keys(st)) == {b"a"}


def test_only_the_last_file_may_be_truncated() -> None:
    with pytest.raises(AofLoadFailed) as e:
        load([("b", cmd("SET", "x", "1")[:-3]), ("i1", cmd("SET", "a", "1"))], base=True)
    assert e.value.logs[-1] == "Fatal error: the truncated file is not the last file"
    assert e.value.truncate == ("b", 0)


@pytest.mark.parametrize("data,line", [
    (cmd("PING") + b"garbage\r\n", "Bad file format reading the append only file i1: make a "
     "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"),
    (cmd("NOSUCH", "x"), "Unknown command 'NOSUCH' reading the append only file i1"),
    (cmd("PING") + b"*\0\r\n", "Unrecoverable error reading the append only file i1: "
     "No such file or directory"),
])
def test_a_corrupt_file_stops_the_start(data: bytes, line: str) -> None:
    with pytest.raises(AofLoadFailed) as e:
        load([("i1", data)])
    assert e.value.logs[-1] == line and e.value.truncate is None


def test_missing_empty_and_no_files() -> None:
    state = S.new_server(NOW)
    assert start_aof_loading(state, AofManifest(), (), "appendonly.aof", NOW)[1] == AOF_NOT_EXIST
    with pytest.raises(AofLoadFailed) as e:
        start_aof_loading(state, incr_manifest("x"), (AofFile("x", None),), "appendonly.aof",
                          NOW)
    assert e.value.logs == ("Unable to obtain the AOF file x length. stat: No such file or "
                            "directory",)
    st, ret, logs = start_aof_loading(state, incr_manifest("x"), (AofFile("x", b""),),
                                      "appendonly.aof", NOW)
    assert ret == AOF_EMPTY and not st.loading.active
    assert logs == ("DB loaded from append only file: 0.000 seconds",)
    # an empty base before a non-empty incr: no line for the base
    _, lines, _, ret, _ = load([("b", b""), ("i1", cmd("SET", "a", "1"))], base=True)
    assert ret == AOF_OK and lines[0] == "DB loaded from incr file i1: 0.000 seconds"
    # an empty last incr file counts as loaded (AOF_OK, not AOF_EMPTY), without its line
    _, lines, _, ret, _ = load([("b", cmd("SET", "a", "1")), ("i1", b"")], base=True)
    assert ret == AOF_OK
    assert lines == ["DB loaded from base file b: 0.000 seconds",
                     "DB loaded from append only file: 0.000 seconds"]


def test_rdb_preamble_then_commands() -> None:
    """A base with the RDB preamble keeps keys already expired (``RDBFLAGS_AOF_PREAMBLE``)
    and the commands after it run; the dataset is the writer's."""
    src = S.new_server(NOW)
    src, cid = S.client_connect(src, NOW)
    for argv in ([b"SET", b"k", b"v"], [b"SELECT", b"1"], [b"RPUSH", b"l", b"a", b"b"],
                 [b"SET", b"old", b"x", b"PX", b"5"]):
        src, _ = S.run_command(src, cid, argv, now_ms=NOW)
    rdb = save_state(src, NOW)
    tail = cmd("SELECT", "1") + cmd("SET", "t", "1")
    st, lines, _, ret, _ = load([("appendonly.aof", rdb + tail)], base=True)
    assert ret == AOF_OK
    assert lines[0] == "Reading RDB preamble from AOF file..."
    assert "Done loading RDB, keys loaded: 3, keys expired: 0." in lines
    assert "Reading the remaining AOF tail..." in lines
    assert set(keys(st, 1)) == {b"l", b"old", b"t"} and set(keys(st)) == {b"k"}
    st2, lines2, *_ = load([("a.1.base.rdb", rdb)], base=True)
    assert lines2[0] == "Reading RDB base file on AOF loading..."
    for db in (0, 1):
        assert keys(st2, db) == keys(src, db)


def test_a_bad_preamble_logs_the_rdb_failure() -> None:
    src = S.new_server(NOW)
    src, cid = S.client_connect(src, NOW)
    src, _ = S.run_command(src, cid, [b"SET", b"k", b"v"], now_ms=NOW)
    rdb = save_state(src, NOW)
    with pytest.raises(AofLoadFailed) as e:
        load([("a.1.base.rdb", rdb[:-3])], base=True)
    assert e.value.logs[-3:] == (
        "Short read or OOM loading DB. Unrecoverable error, aborting now.",
        "Internal error in RDB reading offset 0, function at rdb.c:3249 -> Unexpected EOF "
        "reading RDB file",
        "[offset 0] Checking RDB file a.1.base.rdb")


def test_loading_gate_and_event_cadence() -> None:
    """Clients get -LOADING between steps; a step runs at most 1024 turns of the loop."""
    n = 3 * EVENTS_EVERY
    data = b"".join(cmd("SET", f"k{i}", "v") for i in range(n))
    state = S.new_server(NOW)
    state, _, _ = start_aof_loading(state, incr_manifest("i1"), (AofFile("i1", data),),
                                    "appendonly.aof", NOW)
    state, cid = S.client_connect(state, NOW)
    state, _ = aof_load_step(state, NOW)  # the file opened
    state, _ = aof_load_step(state, NOW)
    assert len(state.dbs[0].keys) == EVENTS_EVERY
    state, frame = S.run_command(state, cid, [b"GET", b"k1"], now_ms=NOW)
    assert frame == b"-LOADING Redis is loading the dataset in memory\r\n"
    state, frame = S.run_command(state, cid, [b"INFO", b"persistence"], now_ms=NOW)
    assert b"loading:1\r\n" in frame and b"loading_total_bytes:%d\r\n" % len(data) in frame
    # loadingIncrProgress before the events: the 1024 commands read
    first = len(b"".join(cmd("SET", f"k{i}", "v") for i in range(EVENTS_EVERY)))
    assert b"loading_loaded_bytes:%d\r\n" % first in frame
    _, _, _, _, steps = load([("i1", data)])
    assert steps == 1 + 3 + 1  # open, three stretches of 1024, the end


@pytest.mark.parametrize("data,kinds", [
    # fgets reads 1023 bytes a time: a longer annotation goes on as a line of its own
    (b"#" + b"x" * 1100 + b"\r\n" + cmd("SET", "a", "1"), [ANNOTATION, FORMAT_ERROR]),
    (cmd("SET", "a", "1") + b"#" + b"x" * 1021 + b"\r\n", [COMMAND, ANNOTATION, FORMAT_ERROR]),
    (cmd("SET", "a", "1") + b"#" + b"x" * 1021 + b"\n" + cmd("SET", "b", "1"),
     [COMMAND, ANNOTATION, COMMAND, END]),
    # atoi / strtol as C has them: blanks, a 32-bit wrap, digits up to the first other byte
    (b"*4294967297\r\n$3\r\nDEL\r\n" + cmd("SET", "a", "1"), [COMMAND, COMMAND, END]),
    (b"*  2\r\n$3\r\nDEL\r\n$1\r\nk\r\n", [COMMAND, END]),
    (b"*2\r\n$3\r\nDEL\r\n$  1x\r\nk\r\n", [COMMAND, END]),
    (b"*-1\r\n", [FORMAT_ERROR]),
], ids=["long-annotation", "annotation-1024", "annotation-1023", "argc-wraps", "argc-blanks",
        "len-blanks", "argc-negative"])
def test_the_reader_is_fgets_atoi_strtol(data: bytes, kinds: list[str]) -> None:
    """Checked on 7.0.15: the long annotations are format errors there, the others load."""
    pos, got = 0, []
    while True:
        it = read_item(data, pos)
        got.append(it.kind)
        pos = it.end
        if it.kind not in (COMMAND, ANNOTATION):
            break
    assert got == kinds


def test_c_helpers_of_the_reader() -> None:
    """``strtol`` (sign, blanks, clamped to a long), ``atoi`` (cut to 32 bits) and ``fgets``
    (1023 bytes at most, ``feof`` only when the read met the end)."""
    from redspec.spec.aofstream import _fgets
    from redspec.spec.numbers import c_atoi as _atoi
    from redspec.spec.numbers import c_strtol as _strtol

    assert [_strtol(b) for b in (b"-12", b"+7", b" \t42x", b" 7", b"", b"0", b"10", b"9")] == \
        [-12, 7, 42, 7, 0, 0, 10, 9]
    assert _strtol(b"9" * 30) == (1 << 63) - 1 and _strtol(b"-" + b"9" * 30) == -(1 << 63)
    assert [_atoi(b) for b in (b"4294967297", b"2147483648", b"2147483647", b"-1")] == \
        [1, -(1 << 31), (1 << 31) - 1, -1]
    assert _fgets(b"x" * 1022, 0) == (b"x" * 1022, 1022, True)
    assert _fgets(b"x" * 1023, 0) == (b"x" * 1023, 1023, False)
    assert _fgets(b"x" * 1024, 0) == (b"x" * 1023, 1023, False)
    assert _fgets(b"x" * 1022 + b"\n", 0) == (b"x" * 1022 + b"\n", 1023, False)
    assert _fgets(b"ab\ncd", 3) == (b"cd", 5, True)
    assert _fgets(b"ab", 2) is None
    # "*" then a newline: atoi of "\n" is 0, a format error (not a read error)
    assert read_item(b"*\n" + cmd("PING"), 0).kind == FORMAT_ERROR
    assert read_item(b"*3", 0).kind == SHORT_READ


def test_bad_preamble_version_and_step_fields() -> None:
    """A preamble of a version the loader cannot handle: 7.0.15's four lines (checked on
    it), no panic. The base's line names it a base file; steps before the end are not done;
    ``key-load-delay`` is model time per command."""
    with pytest.raises(AofLoadFailed) as e:
        load([("a.1.base.rdb", b"REDIS0099\xff" + bytes(8)), ("i1", cmd("SET", "a", "1"))],
             base=True)
    assert e.value.logs == (
        "Reading RDB base file on AOF loading...", "Can't handle RDB format version 99",
        "Error reading the RDB base file a.1.base.rdb, AOF loading aborted",
        "Unrecoverable error reading the append only file a.1.base.rdb: Invalid argument")
    assert not e.value.panic and e.value.truncate is None
    _, lines, *_ = load([("b", cmd("SET", "x", "1")), ("i1", cmd("SET", "a", "1"))], base=True)
    assert lines[0] == "DB loaded from base file b: 0.000 seconds"
    state = S.new_server(NOW, **{"key-load-delay": 10})
    data = cmd("SET", "a", "1") * 3
    state, _, _ = start_aof_loading(state, incr_manifest("i1"), (AofFile("i1", data),),
                                    "appendonly.aof", NOW)
    state, st = aof_load_step(state, NOW)
    assert not st.done and st.delay_us == 0
    state, st = aof_load_step(state, NOW)
    assert st.done and st.result == AOF_OK and st.delay_us == 30
    assert start_aof_loading(S.new_server(NOW), AofManifest(), (), "x", NOW)[1] != AOF_OK


def test_fake_client_never_blocks_nor_logs_slow_commands() -> None:
    """``CLIENT_DENY_BLOCKING``: BLPOP on an empty list answers at once; the commands EXEC
    runs through ``call`` leave no SLOWLOG entry; a lone MULTI at the end is reverted; an
    unknown command's name is logged as a C string."""
    data = (cmd("BLPOP", "nol", "0") + cmd("MULTI") + cmd("SET", "a", "1") + cmd("EXEC")
            + cmd("RPUSH", "l", "x") + cmd("BLPOP", "l", "0"))
    st, lines, *_ = load([("i1", data)], **{"slowlog-log-slower-than": 0})
    assert not st.blocking.clients and set(keys(st)) == {b"a"}
    assert not st.slowlog.entries
    good = cmd("SET", "a", "1")
    st, lines, truncs, ret, _ = load([("i1", good + cmd("MULTI"))])
    assert lines[0] == "Revert incomplete MULTI/EXEC transaction in AOF file i1"
    assert truncs == [("i1", len(good))] and ret == AOF_TRUNCATED
    with pytest.raises(AofLoadFailed) as e:
        load([("i1", cmd(b"FO\0O", "x"))])
    assert e.value.logs == ("Unknown command 'FO' reading the append only file i1",)
