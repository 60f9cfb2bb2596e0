"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of
``spec/commands/strings.py`` and ``spec/types/string.py`` (issue #22, ``tools/mutation.py``),
in the pattern of ``properties/test_boundary_gaps.py``: each check puts a Redis rule exactly
on its boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_gapstr_agree_with_redis``. Observed on redis-server 7.0.15:

- an expiry option with no value after it is a syntax error (``SET k v EX``, ``GETEX k PX``);
- every write of the string commands adds 1 to ``rdb_changes_since_last_save`` (SET with and
  without options, SETNX, SETEX, PSETEX, GETEX EX / PERSIST / PXAT in the past, GETDEL,
  GETSET, APPEND, SETRANGE, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT), MSET and MSETNX one per
  pair (2 for two pairs, 3 for three);
- the keyspace events name the key; ``new`` (class ``n``) is raised for SET, INCR, DECR and
  INCRBYFLOAT of a missing key only, before the command's own event;
- GETRANGE of "abc": ``0 0`` is "a", ``-1 -1`` "c", ``-2 -2`` "b"; BITPOS of "\\xff\\xff\\xff"
  for a clear bit with an end at or past the string's last byte (``0 3``, ``0 100``) or bit
  (``0 24 BIT``) answers -1: the end is clamped to the last byte/bit;
- INCR of LLONG_MAX - 1 gives LLONG_MAX, once more "increment or decrement would overflow";
  DECR of LLONG_MIN + 1 gives LLONG_MIN, once more the same error; INCR/DECR of a missing key
  give 1 / -1 and store them at that key;
- INCRBYFLOAT's result is embstr at 44 bytes (1.1e43: 44 digits), raw at 45 (1e44);
- LCS "ab" "ba" is "b" (a tie in the table walks back along the second string); MINMATCHLEN 4
  keeps a match of exactly 4 (``ohmytext``/``mynewtext``: ``[[4, 7], [5, 8]]``, len 6), with
  or without WITHMATCHLEN; MINMATCHLEN with no value is a syntax error; with
  ``proto-max-bulk-len`` 1048576 two strings of 511 bytes are compared (512 × 512 × 4 is
  exactly the limit) and 512 × 511 is "Insufficient memory";
- with ``activerehashing no``, a key ``x`` and 16 more SET (the main dict rehashing, 16 -> 32
  buckets), DEBUG HTSTATS shows INCRBY moving one bucket less when it changes a private int
  in place (20000 + 1, -5 + 10005 = 10000: 14/3 entries -> 12/5) than when it stores a new
  object with ``dbOverwrite``, whose ``dictFind`` is a second rehash step (-1 + 1 = 0,
  -5 + 9 = 4, and the shared integer 5 + 20000: 14/3 -> 11/6).

From 7.0.15's source (t_string.c), not observable through a client:

- LCS refuses a string of ``UINT32_MAX - 1`` bytes or more ("String too long for LCS"), a 4 GiB
  string (checked here with a stand-in whose length is that, through the command's function);
- ``incrDecrCommand``'s in-place rule reads only the object (refcount 1, int encoding) and
  the result, so a private int whose LRU word is 0 (touched at unix time 0) is changed in
  place too (the spec keeps a shared integer's marker, negative, where the word is).
"""

from __future__ import annotations

import types
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, sized
from redspec.spec import server
from redspec.spec.dict import Dict, HashTables, dict_rehash

NAME = "boundary_gapstr_agree_with_redis"
LLONG_MAX = (1 << 63) - 1
LLONG_MIN = -(1 << 63)
SYNTAX = b"-ERR syntax error\r\n"
OVERFLOW = b"-ERR increment or decrement would overflow\r\n"


def _bulk(v: bytes) -> bytes:
    return b"$%d\r\n%s\r\n" % (len(v), v)


def _effects(c: Session, *argv: bytes | int | str) -> Any:
    """The Effects of one command sent by the session's client (``client_input``)."""
    args = [a if isinstance(a, bytes) else str(a).encode() for a in argv]
    req = b"*%d\r\n" % len(args) + b"".join(_bulk(a) for a in args)
    c.state, eff = server.client_input(c.state, c.cid, req, c.now)
    return eff


def _changes(c: Session) -> int:
    """``rdb_changes_since_last_save`` of INFO persistence."""
    for line in c.call(b"INFO", b"persistence").split(b"\r\n"):
        if line.startswith(b"rdb_changes_since_last_save:"):
            return int(line.split(b":")[1])
    raise AssertionError(f"{NAME}: INFO has no rdb_changes_since_last_save")


def check_expire_option_needs_value() -> None:
    """An expiry kind with nothing after it is a syntax error, for SET and GETEX."""
    c = Session()
    c.call(b"SET", b"k", b"v")
    for opt in (b"EX", b"PX", b"EXAT", b"PXAT"):
        got = c.call(b"SET", b"k", b"v", opt)
        assert got == SYNTAX, f"{NAME}: SET k v {opt!r}: {got!r}"
        got = c.call(b"GETEX", b"k", opt)
        assert got == SYNTAX, f"{NAME}: GETEX k {opt!r}: {got!r}"
    assert c.call(b"TTL", b"k") == b":-1\r\n", f"{NAME}: a refused option set a TTL"


#: (command, its change to ``rdb_changes_since_last_save``), run in this order (7.0.15).
DIRTY = [
    ("SET a 1", 1), ("SET a 1 EX 100", 1), ("SET a 1 GET", 1), ("SETNX b 1", 1),
    ("SETEX c 100 v", 1), ("PSETEX c2 100000 v", 1), ("GETEX a EX 200", 1),
    ("GETEX a PERSIST", 1), ("GETEX a PXAT 1", 1), ("SET a 2", 1), ("GETDEL a", 1),
    ("GETSET g v", 1), ("MSET m1 1 m2 2", 2), ("MSET m1 1 m2 2 m3 3", 3),
    ("MSETNX n1 1 n2 2", 2), ("APPEND p x", 1), ("APPEND p y", 1), ("SETRANGE p 1 zz", 1),
    ("SETRANGE q 3 zz", 1), ("INCR i", 1), ("DECR i", 1), ("INCRBY i 5", 1),
    ("DECRBY i 5", 1), ("INCRBYFLOAT fl 1.5", 1), ("INCRBYFLOAT fl 1", 1),
]


def check_dirty_per_write() -> None:
    """Each write adds one change per key written (``server.dirty``)."""
    c = Session(now=1_700_000_000_000)
    for cmd, want in DIRTY:
        before = _changes(c)
        c.call(*cmd.split())
        got = _changes(c) - before
        assert got == want, f"{NAME}: {cmd}: {got} changes, want {want}"


def check_event_keys_and_new() -> None:
    """The keyspace events of plain SET name its key; ``new`` only for a key INCR, DECR or
    INCRBYFLOAT creates, before the command's own event."""
    c = Session(**{"notify-keyspace-events": "KEn$"})
    cases: list[tuple[tuple[str, ...], list[tuple[str, str, bytes]]]] = [
        (("SET", "s", "v"), [("n", "new", b"s"), ("$", "set", b"s")]),
        (("SET", "s", "w"), [("$", "set", b"s")]),
        (("INCR", "i"), [("n", "new", b"i"), ("$", "incrby", b"i")]),
        (("INCR", "i"), [("$", "incrby", b"i")]),
        (("DECR", "d"), [("n", "new", b"d"), ("$", "incrby", b"d")]),
        (("INCRBYFLOAT", "f", "1.5"), [("n", "new", b"f"), ("$", "incrbyfloat", b"f")]),
        (("INCRBYFLOAT", "f", "1"), [("$", "incrbyfloat", b"f")]),
    ]
    for argv, want in cases:
        got = [(t, e, k) for t, e, k, _ in _effects(c, *argv).notifications]
        assert got == want, f"{NAME}: {argv}: events {got}, want {want}"
    assert c.call(b"DBSIZE") == b":4\r\n", f"{NAME}: DBSIZE after the events"
    got = c.call(b"SCAN", b"0", b"COUNT", b"100")
    assert b"*4\r\n" in got and all(_bulk(k) in got for k in (b"s", b"i", b"d", b"f")), \
        f"{NAME}: SCAN does not see the 4 keys: {got!r}"


def check_incr_decr_replies() -> None:
    """INCR/DECR of a missing key: 1 / -1, stored at that key; at the long long limits the
    sum fits exactly, one more step overflows."""
    c = Session()
    for argv, want in (((b"INCR", b"i"), b":1\r\n"), ((b"INCR", b"i"), b":2\r\n"),
                       ((b"DECR", b"d"), b":-1\r\n"), ((b"DECR", b"d"), b":-2\r\n"),
                       ((b"DECR", b"i"), b":1\r\n"), ((b"GET", b"i"), _bulk(b"1")),
                       ((b"GET", b"d"), _bulk(b"-2")), ((b"DBSIZE",), b":2\r\n")):
        got = c.call(*argv)
        assert got == want, f"{NAME}: {argv}: {got!r}, want {want!r}"
    c.call(b"SET", b"n", LLONG_MAX - 1)
    c.call(b"SET", b"m", LLONG_MIN + 1)
    for argv, want in (((b"INCR", b"n"), b":%d\r\n" % LLONG_MAX), ((b"INCR", b"n"), OVERFLOW),
                       ((b"DECR", b"m"), b":%d\r\n" % LLONG_MIN), ((b"DECR", b"m"), OVERFLOW)):
        got = c.call(*argv)
        assert got == want, f"{NAME}: {argv}: {got!r}, want {want!r}"


def check_range_ends() -> None:
    """GETRANGE's and BITPOS's indexes at the string's ends (``clamp_range``)."""
    c = Session()
    c.call(b"SET", b"k", b"abc")
    for (start, end), want in (((0, 0), b"a"), ((-1, -1), b"c"), ((-2, -2), b"b"),
                               ((2, 3), b"c"), ((3, 3), b"")):
        got = c.call(b"GETRANGE", b"k", start, end)
        assert got == _bulk(want), f"{NAME}: GETRANGE k {start} {end}: {got!r}"
    c.call(b"SET", b"b", b"\xff\xff\xff")
    for args in ((0, 0, 3), (0, 0, 100), (0, 0, 23, "BIT"), (0, 0, 24, "BIT")):
        got = c.call(b"BITPOS", b"b", *args)
        assert got == b":-1\r\n", f"{NAME}: BITPOS b {args}: {got!r}"


def check_incrbyfloat_embstr_limit() -> None:
    """INCRBYFLOAT's result (``createStringObject``) is embstr up to 44 bytes, raw above."""
    c = Session()
    for key, inc, n, enc in ((b"f", b"1.1e43", 44, b"embstr"), (b"h", b"1e44", 45, b"raw")):
        c.call(b"INCRBYFLOAT", key, inc)
        assert c.call(b"STRLEN", key) == b":%d\r\n" % n, f"{NAME}: setup: length of {inc!r}"
        got = c.call(b"OBJECT", b"ENCODING", key)
        assert got == _bulk(enc), f"{NAME}: {n} bytes from INCRBYFLOAT: {got!r}"


def _stepped(ht: HashTables, seed: Any, n: int) -> HashTables:
    d = Dict(ht, seed)
    for _ in range(n):
        dict_rehash(d, 1)
    return d.freeze()


def check_incr_in_place_steps() -> None:
    """While the main dict rehashes, INCRBY of a private int (the result outside 0..9999,
    10000 included) takes the lookup's one step; a result in 0..9999, or a shared integer
    stored before, takes a second (``dbOverwrite``). At unix time 0 (LRU word 0)."""
    for start, by, steps in ((20000, 1, 1), (-1, 1, 2), (-5, 10005, 1), (-5, 9, 2),
                             (5, 20000, 2)):
        c = Session(now=0)
        c.call(b"SET", b"x", start)
        for i in range(16):
            c.call(b"SET", b"k%d" % i, b"v")
        ht, seed = c.state.dbs[0].ht, c.state.dicts.seed
        assert ht.rehashidx != -1, f"{NAME}: setup: the main dict is not rehashing"
        one, two = _stepped(ht, seed, 1), _stepped(ht, seed, 2)
        assert one != two and two.rehashidx != -1, f"{NAME}: setup: steps not told apart"
        c.call(b"INCRBY", b"x", by)
        got = c.state.dbs[0].ht
        assert got == (one if steps == 1 else two), \
            f"{NAME}: INCRBY of {start} by {by}: not {steps} rehash step(s)"


def check_lcs_walk_and_minmatchlen() -> None:
    """LCS's walk back on a tie, MINMATCHLEN exactly at a match's length, its missing value."""
    c = Session()
    c.call(b"MSET", b"a", b"ab", b"b", b"ba", b"x", b"ohmytext", b"y", b"mynewtext")
    got = c.call(b"LCS", b"a", b"b")
    assert got == _bulk(b"b"), f"{NAME}: LCS ab ba: {got!r}"
    want = b"*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n"
    got = c.call(b"LCS", b"x", b"y", b"IDX", b"MINMATCHLEN", 4)
    assert got == want, f"{NAME}: LCS IDX MINMATCHLEN 4: {got!r}"
    got = c.call(b"LCS", b"x", b"y", b"IDX", b"MINMATCHLEN", 4, b"WITHMATCHLEN")
    assert got == want.replace(b":8\r\n$3", b":8\r\n:4\r\n$3").replace(b"*2\r\n*2\r\n:4",
                                                                       b"*3\r\n*2\r\n:4"), \
        f"{NAME}: LCS IDX MINMATCHLEN 4 WITHMATCHLEN: {got!r}"
    got = c.call(b"LCS", b"x", b"y", b"IDX", b"MINMATCHLEN")
    assert got == SYNTAX, f"{NAME}: LCS MINMATCHLEN without a value: {got!r}"


LCS_MEMORY = b"-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n"


def check_lcs_memory_limit() -> None:
    """``(alen + 1) * (blen + 1) * 4`` may equal proto-max-bulk-len, not exceed it."""
    c = Session()
    assert c.call(b"CONFIG", b"SET", b"proto-max-bulk-len", 1048576) == b"+OK\r\n"
    c.call(b"MSET", b"a", b"a" * 511, b"b", b"a" * 511, b"c", b"a" * 512)
    for x, y, want in ((b"a", b"b", b":511\r\n"), (b"a", b"c", LCS_MEMORY),
                       (b"c", b"a", LCS_MEMORY)):
        got = c.call(b"LCS", x, y, b"LEN")
        assert got == want, f"{NAME}: LCS {x!r} {y!r} LEN at the memory limit: {got!r}"


def check_lcs_too_long() -> None:
    """LCS refuses a string of ``UINT32_MAX - 1`` bytes or more; one byte less passes on to
    the memory check (proto-max-bulk-len 512 MiB)."""
    from redspec.spec.commands import strings
    too_long = strings.LCS_TOO_LONG
    for alen, blen, want in (((1 << 32) - 2, 1, too_long), (1, (1 << 32) - 2, too_long),
                             ((1 << 32) - 3, 1, strings.LCS_MEMORY),
                             (1, (1 << 32) - 3, strings.LCS_MEMORY)):
        vals = {b"a": sized(alen), b"b": sized(blen)}
        stub = types.SimpleNamespace(db=types.SimpleNamespace(lookup_read=vals.get),
                                     config={"proto-max-bulk-len": 512 << 20})
        got = strings.lcs(stub, [b"LCS", b"a", b"b"])  # type: ignore[arg-type]
        assert got == want, f"{NAME}: LCS of {alen} and {blen} bytes: {got!r}"


CHECKS = [check_expire_option_needs_value, check_dirty_per_write, check_event_keys_and_new,
          check_incr_decr_replies, check_range_ends, check_incrbyfloat_embstr_limit,
          check_incr_in_place_steps, check_lcs_walk_and_minmatchlen, check_lcs_memory_limit,
          check_lcs_too_long]


@pytest.mark.parametrize("check", [
    # the LCS length check calls the handler with a stand-in for Step, which the compiled
    # build (a native Step argument) refuses: it runs against the interpreted spec
    pytest.param(c, marks=pytest.mark.interpreted_only) if c is check_lcs_too_long else c
    for c in CHECKS], ids=lambda f: f.__name__)
def test_boundary_gapstr(check: Any) -> None:
    check()


# -- planted bugs: each is a surviving mutant of the boundary-class run -------------------------

def _plant(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
           *names: bytes) -> None:
    """Plant ``old`` -> ``new`` in ``spec.commands.strings.func``, also as the served handler
    of the commands ``names`` (the command table holds the function itself)."""
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import strings
    fn = plant(monkeypatch, strings, func, old, new)
    for name in names:
        replace_handler(monkeypatch, name, fn)


def _trips(check: Any, *also: type[BaseException]) -> None:
    with pytest.raises((AssertionError, *also)) as info:
        check()
    if info.type is AssertionError:
        assert NAME in str(info.value), info.value


@pytest.mark.parametrize("new", ["j + 1 > n", "j >= n"])
def test_planted_expire_option_value(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    _plant(monkeypatch, "parse_set_options", "j + 1 >= n", new)
    _trips(check_expire_option_needs_value, IndexError)  # argv[j + 1] past the end


_GETEX_DEL = 's.notify("g", "del", key, db.id)\n        s.dirty += 1'
_GETEX_EXP = 's.notify("g", "expire", key, db.id)\n        s.dirty += 1'
_GETEX_PER = 's.notify("g", "persist", key, db.id)\n        s.dirty += 1'


@pytest.mark.parametrize("func,old,new,names", [
    ("set_generic", "s.dirty += 1", "s.dirty += 2", ()),
    ("set_", "s.dirty += 1", "s.dirty += 0", (b"set",)),
    ("set_", "s.dirty += 1", "s.dirty += 2", (b"set",)),
    ("getex", _GETEX_DEL, _GETEX_DEL[:-1] + "2", (b"getex",)),
    ("getex", _GETEX_EXP, _GETEX_EXP[:-1] + "2", (b"getex",)),
    ("getex", _GETEX_PER, _GETEX_PER[:-1] + "2", (b"getex",)),
    ("getdel", "s.dirty += 1", "s.dirty += 2", (b"getdel",)),
    ("getset", "s.dirty += 1", "s.dirty += 2", (b"getset",)),
    ("_mset_generic", "(n - 1) // 2", "(n - 2) // 2", ()),
    ("append", "s.dirty += 1", "s.dirty += 2", (b"append",)),
    ("setrange", "s.dirty += 1", "s.dirty += 0", (b"setrange",)),
    ("setrange", "s.dirty += 1", "s.dirty += 2", (b"setrange",)),
    ("_incr_decr", "s.dirty += 1", "s.dirty += 2", ()),
    ("incrbyfloat", "s.dirty += 1", "s.dirty += 2", (b"incrbyfloat",))])
def test_planted_dirty(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                       names: tuple[bytes, ...]) -> None:
    _plant(monkeypatch, func, old, new, *names)
    _trips(check_dirty_per_write)


@pytest.mark.parametrize("func,old,new,names", [
    ("set_", 's.notify("$", "set", argv[1]', 's.notify("$", "set", argv[0]', (b"set",)),
    ("set_", 's.notify("$", "set", argv[1]', 's.notify("$", "set", argv[2]', (b"set",)),
    ("_incr_decr", "if v is None:\n        db.add", "if v is not None:\n        db.add", ()),
    ("incrbyfloat", "if v is None:\n        db.add", "if v is not None:\n        db.add",
     (b"incrbyfloat",))])
def test_planted_events(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                        names: tuple[bytes, ...]) -> None:
    _plant(monkeypatch, func, old, new, *names)
    _trips(check_event_keys_and_new)


@pytest.mark.parametrize("func,old,new,names", [
    ("incr", "argv[1], 1)", "argv[0], 1)", (b"incr",)),
    ("incr", "argv[1], 1)", "argv[2], 1)", (b"incr",)),
    ("incr", "argv[1], 1)", "argv[1], 0)", (b"incr",)),
    ("incr", "argv[1], 1)", "argv[1], 2)", (b"incr",)),
    ("decr", "argv[1], -1)", "argv[0], -1)", (b"decr",)),
    ("decr", "argv[1], -1)", "argv[2], -1)", (b"decr",)),
    ("decr", "argv[1], -1)", "argv[1], -0)", (b"decr",)),
    ("decr", "argv[1], -1)", "argv[1], -2)", (b"decr",)),
    ("_incr_decr", "result > LLONG_MAX", "result >= LLONG_MAX", ())])
def test_planted_incr_decr(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                           names: tuple[bytes, ...]) -> None:
    _plant(monkeypatch, func, old, new, *names)
    _trips(check_incr_decr_replies, IndexError)  # argv[2] of a two-word command


@pytest.mark.parametrize("old,new", [
    ("if end < 0:\n        end += total", "if end <= 0:\n        end += total"),
    ("if end >= total:", "if end > total:"),
    ("end = total - 1", "end = total")])
def test_planted_clamp_range(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    from redspec.spec.commands import bitmaps, strings
    fn = plant(monkeypatch, strings, "clamp_range", old, new)
    monkeypatch.setattr(bitmaps, "clamp_range", fn)  # imported there by name
    _trips(check_range_ends)


def test_planted_getrange_negative_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, "getrange", "start < 0 and end < 0 and start > end",
           "start < 0 and end < 0 and start >= end", b"getrange", b"substr")
    _trips(check_range_ends)


def test_planted_embstr_limit_of_incrbyfloat(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import values
    from redspec.spec.types.string import EmbStr
    monkeypatch.setitem(values.ENCODINGS, EmbStr,
                        lambda v: "embstr" if len(v) < 44 else "raw")
    _trips(check_incrbyfloat_embstr_limit)


_IN_PLACE = "type(v) is bytes and not 0 <= result < OBJ_SHARED_INTEGERS"


@pytest.mark.parametrize("old,new", [
    (_IN_PLACE, _IN_PLACE.replace("is bytes", "is not bytes")),
    (_IN_PLACE, _IN_PLACE.replace("0 <= result", "0 < result")),
    (_IN_PLACE, _IN_PLACE.replace("< OBJ_", "<= OBJ_")),
    ("db.lru.get(key, 0) >= 0", "db.lru.get(key, 0) > 0")])
def test_planted_incr_in_place(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant(monkeypatch, "_incr_decr", old, new)
    _trips(check_incr_in_place_steps)


_MIN = 'opt == b"minmatchlen" and j + 1 < n'
_MM = "minmatchlen == 0 or match_len >= minmatchlen"


@pytest.mark.parametrize("old,new,check", [
    ("if t(i - 1, k) > t(i, k - 1):", "if t(i - 1, k) >= t(i, k - 1):",
     check_lcs_walk_and_minmatchlen),
    (_MIN, _MIN.replace("j + 1 < n", "j + 1 <= n"), check_lcs_walk_and_minmatchlen),
    (_MIN, _MIN.replace("j + 1 < n", "j < n"), check_lcs_walk_and_minmatchlen),
    (_MIN, _MIN.replace("j + 1 < n", "j + 2 < n"), check_lcs_walk_and_minmatchlen),
    (_MM, _MM.replace("minmatchlen == 0", "minmatchlen != 0"), check_lcs_walk_and_minmatchlen),
    (_MM, _MM.replace(">=", ">"), check_lcs_walk_and_minmatchlen),
    ("(alen + 1) * (blen + 1) * 4 >", "(alen + 1) * (blen + 1) * 4 >=", check_lcs_memory_limit),
    ("(alen + 1) * (blen + 1) * 4 >", "(alen + 2) * (blen + 1) * 4 >", check_lcs_memory_limit),
    ("(alen + 1) * (blen + 1) * 4 >", "(alen + 1) * (blen + 2) * 4 >", check_lcs_memory_limit),
    ("alen >= _UINT32_MAX - 1", "alen > _UINT32_MAX - 1", check_lcs_too_long),
    ("alen >= _UINT32_MAX - 1", "alen >= _UINT32_MAX", check_lcs_too_long),
    ("alen >= _UINT32_MAX - 1", "alen >= _UINT32_MAX - 2", check_lcs_too_long),
    ("blen >= _UINT32_MAX - 1", "blen > _UINT32_MAX - 1", check_lcs_too_long),
    ("blen >= _UINT32_MAX - 1", "blen >= _UINT32_MAX", check_lcs_too_long),
    ("blen >= _UINT32_MAX - 1", "blen >= _UINT32_MAX - 2", check_lcs_too_long)])
def test_planted_lcs(monkeypatch: pytest.MonkeyPatch, old: str, new: str, check: Any) -> None:
    _plant(monkeypatch, "lcs", old, new, b"lcs")
    _trips(check, IndexError)  # argv[j + 1] past the end


@pytest.mark.parametrize("value", [1 << 32, (2 << 32) - 1, (1 << 32) - 2])
def test_planted_uint32_max(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    from redspec.spec.commands import strings
    monkeypatch.setattr(strings, "_UINT32_MAX", value)
    _trips(check_lcs_too_long)
