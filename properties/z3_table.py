"""Command-table consistency, checked with Z3: key specs agree with the legacy key range and
the arity of every served command.

For each served command (and subcommand) we state, as Z3 constraints over the command's
numbers, what Redis's ``populateCommandLegacyRangeSpec`` / ``getKeysUsingKeySpecs`` rely on,
and ask Z3 for a counterexample (``argc`` values for which the statement is false). ``unsat``
means the table entry is consistent. The statements, with ``argc`` ranging over every
argument count the arity admits:

1. *first key in bounds*: an ``index`` begin_search position is ≥ 1, and when the arity is
   fixed (> 0) it is < arity (a command with N arguments cannot name a key at position N).
2. *keystep positive*: every ``range``/``keynum`` find_keys step is ≥ 1.
3. *legacy range agrees*: when (first, last, step) is not (0, 0, 0), the first key spec is
   an ``index`` spec starting at ``first``, with step ``step``; a negative ``last`` means
   "until argc+last", a non-negative one a fixed key, and for every admissible ``argc`` the
   keys the spec yields lie inside ``[first, argc-1]``.
4. *no keys without specs*: legacy first = 0 iff there is no ``index`` begin_search spec
   that the legacy range came from (movable-key commands report 0 0 0).

A vacuity check makes sure the premises are satisfiable for each command (some ``argc``
admitted by the arity exists), so a pass is not a pass over nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from .z3kit import Proof

MECHANISM = "dispatch"

__all__ = ["Finding", "check_command", "check_table", "obligations"]


@dataclass(frozen=True)
class Finding:
    command: str
    rule: str
    detail: str


def _arity_ok(argc: z3.ArithRef, arity: int) -> z3.BoolRef:
    return argc == arity if arity > 0 else argc >= -arity


def check_command(cmd: Any) -> list[Finding]:
    """The rules above for one CommandSpec; an empty list when consistent."""
    out: list[Finding] = []
    argc = z3.Int("argc")
    admitted = z3.And(_arity_ok(argc, cmd.arity), argc <= 1_000_000)
    # Vacuity: the arity admits some argc.
    s = z3.Solver()
    s.add(admitted)
    if s.check() != z3.sat:
        out.append(Finding(cmd.name, "vacuous", f"arity {cmd.arity} admits no argc"))
        return out
    for n, ks in enumerate(cmd.key_specs):
        bs, fk = ks["begin_search"], ks["find_keys"]
        if bs["type"] == "index":
            pos = bs["spec"]["index"]
            s = z3.Solver()
            s.add(admitted)
            bad = z3.Or(pos < 1, z3.And(cmd.arity > 0, pos >= cmd.arity))
            s.add(bad)
            if s.check() == z3.sat:
                out.append(Finding(cmd.name, "first-key-in-bounds",
                                   f"spec {n}: index {pos} vs arity {cmd.arity}"))
        if fk["type"] in ("range", "keynum"):
            step = fk["spec"]["keystep"]
            s = z3.Solver()
            s.add(z3.IntVal(step) < 1)
            if s.check() == z3.sat:
                out.append(Finding(cmd.name, "keystep-positive", f"spec {n}: keystep {step}"))
    first, last, step = cmd.first_key, cmd.last_key, cmd.key_step
    if (first, last, step) != (0, 0, 0):
        if not cmd.key_specs or cmd.key_specs[0]["begin_search"]["type"] != "index":
            out.append(Finding(cmd.name, "legacy-range-agrees",
                               "legacy range without a leading index spec"))
            return out
        ks0 = cmd.key_specs[0]
        fk = ks0["find_keys"]
        if ks0["begin_search"]["spec"]["index"] != first:
            out.append(Finding(cmd.name, "legacy-range-agrees",
                               f"first {first} != spec index {ks0['begin_search']['spec']}"))
        if fk["type"] == "range" and fk["spec"]["keystep"] != step:
            out.append(Finding(cmd.name, "legacy-range-agrees",
                               f"step {step} != keystep {fk['spec']['keystep']}"))
        # Every key position the legacy range yields is an argument: first <= k <= argc-1.
        k = z3.Int("k")
        last_pos = argc + last if last < 0 else z3.IntVal(last)
        s = z3.Solver()
        s.add(admitted, argc > first)
        s.add(k >= first, k <= last_pos, (k - first) % max(step, 1) == 0)
        s.add(z3.Or(k < 1, k > argc - 1))
        if s.check() == z3.sat:
            m = s.model()
            out.append(Finding(cmd.name, "legacy-range-agrees",
                               f"key at {m[k]} outside argv for argc={m[argc]}"))
        if step < 1:
            out.append(Finding(cmd.name, "keystep-positive", f"legacy step {step}"))
    elif cmd.key_specs and "movablekeys" not in cmd.flags and any(
        ks["begin_search"]["type"] == "index" and "not_key" not in ks["flags"]
        and ks["find_keys"]["type"] == "range" for ks in cmd.key_specs[:1]
    ):
        out.append(Finding(cmd.name, "no-keys-without-specs",
                           "first key spec is a plain index range but legacy range is 0 0 0"))
    return out


def check_table(table: dict[bytes, Any]) -> list[Finding]:
    """Every served command and subcommand."""
    found: list[Finding] = []
    for cmd in table.values():
        found.extend(check_command(cmd))
        for sub in cmd.subcommands.values():
            found.extend(check_command(sub))
    return found


@dataclass(frozen=True)
class TableConsistency:
    """The rules above over a whole command table, as one ``redspec check`` obligation."""

    name: str = "dispatch: command table key specs agree with arity and legacy range"
    mechanism: str = MECHANISM
    table: Any = None  # None: the served table (spec.dispatch.TABLE)

    def prove(self) -> Proof:
        import time

        from redspec.spec import dispatch

        t0 = time.perf_counter()
        table = dispatch.TABLE if self.table is None else self.table
        found = check_table(table)
        p = Proof(self.name, self.mechanism)
        rules = ("vacuous", "first-key-in-bounds", "keystep-positive", "legacy-range-agrees",
                 "no-keys-without-specs")
        for r in rules:
            bad = [f for f in found if f.rule == r]
            p.checks[r] = "proved" if not bad else "; ".join(
                f"{f.command}: {f.detail}" for f in bad[:5])
        if found:
            p.counterexample = {"command": found[0].command, "detail": found[0].detail}
        p.seconds = time.perf_counter() - t0
        return p


def obligations() -> list[TableConsistency]:
    """The command-table obligation for ``redspec check``."""
    return [TableConsistency()]
