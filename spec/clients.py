"""Pure helpers for per-client state (Redis's ``networking.c`` client introspection).

- :func:`info_line` — ``catClientInfoString``: one CLIENT LIST / CLIENT INFO line.
- :func:`client_type` / :func:`type_by_name` — ``getClientType`` / ``getClientTypeByName``.
- :func:`valid_name` — the character check of ``clientSetNameOrReply``.
- :func:`parse_kill` / :func:`kill_matches` — the filters of CLIENT KILL.
- :func:`clients_cron` — ``clientsCron``'s walk over ``server.clients`` with its per-call
  budget, closing idle clients (``clientsCronHandleTimeout``, the ``timeout`` parameter).

Fields that later mechanisms bring (Pub/Sub subscriptions, MULTI queue, tracking redirection,
ACL user) are read with :func:`getattr` under the names listed in ``docs/mechanisms/clients.md``
so that CLIENT LIST reports them as soon as those mechanisms add them to ``Client``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import attrs

from .aof import server_log
from .cstr import c_string, c_text
from .effects import NO_EFFECTS, Effects
from .errors import SYNTAX
from .multi import memory_overhead as multi_overhead
from .numbers import string2ll
from .reply import Err, help_lines
from .state import Client, ServerState, replace

__all__ = [
    "CLIENT_HELP",
    "KillFilter",
    "client_type",
    "type_by_name",
    "valid_name",
    "flags_string",
    "info_line",
    "parse_kill",
    "kill_matches",
    "c_str",
    "CLIENTS_CRON_MIN_ITERATIONS",
    "clients_cron_iterations",
    "idle_timed_out",
    "clients_list",
    "clients_cron",
]

#: CLIENT HELP of Redis 7.0.15, line for line (``addReplyHelp``: status replies).
CLIENT_HELP: tuple[str, ...] = help_lines("CLIENT", [
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
])

# -- client types -------------------------------------------------------------------------

_TYPES: dict[bytes, str] = {
    b"normal": "normal",
    b"slave": "replica",
    b"replica": "replica",
    b"pubsub": "pubsub",
    b"master": "master",
}


def type_by_name(name: bytes) -> str | None:
    """``getClientTypeByName``: normal, replica (alias slave), pubsub, master; None if unknown."""
    return _TYPES.get(name.lower())


def client_type(c: Client) -> str:
    """``getClientType``: master, replica (not a MONITOR), pubsub, else normal."""
    f = c.flags
    if not f:
        return "normal"
    if "master" in f:
        return "master"
    if "replica" in f and "monitor" not in f:
        return "replica"
    if "pubsub" in f:
        return "pubsub"
    return "normal"


def valid_name(name: bytes) -> bool:
    """The charset of ``clientSetNameOrReply``: every byte printable ASCII, no space
    (``'!'`` .. ``'~'``). The empty name is valid (it removes the name)."""
    return all(33 <= b <= 126 for b in name)


def c_str(b: bytes) -> str:
    """A C string in an error message (``%s``): up to the first NUL byte."""
    return c_text(b)


# -- CLIENT LIST / CLIENT INFO ------------------------------------------------------------

#: Flag letters in ``catClientInfoString`` order: (flag name in ``Client.flags``, letter).
_FLAG_LETTERS: tuple[tuple[str, str], ...] = (
    ("master", "M"),
    ("pubsub", "P"),
    ("multi", "x"),
    ("blocked", "b"),
    ("tracking", "t"),
    ("tracking_broken_redir", "R"),
    ("tracking_bcast", "B"),
    ("dirty_cas", "d"),
    ("close_after_reply", "c"),
    ("unblocked", "u"),
    ("close_asap", "A"),
    ("unix_socket", "U"),
    ("readonly", "r"),
    ("no_evict", "e"),
)


def flags_string(c: Client) -> str:
    """The ``flags=`` field: one letter per flag, ``N`` when none is set. ``closing`` shows
    as ``c`` (CLIENT_CLOSE_AFTER_REPLY)."""
    f = c.flags
    if c.closing:
        f = f | {"close_after_reply"}
    if not f:
        return "N"
    out = ""
    if "replica" in f:
        out += "O" if "monitor" in f else "S"
    for name, letter in _FLAG_LETTERS:
        if name in f:
            out += letter
    return out or "N"


#: Memory model constants (see docs/mechanisms/clients.md, "Memory fields").
CLIENT_STRUCT_BYTES = 17158  # zmalloc_size(client) with its 16 KiB static reply buffer
QBUF_ALLOC = 20474  # sdsAllocSize of a query buffer grown for one 16 KiB read
REPLY_CHUNK = 16384  # PROTO_REPLY_CHUNK_BYTES: static buffer size and reply-list node size


def _count(c: Client, field: str) -> int:
    v = getattr(c, field, None)
    return len(v) if v is not None else 0


def info_line(c: Client, now_ms: int, *, qbuf: int | None = None,
              argv: list[bytes] | None = None, pending: int | None = None,
              cmd: str | None = None) -> bytes:
    """``catClientInfoString``: the CLIENT LIST line of ``c`` (without the trailing newline).

    For the client running the command, pass what only the running command knows: ``qbuf``
    (bytes in its query buffer, the current batch included), ``argv`` (for ``argv-mem``),
    ``pending`` (reply bytes queued and not yet written: replies to earlier commands of the
    same batch) and ``cmd`` (its own command's name). Other clients report their idle state.
    """
    now_s = now_ms // 1000
    age = now_s - c.ctime_ms // 1000
    idle = 0 if cmd is not None else now_s - c.last_interaction_ms // 1000
    if qbuf is None:
        qbuf = len(c.querybuf)
    qfree = max(QBUF_ALLOC - qbuf, 0)
    if argv is not None:
        argv_mem = sum(len(a) for a in argv)
        argv_alloc = (len(argv) * 8 + 15) & ~15
    else:
        argv_mem = argv_alloc = 0
    if pending is None:
        pending = len(c.reply)
    obl = min(pending, REPLY_CHUNK)
    rest = pending - obl
    oll = (rest + REPLY_CHUNK - 1) // REPLY_CHUNK
    omem = oll * REPLY_CHUNK
    tot = CLIENT_STRUCT_BYTES + qbuf + qfree + argv_mem + argv_alloc + omem + multi_overhead(c)
    name = c.name.decode("utf-8", "surrogateescape") if c.name else ""
    multi = c.multi
    user = getattr(c, "user", "default") or "(superuser)"  # no user: the master client
    redir = getattr(c, "tracking_redirect", -1)
    line = (
        f"id={c.id} addr={c.addr} laddr={c.laddr} fd={c.fd} name={name} age={age} idle={idle} "
        f"flags={flags_string(c)} db={c.db} sub={_count(c, 'pubsub_channels')} "
        f"psub={_count(c, 'pubsub_patterns')} ssub={_count(c, 'pubsub_shard_channels')} "
        f"multi={multi} qbuf={qbuf} qbuf-free={qfree} argv-mem={argv_mem} "
        f"multi-mem={getattr(c, 'multi_mem', 0)} rbs={REPLY_CHUNK} rbp={REPLY_CHUNK} "
        f"obl={obl} oll={oll} omem={omem} tot-mem={tot} events=r "
        f"cmd={cmd if cmd is not None else c.last_cmd} user={user} redir={redir} resp={c.resp}"
    )
    return line.encode("utf-8", "surrogateescape")


# -- CLIENT KILL ------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class KillFilter:
    """The parsed arguments of CLIENT KILL. ``old_form``: ``CLIENT KILL ip:port`` (replies
    OK / "No such client" and may kill the caller); otherwise the filter form replies the
    number killed and skips the caller unless ``SKIPME no``."""

    old_form: bool = False
    addr: bytes | None = None
    laddr: bytes | None = None
    type: str | None = None
    id: int = 0
    user: bytes | None = None
    skipme: bool = True


def parse_kill(argv: list[bytes], user_exists: Any = None) -> KillFilter | Err:
    """Parse ``CLIENT KILL ...`` (``argv[0:2]`` is ``client kill``), in Redis's order: the
    first bad option decides the error. ``user_exists(name) -> bool`` (ACL); without it only
    the ``default`` user exists."""
    n = len(argv)
    if n == 3:
        return KillFilter(old_form=True, addr=argv[2], skipme=False)
    addr = laddr = user = None
    ctype: str | None = None
    cid = 0
    skipme = True
    i = 2
    while i < n:
        opt = argv[i].lower()
        if i + 1 >= n:
            return SYNTAX
        val = argv[i + 1]
        if opt == b"id":
            v = string2ll(val)
            if v is None or v < 1:
                return Err("ERR client-id should be greater than 0")
            cid = v
        elif opt == b"type":
            ctype = type_by_name(val)
            if ctype is None:
                return Err(f"ERR Unknown client type '{c_str(val)}'")
        elif opt == b"addr":
            addr = val
        elif opt == b"laddr":
            laddr = val
        elif opt == b"user":
            exists = user_exists(val) if user_exists is not None else val == b"default"
            if not exists:
                return Err(f"ERR No such user '{c_str(val)}'")
            user = val
        elif opt == b"skipme":
            low = val.lower()
            if low == b"yes":
                skipme = True
            elif low == b"no":
                skipme = False
            else:
                return SYNTAX
        else:
            return SYNTAX
        i += 2
    return KillFilter(addr=addr, laddr=laddr, type=ctype, id=cid, user=user, skipme=skipme)


def _c_eq(field: str, want: bytes) -> bool:
    """``strcmp(field, want)``: ``want`` compares up to its first NUL byte."""
    return field.encode("utf-8", "surrogateescape") == c_string(want)


def kill_matches(f: KillFilter, c: Client, me: int) -> bool:
    """Whether CLIENT KILL with filter ``f``, run by client ``me``, kills ``c``."""
    if f.addr is not None and not _c_eq(c.addr, f.addr):
        return False
    if f.laddr is not None and not _c_eq(c.laddr, f.laddr):
        return False
    if f.type is not None and client_type(c) != f.type:
        return False
    if f.id and c.id != f.id:
        return False
    if f.user is not None and getattr(c, "user", "default").encode() != f.user:
        return False
    return not (c.id == me and f.skipme)


# -- clientsCron: the idle timeout --------------------------------------------------------

#: ``CLIENTS_CRON_MIN_ITERATIONS``: clientsCron looks at no fewer clients per call.
CLIENTS_CRON_MIN_ITERATIONS = 5


def clients_cron_iterations(numclients: int, hz: int) -> int:
    """clientsCron's budget for one call: ``numclients / hz`` clients (every client is
    visited about once a second), at least :data:`CLIENTS_CRON_MIN_ITERATIONS` (all of them
    when there are fewer)."""
    it = numclients // hz
    if it < CLIENTS_CRON_MIN_ITERATIONS:
        it = min(numclients, CLIENTS_CRON_MIN_ITERATIONS)
    return it


def idle_timed_out(c: Client, now_ms: int, maxidle: int) -> bool:
    """``clientsCronHandleTimeout``'s test: with ``timeout`` (``server.maxidletime``, seconds)
    set, a client is closed when ``now - lastinteraction > maxidletime`` in whole seconds
    (``mstime() / 1000`` against ``server.unixtime`` of its last read or write). Never a
    replica or MONITOR (``CLIENT_SLAVE``), the master link (``CLIENT_MASTER``), a blocked or
    postponed client (``CLIENT_BLOCKED``: BLPOP, WAIT, CLIENT PAUSE) or a Pub/Sub client
    (``CLIENT_PUBSUB``, RESP2 and RESP3 alike)."""
    if not maxidle or c.bpop is not None:
        return False
    f = c.flags
    if f and ("replica" in f or "master" in f or "pubsub" in f):
        return False
    return now_ms // 1000 - c.last_interaction_ms // 1000 > maxidle


def clients_list(state: ServerState) -> list[int]:
    """``server.clients`` (head first): the order clientsCron's rotations left
    (``CronState.clients_order``) less the clients freed since, then the clients created
    since at the tail (``linkClient`` appends), in creation order. A client closing after
    its reply (QUIT with the reply still unwritten: ``CLIENT_CLOSE_AFTER_REPLY``) is still
    linked, wherever it joined; a client the walk closed is named in ``Effects.close`` and
    freed by the world before the next transition."""
    clients = state.clients
    order = state.cron.clients_order
    if not order:
        return sorted(clients)
    kept = [cid for cid in order if cid in clients]
    seen = set(order)
    kept += sorted(cid for cid in clients if cid not in seen)
    return kept


def clients_cron(state: ServerState, now_ms: int, hz: int) -> tuple[ServerState, Effects]:
    """``clientsCron``'s walk: up to :func:`clients_cron_iterations` times, the list's tail
    moves to its head (``listRotateTailToHead``) and that client is looked at
    (``clientsCronHandleTimeout``): an idle one (:func:`idle_timed_out`) is freed
    (``Closing idle client`` at verbose level; here marked closing, its unsent reply dropped,
    and named in ``Effects.close`` for the world to free). The rotation is kept in
    ``CronState.clients_order``; with ``timeout`` 0 and every client visited (the rotation is
    then the identity) nothing is done."""
    clients = state.clients
    n = len(clients)
    iterations = clients_cron_iterations(n, hz)
    maxidle = int(state.config.get("timeout", 0))
    if not maxidle and iterations >= n:
        return state, NO_EFFECTS
    lst = deque(clients_list(state))
    closed: list[int] = []
    while lst and iterations:
        iterations -= 1
        lst.rotate(1)
        c = clients[lst[0]]
        if not c.closing and idle_timed_out(c, now_ms, maxidle):
            closed.append(lst.popleft())
    order = () if all(lst[i] < lst[i + 1] for i in range(len(lst) - 1)) else tuple(lst)
    if order != state.cron.clients_order:
        state = replace(state, cron=replace(state.cron, clients_order=order))
    if not closed:
        return state, NO_EFFECTS
    m = state.clients.mutate()
    for cid in closed:
        m[cid] = replace(m[cid], closing=True, reply=b"")
        state = server_log(state, "verbose", "Closing idle client")
    return replace(state, clients=m.finish()), Effects(close=frozenset(closed))
