"""CLIENT subcommands of Redis 7.0.15 (``clientCommand`` in ``networking.c``).

Served here: ID, GETNAME, SETNAME, LIST, INFO, KILL, NO-EVICT, HELP. REPLY, PAUSE, UNPAUSE,
TRACKING, CACHING, GETREDIR, TRACKINGINFO and UNBLOCK come with their mechanisms; 7.0 has no
SETINFO or NO-TOUCH (the server answers "unknown subcommand").
"""

from __future__ import annotations

from ..acl import acl_state
from ..clients import (
    CLIENT_HELP,
    client_type,
    info_line,
    kill_matches,
    parse_kill,
    type_by_name,
    valid_name,
)
from ..clients import c_str as _c_str
from ..errors import SYNTAX
from ..numbers import string2ll
from ..pubsub import unsubscribe_other
from ..reply import OK, Err, Reply, Status, Verbatim
from ..state import Client, replace
from ..step import Step
from .registry import command

NAME_CHARSET = Err("ERR Client names cannot contain spaces, newlines or special characters.")


def set_name_or_reply(s: Step, name: bytes) -> Err | None:
    """``clientSetNameOrReply``: set (or with ``""`` remove) the current client's name; the
    error reply if the name has a forbidden character."""
    if not name:
        if s.client.name is not None:
            s.update_client(name=None)
        return None
    if not valid_name(name):
        return NAME_CHARSET
    s.update_client(name=name)
    return None


def _self_line(s: Step, argv: list[bytes]) -> bytes:
    """The running client's own CLIENT LIST line, with what only the running command knows."""
    c = s.client
    qbuf = s.qbuf_len
    if qbuf < 0:  # not reading from a socket (tests): as if this command arrived alone
        qbuf = len(c.querybuf) + sum(len(a) + len(str(len(a))) + 5 for a in argv) + len(
            str(len(argv))) + 3
    pending = len(c.reply)
    for frame in s.out:
        pending += len(frame)
    return info_line(c, s.now_ms, qbuf=qbuf, argv=argv, pending=pending, cmd=s.cmd.name)


def _live_others(s: Step) -> dict[int, Client]:
    """Clients other than the running one that still exist for Redis (a killed client is
    freed at once in Redis; here it waits, ``closing``, for ``client_disconnect``)."""
    me = s.client.id
    return {cid: c for cid, c in s.clients.items() if cid != me and not c.closing}


@command("client|id")
def client_id(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT ID: the connection's unique, never reused id."""
    return s.client.id


@command("client|getname")
def client_getname(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT GETNAME: the name, or null."""
    return s.client.name


@command("client|setname")
def client_setname(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT SETNAME name: name the connection (empty string: remove the name)."""
    err = set_name_or_reply(s, argv[2])
    return err if err is not None else OK


@command("client|info")
def client_info(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT INFO: the running client's CLIENT LIST line (verbatim ``txt`` in RESP3)."""
    return Verbatim(_self_line(s, argv) + b"\n")


@command("client|list")
def client_list(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT LIST [TYPE type | ID id ...]: one line per matching client, in id order
    (``getAllClientsInfoString``); with ID, one line per given id that exists, in
    argument order."""
    n = len(argv)
    me = s.client.id
    if n == 4 and argv[2].lower() == b"type":
        ctype = type_by_name(argv[3])
        if ctype is None:
            return Err(f"ERR Unknown client type '{_c_str(argv[3])}'")
        want: list[int] | None = None
    elif n > 3 and argv[2].lower() == b"id":
        want = []
        for a in argv[3:]:
            v = string2ll(a)
            if v is None:
                return Err("ERR Invalid client ID")
            want.append(v)
        ctype = None
    elif n != 2:
        return SYNTAX
    else:
        ctype = None
        want = None
    others = _live_others(s)
    lines: list[bytes] = []
    if want is not None:
        for cid in want:
            if cid == me:
                lines.append(_self_line(s, argv))
            elif cid in others:
                lines.append(info_line(others[cid], s.now_ms))
    else:
        ids = sorted([*others, me])
        for cid in ids:
            c = s.client if cid == me else others[cid]
            if ctype is not None and client_type(c) != ctype:
                continue
            lines.append(_self_line(s, argv) if cid == me else info_line(c, s.now_ms))
    return Verbatim(b"".join(line + b"\n" for line in lines))


@command("client|kill")
def client_kill(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT KILL ip:port | CLIENT KILL [ID id] [ADDR a] [LADDR a] [TYPE t] [USER u]
    [SKIPME yes|no]: disconnect matching clients.

    Another client is closed at once (marked ``closing``, its unsent reply dropped, its id in
    the ``close`` effect; ``client_disconnect`` then frees it). The caller itself is closed
    after this reply (CLIENT_CLOSE_AFTER_REPLY).
    """
    f = parse_kill(argv, lambda name: name in acl_state(s).users)
    if isinstance(f, Err):
        return f
    me = s.client.id
    killed = 0
    close_me = False
    others = _live_others(s)
    for cid in sorted([*others, me]):
        c = s.client if cid == me else others[cid]
        if not kill_matches(f, c, me):
            continue
        if cid == me:
            close_me = True
        else:
            s.set_other_client(unsubscribe_other(s, replace(c, closing=True, reply=b"")))
            s.close.add(cid)
        killed += 1
    if close_me:
        s.update_client(closing=True)
    if f.old_form:
        return OK if killed else Err("ERR No such client")
    return killed


@command("client|no-evict")
def client_no_evict(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT NO-EVICT on|off: protect the connection from client eviction (flag ``e``)."""
    opt = argv[2].lower()
    flags = s.client.flags
    if opt == b"on":
        if "no_evict" not in flags:
            s.update_client(flags=flags | {"no_evict"})
    elif opt == b"off":
        if "no_evict" in flags:
            s.update_client(flags=flags - {"no_evict"})
    else:
        return SYNTAX
    return OK


_HELP_REPLY = [Status(line) for line in CLIENT_HELP]


@command("client|help")
def client_help(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT HELP: the usage lines of 7.0.15, as status replies."""
    return _HELP_REPLY
