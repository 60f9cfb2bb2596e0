"""Replaying a command sequence on a target and comparing what two targets answered.

A *sequence* is a list of steps ``(client, argv)``. A replay opens clients 1..max(client) in
order (RESP3: each sends ``HELLO 3`` first, recorded as step ``HELLO_STEP``), writes each run of
consecutive steps on one client as one pipeline (cut into chunks by a *chunker*: the server
sees requests split at those points), reads that many reply frames, then collects whatever the
other clients received. At the end every open client sends a ``PING`` sentinel (step
``len(steps)``): its reply shows the connection's end state, ``CLOSED`` that the server closed it.

Two kinds of target replay the same way:

- :class:`ServerTarget`: a RESP server over TCP (FLUSHALL on a setup connection first).
- :class:`SpecTarget`: the specification in process: a fresh ``new_server`` state driven by
  the pure transitions ``client_connect`` / ``client_input`` / ``client_wrote`` /
  ``client_disconnect`` (what the reference server does per socket event, with no socket).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from redspec.spec.frames import CLOSED, parse_all
from redspec.spec.resp import encode_request

from .normalise import NORMALISERS, comparator_for
from .rawclient import Conn

__all__ = [
    "HELLO_STEP",
    "Chunker",
    "DiffError",
    "Mismatch",
    "Record",
    "ServerTarget",
    "SpecTarget",
    "Target",
    "compare",
    "normalise_records",
    "parse_hostport",
    "tip_comparators",
    "runs",
    "whole",
]

HELLO_STEP = -1
Steps = Sequence[tuple[int, list[bytes]]]
Chunker = Callable[[bytes], list[bytes]]
Normaliser = Callable[[bytes], bytes]


class DiffError(Exception):
    """A target could not be used (unreachable, cannot be reset)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One received frame: on which client, after which step (``HELLO_STEP``: the HELLO 3
    handshake; ``len(steps)``: the sentinel PING)."""

    conn: int
    step: int
    frame: bytes


def whole(data: bytes) -> list[bytes]:
    """The chunker that writes a pipeline in one piece."""
    return [data]


def runs(steps: Steps, pipeline: bool = True) -> Iterator[tuple[int, list[int]]]:
    """Maximal runs of consecutive steps on the same client: (client, step indexes); with
    ``pipeline=False`` every step is a run of its own (one request, then its reply)."""
    cur: tuple[int, list[int]] | None = None
    for i, (c, _) in enumerate(steps):
        if pipeline and cur is not None and cur[0] == c:
            cur[1].append(i)
        else:
            if cur is not None:
                yield cur
            cur = (c, [i])
    if cur is not None:
        yield cur


#: The control command of a synchronisation round trip (see :func:`sync_rounds` and
#: ``tests/differential/README.md``): an admin command, so MONITOR does not show it; not a
#: write, so CLIENT PAUSE WRITE does not postpone it; it touches no key. Any reply will do.
SYNC_ARGV: tuple[bytes, ...] = (b"CONFIG", b"GET", b"redspec-sync")
#: The parameters the ``admin`` group's CONFIG SET may change, at Redis's defaults: set again
#: before every case (the reply is not checked: a server without CONFIG SET refuses it).
RESET_CONFIG: tuple[str, ...] = ("hash-max-listpack-entries", "512", "hash-max-listpack-value",
                                 "64", "set-max-intset-entries", "512",
                                 "zset-max-listpack-entries", "128", "list-max-listpack-size",
                                 "-2")
#: INFO persistence fields that say a fork child runs or is about to.
_CHILD_BUSY = re.compile(rb"(?:rdb_bgsave_in_progress|aof_rewrite_in_progress|"
                         rb"aof_rewrite_scheduled|module_fork_in_progress):[1-9]")
#: ``PROTO_IOBUF_LEN``: one read event reads at most this much of a client's input.
IOBUF_LEN = 16 * 1024
#: After a synchronisation, a connection that received this much or more since (or holds an
#: incomplete frame) may have more output pending on the server (``NET_MAX_WRITES_PER_EVENT``
#: and full socket buffers cut a write): one more round trip, and look again.
OUT_CHUNK = 16 * 1024


def sync_rounds(unread: int) -> int:
    """How many round trips, one after the other, on a control connection make sure the
    server has read and executed ``unread`` bytes written before the first of them on other
    connections, and written everything that made for anyone: one per ``IOBUF_LEN`` bytes
    (a read event reads at most that much, one event per loop iteration), then one more (the
    replies of one iteration go out together in the next ``beforeSleep``, the control
    connection's possibly first)."""
    return -(-unread // IOBUF_LEN) + 1


def pauses_all(argv: Sequence[bytes]) -> bool:
    """Might this command start a CLIENT PAUSE of every client (the default type ALL)? Then
    a control round trip would wait for the pause to end."""
    return (len(argv) >= 2 and argv[0].lower() == b"client" and argv[1].lower() == b"pause"
            and not (len(argv) >= 4 and argv[3].lower() == b"write"))


def parse_hostport(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or just ``PORT``) as a pair."""
    host, _, port = text.rpartition(":")
    return (host or "127.0.0.1"), int(port)


def _is_sentinel_reply(frame: bytes) -> bool:
    return (
        frame in (b"+PONG\r\n", b"+QUEUED\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        or frame[:1] == b"-"
    )


class Target:
    """Something a sequence can be replayed on."""

    name: str

    def reset(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def replay(self, steps: Steps, proto: int, chunker: Chunker = whole,
               ticks: dict[int, int] | None = None,
               pipeline: bool = True) -> list[Record]:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        """Release connections held between replays."""


class ServerTarget(Target):
    """A RESP server at ``host:port``; a long-lived *setup connection* runs FLUSHALL."""

    def __init__(self, host: str, port: int, name: str | None = None,
                 silent: float = 1.0) -> None:
        self.host, self.port = host, port
        self.name = name or f"{host}:{port}"
        self.silent = silent
        self._setup: Conn | None = None

    def close(self) -> None:
        if self._setup is not None:
            self._setup.close()
            self._setup = None

    def setup_call(self, *argv: bytes | str | int) -> bytes:
        """One command on the setup connection (reconnecting once if it was closed)."""
        for attempt in (0, 1):
            try:
                if self._setup is None:
                    self._setup = Conn(self.host, self.port, silent=self.silent)
                c = self._setup
                c.send(encode_request(list(argv)))
                frames = c.read(1, timeout=10.0)
                if not frames or frames[0] == CLOSED:
                    raise ConnectionError("setup connection closed")
                return frames[0]
            except OSError as e:
                self.close()
                if attempt:
                    raise DiffError(f"{self.name}: {e}") from e
        raise AssertionError("unreachable")

    def _after_round_trip(self, c: Conn) -> list[bytes]:
        """What ``c`` holds once the server has answered a PING on the setup connection,
        sent after ``c``'s last request: a connection that got nothing for ``silent`` seconds is
        blocked (or its client is), not merely slow, only if nothing arrives once the server
        has served a later request — under load a server can be silent for a second (the
        fresh-clone run's vector of "monitor pubsub" lost its closing PONG that way)."""
        self.setup_call("PING")
        return c.read(1, timeout=0.1)

    def reset(self) -> None:
        """FLUSHALL: every case starts from empty databases; SCRIPT FLUSH: and from an empty
        script cache, which FLUSHALL leaves (the reply is not checked: a server without
        scripting refuses it, and its cases never meet a script)."""
        r = self.setup_call("FLUSHALL")
        if r != b"+OK\r\n":
            raise DiffError(f"{self.name}: FLUSHALL replied {r!r}")
        self.setup_call("SCRIPT", "FLUSH")
        self.reset_acl()
        self.setup_call("CONFIG", "SET", *RESET_CONFIG)
        self.wait_no_child()

    def wait_no_child(self, timeout: float = 10.0) -> None:
        """Wait until the server has no fork child (INFO persistence: no BGSAVE, AOF rewrite or
        module fork in progress, no rewrite scheduled). A child left by an earlier case changes
        what the next case observes: while one runs, Redis does not grow its hash tables
        (``updateDictResizePolicy``), so even a script cache's memory in INFO differs. FLUSHALL
        kills an RDB child, but the parent forgets it only when ``checkChildrenDone`` reaps it
        at a later cron."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.setup_call("INFO", "persistence")
            if _CHILD_BUSY.search(r) is None:
                return
            if time.monotonic() >= deadline:
                raise DiffError(f"{self.name}: a background child still runs after {timeout:g} s "
                                "(INFO persistence); the next case would see its effects")
            time.sleep(0.01)

    def reset_acl(self) -> None:
        """Users outlive FLUSHALL: every user but ``default`` is deleted and the ACL LOG
        emptied (replies not checked: a server without ACL refuses both)."""
        r = self.setup_call("ACL", "USERS")
        names = [n.decode("latin-1") for n in re.findall(rb"\$\d+\r\n([^\r]*)\r\n", r)
                 if n != b"default"]
        if names:
            self.setup_call("ACL", "DELUSER", *names)
        self.setup_call("ACL", "LOG", "RESET")

    def databases(self) -> int:
        """The number of databases (CONFIG GET databases; 16 when not served)."""
        r = self.setup_call("CONFIG", "GET", "databases")
        frames = r.split(b"\r\n")
        try:
            return int(frames[-2])
        except (ValueError, IndexError):
            return 16

    def total_keys(self) -> int:
        """Keys over all databases: DBSIZE after SELECT of each (the setup connection goes
        back to db 0)."""
        total = 0
        for i in range(self.databases()):
            if self.setup_call("SELECT", i) != b"+OK\r\n":
                break
            r = self.setup_call("DBSIZE")
            if r[:1] == b":":
                total += int(r[1:-2])
        self.setup_call("SELECT", 0)
        return total

    def served(self, names: Sequence[str]) -> list[str]:
        """Which of ``names`` (``cmd`` or ``cmd|sub``) the server lists in COMMAND INFO."""
        out = []
        for n in names:
            r = self.setup_call("COMMAND", "INFO", n)
            if r[:1] in (b"*",) and r not in (b"*1\r\n*-1\r\n", b"*1\r\n_\r\n"):
                out.append(n)
        return out

    def replay(self, steps: Steps, proto: int, chunker: Chunker = whole,
               ticks: dict[int, int] | None = None, pipeline: bool = True) -> list[Record]:
        """Replay on fresh connections (see the module docstring); ``ticks`` maps a step index
        to milliseconds to wait before it (the clock moving on)."""
        conns: dict[int, Conn] = {}
        recs: list[Record] = []

        def collect(step: int, exclude: int) -> None:
            for n, c in conns.items():
                if n != exclude:
                    recs.extend(Record(n, step, f) for f in c.drain())

        try:
            for n in sorted({c for c, _ in steps} | {1}):
                conns[n] = Conn(self.host, self.port, silent=self.silent)
                if proto == 3:
                    conns[n].send(encode_request([b"HELLO", b"3"]))
                    recs.extend(Record(n, HELLO_STEP, f) for f in conns[n].read(1))
            for n, idxs in runs(steps, pipeline):
                for i in idxs:
                    if ticks and ticks.get(i):
                        time.sleep(ticks[i] / 1000)
                c = conns[n]
                data = b"".join(encode_request(list(steps[i][1])) for i in idxs)
                for k, ch in enumerate(chunker(data)):
                    if not c.send(ch):
                        break
                    c._recv(0)
                    if k % 16 == 15:
                        time.sleep(0.0002)
                frames = c.read(len(idxs))
                recs.extend(
                    Record(n, idxs[min(k, len(idxs) - 1)], f) for k, f in enumerate(frames)
                )
                collect(idxs[-1], n)
            end = len(steps)
            for n, c in conns.items():
                if c.send(encode_request([b"PING"])):
                    while True:
                        got = c.read(1)
                        if not got:
                            got = self._after_round_trip(c)
                        recs.extend(Record(n, end, f) for f in got)
                        if not got or got[-1] == CLOSED or _is_sentinel_reply(got[-1]):
                            break
                else:
                    recs.extend(Record(n, end, f) for f in c.drain())
        except OSError as e:
            raise DiffError(f"{self.name}: connection error during replay: {e!r}") from e
        finally:
            for c in conns.values():
                c.close()
        return recs


    def replay_raw(self, chunks: Sequence[bytes], quiet: float = 0.2,
                   expect_bytes: int = 0, expect_close: bool = False) -> list[bytes]:
        """Write raw bytes (chunks 20 ms apart) on a fresh connection; everything received
        until the server closes the connection or is quiet for ``quiet`` seconds."""
        c = Conn(self.host, self.port, silent=self.silent)
        try:
            for k, chunk in enumerate(chunks):
                if k:
                    time.sleep(0.02)
                c.send(chunk)
            return c.read_quiet(quiet, expect_bytes, expect_close)
        finally:
            c.close()


def wall_ms() -> int:
    return int(time.time() * 1000)


#: The pid the in-process world gives a BGSAVE child (it never forks: see ``_client_input``).
VIRTUAL_CHILD_PID = 1


def _client_input(state: Any, cid: int, data: bytes, now_ms: int) -> tuple[Any, Any]:
    """``client_input`` in a world with no sockets and no disk: every port can be listened
    on (the answer CONFIG SET port asks for, ``spec.listen``), every file write succeeds
    (SAVE, ``spec.persist``) and a BGSAVE's fork gives a child that is never reaped here (no
    serverCron runs in a replay), so a case sees the child running, as a case does on a
    live server right after BGSAVE."""
    from redspec.spec.listen import ListenOutcomeNeeded, with_listen_outcome
    from redspec.spec.persist import (
        ForkOutcomeNeeded,
        SaveOutcomeNeeded,
        with_fork_outcome,
        with_save_outcome,
    )
    from redspec.spec.server import client_input

    while True:
        try:
            return client_input(state, cid, data, now_ms)
        except ListenOutcomeNeeded as need:
            state = with_listen_outcome(state, need.port, True)
        except SaveOutcomeNeeded:
            state = with_save_outcome(state, True)
        except ForkOutcomeNeeded:
            state = with_fork_outcome(state, VIRTUAL_CHILD_PID)


class SpecTarget(Target):
    """The specification in process: each replay starts from ``new_server`` (so no FLUSHALL
    is needed) and feeds the written chunks to ``client_input``.

    ``setup`` is a list of commands a *setup client* (connected first, left open) runs before
    the case, as a TCP harness's setup connection would (it then shows in CLIENT LIST).
    ``clock`` gives the time in unix ms (default: the wall clock, so relative expiries agree
    with a live server); ticks move it on without waiting.
    """

    name = "reference"

    def __init__(self, clock: Callable[[], int] = wall_ms, **config: Any) -> None:
        from redspec.spec import server as S

        self.S = S
        self.clock = clock
        self.config = config

    def reset(self) -> None:
        pass

    def replay(self, steps: Steps, proto: int, chunker: Chunker = whole,
               ticks: dict[int, int] | None = None, pipeline: bool = True,
               setup: Sequence[list[bytes]] = ()) -> list[Record]:
        S = self.S
        skew = 0
        now = lambda: self.clock() + skew  # noqa: E731
        state = S.new_server(now(), **self.config)
        if setup:
            state, sid = S.client_connect(state, now())
            for argv in setup:
                state, _ = _client_input(state, sid, encode_request(list(argv)), now())
                sc = state.clients.get(sid)
                if sc is not None and sc.reply:
                    state = S.client_wrote(state, sid, len(sc.reply))
        cids: dict[int, int] = {}
        closed: set[int] = set()
        recs: list[Record] = []
        partial: dict[int, bytes] = {}

        by_cid: dict[int, int] = {}
        sent: dict[int, list[bytes]] = {}
        to_close: set[int] = set()

        def collect() -> list[tuple[int, bytes]]:
            """Frames every client received since the last call (and closes)."""
            nonlocal state
            got: list[tuple[int, bytes]] = []
            for n, cid in cids.items():
                if n in closed:
                    continue
                c = state.clients.get(cid)
                data = b"".join(sent.pop(n, ()))
                if c is not None and c.reply:  # replies left in the client's buffer
                    data += c.reply
                    state = S.client_wrote(state, cid, len(c.reply))
                if data:
                    frames, rest = parse_all(partial.get(n, b"") + data)
                    partial[n] = rest
                    got.extend((n, f) for f in frames)
                # closed when the spec asked the server to close it (Effects.close): a client
                # marked to close after a reply it never gets (CLIENT REPLY OFF + QUIT) stays
                # connected, as on Redis
                if c is None or (c.closing and cid in to_close):
                    if c is not None:
                        state = S.client_disconnect(state, cid)
                    got.append((n, CLOSED))
                    closed.add(n)
            return got

        def feed(n: int, data: bytes) -> None:
            nonlocal state
            if n in closed:
                return
            state, eff = _client_input(state, cids[n], data, now())
            # beforeSleep's BCAST invalidations (spec.tracking): a live server sends them
            # before it next waits for input, so before any later read
            state, _ = S.tracking_before_sleep(state, now())
            to_close.update(getattr(eff, "close", ()))
            for cid, out in getattr(eff, "output", ()):  # replies handed to the sockets
                m = by_cid.get(cid)
                if m is not None:
                    sent.setdefault(m, []).append(out)

        for n in sorted({c for c, _ in steps} | {1}):
            state, cids[n] = S.client_connect(state, now(), addr=f"127.0.0.1:{40000 + n}")
            by_cid[cids[n]] = n
            if proto == 3:
                feed(n, encode_request([b"HELLO", b"3"]))
                recs.extend(Record(m, HELLO_STEP, f) for m, f in collect())
        for n, idxs in runs(steps, pipeline):
            for i in idxs:
                if ticks and ticks.get(i):
                    skew += ticks[i]
            data = b"".join(encode_request(list(steps[i][1])) for i in idxs)
            k = 0
            for ch in chunker(data):
                feed(n, ch)
                for m, f in collect():
                    if m == n:
                        recs.append(Record(m, idxs[min(k, len(idxs) - 1)], f))
                        k += 1
                    else:
                        recs.append(Record(m, idxs[-1], f))
        end = len(steps)
        for n in list(cids):
            feed(n, encode_request([b"PING"]))
            recs.extend(Record(m, end, f) for m, f in collect())
        return recs


    def replay_raw(self, chunks: Sequence[bytes], setup: Sequence[list[bytes]] = ()
                   ) -> list[bytes]:
        """Feed raw bytes to one fresh client; the frames it received (``CLOSED`` last when
        the spec closed it; an incomplete tail as ``<partial>...``)."""
        S = self.S
        state = S.new_server(self.clock(), **self.config)
        if setup:
            state, sid = S.client_connect(state, self.clock())
            for argv in setup:
                state, _ = _client_input(state, sid, encode_request(list(argv)), self.clock())
        state, cid = S.client_connect(state, self.clock())
        out: list[bytes] = []
        closed = False
        for chunk in chunks:
            state, eff = _client_input(state, cid, chunk, self.clock())
            out.extend(d for c, d in getattr(eff, "output", ()) if c == cid)
            c = state.clients.get(cid)
            if c is not None and c.reply:
                out.append(c.reply)
                state = S.client_wrote(state, cid, len(c.reply))
            if c is None or (c.closing and cid in getattr(eff, "close", ())):
                closed = True
                break
        frames, rest = parse_all(b"".join(out))
        if rest:
            frames.append(b"<partial>" + rest)
        if closed:
            frames.append(CLOSED)
        return frames


@dataclass
class Mismatch:
    """Where two replays first differ: client ``conn``, its ``index``-th frame, ``step``."""

    conn: int
    index: int
    step: int
    a: bytes | None
    b: bytes | None


def normalise_records(steps: Steps, recs: list[Record],
                      norm_for: Callable[[int], Normaliser | None],
                      strict_identity: bool = False) -> list[Record]:
    """Apply each step's comparator to its frames (the HELLO 3 handshake: the id masked, and
    unless ``strict_identity`` the server's name, version and modules too)."""
    hello_norm = NORMALISERS["hello-handshake-strict" if strict_identity else "hello-handshake"]
    out = []
    for r in recs:
        if r.frame == CLOSED:
            fn = None
        elif r.step == HELLO_STEP:
            fn = hello_norm
        elif r.step >= len(steps):
            fn = None
        else:
            fn = norm_for(r.step)
        out.append(Record(r.conn, r.step, fn(r.frame) if fn is not None else r.frame))
    return out


def tip_comparators(steps: Steps, errors: str = "exact") -> Callable[[int], Normaliser | None]:
    """Per-step comparators from the command table's tips and the error mode."""
    cache = [comparator_for(argv, errors) for _, argv in steps]
    return lambda i: cache[i]


def compare(steps: Steps, a: list[Record], b: list[Record],
            norm_for: Callable[[int], Normaliser | None],
            strict_identity: bool = False) -> Mismatch | None:
    """None when, client by client, the normalised frame sequences agree."""
    na = normalise_records(steps, a, norm_for, strict_identity)
    nb = normalise_records(steps, b, norm_for, strict_identity)
    for n in sorted({r.conn for r in na} | {r.conn for r in nb}):
        fa = [r for r in na if r.conn == n]
        fb = [r for r in nb if r.conn == n]
        if [r.frame for r in fa] == [r.frame for r in fb]:
            continue
        k = 0
        while k < min(len(fa), len(fb)) and fa[k].frame == fb[k].frame:
            k += 1
        step = (fa[k] if k < len(fa) else fb[k]).step
        ra = [r for r in a if r.conn == n]
        rb = [r for r in b if r.conn == n]
        return Mismatch(n, k, step, ra[k].frame if k < len(ra) else None,
                        rb[k].frame if k < len(rb) else None)
    return None
