"""LOLWUT: glibc's ``rand()`` reproduced (values checked against a C program linked with
Debian's glibc 2.36), the state carried in the server state, and the drawings' determinism
for a given state (the byte comparison with 7.0.15 is in the differential cases)."""

from __future__ import annotations

from redspec.spec.commands.lolwut import glibc_rand, glibc_srand
from tests.session import Session


def _draw(seed: int, n: int) -> list[int]:
    st = glibc_srand(seed)
    out = []
    for _ in range(n):
        v, st = glibc_rand(st)
        out.append(v)
    return out


def test_glibc_rand_sequences() -> None:
    """``srand(s); rand() x5`` printed by a C program on this machine's glibc."""
    assert _draw(1, 5) == [1804289383, 846930886, 1681692777, 1714636915, 1957747793]
    assert _draw(12345, 5) == [383100999, 858300821, 357768173, 455528251, 133005921]
    assert _draw(4294967295, 5) == [254925627, 1205188300, 366127624, 1401405153, 76053476]


def test_state_advances_and_drawings_are_deterministic() -> None:
    a, b = Session(), Session()
    first = a.call("LOLWUT", "VERSION", "6", "20", "6")
    assert b.call("LOLWUT", "VERSION", "6", "20", "6") == first  # same seed, same skyline
    assert a.call("LOLWUT", "VERSION", "6", "20", "6") != first  # rand() moved on
    assert a.state.libc_rand is not None
    assert a.call("LOLWUT", "VERSION", "5", "20", "2", "2") == b.call(
        "LOLWUT", "VERSION", "5", "20", "2", "2")  # two rows: no randomness at all
