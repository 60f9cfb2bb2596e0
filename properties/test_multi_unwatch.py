"""UNWATCH outside MULTI (mechanism 12), added for the mutation score (issue #6).

Mutants of UNWATCH's handler (``unwatchCommand``) survived the transactions machine: its
reply outside MULTI was not checked, and a dirty (``CLIENT_DIRTY_CAS``) client rarely sent
UNWATCH before its next EXEC. Property ``unwatch_forgets_dirty``: after WATCH of some keys,
writes by another client to any of them, and UNWATCH (which replies +OK), the next
MULTI ... EXEC runs its queue (the watches and the dirty flag are gone); without UNWATCH it
aborts exactly when a watched key was touched. The planted-bug test keeps the dirty flag.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.spec.server import client_connect, new_server, run_command

MECHANISM = "transactions"

_keys = st.lists(st.sampled_from([b"a", b"b", b"c"]), min_size=1, max_size=3, unique=True)


def check_unwatch(watched: list[bytes], touched: list[bytes], unwatch: bool) -> None:
    """``unwatch_forgets_dirty`` for one case."""
    state = new_server(0)
    state, c1 = client_connect(state, 0)
    state, c2 = client_connect(state, 0)

    def call(cid: int, *argv: bytes) -> bytes:
        nonlocal state
        state, frame = run_command(state, cid, list(argv), 0)
        return frame

    assert call(c1, b"WATCH", *watched) == b"+OK\r\n"
    for k in touched:
        call(c2, b"SET", k, b"v")
    if unwatch:
        assert call(c1, b"UNWATCH") == b"+OK\r\n", "unwatch_forgets_dirty: UNWATCH reply"
    call(c1, b"MULTI")
    call(c1, b"INCR", b"n")
    out = call(c1, b"EXEC")
    aborted = not unwatch and bool(set(watched) & set(touched))
    assert out == (b"*-1\r\n" if aborted else b"*1\r\n:1\r\n"), \
        f"unwatch_forgets_dirty: EXEC {out!r}"


@settings(max_examples=40, deadline=None)
@given(watched=_keys, touched=_keys, unwatch=st.booleans())
def test_unwatch_forgets_dirty(watched: list[bytes], touched: list[bytes], unwatch: bool) -> None:
    check_unwatch(watched, touched, unwatch)


def test_planted_unwatch_keeps_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.multi import unwatch_all
    from redspec.spec.reply import OK

    def bad(s: Any, argv: list[bytes]) -> Any:  # forgets the keys, keeps CLIENT_DIRTY_CAS
        c = unwatch_all(s, s.client)
        if c is not s.client:
            s.client = c
            s._client_changed = True
        return OK
    replace_handler(monkeypatch, b"unwatch", bad)
    with pytest.raises(AssertionError, match="unwatch_forgets_dirty"):
        check_unwatch([b"a"], [b"a"], True)
