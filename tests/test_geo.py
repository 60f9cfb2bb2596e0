"""Geo commands (``geo.c``) and geohash arithmetic (``geohash.c``, ``geohash_helper.c``): unit
tests of the pure functions, reply frames in RESP2 and RESP3, keyspace events, dirty counts and
propagation. Expected scores, frames and AOF contents were recorded from Redis 7.0.15."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec.commands.geo import members_in_shape
from redspec.spec.pqsort import pqsort
from redspec.spec.types import geohash as gh
from redspec.spec.types.zset import build
from redspec.spec.values import encoding_of, type_name
from tests.session import Session

SICILY = ["GEOADD", "Sicily", "13.361389", "38.115556", "Palermo",
          "15.087269", "37.502669", "Catania"]

lon_ = st.floats(gh.LONG_MIN, gh.LONG_MAX)
lat_ = st.floats(gh.LAT_MIN, gh.LAT_MAX)


# -- pure functions ---------------------------------------------------------------------------


def test_known_scores_and_hashes() -> None:
    """Scores and geohashes Redis 7.0.15 gives for the documentation's examples and the
    range limits (longitude 180 spills into bit 53)."""
    assert gh.encode_score(13.361389, 38.115556) == 3479099956230698
    assert gh.encode_score(15.087269, 37.502669) == 3479447370796909
    assert gh.encode_score(180, 0) == 10133099161583616
    assert gh.encode_score(-180, 85.05112878) == 4503599627370496
    assert gh.geohash_string(*gh.decode_score(3479099956230698)) == b"sqc8b49rny0"
    assert gh.geohash_string(*gh.decode_score(3479447370796909)) == b"sqdtr74hyu0"


def test_decode_known_positions() -> None:
    assert gh.decode_score(3479099956230698) == (13.361389338970184, 38.1155563954963)
    assert gh.decode_score(10133099161583616)[0] == 180.0  # clamped
    x, y = gh.decode_score(4503599627370496)
    assert (b"%.17f" % x, b"%.17f" % y) == (b"-179.99999731779098511", b"85.05112877999999910")


@pytest.mark.parametrize("score,bits", [
    (-1.0, (1 << 64) - 1), (-1.5, (1 << 64) - 1), (math.inf, 0), (-math.inf, 1 << 63),
    (1e30, 0), (-1e30, 1 << 63), (0.5, 0), (float(1 << 63), 1 << 63), (12.9, 12),
])
def test_score_to_bits_is_the_c_cast(score: float, bits: int) -> None:
    assert gh.score_to_bits(score) == bits


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_interleave_round_trip(x: int, y: int) -> None:
    v = gh.interleave64(x, y)
    assert gh.deinterleave64(v) == (x, y)
    assert all(((v >> (2 * i)) & 1) == ((x >> i) & 1) for i in range(32))


def spills(lon: float, lat: float) -> bool:
    """A position on (or rounding to) the east edge (lon 180) or the north edge (lat
    85.05112878) scales to ``2**26``: its score spills past the 52-bit grid and no search
    cell covers it."""
    bits = gh.encode(lon, lat, gh.STEP_MAX)
    assert bits is not None
    return max(gh.deinterleave64(bits)) >= 1 << 26


@settings(max_examples=200, deadline=None)
@given(lon_, lat_)
def test_encode_decode_within_a_cell(lon: float, lat: float) -> None:
    """Decoding lands within half a 26-step cell of the input (the 52-bit precision)."""
    x, y = gh.decode_score(float(gh.encode_score(lon, lat)))
    # a score past 2**53 (longitude 180) is rounded to a double and loses its lowest bit
    cells = 2 if spills(lon, lat) else 1
    assert abs(x - lon) <= cells * 360 / 2**26
    assert abs(y - lat) <= cells * (2 * gh.LAT_MAX) / 2**26


def test_neighbors_wrap_and_move_one_cell() -> None:
    bits = gh.encode(0.0, 0.0, 3)
    assert bits is not None
    nb = gh.neighbors(bits, 3)
    a = gh.decode_area(bits, 3)
    n = gh.decode_area(nb["north"], 3)
    e = gh.decode_area(nb["east"], 3)
    assert n[2] == pytest.approx(a[3]) and e[0] == pytest.approx(a[1])
    east_edge = gh.encode(179.9, 0.0, 3)
    assert east_edge is not None
    assert gh.decode_area(gh.neighbors(east_edge, 3)["east"], 3)[0] == -180.0


def test_distance_meridian_shortcut() -> None:
    """Same longitude: the meridian arc R*|dlat| (Redis 7.0.15's geohashGetLatDistance)."""
    d = gh.distance(180.0, -31.9, 180.0, 59.5)
    assert d == gh.EARTH_RADIUS_IN_METERS * abs(59.5 * (math.pi / 180) - -31.9 * (math.pi / 180))


def test_estimate_steps() -> None:
    assert gh.estimate_steps(0, 0) == 26
    assert gh.estimate_steps(1, 0) == 24
    assert gh.estimate_steps(200000, 0) == 6
    assert gh.estimate_steps(200000, 70) == 5 and gh.estimate_steps(200000, -81) == 4
    assert gh.estimate_steps(1e9, 0) == 1 and gh.estimate_steps(math.inf, 0) == 1


def test_search_cells_tolerate_infinite_sizes() -> None:
    cells = gh.search_cells(15.0, 37.0, math.inf, math.inf, math.inf)
    assert len(cells) == 9 and cells[0][1] == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(lon_, lat_), min_size=1, max_size=25), lon_, lat_,
       st.sampled_from([1e3, 1e5, 1e6, 5e6]))
def test_radius_search_is_exact(pts: list[tuple[float, float]], lon: float, lat: float,
                                r: float) -> None:
    """The nine-cell scan returns only points within the radius, with their distance, and
    every such point except the ones whose score spills off the grid and the ones reached
    only across the antimeridian (brute force). Redis's cells do not wrap at +-180 either:
    ``GEOADD k -136 0 m0`` then ``GEORADIUS k 180 0 5000 km`` answers an empty array on
    7.0.15 although m0 is 4,893 km away (a case Hypothesis found; tests/test_geo.py's
    ``test_no_search_across_the_antimeridian`` pins it)."""
    z = build([(b"m%d" % i, float(gh.encode_score(x, y))) for i, (x, y) in enumerate(pts)],
              128, 64)
    found = members_in_shape(z, lon, lat, None, r, 1.0, 0)
    got = {m for m, *_ in found}
    assert all(d == gh.distance(lon, lat, x, y) <= r for _, _, d, x, y in found)
    want = {b"m%d" % i for i, (x, y) in enumerate(pts)
            if not spills(x, y) and abs(x - lon) <= 180 and gh.distance(
                lon, lat, *gh.decode_score(float(gh.encode_score(x, y)))) <= r}
    assert want <= got


def test_no_search_across_the_antimeridian() -> None:
    """As 7.0.15 (checked by hand on a real server): the search cells around longitude 180
    do not wrap, so a point 44 degrees away across the antimeridian is not found."""
    z = build([(b"m0", float(gh.encode_score(-136.0, 0.0)))], 128, 64)
    assert gh.distance(180.0, 0.0, -136.0, 0.0) < 5e6
    assert members_in_shape(z, 180.0, 0.0, None, 5e6, 1.0, 0) == []


def test_edge_positions_are_never_found() -> None:
    """Observed on 7.0.15: ``GEOADD g 180 0 east 179.99 0 near`` then a 100 km search
    around (179.9, 0) finds only ``near``; the same for latitude 85.05112878."""
    z = build([(b"east", float(gh.encode_score(180, 0))),
               (b"near", float(gh.encode_score(179.99, 0))),
               (b"top", float(gh.encode_score(0, gh.LAT_MAX))),
               (b"below", float(gh.encode_score(0, 85.0511)))], 128, 64)
    assert [m for m, *_ in members_in_shape(z, 179.9, 0, None, 100, 1000.0, 0)] == [b"near"]
    assert [m for m, *_ in members_in_shape(z, 0, 85, None, 100, 1000.0, 0)] == [b"below"]


# -- commands -----------------------------------------------------------------------------------


def test_geoadd_replies_and_encoding() -> None:
    s = Session()
    assert s.call(*SICILY) == b":2\r\n"
    assert s.call(*SICILY) == b":0\r\n"
    assert s.call("GEOADD", "Sicily", "CH", "1", "1", "Palermo") == b":1\r\n"
    assert type_name(s.value("Sicily")) == "zset"
    assert encoding_of(s.value("Sicily")) == "listpack"
    assert s.call("GEOADD", "k", "181", "10", "m") == (
        b"-ERR invalid longitude,latitude pair 181.000000,10.000000\r\n")
    assert s.call("GEOADD", "k", "inf", "10", "m") == (
        b"-ERR invalid longitude,latitude pair inf,10.000000\r\n")
    assert s.call("GEOADD", "k", "NX", "XX", "1", "1", "m") == b"-ERR syntax error\r\n"
    assert s.call("GEOADD", "k", "1", "x", "m") == b"-ERR value is not a valid float\r\n"


def test_geopos_geohash_geodist_frames() -> None:
    s = Session()
    s.call(*SICILY)
    assert s.call("GEOPOS", "Sicily", "Palermo", "nope") == (
        b"*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n")
    assert s.call("GEOHASH", "Sicily", "Palermo", "Catania", "nope") == (
        b"*3\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n")
    assert s.call("GEODIST", "Sicily", "Palermo", "Catania", "km") == b"$8\r\n166.2742\r\n"
    assert s.call("GEODIST", "Sicily", "Palermo", "Catania", "x") == (
        b"-ERR unsupported unit provided. please use M, KM, FT, MI\r\n")
    assert s.call("GEODIST", "nokey", "a", "b") == b"$-1\r\n"
    s.call("HELLO", "3")
    assert s.call("GEOPOS", "Sicily", "Palermo", "nope") == (
        b"*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n")


def test_geosearch_frames_resp2_and_resp3() -> None:
    s = Session()
    s.call(*SICILY)
    q = ["GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC",
         "WITHCOORD", "WITHDIST", "WITHHASH"]
    s.call("HELLO", "3")
    assert s.call(*q) == (
        b"*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
        b"*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n"
        b"*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
        b"*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n")
    s.call("HELLO", "2")
    assert s.call(*q).count(b"$20\r\n13.36138933897018433") == 1


@pytest.mark.parametrize("args,err", [
    (["FROMLONLAT", "15", "37", "BYRADIUS", "10", "km", "ANY"],
     "the ANY argument requires COUNT argument"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "10", "km", "COUNT", "0"], "COUNT must be > 0"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km"], "radius cannot be negative"),
    (["FROMLONLAT", "15", "37", "BYRADIUS", "x", "km"], "need numeric radius"),
    (["FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km"], "need numeric width"),
    (["FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km"], "need numeric height"),
    (["FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km"], "height or width cannot be negative"),
    (["FROMMEMBER", "nope", "BYBOX", "1", "1", "km"], "could not decode requested zset member"),
    (["FROMMEMBER", "Palermo", "FROMLONLAT", "1", "2", "BYBOX", "1", "1", "km"], "syntax error"),
    (["BYRADIUS", "1", "km", "ASC", "ASC"],
     "exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"),
    (["FROMLONLAT", "1", "1", "ASC", "ASC"],
     "exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"),
])
def test_geosearch_errors(args: list[str], err: str) -> None:
    s = Session()
    s.call(*SICILY)
    assert s.call("GEOSEARCH", "Sicily", *args) == b"-ERR " + err.encode() + b"\r\n"


def test_store_variants_events_dirty_and_propagation() -> None:
    s = Session(**{"notify-keyspace-events": "KEzg"})
    eff = s.effects(*SICILY)
    assert [(e, k) for _, e, k, _ in eff.notifications if e != "new"] == [("zadd", b"Sicily")]
    assert [a for _, a in eff.propagate] == [
        (b"zadd", b"Sicily", b"3479099956230698", b"Palermo", b"3479447370796909", b"Catania")]
    before = s.state.dirty
    eff = s.effects("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS",
                    "200", "km", "STOREDIST")
    assert [(e, k) for _, e, k, _ in eff.notifications if e != "new"] == [("geosearchstore", b"d")]
    assert s.state.dirty - before == 2
    assert s.call("ZRANGE", "d", "0", "-1", "WITHSCORES") == (
        b"*4\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n"
        b"$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n")
    eff = s.effects("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "e", "COUNT", "1")
    assert [(e, k) for _, e, k, _ in eff.notifications if e != "new"] == [("georadiusstore", b"e")]
    eff = s.effects("GEORADIUS", "Sicily", "0", "0", "1", "km", "STORE", "e")
    assert [(e, k) for _, e, k, _ in eff.notifications if e != "new"] == [("del", b"e")]
    assert s.call("EXISTS", "e") == b":0\r\n"
    eff = s.effects("GEOADD", "Sicily", "XX", "CH", "1", "1", "Palermo")
    assert [a for _, a in eff.propagate] == [
        (b"zadd", b"Sicily", b"XX", b"CH", b"3377822707026402", b"Palermo")]


def test_unsorted_result_follows_cell_order() -> None:
    """Without ASC/DESC the reply lists cells in Redis's order (centre, N, S, E, W, NE, NW,
    SE, SW), each by score (observed on 7.0.15: Palermo before Catania from 15,37)."""
    s = Session()
    s.call(*SICILY)
    assert s.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km") == (
        b"*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n")


def test_pqsort_order_of_ties_as_redis() -> None:
    """Observed on 7.0.15: ten members at one point, ``x``/``y`` 109 m away, COUNT 3 ASC
    replies ``i a b`` (``pqsort`` is not stable; a whole sort would give ``a b c``)."""
    s = Session()
    s.call("GEOADD", "k", *[x for m in "abcdefghij" for x in ("10", "10", m)],
           "10.001", "10", "x", "9.999", "10", "y")
    q = ["GEOSEARCH", "k", "FROMLONLAT", "10", "10", "BYRADIUS", "1", "km"]
    assert s.call(*q, "COUNT", "3", "ASC") == b"*3\r\n$1\r\ni\r\n$1\r\na\r\n$1\r\nb\r\n"
    assert s.call(*q, "COUNT", "12", "ASC").startswith(b"*12\r\n$1\r\na\r\n$1\r\nb\r\n")


def _cmp(a: int, b: int) -> int:
    return (a > b) - (a < b)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=60), st.data())
def test_pqsort_orders_the_requested_ranks(v: list[int], data: st.DataObject) -> None:
    """pqsort leaves a permutation whose ranks lrange..rrange hold what a full sort puts
    there."""
    lo = data.draw(st.integers(0, max(0, len(v) - 1)))
    hi = data.draw(st.integers(lo, max(lo, len(v) - 1)))
    w = list(v)
    pqsort(w, _cmp, lo, hi)
    assert sorted(w) == sorted(v)
    assert w[lo:hi + 1] == sorted(v)[lo:hi + 1]
