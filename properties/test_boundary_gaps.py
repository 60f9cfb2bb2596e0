"""Boundary checks for the survivors of the exhaustive boundary-class mutation run (issue
#22: every comparison, ±1 and boolean constant of spec/; ``tools/mutation.py``). Each check
puts a rule exactly on its boundary, and each has a planted-bug test whose planted bug *is*
the surviving mutant (the one function recompiled with the mutated text, as
``properties/test_mutation_gaps.py`` does).

Property ``boundary_gaps_agree_with_redis`` (facts from Redis 7.0.15's source, expire.c):

- the fast expire cycle runs when ``stat_expired_stale_perc`` is *not below* the acceptable
  stale share (``< config_cycle_acceptable_stale`` skips it): a share of exactly 1.0 with
  ``active-expire-effort 10`` (acceptable 1) runs it;
- the fast expire cycle runs again when ``start >= last_fast_cycle + fast_duration * 2``
  (``start < ...`` skips it): exactly two fast durations after the last one, it runs;
- a cycle counts every expired key it deletes into ``stat_expired_stale_perc`` (the moving
  average ``0.05 * expired/sampled + 0.95 * previous``) and leaves keys at ``ttl == 0``
  (sampled at their expiry time: not expired) out of ``avg_ttl`` (``if (ttl > 0)``);
- a database's first ``avg_ttl`` sample is taken whole, later ones smoothed by 49/50;
- a database is looped on while *more than* the acceptable share was expired (10% stops);
- the cycle stops when its work is *over* the time limit, checked every 16 loops;
- FLUSHALL wakes clients blocked in XREADGROUP on a stream it deleted (``-UNBLOCKED``), not
  those in XREAD; FLUSHDB inside MULTI empties the database the rest of the transaction uses;
  CLIENT INFO alone shows ``qbuf=26`` (redis-server 7.0.15);
- DEBUG SET-ACTIVE-EXPIRE reads its argument with C ``atoi`` (spaces, a sign, leading
  digits) and enables the cycle on any non-zero value (``-1``, ``+1``, ``01``, ``9``);
- EXPIRE-family writes and PERSIST add exactly 1 to ``server.dirty``;
- EXPIRE's NX/XX/GT/LT at the current expiry time and one ms either side (GT and LT are
  strict; a key without a TTL is an infinite TTL: GT never sets it, LT always does);
- EXPIREAT accepts exactly LLONG_MAX/1000 and LLONG_MIN/1000 seconds (C division) and
  refuses one more (checked against redis-server 7.0.15: ``:1`` and ``invalid expire time``);
- a PEXPIREAT to exactly now deletes the key at once (``checkAlreadyExpired``: ``<=``);
  DEBUG SLEEP's time is the command's duration (SLOWLOG);
- LFU: a new key's counter is 5, an access in the same minute makes it 6 (OBJECT FREQ);
- one EXEC making two keys ready serves the clients blocked on both.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant
from redspec.spec.server import run_command

NAME = "boundary_gaps_agree_with_redis"


def _expiring(n: int, when: int) -> Session:
    """A session with ``n`` keys that expire at ``when`` (ms)."""
    c = Session()
    for i in range(n):
        c.state, _ = run_command(c.state, c.cid, [b"SET", b"e%d" % i, b"v", b"PXAT", b"%d" % when],
                                 0)
    return c


def check_fast_cycle_stale_share() -> None:
    from redspec.spec import expire
    c = _expiring(30, 10)
    c.call(b"CONFIG", b"SET", b"active-expire-effort", b"10")
    st = attrs.evolve(c.state, stats=attrs.evolve(c.state.stats, expired_stale_perc=1.0))
    after, _ = expire.active_expire_cycle(st, 100, expire.FAST)
    assert len(after.dbs[0].keys) < 30, \
        f"{NAME}: stale share 1.0 = acceptable 1 (effort 10): the fast cycle did not run"
    low = attrs.evolve(st, stats=attrs.evolve(st.stats, expired_stale_perc=0.99))
    after, _ = expire.active_expire_cycle(low, 100, expire.FAST)
    assert len(after.dbs[0].keys) == 30, f"{NAME}: stale share below acceptable: it ran"


def check_fast_cycle_spacing() -> None:
    from redspec.spec import expire
    c = _expiring(30, 10)
    last_us = 100_000
    st = attrs.evolve(c.state, cron=attrs.evolve(c.state.cron, timelimit_exit=True,
                                                 last_fast_cycle_us=last_us))
    gap_ms = 2 * expire.FAST_DURATION_US // 1000
    early, _ = expire.active_expire_cycle(st, last_us // 1000 + gap_ms - 1, expire.FAST)
    assert len(early.dbs[0].keys) == 30, f"{NAME}: fast cycle ran 1 ms before 2 durations"
    on_time, _ = expire.active_expire_cycle(st, last_us // 1000 + gap_ms, expire.FAST)
    assert len(on_time.dbs[0].keys) < 30, f"{NAME}: fast cycle skipped at 2 durations"


def check_cycle_statistics() -> None:
    """One slow cycle over 10 keys (fewer than the 20 a loop samples): 4 past their time, 3
    at exactly their time (``now == when``: not expired, ttl 0) and 3 with ttl 1000. Loop 1
    samples all 10 and expires 4 (40% > 10%: loop again); loop 2 samples the 6 left, none
    expired. ``expired_stale_perc`` = 0.05 * 4/16; ``avg_ttl`` = 1000 (the ttl-0 keys are
    left out of the average, as ``if (ttl > 0)`` says; with them it would be 500)."""
    from redspec.spec import expire
    c = Session()
    for name, when, n in ((b"past", 50, 4), (b"now", 100, 3), (b"later", 1100, 3)):
        for i in range(n):
            c.state, _ = run_command(c.state, c.cid,
                                     [b"SET", b"%s%d" % (name, i), b"v", b"PXAT", b"%d" % when], 0)
    st, _ = expire.active_expire_cycle(c.state, 100, expire.SLOW, budget_us=10**9)
    assert len(st.dbs[0].keys) == 6, f"{NAME}: {10 - len(st.dbs[0].keys)} expired, not 4"
    perc = st.stats.expired_stale_perc
    assert abs(perc - 0.05 * 4 / 16) < 1e-12, f"{NAME}: expired_stale_perc {perc}"
    assert st.cron.avg_ttl[0] == 1000, f"{NAME}: avg_ttl {st.cron.avg_ttl[0]} (ttl 0 averaged?)"


def check_avg_ttl_first_sample() -> None:
    """A database's first ``avg_ttl`` sample is taken whole, then smoothed (``if
    (db->avg_ttl == 0) db->avg_ttl = avg_ttl;``): 3 keys with ttl 1000, none expired, one
    loop: 1000 (not 1000 // 50 = 20)."""
    from redspec.spec import expire
    c = Session()
    for i in range(3):
        c.call(b"SET", b"k%d" % i, b"v", b"PXAT", 1100)
    st, _ = expire.active_expire_cycle(c.state, 100, expire.SLOW, budget_us=10**9)
    assert st.cron.avg_ttl[0] == 1000, f"{NAME}: first avg_ttl {st.cron.avg_ttl[0]}"


def check_stop_at_acceptable_stale() -> None:
    """A database is looped on while *more than* the acceptable share was expired
    (``expired * 100 / sampled <= acceptable`` stops): 20 keys, 2 of them past their time,
    10% exactly: one loop, so 20 sampled and ``expired_stale_perc`` = 0.05 * 2/20."""
    from redspec.spec import expire
    c = Session()
    for i in range(20):
        c.call(b"SET", b"k%d" % i, b"v", b"PXAT", 50 if i < 2 else 1100)
    st, _ = expire.active_expire_cycle(c.state, 100, expire.SLOW, budget_us=10**9)
    perc = st.stats.expired_stale_perc
    assert abs(perc - 0.05 * 2 / 20) < 1e-12, f"{NAME}: 10% expired: stale perc {perc}"


def check_time_limit_boundary() -> None:
    """The cycle stops when its work is *over* the limit (``elapsed > timelimit``), checked
    every 16 loops: 16 databases with one live key each, after a cycle that hit its limit (so
    every database is visited): 16 loops of one key, 16 modelled us of work. A budget of 16
    us is not exceeded, 15 is."""
    from redspec.spec import expire
    c = Session()
    for i in range(16):
        c.call(b"SELECT", i)
        c.call(b"SET", b"k", b"v", b"PXAT", 1100)
    st = attrs.evolve(c.state, cron=attrs.evolve(c.state.cron, timelimit_exit=True))
    for budget, capped in ((16, 0), (15, 1)):
        after, _ = expire.active_expire_cycle(st, 100, expire.SLOW, budget_us=budget)
        got = after.stats.expired_time_cap_reached_count
        assert got == capped, f"{NAME}: 16 us of work, budget {budget}: cap counted {got}"


def check_expireat_bounds() -> None:
    """EXPIREAT's seconds must fit in milliseconds: ``when > LLONG_MAX / 1000 || when <
    LLONG_MIN / 1000`` (C division truncates) is the error; the bounds themselves are
    accepted (the far past deletes the key, the far future sets it)."""
    c = Session()
    top, bottom = (2**63 - 1) // 1000, -((2**63) // 1000)
    for when, ok in ((top, True), (top + 1, False), (bottom, True), (bottom - 1, False)):
        c.call(b"SET", b"k", b"v")
        got = c.call(b"EXPIREAT", b"k", when)
        assert (got == b":1\r\n") == ok, f"{NAME}: EXPIREAT k {when}: {got!r}"
    # ``when > LLONG_MAX - basetime`` is the error: PEXPIREAT (basetime 0) at LLONG_MAX is not
    c.call(b"SET", b"k", b"v")
    got = c.call(b"PEXPIREAT", b"k", 2**63 - 1)
    assert (got, c.call(b"PEXPIRETIME", b"k")) == (b":1\r\n", b":%d\r\n" % (2**63 - 1)), \
        f"{NAME}: PEXPIREAT k LLONG_MAX: {got!r}"


#: (TTL before: None or offset from T, flag, offset of the new time from T, reply, PEXPIRETIME
#: after as offset from T or None = -1), observed on redis-server 7.0.15 with T = 4e12 ms.
EXPIRE_FLAGS = [
    (None, b"NX", 0, 1, 0), (None, b"XX", 0, 0, None), (None, b"GT", 0, 0, None),
    (None, b"LT", 0, 1, 0),
    (0, b"LT", -1, 1, -1), (0, b"LT", 0, 0, 0), (0, b"GT", 0, 0, 0), (0, b"GT", 1, 1, 1),
    (0, b"LT", 1, 0, 0), (0, b"GT", -1, 0, 0), (0, b"NX", 0, 0, 0), (0, b"XX", 0, 1, 0),
]


def check_expire_flags() -> None:
    """PEXPIREAT NX/XX/GT/LT exactly at the current expiry time and one ms either side; a key
    without a TTL counts as an infinite TTL for GT/LT (7.0: GT never, LT always)."""
    c = Session()
    t = 4_000_000_000_000
    for before, flag, delta, reply, after in EXPIRE_FLAGS:
        c.call(b"SET", b"k", b"v")
        if before is not None:
            c.call(b"PEXPIREAT", b"k", t + before)
        got = c.call(b"PEXPIREAT", b"k", t + delta, flag)
        left = c.call(b"PEXPIRETIME", b"k")
        want_left = b":-1\r\n" if after is None else b":%d\r\n" % (t + after)
        assert (got, left) == (b":%d\r\n" % reply, want_left), \
            f"{NAME}: TTL {before} PEXPIREAT T{delta:+d} {flag!r}: {got!r} {left!r}"


def check_expire_dirty() -> None:
    """Each successful EXPIRE-family write and PERSIST adds 1 to ``server.dirty``
    (``expireGenericCommand``/``persistCommand``: ``server.dirty++``); a no-op adds 0."""
    c = Session()
    c.call(b"SET", b"k", b"v")
    for argv, add in (((b"PEXPIRE", b"k", 100000), 1), ((b"PERSIST", b"k"), 1),
                      ((b"PERSIST", b"k"), 0), ((b"PEXPIREAT", b"k", 1), 1)):
        before = c.state.dirty
        c.call(*argv)
        assert c.state.dirty - before == add, f"{NAME}: {argv!r}: dirty +{c.state.dirty - before}"


#: DEBUG SET-ACTIVE-EXPIRE's argument, read with C ``atoi``: enabled iff it is not 0.
ATOI_CASES = [(b"0", False), (b"1", True), (b"-1", True), (b"+1", True), (b"01", True),
              (b"9", True), (b" \t7x", True), (b"x1", False), (b"-0", False), (b"", False)]


def check_set_active_expire_atoi() -> None:
    """``debugCommand``: ``server.active_expire_enabled = atoi(c->argv[2]->ptr)``: spaces,
    one sign, then the leading digits; any non-zero value enables the cycle."""
    c = Session(**{"enable-debug-command": "local"})
    for arg, on in ATOI_CASES:
        c.call(b"DEBUG", b"SET-ACTIVE-EXPIRE", b"0" if on else b"1")
        got = c.call(b"DEBUG", b"SET-ACTIVE-EXPIRE", arg)
        assert got == b"+OK\r\n" and c.state.cron.active_expire_enabled is on, \
            f"{NAME}: DEBUG SET-ACTIVE-EXPIRE {arg!r}: {got!r}"


def _resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def _flush_scenario() -> tuple[Any, list[int], dict[int, bytes]]:
    """Clients a, b, c, d: b and d blocked in XREADGROUP on stream s (consumers c, c2), c in
    XREAD on s2; a FLUSHALLs.
    The state, the client ids, and what the FLUSHALL delivered to each."""
    from redspec.properties.driver import delivered
    from redspec.spec import server
    st = server.new_server(0)
    ids = []
    for _ in range(4):
        st, cid = server.client_connect(st, 0)
        ids.append(cid)
    a, b, c, d = ids
    got: dict[int, bytes] = {}
    for cid, argv in ((a, (b"XADD", b"s", b"1-1", b"f", b"v")),
                      (a, (b"XGROUP", b"CREATE", b"s", b"g", b"$")),
                      (a, (b"XADD", b"s2", b"1-1", b"f", b"v")),
                      (b, (b"XREADGROUP", b"GROUP", b"g", b"c", b"BLOCK", b"0", b"STREAMS", b"s",
                           b">")),
                      (d, (b"XREADGROUP", b"GROUP", b"g", b"c2", b"BLOCK", b"0", b"STREAMS",
                           b"s", b">")),
                      (c, (b"XREAD", b"BLOCK", b"0", b"STREAMS", b"s2", b"$")),
                      (a, (b"FLUSHALL",))):
        st, eff = server.client_input(st, cid, _resp(*argv), 0)
        st, got = delivered(st, eff)
    return st, ids, got


def check_error_stats() -> None:
    """Error statistics (``afterErrorReply``, ``updateStatsOnUnblock``): after the FLUSHALL
    above unblocks two XREADGROUPs with an error, two GETs with no key and an INCR of "x":
    errorstat_ERR 3, errorstat_UNBLOCKED 2, total_error_replies 5, XREADGROUP calls=2
    failed_calls=2, INCR failed_calls=1, GET rejected_calls=2 (redis-server 7.0.15)."""
    from redspec.properties.driver import delivered
    from redspec.spec import server
    st, (a, _, _, _), _ = _flush_scenario()
    for argv in ((b"GET",), (b"GET",), (b"SET", b"n", b"x"), (b"INCR", b"n"),
                 (b"INFO", b"everything")):
        st, eff = server.client_input(st, a, _resp(*argv), 0)
        st, got = delivered(st, eff)
    info = got[a].decode()
    lines = {ln.split(":", 1)[0]: ln.split(":", 1)[1] for ln in info.split("\r\n") if ":" in ln}
    for name, part in (("errorstat_ERR", "count=3"), ("errorstat_UNBLOCKED", "count=2"),
                       ("total_error_replies", "5"), ("cmdstat_xreadgroup", "calls=2,"),
                       ("cmdstat_xreadgroup", "failed_calls=2"), ("cmdstat_incr", "failed_calls=1"),
                       ("cmdstat_get", "rejected_calls=2")):
        assert part in lines.get(name, ""), f"{NAME}: {name}: {lines.get(name)!r}, want {part}"


def check_flush_wakes_stream_group_readers() -> None:
    """FLUSHALL (``scanDatabaseForDeletedKeys``): a client blocked in XREADGROUP on a stream
    that existed is woken with ``-UNBLOCKED the stream key no longer exists``; one blocked in
    plain XREAD stays blocked (observed on redis-server 7.0.15)."""
    _, (_, b, c, _), got = _flush_scenario()
    assert got.get(b) == b"-UNBLOCKED the stream key no longer exists\r\n", \
        f"{NAME}: XREADGROUP reader after FLUSHALL got {got.get(b)!r}"
    assert not got.get(c), f"{NAME}: XREAD reader after FLUSHALL got {got.get(c)!r}"


def check_flush_inside_multi() -> None:
    """FLUSHDB inside MULTI empties the database the rest of the transaction uses: a key set
    after it is kept (``MULTI; FLUSHDB; SET a 1; GET a; EXEC`` then ``GET a`` is 1)."""
    c = Session()
    c.call(b"SET", b"a", b"0")
    for argv in ((b"MULTI",), (b"FLUSHDB",), (b"SET", b"a", b"1"), (b"GET", b"a")):
        c.call(*argv)
    got = c.call(b"EXEC")
    assert got == b"*3\r\n+OK\r\n+OK\r\n$1\r\n1\r\n", f"{NAME}: EXEC {got!r}"
    assert c.call(b"GET", b"a") == b"$1\r\n1\r\n", f"{NAME}: the SET after FLUSHDB was lost"


def check_client_info_qbuf() -> None:
    """CLIENT INFO sent alone shows its own request in the query buffer: ``qbuf=26`` (the
    26 bytes of ``*2 $6 CLIENT $4 INFO``; observed on redis-server 7.0.15)."""
    got = Session().call(b"CLIENT", b"INFO")
    assert b" qbuf=26 " in got, f"{NAME}: CLIENT INFO {got!r}"


def check_used_memory_counts_clients() -> None:
    """The eviction model's ``zmalloc_used_memory()`` counts each connected client once:
    startup + ``CLIENT_COST`` per client + every database's keys, seen from a command of
    one of them (``spec.evict.used_memory``)."""
    from redspec.spec import evict, server
    from redspec.spec.memory import CLIENT_COST, STARTUP_MEMORY
    from redspec.spec.step import Step
    st = server.new_server(0)
    for n in (1, 2, 3):
        st, cid = server.client_connect(st, 0)
        s = Step(st, 0, cid)
        want = STARTUP_MEMORY + CLIENT_COST * n + sum(s.db_mem(i) for i in range(s.db_count()))
        assert evict.used_memory(s) == want, f"{NAME}: {n} clients: {evict.used_memory(s)}"


def check_debug_subcommands() -> None:
    """DEBUG answers a subcommand a mechanism registered (DIGEST-VALUE here: SHA1 of the
    value, observed on redis-server 7.0.15), not the syntax error."""
    c = Session(**{"enable-debug-command": "local"})
    c.call(b"SET", b"k", b"v")
    got = c.call(b"DEBUG", b"DIGEST-VALUE", b"k")
    assert got == b"*1\r\n+d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f\r\n", \
        f"{NAME}: DEBUG DIGEST-VALUE k: {got!r}"


def check_redspec_clock_bounds() -> None:
    """REDSPEC CLOCK (redspec's virtual clock): ADVANCE takes a non-negative amount (0 is
    allowed: ``n < 0`` is the error) and SET any time up to LLONG_MAX (``t > LLONG_MAX``)."""
    c = Session()
    c.state = attrs.evolve(c.state, cron=attrs.evolve(c.state.cron, virtual_clock=True))
    for argv, want in (((b"ADVANCE", b"0"), b":0\r\n"), ((b"ADVANCE", b"-1"), None),
                       ((b"SET", b"%d" % (2**63 - 1)), b":%d\r\n" % (2**63 - 1))):
        got = c.call(b"REDSPEC", b"CLOCK", *argv)
        ok = got.startswith(b"-ERR value is out of range") if want is None else got == want
        assert ok, f"{NAME}: REDSPEC CLOCK {argv!r}: {got!r}"


def check_expired_during_pause() -> None:
    """``expireIfNeeded`` under CLIENT PAUSE WRITE: a key past its time is reported expired
    (GET nil, EXISTS 0) but not deleted while the pause lasts; after it, the access deletes it."""
    c = Session()
    c.call(b"SET", b"k", b"v", b"PXAT", 100)
    c.call(b"CLIENT", b"PAUSE", 1000, b"WRITE")
    c.now = 200
    assert c.call(b"GET", b"k") == b"$-1\r\n", f"{NAME}: expired key served during a pause"
    assert c.call(b"EXISTS", b"k") == b":0\r\n", f"{NAME}: expired key exists during a pause"
    assert b"k" in c.state.dbs[0].keys, f"{NAME}: expired key deleted during a pause"
    c.now = 1200
    assert c.call(b"GET", b"k") == b"$-1\r\n" and b"k" not in c.state.dbs[0].keys, \
        f"{NAME}: expired key kept after the pause"


def check_lookup_steps_expires_rehash() -> None:
    """``getExpire``'s ``dictFind`` takes a rehash step of the expires dict: with only the
    expires dict rehashing (9 TTLs on 16 stable keys: 8 -> 16 buckets), a GET of a key with a
    TTL takes one step; PEXPIRE of a key with a TTL two (``getExpire``'s find, then
    ``setExpire``'s ``dictAddOrFind``)."""
    c = Session()
    for i in range(16):
        c.call(b"SET", b"k%d" % i, b"v")
    for _ in range(64):  # finish the main dict's growth
        if c.state.dbs[0].ht.rehashidx == -1:
            break
        c.call(b"GET", b"k0")
    for i in range(9):
        c.call(b"PEXPIRE", b"k%d" % i, 100000)
    db = c.state.dbs[0]
    assert db.ht.rehashidx == -1 and db.expires_ht.rehashidx != -1, \
        f"{NAME}: setup: {db.ht.rehashidx} {db.expires_ht.rehashidx}"
    from redspec.spec.dict import Dict, dict_rehash
    for argv, steps in (((b"GET", b"k1"), 1), ((b"PEXPIRE", b"k2", b"200000"), 2)):
        d = Dict(c.state.dbs[0].expires_ht, c.state.dicts.seed)
        for _ in range(steps):
            dict_rehash(d, 1)
        c.call(*argv)
        assert c.state.dbs[0].expires_ht == d.freeze(), \
            f"{NAME}: {argv!r} did not take {steps} expires rehash step(s)"


def check_access_touch() -> None:
    """The access part of ``lookupKey`` under the default (LRU) policy: a GET refreshes the
    key's LRU clock, also when the clock word is 0 (first second); OBJECT IDLETIME counts
    from the last access. A shared integer keeps its shared object across accesses (OBJECT
    REFCOUNT 2147483647, as redis-server 7.0.15 shows after SET k 5; GET k). Under
    allkeys-lfu a new key's counter is 5 and one GET makes it 6 (redis-server 7.0.15)."""
    c = Session()
    c.now = 500
    c.call(b"SET", b"j", b"v")
    c.call(b"SET", b"w", b"v")
    c.now = 5000
    c.call(b"GET", b"j")
    c.call(b"SETNX", b"w", b"x")  # a write's lookup (lookupKeyWrite) touches too
    c.now = 8000
    got = c.call(b"OBJECT", b"IDLETIME", b"j"), c.call(b"OBJECT", b"IDLETIME", b"w")
    assert got == (b":3\r\n", b":3\r\n"), f"{NAME}: IDLETIME 3 s after GET / SETNX: {got!r}"
    c.call(b"SET", b"k", b"5")
    c.call(b"GET", b"k")
    got = c.call(b"OBJECT", b"REFCOUNT", b"k")
    assert got == b":2147483647\r\n", f"{NAME}: shared integer after GET: {got!r}"
    c.call(b"SET", b"k", b"6")  # overwritten by another shared integer: still shared
    got = c.call(b"OBJECT", b"REFCOUNT", b"k")
    assert got == b":2147483647\r\n", f"{NAME}: shared integer over one: {got!r}"
    c.call(b"SET", b"k", b"abc")  # a private object over a shared integer: not shared
    got = c.call(b"OBJECT", b"REFCOUNT", b"k")
    assert got == b":1\r\n", f"{NAME}: private value over a shared integer: {got!r}"
    c.call(b"SET", b"j", b"v2")  # a private object over a private one: a fresh word
    got = c.call(b"OBJECT", b"IDLETIME", b"j")
    assert got == b":0\r\n", f"{NAME}: IDLETIME after overwriting: {got!r}"
    # under an LFU policy the access bumps the counter: 5 when created, 6 after one GET
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lfu")
    c.call(b"SET", b"f", b"v")
    c.call(b"GET", b"f")
    got = c.call(b"OBJECT", b"FREQ", b"f")
    assert got == b":6\r\n", f"{NAME}: OBJECT FREQ after one GET under allkeys-lfu: {got!r}"


def check_lfu_overwrite_touch() -> None:
    """Under allkeys-lfu with ``lfu-log-factor 0`` (every access increments): SET of a new
    key 5, SET over it 6 (one lookup: ``setKey`` does not look the key up again after the
    command did), APPEND 7; INCR n then SET n 500: 1 (observed on redis-server 7.0.15)."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lfu")
    c.call(b"CONFIG", b"SET", b"lfu-log-factor", b"0")
    got = []
    for argv, key in (((b"SET", b"f", b"v"), b"f"), ((b"SET", b"f", b"v2"), b"f"),
                      ((b"APPEND", b"f", b"x"), b"f"), ((b"INCR", b"n"), None),
                      ((b"SET", b"n", b"500"), b"n")):
        c.call(*argv)
        if key is not None:
            got.append(c.call(b"OBJECT", b"FREQ", key))
    assert got == [b":5\r\n", b":6\r\n", b":7\r\n", b":1\r\n"], f"{NAME}: OBJECT FREQ {got}"
    c.call(b"SET", b"s", b"5")  # a private object over a shared integer: its own word
    c.call(b"SET", b"s", b"abc")
    got = [c.call(b"OBJECT", b"REFCOUNT", b"s"), c.call(b"OBJECT", b"FREQ", b"s")]
    assert got == [b":1\r\n", b":1\r\n"], f"{NAME}: private over shared (LFU): {got}"


def check_new_key_event() -> None:
    """The ``new`` keyspace event (flag n) fires when SET adds a key, not when it overwrites
    one: SET k v, SET k v2, SET j v give ``k`` and ``j`` (redis-server 7.0.15)."""
    from redspec.properties.driver import delivered
    from redspec.spec import server
    st = server.new_server(0)
    st, a = server.client_connect(st, 0)
    st, b = server.client_connect(st, 0)
    heard = b""
    for cid, argv in ((a, (b"CONFIG", b"SET", b"notify-keyspace-events", b"En")),
                      (b, (b"PSUBSCRIBE", b"__keyevent@0__:new")),
                      (a, (b"SET", b"k", b"v")), (a, (b"SET", b"k", b"v2")),
                      (a, (b"SET", b"j", b"v"))):
        st, eff = server.client_input(st, cid, _resp(*argv), 0)
        st, got = delivered(st, eff)
        if cid == a:
            heard += got.get(b, b"")
    keys = [ln for ln in heard.split(b"\r\n") if ln in (b"k", b"j")]
    assert keys == [b"k", b"j"], f"{NAME}: new events for {keys}"


def check_deleted_key_has_no_word() -> None:
    """DEL (``dbDelete``) drops the key's access word with it: ``Db.lru`` only holds words
    of keys that exist."""
    c = Session()
    for k in (b"a", b"b", b"c"):
        c.call(b"SET", k, b"v")
    c.call(b"DEL", b"b")
    db = c.state.dbs[0]
    assert set(db.lru.keys()) == set(db.keys.keys()), f"{NAME}: words of {set(db.lru.keys())}"


def check_transaction_rehash_steps() -> None:
    """Rehash steps do not depend on how commands are grouped: the 5th TTL (the expires dict
    grows 4 -> 8 and starts rehashing) and three GETs of keys with a TTL leave the expires
    dict in the same state inside MULTI/EXEC as sent one by one (each ``dictFind`` of
    ``getExpire`` is one ``_dictRehashStep``, whatever the command before it did)."""
    states = []
    for multi in (False, True):
        c = Session()
        for i in range(16):
            c.call(b"SET", b"k%d" % i, b"v")
        for _ in range(64):  # finish the main dict's growth
            if c.state.dbs[0].ht.rehashidx == -1:
                break
            c.call(b"GET", b"k0")
        for i in range(4):
            c.call(b"PEXPIRE", b"k%d" % i, 100000)
        cmds = [(b"PEXPIRE", b"k4", b"100000"), (b"GET", b"k1"), (b"GET", b"k2"),
                (b"GET", b"k3")]
        if multi:
            c.call(b"MULTI")
        for argv in cmds:
            c.call(*argv)
        if multi:
            c.call(b"EXEC")
        states.append(c.state.dbs[0].expires_ht)
    assert states[0] == states[1], f"{NAME}: expires dict after MULTI differs: " \
        f"{states[0].rehashidx} vs {states[1].rehashidx}"


def check_one_step_per_find() -> None:
    """A lookup while the main dict rehashes takes exactly one ``_dictRehashStep``
    (``dictRehash(d, 1)``): with 17 keys (16 -> 32 buckets, rehashing, most buckets still to
    move), a GET leaves the main dict as one ``dict_rehash(d, 1)`` of the table before it."""
    from redspec.spec.dict import Dict, dict_rehash
    c = Session()
    for i in range(17):
        c.call(b"SET", b"k%d" % i, b"v")
    before = c.state.dbs[0].ht
    assert before.rehashidx != -1, f"{NAME}: setup: the main dict is not rehashing"
    c.call(b"GET", b"zz")
    d = Dict(before, c.state.dicts.seed)
    dict_rehash(d, 1)
    assert c.state.dbs[0].ht == d.freeze(), f"{NAME}: a GET took more or less than one step"


def _watch_exec(c: Session, *between: tuple[bytes, ...]) -> bytes:
    for argv in between:
        c.call(*argv)
    c.call(b"MULTI")
    c.call(b"PING")
    return c.call(b"EXEC")


def check_watch_rules() -> None:
    """WATCH (``watchForKey``/``touchWatchedKey``, 7.0): a key watched while already
    logically expired does not dirty the watcher when an access deletes it, but a write to it
    does; the same key name watched in two databases is two watches (redis-server 7.0.15)."""
    ok, aborted = b"*1\r\n+PONG\r\n", b"*-1\r\n"
    for later, want in (((b"GET", b"k"),), ok), (((b"SET", b"k", b"v2"),), aborted):
        c = Session()
        c.call(b"SET", b"k", b"v", b"PXAT", 100)
        c.call(b"SET", b"other", b"v", b"PXAT", 100)
        c.now = 200
        c.call(b"WATCH", b"other")
        got = _watch_exec(c, (b"WATCH", b"k"), *later)
        assert got == want, f"{NAME}: WATCH of an expired key, then {later!r}: EXEC {got!r}"
    c = Session()
    got = _watch_exec(c, (b"WATCH", b"k"), (b"SELECT", b"1"), (b"WATCH", b"k"),
                      (b"SET", b"k", b"x"))
    assert got == aborted, f"{NAME}: WATCH k in db 0 and db 1, SET k in db 1: EXEC {got!r}"
    # SWAPDB brings a key that is already expired into a watched db where it did not exist:
    # the watch only becomes "expired" (not dirty), so deleting it on access aborts nothing
    c = Session()
    c.call(b"SELECT", b"1")
    c.call(b"SET", b"k", b"v", b"PXAT", 100)
    c.call(b"SELECT", b"0")
    c.now = 200
    got = _watch_exec(c, (b"WATCH", b"k"), (b"SWAPDB", b"0", b"1"), (b"GET", b"k"))
    assert got == ok, f"{NAME}: an expired key swapped in, then read: EXEC {got!r}"


def check_swapdb_serves_waiters() -> None:
    """SWAPDB (``scanDatabaseForReadyKeys``) serves a client blocked on a key the swap
    brought: BLPOP l in db 0, RPUSH l x in db 1, SWAPDB 0 1 -> [l, x] (redis-server 7.0.15)."""
    from redspec.properties.driver import delivered
    from redspec.spec import server
    st = server.new_server(0)
    st, a = server.client_connect(st, 0)
    st, b = server.client_connect(st, 0)
    got: dict[int, bytes] = {}
    for cid, argv in ((b, (b"BLPOP", b"l", b"0")), (a, (b"SELECT", b"1")),
                      (a, (b"RPUSH", b"l", b"x")), (a, (b"SWAPDB", b"0", b"1"))):
        st, eff = server.client_input(st, cid, _resp(*argv), 0)
        st, got = delivered(st, eff)
    assert got.get(b) == b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n", f"{NAME}: BLPOP after SWAPDB {got}"


def check_typed_reads_count() -> None:
    """A typed read (``lookupKeyRead`` + ``checkType``: HGET) counts a keyspace hit or miss."""
    c = Session()
    c.call(b"HSET", b"h", b"f", b"v")
    c.call(b"HGET", b"h", b"f")
    c.call(b"HGET", b"noh", b"f")
    st = c.state.stats
    assert (st.keyspace_hits, st.keyspace_misses) == (1, 1), \
        f"{NAME}: hits/misses {st.keyspace_hits}/{st.keyspace_misses}"


def check_already_expired_at_now() -> None:
    """``checkAlreadyExpired``: a time that is not after now (``when <= now``) deletes the key
    at once (``:1``, gone); one ms later sets the TTL. (redis-server 7.0.15: a script's
    PEXPIREAT to the ms its TIME reads deletes the key at once.)"""
    c = Session(now=1000)
    for when, exists in ((1000, b":0\r\n"), (1001, b":1\r\n")):
        c.call(b"SET", b"k", b"v")
        got = (c.call(b"PEXPIREAT", b"k", when), c.call(b"EXISTS", b"k"))
        assert got == (b":1\r\n", exists), f"{NAME}: PEXPIREAT k {when} at 1000: {got!r}"


def check_debug_sleep_time() -> None:
    """DEBUG SLEEP's time is the command's duration: SLOWLOG records ``DEBUG SLEEP 0.25``
    at 250000 us (redis-server 7.0.15: 250056, the real sleep)."""
    c = Session(**{"enable-debug-command": "local"})
    c.call(b"DEBUG", b"SLEEP", b"0.25")
    got = c.call(b"SLOWLOG", b"GET")
    assert b"\r\n:250000\r\n" in got, f"{NAME}: DEBUG SLEEP 0.25 not a 250 ms entry: {got!r}"


def check_lfu_first_access() -> None:
    """LFU (``updateLFU``: ``LFUDecrAndReturn`` then ``LFULogIncr``): a new key starts at
    ``LFU_INIT_VAL`` 5; an access in the same minute decays nothing (elapsed 0, not a wrap)
    and, the counter at 5 (``baseval`` 0: probability 1), always adds one: OBJECT FREQ 5,
    then 6 (redis-server 7.0.15 with allkeys-lfu: 5, then 6)."""
    c = Session(now=1_000_000)
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lfu")
    c.call(b"SET", b"k", b"v")
    first = c.call(b"OBJECT", b"FREQ", b"k")
    c.call(b"GET", b"k")
    got = (first, c.call(b"OBJECT", b"FREQ", b"k"))
    assert got == (b":5\r\n", b":6\r\n"), f"{NAME}: LFU counter of a new key, then accessed: {got!r}"


def check_two_keys_ready_at_once() -> None:
    """``handleClientsBlockedOnKeys`` serves every key made ready by one command: clients
    blocked in BLPOP on a and on b are both served by one EXEC that pushes to both
    (redis-server 7.0.15: both get their element)."""
    from redspec.properties.driver import delivered
    from redspec.spec import server
    st = server.new_server(0)
    ids = []
    for _ in range(3):
        st, cid = server.client_connect(st, 0)
        ids.append(cid)
    a, b, w = ids
    got: dict[int, bytes] = {}
    seen: dict[int, bytes] = {}
    for cid, argv in ((a, (b"BLPOP", b"ka", b"0")), (b, (b"BLPOP", b"kb", b"0")),
                      (w, (b"MULTI",)), (w, (b"LPUSH", b"ka", b"1")),
                      (w, (b"LPUSH", b"kb", b"2")), (w, (b"EXEC",))):
        st, eff = server.client_input(st, cid, _resp(*argv), 0)
        st, got = delivered(st, eff)
        for k, v in got.items():
            seen[k] = seen.get(k, b"") + v
    want = {a: _resp(b"ka", b"1"), b: _resp(b"kb", b"2")}
    assert {k: seen.get(k) for k in want} == want, f"{NAME}: one EXEC, two ready keys: {seen!r}"


def check_value_dict_read_step() -> None:
    """A read of a value's own dict while it rehashes takes one ``_dictRehashStep``
    (``setTypeIsMember`` → ``dictFind``, 7.0.15's t_set.c/dict.c): 5 members grow the set's
    dict (4 -> 8 buckets, ``rehashidx`` 0: nothing moved yet), 200 grow it to 256 buckets
    (part moved); a missing SISMEMBER leaves it as one ``dict_rehash(d, 1)`` of the table
    before (computed here with ``spec.dict`` itself, not with the ``find_steps`` under test:
    an expectation from the mutated function could not fail)."""
    from redspec.spec.dict import Dict, dict_rehash
    for n in (5, 200):
        c = Session()
        for i in range(n):
            c.call(b"SADD", b"s", b"member-%d" % i)
        before = c.state.dbs[0].keys[b"s"].ht
        assert before.rehashidx != -1, f"{NAME}: setup: the set's dict is not rehashing"
        c.call(b"SISMEMBER", b"s", b"nope")
        after = c.state.dbs[0].keys[b"s"].ht
        d = Dict(before, c.state.dicts.seed)
        dict_rehash(d, 1)
        assert after == d.freeze() and after != before, \
            f"{NAME}: SISMEMBER on a rehashing set: rehashidx {before.rehashidx} -> " \
            f"{after.rehashidx}"


CHECKS = [check_value_dict_read_step, check_two_keys_ready_at_once, check_lfu_first_access, check_already_expired_at_now, check_debug_sleep_time, check_swapdb_serves_waiters, check_typed_reads_count, check_watch_rules, check_one_step_per_find, check_transaction_rehash_steps, check_new_key_event, check_deleted_key_has_no_word, check_lfu_overwrite_touch, check_access_touch, check_expired_during_pause, check_lookup_steps_expires_rehash,
          check_debug_subcommands, check_redspec_clock_bounds, check_error_stats, check_used_memory_counts_clients, check_flush_wakes_stream_group_readers, check_flush_inside_multi,
          check_client_info_qbuf, check_set_active_expire_atoi, check_expire_dirty, check_expire_flags, check_fast_cycle_stale_share, check_fast_cycle_spacing, check_cycle_statistics,
          check_avg_ttl_first_sample, check_stop_at_acceptable_stale, check_time_limit_boundary,
          check_expireat_bounds]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_gaps_agree_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def test_planted_fast_cycle_stale_share(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle",
          "state.stats.expired_stale_perc < stale_ok", "state.stats.expired_stale_perc <= stale_ok")
    _trips(check_fast_cycle_stale_share)


def test_planted_fast_cycle_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle",
          "start_us < last_fast + fast_us * 2", "start_us <= last_fast + fast_us * 2")
    _trips(check_fast_cycle_spacing)


def test_planted_cycle_expired_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "expired += 1", "expired += 2")
    _trips(check_cycle_statistics)


def test_planted_cycle_zero_ttl_averaged(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "if ttl > 0:", "if ttl >= 0:")
    _trips(check_cycle_statistics)


def test_planted_cycle_ttl_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "ttl_samples += 1", "ttl_samples += 2")
    _trips(check_cycle_statistics)


def test_planted_avg_ttl_first_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "if avg_ttl[i] == 0:", "if avg_ttl[i] != 0:")
    _trips(check_avg_ttl_first_sample)


def test_planted_stop_at_acceptable_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "expired * 100 // sampled <= stale_ok",
          "expired * 100 // sampled < stale_ok")
    _trips(check_stop_at_acceptable_stale)


@pytest.mark.parametrize("old,new", [("work > timelimit", "work >= timelimit"),
                                     ("max(sampled, 1)", "max(sampled, 2)")])
def test_planted_time_limit_boundary(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", old, new)
    _trips(check_time_limit_boundary)


@pytest.mark.parametrize("old,new", [("when > LLONG_MAX // 1000", "when >= LLONG_MAX // 1000"),
                                     ("when < -(-LLONG_MIN // 1000)",
                                      "when <= -(-LLONG_MIN // 1000)"),
                                     ("when > LLONG_MAX - basetime",
                                      "when >= LLONG_MAX - basetime")])
def test_planted_expireat_bounds(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.commands import expire as cmd
    plant(monkeypatch, cmd, "expire_generic", old, new)
    _trips(check_expireat_bounds)


@pytest.mark.parametrize("old,new", [("when <= current", "when < current"),
                                     ("current != -1 and when", "current == -1 and when"),
                                     ("flags & EXPIRE_LT and current != -1",
                                      "flags & EXPIRE_LT and current != -2")])
def test_planted_expire_flags(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.commands import expire as cmd
    plant(monkeypatch, cmd, "expire_generic", old, new)
    _trips(check_expire_flags)


def test_planted_persist_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import expire as cmd
    replace_handler(monkeypatch, b"persist",
                    plant(monkeypatch, cmd, "persist", "s.dirty += 1", "s.dirty += 2"))
    _trips(check_expire_dirty)


@pytest.mark.parametrize("old,new", [
    ("if i < n and b[i] in b\"+-\":", "if i < 0 and b[i] in b\"+-\":"),
    ("sign = -1 if", "sign = -0 if"), ("else 1\n", "else 0\n"),
    ("else 1\n        i += 1", "else 1\n        i += 0"),
    ("48 <= b[i] <= 57", "48 < b[i] <= 57"),
    ("48 <= b[i] <= 57", "48 <= b[i] < 57")])
def test_planted_set_active_expire_atoi(monkeypatch: pytest.MonkeyPatch, old: str,
                                        new: str) -> None:
    from redspec.spec import numbers
    plant(monkeypatch, numbers, "c_strtol", old, new)  # what DEBUG's c_atoi parses with
    _trips(check_set_active_expire_atoi)


@pytest.mark.parametrize("old,new", [("if d == i]", "if d != i]"),
                                     ("if k in old.keys:", "if k not in old.keys:")])
def test_planted_flush_wakes(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "replace_db", plant(monkeypatch, Step, "replace_db", old, new))
    _trips(check_flush_wakes_stream_group_readers)


def test_planted_flush_inside_multi(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "replace_db", plant(monkeypatch, Step, "replace_db",
                                                  "if self.db.id == i:", "if self.db.id != i:"))
    _trips(check_flush_inside_multi)


def test_planted_client_info_qbuf(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import step
    real = step.Step.__init__

    def init(self: Any, *a: Any, **k: Any) -> None:
        real(self, *a, **k)
        self.qbuf_len = 0  # the mutant `self.qbuf_len = -0`

    monkeypatch.setattr(step.Step, "__init__", init)
    _trips(check_client_info_qbuf)


def test_planted_used_memory_counts_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "client_count", plant(
        monkeypatch, Step, "client_count", "c.id not in self.clients", "c.id in self.clients"))
    _trips(check_used_memory_counts_clients)


@pytest.mark.parametrize("old,new", [
    ("self.error_replies += 1", "self.error_replies += 2"),
    ('err.split(" ", 1)[0]', 'err.split(" ", 0)[0]'),
    ("self.error_counts.get(code, 0) + 1", "self.error_counts.get(code, 0)"),
    ("self.error_counts.get(code, 0) + 1", "self.error_counts.get(code, 0) + 2")])
def test_planted_error_stats(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "count_error", plant(monkeypatch, Step, "count_error", old, new))
    _trips(check_error_stats)


@pytest.mark.parametrize("old,new", [("if calls is None:", "if calls is not None:"),
                                     ("[0, 0, 1]", "[0, 0, 0]"), ("[0, 0, 1]", "[0, 0, 2]"),
                                     ("calls[2] += 1", "calls[2] += 2")])
def test_planted_failed_calls(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "count_failed", plant(monkeypatch, Step, "count_failed", old, new))
    with pytest.raises((AssertionError, TypeError)):  # `is not None`: calls[2] of None
        check_error_stats()


def test_planted_db_mem_view(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "db_mem", plant(monkeypatch, Step, "db_mem", "v is None",
                                              "v is not None"))
    with pytest.raises((AssertionError, AttributeError)):  # None.mem for an unopened db
        check_used_memory_counts_clients()


def test_planted_debug_subcommands(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import expire as cmd
    replace_handler(monkeypatch, b"debug", plant(monkeypatch, cmd, "debug", "if r is not None:",
                                                 "if r is None:"))
    _trips(check_debug_subcommands)


@pytest.mark.parametrize("old,new", [("n is None or n < 0", "n is None or n <= 0"),
                                     ("if t > LLONG_MAX:", "if t >= LLONG_MAX:")])
def test_planted_redspec_clock_bounds(monkeypatch: pytest.MonkeyPatch, old: str,
                                      new: str) -> None:
    from redspec.spec import dispatch
    from redspec.spec.commands import expire as cmd
    top = dispatch.TABLE[b"redspec"]
    sub = attrs.evolve(top.subcommands[b"clock"],
                       handler=plant(monkeypatch, cmd, "redspec_clock", old, new))
    monkeypatch.setitem(dispatch.TABLE, b"redspec", attrs.evolve(
        top, subcommands={**top.subcommands, b"clock": sub}))
    _trips(check_redspec_clock_bounds)


def test_planted_expired_during_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "expire_if_needed", plant(
        monkeypatch, DbView, "expire_if_needed", "clients_paused(st):\n            return True",
        "clients_paused(st):\n            return False"))
    _trips(check_expired_during_pause)


@pytest.mark.parametrize("new", ["db.expires_ht.rehashidx == -1", "db.expires_ht.rehashidx != -0"])
def test_planted_lookup_steps_expires_rehash(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "__init__", plant(
        monkeypatch, DbView, "__init__", "db.expires_ht.rehashidx != -1", new))
    _trips(check_lookup_steps_expires_rehash)


@pytest.mark.parametrize("old,new", [
    ("if old is not None and old < 0:", "if old is None and old < 0:"),
    ("if old is not None and old < 0:", "if old is not None and old <= 0:"),
    ('if "lfu" in st.config', 'if "lfu" not in st.config')])
def test_planted_access_touch(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "touch", plant(monkeypatch, DbView, "touch", old, new))
    _trips(check_access_touch)


@pytest.mark.parametrize("old,new", [("self._tkey == key and", "self._tkey != key and"),
                                     ("self._tn == st.commands_processed",
                                      "self._tn != st.commands_processed")])
def test_planted_lfu_overwrite_touch(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "_account", plant(monkeypatch, DbView, "_account", old, new))
    _trips(check_lfu_overwrite_touch)


def test_planted_overwrite_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "_account", plant(
        monkeypatch, DbView, "_account", "if shared is not None:  # under LFU",
        "if shared is None:  # under LFU"))
    with pytest.raises((AssertionError, TypeError)):
        check_access_touch()


def test_planted_private_over_shared_lru(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "_account", plant(monkeypatch, DbView, "_account",
                                                  "if w != w2:", "if w == w2:"))
    _trips(check_access_touch)


def test_planted_private_over_shared_lfu(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "_account", plant(monkeypatch, DbView, "_account",
                                                  "elif w is not None and w < 0:",
                                                  "elif w is None and w < 0:"))
    _trips(check_lfu_overwrite_touch)


def test_planted_new_key_event(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "set_key", plant(
        monkeypatch, DbView, "set_key", 'if self.step.config.get("notify-keyspace-events"):',
        'if not self.step.config.get("notify-keyspace-events"):'))
    _trips(check_new_key_event)


def test_planted_deleted_key_word(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "delete", plant(monkeypatch, DbView, "delete",
                                                "if key in self.lru:", "if key not in self.lru:"))
    with pytest.raises((AssertionError, KeyError)):
        check_deleted_key_has_no_word()


@pytest.mark.parametrize("new", ["(self._db.expires_ht if ed is None else ed).rehashidx == -1",
                                 "(self._db.expires_ht if ed is None else ed).rehashidx != -0"])
def test_planted_transaction_rehash_steps(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "sync_rehashing", plant(
        monkeypatch, DbView, "sync_rehashing",
        "(self._db.expires_ht if ed is None else ed).rehashidx != -1", new))
    _trips(check_transaction_rehash_steps)


@pytest.mark.parametrize("old,new", [("dict_rehash(kd, 1)", "dict_rehash(kd, 2)"),
                                     ("if kd.rehashidx != -1 and", "if kd.rehashidx != -0 and")])
def test_planted_one_step_per_find(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, "find_main_step", plant(monkeypatch, DbView, "find_main_step",
                                                        old, new))
    _trips(check_one_step_per_find)



@pytest.mark.parametrize("func,old,new", [
    ("find_expires_step", "dict_rehash(ed, 1)", "dict_rehash(ed, 2)"),
    ("find_expires_step", "dict_rehash(ed, 1)", "dict_rehash(ed, 0)"),
    ("find_expires_step", "if ed.rehashidx != -1 and", "if ed.rehashidx == -1 and"),
    ("get_expire_steps", "if len(self.expires):", "if not len(self.expires):"),
    ("dict_add_or_find_expire", "if ed.rehashidx != -1:", "if ed.rehashidx == -1:"),
    ("dict_add_or_find_expire", "dict_rehash(ed, 1)", "dict_rehash(ed, 2)")])
def test_planted_expires_rehash_steps(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                      new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, func, plant(monkeypatch, DbView, func, old, new))
    _trips(check_lookup_steps_expires_rehash)


@pytest.mark.parametrize("func,old,new", [  # (functions the module calls by its own names)
    ("_entry_expired", "if d == dbid and k == key:", "if d != dbid and k == key:"),
    ("touch_all_watched_keys_in_db", "elif not exists and replaced_with is not None and",
     "elif not exists and replaced_with is None and"),
    ("touch_all_watched_keys_in_db", "_set_expired_flag(c, dbid, key, True)",
     "_set_expired_flag(c, dbid, key, False)")])
def test_planted_watch_rules(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                             new: str) -> None:
    from redspec.spec import step, watch
    fn = plant(monkeypatch, watch, func, old, new)
    if hasattr(step, func):  # imported by name there
        monkeypatch.setattr(step, func, fn)
    _trips(check_watch_rules)


def test_planted_swapdb_serves_waiters(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import db, step
    fn = plant(monkeypatch, db, "scan_db_for_ready_keys", "if d == db and k in view.keys:",
               "if d == db and k not in view.keys:")
    monkeypatch.setattr(step, "scan_db_for_ready_keys", fn)
    _trips(check_swapdb_serves_waiters)


def test_planted_typed_reads_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import db
    monkeypatch.setattr(db.lookup_typed, "__defaults__", (True,))  # `write: bool = True`
    _trips(check_typed_reads_count)


def test_planted_write_lookup_touch(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.db import DbView
    fn = plant(monkeypatch, DbView, "lookup", "if v is not None:\n        self.touch(key)",
               "if v is None:\n        self.touch(key)")
    monkeypatch.setattr(DbView, "lookup", fn)
    monkeypatch.setattr(DbView, "lookup_write", fn)
    _trips(check_access_touch)


def test_planted_already_expired_at_now(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.step import Step
    plant(monkeypatch, Step, "already_expired", "when <= self.now_ms", "when < self.now_ms")
    _trips(check_already_expired_at_now)


def test_planted_debug_sleep_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import expire
    fn = plant(monkeypatch, expire, "debug", "if secs == secs and", "if secs != secs and")
    from redspec.properties.planted import replace_handler
    replace_handler(monkeypatch, b"debug", fn)
    _trips(check_debug_sleep_time)


@pytest.mark.parametrize("func,old,new", [
    ("lfu_decr_and_return", "if now >= ldt else", "if now > ldt else"),
    ("lfu_log_incr", "if counter == 255:", "if counter != 255:"),
    ("lfu_log_incr", "< 1 << 32:", "< 0 << 32:"),
    ("lfu_log_incr", "return counter + 1", "return counter"),
    ("lfu_log_incr", "return counter + 1", "return counter + 2")])
def test_planted_lfu_first_access(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                  new: str) -> None:
    from redspec.spec import db, evict, lru
    from redspec.spec.commands import object as object_cmd
    fn = plant(monkeypatch, lru, func, old, new)
    for mod in (db, evict, object_cmd):  # imported by name there
        if hasattr(mod, func):
            monkeypatch.setattr(mod, func, fn)
    _trips(check_lfu_first_access)


def test_planted_two_keys_ready_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import dispatch, handle_blocked
    fn = plant(monkeypatch, handle_blocked, "handle_clients_blocked_on_keys",
               "ready=b.ready[1:]", "ready=b.ready[2:]")
    monkeypatch.setattr(dispatch, "handle_clients_blocked_on_keys", fn)  # imported by name
    _trips(check_two_keys_ready_at_once)


@pytest.mark.parametrize("new", ["if ht is None or ht.rehashidx != -1:",
                                 "if ht is None or ht.rehashidx == -0:"])
def test_planted_value_dict_read_step(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    from redspec.spec.db import DbView
    plant(monkeypatch, DbView, "value_find_steps", "if ht is None or ht.rehashidx == -1:",
          new)
    _trips(check_value_dict_read_step)
