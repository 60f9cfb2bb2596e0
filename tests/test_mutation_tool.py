"""tools/mutation.py on a tiny module: an obviously killable mutant is killed, a known
equivalent one survives, and texts/docstrings/annotations are never mutated."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent

TINY = '''\
"""A docstring that must not be mutated: 1 < 2."""

from __future__ import annotations


def magnitude(x: int) -> int:
    """``abs``: ``>=`` and ``>`` agree here (at 0 both branches give 0)."""
    return x if x >= 0 else -x


def inc(x: int) -> int:
    return x + 1


def message(n: int) -> str:
    return Err(f"ERR {n} is out of range")


def Err(text: str) -> str:
    return text
'''

TEST = '''\
from tiny import inc, magnitude


def test_tiny():
    assert inc(1) == 2
    assert magnitude(-3) == 3 and magnitude(0) == 0 and magnitude(2) == 2
'''


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redspec_mutation_tool",
                                                  ROOT / "tools" / "mutation.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look the module up
    spec.loader.exec_module(mod)
    return mod


def _tree(d: Path) -> Path:
    d.mkdir()
    (d / "tiny.py").write_text(TINY)
    (d / "test_tiny.py").write_text(TEST)
    return d


def test_sites_skip_texts_and_annotations(tmp_path: Path) -> None:
    m = _tool()
    ms = m.mutants_of(_tree(tmp_path / "t"), "tiny.py")
    descs = [x.description for x in ms]
    assert "`x + 1` -> `x - 1`" in descs
    assert "`x >= 0` -> `x > 0`" in descs
    assert all(x.line > 1 for x in ms)  # the module docstring's `1 < 2` is not a site
    # nothing inside Err(f"..."): only the return of the whole reply
    assert {x.operator for x in ms if x.line == 16} == {"return"}
    assert m.sample(ms, 3, 1) == m.sample(ms, 3, 1)  # seeded: repeatable
    assert len(m.sample(ms, 3, 1)) == 3


def test_kills_killable_and_keeps_equivalent(tmp_path: Path) -> None:
    m = _tool()
    trees = [_tree(tmp_path / "a"), _tree(tmp_path / "b")]
    ms = {x.description: x for x in m.mutants_of(trees[0], "tiny.py")}
    killable, equivalent = ms["`x + 1` -> `x - 1`"], ms["`x >= 0` -> `x > 0`"]
    res = m.run_all(trees, [(killable, ["test_tiny.py"], 60.0),
                            (equivalent, ["test_tiny.py"], 60.0)], plugin=False)
    assert [r.status for r in res] == ["killed", "survived"]
    assert (trees[0] / "tiny.py").read_text() == TINY  # restored
    assert (trees[1] / "tiny.py").read_text() == TINY
    summary = m.summarize(res)
    assert summary["score"] == 50.0
    assert summary["survivors"] == [equivalent.ident]
