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


def pattern_to_json(ev: Any) -> dict[str, Any]:
    """The machine-readable answer for a pattern (``--json`` with ``--pattern``)."""
    p = ev.pattern
    best = ev.best
    return {
        "pattern": {
            "name": p.name, "keys": p.keys, "elements": p.elements,
            "element_size": p.element_size, "value_size": p.value_size,
            "integer_ids": p.integer_ids, "id_space": p.id_space, "exact": p.exact,
            "operations": [{"op": o.op, "rate": o.rate, "n": o.n} for o in p.operations]},
        "config": ev.config,
        "recommendation": best.type if best is not None else None,
        "candidates": [{
            "type": c.type, "fits": c.fits, "rank": c.rank if c.fits else None,
            "score": round(c.score, 4) if c.fits else None, "why": c.why or None,
            "ruled_out_by": ({"op": c.ruled_out_by[0], "reason": c.ruled_out_by[1]}
                             if c.ruled_out_by else None),
            "encoding": c.encoding, "detail": c.detail, "memory_note": c.memory_note or None,
            "memory_bytes_per_key": c.memory_per_key if c.fits else None,
            "memory_bytes": c.memory if c.fits else None,
            "steps_per_second": round(c.steps_per_second, 1) if c.fits else None,
            "operations": [{
                "op": x.op, "rate": x.rate, "commands": x.commands, "big_o": x.big_o,
                "steps_per_call": round(x.steps, 1), "steps_per_second": round(x.per_second, 1),
                "redis_fn": x.redis_fn} for x in c.operations],
        } for c in ev.candidates],
    }


def load_pattern(path: str) -> Any:
    """Read and parse a YAML pattern file (``-``: stdin); a ClickException naming the file
    and the problem when it is not a valid pattern."""
    import yaml  # pyyaml: the pattern format is YAML (issue #3)

    from redspec.spec.patterns import PatternError, parse_pattern

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as e:
        raise click.ClickException(f"{path}: {e.strerror or e}") from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise click.ClickException(f"{path}: not valid YAML: {e}") from e
    try:
        return parse_pattern(data)
    except PatternError as e:
        raise click.ClickException(f"{path}: {e}") from e


def _render_pattern(ev: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    p = ev.pattern
    console = Console()
    ops = ", ".join(f"{o.op} {o.rate:g}/s" + (f" (n={o.n})" if o.n != 1 else "")
                    for o in p.operations)
    t = Table(title=f"{p.name}: {p.keys:,} key(s) x {p.elements:,} elements of "
                    f"{p.element_size} B" + (f" + {p.value_size} B values" if p.value_size else "")
                    + f"; {ops}")
    for col in ("rank", "type", "encoding", "memory", "per key", "steps/s", "score", "why"):
        t.add_column(col, justify="right" if col in ("rank", "memory", "per key", "steps/s",
                                                     "score") else "left")
    for c in ev.candidates:
        enc = c.encoding + (f" ({c.detail})" if c.detail else "")
        if c.fits:
            t.add_row(str(c.rank), c.type, enc, f"{c.memory:,} B", f"{c.memory_per_key:,} B",
                      f"{c.steps_per_second:,.0f}", f"{c.score:.2f}", c.why)
        else:
            op, why = c.ruled_out_by
            t.add_row("-", c.type, "", "", "", "", "", f"does not fit: {op}: {why}")
    console.print(t)
    for c in ev.candidates:
        if c.memory_note:
            console.print(f"{c.type}: {c.memory_note}")
    fit = [c for c in ev.candidates if c.fits]
    if not fit:
        console.print("No candidate type can do every operation.")
        return
    o_t = Table(title="per operation: command, steps per call (complexity)")
    o_t.add_column("operation")
    o_t.add_column("rate/s", justify="right")
    for c in fit:
        o_t.add_column(f"{c.type} ({c.encoding})")
    for i, o in enumerate(p.operations):
        o_t.add_row(o.op, f"{o.rate:g}", *(f"{c.operations[i].commands}\n"
                                           f"{c.operations[i].steps:,.0f} ({c.operations[i].big_o})"
                                           for c in fit))
    console.print(o_t)
    best = ev.best
    console.print(f"recommendation: {best.type} ({best.encoding}) -- {best.why}", soft_wrap=True)


@click.command()
@click.argument("trace_file", type=click.Path(dir_okay=False, allow_dash=True), required=False)
@click.option("--pattern", "pattern_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="An access-pattern description (YAML) instead of a trace; a TRACE_FILE "
                   "ending in .yaml/.yml is taken as one.")
@click.option("--config", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A configuration parameter for the replay (repeatable), e.g. "
                   "hash-max-listpack-entries=128.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False),
              help="Write the machine-readable report here ('-' for stdout).")
@click.option("--top", default=30, show_default=True, help="Key groups shown in the table.")
def advise(trace_file: str | None, pattern_file: str | None, overrides: tuple[str, ...],
           json_file: str | None, top: int) -> None:
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

    With --pattern (or a .yaml file) the input is an access-pattern description
    instead: keys, elements per key, element/value sizes and abstract operations
    with rates. Every candidate type (sorted set, list, hash, set, a string key per
    element, HyperLogLog, bitmap) is checked: which can do every operation, the
    encoding it would get, the command and steps of each operation, memory, and a
    ranking. Examples in docs/examples/advise/.

    \b
      redspec advise docs/examples/advise/leaderboard.yaml
      redspec advise --pattern feed.yaml --json -
    """
    if pattern_file is None and trace_file is not None and \
            trace_file.lower().endswith((".yaml", ".yml")):
        pattern_file, trace_file = trace_file, None
    if pattern_file is not None:
        if trace_file is not None:
            raise click.UsageError("give a TRACE_FILE or --pattern, not both")
        _advise_pattern(pattern_file, overrides, json_file)
        return
    if trace_file is None:
        raise click.UsageError("give a TRACE_FILE (or '-') or --pattern FILE")
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


def _advise_pattern(path: str, overrides: tuple[str, ...], json_file: str | None) -> None:
    """``redspec advise --pattern``: evaluate a pattern, print or write the answer."""
    import attrs

    from redspec.spec.patterns import evaluate

    p = load_pattern(path)
    if overrides:
        p = attrs.evolve(p, config={**p.config, **_parse_overrides(overrides)})
    ev = evaluate(p)
    if json_file:
        text = json.dumps(pattern_to_json(ev), indent=2)
        if json_file == "-":
            click.echo(text)
            return
        Path(json_file).write_text(text + "\n")
    _render_pattern(ev)
