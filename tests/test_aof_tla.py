"""tla/AofRewrite.tla against the spec: the bounded explorer running the real AOF transitions
(with a world carrying out their file operations) reaches exactly the distinct states the
module has (README count = Python transcription = spec), and its checks hold. The wrong
variants of the module and the same bugs planted in the spec are in
tests/test_tla_variants.py; the explorer's own checks (ReplayAgrees, ReplyOrder,
LiveIsHistory) get their planted bugs here."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from redspec.properties import explorer_aof as E
from redspec.properties.explorer import explore
from redspec.properties.explorer_aof import aof_model, tla_transcription
from redspec.properties.planted import replace_handler
from redspec.properties.registry import discover
from redspec.spec import aoffeed, dispatch

ROOT = Path(__file__).resolve().parent.parent


def _readme_count() -> int:
    readme = (ROOT / "tla" / "README.md").read_text()
    m = re.search(r"MCAofRewrite\.cfg` — distinct states:\s*\**(\d+)", readme)
    assert m is not None
    return int(m.group(1))


def _constants() -> tuple[int, int, tuple[str, ...]]:
    cfg = (ROOT / "tla" / "MCAofRewrite.cfg").read_text()
    w = re.search(r"MaxWrites\s*=\s*(\d+)", cfg)
    r = re.search(r"MaxRewrites\s*=\s*(\d+)", cfg)
    p = re.search(r"Policies\s*=\s*\{([^}]*)\}", cfg)
    assert w and r and p
    return int(w.group(1)), int(r.group(1)), tuple(
        x.strip().strip('"') for x in p.group(1).split(","))


def test_aof_count_matches_the_tla_configuration() -> None:
    """The transcription reaches the README's count for MCAofRewrite.cfg; the explorer over
    the real spec reaches the transcription's count for two smaller configurations (three
    writes around one rewrite; two rewrites, the second after a success or a failure)."""
    writes, rewrites, policies = _constants()
    assert (writes, rewrites, policies) == (3, 2, ("always", "everysec"))
    tla = explore(tla_transcription(writes, rewrites, policies))
    assert tla.violation is None and tla.distinct == _readme_count()
    for w, r in ((writes, 1), (2, rewrites)):
        small = explore(tla_transcription(w, r, policies))
        spec = explore(aof_model(w, r, policies))
        assert spec.violation is None, spec.violation.script()
        assert spec.distinct == small.distinct


@pytest.mark.skipif(not os.environ.get("REDSPEC_FULL_TLA"),
                    reason="the full configuration through the spec takes about 30 s: "
                           "REDSPEC_FULL_TLA=1 runs it")
@pytest.mark.timeout(1800)
def test_spec_explorer_reaches_the_full_configuration_count() -> None:
    spec = explore(aof_model(*_constants()))
    assert spec.violation is None and spec.distinct == _readme_count()


def test_the_policy_counts_the_readme_gives() -> None:
    assert tla_transcription(3, 2, ("always",)).check().distinct == 420
    assert tla_transcription(3, 2, ("everysec",)).check().distinct == 6572


def test_redspec_check_runs_the_aof_models() -> None:
    items = [i for i in discover(["17"]) if i.kind == "explorer"]
    assert {i.mechanism for i in items} == {"aof"}
    assert any(getattr(i.obj, "expected_distinct", None) == 1468 for i in items)


def test_everysec_reaches_a_postponed_write_and_a_lost_acknowledged_write() -> None:
    """The model is not vacuous about everysec: some state has a write postponed while an
    fsync runs (its reply already sent), and there a crash of the process loses an
    acknowledged write (allowed under everysec, never under always)."""

    def postponed_and_acked_but_unwritten(st: Any) -> bool:
        return st[E.POST] >= 0 and st[E.ACKED] > len(E.replay(st[E.MAN], st[E.DIR], False))

    m = tla_transcription(2, 1, ("everysec",))
    m.invariants = {"probe": lambda st: not postponed_and_acked_but_unwritten(st)}
    assert explore(m).violation is not None
    m = tla_transcription(3, 2, ("always",))
    m.invariants = {"probe": lambda st: not postponed_and_acked_but_unwritten(st)}
    assert explore(m).violation is None


# -- the explorer's own checks can fail ------------------------------------------------------


def _violated(model: Any) -> str:
    r = explore(model)
    assert r.violation is not None, "the explorer over the spec did not see the planted bug"
    if r.violation.invariant == "action_properties":
        return str(r.violation.trace[-1][1][-1]).split(":")[0]
    return r.violation.invariant


def test_spec_stream_selecting_the_wrong_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream SELECTs db 1 for writes to db 0: the records look right to the abstraction,
    and only the independent reader sees the dataset land elsewhere."""
    real = aoffeed.feed_append_only_file

    def feed(a: Any, dbid: int, argv: Any, unixtime: int, timestamps: bool) -> Any:
        return real(a, 1 if dbid == 0 else dbid, argv, unixtime, timestamps)

    monkeypatch.setattr(aoffeed, "feed_append_only_file", feed)
    assert _violated(aof_model(1, 1, ("always",))) == "ReplayAgrees"


def test_spec_rpush_replying_the_wrong_length(monkeypatch: pytest.MonkeyPatch) -> None:
    real = dispatch.TABLE[b"rpush"].handler

    def rpush(s: Any, argv: list[bytes]) -> Any:
        n = real(s, argv)
        return n + 1 if isinstance(n, int) else n

    replace_handler(monkeypatch, b"rpush", rpush)
    assert _violated(aof_model(1, 1, ("always",))) == "ReplyOrder"


def test_spec_rpush_pushing_at_the_head(monkeypatch: pytest.MonkeyPatch) -> None:
    replace_handler(monkeypatch, b"rpush", dispatch.TABLE[b"lpush"].handler)
    assert _violated(aof_model(2, 1, ("always",))) == "LiveIsHistory"
