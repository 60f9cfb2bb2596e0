"""The blocking list and sorted-set commands and CLIENT UNBLOCK (``t_list.c``, ``t_zset.c``,
``blocked.c``, ``networking.c``); the mechanism is in :mod:`redspec.spec.blocking`.

Each command parses its timeout first (``getTimeoutFromObjectOrReply``), then looks at its
keys in order: a key of another type answers WRONGTYPE, the first non-empty key is popped at
once (propagated as the non-blocking command: LPOP/RPOP key, LMOVE, RPOPLPUSH, LPOP key n,
ZPOPMIN/ZPOPMAX key [n]); with every key missing the client blocks, or inside EXEC answers
the null reply of the non-blocking form.
"""

from __future__ import annotations

from ..blocking import (
    LIST,
    ZSET,
    block_for_keys,
    parse_timeout,
    reply_timed_out,
    unblock_client,
)
from ..cstr import c_word
from ..errors import NOT_INTEGER, SYNTAX, subcommand_syntax
from ..numbers import string2ll
from ..reply import NULL_ARRAY, Err, Reply, encode
from ..state import Blocked
from ..step import Step
from .lists import (
    HEAD,
    TAIL,
    get_list,
    lmove_generic,
    mpop_generic,
    parse_lmpop,
    parse_sides,
    pop_range,
)
from .registry import command
from .zsets import parse_zmpop, zmpop_generic, zpop_core

_SIDE = (b"LEFT", b"RIGHT")


def _bpop(s: Step, argv: list[bytes], where: int) -> Reply:
    """``blockingPopGenericCommand`` for BLPOP/BRPOP key [key ...] timeout: ``[key, value]``
    from the first non-empty list."""
    t = parse_timeout(argv[-1], s.now_ms)
    if type(t) is Err:
        return t
    keys = argv[1:-1]
    for k in keys:
        v = get_list(s, k, write=True)
        if v is None:
            continue
        if type(v) is Err:
            return v
        value = pop_range(s, k, v, where, 1)[0]
        s.argv_rewrite = (b"LPOP" if where == HEAD else b"RPOP", k)
        return [k, value]
    if s.in_exec:
        return NULL_ARRAY
    assert isinstance(t, int)
    return block_for_keys(s, Blocked(s.cmd.name, tuple(keys), s.db.id, t, LIST, where))


@command("blpop")
def blpop(s: Step, argv: list[bytes]) -> Reply:
    """BLPOP key [key ...] timeout."""
    return _bpop(s, argv, HEAD)


@command("brpop")
def brpop(s: Step, argv: list[bytes]) -> Reply:
    """BRPOP key [key ...] timeout."""
    return _bpop(s, argv, TAIL)


def _bmove(s: Step, argv: list[bytes], wherefrom: int, whereto: int, timeout: bytes) -> Reply:
    """``blmoveGenericCommand`` after its caller's ``getTimeoutFromObjectOrReply`` of
    ``timeout``: LMOVE at once when the source exists (the destination's type is checked
    only then), else block (inside EXEC: a null bulk)."""
    t = parse_timeout(timeout, s.now_ms)
    if type(t) is Err:
        return t
    assert isinstance(t, int)
    src, dst = argv[1], argv[2]
    v = get_list(s, src, write=True)
    if type(v) is Err:
        return v
    if v is None:
        if s.in_exec:
            return None
        return block_for_keys(s, Blocked(s.cmd.name, (src,), s.db.id, t, LIST, wherefrom,
                                         whereto, dst))
    r = lmove_generic(s, src, dst, wherefrom, whereto)
    if s.cmd.name == "brpoplpush":
        s.argv_rewrite = (b"RPOPLPUSH", src, dst)
    else:
        s.argv_rewrite = (b"LMOVE", src, dst, _SIDE[wherefrom], _SIDE[whereto])
    return r


@command("blmove")
def blmove(s: Step, argv: list[bytes]) -> Reply:
    """BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout."""
    sides = parse_sides(argv)
    if sides is None:
        return SYNTAX
    return _bmove(s, argv, *sides, argv[5])


@command("brpoplpush")
def brpoplpush(s: Step, argv: list[bytes]) -> Reply:
    """BRPOPLPUSH source destination timeout: BLMOVE ... RIGHT LEFT."""
    return _bmove(s, argv, TAIL, HEAD, argv[3])


@command("blmpop")
def blmpop(s: Step, argv: list[bytes]) -> Reply:
    """BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] (``lmpopGenericCommand``;
    the timeout is parsed after the other arguments)."""
    parsed = parse_lmpop(argv, 2)
    if type(parsed) is Err:
        return parsed
    assert isinstance(parsed, tuple)
    t = parse_timeout(argv[1], s.now_ms)
    if type(t) is Err:
        return t
    assert isinstance(t, int)
    keys, where, count = parsed
    r = mpop_generic(s, keys, where, count)
    if r is not NULL_ARRAY or s.in_exec:
        return r
    return block_for_keys(s, Blocked("blmpop", tuple(keys), s.db.id, t, LIST, where, 0, None,
                                     count))


def _bzpop(s: Step, argv: list[bytes], pop_max: bool) -> Reply:
    """``blockingGenericZpopCommand`` for BZPOPMIN/BZPOPMAX key [key ...] timeout:
    ``[key, member, score]`` from the first non-empty sorted set."""
    t = parse_timeout(argv[-1], s.now_ms)
    if type(t) is Err:
        return t
    assert isinstance(t, int)
    keys = argv[1:-1]
    r = zpop_core(s, keys, pop_max, 1, True, False, True)
    if type(r) is list:
        s.argv_rewrite = (b"ZPOPMAX" if pop_max else b"ZPOPMIN", r[0])
        return [r[0], *r[1]]
    if r is not NULL_ARRAY or s.in_exec:
        return r
    return block_for_keys(s, Blocked(s.cmd.name, tuple(keys), s.db.id, t, ZSET, int(pop_max)))


@command("bzpopmin")
def bzpopmin(s: Step, argv: list[bytes]) -> Reply:
    """BZPOPMIN key [key ...] timeout."""
    return _bzpop(s, argv, False)


@command("bzpopmax")
def bzpopmax(s: Step, argv: list[bytes]) -> Reply:
    """BZPOPMAX key [key ...] timeout."""
    return _bzpop(s, argv, True)


@command("bzmpop")
def bzmpop(s: Step, argv: list[bytes]) -> Reply:
    """BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] (the timeout is parsed
    after the other arguments)."""
    p = parse_zmpop(argv, 2)
    if type(p) is Err:
        return p
    t = parse_timeout(argv[1], s.now_ms)
    if type(t) is Err:
        return t
    assert isinstance(t, int)
    assert isinstance(p, tuple)
    keys, pop_max, count = p
    r = zmpop_generic(s, keys, pop_max, count)
    if r is not NULL_ARRAY or s.in_exec:
        return r
    return block_for_keys(s, Blocked("bzmpop", tuple(keys), s.db.id, t, ZSET, int(pop_max), 0,
                                     None, count))


UNBLOCK_REASON = Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
UNBLOCKED = Err("UNBLOCKED client unblocked via CLIENT UNBLOCK")


@command("client|unblock")
def client_unblock(s: Step, argv: list[bytes]) -> Reply:
    """CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: a blocked client gets the timeout reply (a
    null array) or the UNBLOCKED error, counted as a failed call of its command (and the
    error as one of this command); 1 if it was blocked, else 0."""
    if len(argv) > 4:
        return subcommand_syntax(argv[1], "CLIENT")
    error = False
    if len(argv) == 4:
        w = c_word(argv[3])
        if w == b"error":
            error = True
        elif w != b"timeout":
            return UNBLOCK_REASON
    cid = string2ll(argv[2])
    if cid is None:
        return NOT_INTEGER
    target = s.clients.get(cid)
    if target is None or target.info.bpop is None or cid == s.client.id:
        return 0
    info = target.info.bpop
    if error:
        s.push_to(cid, encode(UNBLOCKED, target.info.resp))
        s.error_replies += 1
        s.error_counts["UNBLOCKED"] = s.error_counts.get("UNBLOCKED", 0) + 1
        s.count_failed("client|unblock")
        unblock_client(s, cid)
    else:
        reply_timed_out(s, cid)
    s.count_failed(info.cmd)
    return 1
