"""Redis's ``serverCron``: the periodic work the server does ``hz`` times a second.

For now the cron models what clients can observe of it: ``cronloops``, the effective ``hz``
(``dynamic-hz`` raises it with the number of clients, as ``serverCron`` does), ``clientsCron``
closing idle clients (``timeout``: ``spec.clients.clients_cron``) and
``databasesCron``'s slow active expire cycle (``spec.expire``), which runs when active expiry
is on (DEBUG SET-ACTIVE-EXPIRE), and the persistence part: a shutdown signal, the BGSAVE
child's end (``checkChildrenDone``), the ``save`` points and a scheduled BGSAVE
(``spec.persist``). ``before_sleep`` is ``beforeSleep``'s fast expire cycle.

The reference server calls :func:`server_cron` every ``1000 / hz`` ms with its clock's time
and applies the effects it returns (propagation, keyspace events).
"""

from __future__ import annotations

from .aof import aof_cron, prepare_for_shutdown, take_ops
from .clients import clients_cron
from .effects import NO_EFFECTS, Effects, merge_effects
from .expire import FAST, SLOW, active_expire_cycle
from .migrate import close_timed_out_sockets
from .persist import (
    SHUTDOWN_FORCE,
    SHUTDOWN_NOSAVE,
    SHUTDOWN_NOW,
    SHUTDOWN_SAVE,
    save_params,
)
from .rehash import databases_cron_dicts
from .replica import replication_cron
from .replication import rdb_child_done, set_repl
from .server import (
    handle_blocked_clients_timeout,
    process_unblocked_clients,
    settle,
    tracking_before_sleep,
    tracking_cron,
)
from .state import AOF_OFF, ServerState, replace
from .step import Step

__all__ = ["CONFIG_MIN_HZ", "CONFIG_MAX_HZ", "MAX_CLIENTS_PER_CLOCK_TICK", "effective_hz",
           "server_cron", "before_sleep",
           "persistence_cron", "shutdown_cron"]

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


#: ``shutdown-on-sigterm`` / ``shutdown-on-sigint`` as ``prepareForShutdown`` flags.
_SIG_FLAGS = {"default": 0, "save": SHUTDOWN_SAVE, "nosave": SHUTDOWN_NOSAVE,
              "now": SHUTDOWN_NOW, "force": SHUTDOWN_FORCE}


def shutdown_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects] | None:
    """serverCron's first act when a shutdown signal arrived (``server.shutdown_asap``):
    ``prepareForShutdown`` with the flags ``shutdown-on-sigterm`` / ``-sigint`` give. It
    either asks the world to exit (``Effects.exit_code``) or fails (a save that could not be
    written, without FORCE): the signal is forgotten and the server goes on. None: no
    signal."""
    sig = state.persist.shutdown_signal
    if not sig:
        return None
    name = "shutdown-on-sigint" if sig == 2 else "shutdown-on-sigterm"
    s = Step(state, now_ms)
    s.set_part("persist", replace(s.part("persist"), shutdown_signal=0))
    prepare_for_shutdown(s, _SIG_FLAGS.get(str(state.config.get(name, "default")), 0))
    new, ops = take_ops(s.commit())
    return new, Effects(kill_child=s.kill_child, exit_code=s.exit_code, aof_ops=ops)


def _aof_idle(state: ServerState) -> bool:
    """Nothing for serverCron's AOF parts to do: no rewrite child or scheduled rewrite, and
    AOF off or with nothing postponed, no failed write, and the file below the automatic
    rewrite's minimum size."""
    a = state.aof
    if a.child is not None or a.rewrite_scheduled:
        return False
    return a.status == AOF_OFF or (
        not a.flush_postponed_start and a.last_write_ok
        and a.current_size <= int(state.config.get("auto-aof-rewrite-min-size", 64 << 20)))


def persistence_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """serverCron's persistence part (a scheduled rewrite, ``checkChildrenDone``, the save
    points, the automatic rewrite, a postponed AOF flush, a scheduled BGSAVE:
    ``spec.aof.aof_cron``), skipped when there is nothing to look at. An RDB child that
    ended serves the replicas waiting for it (``updateSlavesWaitingBgsave``)."""
    p = state.persist
    if p.child is None and not p.child_exits and not p.bgsave_scheduled and _aof_idle(state):
        points = save_params(state.config)
        if not points or state.dirty < min(c for _, c in points):
            return state, NO_EFFECTS
    s = Step(state, now_ms)
    child = p.child
    aof_cron(s)
    if child is not None and s.part("persist").child is not child and s.part("repl").replicas:
        ok = any(pid == child.pid and code == 0 and not sig
                 for pid, code, sig in p.child_exits)
        rdb_child_done(s, child, ok)
    elif s.part("repl").child_target and s.part("persist").child is None:
        set_repl(s, child_target="")
    return settle(s, now_ms)


def server_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """``serverCron``: one tick. A pending shutdown signal is acted on first. Updates ``hz``
    and ``cronloops`` and runs ``databasesCron``: the slow active expire cycle when active
    expiry is enabled, then the dicts' resize and incremental rehash (``spec.rehash``);
    then the persistence part (a BGSAVE child's end, the save points). With DEBUG
    PAUSE-CRON on (``server.pause_cron``) it returns before any of that."""
    if state.cron.paused:
        return state, NO_EFFECTS
    down = shutdown_cron(state, now_ms)
    if down is not None and down[1].exit_code is not None:
        return down
    if down is not None:
        state = down[0]
    loops = state.cron.cronloops
    state, eff = _server_cron(state, now_ms)
    if down is not None:
        eff = merge_effects(down[1], eff)
    state, peff = persistence_cron(state, now_ms)
    eff = merge_effects(eff, peff)
    hz = effective_hz(state)
    # run_with_period(1000); run_with_period(100) while a failover is under way
    period = 100 if state.repl.failover is not None else 1000
    if period <= 1000 // hz or loops % (period // (1000 // hz)) == 0:
        state, reff = replication_cron(state, now_ms)
        eff = merge_effects(eff, reff)
        if state.migrate:  # migrateCloseTimedoutSockets
            state, idle = close_timed_out_sockets(state, now_ms)
            if idle:
                eff = merge_effects(eff, Effects(migrate_close=idle))
    return state, eff


def _server_cron(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """serverCron's clients and databases part."""
    cron = state.cron
    hz = effective_hz(state)
    state = replace(state, cron=replace(cron, hz=hz, cronloops=cron.cronloops + 1))
    state, beff = clients_cron(state, now_ms, hz)  # clientsCron: idle clients (``timeout``)
    if state.blocking.clients:  # clientsCronHandleTimeout (clientsCron runs first)
        state, eff = handle_blocked_clients_timeout(state, now_ms)
        beff = merge_effects(beff, eff)
    if state.tracking.table:  # trackingLimitUsedSlots
        state, teff = tracking_cron(state, now_ms)
        beff = merge_effects(beff, teff)
    if not cron.active_expire_enabled or state.repl.masterhost is not None:
        return databases_cron_dicts(state), beff  # a replica's keys expire by its master
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
    if state.cron.active_expire_enabled and state.repl.masterhost is None:
        state, eff = active_expire_cycle(state, now_ms, FAST)
        if state.blocking.unblocked:  # a pause the cycle found timed out
            state, more = process_unblocked_clients(state, now_ms)
            eff = merge_effects(eff, more)
        beff = merge_effects(beff, eff)
    if state.tracking.prefixes:  # trackingBroadcastInvalidationMessages (BCAST clients)
        state, teff = tracking_before_sleep(state, now_ms)
        beff = merge_effects(beff, teff)
    return state, beff
