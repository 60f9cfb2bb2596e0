"""Boundary checks for the survivors of the boundary-class mutation run of ``spec/dispatch.py``,
``spec/commands/transactions.py`` and ``spec/table.py`` (issue #22, ``tools/mutation.py``), in
the pattern of ``properties/test_boundary_gapkeys.py``: each check puts a Redis rule exactly on
its boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_gapdisp_agree_with_redis``. Observed on redis-server 7.0.15:

- an unknown command's error quotes its arguments while the quoted text is shorter than 128
  bytes: after ``'<125 x>' `` (exactly 128 bytes) nothing more is quoted, after
  ``'<124 x>' `` (127 bytes) the next argument is (cut to the 1 byte of room left);
- every refused call of a command counts one ``rejected_calls`` (INFO commandstats: four wrong
  arity GETs, ``rejected_calls=4``), every call one ``calls``;
- with ``latency-monitor-threshold 1``, DEBUG SLEEP 0.001 is a spike of 1 ms (the spec models
  the sleep as exactly 1000 µs; ``duration/1000 >= threshold``);
- the slow log is trimmed right after CONFIG SET lowers ``slowlog-max-len``; a BLPOP that
  blocked below the threshold is logged when served if the threshold became 0 meanwhile;
- CLIENT CACHING yes (OPTIN) makes the next command, or the next transaction from MULTI to
  EXEC, tracked, and nothing after it;
- CLIENT REPLY SKIP or OFF queued in a transaction acts on the pieces of EXEC's reply that
  follow and on the commands after EXEC; a RESP3 subscriber's own PUBLISH inside EXEC has its
  message first;
- DEBUG (``CMD_PROTECTED``) is refused with ``enable-debug-command no``, with the option's
  text, allowed with ``yes``, and with ``local`` from a loopback client only;
- a user without GET is refused GET with the command's NOPERM text, one without the key or
  the channel with the key's or the channel's; each denial is in ACL LOG with its reason,
  context (``multi`` for a command refused while queueing, the first one too), object and
  user;
- EXEC after the user's rules changed refuses each queued command the rules now deny (the
  reason in the text) and logs it with context ``multi`` and the command's name or the key;
- inside EXEC a BLPOP of an empty list (timeout 0) answers a null array and WAIT 1 0 answers
  ``:0`` at once;
- a tracking client that runs EVAL (or EVAL_RO) ``"return redis.call('get','other')" 1 k`` is
  told when ``k`` changes, not when ``other`` does;
- COMMAND DOCS GET holds, after the summary, since, group, complexity and arguments as
  recorded; COMMAND DOCS CONFIG its subcommands once, as a map;
- on a replica whose link is down, with ``replica-serve-stale-data no``: inside MULTI, TIME
  (flagged stale) is queued after a GET queued while the server was a master; EXEC is then
  refused (``EXECABORT ... MASTERDOWN ...``), a GET outside MULTI too;
- on a read-only replica, inside MULTI, GET is queued after a SET queued while the server
  was a master; EXEC is refused (``EXECABORT ... READONLY ...``);
- under OOM (``maxmemory 1``, ``noeviction``), inside MULTI: GET as the first command of the
  transaction is refused with OOM (and dooms it), DISCARD and an empty EXEC are not; EXEC of a
  queued SET (queued before the limit was lowered) is refused with ``EXECABORT Transaction
  discarded because of: OOM ...``; a GET queued before the limit still runs in EXEC.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from redspec.properties.driver import Session
from redspec.properties.planted import replace_handler
from redspec.properties.test_mutation_gaps import plant
from redspec.spec import dispatch, networking, scripting, server, table
from redspec.spec.commands import registry
from redspec.spec.resp import encode_request

NAME = "boundary_gapdisp_agree_with_redis"

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"


class Clients:
    """Several clients of one spec server (``client_connect`` / ``run_command``)."""

    def __init__(self, **config: Any) -> None:
        self.state = server.new_server(0, **config)
        self.ids: list[int] = []

    def connect(self, addr: str = "127.0.0.1:5000") -> int:
        self.state, cid = server.client_connect(self.state, 0, addr=addr)
        self.ids.append(cid)
        return cid

    def call(self, cid: int, *argv: bytes) -> bytes:
        self.state, frame = server.run_command(self.state, cid, list(argv), 0)
        return frame

    def send(self, cid: int, *argv: bytes) -> None:
        """``argv`` read from ``cid``'s socket (``client_input``): the replies stay queued."""
        self.state, _ = server.client_input(self.state, cid, encode_request(list(argv)), 0, 0)


def check_unknown_command_args_128() -> None:
    """``processCommand``: ``for (i=1; i < argc && sdslen(args) < 128; i++)``."""
    c = Session()
    x125, x124 = b"x" * 125, b"x" * 124
    got = c.call(b"FOO", x125, b"b")
    want = b"-ERR unknown command 'FOO', with args beginning with: '" + x125 + b"' \r\n"
    assert got == want, f"{NAME}: 128 bytes of quoted args: {got!r}"
    got = c.call(b"FOO", x124, b"b", b"c")
    want = b"-ERR unknown command 'FOO', with args beginning with: '" + x124 + b"' 'b' \r\n"
    assert got == want, f"{NAME}: 127 bytes of quoted args: {got!r}"


def _stat(info: bytes, name: bytes) -> tuple[int, int, int]:
    """(calls, rejected_calls, failed_calls) of ``name`` in INFO commandstats."""
    m = re.search(rb"cmdstat_" + name + rb":calls=(\d+),.*?rejected_calls=(\d+),failed_calls=(\d+)",
                  info)
    assert m is not None, f"{NAME}: no cmdstat_{name!r}: {info!r}"
    return int(m[1]), int(m[2]), int(m[3])


def check_call_counts() -> None:
    """``rejectCommand`` counts each refusal, ``call`` each call (``rejected_calls``,
    ``calls``), the first one and every later one, also when one read of the client's socket
    brings several (a pipeline: the spec counts them in one step)."""
    w = Clients()
    a = w.connect()
    w.state, _ = server.client_input(w.state, a, b"*1\r\n$3\r\nGET\r\n" * 4, 0)
    got = _stat(w.call(a, b"INFO", b"commandstats"), b"get")
    assert got == (0, 4, 0), f"{NAME}: 4 refused GETs: {got}"
    w.state, _ = server.client_input(w.state, a, b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" * 3, 0)
    got = _stat(w.call(a, b"INFO", b"commandstats"), b"get")
    assert got == (3, 4, 0), f"{NAME}: 3 GETs: {got}"


DEBUG_REFUSED = (b'-ERR DEBUG command not allowed. If the enable-debug-command option is set '
                 b'to "local", you can run it from a local connection, otherwise you need to '
                 b'set this option in the configuration file, and then restart the server.\r\n')


def check_protected_commands() -> None:
    """``allowProtectedAction``: ``yes`` allows everyone, ``local`` loopback clients only,
    ``no`` nobody; the refusal names the option."""
    for mode, addr, allowed in (("no", "127.0.0.1:5000", False), ("yes", "10.0.0.1:5000", True),
                                ("local", "127.0.0.1:5000", True),
                                ("local", "10.0.0.1:5000", False)):
        w = Clients(**{"enable-debug-command": mode})
        got = w.call(w.connect(addr), b"DEBUG", b"LOG", b"hi")
        want = b"+OK\r\n" if allowed else DEBUG_REFUSED
        assert got == want, f"{NAME}: DEBUG with {mode} from {addr}: {got!r}"


def check_oom_inside_multi() -> None:
    """``processCommand``'s OOM gate inside MULTI: every command but EXEC, DISCARD, QUIT, RESET
    is refused from the first one on; EXEC is refused when a queued command is deny-oom."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(a, b"SET", b"x", b"y")
    assert w.call(a, b"MULTI") == b"+OK\r\n"
    assert w.call(a, b"SET", b"k", b"v") == b"+QUEUED\r\n"
    w.call(b, b"CONFIG", b"SET", b"maxmemory", b"1")
    got = w.call(a, b"EXEC")
    assert got == b"-EXECABORT Transaction discarded because of: " + OOM[1:], \
        f"{NAME}: EXEC of a queued SET under OOM: {got!r}"
    assert w.call(a, b"MULTI") == b"+OK\r\n"
    got = w.call(a, b"GET", b"x")
    assert got == OOM, f"{NAME}: GET as the first command inside MULTI under OOM: {got!r}"
    got = w.call(a, b"DISCARD")
    assert got == b"+OK\r\n", f"{NAME}: DISCARD inside MULTI under OOM: {got!r}"
    w.call(a, b"MULTI")
    got = w.call(a, b"EXEC")
    assert got == b"*0\r\n", f"{NAME}: an empty EXEC under OOM: {got!r}"
    w.call(b, b"CONFIG", b"SET", b"maxmemory", b"0")
    w.call(a, b"MULTI")
    w.call(a, b"GET", b"x")
    w.call(b, b"CONFIG", b"SET", b"maxmemory", b"1")
    got = w.call(a, b"EXEC")
    assert got == b"*1\r\n$1\r\ny\r\n", f"{NAME}: EXEC of a queued GET under OOM: {got!r}"


def check_latency_one_ms() -> None:
    """``call`` → ``latencyAddSampleIfNeeded(event, duration/1000)``: a command of exactly
    1000 µs (DEBUG SLEEP 0.001, modelled) is a 1 ms spike, one of 999 µs is 0 ms (none)."""
    c = Session(**{"enable-debug-command": "yes"})
    c.call(b"CONFIG", b"SET", b"latency-monitor-threshold", b"1")
    c.call(b"DEBUG", b"SLEEP", b"0.000999")
    got = c.call(b"LATENCY", b"LATEST")
    assert got == b"*0\r\n", f"{NAME}: a 999 us command is a spike: {got!r}"
    c.call(b"DEBUG", b"SLEEP", b"0.001")
    got = c.call(b"LATENCY", b"LATEST")
    assert got.startswith(b"*1\r\n*4\r\n$7\r\ncommand\r\n") and got.endswith(b":1\r\n:1\r\n"), \
        f"{NAME}: a 1000 us command with latency-monitor-threshold 1: {got!r}"


MASTERDOWN = (b"-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to "
              b"'no'.\r\n")


def check_masterdown_inside_multi() -> None:
    """``processCommand``'s MASTERDOWN gate (``is_denystale_command``): a command flagged
    stale (TIME) is queued even when the transaction already holds one that is not (GET,
    queued while this server was a master); only EXEC looks at the queued commands."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(b, b"CONFIG", b"SET", b"replica-serve-stale-data", b"no")
    w.call(a, b"MULTI")
    assert w.call(a, b"GET", b"k") == b"+QUEUED\r\n"
    w.call(b, b"REPLICAOF", b"127.0.0.1", b"9")
    got = w.call(a, b"TIME")
    assert got == b"+QUEUED\r\n", f"{NAME}: TIME inside MULTI, link down: {got!r}"
    got = w.call(a, b"EXEC")
    assert got == b"-EXECABORT Transaction discarded because of: " + MASTERDOWN[1:], \
        f"{NAME}: EXEC of a queued GET, link down: {got!r}"
    got = w.call(a, b"GET", b"k")
    assert got == MASTERDOWN, f"{NAME}: GET, link down: {got!r}"


#: COMMAND DOCS GET on redis-server 7.0.15, its summary pair left out (ours is our own words).
DOCS_GET = (b"*2\r\n$3\r\nget\r\n*10\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\n"
            b"string\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\n"
            b"name\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n")
#: The head of COMMAND DOCS CONFIG on 7.0.15 (summary left out), up to its subcommands' map.
DOCS_CONFIG = (b"*2\r\n$6\r\nconfig\r\n*10\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n"
               b"$6\r\nserver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r\n"
               b"subcommands\r\n*")


def check_command_docs() -> None:
    """COMMAND DOCS: every recorded field of the command's docs, in Redis's order after the
    summary, and a container's ``subcommands`` once, as a map of its subcommands' docs."""
    c = Session()
    summary = re.compile(rb"\$7\r\nsummary\r\n\$\d+\r\n[^\r]*\r\n")
    got = summary.sub(b"", c.call(b"COMMAND", b"DOCS", b"GET"), count=1)
    assert got == DOCS_GET, f"{NAME}: COMMAND DOCS GET: {got!r}"
    got = summary.sub(b"", c.call(b"COMMAND", b"DOCS", b"CONFIG"), count=1)
    assert got.startswith(DOCS_CONFIG) and got.count(b"$11\r\nsubcommands\r\n") == 1 \
        and b"$10\r\nconfig|get\r\n" in got, f"{NAME}: COMMAND DOCS CONFIG: {got[:300]!r}"


def _pushes(w: Clients, cid: int) -> bytes:
    """What ``cid`` was sent since its last reply was taken (its pending output), taken now."""
    c = w.state.clients[cid]
    out = c.reply
    w.state = server.client_wrote(w.state, cid, len(out))
    return out


def check_tracking_script_keys() -> None:
    """``call`` → ``trackingRememberKeys`` for a read-only command a script runs: the keys
    remembered are the script command's declared keys (``EVAL ... 1 k``), not the key the
    script read, for EVAL and EVAL_RO alike (observed on 7.0.15)."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(a, b"HELLO", b"3")
    w.call(a, b"CLIENT", b"TRACKING", b"ON")
    inv_k = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
    for ev in (b"EVAL", b"EVAL_RO"):
        got = w.call(a, ev, b"return redis.call('get','other')", b"1", b"k")
        assert got == b"_\r\n", f"{NAME}: {ev!r}: {got!r}"
        w.send(b, b"SET", b"other", b"x")
        got = _pushes(w, a)
        assert got == b"", f"{NAME}: {ev!r} that read 'other': told about it: {got!r}"
        w.send(b, b"SET", b"k", b"x")
        got = _pushes(w, a)
        assert got == inv_k, f"{NAME}: {ev!r} declaring k: not told about k: {got!r}"
        w.call(b, b"DEL", b"other")
        _pushes(w, a)


def check_exec_denies_blocking() -> None:
    """``execCommand`` sets ``server.in_exec`` while the queue runs (``CLIENT_DENY_BLOCKING``):
    a BLPOP of an empty list with timeout 0, and a WAIT for a replica there is not, answer at
    once inside EXEC (7.0.15: ``*1 *-1`` and ``*1 :0``), and the server is out of EXEC after."""
    c = Session()
    for argv, want in (((b"BLPOP", b"nolist", b"0"), b"*1\r\n*-1\r\n"),
                       ((b"WAIT", b"1", b"0"), b"*1\r\n:0\r\n")):
        c.call(b"MULTI")
        c.call(*argv)
        got = c.call(b"EXEC")
        assert got == want, f"{NAME}: {argv[0]!r} inside EXEC: {got!r}"
    c.call(b"RPUSH", b"l", b"a")
    got = c.call(b"BLPOP", b"l", b"0")
    assert got == b"*2\r\n$1\r\nl\r\n$1\r\na\r\n", f"{NAME}: BLPOP after EXEC: {got!r}"


NOPERM_CMD = b"-NOPERM this user has no permissions to run the 'get' command\r\n"
NOPERM_KEY = (b"-NOPERM this user has no permissions to access one of the keys used as "
              b"arguments\r\n")
NOPERM_CHANNEL = (b"-NOPERM this user has no permissions to access one of the channels used as "
                  b"arguments\r\n")
_LOG_ENTRY = re.compile(rb"\$6\r\nreason\r\n\$\d+\r\n(\w+)\r\n\$7\r\ncontext\r\n\$\d+\r\n(\w+)"
                        rb"\r\n\$6\r\nobject\r\n\$\d+\r\n(\w+)\r\n\$8\r\nusername\r\n\$\d+\r\n"
                        rb"(\w+)\r\n")


def check_acl_gate() -> None:
    """``processCommand``'s ACL step for restricted users: the NOPERM text by reason (command,
    key, channel), and the ACL LOG entry (reason, context ``multi`` from the first command
    queued on, object: the command's name, the key or the channel; username), as 7.0.15
    replies and logs the same sequence."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(b, b"ACL", b"SETUSER", b"u", b"on", b"nopass", b"+@all", b"-get", b"~*", b"&*")
    w.call(b, b"ACL", b"SETUSER", b"v", b"on", b"nopass", b"+@all", b"~a*", b"&a*")
    w.call(a, b"AUTH", b"u", b"x")
    got = [w.call(a, b"MULTI"), w.call(a, b"GET", b"k"), w.call(a, b"DISCARD"),
           w.call(a, b"GET", b"k"), w.call(a, b"SET", b"k", b"v")]
    assert got == [b"+OK\r\n", NOPERM_CMD, b"+OK\r\n", NOPERM_CMD, b"+OK\r\n"], \
        f"{NAME}: user u (-get): {got!r}"
    w.call(a, b"AUTH", b"v", b"x")
    got = [w.call(a, b"GET", b"k"), w.call(a, b"PUBLISH", b"ch", b"m"), w.call(a, b"MULTI"),
           w.call(a, b"GET", b"k"), w.call(a, b"DISCARD"), w.call(a, b"GET", b"a1")]
    assert got == [NOPERM_KEY, NOPERM_CHANNEL, b"+OK\r\n", NOPERM_KEY, b"+OK\r\n",
                   b"$-1\r\n"], f"{NAME}: user v (~a* &a*): {got!r}"
    log = _LOG_ENTRY.findall(w.call(b, b"ACL", b"LOG"))
    want = [(b"key", b"multi", b"k", b"v"), (b"channel", b"toplevel", b"ch", b"v"),
            (b"key", b"toplevel", b"k", b"v"), (b"command", b"toplevel", b"get", b"u"),
            (b"command", b"multi", b"get", b"u")]
    assert log == want, f"{NAME}: ACL LOG {log!r}"


_RECHECK = (b"-NOPERM ACLs rules changed between the moment the transaction was accumulated and "
            b"the EXEC call. This command is no longer allowed for the following reason: ")


def check_exec_acl_recheck() -> None:
    """``execCommand`` checks each queued command again: rules changed after queueing (GET
    removed, keys reset to ``~a*``) refuse GET k for the command and SET b1 for the key, each
    logged with context ``multi`` and its object (the command's name, the key), as 7.0.15."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(b, b"ACL", b"SETUSER", b"w", b"on", b"nopass", b"+@all", b"~*", b"&*")
    w.call(a, b"AUTH", b"w", b"x")
    w.call(a, b"MULTI")
    w.call(a, b"GET", b"k")
    w.call(a, b"SET", b"b1", b"v")
    w.call(b, b"ACL", b"SETUSER", b"w", b"-get", b"resetkeys", b"~a*")
    got = w.call(a, b"EXEC")
    want = (b"*2\r\n" + _RECHECK + b"no permission to execute the command or subcommand\r\n"
            + _RECHECK + b"no permission to touch the specified keys\r\n")
    assert got == want, f"{NAME}: EXEC after the rules changed: {got!r}"
    log = [e[:3] for e in _LOG_ENTRY.findall(w.call(b, b"ACL", b"LOG"))]
    assert log == [(b"key", b"multi", b"b1"), (b"command", b"multi", b"get")], \
        f"{NAME}: ACL LOG after EXEC: {log!r}"


def check_readonly_inside_multi() -> None:
    """``processCommand``'s READONLY gate (``is_write_command``: the command's flags, for EXEC
    the queued commands'): on a read-only replica, GET is still queued after a SET queued
    while the server was a master, and EXEC is refused (7.0.15: ``QUEUED``, then ``EXECABORT
    ... READONLY ...``)."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(a, b"MULTI")
    w.call(a, b"SET", b"k", b"v")
    w.call(b, b"REPLICAOF", b"127.0.0.1", b"9")
    got = w.call(a, b"GET", b"k")
    assert got == b"+QUEUED\r\n", f"{NAME}: GET inside MULTI on a replica: {got!r}"
    got = w.call(a, b"EXEC")
    assert got == (b"-EXECABORT Transaction discarded because of: READONLY You can't write "
                   b"against a read only replica.\r\n"), f"{NAME}: EXEC of a SET: {got!r}"


def check_slowlog_after_call() -> None:
    """``call`` → ``slowlogPushCurrentCommand``: the log is trimmed to ``slowlog-max-len``
    right after the CONFIG SET that lowers it (7.0.15: three slow DEBUG SLEEPs, CONFIG SET
    slowlog-max-len 1, SLOWLOG LEN is 1); a blocking command below the threshold keeps its
    arguments, so that it is logged when served if the threshold was lowered meanwhile
    (BLPOP blocks at 10000 µs, the threshold becomes 0, RPUSH serves it: BLPOP is logged)."""
    w = Clients(**{"enable-debug-command": "yes"})
    a, b = w.connect(), w.connect()
    w.call(b, b"CONFIG", b"SET", b"slowlog-log-slower-than", b"1000")
    for _ in range(3):
        w.call(b, b"DEBUG", b"SLEEP", b"0.002")
    assert w.call(b, b"SLOWLOG", b"LEN") == b":3\r\n", f"{NAME}: setup: 3 slow commands"
    w.call(b, b"CONFIG", b"SET", b"slowlog-max-len", b"1")
    got = w.call(b, b"SLOWLOG", b"LEN")
    assert got == b":1\r\n", f"{NAME}: SLOWLOG LEN right after lowering the length: {got!r}"
    w.call(b, b"CONFIG", b"SET", b"slowlog-max-len", b"128")
    w.call(b, b"CONFIG", b"SET", b"slowlog-log-slower-than", b"10000")
    w.send(a, b"BLPOP", b"bl", b"0")
    assert w.state.clients[a].info.bpop is not None, f"{NAME}: setup: BLPOP did not block"
    w.call(b, b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0")
    w.send(b, b"RPUSH", b"bl", b"x")
    got = w.call(b, b"SLOWLOG", b"GET")
    assert b"*3\r\n$5\r\nBLPOP\r\n$2\r\nbl\r\n$1\r\n0\r\n" in got, \
        f"{NAME}: the served BLPOP is not in the slow log: {got!r}"


def check_tracking_caching_one_command() -> None:
    """``resetClient``: CLIENT CACHING yes (OPTIN) is for the next command, or the next
    transaction (the flag stays while ``CLIENT_MULTI`` is set, from MULTI on), and it is
    cleared after it (7.0.15: GET a after CACHING yes is tracked, GET b2 after it not; GET c
    inside MULTI … EXEC after CACHING yes is tracked, a later GET c not)."""
    w = Clients()
    a, b = w.connect(), w.connect()
    w.call(a, b"HELLO", b"3")
    w.call(a, b"CLIENT", b"TRACKING", b"ON", b"OPTIN")

    def told(key: bytes) -> bytes:
        w.send(b, b"SET", key, b"x")
        return _pushes(w, a)

    def inv(key: bytes) -> bytes:
        return b">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\n" + key + b"\r\n"

    w.call(a, b"CLIENT", b"CACHING", b"yes")
    w.call(a, b"GET", b"a")
    w.call(a, b"GET", b"2")
    got = told(b"2"), told(b"a")
    assert got == (b"", inv(b"a")), f"{NAME}: CACHING yes, GET a, GET 2: {got!r}"
    w.call(a, b"CLIENT", b"CACHING", b"yes")
    w.call(a, b"MULTI")
    w.call(a, b"GET", b"c")
    w.call(a, b"EXEC")
    got = told(b"c")
    assert got == inv(b"c"), f"{NAME}: CACHING yes, MULTI, GET c, EXEC: {got!r}"
    w.call(a, b"GET", b"c")
    got = told(b"c")
    assert got == b"", f"{NAME}: GET c after the transaction: {got!r}"


def check_exec_reply_pieces() -> None:
    """``execCommand``'s reply is built piece by piece (7.0.15, each through the socket):
    MULTI, PING, CLIENT REPLY SKIP, EXEC answers ``*2 +PONG`` and the next PING nothing, the
    one after ``+PONG``; with CLIENT REPLY OFF queued, EXEC answers ``*2`` alone and nothing
    more until CLIENT REPLY ON; a RESP3 subscriber's PUBLISH to itself inside EXEC has its
    message before the PUBLISH's reply, inside the array."""
    w = Clients()
    a = w.connect()

    def run(*cmds: tuple[bytes, ...]) -> list[bytes]:
        out = []
        for argv in cmds:
            w.send(a, *argv)
            out.append(_pushes(w, a))
        return out

    got = run((b"MULTI",), (b"PING",), (b"CLIENT", b"REPLY", b"SKIP"), (b"EXEC",), (b"PING",),
              (b"PING",))
    assert got == [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"*2\r\n+PONG\r\n", b"",
                   b"+PONG\r\n"], f"{NAME}: CLIENT REPLY SKIP inside EXEC: {got!r}"
    got = run((b"MULTI",), (b"CLIENT", b"REPLY", b"OFF"), (b"PING",), (b"EXEC",), (b"PING",),
              (b"CLIENT", b"REPLY", b"ON"))
    assert got == [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n", b"*2\r\n", b"", b"+OK\r\n"], \
        f"{NAME}: CLIENT REPLY OFF inside EXEC: {got!r}"
    got = run((b"HELLO", b"3"), (b"SUBSCRIBE", b"ch"), (b"MULTI",), (b"PUBLISH", b"ch", b"hi"),
              (b"EXEC",))
    assert got[4] == b"*1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n:1\r\n", \
        f"{NAME}: a RESP3 subscriber's PUBLISH to itself inside EXEC: {got[4]!r}"


CHECKS = [check_exec_reply_pieces, check_tracking_caching_one_command, check_slowlog_after_call, check_readonly_inside_multi, check_exec_acl_recheck, check_acl_gate, check_exec_denies_blocking, check_tracking_script_keys, check_command_docs, check_masterdown_inside_multi, check_latency_one_ms, check_unknown_command_args_128, check_call_counts, check_protected_commands,
          check_oom_inside_multi]


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_boundary_gapdisp_agree_with_redis(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


PLANTS = [
    (check_unknown_command_args_128, "unknown_command_error",
     "len(args.encode(\"utf-8\", \"surrogateescape\")) >= 128",
     "len(args.encode(\"utf-8\", \"surrogateescape\")) > 128"),
    (check_call_counts, "reject", "calls[1] += 1", "calls[1] += 0"),
    (check_call_counts, "reject", "calls[1] += 1", "calls[1] += 2"),
    (check_call_counts, "call", "calls[0] += 1", "calls[0] += 0"),
    (check_call_counts, "call", "calls[0] += 1", "calls[0] += 2"),
    (check_protected_commands, "_protected_allowed", 'mode == "yes"', 'mode != "yes"'),
    (check_protected_commands, "_protected_allowed", "return True", "return False"),
    (check_protected_commands, "_protected_allowed", 'mode == "local"', 'mode != "local"'),
    (check_protected_commands, "process_command", "reject(s, cmd, prot[1])",
     "reject(s, cmd, prot[0])"),
    (check_tracking_script_keys, "call", "s.client.info.flags and s.client.id == s.current_id",
     "s.client.info.flags and s.client.id != s.current_id"),
    (check_tracking_script_keys, "call", "or s.client.id != s.current_id)",
     "or s.client.id == s.current_id)"),
    (check_tracking_script_keys, "remember_read_keys", "s.client if s.client.id == s.current_id",
     "s.client if s.client.id != s.current_id"),
    (check_tracking_script_keys, "remember_read_keys", "if caller is not s.client and",
     "if caller is s.client and"),
    (check_tracking_script_keys, "remember_read_keys", "s.caller_call is not None",
     "s.caller_call is None"),
    (check_acl_gate, "acl_gate", 'if s.client.info.multi >= 0 else',
     'if s.client.info.multi > 0 else'),
    (check_acl_gate, "acl_gate", "obj = cmd.name.encode() if result == DENIED_CMD",
     "obj = cmd.name.encode() if result != DENIED_CMD"),
    (check_acl_gate, "acl_gate", "if result == DENIED_CMD:", "if result != DENIED_CMD:"),
    (check_acl_gate, "acl_gate", "if result == DENIED_KEY:", "if result != DENIED_KEY:"),
    (check_acl_gate, "process_command", "s.client.user in acl.restricted",
     "s.client.user not in acl.restricted"),
    (check_acl_gate, "process_command", "if denied is not None:", "if denied is None:"),
    (check_exec_acl_recheck, "restricted_denial", "if result == DENIED_CMD else argv[pos]",
     "if result != DENIED_CMD else argv[pos]"),
    (check_readonly_inside_multi, "replication_gate", 'cmd.name == "exec" and _queued_write',
     'cmd.name != "exec" and _queued_write'),
    (check_slowlog_after_call, "call", "or cmd.name in SLOWLOG_TRIMS",
     "or cmd.name not in SLOWLOG_TRIMS"),
    (check_slowlog_after_call, "call", '"blocking" in cmd.flags)', '"blocking" not in cmd.flags)'),
    (check_tracking_caching_one_command, "run_and_encode", '"tracking_caching" in f and',
     '"tracking_caching" not in f and'),
    (check_tracking_caching_one_command, "run_and_encode", "info.multi < 0",
     "info.multi <= 0"),
    (check_tracking_caching_one_command, "run_and_encode", "s.cmd is not None",
     "s.cmd is None"),
    (check_exec_reply_pieces, "exec_pieces", "if len(own) != n:", "if len(own) == n:"),
    (check_exec_reply_pieces, "exec_pieces", '("reply_off" in f or', '("reply_off" not in f or'),
    (check_exec_denies_blocking, "exec_", "s.in_exec = True", "s.in_exec = False"),
    (check_masterdown_inside_multi, "process_command", 'cmd.name == "exec" and any("stale"',
     'cmd.name != "exec" and any("stale"'),
    (check_latency_one_ms, "call", "duration >= 1000", "duration > 1000"),
    (check_latency_one_ms, "call", "duration // 1000 >= lat_ms", "duration // 1000 > lat_ms"),
    (check_oom_inside_multi, "process_command", "(s.client.info.multi >= 0 and cmd.name",
     "(s.client.info.multi > 0 and cmd.name"),
    (check_oom_inside_multi, "process_command", "cmd.name not in OOM_EXEMPT_IN_MULTI",
     "cmd.name in OOM_EXEMPT_IN_MULTI"),
    (check_oom_inside_multi, "process_command", '(cmd.name == "exec" and queued_denyoom',
     '(cmd.name != "exec" and queued_denyoom'),
    (check_oom_inside_multi, "queued_denyoom", '"denyoom" in command_flags',
     '"denyoom" not in command_flags'),
]


def test_planted_docs_subcommands_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table is built at import: the planted ``_docs_reply`` takes effect in a table
    built afresh (the registry's cache emptied for this test)."""
    plant(monkeypatch, table, "_docs_reply", 'if k == "subcommands":', 'if k != "subcommands":')
    monkeypatch.setattr(registry, "_TABLE", [])
    _trips(check_command_docs)


@pytest.mark.parametrize(("check", "func", "old", "new"), PLANTS,
                         ids=[f"{p[1]}:{p[3]}" for p in PLANTS])
def test_planted_dispatch(monkeypatch: pytest.MonkeyPatch, check: Any, func: str, old: str,
                          new: str) -> None:
    fn = plant(monkeypatch, dispatch, func, old, new)
    if func == "call":  # spec.scripting runs a script's commands through its own ``call`` name
        monkeypatch.setattr(scripting, "call", fn)
    if func == "run_and_encode":  # imported by name by the servers' input paths
        monkeypatch.setattr(server, "run_and_encode", fn)
        monkeypatch.setattr(networking, "run_and_encode", fn)
    if func == "exec_":  # the served table holds the handler itself
        replace_handler(monkeypatch, b"exec", fn)
    _trips(check)
