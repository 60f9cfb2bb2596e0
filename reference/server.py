"""The asyncio reference server: one process, one event loop, the spec state in one variable.

Each socket event becomes one spec transition — ``client_connect``, ``client_input`` (which
also hands out the replies the socket can take), ``client_writable``, ``client_disconnect`` —
and the server carries out the returned effects: write ``output`` bytes, give ``wake``d
clients their pending bytes, close what ``close`` names. It adds no Redis rule of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import time
from typing import Any

import attrs

from redspec.spec import server as S
from redspec.spec.state import ServerState
from redspec.spec.step import NO_EFFECTS, Effects


class Clock:
    """Where the server's time (unix ms) comes from: the wall clock, or a virtual clock that
    only moves when told to (``redspec serve --clock virtual``; REDSPEC CLOCK)."""

    def __init__(self, virtual: bool = False, start_ms: int | None = None) -> None:
        self.virtual = virtual
        self._ms = start_ms if start_ms is not None else int(time.time() * 1000)

    def now_ms(self) -> int:
        return self._ms if self.virtual else int(time.time() * 1000)

    def set_ms(self, ms: int) -> None:
        """Move a virtual clock to ``ms`` (the wall clock cannot be moved: ignored)."""
        if self.virtual:
            self._ms = ms


class Reference:
    """Holds the current ``ServerState``, the clock and the open connections."""

    def __init__(self, state: ServerState, clock: Clock | None = None) -> None:
        self.state = state
        self.clock = clock or Clock()
        self.conns: dict[int, Connection] = {}
        self._before_sleep_due = False
        #: The timer for the earliest blocked client's deadline (spec.blocking), and when.
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: int | None = None
        #: When the CLIENT PAUSE end-time timer fires (spec.transport), None when unarmed.
        self._pause_at: int | None = None
        #: Turn mode (``REDSPEC_TURNS=1``): input collected since the last turn, applied by one
        #: ``spec.eventloop.event_loop_turn`` per loop iteration (see :meth:`turn`).
        self.turns = os.environ.get("REDSPEC_TURNS", "") not in ("", "0")
        self._inbox: dict[int, list[bytes]] = {}
        self._turn_due = False

    def schedule_before_sleep(self) -> None:
        """Run ``beforeSleep`` once at the end of this event-loop iteration (ae's order: file
        events, then beforeSleep before polling again)."""
        if not self._before_sleep_due:
            self._before_sleep_due = True
            asyncio.get_running_loop().call_soon(self.before_sleep)

    def before_sleep(self) -> None:
        """``beforeSleep``: the fast active expire cycle (``spec.cron.before_sleep``)."""
        from redspec.spec.cron import before_sleep

        self._before_sleep_due = False
        self.state, eff = before_sleep(self.state, self.clock.now_ms())
        if eff is not NO_EFFECTS:
            self.apply(eff)
        if self.state.blocking.clients or self._timer is not None:
            self._arm_block_timer()
        if self.state.transport.pause_type:
            self._pause_check()

    def _pause_check(self) -> None:
        """CLIENT PAUSE: end a pause whose end time has come (``spec.transport.pause_tick``,
        which also runs the postponed clients), else wake up at its end time."""
        from redspec.spec.transport import next_pause_deadline, pause_tick

        now = self.clock.now_ms()
        self.state, eff = pause_tick(self.state, now)
        if eff is not NO_EFFECTS:
            self.apply(eff)
        d = next_pause_deadline(self.state)
        if d is not None and not self.clock.virtual and self._pause_at != d:
            self._pause_at = d
            asyncio.get_running_loop().call_later(max(0.0, (d + 1 - now) / 1000.0),
                                                  self._pause_fired)

    def schedule_turn(self) -> None:
        """Run one event-loop turn at the end of this asyncio iteration."""
        if not self._turn_due:
            self._turn_due = True
            asyncio.get_running_loop().call_soon(self.turn)

    def turn(self) -> None:
        """One ``event_loop_turn``: everything asyncio delivered since the last turn is the
        poll result (readable bytes per client; every socket not over its high-water mark is
        writable without limit), then the effects are carried out. Output left by the write
        cap makes another turn follow at once."""
        from redspec.spec.eventloop import event_loop_turn

        self._turn_due = False
        inbox, self._inbox = self._inbox, {}
        readable = {cid: parts[0] if len(parts) == 1 else b"".join(parts)
                    for cid, parts in inbox.items()}
        writable: dict[int, int | None] = {cid: (0 if c.paused else None)
                                           for cid, c in self.conns.items()}
        self.state, eff = event_loop_turn(self.state, self.clock.now_ms(), readable, writable)
        if eff is not NO_EFFECTS:
            if readable and len(eff.output) > 1:
                # as in per-event mode (see ``apply``): bytes for clients that sent nothing
                # this turn (Pub/Sub messages, MONITOR lines) are written before the replies
                out = eff.output
                eff = attrs.evolve(eff, output=tuple(o for o in out if o[0] not in readable)
                                   + tuple(o for o in out if o[0] in readable))
            self.apply(eff, wake=False)
        clients = self.state.clients
        if any(clients[cid].reply for cid, c in self.conns.items()
               if not c.paused and cid in clients):
            self.schedule_turn()

    def _pause_fired(self) -> None:
        self._pause_at = None
        self.before_sleep()

    def _arm_block_timer(self) -> None:
        """Wake up when the earliest blocked client's deadline has passed (wall clock; a
        virtual clock's REDSPEC CLOCK command is followed by ``beforeSleep`` anyway)."""
        from redspec.spec.blocking import next_deadline

        d = next_deadline(self.state)
        if d == self._timer_at and self._timer is not None:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_at = d
        if d is None or self.clock.virtual:
            return
        delay = max(0.0, (d + 1 - self.clock.now_ms()) / 1000.0)
        self._timer = asyncio.get_running_loop().call_later(delay, self._block_timer_fired)

    def _block_timer_fired(self) -> None:
        self._timer = None
        self.before_sleep()

    def apply(self, eff: Effects, wake: bool = True) -> None:
        """Carry out a transition's effects: bytes for woken clients (Pub/Sub messages), then
        the replies, then closes. (Redis writes the publisher's reply first; between sockets
        the order is not observable, and writing the messages first means a client that has
        the reply to PUBLISH can already read what the subscribers got.)"""
        conns = self.conns
        for cid in eff.wake if wake else ():  # a turn flushes pending output itself
            conn = conns.get(cid)
            if conn is not None and not conn.paused:  # a paused socket waits for resume
                self.state, more = S.client_writable(self.state, cid)
                if more is not NO_EFFECTS:
                    self.apply(more)
        for cid, data in eff.output:
            conn = conns.get(cid)
            if conn is not None:
                conn.transport.write(data)
        for cid in eff.close:
            conn = conns.get(cid)
            if conn is not None:
                # A paused transport holds bytes a peer is not reading (a client dropped for
                # its output-buffer limit): drop them, as Redis frees such a client at once.
                if conn.paused:
                    conn.transport.abort()
                else:
                    conn.transport.close()
        if eff.clock_set_ms is not None:
            self.clock.set_ms(eff.clock_set_ms)


class Connection(asyncio.Protocol):
    """One client connection: socket events in, transitions out."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self.cid = -1
        #: The transport's buffer is over its high-water mark (``pause_writing``): replies
        #: then stay pending in the spec state (``ClientIO.reply``), where output-buffer
        #: limits see them, instead of piling up in the transport.
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername") or ("?", 0)
        sock = transport.get_extra_info("sockname") or ("?", 0)
        fd = -1
        s = transport.get_extra_info("socket")
        if s is not None:
            with contextlib.suppress(Exception):
                fd = s.fileno()
        ref = self.ref
        ref.state, self.cid = S.client_connect(
            ref.state, ref.clock.now_ms(), addr=f"{peer[0]}:{peer[1]}",
            laddr=f"{sock[0]}:{sock[1]}", fd=fd,
        )
        ref.conns[self.cid] = self

    def data_received(self, data: bytes) -> None:
        ref = self.ref
        if ref.turns:  # collected for the next event-loop turn
            ref._inbox.setdefault(self.cid, []).append(data)
            ref.schedule_turn()
            return
        ref.state, eff = S.client_input(ref.state, self.cid, data, ref.clock.now_ms(),
                                        0 if self.paused else None)
        ref.schedule_before_sleep()
        if eff is NO_EFFECTS:
            return
        if len(eff.output) == 1 and not (eff.wake or eff.close or eff.clock_set_ms is not None):
            self.transport.write(eff.output[0][1])  # the common case: our own replies
        else:
            ref.apply(eff)

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        """The socket drained below the low-water mark: hand it what is pending."""
        self.paused = False
        ref = self.ref
        if ref.turns:
            ref.schedule_turn()
            return
        if self.cid in ref.conns:
            ref.state, eff = S.client_writable(ref.state, self.cid)
            if eff is not NO_EFFECTS:
                ref.apply(eff)

    def connection_lost(self, exc: Exception | None) -> None:
        ref = self.ref
        ref.state = S.client_disconnect(ref.state, self.cid)
        ref.conns.pop(self.cid, None)


def start_cron(ref: Reference) -> None:
    """Run ``serverCron`` (``spec.cron.server_cron``) every ``1000 / hz`` ms of wall time with
    the clock's time, carrying out its effects. With a virtual clock the state is told so
    (``CronState.virtual_clock``: REDSPEC CLOCK ADVANCE/SET then work)."""
    from redspec.spec.cron import server_cron
    from redspec.spec.state import replace

    loop = asyncio.get_running_loop()
    if ref.clock.virtual != ref.state.cron.virtual_clock:
        ref.state = replace(ref.state, cron=replace(ref.state.cron,
                                                    virtual_clock=ref.clock.virtual))

    def tick() -> None:
        if ref.turns:  # serverCron runs inside the turns (spec.eventloop): just wake one up
            ref.schedule_turn()
            loop.call_later(1.0 / (ref.state.cron.hz or 10), tick)
            return
        ref.state, eff = server_cron(ref.state, ref.clock.now_ms())
        if eff is not NO_EFFECTS:
            ref.apply(eff)
        loop.call_later(1.0 / (ref.state.cron.hz or 10), tick)

    loop.call_later(1.0 / (ref.state.cron.hz or 10), tick)


def _tune_gc() -> None:
    """The state is a large acyclic graph of persistent-map nodes that lives long; Python's
    cyclic GC would rescan it again and again as it grows. Collect young objects rarely."""
    gc.set_threshold(50_000, 50, 100)


async def serve(host: str = "127.0.0.1", port: int = 6379, state: ServerState | None = None,
                ready: asyncio.Event | None = None, clock: Clock | None = None) -> None:
    """Run the reference server until cancelled."""
    clock = clock or Clock()
    ref = Reference(state if state is not None else S.new_server(clock.now_ms()), clock)
    _tune_gc()
    start_cron(ref)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(ref), host, port, reuse_address=True,
                                      backlog=511)
    if ready is not None:
        ready.set()
    async with server:
        await server.serve_forever()


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
