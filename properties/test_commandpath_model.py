"""The mechanism-24 explorer model (``properties/explorer_commandpath.py``): the complete
command path holds its invariants in every world, reaching every gate, with the distinct-state
count recorded in docs/mechanisms/command-path.md; and each invariant is shown to trip on a
planted bug (a gate out of Redis's order, a command answered twice, a refused write that
still writes)."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.properties import explorer_commandpath as E
from redspec.spec import dispatch

MECHANISM = "commandpath"

#: Distinct states at depth 3 over the eleven worlds (docs/mechanisms/command-path.md).
EXPECTED_DISTINCT = 610


def _tags_reached(model: Any) -> set[str]:
    """Every gate tag some explored transition's reply reported (re-running the steps of the
    explored states: the model's own exploration keeps no replies)."""
    tags: set[str] = set()
    orig = E._check

    def spy(world: Any, before: Any, after: Any, cid: int, label: str, argv: list[bytes],
            out: bytes, busy: bool = False) -> str:
        frames, _ = E.parse_all(out)
        if frames:
            tags.add(E.reply_tag(frames[0]))
        return orig(world, before, after, cid, label, argv, out, busy)

    E._check = spy  # type: ignore[assignment]
    try:
        res = model.check()
    finally:
        E._check = orig  # type: ignore[assignment]
    assert res.violation is None, res.violation.script()
    return tags


def test_the_command_path_holds_and_reaches_every_gate() -> None:
    model = E.command_path_model(depth=3)
    tags = _tags_reached(model)
    gates = {tag for _, tag in E.GATES if tag is not None}
    assert gates <= tags, gates - tags
    res = model.check()
    assert res.violation is None
    assert res.distinct == EXPECTED_DISTINCT


def test_oracle_reads_redis_order() -> None:
    """A few hand-made cases of the oracle against the order of the gates."""
    w = E.World(requirepass=True, oom=True, misconf=True, loading=True)
    clean = E.View(auth=False, multi=False, queue=(), subscribed=False)
    assert E.expected_gate(w, clean, "NOSUCH", 1) == "unknown"
    assert E.expected_gate(w, clean, "GET", 1) == "arity"
    assert E.expected_gate(w, clean, "SET", 3) == "noauth"
    authed = E.View(auth=True, multi=False, queue=(), subscribed=False)
    assert E.expected_gate(w, authed, "SET", 3) == "oom"
    assert E.expected_gate(w, authed, "PING", 1) == "misconf"
    assert E.expected_gate(w, authed, "GET", 2) == "loading"
    assert E.expected_gate(E.World(), authed, "GET", 2, busy=True) == "busy"
    assert E.expected_gate(E.World(oom=True), authed, "SET", 3, busy=True) == "busy"
    # NOPERM: after NOAUTH and no-multi, before OOM and MISCONF; AUTH/HELLO always allowed
    acl = E.World(acl="default", requirepass=True, oom=True, misconf=True)
    assert E.expected_gate(acl, clean, "PING", 1) == "noauth"
    assert E.expected_gate(acl, authed, "PING", 1) == "noperm"
    assert E.expected_gate(acl, authed, "SET", 3, args=(b"k", b"v")) == "noperm"
    assert E.expected_gate(acl, authed, "SET", 3, args=(b"x", b"v")) == "oom"
    assert E.expected_gate(acl, authed, "AUTH", 2, args=(b"pw",)) == "run"
    u = E.View(auth=True, multi=True, queue=(), subscribed=False, user="u")
    assert E.expected_gate(E.World(acl="u"), u, "SAVE", 1) == "nomulti"
    assert E.expected_gate(E.World(acl="u"), u, "GET", 2, args=(b"k",)) == "queued"
    assert E.expected_gate(E.World(acl="u"), u, "SUBSCRIBE", 2, args=(b"ch",)) == "noperm"
    assert E.expected_gate(E.World(acl="u"), authed, "PING", 1) == "run"  # default: all


def _violation(worlds: list[E.World], depth: int = 3) -> str:
    res = E.command_path_model(depth=depth, worlds=worlds, busy=False).check()
    assert res.violation is not None, "the planted bug was not found"
    return res.violation.invariant


ALL = E.World(requirepass=True, oom=True, misconf=True, loading=True)


def test_planted_oom_before_noauth(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OOM gate moved in front of NOAUTH: an unauthenticated SET gets OOM."""
    orig = dispatch.process_command

    def wrong(s: Any, argv: list[bytes]) -> Any:
        cmd = dispatch.lookup_command(argv)
        if (cmd is not None and s.config["maxmemory"] and "denyoom" in cmd.flags
                and not s.client.authenticated):
            return dispatch.reject(s, cmd, dispatch.OOM_ERR)
        return orig(s, argv)

    monkeypatch.setattr(dispatch, "process_command", wrong)
    assert _violation([ALL], depth=1) == "gate_order"


def test_planted_two_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    """PING answered twice."""
    orig = dispatch.process_command

    def twice(s: Any, argv: list[bytes]) -> Any:
        reply = orig(s, argv)
        if argv[0].upper() == b"PING" and reply == "PONG":
            return dispatch.Raw(b"+PONG\r\n+PONG\r\n")
        return reply

    monkeypatch.setattr(dispatch, "process_command", twice)
    assert _violation([E.World()], depth=1) == "one_reply"


def test_planted_refused_write_still_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SET refused by MISCONF runs anyway."""
    orig = dispatch.process_command

    def leaky(s: Any, argv: list[bytes]) -> Any:
        reply = orig(s, argv)
        if argv[0].upper() == b"SET" and reply is dispatch.MISCONF:
            cmd = dispatch.lookup_command(argv)
            assert cmd is not None
            dispatch.call(s, cmd, argv)
        return reply

    monkeypatch.setattr(dispatch, "process_command", leaky)
    assert _violation([E.World(misconf=True)], depth=1) == "refused_changes_nothing"


def test_registered_for_mechanism_24() -> None:
    from redspec.properties.registry import canonical, discover

    items = [i for i in discover(["commandpath"]) if i.kind == "explorer"]
    assert any(i.module == "explorer_commandpath" for i in items)
    assert canonical(24) == "commandpath"


def test_planted_acl_skipped_inside_multi(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ACL gate not applied to commands being queued: a denied PING gets QUEUED."""
    orig = dispatch.acl_gate

    def lax(s: Any, acl: Any, cmd: Any, argv: list[bytes]) -> Any:
        if s.client.info.multi >= 0:
            return None
        return orig(s, acl, cmd, argv)

    monkeypatch.setattr(dispatch, "acl_gate", lax)
    assert _violation([E.World(acl="u")], depth=2) == "gate_order"


def test_planted_oom_before_noperm(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OOM gate moved in front of the ACL gate: a restricted user's denied SET gets
    OOM (7.0.15 answers NOPERM, checked live)."""
    orig = dispatch.process_command

    def wrong(s: Any, argv: list[bytes]) -> Any:
        cmd = dispatch.lookup_command(argv)
        acl = s.part("acl")
        if (cmd is not None and s.config["maxmemory"] and "denyoom" in cmd.flags
                and s.client.authenticated and s.client.user in acl.restricted):
            return dispatch.reject(s, cmd, dispatch.OOM_ERR)
        return orig(s, argv)

    monkeypatch.setattr(dispatch, "process_command", wrong)
    assert _violation([E.World(acl="default", requirepass=True, oom=True, misconf=True)],
                      depth=2) == "gate_order"
