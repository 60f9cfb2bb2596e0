"""A small explicit-state interpreter for the subset of TLA+ the modules in ``tla/`` use.

TLC is not available here (tla/README.md says why), so the counts and verdicts the README gives
come from Python transcriptions of the modules. This reads the **module text itself** (the
``tla`` package's parser) and explores it as TLC does: the initial states from ``Init``, the
successors from ``Next`` (conjuncts left to right; ``x' = e`` assigns an unassigned primed
variable and compares an assigned one; ``\\/``, ``IF`` and ``\\E`` branch; ``UNCHANGED``;
user operators and ``LET`` expanded), every state checked against the invariants and every
step against the action properties ``[][A]_v``, breadth first, distinct states counted.

It covers what the modules use -- integers, strings, booleans, model values, sets, functions
(records and sequences are functions, as in TLA+), ``EXCEPT`` with ``@``, ``CHOOSE``,
quantifiers, set comprehension and filtering, recursive function definitions in ``LET``,
``Integers``/``Sequences``/``FiniteSets`` operators -- and raises on anything else. It is not
TLC: it has no temporal logic beyond ``[][A]_v``, no symmetry, no liveness, no deadlock check,
and values are Python's (``TRUE`` and ``1`` would compare equal: the modules never put both
in one place). Its use is that a module and its transcription cannot drift apart unnoticed
(``tests/test_tla_interp.py``, ``tests/test_tla_variants.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

__all__ = ["Fn", "Spec", "load", "explore"]


class Fn:
    """A TLA+ function (records and sequences included): an immutable mapping."""

    __slots__ = ("m", "_h")

    def __init__(self, m: dict[Any, Any]) -> None:
        self.m = m
        self._h: int | None = None

    def __hash__(self) -> int:
        if self._h is None:
            self._h = hash(frozenset(self.m.items()))
        return self._h

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fn) and self.m == other.m

    def __repr__(self) -> str:
        if self.is_seq():
            return "<<" + ", ".join(repr(self.m[i]) for i in range(1, len(self.m) + 1)) + ">>"
        return "[" + ", ".join(f"{k!r} |-> {v!r}" for k, v in self.m.items()) + "]"

    def is_seq(self) -> bool:
        return all(isinstance(k, int) and not isinstance(k, bool) for k in self.m) and \
            set(self.m) == set(range(1, len(self.m) + 1))

    def seq(self) -> list[Any]:
        if not self.is_seq():
            raise TypeError(f"not a sequence: {self!r}")
        return [self.m[i] for i in range(1, len(self.m) + 1)]


def tup(items: list[Any]) -> Fn:
    return Fn({i + 1: v for i, v in enumerate(items)})


class LazyFn:
    """A recursive function definition ``f[x \\in S] == e`` (evaluated on demand)."""

    def __init__(self, domain: frozenset[Any], body: Any) -> None:
        self.domain, self.body, self.memo = domain, body, {}  # type: ignore[var-annotated]

    def apply(self, x: Any) -> Any:
        if x not in self.domain:
            raise ValueError(f"{x!r} outside the function's domain")
        if x not in self.memo:
            self.memo[x] = self.body(x)
        return self.memo[x]


@dataclass(frozen=True)
class ModelValue:
    name: str

    def __repr__(self) -> str:
        return self.name


@dataclass
class Def:
    params: list[str]
    body: Any
    recursive_fn: Any = None  # the declaration list of ``f[x \in S] == ...``


@dataclass
class Ctx:
    """What an expression is evaluated in: the definitions, the bound names, the current
    state and the (partial) next state."""

    defs: dict[str, Def]
    env: dict[str, Any]
    cur: dict[str, Any]
    nxt: dict[str, Any] | None
    variables: frozenset[str]
    at: Any = None
    init: bool = False  # evaluating Init: ``x = e`` assigns the unprimed variable

    def bind(self, **kw: Any) -> Ctx:
        return Ctx(self.defs, {**self.env, **kw}, self.cur, self.nxt, self.variables, self.at,
                   self.init)

    def moved(self, nxt: dict[str, Any], **kw: Any) -> Ctx:
        """The context with the next state ``nxt`` (in Init, also the current one)."""
        return Ctx(self.defs, {**self.env, **kw}, nxt if self.init else self.cur, nxt,
                   self.variables, None, self.init)


def _k(n: Any) -> str:
    return type(n).__name__


def _ident(n: Any) -> str | None:
    if _k(n) == "OperatorApplication" and not n.arguments and isinstance(n.operator, str):
        return n.operator
    return None


def _decls(decls: Any) -> list[tuple[str, Any]]:
    """``x \\in S`` declarations as (name, set expression)."""
    out = []
    for d in decls if isinstance(decls, list) else [decls]:
        if _k(d) == "OperatorApplication" and d.operator == "\\in":
            name = _ident(d.arguments[0])
            if name is None:
                raise NotImplementedError("tuple declarations")
            out.append((name, d.arguments[1]))
        else:
            raise NotImplementedError(f"declaration {d!r}")
    return out


class Members:
    """A set known only by its membership test (``Nat``, ``Int``, ``[S -> T]``, ``SUBSET S``,
    ``Seq(S)``, ``[a : S]``): it can be asked ``x \\in`` but not enumerated."""

    def __init__(self, test: Any, name: str) -> None:
        self.test, self.name = test, name

    def __contains__(self, x: Any) -> bool:
        return bool(self.test(x))

    def __repr__(self) -> str:
        return self.name


def _is_nat(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


_BUILTIN_SETS: dict[str, Any] = {
    "BOOLEAN": frozenset({True, False}),
    "Nat": Members(_is_nat, "Nat"),
    "Int": Members(lambda x: isinstance(x, int) and not isinstance(x, bool), "Int"),
}


def _subseteq(a: Any, b: Any) -> bool:
    return all(x in b for x in a)


def ev(n: Any, c: Ctx) -> Any:  # noqa: C901 - one dispatch over the node kinds
    """The value of expression ``n``."""
    k = _k(n)
    if n == "@":
        return c.at
    if k == "IntegralNumeral":
        return int(n.value)
    if k == "StringLiteral":
        return n.value[1:-1]
    if k == "BooleanLiteral":
        return n.value == "TRUE"
    if k == "Parentheses":
        return ev(n.expression, c)
    if k == "Tuple":
        return tup([ev(x, c) for x in n.items or []])
    if k == "SetOfBooleans":
        return _BUILTIN_SETS["BOOLEAN"]
    if k == "SetOfFunctions":
        dom, cod = ev(n.domain, c), ev(n.codomain, c)
        return Members(lambda f: isinstance(f, Fn) and set(f.m) == set(dom)
                       and all(v in cod for v in f.m.values()), "[S -> T]")
    if k == "SetOfRecords":
        kb = {b.name: ev(b.bound, c) for b in n.key_bounds}
        return Members(lambda r: isinstance(r, Fn) and set(r.m) == set(kb)
                       and all(r.m[x] in kb[x] for x in kb), "[a : S]")
    if k == "Cases":
        for it in n.cases:
            if ev(it.predicate, c):
                return ev(it.expression, c)
        if n.other is not None:
            return ev(n.other, c)
        raise ValueError("no CASE applies")
    if k == "SetEnumeration":
        return frozenset(ev(x, c) for x in n.items or [])
    if k == "If":
        return ev(n.then, c) if ev(n.predicate, c) else ev(n.else_, c)
    if k == "Let":
        return ev(n.expression, _let(n.definitions, c))
    if k == "Record":
        return Fn({kv[0]: ev(kv[1], c) for kv in n.key_values})
    if k == "Field":
        return _apply(ev(n.expression, c), n.name)
    if k == "FunctionApplication":
        f = ev(n.function, c)
        args = [ev(a, c) for a in n.arguments]
        return _apply(f, args[0] if len(args) == 1 else tup(args))
    if k == "Function":
        ds = _decls(n.declaration)
        out = {}
        for vals in product(*[sorted(ev(s, c), key=repr) for _, s in ds]):
            key = vals[0] if len(vals) == 1 else tup(list(vals))
            out[key] = ev(n.value, c.bind(**dict(zip([d for d, _ in ds], vals, strict=True))))
        return Fn(out)
    if k == "SetComprehension":
        ds = _decls(n.declarations)
        return frozenset(
            ev(n.item, c.bind(**dict(zip([d for d, _ in ds], vals, strict=True))))
            for vals in product(*[list(ev(s, c)) for _, s in ds]))
    if k == "SetSlice":
        (name, s), = _decls(n.declaration)
        return frozenset(x for x in ev(s, c) if ev(n.predicate, c.bind(**{name: x})))
    if k == "Quantification":
        ds = _decls(n.declarations)
        combos = (dict(zip([d for d, _ in ds], vals, strict=True))
                  for vals in product(*[list(ev(s, c)) for _, s in ds]))
        if n.quantifier == "\\A":
            return all(ev(n.predicate, c.bind(**b)) for b in combos)
        if n.quantifier == "\\E":
            return any(ev(n.predicate, c.bind(**b)) for b in combos)
        raise NotImplementedError(n.quantifier)
    if k == "Choose":
        (name, s), = _decls(n.declaration)
        for x in sorted(ev(s, c), key=repr):
            if ev(n.predicate, c.bind(**{name: x})):
                return x
        raise ValueError("CHOOSE found nothing")
    if k == "Except":
        f = ev(n.function, c)
        for ch in n.changes:
            f = _except(f, ch.item, ch.expression, c)
        return f
    if k in ("VerticalList", "OperatorApplication"):
        return _op(n, c)
    raise NotImplementedError(f"{k}")


def _apply(f: Any, x: Any) -> Any:
    if isinstance(f, LazyFn):
        return f.apply(x)
    if not isinstance(f, Fn) or x not in f.m:
        raise ValueError(f"{x!r} is not in the domain of {f!r}")
    return f.m[x]


def _except(f: Any, path: list[Any], expr: Any, c: Ctx) -> Fn:
    """``[f EXCEPT !p = e]`` for a path of ``.field`` (str) and ``[e]`` (list) steps."""
    step, rest = path[0], path[1:]
    key = step if isinstance(step, str) else (
        ev(step[0], c) if len(step) == 1 else tup([ev(x, c) for x in step]))
    if key not in f.m:
        return f  # TLC: an EXCEPT outside the domain leaves the function as it was
    old = f.m[key]
    new = _except(old, rest, expr, c) if rest else ev(expr, Ctx(c.defs, c.env, c.cur, c.nxt,
                                                                  c.variables, old, c.init))
    m = dict(f.m)
    m[key] = new
    return Fn(m)


def _let(defs: list[Any], c: Ctx) -> Ctx:
    nd = dict(c.defs)
    c2 = Ctx(nd, dict(c.env), c.cur, c.nxt, c.variables, c.at, c.init)
    for d in defs:
        name = d.name
        if getattr(d, "function", None):  # f[x \in S] == e: a recursive function
            fn = d.definiens
            (x, s), = _decls(fn.declaration)
            dom = ev(s, c2)
            lazy = LazyFn(dom, lambda v, fn=fn, x=x, c2=c2: ev(fn.value, c2.bind(**{x: v})))
            c2.env[name] = lazy
        else:
            params = [p.name if hasattr(p, "name") else _ident(p) for p in (d.arity or [])]
            nd[name] = Def(params, d.definiens)
            c2.env.pop(name, None)
    return c2


_ARITH = {
    "+": lambda a, b: a + b, "*": lambda a, b: a * b, "\\div": lambda a, b: a // b,
    "%": lambda a, b: a % b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    "=<": lambda a, b: a <= b, "\\leq": lambda a, b: a <= b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "\\geq": lambda a, b: a >= b,
    "=": lambda a, b: a == b, "#": lambda a, b: a != b, "/=": lambda a, b: a != b,
    "\\in": lambda a, b: a in b, "\\notin": lambda a, b: a not in b,
    "\\cup": lambda a, b: a | b, "\\union": lambda a, b: a | b,
    "\\cap": lambda a, b: a & b, "\\intersect": lambda a, b: a & b,
    "\\": lambda a, b: a - b, "\\subseteq": _subseteq,
    "..": lambda a, b: frozenset(range(a, b + 1)),
    "\\o": lambda a, b: tup(a.seq() + b.seq()),
}


def _op(n: Any, c: Ctx) -> Any:
    op, args = n.operator, (n.arguments or [])
    if _k(n) == "VerticalList":
        items = [a.expression for a in args]
        if op == "/\\":
            return all(ev(x, c) for x in items)
        return any(ev(x, c) for x in items)
    if op == "'":
        name = _ident(args[0])
        if name is None or name not in c.variables:
            raise NotImplementedError("priming an expression")
        if c.nxt is None or name not in c.nxt:
            raise ValueError(f"{name}' is not assigned yet")
        return c.nxt[name]
    if not args:
        if op in c.env:
            return c.env[op]
        if op in c.variables:
            return c.cur[op]
        if op in _BUILTIN_SETS:
            return _BUILTIN_SETS[op]
        if op in c.defs:
            return ev(c.defs[op].body, c)
        raise NameError(op)
    if op == "/\\":
        return all(ev(x, c) for x in args)
    if op == "\\/":
        return any(ev(x, c) for x in args)
    if op == "=>":
        return (not ev(args[0], c)) or bool(ev(args[1], c))
    if op == "<=>":
        return bool(ev(args[0], c)) == bool(ev(args[1], c))
    if op == "~" or op == "\\lnot" or op == "\\neg":
        return not ev(args[0], c)
    if op == "-":
        return -ev(args[0], c) if len(args) == 1 else ev(args[0], c) - ev(args[1], c)
    if op in _ARITH:
        return _ARITH[op](ev(args[0], c), ev(args[1], c))
    if op == "DOMAIN":
        f = ev(args[0], c)
        return frozenset(f.domain if isinstance(f, LazyFn) else f.m)
    if op == "UNCHANGED":  # as a predicate on a whole step
        assert c.nxt is not None
        return all(c.nxt[v] == c.cur[v] for v in _unchanged(args[0]))
    if op == "SUBSET":
        base = ev(args[0], c)
        return Members(lambda x: isinstance(x, frozenset) and _subseteq(x, base), "SUBSET S")
    if op == "Seq":
        el = ev(args[0], c)
        return Members(lambda x: isinstance(x, Fn) and x.is_seq()
                       and all(v in el for v in x.m.values()), "Seq(S)")
    if op == "UNION":
        return frozenset().union(*ev(args[0], c))
    if op == "Len":
        return len(ev(args[0], c).seq())
    if op == "Append":
        return tup(ev(args[0], c).seq() + [ev(args[1], c)])
    if op == "Head":
        return ev(args[0], c).seq()[0]
    if op == "Tail":
        return tup(ev(args[0], c).seq()[1:])
    if op == "SubSeq":
        s, m, k = ev(args[0], c).seq(), ev(args[1], c), ev(args[2], c)
        return tup(s[m - 1:k]) if m <= k else tup([])
    if op == "Cardinality":
        return len(ev(args[0], c))
    if op in c.defs:
        d = c.defs[op]
        vals = [ev(a, c) for a in args]
        return ev(d.body, Ctx(c.defs, {**c.env, **dict(zip(d.params, vals, strict=True))},
                              c.cur, c.nxt, c.variables, None, c.init))
    raise NotImplementedError(f"operator {op}")


# -- actions ----------------------------------------------------------------------------------


def act(n: Any, c: Ctx) -> Iterator[dict[str, Any]]:
    """The assignments of the primed variables (extending ``c.nxt``) that satisfy action
    ``n``, as TLC finds them."""
    assert c.nxt is not None
    k = _k(n)
    if k == "Parentheses":
        yield from act(n.expression, c)
        return
    if k == "If":
        yield from act(n.then if ev(n.predicate, c) else n.else_, c)
        return
    if k == "Let":
        yield from act(n.expression, _let(n.definitions, c))
        return
    if k == "Quantification" and n.quantifier == "\\E":
        ds = _decls(n.declarations)
        for vals in product(*[sorted(ev(s, c), key=repr) for _, s in ds]):
            yield from act(n.predicate, c.bind(**dict(zip([d for d, _ in ds], vals,
                                                          strict=True))))
        return
    if k == "VerticalList" or (k == "OperatorApplication" and n.operator in ("/\\", "\\/")
                               and n.arguments and len(n.arguments) == 2):
        items = ([a.expression for a in n.arguments] if k == "VerticalList"
                 else list(n.arguments))
        if n.operator == "\\/":
            for it in items:
                yield from act(it, c)
            return
        yield from _conj(items, c)
        return
    if k == "OperatorApplication":
        op, args = n.operator, (n.arguments or [])
        target = _target(args[0], c) if op in ("=", "\\in") and args else None
        if op == "=" and target is not None:
            name = target
            v = ev(args[1], c)
            if name in c.nxt:
                if c.nxt[name] == v:
                    yield c.nxt
                return
            yield {**c.nxt, name: v}
            return
        if op == "\\in" and target is not None:
            name = target
            for v in sorted(ev(args[1], c), key=repr):
                if name not in c.nxt:
                    yield {**c.nxt, name: v}
                elif c.nxt[name] == v:
                    yield c.nxt
            return
        if op == "UNCHANGED":
            names = _unchanged(args[0])
            nxt = dict(c.nxt)
            for name in names:
                if name in nxt and nxt[name] != c.cur[name]:
                    return
                nxt[name] = c.cur[name]
            yield nxt
            return
        if isinstance(op, str) and op in c.defs and op not in c.env:
            d = c.defs[op]
            vals = [ev(a, c) for a in args]
            yield from act(d.body, c.moved(c.nxt, **dict(zip(d.params, vals, strict=True))))
            return
    if ev(n, c):
        yield c.nxt


def _conj(items: list[Any], c: Ctx) -> Iterator[dict[str, Any]]:
    if not items:
        yield c.nxt  # type: ignore[misc]
        return
    for nxt in act(items[0], c):
        yield from _conj(items[1:], c.moved(nxt))


def _target(n: Any, c: Ctx) -> str | None:
    """The variable ``x' = e`` / ``x' \\in S`` sets (in Init: ``x = e``), else None."""
    if _k(n) != "OperatorApplication":
        return None
    if n.operator == "'":
        return _ident(n.arguments[0])
    name = _ident(n)
    if c.init and name in c.variables and name not in c.env:
        return name
    return None


def _unchanged(n: Any) -> list[str]:
    if _k(n) == "Tuple":
        return [x for it in n.items for x in _unchanged(it)]
    name = _ident(n)
    if name is None:
        raise NotImplementedError("UNCHANGED of an expression")
    return [name]


# -- a module with its configuration -----------------------------------------------------------


@dataclass
class Spec:
    variables: list[str]
    defs: dict[str, Def]
    constants: dict[str, Any]
    init: str
    next: str
    invariants: list[str]
    properties: list[tuple[str, Any, Any]] = field(default_factory=list)  # name, A, subscript

    def ctx(self, cur: dict[str, Any], nxt: dict[str, Any] | None = None) -> Ctx:
        return Ctx(self.defs, dict(self.constants), cur, nxt, frozenset(self.variables))


def _cfg_value(text: str) -> Any:
    text = text.strip()
    if text.startswith("{"):
        inner = text[1:-1].strip()
        return frozenset(_cfg_value(x) for x in inner.split(",")) if inner else frozenset()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text.startswith('"'):
        return text[1:-1]
    if text in ("TRUE", "FALSE"):
        return text == "TRUE"
    return ModelValue(text)


def load(module: str | Path, cfg: str | Path, patch: tuple[str, str] | None = None) -> Spec:
    """The module (``patch``: an (old, new) replacement of its text first) with the constants,
    INIT, NEXT, INVARIANTS and PROPERTIES of the configuration."""
    import tla

    text = Path(module).read_text()
    if patch is not None:
        assert text.count(patch[0]) == 1
        text = text.replace(patch[0], patch[1])
    m = tla.parse(text)
    variables: list[str] = []
    defs: dict[str, Def] = {}
    for u in m.units or []:
        if _k(u) == "Variables":
            variables += [_ident(x) or "" for x in u.names]
        elif _k(u) == "OperatorDefinition":
            params = [p.name if hasattr(p, "name") else _ident(p) for p in (u.arity or [])]
            defs[u.name] = Def(params, u.definiens)
    constants: dict[str, Any] = {}
    sections: dict[str, list[str]] = {}
    key = ""
    for line in Path(cfg).read_text().splitlines():
        line = line.split("\\*")[0].rstrip()
        if not line.strip():
            continue
        if not line[0].isspace():
            key, _, rest = line.partition(" ")
            sections.setdefault(key, [])
            if rest.strip():
                sections[key].append(rest.strip())
        else:
            sections[key].append(line.strip())
    for line in sections.get("CONSTANTS", []) + sections.get("CONSTANT", []):
        name, _, value = line.partition("=")
        constants[name.strip()] = _cfg_value(value)
    props = []
    for name in sections.get("PROPERTIES", []) + sections.get("PROPERTY", []):
        body = defs[name].body
        # [][A]_v parses as the operator '[]' applied to a SubscriptedAction.
        if not (_k(body) == "OperatorApplication" and body.operator == "[]"
                and _k(body.arguments[0]) == "SubscriptedAction"):
            raise NotImplementedError(f"property {name}: only [][A]_v")
        sa = body.arguments[0]
        props.append((name, sa.action, sa.subscript))
    return Spec(variables, defs, constants, sections["INIT"][0], sections["NEXT"][0],
                sections.get("INVARIANTS", []) + sections.get("INVARIANT", []), props)


@dataclass
class Result:
    distinct: int
    violation: str | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)


def _freeze(s: dict[str, Any], order: list[str]) -> tuple[Any, ...]:
    return tuple(s[v] for v in order)


def explore(spec: Spec, max_states: int | None = None) -> Result:
    """Breadth-first search of ``spec``; stops at the first broken invariant or property."""
    order = spec.variables
    parent: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}

    def trace(key: tuple[Any, ...]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cur: tuple[Any, ...] | None = key
        while cur is not None:
            out.append(dict(zip(order, cur, strict=True)))
            cur = parent[cur]
        return out[::-1]

    def broken(s: dict[str, Any]) -> str | None:
        c = spec.ctx(s)
        for inv in spec.invariants:
            if not ev(spec.defs[inv].body, c):
                return inv
        return None

    frontier = []
    init = spec.defs[spec.init].body
    for a in act(init, Ctx(spec.defs, dict(spec.constants), {}, {}, frozenset(order),
                           None, True)):
        missing = set(order) - set(a)
        if missing:
            raise ValueError(f"Init leaves {missing} unassigned")
        key = _freeze(a, order)
        if key in parent:
            continue
        parent[key] = None
        bad = broken(a)
        if bad:
            return Result(len(parent), bad, trace(key))
        frontier.append(a)
    nxt_def = spec.defs[spec.next].body
    while frontier:
        new = []
        for s in frontier:
            for t in act(nxt_def, spec.ctx(s, {})):
                missing = set(order) - set(t)
                if missing:
                    raise ValueError(f"a step leaves {missing} unassigned")
                key = _freeze(t, order)
                for name, a, sub in spec.properties:
                    c = spec.ctx(s, t)
                    stutter = ev(sub, spec.ctx(s)) == ev(sub, spec.ctx(t))
                    if not stutter and not ev(a, c):
                        if key not in parent:
                            parent[key] = _freeze(s, order)
                        return Result(len(parent), name, trace(_freeze(s, order)) + [t])
                if key in parent:
                    continue
                parent[key] = _freeze(s, order)
                bad = broken(t)
                if bad:
                    return Result(len(parent), bad, trace(key))
                new.append(t)
                if max_states is not None and len(parent) >= max_states:
                    return Result(len(parent))
        frontier = new
    return Result(len(parent))
