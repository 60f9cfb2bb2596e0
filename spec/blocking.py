"""Blocking operations on keys (Redis's ``blocked.c``): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP and CLIENT UNBLOCK, as Redis 7.0.15 does them.

- A blocking command whose keys are all missing blocks its client (``blockForKeys``): the
  client's :class:`~redspec.spec.state.Blocked` record goes into ``ClientInfo.bpop`` and its
  id at the end of each key's FIFO in ``BlockingState.keys``. A blocked client's further input
  only accumulates (``CLIENT_BLOCKED`` stops ``processInputBuffer``).
- ``dbAdd`` of a key someone waits on signals it ready (``signalKeyAsReady``); after the
  command that did it (``handleClientsBlockedOnKeys`` after ``call`` in ``processCommand``)
  each ready key serves its waiters in FIFO order while it has elements, each by the command's
  non-blocking core; a waiter of the other type (a BZPOPMIN client on a key now holding a list)
  is rotated to the tail of the queue. A key that turned into another type leaves its waiters
  blocked. A served client is unblocked and its pending query buffer runs
  (``processUnblockedClients``).
- Timeouts: 0 is forever; otherwise the deadline is ``now + ceil(timeout * 1000)`` ms, and the
  client gets a null array once the clock is past it (``handleBlockedClientsTimeout``).
- Inside EXEC (``CLIENT_DENY_BLOCKING``) nothing blocks: the command answers as its
  non-blocking form would on missing keys.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING, Any

from .hooks import DISCONNECT_HOOKS
from .longdouble import round_ld, strtold
from .reply import NULL_ARRAY, Err, Raw, encode
from .state import Blocked, BlockingState, Client, ServerState, replace

if TYPE_CHECKING:
    from .step import Effects, Step

__all__ = ["parse_timeout", "block_for_keys", "signal_key_as_ready", "scan_db_for_ready_keys",
           "handle_clients_blocked_on_keys", "unblock_client", "handle_blocked_clients_timeout",
           "process_unblocked_clients", "next_deadline", "merge_effects", "NO_REPLY",
           "LIST", "ZSET", "TIMEOUT_NEGATIVE", "TIMEOUT_NOT_FLOAT"]

LIST, ZSET = 0, 1
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


def signal_key_as_ready(s: Step, db: int, key: bytes) -> None:
    """``signalKeyAsReady``: a key was added; if clients wait on it, remember it (once) for
    the serving pass after the command."""
    parts = s.parts
    b: BlockingState = parts["blocking"] if parts is not None and "blocking" in parts \
        else s.base.blocking
    if not b.keys:
        return
    dk = (db, key)
    if dk in b.keys and dk not in b.ready:
        s.set_part("blocking", replace(b, ready=b.ready + (dk,)))


def scan_db_for_ready_keys(s: Step, db: int) -> None:
    """``scanDatabaseForReadyKeys`` (SWAPDB): every waited-on key of ``db`` that now exists
    is signalled ready."""
    b = _state(s)
    if not b.keys:
        return
    view = s.open_db(db)
    for d, k in list(b.keys.keys()):
        if d == db and k in view.keys:
            signal_key_as_ready(s, db, k)


def _remove(b: BlockingState, c: Client) -> BlockingState:
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
    b = _remove(_state(s), c)
    if cid not in b.unblocked:
        b = replace(b, unblocked=b.unblocked + (cid,))
    s.set_part("blocking", b)
    s.clients = s.clients.set(cid, replace(c, bpop=None, flags=c.flags - {"blocked"}))


def _count_error(s: Step, err: Err) -> None:
    s.error_replies += 1
    code = err.split(" ", 1)[0]
    s.error_counts[code] = s.error_counts.get(code, 0) + 1


def count_failed(s: Step, name: str) -> None:
    """``failed_calls`` of command ``name`` + 1 (``updateStatsOnUnblock`` with errors)."""
    calls = s.cmd_calls.get(name)
    if calls is None:
        s.cmd_calls[name] = [0, 0, 1]
    else:
        calls[2] += 1


def _serve(s: Step, rec: Client, db: int, key: bytes) -> Any:
    """Run a blocked client's command core on ``key`` as that client (``serveClientBlockedOn
    List`` / ``genericZpopCommand``), propagating its non-blocking form; returns the reply."""
    from .commands import lists, zsets  # the cores; command modules import this module

    info = rec.info.bpop
    assert info is not None
    saved = (s.client, s.db, s._client_changed, s.cmd, s.argv_rewrite)
    if s._client_changed:
        s.clients = s.clients.set(s.client.id, s.client)
    s.client = rec
    s.db = s.open_db(db)
    s.cmd = None
    s.argv_rewrite = None
    dirty = s.dirty
    name = info.cmd
    prop: tuple[bytes, ...] | None
    try:
        if info.kind == LIST:
            if name in ("blpop", "brpop"):
                v = lists.get_list(s, key, write=True)
                reply = [key, lists.pop_range(s, key, v, info.wherefrom, 1)[0]]
                prop = (b"LPOP" if info.wherefrom == lists.HEAD else b"RPOP", key)
            elif name in ("blmove", "brpoplpush"):
                assert info.target is not None
                reply = lists.lmove_generic(s, key, info.target, info.wherefrom, info.whereto)
                side = (b"LEFT", b"RIGHT")
                prop = ((b"RPOPLPUSH", key, info.target) if name == "brpoplpush"
                        else (b"LMOVE", key, info.target, side[info.wherefrom],
                              side[info.whereto]))
            else:  # blmpop
                reply = lists.mpop_generic(s, [key], info.wherefrom, info.count)
                prop = s.argv_rewrite
        else:
            pop_max = bool(info.wherefrom)
            if name == "bzmpop":
                reply = zsets.zpop_core(s, [key], pop_max, info.count, True, True, True)
                n = len(reply[1]) if type(reply) is list else 0
                prop = (b"ZPOPMAX" if pop_max else b"ZPOPMIN", key, b"%d" % n)
            else:
                body = zsets.zpop_core(s, [key], pop_max, 1, False, False, True)
                reply = [key, *body] if type(body) is list else body
                prop = (b"ZPOPMAX" if pop_max else b"ZPOPMIN", key)
        if s.dirty != dirty and prop is not None:
            s.propagate.append((db, prop))
    finally:
        s.client, s.db, s._client_changed, s.cmd, s.argv_rewrite = saved
    return reply


def _serve_key(s: Step, db: int, key: bytes) -> None:
    """``serveClientsBlockedOnListKey`` / ``...SortedSetKey``: serve the key's waiters in
    order while it has elements; waiters of the other type go to the tail."""
    from .types.list import ListValue
    from .types.zset import ZSet

    b = _state(s)
    q = b.keys.get((db, key))
    if not q:
        return
    for rid in q:  # killed earlier in this transition: ``freeClient`` already unblocked it
        rec = s.clients[rid]
        if rec.closing:
            s.set_part("blocking", _remove(_state(s), rec))
            s.clients = s.clients.set(rid, replace(rec, bpop=None,
                                                   flags=rec.flags - {"blocked"}))
    q = _state(s).keys.get((db, key))
    if not q:
        return
    view = s.open_db(db)
    v = view.lookup_write(key)
    if type(v) is ListValue:
        kind = LIST
    elif type(v) is ZSet:
        kind = ZSET
    else:
        return  # missing, or a type nobody here pops: the waiters stay blocked
    n = len(q)
    while n > 0:
        n -= 1
        b = _state(s)
        q = b.keys.get((db, key))
        if not q:
            break
        rid = q[0]
        rec = s.clients[rid]
        info = rec.info.bpop
        assert info is not None
        if info.kind != kind:  # listRotateHeadToTail
            s.set_part("blocking", replace(b, keys=b.keys.set((db, key), q[1:] + q[:1])))
            continue
        reply = _serve(s, rec, db, key)
        if type(reply) is Err:
            _count_error(s, reply)
            count_failed(s, info.cmd)
        unblock_client(s, rid)
        s.push_to(rid, encode(reply, rec.info.resp))
        if key not in view.keys:
            break


def handle_clients_blocked_on_keys(s: Step) -> None:
    """``handleClientsBlockedOnKeys``: serve every ready key, in signal order, until no key is
    ready (serving BLMOVE can make its destination ready)."""
    while True:
        b = _state(s)
        if not b.ready:
            return
        dk = b.ready[0]
        s.set_part("blocking", replace(b, ready=b.ready[1:]))
        _serve_key(s, dk[0], dk[1])


def reply_timed_out(s: Step, cid: int) -> None:
    """``replyToBlockedClientTimedOut`` + ``unblockClient``: a null array, then unblock."""
    c = s.clients[cid]
    s.push_to(cid, encode(NULL_ARRAY, c.info.resp))
    unblock_client(s, cid)


def next_deadline(state: ServerState) -> int | None:
    """The earliest deadline of a blocked client (unix ms), None when none has one."""
    ds = [d for d in state.blocking.clients.values() if d]
    return min(ds) if ds else None


def merge_effects(a: Effects, b: Effects) -> Effects:
    """Two transitions' effects in order, as one."""
    from .step import NO_EFFECTS, Effects

    if a is NO_EFFECTS:
        return b
    if b is NO_EFFECTS:
        return a
    return Effects(a.output + b.output, a.propagate + b.propagate, a.close | b.close,
                   a.wake | b.wake, a.notifications + b.notifications,
                   b.clock_set_ms if b.clock_set_ms is not None else a.clock_set_ms,
                   b.listen_port if b.listen_port is not None else a.listen_port)


def handle_blocked_clients_timeout(state: ServerState,
                                   now_ms: int) -> tuple[ServerState, Effects]:
    """``handleBlockedClientsTimeout`` (beforeSleep) / ``clientsCronHandleTimeout``: every
    client whose deadline has passed (``deadline < now``), earliest first, gets a null array
    and is unblocked; then the unblocked clients resume their input."""
    from .obuf import deliver
    from .step import NO_EFFECTS, Effects, Step

    due = sorted((d, cid) for cid, d in state.blocking.clients.items() if d and d < now_ms)
    if not due:
        return process_unblocked_clients(state, now_ms) if state.blocking.unblocked \
            else (state, NO_EFFECTS)
    s = Step(state, now_ms)
    for _, cid in due:
        reply_timed_out(s, cid)
    new = s.commit()
    closed: frozenset[int] = frozenset()
    if s.others_out:
        new, closed = deliver(new, s.others_out, now_ms)
    eff = Effects(close=closed, wake=frozenset(s.others_out))
    new, more = process_unblocked_clients(new, now_ms)
    return new, merge_effects(eff, more)


def process_unblocked_clients(state: ServerState, now_ms: int) -> tuple[ServerState, Effects]:
    """``processUnblockedClients``: clients just unblocked run what accumulated in their
    query buffer (``client_input`` with no new bytes), in unblocking order."""
    from .server import client_input
    from .step import NO_EFFECTS, Effects

    eff = NO_EFFECTS
    while state.blocking.unblocked:
        b = state.blocking
        cid = b.unblocked[0]
        state = replace(state, blocking=replace(b, unblocked=b.unblocked[1:]))
        c = state.clients.get(cid)
        if c is None or c.info.bpop is not None or c.closing:
            continue
        if c.querybuf or c.querybuf_tail is not None:
            # its replies join its pending output (the client is woken to write them)
            state, e = client_input(state, cid, b"", now_ms, 0)
            eff = merge_effects(eff, e)
            c = state.clients.get(cid)
            if c is not None and c.reply:
                eff = merge_effects(eff, Effects(wake=frozenset((cid,))))
    return state, eff


def disconnect_hook(state: ServerState, c: Client) -> ServerState:
    """``freeClient`` → ``unblockClient``: a blocked client leaves every queue."""
    b = state.blocking
    if c.info.bpop is None and c.id not in b.unblocked:
        return state
    nb = _remove(b, c)
    if c.id in nb.unblocked:
        nb = replace(nb, unblocked=tuple(x for x in nb.unblocked if x != c.id))
    return replace(state, blocking=nb)


DISCONNECT_HOOKS.append(disconnect_hook)
