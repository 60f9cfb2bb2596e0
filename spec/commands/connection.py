"""Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH.

Authentication is ACL's (``spec.acl``): AUTH and HELLO AUTH check a user's credentials;
``requirepass`` is the default user's password (nopass when empty).
"""

from __future__ import annotations

from typing import Any

from ..acl import acl_state, authenticate, default_requires_auth
from ..clients import c_str
from ..errors import DB_INDEX, NOT_INTEGER, SYNTAX, wrong_arity
from ..multi import discard_transaction
from ..numbers import string2ll
from ..pubsub import reset_client
from ..reply import OK, PONG, Err, Map, Reply, Status
from ..step import Step
from ..tracking import disable_tracking
from ..transport import stop_monitor
from .clients import set_name_or_reply
from .registry import command

WRONGPASS = Err("WRONGPASS invalid username-password pair or user is disabled.")
AUTH_NOPASS = Err(
    "ERR AUTH <password> called without any password configured for the default user. "
    "Are you sure your configuration is correct?"
)
NOPROTO = Err("NOPROTO unsupported protocol version")
HELLO_NOAUTH = Err(
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
    "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
    "RESP protocol version at the same time"
)
INT_RANGE = Err("ERR value is out of range, value must between -2147483648 and 2147483647")
RESET = Status("RESET")
REDIS_VERSION = b"7.0.15"


@command("ping")
def ping(s: Step, argv: list[bytes]) -> Reply:
    """PING [message]: PONG, or the message as a bulk string."""
    if len(argv) > 2:
        return wrong_arity("ping")
    if "pubsub" in s.client.flags and s.client.resp == 2:  # RESP2 Pub/Sub context
        return [b"pong", b"" if len(argv) == 1 else argv[1]]
    return PONG if len(argv) == 1 else argv[1]


@command("echo")
def echo(s: Step, argv: list[bytes]) -> Reply:
    """ECHO message: the message."""
    return argv[1]


@command("select")
def select(s: Step, argv: list[bytes]) -> Reply:
    """SELECT index: make database ``index`` the client's current database
    (``getIntFromObjectOrReply`` then ``selectDb``)."""
    i = string2ll(argv[1])
    if i is None:
        return NOT_INTEGER
    if not -(1 << 31) <= i < (1 << 31):
        return INT_RANGE
    if not 0 <= i < s.db_count():
        return DB_INDEX
    if i != s.client.db:
        s.select(i)
    return OK


@command("quit")
def quit_(s: Step, argv: list[bytes]) -> Reply:
    """QUIT: reply OK, then close the connection (CLIENT_CLOSE_AFTER_REPLY)."""
    s.update_client(closing=True)
    return OK


def default_user_nopass(s: Step) -> bool:
    """Whether the ``default`` user has ``nopass`` (``DefaultUser->flags & USER_FLAG_NOPASS``)."""
    return "nopass" in acl_state(s).users[b"default"].flags


def default_auth(s: Step) -> bool:
    """``clientSetDefaultAuth``'s authenticated flag: the default user is nopass and on."""
    return not default_requires_auth(acl_state(s))


@command("auth")
def auth(s: Step, argv: list[bytes]) -> Reply:
    """AUTH [username] password (``authCommand``)."""
    n = len(argv)
    if n > 3:
        return SYNTAX
    if n == 2:
        if default_user_nopass(s):
            return AUTH_NOPASS
        user, password = b"default", argv[1]
    else:
        user, password = argv[1], argv[2]
    return OK if authenticate(s, user, password, argv[0]) else WRONGPASS


@command("hello")
def hello(s: Step, argv: list[bytes]) -> Reply:
    """HELLO [protover [AUTH user pass] [SETNAME name]] (``helloCommand``).

    Options take effect one by one, in order: an AUTH that succeeds stays even if a later
    option fails, and so does a SETNAME. Only after all options does the unauthenticated
    client get NOAUTH; then the protocol switches and the reply (in the new protocol) is
    the server's description.
    """
    n = len(argv)
    ver = 0
    if n >= 2:
        v = string2ll(argv[1])
        if v is None:
            return Err("ERR Protocol version is not an integer or out of range")
        if v < 2 or v > 3:
            return NOPROTO
        ver = v
    j = 2
    while j < n:
        more = n - 1 - j
        opt = argv[j]
        low = opt.lower()
        if low == b"auth" and more >= 2:
            if not authenticate(s, argv[j + 1], argv[j + 2], argv[0]):
                return WRONGPASS
            j += 3
        elif low == b"setname" and more >= 1:
            err = set_name_or_reply(s, argv[j + 1])
            if err is not None:
                return err
            j += 2
        else:
            return Err(f"ERR Syntax error in HELLO option '{c_str(opt)}'")
    if not s.client.authenticated:
        return HELLO_NOAUTH
    if ver and ver != s.client.resp:
        s.update_client(resp=ver)
    return Map(
        (
            (b"server", b"redis"),
            (b"version", REDIS_VERSION),
            (b"proto", s.client.resp),
            (b"id", s.client.id),
            (b"mode", b"standalone"),
            (b"role", b"replica" if s.part("repl").masterhost is not None else b"master"),
            (b"modules", []),
        )
    )


@command("reset")
def reset(s: Step, argv: list[bytes]) -> Reply:
    """RESET (``resetCommand`` / ``clearClientConnectionState``): back to a fresh
    connection's state: db 0, RESP2, no name, the default user (``clientSetDefaultAuth``:
    authenticated only if it needs no password, so with ``requirepass`` the client must AUTH
    again). CLIENT NO-EVICT survives, as in Redis.

    Later mechanisms add here: READONLY/ASKING off (cluster).
    """
    stop_monitor(s)  # leave MONITOR mode, CLIENT REPLY back on (spec.transport)
    disable_tracking(s)  # client-side caching off (spec.tracking)
    reset_client(s)  # Pub/Sub: leave every channel, pattern and shard channel
    discard_transaction(s)  # MULTI state, WATCHed keys (``discardTransaction``)
    c = s.client
    if c.db != 0:
        s.select(0)
    changes: dict[str, Any] = {}
    if c.resp != 2:
        changes["resp"] = 2
    if c.name is not None:
        changes["name"] = None
    auth_ok = default_auth(s)
    if c.authenticated != auth_ok:
        changes["authenticated"] = auth_ok
    if c.user != "default":
        changes["user"] = "default"
    if changes:
        s.update_client(**changes)
    return RESET
