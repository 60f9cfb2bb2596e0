"""Command counters of ``call`` / ``processCommand`` (mechanism 5), added for the mutation
score (issue #6): mutants that miscount ``calls`` or ``total_commands_processed`` survived
every suite, since no property read INFO.

Property ``command_counters``: after a random sequence of SET / GET / INCR / LPUSH on one key
(some failing with WRONGTYPE or a non-integer, some rejected by the arity check), INFO
commandstats reports per command ``calls`` (commands that ran), ``failed_calls`` (ran and
replied an error) and ``rejected_calls`` (refused before running), and INFO stats'
``total_commands_processed`` counts every command that ran (the INFO commandstats call
included). A planted-bug test counts a command twice.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec import dispatch
from redspec.spec.server import client_connect, new_server, run_command

MECHANISM = "dispatch"

_op = st.sampled_from([("set", b"1"), ("set", b"a"), ("get", None), ("incr", None),
                       ("lpush", None), ("get-arity", None)])


def check_counters(ops: list[tuple[str, bytes | None]]) -> None:
    """``command_counters`` for one sequence."""
    state = new_server(0)
    state, cid = client_connect(state, 0)
    value: Any = None  # None, bytes or "list"
    stats: dict[str, list[int]] = {}

    def count(name: str, i: int) -> None:
        stats.setdefault(name, [0, 0, 0])[i] += 1

    for name, arg in ops:
        if name == "set":
            argv, value, failed = [b"SET", b"k", arg or b""], arg, False
        elif name == "get":
            argv, failed = [b"GET", b"k"], value == "list"
        elif name == "incr":
            argv = [b"INCR", b"k"]
            failed = value == "list" or (value is not None and not value.isdigit())
            if not failed:
                value = str(int(value or b"0") + 1).encode()
        elif name == "lpush":
            argv, failed = [b"LPUSH", b"k", b"x"], isinstance(value, bytes)
            if not failed:
                value = "list"
        else:
            state, _ = run_command(state, cid, [b"GET"], 0)
            count("get", 2)
            continue
        state, _ = run_command(state, cid, argv, 0)
        count(name, 0)
        if failed:
            count(name, 1)
    state, frame = run_command(state, cid, [b"INFO", b"commandstats"], 0)
    got = {m[0]: [int(m[1]), int(m[3]), int(m[2])] for m in re.findall(
        rb"cmdstat_(\w+):calls=(\d+),[^\r]*rejected_calls=(\d+),failed_calls=(\d+)", frame)}
    want = {k.encode(): [v[0], v[1], v[2]] for k, v in stats.items()}
    assert got == want, f"command_counters: commandstats {got} != {want}"
    state, frame = run_command(state, cid, [b"INFO", b"stats"], 0)
    total = sum(v[0] for v in stats.values()) + 1
    assert b"\r\ntotal_commands_processed:%d\r\n" % total in frame, \
        "command_counters: total_commands_processed"


@settings(max_examples=60, deadline=None)
@given(ops=st.lists(_op, max_size=10))
def test_command_counters(ops: list[tuple[str, bytes | None]]) -> None:
    check_counters(ops)


def test_planted_counted_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = dispatch.call

    def bad(s: Any, cmd: Any, argv: list[bytes]) -> Any:  # each command counted twice
        reply = orig(s, cmd, argv)
        s.commands_processed += 1
        return reply
    monkeypatch.setattr(dispatch, "call", bad)
    with pytest.raises(AssertionError, match="command_counters"):
        check_counters([("set", b"1")])
