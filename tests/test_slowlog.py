"""The slow log (``slowlog.c``): entries, ids, trimming, the modelled durations, and which
commands reach it, with facts observed on Redis 7.0.15."""

from __future__ import annotations

from typing import Any

from redspec.spec.frames import parse
from redspec.spec.server import client_connect
from redspec.spec.slowlog import entry_argv
from tests.session import NOW, Session


def entries(s: Session, count: int = -1) -> list[Any]:
    """SLOWLOG GET as ``[id, time, us, [args], peer, name]`` lists."""
    f = parse(s.call("SLOWLOG", "GET", count))
    out = []
    for e in f.children or []:
        ch = e.children or []
        out.append([int(ch[0].head), int(ch[1].head), int(ch[2].head),
                    [a.payload for a in ch[3].children or []], ch[4].payload, ch[5].payload])
    return out


def test_ids_count_every_entry_and_reset_keeps_counting() -> None:
    """7.0.15: the CONFIG SET that turns the log on is logged itself (id 0), RESET is
    logged after it runs (the first entry after a reset has the next id)."""
    s = Session()
    s.call("CONFIG", "SET", "slowlog-log-slower-than", 0)
    assert [e[0] for e in entries(s)] == [0]
    s.call("SLOWLOG", "RESET")
    s.call("PING")
    got = entries(s)
    # the first SLOWLOG GET above was entry 1
    assert [(e[0], e[3]) for e in got] == [(3, [b"PING"]), (2, [b"SLOWLOG", b"RESET"])]
    assert got[0][1] == NOW // 1000 and got[0][2] == 0


def test_entry_argv_trimming() -> None:
    assert entry_argv([b"SET", b"k", b"x" * 129]) == (b"SET", b"k", b"x" * 128 + b"... (1 more bytes)")
    assert entry_argv([b"SET", b"k", b"x" * 128]) == (b"SET", b"k", b"x" * 128)
    argv = [b"RPUSH", b"l"] + [b"%d" % i for i in range(40)]
    got = entry_argv(argv)
    assert len(got) == 32 and got[:31] == tuple(argv[:31]) and got[31] == b"... (11 more arguments)"
    assert entry_argv(argv[:32]) == tuple(argv[:32])
    assert entry_argv([b"AUTH", b"u", b"p"]) == (b"AUTH", b"(redacted)", b"(redacted)")


def test_modelled_duration_against_the_threshold() -> None:
    """Every command is modelled at 0 µs except DEBUG SLEEP, whose sleep is its time: at the
    default threshold (10000 µs) only a sleep of 10 ms or more is logged, exactly at it too."""
    s = Session(**{"enable-debug-command": "yes"})
    s.call("SET", "k", "v")
    s.call("DEBUG", "SLEEP", "0.009999")
    assert s.call("SLOWLOG", "LEN") == b":0\r\n"
    s.call("DEBUG", "SLEEP", "0.01")
    s.call("DEBUG", "SLEEP", "1.5")
    got = entries(s)
    assert [(e[2], e[3]) for e in got] == [(1_500_000, [b"DEBUG", b"SLEEP", b"1.5"]),
                                           (10_000, [b"DEBUG", b"SLEEP", b"0.01"])]
    s.call("MULTI")
    s.call("DEBUG", "SLEEP", "0.02")
    s.call("EXEC")  # skip_slowlog: only the command inside is logged
    assert [e[3][0] for e in entries(s, 1)] == [b"DEBUG"]


def test_off_and_trim() -> None:
    s = Session(**{"slowlog-log-slower-than": 0})
    for _ in range(5):
        s.call("PING")
    s.call("CONFIG", "SET", "slowlog-log-slower-than", -1)
    s.call("CONFIG", "SET", "slowlog-max-len", 2)
    assert s.call("SLOWLOG", "LEN") == b":5\r\n"  # off: nothing logged, nothing trimmed
    s.call("CONFIG", "SET", "slowlog-log-slower-than", 0)
    assert s.call("SLOWLOG", "LEN") == b":2\r\n"


def test_blocked_command_logged_when_served_not_when_timed_out() -> None:
    s = Session(**{"slowlog-log-slower-than": 0})
    s.state, other = client_connect(s.state, NOW)
    s.call_as(other, "BLPOP", "q", 0)
    s.call("SLOWLOG", "RESET")
    s.call("LPUSH", "q", "a")
    got = entries(s)
    assert [e[3][0] for e in got] == [b"BLPOP", b"LPUSH", b"SLOWLOG"]
    s.call("SLOWLOG", "RESET")
    s.call_as(other, "BLPOP", "q", "0.01")
    s.now += 20
    s.call("PING")  # the timeout is handled before this command
    assert b"BLPOP" not in [e[3][0] for e in entries(s)]
