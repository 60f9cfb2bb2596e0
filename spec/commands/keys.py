"""Keyspace commands (Redis's ``db.c`` generic commands): DEL, EXISTS, TYPE, RENAME, ..."""

from __future__ import annotations

from typing import Any

from ..step import Step
from . import command


@command("del", "unlink")
def del_(s: Step, argv: list[bytes]) -> Any:
    """DEL / UNLINK key [key ...]: how many of the keys existed and were removed.

    UNLINK frees the value in the background in Redis; nothing a client can see differs.
    """
    db = s.db
    n = 0
    for key in argv[1:]:
        db.expire_if_needed(key)
        if db.delete(key):
            s.notify("g", "del", key, db.id)
            s.dirty += 1
            n += 1
    return n


@command("exists")
def exists(s: Step, argv: list[bytes]) -> Any:
    """EXISTS key [key ...]: how many of the named keys exist (a key named twice counts twice)."""
    db = s.db
    return sum(1 for key in argv[1:] if db.lookup(key) is not None)
