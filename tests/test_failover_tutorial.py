"""The failover tutorial (docs/tutorials/failover): its walk through the multi-node model runs
as written (a doctest over ``spec/replnet.py``: the write, FAILOVER TO … TIMEOUT, the postponed
write, the ACK, PSYNC … FAILOVER, +CONTINUE, -READONLY, the partial sync counted), and its
rubric reports planted defects in the reference model with the right items."""

from __future__ import annotations

from pathlib import Path

import pytest

from redspec.review import d2
from redspec.review.rubric import check, load
from tests.tutorial_walk import walk_runs_as_written, wrong_line_fails

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorials" / "failover"


def test_the_walk_through_the_model_runs_as_written() -> None:
    walk_runs_as_written(TUTORIAL / "README.md", 20)


def test_a_wrong_line_in_the_walk_fails(tmp_path: Path) -> None:
    """The doctest can fail: the walk's output, changed, is caught."""
    wrong_line_fails(TUTORIAL / "README.md", tmp_path, "'replica of r, failover-in-progress, offset 50'",
                     "'master, failover-in-progress, offset 50'")


#: (text of the reference replaced, by, the item reported, its status)
PLANTED = [
    ('m -> m: "set_master(r) (replicationSetMaster): m is a replica now,\\nits own history '
     'cached to PSYNC from"\n', "", "step-down-then-ask", "missing"),
    ('m -> m: "clear_failover_state: no-failover, the pause ends"\n', "", "end-and-readonly",
     "missing"),
    ('r -> m: "REPLCONF ACK 127 (replicationCron, every second)"\n', "", "pause-then-wait",
     "missing"),
    ('client -> m: "FAILOVER"\n',
     'client -> m: "FAILOVER"\nr -> r: "unset_master: r is a master at once"\n',
     "one-master-at-a-time", "breaks"),
]


@pytest.mark.parametrize(("old", "new", "item", "status"), PLANTED,
                         ids=[f"{p[2]}-{p[3]}-{i}" for i, p in enumerate(PLANTED)])
def test_a_planted_defect_is_reported_with_its_item(old: str, new: str, item: str,
                                                    status: str) -> None:
    src = (TUTORIAL / "reference.d2").read_text()
    assert old in src
    verdicts = check(load(TUTORIAL / "rubric.yaml"), d2.parse(src.replace(old, new)))
    got = {v.item.id: v.status for v in verdicts}
    assert got[item] == status, got
