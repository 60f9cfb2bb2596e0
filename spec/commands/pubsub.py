"""Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE,
SUNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS /
SHARDNUMSUB / HELP (``pubsub.c``).

(Un)subscribe commands reply one frame per argument (``addReplyPubsub(Un)Subscribed``), in
the client's protocol: they return the frames already encoded (``Raw``).
"""

from __future__ import annotations

from typing import Any

from immutables import Map

from ..effects import ReplOnly
from ..errors import subcommand_syntax
from ..pubsub import glob_for, publish, push_frame
from ..reply import Raw, Reply, Status, help_lines
from ..state import PubSubState
from ..step import Step
from .registry import command


def _flags(s: Step, subscribed: bool) -> frozenset[str]:
    f = s.client.flags
    if subscribed:
        return f if "pubsub" in f else f | {"pubsub"}
    return f - {"pubsub"} if "pubsub" in f else f


def _store_channels(s: Step, ps: PubSubState, shard: bool, srv: Map[bytes, tuple[int, ...]],
                    mine: Map[bytes, None], subscribed: bool) -> None:
    """The end of (un)subscribing channels: the server's table (``server.pubsub_channels``,
    or ``pubsubshard_channels`` with ``shard``) becomes ``srv``, the client's own
    ``mine``, and its ``CLIENT_PUBSUB`` flag follows ``subscribed``."""
    if shard:
        s.set_part("pubsub", PubSubState(ps.channels, ps.patterns, srv))
        s.update_client(pubsub_shard_channels=mine, flags=_flags(s, subscribed))
    else:
        s.set_part("pubsub", PubSubState(srv, ps.patterns, ps.shard_channels))
        s.update_client(pubsub_channels=mine, flags=_flags(s, subscribed))


def _subscribe_channels(s: Step, argv: list[bytes], shard: bool) -> Reply:
    """``subscribeCommand`` / ``ssubscribeCommand`` (``pubsubSubscribeChannel`` for each)."""
    c = s.client
    ps: PubSubState = s.part("pubsub")
    mine = c.pubsub_shard_channels if shard else c.pubsub_channels
    srv = ps.shard_channels if shard else ps.channels
    other = 0 if shard else len(c.pubsub_patterns)
    kind = b"ssubscribe" if shard else b"subscribe"
    resp = c.resp
    frames = []
    cid = c.id
    for ch in argv[1:]:
        if ch not in mine:
            mine = mine.set(ch, None)
            srv = srv.set(ch, srv.get(ch, ()) + (cid,))
        frames.append(push_frame(resp, kind, ch, len(mine) + other))
    _store_channels(s, ps, shard, srv, mine, True)
    return Raw(b"".join(frames))


def _unsubscribe_channels(s: Step, argv: list[bytes], shard: bool) -> Reply:
    """``unsubscribeCommand`` / ``sunsubscribeCommand``: the named channels, or all of them
    (a single ``nil`` frame when there were none)."""
    c = s.client
    ps: PubSubState = s.part("pubsub")
    mine: Map[bytes, None] = c.pubsub_shard_channels if shard else c.pubsub_channels
    srv = ps.shard_channels if shard else ps.channels
    # subscriptions of the other kinds, for CLIENT_PUBSUB
    other = (len(c.pubsub_channels) + len(c.pubsub_patterns) if shard
             else len(c.pubsub_patterns) + len(c.pubsub_shard_channels))
    own_other = 0 if shard else len(c.pubsub_patterns)
    kind = b"sunsubscribe" if shard else b"unsubscribe"
    resp = c.resp
    cid = c.id
    names = argv[1:] if len(argv) > 1 else list(mine)
    frames = []
    for ch in names:
        if ch in mine:
            mine = mine.delete(ch)
            subs = srv.get(ch, ())
            rest = tuple(x for x in subs if x != cid)
            srv = srv.set(ch, rest) if rest else srv.delete(ch)
        frames.append(push_frame(resp, kind, ch, len(mine) + own_other))
    if not names:
        frames.append(push_frame(resp, kind, None, len(mine) + own_other))
    _store_channels(s, ps, shard, srv, mine, bool(len(mine) + other))
    return Raw(b"".join(frames))


@command("subscribe")
def subscribe(s: Step, argv: list[bytes]) -> Reply:
    """SUBSCRIBE channel [channel ...]."""
    return _subscribe_channels(s, argv, False)


@command("ssubscribe")
def ssubscribe(s: Step, argv: list[bytes]) -> Reply:
    """SSUBSCRIBE shardchannel [shardchannel ...]."""
    return _subscribe_channels(s, argv, True)


@command("unsubscribe")
def unsubscribe(s: Step, argv: list[bytes]) -> Reply:
    """UNSUBSCRIBE [channel ...]."""
    return _unsubscribe_channels(s, argv, False)


@command("sunsubscribe")
def sunsubscribe(s: Step, argv: list[bytes]) -> Reply:
    """SUNSUBSCRIBE [shardchannel ...]."""
    return _unsubscribe_channels(s, argv, True)


@command("psubscribe")
def psubscribe(s: Step, argv: list[bytes]) -> Reply:
    """PSUBSCRIBE pattern [pattern ...] (``pubsubSubscribePattern`` for each)."""
    c = s.client
    ps: PubSubState = s.part("pubsub")
    mine = c.pubsub_patterns
    srv = ps.patterns
    cid = c.id
    nch = len(c.pubsub_channels)
    frames = []
    for pat in argv[1:]:
        if pat not in mine:
            mine = mine + (pat,)
            srv = srv.set(pat, srv.get(pat, ()) + (cid,))
        frames.append(push_frame(c.resp, b"psubscribe", pat, nch + len(mine)))
    s.set_part("pubsub", PubSubState(ps.channels, srv, ps.shard_channels))
    s.update_client(pubsub_patterns=mine, flags=_flags(s, True))
    return Raw(b"".join(frames))


@command("punsubscribe")
def punsubscribe(s: Step, argv: list[bytes]) -> Reply:
    """PUNSUBSCRIBE [pattern ...]: the named patterns, or all in subscription order."""
    c = s.client
    ps: PubSubState = s.part("pubsub")
    mine = c.pubsub_patterns
    srv = ps.patterns
    cid = c.id
    nch = len(c.pubsub_channels)
    names = argv[1:] if len(argv) > 1 else list(mine)
    frames = []
    for pat in names:
        if pat in mine:
            mine = tuple(p for p in mine if p != pat)
            subs = srv.get(pat, ())
            rest = tuple(x for x in subs if x != cid)
            srv = srv.set(pat, rest) if rest else srv.delete(pat)
        frames.append(push_frame(c.resp, b"punsubscribe", pat, nch + len(mine)))
    if not names:
        frames.append(push_frame(c.resp, b"punsubscribe", None, nch))
    total = nch + len(mine) + len(c.pubsub_shard_channels)
    s.set_part("pubsub", PubSubState(ps.channels, srv, ps.shard_channels))
    s.update_client(pubsub_patterns=mine, flags=_flags(s, bool(total)))
    return Raw(b"".join(frames))


@command("publish")
def publish_(s: Step, argv: list[bytes]) -> Reply:
    """PUBLISH channel message: the number of clients that received it. Propagated to the
    replicas only (``forceCommandPropagation(c, PROPAGATE_REPL)``): their subscribers get it."""
    n = publish(s, argv[1], argv[2])
    s.propagate.append((s.client.db, ReplOnly(argv)))
    return n


@command("spublish")
def spublish(s: Step, argv: list[bytes]) -> Reply:
    """SPUBLISH shardchannel message (no pattern matching for shard channels); to the
    replicas as PUBLISH is."""
    n = publish(s, argv[1], argv[2], shard=True)
    s.propagate.append((s.client.db, ReplOnly(argv)))
    return n


def _channels(m: Map[bytes, Any], argv: list[bytes]) -> Reply:
    """``channelList``: the active channels, those matching the pattern when one is given."""
    if len(argv) > 3:
        return subcommand_syntax(argv[1], "PUBSUB")
    if len(argv) == 2:
        return list(m.keys())
    g = glob_for(argv[2])
    return [ch for ch in m.keys() if g.match(ch)]


@command("pubsub|channels")
def pubsub_channels(s: Step, argv: list[bytes]) -> Reply:
    """PUBSUB CHANNELS [pattern]."""
    return _channels(s.part("pubsub").channels, argv)


@command("pubsub|shardchannels")
def pubsub_shardchannels(s: Step, argv: list[bytes]) -> Reply:
    """PUBSUB SHARDCHANNELS [pattern]."""
    return _channels(s.part("pubsub").shard_channels, argv)


def _numsub(m: Map[bytes, tuple[int, ...]], argv: list[bytes]) -> Reply:
    out: list[Any] = []
    for ch in argv[2:]:
        out.append(ch)
        out.append(len(m.get(ch, ())))
    return out


@command("pubsub|numsub")
def pubsub_numsub(s: Step, argv: list[bytes]) -> Reply:
    """PUBSUB NUMSUB [channel ...]: channel, count pairs (an array in RESP3 too)."""
    return _numsub(s.part("pubsub").channels, argv)


@command("pubsub|shardnumsub")
def pubsub_shardnumsub(s: Step, argv: list[bytes]) -> Reply:
    """PUBSUB SHARDNUMSUB [shardchannel ...]."""
    return _numsub(s.part("pubsub").shard_channels, argv)


@command("pubsub|numpat")
def pubsub_numpat(s: Step, argv: list[bytes]) -> Reply:
    """PUBSUB NUMPAT: the number of distinct patterns with a subscriber."""
    return len(s.part("pubsub").patterns)


_HELP = [Status(line) for line in help_lines("PUBSUB", [
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
])]


@command("pubsub|help")
def pubsub_help(s: Step, argv: list[bytes]) -> Reply:
    """PUBSUB HELP."""
    return _HELP

