"""Unit tests for expiry: the EXPIRE/TTL/PERSIST family (replies, propagation, keyspace events,
dirty), DEBUG SET-ACTIVE-EXPIRE, REDSPEC CLOCK, the active expire cycle and serverCron."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec import expire as X
from redspec.spec.cron import before_sleep, effective_hz, server_cron
from redspec.spec.dispatch import process_command
from redspec.spec.server import client_connect, client_input, new_server, run_command
from redspec.spec.state import ServerState, replace
from redspec.spec.step import Step

NOW = 1_700_000_000_000


def fresh(**config: Any) -> tuple[ServerState, int]:
    st = new_server(NOW, **config)
    return client_connect(st, NOW)


def run(st: ServerState, cid: int, *argv: str | bytes, now: int = NOW) -> tuple[ServerState, bytes]:
    return run_command(st, cid, [a.encode() if isinstance(a, str) else a for a in argv], now)


def step(st: ServerState, cid: int, *argv: str, now: int = NOW) -> tuple[Step, Any]:
    """Run one command in a Step and return it (to look at propagation, events, dirty)."""
    s = Step(st, now, cid)
    reply = process_command(s, [a.encode() for a in argv])
    return s, reply


# -- EXPIRE family ------------------------------------------------------------------------------


@pytest.mark.parametrize("argv,when", [
    (("EXPIRE", "k", "100"), NOW + 100_000),
    (("PEXPIRE", "k", "1500"), NOW + 1500),
    (("EXPIREAT", "k", "99999999999"), 99999999999000),
    (("PEXPIREAT", "k", "99999999999123"), 99999999999123),
])
def test_expire_sets_absolute_ms(argv: tuple[str, ...], when: int) -> None:
    st, c = fresh()
    st, _ = run(st, c, "SET", "k", "v")
    st, r = run(st, c, *argv)
    assert r == b":1\r\n"
    assert st.dbs[0].expires[b"k"] == when


def test_expire_propagates_pexpireat_with_options() -> None:
    st, c = fresh()
    st, _ = run(st, c, "SET", "k", "v")
    s, r = step(st, c, "EXPIRE", "k", "100", "nx")
    assert r == 1
    assert s.propagate == [(0, (b"PEXPIREAT", b"k", b"%d" % (NOW + 100_000), b"nx"))]
    s, r = step(st, c, "pexpireat", "k", "99999999999000", "XX")
    assert r == 0 and s.propagate == []  # XX on a key without TTL: nothing happens
    s, r = step(st, c, "pexpireat", "k", "99999999999000")
    assert s.propagate == [(0, (b"pexpireat", b"k", b"99999999999000"))]  # as typed


def test_expire_past_deletes_and_propagates_del() -> None:
    st, c = fresh(**{"notify-keyspace-events": "KEA"})
    st, _ = run(st, c, "SET", "k", "v")
    s, r = step(st, c, "EXPIRE", "k", "-1")
    assert r == 1
    assert s.propagate == [(0, (b"DEL", b"k"))]
    assert ("g", "del", b"k", 0) in s.notifications
    assert s.dirty == st.dirty + 1
    st2, c2 = fresh(**{"lazyfree-lazy-expire": True})
    st2, _ = run(st2, c2, "SET", "k", "v")
    s, _ = step(st2, c2, "PEXPIREAT", "k", "5")
    assert s.propagate == [(0, (b"UNLINK", b"k"))]


def test_expire_events_and_dirty() -> None:
    st, c = fresh(**{"notify-keyspace-events": "KEA"})
    st, _ = run(st, c, "SET", "k", "v")
    s, _ = step(st, c, "EXPIRE", "k", "10")
    assert s.notifications == [("g", "expire", b"k", 0)] and s.dirty == st.dirty + 1
    st, _ = run(st, c, "EXPIRE", "k", "10")
    s, r = step(st, c, "PERSIST", "k")
    assert r == 1 and s.notifications == [("g", "persist", b"k", 0)]
    assert s.propagate == [(0, (b"PERSIST", b"k"))]
    st, _ = run(st, c, "PERSIST", "k")
    s, r = step(st, c, "PERSIST", "k")
    assert r == 0 and s.notifications == [] and s.dirty == st.dirty and s.propagate == []


@pytest.mark.parametrize("argv,err", [
    (("EXPIRE", "k", "1", "NX", "XX"), b"-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"),
    (("EXPIRE", "k", "1", "GT", "LT"), b"-ERR GT and LT options at the same time are not compatible\r\n"),
    (("EXPIRE", "k", "1", "foo"), b"-ERR Unsupported option foo\r\n"),
    (("EXPIRE", "k", "x"), b"-ERR value is not an integer or out of range\r\n"),
    (("EXPIRE", "k", "9223372036854776"), b"-ERR invalid expire time in 'expire' command\r\n"),
    (("PEXPIRE", "k", "9223372036854775807"), b"-ERR invalid expire time in 'pexpire' command\r\n"),
    (("EXPIREAT", "k", "-9223372036854776"), b"-ERR invalid expire time in 'expireat' command\r\n"),
])
def test_expire_errors(argv: tuple[str, ...], err: bytes) -> None:
    st, c = fresh()
    st, _ = run(st, c, "SET", "k", "v")
    assert run(st, c, *argv)[1] == err


def test_expire_nul_in_option_is_cut() -> None:
    st, c = fresh()
    st, _ = run(st, c, "SET", "k", "v")
    assert run(st, c, "EXPIRE", "k", "100", b"nx\x00junk")[1] == b":1\r\n"
    assert run(st, c, "EXPIRE", "k", "100", b"zz\x00nx")[1] == b"-ERR Unsupported option zz\r\n"


# -- TTL family ---------------------------------------------------------------------------------


def test_ttl_family_values_and_rounding() -> None:
    st, c = fresh()
    st, _ = run(st, c, "SET", "k", "v", "PX", "1499")
    assert run(st, c, "PTTL", "k")[1] == b":1499\r\n"
    assert run(st, c, "TTL", "k")[1] == b":1\r\n"
    assert run(st, c, "TTL", "k", now=NOW - 1)[1] == b":2\r\n"  # 1500 ms rounds up
    assert run(st, c, "PEXPIRETIME", "k")[1] == b":%d\r\n" % (NOW + 1499)
    assert run(st, c, "EXPIRETIME", "k")[1] == b":%d\r\n" % ((NOW + 1499 + 500) // 1000)
    assert run(st, c, "PTTL", "k", now=NOW + 1499)[1] == b":0\r\n"  # due but not expired
    assert run(st, c, "PTTL", "k", now=NOW + 1500)[1] == b":-2\r\n"
    assert run(st, c, "TTL", "nokey")[1] == b":-2\r\n"
    st, _ = run(st, c, "SET", "p", "v")
    assert run(st, c, "TTL", "p")[1] == b":-1\r\n"


def test_ttl_counts_hits_and_misses() -> None:
    st, c = fresh()
    st, _ = run(st, c, "SET", "k", "v")
    st, _ = run(st, c, "TTL", "k")
    st, _ = run(st, c, "PTTL", "nokey")
    assert (st.stats.keyspace_hits, st.stats.keyspace_misses) == (1, 1)


# -- DEBUG / REDSPEC CLOCK ------------------------------------------------------------------------


def test_debug_gate_and_set_active_expire() -> None:
    st, c = fresh()
    r = run(st, c, "DEBUG", "SLEEP", "0")[1]
    assert r.startswith(b"-ERR DEBUG command not allowed.")
    st, c = fresh(**{"enable-debug-command": "local"})
    st, r = run(st, c, "DEBUG", "set-active-expire", "0")
    assert r == b"+OK\r\n" and not st.cron.active_expire_enabled
    st, r = run(st, c, "DEBUG", "SET-ACTIVE-EXPIRE", "2")
    assert r == b"+OK\r\n" and st.cron.active_expire_enabled
    assert run(st, c, "DEBUG", "SLEEP", "0")[1] == b"+OK\r\n"
    assert run(st, c, "DEBUG", "nosuch")[1] == (
        b"-ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.\r\n")
    assert run(st, c, "DEBUG")[1] == b"-ERR wrong number of arguments for 'debug' command\r\n"
    # addReplySubcommandSyntaxError prints '%.128s' (observed on 7.0.15: 128 of 200 bytes)
    assert run(st, c, "DEBUG", "x" * 200)[1] == (
        b"-ERR unknown subcommand or wrong number of arguments for '" + b"x" * 128
        + b"'. Try DEBUG HELP.\r\n")


def test_redspec_clock() -> None:
    st, c = fresh()
    assert run(st, c, "REDSPEC", "CLOCK", "GET")[1] == b":%d\r\n" % NOW
    assert run(st, c, "REDSPEC", "CLOCK", "ADVANCE", "5")[1].startswith(b"-ERR the clock is")
    st = replace(st, cron=replace(st.cron, virtual_clock=True))
    st, _ = run(st, c, "SET", "k", "v", "PX", "100")
    # ADVANCE moves time for the rest of the batch and asks the server to keep it there.
    st, eff = client_input(st, c, b"REDSPEC CLOCK ADVANCE 100\r\nPTTL k\r\n"
                                  b"REDSPEC CLOCK ADVANCE 1\r\nGET k\r\n", NOW)
    assert eff.output[0][1] == b":%d\r\n:0\r\n:%d\r\n$-1\r\n" % (NOW + 100, NOW + 101)
    assert eff.clock_set_ms == NOW + 101
    st, eff = client_input(st, c, b"REDSPEC CLOCK SET 42\r\n", NOW)
    assert eff.clock_set_ms == 42
    assert run(st, c, "REDSPEC", "CLOCK", "ADVANCE", "-1")[1] == (
        b"-ERR value is out of range, must be positive\r\n")
    assert run(st, c, "REDSPEC", "CLOCK", "ADVANCE", "x")[1] == (
        b"-ERR value is not an integer or out of range\r\n")


# -- active expire cycle / cron -----------------------------------------------------------------


def _with_keys(n_expired: int, n_live: int, persistent: int = 0) -> tuple[ServerState, int]:
    st, c = fresh()
    for i in range(n_expired):
        st, _ = run(st, c, "SET", f"e{i}", "v", "PX", "10")
    for i in range(n_live):
        st, _ = run(st, c, "SET", f"l{i}", "v", "PX", "1000000")
    for i in range(persistent):
        st, _ = run(st, c, "SET", f"p{i}", "v")
    return st, c


def test_slow_cycle_deletes_expired_only_and_reports() -> None:
    st, _ = _with_keys(300, 300, 10)
    st2, eff = X.active_expire_cycle(st, NOW + 100, X.SLOW)
    gone = {k for k in st.dbs[0].keys if k not in st2.dbs[0].keys}
    assert gone and all(k.startswith(b"e") for k in gone)
    assert st2.stats.expired_keys == len(gone)
    assert sorted(eff.propagate) == sorted((0, (b"DEL", k)) for k in gone)
    assert 0 < st2.stats.expired_stale_perc <= 0.05
    assert st2.stats.expire_cycle_time_used_us > 0
    assert st2.cron.avg_ttl[0] > 0
    assert st2.cron.current_db == 16


def test_slow_cycle_small_db_clears_everything() -> None:
    st, _ = _with_keys(15, 5)
    st2, _ = X.active_expire_cycle(st, NOW + 100, X.SLOW)
    assert all(not k.startswith(b"e") for k in st2.dbs[0].keys)


def test_time_cap_counted_and_next_cycle_visits_all_dbs() -> None:
    st, _ = _with_keys(2000, 0)
    st2, _ = X.active_expire_cycle(st, NOW + 100, X.SLOW, budget_us=50)
    assert st2.stats.expired_time_cap_reached_count == 1
    assert st2.cron.timelimit_exit
    # 16 loops of 20 keys (the check runs every 16 loops): the overshoot is bounded.
    assert st2.stats.expire_cycle_time_used_us <= 50 + 16 * 20
    assert 0 < st2.stats.expired_keys < 2000


def test_budget_from_hz_and_effort() -> None:
    assert X.cycle_params(1) == (20, 1000, 25, 10)
    assert X.cycle_params(10) == (65, 3250, 43, 1)


def test_fast_cycle_runs_only_after_time_cap() -> None:
    st, _ = _with_keys(2000, 0)
    st1, eff = before_sleep(st, NOW + 100)
    assert st1 is st and not eff.propagate  # stale fraction < 10 "percent": the 7.0 quirk
    st2, _ = X.active_expire_cycle(st, NOW + 100, X.SLOW, budget_us=50)
    st3, eff = before_sleep(st2, NOW + 100)
    assert eff.propagate and st3.cron.last_fast_cycle_us == (NOW + 100) * 1000
    st4, eff = before_sleep(st3, NOW + 101)  # within 2 fast durations of the last one
    assert st4 is st3


def test_cron_respects_debug_switch_and_counts() -> None:
    st, c = _with_keys(50, 0)
    st2, eff = server_cron(st, NOW + 100)
    assert st2.cron.cronloops == 1 and st2.cron.hz == 10 and eff.propagate
    st_off = replace(st, cron=replace(st.cron, active_expire_enabled=False))
    st3, eff = server_cron(st_off, NOW + 100)
    assert not eff.propagate and len(st3.dbs[0].keys) == 50 and st3.cron.cronloops == 1


def test_dynamic_hz() -> None:
    st = new_server(NOW)
    for _ in range(2010):  # 201 clients per tick > 200
        st, _ = client_connect(st, NOW)
    assert effective_hz(st) == 20
    assert effective_hz(replace(st, config=st.config.set("dynamic-hz", False))) == 10


def test_info_shows_cycle_stats() -> None:
    st, c = _with_keys(100, 100)
    st, _ = X.active_expire_cycle(st, NOW + 100, X.SLOW)
    _, r = run(st, c, "INFO", "stats", now=NOW + 100)
    text = r.decode()
    assert f"expired_keys:{st.stats.expired_keys}\r\n" in text
    assert f"expired_stale_perc:{st.stats.expired_stale_perc * 100:.2f}\r\n" in text
    assert "expired_time_cap_reached_count:0\r\n" in text
