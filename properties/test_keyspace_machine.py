"""The keyspace as a state machine: the spec against a plain model (a list of dicts).

Hypothesis drives one client of a 3-database spec server through SET (with PXAT in the past
or future), DEL, RENAME, RENAMENX, COPY, MOVE, SWAPDB, FLUSHDB, EXISTS, TYPE, GET, DBSIZE,
KEYS *, RANDOMKEY and SELECT over four keys, while a virtual clock owned by the machine
advances. The model is Redis's semantics written the plain way: each database is a dict
``key -> (value, expire_at | None)``, and a lookup deletes a key whose time has passed, just
where Redis's ``lookupKey*`` would (so DBSIZE may still count expired keys nobody touched).

Invariants (each has a planted-bug test below showing it can fail):

- ``db_ids``: every database's ``id`` equals its index in ``ServerState.dbs``.
- ``expires_subset_of_keys``: in every database, every key with a TTL exists.
- ``no_expired_read``: no reply ever reveals a key that was logically expired when the
  command ran (GET, EXISTS, TYPE, KEYS, RANDOMKEY, COPY/MOVE/RENAME sources).
- ``dbsize_is_len_keys``: DBSIZE replies the number of keys in the database's dict.
- ``matches_model``: every reply, and every database's keys, values and TTLs, agree with
  the model.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import (
    delete_keeping_ttl,
    lookup_ignoring_expiry,
    machine_test,
    planted_settings,
    tripper,
)
from redspec.spec import dispatch
from redspec.spec.commands import keys as keys_mod
from redspec.spec.errors import DB_INDEX, NO_SUCH_KEY, SAME_OBJECT
from redspec.spec.frames import parse
from redspec.spec.reply import OK, Status
from redspec.spec.state import Db
from redspec.spec.step import DbView, Step

MECHANISM = "keyspace"

NDB = 3
KEYS = [b"k0", b"k1", b"k2", b"k3"]
VALUES = [b"v0", b"v1", b"v2"]
START = 1_000_000

keys_ = st.sampled_from(KEYS)
values_ = st.sampled_from(VALUES)
dbs_ = st.integers(0, NDB)  # NDB itself is out of range


Entry = tuple[bytes, "int | None"]


def _bulks(frame: bytes) -> list[bytes]:
    """The bulk strings of an array-of-bulks RESP2 frame."""
    f = parse(frame)
    assert f.kind == b"*" and f.children is not None, frame
    return [c.payload for c in f.children if c.payload is not None]


class KeyspaceMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(START, databases=NDB)
        self.cur = 0
        self.model: list[dict[bytes, Entry]] = [{} for _ in range(NDB)]

    # -- helpers ------------------------------------------------------------------------------

    def dead(self, e: Entry | None) -> bool:
        return e is not None and e[1] is not None and self.now > e[1]

    def mlookup(self, db: int, key: bytes) -> Entry | None:
        """``lookupKey``: the live entry, deleting an expired one."""
        e = self.model[db].get(key)
        if self.dead(e):
            del self.model[db][key]
            return None
        return e

    def expired_in_state(self, db: int, key: bytes) -> bool:
        """Is ``key`` logically expired in the spec's state right now (before a command)?"""
        when = self.state.dbs[db].expires.get(key)
        return when is not None and self.now > when

    def no_expired_read(self, key: bytes, was_expired: bool, revealed: bool) -> None:
        assert not (was_expired and revealed), (
            f"no_expired_read: the reply revealed {key!r}, expired when the command ran"
        )

    # -- rules --------------------------------------------------------------------------------

    @rule(db=st.integers(0, NDB - 1))
    def select(self, db: int) -> None:
        self.expect_frame(self.run(b"SELECT", b"%d" % db), OK, "SELECT")
        self.cur = db

    @rule(ms=st.integers(0, 3))
    def advance_clock(self, ms: int) -> None:
        self.now += ms

    @rule(key=keys_, value=values_)
    def set(self, key: bytes, value: bytes) -> None:
        self.expect_frame(self.run(b"SET", key, value), OK, "SET")
        self.model[self.cur][key] = (value, None)

    @rule(key=keys_, value=values_, delta=st.integers(-3, 3))
    def set_pxat(self, key: bytes, value: bytes, delta: int) -> None:
        when = self.now + delta
        self.expect_frame(self.run(b"SET", key, value, b"PXAT", b"%d" % when), OK, "SET PXAT")
        self.model[self.cur][key] = (value, when)

    @rule(keys=st.lists(keys_, min_size=1, max_size=3))
    def delete(self, keys: list[bytes]) -> None:
        frame = self.run(b"DEL", *keys)
        n = 0
        for k in keys:
            if self.mlookup(self.cur, k) is not None:
                del self.model[self.cur][k]
                n += 1
        self.expect_frame(frame, n, f"DEL {keys}")

    @rule(key=keys_)
    def get(self, key: bytes) -> None:
        was = self.expired_in_state(self.cur, key)
        frame = self.run(b"GET", key)
        self.no_expired_read(key, was, frame != b"$-1\r\n")
        e = self.mlookup(self.cur, key)
        self.expect_frame(frame, None if e is None else e[0], f"GET {key!r}")

    @rule(keys=st.lists(keys_, min_size=1, max_size=3))
    def exists(self, keys: list[bytes]) -> None:
        live_before = sum(1 for k in keys if k in self.state.dbs[self.cur].keys
                          and not self.expired_in_state(self.cur, k))
        frame = self.run(b"EXISTS", *keys)
        assert frame.startswith(b":")
        self.no_expired_read(b"/".join(keys), int(frame[1:-2]) > live_before, True)
        n = sum(1 for k in keys if self.mlookup(self.cur, k) is not None)
        self.expect_frame(frame, n, f"EXISTS {keys}")

    @rule(key=keys_)
    def type_(self, key: bytes) -> None:
        was = self.expired_in_state(self.cur, key)
        frame = self.run(b"TYPE", key)
        self.no_expired_read(key, was, frame != b"+none\r\n")
        e = self.mlookup(self.cur, key)
        self.expect_frame(frame, Status("none" if e is None else "string"), f"TYPE {key!r}")

    @rule()
    def dbsize(self) -> None:
        n_keys = len(self.state.dbs[self.cur].keys)
        frame = self.run(b"DBSIZE")
        assert frame == b":%d\r\n" % n_keys, (
            f"dbsize_is_len_keys: DBSIZE {frame!r} but the db holds {n_keys} keys"
        )
        self.expect_frame(frame, len(self.model[self.cur]), "DBSIZE")

    @rule()
    def keys_all(self) -> None:
        dead = {k for k in self.state.dbs[self.cur].keys if self.expired_in_state(self.cur, k)}
        got = sorted(_bulks(self.run(b"KEYS", b"*")))
        for k in got:
            self.no_expired_read(k, k in dead, True)
        want = sorted(k for k, e in self.model[self.cur].items() if not self.dead(e))
        assert got == want, f"matches_model: KEYS * spec {got}, model {want}"

    @rule()
    def randomkey(self) -> None:
        frame = self.run(b"RANDOMKEY")
        live = {k for k, e in self.model[self.cur].items() if not self.dead(e)}
        if frame == b"$-1\r\n":
            assert not live, f"matches_model: RANDOMKEY nil but {live} are alive"
        else:
            k = frame.split(b"\r\n")[1]
            self.no_expired_read(k, k not in live and k in self.model[self.cur], True)
            assert k in live, f"matches_model: RANDOMKEY gave {k!r}, alive: {live}"
        # RANDOMKEY deletes the expired keys it happened to draw: only those may vanish.
        present = self.state.dbs[self.cur].keys
        for key in [k for k in self.model[self.cur] if k not in present]:
            assert key not in live, f"matches_model: RANDOMKEY deleted live {key!r}"
            del self.model[self.cur][key]

    @rule(src=keys_, dst=keys_, nx=st.booleans())
    def rename(self, src: bytes, dst: bytes, nx: bool) -> None:
        was = self.expired_in_state(self.cur, src)
        frame = self.run(b"RENAMENX" if nx else b"RENAME", src, dst)
        self.no_expired_read(src, was, not frame.startswith(b"-"))
        m = self.model[self.cur]
        want: Any
        e = self.mlookup(self.cur, src)
        if e is None:
            want = NO_SUCH_KEY
        elif src == dst:
            want = 0 if nx else OK
        elif self.mlookup(self.cur, dst) is not None and nx:
            want = 0
        else:
            m[dst] = e
            del m[src]
            want = 1 if nx else OK
        self.expect_frame(frame, want, f"RENAME{'NX' if nx else ''} {src!r} {dst!r}")

    @rule(src=keys_, dst=keys_, db=st.none() | dbs_, replace=st.booleans())
    def copy(self, src: bytes, dst: bytes, db: int | None, replace: bool) -> None:
        argv = [b"COPY", src, dst]
        if db is not None:
            argv += [b"DB", b"%d" % db]
        if replace:
            argv.append(b"REPLACE")
        was = self.expired_in_state(self.cur, src)
        frame = self.run(*argv)
        self.no_expired_read(src, was, frame == b":1\r\n")
        target = self.cur if db is None else db
        want: Any
        if not 0 <= target < NDB:
            want = DB_INDEX
        elif target == self.cur and src == dst:
            want = SAME_OBJECT
        else:
            e = self.mlookup(self.cur, src)
            if e is None:
                want = 0
            elif self.mlookup(target, dst) is not None and not replace:
                want = 0
            else:
                self.model[target][dst] = e
                want = 1
        self.expect_frame(frame, want, f"{argv}")

    @rule(key=keys_, db=dbs_)
    def move(self, key: bytes, db: int) -> None:
        was = self.expired_in_state(self.cur, key)
        frame = self.run(b"MOVE", key, b"%d" % db)
        self.no_expired_read(key, was, frame == b":1\r\n")
        want: Any
        if not 0 <= db < NDB:
            want = DB_INDEX
        elif db == self.cur:
            want = SAME_OBJECT
        else:
            e = self.mlookup(self.cur, key)
            if e is None or self.mlookup(db, key) is not None:
                want = 0
            else:
                self.model[db][key] = e
                del self.model[self.cur][key]
                want = 1
        self.expect_frame(frame, want, f"MOVE {key!r} {db}")

    @rule(a=dbs_, b=dbs_)
    def swapdb(self, a: int, b: int) -> None:
        frame = self.run(b"SWAPDB", b"%d" % a, b"%d" % b)
        if not (0 <= a < NDB and 0 <= b < NDB):
            self.expect_frame(frame, DB_INDEX, "SWAPDB")
            return
        self.model[a], self.model[b] = self.model[b], self.model[a]
        self.expect_frame(frame, OK, f"SWAPDB {a} {b}")

    @rule()
    def flushdb(self) -> None:
        self.expect_frame(self.run(b"FLUSHDB"), OK, "FLUSHDB")
        self.model[self.cur] = {}

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def check_state(self) -> None:
        dbs = self.state.dbs
        for i, d in enumerate(dbs):
            assert d.id == i, f"db_ids: dbs[{i}].id is {d.id}"
        for i, d in enumerate(dbs):
            stray = [k for k in d.expires if k not in d.keys]
            assert not stray, f"expires_subset_of_keys: db {i} has TTLs for missing {stray}"
        for i, d in enumerate(dbs):
            kv = dict(d.keys)
            want = {k: v for k, (v, _) in self.model[i].items()}
            assert kv == want, f"matches_model: db {i} keys {kv}, model {want}"
            ttl = dict(d.expires)
            want_ttl = {k: w for k, (_, w) in self.model[i].items() if w is not None}
            assert ttl == want_ttl, f"matches_model: db {i} expires {ttl}, model {want_ttl}"


TestKeyspaceMachine = machine_test(KeyspaceMachine, max_examples=300, steps=40)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=2000, steps=40)
_fails_with = tripper(KeyspaceMachine, PLANTED)


def test_planted_delete_forgets_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    """``dbDelete`` that leaves the key's TTL behind breaks ``expires ⊆ keys``."""
    monkeypatch.setattr(DbView, "delete", delete_keeping_ttl)
    _fails_with("expires_subset_of_keys")


def test_planted_lookup_ignores_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lookupKeyRead`` without ``expireIfNeeded`` lets reads see expired keys."""
    monkeypatch.setattr(DbView, "lookup_read", lookup_ignoring_expiry)
    _fails_with("no_expired_read")


def test_planted_dbsize_counts_only_live_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A DBSIZE that hides expired-but-undeleted keys is not Redis's ``dictSize``."""

    def dbsize(s: Step, argv: list[bytes]) -> Any:
        return sum(1 for k in s.db.snapshot()[0] if not s.db.key_is_expired(k))

    cmd = dispatch.TABLE[b"dbsize"]
    monkeypatch.setitem(dispatch.TABLE, b"dbsize", attrs.evolve(cmd, handler=dbsize))
    _fails_with("dbsize_is_len_keys")


def test_planted_swapdb_swaps_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swapping the Db objects whole (ids included) breaks ``db_ids``."""

    def swap_dbs(self: Step, a: int, b: int) -> None:
        da, db_ = self.open_db(a).freeze(), self.open_db(b).freeze()
        self.replace_db(a, db_)
        self.replace_db(b, da)

    monkeypatch.setattr(Step, "swap_dbs", swap_dbs)
    _fails_with("db_ids")


def test_planted_rename_keeps_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """A RENAME that copies instead of moving disagrees with the model."""
    orig = keys_mod.rename_generic

    def rename_generic(s: Step, argv: list[bytes], nx: bool) -> Any:
        v = s.db.lookup(argv[1])
        reply = orig(s, argv, nx)
        if v is not None and argv[1] != argv[2] and reply in (OK, 1):
            s.db.add(argv[1], v)
        return reply

    monkeypatch.setattr(keys_mod, "rename_generic", rename_generic)
    _fails_with("matches_model")


def test_model_db_is_fresh() -> None:
    """The machine's server really has NDB databases with their ids in place."""
    m = KeyspaceMachine()
    assert m.state.dbs == tuple(Db(i) for i in range(NDB))
