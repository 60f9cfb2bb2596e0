"""``redspec vectors``: export conformance vectors, replay them on a server
(format: ``docs/formats/vectors.md``)."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _default_cases() -> Path:
    """``tests/differential`` of the source tree (the current directory's, else the package's)."""
    here = Path.cwd() / "tests" / "differential"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "tests" / "differential"


@click.group()
def vectors() -> None:
    """Conformance vectors: the spec's own replies to the differential cases."""


@vectors.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--cases", "cases_dir", type=click.Path(exists=True, file_okay=False),
              default=None, help="Where the cases_*.py modules are (default: tests/differential).")
def export_cmd(directory: str, cases_dir: str | None) -> None:
    """Run every differential case through the in-process spec (RESP2 and RESP3) and write
    the steps and the expected frames to DIRECTORY, one JSON file per group."""
    from redspec.reference.diff.vectors import export, load_cases

    src = Path(cases_dir) if cases_dir else _default_cases()
    cases, errors = load_cases(src)
    for mod, tb in errors:
        click.echo(f"warning: {mod} did not load:\n{tb}", err=True)
    counts = export(cases, Path(directory))
    for g, n in sorted(counts.items()):
        click.echo(f"{g:<12} {n:>5} case(s)")
    click.echo(f"wrote {sum(counts.values())} case(s) to {directory}", err=True)
    if errors:
        raise SystemExit(1)


@vectors.command("run")
@click.option("--target", required=True, metavar="HOST:PORT", help="The server to check.")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--skip", "skip_file", type=click.Path(exists=True, dir_okay=False),
              help="Skiplist: 'group/case[@resp2|@resp3|@raw] => reason' lines, or JSON.")
@click.option("--groups", default=None, help="Comma-separated groups to run (default: all).")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="Write results.")
@click.option("--timeout", default=1.0, show_default=True,
              help="Seconds of silence after which a reply counts as missing.")
@click.option("--cases", "cases_dir", type=click.Path(file_okay=False), default=None,
              help="Load the cases_*.py modules here for the compare modes they register "
                   "(default: tests/differential when present).")
@click.option("-v", "--verbose", is_flag=True, help="List every failure.")
def run_cmd(target: str, directory: str, skip_file: str | None, groups: str | None,
            json_file: str | None, timeout: float, cases_dir: str | None,
            verbose: bool) -> None:
    """Replay the vectors in DIRECTORY on TARGET (FLUSHALL before each case); report
    pass/fail per group. Exit status 1 when any case failed.

    A case whose compare mode is a case module's own normaliser, not loaded here, is
    reported as skipped."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from redspec.reference.diff.replay import DiffError, ServerTarget, parse_hostport
    from redspec.reference.diff.vectors import count_files, load_cases, read_skiplist, run

    src = Path(cases_dir) if cases_dir else _default_cases()
    if src.is_dir():
        load_cases(src)  # registers the modules' own compare modes
    console = Console()
    sut = ServerTarget(*parse_hostport(target), name=target, silent=timeout)
    skip = read_skiplist(Path(skip_file)) if skip_file else {}
    gl = [g.strip() for g in groups.split(",")] if groups else None
    try:
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("vectors", total=count_files(Path(directory)))
            results = run(sut, Path(directory), skip, gl, lambda: progress.advance(task))
    except DiffError as e:
        raise click.ClickException(str(e)) from e
    by_group: dict[str, dict[str, int]] = {}
    for r in results:
        by_group.setdefault(r.group, {"pass": 0, "fail": 0, "skip": 0, "error": 0})[r.status] += 1
    t = Table(title=f"redspec vectors run: {target}")
    for col in ("group", "pass", "fail", "skip", "error"):
        t.add_column(col, justify="left" if col == "group" else "right")
    for g, c in sorted(by_group.items()):
        style = "red" if c["fail"] or c["error"] else "green"
        t.add_row(g, str(c["pass"]), f"[{style}]{c['fail']}[/]", str(c["skip"]),
                  f"[{style}]{c['error']}[/]")
    console.print(t)
    bad = [r for r in results if r.status in ("fail", "error")]
    for r in bad if verbose else bad[:20]:
        console.print(f"[red]{r.status}[/] {r.id}: {r.detail}", markup=True, highlight=False)
    if len(bad) > 20 and not verbose:
        console.print(f"... and {len(bad) - 20} more (-v lists all)")
    if json_file:
        Path(json_file).write_text(json.dumps({
            "format": "redspec-vectors-results", "version": 1, "target": target,
            "groups": by_group,
            "results": [{"id": r.id, "group": r.group, "case": r.case, "variant": r.variant,
                         "status": r.status, "detail": r.detail} for r in results],
        }, indent=1))
    raise SystemExit(1 if bad else 0)
