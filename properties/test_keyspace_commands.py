"""Keyspace command properties added for the mutation score (issue #6).

Mutants of ``spec/commands/strings.py``, ``spec/commands/keys.py`` and ``spec/step.py`` that
survived the state machines showed three unchecked behaviours; each property below kills its
mutant (a killed mutant is a planted bug the property catches), and a planted-bug test per
property shows it failing on purpose:

- ``lcs_agrees_with_model``: LCS (``lcsCommand``) returns a common subsequence of both strings
  whose length is the dynamic-programming model's; LCS LEN returns that length and LCS IDX
  reports it as ``len``.
- ``copy_agrees_with_model``: COPY src dst [DB n] [REPLACE] with the options in any order
  (``copyCommand``) against a two-database model: the reply, both databases afterwards.
- ``swapdb_seen_in_transaction``: a command queued after SWAPDB in the same MULTI reads the
  swapped contents (``dbSwapDatabases`` swaps what ``c->db`` points at, not the pointer).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redspec.properties.driver import Session
from redspec.spec import step as spec_step

MECHANISM = "keyspace"


def _bulk(frame: bytes) -> bytes | None:
    if frame.startswith(b"$-1"):
        return None
    head, _, rest = frame.partition(b"\r\n")
    assert head.startswith(b"$"), frame
    return rest[: int(head[1:])]


def _lcs_len(a: bytes, b: bytes) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _is_subseq(s: bytes, t: bytes) -> bool:
    it = iter(t)
    return all(c in it for c in s)


_word = st.binary(min_size=0, max_size=12).map(lambda x: bytes(b"abc"[c % 3] for c in x))


def check_lcs(a: bytes, b: bytes) -> None:
    """``lcs_agrees_with_model`` for one pair."""
    c = Session()
    c("MSET", "a", a, "b", b)
    n = _lcs_len(a, b)
    got = _bulk(c("LCS", "a", "b"))
    assert got is not None and len(got) == n, f"lcs_agrees_with_model: {got!r} length != {n}"
    assert _is_subseq(got, a) and _is_subseq(got, b), "lcs_agrees_with_model: not common"
    assert c("LCS", "a", "b", "LEN") == b":%d\r\n" % n, "lcs_agrees_with_model: LEN"
    assert c("LCS", "a", "b", "IDX").endswith(b"$3\r\nlen\r\n:%d\r\n" % n), \
        "lcs_agrees_with_model: IDX len"


@settings(max_examples=100, deadline=None)
@given(a=_word, b=_word)
def test_lcs_agrees_with_model(a: bytes, b: bytes) -> None:
    check_lcs(a, b)


_copy_case = st.tuples(
    st.booleans(), st.booleans(), st.booleans(),  # source exists, dst exists in target db, REPLACE
    st.sampled_from([None, 0, 1]),  # DB option
    st.booleans(),  # REPLACE before DB
)


def check_copy(src: bool, dst: bool, replace: bool, dbopt: int | None, first: bool) -> None:
    """``copy_agrees_with_model`` for one case."""
    c = Session()
    target = 0 if dbopt is None else dbopt
    if dst:
        c("SELECT", str(target))
        c("SET", "d", "old")
        c("SELECT", "0")
    if src:
        c("SET", "s", "new")
    opts: list[bytes | str] = []
    dbargs: list[bytes | str] = [] if dbopt is None else ["DB", str(dbopt)]
    rep: list[bytes | str] = ["REPLACE"] if replace else []
    opts = rep + dbargs if first else dbargs + rep
    reply = c("COPY", "s", "d", *opts)
    copied = src and (not dst or replace)
    assert reply == (b":1\r\n" if copied else b":0\r\n"), f"copy_agrees_with_model: {reply!r}"
    expect_d = b"new" if copied else (b"old" if dst else None)
    c("SELECT", str(target))
    assert _bulk(c("GET", "d")) == expect_d, "copy_agrees_with_model: destination"
    c("SELECT", "0")
    assert _bulk(c("GET", "s")) == (b"new" if src else None), "copy_agrees_with_model: source"


@settings(max_examples=60, deadline=None)
@given(case=_copy_case)
def test_copy_agrees_with_model(case: tuple[bool, bool, bool, int | None, bool]) -> None:
    check_copy(*case)


def check_swapdb_in_multi(v0: bytes, v1: bytes, here: int) -> None:
    """``swapdb_seen_in_transaction`` for one pair of values."""
    c = Session()
    c("SET", "k", v0)
    c("SELECT", "1")
    c("SET", "k", v1)
    c("SELECT", str(here))
    c("MULTI")
    c("SWAPDB", "0", "1")
    c("GET", "k")
    out = c("EXEC")
    want = v1 if here == 0 else v0
    assert out == b"*2\r\n+OK\r\n$%d\r\n%s\r\n" % (len(want), want), \
        f"swapdb_seen_in_transaction: {out!r}"


@settings(max_examples=20, deadline=None)
@given(v0=st.sampled_from([b"a", b"zero"]), v1=st.sampled_from([b"b", b"one"]),
       here=st.sampled_from([0, 1]))
def test_swapdb_seen_in_transaction(v0: bytes, v1: bytes, here: int) -> None:
    check_swapdb_in_multi(v0, v1, here)


# -- planted bugs --------------------------------------------------------------------------


def test_planted_lcs_len_returns_string(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec import dispatch
    orig = dispatch.TABLE[b"lcs"].handler

    def bad(s: Any, argv: list[bytes]) -> Any:  # LEN ignored: the string comes back
        return orig(s, [a for a in argv if a.lower() != b"len"])
    replace_handler(monkeypatch, b"lcs", bad)
    with pytest.raises(AssertionError, match="lcs_agrees_with_model"):
        check_lcs(b"abc", b"ab")


def test_planted_copy_skips_option(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec import dispatch
    orig = dispatch.TABLE[b"copy"].handler

    def bad(s: Any, argv: list[bytes]) -> Any:  # the option after DB n is skipped
        low = [a.lower() for a in argv]
        out = list(argv)
        if b"db" in low[3:]:
            i = low.index(b"db", 3)
            del out[i + 2 : i + 3]
        return orig(s, out)
    replace_handler(monkeypatch, b"copy", bad)
    with pytest.raises(AssertionError, match="copy_agrees_with_model"):
        check_copy(True, True, True, 1, False)


def test_planted_swapdb_keeps_stale_view(monkeypatch: pytest.MonkeyPatch) -> None:
    orig = spec_step.Step.swap_dbs

    def bad(self: Any, a: int, b: int) -> None:  # the current view is not refreshed
        before = self.db
        orig(self, a, b)
        self.db = before
    monkeypatch.setattr(spec_step.Step, "swap_dbs", bad)
    with pytest.raises(AssertionError, match="swapdb_seen_in_transaction"):
        check_swapdb_in_multi(b"a", b"b", 0)
