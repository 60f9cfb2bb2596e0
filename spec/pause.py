"""The end of a CLIENT PAUSE, as every reader of the dataset needs it (``networking.c``'s
``unpauseClients`` and ``checkClientPauseTimeoutAndReturnIfPaused``).

While a pause (WRITE or ALL) is on, Redis keeps the dataset as it is: passive expiry
(``expireIfNeeded``) reports an expired key missing without deleting it, and neither active
expiry nor eviction deletes anything. A pause whose end time has passed ends at the first
such check, and the clients it postponed are queued to run. The pause state is
``ServerState.transport`` (``spec.transport`` sets it; CLIENT PAUSE/UNPAUSE are there).
Layer: db (``spec.db``'s ``expireIfNeeded`` asks it).

7.0 keeps one pause per *purpose* (``server.client_pause_per_purpose``): CLIENT PAUSE, a
SHUTDOWN waiting for its replicas, a FAILOVER (``spec.failover``). The pause in force is the
strictest of them, with the latest end among those of that type
(``updateClientPauseTypeAndEndTime``); a purpose whose end has passed is dropped when the
pause is checked; ending one purpose (CLIENT UNPAUSE ends only CLIENT PAUSE's) lets the
postponed clients run again only if the pause in force became less strict — they are then
re-examined, and a write stays postponed while a FAILOVER's WRITE pause holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .state import replace

if TYPE_CHECKING:
    from .step import Step

__all__ = ["unpause", "clients_paused", "pause_timed_out", "pause_clients", "update_pause",
           "PAUSE_BY_CLIENT_COMMAND", "PAUSE_DURING_SHUTDOWN", "PAUSE_DURING_FAILOVER",
           "PAUSE_FOREVER"]

#: ``pause_purpose``: who asked for a pause (Redis's order).
PAUSE_BY_CLIENT_COMMAND, PAUSE_DURING_SHUTDOWN, PAUSE_DURING_FAILOVER = 0, 1, 2
#: ``LLONG_MAX``: the end of a pause that lasts until it is ended (FAILOVER's).
PAUSE_FOREVER = (1 << 63) - 1


def pause_timed_out(pause_end_ms: int, now_ms: int) -> bool:
    """The pause's end time has passed (``client_pause_end_time < server.mstime`` in
    ``checkClientPauseTimeoutAndReturnIfPaused``): still paused at ``now == end``, over one
    millisecond later. The one place that boundary is decided (the pause gate, the event
    loop's tick and the active expire cycle ask it); ``properties/test_timed_boundaries.py``
    checks both sides."""
    return pause_end_ms < now_ms


def pause_clients(s: Step, end_ms: int, type_: int,
                  purpose: int = PAUSE_BY_CLIENT_COMMAND) -> None:
    """``pauseClients``: this purpose's pause takes the stricter type and the later end time
    of what it asks and what it had; the pause in force follows
    (``updateClientPauseTypeAndEndTime``)."""
    t = s.part("transport")
    pauses = list(t.pauses)
    for i, (p, ty, end) in enumerate(pauses):
        if p == purpose:
            pauses[i] = (p, max(ty, type_), max(end, end_ms))
            break
    else:
        pauses.append((purpose, type_, end_ms))
    s.set_part("transport", replace(t, pauses=tuple(pauses), pause_type=max(t.pause_type, type_),
                                    pause_end_ms=_end_in_force(tuple(pauses), t.pause_type,
                                                               type_, t.pause_end_ms)))


def _end_in_force(pauses: tuple[tuple[int, int, int], ...], old_type: int, type_: int,
                  old_end: int) -> int:
    """The end of the pause in force after a purpose asked for ``type_``: the latest end
    among the purposes of the strictest type."""
    top = max(old_type, type_)
    return max([end for _, ty, end in pauses if ty == top] + ([old_end] if old_type == top
                                                               else []))


def update_pause(s: Step, ended: int | None = None) -> None:
    """``updateClientPauseTypeAndEndTime``: purposes whose end has passed are dropped, the
    pause in force becomes the strictest remaining one (the latest end among those of its
    type); if it is less strict than before, the postponed clients are unblocked and queued
    to run (``unblockPostponedClients``: each is re-examined, and may be postponed again).
    ``ended``: a caller that found the pause in force over (its end is ``ended``) — every
    purpose ending no later is over with it."""
    t = s.part("transport")
    keep = tuple(p for p in t.pauses if not pause_timed_out(p[2], s.now_ms)
                 and (ended is None or p[2] > ended))
    type_, end = 0, 0
    for _, ty, e in keep:
        if ty > type_:
            type_, end = ty, e
        elif ty == type_:
            end = max(end, e)
    postponed = t.postponed
    less_strict = type_ < t.pause_type or not keep
    s.set_part("transport", replace(t, pauses=keep, pause_type=type_, pause_end_ms=end,
                                    postponed=() if less_strict else postponed))
    if less_strict and postponed:
        _unblock_postponed(s, postponed)


def _unblock_postponed(s: Step, postponed: tuple[int, ...]) -> None:
    """``unblockPostponedClients``: the postponed clients are unblocked in order and queued
    to run (``server.unblocked_clients``)."""
    b = s.part("blocking")
    unblocked = list(b.unblocked)
    table = b.clients
    for cid in postponed:
        c = s.get_client(cid)
        if c is None:
            continue
        s.put_client(replace(c, bpop=None, flags=c.info.flags - {"blocked"}))
        if cid in table:
            table = table.delete(cid)
        unblocked.append(cid)
    s.set_part("blocking", replace(b, clients=table, unblocked=tuple(unblocked)))


def unpause(s: Step, purpose: int = PAUSE_BY_CLIENT_COMMAND) -> None:
    """``unpauseClients(purpose)``: this purpose's pause is over (nothing if it had none);
    the pause in force is recomputed (:func:`update_pause`), and if it became less strict the
    postponed clients are unblocked in order and queued to run."""
    t = s.part("transport")
    if not any(p[0] == purpose for p in t.pauses):
        return
    s.set_part("transport", replace(t, pauses=tuple(p for p in t.pauses if p[0] != purpose)))
    update_pause(s)


def clients_paused(s: Step) -> bool:
    """``checkClientPauseTimeoutAndReturnIfPaused`` inside a transition: True while a pause
    (WRITE or ALL) is on; a pause whose end time has passed ends here first (its postponed
    clients are queued to run: :func:`update_pause`). Callers keep the
    dataset as it is while this is True (``expireIfNeeded``, ``performEvictions``). Another
    purpose's pause may still hold then."""
    t = s.part("transport")
    if not t.pause_type:
        return False
    if not pause_timed_out(t.pause_end_ms, s.now_ms):
        return True
    update_pause(s, t.pause_end_ms)
    return bool(s.part("transport").pause_type)
