"""``redspec diff --expect``: profiles of explained differences (reference/diff/expect.py), the
shipped ones parse and name real commands, and the matrix page ``redspec peers`` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from redspec.reference.diff.expect import KINDS, explain, load_profile
from redspec.reference.diff.generate import COMMANDS, GROUPS
from redspec.reference.diff.matrix import PeerRun, markdown
from redspec.reference.diff.peers import PEERS, PROFILES
from redspec.reference.diff.replay import Mismatch
from redspec.reference.diff.runner import Divergence, GroupResult, new_divergences

_PROFILE = """
peer = "valkey-9.1"
title = "Valkey 9.1.2"

[[expected]]
command = "getex"
target = "invalid expire time"
reference = "$-1"
kind = "version"
reason = "checks the expire time before the key lookup"

[[expected]]
command = "bitcount"
group = "bitmaps"
proto = 2
reason = "range arguments parsed before the key lookup"
"""


def _divergence(group: str, command: str, proto: int, a: bytes, b: bytes) -> Divergence:
    return Divergence(group, command, proto, [(1, [command.encode()])], [],
                      Mismatch(1, 0, 0, a, b), [], [])


def test_explain_matches_on_every_given_field(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(_PROFILE)
    prof = load_profile(path)
    assert prof.peer == "valkey-9.1" and len(prof.expected) == 2
    err, nil = b"-ERR invalid expire time in 'getex' command\r\n", b"$-1\r\n"
    hit = explain(prof, "expire", "getex", 3, err, nil)
    assert hit is not None and hit.kind == "version"
    assert explain(prof, "expire", "getex", 3, b"-ERR other\r\n", nil) is None  # target text
    assert explain(prof, "expire", "getex", 3, err, b":0\r\n") is None  # reference text
    assert explain(prof, "expire", "get", 3, err, nil) is None  # command
    assert explain(prof, "bitmaps", "bitcount", 2, b"-x", b":0") is not None
    assert explain(prof, "bitmaps", "bitcount", 3, b"-x", b":0") is None  # proto
    assert explain(prof, "strings", "bitcount", 2, b"-x", b":0") is None  # group
    assert explain(None, "expire", "getex", 3, err, nil) is None


def test_malformed_profiles_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    for bad, why in (('[[expected]]\ncommand = "get"\n', "required"),
                     ('[[expected]]\ncommand = "get"\nreason = "x"\nkind = "nope"\n', "kind"),
                     ('[[expected]]\ncommand = "get"\nreason = "x"\ncmd = "y"\n', "unknown")):
        path.write_text(bad)
        with pytest.raises(ValueError, match=why):
            load_profile(path)


def test_new_divergences_count_only_the_unexplained() -> None:
    g = GroupResult("expire", ["getex", "get"])
    g.divergences = [_divergence("expire", "getex", 2, b"-E", b"$-1"),
                     _divergence("expire", "get", 2, b"$1", b"$2")]
    g.divergences[0].expected, g.divergences[0].expected_kind = "known", "version"
    assert new_divergences([g]) == 1


def test_shipped_profiles_parse_and_name_real_commands() -> None:
    names = sorted(PROFILES.glob("*.toml"))
    assert names, "no shipped profile"
    for path in names:
        prof = load_profile(path)
        assert path.stem in PEERS, path
        for e in prof.expected:
            assert e.command in COMMANDS or e.command == "hello", (path, e.command)
            assert e.kind in KINDS and e.reason
            assert e.group is None or e.group in GROUPS, (path, e.group)


def test_matrix_page() -> None:
    g = GroupResult("expire", ["getex"], examples=100)
    d = _divergence("expire", "getex", 2, b"-ERR invalid\r\n", b"$-1\r\n")
    d.expected, d.expected_kind = "checks the time first", "version"
    g.divergences = [d]
    control = PeerRun("redis-7.0", "Redis 7.0.15", True,
                      {2: [GroupResult("expire", ["getex"], 100)],
                       3: [GroupResult("expire", ["getex"], 100)]},
                      {"pass": 10, "fail": 0, "skip": 1, "error": 0})
    peer = PeerRun("valkey-9.1", "Valkey 9.1.2", False,
                   {2: [g], 3: [GroupResult("expire", ["getex"], 100)]},
                   {"pass": 9, "fail": 1, "skip": 1, "error": 0})
    broken = PeerRun("redis-5.0", "Redis 5.0.6", False, error="pip install failed")
    page = markdown([control, peer, broken], {"command": "redspec peers", "seed": 0,
                                              "examples": 100, "clients": 3, "max_steps": 12})
    assert "| Redis 7.0.15 — **control** | 2 | 0 / 100 |" in page
    assert "| Redis 7.0.15 — **control** | 3 | 0 / 100 |" in page
    assert "| Valkey 9.1.2 | 2 | 1 / 100 |" in page
    assert "| Valkey 9.1.2 | 9 | 1 | 0 | 1 |" in page
    assert "### expire / `getex` (RESP2) — version" in page
    assert "checks the time first" in page and "GETEX" not in page.split("## Valkey")[0]
    assert "Not run: pip install failed" in page


def test_matrix_from_json_reapplies_the_profiles(tmp_path: Path) -> None:
    """``redspec peers --from-json``: an earlier run's report, classified by today's profiles."""
    from redspec.reference.diff.expect import Expected, Profile
    from redspec.reference.diff.matrix import runs_from_json
    from redspec.reference.diff.report import to_json

    g = GroupResult("expire", ["getex"], examples=100)
    g.divergences = [_divergence("expire", "getex", 2, b"-ERR invalid expire\r\n", b"$-1\r\n")]
    meta = {"command": "redspec peers", "seed": 0, "examples": 100, "clients": 3,
            "max_steps": 12}
    doc = {"valkey-9.1": {"title": "Valkey", "control": False, "error": None, "vectors": None,
                          "diff": {"resp2": to_json([g], {"target": "valkey-9.1", **meta})}}}
    prof = Profile("valkey-9.1", "Valkey", (Expected("getex", "checks first", "version"),))
    (run,) = runs_from_json(doc, {"valkey-9.1": prof})
    (d,) = run.by_proto[2][0].divergences
    assert d.expected == "checks first" and d.mismatch.a == b"-ERR invalid expire\r\n"
    (bare,) = runs_from_json(doc, {"valkey-9.1": None})
    assert bare.by_proto[2][0].divergences[0].expected is None
