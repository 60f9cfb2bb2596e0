"""The two-table dict (``spec.dict``), proved with Z3.

1. An inductive invariant of the dict's table-membership abstraction. State: the key set
   ``K``, the table sets ``T0``/``T1``, the bucket functions ``b0``/``b1`` (key -> bucket of
   table 0/1: ``hash & mask``, arrays over unbounded keys), ``rh`` (rehashing) and ``r``
   (``rehashidx``). Transitions, as ``spec.dict`` performs them:

   - ``dictAdd(k)``, k new: into ``T1`` while rehashing, else ``T0``;
   - ``dictDelete(k)``: out of both tables;
   - ``dictRehash`` of one bucket, key by key: a key of ``T0`` in bucket ``r`` moves to
     ``T1``; once no key of ``T0`` is left in bucket ``r``, ``r`` advances (an empty bucket is
     only the advance);
   - end of rehashing (``T0`` empty): table 1 becomes table 0 (``b0' = b1``), not rehashing;
   - ``_dictExpand`` of an allocated table: rehashing starts at ``r = 0`` with an empty
     ``T1`` and a fresh bucket function ``b1'`` (any non-negative buckets).

   Inv: ``T0 ∩ T1 = ∅``, ``T0 ∪ T1 = K`` (every key in exactly one table), ``T1 = ∅`` when not
   rehashing, and while rehashing no key of ``T0`` sits in a bucket below ``r`` (buckets
   below ``rehashidx`` are empty); bucket indexes are non-negative.

2. The reverse-binary cursor (``dictScan``): for a table of ``2^k`` buckets (mask ``m``) and
   any cursor ``v`` inside the mask, the next cursor ``rev(rev(v | ~m) + 1)`` is again inside
   the mask and its bit reversal is ``rev(v) + 2^(64-k)`` (mod 2^64). Since ``rev`` is a
   bijection (proved too), the reversed cursor counts the ``2^k`` multiples of ``2^(64-k)``
   from 0 back to 0: every bucket is visited exactly once per iteration. Proved for each
   ``k`` from 2 (the smallest table) to 16 over symbolic 64-bit cursors.
"""

from __future__ import annotations

from typing import Any

import z3

from .z3kit import Inductive, Validity

MECHANISM = "rehash"

__all__ = ["obligations", "table_obligation", "cursor_obligation", "rev_obligation"]

_I = z3.IntSort()
_S = z3.SetSort(_I)


def _vars(sfx: str) -> dict[str, Any]:
    return {
        "K": z3.Const("K" + sfx, _S), "T0": z3.Const("T0" + sfx, _S),
        "T1": z3.Const("T1" + sfx, _S),
        "b0": z3.Array("b0" + sfx, _I, _I), "b1": z3.Array("b1" + sfx, _I, _I),
        "rh": z3.Bool("rh" + sfx), "r": z3.Int("r" + sfx),
    }


def _init(v: dict[str, Any]) -> Any:
    k = z3.Int("k_init")
    return z3.And(v["K"] == z3.EmptySet(_I), v["T0"] == z3.EmptySet(_I),
                  v["T1"] == z3.EmptySet(_I), z3.Not(v["rh"]), v["r"] == -1,
                  z3.ForAll([k], z3.And(v["b0"][k] >= 0, v["b1"][k] >= 0)))


def _inv(v: dict[str, Any]) -> Any:
    k = z3.Int("k_inv")
    T0, T1 = v["T0"], v["T1"]
    return z3.And(
        z3.SetIntersect(T0, T1) == z3.EmptySet(_I),
        z3.SetUnion(T0, T1) == v["K"],
        z3.Implies(z3.Not(v["rh"]), T1 == z3.EmptySet(_I)),
        z3.Implies(v["rh"], z3.And(v["r"] >= 0, z3.ForAll(
            [k], z3.Implies(z3.IsMember(k, T0), v["b0"][k] >= v["r"])))),
        z3.ForAll([k], z3.And(v["b0"][k] >= 0, v["b1"][k] >= 0)),
    )


def next_rel(v: dict[str, Any], w: dict[str, Any], *, add_to_both: bool = False,
             rehash_keeps_bucket: bool = False) -> Any:
    """The transitions (the keyword arguments plant known bugs for the tests)."""
    k, x = z3.Int("k"), z3.Int("x")
    K, T0, T1, b0, b1, rh, r = (v[n] for n in ("K", "T0", "T1", "b0", "b1", "rh", "r"))
    K2, T02, T12, b02, b12, rh2, r2 = (w[n] for n in ("K", "T0", "T1", "b0", "b1", "rh", "r"))
    same_b = z3.And(b02 == b0, b12 == b1)
    new = z3.Not(z3.IsMember(k, K))
    add_rh = z3.And(rh, new, K2 == z3.SetAdd(K, k), T12 == z3.SetAdd(T1, k),
                    T02 == (z3.SetAdd(T0, k) if add_to_both else T0), rh2, r2 == r, same_b)
    add_plain = z3.And(z3.Not(rh), new, K2 == z3.SetAdd(K, k), T02 == z3.SetAdd(T0, k),
                       T12 == T1, z3.Not(rh2), r2 == r, same_b)
    delete = z3.And(K2 == z3.SetDel(K, k), T02 == z3.SetDel(T0, k), T12 == z3.SetDel(T1, k),
                    rh2 == rh, r2 == r, same_b)
    # dictRehash moves a bucket key by key: one key of bucket r from T0 to T1; once bucket r
    # holds no key of T0, r advances (an empty bucket is only an advance).
    move_one = z3.And(rh, z3.IsMember(k, T0), b0[k] == r, K2 == K,
                      T02 == (T0 if rehash_keeps_bucket else z3.SetDel(T0, k)),
                      T12 == z3.SetAdd(T1, k), rh2, r2 == r, same_b)
    bucket_empty = z3.ForAll([x], z3.Implies(z3.IsMember(x, T0), b0[x] != r))
    advance = z3.And(rh, z3.Not(T0 == z3.EmptySet(_I)),
                     z3.BoolVal(True) if rehash_keeps_bucket else bucket_empty,
                     K2 == K, T02 == T0, T12 == T1, rh2, r2 == r + 1, same_b)
    finish = z3.And(rh, T0 == z3.EmptySet(_I), K2 == K, T02 == T1, T12 == z3.EmptySet(_I),
                    b02 == b1, z3.ForAll([x], b12[x] >= 0), z3.Not(rh2), r2 == -1)
    expand = z3.And(z3.Not(rh), K2 == K, T02 == T0, T12 == z3.EmptySet(_I), b02 == b0,
                    z3.ForAll([x], b12[x] >= 0), rh2, r2 == 0)
    stutter = z3.And(K2 == K, T02 == T0, T12 == T1, rh2 == rh, r2 == r, same_b)
    return z3.Or(add_rh, add_plain, delete, move_one, advance, finish, expand, stutter)


def table_obligation(**planted: bool) -> Inductive:
    """Every key in exactly one table, and buckets below ``rehashidx`` empty: inductive."""
    return Inductive("rehash: one table per key, buckets below rehashidx empty", MECHANISM,
                     _vars, _init, lambda v, w: next_rel(v, w, **planted), _inv,
                     doc=__doc__ or "")


W = 64
_M = (1 << W) - 1


def _rev(x: Any) -> Any:
    """Bit reversal of a 64-bit vector (``rev`` of dict.c)."""
    return z3.Concat(*[z3.Extract(i, i, x) for i in range(W)])


def cursor_obligation(k: int, *, forward: bool = False) -> Validity:
    """For a ``2^k``-bucket table: the next cursor stays in the mask and its reversal is the
    reversal of the cursor plus ``2^(64-k)`` (``forward`` plants a plain ``v + 1``)."""

    def build() -> tuple[Any, Any]:
        v = z3.BitVec(f"v{k}", W)
        m = z3.BitVecVal((1 << k) - 1, W)
        if forward:
            nxt = (v + 1) & m
        else:
            nxt = _rev(_rev(v | ~m) + 1)
        step = z3.BitVecVal(1 << (W - k), W)
        return (v & ~m) == 0, z3.And((nxt & ~m) == 0, _rev(nxt) == _rev(v) + step)

    return Validity(f"rehash: dictScan cursor of a 2^{k} table walks every bucket once",
                    MECHANISM, build, doc=__doc__ or "")


def rev_obligation() -> Validity:
    """``rev`` is an involution, hence a bijection on 64-bit cursors."""

    def build() -> tuple[Any, Any]:
        x = z3.BitVec("x", W)
        return z3.BoolVal(True), _rev(_rev(x)) == x

    return Validity("rehash: rev is a bijection (rev(rev(x)) == x)", MECHANISM, build,
                    doc=__doc__ or "")


def obligations() -> list[Inductive | Validity]:
    return [table_obligation(), rev_obligation(), *[cursor_obligation(k) for k in range(2, 17)]]
