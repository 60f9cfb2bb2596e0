"""The differential harness: replay a case against two servers and compare raw reply frames.

A *case* is a name and a sequence of steps; a step is an argv (``list[bytes | str | int]``)
whose first element may be ``"@N"``: send on connection N (default connection 1). Before every
replay the target is reset with FLUSHALL on a long-lived *setup connection*, then the case opens
fresh connections 1..max(N) in order (RESP3: ``HELLO 3`` first on each, its reply compared with
the client id masked).

Modes (the replies must be the same in all of them):

- ``single``: one command written, its reply read, then the next command.
- ``pipeline``: each run of consecutive steps on one connection written in one ``send``.
- ``split``: the pipelined bytes written in chunks: one byte at a time for short runs, at
  random (seeded) boundaries for long ones.

What a replay records, per connection, is every frame received, in order, each attributed to
a step, plus the reply to a final ``PING`` sentinel (shows the connection's end state) and
``<closed>`` when the server closed the connection.

In a case with several connections the harness never lets one connection act before the
server has executed what another one sent: whenever the next run goes to a different
connection (and after the last run), it makes control round trips on the setup connection
(``Target.sync``: ``CONFIG GET``, which MONITOR does not show and CLIENT PAUSE WRITE does not
postpone) and then takes every frame that has arrived on every connection: on the run's
connection the k-th frame is the run's k-th step's, on the others the run's last step's.
Why that is enough (Redis's event loop, TCP on loopback), and its exceptions (blocked and
postponed commands, CLIENT PAUSE ALL), is argued in ``tests/differential/README.md``.

Without a synchronisation (a case with one connection; consecutive steps on one connection in
``single`` mode; after a CLIENT PAUSE ALL) a run's replies are read by counting frames:
each frame is attributed to the step that was last sent when it was read. Steps that
produce no reply (CLIENT REPLY OFF, a blocked command) are then detected by a quiet timeout
(``REDSPEC_DIFF_SILENT`` seconds, default 2.0); a synchronised run waits like that only for a
reply still missing after its round trips. A step known to produce no reply when sent (a
command that blocks, or one pipelined behind it) can say so with a ``~`` after its connection
marker (``"@1~"``): then no reply is waited for (unsynchronised: only ``REDSPEC_DIFF_QUIET``
seconds, default 0.05, are spent checking that nothing came), and its run's frames are
attributed to the run's other steps in order.

A step marked ``&`` after its connection marker (``"@3&"``; with ``~`` too: ``"@3~&"``) is
*not waited for*: it is written (in the pipelined modes: its run, which it ends) and the next
step (run) is written on its connection right behind it, before the replies to the ``&`` step
are read; then the replies are read, the ``&`` step's first. So two requests on different
connections can reach the server back to back, in a known order, in every mode — e.g. an EXEC
and the LPUSH that would invalidate its WATCH, which Redis then processes in the order they
arrived (see ``cases_multi.py``: "exec before a later lpush on a lower fd"). A ``&`` step must
be followed by a step on another connection.

Normalisers (``normalise.py``) come from the case module's ``NONDETERMINISTIC``: ``{"case name":
"sort"}`` applies to every reply of the case, ``{"case name": {2: "sort"}}`` to the frames of
step 2 (0-based index into the case's steps); a list of names applies several in order. In the
pipelined modes the k-th frame of a run is attributed to the k-th step of the run, which is exact
unless a step replies with no frame or several (CLIENT REPLY, SUBSCRIBE): per-step normalisers
in such cases should sit on steps whose position is not shifted.

After a case that ran CONFIG, the parameters it changed are set back (``CONFIG GET *`` before /
after); a target that cannot be reset (FLUSHALL not served, or refused) is restarted.

``RAW_CASES`` are raw byte strings (or lists of chunks, sent 20 ms apart) written on a fresh
connection; everything received until the
server closes the connection or is quiet for 200 ms is compared.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redspec.reference.diff.normalise import hello as hello_norm
from redspec.reference.diff.normalise import normaliser
from redspec.reference.diff.rawclient import SILENT, Conn  # noqa: F401 (re-exported)
from redspec.reference.diff.replay import (
    OUT_CHUNK,
    SYNC_ARGV,
    Record,
    _is_sentinel_reply,
    pauses_all,
    runs,
    sync_rounds,
)
from redspec.spec.frames import CLOSED
from redspec.spec.resp import encode_request

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

RAW_QUIET = float(os.environ.get("REDSPEC_DIFF_RAW_QUIET", "0.2"))
QUIET = float(os.environ.get("REDSPEC_DIFF_QUIET", "0.05"))  # for steps marked "@N~"
SHORT_SPLIT = 512  # runs up to this many bytes are split at every byte boundary
MODES = ("single", "pipeline", "split")
HELLO_STEP = -1  # step index of the RESP3 HELLO frames

Normaliser = Callable[[bytes], bytes]


class HarnessError(Exception):
    """The harness could not run a replay (a target is down or cannot be reset)."""


# --------------------------------------------------------------------------- targets


@dataclass
class Target:
    """A server to replay against. ``restart`` (optional) restarts it on the same port."""

    name: str
    host: str
    port: int
    restart: Callable[[], None] | None = None
    alive: Callable[[], bool] | None = None
    _setup: Conn | None = field(default=None, repr=False)
    no_flushall: bool = False
    config_touched: bool = False
    _baseline: dict[bytes, bytes] | None = field(default=None, repr=False)

    def ensure(self) -> None:
        """Restart the server if its process died (a crash fails one case, not the rest)."""
        if self.alive is not None and not self.alive() and self.restart is not None:
            self.drop_setup()
            self.restart()

    def drop_setup(self) -> None:
        if self._setup is not None:
            self._setup.close()
            self._setup = None

    def setup_call(self, *argv: bytes | str | int) -> bytes:
        """One command on the setup connection (reconnecting once if it was closed)."""
        for attempt in (0, 1):
            try:
                if self._setup is None:
                    self._setup = Conn(self.host, self.port)
                c = self._setup
                c.send(encode_request(list(argv)))
                frames = c.read(1, timeout=10.0)
                if not frames or frames[0] == CLOSED:
                    raise ConnectionError("setup connection closed")
                return frames[0]
            except OSError:
                self.drop_setup()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def reset(self, settle_clients: bool) -> None:
        """FLUSHALL on the setup connection; optionally wait until it is the only client.

        If the target does not serve FLUSHALL yet and can be restarted, restart it instead.
        """
        self.ensure()
        if self.no_flushall and self.restart is not None:
            self.drop_setup()
            self.restart()
            return
        try:
            r = self.setup_call("FLUSHALL")
        except OSError as e:
            raise HarnessError(f"{self.name}: cannot reach {self.host}:{self.port}: {e}") from e
        if r != b"+OK\r\n":
            # Not served yet, or a case left the server unusable (e.g. a password set and
            # the setup connection killed): start afresh when we can.
            if self.restart is None:
                raise HarnessError(f"{self.name}: FLUSHALL replied {r!r}")
            self.no_flushall = b"unknown command" in r
            self.config_touched = False
            self.drop_setup()
            self.restart()
            return
        if self.config_touched:
            self.restore_config()
        if settle_clients:
            self.settle()

    def config(self) -> dict[bytes, bytes] | None:
        """CONFIG GET * as a dict (None if the target does not serve it)."""
        r = self.setup_call("CONFIG", "GET", "*")
        if r[:1] not in (b"*", b"%"):
            return None
        from tests.differential.normalise import parse

        ch = parse(r).children or []
        return {
            ch[i].payload or b"": ch[i + 1].payload or b"" for i in range(0, len(ch) - 1, 2)
        }

    def note_config(self) -> None:
        """Remember the configuration before the first case that changes it."""
        if self._baseline is None:
            self._baseline = self.config() or {}
        self.config_touched = True

    def restore_config(self) -> None:
        """Put back configuration parameters a case changed (even one that failed midway)."""
        self.config_touched = False
        now = self.config()
        if not now or not self._baseline:
            return
        for k, v in now.items():
            if k in self._baseline and self._baseline[k] != v:
                self.setup_call("CONFIG", "SET", k, self._baseline[k])

    def sync(self, unread: int = 0, reconnect: bool = False) -> bool:
        """Control round trips on the setup connection (see ``README.md`` here): when this
        returns True, the server has read and executed everything written on any connection
        before the call (``unread``: how many bytes of it were written since the last sync)
        and written every reply and push it made.

        False when the setup connection turns out closed (a case's CLIENT KILL): it is not
        reconnected then, unless ``reconnect``, since commands still in flight could see the
        new connection (in CLIENT LIST, or killed by them)."""
        cmd = encode_request(list(SYNC_ARGV))
        for _ in range(sync_rounds(unread)):
            if self._setup is None:
                if not reconnect:
                    return False
                self._setup = Conn(self.host, self.port)
            c = self._setup
            got = c.read(1, timeout=10.0) if c.send(cmd) else c.drain()
            if c.closed or CLOSED in got:
                self.drop_setup()  # a reply before the close still counts
            if not got or got[0] == CLOSED:
                if not c.closed:
                    raise ConnectionError(f"{self.name}: no reply to a control round trip")
                if not reconnect:
                    return False
                raise ConnectionError(f"{self.name}: the control connection closed at once")
        return True

    def settle(self, timeout: float = 2.0) -> None:
        """Wait until the connections of earlier replays are gone (CLIENT LIST has one line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.setup_call("CLIENT", "LIST")
            if r[:1] not in (b"$", b"="):
                return  # CLIENT LIST not served: nothing to wait on
            body = r.split(b"\r\n", 1)[1][:-2]
            if body.count(b"\n") <= 1:  # only the setup connection's line
                return
            time.sleep(0.005)


# --------------------------------------------------------------------------- connections


# --------------------------------------------------------------------------- cases


Arg = bytes | str | int


def _b(a: Arg) -> bytes:
    return a if isinstance(a, bytes) else str(a).encode()


@dataclass
class Case:
    """One command sequence: ``steps`` are (connection number, argv as bytes)."""

    module: str
    name: str
    steps: list[tuple[int, list[bytes]]]
    norms: dict[int, Normaliser] = field(default_factory=dict)
    norm_all: Normaliser | None = None
    #: Steps marked ``"@N~"``: expected to produce no reply when sent (they block).
    quiet: set[int] = field(default_factory=set)
    #: Steps marked ``"@N&"``: the next step is written before their replies are read.
    nowait: set[int] = field(default_factory=set)

    @property
    def id(self) -> str:
        return f"{self.module}:{self.name}"

    def norm_for(self, step: int) -> Normaliser | None:
        return self.norms.get(step, self.norm_all)

    @property
    def connections(self) -> list[int]:
        return sorted({c for c, _ in self.steps} | {1})

    def touches_config(self) -> bool:
        """Does the case run CONFIG (so the configuration is restored after it)?"""
        return any(argv and argv[0].lower() == b"config" for _, argv in self.steps)

    def touches_clients(self) -> bool:
        """Does the case look at the connection list (so earlier connections must be gone)?"""
        names = {argv[0].lower() for _, argv in self.steps if argv}
        return bool(names & {b"client", b"info"})


def make_case(
    module: str, name: str, steps: Iterable[Sequence[Arg]], nondet: Any = None
) -> Case:
    """Build a Case from the data form used in ``cases_*.py`` modules."""
    parsed: list[tuple[int, list[bytes]]] = []
    quiet: set[int] = set()
    nowait: set[int] = set()
    for raw in steps:
        argv = [_b(a) for a in raw]
        conn = 1
        number = argv[0][1:].rstrip(b"~&") if argv and argv[0].startswith(b"@") else b""
        if number.isdigit():
            flags = argv[0][1 + len(number):]  # "~" (quiet), "&" (not waited for)
            if b"~" in flags:
                quiet.add(len(parsed))
            if b"&" in flags:
                nowait.add(len(parsed))
            conn = int(number)
            argv = argv[1:]
        parsed.append((conn, argv))
    for i in nowait:
        if i + 1 >= len(parsed) or parsed[i + 1][0] == parsed[i][0]:
            raise ValueError(f"case {name!r}: step {i} is marked '&' but the next step is not "
                             "on another connection")
    case = Case(module, name, parsed, quiet=quiet, nowait=nowait)
    if isinstance(nondet, dict):
        for k, v in nondet.items():
            fn = normaliser(v)
            if fn is not None:
                case.norms[int(k)] = fn
    elif nondet is not None:
        case.norm_all = normaliser(nondet)
    return case


@dataclass
class RawCase:
    module: str
    name: str
    chunks: list[bytes]

    @property
    def id(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass
class Discovered:
    cases: list[Case] = field(default_factory=list)
    raw_cases: list[RawCase] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (module, traceback)


def _import(path: Path, in_package: bool) -> Any:
    """Import a cases module (as part of ``tests.differential`` when it lives here)."""
    if in_package:
        return importlib.import_module(f"tests.differential.{path.stem}")
    spec = importlib.util.spec_from_file_location(f"_cases_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def discover(directory: Path = HERE) -> Discovered:
    """Import every ``cases_*.py`` module next to this file and collect its cases.

    A module that fails to import, or holds malformed data, becomes an error entry (reported
    as a failing test) instead of breaking collection.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    out = Discovered()
    for path in sorted(directory.glob("cases_*.py")):
        modname = path.stem
        try:
            mod = _import(path, directory == HERE)
            nondet = getattr(mod, "NONDETERMINISTIC", {}) or {}
            names = set()
            for entry in getattr(mod, "CASES", []):
                name, steps = entry[0], entry[1]
                if name in names:
                    raise ValueError(f"duplicate case name {name!r}")
                names.add(name)
                out.cases.append(make_case(modname, name, steps, nondet.get(name)))
            unknown = set(nondet) - names
            if unknown:
                raise ValueError(f"NONDETERMINISTIC names unknown cases: {sorted(unknown)}")
            for entry in getattr(mod, "RAW_CASES", []):
                name, data = entry[0], entry[1]
                chunks = [_b(data)] if isinstance(data, bytes | str) else [_b(c) for c in data]
                out.raw_cases.append(RawCase(modname, name, chunks))
        except Exception:
            out.errors.append((modname, traceback.format_exc()))
    return out


# --------------------------------------------------------------------------- replay


def default_chunks(data: bytes, rng: random.Random) -> list[bytes]:
    """Split points for ``split`` mode: every byte for short data, random otherwise."""
    if len(data) <= SHORT_SPLIT:
        return [data[i : i + 1] for i in range(len(data))]
    out = []
    i = 0
    while i < len(data):
        n = rng.randint(1, 64)
        out.append(data[i : i + n])
        i += n
    return out


def _with_ids(case: Case, conns: dict[int, Conn]) -> list[tuple[int, list[bytes]]]:
    """The case's steps with each argument ``{id@N}`` replaced by connection N's client id
    (asked with CLIENT ID before the first step; that exchange is not recorded)."""
    if not any(a.startswith(b"{id@") for _, argv in case.steps for a in argv):
        return case.steps
    ids: dict[bytes, bytes] = {}
    for n, c in conns.items():
        c.send(encode_request([b"CLIENT", b"ID"]))
        got = c.read(1)
        ids[b"{id@%d}" % n] = got[0][1:-2] if got and got[0][:1] == b":" else b"-1"
    return [(n, [ids.get(a, a) for a in argv]) for n, argv in case.steps]


def _send_chunks(conn: Conn, chunks: list[bytes]) -> None:
    """Write chunk by chunk, pulling in replies between chunks: once the server closes the
    connection, bytes written after the close make it answer with a reset, and a reset
    discards replies still waiting in the kernel; replies already read are safe."""
    for k, ch in enumerate(chunks):
        if not conn.send(ch):
            return
        conn._recv(0)
        if k % 16 == 15:
            time.sleep(0.0002)  # let the server read some fragments on their own


def _settle(
    target: Target, conns: dict[int, Conn], recs: list[Record],
    written: list[tuple[int, list[int]]], quiet: set[int], unread: int, marks: dict[int, int],
) -> None:
    """After the runs ``written`` (``(connection, step indexes)``, in the order written: one
    run, or runs not waited for, marked ``&``, and the run after them) were written:
    synchronise, then record every frame that arrived on every connection (on a connection
    that wrote a run, the k-th frame is the k-th of its steps, skipping steps marked quiet;
    elsewhere the last run's last step's).

    A frame still missing on a writing connection (a step not marked quiet that the server
    postponed, or one that never replies) is waited for as without synchronisation
    (``SILENT``); what it brings is synchronised again, since it was executed after the round
    trips. If a run killed the control connection, its frames are counted before a new one is
    opened."""
    own: dict[int, list[int]] = {}
    for n, idxs in written:
        own[n] = own.get(n, []) + idxs
    last = written[-1][1][-1]
    mine: dict[int, list[bytes]] = {n: [] for n in own}
    others: list[Record] = []

    def take() -> bool:
        """Everything that has arrived; True if a connection may have more coming (it got
        ``OUT_CHUNK`` bytes or more since the last look, or holds an incomplete frame)."""
        more = False
        for m, c in conns.items():
            got = c.drain()
            if m in mine:
                mine[m].extend(got)
            else:
                others.extend(Record(m, last, f) for f in got)
            more = more or c.received - marks[m] >= OUT_CHUNK or bool(c.buf)
            marks[m] = c.received
        return more

    def wait_missing() -> bool:
        """Wait (``SILENT``) for frames still missing on the writing connections; True if
        any came."""
        came = False
        for n, idxs in own.items():
            c = conns[n]
            expect = len([i for i in idxs if i not in quiet])
            if len(mine[n]) >= expect or c.closed:
                continue
            late = c.read(expect - len(mine[n]))
            mine[n].extend(late)
            marks[n] = c.received
            came = came or bool(late)
        return came

    synced = target.sync(unread)
    waited = False
    while True:
        more = take()
        if not synced:
            # A run closed the control connection (CLIENT KILL): count the runs' frames
            # first, as without synchronisation, then reconnect and synchronise.
            if not waited:
                waited = True
                wait_missing()
                take()
            synced = target.sync(reconnect=True)
            continue
        if not more and not waited:
            waited = True
            more = wait_missing()
        if not more:
            break
        synced = target.sync()
    for n, idxs in own.items():
        loud = [i for i in idxs if i not in quiet] or idxs[-1:]
        recs.extend(Record(n, loud[min(k, len(loud) - 1)], f) for k, f in enumerate(mine[n]))
    recs.extend(others)


def replay(
    target: Target,
    case: Case,
    proto: int,
    mode: str,
    chunker: Callable[[bytes], list[bytes]] | None = None,
) -> list[Record]:
    """Replay ``case`` on ``target`` and return every frame received, in order per connection."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    target.reset(settle_clients=case.touches_clients())
    if case.touches_config():
        target.note_config()
    rng = random.Random(f"{case.id}/{proto}")
    if chunker is None:
        chunker = lambda data: default_chunks(data, rng)  # noqa: E731
    conns: dict[int, Conn] = {}
    recs: list[Record] = []

    def collect(step: int, exclude: int | None = None) -> None:
        for n, c in conns.items():
            if n != exclude:
                recs.extend(Record(n, step, f) for f in c.drain())

    # runs written but not settled yet: the run before was marked "&" (not waited for)
    held: list[tuple[int, list[int]]] = []
    marks: dict[int, int] = {}
    unread = 0

    try:
        for n in case.connections:
            conns[n] = Conn(target.host, target.port)
            if proto == 3:
                conns[n].send(encode_request([b"HELLO", b"3"]))
                recs.extend(Record(n, HELLO_STEP, f) for f in conns[n].read(1))
        steps = _with_ids(case, conns)
        multi = len(conns) > 1
        if multi and proto == 2:
            target.sync(reconnect=True)  # every connection accepted, in order
        plan = list(runs(case.steps, pipeline=mode != "single"))
        paused = False  # a CLIENT PAUSE ALL may be on: no more round trips until the end
        for r, (n, idxs) in enumerate(plan):
            c = conns[n]
            data = b"".join(encode_request(list(steps[i][1])) for i in idxs)
            paused = paused or any(pauses_all(steps[i][1]) for i in idxs)
            nxt = plan[r + 1][0] if r + 1 < len(plan) else None
            if multi and (held or (nxt != n and (nxt is None or not paused))):
                # Another connection acts next (or the sentinels come): know first that the
                # server has executed this run and that all it wrote has arrived. A run whose
                # last step is marked "&" is not waited for: the next run (on another
                # connection) is written right after it, and both are settled together.
                if not held:
                    marks = {m: x.received for m, x in conns.items()}
                    unread = 0
                if mode == "split":
                    _send_chunks(c, chunker(data))
                else:
                    c.send(data)
                held.append((n, idxs))
                unread += len(data)
                if idxs[-1] in case.nowait and nxt is not None:
                    continue
                _settle(target, conns, recs, held, case.quiet, unread, marks)
                held = []
            elif mode == "single":
                (i,) = idxs
                if c.send(data):
                    recs.extend(Record(n, i, f) for f in
                                c.read(1, timeout=QUIET if i in case.quiet else None))
                else:
                    recs.extend(Record(n, i, f) for f in c.drain())
                collect(i, exclude=n)
            else:
                if mode == "pipeline":
                    c.send(data)
                else:
                    _send_chunks(c, chunker(data))
                if case.quiet.isdisjoint(idxs):
                    frames = c.read(len(idxs))
                    for k, f in enumerate(frames):
                        recs.append(Record(n, idxs[min(k, len(idxs) - 1)], f))
                else:  # some steps block: read the others' replies, then check for silence
                    loud = [i for i in idxs if i not in case.quiet]
                    frames = c.read(len(loud)) if loud else []
                    loud = loud or idxs[-1:]
                    frames += c.read(1, timeout=QUIET)
                    for k, f in enumerate(frames):
                        recs.append(Record(n, loud[min(k, len(loud) - 1)], f))
                collect(idxs[-1], exclude=n)
        # Sentinel: a final PING on each open connection shows its end state and flushes
        # anything still in flight (pushes, replies to blocked commands).
        end = len(case.steps)
        for n, c in conns.items():
            if c.send(encode_request([b"PING"])):
                frames = []
                while True:
                    got = c.read(1)
                    frames.extend(got)
                    if not got or got[-1] == CLOSED or _is_sentinel_reply(got[-1]):
                        break
                recs.extend(Record(n, end, f) for f in frames)
            else:
                recs.extend(Record(n, end, f) for f in c.drain())
    except OSError as e:
        raise HarnessError(f"{target.name}: connection error during replay: {e!r}") from e
    finally:
        for c in conns.values():
            c.close()
    return recs


def replay_raw(
    target: Target, case: RawCase, split: bool, expect: list[bytes] | None = None
) -> list[bytes]:
    """Write raw bytes on a fresh connection; return everything received until close/quiet.

    ``expect`` is the reference server's result: wait (patiently) for as much output.
    """
    target.reset(settle_clients=False)
    c = Conn(target.host, target.port)
    rng = random.Random(case.id)
    try:
        for k, chunk in enumerate(case.chunks):
            if k:
                time.sleep(0.02)  # separate chunks arrive in separate reads
            if split:
                _send_chunks(c, default_chunks(chunk, rng))
            else:
                c.send(chunk)
        if expect is None:
            return c.read_quiet(RAW_QUIET)
        n = sum(len(f) for f in expect if f != CLOSED)
        return c.read_quiet(RAW_QUIET, n, CLOSED in expect)
    finally:
        c.close()


# --------------------------------------------------------------------------- comparison


def normalised(case: Case, recs: list[Record]) -> list[Record]:
    """The records with the case's normalisers (and the HELLO id mask) applied."""
    out = []
    for r in recs:
        fn: Normaliser | None
        if r.frame == CLOSED:
            fn = None
        elif r.step == HELLO_STEP:
            fn = hello_norm
        elif r.step >= len(case.steps):
            fn = None
        else:
            fn = case.norm_for(r.step)
        out.append(Record(r.conn, r.step, fn(r.frame) if fn is not None else r.frame))
    return out


def _short(b: bytes | str, n: int = 70) -> str:
    s = repr(b) if isinstance(b, bytes) else b
    return s if len(s) <= n else s[: n - 3] + "..."


def _cmd(case: Case, step: int) -> str:
    if step == HELLO_STEP:
        return "HELLO 3"
    if step >= len(case.steps):
        return "(end: PING)"
    n, argv = case.steps[step]
    text = " ".join(a.decode("utf-8", "backslashreplace") for a in argv)
    return (f"@{n} " if n != 1 else "") + text


def compare(
    case: Case,
    proto: int,
    mode: str,
    a_name: str,
    a: list[Record],
    b_name: str,
    b: list[Record],
) -> str | None:
    """None if the (normalised) frames agree; otherwise a side-by-side report."""
    na, nb = normalised(case, a), normalised(case, b)
    conns = sorted({r.conn for r in na} | {r.conn for r in nb})
    for n in conns:
        fa = [r for r in na if r.conn == n]
        fb = [r for r in nb if r.conn == n]
        if [r.frame for r in fa] == [r.frame for r in fb]:
            continue
        k = 0
        while k < min(len(fa), len(fb)) and fa[k].frame == fb[k].frame:
            k += 1
        step = (fa[k] if k < len(fa) else fb[k]).step
        lines = [
            f"case {case.id!r} (RESP{proto}, mode={mode}): connection {n} differs at frame {k}"
            f" (step {step}: {_short(_cmd(case, step), 200)})",
            f"  {'step':>4}  {'command':<28} {a_name:<40} {b_name}",
        ]
        lo = max(0, k - 12)
        for j in range(lo, max(len(fa), len(fb))):
            if j > k + 8:
                lines.append("  ...")
                break
            ra = fa[j] if j < len(fa) else None
            rb = fb[j] if j < len(fb) else None
            st = (ra or rb).step  # type: ignore[union-attr]
            mark = ">>" if j == k else "  "
            lines.append(
                f"{mark}{st:>4}  {_short(_cmd(case, st), 28):<28} "
                f"{_short(ra.frame, 40) if ra else '(nothing)':<40} "
                f"{_short(rb.frame, 40) if rb else '(nothing)'}"
            )
        lines.append(f"  {a_name} frame {k}: {fa[k].frame[:2000]!r}" if k < len(fa) else
                     f"  {a_name}: no frame {k}")
        lines.append(f"  {b_name} frame {k}: {fb[k].frame[:2000]!r}" if k < len(fb) else
                     f"  {b_name}: no frame {k}")
        return "\n".join(lines)
    return None


def compare_raw(case: RawCase, split: bool, a_name: str, a: list[bytes], b_name: str,
                b: list[bytes]) -> str | None:
    """None if two raw replays received the same bytes; otherwise a report."""
    if b"".join(a) == b"".join(b) and (CLOSED in a) == (CLOSED in b):
        return None
    lines = [f"raw case {case.id!r} (split={split}): sent {_short(b''.join(case.chunks), 200)}"]
    for j in range(max(len(a), len(b))):
        fa = a[j] if j < len(a) else b"(nothing)"
        fb = b[j] if j < len(b) else b"(nothing)"
        mark = "  " if fa == fb else ">>"
        lines.append(f"{mark}{j:>3}  {a_name}: {fa[:500]!r}\n       {b_name}: {fb[:500]!r}")
    return "\n".join(lines)


def check(
    ref: Target, sut: Target, case: Case, proto: int, mode: str,
    chunker: Callable[[bytes], list[bytes]] | None = None,
) -> str | None:
    """Replay on both targets; None if they agree, else the mismatch report."""
    a = replay(ref, case, proto, mode, chunker)
    b = replay(sut, case, proto, mode, chunker)
    return compare(case, proto, mode, ref.name, a, sut.name, b)
