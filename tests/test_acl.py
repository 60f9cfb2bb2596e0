"""ACL (``acl.c``) in the spec: the rule language, the canonical text, the permission check,
the log, AUTH/requirepass and the clients a deleted user leaves (the differential cases,
``tests/differential/cases_acl.py``, compare the same against 7.0.15 over sockets)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from redspec.reference.diff.normalise import _sort_command_rules
from redspec.spec import acl, dispatch
from redspec.spec.resp import encode_request
from redspec.spec.server import client_connect, client_input, new_server, run_command
from tests.session import NOW, Session


def describe(rules: str, name: bytes = b"t") -> bytes:
    merged, _ = acl.merge_selector_args(rules.encode().split())
    u = acl.set_user_rules(acl.new_user(name, False), merged, False)
    assert isinstance(u, acl.User)
    return b"user " + name + b" " + acl.describe_user(u)


#: Rules and the line 7.0.15 printed for them (ACL LIST), single-command rules sorted.
REDIS_LINES = [
    ("+@all -@dangerous -@write +set",
     "user t off resetchannels +@all -@dangerous -@blocking -@string -@list -@stream -zpopmax "
     "+xgroup|help -hsetnx +get -setbit -spop +xlen -bitfield -expireat -del -copy +xpending "
     "+getrange -rename +lrange -georadiusbymember -pexpire -zremrangebyrank -expire -hmset "
     "-zrangestore -georadius -zpopmin +substr -zremrangebyscore -unlink -geoadd "
     "-zremrangebylex -sunionstore +set +llen +xinfo|groups +xinfo|consumers +xinfo|stream "
     "+xinfo|help -sinterstore -zmpop -sadd -hset -function|load -function|restore "
     "-function|delete -function|flush -hdel -pexpireat -persist +strlen -zadd -zdiffstore "
     "+xrange +lcs -hincrby -srem +xread -zincrby -zinterstore -renamenx +lpos -bitop -pfmerge "
     "-move -zunionstore -zrem -pfadd -hincrbyfloat +mget +lindex -geosearchstore +xrevrange "
     "-sdiffstore -smove"),
    ("-@all +@hash +@list -lpush +client|list +debug|object +@pubsub",
     "user t off resetchannels -@all +@hash +@pubsub +@list -lpush +debug|object +client|list"),
    ("-@all +@read +@fast",
     "user t off resetchannels -@all +@fast +@geo +@read -georadiusbymember -georadius -geoadd "
     "-geosearchstore"),
    ("+@all -@slow -@fast +get", "user t off resetchannels +@all -@slow -@fast +get"),
    ("on >p ~k* &ch* -@all +@string",
     "user t on #148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940 ~k* "
     "resetchannels &ch* -@all +@string"),
    ("on nopass %R~r* %W~w* %RW~b* +@read (~x* +set) (+get ~y)",
     "user t on nopass %R~r* %W~w* ~b* resetchannels -@all +@read (~x* resetchannels -@all "
     "+set) (~y resetchannels -@all +get)"),
    ("on nopass +@all -config|set +select|0 -select allkeys",
     "user t on nopass ~* resetchannels +@all -select -config|set"),
    ("reset", "user t off sanitize-payload resetchannels -@all"),
]


@pytest.mark.parametrize(("rules", "line"), REDIS_LINES)
def test_describe_as_redis(rules: str, line: str) -> None:
    assert _sort_command_rules(describe(rules)) == _sort_command_rules(line.encode())


def test_default_user() -> None:
    st = acl.new_acl_state()
    assert acl.describe_user(st.users[b"default"]) == b"on nopass ~* &* +@all"
    assert not st.restricted  # the default user takes the fast path
    assert acl.describe_user(acl.new_user(b"x", True)) == b"off &* -@all"


@pytest.mark.parametrize(("rule", "errno"), [
    ("foo", "EINVAL"), ("+nocmd", "ENOENT"), ("+@nocat", "ENOENT"), ("+config|get|x", "ECHILD"),
    ("+config|", "EINVAL"), ("%X~a", "EINVAL"), ("#abc", "EBADMSG"), ("<nopw", "ENODEV"),
    ("-select|0", "ENOENT"), ("+config|nosuch", "ENOENT"), ("~a b", "EINVAL"),
])
def test_rule_errors(rule: str, errno: str) -> None:
    assert acl.set_user(acl.new_user(b"x", False), rule.encode(), False) == errno


def test_pattern_after_star_refused() -> None:
    u = acl.set_user_rules(acl.new_user(b"x", False), [b"~*"], False)
    assert isinstance(u, acl.User)
    assert acl.set_user(u, b"~a", False) == "EEXIST"
    assert acl.set_user_error("EEXIST").startswith("Adding a pattern after the * pattern")


def test_merge_selector_args() -> None:
    assert acl.merge_selector_args([b"on", b"(+get", b"~a)", b"off"]) == \
        ([b"on", b"(+get ~a)", b"off"], -1)
    assert acl.merge_selector_args([b"on", b"(+get"]) == ([], 1)


def _user(rules: str) -> acl.User:
    merged, _ = acl.merge_selector_args(rules.encode().split())
    u = acl.set_user_rules(acl.new_user(b"x", False), merged, False)
    assert isinstance(u, acl.User)
    return u


def test_check_prefers_channel_then_key_then_command() -> None:
    u = _user("on nopass %R~r* +@all (&c* -@all +publish) (~z +get)")
    assert acl.check_all_perm(u, "get", False, [b"get", b"r1"],
                              lambda: [(1, frozenset({"access"}))]) == (acl.ACL_OK, 0)
    # root: key denied (write on a read pattern); selector 2: command; selector 3: key
    res = acl.check_all_perm(u, "set", False, [b"set", b"r1", b"v"],
                             lambda: [(1, frozenset({"update"}))])
    assert res == (acl.DENIED_KEY, 1)
    res = acl.check_all_perm(u, "publish", False, [b"publish", b"d", b"m"], lambda: [])
    assert res == (acl.DENIED_CHANNEL, 1)


def test_psubscribe_patterns_compared_literally() -> None:
    u = _user("on nopass +@all &ch*")
    assert acl.check_all_perm(u, "psubscribe", False, [b"psubscribe", b"ch*"],
                              lambda: [])[0] == acl.ACL_OK
    assert acl.check_all_perm(u, "psubscribe", False, [b"psubscribe", b"ch1"],
                              lambda: [])[0] == acl.DENIED_CHANNEL
    assert acl.check_all_perm(u, "subscribe", False, [b"subscribe", b"ch1"],
                              lambda: [])[0] == acl.ACL_OK


def test_redspec_commands_need_all_commands() -> None:
    """A command 7.0.15 does not have (REDSPEC) is allowed only by +@all's future bit."""
    assert acl.check_all_perm(_user("+@all -get"), "redspec|clock", False, [b"x"],
                              lambda: [])[0] == acl.ACL_OK
    assert acl.check_all_perm(_user("-@all +@admin"), "redspec|clock", False, [b"x"],
                              lambda: [])[0] == acl.DENIED_CMD


def test_default_connection_never_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path: no ACL check for a user that may do everything."""
    def boom(*a: Any) -> Any:
        raise AssertionError("checked")
    monkeypatch.setattr(dispatch, "check_all_perm", boom)
    s = Session()
    s.call("ACL", "SETUSER", "other", "on", "nopass", "-@all")
    assert s.call("SET", "k", "v") == b"+OK\r\n"


def test_requirepass_at_start_and_config_set() -> None:
    s = Session(requirepass="pw")
    assert s.call("PING") == b"-NOAUTH Authentication required.\r\n"
    assert s.call("AUTH", "pw") == b"+OK\r\n"
    assert s.call("ACL", "WHOAMI") == b"$7\r\ndefault\r\n"
    assert s.call("CONFIG", "SET", "requirepass", "") == b"+OK\r\n"
    assert s.call("AUTH", "x").startswith(b"-ERR AUTH <password> called without")
    assert s.call("CONFIG", "SET", "requirepass", "new") == b"+OK\r\n"
    assert b"#" + acl.hash_password(b"new").encode() in s.call("ACL", "LIST")


def test_genpass_is_seeded() -> None:
    a, b = Session(), Session()
    pa, pb = a.call("ACL", "GENPASS"), b.call("ACL", "GENPASS")
    assert pa == pb and pa.startswith(b"$64\r\n")
    assert a.call("ACL", "GENPASS") != pa
    assert a.call("ACL", "GENPASS", "5") .startswith(b"$2\r\n")


def test_log_groups_within_a_minute_and_trims() -> None:
    st = acl.new_acl_state()
    e = acl.LogEntry(1, "command", "toplevel", b"get", b"u", 0, b"")
    st = acl.add_log_entry(st, e, 2)
    st = acl.add_log_entry(st, e, 2)
    assert [x.count for x in st.log] == [2]
    late = acl.LogEntry(1, "command", "toplevel", b"get", b"u", 60_001, b"")
    st = acl.add_log_entry(st, late, 2)
    other = acl.LogEntry(1, "key", "toplevel", b"k", b"u", 60_002, b"")
    st = acl.add_log_entry(st, other, 2)
    assert [(x.reason, x.count) for x in st.log] == [("key", 1), ("command", 1)]


def test_deluser_closes_its_clients() -> None:
    state = new_server(NOW)
    state, admin = client_connect(state, NOW)
    state, other = client_connect(state, NOW)
    state, _ = run_command(state, admin, [b"ACL", b"SETUSER", b"u", b"on", b"nopass",
                                          b"+@all", b"~*"], NOW)
    state, _ = run_command(state, other, [b"AUTH", b"u", b"x"], NOW)
    state, eff = client_input(state, admin, encode_request([b"ACL", b"DELUSER", b"u"]), NOW)
    assert other in eff.close
    assert state.clients[other].user == "default" and not state.clients[other].authenticated


def test_exec_rechecks_queued_commands() -> None:
    s = Session()
    s.call("ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*")
    assert s.call("AUTH", "u", "x") == b"+OK\r\n"
    s.call("MULTI")
    s.call("ACL", "SETUSER", "u", "-get")  # queued: runs inside EXEC, before the GET
    s.call("GET", "k")
    out = s.call("EXEC")
    assert b"-NOPERM ACLs rules changed between the moment the transaction" in out


def test_acl_file_round_trip_and_errors() -> None:
    st = acl.new_acl_state()
    u = _user("on >p %R~a (+get ~b)")
    users = st.users.set(b"alice", attrs_evolve_name(u, b"alice"))
    text = acl.acl_file_text(users)
    assert text.startswith(b"user alice on #") and text.endswith(b"user default on nopass ~* &* +@all\n")
    again = acl.load_acl_file(text, "f.acl", False)
    assert not isinstance(again, str) and dict(again) == dict(users)
    err = acl.load_acl_file(b"# x\nuser a foo bar\nuser a\n", "f.acl", False)
    assert err == ("f.acl:1 should start with user keyword followed by the username. "
                   "f.acl:2: Syntax error. WARNING: Duplicate user 'a' found on line 3. "
                   "WARNING: ACL errors detected, no change to the previously active ACL rules "
                   "was performed")
    assert acl.load_acl_file("No such file or directory", "f.acl", False) == \
        "Error loading ACLs, opening file 'f.acl': No such file or directory"


def attrs_evolve_name(u: acl.User, name: bytes) -> acl.User:
    return attrs.evolve(u, name=name)


def test_config_user_lines() -> None:
    pending: list[list[bytes]] = []
    assert acl.append_user_for_loading(pending, [b"user", b"a", b"on", b"+nocmd"], False) is None
    assert acl.append_user_for_loading(pending, [b"user", b"a"], False) == \
        "Error in user declaration 'a': Duplicate user found. A user can only be defined " \
        "once in config files"
    assert acl.append_user_for_loading([], [b"user", b"b", b"on", b"foo"], False) == \
        "Error in user declaration 'b': Syntax error"
    got = acl.load_configured_users(acl.new_acl_state(), pending, False)
    assert got == ["Error loading ACL rule '+nocmd' for the user named 'a': Unknown command or "
                   "category name in ACL", "Critical error while loading ACLs. Exiting."]


def test_password_removal_by_text_and_by_hash() -> None:
    hp, hq = acl.hash_password(b"p"), acl.hash_password(b"q")
    u = _user("on >p >q")
    assert u.passwords == (hp, hq)
    assert _after(u, "<p").passwords == (hq,)
    assert _after(u, f"!{hq}").passwords == (hp,)
    assert acl.set_user(u, b"!" + b"0" * 64, False) == "ENODEV"
    assert acl.set_user(u, b"!" + b"X" * 64, False) == "EBADMSG"
    assert acl.check_credentials(_with_users(_after(u, "<p")), b"x", b"q")
    assert not acl.check_credentials(_with_users(_after(u, "<p")), b"x", b"p")


def _after(u: acl.User, rule: str) -> acl.User:
    r = acl.set_user(u, rule.encode(), False)
    assert isinstance(r, acl.User)
    return r


def _with_users(u: acl.User) -> acl.AclState:
    st = acl.new_acl_state()
    return acl.with_users(st, st.users.set(u.name, u))


def test_new_selectors_follow_acl_pubsub_default() -> None:
    u = acl.set_user_rules(acl.new_user(b"x", True), [b"(+get ~a)"], True)
    assert isinstance(u, acl.User) and u.selectors[1].allchannels and u.selectors[0].allchannels
    u = acl.set_user_rules(acl.new_user(b"x", False), [b"(+get ~a)"], False)
    assert isinstance(u, acl.User) and not u.selectors[1].allchannels
    assert acl.describe_user(u) == b"off resetchannels -@all (~a resetchannels -@all +get)"
