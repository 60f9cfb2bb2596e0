"""tla/Transactions.tla against the spec: the bounded explorer running the real transitions
reaches exactly the distinct states the module has for MCTransactions.cfg (README count =
Python transcription = spec), its checks hold, and planted bugs are found."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from redspec.properties.explorer import explore
from redspec.properties.explorer_transactions import tla_transcription, transactions_model
from redspec.spec import dispatch
from redspec.spec import step as step_mod

ROOT = Path(__file__).resolve().parent.parent


def _constants() -> tuple[int, int, int]:
    cfg = (ROOT / "tla" / "MCTransactions.cfg").read_text()

    def count(name: str) -> int:
        m = re.search(rf"{name}\s*=\s*\{{([^}}]*)\}}", cfg)
        assert m is not None
        return len([x for x in m.group(1).split(",") if x.strip()])

    q = re.search(r"MaxQueue\s*=\s*(\d+)", cfg)
    assert q is not None
    return count("Clients"), count("Keys"), int(q.group(1))


def test_transactions_count_matches_the_tla_configuration() -> None:
    readme = (ROOT / "tla" / "README.md").read_text()
    m = re.search(r"MCTransactions\.cfg` — distinct states:\s*\**(\d+)", readme)
    assert m is not None
    want = int(m.group(1))
    clients, keys, max_queue = _constants()
    tla = explore(tla_transcription(clients, keys, max_queue))
    spec = explore(transactions_model(clients, keys, max_queue))
    assert tla.violation is None and spec.violation is None, (spec.violation and
                                                              spec.violation.script())
    assert spec.distinct == tla.distinct == want


def test_explorer_finds_a_touch_that_reaches_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(step_mod, "touch_watched_key", lambda s, d, k: None)
    r = explore(transactions_model(2, 1, 2))
    assert r.violation is not None and r.violation.invariant == "dirty_iff_touched"
    assert "WATCH k1" in r.violation.script()


def test_explorer_finds_an_exec_that_ignores_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    """EXEC runs the queue even though a watched key was touched."""
    real = dispatch.exec_

    def careless(s: Any, argv: list[bytes]) -> Any:
        c = s.client
        if "dirty_cas" in c.flags:
            s.update_client(flags=c.flags - {"dirty_cas"})
        return real(s, argv)

    from redspec.properties.planted import replace_handler
    replace_handler(monkeypatch, b"exec", careless)
    r = explore(transactions_model(2, 1, 2))
    assert r.violation is not None and r.violation.invariant == "exec_safe_and_atomic"
