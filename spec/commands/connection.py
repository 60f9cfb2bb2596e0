"""Connection commands: PING, ECHO, SELECT, QUIT, ..."""

from __future__ import annotations

from typing import Any

from ..errors import DB_INDEX, NOT_INTEGER
from ..numbers import string2ll
from ..reply import OK, PONG
from ..step import Step
from . import command


@command("ping")
def ping(s: Step, argv: list[bytes]) -> Any:
    """PING [message]: PONG, or the message as a bulk string."""
    if len(argv) > 2:
        from ..errors import wrong_arity

        return wrong_arity("ping")
    return PONG if len(argv) == 1 else argv[1]


@command("echo")
def echo(s: Step, argv: list[bytes]) -> Any:
    """ECHO message: the message."""
    return argv[1]


@command("select")
def select(s: Step, argv: list[bytes]) -> Any:
    """SELECT index: make database ``index`` the client's current database."""
    i = string2ll(argv[1])
    if i is None or not (-(1 << 31) <= i < (1 << 31)):
        return NOT_INTEGER
    if not 0 <= i < s.db_count():
        return DB_INDEX
    s.select(i)
    return OK
