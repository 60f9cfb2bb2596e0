"""Boundary checks for the GEO survivors the fourth mutation round left open (issue #22,
``tools/mutation.py``): ``spec/types/geohash.py`` (``geohashEstimateStepsByRadius``,
``geohashCalculateAreasByShapeWGS84``) and ``spec/commands/geo.py`` (``membersOfAllNeighbors``,
the COUNT sort), in the pattern of ``properties/test_boundary_bitgeo.py``: each check puts a
rule exactly on its boundary and has a planted-bug test whose planted bug *is* the surviving
mutant.

Property ``boundary_geo_agree_with_redis``. The float boundaries are exact: a centre and a
radius were searched for (``FROMLONLAT`` takes any double, and a ``repr`` parses back to the
same one in both servers) so that a box edge computed by ``geohashBoundingBox`` equals a cell
edge computed by ``geohashDecode`` bit for bit, with members placed so that the visiting order
of the nine cells shows which step was chosen. Every reply below was recorded from
redis-server 7.0.15 (RESP2, a server started for the purpose) and is replayed here through
the spec byte for byte.

Ten of the sixteen are killed here. The other six are argued equivalent in
``docs/mutation-verdicts.json``: five move a neighbour row or column's exclusion to where its
edge exactly touches the bounding box (or, for the east column, to where it cannot drop it):
such a row lies wholly beyond the box, which contains the shape, and a member's decoded
position is the centre of its 26-step cell, strictly inside its cell, so no member of it is
in the shape; at step 2 or more the nine cells are distinct, so the "same as the last cell"
skip never acts (searched with crafted exact edges, radius and box: no reply differed). The
sixth sorts one position more with ``pqsort``, which the reply cuts off.
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant

NAME = "boundary_geo_agree_with_redis"

Case = tuple[list[tuple[str, ...]], tuple[str, ...], bytes]

#: name -> (set-up commands, the query, redis-server 7.0.15's reply to the query).
CASES: dict[str, Case] = {
    "steps270": (
        [('GEOADD', 'k', '75.886226', '-29.873864', 'm0', '82.386515', '-28.204378', 'm1',
         '81.220027', '-25.504285', 'm2', '79.475684', '-29.420606', 'm3', '76.696621',
         '-29.049945', 'm4', '77.015252', '-30.204141', 'm5', '81.706781', '-24.644401', 'm6',
         '81.489411', '-25.462314', 'm7', '77.743958', '-29.613486', 'm8', '80.966044',
         '-26.678636', 'm9')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '79.195652', '-27.538198', 'BYRADIUS', '313089.47453125',
         'm'),
        b'*5\r\n$2\r\nm3\r\n$2\r\nm9\r\n$2\r\nm2\r\n$2\r\nm8\r\n$2\r\nm4\r\n'),
    "steps327": (
        [('GEOADD', 'k', '-38.41124', '76.740132', 'm0', '-150.461364', '59.298291', 'm1')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '-126.042755', '63.010256', 'BYRADIUS', '5000', 'km'),
        b'*2\r\n$2\r\nm1\r\n$2\r\nm0\r\n'),
    "n327": (
        [('GEOADD', 'k', '-122.337306', '62.237718', 'm0', '-123.197568', '62.565075', 'm1',
         '-123.29397', '62.014855', 'm2', '-122.612116', '61.921196', 'm3')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '-122.77908703223193', '62.44458809530174', 'BYRADIUS',
         '38602.81968761532', 'm'),
        b'*2\r\n$2\r\nm0\r\n$2\r\nm1\r\n'),
    "s327": (
        [('GEOADD', 'k', '-121.900003', '62.452295', 'm0', '-124.139686', '62.23486', 'm1',
         '-122.331731', '62.08752', 'm2', '-122.372203', '62.199511', 'm3', '-121.62837',
         '61.506908', 'm4', '-122.399687', '61.520298', 'm5', '-123.329983', '62.503771', 'm6',
         '-123.022328', '62.76842', 'm7', '-123.616666', '61.471416', 'm8', '-122.511449',
         '61.822201', 'm9', '-123.599424', '62.563718', 'm10', '-124.183946', '61.627831', 'm11',
         '-121.38344', '61.899371', 'm12', '-121.676555', '62.224205', 'm13')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '-122.77908703223193', '62.1420263285264', 'BYRADIUS',
         '38602.81968761532', 'm'),
        b'*3\r\n$2\r\nm3\r\n$2\r\nm9\r\n$2\r\nm2\r\n'),
    "e327": (
        [('GEOADD', 'k', '-156.466545', '-78.750828', 'm0', '-140.250353', '-79.022418', 'm1',
         '-151.176531', '-79.128165', 'm2', '-149.384012', '-78.386146', 'm3', '-137.155662',
         '-78.423741', 'm4', '-159.519166', '-79.714608', 'm5', '-138.14777', '-75.706073', 'm6',
         '-149.028004', '-75.483842', 'm7', '-136.990494', '-75.670974', 'm8', '-141.430578',
         '-79.378084', 'm9', '-143.445741', '-76.24869', 'm10', '-152.57585', '-77.866237',
         'm11')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '-147.42517511382107', '-77.96305566378884', 'BYRADIUS',
         '141294.4372500985', 'm'),
        b'*2\r\n$2\r\nm3\r\n$3\r\nm11\r\n'),
    "w327": (
        [('GEOADD', 'k', '-150.09031', '-77.133639', 'm0', '-139.98033', '-78.402212', 'm1',
         '-154.573298', '-77.391952', 'm2', '-141.869556', '-79.223377', 'm3', '-143.806682',
         '-78.079159', 'm4', '-158.089612', '-78.717432', 'm5')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '-150.69982488617893', '-77.96305566378884', 'BYRADIUS',
         '141294.4372500985', 'm'),
        b'*2\r\n$2\r\nm0\r\n$2\r\nm2\r\n'),
    "hi230": (
        [('GEOADD', 'k', '-75.416221', '52.138783', 'm0', '-75.397681', '52.124321', 'm1',
         '-75.395878', '52.145331', 'm2'),
         ('ZADD', 'k', '1985458087133184.0', 'h0', '1985458020024320.0', 'l0',
          '1985458154242048.0', 'h1', '1985458087133184.0', 'l1', '1985459563528192.0', 'h3',
          '1985459496419328.0', 'l3', '1985457952915456.0', 'h4', '1985457885806592.0', 'l4',
          '1985459630637056.0', 'h5', '1985459563528192.0', 'l5', '1985458020024320.0', 'h6',
          '1985457952915456.0', 'l6')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '-75.42875', '52.137087', 'BYRADIUS', '2000', 'm'),
        b'*5\r\n$2\r\nm0\r\n$2\r\nh0\r\n$2\r\nl1\r\n$2\r\nh3\r\n$2\r\nl5\r\n'),
    "lim226": (
        [('GEOADD', 'k', '10.02003', '76.278218', 'm0', '10.067013', '76.224753', 'm1',
         '10.17137', '76.262162', 'm2', '9.968238', '76.277077', 'm3', '10.15998', '76.276155',
         'm4', '10.049016', '76.202617', 'm5', '9.922846', '76.258801', 'm6', '10.149896',
         '76.260558', 'm7', '10.000303', '76.281289', 'm8')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '10.0', '76.238653', 'BYRADIUS', '5', 'km', 'COUNT', '1',
         'ANY', 'ASC'),
        b'*1\r\n$2\r\nm5\r\n'),
    "pq416b": (
        [('GEOADD', 'k', '179.308866', '-65.094557', 'm0', '179.302349', '-65.050775', 'm1',
         '179.215474', '-65.106233', 'm2', '179.248668', '-65.030031', 'm3', '179.187025',
         '-65.058099', 'm4', '179.272089', '-65.101813', 'm5', '179.135787', '-65.081644', 'm6',
         '179.244891', '-65.060601', 'm7')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '179.239568', '-65.063932', 'BYRADIUS', '5', 'km',
         'COUNT', '2', 'ASC'),
        b'*2\r\n$2\r\nm7\r\n$2\r\nm4\r\n'),
    "ge334": (
        [('GEOADD', 'k', '-58.745414', '83.050673', 'm0', '16.569181', '80.764786', 'm1',
         '129.044884', '84.568157', 'm2', '-2.865466', '84.937087', 'm3', '-163.285514',
         '83.327868', 'm4', '-150.258391', '79.302303', 'm5', '-74.12808', '79.16409', 'm6',
         '73.805415', '80.101386', 'm7', '32.02815', '75.043914', 'm8', '-44.478849', '76.342698',
         'm9', '38.212976', '83.808951', 'm10', '137.733264', '79.375438', 'm11', '-150.711198',
         '83.135677', 'm12')],
        ('GEOSEARCH', 'k', 'FROMLONLAT', '67.683386', '85.003452', 'BYRADIUS', '600', 'km'),
        b'*2\r\n$3\r\nm10\r\n$2\r\nm7\r\n'),
}


def _replay(name: str) -> None:
    """Run the case's set-up and query through the spec; the reply must be Redis's."""
    setup, query, want = CASES[name]
    c = Session()
    for argv in setup:
        c.call(*argv)
    try:
        got = c.call(*query)
    except Exception as e:  # noqa: BLE001 - any crash is a divergence
        raise AssertionError(f"{NAME}: {query!r} raised {e!r}") from e
    assert got == want, f"{NAME}: {query!r}: {got!r}, not redis-server 7.0.15's {want!r}"


def check_estimate_steps_at_mercator_max() -> None:
    """A radius of exactly ``MERCATOR_MAX / 2**k`` meters doubles to exactly ``MERCATOR_MAX``:
    ``geohashEstimateStepsByRadius`` stops doubling there (``<``, not ``<=``), which decides the
    step of the nine cells and so the unsorted reply's order."""
    _replay("steps270")


def check_step_two_still_shrinks() -> None:
    """At step 2 (a radius of thousands of kilometers) a box wider than the neighbours still
    lowers the step to 1 (``steps > 1``): without it members of the box are never visited."""
    _replay("steps327")


def check_north_neighbour_edge_exactly_on_box() -> None:
    """The north neighbour's top edge exactly on the box's top (``max_lat``): the neighbours
    cover the box, so the step stays (``n[3] < max_lat`` is false); the visiting order shows it."""
    _replay("n327")


def check_south_neighbour_edge_exactly_on_box() -> None:
    """The south neighbour's bottom edge exactly on the box's bottom: the step stays."""
    _replay("s327")


def check_east_neighbour_edge_exactly_on_box() -> None:
    """The east neighbour's east edge exactly on the box's east side (far south, where the
    box is wide in longitude): the step stays."""
    _replay("e327")


def check_west_neighbour_edge_exactly_on_box() -> None:
    """The west neighbour's west edge exactly on the box's west side: the step stays."""
    _replay("w327")


def check_cell_range_excludes_next_cells_first_score() -> None:
    """A member whose score is exactly the first score of the next cell (``ZADD`` of
    ``align52(bits + 1, step)``) belongs to that cell only: a cell's range is ``[min, max)``
    (``geoGetPointsInRange`` with ``maxex``)."""
    _replay("hi230")


def check_count_any_stops_before_next_cell() -> None:
    """COUNT 1 ANY ASC: the scan stops at the first cell that completes the count, so ASC
    orders only what was found by then, not a nearer member of a later cell."""
    _replay("lim226")


def check_count_sort_orders_first_count() -> None:
    """COUNT 2 ASC sorts with ``pqsort`` up to position ``count - 1``: the second member is
    the second nearest."""
    _replay("pq416b")


def check_step_two_drops_cells_past_the_box() -> None:
    """At step 2 the neighbours beyond the bounding box are dropped (``steps >= 2``): near a
    pole the box's longitude bounds invert (the cosine at ``lat + lat_delta`` past 90 degrees is
    negative), so 7.0.15 drops east and west cells that hold members inside the radius; the
    reply lacks them."""
    _replay("ge334")


CHECKS = [
    check_step_two_drops_cells_past_the_box, check_estimate_steps_at_mercator_max,
    check_step_two_still_shrinks, check_north_neighbour_edge_exactly_on_box,
    check_south_neighbour_edge_exactly_on_box, check_east_neighbour_edge_exactly_on_box,
    check_west_neighbour_edge_exactly_on_box, check_cell_range_excludes_next_cells_first_score,
    check_count_any_stops_before_next_cell, check_count_sort_orders_first_count]



@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_geo(check: Any) -> None:
    check()


def _gh() -> Any:
    from redspec.spec.types import geohash
    return geohash


def _geo() -> Any:
    from redspec.spec.commands import geo
    return geo


#: (check, module, function, text, mutant text): each surviving mutant, planted.
PLANTS = [
    (check_step_two_drops_cells_past_the_box, _gh, "search_cells",
     "if steps >= 2:",
     "if steps > 2:"),
    (check_estimate_steps_at_mercator_max, _gh, "estimate_steps",
     "while range_meters < MERCATOR_MAX:",
     "while range_meters <= MERCATOR_MAX:"),
    (check_step_two_still_shrinks, _gh, "search_cells",
     "if steps > 1 and",
     "if steps > 2 and"),
    (check_north_neighbour_edge_exactly_on_box, _gh, "search_cells",
     "n[3] < max_lat",
     "n[3] <= max_lat"),
    (check_south_neighbour_edge_exactly_on_box, _gh, "search_cells",
     "s[2] > min_lat",
     "s[2] >= min_lat"),
    (check_east_neighbour_edge_exactly_on_box, _gh, "search_cells",
     "e[1] < max_lon",
     "e[1] <= max_lon"),
    (check_west_neighbour_edge_exactly_on_box, _gh, "search_cells",
     "w[0] > min_lon",
     "w[0] >= min_lon"),
    (check_cell_range_excludes_next_cells_first_score, _geo, "members_in_shape",
     "hi = z.count_below(float(hi_score), False)",
     "hi = z.count_below(float(hi_score), True)"),
    (check_count_any_stops_before_next_cell, _geo, "members_in_shape",
     "if limit and out and len(out) >= limit:\n            break",
     "if limit and out and len(out) > limit:\n            break"),
    (check_count_sort_orders_first_count, _geo, "sort_by_distance",
     "pqsort(found, cmp, 0, count - 1)",
     "pqsort(found, cmp, 0, count - 2)"),
]


@pytest.mark.parametrize("check,module,func,old,new", PLANTS,
                         ids=[p[0].__name__[len("check_"):] for p in PLANTS])
def test_planted_geo_boundary(monkeypatch: pytest.MonkeyPatch, check: Any, module: Any, func: str,
                              old: str, new: str) -> None:
    plant(monkeypatch, module(), func, old, new)
    with pytest.raises(AssertionError, match=NAME):
        check()
