"""Boundary checks for the survivors of the exhaustive boundary-class mutation run of the
persistence and AOF modules (``spec/persist.py``, ``spec/aofload.py``, ``spec/aofstream.py``,
``spec/aoffeed.py``, ``spec/aofrewrite.py``, and the gaps ``spec/aof.py`` had left; issue
#22, ``tools/mutation.py``), in the pattern
of ``properties/test_boundary_streams.py``: each check puts a Redis rule exactly on its
boundary, and each has a planted-bug test whose planted bug *is* the surviving mutant.

Property ``boundary_maof_agree_with_redis``.

``spec/persist.py``, observed on redis-server 7.0.15 (``--enable-debug-command local``; the
dump files read back with ``spec.rdb.decode_file``):

- the keys of a SAVE come in the order KEYS gives them (both walk the keyspace dict with
  ``dictGetSafeIterator``): 40 keys ``k0``..``k39``, the same order in both;
- ``rdbPopulateSaveInfo``: a master without a backlog writes no replication AUX fields; once
  a replica has attached (a backlog) SAVE writes ``repl-stream-db 0`` before any write
  (``slaveseldb`` -1), ``repl-stream-db 3`` after a write propagated with ``SELECT 3``,
  ``repl-id`` and ``repl-offset`` the master's; a replica writes its master client's db (3),
  and once its link is gone the cached master's (3); a replica that never had a master
  writes none;
- DEBUG RELOAD empties the dataset synchronously (``emptyData(-1, EMPTYDB_NO_FLAGS)``):
  ``lazyfreed_objects:0`` after reloading 43 keys;
- a key holding a shared integer (``SET k 5``) keeps the shared object's access time over
  DEBUG RELOAD (the file has no IDLE under ``noeviction``, so ``objectSetLRUOrLFU`` is given
  -1 and leaves it): ``OBJECT IDLETIME k`` is 85 (seconds since the server started), a
  string set at the same time is 0.

From 7.0.15's source (``rdbLoadRio``, ``objectSetLRUOrLFU``), not observable at the exact
millisecond or second on a live server:

- a key whose expiry equals the load's ``mstime()`` is loaded (``expiretime < now`` drops);
- an IDLE of 0 sets the object's access time to the clock: a shared integer whose own access
  time is older reads idle 0 afterwards; a clock of 0 with IDLE 0 gives ``lru`` 0
  (``lru_abs < 0`` wraps, 0 does not): ``OBJECT IDLETIME`` 0;
- a BGSAVE whose fork fails, then one whose fork succeeds, in one read: the world's answers
  are taken in order (the second child is the one the world forked second).

``spec/aofload.py`` (DEBUG LOADAOF and the start-up load), observed on 7.0.15 (``appendonly
yes``, ``enable-debug-command local``, files prepared in ``appendonlydir``):

- DEBUG LOADAOF with AOF off and no AOF directory: the process exits (``AOF_NOT_EXIST`` is
  neither AOF_OK nor AOF_EMPTY: ``exit(1)``); with AOF off and a manifest naming an INCR file
  with ``SET a 1``: ``+OK`` and a is 1;
- ``SET x 1`` and DEBUG LOADAOF pipelined in one read: ``+OK`` ``+OK`` and x is 1 (the
  buffer is flushed before the directory is read);
- after a rewrite child killed by SIGKILL the manifest names two INCR files; ``SET a 3`` and
  DEBUG LOADAOF pipelined: a is 3, ``set a 3`` appended to the last INCR file;
- the last INCR file ending inside a command (99 bytes, the whole commands 77): "!!! Warning:
  short read ...", "!!! Truncating the AOF ... at offset 77 !!!", "... loaded anyway because
  aof-load-truncated is enabled", "DB loaded from incr file ...", the file is 77 bytes, and
  the process exits (``ret != AOF_OK && ret != AOF_EMPTY``). **The spec replied +OK and
  kept serving** (it took AOF_TRUNCATED as a success): fixed in ``spec/aofload.py``;
- ``latency-monitor-threshold 1`` and ``MULTI``, ``DEBUG SLEEP 0.05``, ``SET k v``,
  ``EXEC``, ``DEBUG SLEEP 0.05`` in the INCR file: after the start LATENCY LATEST is empty
  and SLOWLOG GET holds nothing of the load (the AOF client's ``call`` records nothing).

From 7.0.15's source: the flush before DEBUG LOADAOF is forced (``flushAppendOnlyFile(1)``,
written even while an everysec fsync runs), every DEBUG LOADAOF reads the manifest from disk
again (``aofLoadManifestFromDisk``), and the exit status is 1.

``spec/aofstream.py``, observed on 7.0.15: an INCR file ``*1``, ``$\\n``, ``4PING`` (a ``$``
line with no digits: ``strtol`` reads 0) fails the start with "Unknown command '' reading
the append only file appendonly.aof.1.incr.aof".

``spec/aof.py`` (the gaps the fourth round left), from 7.0.15's source
(``flushAppendOnlyFile``, ``stopAppendOnly``, ``serverCron``, ``beforeSleep``):

- ``appendfsync always`` with ``no-appendfsync-on-rewrite yes`` skips the fsync only while
  a child runs (``hasActiveChildProcess``), also in a forced flush;
- CONFIG SET appendonly no flushes with force, so a pipelined write before it reaches the
  file while an everysec fsync runs;
- serverCron retries a postponed flush before beforeSleep runs the clients a CLIENT PAUSE
  held, whose writes beforeSleep's own flush then postpones again (``aof_buffer_length``).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from properties.aofworld import AofWorld, encode
from redspec.properties.test_mutation_gaps import plant, plant_everywhere
from redspec.spec import aof, aofload, aofstream, persist
from redspec.spec.aofload import (
    AofDirNeeded,
    AofDirRead,
    AofFile,
    AofLoadFailed,
    aof_load_step,
    start_aof_loading,
    with_aof_dir_read,
)
from redspec.spec.aofmanifest import ManifestError, aof_files_in_load_order, parse_manifest
from redspec.spec.backlog import create_backlog
from redspec.spec.commands.registry import DEBUG_SUBCOMMANDS
from redspec.spec.eventloop import event_loop_turn
from redspec.spec.rdb import KeyRecord, Limits, decode_file, encode_file
from redspec.spec.server import (
    client_connect,
    client_input,
    clients_wrote,
    new_server,
    run_command,
)
from redspec.spec.state import Client, ServerState, replace
from redspec.spec.step import Step

NAME = "boundary_maof_agree_with_redis"
NOW = 1_700_000_000_000
_DEBUG = {"enable-debug-command": "yes"}


class World:
    """A spec server with one client and the world around it (as ``tests/test_bgsave.py``'s):
    forks get pids 1000, 1001, ...; file writes succeed; ``files`` keeps what was written."""

    def __init__(self, **config: Any) -> None:
        self.now = NOW
        self.state = new_server(NOW, **config)
        self.state, self.cid = client_connect(self.state, NOW)
        self.next_pid = 1000
        self.files: list[bytes] = []

    def fork_answer(self) -> int:
        self.next_pid += 1
        return self.next_pid - 1

    def run(self, fn: Any) -> Any:
        """``fn`` on the state, answering its fork and save questions."""
        st = self.state
        while True:
            try:
                self.state, out = fn(st)
                return out
            except persist.ForkOutcomeNeeded:
                st = persist.with_fork_outcome(st, self.fork_answer(), 7)
            except persist.SaveOutcomeNeeded as need:
                self.files.append(need.data)
                st = persist.with_save_outcome(st, True)

    def __call__(self, *args: Any) -> bytes:
        argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        frame: bytes = self.run(lambda st: run_command(st, self.cid, argv, self.now))
        return frame

    def pipeline(self, *cmds: list[str]) -> bytes:
        """Several commands in one read (one transition): the replies."""
        raw = b"".join(encode(*c) for c in cmds)
        eff = self.run(lambda st: client_input(st, self.cid, raw, self.now))
        return b"".join(o for _, o in eff.output)


def _trips(check: Any) -> None:
    with pytest.raises(AssertionError, match=NAME):
        check()


def _aux(data: bytes) -> dict[bytes, bytes]:
    """The AUX fields of an RDB file."""
    f = decode_file(data, Limits.of(new_server(0).config), 16)
    return dict(f.aux)


def _records(data: bytes) -> list[bytes]:
    f = decode_file(data, Limits.of(new_server(0).config), 16)
    return [r.key for _, recs in f.dbs for r in recs]


# -- spec/persist.py ----------------------------------------------------------------------------


def check_save_key_order() -> None:
    """SAVE writes the keys in the keyspace dict's order, which is KEYS's order."""
    w = World()
    for i in range(40):
        w("SET", f"k{i}", f"v{i}")
    keys = w("KEYS", "*")
    assert w("SAVE") == b"+OK\r\n"
    got = _records(w.files[-1])
    assert _aux(w.files[-1]).get(b"aof-base") == b"0", f"{NAME}: SAVE's aof-base"
    want = [ln for ln in keys.split(b"\r\n")[2::2]]
    assert got == want, f"{NAME}: SAVE order {got[:5]} KEYS order {want[:5]}"


def _save_aux(state: ServerState) -> dict[bytes, bytes]:
    return _aux(persist.save_state(state, NOW))


def check_repl_stream_db() -> None:
    """``rdbPopulateSaveInfo``'s four cases, and the fork snapshot of a replica."""
    st = new_server(NOW)
    assert b"repl-stream-db" not in _save_aux(st), f"{NAME}: no backlog, no repl fields"
    r = attrs.evolve(st.repl, backlog=create_backlog(1 << 20, 0))
    aux = _save_aux(replace(st, repl=r))
    assert (aux.get(b"repl-stream-db"), aux.get(b"repl-offset")) == (b"0", b"0"), \
        f"{NAME}: backlog, slaveseldb -1: {aux}"
    aux = _save_aux(replace(st, repl=attrs.evolve(r, slaveseldb=3, master_repl_offset=64)))
    assert (aux.get(b"repl-stream-db"), aux.get(b"repl-offset")) == (b"3", b"64"), \
        f"{NAME}: backlog, slaveseldb 3: {aux}"
    mc = Client(77, db=3)
    rep = attrs.evolve(st.repl, masterhost="127.0.0.1", masterport=6379, master_client=77)
    rst = replace(st, repl=rep, clients=st.clients.set(77, mc))
    aux = _save_aux(rst)
    assert aux.get(b"repl-stream-db") == b"3", f"{NAME}: replica's master client: {aux}"
    snap = persist.fork_snapshot(Step(rst, NOW))
    aux = _save_aux(snap)
    assert aux.get(b"repl-stream-db") == b"3", f"{NAME}: replica's BGSAVE snapshot: {aux}"
    rep = attrs.evolve(st.repl, masterhost="127.0.0.1", masterport=6379,
                       cached_master=("a" * 40, 78, 3, 1))
    aux = _save_aux(replace(st, repl=rep))
    assert aux.get(b"repl-stream-db") == b"3", f"{NAME}: replica's cached master: {aux}"
    rep = attrs.evolve(st.repl, masterhost="127.0.0.1", masterport=6379)
    aux = _save_aux(replace(st, repl=rep))
    assert b"repl-stream-db" not in aux, f"{NAME}: replica with no master yet: {aux}"


def check_debug_reload_frees_synchronously() -> None:
    """DEBUG RELOAD empties the dataset with ``EMPTYDB_NO_FLAGS``: nothing lazily freed."""
    w = World(**_DEBUG)
    w("MSET", "a", "1", "b", "2", "c", "3")
    assert w("DEBUG", "RELOAD") == b"+OK\r\n"
    got = w("INFO", "memory")
    assert b"lazyfreed_objects:0\r\n" in got, f"{NAME}: DEBUG RELOAD lazyfreed {got!r}"


def check_shared_integer_idle_over_reload() -> None:
    """No IDLE in the file (``noeviction``): a shared integer keeps its old access time."""
    w = World(**_DEBUG)
    w("SET", "k", "5")
    w("SET", "s", "hello")
    w.now += 85_000
    assert w("DEBUG", "RELOAD") == b"+OK\r\n"
    got = (w("OBJECT", "IDLETIME", "k"), w("OBJECT", "IDLETIME", "s"))
    assert got == (b":85\r\n", b":0\r\n"), f"{NAME}: idle over DEBUG RELOAD {got}"


def _file(*recs: KeyRecord) -> bytes:
    return encode_file([(b"redis-ver", b"7.0.15")], [(0, list(recs))])


def _idle(state: ServerState, key: bytes, now: int) -> bytes:
    _, frame = _run(state, now, b"OBJECT", b"IDLETIME", key)
    return frame


def _run(state: ServerState, now: int, *argv: bytes) -> tuple[ServerState, bytes]:
    state, cid = client_connect(state, now)
    state, frame = run_command(state, cid, list(argv), now)
    return state, frame


def check_load_idle_zero() -> None:
    """IDLE 0 sets the access time to the clock (a shared integer's too); at clock 0 that
    is ``lru`` 0, not the wrapped value."""
    st = new_server(NOW, **{"maxmemory-policy": "allkeys-lru"})
    later = NOW + 85_000
    st = persist.load_state(st, _file(KeyRecord(b"k", b"5", idle_s=0)), later)
    got = _idle(st, b"k", later)
    assert got == b":0\r\n", f"{NAME}: shared integer loaded with IDLE 0: {got!r}"
    zero = 102 * (1 << 24) * 1000  # lru_clock(zero) == 0
    st = new_server(zero - 5000, **{"maxmemory-policy": "allkeys-lru"})
    st = persist.load_state(st, _file(KeyRecord(b"s", b"hello", idle_s=0)), zero)
    got = _idle(st, b"s", zero)
    assert got == b":0\r\n", f"{NAME}: IDLE 0 at clock 0: {got!r}"


def check_load_expiry_at_now() -> None:
    """``expiretime < now`` drops a key: one expiring at the load's millisecond stays."""
    st = new_server(NOW)
    data = _file(KeyRecord(b"a", b"1", expire_ms=NOW), KeyRecord(b"b", b"1", expire_ms=NOW - 1))
    st = persist.load_state(st, data, NOW)
    got = (sorted(st.dbs[0].keys.keys()), st.persist.load_loaded, st.persist.load_expired)
    assert got == ([b"a"], 1, 1), f"{NAME}: load at the expiry's millisecond {got}"


class _Answers(World):
    """A world whose forks are answered from a list (``-1``: the fork fails)."""

    def __init__(self, pids: list[int], **config: Any) -> None:
        super().__init__(**config)
        self.pids = pids
        self.asked = 0

    def fork_answer(self) -> int:
        self.asked += 1
        return self.pids[self.asked - 1]


def check_fork_answers_in_order() -> None:
    """A failed fork then a good one in one read: each BGSAVE takes its own answer."""
    w = _Answers([-1, 1000, 1001, 1002])
    out = w.pipeline(["BGSAVE"], ["BGSAVE"])
    child = w.state.persist.child
    got = (out, w.asked, child.pid if child else None)
    assert got == (b"-ERR\r\n+Background saving started\r\n", 2, 1000), \
        f"{NAME}: BGSAVE fork answers {got}"


def test_boundary_maof_persist() -> None:
    check_save_key_order()
    check_repl_stream_db()
    check_debug_reload_frees_synchronously()
    check_shared_integer_idle_over_reload()
    check_load_idle_zero()
    check_load_expiry_at_now()
    check_fork_answers_in_order()


@pytest.mark.parametrize("old,new", [
    ("len(ht) == len(keys)", "len(ht) != len(keys)"),
    ("k in keys", "k not in keys"),
])
def test_planted_save_key_order(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, persist, "dict_order", old, new)
    _trips(check_save_key_order)


@pytest.mark.parametrize("old,new", [
    ("r.masterhost is None", "r.masterhost is not None"),
    ("r.backlog is not None", "r.backlog is None"),
    ("r.slaveseldb == -1", "r.slaveseldb != -1"),
    ("r.slaveseldb == -1", "r.slaveseldb == -0"),
    ("r.slaveseldb == -1", "r.slaveseldb == -2"),
    ("r.master_client is not None", "r.master_client is None"),
    ("c is not None", "c is None"),
    ("r.cached_master is not None", "r.cached_master is None"),
])
def test_planted_repl_stream_db(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, persist, "repl_stream_db", old, new)
    _trips(check_repl_stream_db)


def test_planted_save_is_aof_base(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, persist, "rdb_save", "aof_base: bool = False",
                     "aof_base: bool = True")
    _trips(check_save_key_order)


def test_planted_snapshot_master_client(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, persist, "fork_snapshot", "r.master_client is not None",
                     "r.master_client is None")
    _trips(check_repl_stream_db)


def test_planted_reload_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, persist, "rdb_install", "lazy: bool = False",
                     "lazy: bool = True")
    _trips(check_debug_reload_frees_synchronously)


def test_planted_idle_absent_is_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, persist, "rdb_install", "-1 if rec.idle_s is None",
                     "-0 if rec.idle_s is None")
    _trips(check_shared_integer_idle_over_reload)


@pytest.mark.parametrize("old,new", [("idle >= 0", "idle > 0"), ("word < 0", "word <= 0")])
def test_planted_load_idle_zero(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    plant_everywhere(monkeypatch, persist, "set_lru_or_lfu", old, new)
    _trips(check_load_idle_zero)


def test_planted_load_expiry_at_now(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, persist, "rdb_install", "rec.expire_ms < s.now_ms",
                     "rec.expire_ms <= s.now_ms")
    _trips(check_load_expiry_at_now)


@pytest.mark.parametrize("new", ["st.fork_outcomes[0:]", "st.fork_outcomes[2:]"])
def test_planted_fork_answers(monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    plant_everywhere(monkeypatch, persist, "rdb_save_background", "st.fork_outcomes[1:]", new)
    _trips(check_fork_answers_in_order)



# -- spec/aofload.py ----------------------------------------------------------------------------


class _LoadWorld(AofWorld):
    """:class:`~properties.aofworld.AofWorld` that also answers DEBUG LOADAOF's read of the
    directory from its files (counted in ``reads``), carries out truncations, and keeps the
    last turn's effects (``eff``); an exception of the spec fails the check."""

    def __init__(self, appendonly: bool = True, **config: Any) -> None:
        super().__init__(appendonly, **{**_DEBUG, **config})
        self.reads = 0
        self.eff: Any = None

    def _answered(self, fn: Any) -> Any:
        def answering(st: ServerState) -> Any:
            while True:
                try:
                    return fn(st)
                except AofDirNeeded:
                    self.reads += 1
                    st = with_aof_dir_read(st, self._read())
        return super()._answered(answering)

    def _read(self) -> AofDirRead:
        data = self.fs.files.get("appendonly.aof.manifest")
        if data is None:
            return AofDirRead(None)
        try:
            m = parse_manifest(data)
        except ManifestError:
            return AofDirRead(data)
        return AofDirRead(data, tuple(AofFile(f.name, self.fs.files.get(f.name))
                                      for f in aof_files_in_load_order(m)))

    def turn(self, data: bytes = b"", cid: int | None = None) -> bytes:
        c = cid or self.cid
        readable = {c: data} if data else {}
        try:
            self.state, self.eff = self._answered(
                lambda st: event_loop_turn(st, self.now, readable, {}))
        except Exception as e:  # noqa: BLE001 - the check's failure, named
            raise AssertionError(f"{NAME}: the turn raised {e!r}") from e
        for op in self.eff.aof_ops:
            if op[0] == "truncate":
                self.fs.files[op[1]] = self.fs.files[op[1]][:op[2]]
            else:
                self.fs.apply((op,))
        cl = self.state.clients.get(c)
        reply = cl.reply if cl is not None else b""
        if cl is not None:
            self.state, _ = clients_wrote(self.state, {c: len(reply)})
        return reply


def check_loadaof_nothing_to_load() -> None:
    """AOF off and no directory: ``loadAppendOnlyFiles`` is AOF_NOT_EXIST and DEBUG LOADAOF
    exits with status 1, no reply; AOF off with a manifest: its files are loaded."""
    w = _LoadWorld(appendonly=False)
    got = (w.cmd("DEBUG", "LOADAOF"), w.eff.exit_code)
    assert got == (b"", 1), f"{NAME}: DEBUG LOADAOF with nothing to load {got}"
    w = _LoadWorld(appendonly=False)
    w.fs.files["appendonly.aof.manifest"] = b"file appendonly.aof.1.incr.aof seq 1 type i\n"
    w.fs.files["appendonly.aof.1.incr.aof"] = encode("SET", "a", "1")
    got = (w.cmd("DEBUG", "LOADAOF"), w.cmd("GET", "a"))
    assert got == (b"+OK\r\n", b"$1\r\n1\r\n"), f"{NAME}: DEBUG LOADAOF, AOF off {got}"


def check_loadaof_flushes_first() -> None:
    """AOF on: ``flushAppendOnlyFile(1)`` first, so a write pipelined before DEBUG LOADAOF
    is in the file it loads — also while an everysec fsync runs (the flush is forced)."""
    w = _LoadWorld(appendfsync="everysec")
    w.cmd("SET", "a", "1")
    w.advance(2000)
    w.cmd("SET", "a", "2")
    assert w.state.aof.fsync_pending, f"{NAME}: no background fsync running"
    got = (w.turn(encode("SET", "x", "1") + encode("DEBUG", "LOADAOF")), w.cmd("GET", "x"),
           w.cmd("GET", "a"))
    assert got == (b"+OK\r\n+OK\r\n", b"$1\r\n1\r\n", b"$1\r\n2\r\n"), \
        f"{NAME}: write pipelined before DEBUG LOADAOF {got}"


def check_loadaof_last_incr() -> None:
    """A failed rewrite leaves two INCR files; the flushed write goes to the last one."""
    w = _LoadWorld()
    w.cmd("SET", "a", "1")
    w.cmd("BGREWRITEAOF")
    w.cmd("SET", "a", "2")
    w.child_exits(code=1)
    m = parse_manifest(w.fs.files["appendonly.aof.manifest"])
    assert len(m.incrs) == 2, f"{NAME}: two INCR files {m}"
    got = (w.turn(encode("SET", "a", "3") + encode("DEBUG", "LOADAOF")), w.cmd("GET", "a"))
    assert got == (b"+OK\r\n+OK\r\n", b"$1\r\n3\r\n"), f"{NAME}: two INCR files {got}"


def check_loadaof_truncated_exits() -> None:
    """A last file ending inside a command (``aof-load-truncated yes``): truncated to its
    last whole command, then ``exit(1)`` (``ret != AOF_OK && ret != AOF_EMPTY``)."""
    w = _LoadWorld()
    w.cmd("SET", "a", "1")
    cur = w.fs.current
    assert cur is not None
    size = len(w.fs.files[cur])
    w.fs.files[cur] += b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1"
    got = (w.cmd("DEBUG", "LOADAOF"), w.eff.exit_code, len(w.fs.files[cur]))
    assert got == (b"", 1, size), f"{NAME}: DEBUG LOADAOF of a truncated file {got}"


def check_loadaof_reads_again() -> None:
    """Each DEBUG LOADAOF reads the directory as it is then."""
    w = _LoadWorld()
    assert w.cmd("DEBUG", "LOADAOF") == b"+OK\r\n"
    w.cmd("SET", "b", "1")
    got = (w.cmd("DEBUG", "LOADAOF"), w.cmd("GET", "b"), w.reads)
    assert got == (b"+OK\r\n", b"$1\r\n1\r\n", 2), f"{NAME}: second DEBUG LOADAOF {got}"


def _start_load(manifest: bytes, files: dict[str, bytes], **config: Any) -> ServerState:
    """A start-up load of an AOF set (``loadAppendOnlyFiles``) to its end."""
    st = new_server(NOW, **config)
    m = parse_manifest(manifest)
    fs = tuple(AofFile(f.name, files.get(f.name)) for f in aof_files_in_load_order(m))
    st, _, _ = start_aof_loading(st, m, fs, "appendonly.aof", NOW)
    while st.loading.active:
        st, _ = aof_load_step(st, NOW)
    return st


def check_aof_load_records_no_latency() -> None:
    """The AOF client's EXEC runs its queue through ``call`` without latency samples (a
    loading context): ``latency-monitor-threshold 1``, ``MULTI``, ``DEBUG SLEEP 0.05``,
    ``SET k v``, ``EXEC`` and a ``DEBUG SLEEP 0.05`` in the file: LATENCY LATEST is empty
    after the start, k is v."""
    incr = (encode("MULTI") + encode("DEBUG", "SLEEP", "0.05") + encode("SET", "k", "v")
            + encode("EXEC") + encode("DEBUG", "SLEEP", "0.05"))
    st = _start_load(b"file appendonly.aof.1.incr.aof seq 1 type i\n",
                     {"appendonly.aof.1.incr.aof": incr}, **{"latency-monitor-threshold": 1})
    st, frame = _run(st, NOW, b"LATENCY", b"LATEST")
    _, k = _run(st, NOW, b"GET", b"k")
    assert (frame, k) == (b"*0\r\n", b"$1\r\nv\r\n"), f"{NAME}: latency after loading {frame!r}"


def check_aof_empty_length_line() -> None:
    """``$`` with no digits before its newline is a length of 0 (``strtol`` stops at the
    newline): ``*1``, ``$\\n``, ``4PING`` is the command ``''`` (the two bytes after it
    skipped), "Unknown command '' reading the append only file ..."."""
    try:
        _start_load(b"file appendonly.aof.1.incr.aof seq 1 type i\n",
                    {"appendonly.aof.1.incr.aof": b"*1\r\n$\n4PING\r\n"})
    except AofLoadFailed as e:
        got = e.logs[-1]
    else:
        got = "loaded"
    assert got == ("Unknown command '' reading the append only file "
                   "appendonly.aof.1.incr.aof"), f"{NAME}: empty length line {got!r}"


def test_boundary_maof_aofload() -> None:
    check_loadaof_nothing_to_load()
    check_loadaof_flushes_first()
    check_loadaof_last_incr()
    check_loadaof_truncated_exits()
    check_loadaof_reads_again()
    check_aof_load_records_no_latency()
    check_aof_empty_length_line()


def _plant_loadaof(monkeypatch: pytest.MonkeyPatch, func: str, old: str, new: str) -> None:
    """:func:`plant` in ``spec.aofload``, and DEBUG LOADAOF's registry entry made the planted
    one when it is ``debug_loadaof`` itself (registered at import)."""
    planted = plant(monkeypatch, aofload, func, old, new)
    if func == "debug_loadaof":
        monkeypatch.setitem(DEBUG_SUBCOMMANDS, "loadaof", planted)


@pytest.mark.parametrize("func,old,new", [
    ("debug_loadaof", "read.manifest is None", "read.manifest is not None"),
    ("debug_loadaof", "ret not in (AOF_OK, AOF_EMPTY)", "ret in (AOF_OK, AOF_EMPTY)"),
    ("_exit", "truncate is not None", "truncate is None"),
    ("_exit", "s.exit_code = 1", "s.exit_code = 0"),
    ("_exit", "s.exit_code = 1", "s.exit_code = 2"),
])
def test_planted_loadaof_nothing(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                                 new: str) -> None:
    _plant_loadaof(monkeypatch, func, old, new)
    _trips(check_loadaof_nothing_to_load)


def test_planted_aof_not_exist_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aofload, "AOF_NOT_EXIST", aofload.AOF_EMPTY)
    _trips(check_loadaof_nothing_to_load)


@pytest.mark.parametrize("func,old,new", [
    ("_flush_for_load", "status != AOF_ON", "status == AOF_ON"),
    ("_flush_for_load", "flush_in_step(s, True)", "flush_in_step(s, False)"),
    ("_flush_for_load", "current_size != before.current_size",
     "current_size == before.current_size"),
    ("debug_loadaof", "cur is not None", "cur is None"),
    ("debug_loadaof", "f.name in {i.name", "f.name not in {i.name"),
])
def test_planted_loadaof_flush(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                               new: str) -> None:
    _plant_loadaof(monkeypatch, func, old, new)
    _trips(check_loadaof_flushes_first)


@pytest.mark.parametrize("old,new", [
    ("incrs[-1].name", "incrs[-0].name"),
    ("incrs[-1].name", "incrs[-2].name"),
    ("f.name == cur", "f.name != cur"),
])
def test_planted_loadaof_last_incr(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> None:
    _plant_loadaof(monkeypatch, "debug_loadaof", old, new)
    _trips(check_loadaof_last_incr)


def test_planted_loadaof_truncation(monkeypatch: pytest.MonkeyPatch) -> None:
    _plant_loadaof(monkeypatch, "debug_loadaof", "step.truncate is not None",
          "step.truncate is None")
    _trips(check_loadaof_truncated_exits)


def test_planted_loadaof_truncated_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule before the fix: a truncated last file was loaded and answered +OK."""
    _plant_loadaof(monkeypatch, "debug_loadaof", "ret not in (AOF_OK, AOF_EMPTY)",
          "ret not in (AOF_OK, AOF_TRUNCATED, AOF_EMPTY)")
    _trips(check_loadaof_truncated_exits)


def test_planted_loadaof_stale_read(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofload, "_take_dir_read", "a.dir_reads[1:]", "a.dir_reads[0:]")
    _trips(check_loadaof_reads_again)


def test_planted_aof_load_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofload, "_run", "s.part(\"latency\") is not latency",
          "s.part(\"latency\") is latency")
    _trips(check_aof_load_records_no_latency)


def test_planted_aof_line_extra_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    plant(monkeypatch, aofstream, "_fgets", "return data[pos : nl + 1], nl + 1, False",
          "return data[pos : nl + 2], nl + 1, False")
    _trips(check_aof_empty_length_line)


# -- spec/aof.py: the gaps the fourth round left -------------------------------------------------


def _durable(w: AofWorld) -> tuple[int, int]:
    cur = w.fs.current
    assert cur is not None
    return len(w.fs.files[cur]), w.fs.durable.get(cur, 0)


def check_no_fsync_on_rewrite_needs_a_child() -> None:
    """``appendfsync always`` with ``no-appendfsync-on-rewrite yes``: ``flushAppendOnlyFile``
    skips the fsync only while a child runs (``hasActiveChildProcess``): a write with no
    child is fsynced, one during a BGSAVE is not; the forced flush of DEBUG LOADAOF is
    fsynced once the child is gone."""
    w = _LoadWorld(appendfsync="always", **{"no-appendfsync-on-rewrite": True})
    w.cmd("SET", "a", "1")
    size, durable = _durable(w)
    assert size == durable, f"{NAME}: no child, a write not fsynced {size} {durable}"
    assert w.cmd("BGSAVE") == b"+Background saving started\r\n"
    w.cmd("SET", "b", "1")
    got = _durable(w)
    assert got == (size + 27, size), f"{NAME}: write during a BGSAVE fsynced {got}"
    child = w.state.persist.child
    assert child is not None
    w.state = persist.with_child_exit(w.state, child.pid, 0, 0)
    w.cron()
    assert w.turn(encode("SET", "x", "1") + encode("DEBUG", "LOADAOF")) == b"+OK\r\n+OK\r\n"
    size, durable = _durable(w)
    assert size == durable, f"{NAME}: DEBUG LOADAOF's flush not fsynced {size} {durable}"


def check_appendonly_no_flushes_forced() -> None:
    """CONFIG SET appendonly no (``stopAppendOnly``): ``flushAppendOnlyFile(1)``, so a write
    pipelined before it reaches the file even while an everysec fsync runs."""
    w = _LoadWorld(appendfsync="everysec")
    w.cmd("SET", "a", "1")
    w.advance(2000)
    w.cmd("SET", "a", "2")
    assert w.state.aof.fsync_pending, f"{NAME}: no background fsync running"
    cur = w.fs.current
    assert cur is not None
    got = w.turn(encode("SET", "x", "1") + encode("CONFIG", "SET", "appendonly", "no"))
    tail = w.fs.files[cur][-len(encode("SET", "x", "1")):]
    assert (got, tail) == (b"+OK\r\n+OK\r\n", encode("SET", "x", "1")), \
        f"{NAME}: appendonly no after a pipelined write {got} {tail!r}"


def check_cron_retries_postponed_flush() -> None:
    """serverCron retries a postponed flush (``aof_flush_postponed_start``) before
    beforeSleep runs the clients a CLIENT PAUSE held: everysec, a background fsync stuck,
    ``SET a 3`` postponed at second 2; a client's ``SET y 1`` held by ``CLIENT PAUSE 2500
    WRITE``; at 4.6 s the cron writes ``SET a 3`` (postponed 2 s: forced, one delayed
    fsync), then the pause ends, ``SET y 1`` runs and beforeSleep's flush postpones it again:
    ``aof_buffer_length:27``, ``aof_delayed_fsync:1``."""
    w = _LoadWorld(appendfsync="everysec")
    w.cmd("SET", "a", "1")
    w.advance(2000)
    w.cmd("SET", "a", "2")
    w.cmd("SET", "a", "3")
    assert w.state.aof.flush_postponed_start, f"{NAME}: no postponed flush"
    w.state, other = client_connect(w.state, w.now)
    assert w.cmd("CLIENT", "PAUSE", "2500", "WRITE") == b"+OK\r\n"
    assert w.turn(encode("SET", "y", "1"), cid=other) == b""
    w.advance(2600)
    w.cron()
    assert w.turn(b"", cid=other) == b"+OK\r\n"
    info = w.cmd("INFO", "persistence").split(b"\r\n")
    got = [ln for ln in info if ln.startswith((b"aof_buffer_length", b"aof_delayed_fsync"))]
    assert got == [b"aof_buffer_length:27", b"aof_delayed_fsync:1"], \
        f"{NAME}: the cron's retry of a postponed flush {got}"


def test_boundary_maof_aof_gaps() -> None:
    check_no_fsync_on_rewrite_needs_a_child()
    check_appendonly_no_flushes_forced()
    check_cron_retries_postponed_flush()


@pytest.mark.parametrize("func,old,new", [
    ("has_active_child", "state.persist.child is not None", "state.persist.child is None"),
    ("flush_in_step", 'part("persist").child is not None', 'part("persist").child is None'),
    ("flush_in_step", 'part("aof").child is not None', 'part("aof").child is None'),
])
def test_planted_fsync_child(monkeypatch: pytest.MonkeyPatch, func: str, old: str,
                             new: str) -> None:
    plant_everywhere(monkeypatch, aof, func, old, new)
    _trips(check_no_fsync_on_rewrite_needs_a_child)


def test_planted_stop_flush_not_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "stop_append_only", "flush_in_step(s, True)",
                     "flush_in_step(s, False)")
    _trips(check_appendonly_no_flushes_forced)


def test_planted_cron_flush_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    plant_everywhere(monkeypatch, aof, "aof_cron", "a.status != AOF_OFF and (",
                     "a.status == AOF_OFF and (")
    _trips(check_cron_retries_postponed_flush)
