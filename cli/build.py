"""Which build of the spec this process runs: interpreted, or (partly) compiled by mypyc.

``make compile`` (tools/compile_spec.py, issue 21) puts C extension modules next to the
sources in ``spec/``; Python imports an extension module in preference to the ``.py`` of the
same name. The spec modules that are loaded from one are the compiled part.
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES

import redspec.spec.server  # noqa: F401  (loads the hot path, so its modules are in sys.modules)


def compiled_modules() -> list[str]:
    """The loaded ``redspec.spec`` modules that are compiled extension modules (not _siphash)."""
    return sorted(
        name.removeprefix("redspec.spec.") for name, mod in list(sys.modules.items())
        if name.startswith("redspec.spec.") and not name.endswith("_siphash")
        and not name.endswith("__mypyc")
        and str(getattr(mod, "__file__", "")).endswith(tuple(EXTENSION_SUFFIXES)))


def spec_build() -> str:
    """One line naming the build: ``interpreted`` or ``compiled (N modules: a, b, ...)``."""
    mods = compiled_modules()
    if not mods:
        return "interpreted"
    return f"compiled ({len(mods)} modules: {', '.join(mods)})"
