"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the RDB
modules (issue #22, ``tools/mutation.py``): ``spec/lzf.py``, ``spec/crc64.py``,
``spec/rdbcodec.py`` and the rest of mechanism 16 as far as they were handled. Each check puts
a 7.0.15 rule exactly on its boundary; each has a planted-bug test whose planted bug *is* the
surviving mutant.

Property ``boundary_rdb_agrees_with_redis``.

LZF (``spec.lzf``). The compressor's output is checked against the bytes of the system liblzf
3.6 (the library Debian's redis-server 7.0.15 links; ``tests/test_rdb_interop.py`` compares
generated inputs live, :func:`test_lzf_vectors_are_liblzfs` here re-derives the vectors below
from it when it is installed). Each vector is (input, output limit) -> (length, CRC-64) of
liblzf's output:

- a back reference that runs to the end of the input with 16 and with 18 bytes left to
  compare (``maxlen > 16``: the 16 unrolled comparisons, then byte by byte);
- a back reference of exactly 9 bytes (encoded length 7: the long form, an extra length byte
  0);
- the two positions before the input position hashed after a back reference (the
  ``VERY_FAST`` build), later matched;
- a final literal run of exactly 32 bytes (the tail loop closes the run and starts none);
- the last check before the tail (``op + 3 > out_end``): an output limit with exactly room;
- two 3-byte sequences whose hashes share a slot of the 2**16-slot table (``HLOG`` 16): the
  second overwrites the first, so a later copy of the first is written as literals;
- a 9-byte match at ``off`` 8191 (the largest taken), 8192 and 8193 (refused: ``MAX_OFF``
  is 2**13).

The decompressor (``lzf_d.c``, the same verdicts as liblzf's ``lzf_decompress`` for each
input): a back reference whose control byte is the last input byte, or whose long-form
length byte is, is invalid (None, not an exception); a reference to the very first output
byte is valid. Seen through RESTORE on redis-server 7.0.15: a string payload whose LZF data
is ``00 61 20 00`` (literal ``a``, then 3 bytes from offset 0) restores ``aaaa``; cut after the
control byte ``20`` or ``e0`` it is ``-ERR Bad data format``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import random
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant
from redspec.spec import lzf
from redspec.spec.crc64 import crc64, crc64_bytes

NAME = "boundary_rdb_agrees_with_redis"


# -- LZF ------------------------------------------------------------------------------------------


def _lzf_inputs() -> dict[str, tuple[bytes, int]]:
    """name -> (input, output limit) of each LZF vector."""
    v = {
        "match_to_end_16": (
            b"\xd7\xa5z\xce\xbd,\xa8\xe90<\x821M\xa8\xa4\xd0\t23\xa2\xa5z\xce\xbd,\xa8\xe90<"
            b"\x821M\xa8\xa4\xd0\t23", 102),
        "match_to_end_18": (
            b" \xc9\x82\xc1{e;,\x11\x19\xcf\xa6\xe2\xa1\xe9\x00\xf2\xf0\xaf\xc2x\xc1\x88\xa4"
            b"\x82\xc1{e;,\x11\x19\xcf\xa6\xe2\xa1\xe9\x00\xf2\xf0\xaf\xc2x\xc1", 108),
        "match_of_9": (
            b"92$\x99b\xc6\x85r\x00\x05\x9a\xeb\x8e\xa1|\xf3x~\x0e\xd2\x9d\x1c\x0bc\xff\xd7)"
            b"\x83zzzzzzzzzz\xbdt\xfc\x11\xad\xd7\xb9\xcae\x03\x95\"i\xfdf\x9fcv\xeeq\x87"
            b"\x977\xfd_r\xf8\xd5", 130),
        "rehash_after_ref": (
            b"cacbbbdddadcababcccbadadcabdccdddabcadacdadcdbbaabccbcacbdddaba", 127),
        "final_room": (b"bbcdcbcdadbaaddbcdabbddcccccdbcddabbabd", 35),
        "last_run_of_32": (
            b"z" * 30 + b"\x1a\x94\x95\xb5\xfc\xce\xaa\x8b\xb0h\xfc<\xa9b\xa2\x99A,\x14\xcc"
            b"\xcf\x19\xcc\x997\x03\x17a\xf3\x1e\xc0K", 126),
        "hash_collision": (b".Tq7*R=\x93#Tq7@@", 80),
    }
    r = random.Random(22)
    key = b"Tq7!abcde"
    for off in (8191, 8192, 8193):  # the copy of ``key`` at ip, its first at 1: off = ip - 2
        data = b"." + key + r.randbytes(off - 8) + key + b"!"
        v[f"offset_{off}"] = (data, 2 * len(data))
    return v


#: name -> (length, CRC-64) of liblzf 3.6's output for :func:`_lzf_inputs`.
_LZF_WANT = {
    "match_to_end_16": (27, 0x0D9A4D1EEEC1419E),
    "match_to_end_18": (30, 0x38293E6802254E1F),
    "match_of_9": (62, 0xA8BF8D16C9BB4742),
    "rehash_after_ref": (57, 0x76A161B3388A35F4),
    "final_room": (34, 0xA446F1E62B27776E),
    "last_run_of_32": (39, 0x2E8CFE6105EF2B11),
    "hash_collision": (15, 0x402248DB54786AFC),
    "offset_8191": (8454, 0x351CB08ED1CF6CE9),
    "offset_8192": (8460, 0xC0FBB789CE4AA1A9),
    "offset_8193": (8460, 0x599DE079EADB1D7C),
}


def _no_crash(f: Any, *args: Any) -> Any:
    """``f(*args)``; an exception (a mutant indexing past the input) is a failed check."""
    try:
        return f(*args)
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"{NAME}: {f.__name__}{args!r:.60}: {e!r}") from e


def check_lzf_vectors() -> None:
    """``lzf.compress`` writes liblzf's bytes for every vector, and they decompress back."""
    for name, (data, out_len) in _lzf_inputs().items():
        out = _no_crash(lzf.compress, data, out_len)
        assert out is not None, f"{NAME}: LZF {name}: refused within {out_len} bytes"
        assert (len(out), crc64(out)) == _LZF_WANT[name], \
            f"{NAME}: LZF {name}: {len(out)} bytes, CRC {crc64(out):#x}: not liblzf's"
        assert lzf.decompress(out, len(data)) == data, f"{NAME}: LZF {name}: no round trip"


def check_lzf_decompress_edges() -> None:
    """Truncated back references are invalid (None), a reference to output byte 0 is not."""
    for data, n in ((b"\xe0", 9), (b"\x20", 3), (b"\xe0\x05", 14), (b"\x00a\x20\x01", 4)):
        assert _no_crash(lzf.decompress, data, n) is None, f"{NAME}: LZF {data!r} decompressed"
    assert lzf.decompress(b"\x00a\x20\x00", 4) == b"aaaa", f"{NAME}: LZF reference to byte 0"


def _lzf_string_payload(comp: bytes, ulen: int) -> bytes:
    """A DUMP payload of a string stored LZF-compressed (``comp``, ``ulen`` bytes), RDB 10."""
    body = b"\x00\xc3" + bytes((len(comp), ulen)) + comp + b"\x0a\x00"
    return body + crc64_bytes(body)


def check_lzf_restore() -> None:
    """RESTORE of hand-made LZF strings answers as redis-server 7.0.15 does."""
    c = Session()
    for comp, ulen, reply in ((b"\x00a\x20\x00", 4, b"+OK\r\n"),
                              (b"\x00a\x20", 4, b"-ERR Bad data format\r\n"),
                              (b"\x00a\xe0", 12, b"-ERR Bad data format\r\n")):
        got = c.call(b"RESTORE", b"k", 0, _lzf_string_payload(comp, ulen), b"REPLACE")
        assert got == reply, f"{NAME}: RESTORE of LZF {comp!r}: {got!r}"
    assert c.call(b"GET", b"k") == b"$4\r\naaaa\r\n", f"{NAME}: RESTORE of LZF: value"


def test_boundary_rdb_lzf() -> None:
    check_lzf_vectors()
    check_lzf_decompress_edges()
    check_lzf_restore()


def _liblzf() -> Any:
    name = ctypes.util.find_library("lzf") or "liblzf.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.lzf_compress.restype = ctypes.c_uint
    lib.lzf_decompress.restype = ctypes.c_uint
    return lib


@pytest.mark.skipif(_liblzf() is None, reason="the system liblzf is not installed")
def test_lzf_vectors_are_liblzfs() -> None:
    """The vectors' expected outputs are the system liblzf's (and its decompressor agrees on
    the edge inputs)."""
    lib = _liblzf()
    for name, (data, out_len) in _lzf_inputs().items():
        buf = ctypes.create_string_buffer(out_len + 16)
        n = lib.lzf_compress(data, len(data), buf, out_len)
        assert n and (n, crc64(buf.raw[:n])) == _LZF_WANT[name], name
    for data, ulen, ok in ((b"\xe0", 9, False), (b"\x20", 3, False), (b"\xe0\x05", 14, False),
                           (b"\x00a\x20\x01", 4, False), (b"\x00a\x20\x00", 4, True)):
        buf = ctypes.create_string_buffer(ulen + 16)
        assert (lib.lzf_decompress(data, len(data), buf, ulen) == ulen) == ok, data


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("func,old,new", [
    ("_match_length", "maxlen > 16", "maxlen >= 16"),
    ("_match_length", "            ln += 1\n            if data[ref",
     "            ln += 0\n            if data[ref"),
    ("compress", "if ln < 7:", "if ln <= 7:"),
    ("compress", "(data[ip] << 8) | data[ip + 1]", "(data[ip] << 8) | data[ip]"),
    ("compress", "if len(out) + 3 > out_len:", "if len(out) + 3 >= out_len:"),
    ("compress", "0 <= off < _MAX_OFF", "0 <= off <= _MAX_OFF"),
    *[("compress", "            out[len(out) - lit - 1] = lit - 1\n            lit = 0\n"
       "            out.append(0)\n    if lit:",
       f"            out[{new}] = {val}\n            lit = 0\n            out.append(0)\n"
       "    if lit:")
      for new, val in (("len(out) - lit", "lit - 1"), ("len(out) - lit - 2", "lit - 1"),
                       ("len(out) - lit - 1", "lit"), ("len(out) - lit - 1", "lit - 2"))],
])
def test_planted_lzf_compress(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                              new: str) -> None:
    plant(monkeypatch, lzf, func, old, new)
    _trips(check_lzf_vectors)


@pytest.mark.parametrize("name,value", [("_HSIZE", 0), ("_HSIZE", 2 << 16),
                                        ("_MAX_OFF", 2 << 13)])
def test_planted_lzf_constants(monkeypatch: pytest.MonkeyPatch, name: str, value: int) -> None:
    monkeypatch.setattr(lzf, name, value)
    _trips(check_lzf_vectors)


@pytest.mark.parametrize("old,new", [
    ("            if i >= n:", "            if i > n:"),
    ("        if i >= n:\n            return None\n        ref =",
     "        if i > n:\n            return None\n        ref ="),
    ("if ref < 0 or", "if ref <= 0 or"),
])
def test_planted_lzf_decompress(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant(monkeypatch, lzf, "decompress", old, new)
    _trips(check_lzf_decompress_edges)
