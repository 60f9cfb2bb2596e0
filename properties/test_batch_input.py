"""Mechanism 4: the read events of a turn run as one batch (``spec.server.clients_input``)
and mean exactly ``client_input(state, cid, data, now, 0)`` for each readable client in turn.

The command pool is chosen to hit every reason the batch must settle early or take the
general path: Pub/Sub messages and MONITOR lines for other clients, BLPOP served by another
client's push, CLIENT UNBLOCK, MULTI/EXEC with WATCH touched by another client, CLIENT KILL of
another client, QUIT, SELECT, CLIENT REPLY OFF, CLIENT PAUSE, a big argument cut mid-way,
and a protocol error. States and effects must be equal after every batch; planted bugs in
the settling rule and in the client switch must be caught.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import server as S
from redspec.spec import step as step_mod
from redspec.spec.effects import merge_effects
from redspec.spec.resp import encode_request
from redspec.spec.step import NO_EFFECTS

MECHANISM = "eventloop"

FAST = property_settings(60)
PLANTED = planted_settings(150)

_CMDS = st.sampled_from([
    [b"SET", b"k", b"v"], [b"GET", b"k"], [b"INCR", b"n"], [b"LPUSH", b"l", b"x"],
    [b"BLPOP", b"l", b"0"], [b"SUBSCRIBE", b"ch"], [b"PUBLISH", b"ch", b"m"],
    [b"MONITOR"], [b"MULTI"], [b"EXEC"], [b"WATCH", b"k"], [b"SELECT", b"1"],
    [b"CLIENT", b"REPLY", b"OFF"], [b"CLIENT", b"REPLY", b"ON"], [b"PING"],
    [b"CLIENT", b"KILL", b"ID", b"2"], [b"CLIENT", b"UNBLOCK", b"3"], [b"QUIT"],
    [b"CLIENT", b"PAUSE", b"50", b"WRITE"], [b"CLIENT", b"UNPAUSE"], [b"DEL", b"l", b"k"],
    [b"SET", b"big", b"x" * 70_000], [b"HELLO", b"3"],
])


@st.composite
def batches(draw: Any) -> Any:
    """Up to four clients; a few rounds, each a batch of (client, bytes) in a drawn order,
    sometimes with a request cut short or a protocol error."""
    n = draw(st.integers(1, 4))
    rounds = []
    for _ in range(draw(st.integers(1, 6))):
        order = draw(st.permutations(list(range(n))))
        batch = []
        for i in order[: draw(st.integers(1, n))]:
            cmds = draw(st.lists(_CMDS, min_size=1, max_size=3))
            data = b"".join(encode_request(c) for c in cmds)
            if draw(st.integers(0, 9)) == 0:
                data = data[: draw(st.integers(0, len(data)))]
            if draw(st.integers(0, 19)) == 0:
                data += b"*1\r\n$x\r\n"
            batch.append((i, data))
        rounds.append((draw(st.integers(0, 40)), batch))
    return n, rounds


def check_batches(plan: Any) -> None:
    n, rounds = plan
    a = S.new_server(0)
    ids = []
    for i in range(n):
        a, cid = S.client_connect(a, 0, fd=10 + i)
        ids.append(cid)
    b = a
    now = 1000
    for dt, batch in rounds:
        now += dt
        real = [(ids[i], d) for i, d in batch]
        a, ea = S.clients_input(a, real, now)
        eb = NO_EFFECTS
        for cid, data in real:
            b, e = S.client_input(b, cid, data, now, 0)
            eb = merge_effects(eb, e)
        assert ea == eb, "batch_is_sequential: effects differ"
        assert a == b, "batch_is_sequential: states differ"


@FAST
@given(batches())
def test_batch_is_sequential(plan: Any) -> None:
    """``clients_input`` equals ``client_input`` for each client in batch order."""
    check_batches(plan)


def test_planted_never_settles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the batch never commits early, so messages for a client that reads later
    in the same batch land after its own replies."""
    monkeypatch.setattr(S, "must_settle", lambda s: False)
    with pytest.raises(AssertionError, match="batch_is_sequential"):
        run_given(PLANTED, check_batches, batches())


def test_planted_switch_keeps_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: switching client keeps the previous client's reply list."""
    real = step_mod.Step.switch_client

    def keep_out(self: Any, client_id: int) -> None:
        out = self.out
        real(self, client_id)
        self.out = out

    monkeypatch.setattr(step_mod.Step, "switch_client", keep_out)
    with pytest.raises(AssertionError, match="batch_is_sequential"):
        run_given(PLANTED, check_batches, batches())


# -- the write phase: clients_wrote == client_writable one by one ------------------------------


@st.composite
def writes(draw: Any) -> Any:
    """Clients with pending replies (some closing after them) and how many bytes each
    socket accepted."""
    n = draw(st.integers(1, 5))
    replies = [draw(st.binary(max_size=30)) for _ in range(n)]
    closing = [draw(st.booleans()) for _ in range(n)]
    accepted = {i: draw(st.integers(0, 40)) for i in range(n) if draw(st.booleans())}
    return replies, closing, accepted


def check_writes(plan: Any) -> None:
    from redspec.spec.state import replace

    replies, closing, accepted = plan
    st0 = S.new_server(0)
    ids = []
    for r, cl in zip(replies, closing, strict=True):
        st0, cid = S.client_connect(st0, 0)
        c = replace(st0.clients[cid], reply=r, closing=cl)
        st0 = replace(st0, clients=st0.clients.set(cid, c))
        ids.append(cid)
    acc = {ids[i]: n for i, n in accepted.items()}
    a, ea = S.clients_wrote(st0, acc, 5000)  # at a later second: the writes are interactions
    b, close = st0, set()
    for cid, n in acc.items():
        b, e = S.client_writable(b, cid, n, 5000)
        close |= e.close
    assert a == b, "clients_wrote_is_sequential: states differ"
    assert set(ea.close) == close, "clients_wrote_is_sequential: closes differ"


@FAST
@given(writes())
def test_clients_wrote_is_sequential(plan: Any) -> None:
    """The batched write phase equals ``client_writable(state, cid, n, now)`` for each
    client."""
    check_writes(plan)


def test_planted_wrote_drops_a_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the batched write phase forgets one more byte than the socket took."""
    real = S.clients_wrote
    monkeypatch.setattr(S, "clients_wrote",
                        lambda st_, acc, now=None: real(st_, {c: n + 1 for c, n in acc.items()},
                                                        now))
    with pytest.raises(AssertionError, match="clients_wrote_is_sequential"):
        run_given(PLANTED, check_writes, writes())


def test_planted_wrote_forgets_the_interaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the batched write phase does not count a write as an interaction
    (``lastinteraction``, which the idle ``timeout`` reads)."""
    real = S.clients_wrote
    monkeypatch.setattr(S, "clients_wrote", lambda st_, acc, now=None: real(st_, acc))
    with pytest.raises(AssertionError, match="clients_wrote_is_sequential"):
        run_given(PLANTED, check_writes, writes())
