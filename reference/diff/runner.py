"""The search behind ``redspec diff``: generated sequences, replayed on two targets, shrunk.

For each command group, Hypothesis draws examples (a sequence of steps over several clients,
a protocol version, split points) and both targets replay each one. A divergence is a
*failing example*: Hypothesis's own shrinker (``hypothesis.find``) reduces it to a minimal
sequence that still diverges, and :func:`one_minimal` finishes the job greedily: the sequence
reported is 1-minimal — removing any one step, or every step of any one client, loses the
divergence (Hypothesis's shrinker gets close, but stops at its own budget and does not promise
this). The command of the first differing step is then set aside and the search goes on with
the group's remaining budget, so one broken command does not hide the others: a group reports
at most one (shrunk) divergence per command.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from .expect import Profile, explain
from .generate import GROUPS, Steps, chunker_from, group_commands, sequences
from .replay import HELLO_STEP, Mismatch, Record, Target, compare, tip_comparators

__all__ = ["Divergence", "GroupResult", "DiffConfig", "command_name", "run_diff", "check_once",
           "one_minimal", "leave_as_found", "new_divergences"]


def command_name(argv: list[bytes]) -> str:
    """The table name of ``argv``'s command (``object|encoding`` for a subcommand)."""
    from .generate import COMMANDS

    name = argv[0].decode("latin-1").lower()
    if len(argv) > 1:
        full = name + "|" + argv[1].decode("latin-1").lower()
        if full in COMMANDS:
            return full
    return name


@dataclass
class Divergence:
    """One shrunk divergence: the minimal sequence and what each side answered."""

    group: str
    command: str
    proto: int
    steps: list[tuple[int, list[bytes]]]
    cuts: list[int]
    mismatch: Mismatch
    target: list[Record]
    reference: list[Record]
    examples_to_find: int = 0
    shrink_calls: int = 0
    #: The reason a ``--expect`` profile gives for it (None: a new divergence) and its kind.
    expected: str | None = None
    expected_kind: str | None = None


@dataclass
class GroupResult:
    """What the search in one group did."""

    group: str
    commands: list[str]
    examples: int = 0
    divergent_examples: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class DiffConfig:
    groups: list[str]
    examples: int = 100
    seed: int = 0
    protos: tuple[int, ...] = (2, 3)
    clients: int = 3
    max_steps: int = 12
    errors: str = "exact"
    max_per_group: int = 20
    strict_identity: bool = False
    profile: Profile | None = None


def new_divergences(results: Sequence[GroupResult]) -> int:
    """Divergences no profile explains: what makes ``redspec diff`` exit 1."""
    return sum(1 for g in results for d in g.divergences if d.expected is None)


def check_once(target: Target, reference: Target, steps: Steps, proto: int, cuts: list[int],
               errors: str = "exact", strict_identity: bool = False,
               ) -> tuple[Mismatch | None, list[Record], list[Record]]:
    """Replay one example on both targets; the first mismatch (None if they agree)."""
    chunker = chunker_from(cuts)
    target.reset()
    a = target.replay(steps, proto, chunker)
    reference.reset()
    b = reference.replay(steps, proto, chunker)
    return compare(steps, a, b, tip_comparators(steps, errors), strict_identity), a, b


Example = tuple[list[tuple[int, list[bytes]]], int, list[int]]


def one_minimal(example: Example, diverges: Callable[[Example], bool]) -> Example:
    """Greedy delta debugging to a fixpoint: drop every step of one client, or one step, or
    one cut point, whenever the example still ``diverges`` without it, until no single such
    removal keeps the divergence. The result is 1-minimal in its steps and clients: the
    promise :func:`search_group` makes about every reported sequence. Cost: at most
    O(n²) replays for n steps (each pass removes something or ends)."""
    steps, proto, cuts = example
    changed = True
    while changed:
        changed = False
        for c in sorted({n for n, _ in steps}):
            fewer = [st_ for st_ in steps if st_[0] != c]
            if fewer and len(fewer) < len(steps) and diverges((fewer, proto, cuts)):
                steps, changed = fewer, True
        for i in reversed(range(len(steps))):
            if i < len(steps) and len(steps) > 1:
                fewer = steps[:i] + steps[i + 1:]
                if diverges((fewer, proto, cuts)):
                    steps, changed = fewer, True
        for k in reversed(range(len(cuts))):
            if k < len(cuts):
                fewer_cuts = cuts[:k] + cuts[k + 1:]
                if diverges((steps, proto, fewer_cuts)):
                    cuts, changed = fewer_cuts, True
    return steps, proto, cuts


def _culprit(steps: Steps, m: Mismatch) -> str:
    if 0 <= m.step < len(steps):
        return command_name(steps[m.step][1])
    if m.step == HELLO_STEP:
        return "hello"
    # the sentinel PING: the difference shows at the end; blame the last step on that client
    for c, argv in reversed(list(steps)):
        if c == m.conn:
            return command_name(argv)
    return command_name(steps[-1][1])


def search_group(group: str, names: list[str], target: Target, reference: Target,
                 cfg: DiffConfig, tick: Callable[[int], None] = lambda n: None) -> GroupResult:
    """Search one group (see the module docstring); ``tick(n)`` reports progress."""
    res = GroupResult(group, list(names))
    pool = list(names)
    budget = cfg.examples
    rnd = random.Random(f"{cfg.seed}/{group}")
    while budget > 0 and pool and len(res.divergences) < cfg.max_per_group:
        strategy = st.tuples(
            sequences(pool, cfg.max_steps, cfg.clients),
            st.sampled_from(cfg.protos),
            st.lists(st.integers(0, 1000), max_size=6),
        )
        state: dict[str, Any] = {"found": False, "examples": 0, "shrink": 0}

        def diverges(ex: tuple[list[tuple[int, list[bytes]]], int, list[int]],
                     state: dict[str, Any] = state) -> bool:
            steps, proto, cuts = ex
            if state["found"]:
                state["shrink"] += 1
            else:
                state["examples"] += 1
                tick(1)
            m, _, _ = check_once(target, reference, steps, proto, cuts, cfg.errors,
                                 cfg.strict_identity)
            if m is not None:
                state["found"] = True
            return m is not None

        try:
            steps, proto, cuts = find(
                strategy,
                diverges,
                settings=settings(
                    max_examples=budget,
                    database=None,
                    deadline=None,
                    phases=[Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck),
                ),
                random=random.Random(rnd.random()),
            )
        except NoSuchExample:
            res.examples += state["examples"]
            tick(budget - state["examples"])
            break
        res.examples += state["examples"]
        res.divergent_examples += 1
        budget -= state["examples"]
        m, a, b = check_once(target, reference, steps, proto, cuts, cfg.errors,
                             cfg.strict_identity)
        if m is None:  # did not reproduce (a flaky target): record what we can and stop
            res.error = f"a divergence did not reproduce: {steps!r}"
            break
        culprit = _culprit(steps, m)

        def same_culprit(ex: Example, culprit: str = culprit,
                         state: dict[str, Any] = state) -> bool:
            state["shrink"] += 1
            m2, _, _ = check_once(target, reference, ex[0], ex[1], ex[2], cfg.errors,
                                  cfg.strict_identity)
            return m2 is not None and _culprit(ex[0], m2) == culprit

        steps, proto, cuts = one_minimal(([(c, list(v)) for c, v in steps], proto, list(cuts)),
                                         same_culprit)
        m, a, b = check_once(target, reference, steps, proto, cuts, cfg.errors,
                             cfg.strict_identity)
        if m is None:  # only a flaky target loses a divergence one_minimal kept
            res.error = f"a divergence did not reproduce: {steps!r}"
            break
        why = explain(cfg.profile, group, culprit, proto, m.a, m.b)
        res.divergences.append(Divergence(group, culprit, proto, [(c, list(v)) for c, v in steps],
                                          list(cuts), m, a, b, state["examples"],
                                          state["shrink"], why.reason if why else None,
                                          why.kind if why else None))
        if culprit in pool:
            pool.remove(culprit)
            res.set_aside.append(culprit)
        else:  # the culprit was not drawn from this pool (HELLO): nothing more to learn
            break
    else:
        tick(max(budget, 0))
    return res


def run_diff(target: Target, reference: Target, cfg: DiffConfig, served: Sequence[str],
             on_group: Callable[[str, int], Callable[[int], None]] | None = None,
             ) -> list[GroupResult]:
    """Search every configured group; ``on_group(name, budget)`` returns a progress ticker."""
    out = []
    for g in cfg.groups:
        if g not in GROUPS:
            raise KeyError(f"unknown group {g!r}; known: {', '.join(GROUPS)}")
        names = group_commands(g, served)
        tick = on_group(g, cfg.examples) if on_group is not None else (lambda n: None)
        if not names:
            out.append(GroupResult(g, [], error="the reference serves none of its commands"))
            tick(cfg.examples)
            continue
        out.append(search_group(g, names, target, reference, cfg, tick))
    leave_as_found(target, reference)
    return out


def leave_as_found(*targets: Target) -> None:
    """Flush what the run wrote (``reset``: FLUSHALL on a server): a target that held no key
    before the run holds none after it, so the next run needs no ``--force``."""
    for t in targets:
        t.reset()

