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
import socket
import time
from typing import Any

from redspec.spec import server as S
from redspec.spec.effects import NO_EFFECTS, merge_effects
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.listen import ListenOutcomeNeeded, with_listen_outcome
from redspec.spec.persist import SaveOutcomeNeeded, load_state, with_save_outcome
from redspec.spec.rdb import RdbCorrupt, RdbUnsupported
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

    __slots__ = ("sock", "fd", "cid", "writer", "closing")

    def __init__(self, sock: socket.socket, cid: int) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.cid = cid
        #: A writable callback is installed (the last send did not take everything).
        self.writer = False
        #: The spec asked to close it; it closes once its pending reply is written.
        self.closing = False


class ScriptPort:
    """The world's side of ``processEventsWhileBlocked`` (``spec.scripting.BusyPort``): while
    a script runs past ``busy-reply-threshold``, each call of its hook polls the connections
    (``select`` with no wait; not the script's caller, which Redis protects), reads once from
    each readable one and hands the bytes to the spec; the spec's replies are written to the
    sockets at once. The script's clock is the monotonic clock. Connections that arrive
    meanwhile wait in the listen backlog; a client that hangs up meanwhile is freed after the
    turn."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        #: Connections found closed while a script ran (freed after the turn).
        self.gone: list[Conn] = []

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
        #: Where a script running past busy-reply-threshold serves the other connections.
        self.script_port = ScriptPort(self)

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
        state = self.state
        while True:
            try:
                result: tuple[ServerState, Any] = run(state)
                return result
            except ListenOutcomeNeeded as need:
                state = with_listen_outcome(state, need.port, self.can_listen(need.port))
            except SaveOutcomeNeeded as need:
                ok = write_rdb(str(state.config.get("dir", ".")), need.dbfilename, need.data)
                state = with_save_outcome(state, ok)

    def _after_listen(self, port: int | None) -> None:
        """Carry out ``Effects.listen_port`` and drop the bound sockets left unused."""
        if port is not None and port != self.port:
            self._use_listener(port, self._prebound.pop(port) if port else None)
            log.info("now listening on TCP port %d (0: none)", port)
        for sock in self._prebound.values():
            sock.close()
        self._prebound.clear()

    # -- the poll phase ------------------------------------------------------------------

    def schedule_turn(self) -> None:
        """Run one turn at the end of this loop iteration (once, however many events)."""
        if not self._turn_due:
            self._turn_due = True
            assert self._loop is not None
            self._loop.call_soon(self.turn)

    def accept(self, lsock: socket.socket) -> None:
        """``acceptTcpHandler``: accept waiting connections, each a new spec client."""
        loop = self._loop
        assert loop is not None
        for _ in range(MAX_ACCEPTS):
            try:
                sock, peer = lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            sock.setblocking(False)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            laddr = sock.getsockname()
            self.state, cid = S.client_connect(
                self.state, self.clock.now_ms(), addr=f"{peer[0]}:{peer[1]}",
                laddr=f"{laddr[0]}:{laddr[1]}", fd=sock.fileno())
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
        self.state = S.client_disconnect(self.state, conn.cid)

    # -- the turn ------------------------------------------------------------------------

    def turn(self) -> None:
        """One ``event_loop_turn`` over what the poll delivered (in callback order), then the
        writes."""
        self._turn_due = False
        readable, self._inbox = self._inbox, {}
        now = self.clock.now_ms()
        try:
            self.state, eff = self.answered(
                lambda st: event_loop_turn(st, now, readable, {}, self.script_port))
        except Exception:  # a defect in the spec: keep serving everyone it does not affect
            eff = self._isolate(now, readable)
        if self.script_port.gone:  # hung up while a script ran
            gone, self.script_port.gone = self.script_port.gone, []
            for conn in gone:
                self.free(conn)
        candidates: set[int] = set(readable)
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
        if self._pending:
            candidates |= self._pending
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
            self.state, eff = S.clients_wrote(self.state, accepted)
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

        loop.call_later(1.0 / (self.state.cron.hz or 10), tick)


def write_rdb(directory: str, dbfilename: str, data: bytes) -> bool:
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
    log.info("DB saved on disk")
    return True


class LoadError(Exception):
    """The RDB file at start-up is unreadable or corrupt: the server must not start."""


def load_rdb_at_start(state: ServerState, now_ms: int) -> ServerState:
    """``loadDataFromDisk``: the dataset of ``dir/dbfilename`` when the file exists (none:
    the state as it is). A corrupt or truncated file raises :class:`LoadError` with Redis's
    reason; nothing is served half-loaded because nothing is served before this returns."""
    path = os.path.join(str(state.config.get("dir", ".")),
                        str(state.config.get("dbfilename", "dump.rdb")))
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return state
    except OSError as e:
        raise LoadError(f"Fatal error loading the DB: {e.strerror}. Exiting.") from e
    t0 = time.monotonic()
    try:
        loaded = load_state(state, data, now_ms)
    except (RdbCorrupt, RdbUnsupported) as e:
        raise LoadError(f"{e} (file {path}). Fatal error loading the DB. Exiting.") from e
    keys = sum(len(d.keys) for d in loaded.dbs)
    log.info("DB loaded from disk: %.3f seconds", time.monotonic() - t0)
    log.info("Done loading RDB, keys loaded: %d.", keys)
    return loaded


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
                ready: asyncio.Event | None = None, clock: Clock | None = None) -> None:
    """Run the reference server until cancelled."""
    clock = clock or Clock()
    ref = Reference(state if state is not None else S.new_server(clock.now_ms()), clock, host)
    _tune_gc()
    loop = asyncio.get_running_loop()
    ref._loop = loop
    ref.listen(port)
    ref.start_cron()
    if ready is not None:
        ready.set()
    try:
        await asyncio.Future()
    finally:
        ref._use_listener(0, None)
        ref._after_listen(None)
        for conn in list(ref.conns.values()):
            ref.free(conn)


def run(host: str = "127.0.0.1", port: int = 6379, state: ServerState | None = None,
        clock: Clock | None = None) -> None:
    """Run the server in the foreground (uvloop when installed)."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    with contextlib.suppress(KeyboardInterrupt):
        runner(serve(host, port, state, clock=clock))
