"""The layers of ``spec/``, leaves first: a module may import only from its own layer or a
lower one, never inside a function, and the runtime imports form no cycle.
``tests/test_layers.py`` enforces it; docs/architecture.md draws it.

- **values**: bytes, numbers, replies and the value types with their encodings (the size of a
  listpack entry: ``listpack``); the command
  facts; the parameter table; the memory sizes of values; the Lua libraries scripts get
  (``lualibs``: cjson, cmsgpack, bit, struct); the CRC-64 of dump payloads and RDB files
  (``crc64``); LZF, the RDB value and file format and DEBUG DIGEST (``lzf``, ``rdbcodec``,
  ``rdbstream``, ``rdb``, ``digest``). Nothing here knows a server.
- **state**: the frozen server state and what a transition returns (``Effects``).
- **db**: one transition's working copy (``Step``) and Redis's ``db.c`` on it (``DbView``),
  with what ``db.c`` signals while it changes keys: the access words (``lru``), WATCH
  (``watch``), keyspace notifications over Pub/Sub (``pubsub``), a CLIENT PAUSE ending
  (``pause``).
- **mechanisms**: expiry, eviction, MULTI, blocking, transport (MONITOR, CLIENT REPLY/PAUSE),
  clients, output buffers, listening on a port (CONFIG SET port), rehashing, INFO, the
  dataset as an RDB file and back (``persist``), the base file of an AOF rewrite
  (``aofrewrite``).
- **commands**: the command handlers and their registry.
- **dispatch**: ``processCommand`` / ``call`` / EXEC, and serving clients blocked on keys
  after a command (``handleClientsBlockedOnKeys``), which runs command cores.
- **networking**: ``processInputBuffer`` and ``writeToClient``.
- **server**: the public transitions (``spec.server``), ``serverCron`` and the event-loop turn.
- **tools**: what is built on the whole server (``redspec advise``).

A module name ending in ``.*`` stands for every module of that package.
"""

from __future__ import annotations

__all__ = ["LAYERS"]

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("values", ("layers", "cstr", "rax", "pqsort", "numbers", "longdouble", "glob", "reply", "errors", "resp",
                "frames", "dict", "listpack", "values", "types", "types.*", "table", "config", "cost",
                "memory", "lualibs", "crc64", "lzf", "rdbcodec", "rdbstream", "rdb", "digest", "aofmanifest",
                "aofstream", "backlog")),
    ("state", ("state", "effects")),
    ("db", ("pause", "pubsub", "lru", "watch", "tracking", "lazyfree", "aoffeed", "replfeed", "db", "step")),
    ("mechanisms", ("expire", "evict", "multi", "blocking", "transport", "clients", "obuf",
                    "listen", "rehash", "info", "persist", "slowlog", "latency", "loading",
                    "aofrewrite", "aof", "acl", "configfile", "protected", "replication",
                    "failover", "migrate")),
    ("commands", ("commands", "commands.*")),
    ("dispatch", ("handle_blocked", "dispatch", "scripting", "functions")),
    ("networking", ("networking",)),
    ("server", ("server", "replica", "cron", "eventloop", "startup", "aofload")),
    ("nodes", ("replnet", "migratenet")),
    ("tools", ("advise", "patterns")),
)
