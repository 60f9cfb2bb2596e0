"""Geohash arithmetic as Redis does it (``geohash.c``, ``geohash_helper.c``): pure functions.

A position is stored in a sorted set as the score ``geohashAlign52Bits`` of its 26-step
geohash: longitude and latitude are each scaled to a 26-bit integer over their range
(longitude -180..180, latitude -85.05112878..85.05112878, the Web-Mercator limits) and the two
are interleaved, latitude in the even bits and longitude in the odd ones (``interleave64``).
Decoding takes the centre of the cell (``geohashDecodeAreaToLongLat``), clamped to the ranges.

Radius and box searches (``geohashCalculateAreasByShapeWGS84``) choose a step from the radius
(``geohashEstimateStepsByRadius``), take the cell of the centre and its eight neighbours
(``geohashNeighbors``), drop neighbours that cannot intersect the bounding box, and scan each
remaining cell as a score range ``[min, max)`` of the sorted set; every candidate is checked
with the haversine distance (``geohashGetDistance``, earth radius 6372797.560856 m).

Every float operation is done in the order the C code does it, so results agree bit for bit
(the transcendental functions are the C library's, as Redis's are).
"""

from __future__ import annotations

import math

__all__ = [
    "LONG_MIN",
    "LONG_MAX",
    "LAT_MIN",
    "LAT_MAX",
    "STEP_MAX",
    "EARTH_RADIUS_IN_METERS",
    "interleave64",
    "deinterleave64",
    "encode",
    "encode_score",
    "align52",
    "decode_area",
    "decode_score",
    "score_to_bits",
    "neighbors",
    "distance",
    "estimate_steps",
    "bounding_box",
    "search_cells",
    "cell_score_range",
    "geohash_string",
    "in_radius",
    "in_rectangle",
]

LONG_MIN = -180.0
LONG_MAX = 180.0
LAT_MIN = -85.05112878
LAT_MAX = 85.05112878
STEP_MAX = 26  # GEO_STEP_MAX: 52 bits of precision
EARTH_RADIUS_IN_METERS = 6372797.560856
MERCATOR_MAX = 20037726.37
_D_R = math.pi / 180.0  # D_R

_M64 = (1 << 64) - 1
_EVEN = 0x5555555555555555
_ODD = 0xAAAAAAAAAAAAAAAA

#: A cell: ``(bits, step)``; ``(0, 0)`` is the "zero" (excluded) neighbour (``GZERO``).
Cell = tuple[int, int]
ZERO: Cell = (0, 0)


def _spread(v: int) -> int:
    """The 32 bits of ``v`` moved to the even bit positions of a 64-bit word."""
    v &= 0xFFFFFFFF
    v = (v | (v << 16)) & 0x0000FFFF0000FFFF
    v = (v | (v << 8)) & 0x00FF00FF00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v << 2)) & 0x3333333333333333
    v = (v | (v << 1)) & 0x5555555555555555
    return v


def _squash(v: int) -> int:
    """Inverse of :func:`_spread`: the even bits of ``v`` packed into 32 bits."""
    v &= 0x5555555555555555
    v = (v | (v >> 1)) & 0x3333333333333333
    v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v >> 4)) & 0x00FF00FF00FF00FF
    v = (v | (v >> 8)) & 0x0000FFFF0000FFFF
    v = (v | (v >> 16)) & 0x00000000FFFFFFFF
    return v


def interleave64(x: int, y: int) -> int:
    """``interleave64``: the bits of the 32-bit ``x`` in the even positions, ``y`` in the odd."""
    return _spread(x) | (_spread(y) << 1)


def deinterleave64(v: int) -> tuple[int, int]:
    """``deinterleave64``: ``(even bits, odd bits)`` of a 64-bit word, each as 32 bits."""
    return _squash(v), _squash(v >> 1)


def encode(
    lon: float,
    lat: float,
    step: int,
    lon_min: float = LONG_MIN,
    lon_max: float = LONG_MAX,
    lat_min: float = LAT_MIN,
    lat_max: float = LAT_MAX,
) -> int | None:
    """``geohashEncode``: the ``2*step``-bit hash of a position within the given ranges, or
    None outside the Web-Mercator limits or the ranges. An edge value (lon 180) scales to
    ``2**step`` and spills into the next bit, as the C conversion to ``uint32_t`` does."""
    if lon > LONG_MAX or lon < LONG_MIN or lat > LAT_MAX or lat < LAT_MIN:
        return None
    if lat < lat_min or lat > lat_max or lon < lon_min or lon > lon_max:
        return None
    lat_off = (lat - lat_min) / (lat_max - lat_min)
    lon_off = (lon - lon_min) / (lon_max - lon_min)
    lat_off *= 1 << step
    lon_off *= 1 << step
    return interleave64(int(lat_off), int(lon_off))


def align52(bits: int, step: int) -> int:
    """``geohashAlign52Bits``: the hash shifted to 52 bits (the sorted-set score)."""
    return (bits << (52 - step * 2)) & _M64


def encode_score(lon: float, lat: float) -> int:
    """The score GEOADD stores for a (validated) position: the 26-step hash, 52-bit aligned."""
    bits = encode(lon, lat, STEP_MAX)
    assert bits is not None
    return align52(bits, STEP_MAX)


def score_to_bits(score: float) -> int:
    """``(uint64_t)score`` as gcc compiles it on x86-64 (``cvttsd2si``): truncation; a
    negative value wraps modulo 2**64 (below -2**63, and NaN and -inf, give 2**63); values
    of 2**64 and more (and +inf) give 0."""
    if score != score:
        return 1 << 63
    if score < 9223372036854775808.0:
        if score <= -9223372036854775809.0 or score == -math.inf:
            return 1 << 63
        return int(score) & _M64
    if score == math.inf or score >= 18446744073709551616.0:
        return 0
    return int(score) & _M64


def decode_area(
    bits: int,
    step: int,
    lon_min: float = LONG_MIN,
    lon_max: float = LONG_MAX,
    lat_min: float = LAT_MIN,
    lat_max: float = LAT_MAX,
) -> tuple[float, float, float, float]:
    """``geohashDecode``: the cell ``(lon_min, lon_max, lat_min, lat_max)`` of a hash."""
    ilat, ilon = deinterleave64(bits)
    lat_scale = lat_max - lat_min
    lon_scale = lon_max - lon_min
    div = float(1 << step)
    return (
        lon_min + (ilon * 1.0 / div) * lon_scale,
        lon_min + ((ilon + 1) * 1.0 / div) * lon_scale,
        lat_min + (ilat * 1.0 / div) * lat_scale,
        lat_min + ((ilat + 1) * 1.0 / div) * lat_scale,
    )


_LAT_SCALE = LAT_MAX - LAT_MIN
_LON_SCALE = LONG_MAX - LONG_MIN
_CELLS = float(1 << STEP_MAX)


def decode_score(score: float) -> tuple[float, float]:
    """``decodeGeohash``: the ``(lon, lat)`` a sorted-set score stands for, the centre of
    its 26-step cell clamped to the valid ranges (``geohashDecodeAreaToLongLat``). Any score
    decodes, even one not written by GEOADD. (:func:`decode_area` inlined: hot path.)"""
    bits = int(score) if 0.0 <= score < 18446744073709551616.0 else score_to_bits(score)
    ilat = _squash(bits)
    ilon = _squash(bits >> 1)
    x = (LONG_MIN + (ilon * 1.0 / _CELLS) * _LON_SCALE
         + (LONG_MIN + ((ilon + 1) * 1.0 / _CELLS) * _LON_SCALE)) / 2
    if x > LONG_MAX:
        x = LONG_MAX
    elif x < LONG_MIN:
        x = LONG_MIN
    y = (LAT_MIN + (ilat * 1.0 / _CELLS) * _LAT_SCALE
         + (LAT_MIN + ((ilat + 1) * 1.0 / _CELLS) * _LAT_SCALE)) / 2
    if y > LAT_MAX:
        y = LAT_MAX
    elif y < LAT_MIN:
        y = LAT_MIN
    return x, y


def _move(bits: int, step: int, d: int, lane: int) -> int:
    """``geohash_move_x`` (``lane`` :data:`_ODD`: the longitude bits, east for ``d > 0``) and
    ``geohash_move_y`` (``lane`` :data:`_EVEN`: the latitude bits, north): one cell along
    that axis, wrapping around; the other lane's bits stay."""
    other = lane ^ _M64
    a = bits & lane
    zz = other >> (64 - step * 2)
    if d > 0:
        a = (a + (zz + 1)) & _M64
    else:
        a = ((a | zz) - (zz + 1)) & _M64
    a &= lane >> (64 - step * 2)
    return a | (bits & other)


def neighbors(bits: int, step: int) -> dict[str, int]:
    """``geohashNeighbors``: the eight cells around a cell, by compass direction."""
    e = _move(bits, step, 1, _ODD)
    w = _move(bits, step, -1, _ODD)
    return {
        "east": e,
        "west": w,
        "south": _move(bits, step, -1, _EVEN),
        "north": _move(bits, step, 1, _EVEN),
        "north_west": _move(w, step, 1, _EVEN),
        "south_west": _move(w, step, -1, _EVEN),
        "north_east": _move(e, step, 1, _EVEN),
        "south_east": _move(e, step, -1, _EVEN),
    }


def distance(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """``geohashGetDistance``: the haversine great-circle distance in meters. When the
    longitudes give ``sin(dlon/2) == 0`` it is the plain meridian arc
    (``geohashGetLatDistance``), as in Redis 7.0.15."""
    lon1r = lon1 * _D_R
    lon2r = lon2 * _D_R
    v = math.sin((lon2r - lon1r) / 2)
    if v == 0.0:
        return EARTH_RADIUS_IN_METERS * abs(lat2 * _D_R - lat1 * _D_R)
    lat1r = lat1 * _D_R
    lat2r = lat2 * _D_R
    u = math.sin((lat2r - lat1r) / 2)
    a = u * u + math.cos(lat1r) * math.cos(lat2r) * v * v
    return 2.0 * EARTH_RADIUS_IN_METERS * math.asin(math.sqrt(a))


def in_radius(lon1: float, lat1: float, lon2: float, lat2: float, radius: float) -> float | None:
    """``geohashGetDistanceIfInRadiusWGS84``: the distance when it is at most ``radius``."""
    d = distance(lon1, lat1, lon2, lat2)
    return None if d > radius else d


def in_rectangle(width_m: float, height_m: float, lon1: float, lat1: float, lon2: float,
                 lat2: float) -> float | None:
    """``geohashGetDistanceIfInRectangle``: the distance from the box centre ``(lon1,
    lat1)`` to the point ``(lon2, lat2)`` when the point's east-west distance (along its
    own parallel) is at most half the width and its north-south distance at most half the
    height."""
    lat_d = EARTH_RADIUS_IN_METERS * abs(lat1 * _D_R - lat2 * _D_R)
    if lat_d > height_m / 2:
        return None
    if distance(lon2, lat2, lon1, lat2) > width_m / 2:
        return None
    return distance(lon1, lat1, lon2, lat2)


def estimate_steps(range_meters: float, lat: float) -> int:
    """``geohashEstimateStepsByRadius``: the coarsest step whose cells are about as wide as
    the radius (fewer bits towards the poles), between 1 and 26."""
    if range_meters == 0:
        return 26
    step = 1
    while range_meters < MERCATOR_MAX:
        range_meters *= 2
        step += 1
    step -= 2
    if lat > 66 or lat < -66:
        step -= 1
        if lat > 80 or lat < -80:
            step -= 1
    if step < 1:
        step = 1
    if step > 26:
        step = 26
    return step


def _cos(x: float) -> float:
    """C ``cos``: NaN (not an exception) for an infinite argument."""
    return math.cos(x) if math.isfinite(x) else math.nan


def _div(a: float, b: float) -> float:
    """C double division: a zero divisor gives ±inf or NaN instead of an exception."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return math.nan
    return math.inf if (a > 0) == (math.copysign(1.0, b) > 0) else -math.inf


def bounding_box(lon: float, lat: float, half_width_m: float,
                 half_height_m: float) -> tuple[float, float, float, float]:
    """``geohashBoundingBox``: ``(min lon, min lat, max lon, max lat)`` around the centre;
    the longitude span is taken at the box edge nearer the pole."""
    lat_delta = (half_height_m / EARTH_RADIUS_IN_METERS) / _D_R
    w = half_width_m / EARTH_RADIUS_IN_METERS
    top = _div(w, _cos((lat + lat_delta) * _D_R)) / _D_R
    bottom = _div(w, _cos((lat - lat_delta) * _D_R)) / _D_R
    if lat < 0:
        return lon - bottom, lat - lat_delta, lon + bottom, lat + lat_delta
    return lon - top, lat - lat_delta, lon + top, lat + lat_delta


def search_cells(lon: float, lat: float, radius_m: float, half_width_m: float,
                 half_height_m: float) -> list[Cell]:
    """``geohashCalculateAreasByShapeWGS84`` + the visiting order of
    ``membersOfAllNeighbors``: the nine cells (centre, N, S, E, W, NE, NW, SE, SW) to scan,
    excluded ones as :data:`ZERO`. ``radius_m`` is the radius (or the half diagonal of a
    box) in meters; the half sizes give the bounding box (both the radius for a circle)."""
    min_lon, min_lat, max_lon, max_lat = bounding_box(lon, lat, half_width_m, half_height_m)
    steps = estimate_steps(radius_m, lat)
    bits = encode(lon, lat, steps)
    assert bits is not None
    nb = neighbors(bits, steps)
    n = decode_area(nb["north"], steps)
    s = decode_area(nb["south"], steps)
    e = decode_area(nb["east"], steps)
    w = decode_area(nb["west"], steps)
    if steps > 1 and (n[3] < max_lat or s[2] > min_lat or e[1] < max_lon or w[0] > min_lon):
        steps -= 1
        bits = encode(lon, lat, steps)
        assert bits is not None
        nb = neighbors(bits, steps)
    area = decode_area(bits, steps)
    cells: dict[str, Cell] = {k: (v, steps) for k, v in nb.items()}
    if steps >= 2:
        if area[2] < min_lat:
            cells["south"] = cells["south_west"] = cells["south_east"] = ZERO
        if area[3] > max_lat:
            cells["north"] = cells["north_east"] = cells["north_west"] = ZERO
        if area[0] < min_lon:
            cells["west"] = cells["south_west"] = cells["north_west"] = ZERO
        if area[1] > max_lon:
            cells["east"] = cells["south_east"] = cells["north_east"] = ZERO
    return [(bits, steps), cells["north"], cells["south"], cells["east"], cells["west"],
            cells["north_east"], cells["north_west"], cells["south_east"], cells["south_west"]]


def cell_score_range(cell: Cell) -> tuple[int, int]:
    """``scoresOfGeoHashBox``: the scores ``[min, max)`` of the positions inside a cell."""
    bits, step = cell
    return align52(bits, step), align52(bits + 1, step)


_ALPHABET = b"0123456789bcdefghjkmnpqrstuvwxyz"


def geohash_string(lon: float, lat: float) -> bytes:
    """GEOHASH's 11-character standard geohash of a decoded position: re-encoded over
    latitude -90..90 with 52 bits, the eleventh character always ``0``."""
    bits = encode(lon, lat, STEP_MAX, LONG_MIN, LONG_MAX, -90.0, 90.0)
    if bits is None:  # outside the Mercator limits: cannot happen for a decoded position
        bits = 0
    out = bytearray(11)
    for i in range(10):
        out[i] = _ALPHABET[(bits >> (52 - (i + 1) * 5)) & 0x1F]
    out[10] = _ALPHABET[0]
    return bytes(out)
