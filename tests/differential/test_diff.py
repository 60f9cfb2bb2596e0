"""Differential tests: every case of every ``cases_*.py`` module, replayed on real Redis 7.0.15
and on redspec, in RESP2 and RESP3, one-at-a-time / pipelined / split; plus Hypothesis-generated
sequences of string and keyspace commands. Raw reply frames must agree byte for byte.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.differential import harness, normalise
from tests.differential.harness import MODES, Case, RawCase, Target
from tests.differential.strategies import chunker_from, sequences, served

FOUND = harness.discover()
PROTOS = (2, 3)
EXAMPLES = int(os.environ.get("REDSPEC_HYPOTHESIS_EXAMPLES", "100"))
#: ``make stress-harness`` (tools/stress_harness.py) sets this: every case with a step on a
#: connection other than 1 is then also run this many times over, in every protocol and mode.
STRESS = int(os.environ.get("REDSPEC_DIFF_STRESS", "0"))


@pytest.fixture(scope="module")
def targets(redis_target: Target, redspec_target: Target) -> tuple[Target, Target]:
    return redis_target, redspec_target


@pytest.mark.parametrize("module,tb", FOUND.errors or [(None, None)], ids=lambda x: str(x)[:40])
def test_case_modules_import(module: str | None, tb: str | None) -> None:
    """Every ``cases_*.py`` module imports and holds well-formed data."""
    if module is None:
        return
    pytest.fail(f"cases module {module} is broken:\n{tb}", pytrace=False)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("proto", PROTOS, ids=lambda p: f"resp{p}")
@pytest.mark.parametrize("case", FOUND.cases, ids=lambda c: c.id)
def test_case(targets: tuple[Target, Target], case: Case, proto: int, mode: str) -> None:
    ref, sut = targets
    report = harness.check(ref, sut, case, proto, mode)
    if report is not None:
        pytest.fail(report, pytrace=False)


if STRESS:

    @pytest.mark.parametrize("mode", MODES)
    @pytest.mark.parametrize("proto", PROTOS, ids=lambda p: f"resp{p}")
    @pytest.mark.parametrize("case", [c for c in FOUND.cases if c.connections != [1]],
                             ids=lambda c: c.id)
    @pytest.mark.parametrize("rep", range(STRESS), ids=lambda r: f"rep{r}")
    def test_case_stress(targets: tuple[Target, Target], rep: int, case: Case, proto: int,
                         mode: str) -> None:
        """The harness cannot race: multi-connection cases, again and again (busy cores)."""
        test_case(targets, case, proto, mode)


@pytest.mark.parametrize("split", [False, True], ids=["whole", "split"])
@pytest.mark.parametrize("case", FOUND.raw_cases, ids=lambda c: c.id)
def test_raw_case(targets: tuple[Target, Target], case: RawCase, split: bool) -> None:
    ref, sut = targets
    a = harness.replay_raw(ref, case, split)
    b = harness.replay_raw(sut, case, split, expect=a)
    report = harness.compare_raw(case, split, ref.name, a, sut.name, b)
    if report is not None:
        pytest.fail(report, pytrace=False)


def test_modes_agree_on_real_redis(redis_target: Target) -> None:
    """The harness itself: on one server, the three modes record the same frames."""
    case = harness.make_case(
        "self", "modes", [["SET", "a", "1"], ["@2", "INCR", "a"], ["GET", "a"], ["@2", "DEL", "a"]]
    )
    for proto in PROTOS:
        runs = {m: harness.replay(redis_target, case, proto, m) for m in MODES}
        # the HELLO reply carries the (fresh) client id: compare it normalised
        frames = {
            m: [(r.conn, r.frame) for r in harness.normalised(case, recs)]
            for m, recs in runs.items()
        }
        assert frames["single"] == frames["pipeline"] == frames["split"]
        assert (1, b":2\r\n") not in frames["single"] and (2, b":2\r\n") in frames["single"]


@pytest.fixture(scope="module")
def served_commands(redspec_target: Target) -> list[str]:
    names = served(redspec_target)
    if not names:
        pytest.skip("redspec serves none of the generated commands yet")
    return names


def run_generated(ref: Target, sut: Target, names: list[str], examples: int) -> None:
    """Hypothesis: random sequences over ``names`` agree on ``ref`` and ``sut``."""

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        steps=sequences(names),
        proto=st.sampled_from(PROTOS),
        cuts=st.lists(st.integers(0, 1000), max_size=8),
    )
    def run(steps: list[list[bytes]], proto: int, cuts: list[int]) -> None:
        case = harness.make_case("generated", "hypothesis", steps)
        report = harness.check(ref, sut, case, proto, "split", chunker_from(cuts))
        assert report is None, report

    run()


def test_generated_sequences(targets: tuple[Target, Target], served_commands: list[str]) -> None:
    """Random command sequences from several clients, pipelined and split at random points."""
    run_generated(*targets, served_commands, EXAMPLES)


def test_generated_sequences_catch_a_planted_difference(
    redis_target: Target, server_workdir: Path
) -> None:
    """Against a Redis with a planted difference (2 databases, not 16) the search fails."""
    from tests.conftest import start_server

    other = start_server(
        "redis-2dbs",
        lambda p: ["redis-server", "--port", str(p), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--databases", "2", "--dir", str(server_workdir)],
        server_workdir,
    )
    try:
        with pytest.raises(AssertionError, match="SELECT"):
            run_generated(redis_target, other.target(), ["set", "get", "select"], 200)
    finally:
        other.stop()


def test_nowait_step(redis_target: Target) -> None:
    """``"@N&"``: the next step (another connection) is written before the marked step's reply
    is read. A BLPOP marked so is answered by the RPUSH sent right behind it, in every mode,
    without the quiet wait a blocked step would cost; the reply is the BLPOP step's."""
    case = harness.make_case("self", "nowait", [["@2&", "BLPOP", "k", "0"],
                                                ["@1", "RPUSH", "k", "v"], ["@2", "PING"]])
    assert case.nowait == {0} and case.quiet == set()
    for mode in MODES:
        t0 = time.monotonic()
        recs = harness.replay(redis_target, case, 2, mode)
        assert time.monotonic() - t0 < harness.SILENT / 2
        assert [(r.conn, r.step, r.frame) for r in recs] == [
            (2, 0, b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"), (1, 1, b":1\r\n"),
            (2, 2, b"+PONG\r\n"), (1, 3, b"+PONG\r\n"), (2, 3, b"+PONG\r\n")]
    both = harness.make_case("self", "flags", [["@2~&", "BLPOP", "k", "0"], ["@1", "PING"]])
    assert both.nowait == {0} and both.quiet == {0}
    with pytest.raises(ValueError, match="marked '&'"):
        harness.make_case("self", "bad", [["@2&", "PING"], ["@2", "PING"]])
    with pytest.raises(ValueError, match="marked '&'"):
        harness.make_case("self", "bad", [["@1", "PING"], ["@2&", "PING"]])


def test_harness_reports_a_difference(redis_target: Target) -> None:
    """A planted difference (a different value on one side) is reported with both frames."""
    case = harness.make_case("self", "planted", [["SET", "a", "1"], ["GET", "a"]])
    planted = harness.make_case("self", "planted", [["SET", "a", "2"], ["GET", "a"]])
    for mode in MODES:
        a = harness.replay(redis_target, case, 3, mode)
        b = harness.replay(redis_target, planted, 3, mode)
        report = harness.compare(case, 3, mode, "redis", a, "planted", b)
        assert report is not None
        assert "step 1: GET a" in report
        assert "b'$1\\r\\n1\\r\\n'" in report and "b'$1\\r\\n2\\r\\n'" in report
        assert harness.compare(case, 3, mode, "redis", a, "again", a) is None


def test_raw_replay_sees_close(redis_target: Target) -> None:
    """Raw mode records replies and the server closing the connection (protocol error)."""
    case = RawCase("self", "raw", [b"PING\r\n", b"*1\r\n$x\r\n"])
    got = harness.replay_raw(redis_target, case, split=False)
    assert got[0] == b"+PONG\r\n"
    assert got[-1] == harness.CLOSED
    assert got[1].startswith(b"-ERR Protocol error")


# --- the harness's own parts -------------------------------------------------------------


def test_discover_reports_broken_modules(tmp_path: Path) -> None:
    (tmp_path / "cases_good.py").write_text(
        "CASES = [('a', [['SET', 'k', 'v'], ['@2', 'GET', 'k']]), ('b', [['KEYS', '*']])]\n"
        "NONDETERMINISTIC = {'b': 'sort', 'a': {1: ['ignore']}}\n"
        "RAW_CASES = [('r', b'PING\\r\\n'), ('r2', [b'PI', b'NG\\r\\n'])]\n"
    )
    (tmp_path / "cases_bad.py").write_text("CASES = [('x', [['GET']])\n")  # syntax error
    (tmp_path / "cases_typo.py").write_text("CASES = []\nNONDETERMINISTIC = {'nope': 'sort'}\n")
    found = harness.discover(tmp_path)
    assert [c.name for c in found.cases] == ["a", "b"]
    a, b = found.cases
    assert a.steps == [(1, [b"SET", b"k", b"v"]), (2, [b"GET", b"k"])]
    assert a.connections == [1, 2]
    assert a.norm_for(0) is None and a.norm_for(1) is not None
    assert b.norm_for(0) is not None
    assert [r.chunks for r in found.raw_cases] == [[b"PING\r\n"], [b"PI", b"NG\r\n"]]
    assert sorted(m for m, _ in found.errors) == ["cases_bad", "cases_typo"]


def test_normalisers() -> None:
    n = normalise.NORMALISERS
    assert n["sort"](b"*3\r\n$1\r\nc\r\n:1\r\n$1\r\na\r\n") == b"*3\r\n$1\r\na\r\n$1\r\nc\r\n:1\r\n"
    assert n["sort"](b"%2\r\n+b\r\n:1\r\n+a\r\n:2\r\n") == b"%2\r\n+a\r\n:2\r\n+b\r\n:1\r\n"
    assert n["sort"](b"-ERR x\r\n") == b"-ERR x\r\n"
    assert n["sort"](b"garbage") == b"garbage"
    line = b"id=7 addr=1.2.3.4:5 laddr=x:1 fd=8 name=n age=3 idle=0 flags=N db=0 cmd=client|list"
    masked = n["client-list"](b"$%d\r\n%s\n\r\n" % (len(line) + 1, line))
    assert b"id=* addr=* laddr=* fd=* name=n age=* idle=* flags=N db=0 cmd=client|list\n" in masked
    verb = b"=%d\r\ntxt:%s\n\r\n" % (len(line) + 5, line)
    assert n["client-list"](verb).startswith(b"=") and b"txt:id=* " in n["client-list"](verb)
    info = b"# Server\r\nredis_version:7.0.15\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0\r\n"
    frame = b"$%d\r\n%s\r\n" % (len(info), info)
    assert b"redis_version:*" in n["info"](frame) and b"# Keyspace" in n["info"](frame)
    assert n["info-keyspace"](frame) == b"$%d\r\n%s\r\n" % (
        len(b"# Keyspace\r\ndb0:keys=1,expires=0"), b"# Keyspace\r\ndb0:keys=1,expires=0")
    hello2 = b"*4\r\n$2\r\nid\r\n:12\r\n$5\r\nproto\r\n:2\r\n"
    assert n["hello"](hello2) == b"*4\r\n$2\r\nid\r\n:<id>\r\n$5\r\nproto\r\n:2\r\n"
    assert n["float"](b",0.30000000000000004\r\n") == b",0.3\r\n"
    assert n["float"](b"$19\r\n0.30000000000000004\r\n") == b"$3\r\n0.3\r\n"
    assert n["ignore"](b":1\r\n") == n["ignore"](b":2\r\n")
    chain = normalise.normaliser(["client-list", "ignore"])
    assert chain is not None and chain(b":1\r\n") == b"<ignored>"
    with pytest.raises(KeyError):
        normalise.normaliser("no-such")


def test_normalised_comparison_hides_only_what_it_should(redis_target: Target) -> None:
    """KEYS order is masked by "sort"; a different key set still differs."""
    steps = [["MSET", "a", "1", "b", "2", "c", "3"], ["KEYS", "*"]]
    case = harness.make_case("self", "keys", steps, {1: "sort"})
    other = harness.make_case("self", "keys", [["MSET", "a", "1", "b", "2"], ["KEYS", "*"]])
    a = harness.replay(redis_target, case, 2, "pipeline")
    b = harness.replay(redis_target, other, 2, "pipeline")
    assert harness.compare(case, 2, "pipeline", "x", a, "y", a) is None
    assert harness.compare(case, 2, "pipeline", "x", a, "y", b) is not None
