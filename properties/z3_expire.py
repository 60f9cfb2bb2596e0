"""Expiry in both directions — proved with Z3 over unbounded keys/time.

One database is abstracted to two arrays over integer key names: ``present[k]`` (the key is in
the main dict) and ``when[k]`` (its expiry in unix ms, ``-1`` for none), plus the clock ``now``.
The transition relation is the union of what can happen, as ``spec.db.DbView`` does it:

- ``SET k`` / ``SET k PXAT w`` (``setKey`` [+ ``setExpire``]); ``DEL k`` (``dbDelete``);
- ``PEXPIREAT k w`` on a live key, ``PERSIST k``;
- the clock moves forward (``now' ≥ now``); the active expire cycle deletes a key whose time has
  come (``activeExpireCycle``: only expired keys);
- ``GET k`` — ``lookupKeyRead``: if the key has a TTL and ``now > when`` it is deleted
  (``expireIfNeeded``) and the read returns nothing, else it returns what is there. The read
  records ``ret_done``, whether the key was there before it (``ret_was``), its result
  (``ret_some``), ``ret_now`` and the key's expiry as seen by the read (``ret_when``).

Two obligations, one per direction of Redis's ``keyIsExpired`` (``now > when``):

- *expired → not returned*: ``ret_some ⇒ ret_when = -1 ∨ ret_now ≤ ret_when``;
- *not yet expired → returned*: ``ret_done ∧ ret_was ∧ (ret_when = -1 ∨ ret_now ≤ ret_when) ⇒
  ret_some`` (a key is still served at ``now == when``).

Each has vacuity checks on its premises (``Inductive.witnesses``): a read at exactly
``now == when`` of a key with a TTL, and one at ``now == when + 1``, are possible steps —
so neither claim holds merely because the boundary is never reached. Counterexamples replay
through ``spec.server`` (see ``properties/z3kit.py``): the pre-state is built at a time before
the key's expiry, and the read runs at Z3's ``now``. Planted: a read that ignores the TTL breaks
the first; ``now >= when`` as the expiry test (a key gone one ms early) breaks the second.
"""

from __future__ import annotations

from typing import Any

import z3

from .z3kit import Inductive

MECHANISM = "expire"

__all__ = ["obligation", "served_obligation", "obligations", "replay"]

_I = z3.IntSort()
_B = z3.BoolSort()


def _vars(sfx: str) -> dict[str, Any]:
    return {
        "present": z3.Array("present" + sfx, _I, _B),
        "when": z3.Array("when" + sfx, _I, _I),
        "now": z3.Int("now" + sfx),
        "ret_some": z3.Bool("ret_some" + sfx),
        "ret_now": z3.Int("ret_now" + sfx),
        "ret_when": z3.Int("ret_when" + sfx),
        "ret_done": z3.Bool("ret_done" + sfx),
        "ret_was": z3.Bool("ret_was" + sfx),
    }


def _init(v: dict[str, Any]) -> Any:
    k = z3.Int("k0")
    return z3.And(z3.ForAll([k], z3.And(z3.Not(v["present"][k]), v["when"][k] == -1)),
                  z3.Not(v["ret_some"]), z3.Not(v["ret_done"]), v["now"] >= 0)


def _live(v: dict[str, Any]) -> Any:
    """The read happened while the key's time had not passed (``!keyIsExpired``)."""
    return z3.Or(v["ret_when"] == -1, v["ret_now"] <= v["ret_when"])


def _inv(v: dict[str, Any]) -> Any:
    """Expired → not returned: a read that returned a value saw a key not yet expired."""
    return z3.Implies(v["ret_some"], _live(v))


def _inv_served(v: dict[str, Any]) -> Any:
    """Not yet expired → returned: a read of a present key whose time had not passed
    returned it."""
    return z3.Implies(z3.And(v["ret_done"], v["ret_was"], _live(v)), v["ret_some"])


def _at_boundary(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """A read of a present key with a TTL at exactly ``now == when``."""
    return z3.And(w["ret_done"], w["ret_was"], w["ret_when"] != -1,
                  w["ret_now"] == w["ret_when"])


def _one_past(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """A read of a present key with a TTL at ``now == when + 1``."""
    return z3.And(w["ret_done"], w["ret_was"], w["ret_when"] != -1,
                  w["ret_now"] == w["ret_when"] + 1)


def _served_at_boundary(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """A read that returns a key with a TTL at exactly ``now == when``."""
    return z3.And(_at_boundary(v, w), w["ret_some"])


def next_rel(v: dict[str, Any], w: dict[str, Any], *, read_ignores_ttl: bool = False,
             expired_at_equal: bool = False) -> Any:
    """The transition relation. ``read_ignores_ttl`` plants a lookup without passive expiry;
    ``expired_at_equal`` plants ``now >= when`` as the expiry test (a key gone one ms early:
    the first direction still holds, the second breaks)."""
    k, t = z3.Int("k"), z3.Int("t")
    P, W, now = v["present"], v["when"], v["now"]
    P2, W2, now2 = w["present"], w["when"], w["now"]
    keep_ret = z3.And(w["ret_some"] == v["ret_some"], w["ret_now"] == v["ret_now"],
                      w["ret_when"] == v["ret_when"], w["ret_done"] == v["ret_done"],
                      w["ret_was"] == v["ret_was"])
    same_time = now2 == now
    expired = z3.And(W[k] != -1, (now >= W[k]) if expired_at_equal else (now > W[k]))
    if read_ignores_ttl:
        expired = z3.BoolVal(False)
    read = z3.And(
        same_time,
        z3.If(z3.And(P[k], expired),
              z3.And(P2 == z3.Store(P, k, False), W2 == z3.Store(W, k, -1),
                     z3.Not(w["ret_some"])),
              z3.And(P2 == P, W2 == W, w["ret_some"] == P[k])),
        w["ret_now"] == now, w["ret_when"] == W[k], w["ret_done"], w["ret_was"] == P[k],
    )
    return z3.Or(
        z3.And(same_time, keep_ret, P2 == z3.Store(P, k, True), W2 == z3.Store(W, k, -1)),  # SET
        z3.And(same_time, keep_ret, t > now, P2 == z3.Store(P, k, True),
               W2 == z3.Store(W, k, t)),                                          # SET PXAT
        z3.And(same_time, keep_ret, P2 == z3.Store(P, k, False),
               W2 == z3.Store(W, k, -1)),                                         # DEL
        z3.And(same_time, keep_ret, P[k], t > now, P2 == P, W2 == z3.Store(W, k, t)),  # PEXPIREAT
        z3.And(same_time, keep_ret, P2 == P, W2 == z3.Store(W, k, -1)),           # PERSIST
        z3.And(now2 >= now, keep_ret, P2 == P, W2 == W),                          # time passes
        z3.And(same_time, keep_ret, P[k], W[k] != -1, now > W[k],
               P2 == z3.Store(P, k, False), W2 == z3.Store(W, k, -1)),            # active expiry
        read,                                                                     # GET
    )


def _bound(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """Small, concrete numbers for a replayable counterexample."""
    k = z3.Int("k")
    return z3.And(k >= 0, k <= 2, v["now"] >= 0, v["now"] <= 10_000, w["now"] <= 10_000,
                  v["when"][k] >= -1, v["when"][k] <= 10_000)


BASE_MS = 1_700_000_000_000  # Z3's times are offsets from this unix ms


def replay(m: z3.ModelRef, v: dict[str, Any], w: dict[str, Any]) -> tuple[str, str]:
    """Replay a counterexample through ``spec.server``: the key is created (with its TTL) at a
    time before its expiry, then GET runs at Z3's ``now``. If the spec returns the value the
    invariant is broken in the spec ("confirmed"); if it returns nil the encoding's read is
    wrong ("spurious")."""
    from redspec.spec.server import client_connect, new_server, run_command

    def val(x: Any) -> int:
        return int(m.eval(x, model_completion=True).as_long())

    k = val(z3.Int("k"))
    present = z3.is_true(m.eval(v["present"][z3.IntVal(k)], model_completion=True))
    when = val(v["when"][z3.IntVal(k)])
    now = val(v["now"])
    key = f"k{k}".encode()
    t0 = BASE_MS + (min(now, when) - 1 if when != -1 else now - 1)
    script = [
        "from redspec.spec.server import client_connect, new_server, run_command",
        f"state = new_server(now_ms={t0}); state, cid = client_connect(state, {t0})",
        f"# Z3: key {key.decode()} present={present}, expires at +{when} ms, read at +{now} ms",
    ]
    state = new_server(now_ms=t0)
    state, cid = client_connect(state, t0)
    cmds: list[list[bytes]] = []
    if present:
        cmds.append([b"SET", key, b"v"])
        if when != -1:
            cmds.append([b"PEXPIREAT", key, str(BASE_MS + when).encode()])
    for argv in cmds:
        state, _ = run_command(state, cid, argv, t0)
        script.append(f"state, _ = run_command(state, cid, {argv!r}, {t0})")
    state, reply = run_command(state, cid, [b"GET", key], BASE_MS + now)
    script.append(f"state, reply = run_command(state, cid, {[b'GET', key]!r}, {BASE_MS + now})")
    if present and (when == -1 or now <= when):  # the second direction: must be served
        if reply == b"$-1\r\n":
            script.append("assert reply != b'$-1\\r\\n'  # fails: a live key was not returned")
            return "confirmed: the spec does not return a key whose time has not passed", \
                "\n".join(script)
        script.append(f"# the spec replies {reply!r}: the encoding's read admits a step the "
                      "spec never takes")
        return "spurious: the spec returns the key (the encoding is wrong)", "\n".join(script)
    if reply.startswith(b"$") and not reply.startswith(b"$-1"):
        script.append("assert reply == b'$-1\\r\\n', reply  # fails: an expired key was returned")
        return "confirmed: the spec returns an expired key", "\n".join(script)
    script.append(f"# the spec replies {reply!r}: the encoding's read admits a step the spec "
                  "never takes")
    return "spurious: the spec does not return the key (the encoding is wrong)", "\n".join(script)


NOT_SERVED = "expire: a key read after its expiry time is never returned"
SERVED = "expire: a key read at or before its expiry time is returned"


def obligation(**planted: bool) -> Inductive:
    """Expired → not returned: a read never returns a key whose expiry time has passed
    (``lookupKeyRead``)."""
    return Inductive(NOT_SERVED, MECHANISM,
                     _vars, _init, lambda v, w: next_rel(v, w, **planted), _inv,
                     doc=__doc__ or "", bound=_bound, replay=replay,
                     witnesses={"a read returns a key at now == when": _served_at_boundary,
                                "a read of a key at now == when + 1": _one_past},
                     converse=SERVED)


def served_obligation(**planted: bool) -> Inductive:
    """Not yet expired → returned: a read returns a present key while ``now <= when``."""
    return Inductive(SERVED, MECHANISM,
                     _vars, _init, lambda v, w: next_rel(v, w, **planted), _inv_served,
                     doc=__doc__ or "", bound=_bound, replay=replay,
                     witnesses={"a read of a key at now == when": _at_boundary,
                                "a read of a key at now == when + 1": _one_past},
                     converse=NOT_SERVED)


def obligations() -> list[Inductive]:
    return [obligation(), served_obligation()]
