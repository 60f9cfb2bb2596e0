"""Command implementations, one module per command group, registered by name.

Each handler is ``handler(s: Step, argv: list[bytes]) -> reply`` (see ``spec.reply``): it reads
and changes the state through the :class:`~redspec.spec.step.Step` and returns the reply
value. Arity, and every other gate that the command table decides, is checked by dispatch
before the handler runs, so a handler may index ``argv`` up to the arity without checks.

Register with ``@command("get")`` or, for a subcommand, ``@command("client|list")``
(``spec.commands.registry``). Importing this package loads every command module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import (  # noqa: F401  (each module registers its handlers)
    acl,
    bitmaps,
    blocking,
    caching,
    clients,
    cluster,
    connection,
    debug,
    diagnostics,
    dump,
    expire,
    failover,
    geo,
    hashes,
    hyperloglog,
    introspection,
    keys,
    lists,
    lolwut,
    modules,
    object,
    pubsub,
    replication,
    scan,
    server,
    sets,
    sort,
    streams,
    strings,
    transactions,
    transport,
    zsets,
)
from .registry import DEBUG_SUBCOMMANDS, HANDLERS, command, command_table

__all__ = ["HANDLERS", "DEBUG_SUBCOMMANDS", "command", "command_table", "load_all"]


def load_all() -> dict[str, Callable[..., Any]]:
    """Every registered handler (each command module registered its own on import)."""
    return HANDLERS
