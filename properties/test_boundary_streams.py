"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
stream modules (``spec/types/stream.py``, ``spec/commands/streams.py``,
``spec/commands/blocking.py``, ``spec/listpack.py``; issue #22, ``tools/mutation.py``), in
the pattern of ``properties/test_boundary_gapkeys.py``: each check puts a Redis rule exactly
on its boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_streams_agree_with_redis``. The reply tables below were recorded from
redis-server 7.0.15 (RESP2, ``stream-node-max-entries 100``, ``stream-node-max-bytes 4096``
unless a script sets them; explicit IDs only, so that no reply depends on the clock) and are
replayed here through the spec, byte for byte:

- ``_IDS``: ``streamGenericParseIDOrReply`` / ``string2ull``: leading blanks and a ``+`` sign
  taken, ``-0`` and a negative number refused, 2**64-1 the largest part, 127 bytes the longest
  argument, ``(`` at the largest / smallest ID ("invalid start/end ID"), ``ms-*`` at the
  largest sequence;
- ``_GROUP_COUNTERS``: ENTRIESREAD 0 and -1 (and -2 refused), groups created at, before and
  past the ends, their ``entries-read`` and ``lag`` as XDEL makes the stream fragmented
  (``streamEstimateDistanceFromFirstEverEntry``, ``streamRangeHasTombstones``);
- ``_NODES``: ``stream-node-max-entries 3``: a node holds exactly 3, tombstones count, a
  node whose last live entry goes is removed, ranges (both directions) across node edges and
  tombstones, exact trimming;
- ``_TRIMS``: approximate trimming and LIMIT counted per whole node, XADD's argument checks
  and ID rules at 0-0 and at the last ID.
"""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec.commands import streams as X
from redspec.spec.types import stream as S
from redspec.spec.types.stream import EMPTY, StreamValue

NAME = "boundary_streams_agree_with_redis"
_INVALID = b"-ERR Invalid stream ID specified as stream command argument\r\n"

_IDS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XRANGE s " 1" +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "+1" +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "-0" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "1- 1" +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "1-+1" +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "1--1" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "18446744073709551615" +', b'*0\r\n'),
    ('XRANGE s "18446744073709551616" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "1-18446744073709551615" +', b'*0\r\n'),
    ('XRANGE s "1-18446744073709551616" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "-18446744073709551615" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "1-" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "-1" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "(18446744073709551615-18446744073709551615" +', b'-ERR invalid start ID for the interval\r\n'),
    ('XRANGE s "(18446744073709551615-18446744073709551614" +', b'*0\r\n'),
    ('XRANGE s - "(0-0"', b'-ERR invalid end ID for the interval\r\n'),
    ('XRANGE s - "(0-1"', b'*0\r\n'),
    ('XRANGE s - "(1-0"', b'*0\r\n'),
    ('XRANGE s "(0-18446744073709551615" +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s - "(2-0"', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s 000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001 +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001 +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s 0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001 +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "\\t1" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "-" "-"', b'*0\r\n'),
    ('XRANGE s "+" "+"', b'*0\r\n'),
    ('XRANGE s "(-" "+"', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "(+" "+"', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s 18446744073709551615-18446744073709551614 a 1', b'$41\r\n18446744073709551615-18446744073709551614\r\n'),
    ('XADD s 18446744073709551615-* a 1', b'$41\r\n18446744073709551615-18446744073709551615\r\n'),
    ('XADD s 18446744073709551615-* a 1', b'-ERR The stream has exhausted the last possible ID, unable to add more items\r\n'),
    ('DEL s', b':1\r\n'),
    ('XADD s 5-18446744073709551615 a 1', b'$22\r\n5-18446744073709551615\r\n'),
    ('XADD s 5-* a 1', b'-ERR Elements are too large to be stored\r\n'),
    ('XADD s 6-* a 1', b'$3\r\n6-0\r\n'),
]


_GROUP_COUNTERS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XGROUP CREATE s g0 0-0 ENTRIESREAD 0', b'+OK\r\n'),
    ('XGROUP CREATE s gm 0-0 ENTRIESREAD -1', b'+OK\r\n'),
    ('XGROUP CREATE s gbad 0-0 ENTRIESREAD -2', b'-ERR value for ENTRIESREAD must be positive or -1\r\n'),
    ('XGROUP CREATE s g1 1-1', b'+OK\r\n'),
    ('XGROUP CREATE s g0b 0-0', b'+OK\r\n'),
    ('XGROUP CREATE s g1m 1-0', b'+OK\r\n'),
    ('XGROUP CREATE s g2 2-1', b'+OK\r\n'),
    ('XGROUP CREATE s g3 3-1', b'+OK\r\n'),
    ('XGROUP CREATE s g4 4-1', b'+OK\r\n'),
    ('XGROUP CREATE s gd $', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*9\r\n*12\r\n$4\r\nname\r\n$2\r\ng0\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$3\r\ng0b\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$2\r\ng1\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$3\r\ng1m\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ngd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ngm\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:3\r\n'),
    ('XDEL s 2-1', b':1\r\n'),
    ('XINFO GROUPS s', b'*9\r\n*12\r\n$4\r\nname\r\n$2\r\ng0\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$3\r\ng0b\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng1\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$3\r\ng1m\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ngd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ngm\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XDEL s 1-1', b':1\r\n'),
    ('XINFO GROUPS s', b'*9\r\n*12\r\n$4\r\nname\r\n$2\r\ng0\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$3\r\ng0b\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng1\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$3\r\ng1m\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ngd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ngm\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n'),
    ('XREADGROUP GROUP g0 c COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREADGROUP GROUP g1m c COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XINFO GROUPS s', b'*9\r\n*12\r\n$4\r\nname\r\n$2\r\ng0\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$3\r\ng0b\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng1\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$3\r\ng1m\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ngd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ngm\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:9\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XDEL s 3-1', b':1\r\n'),
    ('XINFO GROUPS s', b'*9\r\n*12\r\n$4\r\nname\r\n$2\r\ng0\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$3\r\ng0b\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng1\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$3\r\ng1m\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ngd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ngm\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:9\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XINFO GROUPS s', b'*9\r\n*12\r\n$4\r\nname\r\n$2\r\ng0\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$3\r\ng0b\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng1\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$3\r\ng1m\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ng4\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ngd\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$2\r\ngm\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:1\r\n'),
]


_NODES = [
    ('CONFIG SET stream-node-max-entries 3', b'+OK\r\n'),
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:4\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$3\r\n4-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:4\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XADD s 5-1 b 5', b'$3\r\n5-1\r\n'),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n'),
    ('XADD s 7-1 a 7', b'$3\r\n7-1\r\n'),
    ('XADD s 8-1 a 8', b'$3\r\n8-1\r\n'),
    ('XADD s 9-1 a 9', b'$3\r\n9-1\r\n'),
    ('XADD s 10-1 a 10', b'$4\r\n10-1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:10\r\n$15\r\nradix-tree-keys\r\n:4\r\n$16\r\nradix-tree-nodes\r\n:10\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XDEL s 5-1', b':1\r\n'),
    ('XRANGE s 4 6', b'*2\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n'),
    ('XREVRANGE s 6 4', b'*2\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XREVRANGE s 5-1 4-1', b'*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XREVRANGE s 5-0 4-1', b'*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XREVRANGE s 5-2 4-1', b'*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XRANGE s 4-1 5-1', b'*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XRANGE s 4-2 6-0', b'*0\r\n'),
    ('XRANGE s 3-1 3-1', b'*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s 4-1 4-1', b'*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XRANGE s 3-2 3-2', b'*0\r\n'),
    ('XREVRANGE s 3-1 3-1', b'*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREVRANGE s 4-1 4-1', b'*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XREVRANGE s + - COUNT 4', b'*4\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n'),
    ('XRANGE s - + COUNT 4', b'*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XRANGE s - + COUNT 0', b'*-1\r\n'),
    ('XRANGE s - + COUNT -1', b'*-1\r\n'),
    ('XRANGE s 6-1 4-1', b'*0\r\n'),
    ('XREVRANGE s 4-1 6-1', b'*0\r\n'),
    ('XDEL s 4-1 6-1', b':2\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:7\r\n$15\r\nradix-tree-keys\r\n:3\r\n$16\r\nradix-tree-nodes\r\n:8\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XRANGE s - +', b'*7\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XREVRANGE s + -', b'*7\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XTRIM s MAXLEN 6', b':1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:6\r\n$15\r\nradix-tree-keys\r\n:3\r\n$16\r\nradix-tree-nodes\r\n:8\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n2-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XTRIM s MAXLEN 5', b':1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:5\r\n$15\r\nradix-tree-keys\r\n:3\r\n$16\r\nradix-tree-nodes\r\n:8\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XTRIM s MINID 8-1', b':2\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n8-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XTRIM s MINID 8-2', b':1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n9-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n'),
    ('XTRIM s MAXLEN 0', b':2\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$4\r\n10-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:10\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
]


_TRIMS = [
    ('CONFIG SET stream-node-max-entries 2', b'+OK\r\n'),
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n'),
    ('XADD s 7-1 a 7', b'$3\r\n7-1\r\n'),
    ('XTRIM s MAXLEN ~ 5 LIMIT 1', b':0\r\n'),
    ('XTRIM s MAXLEN ~ 5 LIMIT 2', b':2\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:5\r\n$15\r\nradix-tree-keys\r\n:3\r\n$16\r\nradix-tree-nodes\r\n:8\r\n$17\r\nlast-generated-id\r\n$3\r\n7-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n'),
    ('XTRIM s MAXLEN ~ 4', b':0\r\n'),
    ('XTRIM s MAXLEN ~ 3', b':2\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$3\r\n7-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n'),
    ('XTRIM s MINID ~ 6-1 LIMIT 1', b':0\r\n'),
    ('XTRIM s MINID ~ 6-1 LIMIT 2', b':0\r\n'),
    ('XTRIM s MINID ~ 6-1 LIMIT 3', b':0\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$3\r\n7-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n'),
    ('XTRIM s MINID ~ 8-1 LIMIT 0', b':3\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n7-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XTRIM s MAXLEN = 1 LIMIT 1', b'-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n'),
    ('XTRIM s MAXLEN ~ 1 LIMIT -1', b'-ERR The LIMIT argument must be >= 0.\r\n'),
    ('XTRIM s LIMIT 1', b'-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n'),
    ('XADD s LIMIT 1 * a 1', b'-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n'),
    ('XADD s MAXLEN 1 MINID 1 * a 1', b'-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n'),
    ('XADD s MAXLEN -1 * a 1', b'-ERR The MAXLEN argument must be >= 0.\r\n'),
    ('XTRIM s MAXLEN ~ 0', b':0\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n7-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XADD s MAXLEN ~ 0 8-1 a 1', b'$3\r\n8-1\r\n'),
    ('XADD s MAXLEN 0 9-1 a 1', b'$3\r\n9-1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n9-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:9\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XADD s NOMKSTREAM 10-1 a 1', b'$4\r\n10-1\r\n'),
    ('XADD nope NOMKSTREAM 10-1 a 1', b'$-1\r\n'),
    ('EXISTS nope', b':0\r\n'),
    ('XADD s 11-1 a', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s 11-1', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s 11-1 a 1 b', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s 0-0 a 1', b'-ERR The ID specified in XADD must be greater than 0-0\r\n'),
    ('XADD s 0-1 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD s 11-0 a 1', b'$4\r\n11-0\r\n'),
    ('XADD s 11-1 a 1', b'$4\r\n11-1\r\n'),
    ('XADD s 11-1 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD s 11-0 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD t 0-* a 1', b'$3\r\n0-1\r\n'),
    ('XADD t 0-* a 1', b'$3\r\n0-2\r\n'),
]


_IDS_BLANKS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XRANGE s "  " +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s " " +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s " +" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s " -5" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "1-  " +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "1- +" +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s "18446744073709551615-18446744073709551615" +', b'*0\r\n'),
    ('XRANGE s - "18446744073709551615"', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s - "18446744073709551614-18446744073709551615"', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "1- -5" +', b'*0\r\n'),
    ('XRANGE s - "1- -5"', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XADD s 1-3 a 3', b'$3\r\n1-3\r\n'),
    ('XRANGE s - "1- -18446744073709551615"', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s "1- -18446744073709551613" +', b'*1\r\n*2\r\n$3\r\n1-3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s - "1- -18446744073709551616"', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s - "1- +5"', b'*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-3\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s - "1-\\t5"', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
]

_ONE = b"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
#: IDs read as C strings of at most 127 bytes (``char buf[128]``), cut at a NUL (7.0.15).
_IDS_C_STRING: list[tuple[list[bytes], bytes]] = [
    ([b"XADD", b"s", b"1-1", b"a", b"1"], b"$3\r\n1-1\r\n"),
    ([b"XRANGE", b"s", b"0" * 126 + b"1", b"+"], _ONE),
    ([b"XRANGE", b"s", b"0" * 127 + b"1", b"+"], _INVALID),
    ([b"XRANGE", b"s", b"-", b"0" * 124 + b"1-1"], _ONE),
    ([b"XRANGE", b"s", b"-", b"0" * 125 + b"1-1"], _INVALID),
    ([b"XRANGE", b"s", b"-\x00zz", b"+"], _ONE),
    ([b"XRANGE", b"s", b"\x00", b"+"], _INVALID),
    ([b"XRANGE", b"s", b"1\x00-5", b"1"], _ONE),
]


_DECR = [
    ('XADD d 0-5 a 1', b'$3\r\n0-5\r\n'),
    ('XADD d 0-18446744073709551615 a 2', b'$22\r\n0-18446744073709551615\r\n'),
    ('XADD d 1-0 a 3', b'$3\r\n1-0\r\n'),
    ('XADD d 1-1 a 4', b'$3\r\n1-1\r\n'),
    ('XADD d 2-0 a 5', b'$3\r\n2-0\r\n'),
    ('XADD d 18446744073709551615-18446744073709551615 a 6', b'$41\r\n18446744073709551615-18446744073709551615\r\n'),
    ('XRANGE d - (0-0', b'-ERR invalid end ID for the interval\r\n'),
    ('XRANGE d - (0-6', b'*1\r\n*2\r\n$3\r\n0-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE d - (1-0', b'*2\r\n*2\r\n$3\r\n0-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$22\r\n0-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XRANGE d - (1-1', b'*3\r\n*2\r\n$3\r\n0-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$22\r\n0-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE d - (2-0', b'*4\r\n*2\r\n$3\r\n0-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$22\r\n0-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XREVRANGE d (1-1 -', b'*3\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$22\r\n0-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n0-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREVRANGE d (2-0 -', b'*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$22\r\n0-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n0-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE d (0-5 +', b'*5\r\n*2\r\n$22\r\n0-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n'),
    ('XRANGE d (0-18446744073709551615 +', b'*4\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n'),
    ('XRANGE d (1-0 +', b'*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n'),
    ('XRANGE d (18446744073709551615-18446744073709551614 +', b'*1\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n'),
    ('XRANGE d (18446744073709551615-18446744073709551615 +', b'-ERR invalid start ID for the interval\r\n'),
    ('XREVRANGE d + (1-1', b'*2\r\n*2\r\n$41\r\n18446744073709551615-18446744073709551615\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n'),
    ('XPENDING d g (0-0 + 10', b"-NOGROUP No such key 'd' or consumer group 'g'\r\n"),
    ('XPENDING d g - (0-0 10', b'-ERR invalid end ID for the interval\r\n'),
    ('XGROUP CREATE d g 0', b'+OK\r\n'),
    ('XPENDING d g (18446744073709551615-18446744073709551615 + 10', b'-ERR invalid start ID for the interval\r\n'),
    ('XPENDING d g - (0-0 10', b'-ERR invalid end ID for the interval\r\n'),
    ('XAUTOCLAIM d g c 0 (18446744073709551615-18446744073709551615', b'-ERR invalid start ID for the interval\r\n'),
    ('XAUTOCLAIM d g c 0 (0-0', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
]


_INT_DELTAS = [
    ('CONFIG SET stream-node-max-bytes 49', b'+OK\r\n'),
    ('XADD m 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD m 9223372036854775808-0 a 1', b'$21\r\n9223372036854775808-0\r\n'),
    ('XADD m 9223372036854775808-1 a 1', b'$21\r\n9223372036854775808-1\r\n'),
    ('XINFO STREAM m', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$21\r\n9223372036854775808-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$21\r\n9223372036854775808-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 48', b'+OK\r\n'),
    ('XADD n 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD n 9223372036854775808-0 a 1', b'$21\r\n9223372036854775808-0\r\n'),
    ('XADD n 9223372036854775808-1 a 1', b'$21\r\n9223372036854775808-1\r\n'),
    ('XINFO STREAM n', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:5\r\n$17\r\nlast-generated-id\r\n$21\r\n9223372036854775808-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$21\r\n9223372036854775808-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 49', b'+OK\r\n'),
    ('XADD p 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD p 9223372036854775809-0 a 1', b'$21\r\n9223372036854775809-0\r\n'),
    ('XADD p 9223372036854775809-1 a 1', b'$21\r\n9223372036854775809-1\r\n'),
    ('XINFO STREAM p', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$21\r\n9223372036854775809-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$21\r\n9223372036854775809-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 48', b'+OK\r\n'),
    ('XADD q 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD q 9223372036854775809-0 a 1', b'$21\r\n9223372036854775809-0\r\n'),
    ('XADD q 9223372036854775809-1 a 1', b'$21\r\n9223372036854775809-1\r\n'),
    ('XINFO STREAM q', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:5\r\n$17\r\nlast-generated-id\r\n$21\r\n9223372036854775809-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$21\r\n9223372036854775809-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
]


#: Per scenario, ``stream-node-max-bytes`` at the node's bytes plus the next entry's element
#: bytes (a new node: radix-tree-keys 2) and one more (the same node: 1), on 7.0.15.
_SPLITS = [
    ('CONFIG SET stream-node-max-bytes 30', b'+OK\r\n'),
    ('XADD a2 1000-0 x 1', b'$6\r\n1000-0\r\n'),
    ('XADD a2 1000-5 x 1', b'$6\r\n1000-5\r\n'),
    ('XINFO STREAM a2', b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:4\r\n$17\r\nlast-generated-id\r\n$6\r\n1000-5\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$6\r\n1000-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$6\r\n1000-0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$6\r\n1000-5\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 31', b'+OK\r\n'),
    ('XADD a1 1000-0 x 1', b'$6\r\n1000-0\r\n'),
    ('XADD a1 1000-5 x 1', b'$6\r\n1000-5\r\n'),
    ('XINFO STREAM a1', b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$6\r\n1000-5\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$6\r\n1000-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$6\r\n1000-0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$6\r\n1000-5\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 527', b'+OK\r\n'),
    ('XADD b2 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD b2 2-0 f0 v f1 v f2 v f3 v f4 v f5 v f6 v f7 v f8 v f9 v f10 v f11 v f12 v f13 v f14 v f15 v f16 v f17 v f18 v f19 v f20 v f21 v f22 v f23 v f24 v f25 v f26 v f27 v f28 v f29 v f30 v f31 v f32 v f33 v f34 v f35 v f36 v f37 v f38 v f39 v f40 v f41 v f42 v f43 v f44 v f45 v f46 v f47 v f48 v f49 v f50 v f51 v f52 v f53 v f54 v f55 v f56 v f57 v f58 v f59 v f60 v f61 v', b'$3\r\n2-0\r\n'),
    ('XADD b2 3-0 a 1', b'$3\r\n3-0\r\n'),
    ('XINFO STREAM b2', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 528', b'+OK\r\n'),
    ('XADD b1 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD b1 2-0 f0 v f1 v f2 v f3 v f4 v f5 v f6 v f7 v f8 v f9 v f10 v f11 v f12 v f13 v f14 v f15 v f16 v f17 v f18 v f19 v f20 v f21 v f22 v f23 v f24 v f25 v f26 v f27 v f28 v f29 v f30 v f31 v f32 v f33 v f34 v f35 v f36 v f37 v f38 v f39 v f40 v f41 v f42 v f43 v f44 v f45 v f46 v f47 v f48 v f49 v f50 v f51 v f52 v f53 v f54 v f55 v f56 v f57 v f58 v f59 v f60 v f61 v', b'$3\r\n2-0\r\n'),
    ('XADD b1 3-0 a 1', b'$3\r\n3-0\r\n'),
    ('XINFO STREAM b1', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 518', b'+OK\r\n'),
    ('XADD c2 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD c2 2-0 f0 v f1 v f2 v f3 v f4 v f5 v f6 v f7 v f8 v f9 v f10 v f11 v f12 v f13 v f14 v f15 v f16 v f17 v f18 v f19 v f20 v f21 v f22 v f23 v f24 v f25 v f26 v f27 v f28 v f29 v f30 v f31 v f32 v f33 v f34 v f35 v f36 v f37 v f38 v f39 v f40 v f41 v f42 v f43 v f44 v f45 v f46 v f47 v f48 v f49 v f50 v f51 v f52 v f53 v f54 v f55 v f56 v f57 v f58 v f59 v f60 v', b'$3\r\n2-0\r\n'),
    ('XADD c2 3-0 a 1', b'$3\r\n3-0\r\n'),
    ('XINFO STREAM c2', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:6\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 519', b'+OK\r\n'),
    ('XADD c1 1-0 a 1', b'$3\r\n1-0\r\n'),
    ('XADD c1 2-0 f0 v f1 v f2 v f3 v f4 v f5 v f6 v f7 v f8 v f9 v f10 v f11 v f12 v f13 v f14 v f15 v f16 v f17 v f18 v f19 v f20 v f21 v f22 v f23 v f24 v f25 v f26 v f27 v f28 v f29 v f30 v f31 v f32 v f33 v f34 v f35 v f36 v f37 v f38 v f39 v f40 v f41 v f42 v f43 v f44 v f45 v f46 v f47 v f48 v f49 v f50 v f51 v f52 v f53 v f54 v f55 v f56 v f57 v f58 v f59 v f60 v', b'$3\r\n2-0\r\n'),
    ('XADD c1 3-0 a 1', b'$3\r\n3-0\r\n'),
    ('XINFO STREAM c1', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('CONFIG SET stream-node-max-bytes 37', b'+OK\r\n'),
    ('XADD d2 5-5 a 1 b 2', b'$3\r\n5-5\r\n'),
    ('XADD d2 5-6 a 1 b 2', b'$3\r\n5-6\r\n'),
    ('XINFO STREAM d2', b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:2\r\n$16\r\nradix-tree-nodes\r\n:4\r\n$17\r\nlast-generated-id\r\n$3\r\n5-6\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-5\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-6\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n'),
    ('CONFIG SET stream-node-max-bytes 38', b'+OK\r\n'),
    ('XADD d1 5-5 a 1 b 2', b'$3\r\n5-5\r\n'),
    ('XADD d1 5-6 a 1 b 2', b'$3\r\n5-6\r\n'),
    ('XINFO STREAM d1', b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-6\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-5\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-6\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n'),
]


_GROUP_OPS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('XGROUP CREATECONSUMER s g alice', b':1\r\n'),
    ('XGROUP CREATECONSUMER s g alice', b':0\r\n'),
    ('XGROUP CREATECONSUMER s g bob', b':1\r\n'),
    ('XREADGROUP GROUP g alice COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g bob COUNT 2 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREADGROUP GROUP g carol COUNT 0 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XPENDING s g', b'*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*3\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g alice STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g bob COUNT 1 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g bob STREAMS s 2-1', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREADGROUP GROUP g bob STREAMS s 3-1', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XREADGROUP GROUP g dave STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XPENDING s g', b'*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*3\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n2\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n'),
    ('XACK s g 2-1 9-9', b':1\r\n'),
    ('XACK s g 2-1', b':0\r\n'),
    ('XPENDING s g', b'*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*3\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n'),
    ('XCLAIM s g alice 0 3-1 JUSTID', b'*1\r\n$3\r\n3-1\r\n'),
    ('XPENDING s g', b'*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n'),
    ('XDEL s 3-1', b':1\r\n'),
    ('XCLAIM s g bob 0 3-1 1-1', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XPENDING s g', b'*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n'),
    ('XGROUP DELCONSUMER s g alice', b':0\r\n'),
    ('XGROUP DELCONSUMER s g alice', b':0\r\n'),
    ('XPENDING s g', b'*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n*2\r\n$5\r\ncarol\r\n$1\r\n1\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n'),
    ('XAUTOCLAIM s g erin 0 0 COUNT 1 JUSTID', b'*3\r\n$3\r\n4-1\r\n*1\r\n$3\r\n1-1\r\n*0\r\n'),
    ('XAUTOCLAIM s g erin 0 0 COUNT 1', b'*3\r\n$3\r\n4-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n'),
    ('XREADGROUP GROUP g zed NOACK STREAMS s >', b'*-1\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:4\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n'),
    ('XGROUP SETID s g 0 ENTRIESREAD 0', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:4\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XREADGROUP GROUP g zed NOACK COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:5\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XGROUP DESTROY s g', b':1\r\n'),
    ('XGROUP DESTROY s g', b':0\r\n'),
]


_MEMORY = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('MEMORY USAGE s', b':4728\r\n'),
    ('XADD s 2-1 a 2 b 3', b'$3\r\n2-1\r\n'),
    ('MEMORY USAGE s', b':4728\r\n'),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('XREADGROUP GROUP g c STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n'),
    ('MEMORY USAGE s', b':7833\r\n'),
]


_NO_BYTE_LIMIT = [
    ('CONFIG SET stream-node-max-bytes 0', b'+OK\r\n'),
    ('XADD z 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('MEMORY USAGE z', b':4728\r\n'),
    ('XADD z 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD z 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XINFO STREAM z', b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('MEMORY USAGE z', b':4728\r\n'),
    ('CONFIG SET stream-node-max-bytes 4095', b'+OK\r\n'),
    ('XADD y 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('MEMORY USAGE y', b':4728\r\n'),
    ('CONFIG SET stream-node-max-bytes 100', b'+OK\r\n'),
    ('XADD x 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('MEMORY USAGE x', b':744\r\n'),
]


_TOMBSTONES = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XGROUP CREATE s g 0 ENTRIESREAD 0', b'+OK\r\n'),
    ('XGROUP CREATE s h 1-1 ENTRIESREAD 1', b'+OK\r\n'),
    ('XGROUP CREATE s i 2-1 ENTRIESREAD 2', b'+OK\r\n'),
    ('XGROUP CREATE s j 3-1', b'+OK\r\n'),
    ('XGROUP CREATE s k 1-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n'),
    ('XSETID s 3-1 MAXDELETEDID 1-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XSETID s 3-1 MAXDELETEDID 1-0', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n'),
    ('XSETID s 3-1 MAXDELETEDID 2-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XSETID s 3-1 MAXDELETEDID 1-2', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XDEL s 1-1', b':1\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:2\r\n'),
    ('XSETID s 3-1 MAXDELETEDID 2-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XSETID s 3-1 MAXDELETEDID 3-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XSETID s 5-1 MAXDELETEDID 4-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XGROUP SETID s g 3-1', b'+OK\r\n'),
    ('XGROUP SETID s h 5-1', b'+OK\r\n'),
    ('XGROUP SETID s i 4-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*5\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$1\r\nk\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XADD e 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XDEL e 1-1', b':1\r\n'),
    ('XGROUP CREATE e g 0', b'+OK\r\n'),
    ('XGROUP CREATE e h 1-1', b'+OK\r\n'),
    ('XGROUP CREATE e i 1-0', b'+OK\r\n'),
    ('XGROUP CREATE e j 1-2', b'+OK\r\n'),
    ('XINFO GROUPS e', b'*4\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nj\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-2\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
]


def _replay(script: list[tuple[str, bytes]] | list[tuple[list[bytes], bytes]],
            c: Session | None = None) -> Session:
    """Run ``script`` (command line or arguments, 7.0.15's reply) on a fresh server (or on
    ``c``): every reply equal."""
    c = c if c is not None else Session()
    for line, want in script:
        argv = [a.encode() for a in shlex.split(line)] if isinstance(line, str) else line
        try:
            got = c.call(*argv)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {line}: the spec raised {e!r}") from e
        assert got == want, f"{NAME}: {line}: spec {got!r}, redis 7.0.15 {want!r}"
    return c


def check_ids() -> None:
    """Stream ID parsing at its edges (``_IDS``, ``_IDS_BLANKS``, ``_IDS_C_STRING``)."""
    _replay(_IDS)
    _replay(_IDS_BLANKS)
    _replay(_IDS_C_STRING)


def check_group_counters() -> None:
    """Groups' entries-read and lag at the stream's ends and under fragmentation."""
    _replay(_GROUP_COUNTERS)


def check_nodes() -> None:
    """Node limits, tombstones and ranges across node edges (``_NODES``)."""
    _replay(_NODES)


def check_trims() -> None:
    """Approximate trimming, LIMIT, XADD's checks (``_TRIMS``)."""
    _replay(_TRIMS)


def check_exclusive_bounds() -> None:
    """``(`` bounds step to the next / previous ID across a millisecond (``streamIncrID``,
    ``streamDecrID``: 1-0 before is 0-18446744073709551615), refused past the ends."""
    _replay(_DECR)


def check_int_deltas() -> None:
    """An entry's ID deltas are written with ``lpAppendInteger`` as signed 64-bit integers:
    a millisecond delta of 2**63-1 and of 2**63 (stored as -2**63) both take 9 bytes, so a
    node of 46 bytes takes the next entry of 2 bytes under ``stream-node-max-bytes 49`` and
    starts a new node under 48 (radix-tree-keys 1 / 2 on 7.0.15)."""
    _replay(_INT_DELTAS)


def check_node_byte_cap() -> None:
    """``STREAM_LISTPACK_MAX_SIZE`` (1 GiB) caps ``stream-node-max-bytes``: a node of 2**30
    - 2 bytes takes no entry of 2 bytes more (``lp_bytes + totelelen >= 2**30``) whether the
    limit is 0 (none) or larger than the cap, one of 2**30 - 3 bytes takes it (from
    ``streamAppendItem``; a gigabyte node is not built on a server here: the node's byte
    count is set directly)."""
    base = EMPTY.append((1, 0), [b"f", b"v"], 0, 0)
    pos = next(base.node_positions())
    node = base.nodes[pos]
    for size, nodes_after in ((2**30 - 2, 2), (2**30 - 3, 1)):
        big = node.changed(node.entries, node.count, node.deleted,
                           node.fixed + size - node.lp_bytes)
        assert big.lp_bytes == size, f"{NAME}: setup: {big.lp_bytes}"
        st = StreamValue(base.nodes.set(pos, big), base.head, base.tail, base.length,
                         base.last_id, base.first_id, base.max_deleted_id, base.entries_added,
                         base.groups)
        for max_bytes in (0, 2**30 + 1, 2**31):
            got = st.append((2, 0), [b"f", b"v"], max_bytes, 0).node_count
            assert got == nodes_after, \
                f"{NAME}: node of {size} bytes, max {max_bytes}: {got} nodes, not {nodes_after}"


def check_entry_bytes() -> None:
    """``streamAppendItem``'s entry layout, byte for byte, at the node byte limit
    (``_SPLITS``): the master-ID deltas of a sequence (1000-0 then 1000-5), an entry whose 62
    fields differ from the master fields (its element count 128 takes a 2-byte integer; 61
    fields: 126, one byte), the node's first entry written with SAMEFIELDS."""
    _replay(_SPLITS)


def check_group_ops() -> None:
    """Consumers created once (XGROUP CREATECONSUMER twice: 1 then 0), delivered, re-read
    from history, acknowledged, claimed and deleted (``_GROUP_OPS``)."""
    _replay(_GROUP_OPS)


def check_memory() -> None:
    """MEMORY USAGE of a stream (``objectComputeSize``), as 7.0.15 answers it."""
    _replay(_MEMORY)


def check_nack_equality() -> None:
    """A pending entry (``streamNACK``) is its owner, delivery time and delivery count: what
    the RDB and replication round trips compare."""
    n = S.Nack(b"c", 5, 1)
    assert n == S.Nack(b"c", 5, 1), f"{NAME}: equal NACKs differ"
    for other in (S.Nack(b"d", 5, 1), S.Nack(b"c", 6, 1), S.Nack(b"c", 5, 2)):
        assert n != other, f"{NAME}: NACKs differing in one field are equal"


def check_node_positions() -> None:
    """The node positions newest first are the positions oldest first reversed, with gaps
    where a middle node went and after the first or last node went (``raxPrev`` walk)."""
    st = EMPTY
    for i in range(1, 11):
        st = st.append((i, 0), [b"f", b"v"], 4096, 2)
    for gone in ((5, 0), (6, 0), (1, 0), (2, 0), (9, 0), (10, 0)):
        fwd = list(st.node_positions())
        try:
            got = list(st.node_positions(rev=True))
        except ValueError as e:  # a planted bug may crash the walk: that is a failure too
            raise AssertionError(f"{NAME}: node positions newest first raised {e!r}") from e
        assert got == fwd[::-1], f"{NAME}: node positions newest first {got}, not {fwd[::-1]}"
        st, ok = st.delete(gone)
        assert ok, f"{NAME}: setup: {gone} not deleted"


def _gapped(n: int, removed: tuple[int, ...]) -> tuple[StreamValue, list[tuple[int, int]]]:
    """``n`` nodes of two entries each ((1, 0) .. (2n, 0), ``stream-node-max-entries 2``),
    the nodes numbered in ``removed`` gone (both entries deleted), and the live IDs."""
    st = EMPTY
    for i in range(1, 2 * n + 1):
        st = st.append((i, 0), [b"f", b"v"], 4096, 2)
    live = [(i, 0) for i in range(1, 2 * n + 1)]
    for k in removed:
        for i in (2 * k + 1, 2 * k + 2):
            st, ok = st.delete((i, 0))
            assert ok, f"{NAME}: setup: {(i, 0)} not deleted"
            live.remove((i, 0))
    return st, live


def _seek_agrees(st: StreamValue, live: list[tuple[int, int]], probe: tuple[int, int],
                 what: str) -> None:
    """Ranges from and up to ``probe``, the lookup and the deletion of ``probe`` are what the
    live IDs say."""
    fwd = [e.id for e in st.range(probe, S.MAX_ID)]
    assert fwd == [x for x in live if x >= probe], f"{NAME}: {what}: range from {probe}: {fwd}"
    rev = [e.id for e in st.range(S.MIN_ID, probe, rev=True)]
    want = [x for x in live if x <= probe][::-1]
    assert rev == want, f"{NAME}: {what}: range newest first to {probe}: {rev}"
    back = [e.id for e in st.range(probe, S.MAX_ID, rev=True)]
    want = [x for x in live if x >= probe][::-1]
    assert back == want, f"{NAME}: {what}: range newest first from {probe}: {back}"
    assert (st.get(probe) is not None) == (probe in live), f"{NAME}: {what}: get {probe}"
    gone, ok = st.delete(probe)
    assert ok == (probe in live), f"{NAME}: {what}: delete {probe}: {ok}"
    if ok:
        left = [e.id for e in gone.entries()]
        assert left == [x for x in live if x != probe], f"{NAME}: {what}: after delete {left}"


def check_seek_with_gaps() -> None:
    """``raxSeek`` over nodes with gaps (middle, first and last nodes removed, every subset
    of 7 nodes, and every run of removed nodes among 12 and 13): every range, lookup and deletion from every ID finds what is there."""
    configs = [(7, tuple(k for k in range(7) if mask >> k & 1)) for mask in range(1 << 7)]
    configs += [(n, tuple(range(a, b))) for n in (12, 13) for a in range(n)
                for b in range(a + 1, n + 1)]
    for n, removed in configs:
        st, live = _gapped(n, removed)
        for i in range(0, 2 * n + 2):
            for probe in ((i, 0), (i, 1)):
                try:
                    _seek_agrees(st, live, probe, f"nodes {removed} removed")
                except (KeyError, IndexError, ValueError) as e:
                    raise AssertionError(f"{NAME}: nodes {removed} removed, {probe}: "
                                         f"the spec raised {e!r}") from e


def check_no_byte_limit() -> None:
    """``stream-node-max-bytes 0``: no byte limit (one node for every entry) and a new node
    allocated at ``STREAM_LISTPACK_MAX_PRE_ALLOCATE`` (MEMORY USAGE 4728 as under 4095 and
    the default; 744 under 100), as 7.0.15 answers."""
    _replay(_NO_BYTE_LIMIT)


def check_tombstones() -> None:
    """Groups' entries-read and lag when ``max_deleted_entry_id`` meets the first entry, the
    last ID or a group's cursor (XSETID MAXDELETEDID makes it any ID), and for a stream whose
    only entry was deleted (``streamRangeHasTombstones``,
    ``streamEstimateDistanceFromFirstEverEntry``; ``_TOMBSTONES``)."""
    _replay(_TOMBSTONES)


CHECKS = [check_ids, check_group_counters, check_nodes, check_trims, check_exclusive_bounds,
          check_int_deltas, check_node_byte_cap, check_entry_bytes, check_group_ops,
          check_memory, check_nack_equality, check_node_positions, check_seek_with_gaps,
          check_no_byte_limit, check_tombstones]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_streams(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("value", [0, -2])
def test_planted_invalid_entries_read(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    monkeypatch.setattr(S, "INVALID_ENTRIES_READ", value)
    monkeypatch.setattr(X, "INVALID_ENTRIES_READ", value)
    _trips(check_group_counters)


@pytest.mark.parametrize("value", [2 << 30])
def test_planted_listpack_max_size(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    monkeypatch.setattr(S, "LISTPACK_MAX_SIZE", value)
    monkeypatch.setattr(X, "LISTPACK_MAX_SIZE", value)
    _trips(check_node_byte_cap)


@pytest.mark.parametrize("func,old,new,check", [
    ("_strtoull", "while i < len(b) and", "while i <= len(b) and", check_ids),
    ("_strtoull", "if i < len(b) and", "if i <= len(b) and", check_ids),
    ("_strtoull", "if v > U64:", "if v >= U64:", check_ids),
    ("_strtoull", "(-v) & U64 if neg", "(-v) & U64 if not neg", check_ids),
    ("_int_size", "if v > (1 << 63) - 1:", "if v >= (1 << 63) - 1:", check_int_deltas),
    ("_int_size", "if v > (1 << 63) - 1:", "if v > 1 << 63:", check_int_deltas),
    ("_int_size", "if v > (1 << 63) - 1:", "if v > (2 << 63) - 1:", check_int_deltas),
    ("_int_size", "if v > (1 << 63) - 1:", "if v > (1 << 63) - 2:", check_int_deltas),
    ("_int_size", "v -= 1 << 64", "v -= 0 << 64", check_int_deltas),
    ("_int_size", "v -= 1 << 64", "v -= 2 << 64", check_int_deltas),
    ("_entry", "_int_size(id[1] - master[1])", "_int_size(id[0] - master[1])", check_entry_bytes),
    ("_entry", "_int_size(id[1] - master[1])", "_int_size(id[1] - master[0])", check_entry_bytes),
    ("_entry", "lp_count += n + 1", "lp_count += n", check_entry_bytes),
    ("_new_node", "_entry(id, id, fields, vals, True)", "_entry(id, id, fields, vals, False)",
     check_entry_bytes),
])
def test_planted_stream_value(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                              check: Any) -> None:
    plant(monkeypatch, S, func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new,check", [
    ("parse_id", "if len(arg) > 127:", "if len(arg) >= 127:", check_ids),
    ("decr_id", "if seq == 0:", "if seq != 0:", check_exclusive_bounds),
    ("decr_id", "if ms == 0:", "if ms != 0:", check_exclusive_bounds),
    ("decr_id", "return (ms - 1, U64)", "return (ms, U64)", check_exclusive_bounds),
    ("decr_id", "return (ms - 1, U64)", "return (ms - 2, U64)", check_exclusive_bounds),
    ("decr_id", "return (ms, seq - 1)", "return (ms, seq)", check_exclusive_bounds),
    ("decr_id", "return (ms, seq - 1)", "return (ms, seq - 2)", check_exclusive_bounds),
])
def test_planted_imported_by_name(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                  new: str, check: Any) -> None:
    plant_everywhere(monkeypatch, S, func, old, new)
    _trips(check)


@pytest.mark.parametrize("cls,func,old,new,check", [
    ("Node", "last_id", "return self.entries[-1].id", "return self.entries[-0].id", check_trims),
    ("Nack", "__eq__", "self.consumer == other.consumer", "self.consumer != other.consumer",
     check_nack_equality),
    ("Nack", "__eq__", "self.delivery_time == other.delivery_time",
     "self.delivery_time != other.delivery_time", check_nack_equality),
    ("Nack", "__eq__", "self.delivery_count == other.delivery_count",
     "self.delivery_count != other.delivery_count", check_nack_equality),
    ("Group", "create_consumer", "return self, False", "return self, True", check_group_ops),
    ("Group", "create_consumer", "_EMPTY_PEL))), True", "_EMPTY_PEL))), False", check_group_ops),
    ("StreamValue", "__init__", "self._size = -1", "self._size = -0", check_memory),
    ("StreamValue", "node_positions", "range(self.tail - 1, self.head - 1, -1)",
     "range(self.tail - 2, self.head - 1, -1)", check_node_positions),
    ("StreamValue", "range", "range(self._seek(end), self.head - 1, -1)",
     "range(self._seek(end), self.head - 1, -2)", check_seek_with_gaps),
    ("StreamValue", "range", "                j += 1", "                j += 0",
     check_seek_with_gaps),
    ("StreamValue", "range", "                j += 1", "                j += 2",
     check_seek_with_gaps),
    ("StreamValue", "range", "for k in range(j - 1, -1, -1):", "for k in range(j - 2, -1, -1):",
     check_seek_with_gaps),
    ("StreamValue", "range", "for k in range(j - 1, -1, -1):", "for k in range(j - 1, -2, -1):",
     check_seek_with_gaps),
    ("StreamValue", "range", "for k in range(j - 1, -1, -1):", "for k in range(j - 1, -0, -1):",
     check_seek_with_gaps),
    ("StreamValue", "range", "for k in range(j - 1, -1, -1):", "for k in range(j - 1, -1, -2):",
     check_seek_with_gaps),
    ("StreamValue", "range", "if e.id < start:", "if e.id <= start:", check_seek_with_gaps),
    ("StreamValue", "append", "if 0 < max_bytes <= LISTPACK_MAX_SIZE", "if 0 <= max_bytes <= LISTPACK_MAX_SIZE",
     check_no_byte_limit),
    ("StreamValue", "append", "if node.lp_bytes + totelelen >= limit:",
     "if node.lp_bytes + totelelen > limit:", check_int_deltas),
    ("StreamValue", "append", "if 0 < max_bytes < PRE_ALLOCATE", "if 0 <= max_bytes < PRE_ALLOCATE",
     check_no_byte_limit),
    ("StreamValue", "append", "fields == node.master_fields", "fields != node.master_fields",
     check_entry_bytes),
    ("StreamValue", "_seek", "        else:\n            hi = mid - 1", "        else:\n            hi = mid - 2",
     check_seek_with_gaps),
    ("StreamValue", "trim", "if limit and deleted + entries > limit:",
     "if limit and deleted + entries >= limit:", check_trims),
    ("StreamValue", "trim", "remove = node.last_id() < minid", "remove = node.last_id() <= minid",
     check_trims),
    ("StreamValue", "trim", "else e.id >= minid", "else e.id > minid", check_nodes),
    ("StreamValue", "trim", "s.edge_id(True, True)", "s.edge_id(True, False)", check_nodes),
    ("StreamValue", "range_has_tombstones", "self.max_deleted_id == MIN_ID",
     "self.max_deleted_id != MIN_ID", check_tombstones),
    ("StreamValue", "range_has_tombstones", "if self.first_id > self.max_deleted_id:",
     "if self.first_id >= self.max_deleted_id:", check_tombstones),
    ("StreamValue", "range_has_tombstones", "        return False\n    return (start",
     "        return True\n    return (start", check_tombstones),
    ("StreamValue", "range_has_tombstones", "(start or MIN_ID) <= self.max_deleted_id",
     "(start or MIN_ID) < self.max_deleted_id", check_tombstones),
    ("StreamValue", "estimate_distance", "if self.max_deleted_id == MIN_ID or",
     "if self.max_deleted_id != MIN_ID or", check_tombstones),
    ("StreamValue", "estimate_distance", "self.max_deleted_id < self.first_id:",
     "self.max_deleted_id <= self.first_id:", check_tombstones),
    ("StreamValue", "_seek", "lo, hi = self.head, self.tail - 1", "lo, hi = self.head, self.tail - 2",
     check_seek_with_gaps),
    ("StreamValue", "_seek", "while p <= hi and", "while p < hi and", check_seek_with_gaps),
    ("StreamValue", "_seek", "            p += 1", "            p += 2", check_seek_with_gaps),
    ("StreamValue", "_seek", "if p > hi:", "if p >= hi:", check_seek_with_gaps),
    ("StreamValue", "_seek", "            hi = mid - 1\n            continue",
     "            hi = mid - 2\n            continue", check_seek_with_gaps),
    ("StreamValue", "node_positions", "range(self.tail - 1, self.head - 1, -1)",
     "range(self.tail - 1, self.head, -1)", check_node_positions),
    ("StreamValue", "node_positions", "range(self.tail - 1, self.head - 1, -1)",
     "range(self.tail - 1, self.head - 1, -2)", check_node_positions),
    ("StreamValue", "node_positions", "range(self.tail - 1, self.head - 1, -1)",
     "range(self.tail - 1, self.head - 1, -0)", check_node_positions),
])
def test_planted_method(monkeypatch: pytest.MonkeyPatch, cls: str, func: str, old: str,
                        new: str, check: Any) -> None:
    plant(monkeypatch, getattr(S, cls), func, old, new)
    _trips(check)
