"""Glob-style pattern matching as Redis does it (``stringmatchlen`` in ``util.c``).

Used by KEYS (and later SCAN MATCH, PSUBSCRIBE, CONFIG GET, ...). The rules, over raw bytes:

- ``*`` matches any run of bytes, ``?`` any one byte; runs of ``*`` act as one.
- ``\\x`` matches ``x`` literally; a backslash that ends the pattern is a literal backslash.
- ``[...]`` matches one byte from a class; ``[^...]`` one byte not in it. Inside a class,
  ``\\x`` is a literal ``x``, ``a-z`` is a range whose ends may come in either order, and a
  class left open by the end of the pattern extends to that end (``[abc`` is ``[abc]``).
  ``[]`` matches nothing and ``[^]`` any byte. An ``a-`` just before the end reaches for the
  closing ``]`` as its upper end (``[a-]`` is the open class of bytes between ``]`` and ``a``).
- Range ends compare as C ``char`` on x86, which is *signed*: bytes 0x80-0xff count as
  -128..-1, so ``[a-\\xff]`` is the range -1..97 (``\\xff`` and 0x00-``a``).
- The empty string matches only the empty pattern: ``stringmatchlen`` gives up before
  looking at the pattern when there is nothing to match (``*`` does not match ""; KEYS
  special-cases the pattern ``*`` itself).
- With ``nocase`` letters compare through C-locale ``tolower``; range ends are ordered first
  and lowered afterwards (so ``[Z-a]`` matches nothing), and an escaped byte inside a class
  still compares exactly.

The pattern is compiled once into single-byte classes and stars; the star-free runs become
fixed-length regular expressions (see :class:`Glob` for why leftmost search is exact).
"""

from __future__ import annotations

import re

__all__ = ["Glob", "compile_glob", "stringmatch"]

_SPECIAL = frozenset(b"*?[\\")
_ALL = b"\x01" * 256


def _signed(b: int) -> int:
    """A byte as x86 C ``char``: 0x80-0xff are negative."""
    return b - 256 if b >= 128 else b


def _lower(c: int) -> int:
    """C-locale ``tolower`` on a (possibly negative) ``char`` value."""
    return c + 32 if 65 <= c <= 90 else c


def _table(members: set[int]) -> bytes:
    t = bytearray(256)
    for b in members:
        t[b] = 1
    return bytes(t)


def _literal(c: int, nocase: bool) -> bytes:
    if nocase:
        lc = _lower(_signed(c))
        return _table({b for b in range(256) if _lower(_signed(b)) == lc})
    return _table({c})


def _parse(pattern: bytes, nocase: bool) -> list[bytes | None]:
    """The pattern as a list of 256-entry membership tables (one byte each) and ``None``
    for a star (consecutive stars collapsed)."""
    toks: list[bytes | None] = []
    n = len(pattern)
    i = 0
    while i < n:
        c = pattern[i]
        if c == 42:  # '*'
            if not toks or toks[-1] is not None:
                toks.append(None)
            i += 1
        elif c == 63:  # '?'
            toks.append(_ALL)
            i += 1
        elif c == 91:  # '['
            i += 1
            negate = i < n and pattern[i] == 94  # '^'
            if negate:
                i += 1
            members: set[int] = set()
            while i < n:
                c = pattern[i]
                if c == 92 and n - i >= 2:  # escaped byte: exact, even with nocase
                    members.add(pattern[i + 1])
                    i += 2
                elif c == 93:  # ']' closes
                    i += 1
                    break
                elif n - i >= 3 and pattern[i + 1] == 45:  # 'x-y' range
                    lo, hi = _signed(c), _signed(pattern[i + 2])
                    if lo > hi:
                        lo, hi = hi, lo
                    if nocase:
                        lo, hi = _lower(lo), _lower(hi)
                        members.update(b for b in range(256) if lo <= _lower(_signed(b)) <= hi)
                    else:
                        members.update(b for b in range(256) if lo <= _signed(b) <= hi)
                    i += 3
                else:
                    if nocase:
                        lc = _lower(_signed(c))
                        members.update(b for b in range(256) if _lower(_signed(b)) == lc)
                    else:
                        members.add(c)
                    i += 1
            if negate:
                members = set(range(256)) - members
            toks.append(_table(members))
        else:
            if c == 92 and n - i >= 2:  # '\x': x literally
                i += 1
                c = pattern[i]
            toks.append(_literal(c, nocase))
            i += 1
    return toks


def _segment_regex(seg: list[bytes]) -> re.Pattern[bytes]:
    """A run of single-byte classes as a fixed-length regular expression."""
    parts = []
    for table in seg:
        members = [b for b in range(256) if table[b]]
        if len(members) == 256:
            parts.append(b".")
        elif len(members) == 1:
            parts.append(re.escape(bytes(members)))
        elif not members:
            parts.append(b"(?!)")
        else:
            parts.append(b"[" + b"".join(b"\\x%02x" % b for b in members) + b"]")
    return re.compile(b"".join(parts), re.DOTALL)


class Glob:
    """A compiled ``stringmatchlen`` pattern; :meth:`match` tests one string.

    The pattern is split at its stars into fixed-length segments. A string matches when the
    first segment matches at its start, the last at its end, and each middle segment can be
    found, leftmost first, in order in between: finding each as early as possible never
    loses a match, so this is exact, and it is the same bound (``O(pattern * string)``) that
    Redis's ``skipLongerMatches`` enforces.
    """

    __slots__ = ("pattern", "nocase", "_literal", "_head", "_mid", "_tail", "_star",
                 "_head_len", "_tail_len")

    def __init__(self, pattern: bytes, nocase: bool = False) -> None:
        self.pattern = pattern
        self.nocase = nocase
        #: A pattern with no special bytes matches by plain comparison.
        self._literal = not nocase and not (_SPECIAL & set(pattern))
        toks = [] if self._literal else _parse(pattern, nocase)
        segs: list[list[bytes]] = [[]]
        for t in toks:
            if t is None:
                segs.append([])
            else:
                segs[-1].append(t)
        self._star = len(segs) > 1
        self._head = _segment_regex(segs[0])
        self._head_len = len(segs[0])
        self._tail = _segment_regex(segs[-1])
        self._tail_len = len(segs[-1])
        self._mid = [_segment_regex(s) for s in segs[1:-1] if s]

    def match(self, string: bytes) -> bool:
        """``stringmatchlen(pattern, string)``: does ``string`` match the whole pattern?"""
        if self._literal:
            return string == self.pattern
        if not string:
            return not self.pattern
        if not self._star:
            return self._head.fullmatch(string) is not None
        n = len(string)
        end = n - self._tail_len
        if end < self._head_len:
            return False
        if self._head_len and self._head.match(string) is None:
            return False
        if self._tail_len and self._tail.fullmatch(string, end) is None:
            return False
        pos = self._head_len
        for seg in self._mid:
            m = seg.search(string, pos, end)
            if m is None:
                return False
            pos = m.end()
        return True


def compile_glob(pattern: bytes, nocase: bool = False) -> Glob:
    """Compile ``pattern`` once for matching many strings (KEYS over a whole database)."""
    return Glob(pattern, nocase)


def stringmatch(pattern: bytes, string: bytes, nocase: bool = False) -> bool:
    """``stringmatchlen``: does ``string`` match the glob ``pattern``?"""
    return Glob(pattern, nocase).match(string)
