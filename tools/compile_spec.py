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
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
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
    # the other commands of `make bench` (LPUSH, LPOP, SADD, HSET, ZADD) and their value types
    "commands/lists.py", "commands/hashes.py", "commands/sets.py", "commands/zsets.py",
    "types/list.py", "types/hash.py", "types/set.py", "types/zset.py", "types/valuedict.py",
    "listpack.py",
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


def up_to_date(modules: list[str]) -> bool:
    """Every module of ``modules`` is compiled in ``spec/`` and newer than every source of
    the spec and this script (mypyc may build in facts from the modules a compiled one
    imports, so any edit under ``spec/`` rebuilds)."""
    suffix = ext_suffix()
    built = [SPEC / m.replace(".py", suffix) for m in modules]
    if not all(p.exists() for p in built):
        return False
    newest_src = max(p.stat().st_mtime for p in [*SPEC.rglob("*.py"), Path(__file__)])
    return min(p.stat().st_mtime for p in built) > newest_src


def compiler_works() -> bool:
    """A quick probe of the C compiler the build would use (``CC``, else Python's own): it
    compiles a one-line file. Saves the ~40 s of mypyc's code generation where it cannot."""
    cc = shlex.split(os.environ.get("CC") or str(sysconfig.get_config_var("CC") or "cc"))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "probe.c"
        src.write_text("int redspec_probe(void) { return 0; }\n")
        try:
            res = subprocess.run([*cc, "-c", str(src), "-o", str(Path(tmp) / "probe.o")],
                                 capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return res.returncode == 0


def build_if_needed(modules: list[str]) -> int:
    """The default build of ``make serve`` / ``make test``: compile when the compiled
    modules are missing or older than a source; where that fails (no working C compiler,
    e.g. ``CC=/bin/false``, or no mypyc) say so, leave ``spec/`` interpreted and exit 0. With
    a working compiler, a build that fails or does not import is an error (exit 1)."""
    if up_to_date(modules):
        print("compiled spec up to date")
        return 0
    clean()
    if not compiler_works():
        print("no working C compiler (CC): spec/ stays interpreted", file=sys.stderr)
        return 0
    try:
        failed = build(modules)
    except ImportError as exc:
        print(f"mypyc is not installed ({exc}); spec/ stays interpreted", file=sys.stderr)
        return 0
    if failed:  # the compiler works: the spec's source is what mypyc or the C build refused
        print("the compiled build failed with a working C compiler: fix the source (see "
              "docs/performance-compiled.md); meanwhile CC=/bin/false make ... runs the "
              "interpreted spec", file=sys.stderr)
        return 1
    return smoke_test()


def smoke_test() -> int:
    """Import the compiled spec in a fresh process (a module that compiles can still fail when
    it runs, e.g. a class-body alias of a method): 0 when it names itself compiled."""
    env = dict(os.environ, REDSPEC_SPEC_BUILD="compiled")
    res = subprocess.run([sys.executable, "-c", "from redspec.cli.build import spec_build; "
                          "print(spec_build())"], env=env, cwd=ROOT, capture_output=True,
                         text=True)
    out = res.stdout.strip()
    print(f"spec build: {out or res.stderr.strip()}")
    if res.returncode == 0 and out.startswith("compiled"):
        return 0
    clean()  # a build that cannot run must not shadow the sources
    print("the compiled build does not import: removed; see docs/performance-compiled.md; "
          "meanwhile CC=/bin/false make ... runs the interpreted spec", file=sys.stderr)
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("--if-needed", action="store_true",
                        help="build only if missing or stale; exit 0 if it cannot build")
    parser.add_argument("--built", action="store_true",
                        help="exit 0 iff the compiled modules are present and up to date")
    parser.add_argument("modules", nargs="*", help=f"paths under spec/ (default: {' '.join(HOT)})")
    args = parser.parse_args()
    if args.clean:
        clean()
        return 0
    if args.built:
        return 0 if up_to_date(args.modules or HOT) else 1
    if args.if_needed:
        return build_if_needed(args.modules or HOT)
    clean()
    return build(args.modules or HOT)


if __name__ == "__main__":
    sys.exit(main())
