"""Shared scaffolding for planted-bug tests: every invariant must be shown to trip.

A planted-bug test breaks the spec on purpose (monkeypatching a function or a command
handler), runs the mechanism's state machine, and asserts that the run fails *with that
invariant's name*. The runs are derandomized (the same examples every time) and skip
shrinking: finding the bug is the point.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from redspec.spec import dispatch


def planted_settings(max_examples: int, steps: int) -> settings:
    """Hypothesis settings for a planted-bug run of a state machine."""
    return settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None,
        report_multiple_bugs=False, suppress_health_check=list(HealthCheck), database=None,
        derandomize=True, phases=(Phase.explicit, Phase.generate),
    )


def assert_trips(machine: Any, invariant_name: str, planted: settings) -> None:
    """Run ``machine`` under ``planted`` and require a failure that names the invariant."""
    with pytest.raises(AssertionError, match=invariant_name):
        run_state_machine_as_test(machine, settings=planted)


def replace_handler(monkeypatch: pytest.MonkeyPatch, name: bytes, handler: Any) -> None:
    """Swap the handler of command ``name`` in the served table for this test only."""
    cmd = dispatch.TABLE[name]
    monkeypatch.setitem(dispatch.TABLE, name, attrs.evolve(cmd, handler=handler))
