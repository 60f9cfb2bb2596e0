"""Differential cases for ACL (``acl.c``: users, selectors, ACL SETUSER/GETUSER/LIST/LOG/
DRYRUN/..., AUTH and HELLO AUTH as a user, the NOPERM gate, EXEC's recheck, scripts), checked
against Redis 7.0.15 with several users and connections.

Users outlive FLUSHALL, so every case starts by deleting the users it uses and emptying the
ACL LOG (:data:`CLEAN`), and ends the same way. Connection 1 administers; the others log in as
the users under test. Normalisers: ``acl-rules`` (Redis prints single-command rules in its
command dict's order, which follows a hash seed drawn at start), ``acl-log`` (ages and the
client line's per-connection values), ``sort`` for ACL CAT <category>, ``shape`` for GENPASS.
"""

from __future__ import annotations

USERS = ["u1", "u2", "u3"]
CLEAN: list[list[bytes | str]] = [["ACL", "DELUSER", *USERS], ["ACL", "LOG", "RESET"]]
HASH = "148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940"  # sha256("p")


def case(*steps: list[bytes | str]) -> list[list[bytes | str]]:
    """A case's steps between the clean-ups."""
    return [*CLEAN, *steps, *CLEAN]


def at(n: int, *argv: str) -> list[bytes | str]:
    """A step on connection ``n``."""
    return [f"@{n}", *argv]


CASES: list[tuple[str, list[list[bytes | str]]]] = [
    ("acl setuser getuser list", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "~k*", "&ch*", "-@all", "+@string"],
        ["ACL", "GETUSER", "u1"], ["ACL", "LIST"], ["ACL", "USERS"],
        ["ACL", "SETUSER", "u2", "on", "nopass", "%R~r*", "%W~w*", "%RW~b*", "+@read",
         "(~x* +set)", "(+get", "~y)"],
        ["ACL", "GETUSER", "u2"], ["ACL", "LIST"],
        ["ACL", "SETUSER", "u3", "on", "nopass", "+@all", "-config|set", "+select|0", "-select",
         "allkeys"],
        ["ACL", "GETUSER", "u3"],
        ["ACL", "SETUSER", "u3", "-@all", "+select|0", "+select|1", "+client|list", "+@hash",
         "-hset", "+debug|object"],
        ["ACL", "GETUSER", "u3"],
        ["ACL", "SETUSER", "u3", "+@all", "-@dangerous", "-@write", "+set"],
        ["ACL", "GETUSER", "u3"],
        ["ACL", "SETUSER", "u3", "reset"], ["ACL", "GETUSER", "u3"],
        ["ACL", "SETUSER", "u1", "<p", f"#{HASH}", ">q", ">q"], ["ACL", "GETUSER", "u1"],
        ["ACL", "SETUSER", "u1", f"!{HASH}"], ["ACL", "SETUSER", "u1", "nopass"],
        ["ACL", "GETUSER", "u1"], ["ACL", "SETUSER", "u1", "resetpass", "resetkeys", "~a",
                                   "~a", "%R~a", "allchannels"],
        ["ACL", "GETUSER", "u1"], ["ACL", "SETUSER", "u2", "clearselectors"],
        ["ACL", "GETUSER", "u2"], ["ACL", "GETUSER", "nobody"], ["ACL", "GETUSER", "default"],
        ["ACL", "SETUSER", "u1", "skip-sanitize-payload"], ["ACL", "LIST"],
    )),
    ("acl setuser errors", case(
        ["ACL", "SETUSER", "a b"], ["ACL", "SETUSER", "u1", "on", "(~a"],
        ["ACL", "SETUSER", "u1", "on", "off", "(~a", "b"], ["ACL", "SETUSER", "u1", "foo"],
        ["ACL", "SETUSER", "u1", "+nocmd"], ["ACL", "SETUSER", "u1", "~*", "~a"],
        ["ACL", "SETUSER", "u1", "&*", "&a"], ["ACL", "SETUSER", "u1", "<nopw"],
        ["ACL", "SETUSER", "u1", "#abc"], ["ACL", "SETUSER", "u1", "+config|get|x"],
        ["ACL", "SETUSER", "u1", "+config|"], ["ACL", "SETUSER", "u1", "+@nocat"],
        ["ACL", "SETUSER", "u1", "%X~a"], ["ACL", "SETUSER", "u1", "-select|0"],
        ["ACL", "SETUSER", "u1", "+config|nosuch"], ["ACL", "SETUSER", "u1", "(+get ~a) x"],
        ["ACL", "SETUSER", "u1", "~a b"], ["ACL", "USERS"], ["ACL", "SETUSER"],
        ["ACL", "DELUSER", "default"], ["ACL", "DELUSER", "nobody", "u1"],
    )),
    ("acl noperm command key channel", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "~k*", "&ch*", "+@all", "-hset"],
        at(2, "AUTH", "u1", "p"), at(2, "GET", "k1"), at(2, "GET", "other"),
        at(2, "SET", "other", "x"), at(2, "MSET", "k1", "1", "k2", "2", "zz", "3"),
        at(2, "HSET", "k1", "a", "b"), at(2, "PUBLISH", "ch1", "x"), at(2, "PUBLISH", "zz", "x"),
        at(2, "SPUBLISH", "zz", "x"), at(2, "ACL", "WHOAMI"),
        at(2, "SUBSCRIBE", "ch1", "zz"), at(2, "PSUBSCRIBE", "c*"),
        ["ACL", "LOG"], ["ACL", "LOG", "2"],
    )),
    ("acl noperm pubsub", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "~k*", "&ch*", "&lit", "+@all"],
        at(2, "AUTH", "u1", "p"), at(2, "PSUBSCRIBE", "ch*"), at(2, "PSUBSCRIBE", "l*"),
        at(2, "SSUBSCRIBE", "zz"), at(2, "SUBSCRIBE", "lit", "zz"), at(2, "PING"),
        ["ACL", "LOG"],
    )),
    ("acl selectors", case(
        ["ACL", "SETUSER", "u2", "on", "nopass", "%R~r*", "%W~w*", "%RW~b*", "+@read", "+@write",
         "-@all", "+get", "+set", "+copy", "(~x* +set)", "(+get ~y)"],
        at(2, "AUTH", "u2", "x"), at(2, "GET", "r1"), at(2, "SET", "r1", "v"),
        at(2, "SET", "w1", "v"), at(2, "GET", "w1"), at(2, "SET", "b1", "v"), at(2, "GET", "b1"),
        at(2, "SET", "x1", "v"), at(2, "GET", "y"), at(2, "GET", "x1"),
        at(2, "COPY", "r1", "w1"), at(2, "COPY", "w1", "r1"), at(2, "LPUSH", "b1", "v"),
        ["ACL", "DRYRUN", "u2", "GET", "r1"], ["ACL", "DRYRUN", "u2", "SET", "r1", "v"],
        ["ACL", "DRYRUN", "u2", "LPUSH", "b1", "v"], ["ACL", "DRYRUN", "u2", "GET", "x1"],
        ["ACL", "DRYRUN", "u2", "PUBLISH", "c", "m"], ["ACL", "DRYRUN", "nobody", "GET", "k"],
        ["ACL", "DRYRUN", "u2", "nocmd"], ["ACL", "DRYRUN", "u2", "client", "list"],
        ["ACL", "LOG"],
    )),
    ("acl first args", case(
        ["ACL", "SETUSER", "u3", "on", "nopass", "allkeys", "-@all", "+select|0", "+ping",
         "+client|id"],
        at(2, "AUTH", "u3", "x"), at(2, "SELECT", "0"), at(2, "SELECT", "1"),
        at(2, "PING"), at(2, "CLIENT", "ID"), at(2, "CLIENT", "INFO"), at(2, "ACL", "LIST"),
        ["ACL", "LOG"],
    )),
    ("acl multi", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "~k*", "+@all"],
        at(2, "AUTH", "u1", "p"), at(2, "MULTI"), at(2, "GET", "other"), at(2, "SET", "k1", "1"),
        at(2, "EXEC"), at(2, "MULTI"), at(2, "GET", "k1"), at(2, "SET", "k2", "2"),
        ["ACL", "SETUSER", "u1", "-get"], at(2, "EXEC"), at(2, "GET", "k2"),
        ["ACL", "SETUSER", "u1", "-exec"], at(2, "MULTI"), at(2, "SET", "k2", "3"),
        at(2, "EXEC"), ["ACL", "LOG"],
    )),
    ("acl scripts", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "~k*", "&ch*", "+@all", "-hset"],
        at(2, "AUTH", "u1", "p"),
        at(2, "EVAL", "return redis.call('get','other')", "0"),
        at(2, "EVAL", "return redis.call('hset','k','a','b')", "0"),
        at(2, "EVAL", "return redis.pcall('hset','k','a','b')", "0"),
        at(2, "EVAL", "return redis.call('publish','zz','x')", "0"),
        at(2, "EVAL", "return redis.call('set','k1','v')", "0"),
        at(2, "EVAL", "return {redis.acl_check_cmd('get','k1'), redis.acl_check_cmd('get','x'),"
                      " redis.acl_check_cmd('hset','k','a','b')}", "0"),
        ["ACL", "LOG"],
    )),
    ("acl auth and hello", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "+@all", "~*"],
        ["ACL", "SETUSER", "u2", "off", ">p", "+@all", "~*"],
        at(2, "AUTH", "u1", "wrong"), at(2, "AUTH", "nobody", "x"), at(2, "AUTH", "u2", "p"),
        at(2, "ACL", "WHOAMI"), at(2, "AUTH", "u1", "p"), at(2, "ACL", "WHOAMI"),
        at(2, "AUTH", "x"), at(2, "AUTH", "a", "b", "c"), at(2, "MULTI"),
        at(2, "AUTH", "u1", "bad"), at(2, "EXEC"), at(2, "RESET"), at(2, "ACL", "WHOAMI"),
        at(3, "HELLO", "2", "AUTH", "u1", "bad"), at(3, "HELLO", "2", "AUTH", "u1", "p"),
        at(3, "ACL", "WHOAMI"), ["ACL", "LOG"],
    )),
    ("acl deluser disconnects", case(
        ["ACL", "SETUSER", "u1", "on", "nopass", "+@all", "~*"],
        ["ACL", "SETUSER", "u2", "on", "nopass", "+@all", "~*"],
        at(2, "AUTH", "u1", "x"), at(3, "AUTH", "u2", "x"),
        ["ACL", "SETUSER", "u1", "off"], at(2, "PING"), ["ACL", "SETUSER", "u1", "reset"],
        at(2, "PING"), ["ACL", "DELUSER", "u1"], at(2, "PING"),
        at(3, "ACL", "DELUSER", "u2"),
    )),
    ("acl channel revoked kills subscriber", case(
        ["ACL", "SETUSER", "u1", "on", "nopass", "+@all", "~*", "resetchannels", "&news*"],
        ["ACL", "SETUSER", "u2", "on", "nopass", "+@all", "~*", "resetchannels", "&news*"],
        at(2, "AUTH", "u1", "x"), at(2, "SUBSCRIBE", "news1"), at(3, "AUTH", "u2", "x"),
        at(3, "PSUBSCRIBE", "news*"),
        ["ACL", "SETUSER", "u1", "&more"], at(2, "PING"),
        ["ACL", "SETUSER", "u1", "resetchannels", "&other"], at(2, "PING"),
        ["ACL", "SETUSER", "u2", "resetchannels", "&news1"], at(3, "PING"),
    )),
    ("acl requirepass is the default password", [
        *CLEAN, ["CONFIG", "SET", "requirepass", "pw"], ["ACL", "LIST"],
        ["ACL", "GETUSER", "default"], at(2, "RESET"), at(2, "PING"), at(2, "AUTH", "nopw"),
        at(2, "AUTH", "pw"), at(2, "ACL", "WHOAMI"), at(2, "RESET"),
        at(2, "AUTH", "default", "pw"), at(2, "PING"),
        ["CONFIG", "SET", "requirepass", ""], ["ACL", "LIST"], at(2, "RESET"), at(2, "PING"),
        at(2, "AUTH", "x"), at(2, "AUTH", "default", "any"), *CLEAN,
    ]),
    ("acl cat genpass help", case(
        ["ACL", "CAT"], ["ACL", "CAT", "string"], ["ACL", "CAT", "SCRIPTING"],
        ["ACL", "CAT", "nocat"], ["ACL", "CAT", "a", "b"], ["ACL", "GENPASS"],
        ["ACL", "GENPASS", "5"], ["ACL", "GENPASS", "4096"], ["ACL", "GENPASS", "0"],
        ["ACL", "GENPASS", "4097"], ["ACL", "GENPASS", "x"], ["ACL", "HELP"], ["ACL", "LOAD"],
        ["ACL", "SAVE"], ["ACL", "foo"], ["ACL", "LOG", "x"], ["ACL", "LOG", "-1"],
        ["ACL", "WHOAMI"], ["ACL", "LIST", "x"], ["ACL"],
    )),
    ("acl client list user", case(
        ["ACL", "SETUSER", "u1", "on", "nopass", "+@all", "~*"],
        at(2, "AUTH", "u1", "x"), at(2, "CLIENT", "INFO"), ["CLIENT", "KILL", "USER", "nobody"],
        ["CLIENT", "KILL", "USER", "u1"], at(2, "PING"),
    )),
    ("acl error statistics", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "~k*", "+@all", "-hset"],
        ["CONFIG", "RESETSTAT"], at(2, "AUTH", "u1", "bad"), at(2, "AUTH", "u1", "p"),
        at(2, "GET", "other"), at(2, "HSET", "k", "a", "b"), at(2, "MULTI"),
        at(2, "HSET", "k", "a", "b"), at(2, "EXEC"), ["INFO", "errorstats"],
    )),
    ("acl pubsub default allchannels", case(
        ["CONFIG", "SET", "acl-pubsub-default", "allchannels"],
        ["ACL", "SETUSER", "u1", "on", "nopass", "+@all", "(+get)"], ["ACL", "GETUSER", "u1"],
        ["ACL", "SETUSER", "u1", "reset"], ["ACL", "LIST"],
        ["ACL", "SETUSER", "u1", "&a"],
        ["CONFIG", "SET", "acl-pubsub-default", "resetchannels"],
        ["ACL", "SETUSER", "u2", "on", "&a"], ["ACL", "LIST"],
    )),
    ("acl log grouping and max len", case(
        ["ACL", "SETUSER", "u1", "on", "nopass", "~k*", "+@all", "-hset"],
        at(2, "AUTH", "u1", "x"), at(2, "HSET", "k", "a", "b"), at(2, "HSET", "k", "a", "b"),
        at(2, "GET", "z"), at(2, "HSET", "k", "a", "b"), ["ACL", "LOG"],
        ["CONFIG", "SET", "acllog-max-len", "2"], at(2, "GET", "y"), at(2, "GET", "x"),
        ["ACL", "LOG"], ["ACL", "LOG", "1"], ["CONFIG", "SET", "acllog-max-len", "128"],
    )),
    # NOPERM at its place in processCommand: after no-multi, before OOM (the explorer's ACL
    # worlds, properties/explorer_commandpath.py)
    ("acl noperm before oom", case(
        ["ACL", "SETUSER", "u1", "on", ">p", "resetkeys", "~x*", "%R~k*", "resetchannels",
         "+@all", "-ping"],
        at(2, "PING"), at(2, "AUTH", "u1", "p"), ["CONFIG", "SET", "maxmemory", "1"],
        at(2, "SET", "k", "v"), at(2, "SET", "x", "v"), at(2, "GET", "k"), at(2, "PING"),
        at(2, "MULTI"), at(2, "SAVE"), at(2, "PING"), at(2, "GET", "k"), at(2, "EXEC"),
        at(2, "SUBSCRIBE", "ch"), at(2, "AUTH", "pw"), at(2, "ACL", "WHOAMI"),
        ["CONFIG", "SET", "maxmemory", "0"],
    )),
]


def _steps(name: str) -> list[list[bytes | str]]:
    return next(steps for n, steps in CASES if n == name)


def _where(name: str, *first: str) -> dict[int, str]:
    """The step indexes of a case whose argv starts with ``first``."""
    out = {}
    for i, st in enumerate(_steps(name)):
        argv = [x for x in st if not (isinstance(x, str) and x.startswith("@"))]
        if [str(a).upper() for a in argv[:len(first)]] == [f.upper() for f in first]:
            out[i] = ""
    return out


def _norm(name: str, norm: str, *first: str) -> dict[int, str]:
    return {i: norm for i in _where(name, *first)}


NONDETERMINISTIC: dict[str, object] = {
    "acl setuser getuser list": "acl-rules",
    "acl pubsub default allchannels": "acl-rules",
    "acl setuser errors": "acl-rules",
    "acl first args": {**_norm("acl first args", "acl-rules", "ACL", "LIST"),
                       **_norm("acl first args", "acl-log", "ACL", "LOG"),
                       **_norm("acl first args", "client-list", "CLIENT", "INFO"),
                       **_norm("acl first args", "client-id", "CLIENT", "ID")},
    "acl requirepass is the default password": _norm(
        "acl requirepass is the default password", "acl-rules", "ACL"),
    "acl cat genpass help": {**_norm("acl cat genpass help", "sort", "ACL", "CAT"),
                             **_norm("acl cat genpass help", "shape", "ACL", "GENPASS")},
    "acl client list user": _norm("acl client list user", "client-list", "CLIENT", "INFO"),
    "acl auth and hello": {**_norm("acl auth and hello", "acl-log", "ACL", "LOG"),
                           **_norm("acl auth and hello", "hello", "HELLO")},
    **{n: _norm(n, "acl-log", "ACL", "LOG") for n in (
        "acl noperm command key channel", "acl noperm pubsub", "acl selectors", "acl multi",
        "acl scripts", "acl log grouping and max len")},
}
