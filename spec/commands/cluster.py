"""The cluster commands on a server with ``cluster-enabled no`` (``cluster.c``): what a
standalone Redis 7.0.15 answers them.

redspec serves no cluster yet (``cluster-enabled yes`` is refused at start and by CONFIG
SET). A standalone 7.0.15 still has every cluster command in its table: CLUSTER <subcommand>,
READONLY, READWRITE and ASKING all reply that cluster support is disabled (an unknown
CLUSTER subcommand gets the generic subcommand error first, from the command lookup), and
RESTORE-ASKING is RESTORE (the ASKING flag it carries only matters to a cluster node).
MIGRATE, which needs a connection to another server, comes with the cluster mechanism.
"""

from __future__ import annotations

from ..reply import Err, Reply
from ..step import Step
from .registry import command

__all__ = ["CLUSTER_DISABLED", "CLUSTER_SUBCOMMANDS"]

#: ``clusterCommand`` / ``readonlyCommand`` / ``askingCommand`` without cluster support.
CLUSTER_DISABLED = Err("ERR This instance has cluster support disabled")

#: Every CLUSTER subcommand of 7.0.15's table.
CLUSTER_SUBCOMMANDS = (
    "addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot",
    "delslots", "delslotsrange", "failover", "flushslots", "forget", "getkeysinslot", "help",
    "info", "keyslot", "links", "meet", "myid", "nodes", "replicas", "replicate", "reset",
    "saveconfig", "set-config-epoch", "setslot", "shards", "slaves", "slots",
)


@command("asking", "readonly", "readwrite", *("cluster|" + sub for sub in CLUSTER_SUBCOMMANDS))
def cluster_disabled(s: Step, argv: list[bytes]) -> Reply:
    """ASKING, READONLY, READWRITE, CLUSTER <subcommand> on a standalone server: every one
    of them answers that cluster support is disabled (``server.cluster_enabled == 0``)."""
    return CLUSTER_DISABLED
