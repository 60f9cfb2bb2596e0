"""Properties of the AOF (``spec.aof``) over random runs of writes, rewrites, children that
succeed, fail or are killed, time passing, background fsyncs finishing and serverCron — the
world in memory (``properties.aofworld``), the files read back by an independent replay:

- ``aof_replays_to_live``: the AOF set plus what is still buffered replays to the live
  dataset at every point (a rewrite loses nothing and duplicates nothing);
- ``process_crash_loses_only_the_buffer``: the files alone replay to a dataset the clients
  saw acknowledged — the live one under ``always`` and ``no``, under ``everysec`` one at most
  3 s old (the 2 s postponement, at one-second granularity);
- ``machine_crash_keeps_what_was_fsynced``: the durable bytes alone replay to a dataset the
  clients saw acknowledged — under ``always`` the live one.

Each has a planted bug it must catch (the tests at the end).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from properties.aofworld import AofWorld, Files, digest, encode, replay
from redspec.properties.planted import planted_settings, property_settings
from redspec.spec import aof, aofmanifest
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.persist import ForkOutcomeNeeded, with_fork_outcome
from redspec.spec.state import ServerState

MECHANISM = "aof"
KEYS = ["a", "b"]

_write = st.tuples(st.just("w"), st.sampled_from(["set", "incr", "rpush", "del"]),
                   st.sampled_from(KEYS), st.sampled_from([0, 1]))
_action = st.one_of(
    _write,
    st.tuples(st.just("pipe"), st.sampled_from(KEYS)),  # INCR k; BGREWRITEAOF; INCR k
    st.just(("rewrite",)),
    st.tuples(st.just("exit"), st.sampled_from([(0, 0), (0, 0), (1, 0), (0, 10), (0, 9)])),
    st.tuples(st.just("advance"), st.sampled_from([300, 1000, 2500])),
    st.just(("fsyncs",)),
    st.just(("cron",)),
)
_run = st.lists(_action, min_size=1, max_size=30)


def _argv(action: tuple[Any, ...]) -> list[list[Any]]:
    if action[0] == "w":
        _, name, key, db = action
        cmd = {"set": ["set", key, "v"], "incr": ["incr", "n" + key],
               "rpush": ["rpush", "l" + key, "x"], "del": ["del", key, "n" + key]}[name]
        return [["select", db], cmd]
    return [["incr", "n" + action[1]], ["bgrewriteaof"], ["incr", "n" + action[1]]]


def _prefix_digests(state: ServerState, cid: int, now: int, cmds: list[list[Any]]) -> list[bytes]:
    """The datasets after each command of a pipelined batch (the states a crash could leave
    between them), computed on the pure spec from the state before the batch."""
    out = []
    for i in range(1, len(cmds) + 1):
        data = b"".join(encode(*c) for c in cmds[:i])
        st_ = state
        while True:
            try:
                new, _ = event_loop_turn(st_, now, {cid: data}, {})
                break
            except ForkOutcomeNeeded:
                st_ = with_fork_outcome(st_, 99999, 0)
        out.append(digest(new))
    return out


def _with_buffer(w: AofWorld) -> dict[str, bytes]:
    files = dict(w.fs.files)
    if w.fs.current in files:
        files[w.fs.current] = files[w.fs.current] + w.state.aof.buf
    return files


def _durable(w: AofWorld) -> dict[str, bytes]:
    f = Files()
    f.files, f.durable = dict(w.fs.files), dict(w.fs.durable)
    f.machine_crash()
    return f.files


def aof_properties(policy: str, actions: list[tuple[Any, ...]]) -> None:
    """Run ``actions`` on a server with ``appendfsync policy``, checking the three
    properties after each step."""
    w = AofWorld(appendfsync=policy)
    history: list[tuple[int, bytes]] = [(w.now, digest(w.state))]
    for action in actions:
        kind = action[0]
        if kind in ("w", "pipe"):
            cmds = _argv(action)
            for d in _prefix_digests(w.state, w.cid, w.now, cmds):
                history.append((w.now, d))
            w.turn(b"".join(encode(*c) for c in cmds))
        elif kind == "rewrite":
            w.cmd("bgrewriteaof")
        elif kind == "exit":
            if w.state.aof.child is not None:
                w.child_exits(*action[1])
        elif kind == "advance":
            w.advance(action[1])
            w.turn()
        elif kind == "fsyncs":
            w.finish_fsyncs()
        else:
            w.cron()
        live = digest(w.state)
        assert digest(replay(_with_buffer(w), w.now)) == live, "aof_replays_to_live"
        seen = {d for _, d in history}
        # the datasets acknowledged in the last 3 s, and the one current when they began
        old = [i for i, (t, _) in enumerate(history) if t < w.now - 3000]
        recent = {d for _, d in history[old[-1] if old else 0:]}
        after_process_crash = digest(replay(w.fs.files, w.now))
        if policy == "everysec":
            assert after_process_crash in recent, "process_crash_loses_only_the_buffer"
        else:
            assert after_process_crash == live, "process_crash_loses_only_the_buffer"
        after_machine_crash = digest(replay(_durable(w), w.now))
        if policy == "always":
            assert after_machine_crash == live, "machine_crash_keeps_what_was_fsynced"
        else:
            assert after_machine_crash in seen, "machine_crash_keeps_what_was_fsynced"


@pytest.mark.parametrize("policy", ["always", "everysec", "no"])
def test_aof_properties(policy: str) -> None:
    @property_settings(150)
    @given(_run)
    def run(actions: list[tuple[Any, ...]]) -> None:
        aof_properties(policy, actions)

    run()


# -- planted bugs ------------------------------------------------------------------------------


def _trips(policy: str, name: str) -> None:
    @planted_settings(300)
    @given(_run)
    def run(actions: list[tuple[Any, ...]]) -> None:
        aof_properties(policy, actions)

    with pytest.raises(AssertionError, match=name):
        run()


def test_planted_rewrite_without_flushing_the_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rewrite opens the new INCR file without writing the buffer to the old one first:
    a write pipelined before BGREWRITEAOF lands in the new file, on top of a base that has it."""
    real = aof.flush_in_step

    def skip_forced(s: Any, force: bool) -> None:
        if not force:
            real(s, force)
        else:
            s.feed_aof()

    monkeypatch.setattr(aof, "flush_in_step", skip_forced)
    _trips("always", "aof_replays_to_live")


def test_planted_new_incr_marked_as_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest switch makes every INCR file history, the current one too."""
    monkeypatch.setattr(aof, "mark_rewritten",
                        lambda m, aof_open=True: aofmanifest.mark_rewritten(m, aof_open=False))
    _trips("always", "aof_replays_to_live")


def test_planted_always_without_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """``always`` writes but never asks for the fsync (the durable size is still claimed)."""
    real = aof._op

    def no_fsync(a: Any, *op: Any) -> Any:
        return a if op == ("fsync",) else real(a, *op)

    monkeypatch.setattr(aof, "_op", no_fsync)
    _trips("always", "machine_crash_keeps_what_was_fsynced")


def test_planted_no_select_after_a_rewrite(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a rewrite the next command is written without SELECT (the selected db is not
    forgotten when the new INCR file starts)."""
    real = aof.rewrite_append_only_file_background

    def keep_db(s: Any) -> bool:
        s.feed_aof()
        db = s.part("aof").selected_db
        ok = real(s)
        s.set_part("aof", attrs.evolve(s.part("aof"), selected_db=db))
        return ok

    monkeypatch.setattr(aof, "rewrite_append_only_file_background", keep_db)
    _trips("always", "aof_replays_to_live")


def test_planted_everysec_never_writes_while_fsync_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``everysec`` postpones the write for ever while a fsync runs (no 2 s limit): an
    acknowledged write can stay in the buffer however long the disk is slow."""
    real = aof.flush_aof

    def forever(a: Any, cfg: Any, child: bool, now_ms: int, force: bool) -> Any:
        if a.buf and a.fsync_pending and not force:
            return attrs.evolve(a, flush_postponed_start=a.flush_postponed_start or 1)
        return real(a, cfg, child, now_ms, force)

    monkeypatch.setattr(aof, "flush_aof", forever)
    _trips("everysec", "process_crash_loses_only_the_buffer")
