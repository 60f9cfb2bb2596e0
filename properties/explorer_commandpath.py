"""Explorer model of the complete command path (mechanism 24): ``processCommand``'s gates.

:func:`command_path_model` runs two RESP2 clients through the **real spec**
(``spec.server.client_input``, so ``processInputBuffer`` → ``processCommand`` → ``call``) in
servers where every gate of ``spec/dispatch.py`` can be reached. Each initial server is one
*world* (a combination of the conditions the gates test), built through the spec's own
transitions:

- ``requirepass`` set before the clients connect (NOAUTH until ``AUTH pw``);
- ``maxmemory 1`` with ``noeviction`` (OOM for deny-oom commands, and for everything but
  EXEC/DISCARD/QUIT/RESET inside MULTI);
- a failed BGSAVE with a save point (MISCONF for writes, PING, an EXEC of writes): BGSAVE,
  the fork answered, the child exiting with 1, serverCron;
- an RDB file loading (``start_loading``; LOADING for commands without the ``loading``
  flag), which a world action can finish (``loading_step`` until done);
- a restricted ACL user (``ACL SETUSER``, NOPERM): the explored clients authenticated as a
  user ``u`` that may not run PING, may only read keys ``k*`` (``%R~k*``; ``~x*`` in full)
  and may use no channel (:data:`ACL_RULES`), or the ``default`` user given those rules, so
  that with ``requirepass`` NOAUTH comes first and ``AUTH pw`` leads to NOPERM.

In each state each client may send: an unknown command, GET without its key (arity),
``GET k``, ``SET k v``, PING, ``AUTH pw``, MULTI, EXEC, ``SUBSCRIBE ch`` (the RESP2 Pub/Sub
context), UNSUBSCRIBE, and inside MULTI SAVE (no-multi). And the BUSY gate: one client runs a Lua loop past
``busy-reply-threshold`` (1 ms) while the other sends ``GET k``, ``SET k v``, PING or
``AUTH pw`` through the script's hook (``ModelPort``), then a third, clean client (the
operator) sends SCRIPT KILL (from a client in MULTI, unauthenticated or subscribed it would
be queued or refused, and the script would never end).

Invariants (each with a planted bug that the explorer rejects, tests/test_commandpath_model.py):

- ``one_reply``: every command gets exactly one reply frame;
- ``gate_order``: the reply is the one an independent oracle (:func:`expected_gate`, the
  checklist in Redis's order: lookup, arity, NOAUTH, no-multi, NOPERM, OOM, MISCONF,
  NOREPLICAS, READONLY, Pub/Sub context, MASTERDOWN, LOADING, BUSY, MULTI queueing) picks from the abstract state before the command, a refusal of EXEC
  being reported as EXECABORT with the gate's message;
- ``refused_changes_nothing``: after a refusal the keyspace, the client's authentication and
  subscriptions are as before; its transaction is only flagged (``flagTransaction``: EXEC
  will abort), and an EXEC refused by a gate discards the transaction.

The hook for the gate another issue brings (it adds a world and a tag here): cluster
redirection (-MOVED/-ASK/-CROSSSLOT, after NOPERM, before OOM): see :data:`GATES` and
docs/mechanisms/command-path.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from redspec.spec import cron, persist
from redspec.spec import loading as L
from redspec.spec import server as S
from redspec.spec.dispatch import TABLE
from redspec.spec.frames import parse_all
from redspec.spec.scripting import ModelPort
from redspec.spec.startup import loading_step

from .explorer import Model
from .explorer_models import exchange, render_redis_cli

MECHANISM = "commandpath"

T = 1_700_000_000_000

#: The gates in Redis's order (``processCommand``) with their tags; ``None`` marks a gate whose
#: mechanism arrives with another issue (its world and tag are added here then).
GATES: list[tuple[str, str | None]] = [
    ("lookup (unknown command)", "unknown"),
    ("arity", "arity"),
    ("NOAUTH (requirepass)", "noauth"),
    ("no-multi command inside MULTI", "nomulti"),
    ("ACL -NOPERM", "noperm"),
    ("cluster redirection", None),
    ("OOM (maxmemory)", "oom"),
    ("MISCONF (failed BGSAVE)", "misconf"),
    ("NOREPLICAS (min-replicas-to-write)", "noreplicas"),
    ("READONLY replica", "readonly"),
    ("Pub/Sub context (RESP2)", "pubsub"),
    ("MASTERDOWN (replica-serve-stale-data)", "masterdown"),
    ("LOADING", "loading"),
    ("BUSY script", "busy"),
    ("MULTI queueing", "queued"),
]

CMDS: list[tuple[str, list[bytes]]] = [
    ("FOO", [b"FOO"]),
    ("GET", [b"GET"]),
    ("GET k", [b"GET", b"k"]),
    ("SET k v", [b"SET", b"k", b"v"]),
    ("PING", [b"PING"]),
    ("AUTH pw", [b"AUTH", b"pw"]),
    ("MULTI", [b"MULTI"]),
    ("EXEC", [b"EXEC"]),
    ("SUBSCRIBE ch", [b"SUBSCRIBE", b"ch"]),
    ("UNSUBSCRIBE", [b"UNSUBSCRIBE"]),
    ("SAVE", [b"SAVE"]),  # no-multi: sent only inside MULTI (outside it would write a file)
]
#: What the other client sends while a script is busy.
BUSY_CMDS = ["GET k", "SET k v", "PING", "AUTH pw"]
SPIN = b"local i = 0 while true do i = i + 1 end"

REFUSALS = frozenset(("unknown", "arity", "noauth", "nomulti", "oom", "misconf", "pubsub",
                      "loading", "busy", "noreplicas", "readonly", "masterdown", "noperm"))
_ERR_TAGS = [(b"-ERR unknown command", "unknown"), (b"-ERR wrong number of arguments", "arity"),
             (b"-NOAUTH", "noauth"),
             (b"-ERR Command not allowed inside a transaction", "nomulti"), (b"-OOM", "oom"), (b"-MISCONF", "misconf"),
             (b"-ERR Can't execute", "pubsub"), (b"-LOADING", "loading"), (b"-BUSY", "busy"),
             (b"-NOREPLICAS", "noreplicas"), (b"-READONLY", "readonly"),
             (b"-MASTERDOWN", "masterdown"), (b"-NOPERM", "noperm")]

#: The restricted user's rules (``ACL SETUSER``): every command but PING, read and write on
#: keys ``x*``, only read on ``k*``, no channel.
ACL_RULES = [b"resetkeys", b"~x*", b"%R~k*", b"resetchannels", b"+@all", b"-ping"]
#: The oracle's plain reading of :data:`ACL_RULES`: the commands denied, the key patterns
#: (as prefixes) readable and writable, and the explored commands' key and channel arguments.
ACL_DENIED_COMMANDS = frozenset(("ping",))
ACL_READ_PREFIXES = (b"x", b"k")
ACL_WRITE_PREFIXES = (b"x",)
ACL_KEY_ARGS = {"get": ("read", 1), "set": ("write", 1)}
ACL_CHANNEL_COMMANDS = frozenset(("subscribe", "ssubscribe", "psubscribe", "publish",
                                  "spublish"))


def _req(*args: bytes) -> bytes:
    return b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args])


def reply_tag(frame: bytes) -> str:
    """The gate a reply frame reports: a refusal's tag, ``queued``, or ``run`` (the command
    ran, whatever it answered). EXEC refused by a gate says so after ``because of: ``."""
    prefix = b"-EXECABORT Transaction discarded because of: "
    if frame.startswith(prefix):
        rest = frame[len(prefix):]
        for head, tag in _ERR_TAGS:
            h = head[1:]
            if h.startswith(b"ERR "):  # EXECABORT drops the ERR code
                h = h[4:]
            if rest.startswith(h):
                return tag
        return "execabort-other"
    if frame == b"+QUEUED\r\n":
        return "queued"
    for head, tag in _ERR_TAGS:
        if frame.startswith(head):
            return tag
    return "run"


@attrs.frozen
class World:
    """The conditions the gates test, as the model knows them (not read from the spec)."""

    requirepass: bool = False
    oom: bool = False
    misconf: bool = False
    loading: bool = False
    #: min-replicas-to-write 1 with no replica (NOREPLICAS).
    noreplicas: bool = False
    #: A replica (read-only) whose link is down, with replica-serve-stale-data no.
    stale_replica: bool = False
    #: Who has :data:`ACL_RULES`: "" nobody, "u" (the clients are authenticated as ``u``),
    #: "default" (the default user itself).
    acl: str = ""


@attrs.frozen
class View:
    """One client as the oracle sees it."""

    auth: bool
    multi: bool
    queue: tuple[str, ...]
    subscribed: bool
    #: a command was refused while queueing (``flagTransaction``: EXEC will abort)
    dirty: bool = False
    #: the user the client is authenticated as (or will be: ``default`` before AUTH)
    user: str = "default"


def _flags(name: str) -> frozenset[str]:
    return TABLE[name.encode()].flags


def acl_denies(name: str, args: tuple[bytes, ...]) -> bool:
    """The plain model of :data:`ACL_RULES` (``ACLCheckAllPerm``): commands flagged
    ``no-auth`` (AUTH, HELLO) are always allowed; a denied command, a key outside the
    patterns its access needs, or any channel of a (p/s)subscribe or publish is refused."""
    if "no_auth" in _flags(name):
        return False
    if name in ACL_DENIED_COMMANDS:
        return True
    spec = ACL_KEY_ARGS.get(name)
    if spec is not None and len(args) >= spec[1]:
        key = args[spec[1] - 1]
        prefixes = ACL_READ_PREFIXES if spec[0] == "read" else ACL_WRITE_PREFIXES
        if not any(key.startswith(p) for p in prefixes):
            return True
    return name in ACL_CHANNEL_COMMANDS and bool(args)


def expected_gate(world: World, c: View, name: str, argc: int, busy: bool = False,
                  args: tuple[bytes, ...] = ()) -> str:
    """The oracle: the tag of the first gate that refuses ``name`` (``argc`` words, the
    arguments ``args`` after the name) from client ``c``, in Redis's order, or ``queued`` /
    ``run``."""
    low = name.lower()
    if low not in {n.decode() for n in TABLE}:
        return "unknown"
    arity = TABLE[low.encode()].arity
    if (arity > 0 and argc != arity) or argc < -arity:
        return "arity"
    flags = _flags(low)
    if world.requirepass and not c.auth and "no_auth" not in flags:
        return "noauth"
    if c.multi and "no_multi" in flags:
        return "nomulti"
    if world.acl and c.user == world.acl and acl_denies(low, args):
        return "noperm"
    queued = [_flags(q) for q in c.queue]
    # performEvictions is not run while a script yields to other clients
    # (``isInsideYieldingLongCommand``): no OOM refusal then
    if world.oom and not busy and ("denyoom" in flags
                      or (c.multi and low not in ("exec", "discard", "quit", "reset"))
                      or (low == "exec" and c.multi and any("denyoom" in f for f in queued))):
        return "oom"
    if world.misconf and ("write" in flags or low == "ping"
                          or (low == "exec" and c.multi and any("write" in f for f in queued))):
        return "misconf"
    write = "write" in flags or (low == "exec" and c.multi and any("write" in f for f in queued))
    if world.noreplicas and write:
        return "noreplicas"
    if world.stale_replica and write:
        return "readonly"
    if c.subscribed and low not in ("ping", "subscribe", "unsubscribe", "psubscribe",
                                    "punsubscribe", "ssubscribe", "sunsubscribe", "quit",
                                    "reset"):
        return "pubsub"
    if world.stale_replica and ("stale" not in flags or (
            low == "exec" and c.multi and any("stale" not in f for f in queued))):
        return "masterdown"
    if world.loading and ("loading" not in flags
                          or (low == "exec" and c.multi
                              and any("loading" not in f for f in queued))):
        return "loading"
    if busy and "allow_busy" not in flags:
        return "busy"
    if c.multi and low not in ("exec", "discard", "multi", "watch", "quit", "reset"):
        return "queued"
    return "run"


# -- worlds, built through the spec ---------------------------------------------------------------


def _misconf(state: Any, cid: int) -> Any:
    """BGSAVE, the fork answered (pid 1000), the child exits with 1, serverCron sees it."""
    try:
        state, _ = S.run_command(state, cid, [b"BGSAVE"], T)
        raise AssertionError("BGSAVE did not ask for a fork")
    except persist.ForkOutcomeNeeded:
        state = persist.with_fork_outcome(state, 1000, 7)
        state, _ = S.run_command(state, cid, [b"BGSAVE"], T)
    state = persist.with_child_exit(state, 1000, 1, 0)
    state, _ = cron.server_cron(state, T)
    return state


def world_server(w: World, clients: int = 2) -> Any:
    """A server in world ``w`` with ``clients`` connected clients (RESP2), and one more, the
    *operator* (the highest id, authenticated), that only ever sends SCRIPT KILL."""
    cfg: dict[str, Any] = {"busy-reply-threshold": 1}
    if w.misconf:
        cfg["save"] = "3600 1"
    state = S.new_server(T, **cfg)
    state, setup = S.client_connect(state, T)
    if w.misconf:
        state = _misconf(state, setup)
    if w.oom:
        state, _ = S.run_command(state, setup, [b"CONFIG", b"SET", b"maxmemory", b"1"], T)
    if w.noreplicas:
        state, _ = S.run_command(state, setup, [b"CONFIG", b"SET", b"min-replicas-to-write",
                                                b"1"], T)
    if w.stale_replica:  # a master that never answers: the link stays down
        state, _ = S.run_command(state, setup, [b"CONFIG", b"SET", b"replica-serve-stale-data",
                                                b"no"], T)
        state, _ = S.run_command(state, setup, [b"REPLICAOF", b"192.0.2.1", b"6379"], T)
    if w.acl:
        state, _ = S.run_command(state, setup, [b"ACL", b"SETUSER", w.acl.encode(), b"on",
                                                b">upw", *ACL_RULES], T)
    if w.requirepass:
        state, _ = S.run_command(state, setup, [b"CONFIG", b"SET", b"requirepass", b"pw"], T)
    state = S.client_disconnect(state, setup)
    if w.loading:
        empty = persist.save_state(S.new_server(T), T)
        state = L.start_loading(state, empty, "dump.rdb", T)
    for _ in range(clients + 1):
        state, cid = S.client_connect(state, T)
        if w.acl == "u" and _ < clients:  # the explored clients, not the operator
            state, _r = S.run_command(state, cid, [b"AUTH", b"u", b"upw"], T)
    if w.requirepass:
        state, _ = S.run_command(state, cid, [b"AUTH", b"pw"], T)
    return state


WORLDS = [World(), World(requirepass=True), World(oom=True), World(misconf=True),
          World(loading=True), World(requirepass=True, oom=True, misconf=True, loading=True),
          World(noreplicas=True), World(stale_replica=True),
          World(requirepass=True, misconf=True, stale_replica=True),
          World(acl="u"), World(acl="default", requirepass=True, oom=True, misconf=True)]


# -- the model ------------------------------------------------------------------------------------


def view(state: Any, cid: int) -> View:
    c = state.clients[cid]
    q = tuple(cmd.name for cmd, _ in c.mstate)
    return View(c.authenticated, c.multi >= 0, q, "pubsub" in c.flags, "dirty_exec" in c.flags,
                c.user)


def dataset(state: Any) -> Any:
    return tuple(sorted(state.dbs[0].keys.items()))


def _check(world: World, before: Any, after: Any, cid: int, label: str, argv: list[bytes],
           out: bytes, busy: bool = False) -> str:
    """The three invariants for one command of ``cid``: "" when they hold, else the broken
    one's name and what happened."""
    frames, rest = parse_all(out)
    if len(frames) != 1 or rest:
        return f"one_reply: {label} got {out!r}"
    v = view(before, cid)
    want = expected_gate(world, v, argv[0].decode(), len(argv), busy, tuple(argv[1:]))
    got = reply_tag(frames[0])
    if got != want:
        return f"gate_order: {label} expected {want}, got {frames[0]!r}"
    if got in REFUSALS:
        v2 = view(after, cid) if cid in after.clients else None
        same = (v2 is not None and dataset(after) == dataset(before) and v2.auth == v.auth
                and v2.subscribed == v.subscribed)
        if same and argv[0].upper() == b"EXEC":
            same = v2 is not None and not v2.multi
        elif same:
            same = (v2 is not None and v2.multi == v.multi and v2.queue == v.queue
                    and v2.dirty == v.multi)
        if not same:
            return f"refused_changes_nothing: {label} refused ({got}) but changed the state"
    return ""


def command_path_model(depth: int = 3, worlds: list[World] | None = None,
                       busy: bool = True) -> Model:
    """Two clients through processCommand in each world of ``worlds`` (default
    :data:`WORLDS`), ``depth`` steps. State: ``(world, server, bad)``."""
    ws = WORLDS if worlds is None else worlds
    cmds = [(label, argv, _req(*argv)) for label, argv in CMDS]
    by_label = {label: (argv, data) for label, argv, data in cmds}

    def init() -> Iterable[Any]:
        for w in ws:
            yield (w, world_server(w), "")

    def step(st: Any) -> Iterable[tuple[str, Any]]:
        w, s, bad = st
        if bad:
            return
        *ids, operator = sorted(s.clients)
        for cid in ids:
            inside = s.clients[cid].multi >= 0
            for label, argv, data in cmds:
                if label == "SAVE" and not inside:
                    continue
                s2, out = exchange(s, cid, data)
                yield f"c{cid}: {label}", (w, s2, _check(w, s, s2, cid, label, argv, out))
        if w.loading and s.loading.active:
            s2 = s
            while s2.loading.active:
                s2, _ = loading_step(s2, T)
            yield "# the load ends", (attrs.evolve(w, loading=False), s2, "")
        # (no busy script in a stale replica: MASTERDOWN comes before BUSY in processCommand,
        # so SCRIPT KILL, not flagged stale, is refused there and only SHUTDOWN ends it)
        if busy and not w.loading and not w.stale_replica:
            yield from busy_steps(w, s, ids, operator)

    def busy_steps(w: World, s: Any, ids: list[int], operator: int
                   ) -> Iterable[tuple[str, Any]]:
        for runner in ids:
            r = view(s, runner)
            if r.multi or r.subscribed or (w.requirepass and not r.auth):
                continue
            for victim in ids:
                if victim == runner:
                    continue
                for label in BUSY_CMDS:
                    argv, data = by_label[label]
                    port = ModelPort([[(victim, data)], [(operator, _req(b"SCRIPT", b"KILL"))]])
                    s2, _eff = S.client_input(s, runner, _req(b"EVAL", SPIN, b"0"), T,
                                              busy_port=port)
                    mine = [o for c, o in port.replies if c == victim]
                    out = mine[0] if mine else b""
                    yield (f"c{victim}: {label} (while c{runner} runs a busy script)",
                           (w, s2, _check(w, s, s2, victim, label, argv, out, busy=True)))

    def canon(st: Any) -> Any:
        w, s, bad = st
        return (w, bad, s.loading.active, dataset(s),
                tuple(attrs.astuple(view(s, cid)) for cid in sorted(s.clients)[:-1]))

    return Model(
        f"command path: 2 clients x {len(CMDS)} commands + BUSY, {len(ws)} worlds, "
        f"depth {depth}", init, [step],
        {"one_reply": lambda st: not st[2].startswith("one_reply"),
         "gate_order": lambda st: not st[2].startswith("gate_order"),
         "refused_changes_nothing": lambda st: not st[2].startswith("refused_changes_nothing")},
        max_depth=depth, canon=canon, mechanism="commandpath", render=_render)


def _render(trace: list[tuple[str, Any]]) -> str:
    """The trace as redis-cli input, with the world and the broken invariant stated."""
    w = trace[0][1][0]
    head = [f"# world: {w}", f"# broken: {trace[-1][1][2]}"]
    body = render_redis_cli([(re.sub(r" \(while .*\)$", "", lab), st) for lab, st in trace])
    return "\n".join(head + [body])


def models() -> list[Model]:
    """What ``redspec check`` explores for mechanism 24."""
    return [command_path_model()]
