"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of
``spec/acl.py``, ``spec/commands/acl.py``, ``spec/config.py``, ``spec/configfile.py`` and
``spec/protected.py`` (issue #22, ``tools/mutation.py``), in the pattern of
``properties/test_boundary_gaps.py``: each check puts a Redis rule exactly on its boundary,
and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_confacl_agree_with_redis``. Observed on redis-server 7.0.15:

- ``ACL SETUSER u -@all +config`` allows ``config|get`` (a command's rule covers its
  subcommands); ``+@all -config`` denies it;
- ``ACL CAT foo``: ``ERR Unknown category 'foo'``; ``ACL CAT transaction`` lists its commands;
- ``+select|0 +select|0 +select|1 +select|A +select|a``: ``-@all +select|0 +select|1
  +select|A`` (a first-arg is kept once, compared without case);
- ``%R`` with no ``~``: accepted, the empty pattern readable (``%R~``);
- a root rule (``+ping``) after ``(~x +get) (~y +set)`` keeps both selectors;
- ``-@all +@geo +@blocking``, ``-@all +@hyperloglog +@transaction``, ``+@all -@geo
  -@blocking`` print back in that category order (a tie goes to the earlier category); eight
  of the 16 ``@hash`` commands print as eight single ``+`` rules, not ``+@hash`` and eight
  ``-`` (a category is used only when it has more in common than not);
- AUTH of an unknown user, or of a disabled ``nopass`` user: ``WRONGPASS``;
- with the default user given a password, or disabled, a new connection gets ``NOAUTH``;
  given ``nopass`` again, it does not;
- ``-@all +spop ~*`` allows SPOP k; ``+select|0`` allows SELECT 0, not SELECT 1;
- ``-@all +mset ~k1 (+mset ~k2)``: MSET k1 v k2 v is refused for ``k2`` (the refusal at the
  higher position);
- ``&a &p*``: PUBLISH, SPUBLISH, SUBSCRIBE and SSUBSCRIBE ``pa`` allowed (channels matched
  as patterns), PSUBSCRIBE ``pa`` refused (compared literally), PSUBSCRIBE ``p*`` allowed;
  SUBSCRIBE/SSUBSCRIBE ``a b`` and PSUBSCRIBE ``p* q`` refused for the second;
- after ``resetchannels &a* &c* &e*`` the user's connection psubscribed to ``ab`` is closed,
  those subscribed to ``cd`` / ssubscribed to ``ef`` are not; after ``resetchannels`` they
  are; the default user's subscriber stays;
- ACL DELUSER of the connection's own user replies ``:1`` and the connection is closed;
- ACL LOG: a refused ``SET kk vvvv`` is ``toplevel``, ``cmd=set``, ``argv-mem=9``; a refused
  command in a script ``lua`` with the caller's ``cmd=eval``; AUTH of an unknown user in
  MULTI ``multi``, object ``AUTH``, the name given, ``cmd=exec``, ``multi=1``;
- ACL LOAD of ``user default on >pw`` + ``user b ...``: default becomes ``on #<sha> resetchannels
  -@all``, b's connection is closed, default's is not; ``user a on (+get`` in the file
  crashes 7.0.15 (SIGSEGV in ``ACLLoadFromFile``): the spec refuses the file instead;
- config-file users: ``user x (+get`` → ``Error in user declaration 'user'``, ``user x on
  (+get`` → ``... 'x'``; ``user c nopass`` and ``user e`` log the "is disabled" notice;
- ACL subcommands at their edges (GETUSER with selectors, DELUSER's count, CAT and LOG
  arity, GENPASS 0/1/4096/4097, LOG -1, DRYRUN's errors; DRYRUN checks the command's arity:
  ``wrong number of arguments for 'config|get' command``);
- CONFIG SET at the C types' ends (INT_MIN, INT_MAX, LONG_MAX of an unsigned memory value,
  100%, hz capped to 1..500), a memory value past ULLONG_MAX saturated and wrapped
  (``18014398509481984kb`` stores 0), and the special parsers' edges (save, oom-score-adj-values,
  latency-tracking-info-percentiles).
- ``%R~r* %W~w*``: GET r, SET w v, DEL w, LPUSH w allowed; GET w, SET r v, SET w v GET, DEL
  r, RPOPLPUSH r w and RPOPLPUSH w r denied (the key named);
- a key denied: ``ACL DRYRUN`` says ``no permissions to access the 'k' key`` and ACL LOG's
  reason is ``key``; a command denied: ``to run the 'set' command``, reason ``command``.

From 7.0.15's source, not observable without a clock: ACL LOG groups a similar denial
exactly 60000 ms later (``ACLLogMatchEntry`` refuses only ``delta >`` 60000).

Redspec's own rules (no 7.0.15 command to ask): a command 7.0.15 does not have (REDSPEC) is
allowed only by the future-commands bit that ``+@all`` sets, never by another command's bit;
ACL GENPASS draws ⌈chars/8⌉ numbers of the state's generator; ACL LOAD/SAVE and CONFIG
REWRITE consume the world's answers one per command.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import acl, server

NAME = "boundary_confacl_agree_with_redis"


def _bulk(text: str) -> bytes:
    b = text.encode()
    return b"$%d\r\n%s\r\n" % (len(b), b)


def _expect(c: Session, argv: tuple[Any, ...], want: bytes) -> None:
    got = c.call(*argv)
    assert got == want, f"{NAME}: {argv!r}: {got!r}, Redis 7.0.15 {want!r}"


OK = b"+OK\r\n"


def _new_client(c: Session) -> tuple[Any, int]:
    """A second connection to the session's server: its state and client id."""
    return server.client_connect(c.state, c.now)


def _run(state: Any, cid: int, *argv: bytes) -> tuple[Any, bytes]:
    return server.run_command(state, cid, list(argv), 0)


# -- spec/acl.py ------------------------------------------------------------------------------


def check_container_rule_covers_subcommands() -> None:
    """``+config`` allows ``CONFIG GET`` (``ACLChangeSelectorPerm`` sets the subcommands'
    bits too); ``-config`` after ``+@all`` denies it."""
    c = Session()
    c.call("ACL", "SETUSER", "u1", "on", "nopass", "-@all", "+config")
    _expect(c, ("ACL", "DRYRUN", "u1", "config", "get", "x"), OK)
    _expect(c, ("ACL", "DRYRUN", "u1", "get", "x"),
            _bulk("This user has no permissions to run the 'get' command"))
    c.call("ACL", "SETUSER", "u2", "on", "nopass", "+@all", "-config", "~*")
    _expect(c, ("ACL", "DRYRUN", "u2", "config", "get", "x"),
            _bulk("This user has no permissions to run the 'config|get' command"))


def check_single_command_bit() -> None:
    """``-@all +get`` allows GET and not the command numbered after it (its own bit only)."""
    c = Session()
    c.call("ACL", "SETUSER", "u", "on", "nopass", "-@all", "+get", "~*")
    _expect(c, ("ACL", "DRYRUN", "u", "get", "x"), OK)
    nxt = acl._CMDS[acl.command_id("get") + 1].name
    assert nxt == "blmpop", f"{NAME}: setup: the command after get is {nxt}"
    _expect(c, ("ACL", "DRYRUN", "u", "blmpop", "0", "1", "x", "LEFT"),
            _bulk("This user has no permissions to run the 'blmpop' command"))


def check_unknown_command_needs_future_bit() -> None:
    """A command 7.0.15 does not have (``REDSPEC CLOCK``) is refused to ``-@all +spop``
    (spop is command 0 of the universe) and allowed to ``+@all``."""
    c = Session()
    assert acl.command_id("spop") == 0, f"{NAME}: setup: spop is not command 0"
    c.call("ACL", "SETUSER", "u", "on", "nopass", "-@all", "+spop")
    _expect(c, ("ACL", "DRYRUN", "u", "redspec", "clock", "get"),
            _bulk("This user has no permissions to run the 'redspec|clock' command"))
    c.call("ACL", "SETUSER", "u", "~*")
    _expect(c, ("ACL", "DRYRUN", "u", "spop", "k"), OK)
    c.call("ACL", "SETUSER", "v", "on", "nopass", "+@all")
    _expect(c, ("ACL", "DRYRUN", "v", "redspec", "clock", "get"), OK)


def check_acl_cat() -> None:
    """``ACL CAT <category>``: an unknown name is an error, a known one lists its commands."""
    c = Session()
    _expect(c, ("ACL", "CAT", "foo"), b"-ERR Unknown category 'foo'\r\n")
    got = c.call("ACL", "CAT", "TRANSACTION")
    assert got.startswith(b"*5\r\n") and b"multi" in got, f"{NAME}: ACL CAT transaction {got!r}"


def check_firstarg_once() -> None:
    """``ACLAddAllowedFirstArg``: a first-arg already allowed (compared without case) is not
    added again; a new one is."""
    c = Session()
    c.call("ACL", "SETUSER", "u", "+select|0", "+select|0", "+select|1", "+select|A",
           "+select|a")
    _expect(c, ("ACL", "LIST"), b"*2\r\n" + _bulk("user default on nopass ~* &* +@all")
            + _bulk("user u off resetchannels -@all +select|0 +select|1 +select|A"))


def check_key_flags_without_tilde() -> None:
    """``%R`` with no ``~``: the flags end the rule, the pattern is empty (``%R~``)."""
    c = Session()
    _expect(c, ("ACL", "SETUSER", "u", "%R"), OK)
    _expect(c, ("ACL", "LIST"), b"*2\r\n" + _bulk("user default on nopass ~* &* +@all")
            + _bulk("user u off %R~ resetchannels -@all"))


def check_root_rule_keeps_selectors() -> None:
    """A rule of the root selector leaves every other selector in place."""
    c = Session()
    c.call("ACL", "SETUSER", "u", "(~x +get)", "(~y +set)")
    c.call("ACL", "SETUSER", "u", "+ping")
    _expect(c, ("ACL", "LIST"), b"*2\r\n" + _bulk("user default on nopass ~* &* +@all")
            + _bulk("user u off resetchannels -@all +ping (~x resetchannels -@all +get) "
                    "(~y resetchannels -@all +set)"))


def check_root_selector_flag() -> None:
    """``SELECTOR_FLAG_ROOT``: a user's first selector is its root selector, the ones given in
    parentheses are not (the state's ``root`` field)."""
    c = Session()
    c.call("ACL", "SETUSER", "u", "(~x +get)")
    u = acl.acl_of_state(c.state).users[b"u"]
    assert [s.root for s in u.selectors] == [True, False], \
        f"{NAME}: root flags {[s.root for s in u.selectors]}"


def _described(rules: str) -> bytes:
    c = Session()
    c.call("ACL", "SETUSER", "d", *rules.split())
    frame = c.call("ACL", "LIST")
    return next(x for x in frame.split(b"\r\n") if x.startswith(b"user d "))


def _canon(line: bytes) -> tuple[list[bytes], set[bytes]]:
    """The category rules in order, and the single-command rules as a set (7.0.15 prints
    those in its command dict's order, which follows a seed drawn at start)."""
    words = line.split()
    cats = [w for w in words if w[:1] not in (b"+", b"-") or w[1:2] == b"@"]
    return cats, {w for w in words if w not in cats}


def check_describe_categories() -> None:
    """``ACLDescribeSelectorCommandRules``: a category is applied only with more commands in
    common than different, the fewest differences first, a tie to the earlier category."""
    for rules, line in (
            ("-@all +@geo +@blocking", "user d off resetchannels -@all +@geo +@blocking"),
            ("-@all +@hyperloglog +@transaction",
             "user d off resetchannels -@all +@hyperloglog +@transaction"),
            ("+@all -@geo -@blocking", "user d off resetchannels +@all -@geo -@blocking"),
            ("-@all +hrandfield +hset +hvals +hincrbyfloat +hincrby +hsetnx +hscan +hkeys",
             "user d off resetchannels -@all +hkeys +hincrbyfloat +hincrby +hrandfield +hset "
             "+hvals +hsetnx +hscan")):
        got = _described(rules)
        assert _canon(got) == _canon(line.encode()), f"{NAME}: {rules}: {got!r}, Redis {line}"


def check_auth_unknown_or_disabled_user() -> None:
    """``ACLCheckUserCredentials``: an unknown user, or a disabled one even with ``nopass``,
    never authenticates."""
    c = Session()
    c.call("ACL", "SETUSER", "uoff", "off", "nopass")
    wrong = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    _expect(c, ("AUTH", "uoff", "x"), wrong)
    _expect(c, ("AUTH", "nouser", "x"), wrong)
    _expect(c, ("ACL", "WHOAMI"), _bulk("default"))


def check_new_connection_auth() -> None:
    """``createClient``/``authRequired``: a new connection needs AUTH when the default user
    has a password or is disabled, not when it is ``nopass`` and on."""
    noauth = b"-NOAUTH Authentication required.\r\n"
    for rules, want in (((">pw",), noauth), (("off",), noauth), ((">pw", "nopass"), b"$-1\r\n")):
        c = Session()
        c.call("ACL", "SETUSER", "default", *rules)
        st, cid = _new_client(c)
        st, got = _run(st, cid, b"GET", b"x")
        assert got == want, f"{NAME}: default {rules}: a new connection's GET {got!r}"
        st, got = _run(st, cid, b"AUTH", b"default", b"pw")
        st, got = _run(st, cid, b"GET", b"x")
        if rules == (">pw",):
            assert got == b"$-1\r\n", f"{NAME}: AUTH default pw then GET {got!r}"


def check_channel_commands() -> None:
    """``ACLDoesCommandHaveChannels``: PUBLISH and SPUBLISH check their one channel against
    the ACL patterns as patterns, SUBSCRIBE and SSUBSCRIBE every channel as patterns,
    PSUBSCRIBE every pattern literally."""
    c = Session()
    c.call("ACL", "SETUSER", "s1", "on", "nopass", "resetchannels", "&a", "&p*", "+@pubsub")
    for argv, denied in ((("publish", "pa", "m"), None), (("spublish", "pa", "m"), None),
                         (("subscribe", "pa"), None), (("ssubscribe", "pa"), None),
                         (("subscribe", "a", "b"), "b"), (("ssubscribe", "a", "b"), "b"),
                         (("psubscribe", "p*", "q"), "q"), (("psubscribe", "pa"), "pa"),
                         (("psubscribe", "p*"), None)):
        want = OK if denied is None else \
            _bulk(f"This user has no permissions to access the '{denied}' channel")
        _expect(c, ("ACL", "DRYRUN", "s1", *argv), want)


def check_key_permission_flags() -> None:
    """``ACLSelectorCheckKey``: a key spec with ACCESS needs a readable pattern, one with
    INSERT, DELETE or UPDATE a writable one (``%R~r* %W~w*``)."""
    c = Session()
    c.call("ACL", "SETUSER", "k1", "on", "nopass", "%R~r*", "%W~w*", "+get", "+set", "+del",
           "+lpush", "+rpoplpush")
    for argv, denied in ((("get", "r"), None), (("get", "w"), "w"), (("set", "w", "v"), None),
                         (("set", "r", "v"), "r"), (("set", "w", "v", "get"), "w"),
                         (("del", "w"), None), (("del", "r"), "r"), (("lpush", "w", "x"), None),
                         (("rpoplpush", "r", "w"), "r"), (("rpoplpush", "w", "r"), "w")):
        want = OK if denied is None else \
            _bulk(f"This user has no permissions to access the '{denied}' key")
        _expect(c, ("ACL", "DRYRUN", "k1", *argv), want)


def check_allowed_first_arg() -> None:
    """``+select|0``: SELECT 0 is allowed (its first argument compared), SELECT 1 is not."""
    c = Session()
    c.call("ACL", "SETUSER", "f1", "on", "nopass", "-@all", "+select|0", "~*")
    _expect(c, ("ACL", "DRYRUN", "f1", "select", "0"), OK)
    _expect(c, ("ACL", "DRYRUN", "f1", "select", "1"),
            _bulk("This user has no permissions to run the 'select' command"))


def check_highest_denied_position() -> None:
    """``ACLCheckAllUserCommandPerm``: of two selectors refusing a key, the refusal at the
    higher argument position is reported (``~k1`` and ``(+mset ~k2)``: ``k2``)."""
    c = Session()
    c.call("ACL", "SETUSER", "m1", "on", "nopass", "-@all", "+mset", "~k1", "(+mset ~k2)")
    _expect(c, ("ACL", "DRYRUN", "m1", "mset", "k1", "v", "k2", "v"),
            _bulk("This user has no permissions to access the 'k2' key"))


def check_denial_reasons() -> None:
    """A key denial and a command denial are told apart: in ACL DRYRUN's text, in the NOPERM
    error and in ACL LOG's reason."""
    c = Session()
    c.call("ACL", "SETUSER", "p1", "on", "nopass", "+get")
    _expect(c, ("ACL", "DRYRUN", "p1", "get", "k"),
            _bulk("This user has no permissions to access the 'k' key"))
    _expect(c, ("ACL", "DRYRUN", "p1", "set", "k", "v"),
            _bulk("This user has no permissions to run the 'set' command"))
    st, cid = _new_client(c)
    st, _ = _run(st, cid, b"AUTH", b"p1", b"x")
    st, got = _run(st, cid, b"SET", b"k", b"v")
    assert got == b"-NOPERM this user has no permissions to run the 'set' command\r\n", \
        f"{NAME}: SET denied: {got!r}"
    st, got = _run(st, cid, b"GET", b"k")
    assert got == (b"-NOPERM this user has no permissions to access one of the keys used as "
                   b"arguments\r\n"), f"{NAME}: GET denied: {got!r}"
    reasons = [e.reason for e in acl.acl_of_state(st).log]
    assert reasons == ["key", "command"], f"{NAME}: ACL LOG reasons {reasons}"


def _client_as(st: Any, user: bytes, *argv: bytes) -> tuple[Any, int]:
    """A new connection authenticated as ``user`` that then sent ``argv`` (if any)."""
    st, cid = server.client_connect(st, 0)
    st, _ = _run(st, cid, b"AUTH", user, b"x")
    if argv:
        st, _ = _run(st, cid, *argv)
    return st, cid


def check_pubsub_clients_killed() -> None:
    """``ACLKillPubsubClientsIfNeeded``: after ``resetchannels &a* &c* &e*`` the user's client
    psubscribed to ``ab`` is closed (patterns compared literally), its clients subscribed
    to ``cd`` and ssubscribed to ``ef`` stay (channels matched as patterns); after a bare
    ``resetchannels`` those are closed too; the default user's subscriber always stays."""
    c = Session()
    c.call("ACL", "SETUSER", "ps", "on", "nopass", "resetchannels", "&ab", "&cd", "&ef",
           "+@all", "~*")
    st = c.state
    st, p = _client_as(st, b"ps", b"PSUBSCRIBE", b"ab")
    st, ch = _client_as(st, b"ps", b"SUBSCRIBE", b"cd")
    st, sh = _client_as(st, b"ps", b"SSUBSCRIBE", b"ef")
    st, d = server.client_connect(st, 0)
    st, _ = _run(st, d, b"SUBSCRIBE", b"zz")
    ids = {"psubscribe ab": p, "subscribe cd": ch, "ssubscribe ef": sh, "default's": d}

    def closed(st: Any) -> dict[str, bool]:
        return {n: st.clients[i].closing for n, i in ids.items()}

    assert not any(closed(st).values()), f"{NAME}: setup: {closed(st)}"
    st, got = _run(st, c.cid, b"ACL", b"SETUSER", b"ps", b"resetchannels", b"&a*", b"&c*",
                   b"&e*")
    want = {"psubscribe ab": True, "subscribe cd": False, "ssubscribe ef": False,
            "default's": False}
    assert closed(st) == want, f"{NAME}: after &a* &c* &e*: closed {closed(st)}, Redis {want}"
    st, got = _run(st, c.cid, b"ACL", b"SETUSER", b"ps", b"resetchannels")
    want = {"psubscribe ab": True, "subscribe cd": True, "ssubscribe ef": True,
            "default's": False}
    assert closed(st) == want, f"{NAME}: after resetchannels: closed {closed(st)}, Redis {want}"


def check_deluser_own_connection() -> None:
    """``ACLFreeUserAndKillClients``: ACL DELUSER of the connection's own user replies 1,
    then the connection is closed (back to the default user, not authenticated); a
    connection deleting another user stays open."""
    c = Session()
    c.call("ACL", "SETUSER", "dd", "on", "nopass", "+@all", "~*")
    st, me = _client_as(c.state, b"dd")
    st, got = _run(st, me, b"ACL", b"DELUSER", b"dd")
    cl = st.clients[me]
    assert (got, cl.closing, cl.user, cl.authenticated) == (b":1\r\n", True, "default", False), \
        f"{NAME}: ACL DELUSER of its own user: {got!r}, closing {cl.closing}, user {cl.user}"
    c.call("ACL", "SETUSER", "m1", "on")
    _expect(c, ("ACL", "DELUSER", "nosuch", "m1"), b":1\r\n")
    assert not c.state.clients[c.cid].closing, f"{NAME}: deleting another user closed me"


def check_acl_file_answers_consumed() -> None:
    """ACL LOAD and ACL SAVE consume the world's answers one per command, in order."""
    from redspec.spec.state import replace
    c = Session()
    c.state = replace(c.state, config=c.state.config.set("aclfile", "/x/users.acl"))
    st = acl.with_acl_file_read(c.state, b"user a on nopass\n")
    st = acl.with_acl_file_read(st, b"user b on nopass\n")
    st = acl.with_acl_save_outcome(st, False)
    st = acl.with_acl_save_outcome(st, True)
    c.state = st
    _expect(c, ("ACL", "LOAD"), OK)
    _expect(c, ("ACL", "USERS"), b"*2\r\n" + _bulk("a") + _bulk("default"))
    _expect(c, ("ACL", "LOAD"), OK)
    _expect(c, ("ACL", "USERS"), b"*2\r\n" + _bulk("b") + _bulk("default"))
    _expect(c, ("ACL", "SAVE"), b"-ERR There was an error trying to save the ACLs. Please check "
            b"the server logs for more information\r\n")
    _expect(c, ("ACL", "SAVE"), OK)
    left = acl.acl_of_state(c.state)
    assert (left.file_reads, left.save_outcomes) == ((), ()), f"{NAME}: answers left {left}"


def _field(cinfo: bytes, name: bytes) -> bytes:
    return next(f for f in cinfo.split() if f.startswith(name + b"="))


def check_acl_log_entries() -> None:
    """``addACLLogEntry``: the fields 7.0.15 logged for a refused SET (``toplevel``, the
    client's user, ``cmd=set``, ``argv-mem=9`` for ``SET kk vvvv``), a refused command in a
    script (``lua``, the caller's ``cmd=eval``) and AUTH of an unknown user inside MULTI
    (``multi``, the name given, the object as typed, ``cmd=exec``); each ``count`` 1."""
    c = Session()
    c.call("ACL", "SETUSER", "p1", "on", "nopass", "+get")
    c.call("ACL", "SETUSER", "e1", "on", "nopass", "+eval", "~*")
    st, a = _client_as(c.state, b"p1", b"SET", b"kk", b"vvvv")
    st, b = _client_as(st, b"e1", b"EVAL", b"return redis.call('set','a','b')", b"0")
    st, m = server.client_connect(st, 0)
    for argv in ((b"MULTI",), (b"AUTH", b"nouser", b"x"), (b"EXEC",)):
        st, _ = _run(st, m, *argv)
    got = [(e.count, e.reason, e.context, e.object, e.username, _field(e.cinfo, b"cmd"),
            _field(e.cinfo, b"user"), _field(e.cinfo, b"multi"))
           for e in acl.acl_of_state(st).log]
    want = [(1, "auth", "multi", b"AUTH", b"nouser", b"cmd=exec", b"user=default", b"multi=1"),
            (1, "command", "lua", b"set", b"e1", b"cmd=eval", b"user=e1", b"multi=-1"),
            (1, "command", "toplevel", b"set", b"p1", b"cmd=set", b"user=p1", b"multi=-1")]
    assert got == want, f"{NAME}: ACL LOG {got}, Redis {want}"
    mem = _field(acl.acl_of_state(st).log[2].cinfo, b"argv-mem")
    assert mem == b"argv-mem=9", f"{NAME}: refused SET kk vvvv: {mem!r}, Redis argv-mem=9"


def check_acl_log_grouping_window() -> None:
    """``ACLLogMatchEntry`` (7.0.15's source: ``delta > ACL_LOG_GROUPING_MAX_TIME_DELTA``
    refuses): a denial exactly 60000 ms after a similar one is grouped with it, one more
    millisecond makes a new entry. On the virtual clock."""
    c = Session()
    c.call("ACL", "SETUSER", "p1", "on", "nopass", "+get")
    st, a = _client_as(c.state, b"p1")
    for now in (1000, 61000, 121001):
        st, _ = server.run_command(st, a, [b"SET", b"k", b"v"], now)
    counts = [(e.count, e.ctime_ms) for e in acl.acl_of_state(st).log]
    assert counts == [(1, 121001), (2, 61000)], f"{NAME}: ACL LOG grouping {counts}"


def check_config_file_users() -> None:
    """``ACLAppendUserForLoading`` / ``ACLLoadConfiguredUsers``: as 7.0.15 started with them,
    ``user x (+get`` is refused naming ``argv[0]`` (its index of the unmatched parenthesis is
    0), ``user e`` alone is a user (off); ``user a on nopass +@all ~*``, ``user c nopass``
    and ``user e`` give the users ACL LIST shows, with a notice for each disabled one."""
    assert acl.append_user_for_loading([], [b"user", b"x", b"(+get"], False) == \
        "Error in user declaration 'user': Unknown command or category name in ACL", \
        f"{NAME}: user x (+get"
    assert acl.append_user_for_loading([], [b"user", b"x", b"on", b"(+get"], False) == \
        "Error in user declaration 'x': Unknown command or category name in ACL", \
        f"{NAME}: user x on (+get"
    pending: list[list[bytes]] = []
    for line in (b"user a on nopass +@all ~*", b"user c nopass", b"user e"):
        got = acl.append_user_for_loading(pending, line.split(), False)
        assert got is None, f"{NAME}: {line!r}: {got}"
    c = Session()
    out = acl.load_users_at_startup(c.state, pending, None)
    assert not isinstance(out, list), f"{NAME}: refused: {out}"
    st, logs = out
    notice = ("The user '{}' is disabled (there is no 'on' modifier in the user description). "
              "Make sure this is not a configuration error.")
    assert logs == [notice.format("c"), notice.format("e")], f"{NAME}: logs {logs}"
    c.state = st
    _expect(c, ("ACL", "LIST"), b"*4\r\n" + _bulk("user a on nopass ~* resetchannels +@all")
            + _bulk("user c off nopass resetchannels -@all")
            + _bulk("user default on nopass ~* &* +@all")
            + _bulk("user e off resetchannels -@all"))


def check_aclfile_at_startup() -> None:
    """``ACLLoadUsersAtStartup`` with an ``aclfile`` (as 7.0.15 started with ``user a on nopass
    +@all ~*`` in it): its users, and the default user ``ACLInit`` makes."""
    c = Session(aclfile="/x/users.acl")
    out = acl.load_users_at_startup(c.state, [], b"user a on nopass +@all ~*\n")
    assert not isinstance(out, list), f"{NAME}: refused: {out}"
    c.state = out[0]
    _expect(c, ("ACL", "USERS"), b"*2\r\n" + _bulk("a") + _bulk("default"))


def check_acl_load() -> None:
    """ACL LOAD, as 7.0.15 did it: a file defining ``default`` replaces it from scratch (``on
    >pw``: ``-@all``, no keys); a connection of another user is closed even when the file
    defines that user again; one of ``default`` stays open. A file with an unmatched
    parenthesis is refused wherever the parenthesis is (7.0.15 itself crashes on it:
    ``ACLLoadFromFile`` reads the NULL merge result)."""
    c = Session(aclfile="/x/users.acl")
    c.call("ACL", "SETUSER", "b", "on", "nopass", "+@all", "~*")
    st, b = _client_as(c.state, b"b")
    c.state = acl.with_acl_file_read(st, b"user default on >pw\nuser b on nopass +@all ~*\n")
    _expect(c, ("ACL", "LOAD"), OK)
    assert (c.state.clients[b].closing, c.state.clients[c.cid].closing) == (True, False), \
        f"{NAME}: after ACL LOAD: b's connection closing {c.state.clients[b].closing}, " \
        f"default's {c.state.clients[c.cid].closing}"
    line = "user default on #" + acl.hash_password(b"pw") + " resetchannels -@all"
    users = acl.acl_of_state(c.state).users
    got = [b"user " + n + b" " + acl.describe_user(users[n]) for n in sorted(users.keys())]
    assert got == [b"user b on nopass ~* resetchannels +@all", line.encode()], \
        f"{NAME}: ACL LIST after ACL LOAD {got}"
    for text in (b"user a (+get\n", b"user a on (+get\n"):
        got2 = acl.load_acl_file(text, "f.acl", False)
        assert got2 == ("f.acl:1: Unmatched parenthesis in selector definition.WARNING: ACL "
                        "errors detected, no change to the previously active ACL rules was "
                        "performed"), f"{NAME}: {text!r}: {got2!r}"


# -- spec/commands/acl.py ---------------------------------------------------------------------


def check_acl_command_replies() -> None:
    """ACL's subcommands at their edges, every reply as 7.0.15 sent it (RESP2 bytes)."""
    c = Session()
    c.call("ACL", "SETUSER", "u1", "on", "nopass", "-@all", "+config")
    c.call("ACL", "SETUSER", "p1", "on", "nopass", "&ch*", "+publish", "+get")
    syntax = "-ERR unknown subcommand or wrong number of arguments for '{}'. Try ACL HELP.\r\n"
    for argv, want in (
            (("ACL", "SETUSER", "g1", "(+get"),
             b"-ERR Unmatched parenthesis in acl selector starting at '(+get'.\r\n"),
            (("ACL", "SETUSER", "g1", "on", "(+get"),
             b"-ERR Unmatched parenthesis in acl selector starting at '(+get'.\r\n"),
            (("ACL", "GETUSER", "nosuch"), b"$-1\r\n"),
            (("ACL", "SETUSER", "g2", "on", "nopass", "%R~a*", "&c", "+get", "(~x +set)",
              "(+ping)"), OK),
            (("ACL", "GETUSER", "g2"),
             b"*12\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$6\r\nnopass\r\n$9\r\npasswords\r\n*0\r\n"
             b"$8\r\ncommands\r\n$10\r\n-@all +get\r\n$4\r\nkeys\r\n$5\r\n%R~a*\r\n$8\r\nchannels"
             b"\r\n$2\r\n&c\r\n$9\r\nselectors\r\n*2\r\n*6\r\n$8\r\ncommands\r\n$10\r\n-@all +set"
             b"\r\n$4\r\nkeys\r\n$2\r\n~x\r\n$8\r\nchannels\r\n$0\r\n\r\n*6\r\n$8\r\ncommands\r\n"
             b"$11\r\n-@all +ping\r\n$4\r\nkeys\r\n$0\r\n\r\n$8\r\nchannels\r\n$0\r\n\r\n"),
            (("ACL", "SETUSER", "g3"), OK),
            (("ACL", "DELUSER", "g2", "g3", "nosuch"), b":2\r\n"),
            (("ACL", "CAT", "a", "b"), syntax.format("CAT").encode()),
            (("ACL", "LOG", "1", "2"), syntax.format("LOG").encode()),
            (("ACL", "LOG", "foo"), b"-ERR value is not an integer or out of range\r\n"),
            (("ACL", "LOG", "-1"), b"*0\r\n"),
            (("ACL", "DRYRUN", "nosuch", "get", "k"), b"-ERR User 'nosuch' not found\r\n"),
            (("ACL", "DRYRUN", "u1", "nocmd"), b"-ERR Command 'nocmd' not found\r\n"),
            (("ACL", "DRYRUN", "u1", "auth", "x"), OK),
            (("ACL", "DRYRUN", "u1", "config", "get", "x", "y"), OK),
            (("ACL", "DRYRUN", "u1", "config", "nosub"), b"-ERR Command 'config' not found\r\n"),
            (("ACL", "DRYRUN", "p1", "publish", "zz", "m"),
             _bulk("This user has no permissions to access the 'zz' channel")),
            (("ACL", "DRYRUN", "u1", "config"),
             b"-ERR wrong number of arguments for 'config' command\r\n"),
            (("ACL", "DRYRUN", "u1", "config", "get"),
             b"-ERR wrong number of arguments for 'config|get' command\r\n"),
            (("ACL", "DRYRUN", "u1", "get"),
             b"-ERR wrong number of arguments for 'get' command\r\n"),
            (("ACL", "DRYRUN", "u1", "set", "k"),
             b"-ERR wrong number of arguments for 'set' command\r\n"),
            (("ACL", "DRYRUN", "u1", "ping", "a", "b"),
             _bulk("This user has no permissions to run the 'ping' command"))):
        _expect(c, argv, want)
    got = c.call("ACL", "CAT")
    assert got == b"*21\r\n" + b"".join(_bulk(x) for x in acl.CATEGORIES), \
        f"{NAME}: ACL CAT {got!r}"
    bad = (b"-ERR ACL GENPASS argument must be the number of bits for the output password, a "
           b"positive number up to 4096\r\n")
    for bits, n in ((b"0", None), (b"4097", None), (b"1", 1), (b"4096", 1024), (b"32", 8)):
        got = c.call("ACL", "GENPASS", bits)
        if n is None:
            assert got == bad, f"{NAME}: ACL GENPASS {bits!r}: {got!r}"
        else:
            assert got.startswith(b"$%d\r\n" % n) and len(got) == len(b"$%d\r\n" % n) + n + 2, \
                f"{NAME}: ACL GENPASS {bits!r}: {got!r}"


def check_acl_log_count_and_reset() -> None:
    """ACL LOG <count> shows the newest ``count`` entries; ACL LOG RESET empties it."""
    c = Session()
    c.call("ACL", "SETUSER", "p1", "on", "nopass", "+get")
    st, a = _client_as(c.state, b"p1")
    for key in (b"k1", b"k2", b"k3"):
        st, _ = _run(st, a, b"GET", key)
    c.state = st
    got = c.call("ACL", "LOG", "2")
    assert got.startswith(b"*2\r\n") and b"k3" in got and b"k2" in got and b"k1" not in got, \
        f"{NAME}: ACL LOG 2: {got!r}"
    _expect(c, ("ACL", "LOG", "reset"), OK)
    _expect(c, ("ACL", "LOG"), b"*0\r\n")


def check_genpass_draws() -> None:
    """Redspec's model of ``getRandomHexChars``: ACL GENPASS draws ⌈chars/8⌉ numbers from the
    state's generator, 8 hex characters each, so GENPASS 32 twice gives what one GENPASS 64
    gives from the same seed."""
    a, b = Session(), Session()
    two = a.call("ACL", "GENPASS", "32")[4:-2] + a.call("ACL", "GENPASS", "32")[4:-2]
    one = b.call("ACL", "GENPASS", "64")[5:-2]
    assert two == one, f"{NAME}: GENPASS 32 twice {two!r}, GENPASS 64 {one!r}"


# -- spec/config.py ---------------------------------------------------------------------------


def _config_set_failed(name: str, why: str) -> bytes:
    return (f"-ERR CONFIG SET failed (possibly related to argument '{name}') - {why}\r\n"
            .encode())


def check_config_numeric_bounds() -> None:
    """``numericBoundaryCheck`` at the ends of the C types, as 7.0.15 answered: INT_MIN
    (list-max-listpack-size), INT_MAX (timeout), LONG_MAX of an unsigned memory parameter
    (hash-max-listpack-value: 2**63 is refused, not wrapped), a percent's 100, hz capped to
    1..500."""
    c = Session()
    between = "argument must be between {} and {} inclusive"
    for name, value, why in (
            ("list-max-listpack-size", "-2147483648", None),
            ("list-max-listpack-size", "-2147483649",
             between.format(-2147483648, 2147483647)),
            ("timeout", "2147483647", None),
            ("timeout", "2147483648", between.format(0, 2147483647)),
            ("hash-max-listpack-value", "9223372036854775807", None),
            ("hash-max-listpack-value", "9223372036854775808",
             between.format(0, 9223372036854775807)),
            ("hash-max-listpack-value", "18446744073709551615",
             between.format(0, 9223372036854775807)),
            ("maxmemory-clients", "100%", None),
            ("maxmemory-clients", "101%", "percentage argument must be less or equal to 100"),
            ("hz", "501", None)):
        want = OK if why is None else _config_set_failed(name, why)
        _expect(c, ("CONFIG", "SET", name, value), want)
    _expect(c, ("CONFIG", "GET", "hz"), b"*2\r\n$2\r\nhz\r\n$3\r\n500\r\n")
    _expect(c, ("CONFIG", "SET", "hz", "0"), OK)
    _expect(c, ("CONFIG", "GET", "hz"), b"*2\r\n$2\r\nhz\r\n$1\r\n1\r\n")


def check_memory_value_overflow() -> None:
    """``memtoull``: the digits go through ``strtoull``, whose ERANGE is not checked (a
    number past ULLONG_MAX saturates), and the unit multiplies as an unsigned long long
    (wrapping): what 7.0.15 stores for each value below (CONFIG GET maxmemory)."""
    c = Session()
    for value, stored in (("18446744073709551615", "18446744073709551615"),
                          ("18446744073709551616", "18446744073709551615"),
                          ("18014398509481983kb", "18446744073709550592"),
                          ("18014398509481984kb", "0"),
                          ("18014398509481985kb", "1024"),
                          ("99999999999999999999999gb", "18446744072635809792")):
        _expect(c, ("CONFIG", "SET", "maxmemory", value), OK)
        _expect(c, ("CONFIG", "GET", "maxmemory"),
                b"*2\r\n$9\r\nmaxmemory\r\n" + _bulk(stored))


def check_config_parsing_edges() -> None:
    """The parsers of CONFIG SET at their edges, each reply as 7.0.15 sent it: a percent of
    0 and a bare ``%``; a save point of 1 second and 0 changes, and of 0 seconds or -1
    changes; oom-score-adj-values at ±2000 and one past; latency percentiles at 0 and 100
    and just outside; a leading zero; slowlog-log-slower-than at its -1 minimum."""
    c = Session()
    save = "Invalid save parameters"
    oom = "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
    pct = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
    for name, value, why in (
            ("maxmemory-clients", "0%", None),
            ("maxmemory-clients", "%", "argument must be a memory or percent value"),
            ("save", "1 0", None), ("save", "0 0", save), ("save", "1 -1", save),
            ("oom-score-adj-values", "-2000 0 2000", None),
            ("oom-score-adj-values", "-2001 0 0", oom), ("oom-score-adj-values", "0 0 2001", oom),
            ("latency-tracking-info-percentiles", "100.1", pct),
            ("latency-tracking-info-percentiles", "-0.1", pct),
            ("latency-tracking-info-percentiles", "0 100", None),
            ("slowlog-max-len", "01", "argument couldn't be parsed into an integer"),
            ("slowlog-max-len", "-9223372036854775808",
             "argument must be between 0 and 9223372036854775807 inclusive"),
            ("slowlog-log-slower-than", "-1", None),
            ("slowlog-log-slower-than", "-2",
             "argument must be between -1 and 9223372036854775807 inclusive")):
        want = OK if why is None else _config_set_failed(name, why)
        _expect(c, ("CONFIG", "SET", name, value), want)
    for name, shown in (("save", "1 0"), ("oom-score-adj-values", "-2000 0 2000"),
                        ("latency-tracking-info-percentiles", "0 100")):
        _expect(c, ("CONFIG", "GET", name), b"*2\r\n" + _bulk(name) + _bulk(shown))


# -- spec/configfile.py and spec/protected.py --------------------------------------------------


def check_rewrite_answers_consumed() -> None:
    """CONFIG REWRITE consumes the world's answers one per command, in order (a failed write
    is ``ERR Rewriting config file: <strerror>``, then a good one is OK)."""
    from redspec.spec.configfile import with_config_file, with_rewrite_outcome
    c = Session()
    st = with_config_file(c.state, "/x/redis.conf")
    st = with_rewrite_outcome(st, "No such file or directory")
    c.state = with_rewrite_outcome(st, None)
    _expect(c, ("CONFIG", "REWRITE"), b"-ERR Rewriting config file: No such file or directory\r\n")
    _expect(c, ("CONFIG", "REWRITE"), OK)
    assert c.state.configfile.rewrite_outcomes == (), \
        f"{NAME}: answers left {c.state.configfile.rewrite_outcomes}"


CHECKS = [check_container_rule_covers_subcommands, check_single_command_bit,
          check_unknown_command_needs_future_bit, check_acl_cat, check_firstarg_once,
          check_key_flags_without_tilde, check_root_rule_keeps_selectors,
          check_root_selector_flag, check_describe_categories,
          check_auth_unknown_or_disabled_user, check_new_connection_auth,
          check_channel_commands, check_key_permission_flags, check_allowed_first_arg,
          check_highest_denied_position, check_pubsub_clients_killed,
          check_deluser_own_connection, check_acl_file_answers_consumed, check_acl_log_entries,
          check_acl_log_grouping_window, check_config_file_users, check_aclfile_at_startup,
          check_acl_load, check_acl_command_replies, check_acl_log_count_and_reset,
          check_genpass_draws, check_rewrite_answers_consumed, check_config_numeric_bounds,
          check_memory_value_overflow, check_config_parsing_edges, check_denial_reasons]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_confacl(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    """The check fails: its own assertion, or the planted bug breaks the command (a
    KeyError or IndexError where Redis replies, the world asked for an answer it already
    gave)."""
    with pytest.raises(Exception) as e:
        check()
    assert e.type is not AssertionError or NAME in str(e.value)


@pytest.mark.parametrize("func,old,new,check", [
    ("_perm_bits", "bits |= 1 << sid", "bits |= 0 << sid",
     check_container_rule_covers_subcommands),
    ("_perm_bits", "bits = 1 << c.id", "bits = 0 << c.id", check_single_command_bit),
    ("_perm_bits", "bits = 1 << c.id", "bits = 2 << c.id", check_single_command_bit),
    ("command_id", "return _IDS.get(name, -1)", "return _IDS.get(name, -0)",
     check_unknown_command_needs_future_bit),
    ("category_commands", "if low not in _CAT_IDS:", "if low in _CAT_IDS:", check_acl_cat),
    ("_add_firstarg", "if any(a.lower() == arg.lower() for a in cur):",
     "if any(a.lower() != arg.lower() for a in cur):", check_firstarg_once),
    ("_key_pattern", "while offset < n:", "while offset <= n:", check_key_flags_without_tilde),
    ("_replace_root", "u.selectors[1:]", "u.selectors[2:]", check_root_rule_keeps_selectors),
    ("new_user", "_selector(True, pubsub_all)", "_selector(False, pubsub_all)",
     check_root_selector_flag),
    ("_set_user", "sel = _selector(False, pubsub_all)", "sel = _selector(True, pubsub_all)",
     check_root_selector_flag),
    ("describe_selector_commands", "if same > diff and", "if same >= diff and",
     check_describe_categories),
    ("describe_selector_commands", "same > maxsame", "same >= maxsame",
     check_describe_categories),
    ("_key_allowed", '"access" in ks_flags', '"access" not in ks_flags',
     check_key_permission_flags),
    ("_check_selector", "if cid < 0:", "if cid <= 0:", check_unknown_command_needs_future_bit),
    ("_check_selector", "if len(argv) < 2 or fa is None:", "if len(argv) <= 2 or fa is None:",
     check_allowed_first_arg),
    ("_check_selector", 'arg = argv[2 if "|" in name else 1].lower()',
     'arg = argv[2 if "|" not in name else 1].lower()', check_allowed_first_arg),
    ("_check_selector", 'arg = argv[2 if "|" in name else 1].lower()',
     'arg = argv[2 if "|" in name else 0].lower()', check_allowed_first_arg),
    ("_check_selector", 'arg = argv[2 if "|" in name else 1].lower()',
     'arg = argv[2 if "|" in name else 2].lower()', check_allowed_first_arg),
    ("_check_selector", "if not any(a.lower() == arg for a in fa):",
     "if not any(a.lower() != arg for a in fa):", check_allowed_first_arg),
    ("check_all_perm", "if r > relevant or", "if r >= relevant or",
     check_highest_denied_position),
    ("check_credentials", "return False", "return True", check_auth_unknown_or_disabled_user),
    ("kill_pubsub_needed", "if all(c in upcoming", "if all(c not in upcoming",
     check_pubsub_clients_killed),
    ("add_log_entry", "<= _GROUPING_MS", "< _GROUPING_MS", check_acl_log_grouping_window),
    ("acl_of_state", "st is not None", "st is None", check_denial_reasons),
    ("log_denial", "cmd_name if cmd_name is not None", "cmd_name if cmd_name is None",
     check_acl_log_entries),
    ("log_denial", "s.cmd.name if s.cmd is not None", "s.cmd.name if s.cmd is None",
     check_acl_log_entries),
    ("log_denial", "if real is None else", "if real is not None else", check_acl_log_entries),
    ("log_denial", "count=1,", "count=0,", check_acl_log_entries),
    ("log_denial", "count=1,", "count=2,", check_acl_log_entries),
    ("log_denial", "username if username is not None", "username if username is None",
     check_acl_log_entries),
    ("authenticate", "return False", "return True", check_auth_unknown_or_disabled_user),
    ("kill_user_clients", "if s.client.user == user:", "if s.client.user != user:",
     check_deluser_own_connection),
    ("kill_user_clients", "authenticated=False, closing=True)",
     "authenticated=True, closing=True)", check_deluser_own_connection),
    ("kill_user_clients", "authenticated=False, closing=True)",
     "authenticated=False, closing=False)", check_deluser_own_connection),
    ("_close_other", "closing=True", "closing=False", check_pubsub_clients_killed),
    ("kill_pubsub_clients", "if upcoming is None:", "if upcoming is not None:",
     check_pubsub_clients_killed),
    ("kill_pubsub_clients", "if c.user != user or", "if c.user == user or",
     check_pubsub_clients_killed),
    ("kill_pubsub_clients", "or cid == me:", "or cid != me:", check_pubsub_clients_killed),
    ("kill_pubsub_clients", "_channel_in(upcoming, p, True)", "_channel_in(upcoming, p, False)",
     check_pubsub_clients_killed),
    ("kill_pubsub_clients", "_channel_in(upcoming, ch, False) for ch in c.pubsub_channels)",
     "_channel_in(upcoming, ch, True) for ch in c.pubsub_channels)",
     check_pubsub_clients_killed),
    ("kill_pubsub_clients", "_channel_in(upcoming, ch, False) for ch in c.pubsub_shard_channels",
     "_channel_in(upcoming, ch, True) for ch in c.pubsub_shard_channels",
     check_pubsub_clients_killed),
    ("load_acl_file", "if bad >= 0:", "if bad > 0:", check_acl_load),
    ("load_acl_file", 'if b"default" not in users:', 'if b"default" in users:', check_acl_load),
    ("load_acl_file", 'if b"default" not in users:', 'if b"default" in users:',
     check_aclfile_at_startup),
    ("acl_load", 'if n != b"default"]', 'if n == b"default"]', check_acl_load),
    ("append_user_for_loading", "if bad >= 0:", "if bad > 0:", check_config_file_users),
    ("append_user_for_loading", "u = new_user(argv[1], pubsub_all)",
     "u = new_user(argv[2], pubsub_all)", check_config_file_users),
    ("load_configured_users", "for op in rules[1:]:", "for op in rules[2:]:",
     check_config_file_users),
    ("load_configured_users", 'if "off" in u.flags:', 'if "off" not in u.flags:',
     check_config_file_users),
    ("load_users_at_startup", "acl_file if acl_file is not None else",
     "acl_file if acl_file is None else", check_aclfile_at_startup),
    ("read_acl_file", "file_reads=st.file_reads[1:]", "file_reads=st.file_reads[0:]",
     check_acl_file_answers_consumed),
    ("load_acl_file", "if bad >= 0:", "if bad > 0:", check_acl_load),
    ("load_acl_file", 'if b"default" not in users:', 'if b"default" in users:', check_acl_load),
    ("load_acl_file", 'if b"default" not in users:', 'if b"default" in users:',
     check_aclfile_at_startup),
    ("acl_load", 'if n != b"default"]', 'if n == b"default"]', check_acl_load),
    ("append_user_for_loading", "if bad >= 0:", "if bad > 0:", check_config_file_users),
    ("append_user_for_loading", "u = new_user(argv[1], pubsub_all)",
     "u = new_user(argv[2], pubsub_all)", check_config_file_users),
    ("load_configured_users", "for op in rules[1:]:", "for op in rules[2:]:",
     check_config_file_users),
    ("load_configured_users", 'if "off" in u.flags:', 'if "off" not in u.flags:',
     check_config_file_users),
    ("load_users_at_startup", "acl_file if acl_file is not None else",
     "acl_file if acl_file is None else", check_aclfile_at_startup),
    ("read_acl_file", "file_reads=st.file_reads[1:]", "file_reads=st.file_reads[2:]",
     check_acl_file_answers_consumed),
    ("write_acl_file", "save_outcomes=st.save_outcomes[1:]", "save_outcomes=st.save_outcomes[0:]",
     check_acl_file_answers_consumed),
    ("write_acl_file", "save_outcomes=st.save_outcomes[1:]", "save_outcomes=st.save_outcomes[2:]",
     check_acl_file_answers_consumed),
    ("default_requires_auth", '"nopass" not in d.flags', '"nopass" in d.flags',
     check_new_connection_auth),
    ("default_requires_auth", '"off" in d.flags', '"off" not in d.flags',
     check_new_connection_auth),
])
def test_planted_acl(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                     check: Any) -> None:
    plant_everywhere(monkeypatch, acl, func, old, new)
    _trips(check)


@pytest.mark.parametrize("cmd,flags", [
    ("publish", (False, True)), ("spublish", (False, True)), ("spublish", (True, False)),
    ("subscribe", (False, False)), ("ssubscribe", (False, False)),
    ("psubscribe", (False, True)), ("psubscribe", (True, False))])
def test_planted_acl_channel_commands(monkeypatch: pytest.MonkeyPatch, cmd: str,
                                      flags: tuple[bool, bool]) -> None:
    """One flag of ``_CHANNEL_COMMANDS`` flipped, as the module-level mutants do."""
    monkeypatch.setitem(acl._CHANNEL_COMMANDS, cmd, flags)
    _trips(check_channel_commands)


def test_planted_acl_denied_cmd_is_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """``DENIED_CMD = 2`` (the value of DENIED_KEY), in every module that imported it, and
    ``REASONS`` as the module would build it then."""
    for name, mod in list(sys.modules.items()):
        if name.startswith("redspec.") and getattr(mod, "DENIED_CMD", None) == 1:
            monkeypatch.setattr(mod, "DENIED_CMD", 2)
    monkeypatch.setattr(acl, "REASONS", {2: "key", 3: "auth", 4: "channel"})
    _trips(check_denial_reasons)


def _plant_acl_sub(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                   sub: bytes | None) -> None:
    """Plant ``func`` of ``spec.commands.acl`` (and, for a handler, put it in the served
    table's ACL ``sub`` entry, which holds the handler itself)."""
    import attrs

    from redspec.spec import dispatch
    from redspec.spec.commands import acl as acl_cmd
    fn = plant(monkeypatch, acl_cmd, func, old, new)
    if sub is not None:
        subs = dispatch.TABLE[b"acl"].subcommands
        monkeypatch.setitem(subs, sub, attrs.evolve(subs[sub], handler=fn))


_REPLIES = check_acl_command_replies


@pytest.mark.parametrize("func,old,new,sub,check", [
    ("acl_setuser", "if bad >= 0:", "if bad > 0:", b"setuser", _REPLIES),
    ("acl_getuser", "if u is None:", "if u is not None:", b"getuser", _REPLIES),
    ("acl_getuser", "if f in u.flags)", "if f not in u.flags)", b"getuser", _REPLIES),
    ("acl_getuser", "for sel in u.selectors[1:]]", "for sel in u.selectors[0:]]", b"getuser",
     _REPLIES),
    ("acl_getuser", "for sel in u.selectors[1:]]", "for sel in u.selectors[2:]]", b"getuser",
     _REPLIES),
    ("acl_deluser", "deleted += 1", "deleted += 0", b"deluser", _REPLIES),
    ("acl_deluser", "deleted += 1", "deleted += 2", b"deluser", _REPLIES),
    ("acl_cat", "if len(argv) == 2:", "if len(argv) != 2:", b"cat", _REPLIES),
    ("acl_cat", "if len(argv) != 3:", "if len(argv) == 3:", b"cat", _REPLIES),
    ("acl_cat", "if names is None:", "if names is not None:", b"cat", check_acl_cat),
    ("_syntax", "subcommand_syntax(argv[1],", "subcommand_syntax(argv[0],", None, _REPLIES),
    ("_syntax", "subcommand_syntax(argv[1],", "subcommand_syntax(argv[2],", None, _REPLIES),
    ("acl_genpass", "if bits <= 0 or", "if bits < 0 or", b"genpass", _REPLIES),
    ("acl_genpass", "bits > GENPASS_MAX_BITS:", "bits >= GENPASS_MAX_BITS:", b"genpass",
     _REPLIES),
    ("acl_genpass", "while len(out) < chars:", "while len(out) <= chars:", b"genpass",
     check_genpass_draws),
    ("acl_log", "if len(argv) > 3:", "if len(argv) >= 3:", b"log", _REPLIES),
    ("acl_log", "if len(argv) == 3:", "if len(argv) != 3:", b"log", _REPLIES),
    ("acl_log", 'if argv[2].lower() == b"reset":', 'if argv[2].lower() != b"reset":', b"log",
     check_acl_log_count_and_reset),
    ("acl_log", "if v is None:", "if v is not None:", b"log", _REPLIES),
    ("acl_dryrun", "if from_user is None:", "if from_user is not None:", b"dryrun", _REPLIES),
    ("acl_dryrun", "if cmd is None:", "if cmd is not None:", b"dryrun", _REPLIES),
    ("acl_dryrun", '"no_auth" in cmd.flags', '"no_auth" not in cmd.flags', b"dryrun", _REPLIES),
    ("acl_dryrun", "if result == ACL_OK:", "if result != ACL_OK:", b"dryrun", _REPLIES),
    ("acl_dryrun", "if result == DENIED_CMD:", "if result != DENIED_CMD:", b"dryrun",
     _REPLIES),
    ("acl_dryrun", "if result == DENIED_KEY else", "if result != DENIED_KEY else", b"dryrun",
     check_denial_reasons),
    ("_lookup_served", "if cmd is None:", "if cmd is not None:", None, _REPLIES),
    ("_lookup_served", "and len(args) > 1:", "and len(args) >= 1:", None, _REPLIES),
    ("_lookup_served", "and len(args) > 1:", "and len(args) > 0:", None, _REPLIES),
    ("_lookup_served", "and len(args) > 1:", "and len(args) > 2:", None, _REPLIES),
    ("_lookup_served", "get(args[1].lower())", "get(args[0].lower())", None, _REPLIES),
    ("_lookup_served", "get(args[1].lower())", "get(args[2].lower())", None, _REPLIES),
    ("acl_load_cmd", "OK if errors is None else", "OK if errors is not None else", b"load",
     check_acl_load),
])
def test_planted_acl_command(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                             sub: bytes | None, check: Any) -> None:
    _plant_acl_sub(monkeypatch, func, old, new, sub)
    _trips(check)


@pytest.mark.parametrize("new", ["rewrite_outcomes=cf.rewrite_outcomes[0:]",
                                 "rewrite_outcomes=cf.rewrite_outcomes[2:]"])
def test_planted_configfile_outcomes(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    from redspec.spec import configfile
    plant_everywhere(monkeypatch, configfile, "config_rewrite",
                     "rewrite_outcomes=cf.rewrite_outcomes[1:]", new)
    _trips(check_rewrite_answers_consumed)


def _plant_param(monkeypatch: pytest.MonkeyPatch, name: str, **changes: Any) -> None:
    """A parameter of ``spec.config.PARAMS`` as a mutated constant of the table would have
    built it (the constants are read once, when the table is made), under every name
    ``lookup_param`` finds it by."""
    import attrs

    from redspec.spec import config
    p = attrs.evolve(config.PARAMS[name], **changes)
    monkeypatch.setitem(config.PARAMS, name, p)
    for key, (shown, old) in list(config.NAMES.items()):
        if old.name == name:
            monkeypatch.setitem(config.NAMES, key, (shown, p))


@pytest.mark.parametrize("name,changes", [
    ("list-max-listpack-size", {"min": -(0 << 31)}),  # _INT_MIN = -(0 << 31)
    ("list-max-listpack-size", {"min": -(2 << 31)}),  # _INT_MIN = -(2 << 31)
    ("hash-max-listpack-value", {"max": 1 << 63}),  # _LONG_MAX = 1 << 63
    ("hash-max-listpack-value", {"max": (2 << 63) - 1}),  # _LONG_MAX = (2 << 63) - 1
    ("hash-max-listpack-value", {"max": (1 << 63) - 2}),  # _LONG_MAX = (1 << 63) - 2
])
def test_planted_config_type_limits(monkeypatch: pytest.MonkeyPatch, name: str,
                                    changes: dict[str, int]) -> None:
    _plant_param(monkeypatch, name, **changes)
    _trips(check_config_numeric_bounds)


def test_planted_memtoull_refuses_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec before the fix: a value past ULLONG_MAX refused instead of saturated and
    wrapped."""
    from redspec.spec import config
    plant_everywhere(monkeypatch, config, "memtoull", "return (v * mul) & _ULLONG_MAX",
                     "return v * mul if v * mul <= _ULLONG_MAX else None")
    _trips(check_memory_value_overflow)


@pytest.mark.parametrize("func,old,new", [
    ("_numeric", "pv is not None and pv >= 0", "pv is not None and pv > 0"),
    ("_special", "(j % 2 == 0 and v < 1)", "(j % 2 == 0 and v <= 1)"),
    ("_special", "(j % 2 == 0 and v < 1)", "(j % 2 == 0 and v < 0)"),
    ("_special", "(j % 2 == 1 and v < 0)", "(j % 2 == 1 and v <= 0)"),
    ("_special", "(j % 2 == 1 and v < 0)", "(j % 2 == 1 and v < -1)"),
    ("_special", "not -2000 <= v <= 2000", "not -2000 < v <= 2000"),
    ("_special", "not -2000 <= v <= 2000", "not -2000 <= v < 2000"),
    ("_special", "if x > 100.0 or x < 0.0:", "if x >= 100.0 or x < 0.0:"),
    ("_special", "if x > 100.0 or x < 0.0:", "if x > 100.0 or x <= 0.0:"),
    ("_string2ll", 'd[0] == "0"', 'd[0] != "0"'),
    ("_numeric", "if v > p.max or v < p.min:", "if v > p.max or v <= p.min:"),
])
def test_planted_config_parsing(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                new: str) -> None:
    from redspec.spec import config
    plant_everywhere(monkeypatch, config, func, old, new)
    _trips(check_config_parsing_edges)
