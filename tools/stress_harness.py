"""`make stress-harness`: the differential cases with several connections, many times over,
on busy cores (tests/differential/README.md; not part of `make test`).

Runs ``tests/differential/test_diff.py::test_case_stress`` — every case with a step on a
connection other than 1, in RESP2 and RESP3, in the modes single / pipeline / split, each
``--repeat`` times (``REDSPEC_DIFF_STRESS``) — with ``--busy`` busy-loop processes keeping
the cores busy meanwhile. The busy loops are started here and killed at the end; each also
ends on its own after ``--limit`` seconds, so none outlives a run that was killed.

Usage: ``python tools/stress_harness.py [--repeat 20] [--busy 2] [--jobs 2] [--limit 7200]
[-- pytest args...]``. The exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUSY = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\n" \
       "while time.monotonic() < end:\n    pass\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20, help="repetitions of every run")
    ap.add_argument("--busy", type=int, default=2, help="busy-loop processes")
    ap.add_argument("--jobs", type=int, default=2, help="pytest workers (-n)")
    ap.add_argument("--limit", type=float, default=7200.0,
                    help="seconds after which a busy loop ends on its own")
    ap.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    a = ap.parse_args(argv)

    cmd = [sys.executable, "-m", "pytest", "-q", "-rfE", "tests/differential/test_diff.py",
           "-k", "test_case_stress"]
    if a.jobs > 1:
        cmd += ["-n", str(a.jobs)]
    cmd += a.pytest_args
    env = dict(os.environ, REDSPEC_DIFF_STRESS=str(a.repeat))
    busy = [subprocess.Popen([sys.executable, "-c", BUSY, str(a.limit)],
                             stdin=subprocess.DEVNULL) for _ in range(a.busy)]
    print(f"stress-harness: {a.repeat} repetitions, {a.busy} busy loops "
          f"(pids {' '.join(str(p.pid) for p in busy)}), {a.jobs} workers", flush=True)
    t0 = time.monotonic()
    try:
        rc = subprocess.call(cmd, cwd=ROOT, env=env)
    finally:
        for p in busy:
            p.kill()
        for p in busy:
            p.wait()
    print(f"stress-harness: pytest exit status {rc} after {time.monotonic() - t0:.0f} s "
          f"with {a.busy} busy loops", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
