"""The BGSAVE snapshot as a property: **a snapshot taken at a transition is unaffected by
every later transition** (``snapshot_is_the_fork_instant``).

Hypothesis draws writes before the BGSAVE (separate transitions), writes pipelined around it
in the same transition, and later transitions, each followed by a serverCron tick, the
child's exit in the middle of them. The snapshot the world was asked to write, the one the
child record holds, and the file ``spec.persist.save_state`` makes of it must all have the
dataset of an independent replay of the commands that came before the BGSAVE, and keep it
after every later transition.

Planted bugs (each must trip the property): the snapshot is the transition's input state
(the writes pipelined before BGSAVE are lost), and serverCron takes a fresh snapshot for the
running child (later writes leak into it).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings
from redspec.spec import cron, persist
from redspec.spec.db import DbView
from redspec.spec.digest import dataset_digest
from redspec.spec.rdb import Limits, decode_file
from redspec.spec.resp import encode_request
from redspec.spec.server import client_connect, client_input, new_server
from redspec.spec.state import ServerState

MECHANISM = "rdb"
NOW = 1_700_000_000_000
KEYS = [b"a", b"b", b"c", b"d"]

_cmd = st.one_of(
    st.tuples(st.just(b"SET"), st.sampled_from(KEYS), st.binary(max_size=30)),
    st.tuples(st.just(b"DEL"), st.sampled_from(KEYS)),
    st.tuples(st.just(b"INCR"), st.sampled_from(KEYS)),
    st.tuples(st.just(b"RPUSH"), st.sampled_from(KEYS), st.binary(max_size=8)),
    st.tuples(st.just(b"SADD"), st.sampled_from(KEYS), st.sampled_from([b"1", b"x", b"2"])),
    st.tuples(st.just(b"HSET"), st.sampled_from(KEYS), st.just(b"f"), st.binary(max_size=8)),
    st.tuples(st.just(b"PEXPIRE"), st.sampled_from(KEYS), st.just(b"100000")),
    st.tuples(st.just(b"FLUSHALL")),
).map(list)


def _digest(state: ServerState) -> bytes:
    return dataset_digest((d.id, [(k, v, k in d.expires) for k, v in d.keys.items()])
                          for d in state.dbs)


def _file_digest(state: ServerState) -> bytes:
    f = decode_file(persist.save_state(state, NOW), Limits.of(state.config), len(state.dbs))
    return dataset_digest((i, [(r.key, r.value, r.expire_ms != -1) for r in recs])
                          for i, recs in f.dbs)


class _World:
    """One client; the world answers forks with pids 1000, 1001, … and keeps the snapshots."""

    def __init__(self) -> None:
        self.state, self.cid = client_connect(new_server(NOW), NOW)
        self.asked: list[ServerState] = []
        self.pid = 1000

    def run(self, fn: Any) -> Any:
        st = self.state
        while True:
            try:
                self.state, out = fn(st)
                return out
            except persist.ForkOutcomeNeeded as need:
                self.asked.append(need.snapshot)
                st = persist.with_fork_outcome(st, self.pid)
                self.pid += 1

    def send(self, cmds: list[list[bytes]], now: int) -> None:
        raw = b"".join(encode_request(c) for c in cmds)
        self.run(lambda st: client_input(st, self.cid, raw, now))

    def tick(self, now: int) -> None:
        self.run(lambda st: cron.server_cron(st, now))


def snapshot_is_the_fork_instant(pre: list[list[bytes]], before: list[list[bytes]],
                                 after: list[list[bytes]], later: list[list[list[bytes]]],
                                 exit_at: int) -> None:
    """The property (see the module docstring); raises AssertionError naming it."""
    w = _World()
    for c in pre:
        w.send([c], NOW)
    w.send([*before, [b"BGSAVE"], *after], NOW)
    ref = _World()  # the independent replay of what came before the fork
    for c in pre + before:
        ref.send([c], NOW)
    want = _digest(ref.state)
    child = w.state.persist.child
    name = "snapshot_is_the_fork_instant"
    assert child is not None and len(w.asked) == 1, name
    held = child.snapshot
    assert _digest(w.asked[0]) == want == _digest(held) == _file_digest(held), name
    for i, batch in enumerate(later):
        now = NOW + 100 * (i + 1)
        w.send(batch, now)
        if i == exit_at and w.state.persist.child is not None:
            w.state = persist.with_child_exit(w.state, w.state.persist.child.pid, 0, 0)
        w.tick(now)
        c = w.state.persist.child
        for snap in (w.asked[0], held) + ((c.snapshot,) if c is not None else ()):
            assert _digest(snap) == want, name
    assert _file_digest(held) == want, name


_given = given(pre=st.lists(_cmd, max_size=6), before=st.lists(_cmd, max_size=4),
               after=st.lists(_cmd, min_size=1, max_size=4),
               later=st.lists(st.lists(_cmd, min_size=1, max_size=3), max_size=5),
               exit_at=st.integers(0, 6))


@property_settings(300)
@_given
def test_snapshot_is_the_fork_instant(pre: Any, before: Any, after: Any, later: Any,
                                      exit_at: int) -> None:
    snapshot_is_the_fork_instant(pre, before, after, later, exit_at)


def _trips(bug: str) -> None:
    @planted_settings(200)
    @_given
    def run(pre: Any, before: Any, after: Any, later: Any, exit_at: int) -> None:
        snapshot_is_the_fork_instant(pre, before, after, later, exit_at)

    with pytest.raises(AssertionError, match="snapshot_is_the_fork_instant"):
        run()


def test_planted_snapshot_of_the_transition_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child gets the databases as the transition found them, not as they are at the
    BGSAVE: the writes pipelined before it are missing."""
    monkeypatch.setattr(DbView, "at_fork", lambda self: self._db)
    _trips("input")


def test_planted_cron_refreshes_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    """serverCron replaces the running child's snapshot by the current dataset."""
    real = cron.aof_cron

    def leaky(s: Any) -> None:
        real(s)
        p = s.part("persist")
        if p.child is not None:
            s.set_part("persist", attrs.evolve(
                p, child=attrs.evolve(p.child, snapshot=persist.fork_snapshot(s))))

    monkeypatch.setattr(cron, "aof_cron", leaky)
    _trips("cron")
