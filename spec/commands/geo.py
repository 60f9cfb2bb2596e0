"""Geo commands (Redis's ``geo.c``): positions kept in a sorted set.

A geo set is an ordinary sorted set (:class:`~redspec.spec.types.zset.ZSet`, TYPE ``zset``)
whose scores are 52-bit geohashes (:mod:`redspec.spec.types.geohash`). GEOADD turns its
arguments into a ZADD (``replaceClientCommandVector``) and runs it, so it replies, notifies
(``zadd``), counts dirty and propagates exactly as that ZADD. The searches
(``georadiusGeneric``: GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH, GEOSEARCHSTORE)
scan the nine cells of ``geohashCalculateAreasByShapeWGS84`` in Redis's order and keep the
members inside the circle or box; without ASC/DESC the result keeps that visiting order.

Replies: distances as bulk strings with four decimals (``addReplyDoubleDistance``),
coordinates as ``addReplyHumanLongDouble`` (RESP2 bulk, RESP3 double, ``%.17Lf`` with the
trailing zeros cut), hashes as integers.
"""

from __future__ import annotations

import math
from typing import Any

from ..cstr import c_word
from ..db import lookup_typed
from ..errors import NOT_FLOAT, NOT_INTEGER, SYNTAX
from ..numbers import string2ll
from ..pqsort import pqsort
from ..reply import NULL_ARRAY, Err, Raw, Reply
from ..step import Step
from ..types import geohash as gh
from ..types.zset import ZSet, build
from .registry import command
from .zsets import string2d, zadd

UNIT_ERR = Err("ERR unsupported unit provided. please use M, KM, FT, MI")
NEED_RADIUS = Err("ERR need numeric radius")
NEED_WIDTH = Err("ERR need numeric width")
NEED_HEIGHT = Err("ERR need numeric height")
RADIUS_NEGATIVE = Err("ERR radius cannot be negative")
BOX_NEGATIVE = Err("ERR height or width cannot be negative")
COUNT_POSITIVE = Err("ERR COUNT must be > 0")
ANY_NEEDS_COUNT = Err("ERR the ANY argument requires COUNT argument")
BAD_MEMBER = Err("ERR could not decode requested zset member")

#: ``extractUnitOrReply``: unit -> meters per unit.
UNITS = {b"m": 1.0, b"km": 1000.0, b"ft": 0.3048, b"mi": 1609.34}

# georadiusGeneric flags
RADIUS_COORDS, RADIUS_MEMBER, RADIUS_NOSTORE, GEOSEARCH, GEOSEARCHSTORE = (1 << i for i in
                                                                            range(5))
SORT_NONE, SORT_ASC, SORT_DESC = range(3)


def _read(s: Step, key: bytes) -> Any:
    """``lookupKeyRead`` + ``checkType(OBJ_ZSET)``: the zset, None, or WRONGTYPE."""
    return lookup_typed(s, key, ZSet)


def _fmt_c(v: float) -> str:
    """``%f`` as glibc prints it (``inf``/``-inf``/``nan`` spelt out)."""
    if v != v:
        return "-nan" if str(v).startswith("-") else "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return f"{v:f}"


def lonlat(a: bytes, b: bytes) -> tuple[float, float] | Err:
    """``extractLongLatOrReply``: two doubles inside the Web-Mercator limits."""
    x = string2d(a)
    if x is None:
        return NOT_FLOAT
    y = string2d(b)
    if y is None:
        return NOT_FLOAT
    if x < gh.LONG_MIN or x > gh.LONG_MAX or y < gh.LAT_MIN or y > gh.LAT_MAX:
        return Err(f"ERR invalid longitude,latitude pair {_fmt_c(x)},{_fmt_c(y)}")
    return x, y


def unit(arg: bytes) -> float | Err:
    """``extractUnitOrReply``: meters per unit (m, km, ft, mi; any case)."""
    u = UNITS.get(c_word(arg))
    return UNIT_ERR if u is None else u


def distance_text(d: float) -> bytes:
    """``addReplyDoubleDistance``: four decimals."""
    return b"%.4f" % d


def coord(v: float, resp: int) -> Any:
    """``addReplyHumanLongDouble`` of a coordinate: ``%.17Lf`` without trailing zeros (the
    double's exact value rounded to 17 decimals); a bulk string in RESP2, a double in RESP3."""
    t = b"%.17f" % v
    t = t.rstrip(b"0").rstrip(b".")
    if t == b"-0":
        t = b"0"
    if resp >= 3:
        return Raw(b",%s\r\n" % t)
    return t


# -- GEOADD ----------------------------------------------------------------------------------


@command("geoadd")
def geoadd(s: Step, argv: list[bytes]) -> Reply:
    """GEOADD key [NX|XX] [CH] lon lat member [...] (``geoaddCommand``): each position
    becomes its 52-bit score and the command runs as ``ZADD key [options] score member ...``
    (and propagates so)."""
    i = 2
    n = len(argv)
    nx = xx = False
    while i < n:
        w = c_word(argv[i])
        if w == b"nx":
            nx = True
        elif w == b"xx":
            xx = True
        elif w != b"ch":
            break
        i += 1
    if (n - i) % 3 or (nx and xx):
        return SYNTAX
    zargv = [b"zadd", *argv[1:i]]
    for j in range(i, n, 3):
        xy = lonlat(argv[j], argv[j + 1])
        if isinstance(xy, Err):
            return xy
        zargv.append(b"%d" % gh.encode_score(xy[0], xy[1]))
        zargv.append(argv[j + 2])
    s.argv_rewrite = tuple(zargv)
    return zadd(s, zargv)


# -- GEOPOS / GEOHASH / GEODIST ------------------------------------------------------------------


def _member_scores(s: Step, argv: list[bytes]) -> list[float | None] | Err:
    """GEOPOS's and GEOHASH's lookup: the score of each member ``argv[2:]`` in the sorted set
    at ``argv[1]`` (None for a missing member or key), or WRONGTYPE."""
    z = _read(s, argv[1])
    if isinstance(z, Err):
        return z
    return [None if z is None else z.scores.get(m) for m in argv[2:]]


@command("geopos")
def geopos(s: Step, argv: list[bytes]) -> Reply:
    """GEOPOS key member [...]: ``[lon, lat]`` per member, the null array when absent."""
    scores = _member_scores(s, argv)
    if isinstance(scores, Err):
        return scores
    resp = s.client.resp
    return [NULL_ARRAY if sc is None else [coord(v, resp) for v in gh.decode_score(sc)]
            for sc in scores]


@command("geohash")
def geohash(s: Step, argv: list[bytes]) -> Reply:
    """GEOHASH key member [...]: the 11-character standard geohash per member, or nil."""
    scores = _member_scores(s, argv)
    if isinstance(scores, Err):
        return scores
    return [None if sc is None else gh.geohash_string(*gh.decode_score(sc)) for sc in scores]


@command("geodist")
def geodist(s: Step, argv: list[bytes]) -> Reply:
    """GEODIST key m1 m2 [unit]: the haversine distance (four decimals), nil when the key or
    a member is missing. The unit is checked before the key."""
    to_meter = 1.0
    if len(argv) == 5:
        u = unit(argv[4])
        if isinstance(u, Err):
            return u
        to_meter = u
    elif len(argv) > 5:
        return SYNTAX
    z = _read(s, argv[1])
    if z is None or type(z) is Err:
        return z
    s1 = z.scores.get(argv[2])
    s2 = z.scores.get(argv[3])
    if s1 is None or s2 is None:
        return None
    x1, y1 = gh.decode_score(s1)
    x2, y2 = gh.decode_score(s2)
    return distance_text(gh.distance(x1, y1, x2, y2) / to_meter)


# -- searches --------------------------------------------------------------------------------


def members_in_shape(
    z: ZSet,
    lon: float,
    lat: float,
    box: tuple[float, float] | None,
    radius: float,
    conversion: float,
    limit: int,
) -> list[tuple[bytes, float, float, float, float]]:
    """``geohashCalculateAreasByShapeWGS84`` + ``membersOfAllNeighbors``: the members inside
    a circle of ``radius`` (or a ``box`` of (width, height)), in ``conversion`` meters per
    unit, around ``(lon, lat)``, as ``(member, score, distance in meters, lon, lat)`` in the
    order Redis visits them. ``limit`` > 0 stops the scan at that many (COUNT ... ANY)."""
    if box is None:
        radius_m = radius * conversion
        half_w = half_h = conversion * radius
    else:
        w, h = box
        radius_m = math.sqrt((w / 2) * (w / 2) + (h / 2) * (h / 2)) * conversion
        half_w = conversion * (w / 2)
        half_h = conversion * (h / 2)
        width_m = w * conversion
        height_m = h * conversion
    cells = gh.search_cells(lon, lat, radius_m, half_w, half_h)
    out: list[tuple[bytes, float, float, float, float]] = []
    last = 0  # index of the last cell scanned; 0 (the centre) is never compared against
    decode = gh.decode_score
    for i, cell in enumerate(cells):
        if cell == gh.ZERO:
            continue
        if last and cell == cells[last]:
            continue
        if limit and out and len(out) >= limit:
            break
        lo_score, hi_score = gh.cell_score_range(cell)
        lo = z.count_below(float(lo_score), False)
        hi = z.count_below(float(hi_score), False)
        if hi > lo:
            for m, sc in z.slice(lo, hi):
                x, y = decode(sc)
                if box is None:
                    d = gh.in_radius(lon, lat, x, y, radius_m)
                else:
                    d = gh.in_rectangle(width_m, height_m, lon, lat, x, y)
                if d is not None:
                    out.append((m, sc, d, x, y))
                if limit and out and len(out) >= limit:
                    break
        last = i
    return out


def georadius_generic(s: Step, argv: list[bytes], src: int, flags: int) -> Reply:
    """``georadiusGeneric``: GEORADIUS, GEORADIUSBYMEMBER (and _RO), GEOSEARCH and
    GEOSEARCHSTORE. Checks in Redis's order: the source's type, the fixed centre/radius
    arguments, each option as it comes (errors of FROMMEMBER, FROMLONLAT, BYRADIUS, BYBOX
    and COUNT values at once), STORE vs WITH*, FROM*/BY* present, ANY needs COUNT; then a
    missing source gives an empty reply (or deletes the destination and replies 0)."""
    z = _read(s, argv[src])
    if isinstance(z, Err):
        return z
    storekey: bytes | None = None
    storedist = False
    lon = lat = 0.0
    radius = 0.0
    conversion = 1.0
    box: tuple[float, float] | None = None
    if flags & RADIUS_COORDS:
        base = 6
        xy = lonlat(argv[2], argv[3])
        if isinstance(xy, Err):
            return xy
        lon, lat = xy
        r = _distance_arg(argv[4], argv[5])
        if isinstance(r, Err):
            return r
        radius, conversion = r
    elif flags & RADIUS_MEMBER:
        base = 5
        if z is not None:
            sc = z.scores.get(argv[2])
            if sc is None:
                return BAD_MEMBER
            lon, lat = gh.decode_score(sc)
            r = _distance_arg(argv[3], argv[4])
            if isinstance(r, Err):
                return r
            radius, conversion = r
    else:
        base = 2
        if flags & GEOSEARCHSTORE:
            base = 3
            storekey = argv[1]
    withdist = withhash = withcoord = False
    frommember = fromloc = byradius = bybox = False
    sort = SORT_NONE
    anyflag = False
    count = 0
    argc = len(argv)
    remaining = argc - base
    i = 0
    while i < remaining:
        arg = argv[base + i]
        w = c_word(arg)
        if w == b"withdist":
            withdist = True
        elif w == b"withhash":
            withhash = True
        elif w == b"withcoord":
            withcoord = True
        elif w == b"any":
            anyflag = True
        elif w == b"asc":
            sort = SORT_ASC
        elif w == b"desc":
            sort = SORT_DESC
        elif w == b"count" and i + 1 < remaining:
            c = string2ll(argv[base + i + 1])
            if c is None:
                return NOT_INTEGER
            if c <= 0:
                return COUNT_POSITIVE
            count = c
            i += 1
        elif (w == b"store" or w == b"storedist") and i + 1 < remaining and not flags & (
            RADIUS_NOSTORE | GEOSEARCH
        ):
            storekey = argv[base + i + 1]
            storedist = w == b"storedist"
            i += 1
        elif w == b"storedist" and flags & GEOSEARCH and flags & GEOSEARCHSTORE:
            storedist = True
        elif w == b"frommember" and i + 1 < remaining and flags & GEOSEARCH and not fromloc:
            if z is not None:
                sc = z.scores.get(argv[base + i + 1])
                if sc is None:
                    return BAD_MEMBER
                lon, lat = gh.decode_score(sc)
            frommember = True
            i += 1
        elif w == b"fromlonlat" and i + 2 < remaining and flags & GEOSEARCH and not frommember:
            xy = lonlat(argv[base + i + 1], argv[base + i + 2])
            if isinstance(xy, Err):
                return xy
            lon, lat = xy
            fromloc = True
            i += 2
        elif w == b"byradius" and i + 2 < remaining and flags & GEOSEARCH and not bybox:
            r = _distance_arg(argv[base + i + 1], argv[base + i + 2])
            if isinstance(r, Err):
                return r
            radius, conversion = r
            box = None
            byradius = True
            i += 2
        elif w == b"bybox" and i + 3 < remaining and flags & GEOSEARCH and not byradius:
            b = _box_arg(argv[base + i + 1], argv[base + i + 2], argv[base + i + 3])
            if isinstance(b, Err):
                return b
            bw, bh, conversion = b
            box = (bw, bh)
            bybox = True
            i += 3
        else:
            return SYNTAX
        i += 1
    if storekey is not None and (withdist or withhash or withcoord):
        what = "GEOSEARCHSTORE" if flags & GEOSEARCHSTORE else "STORE option in GEORADIUS"
        return Err(f"ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
    name = argv[0].decode("utf-8", "surrogateescape")
    nul = name.find("\0")
    if nul >= 0:
        name = name[:nul]
    if flags & GEOSEARCH and not (frommember or fromloc):
        return Err(f"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}")
    if flags & GEOSEARCH and not (byradius or bybox):
        return Err(f"ERR exactly one of BYRADIUS and BYBOX can be specified for {name}")
    if anyflag and not count:
        return ANY_NEEDS_COUNT
    event = "geosearchstore" if flags & GEOSEARCH else "georadiusstore"
    if z is None:
        return [] if storekey is None else store_result(s, storekey, [], event)
    if count and sort == SORT_NONE and not anyflag:
        sort = SORT_ASC
    found = members_in_shape(z, lon, lat, box, radius, conversion, count if anyflag else 0)
    if not found and storekey is None:
        return []
    if sort != SORT_NONE:
        sort_by_distance(found, sort == SORT_DESC, count)
    returned = found if not count or len(found) < count else found[:count]
    if storekey is None:
        if not (withdist or withhash or withcoord):
            return [p[0] for p in returned]
        resp = s.client.resp
        out: list[Any] = []
        for m, sc, d, x, y in returned:
            item: list[Any] = [m]
            if withdist:
                item.append(distance_text(d / conversion))
            if withhash:
                item.append(int(sc))
            if withcoord:
                item.append([coord(x, resp), coord(y, resp)])
            out.append(item)
        return out
    pairs = [(m, d / conversion if storedist else sc) for m, sc, d, _, _ in returned]
    return store_result(s, storekey, pairs, event)


def sort_by_distance(found: list[tuple[bytes, float, float, float, float]],
                     descending: bool, count: int = 0) -> None:
    """ASC/DESC by distance (``sort_gp_asc``/``sort_gp_desc``). The whole result: glibc's
    ``qsort``, a stable merge sort (ties stay in visiting order). When COUNT keeps fewer than
    all: Redis's ``pqsort``, which only orders the first ``count`` (:func:`pqsort`)."""
    if count and count < len(found):
        sign = -1 if descending else 1

        def cmp(a: tuple[bytes, float, float, float, float],
                b: tuple[bytes, float, float, float, float]) -> int:
            x, y = a[2], b[2]
            return sign * (1 if x > y else 0 if x == y else -1)

        pqsort(found, cmp, 0, count - 1)
    elif descending:
        found.sort(key=lambda p: -p[2])
    else:
        found.sort(key=lambda p: p[2])


def store_result(s: Step, key: bytes, pairs: list[tuple[bytes, float]], event: str) -> int:
    """The STORE/STOREDIST end of ``georadiusGeneric``: the pairs as a new sorted set at
    ``key`` (``setKey``: the TTL goes; encoded as ``zsetConvertToListpackIfNeeded`` decides),
    or ``key`` deleted when there are none. Reply: how many were stored."""
    db = s.db
    if pairs:
        cfg = s.config
        db.set_key(key, build(pairs, cfg["zset-max-listpack-entries"],
                              cfg["zset-max-listpack-value"]))
        s.notify("z", event, key, db.id)
        s.dirty += len(pairs)
    elif db.delete(key):
        s.notify("g", "del", key, db.id)
        s.dirty += 1
    return len(pairs)


def _distance_arg(num: bytes, u: bytes) -> tuple[float, float] | Err:
    """``extractDistanceOrReply``: ``(radius, meters per unit)``."""
    d = string2d(num)
    if d is None:
        return NEED_RADIUS
    if d < 0:
        return RADIUS_NEGATIVE
    conv = unit(u)
    if isinstance(conv, Err):
        return conv
    return d, conv


def _box_arg(w: bytes, h: bytes, u: bytes) -> tuple[float, float, float] | Err:
    """``extractBoxOrReply``: ``(width, height, meters per unit)``."""
    wv = string2d(w)
    if wv is None:
        return NEED_WIDTH
    hv = string2d(h)
    if hv is None:
        return NEED_HEIGHT
    if hv < 0 or wv < 0:
        return BOX_NEGATIVE
    conv = unit(u)
    if isinstance(conv, Err):
        return conv
    return wv, hv, conv


@command("georadius")
def georadius(s: Step, argv: list[bytes]) -> Reply:
    """GEORADIUS key lon lat radius unit [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT n [ANY]]
    [ASC|DESC] [STORE key|STOREDIST key]."""
    return georadius_generic(s, argv, 1, RADIUS_COORDS)


@command("georadius_ro")
def georadius_ro(s: Step, argv: list[bytes]) -> Reply:
    """GEORADIUS_RO: GEORADIUS without STORE/STOREDIST."""
    return georadius_generic(s, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE)


@command("georadiusbymember")
def georadiusbymember(s: Step, argv: list[bytes]) -> Reply:
    """GEORADIUSBYMEMBER key member radius unit [options as GEORADIUS]."""
    return georadius_generic(s, argv, 1, RADIUS_MEMBER)


@command("georadiusbymember_ro")
def georadiusbymember_ro(s: Step, argv: list[bytes]) -> Reply:
    """GEORADIUSBYMEMBER_RO: GEORADIUSBYMEMBER without STORE/STOREDIST."""
    return georadius_generic(s, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE)


@command("geosearch")
def geosearch(s: Step, argv: list[bytes]) -> Reply:
    """GEOSEARCH key FROMMEMBER m|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h unit
    [ASC|DESC] [COUNT n [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]."""
    return georadius_generic(s, argv, 1, GEOSEARCH)


@command("geosearchstore")
def geosearchstore(s: Step, argv: list[bytes]) -> Reply:
    """GEOSEARCHSTORE dst src (as GEOSEARCH, no WITH*) [STOREDIST]: the result stored as a
    sorted set (scores: geohashes, or distances in the unit with STOREDIST)."""
    return georadius_generic(s, argv, 2, GEOSEARCH | GEOSEARCHSTORE)
