"""The string commands as a state machine: the spec against a plain dict model.

Hypothesis drives one client of a spec server (through ``redspec.spec.server``: new_server,
client_connect, run_command) over three keys and a few short values with SET (plain and PX),
GET, APPEND, INCRBY, GETDEL, GETEX PERSIST, SETRANGE, STRLEN and MSET, while a clock owned by
the machine advances. The model is ``key -> (value, expire_at | None)``; a lookup drops a key
whose time has passed, where Redis's ``lookupKey*`` would.

Invariants (each has a planted-bug test below showing it can fail):

- ``matches_model``: every reply, and the database's keys, values and TTLs, agree with the
  model.
- ``expires_subset_of_keys``: every key with a TTL exists.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import machine_test, planted_settings, replace_handler, tripper
from redspec.spec import dispatch
from redspec.spec.reply import OK, Err
from redspec.spec.step import Step

MECHANISM = "keyspace"

KEYS = [b"k0", b"k1", b"k2"]
VALUES = [b"", b"a", b"bc", b"1", b"-2", b"10", b"9223372036854775807"]
START = 1_000_000

keys_ = st.sampled_from(KEYS)
values_ = st.sampled_from(VALUES)

_INT = re.compile(rb"-?[1-9][0-9]*|0")
NOT_INT = Err("ERR value is not an integer or out of range")
OVERFLOW = Err("ERR increment or decrement would overflow")

Entry = tuple[bytes, "int | None"]


def _model_int(v: bytes) -> int | None:
    """The model's own reading of a strict 64-bit decimal (not ``string2ll``)."""
    if not _INT.fullmatch(v):
        return None
    n = int(v)
    return n if -(2**63) <= n < 2**63 else None


class StringsMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(START, databases=1)
        self.model: dict[bytes, Entry] = {}

    # -- helpers ------------------------------------------------------------------------------

    def live(self, key: bytes) -> Entry | None:
        """``lookupKey`` in the model: the live entry, dropping an expired one."""
        e = self.model.get(key)
        if e is not None and e[1] is not None and self.now > e[1]:
            del self.model[key]
            return None
        return e

    # -- rules --------------------------------------------------------------------------------

    @rule(ms=st.integers(0, 3))
    def advance_clock(self, ms: int) -> None:
        self.now += ms

    @rule(key=keys_, value=values_)
    def set(self, key: bytes, value: bytes) -> None:
        self.expect_frame(self.run(b"SET", key, value), OK, "SET")
        self.model[key] = (value, None)

    @rule(key=keys_, value=values_, ms=st.integers(1, 4))
    def set_px(self, key: bytes, value: bytes, ms: int) -> None:
        self.expect_frame(self.run(b"SET", key, value, b"PX", b"%d" % ms), OK, "SET PX")
        self.model[key] = (value, self.now + ms)

    @rule(key=keys_)
    def get(self, key: bytes) -> None:
        frame = self.run(b"GET", key)
        e = self.live(key)
        self.expect_frame(frame, None if e is None else e[0], f"GET {key!r}")

    @rule(key=keys_, value=values_)
    def append(self, key: bytes, value: bytes) -> None:
        frame = self.run(b"APPEND", key, value)
        e = self.live(key)
        new = (e[0] if e else b"") + value
        self.model[key] = (new, e[1] if e else None)
        self.expect_frame(frame, len(new), f"APPEND {key!r} {value!r}")

    @rule(key=keys_, n=st.integers(-3, 3))
    def incrby(self, key: bytes, n: int) -> None:
        frame = self.run(b"INCRBY", key, b"%d" % n)
        e = self.live(key)
        cur = 0 if e is None else _model_int(e[0])
        want: Any
        if cur is None:
            want = NOT_INT
        elif not -(2**63) <= cur + n < 2**63:
            want = OVERFLOW
        else:
            want = cur + n
            self.model[key] = (b"%d" % want, e[1] if e else None)
        self.expect_frame(frame, want, f"INCRBY {key!r} {n}")

    @rule(key=keys_)
    def getdel(self, key: bytes) -> None:
        frame = self.run(b"GETDEL", key)
        e = self.live(key)
        if e is not None:
            del self.model[key]
        self.expect_frame(frame, None if e is None else e[0], f"GETDEL {key!r}")

    @rule(key=keys_)
    def getex_persist(self, key: bytes) -> None:
        frame = self.run(b"GETEX", key, b"PERSIST")
        e = self.live(key)
        if e is not None:
            self.model[key] = (e[0], None)
        self.expect_frame(frame, None if e is None else e[0], f"GETEX {key!r} PERSIST")

    @rule(key=keys_, offset=st.integers(0, 5), value=values_)
    def setrange(self, key: bytes, offset: int, value: bytes) -> None:
        frame = self.run(b"SETRANGE", key, b"%d" % offset, value)
        e = self.live(key)
        old = e[0] if e else b""
        if not value:
            self.expect_frame(frame, len(old), f"SETRANGE {key!r} {offset} ''")
            return
        buf = bytearray(old.ljust(offset, b"\0"))
        buf[offset : offset + len(value)] = value
        self.model[key] = (bytes(buf), e[1] if e else None)
        self.expect_frame(frame, len(buf), f"SETRANGE {key!r} {offset} {value!r}")

    @rule(key=keys_)
    def strlen(self, key: bytes) -> None:
        frame = self.run(b"STRLEN", key)
        e = self.live(key)
        self.expect_frame(frame, 0 if e is None else len(e[0]), f"STRLEN {key!r}")

    @rule(pairs=st.lists(st.tuples(keys_, values_), min_size=1, max_size=3))
    def mset(self, pairs: list[tuple[bytes, bytes]]) -> None:
        frame = self.run(b"MSET", *[x for p in pairs for x in p])
        for k, v in pairs:
            self.model[k] = (v, None)
        self.expect_frame(frame, OK, f"MSET {pairs}")

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def check_state(self) -> None:
        d = self.state.dbs[0]
        stray = [k for k in d.expires if k not in d.keys]
        assert not stray, f"expires_subset_of_keys: TTLs for missing keys {stray}"
        kv = dict(d.keys.items())
        want = {k: v for k, (v, _) in self.model.items()}
        assert kv == want, f"matches_model: keys {kv}, model {want}"
        ttl = dict(d.expires.items())
        want_ttl = {k: w for k, (_, w) in self.model.items() if w is not None}
        assert ttl == want_ttl, f"matches_model: expires {ttl}, model {want_ttl}"


TestStringsMachine = machine_test(StringsMachine, max_examples=200, steps=40)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=2000, steps=40)
_fails_with = tripper(StringsMachine, PLANTED)


def test_planted_getdel_leaves_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    """A GETDEL that removes the key but not its TTL breaks ``expires ⊆ keys``."""
    orig = dispatch.TABLE[b"getdel"].handler
    assert orig is not None

    def getdel(s: Step, argv: list[bytes]) -> Any:
        when = s.db.get_expire(argv[1])
        reply = orig(s, argv)
        if when >= 0 and reply is not None and type(reply) is not Err:
            s.db.set_expire(argv[1], when)
        return reply

    replace_handler(monkeypatch, b"getdel", getdel)
    _fails_with("expires_subset_of_keys")


def test_planted_setrange_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SETRANGE that writes one byte too far disagrees with the model."""
    orig = dispatch.TABLE[b"setrange"].handler
    assert orig is not None

    def setrange(s: Step, argv: list[bytes]) -> Any:
        return orig(s, [argv[0], argv[1], b"%d" % (int(argv[2]) + 1), argv[3]])

    replace_handler(monkeypatch, b"setrange", setrange)
    _fails_with("matches_model")


def test_planted_append_drops_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    """An APPEND that makes the key persistent (Redis keeps the TTL) disagrees with the model."""
    orig = dispatch.TABLE[b"append"].handler
    assert orig is not None

    def append(s: Step, argv: list[bytes]) -> Any:
        reply = orig(s, argv)
        s.db.remove_expire(argv[1])
        return reply

    replace_handler(monkeypatch, b"append", append)
    _fails_with("matches_model")
