"""Several servers and the network between them, as one pure state: the multi-node model.

Replication is the first mechanism where servers talk to each other; cluster and failover
will use the same model. A :class:`World` is a set of named nodes — each a
``ServerState`` driven only by the single-node transitions of ``spec.server``,
``spec.eventloop`` and ``spec.replica`` (nothing of Redis is written twice here) — and the
TCP connections between them, each two **ordered byte streams** (what one side wrote and the
other has not read yet). The world's transitions are the events a network and an operator
can cause, with the time an input:

- :func:`command` — a user client of a node runs one command (``REPLICAOF``, a write, …);
- :func:`deliver` — up to ``n`` bytes in flight on one direction of a connection reach the
  reader (a read event of its node: ``link_input`` while the replica's link is in its
  handshake, client input otherwise);
- :func:`tick` — the clock advances and every node's event loop turns (serverCron,
  replicationCron, beforeSleep: the stream handed to replicas);
- :func:`child_exit` — a node's BGSAVE child ends (its snapshot goes to the replicas);
- :func:`drop` — a connection breaks (both ends see it closed);
- :func:`partition` / :func:`heal` — two nodes cannot reach each other (their connections
  break and new ones are refused) / can again;
- :func:`crash` / :func:`restart` — a node loses its memory and connections / starts again
  from its last RDB file (``dbfilename``: what its BGSAVEs and full syncs wrote).

What a node asks of the world is carried out here as the reference server carries it out
against real sockets: a fork is answered with a fresh pid, a replica's ``connect`` opens a
connection to the node listening at that address (refused if down or partitioned),
``send`` appends to the connection, ``adopt`` makes the link a client, ``rdb_file`` writes
the node's file, replies and the stream written to a client go on its connection.
Properties and the explorer run schedules over it (``properties/test_repl_world.py``,
``properties/explorer_repl.py``). Layer: nodes (above the server transitions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from immutables import Map

from .commands.dump import debug_digest
from .effects import NO_EFFECTS, Effects
from .eventloop import event_loop_turn
from .persist import (
    ForkOutcomeNeeded,
    load_state,
    save_state,
    with_child_exit,
    with_fork_outcome,
)
from .replica import link_closed, link_connected, link_input
from .server import client_connect, client_disconnect, client_writable, new_server
from .state import ServerState
from .step import Step

__all__ = ["World", "Conn", "Node", "new_world", "command", "deliver", "tick", "turn", "drop",
           "child_exit", "partition", "heal", "crash", "restart", "digest", "in_flight",
           "settle_network", "address_of"]

#: A node's address in the model: its name as the host, and this port.
PORT = 6379


@attrs.frozen(slots=True)
class Conn:
    """One TCP connection from ``a`` (the node that connected: a replica's link) to ``b``
    (the node that accepted: ``b_client`` is the client it made). ``a_client`` is the
    client id on ``a`` once the link became the master client (``adopt``), else None (the
    link is still in its handshake). ``to_b`` / ``to_a``: bytes written and not read."""

    a: str
    b: str
    b_client: int
    a_client: int | None = None
    to_b: bytes = b""
    to_a: bytes = b""


@attrs.frozen(slots=True)
class Node:
    """A server of the model: its state (None while crashed), the configuration it starts
    with, its RDB file (None: none written yet), its user client's id, its running child's
    pid and the replies its user client got (newest last)."""

    state: ServerState | None
    config: Map[str, Any]
    disk: bytes | None = None
    user: int = 0
    child: int | None = None
    replies: tuple[bytes, ...] = ()


@attrs.frozen(slots=True)
class World:
    """The nodes by name, the connections by id, the time, and the cut node pairs."""

    nodes: Map[str, Node]
    conns: Map[int, Conn] = Map()
    now_ms: int = 1_000_000
    next_conn: int = 1
    next_pid: int = 100
    cut: frozenset[frozenset[str]] = frozenset()


def address_of(name: str) -> tuple[bytes, bytes]:
    """The host and port a REPLICAOF names to reach node ``name``."""
    return name.encode(), b"%d" % PORT


def _boot(name: str, config: Map[str, Any], now_ms: int, seed: int,
          disk: bytes | None) -> Node:
    """A node started: a fresh server (loading its RDB file if it has one) and its user
    client."""
    st = new_server(now_ms, seed=seed, **dict(config.items()))
    if disk is not None:
        st = load_state(st, disk, now_ms)
    st, uid = client_connect(st, now_ms, addr=f"user@{name}:1")
    return Node(st, config, disk, uid)


def new_world(names: tuple[str, ...], now_ms: int = 1_000_000,
              **config: Any) -> World:
    """Nodes named ``names``, each a fresh server with ``config`` (no save points, diskless
    sync without delay unless given), no connections."""
    cfg = {"repl-diskless-sync-delay": 0, **config}
    nodes = Map({n: _boot(n, Map(cfg), now_ms, 0x5EED + i, None)
                 for i, n in enumerate(names)})
    return World(nodes, now_ms=now_ms)


# -- running a node's transition, and carrying out what it asks ------------------------------

def _run(w: World, name: str, fn: Callable[[ServerState], tuple[ServerState, Effects]]
         ) -> World:
    """Run one transition of node ``name`` (answering the forks it asks for) and carry out
    its effects."""
    node = w.nodes[name]
    st = node.state
    assert st is not None
    pid = w.next_pid
    while True:
        try:
            st, eff = fn(st)
            break
        except ForkOutcomeNeeded:
            st = with_fork_outcome(st, pid)
            node = attrs.evolve(node, child=pid)
            pid += 1
    w = attrs.evolve(w, next_pid=pid, nodes=w.nodes.set(name, attrs.evolve(node, state=st)))
    return _effects(w, name, eff)


def _conn_of_client(w: World, name: str, cid: int) -> tuple[int, Conn, str] | None:
    """The connection behind client ``cid`` of node ``name`` and which end it is."""
    for k, c in w.conns.items():
        if c.b == name and c.b_client == cid:
            return k, c, "b"
        if c.a == name and c.a_client == cid:
            return k, c, "a"
    return None


def _link_conn(w: World, name: str) -> tuple[int, Conn] | None:
    """Node ``name``'s replica link still in its handshake (not a client yet)."""
    for k, c in w.conns.items():
        if c.a == name and c.a_client is None:
            return k, c
    return None


def _effects(w: World, name: str, eff: Effects) -> World:
    """Carry out node ``name``'s effects: bytes written to clients go on their connections
    (the user client's replies are kept), clients to close are closed, the link operations
    are done in order."""
    if eff is NO_EFFECTS:
        return w
    for op in eff.repl_ops:  # first: an adopted link receives this transition's output
        w = _repl_op(w, name, op)
    for cid, data in eff.output:
        w = _write(w, name, cid, data)
    for cid in sorted(eff.wake):  # replies queued for other clients: their sockets take all
        node = w.nodes[name]
        if node.state is None or cid not in node.state.clients:
            continue
        st, e = client_writable(node.state, cid)
        w = attrs.evolve(w, nodes=w.nodes.set(name, attrs.evolve(node, state=st)))
        for c2, data in e.output:
            w = _write(w, name, c2, data)
    for cid in eff.close:
        w = _close_client(w, name, cid)
    return w


def _write(w: World, name: str, cid: int, data: bytes) -> World:
    node = w.nodes[name]
    if cid == node.user:
        return attrs.evolve(w, nodes=w.nodes.set(name, attrs.evolve(
            node, replies=node.replies + (data,))))
    hit = _conn_of_client(w, name, cid)
    if hit is None:
        return w
    k, c, end = hit
    c = attrs.evolve(c, to_a=c.to_a + data) if end == "b" else attrs.evolve(c, to_b=c.to_b + data)
    return attrs.evolve(w, conns=w.conns.set(k, c))


def _repl_op(w: World, name: str, op: tuple[Any, ...]) -> World:
    kind = op[0]
    if kind == "connect":
        return _connect(w, name, str(op[1]))
    if kind == "send":
        hit = _link_conn(w, name)
        if hit is None:
            return w
        k, c = hit
        return attrs.evolve(w, conns=w.conns.set(k, attrs.evolve(c, to_b=c.to_b + op[1])))
    if kind == "close":
        hit = _link_conn(w, name)
        return w if hit is None else _break(w, hit[0], notify_a=False)
    if kind == "adopt":
        hit = _link_conn(w, name)
        if hit is None:
            return w
        k, c = hit
        return attrs.evolve(w, conns=w.conns.set(k, attrs.evolve(c, a_client=int(op[1]))))
    if kind == "rdb_file":
        node = w.nodes[name]
        return attrs.evolve(w, nodes=w.nodes.set(name, attrs.evolve(node, disk=op[1])))
    return w


def _reachable(w: World, a: str, b: str) -> bool:
    node = w.nodes.get(b)
    return (node is not None and node.state is not None
            and frozenset((a, b)) not in w.cut)


def _connect(w: World, name: str, host: str) -> World:
    """A replica's non-blocking connect: the target accepts (a new client there) and the
    replica learns the outcome at once; an unreachable target refuses."""
    if not _reachable(w, name, host):
        return _run(w, name, lambda st: link_connected(st, w.now_ms, False))
    target = w.nodes[host]
    assert target.state is not None
    st, cid = client_connect(target.state, w.now_ms, addr=f"{name}:{PORT}",
                             laddr=f"{host}:{PORT}")
    k = w.next_conn
    w = attrs.evolve(w, next_conn=k + 1, conns=w.conns.set(k, Conn(name, host, cid)),
                     nodes=w.nodes.set(host, attrs.evolve(target, state=st)))
    return _run(w, name, lambda s: link_connected(s, w.now_ms, True))


def _close_client(w: World, name: str, cid: int) -> World:
    """A node closes client ``cid``: its connection breaks (the other end sees it)."""
    hit = _conn_of_client(w, name, cid)
    if hit is None:
        node = w.nodes[name]
        if node.state is not None and cid in node.state.clients:
            st = client_disconnect(node.state, cid, w.now_ms)
            w = attrs.evolve(w, nodes=w.nodes.set(name, attrs.evolve(node, state=st)))
        return w
    return _break(w, hit[0])


def _break(w: World, k: int, notify_a: bool = True) -> World:
    """Connection ``k`` breaks: both ends free their client (the replica's link in its
    handshake sees ``link_closed``)."""
    c = w.conns.get(k)
    if c is None:
        return w
    w = attrs.evolve(w, conns=w.conns.delete(k))
    nb = w.nodes.get(c.b)
    if nb is not None and nb.state is not None and c.b_client in nb.state.clients:
        w = attrs.evolve(w, nodes=w.nodes.set(c.b, attrs.evolve(
            nb, state=client_disconnect(nb.state, c.b_client, w.now_ms))))
    na = w.nodes.get(c.a)
    if na is not None and na.state is not None:
        if c.a_client is not None:
            if c.a_client in na.state.clients:
                w = attrs.evolve(w, nodes=w.nodes.set(c.a, attrs.evolve(
                    na, state=client_disconnect(na.state, c.a_client, w.now_ms))))
        elif notify_a:
            w = _run(w, c.a, lambda st: link_closed(st, w.now_ms))
    return w


# -- the world's transitions -----------------------------------------------------------------

def command(w: World, name: str, *argv: bytes) -> World:
    """Node ``name``'s user client sends one command (its reply is appended to the node's
    ``replies``)."""
    node = w.nodes[name]
    if node.state is None:
        return w
    req = b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)
    return _run(w, name, lambda st: event_loop_turn(st, w.now_ms, {node.user: req},
                                                    _writable(st)))


def _writable(st: ServerState) -> dict[int, int | None]:
    """Every client's socket takes everything (the model's network buffers have no limit)."""
    return {cid: None for cid in st.clients}


def deliver(w: World, k: int, to: str, n: int | None = None) -> World:
    """Up to ``n`` (all when None) of the bytes in flight on connection ``k`` towards node
    ``to`` are read by it."""
    c = w.conns.get(k)
    if c is None:
        return w
    if to == c.b:
        data, left = (c.to_b, b"") if n is None else (c.to_b[:n], c.to_b[n:])
        if not data:
            return w
        w = attrs.evolve(w, conns=w.conns.set(k, attrs.evolve(c, to_b=left)))
        return _run(w, c.b, lambda st: event_loop_turn(st, w.now_ms, {c.b_client: data},
                                                       _writable(st)))
    data, left = (c.to_a, b"") if n is None else (c.to_a[:n], c.to_a[n:])
    if not data:
        return w
    w = attrs.evolve(w, conns=w.conns.set(k, attrs.evolve(c, to_a=left)))
    if c.a_client is None:
        return _run(w, c.a, lambda st: link_input(st, w.now_ms, data))
    cid = c.a_client
    return _run(w, c.a, lambda st: event_loop_turn(st, w.now_ms, {cid: data},
                                                   _writable(st)))


def tick(w: World, ms: int = 1000) -> World:
    """The clock advances ``ms``; every running node's event loop turns at each of its
    serverCron times on the way (every ``1000 / hz`` ms) and once at the end (beforeSleep:
    the stream handed to replicas)."""
    end = w.now_ms + ms
    for name in sorted(w.nodes.keys()):
        node = w.nodes[name]
        if node.state is None:
            continue
        at = node.state.transport.cron_next_ms
        while at < end:
            w = _run(w, name, _turn_at(max(at, w.now_ms)))
            st = w.nodes[name].state
            if st is None or st.transport.cron_next_ms <= at:
                break
            at = st.transport.cron_next_ms
    w = attrs.evolve(w, now_ms=end)
    for name in sorted(w.nodes.keys()):
        if w.nodes[name].state is not None:
            w = _run(w, name, lambda st: event_loop_turn(st, end, {}, _writable(st)))
    return w


def turn(w: World, name: str) -> World:
    """Node ``name``'s event loop turns once now with no input (beforeSleep: what its last
    events queued goes out)."""
    if w.nodes[name].state is None:
        return w
    return _run(w, name, _turn_at(w.now_ms))


def _turn_at(t: int) -> Callable[[ServerState], tuple[ServerState, Effects]]:
    """An event-loop turn at time ``t`` with no input."""
    def turn(st: ServerState) -> tuple[ServerState, Effects]:
        return event_loop_turn(st, t, {}, _writable(st))
    return turn


def child_exit(w: World, name: str, ok: bool = True) -> World:
    """Node ``name``'s BGSAVE child ends (serverCron handles it at the next tick). The RDB
    file of a disk save is the node's new file."""
    node = w.nodes[name]
    if node.state is None or node.child is None or node.state.persist.child is None:
        return w
    child = node.state.persist.child
    st = with_child_exit(node.state, node.child, 0 if ok else 1, 0)
    disk = node.disk
    if ok and node.state.repl.child_target != "socket":
        disk = save_state(child.snapshot, child.start_ms)
    return attrs.evolve(w, nodes=w.nodes.set(name, attrs.evolve(node, state=st, child=None,
                                                                disk=disk)))


def drop(w: World, k: int) -> World:
    """Connection ``k`` breaks."""
    return _break(w, k)


def partition(w: World, a: str, b: str) -> World:
    """Nodes ``a`` and ``b`` can no longer reach each other: their connections break."""
    w = attrs.evolve(w, cut=w.cut | {frozenset((a, b))})
    for k, c in list(w.conns.items()):
        if {c.a, c.b} == {a, b}:
            w = _break(w, k)
    return w


def heal(w: World, a: str, b: str) -> World:
    """Nodes ``a`` and ``b`` reach each other again."""
    return attrs.evolve(w, cut=w.cut - {frozenset((a, b))})


def crash(w: World, name: str) -> World:
    """Node ``name`` dies: its connections break, its memory is gone (its file stays)."""
    for k, c in list(w.conns.items()):
        if name in (c.a, c.b):
            w = _break(w, k)
    node = w.nodes[name]
    return attrs.evolve(w, nodes=w.nodes.set(name, attrs.evolve(node, state=None, child=None,
                                                                replies=())))


def restart(w: World, name: str, seed: int = 0) -> World:
    """Node ``name`` starts again with its configuration, loading its RDB file."""
    node = w.nodes[name]
    if node.state is not None:
        return w
    booted = _boot(name, node.config, w.now_ms, 0xB007 + seed, node.disk)
    return attrs.evolve(w, nodes=w.nodes.set(name, booted))


# -- observations ----------------------------------------------------------------------------

def digest(w: World, name: str) -> str:
    """DEBUG DIGEST of node ``name``'s dataset."""
    st = w.nodes[name].state
    assert st is not None
    return str(debug_digest(Step(st, w.now_ms), [b"DEBUG", b"DIGEST"]))


def in_flight(w: World) -> int:
    """Bytes written on connections and not read yet."""
    return sum(len(c.to_a) + len(c.to_b) for c in w.conns.values())


def settle_network(w: World, rounds: int = 50) -> World:
    """Deliver everything in flight, repeatedly, until nothing is left (bounded)."""
    for _ in range(rounds):
        if not in_flight(w):
            break
        for k in sorted(w.conns.keys()):
            c = w.conns.get(k)
            if c is None:
                continue
            if c.to_b:
                w = deliver(w, k, c.b)
            c = w.conns.get(k)
            if c is not None and c.to_a:
                w = deliver(w, k, c.a)
    return w

