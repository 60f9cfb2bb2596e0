"""Differential cases for the HyperLogLog commands (``hyperloglog.c``), Redis 7.0.15.

An HLL is a string, so GET shows its exact bytes: most cases end with GET to compare the
header (cached cardinality and its stale bit), the sparse opcodes or the dense registers byte
for byte. The sparse -> dense promotion is checked at both triggers (a register value above 32
and ``hll-sparse-max-bytes``, lowered with CONFIG SET), with PFDEBUG ENCODING around it. Forged
and corrupted HLLs are planted with SET (a bad header is WRONGTYPE, a sparse code that does not
cover exactly 16384 registers is INVALIDOBJ, a forged valid cache is believed).

PFSELFTEST is not replayed here: Redis's takes one to two seconds per call (its OK reply was
compared once; ``tests/test_hll.py`` checks ours).
"""

from __future__ import annotations

FUTURE = "4102444800000"


def _hdr(enc: int, card: bytes = b"\x00" * 8, unused: bytes = b"\x00\x00\x00") -> bytes:
    return b"HYLL" + bytes([enc]) + unused + card


STALE = b"\x00" * 7 + b"\x80"
EMPTY_SPARSE = _hdr(1) + b"\x7f\xff"
#: XZERO of 16383 registers: one short.
SHORT_SPARSE = _hdr(1, STALE) + b"\x7f\xfe"
#: XZERO 16384 then a VAL: one register too many.
LONG_SPARSE = _hdr(1, STALE) + b"\x7f\xff\x80"
#: VAL(5, len 1) then XZERO 16383: valid, written by hand.
HAND_SPARSE = _hdr(1, STALE) + bytes([0x80 | (4 << 2)]) + b"\x7f\xfe"
#: A truncated XZERO (its second byte is the string's terminator).
CUT_SPARSE = _hdr(1, STALE) + b"\x7f"
DENSE_ZERO = _hdr(0, STALE) + b"\x00" * 12288
DENSE_MAX = _hdr(0, STALE) + b"\xff" * 12288
DENSE_51 = _hdr(0, STALE) + bytes([0x33 | 0xC0, 0x3C | 0x0C, 0xCF]) * 4096
#: A forged valid cache claiming 12345.
FORGED = _hdr(1, (12345).to_bytes(8, "little")) + b"\x7f\xff"

ELEMS = [f"e{i}" for i in range(3000)]
ELEMS_B = [f"b{i}" for i in range(3000)]


def _many(n: int, prefix: str = "m") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


CASES: list[tuple[str, list[list[bytes | str]]]] = [
    # -- PFADD basics ----------------------------------------------------------------------
    ("pfadd-new-key", [["PFADD", "h", "a", "b", "c"], ["GET", "h"], ["PFCOUNT", "h"],
                       ["GET", "h"]]),
    ("pfadd-no-elements-new", [["PFADD", "h"], ["GET", "h"], ["PFCOUNT", "h"], ["GET", "h"]]),
    ("pfadd-no-elements-existing", [["PFADD", "h", "x"], ["PFCOUNT", "h"], ["PFADD", "h"],
                                    ["GET", "h"]]),
    ("pfadd-same-again", [["PFADD", "h", "a"], ["PFADD", "h", "a"], ["PFADD", "h", "a", "a"],
                          ["GET", "h"]]),
    ("pfadd-cache-kept-when-unchanged", [["PFADD", "h", "a", "b"], ["PFCOUNT", "h"],
                                         ["PFADD", "h", "a"], ["GET", "h"],
                                         ["PFADD", "h", "zz"], ["GET", "h"]]),
    ("pfadd-binary-elements", [["PFADD", "h", "", "\x00", "\xff\xfe", "a" * 100, "12345678"],
                               ["PFCOUNT", "h"], ["GET", "h"]]),
    ("pfadd-a-to-z", [["PFADD", "h", *"abcdefghijklmnopqrstuvwxyz"], ["PFCOUNT", "h"],
                      ["GET", "h"], ["PFDEBUG", "DECODE", "h"]]),
    ("pfadd-one-at-a-time", [["PFADD", "h", x] for x in _many(60)] + [["GET", "h"],
                                                                      ["PFCOUNT", "h"]]),
    ("pfadd-100-sparse", [["PFADD", "h", *_many(100)], ["PFDEBUG", "ENCODING", "h"],
                          ["PFCOUNT", "h"], ["GET", "h"], ["STRLEN", "h"]]),
    ("pfadd-3000-promotes", [["PFADD", "h", *ELEMS], ["PFDEBUG", "ENCODING", "h"],
                             ["STRLEN", "h"], ["PFCOUNT", "h"], ["GET", "h"]]),
    ("pfadd-dense-then-more", [["PFADD", "h", *ELEMS], ["PFADD", "h", *ELEMS_B[:500]],
                               ["PFCOUNT", "h"], ["GET", "h"], ["PFADD", "h", "e1"]]),
    ("pfadd-type-and-encoding", [["PFADD", "h", "a"], ["TYPE", "h"],
                                 ["OBJECT", "ENCODING", "h"]]),
    ("pfadd-keeps-ttl", [["PFADD", "h", "a"], ["PEXPIREAT", "h", FUTURE],
                         ["PFADD", "h", "b", "c"], ["PEXPIRETIME", "h"], ["PFCOUNT", "h"],
                         ["PEXPIRETIME", "h"]]),
    ("pfadd-many-calls-large", [["PFADD", "h", *_many(40, f"p{j}-")] for j in range(12)]
     + [["PFDEBUG", "ENCODING", "h"], ["STRLEN", "h"], ["GET", "h"], ["PFCOUNT", "h"]]),
    # -- promotion by hll-sparse-max-bytes ---------------------------------------------------
    ("promote-max-bytes-low", [["CONFIG", "SET", "hll-sparse-max-bytes", "30"],
                               ["PFADD", "h", "a", "b"], ["PFDEBUG", "ENCODING", "h"],
                               ["PFADD", "h", *_many(5)], ["PFDEBUG", "ENCODING", "h"],
                               ["GET", "h"]]),
    ("promote-max-bytes-zero", [["CONFIG", "SET", "hll-sparse-max-bytes", "0"],
                                ["PFADD", "h"], ["PFDEBUG", "ENCODING", "h"],
                                ["PFADD", "h", "a"], ["PFDEBUG", "ENCODING", "h"],
                                ["STRLEN", "h"]]),
    ("promote-max-bytes-200", [["CONFIG", "SET", "hll-sparse-max-bytes", "200"],
                               ["PFADD", "h", *_many(80)], ["PFDEBUG", "ENCODING", "h"],
                               ["PFADD", "h2", *_many(30)], ["PFDEBUG", "ENCODING", "h2"],
                               ["GET", "h2"], ["PFADD", "h2", *_many(60, "q")],
                               ["PFDEBUG", "ENCODING", "h2"], ["PFCOUNT", "h2"]]),
    ("promote-max-bytes-raised", [["CONFIG", "SET", "hll-sparse-max-bytes", "40"],
                                  ["PFADD", "h", *_many(20)],
                                  ["CONFIG", "SET", "hll-sparse-max-bytes", "5000"],
                                  ["PFADD", "h2", *_many(20)], ["PFDEBUG", "ENCODING", "h"],
                                  ["PFDEBUG", "ENCODING", "h2"], ["GET", "h2"]]),
    # -- PFCOUNT -----------------------------------------------------------------------------
    ("pfcount-missing", [["PFCOUNT", "nokey"], ["PFCOUNT", "a", "b"], ["EXISTS", "nokey"]]),
    ("pfcount-multi", [["PFADD", "a", "1", "2", "3"], ["PFADD", "b", "3", "4", "5"],
                       ["PFCOUNT", "a", "b"], ["PFCOUNT", "a", "b", "nokey"],
                       ["GET", "a"], ["GET", "b"]]),
    ("pfcount-multi-dense-and-sparse", [["PFADD", "a", *ELEMS], ["PFADD", "b", *_many(50)],
                                        ["PFCOUNT", "a", "b"], ["PFCOUNT", "b", "a", "b"]]),
    ("pfcount-multi-same-key", [["PFADD", "a", *_many(30)], ["PFCOUNT", "a", "a"]]),
    ("pfcount-wrongtype", [["LPUSH", "l", "x"], ["PFCOUNT", "l"], ["PFADD", "a", "x"],
                           ["PFCOUNT", "a", "l"], ["PFCOUNT", "nokey", "l"]]),
    ("pfcount-not-hll", [["SET", "s", "hello"], ["PFCOUNT", "s"], ["PFCOUNT", "s", "s"],
                         ["SET", "n", "12345"], ["PFCOUNT", "n"]]),
    ("pfcount-after-set-copy", [["PFADD", "h", *_many(10)], ["SET", "c", EMPTY_SPARSE],
                                ["OBJECT", "ENCODING", "c"], ["PFCOUNT", "c"],
                                ["OBJECT", "ENCODING", "c"]]),
    ("pfcount-forged-cache", [["SET", "f", FORGED], ["PFCOUNT", "f"], ["PFADD", "f"],
                              ["PFCOUNT", "f"], ["PFADD", "f", "a"], ["PFCOUNT", "f"],
                              ["GET", "f"]]),
    ("pfcount-dense-zero", [["SET", "d", DENSE_ZERO], ["PFCOUNT", "d"], ["GET", "d"]]),
    ("pfcount-dense-all-63", [["SET", "d", DENSE_MAX], ["PFCOUNT", "d"], ["PFCOUNT", "d"],
                              ["PFCOUNT", "d", "nokey"]]),
    ("pfcount-dense-all-51", [["SET", "d", DENSE_51], ["PFCOUNT", "d"], ["PFCOUNT", "d", "d"],
                              ["PFDEBUG", "GETREG", "d"]]),
    ("pfcount-hand-sparse", [["SET", "h", HAND_SPARSE], ["PFCOUNT", "h"],
                             ["PFDEBUG", "DECODE", "h"], ["PFADD", "h", "a"], ["GET", "h"]]),
    # -- corrupted and invalid strings ------------------------------------------------------
    ("invalid-short-string", [["SET", "s", "HYLL"], ["PFADD", "s", "a"], ["PFCOUNT", "s"],
                              ["PFMERGE", "d", "s"], ["PFDEBUG", "ENCODING", "s"],
                              ["EXISTS", "d"]]),
    ("invalid-bad-magic", [["SET", "s", b"HYLX" + EMPTY_SPARSE[4:]], ["PFCOUNT", "s"],
                           ["PFADD", "s"]]),
    ("invalid-encoding-byte", [["SET", "s", b"HYLL\x02" + EMPTY_SPARSE[5:]], ["PFCOUNT", "s"],
                               ["SET", "s", b"HYLL\xff" + EMPTY_SPARSE[5:]], ["PFADD", "s"]]),
    ("invalid-dense-length", [["SET", "s", DENSE_ZERO[:-1]], ["PFCOUNT", "s"],
                              ["SET", "s", DENSE_ZERO + b"\x00"], ["PFCOUNT", "s"],
                              ["SET", "s", _hdr(0, STALE)], ["PFADD", "s", "a"]]),
    ("corrupt-sparse-short", [["SET", "c", SHORT_SPARSE], ["PFCOUNT", "c"],
                              ["PFCOUNT", "c", "nokey"], ["PFMERGE", "d", "c"], ["EXISTS", "d"],
                              ["PFDEBUG", "TODENSE", "c"], ["PFDEBUG", "GETREG", "c"],
                              ["PFDEBUG", "DECODE", "c"], ["GET", "c"]]),
    ("corrupt-sparse-long", [["SET", "c", LONG_SPARSE], ["PFCOUNT", "c"],
                             ["PFMERGE", "c"], ["PFDEBUG", "DECODE", "c"],
                             ["PFDEBUG", "ENCODING", "c"], ["GET", "c"]]),
    ("corrupt-sparse-pfadd", [["SET", "c", SHORT_SPARSE], ["PFADD", "c", *_many(30)],
                              ["GET", "c"], ["PFADD", "c", "a", "b", "c"], ["GET", "c"]]),
    ("corrupt-sparse-cut-xzero", [["SET", "c", CUT_SPARSE], ["PFCOUNT", "c"],
                                  ["PFDEBUG", "DECODE", "c"], ["PFADD", "c", "a"],
                                  ["GET", "c"]]),
    ("corrupt-header-only-sparse", [["SET", "c", _hdr(1, STALE)], ["PFCOUNT", "c"],
                                    ["PFADD", "c", "a"], ["PFDEBUG", "DECODE", "c"],
                                    ["PFDEBUG", "TODENSE", "c"]]),
    # -- PFMERGE -----------------------------------------------------------------------------
    ("pfmerge-new-dest", [["PFADD", "a", "1", "2"], ["PFADD", "b", "2", "3"],
                          ["PFMERGE", "d", "a", "b"], ["GET", "d"], ["PFCOUNT", "d"],
                          ["OBJECT", "ENCODING", "d"]]),
    ("pfmerge-dest-only", [["PFMERGE", "d"], ["GET", "d"], ["PFADD", "a", "x"],
                           ["PFCOUNT", "a"], ["PFMERGE", "a"], ["GET", "a"]]),
    ("pfmerge-into-existing", [["PFADD", "d", *_many(20)], ["PFADD", "a", *_many(40, "z")],
                               ["PFMERGE", "d", "a"], ["GET", "d"], ["PFCOUNT", "d"]]),
    ("pfmerge-missing-sources", [["PFMERGE", "d", "x", "y"], ["GET", "d"], ["PFCOUNT", "d"]]),
    ("pfmerge-dense-source", [["PFADD", "a", *ELEMS], ["PFADD", "d", "x"],
                              ["PFMERGE", "d", "a"], ["PFDEBUG", "ENCODING", "d"],
                              ["GET", "d"], ["PFCOUNT", "d"]]),
    ("pfmerge-new-dest-dense-source", [["PFADD", "a", *ELEMS], ["PFMERGE", "d", "a"],
                                       ["PFDEBUG", "ENCODING", "d"], ["GET", "d"]]),
    ("pfmerge-sparse-sources-big", [["PFADD", "a", *_many(700)], ["PFADD", "b", *_many(700, "n")],
                                    ["PFMERGE", "d", "a", "b"], ["PFDEBUG", "ENCODING", "d"],
                                    ["STRLEN", "d"], ["GET", "d"], ["PFCOUNT", "d"]]),
    ("pfmerge-sparse-many", [["PFADD", "a", *_many(200)], ["PFADD", "b", *_many(200, "n")],
                             ["PFADD", "c", *_many(200, "o")], ["PFMERGE", "d", "a", "b", "c"],
                             ["GET", "d"], ["PFCOUNT", "d", "a"]]),
    ("pfmerge-low-max-bytes", [["PFADD", "a", *_many(40)], ["PFADD", "b", *_many(40, "n")],
                               ["CONFIG", "SET", "hll-sparse-max-bytes", "100"],
                               ["PFMERGE", "a", "b"], ["PFDEBUG", "ENCODING", "a"],
                               ["GET", "a"]]),
    ("pfmerge-hand-values", [["SET", "a", HAND_SPARSE], ["PFADD", "b", "x"],
                             ["PFMERGE", "b", "a"], ["GET", "b"], ["PFDEBUG", "DECODE", "b"]]),
    ("pfmerge-dense-51", [["SET", "a", DENSE_51], ["PFADD", "d", "x"], ["PFMERGE", "d", "a"],
                          ["PFCOUNT", "d"], ["GET", "d"]]),
    ("pfmerge-wrongtype", [["LPUSH", "l", "x"], ["PFADD", "a", "x"], ["PFMERGE", "a", "l"],
                           ["PFMERGE", "l", "a"], ["PFMERGE", "l"], ["SET", "s", "str"],
                           ["PFMERGE", "s"], ["PFMERGE", "d", "a", "s"], ["EXISTS", "d"],
                           ["GET", "a"]]),
    ("pfmerge-keeps-ttl", [["PFADD", "d", "x"], ["PEXPIREAT", "d", FUTURE],
                           ["PFADD", "a", "y"], ["PFMERGE", "d", "a"], ["PEXPIRETIME", "d"]]),
    # -- PFDEBUG -----------------------------------------------------------------------------
    ("pfdebug-encoding", [["PFADD", "h", "a"], ["PFDEBUG", "ENCODING", "h"],
                          ["PFDEBUG", "encoding", "h"], ["PFDEBUG", "TODENSE", "h"],
                          ["PFDEBUG", "Encoding", "h"], ["PFDEBUG", "TODENSE", "h"]]),
    ("pfdebug-decode", [["PFADD", "h", *_many(25)], ["PFDEBUG", "DECODE", "h"],
                        ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "DECODE", "h"]]),
    ("pfdebug-decode-empty", [["PFADD", "h"], ["PFDEBUG", "DECODE", "h"]]),
    ("pfdebug-getreg", [["PFADD", "h", "a", "b", "c"], ["PFDEBUG", "GETREG", "h"],
                        ["PFDEBUG", "ENCODING", "h"], ["GET", "h"]]),
    ("pfdebug-todense-get", [["PFADD", "h", *_many(10)], ["PFCOUNT", "h"],
                             ["PFDEBUG", "TODENSE", "h"], ["GET", "h"], ["PFCOUNT", "h"]]),
    ("pfdebug-errors", [["PFDEBUG", "ENCODING", "nokey"], ["PFDEBUG", "nosuch", "nokey"],
                        ["PFADD", "h"], ["PFDEBUG", "nosuch", "h"], ["PFDEBUG", "get\x00reg", "h"],
                        ["PFDEBUG", "bad\x00name", "h"], ["PFDEBUG", "a\r\nb", "h"],
                        ["LPUSH", "l", "x"], ["PFDEBUG", "nosuch", "l"],
                        ["SET", "s", "v"], ["PFDEBUG", "ENCODING", "s"]]),
    ("pfdebug-encoding-raw", [["SET", "c", EMPTY_SPARSE], ["OBJECT", "ENCODING", "c"],
                              ["PFDEBUG", "ENCODING", "c"], ["OBJECT", "ENCODING", "c"]]),
    # -- arity and misc ----------------------------------------------------------------------
    ("arity", [["PFADD"], ["PFCOUNT"], ["PFMERGE"], ["PFDEBUG", "ENCODING"],
               ["PFDEBUG", "ENCODING", "h", "x"], ["PFSELFTEST", "x"]]),
    ("pfadd-wrongtype", [["LPUSH", "l", "x"], ["PFADD", "l", "a"], ["PFADD", "l"],
                         ["SET", "s", "hello world"], ["PFADD", "s", "a"], ["GET", "s"]]),
    ("copy-and-rename", [["PFADD", "h", *_many(15)], ["COPY", "h", "h2"],
                         ["OBJECT", "ENCODING", "h2"], ["RENAME", "h", "h3"],
                         ["PFCOUNT", "h2", "h3"], ["GET", "h3"]]),
    ("append-breaks-hll", [["PFADD", "h", "a"], ["APPEND", "h", "xx"], ["PFCOUNT", "h"],
                           ["PFADD", "h", "b"], ["GET", "h"]]),
    ("setrange-corrupts", [["PFADD", "h", "a"], ["SETRANGE", "h", "16", "\x00"],
                           ["PFCOUNT", "h"], ["PFDEBUG", "DECODE", "h"]]),
]

NONDETERMINISTIC: dict[str, object] = {}
