"""Type choice from an access-pattern description: which Redis types fit, at what price.

A *pattern* (:class:`Pattern`, parsed from a small YAML mapping by :func:`parse_pattern`)
describes keys of one shape: how many, how many elements each holds, element and value sizes,
and abstract operations (:data:`OPERATIONS`) with their rates per second. :func:`evaluate`
takes every candidate type (:data:`CANDIDATES`: sorted set, list, hash, set, one string key
per element, HyperLogLog, bitmap) and, for each operation, the command(s) that implement it
on that type -- or the reason it cannot (the candidate then does not fit). For a candidate
that fits it reports:

- the encoding Redis 7.0.15 gives those contents under the configuration
  (``spec.cost.predict_encoding``: ``hashTypeSet``, ``setTypeAdd``, ``zsetAdd`` rules; strings
  by ``tryObjectEncoding``; HyperLogLogs sparse/dense by ``hllSparseSet``'s promotion, found by
  adding the elements with the spec's own ``hllAdd``);
- memory from ``spec.cost.value_memory``/``key_memory`` (MEMORY USAGE's model) over
  synthesized contents of the given sizes;
- steps per call from ``spec.cost.op_cost`` plus ``CALL_OVERHEAD``, and steps per second
  (rate x steps);
- a rank by *score* = memory / smallest memory + steps per second / fewest steps per second
  (each 1.0 for the best candidate on that count), and a one-line "why" built from those
  ratios.

Everything here is pure: the pattern is an input (the YAML is read by the CLI).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import attrs

from . import config as C
from . import cost
from .advise import price
from .commands.hyperloglog import add_elements
from .numbers import string2ll
from .types import hll

__all__ = ["OPERATIONS", "ALIASES", "CANDIDATES", "PatternError", "Operation", "Pattern",
           "OpPrice", "Candidate", "Evaluation", "parse_pattern", "evaluate", "members",
           "values", "contents_for", "predicted_encoding", "build_trace", "EXACT_LIMIT",
           "string_encoding"]

#: The abstract operations a pattern may list, with what each means.
OPERATIONS: dict[str, str] = {
    "add": "add an element (member / field / item)",
    "remove": "remove one element by identity",
    "contains": "membership test of one element",
    "count": "number of elements",
    "get_field": "read the value stored for one element",
    "set_field": "write the value stored for one element",
    "get_all": "read every element (and its value)",
    "increment": "add to the counter of one element",
    "set_score": "add an element or update its score",
    "top_n": "the n highest-scored elements",
    "range_by_rank": "n elements from a rank / position",
    "range_by_score": "the elements (n of them) whose score is in a range",
    "rank_of": "the rank of one element by score",
    "push": "add at one end (the newest)",
    "pop": "remove from the other end (the oldest, first in first out)",
    "latest_n": "the n most recently added elements",
    "trim": "cap the length by dropping the oldest",
    "index": "read the element at a position in the middle",
    "expire": "set a time to live on the whole key (all its elements)",
    "unique_count": "the number of distinct elements added (approximate allowed if exact: false)",
    "union": "union of n keys of this shape",
    "intersect": "intersection of n keys of this shape",
}

#: Other names accepted for an operation.
ALIASES: dict[str, str] = {
    "add_or_update_score": "set_score", "update_score": "set_score", "enqueue": "push",
    "dequeue": "pop", "exists": "contains", "is_member": "contains", "size": "count",
    "length": "count", "get": "get_field", "set": "set_field", "incr": "increment",
    "cardinality": "unique_count", "merge": "union", "rank": "rank_of", "ttl": "expire",
}

#: Candidate types in the order they are listed when tied.
CANDIDATES = ("zset", "list", "hash", "set", "string", "hyperloglog", "bitmap")

#: Default ``n`` of an operation that takes one (a window, or a number of keys).
_DEFAULT_N = {"top_n": 10, "range_by_rank": 10, "range_by_score": 10, "latest_n": 10,
              "union": 2, "intersect": 2}

#: Above this many elements, memory is modelled on an evenly spaced sample of this size and
#: the per-element part scaled up (the encodings that hold that many are linear in it).
EXACT_LIMIT = 20_000

#: ``HLL_REGISTERS`` / 16: ``hllDenseRegHisto`` reads 16 six-bit registers per iteration.
_HLL_DENSE_WALK = 16384 / 16
#: Elements added to find where a HyperLogLog turns dense before giving up (still sparse).
_HLL_SIM_LIMIT = 200_000


class PatternError(ValueError):
    """A pattern that cannot be evaluated; the message says which field and why."""


@attrs.frozen(slots=True)
class Operation:
    """One abstract operation of a pattern: its name, calls per second, and ``n`` (the window
    of a range, or the number of keys of a union)."""

    op: str
    rate: float
    n: int


@attrs.frozen(slots=True)
class Pattern:
    """Keys of one shape and how they are used (see the module docstring)."""

    name: str
    keys: int
    elements: int
    element_size: int
    value_size: int
    integer_ids: bool
    id_space: int
    exact: bool
    operations: tuple[Operation, ...]
    config: dict[str, Any] = attrs.Factory(dict)
    description: str = ""

    def has(self, *ops: str) -> bool:
        return any(o.op in ops for o in self.operations)


_FIELDS = {"name", "description", "keys", "elements", "element_size", "member_size",
           "value_size", "integer_ids", "id_space", "exact", "config", "operations"}


def _int(d: Mapping[str, Any], name: str, default: int | None, lo: int) -> int:
    v = d.get(name, default)
    if v is None:
        raise PatternError(f"'{name}' is required (an integer >= {lo})")
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v):
        v = max(v)  # a range: the largest decides encodings (they never come back)
    if isinstance(v, bool) or not isinstance(v, int):
        raise PatternError(f"'{name}' must be an integer >= {lo} (or a [min, max] range), "
                           f"not {v!r}")
    if v < lo:
        raise PatternError(f"'{name}' must be >= {lo}, not {v}")
    return v


def _bool(d: Mapping[str, Any], name: str, default: bool) -> bool:
    v = d.get(name, default)
    if not isinstance(v, bool):
        raise PatternError(f"'{name}' must be true or false, not {v!r}")
    return v


def parse_pattern(data: object) -> Pattern:
    """A :class:`Pattern` from the mapping a YAML pattern file holds; :class:`PatternError`
    naming the offending field when it is malformed."""
    if not isinstance(data, Mapping):
        raise PatternError("a pattern is a mapping (name:, elements:, operations:, ...), "
                           f"not {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in _FIELDS)
    if unknown:
        raise PatternError(f"unknown field(s) {', '.join(unknown)}; known: "
                           + ", ".join(sorted(_FIELDS)))
    name = data.get("name", "pattern")
    if not isinstance(name, str):
        raise PatternError(f"'name' must be a string, not {name!r}")
    d = dict(data)
    if "member_size" in d:
        d.setdefault("element_size", d["member_size"])
    elements = _int(d, "elements", None, 1)
    integer_ids = _bool(d, "integer_ids", False)
    cfg: dict[str, Any] = {}
    raw_cfg = d.get("config") or {}
    if not isinstance(raw_cfg, Mapping):
        raise PatternError("'config' must be a mapping of parameter: value")
    current = C.default_config()
    for pname, raw in raw_cfg.items():
        found = C.lookup_param(str(pname))
        if found is None:
            raise PatternError(f"config: unknown parameter {pname!r}")
        v = C.set_value(found[1], str(raw).lower() if isinstance(raw, bool) else str(raw),
                        current)
        if isinstance(v, tuple):
            raise PatternError(f"config {pname}: {v[0]}")
        cfg[found[0]] = v
    ops_raw = d.get("operations")
    if not isinstance(ops_raw, list) or not ops_raw:
        raise PatternError("'operations' must be a non-empty list of {op: NAME, rate: N}")
    ops: list[Operation] = []
    for i, o in enumerate(ops_raw):
        where = f"operations[{i}]"
        if not isinstance(o, Mapping) or "op" not in o:
            raise PatternError(f"{where}: expected a mapping with 'op' and 'rate', got {o!r}")
        extra = sorted(str(k) for k in o if k not in ("op", "rate", "n"))
        if extra:
            raise PatternError(f"{where}: unknown field(s) {', '.join(extra)} (op, rate, n)")
        op = ALIASES.get(str(o["op"]), str(o["op"]))
        if op not in OPERATIONS:
            raise PatternError(f"{where}: unknown operation {o['op']!r}; known: "
                               + ", ".join(OPERATIONS))
        rate = o.get("rate")
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not rate >= 0 \
                or not math.isfinite(rate):
            raise PatternError(f"{where} ({op}): 'rate' must be a number >= 0 (calls per "
                               f"second), not {rate!r}")
        n = _int(o, "n", _DEFAULT_N.get(op, 1), 1)
        ops.append(Operation(op, float(rate), n))
    desc = d.get("description", "")
    return Pattern(
        name=name, keys=_int(d, "keys", 1, 1), elements=elements,
        element_size=_int(d, "element_size", 16, 1), value_size=_int(d, "value_size", 0, 0),
        integer_ids=integer_ids, id_space=max(_int(d, "id_space", elements, 1), elements),
        exact=_bool(d, "exact", True), operations=tuple(ops), config=cfg,
        description=desc if isinstance(desc, str) else str(desc))


# -- synthesized contents --------------------------------------------------------------------


def _digits(n: int) -> int:
    return len(str(max(n - 1, 0)))


def members(p: Pattern, idx: range | list[int]) -> list[bytes]:
    """Member ``i`` for each ``i`` in ``idx``: integer ids spread over ``id_space`` when
    ``integer_ids``, else ``m`` + zero-padded digits, ``element_size`` bytes (more if the
    count needs more digits): all one length, so each encoding sees uniform elements."""
    if p.integer_ids:
        return [b"%d" % (i * p.id_space // p.elements) for i in idx]
    w = max(p.element_size - 1, _digits(p.elements))
    return [b"m%0*d" % (w, i) for i in idx]


def values(p: Pattern, idx: range | list[int]) -> list[bytes]:
    """The value stored with member ``i``: ``value_size`` bytes (``v`` + digits), or, when
    the pattern has no values, the score (for scored operations) or ``1``."""
    if p.value_size == 0:
        if p.has("set_score", "increment", "top_n", "rank_of", "range_by_score"):
            return [b"%d" % i for i in idx]
        return [b"1" for _ in idx]
    w = max(p.value_size - 1, _digits(p.elements))
    return [b"v%0*d" % (w, i) for i in idx]


def _time_ordered(p: Pattern) -> bool:
    return p.has("push", "pop", "latest_n", "trim")


def scores(p: Pattern, idx: range | list[int]) -> list[float]:
    """Scores: millisecond timestamps for time-ordered patterns (feeds, queues), else the
    element's number."""
    base = 1_700_000_000_000 if _time_ordered(p) else 0
    return [float(base + i) for i in idx]


def contents_for(p: Pattern, typ: str, idx: range | list[int]) -> Any:
    """Abstract contents (``spec.cost.Contents``) of one key of type ``typ``."""
    ms = members(p, idx)
    if typ == "hash":
        return list(zip(ms, values(p, idx), strict=True))
    if typ == "zset":
        return list(zip(ms, scores(p, idx), strict=True))
    return ms


def string_encoding(v: bytes) -> str:
    """``tryObjectEncoding`` of a value SET stores: ``int`` (a 64-bit integer of at most 20
    characters), ``embstr`` up to 44 bytes, else ``raw``."""
    if len(v) <= 20 and string2ll(v) is not None:
        return "int"
    return "embstr" if len(v) <= 44 else "raw"


def _cfg(p: Pattern) -> dict[str, Any]:
    return dict(C.default_config(**p.config))


def _hll_build(p: Pattern, cfg: Mapping[str, Any]) -> tuple[bytes, int]:
    """The HLL string after PFADD of the elements (``hllAdd`` of the spec), stopped at the
    promotion to dense (nothing changes its size after it); and how many elements were
    added."""
    return _hll_sim(p.elements, p.element_size, p.integer_ids, p.id_space,
                    int(cfg["hll-sparse-max-bytes"]))


@cache
def _hll_sim(elements: int, size: int, integer_ids: bool, id_space: int,
             max_bytes: int) -> tuple[bytes, int]:
    p = Pattern("", 1, elements, size, 0, integer_ids, id_space, True, ())
    v: bytes | bytearray = hll.new_sparse()
    limit = min(elements, _HLL_SIM_LIMIT)
    i = 0
    while i < limit and v[4] != hll.DENSE:
        chunk = members(p, range(i, min(i + 256, limit)))
        v, _, _ok = add_elements(bytes(v), chunk, max_bytes)
        i += len(chunk)
    return bytes(v), i


def predicted_encoding(p: Pattern, typ: str) -> tuple[str, str]:
    """(OBJECT ENCODING, detail) of one key of candidate ``typ`` holding the pattern's
    elements under its configuration."""
    cfg = _cfg(p)
    ms = members(p, [0, p.elements - 1])
    longest = max(len(m) for m in ms)
    if typ in ("hash", "set", "zset"):
        vs = values(p, [0, p.elements - 1]) if typ == "hash" else []
        all_int = p.integer_ids
        enc = cost.predict_encoding(typ, p.elements, max([longest, *map(len, vs)]), all_int, cfg)
        return enc, ""
    if typ == "list":
        return "quicklist", ""
    if typ == "string":
        return string_encoding(values(p, [0])[0]), "one key per element"
    if typ == "hyperloglog":
        v, _ = _hll_build(p, cfg)
        return "raw", "dense" if v[4] == hll.DENSE else "sparse"
    if typ == "bitmap":
        return "raw", f"{_bitmap_bytes(p):,} bytes"
    raise ValueError(typ)


def _bitmap_bytes(p: Pattern) -> int:
    """``STRLEN`` of a bitmap with bits up to the largest id set (``getBitOffsetFromArgument``
    + ``lookupStringForBitCommand`` growing the string to the byte holding it)."""
    top = (p.elements - 1) * p.id_space // p.elements
    return top // 8 + 1


def _key(p: Pattern) -> bytes:
    return b"%s:%d" % (p.name.encode(), max(p.keys - 1, 0))


def _aggregate_memory(p: Pattern, typ: str, enc: str, fill: int) -> tuple[int, str]:
    """Memory of one key of an aggregate type: exact up to :data:`EXACT_LIMIT` elements, else
    a sample of that many evenly spaced elements scaled to the count (the fixed part --
    robj, structs, bucket array -- recomputed for the full size)."""
    n = p.elements
    if n <= EXACT_LIMIT:
        m = cost.value_memory(typ, enc, contents_for(p, typ, range(n)), fill, steady=True)
        return cost.key_memory(_key(p), m), ""
    k = EXACT_LIMIT
    idx = [i * n // k for i in range(k)]
    sample = cost.value_memory(typ, enc, contents_for(p, typ, idx), fill, steady=True)

    def fixed(count: int) -> float:
        if enc == "hashtable":
            return cost.ROBJ + cost.DICT + 8 * cost.dict_slots(count)
        if enc == "skiplist":
            return (cost.ROBJ + cost.ZSET + cost.ZSKIPLIST + cost.DICT
                    + 8 * cost.dict_slots(count) + cost.je_size(24 + 16 * 32))
        if enc == "quicklist":
            return float(cost.ROBJ + cost.QUICKLIST)
        return float(cost.ROBJ)

    per = (sample - fixed(k)) / k
    return cost.key_memory(_key(p), round(fixed(n) + per * n)), \
        f"memory scaled from {k:,} of {n:,} elements"


def _memory(p: Pattern, typ: str, enc: str, cfg: Mapping[str, Any]) -> tuple[int, str]:
    """MEMORY USAGE (model) of one key of the pattern as candidate ``typ`` -- for ``string``
    the sum over its per-element keys -- and a note on how it was obtained."""
    fill = int(cfg["list-max-listpack-size"])
    if typ in ("hash", "set", "zset", "list"):
        return _aggregate_memory(p, typ, enc, fill)
    if typ == "string":
        v = values(p, [0])[0]
        per = cost.key_memory(_key(p) + b":" + members(p, [p.elements - 1])[0],
                              cost.value_memory("string", enc, v))
        return per * p.elements, ""
    if typ == "hyperloglog":
        v, added = _hll_build(p, cfg)
        note = "" if v[4] == hll.DENSE or added == p.elements else \
            f"sparse after {added:,} of {p.elements:,} elements (not simulated further)"
        return cost.key_memory(_key(p), cost.ROBJ + cost.sds_size(len(v))), note
    if typ == "bitmap":
        return cost.key_memory(_key(p), cost.ROBJ + cost.sds_size(_bitmap_bytes(p))), ""
    raise ValueError(typ)


# -- operations per candidate ----------------------------------------------------------------


@attrs.frozen(slots=True)
class OpPrice:
    """One operation on one candidate: the command(s), complexity, steps per call (with
    ``CALL_OVERHEAD`` per command sent) and per second."""

    op: str
    rate: float
    commands: str
    big_o: str
    steps: float
    per_second: float
    redis_fn: str


_Impl = tuple[str, str, float, str]  # commands, big O, steps per call, Redis function


class _Pricer:
    """Prices commands on one key of a candidate (size ``n``, encoding ``enc``)."""

    def __init__(self, p: Pattern, enc: str, cfg: Mapping[str, Any], avg_entry: float) -> None:
        self.p, self.enc, self.n, self.avg = p, enc, p.elements, avg_entry
        self.fill = int(cfg["list-max-listpack-size"])
        self.cfg = cfg

    def cmd(self, shown: str, name: str, *, window: int = 1, position: int | None = None,
            elems: int = 1) -> _Impl:
        oc = cost.op_cost(name, self.enc, self.n, elems=elems, window=window, position=position)
        steps = price(name, self.enc, self.n, elems, position, self.avg, self.fill, window)
        return shown, oc.big_o, steps, oc.redis_fn


#: EXPIRE of a whole key: one lookup and an entry in ``db->expires``, whatever the encoding.
_EXPIRE: _Impl = ("EXPIRE key seconds", "O(1)", cost.CALL_OVERHEAD + 1.0, "expireGenericCommand")

_Rule = Callable[[_Pricer, Operation], "_Impl | str"]

_NO_ORDER = "{t} has no order by score: {all} and a client-side sort, O(n log n)"
_NO_SEQ = "{t} has no insertion order"


def _zset(pr: _Pricer, o: Operation) -> _Impl | str:
    p, n, w = pr.p, pr.n, min(o.n, pr.n)
    if o.op in ("get_field", "set_field") and p.value_size > 0:
        return (f"a sorted set keeps only a numeric score per member, not a "
                f"{p.value_size}-byte value")
    table: dict[str, _Impl] = {
        "add": pr.cmd("ZADD key score member", "zadd"),
        "set_score": pr.cmd("ZADD key score member", "zadd"),
        "push": pr.cmd("ZADD key <time> member", "zadd"),
        "set_field": pr.cmd("ZADD key score member", "zadd"),
        "remove": pr.cmd("ZREM key member", "zrem"),
        "contains": pr.cmd("ZSCORE key member", "zscore"),
        "get_field": pr.cmd("ZSCORE key member", "zscore"),
        "count": pr.cmd("ZCARD key", "zcard"),
        "unique_count": pr.cmd("ZCARD key", "zcard"),
        "get_all": pr.cmd("ZRANGE key 0 -1 WITHSCORES", "zrange", window=n),
        "increment": pr.cmd("ZINCRBY key delta member", "zincrby"),
        "top_n": pr.cmd(f"ZREVRANGE key 0 {w - 1}", "zrevrange", window=w),
        "latest_n": pr.cmd(f"ZREVRANGE key 0 {w - 1}", "zrevrange", window=w),
        "range_by_rank": pr.cmd(f"ZRANGE key i i+{w - 1}", "zrange", window=w),
        "range_by_score": pr.cmd(f"ZRANGEBYSCORE key min max LIMIT 0 {w}", "zrangebyscore",
                                 window=w),
        "rank_of": pr.cmd("ZREVRANK key member", "zrevrank"),
        "pop": pr.cmd("ZPOPMIN key", "zpopmin"),
        "trim": pr.cmd(f"ZREMRANGEBYRANK key 0 -{n + 1}", "zpopmin"),
        "index": pr.cmd("ZRANGE key i i", "zrange"),
        "expire": _EXPIRE,
    }
    if o.op in ("union", "intersect"):
        name = "ZUNIONSTORE" if o.op == "union" else "ZINTERSTORE"
        walk = pr.cmd("", "zscan")[2] - cost.CALL_OVERHEAD
        ins = pr.cmd("", "zadd")[2] - cost.CALL_OVERHEAD
        return (f"{name} dst {o.n} key ...", "O(N*K)+O(M log M)",
                cost.CALL_OVERHEAD + o.n * (walk + n * ins), "zunionInterDiffGenericCommand")
    return table[o.op]


def _hash(pr: _Pricer, o: Operation) -> _Impl | str:
    n = pr.n
    if o.op in ("top_n", "range_by_rank", "range_by_score", "rank_of"):
        return _NO_ORDER.format(t="a hash", all="HGETALL")
    if o.op in ("push", "pop", "latest_n", "trim", "index"):
        return _NO_SEQ.format(t="a hash")
    if o.op in ("union", "intersect"):
        return "there is no HUNION/HINTER: HGETALL every key and merge client-side"
    table: dict[str, _Impl] = {
        "add": pr.cmd("HSET key field value", "hset"),
        "set_field": pr.cmd("HSET key field value", "hset"),
        "set_score": pr.cmd("HSET key member score", "hset"),
        "remove": pr.cmd("HDEL key field", "hdel"),
        "contains": pr.cmd("HEXISTS key field", "hexists"),
        "get_field": pr.cmd("HGET key field", "hget"),
        "count": pr.cmd("HLEN key", "hlen"),
        "unique_count": pr.cmd("HLEN key", "hlen"),
        "get_all": pr.cmd("HGETALL key", "hgetall", window=n),
        "increment": pr.cmd("HINCRBY key field delta", "hincrby"),
        "expire": _EXPIRE,
    }
    return table[o.op]


def _set(pr: _Pricer, o: Operation) -> _Impl | str:
    n = pr.n
    if o.op in ("get_field", "set_field", "increment", "set_score"):
        return "a set stores members only, no value or score per member"
    if o.op in ("top_n", "range_by_rank", "range_by_score", "rank_of"):
        return _NO_ORDER.format(t="a set", all="SMEMBERS")
    if o.op in ("push", "pop", "latest_n", "trim", "index"):
        return _NO_SEQ.format(t="a set") + " (SPOP/SRANDMEMBER pick at random)"
    if o.op in ("union", "intersect"):
        walk = pr.cmd("", "smembers")[2] - cost.CALL_OVERHEAD
        if o.op == "union":
            return (f"SUNION {o.n} keys", "O(N)", cost.CALL_OVERHEAD + o.n * (walk + 2 * n),
                    "sunionDiffGenericCommand")
        probe = pr.cmd("", "sismember")[2] - cost.CALL_OVERHEAD
        return (f"SINTER {o.n} keys", "O(N*M)",
                cost.CALL_OVERHEAD + walk + n * (o.n - 1) * probe, "sinterGenericCommand")
    table: dict[str, _Impl] = {
        "add": pr.cmd("SADD key member", "sadd"),
        "remove": pr.cmd("SREM key member", "srem"),
        "contains": pr.cmd("SISMEMBER key member", "sismember"),
        "count": pr.cmd("SCARD key", "scard"),
        "unique_count": pr.cmd("SCARD key", "scard"),
        "get_all": pr.cmd("SMEMBERS key", "smembers"),
        "expire": _EXPIRE,
    }
    return table[o.op]


def _list(pr: _Pricer, o: Operation) -> _Impl | str:
    n, w = pr.n, min(o.n, pr.n)
    if o.op in ("get_field", "set_field", "increment", "set_score"):
        return "a list has no lookup by id (LPOS scans it, O(n)) and no value per element"
    if o.op in ("top_n", "range_by_score", "rank_of"):
        return "a list is not ordered by score: SORT key BY ... is O(n log n) per call"
    if o.op == "unique_count":
        return "a list keeps duplicates: counting distinct elements walks it client-side"
    if o.op in ("union", "intersect"):
        return "there is no list union/intersection: LRANGE every key and merge client-side"
    table: dict[str, _Impl] = {
        "add": pr.cmd("RPUSH key element", "rpush"),
        "push": pr.cmd("LPUSH key element", "lpush"),
        "pop": pr.cmd("RPOP key", "rpop"),
        "remove": pr.cmd("LREM key 1 element", "lrem"),
        "contains": pr.cmd("LPOS key element", "lpos"),
        "count": pr.cmd("LLEN key", "llen"),
        "get_all": pr.cmd("LRANGE key 0 -1", "lrange", window=n, position=0),
        "range_by_rank": pr.cmd(f"LRANGE key i i+{w - 1}", "lrange", window=w),
        "latest_n": pr.cmd(f"LRANGE key 0 {w - 1}", "lrange", window=w, position=0),
        "trim": pr.cmd(f"LTRIM key 0 {n - 1}", "ltrim", position=n - 1),
        "index": pr.cmd(f"LINDEX key {n // 2}", "lindex", position=n // 2),
        "expire": _EXPIRE,
    }
    return table[o.op]


def _string(pr: _Pricer, o: Operation) -> _Impl | str:
    n = pr.n
    one = cost.CALL_OVERHEAD + 1.0
    if o.op in ("count", "unique_count"):
        return "one key per element: counting them needs SCAN over the keyspace, O(all keys)"
    if o.op in ("top_n", "range_by_rank", "range_by_score", "rank_of", "push", "pop",
                "latest_n", "trim", "index"):
        return "separate string keys have no order"
    if o.op in ("union", "intersect"):
        return "separate string keys have no set operations"
    if o.op == "get_all":
        return (f"MGET key:<id> x{n}", "O(n)", cost.CALL_OVERHEAD + 2.0 * n, "mgetCommand")
    if o.op == "expire":
        return (f"EXPIRE key:<id> x{n} (one per element key)", "O(n)", n * one,
                "expireGenericCommand")
    shown = {"add": "SET key:<id> value", "set_field": "SET key:<id> value",
             "set_score": "SET key:<id> score", "remove": "DEL key:<id>",
             "contains": "EXISTS key:<id>", "get_field": "GET key:<id>",
             "increment": "INCRBY key:<id> delta"}[o.op]
    return shown, "O(1)", one, "lookupKey (the string is the value)"


def _hyperloglog(pr: _Pricer, o: Operation) -> _Impl | str:
    p = pr.p
    if o.op in ("count", "unique_count"):
        if p.exact:
            return ("a HyperLogLog counts with a 0.81% standard error and the pattern says "
                    "exact: true")
        walk = _HLL_DENSE_WALK if pr.enc == "dense" else pr.avg / 2
        stale = p.has("add")
        return ("PFCOUNT key", "O(1)", cost.CALL_OVERHEAD + (walk if stale else 1.0),
                "hllCount" + (" (cache stale after each PFADD)" if stale else " (cached)"))
    if o.op == "add":
        steps = 2.0 if pr.enc == "dense" else pr.avg / 2
        return ("PFADD key element", "O(1)", cost.CALL_OVERHEAD + steps,
                "hllDenseSet" if pr.enc == "dense" else "hllSparseSet")
    if o.op == "union" and not p.exact:
        return (f"PFMERGE dst {o.n} keys", "O(N)", cost.CALL_OVERHEAD + o.n * _HLL_DENSE_WALK,
                "hllMerge")
    if o.op == "expire":
        return _EXPIRE
    return ("a HyperLogLog stores no elements (only 16384 registers): it can add and count "
            "approximately, nothing else")


def _bitmap(pr: _Pricer, o: Operation) -> _Impl | str:
    p = pr.p
    if not p.integer_ids:
        return "elements are not integer ids (integer_ids: false): a bitmap indexes bits by number"
    top = (p.elements - 1) * p.id_space // p.elements
    limit = 8 * int(pr.cfg["proto-max-bulk-len"])
    if top >= limit:
        return (f"ids reach {top:,}, past the largest bit offset {limit - 1:,} "
                f"(getBitOffsetFromArgument: 8 x proto-max-bulk-len)")
    nbytes = _bitmap_bytes(p)
    words = nbytes / 8
    one = cost.CALL_OVERHEAD + 2.0
    if o.op == "add":
        return "SETBIT key id 1", "O(1)", one, "setbitCommand"
    if o.op == "remove":
        return "SETBIT key id 0", "O(1)", one, "setbitCommand"
    if o.op == "contains":
        return "GETBIT key id", "O(1)", one, "getbitCommand"
    if o.op in ("count", "unique_count"):
        return "BITCOUNT key", "O(N)", cost.CALL_OVERHEAD + words, "redisPopcount"
    if o.op in ("union", "intersect"):
        how = "OR" if o.op == "union" else "AND"
        return (f"BITOP {how} dst {o.n} keys", "O(N)", cost.CALL_OVERHEAD + o.n * words,
                "bitopCommand")
    if o.op == "get_all":
        return "GET key (the client decodes the bits)", "O(N)", \
            cost.CALL_OVERHEAD + nbytes / cost.CACHE_LINE, "getCommand"
    if o.op == "expire":
        return _EXPIRE
    return "a bitmap holds one bit per id: no value, score or order"


_RULES: dict[str, _Rule] = {"zset": _zset, "hash": _hash, "set": _set, "list": _list,
                            "string": _string, "hyperloglog": _hyperloglog, "bitmap": _bitmap}


# -- evaluation ------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Candidate:
    """One candidate type for a pattern, priced; ``ruled_out_by`` = (operation, reason)
    when an operation cannot be done on it."""

    type: str
    fits: bool
    ruled_out_by: tuple[str, str] | None
    encoding: str
    detail: str
    memory_per_key: int
    memory: int
    operations: tuple[OpPrice, ...]
    steps_per_second: float
    score: float = 0.0
    rank: int = 0
    why: str = ""
    #: How the memory was obtained when not exactly (sampled and scaled, HLL not simulated
    #: to the end).
    memory_note: str = ""


@attrs.frozen(slots=True)
class Evaluation:
    """All candidates for a pattern, those that fit first, best first."""

    pattern: Pattern
    config: dict[str, Any]
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates and self.candidates[0].fits else None


def _avg_entry(p: Pattern, typ: str, det: str) -> float:
    """Bytes per packed entry (listpack / quicklist node) of one element, or the sparse
    HLL's length for ``hyperloglog`` (what a PFADD/PFCOUNT walks)."""
    if typ == "hyperloglog":
        return 0.0
    ms = members(p, [p.elements - 1])
    per = float(cost.lp_entry_size(ms[0]))
    if typ in ("hash", "zset"):
        per += cost.lp_entry_size(values(p, [p.elements - 1])[0])
    return per


def _candidate(p: Pattern, typ: str, cfg: Mapping[str, Any]) -> Candidate:
    enc, det = predicted_encoding(p, typ)
    avg = _avg_entry(p, typ, det)
    if typ == "hyperloglog":
        v, _ = _hll_build(p, cfg)
        avg = float(len(v))
    pr = _Pricer(p, det if typ == "hyperloglog" else enc, cfg, avg)
    rule = _RULES[typ]
    priced: list[OpPrice] = []
    for o in p.operations:
        got = rule(pr, o)
        if isinstance(got, str):
            return Candidate(typ, False, (o.op, got), enc, det, 0, 0, (), 0.0)
        shown, big_o, steps, fn = got
        priced.append(OpPrice(o.op, o.rate, shown, big_o, steps, o.rate * steps, fn))
    mem, note = _memory(p, typ, enc, cfg)
    return Candidate(typ, True, None, enc, det, mem, mem * p.keys, tuple(priced),
                     sum(x.per_second for x in priced), memory_note=note)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 1.0


def _cmp(mine: float, other: float, less: str, more: str) -> str:
    """"x3.10 less" / "x1.20 more": how ``mine`` compares with ``other``."""
    r = _ratio(other, mine) if mine <= other else _ratio(mine, other)
    text = f"x{r:,.0f}" if r >= 100 else f"x{r:.2f}"
    return f"{text} {less if mine <= other else more}"


def _why(c: Candidate, top: Candidate, fit: list[Candidate]) -> str:
    """A sentence from the numbers: how this candidate compares on memory and work, and
    which operation does most of its work."""
    heavy = max(c.operations, key=lambda x: x.per_second)
    share = _ratio(heavy.per_second, c.steps_per_second)
    load = f"most work: {heavy.op} ({share:.0%} of steps/s, {heavy.big_o})"
    if c is top:
        others = [x for x in fit if x is not c]
        if not others:
            return f"the only type that can do every operation; {load}"
        other = others[0]
        vs = f"than {other.type}"
    else:
        other = top
        vs = f"than {top.type}"
    return (f"{_cmp(c.memory, other.memory, 'less memory', 'more memory')} and "
            f"{_cmp(c.steps_per_second, other.steps_per_second, 'fewer steps/s', 'more steps/s')}"
            f" {vs}; {load}")


def evaluate(p: Pattern) -> Evaluation:
    """Every candidate of :data:`CANDIDATES` for pattern ``p``: fitting ones ranked by
    score (memory and steps per second, each relative to the best), then the rest with the
    operation that rules each out."""
    cfg = _cfg(p)
    cands = [_candidate(p, t, cfg) for t in CANDIDATES]
    fit = [c for c in cands if c.fits]
    mem0 = min((c.memory for c in fit), default=0)
    sps0 = min((c.steps_per_second for c in fit), default=0.0)
    scored = [attrs.evolve(c, score=_ratio(c.memory, mem0) + _ratio(c.steps_per_second, sps0))
              for c in fit]
    scored.sort(key=lambda c: (c.score, CANDIDATES.index(c.type)))
    out: list[Candidate] = []
    for i, c in enumerate(scored):
        top = scored[0]
        out.append(attrs.evolve(c, rank=i + 1, why=_why(c, top, scored)))
    out.extend(c for c in cands if not c.fits)
    used = {k: cfg[k] for k in ("hash-max-listpack-entries", "hash-max-listpack-value",
                                "zset-max-listpack-entries", "zset-max-listpack-value",
                                "set-max-intset-entries", "list-max-listpack-size",
                                "hll-sparse-max-bytes")}
    return Evaluation(p, used, tuple(out))


# -- traces that build a candidate (for checking the predicted encoding) -----------------------


def build_trace(p: Pattern, typ: str) -> tuple[list[list[bytes]], list[bytes]]:
    """Commands that fill one key of the pattern as candidate ``typ`` one element per
    command (as the pattern's ``add`` would), and the key(s) built."""
    idx = range(p.elements)
    ms = members(p, idx)
    key = _key(p)
    if typ == "hash":
        return [[b"HSET", key, m, v] for m, v in zip(ms, values(p, idx), strict=True)], [key]
    if typ == "set":
        return [[b"SADD", key, m] for m in ms], [key]
    if typ == "zset":
        return [[b"ZADD", key, b"%d" % s, m]
                for m, s in zip(ms, scores(p, idx), strict=True)], [key]
    if typ == "list":
        return [[b"RPUSH", key, m] for m in ms], [key]
    if typ == "string":
        v = values(p, [0])[0]
        keys = [key + b":" + m for m in ms]
        return [[b"SET", k, v] for k in keys], keys
    if typ == "hyperloglog":
        return [[b"PFADD", key, m] for m in ms], [key]
    if typ == "bitmap":
        return [[b"SETBIT", key, m, b"1"] for m in ms], [key]
    raise ValueError(typ)
