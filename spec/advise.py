"""Type choice from access patterns: replay a trace through the spec and price it.

Given a trace (a list of argv, e.g. parsed from redis-cli lines or MONITOR output by
:func:`parse_trace`), :func:`analyse` runs it through a spec server (``new_server`` +
``run_command``) and records, per key: the command mix, the sizes reached, the longest
element written, the encoding each command met and every conversion (``hashTypeConvert``,
``setTypeConvert``, ``zsetConvert``) with the step that caused it and why. Each command is
priced with ``spec.cost.op_cost`` for the encoding and size it met, and each key's final value
with ``spec.cost.value_memory`` (MEMORY USAGE's model).

:func:`advise` then prices alternatives *by replaying the same trace* under other
configurations (the ``*-max-listpack-entries``/``-value`` and ``set-max-intset-entries``
limits raised to what the keys reached, or lowered below it) and by re-pricing keys as another
type where the access pattern says so (a hash whose values are all one constant used like a
set; a list read and written by position used like an array). Every recommendation carries
the modelled numbers: memory before/after and steps before/after.

Everything here is pure: the trace is an input, nothing is read or written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from . import cost
from .commands.introspection import get_keys
from .dispatch import TABLE
from .numbers import string2ll
from .resp import split_args  # sdssplitargs, as redis-cli splits lines
from .server import client_connect, new_server, run_command
from .types.hash import HashValue
from .types.list import ListValue
from .types.set import SetValue
from .types.stream import StreamValue
from .types.zset import ZSet
from .values import encoding_of, type_name

__all__ = ["parse_trace", "split_args", "Conversion", "KeyStats", "Recommendation",
           "Analysis", "analyse", "advise", "LIMITS", "key_pattern"]

#: Encoding limits by type: (entries parameter, value-length parameter or None).
LIMITS: dict[str, tuple[str, str | None]] = {
    "hash": ("hash-max-listpack-entries", "hash-max-listpack-value"),
    "zset": ("zset-max-listpack-entries", "zset-max-listpack-value"),
    "set": ("set-max-intset-entries", None),
}
_COMPACT = {"listpack", "intset"}
#: ``quicklistSetFill``: a ``list-max-listpack-size`` below -5 packs as -5 (the largest of the
#: five ``optimization_level`` sizes; 7.0.15: MEMORY USAGE of a list is the same under -6 as
#: under -5).
_FILL_MIN = -len(cost.QL_LEVELS)
_POSITIONAL = {"lindex", "lset", "linsert", "lrem", "lpos"}

# -- trace parsing ---------------------------------------------------------------------------------

_MONITOR = re.compile(rb"^\d+\.\d+ \[(\d+) [^\]]*\] (.*)$")


#: In MONITOR output a script's own commands follow it as ``[db lua]`` lines: replaying the
#: script call too would run them twice.
_SCRIPT_CALLS = {b"eval", b"evalsha", b"eval_ro", b"evalsha_ro", b"fcall", b"fcall_ro"}


def parse_trace(text: bytes) -> tuple[list[list[bytes]], list[str]]:
    """A trace from redis-cli style lines (one command per line; ``#`` comments) or MONITOR
    lines (``1700000000.123456 [0 127.0.0.1:5555] "HSET" "h" "f" "v"``; a change of the
    db number becomes a SELECT; EVAL/FCALL lines are dropped, the ``[0 lua]`` lines after
    them carry what the script did). Returns the argv list and the problems found (bad lines)."""
    trace: list[list[bytes]] = []
    problems: list[str] = []
    db = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(b"#") or line == b"OK":
            continue
        m = _MONITOR.match(line)
        if m is not None:
            mdb = int(m.group(1))
            if mdb != db:
                trace.append([b"SELECT", str(mdb).encode()])
                db = mdb
            line = m.group(2)
        args = split_args(line)
        if args is None:
            problems.append(f"line {lineno}: unbalanced quotes")
        elif args and not (m is not None and args[0].lower() in _SCRIPT_CALLS):
            trace.append(args)
    return trace, problems


def key_pattern(key: bytes) -> str:
    """The group a key is reported in: its name with every run of digits as ``*``
    (``user:17:tags`` -> ``user:*:tags``)."""
    return re.sub(rb"[0-9]+", b"*", key).decode("utf-8", "backslashreplace")


# -- per-key statistics ----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Conversion:
    """An encoding change of one key: at trace step ``step`` (0-based) by ``command``."""

    step: int
    command: str
    frm: str
    to: str
    size: int
    reason: str


@attrs.define(slots=True)
class KeyStats:
    """What one key went through in the trace, priced by ``spec.cost``."""

    key: bytes
    type: str = ""
    encoding: str = ""
    ops: dict[str, int] = attrs.Factory(dict)
    max_n: int = 0
    max_elem: int = 0
    conversions: list[Conversion] = attrs.Factory(list)
    steps: float = 0.0
    memory: int = 0
    #: Per priced command: (name, encoding met, size met, elements touched, list position).
    log: list[tuple[str, str, int, int, int | None]] = attrs.Factory(list)
    #: Distinct hash values seen (capped), for the "hash used as a set" test.
    hash_values: set[bytes] = attrs.Factory(set)
    #: Commands that read or wrote a list away from its ends.
    middle_ops: int = 0
    contents: Any = None
    created_at: int = 0
    has_ttl: bool = False
    #: Modelled steps per command name.
    cmd_steps: dict[str, float] = attrs.Factory(dict)
    #: Steps spent in LINDEX/LSET/LINSERT/LREM/LPOS (lists).
    positional_steps: float = 0.0


def contents_of(v: Any) -> tuple[str, str, Any]:
    """(type, encoding, abstract contents) of a stored value, as ``spec.cost`` wants them."""
    if isinstance(v, HashValue):
        return "hash", v.encoding, v.items()
    if isinstance(v, SetValue):
        return "set", v.encoding, v.members()
    if isinstance(v, ZSet):
        return "zset", v.encoding, v.items()
    if isinstance(v, ListValue):
        return "list", v.encoding, v.to_list()
    if isinstance(v, bytes):
        return "string", encoding_of(v), v
    if isinstance(v, StreamValue):  # priced as itself: nodes, groups and PELs
        return "stream", "stream", v
    return type(v).__name__, "?", None


def _size(v: Any) -> int:
    return len(v) if v is not None and not isinstance(v, bytes) else 0


def _reason(type_: str, before: Any, after: Any, argv: list[bytes], cfg: Any) -> str:
    """Why a compact value converted: the rule ``hashTypeTryConversion``/``hashTypeSet``,
    ``setTypeAdd`` or ``zsetAdd`` applied."""
    lim = LIMITS.get(type_)
    if lim is None:
        return ""
    entries, vparam = lim
    n = _size(after)
    if type_ == "set" and any(string2ll(a) is None for a in argv[2:]):
        return "a member that is not an integer"
    if vparam is not None:
        longest = max((len(a) for a in argv[2:]), default=0)
        if longest > cfg[vparam]:
            return f"an element of {longest} bytes > {vparam} {cfg[vparam]}"
    return f"{n} elements > {entries} {cfg[entries]}"


def _created_at(typ: str, n0: int, why: str, cfg: Any) -> int:
    """The size a converted hash table was presized for (``dictExpand`` in
    ``hashTypeConvertListpack``/``setTypeConvert``): one past the entry limit when the count
    converted it (``hashTypeSet``/``setTypeAdd`` convert after the insert), the size before
    the command when an element did. A zset's dict is never presized (``zsetConvert``, and
    ZADD of a new key makes a listpack or an empty skiplist: 7.0.15's DEBUG HTSTATS-KEY after
    one ZADD of 300 members under a limit of 128 shows 256 buckets rehashing into 512), so
    0: it grew one add at a time."""
    if typ == "zset":
        return 0
    if why[:1].isdigit():
        return int(cfg[LIMITS[typ][0]]) + 1
    return n0


def _table_presize(fits: Sequence[bool], limit: int) -> int:
    """``created_at`` of a value written one element at a time, in this order, to a compact
    encoding of at most ``limit`` elements (a type alternative): converted by the first
    element that does not fit, presized for the elements before it (``hashTypeTryConversion``,
    ``setTypeAdd``'s non-integer; none before: a table from the start), or by the element past
    the limit, presized for ``limit + 1`` (``hashTypeSet``/``setTypeAdd`` convert after the
    insert); 0 while it stays compact."""
    for i, ok in enumerate(fits):
        if not ok:
            return i
        if i >= limit:
            return limit + 1
    return 0


def _position(name: str, argv: list[bytes], n: int) -> int | None:
    if name in ("lindex", "lset", "lrange", "ltrim") and len(argv) > 2:
        i = string2ll(argv[2])
        if i is None:
            return None
        return i + n if i < 0 else i
    return None


def _elems(name: str, argv: list[bytes]) -> int:
    """Elements a command touches: field/value pairs for HSET, members for SADD, ..."""
    rest = len(argv) - 2
    if name in ("hset", "hmset"):
        return max(rest // 2, 1)
    if name == "zadd":
        return max(sum(1 for a in argv[2:] if string2ll(a) is None and a[:1].isalpha()) or
                   rest // 2, 1)
    if name in ("sadd", "srem", "hdel", "hmget", "smismember", "zrem", "zmscore",
                "lpush", "rpush"):
        return max(rest, 1)
    return 1


def _window(name: str, argv: list[bytes], n: int) -> int:
    if name in ("lrange", "zrange", "zrevrange") and len(argv) > 3:
        a, b = string2ll(argv[2]), string2ll(argv[3])
        if a is not None and b is not None:
            a = a + n if a < 0 else a
            b = b + n if b < 0 else b
            return max(0, min(b, n - 1) - max(a, 0) + 1)
    return 1


def price(name: str, encoding: str, n: int, elems: int, position: int | None,
          avg_entry: float, fill: int, window: int = 1) -> float:
    """Modelled steps of one command on a value of ``n`` elements whose packed entries
    average ``avg_entry`` bytes: ``spec.cost.op_cost`` plus the fixed ``CALL_OVERHEAD``.
    A quicklist node holds ``list-max-listpack-size`` entries (0 and 1: one), or under a
    negative fill as many average entries as its byte budget takes (below -5: as -5)."""
    per_node = 0.0
    if encoding == "quicklist":
        if fill < 0:
            budget = cost.QL_LEVELS[-max(fill, _FILL_MIN) - 1]
            per_node = max(1.0, budget / max(avg_entry, 1.0))
        else:
            per_node = float(max(fill, 1))
    blob = int(n * avg_entry) if encoding in _COMPACT else 0
    return cost.CALL_OVERHEAD + cost.op_cost(name, encoding, n, elems=elems, window=window, position=position,
                        blob_bytes=blob, fill=fill, node_entries=per_node).steps


@attrs.frozen(slots=True)
class Analysis:
    """The outcome of one replay: per-key statistics and the configuration used."""

    keys: dict[bytes, KeyStats]
    config: dict[str, int]
    commands: int
    errors: int

    @property
    def total_steps(self) -> float:
        return sum(k.steps for k in self.keys.values())

    @property
    def total_memory(self) -> int:
        return sum(k.memory for k in self.keys.values())


def analyse(trace: Sequence[list[bytes]], config: dict[str, Any] | None = None,
            now_ms: int = 1_700_000_000_000) -> Analysis:
    """Replay ``trace`` on a fresh spec server with ``config`` (parameter name -> typed
    value) and collect :class:`KeyStats` for every key a data command touched."""
    state = new_server(now_ms, **(config or {}))
    cfg = state.config
    state, cid = client_connect(state, now_ms)
    fill = int(cfg["list-max-listpack-size"])
    packed = max(fill, _FILL_MIN)
    stats: dict[bytes, KeyStats] = {}
    entry_bytes: dict[bytes, tuple[int, int]] = {}
    errors = 0
    for step, argv in enumerate(trace):
        if not argv:
            continue
        spec_ = TABLE.get(argv[0].lower())
        name = argv[0].decode("latin-1").lower()
        keys: list[bytes] = []
        if spec_ is not None and spec_.handler is not None and name in cost.COMMAND_ROLES:
            try:
                keys = [argv[p] for p, _ in get_keys(spec_, argv)]
            except Exception:  # noqa: BLE001 - a malformed command has no keys to price
                keys = []
        db = state.clients[cid].db
        before = {k: state.dbs[db].keys.get(k) for k in keys}
        state, frame = run_command(state, cid, argv, now_ms)
        if frame[:1] == b"-":
            errors += 1
            continue
        db = state.clients[cid].db
        for k in keys:
            v0, v1 = before[k], state.dbs[db].keys.get(k)
            ref = v1 if v1 is not None else v0
            if ref is None:
                continue
            ks = stats.get(k)
            if ks is None:
                ks = stats[k] = KeyStats(k)
            typ, enc1 = type_name(ref), encoding_of(ref)
            enc0 = encoding_of(v0) if v0 is not None else enc1
            n0 = _size(v0)
            ks.type = typ
            ks.ops[name] = ks.ops.get(name, 0) + 1
            args = argv[2:]
            if spec_ is not None and spec_.is_write and args:
                tot, cnt = entry_bytes.get(k, (0, 0))
                for a in args:
                    tot += cost.lp_entry_size(a)
                    cnt += 1
                entry_bytes[k] = (tot, cnt)
                ks.max_elem = max(ks.max_elem, max(len(a) for a in args))
                if typ == "hash" and name in ("hset", "hsetnx", "hmset") and \
                        len(ks.hash_values) < 4:
                    ks.hash_values.update(args[1::2])
            tot, cnt = entry_bytes.get(k, (0, 0))
            avg = tot / cnt if cnt else 8.0
            pos = _position(name, argv, n0)
            elems = _elems(name, argv)
            win = _window(name, argv, n0)
            if typ == "list" and pos is not None and name in ("lindex", "lset") and \
                    min(pos, n0 - 1 - pos) > 16:
                ks.middle_ops += 1
            if name in ("linsert", "lrem", "lpos"):
                ks.middle_ops += 1
            paid = price(name, enc0, n0, elems, pos, avg, packed, win)
            ks.steps += paid
            ks.cmd_steps[name] = ks.cmd_steps.get(name, 0.0) + paid
            ks.log.append((name, enc0, n0, elems, pos))
            if typ == "list" and name in _POSITIONAL:
                ks.positional_steps += paid
            if v1 is not None:
                n1 = _size(v1)
                ks.max_n = max(ks.max_n, n1)
                if enc1 != enc0 and v0 is not None and typ in LIMITS:
                    why = _reason(typ, v0, v1, argv, cfg)
                    ks.conversions.append(Conversion(step, name, enc0, enc1, n1, why))
                    ks.created_at = _created_at(typ, n0, why, cfg)
                elif v0 is None and enc1 in ("hashtable", "skiplist"):
                    ks.created_at = _created_at(typ, 0, _reason(typ, v0, v1, argv, cfg), cfg)
                ks.encoding = enc1
    db_keys = {k: v for d in state.dbs for k, v in d.keys.items()}
    ttl_keys = {k for d in state.dbs for k in d.expires.keys()}
    for k, ks in stats.items():
        v = db_keys.get(k)
        if v is None:
            ks.memory = 0
            continue
        typ, enc, contents = contents_of(v)
        ks.encoding, ks.contents = enc, contents
        ks.has_ttl = k in ttl_keys
        ks.memory = cost.key_memory(k, cost.value_memory(typ, enc, contents, packed,
                                                         ks.created_at))
    used = {p: int(cfg[p]) for lim in LIMITS.values() for p in lim if p is not None}
    used["list-max-listpack-size"] = fill
    return Analysis(stats, used, len(trace), errors)


# -- recommendations -------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Recommendation:
    """One alternative, priced: ``config`` changes (empty for a change of type), the keys
    (groups) it concerns, memory and steps before and after for those keys."""

    kind: str
    text: str
    keys: tuple[str, ...]
    memory_before: int
    memory_after: int
    steps_before: float
    steps_after: float
    config: dict[str, int] = attrs.Factory(dict)

    @property
    def memory_change(self) -> float:
        """Relative memory change (-0.6 = 60% less)."""
        return (self.memory_after - self.memory_before) / self.memory_before \
            if self.memory_before else 0.0

    @property
    def steps_ratio(self) -> float:
        return self.steps_after / self.steps_before if self.steps_before else 1.0

    @property
    def verdict(self) -> str:
        """"win" (no worse on either count), "saves memory" / "saves work" (a trade-off
        that costs the other), or "worse"."""
        dm = self.memory_after - self.memory_before
        ds = self.steps_after - self.steps_before
        if dm <= 0 and ds <= 0:
            return "win"
        if dm < 0:
            return "saves memory"
        if ds < 0:
            return "saves work"
        return "worse"


def _pow2_at_least(n: int) -> int:
    return 1 << max(n - 1, 0).bit_length()


def _fmt(rec_mem: tuple[int, int], rec_steps: tuple[float, float]) -> str:
    m0, m1 = rec_mem
    s0, s1 = rec_steps
    mem = f"memory {((m1 - m0) / m0 * 100 if m0 else 0):+.0f}% ({m0:,} -> {m1:,} B)"
    ratio = s1 / s0 if s0 else 1.0
    return f"{mem}, modelled steps x{ratio:.2f} ({s0:,.0f} -> {s1:,.0f})"


def _per_command(ks: list[KeyStats], alt: Analysis) -> str:
    """"; per command: HGET x3.10, HSET x1.20" for the commands whose cost changed."""
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    for k in ks:
        for name, v in k.cmd_steps.items():
            before[name] = before.get(name, 0.0) + v
        a = alt.keys.get(k.key)
        if a is not None:
            for name, v in a.cmd_steps.items():
                after[name] = after.get(name, 0.0) + v
    parts = [f"{name.upper()} x{after.get(name, 0.0) / b:.2f}"
             for name, b in sorted(before.items(), key=lambda x: -x[1])
             if b and abs(after.get(name, 0.0) / b - 1) >= 0.005]
    return "; per command: " + ", ".join(parts) if parts else ""


def _encodings(alt: Analysis, keys: list[KeyStats]) -> str:
    return "/".join(sorted({alt.keys[k.key].encoding for k in keys})) or "unchanged"


def _groups(keys: Iterable[KeyStats]) -> tuple[str, ...]:
    return tuple(sorted({key_pattern(k.key) for k in keys}))


def _config_candidates(base: Analysis) -> list[tuple[str, dict[str, int], str]]:
    """Configurations worth replaying: each limit raised to cover what the keys reached (so
    they stay compact), or lowered below the sizes compact keys reached (so they convert)."""
    out: list[tuple[str, dict[str, int], str]] = []
    for typ, (ep, vp) in LIMITS.items():
        ks = [k for k in base.keys.values() if k.type == typ]
        if not ks:
            continue
        # One candidate per key group that converted: the limits that keep that group (and
        # every group needing less) compact.
        by_group: dict[str, list[KeyStats]] = {}
        for k in ks:
            if k.conversions and not (typ == "set" and any(
                    c.reason.startswith("a member") for c in k.conversions)):
                by_group.setdefault(key_pattern(k.key), []).append(k)
        seen: list[dict[str, int]] = []
        for group in by_group.values():
            change: dict[str, int] = {}
            need_n = max(k.max_n for k in group)
            if need_n > base.config[ep]:
                change[ep] = _pow2_at_least(need_n)
            if vp is not None:
                need_v = max(k.max_elem for k in group)
                if need_v > base.config[vp]:
                    change[vp] = need_v
            if change and change not in seen:
                seen.append(change)
        for change in sorted(seen, key=lambda c: sorted(c.items()))[:4]:
            out.append(("raise", change, typ))
        compact = [k for k in ks if k.encoding in _COMPACT and k.max_n >= 32]
        if compact:
            lower = max(1, max(k.max_n for k in compact) // 4)
            if lower < base.config[ep]:
                out.append(("lower", {ep: lower}, typ))
    # Lists read by position: smaller quicklist nodes shorten each lpSeek.
    if any(k.type == "list" and k.middle_ops for k in base.keys.values()):
        for fill in (-1, 128):
            if fill != base.config["list-max-listpack-size"]:
                out.append(("set", {"list-max-listpack-size": fill}, "list"))
    return out


def advise(trace: Sequence[list[bytes]], config: dict[str, Any] | None = None,
           now_ms: int = 1_700_000_000_000) -> tuple[Analysis, list[Recommendation]]:
    """Analyse ``trace`` under ``config``, then price the alternatives (replays under other
    limits, other types for misused keys); recommendations sorted by memory saved."""
    base = analyse(trace, config, now_ms)
    recs: list[Recommendation] = []
    for kind, change, typ in _config_candidates(base):
        alt = analyse(trace, {**(config or {}), **change}, now_ms)
        ks = [k for k in base.keys.values() if k.type == typ]
        m0 = sum(k.memory for k in ks)
        s0 = sum(k.steps for k in ks)
        m1 = sum(alt.keys[k.key].memory for k in ks if k.key in alt.keys)
        s1 = sum(alt.keys[k.key].steps for k in ks if k.key in alt.keys)
        if (m0, round(s0)) == (m1, round(s1)):
            continue
        what = ", ".join(f"{p} {base.config[p]} -> {v}" for p, v in change.items())
        moved = [k for k in ks if k.key in alt.keys and alt.keys[k.key].encoding != k.encoding]
        if typ == "list":
            head = f"set {what} (quicklist nodes of that size) for {len(ks)} list key(s): "
        else:
            head = (f"{kind} {what}: {len(moved)} of {len(ks)} {typ} key(s) end "
                    f"{_encodings(alt, moved)} instead; over all {typ} keys: ")
        recs.append(Recommendation(
            f"config-{kind}", head + _fmt((m0, m1), (s0, s1)) + _per_command(ks, alt),
            _groups(moved or ks), m0, m1, s0, s1, dict(change)))
    recs.extend(_strings_as_hash_buckets(base))
    recs.extend(_hash_as_set(base))
    recs.extend(_list_as_array(base))
    recs = [r for r in recs if r.verdict != "worse"]
    order = {"win": 0, "saves memory": 1, "saves work": 2}
    recs.sort(key=lambda r: (order[r.verdict], r.memory_after - r.memory_before,
                             r.steps_ratio))
    return base, recs


_SET_LIKE_OPS = {"hset", "hsetnx", "hmset", "hexists", "hdel", "hkeys", "hlen", "hscan"}
_AS_SET = {"hset": "sadd", "hsetnx": "sadd", "hmset": "sadd", "hexists": "sismember",
           "hdel": "srem", "hkeys": "smembers", "hlen": "scard", "hscan": "sscan"}


def _hash_as_set(base: Analysis) -> list[Recommendation]:
    """Hashes whose values are one constant and whose commands never read a value: priced
    as sets of their fields (``setTypeCreate``'s encoding for those members), added one at a
    time in the hash's order."""
    ks = [k for k in base.keys.values() if k.type == "hash" and k.contents
          and len(k.hash_values) == 1 and set(k.ops) <= _SET_LIKE_OPS]
    if not ks:
        return []
    limit = base.config["set-max-intset-entries"]
    fill = base.config["list-max-listpack-size"]
    m0 = m1 = 0
    s0 = s1 = 0.0
    for k in ks:
        fields = [f for f, _ in k.contents]
        intset = all(string2ll(f) is not None for f in fields) and len(fields) <= limit
        enc = "intset" if intset else "hashtable"
        created = _table_presize([string2ll(f) is not None for f in fields], limit)
        m0 += k.memory
        m1 += cost.key_memory(k.key, cost.value_memory("set", enc, fields, fill, created))
        s0 += k.steps
        avg = 8.0 if intset else 0.0
        for name, _e, n, elems, pos in k.log:
            s1 += price(_AS_SET[name], enc, n, elems, pos, avg, fill)
    val = next(iter(ks[0].hash_values)).decode("latin-1")
    return [Recommendation(
        "type-set", f"{len(ks)} hash key(s) store only the value {val!r} and never read it: "
        f"they are used as sets; as sets of their fields: " + _fmt((m0, m1), (s0, s1)),
        _groups(ks), m0, m1, s0, s1)]


_AS_HASH = {"lindex": "hget", "lset": "hset", "rpush": "hset", "lpush": "hset",
            "llen": "hlen", "lrange": "hmget"}


def _list_as_array(base: Analysis) -> list[Recommendation]:
    """Lists read or written by position away from their ends: each LINDEX/LSET walks
    quicklist nodes (O(n)); priced as a hash keyed by index (O(1) per access), its fields
    written in index order."""
    ks = [k for k in base.keys.values() if k.type == "list" and k.middle_ops and k.contents]
    if not ks:
        return []
    fill = base.config["list-max-listpack-size"]
    lim_n = base.config["hash-max-listpack-entries"]
    lim_v = base.config["hash-max-listpack-value"]
    m0 = m1 = 0
    s0 = s1 = 0.0
    mid = 0
    for k in ks:
        items: list[bytes] = k.contents
        pairs = [(str(i).encode(), x) for i, x in enumerate(items)]
        compact = len(pairs) <= lim_n and all(len(x) <= lim_v for x in items)
        enc = "listpack" if compact else "hashtable"
        created = _table_presize([len(x) <= lim_v for x in items], lim_n)
        m0 += k.memory
        m1 += cost.key_memory(k.key, cost.value_memory("hash", enc, pairs, fill, created))
        s0 += k.steps
        mid += k.middle_ops
        for name, _e, n, elems, pos in k.log:
            s1 += price(_AS_HASH.get(name, name), enc, n, elems, pos, 10.0, fill)
    npos = sum(1 for k in ks for e in k.log if e[0] in _POSITIONAL)
    per0 = sum(k.positional_steps for k in ks) / max(npos, 1)
    return [Recommendation(
        "type-hash", f"{len(ks)} list key(s) are accessed by position ({mid} LINDEX/LSET/"
        f"LINSERT/LREM away from the ends; {per0:,.0f} steps per positional command, "
        f"O(n)); as hashes "
        f"keyed by index: " + _fmt((m0, m1), (s0, s1)), _groups(ks), m0, m1, s0, s1)]


#: Fields per bucket hash when string keys are folded into hashes (well under the default
#: hash-max-listpack-entries, so the buckets stay listpacks).
BUCKET = 100
_ID = re.compile(rb"^(.*?)([0-9]+)([^0-9]*)$")
_AS_HASH_FIELD = {"get": "hget", "set": "hset", "setnx": "hsetnx", "incr": "hincrby",
                  "incrby": "hincrby", "decr": "hincrby", "decrby": "hincrby",
                  "mget": "hmget", "mset": "hset", "strlen": "hstrlen",
                  "incrbyfloat": "hincrbyfloat"}


def _strings_as_hash_buckets(base: Analysis) -> list[Recommendation]:
    """Many small string keys named by one numeric id (``user:1017:name``): priced as
    fields of bucket hashes (``user:10:name`` field ``17``, ``BUCKET`` ids per hash), each a
    listpack while its fields are at most hash-max-listpack-entries and the values at most
    hash-max-listpack-value, each field priced at its own bucket's size. Keys with a TTL or
    commands a hash field has no equivalent for are left out (a field cannot expire)."""
    lim_v = base.config["hash-max-listpack-value"]
    lim_n = base.config["hash-max-listpack-entries"]
    fill = base.config["list-max-listpack-size"]
    groups: dict[tuple[bytes, bytes], list[tuple[int, KeyStats]]] = {}
    for ks in base.keys.values():
        if ks.type != "string" or ks.has_ttl or not isinstance(ks.contents, bytes):
            continue
        if len(ks.contents) > lim_v or not set(ks.ops) <= set(_AS_HASH_FIELD):
            continue
        m = _ID.match(ks.key)
        if m is None:
            continue
        groups.setdefault((m.group(1), m.group(3)), []).append((int(m.group(2)), ks))
    out: list[Recommendation] = []
    for (pre, post), members in groups.items():
        if len(members) < 16:
            continue
        buckets: dict[int, list[tuple[bytes, bytes]]] = {}
        for ident, ks in members:
            buckets.setdefault(ident // BUCKET, []).append(
                (b"%d" % (ident % BUCKET), ks.contents))
        # A bucket is a listpack while its fields are at most hash-max-listpack-entries
        # (``hashTypeSet`` converts past it; the values are at most -value, checked above).
        enc = {b: "listpack" if len(pairs) <= lim_n else "hashtable"
               for b, pairs in buckets.items()}
        m0 = sum(ks.memory for _, ks in members)
        m1 = sum(cost.key_memory(pre + b"%d" % b + post, cost.value_memory(
                     "hash", enc[b], pairs, fill, _table_presize([True] * len(pairs), lim_n)))
                 for b, pairs in buckets.items())
        s0 = sum(ks.steps for _, ks in members)
        s1 = 0.0
        for ident, ks in members:
            b = ident // BUCKET
            for name, _e, _n, elems, _p in ks.log:
                s1 += price(_AS_HASH_FIELD[name], enc[b], len(buckets[b]), elems, None, 8.0,
                            fill)
        pattern = key_pattern(pre + b"0" + post)
        out.append(Recommendation(
            "type-hash-buckets",
            f"{len(members)} small string keys {pattern}: as fields of {len(buckets)} "
            f"hash(es) of up to {BUCKET} ids ({pre.decode('latin-1')}<id/{BUCKET}>"
            f"{post.decode('latin-1')} field <id%{BUCKET}>): " + _fmt((m0, m1), (s0, s1)),
            (pattern,), m0, m1, s0, s1))
    return out
