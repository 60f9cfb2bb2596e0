"""Properties of the transport (mechanism 11, pipelining): reply order under any pipelining
and partial-write schedule with the 64 KiB write cap, CLIENT REPLY ON/OFF/SKIP silencing
exactly what it should, and CLIENT PAUSE postponing writes until the pause ends, then running
them in order. Each invariant has a planted bug that it must catch; no transition changes the
state it was given (``input_not_mutated``, ``properties/purity.py``; planted in
``test_purity.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.driver import replies_alone
from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.properties.purity import checked
from redspec.spec import networking
from redspec.spec import server as S
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.resp import encode_request as encode_request
from redspec.spec.transport import NET_MAX_WRITES_PER_EVENT

MECHANISM = "pipelining"

FAST = property_settings(40)
PLANTED = planted_settings(60)


def _cmd(i: int) -> Any:
    """Commands of client ``i`` (its own keys, so running them one by one per client gives the
    same replies whatever the interleaving)."""
    k = f"k{i}".encode()
    return st.one_of(
        st.builds(lambda n: [b"SET", k, b"v" * n], st.sampled_from([0, 3, 20_000, 70_000])),
        st.just([b"GET", k]), st.just([b"APPEND", k, b"xy"]), st.just([b"STRLEN", k]),
        st.just([b"INCR", f"n{i}".encode()]), st.just([b"PING"]),
        st.just([b"GETRANGE", k, b"0", b"-1"]))


def _sequential(cmds: list[list[bytes]]) -> bytes:
    """The replies of running ``cmds`` one by one on a fresh server."""
    return b"".join(replies_alone(cmds))


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:], strict=False) if b > a]


@st.composite
def schedules(draw: Any) -> Any:
    n = draw(st.integers(2, 3))
    clients = []
    for i in range(n):
        cmds = draw(st.lists(_cmd(i), min_size=1, max_size=8))
        data = b"".join(encode_request(a) for a in cmds)
        cuts = draw(st.lists(st.integers(0, 1 << 20), max_size=4))
        clients.append((cmds, _chunks(data, cuts)))
    caps = draw(st.lists(st.one_of(st.none(), st.integers(0, 150_000)), min_size=4,
                         max_size=12))
    return clients, caps


def run_turns(clients: list[tuple[list[list[bytes]], list[bytes]]],
              caps: list[int | None]) -> list[bytes]:
    """Drive event-loop turns: each turn every client delivers its next chunk and its socket
    takes the turn's capacity; then turns with unlimited sockets until nothing is pending.
    Returns what each client received, and checks the per-write cap on the way."""
    state = S.new_server(0)
    ids = []
    for _ in clients:
        state, cid = checked(S.client_connect, state, 0)
        ids.append(cid)
    got = {cid: b"" for cid in ids}
    queues = {cid: list(ch) for cid, (_, ch) in zip(ids, clients, strict=True)}
    t = 0
    while any(queues.values()) or any(state.clients[c].reply for c in ids) or t < len(caps):
        cap = caps[t] if t < len(caps) else None
        readable = {cid: q.pop(0) for cid, q in queues.items() if q}
        state, eff = checked(event_loop_turn, state, 1000 + t, readable,
                             {cid: cap for cid in ids})
        for cid, data in eff.output:
            assert len(data) <= NET_MAX_WRITES_PER_EVENT * 2, "write_cap: one turn wrote too much"
            got[cid] += data
        t += 1
        assert t < 500, "reply_order: output never drained"
    return [got[cid] for cid in ids]


def check_reply_order(sched: Any) -> None:
    clients, caps = sched
    got = run_turns(clients, caps)
    for (cmds, _), out in zip(clients, got, strict=True):
        assert out == _sequential(cmds), "reply_order: reassembled replies differ"


@FAST
@given(schedules())
def test_reply_order(sched: Any) -> None:
    """Replies reassembled per client equal the replies of its commands run one by one."""
    check_reply_order(sched)


def test_planted_reply_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: a partial write drops the byte after what it wrote."""
    real = S.client_wrote

    def lossy(state: Any, client_id: int, n: int, *rest: Any) -> Any:
        c = state.clients.get(client_id)
        if c is not None and 0 < n < len(c.reply):
            n += 1
        return real(state, client_id, n, *rest)

    monkeypatch.setattr(S, "client_wrote", lossy)
    monkeypatch.setattr(networking, "client_wrote", lossy)
    with pytest.raises(AssertionError, match="reply_order"):
        run_given(PLANTED, check_reply_order, schedules())


# -- CLIENT REPLY ------------------------------------------------------------------------------

_OPS = st.lists(st.sampled_from([
    [b"CLIENT", b"REPLY", b"ON"], [b"CLIENT", b"REPLY", b"OFF"], [b"CLIENT", b"REPLY", b"SKIP"],
    [b"GET", b"k"], [b"INCR", b"k"], [b"SET", b"k", b"5"], [b"PING"], [b"NOSUCH"]]),
    max_size=14)


def expected_reply_output(ops: list[list[bytes]]) -> bytes:
    """The model: ON replies +OK and clears OFF/SKIP; OFF silences; SKIP (unless OFF)
    silences exactly the next command; other replies are those of the commands run alone."""
    it = iter(replies_alone([a for a in ops if a[:2] != [b"CLIENT", b"REPLY"]]))
    off = skip = skip_next = False
    out = b""
    for argv in ops:
        if argv[:2] == [b"CLIENT", b"REPLY"]:
            mode = argv[2]
            if mode == b"ON":
                off = skip = False
                out += b"+OK\r\n"
            elif mode == b"OFF":
                off = True
            elif not off:
                skip_next = True
        else:
            f = next(it)
            if not off and not skip:
                out += f
        skip, skip_next = skip_next, False
    return out


def check_client_reply(ops: list[list[bytes]], split: int) -> None:
    state = S.new_server(0)
    state, cid = checked(S.client_connect, state, 0)
    data = b"".join(encode_request(a) for a in ops)
    out = b""
    for part in (data[:split], data[split:]):
        state, eff = checked(S.client_input, state, cid, part, 0)
        out += S.output_for(eff, cid)
    assert out == expected_reply_output(ops), "client_reply: output differs from the model"


#: The arguments of ``check_client_reply``: the commands, and where the input is split in two.
CLIENT_REPLY_ARGS = (_OPS, st.integers(0, 400))


@FAST
@given(*CLIENT_REPLY_ARGS)
def test_client_reply(ops: list[list[bytes]], split: int) -> None:
    """CLIENT REPLY OFF sends nothing, SKIP silences exactly one command, ON resumes."""
    check_client_reply(ops, split)


def test_planted_client_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: SKIP silences every later command (resetClient forgets to drop SKIP)."""
    from redspec.spec import transport as T

    real = T.after_command

    def sticky(s: Any, argv: list[bytes], frame: bytes, called: bool) -> bytes:
        f = s.client.info.flags
        out = real(s, argv, frame, called)
        if "reply_skip" in f:
            s.update_client(flags=s.client.info.flags | {"reply_skip"})
        return out

    monkeypatch.setattr(networking, "after_command", sticky)
    with pytest.raises(AssertionError, match="client_reply"):
        run_given(PLANTED, check_client_reply, *CLIENT_REPLY_ARGS)


# -- CLIENT PAUSE --------------------------------------------------------------------------------

_B_OPS = st.lists(st.sampled_from([
    [b"GET", b"k"], [b"SET", b"k", b"b"], [b"INCR", b"n"], [b"PING"], [b"EXISTS", b"n"],
    [b"DEL", b"k"]]), min_size=1, max_size=10)


def check_pause(ops: list[list[bytes]], by_time: bool) -> None:
    state = S.new_server(0)
    state, a = checked(S.client_connect, state, 0)
    state, b = checked(S.client_connect, state, 0)
    state, _ = checked(S.client_input, state, a, encode_request([b"CLIENT", b"PAUSE", b"5000",
                                                                 b"WRITE"]), 0)
    before = state.dbs[0].keys
    state, eff = checked(S.client_input, state, b, b"".join(encode_request(x) for x in ops), 10)
    out = S.output_for(eff, b)
    first_write = next((i for i, x in enumerate(ops) if x[0] in (b"SET", b"INCR", b"DEL")),
                       len(ops))
    assert state.dbs[0].keys == before, "paused_write_not_executed: a write ran while paused"
    assert out == _sequential(ops[:first_write]), \
        "paused_write_not_executed: replies before the first write differ"
    if by_time:
        from redspec.spec.eventloop import pause_tick

        state, eff = checked(pause_tick, state, 6000)
    else:
        state, eff = checked(S.client_input, state, a, encode_request([b"CLIENT", b"UNPAUSE"]),
                             20)
    out += S.output_for(eff, b) + state.clients[b].reply  # written now, or woken to write
    assert out == _sequential(ops), "postponed_run_in_order: replies after the pause differ"
    assert not state.transport.postponed and state.clients[b].info.bpop is None, \
        "postponed_run_in_order: client still postponed"


#: The arguments of ``check_pause``: the commands, and whether the pause ends by time.
PAUSE_ARGS = (_B_OPS, st.booleans())


@FAST
@given(*PAUSE_ARGS)
def test_pause(ops: list[list[bytes]], by_time: bool) -> None:
    """A paused write is not executed before the pause ends; then everything runs in order."""
    check_pause(ops, by_time)


def test_planted_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the CLIENT PAUSE gate lets writes through."""
    from redspec.spec import dispatch

    monkeypatch.setattr(dispatch, "pause_gate", lambda s, t, cmd: None)
    with pytest.raises(AssertionError, match="paused_write_not_executed"):
        run_given(PLANTED, check_pause, *PAUSE_ARGS)


def test_planted_pause_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the pause ends but postponed clients are forgotten."""
    from redspec.spec import pause as P
    from redspec.spec import transport as T

    def forget(s: Any, postponed: tuple[int, ...]) -> None:
        b = s.part("blocking")
        s.set_part("blocking", T.replace(b, unblocked=()))

    monkeypatch.setattr(P, "_unblock_postponed", forget)
    with pytest.raises(AssertionError, match="postponed_run_in_order"):
        run_given(PLANTED, check_pause, *PAUSE_ARGS)
