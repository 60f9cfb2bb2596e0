"""In-process micro benchmark of the command path: a 16-command pipeline through
``spec.server.client_input`` (``readQueryFromClient`` → ``processInputBuffer`` → ``call`` →
the reply buffer) for SET, GET and INCR, in microseconds per command, min of several runs.

Compares builds of the spec side by side (issue 21): each build is a directory holding a
``redspec/spec`` package; every round runs each build once in its own subprocess, in turn
(interleaved, so a busy machine slows them alike), and the report is the min per build and
the ratios to the first build. ``--interpreted`` adds a copy of this checkout's ``spec/``
sources without the compiled modules (the C SipHash kept), and ``--installed`` the package as
installed (with whatever ``make compile`` built). E.g.::

    .venv/bin/python bench/micro_pipeline.py --interpreted --installed --rounds 5
    .venv/bin/python bench/micro_pipeline.py --one     # just this process's build, once
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_700_000_000_000


def measure(batches: int = 2000, repeats: int = 5, cpu: bool = False) -> dict[str, float]:
    """µs per command of each 16-command pipeline, min of ``repeats`` runs of ``batches``
    (wall-clock time, or with ``cpu`` the process's CPU time: on a shared machine the time
    spent waiting for a core is then left out)."""
    from redspec.cli.build import spec_build
    from redspec.spec.resp import encode_request
    from redspec.spec.server import client_connect, client_input, new_server

    state = new_server(NOW)
    state, cid = client_connect(state, NOW)
    pipelines = {
        "SET": [[b"SET", b"key:%d" % i, b"xxx"] for i in range(16)],
        "GET": [[b"GET", b"key:%d" % i] for i in range(16)],
        "INCR": [[b"INCR", b"c:%d" % i] for i in range(16)],
    }

    def run(cmds: list[list[bytes]], n: int) -> float:
        nonlocal state
        payload = b"".join(encode_request(c) for c in cmds)
        clock = time.process_time if cpu else time.perf_counter
        t = clock()
        for i in range(n):
            state, _ = client_input(state, cid, payload, NOW + i)
        return (clock() - t) / (n * len(cmds)) * 1e6

    out: dict[str, float] = {}
    for name, cmds in pipelines.items():
        run(cmds, batches // 7)  # warm up
        out[name] = min(run(cmds, batches) for _ in range(repeats))
    print(json.dumps({"build": spec_build(), "us_per_command": out}), flush=True)
    return out


def interpreted_tree(dest: Path) -> Path:
    """A copy of ``spec/`` without the mypyc-compiled modules, importable as redspec.spec."""
    pkg = dest / "redspec"
    shutil.copytree(ROOT / "spec", pkg / "spec", ignore=lambda d, names: [
        n for n in names if n.endswith(".so") and not n.startswith("_siphash")
        or n == "__pycache__"])
    for sub in ("cli", "reference"):  # cli.build names the build; cli and reference choose it
        shutil.copytree(ROOT / sub, pkg / sub, ignore=shutil.ignore_patterns("__pycache__"))
    (pkg / "__init__.py").write_text("")
    return dest


def run_build(tree: str | None, batches: int, cpu: bool = False) -> dict[str, float]:
    """Run :func:`measure` in a subprocess over ``tree`` (None: the installed package)."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = tree
    res = subprocess.run([sys.executable, __file__, "--one", "--batches", str(batches),
                          *(["--cpu"] if cpu else [])], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"the build at {tree or 'the installed package'} failed:\n{res.stderr}")
    line = json.loads(res.stdout.strip().splitlines()[-1])
    print(f"  {line['build'][:60]:60} "
          + " ".join(f"{k}={v:.2f}" for k, v in line["us_per_command"].items()), flush=True)
    return dict(line["us_per_command"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--one", action="store_true", help="measure this process's build once")
    ap.add_argument("--interpreted", action="store_true",
                    help="a build: this checkout's spec/ sources, interpreted")
    ap.add_argument("--installed", action="store_true",
                    help="a build: the installed package (compiled after `make compile`)")
    ap.add_argument("--tree", action="append", default=[], metavar="LABEL=DIR",
                    help="a build: DIR holds redspec/__init__.py, redspec/spec/, cli/ and reference/")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batches", type=int, default=2000,
                    help="pipelines per timed run (5 timed runs per command per build)")
    ap.add_argument("--json", help="write the per-build minima and ratios here")
    ap.add_argument("--cpu", action="store_true",
                    help="time by process CPU time instead of wall-clock (a shared machine)")
    args = ap.parse_args()
    if args.one:
        measure(args.batches, cpu=args.cpu)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        builds: dict[str, str | None] = {}
        if args.interpreted:
            builds["interpreted"] = str(interpreted_tree(Path(tmp)))
        if args.installed:
            builds["installed"] = None
        for t in args.tree:
            label, _, path = t.partition("=")
            builds[label] = path
        best: dict[str, dict[str, float]] = {}
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds}", flush=True)
            for label, tree in builds.items():
                got = run_build(tree, args.batches, args.cpu)
                prev = best.setdefault(label, got)
                best[label] = {k: min(v, prev[k]) for k, v in got.items()}
    first = next(iter(best))
    report = {label: {"us_per_command": v,
                      "speedup_vs_" + first: {k: round(best[first][k] / x, 2) for k, x in v.items()}}
              for label, v in best.items()}
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
