"""The latency monitor (``latency.c``, ``sparkline.c``): spikes from modelled command time
(DEBUG SLEEP), one sample per second, LATEST / HISTORY / GRAPH / DOCTOR / RESET, with the
replies recorded from Redis 7.0.15 for the same commands (times differ, shapes and texts
not)."""

from __future__ import annotations

from redspec.spec.latency import LATENCY_TS_LEN, _sparkline_range
from tests.session import NOW, Session

T = NOW // 1000


def _spiked() -> Session:
    s = Session(**{"enable-debug-command": "yes"})
    s.call("CONFIG", "SET", "latency-monitor-threshold", 100)
    s.call("DEBUG", "SLEEP", "0.2")
    s.call("DEBUG", "SLEEP", "0.15")  # the same second: 200 stays
    return s


def test_one_sample_per_second_and_latest() -> None:
    s = _spiked()
    assert s.call("LATENCY", "LATEST") == b"*1\r\n*4\r\n$7\r\ncommand\r\n:%d\r\n:200\r\n:200\r\n" % T
    assert s.call("LATENCY", "HISTORY", "command") == b"*1\r\n*2\r\n:%d\r\n:200\r\n" % T
    s.now += 1000
    s.call("DEBUG", "SLEEP", "0.15")
    assert s.call("LATENCY", "HISTORY", "command") == \
        b"*2\r\n*2\r\n:%d\r\n:200\r\n*2\r\n:%d\r\n:150\r\n" % (T, T + 1)
    assert s.call("LATENCY", "LATEST").endswith(b":150\r\n:200\r\n")


def test_below_threshold_and_off() -> None:
    s = Session(**{"enable-debug-command": "yes"})
    s.call("DEBUG", "SLEEP", "1")  # threshold 0: off
    s.call("CONFIG", "SET", "latency-monitor-threshold", 100)
    s.call("DEBUG", "SLEEP", "0.0999")  # 99 ms < 100
    assert s.call("LATENCY", "LATEST") == b"*0\r\n"
    s.call("DEBUG", "SLEEP", "0.1")  # exactly the threshold: recorded
    assert s.call("LATENCY", "HISTORY", "command") == b"*1\r\n*2\r\n:%d\r\n:100\r\n" % T


def test_graph_as_observed() -> None:
    s = _spiked()
    want = ("command - high 200 ms, low 200 ms (all time high 200 ms)\n" + "-" * 80 + "\n"
            " \n \n \n_\n \n0\ns\n").encode()
    assert s.call("LATENCY", "GRAPH", "command") == b"$%d\r\n%s\r\n" % (len(want), want)
    assert s.call("LATENCY", "GRAPH", "fast-command") == \
        b"-ERR No samples available for event 'fast-command'\r\n"


def test_sparkline_levels() -> None:
    """Four rows of ``_ o #`` with ``|`` below a bar's top: 12 steps from min to max (step =
    (int)(relval*12)/relmax, at most 11). 100 -> step 11: ``#`` on the top row; 50 -> step 6:
    ``_`` on the second row; 0 -> step 0: ``_`` on the bottom row."""
    rows = _sparkline_range([0.0, 50.0, 100.0], ["", "", ""], 0.0, 100.0, 4)
    assert rows == ["  #\n", " _|\n", " ||\n", "_||\n"]


def test_doctor_as_observed() -> None:
    s = _spiked()
    assert s.call("LATENCY", "DOCTOR") == (
        b"$664\r\nDave, I have observed latency spikes in this Redis instance. You don't mind "
        b"talking about it, do you Dave?\n\n1. command: 1 latency spikes (average 200ms, mean "
        b"deviation 0ms, period 1.00 sec). Worst all time event 200ms.\n\nI have a few advices "
        b"for you:\n\n- Check your Slow Log to understand what are the commands you are running "
        b"which are too slow to execute. Please check https://redis.io/commands/slowlog for more "
        b"information.\n- Deleting, expiring or evicting (because of maxmemory policy) large "
        b"objects is a blocking operation. If you have very large objects that are often "
        b"deleted, expired, or evicted, try to fragment those objects into multiple smaller "
        b"objects.\n\r\n")
    s.call("CONFIG", "SET", "slowlog-log-slower-than", -1)
    assert b"Try to enable the Slow Log Redis feature using the command 'CONFIG SET " \
           b"slowlog-log-slower-than 100000'" in s.call("LATENCY", "DOCTOR")


def test_reset_counts_events_case_insensitively() -> None:
    s = _spiked()
    assert s.call("LATENCY", "RESET", "nosuch", "COMMAND", "command") == b":1\r\n"
    assert s.call("LATENCY", "LATEST") == b"*0\r\n"
    assert s.call("LATENCY", "RESET") == b":0\r\n"


def test_ring_keeps_the_last_160_seconds() -> None:
    s = _spiked()
    for i in range(1, LATENCY_TS_LEN + 5):
        s.now = NOW + i * 1000
        s.call("DEBUG", "SLEEP", "0.1")
    got = s.call("LATENCY", "HISTORY", "command")
    assert got.startswith(b"*%d\r\n*2\r\n:%d\r\n" % (LATENCY_TS_LEN, T + 5))
