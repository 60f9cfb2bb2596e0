"""Pub/Sub (Redis's ``pubsub.c``) and keyspace-event delivery (``notify.c``).

Server-wide: :class:`~redspec.spec.state.PubSubState` (channel / pattern / shard channel ->
subscriber ids in subscription order). Per client: ``ClientInfo.pubsub_channels``,
``pubsub_patterns`` (a list in subscription order, as in 7.0) and ``pubsub_shard_channels``,
and the ``pubsub`` flag (``CLIENT_PUBSUB``) while the client holds any subscription.

Messages to other clients are encoded in *their* protocol and queued with
:meth:`Step.push_to`; a message to the publishing client itself lands in its reply stream
before the command's own reply (as in 7.0, where the push is added during ``call``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from immutables import Map

from .glob import Glob, compile_glob
from .state import EMPTY_MAP, Client, PubSubState, ServerState, replace

if TYPE_CHECKING:
    from .step import Step

__all__ = [
    "publish",
    "subscription_count",
    "shard_subscription_count",
    "push_frame",
    "glob_for",
    "keyspace_event",
    "event_classes",
    "leave_all",
    "unsubscribe_other",
    "unsubscribe_on_free",
]


def _bulk(b: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(b), b)


def push_frame(resp: int, kind: bytes, *items: bytes | int | None) -> bytes:
    """A Pub/Sub frame (``addReplyPubsub*``): ``*N`` in RESP2, a ``>N`` push in RESP3; items
    are bulk strings, integers, or None (a null: ``$-1`` / ``_``)."""
    out = [b"%s%d\r\n" % (b"*" if resp == 2 else b">", len(items) + 1), _bulk(kind)]
    for it in items:
        if it is None:
            out.append(b"$-1\r\n" if resp == 2 else b"_\r\n")
        elif isinstance(it, int):
            out.append(b":%d\r\n" % it)
        else:
            out.append(_bulk(it))
    return b"".join(out)


def subscription_count(c: Client) -> int:
    """``clientSubscriptionsCount``: channels plus patterns."""
    return len(c.pubsub_channels) + len(c.pubsub_patterns)


def shard_subscription_count(c: Client) -> int:
    """``clientShardSubscriptionsCount``."""
    return len(c.pubsub_shard_channels)


_GLOBS: dict[bytes, Glob] = {}


def glob_for(pattern: bytes) -> Glob:
    """A compiled pattern (memoised: compiling is a pure function of the pattern)."""
    g = _GLOBS.get(pattern)
    if g is None:
        if len(_GLOBS) > 4096:
            _GLOBS.clear()
        g = _GLOBS[pattern] = compile_glob(pattern)
    return g


def _resp_of(s: Step, cid: int) -> int | None:
    """The protocol of client ``cid`` as it is now in this transition (None: gone)."""
    c = s.get_client(cid)
    return None if c is None else c.resp


def publish(s: Step, channel: bytes, message: bytes, shard: bool = False) -> int:
    """``pubsubPublishMessage``: deliver ``message`` to the channel's subscribers in
    subscription order, then (not for shard channels) to the subscribers of every matching
    pattern; returns the number of deliveries (PUBLISH's reply)."""
    ps: PubSubState = s.part("pubsub")
    receivers = 0
    subs = (ps.shard_channels if shard else ps.channels).get(channel)
    if subs:
        kind = b"smessage" if shard else b"message"
        receivers += _deliver(s, subs, kind, channel, message)
    if not shard and ps.patterns:
        for pat, pids in ps.patterns.items():
            if glob_for(pat).match(channel):
                receivers += _deliver(s, pids, b"pmessage", pat, channel, message)
    return receivers


def _deliver(s: Step, cids: tuple[int, ...], kind: bytes, *items: bytes) -> int:
    """``addReplyPubsubMessage`` / ``addReplyPubsubPatMessage`` to each of ``cids`` still
    connected, in order, the frame encoded once per protocol; the number of deliveries."""
    enc: dict[int, bytes] = {}
    n = 0
    for cid in cids:
        resp = _resp_of(s, cid)
        if resp is None:
            continue
        f = enc.get(resp)
        if f is None:
            f = enc[resp] = push_frame(resp, kind, *items)
        s.push_to(cid, f)
        n += 1
    return n


# -- keyspace notifications (notify.c) ------------------------------------------------------

#: Class letters of ``notify-keyspace-events`` (``keyspaceEventsStringToFlags``).
_ALL = frozenset("g$lshzxetd")
_LETTERS = frozenset("g$lshzxetdKEmn")
_CLASSES: dict[str, tuple[frozenset[str], bool, bool] | None] = {}


def event_classes(value: Any) -> tuple[frozenset[str], bool, bool] | None:
    """The parsed ``notify-keyspace-events`` value: (event classes, K, E), or None when it
    enables no class. The configured value keeps the letters given (``A`` with ``n`` prints
    as ``AKE`` but still sends ``new`` events)."""
    raw = getattr(value, "given", value)
    if not raw:
        return None
    got = _CLASSES.get(raw, False)
    if got is not False:
        return got  # type: ignore[return-value]
    letters: set[str] = set()
    for ch in str(raw):
        if ch == "A":
            letters |= _ALL
        elif ch in _LETTERS:
            letters.add(ch)
    ks, ke = "K" in letters, "E" in letters
    classes = frozenset(letters - {"K", "E"})
    res = (classes, ks, ke) if classes else None
    if len(_CLASSES) > 256:
        _CLASSES.clear()
    _CLASSES[raw] = res
    return res


def keyspace_event(s: Step, classes: tuple[frozenset[str], bool, bool], event: str,
                   key: bytes, db: int) -> None:
    """``notifyKeyspaceEvent`` for an event whose class is enabled: publish
    ``__keyspace@<db>__:<key>`` (message: the event) when K is set and
    ``__keyevent@<db>__:<event>`` (message: the key) when E is set."""
    _, ks, ke = classes
    if not (ks or ke):
        return
    ps: PubSubState = s.part("pubsub")
    if not ps.channels and not ps.patterns:
        return
    ev = event.encode()
    if ks:
        publish(s, b"__keyspace@%d__:%s" % (db, key), ev)
    if ke:
        publish(s, b"__keyevent@%d__:%s" % (db, ev), key)


# -- leaving (RESET, freeClient) ---------------------------------------------------------------


def _remove(m: Map[bytes, tuple[int, ...]], name: bytes, cid: int) -> Map[bytes, tuple[int, ...]]:
    """Drop ``cid`` from the subscribers of ``name``; drop ``name`` when none is left."""
    subs = m.get(name)
    if subs is None or cid not in subs:
        return m
    rest = tuple(x for x in subs if x != cid)
    return m.set(name, rest) if rest else m.delete(name)


def leave_all(ps: PubSubState, c: Client) -> PubSubState:
    """The server-side part of ``pubsubUnsubscribeAllChannels`` / ``...AllPatterns`` /
    ``...ShardAllChannels`` without notifications (RESET, ``freeClient``)."""
    if not (c.pubsub_channels or c.pubsub_patterns or c.pubsub_shard_channels):
        return ps
    ch, pa, sh = ps.channels, ps.patterns, ps.shard_channels
    for name in c.pubsub_channels:
        ch = _remove(ch, name, c.id)
    for name in c.pubsub_patterns:
        pa = _remove(pa, name, c.id)
    for name in c.pubsub_shard_channels:
        sh = _remove(sh, name, c.id)
    return PubSubState(ch, pa, sh)


def clear_client(c: Client) -> Client:
    """The client with no subscription and without the ``pubsub`` flag."""
    return replace(c, pubsub_channels=EMPTY_MAP, pubsub_patterns=(),
                   pubsub_shard_channels=EMPTY_MAP, flags=c.flags - {"pubsub"})


def unsubscribe_other(s: Step, c: Client) -> Client:
    """Another client freed at once during this transition (CLIENT KILL's ``freeClient``):
    it leaves everything now; returns it without subscriptions."""
    if not (c.pubsub_channels or c.pubsub_patterns or c.pubsub_shard_channels):
        return c
    s.set_part("pubsub", leave_all(s.part("pubsub"), c))
    return clear_client(c)


def unsubscribe_on_free(state: ServerState, c: Client) -> ServerState:
    """``freeClient``'s ``pubsubUnsubscribeAllChannels``, ``...ShardAllChannels`` and
    ``...AllPatterns``: leave every channel, shard channel and pattern, silently."""
    ps = leave_all(state.pubsub, c)
    return state if ps is state.pubsub else replace(state, pubsub=ps)


def reset_client(s: Step) -> None:
    """RESET's part (``clearClientConnectionState``): unsubscribe from everything, silently."""
    c = s.client
    if c.pubsub_channels or c.pubsub_patterns or c.pubsub_shard_channels or "pubsub" in c.flags:
        s.set_part("pubsub", leave_all(s.part("pubsub"), c))
        s.update_client(pubsub_channels=EMPTY_MAP, pubsub_patterns=(),
                        pubsub_shard_channels=EMPTY_MAP, flags=c.flags - {"pubsub"})
