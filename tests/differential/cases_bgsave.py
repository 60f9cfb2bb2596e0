"""Differential cases for BGSAVE, the save points' configuration and SHUTDOWN's refusals
(``rdb.c`` ``bgsaveCommand``, ``server.c`` ``shutdownCommand``), Redis 7.0.15.

Both servers of the harness run with ``save ""`` in one shared directory, so a BGSAVE here
writes ``dump.rdb`` there (never in the repository). A case that starts a child waits for it
to end with a blocking pop that times out (``BLPOP`` on a key nobody pushes to: a sleep both
servers honour), so that no child outlives its case: the next replay's BGSAVE would find it
still running. A slow child comes from ``rdb-key-save-delay`` (µs per key), which the harness
sets back after the case.

What needs a failing disk (MISCONF, SHUTDOWN refusing to stop) or ends the process (SHUTDOWN
that succeeds, SIGTERM) is in tests/test_bgsave_e2e.py, against both servers too.
"""

from __future__ import annotations

from typing import Any

WAIT = ["BLPOP", "bgsave-case-wait", "0.8"]  # a sleep: the child ends, serverCron reaps it
#: After a child made slow on purpose (below ``REDSPEC_DIFF_SILENT``, 2 s, the harness's wait).
WAIT_LONG = ["BLPOP", "bgsave-case-wait", "1.6"]

CASES: list[tuple[str, list[list[Any]]]] = [
    ("bgsave started", [["SET", "k", "v"], ["BGSAVE"], WAIT, ["GET", "k"]]),
    ("bgsave schedule without a child starts", [["BGSAVE", "SCHEDULE"], WAIT]),
    ("bgsave syntax", [["BGSAVE", "foo"], ["BGSAVE", "SCHEDULE", "x"],
                       ["BGSAVE", "schedule", "schedule"], ["bgsave", "Schedule", "1"]]),
    ("bgsave while a child runs", [
        ["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"],
        # 3 keys: a child of ~0.9 s, time enough for the next steps even byte by byte
        ["CONFIG", "SET", "rdb-key-save-delay", "300000"],
        ["BGSAVE"], ["BGSAVE"], ["BGSAVE", "SCHEDULE"], ["SAVE"], ["BGSAVE", "nope"],
        ["SET", "a", "after"], ["GET", "a"], WAIT_LONG]),
    ("bgsave inside exec is scheduled", [
        ["MULTI"], ["SET", "k", "1"], ["BGSAVE"], ["BGSAVE", "SCHEDULE"], ["EXEC"], WAIT,
        ["GET", "k"]]),
    ("bgsave and save are no-script, save no-multi", [
        ["EVAL", "return redis.call('bgsave')", "0"],
        ["EVAL", "return redis.pcall('save')", "0"],
        ["MULTI"], ["SAVE"], ["EXEC"]]),
    ("save points config", [
        ["CONFIG", "GET", "save"],
        ["CONFIG", "SET", "save", "100000 1 200000 5"], ["CONFIG", "GET", "save"],
        ["CONFIG", "SET", "save", "100000  7"], ["CONFIG", "GET", "save"],
        ["CONFIG", "SET", "save", "100000 1 x"], ["CONFIG", "SET", "save", "0 1"],
        ["CONFIG", "SET", "save", "1 -1"], ["CONFIG", "GET", "save"],
        ["CONFIG", "SET", "save", ""], ["CONFIG", "GET", "save"],
        ["CONFIG", "GET", "stop-writes-on-bgsave-error"],
        ["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"],
        ["CONFIG", "GET", "stop-writes-on-bgsave-error"],
        ["CONFIG", "SET", "rdb-del-sync-files", "yes"], ["CONFIG", "GET", "rdb-del-sync-files"],
        ["CONFIG", "GET", "shutdown-on-sig*"]]),
    ("shutdown refusals", [
        ["SHUTDOWN", "ABORT"], ["SHUTDOWN", "abort"], ["SHUTDOWN", "NOSAVE", "SAVE"],
        ["SHUTDOWN", "SAVE", "NOSAVE", "NOW"], ["SHUTDOWN", "NOW", "ABORT"],
        ["SHUTDOWN", "ABORT", "FORCE"], ["SHUTDOWN", "bogus"], ["SHUTDOWN", "NOW", "x"],
        ["PING"]]),
    ("shutdown in multi and script", [
        ["MULTI"], ["SHUTDOWN"], ["SHUTDOWN", "NOSAVE"], ["EXEC"],
        ["EVAL", "return redis.pcall('shutdown')", "0"], ["PING"]]),
    ("info persistence fields", [["INFO", "persistence"]]),
    ("info persistence after a bgsave", [["SET", "k", "v"], ["BGSAVE"], WAIT,
                                         ["INFO", "persistence"]]),
]

#: Cases that wait for time to pass (the BLPOP above) or start a child: the spec's replay for
#: ``redspec vectors`` runs with its clock stopped and no child ever ends there.
NOT_VECTORS = {name for name, steps in CASES if WAIT in steps or WAIT_LONG in steps}

NONDETERMINISTIC: dict[str, Any] = {
    # values that describe the process and the clock (times, COW bytes): field names only
    "info persistence fields": "info",
    "info persistence after a bgsave": {3: "info"},
    # the error names the script's sha1 the same way; the sort keeps CONFIG GET's pairs
    "save points config": {16: "sort"},
}
