"""Blocking operations on keys (Redis's ``blocked.c``): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP and CLIENT UNBLOCK, as Redis 7.0.15 does them.

- A blocking command whose keys are all missing blocks its client (``blockForKeys``): the
  client's :class:`~redspec.spec.state.Blocked` record goes into ``ClientInfo.bpop`` and its
  id at the end of each key's FIFO in ``BlockingState.keys``. A blocked client's further input
  only accumulates (``CLIENT_BLOCKED`` stops ``processInputBuffer``).
- ``dbAdd`` of a key someone waits on signals it ready (``signalKeyAsReady``, in ``spec.db``);
  after the command that did it (``handleClientsBlockedOnKeys`` after ``call`` in
  ``processCommand``: ``spec.handle_blocked``, above the commands whose cores it runs)
  each ready key serves its waiters in FIFO order while it has elements, each by the command's
  non-blocking core; a waiter of the other type (a BZPOPMIN client on a key now holding a list)
  is rotated to the tail of the queue. A key that turned into another type leaves its waiters
  blocked. A served client is unblocked and its pending query buffer runs
  (``processUnblockedClients``, a transition of ``spec.server``).
- Timeouts: 0 is forever; otherwise the deadline is ``now + ceil(timeout * 1000)`` ms, and the
  client gets a null array once the clock is past it (``handleBlockedClientsTimeout``).
- Inside EXEC (``CLIENT_DENY_BLOCKING``) nothing blocks: the command answers as its
  non-blocking form would on missing keys.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from .longdouble import round_ld, strtold
from .reply import NULL_ARRAY, Err, Raw, encode
from .state import SLAVE_STATE_ONLINE, Blocked, BlockingState, Client, ServerState, replace

if TYPE_CHECKING:
    from .step import Step

__all__ = ["parse_timeout", "block_timed_out", "block_for_keys", "unblock_client", "remove_waiter",
           "reply_timed_out", "next_deadline", "unblock_on_free", "NO_REPLY", "LIST", "ZSET", "STREAM",
           "TIMEOUT_NEGATIVE", "TIMEOUT_NOT_FLOAT"]

LIST, ZSET, STREAM = 0, 1, 2
#: A blocked command's reply: nothing now (the reply comes when it is served or times out).
NO_REPLY = Raw(b"")
TIMEOUT_NEGATIVE = Err("ERR timeout is negative")
TIMEOUT_NOT_FLOAT = Err("ERR timeout is not a float or out of range")
_LLONG_MAX = (1 << 63) - 1


def parse_timeout(arg: bytes, now_ms: int) -> int | Err:
    """``getTimeoutFromObjectOrReply`` in seconds: a long double times 1000, rounded up to
    whole milliseconds; 0 means forever, otherwise the absolute deadline in unix ms. A value
    past the range of a long long converts to LLONG_MIN on x86-64, so infinities and huge
    values are "negative" in 7.0.15; NaN and non-numbers are not floats."""
    v = strtold(arg)
    if v is None:
        return TIMEOUT_NOT_FLOAT
    if isinstance(v, float):  # +-inf
        return TIMEOUT_NEGATIVE
    prod = round_ld(v * 1000)  # ``ftval *= 1000.0`` rounds to a long double
    if isinstance(prod, float):
        return TIMEOUT_NEGATIVE
    ms = ceil(prod)
    if ms < 0 or ms > _LLONG_MAX:
        return TIMEOUT_NEGATIVE
    return now_ms + ms if ms > 0 else 0


def _state(s: Step) -> BlockingState:
    """The blocking state as it is now in this transition."""
    b: BlockingState = s.part("blocking")
    return b


def block_for_keys(s: Step, info: Blocked) -> Raw:
    """``blockForKeys``: block the current client on ``info.keys`` (each key once, in
    argument order). Returns :data:`NO_REPLY`."""
    b = _state(s)
    cid = s.client.id
    km = b.keys
    seen: set[bytes] = set()
    for k in info.keys:
        if k in seen:
            continue
        seen.add(k)
        dk = (info.db, k)
        km = km.set(dk, km.get(dk, ()) + (cid,))
    s.set_part("blocking", replace(b, keys=km, clients=b.clients.set(cid, info.timeout_ms)))
    s.update_client(bpop=info, flags=s.client.flags | {"blocked"})
    return NO_REPLY


def remove_waiter(b: BlockingState, c: Client) -> BlockingState:
    """The blocking state without client ``c`` (its queues and its deadline)."""
    info = c.info.bpop
    if info is None:
        return b
    km = b.keys
    for k in info.keys:
        dk = (info.db, k)
        q = km.get(dk)
        if q is None or c.id not in q:
            continue
        q = tuple(x for x in q if x != c.id)
        km = km.set(dk, q) if q else km.delete(dk)
    cl = b.clients.delete(c.id) if c.id in b.clients else b.clients
    return replace(b, keys=km, clients=cl)


def unblock_client(s: Step, cid: int) -> None:
    """``unblockClient``: take a blocked client (not the current one) out of the queues,
    clear its flag and queue it to resume its input (``queueClientForReprocessing``)."""
    c = s.clients[cid]
    b = remove_waiter(_state(s), c)
    if cid not in b.unblocked:
        b = replace(b, unblocked=b.unblocked + (cid,))
    s.set_part("blocking", b)
    s.clients = s.clients.set(cid, replace(c, bpop=None, flags=c.flags - {"blocked"}))


def reply_timed_out(s: Step, cid: int) -> None:
    """``replyToBlockedClientTimedOut`` + ``unblockClient``: a null array (for WAIT: how
    many replicas acknowledged its offset by now), then unblock."""
    c = s.clients[cid]
    bp = c.info.bpop
    if bp is not None and bp.cmd == "wait":
        s.push_to(cid, b":%d\r\n" % acks_for_offset(s, int(bp.target or b"0")))
        r = s.part("repl")
        s.set_part("repl", replace(r, waiting_acks=tuple(x for x in r.waiting_acks
                                                         if x != cid)))
    else:
        s.push_to(cid, encode(NULL_ARRAY, c.info.resp))
    unblock_client(s, cid)


def acks_for_offset(s: Step, offset: int) -> int:
    """``replicationCountAcksByOffset``: online replicas whose last ACK reached ``offset``
    (WAIT's answer, at once or at its timeout)."""
    n = 0
    for rid in s.part("repl").replicas:
        c = s.get_client(rid)
        link = c.info.repl if c is not None else None
        if link is not None and link.state == SLAVE_STATE_ONLINE and link.ack_off >= offset:
            n += 1
    return n


def block_timed_out(deadline_ms: int, now_ms: int) -> bool:
    """A blocked client's timeout has passed (``c->bpop.timeout < now`` in
    ``handleBlockedClientsTimeout``): still blocked at ``now == deadline``, timed out one
    millisecond later. ``properties/test_timed_boundaries.py`` checks both sides."""
    return deadline_ms < now_ms


def next_deadline(state: ServerState) -> int | None:
    """The earliest deadline of a blocked client (unix ms), None when none has one."""
    ds = [d for d in state.blocking.clients.values() if d]
    return min(ds) if ds else None


def unblock_on_free(state: ServerState, c: Client) -> ServerState:
    """``freeClient`` → ``unblockClient``: a blocked client leaves every queue."""
    b = state.blocking
    if c.info.bpop is None and c.id not in b.unblocked:
        return state
    nb = remove_waiter(b, c)
    if c.id in nb.unblocked:
        nb = replace(nb, unblocked=tuple(x for x in nb.unblocked if x != c.id))
    return replace(state, blocking=nb)

