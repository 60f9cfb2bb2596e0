"""``redspec check``: every mechanism's invariant suites in one command.

Discovers (``redspec.properties.registry``) the Hypothesis state machines, ``@given``
properties, Z3 obligations and explorer models of each mechanism, runs them within an example
and time budget, shows progress, and ends with one row per mechanism. Exit status 0 only when
everything that ran held and nothing was cut by the time budget; a failure prints its shrunk
counterexample as a replayable script. A suite that skips itself (an optional accelerator such
as hiredis or the C SipHash is not installed) is reported as skipped, with its reason, and does
not fail the check.
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import click

from .build import spec_build

KIND_ORDER = {"z3": 0, "explorer": 1, "given": 2, "machine": 3}


def _summaries(outcomes: list[Any]) -> dict[str, dict[str, Any]]:
    by: dict[str, list[Any]] = defaultdict(list)
    for o in outcomes:
        by[o.item.mechanism].append(o)
    mechs: dict[str, dict[str, Any]] = {}
    for name in sorted(by):
        os_ = by[name]
        ran = [o for o in os_ if not o.skipped]
        failed = [o for o in ran if not o.held]
        verdict = ("FAILED" if failed else
                   "incomplete" if any(o.incomplete for o in os_) else "held")
        mechs[name] = {
            "verdict": verdict,
            "properties": len(os_),
            "skipped": sum(bool(o.skipped) for o in os_),
            "examples": sum(o.examples for o in os_),
            "states": sum(o.states for o in os_),
            "proofs": sum(o.proofs for o in os_),
            "seconds": round(sum(o.seconds for o in os_), 3),
            "items": [
                {"name": o.item.name, "kind": o.item.kind,
                 "verdict": "skipped" if o.skipped else ("held" if o.held else "FAILED"),
                 "examples": o.examples, "states": o.states, "proofs": o.proofs,
                 "seconds": round(o.seconds, 3), "error": o.error, "replay": o.replay,
                 "skipped": o.skipped, "incomplete": o.incomplete,
                 **({"detail": o.detail} if o.detail else {})}
                for o in os_
            ],
        }
    return mechs


def _junit(mechs: dict[str, dict[str, Any]], path: str) -> None:
    root = ET.Element("testsuites", name="redspec check")
    for name, m in mechs.items():
        items = m["items"]
        suite = ET.SubElement(
            root, "testsuite", name=name, tests=str(len(items)),
            failures=str(sum(i["verdict"] == "FAILED" for i in items)),
            skipped=str(sum(i["verdict"] == "skipped" for i in items)),
            time=f"{m['seconds']:.3f}")
        for i in items:
            case = ET.SubElement(suite, "testcase", classname=f"redspec.{name}.{i['kind']}",
                                 name=i["name"], time=f"{i['seconds']:.3f}")
            if i["verdict"] == "FAILED":
                f = ET.SubElement(case, "failure", message=i["error"][:500])
                f.text = i["replay"]
            elif i["verdict"] == "skipped":
                ET.SubElement(case, "skipped", message=i["skipped"])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _strength(console: Any, mechanisms: list[str], json_file: str | None) -> None:
    """``--strength``: the table of ``redspec.cli.strength`` (Z3 obligations proved here)."""
    from redspec.cli.strength import notes, render, strength

    table = strength(prove=True, wanted=[str(m) for m in mechanisms])
    if json_file:
        with open(json_file, "w") as f:
            json.dump({"strength": table}, f, indent=2)
    console.width = max(console.width, 150)  # ten numeric columns: keep the headers whole
    console.print(render(table))
    for line in notes(table):
        console.print(line, highlight=False, markup=False)


@click.command()
@click.option("--mechanism", "-m", "mechanisms", multiple=True, metavar="NAME",
              help="Only this mechanism (name, number from docs/status.md, or suite file "
                   "stem); repeatable. Default: all.")
@click.option("--examples", default=100, show_default=True,
              help="Hypothesis examples per property / state machine.")
@click.option("--seconds", default=240.0, show_default=True,
              help="Time budget; no new batch of examples starts after it.")
@click.option("--seed", type=int, default=None,
              help="Random seed. Default: derandomized (the same examples every run).")
@click.option("--steps", type=int, default=None,
              help="Steps per state-machine run (default: each machine's own setting).")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None,
              help="Write the results as JSON.")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), default=None,
              help="Write the results as JUnit XML.")
@click.option("--list", "list_only", is_flag=True, help="List what would run, and exit.")
@click.option("--strength", "strength_only", is_flag=True,
              help="Only the strength table (properties, planted bugs, mutants killed, Z3 "
                   "obligations per mechanism), and exit; with --json, write it there.")
def check(mechanisms: tuple[str, ...], examples: int, seconds: float, seed: int | None,
          steps: int | None, json_file: str | None, junit_file: str | None,
          list_only: bool, strength_only: bool) -> None:
    """Run the invariant suites: state machines, properties, Z3 proofs, explorer models.

    \b
    Examples:
      redspec check                          everything, default budget (< 5 min)
      redspec check -m keyspace --examples 20 --json out.json
      redspec check -m resp -m 5 --seed 7    two mechanisms, a different random seed
      redspec check --strength               how much each mechanism's checks would notice
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from redspec.cli.strength import strength
    from redspec.properties.registry import Budget, discover, run_item

    console = Console(stderr=True)
    if strength_only:
        _strength(console, list(mechanisms), json_file)
        return
    errors: list[tuple[str, str]] = []
    items = discover(mechanisms or None, errors)
    items.sort(key=lambda i: (i.mechanism, KIND_ORDER.get(i.kind, 9), i.name))
    for stem, err in errors:
        console.print(f"[red]could not import properties/{stem}.py: {err}[/red]")
    if list_only:
        for i in items:
            click.echo(f"{i.mechanism:12} {i.kind:8} {i.name}")
        return
    if not items:
        raise click.ClickException(f"no suites found for {list(mechanisms)}")

    t_start = time.monotonic()
    budget = Budget(examples=examples, seed=seed, deadline=t_start + seconds, step_count=steps)
    outcomes = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total}"), TimeElapsedColumn(), console=console, transient=True) as prog:
        task = prog.add_task("checking", total=len(items))
        for it in items:
            prog.update(task, description=f"[bold]{it.mechanism}[/bold] {it.kind} {it.name}")
            o = run_item(it, budget)
            outcomes.append(o)
            mark = ("[yellow]skip[/yellow]" if o.skipped else
                    "[green]ok[/green]" if o.held else "[red]FAIL[/red]")
            why = f" [yellow]skipped: {escape(o.skipped)}[/yellow]" if o.skipped else ""
            prog.console.print(f"{mark:>22} {it.mechanism:10} {it.kind:8} {it.name} "
                               f"[dim]({o.seconds:.1f}s)[/dim]{why}", highlight=False)
            prog.advance(task)

    mechs = _summaries(outcomes)
    for o in outcomes:
        if not o.held and not o.skipped:
            console.rule(f"[red]FAILED[/red] {o.item.mechanism}: {o.item.name}")
            console.print(o.error, markup=False, highlight=False)
            if o.replay:
                console.print("\nReplay:", style="bold")
                click.echo(o.replay, err=True)

    table = Table(title="redspec check")
    for col in ("mechanism", "properties", "examples", "states", "proofs", "time", "verdict"):
        table.add_column(col, justify="left" if col in ("mechanism", "verdict") else "right")
    for name, m in mechs.items():
        colour = {"held": "green", "FAILED": "red"}.get(m["verdict"], "yellow")
        note = f" ({m['skipped']} skipped)" if m["skipped"] else ""
        table.add_row(name, str(m["properties"]), str(m["examples"]), str(m["states"]),
                      str(m["proofs"]), f"{m['seconds']:.1f}s",
                      f"[{colour}]{m['verdict']}[/{colour}]{note}")
    console.print(table)
    skipped = [o for o in outcomes if o.skipped]
    for o in skipped:
        console.print(f"[yellow]skipped[/yellow] {o.item.mechanism}: {escape(o.item.name)}: "
                      f"{escape(o.skipped)}", highlight=False)

    ok = not errors and all(m["verdict"] == "held" for m in mechs.values())
    total = time.monotonic() - t_start
    if json_file:
        with open(json_file, "w") as f:
            json.dump({"mechanisms": mechs, "verdict": "held" if ok else "FAILED",
                       "skipped": len(skipped), "seconds": round(total, 3),
                       "examples_per_property": examples, "seed": seed,
                       "import_errors": dict(errors), "spec_build": spec_build(),
                       "strength": strength(prove=False, wanted=list(mechanisms))}, f,
                      indent=2)
    if junit_file:
        _junit(mechs, junit_file)
    note = f" ({len(skipped)} skipped)" if skipped else ""
    console.print(f"{'[green]all held[/green]' if ok else '[red]NOT all held[/red]'}{note} "
                  f"in {total:.1f}s; spec build: {spec_build()}", highlight=False)
    raise SystemExit(0 if ok else 1)
