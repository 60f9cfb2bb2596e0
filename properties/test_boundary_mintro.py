"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
memory model and the introspection modules (``spec/memory.py``, ``spec/info.py``,
``spec/commands/object.py``, ``spec/slowlog.py``, ``spec/latency.py``,
``spec/commands/diagnostics.py``, ``spec/commands/introspection.py``,
``spec/commands/server.py``, ``spec/commands/debug.py``; issue #22, ``tools/mutation.py``), in
the pattern of ``properties/test_boundary_streams.py``: each check puts a Redis rule exactly on
its boundary, and each killed survivor has a planted-bug test whose planted bug *is* the
surviving mutant.

Property ``boundary_mintro_agree_with_redis``. The reply tables below were recorded from
redis-server 7.0.15 (default config, RESP2) and are replayed here through the spec, byte for
byte:

- ``_USAGE`` (script :func:`_usage_steps`): MEMORY USAGE at jemalloc's size-class edges (8,
  128, 129, 160, 256, 81920 bytes), sds header edges (a key of 31/32 and 255/256 bytes, type 5
  only for keys and hashtable members; values of 65535/65536 and 81903..81910 bytes), the
  int / embstr / raw edges (20-byte integers, 44/45 bytes, the embstr class edge at 28/29),
  intset widths at +-2**15 and +-2**31, hashtable sets and hashes of at most 4 entries (and
  of 5, 8, 9 once their rehash is over), listpack hashes, zset listpack scores as
  ``d2string`` stores them (0.1, 1e16, -0), lists sized node by node with SAMPLES 0 / 1 / 2,
  streams of 1 to 7 nodes (the sampled average over 5 nodes plus the last);
- ``_ENGINE`` (script :func:`_engine_steps`): INFO ``used_memory_functions`` and
  ``used_memory_scripts_eval`` with 1 to 4 functions and scripts (the bucket array's 4 and 8),
  names and descriptions at the type-5 sds edge, script bodies at the embstr edges;
- ``_SKIPLIST_MEMBER``: a one-member skiplist's MEMORY USAGE grows by 8 from a 6-byte to a
  7-byte member (7.0.15, the same node level: 904 and 912): its sds is type 5
  (``sdsnewlen``).

Checked by a direct call of the spec (no reply of a real server):

- :func:`check_used_memory_rule`: the memory model's rule (``spec.memory.key_cost``) that a new
  key adds its MEMORY USAGE plus 16 to INFO's ``used_memory`` (the dictEntry's 32-byte class
  over its 24 bytes, and one bucket pointer), plus 40 with a TTL;
- :func:`check_plain_node`: a quicklist plain node counts ``sizeof(quicklistNode)`` plus the
  element's own allocation (``objectComputeSize``), packed nodes their listpack.
"""

from __future__ import annotations

from typing import Any

import pytest

import redspec.spec.server as S
from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import memory as M
from redspec.spec import persist
from redspec.spec.resp import encode_request
from redspec.spec.types.list import ListValue

NAME = "boundary_mintro_agree_with_redis"


def _usage_steps() -> list[list[bytes]]:
    """The MEMORY USAGE script of :func:`check_usage` (replies in ``_USAGE``)."""
    steps: list[list[bytes]] = []

    def usage(key: bytes, *samples: bytes) -> None:
        steps.append([b"MEMORY", b"USAGE", key, *((b"SAMPLES", *samples) if samples else ())])

    for n in (0, 6, 7, 31, 32, 255, 256):  # key sds: type 5 below 32, 8-byte class, sds8/16
        steps.append([b"SET", b"k" * n, b"1"])
        usage(b"k" * n)
        steps.append([b"DEL", b"k" * n])
    ints = [b"-9223372036854775808", b"9223372036854775807", b"12345678901234567890", b"012"]
    for v in ints + [b"x" * n for n in (20, 28, 29, 44, 45, 124, 125, 156, 252, 255, 256,
                                       1023, 1024, 1025, 65535, 65536, 81903, 81905,
                                       81909, 81910)]:
        steps.append([b"SET", b"v", v])
        usage(b"v")
    for vals in ([32767], [32768], [-32768], [-32769], [2147483647], [2147483648],
                 [-2147483648], [-2147483649], [1, 2, 3, 4, 5, 40000],
                 [1, 2, 3, 4, 5, 6, 7, 8, 9, 3000000000], [-9, 1, 2, 3, 4, 5, 6, 7]):
        steps += [[b"DEL", b"s"], [b"SADD", b"s", *(b"%d" % x for x in vals)]]
        usage(b"s")
    for members in ([b"abcdef"], [b"abcdefg"], [b"abcdef", b"abcdefg", b"x", b"y"]):
        steps += [[b"DEL", b"s"], [b"SADD", b"s", *members]]
        usage(b"s")
    for n in (5, 8, 9):  # a hashtable set once its rehash is over (SISMEMBER steps it)
        steps += [[b"DEL", b"s"], [b"SADD", b"s", *(b"m%d" % i for i in range(n))]]
        steps += [[b"SISMEMBER", b"s", b"m0"]] * 10
        usage(b"s")
    for n in (1, 2, 5, 6, 7, 12):  # a listpack: every entry counts
        steps += [[b"DEL", b"h"],
                  [b"HSET", b"h", *(x for i in range(n) for x in (b"f%d" % i, b"v" * (i + 1)))]]
        usage(b"h")
    steps.append([b"CONFIG", b"SET", b"hash-max-listpack-entries", b"0"])
    for fv in ([b"abcdef", b"abcdef"], [b"abcdefg", b"v"], [b"f", b"abcdefg"],
               [b"a", b"1", b"b", b"2", b"c", b"3", b"d", b"4"]):
        steps += [[b"DEL", b"h"], [b"HSET", b"h", *fv]]
        usage(b"h")
    steps.append([b"CONFIG", b"SET", b"hash-max-listpack-entries", b"128"])
    for score, member in ((b"0.1", b"m"), (b"1e16", b""), (b"-0", b"mmmm"), (b"0", b"mmmm"),
                          (b"1.5", b"m"), (b"inf", b"m"), (b"2.5e-5", b"m")):
        steps += [[b"DEL", b"z"], [b"ZADD", b"z", score, member]]
        usage(b"z")
    steps += [[b"DEL", b"z"], [b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c", b"4", b"d",
                                b"5", b"e", b"6", b"f"]]
    usage(b"z")
    steps += [[b"DEL", b"z"], [b"ZADD", b"z", *(x for i in range(9) for x in (b"%d.5" % i, b"m" * i * 3))]]
    usage(b"z")
    for n in (1, 5, 6, 200):
        steps += [[b"DEL", b"l"], [b"RPUSH", b"l", *(b"e%d" % i for i in range(n))]]
        usage(b"l")
        usage(b"l", b"0")
        usage(b"l", b"1")
    steps.append([b"CONFIG", b"SET", b"list-max-listpack-size", b"4"])
    steps += [[b"DEL", b"l"], [b"RPUSH", b"l", *(b"e%d" % i for i in range(30))]]
    usage(b"l")
    usage(b"l", b"0")
    usage(b"l", b"2")
    steps.append([b"CONFIG", b"SET", b"list-max-listpack-size", b"-2"])
    steps.append([b"CONFIG", b"SET", b"stream-node-max-entries", b"2"])
    for n in (2, 3, 4, 9, 10, 11, 13, 14):  # 1 to 7 nodes of 2 entries, growing entries
        steps.append([b"DEL", b"x"])
        steps += [[b"XADD", b"x", b"%d-1" % i, b"f", b"v" * i] for i in range(1, n + 1)]
        usage(b"x")
    steps.append([b"CONFIG", b"SET", b"stream-node-max-entries", b"100"])
    return steps


_USAGE = [
    b'+OK\r\n', b':48\r\n', b':1\r\n', b'+OK\r\n', b':48\r\n', b':1\r\n', b'+OK\r\n', b':56\r\n',
    b':1\r\n', b'+OK\r\n', b':88\r\n', b':1\r\n', b'+OK\r\n', b':88\r\n', b':1\r\n', b'+OK\r\n',
    b':360\r\n', b':1\r\n', b'+OK\r\n', b':360\r\n', b':1\r\n', b'+OK\r\n', b':48\r\n', b'+OK\r\n',
    b':48\r\n', b'+OK\r\n', b':80\r\n', b'+OK\r\n', b':64\r\n', b'+OK\r\n', b':80\r\n', b'+OK\r\n',
    b':80\r\n', b'+OK\r\n', b':96\r\n', b'+OK\r\n', b':96\r\n', b'+OK\r\n', b':112\r\n',
    b'+OK\r\n', b':176\r\n', b'+OK\r\n', b':208\r\n', b'+OK\r\n', b':208\r\n', b'+OK\r\n',
    b':304\r\n', b'+OK\r\n', b':368\r\n', b'+OK\r\n', b':368\r\n', b'+OK\r\n', b':1328\r\n',
    b'+OK\r\n', b':1328\r\n', b'+OK\r\n', b':1328\r\n', b'+OK\r\n', b':81968\r\n', b'+OK\r\n',
    b':81968\r\n', b'+OK\r\n', b':81968\r\n', b'+OK\r\n', b':81968\r\n', b'+OK\r\n', b':81968\r\n',
    b'+OK\r\n', b':81968\r\n', b':0\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n', b':64\r\n',
    b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n',
    b':64\r\n', b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n',
    b':1\r\n', b':64\r\n', b':1\r\n', b':6\r\n', b':80\r\n', b':1\r\n', b':10\r\n', b':144\r\n',
    b':1\r\n', b':8\r\n', b':80\r\n', b':1\r\n', b':1\r\n', b':168\r\n', b':1\r\n', b':1\r\n',
    b':176\r\n', b':1\r\n', b':4\r\n', b':272\r\n', b':1\r\n', b':5\r\n', b':1\r\n', b':1\r\n',
    b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n',
    b':328\r\n', b':1\r\n', b':8\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n',
    b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':424\r\n', b':1\r\n', b':9\r\n',
    b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n', b':1\r\n',
    b':1\r\n', b':1\r\n', b':520\r\n', b':0\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':2\r\n',
    b':80\r\n', b':1\r\n', b':5\r\n', b':112\r\n', b':1\r\n', b':6\r\n', b':112\r\n', b':1\r\n',
    b':7\r\n', b':128\r\n', b':1\r\n', b':12\r\n', b':208\r\n', b'+OK\r\n', b':1\r\n', b':1\r\n',
    b':176\r\n', b':1\r\n', b':1\r\n', b':184\r\n', b':1\r\n', b':1\r\n', b':184\r\n', b':1\r\n',
    b':4\r\n', b':296\r\n', b'+OK\r\n', b':0\r\n', b':1\r\n', b':80\r\n', b':1\r\n', b':1\r\n',
    b':80\r\n', b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n',
    b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n', b':64\r\n', b':1\r\n', b':1\r\n', b':96\r\n',
    b':1\r\n', b':6\r\n', b':96\r\n', b':1\r\n', b':9\r\n', b':240\r\n', b':0\r\n', b':1\r\n',
    b':144\r\n', b':144\r\n', b':144\r\n', b':1\r\n', b':5\r\n', b':160\r\n', b':160\r\n',
    b':160\r\n', b':1\r\n', b':6\r\n', b':160\r\n', b':160\r\n', b':160\r\n', b':1\r\n',
    b':200\r\n', b':1408\r\n', b':1408\r\n', b':1408\r\n', b'+OK\r\n', b':1\r\n', b':30\r\n',
    b':664\r\n', b':664\r\n', b':664\r\n', b'+OK\r\n', b'+OK\r\n', b':0\r\n', b'$3\r\n1-1\r\n',
    b'$3\r\n2-1\r\n', b':4728\r\n', b':1\r\n', b'$3\r\n1-1\r\n', b'$3\r\n2-1\r\n',
    b'$3\r\n3-1\r\n', b':5768\r\n', b':1\r\n', b'$3\r\n1-1\r\n', b'$3\r\n2-1\r\n',
    b'$3\r\n3-1\r\n', b'$3\r\n4-1\r\n', b':5768\r\n', b':1\r\n', b'$3\r\n1-1\r\n',
    b'$3\r\n2-1\r\n', b'$3\r\n3-1\r\n', b'$3\r\n4-1\r\n', b'$3\r\n5-1\r\n', b'$3\r\n6-1\r\n',
    b'$3\r\n7-1\r\n', b'$3\r\n8-1\r\n', b'$3\r\n9-1\r\n', b':7456\r\n', b':1\r\n',
    b'$3\r\n1-1\r\n', b'$3\r\n2-1\r\n', b'$3\r\n3-1\r\n', b'$3\r\n4-1\r\n', b'$3\r\n5-1\r\n',
    b'$3\r\n6-1\r\n', b'$3\r\n7-1\r\n', b'$3\r\n8-1\r\n', b'$3\r\n9-1\r\n', b'$4\r\n10-1\r\n',
    b':7456\r\n', b':1\r\n', b'$3\r\n1-1\r\n', b'$3\r\n2-1\r\n', b'$3\r\n3-1\r\n',
    b'$3\r\n4-1\r\n', b'$3\r\n5-1\r\n', b'$3\r\n6-1\r\n', b'$3\r\n7-1\r\n', b'$3\r\n8-1\r\n',
    b'$3\r\n9-1\r\n', b'$4\r\n10-1\r\n', b'$4\r\n11-1\r\n', b':8021\r\n', b':1\r\n',
    b'$3\r\n1-1\r\n', b'$3\r\n2-1\r\n', b'$3\r\n3-1\r\n', b'$3\r\n4-1\r\n', b'$3\r\n5-1\r\n',
    b'$3\r\n6-1\r\n', b'$3\r\n7-1\r\n', b'$3\r\n8-1\r\n', b'$3\r\n9-1\r\n', b'$4\r\n10-1\r\n',
    b'$4\r\n11-1\r\n', b'$4\r\n12-1\r\n', b'$4\r\n13-1\r\n', b':8582\r\n', b':1\r\n',
    b'$3\r\n1-1\r\n', b'$3\r\n2-1\r\n', b'$3\r\n3-1\r\n', b'$3\r\n4-1\r\n', b'$3\r\n5-1\r\n',
    b'$3\r\n6-1\r\n', b'$3\r\n7-1\r\n', b'$3\r\n8-1\r\n', b'$3\r\n9-1\r\n', b'$4\r\n10-1\r\n',
    b'$4\r\n11-1\r\n', b'$4\r\n12-1\r\n', b'$4\r\n13-1\r\n', b'$4\r\n14-1\r\n', b':8582\r\n',
    b'+OK\r\n',
]


def _lib(name: str, fns: list[str], desc: str = "") -> bytes:
    """A FUNCTION LOAD body: library ``name`` registering ``fns`` (with ``desc``)."""
    reg = ("redis.register_function{{function_name='{}', callback=function() return 1 end, "
           "description='" + desc + "'}}" if desc else
           "redis.register_function('{}', function() return 1 end)")
    return (f"#!lua name={name}\n" + "\n".join(reg.format(f) for f in fns)).encode()


_FUNCS = ("memory", "used_memory_functions")
_EVALS = ("memory", "used_memory_scripts_eval")


def _engine_steps() -> list[list[bytes] | tuple[str, str]]:
    """The script of :func:`check_engine_memory`: libraries and scripts, at most 4 of either
    at a time (a dict of 5 rehashes from 4 to 8 buckets and counts both tables: not modelled)."""
    steps: list[list[bytes] | tuple[str, str]] = [_FUNCS, _EVALS]
    for name, fns, desc in (("l", ["f"], ""), ("abcdef", ["abcdef"], ""),
                            ("abcdefg", ["abcdefg"], ""), ("x" * 31, ["y" * 31], ""),
                            ("x" * 32, ["y" * 32], ""), ("d", ["g"], "abcdef"),
                            ("e", ["h"], "abcdefg"), ("m3", ["a1", "a2", "a3"], ""),
                            ("m4", ["b1", "b2", "b3", "b4"], "")):
        steps += [[b"FUNCTION", b"FLUSH"], [b"FUNCTION", b"LOAD", _lib(name, fns, desc)], _FUNCS]
    for bodies in ([1], [34], [35], [19], [18], [1, 2, 3, 4]):
        steps.append([b"SCRIPT", b"FLUSH"])
        for i, n in enumerate(bodies):
            steps += [[b"SCRIPT", b"LOAD", b"return '" + b"a" * n + b"%d'" % i], _EVALS]
    return steps


_ENGINE = [
    b'200', b'0', b'+OK\r\n', b'$1\r\nl\r\n', b'440', b'+OK\r\n', b'$6\r\nabcdef\r\n', b'440',
    b'+OK\r\n', b'$7\r\nabcdefg\r\n', b'472', b'+OK\r\n',
    b'$31\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n', b'600', b'+OK\r\n',
    b'$32\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n', b'600', b'+OK\r\n', b'$1\r\nd\r\n', b'496',
    b'+OK\r\n', b'$1\r\ne\r\n', b'504', b'+OK\r\n', b'$2\r\nm3\r\n', b'728', b'+OK\r\n',
    b'$2\r\nm4\r\n', b'880', b'+OK\r\n', b'$40\r\n702ce7d055b468c58c70c383f5c6013fb7ab75dd\r\n',
    b'136', b'+OK\r\n', b'$40\r\nb88c2633df56e30875a272b3d8cbb9bc0627b19a\r\n', b'168', b'+OK\r\n',
    b'$40\r\ndf58ec595c083d4c942c29122470da29cec59b49\r\n', b'184', b'+OK\r\n',
    b'$40\r\n7b1ed49c6b934d1645a7f2bcc902deb3dfb161f7\r\n', b'168', b'+OK\r\n',
    b'$40\r\n4fcc061dd75eda1863c52e3ac75b1def3b7e3dc9\r\n', b'152', b'+OK\r\n',
    b'$40\r\n702ce7d055b468c58c70c383f5c6013fb7ab75dd\r\n', b'136',
    b'$40\r\nf2f5f6e807207b34558ae032dab6b9378988f2cc\r\n', b'240',
    b'$40\r\n3b59cc5c6fc688fc2105a26a74604aa3cd479144\r\n', b'360',
    b'$40\r\na30852f7b1742ebb63320f73ffeef4a7b1d4e444\r\n', b'480',
]

#: MEMORY USAGE of a one-member skiplist (zset-max-listpack-entries 0) with a 6-byte and a
#: 7-byte member, at node level 1, on 7.0.15.
_SKIPLIST_MEMBER = (904, 912)


def _field(reply: bytes, name: str) -> bytes | None:
    for line in reply.split(b"\r\n"):
        if line.startswith(name.encode() + b":"):
            return line.split(b":", 1)[1]
    return None


def _replay(steps: list[Any], want: list[bytes], c: Session | None = None) -> Session:
    """Run ``steps`` (arguments, or an INFO (section, field) to read) on a fresh server (or on
    ``c``): every reply (or field) equal to 7.0.15's."""
    c = c if c is not None else Session()
    assert len(steps) == len(want)
    for i, (st, w) in enumerate(zip(steps, want, strict=True)):
        try:
            if isinstance(st, tuple):
                got = _field(c.call(b"INFO", st[0]), st[1])
            else:
                got = c.call(*st)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {str(st)[:80]}: the spec raised {e!r}") from e
        assert got == w, f"{NAME}: step {i} {str(st)[:80]}: spec {got!r}, redis 7.0.15 {w!r}"
    return c


def check_usage() -> None:
    """MEMORY USAGE at the model's edges (``_USAGE``)."""
    _replay(_usage_steps(), _USAGE)


def check_engine_memory() -> None:
    """INFO's functions and eval scripts memory (``_ENGINE``)."""
    _replay(_engine_steps(), _ENGINE)


def check_skiplist_member() -> None:
    """A skiplist member's sds is type 5 under 32 bytes (``_SKIPLIST_MEMBER``)."""
    got = []
    for member in (b"abcdef", b"abcdefg"):
        c = Session()
        c.call(b"CONFIG", b"SET", b"zset-max-listpack-entries", b"0")
        c.call(b"ZADD", b"z", b"1", member)
        got.append(int(c.call(b"MEMORY", b"USAGE", b"z")[1:-2]))
    want = _SKIPLIST_MEMBER[1] - _SKIPLIST_MEMBER[0]
    assert got[1] - got[0] == want, f"{NAME}: skiplist member 6 -> 7 bytes: spec {got}"


def _used(c: Session) -> int:
    v = _field(c.call(b"INFO", b"memory"), "used_memory")
    assert v is not None
    return int(v)


#: Keys and values for :func:`check_used_memory_rule`: key edges, int/embstr/raw edges, the
#: hot path's tables (keys below 256 bytes, values below 1024), small aggregates.
_RULE_KEYS: list[list[bytes]] = [
    [b"SET", b"k" * n, b"1"] for n in (0, 6, 7, 31, 32, 255, 256, 300)
] + [
    [b"SET", b"v%d" % n, b"x" * n] for n in (0, 19, 20, 28, 29, 44, 45, 124, 125, 1023,
                                              1024, 1025, 70000)
] + [
    [b"SET", b"i1", b"-9223372036854775808"], [b"SET", b"i2", b"12345678901234567890"],
    [b"SET", b"i3", b"9999"], [b"RPUSH", b"l1", b"a"], [b"RPUSH", b"l5", b"a", b"b", b"c",
                                                       b"d", b"e"],
    [b"HSET", b"h", b"f", b"v"], [b"SADD", b"s", b"1", b"2"], [b"ZADD", b"z", b"0.5", b"m"],
]


def check_used_memory_rule() -> None:
    """Each new key adds MEMORY USAGE + 16 to ``used_memory`` (+ 40 more with a TTL)."""
    c = Session()
    for argv in _RULE_KEYS:
        before = _used(c)
        c.call(*argv)
        usage = int(c.call(b"MEMORY", b"USAGE", argv[1])[1:-2])
        got = _used(c) - before
        assert got == usage + 16, f"{NAME}: {argv[:2]!r}: used_memory +{got}, usage {usage}"
        before = _used(c)
        c.call(b"EXPIRE", argv[1], b"100")
        assert _used(c) - before == 40, f"{NAME}: {argv[:2]!r}: a TTL"


def check_plain_node() -> None:
    """``quicklist_usage`` with a plain node (an element over the packed threshold): 16 (robj)
    + 40 (quicklist) + per node 40 + the listpack (7 + entries) or the element, in jemalloc's
    classes: [a] 10 -> 16, plain 150 -> 160, [b] 16; every node sampled."""
    v = ListValue.of([b"a", b"x" * 150, b"b"])
    got = M.quicklist_usage(v, -2, 100, 0)
    assert got == 16 + 40 + (40 + 16) + (40 + 160) + (40 + 16), f"{NAME}: plain node {got}"


# -- INFO (spec/info.py) ---------------------------------------------------------------------------

T0 = 1_700_000_000_000


class _World:
    """A server and ``n`` connections (``spec.server`` transitions, as the reference server
    applies them)."""

    def __init__(self, n: int, now: int = T0) -> None:
        self.now = now
        self.state = S.new_server(now)
        self.cids = []
        for i in range(n):
            self.state, cid = S.client_connect(self.state, now, addr=f"127.0.0.1:{50000 + i}",
                                               laddr="127.0.0.1:6379", fd=10 + i)
            self.cids.append(cid)

    def call(self, c: int, *args: bytes) -> bytes:
        """Client number ``c`` sends ``args``: what it is sent back."""
        cid = self.cids[c]
        st = self.state
        while True:
            try:
                self.state, eff = S.client_input(st, cid, encode_request(args), self.now)
                return S.output_for(eff, cid)
            except persist.SaveOutcomeNeeded:  # SAVE: the file is written
                st = persist.with_save_outcome(st, True)


def _info_fields(reply: bytes, names: list[bytes]) -> list[bytes | None]:
    out: list[bytes | None] = []
    for n in names:
        v = None
        for ln in reply.split(b"\r\n"):
            if ln.startswith(n + b":"):
                v = ln.split(b":", 1)[1]
        out.append(v)
    return out


def _info_steps() -> list[tuple[Any, ...]]:
    """The script of :func:`check_info` (client, arguments | "?" section fields | "#" the
    section headers of INFO with these arguments)."""
    st: list[tuple[Any, ...]] = []
    for args in ([], [b"default"], [b"all"], [b"everything"], [b"modules"], [b"module_list"],
                 [b"server", b"keyspace"], [b"commandstats"]):
        st.append((0, "#", args))
    for n in (0, 1023, 1024, 1048575, 1048576, (1 << 30) - 1, 1 << 30, (1 << 40) - 1, 1 << 40,
              (1 << 50) - 1, 1 << 50, (1 << 60) - 1, 1 << 60, (1 << 63) - 1, 1 << 63,
              (1 << 64) - 1):
        st.append((0, [b"CONFIG", b"SET", b"maxmemory", b"%d" % n]))
        st.append((0, "?", b"memory", [b"maxmemory", b"maxmemory_human"]))
    st.append((0, [b"CONFIG", b"SET", b"maxmemory", b"0"]))
    st.append((0, [b"SET", b"k", b"v"]))
    st.append((0, "?", b"keyspace", [b"db0"]))
    st.append((1, [b"BLPOP", b"x", b"0"], "noreply"))
    st.append((2, [b"BLPOP", b"y", b"100"], "noreply"))
    st.append((0, "?", b"clients", [b"blocked_clients", b"clients_in_timeout_table"]))
    st.append((0, [b"RPUSH", b"x", b"1"]))
    st.append((0, "?", b"clients", [b"blocked_clients", b"clients_in_timeout_table"]))
    st.append((0, [b"FUNCTION", b"LOAD", b"#!lua name=lib\nredis.register_function('f1', "
                   b"function() return 1 end)\nredis.register_function('f2', function() "
                   b"return 2 end)"]))
    st.append((0, "?", b"memory", [b"number_of_functions", b"number_of_libraries"]))
    st.append((3, [b"PSUBSCRIBE", b"p*"]))
    st.append((3, [b"SUBSCRIBE", b"a", b"b"]))
    st.append((0, "?", b"stats", [b"pubsub_channels", b"pubsub_patterns",
                                  b"pubsubshard_channels"]))
    st.append((4, [b"CLIENT", b"TRACKING", b"on"]))
    for k in (b"k1", b"k2", b"k3"):
        st.append((4, [b"GET", k]))
    st.append((5, [b"CLIENT", b"TRACKING", b"on"]))
    st.append((5, [b"GET", b"k1"]))
    st.append((0, "?", b"stats", [b"tracking_total_keys", b"tracking_total_items",
                                  b"tracking_total_prefixes"]))
    st.append((0, "?", b"clients", [b"tracking_clients"]))
    st.append((0, "?", b"persistence", [b"rdb_saves", b"rdb_current_bgsave_time_sec",
                                        b"rdb_last_bgsave_time_sec", b"loading"]))
    st.append((0, [b"SAVE"]))
    st.append((0, "?", b"persistence", [b"rdb_saves", b"rdb_changes_since_last_save"]))
    return st


#: What 7.0.15 answered to :func:`_info_steps` (None: a blocked client's missing reply).
_INFO = [
    [b'# Server', b'# Clients', b'# Memory', b'# Persistence', b'# Stats', b'# Replication', b'# CPU', b'# Modules', b'# Errorstats', b'# Cluster', b'# Keyspace'],
    [b'# Server', b'# Clients', b'# Memory', b'# Persistence', b'# Stats', b'# Replication', b'# CPU', b'# Modules', b'# Errorstats', b'# Cluster', b'# Keyspace'],
    [b'# Server', b'# Clients', b'# Memory', b'# Persistence', b'# Stats', b'# Replication', b'# CPU', b'# Modules', b'# Commandstats', b'# Errorstats', b'# Latencystats', b'# Cluster', b'# Keyspace'],
    [b'# Server', b'# Clients', b'# Memory', b'# Persistence', b'# Stats', b'# Replication', b'# CPU', b'# Modules', b'# Commandstats', b'# Errorstats', b'# Latencystats', b'# Cluster', b'# Keyspace'],
    [b'# Modules'],
    [b'# Modules'],
    [b'# Server', b'# Keyspace'],
    [b'# Commandstats'],
    b'+OK\r\n',
    [b'0', b'0B'],
    b'+OK\r\n',
    [b'1023', b'1023B'],
    b'+OK\r\n',
    [b'1024', b'1.00K'],
    b'+OK\r\n',
    [b'1048575', b'1024.00K'],
    b'+OK\r\n',
    [b'1048576', b'1.00M'],
    b'+OK\r\n',
    [b'1073741823', b'1024.00M'],
    b'+OK\r\n',
    [b'1073741824', b'1.00G'],
    b'+OK\r\n',
    [b'1099511627775', b'1024.00G'],
    b'+OK\r\n',
    [b'1099511627776', b'1.00T'],
    b'+OK\r\n',
    [b'1125899906842623', b'1024.00T'],
    b'+OK\r\n',
    [b'1125899906842624', b'1.00P'],
    b'+OK\r\n',
    [b'1152921504606846975', b'1024.00P'],
    b'+OK\r\n',
    [b'1152921504606846976', b'1152921504606846976B'],
    b'+OK\r\n',
    [b'9223372036854775807', b'9223372036854775807B'],
    b'+OK\r\n',
    [b'-9223372036854775808', b'9223372036854775808B'],
    b'+OK\r\n',
    [b'-1', b'18446744073709551615B'],
    b'+OK\r\n',
    b'+OK\r\n',
    [b'keys=1,expires=0,avg_ttl=0'],
    None,
    None,
    [b'2', b'1'],
    b':1\r\n',
    [b'1', b'1'],
    b'$3\r\nlib\r\n',
    [b'2', b'1'],
    b'*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:1\r\n',
    b'*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n',
    [b'2', b'1', b'0'],
    b'+OK\r\n',
    b'$-1\r\n',
    b'$-1\r\n',
    b'$-1\r\n',
    b'+OK\r\n',
    b'$-1\r\n',
    [b'3', b'4', b'0'],
    [b'2'],
    [b'0', b'-1', b'-1', b'0'],
    b'+OK\r\n',
    [b'1', b'0'],
]


def check_info() -> None:
    """INFO's sections, ``bytesToHuman`` edges, the blocked / Pub/Sub / tracking / function
    counters and the idle persistence fields (``_INFO``)."""
    w = _World(6)
    for st, want in zip(_info_steps(), _INFO, strict=True):
        c = st[0]
        try:
            if st[1] == "?":
                got: Any = _info_fields(w.call(c, b"INFO", st[2]), st[3])
            elif st[1] == "#":
                got = [ln for ln in w.call(c, b"INFO", *st[2]).split(b"\r\n")
                       if ln.startswith(b"# ")]
            else:
                got = w.call(c, *st[1])
                if want is None or st[1][0] in (b"SUBSCRIBE", b"PSUBSCRIBE"):
                    continue
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {str(st)[:80]}: the spec raised {e!r}") from e
        assert got == want, f"{NAME}: {str(st)[:80]}: spec {got!r}, redis 7.0.15 {want!r}"


def check_lru_clock() -> None:
    """INFO's ``lru_clock`` is the unix time in seconds masked to 24 bits (``getLRUClock``:
    ``LRU_CLOCK_MAX`` = (1 << 24) - 1, resolution 1000 ms)."""
    for secs in ((1 << 24) + 5, (1 << 24) - 1, (1 << 25) + (1 << 24) + 7):
        w = _World(1, now=secs * 1000 + 999)
        got = _info_fields(w.call(0, b"INFO", b"server"), [b"lru_clock"])[0]
        want = b"%d" % (secs & ((1 << 24) - 1))
        assert got == want, f"{NAME}: lru_clock at {secs} s: spec {got!r}, {want!r}"


CHECKS = [check_usage, check_engine_memory, check_skiplist_member, check_used_memory_rule,
          check_plain_node, check_info, check_lru_clock]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mintro(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()
