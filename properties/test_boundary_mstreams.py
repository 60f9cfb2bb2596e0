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
  ID whose entry was deleted;
- ``_GROUPS``: XGROUP's options and arities (MKSTREAM then ENTRIESREAD, 8 arguments),
  XPENDING's arities, IDLE, bounds equal to pending IDs and COUNT, and ``server.dirty``
  (INFO's ``rdb_changes_since_last_save``) after each kind of change;
- ``_CLAIMS`` / ``_AUTOCLAIMS``: XCLAIM's options, TIME 0 and below, RETRYCOUNT 0, FORCE
  (a new NACK of one delivery, claimed whatever its min-idle-time), a deleted entry leaving
  the PEL, LASTID at and past the group's; XAUTOCLAIM's COUNT range, its attempts
  (COUNT * 10), its cursor, deleted entries counted against COUNT, a COUNT whose array of
  IDs (16 bytes each) reaches 2**47 bytes refused as "Insufficient memory" (replies with a
  delivery or idle time are masked, see ``_mask``);
- ``_FULL``: XINFO STREAM FULL's COUNT (0: all, negative: 10) on entries and PELs;
- ``_APPROX_LIMIT``: approximate trimming's default LIMIT, 100 * stream-node-max-entries;
- ``_PROPAGATION`` and ``_BLOCKED``: the AOF of 7.0.15 (``appendfsync always``) for
  approximate trimming, NOACK reads, XCLAIM's LASTID and deleted entries, and blocked
  readers served (three connections);
- _STALE_FIRST: XDEL moves recorded-first-entry-id only when the deleted entry *is*
  the recorded first one (a RESTOREd stream whose recorded ID is not its first entry keeps
  it);
- _BLOCKING_CMDS / _BLOCKING_AOF: the blocking list and sorted-set commands served at
  once, their propagation, CLIENT UNBLOCK.

The other checks call the spec with its own clock where 7.0.15's rule is at a clock
boundary a live server cannot be put on (a minimum idle time met at equality, BLOCK 0), or
scale a limit down (STREAM_LISTPACK_MAX_SIZE, the default LIMIT).
"""

from __future__ import annotations

import re
import shlex
import types
from typing import Any

import pytest

from redspec.properties.driver import Session, delivered
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import listpack as L
from redspec.spec import server
from redspec.spec.commands import streams as X
from redspec.spec.numbers import LLONG_MAX
from redspec.spec.reply import Err

NAME = "boundary_mstreams_agree_with_redis"


#: DUMP of a stream of 1-1 .. 4-1 whose recorded first entry ID is 0-5 (not its first entry):
#: what a payload from elsewhere may carry; 7.0.15 loads it as it is.
_STALE_PAYLOAD = bytes.fromhex(
    "13011000000000000000010000000000000001c3333a113a00000019000401000101018161020001"
    "02200a400c000420090001200900026009401500036009000320130004200100ff04040100050000"
    "04000a0099d6ce398d16a5b1")

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
    ('INFO stats', b'keyspace_hits:2\nkeyspace_misses:2\ntotal_error_replies:0'),
    ('XREAD STREAMS s n 0 0', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('INFO stats', b'keyspace_hits:4\nkeyspace_misses:4\ntotal_error_replies:0'),
    ('XREADGROUP GROUP g c STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('INFO stats', b'keyspace_hits:6\nkeyspace_misses:4\ntotal_error_replies:0'),
    ('XACK s g 1-1', b':1\r\n'),
    ('XACK n g 1-1', b':0\r\n'),
    ('INFO stats', b'keyspace_hits:7\nkeyspace_misses:5\ntotal_error_replies:0'),
    ('XPENDING s g', b'*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n'),
    ('XPENDING n g', b"-NOGROUP No such key 'n' or consumer group 'g'\r\n"),
    ('INFO stats', b'keyspace_hits:8\nkeyspace_misses:6\ntotal_error_replies:1'),
    ('XCLAIM s g c 0 1-1 JUSTID', b'*0\r\n'),
    ('XCLAIM n g c 0 1-1', b"-NOGROUP No such key 'n' or consumer group 'g'\r\n"),
    ('INFO stats', b'keyspace_hits:9\nkeyspace_misses:7\ntotal_error_replies:2'),
    ('XAUTOCLAIM s g c 0 0 JUSTID', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM n g c 0 0', b"-NOGROUP No such key 'n' or consumer group 'g'\r\n"),
    ('INFO stats', b'keyspace_hits:10\nkeyspace_misses:8\ntotal_error_replies:3'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n'),
    ('XINFO CONSUMERS s nog', b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
    ('XINFO STREAM n', b'-ERR no such key\r\n'),
    ('INFO stats', b'keyspace_hits:13\nkeyspace_misses:9\ntotal_error_replies:5'),
    ('XADD s 2-1 a 1', b'$3\r\n2-1\r\n'),
    ('XDEL s 9-9', b':0\r\n'),
    ('XTRIM s MAXLEN 5', b':0\r\n'),
    ('XSETID s 5-5', b'+OK\r\n'),
    ('XGROUP CREATECONSUMER s g d', b':1\r\n'),
    ('XGROUP SETID s g 0', b'+OK\r\n'),
    ('INFO stats', b'keyspace_hits:13\nkeyspace_misses:9\ntotal_error_replies:5'),
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
    ('XDEL v -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XDEL v +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XADD w 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XGROUP CREATE w g 0', b'+OK\r\n'),
    ('XACK w g -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XACK w g x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XACK w nog x', b':0\r\n'),
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
    ('XPENDING s g - + 10', b'*3\r\n*4\r\n$3\r\n1-1\r\n$1\r\nc\r\n:I\r\n:10\r\n*4\r\n$3\r\n2-1\r\n$1\r\nc\r\n:I\r\n:7\r\n*4\r\n$3\r\n5-1\r\n$2\r\nc4\r\n:I\r\n:3\r\n'),
    ('XREAD COUNT 1 COUNT 2', b'-ERR syntax error\r\n'),
    ('XREAD COUNT 1 BLOCK', b'-ERR syntax error\r\n'),
    ('XREAD COUNT 1 COUNT', b'-ERR syntax error\r\n'),
    ('XREAD COUNT 1 STREAMS', b'-ERR syntax error\r\n'),
    ('XREAD COUNT 1 STREAMS s', b"-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n"),
    ('XREAD COUNT 1 NOACK', b'-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n'),
    ('XREADGROUP COUNT 1 GROUP g c', b"-ERR wrong number of arguments for 'xreadgroup' command\r\n"),
    ('XREADGROUP NOACK COUNT 1 GROUP g c STREAMS s 0 junk', b"-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n"),
    ('XREAD COUNT 1 GROUP g c', b'-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n'),
]


_GROUPS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:4'),
    ('XGROUP CREATE n g $', b'-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n'),
    ('XGROUP CREATE n g 0', b'-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n'),
    ('XGROUP CREATE n g $ MKSTREAM', b'+OK\r\n'),
    ('XINFO GROUPS n', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n'),
    ('XGROUP CREATE n2 g 5-5 MKSTREAM ENTRIESREAD 3', b'+OK\r\n'),
    ('XINFO GROUPS n2', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-5\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:6'),
    ('XGROUP CREATE s g -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XGROUP CREATE s g +', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XGROUP CREATE s g 0 MKSTREAM ENTRIESREAD', b"-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
    ('XGROUP CREATE s g 0 ENTRIESREAD', b"-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
    ('XGROUP CREATE s g 0 ENTRIESREAD x', b'-ERR value is not an integer or out of range\r\n'),
    ('XGROUP CREATE s g 0 ENTRIESREAD 2 MKSTREAM junk', b"-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
    ('XGROUP CREATE s g 0 junk', b"-ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.\r\n"),
    ('XGROUP create s g 0 JUNK', b"-ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.\r\n"),
    ('XGROUP CREATE s g 0 MKSTREAM ENTRIESREAD 2', b'+OK\r\n'),
    ('XGROUP CREATE s g $', b'-BUSYGROUP Consumer Group name already exists\r\n'),
    ('XGROUP CREATE s h $', b'+OK\r\n'),
    ('XGROUP CREATE s i 2', b'+OK\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:9'),
    ('XINFO GROUPS s', b'*3\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:2\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XGROUP SETID s g 0 MKSTREAM', b"-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
    ('XGROUP SETID s g 0 ENTRIESREAD', b"-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
    ('XGROUP SETID s g 0 ENTRIESREAD 1 junk', b"-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
    ('XGROUP SETID s g 0 ENTRIESREAD 1 MKSTREAM', b"-ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.\r\n"),
    ('XGROUP SETID s g -', b'+OK\r\n'),
    ('XGROUP SETID s nog 0', b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
    ('XGROUP SETID n9 g 0', b'-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n'),
    ('XGROUP SETID s g $', b'+OK\r\n'),
    ('XGROUP SETID s h 1 ENTRIESREAD 1', b'+OK\r\n'),
    ('XGROUP SETID s i 2-1 ENTRIESREAD -1', b'+OK\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:13'),
    ('XINFO GROUPS s', b'*3\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:3\r\n*12\r\n$4\r\nname\r\n$1\r\ni\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'),
    ('XGROUP DESTROY s nog', b':0\r\n'),
    ('XGROUP DESTROY n9 g', b'-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n'),
    ('XGROUP DESTROY s i', b':1\r\n'),
    ('XGROUP DESTROY s i', b':0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:14'),
    ('XGROUP CREATECONSUMER s g c1', b':1\r\n'),
    ('XGROUP CREATECONSUMER s g c1', b':0\r\n'),
    ('XGROUP CREATECONSUMER s nog c1', b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
    ('XGROUP CREATECONSUMER n9 g c1', b'-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n'),
    ('XGROUP DELCONSUMER s g c9', b':0\r\n'),
    ('XGROUP DELCONSUMER s nog c1', b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n"),
    ('INFO persistence', b'rdb_changes_since_last_save:15'),
    ('XGROUP SETID s g 0', b'+OK\r\n'),
    ('XREADGROUP GROUP g c1 COUNT 2 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XREADGROUP GROUP g c2 COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:19'),
    ('XGROUP DELCONSUMER s g c1', b':2\r\n'),
    ('XGROUP DELCONSUMER s g c1', b':0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:20'),
    ('XPENDING s g', b'*4\r\n:1\r\n$3\r\n3-1\r\n$3\r\n3-1\r\n*1\r\n*2\r\n$2\r\nc2\r\n$1\r\n1\r\n'),
    ('XGROUP SETID s g 0', b'+OK\r\n'),
    ('XREADGROUP GROUP g c1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ('XPENDING s g', b'*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n4-1\r\n*1\r\n*2\r\n$2\r\nc1\r\n$1\r\n4\r\n'),
    ('XPENDING s g -', b'-ERR syntax error\r\n'),
    ('XPENDING s g - +', b'-ERR syntax error\r\n'),
    ('XPENDING s g - + 10', b'*4\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g - + 10 c1', b'*4\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g - + 10 nobody', b'*0\r\n'),
    ('XPENDING s g IDLE 0 - + 10', b'*4\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g IDLE 0 - + 10 c1', b'*4\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g IDLE 0 - + 10 c1 x', b'-ERR syntax error\r\n'),
    ('XPENDING s g IDLE 0 - +', b'-ERR syntax error\r\n'),
    ('XPENDING s g IDLE x - + 10', b'-ERR value is not an integer or out of range\r\n'),
    ('XPENDING s g IDLE 0 - + x', b'-ERR value is not an integer or out of range\r\n'),
    ('XPENDING s g - + x', b'-ERR value is not an integer or out of range\r\n'),
    ('XPENDING s g - + -1', b'*0\r\n'),
    ('XPENDING s g - + 0', b'*0\r\n'),
    ('XPENDING s g - + 1', b'*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g - + 2', b'*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g x + 1', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XPENDING s g - x 1', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XPENDING s g (18446744073709551615-18446744073709551615 + 1', b'-ERR invalid start ID for the interval\r\n'),
    ('XPENDING s g - (0-0 1', b'-ERR invalid end ID for the interval\r\n'),
    ('XPENDING s nog - + 1', b"-NOGROUP No such key 's' or consumer group 'nog'\r\n"),
    ('XPENDING n9 g - + 1', b"-NOGROUP No such key 'n9' or consumer group 'g'\r\n"),
    ('XPENDING n9 g', b"-NOGROUP No such key 'n9' or consumer group 'g'\r\n"),
    ('XPENDING s g IDLE 100000000 - + 10', b'*0\r\n'),
    ('XPENDING s g 2-1 3-1 10', b'*2\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g (2-1 (3-1 10', b'*0\r\n'),
    ('XPENDING s g 2-2 3-0 10', b'*0\r\n'),
    ('XPENDING s g - 1-1 10', b'*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XPENDING s g 4-1 + 10', b'*1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XSETID s 99-1', b'+OK\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:24'),
    ('XDEL s 1-1 2-1 9-9', b':2\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:26'),
    ('XTRIM s MAXLEN 1', b':1\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:27'),
    ('XTRIM s MAXLEN 1', b':0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:27'),
    ('XACK s g 1-1 2-1 3-1 4-1 9-9', b':4\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:31'),
    ('XACK s g 4-1', b':0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:31'),
]


_CLAIMS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('XREADGROUP GROUP g c1 COUNT 3 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:8'),
    ('XCLAIM s g c2 0 1-1', b'*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('XCLAIM s g c2 0 1-1 JUSTID', b'*1\r\n$3\r\n1-1\r\n'),
    ('XCLAIM s g c2 0 1-1 -', b"-ERR Unrecognized XCLAIM option '-'\r\n"),
    ('XCLAIM s g c2 0 1-1 IDLE', b"-ERR Unrecognized XCLAIM option 'IDLE'\r\n"),
    ('XCLAIM s g c2 0 1-1 TIME', b"-ERR Unrecognized XCLAIM option 'TIME'\r\n"),
    ('XCLAIM s g c2 0 1-1 RETRYCOUNT', b"-ERR Unrecognized XCLAIM option 'RETRYCOUNT'\r\n"),
    ('XCLAIM s g c2 0 1-1 LASTID', b"-ERR Unrecognized XCLAIM option 'LASTID'\r\n"),
    ('XCLAIM s g c2 0 1-1 IDLE x', b'-ERR Invalid IDLE option argument for XCLAIM\r\n'),
    ('XCLAIM s g c2 0 1-1 TIME x', b'-ERR Invalid TIME option argument for XCLAIM\r\n'),
    ('XCLAIM s g c2 0 1-1 RETRYCOUNT x', b'-ERR Invalid RETRYCOUNT option argument for XCLAIM\r\n'),
    ('XCLAIM s g c2 0 1-1 LASTID x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XCLAIM s g c2 0 1-1 LASTID -', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XCLAIM s g c2 x 1-1', b'-ERR Invalid min-idle-time argument for XCLAIM\r\n'),
    ('XCLAIM s g c2 0 1-1 junk', b"-ERR Unrecognized XCLAIM option 'junk'\r\n"),
    ('XCLAIM s nog c2 0 1-1', b"-NOGROUP No such key 's' or consumer group 'nog'\r\n"),
    ('XCLAIM n9 g c2 0 1-1', b"-NOGROUP No such key 'n9' or consumer group 'g'\r\n"),
    ('XPENDING s g - + 10', b'*3\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:11'),
    ('XCLAIM s g c2 0 1-1 TIME 0 JUSTID', b'*1\r\n$3\r\n1-1\r\n'),
    ('XPENDING s g - + 10', b'*3\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:T\r\n:2\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XCLAIM s g c2 0 1-1 TIME -5 RETRYCOUNT 0 JUSTID', b'*1\r\n$3\r\n1-1\r\n'),
    ('XPENDING s g - + 10', b'*3\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:I\r\n:0\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n'),
    ('XCLAIM s g c2 0 2-1 TIME 1 RETRYCOUNT 7', b'*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XCLAIM s g c2 0 2-1 IDLE 1000000000 RETRYCOUNT 1 JUSTID', b'*1\r\n$3\r\n2-1\r\n'),
    ('XPENDING s g IDLE 1000000 - + 10', b'*1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:1000000000\r\n:1\r\n'),
    ('XCLAIM s g c2 0 2-1 TIME 99999999999999 JUSTID', b'*1\r\n$3\r\n2-1\r\n'),
    ('XPENDING s g IDLE 1000000 - + 10', b'*0\r\n'),
    ('XCLAIM s g c3 3600000 3-1 JUSTID', b'*0\r\n'),
    ('XCLAIM s g c3 0 4-1 JUSTID', b'*0\r\n'),
    ('XCLAIM s g c3 3600000 4-1 FORCE JUSTID', b'*1\r\n$3\r\n4-1\r\n'),
    ('XCLAIM s g c3 3600000 5-1 FORCE', b'*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n'),
    ('XCLAIM s g c3 0 9-9 FORCE', b'*0\r\n'),
    ('XPENDING s g - + 10', b'*5\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:I\r\n:0\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:I\r\n:1\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc3\r\n:I\r\n:1\r\n*4\r\n$3\r\n5-1\r\n$2\r\nc3\r\n:I\r\n:2\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:5\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:2\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:19'),
    ('XCLAIM s g c3 0 9-9 LASTID 9-9', b'*0\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:5\r\n$17\r\nlast-delivered-id\r\n$3\r\n9-9\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:2\r\n'),
    ('XCLAIM s g c3 0 9-9 LASTID 9-9', b'*0\r\n'),
    ('XCLAIM s g c3 0 9-9 LASTID 8-8', b'*0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:20'),
    ('XDEL s 3-1', b':1\r\n'),
    ('XCLAIM s g c4 0 3-1 4-1 JUSTID', b'*1\r\n$3\r\n4-1\r\n'),
    ('XPENDING s g - + 10', b'*4\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:I\r\n:0\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:I\r\n:1\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc4\r\n:I\r\n:1\r\n*4\r\n$3\r\n5-1\r\n$2\r\nc3\r\n:I\r\n:2\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:24'),
    ('XCLAIM s g c4 0 3-1 FORCE', b'*0\r\n'),
    ('XPENDING s g', b'*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*3\r\n*2\r\n$2\r\nc2\r\n$1\r\n2\r\n*2\r\n$2\r\nc3\r\n$1\r\n1\r\n*2\r\n$2\r\nc4\r\n$1\r\n1\r\n'),
    ('XCLAIM s g c5 0 1-1 2-1 IDLE 0 TIME 0 RETRYCOUNT 3 FORCE JUSTID LASTID 10-10', b'*2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n'),
    ('XPENDING s g - + 10', b'*4\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc5\r\n:T\r\n:3\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc5\r\n:T\r\n:3\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc4\r\n:I\r\n:1\r\n*4\r\n$3\r\n5-1\r\n$2\r\nc3\r\n:I\r\n:2\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:5\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$5\r\n10-10\r\n$12\r\nentries-read\r\n:3\r\n$3\r\nlag\r\n:2\r\n'),
    ('XADD s 13-1 a 13', b'$4\r\n13-1\r\n'),
    ('XREADGROUP GROUP g c6 COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$4\r\n13-1\r\n*2\r\n$1\r\na\r\n$2\r\n13\r\n'),
    ('XDEL s 13-1', b':1\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:31'),
    ('XCLAIM s g c4 0 13-1', b'*0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:32'),
    ('XPENDING s g', b'*4\r\n:4\r\n$3\r\n1-1\r\n$3\r\n5-1\r\n*3\r\n*2\r\n$2\r\nc3\r\n$1\r\n1\r\n*2\r\n$2\r\nc4\r\n$1\r\n1\r\n*2\r\n$2\r\nc5\r\n$1\r\n2\r\n'),
    ('XADD s 14-1 a 14', b'$4\r\n14-1\r\n'),
    ('XCLAIM s g c3 9999999999999 14-1 FORCE JUSTID', b'*1\r\n$4\r\n14-1\r\n'),
    ('XCLAIM s g c3 9999999999999 14-1 FORCE JUSTID', b'*0\r\n'),
    ('XPENDING s g - + 20', b'*5\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc5\r\n:T\r\n:3\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc5\r\n:T\r\n:3\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc4\r\n:I\r\n:1\r\n*4\r\n$3\r\n5-1\r\n$2\r\nc3\r\n:I\r\n:2\r\n*4\r\n$4\r\n14-1\r\n$2\r\nc3\r\n:I\r\n:1\r\n'),
]


_AUTOCLAIMS = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n'),
    ('XADD s 7-1 a 7', b'$3\r\n7-1\r\n'),
    ('XADD s 8-1 a 8', b'$3\r\n8-1\r\n'),
    ('XADD s 9-1 a 9', b'$3\r\n9-1\r\n'),
    ('XADD s 10-1 a 10', b'$4\r\n10-1\r\n'),
    ('XADD s 11-1 a 11', b'$4\r\n11-1\r\n'),
    ('XADD s 12-1 a 12', b'$4\r\n12-1\r\n'),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('XREADGROUP GROUP g c1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*12\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n*2\r\n$4\r\n11-1\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n*2\r\n$4\r\n12-1\r\n*2\r\n$1\r\na\r\n$2\r\n12\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:15'),
    ('XAUTOCLAIM s g c2 0 0 COUNT', b'-ERR syntax error\r\n'),
    ('XAUTOCLAIM s g c2 0 0 COUNT 0', b'-ERR COUNT must be > 0\r\n'),
    ('XAUTOCLAIM s g c2 0 0 COUNT -1', b'-ERR COUNT must be > 0\r\n'),
    ('XAUTOCLAIM s g c2 0 0 COUNT x', b'-ERR COUNT must be > 0\r\n'),
    ('XAUTOCLAIM s g c2 0 0 COUNT 576460752303423488', b'-ERR COUNT must be > 0\r\n'),
    ('XAUTOCLAIM s g c2 3600000 0 COUNT 576460752303423487', b'-ERR Insufficient memory, failed allocating transient memory, COUNT too high.\r\n'),
    ('XAUTOCLAIM s g c2 3600000 0 COUNT 8796093022208', b'-ERR Insufficient memory, failed allocating transient memory, COUNT too high.\r\n'),
    ('XAUTOCLAIM s g c2 3600000 0 COUNT 100', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM n9 g c2 0 0 COUNT 576460752303423487', b"-NOGROUP No such key 'n9' or consumer group 'g'\r\n"),
    ('XAUTOCLAIM s nog c2 0 0 COUNT 576460752303423487', b"-NOGROUP No such key 's' or consumer group 'nog'\r\n"),
    ('XAUTOCLAIM s g c2 0 0 junk', b'-ERR syntax error\r\n'),
    ('XAUTOCLAIM s g c2 x 0', b'-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n'),
    ('XAUTOCLAIM s g c2 0 x', b'-ERR Invalid stream ID specified as stream command argument\r\n'),
    ('XAUTOCLAIM s g c2 0 (18446744073709551615-18446744073709551615', b'-ERR invalid start ID for the interval\r\n'),
    ('XAUTOCLAIM s g c2 0 -', b'*3\r\n$3\r\n0-0\r\n*12\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n*2\r\n$4\r\n11-1\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n*2\r\n$4\r\n12-1\r\n*2\r\n$1\r\na\r\n$2\r\n12\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 +', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM s nog c2 0 0', b"-NOGROUP No such key 's' or consumer group 'nog'\r\n"),
    ('XAUTOCLAIM n9 g c2 0 0', b"-NOGROUP No such key 'n9' or consumer group 'g'\r\n"),
    ('XAUTOCLAIM s g c2 3600000 0 COUNT 1', b'*3\r\n$4\r\n11-1\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 3600000 0 COUNT 2', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 3600000 5-1 COUNT 1 JUSTID', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 3600000 (5-1 COUNT 1 JUSTID', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 3600000 10-1', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:28'),
    ('XAUTOCLAIM s g c2 0 0 COUNT 1', b'*3\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 2-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n4-1\r\n*2\r\n$3\r\n2-1\r\n$3\r\n3-1\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 (2-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n5-1\r\n*2\r\n$3\r\n3-1\r\n$3\r\n4-1\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 11-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n0-0\r\n*2\r\n$4\r\n11-1\r\n$4\r\n12-1\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 12-1 COUNT 1 JUSTID', b'*3\r\n$3\r\n0-0\r\n*1\r\n$4\r\n12-1\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 12-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n0-0\r\n*1\r\n$4\r\n12-1\r\n*0\r\n'),
    ('XAUTOCLAIM s g c2 0 13-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:37'),
    ('XPENDING s g - + 20', b'*12\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:I\r\n:3\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n5-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n6-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n7-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n8-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n9-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$4\r\n10-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$4\r\n11-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$4\r\n12-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n'),
    ('XDEL s 5-1 6-1 7-1', b':3\r\n'),
    ('XAUTOCLAIM s g c3 0 5-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n7-1\r\n*0\r\n*2\r\n$3\r\n5-1\r\n$3\r\n6-1\r\n'),
    ('XAUTOCLAIM s g c3 0 5-1 COUNT 2 JUSTID', b'*3\r\n$3\r\n9-1\r\n*1\r\n$3\r\n8-1\r\n*1\r\n$3\r\n7-1\r\n'),
    ('XAUTOCLAIM s g c3 0 8-1 COUNT 1', b'*3\r\n$3\r\n9-1\r\n*1\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*0\r\n'),
    ('INFO persistence', b'rdb_changes_since_last_save:46'),
    ('XPENDING s g - + 20', b'*9\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc2\r\n:I\r\n:3\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n3-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n4-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$3\r\n8-1\r\n$2\r\nc3\r\n:I\r\n:3\r\n*4\r\n$3\r\n9-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$4\r\n10-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$4\r\n11-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n*4\r\n$4\r\n12-1\r\n$2\r\nc2\r\n:I\r\n:2\r\n'),
    ('XPENDING s g', b'*4\r\n:9\r\n$3\r\n1-1\r\n$4\r\n12-1\r\n*2\r\n*2\r\n$2\r\nc2\r\n$1\r\n8\r\n*2\r\n$2\r\nc3\r\n$1\r\n1\r\n'),
]


_FULL = [
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n'),
    ('XADD s 7-1 a 7', b'$3\r\n7-1\r\n'),
    ('XADD s 8-1 a 8', b'$3\r\n8-1\r\n'),
    ('XADD s 9-1 a 9', b'$3\r\n9-1\r\n'),
    ('XADD s 10-1 a 10', b'$4\r\n10-1\r\n'),
    ('XADD s 11-1 a 11', b'$4\r\n11-1\r\n'),
    ('XADD s 12-1 a 12', b'$4\r\n12-1\r\n'),
    ('XGROUP CREATE s g 0', b'+OK\r\n'),
    ('XREADGROUP GROUP g c1 COUNT 2 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'),
    ('XCLAIM s g c1 0 1-1 2-1 TIME 1 JUSTID', b'*2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n'),
    ('XINFO STREAM s FULL', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*10\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1\r\n:1\r\n'),
    ('XINFO STREAM s FULL COUNT 1', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n'),
    ('XINFO STREAM s FULL COUNT 0', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*12\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n*2\r\n$4\r\n11-1\r\n*2\r\n$1\r\na\r\n$2\r\n11\r\n*2\r\n$4\r\n12-1\r\n*2\r\n$1\r\na\r\n$2\r\n12\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1\r\n:1\r\n'),
    ('XINFO STREAM s FULL COUNT -1', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*10\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\na\r\n$1\r\n6\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\na\r\n$2\r\n10\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1\r\n:1\r\n'),
    ('XINFO STREAM s FULL COUNT 2', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1\r\n:1\r\n'),
    ('XINFO STREAM s FULL COUNT', b"-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n"),
    ('XINFO STREAM s FULL COUNT x', b'-ERR value is not an integer or out of range\r\n'),
    ('XINFO STREAM s FULL junk 1', b"-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n"),
    ('XINFO STREAM s FULL COUNT 1 x', b"-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n"),
    ('XINFO STREAM s junk', b"-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n"),
    ('XINFO STREAM s count 1 FULL', b"-ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.\r\n"),
    ('XINFO STREAM s full count 1', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n'),
    ('XINFO STREAM s', b'*20\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$4\r\n12-1\r\n*2\r\n$1\r\na\r\n$2\r\n12\r\n'),
    ('XINFO STREAM nokey', b'-ERR no such key\r\n'),
    ('XGROUP CREATE s h 12-1', b'+OK\r\n'),
    ('XINFO GROUPS s', b'*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:2\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n*12\r\n$4\r\nname\r\n$1\r\nh\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$4\r\n12-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n'),
    ('XINFO STREAM s FULL COUNT 1', b'*18\r\n$6\r\nlength\r\n:12\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n12-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:12\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:10\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:I\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$2\r\nc1\r\n$9\r\nseen-time\r\n:T\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1\r\n:1\r\n*14\r\n$4\r\nname\r\n$1\r\nh\r\n$17\r\nlast-delivered-id\r\n$4\r\n12-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n'),
]


_APPROX_LIMIT = [
    ('CONFIG SET stream-node-max-entries 1', b'+OK\r\n'),
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n'),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n'),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n'),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n'),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n'),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n'),
    ('XADD s 7-1 a 7', b'$3\r\n7-1\r\n'),
    ('XADD s 8-1 a 8', b'$3\r\n8-1\r\n'),
    ('XADD s 9-1 a 9', b'$3\r\n9-1\r\n'),
    ('XADD s 10-1 a 10', b'$4\r\n10-1\r\n'),
    ('XADD s 11-1 a 11', b'$4\r\n11-1\r\n'),
    ('XADD s 12-1 a 12', b'$4\r\n12-1\r\n'),
    ('XADD s 13-1 a 13', b'$4\r\n13-1\r\n'),
    ('XADD s 14-1 a 14', b'$4\r\n14-1\r\n'),
    ('XADD s 15-1 a 15', b'$4\r\n15-1\r\n'),
    ('XADD s 16-1 a 16', b'$4\r\n16-1\r\n'),
    ('XADD s 17-1 a 17', b'$4\r\n17-1\r\n'),
    ('XADD s 18-1 a 18', b'$4\r\n18-1\r\n'),
    ('XADD s 19-1 a 19', b'$4\r\n19-1\r\n'),
    ('XADD s 20-1 a 20', b'$4\r\n20-1\r\n'),
    ('XADD s 21-1 a 21', b'$4\r\n21-1\r\n'),
    ('XADD s 22-1 a 22', b'$4\r\n22-1\r\n'),
    ('XADD s 23-1 a 23', b'$4\r\n23-1\r\n'),
    ('XADD s 24-1 a 24', b'$4\r\n24-1\r\n'),
    ('XADD s 25-1 a 25', b'$4\r\n25-1\r\n'),
    ('XADD s 26-1 a 26', b'$4\r\n26-1\r\n'),
    ('XADD s 27-1 a 27', b'$4\r\n27-1\r\n'),
    ('XADD s 28-1 a 28', b'$4\r\n28-1\r\n'),
    ('XADD s 29-1 a 29', b'$4\r\n29-1\r\n'),
    ('XADD s 30-1 a 30', b'$4\r\n30-1\r\n'),
    ('XADD s 31-1 a 31', b'$4\r\n31-1\r\n'),
    ('XADD s 32-1 a 32', b'$4\r\n32-1\r\n'),
    ('XADD s 33-1 a 33', b'$4\r\n33-1\r\n'),
    ('XADD s 34-1 a 34', b'$4\r\n34-1\r\n'),
    ('XADD s 35-1 a 35', b'$4\r\n35-1\r\n'),
    ('XADD s 36-1 a 36', b'$4\r\n36-1\r\n'),
    ('XADD s 37-1 a 37', b'$4\r\n37-1\r\n'),
    ('XADD s 38-1 a 38', b'$4\r\n38-1\r\n'),
    ('XADD s 39-1 a 39', b'$4\r\n39-1\r\n'),
    ('XADD s 40-1 a 40', b'$4\r\n40-1\r\n'),
    ('XADD s 41-1 a 41', b'$4\r\n41-1\r\n'),
    ('XADD s 42-1 a 42', b'$4\r\n42-1\r\n'),
    ('XADD s 43-1 a 43', b'$4\r\n43-1\r\n'),
    ('XADD s 44-1 a 44', b'$4\r\n44-1\r\n'),
    ('XADD s 45-1 a 45', b'$4\r\n45-1\r\n'),
    ('XADD s 46-1 a 46', b'$4\r\n46-1\r\n'),
    ('XADD s 47-1 a 47', b'$4\r\n47-1\r\n'),
    ('XADD s 48-1 a 48', b'$4\r\n48-1\r\n'),
    ('XADD s 49-1 a 49', b'$4\r\n49-1\r\n'),
    ('XADD s 50-1 a 50', b'$4\r\n50-1\r\n'),
    ('XADD s 51-1 a 51', b'$4\r\n51-1\r\n'),
    ('XADD s 52-1 a 52', b'$4\r\n52-1\r\n'),
    ('XADD s 53-1 a 53', b'$4\r\n53-1\r\n'),
    ('XADD s 54-1 a 54', b'$4\r\n54-1\r\n'),
    ('XADD s 55-1 a 55', b'$4\r\n55-1\r\n'),
    ('XADD s 56-1 a 56', b'$4\r\n56-1\r\n'),
    ('XADD s 57-1 a 57', b'$4\r\n57-1\r\n'),
    ('XADD s 58-1 a 58', b'$4\r\n58-1\r\n'),
    ('XADD s 59-1 a 59', b'$4\r\n59-1\r\n'),
    ('XADD s 60-1 a 60', b'$4\r\n60-1\r\n'),
    ('XADD s 61-1 a 61', b'$4\r\n61-1\r\n'),
    ('XADD s 62-1 a 62', b'$4\r\n62-1\r\n'),
    ('XADD s 63-1 a 63', b'$4\r\n63-1\r\n'),
    ('XADD s 64-1 a 64', b'$4\r\n64-1\r\n'),
    ('XADD s 65-1 a 65', b'$4\r\n65-1\r\n'),
    ('XADD s 66-1 a 66', b'$4\r\n66-1\r\n'),
    ('XADD s 67-1 a 67', b'$4\r\n67-1\r\n'),
    ('XADD s 68-1 a 68', b'$4\r\n68-1\r\n'),
    ('XADD s 69-1 a 69', b'$4\r\n69-1\r\n'),
    ('XADD s 70-1 a 70', b'$4\r\n70-1\r\n'),
    ('XADD s 71-1 a 71', b'$4\r\n71-1\r\n'),
    ('XADD s 72-1 a 72', b'$4\r\n72-1\r\n'),
    ('XADD s 73-1 a 73', b'$4\r\n73-1\r\n'),
    ('XADD s 74-1 a 74', b'$4\r\n74-1\r\n'),
    ('XADD s 75-1 a 75', b'$4\r\n75-1\r\n'),
    ('XADD s 76-1 a 76', b'$4\r\n76-1\r\n'),
    ('XADD s 77-1 a 77', b'$4\r\n77-1\r\n'),
    ('XADD s 78-1 a 78', b'$4\r\n78-1\r\n'),
    ('XADD s 79-1 a 79', b'$4\r\n79-1\r\n'),
    ('XADD s 80-1 a 80', b'$4\r\n80-1\r\n'),
    ('XADD s 81-1 a 81', b'$4\r\n81-1\r\n'),
    ('XADD s 82-1 a 82', b'$4\r\n82-1\r\n'),
    ('XADD s 83-1 a 83', b'$4\r\n83-1\r\n'),
    ('XADD s 84-1 a 84', b'$4\r\n84-1\r\n'),
    ('XADD s 85-1 a 85', b'$4\r\n85-1\r\n'),
    ('XADD s 86-1 a 86', b'$4\r\n86-1\r\n'),
    ('XADD s 87-1 a 87', b'$4\r\n87-1\r\n'),
    ('XADD s 88-1 a 88', b'$4\r\n88-1\r\n'),
    ('XADD s 89-1 a 89', b'$4\r\n89-1\r\n'),
    ('XADD s 90-1 a 90', b'$4\r\n90-1\r\n'),
    ('XADD s 91-1 a 91', b'$4\r\n91-1\r\n'),
    ('XADD s 92-1 a 92', b'$4\r\n92-1\r\n'),
    ('XADD s 93-1 a 93', b'$4\r\n93-1\r\n'),
    ('XADD s 94-1 a 94', b'$4\r\n94-1\r\n'),
    ('XADD s 95-1 a 95', b'$4\r\n95-1\r\n'),
    ('XADD s 96-1 a 96', b'$4\r\n96-1\r\n'),
    ('XADD s 97-1 a 97', b'$4\r\n97-1\r\n'),
    ('XADD s 98-1 a 98', b'$4\r\n98-1\r\n'),
    ('XADD s 99-1 a 99', b'$4\r\n99-1\r\n'),
    ('XADD s 100-1 a 100', b'$5\r\n100-1\r\n'),
    ('XADD s 101-1 a 101', b'$5\r\n101-1\r\n'),
    ('XADD s 102-1 a 102', b'$5\r\n102-1\r\n'),
    ('XADD s 103-1 a 103', b'$5\r\n103-1\r\n'),
    ('XADD s 104-1 a 104', b'$5\r\n104-1\r\n'),
    ('XADD s 105-1 a 105', b'$5\r\n105-1\r\n'),
    ('XTRIM s MAXLEN ~ 0', b':100\r\n'),
    ('XLEN s', b':5\r\n'),
    ('XTRIM s MAXLEN ~ 0', b':5\r\n'),
    ('XLEN s', b':0\r\n'),
    ('CONFIG SET stream-node-max-entries 100', b'+OK\r\n'),
]


_PROPAGATION = [
    ('CONFIG SET stream-node-max-entries 2', b'+OK\r\n',
     []),
    ('XADD s 1-1 a 1', b'$3\r\n1-1\r\n',
     [(b'XADD', b's', b'1-1', b'a', b'1')]),
    ('XADD s 2-1 a 2', b'$3\r\n2-1\r\n',
     [(b'XADD', b's', b'2-1', b'a', b'2')]),
    ('XADD s 3-1 a 3', b'$3\r\n3-1\r\n',
     [(b'XADD', b's', b'3-1', b'a', b'3')]),
    ('XADD s 4-1 a 4', b'$3\r\n4-1\r\n',
     [(b'XADD', b's', b'4-1', b'a', b'4')]),
    ('XADD s 5-1 a 5', b'$3\r\n5-1\r\n',
     [(b'XADD', b's', b'5-1', b'a', b'5')]),
    ('XADD s 6-1 a 6', b'$3\r\n6-1\r\n',
     [(b'XADD', b's', b'6-1', b'a', b'6')]),
    ('XDEL s 3-1', b':1\r\n',
     [(b'XDEL', b's', b'3-1')]),
    ('XTRIM s MINID ~ 3-0', b':2\r\n',
     [(b'XTRIM', b's', b'MINID', b'=', b'3-1')]),
    ('XTRIM s MINID ~ 3-0', b':0\r\n',
     []),
    ('XADD s MINID ~ 5-0 7-1 a 7', b'$3\r\n7-1\r\n',
     [(b'XADD', b's', b'MINID', b'=', b'5-1', b'7-1', b'a', b'7')]),
    ('XADD s MAXLEN ~ 2 8-1 a 8', b'$3\r\n8-1\r\n',
     [(b'XADD', b's', b'MAXLEN', b'=', b'2', b'8-1', b'a', b'8')]),
    ('XADD s MAXLEN = 3 9-1 a 9', b'$3\r\n9-1\r\n',
     [(b'XADD', b's', b'MAXLEN', b'=', b'3', b'9-1', b'a', b'9')]),
    ('XGROUP CREATE s g 0', b'+OK\r\n',
     [(b'XGROUP', b'CREATE', b's', b'g', b'0')]),
    ('XREADGROUP GROUP g c1 NOACK COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\na\r\n$1\r\n7\r\n',
     [(b'MULTI',), (b'XGROUP', b'CREATECONSUMER', b's', b'g', b'c1'), (b'XGROUP', b'SETID', b's', b'g', b'7-1', b'ENTRIESREAD', b'7'), (b'EXEC',)]),
    ('XREADGROUP GROUP g c1 NOACK COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\na\r\n$1\r\n8\r\n',
     [(b'XGROUP', b'SETID', b's', b'g', b'8-1', b'ENTRIESREAD', b'8')]),
    ('XREADGROUP GROUP g c2 COUNT 1 STREAMS s >', b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n9-1\r\n*2\r\n$1\r\na\r\n$1\r\n9\r\n',
     [(b'XCLAIM', b's', b'g', b'c2', b'0', b'9-1', b'TIME', b'1796686345069', b'RETRYCOUNT', b'1', b'FORCE', b'JUSTID', b'LASTID', b'9-1')]),
    ('XCLAIM s g c3 0 9-9 LASTID 9-1', b'*0\r\n',
     []),
    ('XCLAIM s g c3 0 9-9 LASTID 10-1', b'*0\r\n',
     [(b'XGROUP', b'SETID', b's', b'g', b'10-1', b'ENTRIESREAD', b'9')]),
    ('XCLAIM s g c3 0 9-9 LASTID 10-1', b'*0\r\n',
     []),
    ('XCLAIM s g c3 0 9-9', b'*0\r\n',
     []),
    ('XDEL s 9-1', b':1\r\n',
     [(b'XDEL', b's', b'9-1')]),
    ('XCLAIM s g c3 0 9-1 LASTID 11-1', b'*0\r\n',
     [(b'XCLAIM', b's', b'g', b'c2', b'0', b'9-1', b'TIME', b'1796686345069', b'RETRYCOUNT', b'1', b'FORCE', b'JUSTID', b'LASTID', b'11-1')]),
    ('XCLAIM s g c3 0 9-1 LASTID 11-1', b'*0\r\n',
     []),
]


_BLOCKED = [
    (0, 'XADD s 1-1 a 1', {0: b'$3\r\n1-1\r\n'},
     [(b'XADD', b's', b'1-1', b'a', b'1')]),
    (0, 'XGROUP CREATE s h $', {0: b'+OK\r\n'},
     [(b'XGROUP', b'CREATE', b's', b'h', b'$')]),
    (1, 'XREAD BLOCK 0 STREAMS s $', {},
     []),
    (0, 'XGROUP DESTROY s h', {0: b':1\r\n'},
     [(b'XGROUP', b'DESTROY', b's', b'h')]),
    (0, 'CONFIG RESETSTAT', {0: b'+OK\r\n'},
     []),
    (0, 'XADD s 2-1 a 2', {0: b'$3\r\n2-1\r\n', 1: b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n'},
     [(b'XADD', b's', b'2-1', b'a', b'2')]),
    (0, 'INFO stats', {0: b'keyspace_hits:0\nkeyspace_misses:0\ntotal_error_replies:0'},
     []),
    (0, 'XGROUP CREATE s g $', {0: b'+OK\r\n'},
     [(b'XGROUP', b'CREATE', b's', b'g', b'$')]),
    (2, 'XREADGROUP GROUP g c NOACK BLOCK 0 STREAMS s >', {},
     []),
    (0, 'MULTI', {0: b'+OK\r\n'},
     []),
    (0, 'XADD s 3-1 a 3', {0: b'+QUEUED\r\n'},
     []),
    (0, 'XDEL s 3-1', {0: b'+QUEUED\r\n'},
     []),
    (0, 'EXEC', {0: b'*2\r\n$3\r\n3-1\r\n:1\r\n', 2: b'*1\r\n*2\r\n$1\r\ns\r\n*0\r\n'},
     [(b'MULTI',), (b'XADD', b's', b'3-1', b'a', b'3'), (b'XDEL', b's', b'3-1'), (b'EXEC',), (b'XGROUP', b'CREATECONSUMER', b's', b'g', b'c')]),
    (0, 'XINFO GROUPS s', {0: b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n'},
     []),
    (2, 'XREADGROUP GROUP g c NOACK BLOCK 0 STREAMS s >', {},
     []),
    (0, 'XADD s 4-1 a 4', {0: b'$3\r\n4-1\r\n', 2: b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'},
     [(b'XADD', b's', b'4-1', b'a', b'4'), (b'XGROUP', b'SETID', b's', b'g', b'4-1', b'ENTRIESREAD', b'4')]),
    (0, 'XINFO GROUPS s', {0: b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n'},
     []),
    (2, 'XREADGROUP GROUP g e BLOCK 0 COUNT 1 STREAMS s >', {},
     []),
    (0, 'MULTI', {0: b'+OK\r\n'},
     []),
    (0, 'XADD s 5-1 a 5', {0: b'+QUEUED\r\n'},
     []),
    (0, 'XADD s 6-1 a 6', {0: b'+QUEUED\r\n'},
     []),
    (0, 'EXEC', {0: b'*2\r\n$3\r\n5-1\r\n$3\r\n6-1\r\n', 2: b'*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\na\r\n$1\r\n5\r\n'},
     [(b'MULTI',), (b'XADD', b's', b'5-1', b'a', b'5'), (b'XADD', b's', b'6-1', b'a', b'6'), (b'EXEC',), (b'XCLAIM', b's', b'g', b'e', b'0', b'5-1', b'TIME', b'1796686877359', b'RETRYCOUNT', b'1', b'FORCE', b'JUSTID', b'LASTID', b'5-1')]),
    (0, 'XINFO GROUPS s', {0: b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n5-1\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:1\r\n'},
     []),
    (0, 'XPENDING s g - + 10', {0: b'*1\r\n*4\r\n$3\r\n5-1\r\n$1\r\ne\r\n:I\r\n:1\r\n'},
     []),
]


_BLOCKING_CMDS = [
    ('RPUSH l a b c d e f g h', b':8\r\n'),
    ('RPUSH blpop x', b':1\r\n'),
    ('ZADD z 1 a 2 b 3 c 4 d 5 e', b':5\r\n'),
    ('ZADD bzpopmin 9 q', b':1\r\n'),
    ('CONFIG RESETSTAT', b'+OK\r\n'),
    ('blpop l 0', b'*2\r\n$1\r\nl\r\n$1\r\na\r\n'),
    ('brpop l 0', b'*2\r\n$1\r\nl\r\n$1\r\nh\r\n'),
    ('INFO stats', b'keyspace_hits:0\nkeyspace_misses:0\ntotal_error_replies:0'),
    ('BLMOVE l m LEFT RIGHT 0', b'$1\r\nb\r\n'),
    ('brpoplpush l m 0', b'$1\r\ng\r\n'),
    ('INFO stats', b'keyspace_hits:0\nkeyspace_misses:0\ntotal_error_replies:0'),
    ('LRANGE m 0 -1', b'*2\r\n$1\r\ng\r\n$1\r\nb\r\n'),
    ('MULTI', b'+OK\r\n'),
    ('blpop nol 0', b'+QUEUED\r\n'),
    ('EXEC', b'*1\r\n*-1\r\n'),
    ('BLMPOP 0 1 l LEFT', b'*2\r\n$1\r\nl\r\n*1\r\n$1\r\nc\r\n'),
    ('BLMPOP 0 2 nol l RIGHT COUNT 2', b'*2\r\n$1\r\nl\r\n*2\r\n$1\r\nf\r\n$1\r\ne\r\n'),
    ('BLMPOP x 1 l LEFT', b'-ERR timeout is not a float or out of range\r\n'),
    ('BLMPOP 0 0 l LEFT', b'-ERR numkeys should be greater than 0\r\n'),
    ('BLMPOP 0 1 l MIDDLE', b'-ERR syntax error\r\n'),
    ('BLMPOP -1 1 l LEFT', b'-ERR timeout is negative\r\n'),
    ('BLMPOP 0 1 l LEFT COUNT 0', b'-ERR count should be greater than 0\r\n'),
    ('MULTI', b'+OK\r\n'),
    ('BLMPOP 0 1 nol LEFT', b'+QUEUED\r\n'),
    ('EXEC', b'*1\r\n*-1\r\n'),
    ('CONFIG RESETSTAT', b'+OK\r\n'),
    ('bzpopmin z 0', b'*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n'),
    ('BZPOPMAX z 0', b'*3\r\n$1\r\nz\r\n$1\r\ne\r\n$1\r\n5\r\n'),
    ('INFO stats', b'keyspace_hits:0\nkeyspace_misses:0\ntotal_error_replies:0'),
    ('MULTI', b'+OK\r\n'),
    ('bzpopmin noz 0', b'+QUEUED\r\n'),
    ('BZPOPMAX noz 0', b'+QUEUED\r\n'),
    ('EXEC', b'*2\r\n*-1\r\n*-1\r\n'),
    ('BZMPOP 0 1 z MIN', b'*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n'),
    ('BZMPOP 0 1 z MAX COUNT 5', b'*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n'),
    ('BZMPOP x 1 z MIN', b'-ERR timeout is not a float or out of range\r\n'),
    ('BZMPOP 0 0 z MIN', b'-ERR numkeys should be greater than 0\r\n'),
    ('MULTI', b'+OK\r\n'),
    ('BZMPOP 0 1 noz MIN', b'+QUEUED\r\n'),
    ('EXEC', b'*1\r\n*-1\r\n'),
    ('SET str x', b'+OK\r\n'),
    ('BZPOPMIN str 0', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('BLPOP str 0', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('BLMPOP 0 1 str LEFT', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('BZMPOP 0 1 str MIN', b'-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ('CLIENT UNBLOCK 1 TIMEOUT x', b"-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n"),
    ('CLIENT UNBLOCK 1 FOO', b'-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n'),
    ('CLIENT UNBLOCK x', b'-ERR value is not an integer or out of range\r\n'),
    ('CLIENT UNBLOCK 999', b':0\r\n'),
    ('CLIENT UNBLOCK 999 ERROR', b':0\r\n'),
    ('CLIENT UNBLOCK 999 timeout', b':0\r\n'),
]


_BLOCKING_AOF = [
    (0, 'RPUSH l a b c d e f', {0: b':6\r\n'},
     [(b'RPUSH', b'l', b'a', b'b', b'c', b'd', b'e', b'f')]),
    (0, 'blpop l 0', {0: b'*2\r\n$1\r\nl\r\n$1\r\na\r\n'},
     [(b'LPOP', b'l')]),
    (0, 'BRPOP l 0', {0: b'*2\r\n$1\r\nl\r\n$1\r\nf\r\n'},
     [(b'RPOP', b'l')]),
    (0, 'BLMOVE l m LEFT RIGHT 0', {0: b'$1\r\nb\r\n'},
     [(b'LMOVE', b'l', b'm', b'LEFT', b'RIGHT')]),
    (0, 'BRPOPLPUSH l m 0', {0: b'$1\r\ne\r\n'},
     [(b'RPOPLPUSH', b'l', b'm')]),
    (0, 'ZADD z 1 a 2 b 3 c', {0: b':3\r\n'},
     [(b'ZADD', b'z', b'1', b'a', b'2', b'b', b'3', b'c')]),
    (0, 'BZPOPMIN z 0', {0: b'*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n'},
     [(b'ZPOPMIN', b'z')]),
    (0, 'BZPOPMAX z 0', {0: b'*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n'},
     [(b'ZPOPMAX', b'z')]),
    (1, 'BLPOP nol 0', {},
     []),
    (2, 'CLIENT UNBLOCK $ID1 ERROR', {1: b'-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n', 2: b':1\r\n'},
     []),
    (2, 'INFO errorstats', {2: b'errorstat_UNBLOCKED:count=1'},
     []),
    (2, 'INFO stats', {2: b'keyspace_hits:0\nkeyspace_misses:0\ntotal_error_replies:1'},
     []),
    (1, 'BZPOPMIN noz 0', {},
     []),
    (2, 'CLIENT UNBLOCK $ID1 ERROR', {1: b'-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n', 2: b':1\r\n'},
     []),
    (2, 'INFO errorstats', {2: b'errorstat_UNBLOCKED:count=2'},
     []),
    (2, 'INFO stats', {2: b'keyspace_hits:0\nkeyspace_misses:0\ntotal_error_replies:2'},
     []),
    (1, 'BRPOPLPUSH nol m 0', {},
     []),
    (2, 'CLIENT UNBLOCK $ID1', {1: b'*-1\r\n', 2: b':1\r\n'},
     []),
    (2, 'CLIENT UNBLOCK $ID2', {2: b':0\r\n'},
     []),
    (2, 'CLIENT UNBLOCK $ID1', {2: b':0\r\n'},
     []),
]


_STALE_FIRST = [
    ([b'RESTORE', b'r', b'0', _STALE_PAYLOAD], b'+OK\r\n'),
    ([b'XINFO', b'STREAM', b'r'], b'*20\r\n$6\r\nlength\r\n:4\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n4-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:4\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ([b'XDEL', b'r', b'3-1'], b':1\r\n'),
    ([b'XINFO', b'STREAM', b'r'], b'*20\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n4-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-1\r\n$13\r\nentries-added\r\n:4\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
    ([b'XDEL', b'r', b'1-1'], b':1\r\n'),
    ([b'XINFO', b'STREAM', b'r'], b'*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n4-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-1\r\n$13\r\nentries-added\r\n:4\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\na\r\n$1\r\n4\r\n'),
]



#: The clock of the replays: unix-ms integers in replies (13 digits: delivery and seen times,
#: idle times of entries delivered at ``TIME 0``) are masked as ``:T`` on both sides, and the
#: idle time of a pending entry delivered by the script (up to 4 digits: 0 here, a few ms on
#: the live server) as ``:I``.
NOW = 1_700_000_000_000
_TIMES = re.compile(rb":\d{13}\r\n")
_IDLE = re.compile(rb"(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d{1,4}\r\n")


def _mask(frame: bytes) -> bytes:
    """``frame`` with its clock readings masked (``_TIMES``, ``_IDLE``)."""
    return _IDLE.sub(rb"\1:I\r\n", _TIMES.sub(b":T\r\n", frame))


def _info_counts(frame: bytes) -> bytes:
    """``INFO`` reduced to its ``keyspace_hits``, ``keyspace_misses``,
    ``rdb_changes_since_last_save``, ``total_error_replies`` and ``errorstat_*`` lines."""
    return b"\n".join(ln for ln in frame.split(b"\r\n")
                      if ln.startswith((b"keyspace_hits:", b"keyspace_misses:",
                                        b"rdb_changes_since_last_save:", b"errorstat_",
                                        b"total_error_replies:")))


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
        got = _mask(got)
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


def check_stale_first() -> None:
    """XDEL of an entry that is not the recorded first one leaves ``first_id`` as it is
    (``_STALE_FIRST``)."""
    _replay(_STALE_FIRST)


def check_groups() -> None:
    """XGROUP's options and arities, missing keys and groups, XPENDING's forms, bounds and
    COUNT, and ``server.dirty`` (``rdb_changes_since_last_save``) per change (``_GROUPS``)."""
    _replay(_GROUPS)


def check_claims() -> None:
    """XCLAIM's options, TIME 0 and negative, RETRYCOUNT 0, FORCE (a new NACK: one
    delivery so far, no idle check even at a min-idle-time past the clock), deleted
    entries leaving the PEL, LASTID at and past the group's (``_CLAIMS``)."""
    _replay(_CLAIMS)


def check_autoclaims() -> None:
    """XAUTOCLAIM's COUNT range (1 .. LLONG_MAX/16), the allocation of its ID array (COUNT *
    16 bytes: 2**47 and more never succeeds), its attempts (COUNT * 10), the cursor at the end
    of the PEL, deleted entries counted against COUNT, ``(`` starts (``_AUTOCLAIMS``)."""
    _replay(_AUTOCLAIMS)


def check_full() -> None:
    """XINFO STREAM FULL [COUNT n]: COUNT 0 is every entry, a negative COUNT the default 10,
    the group and consumer PELs cut at COUNT (``_FULL``)."""
    _replay(_FULL)


def check_approx_limit() -> None:
    """Approximate trimming without LIMIT removes at most 100 * stream-node-max-entries
    entries (whole nodes) per call (``_APPROX_LIMIT``)."""
    _replay(_APPROX_LIMIT)


def _effects(c: Session, argv: list[bytes]) -> tuple[bytes, list[tuple[bytes, ...]]]:
    """The reply to ``argv`` sent by the session's client and what it propagated (a 13-digit
    argument, a delivery time, masked as ``T``)."""
    req = b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)
    c.state, eff = server.client_input(c.state, c.cid, req, c.now)
    c.state, out = delivered(c.state, eff)
    props = [tuple(b"T" if re.fullmatch(rb"\d{13}", x) else x for x in a)
             for _, a in eff.propagate]
    return out.get(c.cid, b""), props


def check_propagation() -> None:
    """What XADD / XTRIM / XREADGROUP / XCLAIM propagate (the AOF of 7.0.15, ``appendfsync
    always``): approximate trimming rewritten as ``= <length>`` or ``= <first ID, tombstones
    included>``, NOACK reads as CREATECONSUMER + SETID, LASTID past the group's as SETID
    (nothing at or below it), a deleted pending entry as the XCLAIM that drops it
    (``_PROPAGATION``)."""
    c = Session(now=NOW)
    for line, want, props in _PROPAGATION:
        argv = [a.encode() for a in shlex.split(line)]
        try:
            got, gotp = _effects(c, argv)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {line}: the spec raised {e!r}") from e
        wantp = [tuple(b"T" if re.fullmatch(rb"\d{13}", x) else x for x in a) for a in props]
        assert got == want, f"{NAME}: {line}: spec {got!r}, redis 7.0.15 {want!r}"
        assert gotp == wantp, f"{NAME}: {line}: spec propagates {gotp!r}, redis 7.0.15 {wantp!r}"


def check_idle_edges() -> None:
    """A minimum idle time is met at equality: ``if (this_idle < minidle) continue`` in
    XPENDING IDLE, XCLAIM and XAUTOCLAIM (t_stream.c); the clock is the spec's, set here."""
    c = Session(now=NOW)
    for line in ("XADD s 1-1 a 1", "XADD s 2-1 a 2", "XGROUP CREATE s g 0",
                 "XREADGROUP GROUP g c1 STREAMS s >"):
        c.call(*shlex.split(line))
    c.now = NOW + 100
    pend = (b"*2\r\n*4\r\n$3\r\n1-1\r\n$2\r\nc1\r\n:100\r\n:1\r\n"
            b"*4\r\n$3\r\n2-1\r\n$2\r\nc1\r\n:100\r\n:1\r\n")
    for line, want in (
            ("XPENDING s g IDLE 100 - + 10", pend),
            ("XPENDING s g IDLE 101 - + 10", b"*0\r\n"),
            ("XCLAIM s g c2 101 1-1 JUSTID", b"*0\r\n"),
            ("XCLAIM s g c2 100 1-1 JUSTID", b"*1\r\n$3\r\n1-1\r\n"),
            ("XAUTOCLAIM s g c3 101 0 JUSTID", b"*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n"),
            ("XAUTOCLAIM s g c3 100 0 JUSTID", b"*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-1\r\n*0\r\n")):
        got = c.call(*shlex.split(line))
        assert got == want, f"{NAME}: {line}: spec {got!r}, want {want!r}"


def check_block_zero() -> None:
    """``BLOCK 0`` is no deadline (0), any other count of ms is the clock plus it, with no
    upper bound in 7.0.15 (``getTimeoutFromObjectOrReply``: ``if (tval > 0) tval +=
    mstime()``)."""
    for arg, want in ((b"0", 0), (b"1", NOW + 1), (b"9223372036854775807", NOW + LLONG_MAX)):
        got = X._parse_block_ms(arg, NOW)
        assert got == want, f"{NAME}: BLOCK {arg!r}: {got!r}, not {want!r}"


def check_default_limit() -> None:
    """Approximate trimming's default LIMIT: 100 * stream-node-max-entries, 10000 when that
    is 0 (``if (args->limit <= 0) args->limit = 10000``), at most 1000000."""
    for entries, want in ((0, 10000), (1, 100), (10000, 1000000), (20000, 1000000)):
        s = types.SimpleNamespace(config={"stream-node-max-bytes": "4096",
                                          "stream-node-max-entries": str(entries)})
        r = X._parse_add_or_trim(s, [b"XTRIM", b"s", b"MAXLEN", b"~", b"0"], False)  # type: ignore[arg-type]
        assert not isinstance(r, Err), f"{NAME}: {r!r}"
        assert r[0].limit == want, f"{NAME}: max-entries {entries}: limit {r[0].limit}, not {want}"


def check_elements_cap() -> None:
    """XADD refuses elements whose total length is *larger* than STREAM_LISTPACK_MAX_SIZE
    (``if (totelelen > STREAM_LISTPACK_MAX_SIZE)``), scaled down here to a cap of 8 bytes:
    8 bytes are taken, 9 refused."""
    old = X.LISTPACK_MAX_SIZE
    X.LISTPACK_MAX_SIZE = 8
    try:
        c = Session(now=NOW)
        assert c.call(b"XADD", b"s", b"1-1", b"abcd", b"efgh") == b"$3\r\n1-1\r\n", \
            f"{NAME}: 8 bytes of elements refused under a cap of 8"
        got = c.call(b"XADD", b"s", b"2-1", b"abcd", b"efghi")
        assert got == b"-ERR Elements are too large to be stored\r\n", \
            f"{NAME}: 9 bytes of elements under a cap of 8: {got!r}"
    finally:
        X.LISTPACK_MAX_SIZE = old


def check_blocked_readers() -> None:
    """Blocked XREAD / XREADGROUP readers served (``serveClientsBlockedOnStreamKey``, three
    connections, replies and the AOF of 7.0.15): a signal with no entry past the reader's ID
    leaves it blocked (XGROUP DESTROY), serving looks the key up as a write (no keyspace
    hit), a NOACK reader served nothing (its entry deleted in the same EXEC) propagates the
    consumer it created and no SETID, and one served later only its SETID (``_BLOCKED``)."""
    _replay_clients(_BLOCKED)


def check_blocking_commands() -> None:
    """The blocking list and sorted-set commands served at once (``_BLOCKING_CMDS``: keys
    after the command name only, looked up as writes, BLMPOP/BZMPOP's timeout after the
    other arguments, the null reply inside EXEC, CLIENT UNBLOCK's arguments) and, on three
    connections, what they propagate and CLIENT UNBLOCK ERROR's error count
    (``_BLOCKING_AOF``)."""
    _replay(_BLOCKING_CMDS)
    _replay_clients(_BLOCKING_AOF)


def _replay_clients(table: list[tuple[int, str, dict[int, bytes], list[tuple[bytes, ...]]]]
                    ) -> None:
    """Replay ``table`` (connection, command line with ``$IDn`` for connection n's id, what
    each connection received, what the AOF got) on a fresh server with three clients."""
    st = server.new_server(NOW)
    ids = []
    for _ in range(3):
        st, cid = server.client_connect(st, NOW)
        ids.append(cid)
    for n, line, want, props in table:
        argv = [b"%d" % ids[int(a[3:])] if a.startswith("$ID") else a.encode()
                for a in shlex.split(line)]
        req = b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)
        try:
            st, eff = server.client_input(st, ids[n], req, NOW)
            st, out = delivered(st, eff)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {line}: the spec raised {e!r}") from e
        got = {}
        for cid, data in out.items():
            if argv[0].upper() == b"INFO" and cid == ids[n]:
                data = _info_counts(data)
            got[ids.index(cid)] = _mask(data)
        gotp = [tuple(b"T" if re.fullmatch(rb"\d{13}", x) else x for x in a)
                for _, a in eff.propagate]
        wantp = [tuple(b"T" if re.fullmatch(rb"\d{13}", x) else x for x in a) for a in props]
        assert got == want, f"{NAME}: {n}: {line}: spec {got!r}, redis 7.0.15 {want!r}"
        assert gotp == wantp, f"{NAME}: {line}: spec propagates {gotp!r}, redis 7.0.15 {wantp!r}"


#: ``lpEncodeGetType`` + ``lpEncodeBacklen`` (listpack.c, 7.0.15) at every boundary: an
#: integer-looking element (``lpStringToInt64``, at most 20 bytes) takes 1 (7-bit unsigned),
#: 2 (13-bit), 3 (16-bit), 4 (24-bit), 5 (32-bit) or 9 bytes, a string 1 + n (n < 64),
#: 2 + n (n < 4096) or 5 + n; the back length 1 byte up to 127, 2 below 16383, 3 below
#: 2097151, 4 below 268435455, else 5.
_LP_SIZES = [
    (b"0", 2), (b"127", 2), (b"128", 3), (b"-1", 3), (b"-4096", 3), (b"-4097", 4),
    (b"4095", 3), (b"4096", 4), (b"-32768", 4), (b"-32769", 5), (b"32767", 4), (b"32768", 5),
    (b"-8388608", 5), (b"-8388609", 6), (b"8388607", 5), (b"8388608", 6),
    (b"-2147483648", 6), (b"-2147483649", 10), (b"2147483647", 6), (b"2147483648", 10),
    (b"-9223372036854775808", 10), (b"9223372036854775807", 10),
    (b"9223372036854775808", 21), (b"01", 4), (b"", 2),
    (b"a" * 63, 65), (b"a" * 64, 67), (b"a" * 125, 128), (b"a" * 126, 130),
    (b"a" * 4095, 4099), (b"a" * 4096, 4103), (b"a" * 16377, 16384), (b"a" * 16378, 16386),
]
_LP_BACKLEN = [(1, 1), (127, 1), (128, 2), (16382, 2), (16383, 3), (2097150, 3),
               (2097151, 4), (268435454, 4), (268435455, 5)]


def check_listpack_sizes() -> None:
    """``lp_entry_size`` and ``lp_backlen`` at every encoding boundary (``_LP_SIZES``,
    ``_LP_BACKLEN``, from listpack.c)."""
    for ele, want in _LP_SIZES:
        got = L.lp_entry_size(ele)
        assert got == want, f"{NAME}: listpack entry {ele[:24]!r} ({len(ele)} bytes): {got}, not {want}"
    for n, want in _LP_BACKLEN:
        got = L.lp_backlen(n)
        assert got == want, f"{NAME}: back length of {n}: {got}, not {want}"


CHECKS = [check_add_args, check_hits, check_ranges_and_meta, check_reads, check_stale_first, check_groups, check_claims, check_autoclaims, check_full, check_approx_limit, check_propagation, check_idle_edges, check_block_zero, check_default_limit, check_elements_cap, check_blocked_readers, check_blocking_commands, check_listpack_sizes]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mstreams(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _plant_handler(monkeypatch: pytest.MonkeyPatch, module: str, func: str, old: str,
                   new: str) -> None:
    """:func:`plant_everywhere` of ``spec.commands.<module>.<func>``, and in the served command
    table (or a command's subcommands) where it is a handler."""
    import importlib

    import attrs

    from redspec.spec import dispatch
    mod = importlib.import_module(f"redspec.spec.commands.{module}")
    original = getattr(mod, func)
    planted = plant_everywhere(monkeypatch, mod, func, old, new)
    for name, cmd in list(dispatch.TABLE.items()):
        if cmd.handler is original:
            monkeypatch.setitem(dispatch.TABLE, name, attrs.evolve(cmd, handler=planted))
        for sub, sc in list((cmd.subcommands or {}).items()):
            if sc.handler is original:
                subs = dict(cmd.subcommands)
                subs[sub] = attrs.evolve(sc, handler=planted)
                cmd = attrs.evolve(cmd, subcommands=subs)
                monkeypatch.setitem(dispatch.TABLE, name, cmd)


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
    ("_parse_add_or_trim", "lim = 100 * _limits(s)[1]", "lim = 100 * _limits(s)[0]", check_approx_limit),
    ("_parse_add_or_trim", "a.limit = 10000 if lim <= 0 else", "a.limit = 10000 if lim < 0 else", check_default_limit),
    ("_rewrite_trim", "format_id(st.edge_id(True, False))", "format_id(st.edge_id(False, False))", check_propagation),
    ("_rewrite_trim", "format_id(st.edge_id(True, False))", "format_id(st.edge_id(True, True))", check_propagation),
    ("xadd", "st = lookup_stream(s, key, write=True)", "st = lookup_stream(s, key, write=False)", check_hits),
    ("xadd", "if sum(len(x) for x in pairs) > LISTPACK_MAX_SIZE:", "if sum(len(x) for x in pairs) >= LISTPACK_MAX_SIZE:", check_elements_cap),
    ("xadd", "    s.dirty += 1\n    out = list(argv)", "    s.dirty += 2\n    out = list(argv)", check_groups),
    ("xtrim", "parsed = _parse_add_or_trim(s, argv, False)", "parsed = _parse_add_or_trim(s, argv, True)", check_add_args),
    ("xtrim", "st = lookup_stream(s, key, write=True)", "st = lookup_stream(s, key, write=False)", check_hits),
    ("_parse_interval", "if len(arg) > 1 and", "if len(arg) > 2 and", check_ranges_and_meta),
    ("_xrange_generic", "len(argv) - j - 1 >= 1:", "len(argv) - j >= 1:", check_ranges_and_meta),
    ("_xrange_generic", "len(argv) - j - 1 >= 1:", "len(argv) - j - 1 >= 0:", check_ranges_and_meta),
    ("_xrange_generic", "return [] if st is None else st", "return [] if st is not None else st", check_hits),
    ("xlen", "st = lookup_stream(s, argv[1])", "st = lookup_stream(s, argv[0])", check_add_args),
    ("xlen", "return 0 if st is None else st", "return 0 if st is not None else st", check_hits),
    ("_parse_ids", "p = parse_id(a, 0, strict=True)", "p = parse_id(a, 0, strict=False)", check_ranges_and_meta),
    ("xdel", "st = lookup_stream(s, key, write=True)", "st = lookup_stream(s, key, write=False)", check_hits),
    ("xsetid", "p = parse_id(argv[2], 0, strict=True)", "p = parse_id(argv[2], 0, strict=False)", check_ranges_and_meta),
    ("xsetid", "more = n - 1 - i", "more = n - i", check_ranges_and_meta),
    ("xsetid", "v = _ll(argv[i + 1])", "v = _ll(argv[i])", check_ranges_and_meta),
    ("xsetid", "v = _ll(argv[i + 1])", "v = _ll(argv[i + 2])", check_ranges_and_meta),
    ("xsetid", "if v is None:", "if v is not None:", check_ranges_and_meta),
    ("xsetid", "if v < 0:", "if v <= 0:", check_ranges_and_meta),
    ("xsetid", "q = parse_id(argv[i + 1], 0, strict=True)", "q = parse_id(argv[i + 1], 0, strict=False)", check_ranges_and_meta),
    ("xsetid", "st = lookup_stream(s, key, write=True)", "st = lookup_stream(s, key, write=False)", check_hits),
    ("xsetid", "st.length > entries_added:", "st.length >= entries_added:", check_ranges_and_meta),
    ("xsetid", "s.dirty += 1", "s.dirty += 0", check_groups),
    ("xsetid", "s.dirty += 1", "s.dirty += 2", check_groups),
    ("_parse_block_ms", "return now_ms + v if v > 0 else 0", "return now_ms + v if v >= 0 else 0", check_block_zero),
    ("_parse_read", "while i < n:", "while i <= n:", check_reads),
    ("_parse_read", "more = n - i - 1", "more = n - i", check_reads),
    ("_parse_read", "more = n - i - 1", "more = n - i - 2", check_reads),
    ("_history", "if i < start:", "if i <= start:", check_reads),
    ("_history", "old.delivery_count + 1)", "old.delivery_count)", check_reads),
    ("_history", "old.delivery_count + 1)", "old.delivery_count + 2)", check_reads),
    ("xread_generic", "p = parse_id(ida, 0, strict=True)", "p = parse_id(ida, 0, strict=False)", check_reads),
    ("xread_generic", "elif st.length and st.last_valid_id() > gt:", "elif st.length and st.last_valid_id() >= gt:", check_reads),
    ("_take", "if count and len(out) == count:", "if count and len(out) != count:", check_reads),
    ("_xgroup_prelude", "            i += 1\n        elif", "            i += 2\n        elif", check_groups),
    ("_xgroup_prelude", "and i + 1 < n:", "and i + 1 <= n:", check_groups),
    ("_xgroup_prelude", "and i + 1 < n:", "and i < n:", check_groups),
    ("_xgroup_prelude", "return subcommand_syntax(argv[1], \"XGROUP\")", "return subcommand_syntax(argv[0], \"XGROUP\")", check_groups),
    ("_xgroup_prelude", "return subcommand_syntax(argv[1], \"XGROUP\")", "return subcommand_syntax(argv[2], \"XGROUP\")", check_groups),
    ("_xgroup_prelude", "st = lookup_stream(s, argv[2], write=True)", "st = lookup_stream(s, argv[2], write=False)", check_hits),
    ("xgroup_create", "if len(argv) > 8:", "if len(argv) >= 8:", check_groups),
    ("xgroup_create", "return subcommand_syntax(argv[1], \"XGROUP\")", "return subcommand_syntax(argv[0], \"XGROUP\")", check_groups),
    ("xgroup_create", "return subcommand_syntax(argv[1], \"XGROUP\")", "return subcommand_syntax(argv[2], \"XGROUP\")", check_groups),
    ("xgroup_create", "p = parse_id(argv[4], 0, strict=True)", "p = parse_id(argv[4], 0, strict=False)", check_groups),
    ("xgroup_create", "s.dirty += 1", "s.dirty += 2", check_groups),
    ("xgroup_setid", "return subcommand_syntax(argv[1], \"XGROUP\")", "return subcommand_syntax(argv[0], \"XGROUP\")", check_groups),
    ("xgroup_setid", "return subcommand_syntax(argv[1], \"XGROUP\")", "return subcommand_syntax(argv[2], \"XGROUP\")", check_groups),
    ("xgroup_setid", "s.dirty += 1", "s.dirty += 0", check_groups),
    ("xgroup_setid", "s.dirty += 1", "s.dirty += 2", check_groups),
    ("xgroup_destroy", "s.dirty += 1", "s.dirty += 0", check_groups),
    ("xgroup_destroy", "s.dirty += 1", "s.dirty += 2", check_groups),
    ("xgroup_createconsumer", "s.dirty += 1", "s.dirty += 0", check_groups),
    ("xgroup_createconsumer", "s.dirty += 1", "s.dirty += 2", check_groups),
    ("xgroup_delconsumer", "s.dirty += 1", "s.dirty += 0", check_groups),
    ("xgroup_delconsumer", "s.dirty += 1", "s.dirty += 2", check_groups),
    ("xpending", "(n < 6 or n > 9)", "(n < 6 or n >= 9)", check_groups),
    ("xpending", "            if v is None:\n                return NOT_INTEGER\n            minidle", "            if v is not None:\n                return NOT_INTEGER\n            minidle", check_groups),
    ("xpending", "if n < 8:", "if n <= 8:", check_groups),
    ("xpending", "if cname is not None:", "if cname is None:", check_groups),
    ("xpending", "        if c is None:", "        if c is not None:", check_groups),
    ("xpending", "if i < start:", "if i <= start:", check_groups),
    ("xpending", "if i > end:", "if i >= end:", check_groups),
    ("xpending", "now - nack.delivery_time < minidle:", "now - nack.delivery_time <= minidle:", check_idle_edges),
    ("xpending", "count -= 1", "count -= 0", check_groups),
    ("xpending", "count -= 1", "count -= 2", check_groups),
    ("xclaim", "p = parse_id(argv[j], 0, strict=True)\n        if p is None:\n            break", "p = parse_id(argv[j], 0, strict=False)\n        if p is None:\n            break", check_claims),
    ("xclaim", "more = n - 1 - j", "more = n - j", check_claims),
    ("xclaim", "force = True", "force = False", check_claims),
    ("xclaim", "            j += 1\n            v = _claim_ll(argv[j], \"Invalid IDLE", "            j += 0\n            v = _claim_ll(argv[j], \"Invalid IDLE", check_claims),
    ("xclaim", "            j += 1\n            v = _claim_ll(argv[j], \"Invalid IDLE", "            j += 2\n            v = _claim_ll(argv[j], \"Invalid IDLE", check_claims),
    ("xclaim", "            j += 1\n            v = _claim_ll(argv[j], \"Invalid TIME", "            j += 0\n            v = _claim_ll(argv[j], \"Invalid TIME", check_claims),
    ("xclaim", "            j += 1\n            v = _claim_ll(argv[j], \"Invalid TIME", "            j += 2\n            v = _claim_ll(argv[j], \"Invalid TIME", check_claims),
    ("xclaim", "            j += 1\n            v = _claim_ll(argv[j], \"Invalid RETRYCOUNT", "            j += 0\n            v = _claim_ll(argv[j], \"Invalid RETRYCOUNT", check_claims),
    ("xclaim", "            j += 1\n            v = _claim_ll(argv[j], \"Invalid RETRYCOUNT", "            j += 2\n            v = _claim_ll(argv[j], \"Invalid RETRYCOUNT", check_claims),
    ("xclaim", "            p = parse_id(argv[j], 0, strict=True)\n            if p is None:\n                return", "            p = parse_id(argv[j], 0, strict=False)\n            if p is None:\n                return", check_claims),
    ("xclaim", "        j += 1\n    propagate_last_id", "        j += 2\n    propagate_last_id", check_claims),
    ("xclaim", "if last_id > g.last_id:", "if last_id >= g.last_id:", check_claims),
    ("xclaim", "if deliverytime != -1:", "if deliverytime == -1:", check_claims),
    ("xclaim", "if deliverytime != -1:", "if deliverytime != -0:", check_claims),
    ("xclaim", "if deliverytime < 0 or", "if deliverytime <= 0 or", check_claims),
    ("xclaim", "                propagate_last_id = False\n                s.dirty += 1", "                propagate_last_id = True\n                s.dirty += 1", check_claims),
    ("xclaim", "                propagate_last_id = False\n                s.dirty += 1", "                propagate_last_id = False\n                s.dirty += 0", check_claims),
    ("xclaim", "                propagate_last_id = False\n                s.dirty += 1", "                propagate_last_id = False\n                s.dirty += 2", check_claims),
    ("xclaim", "        fresh = False", "        fresh = True", check_claims),
    ("xclaim", "if force and nack is None:", "if force and nack is not None:", check_claims),
    ("xclaim", "            fresh = True", "            fresh = False", check_claims),
    ("xclaim", "nack = Nack(b\"\", 0, 1)", "nack = Nack(b\"\", 0, 0)", check_claims),
    ("xclaim", "nack = Nack(b\"\", 0, 1)", "nack = Nack(b\"\", 0, 2)", check_claims),
    ("xclaim", "now - nack.delivery_time < minidle:", "now - nack.delivery_time <= minidle:", check_idle_edges),
    ("xclaim", "if retrycount >= 0:", "if retrycount > 0:", check_claims),
    ("xclaim", "        propagate_last_id = False\n        s.dirty += 1", "        propagate_last_id = False\n        s.dirty += 0", check_claims),
    ("xclaim", "        propagate_last_id = False\n        s.dirty += 1", "        propagate_last_id = False\n        s.dirty += 2", check_claims),
    ("xclaim", "b\"%d\" % g.entries_read))\n        s.dirty += 1", "b\"%d\" % g.entries_read))\n        s.dirty += 0", check_claims),
    ("xclaim", "b\"%d\" % g.entries_read))\n        s.dirty += 1", "b\"%d\" % g.entries_read))\n        s.dirty += 2", check_claims),
    ("xautoclaim", "    if p[1]:", "    if p[0]:", check_autoclaims),
    ("xautoclaim", "more = n - 1 - j", "more = n - j", check_autoclaims),
    ("_parse_read", "elif o == b\"group\" and more >= 2:", "elif o == b\"group\" and more > 2:", check_reads),
    ("_deliver", "propagate_last_id = False", "propagate_last_id = True", check_blocked_readers),
    ("serve_stream_waiter", "lookup_typed(s, key, StreamValue, write=True)", "lookup_typed(s, key, StreamValue, write=False)", check_blocked_readers),
    ("serve_stream_waiter", "if not st.last_id > gt:", "if not st.last_id >= gt:", check_blocked_readers),
    ("serve_stream_waiter", "if cname not in g.consumers and info.noack:", "if cname in g.consumers and info.noack:", check_blocked_readers),
    ("xdel", "first_entry = False", "first_entry = True", check_stale_first),
    ("xautoclaim", "if v is None or v < 1 or v > max_count:", "if v is None or v < 0 or v > max_count:", check_autoclaims),
    ("xautoclaim", "if i >= start]", "if i > start]", check_autoclaims),
    ("xautoclaim", "        attempts -= 1\n", "        attempts -= 0\n", check_autoclaims),
    ("xautoclaim", "        attempts -= 1\n", "        attempts -= 2\n", check_autoclaims),
    ("xautoclaim", "            s.dirty += 1\n            g = g.ack(i)", "            s.dirty += 0\n            g = g.ack(i)", check_autoclaims),
    ("xautoclaim", "            s.dirty += 1\n            g = g.ack(i)", "            s.dirty += 2\n            g = g.ack(i)", check_autoclaims),
    ("xautoclaim", "            count -= 1\n            continue", "            count -= 0\n            continue", check_autoclaims),
    ("xautoclaim", "            count -= 1\n            continue", "            count -= 2\n            continue", check_autoclaims),
    ("xautoclaim", "now - nack.delivery_time < minidle:", "now - nack.delivery_time <= minidle:", check_idle_edges),
    ("xautoclaim", "        s.dirty += 1\n    if attempts", "        s.dirty += 0\n    if attempts", check_autoclaims),
    ("xautoclaim", "        s.dirty += 1\n    if attempts", "        s.dirty += 2\n    if attempts", check_autoclaims),
    ("xautoclaim", "if attempts == 0 or count == 0:", "if attempts != 0 or count == 0:", check_autoclaims),
    ("xautoclaim", "format_id(pel[k]) if k < len(pel) else", "format_id(pel[k]) if k <= len(pel) else", check_autoclaims),
    ("xinfo_stream", "if len(opts) not in (1, 3) or", "if len(opts) in (1, 3) or", check_full),
    ("xinfo_stream", "if len(opts) not in (1, 3) or", "if len(opts) not in (0, 3) or", check_full),
    ("xinfo_stream", "if len(opts) not in (1, 3) or", "if len(opts) not in (2, 3) or", check_full),
    ("xinfo_stream", "c_word(opts[0]) != b\"full\":", "c_word(opts[0]) == b\"full\":", check_full),
    ("xinfo_stream", "            return subcommand_syntax(argv[1], \"XINFO\")\n        if len", "            return subcommand_syntax(argv[0], \"XINFO\")\n        if len", check_full),
    ("xinfo_stream", "            return subcommand_syntax(argv[1], \"XINFO\")\n        if len", "            return subcommand_syntax(argv[2], \"XINFO\")\n        if len", check_full),
    ("xinfo_stream", "if len(opts) == 3:", "if len(opts) != 3:", check_full),
    ("xinfo_stream", "if c_word(opts[1]) != b\"count\":", "if c_word(opts[1]) == b\"count\":", check_full),
    ("xinfo_stream", "if c_word(opts[1]) != b\"count\":", "if c_word(opts[0]) != b\"count\":", check_full),
    ("xinfo_stream", "if c_word(opts[1]) != b\"count\":", "if c_word(opts[2]) != b\"count\":", check_full),
    ("xinfo_stream", "                return subcommand_syntax(argv[1], \"XINFO\")", "                return subcommand_syntax(argv[0], \"XINFO\")", check_full),
    ("xinfo_stream", "                return subcommand_syntax(argv[1], \"XINFO\")", "                return subcommand_syntax(argv[2], \"XINFO\")", check_full),
    ("xinfo_stream", "            if v is None:", "            if v is not None:", check_full),
    ("xinfo_stream", "count = 10 if v < 0 else v", "count = 10 if v <= 0 else v", check_full),
    ("xinfo_stream", "if count and len(pel) >= count:", "if count and len(pel) > count:", check_full),
    ("xinfo_stream", "if count and len(cpel) >= count:", "if count and len(cpel) > count:", check_full),
    ("xautoclaim", "if v is None or v < 1 or v > max_count:", "if v is None or v < 1 or v >= max_count:", check_autoclaims),
    ("xautoclaim", "if count * 16 >= TRANSIENT_ALLOC_MAX:", "if count * 16 > TRANSIENT_ALLOC_MAX:", check_autoclaims),
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


@pytest.mark.parametrize("func,old,new,check", [
    ("_bpop", "keys = argv[1:-1]", "keys = argv[0:-1]", check_blocking_commands),
    ("_bpop", "v = get_list(s, k, write=True)", "v = get_list(s, k, write=False)", check_blocking_commands),
    ("_bpop", "(b\"LPOP\" if where == HEAD else b\"RPOP\", k)", "(b\"LPOP\" if where != HEAD else b\"RPOP\", k)", check_blocking_commands),
    ("_bmove", "v = get_list(s, src, write=True)", "v = get_list(s, src, write=False)", check_blocking_commands),
    ("_bmove", "if s.cmd.name == \"brpoplpush\":", "if s.cmd.name != \"brpoplpush\":", check_blocking_commands),
    ("blmpop", "if type(parsed) is Err:", "if type(parsed) is not Err:", check_blocking_commands),
    ("blmpop", "t = parse_timeout(argv[1], s.now_ms)", "t = parse_timeout(argv[0], s.now_ms)", check_blocking_commands),
    ("blmpop", "t = parse_timeout(argv[1], s.now_ms)", "t = parse_timeout(argv[2], s.now_ms)", check_blocking_commands),
    ("blmpop", "if type(t) is Err:", "if type(t) is not Err:", check_blocking_commands),
    ("blmpop", "if r is not NULL_ARRAY or s.in_exec:", "if r is NULL_ARRAY or s.in_exec:", check_blocking_commands),
    ("_bzpop", "keys = argv[1:-1]", "keys = argv[0:-1]", check_blocking_commands),
    ("_bzpop", "zpop_core(s, keys, pop_max, 1, True, False, True)", "zpop_core(s, keys, pop_max, 0, True, False, True)", check_blocking_commands),
    ("_bzpop", "zpop_core(s, keys, pop_max, 1, True, False, True)", "zpop_core(s, keys, pop_max, 2, True, False, True)", check_blocking_commands),
    ("_bzpop", "zpop_core(s, keys, pop_max, 1, True, False, True)", "zpop_core(s, keys, pop_max, 1, False, False, True)", check_blocking_commands),
    ("_bzpop", "zpop_core(s, keys, pop_max, 1, True, False, True)", "zpop_core(s, keys, pop_max, 1, True, True, True)", check_blocking_commands),
    ("_bzpop", "zpop_core(s, keys, pop_max, 1, True, False, True)", "zpop_core(s, keys, pop_max, 1, True, False, False)", check_blocking_commands),
    ("_bzpop", "return [r[0], *r[1]]", "return [r[0], *r[0]]", check_blocking_commands),
    ("_bzpop", "return [r[0], *r[1]]", "return [r[0], *r[2]]", check_blocking_commands),
    ("bzmpop", "t = parse_timeout(argv[1], s.now_ms)", "t = parse_timeout(argv[2], s.now_ms)", check_blocking_commands),
    ("client_unblock", "return subcommand_syntax(argv[1], \"CLIENT\")", "return subcommand_syntax(argv[0], \"CLIENT\")", check_blocking_commands),
    ("client_unblock", "return subcommand_syntax(argv[1], \"CLIENT\")", "return subcommand_syntax(argv[2], \"CLIENT\")", check_blocking_commands),
    ("client_unblock", "s.error_counts.get(\"UNBLOCKED\", 0) + 1", "s.error_counts.get(\"UNBLOCKED\", 0) + 0", check_blocking_commands),
    ("client_unblock", "s.error_counts.get(\"UNBLOCKED\", 0) + 1", "s.error_counts.get(\"UNBLOCKED\", 0) + 2", check_blocking_commands),
    ("client_unblock", "s.error_replies += 1", "s.error_replies += 0", check_blocking_commands),
    ("client_unblock", "s.error_replies += 1", "s.error_replies += 2", check_blocking_commands),
])
def test_planted_blocking(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                          check: Any) -> None:
    _plant_handler(monkeypatch, "blocking", func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new", [
    ("lp_backlen", "if n <= 127:", "if n < 127:"),
    ("lp_backlen", "        return 1\n    if n < 16383", "        return 0\n    if n < 16383"),
    ("lp_backlen", "        return 1\n    if n < 16383", "        return 2\n    if n < 16383"),
    ("lp_backlen", "if n < 16383:", "if n <= 16383:"),
    ("lp_backlen", "if n < 2097151:", "if n <= 2097151:"),
    ("lp_backlen", "if n < 268435455:", "if n <= 268435455:"),
    ("lp_entry_size", "if len(b) <= 20", "if len(b) < 20"),
    ("lp_entry_size", "if v is not None:", "if v is None:"),
    ("lp_entry_size", "if 0 <= v <= 127:", "if 0 < v <= 127:"),
    ("lp_entry_size", "if 0 <= v <= 127:", "if 0 <= v < 127:"),
    ("lp_entry_size", "            e = 1\n", "            e = 0\n"),
    ("lp_entry_size", "            e = 1\n", "            e = 2\n"),
    ("lp_entry_size", "-4096 <= v <= 4095", "-4096 < v <= 4095"),
    ("lp_entry_size", "-4096 <= v <= 4095", "-4096 <= v < 4095"),
    ("lp_entry_size", "-32768 <= v <= 32767", "-32768 < v <= 32767"),
    ("lp_entry_size", "-32768 <= v <= 32767", "-32768 <= v < 32767"),
    ("lp_entry_size", "-8388608 <= v <= 8388607", "-8388608 < v <= 8388607"),
    ("lp_entry_size", "-8388608 <= v <= 8388607", "-8388608 <= v < 8388607"),
    ("lp_entry_size", "-(1 << 31) <= v < 1 << 31", "-(1 << 31) < v < 1 << 31"),
    ("lp_entry_size", "-(1 << 31) <= v < 1 << 31", "-(1 << 31) <= v <= 1 << 31"),
    ("lp_entry_size", "-(1 << 31) <= v < 1 << 31", "-(0 << 31) <= v < 1 << 31"),
    ("lp_entry_size", "-(1 << 31) <= v < 1 << 31", "-(2 << 31) <= v < 1 << 31"),
    ("lp_entry_size", "-(1 << 31) <= v < 1 << 31", "-(1 << 31) <= v < 0 << 31"),
    ("lp_entry_size", "-(1 << 31) <= v < 1 << 31", "-(1 << 31) <= v < 2 << 31"),
    ("lp_entry_size", "(1 if n < 64 else", "(0 if n < 64 else"),
    ("lp_entry_size", "(1 if n < 64 else", "(2 if n < 64 else"),
    ("lp_entry_size", "n < 64", "n <= 64"),
    ("lp_entry_size", "n < 4096", "n <= 4096"),
])
def test_planted_listpack(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                          new: str) -> None:
    plant_everywhere(monkeypatch, L, func, old, new)
    _trips(check_listpack_sizes)


@pytest.mark.parametrize("value", [0 << 47, 2 << 47])
def test_planted_transient_alloc_max(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    monkeypatch.setattr(X, "TRANSIENT_ALLOC_MAX", value)
    _trips(check_autoclaims)
