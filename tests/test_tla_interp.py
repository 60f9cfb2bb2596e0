"""The TLA+ modules' text, explored by properties/tla_interp.py (TLC is not available here):
each reaches the distinct-state count its Python transcription gives, so a module and its
transcription cannot drift apart unnoticed. The patched variants are explored the same way in
tests/test_tla_variants.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from redspec.properties import tla_interp as I
from redspec.properties.explorer import explore
from redspec.properties.explorer_aof import tla_transcription as aof_transcription
from redspec.properties.explorer_models import lifecycle_expected
from redspec.properties.explorer_transactions import tla_transcription as tx_transcription

pytest.importorskip("tla")

TLA = Path(__file__).resolve().parent.parent / "tla"


def _spec(module: str, **constants: str) -> I.Spec:
    spec = I.load(TLA / f"{module}.tla", TLA / f"MC{module}.cfg")
    for k, v in constants.items():
        spec.constants[k] = I._cfg_value(v)
    return spec


def test_client_lifecycle_interpreted() -> None:
    r = I.explore(_spec("ClientLifecycle"))
    assert r.violation is None and r.distinct == lifecycle_expected(3, 2) == 40


def test_transactions_interpreted_one_key() -> None:
    r = I.explore(_spec("Transactions", Keys="{k1}"))
    assert r.violation is None
    assert r.distinct == explore(tx_transcription(2, 1, 2)).distinct == 1752


@pytest.mark.parametrize("writes,rewrites", [(1, 1), (2, 1), (1, 2)])
def test_aof_rewrite_interpreted(writes: int, rewrites: int) -> None:
    r = I.explore(_spec("AofRewrite", MaxWrites=str(writes), MaxRewrites=str(rewrites)))
    assert r.violation is None
    assert r.distinct == explore(aof_transcription(writes, rewrites)).distinct


@pytest.mark.skipif(not os.environ.get("REDSPEC_FULL_TLA"),
                    reason="about a minute each: REDSPEC_FULL_TLA=1 runs them")
@pytest.mark.timeout(3600)
def test_full_configurations_interpreted() -> None:
    r = I.explore(_spec("AofRewrite"))
    assert r.violation is None and r.distinct == 6992
    r = I.explore(_spec("Transactions", MaxQueue="1"))
    assert r.violation is None and r.distinct == 12064


def test_a_wrong_step_is_seen(tmp_path: Path) -> None:
    """A step that leaves a variable unassigned is an error, as in TLC."""
    spec = _spec("ClientLifecycle")
    body = spec.defs["Next"].body
    spec.defs["Next"] = I.Def([], body.arguments[0].expression)  # Connect alone: fine
    assert I.explore(spec).distinct == 4
    text = (TLA / "ClientLifecycle.tla").read_text().replace(
        "           /\\ nextId' = nextId + 1\n", "")
    broken = tmp_path / "ClientLifecycle.tla"
    broken.write_text(text)
    with pytest.raises(ValueError, match="unassigned"):
        I.explore(I.load(broken, TLA / "MCClientLifecycle.cfg"))
