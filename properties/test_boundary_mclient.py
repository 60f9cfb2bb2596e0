"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
client-side caching modules (``spec/tracking.py``, ``spec/commands/caching.py``) and of the
client modules after them (issue #22, ``tools/mutation.py``), in the pattern of
``properties/test_boundary_streams.py``: each check puts a Redis rule exactly on its
boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_mclient_agree_with_redis``. The reply tables below were recorded from a
fresh redis-server 7.0.15 (its first connection is client id 3: the spec's world below opens
and closes two connections first, so ids agree), one client per letter, each line a command
(or ``<read>``: what the client was sent meanwhile; ``<close>``: it disconnects), the bytes
the client had been sent when the command's reply was in; ``CLIENT INFO`` replies are kept to
their ``flags=`` and ``redir=`` fields, ``INFO`` replies to the tracking and lazy free lines.
They are replayed here through the spec, byte for byte, an event-loop turn
(``beforeSleep``) after each command:

- ``_OPTIONS``: CLIENT TRACKING's options at their ends (REDIRECT or PREFIX last with no
  value, a second REDIRECT, REDIRECT to no client, 0 or the caller), the mode switches it
  refuses (BCAST on/off, OPTIN/OPTOUT, both at once), CLIENT CACHING YES/NO in each mode,
  CLIENT GETREDIR and TRACKINGINFO in every mode (``caching-yes``/``caching-no`` last until
  the next command that is not CLIENT), ``redir=-1`` in CLIENT INFO once tracking is off, and
  the prefix collisions (``stringCheckPrefix``): with an existing prefix, between new ones
  (adjacent or not), prefixes cut at a NUL byte in the error text (``%s``);
- ``_GOES_ON``: 7.0.15's ``checkPrefixCollisionsOrReply`` returns the index ``i`` of the new
  prefix that overlaps a later one, and its caller takes any non-zero value for "no
  collision": for ``i >= 1`` the error is followed by ``+OK`` (in EXEC too, one array slot
  holding both), tracking is on with every prefix given, and the error counts (errorstats,
  the call's ``failed_calls``). The spec refused the command; fixed with this file;
- ``_DELIVERY``: default mode: two trackers of one key (``tracking_total_items`` 2), told
  once, NOLOOP, OPTIN/OPTOUT with CLIENT CACHING, a RESP2 tracker with no redirection (told
  nothing, subscribed or not), a redirection to a RESP2 client (nothing unless it is
  subscribed: a ``__redis__:invalidate`` message), to a RESP3 client, and broken
  (``tracking-redir-broken``, the ``R`` flag, ``broken_redirect``);
- ``_BCAST``: BCAST with and without a prefix, NOLOOP (the keys of others only; nothing when
  only its own), OFF leaves the prefixes, FLUSHALL/FLUSHDB ASYNC (the flusher told after its
  reply, the others at once), tracking turned on inside MULTI (its own later write is
  announced after EXEC's reply), a redirection found gone by the running client and by
  another client's write (each flags only the tracker);
- ``_FLUSH_FREE``: a 100-key tracking table is freed in the background (``lazyfreed_objects``)
  by FLUSHALL ASYNC and not by FLUSHALL SYNC; DEBUG LOADAOF's ``emptyData`` frees it at once
  too (checked by a direct call of ``spec.aofload``'s ``_empty_data``: the table recorded
  at 100 keys, ``lazyfreed_objects`` 0 after DEBUG LOADAOF on 7.0.15 with appendonly yes);
- ``_CONNECTION`` (``spec/commands/connection.py``): PING with and without a message, in and
  out of a RESP2 and a RESP3 Pub/Sub context; SELECT at 0, the last database, and the int
  range (``getIntFromObjectOrReply``: -2**31 and 2**31-1 are "DB index is out of range",
  one past either end "value is out of range"); HELLO with SETNAME or AUTH missing its
  values; RESET back to the default user;
- ``_LONG_DOUBLE`` (``spec/longdouble.py``, INCRBYFLOAT / HINCRBYFLOAT): a sum rounding up
  into a 65th significand bit (2**64 - 0.5 → 2**64, ties to even), ``%.17Lf``'s exact ties
  (``j / 2**18``, j odd: the 18th digit is exactly half, rounded to the even 17th), an
  argument of ``MAX_LONG_DOUBLE_CHARS`` (5120) bytes refused and of 5119 taken, infinities;
- ``_FAILOVER_OPTIONS`` (``spec/failover.py``, a master with no replica): FAILOVER ABORT
  with nothing to abort or an extra argument, TIMEOUT/TO missing values, TIMEOUT 0 and 1,
  options given twice, FORCE; and, over the multi-node model (``spec.replnet``, the world of
  ``properties/test_failover_world.py``): FAILOVER TO the in-sync replica hands over to it
  (checked on two 7.0.15 servers: the old master is then ``role:slave`` of the target), and
  FAILOVER ABORT once the master has demoted itself (``failover-in-progress``) makes it a
  master again (``abortFailover`` → ``replicationUnsetMaster``);
- ``_MIGRATE_NO_TARGET`` (``spec/migrate.py``'s world with no target, ``EmptyNetwork``):
  MIGRATE to an address nobody listens on: an IP literal (``127.0.0.255``, ``::1``) or
  ``localhost`` connects and the write fails ("writing"), ``127.0.0.256`` or
  ``1.2.3.4.5`` do not resolve ("connecting"); recorded on 7.0.15 with a free local port;
  and through ``spec.migratenet``'s model of the world: a key moved to a spec target (one
  connection, the target's ``total_connections_received`` + 1), and a target whose writes are
  paused (CLIENT PAUSE WRITE) answers nothing: ``IOERR error or timeout reading to target
  instance`` with one connection, never retried after a timeout (on 7.0.15 the paused
  target's ``total_connections_received`` grew by one for the MIGRATE); a host the world
  does not have does not connect ("connecting", as for ``1.2.3.4.5`` above).
"""

from __future__ import annotations

import codecs
import re
import shlex
from typing import Any

import attrs
import pytest

from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import aofload, dispatch, tracking
from redspec.spec.commands import caching
from redspec.spec.cron import before_sleep
from redspec.spec.resp import encode_request
from redspec.spec.server import (
    client_connect,
    client_disconnect,
    client_input,
    client_wrote,
    new_server,
)
from redspec.spec.step import Step

NAME = "boundary_mclient_agree_with_redis"
T0 = 1_700_000_000_000

_OPTIONS = [
    ('A', 'CLIENT GETREDIR', b':-1\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT CACHING yes', b'-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n'),
    ('A', 'CLIENT CACHING no', b'-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n'),
    ('B', 'CLIENT ID', b':4\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT', b'-ERR syntax error\r\n'),
    ('A', 'CLIENT TRACKING on BCAST PREFIX', b'-ERR syntax error\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT abc', b'-ERR value is not an integer or out of range\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 99', b'-ERR The client ID you want redirect to does not exist\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 0', b'-ERR The client ID you want redirect to does not exist\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 4 REDIRECT 4', b'-ERR A client can only redirect to a single other client\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 4 REDIRECT 3', b'-ERR A client can only redirect to a single other client\r\n'),
    ('A', 'CLIENT TRACKING on OPTIN OPTOUT', b"-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"),
    ('A', 'CLIENT TRACKING on OPTOUT OPTIN', b"-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"),
    ('A', 'CLIENT TRACKING on OPTIN OPTIN', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\noptin\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT GETREDIR', b':0\r\n'),
    ('A', 'CLIENT TRACKING on OPTOUT', b"-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"),
    ('A', 'CLIENT CACHING no', b'-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n'),
    ('A', 'CLIENT CACHING maybe', b'-ERR syntax error\r\n'),
    ('A', 'CLIENT CACHING yes', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT TRACKING on BCAST', b"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"),
    ('A', 'CLIENT TRACKING on REDIRECT 3 OPTIN', b'+OK\r\n'),
    ('A', 'CLIENT GETREDIR', b':3\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect\r\n:3\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT CACHING no', b'-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect\r\n:3\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT INFO', b'flags=t redir=3'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT INFO', b'flags=N redir=-1'),
    ('A', 'CLIENT GETREDIR', b':-1\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT TRACKING on OPTOUT REDIRECT 4 NOLOOP', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$6\r\noptout\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:4\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT CACHING yes', b'-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n'),
    ('A', 'CLIENT CACHING no', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*4\r\n$2\r\non\r\n$6\r\noptout\r\n$10\r\ncaching-no\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:4\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT TRACKING on OPTIN', b"-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on OPTIN', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on BCAST', b"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on BCAST PREFIX a PREFIX b NOLOOP', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('A', 'CLIENT TRACKING on', b"-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"),
    ('A', 'CLIENT TRACKING on BCAST OPTIN', b'-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n'),
    ('A', 'CLIENT TRACKING on BCAST OPTOUT', b'-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n'),
    ('A', 'CLIENT TRACKING on BCAST PREFIX c', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    ('A', 'CLIENT TRACKING on BCAST PREFIX ab', b"-ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.\r\n"),
    ('A', 'CLIENT TRACKING on BCAST PREFIX x PREFIX xy', b"-ERR Prefix 'x' overlaps with another provided prefix 'xy'. Prefixes for a single client must not overlap.\r\n"),
    ('A', 'CLIENT TRACKING on BCAST PREFIX x PREFIX y PREFIX xy', b"-ERR Prefix 'x' overlaps with another provided prefix 'xy'. Prefixes for a single client must not overlap.\r\n"),
    ('A', 'CLIENT TRACKING on BCAST PREFIX x PREFIX y PREFIX yz', b"-ERR Prefix 'y' overlaps with another provided prefix 'yz'. Prefixes for a single client must not overlap.\r\n+OK\r\n"),
    ('A', "CLIENT TRACKING on BCAST PREFIX '\\x00q' PREFIX '\\x00'", b"-ERR Prefix '' overlaps with another provided prefix ''. Prefixes for a single client must not overlap.\r\n"),
    ('A', "CLIENT TRACKING on BCAST PREFIX 'z\\x00q' PREFIX 'z\\x00'", b"-ERR Prefix 'z' overlaps with another provided prefix 'z'. Prefixes for a single client must not overlap.\r\n"),
    ('A', "CLIENT TRACKING on BCAST PREFIX '\\x00q'", b'+OK\r\n'),
    ('A', "CLIENT TRACKING on BCAST PREFIX '\\x00'", b"-ERR Prefix '' overlaps with an existing prefix ''. Prefixes for a single client must not overlap.\r\n"),
    ('A', 'CLIENT TRACKING on PREFIX a', b'-ERR PREFIX option requires BCAST mode to be enabled\r\n'),
    ('A', 'CLIENT TRACKING maybe', b'-ERR syntax error\r\n'),
    ('A', 'CLIENT TRACKING on bogus', b'-ERR syntax error\r\n'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n'),
]

_GOES_ON = [
    ('A', 'CLIENT TRACKING on BCAST PREFIX x PREFIX y PREFIX yz', b"-ERR Prefix 'y' overlaps with another provided prefix 'yz'. Prefixes for a single client must not overlap.\r\n+OK\r\n"),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*3\r\n$1\r\nx\r\n$1\r\ny\r\n$2\r\nyz\r\n'),
    ('A', 'INFO errorstats', b''),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on BCAST PREFIX x PREFIX y PREFIX yz PREFIX xw', b"-ERR Prefix 'x' overlaps with another provided prefix 'xw'. Prefixes for a single client must not overlap.\r\n"),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'INFO errorstats', b''),
    ('A', 'CLIENT TRACKING on BCAST PREFIX q PREFIX r PREFIX rs', b"-ERR Prefix 'r' overlaps with another provided prefix 'rs'. Prefixes for a single client must not overlap.\r\n+OK\r\n"),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*3\r\n$1\r\nq\r\n$1\r\nr\r\n$2\r\nrs\r\n'),
    ('A', 'MULTI', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on BCAST PREFIX m PREFIX n PREFIX no', b'+QUEUED\r\n'),
    ('A', 'EXEC', b"*1\r\n-ERR Prefix 'n' overlaps with another provided prefix 'no'. Prefixes for a single client must not overlap.\r\n+OK\r\n"),
    ('A', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*6\r\n$1\r\nm\r\n$1\r\nn\r\n$2\r\nno\r\n$1\r\nq\r\n$1\r\nr\r\n$2\r\nrs\r\n'),
    ('A', 'INFO errorstats', b''),
    ('A', 'INFO stats', b'tracking_total_keys:0 tracking_total_items:0 tracking_total_prefixes:6'),
]

_DELIVERY = [
    ('A', 'HELLO 3', b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ('B', 'CLIENT ID', b':4\r\n'),
    ('C', 'CLIENT ID', b':5\r\n'),
    ('D', 'HELLO 3', b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:6\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ('E', 'CLIENT ID', b':7\r\n'),
    ('A', 'CLIENT TRACKING on', b'+OK\r\n'),
    ('D', 'CLIENT TRACKING on', b'+OK\r\n'),
    ('D', 'GET k', b'_\r\n'),
    ('A', 'GET k', b'_\r\n'),
    ('A', 'GET k', b'_\r\n'),
    ('B', 'INFO stats', b'tracking_total_keys:1 tracking_total_items:2 tracking_total_prefixes:0'),
    ('B', 'SET k 1', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n'),
    ('B', 'SET k 2', b'+OK\r\n'),
    ('A', '<read>', b''),
    ('A', 'CLIENT TRACKING on NOLOOP', b'+OK\r\n'),
    ('A', 'GET k', b'$1\r\n2\r\n'),
    ('A', 'SET k mine', b'+OK\r\n'),
    ('B', 'SET k 3', b'+OK\r\n'),
    ('A', 'GET k', b'$1\r\n3\r\n'),
    ('B', 'SET k 4', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('D', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on OPTIN', b'+OK\r\n'),
    ('A', 'GET o1', b'_\r\n'),
    ('A', 'CLIENT CACHING yes', b'+OK\r\n'),
    ('A', 'GET o2', b'_\r\n'),
    ('B', 'MSET o1 x o2 y', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\no2\r\n'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on OPTOUT', b'+OK\r\n'),
    ('A', 'GET p1', b'_\r\n'),
    ('A', 'CLIENT CACHING no', b'+OK\r\n'),
    ('A', 'GET p2', b'_\r\n'),
    ('B', 'MSET p1 x p2 y', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\np1\r\n'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('C', 'CLIENT TRACKING on', b'+OK\r\n'),
    ('C', 'GET q', b'$-1\r\n'),
    ('C', 'SUBSCRIBE ch', b'*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'),
    ('B', 'SET q 1', b'+OK\r\n'),
    ('C', '<read>', b''),
    ('C', 'UNSUBSCRIBE ch', b'*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n'),
    ('C', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 5', b'+OK\r\n'),
    ('A', 'GET r', b'_\r\n'),
    ('B', 'SET r 1', b'+OK\r\n'),
    ('C', '<read>', b''),
    ('A', '<read>', b''),
    ('C', 'SUBSCRIBE __redis__:invalidate', b'*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n'),
    ('A', 'GET r', b'$1\r\n1\r\n'),
    ('B', 'SET r 2', b'+OK\r\n'),
    ('C', '<read>', b'*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nr\r\n'),
    ('A', '<read>', b''),
    ('A', 'CLIENT TRACKING on REDIRECT 6', b'+OK\r\n'),
    ('A', 'GET r', b'$1\r\n2\r\n'),
    ('B', 'SET r 3', b'+OK\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nr\r\n'),
    ('A', '<read>', b''),
    ('A', 'GET r', b'$1\r\n3\r\n'),
    ('A', 'SET r 4', b'+OK\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nr\r\n'),
    ('E', 'CLIENT TRACKING on REDIRECT 4', b'+OK\r\n'),
    ('E', 'GET s', b'$-1\r\n'),
    ('E', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$8\r\nredirect\r\n:4\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 6', b'+OK\r\n'),
    ('A', 'GET s', b'_\r\n'),
    ('D', '<close>', b''),
    ('B', 'SET s 1', b'+OK\r\n'),
    ('E', '<read>', b''),
    ('E', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$8\r\nredirect\r\n:4\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', '<read>', b'>2\r\n$21\r\ntracking-redir-broken\r\n:6\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:6\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'GET s', b'$1\r\n1\r\n'),
    ('A', 'SET s 2', b'+OK\r\n>2\r\n$21\r\ntracking-redir-broken\r\n:6\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:6\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT INFO', b'flags=tR redir=6'),
    ('E', 'CLIENT INFO', b'flags=t redir=4'),
    ('B', 'INFO stats', b'tracking_total_keys:0 tracking_total_items:0 tracking_total_prefixes:0'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('E', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('B', 'INFO stats', b'tracking_total_keys:0 tracking_total_items:0 tracking_total_prefixes:0'),
]

_BCAST = [
    ('A', 'HELLO 3', b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ('B', 'CLIENT ID', b':4\r\n'),
    ('C', 'CLIENT ID', b':5\r\n'),
    ('D', 'HELLO 3', b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:6\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ('A', 'CLIENT TRACKING on BCAST', b'+OK\r\n'),
    ('D', 'CLIENT TRACKING on BCAST PREFIX a NOLOOP', b'+OK\r\n'),
    ('B', 'INFO stats', b'tracking_total_keys:0 tracking_total_items:0 tracking_total_prefixes:2'),
    ('D', 'SET a1 x', b'+OK\r\n'),
    ('B', 'SET a2 y', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na1\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na2\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na2\r\n'),
    ('D', 'SET a3 z', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na3\r\n'),
    ('D', '<read>', b''),
    ('B', 'SET b1 z', b'+OK\r\n'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nb1\r\n'),
    ('D', '<read>', b''),
    ('D', 'CLIENT TRACKING on BCAST PREFIX c', b'+OK\r\n'),
    ('B', 'MSET c1 1 a4 2', b'+OK\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na4\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nc1\r\n'),
    ('A', 'CLIENT TRACKING off', b'>2\r\n$10\r\ninvalidate\r\n*2\r\n$2\r\na4\r\n$2\r\nc1\r\n+OK\r\n'),
    ('B', 'SET a5 1', b'+OK\r\n'),
    ('A', '<read>', b''),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na5\r\n'),
    ('B', 'INFO stats', b'tracking_total_keys:0 tracking_total_items:0 tracking_total_prefixes:2'),
    ('D', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('B', 'SET a6 1', b'+OK\r\n'),
    ('D', '<read>', b''),
    ('B', 'INFO stats', b'tracking_total_keys:0 tracking_total_items:0 tracking_total_prefixes:0'),
    ('D', 'CLIENT TRACKING on BCAST PREFIX z', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on', b'+OK\r\n'),
    ('A', 'GET f', b'_\r\n'),
    ('A', 'FLUSHALL', b'+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n_\r\n'),
    ('A', 'FLUSHDB ASYNC', b'+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n'),
    ('D', '<read>', b'>2\r\n$10\r\ninvalidate\r\n_\r\n'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('D', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('A', 'MULTI', b'+OK\r\n'),
    ('A', 'CLIENT TRACKING on', b'+QUEUED\r\n'),
    ('A', 'GET m', b'+QUEUED\r\n'),
    ('A', 'SET m 1', b'+QUEUED\r\n'),
    ('A', 'EXEC', b'*3\r\n+OK\r\n_\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nm\r\n'),
    ('A', 'CLIENT TRACKING off', b'+OK\r\n'),
    ('C', 'CLIENT ID', b':5\r\n'),
    ('A', 'CLIENT TRACKING on REDIRECT 5', b'+OK\r\n'),
    ('A', 'GET g', b'_\r\n'),
    ('C', '<close>', b''),
    ('A', 'SET g 1', b'+OK\r\n>2\r\n$21\r\ntracking-redir-broken\r\n:5\r\n'),
    ('A', 'CLIENT TRACKINGINFO', b'%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:5\r\n$8\r\nprefixes\r\n*0\r\n'),
    ('A', 'CLIENT INFO', b'flags=tR redir=5'),
    ('B', 'CLIENT INFO', b'flags=N redir=-1'),
    ('B', 'CLIENT TRACKING on REDIRECT 6', b'+OK\r\n'),
    ('B', 'GET h', b'$-1\r\n'),
    ('D', '<close>', b''),
    ('A', 'SET h 1', b'+OK\r\n'),
    ('B', '<read>', b''),
    ('A', 'CLIENT INFO', b'flags=tR redir=5'),
    ('B', 'CLIENT INFO', b'flags=tR redir=6'),
    ('B', 'CLIENT TRACKINGINFO', b'*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:6\r\n$8\r\nprefixes\r\n*0\r\n'),
]

_FLUSH_FREE = [
    ('A', 'HELLO 3', b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ('A', 'CLIENT TRACKING on', b'+OK\r\n'),
    ('A', 'MGET k0 k1 k2 k3 k4 k5 k6 k7 k8 k9 k10 k11 k12 k13 k14 k15 k16 k17 k18 k19 k20 k21 k22 k23 k24 k25 k26 k27 k28 k29 k30 k31 k32 k33 k34 k35 k36 k37 k38 k39 k40 k41 k42 k43 k44 k45 k46 k47 k48 k49 k50 k51 k52 k53 k54 k55 k56 k57 k58 k59 k60 k61 k62 k63 k64 k65 k66 k67 k68 k69 k70 k71 k72 k73 k74 k75 k76 k77 k78 k79 k80 k81 k82 k83 k84 k85 k86 k87 k88 k89 k90 k91 k92 k93 k94 k95 k96 k97 k98 k99', b'*100\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n'),
    ('B', 'FLUSHALL SYNC', b'+OK\r\n'),
    ('B', 'INFO memory', b'lazyfree_pending_objects:0 lazyfreed_objects:0'),
    ('A', 'MGET k0 k1 k2 k3 k4 k5 k6 k7 k8 k9 k10 k11 k12 k13 k14 k15 k16 k17 k18 k19 k20 k21 k22 k23 k24 k25 k26 k27 k28 k29 k30 k31 k32 k33 k34 k35 k36 k37 k38 k39 k40 k41 k42 k43 k44 k45 k46 k47 k48 k49 k50 k51 k52 k53 k54 k55 k56 k57 k58 k59 k60 k61 k62 k63 k64 k65 k66 k67 k68 k69 k70 k71 k72 k73 k74 k75 k76 k77 k78 k79 k80 k81 k82 k83 k84 k85 k86 k87 k88 k89 k90 k91 k92 k93 k94 k95 k96 k97 k98 k99', b'>2\r\n$10\r\ninvalidate\r\n_\r\n*100\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n'),
    ('B', 'FLUSHALL ASYNC', b'+OK\r\n'),
    ('B', 'INFO memory', b'lazyfree_pending_objects:0 lazyfreed_objects:100'),
    ('A', '<read>', b'>2\r\n$10\r\ninvalidate\r\n_\r\n'),
]

_CONNECTION = [
    ('A', 'PING', b'+PONG\r\n'),
    ('A', 'PING hello', b'$5\r\nhello\r\n'),
    ('A', 'PING a b', b"-ERR wrong number of arguments for 'ping' command\r\n"),
    ('A', 'SELECT 0', b'+OK\r\n'),
    ('A', 'SELECT 2147483647', b'-ERR DB index is out of range\r\n'),
    ('A', 'SELECT 2147483648', b'-ERR value is out of range, value must between -2147483648 and 2147483647\r\n'),
    ('A', 'SELECT -2147483648', b'-ERR DB index is out of range\r\n'),
    ('A', 'SELECT -2147483649', b'-ERR value is out of range, value must between -2147483648 and 2147483647\r\n'),
    ('A', 'SELECT -1', b'-ERR DB index is out of range\r\n'),
    ('A', 'SELECT 4294967296', b'-ERR value is out of range, value must between -2147483648 and 2147483647\r\n'),
    ('A', 'SELECT 15', b'+OK\r\n'),
    ('A', 'SELECT 16', b'-ERR DB index is out of range\r\n'),
    ('A', 'HELLO 3 SETNAME', b"-ERR Syntax error in HELLO option 'SETNAME'\r\n"),
    ('A', 'HELLO 3 AUTH default', b"-ERR Syntax error in HELLO option 'AUTH'\r\n"),
    ('A', 'HELLO 3 SETNAME x SETNAME', b"-ERR Syntax error in HELLO option 'SETNAME'\r\n"),
    ('A', 'CLIENT GETNAME', b'$1\r\nx\r\n'),
    ('A', 'SUBSCRIBE ch', b'*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'),
    ('A', 'PING', b'*2\r\n$4\r\npong\r\n$0\r\n\r\n'),
    ('A', 'PING hello', b'*2\r\n$4\r\npong\r\n$5\r\nhello\r\n'),
    ('A', 'RESET', b'+RESET\r\n'),
    ('A', 'HELLO 3', b'%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n'),
    ('A', 'SUBSCRIBE ch', b'>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'),
    ('A', 'PING', b'+PONG\r\n'),
    ('A', 'PING hello', b'$5\r\nhello\r\n'),
    ('A', 'PING a b', b"-ERR wrong number of arguments for 'ping' command\r\n"),
    ('A', 'RESET', b'+RESET\r\n'),
    ('A', 'ACL SETUSER bob on >pw ~* +@all', b'+OK\r\n'),
    ('A', 'AUTH bob pw', b'+OK\r\n'),
    ('A', 'ACL WHOAMI', b'$3\r\nbob\r\n'),
    ('A', 'RESET', b'+RESET\r\n'),
    ('A', 'ACL WHOAMI', b'$7\r\ndefault\r\n'),
]

_LONG_DOUBLE = [
    ('A', 'INCRBYFLOAT k0 18446744073709551615.5', b'$20\r\n18446744073709551616\r\n'),
    ('A', 'INCRBYFLOAT k1 18446744073709551614.5', b'$20\r\n18446744073709551614\r\n'),
    ('A', 'INCRBYFLOAT k2 -18446744073709551615.5', b'$21\r\n-18446744073709551616\r\n'),
    ('A', 'INCRBYFLOAT k3 0.000003814697265625', b'$19\r\n0.00000381469726562\r\n'),
    ('A', 'INCRBYFLOAT k4 0.000011444091796875', b'$19\r\n0.00001144409179688\r\n'),
    ('A', 'INCRBYFLOAT k5 0.000019073486328125', b'$19\r\n0.00001907348632812\r\n'),
    ('A', 'INCRBYFLOAT k6 0.000026702880859375', b'$19\r\n0.00002670288085938\r\n'),
    ('A', 'INCRBYFLOAT k7 -0.000003814697265625', b'$20\r\n-0.00000381469726562\r\n'),
    ('A', 'INCRBYFLOAT k8 -0.000026702880859375', b'$20\r\n-0.00002670288085938\r\n'),
    ('A', 'INCRBYFLOAT k9 1.23456789012345678', b'$19\r\n1.23456789012345678\r\n'),
    ('A', 'INCRBYFLOAT k10 0.1', b'$3\r\n0.1\r\n'),
    ('A', 'INCRBYFLOAT k11 2.5', b'$3\r\n2.5\r\n'),
    ('A', 'INCRBYFLOAT k12 1e-17', b'$19\r\n0.00000000000000001\r\n'),
    ('A', 'INCRBYFLOAT k13 5e-18', b'$1\r\n0\r\n'),
    ('A', 'INCRBYFLOAT k14 1.5e-17', b'$19\r\n0.00000000000000002\r\n'),
    ('A', 'INCRBYFLOAT k15 3.3', b'$3\r\n3.3\r\n'),
    ('A', 'INCRBYFLOAT k16 -7.77777777777777777', b'$20\r\n-7.77777777777777777\r\n'),
    ('A', 'SET i inf', b'+OK\r\n'),
    ('A', 'INCRBYFLOAT i inf', b'-ERR increment would produce NaN or Infinity\r\n'),
    ('A', 'INCRBYFLOAT i -inf', b'-ERR increment would produce NaN or Infinity\r\n'),
    ('A', 'HSET h f inf', b':1\r\n'),
    ('A', 'HINCRBYFLOAT h f inf', b'-ERR value is NaN or Infinity\r\n'),
    ('A', 'HINCRBYFLOAT h g 18446744073709551615.5', b'$20\r\n18446744073709551616\r\n'),
    ('A', 'HINCRBYFLOAT h g 0.000003814697265625', b'$20\r\n18446744073709551616\r\n'),
    # string2ld: a 5120-byte argument does not fit its buffer; 5119 bytes do
    ("A", "INCRBYFLOAT z " + "0" * 5119 + "1", b"-ERR value is not a valid float\r\n"),
    ("A", "INCRBYFLOAT y " + "0" * 5118 + "1", b"$1\r\n1\r\n"),
]

_FAILOVER_OPTIONS = [
    ('A', 'FAILOVER ABORT', b'-ERR No failover in progress.\r\n'),
    ('A', 'FAILOVER abort x', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER', b'-ERR FAILOVER requires connected replicas.\r\n'),
    ('A', 'FAILOVER TIMEOUT', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER TIMEOUT 0', b'-ERR FAILOVER timeout must be greater than 0\r\n'),
    ('A', 'FAILOVER TIMEOUT -1', b'-ERR FAILOVER timeout must be greater than 0\r\n'),
    ('A', 'FAILOVER TIMEOUT 1', b'-ERR FAILOVER requires connected replicas.\r\n'),
    ('A', 'FAILOVER TIMEOUT x', b'-ERR value is not an integer or out of range\r\n'),
    ('A', 'FAILOVER TIMEOUT 5 TIMEOUT 6', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER TO', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER TO h', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER TO h x', b'-ERR value is not an integer or out of range\r\n'),
    ('A', 'FAILOVER TO h 1', b'-ERR FAILOVER requires connected replicas.\r\n'),
    ('A', 'FAILOVER TO h 1 TO h 2', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER FORCE', b'-ERR FAILOVER requires connected replicas.\r\n'),
    ('A', 'FAILOVER FORCE FORCE', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER TO h 1 TIMEOUT 5 FORCE', b'-ERR FAILOVER requires connected replicas.\r\n'),
    ('A', 'FAILOVER bogus', b'-ERR syntax error\r\n'),
    ('A', 'FAILOVER TIMEOUT 5 x', b'-ERR syntax error\r\n'),
]

_MIGRATE_NO_TARGET = [
    ("A", "SET k v", b"+OK\r\n"),
    ("A", "MIGRATE 127.0.0.255 1 k 0 300", b"-IOERR error or timeout writing to target instance\r\n"),
    ("A", "MIGRATE 127.0.0.256 1 k 0 300", b"-IOERR error or timeout connecting to the client\r\n"),
    ("A", "MIGRATE ::1 1 k 0 300", b"-IOERR error or timeout writing to target instance\r\n"),
    ("A", "MIGRATE localhost 1 k 0 300", b"-IOERR error or timeout writing to target instance\r\n"),
    ("A", "MIGRATE 1.2.3.4.5 1 k 0 300", b"-IOERR error or timeout connecting to the client\r\n"),
]


def _shown(line: str, reply: bytes) -> bytes:
    """What a table keeps of ``reply``: CLIENT INFO's flags and redir, INFO's tracking and
    lazy free lines (the other fields depend on time and addresses)."""
    if line.upper().startswith("INFO"):
        return b" ".join(ln for ln in reply.split(b"\r\n")
                         if b"tracking" in ln or b"lazyfree" in ln or b"failed_calls" in ln)
    if line.upper().startswith("CLIENT INFO"):
        return b" ".join(re.findall(rb"(?:flags|redir)=\S*", reply))
    return reply


class World:
    """A spec server and its connections by letter, ids from 3 as on a fresh 7.0.15."""

    def __init__(self) -> None:
        self.state = new_server(T0)
        for _ in range(2):
            self.state, cid = client_connect(self.state, T0)
            self.state = client_disconnect(self.state, cid)
        self.ids: dict[str, int] = {}

    def cid(self, who: str) -> int:
        if who not in self.ids:
            self.state, self.ids[who] = client_connect(self.state, T0)
        return self.ids[who]

    def call(self, who: str, line: str) -> bytes:
        """Client ``who`` sends ``line`` (or reads, or closes): what it has been sent."""
        cid = self.cid(who)
        if line == "<close>":
            self.state = client_disconnect(self.state, cid)
            return b""
        if line != "<read>":
            argv = [codecs.escape_decode(a.encode())[0] for a in shlex.split(line)]
            self.state, _ = client_input(self.state, cid, encode_request(argv), T0, 0)
            self.state, _ = before_sleep(self.state, T0)
        c = self.state.clients[cid]
        got = bytes(c.reply)
        self.state = client_wrote(self.state, cid, len(got))
        return _shown(line, got)


def _replay(script: list[tuple[str, str, bytes]], w: World | None = None) -> World:
    w = w if w is not None else World()
    for who, line, want in script:
        try:
            got = w.call(who, line)
        except Exception as e:  # a planted bug may crash the spec: that is a failure too
            raise AssertionError(f"{NAME}: {who}: {line}: the spec raised {e!r}") from e
        assert got == want, f"{NAME}: {who}: {line}: spec {got!r}, redis 7.0.15 {want!r}"
    return w


def check_options() -> None:
    """CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO at their edges (``_OPTIONS``)."""
    _replay(_OPTIONS)


def check_collision_goes_on() -> None:
    """The error-then-OK of a collision between new prefixes past the first (``_GOES_ON``),
    and the call counted failed (``cmdstat_client|tracking: ... failed_calls=1``)."""
    w = World()
    _replay(_GOES_ON[:1], w)
    stats = w.call("A", "INFO commandstats")
    assert b"rejected_calls=0,failed_calls=1" in stats, f"{NAME}: commandstats {stats!r}"
    _replay(_GOES_ON[1:], w)


def check_delivery() -> None:
    """Who is told what, default mode (``_DELIVERY``)."""
    _replay(_DELIVERY)


def check_bcast() -> None:
    """BCAST, flushes, MULTI, broken redirections (``_BCAST``)."""
    _replay(_BCAST)


def check_flush_free() -> None:
    """The tracking table freed in the background by an asynchronous flush only, and at once
    by DEBUG LOADAOF's ``emptyData`` (``_FLUSH_FREE``, then a direct call)."""
    w = _replay(_FLUSH_FREE)
    _replay(_FLUSH_FREE[2:3], w)  # A reads the 100 keys again
    t = w.state.tracking
    assert len(t.table) == 100, f"{NAME}: setup: {len(t.table)} keys tracked"
    before = w.state.stats.lazyfreed_objects
    s = Step(w.state, T0, w.ids["B"])
    aofload._empty_data(s)
    state = s.commit()
    got = state.stats.lazyfreed_objects - before
    assert got == 0, f"{NAME}: DEBUG LOADAOF freed a 100-key tracking table lazily ({got})"
    assert not state.tracking.table, f"{NAME}: DEBUG LOADAOF kept the tracking table"


def check_connection() -> None:
    """PING, SELECT, HELLO and RESET at their edges (``_CONNECTION``)."""
    _replay(_CONNECTION)


def check_long_double() -> None:
    """INCRBYFLOAT / HINCRBYFLOAT at long double's edges (``_LONG_DOUBLE``)."""
    _replay(_LONG_DOUBLE)


def check_failover_options() -> None:
    """FAILOVER's option parsing and ABORT with no failover (``_FAILOVER_OPTIONS``)."""
    _replay(_FAILOVER_OPTIONS)


def check_failover_to_and_abort() -> None:
    """FAILOVER TO r1 ends with m following r1; aborted in progress, m is a master again."""
    from redspec.properties.test_failover_world import Record, attach, settle
    from redspec.spec import replnet as N
    from redspec.spec.state import FAILOVER_IN_PROGRESS

    rec = Record()
    w = attach(rec)
    w = rec.send(w, "m", b"FAILOVER", b"TO", *N.address_of("r1"))
    f = w.nodes["m"].state.repl.failover  # type: ignore[union-attr]
    assert f is not None and f.state == FAILOVER_IN_PROGRESS, (
        f"{NAME}: FAILOVER TO an in-sync replica: {f}")
    aborted = N.command(w, "m", b"FAILOVER", b"ABORT")
    m = aborted.nodes["m"].state
    assert m is not None and m.repl.failover is None and m.repl.masterhost is None, (
        f"{NAME}: FAILOVER ABORT in progress left {m.repl.masterhost if m else m}")
    for _ in range(30):
        w = settle(N.tick(w, 100), rec)
        if w.nodes["m"].state.repl.failover is None:  # type: ignore[union-attr]
            break
    m = w.nodes["m"].state
    assert m is not None and m.repl.masterhost == "r1", (
        f"{NAME}: FAILOVER TO r1 ended with m following {m.repl.masterhost if m else m}")


def check_migrate_no_target() -> None:
    """MIGRATE where nothing listens: which hosts connect (``_MIGRATE_NO_TARGET``)."""
    _replay(_MIGRATE_NO_TARGET)


def check_migrate_model_net() -> None:
    """MIGRATE through the model world: a move over one connection, and a paused target's
    read timeout answered without a retry (one connection)."""
    from redspec.spec.migratenet import ModelNet
    from redspec.spec.server import output_for

    def run(st: Any, cid: int, *argv: bytes, port: Any = None) -> tuple[Any, bytes]:
        st, eff = client_input(st, cid, encode_request(list(argv)), T0, None, busy_port=port)
        return st, output_for(eff, cid)

    src, a = client_connect(new_server(T0), T0)
    src, _ = run(src, a, b"MSET", b"k", b"v", b"k2", b"w")
    net = ModelNet(T0)
    net.add(b"127.0.0.1", b"7000", new_server(T0))
    src, got = run(src, a, b"MIGRATE", b"127.0.0.1", b"7000", b"k", b"0", b"300", port=net)
    t = net.node(b"127.0.0.1", b"7000")
    assert got == b"+OK\r\n" and t.dbs[0].keys.get(b"k") == b"v", f"{NAME}: MIGRATE: {got!r}"
    assert net.connects == 1 and t.stats.total_connections_received == 1, (
        f"{NAME}: one MIGRATE, {net.connects} connections "
        f"({t.stats.total_connections_received} received)")
    src, got = run(src, a, b"MIGRATE", b"nowhere", b"7000", b"k2", b"0", b"300", port=net)
    want = b"-IOERR error or timeout connecting to the client\r\n"
    assert got == want, f"{NAME}: MIGRATE to a host the world does not have: {got!r}"
    paused, b = client_connect(new_server(T0), T0)
    paused, got = run(paused, b, b"CLIENT", b"PAUSE", b"3000", b"WRITE")
    assert got == b"+OK\r\n", f"{NAME}: setup: {got!r}"
    net.add(b"127.0.0.1", b"7001", paused)
    src, got = run(src, a, b"MIGRATE", b"127.0.0.1", b"7001", b"k2", b"0", b"300", port=net)
    want = b"-IOERR error or timeout reading to target instance\r\n"
    assert got == want, f"{NAME}: MIGRATE to a paused target: {got!r}"
    t = net.node(b"127.0.0.1", b"7001")
    assert net.connects == 2 and t.stats.total_connections_received == 2, (
        f"{NAME}: a timed-out MIGRATE retried: {net.connects} connections "
        f"({t.stats.total_connections_received} received by the paused target)")


CHECKS = [check_options, check_collision_goes_on, check_delivery, check_bcast,
          check_flush_free, check_connection, check_long_double, check_failover_options,
          check_failover_to_and_abort, check_migrate_no_target, check_migrate_model_net]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_mclient(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("func,old,new,check", [
    ("check_prefix_collisions", "prefixes[i + 1:]", "prefixes[i + 2:]", check_options),
    ("_text", "nul < 0", "nul <= 0", check_options),
    ("enable_tracking", "s.tracking_on = True", "s.tracking_on = False", check_bcast),
    ("disable_tracking", 'if "tracking_bcast" in c.flags:', 'if "tracking_bcast" not in c.flags:',
     check_bcast),
    ("disable_tracking", "tracking_redirect=-1,", "tracking_redirect=-0,", check_options),
    ("disable_tracking", "tracking_redirect=-1,", "tracking_redirect=-2,", check_options),
    ("remember_keys", 'caching = "tracking_caching" in f', 'caching = "tracking_caching" not in f',
     check_delivery),
    ("remember_keys", '("tracking_optout" in f and caching)',
     '("tracking_optout" not in f and caching)', check_delivery),
    ("remember_keys", "elif cid not in ids:", "elif cid in ids:", check_delivery),
    ("remember_keys", "ids | {cid})\n            items += 1", "ids | {cid})\n            items += 0",
     check_delivery),
    ("remember_keys", "ids | {cid})\n            items += 1", "ids | {cid})\n            items += 2",
     check_delivery),
    ("_message", "if resp > 2:", "if resp >= 2:", check_delivery),
    ("send_tracking_message", "if r is None or", "if r is not None or", check_delivery),
    ("send_tracking_message", 'if "tracking_broken_redir" not in target.flags:',
     'if "tracking_broken_redir" in target.flags:', check_delivery),
    ("send_tracking_message", "if target.resp > 2:", "if target.resp >= 2:", check_bcast),
    ("send_tracking_message", '"pubsub" in to.flags', '"pubsub" not in to.flags', check_delivery),
    ("send_tracking_message", "_message(payload, to.resp, False)",
     "_message(payload, to.resp, True)", check_delivery),
    ("_set_flags", "if c.id == s.client.id:", "if c.id != s.client.id:", check_bcast),
    ("invalidate_key", "cid == modifier", "cid != modifier", check_delivery),
    ("invalidate_on_flush", "lazy: bool = False", "lazy: bool = True", check_flush_free),
    ("invalidate_on_flush", "if c.id == me and s.cmd is not None:",
     "if c.id == me and s.cmd is None:", check_bcast),
    ("_broadcast_payload", "who != exclude", "who == exclude", check_bcast),
    ("broadcast_invalidations", 'if "tracking_noloop" in c.flags:',
     'if "tracking_noloop" not in c.flags:', check_bcast),
    ("broadcast_invalidations", "if adhoc is not None:", "if adhoc is None:", check_bcast),
])
def test_planted_tracking(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                          check: Any) -> None:
    plant_everywhere(monkeypatch, tracking, func, old, new)
    _trips(check)


def _plant_client_sub(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    """Plant in a CLIENT subcommand's handler and serve the planted one."""
    fn = plant(monkeypatch, caching, func, old, new)
    sub = func.split("_", 1)[1].encode()
    table = dispatch.TABLE[b"client"].subcommands
    monkeypatch.setitem(table, sub, attrs.evolve(table[sub], handler=fn))


@pytest.mark.parametrize("func,old,new,check", [
    ("client_tracking", "more = len(argv) - 1 - j", "more = len(argv) - j", check_options),
    ("client_tracking", "j += 1\n            if redir", "j += 0\n            if redir", check_options),
    ("client_tracking", "j += 1\n            if redir", "j += 2\n            if redir", check_options),
    ("client_tracking", "if redir != 0:", "if redir == 0:", check_options),
    ("client_tracking", "if n is None:", "if n is not None:", check_options),
    ("client_tracking", "if n not in s.clients and", "if n in s.clients and", check_options),
    ("client_tracking", "and n != s.client.id:", "and n == s.client.id:", check_options),
    ("client_tracking", '("tracking_bcast" in c.flags) != bcast',
     '("tracking_bcast" in c.flags) == bcast', check_options),
    ("client_tracking", '("tracking_bcast" in c.flags) != bcast',
     '("tracking_bcast" not in c.flags) != bcast', check_options),
    ("client_tracking", '"tracking_optout"} <= options', '"tracking_optout"} < options',
     check_options),
    ("client_tracking", 'if ("tracking_optin" in options and',
     'if ("tracking_optin" not in options and', check_options),
    ("client_tracking", 'and "tracking_optout" in c.flags)', 'and "tracking_optout" not in c.flags)',
     check_options),
    ("client_tracking", '"tracking_optout" in options and "tracking_optin"',
     '"tracking_optout" not in options and "tracking_optin"', check_options),
    ("client_tracking", 'and "tracking_optin" in c.flags)', 'and "tracking_optin" not in c.flags)',
     check_options),
    ("client_tracking", "if not collision[1]:", "if collision[1]:", check_collision_goes_on),
    ("client_caching", 'if "tracking" not in f:', 'if "tracking" in f:', check_options),
    ("client_caching", 'if opt == b"yes":', 'if opt != b"yes":', check_options),
    ("client_caching", 'if "tracking_optin" not in f:', 'if "tracking_optin" in f:', check_options),
    ("client_caching", 'elif opt == b"no":', 'elif opt != b"no":', check_options),
    ("client_caching", 'if "tracking_optout" not in f:', 'if "tracking_optout" in f:',
     check_options),
    ("client_getredir", '"tracking" in c.flags', '"tracking" not in c.flags', check_options),
    ("client_getredir", "else -1", "else -0", check_options),
    ("client_getredir", "else -1", "else -2", check_options),
    ("client_trackinginfo", 'if "tracking" not in f:', 'if "tracking" in f:', check_options),
    ("client_trackinginfo", 'if "tracking_bcast" in f:', 'if "tracking_bcast" not in f:',
     check_options),
    ("client_trackinginfo", 'if "tracking_optin" in f:', 'if "tracking_optin" not in f:',
     check_options),
    ("client_trackinginfo", 'flags.append(b"optin")\n            if "tracking_caching" in f:',
     'flags.append(b"optin")\n            if "tracking_caching" not in f:', check_options),
    ("client_trackinginfo", 'if "tracking_optout" in f:', 'if "tracking_optout" not in f:',
     check_options),
    ("client_trackinginfo", 'flags.append(b"optout")\n            if "tracking_caching" in f:',
     'flags.append(b"optout")\n            if "tracking_caching" not in f:', check_options),
    ("client_trackinginfo", 'if "tracking_noloop" in f:', 'if "tracking_noloop" not in f:',
     check_options),
    ("client_trackinginfo", 'if "tracking_broken_redir" in f:',
     'if "tracking_broken_redir" not in f:', check_delivery),
    ("client_trackinginfo", 'if "tracking" in f else -1', 'if "tracking" not in f else -1',
     check_options),
    ("client_trackinginfo", 'if "tracking" in f else -1', 'if "tracking" in f else -0',
     check_options),
    ("client_trackinginfo", 'if "tracking" in f else -1', 'if "tracking" in f else -2',
     check_options),
])
def test_planted_caching(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                         check: Any) -> None:
    _plant_client_sub(monkeypatch, func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new", [
    ("ping", "if len(argv) > 2:", "if len(argv) >= 2:"),
    ("ping", "s.client.resp == 2:", "s.client.resp != 2:"),
    ("ping", 'b"" if len(argv) == 1 else argv[1]]', 'b"" if len(argv) != 1 else argv[1]]'),
    ("ping", 'b"" if len(argv) == 1 else argv[1]]', 'b"" if len(argv) == 0 else argv[1]]'),
    ("ping", 'b"" if len(argv) == 1 else argv[1]]', 'b"" if len(argv) == 2 else argv[1]]'),
    ("ping", 'b"" if len(argv) == 1 else argv[1]]', 'b"" if len(argv) == 1 else argv[0]]'),
    ("ping", 'b"" if len(argv) == 1 else argv[1]]', 'b"" if len(argv) == 1 else argv[2]]'),
    ("ping", "return PONG if len(argv) == 1 else argv[1]", "return PONG if len(argv) == 1 else argv[0]"),
    ("ping", "return PONG if len(argv) == 1 else argv[1]", "return PONG if len(argv) == 1 else argv[2]"),
    ("select", "if not -(1 << 31) <= i < (1 << 31):", "if not -(1 << 31) < i < (1 << 31):"),
    ("select", "if not -(1 << 31) <= i < (1 << 31):", "if not -(1 << 31) <= i <= (1 << 31):"),
    ("select", "if not -(1 << 31) <= i < (1 << 31):", "if not -(0 << 31) <= i < (1 << 31):"),
    ("select", "if not -(1 << 31) <= i < (1 << 31):", "if not -(2 << 31) <= i < (1 << 31):"),
    ("select", "if not -(1 << 31) <= i < (1 << 31):", "if not -(1 << 31) <= i < (2 << 31):"),
    ("select", "if not 0 <= i < s.db_count():", "if not 0 < i < s.db_count():"),
    ("hello", 'elif low == b"setname" and more >= 1:', 'elif low == b"setname" and more >= 0:'),
    ("reset", 'if c.user != "default":', 'if c.user == "default":'),
])
def test_planted_connection(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import connection
    replace_handler(monkeypatch, func.encode(), plant(monkeypatch, connection, func, old, new))
    _trips(check_connection)


@pytest.mark.parametrize("func,old,new", [
    ("round_ld", "m >>= 1", "m >>= 0"),
    ("round_ld", "m >>= 1", "m >>= 2"),
    ("round_ld", "m >>= 1\n        e += 1", "m >>= 1\n        e += 2"),
    ("strtold", "n >= MAX_LONG_DOUBLE_CHARS", "n > MAX_LONG_DOUBLE_CHARS"),
    ("ld_format_human", "if twice > scaled.denominator", "if twice >= scaled.denominator"),
    ("ld_format_human", "(twice == scaled.denominator and", "(twice != scaled.denominator and"),
    ("ld_format_human", "and q & 1)", "and q & 0)"),
    ("ld_format_human", "and q & 1)", "and q & 2)"),
])
def test_planted_long_double(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.spec import longdouble
    plant_everywhere(monkeypatch, longdouble, func, old, new)
    _trips(check_long_double)


@pytest.mark.parametrize("func,old,new,check", [
    ("_parse", "j + 1 < len(argv)", "j + 1 <= len(argv)", check_failover_options),
    ("_parse", "j + 1 < len(argv)", "j < len(argv)", check_failover_options),
    ("_parse", "if v <= 0:", "if v < 0:", check_failover_options),
    ("_parse", "j + 2 < len(argv)", "j + 2 <= len(argv)", check_failover_options),
    ("failover_command", 'argv[1].lower() == b"abort"', 'argv[1].lower() != b"abort"',
     check_failover_options),
    ("failover_command", 'argv[1].lower() == b"abort"', 'argv[0].lower() == b"abort"',
     check_failover_options),
    ("failover_command", 'argv[1].lower() == b"abort"', 'argv[2].lower() == b"abort"',
     check_failover_options),
    ("failover_command", "if r.failover is None:", "if r.failover is not None:",
     check_failover_options),
    ("failover_command", "port if host is not None else 0", "port if host is None else 0",
     check_failover_to_and_abort),
    ("abort_failover", "if f.state == FAILOVER_IN_PROGRESS:", "if f.state != FAILOVER_IN_PROGRESS:",
     check_failover_to_and_abort),
    ("update_failover_status", "target.info.repl is not None", "target.info.repl is None",
     check_failover_to_and_abort),
])
def test_planted_failover(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str,
                          check: Any) -> None:
    from redspec.spec import failover
    plant_everywhere(monkeypatch, failover, func, old, new)
    _trips(check)


@pytest.mark.parametrize("func,old,new", [
    ("_ip_literal", "int(p) < 256", "int(p) <= 256"),
    ("_ip_literal", 'return ":" in h and', 'return ":" not in h and'),
    ("_ip_literal", 'c in "0123456789abcdef:."', 'c not in "0123456789abcdef:."'),
])
def test_planted_migrate(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.spec import migrate
    plant(monkeypatch, migrate, func, old, new)
    _trips(check_migrate_no_target)


@pytest.mark.parametrize("func,old,new", [
    ("migrate_connect", "self.connects += 1", "self.connects += 2"),
    ("migrate_exchange", "timed_out=True)", "timed_out=False)"),
    ("migrate_connect", "return False", "return True"),
])
def test_planted_migratenet(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    from redspec.spec.migratenet import ModelNet
    src = __import__("inspect").getsource(getattr(ModelNet, func))
    assert src.count(old) == 1, (func, old)
    lines = [ln[4:] for ln in src.replace(old, new).splitlines()]
    ns: dict[str, Any] = {}
    mod = __import__("sys").modules[ModelNet.__module__]
    exec(compile("\n".join(lines), mod.__file__, "exec"), mod.__dict__, ns)  # noqa: S102
    monkeypatch.setattr(ModelNet, func, ns[func])
    _trips(check_migrate_model_net)
