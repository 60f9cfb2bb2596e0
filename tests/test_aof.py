"""The AOF in the pure spec (``spec.aof``): the command stream, the write before the replies,
fsync per policy, the rewrite over the multi-part manifest, turning AOF on and off, MISCONF,
INFO — driven through event-loop turns by :class:`properties.aofworld.AofWorld`, with the
files in memory and an independent replay of them.

Reply texts and file contents were measured on redis-server 7.0.15 (tests/test_aof_e2e.py
runs the same against both servers).
"""

from __future__ import annotations

import attrs
import pytest

from properties.aofworld import AofWorld, digest, encode, replay
from redspec.spec.aof import aof_write_failed, cat_command, crash_loss
from redspec.spec.aoffeed import feed_append_only_file
from redspec.spec.state import AOF_OFF, AOF_ON, AOF_WAIT_REWRITE, AofState

INCR1 = "appendonly.aof.1.incr.aof"
INCR2 = "appendonly.aof.2.incr.aof"


def sel(db: int) -> bytes:
    return encode("SELECT", db)


# -- the stream --------------------------------------------------------------------------------


def test_cat_command_is_a_resp_array_of_bulks() -> None:
    assert cat_command([b"set", b"a", b""]) == b"*3\r\n$3\r\nset\r\n$1\r\na\r\n$0\r\n\r\n"


def test_feed_selects_the_db_once_and_annotates_each_new_second() -> None:
    a = AofState(status=AOF_ON)
    a = feed_append_only_file(a, 0, [b"set", b"a", b"1"], 100, True)
    a = feed_append_only_file(a, 0, [b"incr", b"n"], 100, True)
    a = feed_append_only_file(a, 3, [b"incr", b"n"], 101, True)
    assert a.buf == (b"#TS:100\r\n" + sel(0) + encode("set", "a", "1") + encode("incr", "n")
                     + b"#TS:101\r\n" + sel(3) + encode("incr", "n"))


def test_feed_with_aof_off_buffers_nothing_but_tracks_the_db() -> None:
    a = feed_append_only_file(AofState(), 2, [b"set", b"a", b"1"], 100, False)
    assert a.buf == b"" and a.selected_db == 2


def test_the_stream_is_what_the_commands_propagate() -> None:
    """The client's argument case, SET EX as SET PXAT, SELECT when the db changes, MULTI/EXEC
    around a transaction; reads write nothing (as 7.0.15's INCR file)."""
    w = AofWorld()
    w.turn(encode("set", "a", "1") + encode("SeLeCt", 2) + encode("RPUSH", "l", "x", "y")
           + encode("set", "b", "2", "ex", 100) + encode("get", "a"))
    w.turn(encode("multi") + encode("incr", "n") + encode("incr", "n") + encode("exec"))
    pxat = str(w.now + 100_000).encode()
    assert w.fs.files[INCR1] == (
        sel(0) + encode("set", "a", "1") + sel(2) + encode("RPUSH", "l", "x", "y")
        + encode("SET", "b", "2", "PXAT", pxat)
        + encode("MULTI") + encode("incr", "n") + encode("incr", "n") + encode("EXEC"))


def test_start_creates_base_incr_and_manifest() -> None:
    w = AofWorld()
    assert sorted(w.fs.files) == ["appendonly.aof.1.base.rdb", INCR1, "appendonly.aof.manifest"]
    assert w.fs.files["appendonly.aof.manifest"] == (
        b"file appendonly.aof.1.base.rdb seq 1 type b\n"
        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    assert w.fs.log == ["Creating AOF base file appendonly.aof.1.base.rdb on server start",
                        "Creating AOF incr file appendonly.aof.1.incr.aof on server start"]


# -- the write before the replies, fsync per policy -------------------------------------------


def test_always_writes_and_fsyncs_before_the_reply() -> None:
    w = AofWorld(appendfsync="always")
    assert w.cmd("set", "a", "1") == b"+OK\r\n"
    assert w.fs.durable[INCR1] == len(w.fs.files[INCR1]) > 0
    assert crash_loss(w.state.aof) == (0, 0)


def test_everysec_fsyncs_in_the_background_at_most_once_a_second() -> None:
    w = AofWorld()
    w.cmd("set", "a", "1")  # same second as the start: written, no fsync yet
    assert w.fs.pending_fsyncs == [] and w.fs.durable[INCR1] == 0
    assert crash_loss(w.state.aof)[1] == len(w.fs.files[INCR1])
    w.advance(1000)
    w.cmd("set", "a", "2")
    assert len(w.fs.pending_fsyncs) == 1 and w.state.aof.fsync_pending == 1
    w.finish_fsyncs()
    assert w.fs.durable[INCR1] == len(w.fs.files[INCR1])
    assert w.state.aof.fsync_pending == 0 and crash_loss(w.state.aof) == (0, 0)


def test_everysec_postpones_the_write_while_a_fsync_runs_then_writes_after_two_seconds() -> None:
    w = AofWorld()
    w.advance(1000)
    w.cmd("set", "a", "1")  # starts a background fsync that does not finish
    size = len(w.fs.files[INCR1])
    assert w.cmd("set", "a", "2") == b"+OK\r\n"  # acknowledged, but only in aof_buf
    assert len(w.fs.files[INCR1]) == size and w.state.aof.flush_postponed_start > 0
    assert crash_loss(w.state.aof)[0] == len(encode("set", "a", "2"))
    w.advance(1000)
    w.cmd("set", "a", "3")
    assert len(w.fs.files[INCR1]) == size  # less than 2 s: postponed again
    w.advance(1000)
    w.cmd("set", "a", "4")
    assert w.state.aof.delayed_fsync == 1 and w.state.aof.buf == b""
    assert any("Asynchronous AOF fsync is taking too long" in x for x in w.fs.log)
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)


def test_everysec_with_an_empty_buffer_still_fsyncs_what_was_written() -> None:
    w = AofWorld()
    w.cmd("set", "a", "1")
    w.advance(1500)
    w.cron()  # no write, but a turn's beforeSleep: the due fsync starts
    assert len(w.fs.pending_fsyncs) == 1


def test_no_never_fsyncs() -> None:
    w = AofWorld(appendfsync="no")
    for i in range(3):
        w.advance(1000)
        w.cmd("set", "a", i)
    assert w.fs.pending_fsyncs == [] and w.fs.durable[INCR1] == 0


def test_no_appendfsync_on_rewrite_skips_the_fsync_while_a_child_runs() -> None:
    w = AofWorld(appendfsync="always", **{"no-appendfsync-on-rewrite": True})
    w.cmd("bgrewriteaof")
    w.cmd("set", "a", "1")
    assert w.fs.durable[INCR2] == 0 < len(w.fs.files[INCR2])


# -- the rewrite -------------------------------------------------------------------------------


def test_bgrewriteaof_switches_the_manifest_and_deletes_history() -> None:
    w = AofWorld()
    w.cmd("set", "a", "1")
    assert w.cmd("bgrewriteaof") == b"+Background append only file rewriting started\r\n"
    assert w.fs.files["appendonly.aof.manifest"].endswith(
        b"file appendonly.aof.1.incr.aof seq 1 type i\n"
        b"file appendonly.aof.2.incr.aof seq 2 type i\n")
    assert w.cmd("bgrewriteaof") == (b"-ERR Background append only file rewriting already in "
                                     b"progress\r\n")
    w.cmd("incr", "n")
    w.finish_fsyncs()
    w.child_exits()
    assert sorted(w.fs.files) == ["appendonly.aof.2.base.rdb", INCR2, "appendonly.aof.manifest"]
    assert w.fs.files["appendonly.aof.manifest"] == (
        b"file appendonly.aof.2.base.rdb seq 2 type b\n"
        b"file appendonly.aof.2.incr.aof seq 2 type i\n")
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)
    info = w.cmd("info", "persistence")
    assert b"aof_rewrites:1\r\n" in info and b"aof_last_bgrewrite_status:ok\r\n" in info


def test_a_write_pipelined_before_bgrewriteaof_goes_to_the_old_incr_file() -> None:
    """The rewrite flushes ``aof_buf`` to the old INCR file before it opens the new one: the
    base (the dataset at the fork) already has the INCR, and the new INCR file must not."""
    w = AofWorld()
    w.turn(encode("incr", "n") + encode("bgrewriteaof") + encode("incr", "n"))
    assert w.fs.files[INCR1].endswith(encode("incr", "n"))
    assert w.fs.files[INCR2] == sel(0) + encode("incr", "n")
    w.child_exits()
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)


def test_history_is_kept_with_auto_gc_disabled_newest_first() -> None:
    w = AofWorld(**{"aof-disable-auto-gc": True})
    for _ in range(2):
        w.cmd("incr", "n")
        w.cmd("bgrewriteaof")
        w.child_exits()
    assert w.fs.files["appendonly.aof.manifest"] == (
        b"file appendonly.aof.3.base.rdb seq 3 type b\n"
        b"file appendonly.aof.2.incr.aof seq 2 type h\n"
        b"file appendonly.aof.2.base.rdb seq 2 type h\n"
        b"file appendonly.aof.1.incr.aof seq 1 type h\n"
        b"file appendonly.aof.1.base.rdb seq 1 type h\n"
        b"file appendonly.aof.3.incr.aof seq 3 type i\n")


def test_a_failed_rewrite_leaves_the_old_files_and_counts() -> None:
    w = AofWorld()
    w.cmd("incr", "n")
    w.cmd("bgrewriteaof")
    w.cmd("incr", "n")
    w.child_exits(code=1)
    names = sorted(w.fs.files)
    assert names == ["appendonly.aof.1.base.rdb", INCR1, INCR2, "appendonly.aof.manifest"]
    info = w.cmd("info", "persistence")
    assert b"aof_last_bgrewrite_status:err\r\n" in info
    assert b"aof_rewrites_consecutive_failures:1\r\n" in info
    w.finish_fsyncs()
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)


def test_a_child_killed_by_sigusr1_is_not_a_failure() -> None:
    w = AofWorld()
    w.cmd("bgrewriteaof")
    w.child_exits(sig=10)
    assert b"aof_last_bgrewrite_status:ok\r\n" in w.cmd("info", "persistence")


def test_rewrites_are_limited_after_three_failures() -> None:
    w = AofWorld()
    for _ in range(3):
        w.cmd("bgrewriteaof")
        w.child_exits(code=1)
    w.state = attrs.evolve(w.state, aof=attrs.evolve(w.state.aof, rewrite_scheduled=True))
    w.cron()
    assert w.state.aof.child is None
    assert any("will retry in 1 minutes" in x for x in w.fs.log)
    w.advance(60_000)
    w.cron()
    assert w.state.aof.child is not None


def test_bgrewriteaof_is_scheduled_during_bgsave_and_in_exec() -> None:
    w = AofWorld()
    assert w.cmd("bgsave") == b"+Background saving started\r\n"
    assert w.cmd("bgrewriteaof") == b"+Background append only file rewriting scheduled\r\n"
    assert w.cmd("bgsave") == b"-ERR Background save already in progress\r\n"
    reply = w.turn(encode("multi") + encode("bgrewriteaof") + encode("exec"))
    assert reply.endswith(b"*1\r\n+Background append only file rewriting scheduled\r\n")


def test_bgsave_during_a_rewrite() -> None:
    w = AofWorld()
    w.cmd("bgrewriteaof")
    assert w.cmd("bgsave") == (
        b"-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE "
        b"SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
    assert w.cmd("bgsave", "schedule") == b"+Background saving scheduled\r\n"


def test_automatic_rewrite_on_growth() -> None:
    w = AofWorld(**{"auto-aof-rewrite-min-size": 100, "auto-aof-rewrite-percentage": 100})
    base = w.state.aof.base_size
    while w.state.aof.current_size <= max(100, 2 * base):
        w.cmd("set", "k", "x" * 20)
    w.cron()
    assert w.state.aof.child is not None
    assert any(x.startswith("Starting automatic rewriting of AOF on ") for x in w.fs.log)


def test_bgrewriteaof_with_aof_off_writes_a_base_and_manifest() -> None:
    w = AofWorld(appendonly=False)
    assert w.fs.files == {}
    w.cmd("set", "a", "1")
    assert w.cmd("bgrewriteaof") == b"+Background append only file rewriting started\r\n"
    w.child_exits()
    assert w.fs.files["appendonly.aof.manifest"] == (
        b"file appendonly.aof.1.base.rdb seq 1 type b\n")
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)


# -- turning AOF on and off at runtime ---------------------------------------------------------


def test_config_set_appendonly_yes_waits_for_its_first_rewrite() -> None:
    w = AofWorld(appendonly=False)
    w.cmd("set", "a", "1")
    assert w.cmd("config", "set", "appendonly", "yes") == b"+OK\r\n"
    assert w.state.aof.status == AOF_WAIT_REWRITE
    w.cmd("incr", "n")  # goes to the temporary incr file
    assert w.fs.files["temp-appendonly.aof.incr"] == sel(0) + encode("incr", "n")
    assert b"aof_enabled:1\r\n" in w.cmd("info", "persistence")
    w.child_exits()
    assert w.state.aof.status == AOF_ON
    assert w.fs.files["appendonly.aof.manifest"] == (
        b"file appendonly.aof.1.base.rdb seq 1 type b\n"
        b"file appendonly.aof.1.incr.aof seq 1 type i\n")
    assert w.fs.files[INCR1] == sel(0) + encode("incr", "n")
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)


def test_config_set_appendonly_no_closes_the_file() -> None:
    w = AofWorld()
    w.cmd("set", "a", "1")
    assert w.cmd("config", "set", "appendonly", "no") == b"+OK\r\n"
    assert w.state.aof.status == AOF_OFF and w.fs.current is None
    size = len(w.fs.files[INCR1])
    w.cmd("set", "a", "2")
    assert len(w.fs.files[INCR1]) == size
    assert b"aof_enabled:0\r\n" in w.cmd("info", "persistence")


# -- errors ------------------------------------------------------------------------------------


def test_a_failed_write_turns_misconf_on_until_a_write_succeeds() -> None:
    w = AofWorld()
    w.cmd("set", "a", "1")
    last = w.state.aof.last_write  # the world's write failed: it truncated the file back
    w.fs.files[INCR1] = w.fs.files[INCR1][:-len(last)]
    w.state = aof_write_failed(w.state, 0, "No space left on device")
    assert w.state.aof.buf != b""
    err = b"-MISCONF Errors writing to the AOF file: No space left on device\r\n"
    assert w.cmd("set", "a", "2") == err
    assert w.cmd("get", "a") == b"$1\r\n1\r\n"
    w.advance(1000)
    w.cron()  # serverCron retries the write once a second
    w.finish_fsyncs()
    assert w.state.aof.last_write_ok and w.cmd("set", "a", "2") == b"+OK\r\n"
    assert digest(replay(w.fs.files, w.now)) == digest(w.state)


# -- SHUTDOWN ----------------------------------------------------------------------------------


def test_shutdown_writes_and_fsyncs_the_buffer() -> None:
    w = AofWorld()
    w.advance(1000)
    w.cmd("set", "a", "1")  # a background fsync that does not finish
    w.turn(encode("set", "a", "2") + encode("shutdown", "nosave"))
    assert w.state.aof.buf == b""
    assert w.fs.durable[INCR1] == len(w.fs.files[INCR1])
    assert "Calling fsync() on the AOF file." in w.fs.log


def test_shutdown_while_aof_is_being_turned_on() -> None:
    w = AofWorld(appendonly=False)
    w.cmd("config", "set", "appendonly", "yes")
    assert w.cmd("shutdown", "nosave") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    assert "Writing initial AOF, can't exit." in w.fs.log


@pytest.mark.parametrize("policy", ["always", "everysec", "no"])
def test_info_fields_in_7_0_15_order(policy: str) -> None:
    w = AofWorld(appendfsync=policy)
    text = w.cmd("info", "persistence").decode()
    keys = [x.split(":")[0] for x in text.split("\r\n") if ":" in x]
    i = keys.index("aof_enabled")
    assert keys[i:] == [
        "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
        "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status",
        "aof_rewrites", "aof_rewrites_consecutive_failures", "aof_last_write_status",
        "aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size",
        "aof_current_size", "aof_base_size", "aof_pending_rewrite", "aof_buffer_length",
        "aof_pending_bio_fsync", "aof_delayed_fsync"]
