"""Reports of a ``redspec diff`` run: a rich table per group, JSON, JUnit XML, and a
self-contained HTML page. Each divergence is shown as a redis-cli-pasteable script and the
two sides' replies step by step (format: ``docs/formats/diff-json.md``).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from redspec.spec.frames import CLOSED
from redspec.spec.resp import sdscatrepr

from .replay import HELLO_STEP, Record
from .runner import Divergence, GroupResult, new_divergences

__all__ = [
    "FORMAT_VERSION",
    "cli_quote",
    "redis_cli_script",
    "side_by_side",
    "to_json",
    "to_junit",
    "to_html",
    "render_tables",
]

FORMAT_VERSION = 1
_PLAIN = re.compile(rb"^[A-Za-z0-9_.:{}+*?\[\]/@#%=,-]+$")


def cli_quote(arg: bytes) -> str:
    """One argument as ``redis-cli`` reads it (``sdssplitargs``): bare when plain, else as
    ``sdscatrepr`` quotes it."""
    if _PLAIN.match(arg):
        return arg.decode()
    return sdscatrepr(arg).decode("ascii")


def command_line(argv: list[bytes]) -> str:
    return " ".join(cli_quote(a) for a in argv)


def redis_cli_script(steps: Sequence[tuple[int, list[bytes]]], proto: int) -> str:
    """The sequence as lines to paste into ``redis-cli`` (one session per client; a comment
    marks where the next lines belong to another client)."""
    clients = sorted({c for c, _ in steps})
    lines = [f"# redspec diff: RESP{proto}, {len(clients)} client(s); start from an empty server"]
    if len(clients) > 1:
        lines.append("# lines under '# client N' go to client N's own redis-cli session")
    cur: int | None = None
    seen: set[int] = set()
    for c, argv in steps:
        if len(clients) > 1 and c != cur:
            lines.append(f"# client {c}")
        if c not in seen:
            seen.add(c)
            if proto == 3:
                lines.append("HELLO 3")
        cur = c
        lines.append(command_line(argv))
    return "\n".join(lines)


def show_frame(frame: bytes | None) -> str:
    """A frame for people: the bytes with CR LF shown as ``\\r\\n``."""
    if frame is None:
        return "(nothing)"
    if frame == CLOSED:
        return "(connection closed)"
    text = frame.decode("utf-8", "backslashreplace")
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _step_label(steps: Sequence[tuple[int, list[bytes]]], i: int) -> str:
    if i == HELLO_STEP:
        return "HELLO 3"
    if i >= len(steps):
        return "PING (end of sequence)"
    return command_line(steps[i][1])


def side_by_side(d: Divergence) -> list[dict[str, Any]]:
    """Rows (client, step, command, target reply, reference reply), step by step."""
    rows = []
    keys: list[tuple[int, int]] = []
    for r in [*d.target, *d.reference]:
        if (r.conn, r.step) not in keys:
            keys.append((r.conn, r.step))
    keys.sort(key=lambda cs: (cs[1], cs[0]))

    def frames(recs: list[Record], c: int, s: int) -> list[bytes]:
        return [r.frame for r in recs if r.conn == c and r.step == s]

    for c, s in keys:
        a, b = frames(d.target, c, s), frames(d.reference, c, s)
        rows.append({
            "client": c,
            "step": s,
            "command": _step_label(d.steps, s),
            "target": [show_frame(f) for f in a],
            "reference": [show_frame(f) for f in b],
            "differs": a != b,
        })
    return rows


def _b(x: bytes | None) -> Any:
    if x is None:
        return None
    try:
        return x.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(x).decode()}


def divergence_json(d: Divergence) -> dict[str, Any]:
    return {
        "group": d.group,
        "command": d.command,
        "resp": d.proto,
        "steps": [{"client": c, "argv": [_b(a) for a in argv]} for c, argv in d.steps],
        "split_points": d.cuts,
        "script": redis_cli_script(d.steps, d.proto),
        "first_difference": {
            "client": d.mismatch.conn,
            "frame_index": d.mismatch.index,
            "step": d.mismatch.step,
            "command": _step_label(d.steps, d.mismatch.step),
            "target": _b(d.mismatch.a),
            "reference": _b(d.mismatch.b),
        },
        "replies": side_by_side(d),
        "examples_to_find": d.examples_to_find,
        "shrink_calls": d.shrink_calls,
        "expected": d.expected,
        "expected_kind": d.expected_kind,
    }


def to_json(results: list[GroupResult], meta: dict[str, Any]) -> dict[str, Any]:
    """The ``--json`` document (see ``docs/formats/diff-json.md``)."""
    return {
        "format": "redspec-diff",
        "version": FORMAT_VERSION,
        **meta,
        "groups": {
            g.group: {
                "commands": g.commands,
                "examples": g.examples,
                "divergences": len(g.divergences),
                "divergent_commands": [d.command for d in g.divergences],
                "error": g.error,
            }
            for g in results
        },
        "total_divergences": sum(len(g.divergences) for g in results),
        "new_divergences": new_divergences(results),
        "divergences": [divergence_json(d) for g in results for d in g.divergences],
    }


def to_junit(results: list[GroupResult], meta: dict[str, Any]) -> str:
    """JUnit XML: a test suite per group, a test case per command, a failure per divergence."""
    suites = ET.Element("testsuites", name=f"redspec diff {meta.get('target', '')}")
    for g in results:
        by_cmd = {d.command: d for d in g.divergences}
        names = list(dict.fromkeys([*g.commands, *by_cmd]))
        failures = sum(1 for d in g.divergences if d.expected is None)
        suite = ET.SubElement(suites, "testsuite", name=g.group, tests=str(len(names)),
                              failures=str(failures), errors="1" if g.error else "0")
        for n in names:
            tc = ET.SubElement(suite, "testcase", classname=f"redspec.diff.{g.group}", name=n)
            d = by_cmd.get(n)
            if d is not None and d.expected is not None:
                ET.SubElement(tc, "skipped", message=f"expected ({d.expected_kind}): "
                                                     f"{d.expected}")
            elif d is not None:
                m = d.mismatch
                fail = ET.SubElement(
                    tc, "failure",
                    message=f"{_step_label(d.steps, m.step)}: target {show_frame(m.a)} "
                            f"!= reference {show_frame(m.b)}")
                fail.text = redis_cli_script(d.steps, d.proto)
        if g.error:
            err = ET.SubElement(suite, "testcase", classname=f"redspec.diff.{g.group}",
                                name="search")
            ET.SubElement(err, "error", message=g.error)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .6em;
vertical-align:top;text-align:left}th{background:#f3f3f3}
td.num{text-align:right}tr.bad td{background:#fff0f0}.ok{color:#176f2c}.bad{color:#b00020}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;margin:.3em 0}
code{font-family:ui-monospace,monospace;font-size:.9em;white-space:pre-wrap;word-break:break-all}
details{margin:.5em 0 1.5em}summary{cursor:pointer;font-weight:600}
"""


def to_html(results: list[GroupResult], meta: dict[str, Any]) -> str:
    """A self-contained page: the summary per group, then each divergence with its script
    and the two sides' replies side by side."""
    e = html.escape
    total = sum(len(g.divergences) for g in results)
    out = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>redspec diff: {e(str(meta.get('target')))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>redspec diff: {e(str(meta.get('target')))} against {e(str(meta.get('against')))}</h1>",
        "<p>" + ", ".join(f"{e(k)}: <b>{e(str(v))}</b>" for k, v in meta.items()
                          if k not in ("target", "against")) + "</p>",
        f"<p class='{'bad' if total else 'ok'}'><b>{total} divergence(s)</b></p>",
        "<table><tr><th>group</th><th>commands</th><th>examples</th><th>divergences</th>"
        "<th>divergent commands</th></tr>",
    ]
    for g in results:
        cls = " class='bad'" if g.divergences or g.error else ""
        out.append(
            f"<tr{cls}><td>{e(g.group)}</td><td class='num'>{len(g.commands)}</td>"
            f"<td class='num'>{g.examples}</td><td class='num'>{len(g.divergences)}</td>"
            f"<td>{e(', '.join(d.command for d in g.divergences))}"
            f"{'<br>' + e(g.error) if g.error else ''}</td></tr>"
        )
    out.append("</table>")
    for g in results:
        if not g.divergences:
            continue
        out.append(f"<h2>{e(g.group)}</h2>")
        for d in g.divergences:
            m = d.mismatch
            out.append(
                f"<details open><summary>{e(d.command)}: RESP{d.proto}, {len(d.steps)} step(s) "
                f"&mdash; client {m.conn}, at <code>{e(_step_label(d.steps, m.step))}</code>"
                f"</summary>"
                f"<pre><code>{e(redis_cli_script(d.steps, d.proto))}</code></pre>"
                "<table><tr><th>client</th><th>command</th><th>target</th><th>reference</th></tr>"
            )
            for row in side_by_side(d):
                cls = " class='bad'" if row["differs"] else ""
                out.append(
                    f"<tr{cls}><td class='num'>{row['client']}</td>"
                    f"<td><code>{e(row['command'])}</code></td>"
                    f"<td><code>{e(chr(10).join(row['target']) or '(nothing)')}</code></td>"
                    f"<td><code>{e(chr(10).join(row['reference']) or '(nothing)')}</code></td></tr>"
                )
            out.append("</table></details>")
    out.append("</body></html>")
    return "\n".join(out)


def render_tables(results: list[GroupResult], console: Any) -> None:
    """Print a summary table, then a table per divergent group (rich)."""
    from rich.table import Table

    summary = Table(title="redspec diff", show_lines=False)
    for col in ("group", "commands", "examples", "divergences", "divergent commands"):
        summary.add_column(col, justify="right" if col in ("commands", "examples",
                                                          "divergences") else "left")
    for g in results:
        new = [d for d in g.divergences if d.expected is None]
        style = "red" if new or g.error else "green"
        summary.add_row(g.group, str(len(g.commands)), str(g.examples),
                        f"[{style}]{len(g.divergences)}[/]",
                        ", ".join(d.command + (" (expected)" if d.expected else "")
                                  for d in g.divergences) + (
                            f" [yellow]{g.error}[/]" if g.error else ""))
    console.print(summary)
    for g in results:
        for d in g.divergences:
            title = f"{g.group} / {d.command} (RESP{d.proto})"
            if d.expected:
                title += f" — expected ({d.expected_kind}): {d.expected}"
            t = Table(title=title, show_lines=True)
            t.add_column("client", justify="right")
            t.add_column("command")
            t.add_column("target", overflow="fold")
            t.add_column("reference", overflow="fold")
            for row in side_by_side(d):
                st = "bold red" if row["differs"] else ""
                t.add_row(str(row["client"]), row["command"], "\n".join(row["target"]),
                          "\n".join(row["reference"]), style=st)
            console.print(t)
            console.print(redis_cli_script(d.steps, d.proto), markup=False, highlight=False)


def dump_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)
