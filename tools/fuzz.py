"""Fuzzing campaign: ``redspec serve`` against a real ``redis-server`` 7.0.15, frame for frame.

``make fuzz`` (or ``python tools/fuzz.py --frames N``) starts both servers on free loopback
ports and sends them the same byte streams, one *session* (a connection) at a time. A session
is a list of frames of one kind:

- ``valid``: well-formed requests of a command of 7.0.15's table (every command but the few of
  :data:`EXCLUDED`, a random subcommand for containers) with random arguments drawn from a
  vocabulary of keys, numbers, option words and random bytes;
- ``mutated``: valid requests with byte-level mutations (a byte replaced, inserted, deleted, a
  chunk duplicated, the frame cut short, a digit of a declared length changed);
- ``random``: random bytes, biased towards RESP's punctuation;
- ``huge``: declared lengths at and past the limits (``$2147483648``, ``*1048577``,
  ``*2147483648``, ``$536870913``, 64-bit overflows, negative lengths, a 70 KB inline line);
- ``nesting``: arrays nested in arrays (``*1\\r\\n*1\\r\\n...``), which a request may not be;
- ``inline``: inline commands with quotes, escapes, empty lines and unbalanced quotes.

Each session starts with ``FLUSHALL`` (so both servers start it from the same dataset), then
its frames are sent and the write side is shut (a valid session's once the reply to a final
``ECHO`` marker arrived, see :data:`END`): Redis (and redspec) answer what they can parse,
then see the end of the stream and close. So every session must end with the server
closing the connection; a session still open after ``--timeout`` seconds is a *hang*. Before
and after each session a separate control connection sends PING to redspec and must get
``+PONG`` in time (other clients are served throughout; its latency is reported), and the
redspec process must still be running (a *crash* otherwise).

The two reply streams are compared frame by frame. For a session of valid requests that got
one reply per request, each reply is normalised with the comparator of its command
(``reference/diff/normalise.py``: the command table's nondeterminism tips, plus
:data:`SHAPE_ONLY`); otherwise the whole streams are compared byte for byte. A divergent session
is replayed twice on fresh connections: if the two servers then agree, or the replays disagree
with each other, the divergence is counted as *timing* (e.g. a key set with PX 1 expired on one
server and not yet on the other) rather than *real*. Real divergences are listed with their
session bytes (``--json``) so they can be replayed.

Commands never sent (:data:`EXCLUDED`), and why: they stop the server, change the
connection's mode in a way whose output depends on timing, block, touch other connections or
the file system, or change the server's configuration for the sessions after them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from redspec.reference.diff.normalise import comparator_for, normaliser  # noqa: E402
from redspec.spec.frames import parse, parse_all, serialise  # noqa: E402

#: Commands (or ``container|subcommand``) the fuzzer never sends, with the reason.
EXCLUDED: dict[str, str] = {
    "shutdown": "stops the server",
    "monitor": "streams the control connection's PINGs (timing-dependent)",
    "debug": "kept: refused without enable-debug-command; listed for SLEEP/SEGFAULT if enabled",
    "blpop": "blocks (its reply depends on when the end of stream is read)",
    "brpop": "blocks", "brpoplpush": "blocks", "blmove": "blocks", "blmpop": "blocks",
    "bzpopmin": "blocks", "bzpopmax": "blocks", "bzmpop": "blocks",
    "wait": "blocks until replicas acknowledge",
    "client|pause": "pauses every client, the control connection too",
    "client|kill": "could kill the control connection",
    "replicaof": "would make the server a replica of a random address",
    "slaveof": "as replicaof", "failover": "replication", "sync": "turns the connection into a replica",
    "psync": "as sync", "migrate": "opens connections to other servers",
    "save": "writes files", "bgsave": "forks; its reply depends on timing",
    "bgrewriteaof": "forks (AOF)",
    "config|set": "changes the server for the following sessions (port, dir, maxmemory, ...)",
    "acl|setuser": "could disable the default user", "acl|deluser": "as acl|setuser",
    "acl|load": "reads files", "acl|save": "writes files",
    "spop": "removes random members: the datasets of the two servers would differ afterwards",
    "cluster|failover": "cluster", "cluster|reset": "cluster",
    "module|load": "loads code", "module|loadex": "loads code",
    "pfselftest": "a 0.4 s self-test on Redis that takes no input",
}
del EXCLUDED["debug"]  # DEBUG is refused (enable-debug-command no on both): its error is compared

#: Commands whose replies depend on time or randomness beyond the table's tips: compared by
#: shape (type, null-ness, length) only.
SHAPE_ONLY = {
    "ttl", "pttl", "expiretime", "pexpiretime", "object|idletime", "object|freq", "lastsave",
    "time", "memory|usage", "memory|stats", "memory|doctor", "memory|malloc-stats", "info",
    "client|list", "client|info", "client|id", "hello", "slowlog|get", "latency|latest",
    "latency|history", "latency|doctor", "latency|graph", "latency|histogram", "command",
    "command|count", "command|list", "command|docs", "command|info", "lolwut", "randomkey",
    "srandmember", "hrandfield", "zrandmember", "scan", "sscan", "hscan", "zscan", "keys",
    "xadd", "xautoclaim", "xclaim", "xpending", "xinfo|stream", "xinfo|consumers",
    "xinfo|groups", "function|stats", "script|kill", "function|kill", "client|trackinginfo",
    "debug", "role", "dbsize",
}

#: Commands left out of the mutated and inline sessions: their replies are long or
#: depend on the server (COMMAND's table differs while commands are missing).
NOISY = {b"command", b"memory", b"info", b"lolwut"}

#: Replies that differ while redspec lacks commands of 7.0.15's table (docs/status.md's known
#: difference: COMMAND describes only the commands this server serves): not compared.
IGNORED = {"command", "command|count", "command|list", "command|docs", "command|info",
           # what the slow log and the latency monitor hold depends on how long commands took
           "slowlog|get", "slowlog|len", "latency|histogram", "latency|latest",
           "latency|history", "latency|graph", "latency|doctor"}

#: Commands that do not answer a request with exactly one reply (confirmation per channel,
#: none at all, the connection closed): left out of the ``valid`` sessions, whose replies are
#: normalised per request, and sent in the mutated and inline ones (compared byte for byte).
MULTI_REPLY = {"subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe",
               "sunsubscribe", "client|reply", "quit", "client|tracking"}

KEYS = [b"k1", b"k2", b"k3", b"{k}1", b"{k}2"]
WORDS = [
    b"0", b"1", b"-1", b"3", b"10", b"100", b"1000000", b"3.5", b"-2.5", b"1e3", b"inf", b"-inf",
    b"+inf", b"nan", b"", b" ", b"9223372036854775807", b"9223372036854775808",
    b"-9223372036854775809", b"0x10", b"abc", b"v", b"value", b"*", b"#", b"->f", b"k1_*",
    b"NX", b"XX", b"GT", b"LT", b"CH", b"INCR", b"EX", b"PX", b"EXAT", b"PXAT", b"KEEPTTL",
    b"GET", b"WITHSCORES", b"LIMIT", b"COUNT", b"MATCH", b"TYPE", b"BYSCORE", b"BYLEX",
    b"REV", b"(1", b"[a", b"-", b"+", b"$", b">", b"0-1", b"1-1", b"STREAMS", b"MAXLEN", b"~",
    b"=", b"MINID", b"LEFT", b"RIGHT", b"BEFORE", b"AFTER", b"AGGREGATE", b"SUM", b"MIN",
    b"MAX", b"WEIGHTS", b"STORE", b"ALPHA", b"ASC", b"DESC", b"BY", b"nosort", b"FIELDS",
    b"ID", b"ON", b"OFF", b"YES", b"NO", b"ASYNC", b"SYNC", b"RANK", b"MAXLEN", b"IDX",
    b"LEN", b"MINMATCHLEN", b"WITHMATCHLEN", b"FROMMEMBER", b"FROMLONLAT", b"BYRADIUS",
    b"BYBOX", b"m", b"km", b"WITHCOORD", b"WITHDIST", b"WITHHASH", b"ANY", b"STOREDIST",
    b"u8", b"i16", b"#1", b"OVERFLOW", b"WRAP", b"SAT", b"FAIL", b"SET", b"INCRBY", b"BIT",
    b"BYTE", b"AND", b"OR", b"XOR", b"NOT", b"GROUP", b"CREATE", b"MKSTREAM", b"NOACK",
    b"JUSTID", b"IDLE", b"FORCE", b"RETRYCOUNT", b"return 1", b"return redis.call('get',KEYS[1])",
    b"return {1,2,'x'}", b"redis.call('set','k1','x')", b"#!lua name=lib\nredis.register_function('f', function() return 1 end)",
    b"ENCODING", b"REFCOUNT", b"USAGE", b"SAMPLES", b"REPLACE", b"ABSTTL", b"DB", b"COPY",
    b"\x00", b"\xff\xfe", b"a b", b"\"q\"", b"'", b"\r\n", b"\n",
]
#: RESP punctuation and digits for random byte blobs.
RANDOM_ALPHABET = b"*$\r\n0123456789-+:_,#!=%~>|() \"'\\abcxyzPINGSET\x00\xff"

HUGE = [
    b"*1\r\n$2147483648\r\n", b"$2147483648\r\n", b"*1048577\r\n", b"*2147483648\r\n",
    b"*3\r\n$536870913\r\n", b"*1\r\n$18446744073709551617\r\n", b"*99999999999999999999\r\n",
    b"*1\r\n$-5\r\n", b"*-1\r\n", b"*-5\r\n", b"*0\r\n", b"*1\r\n$0\r\n\r\n", b"*1\r\n$x\r\n",
    b"*x\r\n", b"*1\r\n$1 \r\n", b"*1\r\n$+1\r\n", b"*1\r\n$ 1\r\n", b"*1\r\n$01\r\n",
    b"*1\r\n$4\r\nPINGxx", b"*2\r\n$4\r\nECHO\r\n$40000\r\n" + b"a" * 40000 + b"\r\n",
    b"*1\r\n$1048576\r\n", b"*1048576\r\n$4\r\nPING\r\n",
]


def req(argv: list[bytes]) -> bytes:
    """A request as RESP's multibulk encoding."""
    return b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)


def served() -> set[str]:
    """The full names (``name`` or ``container|sub``) redspec's command table serves."""
    from redspec.spec.dispatch import TABLE

    out = set()
    for name, cmd in TABLE.items():
        if cmd.subcommands:
            out |= {f"{name.decode()}|{sub.decode()}" for sub in cmd.subcommands}
        else:
            out.add(name.decode())
    return out


def load_table() -> list[tuple[list[bytes], int]]:
    """7.0.15's command table (``spec/command_facts.json``: its COMMAND INFO) as (name words,
    arity) per command or subcommand, without :data:`EXCLUDED`."""
    facts = json.loads((ROOT / "spec" / "command_facts.json").read_text())["info"]
    out: list[tuple[list[bytes], int]] = []
    for name, row in sorted(facts.items()):
        subs = row[9]["set"] if isinstance(row[9], dict) else row[9]
        if subs:
            for sub in subs:
                full = sub[0]
                if full not in EXCLUDED:
                    out.append(([w.encode() for w in full.split("|")], int(sub[1])))
        elif name not in EXCLUDED:
            out.append(([name.encode()], int(row[1])))
    return out


@dataclass
class Session:
    kind: str
    frames: list[bytes]
    argvs: list[list[bytes] | None]  # the request of each frame when it is a valid one

    def data(self) -> bytes:
        """FLUSHALL, the frames, and for a valid session the end marker (see :data:`END`)."""
        tail = END if self.kind == "valid" else b""
        return req([b"FLUSHALL"]) + b"".join(self.frames) + tail


#: What a valid session ends with: DISCARD (closes a MULTI left open, else an error reply),
#: then ECHO of a marker. The write side is shut only once the marker's reply arrived: a
#: client that half-closes makes Redis free it at once, dropping replies not yet written
#: (64 KB per write event), so without it a long reply would be cut at a timing-dependent
#: point.
MARKER = b"redspec-fuzz-end-of-session"
END = req([b"DISCARD"]) + req([b"ECHO", MARKER])
END_REPLY = b"$%d\r\n%s\r\n" % (len(MARKER), MARKER)


class Generator:
    """Sessions drawn from a seeded PRNG (the same seed gives the same campaign)."""

    KINDS = [("valid", 55), ("mutated", 20), ("inline", 8), ("random", 8), ("huge", 5),
             ("nesting", 4)]

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.table = load_table()
        self.served = served()
        #: what the mutated and inline sessions start from: served commands whose replies
        #: are compared byte for byte
        self.plain = [(w, a) for w, a in self.table
                      if b"|".join(w).decode() in self.served
                      and b"|".join(w).decode() not in SHAPE_ONLY
                      and b"|".join(w).decode() not in IGNORED
                      and b"|".join(w).decode() not in PAIRS_UNORDERED
                      and w[0].decode() not in SHAPE_ONLY and w[0] not in NOISY]
        self.mine = [(w, a) for w, a in self.table if b"|".join(w).decode() in self.served
                     and b"|".join(w).decode() not in MULTI_REPLY]
        self.any = [(w, a) for w, a in self.table if b"|".join(w).decode() not in MULTI_REPLY]
        self.kinds = [k for k, w in self.KINDS for _ in range(w)]

    def arg(self) -> bytes:
        r = self.r
        x = r.random()
        if x < 0.35:
            return r.choice(KEYS)
        if x < 0.9:
            return r.choice(WORDS)
        if x < 0.99:
            return bytes(r.randrange(256) for _ in range(r.randrange(12)))
        return b"x" * r.choice([1000, 20000, 70000])

    def command(self, table: list[tuple[list[bytes], int]] | None = None) -> list[bytes]:
        """A request of a random command with a plausible (sometimes wrong) argument count:
        any of 7.0.15's table (``table``), by default one redspec serves (one in 10 of any)."""
        r = self.r
        if table is None:
            table = self.any if r.random() < 0.1 else self.mine
        words, arity = r.choice(table)
        need = abs(arity) - len(words)
        if arity > 0:
            n = need if r.random() < 0.85 else max(0, need + r.choice([-1, 1]))
        else:
            n = max(0, need + r.choice([-1, 0, 0, 1, 1, 2, 3, 4, 6]))
        argv = [w.upper() if r.random() < 0.7 else w for w in words] + [self.arg() for _ in range(n)]
        if words[0] in (b"xread", b"xreadgroup"):
            argv = [a for a in argv if a.upper() != b"BLOCK"]
        return argv

    def mutate(self, frame: bytes) -> bytes:
        r = self.r
        b = bytearray(frame)
        for _ in range(r.choice([1, 1, 1, 2, 3])):
            if not b:
                break
            op = r.randrange(6)
            i = r.randrange(len(b))
            if op == 0:
                b[i] = r.randrange(256)
            elif op == 1:
                b.insert(i, r.choice(RANDOM_ALPHABET))
            elif op == 2:
                del b[i]
            elif op == 3:
                j = min(len(b), i + r.randrange(1, 8))
                b[i:i] = b[i:j]
            elif op == 4:
                del b[r.randrange(len(b)):]
            else:
                digits = [k for k, c in enumerate(b) if 48 <= c <= 57]
                if digits:
                    b[r.choice(digits)] = r.randrange(48, 58)
        return bytes(b)

    def inline(self) -> bytes:
        r = self.r
        argv = self.command(self.plain)
        parts = []
        for a in argv:
            if r.random() < 0.2:
                parts.append(b'"' + a.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"')
            elif r.random() < 0.05:
                parts.append(b"'" + a)  # unbalanced
            elif r.random() < 0.05:
                parts.append(b'"\\x4' + a + b'"')
            else:
                parts.append(a.replace(b"\r", b"").replace(b"\n", b""))
        end = r.choice([b"\r\n", b"\r\n", b"\n", b"\r\n\r\n"])
        return b" ".join(parts) + end

    def session(self) -> Session:
        r = self.r
        kind = r.choice(self.kinds)
        if kind == "valid":
            argvs: list[list[bytes] | None] = [self.command() for _ in range(r.randrange(10, 41))]
            return Session(kind, [req(a) for a in argvs if a is not None], argvs)
        if kind == "mutated":
            frames = [req(self.command(self.plain)) for _ in range(r.randrange(3, 16))]
            for _ in range(r.choice([1, 1, 2])):
                i = r.randrange(len(frames))
                frames[i] = self.mutate(frames[i])
            return Session(kind, frames, [None] * len(frames))
        if kind == "inline":
            frames = [self.inline() for _ in range(r.randrange(3, 16))]
            return Session(kind, frames, [None] * len(frames))
        if kind == "random":
            frames = [bytes(r.choice(RANDOM_ALPHABET) if r.random() < 0.8 else r.randrange(256)
                            for _ in range(r.randrange(1, 200)))
                      for _ in range(r.randrange(1, 6))]
            return Session(kind, frames, [None] * len(frames))
        if kind == "huge":
            frames = [req(self.command(self.plain)) for _ in range(r.randrange(0, 3))]
            frames.append(r.choice(HUGE) if r.random() < 0.9 else b"x" * 70000)
            frames += [req([b"PING"])] * r.randrange(0, 2)
            return Session(kind, frames, [None] * len(frames))
        depth = r.choice([2, 3, 10, 100, 1000, 10000])
        inner = req([b"PING"]) if r.random() < 0.5 else b""
        frame = b"*1\r\n" * depth + inner
        return Session("nesting", [frame], [None])


# -- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port}")


def start_servers(workdir: Path, redspec_cmd: list[str]) -> tuple[Any, Any, int, int]:
    """redis-server and redspec serve on free ports (no save points, files in ``workdir``)."""
    rport, sport = free_port(), free_port()
    rlog = open(workdir / "redis.log", "wb")  # noqa: SIM115
    slog = open(workdir / "redspec.log", "wb")  # noqa: SIM115
    redis = subprocess.Popen(
        ["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=rlog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=workdir)
    spec = subprocess.Popen(
        redspec_cmd + ["serve", "--port", str(sport), "--save", "", "--dir", str(workdir)],
        stdout=slog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=workdir)
    wait_port(rport, redis)
    wait_port(sport, spec)
    return redis, spec, rport, sport


@dataclass
class Outcome:
    data: bytes = b""
    closed: bool = False  # the server closed the connection (end of stream or reset)
    reset: bool = False
    seconds: float = 0.0


def run_pair(ports: list[int], data: bytes, timeout: float, until: bytes = b""
             ) -> list[Outcome]:
    """Send ``data`` on a new connection to each port at once, shut the write side (once the
    replies end with ``until``, when given), and read until each server closes (or
    ``timeout``)."""
    t0 = time.monotonic()
    socks = []
    for p in ports:
        s = socket.create_connection(("127.0.0.1", p), timeout=timeout)
        s.setblocking(False)
        socks.append(s)
    outs = [Outcome() for _ in ports]
    sent = [0] * len(ports)
    shut = [False] * len(ports)
    got = [bytearray() for _ in ports]
    view = memoryview(data)
    deadline = t0 + timeout
    try:
        while not all(o.closed for o in outs):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            rd = [s for s, o in zip(socks, outs, strict=True) if not o.closed]
            wr = [s for i, (s, o, sh) in enumerate(zip(socks, outs, shut, strict=True))
                  if not sh and not o.closed and sent[i] < len(data)]
            r, w, _ = select.select(rd, wr, [], left)
            for i, s in enumerate(socks):
                if s in w:
                    try:
                        sent[i] += s.send(view[sent[i]:sent[i] + 262144])
                    except (BrokenPipeError, ConnectionResetError):
                        shut[i] = True
                    if sent[i] >= len(data) and not shut[i] and (
                            not until or got[i].endswith(until)):
                        try:
                            s.shutdown(socket.SHUT_WR)
                        except OSError:
                            pass
                        shut[i] = True
                if s in r:
                    try:
                        chunk = s.recv(262144)
                    except ConnectionResetError:
                        outs[i].closed = outs[i].reset = True
                        outs[i].seconds = time.monotonic() - t0
                        continue
                    if chunk:
                        got[i] += chunk
                        if until and not shut[i] and sent[i] >= len(data) and \
                                got[i].endswith(until):
                            try:
                                s.shutdown(socket.SHUT_WR)
                            except OSError:
                                pass
                            shut[i] = True
                    else:
                        outs[i].closed = True
                        outs[i].seconds = time.monotonic() - t0
    finally:
        for s in socks:
            s.close()
    for o, g in zip(outs, got, strict=True):
        o.data = bytes(g)
    return outs


class Control:
    """A separate connection to redspec that must get PONG at every check."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.latencies: list[float] = []

    def ping(self, timeout: float) -> bool:
        t0 = time.monotonic()
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            buf = b""
            while len(buf) < 7:
                chunk = self.sock.recv(64)
                if not chunk:
                    return False
                buf += chunk
        except OSError:
            return False
        self.latencies.append(time.monotonic() - t0)
        return buf == b"+PONG\r\n"


# -- comparing ----------------------------------------------------------------------------------


def _full_name(argv: list[bytes]) -> str:
    name = argv[0].decode("latin-1").lower()
    if len(argv) > 1 and name in CONTAINERS:
        return f"{name}|{argv[1].decode('latin-1').lower()}"
    return name


CONTAINERS = {"client", "config", "object", "memory", "script", "function", "xinfo", "xgroup",
              "command", "acl", "cluster", "latency", "slowlog", "module", "pubsub", "debug"}


#: Name/value replies in the order of a dict Redis seeds at random (CONFIG GET with a glob):
#: compared with their pairs sorted (and ``port``'s value masked: the servers listen on
#: different ports).
PAIRS_UNORDERED = {"config|get"}


def _pairs_sorted(frame: bytes) -> bytes:
    """An array (or map) of name/value pairs with the pairs sorted."""
    try:
        f = parse(frame)
    except (ValueError, IndexError):
        return frame
    if not f.children:
        return frame
    kids = f.children
    pairs = sorted(serialise(kids[i]) + (b"<port>" if kids[i].payload == b"port"
                                         else serialise(kids[i + 1]))
                   for i in range(0, len(kids) - 1, 2))
    return f.kind + f.head + b"\r\n" + b"".join(pairs)


#: ACL LOG entries carry the time since the failure and the failing connection's id, address
#: and buffer sizes. A mutated or inline session can turn any request into ACL LOG (an argument
#: replaced by a word), so every frame of those sessions has them masked, as the valid
#: sessions' ACL LOG replies are (the last fresh-clone run's only divergence: ``age-seconds``
#: 0.09 against 0.091, ``id=1102`` against ``id=1101``).
_ACL_LOG = normaliser("acl-log")


def _norm_frame(argv: list[bytes] | None, frame: bytes) -> bytes:
    if argv is None or not argv:
        return frame
    full = _full_name(argv)
    if full in IGNORED:
        return b"<ignored>"
    if full in PAIRS_UNORDERED:
        return _pairs_sorted(frame)
    if full == "acl|log" and _ACL_LOG is not None:  # no table tip says it varies: it does
        return _ACL_LOG(frame)
    if full in SHAPE_ONLY or full.split("|")[0] in SHAPE_ONLY:
        fn = normaliser("shape")
        assert fn is not None
        if frame.startswith(b"-"):
            return frame
        return fn(frame)
    cmp = comparator_for(argv)
    return cmp(frame) if cmp is not None else frame


_UNSUBSCRIBE_KINDS = {b"unsubscribe", b"punsubscribe", b"sunsubscribe"}


def _unsubscribe_parts(frame: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(kind, channel, count) of an (un)subscription confirmation that ends a subscription."""
    if not frame.startswith((b"*3\r\n", b">3\r\n")):
        return None
    try:
        f = parse(frame)
    except (ValueError, IndexError):
        return None
    kids = f.children
    if len(kids) != 3 or kids[0].payload not in _UNSUBSCRIBE_KINDS:
        return None
    return kids[0].payload, serialise(kids[1]), serialise(kids[2])


def _unsubscribe_runs_sorted(frames: list[bytes]) -> list[bytes]:
    """An UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE without arguments confirms each channel
    in the order of a dict Redis seeds at random: in a run of such confirmations the channel
    names are put in sorted order, the remaining-count of each position kept."""
    out = list(frames)
    i = 0
    while i < len(out):
        first = _unsubscribe_parts(out[i])
        if first is None:
            i += 1
            continue
        j = i
        parts = []
        while j < len(out):
            p = _unsubscribe_parts(out[j])
            if p is None or p[0] != first[0]:
                break
            parts.append(p)
            j += 1
        channels = sorted(p[1] for p in parts)
        for k, (p, ch) in enumerate(zip(parts, channels, strict=True)):
            head = out[i + k][:4]
            out[i + k] = head + serialise(parse(out[i + k]).children[0]) + ch + p[2]
        i = j
    return out


def normalised(sess: Session, out: Outcome, other: Outcome | None = None
               ) -> tuple[list[bytes], bytes]:
    """The session's reply frames (normalised per command when they map one to one on valid
    requests, on both servers: ``other`` is the other server's outcome; ACL LOG entries
    masked in every frame of the other sessions) and the unparsed rest."""
    frames, rest = parse_all(out.data)
    frames = _unsubscribe_runs_sorted(frames)
    if sess.kind != "valid" and _ACL_LOG is not None:
        frames = [_ACL_LOG(f) for f in frames]
    n = len(sess.frames) + 1 + (2 if sess.kind == "valid" else 0)
    if other is not None and len(parse_all(other.data)[0]) != n:
        return frames, rest
    if sess.kind == "valid" and len(frames) == n:
        frames = [frames[0]] + [_norm_frame(a, f) for a, f in zip(sess.argvs, frames[1:-2],
                                                                    strict=True)] + frames[-2:]
    return frames, rest


def agree(sess: Session, a: Outcome, b: Outcome) -> bool:
    fa, ra = normalised(sess, a, b)
    fb, rb = normalised(sess, b, a)
    if a.reset or b.reset or ra or rb:
        # a reset may drop bytes still in flight, and a half-closed connection loses the
        # replies not yet written (a cut at a timing-dependent point): compare what both got
        n = min(len(fa), len(fb))
        return fa[:n] == fb[:n]
    return fa == fb and ra == rb


def unserved_at(sess: Session, a: Outcome, b: Outcome, have: set[str]) -> str | None:
    """The command redspec does not serve that a divergence of a valid session is due to:
    the first differing reply's request when replies map one to one on requests, else any
    such request of the session; None when the session has none."""
    if sess.kind != "valid":
        return None
    names = [_full_name(x) if x else "" for x in sess.argvs]

    def missing(n: str) -> bool:
        if n.startswith("command|") and n.split("|")[1] in TABLE_NAMES:
            return n.split("|")[1] not in have
        return bool(n) and n not in have and n.split("|")[0] not in have

    for i, x in enumerate(sess.argvs):  # COMMAND GETKEYS / INFO / DOCS naming such a command
        if x and names[i].startswith("command|") and len(x) > 2 and missing(
                x[2].decode("latin-1").lower()):
            names[i] = "command|" + x[2].decode("latin-1").lower()

    fa, _ = normalised(sess, a, b)
    fb, _ = normalised(sess, b, a)
    if len(fa) == len(fb) == len(sess.argvs) + 3:
        first = next(i for i, (x, y) in enumerate(zip(fa, fb, strict=False)) if x != y) if fa != fb else 0
        if first >= 1 and missing(names[first - 1]):
            return names[first - 1].split("|")[0] if "|" not in names[first - 1] \
                else names[first - 1]
        if first >= 1:
            return None
    return next((n for n in names if missing(n)), None)


TABLE_NAMES = {n for n in json.loads((ROOT / "spec" / "command_facts.json").read_text())["info"]}


def _first_difference(a: Outcome, b: Outcome) -> tuple[bytes, bytes]:
    fa, ra = parse_all(a.data)
    fb, rb = parse_all(b.data)
    for x, y in zip(fa, fb, strict=False):
        if x != y:
            return x, y
    n = min(len(fa), len(fb))
    return (fa[n] if n < len(fa) else ra), (fb[n] if n < len(fb) else rb)


def unserved_reply(a: Outcome, b: Outcome, have: set[str]) -> str | None:
    """A divergence where redspec called a command of 7.0.15's table unknown: the command
    (in sessions whose replies are compared as a whole)."""
    _, y = _first_difference(a, b)
    if y.startswith(b"-ERR unknown command '"):
        name = y[len(b"-ERR unknown command '"):].split(b"'", 1)[0].decode("latin-1").lower()
        if name in TABLE_NAMES and name not in have:
            return name
    if y.startswith(b"-ERR unknown subcommand '"):
        return "subcommand"
    return None


def read_size_dependent(a: Outcome, b: Outcome) -> bool:
    """A line longer than ``PROTO_INLINE_MAX_SIZE`` (64 KB): whether Redis calls it too big
    depends on where its 16 KB reads cut the stream (it checks only when a read brought no
    terminator); the spec fixes the answer independently of the cuts (spec/resp.py): the
    terminator must come within 65537 bytes."""
    x, y = _first_difference(a, b)
    return b"too big" in x or b"too big" in y


@dataclass
class Stats:
    frames: int = 0
    sessions: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    crashes: int = 0
    hangs: list[dict[str, Any]] = field(default_factory=list)
    redis_hangs: int = 0
    control_failures: int = 0
    divergences: list[dict[str, Any]] = field(default_factory=list)
    timing: int = 0
    read_size: int = 0
    unserved: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _show(b: bytes, n: int = 600) -> str:
    s = repr(b)
    return s if len(s) <= n else s[:n] + f"... ({len(b)} bytes)"


def campaign(frames: int, seed: int, timeout: float, redspec_cmd: list[str],
             progress: bool, keep_divergences: int = 200, skip: int = 0) -> Stats:
    workdir = Path(tempfile.mkdtemp(prefix="redspec-fuzz-"))
    redis, spec, rport, sport = start_servers(workdir, redspec_cmd)
    gen = Generator(seed)
    skipped = 0
    while skipped < skip:  # the same sessions as a run from the start, minus the first ones
        skipped += len(gen.session().frames)
    st = Stats()
    ctl = Control(sport)
    t0 = time.monotonic()
    bar: Any = None
    if progress:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )
        bar = Progress(TextColumn("fuzz"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[status]}"), TimeRemainingColumn())
        bar.start()
        task = bar.add_task("fuzz", total=frames, status="")
    try:
        while st.frames < frames:
            sess = gen.session()
            data = sess.data()
            until = END_REPLY if sess.kind == "valid" else b""
            a, b = run_pair([rport, sport], data, timeout, until)
            st.sessions += 1
            st.frames += len(sess.frames)
            st.by_kind[sess.kind] = st.by_kind.get(sess.kind, 0) + len(sess.frames)
            if spec.poll() is not None:
                st.crashes += 1
                st.divergences.append({"kind": "crash", "session": _show(data, 4000)})
                break
            if not b.closed:
                st.hangs.append({"kind": sess.kind, "session": _show(data, 4000),
                                 "redis_closed": a.closed})
            if not a.closed:
                st.redis_hangs += 1
            if not ctl.ping(timeout):
                st.control_failures += 1
                ctl = Control(sport)
            if a.closed and b.closed and not agree(sess, a, b):
                missing = unserved_at(sess, a, b, gen.served)
                if missing is None:
                    missing = unserved_reply(a, b, gen.served)
                if missing is not None:
                    st.unserved[missing] = st.unserved.get(missing, 0) + 1
                    continue
                if read_size_dependent(a, b):
                    st.read_size += 1
                    continue
                real = True
                runs = [run_pair([rport, sport], data, timeout, until) for _ in range(2)]
                if any(agree(sess, x, y) for x, y in runs) or \
                        not agree(sess, runs[0][1], runs[1][1]):
                    real = False
                if real:
                    fa, ra = normalised(sess, a, b)
                    fb, rb = normalised(sess, b, a)
                    first = next((i for i, (x, y) in enumerate(zip(fa, fb, strict=False)) if x != y),
                                 min(len(fa), len(fb)))
                    if len(st.divergences) < keep_divergences:
                        st.divergences.append({
                            "kind": sess.kind, "session": _show(data, 4000),
                            "request": (_show(b" ".join(sess.argvs[first - 1] or []))
                                        if sess.kind == "valid" and 0 < first <= len(sess.argvs)
                                        else None),
                            "redis": _show(fa[first] if first < len(fa) else ra),
                            "redspec": _show(fb[first] if first < len(fb) else rb),
                        })
                    else:
                        st.divergences.append({"kind": sess.kind})
                else:
                    st.timing += 1
            if bar is None and st.sessions % 5000 == 0:  # a line now and then in logs
                print(f"fuzz: {st.frames} frames, {len(st.divergences)} divergences, "
                      f"{len(st.hangs)} hangs, {st.crashes} crashes, "
                      f"{time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
            if bar is not None:
                bar.update(task, completed=min(st.frames, frames),
                           status=f"div {len(st.divergences)} hang {len(st.hangs)} "
                                  f"crash {st.crashes}")
    finally:
        st.seconds = time.monotonic() - t0
        if bar is not None:
            bar.stop()
        for p in (redis, spec):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    lat = sorted(ctl.latencies)
    st.control_latency = {  # type: ignore[attr-defined]
        "pings": len(lat),
        "p50_ms": round(1000 * lat[len(lat) // 2], 3) if lat else None,
        "p99_ms": round(1000 * lat[int(len(lat) * 0.99)], 3) if lat else None,
        "max_ms": round(1000 * lat[-1], 3) if lat else None,
    }
    return st


def summary(st: Stats, seed: int) -> dict[str, Any]:
    by_cmd: dict[str, int] = {}
    for d in st.divergences:
        key = d.get("request") or d["kind"]
        if d.get("request"):
            key = d["request"].strip("b'\"").split(" ")[0].lower()
        by_cmd[key] = by_cmd.get(key, 0) + 1
    return {
        "seed": seed, "frames": st.frames, "sessions": st.sessions, "by_kind": st.by_kind,
        "seconds": round(st.seconds, 1),
        "frames_per_second": round(st.frames / st.seconds) if st.seconds else None,
        "crashes": st.crashes, "hangs": len(st.hangs), "redis_hangs": st.redis_hangs,
        "control_failures": st.control_failures,
        "control_ping": getattr(st, "control_latency", {}),
        "divergences": len(st.divergences), "divergences_by_command": by_cmd,
        "timing_divergences": st.timing,
        "unserved_divergences": sum(st.unserved.values()),
        "read_size_dependent": st.read_size,
        "unserved_by_command": dict(sorted(st.unserved.items())),
        "excluded_commands": EXCLUDED, "ignored": sorted(IGNORED),
        "shape_only": sorted(SHAPE_ONLY),
        "divergence_examples": [d for d in st.divergences if "session" in d][:200],
        "hang_examples": st.hangs[:20],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=1_000_000,
                    help="frames to send (default 10^6; a session's frames all count)")
    ap.add_argument("--seed", type=int, default=1,
                    help="the PRNG seed: the same seed sends the same sessions")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds a session may take before it counts as a hang")
    ap.add_argument("--json", dest="json_path", help="write the summary here ('-': stdout)")
    ap.add_argument("--no-progress", action="store_true",
                    help="no rich progress bar (it is shown only on a terminal anyway)")
    ap.add_argument("--skip", type=int, default=0,
                    help="generate but do not send the sessions of the first SKIP frames "
                         "(to look at a later part of a seed's campaign)")
    ap.add_argument("--redspec", default=None,
                    help="the redspec command (default: the venv's redspec)")
    ns = ap.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server is not installed", file=sys.stderr)
        return 2
    exe = Path(sys.executable).parent / "redspec"
    cmd = ns.redspec.split() if ns.redspec else (
        [str(exe)] if exe.exists() else [sys.executable, "-m", "redspec.cli.main"])
    st = campaign(ns.frames, ns.seed, ns.timeout, cmd,
                  progress=not ns.no_progress and sys.stderr.isatty(), skip=ns.skip)
    out = summary(st, ns.seed)
    text = json.dumps(out, indent=2)
    if ns.json_path == "-":
        print(text)
    elif ns.json_path:
        Path(ns.json_path).write_text(text + "\n")
    brief = {k: out[k] for k in ("frames", "sessions", "seconds", "frames_per_second",
                                 "crashes", "hangs", "redis_hangs", "control_failures",
                                 "divergences", "timing_divergences", "unserved_divergences",
                                 "read_size_dependent",
                                 "control_ping")}
    print(json.dumps(brief), file=sys.stderr)
    bad = st.crashes or st.hangs or st.control_failures or st.divergences
    return 1 if bad else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
