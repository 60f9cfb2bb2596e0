"""String values whose Redis encoding is fixed by how they were made (``object.c``).

A string in the keyspace is ``bytes``. For plain ``bytes`` the OBJECT ENCODING is derived from
the content, as ``tryObjectEncoding`` would pick it when SET, MSET, GETSET, APPEND on a new key
... store a value: "int", "embstr" (up to 44 bytes) or "raw". Two subclasses record the
strings Redis did *not* pass through ``tryObjectEncoding``:

- :class:`RawStr` — an ``OBJ_ENCODING_RAW`` string whatever its length or content: the result
  of an in-place change (APPEND, SETRANGE, SETBIT, BITFIELD write ops: ``dbUnshareStringValue``
  turns the value into a private raw copy first; SETRANGE/SETBIT/BITFIELD on a missing key
  create one with ``createObject(OBJ_STRING, sds)``) and of BITOP's destination.
- :class:`EmbStr` — a string made with ``createStringObject`` (INCRBYFLOAT's result): "embstr"
  up to ``OBJ_ENCODING_EMBSTR_SIZE_LIMIT`` (44) bytes, "raw" above, never "int" even when it
  reads as an integer.

Both are ``bytes`` in every other respect (equality, hashing, slicing, replies), so readers
treat them as strings; a command that rewrites the value (SET, INCR, ...) stores plain bytes
again and the derived encoding applies. (Not to be confused with ``spec.reply.Raw``, a reply
frame written verbatim.)
"""

from __future__ import annotations

from .. import values

__all__ = ["RawStr", "EmbStr", "is_string"]


class RawStr(bytes):
    """A string held as ``OBJ_ENCODING_RAW`` (changed in place, or built by BITOP)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"RawStr({bytes(self)!r})"


class EmbStr(bytes):
    """A string from ``createStringObject`` without ``tryObjectEncoding``: embstr or raw."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"EmbStr({bytes(self)!r})"


def is_string(v: object) -> bool:
    """``o->type == OBJ_STRING`` for a stored value (plain bytes or one of the subclasses)."""
    return type(v) is bytes or type(v) is RawStr or type(v) is EmbStr


values.TYPE_NAMES[RawStr] = "string"
values.TYPE_NAMES[EmbStr] = "string"
values.ENCODINGS[RawStr] = lambda v: "raw"
values.ENCODINGS[EmbStr] = lambda v: "embstr" if len(v) <= 44 else "raw"
