"""CLIENT REPLY and MONITOR inside a transaction (``execCommand`` + ``prepareClientToWrite``).

Invariants, each with a planted bug that must trip it:

- ``reply_pieces``: what a client receives for commands before MULTI, the queue, EXEC and
  the commands after equals a model in which every piece of output (a reply, the EXEC array
  header, a MONITOR line of the client's own command) is kept or dropped by the CLIENT REPLY
  flags in force when it is added: the EXEC header by the flags EXEC starts with, a reply and
  the own MONITOR line by the flags after the command ran; ``resetClient`` after each
  top-level command (EXEC included, not after each queued command) turns SKIP into "skip the
  next one". A monitor's own line follows each command's reply, inside EXEC's reply too.
- ``exec_silent``: with CLIENT REPLY OFF in force for the whole transaction (no ON queued),
  nothing at all is sent from MULTI to EXEC.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.driver import replies_alone
from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import dispatch as T
from redspec.spec import server as S
from redspec.spec.resp import encode_request
from redspec.spec.transport import monitor_line

MECHANISM = "transactions"

FAST = property_settings(60)
PLANTED = planted_settings(150)

ON, OFF, SKIP = [b"CLIENT", b"REPLY", b"ON"], [b"CLIENT", b"REPLY", b"OFF"], \
    [b"CLIENT", b"REPLY", b"SKIP"]
_REPLY = st.sampled_from([ON, OFF, SKIP])
#: Commands a monitor may run (no keyspace access) and, for other clients, a few more.
_MON_PLAIN = st.sampled_from([[b"PING"], [b"ECHO", b"e"], [b"PING", b"x"]])
_PLAIN = st.sampled_from([[b"PING"], [b"ECHO", b"e"], [b"GET", b"k"], [b"INCR", b"k"],
                          [b"SET", b"k", b"7"]])
ADDR = "127.0.0.1:4242"


@st.composite
def sessions(draw: Any) -> tuple[bool, list[list[bytes]], list[list[bytes]], list[list[bytes]]]:
    """(monitor?, commands before MULTI, the queue, commands after EXEC)."""
    mon = draw(st.booleans())
    op = st.one_of(_REPLY, _MON_PLAIN if mon else _PLAIN)
    return (mon, draw(st.lists(op, max_size=4)), draw(st.lists(op, max_size=6)),
            draw(st.lists(op, max_size=3)))


def _plain_replies(cmds: list[list[bytes]]) -> list[bytes]:
    """The replies of the plain commands run one by one on a fresh server (RESP2)."""
    return replies_alone(cmds)


def model(mon: bool, pre: list[list[bytes]], queue: list[list[bytes]],
          post: list[list[bytes]]) -> bytes:
    """The bytes the client should receive, piece by piece (see the module docstring)."""
    plain = [a for a in pre + queue + post if a[:2] != [b"CLIENT", b"REPLY"]]
    replies = iter(_plain_replies(plain))
    flags = {"off": False, "skip": False, "next": False}
    out: list[bytes] = []

    def quiet() -> bool:
        return flags["off"] or flags["skip"]

    def run(argv: list[bytes]) -> None:
        """One command's effect, then its reply and own MONITOR line."""
        reply = b""
        if argv[:2] == [b"CLIENT", b"REPLY"]:
            if argv[2] == b"ON":
                flags["off"] = flags["skip"] = False
                reply = b"+OK\r\n"
            elif argv[2] == b"OFF":
                flags["off"] = True
            elif not flags["off"]:
                flags["next"] = True
        else:
            reply = next(replies)
        if not quiet():
            out.append(reply)
            if mon:
                out.append(monitor_line(0, 0, ADDR, argv))

    def reset() -> None:
        flags["skip"], flags["next"] = flags["next"], False

    if mon:
        out.append(b"+OK\r\n")  # MONITOR: nothing silences it here (first command)
    for argv in pre:
        run(argv)
        reset()
    if not quiet():  # MULTI
        out.append(b"+OK\r\n")
        if mon:
            out.append(monitor_line(0, 0, ADDR, [b"MULTI"]))
    reset()
    for _ in queue:
        if not quiet():
            out.append(b"+QUEUED\r\n")
        reset()
    if not quiet():  # EXEC: the header, by the flags EXEC starts with
        out.append(b"*%d\r\n" % len(queue))
    for argv in queue:
        run(argv)
    if mon and not quiet():
        out.append(monitor_line(0, 0, ADDR, [b"EXEC"]))
    reset()
    for argv in post:
        run(argv)
        reset()
    return b"".join(out)


def spec_output(mon: bool, pre: list[list[bytes]], queue: list[list[bytes]],
                post: list[list[bytes]], split: int) -> bytes:
    """What the spec sends for the whole session, fed as two reads."""
    cmds = ([[b"MONITOR"]] if mon else []) + pre + [[b"MULTI"]] + queue + [[b"EXEC"]] + post
    data = b"".join(encode_request(a) for a in cmds)
    state = S.new_server(0)
    state, cid = S.client_connect(state, 0, addr=ADDR)
    out = b""
    for part in (data[:split], data[split:]):
        state, eff = S.client_input(state, cid, part, 0)
        out += S.output_for(eff, cid)
    return out


def check_reply_pieces(session: Any, split: int) -> None:
    mon, pre, queue, post = session
    assert spec_output(mon, pre, queue, post, split) == model(mon, pre, queue, post), \
        "reply_pieces: output differs from the piece-by-piece model"


def check_exec_silent(queue: list[list[bytes]], split: int) -> None:
    queue = [a for a in queue if a != ON]
    cmds = [OFF, [b"MULTI"], *queue, [b"EXEC"]]
    data = b"".join(encode_request(a) for a in cmds)
    state = S.new_server(0)
    state, cid = S.client_connect(state, 0)
    out = b""
    for part in (data[:split], data[split:]):
        state, eff = S.client_input(state, cid, part, 0)
        out += S.output_for(eff, cid)
    assert out == b"", "exec_silent: bytes sent under CLIENT REPLY OFF"


_QUEUE = st.lists(st.one_of(_REPLY, _PLAIN), max_size=6)


@FAST
@given(sessions(), st.integers(0, 300))
def test_reply_pieces(session: Any, split: int) -> None:
    """Every piece of a transaction's output is kept or dropped by the flags of its moment."""
    check_reply_pieces(session, split)


@FAST
@given(_QUEUE, st.integers(0, 200))
def test_exec_silent(queue: list[list[bytes]], split: int) -> None:
    """CLIENT REPLY OFF for the whole transaction: nothing is sent."""
    check_exec_silent(queue, split)


def test_reply_pieces_examples() -> None:
    """The cases observed on Redis 7.0.15 that started this (issue #5)."""
    assert spec_output(False, [OFF], [ON], [], 0) == b"+OK\r\n"
    assert spec_output(False, [OFF], [[b"SET", b"a", b"1"], ON, [b"GET", b"a"]], [], 0) == \
        b"+OK\r\n$1\r\n1\r\n"
    assert spec_output(False, [], [[b"SET", b"a", b"1"], OFF, [b"GET", b"a"]], [[b"PING"]],
                       0) == b"+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n"
    line = monitor_line(0, 0, ADDR, [b"PING"])
    assert spec_output(True, [], [[b"PING"]], [], 0) == (
        b"+OK\r\n+OK\r\n" + monitor_line(0, 0, ADDR, [b"MULTI"]) + b"+QUEUED\r\n*1\r\n+PONG\r\n"
        + line + monitor_line(0, 0, ADDR, [b"EXEC"]))


def test_planted_reply_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: EXEC keeps every inner reply whatever the flags (the pre-fix behaviour)."""
    monkeypatch.setattr(T, "reply_kept", lambda c, cmd, frame: True)
    with pytest.raises(AssertionError, match="reply_pieces"):
        run_given(PLANTED, check_reply_pieces, sessions(), st.integers(0, 300))


def test_planted_reply_pieces_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: a monitor's own lines for the queued commands are lost inside EXEC."""
    monkeypatch.setattr(T, "own_monitor_line", lambda s, cmd, argv: b"")
    with pytest.raises(AssertionError, match="reply_pieces"):
        run_given(PLANTED, check_reply_pieces, sessions(), st.integers(0, 300))


def test_planted_exec_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: EXEC's array header ignores CLIENT REPLY OFF."""
    monkeypatch.setattr(T, "reply_suppressed", lambda c: False)
    with pytest.raises(AssertionError, match="exec_silent"):
        run_given(PLANTED, check_exec_silent, _QUEUE, st.integers(0, 200))
