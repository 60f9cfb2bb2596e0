"""The memory model against the real server: MEMORY USAGE k SAMPLES 0 of Redis 7.0.15 for a
handful of shapes (every encoding, small and large, integer and text elements) must be within
±15% of ``spec.cost``'s estimate for the contents and encoding the spec gives the same
commands. The table in docs/mechanisms/typechoice.md comes from the same shapes."""

from __future__ import annotations

from typing import Any

import pytest

from redspec.spec.advise import analyse
from tests.differential.rawclient import RawClient

BAND = 0.15


def _batches(cmd: bytes, key: bytes, items: list[bytes], per: int) -> list[list[bytes]]:
    return [[cmd, key, *items[i:i + per]] for i in range(0, len(items), per)]


def _flat(pairs: list[tuple[bytes, bytes]]) -> list[bytes]:
    return [x for p in pairs for x in p]


SHAPES: list[tuple[str, list[list[bytes]]]] = [
    ("hash-listpack-100",
     _batches(b"HSET", b"h1", _flat([(b"field:%d" % i, b"value-%d" % i) for i in range(100)]),
              40)),
    ("hash-hashtable-2000",
     _batches(b"HSET", b"h2", _flat([(b"field:%d" % i, b"value-%d" % i) for i in range(2000)]),
              200)),
    ("hash-long-values",
     _batches(b"HSET", b"h3", _flat([(b"f%d" % i, b"v" * 100) for i in range(50)]), 20)),
    ("set-intset-300", _batches(b"SADD", b"s1", [b"%d" % (i * 7) for i in range(300)], 100)),
    ("set-hashtable-3000", _batches(b"SADD", b"s2", [b"member:%d" % i for i in range(3000)],
                                    100)),
    ("zset-listpack-100", _batches(b"ZADD", b"z1", _flat([(b"%d" % i, b"m%d" % i)
                                                          for i in range(100)]), 40)),
    ("zset-skiplist-1000", _batches(b"ZADD", b"z2", _flat([(b"%d.5" % i, b"member:%d" % i)
                                                           for i in range(1000)]), 100)),
    ("list-5000", _batches(b"RPUSH", b"l1", [b"item-%d" % i for i in range(5000)], 100)),
    ("list-300B-elements", _batches(b"RPUSH", b"l2", [b"x" * 300] * 200, 50)),
]


def _int(frame: bytes) -> int:
    assert frame[:1] == b":", frame
    return int(frame[1:].split(b"\r\n")[0])


@pytest.fixture(scope="module")
def measured(redis_server: Any) -> dict[str, tuple[str, int]]:
    rc = RawClient("127.0.0.1", redis_server.port)
    out: dict[str, tuple[str, int]] = {}
    try:
        for name, trace in SHAPES:
            rc.call("FLUSHALL")
            for argv in trace:
                rc.call(*argv)
            key = trace[0][1]
            enc = rc.call("OBJECT", "ENCODING", key).split(b"\r\n")[1].decode()
            out[name] = (enc, _int(rc.call("MEMORY", "USAGE", key, "SAMPLES", "0")))
        rc.call("FLUSHALL")
    finally:
        rc.close()
    return out


@pytest.mark.parametrize("name,trace", SHAPES, ids=[s[0] for s in SHAPES])
def test_memory_model_within_band(name: str, trace: list[list[bytes]],
                                  measured: dict[str, tuple[str, int]]) -> None:
    enc, real = measured[name]
    ks = analyse(trace).keys[trace[0][1]]
    assert ks.encoding == enc
    assert abs(ks.memory - real) <= BAND * real, (name, ks.memory, real)
