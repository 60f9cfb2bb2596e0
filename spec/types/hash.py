"""The hash value (Redis's ``OBJ_HASH``, ``t_hash.c``).

A hash maps fields to values, both byte strings. Here it is a persistent map ``fields``
(``immutables.Map``), so setting or deleting one field costs O(log n) and shares the rest of
the value with the old one.

Encoding (Redis 7.0.15):

- ``listpack`` (``OBJ_ENCODING_LISTPACK``): a new hash starts here. A listpack is a flat
  sequence of field/value pairs, so it iterates in *insertion order*: a new field is appended,
  overwriting a field keeps its place, deleting one closes the gap. That order is visible in
  HGETALL/HKEYS/HVALS and HRANDFIELD with a count covering the hash, and is modelled exactly:
  ``order`` maps each field to an insertion sequence number (``seq`` is the next one).
- ``hashtable`` (``OBJ_ENCODING_HT``) once a field or value longer than
  ``hash-max-listpack-value`` bytes is about to be written (``hashTypeTryConversion`` /
  ``hashTypeSet``: ``len > limit``), or once the hash has more than
  ``hash-max-listpack-entries`` fields (``hashTypeSet``: ``length > limit`` after any write,
  an overwrite too, which matters once CONFIG SET lowered the limit).
  Its iteration order follows Redis's seeded hash function, so it is not modelled: here it is
  the map's own order and ``order`` is None. A hash never converts back (deleting fields or
  raising the limits leaves it a hashtable).

Every function here is pure and returns a new value; a hash with no fields is never stored
(the commands delete the key instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter

from immutables import Map

from .. import values
from ..dict import Dict, HashTables, dict_add, dict_find
from ..listpack import lp_entry_size
from . import valuedict as vd
from .valuedict import Seed

__all__ = ["HashValue", "EMPTY", "build", "LISTPACK", "HASHTABLE"]

LISTPACK = "listpack"
HASHTABLE = "hashtable"

_EMPTY_FIELDS: Map[bytes, bytes] = Map()
_EMPTY_ORDER: Map[bytes, int] = Map()
_by_seq = itemgetter(1)


class HashValue:
    """An immutable hash (a hash ``robj``). Never change one in place: every operation returns
    a new value sharing structure with the old.

    ``fields``: field -> value. ``order``: field -> insertion sequence number while the
    encoding is listpack, None once it is a hashtable. ``seq``: the next sequence number.
    """

    __slots__ = ("fields", "order", "seq", "ht", "_size", "_lpb")

    fields: Map[bytes, bytes]
    order: Map[bytes, int] | None
    seq: int
    #: The hashtable encoding's own dict (``spec.types.valuedict``); None for a listpack, or
    #: for a hashtable built by a path that passed no hash seed (then rebuilt when read).
    ht: HashTables | None

    def __init__(self, fields: Map[bytes, bytes], order: Map[bytes, int] | None, seq: int,
                 ht: HashTables | None = None, lpb: int = -1) -> None:
        self.fields = fields
        self.order = order
        self.seq = seq
        self.ht = ht
        #: ``objectComputeSize`` of this (immutable) value, memoised by spec.memory; -1 until then.
        self._size = -1
        #: The listpack's entry bytes (:meth:`lp_bytes`), carried from write to write; -1 until
        #: computed (or when the encoding is hashtable).
        self._lpb = lpb

    def lp_bytes(self) -> int:
        """The bytes of a listpack-encoded hash's entries, field and value each (``lpBytes``
        less the 7-byte header and end). Redis keeps the total in the listpack's header;
        here a write carries it from the value it replaces (:meth:`set`, :meth:`delete`:
        O(1) entries sized per write), and a value made any other way computes it once, O(n)."""
        n = self._lpb
        if n < 0:
            n = self._lpb = sum(lp_entry_size(x) for kv in self.fields.items() for x in kv)
        return n

    def with_ht(self, ht: HashTables | None) -> HashValue:
        """The same value with its dict ``ht`` (a read's rehash steps moved its buckets)."""
        v = HashValue(self.fields, self.order, self.seq, ht, self._lpb)
        return v

    # -- reading --------------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        """The OBJECT ENCODING name: "listpack" or "hashtable"."""
        return LISTPACK if self.order is not None else HASHTABLE

    def __len__(self) -> int:
        """``hashTypeLength``."""
        return len(self.fields)

    def get(self, field: bytes) -> bytes | None:
        """``hashTypeGetValue``: the value of ``field`` or None."""
        return self.fields.get(field)

    def __contains__(self, field: object) -> bool:
        """``hashTypeExists``."""
        return field in self.fields

    def keys(self) -> Iterator[bytes]:
        """The fields in Redis's iteration order (``hashTypeNext``): insertion order for a
        listpack, the map's order for a hashtable."""
        order = self.order
        if order is None:
            return iter(self.fields.keys())
        if len(order) < 2:
            return iter(order.keys())
        return map(itemgetter(0), sorted(order.items(), key=_by_seq))

    def items(self) -> list[tuple[bytes, bytes]]:
        """(field, value) pairs in Redis's iteration order (see :meth:`keys`)."""
        if self.order is None:
            return list(self.fields.items())
        f = self.fields
        return [(k, f[k]) for k in self.keys()]

    def values(self) -> list[bytes]:
        """The values in Redis's iteration order."""
        if self.order is None:
            return list(self.fields.values())
        f = self.fields
        return [f[k] for k in self.keys()]

    def nth(self, i: int) -> tuple[bytes, bytes]:
        """The ``i``-th pair in iteration order (random picks: ``hashTypeRandomElement``)."""
        if self.order is None:
            k = next(islice(self.fields.keys(), i, None))
        else:
            k = next(islice(self.keys(), i, None))
        return k, self.fields[k]

    def __eq__(self, other: object) -> bool:
        """Equal as Redis values: same pairs, same encoding, same listpack order."""
        if not isinstance(other, HashValue):
            return NotImplemented
        if self.fields != other.fields or (self.order is None) != (other.order is None):
            return False
        return self.order is None or list(self.keys()) == list(other.keys())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HashValue({self.encoding}, {self.items()!r})"

    # -- writing --------------------------------------------------------------------------------

    def _ht(self, seed: Seed | None) -> HashTables | None:
        """The dict this value has as a hashtable: its own, or, for a listpack,
        ``hashTypeConvertListpack``'s (``dictExpand`` to the length, fields added in listpack
        order); None without a seed or when not tracked."""
        if seed is None:
            return None
        if self.order is None:
            return self.ht
        return vd.convert(self.keys(), seed, len(self.fields))

    def converted(self, seed: Seed | None = None) -> HashValue:
        """``hashTypeConvert(o, OBJ_ENCODING_HT)``: the same pairs as a hashtable."""
        if self.order is None:
            return self
        return HashValue(self.fields, None, 0, self._ht(seed))

    def set(
        self, field: bytes, value: bytes, max_entries: int, max_value: int,
        seed: Seed | None = None,
    ) -> tuple[HashValue, bool]:
        """``hashTypeSet``: ``field`` set to ``value``; also True if the field is new.

        A listpack first converts when the field or the value is longer than ``max_value``,
        and after the write (an overwrite too) when it holds more than ``max_entries`` fields.
        On a hashtable (with ``seed``): ``dictFind`` (a rehash step), then ``dictAdd`` of a
        new field.
        """
        order = self.order
        fields = self.fields
        new = field not in fields
        nfields = fields.set(field, value)
        if order is None or len(field) > max_value or len(value) > max_value:
            ht = self._ht(seed)
            if ht is not None:
                assert seed is not None
                ht = vd.find_add(ht, field, seed, new)
            return HashValue(nfields, None, 0, ht), new
        # The length check follows every write: an overwrite converts too once CONFIG SET
        # lowered the limit below the current size.
        if len(nfields) > max_entries:
            ht = None
            if seed is not None:
                keys = list(self.keys())
                if new:
                    keys.append(field)
                ht = vd.convert(keys, seed, len(keys))
            return HashValue(nfields, None, 0, ht), new
        lpb = self._lpb
        if new:
            if lpb >= 0:
                lpb += lp_entry_size(field) + lp_entry_size(value)
            return HashValue(nfields, order.set(field, self.seq), self.seq + 1, None, lpb), True
        if lpb >= 0:
            lpb += lp_entry_size(value) - lp_entry_size(fields[field])
        return HashValue(nfields, order, self.seq, None, lpb), False

    def set_many(
        self, pairs: list[bytes], start: int, max_entries: int, max_value: int,
        seed: Seed | None = None,
    ) -> tuple[HashValue, int]:
        """HSET's loop: ``pairs[start:]`` as field, value, field, value ...; also how many
        fields were new. A field given twice takes its last value and keeps its first place.

        Before writing, ``hashTypeTryConversion``: any argument longer than ``max_value``
        converts a listpack; after each write, more than ``max_entries`` fields do (with
        ``seed``, the dict is made at that point and the remaining pairs go through it).
        """
        order = self.order
        ht: HashTables | None = None
        if order is not None:
            for j in range(start, len(pairs)):
                if len(pairs[j]) > max_value:
                    order = None
                    ht = self._ht(seed)
                    break
        elif seed is not None:
            ht = self.ht
        fm = self.fields.mutate()
        created = 0
        seq = self.seq
        n = len(pairs)
        j = start
        if order is not None:
            om = order.mutate()
            lp_new: list[bytes] = []
            lpb = self._lpb
            while j < n:
                f = pairs[j]
                x = pairs[j + 1]
                if f not in fm:
                    created += 1
                    om[f] = seq
                    seq += 1
                    if seed is not None:
                        lp_new.append(f)
                    if lpb >= 0:
                        lpb += lp_entry_size(f) + lp_entry_size(x)
                elif lpb >= 0:
                    lpb += lp_entry_size(x) - lp_entry_size(fm[f])
                fm[f] = x
                j += 2
                if len(fm) > max_entries:
                    order = None
                    if seed is not None:
                        keys = list(self.keys()) + lp_new
                        ht = vd.convert(keys, seed, len(keys))
                    break
            if order is not None:
                return HashValue(fm.finish(), om.finish(), seq, None, lpb), created
        if ht is not None:
            assert seed is not None
            d = Dict(ht, seed)
            while j < n:
                f = pairs[j]
                dict_find(d, f)
                if f not in fm:
                    created += 1
                    dict_add(d, f)
                fm[f] = pairs[j + 1]
                j += 2
            ht = d.freeze()
        else:
            while j < n:
                f = pairs[j]
                if f not in fm:
                    created += 1
                fm[f] = pairs[j + 1]
                j += 2
        return HashValue(fm.finish(), None, 0, ht), created

    def delete(self, field: bytes, seed: Seed | None = None) -> HashValue:
        """``hashTypeDelete``: without ``field`` (the same value if it is absent). The
        result may be empty; the caller deletes the key then. A hashtable's dict (with
        ``seed``) is shrunk when ``htNeedsResize`` after the removal."""
        fields = self.fields
        if field not in fields:
            return self
        order = self.order
        ht = self.ht
        if ht is not None:
            ht = None if seed is None else vd.delete(ht, field, seed)
        lpb = self._lpb
        if lpb >= 0:
            lpb -= lp_entry_size(field) + lp_entry_size(fields[field])
        return HashValue(
            fields.delete(field),
            None if order is None else order.delete(field),
            self.seq,
            ht,
            lpb,
        )

    def delete_many(self, names: Iterable[bytes],
                    seed: Seed | None = None) -> tuple[HashValue, int]:
        """HDEL's loop: without each of ``names``; also how many were there. Each name's
        ``dictDelete``, found or not, takes its rehash step."""
        names = list(names)
        fm = self.fields.mutate()
        order = self.order
        om = None if order is None else order.mutate()
        deleted = 0
        gone: list[bytes] = []
        lpb = self._lpb
        for f in names:
            if f in fm:
                if lpb >= 0:
                    lpb -= lp_entry_size(f) + lp_entry_size(fm[f])
                del fm[f]
                if om is not None:
                    del om[f]
                deleted += 1
                gone.append(f)
        ht = self.ht
        if ht is not None:
            ht = None if seed is None else vd.delete_many(ht, names, seed)
        if not deleted:
            return (self if ht is self.ht else self.with_ht(ht)), 0
        return (HashValue(fm.finish(), None if om is None else om.finish(), self.seq, ht, lpb),
                deleted)


#: The hash ``createHashObject`` makes: empty, listpack encoded.
EMPTY = HashValue(_EMPTY_FIELDS, _EMPTY_ORDER, 0, None, 0)


def build(
    pairs: Iterable[tuple[bytes, bytes]], max_entries: int = 512, max_value: int = 64
) -> HashValue:
    """A hash made by setting ``pairs`` one after another on an empty hash (tests, RESTORE-like
    construction)."""
    flat: list[bytes] = []
    for f, v in pairs:
        flat.append(f)
        flat.append(v)
    return EMPTY.set_many(flat, 0, max_entries, max_value)[0]


values.TYPE_NAMES[HashValue] = "hash"
values.ENCODINGS[HashValue] = lambda v: v.encoding
