"""The list commands as a state machine: the spec against a plain Python-list model.

Hypothesis drives one client of a spec server over three keys and four short members with
every non-blocking list command (pushes, pops with and without COUNT, LINSERT, LREM, LSET,
LTRIM, LMOVE, RPOPLPUSH, LMPOP, and the reads LRANGE, LINDEX, LLEN, LPOS), plus SET to put a
value of another type in the way. The model is ``key -> list[bytes]`` for lists and
``key -> bytes`` for strings; it is written from the command documentation, not from the spec.

Invariants (each has a planted-bug test below showing it can fail):

- ``matches_model``: every reply, and every stored value, agrees with the model.
- ``no_empty_aggregate``: no key holds an empty list (Redis deletes a list that empties).
- ``encoding_preserves_value``: every stored list reports the encoding Redis 7.0 uses
  ("quicklist", the only one: no conversion ever happens) and reads back as the model's list
  whatever its physical layout (head/tail offsets).
- ``positions_contiguous``: a ListValue's map holds exactly the positions ``head..tail-1``
  (the representation invariant every O(log n) operation relies on).
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.driver import WRONGTYPE, OneClient
from redspec.properties.planted import machine_test, planted_settings, tripper
from redspec.spec import values
from redspec.spec.commands import lists
from redspec.spec.reply import NULL_ARRAY, OK, Err
from redspec.spec.types.list import ListValue

MECHANISM = "types"

KEYS = [b"k0", b"k1", b"k2"]
MEMBERS = [b"a", b"b", b"", b"1"]
NOW = 1_000_000

keys_ = st.sampled_from(KEYS)
members_ = st.sampled_from(MEMBERS)
ends_ = st.sampled_from([b"LEFT", b"RIGHT"])


class ListsMachine(OneClient, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.connect(NOW, databases=1)
        self.model: dict[bytes, Any] = {}

    # -- helpers ------------------------------------------------------------------------------

    def get(self, key: bytes) -> list[bytes] | None | Err:
        """The model's list at ``key`` (None if missing, WRONGTYPE if a string)."""
        v = self.model.get(key)
        if v is None or isinstance(v, list):
            return v
        return WRONGTYPE

    def put(self, key: bytes, elems: list[bytes]) -> None:
        if elems:
            self.model[key] = elems
        else:
            self.model.pop(key, None)

    def on_list(self, key: bytes, missing: Any, present: Any) -> Any:
        """The model's reply to a command on the list at ``key``: WRONGTYPE for a string,
        ``missing`` for no key, else ``present(elements)`` (which may update the model)."""
        cur = self.get(key)
        if isinstance(cur, Err):
            return cur
        return missing if cur is None else present(cur)

    # -- writes -------------------------------------------------------------------------------

    @rule(key=keys_, elems=st.lists(members_, min_size=1, max_size=3),
          left=st.booleans(), xx=st.booleans())
    def push(self, key: bytes, elems: list[bytes], left: bool, xx: bool) -> None:
        name = (b"L" if left else b"R") + b"PUSH" + (b"X" if xx else b"")
        cur = self.get(key)
        want: Any
        if isinstance(cur, Err):
            want = cur
        elif cur is None and xx:
            want = 0
        else:
            new = list(cur or [])
            for e in elems:
                if left:
                    new.insert(0, e)
                else:
                    new.append(e)
            self.put(key, new)
            want = len(new)
        self.expect_reply((name, key, *elems), want)

    @rule(key=keys_, left=st.booleans(), count=st.none() | st.integers(0, 4))
    def pop(self, key: bytes, left: bool, count: int | None) -> None:
        name = b"LPOP" if left else b"RPOP"
        argv = (name, key) if count is None else (name, key, b"%d" % count)

        def take(cur: list[bytes]) -> Any:
            if count == 0:
                return []
            k = 1 if count is None else min(count, len(cur))
            taken = cur[:k] if left else cur[::-1][:k]
            self.put(key, cur[k:] if left else cur[: len(cur) - k])
            return taken[0] if count is None else taken

        self.expect_reply(argv, self.on_list(key, None if count is None else NULL_ARRAY, take))

    @rule(key=keys_, after=st.booleans(), pivot=members_, elem=members_)
    def linsert(self, key: bytes, after: bool, pivot: bytes, elem: bytes) -> None:
        def insert(cur: list[bytes]) -> int:
            if pivot not in cur:
                return -1
            new = list(cur)
            new.insert(cur.index(pivot) + (1 if after else 0), elem)
            self.put(key, new)
            return len(new)

        self.expect_reply((b"LINSERT", key, b"AFTER" if after else b"BEFORE", pivot, elem),
                          self.on_list(key, 0, insert))

    @rule(key=keys_, count=st.integers(-3, 3), elem=members_)
    def lrem(self, key: bytes, count: int, elem: bytes) -> None:
        def remove(cur: list[bytes]) -> int:
            seq = list(cur) if count >= 0 else cur[::-1]
            limit = abs(count) or len(seq)
            out, removed = [], 0
            for e in seq:
                if e == elem and removed < limit:
                    removed += 1
                else:
                    out.append(e)
            self.put(key, out if count >= 0 else out[::-1])
            return removed

        self.expect_reply((b"LREM", key, b"%d" % count, elem), self.on_list(key, 0, remove))

    @rule(key=keys_, index=st.integers(-4, 4), elem=members_)
    def lset(self, key: bytes, index: int, elem: bytes) -> None:
        def set_(cur: list[bytes]) -> Any:
            if not -len(cur) <= index < len(cur):
                return Err("ERR index out of range")
            new = list(cur)
            new[index] = elem
            self.put(key, new)
            return OK

        self.expect_reply((b"LSET", key, b"%d" % index, elem),
                          self.on_list(key, Err("ERR no such key"), set_))

    @rule(key=keys_, start=st.integers(-4, 4), stop=st.integers(-4, 4))
    def ltrim(self, key: bytes, start: int, stop: int) -> None:
        cur = self.get(key)
        want: Any = OK
        if isinstance(cur, Err):
            want = cur
        elif cur is not None:
            self.put(key, _py_range(cur, start, stop))
        self.expect_reply((b"LTRIM", key, b"%d" % start, b"%d" % stop), want)

    @rule(src=keys_, dst=keys_, wfrom=ends_, wto=ends_, rpoplpush=st.booleans())
    def lmove(self, src: bytes, dst: bytes, wfrom: bytes, wto: bytes, rpoplpush: bool) -> None:
        if rpoplpush:
            wfrom, wto = b"RIGHT", b"LEFT"
            argv: tuple[bytes, ...] = (b"RPOPLPUSH", src, dst)
        else:
            argv = (b"LMOVE", src, dst, wfrom, wto)
        s, d = self.get(src), self.get(dst)
        want: Any
        if isinstance(s, Err) or s is None:
            want = s
        elif isinstance(d, Err):
            want = d
        else:
            s = list(s)
            want = s.pop(0) if wfrom == b"LEFT" else s.pop()
            self.put(src, s)
            d2 = list(self.get(dst) or [])  # type: ignore[arg-type]
            if wto == b"LEFT":
                d2.insert(0, want)
            else:
                d2.append(want)
            self.put(dst, d2)
        self.expect_reply(argv, want)

    @rule(keys=st.lists(keys_, min_size=1, max_size=3), end=ends_,
          count=st.none() | st.integers(1, 4))
    def lmpop(self, keys: list[bytes], end: bytes, count: int | None) -> None:
        argv = (b"LMPOP", b"%d" % len(keys), *keys, end)
        if count is not None:
            argv += (b"COUNT", b"%d" % count)
        want: Any = NULL_ARRAY
        for k in keys:
            cur = self.get(k)
            if cur is None:
                continue
            if isinstance(cur, Err):
                want = cur
                break
            n = min(count or 1, len(cur))
            taken = cur[:n] if end == b"LEFT" else cur[::-1][:n]
            self.put(k, cur[n:] if end == b"LEFT" else cur[: len(cur) - n])
            want = [k, taken]
            break
        self.expect_reply(argv, want)

    @rule(key=keys_, value=members_)
    def set_string(self, key: bytes, value: bytes) -> None:
        self.model[key] = value
        self.expect_reply((b"SET", key, value), OK)

    # -- reads --------------------------------------------------------------------------------

    @rule(key=keys_, start=st.integers(-4, 4), stop=st.integers(-4, 4))
    def lrange(self, key: bytes, start: int, stop: int) -> None:
        cur = self.get(key)
        want = cur if isinstance(cur, Err) else _py_range(cur or [], start, stop)
        self.expect_reply((b"LRANGE", key, b"%d" % start, b"%d" % stop), want)

    @rule(key=keys_, index=st.integers(-4, 4))
    def lindex(self, key: bytes, index: int) -> None:
        cur = self.get(key)
        want: Any = cur
        if isinstance(cur, list):
            want = cur[index] if -len(cur) <= index < len(cur) else None
        self.expect_reply((b"LINDEX", key, b"%d" % index), want)

    @rule(key=keys_)
    def llen(self, key: bytes) -> None:
        cur = self.get(key)
        self.expect_reply((b"LLEN", key), cur if isinstance(cur, Err) else len(cur or []))

    @rule(key=keys_, elem=members_, rank=st.sampled_from([1, 2, -1, -2]),
          count=st.none() | st.integers(0, 2), maxlen=st.integers(0, 3))
    def lpos(self, key: bytes, elem: bytes, rank: int, count: int | None, maxlen: int) -> None:
        argv = (b"LPOS", key, elem, b"RANK", b"%d" % rank, b"MAXLEN", b"%d" % maxlen)
        if count is not None:
            argv += (b"COUNT", b"%d" % count)

        def find(cur: list[bytes]) -> Any:
            hits = lpos_model(cur, elem, rank, 1 if count is None else count, maxlen)
            return (hits[0] if hits else None) if count is None else hits

        self.expect_reply(argv, self.on_list(key, None if count is None else [], find))

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def check_state(self) -> None:
        d = self.state.dbs[0]
        stored = dict(d.keys.items())
        for k, v in stored.items():
            if type(v) is not ListValue:
                continue
            assert len(v) > 0, f"no_empty_aggregate: {k!r} holds an empty list"
            enc = values.encoding_of(v)
            assert enc == "quicklist", f"encoding_preserves_value: {k!r} encoded {enc!r}"
            assert set(v.items.keys()) == set(range(v.head, v.tail)), (
                f"positions_contiguous: {k!r} head={v.head} tail={v.tail} "
                f"positions={sorted(v.items.keys())}")
        plain = {k: (v.to_list() if type(v) is ListValue else v) for k, v in stored.items()}
        assert plain == self.model, f"matches_model: stored {plain}, model {self.model}"


def lpos_model(xs: list[bytes], ele: bytes, rank: int, count: int, maxlen: int) -> list[int]:
    """LPOS's positions of ``ele``: counted from the head for ``rank`` > 0, the tail for
    ``rank`` < 0, the first ``|rank| - 1`` skipped, at most ``count`` (0: all), among the first
    ``maxlen`` elements scanned (0: all)."""
    order = list(range(len(xs)))
    if rank < 0:
        order.reverse()
    if maxlen:
        order = order[:maxlen]
    hits = [i for i in order if xs[i] == ele][abs(rank) - 1:]
    return hits[:count] if count else hits


def _py_range(xs: list[bytes], start: int, stop: int) -> list[bytes]:
    """LRANGE/LTRIM's inclusive range, written with Python slices."""
    n = len(xs)
    a = max(0, start + n if start < 0 else start)
    b = stop + n if stop < 0 else stop
    return xs[a: b + 1] if b >= 0 else []


TestListsMachine = machine_test(ListsMachine, max_examples=120, steps=40)


# -- planted bugs: each invariant can fail -----------------------------------------------------

PLANTED = planted_settings(max_examples=500, steps=30)
_fails_with = tripper(ListsMachine, PLANTED)


def test_planted_lpush_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """An LPUSH that pushes several elements as one block (RPUSH order) disagrees."""
    orig = ListValue.push_head

    def push_head(self: ListValue, elements: list[bytes]) -> ListValue:
        return orig(self, elements[::-1])

    monkeypatch.setattr(ListValue, "push_head", push_head)
    _fails_with("matches_model")


def test_planted_empty_list_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``store`` that overwrites instead of deleting an emptied list leaves an empty list."""
    def store(s: Any, key: bytes, new: ListValue) -> None:
        s.db.overwrite(key, new)

    monkeypatch.setattr(lists, "store", store)
    _fails_with("no_empty_aggregate")


def test_planted_small_list_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reporting 7.2's "listpack" for short lists is wrong for 7.0."""
    monkeypatch.setitem(values.ENCODINGS, ListValue,
                        lambda v: "listpack" if len(v) <= 2 else "quicklist")
    _fails_with("encoding_preserves_value")


def test_planted_pop_leaks_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A head pop that moves ``head`` but leaves the old entry in the map still answers
    right, but breaks the representation."""
    def drop_head(self: ListValue, n: int) -> ListValue:
        if n <= 0:
            return self
        return ListValue(self.items, self.head + min(n, len(self)), self.tail)

    monkeypatch.setattr(ListValue, "drop_head", drop_head)
    _fails_with("positions_contiguous")


def test_planted_push_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """An RPUSH that extends the stored value in place changes the transition's input."""
    orig = ListValue.push_tail

    def push_tail(self: ListValue, elements: list[bytes]) -> ListValue:
        if not len(self):  # (the shared empty list is not what this bug is about)
            return orig(self, elements)
        m = self.items.mutate()
        for x in elements:
            m[self.tail] = x
            self.tail += 1
        self.items = m.finish()
        return self

    monkeypatch.setattr(ListValue, "push_tail", push_tail)
    _fails_with("input_not_mutated")
