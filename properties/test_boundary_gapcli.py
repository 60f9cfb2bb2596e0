"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of
``spec/clients.py``, ``spec/commands/clients.py``, ``spec/pubsub.py`` and
``spec/commands/pubsub.py`` (issue #22, ``tools/mutation.py``), in the pattern of
``properties/test_boundary_gaps.py``: each check puts a Redis rule exactly on its boundary,
and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_gapcli_agree_with_redis``. Observed on redis-server 7.0.15:

- a MONITOR client (``CLIENT_SLAVE|CLIENT_MONITOR``) shows ``flags=O`` in CLIENT LIST and is
  of type ``normal`` for ``getClientType``: CLIENT LIST TYPE normal lists it, TYPE replica
  lists nothing, CLIENT KILL TYPE replica kills nothing (``:0``);
- a client subscribed to two channels, one pattern and one shard channel shows ``sub=2
  psub=1 ssub=1`` in another client's CLIENT LIST;
- a pending reply one byte longer than the reply buffer is held in one reply-list node
  (GET of a 1016-byte value, a 1025-byte reply, then CLIENT INFO in the same write, on a
  fresh 1024-byte buffer: ``obl=1024 oll=1``); the model's buffer is 16 KiB
  (docs/mechanisms/clients.md, "Memory fields"), the boundary is the same;
- CLIENT KILL LADDR with an address no connection has kills nothing (``:0``); CLIENT KILL
  USER bob, bob an ACL user no connection is authenticated as, replies ``:0`` (not "No such
  user"); CLIENT KILL USER default leaves a connection authenticated as bob alone;
- PUNSUBSCRIBE without arguments leaves every pattern in subscription order, one frame each
  (``punsubscribe p1 3``, ``punsubscribe p2 2`` with two channels also held);
- PUBSUB CHANNELS without a pattern lists every active channel, with ``a*`` only those
  matching; with two arguments it is ``ERR unknown subcommand or wrong number of arguments
  for 'CHANNELS'. Try PUBSUB HELP.`` (the subcommand as the client wrote it).

``parse_kill`` without an ACL lookup knows only the ``default`` user (its documented
default; the CLIENT KILL command passes the ACL's users).

clientsCron's walk (server.c, networking.c; not observable through a client without timing
idle closes over many connections): ``listRotateTailToHead`` up to ``max(numclients / hz,
min(numclients, 5))`` times, so six clients at hz 2 leave ``server.clients`` as 2 3 4 5 6 1;
a client closing after its reply (QUIT whose ``+OK`` the socket has not taken:
``CLIENT_CLOSE_AFTER_REPLY``) stays linked until ``freeClient`` and is walked like the others.
The spec left such a client out of the list when it joined after a walk that did not leave the
list sorted (``clients_list``'s ``not c.closing``): fixed with this file
(``check_closing_client_stays_listed`` failed before).
"""

from __future__ import annotations

from typing import Any

import pytest

import redspec.spec.server as S
from redspec.properties.test_mutation_gaps import plant
from redspec.spec import clients as clients_mod
from redspec.spec.clients import REPLY_CHUNK
from redspec.spec.cron import server_cron
from redspec.spec.reply import Err
from redspec.spec.resp import encode_request

NAME = "boundary_gapcli_agree_with_redis"
T0 = 1_700_000_000_000


class World:
    """A server and its connections; effects applied as the reference server applies them."""

    def __init__(self) -> None:
        self.state = S.new_server(T0)

    def connect(self, port: int) -> int:
        """A new connection from 127.0.0.1:``port`` to 127.0.0.1:6379."""
        self.state, cid = S.client_connect(self.state, T0, addr=f"127.0.0.1:{port}",
                                           laddr="127.0.0.1:6379", fd=port % 100)
        return cid

    def call(self, cid: int, *args: bytes | str | int) -> bytes:
        """Client ``cid`` sends ``args``: what it is sent back."""
        self.state, eff = S.client_input(self.state, cid, encode_request(args), T0)
        out = S.output_for(eff, cid)
        for victim in eff.close:
            self.state = S.client_disconnect(self.state, victim)
        return out


def _lines(reply: bytes) -> list[bytes]:
    """The lines of a CLIENT LIST bulk reply."""
    head, _, body = reply.partition(b"\r\n")
    assert head.startswith(b"$"), f"{NAME}: CLIENT LIST reply {reply!r}"
    return [ln for ln in body[:int(head[1:])].split(b"\n") if ln]


def _field(line: bytes, name: bytes) -> bytes:
    """The value of ``name=`` in a CLIENT LIST line."""
    for kv in line.split(b" "):
        if kv.startswith(name + b"="):
            return kv[len(name) + 1:]
    raise AssertionError(f"{NAME}: no {name!r} in {line!r}")


def check_monitor_type_and_flags() -> None:
    """A MONITOR client: ``flags=O``, type normal (not replica) for LIST and KILL."""
    w = World()
    a, m = w.connect(50001), w.connect(50002)
    assert w.call(m, "MONITOR") == b"+OK\r\n", f"{NAME}: setup: MONITOR"
    lines = {_field(ln, b"id"): ln for ln in _lines(w.call(a, "CLIENT", "LIST"))}
    got = _field(lines[b"%d" % m], b"flags")
    assert got == b"O", f"{NAME}: a MONITOR client's flags={got!r}, not O"
    normal = [_field(ln, b"id") for ln in _lines(w.call(a, "CLIENT", "LIST", "TYPE", "normal"))]
    assert b"%d" % m in normal, f"{NAME}: CLIENT LIST TYPE normal: no MONITOR client {normal!r}"
    got = w.call(a, "CLIENT", "LIST", "TYPE", "replica")
    assert got == b"$0\r\n\r\n", f"{NAME}: CLIENT LIST TYPE replica: {got!r}"
    got = w.call(a, "CLIENT", "KILL", "TYPE", "replica")
    assert got == b":0\r\n", f"{NAME}: CLIENT KILL TYPE replica with a MONITOR: {got!r}"


def check_subscription_counts() -> None:
    """``sub=``, ``psub=``, ``ssub=`` of another client count its subscriptions."""
    w = World()
    a, sub = w.connect(50001), w.connect(50002)
    w.call(sub, "SUBSCRIBE", "c1", "c2")
    w.call(sub, "PSUBSCRIBE", "p*")
    w.call(sub, "SSUBSCRIBE", "s1")
    [line] = _lines(w.call(a, "CLIENT", "LIST", "TYPE", "pubsub"))
    got = [_field(line, f) for f in (b"sub", b"psub", b"ssub")]
    assert got == [b"2", b"1", b"1"], f"{NAME}: sub/psub/ssub {got!r}, not 2 1 1"


def check_reply_list_one_byte_over() -> None:
    """A pending reply filling the buffer exactly needs no list node; one byte more, one."""
    c = World()
    cid = c.connect(50001)
    client = c.state.clients[cid]
    for pending, want in ((REPLY_CHUNK, b"obl=16384 oll=0 omem=0 "),
                          (REPLY_CHUNK + 1, b"obl=16384 oll=1 omem=16384 "),
                          (2 * REPLY_CHUNK + 1, b"obl=16384 oll=2 omem=32768 ")):
        line = clients_mod.info_line(client, T0, pending=pending)
        assert want in line, f"{NAME}: pending {pending}: {line!r}"


def check_kill_filters() -> None:
    """CLIENT KILL LADDR of no connection, USER of an unused ACL user, USER default with a
    connection of another user: nobody is killed, and the ACL user exists."""
    w = World()
    a, b = w.connect(50001), w.connect(50002)
    got = w.call(a, "CLIENT", "KILL", "LADDR", "127.0.0.1:1", "SKIPME", "no")
    assert got == b":0\r\n", f"{NAME}: CLIENT KILL LADDR 127.0.0.1:1: {got!r}"
    assert w.call(a, "ACL", "SETUSER", "bob", "on", ">pw", "+@all", "~*") == b"+OK\r\n", \
        f"{NAME}: setup: ACL SETUSER"
    got = w.call(a, "CLIENT", "KILL", "USER", "bob")
    assert got == b":0\r\n", f"{NAME}: CLIENT KILL USER bob (no connection): {got!r}"
    assert w.call(b, "AUTH", "bob", "pw") == b"+OK\r\n", f"{NAME}: setup: AUTH bob"
    got = w.call(a, "CLIENT", "KILL", "USER", "default", "SKIPME", "yes")
    assert got == b":0\r\n", f"{NAME}: CLIENT KILL USER default killed bob's connection: {got!r}"
    assert w.call(b, "PING") == b"+PONG\r\n", f"{NAME}: bob's connection was killed"


def check_parse_kill_default_users() -> None:
    """``parse_kill`` without an ACL lookup: only ``default`` exists."""
    got = clients_mod.parse_kill([b"client", b"kill", b"user", b"default"])
    assert not isinstance(got, Err) and got.user == b"default", f"{NAME}: USER default: {got!r}"
    got = clients_mod.parse_kill([b"client", b"kill", b"user", b"bob"])
    assert got == Err("ERR No such user 'bob'"), f"{NAME}: USER bob: {got!r}"


def check_punsubscribe_all() -> None:
    """PUNSUBSCRIBE without arguments: every pattern, in subscription order."""
    w = World()
    sub = w.connect(50001)
    w.call(sub, "SUBSCRIBE", "a1", "b1")
    w.call(sub, "PSUBSCRIBE", "p1", "p2")
    got = w.call(sub, "PUNSUBSCRIBE")
    want = (b"*3\r\n$12\r\npunsubscribe\r\n$2\r\np1\r\n:3\r\n"
            b"*3\r\n$12\r\npunsubscribe\r\n$2\r\np2\r\n:2\r\n")
    assert got == want, f"{NAME}: PUNSUBSCRIBE: {got!r}"
    got = w.call(sub, "PUNSUBSCRIBE")
    assert got == b"*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:2\r\n", \
        f"{NAME}: PUNSUBSCRIBE again: {got!r}"


def check_pubsub_channels_args() -> None:
    """PUBSUB CHANNELS: no pattern, a pattern, too many arguments."""
    w = World()
    a, sub = w.connect(50001), w.connect(50002)
    w.call(sub, "SUBSCRIBE", "a1", "b1")
    got = w.call(a, "PUBSUB", "CHANNELS", "a*")
    assert got == b"*1\r\n$2\r\na1\r\n", f"{NAME}: PUBSUB CHANNELS a*: {got!r}"
    got = w.call(a, "PUBSUB", "CHANNELS")
    assert sorted(got.split(b"\r\n")[1:-1]) == sorted([b"$2", b"$2", b"a1", b"b1"]) and \
        got.startswith(b"*2\r\n"), f"{NAME}: PUBSUB CHANNELS: {got!r}"
    for sub_name in ("CHANNELS", "shardchannels"):
        got = w.call(a, "PUBSUB", sub_name, "a", "b")
        want = (b"-ERR unknown subcommand or wrong number of arguments for '%s'. "
                b"Try PUBSUB HELP.\r\n" % sub_name.encode())
        assert got == want, f"{NAME}: PUBSUB {sub_name} a b: {got!r}"


def _walked_six() -> tuple[Any, int]:
    """A server with ``timeout 1``, ``hz 2`` and six fresh clients, after one serverCron:
    5 of the 6 (``max(6 / 2, min(6, 5))``) visited, the list rotated to 2 3 4 5 6 1."""
    s = S.new_server(T0)
    s, admin = S.client_connect(s, T0)
    s, _ = S.run_command(s, admin, [b"CONFIG", b"SET", b"timeout", b"1", b"hz", b"2"], T0)
    s, _ = server_cron(s, T0)  # the first serverCron takes hz
    for _ in range(5):
        s, _ = S.client_connect(s, T0)
    s, eff = server_cron(s, T0)
    assert not eff.close, f"{NAME}: setup: closed {eff.close}"
    return s, admin


def check_cron_walk_rotation() -> None:
    """clientsCron over six clients at hz 2 moves the tail to the head five times
    (``listRotateTailToHead``): ``server.clients`` is 2 3 4 5 6 1 (a list sorted but for its
    last pair); the next walk continues from it (7 joins at the tail; 5 more rotations)."""
    s, admin = _walked_six()
    got = clients_mod.clients_list(s)
    assert got == [2, 3, 4, 5, 6, 1], f"{NAME}: server.clients after one walk: {got}"
    s, _ = S.client_connect(s, T0)
    s, _ = server_cron(s, T0)
    got = clients_mod.clients_list(s)
    assert got == [4, 5, 6, 1, 7, 2, 3], f"{NAME}: server.clients after two walks: {got}"


def check_closing_client_stays_listed() -> None:
    """A client that sent QUIT and whose ``+OK`` is still unwritten (a full socket) has
    ``CLIENT_CLOSE_AFTER_REPLY`` and stays in ``server.clients`` (``linkClient`` appended it;
    only ``freeClient``, after the write, unlinks it): clientsCron's walk counts and visits it
    like any other client (networking.c, server.c ``clientsCron``)."""
    s, _admin = _walked_six()
    s, q = S.client_connect(s, T0)
    s, _ = S.client_input(s, q, encode_request([b"QUIT"]), T0, write_capacity=0)
    assert s.clients[q].closing and s.clients[q].reply == b"+OK\r\n", \
        f"{NAME}: setup: QUIT with a full socket: {s.clients[q]!r}"
    got = clients_mod.clients_list(s)
    assert got == [2, 3, 4, 5, 6, 1, q], f"{NAME}: server.clients with a closing client: {got}"
    s, eff = server_cron(s, T0)
    assert not eff.close, f"{NAME}: setup: closed {eff.close}"
    got = clients_mod.clients_list(s)
    assert got == [4, 5, 6, 1, q, 2, 3], f"{NAME}: the walk over a closing client: {got}"


CHECKS = [check_monitor_type_and_flags, check_subscription_counts,
          check_reply_list_one_byte_over, check_kill_filters, check_parse_kill_default_users,
          check_punsubscribe_all, check_pubsub_channels_args, check_cron_walk_rotation,
          check_closing_client_stays_listed]


@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_boundary_gapcli(check: Any) -> None:
    check()


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


# -- planted bugs: each is a surviving mutant of the first run ------------------------------


def test_planted_monitor_is_a_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``client_type``: ``"monitor" not in f`` -> ``"monitor" in f``."""
    plant(monkeypatch, clients_mod, "client_type", '"monitor" not in f', '"monitor" in f')
    _trips(check_monitor_type_and_flags)


def test_planted_monitor_flag_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``flags_string``: ``"monitor" in f`` -> ``"monitor" not in f``."""
    plant(monkeypatch, clients_mod, "flags_string", '"monitor" in f', '"monitor" not in f')
    _trips(check_monitor_type_and_flags)


def test_planted_subscription_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``_count``: ``v is not None`` -> ``v is None``."""
    plant(monkeypatch, clients_mod, "_count", "v is not None", "v is None")
    _trips(check_subscription_counts)


def test_planted_reply_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``info_line``: ``rest + REPLY_CHUNK - 1`` -> ``rest + REPLY_CHUNK - 2``."""
    plant(monkeypatch, clients_mod, "info_line", "REPLY_CHUNK - 1)", "REPLY_CHUNK - 2)")
    _trips(check_reply_list_one_byte_over)


def test_planted_kill_user_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``parse_kill``: ``user_exists is not None`` -> ``user_exists is None``
    (the command's ACL lookup is not used)."""
    plant(monkeypatch, clients_mod, "parse_kill", "user_exists is not None",
          "user_exists is None")
    from redspec.spec.commands import clients as cmd_clients
    monkeypatch.setattr(cmd_clients, "parse_kill", clients_mod.parse_kill)
    _trips(check_kill_filters)


def test_planted_kill_default_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``parse_kill``: ``val == b"default"`` -> ``val != b"default"``."""
    plant(monkeypatch, clients_mod, "parse_kill", 'val == b"default"', 'val != b"default"')
    _trips(check_parse_kill_default_users)


@pytest.mark.parametrize("field", ["laddr", "user"])
def test_planted_kill_filter_ignored(monkeypatch: pytest.MonkeyPatch, field: str) -> None:
    """spec/clients.py ``kill_matches``: the ``return False`` of a LADDR (USER) mismatch ->
    ``return True``."""
    old = {"laddr": "f.laddr):\n        return False", "user": "f.user:\n        return False"}
    from redspec.spec.commands import clients as cmd_clients
    new = plant(monkeypatch, clients_mod, "kill_matches", old[field],
                old[field].replace("False", "True"))
    monkeypatch.setattr(cmd_clients, "kill_matches", new)
    _trips(check_kill_filters)


@pytest.mark.parametrize("old,new", [("len(argv) > 1", "len(argv) >= 1"),
                                     ("len(argv) > 1", "len(argv) > 0")])
def test_planted_punsubscribe_all(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """spec/commands/pubsub.py ``punsubscribe``: ``len(argv) > 1`` -> ``>= 1`` / ``> 0``."""
    from redspec.properties.planted import replace_handler
    from redspec.spec.commands import pubsub
    fn = plant(monkeypatch, pubsub, "punsubscribe", old, new)
    replace_handler(monkeypatch, b"punsubscribe", fn)
    _trips(check_punsubscribe_all)


@pytest.mark.parametrize("old,new", [("argv[1], \"PUBSUB\"", "argv[0], \"PUBSUB\""),
                                     ("argv[1], \"PUBSUB\"", "argv[2], \"PUBSUB\""),
                                     ("len(argv) == 2", "len(argv) != 2")])
def test_planted_pubsub_channels(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    """spec/commands/pubsub.py ``_channels``: ``argv[1]`` -> ``argv[0]`` / ``argv[2]`` in the
    error; ``len(argv) == 2`` -> ``!= 2``."""
    from redspec.spec.commands import pubsub
    plant(monkeypatch, pubsub, "_channels", old, new)
    _trips(check_pubsub_channels_args)


def test_planted_cron_order_normalised_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``clients_cron``: ``range(len(lst) - 1)`` -> ``range(len(lst) - 2)``
    (a list sorted but for its last pair is stored as "sorted")."""
    from redspec.spec import cron
    fn = plant(monkeypatch, clients_mod, "clients_cron", "range(len(lst) - 1)",
               "range(len(lst) - 2)")
    monkeypatch.setattr(cron, "clients_cron", fn)
    _trips(check_cron_walk_rotation)


def test_planted_closing_client_unlisted(monkeypatch: pytest.MonkeyPatch) -> None:
    """spec/clients.py ``clients_list`` before this file's fix: a client closing after its
    reply that joined since the last walk is left out of ``server.clients``."""
    plant(monkeypatch, clients_mod, "clients_list", "if cid not in seen)",
          "if cid not in seen and not clients[cid].closing)")
    _trips(check_closing_client_stays_listed)
