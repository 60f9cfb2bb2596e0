"""One review: the rubric's verdicts, the state-machine counterexample, and how they are shown
(rich in a terminal, JSON for tools)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from . import d2
from .machines import MACHINES, Counterexample, compare, learner_machine
from .rubric import Rubric, Verdict, check, next_revision

__all__ = ["Review", "review", "render", "TUTORIALS"]

#: docs/tutorials: one folder per mechanism, each with its rubric.yaml.
TUTORIALS = Path(__file__).resolve().parent.parent / "docs" / "tutorials"


@dataclass
class Review:
    model: Path
    rubric: Rubric
    syntax: str | None  # d2's message when it refuses the file
    verdicts: list[Verdict]
    counterexample: Counterexample | None = None
    unread: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.syntax is None and self.counterexample is None
                and all(v.status == "holds" for v in self.verdicts))

    def by_status(self, status: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == status]

    def next_step(self) -> str:
        if self.syntax is not None:
            return "make the file valid D2 first (d2 says: " + self.syntax.splitlines()[0] + ")"
        v = next_revision(self.verdicts)
        if v is not None:
            return f"[{v.item.id}] {v.item.revision} (read {v.item.redis})"
        if self.counterexample is not None:
            ce = self.counterexample
            return (f"after {' ; '.join(e.name for e in ce.events)} your machine answers "
                    f"{ce.learner_reply}, the spec {ce.spec_reply}: fix that transition")
        return ""

    def as_json(self) -> dict[str, Any]:
        return {"model": str(self.model), "mechanism": self.rubric.mechanism,
                "ok": self.ok, "syntax": self.syntax,
                "holds": [v.as_json() for v in self.by_status("holds")],
                "missing": [v.as_json() for v in self.by_status("missing")],
                "breaks": [v.as_json() for v in self.by_status("breaks")],
                "counterexample": (self.counterexample.as_json()
                                   if self.counterexample is not None else None),
                "unread_labels": self.unread,
                "next_revision": self.next_step()}


def review(model_path: Path, rubric: Rubric, validate: bool = True) -> Review:
    """Check one D2 file against ``rubric`` (and its state machine, if it names one)."""
    syntax = d2.validate(model_path) if validate else None
    model = d2.parse_file(model_path)
    verdicts = check(rubric, model)
    ce = None
    unread: list[str] = []
    if rubric.machine:
        m = MACHINES[rubric.machine]
        unread = learner_machine(m, model).unread
        ce = compare(m, model)
    return Review(model_path, rubric, syntax, verdicts, ce, unread)


def _rows(t: Table, verdicts: list[Verdict], status: str) -> None:
    for v in verdicts:
        it = v.item
        text = it.holds if status == "holds" else f"{it.fail}\n[dim]{v.detail}[/dim]"
        if v.where and status == "breaks":
            text += "\n[dim]" + "\n".join(v.where) + "[/dim]"
        t.add_row(it.id, it.kind, text, f"{it.spec}\n{it.redis}")


def render(r: Review, console: Console) -> None:
    """The review as a terminal report: holds up / missing / breaks / next revision."""
    console.print(f"[bold]review[/bold] {r.model} against the [bold]{r.rubric.mechanism}"
                  f"[/bold] rubric ({r.rubric.artifact})")
    if r.syntax is not None:
        console.print(f"[red]d2 refuses the file:[/red] {r.syntax}")
    for status, colour, title in (("holds", "green", "holds up"), ("missing", "yellow",
                                  "missing"), ("breaks", "red", "breaks")):
        vs = r.by_status(status)
        if not vs:
            continue
        t = Table(title=f"[{colour}]{title}[/{colour}] ({len(vs)})", show_lines=True,
                  title_justify="left")
        for col in ("item", "kind", "feedback", "spec / Redis source"):
            t.add_column(col)
        _rows(t, vs, status)
        console.print(t)
    if r.counterexample is not None:
        ce = r.counterexample
        console.print("[red]state machine disagrees with the spec[/red] after this script "
                      "(`(2)` is a second redis-cli):")
        console.print(ce.script(), markup=False)
        console.print(f"your machine (states {' -> '.join(ce.learner_states)}) answers "
                      f"[bold]{ce.learner_reply}[/bold]; the spec answers "
                      f"[bold]{ce.spec_reply}[/bold]")
    elif r.rubric.machine:
        console.print("[green]state machine agrees with the spec[/green] on every event "
                      f"sequence up to {MACHINES[r.rubric.machine].depth} events")
    for u in r.unread:
        console.print(f"[dim]label read as no event/reply of the alphabet: {u}[/dim]")
    nxt = r.next_step()
    console.print(f"[bold]next revision:[/bold] {nxt}" if nxt else
                  "[bold green]everything holds up[/bold green]")
