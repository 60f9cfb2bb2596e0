"""A world for the AOF in memory: the spec server driven through event-loop turns, its file
operations carried out on an in-memory directory, forks answered, children finished and
background fsyncs completed when the test says so, and crashes (of the process, of the
machine) applied to the files.

It also holds an independent **replay** of an AOF directory (a plain reading of the manifest,
the base and the INCR files: an RDB base loaded with the RDB loader, every command run as a
client would send it), so that "the files hold the dataset" is checked against something
other than the spec's own loader.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from redspec.spec import persist
from redspec.spec.aof import (
    aof_base_bytes,
    aof_child_wrote,
    aof_fsync_done,
    open_on_server_start,
    take_ops,
)
from redspec.spec.aofmanifest import temp_rewrite_name
from redspec.spec.digest import dataset_digest
from redspec.spec.effects import Effects
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.server import client_connect, clients_wrote, new_server, run_command
from redspec.spec.state import ServerState, replace

__all__ = ["AofWorld", "Files", "replay", "digest", "encode", "parse_commands"]

NOW = 1_700_000_000_000


def encode(*args: Any) -> bytes:
    """A request as a client sends it."""
    argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)


def digest(state: ServerState) -> bytes:
    """``DEBUG DIGEST`` of a state's dataset."""
    return dataset_digest((d.id, [(k, v, k in d.expires) for k, v in d.keys.items()])
                          for d in state.dbs)


class Files:
    """An AOF directory in memory: file name -> bytes, the current INCR file, and per file
    how many bytes are durable (fsynced); ``log`` keeps the log lines."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.durable: dict[str, int] = {}
        self.current: str | None = None
        self.log: list[str] = []
        self.pending_fsyncs: list[tuple[str, int, int, bool]] = []
        self.killed: list[int] = []

    def apply(self, ops: tuple[tuple[Any, ...], ...]) -> None:
        for op in ops:
            kind, args = op[0], op[1:]
            # a file unlinked while open takes writes that no longer reach the directory
            cur = self.current if self.current in self.files else None
            if kind == "write":
                assert self.current is not None
                if cur is not None:
                    self.files[cur] += args[0]
            elif kind == "fsync":
                if cur is not None:
                    self.durable[cur] = len(self.files[cur])
            elif kind == "bgfsync":
                assert self.current is not None
                self.pending_fsyncs.append((self.current, len(self.files.get(self.current, b"")),
                                            args[0], True))
            elif kind == "open":
                name, truncate, offset = args
                if self.current is not None:
                    self.pending_fsyncs.append((self.current, len(self.files.get(self.current, b"")),
                                                offset, False))
                if truncate or name not in self.files:
                    self.files[name] = b""
                    self.durable[name] = 0
                self.current = name
            elif kind == "close":
                if cur is not None:
                    self.durable[cur] = len(self.files[cur])
                self.current = None
            elif kind in ("manifest", "file"):
                name = "appendonly.aof.manifest" if kind == "manifest" else args[0]
                data = args[0] if kind == "manifest" else args[1]
                self.files[name] = data
                self.durable[name] = len(data)
            elif kind == "rename":
                old, new = args
                self.files[new] = self.files.pop(old)
                self.durable[new] = self.durable.pop(old, 0)
                if self.current == old:
                    self.current = new
            elif kind == "unlink":
                self.files.pop(args[0], None)
                self.durable.pop(args[0], None)
            elif kind == "log":
                self.log.append(args[1])
            elif kind == "kill":
                self.killed.append(args[0])
            elif kind == "mkdir":
                pass
            else:  # pragma: no cover - a new operation the world does not know
                raise AssertionError(f"unknown AOF operation {kind}")

    def machine_crash(self) -> None:
        """Power loss: every file keeps only its durable bytes."""
        for name in list(self.files):
            self.files[name] = self.files[name][:self.durable.get(name, 0)]


class AofWorld:
    """A spec server with ``appendonly yes`` (unless told otherwise) and the world around it."""

    def __init__(self, appendonly: bool = True, **config: Any) -> None:
        self.now = NOW
        self.fs = Files()
        self.next_pid = 2000
        self.fork_ok = True
        self.state = new_server(NOW, appendonly=appendonly, **config)
        self.state, self.cid = client_connect(self.state, NOW)
        self.state = open_on_server_start(self.state, NOW)
        self.state, ops = take_ops(self.state)
        self.fs.apply(ops)
        self.acked: list[bytes] = []

    def _answered(self, fn: Any) -> tuple[ServerState, Effects]:
        st = self.state
        while True:
            try:
                out: tuple[ServerState, Effects] = fn(st)
                return out
            except persist.ForkOutcomeNeeded as need:
                pid = self.next_pid if self.fork_ok else -1
                if self.fork_ok:
                    self.next_pid += 1
                if need.purpose == "aof" and pid > 0:  # the child writes and fsyncs its base
                    base = aof_base_bytes(need.snapshot, need.now_ms)
                    self.fs.files[temp_rewrite_name(pid)] = base
                    self.fs.durable[temp_rewrite_name(pid)] = len(base)
                st = persist.with_fork_outcome(st, pid, 5)

    def turn(self, data: bytes = b"", cid: int | None = None) -> bytes:
        """One event-loop turn reading ``data`` from the client: its replies (which the
        world writes after the AOF operations)."""
        c = cid or self.cid
        readable = {c: data} if data else {}
        self.state, eff = self._answered(
            lambda st: event_loop_turn(st, self.now, readable, {}))
        self.fs.apply(eff.aof_ops)
        cl = self.state.clients.get(c)
        reply = cl.reply if cl is not None else b""
        if cl is not None:
            self.state, _ = clients_wrote(self.state, {c: len(reply)})
        return reply

    def cmd(self, *args: Any) -> bytes:
        return self.turn(encode(*args))

    def advance(self, ms: int) -> None:
        self.now += ms

    def finish_fsyncs(self) -> None:
        """The background fsyncs (and fsync-and-close jobs) finish."""
        for name, length, offset, job in self.fs.pending_fsyncs:
            if name in self.fs.files:
                self.fs.durable[name] = max(self.fs.durable.get(name, 0), length)
            self.state = aof_fsync_done(self.state, offset, job)
        self.fs.pending_fsyncs.clear()

    def child_exits(self, code: int = 0, sig: int = 0) -> None:
        """The rewrite child ends; serverCron handles it in the next turn."""
        child = self.state.aof.child
        assert child is not None
        if code == 0 and not sig:
            size = len(self.fs.files.get(temp_rewrite_name(child.pid), b""))
            self.state = aof_child_wrote(self.state, child.pid, size)
        else:
            self.fs.files.pop(temp_rewrite_name(child.pid), None)
        self.state = persist.with_child_exit(self.state, child.pid, code, sig)
        self.cron()

    def cron(self) -> None:
        """A turn in which serverCron is due."""
        self.state = replace(self.state, transport=replace(self.state.transport,
                                                           cron_next_ms=0))
        self.turn()


def parse_commands(data: bytes) -> Iterator[list[bytes]]:
    """The commands of an AOF stream (annotations skipped); stops at a truncated tail."""
    i, n = 0, len(data)
    while i < n:
        if data[i:i + 1] == b"#":
            j = data.find(b"\r\n", i)
            if j < 0:
                return
            i = j + 2
            continue
        j = data.find(b"\r\n", i)
        if j < 0 or data[i:i + 1] != b"*":
            return
        argc = int(data[i + 1:j])
        i = j + 2
        argv = []
        for _ in range(argc):
            j = data.find(b"\r\n", i)
            if j < 0:
                return
            ln = int(data[i + 1:j])
            i = j + 2
            if i + ln + 2 > n:
                return
            argv.append(data[i:i + ln])
            i += ln + 2
        yield argv


def replay(files: dict[str, bytes], now_ms: int) -> ServerState:
    """The dataset an AOF directory holds, read plainly: the manifest's base (an RDB file, or
    commands) then its INCR files in order, each command run for one client."""
    manifest = files.get("appendonly.aof.manifest", b"")
    names: list[str] = []
    for line in manifest.decode().splitlines():
        parts = line.split()
        if parts and parts[0] == "file" and parts[5] in ("b", "i"):
            names.append(parts[1])
    state = new_server(now_ms)
    for name in names:
        data = files.get(name, b"")
        if data.startswith(b"REDIS"):
            state = persist.load_state(state, data, now_ms)
            continue
        state, cid = client_connect(state, now_ms)  # a fresh fake client per file, in db 0
        for argv in parse_commands(data):
            state, _ = run_command(state, cid, argv, now_ms)
    return state
