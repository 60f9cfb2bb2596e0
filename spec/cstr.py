"""Arguments as C sees them: Redis compares options with ``strcasecmp`` and prints
arguments with ``%s`` / ``%.Ns``, and both stop at the first NUL byte of the argument."""

from __future__ import annotations

__all__ = ["c_string", "c_word", "c_text"]


def c_string(arg: bytes) -> bytes:
    """``arg`` as a C string: up to its first NUL byte."""
    nul = arg.find(b"\0")
    return arg if nul < 0 else arg[:nul]


def c_word(arg: bytes) -> bytes:
    """An option as ``strcasecmp`` sees it: lowercased, cut at the first NUL byte."""
    return c_string(arg).lower()


def c_text(arg: bytes, limit: int | None = None) -> str:
    """``%s`` (or ``%.Ns`` with ``limit``) of a C string in a message: up to the first NUL
    byte, at most ``limit`` bytes, as text."""
    b = c_string(arg)
    return (b if limit is None else b[:limit]).decode("utf-8", "surrogateescape")
