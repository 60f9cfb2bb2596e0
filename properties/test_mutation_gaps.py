"""Targeted properties for the gaps the mutation run left (issue #6): each test pins a case
the state machines reach rarely or never, and each has a planted-bug test that applies the
surviving mutation itself (``plant``: the one function recompiled with the changed text).

Property ``mutation_gaps_agree_with_redis`` (facts observed on Redis 7.0.15):

- PUBSUB CHANNELS / SHARDCHANNELS with more than one pattern is the subcommand error;
- INCRBYFLOAT producing 45 bytes stores a raw string, 44 bytes an embstr;
- a set of 512 integers is an intset, the 513th integer converts it (set-max-intset-entries);
- SPOP of the whole set adds the set's size to ``server.dirty``;
- HDEL on a listpack hash keeps the insertion order of the rest (HGETALL);
- LPOS RANK r COUNT c returns c positions starting at the r-th match;
- GEOSEARCH BYBOX answers the members inside the box; without ASC/DESC in the order of the
  geohash cells searched, which depends on the box's half width (40 seeded points around
  Sicily; the orders are those of Redis 7.0.15);
- with maxmemory 1 a denyoom command is refused with OOM and a read-only one is not;
- PFADD on a sparse HLL whose opcodes cover fewer than 16384 registers is INVALIDOBJ;
- geohash cells: one step north then south (east then west) is the same cell, at any step;
- one slow active-expire cycle over a db of expired keys stops at the first 16th loop whose
  modelled work (20 keys a loop, 1 us a key) passes the limit ``25% * 1e6 / hz`` (or a budget);
- ``bucket_of`` on a dict in any state of rehashing: a key it places in table 1 is in that
  bucket of table 1 (its bucket of table 0 was already moved);
- C double division by zero (``_div``) is ±inf or NaN, never an exception.
"""

from __future__ import annotations

import inspect
import math
import sys
import textwrap
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from redspec.properties.driver import Session
from redspec.spec.server import run_command

NAME = "mutation_gaps_agree_with_redis"


def check_pubsub_channels() -> None:
    c = Session()
    for sub in (b"CHANNELS", b"SHARDCHANNELS"):
        got = c.call(b"PUBSUB", sub, b"a", b"b")
        assert got.startswith(b"-ERR unknown subcommand or wrong number of arguments for"), \
            f"{NAME}: PUBSUB {sub!r} with two patterns: {got!r}"
        assert c.call(b"PUBSUB", sub, b"a") == b"*0\r\n", f"{NAME}: PUBSUB {sub!r} pattern"


def check_embstr_limit() -> None:
    c = Session()
    for value, enc in ((b"1e43", b"embstr"), (b"1e44", b"raw")):
        c.call(b"SET", b"k", b"0")
        c.call(b"INCRBYFLOAT", b"k", value)
        got = c.call(b"OBJECT", b"ENCODING", b"k")
        assert got == b"$%d\r\n%s\r\n" % (len(enc), enc), f"{NAME}: INCRBYFLOAT {value!r}: {got!r}"


def check_intset_limit() -> None:
    c = Session()
    c.call(b"SADD", b"s", *range(511))
    c.call(b"SADD", b"s", 511)
    assert c.call(b"OBJECT", b"ENCODING", b"s") == b"$6\r\nintset\r\n", f"{NAME}: 512 intset"
    c.call(b"SADD", b"s", 512)
    assert c.call(b"OBJECT", b"ENCODING", b"s") == b"$9\r\nhashtable\r\n", \
        f"{NAME}: 513 hashtable"


def check_spop_dirty() -> None:
    c = Session()
    c.call(b"SADD", b"s", b"a", b"b", b"c", b"d")
    before = c.state.dirty
    c.call(b"SPOP", b"s", 10)
    assert c.state.dirty - before == 4, f"{NAME}: SPOP whole set dirty {c.state.dirty - before}"


def check_hdel_order() -> None:
    # Enough fields that the remaining order cannot match by chance whatever the interpreter's
    # hash seed (a map's own iteration order would give a random permutation).
    c = Session()
    fields = [b"f%d" % i for i in range(12)]
    c.call(b"HSET", b"h", *[x for f in fields for x in (f, f.upper())])
    gone = fields[1::3]
    c.call(b"HDEL", b"h", *gone)
    c.call(b"HSET", b"h", b"zz", b"ZZ")
    c.call(b"HDEL", b"h", fields[0])
    c.call(b"HSET", b"h", fields[0], b"again")
    order = [f for f in fields[1:] if f not in gone] + [b"zz", fields[0]]
    vals = {f: f.upper() for f in fields} | {b"zz": b"ZZ", fields[0]: b"again"}
    want = b"*%d\r\n" % (2 * len(order)) + b"".join(
        b"$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(f), f, len(vals[f]), vals[f]) for f in order)
    got = c.call(b"HGETALL", b"h")
    assert got == want, f"{NAME}: HGETALL after HDEL: {got!r}"


def check_lpos() -> None:
    c = Session()
    items = [b"a", b"b", b"a", b"a", b"b", b"a", b"a", b"a"]
    c.call(b"RPUSH", b"l", *items)
    where = [i for i, x in enumerate(items) if x == b"a"]
    for rank in (1, 2, 3):
        for count in (1, 2, 3):
            want = where[rank - 1:rank - 1 + count]
            got = c.call(b"LPOS", b"l", b"a", b"RANK", rank, b"COUNT", count)
            assert got == b"*%d\r\n" % len(want) + b"".join(b":%d\r\n" % i for i in want), \
                f"{NAME}: LPOS RANK {rank} COUNT {count}: {got!r}"


def check_geo_bybox() -> None:
    c = Session()
    c.call(b"GEOADD", b"g", 13.361389, 38.115556, b"Palermo", 15.087269, 37.502669, b"Catania")
    got = c.call(b"GEOSEARCH", b"g", b"FROMLONLAT", 15, 37, b"BYBOX", 400, 400, b"km", b"ASC")
    assert got == b"*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", f"{NAME}: BYBOX {got!r}"
    got = c.call(b"GEOSEARCH", b"g", b"FROMLONLAT", 15, 37, b"BYBOX", 200, 200, b"km", b"ASC")
    assert got == b"*1\r\n$7\r\nCatania\r\n", f"{NAME}: small BYBOX {got!r}"


def check_oom_gate() -> None:
    c = Session()
    c.call(b"CONFIG", b"SET", b"maxmemory", b"1")
    got = c.call(b"SET", b"x", b"y")
    assert got.startswith(b"-OOM command not allowed"), f"{NAME}: SET under OOM: {got!r}"
    assert c.call(b"GET", b"x") == b"$-1\r\n", f"{NAME}: GET under OOM"


def check_hll_short_sparse() -> None:
    c = Session()
    c.call(b"SET", b"h", b"HYLL\x01" + bytes(11) + b"\x40\x63")  # XZERO of 100 registers
    got = c.call(b"PFADD", b"h", *[b"x%d" % i for i in range(20)])
    assert got == b"-INVALIDOBJ Corrupted HLL object detected\r\n", f"{NAME}: PFADD {got!r}"


def check_div_by_zero() -> None:
    from redspec.spec.types.geohash import _div
    try:
        got = [_div(1.0, 0.0), _div(-1.0, 0.0), _div(1.0, -0.0), _div(0.0, 0.0)]
    except ZeroDivisionError as e:
        raise AssertionError(f"{NAME}: _div raised {e}") from e
    assert got[:3] == [math.inf, -math.inf, -math.inf] and math.isnan(got[3]), f"{NAME}: {got}"


def check_expire_time_limit() -> None:
    from redspec.spec import expire
    for hz, budget in ((500, None), (10, 50)):
        c = Session()
        c.call(b"CONFIG", b"SET", b"hz", hz)
        for i in range(1000):
            c.state, _ = run_command(c.state, c.cid, [b"SET", b"e%d" % i, b"v", b"PX", b"10"], 0)
        limit = budget if budget is not None else 25 * 1_000_000 // hz // 100
        loops = 16
        while loops * 20 <= limit:
            loops += 16
        st, _ = expire.active_expire_cycle(c.state, 100, expire.SLOW, budget_us=budget)
        gone = 1000 - len(st.dbs[0].keys)
        assert gone == loops * 20, f"{NAME}: hz {hz} budget {budget}: {gone} expired"
        assert st.stats.expired_time_cap_reached_count == 1, f"{NAME}: time cap not counted"


def check_moved_keys_bucket() -> None:
    from redspec.spec import dict as dct
    seed = dct.seed_words(b"0123456789abcdef")
    moved = 0
    for n in range(5, 70):
        keys = [b"k%d" % i for i in range(n)]
        ht = dct.build(keys, seed)
        for r in range(4):
            h2 = dct.rehash(ht, r, seed) if r else ht
            for k in keys:
                t, b = dct.bucket_of(h2, k, seed)
                if t == 1:
                    moved += 1
                    assert k in h2.t1.get(b, ()), f"{NAME}: bucket_of({k!r}) = {t, b}"
    assert moved, f"{NAME}: no key was placed in table 1"


#: (query, member numbers in Redis 7.0.15's reply order) for the seeded points of check_geo_order.
GEO_ORDERS = [("BYBOX 400 20 km", [3, 27, 26]), ("BYBOX 300 50 km", [32, 7, 26, 3, 37, 27, 23]),
              ("BYBOX 200 10 km", [26, 27]), ("BYBOX 250 30 km COUNT 3 ANY", [26, 3, 27])]


def check_geo_order() -> None:
    import random
    r = random.Random(5)
    pts = [(round(13 + r.random() * 3, 4), round(37 + r.random() * 1.5, 4), b"m%d" % i)
           for i in range(40)]
    c = Session()
    c.call(b"GEOADD", b"g", *[x for p in pts for x in p])
    for q, order in GEO_ORDERS:
        got = c.call(b"GEOSEARCH", b"g", b"FROMLONLAT", 14.5, 37.7, *q.encode().split())
        want = b"*%d\r\n" % len(order) + b"".join(
            b"$%d\r\n%s\r\n" % (len(b"m%d" % i), b"m%d" % i) for i in order)
        assert got == want, f"{NAME}: GEOSEARCH {q}: {got!r}"


CHECKS = [check_geo_order, check_moved_keys_bucket, check_expire_time_limit, check_hll_short_sparse, check_div_by_zero, check_pubsub_channels, check_embstr_limit, check_intset_limit, check_spop_dirty,
          check_hdel_order, check_lpos, check_geo_bybox, check_oom_gate]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_mutation_gaps_agree_with_redis(check: Any) -> None:
    check()


def check_cell_moves(bits: int, step: int) -> None:
    from redspec.spec.types import geohash
    bits &= (1 << (2 * step)) - 1
    for axis, lane in (("y", geohash._EVEN), ("x", geohash._ODD)):
        there = geohash._move(bits, step, 1, lane)
        assert geohash._move(there, step, -1, lane) == bits, f"{NAME}: move {axis} +1 then -1"
        back = geohash._move(bits, step, -1, lane)
        assert geohash._move(back, step, 1, lane) == bits, f"{NAME}: move {axis} -1 then +1"


@settings(max_examples=40, deadline=None)
@given(bits=st.integers(0, (1 << 52) - 1), step=st.integers(1, 26))
@example(bits=0, step=26)
@example(bits=(1 << 52) - 1, step=26)
@example(bits=0b0110, step=2)
def test_geohash_moves_invert(bits: int, step: int) -> None:
    check_cell_moves(bits, step)


class _Sized(bytes):
    """A stand-in for an argument of ``n`` bytes: only its length is read (a limit of
    gigabytes checked without the gigabytes; the compiled build refuses it, so the checks
    that use it run against the interpreted spec)."""

    n = 0

    def __len__(self) -> int:
        return self.n


def sized(n: int) -> bytes:
    """An argument whose ``len`` is ``n`` (see :class:`_Sized`)."""
    v = _Sized(b"x")
    v.n = n
    return v


def plant(monkeypatch: pytest.MonkeyPatch, module: Any, func: str, old: str, new: str) -> Any:
    """Recompile ``module.func`` with ``old`` replaced by ``new`` (exactly one occurrence) and
    install it for this test; returns the new function (undecorated)."""
    src = textwrap.dedent(inspect.getsource(getattr(module, func)))
    assert src.count(old) == 1, (func, old)
    lines = [ln for ln in src.replace(old, new).splitlines() if not ln.startswith("@")]
    mod = inspect.getmodule(getattr(module, func))
    ns: dict[str, Any] = {}
    exec(compile("\n".join(lines), mod.__file__, "exec"), mod.__dict__, ns)  # noqa: S102
    monkeypatch.setattr(module, func, ns[func])
    return ns[func]


def plant_everywhere(monkeypatch: pytest.MonkeyPatch, module: Any, func: str, old: str,
                     new: str) -> Any:
    """:func:`plant`, and the planted function also in every ``redspec`` module that imported
    the original by name (``from .pause import pause_clients``), where :func:`plant` alone
    would not reach; returns the planted function."""
    original = getattr(module, func)
    planted = plant(monkeypatch, module, func, old, new)
    for name, mod in list(sys.modules.items()):
        if name.startswith("redspec.") and getattr(mod, func, None) is original:
            monkeypatch.setattr(mod, func, planted)
    return planted


def _handler(monkeypatch: pytest.MonkeyPatch, cmd: bytes, fn: Any) -> None:
    from redspec.properties.planted import replace_handler
    replace_handler(monkeypatch, cmd, fn)


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def test_planted_pubsub_channels_arity(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import pubsub
    plant(monkeypatch, pubsub, "_channels", "len(argv) > 3", "len(argv) >= 3")
    _trips(check_pubsub_channels)


def test_planted_embstr_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import values
    from redspec.spec.types.string import EmbStr
    monkeypatch.setitem(values.ENCODINGS, EmbStr,
                        lambda v: "embstr" if len(v) <= 45 else "raw")
    _trips(check_embstr_limit)


def test_planted_intset_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.types import set as tset
    plant(monkeypatch, tset.SetValue, "add_one", "n + 1 <= max_intset", "n + 2 <= max_intset")
    _trips(check_intset_limit)


def test_planted_spop_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import sets
    plant(monkeypatch, sets, "spop_count", "s.dirty += size", "s.dirty -= size")
    _trips(check_spop_dirty)


def test_planted_lpos_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import lists
    f = plant(monkeypatch, lists, "lpos", "matches - rank", "matches + rank")
    _handler(monkeypatch, b"lpos", f)
    _trips(check_lpos)


def test_planted_geo_bybox(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import geo
    plant(monkeypatch, geo, "members_in_shape", "if box is None:\n        radius_m", "if True:\n        radius_m")
    _trips(check_geo_bybox)


def test_planted_hdel_order() -> None:
    # Run in a fresh interpreter: under pytest-xdist this plant was once seen not to take
    # effect in a worker that had run other suites first (state left by some other test);
    # a clean process makes the planted-bug check independent of test order.
    import subprocess
    import sys

    code = (
        "import pytest\n"
        # the build the parent runs (REDSPEC_SPEC_BUILD, inherited): interpreted, else the
        # compiled hash type would shadow the source the plant recompiles
        "import redspec.reference.specbuild as sb\n"
        "sb.select_build()\n"
        "from redspec.properties import test_mutation_gaps as g\n"
        "from redspec.spec.types import hash as thash\n"
        "mp = pytest.MonkeyPatch()\n"
        "g.plant(mp, thash.HashValue, 'delete_many', 'None if om is None else om.finish()',\n"
        "        'None if True else om.finish()')\n"
        "g._trips(g.check_hdel_order)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_planted_oom_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import dispatch
    plant(monkeypatch, dispatch, "process_command", '"denyoom" in command_flags(s, cmd, argv)',
          '"denyoom" not in command_flags(s, cmd, argv)')
    _trips(check_oom_gate)


def test_planted_hll_short_sparse(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import hyperloglog
    fn = next(n for n, f in vars(hyperloglog).items() if callable(f) and
              "elif r < 0:" in (inspect.getsource(f) if inspect.isfunction(f) else ""))
    plant(monkeypatch, hyperloglog, fn, "elif r < 0:\n                return ed.to_bytes(), changed, False",
          "elif r < 0:\n                return None")
    with pytest.raises(TypeError):
        check_hll_short_sparse()


def test_planted_div_by_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.types import geohash
    plant(monkeypatch, geohash, "_div", "if b != 0.0:", "if True:")
    _trips(check_div_by_zero)


def test_planted_move_south(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.types import geohash
    plant(monkeypatch, geohash, "_move", "a = ((a | zz) - (zz + 1)) & _M64",
          "a = ((a | zz) - (zz - 1)) & _M64")
    _trips(lambda: check_cell_moves(0b0110, 2))


def test_planted_expire_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "slow_perc * 1000000 // hz // 100",
          "slow_perc * 1000000 // hz * 100")
    _trips(check_expire_time_limit)


def test_planted_expire_check_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import expire
    plant(monkeypatch, expire, "active_expire_cycle", "iteration += 1", "iteration += 2")
    _trips(check_expire_time_limit)


def test_planted_bucket_of_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec import dict as dct
    plant(monkeypatch, dct, "bucket_of", "(1 << ht.exp1)", "(2 << ht.exp1)")
    _trips(check_moved_keys_bucket)


def test_planted_geo_box_half_width(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.commands import geo
    plant(monkeypatch, geo, "members_in_shape", "half_w = conversion * (w / 2)",
          "half_w = conversion * (w * 2)")
    _trips(check_geo_order)
