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

import shlex
import sys
from typing import Any

import attrs
import pytest
from immutables import Map

import redspec.spec.server as S
from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import dispatch as DISPATCH
from redspec.spec import info as I
from redspec.spec import latency as L
from redspec.spec import loading as LD
from redspec.spec import memory as M
from redspec.spec import persist
from redspec.spec import slowlog as SL
from redspec.spec.commands import debug as DB
from redspec.spec.commands import diagnostics as D
from redspec.spec.commands import introspection as X
from redspec.spec.commands import object as O
from redspec.spec.commands import server as SV
from redspec.spec.resp import encode_request
from redspec.spec.state import SLAVE_STATE_ONLINE, replace
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
                 [-2147483648], [-2147483649], [32767, 1, 2], [32768, 1, 2], [65535, 1, 2],
                 [65536, 1, 2], [-32768, 1, 2], [-32769, 1, 2], [-65536, 1, 2],
                 [-65537, 1, 2], [2147483647, 1], [2147483648, 1], [-2147483648, 1],
                 [-2147483649, 1], [4294967295, 1], [4294967296, 1], [-4294967296, 1],
                 [-4294967297, 1], [1, 2, 3, 4, 5, 40000],
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
    b':1\r\n', b':64\r\n', b':1\r\n', b':3\r\n', b':64\r\n', b':1\r\n', b':3\r\n', b':80\r\n',
    b':1\r\n', b':3\r\n', b':80\r\n', b':1\r\n', b':3\r\n', b':80\r\n', b':1\r\n', b':3\r\n',
    b':64\r\n', b':1\r\n', b':3\r\n', b':80\r\n', b':1\r\n', b':3\r\n', b':80\r\n', b':1\r\n',
    b':3\r\n', b':80\r\n', b':1\r\n', b':2\r\n', b':64\r\n', b':1\r\n', b':2\r\n', b':80\r\n',
    b':1\r\n', b':2\r\n', b':64\r\n', b':1\r\n', b':2\r\n', b':80\r\n', b':1\r\n', b':2\r\n',
    b':80\r\n', b':1\r\n', b':2\r\n', b':80\r\n', b':1\r\n', b':2\r\n', b':80\r\n', b':1\r\n',
    b':2\r\n', b':80\r\n', b':1\r\n', b':6\r\n', b':80\r\n', b':1\r\n', b':10\r\n', b':144\r\n',
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
        try:
            before = _used(c)
            c.call(*argv)
            usage = int(c.call(b"MEMORY", b"USAGE", argv[1])[1:-2])
            got = _used(c) - before
            before = _used(c)
            c.call(b"EXPIRE", argv[1], b"100")
            ttl = _used(c) - before
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {argv[:2]!r}: the spec raised {e!r}") from e
        assert got == usage + 16, f"{NAME}: {argv[:2]!r}: used_memory +{got}, usage {usage}"
        assert ttl == 40, f"{NAME}: {argv[:2]!r}: a TTL"


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
        self.saved = b""
        self.effects: Any = None
        self.cids: list[int] = []
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
                self.effects = eff
                return S.output_for(eff, cid)
            except persist.SaveOutcomeNeeded as need:  # SAVE: the file is written
                self.saved = need.data
                st = persist.with_save_outcome(st, True)
            except persist.ForkOutcomeNeeded:  # a BGSAVE for a replica: the child runs
                st = persist.with_fork_outcome(st, 4242, 7)


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


# -- OBJECT / MEMORY USAGE arguments (spec/commands/object.py), SLOWLOG (spec/slowlog.py) ----------

def _object_steps() -> list[list[bytes]]:
    """The script of :func:`check_object_memory`: MEMORY USAGE's arguments, lists of 4096
    elements (the longest sized node by node: a longer one is estimated), OBJECT REFCOUNT at LRU clock 0, SLOWLOG trimmed
    by a command it does not log."""
    k = b"k"
    st: list[list[bytes]] = [[b"SET", k, b"hello"], [b"OBJECT", b"REFCOUNT", k],
                             [b"SET", b"n", b"5"], [b"OBJECT", b"REFCOUNT", b"n"]]
    for extra in ([], [b"SAMPLES"], [b"SAMPLES", b"0"], [b"SAMPLES", b"-1"], [b"SAMPLES", b"x"],
                  [b"FOO", b"1"], [b"SAMPLES", b"1", b"SAMPLES"], [b"SAMPLES", b"1", b"x", b"1"],
                  [b"samples", b"9223372036854775807"]):
        st.append([b"MEMORY", b"USAGE", k, *extra])
    st.append([b"MEMORY", b"USAGE", b"missing"])
    st += [[b"RPUSH", b"abcdef", b"x"], [b"MEMORY", b"USAGE", b"abcdef"],
           [b"RPUSH", b"abcdefg", b"x"], [b"MEMORY", b"USAGE", b"abcdefg"]]
    st.append([b"RPUSH", b"l", *(b"%d" % i for i in range(4096))])
    st.append([b"MEMORY", b"USAGE", b"l"])
    st.append([b"DEL", b"l"])
    st.append([b"RPUSH", b"l", *(b"%d" % (i % 100) for i in range(4096))])
    st.append([b"MEMORY", b"USAGE", b"l"])
    st += [[b"SLOWLOG", b"RESET"], [b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0"],
           [b"PING"], [b"PING"], [b"SLOWLOG", b"LEN"],
           [b"CONFIG", b"SET", b"slowlog-log-slower-than", b"1000000"], [b"SLOWLOG", b"LEN"],
           [b"CONFIG", b"SET", b"slowlog-max-len", b"2"], [b"SLOWLOG", b"LEN"],
           [b"CONFIG", b"SET", b"slowlog-max-len", b"128"],
           [b"CONFIG", b"SET", b"slowlog-log-slower-than", b"10000"]]
    return st


#: What 7.0.15 answered to :func:`_object_steps`.
_OBJECT = [
    b'+OK\r\n',
    b':1\r\n',
    b'+OK\r\n',
    b':2147483647\r\n',
    b':64\r\n',
    b'-ERR syntax error\r\n',
    b':64\r\n',
    b'-ERR syntax error\r\n',
    b'-ERR value is not an integer or out of range\r\n',
    b'-ERR syntax error\r\n',
    b'-ERR syntax error\r\n',
    b'-ERR syntax error\r\n',
    b':64\r\n',
    b'$-1\r\n',
    b':1\r\n',
    b':144\r\n',
    b':1\r\n',
    b':152\r\n',
    b':4096\r\n',
    b':12456\r\n',
    b':1\r\n',
    b':4096\r\n',
    b':8392\r\n',
    b'+OK\r\n',
    b'+OK\r\n',
    b'+PONG\r\n',
    b'+PONG\r\n',
    b':3\r\n',
    b'+OK\r\n',
    b':4\r\n',
    b'+OK\r\n',
    b':2\r\n',
    b'+OK\r\n',
    b'+OK\r\n',
]


def check_object_memory() -> None:
    """MEMORY USAGE's arguments, the exact list sizes, REFCOUNT at LRU clock 0, SLOWLOG's trim
    (``_OBJECT``)."""
    _replay(_object_steps(), _OBJECT)


def check_slowlog_peer() -> None:
    """A SLOWLOG entry names its client's ``ip:port`` (``getClientPeerId``), as CLIENT INFO
    does."""
    w = _World(1)
    w.call(0, b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0")
    w.call(0, b"PING")
    got = w.call(0, b"SLOWLOG", b"GET", b"1")
    assert b"$15\r\n127.0.0.1:50000\r\n" in got, f"{NAME}: SLOWLOG GET peer: {got!r}"


# -- LATENCY (spec/latency.py, spec/commands/diagnostics.py) -------------------------------------

#: LATENCY with no event recorded, on 7.0.15: DOCTOR disabled (threshold 0) and with nothing
#: observed (threshold 100), RESET and LATEST of nothing.
_LATENCY_IDLE = [
    ([b'CONFIG', b'SET', b'latency-monitor-threshold', b'0'],
     b'+OK\r\n'),
    ([b'LATENCY', b'DOCTOR'],
     b'$288\r\nI\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren\'t in a deep space mission I\'d suggest to take a look at https://redis.io/topics/latency-monitor.\n\r\n'),
    ([b'CONFIG', b'SET', b'latency-monitor-threshold', b'100'],
     b'+OK\r\n'),
    ([b'LATENCY', b'DOCTOR'],
     b'$196\r\nDave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n\r\n'),
    ([b'LATENCY', b'RESET'],
     b':0\r\n'),
    ([b'LATENCY', b'RESET', b'command'],
     b':0\r\n'),
    ([b'LATENCY', b'LATEST'],
     b'*0\r\n'),
    ([b'CONFIG', b'SET', b'latency-monitor-threshold', b'0'],
     b'+OK\r\n'),
]


def _debug_session() -> Session:
    return Session(now=T0, **{"enable-debug-command": "yes"})


def check_latency_idle() -> None:
    """LATENCY DOCTOR, RESET and LATEST with no events (``_LATENCY_IDLE``)."""
    c = Session()
    for argv, want in _LATENCY_IDLE:
        got = c.call(*argv)
        assert got == want, f"{NAME}: {argv!r}: spec {got!r}, redis 7.0.15 {want!r}"


def check_latency_samples() -> None:
    """``latencyAddSample``: one sample a second, a later one in the same second only raises
    it; ``latencyResetEvent`` drops the named event (case-insensitive) or, with no name, all."""
    c = _debug_session()

    def call(*argv: bytes) -> bytes:
        try:
            return c.call(*argv)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {argv!r}: the spec raised {e!r}") from e

    call(b"CONFIG", b"SET", b"latency-monitor-threshold", b"10")
    t = b":%d\r\n" % (T0 // 1000)
    for ms, want in ((b"0.02", 20), (b"0.05", 50), (b"0.03", 50), (b"0.05", 50)):
        call(b"DEBUG", b"SLEEP", ms)
        got = call(b"LATENCY", b"HISTORY", b"command")
        assert got == b"*1\r\n*2\r\n" + t + b":%d\r\n" % want, f"{NAME}: HISTORY {got!r}"
    for args, want in (([b"other"], b":0\r\n"), ([b"COMMAND"], b":1\r\n"), ([], b":0\r\n")):
        got = call(b"LATENCY", b"RESET", *args)
        assert got == want, f"{NAME}: LATENCY RESET {args!r}: {got!r}"
    call(b"DEBUG", b"SLEEP", b"0.02")
    got = call(b"LATENCY", b"RESET")
    assert got == b":1\r\n", f"{NAME}: LATENCY RESET (all): {got!r}"


_SLOWLOG_ENABLED = b"Try to enable the Slow Log"
_SLOWLOG_TUNING = b"only logs events that are slower"


def check_latency_doctor_advice() -> None:
    """``createLatencyReport``'s Slow Log advice for a ``command`` event: enable it when
    ``slowlog-log-slower-than`` < 0, tune it when its milliseconds exceed the threshold."""
    for slower, enabled, tuning in ((b"-1", True, False), (b"0", False, False),
                                    (b"100000", False, False), (b"100999", False, False),
                                    (b"101000", False, True)):
        c = _debug_session()
        c.call(b"CONFIG", b"SET", b"latency-monitor-threshold", b"100")
        c.call(b"CONFIG", b"SET", b"slowlog-log-slower-than", slower)
        c.call(b"DEBUG", b"SLEEP", b"0.2")
        got = c.call(b"LATENCY", b"DOCTOR")
        assert (_SLOWLOG_ENABLED in got) == enabled and (_SLOWLOG_TUNING in got) == tuning, \
            f"{NAME}: DOCTOR with slowlog-log-slower-than {slower!r}: {got!r}"


def check_latency_graph_labels() -> None:
    """``latencyCommandGenSparkeline``'s labels: seconds below 60, minutes below 3600, hours
    below 86400, then days."""
    for elapsed, want in ((59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"),
                          (86399, "23h"), (86400, "1d")):
        got = L._elapsed_label(elapsed)
        assert got == want, f"{NAME}: GRAPH label {elapsed} s: spec {got!r}, {want!r}"


# -- SLOWLOG / LATENCY HISTOGRAM / MEMORY STATS and DOCTOR (spec/commands/diagnostics.py) ----------

#: SLOWLOG GET's argument edges and a HISTOGRAM of an unknown command, on 7.0.15.
_DIAGNOSTICS = [
    ([b'SLOWLOG', b'get', b'1', b'2'],
     b"-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n"),
    ([b'SLOWLOG', b'GET', b'-2'],
     b'-ERR count should be greater than or equal to -1\r\n'),
    ([b'SLOWLOG', b'GET', b'0'],
     b'*0\r\n'),
    ([b'LATENCY', b'HISTOGRAM', b'nosuch'],
     b'*0\r\n'),
]


def check_diagnostics_args() -> None:
    """SLOWLOG GET's count and arity, LATENCY HISTOGRAM of nothing (``_DIAGNOSTICS``)."""
    c = Session()
    for argv, want in _DIAGNOSTICS:
        got = c.call(*argv)
        assert got == want, f"{NAME}: {argv!r}: spec {got!r}, redis 7.0.15 {want!r}"


def check_latency_histogram() -> None:
    """LATENCY HISTOGRAM: every command called with no names, a named one, a container's
    subcommands; each call modelled at 0 µs sits in the hdr histogram's lowest bucket, 1 µs
    (``fillCommandCDF``)."""
    c = Session()
    c.call(b"PING")
    c.call(b"PING")
    c.call(b"CONFIG", b"SET", b"hz", b"10")
    one = b"*4\r\n$5\r\ncalls\r\n:%d\r\n$14\r\nhistogram_usec\r\n*2\r\n:1\r\n:%d\r\n"
    ping = b"$4\r\nping\r\n" + one % (2, 2)
    config = b"$10\r\nconfig|set\r\n" + one % (1, 1)
    for args, want in (([b"ping"], b"*2\r\n" + ping), ([b"config"], b"*2\r\n" + config),
                       ([b"config|set"], b"*2\r\n" + config)):
        got = c.call(b"LATENCY", b"HISTOGRAM", *args)
        assert got == want, f"{NAME}: LATENCY HISTOGRAM {args!r}: {got!r}"
    got = c.call(b"LATENCY", b"HISTOGRAM")
    assert got.startswith(b"*6\r\n" + config) and ping in got, f"{NAME}: HISTOGRAM {got!r}"


def _used_memory(c: Session) -> int:
    v = _field(c.call(b"INFO", b"memory"), "used_memory")
    assert v is not None
    return int(v)


def _fill(c: Session, target: int) -> None:
    """SET keys until INFO's ``used_memory`` is exactly ``target`` (the model's costs are
    multiples of 16; a 1-digit key costs 64 with an integer, 80/96/112 with an embstr)."""
    i = 0
    while (gap := target - _used_memory(c)) > 0:
        key = b"f%d" % i
        i += 1
        last = {64: b"1", 80: b"a", 96: b"a" * 13, 112: b"a" * 29}
        if gap in last:
            value = last[gap]
        elif gap < 192:
            value = b"1"
        else:  # the longest value that leaves at least 64 bytes
            lo, hi = 0, gap
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if M.key_cost(key, b"x" * mid) <= gap - 64:
                    lo = mid
                else:
                    hi = mid - 1
            value = b"x" * lo
        c.call(b"SET", key, value)
    assert target == _used_memory(c)


_DOCTOR_EMPTY = b"Hi Sam, this instance is empty"
_DOCTOR_FINE = b"Hi Sam, I can't find any memory issue"
_DOCTOR_SCRIPTS = b" * Many scripts: "


def check_memory_doctor() -> None:
    """``getMemoryDoctorReport``: an instance under 5 MB is "empty", one of 5 MB is examined;
    more than 1000 cached scripts is an issue, 1000 is not."""
    c = Session()
    _fill(c, 5 * 1024 * 1024 - 16)
    got = c.call(b"MEMORY", b"DOCTOR")
    assert _DOCTOR_EMPTY in got, f"{NAME}: MEMORY DOCTOR below 5 MB: {got!r}"
    _fill(c, 5 * 1024 * 1024)
    got = c.call(b"MEMORY", b"DOCTOR")
    assert _DOCTOR_FINE in got, f"{NAME}: MEMORY DOCTOR at 5 MB: {got!r}"
    for n, issue in ((1000, False), (1001, True)):
        scripts = Map({f"{i:040x}": b"return 1" for i in range(n)})
        c.state = attrs.evolve(c.state, scripting=attrs.evolve(c.state.scripting,
                                                               scripts=scripts))
        got = c.call(b"MEMORY", b"DOCTOR")
        assert (_DOCTOR_SCRIPTS in got) == issue, f"{NAME}: {n} scripts: {got!r}"


def check_memory_stats_clients() -> None:
    """MEMORY STATS and INFO memory share ``getMemoryOverheadData``: the same
    ``clients.normal`` (``mem_clients_normal``), one client here, also when a script asks
    (its fake client, made by ``createClient(NULL)``, is not linked in ``server.clients``)."""
    c = Session()
    info = _field(c.call(b"INFO", b"memory"), "mem_clients_normal")
    assert info is not None
    want = b"$14\r\nclients.normal\r\n:%s\r\n" % info
    for argv in ([b"MEMORY", b"STATS"], [b"EVAL", b"return redis.call('MEMORY', 'STATS')", b"0"]):
        stats = c.call(*argv)
        assert want in stats, f"{NAME}: {argv[0]!r} MEMORY STATS clients.normal vs INFO {info!r}"
    c.call(b"HELLO", b"3")
    stats = c.call(b"EVAL", b"return redis.call('MEMORY', 'STATS')", b"0")
    assert b"clients.normal\r\n:" + info + b"\r\n" in stats, f"{NAME}: RESP3 {stats!r}"


# -- COMMAND GETKEYS / GETKEYSANDFLAGS / LIST (spec/commands/introspection.py) ---------------------

#: Command lines for COMMAND GETKEYSANDFLAGS and GETKEYS (``_GETKEYS``): containers and
#: subcommands, keynum counts past / at / below the arguments, keyword searches from the
#: start and backwards (MIGRATE), and the native finders of SET, BITFIELD, MIGRATE and SORT
#: at each option's edge.
_GETKEYS_LINES = [
    'config',
    'config get',
    'xinfo stream',
    'xinfo stream s',
    'get k',
    'nosuch k',
    "eval 'return 1' 0",
    "eval 'return 1' 2 a",
    "eval 'return 1' 1 a",
    'fcall f 0',
    'xread streams a 0',
    'xread count 1 streams a b 0 0',
    'xread count 1 streams',
    'xread streams',
    'xreadgroup group g c streams s 0',
    'xreadgroup group g c noack streams s >',
    'xreadgroup group g c count 1 noack streams s t > >',
    'georadius k 0 0 1 m',
    'georadius k 0 0 1 m store d',
    'georadius k 0 0 1 m storedist d',
    'georadius k 0 0 1 m store',
    'georadius k 0 0 1 m withdist store d storedist e',
    'georadiusbymember k m 1 m store d',
    'zunion 2 a',
    'zunion 1 a',
    'zunion 0 a',
    'zunion -1 a',
    'zunion 2 a b',
    'zunion 3 a b',
    'zunionstore d 2 a b',
    'zunionstore d 3 a b',
    'lmpop 1 l left',
    'lmpop 2 l m left',
    'sintercard 1 a',
    'sintercard 2 a b limit 1',
    'blmpop 0 1 l left',
    'zdiff 1 a',
    'bitfield k',
    'bitfield k get u8 0',
    'bitfield k get u8',
    'bitfield k set u8 0 1',
    'bitfield k set u8 0',
    'bitfield k incrby u8 0 1',
    'bitfield k incrby u8 0',
    'bitfield k overflow wrap get u8 0',
    'bitfield k overflow',
    'bitfield k overflow sat set i8 0 1',
    'bitfield k get u8 0 get u8 8 set u8 0 1',
    'bitfield k foo',
    'bitfield k get u8 0 foo',
    'bitfield_ro k get u8 0',
    'migrate h 1 k 0 1000',
    'migrate h 1 k 0 1000 copy',
    "migrate h 1 '' 0 1000 keys a b",
    'migrate h 1 k 0 1000 keys a b',
    "migrate h 1 '' 0 1000 auth keys keys a",
    "migrate h 1 '' 0 1000 auth2 u keys keys a",
    "migrate h 1 '' 0 1000 copy keys a",
    "migrate h 1 '' 0 1000 replace keys a b c",
    "migrate h 1 '' 0 1000 copy replace",
    "migrate h 1 '' 0 1000 keys",
    'migrate keys 1 k 0 1000',
    'migrate h keys k 0 1000',
    'migrate h 1 keys 0 1000',
    'migrate keys 1 k 0 1000 copy',
    'migrate keys 1 k 0 1000 auth x',
    "migrate keys 1 '' 0 1000 replace",
    'bitfield k overflow wrap',
    'bitfield k get u8 0 overflow wrap',
    'sort k get store x',
    'sort k by store x',
    'sort k limit store x 1',
    'sort k',
    'sort k store d',
    'sort k store',
    'sort k store d store e',
    'sort k by x store d',
    'sort k limit 0 1 store d',
    'sort k get store store d',
    'sort k limit store d 1 store e',
    'sort k get # by store',
    'sort k alpha desc store d',
    'sort_ro k by x get y',
    'set k v',
    'set k v get',
    'set k v ex 1 get',
    'set k get',
    'set k v getx',
    'mset a 1 b 2',
    'mset a 1 b',
    'del a b c',
    'object encoding k',
    'memory usage k',
    'restore k 0 x',
    'lcs a b',
    'xadd s * f v',
    'spublish c m',
    'pfcount a b',
]

#: 7.0.15's (GETKEYSANDFLAGS, GETKEYS) replies to each of ``_GETKEYS_LINES``.
_GETKEYS = [
    (b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n",
     b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    (b'-ERR The command has no key arguments\r\n',
     b'-ERR The command has no key arguments\r\n'),
    (b'-ERR Invalid number of arguments specified for command\r\n',
     b'-ERR Invalid number of arguments specified for command\r\n'),
    (b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\ns\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'-ERR Invalid command specified\r\n',
     b'-ERR Invalid command specified\r\n'),
    (b'*0\r\n',
     b'*0\r\n'),
    (b'*0\r\n',
     b'*0\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*0\r\n',
     b'*0\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'-ERR Invalid number of arguments specified for command\r\n',
     b'-ERR Invalid number of arguments specified for command\r\n'),
    (b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\ns\r\n'),
    (b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\ns\r\n'),
    (b'*2\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nt\r\n*2\r\n+RO\r\n+access\r\n',
     b'*2\r\n$1\r\ns\r\n$1\r\nt\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*3\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\ne\r\n*2\r\n+OW\r\n+update\r\n',
     b'*3\r\n$1\r\nk\r\n$1\r\nd\r\n$1\r\ne\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n',
     b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'*1\r\n*2\r\n$1\r\nl\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nl\r\n'),
    (b'*2\r\n*2\r\n$1\r\nl\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nm\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*2\r\n$1\r\nl\r\n$1\r\nm\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'*1\r\n*2\r\n$1\r\nl\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nl\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'-ERR Invalid arguments specified for command\r\n',
     b'-ERR Invalid arguments specified for command\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\na\r\n'),
    (b'*3\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nc\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (b'*1\r\n*2\r\n$0\r\n\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$0\r\n\r\n'),
    (b'*1\r\n*2\r\n$0\r\n\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$0\r\n\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$4\r\nkeys\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$4\r\nkeys\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$0\r\n\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n',
     b'*1\r\n$0\r\n\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\ne\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\ne\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\ne\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\ne\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'*3\r\n*2\r\n$1\r\na\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nc\r\n*2\r\n+RM\r\n+delete\r\n',
     b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n',
     b'*1\r\n$1\r\nk\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    (b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RW\r\n+update\r\n',
     b'*1\r\n$1\r\ns\r\n'),
    (b'-ERR The command has no key arguments\r\n',
     b'-ERR The command has no key arguments\r\n'),
    (b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RW\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+access\r\n',
     b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
]

#: COMMAND LIST FILTERBY ACLCAT on 7.0.15 (sorted: Redis lists in its dict's order).
_ACLCAT = {
    b"hyperloglog": [b"pfadd", b"pfcount", b"pfdebug", b"pfmerge", b"pfselftest"],
    b"geo": [b"geoadd", b"geodist", b"geohash", b"geopos", b"georadius", b"georadius_ro",
             b"georadiusbymember", b"georadiusbymember_ro", b"geosearch", b"geosearchstore"],
}


def check_getkeys() -> None:
    """COMMAND GETKEYSANDFLAGS and GETKEYS (``_GETKEYS``)."""
    c = Session()
    for line, (flags, keys) in zip(_GETKEYS_LINES, _GETKEYS, strict=True):
        argv = [a.encode() for a in shlex.split(line)]
        for sub, want in ((b"GETKEYSANDFLAGS", flags), (b"GETKEYS", keys)):
            try:
                got = c.call(b"COMMAND", sub, *argv)
            except Exception as e:  # a planted bug may crash the spec: a failure too
                raise AssertionError(f"{NAME}: COMMAND {sub!r} {line}: raised {e!r}") from e
            assert got == want, f"{NAME}: COMMAND {sub!r} {line}: spec {got!r}, {want!r}"


def check_command_list_aclcat() -> None:
    """COMMAND LIST FILTERBY ACLCAT: the commands of the category (``_ACLCAT``)."""
    c = Session()
    for cat, want in _ACLCAT.items():
        got = c.call(b"COMMAND", b"LIST", b"FILTERBY", b"ACLCAT", cat)
        names = sorted(got.split(b"\r\n")[2::2])
        assert names == want, f"{NAME}: COMMAND LIST FILTERBY ACLCAT {cat!r}: {names!r}"


# -- DEBUG (spec/commands/debug.py) ----------------------------------------------------------------

#: DEBUG at its arities and edges, as 7.0.15's ``debugCommand`` answers (read from debug.c:
#: the live server runs with ``enable-debug-command no``, so these are not recorded): POPULATE's
#: count and size (``getPositiveLongFromObjectOrReply``), a prefix cut at its NUL, a size of 0
#: (``value:<j>``) or more (zero-padded); ERROR; every PROTOCOL type in RESP2 and RESP3;
#: STRUCTSIZE, STRINGMATCH-TEST; SET-SKIP-CHECKSUM-VALIDATION against RESTORE of a payload
#: whose CRC is wrong.
_DEBUG = [
    ([b'DEBUG', b'HELP', b'x'],
     b"-ERR unknown subcommand or wrong number of arguments for 'HELP'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'POPULATE'],
     b"-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'POPULATE', b'1'],
     b'+OK\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'p'],
     b'+OK\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'p', b'3'],
     b'+OK\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'p', b'1', b'x'],
     b"-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'POPULATE', b'0'],
     b'+OK\r\n'),
    ([b'DEBUG', b'POPULATE', b'-1'],
     b'-ERR value is out of range, must be positive\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'q', b'0'],
     b'+OK\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'r', b'-1'],
     b'-ERR value is out of range, must be positive\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'r', b'x'],
     b'-ERR value is out of range, must be positive\r\n'),
    ([b'DEBUG', b'POPULATE', b'2', b's', b'10'],
     b'+OK\r\n'),
    ([b'DEBUG', b'POPULATE', b'1', b'\x00ab', b'2'],
     b'+OK\r\n'),
    ([b'MGET', b'key:0', b'p:0', b'q:0', b's:0', b's:1', b':0', b'r:0'],
     b'*7\r\n$7\r\nvalue:0\r\n$7\r\nvalue:0\r\n$7\r\nvalue:0\r\n$10\r\nvalue:0\x00\x00\x00\r\n$10\r\nvalue:1\x00\x00\x00\r\n$2\r\nva\r\n$-1\r\n'),
    ([b'DEBUG', b'ERROR'],
     b"-ERR unknown subcommand or wrong number of arguments for 'ERROR'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'ERROR', b'a\r\nb'],
     b'-a  b\r\n'),
    ([b'DEBUG', b'PROTOCOL'],
     b"-ERR unknown subcommand or wrong number of arguments for 'PROTOCOL'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'PROTOCOL', b'nosuch'],
     b'-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'string'],
     b'$11\r\nHello World\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'integer'],
     b':12345\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'double'],
     b'$5\r\n3.141\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'bignum'],
     b'$37\r\n1234567999999999999999999999999999999\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'null'],
     b'$-1\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'array'],
     b'*3\r\n:0\r\n:1\r\n:2\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'set'],
     b'*3\r\n:0\r\n:1\r\n:2\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'map'],
     b'*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'attrib'],
     b'$39\r\nSome real reply following the attribute\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'push'],
     b'-ERR RESP2 is not supported by this command\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'verbatim'],
     b'$25\r\nThis is a verbatim\nstring\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'true'],
     b':1\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'false'],
     b':0\r\n'),
    ([b'HELLO', b'3'],
     b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'null'],
     b'_\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'set'],
     b'~3\r\n:0\r\n:1\r\n:2\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'map'],
     b'%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'attrib'],
     b'|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'push'],
     b'>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'verbatim'],
     b'=29\r\ntxt:This is a verbatim\nstring\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'true'],
     b'#t\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'false'],
     b'#f\r\n'),
    ([b'DEBUG', b'PROTOCOL', b'double'],
     b',3.141\r\n'),
    ([b'HELLO', b'2'],
     b'*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ([b'DEBUG', b'STRUCTSIZE'],
     b'$83\r\nbits:64 robj:16 dictentry:24 sdshdr5:1 sdshdr8:3 sdshdr16:5 sdshdr32:9 sdshdr64:17 \r\n'),
    ([b'DEBUG', b'STRUCTSIZE', b'x'],
     b"-ERR unknown subcommand or wrong number of arguments for 'STRUCTSIZE'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'STRINGMATCH-TEST'],
     b'+Apparently Redis did not crash: test passed\r\n'),
    ([b'DEBUG', b'STRINGMATCH-TEST', b'x'],
     b"-ERR unknown subcommand or wrong number of arguments for 'STRINGMATCH-TEST'. Try DEBUG HELP.\r\n"),
    ([b'DEBUG', b'SET-SKIP-CHECKSUM-VALIDATION'],
     b"-ERR unknown subcommand or wrong number of arguments for 'SET-SKIP-CHECKSUM-VALIDATION'. Try DEBUG HELP.\r\n"),
    ([b'SET', b'k', b'v'],
     b'+OK\r\n'),
    ([b'RESTORE', b'r1', b'0', b'\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xcf'],
     b'-ERR DUMP payload version or checksum are wrong\r\n'),
    ([b'DEBUG', b'SET-SKIP-CHECKSUM-VALIDATION', b'1'],
     b'+OK\r\n'),
    ([b'RESTORE', b'r1', b'0', b'\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xcf'],
     b'+OK\r\n'),
    ([b'DEBUG', b'SET-SKIP-CHECKSUM-VALIDATION', b'1'],
     b'+OK\r\n'),
    ([b'RESTORE', b'r2', b'0', b'\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xcf'],
     b'+OK\r\n'),
    ([b'DEBUG', b'SET-SKIP-CHECKSUM-VALIDATION', b'0'],
     b'+OK\r\n'),
    ([b'RESTORE', b'r3', b'0', b'\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xcf'],
     b'-ERR DUMP payload version or checksum are wrong\r\n'),
]


def check_debug() -> None:
    """DEBUG's subcommands (``_DEBUG``)."""
    c = Session(**{"enable-debug-command": "yes"})
    for argv, want in _DEBUG:
        try:
            got = c.call(*argv)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {argv!r}: the spec raised {e!r}") from e
        assert got == want, f"{NAME}: {argv!r}: spec {got!r}, redis 7.0.15 {want!r}"


# -- INFO's client count, CONFIG REWRITE and CONFIG SET's apply functions (spec/commands/server.py)

#: On 7.0.15 (3 connections; "?": INFO fields): a script's INFO counts the connected clients
#: (its fake client is not one), CONFIG REWRITE without a file, ``repl-backlog-size``'s floor
#: of 16384, ``requirepass`` set and cleared as new connections see it, ``appendonly`` turned
#: on (a rewrite starts) and off.
_SERVER = [
    ((0, [b'EVAL', b"return string.match(redis.call('INFO','clients'), 'connected_clients:%d+')", b'0']),
     b'$19\r\nconnected_clients:3\r\n'),
    ((0, '?', b'clients', [b'connected_clients']),
     [b'3']),
    ((0, [b'CONFIG', b'REWRITE']),
     b'-ERR The server is running without a config file\r\n'),
    ((0, [b'CONFIG', b'SET', b'repl-backlog-size', b'100']),
     b'+OK\r\n'),
    ((0, [b'CONFIG', b'GET', b'repl-backlog-size']),
     b'*2\r\n$17\r\nrepl-backlog-size\r\n$5\r\n16384\r\n'),
    ((0, [b'CONFIG', b'SET', b'repl-backlog-size', b'16385']),
     b'+OK\r\n'),
    ((0, [b'CONFIG', b'GET', b'repl-backlog-size']),
     b'*2\r\n$17\r\nrepl-backlog-size\r\n$5\r\n16385\r\n'),
    ((0, [b'CONFIG', b'SET', b'repl-backlog-size', b'1048576']),
     b'+OK\r\n'),
    ((0, [b'CONFIG', b'SET', b'requirepass', b'foo']),
     b'+OK\r\n'),
    ((1, [b'PING']),
     b'+PONG\r\n'),
    ((1, [b'AUTH', b'foo']),
     b'+OK\r\n'),
    ((1, [b'PING']),
     b'+PONG\r\n'),
    ((0, [b'CONFIG', b'SET', b'requirepass', b'']),
     b'+OK\r\n'),
    ((2, [b'AUTH', b'foo']),
     b'-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n'),
    ((2, [b'PING']),
     b'+PONG\r\n'),
    ((0, [b'CONFIG', b'SET', b'appendonly', b'yes']),
     b'+OK\r\n'),
    ((0, '?', b'persistence', [b'aof_enabled', b'aof_rewrite_in_progress']),
     [b'1', b'1']),
    ((0, [b'CONFIG', b'SET', b'appendonly', b'no']),
     b'+OK\r\n'),
    ((0, '?', b'persistence', [b'aof_enabled', b'aof_rewrite_in_progress']),
     [b'0', b'0']),
]


def check_server() -> None:
    """INFO from a script, CONFIG REWRITE, CONFIG SET's apply functions (``_SERVER``)."""
    w = _World(3)
    for st, want in _SERVER:
        c = st[0]
        try:
            if st[1] == "?":
                got: Any = _info_fields(w.call(c, b"INFO", st[2]), st[3])
            else:
                got = w.call(c, *st[1])
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {str(st)[:80]}: the spec raised {e!r}") from e
        assert got == want, f"{NAME}: {str(st)[:80]}: spec {got!r}, redis 7.0.15 {want!r}"


#: A replica's full and partial resynchronisation (REPLCONF, PSYNC ? -1, a write, PSYNC of
#: the id at offset 1 from another connection), as 7.0.15 reports them: INFO memory's
#: backlog / shared replication buffer / replica clients and INFO stats' sync counters.
_REPL_MEMORY = [b"mem_replication_backlog", b"mem_total_replication_buffers",
                b"mem_clients_slaves"]
_REPL_SYNCS = [b"sync_full", b"sync_partial_ok", b"sync_partial_err"]


def check_replication_info() -> None:
    """INFO's replication memory and sync counters with replicas (recorded: 20508, 20504, 0;
    a full sync, then a partial one)."""
    w = _World(3)
    assert w.call(1, b"REPLCONF", b"listening-port", b"7001") == b"+OK\r\n"
    full = w.call(1, b"PSYNC", b"?", b"-1")
    assert full.startswith(b"+FULLRESYNC "), f"{NAME}: PSYNC ? -1: {full!r}"
    w.call(0, b"SET", b"a", b"1")
    got = _info_fields(w.call(0, b"INFO", b"memory"), _REPL_MEMORY)
    assert got == [b"20508", b"20504", b"0"], f"{NAME}: replication memory {got!r}"
    got = _info_fields(w.call(0, b"INFO", b"stats"), _REPL_SYNCS)
    assert got == [b"1", b"0", b"0"], f"{NAME}: sync counters after a full sync {got!r}"
    got = _info_fields(w.call(0, b"INFO", b"replication"), [b"connected_slaves"])
    assert got == [b"1"], f"{NAME}: INFO replication with a replica {got!r}"
    part = w.call(2, b"PSYNC", full.split()[1], b"1")
    assert part.startswith(b"+CONTINUE"), f"{NAME}: PSYNC at offset 1: {part!r}"
    got = _info_fields(w.call(0, b"INFO", b"stats"), _REPL_SYNCS)
    assert got == [b"1", b"1", b"0"], f"{NAME}: sync counters after a partial sync {got!r}"


def check_info_loading() -> None:
    """INFO persistence while an RDB file loads: ``loading:1`` (then 0)."""
    w = _World(1)
    w.call(0, b"SET", b"a", b"1")
    w.call(0, b"SAVE")
    w.state = LD.start_loading(w.state, w.saved, "dump.rdb", T0)
    got = _info_fields(w.call(0, b"INFO", b"persistence"), [b"loading"])
    assert got == [b"1"], f"{NAME}: INFO while loading: {got!r}"


def check_min_replicas_at_once() -> None:
    """``updateGoodSlaves``, CONFIG SET's apply function of ``min-replicas-to-write`` /
    ``-max-lag``: the good replicas are counted at once, so with one online replica a write
    right after ``min-replicas-to-write 1`` is taken and one after ``2`` refused (not at the
    next cron; as tests/test_replication.py states it)."""
    w = _World(2)
    w.call(1, b"REPLCONF", b"listening-port", b"7001")
    w.call(1, b"PSYNC", b"?", b"-1")
    rid = w.cids[1]
    c = w.state.clients[rid]
    assert c.info.repl is not None
    w.state = attrs.evolve(w.state, clients=w.state.clients.set(rid, replace(
        c, repl=attrs.evolve(c.info.repl, state=SLAVE_STATE_ONLINE, ack_time_ms=T0))))
    for n, want in ((b"1", b"+OK\r\n"),
                    (b"2", b"-NOREPLICAS Not enough good replicas to write.\r\n")):
        w.call(0, b"CONFIG", b"SET", b"min-replicas-to-write", n)
        got = w.call(0, b"SET", b"k", b"v")
        assert got == want, f"{NAME}: SET after min-replicas-to-write {n!r}: {got!r}"


def check_maxmemory_evicts_at_once() -> None:
    """``updateMaxmemory`` starts ``evictionTimeProc``: lowering ``maxmemory`` under the used
    memory evicts right after CONFIG SET, with no further command (7.0.15: a subscriber to
    ``__keyevent@0__:evicted`` got all three keys' messages then)."""
    w = _World(2)
    w.call(0, b"CONFIG", b"SET", b"notify-keyspace-events", b"Ee")
    w.call(0, b"CONFIG", b"SET", b"maxmemory-policy", b"allkeys-random")
    for i in range(3):
        w.call(0, b"SET", b"k%d" % i, b"v")
    w.call(1, b"SUBSCRIBE", b"__keyevent@0__:evicted")
    w.call(0, b"CONFIG", b"SET", b"maxmemory", b"1")
    got = S.output_for(w.effects, w.cids[1]) + w.state.clients[w.cids[1]].reply
    assert got.count(b"$7\r\nmessage\r\n") == 3, f"{NAME}: evicted at CONFIG SET: {got!r}"


CHECKS = [check_usage, check_engine_memory, check_skiplist_member, check_used_memory_rule,
          check_plain_node, check_info, check_lru_clock,
          check_object_memory, check_slowlog_peer, check_latency_idle, check_latency_samples,
          check_latency_doctor_advice, check_latency_graph_labels, check_diagnostics_args,
          check_latency_histogram, check_memory_doctor, check_memory_stats_clients, check_getkeys, check_command_list_aclcat, check_debug,
          check_server, check_replication_info, check_info_loading,
          check_min_replicas_at_once, check_maxmemory_evicts_at_once]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mintro(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


# -- planted bugs: each is a surviving mutant ------------------------------------------------------

_MEMORY_PLANTS = [
    ("je_size", "if n <= 8:", "if n < 8:", check_usage),
    ("je_size", "step = 1 << (n - 1)", "step = 2 << (n - 1)", check_usage),
    ("je_size", "(n - 1).bit_length()", "(n - 2).bit_length()", check_usage),
    ("je_size", "(n + step - 1) // step", "(n + step) // step", check_usage),
    ("je_size", "(n + step - 1) // step", "(n + step - 2) // step", check_usage),
    ("_sds_hdr", "return 1\n", "return 0\n", check_usage),
    ("_sds_hdr", "return 1\n", "return 2\n", check_usage),
    ("_sds_hdr", "if n < 1 << 32:", "if n < 0 << 32:", check_usage),
    ("sds_alloc", "+ n + 1)", "+ n)", check_usage),
    ("sds_alloc", "+ n + 1)", "+ n + 2)", check_usage),
    ("_string_size", "n <= 20 and", "n < 20 and", check_usage),
    ("_string_size", "string2ll(v) is not None", "string2ll(v) is None", check_usage),
    ("_string_size", 'if enc == "int":', 'if enc != "int":', check_usage),
    ("_string_size", 'if enc == "embstr":', 'if enc != "embstr":', check_usage),
    ("_string_size", "ROBJ + 3 + n + 1", "ROBJ + 3 + n", check_usage),
    ("_string_size", "ROBJ + 3 + n + 1", "ROBJ + 3 + n + 2", check_usage),
    ("_slots", "else 1 << (n - 1)", "else 0 << (n - 1)", check_usage),
    ("_slots", "else 1 << (n - 1)", "else 2 << (n - 1)", check_usage),
    ("_slots", "(n - 1).bit_length()", "n.bit_length()", check_usage),
    ("_slots", "(n - 1).bit_length()", "(n - 2).bit_length()", check_usage),
    ("_hash_size", "if v.order is not None:", "if v.order is None:", check_usage),
    ("_hash_size", "sds_alloc(len(f), True)", "sds_alloc(len(f), False)", check_usage),
    ("_hash_size", "sds_alloc(len(x), True)", "sds_alloc(len(x), False)", check_usage),
    ("_set_size", "-(1 << 15) <= x < 1 << 15", "-(1 << 15) < x < 1 << 15", check_usage),
    ("_set_size", "-(1 << 15) <= x < 1 << 15", "-(1 << 15) <= x <= 1 << 15", check_usage),
    ("_set_size", "-(1 << 15) <= x", "-(0 << 15) <= x", check_usage),
    ("_set_size", "-(1 << 15) <= x", "-(2 << 15) <= x", check_usage),
    ("_set_size", "x < 1 << 15", "x < 0 << 15", check_usage),
    ("_set_size", "x < 1 << 15", "x < 2 << 15", check_usage),
    ("_set_size", "-(1 << 31) <= x < 1 << 31", "-(1 << 31) < x < 1 << 31", check_usage),
    ("_set_size", "-(1 << 31) <= x < 1 << 31", "-(1 << 31) <= x <= 1 << 31", check_usage),
    ("_set_size", "-(1 << 31) <= x", "-(0 << 31) <= x", check_usage),
    ("_set_size", "-(1 << 31) <= x", "-(2 << 31) <= x", check_usage),
    ("_set_size", "x < 1 << 31", "x < 0 << 31", check_usage),
    ("_set_size", "x < 1 << 31", "x < 2 << 31", check_usage),
    ("_set_size", "sds_alloc(len(m), True)", "sds_alloc(len(m), False)", check_usage),
    ("_zset_size", "sds_alloc(len(m), True)", "sds_alloc(len(m), False)", check_skiplist_member),
    ("stream_memory", "if len(nodes) <= len(sampled):", "if len(nodes) < len(sampled):",
     check_usage),
    ("stream_memory", "(len(nodes) - 1)", "(len(nodes))", check_usage),
    ("stream_memory", "(len(nodes) - 1)", "(len(nodes) - 2)", check_usage),
    ("stream_memory", "_node_alloc(nodes[-1])", "_node_alloc(nodes[-0])", check_usage),
    ("stream_memory", "_node_alloc(nodes[-1])", "_node_alloc(nodes[-2])", check_usage),
    ("quicklist_usage", "if samples <= 0", "if samples < 0", check_usage),
    ("quicklist_usage", "if container == 1", "if container != 1", check_plain_node),
    ("quicklist_usage", "if container == 1", "if container == 0", check_plain_node),
    ("quicklist_usage", "if container == 1", "if container == 2", check_plain_node),
    ("object_size", "    if f is None:\n        if not", "    if f is not None:\n        if not",
     check_usage),
    ("object_size", "        if f is None:\n            return", "        if f is not None:\n"
     "            return", check_used_memory_rule),
    ("key_usage", "sds_alloc(len(key), True)", "sds_alloc(len(key), False)", check_usage),
    ("key_cost", "_KEY_FIXED[n] if n < 256", "_KEY_FIXED[n] if n <= 256", check_used_memory_rule),
    ("key_cost", "if m <= 20 and", "if m < 20 and", check_used_memory_rule),
    ("key_cost", "string2ll(v) is not None", "string2ll(v) is None", check_used_memory_rule),
    ("key_cost", "if m < 1024", "if m <= 1024", check_used_memory_rule),
    ("functions_memory", "sds_alloc(len(lib.name), True)", "sds_alloc(len(lib.name), False)",
     check_engine_memory),
    ("functions_memory", "n += 1", "n += 0", check_engine_memory),
    ("functions_memory", "n += 1", "n += 2", check_engine_memory),
    ("functions_memory", "sds_alloc(len(f.name), True)", "sds_alloc(len(f.name), False)",
     check_engine_memory),
    ("functions_memory", "if f.description is not None", "if f.description is None",
     check_engine_memory),
    ("functions_memory", "sds_alloc(len(f.description), True)",
     "sds_alloc(len(f.description), False)", check_engine_memory),
    ("functions_memory", "while buckets < n:", "while buckets <= n:", check_engine_memory),
    ("argv_string_memory", "16 + 3 + n + 1", "16 + 3 + n", check_engine_memory),
    ("argv_string_memory", "16 + 3 + n + 1", "16 + 3 + n + 2", check_engine_memory),
    ("eval_scripts_memory", "n += 1", "n += 0", check_engine_memory),
    ("eval_scripts_memory", "n += 1", "n += 2", check_engine_memory),
    ("eval_scripts_memory", "while buckets < n:", "while buckets <= n:", check_engine_memory),
]


@pytest.mark.parametrize("func,old,new,check", _MEMORY_PLANTS,
                         ids=[f"{p[0]}:{p[2]}" for p in _MEMORY_PLANTS])
def test_planted_memory(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                        check: Any) -> None:
    plant_everywhere(monkeypatch, M, func, old, new)
    monkeypatch.setattr(M, "SIZERS", {})  # re-registered with the planted sizers
    _trips(check)


def _key_fixed(type5: bool) -> list[int]:
    return [M.sds_alloc(n, type5) + M.DICT_ENTRY + M.KEY_EXTRA for n in range(256)]


def _str_nonint(limit: int, plus: int) -> list[int]:
    return [M.je_size(M.ROBJ + 3 + n + plus) if n <= limit else M.ROBJ + M.sds_alloc(n)
            for n in range(1024)]


@pytest.mark.parametrize("name,table", [
    ("_KEY_FIXED", lambda: _key_fixed(False)),
    ("_STR_NONINT", lambda: _str_nonint(44, 0)),
    ("_STR_NONINT", lambda: _str_nonint(44, 2)),
])
def test_planted_memory_tables(monkeypatch: pytest.MonkeyPatch, name: str, table: Any) -> None:
    """The hot path's tables (built at import) computed with the mutant."""
    monkeypatch.setattr(M, name, table())
    _trips(check_used_memory_rule)


def _plant_anywhere(monkeypatch: pytest.MonkeyPatch, module: Any, func: str, old: str,
                    new: str) -> None:
    """:func:`plant_everywhere`, and the planted function also wherever a table holds the
    original: the served command table (handlers of commands and subcommands) and the dicts
    of ``redspec`` modules (DEBUG's subcommands, the native key finders)."""
    original = getattr(module, func)
    planted = plant_everywhere(monkeypatch, module, func, old, new)
    for name, cmd in list(DISPATCH.TABLE.items()):
        if cmd.handler is original:
            monkeypatch.setitem(DISPATCH.TABLE, name, attrs.evolve(cmd, handler=planted))
        for sub, spec in list(cmd.subcommands.items()):
            if spec.handler is original:
                monkeypatch.setitem(cmd.subcommands, sub, attrs.evolve(spec, handler=planted))
    for modname, mod in list(sys.modules.items()):
        if not modname.startswith("redspec."):
            continue
        for value in list(vars(mod).values()):
            if isinstance(value, dict):
                for k, v in list(value.items()):
                    if v is original:
                        monkeypatch.setitem(value, k, planted)


_PLANTS: list[tuple[Any, str, str, str, Any]] = [
    # spec/info.py
    (I, "select_sections", "got = False", "got = True", check_info),
    (I, "select_sections", "all_ = True\n", "all_ = False\n", check_info),
    (I, "select_sections", "all_ = everything = True", "all_ = everything = False", check_info),
    (I, "bytes_to_human", "start=1)", "start=0)", check_info),
    (I, "bytes_to_human", "start=1)", "start=2)", check_info),
    (I, "bytes_to_human", "if n < 1 << (10 * (i + 1)):", "if n <= 1 << (10 * (i + 1)):",
     check_info),
    (I, "bytes_to_human", "if n < 1 << (10 * (i + 1)):", "if n < 0 << (10 * (i + 1)):",
     check_info),
    (I, "bytes_to_human", "if n < 1 << (10 * (i + 1)):", "if n < 2 << (10 * (i + 1)):",
     check_info),
    (I, "bytes_to_human", "(10 * (i + 1))", "(10 * (i))", check_info),
    (I, "bytes_to_human", "(10 * (i + 1))", "(10 * (i + 2))", check_info),
    (I, "bytes_to_human", "if n < 1 << (10 * i) and", "if n <= 1 << (10 * i) and", check_info),
    (I, "bytes_to_human", "if n < 1 << (10 * i) and", "if n < 0 << (10 * i) and", check_info),
    (I, "bytes_to_human", "if n < 1 << (10 * i) and", "if n < 2 << (10 * i) and", check_info),
    (I, "bytes_to_human", "and i == 1", "and i != 1", check_info),
    (I, "bytes_to_human", "and i == 1", "and i == 0", check_info),
    (I, "bytes_to_human", "and i == 1", "and i == 2", check_info),
    (I, "bytes_to_human", "n / (1 << (10 * i))", "n / (0 << (10 * i))", check_info),
    (I, "bytes_to_human", "n / (1 << (10 * i))", "n / (2 << (10 * i))", check_info),
    (I, "_lld", "if n >= 1 << 63", "if n > 1 << 63", check_info),
    (I, "_lld", "n - (1 << 64)", "n - (0 << 64)", check_info),
    (I, "_lld", "n - (1 << 64)", "n - (2 << 64)", check_info),
    (I, "_lld", "if n >= 1 << 63", "if n >= 0 << 63", check_info),
    (I, "_lld", "if n >= 1 << 63", "if n >= 2 << 63", check_info),
    (I, "info_text", "((1 << 24) - 1)", "((1 << 24))", check_lru_clock),
    (I, "info_text", "((1 << 24) - 1)", "((0 << 24) - 1)", check_lru_clock),
    (I, "info_text", "((1 << 24) - 1)", "((2 << 24) - 1)", check_lru_clock),
    (I, "info_text", "((1 << 24) - 1)", "((1 << 24) - 2)", check_lru_clock),
    (I, "info_text", "blocked[1]", "blocked[0]", check_info),
    (I, "info_text", "blocked[1]", "blocked[2]", check_info),
    (I, "info_text", "functions[1]", "functions[0]", check_info),
    (I, "info_text", "functions[1]", "functions[2]", check_info),
    (I, "info_text", '("rdb_current_bgsave_time_sec", -1)', '("rdb_current_bgsave_time_sec", -0)',
     check_info),
    (I, "info_text", '("rdb_current_bgsave_time_sec", -1)', '("rdb_current_bgsave_time_sec", -2)',
     check_info),
    (I, "info_text", "persist[1]", "persist[0]", check_info),
    (I, "info_text", "persist[1]", "persist[2]", check_info),
    (I, "info_text", "pubsub[1]", "pubsub[0]", check_info),
    (I, "info_text", "pubsub[1]", "pubsub[2]", check_info),
    (I, "info_text", "tracking[1]", "tracking[0]", check_info),
    (I, "info_text", "tracking[1]", "tracking[2]", check_info),
    (I, "info_text", '"module_list" in sections', '"module_list" not in sections', check_info),
    (I, "info_text", '"modules" in sections', '"modules" not in sections', check_info),
    (I, "info_text", "i < len(avg_ttl)", "i <= len(avg_ttl)", check_info),
    (I, "info_text", "repl_mem[1]", "repl_mem[0]", check_replication_info),
    (I, "info_text", "repl_mem[1]", "repl_mem[2]", check_replication_info),
    (I, "info_text", "sync_stats[1]", "sync_stats[0]", check_replication_info),
    (I, "info_text", "sync_stats[1]", "sync_stats[2]", check_replication_info),
    (I, "info_text", "0 if loading is None else 1", "0 if loading is not None else 1",
     check_info_loading),
    (I, "info_text", "0 if loading is None else 1", "0 if loading is None else 0",
     check_info_loading),
    (I, "info_text", "0 if loading is None else 1", "0 if loading is None else 2",
     check_info_loading),
    # spec/commands/object.py
    (O, "object_refcount", "argv[2], 0) < 0", "argv[2], 0) <= 0", check_object_memory),
    (O, "memory_usage", 'argv[j].lower() != b"samples"', 'argv[j].lower() == b"samples"',
     check_object_memory),
    (O, "memory_usage", "j + 1 >= len(argv)", "j + 1 > len(argv)", check_object_memory),
    (O, "memory_usage", "j + 1 >= len(argv)", "j >= len(argv)", check_object_memory),
    (O, "memory_usage", "j + 1 >= len(argv)", "j + 2 >= len(argv)", check_object_memory),
    (O, "memory_usage", "string2ll(argv[j + 1])", "string2ll(argv[j])", check_object_memory),
    (O, "memory_usage", "string2ll(argv[j + 1])", "string2ll(argv[j + 2])", check_object_memory),
    (O, "memory_usage", "if n is None:", "if n is not None:", check_object_memory),
    (O, "memory_usage", "if n < 0:", "if n <= 0:", check_object_memory),
    (O, "memory_usage", "if v is None:", "if v is not None:", check_object_memory),
    (O, "memory_usage", "len(v) <= QUICKLIST_EXACT_MAX", "len(v) < QUICKLIST_EXACT_MAX",
     check_object_memory),
    (O, "memory_usage", "sds_alloc(len(key), True)", "sds_alloc(len(key), False)",
     check_object_memory),
    # spec/slowlog.py
    (SL, "_peer", "if c.id == 0", "if c.id != 0", check_slowlog_peer),
    (SL, "slowlog_push", "if entries is not log.entries", "if entries is log.entries",
     check_object_memory),
    # spec/latency.py
    (L, "latency_add_sample", "if latency_ms > ring[prev][1]:", "if latency_ms > ring[prev][0]:",
     check_latency_samples),
    (L, "latency_add_sample", "ring[prev + 1:]", "ring[prev:]", check_latency_samples),
    (L, "latency_add_sample", "ring[prev + 1:]", "ring[prev + 2:]", check_latency_samples),
    (L, "latency_reset", "if event is not None and", "if event is None and",
     check_latency_samples),
    (L, "latency_reset", "n.lower().encode() != event.lower()",
     "n.lower().encode() == event.lower()", check_latency_samples),
    (L, "latency_report", "and threshold == 0", "and threshold != 0", check_latency_idle),
    (L, "latency_report", "if slower < 0:", "if slower <= 0:", check_latency_doctor_advice),
    (L, "latency_report", "elif slower // 1000 > threshold:",
     "elif slower // 1000 >= threshold:", check_latency_doctor_advice),
    (L, "latency_report", "and advices == 0", "and advices != 0", check_latency_idle),
    (L, "_elapsed_label", "if elapsed < 60:", "if elapsed <= 60:", check_latency_graph_labels),
    (L, "_elapsed_label", "if elapsed < 3600:", "if elapsed <= 3600:",
     check_latency_graph_labels),
    (L, "_elapsed_label", "if elapsed < 86400:", "if elapsed <= 86400:",
     check_latency_graph_labels),
    # spec/commands/diagnostics.py
    (D, "slowlog_get", 'subcommand_syntax(argv[1], "SLOWLOG")',
     'subcommand_syntax(argv[0], "SLOWLOG")', check_diagnostics_args),
    (D, "slowlog_get", 'subcommand_syntax(argv[1], "SLOWLOG")',
     'subcommand_syntax(argv[2], "SLOWLOG")', check_diagnostics_args),
    (D, "slowlog_get", "n < -1:", "n < -2:", check_diagnostics_args),
    (D, "latency_reset_cmd", "if len(argv) == 2:", "if len(argv) != 2:", check_latency_samples),
    (D, "_histogram", "Map([(1, calls)])", "Map([(0, calls)])", check_latency_histogram),
    (D, "_histogram", "Map([(1, calls)])", "Map([(2, calls)])", check_latency_histogram),
    (D, "latency_histogram", "if len(argv) == 2:", "if len(argv) != 2:",
     check_latency_histogram),
    (D, "latency_histogram", "if want in calls:", "if want not in calls:",
     check_latency_histogram),
    (D, "latency_histogram", 'if "|" not in want:', 'if "|" in want:', check_latency_histogram),
    (D, "_memory_figures", "clients = len(s.clients)", "clients = len(s.clients) + 1",
     check_memory_stats_clients),
    (D, "memory_doctor", "if m.used < 5 * 1024 * 1024:", "if m.used <= 5 * 1024 * 1024:",
     check_memory_doctor),
    (D, "memory_doctor", "if m.scripts > 1000:", "if m.scripts >= 1000:", check_memory_doctor),
    # spec/commands/introspection.py
    (X, "lookup_argv", "len(argv) == 1 or", "len(argv) != 1 or", check_getkeys),
    (X, "lookup_argv", "len(argv) == 1 or", "len(argv) == 2 or", check_getkeys),
    (X, "command_list", "if cat in c.acl_categories", "if cat not in c.acl_categories",
     check_command_list_aclcat),
    (X, "_getkeys", 'if "no_mandatory_keys" in cmd.flags:', 'if "no_mandatory_keys" not in '
     'cmd.flags:', check_getkeys),
    (X, "keys_from_specs", "end = argc - 1 if", "end = argc if", check_getkeys),
    (X, "keys_from_specs", "if i >= argc or i < 1:", "if i > argc or i < 1:", check_getkeys),
    (X, "keys_from_specs", "i = i + 1 if begin", "i = i + 2 if begin", check_getkeys),
    (X, "keys_from_specs", "if last >= argc or", "if last > argc or", check_getkeys),
    (X, "_bitfield_keys", "readonly = True", "readonly = False", check_getkeys),
    (X, "_bitfield_keys", "while i < len(argv):", "while i <= len(argv):", check_getkeys),
    (X, "_bitfield_keys", "remaining = len(argv) - i - 1", "remaining = len(argv) - i",
     check_getkeys),
    (X, "_bitfield_keys", "remaining = len(argv) - i - 1", "remaining = len(argv) - i - 2",
     check_getkeys),
    (X, "_bitfield_keys", 'if op == b"get" and', 'if op != b"get" and', check_getkeys),
    (X, "_bitfield_keys", "remaining >= 2", "remaining > 2", check_getkeys),
    (X, "_bitfield_keys", 'elif op in (b"set", b"incrby")', 'elif op not in (b"set", b"incrby")',
     check_getkeys),
    (X, "_bitfield_keys", "            readonly = False\n            break\n        elif",
     "            readonly = True\n            break\n        elif", check_getkeys),
    (X, "_bitfield_keys", "        else:\n            readonly = False",
     "        else:\n            readonly = True", check_getkeys),
    (X, "_bitfield_keys", 'elif op == b"overflow"', 'elif op != b"overflow"', check_getkeys),
    (X, "_bitfield_keys", "remaining >= 1:", "remaining > 1:", check_getkeys),
    (X, "_bitfield_keys", "remaining >= 1:", "remaining >= 0:", check_getkeys),
    (X, "_bitfield_keys", "remaining >= 1:", "remaining >= 2:", check_getkeys),
    (X, "_bitfield_keys", 'return [(1, frozenset({"RO"', 'return [(2, frozenset({"RO"',
     check_getkeys),
    (X, "_bitfield_keys", 'return [(1, frozenset({"RW"', 'return [(0, frozenset({"RW"',
     check_getkeys),
    (X, "_bitfield_keys", 'return [(1, frozenset({"RW"', 'return [(2, frozenset({"RW"',
     check_getkeys),
    (X, "_migrate_keys", "first, num = 3, 1", "first, num = 3, 0", check_getkeys),
    (X, "_migrate_keys", "first, num = 3, 1", "first, num = 3, 2", check_getkeys),
    (X, "_migrate_keys", 'b"auth": 1', 'b"auth": 0', check_getkeys),
    (X, "_migrate_keys", 'b"auth": 1', 'b"auth": 2', check_getkeys),
    (X, "_migrate_keys", "        while i < len(argv):", "        while i <= len(argv):",
     check_getkeys),
    (X, "_migrate_keys", "i += skip.get(a, 0) + 1", "i += skip.get(a, 0) + 2", check_getkeys),
    (X, "_sort_keys", 'keys = [(1, frozenset', 'keys = [(0, frozenset', check_getkeys),
    (X, "_sort_keys", 'keys = [(1, frozenset', 'keys = [(2, frozenset', check_getkeys),
    (X, "_sort_keys", 'b"get": 1', 'b"get": 0', check_getkeys),
    (X, "_sort_keys", 'b"get": 1', 'b"get": 2', check_getkeys),
    (X, "_sort_keys", 'b"by": 1', 'b"by": 0', check_getkeys),
    (X, "_sort_keys", 'b"by": 1', 'b"by": 2', check_getkeys),
    (X, "_sort_keys", "while i < len(argv):", "while i <= len(argv):", check_getkeys),
    (X, "_sort_keys", "if a in skip:", "if a not in skip:", check_getkeys),
    (X, "_sort_keys", 'elif a == b"store"', 'elif a != b"store"', check_getkeys),
    (X, "_sort_keys", "and i + 1 < len(argv)", "and i + 1 <= len(argv)", check_getkeys),
    (X, "_sort_keys", "and i + 1 < len(argv)", "and i < len(argv)", check_getkeys),
    (X, "_sort_keys", "and i + 1 < len(argv)", "and i + 2 < len(argv)", check_getkeys),
    (X, "_sort_keys", "store = i + 1", "store = i", check_getkeys),
    (X, "_sort_keys", "store = i + 1", "store = i + 2", check_getkeys),
    (X, "_sort_keys", "        i += 1", "        i += 2", check_getkeys),
    (X, "_sort_keys", "if store is not None:", "if store is None:", check_getkeys),
    (X, "_sort_ro_keys", "return [(1, frozenset", "return [(0, frozenset", check_getkeys),
    (X, "_sort_ro_keys", "return [(1, frozenset", "return [(2, frozenset", check_getkeys),
    # spec/commands/server.py
    (SV, "info", '"memory" in sections', '"memory" not in sections', check_used_memory_rule),
    (SV, "info", '"replication" in sections or all_', '"replication" not in sections or all_',
     check_replication_info),
    (SV, "_replication_memory", "if rp.backlog is None:", "if rp.backlog is not None:",
     check_replication_info),
    (SV, "_tracking_counts", "n = sum(1 for", "n = sum(0 for", check_info),
    (SV, "_tracking_counts", "n = sum(1 for", "n = sum(2 for", check_info),
    (SV, "_tracking_counts", "if c.id != s.client.id", "if c.id == s.client.id", check_info),
    (SV, "_tracking_counts", 'and "tracking" in c.flags', 'and "tracking" not in c.flags',
     check_info),
    (SV, "_tracking_counts", 'n += "tracking" in s.client.flags',
     'n += "tracking" not in s.client.flags', check_info),
    (SV, "_blocked_counts", "sum(1 for d", "sum(0 for d", check_info),
    (SV, "_blocked_counts", "sum(1 for d", "sum(2 for d", check_info),
    (SV, "config_rewrite_cmd", "if err is None", "if err is not None", check_server),
    (SV, "config_set", "and a.status != AOF_OFF", "and a.status == AOF_OFF", check_server),
    (SV, "config_set", '''if (s.config["min-replicas-to-write"], s.config["min-replicas-max-lag"]) != (''',
     '''if (s.config["min-replicas-to-write"], s.config["min-replicas-max-lag"]) == (''',
     check_min_replicas_at_once),
    (SV, "config_set", 's.config["maxmemory"] != old_maxmemory', 's.config["maxmemory"] == old_maxmemory',
     check_maxmemory_evicts_at_once),
    (SV, "config_set", 's.config["requirepass"] != cfg["requirepass"]',
     's.config["requirepass"] == cfg["requirepass"]', check_server),
    (SV, "config_set", 's.config["repl-backlog-size"] != cfg["repl-backlog-size"]',
     's.config["repl-backlog-size"] == cfg["repl-backlog-size"]', check_server),
    # spec/commands/debug.py
    (DB, "debug_help", "if len(argv) == 2", "if len(argv) != 2", check_debug),
    (DB, "_populate_name", "if nul >= 0:", "if nul > 0:", check_debug),
    (DB, "debug_populate", "if not 3 <= len(argv) <= 5:", "if not 3 < len(argv) <= 5:",
     check_debug),
    (DB, "debug_populate", "if not 3 <= len(argv) <= 5:", "if not 3 <= len(argv) < 5:",
     check_debug),
    (DB, "debug_populate", "count is None or count < 0", "count is None or count <= 0",
     check_debug),
    (DB, "debug_populate", "if n is None or", "if n is not None or", check_debug),
    (DB, "debug_populate", "or n < 0:", "or n <= 0:", check_debug),
    (DB, "debug_populate", "if size == 0 else", "if size != 0 else", check_debug),
    (DB, "debug_error", "if len(argv) != 3:", "if len(argv) == 3:", check_debug),
    (DB, "debug_protocol", "if len(argv) != 3:", "if len(argv) == 3:", check_debug),
    (DB, "debug_structsize", "if len(argv) != 2:", "if len(argv) == 2:", check_debug),
    (DB, "debug_stringmatch_test", "if len(argv) != 2:", "if len(argv) == 2:", check_debug),
    (DB, "debug_stringmatch_test", "stringmatch(parts[0], parts[1],",
     "stringmatch(parts[0], parts[2],", check_debug),
    (DB, "debug_set_skip_checksum_validation", "if len(argv) != 3:", "if len(argv) == 3:",
     check_debug),
    (DB, "debug_set_skip_checksum_validation", "c_atoi(argv[2]) != 0", "c_atoi(argv[2]) == 0",
     check_debug),
    (DB, "debug_set_skip_checksum_validation", "if p.skip_checksum != skip:",
     "if p.skip_checksum == skip:", check_debug),
]
for _name in ("string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib",
              "push", "verbatim", "true", "false"):
    _PLANTS.append((DB, "debug_protocol", f'if name == b"{_name}":', f'if name != b"{_name}":',
                    check_debug))
_PLANTS += [
    (DB, "debug_protocol", "return [0, 1, 2]", "return [0, 0, 2]", check_debug),
    (DB, "debug_protocol", "return [0, 1, 2]", "return [0, 2, 2]", check_debug),
    (DB, "debug_protocol", "RSet((0, 1, 2))", "RSet((0, 0, 2))", check_debug),
    (DB, "debug_protocol", "RSet((0, 1, 2))", "RSet((0, 2, 2))", check_debug),
    (DB, "debug_protocol", "(j, j == 1)", "(j, j != 1)", check_debug),
    (DB, "debug_protocol", "(j, j == 1)", "(j, j == 0)", check_debug),
    (DB, "debug_protocol", "(j, j == 1)", "(j, j == 2)", check_debug),
    (DB, "debug_protocol", "        if resp < 3:\n            return follow",
     "        if resp <= 3:\n            return follow", check_debug),
    (DB, "debug_protocol", "        if resp < 3:\n            return Err",
     "        if resp <= 3:\n            return Err", check_debug),
    (DB, "debug_protocol", "        return True", "        return False", check_debug),
    (DB, "debug_protocol", "        return False", "        return True", check_debug),
]


@pytest.mark.parametrize("module,func,old,new,check", _PLANTS,
                         ids=[f"{p[1]}:{p[3]}"[:70] for p in _PLANTS])
def test_planted_mintro(monkeypatch: pytest.MonkeyPatch, module: Any, func: str, old: str,
                        new: str, check: Any) -> None:
    _plant_anywhere(monkeypatch, module, func, old, new)
    _trips(check)
