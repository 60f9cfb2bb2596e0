"""Conformance vectors: the spec's own replies to the differential cases, as versioned JSON.

``export`` loads the ``cases_*.py`` modules (``CASES``, ``NONDETERMINISTIC``, ``RAW_CASES``;
cases named in a module's ``NOT_VECTORS`` — replies that need wall-clock time to pass — are
left out),
runs every case through the in-process spec (a fresh ``new_server`` per case, RESP2 and RESP3)
and writes one file per module with each step and the exact frames expected, each with a
compare mode. ``run`` replays the files on any server and reports pass/fail per group.
Format: ``docs/formats/vectors.md``.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redspec.spec.frames import CLOSED

from .normalise import NORMALISERS, normaliser
from .replay import HELLO_STEP, DiffError, Record, ServerTarget, SpecTarget

__all__ = [
    "FORMAT",
    "VERSION",
    "SourceCase",
    "load_cases",
    "export",
    "read_skiplist",
    "run",
    "VectorResult",
]

FORMAT = "redspec-vectors"
VERSION = 1
HANDSHAKE_COMPARE = ["hello-handshake"]


def enc(b: bytes) -> Any:
    """Bytes in JSON: a string when they are UTF-8, else ``{"base64": ...}``."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(b).decode()}


def dec(x: Any) -> bytes:
    if isinstance(x, dict):
        return base64.b64decode(x["base64"])
    return str(x).encode("utf-8")


def _b(a: Any) -> bytes:
    return a if isinstance(a, bytes) else str(a).encode()


@dataclass
class SourceCase:
    """A case as a ``cases_*.py`` module states it."""

    group: str
    name: str
    steps: list[tuple[int, list[bytes]]] = field(default_factory=list)
    nondet: Any = None
    raw: list[bytes] | None = None

    @property
    def id(self) -> str:
        return f"{self.group}/{self.name}"


def _parse_steps(steps: Iterable[Sequence[Any]]) -> list[tuple[int, list[bytes]]]:
    out = []
    for raw in steps:
        argv = [_b(a) for a in raw]
        conn = 1
        if argv and argv[0].startswith(b"@") and argv[0][1:].rstrip(b"~&").isdigit():
            # "@N~" (a step expected to block) and "@N&" (the next step is sent before its
            # reply is read; the spec replays steps one by one, in the same order) run on
            # connection N like "@N"
            conn, argv = int(argv[0][1:].rstrip(b"~&")), argv[1:]
        out.append((conn, argv))
    return out


def load_cases(directory: Path) -> tuple[list[SourceCase], list[tuple[str, str]]]:
    """Every case of every ``cases_*.py`` module in ``directory`` (and import errors)."""
    root = directory.resolve().parent.parent
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    cases: list[SourceCase] = []
    errors: list[tuple[str, str]] = []
    for path in sorted(directory.glob("cases_*.py")):
        group = path.stem[len("cases_"):]
        try:
            spec = importlib.util.spec_from_file_location(f"_vectors_{path.stem}", path)
            assert spec is not None and spec.loader is not None
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            nondet = getattr(mod, "NONDETERMINISTIC", {}) or {}
            # Cases whose replies depend on wall-clock time passing (blocking timeouts, CLIENT
            # PAUSE ending) cannot be exported: the spec replays them with its clock stopped.
            not_vectors = getattr(mod, "NOT_VECTORS", {}) or {}
            for name, steps, *_ in getattr(mod, "CASES", []):
                # ``{id@N}`` (connection N's client id, filled in by the harness) differs
                # between servers: such cases are not portable vectors
                if name in not_vectors or any(b"{id@" in _b(a) for st in steps for a in st):
                    continue
                cases.append(SourceCase(group, name, _parse_steps(steps), nondet.get(name)))
            for name, data, *_ in getattr(mod, "RAW_CASES", []):
                if name in not_vectors:
                    continue
                chunks = [_b(data)] if isinstance(data, bytes | str) else [_b(c) for c in data]
                cases.append(SourceCase(group, name, raw=chunks))
        except Exception:
            errors.append((path.stem, traceback.format_exc()))
    return cases, errors


def _compare_names(nondet: Any, step: int) -> list[str]:
    if nondet is None:
        return []
    if isinstance(nondet, dict):
        v = nondet.get(step, nondet.get(str(step)))
        if v is None:
            return []
        return [v] if isinstance(v, str) else list(v)
    return [nondet] if isinstance(nondet, str) else list(nondet)


def _touches(steps: list[tuple[int, list[bytes]]], names: set[bytes]) -> bool:
    return any(argv and argv[0].lower() in names for _, argv in steps)


def setup_commands(steps: list[tuple[int, list[bytes]]]) -> list[list[bytes]]:
    """What the setup connection runs before a case: FLUSHALL, and CLIENT LIST when the case
    looks at connections (a replay waits for earlier connections to be gone)."""
    out = [[b"FLUSHALL"]]
    if _touches(steps, {b"client", b"info"}):
        out.append([b"CLIENT", b"LIST"])
    return out


def _expectations(case: SourceCase, recs: list[Record]) -> list[dict[str, Any]]:
    out = []
    for r in recs:
        if r.frame == CLOSED:
            compare: list[str] = []
        elif r.step == HELLO_STEP:
            compare = HANDSHAKE_COMPARE
        elif r.step >= len(case.steps):
            compare = []
        else:
            compare = _compare_names(case.nondet, r.step)
        e: dict[str, Any] = {"client": r.conn, "step": r.step}
        if r.frame == CLOSED:
            e["closed"] = True
        else:
            e["frame"] = enc(r.frame)
        e["compare"] = compare or "exact"
        out.append(e)
    return out


def export(cases: list[SourceCase], out_dir: Path, spec: SpecTarget | None = None) -> dict[str, int]:
    """Write ``<group>.json`` per module into ``out_dir``; returns cases per group."""
    from redspec.spec.table import load_facts

    ref = spec or SpecTarget()
    out_dir.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in cases:
        doc: dict[str, Any] = {"name": c.name, "id": c.id}
        if c.raw is not None:
            got = ref.replay_raw(c.raw, setup=[[b"FLUSHALL"]])
            doc["steps"] = [{"client": 1, "raw": base64.b64encode(ch).decode()} for ch in c.raw]
            body = b"".join(f for f in got if f != CLOSED)
            doc["expect"] = {"raw": {"bytes": enc(body), "closed": CLOSED in got,
                                     "compare": "exact"}}
        else:
            doc["steps"] = [{"client": n, "argv": [enc(a) for a in argv]} for n, argv in c.steps]
            setup = setup_commands(c.steps)
            doc["expect"] = {
                f"resp{p}": _expectations(c, ref.replay(c.steps, p, pipeline=False, setup=setup))
                for p in (2, 3)
            }
        groups.setdefault(c.group, []).append(doc)
    for g, docs in groups.items():
        (out_dir / f"{g}.json").write_text(json.dumps({
            "format": FORMAT,
            "version": VERSION,
            "redis_version": load_facts()["redis_version"],
            "group": g,
            "cases": docs,
        }, indent=1, ensure_ascii=False) + "\n")
    return {g: len(d) for g, d in groups.items()}


# --------------------------------------------------------------------------- run


def read_skiplist(path: Path) -> dict[str, str]:
    """A skiplist: a JSON object ``{case id: reason}``, or text lines ``case id => reason``
    (``#`` starts a comment line). A case id is ``group/name``, optionally ``@resp2`` /
    ``@resp3`` to skip one protocol only."""
    text = path.read_text()
    if text.lstrip().startswith("{"):
        return {str(k): str(v) for k, v in json.loads(text).items()}
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cid, _, reason = line.partition("=>")
        out[cid.strip()] = reason.strip() or "skipped"
    return out


class UnknownCompare(Exception):
    """A vector names a compare mode this runner does not know (a case module's own
    normaliser): the case is skipped, not failed."""


@dataclass
class VectorResult:
    group: str
    case: str
    variant: str
    status: str  # "pass" | "fail" | "skip" | "error"
    detail: str = ""

    @property
    def id(self) -> str:
        return f"{self.group}/{self.case}@{self.variant}"


def _show(b: bytes | None) -> str:
    if b is None:
        return "(nothing)"
    s = repr(b)
    return s if len(s) < 300 else s[:297] + "..."


def check_records(expect: list[dict[str, Any]], got: list[Record],
                  argv_of: Any) -> str | None:
    """Compare a replay with the expectations, client by client; None when they agree."""
    clients = sorted({e["client"] for e in expect} | {r.conn for r in got})
    for n in clients:
        exp = [e for e in expect if e["client"] == n]
        act = [r.frame for r in got if r.conn == n]
        for k in range(max(len(exp), len(act))):
            e = exp[k] if k < len(exp) else None
            a = act[k] if k < len(act) else None
            want = None if e is None else (CLOSED if e.get("closed") else dec(e["frame"]))
            names = [] if e is None or e["compare"] == "exact" else list(e["compare"])
            unknown = [x for x in names if x not in NORMALISERS]
            if unknown:
                raise UnknownCompare(", ".join(unknown))
            fn = normaliser(names) if names else None
            if want is not None and a is not None and fn is not None and want != CLOSED:
                ok = fn(want) == fn(a)
            else:
                ok = want == a
            if not ok:
                step = e["step"] if e is not None else None
                return (f"client {n}, frame {k} (step {step}: {argv_of(step)}): "
                        f"expected {_show(want)} [{'+'.join(names) or 'exact'}], "
                        f"got {_show(a)}")
    return None


def run(target: ServerTarget, directory: Path, skip: dict[str, str] | None = None,
        groups: Sequence[str] | None = None,
        progress: Any = None) -> list[VectorResult]:
    """Replay every vector file in ``directory`` on ``target``."""
    skip = skip or {}
    results: list[VectorResult] = []
    baseline: dict[bytes, bytes] | None = None
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text())
        if doc.get("format") != FORMAT:
            continue
        if doc.get("version") != VERSION:
            raise DiffError(f"{path}: vectors version {doc.get('version')}, expected {VERSION}")
        g = doc["group"]
        if groups and g not in groups:
            continue
        for case in doc["cases"]:
            for variant, expect in case["expect"].items():
                rid = f"{g}/{case['name']}"
                reason = skip.get(f"{rid}@{variant}", skip.get(rid))
                if reason is not None:
                    results.append(VectorResult(g, case["name"], variant, "skip", reason))
                    continue
                try:
                    if variant == "raw":
                        target.reset()
                        chunks = [base64.b64decode(s["raw"]) for s in case["steps"]]
                        want = dec(expect["bytes"])
                        got = target.replay_raw(chunks, 0.2, len(want), expect["closed"])
                        body = b"".join(f for f in got if f != CLOSED)
                        if body == want and (CLOSED in got) == expect["closed"]:
                            results.append(VectorResult(g, case["name"], variant, "pass"))
                        else:
                            results.append(VectorResult(
                                g, case["name"], variant, "fail",
                                f"expected {_show(want)} closed={expect['closed']}, "
                                f"got {_show(body)} closed={CLOSED in got}"))
                        continue
                    steps = [(s["client"], [dec(a) for a in s["argv"]]) for s in case["steps"]]
                    ticks = {i: s["tick_ms"] for i, s in enumerate(case["steps"]) if "tick_ms" in s}
                    config = any(argv and argv[0].lower() == b"config" for _, argv in steps)
                    if config and baseline is None:
                        baseline = _config(target)
                    target.reset()
                    for argv in setup_commands(steps)[1:]:
                        if argv == [b"CLIENT", b"LIST"]:
                            _settle(target)
                        else:
                            target.setup_call(*argv)
                    got_recs = target.replay(steps, int(variant[-1]), ticks=ticks or None,
                                             pipeline=False)

                    def argv_of(i: int | None, steps: list[tuple[int, list[bytes]]] = steps
                                ) -> str:
                        if i is None:
                            return "?"
                        if i == HELLO_STEP:
                            return "HELLO 3"
                        if i >= len(steps):
                            return "PING"
                        return b" ".join(steps[i][1]).decode("utf-8", "backslashreplace")[:80]

                    problem = check_records(expect, got_recs, argv_of)
                    results.append(VectorResult(g, case["name"], variant,
                                                "pass" if problem is None else "fail",
                                                problem or ""))
                    if config and baseline:
                        _restore(target, baseline)
                except UnknownCompare as e:
                    results.append(VectorResult(g, case["name"], variant, "skip",
                                                f"compare mode not known to this runner: {e}"))
                except (DiffError, OSError) as e:
                    results.append(VectorResult(g, case["name"], variant, "error", str(e)))
                    target.close()
                finally:
                    if progress is not None:
                        progress()
    return results


def _config(target: ServerTarget) -> dict[bytes, bytes] | None:
    from redspec.spec.frames import parse

    r = target.setup_call("CONFIG", "GET", "*")
    if r[:1] not in (b"*", b"%"):
        return None
    ch = parse(r).children or []
    return {ch[i].payload or b"": ch[i + 1].payload or b"" for i in range(0, len(ch) - 1, 2)}


def _restore(target: ServerTarget, baseline: dict[bytes, bytes]) -> None:
    """Put back configuration parameters a case changed."""
    now = _config(target) or {}
    for k, v in now.items():
        if k in baseline and baseline[k] != v:
            target.setup_call("CONFIG", "SET", k, baseline[k])


def _settle(target: ServerTarget, timeout: float = 2.0) -> None:
    """Wait until the setup connection is the only client (CLIENT LIST has one line)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = target.setup_call("CLIENT", "LIST")
        if r[:1] not in (b"$", b"="):
            return
        if r.split(b"\r\n", 1)[1][:-2].count(b"\n") <= 1:
            return
        time.sleep(0.005)


def count_files(directory: Path) -> int:
    """How many variants the vector files in ``directory`` hold (for progress)."""
    n = 0
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text())
        if doc.get("format") == FORMAT:
            n += sum(len(c["expect"]) for c in doc["cases"])
    return n
