"""One turn of Redis's event loop (``aeMain`` → ``aeProcessEvents``) as a pure transition.

ae's loop is ``beforeSleep → poll → file events → time events → beforeSleep → poll → ...``.
A turn here is that sequence cut at the poll: the poll's result is the input
(``readable``: the bytes each client's socket delivered, ``writable``: what each socket can
take now, both *in the order the poll reported the sockets*), then

1. **file events**, in the poll's order (``file_event_order``: epoll's ready order, an input
   of the turn as the time is; never re-sorted): for a readable client ``readQueryFromClient`` →
   ``processInputBuffer`` (``spec.server.client_input`` with nothing written yet: replies go
   to the client's pending output, as ``addReply`` queues them); then, for a client whose
   write handler is installed (it had output left over from an earlier turn) and whose socket
   is writable, ``writeToClient`` (``spec.server.client_writable``) with the write cap;
2. **time events**: ``serverCron`` when its time has come (every ``1000 / hz`` ms: clients'
   timeouts, the slow expire cycle, rehashing; ``spec.cron.server_cron``) and the CLIENT PAUSE
   end check (:func:`pause_tick`);
3. **beforeSleep**: blocked clients' timeouts and unblocked clients' input, the fast expire
   cycle (``spec.cron.before_sleep``), the pause check, then
   ``handleClientsWithPendingWrites``: every client with pending output, in id order, writes
   what its socket takes, at most ``NET_MAX_WRITES_PER_EVENT`` (``spec.transport.write_cap``).

Where the infinite loop is cut cannot be observed by a client; cutting at the poll makes a
turn's replies leave in the same turn. The turn is built only from the existing transitions;
``properties/test_eventloop_machine.py`` checks that it equals their composition in this order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .aof import before_sleep_flush, take_ops
from .cron import before_sleep, effective_hz, server_cron
from .effects import NO_EFFECTS, Effects, merge_effects
from .pause import pause_timed_out, update_pause
from .replica import replication_before_sleep
from .server import client_writable, clients_input, settle
from .state import AOF_OFF, ServerState, replace
from .step import Step
from .transport import write_cap

__all__ = ["event_loop_turn", "file_event_order", "cron_due", "flush_pending_writes",
           "pause_tick"]


def file_event_order(state: ServerState, readable: Mapping[int, bytes],
                     writable: Mapping[int, int | None]) -> list[int]:
    """The clients with a fired event, in the order ``aeApiPoll`` reported them: the order of
    ``readable`` (a dict keeps its insertion order), then the clients only in ``writable``, in
    its order; clients already gone are skipped.

    The order is an input of the turn, as the time is. On Linux ``aeApiPoll`` is
    ``epoll_wait``, which returns the ready sockets in the order they became ready (its ready
    list), not by descriptor, and ``aeProcessEvents`` handles them in that order. It decides
    who goes first when two clients' requests interact: W sends EXEC (after WATCH dst, MULTI),
    then R sends ``LPUSH src e`` that serves a ``BRPOPLPUSH src dst`` and so touches dst —
    Redis runs EXEC first and it succeeds, even when R's socket has the lower descriptor.
    So the order is taken as given, never re-sorted by fd or id."""
    clients = state.clients
    order = [cid for cid in readable if cid in clients]
    order += [cid for cid in writable if cid not in readable and cid in clients]
    return order


def pause_tick(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """``checkClientPauseTimeoutAndReturnIfPaused`` from the event loop: a pause whose end
    time has passed ends, and its postponed clients run their query buffers
    (``processUnblockedClients``)."""
    t = state.transport
    if not t.pause_type or not pause_timed_out(t.pause_end_ms, now_ms):
        return state, NO_EFFECTS
    s = Step(state, now_ms)
    update_pause(s, state.transport.pause_end_ms)
    return settle(s, now_ms)


def cron_due(state: ServerState, now_ms: int) -> bool:
    """``processTimeEvents``: serverCron fires once ``1000 / hz`` ms have passed since it was
    last run (``TransportState.cron_next_ms``)."""
    return now_ms >= state.transport.cron_next_ms


def flush_pending_writes(state: ServerState, capacity: dict[int, int | None],
                         now_ms: int | None = None) -> tuple[ServerState, Effects]:
    """``handleClientsWithPendingWrites``: every client with pending output writes, in id
    order, as much as its socket takes (``capacity``; a client not named takes nothing this
    turn) within the write cap. ``capacity`` is reduced by what was written."""
    eff: Effects = NO_EFFECTS
    clients = state.clients
    for cid in sorted(cid for cid in capacity
                      if (c := clients.get(cid)) is not None and c.reply):
        state, e = _write(state, cid, capacity, now_ms)
        eff = merge_effects(eff, e)
    return state, eff


def _write(state: ServerState, cid: int, capacity: dict[int, int | None],
           now_ms: int | None = None) -> tuple[ServerState, Effects]:
    """One write event for ``cid`` (``writeToClient``) within the write cap and what its
    socket still takes this turn; ``capacity`` is reduced by what was written."""
    before = len(state.clients[cid].reply)
    state, e = client_writable(state, cid, write_cap(state, capacity[cid]), now_ms)
    left = capacity[cid]
    if left is not None:
        capacity[cid] = max(0, left - (before - len(state.clients[cid].reply)))
    return state, e


def event_loop_turn(state: ServerState, now_ms: int, readable: Mapping[int, bytes],
                    writable: Mapping[int, int | None],
                    busy_port: Any = None) -> tuple[ServerState, Effects]:
    """One turn of the event loop at time ``now_ms`` after a poll that found ``readable``
    (client id -> bytes read) and ``writable`` (client id -> bytes the socket can take, None
    for no limit), in the order the poll reported them (``file_event_order``: epoll's ready
    order, an input). Returns the next state and everything the turn asks of the world.
    ``busy_port``: the world's side of a script running past busy-reply-threshold
    (``spec.server.clients_input``)."""
    capacity = dict(writable)
    eff: Effects = NO_EFFECTS
    # 1. file events, in the poll's order (an input, never re-sorted): read (and process),
    # then write if a handler is installed.
    # Consecutive reads run as one batch (``clients_input``: the same as ``client_input``
    # one after another, in one step); a write event in between ends the batch.
    had_pending = {cid for cid in capacity
                   if (c := state.clients.get(cid)) is not None and c.reply}
    batch: list[tuple[int, bytes]] = []
    for cid in file_event_order(state, readable, writable):
        data = readable.get(cid)
        if data is not None:
            batch.append((cid, data))
        if cid in had_pending:
            if batch:
                state, e = clients_input(state, batch, now_ms, busy_port)
                eff = merge_effects(eff, e)
                batch = []
            if cid in state.clients:
                state, e = _write(state, cid, capacity, now_ms)
                eff = merge_effects(eff, e)
    if batch:
        state, e = clients_input(state, batch, now_ms, busy_port)
        eff = merge_effects(eff, e)
    if state.loading.active:
        # While an RDB file loads, Redis handles only file events between loading steps
        # (``processEventsWhileBlocked``: no time events; beforeSleep only writes).
        state, e = flush_pending_writes(state, capacity, now_ms)
        return state, merge_effects(eff, e)
    # 2. time events: serverCron when due, with the CLIENT PAUSE end check.
    if cron_due(state, now_ms):
        state, e = server_cron(state, now_ms)
        eff = merge_effects(eff, e)
        period = 1000 // effective_hz(state)
        state = replace(state, transport=replace(state.transport,
                                                 cron_next_ms=now_ms + period))
        state, e = pause_tick(state, now_ms)
        eff = merge_effects(eff, e)
    # 3. beforeSleep: timeouts and unblocked clients, the fast expire cycle, the pause check,
    # then handleClientsWithPendingWrites.
    state, e = before_sleep(state, now_ms)
    eff = merge_effects(eff, e)
    state, e = pause_tick(state, now_ms)
    eff = merge_effects(eff, e)
    # beforeSleep's flushAppendOnlyFile, before handleClientsWithPendingWrites: the world
    # carries out the AOF operations before it writes any reply.
    if state.aof.status != AOF_OFF:
        state = before_sleep_flush(state, now_ms)
    if state.aof.ops:
        state, ops = take_ops(state)
        eff = merge_effects(eff, Effects(aof_ops=ops))
    # Replication: WAIT's GETACK and answers, each replica's share of the stream (Redis
    # writes it with the other pending replies), the link operations.
    r = state.repl
    b = r.backlog
    if r.outbox or r.ops or r.get_ack or r.waiting_acks or r.failover is not None or (
            b is not None and b.histlen > b.size):
        state, e = replication_before_sleep(state, now_ms)
        eff = merge_effects(eff, e)
    state, e = flush_pending_writes(state, capacity, now_ms)
    return state, merge_effects(eff, e)
