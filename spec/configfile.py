"""The config file at run time: CONFIG REWRITE (``config.c``'s ``configRewriteCommand`` and
``rewriteConfig``).

The text is computed purely (:func:`spec.config.rewrite_config`); reading the old file and
writing the new one belong to the world. CONFIG REWRITE asks for both the way SAVE asks for
its file (``spec.persist``): it raises :class:`RewriteOutcomeNeeded` carrying the path and the
function from the old text to the new; the world reads the file, writes the new text
through a temporary file renamed over it (``rewriteConfigOverwriteFile``), and answers with
:func:`with_rewrite_outcome` on the same input state; the transition runs again and replies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from immutables import Map

from .acl import AclState, acl_state, describe_user
from .config import rewrite_config
from .state import ConfigFileState, ServerState, replace
from .step import Step

__all__ = [
    "NO_CONFIG_FILE",
    "RewriteOutcomeNeeded",
    "with_rewrite_outcome",
    "with_config_file",
    "acl_user_lines",
    "config_rewrite",
]

#: CONFIG REWRITE on a server started without a config file.
NO_CONFIG_FILE = "ERR The server is running without a config file"


class RewriteOutcomeNeeded(Exception):
    """A CONFIG REWRITE being run needs the world to rewrite the file at ``path``: read its
    text ("" when it does not exist; a read error is a failure), write ``render(text)``
    through a temporary file in the same directory renamed over it, and say how that went
    with :func:`with_rewrite_outcome` (then run the transition again from the same state)."""

    def __init__(self, path: str, render: Callable[[str], str]) -> None:
        super().__init__(f"the world must rewrite the config file {path}")
        self.path = path
        self.render = render


def with_rewrite_outcome(state: ServerState, error: str | None) -> ServerState:
    """The state with the world's answer for the next CONFIG REWRITE that needs one: None
    when the file was written, else the ``strerror`` text of what failed."""
    cf = state.configfile
    return replace(state, configfile=attrs.evolve(
        cf, rewrite_outcomes=(*cf.rewrite_outcomes, error)))


def with_config_file(state: ServerState, path: str) -> ServerState:
    """``server.configfile``: the absolute path of the file the server was started with."""
    return replace(state, configfile=ConfigFileState(path=path))


def acl_user_lines(config: Map[str, Any], acl: AclState) -> tuple[str, ...]:
    """The ``user`` directives CONFIG REWRITE writes (``rewriteConfigUserOption``): with an
    ``aclfile`` none (the users live in that file), else every user in name order as
    ``user <name> <ACLDescribeUser>``."""
    if config.get("aclfile"):
        return ()
    return tuple("user " + name.decode("utf-8", "surrogateescape") + " "
                 + describe_user(acl.users[name]).decode("utf-8", "surrogateescape")
                 for name in sorted(acl.users.keys()))


def config_rewrite(s: Step) -> str | None:
    """``configRewriteCommand``: None when the file was rewritten, else the error reply's
    text (no config file, or ``Rewriting config file: <strerror>``). Consumes the world's
    answer; raises :class:`RewriteOutcomeNeeded` when the state holds none."""
    cf: ConfigFileState = s.part("configfile")
    if not cf.path:
        return NO_CONFIG_FILE
    if not cf.rewrite_outcomes:
        config = s.config
        users = acl_user_lines(config, acl_state(s))
        raise RewriteOutcomeNeeded(cf.path, lambda old: rewrite_config(old, config, users))
    outcome = cf.rewrite_outcomes[0]
    s.set_part("configfile", attrs.evolve(cf, rewrite_outcomes=cf.rewrite_outcomes[1:]))
    if outcome is not None:
        return f"ERR Rewriting config file: {outcome}"
    return None
