"""Settings shared by every test directory.

In CI (``CI`` set) Hypothesis runs derandomized: the same examples every run, so a red build
always points at a real, reproducible failure. Locally it explores fresh examples each run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# -- which build of the spec the tests run (issue 21) --------------------------------------------
# Chosen before any test module imports the spec (redspec.reference selects it on import,
# reference/specbuild.py). A plain pytest run is interpreted, where every test means what it
# says; `make test` runs the suites once with REDSPEC_SPEC_BUILD=compiled (all but the tests
# that patch spec functions) and once interpreted (those, and the sample the Makefile names).
os.environ.setdefault("REDSPEC_SPEC_BUILD", "interpreted")
import redspec.reference  # noqa: E402, F401

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


# -- the compiled and the interpreted run ----------------------------------------------------------
# A compiled module calls the functions of its compilation group, and the methods of its native
# classes, directly in C: a test that replaces one with monkeypatch (every planted-bug test does
# something of the kind) changes nothing the compiled code calls. Such tests are
# ``interpreted_only``: taken by the fixtures or names that mark them, or marked by hand.


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "interpreted_only: patches spec functions, so it means "
                            "something against the interpreted spec only (not run compiled)")
    config.addinivalue_line("markers", "interpreted_sample: in the sample that `make test` runs "
                            "against the interpreted spec too (REDSPEC_INTERPRETED_SAMPLE)")


def interpreted_only(item: pytest.Item) -> bool:
    """The test patches the spec: it asks for ``monkeypatch``, it is a planted-bug test
    (``planted`` in its name or its module's), or it carries the marker."""
    return ("monkeypatch" in getattr(item, "fixturenames", ())
            or "planted" in item.nodeid or item.get_closest_marker("interpreted_only") is not None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the interpreted-only tests and the interpreted sample (node-id prefixes, space
    separated, in ``REDSPEC_INTERPRETED_SAMPLE``); a compiled run leaves out the former."""
    sample = os.environ.get("REDSPEC_INTERPRETED_SAMPLE", "").split()
    compiled = os.environ.get("REDSPEC_SPEC_BUILD") == "compiled"
    keep, drop = [], []
    for item in items:
        if interpreted_only(item):
            item.add_marker(pytest.mark.interpreted_only)
            if compiled:
                drop.append(item)
                continue
        if any(item.nodeid.startswith(p) for p in sample):
            item.add_marker(pytest.mark.interpreted_sample)
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionstart(session: pytest.Session) -> None:
    """A run asked for the compiled build must run it, up to date (else it proves nothing)."""
    if os.environ.get("REDSPEC_SPEC_BUILD") != "compiled":
        return
    from redspec.cli.build import spec_build

    build = spec_build()
    if not build.startswith("compiled") or "STALE" in build:
        pytest.exit(f"REDSPEC_SPEC_BUILD=compiled but the spec build is: {build}", returncode=3)
