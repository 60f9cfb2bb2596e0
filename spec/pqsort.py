"""Redis's ``pqsort`` (``pqsort.c``): Bentley and McIlroy's quicksort ("Engineering a Sort
Function", as in NetBSD's qsort, insertion sort below 7 elements) that only recurses into
the parts overlapping the positions ``lrange..rrange``. SORT with BY and a narrower LIMIT,
and GEOSEARCH / GEORADIUS with COUNT, sort with it; it is not stable, so the order of equal
elements is whatever these exact swaps make of it (checked against 7.0.15 on tie-heavy SORTs
and 600 geo searches). 7.0.15's version has no switch to insertion sort after a pass that
swapped nothing (later versions added one). Cost: O(n log n) compares for the range at
worst, O(n) for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["pqsort"]

Cmp = Callable[[Any, Any], int]


def _med3(v: list[Any], a: int, b: int, c: int, cmp: Cmp) -> int:
    """The median of three positions, as Bentley and McIlroy pick the pivot."""
    if cmp(v[a], v[b]) < 0:
        return b if cmp(v[b], v[c]) < 0 else (c if cmp(v[a], v[c]) < 0 else a)
    return b if cmp(v[b], v[c]) > 0 else (a if cmp(v[a], v[c]) < 0 else c)


def _insertion(v: list[Any], a: int, n: int, cmp: Cmp) -> None:
    """The small-array path: each element sinks left while its left neighbour is greater."""
    for m in range(a + 1, a + n):
        j = m
        while j > a and cmp(v[j - 1], v[j]) > 0:
            v[j - 1], v[j] = v[j], v[j - 1]
            j -= 1


def _overlaps(start: int, n: int, lrange: int, rrange: int) -> bool:
    """Whether positions ``start..start+n-1`` meet the wanted range (the C code compares
    byte pointers; element for element it is this)."""
    return not ((lrange < start and rrange < start)
                or (lrange > start + n - 1 and rrange > start + n - 1))


def pqsort(v: list[Any], cmp: Cmp, lrange: int, rrange: int) -> None:
    """Sort ``v`` in place so that positions ``lrange..rrange`` hold what a full sort puts
    there (up to the order of equal elements), element for element as the C code swaps."""
    a, n = 0, len(v)
    stack: list[tuple[int, int]] = []
    while True:
        if n < 7:
            _insertion(v, a, n, cmp)
        else:
            pm = a + n // 2
            if n > 7:
                pl, pn = a, a + n - 1
                if n > 40:
                    d = n // 8
                    pl = _med3(v, pl, pl + d, pl + 2 * d, cmp)
                    pm = _med3(v, pm - d, pm, pm + d, cmp)
                    pn = _med3(v, pn - 2 * d, pn - d, pn, cmp)
                pm = _med3(v, pl, pm, pn, cmp)
            v[a], v[pm] = v[pm], v[a]
            pa = pb = a + 1
            pc = pd = a + n - 1
            while True:
                while pb <= pc:
                    c = cmp(v[pb], v[a])
                    if c > 0:
                        break
                    if c == 0:
                        v[pa], v[pb] = v[pb], v[pa]
                        pa += 1
                    pb += 1
                while pb <= pc:
                    c = cmp(v[pc], v[a])
                    if c < 0:
                        break
                    if c == 0:
                        v[pc], v[pd] = v[pd], v[pc]
                        pd -= 1
                    pc -= 1
                if pb > pc:
                    break
                v[pb], v[pc] = v[pc], v[pb]
                pb += 1
                pc -= 1
            pn = a + n
            r = min(pa - a, pb - pa)
            for i in range(r):
                v[a + i], v[pb - r + i] = v[pb - r + i], v[a + i]
            r = min(pd - pc, pn - pd - 1)
            for i in range(r):
                v[pb + i], v[pn - r + i] = v[pn - r + i], v[pb + i]
            left, right = pb - pa, pd - pc
            # the C code recurses on the left part first, then loops on the right one
            if right > 1 and _overlaps(pn - right, right, lrange, rrange):
                stack.append((pn - right, right))
            if left > 1 and _overlaps(a, left, lrange, rrange):
                stack.append((a, left))
        if not stack:
            return
        a, n = stack.pop()
