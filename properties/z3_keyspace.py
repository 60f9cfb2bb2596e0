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


UNIVERSE = range(3)  # concrete counterexamples: keys k0, k1, k2


def _bound(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """Every set inside ``UNIVERSE`` and the chosen keys ``k``, ``d`` in it."""
    u = z3.EmptySet(_I)
    for i in UNIVERSE:
        u = z3.SetAdd(u, z3.IntVal(i))
    sets = [v["keys"], v["expires"], w["keys"], w["expires"]]
    k, d = z3.Int("k"), z3.Int("d")
    return z3.And(*[z3.IsSubset(x, u) for x in sets], z3.IsMember(k, u), z3.IsMember(d, u))


def _members(m: z3.ModelRef, x: Any) -> frozenset[int]:
    return frozenset(i for i in UNIVERSE
                     if z3.is_true(m.eval(z3.IsMember(z3.IntVal(i), x), model_completion=True)))


#: The spec commands the transition relation abstracts, by the model's ``k`` and ``d``.
_CANDIDATES = (
    ("SET", "{k}", "v"), ("SET", "{k}", "v", "PX", "100000"), ("DEL", "{k}"),
    ("EXPIRE", "{k}", "100"), ("PERSIST", "{k}"), ("RENAME", "{k}", "{d}"),
)


def replay(m: z3.ModelRef, v: dict[str, Any], w: dict[str, Any]) -> tuple[str, str]:
    """Replay a counterexample to *Inv ∧ Next ⇒ Inv′* through ``spec.server``: build the
    pre-state with commands, try each command the relation abstracts on the model's ``k``/``d``,
    and see whether one reaches the model's post-state. One that does breaks the invariant in
    the spec itself ("confirmed"); none means the encoding admits a step the spec never takes
    ("spurious"). Returns the verdict and a Python script reproducing the attempt."""
    from redspec.spec.server import client_connect, new_server, run_command

    keys, exp = _members(m, v["keys"]), _members(m, v["expires"])
    keys2, exp2 = _members(m, w["keys"]), _members(m, w["expires"])
    k = m.eval(z3.Int("k"), model_completion=True).as_long()
    d = m.eval(z3.Int("d"), model_completion=True).as_long()
    now = 1_000_000
    setup = [["SET", f"k{i}", "v"] for i in sorted(keys)]
    setup += [["PEXPIREAT", f"k{i}", str(now + 10**9)] for i in sorted(exp)]
    script = [
        "from redspec.spec.server import client_connect, new_server, run_command",
        f"state = new_server(now_ms={now}); state, cid = client_connect(state, {now})",
        f"# pre-state: keys {sorted(keys)}, expires {sorted(exp)};"
        f" Z3's post-state: keys {sorted(keys2)}, expires {sorted(exp2)}",
    ]
    for argv in setup:
        script.append(f"state, _ = run_command(state, cid, {[a.encode() for a in argv]!r}, {now})")
    base = new_server(now_ms=now)
    base, cid = client_connect(base, now)
    for argv in setup:
        base, _ = run_command(base, cid, [a.encode() for a in argv], now)
    names = {f"k{i}".encode(): i for i in UNIVERSE}
    for cand in _CANDIDATES:
        argv = [a.format(k=f"k{k}", d=f"k{d}").encode() for a in cand]
        after, _ = run_command(base, cid, argv, now)
        db = after.dbs[0]
        if ({names[x] for x in db.keys} == keys2 and {names[x] for x in db.expires} == exp2):
            script.append(f"state, _ = run_command(state, cid, {argv!r}, {now})")
            script.append("db = state.dbs[0]; assert set(db.expires) <= set(db.keys)  # fails")
            return "confirmed: the spec breaks the invariant with " + \
                " ".join(a.decode() for a in argv), "\n".join(script)
    script.append(f"# no command among {[c[0] for c in _CANDIDATES]} on k{k}/k{d} reaches the "
                  "post-state: the encoding admits a step the spec never takes")
    return "spurious: no spec command takes this step (the encoding is wrong)", "\n".join(script)


def obligation(**planted: bool) -> Inductive:
    """``expires ⊆ keys`` is inductive for the keyspace writes."""
    return Inductive("keyspace: expires ⊆ keys is inductive", MECHANISM, _vars, _init,
                     lambda v, w: next_rel(v, w, **planted), _inv, doc=__doc__ or "",
                     bound=_bound, replay=replay)


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
