"""Practice transcripts: redis-cli sessions written in a tutorial, replayed against a server.

A transcript (``docs/tutorials/<mechanism>/practice.txt``) is what a learner sees typing into
redis-cli: a prompt line with the command, then the reply as redis-cli prints it on a
terminal (``OK``, ``(integer) 1``, ``(nil)``, ``"value"``, ``(error) ERR ...``, numbered array
lines). Besides:

- ``(2) 127.0.0.1:6379> CMD`` is typed in a second redis-cli (another connection);
- a prompt may carry redis-cli's ``[db]`` and ``(TX)`` marks: they are not checked;
- trailing spaces are not compared;
- ``# sleep MS`` waits (a learner waits too); any other ``#`` line, and a blank line, is prose;
- ``# (2) receives:`` is followed by what terminal 2, subscribed, prints when a message
  arrives (no command is typed);
- after ``CLIENT REPLY OFF`` (until ``CLIENT REPLY ON``) and for ``CLIENT REPLY SKIP`` and the
  command after it, redis-cli waits for no reply and prints nothing; a stray reply would be read
  as the next command's and fail it;
- a command with no reply lines under it (``BLPOP k 0`` that blocks) is sent without waiting;
  what it answers later is written under a ``# (N) receives:`` line; a reply that arrives
  and is never read fails the transcript at its end;
- a SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE prints, as redis-cli does, ``Reading messages...
  (press Ctrl-C to quit)`` and then one confirmation per channel.
- after ``HELLO 3`` replies are RESP3 and printed as redis-cli prints them (``1# "k" => v``
  for a map, ``1~`` for a set); a RESP3 push that arrives before a command's reply is printed
  first, as redis-cli's push handler does: ``-> invalidate: 'k'`` for a tracking
  invalidation, numbered lines for other pushes.

:func:`run` sends each command over its own connection (one per terminal, opened on first use
and again after QUIT), waits for the reply, formats it as redis-cli does
(:func:`format_reply`) and returns every line that differs.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from redspec.spec.frames import Frame, parse_all
from redspec.spec.frames import parse as parse_frame
from redspec.spec.resp import sdscatrepr

__all__ = ["Step", "parse", "format_reply", "split_args", "run"]

PROMPT = re.compile(r"^(?:\((\d+)\)\s+)?127\.0\.0\.1:6379(?:\[\d+\])?(?:\(TX\))?> ?(.*)$")
SLEEP = re.compile(r"^#\s*sleep\s+(\d+)\s*$")
RECEIVES = re.compile(r"^#\s*\((\d+)\)\s*receives:?\s*$")
SUBSCRIBING = (b"SUBSCRIBE", b"PSUBSCRIBE", b"SSUBSCRIBE")
READING = "Reading messages... (press Ctrl-C to quit)"


@dataclass
class Step:
    """One command of a transcript, or a pause."""

    line: int
    terminal: int = 1
    command: str = ""
    expected: list[str] = field(default_factory=list)
    sleep_ms: int = 0
    receive: bool = False  # read what the server pushes to ``terminal``, send nothing


def parse(text: str) -> list[Step]:
    steps: list[Step] = []
    cur: Step | None = None
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        m = PROMPT.match(line)
        if m:
            cur = Step(no, int(m.group(1) or 1), m.group(2).strip())
            steps.append(cur)
            continue
        r = RECEIVES.match(line)
        if r:
            cur = Step(no, int(r.group(1)), receive=True)
            steps.append(cur)
            continue
        s = SLEEP.match(line)
        if s:
            steps.append(Step(no, sleep_ms=int(s.group(1))))
            cur = None
            continue
        if not line or line.startswith("#"):
            cur = None
            continue
        if cur is None:
            raise ValueError(f"line {no}: a reply with no command before it: {line!r}")
        cur.expected.append(line)
    return steps


def split_args(line: str) -> list[bytes]:
    """redis-cli's argument splitting (``sdssplitargs``): spaces separate, "..." with
    backslash escapes (``\\n``, ``\\xHH``, ...) and '...' quote."""
    out: list[bytes] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return out
        cur = bytearray()
        if line[i] in "\"'":
            q = line[i]
            i += 1
            while i < n and line[i] != q:
                hexd = "0123456789abcdefABCDEF"
                if (q == '"' and line[i] == "\\" and i + 3 < n and line[i + 1] == "x"
                        and line[i + 2] in hexd and line[i + 3] in hexd):
                    cur.append(int(line[i + 2:i + 4], 16))  # \xHH
                    i += 4
                    continue
                if q == '"' and line[i] == "\\" and i + 1 < n:
                    i += 1
                    cur += {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b",
                            "a": b"\a"}.get(line[i], line[i].encode())
                else:
                    cur += line[i].encode()
                i += 1
            i += 1  # the closing quote
        else:
            while i < n and not line[i].isspace():
                cur += line[i].encode()
                i += 1
        out.append(bytes(cur))


def _repr(b: bytes) -> str:
    """``sdscatrepr``: a quoted bulk string as redis-cli shows it."""
    return sdscatrepr(b).decode("ascii")


def _multiline(f: Frame) -> bool:
    """``cliIsMultilineValueTTY``: whether a map's value is printed on lines of its own."""
    kids = f.children or []
    if f.kind in (b"*", b"~", b">") and kids:
        return len(kids) > 1 or _multiline(kids[0])
    if f.kind == b"%" and kids:
        return len(kids) > 2 or _multiline(kids[1])
    return False


EMPTY = {b"*": "(empty array)", b"%": "(empty hash)", b"~": "(empty set)", b">": "(empty push)"}
NUMSEP = {b"~": "~", b"%": "#"}


def _aggregate(f: Frame, prefix: str) -> str:
    """``cliFormatReplyTTY`` for an array, map, set or push: numbered entries (``1)``,
    ``1#`` with ``key => value``, ``1~``), nested ones indented under their number."""
    kids = f.children or []
    if not kids:
        return EMPTY[f.kind] + "\n"
    step = 2 if f.kind == b"%" else 1
    count = len(kids) // step
    width = len(str(count))
    inner = prefix + " " * (width + 2)
    sep = NUMSEP.get(f.kind, ")")
    out = []
    for n in range(count):
        entry = f"{prefix if n else ''}{n + 1:>{width}}{sep} " + _tty(kids[n * step], inner)
        if step == 2:
            value = kids[n * step + 1]
            entry = entry[:-1] + " => "
            entry += ("\n" + inner if _multiline(value) else "") + _tty(value, inner)
        out.append(entry)
    return "".join(out)


def _tty(f: Frame, prefix: str) -> str:
    """``cliFormatReplyTTY``: RESP2 replies and the RESP3 types a tutorial shows."""
    if f.kind == b"+":
        return f.head.decode() + "\n"
    if f.kind == b"-":
        return "(error) " + f.head.decode() + "\n"
    if f.kind == b":":
        return f"(integer) {f.head.decode()}\n"
    if f.kind == b"$":
        return "(nil)\n" if f.payload is None else _repr(f.payload) + "\n"
    if f.kind == b"_" or (f.kind == b"*" and f.children is None):
        return "(nil)\n"
    if f.kind in EMPTY:
        return _aggregate(f, prefix)
    if f.kind == b"#":
        return "(true)\n" if f.head == b"t" else "(false)\n"
    return serialise_other(f)


def serialise_other(f: Frame) -> str:
    return f"(unsupported reply type {f.kind.decode()})\n"


def _invalidate(f: Frame) -> str | None:
    """``cliFormatInvalidateTTY``: a RESP3 ``invalidate`` push with a key array is printed as
    ``-> invalidate: 'k1', 'k2'`` (``isInvalidateReply``; a null "every key" is not)."""
    kids = f.children or []
    if (f.kind != b">" or len(kids) != 2 or kids[0].kind != b"$"
            or not (kids[0].payload or b"").startswith(b"invalidate")
            or kids[1].kind != b"*" or kids[1].children is None):
        return None
    keys = ", ".join("'" + (k.payload or b"").split(b"\0")[0].decode("latin-1") + "'"
                     for k in kids[1].children)
    return "-> invalidate: " + keys + "\n"


def format_reply(frame: bytes) -> list[str]:
    """The lines redis-cli prints for one reply (or RESP3 push: ``cliPushHandler``) on a
    terminal, without trailing spaces (a text file keeps none: Redis's unknown-command error
    ends in one)."""
    f = parse_frame(frame)
    text = _invalidate(f) or _tty(f, "")
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def _resp(argv: list[bytes]) -> bytes:
    return b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)


class _Conn:
    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""
        self.reply_mode = "on"  # CLIENT REPLY: on, off, skip (this command), skip-next

    def send(self, argv: list[bytes]) -> None:
        self.sock.sendall(_resp(argv))

    def expects_reply(self, argv: list[bytes]) -> bool:
        """Whether redis-cli waits for a reply to ``argv`` (its CLIENT REPLY handling)."""
        words = [a.upper() for a in argv[:3]]
        if words[:2] == [b"CLIENT", b"REPLY"] and len(words) == 3:
            mode = words[2]
            if mode == b"ON":
                self.reply_mode = "on"
                return True
            self.reply_mode = "off" if mode == b"OFF" else "skip-next"
            return False
        if self.reply_mode == "skip-next":
            self.reply_mode = "on"
            return False
        return self.reply_mode == "on"

    def reply(self, argv: list[bytes]) -> list[str]:
        """Send ``argv`` and print what redis-cli prints: RESP3 pushes that arrive before the
        reply (its push handler writes them first; in a SUBSCRIBE they are the reply), then
        the reply."""
        self.send(argv)
        pushed: list[str] = []
        while True:
            frame = self.read()
            if frame[:1] != b">" or (argv and argv[0].upper() in SUBSCRIBING):
                return pushed + format_reply(frame)
            pushed += format_reply(frame)

    def read(self) -> bytes:
        """The next whole reply (or pushed message) on this connection."""
        while True:
            frames, _ = parse_all(self.buf)
            if frames:
                self.buf = self.buf[len(frames[0]):]
                return frames[0]
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buf += chunk

    def unread(self) -> bytes:
        """Bytes the server sent that no step read."""
        self.sock.setblocking(False)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.buf += chunk
        except BlockingIOError:
            pass
        finally:
            self.sock.setblocking(True)
        return self.buf

    def close(self) -> None:
        self.sock.close()


def run(steps: list[Step], host: str, port: int) -> list[str]:
    """Replay ``steps``; every difference as ``line N: CMD: expected ... got ...``."""
    conns: dict[int, _Conn] = {}
    problems: list[str] = []
    try:
        for st in steps:
            if st.sleep_ms:
                time.sleep(st.sleep_ms / 1000)
                continue
            conn = conns.get(st.terminal)
            if conn is None:
                conn = conns[st.terminal] = _Conn(host, port)
            if st.receive:
                got = format_reply(conn.read())
                if got != st.expected:
                    problems.append(f"line {st.line}: ({st.terminal}) receives: expected "
                                    f"{st.expected!r}, got {got!r}")
                continue
            argv = split_args(st.command)
            waits = conn.expects_reply(argv)
            if waits and not st.expected:  # it blocks: its reply is read later, if at all
                conn.send(argv)
                continue
            if not waits:
                conn.send(argv)
                if st.expected:
                    problems.append(f"line {st.line}: {st.command}: redis-cli prints nothing "
                                    f"here, the text expects {st.expected!r}")
                continue
            got = conn.reply(argv)
            if argv and argv[0].upper() in SUBSCRIBING:  # one confirmation per channel
                got = [READING, *got]
                for _ in argv[2:]:
                    got += format_reply(conn.read())
            if got != st.expected:
                problems.append(f"line {st.line}: {st.command}: expected {st.expected!r}, "
                                f"got {got!r}")
            if argv and argv[0].upper() == b"QUIT":
                conn.close()
                del conns[st.terminal]
        time.sleep(0.05)
        for term, c in sorted(conns.items()):
            left = c.unread()
            if left:
                problems.append(f"({term}): a reply nobody read: {left[:60]!r}")
    finally:
        for c in conns.values():
            c.close()
    return problems


def transcripts(root: Path) -> list[Path]:
    """Every practice transcript under ``root`` (docs/tutorials)."""
    return sorted(root.glob("*/practice*.txt"))
