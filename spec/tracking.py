"""Client-side caching, the server's half (Redis's ``tracking.c``): which clients may hold
which keys, and the invalidation messages they get when a key changes.

- **Default mode.** After a read-only command of a client with tracking on (or a command a
  script of that client runs), the command's keys are remembered for it in the tracking
  table (``trackingRememberKeys``); OPTIN remembers only after ``CLIENT CACHING yes``, OPTOUT
  skips after ``CLIENT CACHING no``. When a key is modified (``signalModifiedKey``, lazy and
  active expiry included), every client remembered for it gets ``invalidate [key]`` once and
  the key leaves the table (``trackingInvalidateKey``): the next read remembers it again.
- **BCAST mode.** No table: each client registers prefixes (none: every key), and the keys
  modified during an event-loop iteration are sent to the clients of each matching prefix
  in one message per prefix, in key order, before the server sleeps
  (``trackingBroadcastInvalidationMessages``).
- **NOLOOP**: no message about keys the client modified itself.
- **Where messages go.** A RESP3 client gets a push ``>2 invalidate [keys]``; with
  ``REDIRECT id`` they go to that client instead: as a push if it speaks RESP3, as a
  Pub/Sub message on ``__redis__:invalidate`` if it is a RESP2 client subscribed in RESP2,
  nowhere otherwise (a RESP2 client with no redirection gets nothing). When the
  redirection's client is gone the tracking client is flagged ``broken_redirect`` and, in
  RESP3, gets ``tracking-redir-broken <id>`` instead.
- **Order.** An invalidation for the client running the command is held until after its
  reply (``server.tracking_pending_keys``; after EXEC's whole reply); others get theirs at
  once. FLUSHALL / FLUSHDB send every tracking client a null ("every key"), and empty the
  table.
- **Limit.** ``tracking-table-max-keys`` (0: none): when the table holds more keys, serverCron
  invalidates keys until it does not; Redis picks them by a random walk of its radix tree,
  this model in key order (``trackingLimitUsedSlots``).

Cost: remembering is O(keys of the command); an invalidation O(clients remembered for the
key); broadcasting O(prefixes x modified keys).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from immutables import Map

from .lazyfree import free_tracking_table_async
from .reply import encode
from .state import Client, ServerState, TrackingState, replace

if TYPE_CHECKING:
    from .step import Step

__all__ = ["TRACKING_FLAGS", "CHANNEL", "enable_tracking", "disable_tracking",
           "disable_tracking_on_free", "remember_keys", "invalidate_key",
           "invalidate_on_flush", "pending_frames", "broadcast_invalidations",
           "limit_used_slots", "check_prefix_collisions"]

#: Every CLIENT_TRACKING* flag, as kept in ``Client.flags``.
TRACKING_FLAGS = frozenset(("tracking", "tracking_bcast", "tracking_optin", "tracking_optout",
                            "tracking_caching", "tracking_noloop", "tracking_broken_redir"))
#: The Pub/Sub channel of RESP2 redirection (``TrackingChannelName``).
CHANNEL = b"__redis__:invalidate"
_EMPTY_KEYS: Map[bytes, int] = Map()


def _state(s: Step) -> TrackingState:
    t: TrackingState = s.part("tracking")
    return t


# -- turning it on and off ----------------------------------------------------------------------


def _overlap(a: bytes, b: bytes) -> bool:
    """``stringCheckPrefix``: one is a prefix of the other."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def check_prefix_collisions(c: Client, prefixes: list[bytes]) -> tuple[str, bool] | None:
    """``checkPrefixCollisionsOrReply``: the error text when a new prefix overlaps one the
    client has, or a later new one, and whether CLIENT TRACKING goes on all the same; None
    when they are all apart.

    It goes on when the ``i``-th new prefix overlaps a later new one and ``i`` is not 0:
    7.0.15 replies the error and then returns ``i``, which its caller takes for "no
    collision" (``PREFIX x PREFIX y PREFIX yz`` replies the error, then enables tracking with
    the three prefixes and replies ``+OK``)."""
    for i, p in enumerate(prefixes):
        for old in c.info.tracking_prefixes:
            if _overlap(old, p):
                return (f"ERR Prefix '{_text(p)}' overlaps with an existing prefix "
                        f"'{_text(old)}'. Prefixes for a single client must not overlap.",
                        False)
        for q in prefixes[i + 1:]:
            if _overlap(p, q):
                return (f"ERR Prefix '{_text(p)}' overlaps with another provided prefix "
                        f"'{_text(q)}'. Prefixes for a single client must not overlap.",
                        i != 0)
    return None


def _text(b: bytes) -> str:
    nul = b.find(b"\0")
    return (b if nul < 0 else b[:nul]).decode("utf-8", "surrogateescape")


def enable_tracking(s: Step, redirect: int, options: frozenset[str],
                    prefixes: list[bytes]) -> None:
    """``enableTracking``: the current client tracks (again) with ``options`` (a subset of
    ``tracking_bcast``, ``tracking_optin``, ``tracking_optout``, ``tracking_noloop``); BCAST
    registers ``prefixes`` (none: the empty prefix) in the prefix table."""
    c = s.client
    t = _state(s)
    flags = (c.flags - {"tracking_broken_redir", "tracking_bcast", "tracking_optin",
                        "tracking_optout", "tracking_noloop"}) | {"tracking"} | options
    mine = set(c.info.tracking_prefixes)
    pt = t.prefixes
    if "tracking_bcast" in options:
        for p in prefixes or [b""]:
            keys, ids = pt.get(p, (_EMPTY_KEYS, frozenset()))
            if c.id not in ids:
                pt = pt.set(p, (keys, ids | {c.id}))
                mine.add(p)
    s.set_part("tracking", replace(t, prefixes=pt, on=True))
    s.tracking_on = True
    s.update_client(flags=flags, tracking_redirect=redirect, tracking_prefixes=tuple(sorted(mine)))


def _drop_prefixes(t: TrackingState, c: Client) -> TrackingState:
    pt = t.prefixes
    for p in c.info.tracking_prefixes:
        got = pt.get(p)
        if got is None:
            continue
        keys, ids = got
        ids = ids - {c.id}
        pt = pt.set(p, (keys, ids)) if ids else pt.delete(p)
    return replace(t, prefixes=pt)


def disable_tracking(s: Step) -> None:
    """``disableTracking`` for the current client (CLIENT TRACKING off, RESET): leave the
    prefixes, clear the flags. Its ids in the tracking table go lazily."""
    c = s.client
    if "tracking_bcast" in c.flags:
        s.set_part("tracking", _drop_prefixes(_state(s), c))
    if c.flags & TRACKING_FLAGS or c.info.tracking_prefixes:
        s.update_client(flags=c.flags - TRACKING_FLAGS, tracking_redirect=-1,
                        tracking_prefixes=())


def disable_tracking_on_free(state: ServerState, c: Client) -> ServerState:
    """``freeClient`` → ``disableTracking``: a BCAST client leaves its prefixes."""
    if "tracking_bcast" not in c.info.flags:
        return state
    return replace(state, tracking=_drop_prefixes(state.tracking, c))


# -- remembering ----------------------------------------------------------------------------------


def remember_keys(s: Step, tracker: Client, keys: list[bytes]) -> None:
    """``trackingRememberKeys``: ``tracker`` (default mode) may now cache ``keys``, unless its
    OPTIN / OPTOUT mode and CLIENT CACHING say otherwise."""
    f = tracker.flags
    caching = "tracking_caching" in f
    if ("tracking_optin" in f and not caching) or ("tracking_optout" in f and caching):
        return
    t = _state(s)
    table = t.table
    items = t.items
    cid = tracker.id
    for k in keys:
        ids = table.get(k)
        if ids is None:
            table = table.set(k, frozenset((cid,)))
            items += 1
        elif cid not in ids:
            table = table.set(k, ids | {cid})
            items += 1
    if table is not t.table:
        s.set_part("tracking", replace(t, table=table, items=items))


# -- sending --------------------------------------------------------------------------------------


def _message(payload: bytes, resp: int, pubsub: bool) -> bytes | None:
    """The frame carrying ``payload`` (an encoded array or null): a push in RESP3, a Pub/Sub
    message on the invalidation channel for a subscribed RESP2 client, else None."""
    if resp > 2:
        return b">2\r\n$10\r\ninvalidate\r\n" + payload
    if pubsub:
        return b"*3\r\n$7\r\nmessage\r\n$20\r\n" + CHANNEL + b"\r\n" + payload
    return None


def _client(s: Step, cid: int) -> Client | None:
    if cid == s.client.id:
        return s.client
    return s.clients.get(cid)


def send_tracking_message(s: Step, target: Client, payload: bytes) -> None:
    """``sendTrackingMessage``: deliver ``payload`` for ``target``'s tracking, to it or to
    its redirection (``tracking-redir-broken`` when that client is gone)."""
    redirect = target.info.tracking_redirect
    to = target
    if redirect > 0:
        r = _client(s, redirect)
        if r is None or r.closing:
            if "tracking_broken_redir" not in target.flags:
                _set_flags(s, target, target.flags | {"tracking_broken_redir"})
            if target.resp > 2:
                s.push_to(target.id, b">2\r\n$21\r\ntracking-redir-broken\r\n:%d\r\n" % redirect)
            return
        to = r
        frame = _message(payload, to.resp, "pubsub" in to.flags)
    else:
        frame = _message(payload, to.resp, False)
    if frame is not None:
        s.push_to(to.id, frame)


def _set_flags(s: Step, c: Client, flags: frozenset[str]) -> None:
    if c.id == s.client.id:
        s.update_client(flags=flags)
    else:
        s.clients = s.clients.set(c.id, replace(c, flags=flags))


def _key_payload(key: bytes) -> bytes:
    return b"*1\r\n$%d\r\n%s\r\n" % (len(key), key)


def invalidate_key(s: Step, key: bytes, modifier: int) -> None:
    """``trackingInvalidateKey``: the key changed (``modifier``: the id of the client that
    changed it, 0 for the server itself): remember it for the BCAST prefixes it matches, and
    tell every client that may cache it (the running client after its reply)."""
    t = _state(s)
    if not t.on:
        return
    if t.prefixes:
        pt = t.prefixes
        for p, (keys, subscribers) in t.prefixes.items():
            if key.startswith(p):
                pt = pt.set(p, (keys.set(key, modifier), subscribers))
        t = replace(t, prefixes=pt)
        s.set_part("tracking", t)
    ids = t.table.get(key)
    if ids is None:
        return
    me = s.current_id
    for cid in sorted(ids):
        target = _client(s, cid)
        if target is None or "tracking" not in target.flags or "tracking_bcast" in target.flags:
            continue
        if "tracking_noloop" in target.flags and cid == modifier:
            continue
        if cid == me and s.cmd is not None:
            s.tracking_pending.append(key)
        else:
            send_tracking_message(s, target, _key_payload(key))
    s.set_part("tracking", replace(t, table=t.table.delete(key), items=t.items - len(ids)))


def invalidate_on_flush(s: Step, lazy: bool = False) -> None:
    """``trackingInvalidateKeysOnFlush``: every tracking client learns that every key is
    invalid (a null; the running client after its reply), and the table is emptied; for
    an asynchronous flush (``lazy``) it is freed as ``freeTrackingRadixTreeAsync`` says."""
    t = _state(s)
    me = s.current_id
    cur = s.client
    for c in [cur, *(o for o in s.clients.values() if o.id != cur.id)]:
        if "tracking" not in c.flags:
            continue
        if c.id == me and s.cmd is not None:
            s.tracking_pending.append(None)
        else:
            send_tracking_message(s, c, encode(None, c.resp))
    if t.table:
        if lazy:
            free_tracking_table_async(s, list(t.table.keys()))
        s.set_part("tracking", replace(t, table=Map(), items=0))


def pending_frames(s: Step) -> bytes:
    """``trackingHandlePendingKeyInvalidations``: the running client's own invalidations,
    after its reply."""
    pend = s.tracking_pending
    if not pend:
        return b""
    s.tracking_pending = []
    me = s.client
    out: list[bytes] = []
    for key in pend:
        payload = encode(None, me.resp) if key is None else _key_payload(key)
        before = list(s.out)
        send_tracking_message(s, me, payload)
        out.extend(s.out[len(before):])
        del s.out[len(before):]
    return b"".join(out)


# -- BCAST and the limit --------------------------------------------------------------------------


def _broadcast_payload(keys: Map[bytes, int], exclude: int) -> bytes | None:
    """``trackingBuildBroadcastReply``: the keys in byte order, without those ``exclude``
    modified last (NOLOOP); None when nothing is left."""
    names = sorted(k for k, who in keys.items() if not exclude or who != exclude)
    if not names:
        return None
    return b"*%d\r\n" % len(names) + b"".join(b"$%d\r\n%s\r\n" % (len(k), k) for k in names)


def broadcast_invalidations(s: Step) -> None:
    """``trackingBroadcastInvalidationMessages`` (beforeSleep): for each prefix in byte
    order, the keys modified since the last time go to its clients, one message each."""
    t = _state(s)
    if not t.on or not t.prefixes:
        return
    pt = t.prefixes
    for p in sorted(t.prefixes.keys()):
        keys, ids = t.prefixes[p]
        if not len(keys):
            continue
        common = _broadcast_payload(keys, 0)
        for cid in sorted(ids):
            c = _client(s, cid)
            if c is None:
                continue
            if "tracking_noloop" in c.flags:
                adhoc = _broadcast_payload(keys, cid)
                if adhoc is not None:
                    send_tracking_message(s, c, adhoc)
            elif common is not None:
                send_tracking_message(s, c, common)
        pt = pt.set(p, (_EMPTY_KEYS, ids))
    s.set_part("tracking", replace(t, prefixes=pt))


def limit_used_slots(s: Step) -> None:
    """``trackingLimitUsedSlots`` (serverCron): while the table holds more keys than
    ``tracking-table-max-keys`` (when not 0), invalidate keys as if modified — here the
    first in byte order, where Redis walks its radix tree at random."""
    limit = s.config["tracking-table-max-keys"]
    t = _state(s)
    if not limit or len(t.table) <= limit:
        return
    for key in sorted(t.table.keys())[: len(t.table) - limit]:
        invalidate_key(s, key, 0)
