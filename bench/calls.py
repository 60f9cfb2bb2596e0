"""Per-command cProfile call counts of the served path (issue 21): a stable measure of the
work per command on a noisy machine, where times are not.

For each command, a 16-deep pipeline of raw RESP bytes goes through
``spec.server.client_input`` (``readQueryFromClient`` → ``processInputBuffer`` → ``call`` →
the reply buffer), as bench/micro_pipeline.py does; after a warm-up, ``--batches`` pipelines
run under cProfile and the total function calls are divided by the commands sent. Against the
compiled build (``make compile``) compiled functions are invisible to cProfile, so the counts
are of the interpreted calls that remain. ``--top N`` prints the N functions with the most
own time per command. E.g.::

    .venv/bin/python bench/calls.py                  # calls/cmd for each command
    .venv/bin/python bench/calls.py --top 15 INCR    # and where INCR's time goes
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys

NOW = 1_700_000_000_000

PIPELINES = {
    "GET": [[b"GET", b"key:%d" % i] for i in range(16)],
    "SET": [[b"SET", b"key:%d" % i, b"xxx"] for i in range(16)],
    "INCR": [[b"INCR", b"c:%d" % i] for i in range(16)],
    "LPUSH": [[b"LPUSH", b"l:%d" % i, b"xxx"] for i in range(16)],
    "HSET": [[b"HSET", b"h:%d" % i, b"f", b"xxx"] for i in range(16)],
}


def profile(name: str, batches: int) -> pstats.Stats:
    """cProfile of ``batches`` pipelines of ``name`` on a fresh server (after a warm-up)."""
    from redspec.spec.resp import encode_request
    from redspec.spec.server import client_connect, client_input, new_server

    state = new_server(NOW)
    state, cid = client_connect(state, NOW)
    payload = b"".join(encode_request(c) for c in PIPELINES[name])
    for i in range(50):  # warm-up: keys exist, caches filled
        state, _ = client_input(state, cid, payload, NOW + i)
    prof = cProfile.Profile()
    prof.enable()
    for i in range(batches):
        state, _ = client_input(state, cid, payload, NOW + 50 + i)
    prof.disable()
    return pstats.Stats(prof)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("commands", nargs="*", default=list(PIPELINES))
    ap.add_argument("--batches", type=int, default=200)
    ap.add_argument("--top", type=int, default=0, help="print the N top functions by own time")
    ap.add_argument("--json", action="store_true", help="one JSON line of calls/cmd")
    args = ap.parse_args()
    from redspec.cli.build import spec_build

    out: dict[str, float] = {}
    for name in args.commands:
        st = profile(name, args.batches)
        ncmd = args.batches * len(PIPELINES[name])
        out[name] = round(st.total_calls / ncmd, 2)  # type: ignore[attr-defined]
        if not args.json:
            print(f"{name:6} {out[name]:7.2f} calls/cmd")
        if args.top:
            rows = sorted(st.stats.items(), key=lambda kv: -kv[1][2])  # type: ignore[attr-defined]
            for (file, line, fn), (_cc, nc, tt, ct, _callers) in rows[:args.top]:
                where = file.rsplit("/", 2)[-2:]
                print(f"    {nc / ncmd:6.2f}/cmd  tot {tt / ncmd * 1e6:6.2f} µs  "
                      f"cum {ct / ncmd * 1e6:6.2f} µs  {'/'.join(where)}:{line} {fn}")
    if args.json:
        print(json.dumps({"build": spec_build(), "calls_per_command": out}))
    else:
        print(f"build: {spec_build()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
