"""Active expiry: Redis's ``activeExpireCycle`` (``expire.c``), slow and fast.

Passive expiry (a lookup deletes a key whose time has passed) lives in ``spec.step``. This
module deletes expired keys nobody touches: it samples keys that have an expiry, deletes
those whose time has passed, and repeats on a database while the sampled share of expired
keys stays above the acceptable stale percentage.

Model of Redis's loop (see docs/mechanisms/expire.md):

- Per database, ``KEYS_PER_LOOP`` (20, plus 5 per step of active-expire-effort above 1) keys
  per loop, walked from ``expires_cursor``. Redis walks hash buckets of the expires dict in
  cursor order; here the cursor walks the *iteration order* of the persistent ``expires`` map
  (a hash-array-mapped trie, itself ordered by key hash), wrapping at the end. Which keys a
  real server samples depends on its random siphash seed, so no client can tell the two apart.
- A database is looped on while more than ``ACCEPTABLE_STALE`` percent (10, minus 1 per effort
  step) of the keys sampled in a loop were expired.
- Time budget. Redis stops when a cycle has used ``SLOW_TIME_PERC`` (25 + 2 per effort step)
  percent of ``1000/hz`` ms (slow cycle) or ``FAST_DURATION_US`` (1000 us + 250 per effort
  step; fast cycle), checked every 16 loops. A pure specification cannot read a clock, so it
  spends *work*: each sampled key costs ``WORK_US_PER_KEY`` modelled microseconds, and the
  cycle stops on the same check when the work exceeds the budget (counted in
  ``expired_time_cap_reached_count``; the next cycle then visits every database). The budget
  may be passed explicitly (tests use a huge one).
- ``expired_stale_perc`` is the moving average ``0.05*current + 0.95*previous`` of the
  expired/sampled ratio; ``avg_ttl`` of a database follows Redis's ``49/50`` smoothing.
- Deleting a key here is Redis's ``deleteExpiredKeyAndPropagate``: the key goes, ``expired_keys``
  counts it, DEL is propagated (UNLINK under ``lazyfree-lazy-expire``, which also frees a big value
  in the background: spec.lazyfree) and the ``expired`` keyspace event fires.

CLIENT PAUSE (WRITE or ALL) stops the cycle: while a pause is on it returns at once, before the
fast cycle's own checks (the dataset must stay as it is; ``spec.transport``). A pause whose end
time has passed ends there first, and the cycle runs.

7.0.15 quirk kept: the fast cycle's "too many stale keys" test compares the stale *fraction*
(0..1) with the acceptable stale *percentage* (e.g. 10), so in practice a fast cycle only
runs after a cycle that hit its time limit.
"""

from __future__ import annotations

from .obuf import deliver
from .pause import pause_timed_out
from .state import ServerState, replace
from .step import NO_EFFECTS, Effects, Step
from .transport import end_pause

__all__ = [
    "SLOW", "FAST", "KEYS_PER_LOOP", "FAST_DURATION_US", "SLOW_TIME_PERC", "ACCEPTABLE_STALE",
    "WORK_US_PER_KEY", "cycle_params", "active_expire_cycle",
]

SLOW = "slow"
FAST = "fast"
KEYS_PER_LOOP = 20  # ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
FAST_DURATION_US = 1000  # ACTIVE_EXPIRE_CYCLE_FAST_DURATION
SLOW_TIME_PERC = 25  # ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC
ACCEPTABLE_STALE = 10  # ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE
CRON_DBS_PER_CALL = 16
#: Modelled cost of sampling one key, in microseconds (the work-budget unit).
WORK_US_PER_KEY = 1


def cycle_params(effort: int) -> tuple[int, int, int, int]:
    """The effort-adjusted constants (``active-expire-effort`` 1..10): keys per loop, fast
    cycle duration (us), slow cycle CPU percentage, acceptable stale percentage."""
    e = effort - 1
    return (KEYS_PER_LOOP + KEYS_PER_LOOP // 4 * e, FAST_DURATION_US + FAST_DURATION_US // 4 * e,
            SLOW_TIME_PERC + 2 * e, ACCEPTABLE_STALE - e)


def _c_div(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def active_expire_cycle(state: ServerState, now_ms: int, kind: str = SLOW,
                        budget_us: int | None = None) -> tuple[ServerState, Effects]:
    """``activeExpireCycle(type)``: sample keys with an expiry and delete the expired ones.

    ``now_ms`` is the time (unix ms); the fast cycle's spacing uses ``now_ms * 1000`` as its
    microsecond clock. ``budget_us`` overrides the modelled time limit. Returns the new state
    (keys deleted, counters and cursors updated) and the DEL propagations and ``expired``
    events.
    """
    t = state.transport
    if t.pause_type:  # checkClientPauseTimeoutAndReturnIfPaused: the dataset stays as it is
        if not pause_timed_out(t.pause_end_ms, now_ms):
            return state, NO_EFFECTS
        state = end_pause(state, now_ms)  # timed out: it ends here, the cycle goes on
        if state.transport.pause_type:  # unless another purpose's pause still holds
            return state, NO_EFFECTS
    cron = state.cron
    cfg = state.config
    kpl, fast_us, slow_perc, stale_ok = cycle_params(int(cfg.get("active-expire-effort", 1)))
    start_us = now_ms * 1000
    last_fast = cron.last_fast_cycle_us
    if kind == FAST:
        if not cron.timelimit_exit and state.stats.expired_stale_perc < stale_ok:
            return state, NO_EFFECTS
        if start_us < last_fast + fast_us * 2:
            return state, NO_EFFECTS
        last_fast = start_us
    ndb = len(state.dbs)
    dbs_per_call = CRON_DBS_PER_CALL
    if dbs_per_call > ndb or cron.timelimit_exit:
        dbs_per_call = ndb
    hz = cron.hz or int(cfg.get("hz", 10)) or 1
    timelimit = slow_perc * 1000000 // hz // 100
    if timelimit <= 0:
        timelimit = 1
    if kind == FAST:
        timelimit = fast_us
    if budget_us is not None:
        timelimit = budget_us

    s = Step(state, now_ms)
    cursors = list(cron.cursors) or [0] * ndb
    avg_ttl = list(cron.avg_ttl) or [0] * ndb
    current_db = cron.current_db
    timelimit_exit = False
    cap_reached = 0
    total_sampled = total_expired = 0
    work = 0
    iteration = 0
    j = 0
    while j < dbs_per_call and not timelimit_exit:
        i = current_db % ndb
        current_db += 1
        j += 1
        if not state.dbs[i].expires:
            avg_ttl[i] = 0
            continue
        db = s.open_db(i)
        order: list[bytes] = list(db.snapshot()[1])  # the walk order (see the module docstring)
        gone = 0
        while True:
            iteration += 1
            num = len(db.expires)
            if num == 0:
                avg_ttl[i] = 0
                break
            if gone * 2 > len(order):  # the walk order went stale: take it afresh
                order = list(db.snapshot()[1])
                gone = 0
            want = min(num, kpl)
            expired = sampled = 0
            ttl_sum = ttl_samples = 0
            n = len(order)
            cur = cursors[i]
            checked = 0
            while sampled < want and checked < n:
                key = order[cur % n]
                cur += 1
                checked += 1
                when = db.expires.get(key)
                if when is None:  # deleted since the order was taken: an empty bucket
                    continue
                ttl = when - now_ms
                if db.expire_if_needed(key, get_expire=False):  # the TTL is in hand
                    expired += 1
                    gone += 1
                if ttl > 0:
                    ttl_sum += ttl
                    ttl_samples += 1
                sampled += 1
            cursors[i] = cur % n if n else 0
            total_expired += expired
            total_sampled += sampled
            work += max(sampled, 1) * WORK_US_PER_KEY
            if ttl_samples:
                avg = ttl_sum // ttl_samples
                if avg_ttl[i] == 0:
                    avg_ttl[i] = avg
                avg_ttl[i] = _c_div(avg_ttl[i], 50) * 49 + _c_div(avg, 50)
            if iteration & 0xF == 0 and work > timelimit:
                timelimit_exit = True
                cap_reached += 1
                break
            if sampled and expired * 100 // sampled <= stale_ok:
                break
    perc = total_expired / total_sampled if total_sampled else 0.0
    st = s.stats
    s.stats = replace(
        st,
        expired_stale_perc=perc * 0.05 + st.expired_stale_perc * 0.95,
        expired_time_cap_reached_count=st.expired_time_cap_reached_count + cap_reached,
        expire_cycle_time_used_us=st.expire_cycle_time_used_us + work,
    )
    s.cron = replace(cron, cursors=tuple(cursors), avg_ttl=tuple(avg_ttl),
                     current_db=current_db, timelimit_exit=timelimit_exit,
                     last_fast_cycle_us=last_fast)
    new = s.commit()
    closed: frozenset[int] = frozenset()
    if s.others_out:  # keyspace events published to subscribers (spec.pubsub)
        new, closed = deliver(new, s.others_out, now_ms)
    if s.propagate or s.notifications or s.others_out:
        return new, Effects(propagate=tuple(s.propagate), notifications=tuple(s.notifications),
                            wake=frozenset(s.others_out), close=closed)
    return new, NO_EFFECTS
