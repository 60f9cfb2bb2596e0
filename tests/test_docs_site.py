"""The docs site's pieces (issue 20): the link rewriting of tools/mkdocs_hooks.py, and
tools/docs_check.py finding a broken link, a missing image and an SVG that does not render
(planted in a small site; the Chromium part is skipped where no chromium is installed, the
full site check is ``make docs-check``)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"redspec_{name}", ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_links_are_made_to_work_on_the_site() -> None:
    pytest.importorskip("mkdocs")
    hooks = _tool("mkdocs_hooks")
    page = "tutorials/expire/README.md"
    assert hooks.rewrite("[expire](../../mechanisms/expire.md)", page) == \
        "[expire](../../mechanisms/expire.md)"
    assert hooks.rewrite("[the models](../tla/README.md)", "verification.md") == \
        "the models (`tla/README.md`)"
    assert hooks.rewrite("[tutorials](tutorials/)", "status.md") == \
        "[tutorials](tutorials/README.md)"
    assert hooks.rewrite("![x](reference.svg)", page) == "![x](reference.svg)"
    assert hooks.rewrite("[h](https://redis.io/x)", page) == "[h](https://redis.io/x)"
    assert hooks.rewrite("[t](tests/differential/README.md)", "index.md") == \
        "t (`tests/differential/README.md`)"


GOOD_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
            '<rect width="40" height="20"/></svg>')


def _site(tmp: Path) -> Path:
    site = tmp / "site"
    site.mkdir()
    (site / "ok.svg").write_text(GOOD_SVG)
    (site / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><rect")
    (site / "index.html").write_text(
        '<html><body><article><a href="page.html">p</a><img src="ok.svg"></article></body></html>')
    (site / "page.html").write_text(
        '<html><body><article><a href="nowhere.html">x</a><img src="missing.svg">'
        '<img src="broken.svg"><img src="ok.svg"></article></body></html>')
    return site


def test_broken_links_and_missing_images_are_found(tmp_path: Path) -> None:
    check = _tool("docs_check")
    site = _site(tmp_path)
    assert check.check_refs(site, site / "index.html") == []
    found = check.check_refs(site, site / "page.html")
    assert found == ["page.html: broken link nowhere.html", "page.html: broken image missing.svg"]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium (apt-get install chromium)")
def test_chromium_reports_what_did_not_render(tmp_path: Path) -> None:
    check = _tool("docs_check")
    site = _site(tmp_path)
    exe = check.chromium()
    assert check.render(exe, site / "index.html") == []
    assert sorted(check.render(exe, site / "page.html")) == ["img broken.svg", "img missing.svg"]
    assert check.main([str(site)]) == 1
