"""Listening on a TCP port: the part of CONFIG SET port that needs the world.

Redis binds the new port inside CONFIG SET, synchronously (``updatePort`` →
``changeListenPort``, the apply function of a changed ``port``), and the reply depends on
whether the bind worked: OK, or ``Unable to listen on this port`` with every parameter of that
CONFIG SET rolled back. A pure transition cannot bind, so the outcome is an *input*: the state
carries the world's answers (``ServerState.listen_outcomes``, port -> bool).

A transition that needs an answer the state does not hold raises :class:`ListenOutcomeNeeded`.
Nothing of that attempt took effect (states are immutable). The world then tries the port
(binding it and keeping the socket), records the answer with :func:`with_listen_outcome` and
runs the same transition again from the same state and inputs; the second run takes the same
path up to the CONFIG SET, which now completes exactly as Redis's synchronous one does, also
in a pipeline or inside EXEC. The command consumes the answer (a port free now may be taken
later). What the world must then do is an effect: ``Effects.listen_port`` — listen on that
port and close the old listener (0: stop listening on TCP; connections stay open).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .state import ServerState, replace

if TYPE_CHECKING:
    from .step import Step

__all__ = ["ListenOutcomeNeeded", "listen_outcome", "with_listen_outcome", "UNABLE_TO_LISTEN"]

#: ``updatePort``'s error text (after "CONFIG SET failed (possibly related to argument 'port') - ").
UNABLE_TO_LISTEN = "Unable to listen on this port. Check server logs."


class ListenOutcomeNeeded(Exception):
    """The transition needs to know whether the world can listen on ``port``: answer with
    :func:`with_listen_outcome` and run it again from the same state."""

    def __init__(self, port: int) -> None:
        super().__init__(f"the world's answer for listening on port {port} is needed")
        self.port = port


def with_listen_outcome(state: ServerState, port: int, ok: bool) -> ServerState:
    """The state with the world's answer for ``port`` (the input a rerun needs)."""
    return replace(state, listen_outcomes=state.listen_outcomes.set(port, ok))


def listen_outcome(s: Step, port: int) -> bool:
    """Whether the world can listen on ``port``, consuming its answer; raises
    :class:`ListenOutcomeNeeded` when the state holds none."""
    outcomes = s.part("listen_outcomes")
    ok = outcomes.get(port)
    if ok is None:
        raise ListenOutcomeNeeded(port)
    s.set_part("listen_outcomes", outcomes.delete(port))
    return bool(ok)
