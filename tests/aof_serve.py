"""``redspec serve --appendonly yes`` for the AOF loading tests, while the configuration
still refuses ``appendonly yes`` (nothing writes the AOF until the AOF core lands): the
same start as ``cli.main.serve`` — options through ``load_config``, the AOF set opened by
``reference.aofload.open_aof_set`` and loaded while serving — with ``appendonly`` set in
the state directly. Once the refusal is lifted the tests can start ``redspec serve``.

Run as ``python tests/aof_serve.py --port N --dir D [--name value ...]``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    from redspec.reference.aofload import open_aof_set
    from redspec.reference.config_file import load_config
    from redspec.reference.server import Clock, LoadError, _say, run
    from redspec.spec.server import new_server

    args = list(argv)
    if "--appendonly" in args:  # the value the state gets below
        i = args.index("--appendonly")
        del args[i : i + 2]
    overrides = load_config(None, args)
    overrides.setdefault("dir", os.getcwd())
    port = int(overrides.get("port", 6379))
    clock = Clock()
    state = new_server(clock.now_ms(), **overrides, appendonly=True)
    try:
        aof = open_aof_set(state, _say)
        return run("127.0.0.1", port, state, clock=clock, aof=aof)
    except LoadError as e:
        print(str(e), file=sys.stderr, flush=True)
        if e.panic:
            os.abort()
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
