"""The replication tutorial (docs/tutorials/replication): its walk through the multi-node model
runs as written, and its rubric reports planted defects with the right items.

The README's ``>>>`` session is a doctest over ``spec/replnet.py``: two (then three) servers
driven by the single-node transitions, connections as ordered byte streams moved by hand, time
as an input. So every byte and offset the page shows — the handshake, ``+FULLRESYNC`` at the
snapshot point, the write held during the BGSAVE, the payload then the held stream, the
``+CONTINUE`` after a dropped link, the exercise's offsets, the full sync once the offset left
the backlog, PSYNC2 after a promotion — is what the spec does, and the page fails this test
when the spec changes under it. Replication ids and RDB bytes are elided (``...``): they follow
the seeded PRNG and the RDB writer, which other changes move; the page checks the ids it needs
by comparing them.

The rubric part is the pattern of tests/test_review.py's ``PLANTED``, kept here so the shared
file is not touched: a defect planted in the reference model is reported with its item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redspec.review import d2
from redspec.review.rubric import check, load
from tests.tutorial_walk import walk_runs_as_written, wrong_line_fails

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorials" / "replication"


def test_the_walk_through_the_model_runs_as_written() -> None:
    walk_runs_as_written(TUTORIAL / "README.md", 60)


def test_a_wrong_line_in_the_walk_fails(tmp_path: Path) -> None:
    """The doctest can fail: the walk's output, changed, is caught."""
    wrong_line_fails(TUTORIAL / "README.md", tmp_path, "'master_repl_offset=140'",
                     "'master_repl_offset=131'")


#: (text of the reference replaced, by, the item reported, its status)
PLANTED = [
    ('master -> master: "replicationFeedSlaves: SELECT 0 + SET fed, offset 61; held for the '
     'replica, not sent yet"\n', "", "write-held", "missing"),
    ('master -> replica: "replicaPutOnline: the held stream, offsets 1..61 (SELECT 0, SET '
     'greeting hello)"\n', "", "payload-then-stream", "missing"),
    ('master -> replica: "replicaPutOnline: the held stream, offsets 1..61 (SELECT 0, SET '
     'greeting hello)"\n', "", "no-stream-before-snapshot", "holds"),
    ('child -> master: "the RDB file is written; the child exits 0 (checkChildrenDone)"\n',
     'master -> replica: "the held stream, at once"\n'
     'child -> master: "the RDB file is written; the child exits 0 (checkChildrenDone)"\n',
     "no-stream-before-snapshot", "breaks"),
    ('master -> child: "startBgsaveForReplication: fork; the child holds the dataset at '
     'offset 0"\n', "", "snapshot-point", "missing"),
    ('master -> replica: "+CONTINUE <replid>"\n', 'master -> replica: "+FULLRESYNC <replid> 87"\n',
     "no-full-sync-in-window", "breaks"),
    ('master -> replica: "+CONTINUE <replid>"\n', 'master -> replica: "+FULLRESYNC <replid> 87"\n',
     "partial-sync", "missing"),
    ('master -> master: "masterTryPartialResynchronization: same replid, 1 <= 62 <= 1 + 87: in '
     'the window"\n', "", "partial-sync", "missing"),
    ('master -> replica: "the backlog from offset 62: INCR visits (the 26 missed bytes)"\n', "",
     "partial-sync", "missing"),
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
    if status == "holds":  # removing the held stream must not look like a broken invariant
        assert "breaks" not in got.values(), got
