"""``redspec check --strength`` (issue #22): the counts come from the code and from
docs/mutation.json, and the ones read from source agree with what pytest and Hypothesis see."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.cli import strength as st
from redspec.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["test_timed_boundaries", "test_mutation_gaps",
                                    "test_expire_machine"])
def test_planted_count_is_what_pytest_collects(module: str) -> None:
    path = ROOT / "properties" / f"{module}.py"
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "-p", "no:randomly", str(path)],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    collected = [ln for ln in out.splitlines()
                 if "::" in ln and "planted" in ln.split("::")[-1].split("[")[0]]
    assert st.planted_tests(path) == len(collected) > 0


def test_invariants_are_counted() -> None:
    class M(RuleBasedStateMachine):
        @rule()
        def step(self) -> None:
            pass

        @invariant()
        def one(self) -> None:
            pass

        @invariant()
        def two(self) -> None:
            pass

    assert st.invariants_of(M) == 2


def test_mutation_counts_per_mechanism(tmp_path: Path) -> None:
    f = tmp_path / "m.json"
    rows = [("expire", "cmp", "killed"), ("expire", "off1", "survived"),
            ("expire", "binop", "timeout"), ("expire", "bool", "error"),
            ("rehash", "return", "survived")]
    f.write_text(json.dumps({"results": [{"mechanism": m, "operator": o, "status": s}
                                         for m, o, s in rows]}))
    got = st.mutation_by_mechanism(f)
    assert got["expire"] == {"run": 3, "killed": 2, "boundary_run": 2, "boundary_killed": 1}
    assert got["rehash"] == {"run": 1, "killed": 0, "boundary_run": 0, "boundary_killed": 0}


def test_strength_cli_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    r = CliRunner().invoke(main, ["check", "--strength", "-m", "expire", "--json", str(out)])
    assert r.exit_code == 0, r.output
    assert "expire" in r.output and "planted" in r.output
    assert "both ways: expire: a key read after its expiry time" in r.output
    row = json.loads(out.read_text())["strength"]["expire"]
    assert row["z3_obligations"] == row["z3_proved"] == 2
    assert len(row["both_directions"]) == 1
    assert row["machines"] >= 1 and row["invariants"] >= 1 and row["planted_bugs"] >= 2
    data = json.loads((ROOT / "docs" / "mutation.json").read_text())
    ours = [x for x in data["results"] if x.get("mechanism") == "expire"
            and x["status"] != "error"]
    assert row["mutants_run"] == len(ours)


def test_a_converse_that_does_not_prove_is_not_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties import z3_expire

    def planted() -> list[object]:  # the served direction with `now >= when`: it fails
        return [z3_expire.obligation(), z3_expire.served_obligation(expired_at_equal=True)]

    planted.__module__ = z3_expire.__name__  # the registry takes a module's own obligations()
    monkeypatch.setattr(z3_expire, "obligations", planted)
    row = st.strength(prove=True, wanted=["expire"])["expire"]
    assert row["z3_proved"] == 1 and row["both_directions"] == []
