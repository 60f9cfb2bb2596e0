"""MULTI, DISCARD, WATCH, UNWATCH (Redis's ``multi.c``; state in ``spec.multi`` and
``spec.watch``). EXEC runs the queue through ``call``, so it is served by ``spec.dispatch``.

Queueing itself is a dispatch gate (``processCommand`` → ``queueMultiCommand``, see
``spec.dispatch``); a command refused while queueing flags the transaction
(``flagTransaction``) so that EXEC answers EXECABORT.
"""

from __future__ import annotations

from ..multi import discard_transaction
from ..reply import OK, Err, Reply
from ..state import replace
from ..step import Step
from ..watch import unwatch_all, watch_key
from .registry import command

NESTED = Err("ERR MULTI calls can not be nested")
EXEC_WITHOUT_MULTI = Err("ERR EXEC without MULTI")
DISCARD_WITHOUT_MULTI = Err("ERR DISCARD without MULTI")
WATCH_IN_MULTI = Err("ERR WATCH inside MULTI is not allowed")
EXECABORT = Err("EXECABORT Transaction discarded because of previous errors.")


@command("multi")
def multi(s: Step, argv: list[bytes]) -> Reply:
    """``multiCommand``: start queueing (flag ``CLIENT_MULTI``). A nested MULTI is an error
    that does not doom the transaction."""
    c = s.client
    if c.info.multi >= 0:
        return NESTED
    s.update_client(multi=0, flags=c.flags | {"multi"})
    return OK


@command("discard")
def discard(s: Step, argv: list[bytes]) -> Reply:
    """``discardCommand``: drop the queue and every WATCH."""
    if s.client.info.multi < 0:
        return DISCARD_WITHOUT_MULTI
    discard_transaction(s)
    return OK


@command("watch")
def watch(s: Step, argv: list[bytes]) -> Reply:
    """``watchCommand``: watch keys of the selected db for EXEC. Refused inside MULTI (without
    dooming the transaction); a client already ``dirty_cas`` watches nothing more (its next
    EXEC fails anyway)."""
    c = s.client
    if c.info.multi >= 0:
        return WATCH_IN_MULTI
    if "dirty_cas" in c.flags:
        return OK
    for key in argv[1:]:
        watch_key(s, key)
    return OK


@command("unwatch")
def unwatch(s: Step, argv: list[bytes]) -> Reply:
    """``unwatchCommand``: forget every WATCH and the ``dirty_cas`` flag."""
    c = unwatch_all(s, s.client)
    if "dirty_cas" in c.flags:
        c = replace(c, flags=c.flags - {"dirty_cas"})
    if c is not s.client:
        s.set_client(c)
    return OK
