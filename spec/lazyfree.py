"""Freeing in the background (Redis's ``lazyfree.c``): which frees go to the lazy-free thread,
and INFO's ``lazyfreed_objects``.

Redis frees some values, whole databases and a few server tables in a background thread
(``bio``) instead of in the command that drops them. A client sees no difference in replies;
what it can see is the counter INFO memory reports: ``lazyfreed_objects`` grows by what each
background job freed, and ``lazyfree_pending_objects`` by what is still queued. The spec
frees at once, so nothing is ever pending and the counter grows when the job is queued (a real
server shows the same figure once its thread is idle; CONFIG RESETSTAT zeroes it).

What goes to the thread, and what it counts:

- a value (``freeObjAsync``), one object, when its free effort (``lazyfreeGetFreeEffort``) is
  above ``LAZYFREE_THRESHOLD`` (64): the quicklist nodes of a list, the elements of a hashtable
  set or hash or a skiplist sorted set, the rax nodes of a stream plus, per consumer group,
  1 + the first group's pending entries; anything else is one allocation (effort 1). A value
  goes there when it is deleted asynchronously: ``dbAsyncDelete`` (UNLINK; DEL and GETDEL
  under ``lazyfree-lazy-user-del``; expiry under ``lazyfree-lazy-expire``; eviction under
  ``lazyfree-lazy-eviction``) or by ``dbDelete`` / an overwrite (``dbSetValue``) under
  ``lazyfree-lazy-server-del`` (RENAME and COPY over a key, RESTORE REPLACE, SET and the
  STORE commands over a key). A value that stays alive elsewhere (the source of RENAME or
  MOVE: ``refcount`` 2) is not freed at all;
- a database (``emptyDbAsync``): every key it holds, for FLUSHDB / FLUSHALL ASYNC (or without
  an argument under ``lazyfree-lazy-user-flush``) and a replica's flush before a full sync
  under ``replica-lazy-flush``;
- the client-tracking table (``freeTrackingRadixTreeAsync``) on an asynchronous flush: its
  keys, when its rax has more than 64 nodes (``spec.rax``);
- the scripts (``freeLuaScriptsAsync``, SCRIPT FLUSH ASYNC) and the functions
  (``freeFunctionsAsync``, FUNCTION FLUSH ASYNC, a replica's flush): their number, when above
  64.

Cost: the effort of a list walks its quicklist layout (``spec.rdb.list_nodes``); the others are
O(1) except the stream's rax count, O(nodes). Only values that are not strings are looked at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .rax import rax_node_count
from .rdb import list_nodes
from .types.hash import HashValue
from .types.list import ListValue
from .types.set import SetValue
from .types.stream import StreamValue, stream_rax_nodes
from .types.zset import ZSet

if TYPE_CHECKING:
    from .step import Step

__all__ = ["LAZYFREE_THRESHOLD", "free_effort", "free_object_async", "count_lazyfreed",
           "free_db_async", "free_tracking_table_async", "free_many_async"]

#: ``LAZYFREE_THRESHOLD``: a free of more allocations than this goes to the background thread.
LAZYFREE_THRESHOLD = 64


def free_effort(s: Step, value: Any) -> int:
    """``lazyfreeGetFreeEffort``: a number proportional to the allocations freeing ``value``
    takes (see the module docstring); 1 for a single allocation."""
    t = type(value)
    if t is ListValue:  # 7.0.15 lists are always quicklists
        return len(list_nodes(value, s.config.get("list-max-listpack-size", -2),
                              s.part("ql_packed_threshold")))
    if t is SetValue or t is HashValue:
        return len(value) if value.encoding == "hashtable" else 1
    if t is ZSet:
        return len(value) if value.encoding == "skiplist" else 1
    if t is StreamValue:
        effort = stream_rax_nodes(value)
        if value.groups:
            first = value.groups[min(value.groups.keys())]  # the cgroups rax's first
            effort += len(value.groups) * (1 + len(first.pel))
        return effort
    return 1


def count_lazyfreed(s: Step, n: int) -> None:
    """The background thread's ``atomicIncr(lazyfreed_objects, n)`` for a job queued now."""
    s.stats = attrs.evolve(s.stats, lazyfreed_objects=s.stats.lazyfreed_objects + n)


def free_object_async(s: Step, value: Any) -> None:
    """``freeObjAsync``: a value whose free effort is above the threshold is freed in the
    background (one object counted); a smaller one at once."""
    if free_effort(s, value) > LAZYFREE_THRESHOLD:
        count_lazyfreed(s, 1)


def free_db_async(s: Step, keys: int) -> None:
    """``emptyDbAsync``: a database's dicts go to the background thread whatever their size;
    it counts their ``keys``."""
    if keys:
        count_lazyfreed(s, keys)


def free_tracking_table_async(s: Step, keys: list[bytes]) -> None:
    """``freeTrackingRadixTreeAsync``: the tracking table (its tracked key names) goes to the
    background when its rax has more than 64 nodes, counting its keys."""
    if keys and rax_node_count(sorted(keys)) > LAZYFREE_THRESHOLD:
        count_lazyfreed(s, len(keys))


def free_many_async(s: Step, n: int) -> None:
    """``freeLuaScriptsAsync`` / ``freeFunctionsAsync``: ``n`` scripts or functions go to the
    background when there are more than 64, counting them."""
    if n > LAZYFREE_THRESHOLD:
        count_lazyfreed(s, n)
