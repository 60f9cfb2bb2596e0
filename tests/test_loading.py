"""Start-up loading in the spec (``spec.loading``, ``spec.startup``): the load in steps equals
the load in one piece at every interval, the LOADING gate and INFO while it runs, function
libraries from the file, and the report of a bad file. Against a real 7.0.15:
tests/test_loading_interop.py."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec import loading as L
from redspec.spec import persist, rdb
from redspec.spec import server as S
from redspec.spec.crc64 import crc64_bytes
from redspec.spec.dispatch import TABLE
from redspec.spec.rdbcodec import save_len
from redspec.spec.startup import loading_step
from redspec.spec.state import ServerState

NOW = 1_700_000_000_000
LIB = (b"#!lua name=lib\n"
       b"redis.register_function('echo1', function(keys, args) return args[1] end)")
LOADING = b"-LOADING Redis is loading the dataset in memory\r\n"


def _server(**cfg: Any) -> tuple[ServerState, int]:
    st = S.new_server(NOW, **{"enable-debug-command": "yes", **cfg})
    return S.client_connect(st, NOW)


def _run(st: ServerState, cid: int, *argv: bytes) -> tuple[ServerState, bytes]:
    return S.run_command(st, cid, list(argv), NOW)


def _dataset(n: int = 600, with_lib: bool = True) -> tuple[bytes, bytes]:
    """A file with every type, expiries (one already past at load time) and a library;
    and the DEBUG DIGEST of its dataset."""
    st, cid = _server()
    cmds: list[list[bytes]] = [
        [b"RPUSH", b"list", *[b"e%d" % i for i in range(300)]],
        [b"SADD", b"iset", b"1", b"2", b"3"], [b"SADD", b"set", b"a", b"b"],
        [b"HSET", b"hash", b"f", b"v", b"g", b"x" * 100],
        [b"ZADD", b"zset", b"1.5", b"a", b"-2", b"b"],
        [b"XADD", b"stream", b"1-1", b"f", b"v"],
        [b"SET", b"ttl", b"v", b"PX", b"100000"],
        [b"SET", b"soon", b"v", b"PX", b"10"],
    ]
    if with_lib:
        cmds.append([b"FUNCTION", b"LOAD", LIB])
    for i in range(n):
        cmds.append([b"SET", b"key:%d" % i, b"value:%d" % i * 3])
    for argv in cmds:
        st, out = _run(st, cid, *argv)
        assert not out.startswith(b"-"), (argv, out)
    data = persist.save_state(st, NOW)
    st, digest = S.run_command(st, cid, [b"DEL", b"soon"], NOW)  # expired when loaded
    st, digest = _run(st, cid, b"DEBUG", b"DIGEST")
    return data, digest


def _load_in_steps(data: bytes, interval: int, now: int = NOW + 1000
                   ) -> tuple[ServerState, int, list[L.LoadStep]]:
    st, cid = _server(**{"loading-process-events-interval-bytes": interval})
    st = L.start_loading(st, data, "dump.rdb", now)
    steps = []
    while st.loading.active:
        st, step = loading_step(st, now)
        steps.append(step)
    return st, cid, steps


@pytest.mark.parametrize("interval", [1024, 1500, 4096, 2 * 1024 * 1024])
def test_the_load_in_steps_is_the_load_in_one_piece(interval: int) -> None:
    data, digest = _dataset()
    st, cid, steps = _load_in_steps(data, interval)
    assert _run(st, cid, b"DEBUG", b"DIGEST")[1] == digest
    assert sum(s.keys for s in steps) == 600 + 8
    assert st.persist.load_loaded == 600 + 7 and st.persist.load_expired == 1
    if interval < len(data):
        assert len(steps) >= len(data) // interval
    assert _run(st, cid, b"FCALL", b"echo1", b"0", b"hi")[1] == b"$2\r\nhi\r\n"


def _loads_right(data: bytes, digest: bytes, interval: int) -> bool:
    try:
        st, cid, _ = _load_in_steps(data, interval)
    except L.LoadFailed:
        return False
    return _run(st, cid, b"DEBUG", b"DIGEST")[1] == digest


def test_a_step_that_resumes_at_the_wrong_place_is_caught(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Planted bug: a key record whose cursor points between the key's name and its value
    (a cursor built before the value is read). A step that ends there resumes inside the
    record."""
    data, digest = _dataset(with_lib=False)
    assert _loads_right(data, digest, 1024)
    real = rdb.read_record

    def slipped(r: Any, c: Any, limits: Any, dbnum: int) -> Any:
        start = r.pos
        c2, rec = real(r, c, limits, dbnum)
        if isinstance(rec, rdb.KeyLoaded):
            c2 = rdb.attrs.evolve(c2, pos=start + 1 + len(rdb.save_raw_string(rec.key, True)))
        return c2, rec

    monkeypatch.setattr(L, "read_record", slipped)
    assert not _loads_right(data, digest, 1024)
    # with one step for the whole file the slip is invisible: the steps are what catch it
    assert _loads_right(data, digest, 2 * 1024 * 1024)


def test_only_loading_commands_run_while_loading() -> None:
    data, _ = _dataset()
    st, cid = _server(**{"loading-process-events-interval-bytes": 1024})
    st = L.start_loading(st, data, "dump.rdb", NOW)
    st, _ = loading_step(st, NOW)
    for name in (b"get", b"ping", b"dbsize", b"set", b"keys", b"fcall", b"scan"):
        assert "loading" not in TABLE[name].flags
    st, out = _run(st, cid, b"GET", b"key:1")
    assert out == LOADING
    st, out = _run(st, cid, b"PING")
    assert out == LOADING
    st, out = _run(st, cid, b"ECHO", b"x")
    assert out == b"$1\r\nx\r\n"
    # MULTI is allowed, a refused command inside it dirties the transaction
    st, out = _run(st, cid, b"MULTI")
    assert out == b"+OK\r\n"
    st, out = _run(st, cid, b"GET", b"a")
    assert out == LOADING
    st, out = _run(st, cid, b"EXEC")
    assert out == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    st, out = _run(st, cid, b"HELLO", b"3")
    assert out.startswith(b"%7\r\n")
    st, out = _run(st, cid, b"PING")
    assert out == LOADING
    while st.loading.active:
        st, _ = loading_step(st, NOW)
    assert _run(st, cid, b"GET", b"key:1")[1] == b"$21\r\nvalue:1value:1value:1\r\n"


def test_exec_of_a_queue_with_a_non_loading_command_is_refused() -> None:
    """``is_denyloading_command`` for EXEC: ``mstate.cmd_inv_flags`` (a queue made before the
    load began)."""
    data, _ = _dataset()
    st, cid = _server()
    st, _ = _run(st, cid, b"MULTI")
    st, _ = _run(st, cid, b"GET", b"a")
    st = L.start_loading(st, data, "dump.rdb", NOW)
    st, out = _run(st, cid, b"EXEC")
    assert out == (b"-EXECABORT Transaction discarded because of: LOADING Redis is loading "
                   b"the dataset in memory\r\n")


def test_info_while_loading() -> None:
    data, _ = _dataset(3000)
    st, cid = _server(**{"loading-process-events-interval-bytes": 4096})
    st = L.start_loading(st, data, "dump.rdb", NOW)
    st, _ = loading_step(st, NOW)
    st, _ = loading_step(st, NOW)
    st, out = S.run_command(st, cid, [b"INFO", b"persistence"], NOW + 2000)
    text = out.decode()
    assert "\r\nloading:1\r\n" in text
    tail = text[text.index("module_fork_last_cow_size"):].split("\r\n")[1:7]
    used = st.loading.rdb_used_mem
    lb = st.loading.loaded_bytes
    assert used > 0 and 4096 < lb < 8192
    assert tail == [
        f"loading_start_time:{NOW // 1000}", f"loading_total_bytes:{len(data)}",
        f"loading_rdb_used_mem:{used}", f"loading_loaded_bytes:{lb}",
        f"loading_loaded_perc:{lb / len(data) * 100:.2f}",
        f"loading_eta_seconds:{2 * (len(data) - lb) // (lb + 1)}"]
    while st.loading.active:
        st, _ = loading_step(st, NOW)
    st, out = _run(st, cid, b"INFO", b"persistence")
    assert b"\r\nloading:0\r\n" in out and b"loading_start_time" not in out


def test_no_server_cron_while_loading() -> None:
    """``processEventsWhileBlocked`` handles file events only: a key whose TTL passes during
    the load is not expired by the cron (nor seen: nothing reads keys meanwhile)."""
    from redspec.spec.eventloop import event_loop_turn
    data, _ = _dataset()
    st, cid = _server(**{"loading-process-events-interval-bytes": 1024})
    st = L.start_loading(st, data, "dump.rdb", NOW)
    st, _ = loading_step(st, NOW)
    cron = st.cron
    st, _ = event_loop_turn(st, NOW + 5000, {cid: b"PING\r\n"}, {cid: None})
    assert st.cron == cron


def test_a_library_that_cannot_be_created_fails_the_load() -> None:
    body = (rdb.encode_file([(b"redis-ver", b"7.0.15")], [], [LIB, LIB]))
    st, _ = _server()
    st = L.start_loading(st, body, "dump.rdb", NOW)
    with pytest.raises(L.LoadFailed) as e:
        loading_step(st, NOW)
    lines = L.failure_report(st, e.value, NOW)
    assert lines[:2] == ["Failed loading library, Library 'lib' already exists",
                         "Short read or OOM loading DB. Unrecoverable error, aborting now."]


def test_the_report_of_a_truncated_file() -> None:
    data, _ = _dataset()
    cut = data[:len(data) // 2]
    st, _ = _server(**{"loading-process-events-interval-bytes": 1024})
    st = L.start_loading(st, cut, "dump.rdb", NOW)
    with pytest.raises(L.LoadFailed) as e:
        while st.loading.active:
            st, _ = loading_step(st, NOW)
    lines = L.failure_report(st, e.value, NOW)
    assert lines[0] == "Short read or OOM loading DB. Unrecoverable error, aborting now."
    assert lines[1].startswith(f"Internal error in RDB reading offset {st.loading.loaded_bytes}"
                               ", function at rdb.c:3249 -> Unexpected EOF reading RDB file")
    assert lines[2] == "[offset 0] Checking RDB file dump.rdb"
    assert "--- RDB ERROR DETECTED ---" in lines
    assert lines[-3].startswith("[info] ") and lines[-3].endswith(" keys read")


def test_a_checksum_of_zeros_is_not_checked_and_said_so() -> None:
    st, cid = _server(rdbchecksum=False)
    st, _ = _run(st, cid, b"SET", b"k", b"v")
    data = persist.save_state(st, NOW)
    assert data.endswith(bytes(8))
    st2, _ = _server()
    st2 = L.start_loading(st2, data, "dump.rdb", NOW)
    st2, step = loading_step(st2, NOW)
    assert step.done and "RDB file was saved with checksum disabled: no check performed." \
        in step.logs


def test_key_load_delay_is_model_time() -> None:
    data, _ = _dataset(100, with_lib=False)
    for delay, expect in ((250, 250 * 108), (-4, 108 // 4), (0, 0)):
        st, _ = _server(**{"key-load-delay": delay})
        st = L.start_loading(st, data, "dump.rdb", NOW)
        st, step = loading_step(st, NOW)
        assert step.done and step.delay_us == expect


def test_debug_reload_keeps_the_libraries_it_saved() -> None:
    st, cid = _server()
    st, _ = _run(st, cid, b"FUNCTION", b"LOAD", LIB)
    st, _ = _run(st, cid, b"SET", b"k", b"v")
    st, out = _run(st, cid, b"DEBUG", b"RELOAD")
    assert out == b"+OK\r\n"
    assert _run(st, cid, b"FCALL", b"echo1", b"0", b"x")[1] == b"$1\r\nx\r\n"
    assert _run(st, cid, b"GET", b"k")[1] == b"$1\r\nv\r\n"


def test_loading_publishes_no_keyspace_events() -> None:
    """``dbAddRDBLoad``: the keys a load adds make no ``new`` keyspace event (``dbAdd`` would,
    with ``notify-keyspace-events En``), even for a client subscribed during the load."""
    from redspec.spec.step import Step
    st, cid = _server(**{"notify-keyspace-events": "En"})
    st, out = _run(st, cid, b"SUBSCRIBE", b"__keyevent@0__:new")
    s = Step(st, NOW)
    assert L._add_key(s, 0, rdb.KeyRecord(b"k", b"v"))
    assert s.notifications == [] and not s.others_out
    s.open_db(0).add(b"k2", b"v")  # what dbAdd would have done
    assert s.notifications and s.others_out


def test_resizedb_sizes_the_dicts_before_the_keys() -> None:
    """``RESIZEDB`` → ``dictExpand``: after the load no dict is rehashing (a dict grown key
    by key would be in the middle of its last doubling)."""
    data, _ = _dataset(3000, with_lib=False)
    st, cid, _ = _load_in_steps(data, 4096)
    ht = st.dbs[0].ht
    assert ht.rehashidx == -1 and (1 << ht.exp0) == 4096
    out = _run(st, cid, b"DEBUG", b"HTSTATS", b"0")[1]
    assert b"rehashing target" not in out and b"table size: 4096" in out


def test_a_duplicated_key_is_a_panic() -> None:
    data = rdb.encode_file([(b"redis-ver", b"7.0.15")],
                           [(0, [rdb.KeyRecord(b"k", b"v"), rdb.KeyRecord(b"k", b"w")])])
    st, _ = _server()
    st = L.start_loading(st, data, "dump.rdb", NOW)
    with pytest.raises(L.LoadFailed) as e:
        loading_step(st, NOW)
    assert L.panics(e.value)
    lines = L.failure_report(st, e.value, NOW)
    assert lines[1] == "RDB has duplicated key 'k' in DB 0"
    assert lines[-1] == "Guru Meditation: Duplicated key found in RDB file #rdb.c:3184"
    assert not L.panics(L.LoadFailed(rdb.RdbCorrupt("x"), ()))


#: Files with an ``RDB_OPCODE_FUNCTION`` (246) record, the library format of 7.0's release
#: candidates: name, engine, a description flag (and description), then the code without its
#: ``#!`` line. 7.0.15 still reads it and rebuilds the code as ``#!<engine> name=<name>``.
_PRE_GA_CODE = b"redis.register_function('f', function() return 1 end)"


def _pre_ga_file(name: bytes, engine: bytes, desc: bytes | None, code: bytes,
                 keys: bytes = b"") -> bytes:
    def string(v: bytes) -> bytes:
        return save_len(len(v)) + v
    rec = b"\xf6" + string(name) + string(engine)
    rec += b"\x00" if desc is None else b"\x01" + string(desc)
    body = b"REDIS0010" + rec + string(code) + keys + b"\xff"
    return body + crc64_bytes(body)


def test_a_pre_ga_function_record_loads_as_7_0_15_does() -> None:
    """A 246 record with a description: the library is created from ``#!LUA name=mylib`` and
    the code, the description dropped; FUNCTION DUMP, FCALL and FUNCTION LIST WITHCODE answer
    as redis-server 7.0.15 did after loading the same file (recorded)."""
    data = _pre_ga_file(b"mylib", b"LUA", b"a description", _PRE_GA_CODE,
                        b"\xfe\x00\x00\x01k\x01v")
    st, cid, _ = _load_in_steps(data, 2 * 1024 * 1024)
    code = b"#!LUA name=mylib\n" + _PRE_GA_CODE
    assert _run(st, cid, b"GET", b"k")[1] == b"$1\r\nv\r\n"
    assert _run(st, cid, b"FUNCTION", b"DUMP")[1] == (
        b"$83\r\n\xf5@F" + code + b"\n\x00;\xe4\xc3 \x813w\xeb\r\n")
    assert _run(st, cid, b"FCALL", b"f", b"0")[1] == b":1\r\n"
    assert _run(st, cid, b"FUNCTION", b"LIST", b"WITHCODE")[1] == (
        b"*1\r\n*8\r\n$12\r\nlibrary_name\r\n$5\r\nmylib\r\n$6\r\nengine\r\n$3\r\nLUA\r\n"
        b"$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$1\r\nf\r\n$11\r\ndescription\r\n"
        b"$-1\r\n$5\r\nflags\r\n*0\r\n$12\r\nlibrary_code\r\n$70\r\n" + code + b"\r\n")


def test_a_pre_ga_function_record_that_does_not_compile_fails_the_load() -> None:
    """Its code compiled after the rebuilt ``#!`` line: 7.0.15 logs the Lua error at line 3 of
    a two-line body (recorded), then fails the load."""
    data = _pre_ga_file(b"lib2", b"lua", None, _PRE_GA_CODE + b"\nerror('x'")
    st, _ = _server()
    st = L.start_loading(st, data, "dump.rdb", NOW)
    with pytest.raises(L.LoadFailed) as e:
        loading_step(st, NOW)
    lines = L.failure_report(st, e.value, NOW)
    assert lines == [
        "Failed loading library, Error compiling function: user_function:3: "
        "')' expected near '<eof>'",
        "Short read or OOM loading DB. Unrecoverable error, aborting now.",
        "Internal error in RDB reading offset 0, function at rdb.c:3249 -> Unexpected EOF "
        "reading RDB file",
        # redis-check-rdb does not create libraries: the file looks OK to it
        "[offset 0] Checking RDB file dump.rdb", f"[offset {len(data)}] Checksum OK",
        f"[offset {len(data)}] \\o/ RDB looks OK! \\o/", "[info] 0 keys read",
        "[info] 0 expires", "[info] 0 already expired"]
    zero = data[:-8] + bytes(8)  # saved with rdbchecksum no
    st = L.start_loading(_server()[0], zero, "dump.rdb", NOW)
    with pytest.raises(L.LoadFailed) as e:
        loading_step(st, NOW)
    assert L.failure_report(st, e.value, NOW)[4] == (
        f"[offset {len(data)}] RDB file was saved with checksum disabled: no check performed.")
