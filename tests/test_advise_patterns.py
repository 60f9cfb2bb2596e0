"""``redspec advise --pattern``: the five worked examples get the recommendation they should,
per-operation prices come from the cost model, the JSON report has its shape, and a bad
pattern gets an error that says what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from click.testing import CliRunner

from redspec.cli.main import main
from redspec.spec import cost, patterns
from redspec.spec.patterns import PatternError, evaluate, parse_pattern

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "advise"


def _load(name: str, **changes: Any) -> patterns.Pattern:
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    data.update(changes)
    return parse_pattern(data)


def _by_type(ev: patterns.Evaluation) -> dict[str, patterns.Candidate]:
    return {c.type: c for c in ev.candidates}


def test_the_five_examples_exist() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.yaml")) == [
        "feed", "leaderboard", "queue", "session-store", "unique-visitors"]


def test_leaderboard_is_a_skiplist_zset() -> None:
    ev = evaluate(_load("leaderboard"))
    assert ev.best is not None
    assert (ev.best.type, ev.best.encoding) == ("zset", "skiplist")
    c = _by_type(ev)
    # A hash can store the scores but cannot give the top 10; a list cannot look a player up.
    assert c["hash"].ruled_out_by is not None and c["hash"].ruled_out_by[0] == "top_n"
    assert not c["list"].fits and not c["set"].fits and not c["hyperloglog"].fits
    # Prices are op_cost's, plus the per-command overhead.
    top = next(o for o in ev.best.operations if o.op == "top_n")
    assert top.commands == "ZREVRANGE key 0 9" and top.big_o == "O(log n + m)"
    assert top.steps == pytest.approx(
        cost.CALL_OVERHEAD + cost.op_cost("zrevrange", "skiplist", 100_000, window=10).steps)
    assert ev.best.steps_per_second == pytest.approx(sum(o.rate * o.steps
                                                         for o in ev.best.operations))


def test_leaderboard_small_board_is_a_listpack() -> None:
    ev = evaluate(_load("leaderboard", elements=100))
    assert ev.best is not None and (ev.best.type, ev.best.encoding) == ("zset", "listpack")


def test_queue_is_a_list() -> None:
    ev = evaluate(_load("queue"))
    assert ev.best is not None and (ev.best.type, ev.best.encoding) == ("list", "quicklist")
    c = _by_type(ev)
    assert c["zset"].fits and c["zset"].memory > ev.best.memory
    assert c["set"].ruled_out_by is not None and c["set"].ruled_out_by[0] == "push"
    pop = next(o for o in ev.best.operations if o.op == "pop")
    assert pop.commands == "RPOP key" and pop.big_o == "O(1)"


def test_session_store_is_a_listpack_hash_per_session() -> None:
    ev = evaluate(_load("session-store"))
    assert ev.best is not None and (ev.best.type, ev.best.encoding) == ("hash", "listpack")
    c = _by_type(ev)
    # One string key per attribute fits too, but costs more memory and an EXPIRE per key.
    assert c["string"].fits and c["string"].memory > ev.best.memory
    exp = next(o for o in c["string"].operations if o.op == "expire")
    assert exp.steps == pytest.approx(8 * (cost.CALL_OVERHEAD + 1))
    # Big values make the hash a hashtable (hash-max-listpack-value 64).
    big = evaluate(_load("session-store", value_size=100))
    assert _by_type(big)["hash"].encoding == "hashtable"


def test_unique_visitors_hll_when_approximate_set_when_exact() -> None:
    ev = evaluate(_load("unique-visitors"))
    assert ev.best is not None and ev.best.type == "hyperloglog"
    assert ev.best.detail.startswith("dense") and ev.best.memory_per_key < 15_000
    exact = evaluate(_load("unique-visitors", exact=True))
    assert exact.best is not None and exact.best.type == "set"
    hll = _by_type(exact)["hyperloglog"]
    assert hll.ruled_out_by is not None and "exact: true" in hll.ruled_out_by[1]
    # Dense integer ids: a bitmap counts exactly in an eighth of a byte per id.
    ids = evaluate(_load("unique-visitors", exact=True, integer_ids=True))
    assert ids.best is not None and ids.best.type == "bitmap"
    assert ids.best.memory_per_key < 200_000


def test_feed_is_a_capped_list() -> None:
    ev = evaluate(_load("feed"))
    assert ev.best is not None and ev.best.type in ("list", "zset")
    assert ev.best.type == "list"
    c = _by_type(ev)
    assert c["zset"].fits and c["zset"].encoding == "skiplist"  # 500 > 128 members
    trim = next(o for o in ev.best.operations if o.op == "trim")
    assert trim.commands == "LTRIM key 0 499"


def test_memory_matches_redis_measurements() -> None:
    """MEMORY USAGE of one key built on Redis 7.0.15 with ``build_trace`` (see
    docs/mechanisms/typechoice.md, "Worked examples")."""
    measured = {("queue", "list"): 205_896, ("feed", "list"): 10_416,
                ("session-store", "hash"): 440, ("session-store", "string"): 960}
    for (name, typ), mem in measured.items():
        assert _by_type(evaluate(_load(name)))[typ].memory_per_key == mem, (name, typ)


def test_scaled_memory_close_to_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    p = _load("unique-visitors", elements=3 * patterns.EXACT_LIMIT // 2)
    scaled = {c.type: c.memory_per_key for c in evaluate(p).candidates if c.fits}
    monkeypatch.setattr(patterns, "EXACT_LIMIT", 10 ** 9)
    exact = {c.type: c.memory_per_key for c in evaluate(p).candidates if c.fits}
    for typ in ("set", "hash", "zset"):
        assert scaled[typ] == pytest.approx(exact[typ], rel=0.005), typ


def test_ranking_is_by_score_and_why_quotes_numbers() -> None:
    ev = evaluate(_load("unique-visitors"))
    fit = [c for c in ev.candidates if c.fits]
    assert [c.rank for c in fit] == list(range(1, len(fit) + 1))
    assert [c.score for c in fit] == sorted(c.score for c in fit)
    assert fit[0].score >= 2.0
    assert "less memory" in fit[0].why and fit[1].type in fit[0].why
    assert all(c.rank == 0 and c.ruled_out_by for c in ev.candidates if not c.fits)


def test_config_in_the_pattern_changes_the_encoding() -> None:
    p = _load("session-store", config={"hash-max-listpack-entries": 4})
    assert _by_type(evaluate(p))["hash"].encoding == "hashtable"


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("data,msg", [
    ([1, 2], "a pattern is a mapping"),
    ({"elements": 5, "operations": [{"op": "add", "rate": 1}], "colour": "red"},
     "unknown field(s) colour"),
    ({"operations": [{"op": "add", "rate": 1}]}, "'elements' is required"),
    ({"elements": -3, "operations": [{"op": "add", "rate": 1}]}, "'elements' must be >= 1"),
    ({"elements": 5, "operations": []}, "'operations' must be a non-empty list"),
    ({"elements": 5, "operations": [{"op": "fly", "rate": 1}]},
     "operations[0]: unknown operation 'fly'; known: add, remove"),
    ({"elements": 5, "operations": [{"op": "add", "rate": -1}]},
     "operations[0] (add): 'rate' must be a number >= 0"),
    ({"elements": 5, "operations": [{"op": "add"}]}, "'rate' must be a number"),
    ({"elements": 5, "exact": "yes", "operations": [{"op": "add", "rate": 1}]},
     "'exact' must be true or false"),
    ({"elements": 5, "config": {"no-such-param": 1}, "operations": [{"op": "add", "rate": 1}]},
     "config: unknown parameter 'no-such-param'"),
    ({"elements": 5, "config": {"hash-max-listpack-entries": "lots"},
      "operations": [{"op": "add", "rate": 1}]}, "config hash-max-listpack-entries:"),
])
def test_bad_patterns_say_what_is_wrong(data: Any, msg: str) -> None:
    with pytest.raises(PatternError) as e:
        parse_pattern(data)
    assert msg in str(e.value)


def test_aliases_and_ranges() -> None:
    p = parse_pattern({"elements": [10, 300], "operations": [
        {"op": "add_or_update_score", "rate": 5}, {"op": "top_n", "rate": 1}]})
    assert p.elements == 300 and [o.op for o in p.operations] == ["set_score", "top_n"]
    assert p.operations[1].n == 10


# -- CLI ---------------------------------------------------------------------------------------


def test_cli_json_shape() -> None:
    r = CliRunner().invoke(main, ["advise", str(EXAMPLES / "queue.yaml"), "--json", "-"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out) == {"pattern", "config", "recommendation", "candidates"}
    assert out["recommendation"] == "list"
    assert out["pattern"]["operations"][0] == {"op": "push", "rate": 5000.0, "n": 1}
    first = out["candidates"][0]
    assert {"type", "fits", "rank", "score", "why", "ruled_out_by", "encoding", "detail",
            "memory_note",
            "memory_bytes_per_key", "memory_bytes", "steps_per_second",
            "operations"} <= set(first)
    assert first["operations"][0]["commands"] == "LPUSH key element"
    assert {"op", "rate", "commands", "big_o", "steps_per_call", "steps_per_second",
            "redis_fn"} == set(first["operations"][0])
    out_of = [c for c in out["candidates"] if not c["fits"]]
    assert out_of and all(c["ruled_out_by"]["op"] and c["ruled_out_by"]["reason"]
                          for c in out_of)


def test_cli_pattern_option_table(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["advise", "--pattern", str(EXAMPLES / "feed.yaml")],
                           env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "recommendation: list (quicklist)" in r.output
    assert "LTRIM key 0 499" in r.output


def test_cli_bad_pattern_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nelements: 10\noperations:\n  - {op: teleport, rate: 3}\n")
    r = CliRunner().invoke(main, ["advise", str(bad)])
    assert r.exit_code == 1
    assert "bad.yaml: operations[0]: unknown operation 'teleport'" in r.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    r = CliRunner().invoke(main, ["advise", "--pattern", str(broken)])
    assert r.exit_code == 1 and "not valid YAML" in r.output


def test_evaluation_is_frozen() -> None:
    ev = evaluate(_load("queue"))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ev.candidates[0].memory = 0  # type: ignore[misc]


def test_expire_is_constant_on_every_type() -> None:
    """EXPIRE touches the key, not its elements: one step plus the call on every encoding."""
    for name in ("session-store", "queue", "feed", "leaderboard"):
        data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
        data["operations"].append({"op": "expire", "rate": 1})
        for c in evaluate(parse_pattern(data)).candidates:
            if c.fits and c.type != "string":
                for e in [o for o in c.operations if o.op == "expire"]:
                    assert (e.big_o, e.steps) == ("O(1)", cost.CALL_OVERHEAD + 1), (name, c.type)
