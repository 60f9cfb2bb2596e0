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
import hashlib
import random
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import lzf, rdbcodec
from redspec.spec.crc64 import crc64, crc64_bytes
from redspec.spec.loading import check_rdb_report, load_step, start_loading
from redspec.spec.server import new_server

NAME = "boundary_rdb_agrees_with_redis"
NOW = 1_700_000_000_000


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


# -- the codec: integer, string and listpack encodings at their limits ---------------------------

#: DUMP payloads of redis-server 7.0.15 (``CONFIG SET hash-max-listpack-value 100000``): a
#: string SET to each integer limit of ``rdbEncodeInteger`` (int8/16/32; beyond: raw text),
#: a one-field hash (listpack) whose value sits at each limit of the listpack integer
#: encodings (7-bit, 13-bit, 16/24/32/64-bit) and string encodings (6-bit, 12-bit, 32-bit
#: lengths; entry sizes 127/128 and 16382/16383 around the back-length widths), and a
#: one-member sorted set (listpack) per score as ``d2string`` writes it, and an intset of
#: ``{v, 0}`` at each limit of its 16/32/64-bit widths (these with ``rdbcompression no``).
_DUMPS = {
    "str:-129": "00c17fff0a001760822854808480",
    "str:-128": "00c0800a009966326d2f0c5bd9",
    "str:127": "00c07f0a000db5eb315254c514",
    "str:128": "00c180000a00eb7ab3b510cf4b65",
    "str:-32769": "00c2ff7fffff0a00aee34c4d06c68536",
    "str:-32768": "00c100800a00b540064753bb1ace",
    "str:32767": "00c1ff7f0a00495a37da17f4d52b",
    "str:32768": "00c2008000000a0045d82eedd5bda910",
    "str:-2147483649": "000b2d323134373438333634390a00c261377908f2028c",
    "str:-2147483648": "00c2000000800a00c74f873e33558187",
    "str:2147483647": "00c2ffffff7f0a002c74e59ee02eada1",
    "str:2147483648": "000a323134373438333634380a00e7b129a34c1d76ee",
    "hash:0": "100c0c00000002008166020001ff0a002f67ae82c245e7e8",
    "hash:127": "100c0c00000002008166027f01ff0a007d32557e9a68fc20",
    "hash:128": "100d0d0000000200816602c08002ff0a00d25e44b90c9b69de",
    "hash:200": "100d0d0000000200816602c0c802ff0a003db4b073325883eb",
    "hash:255": "100d0d0000000200816602c0ff02ff0a00800bbf4554b67216",
    "hash:256": "100d0d0000000200816602c10002ff0a00057c63ecb43c847b",
    "hash:-1": "100d0d0000000200816602dfff02ff0a0042e10b600116e395",
    "hash:-4096": "100d0d0000000200816602d00002ff0a0058b99b0186d68e2b",
    "hash:-4097": "100e0e0000000200816602f1ffef03ff0a00d65fc94048142f8c",
    "hash:4095": "100d0d0000000200816602cfff02ff0a004bb7e81ebaef7426",
    "hash:4096": "100e0e0000000200816602f1001003ff0a00c17e9a7ddf20cc4f",
    "hash:-32768": "100e0e0000000200816602f1008003ff0a001fab73e8a2a61924",
    "hash:-32769": "100f0f0000000200816602f2ff7fff04ff0a00d8f174a83c22cfcc",
    "hash:32767": "100e0e0000000200816602f1ff7f03ff0a00088a20d53592fae7",
    "hash:32768": "100f0f0000000200816602f200800004ff0a00ad042f4571d33f70",
    "hash:-8388608": "100f0f0000000200816602f200008004ff0a00a1dbc04e8515cd2c",
    "hash:-8388609": "1010100000000200816602f3ffff7fff05ff0a002e5bde7fadf9dbda",
    "hash:8388607": "100f0f0000000200816602f2ffff7f04ff0a00d42e9ba3c8e43d90",
    "hash:8388608": "1010100000000200816602f30000800005ff0a0010462c437fde8fb6",
    "hash:-2147483648": "1010100000000200816602f30000008005ff0a001c99c3488b187dea",
    "hash:-2147483649": "1014140000000200816602f4ffffff7fffffffff09ff0a0034fdb18642b26644",
    "hash:2147483647": "1010100000000200816602f3ffffff7f05ff0a0022843174593f2986",
    "hash:2147483648": "1014140000000200816602f4000000800000000009ff0a00dd986913cd527830",
    "hashstr:63": "10c312404b0a4b0000000200816602bf01e035000140ff0a00c1128266ce6a0b4b",
    "hashstr:64": "10c313404d0b4d0000000200816602e04001e036000142ff0a0051e13ceb87f93fe6",
    "hashstr:125": "10c313408a0b8a0000000200816602e07d01e07300017fff0a00203e980d3d067544",
    "hashstr:126": "10c313408c0b8c0000000200816602e07e01e075000180ff0a00ea23f9457844986d",
    "hashstr:4095": ("10c34041500d0b0d1000000200816602efff01e0ff00e0ff00e0ff00e0ff"
        "00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07d00022081ff0a001f4229c6a5f3ed22"),
    "hashstr:4096": ("10c3404450110a111000000200816602f00020090001e0ff00e0ff00e0ff"
        "00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07e00022085ff0a005176d24747c9a729"),
    "hashstr:16377": ("10c340d0800000400a0e0a4000000200816602f0f93f000001e0ff00e0ff"
        "00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00c000027ffeff0a0001193ba9a50954b6"),
    "hashstr:16378": ("10c340d2800000400c0e0c4000000200816602f0fa3f000001e0ff00e0ff"
        "00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e000000300ffffff0a00956ab3d7e521b4b4"),
    "zset:1.5": "110f0f0000000200816d0283312e3504ff0a0049d9876078254e8a",
    "zset:3": "110c0c0000000200816d020301ff0a001a59b0aacab667a1",
    "zset:-0": "110c0c0000000200816d020001ff0a00383e5b0656986afe",
    "zset:inf": "110f0f0000000200816d0283696e6604ff0a00128f78ec77909a57",
    "zset:-inf": "1110100000000200816d02842d696e6605ff0a00f6adb186e1a8e39c",
    "zset:4503599627370496": "1114140000000200816d02f4000000000000100009ff0a006ced62f38fea2868",
    "zset:-4503599627370495": "1114140000000200816d02f4010000000000f0ff09ff0a0084eb94d9be379838",
    "zset:4503599627370495": "1114140000000200816d02f4ffffffffffff0f0009ff0a0050435d7ec29e445c",
    "zset:-4503599627370496": "1114140000000200816d02f4000000000000f0ff09ff0a00b92685eb4d7e5a28",
    "zset:1e20": "1111110000000200816d028531652b323006ff0a00ccc06df5f389fd60",
    "zset:0.1": "11c3161f0d1f0000000200816d0293302e3130e00500023114ff0a00f9c76f9ab27c4575",
    "set:-32768": "0b0c0200000002000000008000000a00df0e7aa418ba56b9",
    "set:-32769": "0b100400000002000000ff7fffff000000000a005fde6b54c590bb59",
    "set:32767": "0b0c02000000020000000000ff7f0a00a183e2eaba1db1cb",
    "set:32768": "0b10040000000200000000000000008000000a00af0fe496b219f0de",
    "set:-2147483648": "0b10040000000200000000000080000000000a008677559947244ee9",
    "set:-2147483649": "0b180800000002000000ffffff7fffffffff00000000000000000a002e45ee0a4e1de7a7",
    "set:2147483647": "0b10040000000200000000000000ffffff7f0a00c6a32fe5878af46f",
    "set:2147483648": "0b180800000002000000000000000000000000000080000000000a005f68ddfbf0aea976",
}

#: A one-element list of ``n`` bytes 0x01 (``rdbcompression no``): the DUMP's length, first and
#: last 24 bytes; its listpack entry is 2097150 / 2097151 bytes (3 / 4 back-length bytes).
_BIG_LISTS = {
    2097145: (2097178, "1201028000200008080020000100f0f9ff1f000101010101",
              "010101010101010101017ffffeff0a0094425007e88a7772"),
    2097146: (2097180, "120102800020000a0a0020000100f0faff1f000101010101",
              "01010101010101010100ffffffff0a00b6cbd83b7f87e1cd"),
}


def _build(c: Session, key: bytes, name: str) -> None:
    """The value of :data:`_DUMPS` entry ``name`` at ``key``."""
    kind, v = name.split(":", 1)
    c.call(b"DEL", key)
    if kind == "str":
        c.call(b"SET", key, v)
    elif kind == "hash":
        c.call(b"HSET", key, b"f", v)
    elif kind == "hashstr":
        c.call(b"HSET", key, b"f", b"\x01" * int(v))
    elif kind == "set":
        c.call(b"SADD", key, v, 0)
    else:
        c.call(b"ZADD", key, v, b"m")


def _bulk(frame: bytes) -> bytes:
    assert frame.startswith(b"$"), f"{NAME}: not a bulk reply: {frame[:40]!r}"
    return frame.split(b"\r\n", 1)[1][:-2]


def check_dump_bytes(kind: str = "") -> None:
    """The spec DUMPs each value (of names starting with ``kind``) as 7.0.15 does, and
    RESTOREs 7.0.15's payload to a value that DUMPs the same and reads the same."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"hash-max-listpack-value", b"100000")
    for name, hexed in _DUMPS.items():
        if not name.startswith(kind):
            continue
        if name.startswith("set:"):  # taken with ``rdbcompression no``
            c.call(b"CONFIG", b"SET", b"rdbcompression", b"no")
        want = bytes.fromhex(hexed)
        _no_crash(_build, c, b"k", name)
        got = _bulk(_no_crash(c.call, b"DUMP", b"k"))
        assert got == want, f"{NAME}: DUMP of {name}: {got.hex()}, Redis {hexed}"
        restored = _no_crash(c.call, b"RESTORE", b"r", 0, want, b"REPLACE")
        assert restored == b"+OK\r\n", f"{NAME}: RESTORE of {name}: {restored!r}"
        assert _bulk(_no_crash(c.call, b"DUMP", b"r")) == want, f"{NAME}: RESTORE of {name}: DUMP"
        what, v = name.split(":", 1)
        if what in ("str", "hash"):
            read = c.call(b"GET", b"r") if what == "str" else c.call(b"HGET", b"r", b"f")
            assert read == b"$%d\r\n%s\r\n" % (len(v), v.encode()), \
                f"{NAME}: RESTORE of {name}: read {read!r}"


def check_big_entries() -> None:
    """A listpack entry of 2097150 bytes has a 3-byte back length, one of 2097151 a 4-byte
    one (``lpEncodeBacklen``: ``l < 2097151``), as 7.0.15 DUMPs them."""
    c = Session()
    c.call(b"CONFIG", b"SET", b"rdbcompression", b"no")
    for n, (size, head, tail) in _BIG_LISTS.items():
        c.call(b"DEL", b"l")
        c.call(b"RPUSH", b"l", b"\x01" * n)
        got = _bulk(_no_crash(c.call, b"DUMP", b"l"))
        assert (len(got), got[:24].hex(), got[-24:].hex()) == (size, head, tail), \
            f"{NAME}: DUMP of a {n}-byte list element: {len(got)} {got[-24:].hex()}"


def check_codec_limits() -> None:
    """The limits a client cannot reach (4 GiB strings, 256 MiB listpack entries), from
    7.0.15's ``rdbSaveLen`` (``len <= UINT32_MAX``: 32 bits) and ``lpEncodeBacklen``
    (``l < 268435455``: 4 bytes)."""
    assert rdbcodec.save_len(0xFFFFFFFF) == b"\x80\xff\xff\xff\xff", \
        f"{NAME}: rdbSaveLen(UINT32_MAX)"
    assert rdbcodec.save_len(1 << 32) == b"\x81" + (1 << 32).to_bytes(8, "big"), \
        f"{NAME}: rdbSaveLen(2**32)"
    backlen = rdbcodec._lp_backlen
    assert len(backlen(268435454)) == 4 and len(backlen(268435455)) == 5, \
        f"{NAME}: lpEncodeBacklen at 268435455"


#: DEBUG LISTPACK on 7.0.15 of a hash (HSET h a 5 x*40 y*41 z*4096 -4097 w -32769 v -8388609 u
#: -2147483649): every entry encoding a 7.0 listpack writes but the 12-bit string; the
#: CRC-64 of its stdout without the ``addr:`` lines (Redis prints real pointers).
_LP_REPR_ENTRIES = [b"a", b"5", b"x" * 40, b"y" * 41, b"z" * 4096, b"-4097", b"w", b"-32769",
                    b"v", b"-8388609", b"u", b"-2147483649"]
_LP_REPR_CRC = 0x3425FCE35AB1B1AD
#: (hdr+entrylen+backlen, hdrlen, backlen, payload) per entry of DEBUG LISTPACK on 7.0.15
#: for the listpack of ``a 5 abc 200 x*64 -4096`` (the 6-bit string, 13-bit integer and
#: 12-bit string encodings).
_LP_REPR = [(3, 1, 1, 1), (2, 1, 1, 0), (5, 1, 1, 3), (3, 1, 1, 1), (67, 2, 1, 64),
            (3, 1, 1, 1)]


def check_listpack_repr() -> None:
    """``lpRepr`` (DEBUG LISTPACK's stdout) prints what 7.0.15 prints for every entry
    encoding: sizes, offsets, indexes, bytes, and values cut after 40 bytes."""
    text = rdbcodec.listpack_repr(rdbcodec.listpack_encode(_LP_REPR_ENTRIES), 0)
    shown = "\n".join(ln for ln in text.split("\n") if "addr:" not in ln)
    assert crc64(shown.encode()) == _LP_REPR_CRC, f"{NAME}: DEBUG LISTPACK text: {shown[:300]}"
    blob = rdbcodec.listpack_encode([b"a", b"5", b"abc", b"200", b"x" * 64, b"-4096"])
    text = rdbcodec.listpack_repr(blob, 0)
    got = []
    for block in text.split("{\n")[1:]:
        f = dict(ln.strip().split(": ", 1) for ln in block.splitlines()
                 if ":" in ln and not ln.strip().startswith(("[str]", "bytes")))
        got.append(tuple(int(f[k].strip(" ,"))
                         for k in ("hdr+entrylen+backlen", "hdrlen", "backlen", "payload")))
    assert got == _LP_REPR, f"{NAME}: DEBUG LISTPACK sizes {got}"
    assert text.startswith("{total bytes 90} {num entries 6}"), f"{NAME}: lpRepr header"


# -- the old encodings (ziplist, zipmap) RESTOREd as 7.0.15 reads them -----------------------------


def _payload(rtype: int, body: bytes, version: int = 9) -> bytes:
    """A DUMP payload: the type, the object, the RDB version, the CRC-64."""
    data = bytes((rtype,)) + body + version.to_bytes(2, "little")
    return data + crc64_bytes(data)


def _rdb_string(b: bytes) -> bytes:
    """An RDB string (``rdbSaveRawString`` without integer or LZF encoding)."""
    return rdbcodec.save_len(len(b)) + b


def _ziplist(entries: list[bytes]) -> bytes:
    """A ziplist of already encoded entries (encoding + data), each after its prevlen."""
    body, prev, tail = b"", 0, 10
    for e in entries:
        tail = 10 + len(body)
        pl = bytes((prev,)) if prev < 254 else b"\xfe" + prev.to_bytes(4, "little")
        body += pl + e
        prev = len(pl) + len(e)
    total = 10 + len(body) + 1
    return (total.to_bytes(4, "little") + tail.to_bytes(4, "little")
            + len(entries).to_bytes(2, "little") + body + b"\xff")


def _zl_ints() -> list[tuple[bytes, bytes]]:
    """(ziplist entry, its value) for a 14-bit and a 32-bit string and negative integers of
    every width (int16, int32, int64, int24, int8) and an immediate."""
    return [
        (bytes((0x40, 100)) + b"a" * 100, b"a" * 100),
        (b"\x80" + (16384).to_bytes(4, "big") + b"c" * 16384, b"c" * 16384),
        (b"\xc0" + (-300).to_bytes(2, "little", signed=True), b"-300"),
        (b"\xd0" + (-70000).to_bytes(4, "little", signed=True), b"-70000"),
        (b"\xe0" + (-5000000000).to_bytes(8, "little", signed=True), b"-5000000000"),
        (b"\xf0" + (-100000).to_bytes(3, "little", signed=True), b"-100000"),
        (b"\xfe" + (-5).to_bytes(1, "little", signed=True), b"-5"),
        (b"\xf1", b"0"),
    ]


def _zipmap(pairs: list[tuple[bytes, bytes]]) -> bytes:
    """A zipmap: a count byte, then per pair the key's length and bytes, the value's length,
    a free byte (0) and its bytes; lengths of 254 and more as 254 + 4 bytes."""
    def ln(n: int) -> bytes:
        return bytes((n,)) if n < 254 else b"\xfe" + n.to_bytes(4, "little")
    return bytes((len(pairs),)) + b"".join(ln(len(k)) + k + ln(len(v)) + b"\x00" + v
                                           for k, v in pairs) + b"\xff"


def _old_payloads() -> list[tuple[str, bytes, bytes, list[bytes] | None]]:
    """(name, payload, read command, the read's elements or None for ``Bad data format``)."""
    zl = _ziplist([e for e, _ in _zl_ints()])
    empty = _ziplist([])
    x = _ziplist([b"\x01x"])
    # one entry whose prevlen says "4 more bytes" where only 3 and the terminator remain
    cut = (15).to_bytes(4, "little") + (10).to_bytes(4, "little") + b"\x01\x00\xfe\0\0\0\xff"
    zm = _zipmap([(b"k" * 300, b"v" * 254), (b"f", b"w" * 253)])
    return [
        ("ziplist entries", _payload(14, rdbcodec.save_len(1) + _rdb_string(zl)), b"LRANGE",
         [v for _, v in _zl_ints()]),
        ("empty ziplist node", _payload(14, rdbcodec.save_len(2) + _rdb_string(empty)
                                        + _rdb_string(x)), b"LRANGE", [b"x"]),
        ("prevlen past the end", _payload(14, rdbcodec.save_len(1) + _rdb_string(cut)),
         b"LRANGE", None),
        ("zipmap long lengths", _payload(9, _rdb_string(zm)), b"HGETALL",
         [b"k" * 300, b"v" * 254, b"f", b"w" * 253]),
    ]


def _elements(frame: bytes) -> list[bytes]:
    """The bulk strings of an array reply."""
    head, _, rest = frame.partition(b"\r\n")
    assert head.startswith(b"*"), f"{NAME}: not an array: {frame[:60]!r}"
    out = []
    for _ in range(int(head[1:])):
        h, _, rest = rest.partition(b"\r\n")
        n = int(h[1:])
        out.append(rest[:n])
        rest = rest[n + 2:]
    return out


def check_old_encodings() -> None:
    """RESTORE of ziplist and zipmap payloads (RDB 9) reads as on 7.0.15."""
    c = Session()
    for name, payload, read, want in _old_payloads():
        got = _no_crash(c.call, b"RESTORE", b"o", 0, payload, b"REPLACE")
        if want is None:
            assert got == b"-ERR Bad data format\r\n", f"{NAME}: RESTORE {name}: {got!r}"
            continue
        assert got == b"+OK\r\n", f"{NAME}: RESTORE {name}: {got!r}"
        argv = [b"o", 0, -1] if read == b"LRANGE" else [b"o"]
        els = _elements(c.call(read, *argv))
        if read == b"HGETALL":  # a hashtable: compare the pairs, not their order
            els = sorted(els[i] + b"=" + els[i + 1] for i in range(0, len(els), 2))
            want = sorted(want[i] + b"=" + want[i + 1] for i in range(0, len(want), 2))
        assert els == want, f"{NAME}: RESTORE {name}: {[e[:20] for e in els]}"


# -- files: integrity failures in redis-check-rdb's words, expiry times, loading steps -----------


def _file(records: list[bytes]) -> bytes:
    """An RDB 9 file: db 0, the records, a string key ``after``, EOF and the CRC-64."""
    body = (b"REDIS0009\xfe\x00" + b"".join(records) + b"\x00" + _rdb_string(b"after")
            + _rdb_string(b"v") + b"\xff")
    return body + crc64_bytes(body)


def _report(offset: int, message: str, rtype: str, name: str) -> list[str]:
    """redis-check-rdb 7.0.15's report on a file whose key ``k`` fails inside its loader."""
    return [f"[offset 0] Checking RDB file {name}", "[offset 11] Selecting DB ID 0",
            "--- RDB ERROR DETECTED ---",
            f"[offset {offset}] Internal error in RDB reading offset 0, function at {message}",
            "[additional info] While doing: read-object-value",
            "[additional info] Reading key 'k'", f"[additional info] Reading type {rtype}",
            "[info] 1 keys read", "[info] 0 expires", "[info] 0 already expired",
            "Terminating server after rdb file reading failure."]


def _bad_files() -> list[tuple[str, bytes, list[str]]]:
    """(name, file, redis-check-rdb's report) for an empty intset, an empty zipmap and an
    intset with a member twice (7.0.15 fails each; a server loading the first at startup
    prints the same report and exits)."""
    intset = "rdb.c:2214 -> Intset integrity check failed."
    return [
        ("empty_intset.rdb", _file([b"\x0b" + _rdb_string(b"k") + _rdb_string(
            (2).to_bytes(4, "little") + bytes(4))]),
         _report(23, intset, "11 (set-intset)", "empty_intset.rdb")),
        ("empty_zipmap.rdb", _file([b"\x09" + _rdb_string(b"k") + _rdb_string(b"\x00\xff")]),
         _report(17, "rdb.c:2130 -> Zipmap integrity check failed.", "9 (hash-zipmap)",
                 "empty_zipmap.rdb")),
        ("dup_intset.rdb", _file([b"\x0b" + _rdb_string(b"k") + _rdb_string(
            (2).to_bytes(4, "little") + (2).to_bytes(4, "little") + b"\x01\x00\x01\x00")]),
         _report(27, intset, "11 (set-intset)", "dup_intset.rdb")),
    ]


def check_bad_files() -> None:
    """The spec's redis-check-rdb report on each bad file is 7.0.15's, line for line."""
    state = new_server(NOW)
    for name, data, want in _bad_files():
        got = _no_crash(check_rdb_report, data, name, state, NOW)
        assert got == want, f"{NAME}: redis-check-rdb {name}: {got}"


def check_negative_expire_load() -> None:
    """A key whose EXPIRETIME_MS is -1000 (a signed 64-bit time, ``rdbLoadMillisecondTime``)
    is already expired when loaded (redis-check-rdb 7.0.15: "1 already expired"); a 52-byte
    file is read in one step: ``rdbLoadProgressCallback`` handles events only when a read
    crosses a multiple of ``loading-process-events-interval-bytes`` (2 MiB)."""
    data = _file([b"\xfc" + (-1000).to_bytes(8, "little", signed=True) + b"\x00"
                  + _rdb_string(b"k") + _rdb_string(b"v")])
    state = start_loading(new_server(NOW), data, "dump.rdb", NOW)
    state, step = _no_crash(load_step, state, NOW)
    assert step.done, f"{NAME}: a {len(data)}-byte file took more than one loading step"
    keys = set(state.dbs[0].keys)
    assert keys == {b"after"}, f"{NAME}: keys after loading an expired key: {keys}"


def test_boundary_rdb_files() -> None:
    check_bad_files()
    check_negative_expire_load()


# -- the encoding a RESTOREd value gets, at each limit (rdbLoadObject) ----------------------------


def _limit_scenarios() -> list[tuple[str, bytes, bytes, list[bytes], bytes]]:
    """(name, config, value while building, the command building ``k``, value when
    RESTOREing): a DUMP of ``k`` built under one limit is RESTOREd under the default one."""
    def h(n: int, flen: int = 2, vlen: int = 1) -> list[bytes]:
        return [b"HSET", b"k", *[x for i in range(n)
                                 for x in ((b"f%d" % i).ljust(flen, b"f"), b"v" * vlen)]]

    def z(n: int, mlen: int = 2) -> list[bytes]:
        return [b"ZADD", b"k", *[x for i in range(n)
                                 for x in (b"%d" % i, (b"m%d" % i).ljust(mlen, b"x"))]]

    he, ze, si = b"hash-max-listpack-entries", b"zset-max-listpack-entries", b"set-max-intset-entries"
    out = []
    for n in (128, 129):
        out += [(f"hash-ht-{n}", he, b"1", h(n), b"128"), (f"hash-lp-{n}", he, b"1000", h(n), b"128"),
                (f"zset-sl-{n}", ze, b"1", z(n), b"128"), (f"zset-lp-{n}", ze, b"1000", z(n), b"128")]
    for ln in (64, 65):
        out += [(f"hash-ht-value-{ln}", he, b"0", h(1, vlen=ln), b"128"),
                (f"hash-ht-field-{ln}", he, b"0", h(1, flen=ln), b"128"),
                (f"zset-sl-member-{ln}", ze, b"0", z(1, ln), b"128")]
    for n in (512, 513):
        members = [b"SADD", b"k", *[b"%d" % i for i in range(n)]]
        out += [(f"set-ht-{n}", si, b"1", members, b"512"),
                (f"set-is-{n}", si, b"1000", members, b"512")]
    return out


#: OBJECT ENCODING of the RESTOREd key on redis-server 7.0.15, per scenario: a payload of
#: exactly the limit's size (128 hash or zset entries, 64-byte fields, values or members,
#: 512 integers) loads compact, one more does not, whatever the payload's own encoding.
_LIMIT_WANT = {
    "hash-ht-128": b"listpack", "hash-lp-128": b"listpack", "zset-sl-128": b"listpack",
    "zset-lp-128": b"listpack", "hash-ht-129": b"hashtable", "hash-lp-129": b"hashtable",
    "zset-sl-129": b"skiplist", "zset-lp-129": b"skiplist", "hash-ht-value-64": b"listpack",
    "hash-ht-field-64": b"listpack", "zset-sl-member-64": b"listpack",
    "hash-ht-value-65": b"hashtable", "hash-ht-field-65": b"hashtable",
    "zset-sl-member-65": b"skiplist", "set-ht-512": b"intset", "set-is-512": b"intset",
    "set-ht-513": b"hashtable", "set-is-513": b"hashtable",
}


def check_restore_limits(prefix: str = "") -> None:
    """RESTORE gives each value the encoding 7.0.15 gives it at the limits."""
    c = Session()
    for name, param, build, argv, default in _limit_scenarios():
        if not name.startswith(prefix):
            continue
        c.call(b"DEL", b"k")
        c.call(b"CONFIG", b"SET", param, build)
        c.call(*argv)
        payload = _bulk(c.call(b"DUMP", b"k"))
        c.call(b"CONFIG", b"SET", param, default)
        got = _no_crash(c.call, b"RESTORE", b"r", 0, payload, b"REPLACE")
        assert got == b"+OK\r\n", f"{NAME}: RESTORE {name}: {got!r}"
        enc = _bulk(c.call(b"OBJECT", b"ENCODING", b"r"))
        assert enc == _LIMIT_WANT[name], f"{NAME}: RESTORE {name}: {enc!r}"


def test_boundary_rdb_restore_limits() -> None:
    check_restore_limits()


# -- list nodes: list-max-listpack-size levels, the count limit, the packed threshold ------------


def _list_cases() -> list[tuple[str, list[list[bytes]], str, int]]:
    """(name, commands building ``l``, SHA-1 prefix and length of 7.0.15's DUMP of ``l``):
    lists whose last node reaches a size level exactly (-1..-5: 4, 8, 16, 32, 64 KiB; a
    count fill at the 8 KiB safety limit), fill 0 and 3, fills below -5 (packed as -5),
    head pushes (nodes aligned at the tail), and plain nodes at a packed threshold of 100."""
    def fill(f: int, length: int, n: int) -> list[list[bytes]]:
        return [[b"CONFIG", b"SET", b"list-max-listpack-size", b"%d" % f],
                [b"RPUSH", b"l", *[b"x" * length] * n]]
    f3 = [b"CONFIG", b"SET", b"list-max-listpack-size", b"3"]
    pushed = [b"LPUSH", b"l", *[b"e%d" % i for i in range(7)]]
    return [
        ("fill-1", fill(-1, 1, 2732), "1aa77e1b42e2502a", 164),
        ("fill-2", fill(-2, 299, 56), "0dc130e104322827", 416),
        ("fill-3", fill(-3, 1, 10924), "09a20b76cb907b97", 442),
        ("fill-4", fill(-4, 3, 13109), "91460c887c8a0b30", 832),
        ("fill-5", fill(-5, 1, 43692), "dafa7c8a635e14c9", 1570),
        ("fill1000", fill(1000, 299, 56), "0dc130e104322827", 416),
        ("fill0", fill(0, 1, 5), "0c2c7dc100364f37", 72),
        ("fill3", fill(3, 1, 4), "85edf5487bad21d8", 42),
        ("fill-6", fill(-6, 1, 43692), "dafa7c8a635e14c9", 1570),
        ("fill-100", fill(-100, 1, 43692), "dafa7c8a635e14c9", 1570),
        ("lpush7", [f3, pushed], "a15478e0ed0e5499", 67),
        ("lpush7-lpop", [f3, pushed, [b"LPOP", b"l"]], "6ffd3d23e6cc0d74", 54),
        ("threshold100", [[b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", b"100"],
                          [b"RPUSH", b"l", b"a", b"y" * 99, b"z" * 100, b"b", b"w" * 101]],
         "9d01ae9bb1d14155", 76),
    ]


def check_list_nodes(prefix: str = "") -> None:
    """The spec DUMPs each list with 7.0.15's node layout; DEBUG QUICKLIST-PACKED-THRESHOLD
    takes 4 GiB - 1 MiB and refuses one byte more."""
    for name, cmds, digest, size in _list_cases():
        if not name.startswith(prefix):
            continue
        c = Session(**{"enable-debug-command": "yes"})
        for argv in cmds:
            _no_crash(c.call, *argv)
        got = _bulk(_no_crash(c.call, b"DUMP", b"l"))
        assert (hashlib.sha1(got).hexdigest()[:16], len(got)) == (digest, size), \
            f"{NAME}: DUMP of list {name}: {len(got)} bytes"
    c = Session(**{"enable-debug-command": "yes"})
    for v, reply in ((b"4293918720", b"+OK\r\n"), (b"4293918721", b"-ERR argument must be a "
                     b"memory value bigger than 1 and smaller than 4gb\r\n"), (b"0", b"+OK\r\n")):
        got = c.call(b"DEBUG", b"QUICKLIST-PACKED-THRESHOLD", v)
        assert got == reply, f"{NAME}: DEBUG QUICKLIST-PACKED-THRESHOLD {v!r}: {got!r}"


def test_boundary_rdb_list_nodes() -> None:
    check_list_nodes()


# -- headers, trailers and payload footers -----------------------------------------------------


def check_file_edges() -> None:
    """redis-check-rdb 7.0.15 on edge files: a version-5 file with a wrong CRC-64 fails the
    check-sum (version 5 is the first with one), exactly as the spec reports it; a 9-byte
    file (magic and version, nothing else) ends in "Unexpected EOF reading RDB file" (the
    magic is complete), a version-0 file in "Can't handle RDB format version 0". (7.0.15
    also prints "Reading type 0 (string)" and its counts for these two, and the version
    error at offset 9: the spec's report does not yet, a known gap of issue 22's RDB run.)
    RESTORE of a payload that is exactly the 10-byte footer (version 10 and its CRC) is
    ``Bad data format``, not a footer error."""
    state = new_server(NOW)
    body5 = b"REDIS0005\xfe\x00\x00\x01k\x01v\xff"
    got = _no_crash(check_rdb_report, body5 + b"\x01" * 8, "v5.rdb", state, NOW)
    assert got == ["[offset 0] Checking RDB file v5.rdb", "[offset 11] Selecting DB ID 0",
                   "--- RDB ERROR DETECTED ---", "[offset 25] RDB CRC error",
                   "[additional info] While doing: check-sum", "[info] 1 keys read",
                   "[info] 0 expires", "[info] 0 already expired"], f"{NAME}: v5 CRC: {got}"
    got = _no_crash(check_rdb_report, b"REDIS0010", "nine.rdb", state, NOW)
    assert "[offset 9] Unexpected EOF reading RDB file" in got, f"{NAME}: 9-byte file: {got}"
    got = _no_crash(check_rdb_report, b"REDIS0000\xff" + bytes(8), "v0.rdb", state, NOW)
    assert any(ln.endswith("] Can't handle RDB format version 0") for ln in got), \
        f"{NAME}: version 0: {got}"
    c = Session()
    footer = b"\x0a\x00" + crc64_bytes(b"\x0a\x00")
    got = c.call(b"RESTORE", b"z", 0, footer)
    assert got == b"-ERR Bad data format\r\n", f"{NAME}: RESTORE of a bare footer: {got!r}"


def test_boundary_rdb_file_edges() -> None:
    check_file_edges()


def test_boundary_rdb_codec() -> None:
    check_dump_bytes()
    check_old_encodings()
    check_codec_limits()
    check_listpack_repr()


def test_boundary_rdb_big_entries() -> None:
    check_big_entries()


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


_IS16 = "-(1 << 15) <= v < 1 << 15"
_IS32 = "-(1 << 31) <= v < 1 << 31"


@pytest.mark.parametrize("func,old,new,kind", [
    ("_encode_integer", "-(1 << 7) <= v", "-(2 << 7) <= v", "str:"),
    ("_encode_integer", _IS16, "-(1 << 15) < v < 1 << 15", "str:"),
    ("_encode_integer", _IS16, "-(1 << 15) <= v <= 1 << 15", "str:"),
    ("_encode_integer", _IS16, "-(0 << 15) <= v < 1 << 15", "str:"),
    ("_encode_integer", _IS16, "-(2 << 15) <= v < 1 << 15", "str:"),
    ("_encode_integer", _IS16, "-(1 << 15) <= v < 2 << 15", "str:"),
    ("_encode_integer", 'v.to_bytes(2, "little", signed=True)',
     'v.to_bytes(2, "little", signed=False)', "str:"),
    ("_encode_integer", _IS32, "-(2 << 31) <= v < 1 << 31", "str:"),
    ("_encode_integer", _IS32, "-(1 << 31) <= v < 0 << 31", "str:"),
    ("_lp_backlen", "if n < 16383", "if n <= 16383", "hashstr:"),
    ("_lp_entry", "0 <= v <= 127", "0 <= v < 127", "hash:"),
    ("_lp_entry", "-4096 <= v <= 4095", "-4096 < v <= 4095", "hash:"),
    ("_lp_entry", "-4096 <= v <= 4095", "-4096 <= v < 4095", "hash:"),
    ("_lp_entry", "-32768 <= v <= 32767", "-32768 < v <= 32767", "hash:"),
    ("_lp_entry", "-32768 <= v <= 32767", "-32768 <= v < 32767", "hash:"),
    ("_lp_entry", 'v.to_bytes(2, "little", signed=True)',
     'v.to_bytes(2, "little", signed=False)', "hash:"),
    ("_lp_entry", "-8388608 <= v <= 8388607", "-8388608 < v <= 8388607", "hash:"),
    ("_lp_entry", "-8388608 <= v <= 8388607", "-8388608 <= v < 8388607", "hash:"),
    ("_lp_entry", 'v.to_bytes(3, "little", signed=True)',
     'v.to_bytes(3, "little", signed=False)', "hash:"),
    ("_lp_entry", "-2147483648 <= v <= 2147483647", "-2147483648 < v <= 2147483647", "hash:"),
    ("_lp_entry", "-2147483648 <= v <= 2147483647", "-2147483648 <= v < 2147483647", "hash:"),
    ("_lp_entry", "if n < 64:", "if n <= 64:", "hashstr:"),
    ("listpack_decode", "elif b < 0xC0:", "elif b <= 0xC0:", "hash:"),
    ("listpack_decode", "u >= 4096", "u > 4096", "hash:"),
    ("d2string", "d == float(int(d))", "d != float(int(d))", "zset:"),
    ("intset_encode", _IS16, "-(1 << 15) < v < 1 << 15", "set:"),
    ("intset_encode", _IS16, "-(1 << 15) <= v <= 1 << 15", "set:"),
    ("intset_encode", _IS16, "-(2 << 15) <= v < 1 << 15", "set:"),
    ("intset_encode", _IS32, "-(1 << 31) < v < 1 << 31", "set:"),
    ("intset_encode", _IS32, "-(1 << 31) <= v <= 1 << 31", "set:"),
    ("intset_encode", _IS32, "-(2 << 31) <= v < 1 << 31", "set:"),
    ("intset_encode", _IS32, "-(1 << 31) <= v < 2 << 31", "set:"),
])
def test_planted_codec_dump(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                            kind: str) -> None:
    plant_everywhere(monkeypatch, rdbcodec, func, old, new)
    _trips(lambda: check_dump_bytes(kind))


def test_planted_codec_int16_load(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, rdbcodec.Reader, "load_string",
          'int.from_bytes(self.take(2), "little", signed=True)',
          'int.from_bytes(self.take(2), "little", signed=False)')
    _trips(lambda: check_dump_bytes("str:"))


@pytest.mark.parametrize("func,old,new", [
    ("save_len", "if n <= 0xFFFFFFFF", "if n < 0xFFFFFFFF"),
    ("_lp_backlen", "if n < 268435455", "if n <= 268435455"),
])
def test_planted_codec_limits(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                              new: str) -> None:
    plant_everywhere(monkeypatch, rdbcodec, func, old, new)
    _trips(check_codec_limits)


def test_planted_codec_big_backlen(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, rdbcodec, "_lp_backlen", "if n < 2097151", "if n <= 2097151")
    _trips(check_big_entries)


@pytest.mark.parametrize("func,old,new", [
    ("_lp_sizes", "return 1, 1\n", "return 0, 1\n"),
    ("_lp_sizes", "return 1, 1\n", "return 2, 1\n"),
    ("_lp_sizes", "return 1, 1\n", "return 1, 0\n"),
    ("_lp_sizes", "return 1, 1\n", "return 1, 2\n"),
    ("_lp_sizes", "if b < 0xC0:", "if b <= 0xC0:"),
    ("_lp_sizes", "return 1, 1 + (b & 0x3F)", "return 0, 1 + (b & 0x3F)"),
    ("_lp_sizes", "return 1, 1 + (b & 0x3F)", "return 2, 1 + (b & 0x3F)"),
    ("_lp_sizes", "return 1, 1 + (b & 0x3F)", "return 1, (b & 0x3F)"),
    ("_lp_sizes", "return 1, 1 + (b & 0x3F)", "return 1, 2 + (b & 0x3F)"),
    ("_lp_sizes", "if b < 0xE0:", "if b <= 0xE0:"),
    ("_lp_sizes", "return 1, 2\n", "return 0, 2\n"),
    ("_lp_sizes", "return 1, 2\n", "return 2, 2\n"),
    ("_lp_sizes", "if b < 0xF0:", "if b <= 0xF0:"),
    ("_lp_sizes", "| blob[p + 1])", "| blob[p])"),
    ("_lp_sizes", "| blob[p + 1])", "| blob[p + 2])"),
    ("_lp_sizes", "if b == 0xF0:", "if b != 0xF0:"),
    ("_lp_sizes", "blob[p + 1:p + 5]", "blob[p:p + 5]"),
    ("_lp_sizes", "blob[p + 1:p + 5]", "blob[p + 2:p + 5]"),
    ("_lp_sizes", "return 1, {", "return 0, {"),
    ("_lp_sizes", "return 1, {", "return 2, {"),
    ("listpack_repr", "len(blob) - 1, 0", "len(blob), 0"),
    ("listpack_repr", "while p < end:", "while p <= end:"),
    ("listpack_repr", "len(shown) > 40", "len(shown) >= 40"),
    ("listpack_repr", "index += 1", "index += 0"),
    ("listpack_repr", "index += 1", "index += 2"),
])
def test_planted_codec_listpack_repr(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                     new: str) -> None:
    plant_everywhere(monkeypatch, rdbcodec, func, old, new)
    _trips(lambda: _no_crash(check_listpack_repr))


@pytest.mark.parametrize("func,old,new", [
    ("ziplist_decode", "len(blob) < 11", "len(blob) <= 11"),
    ("ziplist_decode", "elif top == 1:", "elif top == 0:"),
    ("ziplist_decode", "| _at(blob, p + 1)", "| _at(blob, p)"),
    ("ziplist_decode", "| _at(blob, p + 1)", "| _at(blob, p + 2)"),
    ("ziplist_decode", 'blob[p + 1:p + 3], "little", signed=True',
     'blob[p + 1:p + 3], "little", signed=False'),
    ("ziplist_decode", 'blob[p + 1:p + 9], "little", signed=True',
     'blob[p + 1:p + 9], "little", signed=False'),
    ("ziplist_decode", 'blob[p + 1:p + 4], "little", signed=True',
     'blob[p + 1:p + 4], "little", signed=False'),
    ("_at", "if i >= len(blob):", "if i > len(blob):"),
    ("zipmap_decode", "if b < 254:", "if b <= 254:"),
    ("zipmap_decode", "if b == 254:", "if b != 254:"),
    ("zipmap_decode", 'blob[p + 1:p + 5], "little"', 'blob[p:p + 5], "little"'),
    ("zipmap_decode", 'blob[p + 1:p + 5], "little"', 'blob[p + 2:p + 5], "little"'),
])
def test_planted_codec_old_encodings(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                     new: str) -> None:
    plant_everywhere(monkeypatch, rdbcodec, func, old, new)
    _trips(check_old_encodings)


def test_planted_codec_intset_order(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, rdbcodec, "intset_decode", "a >= b", "a > b")
    _trips(check_bad_files)


@pytest.mark.parametrize("func,old,new", [
    ("take", "(pos + n) // iv > pos // iv", "(pos + n) // iv >= pos // iv"),
    ("load_millis", "signed=True", "signed=False"),
])
def test_planted_codec_file_load(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                 new: str) -> None:
    plant(monkeypatch, rdbcodec.Reader, func, old, new)
    _trips(check_negative_expire_load)


def test_planted_intset_empty_is_an_empty_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The spec's earlier rule (an empty intset skipped as an empty key, where 7.0.15 fails
    the load with "Intset integrity check failed.")."""
    plant_everywhere(monkeypatch, rdbcodec, "intset_decode", 'raise RdbCorrupt("Empty intset")',
                     'raise RdbEmptyKey("Empty intset")')
    from redspec.spec import rdb
    monkeypatch.setattr(rdb, "_intset_members", lambda blob: [b"%d" % v for v in
                                                              rdbcodec.intset_decode(blob)])
    _trips(check_bad_files)


@pytest.mark.parametrize("func,old,new,prefix", [
    ("_set_of", "len(members) <= limits.set_intset", "len(members) < limits.set_intset",
     "set-ht"),
    ("load_object", "len(members) <= limits.set_intset", "len(members) < limits.set_intset",
     "set-is"),
    ("_load_hash", "lp = n <= limits.hash_entries", "lp = n < limits.hash_entries", "hash-ht"),
    ("_load_hash", "            len(f) <= limits.hash_value", "            len(f) < limits.hash_value",
     "hash-ht"),
    ("_load_hash", "and len(v) <= limits.hash_value for f, v in pairs)",
     "and len(v) < limits.hash_value for f, v in pairs)", "hash-ht"),
    ("_load_hash", "lp = len(pairs) <= limits.hash_entries", "lp = len(pairs) < limits.hash_entries",
     "hash-lp"),
    ("_load_zset", "lp = n <= limits.zset_entries", "lp = n < limits.zset_entries", "zset-sl"),
    ("_load_zset", "len(m) <= limits.zset_value", "len(m) < limits.zset_value", "zset-sl"),
    ("_load_zset", "len(pairs) <= limits.zset_entries", "len(pairs) < limits.zset_entries",
     "zset-lp"),
])
def test_planted_rdb_restore_limits(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                    new: str, prefix: str) -> None:
    from redspec.spec import rdb
    plant_everywhere(monkeypatch, rdb, func, old, new)
    _trips(lambda: check_restore_limits(prefix))


@pytest.mark.parametrize("func,old,new,prefix", [
    ("set_packed_threshold", "sz > (1 << 32) - (1 << 20)", "sz >= (1 << 32) - (1 << 20)", "none"),
    ("set_packed_threshold", "sz > (1 << 32) - (1 << 20)", "sz > (0 << 32) - (1 << 20)", "none"),
    ("set_packed_threshold", "sz > (1 << 32) - (1 << 20)", "sz > (2 << 32) - (1 << 20)", "none"),
    ("set_packed_threshold", "sz > (1 << 32) - (1 << 20)", "sz > (1 << 32) - (0 << 20)", "none"),
    ("set_packed_threshold", "sz > (1 << 32) - (1 << 20)", "sz > (1 << 32) - (2 << 20)", "none"),
    ("_allow_insert", "if fill < 0 and", "if fill <= 0 and", "fill0"),
    ("_allow_insert", "-fill - 1 < len(_OPT_LEVEL)", "-fill < len(_OPT_LEVEL)", "fill-5"),
    ("_allow_insert", "new_sz <= _OPT_LEVEL[-fill - 1]", "new_sz < _OPT_LEVEL[-fill - 1]",
     "fill-"),
    ("_allow_insert", "new_sz <= _OPT_LEVEL[-fill - 1]", "new_sz <= _OPT_LEVEL[-fill - 2]",
     "fill-"),
    ("_allow_insert", "new_sz > _SAFETY_LIMIT", "new_sz >= _SAFETY_LIMIT", "fill1000"),
    ("quicklist_nodes", "len(e) >= threshold", "len(e) > threshold", "threshold"),
    ("head_pushed_nodes", "elements[::-1]", "elements[::-2]", "lpush"),
    ("head_pushed_nodes", "els[::-1]", "els[::-2]", "lpush"),
    ("quicklist_fill", "max(min(fill, _FILL_MAX), -len(_OPT_LEVEL))", "fill", "fill-6"),
])
def test_planted_rdb_list_nodes(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                                prefix: str) -> None:
    from redspec.spec import rdb
    plant_everywhere(monkeypatch, rdb, func, old, new)
    _trips(lambda: check_list_nodes(prefix))


@pytest.mark.parametrize("func,old,new", [
    ("check_trailer", "if c.version < 5:", "if c.version <= 5:"),
    ("read_header", "if len(data) < 9 or", "if len(data) <= 9 or"),
    ("read_header", "if version < 1 or", "if version < 0 or"),
    ("verify_payload", "if len(payload) < 10:", "if len(payload) <= 10:"),
])
def test_planted_rdb_file_edges(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                new: str) -> None:
    from redspec.spec import rdb
    plant_everywhere(monkeypatch, rdb, func, old, new)
    _trips(check_file_edges)
