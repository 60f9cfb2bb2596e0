"""``redspec diff``: diff any RESP server against the reference (see ``redspec.reference.diff``)."""

from __future__ import annotations

from pathlib import Path

import click

from redspec.reference.diff.generate import GROUPS


def _served_by_reference() -> list[str]:
    from redspec.spec.commands import load_all

    return list(load_all())


@click.command()
@click.option("--target", required=True, metavar="HOST:PORT", help="The server under test.")
@click.option("--against", default="reference", show_default=True, metavar="reference|HOST:PORT",
              help="The oracle: the in-process spec, or a second server.")
@click.option("--groups", default=",".join(GROUPS), show_default=True,
              help=f"Comma-separated command groups ({', '.join(GROUPS)}).")
@click.option("--resp", type=click.Choice(["2", "3", "both"]), default="both", show_default=True,
              help="Protocol version of the generated examples.")
@click.option("--clients", default=3, show_default=True, help="Clients per example.")
@click.option("--examples", default=100, show_default=True, help="Examples per group.")
@click.option("--max-steps", default=12, show_default=True, help="Steps per example (at most).")
@click.option("--seed", default=0, show_default=True, help="Seed of the search.")
@click.option("--errors", type=click.Choice(["exact", "class", "any"]), default="exact",
              show_default=True,
              help="Compare error replies exactly, by code (ERR, WRONGTYPE), or only as errors.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), help="Write JUnit XML.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Write an HTML report.")
@click.option("--force", is_flag=True, help="Run even if the target holds keys (they are lost).")
@click.option("--strict-identity", is_flag=True,
              help="Compare the HELLO handshake's server name, version and modules byte for "
                   "byte too (by default they are masked: identity is not behaviour).")
@click.option("--expect", "expect_file", type=click.Path(exists=True, dir_okay=False),
              help="A profile of explained differences (TOML, see docs/peers.md): divergences "
                   "it explains are reported as expected and do not fail the run.")
@click.option("--timeout", default=1.0, show_default=True,
              help="Seconds of silence after which a reply counts as missing.")
def diff(target: str, against: str, groups: str, resp: str, clients: int, examples: int,
         max_steps: int, seed: int, errors: str, json_file: str | None, junit_file: str | None,
         html_file: str | None, force: bool, strict_identity: bool, expect_file: str | None,
         timeout: float) -> None:
    """Generate command sequences, run them on TARGET and on the reference, compare raw frames.

    Sequences come from Hypothesis (small key/value pools, several clients, pipelines split at
    random points); replies are compared byte for byte except where the command table's tips
    say the output is nondeterministic (compared by shape) or unordered (compared sorted).
    Every divergence is shrunk to a minimal sequence and shown as a redis-cli script with both
    replies side by side; a reported sequence is 1-minimal (no single step or client can be
    removed without losing the divergence). The target is FLUSHALLed before every example and
    once more at the end, so it is left as empty as it was found.

    Exit status: 0 when nothing diverged (or only what the --expect profile explains), 1 when
    something new did, 2 on a usage problem.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from redspec.reference.diff import report
    from redspec.reference.diff.expect import load_profile
    from redspec.reference.diff.replay import (
        DiffError,
        ServerTarget,
        SpecTarget,
        Target,
        parse_hostport,
    )
    from redspec.reference.diff.runner import DiffConfig, new_divergences, run_diff

    console = Console(stderr=True)
    group_list = [g.strip() for g in groups.split(",") if g.strip()]
    unknown = [g for g in group_list if g not in GROUPS]
    if unknown:
        raise click.UsageError(f"unknown group(s) {', '.join(unknown)}; known: {', '.join(GROUPS)}")
    try:
        profile = load_profile(Path(expect_file)) if expect_file else None
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    try:
        sut = ServerTarget(*parse_hostport(target), name=target, silent=timeout)
        ref: Target
        if against == "reference":
            ref = SpecTarget()
            served = _served_by_reference()
        else:
            other = ServerTarget(*parse_hostport(against), name=against, silent=timeout)
            served = other.served(list(report_commands()))
            ref = other
        keys = sut.total_keys()
        if keys and not force:
            raise click.ClickException(
                f"{target} holds {keys} key(s); redspec diff FLUSHALLs it before every example"
                " and after the run."
                " Use --force to run anyway.")
        if isinstance(ref, ServerTarget) and not force:
            k2 = ref.total_keys()
            if k2:
                raise click.ClickException(f"{against} holds {k2} key(s); use --force.")
        cfg = DiffConfig(groups=group_list, examples=examples, seed=seed,
                         protos=(2, 3) if resp == "both" else (int(resp),), clients=clients,
                         max_steps=max_steps, errors=errors, strict_identity=strict_identity,
                         profile=profile)
        with Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[found]}"), TimeElapsedColumn(),
                      console=console, transient=False) as progress:

            def on_group(name: str, budget: int):  # type: ignore[no-untyped-def]
                task = progress.add_task(name, total=budget, found="")

                def tick(n: int) -> None:
                    progress.advance(task, n)

                return tick

            results = run_diff(sut, ref, cfg, served, on_group)
    except DiffError as e:
        raise click.ClickException(str(e)) from e
    except OSError as e:
        raise click.ClickException(f"cannot reach the target: {e}") from e
    meta = {"target": target, "against": against, "seed": seed, "examples": examples,
            "resp": resp, "clients": clients, "errors": errors, "groups_run": group_list,
            "profile": expect_file}
    report.render_tables(results, Console())
    if json_file:
        Path(json_file).write_text(report.dump_json(report.to_json(results, meta)))
    if junit_file:
        Path(junit_file).write_text(report.to_junit(results, meta))
    if html_file:
        Path(html_file).write_text(report.to_html(results, meta))
    total = sum(len(g.divergences) for g in results)
    new = new_divergences(results)
    expected = f" ({total - new} expected by the profile)" if profile is not None else ""
    click.echo(f"{total} divergence(s){expected} in {sum(g.examples for g in results)} "
               f"example(s); {target} flushed (FLUSHALL) after the run", err=True)
    raise SystemExit(1 if new else 0)


def report_commands() -> list[str]:
    """Every command the generator knows (checked against a second server's COMMAND INFO)."""
    from redspec.reference.diff.generate import COMMANDS

    return list(COMMANDS)
