"""Settings shared by every test directory.

In CI (``CI`` set) Hypothesis runs derandomized: the same examples every run, so a red build
always points at a real, reproducible failure. Locally it explores fresh examples each run.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# -- no stray RDB files ----------------------------------------------------------------------------
# Servers the tests start run in temporary directories (``save ""`` and ``--dir``/cwd there, as
# Redis's own test suite does); a dump file appearing in the repository means one did not.

_ROOT = os.path.dirname(os.path.abspath(__file__))


def _rdb_files() -> set[str]:
    return {n for n in os.listdir(_ROOT) if n == "dump.rdb"
            or (n.startswith("temp-") and n.endswith(".rdb"))}


_RDB_AT_START = _rdb_files()


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """Fail the run if it left a dump file in the repository root."""
    stray = sorted(_rdb_files() - _RDB_AT_START)
    if stray:
        print(f"\nstray RDB files left in {_ROOT} by the tests: {', '.join(stray)}")
        session.exitstatus = 1  # type: ignore[attr-defined]
