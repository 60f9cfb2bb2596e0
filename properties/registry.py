"""Mechanism registry: discovers every invariant suite under ``properties/`` and runs it.

Each property module may declare ``MECHANISM = "keyspace"`` (a name or number from the 24
mechanisms of ``docs/status.md``); without it the mechanism is taken from the file name
(``test_hash_machine.py`` → ``hash``, ``z3_resp.py`` → ``resp``), so new suites are picked up
without registering them anywhere. In each module, discovery finds:

- Hypothesis state machines (``RuleBasedStateMachine`` subclasses defined there), run with
  ``run_state_machine_as_test``;
- module-level ``@given`` tests whose arguments all come from ``@given``;
- Z3 obligations: a module function ``obligations()`` returning objects with ``name``,
  ``mechanism`` and ``prove() -> z3kit.Proof`` (see ``properties/z3kit.py``);
- explorer models: a module attribute ``MODELS`` (or function ``models()``) of
  ``properties.explorer.Model`` objects, checked exhaustively.

:func:`run_item` runs one of them under an example budget and a deadline and returns an
:class:`Outcome` with counts, the verdict and, on failure, a replayable counterexample. A suite
that skips itself (``pytest.skip``, ``pytest.importorskip``, ``unittest.SkipTest``: an optional
accelerator such as hiredis or the C SipHash is absent) is skipped with its reason, not failed;
one the time budget left unrun is skipped and ``incomplete``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
import sys
import time
import traceback
import unittest
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MECHANISMS: list[tuple[int, str]] = [
    (1, "keyspace"), (2, "resp"), (3, "clients"), (4, "eventloop"), (5, "dispatch"),
    (6, "types"), (7, "rehash"), (8, "expire"), (9, "eviction"), (10, "typechoice"),
    (11, "pipelining"), (12, "transactions"), (13, "scripting"), (14, "pubsub"),
    (15, "streams"), (16, "rdb"), (17, "aof"), (18, "loading"), (19, "fullsync"),
    (20, "psync"), (21, "failover"), (22, "cluster"), (23, "ask"), (24, "commandpath"),
]
_BY_NUMBER = dict(MECHANISMS)
ALIASES = {
    "strings": "keyspace", "string": "keyspace", "keys": "keyspace",
    "protocol": "resp", "reply": "resp", "client": "clients", "table": "dispatch",
    "expiry": "expire", "expires": "expire", "expiration": "expire", "ttl": "expire",
    "multi": "transactions", "tx": "transactions", "lua": "scripting", "stream": "streams",
    "replication": "psync", "slots": "cluster",
    "script_busy": "scripting",
}
#: Modules that are machinery, not suites.
_SKIP = {"__init__", "registry", "z3kit"}


def canonical(name: str | int) -> str:
    """The mechanism name for a declared/requested name, alias or number."""
    s = str(name).strip().lower()
    if s.isdigit() and int(s) in _BY_NUMBER:
        return _BY_NUMBER[int(s)]
    return ALIASES.get(s, s)


def mechanism_from_filename(stem: str) -> str:
    """``test_hash_machine`` → ``hash``; ``z3_resp`` → ``resp``."""
    s = re.sub(r"^(test_|z3_)", "", stem)
    s = re.sub(r"_(machine|props|properties|model|models)$", "", s)
    return canonical(s)


@dataclass
class Item:
    """One runnable suite entry."""

    kind: str  # "machine" | "given" | "z3" | "explorer"
    name: str  # qualified, e.g. "test_keyspace_machine.KeyspaceMachine"
    mechanism: str
    module: str  # stem of the file, e.g. "test_keyspace_machine"
    obj: Any


@dataclass
class Outcome:
    """What running one item found."""

    item: Item
    held: bool = True
    examples: int = 0  # Hypothesis examples (machine runs / test cases)
    states: int = 0  # machine steps + initial states, or explorer distinct states
    proofs: int = 0  # Z3 obligations proved
    seconds: float = 0.0
    error: str = ""  # the failure message
    replay: str = ""  # a replayable counterexample script
    detail: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""  # why it did not run: the suite's own skip reason, or the budget's
    incomplete: bool = False  # not run because the time budget was exhausted


def skip_reason(e: BaseException) -> str | None:
    """The reason if ``e`` is a test skipping itself (``pytest.skip``/``importorskip``,
    ``unittest.SkipTest``), else None. Hypothesis re-raises these unchanged."""
    if isinstance(e, unittest.SkipTest):
        return str(e) or "skipped"
    pytest = sys.modules.get("pytest")  # a suite that skipped through pytest imported it
    if pytest is not None and isinstance(e, pytest.skip.Exception):
        return str(getattr(e, "msg", "") or e) or "skipped"
    return None


def _module_names() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in _SKIP)


def discover(wanted: Iterable[str] | None = None,
             errors: list[tuple[str, str]] | None = None) -> list[Item]:
    """Every item of every property module, optionally only those whose mechanism (or module
    stem, e.g. ``hash``) is in ``wanted``. Import errors are appended to ``errors``."""
    want = {canonical(w) for w in wanted} if wanted else None
    items: list[Item] = []
    for stem in _module_names():
        try:
            mod = importlib.import_module(f"redspec.properties.{stem}")
        except Exception as e:  # a broken suite must not hide the others
            # With a filter, a module that cannot be imported counts only when its file
            # name says it belongs to a wanted mechanism (MECHANISM is unknowable then).
            if errors is not None and (want is None or mechanism_from_filename(stem) in want):
                errors.append((stem, f"{type(e).__name__}: {e}"))
            continue
        declared = getattr(mod, "MECHANISM", None)
        mech = canonical(declared) if declared is not None else mechanism_from_filename(stem)
        if want is not None and mech not in want and mechanism_from_filename(stem) not in want:
            continue
        items.extend(_items_of(mod, stem, mech))
    return items


def _items_of(mod: Any, stem: str, mech: str) -> list[Item]:
    from hypothesis.stateful import RuleBasedStateMachine

    out: list[Item] = []
    for name, obj in vars(mod).items():
        if (inspect.isclass(obj) and issubclass(obj, RuleBasedStateMachine)
                and obj.__module__ == mod.__name__ and not inspect.isabstract(obj)):
            out.append(Item("machine", f"{stem}.{name}", mech, stem, obj))
        elif (callable(obj) and getattr(obj, "is_hypothesis_test", False)
              and name.startswith("test_") and getattr(obj, "__module__", "") == mod.__name__):
            given = set(obj.hypothesis._given_kwargs)
            params = set(inspect.signature(obj.hypothesis.inner_test).parameters)
            if params <= given:  # no pytest fixtures needed
                out.append(Item("given", f"{stem}.{name}", mech, stem, obj))
    obligations = getattr(mod, "obligations", None)
    if callable(obligations) and getattr(obligations, "__module__", "") == mod.__name__:
        for o in obligations():
            out.append(Item("z3", f"{stem}: {o.name}", canonical(getattr(o, "mechanism", mech)),
                            stem, o))
    models = getattr(mod, "MODELS", None)
    if models is None and callable(getattr(mod, "models", None)):
        models = mod.models()
    for m in models or ():
        out.append(Item("explorer", f"{stem}: {m.name}", canonical(getattr(m, "mechanism", mech)),
                        stem, m))
    return out


# -- running ---------------------------------------------------------------------------------


@dataclass
class Budget:
    examples: int = 100
    seed: int | None = None  # None: derandomized (the same examples every run)
    deadline: float = float("inf")  # time.monotonic() after which no new chunk starts
    chunk: int = 25  # examples per Hypothesis run between deadline checks
    step_count: int | None = None  # stateful_step_count override


def _settings(n: int, seed_for_chunk: int | None, budget: Budget, steps: int | None) -> Any:
    from hypothesis import HealthCheck, settings

    kw: dict[str, Any] = dict(max_examples=n, deadline=None, database=None,
                              suppress_health_check=list(HealthCheck),
                              report_multiple_bugs=False, derandomize=seed_for_chunk is None)
    if steps is not None:
        kw["stateful_step_count"] = steps
    return settings(**kw)


def _as_python(notes: str) -> str:
    """Hypothesis' failure notes as Python: the example's code kept, prose commented out."""
    out = []
    for line in notes.splitlines():
        if line.startswith("Falsifying example: "):
            out.append(line[len("Falsifying example: "):])
        elif line.startswith(("Failing test case", "You can reproduce", "Explanation",
                              "Falsifying", "Trying example", "Draw ", "@reproduce")):
            out.append("# " + line)
        else:
            out.append(line)
    return "\n".join(out)


def _failure_text(e: BaseException) -> tuple[str, str]:
    """(message, Hypothesis' falsifying example notes)."""
    notes = "\n".join(getattr(e, "__notes__", []) or [])
    msg = "".join(traceback.format_exception_only(type(e), e)).strip()
    # format_exception_only appends the notes; keep them apart
    if notes and msg.endswith(notes):
        msg = msg[: -len(notes)].rstrip()
    return msg, notes


class _Recorder:
    """Records what a state machine sends through the spec's client transitions, so a failure
    can be replayed as redis-cli commands. Reset whenever a new machine is built (the last
    run Hypothesis makes is the shrunk failing example)."""

    def __init__(self) -> None:
        self.log: list[tuple[int, list[bytes], int]] = []  # (client id, argv, now_ms)

    def wrap_run_command(self, f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def run_command(state: Any, cid: int, argv: list[bytes], now_ms: int, *a: Any,
                        **k: Any) -> Any:
            self.log.append((cid, list(argv), now_ms))
            return f(state, cid, argv, now_ms, *a, **k)
        return run_command

    def wrap_client_input(self, f: Callable[..., Any]) -> Callable[..., Any]:
        from redspec.spec.resp import Limits, parse_command

        @functools.wraps(f)
        def client_input(state: Any, cid: int, data: bytes, now_ms: int, *a: Any,
                         **k: Any) -> Any:
            pos, limits = 0, Limits(max_bulk_len=1 << 40, query_buffer_limit=1 << 40)
            while pos < len(data):
                try:
                    argv, pos2 = parse_command(data, pos, limits)
                except Exception:
                    break
                if not isinstance(argv, list) or pos2 <= pos:
                    break
                if argv:
                    self.log.append((cid, argv, now_ms))
                pos = pos2
            return f(state, cid, data, now_ms, *a, **k)
        return client_input

    def patch(self, module: Any) -> Callable[[], None]:
        """Install the wrappers on ``spec.server`` and on ``module``'s own imported names;
        returns an undo function."""
        from redspec.spec import server

        undo: list[tuple[Any, str, Any]] = []
        wrappers = {"run_command": self.wrap_run_command, "client_input": self.wrap_client_input}
        originals = {n: getattr(server, n) for n in wrappers}
        for n, w in wrappers.items():
            wrapped = w(originals[n])
            for target in (server, module):
                for attr, val in list(vars(target).items()):
                    if val is originals[n]:
                        undo.append((target, attr, val))
                        setattr(target, attr, wrapped)

        def restore() -> None:
            for target, attr, val in reversed(undo):
                setattr(target, attr, val)
        return restore

    def script(self) -> str:
        return redis_cli_script(self.log)


def _quote(a: bytes) -> str:
    if a and re.fullmatch(rb"[A-Za-z0-9_.:\-+*/|@<>=]+", a):
        return a.decode()
    out = "".join(
        c if 32 <= ord(c) < 127 and c not in '"\\' else
        {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c, f"\\x{ord(c):02x}")
        for c in a.decode("latin-1"))
    return f'"{out}"'


def redis_cli_script(log: list[tuple[int, list[bytes], int]]) -> str:
    """The recorded commands as lines for ``redis-cli`` (one connection per client id; a
    comment marks each switch of client and each jump of the virtual clock)."""
    if not log:
        return ""
    lines: list[str] = []
    clients = sorted({c for c, _, _ in log})
    multi = len(clients) > 1
    t0, last_cid = log[0][2], None
    lines.append("# replay with: redis-cli -p PORT < this-file"
                 + ("  (one redis-cli per client: split at the '# client' lines)" if multi else ""))
    for cid, argv, now in log:
        if multi and cid != last_cid:
            lines.append(f"# client {cid}")
            last_cid = cid
        if now != t0:
            lines.append(f"# virtual clock: +{now - t0} ms")
            t0 = now
        lines.append(" ".join(_quote(a) for a in argv))
    return "\n".join(lines)


def _run_machine(item: Item, budget: Budget, out: Outcome) -> None:
    from hypothesis import seed as hseed
    from hypothesis.stateful import run_state_machine_as_test

    cls = item.obj
    mod = importlib.import_module(cls.__module__)
    rec = _Recorder()
    steps = [0]

    def factory() -> Any:
        rec.log.clear()
        m = cls()
        out.examples += 1
        orig = m.check_invariants

        def check_invariants(*a: Any, **k: Any) -> Any:
            steps[0] += 1
            return orig(*a, **k)
        m.check_invariants = check_invariants
        return m

    restore = rec.patch(mod)
    try:
        _chunks(budget, out, lambda n, s: run_state_machine_as_test(
            hseed(s)(factory) if s is not None else factory,
            settings=_settings(n, s, budget, budget.step_count)))
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt) or skip_reason(e) is not None:
            raise
        out.held = False
        out.error, notes = _failure_text(e)
        py = ""
        if notes:
            py = (f"# Python: replays through the spec\n"
                  f"from {mod.__name__} import {cls.__name__}\n{_as_python(notes)}")
        cli = rec.script()
        out.replay = (f"# redis-cli\n{cli}\n\n" if cli else "") + py
    finally:
        restore()
        out.states = steps[0]


def _chunks(budget: Budget, out: Outcome, run: Callable[[int, int | None], None]) -> None:
    """Run ``run(n, seed)`` in chunks until ``budget.examples`` or the deadline."""
    done, i = 0, 0
    while done < budget.examples:
        if done and time.monotonic() >= budget.deadline:
            out.detail["stopped"] = "deadline"
            break
        n = min(budget.chunk, budget.examples - done)
        s = None if budget.seed is None else budget.seed + i
        if budget.seed is None and i:
            s = 0x5EED + i  # later chunks need fresh examples: fixed, distinct seeds
        run(n, s)
        done += n
        i += 1


def _run_given(item: Item, budget: Budget, out: Outcome) -> None:
    from hypothesis import given
    from hypothesis import seed as hseed

    fn = item.obj
    inner = fn.hypothesis.inner_test

    @functools.wraps(inner)
    def counted(*a: Any, **k: Any) -> Any:
        out.examples += 1
        return inner(*a, **k)

    # ``wraps`` copies the inner test's ``__dict__``: drop Hypothesis's own markers (a
    # ``@settings`` written under ``@given``), or our settings could not be applied
    for attr in [a for a in vars(counted) if a.startswith("_hypothesis_internal")]:
        delattr(counted, attr)

    def run(n: int, s: int | None) -> None:
        t = given(**fn.hypothesis._given_kwargs)(counted)
        t = _settings(n, s, budget, None)(t)
        if s is not None:
            t = hseed(s)(t)
        t()

    try:
        _chunks(budget, out, run)
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt) or skip_reason(e) is not None:
            raise
        out.held = False
        out.error, notes = _failure_text(e)
        body = _as_python(notes).replace(f"{fn.__name__}(", f"{fn.__name__}.hypothesis.inner_test(", 1)
        out.replay = (f"# Python: replays through the spec\n"
                      f"from {fn.__module__} import {fn.__name__}\n{body}")
    out.states = out.examples


def _run_z3(item: Item, out: Outcome) -> None:
    proof = item.obj.prove()
    out.detail["checks"] = dict(proof.checks)
    if proof.held:
        out.proofs = 1
    else:
        out.held = False
        out.error = "; ".join(f"{k}: {v}" for k, v in proof.problems.items())
        ce = proof.counterexample or {}
        out.replay = ("# Z3 counterexample:\n" + "\n".join(f"# {k} = {v}" for k, v in ce.items()))
        replayed = getattr(proof, "replay", None)
        if replayed:
            out.detail["replay"] = replayed
            out.replay += f"\n# replayed through the Python transition: {replayed}"
            if getattr(proof, "replay_script", None):
                out.replay += "\n" + proof.replay_script


def _run_explorer(item: Item, budget: Budget, out: Outcome) -> None:
    from .explorer import explore

    res = item.obj.check() if hasattr(item.obj, "check") else explore(item.obj)
    out.states = res.distinct
    out.detail.update(distinct=res.distinct, depth=res.depth, states_per_s=round(res.rate),
                      expected=getattr(item.obj, "expected_distinct", None))
    if res.violation is not None:
        out.held = False
        out.error = f"invariant {res.violation.invariant!r} violated"
        out.replay = res.violation.script()
    exp = getattr(item.obj, "expected_distinct", None)
    if res.violation is None and exp is not None and exp != res.distinct:
        out.held = False
        out.error = f"distinct states {res.distinct}, expected {exp} (tla/ configuration)"


def run_item(item: Item, budget: Budget) -> Outcome:
    """Run one item within ``budget``; never raises for a failing property."""
    out = Outcome(item)
    if time.monotonic() >= budget.deadline:
        out.skipped, out.incomplete = "time budget exhausted", True
        return out
    t0 = time.perf_counter()
    try:
        if item.kind == "machine":
            _run_machine(item, budget, out)
        elif item.kind == "given":
            _run_given(item, budget, out)
        elif item.kind == "z3":
            _run_z3(item, out)
        elif item.kind == "explorer":
            _run_explorer(item, budget, out)
    except BaseException as e:
        reason = skip_reason(e)
        if reason is not None:  # the suite does not apply here: not run, not failed
            out.skipped = reason
            out.examples = out.states = 0
        elif isinstance(e, Exception):  # the runner itself failed: report, do not crash
            out.held = False
            out.error = f"{type(e).__name__}: {e}"
        else:
            raise
    out.seconds = time.perf_counter() - t0
    return out
