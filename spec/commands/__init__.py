"""Command implementations, one module per command group, registered by name.

Each handler is ``handler(s: Step, argv: list[bytes]) -> reply`` (see ``spec.reply``): it reads
and changes the state through the :class:`~redspec.spec.step.Step` and returns the reply
value. Arity, and every other gate that the command table decides, is checked by dispatch
before the handler runs, so a handler may index ``argv`` up to the arity without checks.

Register with ``@command("get")`` or, for a subcommand, ``@command("client|list")``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

HANDLERS: dict[str, Callable[..., Any]] = {}

#: DEBUG subcommands modelled outside ``debugCommand``'s own module: lowercase name ->
#: ``handler(s, argv)``; a handler returns None for a wrong argument count (DEBUG's
#: subcommand syntax error).
DEBUG_SUBCOMMANDS: dict[str, Callable[..., Any]] = {}

F = TypeVar("F", bound=Callable[..., Any])


def command(*names: str) -> Callable[[F], F]:
    """Register the decorated function as the handler of each full command name given."""

    def deco(fn: F) -> F:
        for n in names:
            if n in HANDLERS:
                raise ValueError(f"duplicate handler for {n}")
            HANDLERS[n] = fn
        return fn

    return deco


def load_all() -> dict[str, Callable[..., Any]]:
    """Import every command module (each registers its handlers) and return the registry."""
    from . import (  # noqa: F401
        bitmaps,
        blocking,
        clients,
        connection,
        expire,
        geo,
        hashes,
        hyperloglog,
        introspection,
        keys,
        lists,
        object,
        pubsub,
        scan,
        server,
        sets,
        strings,
        transactions,
        transport,
        zsets,
    )

    return HANDLERS
