"""Blocking pops as a state machine: the spec's serving against a plain FIFO model.

Three waiting clients block with BLPOP/BRPOP on one or two of two keys (forever or with a
short timeout), a fourth client pushes unique elements with LPUSH/RPUSH and pops with LPOP,
sends CLIENT UNBLOCK (TIMEOUT or ERROR), time moves (``beforeSleep`` times clients out) and
waiters disconnect (a fresh connection takes the slot). Everything goes through the real
transitions (``client_input``, ``before_sleep``, ``client_disconnect``); what each client
receives is read from the transition's output and its pending reply, as a socket would.

Invariants (each has a planted-bug test below):

- ``served_fifo``: a push serves the key's waiters in the order they blocked, each with the
  element the model pops for it (head for BLPOP, tail for BRPOP), while the list has elements.
- ``nothing_lost_or_duplicated``: every element ever pushed is, exactly once, either still in
  a list, delivered to one client, or popped by LPOP.
- ``one_reply_per_command``: a client gets exactly one reply per blocking command (a value,
  the timeout's null array, or the UNBLOCKED error), and none while it waits.
- ``queues_consistent``: the server's per-key queues, its blocked-client table and the
  clients' ``bpop`` records describe the same waiters, and name only connected clients.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from redspec.properties.driver import delivered
from redspec.properties.planted import assert_trips, machine_test, planted_settings
from redspec.properties.purity import checked
from redspec.spec import blocking as B
from redspec.spec.commands import lists as L
from redspec.spec.cron import before_sleep
from redspec.spec.frames import parse_all
from redspec.spec.resp import encode_request
from redspec.spec.server import client_connect, client_disconnect, client_input, new_server
from redspec.spec.types.list import ListValue

MECHANISM = "clients"

KEYS = [b"a", b"b"]
NOW = 1_700_000_000_000
NULL = b"*-1\r\n"
UNBLOCKED = b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"


def _pair(key: bytes, value: bytes) -> bytes:
    return b"*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value)


class BlockingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = NOW
        self.state = new_server(NOW)
        self.state, self.pusher = checked(client_connect, self.state, NOW)
        self.cids: list[int] = []
        for _ in range(3):
            self.state, cid = checked(client_connect, self.state, NOW)
            self.cids.append(cid)
        # model
        self.lists: dict[bytes, list[bytes]] = {k: [] for k in KEYS}
        self.queues: dict[bytes, list[int]] = {k: [] for k in KEYS}
        #: slot -> (keys, from head?, deadline or 0) while it waits
        self.waiting: dict[int, tuple[tuple[bytes, ...], bool, int]] = {}
        self.sent = [0, 0, 0]  # blocking commands per slot (current connection)
        self.replies = [0, 0, 0]
        self.pushed: Counter[bytes] = Counter()
        self.delivered: Counter[bytes] = Counter()
        self.popped: Counter[bytes] = Counter()
        self.next_elem = 0

    # -- plumbing -------------------------------------------------------------------------------

    def _received(self, eff: Any) -> dict[int, list[bytes]]:
        """Frames each waiter slot got from a transition (output, then pending replies)."""
        self.state, got = delivered(self.state, eff)
        out: dict[int, list[bytes]] = {}
        for slot, cid in enumerate(self.cids):
            if cid in got:
                frames, rest = parse_all(got[cid])
                assert not rest
                out[slot] = frames
                self.replies[slot] += len(frames)
        return out

    def _send(self, cid: int, *argv: bytes) -> tuple[bytes, dict[int, list[bytes]]]:
        self.state, eff = checked(client_input, self.state, cid, encode_request(list(argv)),
                                  self.now)
        own = b"".join(d for c, d in eff.output if c == cid) if cid == self.pusher else b""
        return own, self._received(eff)

    def _unwait(self, slot: int) -> None:
        keys, _, _ = self.waiting.pop(slot)
        for k in keys:
            if slot in self.queues[k]:
                self.queues[k].remove(slot)

    def _model_serve(self, key: bytes) -> dict[int, list[bytes]]:
        """What the model says a push on ``key`` delivers: FIFO, while elements remain."""
        expect: dict[int, list[bytes]] = {}
        while self.queues[key] and self.lists[key]:
            slot = self.queues[key][0]
            head = self.waiting[slot][1]
            e = self.lists[key].pop(0) if head else self.lists[key].pop()
            self.delivered[e] += 1
            self._unwait(slot)
            expect[slot] = [_pair(key, e)]
        return expect

    # -- rules ------------------------------------------------------------------------------------

    @rule(slot=st.integers(0, 2), keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=2,
                                                unique=True),
          head=st.booleans(), timed=st.booleans())
    def block(self, slot: int, keys: list[bytes], head: bool, timed: bool) -> None:
        if slot in self.waiting:
            return
        self.sent[slot] += 1
        argv = [b"BLPOP" if head else b"BRPOP", *keys, b"0.1" if timed else b"0"]
        _, got = self._send(self.cids[slot], *argv)
        for k in keys:
            if self.lists[k]:
                e = self.lists[k].pop(0) if head else self.lists[k].pop()
                self.delivered[e] += 1
                assert got == {slot: [_pair(k, e)]}, f"served_fifo: immediate pop {got}"
                return
        assert got == {}, f"one_reply_per_command: a waiter got {got}"
        self.waiting[slot] = (tuple(keys), head, self.now + 100 if timed else 0)
        for k in keys:
            self.queues[k].append(slot)

    @rule(key=st.sampled_from(KEYS), n=st.integers(1, 3), left=st.booleans())
    def push(self, key: bytes, n: int, left: bool) -> None:
        elems = []
        for _ in range(n):
            elems.append(b"e%d" % self.next_elem)
            self.next_elem += 1
        self.pushed.update(elems)
        if left:
            self.lists[key][:0] = list(reversed(elems))
        else:
            self.lists[key].extend(elems)
        _, got = self._send(self.pusher, b"LPUSH" if left else b"RPUSH", key, *elems)
        expect = self._model_serve(key)
        assert got == expect, f"served_fifo: got {got}, model {expect}"

    @rule(key=st.sampled_from(KEYS))
    def lpop(self, key: bytes) -> None:
        self._send(self.pusher, b"LPOP", key)
        if self.lists[key]:
            self.popped[self.lists[key].pop(0)] += 1

    @rule(slot=st.integers(0, 2), mode=st.sampled_from([b"", b"TIMEOUT", b"ERROR"]))
    def unblock(self, slot: int, mode: bytes) -> None:
        argv = [b"CLIENT", b"UNBLOCK", b"%d" % self.cids[slot]] + ([mode] if mode else [])
        own, got = self._send(self.pusher, *argv)
        if slot in self.waiting:
            self._unwait(slot)
            assert own == b":1\r\n"
            want = {slot: [UNBLOCKED if mode == b"ERROR" else NULL]}
        else:
            assert own == b":0\r\n"
            want = {}
        assert got == want, f"one_reply_per_command: CLIENT UNBLOCK gave {got}"

    @rule(ms=st.sampled_from([1, 50, 101, 250]))
    def tick(self, ms: int) -> None:
        self.now += ms
        self.state, eff = checked(before_sleep, self.state, self.now)
        got = self._received(eff)
        want: dict[int, list[bytes]] = {}
        for slot, (_, _, deadline) in sorted(self.waiting.items()):
            if deadline and deadline < self.now:
                want[slot] = [NULL]
        for slot in want:
            self._unwait(slot)
        assert got == want, f"one_reply_per_command: timeouts gave {got}, model {want}"

    @precondition(lambda self: bool(self.waiting))
    @rule(data=st.data())
    def reconnect(self, data: st.DataObject) -> None:
        slot = data.draw(st.sampled_from(sorted(self.waiting)))
        self.state = checked(client_disconnect, self.state, self.cids[slot])
        self._unwait(slot)
        self.state, self.cids[slot] = checked(client_connect, self.state, self.now)
        self.sent[slot] = self.replies[slot] = 0

    # -- invariants ---------------------------------------------------------------------------------

    @invariant()
    def nothing_lost_or_duplicated(self) -> None:
        in_lists: Counter[bytes] = Counter()
        for v in self.state.dbs[0].keys.values():
            assert type(v) is ListValue
            in_lists.update(v.slice(0, len(v)))
        total = in_lists + self.delivered + self.popped
        assert total == self.pushed, (
            f"nothing_lost_or_duplicated: pushed {sorted(self.pushed)} but lists "
            f"{sorted(in_lists)} delivered {sorted(self.delivered)} popped {sorted(self.popped)}")

    @invariant()
    def one_reply_per_command(self) -> None:
        for slot in range(3):
            want = self.sent[slot] - (1 if slot in self.waiting else 0)
            assert self.replies[slot] == want, (
                f"one_reply_per_command: slot {slot} sent {self.sent[slot]} got "
                f"{self.replies[slot]}")

    @invariant()
    def queues_consistent(self) -> None:
        b = self.state.blocking
        clients = self.state.clients
        seen: set[int] = set()
        for (_db, key), q in b.keys.items():
            assert q and len(set(q)) == len(q), f"queues_consistent: queue {key!r} {q}"
            for cid in q:
                c = clients.get(cid)
                assert c is not None and c.info.bpop is not None and key in c.info.bpop.keys, (
                    f"queues_consistent: {cid} in the queue of {key!r} but not waiting on it")
                seen.add(cid)
        blocked = {cid for cid, c in clients.items() if c.info.bpop is not None}
        assert seen == blocked == set(b.clients), (
            f"queues_consistent: queues {seen}, bpop {blocked}, table {set(b.clients)}")
        assert blocked == {self.cids[s] for s in self.waiting}, (
            f"queues_consistent: blocked {blocked} vs model {self.waiting}")


TestBlocking = machine_test(BlockingMachine, max_examples=40, steps=30, health=HealthCheck)


# -- planted bugs ---------------------------------------------------------------------------

PLANTED = planted_settings(max_examples=100, steps=30)


def test_planted_lifo_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """New waiters go to the head of the queue: the last to block is served first."""
    real = B.block_for_keys

    def lifo(s: Any, info: Any) -> Any:
        r = real(s, info)
        b = B._state(s)
        km = b.keys
        for k in info.keys:
            q = km[(info.db, k)]
            km = km.set((info.db, k), q[-1:] + q[:-1])
        s.set_part("blocking", B.replace(b, keys=km))
        return r

    monkeypatch.setattr(B, "block_for_keys", lifo)
    import redspec.spec.commands.blocking as CB
    monkeypatch.setattr(CB, "block_for_keys", lifo)
    # two waiters on one key, then a push: longer runs find it among fewer examples
    assert_trips(BlockingMachine, "served_fifo", planted_settings(max_examples=100, steps=50))


def test_planted_pop_drops_an_element(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pop of one from a longer list silently takes a second element."""
    real = L.pop_range

    def greedy(s: Any, key: bytes, v: Any, where: int, count: int) -> list[bytes]:
        out = real(s, key, v, where, count + 1 if count < len(v) else count)
        return out[:count]

    import redspec.spec.commands.blocking as CB

    monkeypatch.setattr(L, "pop_range", greedy)
    monkeypatch.setattr(CB, "pop_range", greedy)
    assert_trips(BlockingMachine, "nothing_lost_or_duplicated", PLANTED)


def test_planted_unblock_timeout_without_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLIENT UNBLOCK [TIMEOUT] and timeouts unblock the client but send nothing."""
    import redspec.spec.commands.blocking as CB

    monkeypatch.setattr(B, "reply_timed_out", lambda s, cid: B.unblock_client(s, cid))
    monkeypatch.setattr(CB, "reply_timed_out", lambda s, cid: B.unblock_client(s, cid))
    import redspec.spec.server as S
    monkeypatch.setattr(S, "reply_timed_out", lambda s, cid: B.unblock_client(s, cid))
    assert_trips(BlockingMachine, "one_reply_per_command", PLANTED)


def test_planted_disconnect_keeps_waiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """freeClient forgets to take a blocked client out of the queues."""
    import redspec.spec.server as S
    monkeypatch.setattr(S, "_unblock", lambda state, c: state)
    assert_trips(BlockingMachine, "queues_consistent", PLANTED)
