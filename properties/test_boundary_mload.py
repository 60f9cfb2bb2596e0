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
  without ``full``) as (lines, CRC-64) without the ``addr:`` lines (real pointers).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.planted import replace_handler
from redspec.properties.test_mutation_gaps import plant_everywhere
from redspec.spec import dispatch
from redspec.spec.commands import dump as D
from redspec.spec.commands.registry import DEBUG_SUBCOMMANDS
from redspec.spec.crc64 import crc64

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
    ("DEBUG QUICKLIST m", _QL_PRINTED, (7, 0xF15E34C74163C830)),
    ("DEBUG QUICKLIST m 0", _QL_PRINTED, (7, 0xF15E34C74163C830)),
    ("DEBUG QUICKLIST m 1", _QL_PRINTED, (43, 0x7B264D9AD6D11E66)),
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
        shown = (len(text.splitlines()), crc64(text)) if new else None
        assert shown == printed, f"{NAME}: {cmd!r}: stdout {shown!r}, Redis {printed!r}"


def test_boundary_mload_restore() -> None:
    check_restore_options()
    check_restore_absttl_now()


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
    _plant(monkeypatch, D, "restore", "ttl <= s.now_ms", "ttl < s.now_ms")
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
