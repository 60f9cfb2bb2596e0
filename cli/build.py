"""Which build of the spec this process runs: interpreted, or (partly) compiled by mypyc.

``make compile`` (tools/compile_spec.py, issue 21) puts C extension modules next to the
sources in ``spec/``; Python imports an extension module in preference to the ``.py`` of the
same name. The spec modules that are loaded from one are the compiled part.
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES

import redspec.spec.eventloop  # noqa: F401  (with the server: the hot path, loaded, so that
import redspec.spec.server  # noqa: F401  its modules are in sys.modules)
from redspec.reference import specbuild


def compiled_modules() -> list[str]:
    """The loaded ``redspec.spec`` modules that are compiled extension modules (not _siphash)."""
    return sorted(
        name.removeprefix("redspec.spec.") for name, mod in list(sys.modules.items())
        if name.startswith("redspec.spec.") and not name.endswith("_siphash")
        and not name.endswith("__mypyc")
        and str(getattr(mod, "__file__", "")).endswith(tuple(EXTENSION_SUFFIXES)))


def stale_modules() -> list[str]:
    """Compiled modules whose ``.py`` changed after they were compiled: the running code is
    not the source any more (re-run ``make compile``). (A compiled module's ``__file__`` is
    the path it was built under, so the files are looked at in the package directory.)"""
    root = specbuild.spec_dir()
    loaded = set(compiled_modules())
    return [n for n in specbuild.stale_files(root) if n in loaded] if root is not None else []


def spec_build() -> str:
    """One line naming the build: ``interpreted`` or ``compiled (N modules: a, b, ...)``,
    with the stale ones named."""
    mods = compiled_modules()
    if not mods:
        why = specbuild.reason
        return f"interpreted ({why})" if why else "interpreted"
    stale = stale_modules()
    note = f"; STALE, re-run make compile: {', '.join(stale)}" if stale else ""
    return f"compiled ({len(mods)} modules: {', '.join(mods)}{note})"
