"""``dictGetSomeKeys`` (spec.dict) and its use by eviction (spec.evict): what it returns, the
bounded work per call whatever the dict's size, both tables walked while rehashing, and the
eviction pool drawing from it with ``maxmemory-samples``."""

from __future__ import annotations

import random
from typing import Any

import pytest

from redspec.spec import dict as D
from redspec.spec import evict
from redspec.spec.memory import CLIENT_COST, STARTUP_MEMORY
from redspec.spec.server import client_connect, new_server, run_command

NOW = 1_700_000_000_000


class Counting:
    """A table stand-in that counts bucket reads (``d->ht_table[j][i]``)."""

    def __init__(self, t: Any) -> None:
        self.t = t
        self.reads = 0

    def get(self, i: int, default: Any = None) -> Any:
        self.reads += 1
        return self.t.get(i, default)

    def __len__(self) -> int:
        return len(self.t)


def _rand(seed: int) -> Any:
    r = random.Random(seed)
    calls = [0]

    def draw() -> int:
        calls[0] += 1
        return r.getrandbits(32)

    draw.calls = calls  # type: ignore[attr-defined]
    return draw


def _dict(n: int, prefix: bytes = b"k") -> D.Dict:
    """A dict of ``n`` keys, rehashing finished."""
    d = D.Dict(D.build([prefix + b"%d" % i for i in range(n)]), D.DictState().seed)
    while D.dict_rehash(d, 1000):
        pass
    return d


def test_returns_members_count_and_distinct_without_a_jump() -> None:
    keys = {b"k%d" % i for i in range(300)}
    d = _dict(300)
    for seed in range(200):
        rand = _rand(seed)
        got = D.dict_get_some_keys(d, 5, rand)
        assert len(got) == 5 and set(got) <= keys
        if rand.calls[0] == 2:  # one random start, no jump: consecutive buckets, no repeat
            assert len(set(got)) == 5
    small = _dict(3)
    assert sorted(D.dict_get_some_keys(small, 16, _rand(1))) == [b"k0", b"k1", b"k2"]
    assert D.dict_get_some_keys(D.Dict(D.EMPTY_HT, D.DictState().seed), 5, _rand(1)) == []


@pytest.mark.parametrize("n", [1000, 20000])
def test_work_is_bounded_by_count_not_size(n: int) -> None:
    d = _dict(n)
    d.t0 = Counting(d.t0)
    for seed in range(50):
        D.dict_get_some_keys(d, 5, _rand(seed))
    # at most count*10 steps, one bucket read per step (one table: not rehashing)
    assert d.t0.reads <= 50 * 5 * 10


def test_sparse_dict_jumps_and_stays_bounded() -> None:
    d = _dict(2000)
    for i in range(1990):
        D.dict_delete(d, b"k%d" % i)  # no resize: 10 keys in a 2048-bucket table
    d.t0 = Counting(d.t0)
    rand = _rand(7)
    got = D.dict_get_some_keys(d, 5, rand)
    assert d.t0.reads <= 5 * 10
    assert rand.calls[0] > 2  # runs of empty buckets made it jump
    assert set(got) <= {b"k%d" % i for i in range(1990, 2000)}


def test_walks_both_tables_while_rehashing() -> None:
    d = _dict(2000)
    assert D.dict_expand(d, 16384) and d.rehashidx == 0
    D.dict_rehash(d, 600)
    assert d.rehashidx != -1 and d.used0 and d.used1
    in_t1 = {k for chain in d.freeze().t1.values() for k in chain}  # stay in table 1
    seen: set[bytes] = set()
    for seed in range(60):
        seen.update(D.dict_get_some_keys(d, 5, _rand(seed)))
    assert d.rehashidx != -1, "still rehashing (each call does at most count steps)"
    in_t0 = {k for chain in d.freeze().t0.values() for k in chain}  # were in table 0 all along
    assert seen & in_t1 and seen & in_t0
    # asking for everything walks every bucket of both tables once: each key exactly once
    every = D.dict_get_some_keys(d, len(d), _rand(3))
    assert sorted(every) == sorted(b"k%d" % i for i in range(2000))


def test_rehash_steps_first() -> None:
    d = _dict(2000)
    D.dict_expand(d, 16384)
    before = d.rehashidx
    D.dict_get_some_keys(d, 5, _rand(1))
    assert d.rehashidx > before


def _full_server(n: int, policy: str) -> tuple[Any, int]:
    st = new_server(NOW)
    st, cid = client_connect(st, NOW)
    args: list[bytes] = [b"MSET"]
    for i in range(n):
        args += [b"key:%d" % i, b"v"]
    st, _ = run_command(st, cid, args, NOW)
    for i in range(0, n, 2):
        st, _ = run_command(st, cid, [b"PEXPIREAT", b"key:%d" % i, b"99999999999000"], NOW)
    st, _ = run_command(st, cid, [b"CONFIG", b"SET", b"maxmemory-policy", policy.encode()], NOW)
    return st, cid


@pytest.mark.parametrize("policy", ["allkeys-lru", "volatile-lfu", "allkeys-random",
                                    "volatile-random", "volatile-ttl"])
def test_eviction_samples_the_dict(policy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eviction draws with ``dictGetSomeKeys(dict, maxmemory-samples)`` (pool policies) or
    ``dictGetRandomKey`` (random ones) over ``db->dict`` / ``db->expires``; evicting a few
    keys of a large db reads a few buckets, not the db."""
    st, cid = _full_server(4000, policy)
    calls: list[tuple[str, int, int]] = []
    real_some, real_random = evict.dict_get_some_keys, evict.dict_random_key

    def some(d: Any, count: int, rand: Any) -> list[bytes]:
        calls.append(("some", len(d), count))
        return real_some(d, count, rand)

    def one(d: Any, rand: Any) -> bytes | None:
        calls.append(("random", len(d), 0))
        return real_random(d, rand)

    monkeypatch.setattr(evict, "dict_get_some_keys", some)
    monkeypatch.setattr(evict, "dict_random_key", one)
    db = st.dbs[0]
    target = STARTUP_MEMORY + CLIENT_COST + db.mem - 10 * (db.mem // 4000)
    st, _ = run_command(st, cid, [b"CONFIG", b"SET", b"maxmemory-samples", b"7"], NOW)
    st, frame = run_command(st, cid, [b"CONFIG", b"SET", b"maxmemory", b"%d" % target], NOW)
    assert frame == b"+OK\r\n"
    gone = 4000 - len(st.dbs[0].keys)
    assert 5 <= gone <= 12 and st.stats.evicted_keys == gone
    size = 4000 if policy.startswith("allkeys") else 2000
    kind = "random" if policy.endswith("random") else "some"
    assert calls and all(c[0] == kind for c in calls)
    assert calls[0][1] == size  # the dict the policy samples
    if kind == "some":
        assert all(c[2] == 7 for c in calls)
    if policy.startswith("volatile"):
        assert all(b"key:%d" % i in st.dbs[0].keys for i in range(1, 4000, 2))
    # the frozen dicts still hold exactly the keys
    assert len(st.dbs[0].ht) == len(st.dbs[0].keys)
    assert len(st.dbs[0].expires_ht) == len(st.dbs[0].expires)


def test_config_set_maxmemory_evicts_at_once_only_when_changed() -> None:
    st, cid = _full_server(200, "allkeys-lru")
    st, f = run_command(st, cid, [b"CONFIG", b"SET", b"maxmemory", b"1"], NOW)
    assert f == b"+OK\r\n" and len(st.dbs[0].keys) == 0 and st.stats.evicted_keys == 200
    # inside EXEC the time event runs after EXEC: queued commands still see the keys
    st, cid = _full_server(20, "allkeys-lru")
    for cmd in ([b"MULTI"], [b"CONFIG", b"SET", b"maxmemory", b"1"], [b"DBSIZE"],
                [b"CONFIG", b"SET", b"maxmemory", b"0"]):
        st, f = run_command(st, cid, cmd, NOW)
    st, f = run_command(st, cid, [b"EXEC"], NOW)
    assert f == b"*3\r\n+OK\r\n:20\r\n+OK\r\n"
