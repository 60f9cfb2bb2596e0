"""Boundary checks for the survivors of the boundary-class mutation run over ``spec/pause.py``
(issue #22): pauses kept per purpose (``client_pause_per_purpose`` in Redis 7.0.15's
networking.c: CLIENT PAUSE, SHUTDOWN waiting for its replicas, FAILOVER). Each check has a
planted-bug test whose planted bug *is* the surviving mutant.

Property ``pause_purposes_agree_with_redis`` (facts from networking.c, ``pauseClients``,
``unpauseClients``, ``updateClientPauseTypeAndEndTime``):

- the three purposes are distinct: ending one leaves the others' pauses in force;
- a purpose asking again keeps the stricter type and the later end of the two (two CLIENT
  PAUSE commands, ALL for 1 s then WRITE for 5 s: ALL until 5 s);
- the pause in force is the strictest type among the purposes, ending at the latest end
  among the purposes *of that type* (a CLIENT PAUSE ALL ending before a SHUTDOWN's WRITE
  pause ends at its own time, then the WRITE pause holds);
- the postponed clients are released only when the pause in force becomes less strict:
  ending one of two WRITE pauses keeps them postponed;
- FAILOVER's pause lasts until it is ended (``LLONG_MAX``).
"""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import pause
from redspec.spec import server as S
from redspec.spec.resp import encode_request
from redspec.spec.step import Step
from redspec.spec.transport import PAUSE_ALL, PAUSE_WRITE

NAME = "pause_purposes_agree_with_redis"


def _in_force(s: Step) -> tuple[int, int]:
    t = s.part("transport")
    return t.pause_type, t.pause_end_ms


def check_purposes_are_distinct() -> None:
    try:
        _purposes_are_distinct()
    except TypeError as e:
        raise AssertionError(f"{NAME}: ending one purpose raised {e!r}") from e


def _purposes_are_distinct() -> None:
    purposes = (pause.PAUSE_BY_CLIENT_COMMAND, pause.PAUSE_DURING_SHUTDOWN,
                pause.PAUSE_DURING_FAILOVER)
    for gone in purposes:
        s = Step(S.new_server(0), 10)
        for p in purposes:
            pause.pause_clients(s, 10_000, PAUSE_WRITE, p)
        n = len(s.part("transport").pauses)
        assert n == 3, f"{NAME}: three purposes paused, {n} pauses kept"
        pause.unpause(s, gone)
        n = len(s.part("transport").pauses)
        assert n == 2 and pause.clients_paused(s), \
            f"{NAME}: ending purpose {gone} left {n} pauses, paused {pause.clients_paused(s)}"


def check_same_purpose_merges() -> None:
    st = S.new_server(0)
    st, a = S.client_connect(st, 0)
    for now, argv in ((0, [b"CLIENT", b"PAUSE", b"5000", b"WRITE"]),
                      (1, [b"CLIENT", b"PAUSE", b"1000", b"ALL"])):
        st, eff = S.client_input(st, a, encode_request(argv), now)
        assert eff.output == ((a, b"+OK\r\n"),), eff.output
    s = Step(st, 3000)
    assert pause.clients_paused(s) and _in_force(s) == (PAUSE_ALL, 5000), \
        f"{NAME}: CLIENT PAUSE 5000 WRITE then 1000 ALL: in force at 3 s {_in_force(s)}"


def check_end_of_strictest_type() -> None:
    s = Step(S.new_server(0), 10)
    pause.pause_clients(s, 10_000, PAUSE_WRITE, pause.PAUSE_DURING_SHUTDOWN)
    pause.pause_clients(s, 2_000, PAUSE_ALL, pause.PAUSE_BY_CLIENT_COMMAND)
    assert _in_force(s) == (PAUSE_ALL, 2_000), \
        f"{NAME}: ALL until 2 s over a WRITE pause until 10 s: in force {_in_force(s)}"
    s = Step(s.commit(), 2_001)
    assert pause.clients_paused(s) and _in_force(s) == (PAUSE_WRITE, 10_000), \
        f"{NAME}: after the ALL pause ends the WRITE one holds: {_in_force(s)}"
    for first, second in ((5_000, 3_000), (3_000, 5_000)):  # both orders of the purposes
        s = Step(S.new_server(0), 10)
        pause.pause_clients(s, first, PAUSE_WRITE, pause.PAUSE_BY_CLIENT_COMMAND)
        pause.pause_clients(s, second, PAUSE_WRITE, pause.PAUSE_DURING_SHUTDOWN)
        pause.pause_clients(s, 4_000, PAUSE_WRITE, pause.PAUSE_DURING_FAILOVER)
        pause.unpause(s, pause.PAUSE_DURING_FAILOVER)
        assert _in_force(s) == (PAUSE_WRITE, 5_000), \
            f"{NAME}: WRITE pauses until {first} and {second} ms: in force {_in_force(s)}"


def check_postponed_stay_while_as_strict() -> None:
    st = S.new_server(0)
    st, a = S.client_connect(st, 0)
    st, b = S.client_connect(st, 0)
    st, _ = S.client_input(st, a, encode_request([b"CLIENT", b"PAUSE", b"10000", b"WRITE"]), 1)
    s = Step(st, 2)
    pause.pause_clients(s, 10_000, PAUSE_WRITE, pause.PAUSE_DURING_SHUTDOWN)
    st = s.commit()
    st, _ = S.client_input(st, b, encode_request([b"SET", b"k", b"v"]), 3)
    assert st.transport.postponed == (b,), f"{NAME}: setup: SET not postponed"
    s = Step(st, 4)
    pause.unpause(s, pause.PAUSE_DURING_SHUTDOWN)
    st = s.commit()
    assert st.transport.postponed == (b,) and b not in st.blocking.unblocked, \
        f"{NAME}: one of two WRITE pauses ended: postponed {st.transport.postponed}, " \
        f"queued to run {st.blocking.unblocked}"


def check_failover_pause_forever() -> None:
    s = Step(S.new_server(0), 10)
    pause.pause_clients(s, pause.PAUSE_FOREVER, PAUSE_WRITE, pause.PAUSE_DURING_FAILOVER)
    s = Step(s.commit(), 10**15)
    assert pause.clients_paused(s), f"{NAME}: FAILOVER's pause ended by itself"


CHECKS = [check_purposes_are_distinct, check_same_purpose_merges, check_end_of_strictest_type,
          check_postponed_stay_while_as_strict, check_failover_pause_forever]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_pause_purposes_agree_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("values", [(0, 0, 2), (0, 2, 2)])
def test_planted_purpose_values(monkeypatch: pytest.MonkeyPatch, values: tuple[int, ...]) -> None:
    for name, v in zip(("PAUSE_BY_CLIENT_COMMAND", "PAUSE_DURING_SHUTDOWN",
                        "PAUSE_DURING_FAILOVER"), values, strict=True):
        monkeypatch.setattr(pause, name, v)
    _trips(check_purposes_are_distinct)


def test_planted_pause_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pause, "PAUSE_FOREVER", (0 << 63) - 1)
    _trips(check_failover_pause_forever)


@pytest.mark.parametrize(("func", "old", "new", "check"), [
    ("pause_clients", "if p == purpose:", "if p != purpose:", check_same_purpose_merges),
    ("_end_in_force", "if old_type == top", "if old_type != top", check_end_of_strictest_type),
    ("update_pause", "(ended is None or", "(ended is not None or", check_purposes_are_distinct),
    ("update_pause", "if ty > type_:", "if ty >= type_:", check_end_of_strictest_type),
    ("update_pause", "elif ty == type_:", "elif ty != type_:", check_end_of_strictest_type),
    ("update_pause", "less_strict = type_ < t.pause_type", "less_strict = type_ <= t.pause_type",
     check_postponed_stay_while_as_strict),
])
def test_planted_pause_purposes(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                                check: Any) -> None:
    plant_everywhere(monkeypatch, pause, func, old, new)
    _trips(check)
