"""``redspec review MODEL.d2 --mechanism NAME``: feedback on a learner's D2 model."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mechanism", "-m", required=True,
              help="The tutorial's mechanism (a folder of docs/tutorials), e.g. expire.")
@click.option("--rubric", "rubric_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None,
              help="A rubric file to use instead of the mechanism's own.")
@click.option("--json", "as_json", is_flag=True, help="Print the review as JSON.")
def review(model: Path, mechanism: str, rubric_file: Path | None, as_json: bool) -> None:
    """Check a D2 model against a mechanism's rubric and, for state machines, the spec.

    \b
    Prints what holds up, what is missing, what breaks an invariant and the next revision;
    exits 0 when everything holds up, 1 otherwise.
    \b
    Example:
      redspec review docs/tutorials/expire/starter.d2 --mechanism expire
    """
    from rich.console import Console

    from redspec.review.report import TUTORIALS, render
    from redspec.review.report import review as run_review
    from redspec.review.rubric import load, rubric_paths

    if rubric_file is None:
        known = rubric_paths(TUTORIALS)
        if mechanism not in known:
            raise click.UsageError(f"no rubric for mechanism {mechanism!r}; "
                                   f"known: {', '.join(sorted(known))}")
        rubric_file = known[mechanism]
    r = run_review(model, load(rubric_file))
    if as_json:
        click.echo(json.dumps(r.as_json(), indent=2))
    else:
        render(r, Console())
    raise SystemExit(0 if r.ok else 1)
