"""The geo commands as a state machine: the spec against a plain Python model.

Hypothesis drives one client of a spec server (listpack limit lowered to 3 entries, so
conversions happen in small examples) over three keys and four members placed at real-world
positions (Sicily, Paris, Tokyo, both sides of the antimeridian, near both poles, and the east
edge 180,0 whose score spills off the 52-bit grid), with GEOADD (NX/XX/CH), ZREM, GEOPOS,
GEODIST, GEOSEARCH (FROMMEMBER/FROMLONLAT, BYRADIUS, ASC/DESC, WITHDIST), GEOSEARCHSTORE and a
SET in the way. The model is ``key -> {member: (lon, lat)}`` as given to GEOADD, plus whether
the set would still be a listpack; distances in the model are a textbook haversine written
here, not the spec's.

Invariants (each has a planted-bug test below showing it can fail):

- ``matches_model``: GEOADD/ZREM/GEOSEARCHSTORE replies are the model's counts.
- ``geopos_round_trip``: every GEOPOS reply (and every stored score, decoded) lies within
  the 52-bit precision bound of the model's position (half a cell each way, one cell for a
  score past 2**53).
- ``geodist_symmetric``: GEODIST a b == GEODIST b a, >= 0, and near the model's distance.
- ``radius_exact``: GEOSEARCH BYRADIUS returns exactly the members whose haversine distance
  is within the radius (brute force over the model), except positions whose score spills
  off the 52-bit grid (longitude 180 or latitude 85.05112878), which Redis 7.0.15 does not
  find from an ordinary centre. From an off-grid centre Redis's search is incomplete (it
  scans an off-grid centre cell): there only soundness is checked (GEOSEARCHSTORE here
  searches from ordinary centres).
- ``sorted_asc``: with ASC (DESC) the WITHDIST distances never decrease (increase).
- ``no_empty_aggregate``: no key holds an empty sorted set.
- ``encoding_preserves_value``: every stored set has the encoding the model predicts and
  holds the model's members whatever its encoding.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import OneClient
from redspec.properties.planted import machine_test, planted_settings, replace_handler, tripper
from redspec.spec.commands import geo
from redspec.spec.types import geohash as gh
from redspec.spec.types.zset import ZSet

MECHANISM = "types"

KEYS = [b"k0", b"k1", b"k2"]
MEMBERS = [b"a", b"b", b"c", b"d"]
PLACES = [
    (13.361389, 38.115556), (15.087269, 37.502669), (2.3522, 48.8566), (139.6917, 35.6895),
    (179.95, -16.0), (-179.95, -16.2), (0.0, 84.9), (-120.0, -85.0), (15.6, 78.2),
    (-74.006, 40.7128), (0.0, 0.0), (180.0, 0.0),
]
RADII = [(b"0", 0.0), (b"50", 50e3), (b"300", 300e3), (b"2000", 2000e3), (b"12000", 12000e3)]
NOW = 1_000_000
MAX_ENTRIES = 3
_D = math.pi / 180
_R = 6372797.560856

keys_ = st.sampled_from(KEYS)
members_ = st.sampled_from(MEMBERS)
places_ = st.sampled_from(PLACES)
centres_ = st.sampled_from([p for p in PLACES if p != (180.0, 0.0)])
radii_ = st.sampled_from(RADII)
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"

_LAT_CELL = (2 * gh.LAT_MAX) / 2**26
_LON_CELL = 360 / 2**26


def haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The textbook haversine distance in meters (the model's, independent of the spec)."""
    dlat = (lat2 - lat1) * _D
    dlon = (lon2 - lon1) * _D
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1 * _D) * math.cos(lat2 * _D) * math.sin(
        dlon / 2) ** 2
    return 2 * _R * math.asin(min(1.0, math.sqrt(a)))


def spills(lon: float, lat: float) -> bool:
    """A position on the east or north edge: its score lies past the 52-bit grid."""
    return lon == gh.LONG_MAX or lat == gh.LAT_MAX


def decoded(p: tuple[float, float]) -> tuple[float, float]:
    """Where Redis keeps a position: the centre of its 52-bit cell (GEOADD then decode)."""
    return gh.decode_score(float(gh.encode_score(*p)))


def close(got: tuple[float, float], want: tuple[float, float]) -> bool:
    """Within the 52-bit precision bound (a whole cell when the score passed 2**53)."""
    k = 2.0 if spills(*want) else 1.0
    return abs(got[0] - want[0]) <= k * _LON_CELL and abs(got[1] - want[1]) <= k * _LAT_CELL


def parse(frame: bytes) -> Any:
    """A RESP2 frame as nested Python values (bulk -> bytes, integer -> int, nil -> None)."""
    pos = 0

    def one() -> Any:
        nonlocal pos
        end = frame.index(b"\r\n", pos)
        t, body = frame[pos:pos + 1], frame[pos + 1:end]
        pos = end + 2
        if t == b":":
            return int(body)
        if t in (b"+", b"-"):
            return (t + body).decode()
        n = int(body)
        if t == b"$":
            if n < 0:
                return None
            v = frame[pos:pos + n]
            pos += n + 2
            return v
        return None if n < 0 else [one() for _ in range(n)]

    return one()


class Set_:
    """One geo set of the model."""

    def __init__(self) -> None:
        self.pos: dict[bytes, tuple[float, float]] = {}
        self.listpack = True


class GeoMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1, **{"zset-max-listpack-entries": MAX_ENTRIES})
        self.model: dict[bytes, Any] = {}

    # -- writes ---------------------------------------------------------------------------

    @rule(key=keys_, flags=st.sets(st.sampled_from([b"NX", b"XX", b"CH"])),
          items=st.lists(st.tuples(places_, members_), min_size=1, max_size=3))
    def geoadd(self, key: bytes, flags: set[bytes],
               items: list[tuple[tuple[float, float], bytes]]) -> None:
        self.add(key, flags, items)

    def add(self, key: bytes, flags: set[bytes],
            items: list[tuple[tuple[float, float], bytes]]) -> None:
        """GEOADD with the model's expected reply."""
        argv = (b"GEOADD", key, *sorted(flags),
                *[x for (lon, lat), m in items for x in (repr(lon).encode(),
                                                         repr(lat).encode(), m)])
        if b"NX" in flags and b"XX" in flags:
            return self.expect_reply(argv, geo.SYNTAX)
        cur = self.model.get(key)
        if cur == "string":
            assert self.run(*argv) == WRONGTYPE, "matches_model: GEOADD on a string"
            return None
        g = cur if cur is not None else Set_()
        added = changed = 0
        for p, m in items:
            old = g.pos.get(m)
            if old is None:
                if b"XX" in flags:
                    continue
                if len(g.pos) + 1 > MAX_ENTRIES:
                    g.listpack = False
                g.pos[m] = p
                added += 1
            elif b"NX" not in flags:
                if float(gh.encode_score(*old)) != float(gh.encode_score(*p)):
                    changed += 1
                g.pos[m] = p
        if g.pos:
            self.model[key] = g
        self.expect_reply(argv, added + changed if b"CH" in flags else added)

    @rule(key=keys_, member=members_)
    def zrem(self, key: bytes, member: bytes) -> None:
        cur = self.model.get(key)
        if cur == "string":
            return None
        n = 0
        if cur is not None and member in cur.pos:
            del cur.pos[member]
            n = 1
            if not cur.pos:
                del self.model[key]
        self.expect_reply((b"ZREM", key, member), n)

    @rule(key=keys_, places=st.lists(places_, min_size=4, max_size=4))
    def geoadd_all(self, key: bytes, places: list[tuple[float, float]]) -> None:
        """Every member at once (dense sets make searches and distances interesting)."""
        self.add(key, set(), list(zip(places, MEMBERS, strict=True)))

    @rule(key=keys_)
    def set_string(self, key: bytes) -> None:
        self.run(b"SET", key, b"x")
        self.model[key] = "string"

    @rule(dst=keys_, src=keys_, center=centres_, radius=radii_)
    def geosearchstore(self, dst: bytes, src: bytes, center: tuple[float, float],
                       radius: tuple[bytes, float]) -> None:
        argv = (b"GEOSEARCHSTORE", dst, src, b"FROMLONLAT", repr(center[0]).encode(),
                repr(center[1]).encode(), b"BYRADIUS", radius[0], b"km")
        cur = self.model.get(src)
        if cur == "string":
            assert self.run(*argv) == WRONGTYPE, "matches_model: GEOSEARCHSTORE from a string"
            return None
        found = {} if cur is None else {m: p for m, p in cur.pos.items() if not spills(*p)
                                        and haversine(*center, *decoded(p)) <= radius[1]}
        if found:
            g = Set_()
            g.pos = found
            g.listpack = len(found) <= MAX_ENTRIES
            self.model[dst] = g
        else:
            self.model.pop(dst, None)
        frame = self.run(*argv)
        assert frame == b":%d\r\n" % len(found), (
            f"radius_exact: {argv!r}: spec {frame!r}, model {sorted(found)}")

    # -- reads ---------------------------------------------------------------------------

    @rule(key=keys_, members=st.lists(members_, min_size=1, max_size=3))
    def geopos(self, key: bytes, members: list[bytes]) -> None:
        cur = self.model.get(key)
        frame = self.run(b"GEOPOS", key, *members)
        if cur == "string":
            assert frame == WRONGTYPE, "matches_model: GEOPOS on a string"
            return
        got = parse(frame)
        for m, r in zip(members, got, strict=True):
            want = None if cur is None else cur.pos.get(m)
            if want is None:
                assert r is None, f"geopos_round_trip: {m!r} absent, spec {r!r}"
            else:
                xy = (float(r[0]), float(r[1]))
                assert close(xy, want), f"geopos_round_trip: {m!r}: {xy} vs model {want}"

    @rule(key=keys_, a=members_, b=members_, unit=st.sampled_from([b"m", b"km", b"mi"]))
    def geodist(self, key: bytes, a: bytes, b: bytes, unit: bytes) -> None:
        cur = self.model.get(key)
        ab = self.run(b"GEODIST", key, a, b, unit)
        ba = self.run(b"GEODIST", key, b, a, unit)
        if cur == "string":
            assert ab == ba == WRONGTYPE, "matches_model: GEODIST on a string"
            return
        assert ab == ba, f"geodist_symmetric: {a!r},{b!r}: {ab!r} vs {ba!r}"
        if cur is None or a not in cur.pos or b not in cur.pos:
            assert ab == b"$-1\r\n", f"matches_model: GEODIST with a missing member: {ab!r}"
            return
        d = float(parse(ab)) * geo.UNITS[unit]
        want = haversine(*cur.pos[a], *cur.pos[b])
        assert d >= 0, f"geodist_symmetric: negative distance {d}"
        assert abs(d - want) <= 2.0 + want * 1e-6, f"geodist_symmetric: {d} vs model {want}"

    @rule(key=keys_, center=st.one_of(places_, members_), radius=radii_,
          order=st.sampled_from([b"", b"ASC", b"DESC"]))
    def geosearch(self, key: bytes, center: Any, radius: tuple[bytes, float],
                  order: bytes) -> None:
        cur = self.model.get(key)
        if isinstance(center, bytes):
            frm: tuple[bytes, ...] = (b"FROMMEMBER", center)
        else:
            frm = (b"FROMLONLAT", repr(center[0]).encode(), repr(center[1]).encode())
        argv = (b"GEOSEARCH", key, *frm, b"BYRADIUS", radius[0], b"km", b"WITHDIST",
                *([order] if order else []))
        frame = self.run(*argv)
        if cur == "string":
            assert frame == WRONGTYPE, "matches_model: GEOSEARCH on a string"
            return
        if isinstance(center, bytes):
            if cur is None:
                assert frame == b"*0\r\n", f"matches_model: {frame!r}"
                return
            if center not in cur.pos:
                assert frame.startswith(b"-ERR could not decode"), f"matches_model: {frame!r}"
                return
            # the centre is the member's decoded position; the model's own is within a cell
            c = cur.pos[center]
            cx, cy = decoded(c)
        else:
            cx, cy = center
        got = parse(frame)
        names = {m for m, _ in got}
        within = set() if cur is None else {
            m for m, p in cur.pos.items() if haversine(cx, cy, *decoded(p)) <= radius[1]}
        edge = {m for m in within if spills(*cur.pos[m])}
        assert names <= within, f"radius_exact: {argv!r}: spec {sorted(names)} beyond radius"
        if not spills(cx, cy):
            # an ordinary centre finds every member within the radius except off-grid ones
            assert names == within - edge, (
                f"radius_exact: {argv!r}: spec {sorted(names)}, model {sorted(within)} "
                f"(off-grid {sorted(edge)})")
        # (an off-grid centre scans an off-grid cell and may miss members: as on 7.0.15)
        dists = [float(d) for _, d in got]
        if order == b"ASC":
            assert dists == sorted(dists), f"sorted_asc: {argv!r}: {dists}"
        elif order == b"DESC":
            assert dists == sorted(dists, reverse=True), f"sorted_asc: {argv!r}: {dists}"

    # -- invariants over the stored state -----------------------------------------------------

    @invariant()
    def no_empty_aggregate(self) -> None:
        for k, v in self.state.dbs[0].keys.items():
            assert not (type(v) is ZSet and len(v) == 0), f"no_empty_aggregate: {k!r}"

    @invariant()
    def stored_matches_model(self) -> None:
        keys = self.state.dbs[0].keys
        for k in KEYS:
            v = keys.get(k)
            cur = self.model.get(k)
            if cur is None or cur == "string":
                assert (v is None) == (cur is None), f"matches_model: key {k!r}"
                continue
            assert type(v) is ZSet, f"matches_model: {k!r} holds {v!r}"
            assert set(v.scores.keys()) == set(cur.pos), (
                f"encoding_preserves_value: {k!r} members {set(v.scores.keys())}")
            assert v.listpack == cur.listpack, (
                f"encoding_preserves_value: {k!r} is {v.encoding}, model listpack="
                f"{cur.listpack}")
            for m, p in cur.pos.items():
                xy = gh.decode_score(v.scores[m])
                assert close(xy, p), f"geopos_round_trip: stored {m!r}: {xy} vs model {p}"


TestGeoMachine = machine_test(GeoMachine, max_examples=30, steps=25)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=300, steps=20)
_fails_with = tripper(GeoMachine, PLANTED)


def test_planted_decode_off_by_a_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A decoder that reads the latitude one cell too far north breaks the round trip."""
    orig = gh.decode_score

    def decode(score: float) -> tuple[float, float]:
        x, y = orig(score)
        return x, y + 2 * _LAT_CELL

    monkeypatch.setattr(gh, "decode_score", decode)
    _fails_with("geopos_round_trip")


def test_planted_asymmetric_geodist(monkeypatch: pytest.MonkeyPatch) -> None:
    """A GEODIST that measures from the lexically larger member a little further."""
    orig = geo.geodist

    def geodist(s: Any, argv: list[bytes]) -> Any:
        r = orig(s, argv)
        if type(r) is bytes and argv[2] > argv[3]:
            return b"%.4f" % (float(r) + 1.0)
        return r

    replace_handler(monkeypatch, b"geodist", geodist)
    _fails_with("geodist_symmetric")


def test_planted_centre_cell_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that scans only the centre cell misses members in the neighbouring cells."""
    orig = gh.search_cells

    def cells(*args: float) -> list[gh.Cell]:
        c = orig(*args)
        return [c[0]] + [gh.ZERO] * 8

    monkeypatch.setattr(gh, "search_cells", cells)
    _fails_with("radius_exact")


def test_planted_sorted_backwards(monkeypatch: pytest.MonkeyPatch) -> None:
    """ASC/DESC sorted the wrong way round."""
    orig = geo.sort_by_distance
    monkeypatch.setattr(geo, "sort_by_distance",
                        lambda found, desc, count=0: orig(found, not desc, count))
    _fails_with("sorted_asc")


def test_planted_empty_result_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    """GEOSEARCHSTORE that stores an empty result instead of deleting the destination."""
    orig = geo.store_result

    def store(s: Any, key: bytes, pairs: list[tuple[bytes, float]], event: str) -> int:
        if not pairs:
            s.db.set_key(key, geo.build([], 128, 64))
            return 0
        return orig(s, key, pairs, event)

    monkeypatch.setattr(geo, "store_result", store)
    _fails_with("no_empty_aggregate")


def test_planted_store_never_listpack(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored result always built as a skiplist has the wrong encoding."""
    orig = geo.build
    monkeypatch.setattr(geo, "build", lambda pairs, e, v: orig(pairs, 0, v))
    _fails_with("encoding_preserves_value")


def test_planted_geoadd_counts_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """A GEOADD that always counts as with CH disagrees with the model's reply."""
    orig = geo.geoadd

    def geoadd(s: Any, argv: list[bytes]) -> Any:
        if b"CH" not in argv:
            argv = [argv[0], argv[1], b"CH", *argv[2:]]
        return orig(s, argv)

    replace_handler(monkeypatch, b"geoadd", geoadd)
    _fails_with("matches_model")
