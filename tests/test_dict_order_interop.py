"""The keyspace dict's layout against a real redis-server 7.0.15 (mechanism 7).

Every dict operation a command makes on ``db->dict`` and ``db->expires`` (``dictFind``,
``dictAdd``, ``dictUnlink``, ``dictDelete``, ``dictAddOrFind``, ``dictGetSomeKeys`` ...) takes
one incremental rehash step while that dict is rehashing, so which keys have moved to the
new table, and so the iteration order, depends on exactly how many such operations each
command makes. The real server runs in its own mount namespace with known bytes over
``/dev/urandom`` (helpers of ``tests/test_aof_rewrite_interop.py``), so its hash seed is
known and given to the spec; with ``activerehashing no`` on both, a dict moves only by the
commands' own steps. Sequences grow the keyspace to 5, 9, 20, 100 and 1,000 keys, mixed with
reads (of present and missing keys), overwrites in every SET form, deletes, TTLs, counters,
collection writes that create and delete keys, renames and copies; then on both servers:

- ``DEBUG HTSTATS 0`` (main and expires dict: table sizes, element counts per table, chain
  length distribution) and ``DEBUG HTSTATS-KEY`` of a hashtable set, the full text;
- ``KEYS *`` in order, and the whole ``SCAN 0 COUNT 1`` cursor sequence with its keys;
- the AOF base BGREWRITEAOF writes (``aof-use-rdb-preamble no``), byte for byte.

``activerehashing yes`` from the start is not deterministic (the real cron rehashes a
millisecond of buckets at wall-clock ticks between the commands); it is checked by switching
it on at the end (``CONFIG SET``) and letting both crons finish the rehash: a finished
rehash does not depend on how its buckets were batched.

Every server is started by the test on a free loopback port and stopped by its PID.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest

from redspec.spec import server as S
from redspec.spec.dict import DictState, seed_words
from redspec.spec.rehash import databases_cron_dicts
from redspec.spec.state import ServerState, replace
from tests.test_aof_rewrite_interop import FUTURE, NOW, URANDOM, _ours, _Real, hash_seed, seeded

Cmd = list[bytes]


# -- sequences ------------------------------------------------------------------------------


class _Gen:
    """A deterministic command sequence that grows db 0 to ``n`` live keys, tracking which
    keys are live and what they hold (so that a removal really removes a key)."""

    def __init__(self, n: int, seed: int, randomkey: bool = False, multidb: bool = False) -> None:
        self.r = random.Random(seed)
        self.n = n
        self.kind: dict[bytes, str] = {}  # live key -> string / int / list / set / hash / zset / stream
        self.ttl: set[bytes] = set()
        self.fresh = 0
        self.out: list[Cmd] = []
        self.randomkey = randomkey  # RANDOMKEY only without TTLs (its draw is Redis's PRNG)
        self.multidb = multidb  # MOVE to db 1, SWAPDB 0 1, the odd FLUSHDB
        self.db1: dict[bytes, str] = {}
        self.ttl1: set[bytes] = set()

    def new_key(self) -> bytes:
        self.fresh += 1
        return b"key:%d" % self.fresh

    def some_key(self) -> bytes:
        """A live key most of the time, else one that does not exist."""
        if self.kind and self.r.random() < 0.85:
            return self.r.choice(sorted(self.kind))
        return b"missing:%d" % self.r.randrange(1000)

    def create(self) -> None:
        k = self.new_key()
        what = self.r.choice(["set", "set", "setpx", "int", "list", "set_", "hash", "zset",
                              "stream", "mset"])
        if what == "setpx" and self.randomkey:
            what = "set"
        if what == "set":
            self.out.append([b"SET", k, b"v%d" % self.fresh])
            self.kind[k] = "string"
        elif what == "setpx":
            self.out.append([b"SET", k, b"v", b"PXAT", FUTURE_B])
            self.kind[k] = "string"
            self.ttl.add(k)
        elif what == "int":
            self.out.append([b"INCRBY", k, b"%d" % self.r.choice([1, 20000, -5])])
            self.kind[k] = "int"
        elif what == "list":
            self.out.append([b"RPUSH", k, b"a"])
            self.kind[k] = "list"
        elif what == "set_":
            self.out.append([b"SADD", k, b"m"])
            self.kind[k] = "set"
        elif what == "hash":
            self.out.append([b"HSET", k, b"f", b"v"])
            self.kind[k] = "hash"
        elif what == "zset":
            self.out.append([b"ZADD", k, b"1", b"m"])
            self.kind[k] = "zset"
        elif what == "stream":
            self.out.append([b"XADD", k, b"%d-1" % self.fresh, b"f", b"v"])
            self.kind[k] = "stream"
        else:
            k2 = self.new_key()
            self.out.append([b"MSET", k, b"a", k2, b"b"])
            self.kind[k] = self.kind[k2] = "string"
            self.ttl.discard(k2)

    def forget(self, k: bytes) -> None:
        self.kind.pop(k, None)
        self.ttl.discard(k)

    def other(self) -> None:
        r = self.r
        k = self.some_key()
        kind = self.kind.get(k)
        op = r.choice(["get", "get", "exists", "type", "overwrite", "overwrite", "expire",
                       "persist", "pttl", "del", "unlink", "remove", "incr", "append",
                       "rename", "copy", "getdel", "keys", "scan", "randomkey"])
        if op == "get":
            self.out.append([b"GET", k])
        elif op == "exists":
            self.out.append([b"EXISTS", k, b"missing:x"])
        elif op == "type":
            self.out.append([b"TYPE", k])
        elif op == "overwrite":
            if kind not in (None, "string"):
                self.out.append([b"GET", k])
                return
            form = r.choice([[b"SET", k, b"w"], [b"SET", k, b"w", b"KEEPTTL"],
                             [b"SET", k, b"w", b"XX", b"GET"], [b"SET", k, b"w", b"NX"],
                             [b"GETSET", k, b"g"], [b"SET", k, b"w", b"PXAT", FUTURE_B, b"GET"],
                             [b"SET", k, b"w", b"EXAT", b"%d" % (FUTURE // 1000)]])
            self.out.append(form)
            if form[1:] == [k, b"w", b"NX"] and kind is not None:
                return
            if form[-2:] == [b"XX", b"GET"] and kind is None:
                return
            self.kind[k] = "string"
            if b"PXAT" in form or b"EXAT" in form:
                if self.randomkey:
                    self.out[-1] = [b"SET", k, b"w"]
                    self.ttl.discard(k)
                else:
                    self.ttl.add(k)
            elif b"KEEPTTL" not in form:
                self.ttl.discard(k)
        elif op == "expire":
            if self.randomkey:
                self.out.append([b"PTTL", k])
                return
            self.out.append([b"PEXPIREAT", k, FUTURE_B])
            if kind is not None:
                self.ttl.add(k)
        elif op == "persist":
            self.out.append([b"PERSIST", k])
            self.ttl.discard(k)
        elif op == "pttl":
            self.out.append([b"PTTL", k])
        elif op in ("del", "unlink", "getdel"):
            if op == "getdel" and kind not in (None, "string", "int"):
                op = "del"
            self.out.append([op.upper().encode(), k])
            self.forget(k)
        elif op == "remove":
            rm = {"list": [b"LPOP", k], "set": [b"SREM", k, b"m"], "hash": [b"HDEL", k, b"f"],
                  "zset": [b"ZREM", k, b"m"]}.get(kind or "")
            if rm is None:
                self.out.append([b"EXISTS", k])
                return
            self.out.append(rm)
            self.forget(k)
        elif op == "incr":
            if kind in (None, "int"):
                self.out.append([b"INCRBY", k, b"%d" % r.choice([1, 30000])])
                self.kind[k] = "int"
        elif op == "append":
            if kind in (None, "string"):
                self.out.append([b"APPEND", k, b"x"])
                self.kind[k] = "string"
        elif op == "rename":
            if kind is not None:
                k2 = self.new_key()
                self.out.append([b"RENAME", k, k2])
                self.kind[k2] = kind
                if k in self.ttl:
                    self.ttl.add(k2)
                self.forget(k)
        elif op == "copy":
            if kind is not None:
                k2 = self.new_key()
                self.out.append([b"COPY", k, k2])
                self.kind[k2] = kind
                if k in self.ttl:
                    self.ttl.add(k2)
        elif op == "keys":
            self.out.append([b"KEYS", b"key:1*"])
        elif op == "scan":
            self.out.append([b"SCAN", b"0", b"COUNT", b"5"])
        elif op == "randomkey" and self.randomkey and not self.ttl:
            self.out.append([b"RANDOMKEY"])

    def across(self) -> None:
        """MOVE to db 1, SWAPDB 0 1 or (rarely) FLUSHDB."""
        r = self.r
        x = r.random()
        if x < 0.6:
            k = self.some_key()
            self.out.append([b"MOVE", k, b"1"])
            if k in self.kind and k not in self.db1:
                self.db1[k] = self.kind[k]
                if k in self.ttl:
                    self.ttl1.add(k)
                self.forget(k)
        elif x < 0.95:
            self.out.append([b"SWAPDB", b"0", b"1"])
            self.kind, self.db1 = self.db1, self.kind
            self.ttl, self.ttl1 = self.ttl1, self.ttl
        else:
            self.out.append([b"FLUSHDB"])
            self.kind.clear()
            self.ttl.clear()

    def run(self) -> list[Cmd]:
        while len(self.kind) < self.n:
            x = self.r.random()
            if x < 0.45:
                self.create()
            elif self.multidb and x < 0.5:
                self.across()
            else:
                self.other()
        return self.out


FUTURE_B = b"%d" % FUTURE


def sequence(n: int, seed: int = 1, randomkey: bool = False, multidb: bool = False) -> list[Cmd]:
    """Commands that leave exactly ``n`` keys in db 0."""
    return _Gen(n, seed, randomkey, multidb).run()


# -- the two servers ------------------------------------------------------------------------


def spec_server(**config: Any) -> ServerState:
    """A spec server with the real one's hash seed and ``activerehashing no``."""
    state = S.new_server(now_ms=NOW, activerehashing=False,
                         **{"enable-debug-command": "yes", **config})
    return replace(state, dicts=DictState(seed=seed_words(hash_seed(URANDOM))))


class Pair:
    """The real server and the spec's state, fed the same commands."""

    def __init__(self, workdir: Path, **config: Any) -> None:
        args: list[str] = []
        for name, value in config.items():
            args += [f"--{name}", "yes" if value is True else "no" if value is False else value]
        self.real = _Real(workdir, *args, urandom=URANDOM)
        self.state, self.cid = S.client_connect(spec_server(**config), now_ms=NOW)

    def run(self, cmds: list[Cmd]) -> None:
        pipe = self.real.client.pipeline(transaction=False)
        for c in cmds:
            pipe.execute_command(*c)
        theirs = pipe.execute(raise_on_error=False)
        for c, t in zip(cmds, theirs, strict=True):
            self.state, frame = S.run_command(self.state, self.cid, c, now_ms=NOW)
            if frame.startswith(b"-"):
                assert isinstance(t, Exception), (c, frame, t)

    def ours(self, *argv: bytes) -> bytes:
        self.state, frame = S.run_command(self.state, self.cid, list(argv), now_ms=NOW)
        return frame

    def theirs(self, *argv: bytes) -> Any:
        return self.real.client.execute_command(*argv)

    def stop(self) -> None:
        self.real.stop()


def _text(frame: bytes) -> str:
    """The text of a bulk or verbatim reply frame."""
    body = frame[frame.index(b"\r\n") + 2:-2]
    if frame.startswith(b"="):
        body = body[4:]
    return body.decode()


def _bulks(frame: bytes) -> list[bytes]:
    """The bulk strings of a flat array reply frame."""
    out = []
    lines = frame.split(b"\r\n")
    i = 1
    while i < len(lines) - 1:
        if lines[i].startswith(b"$"):
            out.append(lines[i + 1])
            i += 2
        else:
            i += 1
    return out


def htstats(p: Pair, db: int = 0) -> tuple[str, str]:
    t = p.theirs("DEBUG", "HTSTATS", str(db))
    return ((t.decode() if isinstance(t, bytes) else t),
            _text(p.ours(b"DEBUG", b"HTSTATS", b"%d" % db)))


def scan_all(p: Pair) -> tuple[list[tuple[int, list[bytes]]], list[tuple[int, list[bytes]]]]:
    """The whole ``SCAN 0 COUNT 1`` iteration on both: each next cursor with its keys."""
    theirs: list[tuple[int, list[bytes]]] = []
    cur = 0
    while True:
        nxt, keys = p.real.client.execute_command("SCAN", cur, "COUNT", 1)
        cur = int(nxt)
        theirs.append((cur, list(keys)))
        if cur == 0:
            break
    ours: list[tuple[int, list[bytes]]] = []
    cur = 0
    while True:
        frame = p.ours(b"SCAN", b"%d" % cur, b"COUNT", b"1")
        items = _bulks(frame)
        cur = int(items[0])
        ours.append((cur, items[1:]))
        if cur == 0 or len(ours) > 10 * len(theirs) + 10:
            break
    return theirs, ours


def check_layout(p: Pair) -> None:
    """HTSTATS, KEYS order and the SCAN cursor sequence equal on both (in that order: SCAN
    steps the expires dict, so HTSTATS is compared again after it)."""
    t, o = htstats(p)
    assert o == t
    keys_t = p.theirs("KEYS", "*")
    assert _bulks(p.ours(b"KEYS", b"*")) == list(keys_t)
    st, so = scan_all(p)
    assert so == st
    t, o = htstats(p)
    assert o == t


# -- the tests ------------------------------------------------------------------------------

SIZES = [5, 9, 20, 100, 1000]


@seeded
@pytest.mark.parametrize("n", SIZES)
def test_layout_after_growth(tmp_path: Path, n: int) -> None:
    """The keyspace grown to ``n`` keys by a mixed sequence: both dicts' tables, KEYS order
    and the SCAN cursor sequence equal the real server's, checked at a few points along the
    way too."""
    cmds = sequence(n, seed=n)
    p = Pair(tmp_path)
    try:
        step = max(1, len(cmds) // 4)
        for i in range(0, len(cmds), step):
            p.run(cmds[i:i + step])
            t, o = htstats(p)
            assert o == t, (i, cmds[i + step - 1] if i + step <= len(cmds) else None)
        assert p.theirs("DBSIZE") == n
        check_layout(p)
    finally:
        p.stop()


@seeded
@pytest.mark.parametrize("n", [20, 100, 1000])
def test_layout_across_databases(tmp_path: Path, n: int) -> None:
    """MOVE (``dbAdd`` + ``setExpire`` in the target, ``dbDelete`` in the source), SWAPDB
    (the dicts change places, rehashing state and all) and FLUSHDB (both dicts emptied) mixed
    in: db 0 and db 1 equal the real server's."""
    cmds = sequence(n, seed=n + 5, multidb=True)
    assert any(c[0] in (b"MOVE", b"SWAPDB") for c in cmds)
    p = Pair(tmp_path)
    try:
        p.run(cmds)
        for db in (0, 1):
            t, o = htstats(p, db)
            assert o == t, db
        check_layout(p)
    finally:
        p.stop()


@seeded
@pytest.mark.parametrize("n", [20, 100, 1000])
def test_layout_with_randomkey(tmp_path: Path, n: int) -> None:
    """RANDOMKEY's ``dictGetFairRandomKey`` takes up to 15 rehash steps whatever key it
    draws; which key it draws is Redis's own PRNG, so these sequences keep keys without TTLs
    (a drawn key with one would take ``getExpire``'s steps too)."""
    cmds = sequence(n, seed=n + 7, randomkey=True)
    assert [b"RANDOMKEY"] in cmds
    p = Pair(tmp_path)
    try:
        p.run(cmds)
        check_layout(p)
    finally:
        p.stop()


@seeded
@pytest.mark.parametrize("n", [20, 100, 1000])
def test_aof_base_order(tmp_path: Path, n: int) -> None:
    """The AOF base BGREWRITEAOF writes walks the main dict: with the same layout, the same
    bytes."""
    cmds = sequence(n, seed=n + 3)
    p = Pair(tmp_path, **{"aof-use-rdb-preamble": False})
    try:
        p.run(cmds)
        t, o = htstats(p)
        assert o == t
        theirs = p.real.rewrite()
        assert _ours(p.state, NOW) == theirs
    finally:
        p.stop()


@seeded
@pytest.mark.parametrize("n", [20, 1000])
def test_cron_finishes_the_rehash(tmp_path: Path, n: int) -> None:
    """``activerehashing yes`` switched on mid-rehash: the real cron and the spec's
    ``databasesCron`` (ticks until neither dict is rehashing) reach the same tables."""
    cmds = sequence(n, seed=n + 11)
    # stop while the main dict is rehashing: add keys until it is
    p = Pair(tmp_path)
    try:
        p.run(cmds)
        extra = 0
        while "rehashing target" not in htstats(p)[0]:
            extra += 1
            p.run([[b"SET", b"extra:%d" % extra, b"v"]])
        t, o = htstats(p)
        assert o == t
        p.real.client.config_set("activerehashing", "yes")
        p.ours(b"CONFIG", b"SET", b"activerehashing", b"yes")
        deadline = time.monotonic() + 10
        while "rehashing target" in htstats(p)[0] and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(1000):
            db = p.state.dbs[0]
            if db.ht.rehashidx == -1 and db.expires_ht.rehashidx == -1:
                break
            p.state = databases_cron_dicts(p.state)
        t, o = htstats(p)
        assert "rehashing target" not in t
        assert o == t
        check_layout(p)
    finally:
        p.stop()


@seeded
def test_hashtable_set_order(tmp_path: Path) -> None:
    """A hashtable set's own dict takes the same steps (``setTypeAdd`` -> ``dictAdd``, also
    for a member already there; ``setTypeRemove`` -> ``dictDelete``, also for a missing one):
    DEBUG HTSTATS-KEY after every command, then SMEMBERS in the dict's order (7.0.15's
    SMEMBERS is SINTER of one set, which walks it with a dict iterator)."""
    r = random.Random(5)
    cmds: list[Cmd] = []
    for _ in range(400):
        m = b"m%d" % r.randrange(400)
        x = r.random()
        if x < 0.6:
            cmds.append([b"SADD", b"s", m])
        elif x < 0.8:
            cmds.append([b"SREM", b"s", m, b"nope"])
        else:
            cmds.append([b"SADD", b"s", m, b"x" + m, b"y" + m])
    p = Pair(tmp_path)
    p.real.client.response_callbacks.pop("SMEMBERS", None)  # keep the reply's order
    try:
        for i, c in enumerate(cmds):
            p.run([c])
            if p.theirs("EXISTS", "s") == 0:
                continue
            t = p.theirs("DEBUG", "HTSTATS-KEY", "s")
            assert _text(p.ours(b"DEBUG", b"HTSTATS-KEY", b"s")) == t.decode(), (i, c)
        assert _bulks(p.ours(b"SMEMBERS", b"s")) == list(p.theirs("SMEMBERS", "s"))
    finally:
        p.stop()


def more_commands(n: int, seed: int) -> list[Cmd]:
    """A second vocabulary over a small key pool (so that keys collide and moves happen):
    SMOVE, LMOVE, the *STORE commands, BITOP, SORT STORE, GETEX, EXPIRE with NX/GT,
    RENAMENX, MSETNX, SETNX, INCRBYFLOAT, HINCRBY, LPUSHX, LTRIM, ZINCRBY, ZPOPMIN, HSETNX,
    SPOP, SETRANGE, mixed with SET, GET, DEL, TTL."""
    r = random.Random(seed)
    out: list[Cmd] = []
    for _ in range(n):
        a = b"k%d" % r.randrange(n // 2 + 2)
        b = b"k%d" % r.randrange(n // 2 + 2)
        out.append(r.choice([
            [b"SET", a, b"v"], [b"SET", a, b"v", b"PXAT", FUTURE_B],
            [b"SMOVE", b"s" + a, b"s" + b, b"m"], [b"SADD", b"s" + a, b"m", b"n"],
            [b"LMOVE", b"l" + a, b"l" + b, b"LEFT", b"RIGHT"], [b"RPUSH", b"l" + a, b"x"],
            [b"SINTERSTORE", b"s" + a, b"s" + b], [b"SUNIONSTORE", b"s" + b, b"s" + a, b"s" + b],
            [b"ZUNIONSTORE", b"z" + a, b"1", b"z" + b], [b"ZADD", b"z" + a, b"1", b"m"],
            [b"BITOP", b"OR", a, b], [b"SORT", b"l" + a, b"STORE", b"l" + b],
            [b"GETEX", a, b"PXAT", FUTURE_B], [b"PEXPIRE", a, b"100000000", b"NX"],
            [b"EXPIRE", a, b"100000", b"GT"], [b"RENAMENX", a, b], [b"MSETNX", a, b"1", b, b"2"],
            [b"SETNX", a, b"q"], [b"INCRBYFLOAT", b"f" + a, b"1.5"], [b"HINCRBY", b"h" + a, b"f", b"1"],
            [b"LPUSHX", b"l" + a, b"y"], [b"LTRIM", b"l" + a, b"1", b"0"],
            [b"ZINCRBY", b"z" + a, b"1", b"m"], [b"ZPOPMIN", b"z" + a],
            [b"HSETNX", b"h" + a, b"g", b"1"], [b"SPOP", b"s" + a], [b"GET", a], [b"DEL", a],
            [b"TTL", a], [b"SETRANGE", a, b"2", b"zz"]]))
    return out


@seeded
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_layout_more_commands(tmp_path: Path, seed: int) -> None:
    """The second vocabulary, HTSTATS compared after every command."""
    cmds = more_commands(400, seed)
    p = Pair(tmp_path)
    try:
        for i, c in enumerate(cmds):
            p.run([c])
            t, o = htstats(p)
            assert o == t, (i, c)
        check_layout(p)
    finally:
        p.stop()


@seeded
@pytest.mark.parametrize("kind,ops", [
    ("hash", ("hset", "hincrby", "hdel", "hget", "hmget", "hexists")),
    ("zset", ("zadd", "zaddnx", "zaddxx", "zincrby", "zrem", "zscore", "zmscore", "zrank")),
    ("set", ("sadd", "srem", "sismember", "smismember")),
])
def test_value_dict_steps(tmp_path: Path, kind: str, ops: tuple[str, ...]) -> None:
    """A hashtable hash / skiplist zset / hashtable set's own dict: writes (``hashTypeSet``,
    ``zsetAdd`` — its ``dictFind`` also for a member it leaves alone —, ``hashTypeDelete``,
    ``zsetDel``, ``setTypeRemove``, also of missing elements) and reads (``hashTypeGetValue``,
    ``zsetScore``, ``setTypeIsMember``: one ``dictFind`` each) take 7.0.15's steps: DEBUG
    HTSTATS-KEY after every command."""
    r = random.Random(3)
    first: Cmd = {"hash": [b"HSET", b"v", b"long", b"x" * 70,
                           *[x for i in range(140) for x in (b"e%d" % i, b"1")]],
                  "zset": [b"ZADD", b"v", *[x for i in range(140) for x in (b"1", b"e%d" % i)]],
                  "set": [b"SADD", b"v", *[b"e%d" % i for i in range(140)]]}[kind]
    cmds: list[Cmd] = [first]
    for _ in range(700):
        e = b"e%d" % r.randrange(400)
        f = b"e%d" % r.randrange(400)
        cmds.append({"hset": [b"HSET", b"v", e, b"2"], "hincrby": [b"HINCRBY", b"v", e, b"1"],
                     "hdel": [b"HDEL", b"v", e, f], "hget": [b"HGET", b"v", e],
                     "hmget": [b"HMGET", b"v", e, f], "hexists": [b"HEXISTS", b"v", e],
                     "zadd": [b"ZADD", b"v", b"%d" % r.randrange(3), e],
                     "zaddnx": [b"ZADD", b"v", b"NX", b"5", e],
                     "zaddxx": [b"ZADD", b"v", b"XX", b"GT", b"2", e],
                     "zincrby": [b"ZINCRBY", b"v", b"1", e], "zrem": [b"ZREM", b"v", e, f],
                     "zscore": [b"ZSCORE", b"v", e], "zmscore": [b"ZMSCORE", b"v", e, f],
                     "zrank": [b"ZREVRANK", b"v", e],
                     "sadd": [b"SADD", b"v", e], "srem": [b"SREM", b"v", e, f],
                     "sismember": [b"SISMEMBER", b"v", e],
                     "smismember": [b"SMISMEMBER", b"v", e, f]}[r.choice(ops)])
    p = Pair(tmp_path)
    try:
        for i, c in enumerate(cmds):
            p.run([c])
            t = p.theirs("DEBUG", "HTSTATS-KEY", "v")
            assert _text(p.ours(b"DEBUG", b"HTSTATS-KEY", b"v")) == t.decode(), (i, c)
    finally:
        p.stop()
