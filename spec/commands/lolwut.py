"""LOLWUT (Redis's ``lolwut.c``, ``lolwut5.c``, ``lolwut6.c``): the version string, or, with
``VERSION 5`` / ``VERSION 6``, the computer art of those releases.

- ``LOLWUT [VERSION v] [args]``: 7.0.15 dispatches on ``"%u.0.0"`` of ``v``: 5 (and 4.9) draw
  Georg Nees's *Schotter* in Braille characters, 6 (and 5.9) a skyline in terminal colours,
  anything else (7, no VERSION) answers ``Redis ver. 7.0.15``. The reply is a verbatim string
  (``txt``) in RESP3.
- **Randomness.** Both drawings call the C library's ``rand()``, whose state Redis seeds once
  at start from the time and its pid. Here that state is part of the server state
  (``ServerState.libc_rand``, seeded from the spec's random input ``rng``), advanced by glibc's
  own algorithm (:func:`glibc_rand`), so a drawing is deterministic for a given state; two
  real servers draw different skylines. Schotter's first two rows use no randomness: with at
  most two rows of squares the output is the same as any 7.0.15's.
- **Arithmetic.** Schotter computes in C ``float``; every float step is rounded to single
  precision as C does (:func:`_f32`), so the squares land on the same pixels.
"""

from __future__ import annotations

import math
import struct

from ..errors import NOT_INTEGER
from ..numbers import string2ll
from ..reply import Reply, Verbatim
from ..step import Step
from .registry import command

__all__ = ["glibc_srand", "glibc_rand", "schotter", "skyline", "VERSION_LINE"]

VERSION_LINE = "Redis ver. 7.0.15\n"
_RAND_MAX = 2147483647


# -- glibc rand() (TYPE_3: x**31 + x**3 + 1) -----------------------------------------------------


def _cdiv(a: int, b: int) -> tuple[int, int]:
    """C's ``/`` and ``%`` (truncating toward zero)."""
    q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
    return q, a - q * b


def glibc_srand(seed: int) -> tuple[tuple[int, ...], int]:
    """``srand(seed)`` (``__srandom_r``, TYPE_3): 31 words from a Park-Miller generator in
    32-bit signed arithmetic, then 310 outputs discarded. The state kept is the window of the
    last 34 words of the sequence ``r[i] = r[i-31] + r[i-3]`` (mod 2**32), which is what
    ``random_r``'s two pointers walk."""
    word = seed & 0xFFFFFFFF
    if word >= 1 << 31:
        word -= 1 << 32  # int32_t
    r = [word if word else 1]
    word = r[0]
    for _ in range(1, 31):
        hi, lo = _cdiv(word, 127773)
        word = 16807 * lo - 2836 * hi
        if word < 0:
            word += 2147483647
        r.append(word)
    r = [w & 0xFFFFFFFF for w in r]
    r += r[:3]
    for i in range(34, 344):
        r.append((r[i - 31] + r[i - 3]) & 0xFFFFFFFF)
    return tuple(r[-34:]), 0


def glibc_rand(state: tuple[tuple[int, ...], int]) -> tuple[int, tuple[tuple[int, ...], int]]:
    """``rand()``: the next value in ``0..RAND_MAX`` and the advanced state (the window of the
    last 34 words; each new word is the sum of the words 31 and 3 places back)."""
    words, _ = state
    new = (words[-31] + words[-3]) & 0xFFFFFFFF
    return new >> 1, (words[1:] + (new,), 0)


class _Rand:
    """The process's ``rand()`` for the duration of one command."""

    def __init__(self, s: Step) -> None:
        self.s = s
        st = s.part("libc_rand")
        self.state = st if st is not None else glibc_srand(s.rng & 0xFFFFFFFF)

    def __call__(self) -> int:
        v, self.state = glibc_rand(self.state)
        return v

    def save(self) -> None:
        self.s.set_part("libc_rand", self.state)


# -- the canvas -----------------------------------------------------------------------------------


class _Canvas:
    """``lwCanvas``: width x height pixels, drawing outside is ignored."""

    def __init__(self, width: int, height: int, bg: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray([bg]) * (width * height)

    def set(self, x: int, y: int, color: int) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.pixels[x + y * self.width] = color

    def get(self, x: int, y: int) -> int:
        if 0 <= x < self.width and 0 <= y < self.height:
            return self.pixels[x + y * self.width]
        return 0

    def line(self, x1: int, y1: int, x2: int, y2: int, color: int) -> None:
        """``lwDrawLine``: Bresenham."""
        dx, dy = abs(x2 - x1), abs(y2 - y1)
        sx = 1 if x1 < x2 else -1
        sy = 1 if y1 < y2 else -1
        err = dx - dy
        while True:
            self.set(x1, y1, color)
            if x1 == x2 and y1 == y2:
                return
            e2 = err * 2
            if e2 > -dy:
                err -= dy
                x1 += sx
            if e2 < dx:
                err += dx
                y1 += sy


def _f32(x: float) -> float:
    """A C ``float``: ``x`` rounded to single precision."""
    return float(struct.unpack("f", struct.pack("f", x))[0])


def _c_round(x: float) -> float:
    """C ``round``: halves away from zero."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def _square(canvas: _Canvas, x: int, y: int, size: float, angle: float, color: int) -> None:
    """``lwDrawSquare``: the square inscribed in a circle, rotated by ``angle``."""
    size = _f32(size / 1.4142135623)
    size = _f32(_c_round(size))
    k = _f32(math.pi / 4 + angle)
    px, py = [], []
    for _ in range(4):
        px.append(int(_c_round(math.sin(k) * size + x)))
        py.append(int(_c_round(math.cos(k) * size + y)))
        k = _f32(k + math.pi / 2)
    for j in range(4):
        canvas.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color)


def schotter(cols: int, per_row: int, per_col: int, rand: _Rand | None) -> str:
    """``lwDrawSchotter`` + Braille rendering: squares drawn straight in the first two rows,
    then rotated and moved more and more at random, row by row."""
    width = cols * 2
    padding = 2 if width > 4 else 0
    side = _f32(_f32(width - padding * 2) / _f32(per_row))
    height = int(_f32(_f32(side * _f32(per_col)) + padding * 2))
    canvas = _Canvas(width, height, 0)
    for y in range(per_col):
        for x in range(per_row):
            sx = int(_f32(_f32(_f32(x) * side) + _f32(side / 2)) + padding)
            sy = int(_f32(_f32(_f32(y) * side) + _f32(side / 2)) + padding)
            angle = 0.0
            if y > 1:
                assert rand is not None
                fy, fcol = _f32(y), _f32(per_col)
                r1 = _f32(_f32(_f32(_f32(rand()) / _f32(_RAND_MAX)) / fcol) * fy)
                r2 = _f32(_f32(_f32(_f32(rand()) / _f32(_RAND_MAX)) / fcol) * fy)
                r3 = _f32(_f32(_f32(_f32(rand()) / _f32(_RAND_MAX)) / fcol) * fy)
                if rand() % 2:
                    r1 = -r1
                if rand() % 2:
                    r2 = -r2
                if rand() % 2:
                    r3 = -r3
                angle = r1
                sx = int(_f32(_f32(sx) + _f32(_f32(r2 * side) / 3)))
                sy = int(_f32(_f32(sy) + _f32(_f32(r3 * side) / 3)))
            _square(canvas, sx, sy, side, angle, 1)
    return _braille(canvas)


def _braille(canvas: _Canvas) -> str:
    """``renderCanvas`` of LOLWUT 5: each 2x4 block of pixels as one Braille character."""
    out: list[str] = []
    g = canvas.get
    for y in range(0, canvas.height, 4):
        for x in range(0, canvas.width, 2):
            byte = (g(x, y) | g(x, y + 1) << 1 | g(x, y + 2) << 2 | g(x + 1, y) << 3
                    | g(x + 1, y + 1) << 4 | g(x + 1, y + 2) << 5 | g(x, y + 3) << 6
                    | g(x + 1, y + 3) << 7)
            out.append(chr(0x2800 + byte))
        if y != canvas.height - 1:
            out.append("\n")
    return "".join(out)


def _skyscraper(canvas: _Canvas, xoff: int, width: int, height: int, windows: bool,
                color: int, rand: _Rand) -> None:
    """``generateSkyscraper``: a block with a narrower roof and, in front, random windows."""
    starty = canvas.height - 1
    endy = starty - height + 1
    for y in range(starty, endy - 1, -1):
        for x in range(xoff, xoff + width):
            if y == endy and (x <= xoff + 1 or x >= xoff + width - 2):
                continue
            c = color
            if windows and xoff + 1 < x < xoff + width - 2 and endy + 1 < y < starty - 1:
                relx, rely = x - (xoff + 1), y - (endy + 1)
                if (relx // 2) % 2 and rely % 2:
                    while True:
                        c = 1 + rand() % 2
                        if c != color:
                            break
                    if relx % 2:
                        c = canvas.get(x - 1, y)
            canvas.set(x, y, c)


def skyline(cols: int, rows: int, rand: _Rand) -> str:
    """``generateSkyline`` + the colour rendering of LOLWUT 6: two grey background passes,
    then the black foreground with windows."""
    canvas = _Canvas(cols, rows, 3)
    h = canvas.height
    for color in (2, 1):
        offset = -10
        while offset < canvas.width:
            offset += rand() % 8
            width = 10 + rand() % 9
            if color == 2:
                height = h // 2 + (rand() % h) // 2
            else:
                height = h // 2 + (rand() % h) // 3
            _skyscraper(canvas, offset, width, height, False, color, rand)
            offset += width // 2 if color == 2 else width + 1
    offset = -10
    while offset < canvas.width:
        offset += rand() % 8
        width = 5 + rand() % 14
        if width % 4:
            width += width % 3
        height = h // 3 + (rand() % h) // 2
        _skyscraper(canvas, offset, width, height, True, 0, rand)
        offset += width + 5
    codes = {0: "0;30;40m", 1: "0;90;100m", 2: "0;37;47m", 3: "0;97;107m"}
    out: list[str] = []
    for y in range(canvas.height):
        for x in range(canvas.width):
            out.append(f"\033[{codes.get(canvas.get(x, y), '0;30;40m')} \033[0m")
        if y != canvas.height - 1:
            out.append("\n")
    return "".join(out)


# -- the command ----------------------------------------------------------------------------------


def _longs(args: list[bytes], defaults: list[int]) -> list[int] | None:
    """The optional numeric arguments (``getLongFromObjectOrReply``), None on a bad one."""
    out = list(defaults)
    for i, a in enumerate(args[:len(defaults)]):
        v = string2ll(a)
        if v is None:
            return None
        out[i] = v
    return out


@command("lolwut")
def lolwut(s: Step, argv: list[bytes]) -> Reply:
    """``lolwutCommand``: LOLWUT [VERSION v] [version-specific arguments]."""
    version = "7.0.15"
    args = argv[1:]
    if len(argv) >= 3 and argv[1].lower() == b"version":
        v = string2ll(argv[2])
        if v is None:
            return NOT_INTEGER
        version = f"{v & 0xFFFFFFFF}.0.0"
        args = argv[3:]
    if (version[:2] == "5." and version[2] != "9") or version.startswith("4.9"):
        nums = _longs(args, [66, 8, 12])
        if nums is None:
            return NOT_INTEGER
        cols = min(max(nums[0], 1), 1000)
        per_row = min(max(nums[1], 1), 200)
        per_col = min(max(nums[2], 1), 200)
        rand = _Rand(s)
        art = schotter(cols, per_row, per_col, rand)
        rand.save()
        text = art + "\nGeorg Nees - schotter, plotter on paper, 1968. " + VERSION_LINE
    elif (version[:2] == "6." and version[2] != "9") or version.startswith("5.9"):
        nums = _longs(args, [80, 20])
        if nums is None:
            return NOT_INTEGER
        rand = _Rand(s)
        art = skyline(min(max(nums[0], 1), 1000), min(max(nums[1], 1), 1000), rand)
        rand.save()
        text = (art + "\nDedicated to the 8 bit game developers of past and present.\n"
                "Original 8 bit image from Plaguemon by hikikomori. " + VERSION_LINE)
    else:
        text = VERSION_LINE
    return Verbatim(text.encode())
