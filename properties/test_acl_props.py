"""ACL decisions (``acl.c``, the ACL step of ``processCommand``) against a plain model.

Properties:

- ``acl_decision_is_model``: after random ACL SETUSER rules over a small pool (commands GET,
  SET, HSET, STRLEN, PUBLISH; categories ``@string``, ``@write``, ``@all``; key patterns with
  ``~``, ``%R~``, ``%W~``; channel patterns; selectors; the resets), a connection of that user
  is refused with NOPERM exactly when the model says no selector allows the (command, key or
  channel): the model is a set of allowed commands, key patterns with R/W, channel patterns
  per selector, written here without the spec's code. A SETUSER is refused exactly when the
  model says a pattern follows ``*`` (the whole call then changes nothing).
- ``describe_rebuilds``: the rules ACL LIST prints, applied to a new user, give the same user.

Each has a planted-bug test below.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import acl as spec_acl
from redspec.spec.server import client_connect, new_server, run_command

MECHANISM = "commandpath"

#: The pool: command -> (categories among the pool's, key access needed or None, channel?).
POOL = {
    "get": ({"string"}, "R", False),
    "set": ({"string", "write"}, "W", False),
    "hset": ({"write"}, "W", False),
    "strlen": ({"string"}, "", False),
    "publish": (set(), None, True),
}
KEYS = ["k1", "ka", "r1"]
CHANNELS = ["c1", "d1"]
SIMPLE = ["+@all", "-@all", "+@string", "-@string", "+@write", "-@write", "+get", "-get",
          "+set", "-set", "+hset", "+strlen", "+publish", "-publish", "~k*", "~ka", "%R~r*",
          "%W~r*", "%RW~k1", "resetkeys", "allkeys", "&c*", "&d1", "resetchannels",
          "allchannels"]
RULES = st.one_of(st.sampled_from(SIMPLE), st.sampled_from(["clearselectors"]),
                  st.lists(st.sampled_from([r for r in SIMPLE if r[:1] in "+-~%&r"]),
                           min_size=1, max_size=3).map(lambda rs: "(" + " ".join(rs) + ")"))
CALLS = st.lists(st.lists(RULES, min_size=1, max_size=4), min_size=1, max_size=4)


@attrs.define
class ModelSelector:
    """What one selector allows, as sets."""

    cmds: set[str] = attrs.field(factory=set)
    allkeys: bool = False
    keys: dict[str, set[str]] = attrs.field(factory=dict)
    allchannels: bool = False
    channels: list[str] = attrs.field(factory=list)

    def copy(self) -> ModelSelector:
        return ModelSelector(set(self.cmds), self.allkeys, {k: set(v) for k, v in self.keys.items()},
                             self.allchannels, list(self.channels))


def model_rule(sel: ModelSelector, rule: str) -> bool:
    """Apply one selector rule to the model; False when Redis refuses it."""
    if rule in ("+@all", "-@all"):
        sel.cmds = set(POOL) if rule[0] == "+" else set()
    elif rule[:2] in ("+@", "-@"):
        cat = rule[2:]
        names = {c for c, (cats, _, _) in POOL.items() if cat in cats}
        sel.cmds = sel.cmds | names if rule[0] == "+" else sel.cmds - names
    elif rule[0] in "+-":
        sel.cmds = sel.cmds | {rule[1:]} if rule[0] == "+" else sel.cmds - {rule[1:]}
    elif rule in ("resetkeys", "allkeys"):
        sel.allkeys, sel.keys = rule == "allkeys", {}
    elif rule in ("resetchannels", "allchannels"):
        sel.allchannels, sel.channels = rule == "allchannels", []
    elif rule[0] in "~%":
        if sel.allkeys:
            return False
        perms, _, pat = rule.partition("~")
        sel.keys.setdefault(pat, set()).update(perms[1:] if perms else "RW")
    elif rule[0] == "&":
        if sel.allchannels:
            return False
        if rule[1:] not in sel.channels:
            sel.channels.append(rule[1:])
    return True


def model_call(sels: list[ModelSelector], rules: list[str]) -> list[ModelSelector] | None:
    """One ACL SETUSER: the new selectors, or None when a rule is refused."""
    new = [s.copy() for s in sels]
    for r in rules:
        if r == "clearselectors":
            new = new[:1]
        elif r.startswith("("):
            s = ModelSelector()
            for sub in r[1:-1].split():
                if not model_rule(s, sub):
                    return None
            new.append(s)
        elif not model_rule(new[0], r):
            return None
    return new


def model_allows(sels: list[ModelSelector], cmd: str, arg: str) -> bool:
    """Some selector allows the command with this key or channel."""
    _, need, chan = POOL[cmd]
    for s in sels:
        if cmd not in s.cmds:
            continue
        if chan:
            if s.allchannels or any(fnmatchcase(arg, p) for p in s.channels):
                return True
            continue
        if s.allkeys or any(set(need) <= perms and fnmatchcase(arg, p)
                            for p, perms in s.keys.items()):
            return True
    return False


def _argv(cmd: str, arg: str) -> list[bytes]:
    extra = {"get": [], "strlen": [], "set": ["v"], "hset": ["f", "v"], "publish": ["m"]}[cmd]
    return [x.encode() for x in (cmd, arg, *extra)]


def check_decisions(calls: list[list[str]]) -> None:
    """``acl_decision_is_model`` for one sequence of ACL SETUSER calls."""
    state = new_server(0)
    state, admin = client_connect(state, 0)
    state, me = client_connect(state, 0)
    state, r = run_command(state, admin, [b"ACL", b"SETUSER", b"u", b"on", b"nopass"], 0)
    state, r = run_command(state, me, [b"AUTH", b"u", b"x"], 0)
    assert r == b"+OK\r\n"
    sels = [ModelSelector()]
    for rules in calls:
        state, r = run_command(state, admin, [b"ACL", b"SETUSER", b"u",
                                              *(x.encode() for x in rules)], 0)
        new = model_call(sels, rules)
        assert (new is None) == r.startswith(b"-ERR"), \
            f"acl_decision_is_model: SETUSER {rules} replied {r!r}"
        if new is not None:
            sels = new
    for cmd in POOL:
        for arg in CHANNELS if POOL[cmd][2] else KEYS:
            state, r = run_command(state, me, _argv(cmd, arg), 0)
            allowed = not r.startswith(b"-NOPERM")
            assert allowed == model_allows(sels, cmd, arg), \
                f"acl_decision_is_model: {cmd} {arg} after {calls}: {r!r}"


@property_settings(150)
@given(CALLS)
def test_acl_decision_is_model(calls: list[list[str]]) -> None:
    check_decisions(calls)


def check_describe(calls: list[list[str]]) -> None:
    """``describe_rebuilds``: ACL LIST's rules rebuild the same user."""
    u: Any = spec_acl.new_user(b"u", False)
    for rules in calls:
        got = spec_acl.set_user_rules(u, [r.encode() for r in rules], False)
        if isinstance(got, spec_acl.User):
            u = got
    text = spec_acl.describe_user(u)
    merged, bad = spec_acl.merge_selector_args(text.split(b" "))
    assert bad < 0, f"describe_rebuilds: {text!r}"
    again = spec_acl.set_user_rules(spec_acl.new_user(b"u", False), merged, False)
    assert isinstance(again, spec_acl.User), f"describe_rebuilds: {text!r} refused: {again}"
    assert again.selectors == u.selectors and again.flags == u.flags, \
        f"describe_rebuilds: {text!r}"


@property_settings(150)
@given(CALLS)
def test_describe_rebuilds(calls: list[list[str]]) -> None:
    check_describe(calls)


def test_planted_key_flags_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key pattern that ignores its R/W flags (``%R~`` would allow writes)."""
    def bad(sel: Any, key: bytes, flags: frozenset[str]) -> bool:
        return any(fnmatchcase(key.decode(), p.decode()) for p, _ in sel.patterns)
    monkeypatch.setattr(spec_acl, "_key_allowed", bad)
    with pytest.raises(AssertionError, match="acl_decision_is_model"):
        run_given(planted_settings(300), check_decisions, CALLS)


def test_planted_selectors_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the root selector is checked."""
    orig = spec_acl.check_all_perm

    def bad(u: Any, *a: Any) -> Any:
        return orig(attrs.evolve(u, selectors=u.selectors[:1]), *a)
    monkeypatch.setattr(spec_acl, "check_all_perm", bad)
    from redspec.spec import dispatch
    monkeypatch.setattr(dispatch, "check_all_perm", bad)
    with pytest.raises(AssertionError, match="acl_decision_is_model"):
        run_given(planted_settings(300), check_decisions, CALLS)


def test_planted_describe_loses_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-only key patterns printed as plain ``~`` patterns."""
    monkeypatch.setattr(spec_acl, "_pattern_text", lambda p, f: b"~" + p)
    with pytest.raises(AssertionError, match="describe_rebuilds"):
        run_given(planted_settings(300), check_describe, CALLS)
