"""CLIENT PAUSE keeps the dataset as it is (Redis 7.0.15): ``expireIfNeeded`` reports an
expired key as missing without deleting it, ``activeExpireCycle`` and ``performEvictions``
do nothing, and a postponed client counts as blocked (INFO ``blocked_clients``, CLIENT LIST
``b``). A pause found timed out by any of these checks ends there
(``checkClientPauseTimeoutAndReturnIfPaused``)."""

from __future__ import annotations

import pytest

from redspec.spec import server as S
from redspec.spec.cron import before_sleep, server_cron
from redspec.spec.evict import EVICT_OK, perform_evictions
from redspec.spec.expire import FAST, SLOW, active_expire_cycle
from redspec.spec.resp import encode_request
from redspec.spec.state import ServerState, replace
from redspec.spec.step import Step
from redspec.spec.transport import clients_paused

T0 = 1_700_000_000_000


def _info_field(frame: bytes, name: bytes) -> bytes:
    for line in frame.split(b"\r\n"):
        if line.startswith(name + b":"):
            return line.split(b":", 1)[1]
    raise AssertionError(f"{name!r} not in {frame!r}")


def _two_clients() -> tuple[ServerState, int, int]:
    st = S.new_server(T0)
    st, a = S.client_connect(st, T0)
    st, b = S.client_connect(st, T0)
    st, _ = S.run_command(st, a, [b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"], T0)
    return st, a, b


def _call(st: ServerState, cid: int, now: int, *argv: bytes) -> tuple[ServerState, bytes]:
    return S.run_command(st, cid, list(argv), now)


def _paused_with_expired_key(kind: bytes = b"WRITE") -> tuple[ServerState, int, int]:
    """k expired (PXAT in the past) and k2 alive, then a pause of 10 s from T0."""
    st, a, b = _two_clients()
    st, _ = _call(st, a, T0, b"SET", b"k", b"v", b"PXAT", b"1")
    st, _ = _call(st, a, T0, b"SET", b"k2", b"v2")
    st, r = _call(st, a, T0, b"CLIENT", b"PAUSE", b"10000", kind)
    assert r == b"+OK\r\n"
    return st, a, b


def test_paused_reads_report_expired_key_missing_without_deleting() -> None:
    st, a, b = _paused_with_expired_key()
    data = b"".join(encode_request(x) for x in (
        [b"GET", b"k"], [b"EXISTS", b"k", b"k2"], [b"TTL", b"k"], [b"TYPE", b"k"],
        [b"DBSIZE"], [b"KEYS", b"*"], [b"SCAN", b"0"]))
    st, eff = S.client_input(st, b, data, T0 + 5)
    assert S.output_for(eff, b) == (b"$-1\r\n:1\r\n:-2\r\n+none\r\n:2\r\n*1\r\n$2\r\nk2\r\n"
                                    b"*2\r\n$1\r\n0\r\n*1\r\n$2\r\nk2\r\n")
    assert b"k" in st.dbs[0].keys and b"k" in st.dbs[0].expires
    assert st.stats.expired_keys == 0
    assert not eff.propagate and not eff.notifications
    assert st.stats.keyspace_misses == 4  # GET, EXISTS k, TTL, TYPE


def test_paused_all_lookup_does_not_delete() -> None:
    # Under ALL every client is postponed; the check itself covers both kinds.
    st, a, b = _paused_with_expired_key(b"ALL")
    s = Step(st, T0 + 5, a)
    assert s.db.lookup_read(b"k") is None
    new = s.commit()
    assert b"k" in new.dbs[0].keys and new.stats.expired_keys == 0 and not s.propagate


def test_lookup_after_the_pause_time_ends_it_and_deletes() -> None:
    st, a, b = _paused_with_expired_key()
    st, eff = S.client_input(st, b, encode_request([b"SET", b"x", b"1"]), T0 + 1)
    assert st.transport.postponed == (b,)
    at_end, r = _call(st, a, T0 + 10_000, b"GET", b"k")  # at the end time: still paused
    assert r == b"$-1\r\n" and at_end.transport.pause_type == 1 and b"k" in at_end.dbs[0].keys
    st, r = _call(st, a, T0 + 10_001, b"GET", b"k")  # the end time has passed
    assert r == b"$-1\r\n"
    assert st.transport.pause_type == 0 and st.transport.postponed == ()
    assert b"k" not in st.dbs[0].keys and st.stats.expired_keys == 1
    assert st.blocking.unblocked == (b,) and st.clients[b].bpop is None
    assert "blocked" not in st.clients[b].flags


@pytest.mark.parametrize("kind", [SLOW, FAST])
def test_active_expire_cycle_does_nothing_while_paused(kind: str) -> None:
    st, a, b = _paused_with_expired_key()
    st = replace(st, cron=replace(st.cron, timelimit_exit=True))  # let a fast cycle run
    new, eff = active_expire_cycle(st, T0 + 100, kind, budget_us=10**9)
    assert new is st and not eff.propagate


def test_active_expire_cycle_ends_a_timed_out_pause_then_runs() -> None:
    st, a, b = _paused_with_expired_key()
    st, _ = S.client_input(st, b, encode_request([b"SET", b"x", b"1"]), T0 + 1)
    still, _ = active_expire_cycle(st, T0 + 10_000, SLOW, budget_us=10**9)
    assert still is st  # at the end time the pause is still on (Redis: end < mstime)
    new, eff = active_expire_cycle(st, T0 + 10_001, SLOW, budget_us=10**9)
    assert new.transport.pause_type == 0 and new.blocking.unblocked == (b,)
    assert b"k" not in new.dbs[0].keys and new.stats.expired_keys == 1
    assert eff.propagate == ((0, (b"DEL", b"k")),)
    # beforeSleep: the fast cycle (here ending the pause) is followed by the unblocked
    # clients' input (processUnblockedClients): the postponed SET runs.
    st2 = replace(st, cron=replace(st.cron, timelimit_exit=True))
    new2, _ = before_sleep(st2, T0 + 10_001)
    assert new2.transport.pause_type == 0 and new2.blocking.unblocked == ()
    assert new2.dbs[0].keys.get(b"x") is not None


def test_server_cron_during_pause_keeps_keys() -> None:
    st, a, b = _paused_with_expired_key()
    new, eff = server_cron(st, T0 + 100)
    assert b"k" in new.dbs[0].keys and new.stats.expired_keys == 0 and not eff.propagate


def test_no_eviction_while_paused() -> None:
    st, a, b = _two_clients()
    for i in range(20):
        st, _ = _call(st, a, T0, b"SET", b"key%d" % i, b"x" * 100)
    st, _ = _call(st, a, T0, b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lru")
    st, _ = _call(st, a, T0, b"CLIENT", b"PAUSE", b"10000", b"WRITE")
    # CONFIG SET maxmemory (updateMaxmemory's eviction) and a read's performEvictions gate
    st, r = _call(st, a, T0 + 1, b"CONFIG", b"SET", b"maxmemory", b"1")
    assert r == b"+OK\r\n"
    st, r = _call(st, b, T0 + 2, b"DBSIZE")
    assert r == b":20\r\n" and st.stats.evicted_keys == 0
    s = Step(st, T0 + 3, b)
    assert perform_evictions(s) == EVICT_OK and s.db.size() == 20
    # a denyoom write is postponed, not refused, under noeviction
    st, _ = _call(st, a, T0 + 3, b"CONFIG", b"SET", b"maxmemory-policy", b"noeviction")
    st, eff = S.client_input(st, b, encode_request([b"SET", b"z", b"1"]), T0 + 4)
    assert S.output_for(eff, b) == b"" and st.transport.postponed == (b,)
    # once the pause is over, the gate evicts / refuses again
    st, r = _call(st, a, T0 + 5, b"CLIENT", b"UNPAUSE")
    st, r = _call(st, a, T0 + 6, b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lru")
    st, r = _call(st, a, T0 + 7, b"DBSIZE")
    assert r == b":0\r\n" and st.stats.evicted_keys == 20


def test_eviction_gate_ends_a_timed_out_pause() -> None:
    st, a, b = _two_clients()
    st, _ = _call(st, a, T0, b"CLIENT", b"PAUSE", b"100", b"WRITE")
    s = Step(st, T0 + 101, a)
    assert not clients_paused(s)
    assert s.commit().transport.pause_type == 0
    s = Step(st, T0 + 100, a)  # at the end time: still paused (Redis: end < mstime)
    assert clients_paused(s)


def test_postponed_client_counts_as_blocked() -> None:
    st, a, b = _two_clients()
    st, _ = _call(st, a, T0, b"CLIENT", b"PAUSE", b"10000", b"WRITE")
    st, _ = S.client_input(st, b, encode_request([b"SET", b"z", b"1"]), T0 + 1)
    st, info = _call(st, a, T0 + 2, b"INFO", b"clients")
    assert _info_field(info, b"blocked_clients") == b"1"
    assert _info_field(info, b"clients_in_timeout_table") == b"0"
    st, lst = _call(st, a, T0 + 2, b"CLIENT", b"LIST")
    line = [ln for ln in lst.split(b"\n") if ln.startswith(b"id=%d " % b)][0]
    assert b" flags=b " in line and b" cmd=set " in line
    st, _ = _call(st, a, T0 + 3, b"CLIENT", b"UNPAUSE")
    st, info = _call(st, a, T0 + 4, b"INFO", b"clients")
    assert _info_field(info, b"blocked_clients") == b"0"
    assert "blocked" not in st.clients[b].flags


def test_postponed_client_disconnecting_leaves_blocked_count() -> None:
    st, a, b = _two_clients()
    st, _ = _call(st, a, T0, b"CLIENT", b"PAUSE", b"10000", b"ALL")
    st, _ = S.client_input(st, b, encode_request([b"GET", b"z"]), T0 + 1)
    assert b in st.blocking.clients
    st = S.client_disconnect(st, b)
    assert b not in st.blocking.clients and st.transport.postponed == ()
