"""MIGRATE's rules that need a misbehaving world (spec/commands/cluster.py, spec/migrate.py):
a scripted port answers each exchange as told, so the single retry, the socket errors after
some keys, the errors of AUTH and SELECT, the cache's limit and the idle close are checked
exactly. What a well-behaved target does is in properties/test_migrate_props.py (model
targets) and tests/test_migrate_interop.py (real ones)."""

from __future__ import annotations

from typing import Any

from redspec.spec import server as S
from redspec.spec.cron import server_cron
from redspec.spec.migrate import MIGRATE_SOCKET_CACHE_ITEMS, Exchange, MigratePort
from redspec.spec.migratenet import ModelNet
from redspec.spec.state import ServerState

NOW = 5_000_000
OK_LINE = b"+OK"


class Scripted:
    """A MigratePort whose exchanges answer from a list (then all +OK), recording calls."""

    def __init__(self, answers: list[Exchange] | None = None, connect: bool = True) -> None:
        self.answers = list(answers or [])
        self.connect_ok = connect
        self.calls: list[tuple[str, Any]] = []

    def migrate_connect(self, name: bytes, host: bytes, port: bytes, timeout_ms: int) -> bool:
        self.calls.append(("connect", (name, timeout_ms)))
        return self.connect_ok

    def migrate_exchange(self, name: bytes, data: bytes, lines: int,
                         timeout_ms: int) -> Exchange:
        self.calls.append(("exchange", (name, data, lines)))
        if self.answers:
            return self.answers.pop(0)
        return Exchange((OK_LINE,) * lines)

    def migrate_close(self, name: bytes) -> None:
        self.calls.append(("close", name))

    def kinds(self) -> list[str]:
        return [k for k, _ in self.calls]


def source(*keys: bytes) -> tuple[ServerState, int]:
    st, c = S.client_connect(S.new_server(NOW), NOW)
    for k in keys:
        st, _ = S.run_command(st, c, [b"SET", k, b"v"], NOW)
    return st, c


def run(st: ServerState, c: int, port: Any, *argv: bytes) -> tuple[ServerState, bytes, Any]:
    data = b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv)
    st, eff = S.client_input(st, c, data, NOW, busy_port=port)
    return st, S.output_for(eff, c), eff


MIG = (b"MIGRATE", b"h", b"1")


def test_scripted_port_is_a_migrate_port() -> None:
    assert isinstance(Scripted(), MigratePort)


def test_write_error_is_retried_once_on_a_new_connection() -> None:
    st, c = source(b"a")
    port = Scripted([Exchange(failed="write")])
    st, out, eff = run(st, c, port, *MIG, b"a", b"0", b"0")
    assert out == b"+OK\r\n"
    assert port.kinds() == ["connect", "exchange", "close", "connect", "exchange"]
    assert port.calls[0][1][1] == 1000  # timeout 0 means 1000 ms
    assert b"SELECT" in port.calls[4][1][1]  # the new connection SELECTs again
    assert eff.propagate == ((0, (b"DEL", b"a")),)
    assert st.migrate[b"h:1"][0] == 0


def test_two_write_errors_answer_ioerr_writing() -> None:
    st, c = source(b"a")
    port = Scripted([Exchange(failed="write"), Exchange(failed="write")])
    st, out, eff = run(st, c, port, *MIG, b"a", b"0", b"100")
    assert out == b"-IOERR error or timeout writing to target instance\r\n"
    assert port.kinds() == ["connect", "exchange", "close", "connect", "exchange", "close"]
    assert not st.migrate and b"a" in st.dbs[0].keys and not eff.propagate


def test_a_timeout_is_not_retried() -> None:
    st, c = source(b"a")
    port = Scripted([Exchange(failed="write", timed_out=True)])
    st, out, _ = run(st, c, port, *MIG, b"a", b"0", b"100")
    assert out == b"-IOERR error or timeout writing to target instance\r\n"
    assert port.kinds() == ["connect", "exchange", "close"]
    port = Scripted([Exchange((OK_LINE,), failed="read", timed_out=True)])
    st, out, _ = run(st, c, port, *MIG, b"a", b"0", b"100")
    assert out == b"-IOERR error or timeout reading to target instance\r\n"
    assert port.kinds() == ["connect", "exchange", "close"]
    assert b"a" in st.dbs[0].keys


def test_read_error_before_the_first_restore_reply_is_retried() -> None:
    st, c = source(b"a")
    # SELECT's reply read, then the connection drops
    port = Scripted([Exchange((OK_LINE,), failed="read")])
    st, out, _ = run(st, c, port, *MIG, b"a", b"0", b"100")
    assert out == b"+OK\r\n" and b"a" not in st.dbs[0].keys
    assert port.kinds() == ["connect", "exchange", "close", "connect", "exchange"]


def test_read_error_after_some_replies_keeps_what_was_acknowledged() -> None:
    st, c = source(b"a", b"b", b"c")
    port = Scripted([Exchange((OK_LINE, OK_LINE), failed="read")])  # SELECT, a; then gone
    st, out, eff = run(st, c, port, *MIG, b"", b"0", b"100", b"KEYS", b"a", b"b", b"c")
    assert out == b"-IOERR error or timeout reading to target instance\r\n"
    assert port.kinds() == ["connect", "exchange", "close"]
    assert sorted(st.dbs[0].keys) == [b"b", b"c"] and not st.migrate
    assert eff.propagate == ((0, (b"DEL", b"a")),)
    assert st.dirty == 4  # three SETs, one key deleted


def test_target_error_with_a_socket_error_after_it_answers_the_target_error() -> None:
    st, c = source(b"a", b"b", b"c")
    port = Scripted([Exchange((OK_LINE, b"-ERR bad", OK_LINE), failed="read")])
    st, out, eff = run(st, c, port, *MIG, b"", b"0", b"100", b"KEYS", b"a", b"b", b"c")
    assert out == b"-ERR Target instance replied with error: ERR bad\r\n"
    assert sorted(st.dbs[0].keys) == [b"a", b"c"] and not st.migrate
    assert eff.propagate == ((0, (b"DEL", b"b")),)


def test_first_target_error_wins_and_later_keys_are_still_moved() -> None:
    st, c = source(b"a", b"b", b"c")
    port = Scripted([Exchange((OK_LINE, b"-BUSYKEY one", b"-ERR two", OK_LINE))])
    st, out, eff = run(st, c, port, *MIG, b"", b"0", b"100", b"KEYS", b"a", b"b", b"c")
    assert out == b"-ERR Target instance replied with error: BUSYKEY one\r\n"
    assert sorted(st.dbs[0].keys) == [b"a", b"b"]
    assert eff.propagate == ((0, (b"DEL", b"c")),)
    assert st.migrate[b"h:1"][0] == -1  # the database is forgotten: SELECT next time


def test_auth_error_makes_every_key_an_error() -> None:
    st, c = source(b"a", b"b")
    port = Scripted([Exchange((b"-WRONGPASS no", OK_LINE, OK_LINE, OK_LINE))])
    st, out, eff = run(st, c, port, *MIG, b"", b"0", b"100", b"AUTH2", b"u", b"p",
                       b"KEYS", b"a", b"b")
    assert out == b"-ERR Target instance replied with error: WRONGPASS no\r\n"
    assert sorted(st.dbs[0].keys) == [b"a", b"b"] and not eff.propagate
    written = port.calls[1][1][1]
    assert written.startswith(b"*3\r\n$4\r\nAUTH\r\n$1\r\nu\r\n$1\r\np\r\n*2\r\n$6\r\nSELECT")
    assert port.calls[1][1][2] == 4  # AUTH, SELECT, two RESTOREs


def test_select_only_when_the_database_changes_and_ttl_sent() -> None:
    st, c = source(b"a", b"b", b"c")
    st, _ = S.run_command(st, c, [b"PEXPIRE", b"b", b"2500"], NOW)
    port = Scripted()
    st, _, _ = run(st, c, port, *MIG, b"a", b"3", b"100", b"COPY")
    st, _, _ = run(st, c, port, *MIG, b"b", b"3", b"100", b"REPLACE")
    st, _, _ = run(st, c, port, *MIG, b"c", b"4", b"100")
    writes = [a[1] for k, a in port.calls if k == "exchange"]
    assert [w.count(b"SELECT") for w in writes] == [1, 0, 1]
    assert b"$4\r\n2500\r\n" in writes[1] and writes[1].endswith(b"$7\r\nREPLACE\r\n")
    assert b"$1\r\n0\r\n" in writes[0]  # no TTL: 0
    assert port.kinds().count("connect") == 1


def test_no_connection_is_the_connect_error() -> None:
    st, c = source(b"a")
    st, out, _ = run(st, c, Scripted(connect=False), *MIG, b"a", b"0", b"100")
    assert out == b"-IOERR error or timeout connecting to the client\r\n"
    assert not st.migrate and b"a" in st.dbs[0].keys


def test_cache_holds_64_and_evicts_one() -> None:
    st, c = source(b"a")
    port = Scripted()
    for i in range(MIGRATE_SOCKET_CACHE_ITEMS + 1):
        st, out, _ = run(st, c, port, b"MIGRATE", b"h", b"%d" % i, b"a", b"0", b"100", b"COPY")
        assert out == b"+OK\r\n"
    assert len(st.migrate) == MIGRATE_SOCKET_CACHE_ITEMS
    assert port.kinds().count("close") == 1


def test_idle_close_counts_from_the_last_use() -> None:
    st, c = source(b"a")
    port = Scripted()
    st, _, _ = run(st, c, port, *MIG, b"a", b"0", b"100", b"COPY")
    later = NOW + 8_000
    st, e = S.client_input(st, c, b"*7\r\n$7\r\nMIGRATE\r\n$1\r\nh\r\n$1\r\n1\r\n$1\r\na\r\n"
                           b"$1\r\n0\r\n$3\r\n100\r\n$4\r\nCOPY\r\n", later, busy_port=port)
    assert st.migrate[b"h:1"][1] == later // 1000

    def cron(state: ServerState, at: int) -> tuple[ServerState, list[bytes]]:
        closed: list[bytes] = []
        for _ in range(10):
            state, eff = server_cron(state, at)
            closed += eff.migrate_close
        return state, closed

    st, closed = cron(st, NOW + 12_000)
    assert closed == [] and b"h:1" in st.migrate
    st, closed = cron(st, later + 11_000)
    assert closed == [b"h:1"] and not st.migrate


def test_database_minus_one_on_a_new_connection_sends_no_select() -> None:
    """As 7.0.15 does (observed): a new connection's last database is -1, so destination-db
    -1 sends no SELECT and the key lands in the target's db 0; once the connection has
    SELECTed another database, -1 is sent and the target refuses it."""
    st, c = source(b"q", b"q2", b"q3")
    net = ModelNet(NOW)
    net.add(b"h", b"1", S.new_server(NOW))
    st, out, _ = run(st, c, net, *MIG, b"q", b"-1", b"100")
    assert out == b"+OK\r\n" and b"q" in net.node(b"h", b"1").dbs[0].keys
    assert b"SELECT" not in net.writes[0][1]
    st, out, _ = run(st, c, net, *MIG, b"q2", b"5", b"100")
    assert out == b"+OK\r\n" and b"q2" in net.node(b"h", b"1").dbs[5].keys
    st, out, _ = run(st, c, net, *MIG, b"q3", b"-1", b"100")
    assert out == (b"-ERR Target instance replied with error: ERR DB index is out of "
                   b"range\r\n")
    assert b"q3" in st.dbs[0].keys


def test_option_errors_in_redis_order() -> None:
    """migrateCommand's parser (replies as 7.0.15's, tests/differential/cases_migrate.py
    compares them live): the first bad option decides, then the integers; no connection is
    made for any of them."""
    st, c = source(b"k")
    syntax = b"-ERR syntax error\r\n"
    keys_err = (b"-ERR When using MIGRATE KEYS option, the key argument must be set to the "
                b"empty string\r\n")
    not_int = b"-ERR value is not an integer or out of range\r\n"
    cases = [
        ((b"k", b"0", b"100", b"BOGUS"), syntax),
        ((b"k", b"0", b"100", b"AUTH"), syntax),
        ((b"k", b"0", b"100", b"COPY", b"AUTH2", b"u"), syntax),
        ((b"k", b"0", b"100", b"AUTH2", b"u", b"p"), b"+OK\r\n"),
        ((b"k", b"0", b"100", b"AUTH", b"p", b"KEYS", b"k"), keys_err),
        ((b"k", b"0", b"100", b"KEYS"), keys_err),
        ((b"k", b"0", b"100", b"BOGUS", b"KEYS"), syntax),
        ((b"k", b"x", b"100"), not_int),
        ((b"k", b"0", b"1.5"), not_int),
        ((b"", b"x", b"y", b"KEYS", b"k"), not_int),
        ((b"", b"0", b"100", b"KEYS"), b"+NOKEY\r\n"),
        ((b"", b"0", b"100", b"REPLACE", b"COPY", b"KEYS", b"nokey", b"k"), b"+OK\r\n"),
    ]
    for args, want in cases:
        port = Scripted()
        _, out, _ = run(st, c, port, *MIG, *args)
        assert out == want, (args, out)
        if not want.startswith(b"+OK"):
            assert port.calls == [], args


def test_auth_and_options_reach_the_target() -> None:
    """AUTH before SELECT, AUTH2's user, REPLACE on each RESTORE, COPY keeps the key, the
    timeout given (or 1000 for <= 0) on every operation."""
    st, c = source(b"k")
    port = Scripted()
    st, out, eff = run(st, c, port, *MIG, b"k", b"0", b"-3", b"COPY", b"AUTH", b"pw",
                       b"REPLACE")
    assert out == b"+OK\r\n" and b"k" in st.dbs[0].keys and not eff.propagate
    data, lines = port.calls[1][1][1], port.calls[1][1][2]
    assert data.startswith(b"*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
    assert data.endswith(b"$7\r\nREPLACE\r\n") and lines == 3
    assert port.calls[0][1][1] == 1000


def test_keys_takes_only_the_arguments_after_it() -> None:
    """KEYS itself is not a key (a key named "KEYS" stays), and a duplicate key is sent
    twice, as migrateCommand does."""
    st, c = source(b"KEYS", b"k")
    port = Scripted()
    st, out, eff = run(st, c, port, *MIG, b"", b"0", b"100", b"KEYS", b"k", b"k")
    assert out == b"+OK\r\n"
    data, lines = port.calls[1][1][1], port.calls[1][1][2]
    assert data.count(b"RESTORE") == 2 and lines == 3
    assert list(st.dbs[0].keys) == [b"KEYS"]
    assert eff.propagate == ((0, (b"DEL", b"k", b"k")),)


def test_a_key_expiring_this_millisecond_is_sent_with_ttl_1() -> None:
    """expireat == now: not expired yet (expireIfNeeded needs now > when), so it moves with
    the smallest TTL, 1 ms."""
    st, c = source(b"k")
    st, _ = S.run_command(st, c, [b"PEXPIREAT", b"k", b"%d" % (NOW + 5)], NOW)
    port = Scripted()
    data = b"*6\r\n$7\r\nMIGRATE\r\n$1\r\nh\r\n$1\r\n1\r\n$1\r\nk\r\n$1\r\n0\r\n$3\r\n100\r\n"
    st, eff = S.client_input(st, c, data, NOW + 5, busy_port=port)
    assert S.output_for(eff, c) == b"+OK\r\n"
    assert b"$1\r\nk\r\n$1\r\n1\r\n" in port.calls[1][1][1]


def test_write_timeout_on_a_cached_connection_with_nothing_before_the_restores() -> None:
    """No AUTH, no SELECT (the cached connection is on that database already): a write
    that times out is still reported as a write error, and not retried."""
    st, c = source(b"a", b"b")
    port = Scripted()
    st, out, _ = run(st, c, port, *MIG, b"a", b"0", b"100")
    assert out == b"+OK\r\n"
    port.answers = [Exchange(failed="write", timed_out=True)]
    st, out, _ = run(st, c, port, *MIG, b"b", b"0", b"100")
    assert out == b"-IOERR error or timeout writing to target instance\r\n"
    assert port.calls[-2][1][2] == 1  # one line asked for: the RESTORE's
    assert port.kinds()[-2:] == ["exchange", "close"] and b"b" in st.dbs[0].keys
