"""Shared scaffolding of the property suites: their settings, and planted-bug tests (every
invariant must be shown to trip) with the plants several suites use.

A planted-bug test breaks the spec on purpose (monkeypatching a function or a command
handler), runs the mechanism's state machine, and asserts that the run fails *with that
invariant's name*. The runs are derandomized (the same examples every time) and skip
shrinking: finding the bug is the point.

Derandomized, Hypothesis draws a machine's examples from a digest of the machine class's
*source*, and mixes into its draws constants it collects from every local module the process
has imported: any edit of the class (a refactoring that changes no behaviour), of any other
module, or another test run before in the same process would draw other examples, and a
planted bug found by the old ones might not be found by the new. :func:`run_planted` runs a
machine through a factory named after it, without those local constants, so that its
examples depend on the machine's name and behaviour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.stateful import run_state_machine_as_test

from redspec.spec import dispatch
from redspec.spec.errors import WRONGTYPE


def machine_test(machine: Any, max_examples: int, steps: int,
                 health: Iterable[HealthCheck] = (HealthCheck.too_slow,), **more: Any) -> Any:
    """``machine.TestCase`` (what pytest runs) under the suite's settings: ``max_examples``
    runs of ``steps`` steps, no deadline, the ``health`` checks off (and ``more`` settings)."""
    case = machine.TestCase
    case.settings = settings(max_examples=max_examples, stateful_step_count=steps,
                             deadline=None, suppress_health_check=list(health), **more)
    return case


def property_settings(max_examples: int) -> settings:
    """Settings of a suite's ``@given`` property: ``max_examples`` cases, no deadline, no
    health check, no example database."""
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=list(HealthCheck), database=None)


def planted_settings(max_examples: int, steps: int = 1) -> settings:
    """Hypothesis settings for a planted-bug run of a state machine (``steps`` a run) or of a
    ``@given`` property."""
    return settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None,
        report_multiple_bugs=False, suppress_health_check=list(HealthCheck), database=None,
        derandomize=True, phases=(Phase.explicit, Phase.generate),
    )


class _ByName:
    """A factory of ``machine`` with no source of its own: Hypothesis's digest of it (the
    derandomized seed) falls back to its ``__name__``, the machine's qualified name."""

    def __init__(self, machine: Any) -> None:
        self.machine = machine
        self.__name__ = f"{machine.__module__.rsplit('.', 1)[-1]}.{machine.__qualname__}"

    def __call__(self) -> Any:
        return self.machine()


@contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis's draws without the constants of the process's local modules (an internal
    of Hypothesis's: if it is not there, draws are left as they are)."""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        collect, cache = providers._get_local_constants, providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError):  # pragma: no cover - another Hypothesis
        yield
        return
    cache.clear()
    providers._get_local_constants = Constants
    try:
        yield
    finally:
        providers._get_local_constants = collect
        cache.clear()


def run_planted(machine: Any, planted: settings) -> None:
    """Run ``machine`` under ``planted``, its examples drawn from its name (see above)."""
    with _without_local_constants():
        run_state_machine_as_test(_ByName(machine), settings=planted)


def run_given(planted: settings, check: Callable[..., None], *strategies: Any,
              **named: Any) -> None:
    """Run the property ``check`` over ``strategies`` (and ``named`` ones) under ``planted``:
    a planted run of a ``@given`` property, its examples drawn without the local constants,
    as above."""
    with _without_local_constants():
        planted(given(*strategies, **named)(check))()


def assert_trips(machine: Any, invariant_name: str, planted: settings) -> None:
    """Run ``machine`` under ``planted`` and require a failure that names the invariant."""
    with pytest.raises(AssertionError, match=invariant_name):
        run_planted(machine, planted)


def tripper(machine: Any, planted: settings) -> Callable[[str], None]:
    """``fails_with(invariant_name)``: :func:`assert_trips` of ``machine`` under ``planted``."""

    def fails_with(invariant_name: str) -> None:
        assert_trips(machine, invariant_name, planted)

    return fails_with


def replace_handler(monkeypatch: pytest.MonkeyPatch, name: bytes, handler: Any) -> None:
    """Swap the handler of command ``name`` in the served table for this test only."""
    cmd = dispatch.TABLE[name]
    monkeypatch.setitem(dispatch.TABLE, name, attrs.evolve(cmd, handler=handler))


def removal_keeping_empty(value_type: type, remove: Callable[[Any, list[bytes]], Any]) -> Any:
    """A removal command's handler (HDEL, SREM: ``remove(value, members) -> (value, n)``)
    that stores the value it emptied instead of deleting the key."""

    def handler(s: Any, argv: list[bytes]) -> Any:
        v = s.db.lookup_write(argv[1])
        if v is None:
            return 0
        if type(v) is not value_type:
            return WRONGTYPE
        nv, n = remove(v, argv[2:])
        s.db.overwrite(argv[1], nv)
        s.dirty += n
        return n

    return handler


def delete_keeping_ttl(self: Any, key: bytes, lazy: bool | None = None) -> bool:
    """A planted ``DbView.delete`` (``dbDelete``) that removes the key but leaves its TTL
    behind: breaks ``expires ⊆ keys``."""
    if key not in self.keys:
        return False
    if not self._dirty:
        self.open_for_change()
    del self.keys[key]
    return True


def lookup_ignoring_expiry(self: Any, key: bytes) -> Any:
    """A planted ``DbView.lookup_read`` without ``expireIfNeeded``: it returns expired values."""
    return self.keys.get(key)


def plant_limit_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A type-choice model (``spec.cost.predict_encoding``) that converts *at* an entry limit
    instead of above it."""
    from redspec.spec import cost

    orig = cost.predict_encoding

    def buggy(typ: str, max_n: int, max_elem: int, all_int: bool, cfg: dict[str, int]) -> str:
        return orig(typ, max_n + 1, max_elem, all_int, cfg)

    monkeypatch.setattr(cost, "predict_encoding", buggy)
