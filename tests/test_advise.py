"""spec.advise and ``redspec advise``: trace parsing, per-key statistics, conversions at the
right step, recommendations priced by the model, and the CLI's JSON report."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from redspec.cli.main import main
from redspec.spec.advise import advise, analyse, key_pattern, parse_trace, split_args


def test_split_args_like_redis_cli() -> None:
    assert split_args(b'SET k "a b\\x41\\n" \'it\\\'s\'') == [b"SET", b"k", b"a bA\n", b"it's"]
    assert split_args(b'SET "unbalanced') is None
    assert split_args(b"   ") == []


def test_parse_monitor_and_cli_lines() -> None:
    text = (b"OK\n# comment\n"
            b'1700000000.123456 [0 127.0.0.1:5555] "HSET" "h" "f" "v\\"q"\n'
            b'1700000000.223456 [2 127.0.0.1:5555] "GET" "k"\n'
            b"RPUSH q a b\n"
            b'SET "x\n')
    trace, problems = parse_trace(text)
    assert trace == [[b"HSET", b"h", b"f", b'v"q'], [b"SELECT", b"2"], [b"GET", b"k"],
                     [b"RPUSH", b"q", b"a", b"b"]]
    assert problems == ["line 6: unbalanced quotes"]


def test_monitor_script_calls_replayed_once() -> None:
    # As redis-cli monitor prints an EVAL (7.0.15): the call, then the script's commands.
    text = (b'1795797462.964296 [0 127.0.0.1:48398] "eval" "redis.call(\'set\',\'k\',\'v\')" "0"\n'
            b'1795797462.964357 [0 lua] "set" "k" "v"\n')
    assert parse_trace(text) == ([[b"set", b"k", b"v"]], [])


def test_key_pattern() -> None:
    assert key_pattern(b"user:17:tags") == "user:*:tags"


def _hash_trace(n: int) -> list[list[bytes]]:
    return [[b"HSET", b"h", b"f%d" % i, b"v%d" % i] for i in range(n)]


def test_conversion_at_the_right_step() -> None:
    trace = [[b"SET", b"other", b"x"]] + _hash_trace(200)
    a = analyse(trace, {"hash-max-listpack-entries": 128})
    ks = a.keys[b"h"]
    assert ks.encoding == "hashtable" and ks.max_n == 200 and ks.ops == {"hset": 200}
    (c,) = ks.conversions
    # Step 0 is the SET; the 129th HSET (step 129) makes 129 fields > 128.
    assert (c.step, c.frm, c.to, c.size) == (129, "listpack", "hashtable", 129)
    assert c.reason == "129 elements > hash-max-listpack-entries 128"
    # Under the default (512) it never converts.
    assert analyse(trace).keys[b"h"].conversions == []


def test_value_length_conversion_reason() -> None:
    a = analyse([[b"HSET", b"h", b"f", b"v"], [b"HSET", b"h", b"g", b"x" * 70]])
    (c,) = a.keys[b"h"].conversions
    assert c.step == 1 and c.reason == "an element of 70 bytes > hash-max-listpack-value 64"


def test_raise_limit_recommendation_is_priced() -> None:
    trace = _hash_trace(200) + [[b"HGET", b"h", b"f%d" % i] for i in range(100)]
    base, recs = advise(trace, {"hash-max-listpack-entries": 128})
    (r,) = [r for r in recs if r.kind == "config-raise"]
    assert r.config == {"hash-max-listpack-entries": 256}
    assert r.memory_before == base.keys[b"h"].memory
    assert r.memory_after < r.memory_before * 0.5  # a listpack is far smaller
    assert r.steps_after > r.steps_before * 1.5  # but every HGET scans it
    assert "memory -" in r.text and "steps x" in r.text and r.verdict == "saves memory"
    # The per-command ratios: each HGET now scans a listpack of ~200 fields.
    assert "per command: HSET x" in r.text and "HGET x" in r.text


def test_lower_limit_recommendation_for_big_listpacks() -> None:
    trace = [[b"ZADD", b"z", b"%d" % i, b"m%d" % i] for i in range(120)]
    trace += [[b"ZSCORE", b"z", b"m%d" % i] for i in range(120)] * 5
    _, recs = advise(trace)
    (r,) = [r for r in recs if r.kind == "config-lower"]
    assert r.config == {"zset-max-listpack-entries": 30}
    assert r.memory_after > r.memory_before and r.steps_after < r.steps_before * 0.6


def test_hash_used_as_set() -> None:
    trace = [[b"HSET", b"seen", b"id%d" % i, b"1"] for i in range(300)]
    trace += [[b"HEXISTS", b"seen", b"id%d" % i] for i in range(300)]
    _, recs = advise(trace, {"hash-max-listpack-entries": 128})
    (r,) = [r for r in recs if r.kind == "type-set"]
    assert r.keys == ("seen",) and r.memory_after < r.memory_before
    assert "used as sets" in r.text
    # A hash whose values are read is not a set.
    _, recs2 = advise(trace + [[b"HGET", b"seen", b"id1"]], {"hash-max-listpack-entries": 128})
    assert not [r for r in recs2 if r.kind == "type-set"]


def test_list_used_by_position() -> None:
    trace = [[b"RPUSH", b"arr"] + [b"item%d" % i for i in range(j, j + 100)]
             for j in range(0, 3000, 100)]
    trace += [[b"LINDEX", b"arr", b"%d" % (i * 13)] for i in range(200)]
    base, recs = advise(trace)
    assert base.keys[b"arr"].middle_ops > 150
    (r,) = [r for r in recs if r.kind == "type-hash"]
    assert r.steps_after < r.steps_before and r.memory_after > r.memory_before
    assert r.verdict == "saves work" and "steps per positional command" in r.text
    # Smaller quicklist nodes: each LINDEX seeks less, for a little more node overhead.
    (small,) = [r for r in recs if r.config == {"list-max-listpack-size": 128}]
    assert small.steps_after < small.steps_before * 0.8
    assert small.memory_before < small.memory_after < small.memory_before * 1.2
    # Pushing and popping at the ends is what a list is for: no recommendation.
    _, recs2 = advise([[b"RPUSH", b"q", b"a"], [b"LPOP", b"q"]] * 50)
    assert not [r for r in recs2 if r.kind == "type-hash"]


def test_cli_json(tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    lines = [f'HSET user:{u} f{i} "v {i}"' for u in range(2) for i in range(150)]
    trace.write_text("\n".join(lines) + "\n")
    out = tmp_path / "advice.json"
    res = CliRunner().invoke(main, ["advise", str(trace), "--config",
                                    "hash-max-listpack-entries=128", "--json", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert doc["config"]["hash-max-listpack-entries"] == 128 and doc["commands"] == 300
    k0 = next(k for k in doc["keys"] if k["key"] == "user:0")
    assert k0["conversions"][0]["step"] == 128 and k0["encoding"] == "hashtable"
    assert doc["recommendations"][0]["config"] == {"hash-max-listpack-entries": 256}
    assert "recommendations" in res.output
    bad = CliRunner().invoke(main, ["advise", str(trace), "--config", "nosuch=1"])
    assert bad.exit_code == 2
    assert "advise" in CliRunner().invoke(main, ["--help"]).output


def test_small_strings_as_hash_buckets() -> None:
    trace = [[b"SET", b"user:%d:name" % i, b"name-%d" % i] for i in range(1000)]
    trace += [[b"GET", b"user:%d:name" % i] for i in range(0, 1000, 3)]
    # Keys with a TTL cannot become hash fields: they are left out.
    trace += [[b"SET", b"sess:%d" % i, b"x", b"EX", b"100"] for i in range(50)]
    _, recs = advise(trace)
    (r,) = [r for r in recs if r.kind == "type-hash-buckets"]
    assert r.keys == ("user:*:name",) and "10 hash(es)" in r.text
    assert r.memory_after < r.memory_before * 0.3 and r.steps_after > r.steps_before
