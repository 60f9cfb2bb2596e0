"""Hypothesis strategies for differential command sequences.

The pools and per-command strategies live in the product
(``redspec.reference.diff.generate``); this test draws the plain string/keyspace commands in
``BASIC`` (SET without options). Only the commands the system under test serves are drawn (see
:func:`served`).
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import strategies as st

from redspec.reference.diff.generate import COMMANDS as ALL_COMMANDS
from redspec.reference.diff.generate import KEYS, VALUES, chunker_from  # noqa: F401
from redspec.reference.diff.generate import sequences as _sequences
from tests.differential.harness import Target

#: The commands the generated-sequence test draws (a subset of the product's pools).
BASIC = [
    "set", "get", "del", "exists", "append", "incr", "incrby", "decr", "mget", "mset",
    "getrange", "setrange", "strlen", "getdel", "getset", "setnx", "type", "rename",
    "dbsize", "select",
]
#: command name (lowercase) -> strategy for its argv
COMMANDS: dict[str, st.SearchStrategy[list[bytes]]] = {n: ALL_COMMANDS[n] for n in BASIC}
COMMANDS["set"] = st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)).map(
    lambda t: [b"SET", t[0], t[1]]
)


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
    return _sequences(names, max_steps, clients, COMMANDS).map(
        lambda steps: [[b"@%d" % n, *argv] for n, argv in steps]
    )
