"""The backlog window and PSYNC's acceptance rule, proved with Z3 on 64-bit signed offsets.

Redis keeps ``master_repl_offset``, ``repl_backlog->offset`` and ``repl_backlog->histlen`` as
``long long``. The state here is those three as 64-bit signed values: integers kept in
``[-2^63, 2^63 - 1]``, every addition and subtraction wrapping as two's complement does (the
wrap is written out, ``_add``/``_sub``, so that Z3 reasons with linear arithmetic instead of
bit-blasting 64-bit adders), plus the ``repl-backlog-size`` setting, ``base`` (the
master offset when the backlog was created), ``keep`` (the bytes Redis must still hold: see
``properties/test_backlog_props.py``) and whether a backlog exists. The transitions are what
``spec/backlog.py`` does to them:

- *feed* ``len >= 1`` bytes (``feedReplicationBuffer``): the master offset and ``histlen`` grow
  by ``len``; ``offset`` is either left alone (the bytes fit in the tail) or recomputed as
  ``master - histlen + 1`` (a block opened and a trim ran);
- *trim* one block of ``k`` bytes (``incrementalTrimReplicationBacklog``): only while
  ``histlen > size``, when a later block holds at least one byte (``k < histlen``) and what is
  left is still more than ``size``; then ``offset = master - histlen + 1``;
- *resize* to any setting of at least 16 KiB; *free* the backlog; *create* it
  (``offset = master + 1``, ``histlen = 0``);
- *PSYNC* at any 64-bit offset ``o`` with the ID check's outcome ``idok`` (``replid``, or
  ``replid2`` up to ``second_replid_offset``: a boolean here): accepted as
  ``masterTryPartialResynchronization`` decides, ``idok && backlog && !(o < offset) &&
  !(o > offset + histlen)``, with ``offset + histlen`` computed in 64 bits. The step records
  its inputs, its verdict and the window it saw.

Redis never checks the stream offset for overflow: ``server.master_repl_offset += len`` on a
``long long`` past 2^63 - 1 is undefined behaviour in C (in practice it wraps to a negative
number, and every window comparison is then wrong). The feed step therefore carries the
premise that the stream stays below 2^63 - 1: ``master + len <= 2^63 - 2``, so that
``offset + histlen = master + 1`` is still representable — at ``master = 2^63 - 1`` exactly,
``offset + histlen`` wraps and PSYNC refuses even the end of the window. (2^63 bytes is about
292 years of a 1 GB/s stream.) Without the premise Z3 finds the wrap
(``window_obligation(unguarded=True)`` fails).

Obligations (Init ⇒ Inv, Inv ∧ Next ⇒ Inv′, with vacuity witnesses at the window's edges and
near 2^63):

- *window*: ``0 <= base <= master <= 2^63 - 2``, ``0 <= histlen <= master - base``,
  ``offset + histlen == master + 1``, ``0 <= keep <= histlen`` and ``keep <= size``;
- *accepted → in the backlog*: an accepted PSYNC had the ID and ``offset <= o <= master + 1``
  (the bytes from ``o`` to the master offset are all in the backlog);
- *in the backlog → accepted*: a PSYNC with the ID and ``offset <= o <= master + 1`` is
  accepted.

Planted variants that must fail: ``start_exclusive`` (``o <= offset`` refused: ``>`` for
``>=`` at the window's start) breaks the second direction; ``end_past`` (accepted up to
``offset + histlen + 1``) and ``by_size`` (6.x's circular-buffer bound ``o < offset + size``)
break the first; ``unguarded`` breaks the window. Counterexamples of the PSYNC obligations
replay through ``spec.backlog.psync_accepts``.
"""

from __future__ import annotations

from typing import Any

import z3

from .z3kit import Inductive

MECHANISM = "psync"

__all__ = ["window_obligation", "accepted_obligation", "served_obligation", "obligations",
           "psync_encoding", "replay", "MAX"]

MAX = (1 << 63) - 1
MIN = -(1 << 63)
MIN_SIZE = 16 * 1024
_LL = ("m", "off", "h", "size", "base", "keep", "r_o", "r_off", "r_h", "r_m")
_BOOL = ("has", "r_done", "r_acc", "r_idok", "r_has")


def _c(x: int) -> Any:
    return z3.IntVal(x)


def _wrap(x: Any) -> Any:
    """Two's complement of a sum or difference of two 64-bit signed values."""
    return z3.If(x > MAX, x - (1 << 64), z3.If(x < MIN, x + (1 << 64), x))


def _add(a: Any, b: Any) -> Any:
    return _wrap(a + b)


def _sub(a: Any, b: Any) -> Any:
    return _wrap(a - b)


def _ll(*xs: Any) -> Any:
    """Each of ``xs`` is a ``long long``."""
    return z3.And(*(z3.And(MIN <= x, x <= MAX) for x in xs))


def _vars(sfx: str) -> dict[str, Any]:
    v: dict[str, Any] = {n: z3.Int(n + sfx) for n in _LL}
    v.update({n: z3.Bool(n + sfx) for n in _BOOL})
    return v


def psync_encoding(has: Any, idok: Any, off: Any, h: Any, o: Any, *, start_exclusive: bool = False,
                   end_past: bool = False, by_size: Any = None) -> Any:
    """``masterTryPartialResynchronization``'s verdict on 64-bit signed values (``by_size``:
    the setting, for the planted 6.x bound)."""
    refused_low = (o <= off) if start_exclusive else (o < off)
    if by_size is not None:
        refused_high = o >= _add(off, by_size)
    elif end_past:
        refused_high = o > _add(_add(off, h), _c(1))
    else:
        refused_high = o > _add(off, h)
    return z3.And(idok, has, z3.Not(refused_low), z3.Not(refused_high))


def _window(m: Any, off: Any, h: Any, base: Any) -> Any:
    """The window's arithmetic, with no overflow anywhere in it."""
    return z3.And(0 <= base, base <= m, m <= _c(MAX - 1), 0 <= h, h <= _sub(m, base),
                  _add(off, h) == _add(m, _c(1)))


def _inv_window(v: dict[str, Any]) -> Any:
    return z3.And(_ll(*(v[n] for n in _LL)),
                  _window(v["m"], v["off"], v["h"], v["base"]), 1 <= v["size"],
                  0 <= v["keep"], v["keep"] <= v["h"], v["keep"] <= v["size"],
                  z3.Implies(z3.And(v["r_done"], v["r_has"]),
                             _window(v["r_m"], v["r_off"], v["r_h"], _c(0))))


def _in_window(v: dict[str, Any]) -> Any:
    """The recorded PSYNC's offset lies in the window it saw: its bytes are in the backlog."""
    return z3.And(v["r_has"], v["r_off"] <= v["r_o"], v["r_o"] <= v["r_m"] + 1)


def _inv_accepted(v: dict[str, Any]) -> Any:
    return z3.And(_inv_window(v), z3.Implies(z3.And(v["r_done"], v["r_acc"]),
                                             z3.And(v["r_idok"], _in_window(v))))


def _inv_served(v: dict[str, Any]) -> Any:
    return z3.And(_inv_window(v), z3.Implies(z3.And(v["r_done"], v["r_idok"], _in_window(v)),
                                             v["r_acc"]))


def _init(v: dict[str, Any]) -> Any:
    return z3.And(_ll(*(v[n] for n in _LL)), 0 <= v["m"], v["m"] <= _c(MAX - 1),
                  v["base"] == v["m"], v["has"], v["off"] == _add(v["m"], _c(1)), v["h"] == 0, v["keep"] == 0, 1 <= v["size"],
                  z3.Not(v["r_done"]))


def _min(a: Any, b: Any) -> Any:
    return z3.If(a < b, a, b)


def next_rel(v: dict[str, Any], w: dict[str, Any], *, unguarded: bool = False,
             **planted: bool) -> Any:
    """The transitions (see the module docstring); ``planted`` goes to the PSYNC encoding."""
    n, k, o = z3.Int("len"), z3.Int("k"), z3.Int("o")
    idok = z3.Bool("idok")

    def same(*names: str) -> Any:
        return z3.And(*(w[x] == v[x] for x in names))

    keep_ret = same("r_o", "r_off", "r_h", "r_m", "r_done", "r_acc", "r_idok", "r_has")
    guard = z3.BoolVal(True) if unguarded else v["m"] + n <= _c(MAX - 1)
    feed = z3.And(v["has"], _ll(n), n >= 1, guard, w["m"] == _add(v["m"], n),
                  w["h"] == _add(v["h"], n),
                  z3.Or(w["off"] == v["off"],
                        w["off"] == _add(_sub(w["m"], w["h"]), _c(1))),
                  w["keep"] == _min(v["size"], _add(v["keep"], n)),
                  same("size", "base", "has"), keep_ret)
    trim = z3.And(v["has"], v["h"] > v["size"], _ll(k), k >= 1, k < v["h"],
                  _sub(v["h"], k) > v["size"], w["h"] == _sub(v["h"], k),
                  w["off"] == _add(_sub(v["m"], w["h"]), _c(1)),
                  same("m", "size", "base", "keep", "has"), keep_ret)
    resize = z3.And(_ll(w["size"]), w["size"] >= MIN_SIZE,
                    w["keep"] == _min(v["keep"], w["size"]),
                    same("m", "off", "h", "base", "has"), keep_ret)
    free = z3.And(v["has"], z3.Not(w["has"]), same("m", "off", "h", "size", "base", "keep"),
                  keep_ret)
    create = z3.And(z3.Not(v["has"]), w["has"], w["off"] == _add(v["m"], _c(1)), w["h"] == 0,
                    w["base"] == v["m"], w["keep"] == 0, same("m", "size"), keep_ret)
    psync = z3.And(same("m", "off", "h", "size", "base", "keep", "has"), w["r_done"], _ll(o),
                   w["r_o"] == o, w["r_idok"] == idok, w["r_off"] == v["off"],
                   w["r_h"] == v["h"], w["r_m"] == v["m"], w["r_has"] == v["has"],
                   w["r_acc"] == psync_encoding(
                       v["has"], idok, v["off"], v["h"], o,
                       by_size=v["size"] if planted.get("by_size") else None,
                       start_exclusive=planted.get("start_exclusive", False),
                       end_past=planted.get("end_past", False)))
    return z3.Or(feed, trim, resize, free, create, psync)


# -- witnesses: the steps the claims are about can happen --------------------------------------

_HIGH = _c(1 << 62)


def _feed_to_top(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """A feed that ends at the highest master offset allowed (2^63 - 2)."""
    return z3.And(w["m"] == _c(MAX - 1), w["m"] != v["m"])


def _trim_high(v: dict[str, Any], w: dict[str, Any]) -> Any:
    """A trim of a window above 2^62."""
    return z3.And(w["h"] < v["h"], v["m"] == w["m"], v["off"] > _HIGH)


def _psync_at(edge: str) -> Any:
    def at(v: dict[str, Any], w: dict[str, Any]) -> Any:
        o = w["r_o"]
        target = {"start": w["r_off"], "end": w["r_m"] + 1, "before": w["r_off"] - 1,
                  "past": w["r_m"] + 2}[edge]
        return z3.And(w["r_done"], w["r_idok"], w["r_has"], o == target, w["r_h"] > 0,
                      w["r_m"] > _HIGH)
    return at


def _accepted_at(edge: str) -> Any:
    def at(v: dict[str, Any], w: dict[str, Any]) -> Any:
        return z3.And(_psync_at(edge)(v, w), w["r_acc"])
    return at


def replay(m: z3.ModelRef, v: dict[str, Any], w: dict[str, Any]) -> tuple[str, str]:
    """Ask ``spec.backlog.psync_accepts`` about the recorded PSYNC of the post-state: a
    backlog with the window Z3 chose, the requested ID equal to ``replid`` when ``idok``."""
    from redspec.spec import backlog as bl

    def val(x: Any) -> int:
        return int(m.eval(x, model_completion=True).as_long())

    def flag(x: Any) -> bool:
        return bool(z3.is_true(m.eval(x, model_completion=True)))

    off, h, mo, o = val(w["r_off"]), val(w["r_h"]), val(w["r_m"]), val(w["r_o"])
    idok, has, acc = flag(w["r_idok"]), flag(w["r_has"]), flag(w["r_acc"])
    req = "a" * 40 if idok else "b" * 40
    backlog = bl.Backlog(1 << 20, h, off) if has else None
    got = bl.psync_accepts("a" * 40, "0" * 40, -1, backlog, req, o)
    in_window = has and idok and off <= o <= mo + 1
    script = "\n".join([
        "from redspec.spec import backlog as bl",
        f"b = bl.Backlog(1 << 20, {h}, {off})" if has else "b = None",
        f"accepted = bl.psync_accepts('a' * 40, '0' * 40, -1, b, {req!r}, {o})",
        f"# Z3: master_repl_offset {mo}, encoding says accepted={acc}; "
        f"in the window with the ID: {in_window}",
    ])
    if got != in_window:
        return "confirmed: spec.backlog.psync_accepts breaks the rule here", script
    return "spurious: the spec follows the rule here (the encoding is wrong)", script


WINDOW = "psync: the backlog window arithmetic stays consistent on 64-bit offsets"
ACCEPTED = "psync: an accepted offset has its bytes in the backlog"
SERVED = "psync: an offset in the backlog with a matching ID is accepted"


def window_obligation(**planted: bool) -> Inductive:
    """``offset + histlen == master + 1`` and the bounds, under every transition."""
    return Inductive(WINDOW, MECHANISM, _vars, _init,
                     lambda v, w: next_rel(v, w, **planted), _inv_window, doc=__doc__ or "",
                     witnesses={"a feed ends at master offset 2^63 - 2": _feed_to_top,
                                "a trim above 2^62": _trim_high})


def accepted_obligation(**planted: bool) -> Inductive:
    """Accepted ⇒ the ID matched and ``offset <= o <= master + 1``."""
    return Inductive(ACCEPTED, MECHANISM, _vars, _init,
                     lambda v, w: next_rel(v, w, **planted), _inv_accepted,
                     doc=__doc__ or "", replay=replay,
                     witnesses={"accepted at o == offset": _accepted_at("start"),
                                "accepted at o == master + 1": _accepted_at("end"),
                                "a PSYNC at o == master + 2": _psync_at("past")},
                     converse=SERVED)


def served_obligation(**planted: bool) -> Inductive:
    """The ID matched and ``offset <= o <= master + 1`` ⇒ accepted."""
    return Inductive(SERVED, MECHANISM, _vars, _init,
                     lambda v, w: next_rel(v, w, **planted), _inv_served,
                     doc=__doc__ or "", replay=replay,
                     witnesses={"a PSYNC at o == offset": _psync_at("start"),
                                "a PSYNC at o == master + 1": _psync_at("end"),
                                "a PSYNC at o == offset - 1": _psync_at("before")},
                     converse=ACCEPTED)


def obligations() -> list[Inductive]:
    return [window_obligation(), accepted_obligation(), served_obligation()]
