"""Redis's ``serverCron``: the periodic work the server does ``hz`` times a second.

For now the cron models what clients can observe of it: ``cronloops``, the effective ``hz``
(``dynamic-hz`` raises it with the number of clients, as ``serverCron`` does) and
``databasesCron``'s slow active expire cycle (``spec.expire``), which runs when active expiry
is on (DEBUG SET-ACTIVE-EXPIRE). ``before_sleep`` is ``beforeSleep``'s fast expire cycle.

The reference server calls :func:`server_cron` every ``1000 / hz`` ms with its clock's time
and applies the effects it returns (propagation, keyspace events).
"""

from __future__ import annotations

from .effects import NO_EFFECTS, Effects, merge_effects
from .expire import FAST, SLOW, active_expire_cycle
from .rehash import databases_cron_dicts
from .server import (
    handle_blocked_clients_timeout,
    process_unblocked_clients,
    tracking_before_sleep,
    tracking_cron,
)
from .state import ServerState, replace

__all__ = ["CONFIG_MIN_HZ", "CONFIG_MAX_HZ", "MAX_CLIENTS_PER_CLOCK_TICK", "effective_hz",
           "server_cron", "before_sleep"]

CONFIG_MIN_HZ = 1
CONFIG_MAX_HZ = 500
MAX_CLIENTS_PER_CLOCK_TICK = 200


def effective_hz(state: ServerState) -> int:
    """``server.hz`` for this tick: the configured ``hz``, doubled (up to 500) while there are
    more than 200 clients per tick when ``dynamic-hz`` is on."""
    cfg = state.config
    hz = max(CONFIG_MIN_HZ, min(CONFIG_MAX_HZ, int(cfg.get("hz", 10))))
    if cfg.get("dynamic-hz", True):
        n = len(state.clients)
        while n // hz > MAX_CLIENTS_PER_CLOCK_TICK:
            hz *= 2
            if hz > CONFIG_MAX_HZ:
                hz = CONFIG_MAX_HZ
                break
    return hz


def server_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """``serverCron``: one tick. Updates ``hz`` and ``cronloops`` and runs ``databasesCron``:
    the slow active expire cycle when active expiry is enabled, then the dicts' resize and
    incremental rehash (``spec.rehash``)."""
    cron = state.cron
    hz = effective_hz(state)
    state = replace(state, cron=replace(cron, hz=hz, cronloops=cron.cronloops + 1))
    if state.blocking.clients:  # clientsCronHandleTimeout (clientsCron runs first)
        state, beff = handle_blocked_clients_timeout(state, now_ms)
    else:
        beff = NO_EFFECTS
    if state.tracking.table:  # trackingLimitUsedSlots
        state, teff = tracking_cron(state, now_ms)
        beff = merge_effects(beff, teff)
    if not cron.active_expire_enabled:
        return databases_cron_dicts(state), beff
    state, eff = active_expire_cycle(state, now_ms, SLOW)
    # databasesCron, after the expire cycle: resize and incrementally rehash the dicts.
    return databases_cron_dicts(state), merge_effects(beff, eff)


def before_sleep(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """``beforeSleep``: blocked clients past their deadline time out
    (``handleBlockedClientsTimeout``, spec.server), then the fast active expire cycle, when
    active expiry is on (it does nothing during CLIENT PAUSE; if it ends a timed-out pause, the
    postponed clients run after it: ``processUnblockedClients``), then the BCAST clients'
    invalidation messages (``spec.tracking``)."""
    beff = NO_EFFECTS
    if state.blocking.clients or state.blocking.unblocked:
        state, beff = handle_blocked_clients_timeout(state, now_ms)
    if state.cron.active_expire_enabled:
        state, eff = active_expire_cycle(state, now_ms, FAST)
        if state.blocking.unblocked:  # a pause the cycle found timed out
            state, more = process_unblocked_clients(state, now_ms)
            eff = merge_effects(eff, more)
        beff = merge_effects(beff, eff)
    if state.tracking.prefixes:  # trackingBroadcastInvalidationMessages (BCAST clients)
        state, teff = tracking_before_sleep(state, now_ms)
        beff = merge_effects(beff, teff)
    return state, beff
