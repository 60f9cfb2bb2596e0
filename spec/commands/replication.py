"""The replication commands (``replication.c``): REPLCONF, PSYNC, SYNC, REPLICAOF (and its
old name SLAVEOF), ROLE and WAIT. The mechanism is ``spec.replication`` (master side) and
``spec.replica`` (the link to a master)."""

from __future__ import annotations

from ..numbers import string2ll
from ..replication import (
    change_replication_id,
    clear_replication_id2,
    repl_of,
    replconf,
    role_reply,
    set_master,
    sync_command,
    unset_master,
    wait_command,
)
from ..reply import OK, Err, Reply, Status
from ..step import Step
from .registry import DEBUG_SUBCOMMANDS, command

__all__ = ["replconf_command", "sync", "replicaof", "role", "wait"]


@command("replconf")
def replconf_command(s: Step, argv: list[bytes]) -> Reply:
    """REPLCONF <option> <value> ...: a replica's settings and acknowledgements."""
    return replconf(s, argv)


@command("psync", "sync")
def sync(s: Step, argv: list[bytes]) -> Reply:
    """PSYNC <replid> <offset> / SYNC: become a replica of this server."""
    return sync_command(s, argv)


@command("replicaof", "slaveof")
def replicaof(s: Step, argv: list[bytes]) -> Reply:
    """REPLICAOF host port | NO ONE (``replicaofCommand``): follow a master, or be one (not
    while a FAILOVER is under way)."""
    if repl_of(s).failover is not None:
        return Err("ERR REPLICAOF not allowed while failing over.")
    if argv[1].lower() == b"no" and argv[2].lower() == b"one":
        unset_master(s)
        return OK
    if "replica" in s.client.flags:
        return Err("ERR Command is not valid when client is a replica.")
    port = string2ll(argv[2])
    if port is None or not 0 <= port <= 65535:
        return Err("ERR Invalid master port")
    host = argv[1].decode("latin-1")
    r = repl_of(s)
    if r.masterhost is not None and r.masterhost.lower() == host.lower() \
            and r.masterport == port:
        return Status("OK Already connected to specified master")
    set_master(s, host, port)
    return OK


@command("role")
def role(s: Step, argv: list[bytes]) -> Reply:
    """ROLE: master or replica, with the replication details."""
    return role_reply(s)


@command("wait")
def wait(s: Step, argv: list[bytes]) -> Reply:
    """WAIT numreplicas timeout: block until the client's writes reach enough replicas."""
    return wait_command(s, argv)


def debug_change_repl_id(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG CHANGE-REPL-ID: a new replication id and no second one (``changeReplicationId``
    + ``clearReplicationId2``): replicas must then full-sync (a test knob of Redis)."""
    if len(argv) != 2:
        return None
    change_replication_id(s)
    clear_replication_id2(s)
    return OK


DEBUG_SUBCOMMANDS["change-repl-id"] = debug_change_repl_id
