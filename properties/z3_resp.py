"""The multibulk length arithmetic of ``spec.resp``, proved with Z3 over unbounded integers.

One bulk argument (``processMultibulkBuffer``'s inner step): its header ``$<len>\\r\\n`` starts
at ``p``, its ``\\r`` is at ``nl``, its data starts at ``ds = nl + 2`` and is followed by two
unchecked bytes; the buffer holds ``blen`` bytes. The statements, each proved by asking Z3 for
a counterexample (``unsat`` = none exists):

1. *consume*: when the argument is accepted (header complete, ``0 ≤ len ≤ proto-max-bulk-len``,
   query buffer limit not tripped, data and its two bytes present), the new position
   ``ds + len + 2`` is past ``p`` by at least 4 + len and never past ``blen``, and the argument
   ``[ds, ds + len)`` lies inside the buffer.
2. *wait is sound*: when :func:`spec.resp.progress_point` returns ``need`` for an argument still
   arriving, every buffer length from ``blen`` up to ``need - 1`` still gives "need more" (so
   the server may park those reads unparsed), and
3. *wait is tight*: at ``need`` bytes the answer changes (the argument completes or the query
   buffer limit trips), so no reply is held back.

Each premise set is also checked satisfiable (a vacuity check), so no pass is a pass over
nothing. The arithmetic is given by :class:`Arith` so that tests can plant an off-by-one.
"""

from __future__ import annotations

from dataclasses import dataclass

import z3

__all__ = ["Arith", "CORRECT", "check", "WINDOW"]

WINDOW = 64 * 1024 + 1  # a line is looked for among this many bytes


@dataclass(frozen=True)
class Arith:
    """The offsets ``spec.resp`` uses: bytes after the data, and how far past the data start
    the query buffer limit trips (``blen - ds > qlimit``, i.e. at ``ds + qlimit + 1``)."""

    trailer: int = 2
    trip_extra: int = 1
    #: progress_point takes the query buffer limit into account
    need_sees_limit: bool = True


CORRECT = Arith()


def _ints(names: str) -> list[z3.ArithRef]:
    return [z3.Int(n) for n in names.split()]


def check(a: Arith = CORRECT) -> dict[str, str]:
    """Prove the three statements; returns ``{name: problem}`` for each that fails (empty when
    all hold). A problem is a counterexample, or "vacuous" if the premises are unsatisfiable."""
    blen, p, nl, ln, qlimit, maxlen, blen2 = _ints("blen p nl ln qlimit maxlen blen2")
    ds = nl + 2
    end = ds + ln + a.trailer
    header = z3.And(
        0 <= p, p < blen,
        p + 2 <= nl,            # '$' and at least one digit before the \r
        nl < p + WINDOW,        # found within the window
        nl + 2 <= blen,         # the byte after \r has arrived
        0 <= ln, ln <= maxlen,  # a valid bulk length
        qlimit >= 1, maxlen >= 1,
    )

    def tripped(n: z3.ArithRef) -> z3.BoolRef:
        return z3.And(ln + 2 > qlimit, n - ds > qlimit)

    trip_at = ds + qlimit + a.trip_extra
    need = z3.If(ln + 2 > qlimit, z3.If(end < trip_at, end, trip_at), end)
    if not a.need_sees_limit:
        need = end

    problems: dict[str, str] = {}

    def prove(name: str, premises: z3.BoolRef, claim: z3.BoolRef) -> None:
        s = z3.Solver()
        s.add(premises)
        if s.check() != z3.sat:
            problems[name] = "vacuous: premises unsatisfiable"
            return
        s.add(z3.Not(claim))
        if s.check() == z3.sat:
            problems[name] = f"counterexample: {s.model()}"

    # 1. consume
    accepted = z3.And(header, z3.Not(tripped(blen)), end <= blen)
    prove("consume", accepted,
          z3.And(end >= p + 4 + ln, end <= blen, 0 <= ds, ds + ln <= blen))

    # 2./3. an argument still arriving
    waiting = z3.And(header, z3.Not(tripped(blen)), end > blen)
    still = z3.And(end > blen2, z3.Not(tripped(blen2)))
    prove("wait is sound", z3.And(waiting, blen <= blen2, blen2 < need), still)
    prove("wait is tight", z3.And(waiting, blen2 == need), z3.Not(still))
    prove("need is ahead", waiting, need > blen)
    return problems


if __name__ == "__main__":  # pragma: no cover
    print(check() or "all proved")
