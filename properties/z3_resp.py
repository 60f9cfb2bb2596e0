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

from .z3kit import Inductive, Validity

MECHANISM = "resp"

__all__ = ["Arith", "CORRECT", "check", "obligations", "WINDOW"]

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


def _statements(a: Arith) -> list[tuple[str, z3.BoolRef, z3.BoolRef]]:
    """The four statements as ``(name, premises, claim)``."""
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

    # 1. consume
    accepted = z3.And(header, z3.Not(tripped(blen)), end <= blen)
    # 2./3. an argument still arriving
    waiting = z3.And(header, z3.Not(tripped(blen)), end > blen)
    still = z3.And(end > blen2, z3.Not(tripped(blen2)))
    return [
        ("consume", accepted, z3.And(end >= p + 4 + ln, end <= blen, 0 <= ds, ds + ln <= blen)),
        ("wait is sound", z3.And(waiting, blen <= blen2, blen2 < need), still),
        ("wait is tight", z3.And(waiting, blen2 == need), z3.Not(still)),
        ("need is ahead", waiting, need > blen),
    ]


def _reader_vars(sfx: str) -> dict[str, z3.ArithRef]:
    return {n: z3.Int(n + sfx) for n in ("pos", "blen", "left")}


def reader_obligation(a: Arith = CORRECT) -> Inductive:
    """The multibulk reader as a transition system: ``pos`` (parsed up to), ``blen`` (bytes
    received), ``left`` (``multibulklen``: arguments still to read). Next either receives bytes
    or consumes one whole argument (header ``$<len>\\r\\n`` of ≥ 4 bytes, data, trailer) when
    it has fully arrived. Inv: ``0 ≤ pos ≤ blen`` and ``left ≥ 0`` (the decoder never reads past
    what arrived and never consumes more arguments than announced)."""

    def init(v: dict[str, z3.ArithRef]) -> z3.BoolRef:
        return z3.And(v["pos"] == 0, v["blen"] >= 0, v["left"] >= 0)

    def nxt(v: dict[str, z3.ArithRef], w: dict[str, z3.ArithRef]) -> z3.BoolRef:
        hdr, ln = z3.Int("hdr"), z3.Int("ln")
        end = v["pos"] + hdr + ln + a.trailer
        receive = z3.And(w["blen"] >= v["blen"], w["pos"] == v["pos"], w["left"] == v["left"])
        consume = z3.And(v["left"] > 0, hdr >= 4, ln >= 0, end <= v["blen"],
                         w["pos"] == end, w["blen"] == v["blen"], w["left"] == v["left"] - 1)
        return z3.Or(receive, consume)

    def inv(v: dict[str, z3.ArithRef]) -> z3.BoolRef:
        return z3.And(0 <= v["pos"], v["pos"] <= v["blen"], v["left"] >= 0)

    return Inductive("resp: multibulk reader stays inside the buffer", MECHANISM,
                     _reader_vars, init, nxt, inv, doc=reader_obligation.__doc__ or "")


def obligations(a: Arith = CORRECT) -> list[Inductive | Validity]:
    """Every RESP proof obligation, for ``redspec check``."""
    out: list[Inductive | Validity] = [reader_obligation(a)]
    for i, (name, _, _) in enumerate(_statements(a)):
        out.append(Validity(f"resp: {name}", MECHANISM,
                            lambda i=i: _statements(a)[i][1:]))  # type: ignore[misc]
    return out


def check(a: Arith = CORRECT) -> dict[str, str]:
    """Prove the statements; returns ``{name: problem}`` for each that fails (empty when
    all hold). A problem is a counterexample, or "vacuous" if the premises are unsatisfiable."""
    problems: dict[str, str] = {}
    for name, premises, claim in _statements(a):
        proof = Validity(name, MECHANISM, lambda p=premises, c=claim: (p, c)).prove()
        for problem in proof.problems.values():
            problems[name] = problem
    return problems


if __name__ == "__main__":  # pragma: no cover
    print(check() or "all proved")
