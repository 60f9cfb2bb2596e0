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
from ..dict import EMPTY_HT, HashTables
from ..numbers import string2ll
from . import valuedict as vd
from .valuedict import Seed

__all__ = ["SetValue", "is_int_member", "create", "build", "of", "EMPTY_INTSET"]

_EMPTY_INDEX: Map[bytes, int] = Map()
_EMPTY_SLOTS: Map[int, bytes] = Map()


def is_int_member(member: bytes) -> bool:
    """``isSdsRepresentableAsLongLong``: ``member`` can live in an intset."""
    return string2ll(member) is not None


class SetValue:
    """An immutable set of byte strings (a set ``robj``). Never mutate one in place: every
    operation returns a new value sharing structure with the old."""

    __slots__ = ("index", "slots", "intset", "ht", "_size")

    index: Map[bytes, int]
    slots: Map[int, bytes]
    intset: bool
    #: The hashtable encoding's own dict (``spec.types.valuedict``); None for an intset, or
    #: for a hashtable built by a path that passed no hash seed (then rebuilt when read).
    ht: HashTables | None

    def __init__(self, index: Map[bytes, int], slots: Map[int, bytes], intset: bool,
                 ht: HashTables | None = None) -> None:
        self.index = index
        self.slots = slots
        self.intset = intset
        self.ht = ht
        #: ``objectComputeSize`` of this (immutable) value, memoised by spec.memory; -1 until then.
        self._size = -1

    def with_ht(self, ht: HashTables | None) -> SetValue:
        """The same value with its dict ``ht`` (a read's rehash steps moved its buckets)."""
        v = SetValue(self.index, self.slots, self.intset, ht)
        return v

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

    def _converted_ht(self, extra: list[bytes], m: bytes, seed: Seed) -> HashTables:
        """``setTypeConvert`` of this intset grown by ``extra`` (integers added so far), on
        the way to adding ``m``: the dict presized to the intset's length and filled in
        ascending order, then ``dictAdd(m)`` for a non-integer ``m``; an integer ``m`` that
        pushed the intset over the limit was added to it before the conversion."""
        ints = list(self.index) + extra
        if string2ll(m) is None:
            return vd.add(vd.convert(sorted(ints, key=int), seed, len(ints)), m, seed)
        ints.append(m)
        return vd.convert(sorted(ints, key=int), seed, len(ints))

    def add(self, members: Iterable[bytes], max_intset: int,
            seed: Seed | None = None) -> tuple[SetValue, int]:
        """``setTypeAdd`` for each member in turn: the new value and how many were new.

        An intset becomes a hashtable when a non-integer member arrives, or when a new
        member makes it exceed ``max_intset`` (``set-max-intset-entries``). With the hash
        ``seed`` the hashtable's dict follows (conversion, then ``dictAdd`` per member)."""
        index = self.index.mutate()
        slots = self.slots.mutate()
        intset = self.intset
        ht = self.ht if seed is not None else None
        n = len(index)
        extra: list[bytes] = []
        ops: list[tuple[bytes, bool]] = []  # the dict's adds and finds, in order
        for m in members:
            if m in index:
                if not intset and ht is not None:
                    ops.append((m, False))  # dictAdd of a present member: its step
                continue
            if intset:
                if string2ll(m) is None or n + 1 > max_intset:
                    intset = False  # setTypeConvert(OBJ_ENCODING_HT)
                    if seed is not None:
                        ht = self._converted_ht(extra, m, seed)
                        extra = []
                elif seed is not None:
                    extra.append(m)
            elif ht is not None:
                ops.append((m, True))
            index[m] = n
            slots[n] = m
            n += 1
        added = n - len(self.index)
        if intset:
            ht = None
        elif ht is not None and ops:
            assert seed is not None
            ht = vd.add_or_find_many(ht, ops, seed)
        if not added and intset == self.intset:
            return (self if ht is self.ht else SetValue(self.index, self.slots, intset, ht)), 0
        return SetValue(index.finish(), slots.finish(), intset, ht), added

    def add_one(self, m: bytes, max_intset: int, seed: Seed | None = None) -> SetValue | None:
        """``setTypeAdd`` of one member: the new value, or None if it was already there."""
        if m in self.index:
            return None
        n = len(self.index)
        ht = None
        if self.intset:
            intset = n + 1 <= max_intset and string2ll(m) is not None
            if not intset and seed is not None:
                ht = self._converted_ht([], m, seed)
        else:
            intset = False
            if seed is not None and self.ht is not None:
                ht = vd.add(self.ht, m, seed)
        return SetValue(self.index.set(m, n), self.slots.set(n, m), intset, ht)

    def remove(self, members: Iterable[bytes],
               seed: Seed | None = None) -> tuple[SetValue, int]:
        """``setTypeRemove`` for each member in turn: the new value and how many were
        removed. The encoding never changes; the dict (with ``seed``) is shrunk by
        ``dictResize`` when ``htNeedsResize`` after a removal."""
        members = list(members)
        index = self.index.mutate()
        slots = self.slots.mutate()
        removed = 0
        gone: list[bytes] = []
        for m in members:
            slot = index.get(m)
            if slot is None:
                continue
            gone.append(m)
            last = len(index) - 1
            if slot != last:
                moved = slots[last]
                slots[slot] = moved
                index[moved] = slot
            del slots[last]
            del index[m]
            removed += 1
        ht = self.ht
        if ht is not None:
            # every member's ``dictDelete``, found or not, takes a rehash step
            ht = None if seed is None else vd.delete_many(ht, members, seed)
        if not removed:
            return (self if ht is self.ht else SetValue(self.index, self.slots, self.intset, ht)), 0
        return SetValue(index.finish(), slots.finish(), self.intset, ht), removed

    def remove_one(self, m: bytes, seed: Seed | None = None) -> SetValue | None:
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
        ht = self.ht
        if ht is not None:
            ht = None if seed is None else vd.delete(ht, m, seed)
        return SetValue(index, slots.delete(last), self.intset, ht)


EMPTY_INTSET = SetValue(_EMPTY_INDEX, _EMPTY_SLOTS, True)
"""``createIntsetObject``: the empty intset the STORE commands build their result in."""
EMPTY_HASHTABLE = SetValue(_EMPTY_INDEX, _EMPTY_SLOTS, False, EMPTY_HT)
"""``createSetObject``: an empty hashtable set, its dict not yet allocated."""


def create(first: bytes) -> SetValue:
    """``setTypeCreate``: an empty set able to hold ``first`` (intset if it is an integer)."""
    return EMPTY_INTSET if is_int_member(first) else EMPTY_HASHTABLE


def build(members: Iterable[bytes], max_intset: int, seed: Seed | None = None) -> SetValue:
    """A set built as the STORE commands build one: ``createIntsetObject`` then
    ``setTypeAdd`` of each member in turn."""
    return EMPTY_INTSET.add(members, max_intset, seed)[0]


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
