"""``redspec advise``: which encoding an access pattern gets and what it costs (``spec.advise``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def _parse_overrides(items: tuple[str, ...]) -> dict[str, Any]:
    """``--config name=value`` pairs, checked and typed as CONFIG SET would."""
    from redspec.spec import config as C

    out: dict[str, Any] = {}
    current = C.default_config()
    for item in items:
        name, sep, raw = item.partition("=")
        found = C.lookup_param(name.strip())
        if not sep or found is None:
            raise click.UsageError(f"--config {item!r}: expected NAME=VALUE with a known NAME")
        pname, param = found
        v = C.set_value(param, raw.strip(), current)
        if isinstance(v, tuple):
            raise click.UsageError(f"--config {item!r}: {v[0]}")
        out[pname] = v
    return out


def to_json(analysis: Any, recs: list[Any]) -> dict[str, Any]:
    """The machine-readable report (``--json``)."""
    keys = []
    for ks in analysis.keys.values():
        keys.append({
            "key": ks.key.decode("utf-8", "backslashreplace"), "type": ks.type,
            "encoding": ks.encoding, "commands": ks.ops, "max_size": ks.max_n,
            "max_element_bytes": ks.max_elem, "memory_bytes": ks.memory,
            "modelled_steps": round(ks.steps, 1),
            "modelled_steps_by_command": {n: round(v, 1) for n, v in ks.cmd_steps.items()},
            "conversions": [{"step": c.step, "command": c.command, "from": c.frm, "to": c.to,
                             "size": c.size, "reason": c.reason} for c in ks.conversions],
        })
    return {
        "config": analysis.config, "commands": analysis.commands, "errors": analysis.errors,
        "total_memory_bytes": analysis.total_memory,
        "total_modelled_steps": round(analysis.total_steps, 1),
        "keys": keys,
        "recommendations": [{
            "kind": r.kind, "verdict": r.verdict, "text": r.text, "keys": list(r.keys), "config": r.config,
            "memory_before": r.memory_before, "memory_after": r.memory_after,
            "memory_change": round(r.memory_change, 4),
            "steps_before": round(r.steps_before, 1), "steps_after": round(r.steps_after, 1),
            "steps_ratio": round(r.steps_ratio, 4)} for r in recs],
    }


def _render(analysis: Any, recs: list[Any], limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    from redspec.spec.advise import key_pattern

    console = Console()
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for ks in analysis.keys.values():
        groups.setdefault((key_pattern(ks.key), ks.type, ks.encoding), []).append(ks)
    t = Table(title=f"keys ({analysis.commands} commands replayed, config: "
                    + ", ".join(f"{k}={v}" for k, v in analysis.config.items()) + ")")
    for col in ("key(s)", "type", "encoding", "keys", "max size", "max elem B", "commands",
                "memory B", "steps", "conversions"):
        t.add_column(col, justify="right" if col in ("keys", "max size", "max elem B",
                                                      "memory B", "steps") else "left")
    rows = sorted(groups.items(), key=lambda kv: -sum(k.memory for k in kv[1]))
    for (pat, typ, enc), ks in rows[:limit]:
        ops: dict[str, int] = {}
        for k in ks:
            for name, c in k.ops.items():
                ops[name] = ops.get(name, 0) + c
        mix = " ".join(f"{n.upper()}:{c}" for n, c in sorted(ops.items(), key=lambda x: -x[1]))
        convs = [c for k in ks for c in k.conversions]
        conv = ""
        if convs:
            c = convs[0]
            conv = f"{c.frm}->{c.to} at step {c.step} ({c.reason})"
            if len(convs) > 1:
                conv += f" +{len(convs) - 1} more"
        t.add_row(pat, typ, enc, str(len(ks)), str(max(k.max_n for k in ks)),
                  str(max(k.max_elem for k in ks)), mix, f"{sum(k.memory for k in ks):,}",
                  f"{sum(k.steps for k in ks):,.0f}", conv)
    console.print(t)
    if not recs:
        console.print("No alternative the model prices differently.")
        return
    r_t = Table(title="recommendations (modelled)")
    for col in ("verdict", "kind", "keys", "memory", "steps", "what"):
        r_t.add_column(col)
    for r in recs:
        r_t.add_row(r.verdict, r.kind, ", ".join(r.keys[:3]) + (" ..." if len(r.keys) > 3 else ""),
                    f"{r.memory_change * 100:+.0f}%", f"x{r.steps_ratio:.2f}", r.text)
    console.print(r_t)


@click.command()
@click.argument("trace_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--config", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A configuration parameter for the replay (repeatable), e.g. "
                   "hash-max-listpack-entries=128.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False),
              help="Write the machine-readable report here ('-' for stdout).")
@click.option("--top", default=30, show_default=True, help="Key groups shown in the table.")
def advise(trace_file: str, overrides: tuple[str, ...], json_file: str | None, top: int) -> None:
    """Replay an access pattern through the spec; show each key's encoding, conversions and
    modelled cost, and price alternative configurations and types.

    TRACE_FILE (or '-' for stdin) holds one command per line, either as redis-cli takes it
    (shell-like quoting, "\\x00" escapes; '#' starts a comment) or as MONITOR prints it:

    \b
      HSET user:1 name "Ada Lovelace" born 1815
      1700000000.123456 [0 127.0.0.1:5555] "HSET" "user:1" "name" "Ada"

    Keys are grouped by name with digits as '*' (user:1, user:2 -> user:*). Memory is
    MEMORY USAGE's model (calibrated against Redis 7.0.15, see
    docs/mechanisms/typechoice.md); steps are the cost model's elementary steps (listpack
    scans O(n), hash tables O(1), skiplists O(log n), quicklist node walks). Each
    recommendation replays the trace under the changed limits, or re-prices the keys as
    another type, and reports memory and steps before and after.

    \b
    Examples:
      redis-cli monitor > trace.txt      (capture a while, then Ctrl-C)
      redspec advise trace.txt
      redspec advise trace.txt --config hash-max-listpack-entries=128 --json advice.json
      printf 'RPUSH q a b c\\nLINDEX q 1\\n' | redspec advise -
    """
    from redspec.spec.advise import advise as run_advise
    from redspec.spec.advise import parse_trace

    cfg = _parse_overrides(overrides)
    data = sys.stdin.buffer.read() if trace_file == "-" else Path(trace_file).read_bytes()
    trace, problems = parse_trace(data)
    for p in problems:
        click.echo(f"warning: {p}", err=True)
    analysis, recs = run_advise(trace, cfg)
    if json_file:
        text = json.dumps(to_json(analysis, recs), indent=2)
        if json_file == "-":
            click.echo(text)
            return
        Path(json_file).write_text(text + "\n")
    _render(analysis, recs, top)
