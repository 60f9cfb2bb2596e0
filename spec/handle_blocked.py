"""Serving clients blocked on keys after a command: Redis's ``handleClientsBlockedOnKeys``
(``blocked.c``), which ``processCommand`` runs after ``call``.

A key that a command made ready (``signalKeyAsReady``, ``spec.db``) serves its waiters in
FIFO order while it holds elements, each by the non-blocking core of its command (the list
and sorted-set pops of ``spec.commands.lists`` / ``zsets``): that is why this module sits
above the commands, in the dispatch layer. Blocking itself (``blockForKeys``, timeouts,
unblocking) is ``spec.blocking``.
"""

from __future__ import annotations

from typing import Any

from .blocking import LIST, STREAM, ZSET, remove_waiter, unblock_client
from .commands import lists, streams, zsets
from .reply import Err, encode
from .slowlog import slowlog_push
from .state import Client, replace
from .step import Step
from .types.list import ListValue
from .types.stream import StreamValue
from .types.zset import ZSet

__all__ = ["handle_clients_blocked_on_keys", "propagate_pending_commands"]


def propagate_pending_commands(s: Step, start: int) -> None:
    """``propagatePendingCommands`` at the end of a top-level call (a client's command, or a
    blocked client's command served): when it propagated more than one command — its own,
    the DEL of a key it found expired, a group read's XCLAIMs and SETID — they are wrapped
    in MULTI … EXEC, so a replica or the AOF applies them together. (EXEC and scripts wrap
    what they ran themselves: a range that already starts with MULTI is left alone.)"""
    prop = s.propagate
    if len(prop) - start > 1 and not s.in_exec and prop[start][1] != (b"MULTI",):
        prop.insert(start, (prop[start][0], (b"MULTI",)))
        prop.append((prop[-1][0], (b"EXEC",)))


def _serve(s: Step, rec: Client, db: int, key: bytes) -> Any:
    """Run a blocked client's command core on ``key`` as that client (``serveClientBlockedOn
    List`` / ``genericZpopCommand``), propagating its non-blocking form; returns the reply."""
    info = rec.info.bpop
    assert info is not None
    dirty = s.dirty
    name = info.cmd
    prop: tuple[bytes, ...] | None
    with s.as_client(rec, db):
        if info.kind == LIST:
            if name in ("blpop", "brpop"):
                v = lists.get_list(s, key, write=True)
                reply = [key, lists.pop_range(s, key, v, info.wherefrom, 1)[0]]
                prop = (b"LPOP" if info.wherefrom == lists.HEAD else b"RPOP", key)
            elif name in ("blmove", "brpoplpush"):
                assert info.target is not None
                reply = lists.lmove_generic(s, key, info.target, info.wherefrom, info.whereto)
                side = (b"left", b"right")  # shared.left / shared.right
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
    return reply


def _serve_key(s: Step, db: int, key: bytes) -> None:
    """``serveClientsBlockedOnListKey`` / ``...SortedSetKey``: serve the key's waiters in
    order while it has elements; waiters of the other type go to the tail."""
    b = s.part("blocking")
    q = b.keys.get((db, key))
    if not q:
        return
    for rid in q:  # killed earlier in this transition: ``freeClient`` already unblocked it
        rec = s.clients[rid]
        if rec.closing:
            s.set_part("blocking", remove_waiter(s.part("blocking"), rec))
            s.clients = s.clients.set(rid, replace(rec, bpop=None,
                                                   flags=rec.flags - {"blocked"}))
    q = s.part("blocking").keys.get((db, key))
    if not q:
        return
    view = s.open_db(db)
    v = view.lookup_write(key)
    if type(v) is StreamValue:
        _serve_stream_key(s, db, key)
        return
    _unblock_deleted_stream_readgroup(s, db, key)
    if type(v) is ListValue:
        kind = LIST
    elif type(v) is ZSet:
        kind = ZSET
    else:
        return  # missing, or a type nobody here pops: the waiters stay blocked
    n = len(q)
    while n > 0:
        n -= 1
        b = s.part("blocking")
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
            s.count_error(reply)
            s.count_failed(info.cmd)
        unblock_client(s, rid)
        s.push_to(rid, encode(reply, rec.info.resp))
        if info.argv:  # updateStatsOnUnblock: a served command reaches the slow log now
            slowlog_push(s, rec, info.argv, 0)
        if key not in view.keys:
            break


def _serve_stream_key(s: Step, db: int, key: bytes) -> None:
    """``serveClientsBlockedOnStreamKey``: every client waiting on the stream, in blocking
    order, is looked at once; those for which there is something (or whose group is gone)
    are answered and unblocked, the others keep waiting (clients blocked by a list or zset
    command are skipped)."""
    q = s.part("blocking").keys.get((db, key), ())
    for rid in q:
        rec = s.clients.get(rid)
        if rec is None:
            continue
        info = rec.info.bpop
        if info is None or info.kind != STREAM:
            continue
        start = len(s.propagate)
        with s.as_client(rec, db):
            reply = streams.serve_stream_waiter(s, key, info)
        propagate_pending_commands(s, start)
        if reply is None:
            continue
        if type(reply) is Err:
            s.count_error(reply)
            s.count_failed(info.cmd)
        unblock_client(s, rid)
        s.push_to(rid, encode(reply, rec.info.resp))
        if info.argv:  # updateStatsOnUnblock: a served command reaches the slow log now
            slowlog_push(s, rec, info.argv, 0)


UNBLOCKED_NO_STREAM = Err("UNBLOCKED the stream key no longer exists")


def _unblock_deleted_stream_readgroup(s: Step, db: int, key: bytes) -> None:
    """``unblockDeletedStreamReadgroupClients``: the key a group reader waits on was deleted
    (or holds another type now): each such reader gets an UNBLOCKED error; XREAD readers keep
    waiting."""
    for rid in s.part("blocking").keys.get((db, key), ()):
        rec = s.clients.get(rid)
        info = None if rec is None else rec.info.bpop
        if rec is None or info is None or info.kind != STREAM or info.group is None:
            continue
        s.count_error(UNBLOCKED_NO_STREAM)
        s.count_failed(info.cmd)
        unblock_client(s, rid)
        s.push_to(rid, encode(UNBLOCKED_NO_STREAM, rec.info.resp))


def handle_clients_blocked_on_keys(s: Step) -> None:
    """``handleClientsBlockedOnKeys``: serve every ready key, in signal order, until no key is
    ready (serving BLMOVE can make its destination ready)."""
    while True:
        b = s.part("blocking")
        if not b.ready:
            return
        dk = b.ready[0]
        s.set_part("blocking", replace(b, ready=b.ready[1:]))
        _serve_key(s, dk[0], dk[1])
