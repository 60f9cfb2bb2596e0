"""The choice of the spec's build (issue 21): compiled where a C compiler works, interpreted
where it does not, where a compiled module is older than its source, or where asked
(reference/specbuild.py, tools/compile_spec.py, conftest.py)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from redspec.cli.build import spec_build
from redspec.reference import specbuild

ROOT = Path(__file__).resolve().parent.parent
SUFFIX = ".cpython-311-x86_64-linux-gnu.so"


def compile_spec() -> ModuleType:
    """tools/compile_spec.py as a module."""
    found = importlib.util.spec_from_file_location("compile_spec", ROOT / "tools" / "compile_spec.py")
    assert found is not None and found.loader is not None
    mod = importlib.util.module_from_spec(found)
    found.loader.exec_module(mod)
    return mod


def test_this_run_is_the_build_it_asked_for() -> None:
    """conftest.py makes a plain run interpreted; `make test`'s compiled run gets compiled."""
    want = os.environ["REDSPEC_SPEC_BUILD"]
    assert want in ("interpreted", "compiled")
    assert spec_build().startswith(want), spec_build()


def fake_package(tmp_path: Path) -> Path:
    """A package ``fakespec`` whose module ``mod`` has a source and a broken "compiled" twin."""
    pkg = tmp_path / "fakespec"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text("WHERE = 'source'\n")
    (pkg / ("mod" + SUFFIX)).write_bytes(b"not an ELF file")
    return pkg


def run_importing(tmp_path: Path, force: bool) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from redspec.reference import specbuild
        if {force}:
            specbuild.force_interpreted("fakespec")
        import fakespec.mod
        print(fakespec.mod.WHERE)
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the suffix is Linux's")
def test_forced_interpreted_imports_the_source_past_a_compiled_module(tmp_path: Path) -> None:
    fake_package(tmp_path)
    # Python prefers the extension module (here a broken one, so the import fails) ...
    plain = run_importing(tmp_path, force=False)
    assert plain.returncode != 0 and "ImportError" in plain.stderr
    # ... and the finder makes it take the source.
    forced = run_importing(tmp_path, force=True)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.strip() == "source"


def test_a_compiled_module_older_than_its_source_is_stale(tmp_path: Path) -> None:
    pkg = fake_package(tmp_path)
    so = pkg / ("mod" + SUFFIX)
    os.utime(pkg / "mod.py", (1000, 1000))
    os.utime(so, (2000, 2000))
    assert specbuild.compiled_files(pkg) == [so]
    assert specbuild.stale_files(pkg) == []
    os.utime(pkg / "mod.py", (3000, 3000))
    assert specbuild.stale_files(pkg) == ["mod"]


def test_no_working_compiler_is_detected_before_mypyc_runs(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """``CC=/bin/false make serve`` / ``make test``: the probe says no, the build is skipped
    and the interpreted spec runs (the full fallback was run by hand: see
    docs/performance-compiled.md)."""
    cs = compile_spec()
    monkeypatch.setenv("CC", "/bin/false")
    assert cs.compiler_works() is False
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is not None:
        monkeypatch.setenv("CC", cc)
        assert cs.compiler_works() is True
