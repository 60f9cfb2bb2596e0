"""Lua scripting's invariants (mechanism 13, docs/mechanisms/scripting.md, issue 14's checks).

Scripts are drawn as lists of Lua statements from a pool of ``redis.pcall``s of random
commands (SET, INCR, INCRBYFLOAT, HINCRBYFLOAT, SADD, SPOP, SRANDMEMBER, TIME, EXPIRE,
PEXPIRE, SET EX, PERSIST, DEL, LPUSH, RPOP, SELECT, math.random, redis.set_repl, a
``redis.call`` that raises), over the keys ``a``, ``f``, ``s``, ``l``, ``h``, ``t`` in two
databases. TTLs are long (tens of seconds) and the clock moves by milliseconds, so no key
expires while a property runs.

Invariants (each has a planted-bug test below that shows it failing):

- ``script_is_atomic`` (:class:`ScriptAtomicityMachine`): three clients' requests, EVALs and
  plain commands, arrive in event-loop turns (``clients_input``); every script pushes
  ``<id>:begin`` and ``<id>:end`` onto the list ``log`` around its statements (and ``<id>:mid``
  among them), the other commands push their own tokens: between a script's begin and end the
  log holds that script's tokens only.
- ``propagation_replays`` (:class:`PropagationReplayMachine`): applying what a script
  propagated, through a client of a copy of the pre-state (another random-generator state,
  a later clock: a replica), gives the post-state in every database; every replayed command
  succeeds. Writes the script ran under ``redis.set_repl(REPL_NONE)`` or ``REPL_AOF`` go to
  the key ``unrepl`` only, which the replica must not see change.
- ``sandbox_leaves_nothing`` (:func:`test_sandbox_leaves_nothing`): after any sequence of
  scripts that try to set globals or change library tables (directly, through ``_G``,
  ``rawset``, ``setmetatable``, ``loadstring``, inside ``pcall``), a probe script sees exactly
  what it sees on a fresh server: the globals, every library table's fields and their types.
- ``read_only_never_writes`` (:func:`test_read_only_never_writes`): a random script run by
  EVAL_RO, EVALSHA_RO or with ``#!lua flags=no-writes`` leaves every database as it was and
  propagates nothing.
- ``cache_keyed_by_sha1`` (:func:`test_cache_keyed_by_sha1`): SCRIPT LOAD answers the SHA1 of
  the body (hashlib's), EVAL caches under it, SCRIPT EXISTS finds it in either case, EVALSHA
  runs that body, and the cache holds exactly the SHA1s of the bodies loaded.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from redspec.properties.planted import (
    assert_trips,
    machine_test,
    planted_settings,
    property_settings,
    run_given,
)
from redspec.properties.purity import checked
from redspec.spec import scripting
from redspec.spec import server as S
from redspec.spec.dispatch import call, lookup_command
from redspec.spec.resp import encode_request
from redspec.spec.state import ServerState, replace

MECHANISM = "scripting"

START = 1_700_000_000_000

# -- the statements scripts are drawn from ------------------------------------------------------

_key = st.sampled_from(["a", "f", "s", "l", "h", "t"])
_value = st.sampled_from(["1", "x", "2.5", "-3", ""])

_WRITES = [
    st.tuples(_key, _value).map(lambda t: f"redis.pcall('set', '{t[0]}', '{t[1]}')"),
    st.sampled_from(["a", "f"]).map(lambda k: f"redis.pcall('incr', '{k}')"),
    st.sampled_from(["1.5", "-0.25", "3"]).map(lambda v: f"redis.pcall('incrbyfloat', 'f', '{v}')"),
    st.just("redis.pcall('hincrbyfloat', 'h', 'x', '0.1')"),
    st.lists(st.sampled_from(["a", "b", "c", "1", "2"]), min_size=1, max_size=3).map(
        lambda ms: "redis.pcall('sadd', 's', " + ", ".join(f"'{m}'" for m in ms) + ")"),
    st.just("redis.pcall('spop', 's')"),
    st.sampled_from(["1", "2", "9"]).map(lambda n: f"redis.pcall('spop', 's', '{n}')"),
    st.just("local r = redis.pcall('srandmember', 's'); "
            "if type(r) == 'string' then redis.pcall('set', 'a', r) end"),
    st.just("local r = redis.pcall('srandmember', 's', -3); "
            "if type(r) == 'table' and #r > 0 then redis.pcall('rpush', 'l', unpack(r)) end"),
    st.just("local t = redis.pcall('time'); redis.pcall('set', 't', t[1] .. '.' .. t[2])"),
    _key.map(lambda k: f"redis.pcall('expire', '{k}', '100')"),
    _key.map(lambda k: f"redis.pcall('pexpire', '{k}', '50000')"),
    _key.map(lambda k: f"redis.pcall('set', '{k}', 'e', 'EX', '200')"),
    _key.map(lambda k: f"redis.pcall('persist', '{k}')"),
    _key.map(lambda k: f"redis.pcall('del', '{k}')"),
    st.just("redis.pcall('lpush', 'l', 'x')"),
    st.just("redis.pcall('rpop', 'l')"),
    st.just("redis.pcall('set', 'a', tostring(math.random(1000)))"),
    st.sampled_from(["0", "1"]).map(lambda d: f"redis.pcall('select', '{d}')"),
    st.tuples(st.sampled_from(["REPL_NONE", "REPL_AOF"]), _value).map(
        lambda t: f"redis.set_repl(redis.{t[0]}); redis.pcall('set', 'unrepl', '{t[1]}'); "
                  "redis.set_repl(redis.REPL_ALL)"),
]
_READS = [
    _key.map(lambda k: f"redis.pcall('get', '{k}')"),
    st.just("redis.pcall('smembers', 's')"),
    st.just("redis.pcall('exists', 'a', 'f')"),
]
#: A ``redis.call`` that raises (wrong type or not an integer, sometimes): the script stops.
_RAISE = _key.map(lambda k: f"redis.call('incr', '{k}')")

statement = st.one_of(*_WRITES, *_READS)
statements = st.lists(st.one_of(statement, statement, statement, _RAISE), max_size=6)


def script_body(stmts: list[str]) -> bytes:
    """A script running ``stmts`` in order."""
    return ("\n".join(stmts) + "\nreturn 1").encode()


def dataset(state: ServerState) -> list[tuple[dict[bytes, Any], dict[bytes, Any]]]:
    """Every database's keys and expiry times (the dataset a replica must reproduce)."""
    return [(dict(db.keys.items()), dict(db.expires.items())) for db in state.dbs]


def _without(data: list[tuple[dict[bytes, Any], dict[bytes, Any]]], key: bytes) -> Any:
    return [({k: v for k, v in ks.items() if k != key}, {k: v for k, v in ex.items() if k != key})
            for ks, ex in data]


def _only(data: list[tuple[dict[bytes, Any], dict[bytes, Any]]], key: bytes) -> Any:
    return [(ks.get(key), ex.get(key)) for ks, ex in data]


def eval_argv(stmts: list[str]) -> list[bytes]:
    return [b"EVAL", script_body(stmts), b"0"]


# -- atomicity ----------------------------------------------------------------------------------

NCLIENTS = 3

_plain = st.one_of(
    st.just(("RPUSH", "log", "{c}")),
    st.tuples(st.just("SET"), _key, _value),
    st.just(("INCR", "n")),
    st.just(("DEL", "s")),
    st.just(("SADD", "s", "z")),
)
_requests_ = st.tuples(st.integers(0, NCLIENTS - 1),
                     st.one_of(_plain.map(lambda t: ("plain", list(t))),
                               statements.map(lambda s: ("script", s))))


class ScriptAtomicityMachine(RuleBasedStateMachine):
    """Event-loop turns of three clients mixing EVALs and plain commands."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.state = S.new_server(self.now, databases=2)
        self.cids: list[int] = []
        for _ in range(NCLIENTS):
            self.state, cid = checked(S.client_connect, self.state, self.now)
            self.cids.append(cid)
        self.serial = 0

    def _request(self, ci: int, kind: str, what: Any) -> bytes:
        self.serial += 1
        if kind == "plain":
            argv = [w.replace("{c}", f"c{self.serial}").encode() for w in what]
            return encode_request(argv)
        tag = f"s{self.serial}"
        # the statements run inside pcall, so that a redis.call raising still reaches the end
        body = [f"redis.call('select', '0'); redis.call('rpush', 'log', '{tag}:begin')",
                "pcall(function()"]
        for stmt in what:
            body.append(stmt)
            body.append(f"redis.call('select', '0'); redis.call('rpush', 'log', '{tag}:mid')")
        body.append("end)")
        body.append(f"redis.call('select', '0'); redis.call('rpush', 'log', '{tag}:end')")
        return encode_request([b"EVAL", script_body(body), b"0"])

    @rule(batch=st.lists(_requests_, min_size=1, max_size=5), ms=st.sampled_from([0, 1, 10]))
    def turn(self, batch: list[tuple[int, tuple[str, Any]]], ms: int) -> None:
        self.now += ms
        reqs = [(self.cids[ci], self._request(ci, kind, what)) for ci, (kind, what) in batch]
        self.state, _ = checked(S.clients_input, self.state, reqs, self.now)
        for cid in self.cids:  # the replies are written out (nothing else depends on them)
            c = self.state.clients[cid]
            if c.reply:
                self.state = S.client_wrote(self.state, cid, len(c.reply))

    @invariant()
    def script_is_atomic(self) -> None:
        log = self.state.dbs[0].keys.get(b"log")
        if log is None or isinstance(log, bytes):
            return
        tokens = [bytes(x).decode() for x in log]
        running: str | None = None
        for t in tokens:
            tag, _, part = t.partition(":")
            if running is not None:
                assert tag == running, f"script_is_atomic: {t!r} inside script {running}: {tokens}"
                if part == "end":
                    running = None
            elif part == "begin":
                running = tag


TestScriptAtomicity = machine_test(ScriptAtomicityMachine, max_examples=15, steps=8,
                                   health=HealthCheck, derandomize=True, database=None)


# -- propagation replays ------------------------------------------------------------------------

UNREPL = b"unrepl"


def replay(pre: ServerState, propagated: tuple[tuple[int, tuple[bytes, ...]], ...],
           now: int) -> ServerState:
    """A replica: a copy of ``pre`` with another random-generator state, a client applying
    each propagated ``(db, argv)`` at ``now`` (a SELECT first when its database differs);
    every command must succeed."""
    state = replace(pre, rng=pre.rng ^ 0x5A5A5A5A)
    state, cid = checked(S.client_connect, state, now)
    db = 0
    for d, argv in propagated:
        if d != db:
            state, frame = checked(S.run_command, state, cid, [b"SELECT", b"%d" % d], now)
            db = d
        state, frame = checked(S.run_command, state, cid, list(argv), now)
        assert not frame.startswith(b"-"), \
            f"propagation_replays: replaying {argv!r} failed: {frame!r}"
    return state


class PropagationReplayMachine(RuleBasedStateMachine):
    """One client runs random scripts; after each, a replica built from the pre-state
    replays what it propagated."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.state, self.cid = checked(S.client_connect, S.new_server(self.now, databases=2),
                                       self.now)
        self.last: tuple[ServerState, Any, list[str]] | None = None

    @rule(stmts=statements, ms=st.sampled_from([0, 1, 7]))
    def script(self, stmts: list[str], ms: int) -> None:
        self.now += ms
        pre = self.state
        self.state, eff = checked(S.client_input, pre, self.cid,
                                  encode_request(eval_argv(stmts)), self.now)
        self.last = (pre, eff.propagate, stmts)

    @rule(argv=st.sampled_from([[b"SADD", b"s", b"a", b"b", b"c", b"d"], [b"FLUSHALL"],
                                [b"SET", b"f", b"1.5"], [b"SELECT", b"1"], [b"SELECT", b"0"]]))
    def command(self, argv: list[bytes]) -> None:
        self.state, eff = checked(S.client_input, self.state, self.cid, encode_request(argv),
                                  self.now)
        self.last = None

    @invariant()
    def propagation_replays(self) -> None:
        if self.last is None:
            return
        pre, propagated, stmts = self.last
        replica = replay(pre, propagated, self.now + 1000)
        got, want = dataset(replica), dataset(self.state)
        assert _without(got, UNREPL) == _without(want, UNREPL), (
            f"propagation_replays: script {stmts} propagated {propagated}: replica "
            f"{_without(got, UNREPL)}, master {_without(want, UNREPL)}")
        assert _only(got, UNREPL) == _only(dataset(pre), UNREPL), (
            f"propagation_replays: a write under REPL_NONE/REPL_AOF reached the replica: "
            f"{propagated}")


TestPropagationReplay = machine_test(PropagationReplayMachine, max_examples=25, steps=10,
                                     health=HealthCheck, derandomize=True, database=None)


# -- the sandbox --------------------------------------------------------------------------------

#: Scripts that try to leave something behind for the next one.
ATTACKS = [
    "x = 1", "_G.x = 1", "rawset(_G, 'x', 1)", "setmetatable(_G, {__index = function() return 7 end})",
    "string.foo = 1", "rawset(string, 'foo', 1)", "redis.call = nil", "redis.y = 1",
    "table.insert = nil", "math.random = nil", "cjson.encode = nil", "bit.band = nil",
    "struct.x = 1", "cmsgpack.pack = nil", "rawset(redis, 'call', nil)",
    "loadstring('y = 2')()", "setmetatable(string, {})", "getmetatable(_G).__index = {x = 1}",
    "KEYS.x = 1", "print = nil", "pcall = nil", "_G.redis = nil",
]

#: A script that describes what it can see: the globals and their types, every library
#: table's fields and their types, and whether the names the attacks use resolve.
PROBE = b"""
local out = {}
local function fields(name, t)
  local ks = {}
  for k, v in pairs(t) do ks[#ks + 1] = tostring(k) .. ':' .. type(v) end
  table.sort(ks)
  out[#out + 1] = name .. '=' .. table.concat(ks, ',')
end
local gs = {}
for k, v in pairs(_G) do gs[#gs + 1] = tostring(k) .. ':' .. type(v) end
table.sort(gs)
out[#out + 1] = table.concat(gs, ',')
for _, n in ipairs({'string', 'math', 'table', 'redis', 'cjson', 'bit', 'struct', 'cmsgpack',
                    'coroutine'}) do
  local ok, t = pcall(function() return _G[n] end)
  if ok and type(t) == 'table' then fields(n, t) else out[#out + 1] = n .. '?' end
end
for _, n in ipairs({'x', 'y', 'foo'}) do
  local ok, v = pcall(function() return _G[n] end)
  out[#out + 1] = n .. '=' .. tostring(ok) .. tostring(v)
end
out[#out + 1] = tostring(getmetatable(_G) ~= nil) .. type(getmetatable(string))
return table.concat(out, ';')
"""


def _probe_fresh() -> bytes:
    state, cid = S.client_connect(S.new_server(START), START)
    return S.run_command(state, cid, [b"EVAL", PROBE, b"0"], START)[1]


def check_sandbox(attacks: list[tuple[int, bool]]) -> None:
    """``sandbox_leaves_nothing`` after ``attacks`` (index, wrapped in pcall or not)."""
    want = _probe_fresh()
    assert want.startswith(b"$"), want
    state, cid = S.client_connect(S.new_server(START), START)
    for i, wrapped in attacks:
        body = ATTACKS[i]
        if wrapped:
            body = f"pcall(function() {body} end)"
        state, _ = S.run_command(state, cid, [b"EVAL", body.encode(), b"0"], START)
    state, got = S.run_command(state, cid, [b"EVAL", PROBE, b"0"], START)
    assert got == want, f"sandbox_leaves_nothing: after {attacks}: {got!r}, fresh {want!r}"


_attacks = st.lists(st.tuples(st.integers(0, len(ATTACKS) - 1), st.booleans()), min_size=1,
                    max_size=6)


@property_settings(40)
@given(attacks=_attacks)
def test_sandbox_leaves_nothing(attacks: list[tuple[int, bool]]) -> None:
    check_sandbox(attacks)


# -- read-only scripts ------------------------------------------------------------------------

_mode = st.sampled_from(["EVAL_RO", "EVALSHA_RO", "no-writes"])


def check_read_only(setup: list[str], stmts: list[str], mode: str) -> None:
    """``read_only_never_writes``: ``stmts`` run read-only after ``setup`` (run by EVAL)."""
    state, cid = S.client_connect(S.new_server(START, databases=2), START)
    state, _ = S.run_command(state, cid, eval_argv(setup), START)
    state, _ = S.run_command(state, cid, [b"SELECT", b"0"], START)
    body = script_body(stmts)
    if mode == "no-writes":
        argv = [b"EVAL", b"#!lua flags=no-writes\n" + body, b"0"]
    elif mode == "EVAL_RO":
        argv = [b"EVAL_RO", body, b"0"]
    else:
        state, sha = S.run_command(state, cid, [b"SCRIPT", b"LOAD", body], START)
        argv = [b"EVALSHA_RO", sha.split(b"\r\n")[1], b"0"]
    before = dataset(state)
    state, eff = checked(S.client_input, state, cid, encode_request(argv), START + 1)
    assert dataset(state) == before, f"read_only_never_writes: {mode} {stmts} changed the data"
    assert not eff.propagate, f"read_only_never_writes: {mode} {stmts} propagated {eff.propagate}"


@property_settings(60)
@given(setup=statements, stmts=statements, mode=_mode)
def test_read_only_never_writes(setup: list[str], stmts: list[str], mode: str) -> None:
    check_read_only(setup, stmts, mode)


# -- the script cache ---------------------------------------------------------------------------

_body = st.one_of(
    st.sampled_from(["return 1", "return 1 ", " return 1", "return 2", "return ARGV[1]",
                     "#!lua\nreturn 1", "#!lua flags=no-writes\nreturn 1", "return 'x'",
                     "return redis.call('ping')"]),
    st.integers(0, 1000).map(lambda n: f"return {n}"),
    st.text("ab ", max_size=5).map(lambda t: f"return '{t}'"),
)


def check_cache(bodies: list[tuple[str, bool, bool]]) -> None:
    """``cache_keyed_by_sha1``: each body loaded (SCRIPT LOAD or EVAL), then found by its
    SHA1 (either case) and run by EVALSHA with the reply EVAL gives."""
    state, cid = S.client_connect(S.new_server(START), START)
    loaded: set[str] = set()
    for text, by_eval, upper in bodies:
        body = text.encode()
        sha = hashlib.sha1(body).hexdigest()
        if by_eval:
            state, direct = S.run_command(state, cid, [b"EVAL", body, b"1", b"k", b"arg"], START)
        else:
            state, frame = S.run_command(state, cid, [b"SCRIPT", b"LOAD", body], START)
            assert frame == b"$40\r\n%s\r\n" % sha.encode(), \
                f"cache_keyed_by_sha1: SCRIPT LOAD {body!r} answered {frame!r}, SHA1 {sha}"
            state, direct = S.run_command(state, cid, [b"EVAL", body, b"1", b"k", b"arg"], START)
        loaded.add(sha)
        name = (sha.upper() if upper else sha).encode()
        state, ex = S.run_command(state, cid, [b"SCRIPT", b"EXISTS", name], START)
        assert ex == b"*1\r\n:1\r\n", f"cache_keyed_by_sha1: SCRIPT EXISTS {name!r}: {ex!r}"
        state, via = S.run_command(state, cid, [b"EVALSHA", name, b"1", b"k", b"arg"], START)
        assert via == direct, f"cache_keyed_by_sha1: EVALSHA {name!r}: {via!r}, EVAL {direct!r}"
    cached = set(state.scripting.scripts.keys())
    assert cached == loaded, f"cache_keyed_by_sha1: cache {cached}, SHA1s {loaded}"


@property_settings(60)
@given(bodies=st.lists(st.tuples(_body, st.booleans(), st.booleans()), min_size=1, max_size=5))
def test_cache_keyed_by_sha1(bodies: list[tuple[str, bool, bool]]) -> None:
    check_cache(bodies)


# -- planted bugs -------------------------------------------------------------------------------

PLANTED = planted_settings(max_examples=200, steps=12)


def test_planted_script_yields_to_another_client(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server serves another client's command while a script runs (as if the script's
    hook ran that client's queued command instead of answering BUSY)."""
    real = scripting.script_command

    def intruding(run: Any, argv: list[bytes]) -> Any:
        reply = real(run, argv)
        s = run.s
        other = next((c for cid, c in s.clients.items() if cid not in (0, s.client.id)), None)
        if other is not None:
            intruder = [b"RPUSH", b"log", b"c%d" % other.id]
            with s.as_client(other, 0):
                cmd = lookup_command(intruder)
                assert cmd is not None
                call(s, cmd, intruder)
        return reply

    monkeypatch.setattr(scripting, "script_command", intruding)
    assert_trips(ScriptAtomicityMachine, "script_is_atomic", PLANTED)


def test_planted_rewrites_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands inside scripts propagate as they were called (SPOP not as SREM, EXPIRE not
    as PEXPIREAT): a replica pops other members, computes other times."""
    from redspec.spec import dispatch
    real = dispatch.call

    def unrewritten(s: Any, cmd: Any, argv: list[bytes]) -> Any:
        start = len(s.propagate)
        reply = real(s, cmd, argv)
        if len(s.propagate) == start + 1 and s.client.id == 0:
            s.propagate[start] = (s.propagate[start][0], tuple(argv))
        return reply

    monkeypatch.setattr(scripting, "call", unrewritten)
    assert_trips(PropagationReplayMachine, "propagation_replays", PLANTED)


def test_planted_set_repl_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """``redis.set_repl`` has no effect: writes meant for nobody reach the replica."""
    monkeypatch.setattr(scripting, "should_propagate", lambda target: True)
    assert_trips(PropagationReplayMachine, "propagation_replays", PLANTED)


def _cached_sandbox(monkeypatch: pytest.MonkeyPatch, prelude: str) -> None:
    """The scripts of a server share one Lua runtime (as Redis keeps one Lua state), built
    from ``prelude``."""
    holder: dict[str, Any] = {}

    def new_sandbox(run: Any, keys: list[bytes], args: list[bytes]) -> tuple[Any, Any]:
        holder["run"] = run
        if "rt" not in holder:
            rt = scripting.lua51.LuaRuntime(encoding=None, unpack_returned_tuples=True,
                                            register_eval=False, register_builtins=False)

            def via(name: str) -> Any:
                return lambda *a: getattr(holder["run"], name)(*a)

            py = rt.table_from({
                b"call": via("lua_call"), b"sha1hex": lambda b: scripting.sha1hex(b).encode(),
                b"setresp": via("lua_setresp"), b"setrepl": via("lua_setrepl"),
                b"acl": via("lua_acl"), b"rand": via("lua_rand"), b"srand": via("lua_srand"),
                b"pending": via("lua_pending"), b"take": via("lua_take"),
                b"period": via("lua_period"), b"interrupt": via("lua_interrupt"),
                b"cfunction": lambda fn: (lambda *a: holder["run"].lua_cfunction(fn)(*a)),
                b"version": scripting.REDIS_VERSION, b"version_num": scripting.REDIS_VERSION_NUM,
            })
            env, seal = rt.execute(prelude.encode(), py, name=b"=redspec")
            scripting.install_libraries(rt, env)
            holder.update(rt=rt, seal=seal)
        rt = holder["rt"]
        run.rt, run.rawget, run.lua_next = rt, rt.globals().rawget, rt.globals().next
        return tuple(holder["seal"](rt.table_from(dict(enumerate(keys, 1))),
                                    rt.table_from(dict(enumerate(args, 1)))))

    monkeypatch.setattr(scripting, "new_sandbox", new_sandbox)
    real_new_server = S.new_server

    def new_server(*args: Any, **kwargs: Any) -> ServerState:
        holder.clear()  # one runtime per server, as one Lua state per Redis process
        return real_new_server(*args, **kwargs)

    monkeypatch.setattr(S, "new_server", new_server)


_GLOBALS_GUARD = ('    __newindex = function() error("Attempt to modify a readonly table", 2) end,'
                  '\n  })')


def test_planted_writable_globals(monkeypatch: pytest.MonkeyPatch) -> None:
    """One shared Lua runtime whose globals table accepts writes."""
    assert _GLOBALS_GUARD in scripting.PRELUDE
    _cached_sandbox(monkeypatch, scripting.PRELUDE.replace(
        _GLOBALS_GUARD, "    __newindex = function(_, k, v) rawset0(env, k, v) end,\n  })"))
    with pytest.raises(AssertionError, match="sandbox_leaves_nothing"):
        run_given(planted_settings(100), check_sandbox, _attacks)


def test_planted_writable_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """One shared Lua runtime whose library tables are not made read-only."""
    guard = 'if type(t) == "table" then env[k] = protect(t) end'
    assert guard in scripting.PRELUDE
    _cached_sandbox(monkeypatch, scripting.PRELUDE.replace(guard, "local _ = t"))
    with pytest.raises(AssertionError, match="sandbox_leaves_nothing"):
        run_given(planted_settings(100), check_sandbox, _attacks)


def test_planted_read_only_gate_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """``scriptCall`` forgets to refuse writes in a read-only script."""
    real = scripting.script_command

    def open_gate(run: Any, argv: list[bytes]) -> Any:
        run.read_only = False
        return real(run, argv)

    monkeypatch.setattr(scripting, "script_command", open_gate)
    with pytest.raises(AssertionError, match="read_only_never_writes"):
        run_given(planted_settings(100), check_read_only, statements, statements, _mode)


def test_planted_cache_key_trims_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by the SHA1 of the body with its surrounding blanks trimmed."""
    monkeypatch.setattr(scripting, "sha1hex",
                        lambda body: hashlib.sha1(body.strip()).hexdigest())
    with pytest.raises(AssertionError, match="cache_keyed_by_sha1"):
        run_given(planted_settings(100), check_cache,
                  st.lists(st.tuples(_body, st.booleans(), st.booleans()), min_size=1,
                           max_size=5))
