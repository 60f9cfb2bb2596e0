"""Key expiry commands (Redis's ``expire.c``: EXPIRE family, TTL family, PERSIST), DEBUG's
expiry switches, and the redspec-only ``REDSPEC CLOCK`` admin command.

Times are unix milliseconds. A key's expiry lives in the db's ``expires`` map; a key whose time
has passed is *logically* gone: every lookup deletes it first (``expireIfNeeded``, passive
expiry) and the active cycle (``spec.expire``) deletes it in the background.

Propagation follows Redis 7.0.15: EXPIRE, PEXPIRE and EXPIREAT become ``PEXPIREAT key <ms>``
with their NX/XX/GT/LT options kept (PEXPIREAT itself is propagated as typed); a time already
past deletes the key and is propagated as DEL (UNLINK with lazyfree-lazy-expire).
"""

from __future__ import annotations

from ..cstr import c_text
from ..errors import NOT_INTEGER, invalid_expire, subcommand_syntax
from ..numbers import LLONG_MAX, LLONG_MIN, c_atoi, string2ll
from ..reply import OK, Err, Reply
from ..state import replace
from ..step import Step
from .registry import DEBUG_SUBCOMMANDS, command
from .zsets import strtod

EXPIRE_NX, EXPIRE_XX, EXPIRE_GT, EXPIRE_LT = 1, 2, 4, 8
_EXPIRE_OPTS = {b"nx": EXPIRE_NX, b"xx": EXPIRE_XX, b"gt": EXPIRE_GT, b"lt": EXPIRE_LT}

NX_CONFLICT = Err("ERR NX and XX, GT or LT options at the same time are not compatible")
GT_LT_CONFLICT = Err("ERR GT and LT options at the same time are not compatible")


def parse_expire_flags(argv: list[bytes]) -> int | Err:
    """``parseExtendedExpireArgumentsOrReply``: NX/XX/GT/LT after the time (any case, repeats
    allowed); an unknown word is ``Unsupported option``; then the incompatible pairs."""
    flags = 0
    for a in argv[3:]:
        f = _EXPIRE_OPTS.get(c_text(a).lower().encode("utf-8", "surrogateescape"))
        if f is None:
            return Err(f"ERR Unsupported option {c_text(a)}")
        flags |= f
    if flags & EXPIRE_NX and flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT):
        return NX_CONFLICT
    if flags & EXPIRE_GT and flags & EXPIRE_LT:
        return GT_LT_CONFLICT
    return flags


def expire_generic(s: Step, argv: list[bytes], basetime: int, unit: int) -> Reply:
    """``expireGenericCommand``: set the expiry of ``argv[1]`` to ``basetime + argv[2]*unit`` ms.

    Order: options; the integer; overflow of the unit conversion or of the addition
    ("invalid expire time"); a missing key answers 0; NX/XX/GT/LT against the current expiry
    (no expiry counts as infinite for GT and LT); then a time not after now deletes the key
    (reply 1, propagated as DEL/UNLINK, event ``del``), otherwise the expiry is set (reply 1,
    propagated as PEXPIREAT, event ``expire``).
    """
    flags = parse_expire_flags(argv)
    if type(flags) is Err:
        return flags
    assert isinstance(flags, int)
    when = string2ll(argv[2])
    if when is None:
        return NOT_INTEGER
    if unit == 1000:
        if when > LLONG_MAX // 1000 or when < -(-LLONG_MIN // 1000):
            return invalid_expire(s.cmd.name)
        when *= 1000
    if when > LLONG_MAX - basetime:
        return invalid_expire(s.cmd.name)
    when += basetime
    key = argv[1]
    db = s.db
    if db.lookup_write(key) is None:
        return 0
    if flags:
        current = db.get_expire(key)
        if flags & EXPIRE_NX and current != -1:
            return 0
        if flags & EXPIRE_XX and current == -1:
            return 0
        if flags & EXPIRE_GT and (current == -1 or when <= current):
            return 0
        if flags & EXPIRE_LT and current != -1 and when >= current:
            return 0
    if s.already_expired(when):
        lazy = bool(s.config.get("lazyfree-lazy-expire"))
        db.delete(key, lazy)
        s.dirty += 1
        s.argv_rewrite = (b"UNLINK" if lazy else b"DEL", key)
        s.notify("g", "del", key, db.id)
        return 1
    db.set_expire(key, when)
    if basetime or unit == 1000:  # EXPIRE, PEXPIRE, EXPIREAT: the absolute ms replaces argv[2]
        s.argv_rewrite = (b"PEXPIREAT", key, b"%d" % when, *argv[3:])
    s.signal_modified_key(db.id, key)
    s.notify("g", "expire", key, db.id)
    s.dirty += 1
    return 1


@command("expire")
def expire(s: Step, argv: list[bytes]) -> Reply:
    """EXPIRE key seconds [NX|XX|GT|LT] (``expireCommand``)."""
    return expire_generic(s, argv, s.now_ms, 1000)


@command("pexpire")
def pexpire(s: Step, argv: list[bytes]) -> Reply:
    """PEXPIRE key milliseconds [NX|XX|GT|LT] (``pexpireCommand``)."""
    return expire_generic(s, argv, s.now_ms, 1)


@command("expireat")
def expireat(s: Step, argv: list[bytes]) -> Reply:
    """EXPIREAT key unix-seconds [NX|XX|GT|LT] (``expireatCommand``)."""
    return expire_generic(s, argv, 0, 1000)


@command("pexpireat")
def pexpireat(s: Step, argv: list[bytes]) -> Reply:
    """PEXPIREAT key unix-ms [NX|XX|GT|LT] (``pexpireatCommand``); propagated as typed."""
    return expire_generic(s, argv, 0, 1)


def ttl_generic(s: Step, key: bytes, output_ms: bool, output_abs: bool) -> int:
    """``ttlGenericCommand``: -2 if the key is missing, -1 if it has no expiry, else the time
    left (never below 0; seconds rounded half up) or the absolute expiry time. The lookup
    counts a keyspace hit or miss (``lookupKeyReadWithFlags`` with NOTOUCH)."""
    db = s.db
    if db.lookup_read(key) is None:
        return -2
    when = db.get_expire(key)
    if when == -1:
        return -1
    ttl = when if output_abs else when - s.now_ms
    if ttl < 0:
        ttl = 0
    return ttl if output_ms else (ttl + 500) // 1000


@command("ttl")
def ttl(s: Step, argv: list[bytes]) -> Reply:
    """TTL key: seconds left (rounded), -1 without expiry, -2 missing."""
    return ttl_generic(s, argv[1], False, False)


@command("pttl")
def pttl(s: Step, argv: list[bytes]) -> Reply:
    """PTTL key: milliseconds left, -1 without expiry, -2 missing."""
    return ttl_generic(s, argv[1], True, False)


@command("expiretime")
def expiretime(s: Step, argv: list[bytes]) -> Reply:
    """EXPIRETIME key: the unix time (seconds, rounded) the key expires at; -1 / -2."""
    return ttl_generic(s, argv[1], False, True)


@command("pexpiretime")
def pexpiretime(s: Step, argv: list[bytes]) -> Reply:
    """PEXPIRETIME key: the unix-ms time the key expires at; -1 / -2."""
    return ttl_generic(s, argv[1], True, True)


@command("persist")
def persist(s: Step, argv: list[bytes]) -> Reply:
    """``persistCommand``: drop the key's expiry; 1 if it had one, 0 otherwise (event
    ``persist``)."""
    key = argv[1]
    db = s.db
    if db.lookup_write(key) is None or not db.remove_expire(key):
        return 0
    s.signal_modified_key(db.id, key)
    s.notify("g", "persist", key, db.id)
    s.dirty += 1
    return 1


# -- DEBUG ------------------------------------------------------------------------------------



@command("debug")
def debug(s: Step, argv: list[bytes]) -> Reply:
    """DEBUG (``debugCommand``), the subcommands this spec models: SET-ACTIVE-EXPIRE 0|1
    (turn the active expire cycle off/on: ``server.active_expire_enabled``, parsed with
    ``atoi``) and SLEEP <seconds> (a pure spec cannot sleep: the command's modelled time,
    ``Step.call_us``, is the sleep, which SLOWLOG sees). Others answer
    the subcommand syntax error. The enable-debug-command gate runs in dispatch."""
    sub = c_text(argv[1]).lower()
    if sub == "set-active-expire" and len(argv) == 3:
        enabled = c_atoi(argv[2]) != 0
        if s.cron.active_expire_enabled != enabled:
            s.cron = replace(s.cron, active_expire_enabled=enabled)
        return OK
    if sub == "sleep" and len(argv) == 3:  # the sleep is modelled: its time, no wait
        secs = strtod(argv[2])[0]
        s.call_us += max(0, int(secs * 1_000_000)) if secs == secs and abs(secs) < 1e12 else 0
        return OK
    h = DEBUG_SUBCOMMANDS.get(sub)
    if h is not None:
        r = h(s, argv)
        if r is not None:
            return r
    return subcommand_syntax(argv[1], "DEBUG")


# -- REDSPEC CLOCK (redspec-only) ---------------------------------------------------------------

VIRTUAL_ONLY = Err("ERR the clock is the wall clock; start the server with --clock virtual")


@command("redspec|clock")
def redspec_clock(s: Step, argv: list[bytes]) -> Reply:
    """REDSPEC CLOCK GET | ADVANCE <ms> | SET <unix-ms>: read or move the virtual clock.

    GET answers the time commands see (unix ms). ADVANCE and SET only work when the
    reference server runs a virtual clock (``CronState.virtual_clock``): they change the
    time seen by later commands of the same batch and ask the server, through
    ``Effects.clock_set_ms``, to keep the clock there. Time may not go below 0; ADVANCE
    takes a non-negative amount.
    """
    sub = argv[2].lower()
    if sub == b"get" and len(argv) == 3:
        return s.now_ms
    if sub in (b"advance", b"set") and len(argv) == 4:
        n = string2ll(argv[3])
        if n is None or n < 0:
            return Err("ERR value is out of range, must be positive") if n is not None \
                else NOT_INTEGER
        if not s.cron.virtual_clock:
            return VIRTUAL_ONLY
        t = s.now_ms + n if sub == b"advance" else n
        if t > LLONG_MAX:
            return Err("ERR value is out of range, must be positive")
        s.now_ms = t
        s.clock_set_ms = t
        return t
    return subcommand_syntax(argv[2], "REDSPEC")
