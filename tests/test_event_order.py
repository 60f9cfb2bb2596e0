"""Issue 13 §2: the read events of one event-loop iteration run in the order the poll reported
the sockets — epoll's ready order, the order in which they became ready — not by descriptor.

The scenario: A blocks on ``BRPOPLPUSH src dst 0``; W runs ``WATCH dst``, ``MULTI``, ``GET k``
and sends ``EXEC``; right after, R (connected before W: the lower fd) sends ``LPUSH src e``,
which serves A and so touches dst. On Redis 7.0.15 EXEC runs first and succeeds (20 of 20);
had R's LPUSH run first, EXEC would abort.

- the spec: ``clients_input`` and ``event_loop_turn`` take the order as an input and keep it;
- asyncio: the readiness callbacks of one poll fire in the order epoll returned the sockets,
  with asyncio's own epoll selector loop and with uvloop, before anything the first of them
  schedules (the reference server's turn);
- the reference server keeps that order (in process on both loops; end to end against
  ``redspec serve``, and the same script against ``redis-server``).

The byte-for-byte differential cases are in ``tests/differential/cases_multi.py`` ("... on a
lower fd", harness marker ``"@N&"``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import select
import selectors
import socket
from collections.abc import Callable
from typing import Any

import pytest

from redspec.reference import server as R
from redspec.spec import eventloop as E
from redspec.spec import server as S
from redspec.spec.frames import parse_all
from redspec.spec.resp import encode_request
from redspec.spec.state import ServerState
from tests.conftest import ServerProcess, free_port

NOW = 1_700_000_000_000
EXEC = encode_request([b"EXEC"])
LPUSH = encode_request([b"LPUSH", b"src", b"e"])
EXEC_OK = b"*1\r\n$-1\r\n"  # EXEC ran: [GET k -> nil]
EXEC_ABORTED = b"*-1\r\n"

# --------------------------------------------------------------------------- the spec


def _scenario() -> tuple[ServerState, int, int, int]:
    """A (fd 10) blocked on BRPOPLPUSH src dst 0; R (fd 11); W (fd 12) inside MULTI with dst
    watched. Returns the state and the ids of A, R, W."""
    st = S.new_server(NOW)
    ids = []
    for fd in (10, 11, 12):
        st, cid = S.client_connect(st, NOW, fd=fd)
        ids.append(cid)
    a, r, w = ids
    st, _ = S.client_input(st, a, encode_request([b"BRPOPLPUSH", b"src", b"dst", b"0"]), NOW)
    for argv in ([b"WATCH", b"dst"], [b"MULTI"], [b"GET", b"k"]):
        st, _ = S.client_input(st, w, encode_request(argv), NOW)
    assert st.clients[a].info.bpop is not None
    return st, a, r, w


def test_clients_input_keeps_the_given_order() -> None:
    """[(W, EXEC), (R, LPUSH)]: EXEC runs first and succeeds; [(R, LPUSH), (W, EXEC)]: the
    LPUSH serves A, which pushes to the watched dst, and EXEC aborts. The fds (R lower) play
    no part."""
    st, a, r, w = _scenario()
    first, _ = S.clients_input(st, [(w, EXEC), (r, LPUSH)], NOW)
    assert first.clients[w].reply == EXEC_OK
    assert first.clients[r].reply == b":1\r\n"
    assert first.clients[a].reply == b"$1\r\ne\r\n"
    second, _ = S.clients_input(st, [(r, LPUSH), (w, EXEC)], NOW)
    assert second.clients[w].reply == EXEC_ABORTED
    assert second.clients[a].reply == b"$1\r\ne\r\n"


def test_event_loop_turn_keeps_the_poll_order() -> None:
    """``event_loop_turn``: ``readable``'s order is the poll's; it is not re-sorted by fd."""
    st, a, r, w = _scenario()
    assert E.file_event_order(st, {w: EXEC, r: LPUSH}, {a: None}) == [w, r, a]
    assert E.file_event_order(st, {r: LPUSH, w: EXEC}, {a: None, w: None}) == [r, w, a]
    first, _ = E.event_loop_turn(st, NOW, {w: EXEC, r: LPUSH}, {})
    assert first.clients[w].reply == EXEC_OK
    second, _ = E.event_loop_turn(st, NOW, {r: LPUSH, w: EXEC}, {})
    assert second.clients[w].reply == EXEC_ABORTED


# --------------------------------------------------------------------------- the poll

LOOPS = ["epoll-selector", "uvloop"]


def _loop_factory(kind: str) -> Callable[[], asyncio.AbstractEventLoop]:
    if kind == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        return uvloop.new_event_loop  # type: ignore[no-any-return]
    return lambda: asyncio.SelectorEventLoop(selectors.EpollSelector())


ORDERS = [[3, 0, 5, 1, 4, 2], [5, 4, 3, 2, 1, 0]]


@pytest.mark.parametrize("order", ORDERS, ids=str)
def test_epoll_reports_sockets_in_the_order_they_became_ready(order: list[int]) -> None:
    """The kernel fact: registered in fd order, made readable in ``order``, one
    ``epoll_wait`` returns them in ``order``."""
    pairs = [socket.socketpair() for _ in order]
    ep = select.epoll()
    try:
        by_fd = {}
        for i, (rd, _) in enumerate(pairs):
            ep.register(rd.fileno(), select.EPOLLIN)
            by_fd[rd.fileno()] = i
        for i in order:
            pairs[i][1].send(b"x")
        assert [by_fd[fd] for fd, _ in ep.poll(0)] == order
    finally:
        ep.close()
        for p in pairs:
            for s in p:
                s.close()


@pytest.mark.parametrize("order", ORDERS, ids=str)
@pytest.mark.parametrize("kind", LOOPS)
def test_reader_callbacks_fire_in_ready_order(kind: str, order: list[int]) -> None:
    """asyncio's epoll selector loop and uvloop: the ``add_reader`` callbacks of one poll run
    in the order the sockets became ready (not by fd), all of them before a callback the
    first one schedules with ``call_soon`` (the reference server's turn)."""
    pairs = [socket.socketpair() for _ in order]
    fired: list[int | str] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def turn() -> None:
            fired.append("turn")
            if not done.done():
                done.set_result(None)

        def readable(i: int) -> None:
            pairs[i][0].recv(16)
            if not fired:
                loop.call_soon(turn)
            fired.append(i)

        for i, (rd, _) in enumerate(pairs):  # registered in fd order
            loop.add_reader(rd.fileno(), readable, i)

        def write_all() -> None:  # one callback: all ready before the next poll
            for i in order:
                pairs[i][1].send(b"x")

        loop.call_soon(write_all)
        await asyncio.wait_for(done, 5)
        await asyncio.sleep(0)
        for rd, _ in pairs:
            loop.remove_reader(rd.fileno())

    try:
        with asyncio.Runner(loop_factory=_loop_factory(kind)) as runner:
            runner.run(main())
    finally:
        for p in pairs:
            for s in p:
                s.close()
    assert fired == [*order, "turn"]


# --------------------------------------------------------------------------- the reference


def _frames(sock: socket.socket, n: int, timeout: float = 5.0) -> list[bytes]:
    """Read ``n`` reply frames from a blocking socket."""
    sock.settimeout(timeout)
    buf = b""
    out: list[bytes] = []
    while len(out) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        frames, buf = parse_all(buf + chunk)
        out += frames
    return out


def _connect(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=5.0)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _call(s: socket.socket, *argv: bytes | str) -> bytes:
    s.sendall(encode_request([x if isinstance(x, bytes) else x.encode() for x in argv]))
    return _frames(s, 1)[0]


def exec_then_lpush(port: int) -> tuple[bytes, int, int]:
    """One run of the scenario on a server; returns EXEC's reply and R's and W's client ids."""
    setup = _connect(port)
    assert _call(setup, "FLUSHALL") == b"+OK\r\n"
    setup.close()
    a, r, w = _connect(port), _connect(port), _connect(port)  # R before W: the lower fd
    try:
        ids = [int(_call(c, "CLIENT", "ID")[1:-2]) for c in (r, w)]
        a.sendall(encode_request([b"BRPOPLPUSH", b"src", b"dst", b"0"]))
        for argv in (["WATCH", "dst"], ["MULTI"], ["GET", "k"]):
            _call(w, *argv)
        w.sendall(EXEC)
        r.sendall(LPUSH)  # right behind EXEC, on the other connection
        got = _frames(w, 1)[0]
        assert _frames(r, 1) == [b":1\r\n"]
        assert _frames(a, 1) == [b"$1\r\ne\r\n"]
        return got, ids[0], ids[1]
    finally:
        for c in (a, r, w):
            c.close()


@pytest.mark.parametrize("kind", LOOPS)
def test_reference_keeps_arrival_order_in_process(kind: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference server on each loop, in process; the client's two sends come from
    another thread. EXEC wins every time, and in every turn that read both, W came first."""
    import threading

    turns: list[list[int]] = []
    real = R.event_loop_turn

    def recording(state: Any, now: int, readable: Any, writable: Any, *port: Any) -> Any:
        turns.append(list(readable))
        return real(state, now, readable, writable, *port)

    monkeypatch.setattr(R, "event_loop_turn", recording)
    port = free_port()
    started = threading.Event()
    stop: list[Callable[[], object]] = []

    async def main() -> None:
        ready = asyncio.Event()
        task = asyncio.ensure_future(R.serve("127.0.0.1", port, ready=ready))
        await ready.wait()
        loop = asyncio.get_running_loop()
        stop.append(lambda: loop.call_soon_threadsafe(task.cancel))
        started.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    thresholds = gc.get_threshold()

    def run() -> None:
        with asyncio.Runner(loop_factory=_loop_factory(kind)) as runner:
            runner.run(main())

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        assert started.wait(10)
        results = []
        for _ in range(10):
            got, rid, wid = exec_then_lpush(port)
            results.append(got)
            for order in turns:
                if rid in order and wid in order:
                    assert order.index(wid) < order.index(rid), order
    finally:
        if stop:
            stop[0]()
        t.join(10)
        gc.set_threshold(*thresholds)
    assert results == [EXEC_OK] * 10


@pytest.mark.parametrize("server", ["redis", "redspec"])
def test_exec_before_a_later_lpush_end_to_end(server: str, request: pytest.FixtureRequest
                                               ) -> None:
    """The reproduction against ``redis-server`` 7.0.15 and ``redspec serve``: 20 runs, EXEC
    succeeds in all of them on both (before the fix redspec aborted it 20 times of 20)."""
    sp: ServerProcess = request.getfixturevalue(f"{server}_server")
    sp.target().ensure()
    results = [exec_then_lpush(sp.port)[0] for _ in range(20)]
    assert results == [EXEC_OK] * 20
