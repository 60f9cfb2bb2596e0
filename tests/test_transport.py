"""Unit tests of spec.transport and spec.eventloop pieces, and the reference server end to
end (a server in a thread)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from redspec.spec import server as S
from redspec.spec.eventloop import event_loop_turn, pause_tick
from redspec.spec.resp import encode_request
from redspec.spec.transport import (
    NET_MAX_WRITES_PER_EVENT,
    monitor_line,
    repr_arg,
    write_cap,
)


def test_repr_arg_as_observed() -> None:
    # 7.0.15 fed `SET k 'a"b\c\n\x01\xff é'` as this line (probe on a real server)
    arg = 'a"b\\c\n\x01\xff é'.encode()
    assert repr_arg(arg) == b'"a\\"b\\\\c\\n\\x01\\xc3\\xbf \\xc3\\xa9"'
    assert repr_arg(b"") == b'""'
    assert repr_arg(b"\t\r\x07\x08") == b'"\\t\\r\\a\\b"'


def test_monitor_line_and_redaction() -> None:
    assert monitor_line(1795797789926, 3, "127.0.0.1:41310", [b"SET", b"k", b"v"]) == \
        b'+1795797789.926000 [3 127.0.0.1:41310] "SET" "k" "v"\r\n'
    line = monitor_line(0, 0, "a:1", [b"HELLO", b"2", b"AUTH", b"u", b"p", b"SETNAME", b"n"])
    assert line.endswith(b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"\r\n')
    assert monitor_line(0, 0, "a:1", [b"auth", b"x", b"y"]).endswith(
        b'"auth" "(redacted)" "(redacted)"\r\n')


def test_write_cap() -> None:
    st = S.new_server(0)
    assert write_cap(st, None) == NET_MAX_WRITES_PER_EVENT
    assert write_cap(st, 10) == 10
    assert write_cap(st, 1 << 20) == NET_MAX_WRITES_PER_EVENT


def test_pause_ends_at_its_time_only() -> None:
    st = S.new_server(0)
    st, a = S.client_connect(st, 0)
    st, b = S.client_connect(st, 0)
    st, _ = S.client_input(st, a, encode_request([b"CLIENT", b"PAUSE", b"100", b"WRITE"]), 0)
    st, eff = S.client_input(st, b, encode_request([b"SET", b"k", b"v"]) +
                             encode_request([b"GET", b"k"]), 1)
    assert S.output_for(eff, b) == b""
    st, eff = pause_tick(st, 100)  # at the end time: still paused (Redis: end < mstime)
    assert S.output_for(eff, b) == b"" and st.transport.postponed == (b,)
    st, eff = pause_tick(st, 101)
    # the resumed client's replies wait in its output buffer and it is woken to write them
    assert b in eff.wake and st.clients[b].reply == b"+OK\r\n$1\r\nv\r\n"
    assert st.transport.pause_type == 0 and not st.transport.postponed


def test_turn_caps_one_write_event() -> None:
    st = S.new_server(0)
    st, c = S.client_connect(st, 0)
    req = encode_request([b"SET", b"k", b"x" * 200_000]) + encode_request([b"GET", b"k"])
    st, eff = event_loop_turn(st, 0, {c: req}, {c: None})
    first = S.output_for(eff, c)
    assert len(first) == NET_MAX_WRITES_PER_EVENT
    got = first
    for t in range(1, 10):
        st, eff = event_loop_turn(st, t, {}, {c: None})
        got += S.output_for(eff, c)
    assert got == b"+OK\r\n$200000\r\n" + b"x" * 200_000 + b"\r\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(sock: socket.socket, data: bytes, want: bytes) -> bytes:
    sock.sendall(data)
    buf = b""
    deadline = time.monotonic() + 10
    while not buf.endswith(want) and time.monotonic() < deadline:
        buf += sock.recv(1 << 20)
    return buf


@contextlib.contextmanager
def _serving() -> Iterator[int]:
    """A reference server in a thread on a free port, cancelled afterwards."""
    from redspec.reference import server as R

    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = asyncio.Event()
    task: list[asyncio.Task[None]] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        task.append(loop.create_task(R.serve("127.0.0.1", port, ready=ready)))
        try:
            loop.run_until_complete(task[0])
        except (asyncio.CancelledError, Exception):
            pass

    th = threading.Thread(target=run, daemon=True)
    th.start()
    for _ in range(200):
        if ready.is_set():
            break
        time.sleep(0.02)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(task[0].cancel)
        th.join(5)


def test_reference_turns() -> None:
    """The reference server, one turn per loop iteration: pipelines, a big reply over several
    writes, MONITOR and a CLIENT PAUSE that ends by its timer."""
    with _serving() as port:
        a = socket.create_connection(("127.0.0.1", port), timeout=10)
        m = socket.create_connection(("127.0.0.1", port), timeout=10)
        big = b"y" * 150_000
        out = _call(a, encode_request([b"SET", b"k", big]) + encode_request([b"GET", b"k"]) +
                    encode_request([b"PING"]), b"+PONG\r\n")
        assert out == b"+OK\r\n$150000\r\n" + big + b"\r\n+PONG\r\n"
        assert _call(m, encode_request([b"MONITOR"]), b"+OK\r\n") == b"+OK\r\n"
        assert _call(a, encode_request([b"CLIENT", b"PAUSE", b"50", b"WRITE"]), b"+OK\r\n")
        t0 = time.monotonic()
        assert _call(a, encode_request([b"INCR", b"n"]), b":1\r\n") == b":1\r\n"
        assert time.monotonic() - t0 >= 0.03
        feed = _call(m, b"", b'"INCR" "n"\r\n')
        assert feed.endswith(b'"INCR" "n"\r\n') and b'"PAUSE"' not in feed


def test_reference_survives_a_spec_defect(monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect in the spec (here: a planted GET handler that raises for one key) costs only
    the connection whose input triggers it, even when that input shares a turn with other
    clients' input: the others are served, nothing of the failed turn took effect."""
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import strings

    def get(s: Any, argv: list[bytes]) -> Any:
        if argv[1] == b"boom":
            raise RuntimeError("planted spec defect")
        return strings.get(s, argv)

    replace_handler(monkeypatch, b"get", get)
    with _serving() as port:
        good = socket.create_connection(("127.0.0.1", port), timeout=10)
        bad = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert _call(good, encode_request([b"SET", b"k", b"v"]), b"+OK\r\n") == b"+OK\r\n"
        # both in one turn as far as possible: send both, then read
        bad.sendall(encode_request([b"GET", b"boom"]))
        good.sendall(encode_request([b"GET", b"k"]))
        assert _call(good, b"", b"$1\r\nv\r\n") == b"$1\r\nv\r\n"
        bad.settimeout(5)
        assert bad.recv(100) == b""  # closed by the server, no reply
        assert _call(good, encode_request([b"PING"]), b"+PONG\r\n") == b"+PONG\r\n"
