"""MIGRATE on a standalone server, the replies that need no target (spec/commands/cluster.py,
spec/migrate.py): the option parser's errors in Redis's order (an unknown option, AUTH /
AUTH2 short of arguments, KEYS after a non-empty key, then the timeout and the database as
integers), +NOKEY when none of the keys exists (missing keys, KEYS with no key),
a port nobody listens on (the refused connection fails at the write, retried once: IOERR
writing), the error statistics, COMMAND GETKEYS and MIGRATE inside MULTI. What needs a
target is in tests/test_migrate_interop.py."""

from __future__ import annotations

DEAD = ["127.0.0.1", "1"]

CASES = [
    ("migrate option errors", [
        ["CONFIG", "RESETSTAT"],
        ["SET", "k", "v"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "BOGUS"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "COPY", "AUTH"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "AUTH2", "user"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "REPLACE", "KEYS", "k"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "KEYS"],
        ["MIGRATE", *DEAD, "k", "x", "1000"],
        ["MIGRATE", *DEAD, "k", "0", "soon"],
        ["MIGRATE", *DEAD, "k", "99999999999999999999", "1000"],
        ["MIGRATE", *DEAD, "", "x", "y", "KEYS", "k"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "BOGUS", "KEYS"],
        ["MIGRATE", *DEAD, "k", "0"],
        ["INFO", "errorstats"],
        ["EXISTS", "k"],
    ]),
    ("migrate nokey", [
        ["CONFIG", "RESETSTAT"],
        ["MIGRATE", *DEAD, "missing", "0", "1000"],
        ["MIGRATE", *DEAD, "", "0", "1000", "KEYS"],
        ["MIGRATE", *DEAD, "", "0", "-5", "COPY", "REPLACE", "KEYS", "a", "b", "c"],
        ["MIGRATE", *DEAD, "", "0", "0", "AUTH", "pw", "KEYS", "a"],
        ["INFO", "errorstats"],
    ]),
    ("migrate to a dead port", [
        ["CONFIG", "RESETSTAT"],
        ["SET", "k", "v"],
        ["MIGRATE", *DEAD, "k", "0", "1000"],
        ["MIGRATE", *DEAD, "", "3", "1000", "COPY", "KEYS", "nokey", "k"],
        ["EXISTS", "k"],
        ["INFO", "errorstats"],
    ]),
    ("migrate in multi and getkeys", [
        ["MULTI"],
        ["MIGRATE", *DEAD, "nokey", "0", "1000"],
        ["MIGRATE", *DEAD, "k", "0", "1000", "BOGUS"],
        ["EXEC"],
        ["COMMAND", "GETKEYS", "MIGRATE", *DEAD, "k", "0", "1000"],
        ["COMMAND", "GETKEYS", "MIGRATE", *DEAD, "", "0", "1000", "COPY", "KEYS", "a", "b"],
        ["COMMAND", "INFO", "migrate"],
    ]),
]

# MIGRATE's AUTH / AUTH2 arguments are redacted in MONITOR and SLOWLOG as the option parser
# reaches them (``redactClientCommandArgument``): not after an option it stops at.
_SL_ON = ["CONFIG", "SET", "slowlog-log-slower-than", "0"]
CASES += [
    ("migrate monitor redacts auth", [
        ["@1", "MONITOR"],
        ["@2", "MIGRATE", *DEAD, "nokey", "0", "100", "COPY", "AUTH", "secret"],
        ["@2", "MIGRATE", *DEAD, "nokey", "0", "100", "AUTH2", "user", "secret", "KEYS"],
        ["@2", "MIGRATE", *DEAD, "", "0", "100", "BOGUS", "AUTH", "secret"],
        ["@2", "MIGRATE", *DEAD, "nokey", "0", "100", "AUTH"],
        ["@1", "RESET"]]),
    ("slowlog migrate redacts auth", [
        _SL_ON, ["SLOWLOG", "RESET"],
        ["MIGRATE", *DEAD, "nokey", "0", "100", "REPLACE", "AUTH", "secret"],
        ["MIGRATE", *DEAD, "", "0", "100", "AUTH2", "u", "p", "KEYS", "a", "b"],
        ["SLOWLOG", "GET", "-1"], ["CONFIG", "SET", "slowlog-log-slower-than", "10000"]]),
]
NONDETERMINISTIC: dict[str, object] = {"migrate monitor redacts auth": "monitor",
                                       "slowlog migrate redacts auth": "slowlog"}
NOT_VECTORS: dict[str, str] = {"migrate monitor redacts auth": "MONITOR line timing"}
