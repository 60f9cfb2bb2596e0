"""BGSAVE, the save points, MISCONF, INFO persistence and SHUTDOWN in the pure spec
(``spec.persist``, ``spec.cron``), with the world played by :class:`World`: it answers the
fork and save questions and reports children's exits, as ``reference.server`` does.

Every reply text here was measured on redis-server 7.0.15 (tests/test_bgsave_e2e.py runs the
same scenarios against both servers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from redspec.spec import persist
from redspec.spec.cron import server_cron
from redspec.spec.digest import dataset_digest
from redspec.spec.effects import Effects
from redspec.spec.persist import MISCONF_ERR, PAGE_SIZE
from redspec.spec.rdb import Limits, decode_file
from redspec.spec.server import client_connect, client_input, new_server, run_command
from redspec.spec.state import ServerState
from tests.differential.rawclient import encode_request

NOW = 1_700_000_000_000
MISCONF = b"-" + MISCONF_ERR.encode() + b"\r\n"


def digest(state: ServerState) -> bytes:
    """``DEBUG DIGEST`` of a state's dataset."""
    return dataset_digest((d.id, [(k, v, k in d.expires) for k, v in d.keys.items()])
                          for d in state.dbs)


class World:
    """A spec server and the world around it: forks get pids 1000, 1001, …; file writes
    succeed unless ``save_ok`` is False; ``snapshots`` / ``files`` keep what was asked."""

    def __init__(self, **config: Any) -> None:
        self.now = NOW
        self.state = new_server(NOW, **config)
        self.state, self.cid = client_connect(self.state, NOW)
        self.next_pid = 1000
        self.save_ok = True
        self.fork_ok = True
        self.snapshots: list[ServerState] = []
        self.files: list[bytes] = []

    def run(self, fn: Callable[[ServerState], tuple[ServerState, Any]]) -> Any:
        """``fn`` on the state, answering its questions (``Reference.answered``)."""
        st = self.state
        while True:
            try:
                self.state, out = fn(st)
                return out
            except persist.ForkOutcomeNeeded as need:
                self.snapshots.append(need.snapshot)
                pid = self.next_pid if self.fork_ok else -1
                self.next_pid += self.fork_ok
                st = persist.with_fork_outcome(st, pid, 7)
            except persist.SaveOutcomeNeeded as need:
                self.files.append(need.data)
                st = persist.with_save_outcome(st, self.save_ok)

    def __call__(self, *args: Any, cid: int | None = None) -> bytes:
        argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        frame: bytes = self.run(lambda st: run_command(st, cid or self.cid, argv, self.now))
        return frame

    def pipeline(self, *cmds: list[Any]) -> tuple[bytes, Effects]:
        """Several commands in one read (one transition): the replies and the effects."""
        raw = b"".join(encode_request([a if isinstance(a, bytes) else str(a).encode()
                                       for a in c]) for c in cmds)
        eff: Effects = self.run(lambda st: client_input(st, self.cid, raw, self.now))
        return b"".join(o for _, o in eff.output), eff

    def cron(self) -> Effects:
        eff: Effects = self.run(lambda st: server_cron(st, self.now))
        return eff

    def child_exits(self, code: int = 0, sig: int = 0) -> None:
        """The child ends (``waitpid``) and serverCron handles it."""
        child = self.state.persist.child
        assert child is not None
        self.state = persist.with_child_exit(self.state, child.pid, code, sig)
        self.cron()

    def info(self) -> dict[str, str]:
        text = self("INFO", "persistence").split(b"\r\n", 1)[1]
        text += self("INFO", "stats").split(b"\r\n", 1)[1]
        return dict(line.split(":", 1) for line in text.decode().splitlines()
                    if ":" in line and not line.startswith("#"))


# -- BGSAVE ------------------------------------------------------------------------------------


def test_bgsave_forks_and_records_the_child() -> None:
    w = World()
    w("SET", "a", "1")
    assert w("BGSAVE") == b"+Background saving started\r\n"
    child = w.state.persist.child
    assert child is not None and child.pid == 1000 and child.start_ms == NOW
    assert child.dirty_before == 1 and child.keys_total == 1
    assert len(w.snapshots) == 1 and digest(w.snapshots[0]) == digest(w.state)
    assert w.state.persist.saves == 1 and w.state.persist.total_forks == 1
    # a second BGSAVE, SCHEDULE or not, and SAVE, are refused while the child runs
    assert w("BGSAVE") == b"-ERR Background save already in progress\r\n"
    assert w("BGSAVE", "SCHEDULE") == b"-ERR Background save already in progress\r\n"
    assert w("SAVE") == b"-ERR Background save already in progress\r\n"
    assert w.state.persist.saves == 1 and len(w.snapshots) == 1


@pytest.mark.parametrize("argv", [["BGSAVE", "foo"], ["BGSAVE", "SCHEDULE", "x"],
                                  ["BGSAVE", "schedule", "schedule"]])
def test_bgsave_syntax(argv: list[str]) -> None:
    assert World()(*argv) == b"-ERR syntax error\r\n"


def test_bgsave_schedule_without_a_child_starts_at_once() -> None:
    w = World()
    assert w("BGSAVE", "schedule") == b"+Background saving started\r\n"


def test_the_snapshot_is_the_state_at_the_fork_inside_a_pipeline() -> None:
    """Writes before BGSAVE in the same read are in the snapshot, writes after it are not."""
    w = World()
    out, _ = w.pipeline(["SET", "a", "1"], ["BGSAVE"], ["SET", "a", "2"], ["DEL", "a"],
                        ["SET", "b", "3"])
    assert out == b"+OK\r\n+Background saving started\r\n+OK\r\n:1\r\n+OK\r\n"
    snap = w.state.persist.child.snapshot  # type: ignore[union-attr]
    assert dict(snap.dbs[0].keys.items()) == {b"a": b"1"}
    assert dict(w.snapshots[0].dbs[0].keys.items()) == {b"a": b"1"}
    assert dict(w.state.dbs[0].keys.items()) == {b"b": b"3"}
    # the file the child writes holds exactly that dataset
    f = decode_file(persist.save_state(snap, NOW), Limits.of(snap.config), 16)
    assert [(r.key, r.value) for _, recs in f.dbs for r in recs] == [(b"a", b"1")]


def test_bgsave_in_exec_is_scheduled_and_cron_starts_it() -> None:
    w = World()
    out, _ = w.pipeline(["MULTI"], ["SET", "k", "v"], ["BGSAVE"], ["EXEC"])
    assert out == (b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n"
                   b"+Background saving scheduled\r\n")
    assert w.state.persist.bgsave_scheduled and w.state.persist.child is None
    w.now += 100
    w.cron()
    assert w.state.persist.child is not None and not w.state.persist.bgsave_scheduled
    assert dict(w.snapshots[0].dbs[0].keys.items()) == {b"k": b"v"}


def test_completion_in_cron_success() -> None:
    w = World()
    w("SET", "a", "1")
    w("SET", "b", "1")
    w("BGSAVE")
    w("SET", "c", "1")  # after the fork: still to be saved
    assert w.info()["rdb_changes_since_last_save"] == "3"
    w.now += 2500
    w.child_exits(0)
    i = w.info()
    assert i["rdb_bgsave_in_progress"] == "0" and i["rdb_last_bgsave_status"] == "ok"
    assert i["rdb_changes_since_last_save"] == "1"  # dirty - dirty_before_bgsave
    assert i["rdb_last_save_time"] == str((NOW + 2500) // 1000)
    assert i["rdb_last_bgsave_time_sec"] == "2"  # whole seconds: time(NULL) - start
    assert i["total_forks"] == "1" and i["latest_fork_usec"] == "7"
    assert w("LASTSAVE") == b":%d\r\n" % ((NOW + 2500) // 1000)


def test_an_exit_of_another_pid_is_ignored() -> None:
    w = World()
    w("BGSAVE")
    w.state = persist.with_child_exit(w.state, 4242, 0, 0)
    w.cron()
    assert w.state.persist.child is not None and w.state.persist.child_exits == ()


def test_failed_child_turns_misconf_on_and_a_good_save_turns_it_off() -> None:
    w = World(save="3600 1")
    w("SET", "a", "1")
    w("BGSAVE")
    w.child_exits(1)
    assert w.info()["rdb_last_bgsave_status"] == "err"
    assert w("SET", "a", "2") == MISCONF
    assert w("PING") == MISCONF
    assert w("GET", "a") == b"$1\r\n1\r\n"  # reads are served
    assert w("DEL", "a") == MISCONF
    # queued writes: the transaction is doomed
    out, _ = w.pipeline(["MULTI"], ["SET", "a", "1"], ["EXEC"])
    assert out == b"+OK\r\n" + MISCONF + b"-EXECABORT Transaction discarded because of " \
        b"previous errors.\r\n"
    # off while stop-writes-on-bgsave-error is no, or without save points
    assert w("CONFIG", "SET", "stop-writes-on-bgsave-error", "no") == b"+OK\r\n"
    assert w("SET", "a", "3") == b"+OK\r\n"
    w("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
    w("CONFIG", "SET", "save", "")
    assert w("SET", "a", "4") == b"+OK\r\n"
    w("CONFIG", "SET", "save", "3600 1")
    assert w("SET", "a", "5") == MISCONF
    # a failed SAVE leaves it on, a successful one turns it off
    w.save_ok = False
    assert w("SAVE") == b"-ERR\r\n"
    assert w("SET", "a", "5") == MISCONF
    w.save_ok = True
    assert w("SAVE") == b"+OK\r\n"
    assert w("SET", "a", "5") == b"+OK\r\n"


def test_exec_of_queued_writes_is_refused_when_misconf_comes_on_meanwhile() -> None:
    w = World(save="3600 1")
    other = w.cid
    w.state, second = client_connect(w.state, NOW)
    assert w("MULTI", cid=second) == b"+OK\r\n"
    assert w("SET", "x", "1", cid=second) == b"+QUEUED\r\n"
    w("BGSAVE", cid=other)
    w.child_exits(1)
    assert w("EXEC", cid=second) == b"-EXECABORT Transaction discarded because of: " + \
        MISCONF_ERR.encode() + b"\r\n"
    assert w("MULTI", cid=second) == b"+OK\r\n"
    assert w("GET", "x", cid=second) == b"+QUEUED\r\n"
    assert w("EXEC", cid=second) == b"*1\r\n$-1\r\n"  # no write queued: not refused


def test_fork_failure() -> None:
    w = World(save="3600 1")
    w.fork_ok = False
    assert w("BGSAVE") == b"-ERR\r\n"
    assert w.state.persist.child is None and not w.state.persist.lastbgsave_ok
    assert w.state.persist.saves == 1
    assert w("SET", "a", "1") == MISCONF


def test_a_child_killed_by_sigusr1_is_not_an_error_another_signal_is() -> None:
    w = World(save="3600 1")
    w("BGSAVE")
    w.child_exits(0, persist.SIGUSR1)
    assert w.state.persist.lastbgsave_ok and w.state.persist.child is None
    w("BGSAVE")
    w.child_exits(0, 9)
    assert not w.state.persist.lastbgsave_ok


# -- save points -------------------------------------------------------------------------------


def test_save_point_fires_after_more_than_its_seconds_with_enough_changes() -> None:
    w = World(save="10 2 100 1")
    w("SET", "a", "1")
    w.now = NOW + 100_000  # 100 s: "100 1" needs more than 100
    w.cron()
    assert w.state.persist.child is None
    w.now = NOW + 101_000
    w.cron()
    assert w.state.persist.child is not None
    w.child_exits(0)
    assert w.state.dirty == 0
    # "10 2": two changes and more than 10 s after the last save
    w("SET", "a", "2")
    w.now += 11_000
    w.cron()
    assert w.state.persist.child is None
    w("SET", "a", "3")
    w.cron()
    assert w.state.persist.child is not None


def test_save_point_retries_a_failed_bgsave_only_after_the_delay() -> None:
    w = World(save="1 1")
    w("SET", "a", "1")
    w.now += 2000
    w.cron()
    w.child_exits(1)
    assert len(w.snapshots) == 1
    for dt in (1000, 4000, 5000):  # tried at +2 s: > 5 s later only
        w.now = NOW + 2000 + dt
        w.cron()
        assert w.state.persist.child is None, dt
    w.now = NOW + 2000 + 6000
    w.cron()
    assert w.state.persist.child is not None


def test_no_save_points_no_bgsave() -> None:
    w = World()
    w("SET", "a", "1")
    w.now += 10**8
    w.cron()
    assert w.state.persist.child is None and not w.snapshots


# -- the copy-on-write model --------------------------------------------------------------------


def test_cow_model_counts_pages_of_shared_values_written_after_the_fork() -> None:
    w = World()
    w("SET", "small", "x")
    w("SET", "big", "y" * 10_000)
    w("SET", "untouched", "z")
    w("BGSAVE")
    assert w.info()["current_cow_size"] == "0"
    w("SET", "new", "n")  # new memory, not a copy
    assert w.info()["current_cow_size"] == "0"
    w("APPEND", "small", "more")
    assert w.info()["current_cow_size"] == str(PAGE_SIZE)
    w("APPEND", "small", "again")  # once per key
    assert w.info()["current_cow_size"] == str(PAGE_SIZE)
    w("DEL", "big")  # freeing touches it too: 10 KB and some -> 3 pages
    i = w.info()
    assert i["current_cow_size"] == str(4 * PAGE_SIZE) == i["current_cow_peak"]
    assert i["rdb_bgsave_in_progress"] == "1" and i["current_save_keys_total"] == "3"
    w.child_exits(0)
    i = w.info()
    assert i["rdb_last_cow_size"] == str(4 * PAGE_SIZE) and i["current_cow_size"] == "0"


def test_info_persistence_fields_in_order() -> None:
    """The field names and order of 7.0.15's INFO persistence."""
    names = [line.split(":")[0] for line in World()("INFO", "persistence").decode()
             .splitlines()[2:] if ":" in line]
    assert names == [
        "loading", "async_loading", "current_cow_peak", "current_cow_size",
        "current_cow_size_age", "current_fork_perc", "current_save_keys_processed",
        "current_save_keys_total", "rdb_changes_since_last_save", "rdb_bgsave_in_progress",
        "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
        "rdb_current_bgsave_time_sec", "rdb_saves", "rdb_last_cow_size",
        "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded", "aof_enabled",
        "aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
        "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
        "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size",
        "module_fork_in_progress", "module_fork_last_cow_size"]


# -- FLUSHALL ----------------------------------------------------------------------------------


def test_flushall_kills_the_child_and_saves_with_save_points() -> None:
    w = World(save="3600 1")
    w("SET", "a", "1")
    w("BGSAVE")
    _, eff = w.pipeline(["FLUSHALL"])
    assert eff.kill_child == 1000 and len(w.files) == 1
    assert w.state.dirty == 0 and w.state.persist.child is not None  # until it is reaped
    assert w.state.persist.saves == 1  # FLUSHALL's save is not counted
    w.child_exits(0, persist.SIGUSR1)
    assert w.state.persist.child is None and w.state.persist.lastbgsave_ok


def test_flushall_without_save_points_writes_nothing() -> None:
    w = World()
    w("SET", "a", "1")
    _, eff = w.pipeline(["FLUSHALL"])
    assert eff.kill_child is None and not w.files and w.state.dirty == 2  # SET + 1 key


# -- SHUTDOWN ----------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["SHUTDOWN", "foo"], ["SHUTDOWN", "NOSAVE", "SAVE"],
                                  ["SHUTDOWN", "ABORT", "NOW"], ["SHUTDOWN", "FORCE", "ABORT"]])
def test_shutdown_syntax(argv: list[str]) -> None:
    w = World()
    assert w(*argv) == b"-ERR syntax error\r\n"


def test_shutdown_abort_with_nothing_to_abort() -> None:
    assert World()("SHUTDOWN", "abort") == b"-ERR No shutdown in progress.\r\n"


@pytest.mark.parametrize("save,argv,writes", [
    ("3600 1", ["SHUTDOWN"], True), ("", ["SHUTDOWN"], False),
    ("3600 1", ["SHUTDOWN", "NOSAVE"], False), ("", ["SHUTDOWN", "SAVE"], True),
    ("3600 1", ["SHUTDOWN", "NOW", "now"], True), ("", ["SHUTDOWN", "NOW", "FORCE"], False)])
def test_shutdown_exits_without_a_reply(save: str, argv: list[str], writes: bool) -> None:
    w = World(save=save)
    w("SET", "a", "1")
    out, eff = w.pipeline(argv, ["PING"])
    assert out == b"" and eff.exit_code == 0
    assert bool(w.files) == writes


def test_shutdown_whose_save_fails_is_refused_unless_force() -> None:
    w = World(save="3600 1")
    w("SET", "a", "1")
    w("BGSAVE")
    w.save_ok = False
    out, eff = w.pipeline(["SHUTDOWN"], ["PING"])
    assert out == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n+PONG\r\n"
    assert eff.exit_code is None and eff.kill_child == 1000
    out, eff = w.pipeline(["SHUTDOWN", "FORCE"])
    assert out == b"" and eff.exit_code == 0


def test_shutdown_in_multi_is_refused() -> None:
    w = World()
    out, _ = w.pipeline(["MULTI"], ["SHUTDOWN"], ["EXEC"])
    assert out == (b"+OK\r\n-ERR Command not allowed inside a transaction\r\n"
                   b"-EXECABORT Transaction discarded because of previous errors.\r\n")


def test_sigterm_shuts_down_at_the_next_cron_saving_with_save_points() -> None:
    w = World(save="3600 1")
    w("SET", "a", "1")
    w.state = persist.with_shutdown_signal(w.state, 15)
    eff = w.cron()
    assert eff.exit_code == 0 and len(w.files) == 1
    w = World(save="3600 1", **{"shutdown-on-sigterm": "nosave"})
    w.state = persist.with_shutdown_signal(w.state, 15)
    assert w.cron().exit_code == 0 and not w.files
    # a failed save: the signal is forgotten, the server goes on
    w = World(save="3600 1")
    w.save_ok = False
    w.state = persist.with_shutdown_signal(w.state, 15)
    assert w.cron().exit_code is None and w.state.persist.shutdown_signal == 0


def test_debug_reload_saves_and_so_lifts_misconf() -> None:
    """DEBUG RELOAD's ``rdbSave`` sets ``lastbgsave_status`` to ok, as every good save."""
    w = World(save="3600 1", **{"enable-debug-command": "yes"})
    w("BGSAVE")
    w.child_exits(1)
    assert w("SET", "a", "1") == MISCONF
    assert w("DEBUG", "RELOAD") == b"+OK\r\n"
    assert w("SET", "a", "1") == b"+OK\r\n"


def test_misconf_inside_a_script() -> None:
    """``scriptVerifyWriteCommandAllow``: a write called from a script gets MISCONF (its
    code kept); reads run (the replies measured on 7.0.15)."""
    w = World(save="3600 1")
    w("SET", "a", "1")
    w("BGSAVE")
    w.child_exits(1)
    sha = "fd201ffcadf856eb0ad9c9e209c444b5b4c1716c"
    assert w("EVAL", "return redis.call('set','a','2')", "0") == (
        b"-" + MISCONF_ERR.encode() + b" script: " + sha.encode() + b", on @user_script:1.\r\n")
    assert w("EVAL", "return redis.pcall('set','a','2')", "0") == MISCONF
    assert w("EVAL", "return redis.call('get','a')", "0") == b"$1\r\n1\r\n"
