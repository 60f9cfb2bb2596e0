"""The registry of command handlers: ``@command("get")`` registers a handler under its full
name, and :func:`command_table` joins the handlers with the command facts into the served
table (``spec.table``). Every command module imports this; ``spec.commands`` imports every
command module, so once ``spec.commands`` is loaded every handler is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..table import CommandSpec, build_table
from .summaries import SUMMARIES

__all__ = ["HANDLERS", "DEBUG_SUBCOMMANDS", "command", "command_table"]

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


_TABLE: list[tuple[int, dict[bytes, CommandSpec]]] = []


def command_table() -> dict[bytes, CommandSpec]:
    """The served command table: lowercase name -> CommandSpec (``server.commands``), built
    once from every registered handler (again only if a handler was registered since)."""
    if not _TABLE or _TABLE[0][0] != len(HANDLERS):
        _TABLE[:] = [(len(HANDLERS), build_table(HANDLERS, SUMMARIES))]
    return _TABLE[0][1]
