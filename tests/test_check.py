"""``redspec check``, the mechanism registry, Z3 obligations and the bounded explorer."""

from __future__ import annotations

import json
import re
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from redspec.cli.main import main
from redspec.properties import registry, z3_keyspace
from redspec.properties.explorer import explore
from redspec.properties.explorer_models import (
    commands_model,
    lifecycle_expected,
    lifecycle_model,
    mutex_model,
)
from redspec.properties.planted import delete_keeping_ttl
from redspec.spec.server import client_connect, new_server, run_command
from redspec.spec.step import DbView

ROOT = Path(__file__).resolve().parent.parent


# -- discovery ---------------------------------------------------------------------------------


def test_every_property_module_is_discovered() -> None:
    errors: list[tuple[str, str]] = []
    items = registry.discover(errors=errors)
    assert errors == []
    stems = {i.module for i in items}
    for f in (ROOT / "properties").glob("test_*_machine.py"):
        assert f.stem in stems, f"{f.name} has no discovered suite"
    kinds = {i.kind for i in items}
    assert kinds == {"machine", "given", "z3", "explorer"}
    mechs = {i.mechanism for i in items}
    assert {"keyspace", "resp", "clients", "dispatch"} <= mechs


def test_mechanism_names() -> None:
    assert registry.mechanism_from_filename("test_hash_machine") == "hash"
    assert registry.mechanism_from_filename("z3_resp") == "resp"
    assert registry.mechanism_from_filename("test_strings_machine") == "keyspace"
    assert registry.canonical(12) == "transactions"
    assert registry.canonical("1") == "keyspace"


# -- the command -------------------------------------------------------------------------------


def test_check_keyspace_passes_and_writes_json(tmp_path: Path) -> None:
    out, junit = tmp_path / "out.json", tmp_path / "out.xml"
    r = CliRunner().invoke(main, ["check", "--mechanism", "keyspace", "--examples", "20",
                                  "--json", str(out), "--junit", str(junit)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    ks = data["mechanisms"]["keyspace"]
    assert ks["verdict"] == "held" and data["verdict"] == "held"
    assert ks["proofs"] >= 1 and ks["examples"] >= 20 and ks["states"] > ks["examples"]
    assert {"properties", "examples", "states", "proofs", "seconds", "items"} <= set(ks)
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["keyspace"]
    assert suites[0].get("failures") == "0"


def test_check_fails_on_a_planted_bug_and_prints_a_replay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DbView, "delete", delete_keeping_ttl)
    out = tmp_path / "out.json"
    r = CliRunner().invoke(main, ["check", "-m", "keyspace", "--examples", "300",
                                  "--json", str(out)])
    assert r.exit_code == 1, r.output
    assert "expires_subset_of_keys" in r.output
    assert "# redis-cli" in r.output and "PXAT" in r.output  # a TTL must be set first
    assert "state = KeyspaceMachine()" in r.output  # and the Python replay
    data = json.loads(out.read_text())
    assert data["verdict"] == "FAILED"
    failed = [i for i in data["mechanisms"]["keyspace"]["items"] if i["verdict"] == "FAILED"]
    assert failed and all(i["replay"] for i in failed)


def test_replay_script_reproduces_through_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    """The redis-cli lines of a failure, replayed with the bug planted, break the invariant."""
    monkeypatch.setattr(DbView, "delete", delete_keeping_ttl)
    item = next(i for i in registry.discover(["keyspace"]) if i.name.endswith("KeyspaceMachine"))
    o = registry.run_item(item, registry.Budget(examples=300))
    assert not o.held
    cli = o.replay.split("\n\n")[0]
    lines = [ln for ln in cli.splitlines() if ln and not ln.startswith("#")]
    assert lines
    state = new_server(now_ms=1_000_000, databases=3)
    state, cid = client_connect(state, 1_000_000)
    for ln in lines:
        state, _ = run_command(state, cid, [a.encode() for a in ln.split()], 1_000_000)
    assert any(k not in d.keys for d in state.dbs for k in d.expires)


# -- skips: an optional accelerator absent is not a failure ---------------------------------------


@given(st.integers())
def _planted_needs_accelerator(n: int) -> None:
    """Like test_resp's hiredis property on an install without the fast extra."""
    pytest.importorskip("redspec_no_such_accelerator")


@given(st.integers())
def _planted_needs_c_build(n: int) -> None:
    """Like test_dict_machine's C SipHash property built without a compiler."""
    pytest.skip("the C accelerator is not built here")


@given(st.integers())
def _planted_unittest_skip(n: int) -> None:
    raise unittest.SkipTest("not on this platform")


class _PlantedSkippingMachine(RuleBasedStateMachine):
    @rule()
    def step(self) -> None:
        pytest.skip("machine needs an accelerator")


@given(st.integers())
def _planted_holds(n: int) -> None:
    assert n == n


@given(st.integers())
def _planted_fails(n: int) -> None:
    assert n < 5, "planted_fails"


def _planted(*objs: Any) -> list[registry.Item]:
    return [registry.Item("machine" if isinstance(o, type) else "given", f"planted.{o.__name__}",
                          "planted", "planted", o) for o in objs]


SKIPPING = (_planted_needs_accelerator, _planted_needs_c_build, _planted_unittest_skip,
            _PlantedSkippingMachine)


def test_a_suite_skipping_itself_is_skipped_with_its_reason() -> None:
    for item in _planted(*SKIPPING):
        o = registry.run_item(item, registry.Budget(examples=10))
        assert o.held and o.skipped and not o.incomplete and not o.error, (item.name, o)
    reasons = [registry.run_item(i, registry.Budget(examples=10)).skipped
               for i in _planted(*SKIPPING)]
    assert "could not import 'redspec_no_such_accelerator'" in reasons[0]
    assert reasons[1:] == ["the C accelerator is not built here", "not on this platform",
                           "machine needs an accelerator"]


def test_check_reports_skips_and_exits_0_when_the_rest_held(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 §3: without hiredis / the C extension, `redspec check` exited 1 because the
    suites that skip themselves were reported FAILED."""
    monkeypatch.setattr(registry, "discover",
                        lambda *a, **k: _planted(*SKIPPING, _planted_holds))
    out, junit = tmp_path / "out.json", tmp_path / "out.xml"
    r = CliRunner().invoke(main, ["check", "--examples", "10", "--json", str(out),
                                  "--junit", str(junit)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())  # rich wraps lines at 80 columns here
    assert "FAIL" not in text and "all held (4 skipped)" in text
    assert ("skipped planted: planted._planted_needs_c_build: the C accelerator is not built "
            "here") in text
    data = json.loads(out.read_text())
    assert data["verdict"] == "held" and data["skipped"] == 4
    m = data["mechanisms"]["planted"]
    assert m["verdict"] == "held" and m["skipped"] == 4 and m["properties"] == 5
    by = {i["name"]: i for i in m["items"]}
    skipped = by["planted._planted_needs_c_build"]
    assert skipped["verdict"] == "skipped" and not skipped["incomplete"]
    assert skipped["skipped"] == "the C accelerator is not built here" and not skipped["error"]
    assert by["planted._planted_holds"]["verdict"] == "held"
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("skipped") == "4" and suite.get("failures") == "0"


def test_a_skip_does_not_hide_a_failure_nor_the_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "discover",
                        lambda *a, **k: _planted(_planted_needs_c_build, _planted_fails))
    out = tmp_path / "out.json"
    r = CliRunner().invoke(main, ["check", "--examples", "20", "--json", str(out)])
    assert r.exit_code == 1, r.output
    data = json.loads(out.read_text())
    assert data["verdict"] == "FAILED" and data["mechanisms"]["planted"]["verdict"] == "FAILED"
    # nothing ran at all (no time budget): incomplete, exit 1, as before
    monkeypatch.setattr(registry, "discover", lambda *a, **k: _planted(_planted_holds))
    r = CliRunner().invoke(main, ["check", "--seconds", "0", "--json", str(out)])
    assert r.exit_code == 1, r.output
    item = json.loads(out.read_text())["mechanisms"]["planted"]["items"][0]
    assert item["verdict"] == "skipped" and item["incomplete"]
    assert json.loads(out.read_text())["mechanisms"]["planted"]["verdict"] == "incomplete"


# -- Z3 ----------------------------------------------------------------------------------------


def test_keyspace_obligation_proves_and_catches_a_planted_bug() -> None:
    assert z3_keyspace.obligation().prove().held
    p = z3_keyspace.obligation(del_keeps_ttl=True).prove()
    assert not p.held and "Inv ∧ Next ⇒ Inv′" in p.problems and p.counterexample


@pytest.mark.parametrize("argvs", [
    [[b"SET", b"a", b"1"]],
    [[b"SET", b"a", b"1", b"PX", b"100000"]],
    [[b"SET", b"a", b"1", b"PX", b"100000"], [b"SET", b"a", b"2"]],
    [[b"SET", b"a", b"1", b"PX", b"100000"], [b"DEL", b"a"]],
    [[b"SET", b"a", b"1"], [b"EXPIRE", b"a", b"100"], [b"PERSIST", b"a"]],
    [[b"SET", b"a", b"1", b"PX", b"100000"], [b"SET", b"b", b"2"], [b"RENAME", b"a", b"b"]],
    [[b"SET", b"a", b"1"], [b"SET", b"b", b"2", b"EX", b"5"], [b"RENAME", b"a", b"b"]],
])
def test_keyspace_encoding_admits_the_real_steps(argvs: list[list[bytes]]) -> None:
    """Every concrete spec step of these commands satisfies the Z3 transition relation."""
    state = new_server(now_ms=1000)
    state, cid = client_connect(state, 1000)
    names: dict[bytes, int] = {}
    for argv in argvs:
        before = state.dbs[0]
        state, _ = run_command(state, cid, argv, 1000)
        assert z3_keyspace.step_satisfies_next(before, state.dbs[0], names), argv


def test_keyspace_encoding_rejects_a_bad_step() -> None:
    """…and is not vacuous: a step that loses a key but keeps its TTL is not admitted."""
    from immutables import Map

    from redspec.spec.state import Db

    before = Db(0, Map({b"a": b"1"}), Map({b"a": 5}))
    after = Db(0, Map(), Map({b"a": 5}))
    assert not z3_keyspace.step_satisfies_next(before, after, {})


# -- the explorer ------------------------------------------------------------------------------


def test_explorer_finds_the_planted_mutex_bug_with_a_shortest_trace() -> None:
    r = explore(mutex_model(planted=True))
    assert r.violation is not None and r.violation.invariant == "mutual_exclusion"
    labels = [lbl for lbl, _ in r.violation.trace]
    assert len(labels) - 1 == 4  # wait, acquire, wait, acquire: nothing shorter exists
    assert sum("acquire" in lbl for lbl in labels) == 2


def test_explorer_symmetry_reduction_keeps_verdicts() -> None:
    full, sym = explore(mutex_model()), explore(mutex_model(symmetric=True))
    assert full.violation is None and sym.violation is None
    assert sym.distinct < full.distinct
    assert explore(mutex_model(planted=True, symmetric=True)).violation is not None


def test_explorer_speed_on_the_abstract_model() -> None:
    r = explore(mutex_model(n=4, visits=3))
    assert r.distinct == 10240
    assert r.rate > 2000  # ≥ 20,000/s on an idle machine; CI machines are shared


def test_explorer_finds_a_planted_spec_bug_with_a_shortest_trace(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DbView, "delete", delete_keeping_ttl)
    r = explore(commands_model())
    assert r.violation is not None and r.violation.invariant == "expires_subset_of_keys"
    labels = [re.sub(r"^c\d+: ", "", lbl) for lbl, _ in r.violation.trace[1:]]
    assert labels in (["SET k v", "EXPIRE k 100", "DEL k"],
                      ["SET k v", "EXPIRE k 100", "DEL k ; INCR k"])
    script = r.violation.script()
    assert "EXPIRE k 100" in script and "# client" in script


def test_explorer_reply_order_catches_a_swapped_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties import explorer_models

    orig = explorer_models.exchange

    def exchange(state: Any, cid: int, data: bytes) -> tuple[Any, bytes]:
        s, out = orig(state, cid, data)
        if out.count(b"\r\n") == 2:  # the pipelined DEL+INCR: deliver its replies swapped
            a, b = out.split(b"\r\n")[:2]
            out = b + b"\r\n" + a + b"\r\n"
        return s, out

    monkeypatch.setattr(explorer_models, "exchange", exchange)
    r = explore(commands_model())
    assert r.violation is not None and r.violation.invariant == "reply_order"


def test_commands_model_holds() -> None:
    r = explore(commands_model())
    assert r.violation is None and r.depth == 4 and r.distinct > 100


# -- TLA+ --------------------------------------------------------------------------------------


def test_lifecycle_count_matches_the_tla_configuration() -> None:
    readme = (ROOT / "tla" / "README.md").read_text()
    cfg = (ROOT / "tla" / "MCClientLifecycle.cfg").read_text()
    max_id = int(re.search(r"MaxId\s*=\s*(\d+)", cfg).group(1))  # type: ignore[union-attr]
    dbs = int(re.search(r"NumDBs\s*=\s*(\d+)", cfg).group(1))  # type: ignore[union-attr]
    want = int(re.search(r"distinct states:\s*\**(\d+)", readme).group(1))  # type: ignore[union-attr]
    r = explore(lifecycle_model(max_id, dbs))
    assert r.violation is None
    assert r.distinct == want == lifecycle_expected(max_id, dbs)


def test_tla_modules_parse_without_errors() -> None:
    ts = pytest.importorskip("tree_sitter")
    tsl = pytest.importorskip("tree_sitter_tlaplus")
    parser = ts.Parser(ts.Language(tsl.language()))
    files = sorted((ROOT / "tla").glob("*.tla"))
    assert files
    for f in files:
        tree = parser.parse(f.read_bytes())
        errors: list[Any] = []
        stack = [tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "ERROR" or n.is_missing:
                errors.append((n.start_point, n.type))
            stack.extend(n.children)
        assert not errors, f"{f.name}: parse errors at {errors[:5]}"


def test_tla_parse_check_can_fail() -> None:
    ts = pytest.importorskip("tree_sitter")
    tsl = pytest.importorskip("tree_sitter_tlaplus")
    parser = ts.Parser(ts.Language(tsl.language()))
    tree = parser.parse(b"---- MODULE Broken ----\nNext == /\\ x' = \n====\n")
    assert tree.root_node.has_error


def test_tla_modules_parse_and_every_identifier_resolves() -> None:
    """The ``tla`` package's parser reads every module, and no name is undeclared."""
    from redspec.properties.tla_names import unresolved

    files = sorted((ROOT / "tla").glob("*.tla"))
    assert files
    for f in files:
        assert unresolved(f) == [], f.name


def test_tla_identifier_check_can_fail() -> None:
    """A typo in an operator name and a parameter renamed away are both reported."""
    from redspec.properties.tla_names import unresolved

    src = (ROOT / "tla" / "ClientLifecycle.tla").read_text()
    line = src[:src.index("db' = Remove(c)")].count("\n")  # the parser counts from 0
    assert ("Remov", line) in unresolved(src.replace("db' = Remove(c)", "db' = Remov(c)", 1))
    assert [n for n, _ in unresolved(src.replace("Select(c, d) ==", "Select(c, e) ==", 1))] == ["d"]


def test_keyspace_counterexample_replays_as_spurious_when_the_encoding_is_wrong() -> None:
    """A wrong encoding (DEL keeps the TTL) gives a counterexample that no spec command
    reproduces: the replay calls it spurious, and its script runs."""
    p = z3_keyspace.obligation(del_keeps_ttl=True).prove()
    assert p.replay is not None and p.replay.startswith("spurious"), p.replay
    assert p.replay_script is not None
    exec(compile(p.replay_script, "<replay>", "exec"), {})


def test_keyspace_counterexample_replays_as_confirmed_when_the_spec_has_the_same_bug(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same counterexample against a spec whose dbDelete keeps the TTL is confirmed, and
    the script reproduces the broken invariant."""
    monkeypatch.setattr(DbView, "delete", delete_keeping_ttl)
    p = z3_keyspace.obligation(del_keeps_ttl=True).prove()
    assert p.replay is not None and p.replay.startswith("confirmed"), p.replay
    with pytest.raises(AssertionError):
        exec(compile(p.replay_script or "", "<replay>", "exec"), {})


def test_expiry_read_obligation_proves_and_replays_planted_bugs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A read never returns an expired key: proved; a wrong encoding (read ignores the TTL)
    replays as spurious; the same counterexample against a spec whose lookup ignores expiry
    is confirmed."""
    from redspec.properties import z3_expire
    from redspec.spec.step import DbView

    assert z3_expire.obligation().prove().held
    p = z3_expire.obligation(read_ignores_ttl=True).prove()
    assert not p.held and p.replay is not None and p.replay.startswith("spurious"), p.replay

    def no_passive_expiry(self: DbView, key: bytes) -> Any:
        v = self.keys.get(key)
        self.step.keyspace_hits += v is not None
        return v

    monkeypatch.setattr(DbView, "lookup_read", no_passive_expiry)
    p = z3_expire.obligation(read_ignores_ttl=True).prove()
    assert p.replay is not None and p.replay.startswith("confirmed"), p.replay
    with pytest.raises(AssertionError):
        exec(compile(p.replay_script or "", "<replay>", "exec"), {})


def test_registry_runs_a_given_test_that_has_its_own_settings() -> None:
    """``@given`` over ``@settings`` (settings on the inner test) still runs under the check's
    budget instead of failing with "already decorated with a settings object"."""
    item = next(i for i in registry.discover(["eviction"])
                if i.name.endswith("test_lru_pool_evicts_the_idlest"))
    o = registry.run_item(item, registry.Budget(examples=5))
    assert o.held, o.error
    assert o.examples >= 1
