"""Hash commands (Redis's ``t_hash.c``) over :class:`~redspec.spec.types.hash.HashValue`.

Observed on Redis 7.0.15 and modelled here:

- Writes look the key up with ``hashTypeLookupWriteOrCreate`` (WRONGTYPE for another type; a
  missing key becomes an empty listpack hash that the write then fills, so no empty hash is
  ever stored). Arguments are parsed before the lookup (HINCRBY, HINCRBYFLOAT, HRANDFIELD).
- Encoding: see ``spec.types.hash`` (listpack until a field/value is longer than
  ``hash-max-listpack-value`` or there are more than ``hash-max-listpack-entries`` fields).
- Side effects: ``server.dirty`` (HSET/HMSET count every pair given, changed or not; HSETNX
  and HINCRBY* one; HDEL one per field removed), keyspace events ``hset`` / ``hdel`` (plus
  ``del`` when the last field goes) / ``hincrby`` / ``hincrbyfloat``, and HINCRBYFLOAT
  propagated as ``HSET key field <result>`` so replicas do not redo the float arithmetic.
- Replies: HGETALL is a map in RESP3; HRANDFIELD ... WITHVALUES is a flat array in RESP2 and
  an array of [field, value] pairs in RESP3; HINCRBYFLOAT answers a bulk string in both.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ..db import lookup_typed
from ..errors import NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, wrong_arity
from ..longdouble import ld_add, ld_format_human, strtold
from ..numbers import LLONG_MAX, LLONG_MIN, string2ll
from ..reply import OK, Err, Reply
from ..reply import Map as RMap
from ..step import Step
from ..types.hash import EMPTY, HashValue
from .registry import command

HASH_NOT_INTEGER = Err("ERR hash value is not an integer")
HASH_NOT_FLOAT = Err("ERR hash value is not a float")
VALUE_NAN_OR_INF = Err("ERR value is NaN or Infinity")
RESULT_NAN_OR_INF = Err("ERR increment would produce NaN or Infinity")
COUNT_RANGE = Err(
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)
OUT_OF_RANGE = Err("ERR value is out of range")
_LONG_MAX = LLONG_MAX
_EMPTY_MAP = RMap()

__all__ = ["lookup_hash_read", "lookup_hash_write", "hash_set_field", "random_fields"]


def lookup_hash_read(s: Step, key: bytes) -> HashValue | Err | None:
    """``lookupKeyRead`` + ``checkType(OBJ_HASH)``: the hash, None if missing, or WRONGTYPE."""
    return lookup_typed(s, key, HashValue)


def lookup_hash_write(s: Step, key: bytes) -> HashValue | Err | None:
    """``lookupKeyWrite`` + ``checkType(OBJ_HASH)`` (the lookup half of
    ``hashTypeLookupWriteOrCreate``; a missing key reads as None, the caller starts from
    :data:`EMPTY`)."""
    return lookup_typed(s, key, HashValue, write=True)


def _limits(s: Step) -> tuple[int, int]:
    cfg = s.config
    return cfg["hash-max-listpack-entries"], cfg["hash-max-listpack-value"]


def _store(s: Step, key: bytes, old: HashValue | None, new: HashValue) -> None:
    """Write back a changed hash (``dbAdd`` for a new key, else in place) and
    ``signalModifiedKey``."""
    db = s.db
    if old is None:
        db.add(key, new)
    else:
        db.update(key, new)
    s.signal_modified_key(db.id, key)


def hash_set_field(s: Step, key: bytes, h: HashValue | None, field: bytes, value: bytes) -> None:
    """``hashTypeSet`` on the hash at ``key`` (``h``; None when the key is new), stored back."""
    me, mv = _limits(s)
    new, _ = (EMPTY if h is None else h).set(field, value, me, mv, s.base.dicts.seed)
    _store(s, key, h, new)


# -- writes -----------------------------------------------------------------------------------


def _hset_generic(s: Step, argv: list[bytes]) -> Reply:
    """``hsetCommand`` (HSET and HMSET): an odd number of field/value arguments is an arity
    error by name; otherwise every pair is written in order. Returns the number of new
    fields."""
    if len(argv) % 2 == 1:
        return wrong_arity(s.cmd.name)
    key = argv[1]
    h = lookup_hash_write(s, key)
    if isinstance(h, Err):
        return h
    me, mv = _limits(s)
    base = EMPTY if h is None else h
    if len(argv) == 4:  # one pair: hashTypeTryConversion is hashTypeSet's own check
        new, is_new = base.set(argv[2], argv[3], me, mv, s.base.dicts.seed)
        created = 1 if is_new else 0
    else:
        new, created = base.set_many(argv, 2, me, mv, s.base.dicts.seed)
    _store(s, key, h, new)
    s.notify("h", "hset", key, s.db.id)
    s.dirty += (len(argv) - 2) // 2
    return created


@command("hset")
def hset(s: Step, argv: list[bytes]) -> Reply:
    """HSET key field value [field value ...]: how many fields were added."""
    return _hset_generic(s, argv)


@command("hmset")
def hmset(s: Step, argv: list[bytes]) -> Reply:
    """HMSET key field value [field value ...]: as HSET, answering OK."""
    r = _hset_generic(s, argv)
    return r if isinstance(r, Err) else OK


@command("hsetnx")
def hsetnx(s: Step, argv: list[bytes]) -> Reply:
    """``hsetnxCommand``: set the field only if it is absent; 1 if it was set. An existing field
    leaves the hash (and its encoding) untouched."""
    key, field = argv[1], argv[2]
    h = lookup_hash_write(s, key)
    if isinstance(h, Err):
        return h
    if h is not None and field in h:
        return 0
    hash_set_field(s, key, h, field, argv[3])
    s.notify("h", "hset", key, s.db.id)
    s.dirty += 1
    return 1


@command("hdel")
def hdel(s: Step, argv: list[bytes]) -> Reply:
    """``hdelCommand``: remove the fields; how many were there. The key goes with its last
    field (event ``hdel`` then ``del``)."""
    key = argv[1]
    h = lookup_hash_write(s, key)
    if h is None:
        return 0
    if isinstance(h, Err):
        return h
    new, deleted = h.delete_many(argv[2:], s.base.dicts.seed)
    if deleted:
        db = s.db
        if len(new) == 0:
            db.delete(key)
            s.notify("h", "hdel", key, db.id)
            s.notify("g", "del", key, db.id)
        else:
            db.update(key, new)
            s.signal_modified_key(db.id, key)
            s.notify("h", "hdel", key, db.id)
        s.dirty += deleted
    elif new is not h:  # only the dict's steps (``dictDelete`` of missing fields)
        s.db.update(key, new)
    return deleted


def _field_number(s: Step, argv: list[bytes], parse: Callable[[bytes], Any], zero: Any,
                  err: Err) -> tuple[HashValue | None, Any] | Err:
    """HINCRBY's and HINCRBYFLOAT's read: ``hashTypeLookupWriteOrCreate`` of ``argv[1]``, then
    ``hashTypeGetValue`` of ``argv[2]`` read by ``parse`` (``string2ll``, ``string2ld``).
    Returns the hash (None: a new key) and the number (``zero`` when the field is absent),
    WRONGTYPE, or ``err`` when the field holds no such number."""
    h = lookup_hash_write(s, argv[1])
    if isinstance(h, Err):
        return h
    if h is not None:
        h = s.db.value_find_steps(argv[1], h, 1)  # hashTypeGetValue's dictFind
    old = None if h is None else h.get(argv[2])
    if old is None:
        return h, zero
    value = parse(old)
    if value is None:
        return err
    return h, value


@command("hincrby")
def hincrby(s: Step, argv: list[bytes]) -> Reply:
    """``hincrbyCommand``: add a 64-bit integer to the field (0 if absent). The increment is
    parsed first; the stored value must be a strict integer and the sum must fit."""
    incr = string2ll(argv[3])
    if incr is None:
        return NOT_INTEGER
    got = _field_number(s, argv, string2ll, 0, HASH_NOT_INTEGER)
    if isinstance(got, Err):
        return got
    h, value = got
    key, field = argv[1], argv[2]
    total = value + incr
    if total > LLONG_MAX or total < LLONG_MIN:
        return OVERFLOW
    hash_set_field(s, key, h, field, b"%d" % total)
    s.notify("h", "hincrby", key, s.db.id)
    s.dirty += 1
    return total


@command("hincrbyfloat")
def hincrbyfloat(s: Step, argv: list[bytes]) -> Reply:
    """``hincrbyfloatCommand``: add in C ``long double`` (``spec.longdouble``).

    The increment must parse (``string2ld``: NaN and overflow do not) and be finite; then the
    stored value must parse; a NaN or infinite sum is refused. The result, printed as
    ``ld2string(LD_STR_HUMAN)``, is stored and propagated as ``HSET key field result``.
    """
    inc = strtold(argv[3])
    if inc is None:
        return NOT_FLOAT
    if type(inc) is float:
        return VALUE_NAN_OR_INF
    got = _field_number(s, argv, strtold, Fraction(0), HASH_NOT_FLOAT)
    if isinstance(got, Err):
        return got
    h, value = got
    key, field = argv[1], argv[2]
    total = ld_add(value, inc)
    if total is None or isinstance(total, float):
        return RESULT_NAN_OR_INF
    new = ld_format_human(total)
    hash_set_field(s, key, h, field, new)
    s.notify("h", "hincrbyfloat", key, s.db.id)
    s.dirty += 1
    s.argv_rewrite = (b"HSET", key, field, new)
    return new


# -- reads ------------------------------------------------------------------------------------


def _field(s: Step, argv: list[bytes]) -> bytes | Err | None:
    """``lookupKeyReadOrReply`` + ``checkType`` + ``hashTypeGetValue`` of ``argv[2]`` in the
    hash at ``argv[1]``: the value, None (no such key or field) or WRONGTYPE."""
    h = lookup_hash_read(s, argv[1])
    if h is None or isinstance(h, Err):
        return h
    s.db.value_find_steps(argv[1], h, 1)  # hashTypeGetValue's dictFind
    return h.get(argv[2])


@command("hget")
def hget(s: Step, argv: list[bytes]) -> Reply:
    """``hgetCommand``: the value, or null."""
    return _field(s, argv)


@command("hmget")
def hmget(s: Step, argv: list[bytes]) -> Reply:
    """``hmgetCommand``: one value or null per field (all null for a missing key)."""
    h = lookup_hash_read(s, argv[1])
    if h is None:
        return [None] * (len(argv) - 2)
    if isinstance(h, Err):
        return h
    s.db.value_find_steps(argv[1], h, len(argv) - 2)  # a dictFind per field
    get = h.fields.get
    return [get(f) for f in argv[2:]]


@command("hlen")
def hlen(s: Step, argv: list[bytes]) -> Reply:
    """``hlenCommand``: the number of fields (0 for a missing key)."""
    h = lookup_hash_read(s, argv[1])
    if h is None:
        return 0
    return h if isinstance(h, Err) else len(h)


@command("hstrlen")
def hstrlen(s: Step, argv: list[bytes]) -> Reply:
    """``hstrlenCommand``: the length of the value (0 when absent)."""
    v = _field(s, argv)
    if isinstance(v, Err):
        return v
    return 0 if v is None else len(v)


@command("hexists")
def hexists(s: Step, argv: list[bytes]) -> Reply:
    """``hexistsCommand``: 1 if the field is there."""
    v = _field(s, argv)
    if isinstance(v, Err):
        return v
    return 0 if v is None else 1


@command("hkeys")
def hkeys(s: Step, argv: list[bytes]) -> Reply:
    """``hkeysCommand`` (``genericHgetallCommand``): the fields in iteration order."""
    h = lookup_hash_read(s, argv[1])
    if h is None:
        return []
    return h if isinstance(h, Err) else list(h.keys())


@command("hvals")
def hvals(s: Step, argv: list[bytes]) -> Reply:
    """``hvalsCommand``: the values in iteration order."""
    h = lookup_hash_read(s, argv[1])
    if h is None:
        return []
    return h if isinstance(h, Err) else h.values()


@command("hgetall")
def hgetall(s: Step, argv: list[bytes]) -> Reply:
    """``hgetallCommand``: the pairs in iteration order, a map (RESP3) / flat array (RESP2)."""
    h = lookup_hash_read(s, argv[1])
    if h is None:
        return _EMPTY_MAP
    return h if isinstance(h, Err) else RMap(h.items())


# -- HRANDFIELD -------------------------------------------------------------------------------


def random_fields(s: Step, h: HashValue, count: int, unique: bool) -> list[tuple[bytes, bytes]]:
    """The pairs HRANDFIELD picks (``hrandfieldWithCountCommand``), with ``count`` > 0.

    Not unique (a negative count; also a count of 1): ``count`` independent uniform draws.
    Unique and covering the hash: the whole hash in iteration order (deterministic for a
    listpack). Otherwise ``count`` distinct pairs, here always in iteration order. (Redis's
    order: listpack order when ``count * 3 <= size`` on a listpack, as
    ``lpRandomPairsUnique`` picks them; a temporary dict's order when ``count * 3 > size``;
    draw order for a large hashtable — none of it is deterministic.)
    """
    size = len(h)
    if not unique or count == 1:
        if count == 1:
            pair = h.nth(s.random() % size)
            return [pair]
        pairs = h.items()
        rnd = s.random
        return [pairs[rnd() % size] for _ in range(count)]
    pairs = h.items()
    if count >= size:
        return pairs
    # Selection sampling (Knuth's algorithm S): ``count`` distinct indexes, in order.
    out: list[tuple[bytes, bytes]] = []
    need = count
    rnd = s.random
    for i, p in enumerate(pairs):
        left = size - i
        if rnd() % left < need:
            out.append(p)
            need -= 1
            if not need:
                break
    return out


@command("hrandfield")
def hrandfield(s: Step, argv: list[bytes]) -> Reply:
    """``hrandfieldCommand``: HRANDFIELD key [count [WITHVALUES]].

    Without a count: one random field, or null. With one: the count must lie in
    ``[-LONG_MAX, LONG_MAX]`` (and ``[-LONG_MAX/2, LONG_MAX/2]`` WITHVALUES), checked with the
    syntax before the key is looked up; a missing key or a zero count answers an empty array.
    """
    n = len(argv)
    if n < 3:
        h = lookup_hash_read(s, argv[1])
        if h is None or isinstance(h, Err):
            return h
        return h.nth(s.random() % len(h))[0]
    count = string2ll(argv[2])
    if count is None:
        return NOT_INTEGER
    if count < -_LONG_MAX:
        return COUNT_RANGE
    withvalues = False
    if n > 4:
        return SYNTAX
    if n == 4:
        if argv[3].lower().split(b"\0", 1)[0] != b"withvalues":
            return SYNTAX
        withvalues = True
        if count < -(_LONG_MAX // 2) or count > _LONG_MAX // 2:
            return OUT_OF_RANGE
    h = lookup_hash_read(s, argv[1])
    if h is None:
        return []
    if isinstance(h, Err):
        return h
    if count == 0:
        return []
    pairs = random_fields(s, h, -count if count < 0 else count, count > 0)
    if not withvalues:
        return [p[0] for p in pairs]
    if s.client.resp > 2:
        return [list(p) for p in pairs]
    flat: list[bytes] = []
    for f, v in pairs:
        flat.append(f)
        flat.append(v)
    return flat
