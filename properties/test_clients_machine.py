"""Client lifecycle as a Hypothesis state machine (mechanism 3, docs/mechanisms/clients.md).

Clients connect, disconnect, name themselves, select databases, switch protocol, run commands
and kill each other. After every step these invariants must hold:

- ``ids_unique_and_below_next``: every client's id is its key, ids are distinct, and each is
  below ``next_client_id``;
- ``ids_never_reused``: a new connection never gets an id seen before;
- ``gone_clients_are_gone``: a disconnected client, or a killed one once its close effect has
  been applied (``client_disconnect``), is not in ``state.clients``;
- ``client_list_one_line_each``: CLIENT LIST has exactly one line per connected client;
- ``db_in_range`` and ``resp_is_2_or_3``;
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).

Each invariant has a planted-bug test below that breaks the spec and shows the machine
catching it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

import redspec.spec.commands.clients as client_cmds
import redspec.spec.server as S
from redspec.properties.planted import machine_test
from redspec.properties.purity import checked
from redspec.spec.resp import encode_request
from redspec.spec.step import Effects, Step

MECHANISM = "clients"

T0 = 1_700_000_000_000


names = st.sampled_from([b"", b"a", b"worker-1", b"x y", b"~!", b"\xc3\xa9"])


class ClientsMachine(RuleBasedStateMachine):
    clients = Bundle("clients")

    def __init__(self) -> None:
        super().__init__()
        self.state = S.new_server(T0)
        self.now = T0
        self.issued: set[int] = set()
        self.connected: set[int] = set()
        self.gone: set[int] = set()
        self.last_new: int | None = None
        self.reused = False

    # -- helpers ------------------------------------------------------------------------------

    def send(self, cid: int, *args: bytes | str | int) -> bytes:
        """Send one command; apply the effects as the reference server does (close =
        disconnect after the reply is written). Returns the reply bytes."""
        self.now += 7
        before = self.state.clients.get(cid)
        self.state, eff = checked(S.client_input, self.state, cid, encode_request(args), self.now)
        out = S.output_for(eff, cid)
        self.apply(eff)
        if before is None:
            assert out == b""
        return out

    def apply(self, eff: Effects) -> None:
        for victim in eff.close:
            self.state = checked(S.client_disconnect, self.state, victim)
            if victim in self.connected:
                self.connected.discard(victim)
                self.gone.add(victim)

    # -- rules --------------------------------------------------------------------------------

    @rule(target=clients)
    def connect(self) -> int:
        self.now += 1000
        self.state, cid = checked(S.client_connect, self.state, self.now,
                                  addr=f"127.0.0.1:{40000 + len(self.issued)}")
        if cid in self.issued:
            self.reused = True
        self.issued.add(cid)
        self.connected.add(cid)
        self.gone.discard(cid)
        self.last_new = cid
        return cid

    @rule(cid=consumes(clients))
    def disconnect(self, cid: int) -> None:
        self.state = checked(S.client_disconnect, self.state, cid)
        if cid in self.connected:
            self.connected.discard(cid)
            self.gone.add(cid)

    @rule(cid=clients, name=names)
    def setname(self, cid: int, name: bytes) -> None:
        r = self.send(cid, "CLIENT", "SETNAME", name)
        if cid in self.connected:
            assert r in (b"+OK\r\n", b"-ERR Client names cannot contain spaces, newlines or "
                                     b"special characters.\r\n")

    @rule(cid=clients, db=st.integers(-1, 17))
    def select(self, cid: int, db: int) -> None:
        self.send(cid, "SELECT", db)

    @rule(cid=clients, ver=st.sampled_from([1, 2, 3, 4]))
    def hello(self, cid: int, ver: int) -> None:
        self.send(cid, "HELLO", ver)

    @rule(cid=clients)
    def reset(self, cid: int) -> None:
        r = self.send(cid, "RESET")
        if cid in self.connected:
            assert r == b"+RESET\r\n"

    @rule(killer=clients, victim=clients, skipme=st.sampled_from(["yes", "no"]))
    def kill(self, killer: int, victim: int, skipme: str) -> None:
        alive = killer in self.connected
        expect = victim in self.connected and (victim != killer or skipme == "no")
        r = self.send(killer, "CLIENT", "KILL", "ID", victim, "SKIPME", skipme)
        if alive:
            assert r == (b":1\r\n" if expect else b":0\r\n"), r
            if expect:  # the victim is gone once the kill's effects were applied
                self.connected.discard(victim)
                self.gone.add(victim)

    @rule(cid=clients, cmd=st.sampled_from([("PING",), ("SET", "k", "v"), ("GET", "k"),
                                           ("ECHO", "e"), ("NOSUCH",), ("CLIENT", "INFO"),
                                           ("QUIT",)]))
    def run(self, cid: int, cmd: tuple[str, ...]) -> None:
        self.send(cid, *cmd)

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def ids_unique_and_below_next(self) -> None:
        ids = [c.id for c in self.state.clients.values()]
        assert len(ids) == len(set(ids))
        for k, c in self.state.clients.items():
            assert k == c.id
            assert c.id < self.state.next_client_id

    @invariant()
    def ids_never_reused(self) -> None:
        assert not self.reused

    @invariant()
    def gone_clients_are_gone(self) -> None:
        for cid in self.gone:
            assert cid not in self.state.clients, cid
        assert set(self.state.clients) == self.connected

    @invariant()
    def db_in_range(self) -> None:
        n = len(self.state.dbs)
        for c in self.state.clients.values():
            assert 0 <= c.db < n

    @invariant()
    def resp_is_2_or_3(self) -> None:
        for c in self.state.clients.values():
            assert c.resp in (2, 3)


    @invariant()
    def client_list_one_line_each(self) -> None:
        if not self.state.clients:
            return
        cid = next(iter(self.state.clients))
        c = self.state.clients[cid]
        if c.closing or not c.authenticated or not 0 <= c.db < len(self.state.dbs):
            return  # (a bad db index is db_in_range's to report)
        s = Step(self.state, self.now, cid)
        from redspec.spec.dispatch import run_and_encode

        frame = run_and_encode(s, [b"CLIENT", b"LIST"])
        body = frame.split(b"\r\n", 1)[1]
        if body.startswith(b"txt:"):
            body = body[4:]
        lines = [ln for ln in body[:-2].split(b"\n") if ln]
        assert len(lines) == len(self.state.clients), (lines, list(self.state.clients))
        seen = sorted(int(ln.split(b" ", 1)[0][3:]) for ln in lines)
        assert seen == sorted(self.state.clients)


TestClientsMachine = machine_test(ClientsMachine, max_examples=150, steps=30, health=HealthCheck)


# -- planted bugs: each invariant must catch its bug ------------------------------------------

# No shrinking: the test only needs to know that the bug is caught, not its smallest example.
BUG_SETTINGS = settings(max_examples=300, stateful_step_count=30, deadline=None,
                        suppress_health_check=list(HealthCheck), database=None,
                        phases=[Phase.generate], report_multiple_bugs=False)


def _must_fail() -> None:
    # An invariant's AssertionError, or (several distinct failures) an ExceptionGroup of them.
    with pytest.raises((AssertionError, ExceptionGroup)):
        run_state_machine_as_test(ClientsMachine, settings=BUG_SETTINGS)


def test_planted_id_reuse(monkeypatch: pytest.MonkeyPatch) -> None:
    """client_connect hands out the lowest free id instead of a fresh one."""
    real = S.client_connect

    def reuse(state: Any, now_ms: int, **kw: Any) -> Any:
        st_, cid = real(state, now_ms, **kw)
        free = 1
        while free in state.clients:
            free += 1
        if free != cid:
            c = st_.clients[cid]
            import attrs

            st_ = attrs.evolve(st_, clients=st_.clients.delete(cid).set(free, attrs.evolve(c, id=free)))
        return st_, free

    monkeypatch.setattr(S, "client_connect", reuse)
    _must_fail()


def test_planted_disconnect_keeps_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """client_disconnect forgets to remove the client."""
    monkeypatch.setattr(S, "client_disconnect", lambda state, cid: state)
    _must_fail()


def test_planted_kill_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLIENT KILL matches nobody (the killed client would stay connected)."""
    monkeypatch.setattr(client_cmds, "kill_matches", lambda f, c, me: False)
    _must_fail()


def test_planted_kill_without_close_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLIENT KILL marks the victim closing but never asks the server to close it."""
    real = client_cmds.client_kill

    def no_close(s: Step, argv: list[bytes]) -> Any:
        r = real(s, argv)
        s.close.intersection_update({s.client.id})
        return r

    from redspec.spec.dispatch import TABLE

    spec = TABLE[b"client"].subcommands[b"kill"]
    import attrs

    monkeypatch.setitem(TABLE[b"client"].subcommands, b"kill", attrs.evolve(spec, handler=no_close))
    _must_fail()


def test_planted_client_list_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLIENT LIST prints other clients twice."""
    real = client_cmds.info_line
    monkeypatch.setattr(client_cmds, "info_line", lambda c, now, **kw: real(c, now, **kw) + b"\n" + real(c, now, **kw))
    _must_fail()


def test_planted_select_out_of_range(monkeypatch: pytest.MonkeyPatch) -> None:
    """selectDb stores the wrong index."""
    monkeypatch.setattr(Step, "select", lambda self, i: self.update_client(db=i + 16))
    _must_fail()


def test_planted_bad_resp(monkeypatch: pytest.MonkeyPatch) -> None:
    """HELLO/RESET store a protocol version other than 2 or 3."""
    real = Step.update_client

    def upd(self: Step, **changes: Any) -> None:
        if "resp" in changes:
            changes["resp"] = changes["resp"] + 2
        real(self, **changes)

    monkeypatch.setattr(Step, "update_client", upd)
    _must_fail()
