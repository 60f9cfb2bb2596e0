"""Render benchmark results (the JSON ``bench/run.py`` writes) as tables, a plot and Markdown.

``python bench/report.py [results.json]`` rewrites ``docs/performance.md`` (and, with
``--plot``, ``docs/performance-scaling.png``) from ``bench/results/latest.json`` or the file
given. The targets are evaluated here, from the JSON alone, so the report can be regenerated
without re-running the benchmark; a JSON written before a figure existed (no interpreted
server, no diff campaign, no spec build lines) renders with that figure "not measured".

The targets (``evaluate_targets``) come in three groups: ``must``, issue #21's "Must reach"
lines; ``long-term``, the page's older targets (issue #21 keeps them as the full goal);
``reported``, ratios shown without a target (the interpreted build against the compiled one,
redspec against fakeredis: the "≥ 25× fakeredis" target is retired).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SERVERS = ("redis", "redspec", "redspec-interp", "fakeredis")
#: ``redspec`` is ``redspec serve`` running the compiled spec (REDSPEC_SPEC_BUILD=compiled),
#: ``redspec-interp`` the same server running the interpreted one.
LABEL = {"redis": "redis-server", "redspec": "redspec (compiled)",
         "redspec-interp": "redspec (interpreted)", "fakeredis": "fakeredis"}

#: (group, key, description, threshold) of each performance target. ``must``: issue #21's
#: "Must reach" lines; ``long-term``: the page's full targets; ``reported``: no threshold.
TARGETS = (
    ("must", "p16_median", "redspec (compiled) / redis-server ops/s at -P 16, median over the "
     "commands ≥ 0.3×", 0.3),
    ("must", "p16_worst", "redspec (compiled) / redis-server ops/s at -P 16: no command below "
     "0.2×", 0.2),
    ("must", "p1_median", "redspec (compiled) / redis-server ops/s at -P 1, median over the "
     "commands ≥ 0.65×", 0.65),
    ("must", "memory_bytes", "redspec (compiled) memory per key ≤ 200 bytes (at the largest key "
     "count)", 200.0),
    ("must", "scaling_vs_redis", "GET and SET at -P 16, smallest → largest key count: redspec "
     "(compiled) keeps at least the share of its ops/s that redis-server keeps", 1.0),
    ("reported", "interp_vs_compiled_p1", "redspec (interpreted) / redspec (compiled) ops/s at "
     "-P 1, median over the commands (the interpreted build must be no slower than before)",
     None),
    ("reported", "interp_vs_compiled_p16", "redspec (interpreted) / redspec (compiled) ops/s at "
     "-P 16, median over the commands", None),
    ("reported", "vs_fakeredis", "redspec (compiled) / fakeredis ops/s, median over the commands "
     "at -P 1 and -P 16 (the \"≥ 25×\" target is retired)", None),
    ("long-term", "p16_vs_redis", "ops/s at -P 16 ≥ 0.5× redis-server (every command redspec "
     "serves)", 0.5),
    ("long-term", "p1_vs_redis", "ops/s at -P 1 ≥ 0.9× redis-server (every command redspec "
     "serves)", 0.9),
    ("long-term", "memory", "memory per key ≤ 1.5× redis-server (at the largest key count)", 1.5),
    ("long-term", "flat", "flat cost 1k → 1M keys: GET/SET ops/s at -P 16 ≥ 0.8× and CPU "
     "µs/request ≤ 1.25× their 1k-key values", 0.8),
)
FLAT_CPU = 1.25


def labels(data: dict[str, Any]) -> dict[str, str]:
    """Server labels for ``data``: a JSON without ``spec_builds`` (written before the
    interpreted server existed) ran one redspec, of whatever build: plain "redspec"."""
    out = dict(LABEL)
    if "spec_builds" not in data:
        out["redspec"] = "redspec"
    return out


def short_build(line: str | None) -> str:
    """``compiled (23 modules: a, b, ...)`` -> ``compiled (23 modules)``."""
    if not line:
        return "?"
    head, sep, rest = line.partition(": ")
    if sep and head.startswith("compiled (") and "modules" in head:
        return head + (")" if "STALE" not in rest else ", STALE)")
    return line


# -- derived figures ----------------------------------------------------------------------------

def _rows(data: dict[str, Any]) -> dict[tuple[str, int, str], dict[str, Any]]:
    return {(r["command"], r["pipeline"], r["server"]): r for r in data.get("throughput", [])}


def _tests(data: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    for r in data.get("throughput", []):
        if r["command"] not in seen:
            seen.append(r["command"])
    return seen


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
    if not a or not b or not a.get("supported") or not b.get("supported"):
        return None
    if not a.get("rps") or not b.get("rps"):
        return None
    return float(a["rps"]) / float(b["rps"])


def _paired(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
    """Median of the per-round ratios (each pair measured back to back in one round)."""
    if not a or not b:
        return None
    pairs = [x["rps"] / y["rps"] for x, y in zip(a.get("runs", []), b.get("runs", []), strict=False)
             if "rps" in x and "rps" in y]
    return statistics.median(pairs) if pairs else None


def ratios(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Per (command, P), ops/s ratios: redspec (compiled) / redis-server, / fakeredis;
    redspec (interpreted) / redis-server, / redspec (compiled). ``x_vs_y`` is the ratio of the
    medians; ``x_vs_y_paired`` the median of the per-round ratios (each pair measured in the
    same round)."""
    rows = _rows(data)
    pairs = (("redspec_vs_redis", "redspec", "redis"),
             ("redspec_vs_fakeredis", "redspec", "fakeredis"),
             ("interp_vs_redis", "redspec-interp", "redis"),
             ("interp_vs_compiled", "redspec-interp", "redspec"))
    out = []
    for test in _tests(data):
        for p in data["config"]["pipelines"]:
            r: dict[str, Any] = {"command": test, "pipeline": p}
            for key, a, b in pairs:
                ra, rb = rows.get((test, p, a)), rows.get((test, p, b))
                r[key] = _ratio(ra, rb)
                r[key + "_paired"] = _paired(ra, rb) if r[key] else None
            out.append(r)
    return out


def latency_under_load(data: dict[str, Any]) -> list[dict[str, Any]]:
    """p50/p99 latency of SET and GET at ``-P 1`` with 50 clients (redis-benchmark's CSV),
    median over the rounds, per server: the delay a client sees when 50 clients keep one
    request each in flight."""
    rows = _rows(data)
    out = []
    for s in SERVERS:
        if s not in data["config"]["servers"]:
            continue
        for cmd in ("SET", "GET"):
            r = rows.get((cmd, 1, s))
            if r and r.get("supported") and r.get("rps"):
                out.append({"server": s, "command": cmd, "clients": data["config"]["clients"],
                            "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"], "rps": r["rps"]})
    return out


def memory_per_key(data: dict[str, Any], server: str) -> dict[str, Any] | None:
    """The memory row of ``server`` with the most keys."""
    rows = [m for m in data.get("memory", []) if m["server"] == server]
    return max(rows, key=lambda m: m["keys"]) if rows else None


def _keeps(data: dict[str, Any], server: str, cmd: str) -> tuple[float, dict, dict] | None:
    """ops/s at the largest key count / ops/s at the smallest, of ``cmd`` at -P 16 on
    ``server`` in the scaling phase, with the two rows."""
    rows = sorted((r for r in data.get("scaling", []) if r["server"] == server
                   and r["command"] == cmd and r.get("rps")), key=lambda r: r["keys"])
    if len(rows) < 2:
        return None
    return rows[-1]["rps"] / rows[0]["rps"], rows[0], rows[-1]


def _ratio_stats(data: dict[str, Any], rats: list[dict[str, Any]], field: str,
                 ps: tuple[int, ...]) -> tuple[float, float, str, int, str] | None:
    """(median, worst, worst command, its P, "over ...") of ``field`` at the pipelines ``ps``."""
    vals = [(r[field], r["command"], r["pipeline"]) for r in rats
            if r["pipeline"] in ps and r.get(field) is not None]
    if not vals:
        return None
    worst = min(vals)
    cmds = sorted({c for _, c, _ in vals}, key=_tests(data).index)
    return (statistics.median(v for v, _, _ in vals), worst[0], worst[1], worst[2],
            f"over {', '.join(cmds)}")


def evaluate_targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its group, the measured value (``unit`` "×" or " B"), ``met``
    (True/False; None when not measured or when the group is ``reported``) and a one-line
    detail."""
    rats = data.get("ratios") or ratios(data)
    rs_label = labels(data)["redspec"]
    out = []
    for group, key, desc, thr in TARGETS:
        desc = desc.replace("redspec (compiled)", rs_label)
        t: dict[str, Any] = {"group": group, "name": key, "description": desc, "threshold": thr,
                             "value": None, "unit": "×", "met": None, "detail": ""}
        if key in ("p16_median", "p16_worst", "p1_median", "p16_vs_redis", "p1_vs_redis"):
            st = _ratio_stats(data, rats, "redspec_vs_redis",
                              (1,) if key.startswith("p1_") else (16,))
            if st is None:
                t["detail"] = "no command measured on both servers"
            else:
                med, worst, wc, wp, over = st
                v = med if key.endswith("median") else worst
                t["value"], t["met"] = round(v, 3), v >= thr
                t["detail"] = (f"median {med:.3g}×, worst {wc} -P {wp}: {worst:.3g}×; {over}")
        elif key in ("interp_vs_compiled_p1", "interp_vs_compiled_p16", "vs_fakeredis"):
            field = "redspec_vs_fakeredis" if key == "vs_fakeredis" else "interp_vs_compiled"
            ps = (1, 16) if key == "vs_fakeredis" else ((1,) if key.endswith("p1") else (16,))
            st = _ratio_stats(data, rats, field, ps)
            if st is None:
                t["detail"] = "not measured in this run"
            else:
                med, worst, wc, wp, over = st
                t["value"] = round(med, 3)
                t["detail"] = f"median {med:.3g}×, lowest {wc} -P {wp}: {worst:.3g}×; {over}"
        elif key == "memory_bytes":
            rs = memory_per_key(data, "redspec")
            if rs:
                v = rs["bytes_per_key"]
                t["value"], t["unit"], t["met"] = round(v, 1), " B", v <= thr
                rd = memory_per_key(data, "redis")
                t["detail"] = (f"{v:.0f} bytes/key at {rs['keys']:,} keys"
                               + (f" (redis-server {rd['bytes_per_key']:.0f})" if rd else ""))
        elif key == "scaling_vs_redis":
            parts, rel = [], []
            for cmd in ("GET", "SET"):
                rs, rd = _keeps(data, "redspec", cmd), _keeps(data, "redis", cmd)
                if rs is None or rd is None:
                    continue
                rel.append(rs[0] / rd[0])
                parts.append(f"{cmd} {rs[1]['keys']:,}→{rs[2]['keys']:,}: redspec keeps "
                             f"×{rs[0]:.2f}, redis-server ×{rd[0]:.2f}")
            if len(rel) == 2:
                v = min(rel)
                t["value"], t["met"] = round(v, 3), v >= thr
                t["detail"] = "; ".join(parts) + " (value: the lower redspec/redis-server share)"
            elif parts:
                t["detail"] = "; ".join(parts) + " (GET or SET not measured)"
        elif key == "memory":
            rs, rd = memory_per_key(data, "redspec"), memory_per_key(data, "redis")
            if rs and rd and rd["bytes_per_key"] > 0:
                v = rs["bytes_per_key"] / rd["bytes_per_key"]
                t["value"], t["met"] = round(v, 3), v <= thr
                t["detail"] = (f"{rs['bytes_per_key']:.0f} vs {rd['bytes_per_key']:.0f} bytes/key "
                               f"at {rs['keys']:,} keys")
        elif key == "flat":
            low: tuple[float, str] | None = None
            parts = []
            ok = True
            for cmd in ("GET", "SET"):
                k = _keeps(data, "redspec", cmd)
                if k is None:
                    continue
                rr, lo, hi = k
                cr = hi["cpu_us_per_req"] / lo["cpu_us_per_req"]
                ok = ok and rr >= thr and cr <= FLAT_CPU
                parts.append(f"{cmd} {lo['keys']:,}→{hi['keys']:,}: ops/s ×{rr:.2f}, "
                             f"µs/req ×{cr:.2f}")
                if low is None or rr < low[0]:
                    low = (rr, cmd)
            if low is not None:
                t["value"], t["met"] = round(low[0], 3), ok
                t["detail"] = "; ".join(parts)
        out.append(t)
    return out


# -- text output --------------------------------------------------------------------------------

def _fmt_rps(r: dict[str, Any] | None) -> str:
    if not r:
        return "—"
    if not r.get("supported") or not r.get("rps"):
        return "n/a"
    return f"{r['rps']:,.0f}"


def _fmt(v: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "—" if v is None else f"{v:{spec}}{suffix}"


def _fmt_ratio(v: float | None) -> str:
    return "n/a" if v is None else (f"{v:.2f}×" if v < 10 else f"{v:.0f}×")


def _field(r: dict[str, Any] | None, k: str, spec: str = ".2f") -> str:
    if not r or not r.get("supported") or r.get(k) is None:
        return "n/a"
    return f"{r[k]:{spec}}"


def throughput_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    rows = _rows(data)
    rats = {(r["command"], r["pipeline"]): r for r in (data.get("ratios") or ratios(data))}
    servers = [s for s in SERVERS if s in data["config"]["servers"]]
    lab = labels(data)
    interp = "redspec-interp" in servers
    head = (["command", "P"] + [f"{lab[s]} ops/s" for s in servers]
            + ["redspec/redis", "redspec/fakeredis"]
            + (["interpreted/redis", "interpreted/compiled"] if interp else []))
    body = []
    for p in data["config"]["pipelines"]:
        for test in _tests(data):
            ra = rats.get((test, p), {})
            body.append([test, str(p)] + [_fmt_rps(rows.get((test, p, s))) for s in servers]
                        + [_fmt_ratio(ra.get("redspec_vs_redis")),
                           _fmt_ratio(ra.get("redspec_vs_fakeredis"))]
                        + ([_fmt_ratio(ra.get("interp_vs_redis")),
                            _fmt_ratio(ra.get("interp_vs_compiled"))] if interp else []))
    return head, body


def latency_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    rows = _rows(data)
    servers = [s for s in SERVERS if s in data["config"]["servers"]]
    lab = labels(data)
    head = (["command", "P"] + [f"{lab[s]} p50/p99 ms" for s in servers]
            + [f"{lab[s]} CPU µs/req" for s in servers])
    body = []
    for p in data["config"]["pipelines"]:
        for test in _tests(data):
            rr = [rows.get((test, p, s)) for s in servers]
            body.append([test, str(p)]
                        + [("n/a" if not r or not r.get("rps") else
                            f"{r['p50_ms']:.2f} / {r['p99_ms']:.2f}") for r in rr]
                        + [_field(r, "cpu_us_per_req") for r in rr])
    return head, body


def memory_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    head = ["server", "keys", "RSS before MB", "RSS after MB", "bytes/key", "× redis-server",
            "load keys/s"]
    base = {m["keys"]: m["bytes_per_key"] for m in data.get("memory", []) if m["server"] == "redis"}
    lab = labels(data)
    body = []
    for m in sorted(data.get("memory", []), key=lambda m: (m["keys"], SERVERS.index(m["server"]))):
        b = base.get(m["keys"])
        if b is None and m["server"] == "fakeredis" and base:
            b = base[max(base)]  # fakeredis is loaded with fewer keys: compare per key
        body.append([lab[m["server"]], f"{m['keys']:,}", f"{m['rss_before'] / 1e6:.1f}",
                     f"{m['rss_after'] / 1e6:.1f}", f"{m['bytes_per_key']:.1f}",
                     _fmt_ratio(m["bytes_per_key"] / b if b else None),
                     f"{m['load_keys_per_s']:,}"])
    return head, body


def scaling_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    rs_label = labels(data)["redspec"]
    head = ["command", "keys", "redis-server ops/s", f"{rs_label} ops/s", "redspec/redis",
            "redis-server CPU µs/req", f"{rs_label} CPU µs/req"]
    by = {(r["command"], r["keys"], r["server"]): r for r in data.get("scaling", [])}
    keys = sorted({r["keys"] for r in data.get("scaling", [])})
    body = []
    for cmd in ("GET", "SET"):
        for k in keys:
            rd, rs = by.get((cmd, k, "redis")), by.get((cmd, k, "redspec"))
            ratio = (rs["rps"] / rd["rps"]) if rd and rs and rd.get("rps") and rs.get("rps") \
                else None
            body.append([cmd, f"{k:,}",
                         _fmt(rd.get("rps") if rd else None, ",.0f"),
                         _fmt(rs.get("rps") if rs else None, ",.0f"),
                         _fmt_ratio(ratio),
                         _fmt(rd.get("cpu_us_per_req") if rd else None),
                         _fmt(rs.get("cpu_us_per_req") if rs else None)])
    return head, body


def _target_rows(data: dict[str, Any], groups: tuple[str, ...]) -> list[list[str]]:
    body = []
    for t in data.get("targets") or evaluate_targets(data):
        group = t.get("group", "long-term")  # a JSON from before the groups: the old targets
        if group not in groups:
            continue
        if group == "reported":
            met = "no target" if t["value"] is not None else "not measured"
        else:
            met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        unit = t.get("unit", "×")
        val = ("—" if t["value"] is None else
               f"{t['value']:.0f}{unit}" if unit == " B" else f"{t['value']:.3g}{unit}")
        body.append([t["description"], val, met, t["detail"]])
    return body


def targets_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Issue #21's "Must reach" lines, then the ratios reported without a target."""
    return ["target (issue #21, must reach)", "value", "met", "detail"], \
        _target_rows(data, ("must", "reported"))


def long_term_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The page's full targets (issue #21 keeps them as the goal beyond the must-reach)."""
    return ["long-term target", "value", "met", "detail"], _target_rows(data, ("long-term",))


def latency_load_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """p50 / p99 ms of SET and GET at -P 1, 50 clients, per server, and p99 × redis-server's."""
    rows = latency_under_load(data)
    by = {(r["server"], r["command"]): r for r in rows}
    lab = labels(data)
    head = ["server", "SET p50 / p99 ms", "GET p50 / p99 ms", "SET p99 × redis-server",
            "GET p99 × redis-server"]
    body = []
    for s in SERVERS:
        if not any(k[0] == s for k in by):
            continue
        cells, rel = [], []
        for cmd in ("SET", "GET"):
            r, base = by.get((s, cmd)), by.get(("redis", cmd))
            cells.append("n/a" if r is None else f"{r['p50_ms']:.2f} / {r['p99_ms']:.2f}")
            rel.append(_fmt_ratio(r["p99_ms"] / base["p99_ms"]) if r and base
                       and base["p99_ms"] > 0 else "n/a")
        body.append([lab[s], *cells, *rel])
    return head, body


def diff_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The timed ``redspec diff`` campaign, per spec build of its in-process oracle."""
    dc = data.get("diff_campaign") or {}
    head = ["oracle (in-process spec)", "spec build", "examples", "wall s", "CPU s",
            "wall s per 1,000 examples", "divergences"]
    body = []
    for build, row in dc.get("builds", {}).items():
        if "wall_s" not in row:
            body.append([build, short_build(row.get("spec_build")), "—", "—", "—", "—",
                         row.get("error", "not measured")[:80]])
            continue
        ex = row["examples"]
        body.append([build, short_build(row.get("spec_build")), f"{ex:,.0f}",
                     f"{row['wall_s']:.1f}", f"{row['cpu_s']:.1f}",
                     f"{row['wall_s'] * 1000 / ex:.1f}" if ex else "—",
                     str(row.get("divergences"))])
    return head, body


def _plain(head: list[str], body: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False))]
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=False))))
    return "\n".join(lines)


SECTIONS = (("Throughput (redis-benchmark -c 50; medians over rounds)", throughput_table),
            ("Latency and server CPU per request (medians over rounds)", latency_table),
            ("Latency under load: SET/GET at -P 1, 50 clients", latency_load_table),
            ("Memory per key", memory_table),
            ("Scaling: GET/SET at -P 16 over K preloaded keys (-r K)", scaling_table),
            ("redspec diff campaign against redis-server (in-process spec as the oracle)",
             diff_table),
            ("Targets", targets_table),
            ("Long-term targets", long_term_table))


def render_text(data: dict[str, Any]) -> str:
    out = []
    for title, fn in SECTIONS:
        head, body = fn(data)
        if body:
            out.append(f"\n{title}\n{_plain(head, body)}")
    return "\n".join(out)


def render_rich(data: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    for title, fn in SECTIONS:
        head, body = fn(data)
        if not body:
            continue
        table = Table(title=title, title_justify="left")
        for i, h in enumerate(head):
            table.add_column(h, justify="left" if i == 0 or "Targets" in title.title()
                             else "right")
        for row in body:
            table.add_row(*row)
        console.print(table)


# -- plot ---------------------------------------------------------------------------------------

def _short(n: int) -> str:
    for div, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= div and n % div == 0:
            return f"{n // div}{suffix}"
    return str(n)


def _num(v: float) -> str:
    return f"{v:,.0f}" if v >= 10 else f"{v:g}"


def plot_scaling(data: dict[str, Any], path: Path) -> None:
    """ops/s and CPU µs/request against key count, GET and SET, per server (log x axis)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullLocator

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    colors = {"redis": "#d62728", "redspec": "#1f77b4"}
    styles = {"GET": "-o", "SET": "--s"}
    for server in ("redis", "redspec"):
        for cmd in ("GET", "SET"):
            rows = sorted((r for r in data.get("scaling", []) if r["server"] == server
                           and r["command"] == cmd and r.get("rps")), key=lambda r: r["keys"])
            if not rows:
                continue
            ks = [r["keys"] for r in rows]
            label = f"{labels(data)[server]} {cmd}"
            axes[0].plot(ks, [r["rps"] for r in rows], styles[cmd], color=colors[server],
                         label=label)
            axes[1].plot(ks, [r["cpu_us_per_req"] for r in rows], styles[cmd],
                         color=colors[server], label=label)
    axes[0].set_title("throughput at -P 16 (ops/s, log scale)")
    axes[0].set_yscale("log")
    axes[1].set_title("server CPU per request (µs, log scale)")
    axes[1].set_yscale("log")
    ks = sorted({r["keys"] for r in data.get("scaling", [])})
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xticks(ks, [_short(k) for k in ks])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _num(v)))
        ax.yaxis.set_minor_formatter(FuncFormatter(
            lambda v, _: _num(v) if f"{v:.1e}"[0] in "25" else ""))
        ax.set_xlabel("keys in the database")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"Scaling with key count — {data['timestamp']} ({data['mode']} run, "
                 f"{data['environment'].get('nproc')} cores)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


# -- markdown -----------------------------------------------------------------------------------

def _md(head: list[str], body: list[list[str]], left: int = 1) -> str:
    """A Markdown table; the first ``left`` columns are text, the rest numbers."""
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i < left else "--:" for i in range(len(head))) + "|"]
    for row in body:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    return "\n".join(lines)


def _ratio_md(data: dict[str, Any]) -> str:
    """Per command: compiled/redis, interpreted/redis (when measured), compiled/fakeredis,
    at -P 1 and -P 16, and the medians over the commands in the last row."""
    rats = data.get("ratios") or ratios(data)
    interp = "redspec-interp" in data["config"]["servers"]
    rs = "compiled" if "spec_builds" in data else "redspec"
    fields = [("redspec_vs_redis", f"{rs}/redis")]
    if interp:
        fields.append(("interp_vs_redis", "interpreted/redis"))
    fields.append(("redspec_vs_fakeredis", f"{rs}/fakeredis"))
    if interp:
        fields.append(("interp_vs_compiled", "interpreted/compiled"))
    head = ["command"] + [f"{h} -P {p}" for _, h in fields for p in (1, 16)]
    by = {(r["command"], r["pipeline"]): r for r in rats}
    body = []
    for test in _tests(data):
        body.append([test] + [_fmt_ratio(by.get((test, p), {}).get(f))
                              for f, _ in fields for p in (1, 16)])
    med = []
    for f, _ in fields:
        for p in (1, 16):
            vals = [r[f] for r in rats if r["pipeline"] == p and r.get(f) is not None]
            med.append(_fmt_ratio(statistics.median(vals) if vals else None))
    if body:
        body.append(["**median**"] + med)
    return _md(head, body)


def _per_pipeline_md(data: dict[str, Any], p: int) -> str:
    rows = _rows(data)
    servers = [s for s in SERVERS if s in data["config"]["servers"]]
    lab = labels(data)
    head = (["command"] + [f"{lab[s]} ops/s" for s in servers]
            + [f"{lab[s]} p50 / p99 ms" for s in servers]
            + [f"{lab[s]} CPU µs/req" for s in servers])
    body = []
    for test in _tests(data):
        rr = [rows.get((test, p, s)) for s in servers]
        body.append([test] + [_fmt_rps(r) for r in rr]
                    + [("n/a" if not r or not r.get("rps") else
                        f"{r['p50_ms']:.2f} / {r['p99_ms']:.2f}") for r in rr]
                    + [_field(r, "cpu_us_per_req") for r in rr])
    return _md(head, body)


def _unsupported_md(data: dict[str, Any]) -> str:
    seen: dict[tuple[str, str], str] = {}
    for r in data.get("throughput", []):
        if not r.get("supported"):
            seen.setdefault((r["server"], r["command"]), r.get("reason") or "?")
    if not seen:
        return ""
    lines = ["Commands reported as n/a (the server answered the probe, or the benchmark, with "
             "an error):", ""]
    for (server, cmd), why in seen.items():
        lines.append(f"- {labels(data)[server]} {cmd}: `{why.strip()[:120]}`")
    return "\n".join(lines) + "\n"


def render_markdown(data: dict[str, Any]) -> str:
    env = data.get("environment", {})
    cfg = data["config"]
    fr_mem = memory_per_key(data, "fakeredis")
    la0 = env.get("loadavg_start") or [0, 0, 0]
    la1 = env.get("loadavg_end") or [0, 0, 0]
    parts = [
        "# Performance",
        "",
        "<!-- Generated by bench/report.py from bench/results/latest.json: do not edit by hand."
        " Re-run `make bench` (or `.venv/bin/python bench/report.py`) to regenerate. -->",
        "",
        "redspec's reference server measured side by side with **redis-server** (the ground "
        "truth, C) and **fakeredis** (a pure-Python Redis, the nearest thing to what redspec "
        "is) on the same machine, in the same run, with the same client (`redis-benchmark`)."
        + (" redspec runs twice: **redspec (compiled)**, `redspec serve` with the spec compiled "
           "by mypyc (`REDSPEC_SPEC_BUILD=compiled`), and **redspec (interpreted)**, the same "
           "server running the pure-Python spec (`REDSPEC_SPEC_BUILD=interpreted`)."
           if "spec_builds" in data else ""),
        "",
        f"Run {data['timestamp']} ({data['mode']}, {cfg['rounds']} "
        f"round{'s' if cfg['rounds'] != 1 else ''}, "
        f"{data.get('duration_s', '?')} s) at commit `{env.get('git_commit', '?')}` on "
        f"{env.get('nproc')} cores, {env.get('redis_server', '?').split(' sha')[0]}, fakeredis "
        f"{env.get('fakeredis')}, Python {env.get('python')} (uvloop "
        f"{'on' if env.get('uvloop') else 'off'}, hiredis "
        f"{'installed' if env.get('hiredis') else 'absent'}). "
        f"Load average {la0[0]:.2f} at the start, {la1[0]:.2f} at the end.",
        "",
    ]
    builds = data.get("spec_builds")
    if builds:
        parts += ["Spec builds, from each server's startup log line `spec build: …`: "
                  + "; ".join(f"{labels(data).get(k, k)}: `{short_build(v)}`"
                              for k, v in builds.items()) + ".", ""]
    if data.get("notes"):
        parts += [f"> {n}" for n in data["notes"]] + [""]
    parts += [
        "## Targets",
        "",
        "Issue #21's \"must reach\" lines, from this run's ratios (rows without a target are "
        "reported ratios):",
        "",
        _md(*targets_table(data), left=4),
        "",
    ]
    long_head, long_body = long_term_table(data)
    if long_body:
        parts += ["### Long-term targets", "",
                  "The page's full targets, which issue #21 keeps as the goal:", "",
                  _md(["target", "value", "met"], [r[:3] for r in long_body], left=3), ""]
    analysis = Path(__file__).resolve().parent / "analysis.md"
    if analysis.exists():  # hand-written: what stands in the way of the targets not met
        parts += [analysis.read_text().rstrip(), ""]
    parts += [
        "## Ratios (ops/s, ratio of the medians)",
        "",
        _ratio_md(data),
        "",
    ]
    load_head, load_body = latency_load_table(data)
    if load_body:
        parts += ["## Latency under load", "",
                  f"SET and GET at -P 1 with {cfg['clients']} clients, each with one request in "
                  "flight: the latency a client sees while the server is saturated "
                  "(redis-benchmark's p50 / p99, median over the rounds).", "",
                  _md(load_head, load_body), ""]
    for p in cfg["pipelines"]:
        parts += [f"## Throughput at -P {p}", "", _per_pipeline_md(data, p), ""]
    unsupported = _unsupported_md(data)
    if unsupported:
        parts += [unsupported]
    if data.get("memory"):
        parts += ["## Memory per key", "",
                  "RSS of a fresh server before and after loading N keys `key:%012d` → a "
                  "10-byte value, (after − before) / N.", "", _md(*memory_table(data)), ""]
        most = max(m["keys"] for m in data["memory"])
        if fr_mem and fr_mem["keys"] < most:
            parts += [f"fakeredis is loaded with {fr_mem['keys']:,} keys, not {most:,}: it "
                      f"loads about {fr_mem['load_keys_per_s']:,} keys/s, so {most:,} would "
                      "take too long. Its bytes/key is measured over those keys and compared "
                      f"with redis-server's at {most:,}.", ""]
    if data.get("scaling"):
        parts += ["## Scaling with key count", "",
                  "GET and SET at -P 16, `-r K -d 10`, over K preloaded keys; a fresh server "
                  "per K.", "", _md(*scaling_table(data)), "",
                  "![GET/SET ops/s and CPU µs/request against key count]"
                  "(performance-scaling.png)", ""]
    dc = data.get("diff_campaign")
    if dc:
        parts += ["## A `redspec diff` campaign", "",
                  f"Wall time of `redspec diff --target <redis-server> --examples "
                  f"{dc['examples_per_group']} --seed 0`: {dc['examples_per_group']} "
                  f"Hypothesis examples in each of the {dc['groups']} command groups "
                  f"(~{dc['examples_requested']:,} in all), each run on a fresh redis-server and "
                  "on the in-process spec (the default oracle, `--against reference`) and the "
                  "replies compared frame by frame; the CLI's start-up included. Median over "
                  "the rounds; CPU s is the diff process's (the spec, Hypothesis, the "
                  "comparison), not redis-server's.", "",
                  _md(*diff_table(data), left=2), ""]
    parts += [
        "## Method",
        "",
        f"- `redis-benchmark -c {cfg['clients']} -P {{1,16}} -t <test> --csv`, one test per "
        "invocation. `-n` is calibrated once per (command, P, server) so that one run lasts "
        f"about {cfg['target_seconds']} s, then fixed for every round. The servers are "
        f"interleaved ({', '.join(labels(data)[s] for s in SERVERS if s in cfg['servers'])}, "
        "redis-server, …) so that background load hits all of them alike; each figure is the "
        "median over the rounds.",
        "- Ratios compare medians from the same run. Each raw run (ops/s, latencies, CPU) is "
        "in the JSON.",
        "- Server CPU µs/request: utime + stime of the server process (all threads) from "
        "`/proc/PID/stat` before and after the run, divided by `-n`. The clock tick (10 ms) is "
        "a few per cent of the CPU time of one run at most.",
        "- A command is n/a for a server that answers it with an error.",
        "- fakeredis runs as `fakeredis.TcpFakeServer` (thread per connection) in its own "
        "process (`bench/fakeredis_server.py`, listen backlog raised from 5 to 511 so that 50 "
        "clients can connect at once).",
        "- `redis-benchmark` runs on the same 2 cores as the server it measures, and other "
        "work on the machine (other helpers' test suites during this run) adds noise: compare "
        "ratios, not absolute numbers, and prefer a quiet machine for absolute figures.",
        "",
        "Run it: `make bench` (full, ~10–12 min), `.venv/bin/python bench/run.py --quick` "
        "(~3 min, writes `bench/results/latest-quick.json`, leaves this page alone), "
        "`bench/micro.sh` (pytest-benchmark micro-suite of the spec's hot transitions). "
        "Regenerate this page from the JSON: `.venv/bin/python bench/report.py`.",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Render docs/performance.md from benchmark JSON.")
    ap.add_argument("results", nargs="?", default=str(BENCH_DIR / "results" / "latest.json"))
    ap.add_argument("-o", "--output", default=str(REPO / "docs" / "performance.md"))
    ap.add_argument("--plot", action="store_true", help="also redraw docs/performance-scaling.png")
    ap.add_argument("--text", action="store_true", help="print the plain-text tables instead")
    args = ap.parse_args(argv)
    data = json.loads(Path(args.results).read_text())
    data["ratios"] = ratios(data)
    data["targets"] = evaluate_targets(data)
    if args.text:
        print(render_text(data))
        return 0
    Path(args.output).write_text(render_markdown(data))
    if args.plot and data.get("scaling"):
        plot_scaling(data, REPO / "docs" / "performance-scaling.png")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
