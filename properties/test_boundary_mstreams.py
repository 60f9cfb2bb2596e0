"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of
``spec/commands/streams.py``, ``spec/commands/blocking.py`` and ``spec/listpack.py`` (issue
#22, fifth round, ``tools/mutation.py``), in the pattern of
``properties/test_boundary_streams.py``: each check puts a Redis rule exactly on its boundary,
and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_mstreams_agree_with_redis``. The reply tables below were recorded from a
live redis-server 7.0.15 (RESP2, default configuration unless a script sets it; explicit IDs,
or ``*`` after an ID far in the future, so that no reply depends on the clock) and are
replayed here through the spec, byte for byte (an ``INFO stats`` line keeps only
``keyspace_hits`` and ``keyspace_misses``):

- ``_ADD_ARGS``: ``streamParseAddOrTrimArgsOrReply``: ``*`` is a C string (``*\\0x`` is
  ``*``), an option needs a following argument (``moreargs``), ``~``/``=`` only with two
  more, MAXLEN 0 and LIMIT 0 accepted, LIMIT 0 without a strategy still needs ``~``, the
  arity and ``0-0`` checks of XADD, NOMKSTREAM;
- ``_HITS``: which stream commands look their key up as a read (``lookupKeyRead``: counted in
  ``keyspace_hits``/``keyspace_misses``, twice per key for XREAD) and which as a write;
- ``_RANGES_META``: ``(`` alone is no exclusive bound, COUNT's argument count, XDEL of the
  first entry (``recorded-first-entry-id`` moves to the next live one, 0-0 when none is left)
  and ``max-deleted-entry-id`` (raised only by a larger ID), XSETID's checks at the top item,
  ENTRIESADDED 0 and MAXDELETEDID equal to the new last ID;
- ``_READS``: XREAD / XREADGROUP options (BLOCK 0 and 2**63-1 with entries to serve, COUNT
  0 and negative, unbalanced STREAMS, ``$`` / ``>`` where they are refused), IDs at and past
  the last entry, a group's reader at the last ID, history reads from, at and past a pending
  ID whose entry was deleted.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.test_mutation_gaps import plant_everywhere

NAME = "boundary_mstreams_agree_with_redis"


_ADD_ARGS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XSETID s 99999999999999-5', b'+OK\r\n'),
    ('XADD s * a 2', b'$16\r\n99999999999999-6\r\n'),
    ([b'XADD', b's', b'*\x00x', b'a', b'3'], b'$16\r\n99999999999999-7\r\n'),
    ([b'XADD', b's', b'*x', b'a', b'3'], b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ([b'XADD', b's', b'\x00', b'a', b'3'], b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s 99999999999999-* a 4', b'$16\r\n99999999999999-8\r\n'),
    ('XADD s 99999999999999-9 b 5', b'$16\r\n99999999999999-9\r\n'),
    ('XLEN s', b':5\r\n'),
    ('XTRIM s MAXLEN', b"-ERR wrong number of arguments for 'xtrim' command\r\n"),
    ('XTRIM s LIMIT', b"-ERR wrong number of arguments for 'xtrim' command\r\n"),
    ('XTRIM s MINID', b"-ERR wrong number of arguments for 'xtrim' command\r\n"),
    ('XTRIM s MAXLEN ~', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MAXLEN =', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MAXLEN ~ 9', b':0\r\n'),
    ('XTRIM s MAXLEN = 9', b':0\r\n'),
    ('XTRIM s MAXLEN 9', b':0\r\n'),
    ('XTRIM s MAXLEN ~ ~', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MAXLEN = =', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MAXLEN 0x', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MAXLEN -1', b'-ERR The MAXLEN argument must be >= 0.\r\n'),
    ('XTRIM s MAXLEN ~ -0', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MINID -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XTRIM s MINID +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XTRIM s MINID ~ -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XTRIM s MINID = 1', b':0\r\n'),
    ('XTRIM s MINID 1- ', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XTRIM s MINID 99999999999999-7', b':2\r\n'),
    ('XLEN s', b':3\r\n'),
    ('XTRIM s MAXLEN 9 LIMIT 0', b'-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n'),
    ('XTRIM s MAXLEN ~ 9 LIMIT 0', b':0\r\n'),
    ('XTRIM s MAXLEN ~ 9 LIMIT x', b'-ERR value is not an integer or out of range\r\n'),
    ('XTRIM s MAXLEN ~ 9 LIMIT -1', b'-ERR The LIMIT argument must be >= 0.\r\n'),
    ('XTRIM s MAXLEN ~ 9 LIMIT', b'-ERR syntax error\r\n'),
    ('XTRIM s LIMIT 0 MAXLEN ~ 9', b':0\r\n'),
    ('XTRIM s LIMIT 0 MAXLEN 9', b'-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n'),
    ('XTRIM s LIMIT 5', b'-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n'),
    ('XTRIM s LIMIT 0', b'-ERR syntax error, XTRIM must be called with a trimming strategy\r\n'),
    ('XTRIM s NOMKSTREAM MAXLEN 1', b'-ERR syntax error\r\n'),
    ('XTRIM s MAXLEN 1 MAXLEN 2', b'-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n'),
    ('XTRIM s MAXLEN 1 MINID 2', b'-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n'),
    ('XTRIM s MINID 1 MAXLEN 2', b'-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n'),
    ('XTRIM s MAXLEN 1 junk', b'-ERR syntax error\r\n'),
    ('XTRIM nokey MAXLEN 0', b':0\r\n'),
    ('XTRIM nokey MINID 5', b':0\r\n'),
    ('EXISTS nokey', b':0\r\n'),
    ('XADD s LIMIT 0 99999999999999-10 a 1', b'-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n'),
    ('XADD s LIMIT 1 99999999999999-10 a 1', b'-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n'),
    ('XADD s NOMKSTREAM 99999999999999-10 a 1', b'$17\r\n99999999999999-10\r\n'),
    ('XADD s nomkstream 99999999999999-11 a 1', b'$17\r\n99999999999999-11\r\n'),
    ('XADD s MAXLEN 2 99999999999999-12 a 1', b'$17\r\n99999999999999-12\r\n'),
    ('XLEN s', b':2\r\n'),
    ('XADD s MINID 99999999999999-12 99999999999999-13 a 1', b'$17\r\n99999999999999-13\r\n'),
    ('XLEN s', b':2\r\n'),
    ('XADD s MAXLEN = 3 99999999999999-14 a 1', b'$17\r\n99999999999999-14\r\n'),
    ('XLEN s', b':3\r\n'),
    ('XADD s MAXLEN ~ 0 LIMIT 0 99999999999999-15 a 1', b'$17\r\n99999999999999-15\r\n'),
    ('XLEN s', b':0\r\n'),
    ('XADD s MAXLEN 5 MAXLEN 5 99999999999999-16 a 1', b'-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n'),
    ('XADD s MAXLEN x 99999999999999-16 a 1', b'-ERR value is not an integer or out of range\r\n'),
    ('XADD s MINID - 99999999999999-16 a 1', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s MINID 1-x 99999999999999-16 a 1', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s 99999999999999-16', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s 99999999999999-16 a', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s 99999999999999-16 a 1 b', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s 99999999999999-16 a 1 b 2', b'$17\r\n99999999999999-16\r\n'),
    ('XADD s 0-0 a 1', b'-ERR The ID specified in XADD must be greater than 0-0\r\n'),
    ('XADD t 0-0 a 1', b'-ERR The ID specified in XADD must be greater than 0-0\r\n'),
    ('XADD t 0 a 1', b'-ERR The ID specified in XADD must be greater than 0-0\r\n'),
    ('XADD t 0-* a 1', b'$3\r\n0-1\r\n'),
    ('XADD t 0-1 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('EXISTS t', b':1\r\n'),
    ('XADD u NOMKSTREAM 1-1 a 1', b'$-1\r\n'),
    ('EXISTS u', b':0\r\n'),
    ('XADD s 99999999999999-16 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD s 99999999999999-15 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD s 99999999999998-* a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD s 99999999999999-* a 1', b'$17\r\n99999999999999-17\r\n'),
    ('XADD s 99999999999999 a 1', b'-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n'),
    ('XADD s 100000000000000 a 1', b'$17\r\n100000000000000-0\r\n'),
    ('XADD s 100000000000000-* a 1', b'$17\r\n100000000000000-1\r\n'),
    ('XADD s 100000000000001-* a 1', b'$17\r\n100000000000001-0\r\n'),
    ('XRANGE s - + COUNT 3', b'*3\r\n*2\r\n$17\r\n99999999999999-16\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$17\r\n99999999999999-17\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$17\r\n100000000000000-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREVRANGE s + - COUNT 3', b'*3\r\n*2\r\n$17\r\n100000000000001-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$17\r\n100000000000000-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$17\r\n100000000000000-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('SET str x', b'+OK\r\n'),
    ('XADD str 1-1 a 1', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('XTRIM str MAXLEN 0', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('XLEN str', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('XADD s - a 1', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s + a 1', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s NOMKSTREAM NOMKSTREAM MAXLEN', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s NOMKSTREAM NOMKSTREAM LIMIT', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s NOMKSTREAM NOMKSTREAM MINID', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD s NOMKSTREAM NOMKSTREAM NOMKSTREAM', b"-ERR wrong number of arguments for 'xadd' command\r\n"),
    ('XADD s MAXLEN 1 LIMIT', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
]


_HITS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('CONFIG RESETSTAT', b'+OK\r\n'),
    ('XLEN s', b':1\r\n'),
    ('XLEN n', b':0\r\n'),
    ('XRANGE s - +', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREVRANGE n + -', b'*0\r\n'),
    ('INFO stats', b'keyspace_hits:2\nkeyspace_misses:2'),
    ('XREAD STREAMS s n 0 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('INFO stats', b'keyspace_hits:4\nkeyspace_misses:4'),
    ('XREADGROUP GROUP g c STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('INFO stats', b'keyspace_hits:6\nkeyspace_misses:4'),
    ('XACK s g 1-1', b':1\r\n'),
    ('XACK n g 1-1', b':0\r\n'),
    ('INFO stats', b'keyspace_hits:7\nkeyspace_misses:5'),
    ('XPENDING s g', b'*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n'),
    ('XPENDING n g', b"-NOGROUP No such key 'n' or consumer group 'g'\r\n"),
    ('INFO stats', b'keyspace_hits:8\nkeyspace_misses:6'),
    ('XCLAIM s g c 0 1-1 JUSTID', b'*0\r\n'),
    ('XCLAIM n g c 0 1-1', b"-NOGROUP No such key 'n' or consumer group 'g'\r\n"),
    ('INFO stats', b'keyspace_hits:9\nkeyspace_misses:7'),
    ('XAUTOCLAIM s g c 0 0 JUSTID', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM n g c 0 0', b"-NOGROUP No such key 'n' or consumer group 'g'\r\n"),
    ('INFO stats', b'keyspace_hits:10\nkeyspace_misses:8'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n'),
    ('XINFO CONSUMERS s nog', b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
    ('XINFO STREAM n', b'-ERR no such key\r\n'),
    ('INFO stats', b'keyspace_hits:13\nkeyspace_misses:9'),
    ('XADD s 2-1 a 1', b'$3\r\n2-1\r\n'),
    ('XDEL s 9-9', b':0\r\n'),
    ('XTRIM s MAXLEN 5', b':0\r\n'),
    ('XSETID s 5-5', b'+OK\r\n'),
    ('XGROUP CREATECONSUMER s g d', b':1\r\n'),
    ('XGROUP SETID s g 0', b'+OK\r\n'),
    ('INFO stats', b'keyspace_hits:13\nkeyspace_misses:9'),
]


_RANGES_META = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XRANGE s ( +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s - (', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XRANGE s (1 +', b'*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s - (3', b'*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s (1-1 (3-1', b'*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREVRANGE s (3-1 (1-1', b'*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREVRANGE s + (2', b'*2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XRANGE s - +', b'*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s - + COUNT', b'-ERR syntax error\r\n'),
    ('XRANGE s - + count 1', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XRANGE s - + COUNT 1 COUNT 2', b'*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XRANGE s - + COUNT 2 junk', b'-ERR syntax error\r\n'),
    ('XRANGE s - + COUNT x', b'-ERR value is not an integer or out of range\r\n'),
    ('XRANGE s - + COUNT -5', b'*-1\r\n'),
    ('XRANGE s - + COUNT 3', b'*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XRANGE s - + COUNT 4', b'*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREVRANGE s + - COUNT 1', b'*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREVRANGE s + - COUNT 0', b'*-1\r\n'),
    ('XRANGE n - + COUNT 0', b'*0\r\n'),
    ('XRANGE n - + COUNT x', b'-ERR value is not an integer or out of range\r\n'),
    ('XRANGE n x +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XDEL s 2-1 2-1', b':1\r\n'),
    ('XDEL s 9-9 x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XDEL s x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XDEL n x', b':0\r\n'),
    ('XDEL n 1-1', b':0\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XDEL s 1-1', b':1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XDEL s 3-1', b':1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n'),
    ('XDEL s 5-1 4-1', b':2\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n6-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-1\r\n$13\r\nentries-added\r\n:6\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n6-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n'),
    ('XDEL s 6-1', b':1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n6-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-1\r\n$13\r\nentries-added\r\n:6\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XADD t 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD t 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XDEL t 2-1 1-1', b':2\r\n'),
    ('XINFO STREAM t', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n2-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:2\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XADD v 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD v 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD v 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XDEL v 2-1', b':1\r\n'),
    ('XDEL v 1-1', b':1\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n2-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XSETID v 3-1', b'+OK\r\n'),
    ('XSETID v 2-9', b'-ERR The ID specified in XSETID is smaller than the target stream top item\r\n'),
    ('XSETID v 3-0', b'-ERR The ID specified in XSETID is smaller than the target stream top item\r\n'),
    ('XSETID v 4-1 ENTRIESADDED 1', b'+OK\r\n'),
    ('XSETID v 4-1 ENTRIESADDED 0', b'-ERR The entries_added specified in XSETID is smaller than the target stream length\r\n'),
    ('XSETID v 4-1 ENTRIESADDED -1', b'-ERR entries_added must be positive\r\n'),
    ('XSETID v 4-1 ENTRIESADDED x', b'-ERR value is not an integer or out of range\r\n'),
    ('XSETID v 4-1 ENTRIESADDED', b'-ERR syntax error\r\n'),
    ('XSETID v 4-1 MAXDELETEDID', b'-ERR syntax error\r\n'),
    ('XSETID v 4-1 MAXDELETEDID 4-1', b'+OK\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n4-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n4-1\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XSETID v 5-1 MAXDELETEDID 5-2', b'-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n'),
    ('XSETID v 5-1 MAXDELETEDID 5-0', b'+OK\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n5-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XSETID v 6-1 MAXDELETEDID 0-0 ENTRIESADDED 3', b'+OK\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n6-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n3-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XSETID v 6-1 MAXDELETEDID - ', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XSETID v 6-1 MAXDELETEDID x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XSETID v 6-1 junk 1', b'-ERR syntax error\r\n'),
    ('XSETID v -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XSETID v +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XSETID v 7', b'+OK\r\n'),
    ('XSETID nokey 1-1', b'-ERR no such key\r\n'),
    ('XSETID nokey x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XDEL v 3-1', b':1\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n7-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XSETID v 1-1', b'+OK\r\n'),
    ('XSETID v 0-0 ENTRIESADDED 0', b'+OK\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('XSETID v 0-0 ENTRIESADDED 0 entriesadded 5 maxdeletedid 0-0', b'+OK\r\n'),
    ('XINFO STREAM v', b'*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n5-0\r\n$13\r\nentries-added\r\n:5\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n'),
    ('SET str x', b'+OK\r\n'),
    ('XSETID str 1-1', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('XDEL str 1-1', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('XSETID str x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
]


_READS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD e 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XDEL e 1-1', b':1\r\n'),
    ('XREAD STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD BLOCK 0 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD BLOCK -1 STREAMS s 0', b'-ERR timeout is negative\r\n'),
    ('XREAD BLOCK x STREAMS s 0', b'-ERR timeout is not an integer or out of range\r\n'),
    ('XREAD BLOCK 9223372036854775807 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD COUNT 1 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREAD COUNT 0 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD COUNT -1 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD COUNT x STREAMS s 0', b'-ERR value is not an integer or out of range\r\n'),
    ('XREAD COUNT 1 COUNT 2 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD STREAMS s', b"-ERR wrong number of arguments for 'xread' command\r\n"),
    ('XREAD STREAMS s t 0', b"-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n"),
    ('XREAD STREAMS', b"-ERR wrong number of arguments for 'xread' command\r\n"),
    ('XREAD COUNT', b"-ERR wrong number of arguments for 'xread' command\r\n"),
    ('XREAD BLOCK', b"-ERR wrong number of arguments for 'xread' command\r\n"),
    ('XREAD STREAMS s 0 junk', b"-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n"),
    ('XREAD junk STREAMS s 0', b'-ERR syntax error\r\n'),
    ('XREAD GROUP g c STREAMS s 0', b'-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n'),
    ('XREAD NOACK STREAMS s 0', b'-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n'),
    ('XREAD STREAMS s $', b'*-1\r\n'),
    ('XREAD STREAMS n $', b'*-1\r\n'),
    ('XREAD STREAMS s >', b'-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.\r\n'),
    ('XREAD STREAMS s -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XREAD STREAMS s +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XREAD STREAMS s 1', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD STREAMS s 1-1', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD STREAMS s 2-1', b'*-1\r\n'),
    ('XREAD STREAMS s 1-18446744073709551615', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREAD STREAMS s 18446744073709551615-18446744073709551615', b'*-1\r\n'),
    ('XREAD STREAMS e 0', b'*-1\r\n'),
    ('XREAD STREAMS e 0-0', b'*-1\r\n'),
    ('XREAD STREAMS n 0', b'*-1\r\n'),
    ('XREAD COUNT 1 STREAMS s n s 0 0 1-1', b'*2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c STREAMS s >', b"-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('XGROUP CREATE e g 0', b'+OK\r\n'),
    ('XREADGROUP STREAMS s >', b"-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
    ('XREADGROUP GROUP g STREAMS s >', b"-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
    ('XREADGROUP GROUP g c STREAMS s $', b'-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.\r\n'),
    ('XREADGROUP GROUP g c STREAMS n >', b"-NOGROUP No such key 'n' or consumer group 'g' in XREADGROUP with GROUP option\r\n"),
    ('XREADGROUP GROUP g c STREAMS s', b"-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
    ('XREADGROUP GROUP g c COUNT 1 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XREADGROUP GROUP g c COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g c STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g c STREAMS s 1-1', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XREADGROUP GROUP g c STREAMS s 0-0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g c STREAMS s 18446744073709551615-18446744073709551615', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c COUNT 1 STREAMS s >', b'*-1\r\n'),
    ('XREADGROUP GROUP g c STREAMS s >', b'*-1\r\n'),
    ('XREADGROUP GROUP g c STREAMS e >', b'*-1\r\n'),
    ('XREADGROUP GROUP g c2 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XREADGROUP GROUP g c2 STREAMS e 0', b'*1\r\n*2\r\n$1\r\ne\r\n*0\r\n'),
    ('XREADGROUP GROUP g c BLOCK 0 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c BLOCK 0 COUNT 1 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g c COUNT 0 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c COUNT 2 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c NOACK STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP NOACK GROUP g c STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c STREAMS s x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XREADGROUP GROUP g c STREAMS s -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XREADGROUP GROUP g STREAMS s', b"-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n'),
    ('XINFO GROUPS e', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XREADGROUP GROUP g c3 NOACK COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('XREADGROUP GROUP g c3 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XREADGROUP GROUP g c STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:1\r\n'),
    ('XDEL s 4-1', b':1\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s >', b'*-1\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:4\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:1\r\n'),
    ('XPENDING s g', b'*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n*2\r\n$2\r\nc4\r\n$1\r\n1\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s 5-1', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s 4-1', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n'),
    ('XPENDING s g', b'*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n*2\r\n$2\r\nc4\r\n$1\r\n1\r\n'),
    ('XDEL s 5-1', b':1\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*-1\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s 5-0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*-1\r\n'),
    ('XREADGROUP GROUP g c4 STREAMS s 5-1', b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'),
    ('XPENDING s g', b'*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n*2\r\n$2\r\nc4\r\n$1\r\n1\r\n'),
]



#: The clock of the replays: unix-ms integers in replies (13 digits: delivery and seen times,
#: idle times of entries delivered at ``TIME 0``) are masked as ``:T`` on both sides.
NOW = 1_700_000_000_000
_TIMES = re.compile(rb":\d{13}\r\n")


def _info_counts(frame: bytes) -> bytes:
    """``INFO`` reduced to its ``keyspace_hits``, ``keyspace_misses`` and
    ``rdb_changes_since_last_save`` lines."""
    return b"\n".join(ln for ln in frame.split(b"\r\n")
                      if ln.startswith((b"keyspace_hits:", b"keyspace_misses:",
                                        b"rdb_changes_since_last_save:")))


def _replay(script: list[tuple[Any, bytes]], c: Session | None = None) -> Session:
    """Run ``script`` (command line or arguments, 7.0.15's reply) on a fresh server (or on
    ``c``): every reply equal."""
    c = c if c is not None else Session(now=NOW)
    for line, want in script:
        argv = [a.encode() for a in shlex.split(line)] if isinstance(line, str) else line
        try:
            got = c.call(*argv)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {line}: the spec raised {e!r}") from e
        if argv[0].upper() == b"INFO":
            got = _info_counts(got)
        got = _TIMES.sub(b":T\r\n", got)
        assert got == want, f"{NAME}: {line}: spec {got!r}, redis 7.0.15 {want!r}"
    return c


def check_add_args() -> None:
    """XADD / XTRIM option parsing at its edges (``_ADD_ARGS``)."""
    _replay(_ADD_ARGS)


def check_hits() -> None:
    """Read lookups counted as keyspace hits / misses, write lookups not (``_HITS``)."""
    _replay(_HITS)


def check_ranges_and_meta() -> None:
    """XRANGE bounds and COUNT, XDEL's first / max-deleted IDs, XSETID's checks
    (``_RANGES_META``)."""
    _replay(_RANGES_META)


def check_reads() -> None:
    """XREAD / XREADGROUP option parsing, ``$``/``>``, history reads (``_READS``)."""
    _replay(_READS)


CHECKS = [check_add_args, check_hits, check_ranges_and_meta, check_reads]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mstreams(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _plant_handler(monkeypatch: pytest.MonkeyPatch, module: str, func: str, old: str,
                   new: str) -> None:
    """:func:`plant_everywhere` of ``spec.commands.<module>.<func>``, and in the served command
    table where it is a handler."""
    import importlib

    import attrs

    from redspec.spec import dispatch
    mod = importlib.import_module(f"redspec.spec.commands.{module}")
    original = getattr(mod, func)
    planted = plant_everywhere(monkeypatch, mod, func, old, new)
    for name, cmd in list(dispatch.TABLE.items()):
        if cmd.handler is original:
            monkeypatch.setitem(dispatch.TABLE, name, attrs.evolve(cmd, handler=planted))


@pytest.mark.parametrize("func,old,new,check", [
    ("lookup_stream", "write: bool = False", "write: bool = True", check_hits),
    ("_parse_add_or_trim", "more = n - 1 - i", "more = n - i", check_add_args),
    ("_parse_add_or_trim", "(len(argv[i]) == 1 or", "(len(argv[i]) == 2 or", check_add_args),
    ("_parse_add_or_trim", "argv[i][1:2] == b\"\\x00\"", "argv[i][1:2] != b\"\\x00\"", check_add_args),
    ("_parse_add_or_trim", "argv[i][1:2] == b\"\\x00\"", "argv[i][0:2] == b\"\\x00\"", check_add_args),
    ("_parse_add_or_trim", "argv[i][1:2] == b\"\\x00\"", "argv[i][2:2] == b\"\\x00\"", check_add_args),
    ("_parse_add_or_trim", "elif more >= 2 and nxt == b\"=\":", "elif more > 2 and nxt == b\"=\":", check_add_args),
    ("_parse_add_or_trim", "p = parse_id(argv[i + 1], 0, strict=True)", "p = parse_id(argv[i + 1], 0, strict=False)", check_add_args),
    ("_parse_add_or_trim", "p = parse_id(argv[i], 0, strict=True, seq_star=True)", "p = parse_id(argv[i], 0, strict=False, seq_star=True)", check_add_args),
])
def test_planted_streams(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                         check: Any) -> None:
    _plant_handler(monkeypatch, "streams", func, old, new)
    _trips(check)


@pytest.mark.parametrize("cls,func,old,new,check", [
    ("_TrimArgs", "__init__", "self.approx = False", "self.approx = True", check_add_args),
])
def test_planted_streams_method(monkeypatch: pytest.MonkeyPatch, cls: str, func: str, old: str,
                                new: str, check: Any) -> None:
    from redspec.properties.test_mutation_gaps import plant
    from redspec.spec.commands import streams as X
    plant(monkeypatch, getattr(X, cls), func, old, new)
    _trips(check)
