"""FAILOVER (``replication.c``'s ``failoverCommand``): hand this master's role to one of its
replicas without losing a write. The mechanism is ``spec.failover``."""

from __future__ import annotations

from ..failover import failover_command
from ..reply import Reply
from ..step import Step
from .registry import command

__all__ = ["failover"]


@command("failover")
def failover(s: Step, argv: list[bytes]) -> Reply:
    """FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: start or abort a coordinated
    failover."""
    return failover_command(s, argv)
