"""Stream ID order, proved with Z3 over the whole 64-bit range.

A stream ID is a pair ``(ms, seq)`` of unsigned 64-bit numbers, ordered as a pair. XADD makes
the new entry's ID in one of three ways (``spec.commands.streams._xadd_id``, after the
"exhausted" check of ``xaddCommand``):

- ``*`` (``streamNextID``): ``(now, 0)`` when the clock passed ``last.ms``, else the last ID
  plus one (``streamIncrID``: the sequence, or ``(ms + 1, 0)`` when the sequence is at its
  maximum; refused past the largest ID);
- ``ms-*``: ``(ms, last.seq + 1)`` when ``ms`` is the last ID's, refused when that sequence is
  at its maximum; else ``(ms, 0)``;
- an explicit ``ms-seq``: itself;

and refuses every result that is not greater than ``last_id``, and every form once
``last_id`` is ``(2^64-1, 2^64-1)``. Arithmetic is on 64-bit bit-vectors, wrapping as C's
``uint64_t`` does, so the overflow corners (``seq = 2^64-1``, ``ms = 2^64-1``) are part of the
proof, not excluded from it.

Obligations: *the ``*`` and ``ms-*`` generators, whenever they do not refuse, produce an ID
greater than last_id* (for ``ms-*`` with ``ms`` at least the last one's; a smaller ``ms`` and
an explicit ID are left to the final comparison, which refuses them by itself). The
exhausted case needs no proof of its own: no ID is greater than ``(2^64-1, 2^64-1)``, which
the final comparison already refuses. ``generate`` is the encoding; ``tests/test_streams.py``
checks it against the spec's ``_xadd_id`` on the corner values, and plants two bugs Z3 must
refute (a ``ms-*`` without the maximum-sequence check, a ``*`` that does not carry).
"""

from __future__ import annotations

from typing import Any

import z3

from .z3kit import Validity

MECHANISM = "streams"

__all__ = ["generate", "obligations", "greater", "FORMS"]

_W = 64
MAXV = (1 << _W) - 1
FORMS = ("auto", "seq-star", "explicit")


def greater(a: tuple[Any, Any], b: tuple[Any, Any]) -> Any:
    """``streamCompareID(a, b) > 0`` on unsigned bit-vectors."""
    return z3.Or(z3.UGT(a[0], b[0]), z3.And(a[0] == b[0], z3.UGT(a[1], b[1])))


def generate(form: str, last: tuple[Any, Any], arg: tuple[Any, Any], now: Any,
             seq_star_wraps: bool = False, auto_wraps: bool = False,
             ) -> tuple[Any, tuple[Any, Any]]:
    """``(accepted, new_id)`` of XADD ``form`` with ``last_id`` ``last``, the argument's
    ``(ms, seq)`` and the clock ``now``. Planted bugs: ``seq_star_wraps``, a ``ms-*`` without
    the maximum-sequence check; ``auto_wraps``, a ``*`` that increments the sequence without
    carrying into the milliseconds."""
    one, zero = z3.BitVecVal(1, _W), z3.BitVecVal(0, _W)
    top = z3.BitVecVal(MAXV, _W)
    lms, lseq = last
    exhausted = z3.And(lms == top, lseq == top)
    if form == "auto":
        passed = z3.UGT(now, lms)
        seq_full = z3.BoolVal(False) if auto_wraps else lseq == top
        new = (z3.If(passed, now, z3.If(seq_full, lms + one, lms)),
               z3.If(passed, zero, z3.If(seq_full, zero, lseq + one)))
        ok = z3.Not(z3.And(z3.Not(passed), seq_full, lms == top))
    elif form == "seq-star":
        same = lms == arg[0]
        new = (arg[0], z3.If(same, lseq + one, zero))
        ok = z3.BoolVal(True) if seq_star_wraps else z3.Not(z3.And(same, lseq == top))
    else:
        new = arg
        ok = z3.BoolVal(True)
    accepted = z3.And(z3.Not(exhausted), ok, greater(new, last))
    return accepted, new


def _vars() -> tuple[tuple[Any, Any], tuple[Any, Any], Any]:
    last = (z3.BitVec("last_ms", _W), z3.BitVec("last_seq", _W))
    arg = (z3.BitVec("arg_ms", _W), z3.BitVec("arg_seq", _W))
    return last, arg, z3.BitVec("now", _W)


def _form_guard(form: str, last: tuple[Any, Any], arg: tuple[Any, Any], now: Any,
                seq_star_wraps: bool = False, auto_wraps: bool = False) -> Any:
    """The form's own refusals (before the final comparison)."""
    top = z3.BitVecVal(MAXV, _W)
    if form == "auto":
        return z3.Not(z3.And(z3.ULE(now, last[0]), last[1] == top, last[0] == top))
    if form == "seq-star":
        return z3.BoolVal(True) if seq_star_wraps else z3.Not(
            z3.And(last[0] == arg[0], last[1] == top))
    return z3.BoolVal(True)


def _generator_alone(form: str, **planted: bool) -> Validity:
    """Without the final ``> last_id`` check: the auto and ``ms-*`` generators by themselves
    always produce a greater ID when they accept (the explicit form relies on the check)."""
    def build() -> tuple[Any, Any]:
        last, arg, now = _vars()
        _, new = generate(form, last, arg, now, **planted)
        guard = z3.And(z3.Not(z3.And(last[0] == MAXV, last[1] == MAXV)),
                       _form_guard(form, last, arg, now, **planted))
        if form == "seq-star":  # ms-* with ms below the last one is refused by the check
            guard = z3.And(guard, z3.UGE(arg[0], last[0]))
        return guard, greater(new, last)

    return Validity(f"streams: XADD {form} generates an ID > last_id", MECHANISM, build,
                    doc=__doc__ or "")


def obligations(**planted: bool) -> list[Validity]:
    """The generators' obligations (``planted`` passes a planted bug to them)."""
    return [_generator_alone("auto", **planted), _generator_alone("seq-star", **planted)]
