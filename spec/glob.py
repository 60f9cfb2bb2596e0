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

The pattern is compiled once into a list of single-byte classes and stars, then matched with
the two-cursor backtracking scheme (remember the last star, retry one byte later), which is
``O(len(pattern) * len(string))``, the bound Redis enforces with its ``skipLongerMatches``.
"""

from __future__ import annotations

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


class Glob:
    """A compiled ``stringmatchlen`` pattern; :meth:`match` tests one string."""

    __slots__ = ("pattern", "nocase", "_toks", "_literal", "_stars_only")

    def __init__(self, pattern: bytes, nocase: bool = False) -> None:
        self.pattern = pattern
        self.nocase = nocase
        #: A pattern with no special bytes matches by plain comparison.
        self._literal = not nocase and not (_SPECIAL & set(pattern))
        self._toks = [] if self._literal else _parse(pattern, nocase)
        self._stars_only = bool(self._toks) and all(t is None for t in self._toks)

    def match(self, string: bytes) -> bool:
        """``stringmatchlen(pattern, string)``: does ``string`` match the whole pattern?"""
        if self._literal:
            return string == self.pattern
        if not string:
            return not self.pattern
        if self._stars_only:
            return True
        toks = self._toks
        m = len(toks)
        n = len(string)
        i = j = 0
        star_j = -1
        star_i = 0
        while i < n:
            if j < m:
                t = toks[j]
                if t is None:
                    star_j = j
                    star_i = i
                    j += 1
                    continue
                if t[string[i]]:
                    i += 1
                    j += 1
                    continue
            if star_j < 0:
                return False
            # Let the last star swallow one more byte and retry the rest after it.
            star_i += 1
            i = star_i
            j = star_j + 1
        while j < m and toks[j] is None:
            j += 1
        return j == m


def compile_glob(pattern: bytes, nocase: bool = False) -> Glob:
    """Compile ``pattern`` once for matching many strings (KEYS over a whole database)."""
    return Glob(pattern, nocase)


def stringmatch(pattern: bytes, string: bytes, nocase: bool = False) -> bool:
    """``stringmatchlen``: does ``string`` match the glob ``pattern``?"""
    return Glob(pattern, nocase).match(string)
