"""A bounded, breadth-first state explorer in the style of TLC.

A :class:`Model` is a set of initial states, actions (each a pure function from a state to
its ``(label, successor)`` pairs) and invariants (predicates on a state). :func:`explore`
visits every state reachable within ``max_depth`` steps, level by level:

- each state is identified by a *fingerprint*, the hash of its canonical form (``Model.canon``;
  with ``Model.symmetry`` set, the canonical form of a symmetry-class representative, e.g. the
  state with its interchangeable processes sorted), and is expanded once;
- every new state is checked against every invariant; because the search is breadth-first,
  the first violation found has a *shortest* trace, rebuilt from the parent pointers;
- the result reports distinct states, states per second and the depth reached.

Models of the spec run the real transitions (``spec.server.client_connect``/``client_input``/
``client_disconnect``); see :mod:`properties.explorer_models` for the models ``redspec
check`` runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Model", "Result", "Violation", "explore"]

Action = Callable[[Any], Iterable[tuple[str, Any]]]


def _identity(s: Any) -> Hashable:
    """The default canonical form: the state itself (it must be hashable)."""
    return s  # type: ignore[no-any-return]


@dataclass
class Model:
    """What to explore. ``canon`` maps a state to a hashable canonical form (default: the state
    itself); ``symmetry``, when given, maps it to the canonical form of its symmetry class
    (used instead of ``canon`` — only sound when the invariants are symmetric too)."""

    name: str
    init: Callable[[], Iterable[Any]]
    actions: list[Action]
    invariants: dict[str, Callable[[Any], bool]]
    max_depth: int | None = None
    canon: Callable[[Any], Hashable] = _identity
    symmetry: Callable[[Any], Hashable] | None = None
    mechanism: str = ""
    #: renders a trace [(label, state), ...] as a replay script (default: the labels)
    render: Callable[[list[tuple[str, Any]]], str] | None = None
    #: the distinct-state count a TLA+ configuration predicts (checked by ``redspec check``)
    expected_distinct: int | None = None
    doc: str = ""

    def check(self) -> Result:
        return explore(self)


@dataclass
class Violation:
    invariant: str
    trace: list[tuple[str, Any]]  # (action label, state after it); the first label is "init"
    render: Callable[[list[tuple[str, Any]]], str] | None = None

    def script(self) -> str:
        if self.render is not None:
            return self.render(self.trace)
        return "\n".join(f"{i}: {label}" for i, (label, _) in enumerate(self.trace))


@dataclass
class Result:
    distinct: int = 0
    generated: int = 0  # successor states computed (with repeats)
    depth: int = 0  # deepest level reached
    seconds: float = 0.0
    violation: Violation | None = None
    per_level: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Distinct states per second."""
        return self.distinct / self.seconds if self.seconds > 0 else float("inf")


def explore(model: Model, max_depth: int | None = None, max_states: int | None = None) -> Result:
    """Breadth-first search of ``model``; stops at the first invariant violation."""
    depth_limit = model.max_depth if max_depth is None else max_depth
    key = model.symmetry or model.canon
    invariants = list(model.invariants.items())
    actions = model.actions
    t0 = time.perf_counter()
    res = Result()
    # fingerprint -> (parent fingerprint, action label, state): the parent pointers give the
    # shortest trace to any state (bounded models: keeping the states is affordable).
    parent: dict[int, tuple[int | None, str, Any]] = {}

    def trace(fp: int) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        cur: int | None = fp
        while cur is not None:
            p, label, st = parent[cur]
            out.append((label, st))
            cur = p
        out.reverse()
        return out

    def violated(s: Any) -> str | None:
        for name, inv in invariants:
            if not inv(s):
                return name
        return None

    frontier: list[tuple[int, Any]] = []
    for s in model.init():
        fp = hash(key(s))
        if fp in parent:
            continue
        parent[fp] = (None, "init", s)
        bad = violated(s)
        if bad is not None:
            res.violation = Violation(bad, trace(fp), model.render)
            break
        frontier.append((fp, s))
    res.per_level.append(len(frontier))
    identity = model.symmetry is None and model.canon is _identity
    checks = [inv for _, inv in invariants]
    depth = 0
    generated = 0
    while frontier and res.violation is None and (depth_limit is None or depth < depth_limit):
        depth += 1
        nxt: list[tuple[int, Any]] = []
        append = nxt.append
        for pfp, s in frontier:
            for act in actions:
                for label, t in act(s):
                    generated += 1
                    fp = hash(t) if identity else hash(key(t))
                    if fp in parent:
                        continue
                    parent[fp] = (pfp, label, t)
                    for inv in checks:
                        if not inv(t):
                            res.violation = Violation(violated(t) or "?", trace(fp),
                                                      model.render)
                            break
                    else:
                        append((fp, t))
                        continue
                    break
                if res.violation is not None:
                    break
            if res.violation is not None:
                break
            if max_states is not None and len(parent) >= max_states:
                break
        res.per_level.append(len(nxt))
        frontier = nxt
        if max_states is not None and len(parent) >= max_states:
            break
    res.generated = generated
    res.depth = depth
    res.distinct = len(parent)
    res.seconds = time.perf_counter() - t0
    return res
