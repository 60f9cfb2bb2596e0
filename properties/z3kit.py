"""A small protocol for Z3 proof obligations, so ``redspec check`` can run every proof alike.

Two kinds of obligation, each with ``name``, ``mechanism`` and ``prove() -> Proof``:

- :class:`Inductive` — a transition system given by symbolic encodings over a list of state
  variables: ``init(v)``, ``next(v, v2)`` (``v2`` are the primed copies) and ``inv(v)``.
  :meth:`Inductive.prove` shows *Init ⇒ Inv* and *Inv ∧ Next ⇒ Inv′* by asking Z3 for a
  counterexample to each (``unsat`` = none exists), after vacuity checks: Init, Inv and
  Inv ∧ Next are each satisfiable (so Next is not vacuous from an invariant state), and so is
  Inv ∧ Next ∧ each of its ``witnesses`` (the premises the claim is about can occur).
- :class:`Validity` — one statement *premises ⇒ claim* over free variables, with the same
  vacuity check on the premises (used for arithmetic facts such as the multibulk bounds).

A :class:`Proof` records which checks held and, for a failure, Z3's counterexample as a
``{variable: value}`` dict. An :class:`Inductive` may also carry ``bound`` and ``replay``: a
counterexample to *Inv ∧ Next ⇒ Inv′* is then searched again inside a small finite universe
(``bound``) and replayed through the executable Python transition (``replay``), which says
whether the spec itself breaks the invariant there (``confirmed``: a real bug) or makes no such
step (``spurious``: the encoding admits a step the spec never takes — the encoding is wrong),
with a Python script that reproduces it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

__all__ = ["Proof", "Inductive", "Validity", "model_dict"]


@dataclass
class Proof:
    """The outcome of one obligation: ``held`` only when every check passed."""

    name: str
    mechanism: str
    checks: dict[str, str] = field(default_factory=dict)  # check name -> "proved" | problem
    counterexample: dict[str, str] | None = None
    seconds: float = 0.0
    #: Replay of the counterexample through the Python transition: "confirmed", "spurious",
    #: or "not replayed: <why>"; ``replay_script`` is Python code that reproduces it.
    replay: str | None = None
    replay_script: str | None = None

    @property
    def held(self) -> bool:
        return all(v == "proved" for v in self.checks.values())

    @property
    def problems(self) -> dict[str, str]:
        return {k: v for k, v in self.checks.items() if v != "proved"}


def model_dict(m: z3.ModelRef) -> dict[str, str]:
    """A Z3 model as ``{name: value}`` strings, sorted by name."""
    return {str(d.name()): str(m[d]) for d in sorted(m.decls(), key=lambda d: str(d.name()))}


def _sat(*fs: Any) -> z3.ModelRef | None:
    s = z3.Solver()
    s.add(*fs)
    r = s.check()
    if r == z3.sat:
        return s.model()
    if r == z3.unknown:
        raise RuntimeError(f"z3 returned unknown: {s.reason_unknown()}")
    return None


@dataclass
class Inductive:
    """An inductive-invariant obligation over state variables built by ``make_vars(suffix)``.

    ``make_vars("")`` and ``make_vars("'")`` must return the current and primed variables as
    dicts; ``init``/``inv`` take one dict, ``next`` takes both.
    """

    name: str
    mechanism: str
    make_vars: Callable[[str], dict[str, Any]]
    init: Callable[[dict[str, Any]], Any]
    next: Callable[[dict[str, Any], dict[str, Any]], Any]
    inv: Callable[[dict[str, Any]], Any]
    doc: str = ""
    #: ``bound(v, v2)``: a finite universe for concrete counterexamples (e.g. keys in 0..3).
    bound: Callable[[dict[str, Any], dict[str, Any]], Any] | None = None
    #: ``replay(model, v, v2) -> (verdict, script)``: run the counterexample's pre-state through
    #: the Python transition (see the module docstring).
    replay: Callable[[z3.ModelRef, dict[str, Any], dict[str, Any]], tuple[str, str]] | None = None
    #: ``{name: premise(v, v2)}``: steps the claim is about, each of which must be possible
    #: from an invariant state (``Inv ∧ Next ∧ premise`` satisfiable) — else the claim holds
    #: only because its premise never does (checked as "vacuity: <name>").
    witnesses: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = field(
        default_factory=dict)
    #: The name of the obligation that proves the other direction of the same rule (e.g.
    #: "expired → not returned" and "not expired → returned"); ``redspec check --strength``
    #: reports a rule as proved both ways only when both obligations name each other.
    converse: str = ""

    def prove(self) -> Proof:
        t0 = time.perf_counter()
        p = Proof(self.name, self.mechanism)
        v, v2 = self.make_vars(""), self.make_vars("'")
        init, nxt, inv, inv2 = self.init(v), self.next(v, v2), self.inv(v), self.inv(v2)
        p.checks["vacuity: Init satisfiable"] = "proved" if _sat(init) is not None else "vacuous"
        p.checks["vacuity: Inv satisfiable"] = "proved" if _sat(inv) is not None else "vacuous"
        p.checks["vacuity: Inv ∧ Next satisfiable"] = (
            "proved" if _sat(inv, nxt) is not None else "vacuous")
        for wname, premise in self.witnesses.items():
            p.checks[f"vacuity: {wname}"] = (
                "proved" if _sat(inv, nxt, premise(v, v2)) is not None else "vacuous")
        for check, fs in (("Init ⇒ Inv", (init, z3.Not(inv))),
                          ("Inv ∧ Next ⇒ Inv′", (inv, nxt, z3.Not(inv2)))):
            m = _sat(*fs)
            if m is None:
                p.checks[check] = "proved"
            else:
                if check.startswith("Inv ∧") and self.replay is not None:
                    m = self._replay(p, m, fs, v, v2)
                p.counterexample = p.counterexample or model_dict(m)
                p.checks[check] = f"counterexample: {model_dict(m)}"
        p.seconds = time.perf_counter() - t0
        return p


    def _replay(self, p: Proof, m: z3.ModelRef, fs: tuple[Any, ...], v: dict[str, Any],
                v2: dict[str, Any]) -> z3.ModelRef:
        """Find the counterexample again inside ``bound`` and replay it through Python."""
        assert self.replay is not None
        if self.bound is not None:
            bm = _sat(*fs, self.bound(v, v2))
            if bm is None:
                p.replay = "not replayed: no counterexample inside the finite bound"
                return m
            m = bm
        p.replay, p.replay_script = self.replay(m, v, v2)
        return m


@dataclass
class Validity:
    """``premises ⇒ claim`` (both Z3 booleans, built lazily) with a vacuity check."""

    name: str
    mechanism: str
    build: Callable[[], tuple[Any, Any]]
    doc: str = ""
    #: As :attr:`Inductive.converse`.
    converse: str = ""

    def prove(self) -> Proof:
        t0 = time.perf_counter()
        p = Proof(self.name, self.mechanism)
        premises, claim = self.build()
        if _sat(premises) is None:
            p.checks["vacuity: premises satisfiable"] = "vacuous: premises unsatisfiable"
        else:
            p.checks["vacuity: premises satisfiable"] = "proved"
            m = _sat(premises, z3.Not(claim))
            if m is None:
                p.checks["premises ⇒ claim"] = "proved"
            else:
                p.counterexample = model_dict(m)
                p.checks["premises ⇒ claim"] = f"counterexample: {m}"
        p.seconds = time.perf_counter() - t0
        return p


def prove_all(obligations: Sequence[Inductive | Validity]) -> list[Proof]:
    """Prove each obligation in turn."""
    return [o.prove() for o in obligations]
