"""Serve fakeredis over TCP, for the benchmark harness (``bench/run.py`` starts it).

fakeredis ships ``TcpFakeServer`` (a ``socketserver.ThreadingTCPServer``: one thread per
connection over one in-process ``FakeServer``). Its listen backlog is socketserver's default
of 5, so 50 benchmark clients connecting at once overflow the SYN queue and some wait for a
1 s / 3 s retransmit. We raise the backlog to Redis's default (511) so the benchmark measures
command handling, not connection set-up; nothing else is changed.
"""

from __future__ import annotations

import argparse

from fakeredis import TcpFakeServer


class BenchFakeServer(TcpFakeServer):
    """``TcpFakeServer`` with Redis's ``tcp-backlog`` and daemon handler threads."""

    request_queue_size = 511
    daemon_threads = True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    server = BenchFakeServer((args.host, args.port), server_version=(7, 0))
    server.daemon_threads = True  # the base __init__ resets it
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
