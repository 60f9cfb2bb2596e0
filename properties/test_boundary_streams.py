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


def _replay(script: list[tuple[str, bytes]] | list[tuple[list[bytes], bytes]],
            c: Session | None = None) -> Session:
    """Run ``script`` (command line or arguments, 7.0.15's reply) on a fresh server (or on
    ``c``): every reply equal."""
    c = c if c is not None else Session()
    for line, want in script:
        argv = [a.encode() for a in shlex.split(line)] if isinstance(line, str) else line
        got = c.call(*argv)
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


CHECKS = [check_ids, check_group_counters, check_nodes, check_trims, check_exclusive_bounds,
          check_int_deltas]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_streams(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()
