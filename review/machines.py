"""State-machine comparison: the learner's machine and the spec, event by event.

A learner who draws a state machine labels its transitions ``EVENT / REPLY`` (``MULTI / OK``,
``EXEC / nil``). For a mechanism with an event alphabet here (MULTI/WATCH, the client
lifecycle, BLPOP, one stream entry in a consumer group), :func:`compare` walks every sequence of events breadth first, through the
learner's machine and through the spec (``spec.server.client_input``, one RESP request per
event, on a fresh server), and returns the shortest sequence after which the reply the
learner's machine predicts is not the one the spec gives: a counterexample, written as a
redis-cli script.

Conventions of the learner's machine (docs/formats/rubric.md):

- the initial state is the target of the edge leaving a shape with id ``start``; without one,
  the first state declared;
- an event with no edge leaving a state leaves the state as it is; its reply is an error for
  the client's own command, and nothing for another client's action (``other: SET k``);
- a reply written ``-`` (or no reply after the ``/``) means nothing is sent to this client.

The breadth-first walk is over pairs (learner state, the spec state's projection on what the
mechanism is about), so it ends; the projection is per machine (:class:`Machine.project`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redspec.spec.frames import Frame, parse, parse_all
from redspec.spec.networking import client_writable
from redspec.spec.server import client_connect, client_input, new_server
from redspec.spec.state import ServerState

from .d2 import Edge, Model, Path_

__all__ = ["Event", "Machine", "MACHINES", "Counterexample", "compare", "learner_machine"]


@dataclass(frozen=True)
class Event:
    """One event of the alphabet: its name, what a label may call it, and the command it is
    (sent by client 1, or by client 2 when ``other``)."""

    name: str
    argv: tuple[bytes, ...]
    synonyms: tuple[str, ...] = ()
    other: bool = False
    #: Commands the same client sends first, as part of the event (their replies are not
    #: compared): e.g. DEL k before RPUSH k v, so the list never holds more than one element.
    before: tuple[tuple[bytes, ...], ...] = ()

    def cli(self) -> str:
        prompt = "(2) 127.0.0.1:6379> " if self.other else "127.0.0.1:6379> "
        lines = []
        for argv in (*self.before, self.argv):
            words = " ".join(a.decode().replace("{me}", "<id of the first client>")
                             for a in argv)
            lines.append(prompt + words)
        return "\n".join(lines)


@dataclass(frozen=True)
class Machine:
    """A mechanism's alphabet, reply classes and spec-state projection."""

    name: str
    events: tuple[Event, ...]
    config: tuple[tuple[str, Any], ...]
    project: Callable[[ServerState, int], Any]
    classify: Callable[[bytes], str]
    outputs: dict[str, tuple[str, ...]]  # reply class -> what a label may call it
    depth: int = 7
    setup: tuple[tuple[bytes, ...], ...] = ()
    #: Whether this client can type while the spec state is so (a blocked redis-cli cannot).
    can_type: Callable[[ServerState, int], bool] = lambda state, cid: True


def _norm(s: str) -> str:
    return " ".join(s.replace("\n", " ").lower().replace("'", "").split())


def _reply_class_tx(frame: bytes) -> str:
    """The reply classes MULTI/WATCH distinguishes."""
    if not frame:
        return "none"
    f = parse(frame)
    if f.kind == b"+":
        return f.head.decode().lower()  # ok, queued
    if f.kind == b"-":
        return "error"
    if f.kind == b"*":
        return "nil" if int(f.head) < 0 else "array"
    if f.kind == b"$":
        return "nil" if f.payload is None else "value"
    return "other"


def _first_word(f: Frame) -> str:
    if f.children:
        c = f.children[0]
        return (c.payload or c.head).decode().lower()
    return ""


def _reply_class_client(frame: bytes) -> str:
    """The reply classes of the client lifecycle."""
    if not frame:
        return "none"
    f = parse(frame)
    if f.kind == b"+":
        return f.head.decode().lower()  # ok, pong, reset
    if f.kind == b"-":
        code = f.head.split(b" ", 1)[0].decode()
        return code.lower() if code in ("NOAUTH", "WRONGPASS") else "error"
    if f.kind == b"*":
        return {"pong": "pong", "subscribe": "subscribed",
                "unsubscribe": "unsubscribed"}.get(_first_word(f), "array")
    if f.kind == b"$":
        return "nil" if f.payload is None else "value"
    return "other"


def _tx_project(state: ServerState, cid: int) -> Any:
    c = state.clients[cid]
    i = c.info
    return (i.multi >= 0, min(len(i.mstate), 1), frozenset(i.flags & {"dirty_cas", "dirty_exec"}),
            i.watched, b"k" in state.dbs[0].keys)


def _client_project(state: ServerState, cid: int) -> Any:
    c = state.clients.get(cid)
    if c is None:
        return ("gone",)
    i = c.info
    return (i.authenticated, tuple(i.pubsub_channels.keys()), i.closing, i.multi >= 0)


TRANSACTIONS = Machine(
    name="transactions",
    events=(
        Event("WATCH k", (b"WATCH", b"k"), ("watch",)),
        Event("UNWATCH", (b"UNWATCH",), ("unwatch",)),
        Event("MULTI", (b"MULTI",), ("multi",)),
        Event("SET k v", (b"SET", b"k", b"v"), ("set k", "set")),
        Event("other: SET k v", (b"SET", b"k", b"v"),
              ("other set k", "other client set k", "other: set k", "another client sets k",
               "other: set k v", "touch k", "other client writes k"), other=True),
        Event("EXEC", (b"EXEC",), ("exec",)),
        Event("DISCARD", (b"DISCARD",), ("discard",)),
    ),
    config=(),
    project=_tx_project,
    classify=_reply_class_tx,
    outputs={"ok": ("ok", "+ok"), "queued": ("queued", "+queued"),
             "nil": ("nil", "(nil)", "null", "*-1", "aborted"),
             "array": ("array", "results", "replies", "runs queue", "ran"),
             "error": ("error", "err", "-err", "refused"), "none": ("-", "", "none", "nothing")},
)

CLIENTS = Machine(
    name="clients",
    events=(
        Event("AUTH pw", (b"AUTH", b"pw"), ("auth pw", "auth good", "auth (right password)",
                                           "auth")),
        Event("AUTH wrong", (b"AUTH", b"wrong"), ("auth wrong", "auth bad",
                                                  "auth (wrong password)")),
        Event("PING", (b"PING",), ("ping",)),
        Event("GET k", (b"GET", b"k"), ("get k", "get", "command")),
        Event("SUBSCRIBE ch", (b"SUBSCRIBE", b"ch"), ("subscribe ch", "subscribe")),
        Event("UNSUBSCRIBE ch", (b"UNSUBSCRIBE", b"ch"), ("unsubscribe ch", "unsubscribe")),
        Event("RESET", (b"RESET",), ("reset",)),
        Event("QUIT", (b"QUIT",), ("quit",)),
    ),
    config=(("requirepass", "pw"),),
    project=_client_project,
    classify=_reply_class_client,
    outputs={"ok": ("ok", "+ok"), "pong": ("pong", "+pong"), "reset": ("reset", "+reset"),
             "noauth": ("noauth", "-noauth"), "wrongpass": ("wrongpass", "-wrongpass"),
             "error": ("error", "err", "-err", "refused"),
             "subscribed": ("subscribed", "subscribe", "subscribe confirmation"),
             "unsubscribed": ("unsubscribed", "unsubscribe", "unsubscribe confirmation"),
             "nil": ("nil", "(nil)", "null"), "value": ("value",),
             "none": ("-", "", "none", "nothing")},
)

def _reply_class_blocking(frame: bytes) -> str:
    """The reply classes of blocking list pops."""
    if not frame:
        return "none"
    f = parse(frame)
    if f.kind == b"*":
        return "nil" if int(f.head) < 0 else "array"
    if f.kind == b"$":
        return "nil" if f.payload is None else "value"
    if f.kind == b":":
        return "integer"
    if f.kind == b"-":
        return "error"
    return "other"


def _blocking_project(state: ServerState, cid: int) -> Any:
    c = state.clients[cid]
    lst = state.dbs[0].keys.get(b"k")
    return (c.info.bpop is not None, len(lst) if lst is not None else 0)


def _not_blocked(state: ServerState, cid: int) -> bool:
    return state.clients[cid].info.bpop is None


BLOCKING = Machine(
    name="blocking",
    events=(
        Event("BLPOP k 0", (b"BLPOP", b"k", b"0"), ("blpop k 0", "blpop k", "blpop")),
        Event("LPOP k", (b"LPOP", b"k"), ("lpop k", "lpop")),
        Event("other: RPUSH k v", (b"RPUSH", b"k", b"v"),
              ("other: rpush k v", "other: rpush k", "other rpush k v", "other client pushes"),
              other=True, before=((b"DEL", b"k"),)),
        Event("other: CLIENT UNBLOCK", (b"CLIENT", b"UNBLOCK", b"{me}"),
              ("other: client unblock", "other client unblock", "client unblock"), other=True),
    ),
    config=(),
    project=_blocking_project,
    classify=_reply_class_blocking,
    outputs={"array": ("array", "key and value", "[k, v]", "served"), "nil": ("nil", "(nil)",
             "null"), "value": ("value", "v"), "integer": ("integer",),
             "error": ("error", "err"), "none": ("-", "", "none", "nothing", "blocks")},
    depth=6,
    can_type=_not_blocked,
)


def _reply_class_stream(frame: bytes) -> str:
    """The reply classes of one entry's life in a consumer group: XADD's ID, XACK's count,
    XREADGROUP's entry / empty history / nil, XCLAIM JUSTID's claimed ID or empty array."""
    if not frame:
        return "none"
    f = parse(frame)
    if f.kind == b"-":
        return "error"
    if f.kind == b":":
        return f.head.decode()  # XACK: "1" or "0"
    if f.kind == b"$":
        return "nil" if f.payload is None else "id"
    if f.kind == b"*":
        if int(f.head) < 0:
            return "nil"
        if f.children and f.children[0].kind == b"*":  # XREADGROUP: [[key, entries]]
            entries = f.children[0].children[1].children
            return "entry" if entries else "empty"
        return "claimed" if f.children else "empty"  # XCLAIM ... JUSTID: the IDs
    return "other"


def _stream_project(state: ServerState, cid: int) -> Any:
    """Entry 1-1's life in group g: whether it was added, whether the group delivered it,
    and which consumer holds it pending (None once acknowledged or never delivered)."""
    st = state.dbs[0].keys.get(b"s")
    if st is None or not hasattr(st, "groups") or b"g" not in st.groups:
        return ("no group",)
    g = st.groups[b"g"]
    nack = g.pel.get((1, 1))
    return (st.length, g.last_id >= (1, 1), nack.consumer if nack is not None else None)


STREAMS = Machine(
    name="streams",
    events=(
        Event("XADD s 1-1 f v", (b"XADD", b"s", b"1-1", b"f", b"v"), ("xadd", "xadd s 1-1")),
        Event("alice: XREADGROUP >", (b"XREADGROUP", b"GROUP", b"g", b"alice", b"STREAMS",
                                      b"s", b">"),
              ("xreadgroup group g alice streams s >", "alice reads new", "alice: read >",
               "alice xreadgroup >")),
        Event("bob: XREADGROUP >", (b"XREADGROUP", b"GROUP", b"g", b"bob", b"STREAMS",
                                    b"s", b">"),
              ("xreadgroup group g bob streams s >", "bob reads new", "bob: read >",
               "bob xreadgroup >")),
        Event("alice: XREADGROUP 0", (b"XREADGROUP", b"GROUP", b"g", b"alice", b"STREAMS",
                                      b"s", b"0"),
              ("xreadgroup group g alice streams s 0", "alice reads her pending",
               "alice: read 0", "alice xreadgroup 0")),
        Event("XACK", (b"XACK", b"s", b"g", b"1-1"), ("xack s g 1-1", "ack")),
        Event("bob: XCLAIM", (b"XCLAIM", b"s", b"g", b"bob", b"0", b"1-1", b"JUSTID"),
              ("xclaim s g bob 0 1-1 justid", "bob claims", "xclaim bob", "bob xclaim")),
    ),
    config=(),
    project=_stream_project,
    classify=_reply_class_stream,
    outputs={"id": ("id", "1-1", "\"1-1\"", "the id"), "1": ("1", "(integer) 1", "acked"),
             "0": ("0", "(integer) 0"), "entry": ("entry", "the entry", "1-1 f v"),
             "empty": ("empty", "(empty array)", "empty array", "no entries"),
             "claimed": ("claimed", "[1-1]"), "nil": ("nil", "(nil)", "null"),
             "error": ("error", "err", "refused"), "none": ("-", "", "none", "nothing")},
    setup=((b"XGROUP", b"CREATE", b"s", b"g", b"$", b"MKSTREAM"),),
)

MACHINES = {m.name: m for m in (TRANSACTIONS, CLIENTS, BLOCKING, STREAMS)}


# -- the learner's machine -------------------------------------------------------------------


@dataclass
class Learner:
    """The learner's machine: (state, event) -> (next state, reply class)."""

    initial: Path_
    delta: dict[tuple[Path_, str], tuple[Path_, str]]
    unread: list[str]  # edge labels that name no event or no reply of the alphabet
    names: dict[Path_, str]


def _event_of(m: Machine, text: str) -> Event | None:
    t = _norm(text)
    cands = [(len(s), ev) for ev in m.events for s in (_norm(ev.name), *ev.synonyms)
             if t == _norm(s)]
    if cands:
        return max(cands, key=lambda c: c[0])[1]
    return None


def _output_of(m: Machine, text: str) -> str | None:
    """The reply class a label names; a remark in parentheses after it is allowed
    (``array (served)``)."""
    for t in (_norm(text), _norm(re.sub(r"\([^)]*\)", "", text))):
        for cls, syns in m.outputs.items():
            if t in syns or t == cls:
                return cls
    return None


def _split_label(label: str) -> tuple[str, str]:
    if "/" in label:
        ev, out = label.split("/", 1)
        return ev.strip(), out.strip()
    return label.strip(), "-"


def learner_machine(m: Machine, model: Model) -> Learner:
    """Read the learner's states and ``EVENT / REPLY`` transitions from a D2 model."""
    start = next((e for e in model.edges if e.src[-1].lower() == "start"), None)
    states = [p for p, s in model.shapes.items() if p[-1].lower() != "start" and not s.children]
    initial = start.dst if start is not None else (states[0] if states else ("?",))
    delta: dict[tuple[Path_, str], tuple[Path_, str]] = {}
    unread: list[str] = []
    for e in model.edges:
        if e.src[-1].lower() == "start":
            continue
        _learn(m, e, delta, unread)
    names = {p: " ".join(s.label.split()) for p, s in model.shapes.items()}
    return Learner(initial, delta, unread, names)


def _learn(m: Machine, e: Edge, delta: dict[tuple[Path_, str], tuple[Path_, str]],
           unread: list[str]) -> None:
    for part in e.label.split(";"):  # "MULTI / OK; EXEC / error" on one edge is two
        ev_text, out_text = _split_label(part)
        ev = _event_of(m, ev_text)
        out = _output_of(m, out_text)
        if ev is None or out is None:
            unread.append(f"{'.'.join(e.src)} -> {'.'.join(e.dst)}: {part.strip()}")
            continue
        delta[(e.src, ev.name)] = (e.dst, out)


def _learner_step(m: Machine, lm: Learner, st: Path_, ev: Event) -> tuple[Path_, str]:
    hit = lm.delta.get((st, ev.name))
    if hit is not None:
        return hit
    return st, ("none" if ev.other else "error")


# -- the spec side ---------------------------------------------------------------------------


def _resp(argv: tuple[bytes, ...]) -> bytes:
    out = [b"*%d\r\n" % len(argv)]
    for a in argv:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


@dataclass(frozen=True)
class SpecSide:
    state: ServerState
    me: int
    other: int
    closed: bool = False


def _spec_start(m: Machine) -> SpecSide:
    state = new_server(0, **dict(m.config))
    state, me = client_connect(state, 0)
    state, other = client_connect(state, 0)
    for argv in m.setup:
        state, _ = client_input(state, other, _resp(argv), 0)
    return SpecSide(state, me, other)


def _spec_step(m: Machine, side: SpecSide, ev: Event) -> tuple[SpecSide, str]:
    cid = side.other if ev.other else side.me
    state = side.state
    for pre in ev.before:
        state, _ = client_input(state, cid, _resp(pre), 0)
    argv = tuple(a.replace(b"{me}", str(side.me).encode()) for a in ev.argv)
    state, eff = client_input(state, cid, _resp(argv), 0)
    mine = b"".join(b for c, b in eff.output if c == side.me)
    if side.me in eff.wake:  # a reply left pending for this client (e.g. it was unblocked)
        state, more = client_writable(state, side.me)
        mine += b"".join(b for c, b in more.output if c == side.me)
    frames, _ = parse_all(mine)
    reply = m.classify(frames[0]) if frames else "none"
    closed = side.me in eff.close or state.clients.get(side.me) is None
    return SpecSide(state, side.me, side.other, closed), reply


# -- the comparison --------------------------------------------------------------------------


@dataclass
class Counterexample:
    """The shortest event sequence after which the learner's machine and the spec disagree."""

    events: list[Event]
    learner_states: list[str]
    learner_reply: str
    spec_reply: str

    def script(self) -> str:
        """The sequence as a redis-cli transcript (``(2)`` marks a second redis-cli); the last
        line says what the spec answers and what the learner's machine predicted."""
        lines = [ev.cli() for ev in self.events]
        lines.append(f"# the spec answers: {self.spec_reply}; your machine: {self.learner_reply}")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {"events": [e.name for e in self.events], "script": self.script(),
                "learner_states": self.learner_states, "learner_reply": self.learner_reply,
                "spec_reply": self.spec_reply}


def compare(m: Machine, model: Model, depth: int | None = None) -> Counterexample | None:
    """Breadth-first over event sequences: the first (so shortest) one whose last reply differs
    between the learner's machine and the spec; None when none does up to ``depth``."""
    lm = learner_machine(m, model)
    limit = m.depth if depth is None else depth
    start = _spec_start(m)
    seen = {(lm.initial, m.project(start.state, start.me))}
    todo: deque[tuple[Path_, SpecSide, list[Event], list[Path_]]] = deque(
        [(lm.initial, start, [], [lm.initial])])
    while todo:
        st, side, trail, states = todo.popleft()
        if len(trail) >= limit or side.closed:
            continue
        for ev in m.events:
            if not ev.other and not m.can_type(side.state, side.me):
                continue  # a blocked redis-cli takes no command
            nst, predicted = _learner_step(m, lm, st, ev)
            nside, actual = _spec_step(m, side, ev)
            if predicted != actual:
                return Counterexample(trail + [ev],
                                      [lm.names.get(p, ".".join(p)) for p in states + [nst]],
                                      predicted, actual)
            key = (nst, m.project(nside.state, nside.me) if not nside.closed else "closed")
            if key in seen:
                continue
            seen.add(key)
            todo.append((nst, nside, trail + [ev], states + [nst]))
    return None


