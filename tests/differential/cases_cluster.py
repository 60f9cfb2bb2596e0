"""The cluster commands on a standalone server (``cluster-enabled no``): every CLUSTER
subcommand, READONLY, READWRITE and ASKING refuse with "cluster support disabled", an unknown
subcommand and a wrong arity get the lookup's errors, RESTORE-ASKING is RESTORE, and COMMAND
INFO lists them as 7.0.15 does (COMMAND COUNT still lacks FAILOVER) (spec/commands/cluster.py;
MIGRATE: cases_migrate.py)."""

from __future__ import annotations

CASES = [
    ("cluster disabled", [["READONLY"], ["READWRITE"], ["ASKING"], ["CLUSTER", "INFO"],
                          ["CLUSTER", "HELP"], ["CLUSTER", "KEYSLOT", "x"],
                          ["CLUSTER", "SLOTS"], ["CLUSTER", "NODES"], ["cluster", "myid"],
                          ["CLUSTER", "SETSLOT", "1", "STABLE"], ["PING"]]),
    ("cluster lookup errors", [["CLUSTER"], ["CLUSTER", "nosuch"], ["READONLY", "x"],
                               ["ASKING", "x"], ["CLUSTER", "KEYSLOT"],
                               ["CLUSTER", "INFO", "x"]]),
    ("restore-asking is restore", [["SET", "k", "v"], ["DUMP", "k"],
                                   ["RESTORE-ASKING", "k2", "0", "x"],
                                   ["RESTORE-ASKING", "k", "0", "x"]]),
    ("cluster commands in the table", [["COMMAND", "INFO", "asking", "readonly", "readwrite",
                                        "restore-asking"],
                                       ["COMMAND", "INFO", "cluster|info", "cluster|slots",
                                        "cluster|setslot"]]),
]
