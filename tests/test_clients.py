"""Unit tests of mechanism 3: per-client state and cleanup (docs/mechanisms/clients.md).

Byte-exact replies were observed on Redis 7.0.15; the differential cases in
``tests/differential/cases_clients.py`` replay them against the real server.
"""

from __future__ import annotations

import pytest

import redspec.spec.server as S
from redspec.spec.clients import (
    CLIENT_HELP,
    KillFilter,
    client_type,
    flags_string,
    info_line,
    kill_matches,
    parse_kill,
    type_by_name,
    valid_name,
)
from redspec.spec.reply import Err
from redspec.spec.resp import encode_request
from redspec.spec.state import Client, replace

T0 = 1_700_000_000_000


def cmd(*args: bytes | str | int) -> bytes:
    return encode_request(args)


class World:
    """A server plus helpers that apply effects as the reference server does."""

    def __init__(self, **config: object) -> None:
        self.state = S.new_server(T0, **config)
        self.now = T0

    def connect(self, port: int = 50000) -> int:
        self.state, cid = S.client_connect(self.state, self.now, addr=f"127.0.0.1:{port}",
                                           laddr="127.0.0.1:6379", fd=8 + port % 100)
        return cid

    def send(self, cid: int, data: bytes, dt: int = 0) -> tuple[bytes, frozenset[int]]:
        self.now += dt
        self.state, eff = S.client_input(self.state, cid, data, self.now)
        out = S.output_for(eff, cid)
        for victim in eff.close:
            self.state = S.client_disconnect(self.state, victim)
        return out, eff.close

    def call(self, cid: int, *args: bytes | str | int, dt: int = 0) -> bytes:
        return self.send(cid, cmd(*args), dt)[0]


HELLO2 = (b"*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n"
          b":2\r\n$2\r\nid\r\n:%d\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\n"
          b"master\r\n$7\r\nmodules\r\n*0\r\n")
HELLO3 = (b"%%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n"
          b":3\r\n$2\r\nid\r\n:%d\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\n"
          b"master\r\n$7\r\nmodules\r\n*0\r\n")


# -- HELLO / AUTH / RESET / QUIT ------------------------------------------------------------


def test_hello_reply_both_protocols() -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "HELLO") == HELLO2 % c
    assert w.call(c, "HELLO", "3") == HELLO3 % c
    assert w.call(c, "HELLO") == HELLO3 % c  # no version: keep the current one
    assert w.call(c, "GET", "nokey") == b"_\r\n"
    assert w.call(c, "HELLO", "2") == HELLO2 % c
    assert w.call(c, "GET", "nokey") == b"$-1\r\n"


@pytest.mark.parametrize("args,err", [
    (["4"], b"-NOPROTO unsupported protocol version\r\n"),
    (["1"], b"-NOPROTO unsupported protocol version\r\n"),
    (["x"], b"-ERR Protocol version is not an integer or out of range\r\n"),
    (["99999999999999999999"], b"-ERR Protocol version is not an integer or out of range\r\n"),
    (["2", "foo"], b"-ERR Syntax error in HELLO option 'foo'\r\n"),
    (["2", "AUTH", "default"], b"-ERR Syntax error in HELLO option 'AUTH'\r\n"),
    (["3", "setname", "a b"],
     b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"),
    (["3", "AUTH", "bob", "x"],
     b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"),
])
def test_hello_errors(args: list[str], err: bytes) -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "HELLO", *args) == err
    assert w.state.clients[c].resp == 2


def test_hello_options_take_effect_in_order() -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "HELLO", "3", "SETNAME", "kept", "foo").startswith(b"-ERR Syntax")
    assert w.state.clients[c].name == b"kept"
    assert w.state.clients[c].resp == 2


def test_auth_without_requirepass() -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "AUTH", "x") == (
        b"-ERR AUTH <password> called without any password configured for the default user. "
        b"Are you sure your configuration is correct?\r\n")
    assert w.call(c, "AUTH", "default", "anything") == b"+OK\r\n"
    assert w.call(c, "AUTH", "bob", "x") == (
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    assert w.call(c, "AUTH", "a", "b", "c") == b"-ERR syntax error\r\n"


def test_requirepass_flow() -> None:
    w = World(requirepass="pw")
    c = w.connect()
    assert w.call(c, "PING") == b"-NOAUTH Authentication required.\r\n"
    assert w.call(c, "HELLO", "3").startswith(b"-NOAUTH HELLO must be called")
    # SETNAME before the NOAUTH check still names the client, as in Redis.
    assert w.call(c, "HELLO", "2", "SETNAME", "early").startswith(b"-NOAUTH HELLO")
    assert w.call(c, "AUTH", "bad") == (
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    assert w.call(c, "AUTH", "pw") == b"+OK\r\n"
    assert w.call(c, "CLIENT", "GETNAME") == b"$5\r\nearly\r\n"
    assert w.call(c, "AUTH", "bad").startswith(b"-WRONGPASS")  # a failed AUTH keeps auth
    assert w.call(c, "PING") == b"+PONG\r\n"
    assert w.call(c, "RESET") == b"+RESET\r\n"  # RESET de-authenticates
    assert w.call(c, "PING") == b"-NOAUTH Authentication required.\r\n"
    assert w.call(c, "HELLO", "3", "AUTH", "default", "pw") == HELLO3 % c


def test_reset_restores_fresh_connection_but_keeps_no_evict() -> None:
    w = World()
    c = w.connect()
    for a in (["SELECT", "3"], ["CLIENT", "SETNAME", "n"], ["HELLO", "3"],
              ["CLIENT", "NO-EVICT", "on"]):
        w.call(c, *a)
    assert w.call(c, "RESET") == b"+RESET\r\n"
    cl = w.state.clients[c]
    assert (cl.db, cl.resp, cl.name) == (0, 2, None)
    assert "no_evict" in cl.flags


def test_quit_replies_then_closes_and_stops_the_pipeline() -> None:
    w = World()
    c = w.connect()
    out, closed = w.send(c, cmd("SET", "a", "1") + cmd("QUIT") + cmd("SET", "a", "2"))
    assert out == b"+OK\r\n+OK\r\n"
    assert closed == {c}
    assert c not in w.state.clients
    d = w.connect(50001)
    assert w.call(d, "GET", "a") == b"$1\r\n1\r\n"


def test_select_errors() -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "SELECT", "16") == b"-ERR DB index is out of range\r\n"
    assert w.call(c, "SELECT", "x") == b"-ERR value is not an integer or out of range\r\n"
    assert w.call(c, "SELECT", "99999999999") == (
        b"-ERR value is out of range, value must between -2147483648 and 2147483647\r\n")
    assert w.call(c, "SELECT", "15") == b"+OK\r\n"
    assert w.state.clients[c].db == 15


# -- CLIENT subcommands ---------------------------------------------------------------------


def test_client_id_name() -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "CLIENT", "ID") == b":%d\r\n" % c
    assert w.call(c, "CLIENT", "GETNAME") == b"$-1\r\n"
    assert w.call(c, "CLIENT", "SETNAME", "a b") == (
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
    assert w.call(c, "CLIENT", "SETNAME", "nm") == b"+OK\r\n"
    assert w.call(c, "CLIENT", "GETNAME") == b"$2\r\nnm\r\n"
    assert w.call(c, "CLIENT", "SETNAME", "") == b"+OK\r\n"
    w.call(c, "HELLO", "3")
    assert w.call(c, "CLIENT", "GETNAME") == b"_\r\n"


def test_valid_name_charset() -> None:
    assert valid_name(b"") and valid_name(b"~!#") and valid_name(b"a-b_c")
    for bad in (b"a b", b"a\nb", b"\x7f", b"\xc3\xa9", b"a\x00"):
        assert not valid_name(bad)


def test_client_info_line_exact() -> None:
    w = World()
    c = w.connect(50000)
    w.now += 5_300
    out = w.call(c, "CLIENT", "INFO")
    line = (b"id=1 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name= age=5 idle=0 flags=N "
            b"db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 "
            b"multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=37658 events=r "
            b"cmd=client|info user=default redir=-1 resp=2\n")
    assert out == b"$%d\r\n%s\r\n" % (len(line), line)
    w.call(c, "HELLO", "3")
    out3 = w.call(c, "CLIENT", "INFO")
    assert out3.startswith(b"=%d\r\ntxt:id=1 " % (len(line) + 4)) and b" resp=3\n" in out3


def test_client_list_other_clients_and_pipelining() -> None:
    w = World()
    a = w.connect(50000)
    b = w.connect(50001)
    w.call(b, "CLIENT", "SETNAME", "bee")
    w.call(b, "SELECT", "2")
    w.call(b, "NOSUCH")
    w.now += 3_000
    out, _ = w.send(a, cmd("PING") + cmd("CLIENT", "LIST"))
    lines = out.split(b"\r\n", 2)[2].split(b"\n")
    assert lines[0].startswith(b"id=1 ") and b" qbuf=40 " in lines[0] and b" obl=7 " in lines[0]
    assert b" name=bee age=3 idle=3 flags=N db=2 " in lines[1]
    assert b" qbuf=0 " in lines[1] and b" cmd=NULL " in lines[1]
    w.call(b, "GET")  # arity error: lastcmd is the command found
    assert b"cmd=get " in w.call(a, "CLIENT", "LIST", "TYPE", "normal")
    assert w.call(a, "CLIENT", "LIST", "TYPE", "pubsub") == b"$0\r\n\r\n"
    assert w.call(a, "CLIENT", "LIST", "TYPE", "foo") == b"-ERR Unknown client type 'foo'\r\n"
    assert w.call(a, "CLIENT", "LIST", "ID", "x") == b"-ERR Invalid client ID\r\n"
    assert w.call(a, "CLIENT", "LIST", "ID") == b"-ERR syntax error\r\n"
    by_id = w.call(a, "CLIENT", "LIST", "ID", str(b), "999", str(b))
    assert by_id.count(b"id=2 ") == 2 and b"id=1 " not in by_id


def test_kill_other_client_closes_it_and_cleanup_frees_it() -> None:
    w = World()
    a = w.connect(50000)
    b = w.connect(50001)
    w.call(b, "CLIENT", "SETNAME", "victim")
    w.state, eff = S.client_input(w.state, a, cmd("CLIENT", "KILL", "ID", b) + cmd("CLIENT", "LIST"),
                                  w.now)
    assert eff.close == {b}
    victim = w.state.clients[b]
    assert victim.closing and victim.reply == b""
    reply = S.output_for(eff, a)
    assert reply.startswith(b":1\r\n") and b"victim" not in reply  # gone at once for Redis
    assert S.client_input(w.state, b, cmd("PING"), w.now)[0] is w.state  # ignores input
    w.state = S.client_disconnect(w.state, b)
    assert b not in w.state.clients
    c = w.connect(50002)
    assert c == 3  # ids are never reused


def test_kill_old_form_and_self() -> None:
    w = World()
    a = w.connect(50000)
    assert w.call(a, "CLIENT", "KILL", "1.2.3.4:5") == b"-ERR No such client\r\n"
    assert w.call(a, "CLIENT", "KILL", "ID", a) == b":0\r\n"  # SKIPME yes by default
    out, closed = w.send(a, cmd("CLIENT", "KILL", "127.0.0.1:50000") + cmd("PING"))
    assert out == b"+OK\r\n" and closed == {a}  # reply first, then close; PING never runs
    assert a not in w.state.clients


def test_kill_filters_errors() -> None:
    w = World()
    a = w.connect()
    for args, err in [
        (["ID", "x"], b"-ERR client-id should be greater than 0\r\n"),
        (["ID", "0"], b"-ERR client-id should be greater than 0\r\n"),
        (["TYPE", "foo"], b"-ERR Unknown client type 'foo'\r\n"),
        (["USER", "bob"], b"-ERR No such user 'bob'\r\n"),
        (["SKIPME", "maybe"], b"-ERR syntax error\r\n"),
        (["foo", "bar"], b"-ERR syntax error\r\n"),
        (["ID", "9", "TYPE"], b"-ERR syntax error\r\n"),
        (["ID"], b"-ERR No such client\r\n"),  # old form: "ID" is an address
    ]:
        assert w.call(a, "CLIENT", "KILL", *args) == err, args
    assert w.call(a, "CLIENT", "KILL", "LADDR", "127.0.0.1:6379") == b":0\r\n"  # skipme
    assert w.call(a, "CLIENT", "KILL", "TYPE", "master") == b":0\r\n"


def test_parse_kill_and_matches() -> None:
    f = parse_kill([b"client", b"kill", b"addr", b"1.2.3.4:5", b"skipme", b"NO"])
    assert f == KillFilter(addr=b"1.2.3.4:5", skipme=False)
    c = Client(id=7, addr="1.2.3.4:5")
    assert kill_matches(f, c, me=7)
    assert not kill_matches(KillFilter(addr=b"1.2.3.4:5"), c, me=7)  # skipme
    assert not kill_matches(KillFilter(id=8), c, me=1)
    assert kill_matches(KillFilter(type="normal", user=b"default"), c, me=1)
    assert not kill_matches(KillFilter(type="pubsub"), c, me=1)
    assert isinstance(parse_kill([b"client", b"kill", b"id", b"-5", b"type", b"x"]), Err)


def test_types_and_flags() -> None:
    assert type_by_name(b"SLAVE") == "replica" and type_by_name(b"nope") is None
    c = Client(id=1)
    assert client_type(c) == "normal" and flags_string(c) == "N"
    c2 = replace(c, flags=frozenset({"no_evict", "pubsub"}), closing=True)
    assert client_type(c2) == "pubsub" and flags_string(c2) == "Pce"


def test_info_line_times_and_buffers() -> None:
    c = Client(id=3, ctime_ms=T0, last_interaction_ms=T0 + 1_500, reply=b"x" * 20_000,
               name=b"n", db=4)
    line = info_line(c, T0 + 10_999).decode()
    assert " age=10 idle=9 " in line and " name=n " in line and " db=4 " in line
    assert " obl=16384 oll=1 omem=16384 " in line and " cmd=NULL " in line


def test_client_help_and_no_evict() -> None:
    w = World()
    c = w.connect()
    out = w.call(c, "CLIENT", "HELP")
    assert out.startswith(b"*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands")
    assert len(CLIENT_HELP) == 48 and out.endswith(b"+HELP\r\n+    Prints this help.\r\n")
    assert w.call(c, "CLIENT", "NO-EVICT", "maybe") == b"-ERR syntax error\r\n"
    assert w.call(c, "CLIENT", "NO-EVICT", "ON") == b"+OK\r\n"
    assert b" flags=e " in w.call(c, "CLIENT", "INFO")
    assert w.call(c, "CLIENT", "NO-EVICT", "off") == b"+OK\r\n"
    assert w.state.clients[c].flags == frozenset()


@pytest.mark.parametrize("sub", ["SETINFO", "NO-TOUCH"])
def test_subcommands_not_in_7_0(sub: str) -> None:
    w = World()
    c = w.connect()
    assert w.call(c, "CLIENT", sub, "x") == (
        b"-ERR unknown subcommand '%s'. Try CLIENT HELP.\r\n" % sub.encode())


def test_disconnect_frees_client_and_is_idempotent() -> None:
    w = World()
    a = w.connect()
    w.call(a, "CLIENT", "SETNAME", "x")
    before = w.state
    w.state = S.client_disconnect(w.state, a)
    assert a not in w.state.clients and a in before.clients  # the input is not mutated
    assert S.client_disconnect(w.state, a) is w.state
