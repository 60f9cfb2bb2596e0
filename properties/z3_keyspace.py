"""Keyspace expiry invariant, proved with Z3 over unbounded key sets.

One database is abstracted to two sets of keys (integers stand for key names): ``keys`` (the
main dict's key set) and ``expires`` (keys with a TTL, Redis's ``db->expires``). The transition
relation is the union of the writes that touch TTLs, as ``spec.step.DbView`` performs them:

- ``SET k v`` (``setKey`` without KEEPTTL): k joins keys, its TTL is removed;
- ``SET k v PX``/``PXAT`` (``setExpire`` after ``setKey``): k joins keys and expires;
- ``DEL k`` / lazy expiry (``dbDelete``): k leaves both;
- ``EXPIRE k`` (only when k exists — ``lookupKeyWrite`` first): k joins expires;
- ``PERSIST k``: k leaves expires;
- ``RENAME s d`` (s exists): d replaces s; d's TTL is s's TTL (``dbDelete(d)`` then ``setExpire``).

Init: both empty. Inv: ``expires ⊆ keys`` (``expires_subset_of_keys`` of the keyspace
machine). :func:`obligation` gives it to ``redspec check``; ``abstract`` maps a concrete
``spec.state.Db`` onto the encoding so tests can check that real spec steps satisfy ``next``.
"""

from __future__ import annotations

from typing import Any

import z3

from .z3kit import Inductive

MECHANISM = "keyspace"

__all__ = ["abstract", "obligation", "obligations", "next_rel"]

_I = z3.IntSort()


def _vars(sfx: str) -> dict[str, Any]:
    return {"keys": z3.Const("keys" + sfx, z3.SetSort(_I)),
            "expires": z3.Const("expires" + sfx, z3.SetSort(_I))}


def _init(v: dict[str, Any]) -> Any:
    return z3.And(v["keys"] == z3.EmptySet(_I), v["expires"] == z3.EmptySet(_I))


def _inv(v: dict[str, Any]) -> Any:
    return z3.IsSubset(v["expires"], v["keys"])


def next_rel(v: dict[str, Any], w: dict[str, Any], *, del_keeps_ttl: bool = False) -> Any:
    """The transition relation (``del_keeps_ttl`` plants a known bug for the tests)."""
    k, d = z3.Int("k"), z3.Int("d")
    K, E, K2, E2 = v["keys"], v["expires"], w["keys"], w["expires"]
    has = z3.IsMember(k, K)
    dst_ttl = z3.SetDel(z3.SetDel(E, k), d)
    renamed_e = z3.If(z3.IsMember(k, E), z3.SetAdd(dst_ttl, d), dst_ttl)
    return z3.Or(
        z3.And(K2 == z3.SetAdd(K, k), E2 == z3.SetDel(E, k)),                     # SET
        z3.And(K2 == z3.SetAdd(K, k), E2 == z3.SetAdd(E, k)),                     # SET PX
        z3.And(K2 == z3.SetDel(K, k), E2 == (E if del_keeps_ttl else z3.SetDel(E, k))),  # DEL
        z3.And(has, K2 == K, E2 == z3.SetAdd(E, k)),                              # EXPIRE
        z3.And(K2 == K, E2 == z3.SetDel(E, k)),                                   # PERSIST
        z3.And(has, k != d, K2 == z3.SetAdd(z3.SetDel(K, k), d), E2 == renamed_e),  # RENAME
        z3.And(K2 == K, E2 == E),                                                 # stutter
    )


def obligation(**planted: bool) -> Inductive:
    """``expires ⊆ keys`` is inductive for the keyspace writes."""
    return Inductive("keyspace: expires ⊆ keys is inductive", MECHANISM, _vars, _init,
                     lambda v, w: next_rel(v, w, **planted), _inv, doc=__doc__ or "")


def obligations() -> list[Inductive]:
    return [obligation()]


def abstract(db: Any, names: dict[bytes, int]) -> dict[str, Any]:
    """A concrete ``Db`` as values of the encoding (``names`` numbers the keys)."""

    def as_set(ks: Any) -> Any:
        s = z3.EmptySet(_I)
        for key in ks:
            s = z3.SetAdd(s, z3.IntVal(names.setdefault(key, len(names))))
        return s

    return {"keys": as_set(db.keys), "expires": as_set(db.expires)}


def step_satisfies_next(before: Any, after: Any, names: dict[bytes, int]) -> bool:
    """Does the concrete step ``before → after`` (two ``Db``) satisfy the encoding's Next?"""
    v, w = _vars(""), _vars("'")
    a, b = abstract(before, names), abstract(after, names)
    s = z3.Solver()
    s.add(next_rel(v, w), v["keys"] == a["keys"], v["expires"] == a["expires"],
          w["keys"] == b["keys"], w["expires"] == b["expires"])
    return s.check() == z3.sat
