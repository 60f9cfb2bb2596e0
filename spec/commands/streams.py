"""Stream commands (Redis's ``t_stream.c``) over :class:`~redspec.spec.types.stream.StreamValue`.

Observed on Redis 7.0.15 and modelled here:

- Argument errors come before the key is looked up where Redis parses first (XADD and XTRIM
  options, XRANGE bounds and COUNT, XSETID, XGROUP options, XPENDING's range, XAUTOCLAIM),
  and after it where Redis looks first (XDEL, XACK, XCLAIM).
- XADD ``*`` takes the command's time (``now_ms``) unless the last ID is newer; ``ms-*``
  continues the last ID's sequence when the milliseconds match. The ID written is propagated
  in place of ``*`` / ``ms-*``; approximate trimming (``~``, LIMIT) is propagated as ``= <n>``
  with the length (MAXLEN) or first ID (MINID) it left, exact trimming as written.
- XREADGROUP, XCLAIM and XAUTOCLAIM are never propagated as such: each delivered or claimed
  entry becomes ``XCLAIM key group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID l``;
  NOACK reads become ``XGROUP SETID key group id ENTRIESREAD n`` (and ``XGROUP
  CREATECONSUMER`` for a consumer they create). More than one such command outside EXEC is
  wrapped in MULTI … EXEC (``propagatePendingCommands``).
- Keyspace events (class ``t``): ``xadd``, ``xtrim``, ``xdel``, ``xsetid``,
  ``xgroup-create``, ``xgroup-createconsumer``, ``xgroup-delconsumer``, ``xgroup-destroy``,
  ``xgroup-setid``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..blocking import STREAM, block_for_keys
from ..cstr import c_text, c_word
from ..db import lookup_typed, signal_key_as_ready
from ..errors import NO_SUCH_KEY, NOT_INTEGER, SYNTAX, subcommand_syntax, wrong_arity
from ..numbers import LLONG_MAX, string2ll
from ..reply import NULL_ARRAY, OK, Err, Reply, Status, help_lines
from ..reply import Map as RMap
from ..state import Blocked
from ..step import Step
from ..types.stream import (
    EMPTY,
    INVALID_ENTRIES_READ,
    LISTPACK_MAX_SIZE,
    MAX_ID,
    MIN_ID,
    U64,
    Entry,
    Group,
    Nack,
    StreamID,
    StreamValue,
    decr_id,
    format_id,
    incr_id,
    parse_id,
    stream_rax_nodes,
)
from .registry import command

__all__ = ["lookup_stream", "xread_generic", "entry_reply", "serve_stream_waiter"]

INVALID_ID = Err("ERR Invalid stream ID specified as stream command argument")
ID_ZERO = Err("ERR The ID specified in XADD must be greater than 0-0")
ID_TOO_SMALL = Err("ERR The ID specified in XADD is equal or smaller than the target stream "
                   "top item")
EXHAUSTED = Err("ERR The stream has exhausted the last possible ID, unable to add more items")
TOO_LARGE = Err("ERR Elements are too large to be stored")
BOTH_STRATEGIES = Err("ERR syntax error, MAXLEN and MINID options at the same time are not "
                      "compatible")
MAXLEN_NEGATIVE = Err("ERR The MAXLEN argument must be >= 0.")
LIMIT_NEGATIVE = Err("ERR The LIMIT argument must be >= 0.")
LIMIT_NO_STRATEGY = Err("ERR syntax error, LIMIT cannot be used without specifying a trimming "
                        "strategy")
XTRIM_NO_STRATEGY = Err("ERR syntax error, XTRIM must be called with a trimming strategy")
LIMIT_NO_APPROX = Err("ERR syntax error, LIMIT cannot be used without the special ~ option")
BAD_START = Err("ERR invalid start ID for the interval")
BAD_END = Err("ERR invalid end ID for the interval")
BUSYGROUP = Err("BUSYGROUP Consumer Group name already exists")
XGROUP_NO_KEY = Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
                    "you may want to use the MKSTREAM option to create an empty stream "
                    "automatically.")
ENTRIESREAD_NEGATIVE = Err("ERR value for ENTRIESREAD must be positive or -1")
COUNT_TOO_HIGH = Err("ERR Insufficient memory, failed allocating transient memory, COUNT too "
                     "high.")
#: XAUTOCLAIM allocates its array of deleted IDs, COUNT * 16 bytes, with ``ztrymalloc``
#: before claiming anything; an allocation of 2**47 bytes or more (the user address space
#: of x86-64) never succeeds. 7.0.15 also fails smaller requests the machine cannot back,
#: which depend on its memory and are not modelled.
TRANSIENT_ALLOC_MAX = 1 << 47

_STRATEGY_NONE, _MAXLEN, _MINID = 0, 1, 2


def lookup_stream(s: Step, key: bytes, write: bool = False) -> StreamValue | Err | None:
    """``lookupKeyRead``/``lookupKeyWrite`` + ``checkType(OBJ_STREAM)``."""
    return lookup_typed(s, key, StreamValue, write=write)


def _ll(arg: bytes) -> int | None:
    """``getLongLongFromObject``: a strict signed 64-bit integer."""
    return string2ll(arg)


def _store(s: Step, key: bytes, new: StreamValue) -> None:
    """Write back a changed stream in place (``dbOverwrite``-like: the key exists)."""
    s.db.update(key, new)


def _limits(s: Step) -> tuple[int, int]:
    cfg = s.config
    return int(cfg["stream-node-max-bytes"]), int(cfg["stream-node-max-entries"])


def entry_reply(e: Entry) -> list[Any]:
    """One entry as a reply: ``[id, [field, value, ...]]``."""
    return [format_id(e.id), e.pairs()]


def _propagate(s: Step, cmds: list[tuple[bytes, ...]]) -> None:
    """``alsoPropagate`` for each of ``cmds`` and ``preventCommandPropagation``; several
    commands of one call are wrapped in MULTI … EXEC at the end of the call
    (``spec.handle_blocked.propagate_pending_commands``)."""
    s.argv_rewrite = ()
    db = s.db.id
    for c in cmds:
        s.propagate.append((db, c))


# -- XADD / XTRIM -------------------------------------------------------------------------------


class _TrimArgs:
    """``streamAddTrimArgs``: what XADD / XTRIM were asked to do."""

    __slots__ = ("id", "id_given", "seq_given", "no_mkstream", "strategy", "arg_idx",
                 "approx", "limit", "maxlen", "minid")

    def __init__(self) -> None:
        self.id: StreamID = MIN_ID
        self.id_given = False
        self.seq_given = True
        self.no_mkstream = False
        self.strategy = _STRATEGY_NONE
        self.arg_idx = 0
        self.approx = False
        self.limit = 0
        self.maxlen = 0
        self.minid: StreamID = MIN_ID


def _parse_add_or_trim(s: Step, argv: list[bytes], xadd: bool) -> tuple[_TrimArgs, int] | Err:
    """``streamParseAddOrTrimArgsOrReply``: the options and, for XADD, the position of the ID
    argument (the number of arguments when none was found)."""
    a = _TrimArgs()
    i = 2
    limit_given = False
    n = len(argv)
    while i < n:
        more = n - 1 - i
        opt = c_word(argv[i])
        if xadd and argv[i][:1] == b"*" and (len(argv[i]) == 1 or argv[i][1:2] == b"\x00"):
            break
        if opt in (b"maxlen", b"minid") and more:
            if a.strategy != _STRATEGY_NONE:
                return BOTH_STRATEGIES
            a.approx = False
            nxt = c_word(argv[i + 1])
            if more >= 2 and nxt == b"~":
                a.approx = True
                i += 1
            elif more >= 2 and nxt == b"=":
                i += 1
            if opt == b"maxlen":
                v = _ll(argv[i + 1])
                if v is None:
                    return NOT_INTEGER
                if v < 0:
                    return MAXLEN_NEGATIVE
                a.maxlen = v
                a.strategy = _MAXLEN
            else:
                p = parse_id(argv[i + 1], 0, strict=True)
                if p is None:
                    return INVALID_ID
                a.minid = p[0]
                a.strategy = _MINID
            i += 1
            a.arg_idx = i
        elif opt == b"limit" and more:
            v = _ll(argv[i + 1])
            if v is None:
                return NOT_INTEGER
            if v < 0:
                return LIMIT_NEGATIVE
            a.limit = v
            limit_given = True
            i += 1
        elif xadd and opt == b"nomkstream":
            a.no_mkstream = True
        elif xadd:
            p = parse_id(argv[i], 0, strict=True, seq_star=True)
            if p is None:
                return INVALID_ID
            a.id, a.seq_given = p
            a.id_given = True
            break
        else:
            return SYNTAX
        i += 1
    if a.limit and a.strategy == _STRATEGY_NONE:
        return LIMIT_NO_STRATEGY
    if not xadd and a.strategy == _STRATEGY_NONE:
        return XTRIM_NO_STRATEGY
    if limit_given:
        if not a.approx:
            return LIMIT_NO_APPROX
    elif a.approx:
        lim = 100 * _limits(s)[1]
        a.limit = 10000 if lim <= 0 else min(lim, 1000000)
    else:
        a.limit = 0
    return a, i


def _trim(st: StreamValue, a: _TrimArgs) -> tuple[StreamValue, int]:
    """``streamTrim`` with the parsed arguments."""
    if a.strategy == _MAXLEN:
        return st.trim(a.maxlen, None, a.approx, a.limit)
    return st.trim(None, a.minid, a.approx, a.limit)


def _rewrite_trim(argv: list[bytes], st: StreamValue, a: _TrimArgs) -> None:
    """``streamRewriteApproxSpecifier`` + ``streamRewriteTrimArgument``: ``~ <n>`` becomes
    ``= <length>`` (MAXLEN) or ``= <first id, tombstones included>`` (MINID)."""
    argv[a.arg_idx - 1] = b"="
    if a.strategy == _MAXLEN:
        argv[a.arg_idx] = b"%d" % st.length
    else:
        argv[a.arg_idx] = format_id(st.edge_id(True, False))


def _next_id(last: StreamID, now_ms: int) -> StreamID | None:
    """``streamNextID``: now with sequence 0 when the clock passed the last ID, else the last
    ID plus one (None past the largest ID)."""
    if now_ms > last[0]:
        return (now_ms, 0)
    return incr_id(last)


def _xadd_id(st: StreamValue, a: _TrimArgs, now_ms: int) -> StreamID | Err:
    """The ID ``streamAppendItem`` would write, or its error: not greater than the last ID
    (EDOM), or — ``ms-*`` with the last ID's sequence at its maximum — the error 7.0.15
    gives because that path fails without setting ``errno`` ("Elements are too large")."""
    last = st.last_id
    if a.id_given:
        if a.seq_given:
            nid: StreamID | None = a.id
        elif last[0] == a.id[0]:
            if last[1] == U64:
                return TOO_LARGE
            nid = (last[0], last[1] + 1)
        else:
            nid = a.id
    else:
        nid = _next_id(last, now_ms)
    if nid is None or nid <= last:
        return ID_TOO_SMALL
    return nid


@command("xadd")
def xadd(s: Step, argv: list[bytes]) -> Reply:
    """``xaddCommand``: XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]]
    *|id field value [field value ...]: the ID of the new entry (nil with NOMKSTREAM on a
    missing key)."""
    parsed = _parse_add_or_trim(s, argv, True)
    if isinstance(parsed, Err):
        return parsed
    a, idpos = parsed
    field_pos = idpos + 1
    nargs = len(argv) - field_pos
    if nargs < 2 or nargs % 2 == 1:
        return wrong_arity("xadd")
    if a.id_given and a.seq_given and a.id == MIN_ID:
        return ID_ZERO
    key = argv[1]
    st = lookup_stream(s, key, write=True)
    if isinstance(st, Err):
        return st
    if st is None:
        if a.no_mkstream:
            return None
        st = EMPTY
        s.db.add(key, st)
    if st.last_id == MAX_ID:
        return EXHAUSTED
    nid = _xadd_id(st, a, s.now_ms)
    if isinstance(nid, Err):
        return nid
    pairs = argv[field_pos:]
    if sum(len(x) for x in pairs) > LISTPACK_MAX_SIZE:
        return TOO_LARGE
    mb, me = _limits(s)
    st = st.append(nid, pairs, mb, me)
    reply = format_id(nid)
    s.notify("t", "xadd", key, s.db.id)
    s.dirty += 1
    out = list(argv)
    if a.strategy != _STRATEGY_NONE:
        st, gone = _trim(st, a)
        if gone:
            s.notify("t", "xtrim", key, s.db.id)
        if a.approx:
            _rewrite_trim(out, st, a)
    _store(s, key, st)
    s.signal_modified_key(s.db.id, key)
    if not a.id_given or not a.seq_given:
        out[idpos] = reply
    if out != argv:
        s.argv_rewrite = tuple(out)
    signal_key_as_ready(s, s.db.id, key)
    return reply


@command("xtrim")
def xtrim(s: Step, argv: list[bytes]) -> Reply:
    """``xtrimCommand``: XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]: how many
    entries were removed."""
    parsed = _parse_add_or_trim(s, argv, False)
    if isinstance(parsed, Err):
        return parsed
    a = parsed[0]
    key = argv[1]
    st = lookup_stream(s, key, write=True)
    if st is None or isinstance(st, Err):
        return 0 if st is None else st
    st, gone = _trim(st, a)
    if gone:
        _store(s, key, st)
        s.notify("t", "xtrim", key, s.db.id)
        if a.approx:
            out = list(argv)
            _rewrite_trim(out, st, a)
            s.argv_rewrite = tuple(out)
        s.signal_modified_key(s.db.id, key)
        s.dirty += gone
    return gone


# -- XRANGE / XREVRANGE / XLEN ------------------------------------------------------------------


def _parse_interval(arg: bytes, missing_seq: int) -> tuple[StreamID, bool] | None:
    """``streamParseIntervalIDOrReply``: the ID and whether it was exclusive (``(`` prefix,
    then parsed strictly)."""
    if len(arg) > 1 and arg[:1] == b"(":
        p = parse_id(arg[1:], missing_seq, strict=True)
        return None if p is None else (p[0], True)
    p = parse_id(arg, missing_seq)
    return None if p is None else (p[0], False)


def _range_bounds(start_arg: bytes, end_arg: bytes) -> tuple[StreamID, StreamID] | Err:
    """Start (incomplete: sequence 0; ``(`` : the next ID) and end (incomplete: the largest
    sequence; ``(``: the previous ID) of a range."""
    p = _parse_interval(start_arg, 0)
    if p is None:
        return INVALID_ID
    start: StreamID | None = p[0]
    if p[1]:
        start = incr_id(p[0])
        if start is None:
            return BAD_START
    q = _parse_interval(end_arg, U64)
    if q is None:
        return INVALID_ID
    end: StreamID | None = q[0]
    if q[1]:
        end = decr_id(q[0])
        if end is None:
            return BAD_END
    assert start is not None and end is not None
    return start, end


def _xrange_generic(s: Step, argv: list[bytes], rev: bool) -> Reply:
    """``xrangeGenericCommand``: entries between the bounds, at most COUNT of them."""
    b = _range_bounds(argv[3], argv[2]) if rev else _range_bounds(argv[2], argv[3])
    if isinstance(b, Err):
        return b
    start, end = b
    count = -1
    j = 4
    while j < len(argv):
        if c_word(argv[j]) == b"count" and len(argv) - j - 1 >= 1:
            v = _ll(argv[j + 1])
            if v is None:
                return NOT_INTEGER
            count = max(v, 0)
            j += 2
        else:
            return SYNTAX
    st = lookup_stream(s, argv[1])
    if st is None or isinstance(st, Err):
        return [] if st is None else st
    if count == 0:
        return NULL_ARRAY
    out: list[Any] = []
    for e in st.range(start, end, rev):
        out.append(entry_reply(e))
        if len(out) == count:
            break
    return out


@command("xrange")
def xrange(s: Step, argv: list[bytes]) -> Reply:
    """XRANGE key start end [COUNT count]: entries oldest first."""
    return _xrange_generic(s, argv, False)


@command("xrevrange")
def xrevrange(s: Step, argv: list[bytes]) -> Reply:
    """XREVRANGE key end start [COUNT count]: entries newest first."""
    return _xrange_generic(s, argv, True)


@command("xlen")
def xlen(s: Step, argv: list[bytes]) -> Reply:
    """XLEN key: the number of live entries (0 for a missing key)."""
    st = lookup_stream(s, argv[1])
    if st is None or isinstance(st, Err):
        return 0 if st is None else st
    return st.length


# -- XDEL / XSETID ------------------------------------------------------------------------------


def _parse_ids(args: Iterable[bytes]) -> list[StreamID] | Err:
    """Strictly parsed IDs (``streamParseStrictIDOrReply`` each), all or an error."""
    out: list[StreamID] = []
    for a in args:
        p = parse_id(a, 0, strict=True)
        if p is None:
            return INVALID_ID
        out.append(p[0])
    return out


@command("xdel")
def xdel(s: Step, argv: list[bytes]) -> Reply:
    """``xdelCommand``: XDEL key id [id ...]: how many entries were deleted. Each deletion
    may raise ``max_deleted_entry_id``; deleting the first entry moves ``first_id``."""
    key = argv[1]
    st = lookup_stream(s, key, write=True)
    if st is None or isinstance(st, Err):
        return 0 if st is None else st
    ids = _parse_ids(argv[2:])
    if isinstance(ids, Err):
        return ids
    deleted = 0
    first_entry = False
    maxdel = st.max_deleted_id
    for i in ids:
        st, ok = st.delete(i)
        if ok:
            if i == st.first_id:
                first_entry = True
            if i > maxdel:
                maxdel = i
            deleted += 1
    if deleted:
        first = st.first_id
        if st.length == 0:
            first = MIN_ID
        elif first_entry:
            first = st.edge_id(True, True)
        st = st.with_meta(first_id=first, max_deleted_id=maxdel)
        _store(s, key, st)
        s.signal_modified_key(s.db.id, key)
        s.notify("t", "xdel", key, s.db.id)
        s.dirty += deleted
    return deleted


@command("xsetid")
def xsetid(s: Step, argv: list[bytes]) -> Reply:
    """``xsetidCommand``: XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]: OK."""
    p = parse_id(argv[2], 0, strict=True)
    if p is None:
        return INVALID_ID
    nid = p[0]
    entries_added = -1
    max_xdel = MIN_ID
    i = 3
    n = len(argv)
    while i < n:
        more = n - 1 - i
        opt = c_word(argv[i])
        if opt == b"entriesadded" and more:
            v = _ll(argv[i + 1])
            if v is None:
                return NOT_INTEGER
            if v < 0:
                return Err("ERR entries_added must be positive")
            entries_added = v
            i += 2
        elif opt == b"maxdeletedid" and more:
            q = parse_id(argv[i + 1], 0, strict=True)
            if q is None:
                return INVALID_ID
            if nid < q[0]:
                return Err("ERR The ID specified in XSETID is smaller than the provided "
                           "max_deleted_entry_id")
            max_xdel = q[0]
            i += 2
        else:
            return SYNTAX
    key = argv[1]
    st = lookup_stream(s, key, write=True)
    if st is None:
        return NO_SUCH_KEY
    if isinstance(st, Err):
        return st
    if st.length > 0:
        if nid < st.last_valid_id():
            return Err("ERR The ID specified in XSETID is smaller than the target stream top "
                       "item")
        if entries_added != -1 and st.length > entries_added:
            return Err("ERR The entries_added specified in XSETID is smaller than the target "
                       "stream length")
    changes: dict[str, object] = {"last_id": nid}
    if entries_added != -1:
        changes["entries_added"] = entries_added
    if max_xdel != MIN_ID:
        changes["max_deleted_id"] = max_xdel
    _store(s, key, st.with_meta(**changes))
    s.dirty += 1
    s.notify("t", "xsetid", key, s.db.id)
    return OK


# -- XREAD / XREADGROUP -------------------------------------------------------------------------

XREADGROUP_DOLLAR = Err(
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of "
    "this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID "
    "would just return an empty result set.")
XREAD_GT = Err("ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
               "<group> <consumer> option.")


class _ReadArgs:
    """What XREAD / XREADGROUP were asked."""

    __slots__ = ("timeout", "count", "streams_arg", "nstreams", "noack", "group", "consumer")

    def __init__(self) -> None:
        self.timeout = -1
        self.count = 0
        self.streams_arg = 0
        self.nstreams = 0
        self.noack = False
        self.group: bytes | None = None
        self.consumer: bytes | None = None


def _parse_block_ms(arg: bytes, now_ms: int) -> int | Err:
    """``getTimeoutFromObjectOrReply(UNIT_MILLISECONDS)`` as 7.0.15 has it: an integer of
    milliseconds, 0 meaning forever; the absolute deadline otherwise. 7.0.15 adds the clock
    with no overflow check (``tval += mstime()``; "timeout is out of range" came later), so
    ``BLOCK 9223372036854775807`` is accepted: the wrapped deadline, read unsigned in the
    timeout table, never comes, as a deadline past any clock never does here."""
    v = _ll(arg)
    if v is None:
        return Err("ERR timeout is not an integer or out of range")
    if v < 0:
        return Err("ERR timeout is negative")
    return now_ms + v if v > 0 else 0


def _from_script(s: Step) -> bool:
    """``c->flags & CLIENT_SCRIPT``: the command runs on a script's own client (id 0, see
    ``spec.scripting``)."""
    return s.client.id == 0


def _parse_read(s: Step, argv: list[bytes], xreadgroup: bool) -> _ReadArgs | Err:
    """The option loop of ``xreadCommand``."""
    a = _ReadArgs()
    n = len(argv)
    i = 1
    while i < n:
        more = n - i - 1
        o = c_word(argv[i])
        if o == b"block" and more:
            if _from_script(s):
                name = c_text(argv[0])
                return Err(f"ERR {name} command is not allowed with BLOCK option from scripts")
            i += 1
            t = _parse_block_ms(argv[i], s.now_ms)
            if isinstance(t, Err):
                return t
            a.timeout = t
        elif o == b"count" and more:
            i += 1
            v = _ll(argv[i])
            if v is None:
                return NOT_INTEGER
            a.count = max(v, 0)
        elif o == b"streams" and more:
            a.streams_arg = i + 1
            cnt = n - a.streams_arg
            if cnt % 2:  # 7.0.15 says XREAD and '$' for XREADGROUP too (found by tools/fuzz.py)
                return Err("ERR Unbalanced XREAD list of streams: for each stream key an ID or "
                           "'$' must be specified.")
            a.nstreams = cnt // 2
            break
        elif o == b"group" and more >= 2:
            if not xreadgroup:
                return Err("ERR The GROUP option is only supported by XREADGROUP. You called "
                           "XREAD instead.")
            a.group = argv[i + 1]
            a.consumer = argv[i + 2]
            i += 2
        elif o == b"noack":
            if not xreadgroup:
                return Err("ERR The NOACK option is only supported by XREADGROUP. You called "
                           "XREAD instead.")
            a.noack = True
        else:
            return SYNTAX
        i += 1
    if a.streams_arg == 0:
        return SYNTAX
    if xreadgroup and a.group is None:
        return Err("ERR Missing GROUP option for XREADGROUP")
    return a


def _consumer(s: Step, key: bytes, g: Group, name: bytes) -> Group:
    """``streamLookupConsumer`` or, when missing, ``streamCreateConsumer`` (a dirty change and
    an ``xgroup-createconsumer`` event). 7.0.15 makes a consumer only when it is about to be
    served or to claim something: an XREADGROUP with nothing to serve, or an XCLAIM /
    XAUTOCLAIM that claims nothing, leaves no consumer behind."""
    if name in g.consumers:
        return g
    g, _ = g.create_consumer(name, s.now_ms)
    s.dirty += 1
    s.notify("t", "xgroup-createconsumer", key, s.db.id)
    return g


def _nogroup_read(key: bytes, group: bytes) -> Err:
    return Err(f"NOGROUP No such key '{c_text(key)}' or consumer group '{c_text(group)}' in "
               "XREADGROUP with GROUP option")


def _deliver(s: Step, key: bytes, gname: bytes, st: StreamValue, g: Group, cname: bytes,
             start: StreamID, count: int, noack: bool,
             prop: list[tuple[bytes, ...]]) -> tuple[Group, list[Any]]:
    """``streamReplyWithRange`` with a group: entries after the group's cursor, each moving
    the cursor (and its read counter) and, without NOACK, becoming pending for the consumer
    (an entry pending for another consumer changes owner, delivered once). Propagation: an
    XCLAIM per delivered entry; with NOACK one ``XGROUP SETID … ENTRIESREAD`` after the
    loop when the cursor moved (7.0.15 emits no SETID for acknowledged reads)."""
    out: list[Any] = []
    now = s.now_ms
    propagate_last_id = False
    for e in st.range(start, MAX_ID):
        if e.id > g.last_id:
            if g.entries_read != INVALID_ENTRIES_READ and not st.range_has_tombstones(e.id):
                er = g.entries_read + 1
            elif st.entries_added:
                er = st.estimate_distance(e.id)
            else:
                er = g.entries_read
            g = g.with_(last_id=e.id, entries_read=er)
            propagate_last_id = True
        out.append(entry_reply(e))
        if not noack:
            nack = Nack(cname, now, 1)
            g = g.assign(e.id, nack)
            prop.append(_xclaim_argv(key, gname, g, e.id, nack))
        if count and len(out) == count:
            break
    if noack and propagate_last_id:
        prop.append((b"XGROUP", b"SETID", key, gname, format_id(g.last_id),
                     b"ENTRIESREAD", b"%d" % g.entries_read))
    return g, out


def _xclaim_argv(key: bytes, gname: bytes, g: Group, id: StreamID,
                 nack: Nack) -> tuple[bytes, ...]:
    """``streamPropagateXCLAIM``: the XCLAIM that recreates ``nack`` on a replica."""
    return (b"XCLAIM", key, gname, nack.consumer, b"0", format_id(id), b"TIME",
            b"%d" % nack.delivery_time, b"RETRYCOUNT", b"%d" % nack.delivery_count, b"FORCE",
            b"JUSTID", b"LASTID", format_id(g.last_id))


def _history(s: Step, st: StreamValue, g: Group, cname: bytes, start: StreamID,
             count: int) -> tuple[Group, list[Any]]:
    """``streamReplyWithRangeFromConsumerPEL``: the consumer's own pending entries from
    ``start``; each found is redelivered (time now, count + 1), a deleted one reads as
    ``[id, nil]``."""
    c = g.consumers[cname]
    out: list[Any] = []
    for i in sorted(c.pel.keys()):
        if i < start:
            continue
        if count and len(out) >= count:
            break
        e = st.get(i)
        if e is None:
            out.append([format_id(i), NULL_ARRAY])
        else:
            out.append(entry_reply(e))
            old = g.pel[i]
            g = g.with_(pel=g.pel.set(i, Nack(cname, s.now_ms, old.delivery_count + 1)))
    return g, out


class BlockOn:
    """What ``xreadCommand`` gives instead of a reply when the client must block: the IDs
    to wait past, ``$`` resolved (``>`` kept as the largest ID)."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[StreamID]) -> None:
        self.ids = ids


def xread_generic(s: Step, argv: list[bytes], xreadgroup: bool) -> Reply | BlockOn:
    """``xreadCommand`` for XREAD and XREADGROUP: the reply when something can be served (or
    an error, or the null reply); ``("block", ids)`` when the client should block."""
    a = _parse_read(s, argv, xreadgroup)
    if isinstance(a, Err):
        return a
    keys = argv[a.streams_arg:a.streams_arg + a.nstreams]
    idargs = argv[a.streams_arg + a.nstreams:]
    ids: list[StreamID] = []
    gname = a.group
    for key, ida in zip(keys, idargs, strict=False):
        st = lookup_stream(s, key)
        if isinstance(st, Err):
            return st
        if gname is not None and (st is None or st.group(gname) is None):
            return _nogroup_read(key, gname)
        if ida == b"$":
            if xreadgroup:
                return XREADGROUP_DOLLAR
            ids.append(st.last_id if st is not None else MIN_ID)
            continue
        if ida == b">":
            if not xreadgroup:
                return XREAD_GT
            ids.append(MAX_ID)
            continue
        p = parse_id(ida, 0, strict=True)
        if p is None:
            return INVALID_ID
        ids.append(p[0])
    out: list[tuple[bytes, list[Any]]] = []
    prop: list[tuple[bytes, ...]] = []
    for idx, key in enumerate(keys):
        st = lookup_stream(s, key)
        if st is None or isinstance(st, Err):
            continue
        gt = ids[idx]
        serve = history = False
        if gname is not None:
            assert a.consumer is not None
            g = st.group(gname)
            assert g is not None
            if gt != MAX_ID:
                serve = history = True
            elif st.length:
                if st.last_valid_id() > g.last_id:
                    serve = True
                    gt = g.last_id
            if serve:
                if a.consumer not in g.consumers and a.noack:
                    prop.append((b"XGROUP", b"CREATECONSUMER", key, gname, a.consumer))
                g = _consumer(s, key, g, a.consumer).touch(a.consumer, s.now_ms)
                start = incr_id(gt) or MAX_ID
                if history:
                    g, items = _history(s, st, g, a.consumer, start, a.count)
                else:
                    g, items = _deliver(s, key, gname, st, g, a.consumer, start, a.count,
                                        a.noack, prop)
                out.append((key, items))
                s.dirty += 1
                st = st.with_group(gname, g)
                _store(s, key, st)
        elif st.length and st.last_valid_id() > gt:
            start = incr_id(gt) or MAX_ID
            items = [entry_reply(e) for e in _take(st.range(start, MAX_ID), a.count)]
            out.append((key, items))
    if xreadgroup:
        _propagate(s, prop)
    if out:
        if s.client.resp == 3:
            return RMap(out)
        return [[k, v] for k, v in out]
    if a.timeout != -1:
        if s.in_exec:
            return NULL_ARRAY
        return BlockOn(ids)
    return NULL_ARRAY


def _take(it: Iterable[Entry], count: int) -> list[Entry]:
    """At most ``count`` entries of ``it`` (all when 0)."""
    out: list[Entry] = []
    for e in it:
        out.append(e)
        if count and len(out) == count:
            break
    return out


def _block(s: Step, argv: list[bytes], r: Reply | BlockOn, xreadgroup: bool) -> Reply:
    """``blockForKeys(BLOCKED_STREAM)`` when the read asked to block: the keys, the IDs to
    read past, the group, consumer, NOACK and COUNT are kept for serving."""
    if not isinstance(r, BlockOn):
        return r
    a = _parse_read(s, argv, xreadgroup)
    assert not isinstance(a, Err)
    keys = tuple(argv[a.streams_arg:a.streams_arg + a.nstreams])
    return block_for_keys(s, Blocked(
        s.cmd.name, keys, s.db.id, a.timeout, STREAM, count=a.count,
        stream_ids=tuple(r.ids), group=a.group, consumer=a.consumer, noack=a.noack))


@command("xread")
def xread(s: Step, argv: list[bytes]) -> Reply:
    """XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...]: entries after each ID
    (``$``: the stream's last ID), per stream; nil when none (or, with BLOCK, the client
    waits for an entry, served by :func:`serve_stream_waiters`)."""
    return _block(s, argv, xread_generic(s, argv, False), False)


@command("xreadgroup")
def xreadgroup(s: Step, argv: list[bytes]) -> Reply:
    """XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key [key ...]
    id [id ...]: new entries for the group (``>``) or the consumer's pending history."""
    return _block(s, argv, xread_generic(s, argv, True), True)


NOGROUP_BLOCKED = Err("NOGROUP the consumer group this client was blocked on no longer exists")


def serve_stream_waiter(s: Step, key: bytes, info: Blocked) -> Reply | None:
    """``serveClientsBlockedOnStreamKey`` for one blocked client, run as that client: its
    reply once the stream holds an entry past what it waits for (for a group: past the
    group's last ID, which earlier waiters may have moved), NOGROUP if its group is gone,
    None while it must keep waiting. A group read propagates its XCLAIMs (or SETID)
    directly, unwrapped, as 7.0.15 does when serving blocked clients."""
    st = lookup_typed(s, key, StreamValue, write=True) if key in s.db.keys else None
    if not isinstance(st, StreamValue):
        return None
    gt = info.stream_ids[info.keys.index(key)]
    gname = info.group
    prop: list[tuple[bytes, ...]] = []
    if gname is not None:
        g = st.group(gname)
        if g is None:
            return NOGROUP_BLOCKED
        gt = g.last_id
    if not st.last_id > gt:
        return None
    start = incr_id(gt) or MAX_ID
    if gname is not None:
        assert info.consumer is not None and g is not None
        cname = info.consumer
        if cname not in g.consumers and info.noack:
            prop.append((b"XGROUP", b"CREATECONSUMER", key, gname, cname))
        g = _consumer(s, key, g, cname).touch(cname, s.now_ms)
        g, items = _deliver(s, key, gname, st, g, cname, start, info.count, info.noack, prop)
        _store(s, key, st.with_group(gname, g))
        for c in prop:
            s.propagate.append((s.db.id, c))
    else:
        items = [entry_reply(e) for e in _take(st.range(start, MAX_ID), info.count)]
    if s.client.resp == 3:
        return RMap(((key, items),))
    return [[key, items]]


# -- XGROUP -------------------------------------------------------------------------------------

_XGROUP_HELP = [Status(line) for line in help_lines("XGROUP", [
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
])]


@command("xgroup|help")
def xgroup_help(s: Step, argv: list[bytes]) -> Reply:
    """XGROUP HELP: usage lines."""
    return list(_XGROUP_HELP)


def _nogroup(key: bytes, group: bytes) -> Err:
    return Err(f"NOGROUP No such consumer group '{c_text(group)}' for key name "
               f"'{c_text(key)}'")


def _xgroup_prelude(s: Step, argv: list[bytes], sub: bytes,
                    ) -> tuple[StreamValue | None, Group | None, bool, int] | Err:
    """The common part of ``xgroupCommand``: options (MKSTREAM, ENTRIESREAD), the key (it
    must exist unless MKSTREAM) and, for SETID / CREATECONSUMER / DELCONSUMER, the group."""
    mkstream = False
    entries_read = INVALID_ENTRIES_READ
    i = 5
    n = len(argv)
    create, setid = sub == b"create", sub == b"setid"
    while i < n:
        w = c_word(argv[i])
        if create and w == b"mkstream":
            mkstream = True
            i += 1
        elif (create or setid) and w == b"entriesread" and i + 1 < n:
            v = _ll(argv[i + 1])
            if v is None:
                return NOT_INTEGER
            if v < 0 and v != INVALID_ENTRIES_READ:
                return ENTRIESREAD_NEGATIVE
            entries_read = v
            i += 2
        else:
            return subcommand_syntax(argv[1], "XGROUP")
    st = lookup_stream(s, argv[2], write=True)
    if isinstance(st, Err):
        return st
    g = None if st is None else st.group(argv[3])
    if not mkstream:
        if st is None:
            return XGROUP_NO_KEY
        if g is None and sub in (b"setid", b"createconsumer", b"delconsumer"):
            return _nogroup(argv[2], argv[3])
    return st, g, mkstream, entries_read


@command("xgroup|create")
def xgroup_create(s: Step, argv: list[bytes]) -> Reply:
    """XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]: OK, or BUSYGROUP."""
    if len(argv) > 8:
        return subcommand_syntax(argv[1], "XGROUP")
    pre = _xgroup_prelude(s, argv, b"create")
    if isinstance(pre, Err):
        return pre
    st, g, _, entries_read = pre
    key = argv[2]
    if argv[4] == b"$":
        gid = st.last_id if st is not None else MIN_ID
    else:
        p = parse_id(argv[4], 0, strict=True)
        if p is None:
            return INVALID_ID
        gid = p[0]
    if st is None:
        st = EMPTY
        s.db.add(key, st)
        s.signal_modified_key(s.db.id, key)
    if argv[3] in st.groups:
        return BUSYGROUP
    _store(s, key, st.with_group(argv[3], Group.new(gid, entries_read)))
    s.dirty += 1
    s.notify("t", "xgroup-create", key, s.db.id)
    return OK


@command("xgroup|setid")
def xgroup_setid(s: Step, argv: list[bytes]) -> Reply:
    """XGROUP SETID key group id|$ [ENTRIESREAD n]: OK."""
    if len(argv) not in (5, 7):
        return subcommand_syntax(argv[1], "XGROUP")
    pre = _xgroup_prelude(s, argv, b"setid")
    if isinstance(pre, Err):
        return pre
    st, g, _, entries_read = pre
    assert st is not None and g is not None
    if argv[4] == b"$":
        gid = st.last_id
    else:
        p = parse_id(argv[4], 0)
        if p is None:
            return INVALID_ID
        gid = p[0]
    key = argv[2]
    _store(s, key, st.with_group(argv[3], g.with_(last_id=gid, entries_read=entries_read)))
    s.dirty += 1
    s.notify("t", "xgroup-setid", key, s.db.id)
    return OK


@command("xgroup|destroy")
def xgroup_destroy(s: Step, argv: list[bytes]) -> Reply:
    """XGROUP DESTROY key group: 1 if the group existed."""
    pre = _xgroup_prelude(s, argv, b"destroy")
    if isinstance(pre, Err):
        return pre
    st, g, _, _ = pre
    if g is None or st is None:
        return 0
    key = argv[2]
    _store(s, key, st.with_group(argv[3], None))
    s.dirty += 1
    s.notify("t", "xgroup-destroy", key, s.db.id)
    signal_key_as_ready(s, s.db.id, key)
    return 1


@command("xgroup|createconsumer")
def xgroup_createconsumer(s: Step, argv: list[bytes]) -> Reply:
    """XGROUP CREATECONSUMER key group consumer: 1 if it was created."""
    pre = _xgroup_prelude(s, argv, b"createconsumer")
    if isinstance(pre, Err):
        return pre
    st, g, _, _ = pre
    assert st is not None and g is not None
    g, created = g.create_consumer(argv[4], s.now_ms)
    if not created:
        return 0
    key = argv[2]
    _store(s, key, st.with_group(argv[3], g))
    s.dirty += 1
    s.notify("t", "xgroup-createconsumer", key, s.db.id)
    return 1


@command("xgroup|delconsumer")
def xgroup_delconsumer(s: Step, argv: list[bytes]) -> Reply:
    """XGROUP DELCONSUMER key group consumer: how many entries the consumer had pending
    (they leave the group PEL with it)."""
    pre = _xgroup_prelude(s, argv, b"delconsumer")
    if isinstance(pre, Err):
        return pre
    st, g, _, _ = pre
    assert st is not None and g is not None
    c = g.consumers.get(argv[4])
    if c is None:
        return 0
    pending = len(c.pel)
    key = argv[2]
    _store(s, key, st.with_group(argv[3], g.del_consumer(argv[4])))
    s.dirty += 1
    s.notify("t", "xgroup-delconsumer", key, s.db.id)
    return pending


# -- XACK / XPENDING ----------------------------------------------------------------------------


@command("xack")
def xack(s: Step, argv: list[bytes]) -> Reply:
    """``xackCommand``: XACK key group id [id ...]: how many were pending and are now
    acknowledged (0 for a missing key or group)."""
    key = argv[1]
    st = lookup_stream(s, key)
    if isinstance(st, Err):
        return st
    g = None if st is None else st.group(argv[2])
    if st is None or g is None:
        return 0
    ids = _parse_ids(argv[3:])
    if isinstance(ids, Err):
        return ids
    acked = 0
    for i in ids:
        if i in g.pel:
            g = g.ack(i)
            acked += 1
            s.dirty += 1
    if acked:
        _store(s, key, st.with_group(argv[2], g))
    return acked


def _nogroup_plain(key: bytes, group: bytes) -> Err:
    return Err(f"NOGROUP No such key '{c_text(key)}' or consumer group '{c_text(group)}'")


@command("xpending")
def xpending(s: Step, argv: list[bytes]) -> Reply:
    """``xpendingCommand``: XPENDING key group [[IDLE ms] start end count [consumer]]: the
    summary (count, smallest and largest ID, pending per consumer) or the pending entries
    (id, owner, idle ms, deliveries)."""
    n = len(argv)
    if n != 3 and (n < 6 or n > 9):
        return SYNTAX
    minidle = 0
    count = 0
    cname: bytes | None = None
    start = end = MIN_ID
    if n >= 6:
        si = 3
        if c_word(argv[3]) == b"idle":
            v = _ll(argv[4])
            if v is None:
                return NOT_INTEGER
            minidle = v
            if n < 8:
                return SYNTAX
            si += 2
        v = _ll(argv[si + 2])
        if v is None:
            return NOT_INTEGER
        count = max(v, 0)
        b = _range_bounds(argv[si], argv[si + 1])
        if isinstance(b, Err):
            return b
        start, end = b
        if si + 3 < n:
            cname = argv[si + 3]
    st = lookup_stream(s, argv[1])
    if isinstance(st, Err):
        return st
    g = None if st is None else st.group(argv[2])
    if g is None:
        return _nogroup_plain(argv[1], argv[2])
    if n == 3:
        if not g.pel:
            return [0, None, None, NULL_ARRAY]
        ids = g.pel_sorted()
        per = [[name, b"%d" % len(c.pel)] for name, c in sorted(g.consumers.items())
               if len(c.pel)]
        return [len(ids), format_id(ids[0]), format_id(ids[-1]), per]
    if cname is not None:
        c = g.consumers.get(cname)
        if c is None:
            return []
        pel_ids = sorted(c.pel.keys())
    else:
        pel_ids = g.pel_sorted()
    now = s.now_ms
    out: list[Any] = []
    for i in pel_ids:
        if not count:
            break
        if i < start:
            continue
        if i > end:
            break
        nack = g.pel[i]
        if minidle and now - nack.delivery_time < minidle:
            continue
        count -= 1
        out.append([format_id(i), nack.consumer, max(now - nack.delivery_time, 0),
                    nack.delivery_count])
    return out


# -- XCLAIM / XAUTOCLAIM ------------------------------------------------------------------------


def _claim_ll(arg: bytes, msg: str) -> int | Err:
    v = _ll(arg)
    if v is None:
        return Err(f"ERR {msg}")
    return v


@command("xclaim")
def xclaim(s: Step, argv: list[bytes]) -> Reply:
    """``xclaimCommand``: XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
    [TIME unix-ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]: the entries (or IDs) now
    owned by the consumer. A pending ID whose entry was deleted leaves the PEL."""
    key, gname, cname = argv[1], argv[2], argv[3]
    st = lookup_stream(s, key)
    if isinstance(st, Err):
        return st
    g = None if st is None else st.group(gname)
    if st is None or g is None:
        return _nogroup_plain(key, gname)
    minidle = _claim_ll(argv[4], "Invalid min-idle-time argument for XCLAIM")
    if isinstance(minidle, Err):
        return minidle
    minidle = max(minidle, 0)
    ids: list[StreamID] = []
    j = 5
    while j < len(argv):
        p = parse_id(argv[j], 0, strict=True)
        if p is None:
            break
        ids.append(p[0])
        j += 1
    id_args = argv[5:5 + len(ids)]
    now = s.now_ms
    retrycount = -1
    deliverytime = -1
    force = justid = False
    last_id = MIN_ID
    n = len(argv)
    while j < n:
        more = n - 1 - j
        opt = c_word(argv[j])
        if opt == b"force":
            force = True
        elif opt == b"justid":
            justid = True
        elif opt == b"idle" and more:
            j += 1
            v = _claim_ll(argv[j], "Invalid IDLE option argument for XCLAIM")
            if isinstance(v, Err):
                return v
            deliverytime = now - v
        elif opt == b"time" and more:
            j += 1
            v = _claim_ll(argv[j], "Invalid TIME option argument for XCLAIM")
            if isinstance(v, Err):
                return v
            deliverytime = v
        elif opt == b"retrycount" and more:
            j += 1
            v = _claim_ll(argv[j], "Invalid RETRYCOUNT option argument for XCLAIM")
            if isinstance(v, Err):
                return v
            retrycount = v
        elif opt == b"lastid" and more:
            j += 1
            p = parse_id(argv[j], 0, strict=True)
            if p is None:
                return INVALID_ID
            last_id = p[0]
        else:
            return Err(f"ERR Unrecognized XCLAIM option '{c_text(argv[j])}'")
        j += 1
    propagate_last_id = False
    if last_id > g.last_id:
        g = g.with_(last_id=last_id)
        propagate_last_id = True
    if deliverytime != -1:
        if deliverytime < 0 or deliverytime > now:
            deliverytime = now
    else:
        deliverytime = now
    prop: list[tuple[bytes, ...]] = []
    out: list[Any] = []
    for i, arg in zip(ids, id_args, strict=True):
        nack = g.pel.get(i)
        if st.get(i) is None:
            if nack is not None:
                prop.append(_xclaim_argv(key, gname, g, i, nack)[:5] + (arg,)
                            + _xclaim_argv(key, gname, g, i, nack)[6:])
                propagate_last_id = False
                s.dirty += 1
                g = g.ack(i)
            continue
        fresh = False
        if force and nack is None:  # streamCreateNACK: one delivery so far
            fresh = True
            nack = Nack(b"", 0, 1)
        if nack is None:
            continue
        if not fresh and minidle and now - nack.delivery_time < minidle:
            continue
        g = _consumer(s, key, g, cname).touch(cname, now)
        dc = nack.delivery_count
        if retrycount >= 0:
            dc = retrycount
        elif not justid:
            dc += 1
        new = Nack(cname, deliverytime, dc)
        g = g.assign(i, new)
        e = st.get(i)
        assert e is not None
        out.append(format_id(i) if justid else entry_reply(e))
        full = _xclaim_argv(key, gname, g, i, new)
        prop.append(full[:5] + (arg,) + full[6:])
        propagate_last_id = False
        s.dirty += 1
    if propagate_last_id:
        prop.append((b"XGROUP", b"SETID", key, gname, format_id(g.last_id), b"ENTRIESREAD",
                     b"%d" % g.entries_read))
        s.dirty += 1
    _store(s, key, st.with_group(gname, g))
    _propagate(s, prop)
    return out


@command("xautoclaim")
def xautoclaim(s: Step, argv: list[bytes]) -> Reply:
    """``xautoclaimCommand``: XAUTOCLAIM key group consumer min-idle-time start [COUNT n]
    [JUSTID]: ``[next cursor, claimed entries (or IDs), IDs of deleted entries dropped from
    the PEL]``; a COUNT whose array of IDs cannot be allocated: "Insufficient memory"
    (:data:`TRANSIENT_ALLOC_MAX`)."""
    key, gname, cname = argv[1], argv[2], argv[3]
    minidle = _claim_ll(argv[4], "Invalid min-idle-time argument for XAUTOCLAIM")
    if isinstance(minidle, Err):
        return minidle
    minidle = max(minidle, 0)
    p = _parse_interval(argv[5], 0)
    if p is None:
        return INVALID_ID
    start: StreamID | None = p[0]
    if p[1]:
        start = incr_id(p[0])
        if start is None:
            return BAD_START
    assert start is not None
    count = 100
    justid = False
    j = 6
    n = len(argv)
    max_count = LLONG_MAX // 16
    while j < n:
        more = n - 1 - j
        opt = c_word(argv[j])
        if opt == b"count" and more:
            v = _ll(argv[j + 1])  # getRangeLongFromObjectOrReply: one message for all
            if v is None or v < 1 or v > max_count:
                return Err("ERR COUNT must be > 0")
            count = v
            j += 1
        elif opt == b"justid":
            justid = True
        else:
            return SYNTAX
        j += 1
    st = lookup_stream(s, key)
    if isinstance(st, Err):
        return st
    g = None if st is None else st.group(gname)
    if st is None or g is None:
        return _nogroup_plain(key, gname)
    if count * 16 >= TRANSIENT_ALLOC_MAX:  # ztrymalloc(count * sizeof(streamID)) fails
        return COUNT_TOO_HIGH
    now = s.now_ms
    attempts = count * 10
    pel = [i for i in g.pel_sorted() if i >= start]
    claimed: list[Any] = []
    deleted: list[bytes] = []
    prop: list[tuple[bytes, ...]] = []
    k = 0
    while attempts and count and k < len(pel):
        attempts -= 1
        i = pel[k]
        k += 1
        nack = g.pel[i]
        if st.get(i) is None:
            prop.append(_xclaim_argv(key, gname, g, i, nack))
            s.dirty += 1
            g = g.ack(i)
            deleted.append(format_id(i))
            count -= 1
            continue
        if minidle and now - nack.delivery_time < minidle:
            continue
        g = _consumer(s, key, g, cname).touch(cname, now)
        new = Nack(cname, now, nack.delivery_count + (0 if justid else 1))
        g = g.assign(i, new)
        e = st.get(i)
        assert e is not None
        claimed.append(format_id(i) if justid else entry_reply(e))
        count -= 1
        prop.append(_xclaim_argv(key, gname, g, i, new))
        s.dirty += 1
    if attempts == 0 or count == 0:
        cursor = format_id(pel[k]) if k < len(pel) else b"0-0"
    else:
        cursor = b"0-0"
    _store(s, key, st.with_group(gname, g))
    _propagate(s, prop)
    return [cursor, claimed, deleted]


# -- XINFO --------------------------------------------------------------------------------------

_XINFO_HELP = [Status(line) for line in help_lines("XINFO", [
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
])]


@command("xinfo|help")
def xinfo_help(s: Step, argv: list[bytes]) -> Reply:
    """XINFO HELP: usage lines."""
    return list(_XINFO_HELP)


def _xinfo_lookup(s: Step, key: bytes) -> StreamValue | Err:
    st = lookup_stream(s, key)
    if st is None:
        return NO_SUCH_KEY
    return st


def _lag(st: StreamValue, g: Group) -> int | None:
    return st.lag(g)


def _entries_read(g: Group) -> int | None:
    return None if g.entries_read == INVALID_ENTRIES_READ else g.entries_read


@command("xinfo|consumers")
def xinfo_consumers(s: Step, argv: list[bytes]) -> Reply:
    """XINFO CONSUMERS key group: name, pending count and idle ms of each consumer."""
    st = _xinfo_lookup(s, argv[2])
    if isinstance(st, Err):
        return st
    g = st.group(argv[3])
    if g is None:
        return _nogroup(argv[2], argv[3])
    now = s.now_ms
    out: list[Any] = []
    for name, c in sorted(g.consumers.items()):
        out.append(RMap(((b"name", name), (b"pending", len(c.pel)),
                         (b"idle", max(now - c.seen_time, 0)))))
    return out


@command("xinfo|groups")
def xinfo_groups(s: Step, argv: list[bytes]) -> Reply:
    """XINFO GROUPS key: per group its name, consumers, pending, last delivered ID,
    entries-read and lag (nil when unknown)."""
    st = _xinfo_lookup(s, argv[2])
    if isinstance(st, Err):
        return st
    out: list[Any] = []
    for name, g in sorted(st.groups.items()):
        out.append(RMap(((b"name", name), (b"consumers", len(g.consumers)),
                         (b"pending", len(g.pel)),
                         (b"last-delivered-id", format_id(g.last_id)),
                         (b"entries-read", _entries_read(g)), (b"lag", _lag(st, g)))))
    return out


@command("xinfo|stream")
def xinfo_stream(s: Step, argv: list[bytes]) -> Reply:
    """XINFO STREAM key [FULL [COUNT n]]: the stream's counters, nodes, first and last
    entries, or (FULL) its entries and every group with its PEL and consumers."""
    st = _xinfo_lookup(s, argv[2])
    if isinstance(st, Err):
        return st
    opts = argv[3:]
    full = bool(opts)
    count = 10
    if opts:
        if len(opts) not in (1, 3) or c_word(opts[0]) != b"full":
            return subcommand_syntax(argv[1], "XINFO")
        if len(opts) == 3:
            if c_word(opts[1]) != b"count":
                return subcommand_syntax(argv[1], "XINFO")
            v = _ll(opts[2])
            if v is None:
                return NOT_INTEGER
            count = 10 if v < 0 else v
    head: list[tuple[bytes, Any]] = [
        (b"length", st.length),
        (b"radix-tree-keys", st.node_count),
        (b"radix-tree-nodes", stream_rax_nodes(st)),
        (b"last-generated-id", format_id(st.last_id)),
        (b"max-deleted-entry-id", format_id(st.max_deleted_id)),
        (b"entries-added", st.entries_added),
        (b"recorded-first-entry-id", format_id(st.first_id)),
    ]
    if not full:
        first = next(st.range(MIN_ID, MAX_ID), None)
        last = next(st.range(MIN_ID, MAX_ID, rev=True), None)
        head.append((b"groups", len(st.groups)))
        head.append((b"first-entry", None if first is None else entry_reply(first)))
        head.append((b"last-entry", None if last is None else entry_reply(last)))
        return RMap(head)
    entries = [entry_reply(e) for e in _take(st.range(MIN_ID, MAX_ID), count)]
    head.append((b"entries", entries))
    groups: list[Any] = []
    for name, g in sorted(st.groups.items()):
        pel: list[Any] = []
        for i in g.pel_sorted():
            if count and len(pel) >= count:
                break
            nk = g.pel[i]
            pel.append([format_id(i), nk.consumer, nk.delivery_time, nk.delivery_count])
        consumers: list[Any] = []
        for cn, c in sorted(g.consumers.items()):
            cpel: list[Any] = []
            for i in sorted(c.pel.keys()):
                if count and len(cpel) >= count:
                    break
                nk = g.pel[i]
                cpel.append([format_id(i), nk.delivery_time, nk.delivery_count])
            consumers.append(RMap(((b"name", cn), (b"seen-time", c.seen_time),
                                   (b"pel-count", len(c.pel)), (b"pending", cpel))))
        groups.append(RMap(((b"name", name), (b"last-delivered-id", format_id(g.last_id)),
                            (b"entries-read", _entries_read(g)), (b"lag", _lag(st, g)),
                            (b"pel-count", len(g.pel)), (b"pending", pel),
                            (b"consumers", consumers))))
    head.append((b"groups", groups))
    return RMap(head)
