"""Property: every command takes exactly 7.0.15's rehash steps on ``db->dict`` and
``db->expires`` (mechanism 7, docs/mechanisms/rehash.md, "Rehash steps per command").

The model is a plain, separate statement of the table in the docs: for each command of a
small vocabulary (GET, EXISTS, PTTL, SET in its forms, DEL, PEXPIREAT, PERSIST, INCRBY), the
``dict.c`` operations Redis makes on the two dicts, in order, applied with ``spec.dict``'s
``dict_find`` / ``dict_add`` / ``dict_delete`` to two dicts of its own, with the keys and TTLs
in plain Python sets. After every command the spec's ``Db.ht`` and ``Db.expires_ht`` (tables,
chains, ``rehashidx``, counts) must equal the model's. The sequences grow to ~40 keys, so
both dicts grow through several rehashes (tests/test_dict_order_interop.py checks the same
table against a real server). Planted bugs drop one of the steps (``removeExpire``'s
``dictFind`` in ``setKey``, ``dbGenericDelete``'s steps for a missing key) and must trip it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.driver import Session
from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.properties.test_mutation_gaps import plant
from redspec.spec.dict import (
    EMPTY_HT,
    Dict,
    dict_add,
    dict_delete,
    dict_expand_if_needed,
    dict_find,
    dict_rehash,
)

NAME = "dict_steps_match_model"
FUTURE = b"4102444800000"

#: Keys come in growing numbers (so that both dicts keep growing, and rehashing, through the
#: sequence), and half the writes set a TTL.
_op = st.sampled_from(["get", "exists", "pttl", "set", "setkeep", "setnx", "setpx", "setpx",
                       "del", "del", "delx", "expire", "expire", "persist", "incr"])
_ops = st.lists(st.tuples(_op, st.integers(0, 12)), min_size=80, max_size=200).map(
    lambda xs: [(op, n + i // 3) for i, (op, n) in enumerate(xs)])


class StepModel:
    """The dict operations of each command, per the 7.0.15 table (see the module doc)."""

    def __init__(self, seed: tuple[int, int, int, int]) -> None:
        self.main = Dict(EMPTY_HT, seed)
        self.expires = Dict(EMPTY_HT, seed)
        self.kind: dict[bytes, str] = {}  # key -> "str" / "int"
        self.ttl: set[bytes] = set()

    def get_expire(self, k: bytes) -> None:
        """``getExpire``: find in expires (if it has entries), then the safety find in the
        main dict for a key found there."""
        if len(self.expires):
            dict_find(self.expires, k)
            if k in self.ttl:
                dict_find(self.main, k)

    def lookup(self, k: bytes) -> bool:
        """``lookupKey``: find in the main dict, then ``expireIfNeeded`` -> ``getExpire``."""
        dict_find(self.main, k)
        if k in self.kind:
            self.get_expire(k)
            return True
        return False

    def remove_expire(self, k: bytes) -> None:
        """``removeExpire``: find in the main dict, delete from expires."""
        dict_find(self.main, k)
        dict_delete(self.expires, k)
        self.ttl.discard(k)

    def set_key(self, k: bytes, found: bool, keepttl: bool) -> None:
        """``setKey`` with ``SETKEY_ALREADY_EXIST`` / ``SETKEY_DOESNT_EXIST``."""
        if found:
            dict_find(self.main, k)  # dbSetValue
        else:
            dict_add(self.main, k)  # dbAdd
        self.kind[k] = "str"
        if not keepttl:
            self.remove_expire(k)

    def set_expire(self, k: bytes) -> None:
        """``setExpire``: find in the main dict, ``dictAddOrFind`` in expires."""
        dict_find(self.main, k)
        if k in self.ttl:
            if self.expires.rehashidx != -1:
                dict_rehash(self.expires, 1)
            dict_expand_if_needed(self.expires, True)
        else:
            dict_add(self.expires, k)
            self.ttl.add(k)

    def apply(self, op: str, k: bytes) -> None:
        if op in ("get", "exists", "pttl"):
            if self.lookup(k) and op == "pttl":
                self.get_expire(k)
        elif op in ("set", "setkeep", "setnx", "setpx"):
            found = self.lookup(k)
            if op == "setnx" and found:
                return
            self.set_key(k, found, op == "setkeep")
            if op == "setpx":
                self.set_expire(k)
        elif op in ("del", "delx"):
            if op == "delx":
                k = b"x" + k
            self.get_expire(k)  # expireIfNeeded
            dict_delete(self.expires, k)  # dbGenericDelete: expires first, found or not
            dict_delete(self.main, k)
            self.kind.pop(k, None)
            self.ttl.discard(k)
        elif op == "expire":
            if self.lookup(k):
                self.set_expire(k)
        elif op == "persist":
            if self.lookup(k):
                self.remove_expire(k)
        elif op == "incr":
            found = self.lookup(k)
            if not found:
                dict_add(self.main, k)  # dbAdd of 100000: not a shared integer
                self.kind[k] = "int"
            # a private int object is changed in place; a string value is an error


def _argv(op: str, k: bytes) -> list[bytes]:
    return {"get": [b"GET", k], "exists": [b"EXISTS", k], "pttl": [b"PTTL", k],
            "set": [b"SET", k, b"v"], "setkeep": [b"SET", k, b"v", b"KEEPTTL"],
            "setnx": [b"SET", k, b"v", b"NX"], "setpx": [b"SET", k, b"v", b"PXAT", FUTURE],
            "del": [b"DEL", k], "delx": [b"DEL", b"x" + k], "expire": [b"PEXPIREAT", k, FUTURE], "persist": [b"PERSIST", k],
            "incr": [b"INCRBY", k, b"100000"]}[op]


def check_dict_steps(ops: list[tuple[str, int]]) -> None:
    c = Session()
    model = StepModel(c.state.dicts.seed)
    for i, (op, n) in enumerate(ops):
        k = b"key:%d" % n
        c.call(*_argv(op, k))
        model.apply(op, k)
        db = c.state.dbs[0]
        assert db.ht == model.main.freeze(), f"{NAME}: main dict after #{i} {op} {k!r}"
        assert db.expires_ht == model.expires.freeze(), \
            f"{NAME}: expires dict after #{i} {op} {k!r}"


@property_settings(150)
@given(_ops)
def test_dict_steps_match_model(ops: list[tuple[str, int]]) -> None:
    check_dict_steps(ops)


def _check_planted(ops: list[tuple[str, int]]) -> None:
    check_dict_steps(ops)


@pytest.mark.parametrize("func,old,new", [
    ("remove_expire", "self.find_main_step()", "pass"),
    ("delete", "self.find_main_step()  # dictUnlink's step, finding nothing", "pass"),
    ("delete", "self.find_expires_step()  # dictDelete(db->expires) finding nothing", "pass"),
    ("delete", "self.find_expires_step()  # dictDelete(db->expires) of a key without", "pass #"),
    ("get_expire_steps", "self.find_main_step()", "pass"),
])
def test_planted_missing_step(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                              new: str) -> None:
    from redspec.spec.db import DbView
    plant(monkeypatch, DbView, func, old, new)
    with pytest.raises(AssertionError, match=NAME):
        run_given(planted_settings(300), _check_planted, _ops)


def test_model_is_not_vacuous() -> None:
    """The vocabulary does make both dicts rehash, several times over."""
    ops: list[Any] = [("setpx", i) for i in range(40)] + [("get", i) for i in range(40)]
    c = Session()
    seen_main = seen_exp = 0
    for op, n in ops:
        c.call(*_argv(op, b"key:%d" % n))
        seen_main += c.state.dbs[0].ht.rehashidx != -1
        seen_exp += c.state.dbs[0].expires_ht.rehashidx != -1
    assert seen_main >= 5 and seen_exp >= 5
