"""``processCommand``'s short way to ``call`` (issue 21): the gates skipped at once for a plain
client on a quiet server (``spec.dispatch.quiet_server``).

The checklist's gates each have a guard; the short way is taken only when none of them can
hold, so it must agree with the whole checklist. Property ``quiet_server_is_exact``:

- :func:`check_each_gate_still_refuses`: for every server-wide condition that gates commands
  (maxmemory, min-replicas-to-write, a replica, a failed BGSAVE with save points, a failed AOF
  write, loading, CLIENT PAUSE, an ACL restriction), a command that gate refuses or holds is
  still refused or held, with Redis's reply — the condition set by the command before it in
  the *same* transition where a command can set it (the answer is kept per config value, and
  a replaced part turns the short way off), and in a later transition or a state built with
  it (where the short way is decided by ``quiet_server`` alone);
- :func:`check_quiet_by_default`: a fresh server is quiet, so the short way is the common
  path (a test that it is taken, not only that it is harmless).

Each condition of ``quiet_server`` has a planted bug (the condition dropped) that the check
must catch.
"""

from __future__ import annotations

from typing import Any

import pytest

import redspec.spec.server as S
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import dispatch as D
from redspec.spec.reply import Err
from redspec.spec.resp import encode_request
from redspec.spec.state import AOF_ON, LoadingState, replace
from redspec.spec.step import Step

NAME = "quiet_server_is_exact"
NOW = 1_700_000_000_000


def _turn(state: Any, cid: int, *cmds: list[bytes]) -> tuple[Any, bytes]:
    """Run ``cmds`` as one pipeline in one transition; the replies written to ``cid``."""
    data = b"".join(encode_request(c) for c in cmds)
    state, eff = S.client_input(state, cid, data, NOW)
    return state, b"".join(x for c, x in eff.output if c == cid)


def _server(**config: Any) -> tuple[Any, int, int]:
    st = S.new_server(NOW, **config)
    st, a = S.client_connect(st, NOW)
    st, b = S.client_connect(st, NOW)
    return st, a, b


def _reply_of(state: Any, cid: int, *cmds: list[bytes]) -> bytes:
    return _turn(state, cid, *cmds)[1]


def _same_turn(setup: list[bytes], probe: list[bytes]) -> bytes:
    """The probe's reply after ``setup`` in the same pipeline (one transition)."""
    st, a, _ = _server()
    return _reply_of(st, a, setup, probe)


def _in_state(change: Any, probe: list[bytes], **config: Any) -> bytes:
    """The probe's reply on a server whose state ``change`` altered."""
    st, a, _ = _server(**config)
    return _reply_of(change(st), a, probe)


SET = [b"SET", b"k", b"v"]


def check_each_gate_still_refuses() -> None:
    """Every server-wide gate still refuses (or holds) with the short way in place."""
    got = _same_turn([b"CONFIG", b"SET", b"maxmemory", b"1"], SET)
    assert got.endswith(b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"), (
        NAME, "maxmemory", got)
    got = _same_turn([b"CONFIG", b"SET", b"min-replicas-to-write", b"1"], SET)
    assert got.endswith(b"-NOREPLICAS Not enough good replicas to write.\r\n"), (
        NAME, "min-replicas", got)
    got = _in_state(lambda st: st, SET, **{"min-replicas-to-write": 1})
    assert got == b"-NOREPLICAS Not enough good replicas to write.\r\n", (
        NAME, "min-replicas", got)
    got = _in_state(lambda st: replace(st, repl=replace(st.repl, masterhost="127.0.0.1")), SET)
    assert got == b"-READONLY You can't write against a read only replica.\r\n", (
        NAME, "replica", got)
    got = _in_state(lambda st: replace(st, persist=replace(st.persist, lastbgsave_ok=False)),
                    SET, save="3600 1")
    assert got.startswith(b"-MISCONF "), (NAME, "bgsave", got)
    got = _in_state(lambda st: replace(st, aof=replace(st.aof, status=AOF_ON, last_write_ok=False,
                                                       last_write_error="No space left")), SET)
    assert got == b"-MISCONF Errors writing to the AOF file: No space left\r\n", (NAME, "aof", got)
    got = _in_state(lambda st: replace(st, loading=LoadingState(cursor=0)), SET)
    assert got == b"-LOADING Redis is loading the dataset in memory\r\n", (NAME, "loading", got)
    # CLIENT PAUSE from one client, in its transition; then a write of another client is held
    # (no reply) in the next.
    st, a, b = _server()
    st, _ = _turn(st, a, [b"CLIENT", b"PAUSE", b"100000", b"WRITE"])
    st, got = _turn(st, b, SET)
    assert got == b"", (NAME, "pause", got)
    got = _same_turn([b"ACL", b"SETUSER", b"default", b"-set"], SET)
    assert b"-NOPERM" in got, (NAME, "acl", got)
    st, a, _ = _server()
    st, _ = _turn(st, a, [b"ACL", b"SETUSER", b"default", b"-set"])
    got = _reply_of(st, a, SET)
    assert got.startswith(b"-NOPERM"), (NAME, "acl", got)


def check_busy_script_refuses() -> None:
    """While a script is busy (``s.busy``, spec.scripting), a command of another client takes
    the whole checklist and gets the BUSY error, even with no part replaced: the short way
    is not taken then."""
    st, a, _ = _server()
    s = Step(st, NOW, a)
    s.busy = Err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
                   "SHUTDOWN NOSAVE.")
    got = D.process_command(s, list(SET))
    assert got == s.busy, (NAME, "busy", got)


def check_quiet_by_default() -> None:
    """A fresh server is quiet: the short way is the common case, and the answer is kept
    for the transition's config value."""
    st, a, _ = _server()
    s = Step(st, NOW, a)
    assert D.quiet_server(s) is True, (NAME, "fresh server not quiet")
    assert s.quiet_config is s.config, (NAME, "answer not kept")


def test_quiet_server_is_exact() -> None:
    check_each_gate_still_refuses()
    check_busy_script_refuses()
    check_quiet_by_default()


_PLANTS = [
    ("not cfg[\"maxmemory\"] and ", ""),
    ("not cfg[\"min-replicas-to-write\"]\n", "True\n"),
    ("b.repl.masterhost is None", "True"),
    ("b.persist.lastbgsave_ok", "True"),
    ("b.aof.last_write_ok", "True"),
    ("not b.loading.active", "True"),
    ("not b.transport.pause_type", "True"),
    ("(b.acl is None or not b.acl.restricted)", "True"),
    ("if cfg is s.quiet_config:", "if True:"),
]


@pytest.mark.parametrize(("old", "new"), _PLANTS)
def test_planted_quiet_server(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, D, "quiet_server", old, new)
    with pytest.raises(AssertionError, match=NAME):
        check_each_gate_still_refuses()
        check_quiet_by_default()


def test_planted_short_way_while_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the short way taken while a script is busy (its guard inverted)."""
    plant_everywhere(monkeypatch, D, "process_command", "s.parts and s.busy is None",
                     "s.parts and s.busy is not None")
    with pytest.raises(AssertionError, match=NAME):
        check_busy_script_refuses()


def test_planted_short_way_ignores_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planted: the short way taken although this transition replaced a part."""
    plant_everywhere(monkeypatch, D, "process_command", "if (not s.parts and s.busy is None",
                     "if (s.busy is None")
    with pytest.raises(AssertionError, match=NAME):
        check_each_gate_still_refuses()
