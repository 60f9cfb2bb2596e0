"""The TLA+ models can fail: every wrong variant tla/README.md lists is rejected.

For each variant (a ``diff`` block under a ``#### `name``` heading, with its verdict):

- the patch applies to the current module (each ``-`` block occurs exactly once), and the
  patched module still parses (tree-sitter-tlaplus) with every identifier resolved;
- the module's Python transcription with the same change reaches the verdict the README gives
  for TLC (the first property it finds broken is one the verdict names);
- the explorer over the **real spec** rejects the same bug planted in the spec.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from redspec.properties import explorer_aof, explorer_repl, tla_interp
from redspec.properties.explorer import explore
from redspec.properties.explorer_models import (
    LIFECYCLE_VARIANTS,
    lifecycle_model,
    lifecycle_transcription,
)
from redspec.properties.explorer_transactions import (
    VARIANTS,
    tla_transcription,
    transactions_model,
)
from redspec.properties.planted import replace_handler
from redspec.properties.tla_names import unresolved
from redspec.spec import aof as aof_mod
from redspec.spec import dispatch
from redspec.spec import server as S
from redspec.spec import step as step_mod
from redspec.spec.db import DbView
from redspec.spec.persist import fork_snapshot
from redspec.spec.state import replace

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "tla" / "README.md").read_text()

_VARIANT = re.compile(
    r"^#### `(?P<name>\w+)` — .*?\nVerdict: (?P<verdict>.*?)\n\n```diff\n(?P<diff>.*?)```",
    re.S | re.M)


def variants() -> dict[str, tuple[list[str], str, str]]:
    """name -> (the property names the verdict gives, the ``-`` text, the ``+`` text)."""
    out = {}
    for m in _VARIANT.finditer(README):
        lines = m.group("diff").splitlines()
        old = "\n".join(x[1:] for x in lines if x.startswith("-")) + "\n"
        new = "\n".join(x[1:] for x in lines if x.startswith("+")) + "\n"
        out[m.group("name")] = (re.findall(r"\*\*(\w+)\*\*", m.group("verdict")), old, new)
    return out


MODULE = {name: "Transactions.tla" for name in VARIANTS} | {
    name: "ClientLifecycle.tla" for name in LIFECYCLE_VARIANTS} | {
    name: "AofRewrite.tla" for name in explorer_aof.VARIANTS} | {
    name: "Psync.tla" for name in explorer_repl.VARIANTS}


def tla_name(v: Any) -> str:
    """The TLA+ name of a violated transcription property."""
    if v.invariant == "action_properties":
        bad = v.trace[-1][1][-1]
        name = bad.split(":")[0]
    else:
        name = v.invariant
    return "".join(w[:1].upper() + w[1:] for w in name.split("_"))


def test_readme_lists_every_variant_the_transcriptions_know() -> None:
    assert set(variants()) == set(MODULE)


@pytest.mark.parametrize("name", sorted(MODULE))
def test_variant_patch_applies_and_parses(name: str) -> None:
    ts = pytest.importorskip("tree_sitter")
    tsl = pytest.importorskip("tree_sitter_tlaplus")
    _verdict, old, new = variants()[name]
    src = (ROOT / "tla" / MODULE[name]).read_text()
    assert src.count(old) == 1, f"{name}: the patch's old text must occur once"
    patched = src.replace(old, new)
    tree = ts.Parser(ts.Language(tsl.language())).parse(patched.encode())
    assert not tree.root_node.has_error
    assert unresolved(patched) == []


@pytest.mark.parametrize("name", sorted(MODULE))
def test_transcription_with_the_variant_reaches_the_verdict(name: str) -> None:
    verdict, _old, _new = variants()[name]
    if name in explorer_repl.VARIANTS:
        pytest.skip("Psync.tla has no Python transcription: its text is interpreted "
                    "(test_the_patched_module_interpreted_reaches_the_verdict)")
    if name in VARIANTS:
        r = explore(tla_transcription(2, 2, 2, bug=name), max_states=200_000)
    elif name in explorer_aof.VARIANTS:
        r = explore(explorer_aof.tla_transcription(3, 2, bug=name))
    else:
        r = explore(lifecycle_transcription(3, 2, bug=name))
    assert r.violation is not None, f"{name} passes: the model cannot see it"
    assert tla_name(r.violation) in verdict, (tla_name(r.violation), verdict)


def test_the_correct_transcriptions_hold() -> None:
    assert explore(lifecycle_transcription(3, 2)).violation is None
    assert explore(explorer_aof.tla_transcription(3, 2)).violation is None
    r = explore(tla_transcription(2, 1, 2))
    assert r.violation is None and r.distinct == 1752


def test_signal_hits_every_watcher_needs_two_keys() -> None:
    """Why the checked configuration has Keys = {k1, k2}."""
    assert explore(tla_transcription(2, 1, 2, bug="signal_hits_every_watcher")).violation is None


# -- the same bugs planted in the spec: the explorer over the real spec rejects them ----------


def _spec_violation(model: Any) -> str:
    r = explore(model)
    assert r.violation is not None, "the explorer over the spec did not see the planted bug"
    return tla_name(r.violation)


def test_spec_disconnect_returning_the_last_id(monkeypatch: pytest.MonkeyPatch) -> None:
    real = S.client_disconnect

    def disconnect(state: Any, cid: int) -> Any:
        out = real(state, cid)
        if cid == state.next_client_id - 1:
            out = attrs.evolve(out, next_client_id=cid)
        return out

    monkeypatch.setattr(S, "client_disconnect", disconnect)
    assert _spec_violation(lifecycle_model(3, 2)) == "NextIdGrowsAndNoIdGivenTwice"


def test_spec_connect_keeping_the_next_id(monkeypatch: pytest.MonkeyPatch) -> None:
    real = S.client_connect

    def connect(state: Any, now: int, *a: Any, **kw: Any) -> Any:
        out, cid = real(state, now, *a, **kw)
        return attrs.evolve(out, next_client_id=state.next_client_id), cid

    monkeypatch.setattr(S, "client_connect", connect)
    assert _spec_violation(lifecycle_model(3, 2)) in ("IdsBelowNext",
                                                      "NextIdGrowsAndNoIdGivenTwice")


def test_spec_select_one_past_the_last_db(monkeypatch: pytest.MonkeyPatch) -> None:
    def select(s: Any, argv: list[bytes]) -> Any:
        i = int(argv[1])
        if 0 <= i <= s.db_count() and i != s.client.db:  # planted: <= instead of <
            s.update_client(db=i)
        return dispatch.OK if hasattr(dispatch, "OK") else b"OK"

    replace_handler(monkeypatch, b"select", select)
    assert _spec_violation(lifecycle_model(3, 2)) == "DbInRange"


def test_spec_write_signalling_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(step_mod, "touch_watched_key", lambda s, d, k: None)
    assert _spec_violation(transactions_model(2, 1, 2)) == "DirtyIffWritten"


def test_spec_exec_signalling_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    real = step_mod.touch_watched_key

    def touch(s: Any, d: int, k: bytes) -> None:
        if not s.in_exec:  # planted: the writes an EXEC runs signal nobody
            real(s, d, k)

    monkeypatch.setattr(step_mod, "touch_watched_key", touch)
    r = explore(transactions_model(2, 1, 2))
    assert r.violation is not None and tla_name(r.violation) in ("ExecAtomic", "DirtyIffWritten")
    assert "EXEC" in r.violation.script()


def test_spec_exec_ignoring_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dispatch.exec_

    def careless(s: Any, argv: list[bytes]) -> Any:
        c = s.client
        if "dirty_cas" in c.flags:
            s.update_client(flags=c.flags - {"dirty_cas"})
        return real(s, argv)

    replace_handler(monkeypatch, b"exec", careless)
    assert _spec_violation(transactions_model(2, 1, 2)) == "ExecSafe"


def test_spec_signal_hitting_every_watcher(monkeypatch: pytest.MonkeyPatch) -> None:
    real = step_mod.touch_watched_key

    def touch(s: Any, d: int, k: bytes) -> None:
        for dbid, key in list(s.part("watched_keys").keys()):
            if dbid == d:
                real(s, d, key)

    monkeypatch.setattr(step_mod, "touch_watched_key", touch)
    assert explore(transactions_model(2, 1, 2)).violation is None  # one key cannot show it
    assert _spec_violation(transactions_model(2, 2, 1)) == "DirtyIffWritten"


def test_spec_del_of_a_missing_key_signalling(monkeypatch: pytest.MonkeyPatch) -> None:
    real = DbView.delete

    def delete(self: DbView, key: bytes, lazy: bool | None = None) -> bool:
        if key not in self.keys:
            self.step.signal_modified_key(self.id, key)
            return False
        return real(self, key, lazy)

    monkeypatch.setattr(DbView, "delete", delete)
    assert _spec_violation(transactions_model(2, 1, 2)) == "DirtyIffWritten"


def test_spec_exec_out_of_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The explorer's counterpart of Atomicity: EXEC's effect is its queue run in order."""
    real = dispatch.exec_

    def reversed_exec(s: Any, argv: list[bytes]) -> Any:
        c = s.client
        s.update_client(mstate=tuple(reversed(c.mstate)))
        return real(s, argv)

    replace_handler(monkeypatch, b"exec", reversed_exec)
    r = explore(transactions_model(2, 1, 2))
    assert r.violation is not None and r.violation.trace[-1][1][3].startswith("exec_atomic")


# -- AofRewrite: the same bugs planted in spec.aof ----------------------------------------------


def _aof_violation(model: Any) -> set[str]:
    """Every property the first violating state breaks (an invariant and the action property
    can break on the same step)."""
    r = explore(model)
    assert r.violation is not None, "the explorer over the spec did not see the planted bug"
    last = r.violation.trace[-1][1]
    names = {tla_name(r.violation)}
    if last[-1]:
        names.add(last[-1].split(":")[0])
    return names


def _aof_verdict(name: str) -> set[str]:
    return set(variants()[name][0])


def test_spec_rewrite_keeping_the_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aof_mod, "flush_in_step", lambda s, force: None)
    got = _aof_violation(explorer_aof.aof_model(2, 1))
    assert got & _aof_verdict("rewrite_keeps_the_buffer"), got


def test_spec_switch_marking_the_new_incr_history(monkeypatch: pytest.MonkeyPatch) -> None:
    real = aof_mod.mark_rewritten

    def mark(m: Any, aof_open: bool = True) -> Any:
        return real(m, aof_open=False)

    monkeypatch.setattr(aof_mod, "mark_rewritten", mark)
    got = _aof_violation(explorer_aof.aof_model(2, 1))
    assert got & _aof_verdict("switch_marks_new_incr_history"), got


def test_spec_always_replying_before_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    real = aof_mod.flush_aof

    def flush(a: Any, cfg: Any, child: bool, now_ms: int, force: bool) -> Any:
        out = real(a, cfg, child, now_ms, force)
        if out.ops[len(a.ops):][-1:] == (("fsync",),):  # planted: fsync in the background
            out = attrs.evolve(out, ops=out.ops[:-1] + (("bgfsync", out.current_size),),
                               fsync_pending=out.fsync_pending + 1,
                               durable_size=a.durable_size)
        return out

    monkeypatch.setattr(aof_mod, "flush_aof", flush)
    got = _aof_violation(explorer_aof.aof_model(2, 1))
    assert got & _aof_verdict("always_replies_before_fsync"), got


def test_spec_child_base_after_the_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    real = step_mod.Step.commit

    def commit(self: Any) -> Any:
        new = real(self)
        child = new.aof.child
        if child is not None:  # planted: the child sees the parent's later writes
            snap = fork_snapshot(step_mod.Step(new, self.now_ms))
            new = replace(new, aof=attrs.evolve(new.aof,
                                                child=attrs.evolve(child, snapshot=snap)))
        return new

    monkeypatch.setattr(step_mod.Step, "commit", commit)
    got = _aof_violation(explorer_aof.aof_model(2, 1))
    assert got & _aof_verdict("child_base_after_fork"), got


def test_spec_replies_before_the_write(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aof_mod, "before_sleep_flush", lambda state, now_ms: state)
    got = _aof_violation(explorer_aof.aof_model(2, 1))
    assert got & _aof_verdict("replies_before_write"), got


# -- the module text itself, interpreted (properties/tla_interp.py) ------------------------------


@pytest.mark.parametrize("name", sorted(MODULE))
def test_the_patched_module_interpreted_reaches_the_verdict(name: str) -> None:
    """The README's patch applied to the module's text, explored by the TLA+ interpreter with
    the module's own MC configuration: the first property broken is one the verdict names
    (what TLC must report)."""
    pytest.importorskip("tla")
    verdict, old, new = variants()[name]
    module = ROOT / "tla" / MODULE[name]
    cfg = module.with_name("MC" + module.name.replace(".tla", ".cfg"))
    r = tla_interp.explore(tla_interp.load(module, cfg, patch=(old, new)), max_states=300_000)
    assert r.violation is not None, f"{name} passes: the module cannot see it"
    assert r.violation in verdict, (r.violation, verdict)
