"""String commands (Redis's ``t_string.c``).

A string value is ``bytes``. Any other value in the keyspace belongs to another type, and a
string command on it answers WRONGTYPE. How Redis would encode a string (int, embstr or raw)
is derived from the value; APPEND and SETRANGE, which Redis does in place on a private raw
copy, store a ``RawStr``, and INCRBYFLOAT an ``EmbStr`` (``spec.types.string``).

Side effects follow Redis 7.0.15 to the letter: ``server.dirty`` (``s.dirty``), keyspace
events (``s.notify``) and the command that replicas and the AOF receive (``s.argv_rewrite``,
Redis's ``rewriteClientCommandVector``): SET/SETEX/PSETEX with an expiry become
``SET k v PXAT <ms>``, SET without expiry drops its GET options, GETSET becomes SET, GETEX
becomes PEXPIREAT / PERSIST / DEL, GETDEL becomes DEL (UNLINK with lazyfree-lazy-user-del),
INCRBYFLOAT becomes ``SET k <result> KEEPTTL``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..cstr import c_word
from ..errors import (
    NOT_FLOAT,
    NOT_INTEGER,
    OVERFLOW,
    STRING_TOO_LONG,
    SYNTAX,
    WRONGTYPE,
    invalid_expire,
    wrong_arity,
)
from ..longdouble import ld_add, ld_format_human, strtold
from ..lru import OBJ_SHARED_INTEGERS
from ..numbers import LLONG_MAX, LLONG_MIN, string2ll
from ..reply import OK, Err, Map, Reply
from ..step import Step
from ..types.string import EmbStr, RawStr
from .registry import command

# Flags of SET and GETEX (``OBJ_SET_*`` / ``OBJ_*`` in t_string.c).
NX, XX, GET, KEEPTTL, PERSIST, EX, PX, EXAT, PXAT = (1 << i for i in range(9))
_EXPIRE_FLAGS = EX | PX | EXAT | PXAT
_UNIT_MS = {EX: 1000, PX: 1, EXAT: 1000, PXAT: 1}
_EXPIRE_OPTS = {b"ex": EX, b"px": PX, b"exat": EXAT, b"pxat": PXAT}

DECR_OVERFLOW = Err("ERR decrement would overflow")
OFFSET_RANGE = Err("ERR offset is out of range")
NAN_OR_INF = Err("ERR increment would produce NaN or Infinity")
LCS_TYPE = Err("ERR The specified keys must contain string values")
LCS_AMBIGUOUS = Err("ERR If you want both the length and indexes, please just use IDX.")
LCS_MEMORY = Err("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
LCS_TOO_LONG = Err("ERR String too long for LCS")
_UINT32_MAX = (1 << 32) - 1


def parse_set_options(
    argv: list[bytes], start: int, for_getex: bool
) -> tuple[int, bytes | None] | Err:
    """``parseExtendedStringArgumentsOrReply``: SET/GETEX options into (flags, expire arg).

    Each option is refused (syntax error) only when it conflicts with one already seen: NX
    with XX, KEEPTTL/PERSIST with any expiry, two different expiry kinds. The same option
    twice is accepted and, for an expiry, the last value wins. NX, XX, GET and KEEPTTL are
    SET-only; PERSIST is GETEX-only. An expiry kind with no value after it is a syntax error.
    """
    flags = 0
    expire: bytes | None = None
    j = start
    n = len(argv)
    while j < n:
        opt = c_word(argv[j])
        kind = _EXPIRE_OPTS.get(opt)
        if kind is not None:
            if flags & (KEEPTTL | PERSIST | (_EXPIRE_FLAGS & ~kind)) or j + 1 >= n:
                return SYNTAX
            flags |= kind
            expire = argv[j + 1]
            j += 2
            continue
        if for_getex:
            if opt == b"persist" and not flags & (KEEPTTL | _EXPIRE_FLAGS):
                flags |= PERSIST
            else:
                return SYNTAX
        elif opt == b"nx" and not flags & XX:
            flags |= NX
        elif opt == b"xx" and not flags & NX:
            flags |= XX
        elif opt == b"get":
            flags |= GET
        elif opt == b"keepttl" and not flags & (PERSIST | _EXPIRE_FLAGS):
            flags |= KEEPTTL
        else:
            return SYNTAX
        j += 1
    return flags, expire


def expire_ms(s: Step, arg: bytes, flags: int) -> int | Err:
    """``getExpireMillisecondsOrReply``: the absolute unix-ms expiry named by an EX/PX/EXAT/PXAT
    argument, or the error Redis gives (not an integer; not positive; overflow)."""
    v = string2ll(arg)
    if v is None:
        return NOT_INTEGER
    unit = _UNIT_MS[flags & _EXPIRE_FLAGS]
    if v <= 0 or (unit == 1000 and v > LLONG_MAX // 1000):
        return invalid_expire(s.cmd.name)
    v *= unit
    if flags & (EX | PX):
        v += s.now_ms
    if v <= 0 or v > LLONG_MAX:  # C's signed overflow wraps negative
        return invalid_expire(s.cmd.name)
    return v


def get_string(s: Step, key: bytes) -> Reply:
    """``getGenericCommand``'s lookup: the string at key, None if missing, or WRONGTYPE."""
    v = s.db.lookup_read(key)
    if v is None or type(v) is bytes:
        return v
    return v if isinstance(v, bytes) else WRONGTYPE


def _string_or_wrongtype(v: Any) -> Any:
    """``checkType(c, o, OBJ_STRING)`` on a looked-up value (None passes through)."""
    if v is None or type(v) is bytes or isinstance(v, bytes):
        return v
    return WRONGTYPE


def check_string_length(s: Step, size: int, append: int) -> Err | None:
    """``checkStringLength``: a string of ``size + append`` bytes must not exceed
    ``proto-max-bulk-len``."""
    if size + append > s.config["proto-max-bulk-len"]:
        return STRING_TOO_LONG
    return None


def set_generic(s: Step, flags: int, key: bytes, value: bytes, expire: bytes | None,
                ok_reply: Any = OK, abort_reply: Any = None) -> Reply:
    """``setGenericCommand``: the shared core of SET, SETNX, SETEX, PSETEX.

    Order: validate the expiry; with GET, look the old value up (WRONGTYPE stops here);
    then NX/XX decide; then ``setKey`` (the TTL is dropped unless KEEPTTL) and the expiry.
    With GET the reply is always the old value, also when NX/XX refused the write.
    """
    when = -1
    if expire is not None:
        w = expire_ms(s, expire, flags)
        if type(w) is Err:
            return w
        when = w  # type: ignore[assignment]
    old: Any = None
    if flags & GET:
        old = get_string(s, key)
        if type(old) is Err:
            return old
    db = s.db
    found = db.lookup_write(key) is not None
    if (flags & NX and found) or (flags & XX and not found):
        return old if flags & GET else abort_reply
    db.set_key(key, value, keep_ttl=bool(flags & KEEPTTL), found=found)
    s.dirty += 1
    s.notify("$", "set", key, db.id)
    if when >= 0:
        db.set_expire(key, when)
        # Replicas and the AOF get an absolute time, so they expire the key together.
        s.argv_rewrite = (b"SET", key, value, b"PXAT", b"%d" % when)
        s.notify("g", "expire", key, db.id)
    return old if flags & GET else ok_reply


@command("set")
def set_(s: Step, argv: list[bytes]) -> Reply:
    """SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT t | KEEPTTL]."""
    if len(argv) == 3:  # the common case: no options
        db = s.db
        db.set_key(argv[1], argv[2])  # its lookupKeyWrite is setGenericCommand's
        s.dirty += 1
        s.notify("$", "set", argv[1], s.db.id)
        return OK
    parsed = parse_set_options(argv, 3, for_getex=False)
    if type(parsed) is Err:
        return parsed
    assert isinstance(parsed, tuple)
    flags, expire = parsed
    dirty = s.dirty
    reply = set_generic(s, flags, argv[1], argv[2], expire)
    if flags & GET and expire is None and s.dirty != dirty:
        # GET is not propagated: every C-string "get" past the value is dropped.
        s.argv_rewrite = tuple(a for i, a in enumerate(argv) if i < 3 or c_word(a) != b"get")
    return reply


@command("setnx")
def setnx(s: Step, argv: list[bytes]) -> Reply:
    """SETNX key value: 1 if the key was set, 0 if it already existed."""
    return set_generic(s, NX, argv[1], argv[2], None, 1, 0)


@command("setex")
def setex(s: Step, argv: list[bytes]) -> Reply:
    """SETEX key seconds value: SET with EX (propagated as SET ... PXAT)."""
    return set_generic(s, EX, argv[1], argv[3], argv[2])


@command("psetex")
def psetex(s: Step, argv: list[bytes]) -> Reply:
    """PSETEX key milliseconds value: SET with PX (propagated as SET ... PXAT)."""
    return set_generic(s, PX, argv[1], argv[3], argv[2])


@command("get")
def get(s: Step, argv: list[bytes]) -> Reply:
    """GET key: the string value, nil if missing, WRONGTYPE for another type."""
    return get_string(s, argv[1])


@command("getex")
def getex(s: Step, argv: list[bytes]) -> Reply:
    """``getexCommand``: GET, then change the TTL (EX/PX/EXAT/PXAT) or drop it (PERSIST).

    Options are parsed first (syntax errors), then a missing key answers nil before the
    expiry value is checked; WRONGTYPE comes before the expiry check too. An absolute time
    already past deletes the key (propagated as DEL, or UNLINK with lazyfree-lazy-expire).
    """
    parsed = parse_set_options(argv, 2, for_getex=True)
    if type(parsed) is Err:
        return parsed
    assert isinstance(parsed, tuple)
    flags, expire = parsed
    key = argv[1]
    v = get_string(s, key)
    if v is None or type(v) is Err:
        return v
    when = -1
    if expire is not None:
        w = expire_ms(s, expire, flags)
        if type(w) is Err:
            return w
        when = w  # type: ignore[assignment]
    db = s.db
    if flags & (PXAT | EXAT) and s.already_expired(when):
        db.delete(key)
        lazy = s.config.get("lazyfree-lazy-expire")
        s.argv_rewrite = (b"UNLINK" if lazy else b"DEL", key)
        s.notify("g", "del", key, db.id)
        s.dirty += 1
    elif when >= 0:
        db.set_expire(key, when)
        s.argv_rewrite = (b"PEXPIREAT", key, b"%d" % when)
        s.signal_modified_key(db.id, key)
        s.notify("g", "expire", key, db.id)
        s.dirty += 1
    elif flags & PERSIST and db.remove_expire(key):
        s.signal_modified_key(db.id, key)
        s.argv_rewrite = (b"PERSIST", key)
        s.notify("g", "persist", key, db.id)
        s.dirty += 1
    return v


@command("getdel")
def getdel(s: Step, argv: list[bytes]) -> Reply:
    """``getdelCommand``: GET, then delete the key (propagated as DEL, or UNLINK with
    lazyfree-lazy-user-del)."""
    key = argv[1]
    v = get_string(s, key)
    if type(v) is Err:
        return v
    db = s.db
    if db.delete(key):  # also for a missing key (its dict steps)
        lazy = s.config.get("lazyfree-lazy-user-del")
        s.argv_rewrite = (b"UNLINK" if lazy else b"DEL", key)
        s.notify("g", "del", key, db.id)
        s.dirty += 1
    return v


@command("getset")
def getset(s: Step, argv: list[bytes]) -> Reply:
    """``getsetCommand``: the old value (or nil), then SET without options (TTL dropped);
    propagated as SET."""
    key, value = argv[1], argv[2]
    old = get_string(s, key)
    if type(old) is Err:
        return old
    db = s.db
    db.set_key(key, value)
    s.notify("$", "set", key, db.id)
    s.dirty += 1
    s.argv_rewrite = (b"SET", key, value)
    return old


@command("mget")
def mget(s: Step, argv: list[bytes]) -> Reply:
    """``mgetCommand``: one reply per key; nil for a missing key *and* for another type."""
    lookup = s.db.lookup_read
    out = []
    for key in argv[1:]:
        v = lookup(key)
        out.append(v if v is None or type(v) is bytes or isinstance(v, bytes) else None)
    return out


def _mset_generic(s: Step, argv: list[bytes], nx: bool) -> Reply:
    """``msetGenericCommand``: pairs in order (a key given twice keeps the last value).

    An odd number of arguments is an arity error by name. MSETNX sets nothing, and answers
    0, if any key exists.
    """
    n = len(argv)
    if n % 2 == 0:
        return wrong_arity(s.cmd.name)
    db = s.db
    if nx:
        for j in range(1, n, 2):
            if db.lookup_write(argv[j]) is not None:
                return 0
    for j in range(1, n, 2):
        db.set_key(argv[j], argv[j + 1])  # flags 0 in 7.0.15, MSETNX too: its own lookup
        s.notify("$", "set", argv[j], db.id)
    s.dirty += (n - 1) // 2
    return 1 if nx else OK


@command("mset")
def mset(s: Step, argv: list[bytes]) -> Reply:
    """MSET key value [key value ...]."""
    return _mset_generic(s, argv, False)


@command("msetnx")
def msetnx(s: Step, argv: list[bytes]) -> Reply:
    """MSETNX key value [key value ...]: all or nothing."""
    return _mset_generic(s, argv, True)


@command("strlen")
def strlen(s: Step, argv: list[bytes]) -> Reply:
    """``strlenCommand``: the length in bytes, 0 for a missing key."""
    v = _string_or_wrongtype(s.db.lookup_read(argv[1]))
    if v is None:
        return 0
    return v if type(v) is Err else len(v)


@command("append")
def append(s: Step, argv: list[bytes]) -> Reply:
    """``appendCommand``: create or extend the string (the TTL stays); the new length."""
    key, tail = argv[1], argv[2]
    db = s.db
    v = db.lookup_write(key)
    if v is None:
        db.add(key, tail)
        total = len(tail)
    else:
        v = _string_or_wrongtype(v)
        if type(v) is Err:
            return v
        err = check_string_length(s, len(v), len(tail))
        if err is not None:
            return err
        new = RawStr(v + tail)  # dbUnshareStringValue: raw from now on
        db.unshare_string(key, new)
        total = len(new)
    s.signal_modified_key(db.id, key)
    s.notify("$", "append", key, db.id)
    s.dirty += 1
    return total


@command("setrange")
def setrange(s: Step, argv: list[bytes]) -> Reply:
    """``setrangeCommand``: overwrite bytes at ``offset``, zero-padding a gap; the new length.

    A negative offset is "offset is out of range" (before the key is looked up). An empty
    value changes nothing and answers the current length (0 for a missing key, before the
    size check). A result longer than proto-max-bulk-len is refused.
    """
    key, value = argv[1], argv[3]
    offset = string2ll(argv[2])
    if offset is None:
        return NOT_INTEGER
    if offset < 0:
        return OFFSET_RANGE
    db = s.db
    v = db.lookup_write(key)
    if v is None:
        if not value:
            return 0
        err = check_string_length(s, offset, len(value))
        if err is not None:
            return err
        new = RawStr(b"\0" * offset + value)
        db.add(key, new)
    else:
        v = _string_or_wrongtype(v)
        if type(v) is Err:
            return v
        if not value:
            return len(v)
        err = check_string_length(s, offset, len(value))
        if err is not None:
            return err
        olen = len(v)
        if offset > olen:
            new = v + b"\0" * (offset - olen) + value
        else:
            new = v[:offset] + value + v[offset + len(value) :]
        db.unshare_string(key, RawStr(new))
    s.signal_modified_key(db.id, key)
    s.notify("$", "setrange", key, db.id)
    s.dirty += 1
    return len(new)


def clamp_range(start: int, end: int, total: int) -> tuple[int, int]:
    """Redis's index conversion for GETRANGE, BITCOUNT and BITPOS: negatives count from
    ``total``, then both are clamped into ``0 .. total-1`` (``start > end`` means empty)."""
    if start < 0:
        start += total
    if end < 0:
        end += total
    if start < 0:
        start = 0
    if end < 0:
        end = 0
    if end >= total:
        end = total - 1
    return start, end


def parse_indexes(argv: list[bytes]) -> tuple[int, int] | None:
    """GETRANGE's and BITCOUNT's ``start end`` (``argv[2]``, ``argv[3]``), each through
    ``getLongLongFromObjectOrReply``; None when either is not an integer."""
    start = string2ll(argv[2])
    end = string2ll(argv[3]) if start is not None else None
    if start is None or end is None:
        return None
    return start, end


@command("getrange", "substr")
def getrange(s: Step, argv: list[bytes]) -> Reply:
    """``getrangeCommand`` (and SUBSTR): bytes ``start..end`` inclusive, negative indexes from
    the end, clamped; empty when the range is empty or the key is missing."""
    indexes = parse_indexes(argv)
    if indexes is None:
        return NOT_INTEGER
    start, end = indexes
    v = _string_or_wrongtype(s.db.lookup_read(argv[1]))
    if v is None:
        return b""
    if type(v) is Err:
        return v
    n = len(v)
    if start < 0 and end < 0 and start > end:
        return b""
    start, end = clamp_range(start, end, n)
    if start > end or n == 0:
        return b""
    return v[start : end + 1]


def _incr_decr(s: Step, key: bytes, incr: int) -> Reply:
    """``incrDecrCommand``: add ``incr`` to the 64-bit integer at key (0 if missing).

    The stored value must be a strict ``string2ll`` integer; the sum must fit a long long.
    The key keeps its TTL.
    """
    db = s.db
    v = db.lookup_write(key)
    if v is None:
        value = 0
    else:
        v = _string_or_wrongtype(v)
        if type(v) is Err:
            return v
        parsed = string2ll(v)
        if parsed is None:
            return NOT_INTEGER
        value = parsed
    result = value + incr
    if result > LLONG_MAX or result < LLONG_MIN:
        return OVERFLOW
    new = b"%d" % result
    if v is None:
        db.add(key, new)
    elif (type(v) is bytes and not 0 <= result < OBJ_SHARED_INTEGERS
          and db.lru.get(key, 0) >= 0):
        # a private int-encoded object (not a shared integer) is changed in place: no
        # dbOverwrite, so no rehash step
        db.update(key, new)
    else:
        db.overwrite(key, new)
    s.signal_modified_key(db.id, key)
    s.notify("$", "incrby", key, db.id)
    s.dirty += 1
    return result


@command("incr")
def incr(s: Step, argv: list[bytes]) -> Reply:
    """INCR key."""
    return _incr_decr(s, argv[1], 1)


@command("decr")
def decr(s: Step, argv: list[bytes]) -> Reply:
    """DECR key."""
    return _incr_decr(s, argv[1], -1)


@command("incrby")
def incrby(s: Step, argv: list[bytes]) -> Reply:
    """INCRBY key increment (the increment is parsed before the key is looked up)."""
    n = string2ll(argv[2])
    if n is None:
        return NOT_INTEGER
    return _incr_decr(s, argv[1], n)


@command("decrby")
def decrby(s: Step, argv: list[bytes]) -> Reply:
    """DECRBY key decrement; LLONG_MIN cannot be negated ("decrement would overflow")."""
    n = string2ll(argv[2])
    if n is None:
        return NOT_INTEGER
    if n == LLONG_MIN:
        return DECR_OVERFLOW
    return _incr_decr(s, argv[1], -n)


@command("incrbyfloat")
def incrbyfloat(s: Step, argv: list[bytes]) -> Reply:
    """``incrbyfloatCommand``: add in C ``long double`` (see ``spec.longdouble``).

    The stored value is checked (type, then ``string2ld``) before the increment. A NaN or
    infinite sum is refused. The result is stored as ``ld2string(LD_STR_HUMAN)`` text, the
    TTL kept, and propagated as ``SET key result KEEPTTL``.
    """
    key = argv[1]
    db = s.db
    v = db.lookup_write(key)
    if v is None:
        value: Any = Fraction(0)
    else:
        v = _string_or_wrongtype(v)
        if type(v) is Err:
            return v
        value = strtold(v)
        if value is None:
            return NOT_FLOAT
    inc = strtold(argv[2])
    if inc is None:
        return NOT_FLOAT
    total = ld_add(value, inc)
    if total is None or type(total) is float:
        return NAN_OR_INF
    new = ld_format_human(total)  # type: ignore[arg-type]
    stored = EmbStr(new)  # createStringObjectFromLongDouble: embstr, never int
    if v is None:
        db.add(key, stored)
    else:
        db.overwrite(key, stored)
    s.signal_modified_key(db.id, key)
    s.notify("$", "incrbyfloat", key, db.id)
    s.dirty += 1
    s.argv_rewrite = (b"SET", key, new, b"KEEPTTL")
    return new


class _LcsTable:
    """The LCS dynamic-programming table of Redis's ``lcsCommand``, ``t(i, j)`` = LCS length
    of ``a[:i]`` and ``b[:j]``, held one bit-vector row per ``i`` (the bit-parallel form of
    Allison–Dix / Hyyrö): in row ``i``, bit ``j`` is 0 where ``t(i, j+1) = t(i, j) + 1``.
    Same table, computed a machine word at a time instead of a cell at a time.
    """

    __slots__ = ("rows",)

    def __init__(self, a: bytes, b: bytes) -> None:
        mask = (1 << len(b)) - 1
        match: dict[int, int] = {}
        for j, c in enumerate(b):
            match[c] = match.get(c, 0) | (1 << j)
        v = mask
        rows = [v]
        for c in a:
            u = v & match.get(c, 0)
            v = ((v + u) | (v - u)) & mask
            rows.append(v)
        self.rows = rows

    def __call__(self, i: int, j: int) -> int:
        return j - (self.rows[i] & ((1 << j) - 1)).bit_count()


@command("lcs")
def lcs(s: Step, argv: list[bytes]) -> Reply:
    """``lcsCommand``: the longest common subsequence of two strings (missing = empty).

    Default reply: the subsequence itself; LEN: its length; IDX: a map ``matches`` (ranges
    found walking back from the ends of both strings, so the last match comes first; each
    ``[[a_start, a_end], [b_start, b_end]]`` plus the length with WITHMATCHLEN, filtered by
    MINMATCHLEN) and ``len``. The type check comes before option parsing.
    """
    db = s.db
    oa = db.lookup_read(argv[1])
    ob = db.lookup_read(argv[2])
    if (oa is not None and not isinstance(oa, bytes)) or (
        ob is not None and not isinstance(ob, bytes)
    ):
        return LCS_TYPE
    a: bytes = oa if oa is not None else b""
    b: bytes = ob if ob is not None else b""
    getlen = getidx = withmatchlen = False
    minmatchlen = 0
    j = 3
    n = len(argv)
    while j < n:
        opt = c_word(argv[j])
        if opt == b"idx":
            getidx = True
        elif opt == b"len":
            getlen = True
        elif opt == b"withmatchlen":
            withmatchlen = True
        elif opt == b"minmatchlen" and j + 1 < n:
            mm = string2ll(argv[j + 1])
            if mm is None:
                return NOT_INTEGER
            minmatchlen = max(mm, 0)
            j += 1
        else:
            return SYNTAX
        j += 1
    if getidx and getlen:
        return LCS_AMBIGUOUS
    alen, blen = len(a), len(b)
    if alen >= _UINT32_MAX - 1 or blen >= _UINT32_MAX - 1:
        return LCS_TOO_LONG
    if (alen + 1) * (blen + 1) * 4 > s.config["proto-max-bulk-len"]:
        return LCS_MEMORY
    t = _LcsTable(a, b)
    total = t(alen, blen)
    if getlen and not getidx:
        return total
    result = bytearray(total)
    idx = total
    matches: list[Any] = []
    unset = alen  # "no range open" sentinel, as in Redis
    a_start = unset
    a_end = b_start = b_end = 0
    i, k = alen, blen
    while i > 0 and k > 0:
        emit = False
        if a[i - 1] == b[k - 1]:
            result[idx - 1] = a[i - 1]
            if a_start == unset:
                a_start = a_end = i - 1
                b_start = b_end = k - 1
            elif a_start == i and b_start == k:
                a_start -= 1
                b_start -= 1
            else:
                emit = True
            if a_start == 0 or b_start == 0:
                emit = True
            idx -= 1
            i -= 1
            k -= 1
        else:
            if t(i - 1, k) > t(i, k - 1):
                i -= 1
            else:
                k -= 1
            if a_start != unset:
                emit = True
        if emit:
            match_len = a_end - a_start + 1
            if getidx and (minmatchlen == 0 or match_len >= minmatchlen):
                entry: list[Any] = [[a_start, a_end], [b_start, b_end]]
                if withmatchlen:
                    entry.append(match_len)
                matches.append(entry)
            a_start = unset
    if getidx:
        return Map(((b"matches", matches), (b"len", total)))
    return bytes(result)
