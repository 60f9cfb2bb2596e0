"""LZF, the compression of long strings in RDB files and DUMP payloads (liblzf 3.6).

Redis 7.0.15 as Debian ships it links the system liblzf 3.6 (its own ``deps/lzf`` is the same
library); ``rdbSaveLzfStringObject`` calls ``lzf_compress(s, len, out, len - 4)`` and writes
the string compressed only when that succeeds. For redspec's payloads to be the bytes Redis
writes, :func:`compress` follows liblzf's compressor step for step with the build settings
liblzf uses by default: a 2**16-slot hash table (``HLOG`` 16) indexed by the hash of the next
three bytes, the ``VERY_FAST`` variant (after a back reference only the two positions before
the new input position are hashed), back references of 3 to 264 bytes within 8 KiB, literal
runs of at most 32 bytes, and the same "does it still fit" checks against the output limit,
so a string that liblzf refuses to compress into ``len - 4`` bytes is refused here too.

The compressed format (what :func:`decompress` reads, ``lzf_d.c``): a control byte ``c``;
``c < 32`` starts ``c + 1`` literal bytes; otherwise the top 3 bits are the back reference's
length - 2 (7 meaning "add the next byte"), the low 5 bits and the next byte the distance - 1.

One difference cannot be reproduced: liblzf leaves its hash table uninitialised
(``INIT_HTAB`` 0), so a slot that the current input never wrote holds whatever the C stack
held. liblzf only follows a slot whose three bytes really match, so the output is always a
valid compression of the input, but in rare inputs a stale slot can make it choose another
(equally valid) reference than a fresh table would. This module starts from an empty table.
"""

from __future__ import annotations

__all__ = ["compress", "decompress", "HLOG"]

#: log2 of the hash table size (liblzf's default ``HLOG``).
HLOG = 16
_HSIZE = 1 << HLOG
_MAX_LIT = 1 << 5
_MAX_OFF = 1 << 13
_MAX_REF = (1 << 8) + (1 << 3)


def _idx(h: int) -> int:
    """liblzf's ``IDX(h)`` for the ``VERY_FAST`` build: the slot of a 3-byte hash ``h``."""
    return ((h >> (3 * 8 - HLOG)) - h * 5) & (_HSIZE - 1)


def _match_length(data: bytes, ref: int, ip: int, maxlen: int) -> int:
    """How many bytes the back reference at ``ref`` covers from ``ip`` (3 are known to
    match), as liblzf counts them: up to 16 bytes compared unconditionally when ``maxlen``
    exceeds 16, then byte by byte while below ``maxlen``."""
    ln = 2
    if maxlen > 16:
        for _ in range(16):
            ln += 1
            if data[ref + ln] != data[ip + ln]:
                return ln
    while True:
        ln += 1
        if not (ln < maxlen and data[ref + ln] == data[ip + ln]):
            return ln


def compress(data: bytes, out_len: int) -> bytes | None:
    """``lzf_compress(data, len, out, out_len)``: the compressed bytes, or None when they do
    not fit in ``out_len`` bytes (liblzf returns 0; Redis then stores the string as is)."""
    n = len(data)
    if n == 0 or out_len == 0:
        return None
    htab: dict[int, int] = {}
    out = bytearray(1)  # the control byte of the first literal run
    lit = 0
    ip = 0
    end2 = n - 2
    hval = (data[0] << 8) | data[1] if n >= 2 else data[0] << 8
    while ip < end2:
        hval = ((hval << 8) | data[ip + 2]) & 0xFFFFFF
        slot = _idx(hval)
        ref = htab.get(slot, 0)
        htab[slot] = ip
        off = ip - ref - 1
        if (0 <= off < _MAX_OFF and ref > 0 and data[ref + 2] == data[ip + 2]
                and data[ref] == data[ip] and data[ref + 1] == data[ip + 1]):
            op = len(out)
            if op + 3 + 1 >= out_len and op - (0 if lit else 1) + 3 + 1 >= out_len:
                return None
            out[op - lit - 1] = lit - 1 if lit else 0
            if not lit:
                del out[-1]  # undo the empty literal run
            maxlen = min(n - ip - 2, _MAX_REF)
            ln = _match_length(data, ref, ip, maxlen)
            ln -= 2  # the encoded length: octets - 2
            ip += 1
            if ln < 7:
                out.append((off >> 8) + (ln << 5))
            else:
                out.append((off >> 8) + (7 << 5))
                out.append(ln - 7)
            out.append(off & 0xFF)
            lit = 0
            out.append(0)  # start a new literal run
            ip += ln + 1
            if ip >= end2:
                break
            ip -= 2
            hval = (data[ip] << 8) | data[ip + 1]
            hval = ((hval << 8) | data[ip + 2]) & 0xFFFFFF
            htab[_idx(hval)] = ip
            ip += 1
            hval = ((hval << 8) | data[ip + 2]) & 0xFFFFFF
            htab[_idx(hval)] = ip
            ip += 1
        else:
            if len(out) >= out_len:
                return None
            lit += 1
            out.append(data[ip])
            ip += 1
            if lit == _MAX_LIT:
                out[len(out) - lit - 1] = lit - 1
                lit = 0
                out.append(0)
    if len(out) + 3 > out_len:
        return None
    while ip < n:
        lit += 1
        out.append(data[ip])
        ip += 1
        if lit == _MAX_LIT:
            out[len(out) - lit - 1] = lit - 1
            lit = 0
            out.append(0)
    if lit:
        out[len(out) - lit - 1] = lit - 1
    else:
        del out[-1]
    return bytes(out)


def decompress(data: bytes, out_len: int) -> bytes | None:
    """``lzf_decompress``: the original ``out_len`` bytes, or None when ``data`` is not a
    valid compression of exactly that many bytes (Redis's "Invalid LZF compressed string")."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        i += 1
        if c < 32:
            ln = c + 1
            if i + ln > n or len(out) + ln > out_len:
                return None
            out += data[i:i + ln]
            i += ln
            continue
        ln = c >> 5
        if ln == 7:
            if i >= n:
                return None
            ln += data[i]
            i += 1
        if i >= n:
            return None
        ref = len(out) - ((c & 0x1F) << 8) - 1 - data[i]
        i += 1
        ln += 2
        if ref < 0 or len(out) + ln > out_len:
            return None
        for k in range(ln):
            out.append(out[ref + k])
    return bytes(out) if len(out) == out_len else None
