"""Which build of the spec this process imports: compiled by mypyc (issue 21) or interpreted.

``make compile`` (and ``make serve`` / ``make test`` where a C compiler works) puts C extension
modules next to ``spec/``'s sources; Python imports an extension module in preference to the
``.py`` of the same name. :func:`select_build` decides, before any spec module is imported,
whether to let it (``redspec.reference`` and ``redspec.cli`` call it when they are imported;
the test suites' ``conftest.py`` too):

- ``REDSPEC_SPEC_BUILD=interpreted``: the ``.py`` sources are imported even where a compiled
  module exists (the tests that patch spec functions, CI's interpreted sample, and every plain
  ``pytest`` run: conftest.py makes it the default there);
- ``REDSPEC_SPEC_BUILD=compiled``: the compiled modules as they are (a stale one is reported
  by ``redspec check``, and the compiled test run fails on it);
- unset: the compiled modules, unless one is older than its source (an edit since the last
  build): then the whole spec runs interpreted. Compiled modules call each other directly in
  C, so fresh sources mixed with stale compiled modules would be neither program.

The world-facing part of the build choice (environment, file times, the import system) is
here, outside the pure spec.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType

ENV = "REDSPEC_SPEC_BUILD"
PACKAGE = "redspec.spec"

#: Why this process runs the interpreted spec although compiled modules exist (None: it
#: does not, or there are none); ``redspec check`` and the serve log print it.
reason: str | None = None


class SourceOnly(importlib.abc.MetaPathFinder):
    """An import finder that loads the submodules of ``package`` from their ``.py`` files,
    never from a compiled extension module next to them (the C SipHash excepted: it has no
    ``.py`` of the same name and is an accelerator, not a build of a spec module)."""

    def __init__(self, package: str = PACKAGE) -> None:
        self.prefix = package + "."

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        """The source module's spec for a submodule of the package; None for anything else."""
        if not fullname.startswith(self.prefix) or path is None:
            return None
        name = fullname.rpartition(".")[2]
        for d in path:
            src = os.path.join(d, name + ".py")
            if os.path.isfile(src):
                return importlib.util.spec_from_file_location(fullname, src)
            init = os.path.join(d, name, "__init__.py")
            if os.path.isfile(init):
                return importlib.util.spec_from_file_location(
                    fullname, init, submodule_search_locations=[os.path.join(d, name)])
        return None


def spec_dir() -> Path | None:
    """The directory of the ``redspec.spec`` package (found without importing it)."""
    found = importlib.util.find_spec(PACKAGE)
    if found is None or not found.submodule_search_locations:
        return None
    return Path(list(found.submodule_search_locations)[0])


def compiled_files(root: Path) -> list[Path]:
    """The compiled spec modules under ``root`` (not the SipHash, not mypyc's shared library)."""
    return sorted({p for suffix in EXTENSION_SUFFIXES for p in root.rglob("*" + suffix)
                   if not p.name.startswith(("_siphash", "compiled__mypyc"))})


def stale_files(root: Path) -> list[str]:
    """The compiled modules under ``root`` whose ``.py`` is newer (edited since the build)."""
    out = []
    for so in compiled_files(root):
        py = so.with_name(so.name.split(".")[0] + ".py")
        if py.exists() and py.stat().st_mtime > so.stat().st_mtime:
            out.append(str(py.relative_to(root).with_suffix("")).replace(os.sep, "."))
    return out


def force_interpreted(package: str = PACKAGE) -> None:
    """Import ``package``'s submodules from source from now on (idempotent)."""
    if not any(isinstance(f, SourceOnly) and f.prefix == package + "."
               for f in sys.meta_path):
        sys.meta_path.insert(0, SourceOnly(package))


def select_build() -> None:
    """Choose the build for this process from ``REDSPEC_SPEC_BUILD`` and the compiled
    modules' freshness (see the module's docstring); sets :data:`reason`."""
    global reason
    mode = os.environ.get(ENV, "")
    if mode == "compiled":
        return
    root = spec_dir()
    files = compiled_files(root) if root is not None else []
    if not files:
        return
    if mode == "interpreted":
        reason = f"{ENV}=interpreted"
    else:
        stale = stale_files(root) if root is not None else []
        if not stale:
            return
        reason = ("compiled modules older than their source, re-run make compile: "
                  + ", ".join(stale))
    if any(name.startswith(PACKAGE + ".") for name in sys.modules):
        reason += " (but spec modules were imported before the choice)"
    force_interpreted()
