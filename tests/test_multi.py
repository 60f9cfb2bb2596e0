"""Transactions at the spec level (MULTI/EXEC/DISCARD/WATCH/UNWATCH): statistics, expiry
between WATCH and EXEC (virtual time), propagation wrapping, the watch table's clean-up,
protocol switches inside EXEC, and the dispatch gates. Expected figures were recorded on
Redis 7.0.15 (see tests/differential/cases_multi.py for the byte-for-byte cases)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.spec import dispatch
from redspec.spec.clients import info_line
from redspec.spec.cron import server_cron
from redspec.spec.server import client_connect, client_disconnect, client_input
from tests.differential.rawclient import encode_request
from tests.session import NOW, Session, b


class Two(Session):
    """Two clients on one spec server; ``call`` runs on client 1, ``call2`` on client 2."""

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self.state, self.cid2 = client_connect(self.state, NOW)

    def call2(self, *args: Any) -> bytes:
        return self.call_as(self.cid2, *args)


def test_commandstats_and_counters_match_redis() -> None:
    """EXEC counts as a call; queued commands count when EXEC runs them; refusals while
    queueing are rejected_calls (figures observed on 7.0.15)."""
    s = Session()
    for argv in (["MULTI"], ["SET", "a", "1"], ["SET"], ["GETX"], ["WATCH", "a"], ["MULTI"],
                 ["EXEC"], ["MULTI"], ["SET", "a", "1"], ["WATCH", "a"], ["MULTI"],
                 ["INCR", "a"], ["LPUSH", "a", "x"], ["EXEC"], ["EXEC", "x"], ["MULTI"],
                 ["EXEC", "x"], ["EXEC"]):
        s.call(*argv)
    st = s.state.stats
    assert dict(st.commands) == {
        "exec": (3, 2, 2), "incr": (1, 0, 0), "set": (1, 1, 0), "lpush": (1, 0, 1),
        "watch": (2, 0, 2), "multi": (5, 0, 2),
    }
    assert st.total_commands_processed == 13  # 15 on the server minus RESETSTAT and INFO
    assert st.total_error_replies == 11
    assert dict(st.errors) == {"ERR": 7, "EXECABORT": 3, "WRONGTYPE": 1}


def test_watched_key_expiring_before_exec_aborts() -> None:
    """``isWatchedKeyExpired``: live at WATCH, expired at EXEC (nobody touched it) -> null."""
    s = Two()
    s.call("SET", "k", "v", "PXAT", NOW + 50)
    assert s.call("WATCH", "k") == b"+OK\r\n"
    assert s.call("MULTI") == b"+OK\r\n"
    s.call("SET", "x", "1")
    s.now = NOW + 51
    assert s.call("EXEC") == b"*-1\r\n"
    assert s.call("GET", "x") == b"$-1\r\n"
    # the same but EXEC before the expiry: runs
    s.now = NOW
    s.call("SET", "k", "v", "PXAT", NOW + 50)
    s.call("WATCH", "k")
    s.call("MULTI")
    s.call("SET", "x", "1")
    assert s.call("EXEC") == b"*1\r\n+OK\r\n"


def test_active_expiry_touches_watchers() -> None:
    """The active expire cycle deleting a watched key dirties its watchers."""
    s = Two()
    s.call("SET", "k", "v", "PXAT", NOW + 10)
    s.call("WATCH", "k")
    st = s.state
    for i in range(1, 30):
        st, _ = server_cron(st, NOW + 100 * i)
    s.state = st
    assert b"k" not in s.state.dbs[0].keys
    c = s.state.clients[s.cid]
    assert "dirty_cas" in c.flags and c.watched == ()
    assert not s.state.watched_keys
    s.call("MULTI")
    assert s.call("EXEC") == b"*-1\r\n"


def test_propagation_is_wrapped_in_multi_exec() -> None:
    """More than one propagated command from one EXEC -> MULTI ... EXEC around them; a single
    write is propagated alone; read-only transactions propagate nothing."""
    s = Session()
    s.call("MULTI")
    s.call("SET", "a", "1")
    s.call("GET", "a")
    s.call("INCR", "a")
    eff = s.effects("EXEC")
    assert [argv for _, argv in eff.propagate] == [
        (b"MULTI",), (b"SET", b"a", b"1"), (b"INCR", b"a"), (b"EXEC",)]
    s.call("MULTI")
    s.call("SET", "a", "1")
    s.call("GET", "a")
    assert [argv for _, argv in s.effects("EXEC").propagate] == [(b"SET", b"a", b"1")]
    s.call("MULTI")
    s.call("GET", "a")
    assert s.effects("EXEC").propagate == ()


def test_propagation_follows_select_inside_exec() -> None:
    s = Session()
    s.call("MULTI")
    s.call("SET", "a", "1")
    s.call("SELECT", "3")
    s.call("SET", "b", "2")
    eff = s.effects("EXEC")
    assert list(eff.propagate) == [(0, (b"MULTI",)), (0, (b"SET", b"a", b"1")),
                                   (3, (b"SET", b"b", b"2")), (3, (b"EXEC",))]


def test_disconnect_and_reset_leave_the_watch_table() -> None:
    s = Two()
    s.call("WATCH", "a", "b")
    s.call2("WATCH", "b")
    assert dict(s.state.watched_keys) == {(0, b"a"): (s.cid,), (0, b"b"): (s.cid, s.cid2)}
    s.state = client_disconnect(s.state, s.cid)
    assert dict(s.state.watched_keys) == {(0, b"b"): (s.cid2,)}
    s.call2("MULTI")
    s.call2("SET", "q", "1")
    assert s.call2("RESET") == b"+RESET\r\n"
    assert not s.state.watched_keys
    c = s.state.clients[s.cid2]
    assert c.multi == -1 and c.mstate == () and "multi" not in c.flags


def test_touch_unwatches_the_dirty_client() -> None:
    """7.0 unwatches a client as soon as it is dirtied (its EXEC fails anyway)."""
    s = Two()
    s.call("WATCH", "a", "b", "c")
    s.call2("SET", "b", "1")
    assert not s.state.watched_keys
    assert s.state.clients[s.cid].watched == ()
    assert s.call("WATCH", "d") == b"+OK\r\n"  # dirty already: nothing more is watched
    assert not s.state.watched_keys


def test_hello_inside_multi_switches_following_replies_not_the_header() -> None:
    s = Session()
    s.call("MULTI")
    s.call("HELLO", "3")
    s.call("HSET", "h", "f", "v")
    s.call("HGETALL", "h")
    out = s.call("EXEC")
    assert out.startswith(b"*3\r\n%7\r\n")
    assert out.endswith(b":1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n")


def test_client_info_inside_exec_shows_the_transaction() -> None:
    """Inside EXEC the client still has CLIENT_MULTI and its queue (observed: flags=x,
    multi=4, multi-mem=107 for SET a 1 / INCR a / LPUSH a x / CLIENT INFO)."""
    s = Session()
    for argv in (["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["LPUSH", "a", "x"],
                 ["CLIENT", "INFO"]):
        s.call(*argv)
    out = s.call("EXEC")
    assert b" flags=x " in out and b" multi=4 " in out and b" multi-mem=107 " in out
    c = s.state.clients[s.cid]
    line = info_line(c, NOW)
    assert b" flags=N " in line and b" multi=-1 " in line and b" multi-mem=0 " in line


def test_memory_overhead_in_tot_mem() -> None:
    """tot-mem grows by 56 per watched key, by the argv sums and by 24 per queue slot
    (observed: 2 watched keys +112; MULTI + SET a 1 +29+48)."""
    s = Session()
    base = _tot(info_line(s.state.clients[s.cid], NOW))
    s.call("WATCH", "a", "b")
    assert _tot(info_line(s.state.clients[s.cid], NOW)) == base + 112
    s.call("MULTI")
    s.call("SET", "a", "1")
    assert _tot(info_line(s.state.clients[s.cid], NOW)) == base + 112 + 29 + 48
    s.call("GET", "aaaa")
    assert _tot(info_line(s.state.clients[s.cid], NOW)) == base + 112 + 52 + 48
    s.call("GET", "b")  # a third command: the queue grows to 4 slots
    assert _tot(info_line(s.state.clients[s.cid], NOW)) == base + 280  # observed 37912
    s.call("GET", "c")
    s.call("GET", "d")  # a fifth: 8 slots
    assert _tot(info_line(s.state.clients[s.cid], NOW)) == base + 416  # observed 38048


def _tot(line: bytes) -> int:
    return int(line.split(b" tot-mem=")[1].split(b" ")[0])


def test_in_exec_flag_is_visible_to_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocking commands will read ``s.in_exec`` (``CLIENT_DENY_BLOCKING``) to answer at once."""
    seen: list[bool] = []
    ping = dispatch.TABLE[b"ping"]

    def spy(s: Any, argv: list[bytes]) -> Any:
        seen.append(s.in_exec)
        return ping.handler(s, argv)  # type: ignore[misc]

    monkeypatch.setitem(dispatch.TABLE, b"ping", attrs.evolve(ping, handler=spy))
    s = Session()
    s.call("PING")
    s.call("MULTI")
    s.call("PING")
    s.call("EXEC")
    s.call("PING")
    assert seen == [False, True, False]


def test_no_multi_commands_are_refused_and_doom_the_transaction(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A command flagged no-multi (SAVE, SHUTDOWN, ... none served yet: one is made so here)
    is refused inside MULTI and the EXEC aborts."""
    echo = dispatch.TABLE[b"echo"]
    monkeypatch.setitem(dispatch.TABLE, b"echo",
                        attrs.evolve(echo, flags=echo.flags | {"no_multi"}))
    s = Session()
    assert s.call("ECHO", "x") == b"$1\r\nx\r\n"
    s.call("MULTI")
    assert s.call("ECHO", "x") == b"-ERR Command not allowed inside a transaction\r\n"
    assert s.call("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert s.state.stats.commands["echo"] == (1, 1, 0)


def test_dirty_transaction_stops_queueing() -> None:
    """Once doomed, commands are answered QUEUED but not kept (``multi=`` stops growing)."""
    s = Two()
    s.call("WATCH", "a")
    s.call("MULTI")
    s.call("SET", "x", "1")
    s.call2("SET", "a", "1")
    assert s.call("SET", "y", "1") == b"+QUEUED\r\n"
    c = s.state.clients[s.cid]
    assert c.multi == 1 and len(c.mstate) == 1 and c.flags == frozenset({"multi", "dirty_cas"})
    s.call("MULTI", "extra")  # arity error: flags dirty_exec too
    assert s.call("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"


def test_pipelined_transaction_in_one_read() -> None:
    """MULTI ... EXEC arriving in one read runs as one transition, replies in order."""
    s = Session()
    data = b"".join(encode_request([b(x) for x in argv]) for argv in
                    (["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["EXEC"], ["GET", "a"]))
    s.state, eff = client_input(s.state, s.cid, data, NOW)
    out = b"".join(d for _, d in eff.output)
    assert out == b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n$1\r\n2\r\n"


def test_signal_modified_key_is_cheap_when_nobody_watches(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With an empty watch table the touch function is never entered."""
    from redspec.spec import step as step_mod

    def boom(*a: Any) -> None:
        raise AssertionError("touch_watched_key called with nobody watching")

    monkeypatch.setattr(step_mod, "touch_watched_key", boom)
    s = Session()
    s.call("SET", "a", "1")
    s.call("DEL", "a")
    s.call("WATCH", "b")
    with pytest.raises(AssertionError, match="nobody watching"):
        s.call("SET", "b", "1")
