"""The list value (Redis's ``OBJ_LIST``, ``t_list.c`` / ``quicklist.c``).

A list is a persistent map from position to element plus two counters: ``head`` is the
position of the first element and ``tail`` the position one past the last. Pushing at the
head takes position ``head - 1``, at the tail position ``tail``; popping moves a counter.
So a push, a pop, LINDEX and LSET cost O(log n) and share the rest of the value with the
old one, while middle edits (LINSERT, LREM) rebuild part or all of it, as Redis's are O(n)
too.

Encoding: Redis 7.0 always stores a list as a ``quicklist`` (a linked list of listpack
nodes sized by ``list-max-listpack-size``, compressed by ``list-compress-depth``); there is
no compact whole-list encoding, so OBJECT ENCODING always answers "quicklist" and no
conversion ever happens. Node layout and compression are not observable through replies
and are not modelled.

Elements compare byte for byte (``listTypeEqual``): Redis stores canonical integers as
integers but only strings that print back identically, so byte equality is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from immutables import Map

from .. import values

__all__ = ["ListValue", "EMPTY"]

_EMPTY_MAP: Map[int, bytes] = Map()


class ListValue:
    """An immutable list of byte strings (a ``quicklist`` robj). Never mutate one in place:
    every operation returns a new value sharing structure with the old."""

    __slots__ = ("items", "head", "tail", "_size")

    #: OBJECT ENCODING: always "quicklist" in Redis 7.0 (no listpack-encoded lists).
    encoding: ClassVar[str] = "quicklist"

    items: Map[int, bytes]
    head: int
    tail: int

    def __init__(self, items: Map[int, bytes], head: int, tail: int) -> None:
        self.items = items
        self.head = head
        self.tail = tail
        #: ``objectComputeSize`` of this (immutable) value, memoised by spec.memory; -1 until then.
        self._size = -1

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def of(cls, elements: Iterable[bytes]) -> ListValue:
        """A list holding ``elements`` in order (positions 0..n-1)."""
        m = _EMPTY_MAP.mutate()
        n = 0
        for x in elements:
            m[n] = x
            n += 1
        return cls(m.finish(), 0, n)

    # -- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        """``listTypeLength``."""
        return self.tail - self.head

    def __iter__(self) -> Iterator[bytes]:
        items = self.items
        for p in range(self.head, self.tail):
            yield items[p]

    def to_list(self) -> list[bytes]:
        """The abstract value: the elements head to tail."""
        items = self.items
        return [items[p] for p in range(self.head, self.tail)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ListValue) and self.to_list() == other.to_list()

    def __hash__(self) -> int:
        return hash(tuple(self.to_list()))

    def __repr__(self) -> str:
        return f"ListValue({self.to_list()!r})"

    def position(self, index: int) -> int | None:
        """``quicklistGetIteratorAtIdx``'s index rule: 0 is the head, -1 the tail; the map
        position of that element, or None when the index is out of range."""
        n = self.tail - self.head
        if index < 0:
            index += n
            if index < 0:
                return None
        elif index >= n:
            return None
        return self.head + index

    def index(self, index: int) -> bytes | None:
        """``LINDEX`` semantics: the element at ``index`` (negative from the tail), or None."""
        p = self.position(index)
        return None if p is None else self.items[p]

    def slice(self, start: int, stop: int) -> list[bytes]:
        """Elements at 0-based offsets ``start`` .. ``stop - 1`` (already clamped)."""
        items = self.items
        h = self.head
        return [items[p] for p in range(h + start, h + stop)]

    def slice_reversed(self, start: int, stop: int) -> list[bytes]:
        """Elements at offsets ``stop - 1`` down to ``start`` (a tail-side pop's reply)."""
        items = self.items
        h = self.head
        return [items[p] for p in range(h + stop - 1, h + start - 1, -1)]

    # -- writing ----------------------------------------------------------------------------

    def push_tail(self, elements: list[bytes]) -> ListValue:
        """``listTypePush(.., LIST_TAIL)`` for each element in order (RPUSH)."""
        t = self.tail
        if len(elements) == 1:
            return ListValue(self.items.set(t, elements[0]), self.head, t + 1)
        m = self.items.mutate()
        for x in elements:
            m[t] = x
            t += 1
        return ListValue(m.finish(), self.head, t)

    def push_head(self, elements: list[bytes]) -> ListValue:
        """``listTypePush(.., LIST_HEAD)`` for each element in order (LPUSH: the last one
        given ends up first)."""
        h = self.head
        if len(elements) == 1:
            h -= 1
            return ListValue(self.items.set(h, elements[0]), h, self.tail)
        m = self.items.mutate()
        for x in elements:
            h -= 1
            m[h] = x
        return ListValue(m.finish(), h, self.tail)

    def drop_head(self, n: int) -> ListValue:
        """Remove the first ``n`` elements (``quicklistDelRange(ql, 0, n)``)."""
        if n <= 0:
            return self
        if n >= self.tail - self.head:
            return EMPTY
        h = self.head
        if n == 1:
            return ListValue(self.items.delete(h), h + 1, self.tail)
        m = self.items.mutate()
        for p in range(h, h + n):
            del m[p]
        return ListValue(m.finish(), h + n, self.tail)

    def drop_tail(self, n: int) -> ListValue:
        """Remove the last ``n`` elements (``quicklistDelRange(ql, -n, n)``)."""
        if n <= 0:
            return self
        if n >= self.tail - self.head:
            return EMPTY
        t = self.tail
        if n == 1:
            return ListValue(self.items.delete(t - 1), self.head, t - 1)
        m = self.items.mutate()
        for p in range(t - n, t):
            del m[p]
        return ListValue(m.finish(), self.head, t - n)

    def replace_at(self, position: int, element: bytes) -> ListValue:
        """``quicklistReplaceAtIndex`` at a map position found by :meth:`position`."""
        return ListValue(self.items.set(position, element), self.head, self.tail)

    def insert(self, offset: int, element: bytes) -> ListValue:
        """Insert ``element`` so that it ends up at 0-based ``offset`` (``listTypeInsert``);
        shifts whichever side of the list is shorter, so the cost is O(min(k, n-k))."""
        h, t = self.head, self.tail
        m = self.items.mutate()
        if offset < (t - h) - offset:
            # move the first ``offset`` elements one place towards the head
            for p in range(h, h + offset):
                m[p - 1] = m[p]
            m[h - 1 + offset] = element
            return ListValue(m.finish(), h - 1, t)
        for p in range(t - 1, h + offset - 1, -1):
            m[p + 1] = m[p]
        m[h + offset] = element
        return ListValue(m.finish(), h, t + 1)


#: The empty list: exists only transiently inside a command (Redis deletes empty lists).
EMPTY = ListValue(_EMPTY_MAP, 0, 0)

values.TYPE_NAMES[ListValue] = "list"
values.ENCODINGS[ListValue] = lambda v: v.encoding
