"""``redspec check --strength``: how much each mechanism's checks would notice (issue #22).

Per mechanism, counted from the code and from the last mutation run, never typed by hand:

- properties: the suites ``properties/registry.py`` discovers — state machines (and the
  ``@invariant`` methods they check after every step), ``@given`` properties, explorer models;
- planted bugs: the tests in ``properties/`` whose name says they plant a bug
  (``test_planted_*``, ``test_*planted*``), each ``@pytest.mark.parametrize`` case counted
  once, read from the source with :mod:`ast` (``tests/test_check.py`` compares the count with
  what pytest collects);
- mutants: killed (or timed out) of run, overall and for the boundary class, from
  ``docs/mutation.json`` (``make mutation``);
- Z3: the obligations (``obligations()`` in ``properties/z3_*.py``), how many were proved
  (with ``prove=True``), and the rules proved in both directions: pairs of obligations that
  name each other as ``converse`` (``properties/z3kit.py``), both proved.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTATION_JSON = ROOT / "docs" / "mutation.json"
#: The operator classes ``tools/mutation.py`` runs exhaustively (its ``BOUNDARY``).
BOUNDARY = frozenset({"cmp", "off1", "bool"})


def _parametrize_cases(fn: ast.FunctionDef) -> int:
    """How many cases ``@pytest.mark.parametrize`` decorators give ``fn`` (a product; a
    decorator whose case list is not a literal counts as one case)."""
    n = 1
    for d in fn.decorator_list:
        if (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr == "parametrize" and len(d.args) >= 2
                and isinstance(d.args[1], (ast.List, ast.Tuple))):
            n *= max(1, len(d.args[1].elts))
    return n


def planted_tests(path: Path) -> int:
    """The planted-bug test cases of one ``properties/`` module (see the module docstring)."""
    tree = ast.parse(path.read_text())
    return sum(_parametrize_cases(fn) for fn in tree.body
               if isinstance(fn, ast.FunctionDef) and fn.name.startswith("test")
               and "planted" in fn.name)


def _module_mechanism(path: Path) -> str:
    """The mechanism a ``properties/`` module declares (``MECHANISM = ...``) or its file
    name implies, as ``properties/registry.py`` decides it."""
    from redspec.properties.registry import canonical, mechanism_from_filename

    for node in ast.parse(path.read_text()).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "MECHANISM"
                and isinstance(node.value, ast.Constant)):
            return canonical(node.value.value)
    return mechanism_from_filename(path.stem)


def planted_by_mechanism() -> dict[str, int]:
    """Planted-bug test cases per mechanism, over every module in ``properties/``."""
    out: dict[str, int] = {}
    for path in sorted((ROOT / "properties").glob("*.py")):
        n = planted_tests(path)
        if n:
            mech = _module_mechanism(path)
            out[mech] = out.get(mech, 0) + n
    return out


def invariants_of(machine: type) -> int:
    """The ``@invariant`` methods of a Hypothesis state machine."""
    from hypothesis.stateful import INVARIANT_MARKER

    return sum(1 for name in dir(machine)
               if getattr(getattr(machine, name, None), INVARIANT_MARKER, None) is not None)


def mutation_by_mechanism(path: Path = MUTATION_JSON) -> dict[str, dict[str, int]]:
    """``{mechanism: {run, killed, boundary_run, boundary_killed}}`` from a mutation run's JSON
    (killed counts timeouts too; mutants that errored are left out)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    out: dict[str, dict[str, int]] = {}
    for r in data.get("results", []):
        if r["status"] == "error":
            continue
        d = out.setdefault(r.get("mechanism", "other"),
                           {"run": 0, "killed": 0, "boundary_run": 0, "boundary_killed": 0})
        dead = r["status"] in ("killed", "timeout")
        d["run"] += 1
        d["killed"] += dead
        if r["operator"] in BOUNDARY:
            d["boundary_run"] += 1
            d["boundary_killed"] += dead
    return out


def strength(prove: bool = True, wanted: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The strength table: ``{mechanism: {...counts...}}`` (see the module docstring)."""
    from redspec.properties.registry import discover

    items = discover(wanted or None, [])
    planted = planted_by_mechanism()
    mutation = mutation_by_mechanism()
    names = sorted({i.mechanism for i in items} | set(planted) | set(mutation))
    if wanted:
        names = [n for n in names if n in {i.mechanism for i in items}]
    table: dict[str, dict[str, Any]] = {}
    for name in names:
        mine = [i for i in items if i.mechanism == name]
        machines = [i for i in mine if i.kind == "machine"]
        z3s = [i for i in mine if i.kind == "z3"]
        proved: dict[str, bool] = {}
        if prove:
            for i in z3s:
                proved[i.obj.name] = i.obj.prove().held
        by_name = {i.obj.name: i.obj for i in z3s}
        both = sorted(
            o.name for o in by_name.values()
            if getattr(o, "converse", "") in by_name
            and getattr(by_name[o.converse], "converse", "") == o.name
            and o.name < o.converse
            and (not prove or (proved[o.name] and proved[o.converse])))
        m = mutation.get(name, {})
        table[name] = {
            "machines": len(machines),
            "invariants": sum(invariants_of(i.obj) for i in machines),
            "given": sum(i.kind == "given" for i in mine),
            "explorer_models": sum(i.kind == "explorer" for i in mine),
            "planted_bugs": planted.get(name, 0),
            "mutants_run": m.get("run", 0),
            "mutants_killed": m.get("killed", 0),
            "boundary_run": m.get("boundary_run", 0),
            "boundary_killed": m.get("boundary_killed", 0),
            "z3_obligations": len(z3s),
            "z3_proved": sum(proved.values()) if prove else None,
            "both_directions": [[n, by_name[n].converse] for n in both],
        }
    return table


def _ratio(k: int, n: int) -> str:
    return f"{k}/{n} ({100.0 * k / n:.0f}%)" if n else "-"


def render(table: dict[str, dict[str, Any]]) -> Any:
    """The strength table as a rich ``Table``."""
    from rich.table import Table

    t = Table(title="redspec check --strength: what the checks would notice")
    cols = ("mechanism", "machines", "invariants", "properties", "explorer", "planted bugs",
            "mutants killed", "boundary killed", "Z3 proved", "both ways")
    for c in cols:
        t.add_column(c, justify="left" if c == "mechanism" else "right")
    for name, d in table.items():
        z3 = (f"{d['z3_proved']}/{d['z3_obligations']}" if d["z3_proved"] is not None
              else str(d["z3_obligations"])) if d["z3_obligations"] else "-"
        both = str(len(d["both_directions"])) if d["z3_obligations"] else "-"
        t.add_row(name, str(d["machines"]), str(d["invariants"]), str(d["given"]),
                  str(d["explorer_models"]), str(d["planted_bugs"]),
                  _ratio(d["mutants_killed"], d["mutants_run"]),
                  _ratio(d["boundary_killed"], d["boundary_run"]), z3, both)
    return t


def notes(table: dict[str, dict[str, Any]]) -> list[str]:
    """One line per rule proved in both directions, for under the table."""
    return [f"{name}: both ways: {a} / {b}" for name, d in table.items()
            for a, b in d["both_directions"]]
