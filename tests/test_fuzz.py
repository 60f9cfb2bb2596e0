"""The fuzzing campaign's short run (issue 19, "Robustness, measured"): 20,000 frames of every
kind (``tools/fuzz.py``) against ``redspec serve`` and a real ``redis-server`` 7.0.15 — no crash,
no hang, the control connection answered every time, and no divergence that is not classified
(a command redspec does not serve yet, a reply depending on timing or on Redis's read sizes).
``make fuzz`` runs the 10^6-frame campaign (figures in docs/robustness.md).

The checks of the tool itself are shown to fail: a different reply is a divergence, a server
that never closes is a hang.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT, _redis_problem

sys.path.insert(0, str(ROOT / "tools"))
import fuzz  # noqa: E402

FRAMES = 20_000


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    problem = _redis_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem} (required in CI)", pytrace=False)
        pytest.skip(problem)
    out = tmp_path_factory.mktemp("fuzz") / "fuzz.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "fuzz.py"), "--frames", str(FRAMES), "--seed", "7",
         "--json", str(out), "--no-progress"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.exists(), proc.stderr[-3000:]
    data: dict[str, object] = json.loads(out.read_text())
    return data


def test_short_campaign_no_crash_no_hang(summary: dict[str, object]) -> None:
    assert summary["frames"] >= FRAMES  # type: ignore[operator]
    assert summary["crashes"] == 0
    assert summary["hangs"] == 0, summary["hang_examples"]
    assert summary["redis_hangs"] == 0  # the exclusions leave nothing that blocks on Redis
    assert summary["control_failures"] == 0


def test_short_campaign_every_kind(summary: dict[str, object]) -> None:
    kinds = summary["by_kind"]
    assert isinstance(kinds, dict)
    assert set(kinds) == {"valid", "mutated", "inline", "random", "huge", "nesting"}


def test_short_campaign_replies_agree(summary: dict[str, object]) -> None:
    assert summary["divergences"] == 0, json.dumps(summary["divergence_examples"], indent=1)[:6000]


def _valid_session() -> fuzz.Session:
    gen = fuzz.Generator(3)
    while True:
        s = gen.session()
        if s.kind == "valid":
            return s


def test_a_different_reply_is_a_divergence() -> None:
    sess = _valid_session()
    replies = [b"+OK\r\n"] + [b":1\r\n"] * len(sess.frames) + [b"-ERR DISCARD without MULTI\r\n",
                                                             fuzz.END_REPLY]
    # a request whose reply is compared byte for byte (not by shape, not ignored)
    i = next(i for i, argv in enumerate(sess.argvs)
             if fuzz._norm_frame(argv, b":1\r\n") != fuzz._norm_frame(argv, b":2\r\n"))
    changed = list(replies)
    changed[1 + i] = b":2\r\n"
    a = fuzz.Outcome(b"".join(replies), closed=True)
    same = fuzz.Outcome(b"".join(replies), closed=True)
    other = fuzz.Outcome(b"".join(changed), closed=True)
    assert fuzz.agree(sess, a, same)
    assert not fuzz.agree(sess, a, other)


def test_a_server_that_never_closes_is_a_hang() -> None:
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(4)  # accepted by the kernel, never read nor closed
        port = lsock.getsockname()[1]
        (out,) = fuzz.run_pair([port], b"*1\r\n$4\r\nPING\r\n", timeout=0.5)
    assert not out.closed


def test_exclusions_are_commands_of_the_table() -> None:
    facts = json.loads((Path(ROOT) / "spec" / "command_facts.json").read_text())["info"]
    for name in fuzz.EXCLUDED:
        assert name.split("|")[0] in facts, name
