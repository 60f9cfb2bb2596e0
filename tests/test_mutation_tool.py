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


def test_argued_mutants_are_not_run_again(tmp_path: Path) -> None:
    """A mutant docs/mutation-verdicts.json argues equivalent (keyed by its line's text)
    counts as an argued survivor without running; the others are left to run; a verdict
    for another line or mutation skips nothing."""
    m = _tool()
    tree = _tree(tmp_path / "t")
    ms = {x.description: x for x in m.mutants_of(tree, "tiny.py")}
    eq = ms["`x >= 0` -> `x > 0`"]
    key = m.verdict_key(tree, "tiny.py", eq.line, eq.col, eq.description)
    argued, rest = m.split_argued(tree, list(ms.values()), {key: "both give 0 at 0"})
    assert [r.mutant for r in argued] == [eq] and argued[0].status == "survived"
    assert eq not in rest and len(rest) == len(ms) - 1
    other = key.replace("x >= 0", "x >= 1")
    assert m.split_argued(tree, list(ms.values()), {other: "-"})[0] == []
    assert m.summarize(argued)["survivors"] == [eq.ident]


def test_boundary_class_is_exhaustive_and_the_rest_sampled(tmp_path: Path) -> None:
    m = _tool()
    ms = m.mutants_of(_tree(tmp_path / "t"), "tiny.py")
    edge = {(x.operator, x.description) for x in ms if x.operator in m.BOUNDARY}
    assert ("off1", "`x + 1` -> `x`") in edge  # the ±1 dropped
    assert ("off1", "`1` -> `2`") in edge  # e + 1 -> e + 2
    assert ("off1", "`1` -> `0`") not in edge  # x + 0 is the drop again
    assert ("cmp", "`x >= 0` -> `x > 0`") in edge
    chosen = m.select(ms, 1, 1)
    assert {x.ident for x in ms if x.operator in m.BOUNDARY} <= {x.ident for x in chosen}
    assert sum(x.operator not in m.BOUNDARY for x in chosen) == 1
    assert all(x.operator in m.BOUNDARY for x in m.select(ms, 1, 1, boundary_only=True))


def test_cache_keeps_kills_and_reruns_survivors_when_tests_change(tmp_path: Path) -> None:
    m = _tool()
    tree = _tree(tmp_path / "t")
    ms = m.mutants_of(tree, "tiny.py")
    cache = m.Cache(tmp_path / "cache")
    mkey = m.module_key(tree, "tiny.py")
    t1 = m.tests_key(tree, ["test_tiny.py"])
    cache.put(mkey, t1, m.Result(ms[0], "killed", 1.0))
    cache.put(mkey, t1, m.Result(ms[1], "survived", 1.0))
    (tree / "test_tiny.py").write_text(TEST + "\n# a new test\n")
    t2 = m.tests_key(tree, ["test_tiny.py"])
    assert t2 != t1
    assert cache.get(mkey, t2, ms[0])["status"] == "killed"
    assert cache.get(mkey, t2, ms[1]) is None and cache.get(mkey, t1, ms[1]) is not None
    (tree / "tiny.py").write_text(TINY + "\n")
    assert m.module_key(tree, "tiny.py") != mkey  # a changed module: nothing reused


def test_verification_md_shows_the_mutation_json() -> None:
    m = _tool()
    import json
    doc = (ROOT / "docs" / "verification.md").read_text()
    data = json.loads((ROOT / "docs" / "mutation.json").read_text())
    assert m.render_into(ROOT / "docs" / "verification.md", data) == doc, \
        "run: python tools/mutation.py --render docs/mutation.json"


WARM = '''\
"""The warm runner's cases: an import-time constant, a killable and an equivalent mutant,
a line no test runs, and a loop a mutant makes endless."""

LIMIT = 1


def inc(x: int) -> int:
    return x + 1


def magnitude(x: int) -> int:
    return x if x >= 0 else -x


def unused(x: int) -> bool:
    return x < 3


def countdown(n: int) -> int:
    while n > 0:
        n -= 1
    return n
'''

WARM_TEST = '''\
from tiny import LIMIT, countdown, inc, magnitude


def test_limit():
    assert LIMIT == 1


def test_inc():
    assert inc(1) == 2


def test_magnitude():
    assert magnitude(-3) == 3 and magnitude(0) == 0 and magnitude(2) == 2


def test_countdown():
    assert countdown(3) == 0
'''


def _warm_tree(d: Path) -> Path:
    d.mkdir()
    (d / "tiny.py").write_text(WARM)
    (d / "test_tiny.py").write_text(WARM_TEST)
    return d


def test_schemata_switch_each_mutant_as_its_text() -> None:
    """With ``__mutant__ == K`` the schemata module computes what mutant K's text computes,
    with 0 what the original does, for every mutant of the module."""
    import builtins
    m = _tool()
    import tempfile
    with tempfile.TemporaryDirectory() as t:
        (Path(t) / "tiny.py").write_text(WARM)
        ms = m.mutants_of(Path(t), "tiny.py")
    wanted = {mu.ident: k for k, mu in enumerate(ms, 1)}
    tree, ends = m.schemata(WARM, "tiny.py", wanted)
    assert set(ends) == set(wanted)
    code = compile(tree, "tiny.py", "exec", dont_inherit=True)

    def probe(ns: dict[str, object]) -> list[object]:
        out: list[object] = [ns["LIMIT"]]
        for name, args in (("inc", (1,)), ("magnitude", (-3,)), ("magnitude", (0,)),
                           ("unused", (3,)), ("unused", (2,))):
            out.append(ns[name](*args))  # type: ignore[operator]
        return out

    saved = builtins.__dict__.get(m.SWITCH)
    try:
        for k, mu in [(0, None), *enumerate(ms, 1)]:
            if mu is not None and "countdown" in mu.source.splitlines()[mu.line - 2]:
                continue  # some never end
            builtins.__dict__[m.SWITCH] = k
            switched: dict[str, object] = {}
            exec(code, switched)
            text: dict[str, object] = {}
            exec(compile(WARM if mu is None else mu.source, "tiny.py", "exec"), text)
            assert probe(switched) == probe(text), mu
    finally:
        builtins.__dict__[m.SWITCH] = saved


def test_warm_runner_verdicts(tmp_path: Path) -> None:
    """One worker: an import-time mutant runs cold and is killed, a killable one is killed by
    the one test covering it, the equivalent one survives, the unused line is 'not covered',
    an endless loop times out."""
    m = _tool()
    tree = _warm_tree(tmp_path / "t")
    ms = {(x.line, x.description): x for x in m.mutants_of(tree, "tiny.py")}
    picks = {
        "limit": ms[(4, "`1` -> `2`")],
        "inc": ms[(8, "`x + 1` -> `x`")],
        "magnitude": ms[(12, "`x >= 0` -> `x > 0`")],
        "unused": ms[(16, "`x < 3` -> `x <= 3`")],
        "endless": ms[(21, "`1` -> `0`")],
    }
    res = {r.mutant.ident: r for r in m.run_warm(
        tree, [(["test_tiny.py"], list(picks.values()))], workers=1, min_timeout=3.0,
        timeout_factor=1.0, plugin=False)}
    got = {name: (res[mu.ident].status, res[mu.ident].detail) for name, mu in picks.items()}
    assert got["limit"][0] == "killed" and got["limit"][1].startswith("import-time")
    assert got["inc"] == ("killed", "FAILED test_tiny.py::test_inc (call)")
    assert got["magnitude"] == ("survived", "")
    assert got["unused"] == ("survived", "not covered")
    assert got["endless"][0] == "timeout"
    assert (tree / "tiny.py").read_text() == WARM  # nothing written


def test_schemata_of_a_spec_module_compile() -> None:
    """Every mutant of every class of a real module (statement switches included: ``+=``
    made ``-=``) compiles into one schemata module, each with its expression's last line."""
    m = _tool()
    ms = m.mutants_of(ROOT, "spec/multi.py")
    assert any(mu.operator == "binop" and "+=" in mu.description for mu in ms)
    wanted = {mu.ident: k for k, mu in enumerate(ms, 1)}
    tree, ends = m.schemata((ROOT / "spec/multi.py").read_text(), "spec/multi.py", wanted)
    compile(tree, "spec/multi.py", "exec", dont_inherit=True)
    assert set(ends) == set(wanted)


def test_every_spec_module_has_a_selection() -> None:
    """Issue 22 asks for every boundary mutant of spec/: every module is in ``MODULES`` (but
    the two rule-free package markers in ``UNMAPPED``), and every selected test file exists."""
    tool = _tool()
    root = Path(__file__).resolve().parent.parent
    modules = {p.relative_to(root).as_posix() for p in (root / "spec").rglob("*.py")}
    missing = modules - set(tool.MODULES) - tool.UNMAPPED
    assert not missing, f"spec modules without a test selection: {sorted(missing)}"
    assert tool.UNMAPPED <= modules
    absent = {t for _, tests in tool.MODULES.values() for t in tests if not (root / t).exists()}
    assert not absent, f"selected test files that do not exist: {sorted(absent)}"


def test_warm_runner_covers_every_module_of_a_shared_selection(tmp_path: Path) -> None:
    """Two modules share a selection and their mutants fall into different chunks: the
    coverage the first chunk records (and the second reuses) covers both modules, so the
    second module's killable mutant is killed, not reported 'not covered'."""
    m = _tool()
    tree = _warm_tree(tmp_path / "t")
    (tree / "tiny2.py").write_text("def dbl(x: int) -> int:\n    return x + 1 + x - 1\n")
    (tree / "test_tiny2.py").write_text(
        "from tiny import inc\nfrom tiny2 import dbl\n\n\ndef test_both():\n"
        "    assert inc(1) == 2 and dbl(3) == 6\n")
    first = {(x.line, x.description): x for x in m.mutants_of(tree, "tiny.py")}
    second = [x for x in m.mutants_of(tree, "tiny2.py") if x.description == "`x + 1` -> `x`"]
    picks = [first[(8, "`x + 1` -> `x`")], second[0]]
    res = {r.mutant.ident: r for r in m.run_warm(
        tree, [(["test_tiny2.py"], picks)], workers=1, min_timeout=3.0, timeout_factor=1.0,
        chunk=1, plugin=False)}
    assert [res[mu.ident].status for mu in picks] == ["killed", "killed"], \
        [(res[mu.ident].status, res[mu.ident].detail) for mu in picks]
