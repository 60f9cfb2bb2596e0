"""LZF, the compressor of RDB strings (Redis's ``lzf_c.c`` / ``lzf_d.c``, liblzf 3.x with
Redis's settings: ``HLOG`` 16, ``VERY_FAST``, not ``ULTRA_FAST``).

An RDB string longer than 20 bytes is stored LZF-compressed when ``rdbcompression`` is on
and the compressed form is shorter than the string minus 4 bytes; FUNCTION DUMP, DUMP and
RDB files all go through it, so a payload is byte-identical with Redis's only if this
compressor makes the very choices Redis's makes. It does: the same hash of three bytes, the
same table of last positions, the same greedy matches and the same re-hashing of the two
positions before the end of a match.

This is 7.0.15's ``lzf_c.c``: a match may start up to the last three bytes (later liblzf
versions add an ``ip + 4 < in_end`` bound, which 7.0.15 does not have; its DUMP bytes show it).

Where the two may differ: Redis leaves the hash table uninitialised (``INIT_HTAB`` 0, a stack
array), so a slot left by an earlier compression can point into the current input when the
same buffer is compressed again; the checks that follow (distance under 8 KiB, after the first
byte, three equal bytes) make a match found that way valid, so Redis then writes another valid
stream, which decompresses to the same bytes. Here every slot starts empty, which is what
Redis does for a buffer it has not compressed before (``tests/test_functions.py`` compares
300 such values with 7.0.15's DUMP bytes).

The compressed format: ``000LLLLL`` + L+1 literal bytes; ``LLLooooo oooooooo``: a back
reference of L+2 bytes at distance o+1 (L from 1 to 6); ``111ooooo LLLLLLLL oooooooo``: the
same with length L+9.
"""

from __future__ import annotations

__all__ = ["lzf_compress", "lzf_decompress"]

HLOG = 16
HSIZE = 1 << HLOG
MAX_LIT = 1 << 5
MAX_OFF = 1 << 13
MAX_REF = (1 << 8) + (1 << 3)


def _idx(h: int) -> int:
    """``IDX`` of ``VERY_FAST``: the hash slot of three bytes packed in ``h``."""
    return ((h >> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1)


def _match_length(data: bytes, ref: int, ip: int, maxlen: int) -> int:
    """The match loop of ``lzf_compress``, kept exactly: when more than 16 bytes may match,
    16 are compared without looking at ``maxlen`` (so near the end a match can run past it,
    up to the last byte), then byte by byte up to ``maxlen``."""
    length = 2
    if maxlen > 16:
        for _ in range(16):
            length += 1
            if data[ref + length] != data[ip + length]:
                return length
    length += 1
    while length < maxlen and data[ref + length] == data[ip + length]:
        length += 1
    return length


def lzf_compress(data: bytes, out_len: int) -> bytes | None:
    """``lzf_compress(in, in_len, out, out_len)``: the compressed bytes, or None when they
    would not fit in ``out_len`` bytes (Redis then stores the string as it is)."""
    n = len(data)
    if not n or not out_len:
        return None
    ip = 0
    out = bytearray(1)  # the length byte of the first literal run
    lit = 0
    htab: dict[int, int] = {}
    hval = (data[0] << 8) | data[1] if n > 1 else data[0] << 8
    while ip < n - 2:
        hval = ((hval << 8) | data[ip + 2]) & 0xFFFFFFFF
        slot = _idx(hval)
        ref = htab.get(slot, -1)
        htab[slot] = ip
        off = ip - ref - 1
        if (ref > 0 and off < MAX_OFF
                and data[ref] == data[ip] and data[ref + 1] == data[ip + 1]
                and data[ref + 2] == data[ip + 2]):
            length = 2
            maxlen = min(n - ip - length, MAX_REF)
            out[len(out) - lit - 1] = (lit - 1) & 0xFF  # stop the literal run
            if not lit:
                del out[-1]  # undo an empty run
            if len(out) + 3 + 1 >= out_len:
                return None
            length = _match_length(data, ref, ip, maxlen)
            length -= 2  # the number of bytes matched, minus one
            ip += 1
            if length < 7:
                out.append(((off >> 8) + (length << 5)) & 0xFF)
            else:
                out.append(((off >> 8) + (7 << 5)) & 0xFF)
                out.append((length - 7) & 0xFF)
            out.append(off & 0xFF)
            lit = 0
            out.append(0)  # start a run
            ip += length + 1
            if ip >= n - 2:
                break
            ip -= 2  # VERY_FAST: hash the two positions before the match's end
            hval = (data[ip] << 8) | data[ip + 1]
            hval = ((hval << 8) | data[ip + 2]) & 0xFFFFFFFF
            htab[_idx(hval)] = ip
            ip += 1
            hval = ((hval << 8) | data[ip + 2]) & 0xFFFFFFFF
            htab[_idx(hval)] = ip
            ip += 1
        else:
            if len(out) >= out_len:
                return None
            lit += 1
            out.append(data[ip])
            ip += 1
            if lit == MAX_LIT:
                out[len(out) - lit - 1] = lit - 1
                lit = 0
                out.append(0)
    if len(out) + 3 > out_len:
        return None
    while ip < n:
        lit += 1
        out.append(data[ip])
        ip += 1
        if lit == MAX_LIT:
            out[len(out) - lit - 1] = lit - 1
            lit = 0
            out.append(0)
    out[len(out) - lit - 1] = (lit - 1) & 0xFF  # end the run
    if not lit:
        del out[-1]
    return bytes(out)


def lzf_decompress(data: bytes, out_len: int) -> bytes | None:
    """``lzf_decompress``: the original bytes (exactly ``out_len`` of them), or None for a
    corrupt stream (a reference before the start, a run past the end of input or output)."""
    out = bytearray()
    ip, n = 0, len(data)
    while ip < n:
        ctrl = data[ip]
        ip += 1
        if ctrl < 32:  # literal run of ctrl+1 bytes
            ctrl += 1
            if len(out) + ctrl > out_len or ip + ctrl > n:
                return None
            out += data[ip:ip + ctrl]
            ip += ctrl
            continue
        length = ctrl >> 5
        if length == 7:
            if ip >= n:
                return None
            length += data[ip]
            ip += 1
        if ip >= n:
            return None
        ref = len(out) - ((ctrl & 0x1F) << 8) - 1 - data[ip]
        ip += 1
        length += 2
        if ref < 0 or len(out) + length > out_len:
            return None
        for _ in range(length):  # byte by byte: a reference may overlap what it writes
            out.append(out[ref])
            ref += 1
    return bytes(out) if len(out) == out_len else None
