"""Rubrics as data, and checking a D2 model against one.

A rubric is a YAML file (``docs/tutorials/<mechanism>/rubric.yaml``; the format is
docs/formats/rubric.md). It names concepts (each a list of regular expressions, any of which
matching a shape's id or label, or an edge's label, makes that element stand for the concept)
and items of four kinds:

- ``structure``: the artifact kind the tutorial asks for (``flowchart``, ``sequence``,
  ``state_machine``, ``data_model``, ``architecture``);
- ``path``: a runtime path that must be present: concepts in order, each reached from the one
  before along the edges (a labelled edge counts as a step of its own, so ``cron -> db:
  sample`` carries the concept "sample");
- ``order``: messages of a sequence diagram that must appear in this order (each concept
  matched against ``sender -> receiver: label``; other messages may come between);
- ``invariant``: an edge the model must not have (``forbid: {from, to, label}``), or two
  messages of a sequence diagram in an order the spec never produces (``forbid_order: [a,
  b]``: a message matching ``a`` followed, later, by one matching ``b``; ``[a, b, c]``: a
  ``b`` after an ``a`` before the next ``c``): drawing it breaks a rule the spec keeps.

Each item names the spec function or property that makes it true (``spec``), the Redis source
function to read (``redis``) and its feedback: ``holds`` (what is right), ``missing`` or
``breaks`` (what is wrong), ``revision`` (the next concrete change).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .d2 import Edge, Model, Path_

__all__ = ["Item", "Rubric", "Verdict", "load", "check", "KINDS", "STRUCTURES"]

KINDS = ("structure", "path", "order", "invariant")
STRUCTURES = ("flowchart", "sequence", "state_machine", "data_model", "architecture")


@dataclass(frozen=True)
class Item:
    """One rubric item."""

    id: str
    kind: str
    spec: str
    redis: str
    holds: str
    fail: str  # the ``missing`` text of a path / structure, the ``breaks`` text of an invariant
    revision: str
    path: tuple[str, ...] = ()  # the concepts of a path, or of an order
    forbid_order: tuple[str, ...] = ()
    forbid: tuple[tuple[str, str], ...] = ()  # (role, concept): role is from / to / label
    structure: str = ""


@dataclass
class Rubric:
    mechanism: str
    title: str
    artifact: str
    concepts: dict[str, list[re.Pattern[str]]]
    items: list[Item]
    machine: str = ""  # a state-machine comparison of review.machines, if any
    source: Path | None = None


@dataclass
class Verdict:
    """The outcome of one item: ``status`` is holds / missing / breaks."""

    item: Item
    status: str
    detail: str = ""
    where: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        it = self.item
        return {"id": it.id, "kind": it.kind, "status": self.status, "detail": self.detail,
                "where": self.where, "spec": it.spec, "redis": it.redis,
                "feedback": it.holds if self.status == "holds" else it.fail,
                "revision": "" if self.status == "holds" else it.revision}


class RubricError(ValueError):
    """A rubric file that does not follow the format."""


def _need(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d:
        raise RubricError(f"{where}: missing '{key}'")
    return d[key]


def _item(d: dict[str, Any], concepts: dict[str, Any], where: str) -> Item:
    iid = str(_need(d, "id", where))
    where = f"{where} item {iid}"
    kind = str(_need(d, "kind", where))
    if kind not in KINDS:
        raise RubricError(f"{where}: kind must be one of {KINDS}")
    fb = _need(d, "feedback", where)
    fail_key = "breaks" if kind == "invariant" else "missing"
    common: dict[str, Any] = dict(id=iid, kind=kind, spec=str(_need(d, "spec", where)),
                  redis=str(_need(d, "redis", where)), holds=str(_need(fb, "holds", where)),
                  fail=str(_need(fb, fail_key, where)),
                  revision=str(_need(fb, "revision", where)))
    if kind in ("path", "order"):
        path = tuple(str(c) for c in _need(d, kind, where))
        for c in path:
            if c not in concepts:
                raise RubricError(f"{where}: unknown concept {c}")
        return Item(**common, path=path)
    if kind == "invariant" and "forbid_order" in d:
        seq = tuple(str(c) for c in d["forbid_order"])
        if len(seq) not in (2, 3) or any(c not in concepts for c in seq):
            raise RubricError(f"{where}: forbid_order needs two (or three) known concepts")
        return Item(**common, forbid_order=seq)
    if kind == "invariant":
        forbid = _need(d, "forbid", where)
        roles = tuple((str(r), str(forbid[r])) for r in ("from", "to", "label") if r in forbid)
        for _, c in roles:
            if c not in concepts:
                raise RubricError(f"{where}: unknown concept {c}")
        if not roles:
            raise RubricError(f"{where}: forbid needs from, to or label")
        return Item(**common, forbid=roles)
    structure = str(_need(d, "structure", where))
    if structure not in STRUCTURES:
        raise RubricError(f"{where}: structure must be one of {STRUCTURES}")
    return Item(**common, structure=structure)


def load(path: Path) -> Rubric:
    """Read and check one rubric file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = str(path)
    concepts_raw = _need(data, "concepts", where)
    concepts = {str(k): [re.compile(p, re.IGNORECASE) for p in v]
                for k, v in concepts_raw.items()}
    items = [_item(d, concepts, where) for d in _need(data, "items", where)]
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise RubricError(f"{where}: item ids repeat")
    return Rubric(str(_need(data, "mechanism", where)), str(data.get("title", "")),
                  str(_need(data, "artifact", where)), concepts, items,
                  str(data.get("machine", "")), path)


# -- the graph a path walks ------------------------------------------------------------------

Node = tuple[str, Any]  # ("shape", path) or ("edge", order)


@dataclass
class Graph:
    """Shapes and labelled edges as nodes: ``a -> b: label`` is a -> [label] -> b. A container
    reaches its children, and a field of a ``sql_table`` / ``class`` is matched with its table's
    id and label as well as its own (reaching a field is reaching its table)."""

    text: dict[Node, str]
    succ: dict[Node, list[Node]]
    edge_of: dict[Node, Edge]

    def name(self, n: Node) -> str:
        if n[0] == "shape":
            return ".".join(n[1])
        e = self.edge_of[n]
        return f"{'.'.join(e.src)} -> {'.'.join(e.dst)}: {e.label}"


def _norm(s: str) -> str:
    return " ".join(s.replace("\n", " ").split())


def shape_text(model: Model, p: Path_) -> str:
    """What concepts are matched against for a shape: its id and label, and for a field of a
    ``sql_table`` / ``class``, its table's too."""
    own = model.shapes[p].text()
    parent = model.shapes.get(p[:-1]) if len(p) > 1 else None
    if parent is not None and parent.kind in ("sql_table", "class"):
        own = f"{own} {parent.text()}"  # a field stands for its table too
    return _norm(own)


def graph(model: Model) -> Graph:
    text: dict[Node, str] = {}
    succ: dict[Node, list[Node]] = {}
    edge_of: dict[Node, Edge] = {}
    for p in model.shapes:
        text[("shape", p)] = shape_text(model, p)
        succ[("shape", p)] = []
    for p, s in model.shapes.items():  # a container reaches what it contains
        succ[("shape", p)].extend(("shape", c) for c in s.children)
    for e in model.edges:
        a, b = ("shape", e.src), ("shape", e.dst)
        if e.label:
            n: Node = ("edge", e.order)
            text[n] = _norm(e.label)
            edge_of[n] = e
            succ[n] = [b]
            succ[a].append(n)
        else:
            succ[a].append(b)
    return Graph(text, succ, edge_of)


def matches(rubric: Rubric, concept: str, text: str) -> bool:
    return any(p.search(text) for p in rubric.concepts[concept])


def _reach(g: Graph, starts: set[Node]) -> set[Node]:
    """Every node reachable from ``starts`` in one or more steps."""
    seen: set[Node] = set()
    todo = deque(starts)
    while todo:
        n = todo.popleft()
        for m in g.succ.get(n, []):
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def check_path(rubric: Rubric, item: Item, g: Graph) -> Verdict:
    """A required runtime path: each concept reached from a match of the one before."""
    front = {n for n, t in g.text.items() if matches(rubric, item.path[0], t)}
    if not front:
        return Verdict(item, "missing", f"nothing in the model stands for '{item.path[0]}'")
    trail = [item.path[0]]
    for concept in item.path[1:]:
        here = {n for n, t in g.text.items() if matches(rubric, concept, t)}
        if not here:
            return Verdict(item, "missing", f"nothing in the model stands for '{concept}'")
        nxt = _reach(g, front) & here
        if not nxt:
            return Verdict(item, "missing", f"no edge path from '{trail[-1]}' to '{concept}' "
                           f"(after {' -> '.join(trail)})")
        front = nxt
        trail.append(concept)
    return Verdict(item, "holds", " -> ".join(item.path), sorted(g.name(n) for n in front))


def _messages(model: Model) -> list[str]:
    """Every message of every sequence diagram, in order, as ``sender -> receiver: label``."""
    out = []
    for seq in model.sequence_diagrams():
        for e in model.messages(seq):
            src, dst = model.shapes[e.src], model.shapes[e.dst]
            out.append(_norm(f"{src.text()} -> {dst.text()}: {e.label}"))
    return out


def check_order(rubric: Rubric, item: Item, model: Model) -> Verdict:
    """Messages in a required order: each concept matched by a later message than the one
    before."""
    msgs = _messages(model)
    at = -1
    for concept in item.path:
        nxt = next((i for i in range(at + 1, len(msgs)) if matches(rubric, concept, msgs[i])),
                   None)
        if nxt is None:
            anywhere = any(matches(rubric, concept, m) for m in msgs)
            return Verdict(item, "missing",
                           f"no message for '{concept}'" + (" after the one before" if anywhere
                                                            else ""))
        at = nxt
    return Verdict(item, "holds", " then ".join(item.path))


def check_forbidden_order(rubric: Rubric, item: Item, model: Model) -> Verdict:
    """Two messages in an order the spec never produces: ``[first, then]`` forbids a ``then``
    anywhere after a ``first``; ``[first, then, until]`` only before the next ``until``."""
    first, then = item.forbid_order[:2]
    until = item.forbid_order[2] if len(item.forbid_order) == 3 else None
    msgs = _messages(model)
    for i, m in enumerate(msgs):
        if matches(rubric, first, m):
            for x in msgs[i + 1:]:
                if matches(rubric, then, x):
                    why = f"'{then}' after '{first}'" + (f" before '{until}'" if until else "")
                    return Verdict(item, "breaks", why, [m, x])
                if until is not None and matches(rubric, until, x):
                    break
    return Verdict(item, "holds", "no such order")


def check_invariant(rubric: Rubric, item: Item, model: Model) -> Verdict:
    """A forbidden edge: one whose source, target and label match what ``forbid`` names."""
    roles = dict(item.forbid)
    bad = []
    for e in model.edges:
        if "from" in roles and not matches(rubric, roles["from"], shape_text(model, e.src)):
            continue
        if "to" in roles and not matches(rubric, roles["to"], shape_text(model, e.dst)):
            continue
        if "label" in roles and not matches(rubric, roles["label"], _norm(e.label)):
            continue
        bad.append(f"{'.'.join(e.src)} -> {'.'.join(e.dst)}" + (f": {e.label}" if e.label
                                                                  else ""))
    if bad:
        return Verdict(item, "breaks", f"{len(bad)} edge(s) the spec forbids", bad)
    return Verdict(item, "holds", "no such edge")


def artifact_kind(model: Model) -> str:
    """The D2 artifact kind a model is drawn as."""
    if model.sequence_diagrams():
        return "sequence"
    if model.tables() and len(model.tables()) * 2 >= len([s for s in model.shapes.values()
                                                          if not s.parent]):
        return "data_model"
    labelled = [e for e in model.edges if e.label]
    events = [e for e in labelled if "/" in e.label]
    if model.edges and len(events) * 2 >= len(model.edges):
        return "state_machine"
    if model.edges and len(model.containers()) * 2 > len(model.leaves()):
        return "architecture"
    if model.edges:
        return "flowchart"
    return "none"


def check_structure(item: Item, model: Model) -> Verdict:
    got = artifact_kind(model)
    if got == item.structure:
        return Verdict(item, "holds", f"drawn as a {got}")
    return Verdict(item, "missing", f"asked for a {item.structure}, the model reads as: {got}")


def check(rubric: Rubric, model: Model) -> list[Verdict]:
    """Every item of ``rubric`` against ``model``, in the rubric's order."""
    g = graph(model)
    out = []
    for item in rubric.items:
        if item.kind == "path":
            out.append(check_path(rubric, item, g))
        elif item.kind == "order":
            out.append(check_order(rubric, item, model))
        elif item.forbid_order:
            out.append(check_forbidden_order(rubric, item, model))
        elif item.kind == "invariant":
            out.append(check_invariant(rubric, item, model))
        else:
            out.append(check_structure(item, model))
    return out


def next_revision(verdicts: list[Verdict]) -> Verdict | None:
    """The one change to make next: a broken invariant first, then the artifact kind, then the
    first missing path."""
    for want in ("invariant", "structure", "path", "order"):
        for v in verdicts:
            if v.status != "holds" and v.item.kind == want:
                return v
    return None


def rubric_paths(root: Path) -> dict[str, Path]:
    """Mechanism name -> its rubric file, under ``root`` (docs/tutorials)."""
    return {p.parent.name: p for p in sorted(root.glob("*/rubric.yaml"))}

