"""The SCAN family (``scanGenericCommand``, ``db.c``) and DEBUG HTSTATS / HTSTATS-KEY.

SCAN walks the keyspace dict, SSCAN/HSCAN/ZSCAN the dict of a hashtable-encoded set, hash or
sorted set, with ``dictScan``'s reverse-binary cursor (``spec.dict.dict_scan``). A compact
value (intset, listpack) has no dict: every element comes back in one call, with cursor 0,
whatever the cursor given.

Order of work, as in Redis: the cursor is parsed first ("ERR invalid cursor"), then (S/H/Z) the
key looked up (missing: an empty scan; other type: WRONGTYPE), then options, then the walk
(until the cursor is 0, ``COUNT`` elements were collected, or ``COUNT*10`` more buckets were
visited; HSCAN/ZSCAN double COUNT, since they collect pairs), then the filters in order: MATCH,
TYPE (SCAN only: ``lookupKeyRead`` of the key, so a key that turns out expired is deleted and
has type "none" — and so passes ``TYPE none``), and logical expiry (SCAN only:
``expireIfNeeded`` deletes it).

A hashtable-encoded value carries its own dict (``spec.types.valuedict``), kept by every add
and removal; only a value built whole by a path that passed no hash seed (STORE results,
RESTORE-like construction) has none, and gets one rebuilt from its elements.
"""

from __future__ import annotations

from typing import Any

from ..cstr import c_string
from ..dict import HashTables, dict_scan, get_stats
from ..errors import NO_SUCH_KEY, NOT_INTEGER, SYNTAX, WRONGTYPE
from ..glob import compile_glob
from ..numbers import string2ll
from ..reply import Err, Reply, Verbatim, format_double
from ..step import Step
from ..types.hash import HashValue
from ..types.set import SetValue
from ..types.valuedict import dict_of
from ..types.zset import ZSet
from ..values import type_name
from .registry import DEBUG_SUBCOMMANDS, command

__all__ = ["parse_cursor", "scan_generic", "value_dict"]

INVALID_CURSOR = Err("ERR invalid cursor")
_M64 = 0xFFFFFFFFFFFFFFFF
_SPACE = b" \t\n\v\f\r"
_EMPTY_SCAN: list[Any] = [b"0", []]


def parse_cursor(arg: bytes) -> int | Err:
    """``parseScanCursorOrReply``: C's ``strtoul(arg, &end, 10)`` of the (NUL-terminated)
    argument. Invalid when it starts with white space, stops before the end of the C string,
    or overflows; a minus sign wraps modulo 2^64 as ``strtoul`` does; "" is 0."""
    if arg[:1] and arg[0] in _SPACE:
        return INVALID_CURSOR
    b = c_string(arg)
    if not b:
        return 0
    neg = b[0] == 45
    digits = b[1:] if b[0] in (43, 45) else b
    if not digits or not digits.isdigit():
        return INVALID_CURSOR
    v = int(digits)
    if v > _M64:
        return INVALID_CURSOR
    return (-v) & _M64 if neg else v


_LP_INT_LIMIT = float(1 << 62)  # (double)(LLONG_MAX/2), double2ll's safe range


def listpack_score(d: float) -> bytes:
    """A score as a zset listpack stores it (``d2string``, observed on 7.0.15): integer text
    for an integral value within +-2^62 (so -0 reads "0"), else ``%.17g``. ZSCAN of a listpack
    returns these entries as they are; a skiplist's scores go through ``%.17Lg`` instead."""
    if -_LP_INT_LIMIT <= d <= _LP_INT_LIMIT and d == int(d):
        return b"%d" % int(d)
    return format_double(d)


def value_dict(o: Any, seed: tuple[int, int, int, int]) -> HashTables | None:
    """The dict of a hashtable-encoded set / hash / sorted set: the value's own
    (``spec.types.valuedict``), or, for a value built by a path that tracked none, one rebuilt
    from its elements in its order; None for a compact encoding."""
    if type(o) is SetValue:
        return None if o.intset else dict_of(o.ht, o.members(), seed)
    if type(o) is HashValue:
        return None if o.order is not None else dict_of(o.ht, o.keys(), seed)
    if type(o) is ZSet:
        return None if o.listpack else dict_of(o.ht, iter(o), seed)
    return None


def scan_generic(s: Step, o: Any, cursor: int, argv: list[bytes], first: int) -> Reply:
    """``scanGenericCommand``: options from ``argv[first:]``, walk, filter, reply
    ``[cursor, elements]``. ``o`` is the value for S/H/ZSCAN, None for SCAN."""
    count = 10
    pat: bytes | None = None
    typename: bytes | None = None
    n = len(argv)
    i = first
    while i < n:
        opt = argv[i].lower()
        left = n - i
        if opt == b"count" and left >= 2:
            c = string2ll(argv[i + 1])
            if c is None:
                return NOT_INTEGER
            if c < 1:
                return SYNTAX
            count = c
            i += 2
        elif opt == b"match" and left >= 2:
            pat = argv[i + 1]
            if pat == b"*":
                pat = None
            i += 2
        elif opt == b"type" and o is None and left >= 2:
            typename = argv[i + 1]
            i += 2
        else:
            return SYNTAX
    pairs = False
    out: list[bytes] = []
    ht: HashTables | None
    if o is None:
        ht = s.db.dict_snapshot()[0]
        if len(ht) != s.db.size():  # a db built around the dict (tests): map order
            ht = None
            out = list(s.db.snapshot()[0])
    else:
        ht = value_dict(o, s.base.dicts.seed)
        pairs = type(o) is not SetValue
    if ht is not None:
        if pairs:
            count *= 2
        budget = count * 10
        emit = out.append
        if pairs:
            if type(o) is HashValue:
                def emit(k: bytes) -> None:
                    out.append(k)
                    out.append(o.get(k) or b"")
            else:
                def emit(k: bytes) -> None:
                    out.append(k)
                    out.append(format_double(o.score(k)))
        while True:
            cursor = dict_scan(ht, cursor, emit)
            if not cursor or budget == 0:
                break
            budget -= 1
            if len(out) >= count:
                break
    elif o is not None:
        cursor = 0
        if type(o) is SetValue:
            out = o.members()
        elif type(o) is HashValue:
            for f, v in o.items():
                out.append(f)
                out.append(v)
        else:
            for m, sc in o.items():
                out.append(m)
                out.append(listpack_score(sc))
    if pat is not None or typename is not None or o is None:
        out = _filter(s, o, out, pairs, pat, typename)
    return [b"%d" % cursor, out]


def _filter(s: Step, o: Any, items: list[bytes], pairs: bool, pat: bytes | None,
            typename: bytes | None) -> list[bytes]:
    """Step 3 of ``scanGenericCommand``: drop elements that fail MATCH, TYPE or (SCAN) are
    logically expired (deleting them, ``expireIfNeeded``); pairs go together."""
    match = compile_glob(pat).match if pat is not None else None
    db = s.db
    want = typename.lower() if typename is not None else None
    kept: list[bytes] = []
    step = 2 if pairs else 1
    for j in range(0, len(items), step):
        k = items[j]
        if match is not None and not match(k):
            continue
        if o is None:
            if want is not None:
                v = db.lookup_read(k)
                name = b"none" if v is None else type_name(v).encode()
                if name != want:
                    continue
            if db.expire_if_needed(k):
                continue
        kept.append(k)
        if pairs:
            kept.append(items[j + 1])
    return kept


@command("scan")
def scan(s: Step, argv: list[bytes]) -> Reply:
    """SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] (``scanCommand``)."""
    cursor = parse_cursor(argv[1])
    if type(cursor) is Err:
        return cursor
    assert isinstance(cursor, int)
    return scan_generic(s, None, cursor, argv, 2)


def _scan_value(s: Step, argv: list[bytes], cls: type) -> Reply:
    """SSCAN/HSCAN/ZSCAN key cursor [MATCH pattern] [COUNT count]: cursor first, then
    ``lookupKeyReadOrReply(..., shared.emptyscan)`` and ``checkType``."""
    cursor = parse_cursor(argv[2])
    if type(cursor) is Err:
        return cursor
    assert isinstance(cursor, int)
    o = s.db.lookup_read(argv[1])
    if o is None:
        return _EMPTY_SCAN
    if type(o) is not cls:
        return WRONGTYPE
    return scan_generic(s, o, cursor, argv, 3)


@command("sscan")
def sscan(s: Step, argv: list[bytes]) -> Reply:
    """SSCAN key cursor [MATCH pattern] [COUNT count] (``sscanCommand``)."""
    return _scan_value(s, argv, SetValue)


@command("hscan")
def hscan(s: Step, argv: list[bytes]) -> Reply:
    """HSCAN key cursor [MATCH pattern] [COUNT count] (``hscanCommand``): field, value pairs."""
    return _scan_value(s, argv, HashValue)


@command("zscan")
def zscan(s: Step, argv: list[bytes]) -> Reply:
    """ZSCAN key cursor [MATCH pattern] [COUNT count] (``zscanCommand``): member, score pairs
    (scores as ``%.17g`` strings in both protocols)."""
    return _scan_value(s, argv, ZSet)


# -- DEBUG HTSTATS / HTSTATS-KEY ----------------------------------------------------------------

_OUT_OF_RANGE = Err("ERR Out of range database")
_NOT_HT = Err("ERR The value stored at the specified key is not represented using an hash table")


def debug_htstats(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG HTSTATS <dbid> (7.0.15: exactly one argument): ``dictGetStats`` of the main and
    the expires dict of a database, as verbatim text."""
    if len(argv) != 3:
        return None
    dbid = string2ll(argv[2])
    if dbid is None:
        return NOT_INTEGER
    if not 0 <= dbid < s.db_count():
        return _OUT_OF_RANGE
    kd, ed = s.open_db(dbid).dict_snapshot()
    return Verbatim(("[Dictionary HT]\n" + get_stats(kd) + "[Expires HT]\n"
                     + get_stats(ed)).encode())


def debug_htstats_key(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG HTSTATS-KEY <key> (7.0.15: exactly one argument): ``dictGetStats`` of the dict
    of a hashtable-encoded value (``objectCommandLookupOrReply``: "no such key")."""
    if len(argv) != 3:
        return None
    o = s.db.lookup_read(argv[2])
    if o is None:
        return NO_SUCH_KEY
    ht = value_dict(o, s.base.dicts.seed)
    if ht is None:
        return _NOT_HT
    return Verbatim(get_stats(ht).encode())


DEBUG_SUBCOMMANDS["htstats"] = debug_htstats
DEBUG_SUBCOMMANDS["htstats-key"] = debug_htstats_key
