"""The set value (Redis's ``OBJ_SET``, ``t_set.c`` / ``intset.c``).

A set is two persistent maps kept in step: ``index`` maps each member to a *slot*, and
``slots`` maps the slots ``0 .. n-1`` back to the members. The dense slots give an O(log n)
uniform random member (SPOP, SRANDMEMBER: ``setTypeRandomElement``); removing a member moves
the last slot into the hole. Adding or removing one member costs O(log n) and shares the rest
of the value with the old one.

Encoding (Redis 7.0.15; there are no listpack sets before 7.2):

- ``intset`` while every member is an integer as ``string2ll`` reads it
  (``isSdsRepresentableAsLongLong``: canonical decimal in the int64 range) and the set has at
  most ``set-max-intset-entries`` members. An intset iterates in ascending numeric order, so
  SMEMBERS of an intset is deterministic and modelled exactly.
- ``hashtable`` otherwise. Its iteration order depends on Redis's hash seed; here it is slot
  order, and tests compare it as a multiset.

``setTypeCreate`` picks the encoding of a new set from its first member. ``setTypeAdd`` on an
intset converts to a hashtable when a non-integer arrives or when adding a *new* member makes
the count exceed the limit (re-adding an existing member never converts, even if CONFIG SET
lowered the limit). Removing members never converts back; only SPOP's "keep the rest"
strategy (which builds a fresh set) and the STORE commands (which build their result from an
empty intset) re-derive the encoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from immutables import Map

from .. import values
from ..numbers import string2ll

__all__ = ["SetValue", "is_int_member", "create", "build", "of", "EMPTY_INTSET"]

_EMPTY_INDEX: Map[bytes, int] = Map()
_EMPTY_SLOTS: Map[int, bytes] = Map()


def is_int_member(member: bytes) -> bool:
    """``isSdsRepresentableAsLongLong``: ``member`` can live in an intset."""
    return string2ll(member) is not None


class SetValue:
    """An immutable set of byte strings (a set ``robj``). Never mutate one in place: every
    operation returns a new value sharing structure with the old."""

    __slots__ = ("index", "slots", "intset")

    index: Map[bytes, int]
    slots: Map[int, bytes]
    intset: bool

    def __init__(self, index: Map[bytes, int], slots: Map[int, bytes], intset: bool) -> None:
        self.index = index
        self.slots = slots
        self.intset = intset

    # -- reading ----------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        """OBJECT ENCODING: "intset" or "hashtable"."""
        return "intset" if self.intset else "hashtable"

    def __len__(self) -> int:
        """``setTypeSize``."""
        return len(self.index)

    def __contains__(self, member: object) -> bool:
        """``setTypeIsMember``."""
        return member in self.index

    def __iter__(self) -> Iterator[bytes]:
        """``setTypeInitIterator``/``setTypeNext``: ascending numeric order for an intset,
        slot order for a hashtable."""
        return iter(self.members())

    def members(self) -> list[bytes]:
        """Every member in Redis's iteration order (see :meth:`__iter__`)."""
        if self.intset:
            return sorted(self.index, key=int)
        return list(self.slots.values())

    def at(self, slot: int) -> bytes:
        """The member in ``slot`` (``0 <= slot < len``): the basis of random draws."""
        return self.slots[slot]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SetValue):
            return NotImplemented
        if self.intset != other.intset or len(self.index) != len(other.index):
            return False
        theirs = other.index
        return all(m in theirs for m in self.index)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SetValue({self.members()!r}, {self.encoding})"

    # -- writing ----------------------------------------------------------------------------

    def add(self, members: Iterable[bytes], max_intset: int) -> tuple[SetValue, int]:
        """``setTypeAdd`` for each member in turn: the new value and how many were new.

        An intset becomes a hashtable when a non-integer member arrives, or when a new
        member makes it exceed ``max_intset`` (``set-max-intset-entries``)."""
        index = self.index.mutate()
        slots = self.slots.mutate()
        intset = self.intset
        n = len(index)
        for m in members:
            if m in index:
                continue
            if intset and (string2ll(m) is None or n + 1 > max_intset):
                intset = False  # setTypeConvert(OBJ_ENCODING_HT)
            index[m] = n
            slots[n] = m
            n += 1
        added = n - len(self.index)
        if not added and intset == self.intset:
            return self, 0
        return SetValue(index.finish(), slots.finish(), intset), added

    def add_one(self, m: bytes, max_intset: int) -> SetValue | None:
        """``setTypeAdd`` of one member: the new value, or None if it was already there."""
        if m in self.index:
            return None
        n = len(self.index)
        intset = self.intset and n + 1 <= max_intset and string2ll(m) is not None
        return SetValue(self.index.set(m, n), self.slots.set(n, m), intset)

    def remove(self, members: Iterable[bytes]) -> tuple[SetValue, int]:
        """``setTypeRemove`` for each member in turn: the new value and how many were
        removed. The encoding never changes."""
        index = self.index.mutate()
        slots = self.slots.mutate()
        removed = 0
        for m in members:
            slot = index.get(m)
            if slot is None:
                continue
            last = len(index) - 1
            if slot != last:
                moved = slots[last]
                slots[slot] = moved
                index[moved] = slot
            del slots[last]
            del index[m]
            removed += 1
        if not removed:
            return self, 0
        return SetValue(index.finish(), slots.finish(), self.intset), removed

    def remove_one(self, m: bytes) -> SetValue | None:
        """``setTypeRemove`` of one member: the new value, or None if it was not there."""
        slot = self.index.get(m)
        if slot is None:
            return None
        last = len(self.index) - 1
        slots = self.slots
        index = self.index.delete(m)
        if slot != last:
            moved = slots[last]
            slots = slots.set(slot, moved)
            index = index.set(moved, slot)
        return SetValue(index, slots.delete(last), self.intset)


EMPTY_INTSET = SetValue(_EMPTY_INDEX, _EMPTY_SLOTS, True)
"""``createIntsetObject``: the empty intset the STORE commands build their result in."""
EMPTY_HASHTABLE = SetValue(_EMPTY_INDEX, _EMPTY_SLOTS, False)


def create(first: bytes) -> SetValue:
    """``setTypeCreate``: an empty set able to hold ``first`` (intset if it is an integer)."""
    return EMPTY_INTSET if is_int_member(first) else EMPTY_HASHTABLE


def build(members: Iterable[bytes], max_intset: int) -> SetValue:
    """A set built as the STORE commands build one: ``createIntsetObject`` then
    ``setTypeAdd`` of each member in turn."""
    return EMPTY_INTSET.add(members, max_intset)[0]


def of(members: Iterable[bytes], intset: bool) -> SetValue:
    """A set of the given distinct ``members`` with the encoding already decided."""
    index = _EMPTY_INDEX.mutate()
    slots = _EMPTY_SLOTS.mutate()
    n = 0
    for m in members:
        index[m] = n
        slots[n] = m
        n += 1
    return SetValue(index.finish(), slots.finish(), intset)


values.TYPE_NAMES[SetValue] = "set"
values.ENCODINGS[SetValue] = lambda v: v.encoding
