"""Pub/Sub: output-buffer limits (spec level and end to end), keyspace-event delivery, the
freeClient / CLIENT KILL clean-up, and the cost of notifications when they are off."""

from __future__ import annotations

import socket
import time

import pytest
import redis

from redspec.spec import obuf
from redspec.spec.frames import parse_all
from redspec.spec.resp import encode_request
from redspec.spec.server import (
    client_connect,
    client_disconnect,
    client_input,
    client_wrote,
    new_server,
)
from tests.conftest import ServerProcess

NOW = 1_700_000_000_000


def _send(state, cid, *argv, now=NOW):  # type: ignore[no-untyped-def]
    return client_input(state, cid, encode_request([a if isinstance(a, bytes) else str(a).encode()
                                                    for a in argv]), now)


def _drain(state, cid):  # type: ignore[no-untyped-def]
    c = state.clients[cid]
    frames, _ = parse_all(c.reply)
    return client_wrote(state, cid, len(c.reply)), frames


def _subscribed(*argv: str):  # type: ignore[no-untyped-def]
    """A server with a client ``a`` and a client ``b`` that sent ``argv`` (a subscription),
    its replies read: the state, ``a`` and ``b``."""
    st = new_server(NOW)
    st, a = client_connect(st, NOW)
    st, b = client_connect(st, NOW)
    st, _ = _send(st, b, *argv)
    st, _ = _drain(st, b)
    return st, a, b


def test_slow_subscriber_dropped_at_hard_limit_others_served() -> None:
    """A subscriber that never reads is closed once its pending reply passes the pubsub hard
    limit; a subscriber that reads, and the publisher, keep being served."""
    st = new_server(NOW)
    st, slow = client_connect(st, NOW)
    st, fast = client_connect(st, NOW)
    st, pub = client_connect(st, NOW)
    st, _ = _send(st, pub, "CONFIG", "SET", "client-output-buffer-limit", "pubsub 65536 0 0")
    for cid in (slow, fast):
        st, _ = _send(st, cid, "SUBSCRIBE", "ch")
        st, _ = _drain(st, cid)
    msg = b"x" * 10_000
    closed_at = None
    for n in range(1, 30):
        st, eff = _send(st, pub, "PUBLISH", "ch", msg)
        assert eff.output == ((pub, b":%d\r\n" % (2 if closed_at is None else 1)),)
        st, frames = _drain(st, fast)
        assert frames == [b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$10000\r\n" + msg + b"\r\n"]
        if slow in eff.close:
            closed_at = n
            c = st.clients[slow]
            assert c.closing and c.reply == b""  # its backlog is dropped
            st = client_disconnect(st, slow)  # what the server does with Effects.close
        assert closed_at is not None or len(st.clients[slow].reply) <= 65536 + 2 * 16384
    # 7 frames of 10,035 bytes: 70,245 pending, 53,861 past the static buffer = 4 chunks.
    frame = len(b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$10000\r\n") + 10_002
    assert closed_at == 7
    assert obuf.used_memory(6 * frame) < 65536 <= obuf.used_memory(7 * frame)


def test_soft_limit_needs_its_seconds() -> None:
    st = new_server(NOW)
    st, sub = client_connect(st, NOW)
    st, pub = client_connect(st, NOW)
    st, _ = _send(st, pub, "CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 32768 2")
    st, _ = _send(st, sub, "SUBSCRIBE", "ch")
    st, _ = _drain(st, sub)
    big = b"y" * 40_000
    st, eff = _send(st, pub, "PUBLISH", "ch", big, now=NOW)
    assert sub not in eff.close and st.clients[sub].obuf_soft_limit_since == NOW // 1000
    st, eff = _send(st, pub, "PUBLISH", "ch", b"z", now=NOW + 2000)
    assert sub not in eff.close  # 2 s over the limit: not more than the soft seconds yet
    st, eff = _send(st, pub, "PUBLISH", "ch", b"z", now=NOW + 3000)
    assert sub in eff.close


def test_normal_class_limits_own_replies() -> None:
    """A normal client whose own reply passes the normal hard limit is closed unanswered."""
    st = new_server(NOW)
    st, c = client_connect(st, NOW)
    st, _ = _send(st, c, "CONFIG", "SET", "client-output-buffer-limit", "normal 32768 0 0")
    st, _ = _send(st, c, "SET", "k", "v" * 60_000)
    st, eff = _send(st, c, "GET", "k")
    assert eff.output == () and c in eff.close


def test_client_kill_unsubscribes_at_once() -> None:
    st = new_server(NOW)
    st, a = client_connect(st, NOW)
    st, b = client_connect(st, NOW)
    st, _ = _send(st, b, "SUBSCRIBE", "ch")
    st, _ = _send(st, a, "CLIENT", "KILL", "ID", str(b))
    assert b"ch" not in st.pubsub.channels


def test_keyspace_events_reach_subscribers_in_order() -> None:
    st, a, b = _subscribed("SUBSCRIBE", "__keyspace@0__:k", "__keyevent@0__:del")
    st, _ = _send(st, a, "CONFIG", "SET", "notify-keyspace-events", "KEA")
    st, eff = _send(st, a, "SET", "k", "v")
    assert b in eff.wake
    st, _ = _send(st, a, "DEL", "k")
    st, frames = _drain(st, b)
    assert [f.split(b"\r\n")[-2] for f in frames] == [b"set", b"del", b"k"]


def test_new_events_survive_A_spelling() -> None:
    """``KEAn`` prints as ``AKE`` but still sends ``new`` events."""
    st, a, b = _subscribed("SUBSCRIBE", "__keyevent@0__:new")
    st, eff = _send(st, a, "CONFIG", "SET", "notify-keyspace-events", "KEAn")
    st, eff = _send(st, a, "CONFIG", "GET", "notify-keyspace-events")
    assert eff.output[0][1].endswith(b"$3\r\nAKE\r\n")
    st, _ = _send(st, a, "SET", "k", "v")
    st, frames = _drain(st, b)
    assert frames == [b"*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:new\r\n$1\r\nk\r\n"]


def test_events_off_publish_nothing() -> None:
    st, a, b = _subscribed("PSUBSCRIBE", "*")
    st, eff = _send(st, a, "SET", "k", "v")
    assert not eff.wake and not eff.notifications and st.clients[b].reply == b""


# -- end to end: a subscriber socket that never reads -------------------------------------------


def test_e2e_slow_subscriber_closed(redspec_server: ServerProcess) -> None:
    """Against ``redspec serve``: with ``pubsub 1mb 0 0`` a subscriber that never reads is
    disconnected while the publisher keeps being answered; the server does not keep an
    unbounded backlog for it (it is gone from CLIENT LIST)."""
    redspec_server.target().ensure()
    port = redspec_server.port
    r = redis.Redis(host="127.0.0.1", port=port, protocol=2)
    old = r.config_get("client-output-buffer-limit")["client-output-buffer-limit"]
    r.config_set("client-output-buffer-limit", "pubsub 1mb 0 0")
    sub = socket.socket()
    try:
        sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sub.connect(("127.0.0.1", port))
        sub.sendall(encode_request([b"SUBSCRIBE", b"slow"]))
        time.sleep(0.1)
        msg = b"m" * 100_000
        counts = []
        for _ in range(200):  # 20 MB offered
            counts.append(r.publish("slow", msg))
            if counts[-1] == 0:
                break
        assert counts[0] == 1 and counts[-1] == 0, counts[-5:]
        assert r.ping() is True
        assert b"sub=1" not in r.execute_command("CLIENT", "LIST")
        # The socket was closed by the server: reading ends in EOF (or a reset).
        sub.settimeout(5)
        got = 0
        with pytest.raises((ConnectionResetError, EOFError)):
            while True:
                chunk = sub.recv(1 << 16)
                if not chunk:
                    raise EOFError
                got += len(chunk)
        assert got < 8 * 1024 * 1024
    finally:
        sub.close()
        r.config_set("client-output-buffer-limit", old)
        r.close()
