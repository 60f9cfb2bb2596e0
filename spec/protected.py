"""Protected mode (``networking.c``'s ``clientAcceptHandler``): with ``protected-mode yes``
(the default) and no password for the ``default`` user, a connection whose peer is not
the loopback address (exactly 127.0.0.1 or ::1, as 7.0.15's ``connIsLocal`` compares; a
Unix socket would be local) gets the DENIED error written and is closed, before it can send
anything. 7.0.15 applies it whatever ``bind`` says.

The denied connection had a client (an id is used up), is counted in INFO's
``rejected_connections`` and not in ``total_connections_received``.
"""

from __future__ import annotations

from .acl import acl_of_state
from .state import ServerState, replace

__all__ = ["DENIED", "is_local_peer", "default_user_nopass", "protected_mode_denies",
           "reject_connection"]

#: The bytes written to a connection protected mode refuses (7.0.15's text, one line).
DENIED = (
    b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."
    b"\r\n"
)


def is_local_peer(addr: str) -> bool:
    """``connIsLocal``: the peer address (``ip:port``, an IPv6 address possibly in
    brackets) is the IPv4 or IPv6 loopback address itself."""
    ip = addr[1:].split("]", 1)[0] if addr.startswith("[") else addr.rsplit(":", 1)[0]
    return ip in ("127.0.0.1", "::1")


def default_user_nopass(state: ServerState) -> bool:
    """Whether the ``default`` user has ``nopass`` (``DefaultUser->flags &
    USER_FLAG_NOPASS``): ``requirepass`` or ACL SETUSER may have given it a password."""
    return "nopass" in acl_of_state(state).users[b"default"].flags


def protected_mode_denies(state: ServerState, addr: str) -> bool:
    """``clientAcceptHandler``'s check: protected mode on, the default user without a
    password, and a peer that is not the loopback address."""
    return bool(state.config.get("protected-mode", True)) and default_user_nopass(state) \
        and not is_local_peer(addr)


def reject_connection(state: ServerState) -> ServerState:
    """A connection protected mode refused: its client id used, ``stat_rejected_conn``
    counted (the world writes :data:`DENIED` and closes it)."""
    stats = replace(state.stats, rejected_connections=state.stats.rejected_connections + 1)
    return replace(state, next_client_id=state.next_client_id + 1, stats=stats)
