"""The asyncio reference server: one process, one event loop, the spec state in one variable.

It runs Redis's event loop (``aeMain``) on asyncio's readiness callbacks. Every loop iteration:

1. **poll** — asyncio's selector (or uvloop's epoll) reports ready sockets; for each readable
   one the server reads once (``readQueryFromClient``'s single ``read`` of up to
   ``PROTO_IOBUF_LEN`` bytes), a listening socket accepts, a socket that became writable
   (after a send it did not take whole) wakes a turn. The reads are kept in the order their
   callbacks fired, which is the order ``epoll_wait`` returned the sockets (the order they
   became ready; both loops call the readiness callbacks of one poll in that order, before the
   turn they schedule: ``tests/test_event_order.py``) — never sorted by fd or id;
2. **one turn** — ``spec.eventloop.event_loop_turn`` with what was read, in that order (file
   events in the poll's order, serverCron when due, beforeSleep) — nothing is written inside
   the turn;
3. **writes** — ``handleClientsWithPendingWrites``: each client with pending reply bytes
   (``ClientIO.reply``) gets one ``send`` of at most the write cap (``spec.transport.write_cap``);
   how many bytes the socket accepted goes back into the spec (``spec.server.clients_wrote``),
   so what a slow reader leaves behind stays in the spec state, where the output-buffer limits
   see it. A socket that did not take everything gets a writable callback (ae's write
   handler) and the next iteration writes more.

At start, with a file to load, it listens first and then loads it in steps with these
turns in between (:func:`load_while_serving`: ``-LOADING`` meanwhile, as 7.0.15 does).

It adds no Redis rule of its own: timers only wake the loop (serverCron every ``1000 / hz``
ms, the earliest blocked client's deadline, the CLIENT PAUSE end), and the turn decides.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import os
import select
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from attrs import evolve as attrs_evolve

from redspec.reference.aof_io import AofFiles, aof_dir
from redspec.reference.migrate_io import MigrateSockets
from redspec.spec import server as S
from redspec.spec.acl import (
    AclFileNeeded,
    AclSaveNeeded,
    with_acl_file_read,
    with_acl_save_outcome,
)
from redspec.spec.aof import (
    aof_child_wrote,
    aof_fsync_done,
    aof_write_failed,
    open_on_server_start,
    take_ops,
)
from redspec.spec.aofload import AofDirNeeded, with_aof_dir_read
from redspec.spec.aofmanifest import temp_rewrite_name
from redspec.spec.aofrewrite import aof_base_bytes
from redspec.spec.configfile import RewriteOutcomeNeeded, with_rewrite_outcome
from redspec.spec.effects import NO_EFFECTS, merge_effects
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.listen import ListenOutcomeNeeded, with_listen_outcome
from redspec.spec.loading import LoadFailed, failure_report, panics, start_loading
from redspec.spec.persist import (
    ForkOutcomeNeeded,
    SaveOutcomeNeeded,
    save_state,
    with_child_exit,
    with_fork_outcome,
    with_save_outcome,
    with_shutdown_signal,
)
from redspec.spec.protected import DENIED, protected_mode_denies, reject_connection
from redspec.spec.rdb import RdbCorrupt
from redspec.spec.replica import link_closed, link_connected, link_input
from redspec.spec.startup import loading_step
from redspec.spec.state import ServerState, replace
from redspec.spec.transport import write_cap

#: ``PROTO_IOBUF_LEN``: what one read event reads at most.
READ_LEN = 16 * 1024
#: ``MAX_ACCEPTS_PER_CALL``: connections accepted per readable event of a listening socket.
MAX_ACCEPTS = 1000
_GONE = (ConnectionError, OSError)
log = logging.getLogger("redspec.server")


class Clock:
    """Where the server's time (unix ms) comes from: the wall clock, or a virtual clock that
    only moves when told to (``redspec serve --clock virtual``; REDSPEC CLOCK)."""

    def __init__(self, virtual: bool = False, start_ms: int | None = None) -> None:
        import time

        self._time = time.time
        self.virtual = virtual
        self._ms = start_ms if start_ms is not None else int(time.time() * 1000)

    def now_ms(self) -> int:
        return self._ms if self.virtual else int(self._time() * 1000)

    def set_ms(self, ms: int) -> None:
        """Move a virtual clock to ``ms`` (the wall clock cannot be moved: ignored)."""
        if self.virtual:
            self._ms = ms


class Conn:
    """One accepted socket and the spec client it is."""

    __slots__ = ("sock", "fd", "cid", "writer", "closing", "ready")

    def __init__(self, sock: socket.socket, cid: int) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.cid = cid
        #: A writable callback is installed (the last send did not take everything).
        self.writer = False
        #: The spec asked to close it; it closes once its pending reply is written.
        self.closing = False
        #: Its writable callback fired since the last send (``sendReplyToClient``): a client
        #: with a backlog is offered its bytes again only then, as Redis does, not on every
        #: turn (a slow reader would otherwise cost every turn a send and a copy).
        self.ready = False


class ScriptPort(MigrateSockets):
    """The world's side of ``processEventsWhileBlocked`` (``spec.scripting.BusyPort``): while
    a script runs past ``busy-reply-threshold``, each call of its hook polls the connections
    (``select`` with no wait; not the script's caller, which Redis protects), reads once from
    each readable one and hands the bytes to the spec; the spec's replies are written to the
    sockets at once. The script's clock is the monotonic clock. Connections that arrive
    meanwhile are accepted there too (SCRIPT KILL and SHUTDOWN NOSAVE usually come from a
    new redis-cli); a client that hangs up meanwhile is freed after the turn. It is MIGRATE's
    port too (``spec.migrate.MigratePort``, by ``MigrateSockets``): the same object is the
    world's side of both."""

    def __init__(self, ref: Reference) -> None:
        super().__init__()
        self.ref = ref
        #: Connections found closed while a script ran (freed after the turn).
        self.gone: list[Conn] = []
        #: Sockets accepted in the hook, until the spec names their client.
        self._new: dict[int, socket.socket] = {}

    def clock_ms(self, instructions: int) -> int:
        """The monotonic clock (the instruction count is not used)."""
        return int(time.monotonic() * 1000)

    def events(self, protected: int) -> list[tuple[int, bytes]]:
        """One read from each other connection that is readable now."""
        conns = [c for cid, c in self.ref.conns.items() if cid != protected
                 and not c.closing and c not in self.gone]
        if not conns:
            return []
        try:
            ready, _, _ = select.select([c.sock for c in conns], [], [], 0)
        except (OSError, ValueError):
            return []
        out: list[tuple[int, bytes]] = []
        by_sock = {c.sock: c for c in conns}
        for sock in ready:
            conn = by_sock[sock]
            try:
                data = sock.recv(READ_LEN)
            except (BlockingIOError, InterruptedError):
                continue
            except _GONE:
                data = b""
            if not data:
                self.gone.append(conn)
                continue
            out.append((conn.cid, data))
        return out

    def accepted(self) -> list[tuple[str, str, int]]:
        """``acceptTcpHandler`` inside the script's hook: the connections waiting on the
        listener now (the spec makes each a client; :meth:`bind` gets its id)."""
        lsock = self.ref.lsock
        out: list[tuple[str, str, int]] = []
        if lsock is None:
            return out
        for _ in range(MAX_ACCEPTS):
            try:
                sock, peer = lsock.accept()
            except (BlockingIOError, InterruptedError, OSError):
                break
            if self.ref.refused(sock, peer):
                continue
            sock.setblocking(False)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            laddr = sock.getsockname()
            self._new[sock.fileno()] = sock
            out.append((f"{peer[0]}:{peer[1]}", f"{laddr[0]}:{laddr[1]}", sock.fileno()))
        return out

    def bind(self, fd: int, client_id: int) -> None:
        """Register the connection accepted on ``fd`` as client ``client_id`` (read by the
        event loop once the script is over, and by :meth:`events` meanwhile)."""
        sock = self._new.pop(fd)
        self.ref.adopt(sock, client_id)

    def reply(self, client_id: int, data: bytes) -> None:
        """Write the replies now (blocking for at most a second)."""
        conn = self.ref.conns.get(client_id)
        if conn is None:
            return
        try:
            conn.sock.settimeout(1.0)
            conn.sock.sendall(data)
        except (OSError, TimeoutError):
            self.gone.append(conn)
        finally:
            with contextlib.suppress(OSError):
                conn.sock.setblocking(False)


class Reference:
    """Holds the current ``ServerState``, the clock and the open connections, and runs one
    spec turn per loop iteration."""

    def __init__(self, state: ServerState, clock: Clock | None = None,
                 host: str = "127.0.0.1") -> None:
        self.state = state
        self.clock = clock or Clock()
        #: The listening socket (None: no TCP listener, port 0) and its address.
        self.host = host
        self.port = 0
        self.lsock: socket.socket | None = None
        #: Ports bound to answer a transition's question (``spec.listen``) and not yet used.
        self._prebound: dict[int, socket.socket] = {}
        self.conns: dict[int, Conn] = {}
        #: Bytes read since the last turn, per client id (the poll result), in the order the
        #: read callbacks fired: epoll's ready order, which the turn keeps (an input).
        self._inbox: dict[int, bytes] = {}
        #: Clients with reply bytes left after the last write (their writer is installed).
        self._pending: set[int] = set()
        self._turn_due = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timers: dict[str, tuple[int, asyncio.TimerHandle]] = {}
        #: Forked BGSAVE children not reaped yet.
        self.children: set[int] = set()
        #: Set with the exit status when the spec asked the process to exit (SHUTDOWN).
        self.exited: asyncio.Future[int] | None = None
        #: Where a script running past busy-reply-threshold serves the other connections.
        self.script_port = ScriptPort(self)
        #: The AOF files (``spec.aof``'s operations carried out); set up by :func:`serve`.
        self.aof: AofFiles | None = None
        #: Forked AOF rewrite children not reaped yet (a subset of ``children``).
        self.aof_children: set[int] = set()
        #: The replica's link to its master while it is not a client yet (handshake,
        #: transfer), the bytes it still has to send, and its events for the next turn.
        self.link: socket.socket | None = None
        self._link_out = b""
        self._link_events: list[tuple[str, Any]] = []

    # -- listening -----------------------------------------------------------------------

    def listen(self, port: int) -> None:
        """Listen on ``port`` (the start-up listener); raises OSError as ``_listen`` does."""
        self._use_listener(port, _listen(self.host, port) if port else None)

    def _use_listener(self, port: int, lsock: socket.socket | None) -> None:
        """Make ``lsock`` the listener (``changeListenPort``: the old one is closed)."""
        loop = self._loop
        assert loop is not None
        old = self.lsock
        if old is not None:
            loop.remove_reader(old.fileno())
            old.close()
        self.lsock, self.port = lsock, port
        if lsock is not None:
            loop.add_reader(lsock.fileno(), self.accept, lsock)

    def can_listen(self, port: int) -> bool:
        """The world's answer to the spec's question (``spec.listen``): bind ``port`` now and
        keep the socket until the transition that asked says whether it is used."""
        if (port == self.port and self.lsock is not None) or port in self._prebound:
            return True
        try:
            self._prebound[port] = _listen(self.host, port)
        except OSError as e:
            log.warning("Unable to listen on port %d: %s", port, e)
            return False
        return True

    def answered(self, run: Any) -> tuple[ServerState, Any]:
        """``run(state)`` (a transition), answering the world questions it asks: each time
        it needs an answer, the answer is added to the same input state and it runs again
        (nothing of an unanswered run took effect)."""
        try:
            return self._answered(run)
        finally:
            self.script_port.migrate_settled()  # a MIGRATE's journal ends with the transition

    def _answered(self, run: Any) -> tuple[ServerState, Any]:
        """:meth:`answered`'s loop; each run again replays a MIGRATE's exchanges so far."""
        state = self.state
        while True:
            self.script_port.migrate_rerun()
            try:
                result: tuple[ServerState, Any] = run(state)
                return result
            except ListenOutcomeNeeded as need:
                state = with_listen_outcome(state, need.port, self.can_listen(need.port))
            except SaveOutcomeNeeded as need:
                ok = write_rdb(str(state.config.get("dir", ".")), need.dbfilename, need.data)
                state = with_save_outcome(state, ok)
            except ForkOutcomeNeeded as fork:
                pid, usec = self.fork_child(fork.snapshot, fork.now_ms, fork.purpose)
                state = with_fork_outcome(state, pid, usec)
            except RewriteOutcomeNeeded as need:
                state = with_rewrite_outcome(state, rewrite_config_file(need.path,
                                                                        need.render))
            except AclFileNeeded as need:
                state = with_acl_file_read(state, read_acl_file(state, need.path))
            except AclSaveNeeded as need:
                state = with_acl_save_outcome(state, write_acl_file(state, need.path, need.data))
            except AofDirNeeded:  # DEBUG LOADAOF
                from redspec.reference.aofload import read_aof_dir

                state = with_aof_dir_read(state, read_aof_dir(state))

    # -- the BGSAVE child (``rdbSaveBackground``, ``checkChildrenDone``) ---------------------

    def fork_child(self, snapshot: ServerState, now_ms: int, purpose: str) -> tuple[int, int]:
        """The world's answer to ``ForkOutcomeNeeded``: ``fork()``; the child writes the
        snapshot — as the RDB file (``rdb_child_main``) or, for a rewrite, as the new AOF
        base (``aof_child_main``) — and exits; the parent returns the child's pid and how
        long the fork took (µs), or -1 when it failed."""
        aof = purpose == "aof"
        t0 = time.monotonic_ns()
        try:
            pid = os.fork()
        except OSError as e:
            log.warning("Can't %s in background: fork: %s",
                        "rewrite append only file" if aof else "save", e.strerror)
            return -1, 0
        if pid == 0:
            self._close_inherited()
            if purpose == "repl-socket":
                repl_child_main(snapshot, now_ms)  # never returns
            (aof_child_main if aof else rdb_child_main)(snapshot, now_ms)  # never returns
        usec = (time.monotonic_ns() - t0) // 1000
        if aof:  # the spec logs the rewrite's start itself
            self.aof_children.add(pid)
        else:
            log.info("Background saving started by pid %d", pid)
        self.children.add(pid)
        return pid, usec

    # -- the AOF files (``spec.aof``'s operations) ----------------------------------------

    def apply_aof(self, ops: tuple[tuple[Any, ...], ...]) -> None:
        """Carry out the turn's AOF operations, before any reply is written."""
        if self.aof is None:
            assert self._loop is not None
            self.aof = AofFiles(self.state.config, self.aof_report,
                                self._loop.call_soon_threadsafe)
        self.aof.apply(ops, self.state.config)

    def aof_report(self, kind: str, *args: Any) -> None:
        """What the AOF files report back: a background fsync done, a failed write, an
        exit the policy demands (``appendfsync always`` after a write or fsync error)."""
        if kind == "fsync_done":
            self.state = aof_fsync_done(self.state, args[0], args[1])
        elif kind == "write_failed":
            self.state = aof_write_failed(self.state, args[0], args[1])
        elif kind == "exit" and self.exited is not None and not self.exited.done():
            self.exited.set_result(int(args[0]))

    def _close_inherited(self) -> None:
        """In the child (``closeChildUnusedResourceAfterFork``): close its copies of the
        listening sockets, so the port is free once the parent is gone. The client sockets
        stay open in the child, as in 7.0.15: a connection the parent closes meanwhile is
        closed for the peer only when the child ends (closing one copy sends nothing)."""
        fds = [s.fileno() for s in self._prebound.values()]
        if self.lsock is not None:
            fds.append(self.lsock.fileno())
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def reap_children(self) -> None:
        """``waitpid(pid, WNOHANG)`` for each of our children: an exit becomes an input of the
        state (``with_child_exit``), handled by the next serverCron (``checkChildrenDone``)."""
        for pid in list(self.children):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                self.children.discard(pid)
                continue
            if done == 0:
                continue
            self.children.discard(pid)
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 0
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            if pid in self.aof_children:  # the spec logs the rewrite's end itself
                self.aof_children.discard(pid)
                with contextlib.suppress(OSError):
                    size = os.path.getsize(os.path.join(aof_dir(self.state.config),
                                                        temp_rewrite_name(pid)))
                    self.state = aof_child_wrote(self.state, pid, size)
                self.state = with_child_exit(self.state, pid, code, sig)
                continue
            if sig:
                log.warning("Background saving terminated by signal %d", sig)
                _remove_temp_rdb(str(self.state.config.get("dir", ".")), pid)
            elif code == 0:
                log.info("Background saving terminated with success")
            else:
                log.warning("Background saving error")
            self.state = with_child_exit(self.state, pid, code, sig)

    def kill_child(self, pid: int) -> None:
        """``killRDBChild``: SIGUSR1 to the child and its temporary file removed; its exit
        is reaped later like any other."""
        log.warning("Killing the RDB child %d", pid)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGUSR1)
        _remove_temp_rdb(str(self.state.config.get("dir", ".")), pid)

    def on_signal(self, signum: int) -> None:
        """``sigShutdownHandler``: remember the signal; serverCron shuts down."""
        log.warning("Received %s scheduling shutdown...",
                    "SIGINT" if signum == signal.SIGINT else "SIGTERM",
                    extra={"from_signal_handler": True})
        self.state = with_shutdown_signal(self.state, int(signum))
        self.schedule_turn()

    def _after_listen(self, port: int | None) -> None:
        """Carry out ``Effects.listen_port`` and drop the bound sockets left unused."""
        if port is not None and port != self.port:
            self._use_listener(port, self._prebound.pop(port) if port else None)
            log.info("now listening on TCP port %d (0: none)", port)
        for sock in self._prebound.values():
            sock.close()
        self._prebound.clear()

    # -- the replica's link to its master (``spec.replica``'s operations) -----------------

    def apply_repl(self, ops: tuple[tuple[Any, ...], ...]) -> None:
        """Carry out the link operations: connect (non-blocking; the outcome comes back as
        an input), send, close, adopt (the link's socket becomes the master client's
        connection), rdb_file (the received snapshot replaces ``dbfilename``)."""
        loop = self._loop
        assert loop is not None
        for op in ops:
            kind = op[0]
            if kind == "connect":
                self._link_close()
                self._link_connect(str(op[1]), int(op[2]))
            elif kind == "send":
                self._link_out += op[1]
                self._link_flush()
            elif kind == "close":
                self._link_close()
            elif kind == "adopt":
                sock = self.link
                if sock is None:
                    continue
                loop.remove_reader(sock.fileno())
                if self._link_out:
                    self._link_out = b""
                    with contextlib.suppress(OSError):
                        loop.remove_writer(sock.fileno())
                self.link = None
                self.adopt(sock, int(op[1]))
            elif kind == "rdb_file":
                cfg = self.state.config
                write_rdb(str(cfg.get("dir", ".")), str(cfg.get("dbfilename", "dump.rdb")),
                          op[1], say_saved=False)

    def _link_connect(self, host: str, port: int) -> None:
        loop = self._loop
        assert loop is not None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            family, _, _, _, addr = infos[0]
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setblocking(False)
            err = sock.connect_ex(addr)
        except OSError as e:
            log.warning("Unable to connect to MASTER: %s", e)
            self._link_events.append(("connected", False))
            self.schedule_turn()
            return
        if err not in (0, errno.EINPROGRESS):
            sock.close()
            self._link_events.append(("connected", False))
            self.schedule_turn()
            return
        self.link = sock

        def connected() -> None:
            loop.remove_writer(sock.fileno())
            e = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if e:
                log.warning("Error condition on socket for SYNC: %s", os.strerror(e))
            else:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                loop.add_reader(sock.fileno(), self._link_readable, sock)
            self._link_events.append(("connected", not e))
            self.schedule_turn()

        loop.add_writer(sock.fileno(), connected)

    def _link_readable(self, sock: socket.socket) -> None:
        try:
            data = sock.recv(READ_LEN)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._link_close()
            self._link_events.append(("closed", None))
        else:
            self._link_events.append(("input", data))
        self.schedule_turn()

    def _link_flush(self) -> None:
        sock = self.link
        loop = self._loop
        if sock is None or loop is None or not self._link_out:
            return
        try:
            n = sock.send(self._link_out)
        except (BlockingIOError, InterruptedError):
            n = 0
        except OSError:
            return
        self._link_out = self._link_out[n:]
        if self._link_out:
            loop.add_writer(sock.fileno(), self._link_writable)

    def _link_writable(self) -> None:
        if self.link is not None and self._loop is not None:
            self._loop.remove_writer(self.link.fileno())
        self._link_flush()

    def _link_close(self) -> None:
        sock, self.link, self._link_out = self.link, None, b""
        if sock is None:
            return
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(OSError, ValueError):
                loop.remove_reader(sock.fileno())
                loop.remove_writer(sock.fileno())
        with contextlib.suppress(OSError):
            sock.close()

    def _link_turn(self, now: int) -> Any:
        """The link's events since the last turn, in order, as the spec's inputs."""
        events, self._link_events = self._link_events, []
        eff = NO_EFFECTS
        for kind, arg in events:
            run = _link_event(kind, arg, now)
            self.state, e = self.answered(run)
            if e is not NO_EFFECTS and e.repl_ops:
                self.apply_repl(e.repl_ops)
                e = attrs_evolve(e, repl_ops=())
            eff = merge_effects(eff, e)
        return eff

    # -- the poll phase ------------------------------------------------------------------

    def schedule_turn(self) -> None:
        """Run one turn at the end of this loop iteration (once, however many events)."""
        if not self._turn_due:
            self._turn_due = True
            assert self._loop is not None
            self._loop.call_soon(self.turn)

    def accept(self, lsock: socket.socket) -> None:
        """``acceptTcpHandler``: accept waiting connections, each a new spec client."""
        for _ in range(MAX_ACCEPTS):
            try:
                sock, peer = lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if self.refused(sock, peer):
                continue
            sock.setblocking(False)
            refused = S.client_refused(self.state)  # maxclients (acceptCommonHandler)
            if refused is not None:
                self.state, err = refused
                with contextlib.suppress(OSError):
                    sock.send(err)
                sock.close()
                continue
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            laddr = sock.getsockname()
            self.state, cid = S.client_connect(
                self.state, self.clock.now_ms(), addr=f"{peer[0]}:{peer[1]}",
                laddr=f"{laddr[0]}:{laddr[1]}", fd=sock.fileno())
            self.adopt(sock, cid)

    def refused(self, sock: socket.socket, peer: Any) -> bool:
        """Protected mode (``spec.protected``): a connection it refuses gets the DENIED text
        and is closed; the state counts it. False for a connection to serve."""
        if not protected_mode_denies(self.state, f"{peer[0]}:{peer[1]}"):
            return False
        self.state = reject_connection(self.state)
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(DENIED)
        with contextlib.suppress(OSError):
            sock.close()
        return True

    def adopt(self, sock: socket.socket, cid: int) -> None:
        """Serve ``sock`` as the spec's client ``cid`` (its read callback installed)."""
        loop = self._loop
        assert loop is not None
        conn = self.conns[cid] = Conn(sock, cid)
        loop.add_reader(conn.fd, self.readable, conn)

    def readable(self, conn: Conn) -> None:
        """A read event: one read; end of stream or an error frees the client. The bytes join
        the inbox behind those of the clients whose callbacks fired before in this poll."""
        try:
            data = conn.sock.recv(READ_LEN)
        except (BlockingIOError, InterruptedError):
            return
        except _GONE:
            data = b""
        if not data:
            self.free(conn)
            return
        inbox = self._inbox
        prev = inbox.get(conn.cid)
        inbox[conn.cid] = data if prev is None else prev + data
        self.schedule_turn()

    def writable(self, conn: Conn) -> None:
        """A write event for a client whose last send did not take everything: the next
        turn's writes try it again (it is among the pending clients)."""
        conn.ready = True
        self.schedule_turn()

    def free(self, conn: Conn) -> None:
        """``freeClient``: forget the connection in the spec and close the socket."""
        if self.conns.pop(conn.cid, None) is None:
            return
        loop = self._loop
        assert loop is not None
        loop.remove_reader(conn.fd)
        if conn.writer:
            loop.remove_writer(conn.fd)
        self._inbox.pop(conn.cid, None)
        self._pending.discard(conn.cid)
        with contextlib.suppress(OSError):
            conn.sock.close()
        self.state = S.client_disconnect(self.state, conn.cid, self.clock.now_ms())

    # -- the turn ------------------------------------------------------------------------

    def turn(self) -> None:
        """One ``event_loop_turn`` over what the poll delivered (in callback order), then the
        writes."""
        self._turn_due = False
        if self.exited is not None and self.exited.done():
            return
        readable, self._inbox = self._inbox, {}
        if self.children:
            self.reap_children()
        now = self.clock.now_ms()
        link_eff = self._link_turn(now) if self._link_events else NO_EFFECTS
        try:
            self.state, eff = self.answered(
                lambda st: event_loop_turn(st, now, readable, {}, self.script_port))
        except Exception:  # a defect in the spec: keep serving everyone it does not affect
            eff = self._isolate(now, readable)
        if link_eff is not NO_EFFECTS:
            eff = merge_effects(link_eff, eff)
        if self.script_port.gone:  # hung up while a script ran
            gone, self.script_port.gone = self.script_port.gone, []
            for conn in gone:
                self.free(conn)
        candidates: set[int] = set(readable)
        if eff is not NO_EFFECTS and eff.aof_ops:
            self.apply_aof(eff.aof_ops)  # flushAppendOnlyFile: before any reply is written
        if eff is not NO_EFFECTS and eff.repl_ops:
            self.apply_repl(eff.repl_ops)
        if eff is not NO_EFFECTS and eff.kill_child is not None:
            self.kill_child(eff.kill_child)
        if eff is not NO_EFFECTS and eff.migrate_close:  # migrateCloseTimedoutSockets
            for name in eff.migrate_close:
                self.script_port.migrate_close(name)
        if eff is not NO_EFFECTS and eff.exit_code is not None:
            # ``exit(0)`` inside the command: nothing more is written or read
            if exit_hook is not None:
                exit_hook()  # prepareForShutdown's last steps (the pidfile)
            if eff.exit_code == 0:  # a shutdown; DEBUG LOADAOF's exit(1) logs nothing
                log.warning("Redis is now ready to exit, bye bye...")
            if self.exited is not None and not self.exited.done():
                self.exited.set_result(eff.exit_code)
            return
        if eff is not NO_EFFECTS:
            candidates |= eff.wake
            for cid in eff.close:
                conn = self.conns.get(cid)
                if conn is not None:
                    conn.closing = True
                    candidates.add(cid)
            if eff.clock_set_ms is not None:
                self.clock.set_ms(eff.clock_set_ms)
                self.schedule_turn()  # beforeSleep and timers at the new time
        self._after_listen(None if eff is NO_EFFECTS else eff.listen_port)
        if self._pending:  # backlogs whose socket said it has room
            conns = self.conns
            candidates |= {cid for cid in self._pending
                           if (pc := conns.get(cid)) is not None and pc.ready}
        # Clients that sent nothing this turn (Pub/Sub messages, MONITOR lines, unblocked
        # clients) are written before the ones whose own replies these are: between sockets
        # the order is not observable, and this way a client that has read the reply to its
        # PUBLISH can already read what the subscribers got (as with Redis, which is fast).
        order = sorted(candidates, key=lambda cid: (cid in readable, cid))
        self.write(order)
        self._arm_timers(now)

    def _isolate(self, now: int, readable: dict[int, bytes]) -> Any:
        """The turn raised (a defect in the spec, not a Redis rule): nothing of it took effect,
        since the state is immutable. Run the readable clients one turn each; a client whose
        input makes the spec raise is logged and disconnected, the others are served."""
        eff = NO_EFFECTS
        for cid, data in readable.items():
            try:
                self.state, e = self.answered(
                    lambda st, one={cid: data}: event_loop_turn(st, now, one, {},
                                                                self.script_port))
            except Exception:
                log.exception("spec error on input of client %d: disconnecting it", cid)
                conn = self.conns.get(cid)
                if conn is not None:
                    self.free(conn)
                continue
            eff = merge_effects(eff, e)
        return eff

    def write(self, order: list[int]) -> None:
        """``handleClientsWithPendingWrites``: one send per client with pending bytes, at most
        the write cap; the accepted counts go back into the spec (``clients_wrote``)."""
        state = self.state
        clients = state.clients
        conns = self.conns
        cap = write_cap(state, None)
        accepted: dict[int, int] = {}
        gone: list[Conn] = []
        for cid in order:
            conn = conns.get(cid)
            if conn is None:
                continue
            c = clients.get(cid)
            reply = c.reply if c is not None else b""
            conn.ready = False
            if reply:
                try:
                    n = conn.sock.send(reply if cap is None or len(reply) <= cap
                                       else reply[:cap])
                except (BlockingIOError, InterruptedError):
                    n = 0
                except _GONE:
                    gone.append(conn)
                    continue
                accepted[cid] = n
                if n < len(reply):
                    if not conn.writer:
                        conn.writer = True
                        assert self._loop is not None
                        self._loop.add_writer(conn.fd, self.writable, conn)
                    self._pending.add(cid)
                    continue
            if conn.writer:
                conn.writer = False
                assert self._loop is not None
                self._loop.remove_writer(conn.fd)
            self._pending.discard(cid)
            if conn.closing:
                gone.append(conn)
        if accepted:
            self.state, eff = S.clients_wrote(self.state, accepted, self.clock.now_ms())
            for cid in eff.close:
                conn = conns.get(cid)
                if conn is not None and conn not in gone:
                    gone.append(conn)
        for conn in gone:
            self.free(conn)

    # -- time events ---------------------------------------------------------------------

    def _arm_timers(self, now: int) -> None:
        """Wake the loop when a blocked client's deadline or a CLIENT PAUSE end comes (the
        turn then times them out); serverCron has its own periodic wake-up."""
        if self.clock.virtual:
            return
        st = self.state
        if st.blocking.clients:
            from redspec.spec.blocking import next_deadline

            self._timer("block", next_deadline(st), now)
        if st.transport.pause_type:
            from redspec.spec.transport import next_pause_deadline

            self._timer("pause", next_pause_deadline(st), now)

    def _timer(self, name: str, at: int | None, now: int) -> None:
        old = self._timers.get(name)
        if at is None or (old is not None and old[0] == at):
            return
        if old is not None:
            old[1].cancel()
        assert self._loop is not None

        def fire() -> None:
            self._timers.pop(name, None)
            self.schedule_turn()

        self._timers[name] = (at, self._loop.call_later(max(0.0, (at + 1 - now) / 1000.0),
                                                        fire))

    def start_cron(self) -> None:
        """Wake the loop every ``1000 / hz`` ms: the turn runs ``serverCron`` when it is due
        (``spec.eventloop.cron_due``). A virtual clock is told to the state
        (``CronState.virtual_clock``: REDSPEC CLOCK ADVANCE/SET then work)."""
        loop = self._loop
        assert loop is not None
        if self.clock.virtual != self.state.cron.virtual_clock:
            self.state = replace(self.state, cron=replace(self.state.cron,
                                                          virtual_clock=self.clock.virtual))

        def tick() -> None:
            self.schedule_turn()
            loop.call_later(1.0 / (self.state.cron.hz or 10), tick)

        # the first serverCron 1 ms after the start (initServer's aeCreateTimeEvent(1)), so
        # it runs before the first client's commands, as in Redis
        loop.call_later(0.001, tick)


def rewrite_config_file(path: str, render: Any) -> str | None:
    """The world's side of CONFIG REWRITE (``rewriteConfigReadOldFile`` and
    ``rewriteConfigOverwriteFile``): read the old text (none if the file does not exist),
    write ``render(text)`` to ``<path>.XXXXXX`` (mkstemp), fsync, chmod 0644 less the
    umask, rename it over ``path``. None on success, else the ``strerror`` text (the
    temporary file removed), logged as Redis logs it."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            old = f.read()
    except FileNotFoundError:
        old = ""
    except OSError as e:
        return _rewrite_failed(e)
    data = render(old).encode("utf-8", "surrogateescape")
    try:
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".",
                                   dir=os.path.dirname(path) or ".")
    except OSError as e:
        log.warning("Could not create tmp config file (%s)", e.strerror)
        return _rewrite_failed(e)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o644 & ~umask)
            os.rename(tmp, path)
        finally:
            os.close(fd)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return _rewrite_failed(e)
    log.info("CONFIG REWRITE executed with success.")
    return None


def _rewrite_failed(e: OSError) -> str:
    """``CONFIG REWRITE failed: <strerror>`` logged; the text for the error reply."""
    text = e.strerror or str(e)
    log.warning("CONFIG REWRITE failed: %s", text)
    return text


def _remove_temp_rdb(directory: str, pid: int) -> None:
    """``rdbRemoveTempFile``: a killed child's ``temp-<pid>.rdb``."""
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(directory, f"temp-{pid}.rdb"))


def _child_prologue() -> None:
    """In a forked child: the parent's signal handlers dropped (SIGUSR1 and SIGTERM end it,
    as ``killRDBChild`` / ``killAppendOnlyChild`` expect)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)


def _key_save_delay(snapshot: ServerState) -> None:
    """``rdb-key-save-delay`` (µs per key, a testing knob of Redis): slow the child down."""
    delay = int(snapshot.config.get("rdb-key-save-delay", 0))
    if delay > 0:
        time.sleep(delay * sum(len(d.keys) for d in snapshot.dbs) / 1e6)


def rdb_child_main(snapshot: ServerState, now_ms: int) -> None:
    """The BGSAVE child (``rdbSaveBackground``'s child branch): serialise the frozen
    snapshot with the spec's encoder, write ``temp-<pid>.rdb``, fsync, rename it to
    ``dbfilename`` (``write_rdb``), and ``_exit(0)``, or 1 on any failure. The signal
    handlers of the parent are dropped (SIGUSR1 ends the child, as ``killRDBChild``
    expects). ``rdb-key-save-delay`` (µs per key, a testing knob of Redis) slows the child
    down before it writes."""
    code = 1
    try:
        _child_prologue()
        cfg = snapshot.config
        data = save_state(snapshot, now_ms)
        _key_save_delay(snapshot)
        ok = write_rdb(str(cfg.get("dir", ".")), str(cfg.get("dbfilename", "dump.rdb")), data)
        code = 0 if ok else 1
    except BaseException:  # noqa: BLE001 - the child must always reach _exit
        with contextlib.suppress(BaseException):
            log.exception("the RDB child failed")
    finally:
        os._exit(code)


def _link_event(kind: str, arg: Any, now: int) -> Callable[[ServerState], Any]:
    """The spec transition for one link event (``spec.replica``)."""
    def run(st: ServerState) -> Any:
        if kind == "connected":
            return link_connected(st, now, bool(arg))
        if kind == "input":
            return link_input(st, now, arg)
        return link_closed(st, now)
    return run


def repl_child_main(snapshot: ServerState, now_ms: int) -> None:
    """The child of a diskless sync (``rdbSaveToSlavesSockets``): the snapshot's bytes are
    the spec's (``spec.replication.rdb_payload``, sent by the parent when the child ends),
    so the child only takes the time ``rdb-key-save-delay`` asks for and exits 0."""
    code = 1
    try:
        _child_prologue()
        _key_save_delay(snapshot)
        code = 0
    finally:
        os._exit(code)


def aof_child_main(snapshot: ServerState, now_ms: int) -> None:
    """The rewrite child (``rewriteAppendOnlyFileBackground``'s child branch): the new base
    (``spec.aof.aof_base_bytes``) written to ``temp-rewriteaof-bg-<pid>.aof`` in the AOF
    directory and fsynced; exit 0, or 1 on any failure. ``rdb-key-save-delay`` slows it
    down as it slows the RDB child (a testing knob of Redis)."""
    code = 1
    try:
        _child_prologue()
        cfg = snapshot.config
        data = aof_base_bytes(snapshot, now_ms)
        _key_save_delay(snapshot)
        name = temp_rewrite_name(os.getpid())
        path = os.path.join(aof_dir(cfg), name)
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        log.info("Successfully created the temporary AOF base file %s", name)
        code = 0
    except BaseException:  # noqa: BLE001 - the child must always reach _exit
        with contextlib.suppress(BaseException):
            log.exception("the AOF rewrite child failed")
    finally:
        os._exit(code)
def _acl_path(state: ServerState, path: str) -> str:
    """The ``aclfile`` as Redis opens it: relative to ``dir`` (Redis's working directory)."""
    return os.path.join(str(state.config.get("dir", ".")), path)


def read_acl_file(state: ServerState, path: str) -> bytes | str:
    """The world's answer to ``AclFileNeeded``: the file's bytes, or ``strerror`` of the
    failed open (Redis's error text names it)."""
    try:
        with open(_acl_path(state, path), "rb") as f:
            return f.read()
    except OSError as e:
        return e.strerror or str(e)


def write_acl_file(state: ServerState, path: str, data: bytes) -> bool:
    """``ACLSaveToFile``'s file handling: a ``<file>.tmp-<pid>-<ms>`` file renamed over the
    ACL file (the temporary file removed on failure, with Redis's log lines)."""
    full = _acl_path(state, path)
    tmp = f"{full}.tmp-{os.getpid()}-{int(time.time() * 1000)}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
    except OSError as e:
        log.warning("Opening temp ACL file for ACL SAVE: %s", e.strerror)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    try:
        os.replace(tmp, full)
    except OSError as e:
        log.warning("Renaming ACL file for ACL SAVE: %s", e.strerror)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True


def write_rdb(directory: str, dbfilename: str, data: bytes, say_saved: bool = True) -> bool:
    """``rdbSave``'s file handling: write ``temp-<pid>.rdb`` in ``directory``, flush and fsync
    it, rename it over ``dbfilename`` and fsync the directory, so that a crash (kill -9) at
    any point leaves either the old file or the new one, never a partial one. False (and
    Redis's log lines) when any step fails; the temporary file is removed then."""
    name = f"temp-{os.getpid()}.rdb"
    tmp = os.path.join(directory, name)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        log.warning("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                    name, directory, e.strerror)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    try:
        os.replace(tmp, os.path.join(directory, dbfilename))
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError as e:
        log.warning("Error moving temp DB file %s on the final destination %s "
                    "(in server root dir %s): %s", name, dbfilename, directory, e.strerror)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    if say_saved:  # not for the snapshot a replica received (Redis logs no save then)
        log.info("DB saved on disk")
    return True


class LoadError(Exception):
    """The RDB file at start-up is unreadable or corrupt: the server must not start. The
    message is the log lines Redis writes then (``spec.loading.failure_report``); ``panic``:
    Redis aborts (SIGABRT) instead of exiting with status 1."""

    def __init__(self, message: str, panic: bool = False) -> None:
        super().__init__(message)
        self.panic = panic


#: Where start-up lines go instead of stderr: ``redspec-server`` (``reference.dropin``) sends
#: them to its Redis-format log (``serverLog`` at notice level).
say_hook: Callable[[str], None] | None = None


#: Called once the server listens, before it loads its file: ``redspec-server`` logs
#: ``Running mode=...`` and ``Server initialized`` there, after ``initServer`` as 7.0.15.
listen_hook: Callable[[], None] | None = None

#: Called by the turn that exits (SHUTDOWN, a shutdown signal) just before "Redis is now
#: ready to exit, bye bye...": ``redspec-server`` removes its pidfile there, as
#: ``prepareForShutdown`` does.
exit_hook: Callable[[], None] | None = None


def _say(line: str) -> None:
    """A start-up log line (loading, ready): on stderr, or to :data:`say_hook`."""
    if say_hook is not None:
        say_hook(line)
        return
    print(line, file=sys.stderr, flush=True)


def read_rdb_file(state: ServerState) -> tuple[str, bytes] | None:
    """``loadDataFromDisk``'s file: the name and bytes of ``dir/dbfilename``, None when it
    does not exist; :class:`LoadError` when it cannot be read."""
    if state.config.get("appendonly", False):
        return None  # loadDataFromDisk: with appendonly yes the AOF is loaded, not the RDB
    name = str(state.config.get("dbfilename", "dump.rdb"))
    path = os.path.join(str(state.config.get("dir", ".")), name)
    try:
        with open(path, "rb") as f:
            return name, f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise LoadError(f"Fatal error loading the DB: {e.strerror}. Exiting.") from e


async def load_while_serving(ref: Reference, name: str, data: bytes) -> None:
    """Redis 7.0.15's start-up load, the server already listening: ``spec.startup``'s
    loading steps, and between two steps the events that came meanwhile
    (``processEventsWhileBlocked``: connections accepted, commands answered — ``-LOADING``
    but for the commands flagged ``loading`` —, replies written). A step's
    ``key-load-delay`` model time is slept here, blocking, as ``debugDelay`` blocks Redis.
    A bad file raises :class:`LoadError` with Redis's log lines."""
    t0 = time.monotonic()
    now = ref.clock.now_ms()
    try:
        ref.state = start_loading(ref.state, data, name, now)
    except RdbCorrupt as e:
        raise LoadError(f"{e}\nFatal error loading the DB: Invalid argument. Exiting.") from e
    while ref.state.loading.active:
        now = ref.clock.now_ms()
        try:
            ref.state, step = loading_step(ref.state, now)
        except LoadFailed as e:
            raise LoadError("\n".join(failure_report(ref.state, e, now)), panics(e)) from e
        for line in step.logs:
            _say(line)
        if step.delay_us:
            time.sleep(step.delay_us / 1e6)
        for _ in range(4):  # accept, read, then the turn those schedule, then its writes
            await asyncio.sleep(0)
    p = ref.state.persist
    _say(f"Done loading RDB, keys loaded: {p.load_loaded}, keys expired: {p.load_expired}.")
    _say(f"DB loaded from disk: {time.monotonic() - t0:.3f} seconds")


def open_aof_on_start(ref: Reference) -> None:
    """``aofOpenIfNeededOnServerStart`` after the load: with ``appendonly yes`` the AOF
    directory, a first base when there is none, the INCR file and the manifest
    (``spec.aof.open_on_server_start``); a failure stops the start (Redis exits with 1)."""
    state = open_on_server_start(ref.state, ref.clock.now_ms())
    ref.state, ops = take_ops(state)
    if ops:
        try:
            ref.apply_aof(ops)
        except OSError as e:
            raise LoadError(f"Can't open or create append-only dir "
                            f"{ref.state.config.get('appenddirname')}: {e.strerror}") from e


def _tune_gc() -> None:
    """The state is a large acyclic graph of persistent-map nodes that lives long; Python's
    cyclic GC would rescan it again and again as it grows. Collect young objects rarely."""
    gc.set_threshold(50_000, 50, 100)


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket (``listenToPort``: SO_REUSEADDR, backlog 511, non-blocking)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, type_, proto, _, addr = infos[0]
    lsock = socket.socket(family, type_, proto)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        lsock.bind(addr)
    except OSError as e:
        lsock.close()
        if e.errno == errno.EADDRINUSE:
            raise OSError(e.errno, f"Could not create server TCP listening socket "
                                   f"{host}:{port}: bind: Address already in use") from e
        raise
    lsock.listen(511)
    lsock.setblocking(False)
    return lsock


async def serve(host: str = "127.0.0.1", port: int = 6379, state: ServerState | None = None,
                ready: asyncio.Event | None = None, clock: Clock | None = None,
                rdb: tuple[str, bytes] | None = None, aof: Any = None) -> int:
    """Run the reference server until cancelled, or until the spec asks the process to
    exit (SHUTDOWN, a shutdown signal): then the exit status. With ``rdb`` (a file's name
    and bytes) it first loads that file while serving (:func:`load_while_serving`); with
    ``aof`` (``reference.aofload.AofSet``, ``appendonly yes``) the AOF set instead."""
    clock = clock or Clock()
    # Built here (an embedded server, as the tests start one), it saves nothing unless
    # configured to; ``redspec serve`` passes a state with Redis's default save points.
    ref = Reference(state if state is not None else S.new_server(clock.now_ms(), save=""),
                    clock, host)
    _tune_gc()
    loop = asyncio.get_running_loop()
    ref._loop = loop
    ref.exited = loop.create_future()
    if rdb is None and aof is None:
        # nothing to load: the AOF is open before the first connection can be accepted (a
        # client that connects as soon as the port listens finds the files there)
        open_aof_on_start(ref)
    ref.listen(port)
    if listen_hook is not None:
        listen_hook()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # only possible in the main thread (``redspec serve``); a server in a test's thread
        # keeps the default handlers
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(sig, ref.on_signal, sig)
    if ready is not None:
        ready.set()
    try:
        if aof is not None:  # loadDataFromDisk with appendonly yes: the AOF, not the RDB
            from redspec.reference.aofload import load_aof_while_serving

            await load_aof_while_serving(ref, aof, _say)
            open_aof_on_start(ref)  # aofOpenIfNeededOnServerStart, after the load
        elif rdb is not None:  # listen first, then load (clients get -LOADING meanwhile)
            await load_while_serving(ref, *rdb)
            open_aof_on_start(ref)
        ref.start_cron()
        _say("Ready to accept connections")
        return await ref.exited
    finally:
        ref._use_listener(0, None)
        ref._after_listen(None)
        for conn in list(ref.conns.values()):
            ref.free(conn)
        if ref.aof is not None:
            ref.aof.close()


def run(host: str = "127.0.0.1", port: int = 6379, state: ServerState | None = None,
        clock: Clock | None = None, rdb: tuple[str, bytes] | None = None,
        aof: Any = None) -> int:
    """Run the server in the foreground (uvloop when installed); the exit status.
    :class:`LoadError` when the start-up file ``rdb`` does not load."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    code = 0
    with contextlib.suppress(KeyboardInterrupt):
        code = runner(serve(host, port, state, clock=clock, rdb=rdb, aof=aof))
    return int(code or 0)
