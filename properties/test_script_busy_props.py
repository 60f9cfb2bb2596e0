"""Properties of a script past ``busy-reply-threshold`` (issue 14, "Atomicity, time and
BUSY"), over random commands other clients send while it runs (``spec.scripting``'s
``processEventsWhileBlocked`` port, driven by a :class:`~redspec.spec.scripting.ModelPort`).

Invariants (each has a planted-bug test below that shows it failing):

- ``busy_gate``: while the script is busy, a command of another client runs only if it is
  flagged allow-busy; every other one gets the BUSY error, so no other client reads or writes
  the dataset half-way through the script;
- ``killed_read_only_leaves_state``: a read-only script killed by SCRIPT KILL leaves the
  dataset as it was before it ran;
- ``busy_is_invisible_to_the_dataset``: a script that wrote (unkillable) ends with the same
  dataset as the same script run with no other client around.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import scripting
from redspec.spec import server as S
from redspec.spec.dispatch import lookup_command
from redspec.spec.scripting import ModelPort, ScriptRun
from redspec.spec.state import ServerState

OTHERS = [
    [b"GET", b"k"], [b"SET", b"k", b"other"], [b"INCR", b"n"], [b"PING"], [b"CLIENT", b"ID"],
    [b"WATCH", b"k"], [b"UNWATCH"], [b"MULTI"], [b"DISCARD"], [b"ECHO", b"e"], [b"DBSIZE"],
    [b"EXISTS", b"w"], [b"HELLO", b"2"], [b"SCRIPT", b"EXISTS", b"x"],
]
SPIN_RO = b"local i = 0 while true do i = i + 1 end"
WRITER = (b"redis.call('set', 'w', 'a') local i = 0 while i < 3000000 do i = i + 1 end "
          b"redis.call('incr', 'n') return redis.call('get', 'k')")


def req(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def _setup() -> tuple[ServerState, int, int, int]:
    st_ = S.new_server(0, **{"busy-reply-threshold": 5})
    st_, a = S.client_connect(st_, 0)
    st_, b = S.client_connect(st_, 0)
    st_, c = S.client_connect(st_, 0)
    st_, _ = S.run_command(st_, a, [b"SET", b"k", b"before"], 0)
    return st_, a, b, c


def _dataset(state: ServerState) -> dict[bytes, Any]:
    return {k: v for k, v in state.dbs[0].keys.items()}


def _check_gate(cmds: list[list[bytes]], replies: list[tuple[int, bytes]], b: int) -> None:
    mine = [r for cid, r in replies if cid == b]
    assert len(mine) == len(cmds)
    for argv, r in zip(cmds, mine, strict=True):
        cmd = lookup_command(argv)
        assert cmd is not None
        busy = r.startswith(b"-BUSY ")
        assert busy == ("allow_busy" not in cmd.flags), ("busy_gate", argv, r)


_cmds = st.lists(st.sampled_from(OTHERS), min_size=1, max_size=10)
_cuts = st.lists(st.integers(0, 3), min_size=10, max_size=10)


def _batches(cmds: list[list[bytes]], cuts: list[int], b: int) -> list[list[tuple[int, bytes]]]:
    """The commands one per event, grouped into batches of the hook's calls (0: an empty
    call in between)."""
    out: list[list[tuple[int, bytes]]] = []
    for argv, n in zip(cmds, cuts, strict=False):
        for _ in range(n):
            out.append([])
        out.append([(b, req(*argv))])
    return out


def check_killed_read_only(cmds: list[list[bytes]], cuts: list[int]) -> None:
    st0, a, b, c = _setup()
    port = ModelPort(_batches(cmds, cuts, b) + [[(c, req(b"SCRIPT", b"KILL"))]])
    st1, eff = S.client_input(st0, a, req(b"EVAL", SPIN_RO, b"0"), 0, busy_port=port)
    assert S.output_for(eff, a).startswith(b"-ERR Script killed by user with SCRIPT KILL")
    _check_gate(cmds, port.replies, b)
    assert _dataset(st1) == _dataset(st0), "killed_read_only_leaves_state"


def check_writer(cmds: list[list[bytes]], cuts: list[int]) -> None:
    st0, a, b, c = _setup()
    alone, eff0 = S.client_input(st0, a, req(b"EVAL", WRITER, b"0"), 0)
    port = ModelPort(_batches(cmds, cuts, b) + [[(c, req(b"SCRIPT", b"KILL"))]])
    st1, eff1 = S.client_input(st0, a, req(b"EVAL", WRITER, b"0"), 0, busy_port=port)
    _check_gate(cmds, port.replies, b)
    assert S.output_for(eff1, a) == S.output_for(eff0, a), "busy_is_invisible_to_the_dataset"
    assert _dataset(st1) == _dataset(alone), "busy_is_invisible_to_the_dataset"


@property_settings(25)
@given(_cmds, _cuts)
def test_killed_read_only_script(cmds: list[list[bytes]], cuts: list[int]) -> None:
    check_killed_read_only(cmds, cuts)


@property_settings(15)
@given(_cmds, _cuts)
def test_unkillable_writer(cmds: list[list[bytes]], cuts: list[int]) -> None:
    check_writer(cmds, cuts)


# -- planted bugs -------------------------------------------------------------------------------


def test_planted_busy_gate_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """The BUSY gate forgotten while other clients are served: GET, SET, ... run."""
    real = scripting.process_events_while_blocked

    def open_gate(s: Any, run: Any, port: Any) -> None:
        busy, s.busy = s.busy, None
        try:
            real(s, run, port)
        finally:
            s.busy = busy

    monkeypatch.setattr(scripting, "process_events_while_blocked", open_gate)
    with pytest.raises(AssertionError, match="busy_gate"):
        run_given(planted_settings(30), check_killed_read_only, _cmds, _cuts)


def test_planted_kill_after_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """SCRIPT KILL obeyed by a script that wrote: the script stops half-way."""
    def kill(self: ScriptRun, is_eval: bool) -> Any:
        self.killed = True
        return scripting.OK

    monkeypatch.setattr(ScriptRun, "kill", kill)
    with pytest.raises(AssertionError, match="busy_is_invisible_to_the_dataset"):
        run_given(planted_settings(5), check_writer, _cmds, _cuts)


def test_planted_killed_script_kept_its_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """A script whose run leaves a key behind though it is killed (a write slipped in)."""
    real_eval = scripting.run_script

    def leaky(s: Any, body: bytes, *rest: Any) -> Any:
        argv = [b"SET", b"leak", b"x"]
        scripting.call(s, lookup_command(argv), argv)
        return real_eval(s, body, *rest)

    monkeypatch.setattr(scripting, "run_script", leaky)
    with pytest.raises(AssertionError, match="killed_read_only_leaves_state"):
        run_given(planted_settings(5), check_killed_read_only, _cmds, _cuts)
