"""Values stored in the keyspace (Redis's ``robj``) and what is generic about them.

So far the only type is the string, stored as ``bytes``. Each data type added later registers
its Python class here with its TYPE name (``OBJ_STRING`` -> "string", ``OBJ_LIST`` -> "list",
...) and, if its values can be shared between keys only by copying, how to duplicate one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["type_name", "copy_value", "TYPE_NAMES"]

#: Python class of a stored value -> the name TYPE replies (``getObjectTypeByType``).
TYPE_NAMES: dict[type, str] = {bytes: "string"}

#: Python class -> how COPY duplicates a value of it (``dupStringObject``, ``listTypeDup``,
#: ...). A class absent here is immutable: the copy may share the value itself.
_COPIERS: dict[type, Callable[[Any], Any]] = {}


def type_name(value: Any) -> str:
    """``getObjectTypeByType``: the TYPE reply for a stored value ("string", ...)."""
    return TYPE_NAMES[type(value)]


def copy_value(value: Any) -> Any:
    """COPY's duplication of a value (``dupStringObject`` and friends).

    Stored values are immutable, so a copy may share the value; a type whose values are not
    immutable registers a copier in ``_COPIERS``.
    """
    copier = _COPIERS.get(type(value))
    return value if copier is None else copier(value)
