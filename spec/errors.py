"""Error replies shared by many commands (Redis's ``shared.*`` error objects), to the letter."""

from __future__ import annotations

from .cstr import c_text
from .reply import Err

WRONGTYPE = Err("WRONGTYPE Operation against a key holding the wrong kind of value")
SYNTAX = Err("ERR syntax error")
NOT_INTEGER = Err("ERR value is not an integer or out of range")
NOT_FLOAT = Err("ERR value is not a valid float")
NO_SUCH_KEY = Err("ERR no such key")
OUT_OF_RANGE = Err("ERR index out of range")
DB_INDEX = Err("ERR DB index is out of range")
OVERFLOW = Err("ERR increment or decrement would overflow")
SAME_OBJECT = Err("ERR source and destination objects are the same")
NOT_POSITIVE = Err("ERR value is out of range, must be positive")
STRING_TOO_LONG = Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)")


def invalid_expire(cmd: str) -> Err:
    """``invalid expire time in 'set' command`` — the command name as the client typed it, lowercased."""
    return Err(f"ERR invalid expire time in '{cmd}' command")


def subcommand_syntax(sub: bytes, container: str) -> Err:
    """``addReplySubcommandSyntaxError``: the subcommand as ``%.128s`` prints a C string (up
    to the first NUL, at most 128 bytes), then where to find help."""
    name = c_text(sub, 128)
    return Err(f"ERR unknown subcommand or wrong number of arguments for '{name}'. "
               f"Try {container} HELP.")


def wrong_arity(name: str) -> Err:
    return Err(f"ERR wrong number of arguments for '{name}' command")
