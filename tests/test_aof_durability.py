"""Nothing acknowledged is lost: ``redspec serve --appendonly yes`` under a write load, killed
with SIGKILL at random moments and restarted on the same directory (``tools/aof_durability.py``,
which also runs the same experiment against redis-server 7.0.15 for the docs' side-by-side
figures: ``make durability``).

- ``appendfsync always``: 20 kills, every acknowledged write is there after each restart.
- ``appendfsync everysec``: the writes a process kill loses are only those whose write to the
  file was postponed behind a running background fsync: acknowledged at most 2 s (the
  postponement limit, at one-second granularity: 3 s) before the kill.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("aof_durability", ROOT / "tools" /
                                                  "aof_durability.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


T = _tool()


def test_always_loses_nothing_acknowledged(tmp_path: Path) -> None:
    res = T.run("redspec", "always", kills=20, seed=7, workdir=tmp_path)
    assert res.kills == 20 and res.acknowledged > 100
    assert res.lost == 0, res.summary()


def test_everysec_loses_at_most_the_postponed_writes(tmp_path: Path) -> None:
    res = T.run("redspec", "everysec", kills=8, seed=11, workdir=tmp_path)
    assert res.kills == 8 and res.acknowledged > 100
    assert all(age <= 3000 for age in res.lost_age_ms), res.summary()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server 7.0.15")
def test_redis_reads_the_directory_after_the_kills(tmp_path: Path) -> None:
    """After the kills (and rewrites killed half way), the directory is still one a real
    7.0.15 accepts: redis-check-aof passes, truncated tail and all."""
    import subprocess

    T.run("redspec", "always", kills=3, seed=3, workdir=tmp_path)
    res = subprocess.run(["redis-check-aof", str(tmp_path / "appendonlydir" /
                                                 "appendonly.aof.manifest")],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
