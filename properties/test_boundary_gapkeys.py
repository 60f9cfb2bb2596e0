"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of
``spec/db.py``, ``spec/expire.py`` and ``spec/step.py`` (issue #22, ``tools/mutation.py``),
in the pattern of ``properties/test_boundary_gaps.py``: each check puts a Redis rule exactly
on its boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_gapkeys_agree_with_redis``. Observed on redis-server 7.0.15 (with
``activerehashing no``; DEBUG HTSTATS shows the entries of each table of a dict, which move
when a lookup takes a ``_dictRehashStep``):

- a dict grows (``_dictExpandIfNeeded``) during an add, its rehash index at bucket 0, and
  the next command's lookup takes a step from there (4 SETs, SADD of a 5th key: 4 entries in
  table 0 and 1 in table 1; then GET of a missing key: 2 and 3);
- SET of a 5th key grows the main dict and its own ``removeExpire`` find takes a step in the
  same command (after 5 SETs: 2 entries in table 0, 3 in table 1);
- KEYS checks ``keyIsExpired`` only for the keys its pattern matches, each a ``dictFind``
  (a rehash step) of the expires dict (the main dict is paused by KEYS's safe iterator):
  ``KEYS a`` moved a bucket of the expires dict (16 entries in table 0, then 12), ``KEYS
  nomatch`` none;
- the active expire cycle has the TTL in hand: cycles sampling keys whose time has not come
  take no step of the rehashing expires dict (HTSTATS unchanged over 1.5 s at hz 10);
- SET k 5 over a string stores the shared integer (OBJECT REFCOUNT 2147483647);
- plain SET (and MSET) over a key whose time has passed looks it up first: the key expires
  (``expired_keys:1``, with DEBUG SET-ACTIVE-EXPIRE 0).

From 7.0.15's source (db.c, t_string.c, server.c), not observable through a client without
counting buckets whose order depends on the hash seed:

- a lookup of a key with a TTL while the main dict rehashes takes two steps of it
  (``lookupKey``'s ``dictFind``, then ``getExpire``'s ``dictFind(db->dict)``); one without
  a TTL one;
- APPEND to an embstr value (44 bytes, the longest embstr) replaces it by a raw copy with
  ``dbOverwrite`` (``dbUnshareStringValue``: a second ``dictFind``); to a raw value (45
  bytes, or one an APPEND already made raw) it changes the string in place (one find);
- on a replica a key whose time has passed is gone for its clients but not for its master's
  commands (``expireIfNeeded``: ``server.current_client == server.master`` returns 0), and
  nothing is deleted;
- with AOF on, a write is fed to the AOF buffer in the transition that made it
  (``propagateNow`` → ``feedAppendOnlyFile``).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant
from redspec.spec.dict import Dict, HashTables, dict_add, dict_rehash

NAME = "boundary_gapkeys_agree_with_redis"


def _stepped(ht: HashTables, seed: Any, n: int) -> HashTables:
    """``ht`` after ``n`` calls of ``dictRehash(d, 1)`` (a no-op once it is done)."""
    d = Dict(ht, seed)
    for _ in range(n):
        dict_rehash(d, 1)
    return d.freeze()


def _stable(c: Session) -> None:
    """Finish the growth of the main dict with lookups (the expires dict is empty)."""
    for _ in range(64):
        if c.state.dbs[0].ht.rehashidx == -1:
            return
        c.call(b"GET", b"nokey")
    raise AssertionError(f"{NAME}: setup: the main dict did not finish rehashing")


def check_step_after_grow() -> None:
    """SADD of a 5th key grows the main dict (4 -> 8 buckets) and leaves its rehash index at
    bucket 0 (``dbAdd`` finds nothing after); the next command's lookup takes one step
    from bucket 0."""
    c = Session()
    for i in range(4):
        c.call(b"SET", b"k%d" % i, b"v")
    c.call(b"SADD", b"s", b"m")
    before = c.state.dbs[0].ht
    assert before.rehashidx == 0, f"{NAME}: setup: rehash index {before.rehashidx}, not 0"
    c.call(b"GET", b"zz")
    assert c.state.dbs[0].ht == _stepped(before, c.state.dicts.seed, 1), \
        f"{NAME}: a GET at rehash index 0 took no step (or more than one)"


def check_set_grows_then_steps() -> None:
    """SET of a 5th key: ``dbAdd`` grows the main dict (rehash index 0), then ``setKey``'s
    ``removeExpire`` finds the key in the dict: one step in the same command."""
    c = Session()
    for i in range(4):
        c.call(b"SET", b"k%d" % i, b"v")
    before = c.state.dbs[0].ht
    assert before.rehashidx == -1, f"{NAME}: setup: rehashing before the 5th key"
    d = Dict(before, c.state.dicts.seed)
    dict_add(d, b"k4")
    assert d.rehashidx == 0, f"{NAME}: setup: the 5th key did not grow the dict"
    dict_rehash(d, 1)
    c.call(b"SET", b"k4", b"v")
    assert c.state.dbs[0].ht == d.freeze(), f"{NAME}: SET of a 5th key: not grow + one step"


def check_ttl_lookup_steps() -> None:
    """While the main dict rehashes (17 keys: 16 -> 32 buckets) and the expires dict does
    not, GET of a key with a TTL takes two steps of the main dict (``lookupKey``, then
    ``getExpire``'s ``dictFind(db->dict)``), GET of a key without one takes one."""
    c = Session()
    c.call(b"SET", b"t", b"v", b"PX", 10**9)
    for i in range(16):
        c.call(b"SET", b"k%d" % i, b"v")
    db = c.state.dbs[0]
    assert db.ht.rehashidx != -1 and db.expires_ht.rehashidx == -1, \
        f"{NAME}: setup: {db.ht.rehashidx} {db.expires_ht.rehashidx}"
    for key, steps in ((b"t", 2), (b"k3", 1), (b"t", 2)):
        want = _stepped(c.state.dbs[0].ht, c.state.dicts.seed, steps)
        assert want.rehashidx != -1, f"{NAME}: setup: the rehash ended"
        c.call(b"GET", key)
        assert c.state.dbs[0].ht == want, f"{NAME}: GET {key!r}: not {steps} main-dict steps"


def _keys_setup() -> Session:
    """20 keys (``a``, ``k0``..``k18``), the main dict stable; 17 of them get a TTL, the 17th
    growing the expires dict (16 -> 32 buckets) to rehash index 0."""
    c = Session()
    c.call(b"SET", b"a", b"v")
    for i in range(19):
        c.call(b"SET", b"k%d" % i, b"v")
    _stable(c)
    c.call(b"PEXPIRE", b"a", 100000)
    for i in range(16):
        c.call(b"PEXPIRE", b"k%d" % i, 100000)
    db = c.state.dbs[0]
    assert db.ht.rehashidx == -1 and db.expires_ht.rehashidx == 0, \
        f"{NAME}: setup: {db.ht.rehashidx} {db.expires_ht.rehashidx}"
    return c


def check_keys_expires_steps() -> None:
    """KEYS checks ``keyIsExpired`` for each key its pattern matches: ``KEYS nomatch`` takes
    no step of the rehashing expires dict, ``KEYS a`` (one match) exactly one, from rehash
    index 0, ``KEYS k1[05-7]`` (k10, k15 with TTLs, k16, k17 without: 4 matches) 4."""
    c = _keys_setup()
    for pattern, steps in ((b"nomatch", 0), (b"a", 1), (b"k1[05-7]", 4)):
        want = _stepped(c.state.dbs[0].expires_ht, c.state.dicts.seed, steps)
        assert want.rehashidx != -1, f"{NAME}: setup: the rehash ended"
        c.call(b"KEYS", pattern)
        assert c.state.dbs[0].expires_ht == want, \
            f"{NAME}: KEYS {pattern!r}: not {steps} expires-dict steps"


def check_active_cycle_takes_no_find_steps() -> None:
    """The active expire cycle reads the TTL from the entry it sampled (``now > t``), with no
    ``getExpire``: sampling keys whose time has not come takes no step of the rehashing
    expires dict (redis-server 7.0.15: DEBUG HTSTATS unchanged across cycles with
    ``activerehashing no``)."""
    from redspec.spec import expire
    c = _keys_setup()
    before = c.state.dbs[0].expires_ht
    st, _ = expire.active_expire_cycle(c.state, 1000, expire.SLOW, budget_us=10**9)
    assert st.dbs[0].expires_ht == before, f"{NAME}: the active cycle took rehash steps"
    assert len(st.dbs[0].keys) == 20, f"{NAME}: setup: the cycle deleted keys"


def check_master_sees_expired_keys_on_replica() -> None:
    """On a replica (``masterhost`` set), a key whose time has passed is nil for a client
    and untouched by its master's commands, which still see it (``expireIfNeeded`` returns
    0 for ``server.master``): APPEND from the master appends to the old value."""
    from redspec.spec.state import replace as creplace
    c = Session()
    c.call(b"SET", b"k", b"v", b"PXAT", 100)
    c.call(b"SET", b"j", b"v", b"PXAT", 100)
    c.state = attrs.evolve(c.state, repl=attrs.evolve(c.state.repl, masterhost="127.0.0.1"))
    c.now = 200
    assert c.call(b"GET", b"j") == b"$-1\r\n", f"{NAME}: a replica's client sees an expired key"
    cl = c.state.clients[c.cid]
    c.state = attrs.evolve(c.state, clients=c.state.clients.set(
        c.cid, creplace(cl, flags=frozenset({"master"}))))
    c.call(b"APPEND", b"k", b"x")
    keys = c.state.dbs[0].keys
    assert b"j" in keys, f"{NAME}: a replica deleted an expired key itself"
    assert bytes(keys.get(b"k", b"")) == b"vx", \
        f"{NAME}: the master's APPEND on a replica: {keys.get(b'k')!r}, not b'vx'"


def check_overwrite_with_shared_integer() -> None:
    """SET k 5 over a string value stores the shared integer object: OBJECT REFCOUNT
    2147483647 (redis-server 7.0.15), as for a new key."""
    c = Session()
    c.now = 1000
    c.call(b"SET", b"a", b"5")
    c.call(b"SET", b"k", b"abc")
    c.now = 9000
    c.call(b"SET", b"k", b"5")
    for key in (b"a", b"k"):
        got = c.call(b"OBJECT", b"REFCOUNT", key)
        assert got == b":2147483647\r\n", f"{NAME}: OBJECT REFCOUNT {key!r}: {got!r}"


def check_unshare_string_steps() -> None:
    """APPEND while the main dict rehashes: to a 44-byte (embstr) value, two steps
    (``lookupKeyWrite``, then ``dbUnshareStringValue``'s ``dbOverwrite``); to a 45-byte
    (raw) value or one an APPEND already made raw, one (changed in place)."""
    c = Session()
    c.call(b"SET", b"e", b"x" * 44)
    c.call(b"SET", b"r", b"x" * 45)
    c.call(b"SET", b"p", b"x")
    c.call(b"APPEND", b"p", b"y")  # raw now
    for i in range(14):
        c.call(b"SET", b"k%d" % i, b"v")
    assert c.state.dbs[0].ht.rehashidx > 0, f"{NAME}: setup: the main dict is not rehashing"
    for key, steps in ((b"e", 2), (b"r", 1), (b"p", 1), (b"e", 1)):
        want = _stepped(c.state.dbs[0].ht, c.state.dicts.seed, steps)
        assert want.rehashidx != -1, f"{NAME}: setup: the rehash ended"
        c.call(b"APPEND", key, b"z")
        assert c.state.dbs[0].ht == want, f"{NAME}: APPEND {key!r}: not {steps} steps"


def check_set_looks_the_key_up() -> None:
    """Plain SET and MSET over a key whose time has passed: ``setKey``'s own
    ``lookupKeyWrite`` expires it first (INFO ``expired_keys`` counts it, redis-server
    7.0.15); SET NX and SET XX (which looked the key up themselves) count it once."""
    for argv in ((b"SET", b"k", b"v2"), (b"MSET", b"k", b"v2"), (b"SET", b"k", b"v2", b"XX")):
        c = Session()
        c.call(b"SET", b"k", b"v", b"PXAT", 100)
        c.now = 200
        c.call(*argv)
        assert c.state.stats.expired_keys == 1, \
            f"{NAME}: {argv!r} over an expired key: expired_keys {c.state.stats.expired_keys}"


def check_aof_fed_while_on() -> None:
    """With AOF on, a write reaches the AOF buffer in its own transition."""
    from redspec.spec.state import AOF_ON
    c = Session()
    c.state = attrs.evolve(c.state, aof=attrs.evolve(c.state.aof, status=AOF_ON))
    c.call(b"SET", b"k", b"v")
    assert b"$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n" in c.state.aof.buf, \
        f"{NAME}: SET with AOF on: buffer {c.state.aof.buf!r}"


def _err(text: str) -> bytes:
    return b"-" + text.encode() + b"\r\n"


def check_int_arguments() -> None:
    """``getIntFromObjectOrReply`` at the C ``int`` limits (redis-server 7.0.15): MOVE, COPY
    ... DB and SWAPDB accept -2147483648 and 2147483647 as integers (then "DB index is out of
    range"); one beyond is "value is out of range, value must between -2147483648 and
    2147483647" for MOVE and COPY, SWAPDB's own "invalid first/second DB index"; not a
    number: "value is not an integer or out of range" / SWAPDB's messages."""
    c = Session()
    rng = _err("ERR DB index is out of range")
    big = _err("ERR value is out of range, value must between -2147483648 and 2147483647")
    nan = _err("ERR value is not an integer or out of range")
    first, second = _err("ERR invalid first DB index"), _err("ERR invalid second DB index")
    for arg, want in ((b"2147483647", rng), (b"-2147483648", rng), (b"-1", rng),
                      (b"2147483648", big), (b"-2147483649", big), (b"x", nan)):
        for argv in ((b"MOVE", b"k", arg), (b"COPY", b"k", b"k2", b"DB", arg)):
            got = c.call(*argv)
            assert got == want, f"{NAME}: {argv!r}: {got!r}"
        sw = (rng, rng) if want == rng else (first, second)
        for argv, w in (((b"SWAPDB", arg, b"0"), sw[0]), ((b"SWAPDB", b"0", arg), sw[1])):
            got = c.call(*argv)
            assert got == w, f"{NAME}: {argv!r}: {got!r}"


def check_del_counts_its_keys_only() -> None:
    """DEL and UNLINK delete their arguments after the command name: a key named like the
    command is left alone."""
    c = Session()
    for cmd in (b"DEL", b"UNLINK"):
        c.call(b"SET", cmd, b"v")
        got = c.call(cmd, b"nokey")
        assert got == b":0\r\n", f"{NAME}: {cmd!r} nokey: {got!r}"
        assert c.call(b"EXISTS", cmd) == b":1\r\n", f"{NAME}: {cmd!r} deleted the key {cmd!r}"


def check_rename_move_keep_the_object() -> None:
    """RENAME and MOVE move the object itself, with its LFU counter (allkeys-lfu,
    lfu-log-factor 0: every access adds 1; redis-server 7.0.15: SET 5, three GETs 8, RENAME
    9 (its lookupKeyWrite), MOVE 10, OBJECT FREQ touching nothing)."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-lfu")
    c.call(b"CONFIG", b"SET", b"lfu-log-factor", b"0")
    c.call(b"SET", b"k", b"v")
    for _ in range(3):
        c.call(b"GET", b"k")
    c.call(b"RENAME", b"k", b"k2")
    got = c.call(b"OBJECT", b"FREQ", b"k2")
    assert got == b":9\r\n", f"{NAME}: OBJECT FREQ after RENAME: {got!r}"
    c.call(b"MOVE", b"k2", b"1")
    c.call(b"SELECT", b"1")
    got = c.call(b"OBJECT", b"FREQ", b"k2")
    assert got == b":10\r\n", f"{NAME}: OBJECT FREQ after MOVE: {got!r}"


def check_copy_options() -> None:
    """COPY's DB option needs its index: ``COPY a b DB`` and ``COPY a b REPLACE DB`` are
    syntax errors (redis-server 7.0.15), parsed before the key is looked up."""
    c = Session()
    for argv in ((b"COPY", b"a", b"b", b"DB"), (b"COPY", b"a", b"b", b"REPLACE", b"DB")):
        got = c.call(*argv)
        assert got == _err("ERR syntax error"), f"{NAME}: {argv!r}: {got!r}"


def check_copy_rehash_steps() -> None:
    """COPY to a new key while the main dict rehashes (and no key has a TTL): three steps
    (``lookupKeyRead`` of the source, ``lookupKeyWrite`` of the destination, ``dbAdd``); no
    ``dbDelete`` of a destination that does not exist."""
    c = Session()
    for i in range(33):
        c.call(b"SET", b"k%d" % i, b"v")
    want = _stepped(c.state.dbs[0].ht, c.state.dicts.seed, 2)
    assert want.rehashidx != -1, f"{NAME}: setup: the rehash ended"
    d = Dict(want, c.state.dicts.seed)
    dict_add(d, b"new")  # its own step
    got = c.call(b"COPY", b"k1", b"new")
    assert got == b":1\r\n", f"{NAME}: setup: COPY {got!r}"
    assert c.state.dbs[0].ht == d.freeze(), f"{NAME}: COPY to a new key: not three steps"


def check_keys_order_and_expiry() -> None:
    """KEYS lists keys in the main dict's safe-iterator order (bucket by bucket) whether
    the pattern is ``*`` or not; a pattern lists only its matches, and both leave out a key
    whose time has passed but list one at exactly its time (``now == when``)."""
    from redspec.spec.dict import dict_keys
    from redspec.spec.reply import encode2 as encode
    c = Session()
    for i in range(12):
        c.call(b"SET", b"k%d" % i, b"v")
    c.call(b"SET", b"other", b"v")
    c.call(b"PEXPIREAT", b"k1", 100)  # at its time: listed
    c.call(b"PEXPIREAT", b"k2", 99)  # past: left out
    c.call(b"PEXPIREAT", b"k3", 1000)
    c.now = 100
    order = [k for k in dict_keys(c.state.dbs[0].ht) if k != b"k2"]
    assert order != sorted(order, key=lambda k: list(c.state.dbs[0].keys).index(k)), \
        f"{NAME}: setup: dict order equals the map order"
    for pattern in (b"*", b"k*", b"k?"):
        got = c.call(b"KEYS", pattern)
        want = [k for k in order if pattern == b"*" or k.startswith(b"k")
                and (pattern != b"k?" or len(k) == 2)]
        assert got == encode(want), f"{NAME}: KEYS {pattern!r}: {got!r}"


def check_randomkey_rehash_steps() -> None:
    """RANDOMKEY while the main dict rehashes: ``dictGetFairRandomKey`` →
    ``dictGetSomeKeys`` does rehash work proportional to its count (15 steps)."""
    c = Session()
    for i in range(33):
        c.call(b"SET", b"k%d" % i, b"v")
    want = _stepped(c.state.dbs[0].ht, c.state.dicts.seed, 15)
    assert want.rehashidx != -1, f"{NAME}: setup: the rehash ended"
    c.call(b"RANDOMKEY")
    assert c.state.dbs[0].ht == want, f"{NAME}: RANDOMKEY did not take 15 steps"


def check_glob_edges() -> None:
    """``stringmatchlen`` at its edges (redis-server 7.0.15): ``[\\]`` is the class of ``]``
    (an escape as the class's last two bytes); CONFIG GET matches without case: ``[A-C]``
    takes ``a``, ``[X-Z]`` and ``[x-z]`` take ``z``, a literal ``Z`` or ``A`` takes ``z`` /
    ``a``."""
    from redspec.spec.reply import encode2 as encode
    c = Session()
    c.call(b"SET", b"]", b"a")
    c.call(b"SET", b"\\", b"b")
    got = c.call(b"KEYS", b"[\\]")
    assert got == encode([b"]"]), f"{NAME}: KEYS [\\]: {got!r}"
    zset = encode([b"zset-max-listpack-entries", b"128"])
    for pattern, want in ((b"[x-z]set-max-listpack-entries", zset),
                          (b"[X-Z]SET-max-listpack-entries", zset),
                          (b"ZSET-max-listpack-entrie?", zset),
                          (b"[A-C]CTIVEREHASHING", encode([b"activerehashing", b"yes"])),
                          (b"ACTIVEREHASHIN?", encode([b"activerehashing", b"yes"]))):
        got = c.call(b"CONFIG", b"GET", pattern)
        assert got == want, f"{NAME}: CONFIG GET {pattern!r}: {got!r}"


CHECKS = [check_step_after_grow, check_set_grows_then_steps, check_ttl_lookup_steps,
          check_keys_expires_steps, check_active_cycle_takes_no_find_steps,
          check_master_sees_expired_keys_on_replica, check_overwrite_with_shared_integer,
          check_unshare_string_steps, check_set_looks_the_key_up, check_aof_fed_while_on,
          check_int_arguments, check_del_counts_its_keys_only, check_rename_move_keep_the_object,
          check_copy_options, check_copy_rehash_steps, check_keys_order_and_expiry,
          check_randomkey_rehash_steps, check_glob_edges]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_gapkeys(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _plant_view(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.spec.db import DbView
    monkeypatch.setattr(DbView, func, plant(monkeypatch, DbView, func, old, new))


@pytest.mark.parametrize("func,old,new,check", [
    ("__init__", "self._rh = db.ht.rehashidx != -1 or", "self._rh = db.ht.rehashidx != -0 or",
     check_step_after_grow),
    ("find_main_step", "if self._db.ht.rehashidx == -1:", "if self._db.ht.rehashidx == -0:",
     check_step_after_grow),
    ("sync_rehashing", "(self._db.ht if kd is None else kd).rehashidx != -1",
     "(self._db.ht if kd is None else kd).rehashidx != -0", check_set_grows_then_steps),
    ("sync_rehashing", "(self._db.ht if kd is None else kd).rehashidx != -1",
     "(self._db.ht if kd is None else kd).rehashidx == -1", check_ttl_lookup_steps),
    ("get_expire_steps", "if key in self.expires:", "if key not in self.expires:",
     check_ttl_lookup_steps),
    ("expires_find_steps", "if ed.rehashidx == -1:", "if ed.rehashidx != -1:",
     check_keys_expires_steps),
    ("expires_find_steps", "if ed.rehashidx == -1:", "if ed.rehashidx == -0:",
     check_keys_expires_steps),
    ("expires_find_steps", "dict_rehash(ed, 1)", "dict_rehash(ed, 0)",
     check_keys_expires_steps),
    ("expires_find_steps", "dict_rehash(ed, 1)", "dict_rehash(ed, 2)",
     check_keys_expires_steps),
    ("expire_if_needed", 'return not (fl and "master" in fl)',
     'return not (fl and "master" not in fl)', check_master_sees_expired_keys_on_replica),
    ("_account", "if w != shared:", "if w == shared:", check_overwrite_with_shared_integer),
    ("unshare_string", "if type(old) is RawStr or", "if type(old) is not RawStr or",
     check_unshare_string_steps),
    ("unshare_string", "len(old) > EMBSTR_SIZE_LIMIT", "len(old) >= EMBSTR_SIZE_LIMIT",
     check_unshare_string_steps),
    ("set_key", "if found is None:", "if found is not None:", check_set_looks_the_key_up)])
def test_planted_db_view(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                         check: Any) -> None:
    _plant_view(monkeypatch, func, old, new)
    _trips(check)


def test_planted_active_cycle_get_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "expire_if_needed(key, get_expire=False)",
          "expire_if_needed(key, get_expire=True)")
    _trips(check_active_cycle_takes_no_find_steps)


def test_planted_aof_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.step import Step
    monkeypatch.setattr(Step, "feed_aof", plant(monkeypatch, Step, "feed_aof",
                                                "if a.status != AOF_OFF:",
                                                "if a.status == AOF_OFF:"))
    _trips(check_aof_fed_while_on)


@pytest.mark.parametrize("name,value", [("_INT_MIN", 0), ("_INT_MIN", -(2 << 31)),
                                        ("_INT_MAX", 1 << 31), ("_INT_MAX", (2 << 31) - 1),
                                        ("_INT_MAX", (1 << 31) - 2)])
def test_planted_int_limits(monkeypatch: pytest.MonkeyPatch, name: str, value: int) -> None:
    from redspec.spec.commands import keys
    monkeypatch.setattr(keys, name, value)
    _trips(check_int_arguments)


@pytest.mark.parametrize("old,new", [
    ("return NOT_INTEGER if msg is None else msg",
     "return NOT_INTEGER if msg is not None else msg"),
    ("return _INT_RANGE if msg is None else msg", "return _INT_RANGE if msg is not None else msg"),
    ("if not _INT_MIN <= v <= _INT_MAX:", "if not _INT_MIN < v <= _INT_MAX:"),
    ("if not _INT_MIN <= v <= _INT_MAX:", "if not _INT_MIN <= v < _INT_MAX:")])
def test_planted_get_int(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.commands import keys
    plant(monkeypatch, keys, "get_int", old, new)
    with pytest.raises((AssertionError, TypeError)):  # None where an int or Err is due
        check_int_arguments()


def _plant_handler(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                   *names: bytes) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import keys
    fn = plant(monkeypatch, keys, func, old, new)
    for name in names:
        replace_handler(monkeypatch, name, fn)


@pytest.mark.parametrize("func,old,new,names,check", [
    ("del_", "for key in argv[1:]:", "for key in argv[0:]:", (b"del", b"unlink"),
     check_del_counts_its_keys_only),
    ("move_key", "if word is not None:", "if word is None:", (),
     check_rename_move_keep_the_object),
    ("copy", "delete = False", "delete = True", (b"copy",), check_copy_rehash_steps),
    ("keys", "if len(ht) == len(kmap):", "if len(ht) != len(kmap):", (b"keys",),
     check_keys_order_and_expiry),
    ("keys", 'if pattern == b"*":', 'if pattern != b"*":', (b"keys",),
     check_keys_order_and_expiry),
    ("keys", "return [k for k in matched if not (k in expires and now > expires[k])]",
     "return [k for k in matched if not (k not in expires and now > expires[k])]", (b"keys",),
     check_keys_order_and_expiry),
    ("keys", "return [k for k in matched if not (k in expires and now > expires[k])]",
     "return [k for k in matched if not (k in expires and now >= expires[k])]", (b"keys",),
     check_keys_order_and_expiry),
    ("randomkey", "if len(db.dict_snapshot()[0]) == n:", "if len(db.dict_snapshot()[0]) != n:",
     (b"randomkey",), check_randomkey_rehash_steps)])
def test_planted_keys_commands(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                               names: tuple[bytes, ...], check: Any) -> None:
    _plant_handler(monkeypatch, func, old, new, *names)
    with pytest.raises((AssertionError, KeyError)):  # `not in expires`: expires[k] missing
        check()


@pytest.mark.parametrize("new", ['elif opt == b"db" and j + 1 <= n:',
                                 'elif opt == b"db" and j < n:'])
def test_planted_copy_db_option(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    _plant_handler(monkeypatch, "copy", 'elif opt == b"db" and j + 1 < n:', new, b"copy")
    with pytest.raises((AssertionError, IndexError)):
        check_copy_options()


@pytest.mark.parametrize("func,old,new", [
    ("_lower", "65 <= c <= 90", "65 < c <= 90"),
    ("_lower", "65 <= c <= 90", "65 <= c < 90"),
    ("_parse", "if c == 92 and n - i >= 2:  # escaped byte",
     "if c == 92 and n - i > 2:  # escaped byte"),
    ("_parse", "lo <= _lower(_signed(b)) <= hi", "lo < _lower(_signed(b)) <= hi"),
    ("_parse", "lo <= _lower(_signed(b)) <= hi", "lo <= _lower(_signed(b)) < hi")])
def test_planted_glob(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.spec import glob
    plant(monkeypatch, glob, func, old, new)
    _trips(check_glob_edges)
