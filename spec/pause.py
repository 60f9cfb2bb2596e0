"""The end of a CLIENT PAUSE, as every reader of the dataset needs it (``networking.c``'s
``unpauseClients`` and ``checkClientPauseTimeoutAndReturnIfPaused``).

While a pause (WRITE or ALL) is on, Redis keeps the dataset as it is: passive expiry
(``expireIfNeeded``) reports an expired key missing without deleting it, and neither active
expiry nor eviction deletes anything. A pause whose end time has passed ends at the first
such check, and the clients it postponed are queued to run. The pause state is
``ServerState.transport`` (``spec.transport`` sets it; CLIENT PAUSE/UNPAUSE are there).
Layer: db (``spec.db``'s ``expireIfNeeded`` asks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .state import replace

if TYPE_CHECKING:
    from .step import Step

__all__ = ["unpause", "clients_paused", "pause_timed_out"]


def pause_timed_out(pause_end_ms: int, now_ms: int) -> bool:
    """The pause's end time has passed (``client_pause_end_time < server.mstime`` in
    ``checkClientPauseTimeoutAndReturnIfPaused``): still paused at ``now == end``, over one
    millisecond later. The one place that boundary is decided (the pause gate, the event
    loop's tick and the active expire cycle ask it); ``properties/test_timed_boundaries.py``
    checks both sides."""
    return pause_end_ms < now_ms


def unpause(s: Step) -> None:
    """``unpauseClients`` → ``unblockPostponedClients``: the pause is over; the postponed
    clients are unblocked in order and queued to run (``server.unblocked_clients``)."""
    t = s.part("transport")
    if not t.pause_type and not t.postponed:
        return
    s.set_part("transport", replace(t, pause_type=0, pause_end_ms=0, postponed=()))
    if t.postponed:
        b = s.part("blocking")
        unblocked = list(b.unblocked)
        table = b.clients
        for cid in t.postponed:
            c = s.get_client(cid)
            if c is None:
                continue
            s.put_client(replace(c, bpop=None, flags=c.info.flags - {"blocked"}))
            if cid in table:
                table = table.delete(cid)
            unblocked.append(cid)
        s.set_part("blocking", replace(b, clients=table, unblocked=tuple(unblocked)))


def clients_paused(s: Step) -> bool:
    """``checkClientPauseTimeoutAndReturnIfPaused`` inside a transition: True while a pause
    (WRITE or ALL) is on; a pause whose end time has passed ends here first (its postponed
    clients are queued to run: :func:`unpause`) and the answer is False. Callers keep the
    dataset as it is while this is True (``expireIfNeeded``, ``performEvictions``)."""
    t = s.part("transport")
    if not t.pause_type:
        return False
    if not pause_timed_out(t.pause_end_ms, s.now_ms):
        return True
    unpause(s)
    return False
