"""The client idle ``timeout`` (``clientsCron`` → ``clientsCronHandleTimeout``;
``spec.clients.clients_cron``): which clients it closes, when, how many per serverCron call,
what counts as an interaction — on the pure transitions, on the reference server's virtual
clock, and live against Redis 7.0.15 (``properties/test_idle_timeout_props.py`` holds the
boundary and walk properties with their planted bugs)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redspec.reference.server import Clock, serve
from redspec.spec import server as S
from redspec.spec.aof import take_ops
from redspec.spec.clients import clients_cron_iterations, idle_timed_out
from redspec.spec.cron import before_sleep, server_cron
from redspec.spec.resp import encode_request
from redspec.spec.state import Client
from tests.conftest import free_port
from tests.dropin_harness import Started, pick_server, start_like_redis, stopping

T0 = 1_700_000_000_000


def enc(*args: str) -> bytes:
    return encode_request([a.encode() for a in args])


def _server(timeout: int = 1, hz: int = 10) -> tuple[Any, int]:
    """A server with ``timeout`` set by an admin client (returned; it runs at T0)."""
    s = S.new_server(T0)
    s, admin = S.client_connect(s, T0)
    s, r = S.run_command(s, admin, [b"CONFIG", b"SET", b"timeout", b"%d" % timeout,
                                    b"hz", b"%d" % hz], T0)
    assert r == b"+OK\r\n"
    return s, admin


def _client(s: Any, *commands: list[bytes]) -> tuple[Any, int]:
    s, c = S.client_connect(s, T0)
    for argv in commands:
        s, _ = S.client_input(s, c, encode_request(argv), T0)
    return s, c


#: What 7.0.15 does with each kind of client idle for more than ``timeout`` seconds (checked
#: live by ``test_exemptions_agree_with_redis`` below): True = closed.
KINDS: dict[str, tuple[bool, list[list[bytes]]]] = {
    "plain": (True, [[b"PING"]]),
    "multi": (True, [[b"MULTI"]]),
    "subscribe": (False, [[b"SUBSCRIBE", b"a"]]),
    "subscribe-resp3": (False, [[b"HELLO", b"3"], [b"SUBSCRIBE", b"a"]]),
    "psubscribe": (False, [[b"PSUBSCRIBE", b"a*"]]),
    "ssubscribe": (False, [[b"SSUBSCRIBE", b"b"]]),
    "subscribe-ssubscribe-unsubscribe": (False, [[b"SUBSCRIBE", b"a"], [b"SSUBSCRIBE", b"b"],
                                                 [b"UNSUBSCRIBE", b"a"]]),
    "subscribe-unsubscribe": (True, [[b"SUBSCRIBE", b"a"], [b"UNSUBSCRIBE", b"a"]]),
    "ssubscribe-sunsubscribe": (True, [[b"SSUBSCRIBE", b"b"], [b"SUNSUBSCRIBE", b"b"]]),
    "resp3-unsubscribe": (True, [[b"HELLO", b"3"], [b"SUBSCRIBE", b"a"], [b"UNSUBSCRIBE"]]),
    "monitor": (False, [[b"MONITOR"]]),
    "blpop": (False, [[b"BLPOP", b"nokey", b"0"]]),
    "blpop-with-timeout": (False, [[b"BLPOP", b"nokey", b"30"]]),
    "wait": (False, [[b"WAIT", b"1", b"0"]]),
}


def test_which_clients_the_timeout_closes() -> None:
    """Replicas and MONITORs, the master link, blocked clients and Pub/Sub clients (RESP2 or
    RESP3, shard channels included) are never closed for being idle; others are."""
    s, admin = _server()
    ids = {}
    for name, (_closed, cmds) in KINDS.items():
        s, ids[name] = _client(s, *cmds)
    closed_ids: set[int] = set()
    for step in range(5):  # 15 clients at hz 10: 5 a call, every client seen by the third
        now = T0 + 5000 + step * 100
        s, _ = S.run_command(s, admin, [b"PING"], now)
        s, eff = server_cron(s, now)
        closed_ids |= eff.close
    for name, (closed, _cmds) in KINDS.items():
        assert (ids[name] in closed_ids) is closed, name
    assert admin not in closed_ids
    for flags in ({"replica"}, {"replica", "monitor"}, {"master"}):
        assert not idle_timed_out(Client(1, flags=frozenset(flags), last_interaction_ms=0),
                                  T0, 1)
    assert idle_timed_out(Client(1, last_interaction_ms=0), T0, 1)
    assert not idle_timed_out(Client(1, last_interaction_ms=0), T0, 0)  # timeout 0: never


def test_closing_logs_at_verbose_level_and_frees() -> None:
    s, admin = _server()
    s, a = _client(s, [b"PING"])
    s, eff = server_cron(s, T0 + 2000)
    assert eff.close == {admin, a}
    s, ops = take_ops(s)
    assert ops == (("log", "verbose", "Closing idle client"),) * 2
    assert s.clients[a].closing and s.clients[a].reply == b""


def test_budget_per_call_as_measured_on_redis() -> None:
    """200 idle clients at hz 10: Redis 7.0.15 closed 20, 18, 16, 14, 13, 11, 10, 9, 8, 8, 7,
    6, 6, 5, 5, ... per serverCron (its log's "Closing idle client" lines per 100 ms):
    ``numclients / hz`` a call, at least 5."""
    s = S.new_server(T0)
    s, _ = server_cron(s, T0)
    s, admin = S.client_connect(s, T0)
    s, _ = S.run_command(s, admin, [b"CONFIG", b"SET", b"timeout", b"1"], T0)
    for _ in range(199):
        s, _c = S.client_connect(s, T0)
    got = []
    now = T0 + 2000
    while s.clients:
        s, eff = server_cron(s, now)
        got.append(len(eff.close))
        for cid in eff.close:
            s = S.client_disconnect(s, cid, now)
        now += 100
    assert got[:15] == [20, 18, 16, 14, 13, 11, 10, 9, 8, 8, 7, 6, 6, 5, 5]
    assert sum(got) == 200 and got[-1] <= 5
    assert [clients_cron_iterations(n, 10) for n in (0, 3, 5, 49, 50, 200)] == \
        [0, 3, 5, 5, 5, 20]


def test_newest_clients_are_visited_first() -> None:
    """``listRotateTailToHead`` then the head: a call walks from the list's tail; with 12
    clients and hz 10 the first call closes the five newest."""
    s, admin = _server()
    ids = [admin]
    for _ in range(11):
        s, c = S.client_connect(s, T0)
        ids.append(c)
    s, eff = server_cron(s, T0 + 2000)
    assert sorted(eff.close) == ids[-5:]


def test_a_write_is_an_interaction() -> None:
    """``writeToClient`` sets ``lastinteraction`` when it sends something: a BCAST tracking
    client that only receives invalidations stays (7.0.15 does the same: checked live in
    ``test_idle_client_closed_others_kept``); CLIENT LIST's ``idle=`` counts from the
    write."""
    s, admin = _server(timeout=2)
    s, a = _client(s, [b"HELLO", b"3"], [b"CLIENT", b"TRACKING", b"ON", b"BCAST"])
    s, quiet = _client(s, [b"PING"])
    closed: set[int] = set()
    for t in range(1, 6):
        now = T0 + t * 1000
        s, _ = S.run_command(s, admin, [b"SET", b"k", b"v"], now)
        s, eff = server_cron(s, now)
        closed |= eff.close
        s, _ = before_sleep(s, now)  # the BCAST invalidations are queued here
        s, _ = S.clients_wrote(s, {a: len(s.clients[a].reply)}, now)
    _s, line = S.run_command(s, admin, [b"CLIENT", b"LIST", b"ID", b"%d" % a], T0 + 6000)
    assert b" idle=1 " in line
    s, eff = server_cron(s, T0 + 6000)
    closed |= eff.close
    assert a not in closed and quiet in closed


# -- the reference server on its virtual clock --------------------------------------------


def test_reference_server_boundary_on_the_virtual_clock() -> None:
    """With ``--clock virtual``: a client idle exactly ``timeout`` seconds (its last command
    at T0, a serverCron at T0 + 2.9 s) is still served; the serverCron at the first
    millisecond of the next second closes it."""

    async def scenario() -> tuple[bytes, bytes, bytes]:
        port = free_port()
        ready = asyncio.Event()
        task = asyncio.create_task(serve("127.0.0.1", port, ready=ready,
                                         clock=Clock(virtual=True, start_ms=T0)))
        await asyncio.wait_for(ready.wait(), 10)
        ra, wa = await asyncio.open_connection("127.0.0.1", port)
        rb, wb = await asyncio.open_connection("127.0.0.1", port)

        async def admin(*args: str) -> bytes:
            wb.write(enc(*args))
            await wb.drain()
            return await asyncio.wait_for(rb.read(1000), 10)

        try:
            assert await admin("CONFIG", "SET", "timeout", "2") == b"+OK\r\n"
            wa.write(enc("PING"))
            await wa.drain()
            assert await asyncio.wait_for(ra.read(100), 10) == b"+PONG\r\n"
            # serverCron runs every 100 ms of the clock's time (hz 10): at 2900, then 3000
            await admin("REDSPEC", "CLOCK", "SET", str(T0 + 2900))
            await admin("PING")  # the turn at the new time (with its serverCron) has run
            listing = await admin("CLIENT", "LIST")
            kept = b""
            with contextlib.suppress(asyncio.TimeoutError):
                kept = await asyncio.wait_for(ra.read(100), 0.3)
            await admin("REDSPEC", "CLOCK", "SET", str(T0 + 3000))
            await admin("PING")
            gone = await asyncio.wait_for(ra.read(100), 10)
            return listing, kept, gone
        finally:
            wa.close()
            wb.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    listing, kept, gone = asyncio.run(scenario())
    assert b"idle=2 " in listing
    assert kept == b"" and gone == b""


# -- live against Redis 7.0.15 --------------------------------------------------------------


@pytest.fixture
def servers() -> Iterator[list[Started]]:
    yield from stopping()


def _open(port: int, cmds: list[list[bytes]]) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    for argv in cmds:
        s.sendall(encode_request(argv))
    return s


def _state(s: socket.socket) -> str:
    """"closed" when the server closed the connection (after whatever it had sent), else
    "open"."""
    s.setblocking(False)
    try:
        while True:
            data = s.recv(65536)
            if not data:
                return "closed"
    except (BlockingIOError, InterruptedError):
        return "open"
    except ConnectionResetError:
        return "closed"


@pytest.mark.parametrize("exe", ["redis-server", "redspec-server"])
def test_idle_client_closed_others_kept(exe: str, tmp_path: Path,
                                        servers: list[Started]) -> None:
    """``timeout 1`` on redis-server 7.0.15 and on redspec-server alike: every kind of
    client of :data:`KINDS` (and a BCAST tracking client that keeps receiving
    invalidations) left idle; the ones Redis closes are closed within a generous deadline,
    and the others are still open afterwards; both log ``- Closing idle client``."""
    srv = start_like_redis(pick_server(exe), tmp_path / exe,
                           'timeout 1\nloglevel verbose\nsave ""\nbind 127.0.0.1\n')
    servers.append(srv)
    socks = {name: _open(srv.port, cmds) for name, (_c, cmds) in KINDS.items()}
    tracker = _open(srv.port, [[b"HELLO", b"3"], [b"CLIENT", b"TRACKING", b"ON", b"BCAST"]])
    writer = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    closing = [n for n, (c, _cmds) in KINDS.items() if c]
    deadline = time.monotonic() + 30
    started = time.monotonic()
    while time.monotonic() < deadline:
        writer.sendall(enc("SET", "k", "v"))
        assert writer.recv(100) == b"+OK\r\n"
        if all(_state(socks[n]) == "closed" for n in closing) and \
                time.monotonic() - started > 4:
            break
        time.sleep(0.2)
    states = {n: _state(s) for n, s in socks.items()}
    assert states == {n: "closed" if c else "open" for n, (c, _cmds) in KINDS.items()}
    assert _state(tracker) == "open"
    lines = srv.lines()
    assert sum(line.endswith(" - Closing idle client") for line in lines) >= len(closing)
    for s in [*socks.values(), tracker, writer]:
        s.close()
