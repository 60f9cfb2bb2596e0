"""The Z3 expiry obligations prove both directions of ``keyIsExpired`` with vacuity checks on
their premises, and each direction is broken by its planted bug — spuriously against the
right spec (the encoding is wrong), confirmed against a spec with the same bug."""

from __future__ import annotations

from typing import Any

import pytest
import z3

from redspec.properties import z3_expire
from redspec.properties.z3kit import Inductive
from redspec.spec.db import DbView


def test_both_directions_are_proved_with_their_premises_satisfiable() -> None:
    for o in z3_expire.obligations():
        p = o.prove()
        assert p.held, (o.name, p.problems)
        vac = [k for k in p.checks if k.startswith("vacuity: a read")]
        assert len(vac) == 2 and all(p.checks[k] == "proved" for k in vac), p.checks
    assert {o.name for o in z3_expire.obligations()} == {
        "expire: a key read after its expiry time is never returned",
        "expire: a key read at or before its expiry time is returned"}


def test_the_vacuity_check_can_fail() -> None:
    base = z3_expire.served_obligation()
    o = Inductive(base.name, base.mechanism, base.make_vars, base.init, base.next, base.inv,
                  witnesses={"never": lambda v, w: z3.BoolVal(False)})
    p = o.prove()
    assert p.checks["vacuity: never"] == "vacuous" and not p.held


def _early(self: DbView, key: bytes) -> bool:
    """The issue-22 mutant: ``now >= when``."""
    when = self.expires.get(key)
    return when is not None and self.step.now_ms >= when


def test_now_ge_when_breaks_the_second_direction_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert z3_expire.obligation(expired_at_equal=True).prove().held  # stricter: still sound
    p = z3_expire.served_obligation(expired_at_equal=True).prove()
    assert not p.held and p.replay is not None and p.replay.startswith("spurious"), p.replay
    monkeypatch.setattr(DbView, "key_is_expired", _early)
    p = z3_expire.served_obligation(expired_at_equal=True).prove()
    assert p.replay is not None and p.replay.startswith("confirmed"), p.replay
    with pytest.raises(AssertionError):
        exec(compile(p.replay_script or "", "<replay>", "exec"), {})


def test_a_read_ignoring_the_ttl_breaks_the_first_direction(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert z3_expire.served_obligation(read_ignores_ttl=True).prove().held
    p = z3_expire.obligation(read_ignores_ttl=True).prove()
    assert not p.held and p.replay is not None and p.replay.startswith("spurious")

    def no_passive_expiry(self: DbView, key: bytes) -> Any:
        return self.keys.get(key)

    monkeypatch.setattr(DbView, "lookup_read", no_passive_expiry)
    p = z3_expire.obligation(read_ignores_ttl=True).prove()
    assert p.replay is not None and p.replay.startswith("confirmed"), p.replay
