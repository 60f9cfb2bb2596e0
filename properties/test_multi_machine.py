"""Transactions as a state machine (mechanism 12, docs/mechanisms/transactions.md): three
clients send MULTI / EXEC / DISCARD / WATCH / UNWATCH / RESET and plain writes and reads
(SET [PX], INCR, APPEND, DEL, GET, FLUSHALL, FLUSHDB, SWAPDB, SELECT) over three keys in two
databases, with a virtual clock and active expire cycles; clients also disconnect and come
back (new ids).

The model keeps the keyspace (``(value, expire_at)`` per key per db) and, per client, Redis
7.0's transaction state: in MULTI or not, queued commands, the queue-error flag, the
``dirty`` flag and the watched ``(db, key, expired-when-watched)`` entries. A *touch* of a key
(every write, every deletion, lazy or active expiry, FLUSH*, SWAPDB) dirties its watchers as
``touchWatchedKey`` / ``touchAllWatchedKeysInDb`` do.

Invariants (each has a planted-bug test below that shows it failing):

- ``exec_fails_iff_watched_key_touched``: EXEC answers a null array exactly when the model
  says a watched key was touched (by anyone, by expiry, by a flush or swap) since WATCH, or
  a key watched live is expired now.
- ``execabort_iff_queue_error``: EXEC answers EXECABORT exactly when a command was refused
  while queueing.
- ``exec_equals_sequential_run``: a successful EXEC's reply is the array of the replies the
  queued commands give when run one by one outside MULTI from the same state, and it leaves
  the same keyspace.
- ``transaction_is_contiguous``: what one EXEC propagates is MULTI, its writes in order,
  EXEC (one write: alone), with nothing from anybody else in between (the whole EXEC is one
  transition of the server).
- ``watch_table_consistent``: the server's table and the clients' lists agree (client id in
  ``watched_keys[(db, key)]`` iff the client lists that entry) and departed clients appear
  nowhere.
- ``keyspace_matches_model``.
- ``input_not_mutated``: no transition changes its input (``purity.py``; planted: ``test_purity.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.planted import assert_trips, machine_test, planted_settings, replace_handler
from redspec.properties.purity import checked
from redspec.spec import dispatch
from redspec.spec import server as S
from redspec.spec import watch as watch_mod
from redspec.spec.cron import server_cron
from redspec.spec.resp import encode_request
from redspec.spec.state import replace
from redspec.spec.step import Step

MECHANISM = "transactions"

START = 1_700_000_000_000
KEYS = [b"a", b"b"]
NCLIENTS = 3

keys_ = st.sampled_from(KEYS)
clients_ = st.integers(0, NCLIENTS - 1)

#: Commands a client may send (the model interprets each); ``bad`` ones are refused at
#: queue time (unknown command, wrong arity).
COMMANDS = st.one_of(
    st.tuples(st.just(b"SET"), keys_, st.sampled_from([b"1", b"x", b"10"])),
    st.tuples(st.just(b"SET"), keys_, st.just(b"7"), st.just(b"PX"),
              st.sampled_from([b"1", b"30", b"200"])),
    st.tuples(st.just(b"INCR"), keys_),
    st.tuples(st.just(b"APPEND"), keys_, st.just(b"z")),
    st.tuples(st.just(b"DEL"), keys_),
    st.tuples(st.just(b"GET"), keys_),
    st.tuples(st.just(b"EXISTS"), keys_),
    st.just((b"FLUSHALL",)),
    st.just((b"FLUSHDB",)),
    st.just((b"SWAPDB", b"0", b"1")),
    st.tuples(st.just(b"SELECT"), st.sampled_from([b"0", b"1"])),
    st.just((b"SET", b"a")),        # wrong arity
    st.just((b"NOSUCH", b"a")),     # unknown
)
#: What other clients do while a transaction is prepared: commands, or WATCH of a key.
OTHERS = st.lists(st.tuples(clients_, st.one_of(COMMANDS, st.tuples(st.just(b"WATCH"), keys_))),
                  max_size=3)
#: Commands worth queueing (valid writes and reads, now and then a refused one).
QUEUED = st.lists(st.one_of(
    st.tuples(st.just(b"SET"), keys_, st.sampled_from([b"1", b"x"])),
    st.tuples(st.just(b"INCR"), keys_),
    st.tuples(st.just(b"APPEND"), keys_, st.just(b"z")),
    st.tuples(st.just(b"GET"), keys_),
    st.tuples(st.just(b"DEL"), keys_),
    COMMANDS,
), max_size=4)


class ModelClient:
    def __init__(self, cid: int) -> None:
        self.cid = cid
        self.db = 0
        self.multi = False
        self.queue: list[tuple[bytes, ...]] = []
        self.queue_error = False
        self.dirty = False
        self.watched: list[list[Any]] = []  # [db, key, expired-when-watched]


def _cmd_name(argv: tuple[bytes, ...]) -> bytes:
    return argv[0].upper()


def _bad(argv: tuple[bytes, ...]) -> bool:
    return argv in ((b"SET", b"a"), (b"NOSUCH", b"a"))


class TransactionsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.state = S.new_server(self.now, databases=2)
        self.clients: list[ModelClient] = []
        for _ in range(NCLIENTS):
            self.state, cid = checked(S.client_connect, self.state, self.now)
            self.clients.append(ModelClient(cid))
        self.dbs: list[dict[bytes, tuple[bytes, int | None]]] = [{}, {}]
        self.gone: set[int] = set()
        self.log: list[tuple[int, tuple[bytes, ...]]] = []  # (client id, propagated argv)
        self.last: dict[str, Any] = {}

    # -- the model of the keyspace and of touches ---------------------------------------------

    def expired(self, d: int, k: bytes) -> bool:
        e = self.dbs[d].get(k)
        return e is not None and e[1] is not None and self.now > e[1]

    def touch(self, d: int, k: bytes) -> None:
        """``touchWatchedKey``: the key's watchers become dirty and unwatch, except an entry
        watched while expired whose key is now gone (its flag is cleared)."""
        for c in self.clients:
            for ent in c.watched:
                if ent[0] == d and ent[1] == k:
                    if ent[2] and k not in self.dbs[d]:
                        ent[2] = False
                    else:
                        c.dirty = True
                        c.watched = []
                    break

    def touch_all(self, d: int, emptied: dict[bytes, Any], repl: dict[bytes, Any] | None) -> None:
        """``touchAllWatchedKeysInDb``."""
        for c in self.clients:
            for ent in c.watched:
                if ent[0] != d:
                    continue
                k = ent[1]
                exists = k in emptied
                in_new = repl is not None and k in repl
                if not (exists or in_new):
                    continue
                new_expired = in_new and repl is not None and _exp(repl[k], self.now)
                if ent[2]:
                    if not in_new:
                        ent[2] = False
                        continue
                    if new_expired:
                        continue
                elif not exists and new_expired:
                    ent[2] = True
                    continue
                c.dirty = True

    def lazy(self, d: int, k: bytes) -> None:
        if self.expired(d, k):
            del self.dbs[d][k]
            self.touch(d, k)

    def run_model(self, c: ModelClient, argv: tuple[bytes, ...]) -> None:
        """The keyspace effect of one (valid) data command run by ``c``."""
        name = _cmd_name(argv)
        d = c.db
        db = self.dbs[d]
        if name == b"SELECT":
            c.db = int(argv[1])
        elif name == b"FLUSHALL":
            for i in (0, 1):
                if self.dbs[i]:
                    self.touch_all(i, self.dbs[i], None)
                self.dbs[i] = {}
        elif name == b"FLUSHDB":
            if db:
                self.touch_all(d, db, None)
            self.dbs[d] = {}
        elif name == b"SWAPDB":
            d0, d1 = self.dbs
            self.touch_all(0, d0, d1)
            self.touch_all(1, d1, d0)
            self.dbs = [d1, d0]
        else:
            k = argv[1]
            self.lazy(d, k)
            cur = db.get(k)
            if name == b"SET":
                exp = self.now + int(argv[4]) if len(argv) == 5 else None
                db[k] = (argv[2], exp)
                self.touch(d, k)
            elif name == b"INCR":
                v = cur[0] if cur else b"0"
                try:
                    n = int(v)
                except ValueError:
                    return
                db[k] = (b"%d" % (n + 1), cur[1] if cur else None)
                self.touch(d, k)
            elif name == b"APPEND":
                db[k] = ((cur[0] if cur else b"") + argv[2], cur[1] if cur else None)
                self.touch(d, k)
            elif name == b"DEL":
                if cur is not None:
                    del db[k]
                    self.touch(d, k)

    # -- sending ------------------------------------------------------------------------------

    def send(self, c: ModelClient, argv: tuple[bytes, ...]) -> bytes:
        self.state, eff = checked(S.client_input, self.state, c.cid, encode_request(argv), self.now)
        for p in eff.propagate:
            self.log.append((c.cid, p[1]))
        self.last = {"client": c.cid, "argv": argv, "propagate": [p[1] for p in eff.propagate]}
        return S.output_for(eff, c.cid)

    @rule(ci=clients_, argv=COMMANDS)
    def command(self, ci: int, argv: tuple[bytes, ...]) -> None:
        c = self.clients[ci]
        out = self.send(c, argv)
        if c.multi:
            if _bad(argv):
                c.queue_error = True
                assert out.startswith(b"-ERR"), out
            else:
                assert out == b"+QUEUED\r\n", out
                if not (c.dirty or c.queue_error):
                    c.queue.append(argv)
            return
        if not _bad(argv):
            self.run_model(c, argv)

    @rule(ci=clients_, ks=st.lists(keys_, min_size=1, max_size=3))
    def watch(self, ci: int, ks: list[bytes]) -> None:
        c = self.clients[ci]
        out = self.send(c, (b"WATCH", *ks))
        if c.multi:
            assert out == b"-ERR WATCH inside MULTI is not allowed\r\n"
            return
        assert out == b"+OK\r\n"
        if c.dirty:
            return
        for k in ks:
            if not any(e[0] == c.db and e[1] == k for e in c.watched):
                c.watched.append([c.db, k, self.expired(c.db, k)])

    @rule(ci=clients_)
    def unwatch(self, ci: int) -> None:
        c = self.clients[ci]
        out = self.send(c, (b"UNWATCH",))
        if c.multi:
            assert out == b"+QUEUED\r\n"
            if not (c.dirty or c.queue_error):
                c.queue.append((b"UNWATCH",))
            return
        c.watched, c.dirty = [], False

    @rule(ci=clients_)
    def multi(self, ci: int) -> None:
        c = self.clients[ci]
        out = self.send(c, (b"MULTI",))
        if c.multi:
            assert out == b"-ERR MULTI calls can not be nested\r\n"
        else:
            assert out == b"+OK\r\n"
            c.multi = True

    @rule(ci=clients_)
    def discard(self, ci: int) -> None:
        c = self.clients[ci]
        out = self.send(c, (b"DISCARD",))
        if not c.multi:
            assert out == b"-ERR DISCARD without MULTI\r\n"
            return
        assert out == b"+OK\r\n"
        self._end(c)

    @rule(ci=clients_)
    def reset(self, ci: int) -> None:
        c = self.clients[ci]
        assert self.send(c, (b"RESET",)) == b"+RESET\r\n"
        self._end(c)
        c.db = 0

    def _end(self, c: ModelClient) -> None:
        c.multi, c.queue, c.queue_error, c.dirty, c.watched = False, [], False, False, []

    @rule(ci=clients_)
    def exec_(self, ci: int) -> None:
        c = self.clients[ci]
        before = self.state
        out = self.send(c, (b"EXEC",))
        if not c.multi:
            assert out == b"-ERR EXEC without MULTI\r\n"
            return
        # the model's verdict
        if c.queue_error:
            want = "abort"
        elif c.dirty or any(not e[2] and self.expired(e[0], e[1]) for e in c.watched):
            want = "null"
        else:
            want = "run"
        queue = c.queue
        self._end(c)
        self.last.update(want=want, out=out, before=before, queue=queue, cid=c.cid)
        self.check_exec_outcome()
        if want == "run":
            for argv in queue:
                if argv == (b"UNWATCH",):
                    continue
                self.run_model(c, argv)

    def check_exec_outcome(self) -> None:
        out, want = self.last["out"], self.last["want"]
        is_abort = out.startswith(b"-EXECABORT")
        is_null = out == b"*-1\r\n"
        # execabort_iff_queue_error
        assert is_abort == (want == "abort"), ("execabort_iff_queue_error", want, out)
        # exec_fails_iff_watched_key_touched
        if want != "abort":
            assert is_null == (want == "null"), ("exec_fails_iff_watched_key_touched", want, out)

    @rule(ci=clients_, ks=st.lists(keys_, min_size=1, max_size=2), before=OTHERS,
          ms=st.sampled_from([0, 0, 0, 50, 250]), queue=QUEUED, during=OTHERS,
          end=st.sampled_from([b"EXEC", b"EXEC", b"EXEC", b"DISCARD"]))
    def transaction(self, ci: int, ks: list[bytes], before: list[Any], ms: int,
                    queue: list[tuple[bytes, ...]], during: list[Any], end: bytes) -> None:
        """The usual pattern in one rule: WATCH, others act, time passes, MULTI, commands
        queued while others act, EXEC (or DISCARD)."""
        self.watch(ci, ks)
        self._others(ci, before)
        self.now += ms
        self.multi(ci)
        for argv in queue:
            self.command(ci, argv)
        self._others(ci, during)
        if end == b"EXEC":
            self.exec_(ci)
        else:
            self.discard(ci)

    def _others(self, ci: int, acts: list[Any]) -> None:
        for cj, argv in acts:
            if cj == ci:
                continue
            if argv[0] == b"WATCH":
                self.watch(cj, [argv[1]])
            else:
                self.command(cj, argv)

    @rule(ms=st.sampled_from([1, 25, 100, 250]), cron=st.booleans())
    def tick(self, ms: int, cron: bool) -> None:
        self.now += ms
        if not cron:
            return
        self.state, eff = checked(server_cron, self.state, self.now)
        for p in eff.propagate:
            self.log.append((0, p[1]))
        self.last = {}
        for d in (0, 1):
            for k in list(self.dbs[d]):
                if k not in self.state.dbs[d].keys:
                    assert self.expired(d, k), ("active expiry deleted a live key", d, k)
                    del self.dbs[d][k]
                    self.touch(d, k)

    @rule(ci=clients_)
    def reconnect(self, ci: int) -> None:
        old = self.clients[ci]
        self.state = checked(S.client_disconnect, self.state, old.cid)
        self.gone.add(old.cid)
        self.state, cid = checked(S.client_connect, self.state, self.now)
        self.clients[ci] = ModelClient(cid)

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def exec_equals_sequential_run(self) -> None:
        last = self.last
        if last.get("want") != "run" or not last["out"].startswith(b"*"):
            return
        st0 = last["before"]
        cid = last["cid"]
        c = st0.clients[cid]
        c = replace(c, multi=-1, mstate=(), flags=c.flags - {"multi", "dirty_cas", "dirty_exec"})
        st1 = replace(st0, clients=st0.clients.set(cid, c))
        frames = []
        for argv in last["queue"]:
            st1, f = checked(S.run_command, st1, cid, list(argv), self.now)
            frames.append(f)
        want = b"*%d\r\n" % len(last["queue"]) + b"".join(frames)
        assert last["out"] == want, ("exec_equals_sequential_run", last["out"], want)
        for i in (0, 1):
            assert dict(st1.dbs[i].keys) == dict(self.state.dbs[i].keys), \
                "exec_equals_sequential_run"

    @invariant()
    def transaction_is_contiguous(self) -> None:
        last = self.last
        if last.get("want") != "run" or not last["out"].startswith(b"*"):
            return
        prop = last["propagate"]
        writes = [p for p in prop if p not in ((b"MULTI",), (b"EXEC",))]
        if len(writes) > 1:
            assert prop[0] == (b"MULTI",) and prop[-1] == (b"EXEC",), \
                ("transaction_is_contiguous", prop)
        else:
            assert prop == writes, ("transaction_is_contiguous", prop)
        # nothing from anybody else between this EXEC's MULTI and EXEC in the global log
        n = len(prop)
        tail = self.log[len(self.log) - n:] if n else []
        assert [p for _, p in tail] == prop and all(w == last["cid"] for w, _ in tail), \
            "transaction_is_contiguous"

    @invariant()
    def watch_table_consistent(self) -> None:
        wk = self.state.watched_keys
        listed = set()
        for cid, c in self.state.clients.items():
            for d, k, _ in c.watched:
                listed.add((d, k, cid))
                assert cid in wk.get((d, k), ()), ("watch_table_consistent", cid, d, k)
        for (d, k), ids in wk.items():
            assert ids, "watch_table_consistent"
            for cid in ids:
                assert cid not in self.gone, ("watch_table_consistent", "departed", cid)
                assert (d, k, cid) in listed, ("watch_table_consistent", d, k, cid)

    @invariant()
    def keyspace_matches_model(self) -> None:
        for i in (0, 1):
            got = {k: (v, self.state.dbs[i].expires.get(k)) for k, v in
                   self.state.dbs[i].keys.items()}
            assert got == self.dbs[i], ("keyspace_matches_model", i, got, self.dbs[i])


def _exp(entry: tuple[bytes, int | None], now: int) -> bool:
    return entry[1] is not None and now > entry[1]


TestTransactionsMachine = machine_test(TransactionsMachine, max_examples=50, steps=25,
                                       health=HealthCheck, derandomize=True, database=None)


# -- planted bugs -----------------------------------------------------------------------------

PLANTED = planted_settings(max_examples=600, steps=40)


def test_planted_touch_forgets_a_watcher(monkeypatch: pytest.MonkeyPatch) -> None:
    """``signalModifiedKey`` marks only the first watcher of a key."""
    real = watch_mod.touch_watched_key

    def first_only(s: Step, dbid: int, key: bytes) -> None:
        wk = s.part("watched_keys")
        ids = wk.get((dbid, key))
        if ids is None or len(ids) < 2:
            real(s, dbid, key)
            return
        s.set_part("watched_keys", wk.set((dbid, key), ids[:1]))  # hide the others
        real(s, dbid, key)
        cur = s.part("watched_keys")
        s.set_part("watched_keys", cur.set((dbid, key), cur.get((dbid, key), ()) + ids[1:]))

    from redspec.spec import step as step_mod
    monkeypatch.setattr(step_mod, "touch_watched_key", first_only)
    assert_trips(TransactionsMachine, "exec_fails_iff_watched_key_touched", PLANTED)


def test_planted_flush_does_not_touch(monkeypatch: pytest.MonkeyPatch) -> None:
    """FLUSHALL / FLUSHDB / SWAPDB leave watchers clean."""
    from redspec.spec import step as step_mod
    monkeypatch.setattr(step_mod, "touch_all_watched_keys_in_db", lambda s, e, r: None)
    assert_trips(TransactionsMachine, "exec_fails_iff_watched_key_touched", PLANTED)


def test_planted_no_expiry_check_at_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    """EXEC forgets ``isWatchedKeyExpired``."""
    monkeypatch.setattr(dispatch, "is_watched_key_expired", lambda s, c: False)
    assert_trips(TransactionsMachine, "exec_fails_iff_watched_key_touched", PLANTED)


def test_planted_queue_errors_not_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command refused while queueing does not flag the transaction."""
    monkeypatch.setattr(dispatch, "flag_transaction", lambda s: None)
    assert_trips(TransactionsMachine, "execabort_iff_queue_error", PLANTED)


def test_planted_exec_skips_the_last_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """EXEC runs all queued commands but the last (and answers one element short)."""
    real = dispatch.exec_

    def short(s: Step, argv: list[bytes]) -> Any:
        c = s.client
        if c.info.mstate:
            s.set_client(replace(c, mstate=c.info.mstate[:-1]))
        return real(s, argv)

    replace_handler(monkeypatch, b"exec", short)
    assert_trips(TransactionsMachine, "exec_equals_sequential_run", PLANTED)


def test_planted_propagation_not_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A top-level call's several propagated commands (EXEC's) are not wrapped in MULTI ...
    EXEC (``propagatePendingCommands`` does nothing)."""
    monkeypatch.setattr(dispatch, "propagate_pending_commands", lambda s, start: None)
    assert_trips(TransactionsMachine, "transaction_is_contiguous", PLANTED)


def test_planted_disconnect_keeps_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    """``freeClient`` forgets ``unwatchAllKeys``."""
    monkeypatch.setattr(S, "_unwatch", lambda state, c: state)
    assert_trips(TransactionsMachine, "watch_table_consistent", PLANTED)


def test_planted_append_forgets_to_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    """APPEND writes without ``signalModifiedKey``: a watcher of the key is not dirtied."""
    from redspec.spec.commands import strings

    real = strings.append
    replace_handler(monkeypatch, b"append", lambda s, argv: _append_without_signal(s, argv, real))
    assert_trips(TransactionsMachine, "exec_fails_iff_watched_key_touched", PLANTED)


def _append_without_signal(s: Step, argv: list[bytes], real: Any) -> Any:
    """Run APPEND with the key hidden from the watch table (so its touch reaches nobody)."""
    wk = s.part("watched_keys")
    ent = (s.db.id, argv[1])
    ids = wk.get(ent)
    if ids is None:
        return real(s, argv)
    s.set_part("watched_keys", wk.delete(ent))
    r = real(s, argv)
    cur = s.part("watched_keys")
    s.set_part("watched_keys", cur.set(ent, cur.get(ent, ()) + ids))
    return r
