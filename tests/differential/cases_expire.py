"""Differential cases for expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (NX/XX/GT/LT), TTL/PTTL,
EXPIRETIME/PEXPIRETIME, PERSIST, DEBUG's expiry switches.

No case depends on a countdown. Absolute times are far in the future (year 5138) or in the past;
relative times are read back at once with TTL (seconds, rounded: exact unless half a second
passes between two commands) or with PTTL through the ``ms-to-s`` normaliser registered below,
which rounds a positive millisecond count to seconds as TTL does (``(ms + 500) // 1000``), so
that one or two milliseconds spent between the commands do not show. DBSIZE/KEYS are never asked
while a key is logically expired but perhaps not yet deleted by the active cycle.

DEBUG is refused by a default server (enable-debug-command no); the cases check exactly that
refusal, which both servers give before arity-independent parsing of the subcommand.
"""

from __future__ import annotations

from tests.differential.normalise import NORMALISERS, parse, serialise

FUTURE_MS = "99999999999000"  # year 5138
FUTURE_S = "99999999999"
LATER_MS = "99999999999500"
EARLIER_MS = "99999999998000"
PAST_MS = "1000"


def _ms_to_s(frame: bytes) -> bytes:
    """``:N`` with N > 0 milliseconds → ``:round(N / 1000)`` (TTL's rounding)."""
    if frame[:1] == b":":
        n = int(frame[1:-2])
        if n > 0:
            return b":%d\r\n" % ((n + 500) // 1000)
    return frame


_INFO_KEEP = (b"keyspace_hits:", b"keyspace_misses:", b"expired_keys:", b"errorstat_", b"db")


def _info_counters(frame: bytes) -> bytes:
    """INFO reduced to what these cases compare: section titles, keyspace hits/misses,
    expired_keys, errorstats, commandstats without the usec fields, and the keyspace lines
    without avg_ttl (the active cycle updates it when it happens to run)."""
    f = parse(frame)
    if f.payload is None:
        return frame
    prefix = b"txt:" if f.payload.startswith(b"txt:") else b""
    out: list[bytes] = []
    section: list[bytes] = []
    for ln in f.payload[len(prefix):].split(b"\r\n"):
        if ln.startswith(b"# "):
            out.extend(sorted(section))  # Redis's dict order is not stable across servers
            section = []
            out.append(ln)
        elif ln.startswith(b"cmdstat_"):
            name, fields = ln.split(b":", 1)
            kept = [x for x in fields.split(b",") if not x.startswith(b"usec")]
            section.append(name + b":" + b",".join(kept))
        elif ln.startswith(_INFO_KEEP):
            section.append(ln.split(b",avg_ttl=")[0])
    out.extend(sorted(section))
    f.payload = prefix + b"\r\n".join(out)
    return serialise(f)


NORMALISERS.setdefault("ms-to-s", _ms_to_s)
NORMALISERS.setdefault("info-counters", _info_counters)

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    # -- EXPIRE family: basics ----------------------------------------------------------------
    ("expire-missing", [["EXPIRE", "k", "100"], ["PEXPIRE", "k", "100"],
                        ["EXPIREAT", "k", FUTURE_S], ["PEXPIREAT", "k", FUTURE_MS]]),
    ("expire-then-ttl", [["SET", "k", "v"], ["EXPIRE", "k", "100"], ["TTL", "k"]]),
    ("pexpire-then-pttl", [["SET", "k", "v"], ["PEXPIRE", "k", "100000"], ["PTTL", "k"],
                           ["TTL", "k"]]),
    ("expireat-then-times", [["SET", "k", "v"], ["EXPIREAT", "k", FUTURE_S],
                             ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"]]),
    ("pexpireat-then-times", [["SET", "k", "v"], ["PEXPIREAT", "k", "99999999999499"],
                              ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"],
                              ["PEXPIREAT", "k", "99999999999500"], ["EXPIRETIME", "k"]]),
    ("expire-replaces", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS],
                         ["PEXPIREAT", "k", LATER_MS], ["PEXPIRETIME", "k"]]),
    ("expire-past-deletes", [["SET", "k", "v"], ["PEXPIREAT", "k", PAST_MS], ["EXISTS", "k"],
                             ["GET", "k"], ["TTL", "k"]]),
    ("expire-zero-deletes", [["SET", "k", "v"], ["EXPIRE", "k", "0"], ["EXISTS", "k"]]),
    ("expire-negative-deletes", [["SET", "k", "v"], ["EXPIRE", "k", "-10"], ["EXISTS", "k"],
                                 ["SET", "j", "v"], ["PEXPIRE", "j", "-1"], ["EXISTS", "j"]]),
    ("expireat-zero-deletes", [["SET", "k", "v"], ["EXPIREAT", "k", "0"], ["EXISTS", "k"],
                               ["SET", "k", "v"], ["EXPIREAT", "k", "-5"], ["EXISTS", "k"]]),
    ("expire-on-expired-key", [["SET", "k", "v", "PXAT", "1"], ["EXPIRE", "k", "100"],
                               ["TTL", "k"]]),
    ("expire-not-integer", [["SET", "k", "v"], ["EXPIRE", "k", "abc"], ["PEXPIRE", "k", "1.5"],
                            ["EXPIREAT", "k", ""], ["PEXPIREAT", "k", " 1"], ["TTL", "k"]]),
    ("expire-not-integer-missing", [["EXPIRE", "nokey", "abc"], ["PEXPIRE", "nokey", "x"]]),
    ("expire-arity", [["EXPIRE"], ["EXPIRE", "k"], ["PEXPIRE", "k"], ["EXPIREAT", "k"],
                      ["PEXPIREAT"], ["TTL"], ["TTL", "a", "b"], ["PTTL"], ["EXPIRETIME"],
                      ["PEXPIRETIME", "a", "b"], ["PERSIST"], ["PERSIST", "a", "b"]]),
    ("expire-wrong-type-ok", [["RPUSH", "l", "a"], ["EXPIREAT", "l", FUTURE_S],
                              ["PEXPIRETIME", "l"], ["PERSIST", "l"], ["TTL", "l"]]),
    ("expire-case-insensitive", [["SET", "k", "v"], ["expireat", "k", FUTURE_S, "nx"],
                                 ["PeXpIrEtImE", "k"], ["pExPiReAt", "k", LATER_MS, "Gt"],
                                 ["pexpiretime", "k"]]),
    # -- overflow -------------------------------------------------------------------------------
    ("expire-overflow-seconds", [["SET", "k", "v"], ["EXPIRE", "k", "9223372036854775807"],
                                 ["EXPIRE", "k", "9223372036854776"],
                                 ["EXPIRE", "k", "-9223372036854776"],
                                 ["EXPIRE", "k", "-9223372036854775807"], ["TTL", "k"]]),
    ("expire-overflow-ms", [["SET", "k", "v"], ["PEXPIRE", "k", "9223372036854775807"],
                            ["PEXPIRE", "k", "9223372036854775000"], ["TTL", "k"]]),
    ("expireat-overflow", [["SET", "k", "v"], ["EXPIREAT", "k", "9223372036854776"],
                           ["EXPIREAT", "k", "9223372036854775"], ["PEXPIRETIME", "k"],
                           ["PEXPIREAT", "k", "9223372036854775807"], ["PEXPIRETIME", "k"],
                           ["EXPIRETIME", "k"]]),
    ("expire-overflow-missing-key", [["EXPIRE", "nokey", "9223372036854775807"],
                                     ["EXPIREAT", "nokey", "9223372036854776"]]),
    ("expire-int-range", [["SET", "k", "v"], ["EXPIRE", "k", "9223372036854775808"],
                          ["PEXPIREAT", "k", "-9223372036854775809"]]),
    ("expire-overflow-then-options", [["SET", "k", "v"],
                                      ["EXPIRE", "k", "9223372036854775807", "nx", "xx"],
                                      ["EXPIRE", "k", "abc", "foo"]]),
    # -- options ---------------------------------------------------------------------------------
    ("expire-nx", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS, "NX"],
                   ["PEXPIREAT", "k", LATER_MS, "NX"], ["PEXPIRETIME", "k"]]),
    ("expire-xx", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS, "XX"], ["TTL", "k"],
                   ["PEXPIREAT", "k", FUTURE_MS], ["PEXPIREAT", "k", LATER_MS, "XX"],
                   ["PEXPIRETIME", "k"]]),
    ("expire-gt", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS, "GT"], ["TTL", "k"],
                   ["PEXPIREAT", "k", FUTURE_MS], ["PEXPIREAT", "k", EARLIER_MS, "GT"],
                   ["PEXPIREAT", "k", FUTURE_MS, "GT"], ["PEXPIREAT", "k", LATER_MS, "GT"],
                   ["PEXPIRETIME", "k"]]),
    ("expire-lt", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS, "LT"],
                   ["PEXPIRETIME", "k"], ["PEXPIREAT", "k", LATER_MS, "LT"],
                   ["PEXPIREAT", "k", FUTURE_MS, "LT"], ["PEXPIREAT", "k", EARLIER_MS, "LT"],
                   ["PEXPIRETIME", "k"]]),
    ("expire-xx-gt", [["SET", "k", "v"], ["PEXPIREAT", "k", LATER_MS, "XX", "GT"],
                      ["PEXPIREAT", "k", FUTURE_MS], ["PEXPIREAT", "k", LATER_MS, "XX", "GT"],
                      ["PEXPIRETIME", "k"]]),
    ("expire-xx-lt", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS, "XX", "LT"],
                      ["PEXPIREAT", "k", LATER_MS], ["PEXPIREAT", "k", FUTURE_MS, "xx", "lt"],
                      ["PEXPIRETIME", "k"]]),
    ("expire-repeated-options", [["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS, "nx", "NX"],
                                 ["PEXPIREAT", "k", LATER_MS, "gt", "GT", "xx"],
                                 ["PEXPIRETIME", "k"]]),
    # found by tools/fuzz.py: addReplyErrorFormat trims CR/LF at the ends of the message
    # (sdstrim) and turns the ones inside into spaces
    ("expire-option-with-newlines", [["SET", "k", "v"], ["EXPIRE", "k", "10", b"\n"],
                                     ["EXPIRE", "k", "10", b"\r\n"],
                                     ["PEXPIRE", "k", "10", b"x\ny\n"],
                                     ["EXPIRE", "k", "10", b"\nx"], ["TTL", "k"]]),
    ("expire-nx-conflicts", [["SET", "k", "v"], ["EXPIRE", "k", "100", "NX", "XX"],
                             ["EXPIRE", "k", "100", "NX", "GT"], ["EXPIRE", "k", "100", "lt", "nx"],
                             ["PEXPIREAT", "k", FUTURE_MS, "xx", "nx"], ["TTL", "k"]]),
    ("expire-gt-lt-conflict", [["SET", "k", "v"], ["EXPIRE", "k", "100", "GT", "LT"],
                               ["PEXPIRE", "k", "100", "xx", "lt", "gt"], ["TTL", "k"]]),
    ("expire-nx-beats-gt-lt", [["SET", "k", "v"], ["EXPIRE", "k", "100", "GT", "LT", "NX"]]),
    ("expire-unsupported-option", [["SET", "k", "v"], ["EXPIRE", "k", "100", "foo"],
                                   ["EXPIRE", "k", "100", "nx", "bar"],
                                   ["EXPIRE", "k", "100", ""], ["EXPIRE", "k", "100", "nxx"],
                                   ["EXPIREAT", "k", "1", "NX", "XX", "junk"], ["TTL", "k"]]),
    ("expire-option-before-integer", [["SET", "k", "v"], ["EXPIRE", "k", "abc", "NX", "XX"],
                                      ["EXPIRE", "k", "abc", "zz"]]),
    ("expire-options-missing-key", [["PEXPIREAT", "nokey", FUTURE_MS, "XX"],
                                    ["PEXPIREAT", "nokey", FUTURE_MS, "NX", "XX"],
                                    ["PEXPIREAT", "nokey", FUTURE_MS, "what"]]),
    ("expire-past-with-options", [["SET", "k", "v", "PXAT", FUTURE_MS],
                                  ["PEXPIREAT", "k", PAST_MS, "NX"], ["EXISTS", "k"],
                                  ["PEXPIREAT", "k", PAST_MS, "GT"], ["EXISTS", "k"],
                                  ["PEXPIREAT", "k", PAST_MS, "LT"], ["EXISTS", "k"]]),
    ("expire-past-lt-no-ttl", [["SET", "k", "v"], ["EXPIRE", "k", "-1", "LT"], ["EXISTS", "k"]]),
    ("expire-past-gt-no-ttl", [["SET", "k", "v"], ["EXPIRE", "k", "-1", "GT"], ["EXISTS", "k"]]),
    ("expire-option-with-nul", [["SET", "k", "v"], ["EXPIRE", "k", "100", b"nx\x00junk"],
                                ["TTL", "k"], ["EXPIRE", "k", "100", b"zz\x00nx"]]),
    # -- TTL family ------------------------------------------------------------------------------
    ("ttl-missing-and-persistent", [["TTL", "k"], ["PTTL", "k"], ["EXPIRETIME", "k"],
                                    ["PEXPIRETIME", "k"], ["SET", "k", "v"], ["TTL", "k"],
                                    ["PTTL", "k"], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"]]),
    ("ttl-expired-key", [["SET", "k", "v", "PXAT", "1"], ["TTL", "k"], ["PTTL", "k"],
                         ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"]]),
    ("ttl-wrong-type", [["RPUSH", "l", "a"], ["TTL", "l"], ["PTTL", "l"],
                        ["EXPIRETIME", "l"]]),
    ("ttl-set-ex", [["SET", "k", "v", "EX", "100"], ["TTL", "k"], ["PTTL", "k"]]),
    ("ttl-setex-psetex", [["SETEX", "a", "1000", "v"], ["TTL", "a"], ["PSETEX", "b", "5000", "v"],
                          ["PTTL", "b"], ["TTL", "b"]]),
    ("ttl-set-drops", [["SET", "k", "v", "PXAT", FUTURE_MS], ["SET", "k", "w"], ["TTL", "k"]]),
    ("ttl-keepttl", [["SET", "k", "v", "PXAT", FUTURE_MS], ["SET", "k", "w", "KEEPTTL"],
                     ["PEXPIRETIME", "k"]]),
    ("ttl-getex", [["SET", "k", "v"], ["GETEX", "k", "PXAT", FUTURE_MS], ["PEXPIRETIME", "k"],
                   ["GETEX", "k", "PERSIST"], ["TTL", "k"]]),
    ("expiretime-rounding", [["SET", "k", "v", "PXAT", "99999999999499"], ["EXPIRETIME", "k"],
                             ["SET", "k", "v", "PXAT", "99999999999500"], ["EXPIRETIME", "k"],
                             ["SET", "k", "v", "PXAT", "99999999999999"], ["EXPIRETIME", "k"]]),
    ("ttl-hits-misses", [["CONFIG", "RESETSTAT"], ["SET", "k", "v"], ["TTL", "k"], ["TTL", "nokey"], ["PTTL", "k"],
                         ["INFO", "stats"]]),
    # -- PERSIST ---------------------------------------------------------------------------------
    ("persist", [["SET", "k", "v", "PXAT", FUTURE_MS], ["PERSIST", "k"], ["TTL", "k"],
                 ["PERSIST", "k"], ["PERSIST", "nokey"]]),
    ("persist-expired", [["SET", "k", "v", "PXAT", "1"], ["PERSIST", "k"], ["EXISTS", "k"]]),
    ("persist-then-expire", [["SET", "k", "v", "PXAT", FUTURE_MS], ["PERSIST", "k"],
                             ["PEXPIREAT", "k", LATER_MS, "GT"], ["PEXPIREAT", "k", LATER_MS,
                                                                  "LT"],
                             ["PEXPIRETIME", "k"]]),
    # -- interplay with keys / dbs ----------------------------------------------------------------
    ("expire-then-rename", [["SET", "a", "v"], ["PEXPIREAT", "a", FUTURE_MS],
                            ["RENAME", "a", "b"], ["PEXPIRETIME", "b"], ["TTL", "a"]]),
    ("expire-other-db", [["SET", "k", "v"], ["SELECT", "3"], ["EXPIRE", "k", "100"],
                         ["SET", "k", "w"], ["PEXPIREAT", "k", FUTURE_MS], ["SELECT", "0"],
                         ["TTL", "k"], ["SELECT", "3"], ["PEXPIRETIME", "k"]]),
    ("expire-incr-keeps", [["SET", "n", "1"], ["PEXPIREAT", "n", FUTURE_MS], ["INCR", "n"],
                           ["APPEND", "n", "0"], ["PEXPIRETIME", "n"]]),
    ("expire-dirty-info", [["CONFIG", "RESETSTAT"], ["SET", "k", "v"], ["PEXPIREAT", "k", FUTURE_MS],
                           ["PEXPIREAT", "k", FUTURE_MS, "NX"], ["PERSIST", "k"],
                           ["PERSIST", "k"], ["INFO", "commandstats"]]),
    ("expire-errorstats", [["CONFIG", "RESETSTAT"], ["EXPIRE", "k", "1", "NX", "XX"], ["EXPIRE", "k", "x"],
                           ["EXPIRE", "k", "1", "bad"], ["INFO", "errorstats"]]),
    ("expire-keyspace-counts", [["SET", "a", "1"], ["SET", "b", "2"],
                                ["PEXPIREAT", "a", FUTURE_MS], ["INFO", "keyspace"],
                                ["PERSIST", "a"], ["INFO", "keyspace"]]),
    # -- DEBUG -------------------------------------------------------------------------------------
    ("debug-refused-by-default", [["CONFIG", "RESETSTAT"], ["DEBUG", "SET-ACTIVE-EXPIRE", "0"], ["DEBUG", "SLEEP", "0"],
                                  ["DEBUG", "nosuch"], ["DEBUG"], ["INFO", "commandstats"]]),
]

#: Replies that need a normaliser (see the module docstring).
NONDETERMINISTIC: dict[str, dict[int, str]] = {
    "ttl-hits-misses": {5: "info-counters"},
    "expire-dirty-info": {6: "info-counters"},
    "expire-errorstats": {4: "info-counters"},
    "expire-keyspace-counts": {3: "info-counters", 5: "info-counters"},
    "debug-refused-by-default": {5: "info-counters"},
    "pexpire-then-pttl": {2: "ms-to-s"},
    "ttl-set-ex": {2: "ms-to-s"},
    "ttl-setex-psetex": {3: "ms-to-s"},
}
