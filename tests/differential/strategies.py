"""Hypothesis strategies for differential command sequences.

Small on purpose: three keys, a handful of values that hit the interesting encodings
(integers, floats, empty, binary, long), and the string/keyspace commands below. Only the
commands the system under test serves are drawn (see :func:`served`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from hypothesis import strategies as st

from tests.differential.harness import Target

KEYS = [b"k1", b"k2", b"{k}3"]
VALUES = [
    b"",
    b"0",
    b"1",
    b"-1",
    b"10",
    b"007",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"1.5",
    b"-0.0",
    b"1e3",
    b"abc",
    b"hello world",
    b"\x00\xff\r\n",
    b" 1",
    b"x" * 45,
]
INTS = [b"0", b"1", b"-1", b"2", b"5", b"-3", b"100", b"9223372036854775807", b"x", b"1.0", b""]
OFFSETS = [b"0", b"1", b"3", b"-1", b"-2", b"10", b"-100", b"x"]
DBS = [b"0", b"1", b"2", b"15", b"16", b"-1", b"x"]

key = st.sampled_from(KEYS)
value = st.sampled_from(VALUES)
integer = st.sampled_from(INTS)
offset = st.sampled_from(OFFSETS)

Argv = list[bytes]


def _cmd(name: bytes, *parts: st.SearchStrategy[bytes]) -> st.SearchStrategy[Argv]:
    return st.tuples(*parts).map(lambda t: [name, *t])


def _keys(name: bytes, lo: int = 1, hi: int = 4) -> st.SearchStrategy[Argv]:
    return st.lists(key, min_size=lo, max_size=hi).map(lambda ks: [name, *ks])


def _mset(name: bytes) -> st.SearchStrategy[Argv]:
    return st.lists(st.tuples(key, value), min_size=1, max_size=3).map(
        lambda kvs: [name, *[x for kv in kvs for x in kv]]
    )


#: command name (lowercase) -> strategy for its argv
COMMANDS: dict[str, st.SearchStrategy[Argv]] = {
    "set": _cmd(b"SET", key, value),
    "get": _cmd(b"GET", key),
    "del": _keys(b"DEL"),
    "exists": _keys(b"EXISTS"),
    "append": _cmd(b"APPEND", key, value),
    "incr": _cmd(b"INCR", key),
    "incrby": _cmd(b"INCRBY", key, integer),
    "decr": _cmd(b"DECR", key),
    "mget": _keys(b"MGET"),
    "mset": _mset(b"MSET"),
    "getrange": _cmd(b"GETRANGE", key, offset, offset),
    "setrange": _cmd(b"SETRANGE", key, st.sampled_from([b"0", b"1", b"5", b"-1", b"x"]), value),
    "strlen": _cmd(b"STRLEN", key),
    "getdel": _cmd(b"GETDEL", key),
    "getset": _cmd(b"GETSET", key, value),
    "setnx": _cmd(b"SETNX", key, value),
    "type": _cmd(b"TYPE", key),
    "rename": _cmd(b"RENAME", key, key),
    "dbsize": st.just([b"DBSIZE"]),
    "select": _cmd(b"SELECT", st.sampled_from(DBS)),
}


def served(target: Target, names: Iterable[str] = COMMANDS) -> list[str]:
    """The commands ``target`` serves: COMMAND INFO name is not null.

    Where COMMAND itself is not served yet, a command counts as served when calling it bare
    does not answer "unknown command" (bare calls of these commands change nothing).
    """
    out = []
    for n in names:
        r = target.setup_call("COMMAND", "INFO", n)
        if r.startswith(b"-"):
            r2 = target.setup_call(n.upper())
            if b"unknown command" not in r2:
                out.append(n)
        elif r not in (b"*1\r\n*-1\r\n", b"*1\r\n_\r\n"):
            out.append(n)
    return out


def sequences(
    names: list[str], max_steps: int = 12, clients: int = 3
) -> st.SearchStrategy[list[list[bytes]]]:
    """Command sequences over ``names``; each step is ``["@N", *argv]`` for N in 1..clients."""
    cmd = st.one_of([COMMANDS[n] for n in names])
    step = st.tuples(st.integers(1, clients), cmd).map(
        lambda t: [b"@%d" % t[0], *t[1]]
    )
    return st.lists(step, min_size=1, max_size=max_steps)


def chunker_from(cuts: list[int]) -> Callable[[bytes], list[bytes]]:
    """A split-mode chunker that cuts the data at the given relative positions (0..1000)."""

    def chunk(data: bytes) -> list[bytes]:
        pts = sorted({c * len(data) // 1000 for c in cuts} - {0, len(data)})
        out, prev = [], 0
        for p in pts:
            out.append(data[prev:p])
            prev = p
        out.append(data[prev:])
        return [c for c in out if c]

    return chunk
