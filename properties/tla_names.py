"""Identifier resolution for the TLA+ modules in ``tla/``, on the ``tla`` package's parser.

SANY (TLA+'s own front end) rejects a module that uses a name nobody declared; CI has no
Java TLA+ tools, so this walks the syntax tree the ``tla`` package builds and checks the same
thing for the subset of TLA+ our models use: every identifier applied in an expression is a
CONSTANT, VARIABLE, a definition of the module (or of a module it EXTENDS, for the standard
modules), a parameter of the enclosing definition, or a name bound by an enclosing
quantifier, set constructor, function constructor, CHOOSE, LAMBDA or LET.

:func:`unresolved` returns the offending ``(name, line)`` pairs; tests/test_check.py asserts it
is empty for every module and that it finds a planted typo.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["unresolved", "STANDARD"]

#: Names the standard modules define (only identifiers; symbolic operators are not checked).
STANDARD: dict[str, frozenset[str]] = {
    "Naturals": frozenset({"Nat"}),
    "Integers": frozenset({"Nat", "Int"}),
    "Reals": frozenset({"Nat", "Int", "Real", "Infinity"}),
    "FiniteSets": frozenset({"IsFiniteSet", "Cardinality"}),
    "Sequences": frozenset({"Seq", "Len", "Append", "Head", "Tail", "SubSeq", "SelectSeq"}),
    "TLC": frozenset({"Print", "PrintT", "Assert", "JavaTime", "TLCGet", "TLCSet",
                      "Permutations", "SortSeq", "RandomElement", "Any", "ToString",
                      "TLCEval"}),
    "Bags": frozenset({"IsABag", "BagToSet", "SetToBag", "BagIn", "EmptyBag", "CopiesIn",
                       "BagCup", "BagCardinality", "BagOfAll", "SubBag", "BagUnion"}),
}

#: Built-in operators spelled as words.
_BUILTIN = frozenset({"DOMAIN", "SUBSET", "UNION", "BOOLEAN", "TRUE", "FALSE", "STRING",
                      "UNCHANGED", "ENABLED", "CHOOSE", "EXCEPT", "IF", "THEN", "ELSE",
                      "LET", "IN", "CASE", "OTHER"})

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _fields(node: Any) -> list[Any]:
    names = getattr(node, "_fields", ())
    return [getattr(node, f) for f in names if f not in ("symbol", "start", "end")]


def _kind(node: Any) -> str:
    return type(node).__name__


def _declared(decl: Any) -> list[str]:
    """Names a declaration introduces: ``x \\in S``, ``<<x, y>> \\in S``, ``x``, params."""
    out: list[str] = []
    if isinstance(decl, list):
        for d in decl:
            out += _declared(d)
        return out
    k = _kind(decl)
    if k == "OperatorApplication":
        if decl.operator == "\\in" and decl.arguments:
            return _declared(decl.arguments[0])
        if isinstance(decl.operator, str) and _IDENT.match(decl.operator):
            return [decl.operator]
    if k == "Tuple":
        for it in decl.items or []:
            out += _declared(it)
    if k in ("OperatorDeclaration", "ParameterDeclaration") and isinstance(decl.name, str):
        return [decl.name]
    if isinstance(decl, str) and _IDENT.match(decl):
        return [decl]
    return out


def _bounds(decl: Any) -> list[Any]:
    """The set expressions of ``x \\in S`` declarations (resolved in the outer scope)."""
    out: list[Any] = []
    if isinstance(decl, list):
        for d in decl:
            out += _bounds(d)
    elif _kind(decl) == "OperatorApplication" and decl.operator == "\\in" and decl.arguments:
        out += list(decl.arguments[1:])
    return out


def _walk(node: Any, scope: frozenset[str], bad: list[tuple[str, int]]) -> None:
    if node is None or isinstance(node, (str, int, float, bool)):
        return
    if isinstance(node, (list, tuple)) and not hasattr(node, "_fields"):
        for n in node:
            _walk(n, scope, bad)
        return
    k = _kind(node)
    if k in ("Quantification", "TemporalQuantification", "Function", "SetComprehension",
             "SetSlice", "Choose", "Pick"):
        decl = getattr(node, "declarations", None)
        if decl is None:
            decl = getattr(node, "declaration", None)
        for b in _bounds(decl):
            _walk(b, scope, bad)
        inner = scope | set(_declared(decl))
        for f in ("predicate", "value", "item"):
            _walk(getattr(node, f, None), inner, bad)
        return
    if k == "Lambda":
        _walk(node.expression, scope | set(_declared(node.parameters or [])), bad)
        return
    if k == "Let":
        defs = node.definitions or []
        inner = scope | {d.name for d in defs if isinstance(getattr(d, "name", None), str)}
        for d in defs:
            _walk(d, inner, bad)
        _walk(node.expression, inner, bad)
        return
    if k == "OperatorDefinition":
        params = set(_declared(node.arity or []))
        fn = getattr(node, "function", None)
        if fn:  # f[x \in S] == ...
            params |= set(_declared(fn))
        _walk(node.definiens, scope | params, bad)
        return
    if k == "OperatorApplication":
        op = node.operator
        if (isinstance(op, str) and _IDENT.match(op) and op not in scope
                and op not in _BUILTIN):
            line = getattr(getattr(node, "start", None), "line", 0) or 0
            bad.append((op, line))
        _walk(node.arguments, scope, bad)
        return
    if k == "Record":  # field names are labels, not identifiers
        for kv in node.key_values or []:
            _walk(kv[1] if isinstance(kv, (list, tuple)) and not hasattr(kv, "_fields")
                  else kv, scope, bad)
        return
    if k == "Field":
        _walk(node.expression, scope, bad)
        return
    if k == "SetOfRecords":
        for kb in node.key_bounds or []:
            _walk(getattr(kb, "bound", kb), scope, bad)
        return
    for f in _fields(node):
        _walk(f, scope, bad)


def _module_names(module: Any) -> set[str]:
    names: set[str] = set()
    for m in module.extendees or []:
        mod = m.operator if _kind(m) == "OperatorApplication" else str(m)
        names |= STANDARD.get(mod, frozenset())
    for u in module.units or []:
        k = _kind(u)
        if k in ("Constants", "Variables"):
            names |= set(_declared(u.names or []))
        elif k == "OperatorDefinition" and isinstance(u.name, str):
            names.add(u.name)
        elif k == "RecursiveOperators":
            names |= set(_declared(u.names or []))
        elif k == "Instance" and isinstance(getattr(u, "name", None), str):
            names.add(u.name)
    return names


def unresolved(source: str | Path) -> list[tuple[str, int]]:
    """Identifiers used in a TLA+ module that no declaration in scope introduces, as
    ``(name, line)``; empty when every name resolves. Raises if the module does not parse."""
    import tla

    text = Path(source).read_text() if isinstance(source, Path) else source
    module = tla.parse(text)
    if module is None:
        raise SyntaxError("the tla parser returned nothing")
    scope = frozenset(_module_names(module))
    bad: list[tuple[str, int]] = []
    for u in module.units or []:
        if _kind(u) in ("Constants", "Variables"):
            continue
        _walk(u, scope, bad)
    return bad
