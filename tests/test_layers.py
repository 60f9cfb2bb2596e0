"""The shape of the code: spec/'s layers (``spec/layers.py``), its purity, and who may import
whom across the packages. Each rule has a planted violation that the checker must catch.

Rules:

1. every module of spec/ belongs to exactly one layer;
2. an import in spec/ names a module of the same or a lower layer (``if TYPE_CHECKING:``
   imports included: a type that lives above is a design error too);
3. no import inside a function or a class body in spec/;
4. the runtime imports of spec/ (module level, outside ``if TYPE_CHECKING:``) have no cycle;
5. spec/ imports nothing of ``redspec.reference``, ``redspec.properties`` or ``redspec.cli``;
   ``properties/`` imports nothing of ``redspec.reference`` or ``redspec.cli``; ``reference/``
   imports nothing of ``redspec.properties`` or ``redspec.cli``: the CLI (``cli/``) is the
   only place that brings spec, reference and properties together;
6. purity: spec/ imports no module that reaches the world (sockets, files, processes, threads,
   clocks, global randomness) and calls no ``open``/``input``/``print``/``hash``/``id``
   (``hash`` of bytes and str is salted per process, ``id`` is an address: both would make a
   transition depend on something that is not its input; a value's own ``__hash__`` may use
   ``hash``, which only serves Python's containers).
"""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

from redspec.spec.layers import LAYERS

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"spec": "redspec.spec", "reference": "redspec.reference",
            "properties": "redspec.properties", "cli": "redspec.cli"}

#: Modules whose import makes a transition impure (rule 6).
IMPURE_MODULES = frozenset((
    "socket", "asyncio", "threading", "multiprocessing", "subprocess", "selectors", "signal",
    "random", "secrets", "time", "datetime", "os", "io", "pathlib", "shutil", "tempfile",
    "uuid", "sys", "logging", "concurrent", "uvloop", "urllib", "http", "ssl",
))
IMPURE_CALLS = frozenset(("open", "input", "print", "hash", "id", "breakpoint"))

Sources = dict[str, str]  # dotted module name (without the package) -> source


def read_package(name: str) -> Sources:
    """Every module of the package in directory ``name``, by dotted name (``commands.keys``;
    a package's ``__init__`` by the package's name)."""
    base = ROOT / name
    out: Sources = {}
    for p in sorted(base.rglob("*.py")):
        parts = list(p.relative_to(base).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts) or "__init__"] = p.read_text()
    return out


def layer_of(module: str) -> list[int]:
    """The layers (indexes into LAYERS) whose patterns name ``module``."""
    if module == "__init__":
        return [0]
    return [i for i, (_, pats) in enumerate(LAYERS)
            for pat in pats if module == pat or fnmatch.fnmatchcase(module, pat)]


def _is_package(mod: str, src: Sources) -> bool:
    return any(k.startswith(mod + ".") for k in src)


def resolve(current: str, node: ast.ImportFrom, src: Sources) -> list[str]:
    """The spec modules a relative (or ``redspec.spec``) ``from`` import names."""
    if node.level == 0:
        mod = node.module or ""
        if not mod.startswith("redspec.spec"):
            return []
        target = mod[len("redspec.spec"):].lstrip(".")
    else:
        pkg = current.split(".") if _is_package(current, src) else current.split(".")[:-1]
        if current == "__init__":
            pkg = []
        up = pkg[: len(pkg) - (node.level - 1)]
        target = ".".join(up + ([node.module] if node.module else []))
    out = []
    if target in src or (target == "" and "__init__" in src):
        out.append(target or "__init__")
    for alias in node.names:  # ``from . import keys`` names a module
        sub = f"{target}.{alias.name}" if target else alias.name
        if sub in src:
            out.append(sub)
    return out


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _in_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _in_dunder_hash(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            return node.name == "__hash__"
    return False


def _in_body(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return True
    return False


def check_spec(src: Sources) -> list[str]:
    """Every violation of rules 1-6 in the spec modules ``src``."""
    bad: list[str] = []
    runtime: dict[str, set[str]] = {m: set() for m in src}
    for mod in src:
        ls = layer_of(mod)
        if len(ls) != 1:
            bad.append(f"{mod}: in {len(ls)} layers (must be exactly one; see spec/layers.py)")
    for mod, text in src.items():
        tree = ast.parse(text)
        parents = _parents(tree)
        mine = layer_of(mod)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in IMPURE_CALLS and not _in_dunder_hash(node, parents):
                bad.append(f"{mod}:{node.lineno}: calls {node.func.id}() (impure)")
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            where = f"{mod}:{node.lineno}"
            if _in_body(node, parents):
                bad.append(f"{where}: import inside a function or class")
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                names = [node.module or ""] if node.level == 0 else []
            for name in names:
                top = name.split(".")[0]
                if top in IMPURE_MODULES:
                    bad.append(f"{where}: imports {name} (impure: spec/ takes the world as input)")
                if name.startswith(("redspec.reference", "redspec.properties", "redspec.cli")):
                    bad.append(f"{where}: imports {name} (spec/ depends on nothing above it)")
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None \
                    and any(a.name in ("reference", "properties", "cli") for a in node.names):
                bad.append(f"{where}: imports a package above spec/")
            if isinstance(node, ast.ImportFrom) and node.level >= 2 and mod.count(".") + 1 < node.level:
                bad.append(f"{where}: relative import leaves spec/")
            if not isinstance(node, ast.ImportFrom):
                continue
            for target in resolve(mod, node, src):
                if target == mod:
                    continue
                theirs = layer_of(target)
                if mine and theirs and theirs[0] > mine[0]:
                    bad.append(f"{where}: imports {target} ({LAYERS[theirs[0]][0]}) from the "
                               f"lower layer {LAYERS[mine[0]][0]}")
                if not _in_type_checking(node, parents) and not _in_body(node, parents):
                    runtime[mod].add(target)
    bad.extend(_cycles(runtime))
    return bad


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """One message per import cycle found (depth-first search)."""
    out: list[str] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if n == m or n not in graph:
                continue
            if state.get(n) == 1:
                out.append("import cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return out


def check_package_imports(package: str, src: Sources, forbidden: tuple[str, ...]) -> list[str]:
    """Imports of any ``forbidden`` package from ``package``'s modules ``src`` (rule 5)."""
    bad = []
    for mod, text in src.items():
        for node in ast.walk(ast.parse(text)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0:
                    names = [node.module or ""]
                elif node.level >= 2:  # ``from ..reference import x`` inside redspec
                    base = "redspec." + (node.module or "")
                    names = [base] + [f"{base}.{a.name}" for a in node.names] \
                        if node.module else [f"redspec.{a.name}" for a in node.names]
            for n in names:
                if n.startswith(forbidden):
                    bad.append(f"{package}/{mod}:{node.lineno}: imports {n}")
    return bad


RULES_FOR = {
    "reference": ("redspec.properties", "redspec.cli"),
    "properties": ("redspec.reference", "redspec.cli"),
}


# ---------------------------------------------------------------------------- the real tree


def test_spec_keeps_its_layers() -> None:
    bad = check_spec(read_package("spec"))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", sorted(RULES_FOR))
def test_packages_keep_their_distance(package: str) -> None:
    bad = check_package_imports(package, read_package(package), RULES_FOR[package])
    assert not bad, "\n".join(bad)


def test_every_layer_pattern_names_a_module() -> None:
    src = read_package("spec")
    for name, pats in LAYERS:
        for pat in pats:
            assert any(m == pat or fnmatch.fnmatchcase(m, pat) for m in src), (name, pat)


# ---------------------------------------------------------------------- planted violations


def _planted(mod: str, extra: str) -> list[str]:
    src = read_package("spec")
    src[mod] = src[mod] + "\n" + extra + "\n"
    return check_spec(src)


def test_planted_upward_import_is_caught() -> None:
    bad = _planted("commands.keys", "from ..dispatch import call")
    assert any("commands.keys" in b and "imports dispatch" in b for b in bad), bad


def test_planted_upward_type_checking_import_is_caught() -> None:
    bad = _planted("db", "if TYPE_CHECKING:\n    from .server import client_input")
    assert any(b.startswith("db:") and "imports server" in b for b in bad), bad


def test_planted_function_local_import_is_caught() -> None:
    bad = _planted("expire", "def f() -> None:\n    from .numbers import string2ll")
    assert any("expire" in b and "inside a function" in b for b in bad), bad


def test_planted_cycle_is_caught() -> None:
    bad = _planted("effects", "from .state import ServerState")
    assert not any("cycle" in b for b in bad), bad  # one way within a layer: no cycle
    src = read_package("spec")
    src["effects"] += "\nfrom .state import ServerState\n"
    src["state"] += "\nfrom .effects import Effects\n"  # and back: a cycle
    bad = check_spec(src)
    assert any("import cycle" in b and "effects" in b and "state" in b for b in bad), bad


def test_planted_module_outside_the_layers_is_caught() -> None:
    src = read_package("spec")
    src["stray"] = "X = 1\n"
    assert any(b.startswith("stray:") for b in check_spec(src))


def test_planted_reference_import_from_spec_is_caught() -> None:
    bad = _planted("values", "from redspec.reference.server import Server")
    assert any("redspec.reference" in b for b in bad), bad


@pytest.mark.parametrize("line,what", [
    ("import time", "imports time"),
    ("import random", "imports random"),
    ("from socket import socket", "imports socket"),
    ("X = open('f')", "calls open()"),
    ("Y = hash(b'k')", "calls hash()"),
])
def test_planted_impurity_is_caught(line: str, what: str) -> None:
    bad = _planted("dict", line)
    assert any(what in b for b in bad), bad


def test_planted_reference_import_from_properties_is_caught() -> None:
    src = read_package("properties")
    src["planted"] = "from redspec.reference.diff.replay import runs\n"
    assert check_package_imports("properties", src, RULES_FOR["properties"])


def test_planted_properties_import_from_reference_is_caught() -> None:
    src = read_package("reference")
    src["planted"] = "from redspec.properties.registry import discover\n"
    assert check_package_imports("reference", src, RULES_FOR["reference"])
