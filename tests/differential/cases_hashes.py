"""Differential cases for the hash commands (``t_hash.c``), Redis 7.0.15.

A listpack hash iterates in insertion order (a new field is appended, an overwritten field
keeps its place, a deleted one closes the gap), so HGETALL/HKEYS/HVALS of a listpack, and
HRANDFIELD with a count covering it, are compared byte for byte. A hashtable iterates in the
order of Redis's seeded hash function: those cases carry the "sort" normaliser. Random draws
are only asked where the answer is forced (one field, or a count covering the hash), or their
frame is ignored and its shape checked through a forced case of the same form.

OBJECT ENCODING is checked after every kind of conversion: a long value, a long field, a long
argument that is never stored (HSET of the same field twice), the entry limit (default 512,
and lowered with CONFIG SET, including 0), HINCRBY on a long field name, HINCRBYFLOAT with a
long result, HSETNX on an existing field (no conversion) and on a new one.
"""

from __future__ import annotations

from tests.differential.normalise import NORMALISERS, parse, serialise

FUTURE = "4102444800000"
PAST = "1"
V64 = "v" * 64
V65 = "v" * 65
F65 = "f" * 65
WT = ["SET", "str", "v"]


def _fields(n: int, prefix: str = "f") -> list[str]:
    out: list[str] = []
    for i in range(n):
        out += [f"{prefix}{i}", str(i)]
    return out


_INFO_KEEP = (b"keyspace_hits:", b"keyspace_misses:", b"errorstat_")


def _info_hits_errors(frame: bytes) -> bytes:
    """INFO reduced to keyspace hits/misses and the errorstats lines (sorted)."""
    f = parse(frame)
    if f.payload is None:
        return frame
    prefix = b"txt:" if f.payload.startswith(b"txt:") else b""
    kept = sorted(ln for ln in f.payload[len(prefix):].split(b"\r\n") if ln.startswith(_INFO_KEEP))
    f.payload = prefix + b"\r\n".join(kept)
    return serialise(f)


NORMALISERS.setdefault("hash-info-counters", _info_hits_errors)

CASES: list[tuple[str, list[list[bytes | str]]]] = [
    # -- HSET / HMSET / HSETNX ----------------------------------------------------------------
    ("hset-basic", [["HSET", "h", "a", "1", "b", "2"], ["HSET", "h", "a", "3", "c", "4"],
                    ["HGETALL", "h"], ["HLEN", "h"], ["TYPE", "h"], ["OBJECT", "ENCODING", "h"]]),
    ("hset-arity", [["HSET", "h"], ["HSET", "h", "a"], ["HSET", "h", "a", "1", "b"],
                    ["EXISTS", "h"], ["HMSET", "h", "a"], ["HMSET", "h", "a", "1", "b"],
                    ["HSETNX", "h", "a"], ["HSETNX", "h", "a", "1", "2"], ["EXISTS", "h"]]),
    ("hmset-ok", [["HMSET", "h", "a", "1", "b", "2"], ["HMSET", "h", "a", "x"],
                  ["HGETALL", "h"]]),
    ("hset-duplicate-field-in-one-call", [["HSET", "h", "a", "1", "b", "2", "a", "3"],
                                          ["HGETALL", "h"], ["HSET", "h", "b", "x", "b", "y"],
                                          ["HGETALL", "h"]]),
    ("hset-wrongtype", [WT, ["HSET", "str", "a", "1"], ["HMSET", "str", "a", "1"],
                        ["HSETNX", "str", "a", "1"], ["GET", "str"]]),
    ("hset-empty-strings", [["HSET", "h", "", ""], ["HGET", "h", ""], ["HSTRLEN", "h", ""],
                            ["HEXISTS", "h", ""], ["HGETALL", "h"], ["HSET", "h", "", "x"],
                            ["HGETALL", "h"]]),
    ("hset-binary", [["HSET", "h", b"\x00\xff\r\n", b"a\x00b"], ["HGET", "h", b"\x00\xff\r\n"],
                     ["HKEYS", "h"], ["HVALS", "h"], ["HSTRLEN", "h", b"\x00\xff\r\n"]]),
    ("hset-integers-in-listpack", [["HSET", "h", "1", "007", "2", "-0", "3", "-9223372036854775808",
                                    "4", "9223372036854775808", "5", "12", "6", " 1"],
                                   ["HGETALL", "h"], ["HSTRLEN", "h", "1"],
                                   ["HSTRLEN", "h", "3"], ["HSTRLEN", "h", "5"],
                                   ["HMGET", "h", "1", "2", "3", "4", "5", "6", "7"]]),
    ("hsetnx", [["HSETNX", "h", "a", "1"], ["HSETNX", "h", "a", "2"], ["HSETNX", "h", "b", "3"],
                ["HGETALL", "h"]]),
    ("hset-keeps-ttl", [["HSET", "h", "a", "1"], ["PEXPIREAT", "h", FUTURE], ["HSET", "h", "b", "2"],
                        ["HSETNX", "h", "c", "3"], ["HINCRBY", "h", "n", "1"],
                        ["HINCRBYFLOAT", "h", "f", "1.5"], ["HDEL", "h", "a"],
                        ["PEXPIRETIME", "h"]]),
    ("hset-on-expired-key", [["HSET", "h", "a", "1"], ["PEXPIREAT", "h", PAST],
                             ["HSET", "h", "b", "2"], ["HGETALL", "h"], ["PEXPIRETIME", "h"]]),
    ("hget-on-expired-key", [["HSET", "h", "a", "1", "b", "2"], ["PEXPIREAT", "h", PAST],
                             ["HGET", "h", "a"], ["HLEN", "h"], ["EXISTS", "h"]]),
    # -- listpack insertion order -------------------------------------------------------------
    ("order-insertion", [["HSET", "h", "c", "1", "a", "2", "b", "3"], ["HGETALL", "h"],
                         ["HKEYS", "h"], ["HVALS", "h"]]),
    ("order-overwrite-keeps-place", [["HSET", "h", "c", "1", "a", "2", "b", "3"],
                                     ["HSET", "h", "a", "9"], ["HINCRBY", "h", "c", "5"],
                                     ["HINCRBYFLOAT", "h", "b", "0.5"], ["HGETALL", "h"]]),
    ("order-delete-closes-gap", [["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
                                 ["HDEL", "h", "b"], ["HGETALL", "h"], ["HSET", "h", "b", "5"],
                                 ["HGETALL", "h"], ["HDEL", "h", "a", "d"], ["HKEYS", "h"]]),
    ("order-hsetnx-appends", [["HSET", "h", "z", "1"], ["HSETNX", "h", "a", "2"],
                              ["HSETNX", "h", "z", "3"], ["HINCRBY", "h", "m", "4"],
                              ["HKEYS", "h"], ["HVALS", "h"]]),
    ("order-many-fields", [["HSET", "h", *_fields(100)], ["HDEL", "h", "f3", "f50", "f99"],
                           ["HSET", "h", "f50", "x", "f0", "y"], ["HGETALL", "h"]]),
    # -- HGET / HMGET / HLEN / HSTRLEN / HEXISTS ----------------------------------------------
    ("hget", [["HSET", "h", "a", "1"], ["HGET", "h", "a"], ["HGET", "h", "b"],
              ["HGET", "nokey", "a"], WT, ["HGET", "str", "a"], ["HGET", "h"],
              ["HGET", "h", "a", "b"]]),
    ("hmget", [["HSET", "h", "a", "1", "b", "2"], ["HMGET", "h", "a", "x", "b", "a"],
               ["HMGET", "nokey", "a", "b"], WT, ["HMGET", "str", "a"], ["HMGET", "h"]]),
    ("hlen", [["HLEN", "nokey"], ["HSET", "h", "a", "1", "b", "2"], ["HLEN", "h"], WT,
              ["HLEN", "str"], ["HLEN", "h", "x"]]),
    ("hstrlen", [["HSET", "h", "a", "hello", "n", "-123", "e", ""], ["HSTRLEN", "h", "a"],
                 ["HSTRLEN", "h", "n"], ["HSTRLEN", "h", "e"], ["HSTRLEN", "h", "zz"],
                 ["HSTRLEN", "nokey", "a"], WT, ["HSTRLEN", "str", "a"]]),
    ("hexists", [["HSET", "h", "a", "1"], ["HEXISTS", "h", "a"], ["HEXISTS", "h", "b"],
                 ["HEXISTS", "nokey", "a"], WT, ["HEXISTS", "str", "a"]]),
    ("hget-long-field-on-listpack", [["HSET", "h", "a", "1"], ["HGET", "h", F65],
                                     ["HEXISTS", "h", F65], ["HDEL", "h", F65],
                                     ["HMGET", "h", "a", F65], ["HSETNX", "h", "a", V65],
                                     ["OBJECT", "ENCODING", "h"]]),
    # -- HKEYS / HVALS / HGETALL --------------------------------------------------------------
    ("hgetall-missing", [["HGETALL", "nokey"], ["HKEYS", "nokey"], ["HVALS", "nokey"]]),
    ("hgetall-wrongtype", [WT, ["HGETALL", "str"], ["HKEYS", "str"], ["HVALS", "str"]]),
    ("hgetall-hashtable", [["HSET", "h", "a", "1", "b", V65, "c", "3", "d", "4"],
                           ["OBJECT", "ENCODING", "h"], ["HGETALL", "h"]]),
    ("hkeys-hashtable", [["HSET", "h", "a", "1", "b", V65, "c", "3"], ["HKEYS", "h"]]),
    ("hvals-hashtable", [["HSET", "h", "a", "1", "b", V65, "c", "3"], ["HVALS", "h"]]),
    # -- HDEL -----------------------------------------------------------------------------------
    ("hdel", [["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HDEL", "h", "a", "x", "a"],
              ["HGETALL", "h"], ["HDEL", "nokey", "a"], WT, ["HDEL", "str", "a"],
              ["HDEL", "h"]]),
    ("hdel-last-field-deletes-key", [["HSET", "h", "a", "1", "b", "2"],
                                     ["HDEL", "h", "a", "b", "c"], ["EXISTS", "h"],
                                     ["TYPE", "h"], ["HLEN", "h"]]),
    ("hdel-last-drops-ttl", [["HSET", "h", "a", "1"], ["PEXPIREAT", "h", FUTURE],
                             ["HDEL", "h", "a"], ["HSET", "h", "a", "1"], ["PEXPIRETIME", "h"]]),
    ("hdel-hashtable-to-empty", [["HSET", "h", "a", V65], ["HDEL", "h", "a"], ["EXISTS", "h"],
                                 ["HSET", "h", "a", "1"], ["OBJECT", "ENCODING", "h"]]),
    # -- HINCRBY ----------------------------------------------------------------------------------
    ("hincrby", [["HINCRBY", "h", "a", "5"], ["HINCRBY", "h", "a", "-7"],
                 ["HINCRBY", "h", "a", "0"], ["HGET", "h", "a"], ["OBJECT", "ENCODING", "h"]]),
    ("hincrby-bad-increment", [["HINCRBY", "h", "a", "x"], ["HINCRBY", "h", "a", "1.5"],
                               ["HINCRBY", "h", "a", " 1"], ["HINCRBY", "h", "a", "+1"],
                               ["HINCRBY", "h", "a", "9223372036854775808"], ["EXISTS", "h"],
                               WT, ["HINCRBY", "str", "a", "x"], ["HINCRBY", "str", "a", "1"]]),
    ("hincrby-bad-value", [["HSET", "h", "s", "abc", "sp", " 1", "big", "99999999999999999999",
                            "z", "007", "f", "1.0", "e", ""],
                           ["HINCRBY", "h", "s", "1"], ["HINCRBY", "h", "sp", "1"],
                           ["HINCRBY", "h", "big", "1"], ["HINCRBY", "h", "z", "1"],
                           ["HINCRBY", "h", "f", "1"], ["HINCRBY", "h", "e", "1"],
                           ["HGETALL", "h"]]),
    ("hincrby-overflow", [["HINCRBY", "h", "a", "9223372036854775807"], ["HINCRBY", "h", "a", "1"],
                          ["HINCRBY", "h", "b", "-9223372036854775808"],
                          ["HINCRBY", "h", "b", "-1"], ["HINCRBY", "h", "b", "9223372036854775807"],
                          ["HGETALL", "h"]]),
    ("hincrby-long-field-converts", [["HSET", "h", "a", "1"], ["HINCRBY", "h", F65, "1"],
                                     ["OBJECT", "ENCODING", "h"], ["HGET", "h", F65]]),
    ("hincrby-field-64-stays", [["HINCRBY", "h", "f" * 64, "1"], ["OBJECT", "ENCODING", "h"],
                                ["HSETNX", "h", "g" * 64, V64], ["OBJECT", "ENCODING", "h"],
                                ["HINCRBYFLOAT", "h", "k" * 64, "2.5"],
                                ["OBJECT", "ENCODING", "h"], ["HGETALL", "h"]]),
    ("hincrby-arity", [["HINCRBY", "h", "a"], ["HINCRBY", "h", "a", "1", "2"]]),
    # -- HINCRBYFLOAT -------------------------------------------------------------------------
    ("hincrbyfloat", [["HINCRBYFLOAT", "h", "a", "1.5"], ["HINCRBYFLOAT", "h", "a", "-0.25"],
                      ["HINCRBYFLOAT", "h", "a", "10"], ["HINCRBYFLOAT", "h", "b", "3.0e0"],
                      ["HINCRBYFLOAT", "h", "c", "0x10"], ["HINCRBYFLOAT", "h", "d", "-.5"],
                      ["HINCRBYFLOAT", "h", "a", "-11.25"], ["HGETALL", "h"]]),
    ("hincrbyfloat-bad-increment", [["HINCRBYFLOAT", "h", "a", "x"], ["HINCRBYFLOAT", "h", "a", ""],
                                    ["HINCRBYFLOAT", "h", "a", "nan"],
                                    ["HINCRBYFLOAT", "h", "a", "inf"],
                                    ["HINCRBYFLOAT", "h", "a", "-Infinity"],
                                    ["HINCRBYFLOAT", "h", "a", "1e5000"],
                                    ["HINCRBYFLOAT", "h", "a", " 1"], ["EXISTS", "h"], WT,
                                    ["HINCRBYFLOAT", "str", "a", "x"],
                                    ["HINCRBYFLOAT", "str", "a", "inf"],
                                    ["HINCRBYFLOAT", "str", "a", "1"]]),
    ("hincrbyfloat-bad-value", [["HSET", "h", "s", "abc", "sp", " 1", "n", "nan", "i", "inf",
                                 "e", "", "x", "0x10", "big", "1e5000"],
                                ["HINCRBYFLOAT", "h", "s", "1"], ["HINCRBYFLOAT", "h", "sp", "1"],
                                ["HINCRBYFLOAT", "h", "n", "1"], ["HINCRBYFLOAT", "h", "i", "1"],
                                ["HINCRBYFLOAT", "h", "e", "1"], ["HINCRBYFLOAT", "h", "x", "1"],
                                ["HINCRBYFLOAT", "h", "big", "1"], ["HGETALL", "h"]]),
    ("hincrbyfloat-on-integer", [["HSET", "h", "a", "9223372036854775807"],
                                 ["HINCRBYFLOAT", "h", "a", "1"], ["HINCRBY", "h", "a", "1"],
                                 ["HSET", "h", "b", "5"], ["HINCRBYFLOAT", "h", "b", "0"],
                                 ["HINCRBY", "h", "b", "1"]]),
    ("hincrbyfloat-overflow", [["HINCRBYFLOAT", "h", "a", "1.1e4932"],
                               ["HINCRBYFLOAT", "h", "a", "1.1e4932"], ["HSTRLEN", "h", "a"],
                               ["OBJECT", "ENCODING", "h"]]),
    ("hincrbyfloat-long-result-converts", [["HSET", "h", "a", "1"],
                                           ["HINCRBYFLOAT", "h", "a", "1e62"],
                                           ["OBJECT", "ENCODING", "h"],
                                           ["HINCRBYFLOAT", "h", "b", "1e63"],
                                           ["OBJECT", "ENCODING", "h"],
                                           ["HINCRBYFLOAT", "h", "a", "1e70"],
                                           ["OBJECT", "ENCODING", "h"], ["HGET", "h", "a"]]),
    ("hincrbyfloat-tiny", [["HINCRBYFLOAT", "h", "a", "1e-20"], ["HINCRBYFLOAT", "h", "b", "0.1"],
                           ["HINCRBYFLOAT", "h", "b", "0.2"], ["HGETALL", "h"]]),
    # -- encodings -------------------------------------------------------------------------------
    ("enc-value-64-stays", [["HSET", "h", "a", V64], ["OBJECT", "ENCODING", "h"],
                            ["HSET", "h", V64, "1"], ["OBJECT", "ENCODING", "h"],
                            ["HGETALL", "h"]]),
    ("enc-value-65-converts", [["HSET", "h", "a", "1", "b", V65], ["OBJECT", "ENCODING", "h"],
                               ["HDEL", "h", "b"], ["OBJECT", "ENCODING", "h"],
                               ["HGETALL", "h"]]),
    ("enc-field-65-converts", [["HSET", "h", "a", "1"], ["HSET", "h", F65, "1"],
                               ["OBJECT", "ENCODING", "h"]]),
    ("enc-overwritten-long-arg-converts", [["HSET", "h", "a", V65, "a", "1"],
                                           ["OBJECT", "ENCODING", "h"], ["HGETALL", "h"]]),
    ("enc-update-existing-long-converts", [["HSET", "h", "a", "1", "b", "2"],
                                           ["HSET", "h", "a", V65], ["OBJECT", "ENCODING", "h"]]),
    ("enc-hsetnx-existing-no-convert", [["HSET", "h", "a", "1"], ["HSETNX", "h", "a", V65],
                                        ["OBJECT", "ENCODING", "h"], ["HSETNX", "h", "b", V65],
                                        ["OBJECT", "ENCODING", "h"]]),
    ("enc-512-entries", [["HSET", "h", *_fields(512)], ["OBJECT", "ENCODING", "h"],
                         ["HSET", "h", "f0", "x"], ["OBJECT", "ENCODING", "h"],
                         ["HSET", "h", "new", "y"], ["OBJECT", "ENCODING", "h"],
                         ["HLEN", "h"], ["HDEL", "h", "new"], ["OBJECT", "ENCODING", "h"]]),
    ("enc-513-in-one-call", [["HSET", "h", *_fields(513)], ["OBJECT", "ENCODING", "h"],
                             ["HLEN", "h"]]),
    ("enc-config-entries", [["CONFIG", "SET", "hash-max-listpack-entries", "3"],
                            ["HSET", "h", "c", "1", "a", "2", "b", "3"],
                            ["OBJECT", "ENCODING", "h"], ["HSET", "h", "a", "9"],
                            ["OBJECT", "ENCODING", "h"], ["HGETALL", "h"],
                            ["HSET", "h", "d", "4"], ["OBJECT", "ENCODING", "h"],
                            ["HDEL", "h", "a", "b", "c"], ["OBJECT", "ENCODING", "h"],
                            ["HGETALL", "h"]]),
    ("enc-config-entries-zero", [["CONFIG", "SET", "hash-max-listpack-entries", "0"],
                                 ["HSET", "a", "f", "1"], ["OBJECT", "ENCODING", "a"],
                                 ["HSETNX", "b", "f", "1"], ["OBJECT", "ENCODING", "b"],
                                 ["HINCRBY", "c", "f", "1"], ["OBJECT", "ENCODING", "c"],
                                 ["HINCRBYFLOAT", "d", "f", "1"], ["OBJECT", "ENCODING", "d"]]),
    ("enc-config-lowered-live", [["HSET", "h", "a", "1", "b", "2", "c", "3"],
                                 ["CONFIG", "SET", "hash-max-listpack-entries", "1"],
                                 ["HSET", "h", "a", "x"], ["OBJECT", "ENCODING", "h"],
                                 ["HDEL", "h", "a"], ["OBJECT", "ENCODING", "h"],
                                 ["HSET", "h", "d", "4"], ["OBJECT", "ENCODING", "h"]]),
    ("enc-config-value-zero", [["CONFIG", "SET", "hash-max-listpack-value", "0"],
                               ["HSET", "a", "f", "1"], ["OBJECT", "ENCODING", "a"],
                               ["HSET", "b", "", ""], ["OBJECT", "ENCODING", "b"]]),
    ("enc-config-value-raised", [["CONFIG", "SET", "hash-max-listpack-value", "100"],
                                 ["HSET", "h", "a", V65, "b", "v" * 100],
                                 ["OBJECT", "ENCODING", "h"], ["HGETALL", "h"],
                                 ["HSET", "h", "c", "v" * 101], ["OBJECT", "ENCODING", "h"]]),
    ("enc-alias-ziplist", [["CONFIG", "SET", "hash-max-ziplist-entries", "2"],
                           ["HSET", "h", "a", "1", "b", "2"], ["OBJECT", "ENCODING", "h"],
                           ["HSET", "h", "c", "3"], ["OBJECT", "ENCODING", "h"],
                           ["CONFIG", "GET", "hash-max-listpack-entries"]]),
    # -- HRANDFIELD ---------------------------------------------------------------------------
    ("hrandfield-missing", [["HRANDFIELD", "nokey"], ["HRANDFIELD", "nokey", "5"],
                            ["HRANDFIELD", "nokey", "0"], ["HRANDFIELD", "nokey", "-3"],
                            ["HRANDFIELD", "nokey", "1", "WITHVALUES"]]),
    ("hrandfield-single-field", [["HSET", "h", "a", "1"], ["HRANDFIELD", "h"],
                                 ["HRANDFIELD", "h", "1"], ["HRANDFIELD", "h", "-3"],
                                 ["HRANDFIELD", "h", "-2", "WITHVALUES"],
                                 ["HRANDFIELD", "h", "1", "withvalues"],
                                 ["HRANDFIELD", "h", "0", "WITHVALUES"]]),
    ("hrandfield-whole-listpack", [["HSET", "h", "c", "1", "a", "2", "b", "3"],
                                   ["HRANDFIELD", "h", "3"], ["HRANDFIELD", "h", "10"],
                                   ["HRANDFIELD", "h", "3", "WITHVALUES"],
                                   ["HRANDFIELD", "h", "9223372036854775807"],
                                   ["HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"]]),
    ("hrandfield-whole-hashtable", [["HSET", "h", "a", "1", "b", V65, "c", "3"],
                                    ["HRANDFIELD", "h", "3"],
                                    ["HRANDFIELD", "h", "5", "WITHVALUES"]]),
    ("hrandfield-errors", [["HSET", "h", "a", "1"], ["HRANDFIELD", "h", "x"],
                           ["HRANDFIELD", "h", "1.5"], ["HRANDFIELD", "h", "1", "withvalue"],
                           ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
                           ["HRANDFIELD", "h", "-9223372036854775808"],
                           ["HRANDFIELD", "h", "-9223372036854775807", "foo"],
                           ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
                           ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
                           ["HRANDFIELD", "h", "4611686018427387904", "withvalue"],
                           ["HRANDFIELD", "h", "x", "withvalue"],
                           ["HRANDFIELD", "nokey", "4611686018427387904", "WITHVALUES"],
                           ["HRANDFIELD", "nokey", "x"]]),
    ("hrandfield-wrongtype", [WT, ["HRANDFIELD", "str"], ["HRANDFIELD", "str", "0"],
                              ["HRANDFIELD", "str", "1", "WITHVALUES"],
                              ["HRANDFIELD", "str", "x"], ["HRANDFIELD", "str", "1", "foo"]]),
    ("hrandfield-random-shapes", [["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
                                  ["HRANDFIELD", "h"], ["HRANDFIELD", "h", "2"],
                                  ["HRANDFIELD", "h", "-6"],
                                  ["HRANDFIELD", "h", "3", "WITHVALUES"],
                                  ["HRANDFIELD", "h", "-5", "WITHVALUES"], ["HLEN", "h"]]),
    ("hrandfield-random-hashtable", [["HSET", "h", *_fields(20), "long", V65],
                                     ["HRANDFIELD", "h", "2"], ["HRANDFIELD", "h", "15"],
                                     ["HRANDFIELD", "h", "-30", "WITHVALUES"], ["HLEN", "h"]]),
    # -- keyspace interplay --------------------------------------------------------------------
    ("hash-type-and-copy", [["HSET", "h", "a", "1", "b", "2"], ["COPY", "h", "c"],
                            ["HSET", "c", "a", "x"], ["HGETALL", "h"], ["HGETALL", "c"],
                            ["OBJECT", "ENCODING", "c"], ["TYPE", "c"]]),
    ("hash-rename", [["HSET", "h", "a", "1", "b", "2"], ["RENAME", "h", "g"], ["HGETALL", "g"],
                     ["EXISTS", "h"]]),
    ("hash-string-commands-wrongtype", [["HSET", "h", "a", "1"], ["GET", "h"],
                                        ["INCR", "h"], ["APPEND", "h", "x"], ["STRLEN", "h"]]),
    ("hash-set-overwrites", [["HSET", "h", "a", "1"], ["SET", "h", "v"], ["GET", "h"],
                             ["HSET", "h", "a", "1"]]),
    ("hash-del-and-recreate", [["HSET", "h", "a", V65], ["DEL", "h"], ["HSET", "h", "a", "1"],
                               ["OBJECT", "ENCODING", "h"]]),
    ("hash-select-db", [["HSET", "h", "a", "1"], ["SELECT", "1"], ["HGET", "h", "a"],
                        ["HSET", "h", "b", "2"], ["SELECT", "0"], ["HGETALL", "h"]]),
    ("hash-keyspace-hits", [["CONFIG", "RESETSTAT"], ["HSET", "h", "a", "1"], ["HGET", "h", "a"],
                            ["HGET", "nokey", "a"], ["HMGET", "h", "a", "b"],
                            ["HLEN", "nokey"], ["HGETALL", "h"], ["HSETNX", "h", "a", "2"],
                            ["INFO", "stats"]]),
    ("hash-errorstats", [["CONFIG", "RESETSTAT"], WT, ["HGET", "str", "a"],
                         ["HINCRBY", "h", "a", "x"], ["HSET", "h", "a"],
                         ["HSET", "h", "a", "abc"], ["HINCRBY", "h", "a", "1"],
                         ["HINCRBYFLOAT", "h", "a", "inf"], ["INFO", "errorstats"]]),
]

NONDETERMINISTIC: dict[str, object] = {
    "hgetall-hashtable": {2: "sort"},
    "hkeys-hashtable": "sort",
    "hvals-hashtable": "sort",
    "enc-512-entries": "sort",
    "enc-513-in-one-call": "sort",
    "enc-config-entries": {5: "sort", 10: "sort"},
    "enc-config-value-raised": {3: "sort"},
    "enc-overwritten-long-arg-converts": {2: "sort"},
    "hrandfield-whole-hashtable": "sort",
    "hrandfield-random-shapes": {1: "ignore", 2: "ignore", 3: "ignore", 4: "ignore",
                                 5: "ignore"},
    "hrandfield-random-hashtable": {1: "ignore", 2: "ignore", 3: "ignore"},
    "hash-keyspace-hits": {8: "hash-info-counters"},
    "hash-errorstats": {8: "hash-info-counters"},
}
