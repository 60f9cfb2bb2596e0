"""Properties of MIGRATE over the model port (``spec.migratenet.ModelNet``): the targets are
other spec servers driven by the single-node transitions, so the RESTOREs MIGRATE writes run
through the target's own client input.

Invariants (each has a planted-bug test below that shows it failing):

- ``moved_keys_gone``: after MIGRATE the source holds exactly the keys it held before minus
  the ones the target acknowledged (none with COPY);
- ``target_has_dump``: the target's DUMP of each acknowledged key equals the source's DUMP
  before, with the same expiry (the model's clock does not move); a key the target refused
  keeps its old value there;
- ``target_error_keeps_unacked``: when the target refuses some keys (BUSYKEY), the reply is
  its first error and the source keeps exactly those keys;
- ``propagates_del_of_acked``: the command propagates as ``DEL`` of the acknowledged keys,
  in order, and not at all when none was deleted;
- ``retry_invisible``: a cached connection the target hung up on is retried once on a new
  connection: the outcome is the one of an unbroken connection;
- ``select_only_on_change``: SELECT is written only on a new connection or when the
  database differs from the connection's last one.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redspec.properties.planted import planted_settings, property_settings, run_given
from redspec.spec import server as S
from redspec.spec.commands import cluster
from redspec.spec.cron import server_cron
from redspec.spec.migrate import Exchange
from redspec.spec.migratenet import ModelNet
from redspec.spec.state import ServerState

KEYS = [b"k%d" % i for i in range(6)]
#: How each key is written on the source: a command per type.
WRITES = {
    b"k0": [b"SET", b"k0", b"hello"], b"k1": [b"RPUSH", b"k1", b"a", b"b"],
    b"k2": [b"HSET", b"k2", b"f", b"v"], b"k3": [b"SADD", b"k3", b"1", b"2"],
    b"k4": [b"ZADD", b"k4", b"1", b"m"], b"k5": [b"SET", b"k5", b"12345"],
}
NOW = 1_000_000
HOST, PORT = b"10.0.0.2", b"7000"
#: The transport piece of mechanism 23 (ASK during migration): MIGRATE itself.
MECHANISM = "ask"


def req(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


class World:
    """A source with one client and a target behind the model port."""

    def __init__(self, present: list[bytes], ttl: list[bytes], busy: list[bytes],
                 db: int) -> None:
        src = S.new_server(NOW)
        src, self.cid = S.client_connect(src, NOW)
        for k in present:
            src, _ = S.run_command(src, self.cid, WRITES[k], NOW)
            if k in ttl:
                src, _ = S.run_command(src, self.cid, [b"PEXPIRE", k, b"50000"], NOW)
        tgt = S.new_server(NOW)
        tgt, t = S.client_connect(tgt, NOW)
        tgt, _ = S.run_command(tgt, t, [b"SELECT", b"%d" % db], NOW)
        for k in busy:
            tgt, _ = S.run_command(tgt, t, [b"SET", k, b"old"], NOW)
        self.src = src
        self.net = ModelNet(NOW)
        self.net.add(HOST, PORT, tgt)

    def run(self, *argv: bytes) -> tuple[bytes, Any]:
        self.src, eff = S.client_input(self.src, self.cid, req(*argv), NOW, busy_port=self.net)
        return S.output_for(eff, self.cid), eff

    def dump(self, state: ServerState, db: int, key: bytes) -> bytes:
        st_, c = S.client_connect(state, NOW)
        st_, _ = S.run_command(st_, c, [b"SELECT", b"%d" % db], NOW)
        return S.run_command(st_, c, [b"DUMP", key], NOW)[1]


def migrate_argv(keys: list[bytes], db: int, copy: bool, replace: bool) -> list[bytes]:
    opts = ([b"COPY"] if copy else []) + ([b"REPLACE"] if replace else [])
    return [b"MIGRATE", HOST, PORT, b"", b"%d" % db, b"1000", *opts, b"KEYS", *keys]


def check_migrate(present: list[bytes], named: list[bytes], ttl: list[bytes],
                  busy: list[bytes], db: int, copy: bool, replace: bool,
                  broken: bool) -> None:
    w = World(present, ttl, busy, db)
    if broken:  # a cached connection the target has hung up on since
        assert w.run(b"MIGRATE", HOST, PORT, b"nokey", b"%d" % db, b"1000")[0] == b"+NOKEY\r\n"
        w.run(b"SET", b"warm", b"x")
        assert w.run(b"MIGRATE", HOST, PORT, b"warm", b"%d" % db, b"1000")[0] == b"+OK\r\n"
        w.net.break_connection(HOST + b":" + PORT)
        w.net.writes.clear()
    before = w.src
    dumps = {k: w.dump(before, 0, k) for k in named}
    expires = dict(before.dbs[0].expires)
    tgt_before = w.net.node(HOST, PORT)
    reply, eff = w.run(*migrate_argv(named, db, copy, replace))
    if broken:
        assert not reply.startswith(b"-IOERR"), ("retry_invisible", reply)
    found = [k for k in named if k in before.dbs[0].keys]
    acked = [k for k in found if replace or k not in busy]
    refused = [k for k in found if k not in acked]
    if not found:
        assert reply == b"+NOKEY\r\n"
        assert w.src.dbs == before.dbs, "moved_keys_gone"
        return
    if refused:
        assert reply == (b"-ERR Target instance replied with error: BUSYKEY Target key name "
                         b"already exists.\r\n"), ("target_error_keeps_unacked", reply)
    else:
        assert reply == b"+OK\r\n", ("retry_invisible" if broken else "moved_keys_gone", reply)
    gone = set() if copy else set(acked)
    left = {k for k in before.dbs[0].keys if k not in gone}
    assert set(w.src.dbs[0].keys) == left, ("moved_keys_gone", "target_error_keeps_unacked")
    tgt = w.net.node(HOST, PORT)
    for k in acked:
        assert w.dump(tgt, db, k) == dumps[k], "target_has_dump"
        assert tgt.dbs[db].expires.get(k) == expires.get(k), "target_has_dump"
    for k in refused:
        assert w.dump(tgt, db, k) == w.dump(tgt_before, db, k), "target_has_dump"
    dels = [argv for _, argv in eff.propagate]
    want = [] if copy or not acked else [(b"DEL", *acked)]
    assert dels == want, ("propagates_del_of_acked", dels, want)
    selects = sum(data.count(b"$6\r\nSELECT\r\n") for _, data in w.net.writes)
    new_conns = 1  # a fresh connection, or a retried one, always SELECTs
    assert selects == new_conns, ("select_only_on_change", selects)
    assert w.run(*migrate_argv(named, db, True, True))[0] in (b"+OK\r\n", b"+NOKEY\r\n")
    selects2 = sum(data.count(b"$6\r\nSELECT\r\n") for _, data in w.net.writes)
    assert selects2 == selects + (1 if refused else 0), ("select_only_on_change", selects2)


_keys = st.lists(st.sampled_from(KEYS), unique=True)
_named = st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True)
_args = (_keys, _named, _keys, _keys, st.integers(0, 3), st.booleans(), st.booleans(),
         st.booleans())


@property_settings(150)
@given(*_args)
def test_migrate_moves(present: list[bytes], named: list[bytes], ttl: list[bytes],
                       busy: list[bytes], db: int, copy: bool, replace: bool,
                       broken: bool) -> None:
    check_migrate(present, named, ttl, busy, db, copy, replace, broken)


def test_no_port_is_an_empty_network() -> None:
    """A pure run with no world (``spec.migrate.EmptyNetwork``): an IP literal's connection
    is refused at the write (retried once: IOERR writing, as 7.0.15 for a local port nobody
    listens on), a host name does not resolve (IOERR connecting); nothing changes and no
    connection stays cached."""
    st_ = S.new_server(0)
    st_, c = S.client_connect(st_, 0)
    st_, _ = S.run_command(st_, c, [b"SET", b"k", b"v"], 0)
    after, out = S.run_command(st_, c, [b"MIGRATE", b"127.0.0.1", b"1", b"k", b"0", b"5"], 0)
    assert out == b"-IOERR error or timeout writing to target instance\r\n"
    assert after.dbs[0].keys == st_.dbs[0].keys and not after.migrate
    after, out = S.run_command(st_, c, [b"MIGRATE", b"no.such.host", b"1", b"k", b"0", b"5"], 0)
    assert out == b"-IOERR error or timeout connecting to the client\r\n"
    assert after.dbs[0].keys == st_.dbs[0].keys and not after.migrate


def test_idle_connection_closed_by_cron() -> None:
    """serverCron drops a connection unused for more than 10 s and asks the world to close
    it; the model's target frees the client."""
    w = World([b"k0"], [], [], 0)
    assert w.run(b"MIGRATE", HOST, PORT, b"k0", b"0", b"1000", b"COPY")[0] == b"+OK\r\n"
    name = HOST + b":" + PORT
    st_, closed = _cron(w.src, NOW + 10_999)
    assert name in st_.migrate and not closed
    st_, closed = _cron(st_, NOW + 11_000)
    assert name not in st_.migrate and closed == [name]
    for n in closed:  # the world closes it: the target frees its client
        w.net.migrate_close(n)
    assert len(w.net.node(HOST, PORT).clients) == 1


def _cron(state: ServerState, now_ms: int) -> tuple[ServerState, list[bytes]]:
    """serverCron at ``now_ms`` ten times (its once-a-second part runs in one of them); the
    connections it asked the world to close."""
    closed: list[bytes] = []
    for _ in range(10):
        state, eff = server_cron(state, now_ms)
        closed += eff.migrate_close
    return state, closed


# -- planted bugs -------------------------------------------------------------------------------


def _plant_and_trip(name: str, examples: int = 60) -> None:
    with pytest.raises(AssertionError, match=name):
        run_given(planted_settings(examples), check_migrate, *_args)


def test_planted_copy_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """COPY parsed but forgotten: the keys are deleted anyway."""
    real = cluster.migrate_args

    def no_copy(argv: list[bytes]) -> Any:
        a = real(argv)
        return a if isinstance(a, str) else type(a)(False, *[getattr(a, f) for f in (
            "replace", "username", "password", "keys", "dbid", "timeout_ms")])

    monkeypatch.setattr(cluster, "migrate_args", no_copy)
    _plant_and_trip("moved_keys_gone")


def test_planted_refused_keys_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The target's error lines read as acknowledgements: refused keys deleted too."""
    real = cluster._restore_replies

    def deaf(s: Any, a: Any, name: bytes, ex: Exchange, nhead: int, moving: Any) -> Any:
        lines = tuple(b"+OK" if ln[:1] == b"-" else ln for ln in ex.lines)
        return real(s, a, name, Exchange(lines, ex.failed, ex.timed_out), nhead, moving)

    monkeypatch.setattr(cluster, "_restore_replies", deaf)
    _plant_and_trip("target_error_keeps_unacked")


def test_planted_ttl_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """RESTORE written with TTL 0: the target's keys never expire."""
    real = cluster.restore_request
    monkeypatch.setattr(cluster, "restore_request",
                        lambda key, ttl, payload, rep: real(key, 0, payload, rep))
    _plant_and_trip("target_has_dump")


def test_planted_payload_of_another_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The payload of a string one byte longer: the target's DUMP differs."""
    real = cluster.dump_payload
    monkeypatch.setattr(cluster, "dump_payload",
                        lambda v, *rest: real(v + b"x" if isinstance(v, bytes) else v, *rest))
    _plant_and_trip("target_has_dump")


def test_planted_del_of_every_found_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Propagated as DEL of every key sent, acknowledged or not."""
    real = cluster._restore_replies

    def all_dels(s: Any, a: Any, name: bytes, ex: Exchange, nhead: int, moving: Any) -> Any:
        out = real(s, a, name, ex, nhead, moving)
        if s.argv_rewrite is not None:
            s.argv_rewrite = (b"DEL", *moving)
        return out

    monkeypatch.setattr(cluster, "_restore_replies", all_dels)
    _plant_and_trip("propagates_del_of_acked")


def test_planted_no_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every socket error taken for a timeout: the broken cached connection is not retried."""
    real = cluster.world_port

    class NoRetry:
        def __init__(self, port: Any) -> None:
            self.port = port

        def migrate_connect(self, *args: Any) -> bool:
            return bool(self.port.migrate_connect(*args))

        def migrate_exchange(self, *args: Any) -> Exchange:
            ex = self.port.migrate_exchange(*args)
            return Exchange(ex.lines, ex.failed, True) if ex.failed else ex

        def migrate_close(self, name: bytes) -> None:
            self.port.migrate_close(name)

    monkeypatch.setattr(cluster, "world_port", lambda s: NoRetry(real(s)))
    _plant_and_trip("retry_invisible")


def test_planted_select_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection's last database forgotten: SELECT written every time."""
    monkeypatch.setattr(cluster, "last_dbid", lambda s, name: -1)
    _plant_and_trip("select_only_on_change")
