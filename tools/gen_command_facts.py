#!/usr/bin/env python3
"""Regenerate spec/command_facts.json from a real Redis 7.0 server's COMMAND INFO / COMMAND DOCS.

Usage: python tools/gen_command_facts.py [HOST:PORT]   (default 127.0.0.1:6379)

Only facts are kept: names, arity, flags, key specs, ACL categories, tips, subcommands, and the
DOCS fields other than prose. Each command's one-line summary is *not* copied: redspec writes its
own (spec/command_summaries.py). The replies are fetched in RESP3 so that maps, sets and simple
strings keep their types; JSON encodes them as {"map": [[k, v], ...]}, {"set": [...]},
{"status": "..."}; a plain JSON string is a bulk string, a number an integer.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path


def _read_frame(f):  # a small RESP3 reader, enough for COMMAND's replies
    line = f.readline()
    if not line.endswith(b"\r\n"):
        raise EOFError("connection closed")
    t, rest = line[:1], line[1:-2]
    if t == b"+":
        return {"status": rest.decode()}
    if t == b"-":
        raise RuntimeError(rest.decode())
    if t == b":":
        return int(rest)
    if t == b"$":
        n = int(rest)
        data = f.read(n + 2)[:-2]
        return data.decode()
    if t in (b"*", b"~"):
        items = [_read_frame(f) for _ in range(int(rest))]
        return items if t == b"*" else {"set": items}
    if t == b"%":
        n = int(rest)
        return {"map": [[_read_frame(f), _read_frame(f)] for _ in range(n)]}
    if t == b"_":
        return None
    if t == b"=":
        n = int(rest)
        return f.read(n + 2)[4:-2].decode()
    raise ValueError(f"unexpected frame {line!r}")


def _call(sock, f, *args):
    out = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in map(str.encode, args))
    sock.sendall(out)
    return _read_frame(f)


def main() -> None:
    hostport = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:6379"
    host, port = hostport.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    f = sock.makefile("rb")
    _call(sock, f, "HELLO", "3")
    text = _call(sock, f, "INFO", "server")
    version = next(ln.split(":", 1)[1] for ln in text.splitlines() if ln.startswith("redis_version:"))
    infos = _call(sock, f, "COMMAND", "INFO")
    docs = _call(sock, f, "COMMAND", "DOCS")["map"]
    facts = {"redis_version": version, "info": {}, "docs": {}}
    for entry in infos:
        facts["info"][entry[0]] = entry
    for name, d in docs:
        facts["docs"][name] = _strip_prose(d)
    out = Path(__file__).resolve().parent.parent / "spec" / "command_facts.json"
    out.write_text(json.dumps(facts, indent=0, sort_keys=False) + "\n")
    print(f"wrote {out}: {len(facts['info'])} commands from Redis {version}")


def _strip_prose(d):
    """Drop the summary (prose); recurse into subcommands."""
    pairs = []
    for k, v in d["map"]:
        if k == "summary":
            continue
        if k == "subcommands":
            v = {"map": [[n, _strip_prose(sd)] for n, sd in v["map"]]}
        pairs.append([k, v])
    return {"map": pairs}


if __name__ == "__main__":
    main()
