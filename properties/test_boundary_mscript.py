"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
scripting modules (``spec/scripting.py``, ``spec/functions.py``, ``spec/lualibs``; issue #22,
``tools/mutation.py``), in the pattern of ``properties/test_boundary_streams.py``: each check
puts a Redis rule exactly on its boundary, and each has a planted-bug test whose planted bug
*is* the surviving mutant.

Property ``boundary_mscript_agree_with_redis``. The reply tables were recorded from a live
redis-server 7.0.15 (one connection, RESP2 unless said) and are replayed byte for byte through
the spec with :class:`~redspec.properties.driver.Session`:

- ``math.random``: after SCRIPT FLUSH of a fresh server, ``{math.random(1000000000),
  math.random(1000000000), math.random()}`` is ``396464774 840485370 0`` and the next
  script's two draws ``446583435 318692773`` (``redisLrand48``, 48-bit state);
- ``return redis.pcall()`` is the error "Please specify at least one argument for this redis
  lib call" (a pcall returns it, it is not a value);
- ``return 9223372036854775808`` (2^63) is ``:-9223372036854775808``: ``(long long)`` of a
  double out of range is LLONG_MIN on x86-64;
- a RESP3 set (``redis.setresp(3)``, SMEMBERS) reaches Lua as ``{set={a=true}}``:
  ``tostring(t.set['a'])`` is ``true``; returned to a HELLO 3 caller it is ``~1``;
- SCRIPT DEBUG NO is +OK; SCRIPT DEBUG foo is "ERR Use SCRIPT DEBUG YES/SYNC/NO";
- SCRIPT LOAD of ``#!lua\\nreturn 1`` compiles the code after the shebang line;
- errors inside a script's reply: after CONFIG RESETSTAT, ``return redis.pcall('incr',
  'str')`` (a string) counts ``errorstat_ERR:count=1`` (the INCR failure, not again as the
  script's reply), so does ``return redis.call('incr','str')`` (the script's error reply
  ends with `` script: <sha>, on @user_script:1.``); ``return {1, redis.error_reply('MY
  x')}``, ``return {1, redis.pcall('incr','str')}`` and ``return {1,2}``: errorstats ERR 1
  and MY 1, ``cmdstat_eval`` ``failed_calls=2`` (an error nested in an array fails the call);
- shebang flags: ``#!lua`` + SET is +OK, ``#!lua flags=no-writes`` + SET is "Write commands
  are not allowed from read-only scripts."; EVALSHA of a loaded writer is +OK, EVALSHA_RO of
  it that error;
- under ``maxmemory 1`` (noeviction): ``EVAL "return 1"`` :1 (no shebang: EVAL's own flags),
  ``#!lua`` -OOM (processCommand, from the shebang's flags), ``#!lua flags=no-writes`` :1,
  ``#!lua flags=allow-oom`` + SET +OK, ``redis.call('get')`` runs, ``redis.call('set')`` is
  the script's OOM error; EVALSHA and EVALSHA_RO of a loaded ``#!lua`` script -OOM, of a
  loaded ``#!lua flags=no-writes`` one :3;
- ``min-replicas-to-write 1``: ``redis.call('get')`` runs, ``redis.call('set')`` is
  NOREPLICAS; on a read-only replica (REPLICAOF 127.0.0.1 1) ``redis.call('get')`` runs,
  ``redis.call('set')`` is READONLY;
- ``{cjson.encode({1,2}), tostring(bit.band(7,3)), struct.pack("B", 65),
  cmsgpack.pack(1)}`` is ``[1,2]``, ``3``, ``A``, ``\x01`` (the libraries are the
  script's globals);
- on a read-only replica (REPLICAOF 127.0.0.1 1) ``EVAL "#!lua\\nreturn 1"`` is
  "-READONLY You can't write against a read only replica." (processCommand reads the
  script's flags: it may write), ``flags=no-writes`` runs; with ``replica-serve-stale-data
  no`` ``flags=no-writes`` is MASTERDOWN, ``flags=no-writes,allow-stale`` runs. (The spec
  read EVAL's own flags at both gates: fixed in ``spec/dispatch.py``. Still not modelled:
  7.0.15 refuses a script without shebang on a stale replica too, MASTERDOWN from
  ``scriptPrepareForRun``, where the spec runs it);
- ``redis.acl_check_cmd``: the default user may SET (:1); user ``u`` (``+eval +get ~*``) may
  GET (:1) and not SET (nil).

``spec/functions.py``, recorded the same way:

- library names ``a_b`` and ``AZz`` load; ``#!lua name=x<NUL>`` is "Invalid library
  metadata" (the shebang is read as a C string); a FUNCTION LOAD REPLACE (or a new library)
  whose function name another library has is "Function f1 already exists", and the old
  library still answers FCALL;
- FUNCTION LIST LIBRARYNAME ``az*`` finds ``AZz`` (no case); LIBRARYNAME and WITHCODE in
  either order; LIBRARYNAME last with no pattern is "library name argument was not given"; a
  second WITHCODE or LIBRARYNAME is "Unknown argument ..."; FUNCTION KILL with nothing
  running is NOTBUSY;
- FUNCTION DELETE adds one to ``rdb_changes_since_last_save``; under ``maxmemory 1``
  FCALL of an allow-oom function writes, of one without flags is -OOM, of a no-writes one
  (FCALL and FCALL_RO) runs;
- FUNCTION DUMP with no library is 10 bytes and FUNCTION RESTORE takes them back; 8 zero
  bytes and a payload of RDB version 11 (right CRC) are "DUMP payload version or checksum
  are wrong"; a payload holding library ``dup`` twice is "Library 'dup' already exists";
- FUNCTION FLUSH SYNC of 65 functions leaves ``lazyfreed_objects:0``, ASYNC makes it 65.

From 7.0.15's source (``scriptVerifyWriteCommandAllow`` returns at once for a command
without the write flag): after a failed BGSAVE (save points, stop-writes-on-bgsave-error on)
or a failed AOF write, a script's GET runs and its SET gets the MISCONF error (the failures
put into the state directly).

From 7.0.15's source and the live tests of ``tests/test_script_busy.py`` (a script past
``busy-reply-threshold`` serves the other connections from its hook:
``processEventsWhileBlocked``), driven here through a
:class:`~redspec.spec.scripting.ModelPort`:

- a connection accepted from the hook is a client (``createClient``: the next client id,
  ``total_connections_received`` + 1);
- another client's protocol error is replied ("ERR Protocol error: ...") and the client is
  closed: what it sends afterwards is not read;
- a CLIENT REPLY OFF client hears nothing while busy (and the spec does not fail on it);
- ``processEventsWhileBlocked`` runs once per hook call from the timed-out moment on, never
  before it; the "Slow script detected" line is logged once;
- FUNCTION KILL stops a running function, SCRIPT KILL gets BUSY naming FUNCTION KILL;
- a script that only read is killable (SCRIPT KILL +OK); one that wrote is not (UNKILLABLE)
  and runs to its end; a bounded script past the threshold that nobody kills ends normally;
- the MONITOR of another client sees the EVAL line (``evalCommand`` feeds it itself);
- a script's propagated writes in two databases are wrapped in MULTI … EXEC, EXEC with no
  SELECT of its own (``propagatePendingCommands``: dbid -1).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from lupa import lua51  # type: ignore[import-untyped]

from redspec.properties.driver import Session
from redspec.properties.planted import replace_handler
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import aof, dispatch, functions, lualibs, scripting
from redspec.spec import server as S
from redspec.spec.functions import functions_dump
from redspec.spec.scripting import (
    BUSY_EVAL,
    BUSY_FUNCTION,
    UNKILLABLE,
    ModelPort,
    ScriptRun,
    sha1hex,
)
from redspec.spec.state import FunctionLibrary, ServerState, replace

NAME = "boundary_mscript_agree_with_redis"


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _replay(rows: list[tuple[tuple[bytes, ...], bytes]], s: Session | None = None,
            **options: Any) -> Session:
    """Each row's command through the spec: its reply must be the recorded one."""
    s = s if s is not None else Session(**options)
    for argv, want in rows:
        try:
            got = s.call(*argv)
        except Exception as e:  # a crash of the spec is a failed check too
            raise AssertionError(f"{NAME}: {argv!r} raised {e!r}") from e
        assert got == want, f"{NAME}: {argv!r}: spec {got!r}, redis {want!r}"
    return s


def _info_lines(s: Session, section: bytes, prefix: bytes) -> list[bytes]:
    frame = s.call(b"INFO", section)
    return [ln for ln in frame.split(b"\r\n") if ln.startswith(prefix)]


# -- spec/scripting.py: Session replays -------------------------------------------------------


def check_random_sequence() -> None:
    """``redisLrand48``'s 48-bit state: the first draws after a fresh start."""
    _replay([
        ((b"SCRIPT", b"FLUSH"), b"+OK\r\n"),
        ((b"EVAL", b"return {math.random(1000000000), math.random(1000000000), "
                   b"math.random()}", b"0"), b"*3\r\n:396464774\r\n:840485370\r\n:0\r\n"),
        ((b"EVAL", b"return {math.random(1000000000), math.random(1000000000)}", b"0"),
         b"*2\r\n:446583435\r\n:318692773\r\n"),
    ])


def check_conversions() -> None:
    """pcall with no argument, 2^63 as a reply, a RESP3 set both ways."""
    _replay([
        ((b"EVAL", b"return redis.pcall()", b"0"),
         b"-ERR Please specify at least one argument for this redis lib call\r\n"),
        ((b"EVAL", b"return 9223372036854775808", b"0"), b":-9223372036854775808\r\n"),
        ((b"EVAL", b"return tostring(redis.call('xread','streams','nokey','0'))", b"0"),
         b"$5\r\nfalse\r\n"),
        ((b"EVAL", b"return redis.call('geopos','nokey','m')", b"0"), b"*1\r\n$-1\r\n"),
        ((b"SADD", b"s", b"a"), b":1\r\n"),
        ((b"EVAL", b"redis.setresp(3); local t = redis.call('smembers','s'); "
                   b"return tostring(t.set['a'])", b"0"), b"$4\r\ntrue\r\n"),
    ])
    s = Session()
    s.call(b"SADD", b"s", b"a")
    s.call(b"HELLO", b"3")
    _replay([((b"EVAL", b"redis.setresp(3); return redis.call('smembers','s')", b"0"),
              b"~1\r\n$1\r\na\r\n")], s)


def check_script_debug_and_load() -> None:
    """SCRIPT DEBUG NO / an unknown mode; SCRIPT LOAD compiles after the shebang line."""
    _replay([
        ((b"SCRIPT", b"DEBUG", b"NO"), b"+OK\r\n"),
        ((b"SCRIPT", b"DEBUG", b"foo"), b"-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n"),
        ((b"SCRIPT", b"LOAD", b"#!lua\nreturn 1"),
         b"$40\r\ncb70127618f0b0be70c53cf6bfcfa54a29d9b0c0\r\n"),
    ])


INCR_ERR = b"ERR value is not an integer or out of range"


def check_error_stats() -> None:
    """Errors met inside a script are counted once; an error nested in the reply array counts
    and fails the call."""
    s = _replay([
        ((b"SET", b"str", b"x"), b"+OK\r\n"),
        ((b"CONFIG", b"RESETSTAT"), b"+OK\r\n"),
        ((b"EVAL", b"return redis.pcall('incr','str')", b"0"), b"-" + INCR_ERR + b"\r\n"),
    ])
    got = _info_lines(s, b"errorstats", b"errorstat_")
    assert got == [b"errorstat_ERR:count=1"], f"{NAME}: pcall's error counted {got}"
    _replay([
        ((b"CONFIG", b"RESETSTAT"), b"+OK\r\n"),
        ((b"EVAL", b"return redis.call('incr','str')", b"0"),
         b"-" + INCR_ERR + b" script: 851ab5c4815573433b8c8eed0a889f947a2e885a, "
         b"on @user_script:1.\r\n"),
    ], s)
    got = _info_lines(s, b"errorstats", b"errorstat_")
    assert got == [b"errorstat_ERR:count=1"], f"{NAME}: call's error counted {got}"
    _replay([
        ((b"CONFIG", b"RESETSTAT"), b"+OK\r\n"),
        ((b"EVAL", b"return {1, redis.error_reply('MY x')}", b"0"), b"*2\r\n:1\r\n-MY x\r\n"),
        ((b"EVAL", b"return {1, redis.pcall('incr','str')}", b"0"),
         b"*2\r\n:1\r\n-" + INCR_ERR + b"\r\n"),
        ((b"EVAL", b"return {1,2}", b"0"), b"*2\r\n:1\r\n:2\r\n"),
    ], s)
    got = _info_lines(s, b"errorstats", b"errorstat_")
    assert got == [b"errorstat_ERR:count=1", b"errorstat_MY:count=1"], \
        f"{NAME}: nested errors counted {got}"
    got = _info_lines(s, b"commandstats", b"cmdstat_eval:")
    assert len(got) == 1 and got[0].startswith(b"cmdstat_eval:calls=3,") and \
        got[0].endswith(b",rejected_calls=0,failed_calls=2"), f"{NAME}: eval's stats {got}"


def check_shebang_writes() -> None:
    """A shebang without no-writes may write; with it, not; EVALSHA writes, EVALSHA_RO not."""
    _replay([
        ((b"SET", b"k", b"v0"), b"+OK\r\n"),
        ((b"EVAL", b"#!lua\nreturn redis.call('set','k','v')", b"0"), b"+OK\r\n"),
        ((b"EVAL", b"#!lua flags=no-writes\nreturn redis.call('set','k','v')", b"0"),
         b"-ERR Write commands are not allowed from read-only scripts. script: "
         b"34c8c9d31128963989284e33e9f94720fd85832d, on @user_script:2.\r\n"),
        ((b"SCRIPT", b"LOAD", b"return redis.call('set','k','v1')"),
         b"$40\r\ne559089cc415bca08da6b9495b146e617e1d8448\r\n"),
        ((b"EVALSHA", b"e559089cc415bca08da6b9495b146e617e1d8448", b"0"), b"+OK\r\n"),
        ((b"EVALSHA_RO", b"e559089cc415bca08da6b9495b146e617e1d8448", b"0"),
         b"-ERR Write commands are not allowed from read-only scripts. script: "
         b"e559089cc415bca08da6b9495b146e617e1d8448, on @user_script:1.\r\n"),
    ])


OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"


def check_flags_under_oom() -> None:
    """``maxmemory 1``: the shebang's flags decide deny-oom for EVAL and EVALSHA; inside, a
    deny-oom command is refused, a read runs, allow-oom lets a write run."""
    _replay([
        ((b"SET", b"k", b"v0"), b"+OK\r\n"),
        ((b"SCRIPT", b"LOAD", b"#!lua\nreturn 2"),
         b"$40\r\n327e60b78547ebb77ec450ead371d5bd10cbdd69\r\n"),
        ((b"SCRIPT", b"LOAD", b"#!lua flags=no-writes\nreturn 3"),
         b"$40\r\n50ad2340de91fe7294d5c746ad721ff185c16fc5\r\n"),
        ((b"CONFIG", b"SET", b"maxmemory", b"1"), b"+OK\r\n"),
        ((b"EVAL", b"return 1", b"0"), b":1\r\n"),
        ((b"EVAL", b"#!lua\nreturn 1", b"0"), OOM),
        ((b"EVAL", b"#!lua flags=no-writes\nreturn 1", b"0"), b":1\r\n"),
        ((b"EVAL", b"#!lua flags=allow-oom\nreturn redis.call('set','k','v2')", b"0"),
         b"+OK\r\n"),
        ((b"EVAL", b"return redis.call('get','k')", b"0"), b"$2\r\nv2\r\n"),
        ((b"EVAL", b"return redis.call('set','k','v3')", b"0"),
         b"-OOM command not allowed when used memory > 'maxmemory'. script: "
         b"86d508d903d6e20e29bf5409a6e601f796138e3f, on @user_script:1.\r\n"),
        ((b"EVALSHA", b"327e60b78547ebb77ec450ead371d5bd10cbdd69", b"0"), OOM),
        ((b"EVALSHA", b"50ad2340de91fe7294d5c746ad721ff185c16fc5", b"0"), b":3\r\n"),
        ((b"EVALSHA_RO", b"327e60b78547ebb77ec450ead371d5bd10cbdd69", b"0"), OOM),
    ])


def check_write_gates_only_for_writes() -> None:
    """scriptCall's NOREPLICAS and READONLY gates refuse writes and let reads run."""
    _replay([
        ((b"SET", b"k", b"v2"), b"+OK\r\n"),
        ((b"CONFIG", b"SET", b"min-replicas-to-write", b"1"), b"+OK\r\n"),
        ((b"EVAL", b"return redis.call('get','k')", b"0"), b"$2\r\nv2\r\n"),
        ((b"EVAL", b"return redis.call('set','k','v4')", b"0"),
         b"-NOREPLICAS Not enough good replicas to write. script: "
         b"9c04b01d47eeb11a5c211eafc4fd21e068fc33c0, on @user_script:1.\r\n"),
        ((b"CONFIG", b"SET", b"min-replicas-to-write", b"0"), b"+OK\r\n"),
        ((b"REPLICAOF", b"127.0.0.1", b"1"), b"+OK\r\n"),
        ((b"EVAL", b"return redis.call('get','k')", b"0"), b"$2\r\nv2\r\n"),
        ((b"EVAL", b"return redis.call('set','k','v5')", b"0"),
         b"-READONLY You can't write against a read only replica. script: "
         b"2758a77b0aebb528d2d2975a6e0251bafe15c205, on @user_script:1.\r\n"),
    ])


def check_script_flags_at_the_replica_gates() -> None:
    """processCommand's READONLY and MASTERDOWN gates read ``getCommandFlags``: on a
    read-only replica ``#!lua`` (may write) is refused, ``flags=no-writes`` runs; with
    ``replica-serve-stale-data no`` (link down) ``flags=no-writes`` is refused,
    ``no-writes,allow-stale`` runs. (The spec let the first run and refused nothing: it read
    EVAL's own flags.)"""
    _replay([
        ((b"SET", b"k", b"v"), b"+OK\r\n"),
        ((b"REPLICAOF", b"127.0.0.1", b"1"), b"+OK\r\n"),
        ((b"EVAL", b"#!lua\nreturn 1", b"0"),
         b"-READONLY You can't write against a read only replica.\r\n"),
        ((b"EVAL", b"#!lua flags=no-writes\nreturn 1", b"0"), b":1\r\n"),
        ((b"CONFIG", b"SET", b"replica-serve-stale-data", b"no"), b"+OK\r\n"),
        ((b"EVAL", b"#!lua flags=no-writes\nreturn 1", b"0"),
         b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to "
         b"'no'.\r\n"),
        ((b"EVAL", b"#!lua flags=no-writes,allow-stale\nreturn 1", b"0"), b":1\r\n"),
    ])


def check_acl_check_cmd() -> None:
    """``redis.acl_check_cmd`` as the caller's user."""
    _replay([
        ((b"EVAL", b"return redis.acl_check_cmd('set','k','v')", b"0"), b":1\r\n"),
        ((b"ACL", b"SETUSER", b"u", b"on", b">p", b"+eval", b"+get", b"~*"), b"+OK\r\n"),
        ((b"AUTH", b"u", b"p"), b"+OK\r\n"),
        ((b"EVAL", b"return redis.acl_check_cmd('set','k','v')", b"0"), b"$-1\r\n"),
        ((b"EVAL", b"return redis.acl_check_cmd('get','k')", b"0"), b":1\r\n"),
    ])


def check_disk_error_gates() -> None:
    """``scriptVerifyWriteCommandAllow`` (7.0.15's source) returns at once for a command
    without the write flag: after a failed BGSAVE (save points, stop-writes-on-bgsave-error)
    or a failed AOF write, a script's GET runs and its SET gets the MISCONF error."""
    s = _replay([((b"SET", b"k", b"v"), b"+OK\r\n"),
                 ((b"CONFIG", b"SET", b"save", b"3600 1"), b"+OK\r\n")])
    s.state = replace(s.state, persist=attrs.evolve(s.state.persist, lastbgsave_ok=False))
    _replay([
        ((b"EVAL", b"return redis.call('get','k')", b"0"), b"$1\r\nv\r\n"),
        ((b"EVAL", b"return redis.call('set','k','v')", b"0"),
         b"-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
         b"persist to disk. Commands that may modify the data set are disabled, because this "
         b"instance is configured to report errors during writes if RDB snapshotting fails "
         b"(stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
         b"the RDB error. script: d223ed8c7345b684e8ed044ed472601f536fa58b, on "
         b"@user_script:1.\r\n"),
    ], s)
    s = _replay([((b"SET", b"k", b"v"), b"+OK\r\n")])
    s.state = replace(s.state, aof=attrs.evolve(s.state.aof, status=aof.AOF_ON, last_write_ok=False,
                                                last_write_error="No space left on device"))
    _replay([
        ((b"EVAL", b"return redis.call('get','k')", b"0"), b"$1\r\nv\r\n"),
        ((b"EVAL", b"return redis.call('set','k','v')", b"0"),
         b"-MISCONF Errors writing to the AOF file: No space left on device script: "
         b"d223ed8c7345b684e8ed044ed472601f536fa58b, on @user_script:1.\r\n"),
    ], s)


def test_boundary_mscript_replies() -> None:
    check_disk_error_gates()
    check_random_sequence()
    check_conversions()
    check_script_debug_and_load()
    check_error_stats()
    check_shebang_writes()
    check_flags_under_oom()
    check_write_gates_only_for_writes()
    check_acl_check_cmd()
    check_script_flags_at_the_replica_gates()


# -- spec/scripting.py: the busy script's hook ------------------------------------------------


def _req(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


#: Spins for 3*10^6 loops (~30 ms of the model's clock) unless killed: bounded, so that a
#: planted bug that never kills it still ends.
SPIN = b"local i = 0\nwhile i < 3000000 do i = i + 1 end"
KILLED = (b"-ERR Script killed by user with SCRIPT KILL... script: " + sha1hex(SPIN).encode()
          + b", on @user_script:2.\r\n")


def _busy(n: int = 2, threshold: int = 10) -> tuple[ServerState, list[int]]:
    st = S.new_server(0, **{"busy-reply-threshold": threshold})
    ids = []
    for _ in range(n):
        st, cid = S.client_connect(st, 0)
        ids.append(cid)
    return st, ids


def _eval(st: ServerState, cid: int, body: bytes, port: Any) -> tuple[ServerState, bytes]:
    try:
        st, eff = S.client_input(st, cid, _req(b"EVAL", body, b"0"), 0, busy_port=port)
    except Exception as e:  # a crash of the spec is a failed check too
        raise AssertionError(f"{NAME}: EVAL raised {e!r}") from e
    return st, S.output_for(eff, cid)


class AcceptPort(ModelPort):
    """A ModelPort that accepts the given connections at its first call."""

    def __init__(self, batches: Any, accepted: list[tuple[str, str, int]]) -> None:
        super().__init__(batches)
        self.pending = list(accepted)
        self.bound: list[tuple[int, int]] = []

    def accepted(self) -> Any:
        out, self.pending = self.pending, []
        return out

    def bind(self, fd: int, client_id: int) -> None:
        self.bound.append((fd, client_id))


def check_accept_while_busy() -> None:
    """A connection accepted from the hook gets the next id and is counted; the next one the
    id after it. ``processEventsWhileBlocked`` ran twice (two hook calls past the
    threshold)."""
    st, (a,) = _busy(1)
    port = AcceptPort([[], [(2, _req(b"CLIENT", b"ID") + _req(b"SCRIPT", b"KILL"))]],
                      [("127.0.0.1:5555", "127.0.0.1:6379", 9)])
    st, out = _eval(st, a, SPIN, port)
    assert out == KILLED, f"{NAME}: {out!r}"
    assert port.bound == [(9, 2)], f"{NAME}: bound {port.bound}"
    assert port.replies == [(2, b"-" + BUSY_EVAL.encode() + b"\r\n+OK\r\n")], \
        f"{NAME}: {port.replies}"
    assert port.calls == 2, f"{NAME}: processEventsWhileBlocked ran {port.calls} times"
    st, c = S.client_connect(st, 0)
    assert c == 3, f"{NAME}: next client id {c}"
    st, eff = S.client_input(st, a, _req(b"INFO", b"stats"), 0)
    lines = S.output_for(eff, a).split(b"\r\n")
    assert b"total_connections_received:3" in lines, f"{NAME}: {lines}"


def check_protocol_error_while_busy() -> None:
    """Another client's protocol error is replied and closes it: its next input is not read."""
    st, (a, b, c) = _busy(3)
    port = ModelPort([[(b, b"*1\r\n$-5\r\n")], [(b, _req(b"PING")), (c, _req(b"SCRIPT", b"KILL"))]])
    st, out = _eval(st, a, SPIN, port)
    assert out == KILLED, f"{NAME}: {out!r}"
    assert port.replies == [(b, b"-ERR Protocol error: invalid bulk length\r\n"),
                            (c, b"+OK\r\n")], f"{NAME}: {port.replies}"


def check_reply_off_while_busy() -> None:
    """CLIENT REPLY OFF: nothing is written to the client while busy."""
    st, (a, b) = _busy(2)
    st, eff = S.client_input(st, b, _req(b"CLIENT", b"REPLY", b"OFF"), 0)
    port = ModelPort([[(b, _req(b"GET", b"x") + _req(b"SCRIPT", b"KILL"))]])
    st, out = _eval(st, a, SPIN, port)
    assert out == KILLED and port.replies == [], f"{NAME}: {out!r} {port.replies}"


def _slow_logs(st: ServerState) -> int:
    return sum(1 for op in st.aof.ops if op[0] == "log" and "Slow script detected" in op[2])


def check_hook_before_and_after_threshold() -> None:
    """Below the threshold the hook serves nobody; past it, once per hook call (the first
    at 10 ms = 1,000,000 instructions, then every 100,000), the warning logged once; a
    bounded script past the threshold ends by itself; with the threshold 0 there is no hook
    (``luaCallFunction`` sets it only for a threshold above 0)."""
    st, (a,) = _busy(1)
    port = ModelPort()
    body = b"local i = 0 while i < 300000 do i = i + 1 end return i"  # ~3 hook calls
    st, out = _eval(st, a, body, port)
    assert out == b":300000\r\n" and port.calls == 0, f"{NAME}: {out!r} calls {port.calls}"
    st, (a,) = _busy(1)
    port = ModelPort()
    body = b"local i = 0 while i < 1000000 do i = i + 1 end return i"
    st, out = _eval(st, a, body, port)
    assert out == b":1000000\r\n", f"{NAME}: bounded script past the threshold: {out!r}"
    assert port.calls > 0, f"{NAME}: never polled"
    assert _slow_logs(st) == 1, f"{NAME}: slow script logged {_slow_logs(st)} times"
    st, (a,) = _busy(1, threshold=0)  # busy-reply-threshold 0: no hook at all
    port = ModelPort()
    st, out = _eval(st, a, body, port)
    assert out == b":1000000\r\n" and port.calls == 0, f"{NAME}: threshold 0 polled {port.calls}"
    assert _slow_logs(st) == 0, f"{NAME}: threshold 0 logged a slow script"


def check_kill_read_only_not_writer() -> None:
    """A script that only read is killed; one that wrote is UNKILLABLE and finishes."""
    st, (a, b) = _busy(2)
    body = b"redis.call('get','k')\nlocal i = 0\nwhile i < 3000000 do i = i + 1 end"
    port = ModelPort([[(b, _req(b"SCRIPT", b"KILL"))]])
    st, out = _eval(st, a, body, port)
    assert out.startswith(b"-ERR Script killed by user with SCRIPT KILL..."), f"{NAME}: {out!r}"
    assert port.replies == [(b, b"+OK\r\n")], f"{NAME}: {port.replies}"
    body = (b"redis.call('set', 'k', 'v') local i = 0 while i < 3000000 do i = i + 1 end "
            b"return i")
    port = ModelPort([[(b, _req(b"SCRIPT", b"KILL"))]])
    st, out = _eval(st, a, body, port)
    assert out == b":3000000\r\n", f"{NAME}: {out!r}"
    assert port.replies == [(b, b"-" + UNKILLABLE.encode() + b"\r\n")], f"{NAME}: {port.replies}"


def check_monitor_sees_eval() -> None:
    """``evalCommand`` feeds the monitors itself: MONITOR of another client sees EVAL."""
    st, (a, b) = _busy(2)
    st, eff = S.client_input(st, b, _req(b"MONITOR"), 0)
    st, eff = S.client_input(st, a, _req(b"EVAL", b"return 1", b"0"), 0)
    got = S.output_for(eff, b) + st.clients[b].reply
    assert b'"EVAL" "return 1" "0"' in got, f"{NAME}: monitor got {got!r}"


def check_monitor_client_while_busy() -> None:
    """A MONITOR client's own command run from the hook is followed by its own line; a
    refused one (BUSY) is not (recorded live: ``-BUSY``, ``+OK``, ``"SCRIPT" "KILL"``)."""
    st, (a, b) = _busy(2)
    st, eff = S.client_input(st, b, _req(b"MONITOR"), 0)
    port = ModelPort([[(b, _req(b"PING") + _req(b"SCRIPT", b"KILL"))]])
    st, out = _eval(st, a, SPIN, port)
    want = (b"-" + BUSY_EVAL.encode() + b"\r\n+OK\r\n"
            b'+0.000000 [0 127.0.0.1:0] "SCRIPT" "KILL"\r\n')
    assert out == KILLED and port.replies == [(b, want)], f"{NAME}: {port.replies}"


def check_exec_in_last_db() -> None:
    """MULTI … EXEC around a script's writes in two databases: EXEC goes out in the database
    of the last write (no SELECT of its own, as Redis's dbid -1)."""
    st, (a,) = _busy(1)
    body = b"redis.call('set','a','1') redis.call('select','1') redis.call('set','b','1')"
    st, eff = S.client_input(st, a, _req(b"EVAL", body, b"0"), 0)
    got = list(eff.propagate)
    assert got == [(0, (b"MULTI",)), (0, (b"set", b"a", b"1")), (1, (b"set", b"b", b"1")),
                   (1, (b"EXEC",))], f"{NAME}: propagated {got}"


def test_boundary_mscript_busy() -> None:
    check_accept_while_busy()
    check_protocol_error_while_busy()
    check_reply_off_while_busy()
    check_hook_before_and_after_threshold()
    check_kill_read_only_not_writer()
    check_monitor_sees_eval()
    check_monitor_client_while_busy()
    check_exec_in_last_db()



# -- spec/functions.py ------------------------------------------------------------------------

LIB_BEE = (b"#!lua name=bee\n"
           b"redis.register_function{function_name='w', callback=function(k) "
           b"return redis.call('set', k[1], 'v') end}\n"
           b"redis.register_function{function_name='ao', callback=function(k) "
           b"return redis.call('set', k[1], 'v') end, flags={'allow-oom'}}\n"
           b"redis.register_function{function_name='nw', callback=function() return 'nw' end, "
           b"flags={'no-writes'}}")


def _fn(name: bytes, body: bytes) -> bytes:
    return b"#!lua name=" + name + b"\n" + body


def check_function_names_and_replace() -> None:
    """Library names of ``_``, ``A``..``Z``, ``z``; a NUL ends the shebang (C string); a
    REPLACE that collides puts the old library back."""
    _replay([
        ((b"FUNCTION", b"LOAD", _fn(b"a_b", b"redis.register_function('f1', function() "
                                           b"return 1 end)")), b"$3\r\na_b\r\n"),
        ((b"FUNCTION", b"LOAD", _fn(b"AZz", b"redis.register_function('f2', function() "
                                           b"return 2 end)")), b"$3\r\nAZz\r\n"),
        ((b"FUNCTION", b"LOAD", _fn(b"x\0", b"redis.register_function('f3', function() "
                                           b"return 3 end)")),
         b"-ERR Invalid library metadata\r\n"),
        ((b"FUNCTION", b"LOAD", b"REPLACE", _fn(b"AZz", b"redis.register_function('f1', "
                                                      b"function() return 22 end)")),
         b"-ERR Function f1 already exists\r\n"),
        ((b"FCALL", b"f2", b"0"), b":2\r\n"),
        ((b"FUNCTION", b"LOAD", _fn(b"c", b"redis.register_function('f1', function() "
                                         b"return 1 end)")),
         b"-ERR Function f1 already exists\r\n"),
        ((b"FUNCTION", b"LIST", b"LIBRARYNAME", b"c"), b"*0\r\n"),
    ])


def check_function_list_arguments() -> None:
    """FUNCTION LIST's LIBRARYNAME (matched without case) and WITHCODE, each once."""
    _replay([
        ((b"FUNCTION", b"LOAD", _fn(b"a_b", b"redis.register_function('f1', function() "
                                           b"return 1 end)")), b"$3\r\na_b\r\n"),
        ((b"FUNCTION", b"LOAD", _fn(b"AZz", b"redis.register_function('f2', function() "
                                           b"return 2 end)")), b"$3\r\nAZz\r\n"),
        ((b"FUNCTION", b"LIST", b"LIBRARYNAME", b"az*"),
         b"*1\r\n*6\r\n$12\r\nlibrary_name\r\n$3\r\nAZz\r\n$6\r\nengine\r\n$3\r\nLUA\r\n"
         b"$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$2\r\nf2\r\n$11\r\ndescription\r\n"
         b"$-1\r\n$5\r\nflags\r\n*0\r\n"),
        ((b"FUNCTION", b"LIST", b"LIBRARYNAME", b"a_*", b"WITHCODE"),
         b"*1\r\n*8\r\n$12\r\nlibrary_name\r\n$3\r\na_b\r\n$6\r\nengine\r\n$3\r\nLUA\r\n"
         b"$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$2\r\nf1\r\n$11\r\ndescription\r\n"
         b"$-1\r\n$5\r\nflags\r\n*0\r\n$12\r\nlibrary_code\r\n$69\r\n#!lua name=a_b\n"
         b"redis.register_function('f1', function() return 1 end)\r\n"),
        ((b"FUNCTION", b"LIST", b"WITHCODE", b"LIBRARYNAME", b"q*"), b"*0\r\n"),
        ((b"FUNCTION", b"LIST", b"LIBRARYNAME"),
         b"-ERR library name argument was not given\r\n"),
        ((b"FUNCTION", b"LIST", b"WITHCODE", b"WITHCODE"),
         b"-ERR Unknown argument WITHCODE\r\n"),
        ((b"FUNCTION", b"LIST", b"LIBRARYNAME", b"a", b"LIBRARYNAME", b"b"),
         b"-ERR Unknown argument LIBRARYNAME\r\n"),
        ((b"FUNCTION", b"LIST", b"WITHCODE", b"LIBRARYNAME"),
         b"-ERR library name argument was not given\r\n"),
        ((b"FUNCTION", b"KILL"), b"-NOTBUSY No scripts in execution right now.\r\n"),
    ])


def _changes(s: Session) -> int:
    (line,) = _info_lines(s, b"persistence", b"rdb_changes_since_last_save:")
    return int(line.split(b":")[1])


def check_function_flags_and_dirty() -> None:
    """FUNCTION DELETE is one change; under ``maxmemory 1`` the function's flags decide:
    allow-oom writes, no flags is deny-oom (-OOM), no-writes runs."""
    s = _replay([((b"FUNCTION", b"LOAD", LIB_BEE), b"$3\r\nbee\r\n"),
                 ((b"FUNCTION", b"LOAD", _fn(b"AZz", b"redis.register_function('f2', "
                                                    b"function() return 2 end)")),
                  b"$3\r\nAZz\r\n")])
    before = _changes(s)
    _replay([((b"FUNCTION", b"DELETE", b"AZz"), b"+OK\r\n")], s)
    assert _changes(s) == before + 1, f"{NAME}: FUNCTION DELETE changes {_changes(s) - before}"
    _replay([
        ((b"CONFIG", b"SET", b"maxmemory", b"1"), b"+OK\r\n"),
        ((b"FCALL", b"ao", b"1", b"k"), b"+OK\r\n"),
        ((b"FCALL", b"w", b"1", b"k"), OOM),
        ((b"FCALL", b"nw", b"0"), b"$2\r\nnw\r\n"),
        ((b"FCALL_RO", b"nw", b"0"), b"$2\r\nnw\r\n"),
    ], s)


def check_function_restore_payloads() -> None:
    """``verifyDumpPayload``: 10 bytes (the empty dump) are a payload, 8 are not; RDB
    version 11 is refused; a payload naming one library twice is refused."""
    dup = _fn(b"dup", b"redis.register_function('d', function() return 1 end)")
    dup_payload = functions_dump([FunctionLibrary(b"dup", dup, ())] * 2)
    _replay([
        ((b"FUNCTION", b"DUMP"), b"$10\r\n\n\x00]\x9b\\@\x0f\x7f\xa2\xda\r\n"),
        ((b"FUNCTION", b"RESTORE", b"\n\x00]\x9b\\@\x0f\x7f\xa2\xda"), b"+OK\r\n"),
        ((b"FUNCTION", b"RESTORE", b"\0" * 8),
         b"-ERR DUMP payload version or checksum are wrong\r\n"),
        ((b"FUNCTION", b"RESTORE", b"\x0b\x004D\xe13\xf2\xe0KS"),
         b"-ERR DUMP payload version or checksum are wrong\r\n"),
        ((b"FUNCTION", b"RESTORE", dup_payload), b"-ERR Library 'dup' already exists\r\n"),
        ((b"FUNCTION", b"LIST"), b"*0\r\n"),
    ])


def check_function_flush_lazy() -> None:
    """FUNCTION FLUSH SYNC frees 65 functions at once (``lazyfreed_objects`` 0), ASYNC in
    the background (65)."""
    many = _fn(b"many", b"".join(b"redis.register_function('f%d', function() return 1 end)\n"
                                 % i for i in range(65)))
    s = _replay([((b"FUNCTION", b"LOAD", many), b"$4\r\nmany\r\n"),
                 ((b"FUNCTION", b"FLUSH", b"SYNC"), b"+OK\r\n")])
    got = _info_lines(s, b"memory", b"lazyfreed_objects:")
    assert got == [b"lazyfreed_objects:0"], f"{NAME}: FLUSH SYNC {got}"
    _replay([((b"FUNCTION", b"LOAD", many), b"$4\r\nmany\r\n"),
             ((b"FUNCTION", b"FLUSH", b"ASYNC"), b"+OK\r\n")], s)
    got = _info_lines(s, b"memory", b"lazyfreed_objects:")
    assert got == [b"lazyfreed_objects:65"], f"{NAME}: FLUSH ASYNC {got}"


LIB_SPIN = (b"#!lua name=lib\n"
            b"redis.register_function('spin', function() local i = 0 while i < 3000000 do "
            b"i = i + 1 end return i end)\n")


def check_function_kill_while_busy() -> None:
    """FUNCTION KILL stops a running function (+OK; its caller gets the kill error); SCRIPT
    KILL does not (BUSY naming FUNCTION KILL)."""
    st, (a, b) = _busy(2)
    st, eff = S.client_input(st, a, _req(b"FUNCTION", b"LOAD", LIB_SPIN), 0)
    port = ModelPort([[(b, _req(b"SCRIPT", b"KILL"))], [(b, _req(b"FUNCTION", b"KILL"))]])
    try:
        st, eff = S.client_input(st, a, _req(b"FCALL", b"spin", b"0"), 0, busy_port=port)
    except Exception as e:  # a crash of the spec is a failed check too
        raise AssertionError(f"{NAME}: FCALL raised {e!r}") from e
    out = S.output_for(eff, a)
    assert out == (b"-ERR Script killed by user with SCRIPT KILL... script: spin, on "
                   b"@user_function:2.\r\n"), f"{NAME}: {out!r}"
    assert port.replies == [(b, b"-" + BUSY_FUNCTION.encode() + b"\r\n"), (b, b"+OK\r\n")], \
        f"{NAME}: {port.replies}"


def test_boundary_mscript_functions() -> None:
    check_function_names_and_replace()
    check_function_list_arguments()
    check_function_flags_and_dirty()
    check_function_restore_payloads()
    check_function_flush_lazy()
    check_function_kill_while_busy()



# -- spec/lualibs ------------------------------------------------------------------------------


def check_libraries_in_script_globals() -> None:
    """cjson, bit, struct and cmsgpack are globals of the script (recorded live); installed
    into a bare runtime (no env: ``tests/test_lualibs.py``'s use), into its globals."""
    _replay([((b"EVAL", b'return {cjson.encode({1,2}), tostring(bit.band(7,3)), '
                        b'struct.pack("B", 65), cmsgpack.pack(1)}', b"0"),
              b"*4\r\n$5\r\n[1,2]\r\n$1\r\n3\r\n$1\r\nA\r\n$1\r\n\x01\r\n")])
    rt = lua51.LuaRuntime(encoding=None, register_eval=False, register_builtins=False)
    try:
        lualibs.install_libraries(rt)
    except Exception as e:  # a crash of the spec is a failed check too
        raise AssertionError(f"{NAME}: install_libraries(rt) raised {e!r}") from e
    got = rt.eval(b"cjson.encode({1,2})")
    assert got == b"[1,2]", f"{NAME}: bare runtime cjson {got!r}"


def test_boundary_mscript_lualibs() -> None:
    check_libraries_in_script_globals()


def test_planted_libraries_in_runtime_globals(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, lualibs, "install_libraries", "if env is None else env",
          "if env is not None else env")
    _trips(check_libraries_in_script_globals)


# -- planted bugs: each is one surviving mutant of spec/scripting.py ---------------------------


def _sub_handler(monkeypatch: pytest.MonkeyPatch, top: bytes, sub: bytes, fn: Any) -> None:
    """Swap a subcommand's handler (SCRIPT LOAD, SCRIPT DEBUG) for this test only."""
    cmd = dispatch.TABLE[top]
    subs = dict(cmd.subcommands)
    subs[sub] = attrs.evolve(subs[sub], handler=fn)
    monkeypatch.setitem(dispatch.TABLE, top, attrs.evolve(cmd, subcommands=subs))


def _getters(monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    """EVAL's and EVALSHA's flag getters rebuilt from a planted ``eval_command_flags``."""
    for name, sha in (("eval", False), ("eval_ro", False), ("evalsha", True),
                      ("evalsha_ro", True)):
        monkeypatch.setitem(dispatch.FLAG_GETTERS, name, make(sha))


def test_planted_port_calls_counted_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ModelPort, "events", "self.calls += 1", "self.calls += 2")
    _trips(check_accept_while_busy)


def test_planted_accepted_client_id_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "process_events_while_blocked",
                     "s.next_client_id = cid + 1", "s.next_client_id = cid")
    _trips(check_accept_while_busy)


def test_planted_accepted_counted_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "process_events_while_blocked",
                     "total_connections_received + 1", "total_connections_received + 2")
    _trips(check_accept_while_busy)


def test_planted_protocol_error_unanswered(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "busy_client_input",
                     "type(req) is not QueryBufferLimit", "type(req) is QueryBufferLimit")
    _trips(check_protocol_error_while_busy)


def test_planted_protocol_error_keeps_client(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "busy_client_input",
                     "s.update_client(closing=True)", "s.update_client(closing=False)")
    _trips(check_protocol_error_while_busy)


def test_planted_reply_flags_read_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "busy_client_input",
                     "not (info.bpop is not None and", "not (info.bpop is None and")
    _trips(check_reply_off_while_busy)


def test_planted_own_monitor_line_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "busy_client_input",
                     "s.commands_processed != n0", "s.commands_processed == n0")
    _trips(check_monitor_client_while_busy)


def test_planted_run_starts_timed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "__init__", "self.timed_out = False", "self.timed_out = True")
    _trips(check_hook_before_and_after_threshold)


def test_planted_hook_at_threshold_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "start_run", 's.config["busy-reply-threshold"] > 0',
                     's.config["busy-reply-threshold"] >= 0')
    _trips(check_hook_before_and_after_threshold)


def test_planted_run_starts_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "__init__", "self.killed = False", "self.killed = True")
    _trips(check_hook_before_and_after_threshold)


def test_planted_timed_out_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_interrupt", "self.timed_out = True  #",
          "self.timed_out = False  #")
    _trips(check_hook_before_and_after_threshold)


def test_planted_interrupt_without_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_interrupt", "s.exit_code is not None",
          "s.exit_code is None")
    _trips(check_hook_before_and_after_threshold)


def test_planted_read_marks_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_command",
                     'if "write" in flags:\n        run.wrote = True',
                     'if "write" not in flags:\n        run.wrote = True')
    _trips(check_kill_read_only_not_writer)


def test_planted_write_not_dirty(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_command", "run.wrote = True",
                     "run.wrote = False")
    _trips(check_kill_read_only_not_writer)


def test_planted_rand48_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_rand", "& RAND48_MASK", "& (RAND48_MASK - 1)")
    _trips(check_random_sequence)


def test_planted_no_argument_call_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_call", "return False, b\"Please specify",
          "return True, b\"Please specify")
    _trips(check_conversions)


def test_planted_command_error_counted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_call", 'value[b"ignore_error_stats_update"] = True',
          'value[b"ignore_error_stats_update"] = False')
    _trips(check_error_stats)


def test_planted_command_error_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_call", "return False, value", "return True, value")
    _trips(check_error_stats)


def test_planted_acl_check_unrestricted_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_acl", "self.s.client.user not in acl.restricted",
          "self.s.client.user in acl.restricted")
    _trips(check_acl_check_cmd)


def test_planted_acl_check_inverted(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, ScriptRun, "lua_acl", "[0] == ACL_OK", "[0] != ACL_OK")
    _trips(check_acl_check_cmd)


def test_planted_readonly_gate_on_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_command",
                     '"write" in flags and read_only_replica(s)',
                     '"write" not in flags and read_only_replica(s)')
    _trips(check_write_gates_only_for_writes)


def test_planted_noreplicas_gate_on_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_command", '"write" in flags and no_replicas(s)',
                     '"write" not in flags and no_replicas(s)')
    _trips(check_write_gates_only_for_writes)


@pytest.mark.parametrize("old,new", [
    ('"write" in flags and writes_denied_by_disk_error(s)',
     '"write" not in flags and writes_denied_by_disk_error(s)'),
    ('"write" in flags and not s.part("aof").last_write_ok',
     '"write" not in flags and not s.part("aof").last_write_ok'),
    ("if aof_error is not None:", "if aof_error is None:"),
])
def test_planted_disk_gates(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, scripting, "script_command", old, new)
    _trips(check_disk_error_gates)


def test_planted_oom_gate_on_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_command", '("denyoom" in flags',
                     '("denyoom" not in flags')
    _trips(check_flags_under_oom)


def test_planted_null_array_true(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "frame_to_lua",
                     "if f.children is None:\n            return False",
                     "if f.children is None:\n            return True")
    _trips(check_conversions)


def test_planted_resp3_set_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "frame_to_lua", 'k == b"%" or k == b"~"',
                     'k == b"%" or k != b"~"')
    _trips(check_conversions)


def test_planted_resp3_set_members_false(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "frame_to_lua", "inner[frame_to_lua(rt, c)] = True",
                     "inner[frame_to_lua(rt, c)] = False")
    _trips(check_conversions)


def test_planted_llong_max_plus_one(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "_ll", "x >= 9223372036854775808.0",
                     "x > 9223372036854775808.0")
    _trips(check_conversions)


def test_planted_returned_error_counted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "lua_to_reply",
                     'get(v, b"ignore_error_stats_update") is True',
                     'get(v, b"ignore_error_stats_update") is not True')
    _trips(check_error_stats)


def test_planted_raised_error_counted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "finish_run",
                     'run.rawget(v, b"ignore_error_stats_update") is True',
                     'run.rawget(v, b"ignore_error_stats_update") is not True')
    _trips(check_error_stats)


def test_planted_exec_in_an_earlier_db(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "finish_run", "prop.append((prop[-1][0],",
                     "prop.append((prop[-2][0],")
    _trips(check_exec_in_last_db)


@pytest.mark.parametrize("old,new", [
    ("len(argv[1]) != 40", "len(argv[1]) == 40"),
    ("len(argv[1]) != 40", "len(argv[2]) != 40"),
    ("argv[1].lower().decode", "argv[2].lower().decode"),
    ("if body is None:", "if body is not None:"),
    ("body = argv[1]", "body = argv[2]"),
    ("sb[0] is None", "sb[0] is not None"),
])
def test_planted_script_flags_lost(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _getters(monkeypatch, plant(monkeypatch, scripting, "eval_command_flags", old, new))
    _trips(check_flags_under_oom)


@pytest.mark.parametrize("eval_sha,evalsha_sha", [(True, True), (False, False)])
def test_planted_getter_of_the_other_command(monkeypatch: pytest.MonkeyPatch, eval_sha: bool,
                                             evalsha_sha: bool) -> None:
    for name in ("eval", "eval_ro"):
        monkeypatch.setitem(dispatch.FLAG_GETTERS, name, scripting.eval_command_flags(eval_sha))
    for name in ("evalsha", "evalsha_ro"):
        monkeypatch.setitem(dispatch.FLAG_GETTERS, name,
                            scripting.eval_command_flags(evalsha_sha))
    _trips(check_flags_under_oom)


def test_planted_no_writes_is_a_write(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_cmd_flags", '"no-writes" not in script_flags',
                     '"no-writes" in script_flags')
    _trips(check_script_flags_at_the_replica_gates)


def test_planted_allow_stale_inverted(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "script_cmd_flags", '"allow-stale" in script_flags',
                     '"allow-stale" not in script_flags')
    _trips(check_script_flags_at_the_replica_gates)


def test_planted_replica_gates_read_command_flags_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old rule (before this round): READONLY read EVAL's own flags."""
    plant_everywhere(monkeypatch, dispatch, "replication_gate",
                     "flags = cmd.flags if argv is None else command_flags(s, cmd, argv)",
                     "flags = cmd.flags")
    _trips(check_script_flags_at_the_replica_gates)


def test_planted_masterdown_reads_command_flags_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old rule (before this round): MASTERDOWN read EVAL's own flags."""
    plant_everywhere(monkeypatch, dispatch, "process_command",
                     '"stale" not in command_flags(s, cmd, argv)', '"stale" not in cmd.flags')
    _trips(check_script_flags_at_the_replica_gates)


def test_planted_oom_refuses_unflagged(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "prepare_refused",
                     "flags is not None and s.pre_command_oom", "flags is None and s.pre_command_oom")
    _trips(check_flags_under_oom)


def test_planted_allow_oom_inverted(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "run_script", '"allow-oom" in flags',
                     '"allow-oom" not in flags')
    _trips(check_flags_under_oom)


def test_planted_shebang_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "run_script", '"no-writes" in flags)',
                     '"no-writes" not in flags)')
    _trips(check_shebang_writes)


@pytest.mark.parametrize("old,new", [
    ("failed = False", "failed = True"),
    ("failed = True", "failed = False"),
    ("if type(x) is Err:", "if type(x) is not Err:"),
    ("s.cmd is not None", "s.cmd is None"),
])
def test_planted_nested_errors(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, scripting, "count_nested_errors", old, new)
    _trips(check_error_stats)


def test_planted_monitor_not_fed(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, scripting, "feed_script_command", "s.cmd is not None",
                     "s.cmd is None")
    _trips(check_monitor_sees_eval)


def test_planted_evalsha_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    fn = plant(monkeypatch, scripting, "evalsha", "_eval_generic(s, argv, True, False)",
               "_eval_generic(s, argv, True, True)")
    replace_handler(monkeypatch, b"evalsha", fn)
    _trips(check_shebang_writes)


def test_planted_evalsha_ro_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    fn = plant(monkeypatch, scripting, "evalsha_ro", "_eval_generic(s, argv, True, True)",
               "_eval_generic(s, argv, True, False)")
    replace_handler(monkeypatch, b"evalsha_ro", fn)
    _trips(check_shebang_writes)


def test_planted_script_load_with_shebang_line(monkeypatch: pytest.MonkeyPatch) -> None:
    fn = plant(monkeypatch, scripting, "script_load", "body, sb[1], [], []",
               "body, sb[0], [], []")
    _sub_handler(monkeypatch, b"script", b"load", fn)
    _trips(check_script_debug_and_load)


@pytest.mark.parametrize("old,new", [
    ('if mode == b"no":', 'if mode != b"no":'),
    ('if mode in (b"yes", b"sync"):', 'if mode not in (b"yes", b"sync"):'),
])
def test_planted_script_debug(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _sub_handler(monkeypatch, b"script", b"debug",
                 plant(monkeypatch, scripting, "script_debug", old, new))
    _trips(check_script_debug_and_load)


# -- planted bugs: each is one surviving mutant of spec/functions.py ---------------------------


@pytest.mark.parametrize("old,new", [
    ("c == 95", "c != 95"),
    ("65 <= c <= 90", "65 < c <= 90"),
    ("65 <= c <= 90", "65 <= c < 90"),
    ("97 <= c <= 122", "97 <= c < 122"),
])
def test_planted_name_rule(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, functions, "verify_name", old, new)
    _trips(check_function_names_and_replace)


def test_planted_shebang_past_nul(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, functions, "extract_lib_metadata", 'code.split(b"\\0", 1)',
                     'code.split(b"\\0", 0)')
    _trips(check_function_names_and_replace)


def test_planted_replaced_library_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, functions, "create_library",
                     "if old is not None:\n            ctx.link(old)",
                     "if old is None:\n            ctx.link(old)")
    _trips(check_function_names_and_replace)


def test_planted_commit_two_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, functions, "_commit", "s.dirty += 1", "s.dirty += 2")
    _trips(check_function_flags_and_dirty)


def test_planted_flush_sync_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    _sub_handler(monkeypatch, b"function", b"flush",
                 plant(monkeypatch, functions, "function_flush", 'argv[2].lower() == b"async"',
                       'argv[2].lower() != b"async"'))
    _trips(check_function_flush_lazy)


def test_planted_function_kill_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    _sub_handler(monkeypatch, b"function", b"kill",
                 plant(monkeypatch, functions, "function_kill", "if run is None:",
                       "if run is not None:"))
    _trips(check_function_list_arguments)


def test_planted_function_kill_as_script_kill(monkeypatch: pytest.MonkeyPatch) -> None:
    _sub_handler(monkeypatch, b"function", b"kill",
                 plant(monkeypatch, functions, "function_kill", "run.kill(False)",
                       "run.kill(True)"))
    _trips(check_function_kill_while_busy)


def test_planted_function_runs_in_eval_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, functions, "_fcall", "start_run(s, run, False,",
                     "start_run(s, run, True,")
    _trips(check_function_kill_while_busy)


@pytest.mark.parametrize("old,new", [
    ('arg.lower() == b"withcode"', 'arg.lower() != b"withcode"'),
    ("with_code = True", "with_code = False"),
    ("pattern is None and", "pattern is not None and"),
    ('arg.lower() == b"libraryname"', 'arg.lower() != b"libraryname"'),
    ("i >= len(argv) - 1", "i > len(argv) - 1"),
    ("i >= len(argv) - 1", "i >= len(argv)"),
    ("i >= len(argv) - 1", "i >= len(argv) - 2"),
    ("i += 1\n            pattern", "i += 0\n            pattern"),
    ("i += 1\n            pattern", "i += 2\n            pattern"),
    ("i += 1\n    out", "i += 2\n    out"),
    ("nocase=True", "nocase=False"),
])
def test_planted_function_list(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _sub_handler(monkeypatch, b"function", b"list",
                 plant(monkeypatch, functions, "function_list", old, new))
    _trips(check_function_list_arguments)


@pytest.mark.parametrize("old,new", [
    ("len(data) < 10", "len(data) <= 10"),
    ("if len(data) < 10:\n        return False", "if len(data) < 10:\n        return True"),
    ("> RDB_VERSION:\n        return False", "> RDB_VERSION:\n        return True"),
])
def test_planted_payload_check(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, functions, "verify_dump_payload", old, new)
    _trips(check_function_restore_payloads)


def test_planted_restore_replaces_within_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, functions, "functions_restore",
                     "create_library(s, ctx, code, False)", "create_library(s, ctx, code, True)")
    _trips(check_function_restore_payloads)


def test_planted_function_allow_oom_inverted(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, functions, "_fcall", '"allow-oom" in info.flags',
                     '"allow-oom" not in info.flags')
    _trips(check_function_flags_and_dirty)


@pytest.mark.parametrize("old,new", [
    ("sc.functions.get(argv[1].lower())", "sc.functions.get(argv[0].lower())"),
    ("sc.functions.get(argv[1].lower())", "sc.functions.get(argv[2].lower())"),
    ("if lib_name is None:", "if lib_name is not None:"),
    ("f.name.lower() == argv[1].lower()", "f.name.lower() != argv[1].lower()"),
    ("f.name.lower() == argv[1].lower()", "f.name.lower() == argv[2].lower()"),
])
def test_planted_fcall_flags(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    fn = plant(monkeypatch, functions, "fcall_command_flags", old, new)
    for name in ("fcall", "fcall_ro"):
        monkeypatch.setitem(dispatch.FLAG_GETTERS, name, fn)
    _trips(check_function_flags_and_dirty)
