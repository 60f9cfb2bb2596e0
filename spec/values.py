"""Values stored in the keyspace (Redis's ``robj``) and what is generic about them.

So far the only type is the string, stored as ``bytes``. Each data type added later registers
its Python class here with its TYPE name (``OBJ_STRING`` -> "string", ``OBJ_LIST`` -> "list",
...) and, if its values can be shared between keys only by copying, how to duplicate one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .numbers import string2ll

__all__ = ["type_name", "copy_value", "encoding_of", "TYPE_NAMES", "ENCODINGS"]

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


def _string_encoding(value: bytes) -> str:
    """``tryObjectEncoding`` as seen by OBJECT ENCODING: "int" for a value that reads back as a
    64-bit integer (at most 20 characters, no leading zeros or '+'), "embstr" up to 44 bytes
    (``OBJ_ENCODING_EMBSTR_SIZE_LIMIT``), "raw" above. Strings whose encoding comes from how
    they were made (changed in place: "raw"; INCRBYFLOAT: never "int") are the ``bytes``
    subclasses of ``spec.types.string``, registered with their own rule."""
    if len(value) <= 20 and string2ll(value) is not None:
        return "int"
    return "embstr" if len(value) <= 44 else "raw"


#: Python class of a stored value -> its OBJECT ENCODING name. A data type registers a
#: function here; aggregate types usually read an ``encoding`` field of the value.
ENCODINGS: dict[type, Callable[[Any], str]] = {bytes: _string_encoding}


def encoding_of(value: Any) -> str:
    """``strEncoding(o->encoding)``: the physical encoding Redis would use for ``value``."""
    return ENCODINGS[type(value)](value)
