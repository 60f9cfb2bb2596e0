"""Compile the spec's hot-path modules ahead of time with mypyc (issue 21, first step).

``make compile`` runs this; ``make clean-compiled`` runs it with ``--clean``. The same
source files are compiled (no second copy of any transition): mypyc turns each typed module
into a C extension module that Python imports in preference to the ``.py`` next to it.
Optional like ``spec/_siphash.c``: without a C compiler the build fails, nothing is
copied into ``spec/``, and the interpreted spec runs unchanged.

The editable install maps the package ``redspec.spec`` onto the directory ``spec/``;
mypyc must see the modules under their installed names (``redspec.spec.resp``, ...), so
the build runs in ``build/mypyc/`` over a ``redspec/spec`` symlink to ``spec/``. The
extension modules are linked into ``build/mypyc/lib`` and copied into ``spec/`` only once
all of them built.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
WORK = ROOT / "build" / "mypyc"
# The one shared library every compiled module's shim loads: redspec/spec/compiled__mypyc.*.so.
GROUP = "redspec.spec.compiled"

# The command path of one pipelined request, readQueryFromClient to the reply buffer
# (docs/performance-compiled.md says why each is here and what stays interpreted).
HOT = [
    "resp.py", "frames.py", "networking.py", "dispatch.py", "step.py", "db.py",
    "dict.py", "commands/strings.py", "server.py", "eventloop.py",
    # what the compiled path still called through the interpreter per command (bench/calls.py:
    # string2ll 4x and key_cost 2x per INCR, the access-word helpers): 1.2-1.5x on SET/INCR
    "numbers.py", "lru.py", "memory.py",
]


def ext_suffix() -> str:
    """The file-name ending of an extension module for this interpreter."""
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def compiled_files() -> list[Path]:
    """The extension modules a previous ``make compile`` left in ``spec/`` (not _siphash)."""
    suffix = ext_suffix()
    return sorted(p for p in SPEC.rglob("*" + suffix) if not p.name.startswith("_siphash"))


def clean() -> None:
    """Remove the compiled modules from ``spec/`` and the build directory."""
    for p in compiled_files():
        p.unlink()
        print(f"removed {p.relative_to(ROOT)}")
    shutil.rmtree(WORK, ignore_errors=True)


def build(modules: list[str]) -> int:
    """Compile ``modules`` (paths relative to ``spec/``); copy them into ``spec/`` on success."""
    from mypyc.build import mypycify  # the optional `compile` extra
    from setuptools import setup

    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "redspec").mkdir(parents=True)
    (WORK / "redspec" / "__init__.py").write_text("")
    (WORK / "redspec" / "spec").symlink_to(SPEC, target_is_directory=True)
    os.chdir(WORK)
    paths = [f"redspec/spec/{m}" for m in modules]
    ext = mypycify(
        ["--config-file", str(ROOT / "pyproject.toml"), *paths],
        opt_level="3", group_name=GROUP, target_dir=str(WORK / "c"),
    )
    try:
        setup(name="redspec-compiled", ext_modules=ext, script_name="compile_spec",
              script_args=["build_ext", "--build-lib", str(WORK / "lib"),
                           "--build-temp", str(WORK / "tmp")])
    except (SystemExit, Exception) as exc:  # distutils reports a failed compiler as SystemExit
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            pass
        else:
            print(f"compile failed ({exc}); spec/ stays interpreted", file=sys.stderr)
            return 1
    built = sorted((WORK / "lib" / "redspec" / "spec").rglob("*" + ext_suffix()))
    for p in built:
        dest = SPEC / p.relative_to(WORK / "lib" / "redspec" / "spec")
        shutil.copy2(p, dest)
        print(f"compiled {dest.relative_to(ROOT)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("modules", nargs="*", help=f"paths under spec/ (default: {' '.join(HOT)})")
    args = parser.parse_args()
    if args.clean:
        clean()
        return 0
    clean()
    return build(args.modules or HOT)


if __name__ == "__main__":
    sys.exit(main())
