"""MODULE (``module.c``'s ``moduleCommand``) on a server that loads no modules.

redspec has no module API, so it is a Redis 7.0.15 with no module loaded and none loadable:
MODULE LIST is empty, MODULE LOAD / LOADEX answer as a failed load does in Redis (every path
fails here), and MODULE UNLOAD finds no module of that name. LOAD,
LOADEX and UNLOAD are protected commands: ``enable-module-command`` (default "no") must allow
them first (spec.dispatch, as for DEBUG).
"""

from __future__ import annotations

from ..reply import Err, Reply, Status, help_lines
from ..step import Step
from .registry import command

__all__ = ["LOAD_FAILED", "NO_SUCH_MODULE"]

#: What ``moduleCommand`` replies when ``moduleLoad`` fails (Redis logs the reason).
LOAD_FAILED = Err("ERR Error loading the extension. Please check the server logs.")
NO_SUCH_MODULE = Err("ERR Error unloading module: no such module with that name")

_HELP = [Status(line) for line in help_lines("MODULE", [
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and "
    "optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
])]


@command("module|help")
def module_help(s: Step, argv: list[bytes]) -> Reply:
    """MODULE HELP: the usage lines."""
    return list(_HELP)


@command("module|list")
def module_list(s: Step, argv: list[bytes]) -> Reply:
    """MODULE LIST: one entry per loaded module; none here."""
    return []


@command("module|load", "module|loadex")
def module_load(s: Step, argv: list[bytes]) -> Reply:
    """MODULE LOAD path [arg ...] / MODULE LOADEX path [CONFIG name value ...] [ARGS ...]:
    ``moduleLoad`` fails for every path on this server (no module API), which Redis reports
    as the generic load error; a LOADEX whose arguments do not parse gets the same reply."""
    return LOAD_FAILED


@command("module|unload")
def module_unload(s: Step, argv: list[bytes]) -> Reply:
    """MODULE UNLOAD name: no module is loaded, so none has that name."""
    return NO_SUCH_MODULE
