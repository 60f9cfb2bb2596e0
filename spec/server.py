"""The top-level transitions: what the world can do to a server.

Every function here is pure: it takes a ``ServerState`` (and time in unix ms, and bytes)
and returns the next state plus its effects. The reference server calls nothing else.

- :func:`new_server` — ``initServer``: the state at start.
- :func:`client_connect` — ``createClient``: a connection was accepted.
- :func:`client_input` — ``readQueryFromClient`` + ``processInputBuffer``, then
  ``writeToClient``: bytes arrived; the replies go out as far as the socket takes them.
- :func:`client_writable` — ``writeToClient``: the socket can take (more) reply bytes.
- :func:`client_wrote` — the socket accepted ``n`` bytes of the pending reply.
- :func:`client_disconnect` — ``freeClient``: the connection is gone.
- :func:`run_command` — a convenience for tests: one argv, one encoded reply.
"""

from __future__ import annotations

from typing import Any

from .acl import client_authenticated_at_start
from .aofload import debug_loadaof  # DEBUG LOADAOF: registered with the DEBUG subcommands
from .blocking import block_timed_out, reply_timed_out
from .blocking import unblock_on_free as _unblock
from .config import default_config
from .dict import DictState
from .dispatch import run_and_encode
from .effects import NO_EFFECTS, Effects, merge_effects
from .migrate import Exchange, MigratePort
from .networking import (
    accumulate,
    client_writable,
    client_wrote,
    clients_wrote,
    process_input_buffer,
    query_buffer,
)
from .obuf import deliver
from .pubsub import unsubscribe_on_free as _unsubscribe
from .replication import master_disconnected, replica_freed
from .state import REPL_STATE_CONNECT, Client, Db, ReplState, ServerState, new_client, replace
from .step import Step
from .tracking import (
    broadcast_invalidations,
    disable_tracking_on_free,
    limit_used_slots,
    pending_frames,
)
from .transport import leave_on_free as _leave_monitors
from .watch import unwatch_on_free as _unwatch

__all__ = [
    "debug_loadaof",
    "new_server",
    "client_connect",
    "client_refused",
    "client_input",
    "clients_input",
    "client_writable",
    "client_wrote",
    "clients_wrote",
    "client_disconnect",
    "run_command",
    "output_for",
    "process_unblocked_clients",
    "handle_blocked_clients_timeout",
    "with_replid",
]


def output_for(effects: Effects, client_id: int) -> bytes:
    """The reply bytes ``effects`` hands to ``client_id``'s connection (tests, tools)."""
    return b"".join(data for cid, data in effects.output if cid == client_id)


def new_server(now_ms: int = 0, seed: int = 0x5EED, run_id: str = "0" * 40,
               **config: Any) -> ServerState:
    """``initServer``: empty databases, no clients, the given config over the defaults.

    A state built here has no ``save`` points unless given some: the pure spec has no disk,
    and a save point would make a transition ask the world for a fork or a file write
    (``spec.persist``). ``redspec serve`` passes Redis's default points (``PARAMS``)."""
    config.setdefault("save", "")
    cfg = default_config(**config)
    return ServerState(
        dbs=tuple(Db(i) for i in range(cfg["databases"])),
        config=cfg,
        start_time_ms=now_ms,
        rng=seed,
        run_id=run_id,
        dicts=DictState.from_seed(seed),
        repl=configured_master(ReplState(replid=initial_replid(seed), salt=initial_replid(seed)),
                               cfg["replicaof"]),
    )


def with_replid(state: ServerState, replid: str) -> ServerState:
    """The state with the replication id the world drew at start (``initServer``'s
    ``changeReplicationId``: 40 random hex characters from /dev/urandom in Redis)."""
    return replace(state, repl=replace(state.repl, replid=replid, salt=replid))


def configured_master(r: ReplState, replicaof: str) -> ReplState:
    """A ``replicaof host port`` of the configuration: the server starts as a replica whose
    link is to be connected (``REPL_STATE_CONNECT``: the first replicationCron connects)."""
    if not replicaof:
        return r
    host, port = replicaof.rsplit(" ", 1)
    return replace(r, masterhost=host, masterport=int(port), link_state=REPL_STATE_CONNECT)


def initial_replid(seed: int) -> str:
    """``initServer``'s ``changeReplicationId``: the replication id a server starts with
    (random in Redis; here drawn from the seed, so a seeded server is reproducible)."""
    x = (seed ^ 0x5DEECE66D) & 0xFFFFFFFFFFFFFFFF
    out = ""
    while len(out) < 40:
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out += f"{x >> 32:08x}"
    return out[:40]


def client_connect(state: ServerState, now_ms: int, addr: str = "127.0.0.1:0",
                   laddr: str = "127.0.0.1:6379", fd: int = -1) -> tuple[ServerState, int]:
    """``createClient``: register a new connection; returns the state and the client id."""
    cid = state.next_client_id
    c = new_client(cid, now_ms, state.config, addr, laddr, fd,
                   authenticated=client_authenticated_at_start(state))
    stats = replace(
        state.stats, total_connections_received=state.stats.total_connections_received + 1
    )
    return (
        replace(state, clients=state.clients.set(cid, c), next_client_id=cid + 1, stats=stats),
        cid,
    )


#: ``acceptCommonHandler``'s refusal of a connection past ``maxclients`` (written straight to
#: the socket, before any client exists: the same bytes in RESP2 and RESP3).
MAX_CLIENTS_REACHED = b"-ERR max number of clients reached\r\n"


def client_refused(state: ServerState) -> tuple[ServerState, bytes] | None:
    """``acceptCommonHandler``'s admission control, before ``createClient``: when
    ``maxclients`` clients are connected, the new connection gets
    :data:`MAX_CLIENTS_REACHED` and is closed without becoming a client
    (``stat_rejected_conn``, INFO ``rejected_connections``, counts it;
    ``total_connections_received`` does not). None: admitted (``client_connect`` next)."""
    if len(state.clients) < int(state.config["maxclients"]):
        return None
    stats = replace(state.stats, rejected_connections=state.stats.rejected_connections + 1)
    return replace(state, stats=stats), MAX_CLIENTS_REACHED


def client_input(state: ServerState, client_id: int, data: bytes, now_ms: int,
                 write_capacity: int | None = None,
                 busy_port: Any = None) -> tuple[ServerState, Effects]:
    """``readQueryFromClient`` then ``processInputBuffer``: run every whole request in order;
    then ``writeToClient``: up to ``write_capacity`` bytes of the replies (all when None: the
    socket takes everything) go out in ``Effects.output``, the rest stay in ``reply``.

    Replies are produced in command order. A protocol error
    replies ``-ERR Protocol error: ...`` (counted as an ERR error reply) and marks the client
    to close after that reply; nothing after the bad request is processed. Going over
    ``client-query-buffer-limit`` closes with no reply (see ``spec.resp``). While a big
    argument is still arriving, chunks wait unjoined in ``querybuf_tail``. A client already
    closing ignores input.
    """
    c = state.clients.get(client_id)
    if c is None or c.closing:
        return state, NO_EFFECTS
    if c.info.bpop is not None:  # CLIENT_BLOCKED: input accumulates (spec.blocking)
        return accumulate(state, c, data, now_ms), NO_EFFECTS
    buf = query_buffer(c, data, now_ms)
    if isinstance(buf, Client):  # a big argument still arriving: nothing can happen yet
        return replace(state, clients=state.clients.set(client_id, buf)), NO_EFFECTS
    s = Step(state, now_ms, client_id)
    s.busy_port = busy_port  # a script past busy-reply-threshold serves others through it
    sent = process_input_buffer(s, client_id, buf, now_ms, write_capacity)
    return _after_input(s, client_id, sent, now_ms)


def clients_input(state: ServerState, batch: list[tuple[int, bytes]],
                  now_ms: int, busy_port: Any = None) -> tuple[ServerState, Effects]:
    """The read events of one event-loop turn (``spec.eventloop``): ``readQueryFromClient``
    for each ``(client id, bytes)`` in ``batch`` order, nothing written yet. That order is an
    input: the order the poll reported the sockets (``aeApiPoll``: epoll's ready order, the
    order the sockets became ready), never re-sorted by fd or id.

    Means exactly ``client_input(state, cid, data, now_ms, 0)`` for each in turn (a property
    checks it); it is that composition run in one :class:`Step`, so a turn with many
    readable clients rebuilds the server state once. The step is committed early (and a new
    one opened) whenever what a client did must be settled before the next one reads:
    replies or messages for other clients, unblocked clients to serve, or a client that is
    blocked or still receiving a big argument.

    ``busy_port`` (``spec.scripting.BusyPort``) is where a script running past
    ``busy-reply-threshold`` reads other clients' input and writes their replies (None: no
    such events; the script's time is then its instruction count).
    """
    eff: Effects = NO_EFFECTS
    s: Step | None = None
    queue = list(batch)
    if busy_port is not None:
        busy_port = TurnPort(busy_port, queue)
    while queue:
        cid, data = queue.pop(0)
        if s is None:
            c = state.clients.get(cid)
        elif cid == s.client.id:
            c = s.client
        else:
            c = s.clients.get(cid)
        if c is None or c.closing:
            continue
        buf: Any = None
        if c.info.bpop is None:
            buf = query_buffer(c, data, now_ms)
        if type(buf) is not bytes:  # blocked, or a big argument arriving: the general path
            if s is not None:
                state, e = _after_input(s, s.client.id, b"", now_ms)
                eff = merge_effects(eff, e)
                s = None
            state, e = client_input(state, cid, data, now_ms, 0, busy_port)
            eff = merge_effects(eff, e)
            continue
        if s is None:
            s = Step(state, now_ms, cid)
            s.busy_port = busy_port
        else:
            s.switch_client(cid)
        process_input_buffer(s, cid, buf, now_ms, 0)
        if must_settle(s):
            state, e = _after_input(s, cid, b"", now_ms)
            eff = merge_effects(eff, e)
            s = None
    if s is not None:
        state, e = _after_input(s, s.client.id, b"", now_ms)
        eff = merge_effects(eff, e)
    return state, eff


class TurnPort:
    """The port a busy script gets inside a turn of read events: the reads of this turn not
    processed yet come first (Redis's nested poll in ``processEventsWhileBlocked`` reports
    those sockets again, their bytes still unread; here they were read with the turn's poll,
    so they are taken out of the turn's queue and processed inside the script), then what
    the world's port reads. The caller's own reads stay in the queue (``protectClient``)."""

    def __init__(self, port: Any, queue: list[tuple[int, bytes]]) -> None:
        self.port = port
        self.queue = queue

    def clock_ms(self, instructions: int) -> int:
        """The world's port's clock."""
        return int(self.port.clock_ms(instructions))

    def events(self, protected: int) -> list[tuple[int, bytes]]:
        """This turn's unprocessed reads of other clients (taken out of the queue), then the
        world's port's events."""
        q = self.queue
        mine = [e for e in q if e[0] != protected]
        if mine:
            q[:] = [e for e in q if e[0] == protected]
        return mine + list(self.port.events(protected))

    def reply(self, client_id: int, data: bytes) -> None:
        """Written by the world's port."""
        self.port.reply(client_id, data)

    def accepted(self) -> list[tuple[str, str, int]]:
        """The world's port's new connections."""
        return list(self.port.accepted())

    def bind(self, fd: int, client_id: int) -> None:
        """Told to the world's port."""
        self.port.bind(fd, client_id)

    def migrate_connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        """MIGRATE's connection, by the world's port (``spec.migrate``; none: it fails)."""
        world = self.port
        return isinstance(world, MigratePort) and world.migrate_connect(name, host, port,
                                                                        timeout_ms)

    def migrate_exchange(self, name: bytes, data: bytes, lines: int,
                         timeout_ms: int) -> Exchange:
        """MIGRATE's exchange, by the world's port (connected only through it)."""
        return self.port.migrate_exchange(name, data, lines, timeout_ms)  # type: ignore[no-any-return]

    def migrate_close(self, name: bytes) -> None:
        """MIGRATE's connection closed by the world's port."""
        if isinstance(self.port, MigratePort):
            self.port.migrate_close(name)


def must_settle(s: Step) -> bool:
    """Whether the read events run so far in ``s`` must be committed before the next
    client reads: bytes were queued for other clients (delivered at commit, before anything
    the next client adds) or clients were unblocked (served right after the read event)."""
    if s.others_out:
        return True
    b = s.changed_part("blocking")
    return b is not None and bool(b.unblocked)


def _after_input(s: Step, client_id: int, sent: bytes,
                 now_ms: int) -> tuple[ServerState, Effects]:
    """Commit a step of read events; then deliver what was queued for other clients
    (``spec.obuf.deliver``) and serve clients the step unblocked
    (``processUnblockedClients``)."""
    new = s.commit()
    if s.others_out:
        new, closed = deliver(new, s.others_out, now_ms)
        if closed:
            s.close |= closed
    output = ((client_id, sent),) if sent else ()
    rare = s.propagate or s.close or s.others_out or s.notifications \
        or s.clock_set_ms is not None or s.listen_port is not None \
        or s.kill_child is not None or s.exit_code is not None
    if not rare and not new.blocking.unblocked:
        return new, (Effects(output) if output else NO_EFFECTS)
    eff = Effects(
        output,
        tuple(s.propagate),
        frozenset(s.close),
        frozenset(s.others_out),
        tuple(s.notifications),
        s.clock_set_ms,
        s.listen_port,
        s.kill_child,
        s.exit_code,
    )
    if new.blocking.unblocked:  # processUnblockedClients: served clients resume their input
        new, more = process_unblocked_clients(new, now_ms, s.busy_port)
        eff = merge_effects(eff, more)
    return new, eff


def client_disconnect(state: ServerState, client_id: int,
                      now_ms: int | None = None) -> ServerState:
    """``freeClient``: forget the client and everything it held, in ``freeClient``'s order:
    ``unblockClient`` (a blocked or postponed client leaves the key queues, the timeout
    table and the unblocked list), ``unwatchAllKeys``, ``pubsubUnsubscribeAllChannels``,
    ``pubsubUnsubscribeShardAllChannels`` and ``pubsubUnsubscribeAllPatterns``, then the
    client is unlinked and, for a monitor, removed from ``server.monitors``."""
    c = state.clients.get(client_id)
    if c is None:
        return state
    state = _unblock(state, c)
    state = _unwatch(state, c)
    state = _unsubscribe(state, c)
    state = _leave_monitors(state, c)
    state = disable_tracking_on_free(state, c)
    if c.info.repl is not None or c.id in state.repl.waiting_acks:  # a replica, a WAIT
        state = replica_freed(state, c, now_ms or 0)
    if c.id == state.repl.master_client:  # replicationHandleMasterDisconnection
        state = master_disconnected(state, c, now_ms or 0)
    return replace(state, clients=state.clients.delete(client_id))


def run_command(state: ServerState, client_id: int, argv: list[bytes],
                now_ms: int) -> tuple[ServerState, bytes]:
    """Run one command for ``client_id``; returns the new state and the encoded reply."""
    s = Step(state, now_ms, client_id)
    frame = run_and_encode(s, argv)
    if s.tracking_pending:
        frame += pending_frames(s)
    s.update_client(last_cmd=s.cmd.name if s.cmd is not None else "NULL",
                    last_interaction_ms=now_ms)
    return s.commit(), frame


def tracking_before_sleep(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """beforeSleep → ``trackingBroadcastInvalidationMessages``: the BCAST clients get the
    keys modified since the last time (``spec.tracking``)."""
    if not state.tracking.prefixes:
        return state, NO_EFFECTS
    s = Step(state, now_ms)
    broadcast_invalidations(s)
    return settle(s, now_ms)


def tracking_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """serverCron → ``trackingLimitUsedSlots``: keep the tracking table within
    ``tracking-table-max-keys``."""
    limit = state.config["tracking-table-max-keys"]
    if not limit or len(state.tracking.table) <= limit:
        return state, NO_EFFECTS
    s = Step(state, now_ms)
    limit_used_slots(s)
    return settle(s, now_ms)


def handle_blocked_clients_timeout(state: ServerState,
                                   now_ms: int) -> tuple[ServerState, Effects]:
    """``handleBlockedClientsTimeout`` (beforeSleep) / ``clientsCronHandleTimeout``: every
    client whose deadline has passed (``deadline < now``), earliest first, gets a null array
    and is unblocked; then the unblocked clients resume their input."""
    due = sorted((d, cid) for cid, d in state.blocking.clients.items()
                 if d and block_timed_out(d, now_ms))
    if not due:
        return process_unblocked_clients(state, now_ms) if state.blocking.unblocked \
            else (state, NO_EFFECTS)
    s = Step(state, now_ms)
    for _, cid in due:
        reply_timed_out(s, cid)
    return settle(s, now_ms)


def settle(s: Step, now_ms: int) -> tuple[ServerState, Effects]:
    """Commit a step of no client (a timeout, a pause ending): deliver what it queued for
    clients (``spec.obuf.deliver``), then let the clients it unblocked resume their input."""
    new = s.commit()
    eff: Effects = NO_EFFECTS
    if s.others_out:
        new, closed = deliver(new, s.others_out, now_ms)
        eff = Effects(close=closed, wake=frozenset(s.others_out))
    new, more = process_unblocked_clients(new, now_ms)
    return new, merge_effects(eff, more)


def process_unblocked_clients(state: ServerState, now_ms: int,
                              busy_port: Any = None) -> tuple[ServerState, Effects]:
    """``processUnblockedClients``: clients just unblocked run what accumulated in their
    query buffer (``client_input`` with no new bytes), in unblocking order (with the turn's
    busy port, for a script among them)."""
    eff = NO_EFFECTS
    while state.blocking.unblocked:
        b = state.blocking
        cid = b.unblocked[0]
        state = replace(state, blocking=replace(b, unblocked=b.unblocked[1:]))
        c = state.clients.get(cid)
        if c is None or c.info.bpop is not None or c.closing:
            continue
        if c.querybuf or c.querybuf_tail is not None:
            # its replies join its pending output (the client is woken to write them)
            state, e = client_input(state, cid, b"", now_ms, 0, busy_port)
            eff = merge_effects(eff, e)
            c = state.clients.get(cid)
            if c is not None and c.reply:
                eff = merge_effects(eff, Effects(wake=frozenset((cid,))))
    return state, eff
