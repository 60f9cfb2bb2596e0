"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
dump and loading modules (issue #22, ``tools/mutation.py``): ``spec/commands/dump.py``,
``spec/loading.py``, ``spec/rdbstream.py``, ``spec/digest.py``, ``spec/startup.py``, in the
pattern of ``properties/test_boundary_streams.py``: each check puts a 7.0.15 rule exactly on
its boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_mload_agrees_with_redis``. The reply tables were recorded from
redis-server 7.0.15 (RESP2, ``enable-debug-command yes``) and are replayed here through the
spec byte for byte:

- ``_RESTORE_OPTS`` (``restoreCommand``'s option loop): IDLETIME / FREQ as the last argument
  (no value: a syntax error), IDLETIME 0 and FREQ 0 / 255 taken, 256 and -1 refused, the word
  after an option's value still parsed (``j++`` past the value only), IDLETIME with FREQ
  refused either way round. ``$P`` is the DUMP payload of the string ``1``.
- RESTORE ... ABSTTL at exactly the command's time: ``checkAlreadyExpired`` is
  ``when <= mstime()``, so the key is not added (a clock-dependent rule: replayed with the
  spec's clock set, not recorded).
- DEBUG RELOAD (``rdbSave`` sets ``lastbgsave_status = C_OK``): INFO's
  ``rdb_last_bgsave_status:ok`` after it.
- ``_DEBUG_OBJECT``: DEBUG OBJECT of a list with plain nodes
  (``DEBUG QUICKLIST-PACKED-THRESHOLD 16``): ``ql_uncompressed_size`` adds each plain node's
  element size (``node->sz``); the address and LRU fields are left out (the spec's address
  is a stand-in, its clock not Redis's).
- ``_DEBUG_REPR``: DEBUG LISTPACK / DEBUG QUICKLIST replies (arity, missing key, wrong
  encoding) and, per call, the stdout Redis printed (``lpRepr``, ``quicklistRepr`` with and
  without ``full``) as (lines, CRC-64) without the ``addr:`` lines (real pointers) and with
  ``attempted_compress`` masked (``quicklistCreateNode`` leaves it uninitialised: a plain
  node showed 1).
- ``_BGSAVE_AOF_CHILD``: BGSAVE while a BGREWRITEAOF child runs (``rdb-key-save-delay``
  keeps it running): refused without SCHEDULE, scheduled with it.
- ``_STREAM_RESTORES`` (``sanitize-dump-payload yes``): stream payloads written by hand: an
  entry of no fields and a node of no master fields (both taken by 7.0.15: the spec refused
  them before this round), a node cut before its master terminator (Bad data format), a
  negative delivery time and seen time (written back as the same 8 signed bytes), a group's
  ``entries_read`` at 2**63-1 and 2**63 (read as the int64 -2**63); ``_DELTA_2_63``: an
  entry whose ID is 2**63 ms after its node's master ID (the delta written as -2**63).
- ``_BAD_FILES``: redis-check-rdb's report on a file cut inside an old linked list (type
  names: 7.0.15's ``rdb_type_string``, "list-linked" ... where the spec said "list" before
  this round; keys, expires and already expired counted), on a CRC error (and the server's
  log then) and on an unknown type (no "Terminating" line); a TTL of exactly now is neither
  "already expired" for the checker nor dropped by the loader (``expiretime < now``).
- Loading: ``RDB_OPCODE_FREQ`` under LFU (``OBJECT FREQ`` 42, 5 without), a shared integer's
  idle time (the server's start), the AUX log lines, the replication history a replica takes
  from the file (``repl_offset != -1``, ``repl_stream_db != -1``, ``strtoll``), INFO's
  ``loading_eta_seconds`` (1 in the first second, then elapsed x remaining / (loaded + 1)).
- ``_DIGESTS``: DEBUG DIGEST of several keys in two databases.
- ``spec/rdb.py`` and ``spec/rdbcodec.py`` (the fourth round's gaps): DEBUG OBJECT's
  ``ql_listpack_max`` is the fill ``quicklistSetFill`` clamps (32768 -> 32767, -10 -> -5);
  DEBUG QUICKLIST-PACKED-THRESHOLD 0 restores 1 << 30; a hashtable set DUMPs in SMEMBERS's
  order; a zipmap's 64-byte field or value stays listpack, 65 converts (``_HASH_LIMITS``);
  SAVE's RESIZEDB counts the keys with a TTL (``fe 00 fb 03 01``) and a replica writes a past
  TTL as 8 signed bytes; ``RDB_OPCODE_EXPIRETIME`` -5 s is already expired for
  redis-check-rdb; a ziplist string of 2**24 bytes (32-bit length); DEBUG QUICKLIST of a
  plain node holding a NUL (``{ entry : abc }``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.planted import replace_handler
from redspec.properties.test_boundary_rdb import _payload, _rdb_string, _ziplist, _zipmap
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import dispatch, persist, rdb, rdbcodec, rdbstream, server
from redspec.spec import loading as L
from redspec.spec.commands import dump as D
from redspec.spec.commands.registry import DEBUG_SUBCOMMANDS
from redspec.spec.crc64 import crc64, crc64_bytes
from redspec.spec.rdbcodec import listpack_encode, save_len
from redspec.spec.server import new_server

NAME = "boundary_mload_agrees_with_redis"
NOW = 1_700_000_000_000
_DEBUG_ON = {"enable-debug-command": "yes"}

#: DUMP of the string ``1`` on 7.0.15.
_PAYLOAD = b"\x00\xc0\x01\n\x00&x\xe7\xb6\xd1\x01\x11\xfc"
_SYNTAX = b"-ERR syntax error\r\n"

_RESTORE_OPTS = [
    ("RESTORE k 0 $P IDLETIME", _SYNTAX),
    ("RESTORE k 0 $P FREQ", _SYNTAX),
    ("RESTORE k 0 $P IDLETIME 0", b"+OK\r\n"),
    ("DEL k", b":1\r\n"),
    ("RESTORE k 0 $P FREQ 0", b"+OK\r\n"),
    ("DEL k", b":1\r\n"),
    ("RESTORE k 0 $P FREQ 255", b"+OK\r\n"),
    ("DEL k", b":1\r\n"),
    ("RESTORE k 0 $P FREQ 256", b"-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n"),
    ("RESTORE k 0 $P IDLETIME -1", b"-ERR Invalid IDLETIME value, must be >= 0\r\n"),
    ("RESTORE k 0 $P IDLETIME 5 FOO", _SYNTAX),
    ("RESTORE k 0 $P FREQ 5 FOO", _SYNTAX),
    ("RESTORE k 0 $P IDLETIME 5 FREQ 5", _SYNTAX),
    ("RESTORE k 0 $P FREQ 5 IDLETIME 5", _SYNTAX),
    ("RESTORE k 0 $P IDLETIME 5 REPLACE", b"+OK\r\n"),
    ("RESTORE k 0 $P REPLACE IDLETIME 5", b"+OK\r\n"),
    ("DEL k", b":1\r\n"),
]

_DEBUG_OBJECT = [
    ("DEBUG QUICKLIST-PACKED-THRESHOLD 16", b"+OK\r\n"),
    ("RPUSH l " + "x" * 20 + " a b " + "y" * 30, b":4\r\n"),
    ("DEBUG OBJECT l", b"encoding:quicklist serializedlength:51 ql_nodes:3 ql_avg_node:1.33 "
                       b"ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:63"),
    ("RPUSH m a b c", b":3\r\n"),
    ("DEBUG OBJECT m", b"encoding:quicklist serializedlength:19 ql_nodes:1 ql_avg_node:3.00 "
                       b"ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16"),
    # the fill as ``quicklistSetFill`` clamps it (FILL_MAX = 2**15-1, at least -5)
    ("CONFIG SET list-max-listpack-size 32768", b"+OK\r\n"),
    ("RPUSH n a", b":1\r\n"),
    ("DEBUG OBJECT n", b"encoding:quicklist serializedlength:13 ql_nodes:1 ql_avg_node:1.00 "
                       b"ql_listpack_max:32767 ql_compressed:0 ql_uncompressed_size:10"),
    ("CONFIG SET list-max-listpack-size 32767", b"+OK\r\n"),
    ("RPUSH o a", b":1\r\n"),
    ("DEBUG OBJECT o", b"encoding:quicklist serializedlength:13 ql_nodes:1 ql_avg_node:1.00 "
                       b"ql_listpack_max:32767 ql_compressed:0 ql_uncompressed_size:10"),
    ("CONFIG SET list-max-listpack-size -10", b"+OK\r\n"),
    ("RPUSH p a", b":1\r\n"),
    ("DEBUG OBJECT p", b"encoding:quicklist serializedlength:13 ql_nodes:1 ql_avg_node:1.00 "
                       b"ql_listpack_max:-5 ql_compressed:0 ql_uncompressed_size:10"),
]

_UNKNOWN = "-ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.\r\n"
_LP_PRINTED = b"+Listpack structure printed on stdout\r\n"
_QL_PRINTED = b"+Quicklist structure printed on stdout\r\n"

#: (command, reply, stdout as (lines, CRC-64) without the addr: lines, or None for none).
_DEBUG_REPR: list[tuple[str, bytes, tuple[int, int] | None]] = [
    ("RPUSH m a b c", b":3\r\n", None),
    ("HSET h a 1", b":1\r\n", None),
    ("SET s abc", b"+OK\r\n", None),
    ("DEBUG LISTPACK h", _LP_PRINTED, (23, 0x71A0E43755ED46DF)),
    ("DEBUG LISTPACK s", b"-ERR Not a listpack encoded object.\r\n", None),
    ("DEBUG LISTPACK nokey", b"-ERR no such key\r\n", None),
    ("DEBUG LISTPACK h x", _UNKNOWN.format("LISTPACK").encode(), None),
    ("DEBUG LISTPACK", _UNKNOWN.format("LISTPACK").encode(), None),
    ("DEBUG QUICKLIST m", _QL_PRINTED, (7, 0x1B8EB54A626B783D)),
    ("DEBUG QUICKLIST m 0", _QL_PRINTED, (7, 0x1B8EB54A626B783D)),
    ("DEBUG QUICKLIST m 1", _QL_PRINTED, (43, 0xCDEF75444414DA68)),
    # a plain node (an element of 16 bytes or more) holding a NUL: printed with %s
    ("DEBUG QUICKLIST-PACKED-THRESHOLD 16", b"+OK\r\n", None),
    ("RPUSH q abc\x00defghijklmnopqrstu b", b":2\r\n", None),
    ("DEBUG QUICKLIST q 1", _QL_PRINTED, (27, 0x724BF4AB3407E8B)),
    ("DEBUG QUICKLIST m 1 2", _UNKNOWN.format("QUICKLIST").encode(), None),
    ("DEBUG QUICKLIST", _UNKNOWN.format("QUICKLIST").encode(), None),
    ("DEBUG QUICKLIST s", b"-ERR Not a quicklist encoded object.\r\n", None),
    ("DEBUG QUICKLIST nokey", b"-ERR no such key\r\n", None),
]


def _argv(cmd: str) -> list[bytes]:
    return [_PAYLOAD if a == "$P" else a.encode() for a in cmd.split()]


def _no_crash(f: Any, *args: Any) -> Any:
    """``f(*args)``, an exception turned into this property's failure."""
    try:
        return f(*args)
    except AssertionError:
        raise
    except Exception as e:  # a mutant that crashes the transition fails the check
        raise AssertionError(f"{NAME}: {f.__name__}{args!r:.80}: {type(e).__name__}: {e}") from e


def _replay(c: Session, table: list[tuple[str, bytes]], what: str) -> None:
    for cmd, want in table:
        got = _no_crash(c.call, *_argv(cmd))
        assert got == want, f"{NAME}: {what}: {cmd[:60]!r}: spec {got!r}, Redis {want!r}"


# -- DUMP / RESTORE / DEBUG (spec/commands/dump.py) ----------------------------------------------


def check_restore_options() -> None:
    _replay(Session(NOW), _RESTORE_OPTS, "RESTORE options")


def check_restore_absttl_now() -> None:
    """An ABSTTL equal to the command's time is already expired (``when <= mstime()``): OK
    and no key; one millisecond later the key is added."""
    c = Session(NOW)
    for when, exists in ((NOW, b":0\r\n"), (NOW + 1, b":1\r\n")):
        got = (_no_crash(c.call, b"RESTORE", b"k", when, _PAYLOAD, b"ABSTTL"),
               c.call(b"EXISTS", b"k"))
        assert got == (b"+OK\r\n", exists), f"{NAME}: RESTORE ABSTTL {when - NOW:+d} ms: {got!r}"


def check_debug_reload_status() -> None:
    """DEBUG RELOAD's ``rdbSave`` sets ``lastbgsave_status`` to ok."""
    c = Session(NOW, **_DEBUG_ON)
    c.call(b"SET", b"a", b"1")
    assert _no_crash(c.call, b"DEBUG", b"RELOAD") == b"+OK\r\n", f"{NAME}: DEBUG RELOAD"
    info = c.call(b"INFO", b"persistence")
    assert b"\r\nrdb_last_bgsave_status:ok\r\n" in info, f"{NAME}: INFO after DEBUG RELOAD"


def _object_fields(frame: bytes) -> bytes:
    """DEBUG OBJECT's reply without the address, ``lru`` and ``lru_seconds_idle``."""
    if not frame.startswith(b"+Value at:"):
        return frame
    words = frame[1:-2].split(b" ")
    return b" ".join(w for w in words[3:] if not w.startswith(b"lru"))


def check_debug_object_plain() -> None:
    c = Session(NOW, **_DEBUG_ON)
    for cmd, want in _DEBUG_OBJECT:
        got = _object_fields(_no_crash(c.call, *_argv(cmd)))
        assert got == want, f"{NAME}: {cmd[:40]!r}: spec {got!r}, Redis {want!r}"


def _stdout(c: Session) -> list[bytes]:
    return [op[1] for op in c.state.aof.ops if op[0] == "stdout"]


def check_debug_repr() -> None:
    c = Session(NOW, **_DEBUG_ON)
    for cmd, want, printed in _DEBUG_REPR:
        before = len(_stdout(c))
        got = _no_crash(c.call, *_argv(cmd))
        assert got == want, f"{NAME}: {cmd!r}: spec {got!r}, Redis {want!r}"
        new = _stdout(c)[before:]
        text = re.sub(rb"\taddr: 0x[0-9a-f]+,\n", b"", b"".join(new))
        text = re.sub(rb"attempted_compress: \d+", b"attempted_compress: ?", text)
        shown = (len(text.splitlines()), crc64(text)) if new else None
        assert shown == printed, f"{NAME}: {cmd!r}: stdout {shown!r}, Redis {printed!r}"


# -- BGSAVE while an AOF rewrite runs (spec/commands/dump.py) --------------------------------------

#: 7.0.15, ``rdb-key-save-delay 3000000`` so that the rewrite child is still running.
_OTHER_CHILD = (b"-ERR Another child process is active (AOF?): can't BGSAVE right now. Use "
                b"BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
_BGSAVE_AOF_CHILD = [
    ("SET a 1", b"+OK\r\n"),
    ("BGREWRITEAOF", b"+Background append only file rewriting started\r\n"),
    ("BGSAVE", _OTHER_CHILD),
    ("BGSAVE SCHEDULE", b"+Background saving scheduled\r\n"),
    ("BGSAVE", _OTHER_CHILD),
]


def check_bgsave_with_aof_child() -> None:
    """``bgsaveCommand`` while another child runs: refused without SCHEDULE, scheduled with
    it. The world answers each fork with a child (pid 1000)."""
    state, cid = server.client_connect(server.new_server(NOW), NOW)
    for cmd, want in _BGSAVE_AOF_CHILD:
        st = state
        while True:
            try:
                state, got = server.run_command(st, cid, _argv(cmd), NOW)
                break
            except persist.ForkOutcomeNeeded:
                st = persist.with_fork_outcome(st, 1000, 7)
            except Exception as e:  # a mutant that crashes the transition
                raise AssertionError(f"{NAME}: {cmd!r}: {type(e).__name__}: {e}") from e
        assert got == want, f"{NAME}: {cmd!r}: spec {got!r}, Redis {want!r}"


# -- streams in DUMP payloads (spec/rdbstream.py) ---------------------------------------------------


def _rs(b: bytes) -> bytes:
    return save_len(len(b)) + b


def _key(ms: int, seq: int) -> bytes:
    return ms.to_bytes(8, "big") + seq.to_bytes(8, "big")


_Group = tuple[bytes, tuple[int, int], int, list[tuple[tuple[int, int], int, int]],
               list[tuple[bytes, int, list[tuple[int, int]]]]]


def _stream(nodes: list[tuple[tuple[int, int], list[bytes]]], length: int,
            last: tuple[int, int], groups: tuple[_Group, ...] = ()) -> bytes:
    """An ``RDB_TYPE_STREAM_LISTPACKS_2`` body written by hand: nodes (key, listpack
    elements), length, last ID, first and max-deleted IDs 0-0, entries-added = length, the
    groups (name, last ID, entries-read, PEL (ID, delivery time, count), consumers (name,
    seen time, IDs))."""
    out = save_len(len(nodes))
    for k, els in nodes:
        out += _rs(_key(*k)) + _rs(listpack_encode(els))
    out += save_len(length) + save_len(last[0]) + save_len(last[1]) + bytes(4)
    out += save_len(length) + save_len(len(groups))
    for name, glast, er, pel, cons in groups:
        out += _rs(name) + save_len(glast[0]) + save_len(glast[1]) + save_len(er)
        out += save_len(len(pel))
        for pid, t, cnt in pel:
            out += _key(*pid) + t.to_bytes(8, "little", signed=True) + save_len(cnt)
        out += save_len(len(cons))
        for cname, seen, ids in cons:
            out += _rs(cname) + seen.to_bytes(8, "little", signed=True) + save_len(len(ids))
            out += b"".join(_key(*x) for x in ids)
    return out


def _stream_payload(body: bytes) -> bytes:
    data = b"\x13" + body + (10).to_bytes(2, "little")
    return data + crc64_bytes(data)


#: The master entry of a node: 1 live entry, 0 deleted, master field ``f``, terminator.
_M = [b"1", b"0", b"1", b"f", b"0"]
_ONE = [((0, 1), [*_M, b"2", b"0", b"0", b"v", b"4"])]  # 0-1 f v (SAMEFIELDS)
_STREAMS = {
    "ok": _stream(_ONE, 1, (0, 1)),
    # an entry of no fields: flags 0, ID 0-1, 0 fields, lp-count 4
    "fields0": _stream([((0, 1), [*_M, b"0", b"0", b"0", b"0", b"4"])], 1, (0, 1)),
    # a node of no master fields
    "master0": _stream([((0, 1), [b"1", b"0", b"0", b"0", b"0", b"0", b"0", b"1", b"f", b"v",
                                  b"6"])], 1, (0, 1)),
    # the master entry cut after its field: no terminator
    "truncated": _stream([((0, 1), [b"1", b"0", b"1", b"f"])], 1, (0, 1)),
    # a delivery time and a seen time before 1970 (8 signed bytes each)
    "neg_times": _stream(_ONE, 1, (0, 1), ((b"g", (0, 1), 1, [((0, 1), -5, 2)],
                                            [(b"c", -7, [(0, 1)])]),)),
    "er_2_63m1": _stream(_ONE, 1, (0, 1), ((b"g", (0, 1), (1 << 63) - 1, [], []),)),
    "er_2_63": _stream(_ONE, 1, (0, 1), ((b"g", (0, 1), 1 << 63, [], []),)),
}

#: 7.0.15 with ``sanitize-dump-payload yes`` (redspec always sanitises), ``rdbcompression yes``.
_STREAM_RESTORES = [
    ('DEL s', b':0\r\n'),
    ('RESTORE s 0 $ok', b'+OK\r\n'),
    ('XRANGE s - +', b'*1\r\n*2\r\n$3\r\n0-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'),
    ('DUMP s', b'$68\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x1d\x1d\x00\x00\x00\n\x00\x01\x01\x00\x01\x01\x01\x81f\x02\x00\x01\x02\x01\x00\x01\x00\x01\x81v\x02\x04\x01\xff\x01\x00\x01\x00\x00\x00\x00\x01\x00\n\x00\xe9\xd1\x06y\x8dT\x95\r\r\n'),
    ('XINFO GROUPS s', b'*0\r\n'),
    ('DEL s', b':1\r\n'),
    ('RESTORE s 0 $fields0', b'+OK\r\n'),
    ('XRANGE s - +', b'*1\r\n*2\r\n$3\r\n0-1\r\n*0\r\n'),
    ('DUMP s', b'$67\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x1c\x1c\x00\x00\x00\n\x00\x01\x01\x00\x01\x01\x01\x81f\x02\x00\x01\x00\x01\x00\x01\x00\x01\x00\x01\x04\x01\xff\x01\x00\x01\x00\x00\x00\x00\x01\x00\n\x00\xab k\xd0-\x00 \x99\r\n'),
    ('XINFO GROUPS s', b'*0\r\n'),
    ('XADD s 0-9 a b', b'$3\r\n0-9\r\n'),
    ('XRANGE s - +', b'*2\r\n*2\r\n$3\r\n0-1\r\n*0\r\n*2\r\n$3\r\n0-9\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('DUMP s', b'$79\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xc3&,\x0f,\x00\x00\x00\x11\x00\x02\x01\x00\x01\x01\x01\x81f\x02\x00 \x08\x80\x01\x00\x04`\x07\x00\x08@\x16\x07a\x02\x81b\x02\x06\x01\xff\x02\x00\t\x00\x00\x00\x00\x02\x00\n\x00\x93\n-\xec\x02\xa7\xf5|\r\n'),
    ('DEL s', b':1\r\n'),
    ('RESTORE s 0 $master0', b'+OK\r\n'),
    ('XRANGE s - +', b'*1\r\n*2\r\n$3\r\n0-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'),
    ('DUMP s', b'$66\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xc3\x19\x1f\x08\x1f\x00\x00\x00\x0b\x00\x01\x01\x00\xe0\x02\x01\n\x01\x01\x81f\x02\x81v\x02\x06\x01\xff\x01\x00\x01\x00\x00\x00\x00\x01\x00\n\x00\xec\x10\x0c\xa6\xa82w\xce\r\n'),
    ('XINFO GROUPS s', b'*0\r\n'),
    ('XADD s 0-9 a b', b'$3\r\n0-9\r\n'),
    ('XRANGE s - +', b'*2\r\n*2\r\n$3\r\n0-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$3\r\n0-9\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('DUMP s', b'$79\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xc3&/\x08/\x00\x00\x00\x12\x00\x02\x01\x00\xe0\x02\x01\x08\x01\x01\x81f\x02\x81v\x02\x06`\x13\x00\x08@\x0f\x03a\x02\x81b \x0f\x00\xff\x02\x00\t\x00\x00\x00\x00\x02\x00\n\x00\xf8L\xd8\xf9\xea\xc6\x99/\r\n'),
    ('DEL s', b':1\r\n'),
    ('RESTORE s 0 $truncated', b'-ERR Bad data format\r\n'),
    ('XRANGE s - +', b'*0\r\n'),
    ('DUMP s', b'$-1\r\n'),
    ('XINFO GROUPS s', b'-ERR no such key\r\n'),
    ('DEL s', b':0\r\n'),
    ('RESTORE s 0 $neg_times', b'+OK\r\n'),
    ('XRANGE s - +', b'*1\r\n*2\r\n$3\r\n0-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'),
    ('DUMP s', b'$127\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x1d\x1d\x00\x00\x00\n\x00\x01\x01\x00\x01\x01\x01\x81f\x02\x00\x01\x02\x01\x00\x01\x00\x01\x81v\x02\x04\x01\xff\x01\x00\x01\x00\x00\x00\x00\x01\x01\x01g\x00\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xfb\xff\xff\xff\xff\xff\xff\xff\x02\x01\x01c\xf9\xff\xff\xff\xff\xff\xff\xff\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\n\x00\x0b\xb4\xee\xccF\x14\xfb\xd5\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n'),
    ('DEL s', b':1\r\n'),
    ('RESTORE s 0 $er_2_63m1', b'+OK\r\n'),
    ('XRANGE s - +', b'*1\r\n*2\r\n$3\r\n0-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n'),
    ('DUMP s', b'$83\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x1d\x1d\x00\x00\x00\n\x00\x01\x01\x00\x01\x01\x01\x81f\x02\x00\x01\x02\x01\x00\x01\x00\x01\x81v\x02\x04\x01\xff\x01\x00\x01\x00\x00\x00\x00\x01\x01\x01g\x00\x01\x81\x7f\xff\xff\xff\xff\xff\xff\xff\x00\x00\n\x00\xad\xf3\xb0\xc7d\x01P\xb2\r\n'),
    ('XINFO GROUPS s', b'*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-1\r\n$12\r\nentries-read\r\n:9223372036854775807\r\n$3\r\nlag\r\n:-9223372036854775806\r\n'),
]

#: entries-read 2**63 is read as the int64 -2**63 (the rest of that XINFO reply, the lag, is
#: commands/streams.py's).
_ER_2_63 = b"$12\r\nentries-read\r\n:-9223372036854775808\r\n"

#: 7.0.15, ``rdbcompression no``: an entry 2**63 milliseconds after its node's master ID (the
#: delta written as the int64 -2**63).
_DELTA_2_63 = [
    ("CONFIG SET rdbcompression no", b"+OK\r\n"),
    ("XADD u 1-0 f v", b"$3\r\n1-0\r\n"),
    ("XADD u 9223372036854775809-0 f v", b"$21\r\n9223372036854775809-0\r\n"),
    ("DUMP u", b"$95\r\n\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0000"
               b"\x00\x00\x00\x0f\x00\x02\x01\x00\x01\x01\x01\x81f\x02\x00\x01\x02\x01\x00\x01\x00\x01"
               b"\x81v\x02\x04\x01\x02\x01\xf4\x00\x00\x00\x00\x00\x00\x00\x80\t\x00\x01\x81v\x02\x04\x01"
               b"\xff\x02\x81\x80\x00\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00\x02\x00\n\x00^\xe7w.!T)"
               b"\x1d\r\n"),
]


def _stream_argv(cmd: str) -> list[bytes]:
    return [_stream_payload(_STREAMS[a[1:]]) if a.startswith("$") else a.encode()
            for a in cmd.split()]


def check_stream_payloads() -> None:
    c = Session(NOW)
    for cmd, want in _STREAM_RESTORES:
        got = _no_crash(c.call, *_stream_argv(cmd))
        assert got == want, f"{NAME}: streams: {cmd!r}: spec {got!r}, Redis {want!r}"
    assert c.call(*_stream_argv("RESTORE s 0 $er_2_63 REPLACE")) == b"+OK\r\n", NAME
    got = c.call(b"XINFO", b"GROUPS", b"s")
    assert _ER_2_63 in got, f"{NAME}: entries-read 2**63: {got!r}"
    _replay(c, _DELTA_2_63, "an ID delta of 2**63")


# -- loading (spec/loading.py) -----------------------------------------------------------------------

_HEAD = b"REDIS0010\xfe\x00"


def _s(b: bytes) -> bytes:
    return bytes((len(b),)) + b


def _fc(ms: int) -> bytes:
    """``RDB_OPCODE_EXPIRETIME_MS``."""
    return b"\xfc" + ms.to_bytes(8, "little", signed=True)


def _full(body: bytes) -> bytes:
    body += b"\xff"
    return body + crc64_bytes(body)


def _flip_last_bit(data: bytes) -> bytes:
    return data[:-1] + bytes((data[-1] ^ 1,))


_FUTURE = 1 << 62
#: Bad files and redis-check-rdb 7.0.15's report on each (the first line, naming the file,
#: left out): two string keys with a TTL (one long past) and an old linked list (type 1) cut
#: inside; a file whose CRC-64 has one bit flipped; a key of type 100.
_BAD_FILES = {
    "trunc_list": (
        _HEAD + _fc(1000) + b"\x00" + _s(b"a") + _s(b"1") + _fc(_FUTURE) + b"\x00" + _s(b"b")
        + _s(b"2") + b"\x01" + _s(b"l") + b"\x02" + _s(b"x"),
        ["[offset 11] Selecting DB ID 0", "--- RDB ERROR DETECTED ---",
         "[offset 45] Unexpected EOF reading RDB file",
         "[additional info] While doing: read-object-value", "[additional info] Reading key 'l'",
         "[additional info] Reading type 1 (list-linked)", "[info] 3 keys read",
         "[info] 2 expires", "[info] 1 already expired"]),
    "bad_crc": (
        _flip_last_bit(_full(_HEAD + b"\x00" + _s(b"a") + _s(b"1"))),
        ["[offset 11] Selecting DB ID 0", "--- RDB ERROR DETECTED ---",
         "[offset 25] RDB CRC error", "[additional info] While doing: check-sum",
         "[info] 1 keys read", "[info] 0 expires", "[info] 0 already expired"]),
    "bad_type": (
        _full(_HEAD + b"\x00" + _s(b"a") + _s(b"1") + b"\x64" + _s(b"k") + _s(b"v")),
        ["[offset 11] Selecting DB ID 0", "--- RDB ERROR DETECTED ---",
         "[offset 17] Invalid object type: 100", "[additional info] While doing: read-type",
         "[info] 1 keys read", "[info] 0 expires", "[info] 0 already expired"]),
}

#: redis-check-rdb 7.0.15's name of each type (``rdb_type_string``), seen on a key of that type
#: cut inside its value; 19 is past the table.
_TYPE_NAMES = {1: "list-linked", 2: "set-hashtable", 3: "zset-v1", 4: "hash-hashtable",
               5: "zset-v2", 10: "list-ziplist", 12: "zset-ziplist", 13: "hash-ziplist",
               14: "quicklist", 15: "stream", 16: "hash-listpack", 17: "zset-listpack",
               18: "quicklist-v2", 19: "unknown"}

#: The server's log when it starts on ``bad_crc`` (then it exits with status 1).
_CRC_LOG = ["Wrong RDB checksum expected: (37d17b7c0abb32d1) but got (36d17b7c0abb32d1). "
            "Aborting now.",
            "Internal error in RDB reading offset 0, function at rdb.c:3225 -> RDB CRC error",
            "[offset 0] Checking RDB file bad_crc.rdb"]


def check_rdb_reports() -> None:
    state = new_server(NOW)
    for name, (data, want) in _BAD_FILES.items():
        got = _no_crash(L.check_rdb_report, data, name + ".rdb", state, NOW)
        assert got == [f"[offset 0] Checking RDB file {name}.rdb", *want], \
            f"{NAME}: redis-check-rdb {name}: {got}"
    for rtype, tname in _TYPE_NAMES.items():
        got = L.check_rdb_report(_HEAD + bytes((rtype,)) + _s(b"k") + b"\x7f" + _s(b"x"),
                                 "t.rdb", state, NOW)
        line = f"[additional info] Reading type {rtype} ({tname})"
        assert line in got, f"{NAME}: redis-check-rdb type {rtype}: {got}"
    # the checker's "already expired" is ``expiretime < now``: a TTL of exactly now is not
    got = L.check_rdb_report(_HEAD + _fc(NOW) + b"\x00" + _s(b"a") + _s(b"1") + b"\x01",
                             "t.rdb", state, NOW)
    assert got[-3:] == ["[info] 1 keys read", "[info] 1 expires", "[info] 0 already expired"], \
        f"{NAME}: redis-check-rdb, a TTL of now: {got[-3:]}"
    data = _BAD_FILES["bad_crc"][0]
    st = L.start_loading(new_server(NOW), data, "bad_crc.rdb", NOW)
    with pytest.raises(L.LoadFailed) as e:
        L.load_step(st, NOW)
    got = _no_crash(L.failure_report, st, e.value, NOW)
    assert got == [*_CRC_LOG, *_BAD_FILES["bad_crc"][1]], f"{NAME}: the CRC error's log: {got}"


def _loaded(data: bytes, **config: Any) -> tuple[Any, int]:
    """A server with one client that loaded ``data`` at ``NOW``."""
    state, cid = server.client_connect(server.new_server(NOW, **config), NOW)
    state = L.start_loading(state, data, "dump.rdb", NOW)
    while state.loading.active:
        state, _ = _no_crash(L.load_step, state, NOW)
    return state, cid


def check_load_keys() -> None:
    """``rdbLoadRio`` drops a key only when ``expiretime < now`` (a TTL of exactly now is
    loaded); under an LFU policy a key's ``RDB_OPCODE_FREQ`` is its counter (7.0.15:
    ``OBJECT FREQ`` 42), a key without one starts at ``LFU_INIT_VAL`` (5)."""
    state, _ = _loaded(_full(_HEAD + _fc(NOW) + b"\x00" + _s(b"a") + _s(b"1")))
    counts = (state.persist.load_loaded, state.persist.load_expired)
    assert counts == (1, 0), f"{NAME}: a TTL of exactly now at load: {counts}"
    data = _full(_HEAD + b"\xf9\x2a" + b"\x00" + _s(b"a") + _s(b"va") + b"\x00" + _s(b"b")
                 + _s(b"vb"))
    state, cid = _loaded(data, **{"maxmemory-policy": "allkeys-lfu"})
    for key, want in ((b"a", b":42\r\n"), (b"b", b":5\r\n")):
        state, got = server.run_command(state, cid, [b"OBJECT", b"FREQ", key], NOW)
        assert got == want, f"{NAME}: OBJECT FREQ {key!r} after the load: {got!r}"


def check_aux_lines() -> None:
    """The lines ``rdbLoadRio`` logs for ``ctime`` and ``used-mem`` (7.0.15's log of a DEBUG
    RELOAD: "RDB age 0 seconds", "RDB memory usage when created 1.08 Mb")."""
    got = (L.aux_log_text(b"ctime", b"%d" % (NOW // 1000 - 7), NOW),
           L.aux_log_text(b"used-mem", b"1132544", NOW))
    assert got == ("RDB age 7 seconds", "RDB memory usage when created 1.08 Mb"), \
        f"{NAME}: AUX log lines: {got}"


#: (repl-offset, repl-stream-db or None) in the file -> the cached master's (offset, db), or
#: None: ``loadDataFromDisk`` takes the history only when ``repl_offset != -1`` and
#: ``repl_stream_db != -1`` (-1 also when the field is absent); the offset is ``strtoll``'s,
#: the db ``atoi``'s.
_REPL_INFO: list[tuple[bytes, bytes | None, tuple[int, int] | None]] = [
    (b"5", None, None), (b"-1", b"0", None), (b"5", b"-1", None), (b"5", b"3", (5, 3)),
    (b"+5", b"0", (5, 0)), (b"90", b"0", (90, 0)), (b"5x", b"0", (5, 0)), (b"x", b"0", (0, 0)),
]


def check_replication_info() -> None:
    base = server.new_server(NOW, replicaof="127.0.0.1 6380")
    rid = b"a" * 40
    for off, db, want in _REPL_INFO:
        info = ((b"repl-id", rid), (b"repl-offset", off),
                *(((b"repl-stream-db", db),) if db is not None else ()))
        st = _no_crash(L.restore_replication_info, base, info)
        cached = st.repl.cached_master
        got = None if cached is None else cached[1:3]
        assert got == want, f"{NAME}: replication info {info[1:]}: cached master {got}"


def _eta(state: Any, cid: int, now: int) -> bytes:
    _, out = _no_crash(server.run_command, state, cid, [b"INFO", b"persistence"], now)
    return out.split(b"loading_eta_seconds:")[1].split(b"\r\n")[0]


def check_loading_eta() -> None:
    """INFO's ``loading_eta_seconds``: 1 in the load's first second, then elapsed x
    remaining / (loaded + 1) (``genRedisInfoString``)."""
    data = _full(_HEAD + b"".join(b"\x00" + _s(b"k%03d" % i) + _s(b"v" * 60)
                                  for i in range(100)))
    state, cid = server.client_connect(server.new_server(NOW), NOW)
    state = L.start_loading(state, data, "dump.rdb", NOW)
    got = (_eta(state, cid, NOW), _eta(state, cid, NOW + 3000))
    assert got == (b"1", b"%d" % (3 * len(data))), f"{NAME}: loading_eta_seconds: {got}"



def check_shared_integer_idle() -> None:
    """A shared integer loaded without ``RDB_OPCODE_IDLE`` keeps its own access word, the
    server's start (``objectSetLRUOrLFU`` with ``lru_idle`` -1 changes nothing): 7.0.15 started
    on a file of ``n`` = 7 with ``key-load-delay`` answered ``OBJECT IDLETIME n`` with the
    seconds since its start. Here the load runs 6 s after the start, the question 2 s later."""
    body = _HEAD + b"\x00" + _s(b"a") + _s(b"va") + b"\x00" + _s(b"n") + _s(b"7")
    state, cid = server.client_connect(server.new_server(NOW), NOW)
    state = L.start_loading(state, _full(body), "dump.rdb", NOW + 6000)
    while state.loading.active:
        state, _ = _no_crash(L.load_step, state, NOW + 6000)
    _, got = server.run_command(state, cid, [b"OBJECT", b"IDLETIME", b"n"], NOW + 8000)
    assert got == b":8\r\n", f"{NAME}: OBJECT IDLETIME of a loaded shared integer: {got!r}"


# -- DEBUG DIGEST (spec/digest.py) -------------------------------------------------------------------

#: 7.0.15: several keys in one database (the database number is mixed in once), two databases.
_DIGESTS = [
    ("SET a 1", b"+OK\r\n"),
    ("SET b 2", b"+OK\r\n"),
    ("RPUSH l x y", b":2\r\n"),
    ("SELECT 3", b"+OK\r\n"),
    ("SADD s m n", b":2\r\n"),
    ("DEBUG DIGEST", b"+6eb5059bcdc77fd1b0772a8aebe8d5eb38c7bce7\r\n"),
    ("DEBUG DIGEST-VALUE l s", b"*2\r\n+0000000000000000000000000000000000000000\r\n"
                               b"+0831b49722db600cb5d09121f54fc542a29ac2a4\r\n"),
    ("SELECT 0", b"+OK\r\n"),
    ("DEBUG DIGEST-VALUE a l", b"*2\r\n+b4fc66738120fba0b5aa500ab5c2bf89cea1c5da\r\n"
                               b"+a3b14a34cfbd69f970cd30aff36fd797e07b4dbc\r\n"),
]


def check_digests() -> None:
    _replay(Session(NOW, **_DEBUG_ON), _DIGESTS, "DEBUG DIGEST")



# -- spec/rdb.py and spec/rdbcodec.py (the fourth round's open gaps) ---------------------------------


def check_packed_threshold_default() -> None:
    """``quicklistSetPackedThreshold(0)`` restores ``packed_threshold``'s default, 1 << 30
    (quicklist.c: ``if (sz == 0) sz = (1 << 30)``)."""
    got = rdb.set_packed_threshold(0)
    assert got == 1 << 30, f"{NAME}: DEBUG QUICKLIST-PACKED-THRESHOLD 0: {got}"


def check_dict_order() -> None:
    """A hashtable set is written in its dict's order, the order SMEMBERS reads (both
    ``dictGetIterator``: 7.0.15 DUMPs 200 members in SMEMBERS's order)."""
    c = Session(NOW)
    c.call(b"CONFIG", b"SET", b"rdbcompression", b"no")
    c.call(b"SADD", b"s", *[b"m%d" % i for i in range(200)])
    order = re.findall(rb"m\d+", c.call(b"SMEMBERS", b"s"))
    dumped = re.findall(rb"m\d+", _no_crash(c.call, b"DUMP", b"s"))
    assert dumped == order, f"{NAME}: DUMP of a hashtable set in another order than SMEMBERS"


def _hash_payload(field: bytes, value: bytes) -> bytes:
    """An ``RDB_TYPE_HASH_ZIPMAP`` (9) payload of one pair."""
    return _payload(9, _rdb_string(_zipmap([(field, value)])), 10)


#: 7.0.15: RESTORE of a zipmap of one pair, field and value lengths -> OBJECT ENCODING
#: (``hash-max-listpack-value`` 64: a string of 64 bytes still fits).
_HASH_LIMITS = [((1, 64), b"$8\r\nlistpack\r\n"), ((1, 65), b"$9\r\nhashtable\r\n"),
                ((64, 1), b"$8\r\nlistpack\r\n"), ((65, 1), b"$9\r\nhashtable\r\n")]


def check_hash_value_limit() -> None:
    c = Session(NOW)
    for (fl, vl), want in _HASH_LIMITS:
        c.call(b"DEL", b"x")
        assert _no_crash(c.call, b"RESTORE", b"x", 0, _hash_payload(b"f" * fl, b"v" * vl)) \
            == b"+OK\r\n", f"{NAME}: RESTORE of a hash {fl}/{vl}"
        got = c.call(b"OBJECT", b"ENCODING", b"x")
        assert got == want, f"{NAME}: hash of a {fl}-byte field, {vl}-byte value: {got!r}"


def _saved_file(state: Any, cid: int) -> bytes:
    """The file SAVE writes (the world's question answered by taking its bytes)."""
    try:
        server.run_command(state, cid, [b"SAVE"], NOW)
    except persist.SaveOutcomeNeeded as need:
        return bytes(need.data)
    except Exception as e:  # a mutant that crashes the save
        raise AssertionError(f"{NAME}: SAVE: {type(e).__name__}: {e}") from e
    raise AssertionError(f"{NAME}: SAVE wrote no file")


def check_saved_expires() -> None:
    """``rdbSaveRio``'s RESIZEDB counts the keys with a TTL (7.0.15: 3 keys, 1 with a TTL:
    ``fe 00 fb 03 01``); a replica keeps a key whose TTL is in the past (-1000 ms in its
    file) and saves it back as 8 signed bytes (7.0.15 started with ``replicaof`` on that file:
    ``fc 18 fc ff ff ff ff ff ff``)."""
    state, cid = server.client_connect(server.new_server(NOW), NOW)
    for argv in ([b"SET", b"a", b"1"], [b"SET", b"b", b"2", b"PX", b"100000000"],
                 [b"SET", b"c", b"3"]):
        state, _ = server.run_command(state, cid, argv, NOW)
    data = _saved_file(state, cid)
    assert b"\xfe\x00\xfb\x03\x01" in data, f"{NAME}: RESIZEDB of 3 keys, 1 TTL: {data.hex()}"
    body = _HEAD + _fc(-1000) + b"\x00" + _s(b"k") + _s(b"v") + b"\x00" + _s(b"a") + _s(b"1")
    state, cid = server.client_connect(
        server.new_server(NOW, replicaof="127.0.0.1 6380"), NOW)
    state = L.start_loading(state, _full(body), "dump.rdb", NOW)
    while state.loading.active:
        state, _ = _no_crash(L.load_step, state, NOW)
    data = _saved_file(state, cid)
    assert _fc(-1000) + b"\x00\x01k" in data, f"{NAME}: a replica's past TTL saved: {data.hex()}"


def check_old_expire_opcode() -> None:
    """``RDB_OPCODE_EXPIRETIME`` (seconds, 4 bytes) is signed (``rdbLoadTime``: int32): -5 is
    long past. redis-check-rdb 7.0.15 on a file cut inside the third key: 3 keys, 2 expires,
    1 already expired."""
    data = (_HEAD + b"\xfd" + (-5).to_bytes(4, "little", signed=True) + b"\x00" + _s(b"k")
            + _s(b"v") + b"\xfd" + (2000000000).to_bytes(4, "little", signed=True) + b"\x00"
            + _s(b"j") + _s(b"v") + b"\x00" + _s(b"a"))
    got = _no_crash(L.check_rdb_report, data, "fdexp.rdb", new_server(NOW), NOW)
    assert got[-3:] == ["[info] 3 keys read", "[info] 2 expires", "[info] 1 already expired"], \
        f"{NAME}: EXPIRETIME (seconds) -5: {got[-3:]}"


def check_ziplist_32bit_length() -> None:
    """A ziplist string of 2**24 bytes has the 32-bit length encoding (``ZIP_STR_32B``: 0x80,
    then 4 bytes big-endian): its first length byte is 1 here."""
    n = 1 << 24
    entry = b"\x80" + n.to_bytes(4, "big") + b"z" * n
    got = _no_crash(rdbcodec.ziplist_decode, _ziplist([entry]))
    assert [len(e) for e in got] == [n], f"{NAME}: a 2**24-byte ziplist entry: {len(got[0])}"


def test_boundary_mload_restore() -> None:
    check_restore_options()
    check_restore_absttl_now()


def test_boundary_mload_bgsave() -> None:
    check_bgsave_with_aof_child()


def test_boundary_mload_streams() -> None:
    check_stream_payloads()


def test_boundary_mload_loading() -> None:
    check_rdb_reports()
    check_load_keys()
    check_aux_lines()
    check_replication_info()
    check_loading_eta()
    check_shared_integer_idle()


def test_boundary_mload_digest() -> None:
    check_digests()


def test_boundary_mload_rdb() -> None:
    check_packed_threshold_default()
    check_dict_order()
    check_hash_value_limit()
    check_saved_expires()
    check_old_expire_opcode()
    check_ziplist_32bit_length()


def test_boundary_mload_debug() -> None:
    check_debug_reload_status()
    check_debug_object_plain()
    check_debug_repr()


def _plant(monkeypatch: pytest.MonkeyPatch, module: Any, func: str, old: str, new: str) -> None:
    """``plant_everywhere``, and the planted function also in the tables that hold the
    original (the command table, ``DEBUG_SUBCOMMANDS``)."""
    original = getattr(module, func)
    planted = plant_everywhere(monkeypatch, module, func, old, new)
    for name, cmd in list(dispatch.TABLE.items()):
        if cmd.handler is original:
            replace_handler(monkeypatch, name, planted)
    for name, fn in list(DEBUG_SUBCOMMANDS.items()):
        if fn is original:
            monkeypatch.setitem(DEBUG_SUBCOMMANDS, name, planted)


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


@pytest.mark.parametrize("func,old,new", [
    ("_restore_options", "more = n - j - 1", "more = n - j"),
    ("_restore_options", 'b"idletime" and more >= 1', 'b"idletime" and more >= 0'),
    ("_restore_options", "if v < 0:", "if v <= 0:"),
    ("_restore_options", "idle = v\n            j += 1", "idle = v\n            j += 2"),
    ("_restore_options", 'b"freq" and more >= 1', 'b"freq" and more >= 0'),
    ("_restore_options", "freq = v\n            j += 1", "freq = v\n            j += 2"),
])
def test_planted_restore_options(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                 new: str) -> None:
    _plant(monkeypatch, D, func, old, new)
    _trips(check_restore_options)


def test_planted_restore_absttl_now(monkeypatch: pytest.MonkeyPatch) -> None:
    from redspec.spec.step import Step
    plant(monkeypatch, Step, "already_expired", "when <= self.now_ms", "when < self.now_ms")
    _trips(check_restore_absttl_now)


def test_planted_debug_reload_status(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant(monkeypatch, D, "debug_reload", "lastbgsave_ok=True", "lastbgsave_ok=False")
    _trips(check_debug_reload_status)


@pytest.mark.parametrize("new", ["len(n[0][0]) if n[0] == 1", "len(n[2][0]) if n[0] == 1",
                                 "len(n[1][0]) if n[0] == 0"])
def test_planted_debug_object_plain(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    _plant(monkeypatch, D, "_ql_extra", "len(n[1][0]) if n[0] == 1", new)
    _trips(check_debug_object_plain)


@pytest.mark.parametrize("func,old,new", [
    ("debug_listpack", "len(argv) != 3", "len(argv) == 3"),
    ("debug_listpack", "if v is None:", "if v is not None:"),
    ("debug_listpack", "if blob is None:", "if blob is not None:"),
    ("debug_quicklist", "len(argv) not in (3, 4)", "len(argv) in (3, 4)"),
    ("debug_quicklist", "if v is None:", "if v is not None:"),
    ("debug_quicklist", "len(argv) == 4 and", "len(argv) != 4 and"),
    ("debug_quicklist", "c_atoi(argv[3]) != 0", "c_atoi(argv[3]) == 0"),
])
def test_planted_debug_repr(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                            new: str) -> None:
    _plant(monkeypatch, D, func, old, new)
    _trips(check_debug_repr)


@pytest.mark.parametrize("func,old,new", [
    ("_i64", "v >= 1 << 63", "v > 1 << 63"),
    ("_save_group", 'nack.delivery_time.to_bytes(8, "little", signed=True)',
     'nack.delivery_time.to_bytes(8, "little", signed=False)'),
    ("_save_group", 'c.seen_time.to_bytes(8, "little", signed=True)',
     'c.seen_time.to_bytes(8, "little", signed=False)'),
    ("_entry_of", "if n < 0:", "if n <= 0:"),
    ("_entry_of", "if n < 0:", "if n < 1:"),  # the spec's earlier rule
    ("_node_of", "nfields < 0", "nfields <= 0"),
    ("_node_of", "nfields < 0", "nfields < 1"),  # the spec's earlier rule
    ("_load_group", "er >= 1 << 63", "er > 1 << 63"),
])
def test_planted_stream_payloads(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                 new: str) -> None:
    plant_everywhere(monkeypatch, rdbstream, func, old, new)
    _trips(check_stream_payloads)


def test_planted_stream_cursor_end(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, rdbstream._Cursor, "next", "self.i >= len(self.els)",
          "self.i > len(self.els)")
    _trips(check_stream_payloads)


@pytest.mark.parametrize("new", ["len(argv) != 1", "len(argv) == 0", "len(argv) == 2"])
def test_planted_bgsave_with_aof_child(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    _plant(monkeypatch, D, "bgsave", "len(argv) == 1:", new + ":")
    _trips(check_bgsave_with_aof_child)


@pytest.mark.parametrize("func,old,new", [
    ("check_rdb_report", "expires += 1", "expires += 0"),
    ("check_rdb_report", "expires += 1", "expires += 2"),
    ("check_rdb_report", "pending < now_ms", "pending <= now_ms"),
    ("_check_reason", "[-1]}\", False", "[-1]}\", True"),
    ("failure_report", 'err.doing == "check-sum"', 'err.doing != "check-sum"'),
])
def test_planted_rdb_reports(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                             new: str) -> None:
    plant_everywhere(monkeypatch, L, func, old, new)
    _trips(check_rdb_reports)


@pytest.mark.parametrize("names", [{0: "string", 1: "list"}, {0: "list-linked"},
                                   {2: "list-linked"}])
def test_planted_rdb_type_names(monkeypatch: pytest.MonkeyPatch,
                                names: dict[int, str]) -> None:
    """The type-name table with its entry 1 missing or moved (the table's ``1`` made ``0`` or
    ``2``), and the spec's earlier name ("list")."""
    table = {k: v for k, v in L._TYPE_NAMES.items() if k != 1}
    table.update(names)
    monkeypatch.setattr(L, "_TYPE_NAMES", table)
    _trips(check_rdb_reports)


@pytest.mark.parametrize("func,old,new", [
    ("_add_key", "rec.expire_ms < s.now_ms", "rec.expire_ms <= s.now_ms"),
    ("_add_key", "-1 if rec.freq is None", "-0 if rec.freq is None"),
    ("_add_key", "-1 if rec.freq is None", "-1 if rec.freq is not None"),
])
def test_planted_load_keys(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                           new: str) -> None:
    plant_everywhere(monkeypatch, L, func, old, new)
    _trips(check_load_keys)


def test_planted_shared_integer_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, L, "_add_key", "-1 if rec.idle_s is None",
                     "-0 if rec.idle_s is None")
    _trips(check_shared_integer_idle)


def test_planted_aux_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, L, "aux_log_text", 'if key == b"ctime":',
                     'if key != b"ctime":')
    _trips(check_aux_lines)


@pytest.mark.parametrize("func,old,new", [
    ("restore_replication_info", "else -1\n", "else -0\n"),
    ("restore_replication_info", "else -1\n", "else -2\n"),
    ("restore_replication_info", "off == -1 or", "off == -0 or"),
    ("restore_replication_info", "off == -1 or", "off == -2 or"),
    ("restore_replication_info", "db == -1:", "db == -0:"),
    ("restore_replication_info", "db == -1:", "db == -2:"),
    ("_strtoll", "i = 1 if", "i = 0 if"),
    ("_strtoll", "s[:1] in", "s[:1] not in"),
    ("_strtoll", "s[:1] in", "s[:0] in"),
    ("_strtoll", "s[:1] in", "s[:2] in"),
    ("_strtoll", "48 <= s[i] <= 57", "48 < s[i] <= 57"),
    ("_strtoll", "48 <= s[i] <= 57", "48 <= s[i] < 57"),
    ("_strtoll", "i += 1", "i += 2"),
])
def test_planted_replication_info(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                  new: str) -> None:
    plant_everywhere(monkeypatch, L, func, old, new)
    _trips(check_replication_info)


@pytest.mark.parametrize("old,new", [
    ("eta = 1 if", "eta = 0 if"), ("eta = 1 if", "eta = 2 if"),
    ("// (loaded + 1)", "// (loaded)"), ("// (loaded + 1)", "// (loaded + 2)"),
])
def test_planted_loading_eta(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, L, "loading_info", old, new)
    _trips(check_loading_eta)



@pytest.mark.parametrize("value", [1 << 15, (2 << 15) - 1, (1 << 15) - 2])
def test_planted_fill_max(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    """``_FILL_MAX`` as its mutants make it (``(1 << 15) - 1`` with the ``- 1`` dropped, a
    ``1`` made ``2``)."""
    from redspec.spec import rdb
    monkeypatch.setattr(rdb, "_FILL_MAX", value)
    _trips(check_debug_object_plain)


@pytest.mark.parametrize("value", [0 << 30, 2 << 30])
def test_planted_packed_threshold(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    monkeypatch.setattr(rdb, "PACKED_THRESHOLD", value)
    _trips(check_packed_threshold_default)


def test_planted_dict_order(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, rdb, "_save_set", "if v.ht is not None and not v.intset",
                     "if v.ht is None and not v.intset")
    _trips(check_dict_order)


@pytest.mark.parametrize("old,new", [
    ("lp = lp and all(len(f) <= limits.hash_value", "lp = lp and all(len(f) < limits.hash_value"),
    ("len(v) <= limits.hash_value\n", "len(v) < limits.hash_value\n"),
])
def test_planted_hash_value_limit(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """The zipmap branch of ``_load_hash`` (its line ends after the value's test)."""
    plant_everywhere(monkeypatch, rdb, "_load_hash", old, new)
    _trips(check_hash_value_limit)


@pytest.mark.parametrize("old,new", [
    ("sum(1 for rec in records if rec.expire_ms != -1)",
     "sum(1 for rec in records if rec.expire_ms == -1)"),
    ("signed=True))", "signed=False))"),
])
def test_planted_saved_expires(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, rdb, "encode_file", old, new)
    _trips(check_saved_expires)


def test_planted_old_expire_opcode(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, rdb, "_prefix",
                     'int.from_bytes(r.take(4), "little", signed=True)',
                     'int.from_bytes(r.take(4), "little", signed=False)')
    _trips(check_old_expire_opcode)


def test_planted_ziplist_32bit_length(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, rdbcodec, "ziplist_decode",
                     'n = int.from_bytes(blob[p + 1:p + 5], "big")',
                     'n = int.from_bytes(blob[p + 2:p + 5], "big")')
    _trips(check_ziplist_32bit_length)


@pytest.mark.parametrize("func,old,new", [
    ("value_listpack", "v.order is not None", "v.order is None"),
    ("quicklist_repr", "blob = els[0] if container == _PLAIN",
     "blob = els[0] if container != _PLAIN"),
    ("quicklist_repr", "            if container == _PLAIN:", "            if container != _PLAIN:"),
    ("quicklist_repr", 'split(b"\\0", 1)', 'split(b"\\0", 0)'),
])
def test_planted_rdb_repr(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                          new: str) -> None:
    plant_everywhere(monkeypatch, rdb, func, old, new)
    _trips(check_debug_repr)
