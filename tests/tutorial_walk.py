"""What the tutorials whose README walks through the multi-node model share: the walk run
as a doctest, and a wrong line in it caught (tests/test_replication_tutorial.py,
tests/test_failover_tutorial.py)."""

from __future__ import annotations

import doctest
from pathlib import Path


def walk_runs_as_written(readme: Path, at_least: int) -> None:
    """The README's ``>>>`` session, run: at least ``at_least`` examples, none failing."""
    result = doctest.testfile(str(readme), module_relative=False,
                              optionflags=doctest.ELLIPSIS, raise_on_error=False,
                              verbose=False, report=True)
    assert result.attempted >= at_least
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed (above)"


def wrong_line_fails(readme: Path, tmp_path: Path, right: str, wrong: str) -> None:
    """The doctest can fail: ``right``, an expected output of the walk, changed to ``wrong``
    fails exactly one example."""
    text = readme.read_text()
    assert right in text
    bad = tmp_path / "README.md"
    bad.write_text(text.replace(right, wrong))
    result = doctest.testfile(str(bad), module_relative=False, optionflags=doctest.ELLIPSIS,
                              verbose=False, report=False)
    assert result.failed == 1
