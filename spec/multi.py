"""Transactions and optimistic locking (Redis's ``multi.c``): the client-side MULTI state and
the server-wide WATCH table.

Per client (``ClientInfo``): the ``multi`` / ``dirty_cas`` / ``dirty_exec`` flags
(``CLIENT_MULTI``, ``CLIENT_DIRTY_CAS``, ``CLIENT_DIRTY_EXEC``), ``multi`` (commands queued,
-1 outside a transaction), ``mstate`` (the queue: ``(CommandSpec, argv)`` pairs,
``c->mstate.commands``), ``multi_mem`` / ``multi_alloc`` (``mstate.argv_len_sums`` and
``mstate.alloc_count``, for CLIENT LIST) and ``watched`` (``c->watched_keys``: ``(db, key,
expired)`` in WATCH order, ``expired`` = the key was already logically expired when watched).

Server-wide (``ServerState.watched_keys``): ``(db, key) -> client ids`` in WATCH order
(Redis's per-db ``db->watched_keys`` dicts, keyed by db index because SWAPDB does not move
watchers). A key with no watcher is absent, so "nobody watches" is one emptiness check.

The WATCH table itself, and what touches it, is ``spec.watch`` (the db layer calls it).
Everything here works on a :class:`~redspec.spec.step.Step` and is pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Client, replace
from .watch import unwatch_all

if TYPE_CHECKING:
    from .step import Step

__all__ = [
    "WATCHED_KEY_BYTES",
    "MULTI_CMD_BYTES",
    "memory_overhead",
    "discard_transaction",
    "flag_transaction",
    "queue_command",
]

#: ``sizeof(listNode) + sizeof(watchedKey)`` on 64-bit 7.0 (24 + 32): per watched key.
WATCHED_KEY_BYTES = 56
#: ``sizeof(multiCmd)`` (argv pointer, argv_len, argc, cmd pointer): per allocated slot.
MULTI_CMD_BYTES = 24

_MULTI = frozenset(("multi",))


def memory_overhead(c: Client) -> int:
    """``multiStateMemOverhead``: the queued arguments, the queue's allocated slots and the
    watched-key entries (part of CLIENT LIST ``tot-mem``)."""
    info = c.info
    return info.multi_mem + info.multi_alloc * MULTI_CMD_BYTES + len(info.watched) * WATCHED_KEY_BYTES


# -- the MULTI state ----------------------------------------------------------------------------


def discard_transaction(s: Step) -> None:
    """``discardTransaction``: drop the queue and the MULTI / DIRTY_CAS / DIRTY_EXEC flags of
    the current client, and unwatch everything."""
    c = s.client
    info = c.info
    if info.multi < 0 and not info.watched and not (info.flags & _TX_FLAGS):
        return
    c = unwatch_all(s, c)
    s.set_client(replace(c, flags=c.flags - _TX_FLAGS, multi=-1, mstate=(), multi_mem=0,
                         multi_alloc=0))


_TX_FLAGS = frozenset(("multi", "dirty_cas", "dirty_exec"))


def flag_transaction(s: Step) -> None:
    """``flagTransaction``: a command was refused while queueing, so EXEC must abort."""
    c = s.client
    if c.info.multi >= 0 and "dirty_exec" not in c.flags:
        s.update_client(flags=c.flags | {"dirty_exec"})


def queue_command(s: Step, cmd: Any, argv: list[bytes]) -> None:
    """``queueMultiCommand``: append the command to the queue, unless the transaction is
    already doomed (dirty): then it is not kept (the count does not grow), though the client
    still hears QUEUED. The queue's slots start at 2 and double."""
    c = s.client
    info = c.info
    if "dirty_cas" in info.flags or "dirty_exec" in info.flags:
        return
    n = info.multi
    alloc = info.multi_alloc
    if n == 0:
        alloc = 2
    if n == alloc:
        alloc *= 2
    size = 8 * len(argv)
    for a in argv:
        size += len(a)
    s.set_client(replace(c, multi=n + 1, mstate=info.mstate + ((cmd, tuple(argv)),),
                         multi_mem=info.multi_mem + size, multi_alloc=alloc))
