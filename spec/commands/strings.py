"""String commands (Redis's ``t_string.c``).

A string value is ``bytes``. (How Redis would encode it — int, embstr or raw — is derived from
the value and its history in ``spec.values``.)
"""

from __future__ import annotations

from typing import Any

from ..errors import NOT_INTEGER, SYNTAX, WRONGTYPE, invalid_expire
from ..numbers import LLONG_MAX, string2ll
from ..reply import OK, Err
from ..step import Step
from . import command

# Flags of SET and GETEX (``OBJ_SET_*`` in t_string.c).
NX, XX, GET, KEEPTTL, PERSIST, EX, PX, EXAT, PXAT = (1 << i for i in range(9))
_EXPIRE_FLAGS = EX | PX | EXAT | PXAT
_UNIT_MS = {EX: 1000, PX: 1, EXAT: 1000, PXAT: 1}


def parse_set_options(
    argv: list[bytes], start: int, for_getex: bool
) -> tuple[int, bytes | None] | Err:
    """``parseExtendedStringArgumentsOrReply``: SET/GETEX options into (flags, expire arg)."""
    flags = 0
    expire: bytes | None = None
    j = start
    n = len(argv)
    while j < n:
        opt = argv[j].lower()
        has_next = j + 1 < n
        if opt == b"nx" and not for_getex and not flags & XX:
            flags |= NX
        elif opt == b"xx" and not for_getex and not flags & NX:
            flags |= XX
        elif opt == b"get" and not for_getex:
            flags |= GET
        elif opt == b"keepttl" and not for_getex and not flags & (PERSIST | _EXPIRE_FLAGS):
            flags |= KEEPTTL
        elif opt == b"persist" and for_getex and not flags & (KEEPTTL | _EXPIRE_FLAGS):
            flags |= PERSIST
        elif (
            opt in (b"ex", b"px", b"exat", b"pxat")
            and not flags & (KEEPTTL | PERSIST | _EXPIRE_FLAGS)
            and has_next
        ):
            flags |= {b"ex": EX, b"px": PX, b"exat": EXAT, b"pxat": PXAT}[opt]
            expire = argv[j + 1]
            j += 1
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
    if v <= 0 or v > LLONG_MAX:
        return invalid_expire(s.cmd.name)
    return v


def get_string(s: Step, key: bytes) -> Any:
    """``getGenericCommand``'s lookup: the string at key, None if missing, or WRONGTYPE."""
    v = s.db.lookup_read(key)
    if v is None or type(v) is bytes:
        return v
    return v if isinstance(v, bytes) else WRONGTYPE


def set_generic(s: Step, flags: int, key: bytes, value: bytes, expire: bytes | None,
                abort_reply: Any = None) -> Any:
    """``setGenericCommand``: the shared core of SET, SETNX, SETEX, PSETEX."""
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
    db.set_key(key, value, keep_ttl=bool(flags & KEEPTTL))
    s.dirty += 1
    s.notify("$", "set", key, db.id)
    if when >= 0:
        db.set_expire(key, when)
        s.notify("g", "expire", key, db.id)
        if not flags & PXAT:
            # Replicas and the AOF get an absolute time, so they expire the key together.
            s.argv_rewrite = (b"SET", key, value, b"PXAT", b"%d" % when)
    return old if flags & GET else OK


@command("set")
def set_(s: Step, argv: list[bytes]) -> Any:
    """SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT t | KEEPTTL]."""
    if len(argv) == 3:  # the common case: no options
        s.db.set_key(argv[1], argv[2])
        s.dirty += 1
        s.notify("$", "set", argv[1], s.db.id)
        return OK
    parsed = parse_set_options(argv, 3, for_getex=False)
    if type(parsed) is Err:
        return parsed
    assert isinstance(parsed, tuple)
    flags, expire = parsed
    return set_generic(s, flags, argv[1], argv[2], expire)


@command("get")
def get(s: Step, argv: list[bytes]) -> Any:
    """GET key: the string value, nil if missing, WRONGTYPE for another type."""
    return get_string(s, argv[1])
