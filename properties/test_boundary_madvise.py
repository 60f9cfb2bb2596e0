"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
type-choice advisor (``spec/advise.py``, mechanism 10 "type choice", ``redspec advise``;
issue #22, ``tools/mutation.py``), in the pattern of ``properties/test_boundary_mintro.py``:
each check puts one rule of the advisor exactly on its boundary, and each killed survivor has a
planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_madvise_agree_with_redis``. Where the advisor states a Redis fact, the
expected figure was recorded from redis-server 7.0.15 (jemalloc 5.3.0, default config but for
the limits named; MEMORY USAGE with SAMPLES 0, OBJECT ENCODING, DEBUG HTSTATS-KEY) and is
compared with what :func:`spec.advise.analyse`/:func:`spec.advise.advise` report:

- ``_HASH_LIMITS``: a hash filled one HSET at a time converts at the field past
  ``hash-max-listpack-entries`` (4, 7, 128), presized for that count (``hashTypeConvert``
  after the insert: 8, 8 and 256 buckets), MEMORY USAGE as the advisor prices it; one HSET of
  130 fields under 128 ends in 256 buckets too; a 64-byte value stays in a listpack under
  ``hash-max-listpack-value`` 64, a 65-byte one converts;
- ``_SET_LIMITS``: ``set-max-intset-entries`` 8 keeps 8 integers an intset, the 9th or a
  non-integer member converts; 513 members one at a time and 520 in one SADD under 512;
- ``_ZSET_BUCKETS``: a zset's dict is never presized: one ZADD of 300 members under 128 shows
  256 buckets rehashing into 512, 129 ZADDs one at a time 128 rehashing into 256 (the advisor
  said "presized for its elements" / "one past the limit": **fixed**, ``_created_at``);
- ``_FILL_MEMORY``: ``list-max-listpack-size`` -6 and -100 pack as -5 (``quicklistSetFill``),
  0 as 1 (one entry per node): MEMORY USAGE of RPUSH 1..20000 (the advisor priced -6 as one
  entry per node: **fixed**, ``_FILL_MIN``);
- ``_SEEN``, ``_ALT_MEMORY``, ``_BUCKETS``: what the advisor's alternatives are priced at, as
  7.0.15 stores them: a hash of fields 1..8 valued 1 (listpack) against the set 1..8 (intset
  under a limit of 8; 1..9: a hashtable of 16 buckets), a list of 40 items as a hash of 40
  index fields (listpack under a limit of 40, hashtable under 39), 64- and 65-byte values, 16
  small strings against their bucket hash of 16 fields (listpack; hashtable under a limit of
  15) and 17 under 16. Fixed on the way: the advisor priced every bucket as a listpack
  whatever its size, and a single bucket other than bucket 0 raised KeyError
  (``_strings_as_hash_buckets``); the alternatives' hash tables were priced as grown from
  empty, where 7.0.15 presizes them at the conversion (``_table_presize``: 1..9 as a set was
  584 bytes, 520 on 7.0.15; the 40-item list under 39, 2472 against 2216);
- the error replies a trace's bad commands get (``-ERR wrong number of arguments ...``).

Checked by a direct call of the spec (the advisor's own rules, no Redis figure): the elements,
list position and range window each command is priced with (``spec.cost.op_cost`` called
here with the arguments the rule says), the 16-from-an-end rule for positional list access,
the per-positional-command average, the candidates' limits (a power of two at or above the
size reached; only what must change), the verdicts at zero change, the ranking of the
recommendations and the per-command ratio list.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

import pytest

from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import advise as A
from redspec.spec import cost
from redspec.spec.server import client_connect, new_server, run_command

NAME = "boundary_madvise_agree_with_redis"
X64 = b"x" * 64
X65 = b"x" * 65


def _ok(cond: bool, what: object = "") -> None:
    assert cond, f"{NAME}: {what}"


def _hset_one_by_one(key: bytes, n: int) -> list[list[bytes]]:
    return [[b"HSET", key, b"f%d" % i, b"v%d" % i] for i in range(1, n + 1)]


def _oracle(name: str, enc: str, n: int, elems: int, pos: int | None, avg: float, fill: int,
            window: int = 1) -> float:
    """The price the advisor's docstring promises: ``CALL_OVERHEAD`` + ``op_cost`` with the
    blob of a compact value (``n`` average entries) and the quicklist node size of ``fill``
    (negative: the byte budget of ``optimization_level``, -6 and below as -5; 0 and 1: one
    entry per node)."""
    per_node = 0.0
    if enc == "quicklist":
        if fill < 0:
            budget = cost.QL_LEVELS[min(-fill, 5) - 1]
            per_node = max(1.0, budget / max(avg, 1.0))
        else:
            per_node = float(max(fill, 1))
    blob = int(n * avg) if enc in ("listpack", "intset") else 0
    return cost.CALL_OVERHEAD + cost.op_cost(name, enc, n, elems=elems, window=window,
                                             position=pos, blob_bytes=blob, fill=fill,
                                             node_entries=per_node).steps


def _avg(*args: bytes) -> float:
    return sum(cost.lp_entry_size(a) for a in args) / len(args)


# -- the conversion limits as 7.0.15 applies them ------------------------------------------------

#: (hash-max-listpack-entries, fields added one HSET at a time) -> (OBJECT ENCODING, DEBUG
#: HTSTATS-KEY table size, MEMORY USAGE ... SAMPLES 0), redis-server 7.0.15; at ``limit``
#: fields every one is still a listpack.
_HASH_LIMITS = {(4, 5): ("hashtable", 8, 368), (7, 8): ("hashtable", 8, 488),
                (128, 129): ("hashtable", 256, 7312)}
#: One ``HSET h130 f0 v0 ... f129 v129`` under 128: 256 buckets, 7352 bytes.
_HSET_AT_ONCE = (130, 256, 7352)


def check_hash_limits() -> None:
    for (limit, n), (enc, table, mem) in _HASH_LIMITS.items():
        cfg = {"hash-max-listpack-entries": limit}
        below = A.analyse(_hset_one_by_one(b"h", limit), cfg).keys[b"h"]
        _ok(below.encoding == "listpack" and below.conversions == [], (limit, "at the limit"))
        ks = A.analyse(_hset_one_by_one(b"h", n), cfg).keys[b"h"]
        (c,) = ks.conversions
        _ok((ks.encoding, c.step, c.size) == (enc, n - 1, n), (limit, c))
        _ok(c.reason == f"{n} elements > hash-max-listpack-entries {limit}", c.reason)
        _ok(ks.created_at == limit + 1 and cost.dict_slots(ks.created_at) == table,
            (limit, ks.created_at))
        _ok(ks.memory == mem, (limit, ks.memory, mem))
    n, table, mem = _HSET_AT_ONCE
    trace = [[b"HSET", b"h130", *[x for i in range(n) for x in (b"f%d" % i, b"v%d" % i)]]]
    ks = A.analyse(trace, {"hash-max-listpack-entries": 128}).keys[b"h130"]
    _ok(ks.conversions == [] and ks.encoding == "hashtable", ks.conversions)
    _ok(ks.created_at == 129 and cost.dict_slots(ks.created_at) == table, ks.created_at)
    _ok(ks.memory == mem, (ks.memory, mem))


def check_value_limit() -> None:
    """``hash-max-listpack-value`` 64: a 64-byte value stays (7.0.15: listpack), a 65-byte one
    converts; a conversion by count with a 64-byte value in the command is a count's."""
    cfg = {"hash-max-listpack-entries": 2}
    a = A.analyse([[b"HSET", b"hv", b"a", b"x"], [b"HSET", b"hv", b"b", X64]], cfg)
    _ok(a.keys[b"hv"].encoding == "listpack", "64 bytes stay")
    a = A.analyse([[b"HSET", b"hv", b"a", b"x"], [b"HSET", b"hv", b"b", b"y"],
                   [b"HSET", b"hv", b"c", X64]], cfg)
    (c,) = a.keys[b"hv"].conversions
    _ok(c.reason == "3 elements > hash-max-listpack-entries 2", c.reason)
    a = A.analyse([[b"HSET", b"hw", b"a", b"x"], [b"HSET", b"hw", b"b", X65]])
    (c,) = a.keys[b"hw"].conversions
    _ok((c.step, c.reason) == (1, "an element of 65 bytes > hash-max-listpack-value 64"), c)
    _ok(a.keys[b"hw"].created_at == 1, a.keys[b"hw"].created_at)  # the size before: n0


#: set-max-intset-entries 8: SADD 1..8 -> intset, then 9 -> hashtable; SADD 1 then a ->
#: hashtable (7.0.15). Under 512: 513 SADDs one at a time -> 1024 buckets, 24712 bytes; one
#: SADD of 0..519 -> 1024 buckets, 24936 bytes.
_SET_LIMITS = {"one_by_one": (513, 1024, 24712), "at_once": (520, 1024, 24936)}


def check_set_limits() -> None:
    cfg = {"set-max-intset-entries": 8}
    ints = [b"%d" % i for i in range(1, 9)]
    a = A.analyse([[b"SADD", b"s8", *ints]], cfg)
    _ok(a.keys[b"s8"].encoding == "intset", "8 integers under 8")
    a = A.analyse([[b"SADD", b"s8", *ints], [b"SADD", b"s8", b"9"],
                   [b"SADD", b"sa", b"1"], [b"SADD", b"sa", b"a"]], cfg)
    (c,) = a.keys[b"s8"].conversions
    _ok((c.step, c.to, c.reason) == (1, "hashtable", "9 elements > set-max-intset-entries 8"),
        c)
    (c,) = a.keys[b"sa"].conversions
    _ok((c.step, c.reason) == (3, "a member that is not an integer"), c)
    n, table, mem = _SET_LIMITS["one_by_one"]
    ks = A.analyse([[b"SADD", b"s", b"%d" % i] for i in range(1, n + 1)]).keys[b"s"]
    _ok((ks.created_at, cost.dict_slots(ks.created_at), ks.memory) == (513, table, mem),
        (ks.created_at, ks.memory))
    n, table, mem = _SET_LIMITS["at_once"]
    ks = A.analyse([[b"SADD", b"s", *[b"%d" % i for i in range(n)]]]).keys[b"s"]
    _ok((ks.created_at, cost.dict_slots(ks.created_at), ks.memory) == (513, table, mem),
        (ks.created_at, ks.memory))


#: DEBUG HTSTATS-KEY of a zset under zset-max-listpack-entries 128 (7.0.15): (members, how
#: added) -> main table + rehashing target buckets: 300 in one ZADD: 256 + 512; 129 ZADDs one
#: at a time: 128 + 256.
_ZSET_BUCKETS = {(300, "at_once"): 256 + 512, (129, "one_by_one"): 128 + 256}


def check_zset_buckets() -> None:
    for (n, how), buckets in _ZSET_BUCKETS.items():
        if how == "at_once":
            trace = [[b"ZADD", b"z", *[x for i in range(n) for x in (b"%d" % i, b"m%d" % i)]]]
        else:
            trace = [[b"ZADD", b"z", b"%d" % i, b"m%d" % i] for i in range(n)]
        ks = A.analyse(trace, {"zset-max-listpack-entries": 128}).keys[b"z"]
        _ok(ks.encoding == "skiplist" and ks.created_at == 0, (n, ks.created_at))
        _ok(cost.dict_buckets(n, ks.created_at, 2) == buckets, (n, how))


#: list-max-listpack-size -> MEMORY USAGE of RPUSH l 1 .. 20000 (7.0.15).
_FILL_MEMORY = {-5: 77992, -6: 77992, -100: 77992, 0: 1120088, 1: 1120088}


def check_fill_memory() -> None:
    trace = [[b"RPUSH", b"l", *[b"%d" % i for i in range(1, 20001)]]]
    for fill, mem in _FILL_MEMORY.items():
        a = A.analyse(trace, {"list-max-listpack-size": fill})
        _ok(a.keys[b"l"].memory == mem, (fill, a.keys[b"l"].memory, mem))
        _ok(a.config["list-max-listpack-size"] == fill, a.config)


#: The replies 7.0.15 gives a trace's bad commands: the advisor counts them as errors.
_ERRORS = {b"HSET h f": b"-ERR wrong number of arguments for 'hset' command\r\n",
           b"LINDEX": b"-ERR wrong number of arguments for 'lindex' command\r\n"}


def check_errors() -> None:
    state = new_server(0)
    state, cid = client_connect(state, 0)
    for line, reply in _ERRORS.items():
        state, frame = run_command(state, cid, line.split(), 0)
        _ok(frame == reply, frame)
    a = A.analyse([[b"HSET", b"h", b"f"], [b"LINDEX"], [b"HSET", b"h", b"f", b"v"]])
    _ok((a.errors, a.commands, list(a.keys)) == (2, 3, [b"h"]), (a.errors, list(a.keys)))


# -- what each command is priced with ------------------------------------------------------------


def check_elems() -> None:
    """Elements touched: HSET's pairs, ZADD's members (alphabetic arguments, else pairs),
    SADD's members, one otherwise; the log and the price agree."""
    cases = [
        ([[b"HSET", b"h", b"a", b"x", b"b", b"y", b"c", b"z"]], b"h", 3),
        ([[b"HSET", b"h", b"a", b"x"]], b"h", 1),
        ([[b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c"]], b"z", 3),
        ([[b"ZADD", b"z", b"1", b"a"]], b"z", 1),
        ([[b"ZADD", b"z", b"1", b"a", b"2", b"2"]], b"z", 1),
        ([[b"ZADD", b"z", b"1", b"a1", b"2", b"2"]], b"z", 1),
        ([[b"SADD", b"s", b"a", b"b", b"c"]], b"s", 3),
        ([[b"SADD", b"s", b"a"]], b"s", 1),
    ]
    for trace, key, elems in cases:
        ks = A.analyse(trace).keys[key]
        (entry,) = ks.log
        _ok(entry[3] == elems, (trace, entry))
    # HGET on a listpack of 3: one element, k * (n/2 + 1)
    trace = [[b"HSET", b"h", b"a", b"x", b"b", b"y", b"c", b"z"], [b"HGET", b"h", b"a"]]
    ks = A.analyse(trace).keys[b"h"]
    avg = _avg(b"a", b"x", b"b", b"y", b"c", b"z")
    _ok(ks.log[1] == ("hget", "listpack", 3, 1, None), ks.log)
    _ok(ks.cmd_steps["hget"] == _oracle("hget", "listpack", 3, 1, None, avg, -2), ks.cmd_steps)
    # HSET of three pairs on a listpack of 3: three writes, with the blob's memmove
    trace.append([b"HSET", b"h", b"d", b"w", b"e", b"v", b"f", b"u"])
    ks = A.analyse(trace).keys[b"h"]
    avg = _avg(b"a", b"x", b"b", b"y", b"c", b"z", b"d", b"w", b"e", b"v", b"f", b"u")
    want = _oracle("hset", "listpack", 0, 3, None, avg, -2) + \
        _oracle("hset", "listpack", 3, 3, None, avg, -2)
    _ok(ks.cmd_steps["hset"] == want, (ks.cmd_steps, want))


def check_avg_entry() -> None:
    """The blob of a listpack write is n times the average entry written so far."""
    trace = [[b"HSET", b"h", b"ab", b"cd"], [b"HSET", b"h", b"e", b"1"],
             [b"HSET", b"h", b"fgh", b"ijk"]]
    ks = A.analyse(trace).keys[b"h"]
    want = (_oracle("hset", "listpack", 0, 1, None, _avg(b"ab", b"cd"), -2)
            + _oracle("hset", "listpack", 1, 1, None, _avg(b"ab", b"cd", b"e", b"1"), -2)
            + _oracle("hset", "listpack", 2, 1, None,
                      _avg(b"ab", b"cd", b"e", b"1", b"fgh", b"ijk"), -2))
    _ok(ks.steps == want and want != 3 * _oracle("hset", "listpack", 0, 1, None, 8.0, -2),
        (ks.steps, want))


_LIST100 = [[b"RPUSH", b"l", *[b"%d" % i for i in range(100)]]]
_AVG100 = _avg(*[b"%d" % i for i in range(100)])


def check_position_and_window() -> None:
    """LINDEX 0 is position 0 (not n); LRANGE's window clipped as ``listTypeRange``:
    ``0 2`` three, ``0 0`` one, ``0 200`` all 100, ``-3 -1`` three; a range command
    without a parsed window (ZRANGEBYSCORE) one."""
    for cmd, pos in ((b"LINDEX", 0), (b"LINDEX", 50)):
        ks = A.analyse(_LIST100 + [[cmd, b"l", b"%d" % pos]]).keys[b"l"]
        _ok(ks.log[1] == ("lindex", "quicklist", 100, 1, pos), ks.log)
        _ok(ks.cmd_steps["lindex"] == _oracle("lindex", "quicklist", 100, 1, pos, _AVG100, -2),
            ks.cmd_steps)
    for a, b, window in ((b"0", b"2", 3), (b"0", b"0", 1), (b"0", b"200", 100),
                         (b"-3", b"-1", 3), (b"5", b"3", 0)):
        ks = A.analyse(_LIST100 + [[b"LRANGE", b"l", a, b]]).keys[b"l"]
        pos = int(a) + 100 if int(a) < 0 else int(a)
        want = _oracle("lrange", "quicklist", 100, 1, pos, _AVG100, -2, window)
        _ok(ks.cmd_steps["lrange"] == want, (a, b, window, ks.cmd_steps))
    z = [[b"ZADD", b"z", *[x for i in range(10) for x in (b"%d" % i, b"m%d" % i)]]]
    for cmd, args, window in ((b"ZRANGE", [b"0", b"3"], 4), (b"ZRANGEBYSCORE", [b"-inf", b"+inf"], 1)):
        ks = A.analyse(z + [[cmd, b"z", *args]]).keys[b"z"]
        avg = _avg(*z[0][2:])
        name = cmd.decode().lower()
        _ok(ks.cmd_steps[name] == _oracle(name, "listpack", 10, 1, None, avg, -2, window),
            (cmd, ks.cmd_steps))


def check_fill_price() -> None:
    """LINDEX at 700 and LPOS (a walk: one step per entry and per node) over 2000 entries of
    100 bytes, priced with the node size of each fill; ``price`` itself takes a fill below -5
    as -5 (what ``spec.patterns`` passes it)."""
    trace = [[b"RPUSH", b"l", *[b"%0100d" % i for i in range(j, j + 100)]]
             for j in range(0, 2000, 100)]
    trace += [[b"LINDEX", b"l", b"700"], [b"LPOS", b"l", b"x"]]
    avg = _avg(*[b"%0100d" % i for i in range(2000)])
    steps = {}
    for fill in (-1, -2, -5, -6, 0, 1, 2, 128):
        ks = A.analyse(trace, {"list-max-listpack-size": fill}).keys[b"l"]
        want = _oracle("lindex", "quicklist", 2000, 1, 700, avg, fill)
        _ok(ks.cmd_steps["lindex"] == want, (fill, ks.cmd_steps, want))
        walk = _oracle("lpos", "quicklist", 2000, 1, None, avg, fill)
        _ok(ks.cmd_steps["lpos"] == walk, (fill, ks.cmd_steps, walk))
        _ok(A.price("lindex", "quicklist", 2000, 1, 700, avg, fill) == want, fill)
        steps[fill] = want
    _ok(steps[-6] == steps[-5] and steps[0] == steps[1] != steps[2] and steps[-1] != steps[-2],
        steps)
    _ok(A.price("lindex", "quicklist", 2000, 1, 700, avg, -100) == steps[-5], "-100 as -5")


# -- positional access ---------------------------------------------------------------------------

_LIST1000 = [[b"RPUSH", b"l", *[b"item%d" % i for i in range(j, j + 100)]]
             for j in range(0, 1000, 100)]


def check_middle_ops() -> None:
    """LINDEX/LSET more than 16 from both ends is positional (17 and -18 are, 16 and -17 not);
    LINSERT/LREM/LPOS always; pushes and pops never. 100 such LINDEX make the list a
    "type-hash" candidate, counted in its text."""
    for idx, middle in ((b"16", 0), (b"17", 100), (b"-17", 0), (b"-18", 100)):
        base, recs = A.advise(_LIST1000 + [[b"LINDEX", b"l", idx]] * 100)
        _ok(base.keys[b"l"].middle_ops == middle, (idx, base.keys[b"l"].middle_ops))
        th = [r for r in recs if r.kind == "type-hash"]
        if middle:
            (r,) = th
            _ok("(100 LINDEX/LSET/LINSERT/LREM away from the ends;" in r.text, r.text)
        else:
            _ok(th == [], (idx, th))
    base = A.analyse([[b"RPUSH", b"q", b"a", b"b", b"c"], [b"RPUSH", b"q", b"d"],
                      [b"LPOP", b"q"], [b"LINSERT", b"q", b"BEFORE", b"c", b"x"]])
    _ok(base.keys[b"q"].middle_ops == 1, base.keys[b"q"].middle_ops)


def check_positional_average() -> None:
    """The "steps per positional command" of a type-hash recommendation: the LINDEX steps over
    the number of positional commands (not pushes)."""
    for n_idx in (1, 3):
        trace = _LIST1000 + [[b"LINDEX", b"l", b"%d" % (300 + 100 * i)] for i in range(n_idx)]
        trace += [[b"LINDEX", b"l", b"500"]] * 100  # positional too: enough to be worth it
        base, recs = A.advise(trace)
        ks = base.keys[b"l"]
        _ok(ks.positional_steps == ks.cmd_steps["lindex"], ks.positional_steps)
        (r,) = [r for r in recs if r.kind == "type-hash"]
        per0 = ks.cmd_steps["lindex"] / (n_idx + 100)
        _ok(f"; {per0:,.0f} steps per positional command" in r.text, (r.text, per0))
    # one positional command on a short list: the average is its own price
    base, recs = A.advise([[b"RPUSH", b"q", b"a", b"b", b"c"], [b"LPOS", b"q", b"b"]])
    (r,) = [r for r in recs if r.kind == "type-hash"]
    per0 = base.keys[b"q"].cmd_steps["lpos"]
    _ok(f"; {per0:,.0f} steps per positional command" in r.text, (r.text, per0))


#: 7.0.15, MEMORY USAGE SAMPLES 0 of the hashes a list becomes (fields 0..n-1 written in
#: order): 40 items under hash-max-listpack-entries 40 (listpack) 496, under 39 (hashtable,
#: 64 buckets: converted at the 40th, presized for 40) 2216; three 64-byte values (listpack)
#: 272; three 65-byte values (a table from the first) 472; "a" then two 65-byte values
#: (converted at the second, presized for 1: 4 buckets) 400; nine 64-byte values under 8
#: (16 buckets) 1240.
_ALT_MEMORY = {"arr40": 496, "arr40_lim39": 2216, "big3x64": 272, "big3x65": 472,
               "big_a_2x65": 400, "big9x64_lim8": 1240}


def check_list_as_hash() -> None:
    """A list read by position priced as a hash keyed by index: a listpack while it has at
    most hash-max-listpack-entries elements of at most -value bytes (7.0.15's MEMORY USAGE of
    that hash), the commands priced as the hash's (LTRIM as itself, window 1)."""
    items = [b"item%d" % i for i in range(40)]
    for lim, mem in ((40, _ALT_MEMORY["arr40"]), (39, _ALT_MEMORY["arr40_lim39"])):
        trace = [[b"RPUSH", b"arr", *items]] + [[b"LPOS", b"arr", b"item5"]] * 100
        trace.append([b"LTRIM", b"arr", b"0", b"-1"])
        base, recs = A.advise(trace, {"hash-max-listpack-entries": lim})
        (r,) = [r for r in recs if r.kind == "type-hash"]
        enc = "listpack" if lim == 40 else "hashtable"
        _ok(r.memory_after == mem, (lim, r.memory_after, mem))
        want = sum(_oracle(A._AS_HASH.get(e[0], e[0]), enc, e[2], e[3], e[4], 10.0, -2)
                   for e in base.keys[b"arr"].log)
        _ok(r.steps_after == want, (lim, r.steps_after, want))
    for elems, lim, mem in (([X64] * 3, 128, "big3x64"), ([X65] * 3, 128, "big3x65"),
                            ([b"a", X65, X65], 128, "big_a_2x65"), ([X64] * 9, 8, "big9x64_lim8")):
        trace = [[b"RPUSH", b"big", *elems]] + [[b"LPOS", b"big", b"a"]] * 30
        _, recs = A.advise(trace, {"hash-max-listpack-entries": lim})
        (r,) = [r for r in recs if r.kind == "type-hash"]
        _ok(r.memory_after == _ALT_MEMORY[mem], (mem, r.memory_after))


# -- other types ---------------------------------------------------------------------------------

#: 7.0.15, MEMORY USAGE SAMPLES 0: HSET seen 1 1 ... 8 1 (listpack) 96; SADD seen 1..8 under
#: set-max-intset-entries 8 (intset) 80; SADD seen 1..9 under 8 (hashtable, 16 buckets) 520.
_SEEN = (96, 80)
_SEEN9 = 520


def check_hash_as_set() -> None:
    """A hash whose value is one constant and whose commands are any of the eight set-like
    ones (all of them here) is a set: an intset while its fields are integers and at most
    set-max-intset-entries."""
    fields = [b"%d" % i for i in range(1, 9)]
    trace = [[b"HSET", b"seen", f, b"1"] for f in fields]
    trace += [[b"HSETNX", b"seen", b"1", b"1"], [b"HMSET", b"seen", b"2", b"1"],
              [b"HEXISTS", b"seen", b"3"], [b"HDEL", b"seen", b"9"], [b"HKEYS", b"seen"],
              [b"HLEN", b"seen"], [b"HSCAN", b"seen", b"0"]]
    base, recs = A.advise(trace, {"set-max-intset-entries": 8})
    _ok(set(base.keys[b"seen"].ops) == A._SET_LIKE_OPS, base.keys[b"seen"].ops)
    (r,) = [r for r in recs if r.kind == "type-set"]
    _ok((r.memory_before, r.memory_after) == _SEEN, (r.memory_before, r.memory_after))
    trace = [[b"HSET", b"seen", b"%d" % i, b"1"] for i in range(1, 10)]
    _, recs = A.advise(trace + [[b"HEXISTS", b"seen", b"3"]] * 5, {"set-max-intset-entries": 8})
    (r,) = [r for r in recs if r.kind == "type-set"]
    _ok(r.memory_after == _SEEN9, r.memory_after)


#: 7.0.15, MEMORY USAGE SAMPLES 0: SET user:100:name name-100 -> 72; HSET user:1:name 0
#: name-100 ... 15 name-115 -> 280 (listpack), 1008 under hash-max-listpack-entries 15
#: (hashtable, 16 buckets); SET v:100 <64 bytes> -> 128; 17 fields (ids 100..116) under 16:
#: 1184 (hashtable, 32 buckets).
_BUCKETS = {"string": 72, "listpack": 280, "hashtable": 1008, "string64": 128, "ht17": 1184}


def _users(n: int, first: int = 100) -> list[list[bytes]]:
    return [[b"SET", b"user:%d:name" % i, b"name-%d" % i] for i in range(first, first + n)]


def check_string_buckets() -> None:
    """16 small strings named by an id become fields of one bucket hash (ids 100..115: bucket
    1); 15 are too few; values of 64 bytes qualify, 65 not; all eleven string commands that
    have a hash-field equivalent qualify; a bucket of more than hash-max-listpack-entries
    fields is a hashtable."""
    for lim, enc in ((16, "listpack"), (15, "hashtable"), (128, "listpack")):
        _, recs = A.advise(_users(16), {"hash-max-listpack-entries": lim})
        (r,) = [r for r in recs if r.kind == "type-hash-buckets"]
        _ok(r.keys == ("user:*:name",) and "1 hash(es)" in r.text, r.text)
        _ok((r.memory_before, r.memory_after) == (16 * _BUCKETS["string"], _BUCKETS[enc]),
            (lim, r.memory_before, r.memory_after))
        want = sum(_oracle("hset", enc, 16, 1, None, 8.0, -2) for _ in range(16))
        _ok(r.steps_after == want, (lim, r.steps_after, want))
    _, recs = A.advise(_users(15))
    _ok([r for r in recs if r.kind == "type-hash-buckets"] == [], "15 keys")
    _, recs = A.advise(_users(17), {"hash-max-listpack-entries": 16})
    (r,) = [r for r in recs if r.kind == "type-hash-buckets"]
    _ok(r.memory_after == _BUCKETS["ht17"], r.memory_after)
    # two buckets: 0..99 and 100..119 (priced at 100 and 20 fields)
    _, recs = A.advise(_users(120, 0), {"hash-max-listpack-entries": 100})
    (r,) = [r for r in recs if r.kind == "type-hash-buckets"]
    want = 100 * _oracle("hset", "listpack", 100, 1, None, 8.0, -2) + \
        20 * _oracle("hset", "listpack", 20, 1, None, 8.0, -2)
    _ok(r.steps_after == want and "2 hash(es)" in r.text, (r.steps_after, want))
    for v, n_recs in ((X64, 1), (X65, 0)):
        _, recs = A.advise([[b"SET", b"v:%d" % i, v] for i in range(100, 116)])
        got = [r for r in recs if r.kind == "type-hash-buckets"]
        _ok(len(got) == n_recs, (len(v), got))
        if got:
            _ok(got[0].memory_before == 16 * _BUCKETS["string64"], got[0].memory_before)
    trace: list[list[bytes]] = []
    for i in range(100, 116):
        k = b"c:%d" % i
        trace += [[b"SET", k, b"5"], [b"SETNX", k, b"6"], [b"INCR", k], [b"INCRBY", k, b"2"],
                  [b"DECR", k], [b"DECRBY", k, b"1"], [b"INCRBYFLOAT", k, b"0.5"],
                  [b"STRLEN", k], [b"GET", k], [b"MGET", k], [b"MSET", k, b"7"]]
    base, recs = A.advise(trace)
    _ok(set(base.keys[b"c:100"].ops) == set(A._AS_HASH_FIELD), base.keys[b"c:100"].ops)
    _ok(len([r for r in recs if r.kind == "type-hash-buckets"]) == 1, "all eleven commands")


def check_has_ttl() -> None:
    a = A.analyse([[b"SET", b"k", b"v", b"EX", b"100"], [b"DEL", b"k"], [b"SET", b"j", b"v"],
                   [b"SET", b"t", b"v", b"EX", b"100"]])
    _ok([a.keys[k].has_ttl for k in (b"k", b"j", b"t")] == [False, False, True],
        {k: v.has_ttl for k, v in a.keys.items()})


# -- candidates, verdicts, ranking ---------------------------------------------------------------


def _configs(recs: list[A.Recommendation], kind: str) -> list[dict[str, int]]:
    return [r.config for r in recs if r.kind == kind]


def check_candidates() -> None:
    """The limit raised to the power of two at or above the size a converted group reached (128
    entries: 128, which 7.0.15 keeps a listpack; 129: 256); only the limits that must change;
    sets converted by a non-integer member leave the integer sets' candidate alone; a
    listpack of 32 (not 31) gets a "lower" candidate of 8."""
    for n, limit in ((128, 128), (129, 256)):
        # (a key made whole by its first command has no conversion to raise a limit for)
        _, recs = A.advise([[b"HSET", b"p", b"f", b"v"],
                            [b"HSET", b"p", *[x for i in range(1, n) for x in (b"f%d" % i, b"v")]]],
                           {"hash-max-listpack-entries": 64})
        _ok(_configs(recs, "config-raise") == [{"hash-max-listpack-entries": limit}], recs)
    cfg = {"hash-max-listpack-entries": 2}
    _, recs = A.advise([[b"HSET", b"hv", b"a", b"x"], [b"HSET", b"hv", b"b", X65]], cfg)
    _ok(_configs(recs, "config-raise") == [{"hash-max-listpack-value": 65}], recs)
    _, recs = A.advise([[b"HSET", b"hv", b"a", b"x"], [b"HSET", b"hv", b"b", X64],
                        [b"HSET", b"hv", b"c", b"y"]], cfg)
    _ok(_configs(recs, "config-raise") == [{"hash-max-listpack-entries": 4}], recs)
    trace = [[b"SADD", b"s1", b"0"], [b"SADD", b"s1", *[b"%d" % i for i in range(1, 600)]],
             [b"SADD", b"s2", b"1"], [b"SADD", b"s2", b"a"],
             [b"SADD", b"s2", *[b"%d" % i for i in range(1100)]]]
    _, recs = A.advise(trace)
    _ok(_configs(recs, "config-raise") == [{"set-max-intset-entries": 1024}], recs)
    for n, lowered in ((32, [{"zset-max-listpack-entries": 8}]), (31, [])):
        trace = [[b"ZADD", b"z", *[x for i in range(n) for x in (b"%d" % i, b"m%d" % i)]]]
        trace += [[b"ZSCORE", b"z", b"m%d" % i] for i in range(n)]
        _, recs = A.advise(trace)
        _ok(_configs(recs, "config-lower") == lowered, (n, recs))


def check_raise_text() -> None:
    """Two hash groups converted (200 and 300 fields under 128): raising to 256 moves one of
    the two; the per-command ratios list only the commands whose price changed."""
    trace = [[b"HSET", k, b"f", b"v"] for k in (b"a:1", b"b:1")]
    trace += [[b"HSET", b"a:1", *[x for i in range(1, 200) for x in (b"f%d" % i, b"v")]],
              [b"HSET", b"b:1", *[x for i in range(1, 300) for x in (b"f%d" % i, b"v")]]]
    trace += [[b"HGET", b"a:1", b"f%d" % i] for i in range(50)] + [[b"HLEN", b"a:1"]]
    cfg = {"hash-max-listpack-entries": 128}
    base, recs = A.advise(trace, cfg)
    (r,) = [r for r in recs if r.config == {"hash-max-listpack-entries": 256}]
    _ok(r.keys == ("a:*",), r.keys)
    _ok(r.text.startswith("raise hash-max-listpack-entries 128 -> 256: 1 of 2 hash key(s) end "
                          "listpack instead; over all hash keys: "), r.text)
    alt = A.analyse(trace, {"hash-max-listpack-entries": 256})
    b_hget = base.keys[b"a:1"].cmd_steps["hget"]
    a_hget = alt.keys[b"a:1"].cmd_steps["hget"]
    b_hset = base.keys[b"a:1"].cmd_steps["hset"] + base.keys[b"b:1"].cmd_steps["hset"]
    a_hset = alt.keys[b"a:1"].cmd_steps["hset"] + alt.keys[b"b:1"].cmd_steps["hset"]
    parts = sorted([("HSET", b_hset, a_hset), ("HGET", b_hget, a_hget)], key=lambda x: -x[1])
    _ok(abs(a_hset / b_hset - 1) < 0.005 <= abs(a_hget / b_hget - 1), parts)  # HSET left out
    want = "; per command: " + ", ".join(f"{n} x{a / b:.2f}" for n, b, a in parts
                                         if abs(a / b - 1) >= 0.005)
    _ok(r.text.endswith(want) and "HLEN" not in r.text, (r.text, want))


def check_list_fill_candidates() -> None:
    """A list read by position gets the candidates -1 (4 KiB nodes) and 128 entries per node,
    each priced by a replay; the text names the list keys."""
    base, recs = A.advise(_LIST1000 + [[b"LINDEX", b"l", b"500"]] * 100)
    sets = [r for r in recs if r.kind == "config-set"]
    _ok(sorted(r.config["list-max-listpack-size"] for r in sets) == [-1, 128], sets)
    for r in sets:
        v = r.config["list-max-listpack-size"]
        _ok(r.text.startswith(f"set list-max-listpack-size -2 -> {v} (quicklist nodes of that "
                              f"size) for 1 list key(s): "), r.text)


def check_verdicts() -> None:
    """No worse on either count is a win (zero change included); a trade-off saves what it
    lowers; a rise with no saving is worse."""
    table = {(0, 0): "win", (0, -1): "win", (-1, 0): "win", (-1, 1): "saves memory",
             (1, -1): "saves work", (0, 1): "worse", (1, 0): "worse"}
    for (dm, ds), verdict in table.items():
        r = A.Recommendation("k", "t", (), 100, 100 + dm, 100.0, 100.0 + ds)
        _ok(r.verdict == verdict, (dm, ds, r.verdict))


def check_ranking() -> None:
    """Wins first, then the trade-offs that save memory, then those that save work; within a
    verdict by memory change, then steps ratio; "worse" dropped."""
    def rec(name: str, dm: int, ds: float) -> A.Recommendation:
        return A.Recommendation(name, name, (), 1000, 1000 + dm, 100.0, 100.0 + ds)
    made = [rec("mem", -500, 10), rec("work", 5, -50), rec("worse", 1, 1), rec("win2", -10, -1),
            rec("win1", -10, -5), rec("win0", -20, 0)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(A, "_strings_as_hash_buckets", lambda base: made[:2])
        mp.setattr(A, "_hash_as_set", lambda base: made[2:4])
        mp.setattr(A, "_list_as_array", lambda base: made[4:])
        _, recs = A.advise([])
    _ok([r.kind for r in recs] == ["win0", "win1", "win2", "mem", "work"],
        [r.kind for r in recs])


_CHECKS = [check_hash_limits, check_value_limit, check_set_limits, check_zset_buckets,
           check_fill_memory, check_errors, check_elems, check_avg_entry,
           check_position_and_window, check_fill_price, check_middle_ops,
           check_positional_average, check_list_as_hash, check_hash_as_set,
           check_string_buckets, check_has_ttl, check_candidates, check_raise_text,
           check_list_fill_candidates, check_verdicts, check_ranking]


@pytest.mark.parametrize("check", _CHECKS, ids=[c.__name__ for c in _CHECKS])
def test_boundary_madvise(check: Any) -> None:
    check()


# -- planted bugs: each is a surviving mutant ----------------------------------------------------


def _trips(check: Any) -> None:
    with pytest.raises((AssertionError, KeyError, IndexError, ValueError, TypeError)) as e:
        check()
    if isinstance(e.value, AssertionError):
        assert NAME in str(e.value), e.value


def _plant_class(mp: pytest.MonkeyPatch, name: str, old: str, new: str) -> None:
    """Recompile the class ``A.<name>`` (decorators kept) with ``old`` replaced by ``new``."""
    src = textwrap.dedent(inspect.getsource(getattr(A, name)))
    assert src.count(old) == 1, (name, old)
    ns: dict[str, Any] = {}
    exec(compile(src.replace(old, new), A.__file__, "exec"), A.__dict__, ns)  # noqa: S102
    mp.setattr(A, name, ns[name])


_PLANTS: list[tuple[str, str, str, Any]] = [
    ("_reason", "string2ll(a) is None", "string2ll(a) is not None", check_set_limits),
    ("_reason", "longest > cfg[vparam]", "longest >= cfg[vparam]", check_value_limit),
    ("_created_at", 'if typ == "zset":', 'if typ != "zset":', check_zset_buckets),
    ("_created_at", "why[:1]", "why[:0]", check_hash_limits),
    ("_created_at", "why[:1]", "why[:2]", check_hash_limits),
    ("_created_at", "int(cfg[LIMITS[typ][0]]) + 1", "int(cfg[LIMITS[typ][0]])", check_hash_limits),
    ("_created_at", "int(cfg[LIMITS[typ][0]]) + 1", "int(cfg[LIMITS[typ][0]]) + 2",
     check_hash_limits),
    ("_position", "if i < 0 else i", "if i <= 0 else i", check_position_and_window),
    ("_elems", 'if name in ("hset", "hmset"):', 'if name not in ("hset", "hmset"):',
     check_elems),
    ("_elems", "return max(rest // 2, 1)", "return max(rest // 2, 2)", check_elems),
    ("_elems", 'if name == "zadd":', 'if name != "zadd":', check_elems),
    ("_elems", "sum(1 for a", "sum(0 for a", check_elems),
    ("_elems", "sum(1 for a", "sum(2 for a", check_elems),
    ("_elems", "if string2ll(a) is None and", "if string2ll(a) is not None and", check_elems),
    ("_elems", "a[:1].isalpha()", "a[:0].isalpha()", check_elems),
    ("_elems", "a[:1].isalpha()", "a[:2].isalpha()", check_elems),
    ("_elems", "or\n                   rest // 2, 1)", "or\n                   rest // 2, 2)",
     check_elems),
    ("_elems", 'if name in ("sadd",', 'if name not in ("sadd",', check_elems),
    ("_elems", "return max(rest, 1)", "return max(rest, 2)", check_elems),
    ("_elems", "    return 1\n", "    return 2\n", check_elems),
    ("_window", 'if name in ("lrange", "zrange", "zrevrange")',
     'if name not in ("lrange", "zrange", "zrevrange")', check_position_and_window),
    ("_window", "if a is not None and", "if a is None and", check_position_and_window),
    ("_window", "and b is not None:", "and b is None:", check_position_and_window),
    ("_window", "if a < 0 else a", "if a <= 0 else a", check_position_and_window),
    ("_window", "if b < 0 else b", "if b <= 0 else b", check_position_and_window),
    ("_window", "min(b, n - 1) - max(a, 0) + 1)", "min(b, n - 1) - max(a, 0))",
     check_position_and_window),
    ("_window", "min(b, n - 1)", "min(b, n)", check_position_and_window),
    ("_window", "min(b, n - 1)", "min(b, n - 2)", check_position_and_window),
    ("_window", "max(a, 0) + 1)", "max(a, 0) + 2)", check_position_and_window),
    ("_window", "    return 1\n", "    return 0\n", check_position_and_window),
    ("_window", "    return 1\n", "    return 2\n", check_position_and_window),
    ("price", "window: int = 1", "window: int = 0", check_list_as_hash),
    ("price", "window: int = 1", "window: int = 2", check_list_as_hash),
    ("price", "if fill < 0:", "if fill <= 0:", check_fill_price),
    ("price", "[-max(fill, _FILL_MIN) - 1]", "[-max(fill, _FILL_MIN)]", check_fill_price),
    ("price", "[-max(fill, _FILL_MIN) - 1]", "[-max(fill, _FILL_MIN) - 2]", check_fill_price),
    ("price", "[-max(fill, _FILL_MIN) - 1]", "[-fill - 1]", check_fill_price),
    ("price", "float(max(fill, 1))", "float(max(fill, 0))", check_fill_price),
    ("price", "float(max(fill, 1))", "float(max(fill, 2))", check_fill_price),
    ("price", "if encoding in _COMPACT else 0", "if encoding not in _COMPACT else 0",
     check_avg_entry),
    ("analyse", 'if frame[:1] == b"-":', 'if frame[:0] == b"-":', check_errors),
    ("analyse", 'if frame[:1] == b"-":', 'if frame[:2] == b"-":', check_errors),
    ("analyse", "errors += 1", "errors += 0", check_errors),
    ("analyse", "errors += 1", "errors += 2", check_errors),
    ("analyse", "cnt += 1", "cnt += 0", check_avg_entry),
    ("analyse", "cnt += 1", "cnt += 2", check_avg_entry),
    ("analyse", "min(pos, n0 - 1 - pos) > 16", "min(pos, n0 - 1 - pos) >= 16", check_middle_ops),
    ("analyse", "min(pos, n0 - 1 - pos) > 16", "min(pos, n0 - pos) > 16", check_middle_ops),
    ("analyse", "min(pos, n0 - 1 - pos) > 16", "min(pos, n0 - 2 - pos) > 16", check_middle_ops),
    ("analyse", "> 16:\n                ks.middle_ops += 1", "> 16:\n                ks.middle_ops += 2",
     check_middle_ops),
    ("analyse", 'if name in ("linsert", "lrem", "lpos"):',
     'if name not in ("linsert", "lrem", "lpos"):', check_middle_ops),
    ("analyse", '"lpos"):\n                ks.middle_ops += 1',
     '"lpos"):\n                ks.middle_ops += 0', check_middle_ops),
    ("analyse", '"lpos"):\n                ks.middle_ops += 1',
     '"lpos"):\n                ks.middle_ops += 2', check_middle_ops),
    ("analyse", 'if typ == "list" and name in _POSITIONAL:',
     'if typ != "list" and name in _POSITIONAL:', check_positional_average),
    ("analyse", 'if typ == "list" and name in _POSITIONAL:',
     'if typ == "list" and name not in _POSITIONAL:', check_positional_average),
    ("analyse", "elif v0 is None and", "elif v0 is not None and", check_hash_limits),
    ("analyse", 'enc1 in ("hashtable", "skiplist")', 'enc1 not in ("hashtable", "skiplist")',
     check_hash_limits),
    ("_pow2_at_least", "max(n - 1, 0)", "max(n, 0)", check_candidates),
    ("_pow2_at_least", "max(n - 1, 0)", "max(n - 2, 0)", check_candidates),
    ("_per_command", "if a is not None:", "if a is None:", check_raise_text),
    ("_per_command", "/ b - 1) >= 0.005", "/ b) >= 0.005", check_raise_text),
    ("_per_command", "/ b - 1) >= 0.005", "/ b - 2) >= 0.005", check_raise_text),
    ("_config_candidates", 'not (typ == "set" and', 'not (typ != "set" and', check_candidates),
    ("_config_candidates", "if need_n > base.config[ep]:", "if need_n >= base.config[ep]:",
     check_candidates),
    ("_config_candidates", "if vp is not None:", "if vp is None:", check_candidates),
    ("_config_candidates", "if need_v > base.config[vp]:", "if need_v >= base.config[vp]:",
     check_candidates),
    ("_config_candidates", "k.max_n >= 32", "k.max_n > 32", check_candidates),
    ("_config_candidates", "for fill in (-1, 128):", "for fill in (-0, 128):",
     check_list_fill_candidates),
    ("_config_candidates", "for fill in (-1, 128):", "for fill in (-2, 128):",
     check_list_fill_candidates),
    ("advise", "if k.key in alt.keys and alt", "if k.key not in alt.keys and alt",
     check_raise_text),
    ("advise", "alt.keys[k.key].encoding != k.encoding", "alt.keys[k.key].encoding == k.encoding",
     check_raise_text),
    ("advise", 'if typ == "list":', 'if typ != "list":', check_list_fill_candidates),
    ("advise", '"saves memory": 1,', '"saves memory": 0,', check_ranking),
    ("_hash_as_set", "set(k.ops) <= _SET_LIKE_OPS", "set(k.ops) < _SET_LIKE_OPS",
     check_hash_as_set),
    ("_hash_as_set", "all(string2ll(f) is not None", "all(string2ll(f) is None", check_hash_as_set),
    ("_hash_as_set", "len(fields) <= limit", "len(fields) < limit", check_hash_as_set),
    ("_list_as_array", "len(pairs) <= lim_n", "len(pairs) < lim_n", check_list_as_hash),
    ("_list_as_array", "all(len(x) <= lim_v", "all(len(x) < lim_v", check_list_as_hash),
    ("_list_as_array", "npos = sum(1 for", "npos = sum(0 for", check_positional_average),
    ("_list_as_array", "npos = sum(1 for", "npos = sum(2 for", check_positional_average),
    ("_list_as_array", "if e[0] in _POSITIONAL)", "if e[0] not in _POSITIONAL)",
     check_positional_average),
    ("_list_as_array", "max(npos, 1)", "max(npos, 2)", check_positional_average),
    ("_strings_as_hash_buckets", "len(ks.contents) > lim_v", "len(ks.contents) >= lim_v",
     check_string_buckets),
    ("_strings_as_hash_buckets", "set(ks.ops) <= set(_AS_HASH_FIELD)",
     "set(ks.ops) < set(_AS_HASH_FIELD)", check_string_buckets),
    ("_strings_as_hash_buckets", "len(members) < 16", "len(members) <= 16", check_string_buckets),
    ("_strings_as_hash_buckets", "len(pairs) <= lim_n", "len(pairs) < lim_n",
     check_string_buckets),
    ("_strings_as_hash_buckets", "[True] * len(pairs)", "[False] * len(pairs)",
     check_string_buckets),
    ("_table_presize", "if i >= limit:", "if i > limit:", check_hash_as_set),
    ("_table_presize", "return limit + 1", "return limit", check_hash_as_set),
    ("_table_presize", "return limit + 1", "return limit + 2", check_string_buckets),
    ("_hash_as_set", "_table_presize([string2ll(f) is not None",
     "_table_presize([string2ll(f) is None", check_hash_as_set),
    ("_list_as_array", "_table_presize([len(x) <= lim_v", "_table_presize([len(x) < lim_v",
     check_list_as_hash),
]


@pytest.mark.parametrize("func,old,new,check", _PLANTS,
                         ids=[f"{p[0]}:{p[2]}"[:70] for p in _PLANTS])
def test_planted_madvise(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                         check: Any) -> None:
    plant_everywhere(monkeypatch, A, func, old, new)
    _trips(check)


_CLASS_PLANTS = [
    ("KeyStats", "has_ttl: bool = False", "has_ttl: bool = True", check_has_ttl),
    ("Recommendation", "if dm <= 0 and ds <= 0:", "if dm < 0 and ds <= 0:", check_verdicts),
    ("Recommendation", "if dm <= 0 and ds <= 0:", "if dm <= 0 and ds < 0:", check_verdicts),
    ("Recommendation", "if dm < 0:", "if dm <= 0:", check_verdicts),
    ("Recommendation", "if ds < 0:", "if ds <= 0:", check_verdicts),
]


@pytest.mark.parametrize("cls,old,new,check", _CLASS_PLANTS,
                         ids=[f"{p[0]}:{p[2]}" for p in _CLASS_PLANTS])
def test_planted_madvise_class(monkeypatch: pytest.MonkeyPatch, cls: str, old: str, new: str,
                               check: Any) -> None:
    _plant_class(monkeypatch, cls, old, new)
    _trips(check)
