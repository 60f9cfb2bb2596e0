"""Blocking commands (spec.blocking, spec.commands.blocking): serving order, resumed input,
timeouts (pure transitions and the reference server's wake-up, with a virtual clock),
CLIENT UNBLOCK, disconnect clean-up, statistics and introspection."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from redspec.reference.server import Clock, serve
from redspec.spec import blocking as B
from redspec.spec.cron import before_sleep, server_cron
from redspec.spec.server import client_connect, client_disconnect, client_input, new_server
from redspec.spec.state import ServerState

NOW = 1_700_000_000_000


def enc(*args: str | bytes) -> bytes:
    out = b"*%d\r\n" % len(args)
    for a in args:
        b = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out


class World:
    """A spec server with connected clients; ``send`` runs one input transition and returns
    what each client received (own replies and woken clients' pending bytes)."""

    def __init__(self, n: int) -> None:
        self.st: ServerState = new_server(NOW)
        self.ids = []
        for _ in range(n):
            self.st, cid = client_connect(self.st, NOW)
            self.ids.append(cid)
        self.now = NOW

    def send(self, i: int, *args: str | bytes, raw: bytes | None = None) -> dict[int, bytes]:
        self.st, eff = client_input(self.st, self.ids[i], raw if raw is not None else enc(*args),
                                    self.now)
        return self.pending(eff)

    def pending(self, eff: object) -> dict[int, bytes]:
        """Replies per client index: own output plus woken clients' pending bytes."""
        from redspec.spec.server import client_writable

        got: dict[int, bytes] = {}
        for cid, data in eff.output:  # type: ignore[attr-defined]
            got[self.ids.index(cid)] = got.get(self.ids.index(cid), b"") + data
        for cid in sorted(eff.wake):  # type: ignore[attr-defined]
            self.st, e2 = client_writable(self.st, cid)
            for c2, data in e2.output:
                got[self.ids.index(c2)] = got.get(self.ids.index(c2), b"") + data
        return got


def test_blpop_blocks_then_served_and_pipeline_resumes() -> None:
    w = World(2)
    assert w.send(0, raw=enc("BLPOP", "k", "0") + enc("PING") + enc("LLEN", "k")) == {}
    a = w.st.clients[w.ids[0]]
    assert a.info.bpop is not None and "blocked" in a.flags and a.querybuf
    got = w.send(1, "RPUSH", "k", "x", "y")
    assert got[1] == b":2\r\n"
    assert got[0] == b"*2\r\n$1\r\nk\r\n$1\r\nx\r\n+PONG\r\n:1\r\n"
    assert w.st.clients[w.ids[0]].info.bpop is None and not w.st.blocking.keys
    assert not w.st.blocking.clients and w.st.blocking.unblocked == ()


def test_fifo_three_waiters_and_propagation() -> None:
    w = World(4)
    for i in range(3):
        w.send(i, "BRPOP", "k", "0")
    st0 = w.st
    st, eff = client_input(st0, w.ids[3], enc("RPUSH", "k", "a", "b"), NOW)
    assert eff.propagate == ((0, (b"RPUSH", b"k", b"a", b"b")), (0, (b"RPOP", b"k")),
                             (0, (b"RPOP", b"k")))
    w.st = st0
    got = w.send(3, "RPUSH", "k", "a", "b")
    assert got[0] == b"*2\r\n$1\r\nk\r\n$1\r\nb\r\n"
    assert got[1] == b"*2\r\n$1\r\nk\r\n$1\r\na\r\n"
    assert 2 not in got and w.st.blocking.keys[(0, b"k")] == (w.ids[2],)


def test_blocked_inside_exec_answers_null() -> None:
    w = World(1)
    got = w.send(0, raw=enc("MULTI") + enc("BLPOP", "k", "0") + enc("BLMOVE", "k", "d", "LEFT",
                                                                     "LEFT", "0") + enc("EXEC"))
    assert got[0].endswith(b"*2\r\n*-1\r\n$-1\r\n")
    assert not w.st.blocking.clients


def test_timeout_fires_in_before_sleep_and_cron() -> None:
    w = World(2)
    w.send(0, raw=enc("BLPOP", "k", "0.5") + enc("PING"))
    assert B.next_deadline(w.st) == NOW + 500
    st, eff = before_sleep(w.st, NOW + 500)  # not yet: deadline < now is required
    assert st.blocking.clients
    st, eff = before_sleep(w.st, NOW + 501)
    assert not st.blocking.clients and st.clients[w.ids[0]].info.bpop is None
    out = b"".join(d for c, d in eff.output if c == w.ids[0]) + st.clients[w.ids[0]].reply
    assert out == b"*-1\r\n+PONG\r\n"
    st2, _ = server_cron(w.st, NOW + 501)  # clientsCronHandleTimeout
    assert not st2.blocking.clients


def test_client_unblock_and_stats() -> None:
    w = World(2)
    w.send(0, "BZPOPMIN", "z", "0")
    got = w.send(1, "CLIENT", "UNBLOCK", str(w.ids[0]), "ERROR")
    assert got[1] == b":1\r\n"
    assert got[0] == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    stats = w.st.stats
    assert stats.commands["bzpopmin"] == (1, 0, 1)
    assert stats.commands["client|unblock"] == (1, 0, 1)
    assert stats.errors["UNBLOCKED"] == 1
    assert w.send(1, "CLIENT", "UNBLOCK", str(w.ids[0]))[1] == b":0\r\n"


def test_info_and_client_list_while_blocked() -> None:
    w = World(3)
    w.send(0, "BLPOP", "k", "0")
    w.send(1, "BLMOVE", "a", "b", "LEFT", "LEFT", "10")
    info = w.send(2, "INFO", "clients")[2]
    assert b"blocked_clients:2\r\n" in info and b"clients_in_timeout_table:1\r\n" in info
    cl = w.send(2, "CLIENT", "LIST")[2]
    line = [ln for ln in cl.split(b"\n") if ln.startswith(b"id=%d " % w.ids[0])][0]
    assert b" flags=b " in line and b" cmd=blpop " in line


def test_disconnect_removes_waiter() -> None:
    w = World(3)
    w.send(0, "BLPOP", "k", "0")
    w.send(1, "BLPOP", "k", "0")
    w.st = client_disconnect(w.st, w.ids[0])
    assert w.st.blocking.keys[(0, b"k")] == (w.ids[1],)
    got = w.send(2, "RPUSH", "k", "v")
    assert got[1] == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"


def test_timeout_parsing() -> None:
    assert B.parse_timeout(b"0", NOW) == 0
    assert B.parse_timeout(b"0.0001", NOW) == NOW + 1
    assert B.parse_timeout(b"-0.001", NOW) == 0  # the long double product rounds to -0.999..
    assert B.parse_timeout(b"1.5", NOW) == NOW + 1500
    assert B.parse_timeout(b"inf", NOW) == B.TIMEOUT_NEGATIVE
    assert B.parse_timeout(b"1e300", NOW) == B.TIMEOUT_NEGATIVE
    assert B.parse_timeout(b"nan", NOW) == B.TIMEOUT_NOT_FLOAT
    assert B.parse_timeout(b" 1", NOW) == B.TIMEOUT_NOT_FLOAT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_reference_server_times_out_on_virtual_clock_advance() -> None:
    """With ``--clock virtual`` nothing times out until REDSPEC CLOCK ADVANCE passes the
    deadline; then the blocked client gets its null reply. With the wall clock the server
    wakes itself up at the deadline."""

    async def scenario(virtual: bool) -> tuple[bytes, bytes]:
        port = _free_port()
        ready = asyncio.Event()
        task = asyncio.create_task(serve("127.0.0.1", port, ready=ready,
                                         clock=Clock(virtual=virtual)))
        await asyncio.wait_for(ready.wait(), 10)
        r1, w1 = await asyncio.open_connection("127.0.0.1", port)
        r2, w2 = await asyncio.open_connection("127.0.0.1", port)
        try:
            w1.write(enc("BLPOP", "k", "0.2"))
            await w1.drain()
            early = b""
            with contextlib.suppress(asyncio.TimeoutError):
                early = await asyncio.wait_for(r1.read(100), 0.5)
            if virtual:
                w2.write(enc("REDSPEC", "CLOCK", "ADVANCE", "201"))
                await w2.drain()
                await asyncio.wait_for(r2.read(100), 5)
            late = early or await asyncio.wait_for(r1.read(100), 5)
            return early, late
        finally:
            w1.close()
            w2.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    early, late = asyncio.run(scenario(True))
    assert early == b"" and late == b"*-1\r\n"
    early, late = asyncio.run(scenario(False))
    assert early == b"*-1\r\n"
