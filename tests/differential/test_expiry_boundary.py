"""Expiry at its exact boundary, against real Redis 7.0.15: differential cases that put
redspec's clock *on* the boundary with ``REDSPEC CLOCK SET`` and ``PEXPIREAT``.

redspec runs here with a virtual clock (``redspec serve --clock virtual``, a server of this
module's own), so that ``now`` is exactly the expiry time, or one millisecond past it, when
the key is read. Real Redis has only the wall clock, which cannot be stopped on a
millisecond, so its side of each case is made deterministic by time itself instead: the
expiry time of a case that reads *at* the boundary is far in the future for Redis (year
5138: the key is certainly still there), and that of a case that reads *one millisecond
past* it is far in the past for Redis (1970: the key is certainly gone). Each case thus has
one outcome on Redis whatever the timing, and redspec must give it while sitting on the
boundary: a key served at ``now == when`` (GET, EXISTS, TYPE, STRLEN), gone at ``now == when +
1`` (also TTL/PTTL -2). Also both sides of PEXPIREAT's own rule (``checkAlreadyExpired``: a
time ``<= now`` deletes at once; one ms ahead keeps the key).

(Redis's active expiry cannot disturb this: on its side no key's time is anywhere near, so
``DEBUG SET-ACTIVE-EXPIRE 0`` is not needed; redspec's virtual clock does not move, so its
cycle sees the same ``now`` as the reads.)

The clock steps exist only on redspec: on Redis the same step is a PING, and both replies are
masked (``<clock>``), so the cases compare every other reply byte for byte, RESP2 and RESP3,
in each mode. The ``now >= when`` mutant of issue 22 fails "served at its expiry time";
``now > when + 1`` fails "gone one millisecond after".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ServerProcess, _redspec_argv, start_server
from tests.differential import harness
from tests.differential.harness import MODES, Case, Target

FUTURE = 99_999_999_999_000  # year 5138: ahead of Redis's wall clock
PAST = 1_000  # 1970: behind it

#: name -> steps; ("CLOCK", t) is REDSPEC CLOCK SET t on redspec, a PING on Redis.
CASES: dict[str, list[list[object]]] = {
    "served at its expiry time": [
        ["CLOCK", FUTURE - 1_000],
        ["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE],
        ["SET", "j", "w", "PXAT", FUTURE],
        ["CLOCK", FUTURE],
        ["GET", "k"], ["EXISTS", "k", "j"], ["TYPE", "k"], ["STRLEN", "j"], ["GET", "j"],
        ["DBSIZE"],
    ],
    "gone one millisecond after its expiry time": [
        ["CLOCK", PAST - 500],
        ["SET", "k", "v"], ["PEXPIREAT", "k", PAST],
        ["SET", "j", "w", "PXAT", PAST],
        ["CLOCK", PAST + 1],
        ["GET", "k"], ["EXISTS", "k", "j"], ["TYPE", "k"], ["STRLEN", "j"],
        ["TTL", "k"], ["PTTL", "j"], ["GET", "j"],
    ],
    "pexpireat at now deletes at once": [
        ["CLOCK", PAST],
        ["SET", "k", "v"], ["PEXPIREAT", "k", PAST], ["EXISTS", "k"], ["GET", "k"],
    ],
    "pexpireat one millisecond ahead keeps the key": [
        ["CLOCK", FUTURE - 1],
        ["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE], ["EXISTS", "k"], ["GET", "k"],
    ],
}


def _mask(frame: bytes) -> bytes:
    return b"<clock>"


def pair(name: str) -> tuple[Case, Case]:
    """The case as Redis runs it (clock steps are PINGs) and as redspec runs it."""
    steps = CASES[name]
    redis_steps = [["PING"] if s[0] == "CLOCK" else s for s in steps]
    spec_steps = [["REDSPEC", "CLOCK", "SET", s[1]] if s[0] == "CLOCK" else s for s in steps]
    a = harness.make_case("expiry_boundary", name, redis_steps)  # type: ignore[arg-type]
    b = harness.make_case("expiry_boundary", name, spec_steps)  # type: ignore[arg-type]
    for i, s in enumerate(steps):
        if s[0] == "CLOCK":
            a.norms[i] = b.norms[i] = _mask
    return a, b


@pytest.fixture(scope="module")
def virtual_redspec(server_workdir: Path) -> Iterator[ServerProcess]:
    sp = start_server("redspec-virtual", lambda p: _redspec_argv(p) + ["--clock", "virtual"],
                      server_workdir)
    yield sp
    sp.stop()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("proto", (2, 3), ids=lambda p: f"resp{p}")
@pytest.mark.parametrize("name", list(CASES))
def test_expiry_boundary_case(redis_target: Target, virtual_redspec: ServerProcess, name: str,
                              proto: int, mode: str) -> None:
    on_redis, on_redspec = pair(name)
    a = harness.replay(redis_target, on_redis, proto, mode)
    b = harness.replay(virtual_redspec.target(), on_redspec, proto, mode)
    report = harness.compare(on_redspec, proto, mode, "redis", a, "redspec", b)
    if report is not None:
        pytest.fail(report, pytrace=False)


def test_the_clock_steps_really_move_redspec(virtual_redspec: ServerProcess) -> None:
    """Not a vacuous comparison: on redspec the clock steps answer with the time set."""
    _a, b = pair("gone one millisecond after its expiry time")
    recs = harness.replay(virtual_redspec.target(), b, 2, "single")
    clock = [r.frame for r in recs if r.step in (0, 4)]
    assert clock == [b":%d\r\n" % (PAST - 500), b":%d\r\n" % (PAST + 1)], clock
