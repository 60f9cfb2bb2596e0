"""What a transition asks of the world besides the new state (a leaf of the state layer).

A transition returns ``(new state, Effects)``: the reply bytes for connections, the commands
to propagate (``alsoPropagate``), the clients to close, the clients with pending output to
wake, the keyspace events that fired, and a virtual-clock jump. Nothing here reads or
changes a state.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["Effects", "NO_EFFECTS", "merge_effects", "ReplOnly"]


class ReplOnly(tuple):  # type: ignore[type-arg]
    """A propagated command meant for the replicas only (``PROPAGATE_REPL``: PUBLISH, so
    that a replica's subscribers get the master's messages); the AOF leaves it out
    (``spec.aoffeed``). Otherwise the argv tuple it is."""

    __slots__ = ()


@attrs.frozen(slots=True)
class Effects:
    """What a transition asks of the world besides the new state.

    ``output``: reply bytes handed to connections now, ``(client id, bytes)``, in order
    (``writeToClient``: what the socket accepted). ``propagate``: commands to replicate / append
    to the AOF, as ``(db, argv)`` in execution order (``alsoPropagate``). ``close``: clients the
    server must disconnect once ``output`` is written. ``wake``: other clients that now have
    reply bytes pending (``clients_pending_write``). ``notifications``: keyspace events ``(type, event, key, db)`` whose class is enabled. ``clock_set_ms``: the
    virtual clock must now read this unix-ms time (see docs/mechanisms/expire.md).
    ``listen_port``: the server must now listen on this TCP port and close the old listener
    (0: no TCP listener; CONFIG SET port, see ``spec.listen``).
    """

    output: tuple[tuple[int, bytes], ...] = ()
    propagate: tuple[tuple[int, tuple[bytes, ...]], ...] = ()
    close: frozenset[int] = frozenset()
    wake: frozenset[int] = frozenset()
    notifications: tuple[tuple[str, str, bytes, int], ...] = ()
    #: The unix ms a command set the (virtual) clock to (REDSPEC CLOCK SET/ADVANCE), else None.
    clock_set_ms: int | None = None
    #: The TCP port CONFIG SET port moved the listener to (``changeListenPort``), else None.
    listen_port: int | None = None
    #: The RDB child the world must kill with SIGUSR1 (``killRDBChild``: FLUSHALL, SHUTDOWN),
    #: removing its ``temp-<pid>.rdb``; its exit still comes back as an input.
    kill_child: int | None = None
    #: The process must exit with this status once ``output`` is written (SHUTDOWN,
    #: a shutdown signal: ``exit(0)`` after ``prepareForShutdown``).
    exit_code: int | None = None
    #: The AOF file operations the world must carry out, in order, before it writes any
    #: reply of this transition (``spec.aof.take_ops``: write, fsync, open, manifest ...).
    aof_ops: tuple[tuple[Any, ...], ...] = ()
    #: The replica's link operations (``spec.replica.take_ops``: connect, send, close,
    #: adopt, rdb_file), carried out after the AOF operations.
    repl_ops: tuple[tuple[Any, ...], ...] = ()
    #: MIGRATE's cached connections the world must close (``host:port`` names; serverCron's
    #: ``migrateCloseTimedoutSockets``, ``spec.migrate``).
    migrate_close: tuple[bytes, ...] = ()


NO_EFFECTS = Effects()


def merge_effects(a: Effects, b: Effects) -> Effects:
    """Two transitions' effects in order, as one."""
    if a is NO_EFFECTS:
        return b
    if b is NO_EFFECTS:
        return a
    return Effects(a.output + b.output, a.propagate + b.propagate, a.close | b.close,
                   a.wake | b.wake, a.notifications + b.notifications,
                   b.clock_set_ms if b.clock_set_ms is not None else a.clock_set_ms,
                   b.listen_port if b.listen_port is not None else a.listen_port,
                   b.kill_child if b.kill_child is not None else a.kill_child,
                   b.exit_code if b.exit_code is not None else a.exit_code,
                   a.aof_ops + b.aof_ops, a.repl_ops + b.repl_ops,
                   a.migrate_close + b.migrate_close)
