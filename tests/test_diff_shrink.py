"""The shrinker of ``redspec diff`` reaches 1-minimal sequences (issue: a divergence was once
reported with six identical GEOADDs that did not matter).

- :func:`one_minimal` as a function: for generated sequences and a planted divergence
  predicate, the result still diverges and removing any one step, or every step of any one
  client, loses the divergence; a planted one-pass shrinker is caught by the same property.
- End to end, in process: ``search_group`` between the spec and a spec whose non-nil GET
  replies are altered (a planted divergence) reports sequences that are 1-minimal under
  replay, and the run leaves the targets flushed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.reference.diff.generate import group_commands
from redspec.reference.diff.replay import Chunker, Record, SpecTarget, whole
from redspec.reference.diff.runner import (
    DiffConfig,
    Example,
    check_once,
    one_minimal,
    run_diff,
    search_group,
)

Steps = list[tuple[int, list[bytes]]]

_cmd = st.sampled_from([[b"SET", b"k"], [b"GET", b"k"], [b"DEL", b"k"], [b"PING"], [b"SET", b"j"]])
_steps = st.lists(st.tuples(st.integers(1, 3), _cmd), min_size=1, max_size=12)


def _planted(ex: Example) -> bool:
    """Diverges iff some client SETs k and a later step GETs k with no DEL k in between."""
    live = False
    for _, argv in ex[0]:
        if argv == [b"SET", b"k"]:
            live = True
        elif argv == [b"DEL", b"k"]:
            live = False
        elif argv == [b"GET", b"k"] and live:
            return True
    return False


def _is_one_minimal(ex: Example, diverges: Callable[[Example], bool]) -> bool:
    steps, proto, cuts = ex
    if not diverges(ex):
        return False
    singles = [steps[:i] + steps[i + 1:] for i in range(len(steps))]
    clients = [[s for s in steps if s[0] != c] for c in {c for c, _ in steps}]
    return not any(fewer and diverges((fewer, proto, cuts)) for fewer in singles + clients)


def _one_pass(ex: Example, diverges: Callable[[Example], bool]) -> Example:
    """A planted shrinker: one left-to-right pass of single-step removals (not a fixpoint)."""
    steps, proto, cuts = ex
    i = 0
    while i < len(steps):
        fewer = steps[:i] + steps[i + 1:]
        if fewer and diverges((fewer, proto, cuts)):
            steps = fewer
        i += 1
    return steps, proto, cuts


def _first_counterexample(shrink: Callable[[Example, Callable[[Example], bool]], Example],
                          examples: Sequence[Steps]) -> Steps | None:
    for steps in examples:
        ex: Example = (steps, 2, [])
        if _planted(ex) and not _is_one_minimal(shrink(ex, _planted), _planted):
            return steps
    return None


@settings(max_examples=300, deadline=None)
@given(_steps)
def test_one_minimal_is_one_minimal(steps: Steps) -> None:
    ex: Example = (steps, 2, [10, 500])
    if _planted(ex):
        assert _is_one_minimal(one_minimal(ex, _planted), _planted)


def test_planted_one_pass_shrinker_is_caught() -> None:
    """The property trips on a shrinker that makes one left-to-right pass and steps past the
    element that moved into a removed one's place: from SET k, PING, SET k, GET k it removes
    the first SET and then never looks at the PING again, reporting PING, SET k, GET k."""
    sequences = [
        [(1, [b"SET", b"k"]), (2, [b"PING"]), (1, [b"SET", b"k"]), (3, [b"GET", b"k"])],
    ]
    assert _first_counterexample(one_minimal, sequences) is None
    assert _first_counterexample(_one_pass, sequences) is not None


class _AlteredGet(SpecTarget):
    """The spec, but every non-nil reply to GET is replaced (a planted divergence)."""

    name = "altered"

    def replay(self, steps: Any, proto: int, chunker: Chunker = whole,
               ticks: dict[int, int] | None = None, pipeline: bool = True,
               setup: Any = ()) -> list[Record]:
        recs = super().replay(steps, proto, chunker, ticks, pipeline, setup)
        out = []
        for r in recs:
            if (0 <= r.step < len(steps) and steps[r.step][1][0].lower() == b"get"
                    and r.frame.startswith(b"$") and not r.frame.startswith(b"$-1")):
                r = Record(r.conn, r.step, b"$7\r\nplanted\r\n")
            out.append(r)
        return out


class _Counting(SpecTarget):
    """The spec, counting resets (the end-of-run flush)."""

    def __init__(self) -> None:
        super().__init__()
        self.resets = 0

    def reset(self) -> None:
        self.resets += 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_search_reports_one_minimal_sequences(seed: int) -> None:
    target, ref = _AlteredGet(), SpecTarget()
    cfg = DiffConfig(groups=["strings"], examples=60, seed=seed, clients=3, max_steps=12)
    names = group_commands("strings", ["set", "get", "append", "incr", "mset", "getdel",
                                       "setrange", "strlen", "del"])
    res = search_group("strings", names, target, ref, cfg)
    assert res.divergences, "the planted divergence was not found"
    d = res.divergences[0]

    def diverges(ex: Example) -> bool:
        return check_once(target, ref, ex[0], ex[1], ex[2])[0] is not None

    assert _is_one_minimal((d.steps, d.proto, d.cuts), diverges), d.steps


def test_run_leaves_targets_flushed() -> None:
    target, ref = _Counting(), _Counting()
    cfg = DiffConfig(groups=["connection"], examples=3)
    run_diff(target, ref, cfg, ["ping", "echo", "select", "set", "get"])
    # one reset per replay in check_once, then the final flush of each
    assert target.resets == ref.resets == 3 + 1
