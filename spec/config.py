"""Configuration parameters (Redis's ``config.c`` table): names, types, defaults, limits.

The live values are ``ServerState.config``, a persistent map from canonical name to a typed
value (int, str, bool, or tuple for multi-valued parameters). CONFIG GET/SET and the config
file go through :func:`parse_value` and :func:`format_value`, so every parameter is spelt one
way everywhere.
"""

from __future__ import annotations

from typing import Any

import attrs
from immutables import Map

__all__ = ["Param", "PARAMS", "ALIASES", "default_config"]


@attrs.frozen(slots=True)
class Param:
    """One parameter. ``kind``: "int", "memory" (accepts 1gb etc.), "bool", "string",
    "enum", "special". ``mutable``: CONFIG SET allowed at run time."""

    name: str
    kind: str
    default: Any
    mutable: bool = True
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()


_LLMAX = (1 << 63) - 1

PARAMS: dict[str, Param] = {
    p.name: p
    for p in [
        Param("databases", "int", 16, mutable=False, min=1, max=(1 << 31) - 1),
        Param("port", "int", 6379, min=0, max=65535),
        Param("bind", "string", "* -::*"),
        Param("hz", "int", 10, min=0, max=(1 << 31) - 1),
        Param("proto-max-bulk-len", "memory", 512 * 1024 * 1024, min=1024 * 1024, max=_LLMAX),
        Param("client-query-buffer-limit", "memory", 1024 * 1024 * 1024, min=1024 * 1024,
              max=_LLMAX),
        Param("requirepass", "string", ""),
        Param("notify-keyspace-events", "string", ""),
        Param("maxmemory", "memory", 0, min=0, max=_LLMAX),
        Param("maxclients", "int", 10000, min=1, max=(1 << 32) - 1),
        Param("timeout", "int", 0, min=0, max=(1 << 31) - 1),
        Param("lazyfree-lazy-user-flush", "bool", False),
        Param("lazyfree-lazy-user-del", "bool", False),
    ]
}

#: Old names Redis still accepts (``slaveof`` -> ``replicaof`` ...).
ALIASES: dict[str, str] = {}


def default_config(**overrides: Any) -> Map[str, Any]:
    """The configuration of a server started with no config file, plus ``overrides``."""
    values = {name: p.default for name, p in PARAMS.items()}
    values.update(overrides)
    return Map(values)
