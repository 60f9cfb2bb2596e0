"""HyperLogLog at the spec level: byte images and counts recorded from Redis 7.0.15, the register
arithmetic, and the commands' side effects (dirty, events, propagation, TTL, encoding)."""

from __future__ import annotations

import hashlib

import pytest

from redspec.spec.commands import hyperloglog as H
from redspec.spec.types import hll
from tests.session import Session

AZ = [bytes([c]) for c in range(ord("a"), ord("z") + 1)]

# Recorded from redis-server 7.0.15: PFADD az a..z; GET az (then after PFCOUNT az -> 25).
AZ_HEX = (
    "48594c4c01000000000000000000008044458c42268040898846e89441758440ec840e8040c4844490944466"
    "80426280443c843880408f8041ac8047d18043b08042ed8441fc8c43938443188840df80426d8041d080407e"
    "8408"
)
AZ_COUNTED_HEX = AZ_HEX[:16] + "1900000000000000" + AZ_HEX[32:]
# PFADD x foo bar; PFMERGE m az x; GET m (PFCOUNT m -> 27).
MERGED_HEX = (
    "48594c4c01000000000000000000008044458c42268040898846e89441758440ec840e8040c4844490944466"
    "8042628036904404843880408f8041ac8043e28043ed8043b08042ed8441fc8c43938443188840df80426d80"
    "41d080407e8408"
)
# PFADD big el:0 .. el:n-1 in batches of 5000: (n, PFCOUNT, sha256 of GET, length).
BIG = [
    (1000, 999, "a18a0f485230f4b2868d77a230ac57813a1b8d9b2c0abe55c75c29d14869ba17", 1892),
    (10000, 10019, "9a2e8282973a5e94600de60b0eb9c3a6b6bf70766bc2bfe73eb75007147bf2e6", 12304),
    (100000, 98893, "df7f9fda0c79c41ed50daf347e935954f9c021795998c59384e638ddfc94096d", 12304),
]


def bulk(frame: bytes) -> bytes:
    assert frame[:1] == b"$", frame
    n, rest = frame[1:].split(b"\r\n", 1)
    return rest[: int(n)]


def test_a_to_z_bytes_and_count() -> None:
    s = Session()
    assert s.call("PFADD", "az", *AZ) == b":1\r\n"
    assert bulk(s.call("GET", "az")).hex() == AZ_HEX
    assert s.call("PFCOUNT", "az") == b":25\r\n"
    assert bulk(s.call("GET", "az")).hex() == AZ_COUNTED_HEX
    s.call("PFADD", "x", "foo", "bar")
    assert s.call("PFMERGE", "m", "az", "x") == b"+OK\r\n"
    assert bulk(s.call("GET", "m")).hex() == MERGED_HEX
    assert s.call("PFCOUNT", "m") == b":27\r\n"


@pytest.mark.parametrize("n,count,digest,length", BIG[:2])
def test_big_images(n: int, count: int, digest: str, length: int) -> None:
    s = Session()
    for i in range(0, n, 5000):
        s.call("PFADD", "big", *[b"el:%d" % j for j in range(i, min(n, i + 5000))])
    img = bulk(s.call("GET", "big"))
    assert (len(img), hashlib.sha256(img).hexdigest()) == (length, digest)
    assert s.call("PFCOUNT", "big") == b":%d\r\n" % count


def test_big_100k_count_from_registers() -> None:
    """The 100000-element image is checked through the pure functions (one add call)."""
    n, count, digest, length = BIG[2]
    v, changed, ok = H.add_elements(hll.new_sparse(), [b"el:%d" % j for j in range(n)], 3000)
    buf = bytearray(v)
    hll.invalidate(buf)
    assert ok and (len(buf), hashlib.sha256(buf).hexdigest()) == (length, digest)
    assert H.count_one(bytes(buf)) == count


def test_murmur_and_pattern() -> None:
    # From PFDEBUG DECODE of PFADD h a b c on Redis: registers 8436=1, 12711=2, 15780=1.
    got = sorted(hll.pat_len(e) for e in (b"a", b"b", b"c"))
    assert got == [(8436, 1), (12711, 2), (15780, 1)]
    assert hll.murmur64a(b"") == hll.murmur64a(b"", hll.SEED)
    assert hll.murmur64a(b"12345678") != hll.murmur64a(b"12345679")


def test_empty_hll_layout() -> None:
    e = hll.new_sparse()
    assert e == b"HYLL\x01" + b"\x00" * 11 + b"\x7f\xff"
    assert hll.is_hll(e) and hll.cached_card(e) == 0
    assert H.count_one(e) == 0
    assert hll.decode_sparse(e) == b"Z:16384"


def test_dense_register_roundtrip() -> None:
    buf = bytearray(hll.DENSE_SIZE)
    for j in (0, 1, 2, 3, 4, 5, 6, 7, 100, hll.REGISTERS - 2, hll.REGISTERS - 1):
        for v in (1, 5, 32, 51, 63):
            buf[hll.HDR_SIZE :] = bytes(hll.DENSE_SIZE - hll.HDR_SIZE)
            assert hll.dense_set(buf, j, v) == 1
            assert hll.dense_get(buf, j) == v
            assert hll.dense_set(buf, j, v) == 0
            raw = hll.unpack_dense(memoryview(buf)[hll.HDR_SIZE :])
            assert raw[j] == v and raw.count(0) == hll.REGISTERS - 1
            assert hll.pack_dense(raw) == bytes(buf[hll.HDR_SIZE :])


def test_estimate_edges() -> None:
    assert hll.estimate([hll.REGISTERS] + [0] * 63) == 0
    h = [0] * 64
    h[63] = hll.REGISTERS  # all registers above Q+1: z = 0, llroundl out of range
    assert hll.estimate(h) == 1 << 63


def test_pfadd_side_effects() -> None:
    s = Session(**{"notify-keyspace-events": "KEA"})
    d0 = s.state.dirty
    eff = s.effects("PFADD", "h", "a", "b")
    assert s.state.dirty - d0 == 3  # creation + two registers
    events = [n[:3] for n in eff.notifications]
    assert events[-1] == ("$", "pfadd", b"h") and ("$", "pfadd", b"h") not in events[:-1]
    assert eff.propagate == ((0, (b"PFADD", b"h", b"a", b"b")),)
    d1 = s.state.dirty
    eff = s.effects("PFADD", "h", "a")
    assert s.state.dirty == d1 and not eff.notifications and not eff.propagate
    assert s.call("OBJECT", "ENCODING", "h") == b"$3\r\nraw\r\n"


def test_pfcount_writes_cache_and_propagates() -> None:
    s = Session()
    s.call("PFADD", "h", "a", "b", "c")
    d0 = s.state.dirty
    eff = s.effects("PFCOUNT", "h")
    assert s.state.dirty == d0 + 1
    assert eff.propagate == ((0, (b"PFCOUNT", b"h")),)
    assert hll.cached_card(s.value("h")) == 3
    eff = s.effects("PFCOUNT", "h")  # cached now: nothing written
    assert s.state.dirty == d0 + 1 and not eff.propagate
    eff = s.effects("PFCOUNT", "h", "nokey")  # several keys: never writes
    assert not eff.propagate


def test_pfmerge_event_and_ttl() -> None:
    s = Session(**{"notify-keyspace-events": "KEA"})
    s.call("PFADD", "d", "x")
    s.call("PEXPIREAT", "d", "4102444800000")
    s.call("PFADD", "a", "y")
    eff = s.effects("PFMERGE", "d", "a")
    assert [n[:3] for n in eff.notifications] == [("$", "pfadd", b"d")]
    assert s.call("PEXPIRETIME", "d") == b":4102444800000\r\n"


def test_set_copy_becomes_raw_when_touched() -> None:
    s = Session()
    s.call("SET", "c", bytes(hll.new_sparse()))
    assert s.call("OBJECT", "ENCODING", "c") == b"$6\r\nembstr\r\n"
    assert s.call("PFCOUNT", "c") == b":0\r\n"
    assert s.call("OBJECT", "ENCODING", "c") == b"$3\r\nraw\r\n"


def test_errors_to_the_letter() -> None:
    s = Session()
    s.call("SET", "s", "hello")
    assert s.call("PFADD", "s", "a") == b"-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n"
    s.call("LPUSH", "l", "a")
    assert s.call("PFCOUNT", "l").startswith(b"-WRONGTYPE Operation against")
    s.call("SET", "c", b"HYLL\x01" + b"\x00" * 10 + b"\x80\x7f\xfe")
    assert s.call("PFCOUNT", "c") == b"-INVALIDOBJ Corrupted HLL object detected\r\n"
    assert s.call("PFDEBUG", "ENCODING", "nokey") == b"-ERR The specified key does not exist\r\n"
    s.call("PFADD", "h")
    assert s.call("PFDEBUG", "x\x00y", "h") == b"-ERR Unknown PFDEBUG subcommand 'x'\r\n"
    s.call("PFDEBUG", "TODENSE", "h")
    assert s.call("PFDEBUG", "DECODE", "h") == b"-ERR HLL encoding is not sparse\r\n"
    assert s.call("PFSELFTEST") == b"+OK\r\n"


def test_sparse_promotion_thresholds() -> None:
    s = Session()
    s.call("CONFIG", "SET", "hll-sparse-max-bytes", "30")
    s.call("PFADD", "h", "a")
    assert s.call("PFDEBUG", "ENCODING", "h") == b"+sparse\r\n"
    s.call("PFADD", "h", *[b"m%d" % i for i in range(10)])
    assert s.call("PFDEBUG", "ENCODING", "h") == b"+dense\r\n"
    assert len(s.value("h")) == hll.DENSE_SIZE


def test_value_above_32_promotes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A register value above 32 cannot be a VAL (a 2^-32 hash: planted via ``pat_len``)."""
    real = hll.pat_len
    monkeypatch.setattr(hll, "pat_len", lambda e: (7, 40) if e == b"long" else real(e))
    v, changed, ok = H.add_elements(hll.new_sparse(), [b"a", b"long", b"b"], 3000)
    assert ok and changed == 3 and len(v) == hll.DENSE_SIZE and v[4] == hll.DENSE
    assert hll.dense_get(v, 7) == 40
    ed = hll.SparseEditor(hll.new_sparse())
    assert ed.set(7, 33, 3000) == hll.PROMOTE and ed.set(7, 32, 3000) == 1
