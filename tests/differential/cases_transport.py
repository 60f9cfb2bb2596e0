"""Differential cases for the transport (spec.transport): CLIENT REPLY ON/OFF/SKIP, CLIENT
PAUSE / UNPAUSE, MONITOR (lines masked by the ``monitor`` normaliser) and pipelined mixes.

``RAW_CASES`` run on one fresh connection with everything pipelined: silent replies cost no
quiet timeout there, and a short CLIENT PAUSE shows postponed commands replying in order once
it ends. ``CASES`` use several connections (MONITOR feeds, a write postponed while another
connection reads). Every case ends with no pause left on.
"""

from __future__ import annotations


def mb(*args: str | bytes) -> bytes:
    """One command as a RESP multibulk request."""
    out = b"*%d\r\n" % len(args)
    for a in args:
        b = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out


def pipe(*cmds: tuple[str | bytes, ...]) -> bytes:
    return b"".join(mb(*c) for c in cmds)


SET, GET = ("SET", "k", "v"), ("GET", "k")
OFF, ON, SKIP = ("CLIENT", "REPLY", "OFF"), ("CLIENT", "REPLY", "ON"), ("CLIENT", "REPLY", "SKIP")
BIG = "x" * 100_000

RAW_CASES: list[tuple[str, bytes | list[bytes]]] = [
    # -- CLIENT REPLY ------------------------------------------------------------------------
    ("reply off then on", pipe(OFF, SET, GET, ("INCR", "k"), ON, GET)),
    ("reply off only", pipe(("PING",), OFF, SET, GET, ("PING",))),
    ("reply skip one", pipe(SKIP, SET, GET, GET)),
    ("reply skip skip", pipe(SKIP, SKIP, GET, SET, GET)),
    ("reply skip then on", pipe(SKIP, ON, GET)),
    ("reply skip then off then on", pipe(SKIP, OFF, GET, ON, GET)),
    ("reply off then skip then on", pipe(OFF, SKIP, GET, ON, GET)),
    ("reply on when on", pipe(ON, ON, GET)),
    ("reply errors", pipe(("CLIENT", "REPLY", "maybe"), ("CLIENT", "REPLY"),
                          ("CLIENT", "REPLY", "on", "x"), ("client", "reply", "On"))),
    ("reply off hides errors", pipe(OFF, ("NOSUCH",), ("GET",), ("LPUSH", "k", "a"),
                                    SET, ("LPUSH", "k", "a"), ON, ("LPUSH", "k", "a"))),
    ("reply skip hides an error", pipe(SKIP, ("NOSUCH", "x"), ("NOSUCH", "y"))),
    ("reply skip multi", pipe(SKIP, ("MULTI",), ("PING",), ("EXEC",), GET)),
    ("reply skip in multi queued", pipe(("MULTI",), SKIP, SET, ("EXEC",), GET)),
    ("reply skip subscribe", pipe(SKIP, ("SUBSCRIBE", "a", "b"), ("PING",))),
    ("reply off subscribe unsubscribe", pipe(OFF, ("SUBSCRIBE", "a"), ("UNSUBSCRIBE",),
                                             ("PING",), ON)),
    ("reply off protocol error", pipe(("PING",), OFF, ("NOSUCH",)) + b"*\r\n"),
    ("reply off quit stays open", pipe(OFF, ("QUIT",), ("PING",))),
    ("reply skip quit stays open", pipe(SKIP, ("QUIT",), ("PING",))),
    ("reply reset turns on", pipe(OFF, SET, ("RESET",), GET)),
    ("reply skip reset", pipe(SKIP, ("RESET",), GET)),
    ("reply skip big value", pipe(("SET", "k", BIG), SKIP, GET, GET, ("STRLEN", "k"))),
    ("reply inline skip", b"CLIENT REPLY SKIP\r\nPING\r\nPING\r\n"),
    # -- CLIENT PAUSE ------------------------------------------------------------------------
    ("pause errors", pipe(("CLIENT", "PAUSE", "abc", "foo"), ("CLIENT", "PAUSE", "-1"),
                          ("CLIENT", "PAUSE", "abc"), ("CLIENT", "PAUSE", "10", "foo"),
                          ("CLIENT", "PAUSE", "10", "write", "x"), ("CLIENT", "PAUSE"),
                          ("CLIENT", "PAUSE", "1.5"), ("CLIENT", "PAUSE", "+1"),
                          ("CLIENT", "UNPAUSE", "x"), ("CLIENT", "UNPAUSE"))),
    ("pause write postpones writes", pipe(("CLIENT", "PAUSE", "20", "WRITE"), GET, SET,
                                          GET, ("PING",))),
    ("pause all postpones everything", pipe(("CLIENT", "PAUSE", "20", "ALL"), ("PING",),
                                            SET, GET)),
    ("pause default is all", pipe(("CLIENT", "PAUSE", "20"), ("PING",), GET)),
    ("pause write then unpause", pipe(("CLIENT", "PAUSE", "100000", "write"),
                                      ("CLIENT", "UNPAUSE"), SET, GET)),
    ("pause all unpause is postponed", pipe(("CLIENT", "PAUSE", "20", "all"),
                                            ("CLIENT", "UNPAUSE"), SET, GET)),
    ("pause write publish and pfcount", pipe(("CLIENT", "PAUSE", "20", "WRITE"),
                                             ("PUBLISH", "ch", "m"), ("PFCOUNT", "h"), GET)),
    ("pause write read only commands", pipe(("CLIENT", "PAUSE", "20", "WRITE"), GET,
                                            ("EXISTS", "k"), ("DBSIZE",), ("ECHO", "e"),
                                            ("SELECT", "1"), ("TYPE", "k"), SET)),
    ("pause write queued write in multi", pipe(("CLIENT", "PAUSE", "20", "WRITE"),
                                               ("MULTI",), GET, SET, ("EXEC",))),
    ("pause write read only exec", pipe(("MULTI",), GET, ("CLIENT", "PAUSE", "20", "WRITE"),
                                        ("EXEC",), SET)),
    ("pause inside exec", pipe(("MULTI",), ("CLIENT", "PAUSE", "20", "WRITE"), SET,
                               ("EXEC",), ("INCR", "n"), GET)),
    ("pause zero", pipe(("CLIENT", "PAUSE", "0", "WRITE"), SET, GET)),
    ("pause combine write then all", pipe(("CLIENT", "PAUSE", "20", "WRITE"),
                                          ("CLIENT", "PAUSE", "10", "ALL"), ("PING",))),
    ("pause hash write", pipe(("CLIENT", "PAUSE", "20", "WRITE"), ("HSET", "h", "a", "1"),
                              ("HGETALL", "h"))),
    ("pause with reply skip", pipe(("CLIENT", "PAUSE", "20", "WRITE"), SKIP, SET, GET)),
    # -- pipelined mixes ---------------------------------------------------------------------
    ("pipeline many", pipe(*[("INCR", "n") for _ in range(300)], ("GET", "n"))),
    ("pipeline big replies", pipe(("SET", "k", BIG), *[GET for _ in range(12)],
                                  ("STRLEN", "k"))),
    ("pipeline mixed types", pipe(("RPUSH", "l", "a", "b", "c"), ("LRANGE", "l", "0", "-1"),
                                  ("HSET", "h", "f", "v"), ("HGETALL", "h"), ("SADD", "s", "m"),
                                  ("SMEMBERS", "s"), ("ZADD", "z", "1", "a"),
                                  ("ZRANGE", "z", "0", "-1", "WITHSCORES"), ("DEL", "l", "h"),
                                  ("LPUSH", "s", "x"), ("ECHO", ""))),
    ("pipeline split chunks", [pipe(SET, ("APPEND", "k", "w")), b"*2\r\n$3\r\nGET",
                               b"\r\n$1\r\nk\r\n", pipe(SKIP, GET, GET)]),
]

MONITOR = ("MONITOR",)

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    ("monitor sees writes and reads", [
        ["@1", *MONITOR], ["@2", "SET", "k", "v"], ["@2", "GET", "k"], ["@2", "DEL", "k"],
        ["@2", "INCR", "n"]]),
    ("monitor quoting", [
        ["@1", *MONITOR], ["@2", "SET", "k", 'a"b\\c\n\r\t\x07\x08 x'],
        ["@2", "SET", b"\x00\xff\x7f", "\xe9"], ["@2", "ECHO", ""], ["@2", "SET", "k", "123"]]),
    ("monitor db after select", [
        ["@1", *MONITOR], ["@2", "SELECT", "3"], ["@2", "SET", "k", "v"],
        ["@2", "SWAPDB", "3", "4"], ["@2", "SELECT", "0"], ["@2", "GET", "k"]]),
    ("monitor skips rejected and admin", [
        ["@1", *MONITOR], ["@2", "NOSUCH", "x"], ["@2", "GET"], ["@2", "CONFIG", "GET", "hz"],
        ["@2", "CLIENT", "PAUSE", "0", "WRITE"], ["@2", "CLIENT", "NO-EVICT", "off"],
        ["@2", "INFO", "nosuchsection"], ["@2", "LPUSH", "k", "a"], ["@2", "GET", "k"]]),
    ("monitor redacts auth", [
        ["@1", *MONITOR], ["@2", "AUTH", "secret"], ["@2", "AUTH", "user", "secret"],
        ["@2", "PING"]]),
    ("monitor multi exec", [
        ["@1", *MONITOR], ["@2", "MULTI"], ["@2", "SET", "k", "1"], ["@2", "INCR", "k"],
        ["@2", "EXEC"], ["@2", "MULTI"], ["@2", "GET", "k"], ["@2", "DISCARD"]]),
    ("monitor own commands", [
        ["@1", *MONITOR], ["@1", "PING"], ["@1", "ECHO", "x"], ["@1", "GET", "k"],
        ["@1", "SET", "k", "v"], ["@1", "PUBLISH", "ch", "m"], ["@2", "SET", "k", "v"],
        ["@1", "PING", "again"]]),
    ("monitor reset leaves", [
        ["@1", *MONITOR], ["@2", "SET", "k", "1"], ["@1", "RESET"], ["@2", "SET", "k", "2"],
        ["@1", "GET", "k"]]),
    ("monitor two monitors", [
        ["@1", *MONITOR], ["@2", *MONITOR], ["@3", "SET", "k", "1"], ["@3", "GET", "k"],
        ["@2", "PING"]]),
    ("monitor reply skip", [
        ["@1", *MONITOR], ["@1", "CLIENT", "REPLY", "SKIP"], ["@2", "SET", "k", "1"],
        ["@1", "CLIENT", "REPLY", "ON"], ["@2", "SET", "k", "2"]]),
    ("monitor in multi", [
        ["@1", "MULTI"], ["@1", *MONITOR], ["@1", "EXEC"], ["@2", "SET", "k", "1"],
        ["@1", "PING"]]),
    ("monitor pubsub", [
        ["@1", *MONITOR], ["@3", "SUBSCRIBE", "ch"], ["@2", "PUBLISH", "ch", "hello"],
        ["@3", "PING"]]),
    ("monitor client list flags", [
        ["@1", *MONITOR], ["@2", "CLIENT", "LIST"], ["@2", "CLIENT", "INFO"]]),
    ("pause write other connection reads", [
        ["@1", "SET", "k", "old"], ["@1", "CLIENT", "PAUSE", "300", "WRITE"],
        ["@2", "GET", "k"], ["@2", "SET", "k", "new"], ["@2", "GET", "k"], ["@1", "GET", "k"]]),
    ("pause write unpause releases", [
        # (the SET is postponed: marked quiet, its reply is read with the UNPAUSE's frames)
        ["@3", "CLIENT", "PAUSE", "100000", "WRITE"], ["@2~", "SET", "k", "1"],
        ["@1", "GET", "k"], ["@1", "CLIENT", "UNPAUSE"],
        # a round trip on another connection between UNPAUSE and GET, so that they never
        # arrive in one read (then GET would run before the postponed SET resumes, on Redis too)
        ["@3", "PING"], ["@1", "GET", "k"]]),
    ("pause monitor is not paused", [
        ["@1", *MONITOR], ["@2", "CLIENT", "PAUSE", "200", "ALL"], ["@1", "PING"],
        ["@2", "SET", "k", "v"]]),
]

_MON = "monitor"
NONDETERMINISTIC: dict[str, object] = {
    **{name: _MON for name, steps in CASES if any("MONITOR" in s for s in steps)},
    "monitor client list flags": {0: _MON, 1: ["client-list", _MON], 2: ["client-list", _MON]},
}


def _end_monitors(cases: list[tuple[str, list[list[bytes | str]]]]) -> None:
    """Every connection that ran MONITOR leaves monitor mode (RESET) at the end of its case,
    so the harness's closing PINGs are not fed to it (they are compared unnormalised)."""
    for _, steps in cases:
        mons = [s[0] for s in steps if s[1:] == ["MONITOR"]]
        if mons and not any(s[0] == "@1" and s[1:] == ["MULTI"] for s in steps):
            steps.extend([m, "RESET"] for m in mons)


_end_monitors(CASES)

#: Cases left out of the exported conformance vectors (``redspec vectors``): CLIENT PAUSE ends
#: with wall-clock time, which the in-process spec replay does not let pass, and MONITOR lines
#: arrive interleaved with replies in an order the step-by-step vector runner cannot attribute.
NOT_VECTORS: dict[str, str] = {
    name: "depends on time passing (CLIENT PAUSE) or on MONITOR line timing"
    for name in (
        "monitor skips rejected and admin", "pause write other connection reads",
        "pause monitor is not paused", "pause write postpones writes",
        "pause all postpones everything", "pause default is all",
        "pause all unpause is postponed", "pause write publish and pfcount",
        "pause write read only commands", "pause write queued write in multi",
        "pause write read only exec", "pause inside exec", "pause zero",
        "pause combine write then all", "pause hash write", "pause with reply skip",
    )
}


# -- CLIENT PAUSE keeps the dataset as it is; postponed clients count as blocked ---------------
# (spec.transport.clients_paused: expireIfNeeded / activeExpireCycle / performEvictions).
# The expired key is made inside the EXEC that starts the pause, so that no expire cycle can
# run in between; INFO is compared only on its deterministic counters (normaliser
# "info-counters"; CONFIG RESETSTAT first).

_PAUSE_CASES: list[tuple[str, list[list[bytes | str]]]] = [
    ("pause write expired key is kept", [
        ["@1", "CONFIG", "RESETSTAT"], ["@1", "MULTI"], ["@1", "SET", "k", "v", "PXAT", "1"],
        ["@1", "SET", "k2", "v2"], ["@1", "CLIENT", "PAUSE", "100000", "WRITE"], ["@1", "EXEC"],
        ["@2", "GET", "k"], ["@2", "EXISTS", "k", "k2"], ["@2", "TTL", "k"], ["@2", "PTTL", "k"],
        ["@2", "TYPE", "k"], ["@2", "DBSIZE"], ["@2", "KEYS", "*"], ["@2", "SCAN", "0"],
        ["@2", "RANDOMKEY"], ["@2", "INFO", "keyspace"], ["@2", "INFO", "stats"],
        ["@1", "CLIENT", "UNPAUSE"], ["@2", "GET", "k"], ["@2", "DBSIZE"],
        ["@2", "INFO", "stats"]]),
    ("pause write no eviction", [
        ["@1", "CONFIG", "RESETSTAT"], ["@1", "SET", "a", "1"], ["@1", "SET", "b", "2"],
        ["@1", "SET", "c", "3"], ["@1", "CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
        ["@1", "CLIENT", "PAUSE", "100000", "WRITE"], ["@2", "CONFIG", "SET", "maxmemory", "1"],
        ["@2", "DBSIZE"], ["@2", "GET", "a"], ["@2", "INFO", "stats"],
        ["@1", "CLIENT", "UNPAUSE"], ["@2", "DBSIZE"], ["@2", "INFO", "stats"],
        ["@2", "CONFIG", "SET", "maxmemory", "0"]]),
    ("pause write postponed client is blocked", [
        ["@4~", "BLPOP", "l", "0"], ["@1", "CLIENT", "PAUSE", "100000", "WRITE"],
        ["@2~", "SET", "z", "1"], ["@3", "INFO", "clients"], ["@3", "CLIENT", "LIST"],
        ["@1", "CLIENT", "UNPAUSE"], ["@3", "PING"], ["@3", "INFO", "clients"],
        ["@1", "LPUSH", "l", "x"], ["@3", "INFO", "clients"], ["@2", "GET", "z"]]),
]
CASES.extend(_PAUSE_CASES)
NONDETERMINISTIC.update({
    "pause write expired key is kept": {15: "info-keyspace", 16: "info-counters",
                                        20: "info-counters"},
    "pause write no eviction": {9: "info-counters", 12: "info-counters"},
    "pause write postponed client is blocked": {3: "info-counters", 4: "client-list",
                                                7: "info-counters", 9: "info-counters"},
})
NOT_VECTORS.update({name: "CLIENT PAUSE across connections" for name, _ in _PAUSE_CASES})


# -- a MONITOR running commands itself, MULTI/EXEC included (spec.transport.own_monitor_line,
# spec.dispatch.exec_pieces): each inner command's own line is added right after
# its reply, inside EXEC's reply, and kept or dropped by CLIENT REPLY at that moment.
# Normaliser ``monitor-all`` masks every MONITOR line of a frame (also inside EXEC's array).

_MONITOR_LINE_ANY = __import__("re").compile(rb"(^|\r\n)\+\d+\.\d{6} \[(\d+) [^\]]*?\] ")


def _monitor_all(frame: bytes) -> bytes:
    """Every MONITOR line in ``frame`` with the timestamp and the address masked."""
    return _MONITOR_LINE_ANY.sub(lambda m: m.group(1) + b"+<time> [" + m.group(2) + b" <addr>] ",
                                 frame)


def _register_monitor_all() -> None:
    from tests.differential.normalise import NORMALISERS

    NORMALISERS.setdefault("monitor-all", _monitor_all)


_register_monitor_all()

_MON_EXEC_CASES: list[tuple[str, list[list[bytes | str]]]] = [
    ("monitor runs exec itself", [
        ["@1", "MONITOR"], ["@1", "MULTI"], ["@1", "PING"], ["@1", "ECHO", "x"], ["@1", "EXEC"],
        ["@1", "PING"], ["@1", "RESET"]]),
    ("monitor runs exec another monitor watches", [
        ["@1", "MONITOR"], ["@2", "MONITOR"], ["@1", "MULTI"], ["@1", "PING"],
        ["@1", "ECHO", "x"], ["@1", "EXEC"], ["@2", "PING"], ["@1", "RESET"], ["@2", "RESET"]]),
    ("monitor runs exec with reply off inside", [
        ["@1", "MONITOR"], ["@1", "MULTI"], ["@1", "PING"], ["@1", "CLIENT", "REPLY", "OFF"],
        ["@1", "ECHO", "x"], ["@1", "CLIENT", "REPLY", "ON"], ["@1", "ECHO", "z"],
        ["@1", "EXEC"], ["@1", "RESET"]]),
    ("monitor runs exec refused inside", [
        ["@1", "MONITOR"], ["@1", "MULTI"], ["@1", "GET", "a"], ["@1", "EXEC"], ["@1", "PING"],
        ["@1", "RESET"]]),
    ("monitor runs exec select inside", [
        ["@1", "MONITOR"], ["@1", "MULTI"], ["@1", "SELECT", "2"], ["@1", "PING"],
        ["@1", "EXEC"], ["@1", "PING"], ["@1", "RESET"]]),
    ("monitor runs commands pipelined", [
        ["@1", "MONITOR"], ["@1", "PING"], ["@1", "ECHO", "y"], ["@1", "CLIENT", "SETNAME", "n"],
        ["@1", "CLIENT", "REPLY", "SKIP"], ["@1", "PING", "skipped"], ["@1", "PING", "heard"],
        ["@1", "RESET"]]),
    ("monitor sees other exec select and watch", [
        ["@1", "MONITOR"], ["@2", "MULTI"], ["@2", "SELECT", "2"], ["@2", "SET", "a", "1"],
        ["@2", "GET", "a"], ["@2", "EXEC"], ["@2", "WATCH", "a"], ["@3", "SET", "a", "2"],
        ["@2", "MULTI"], ["@2", "GET", "a"], ["@2", "EXEC"], ["@1", "RESET"]]),
]
# A monitor's commands give more frames than steps, so with frames counted the tail of a
# pipelined run can be read late, by the closing PINGs, which are compared unnormalised. A last
# step on a fresh connection (after every monitor's RESET) gives each of these cases a second
# connection, so the harness synchronises after every run (tests/differential/README.md) and
# the tail is read, and normalised, with its run.
for _name, _steps in _MON_EXEC_CASES:
    _last = max(int(str(st[0])[1:]) for st in _steps) + 1
    _steps.append([f"@{_last}", "PING"])
CASES.extend(_MON_EXEC_CASES)
NONDETERMINISTIC.update({name: "monitor-all" for name, _ in _MON_EXEC_CASES})
NOT_VECTORS.update({name: "MONITOR lines inside and after replies" for name, _ in _MON_EXEC_CASES})
