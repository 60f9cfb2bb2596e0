"""Lua scripting (mechanism 13, issue 14): EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT
(``eval.c``, ``script.c``, ``script_lua.c``).

Real Lua 5.1 runs the scripts (``lupa.lua51``); nothing of Lua is reimplemented here. Purity:
every run builds a fresh Lua runtime from the body and the state (:func:`new_sandbox`) and
drops it afterwards, so nothing survives in Python or Lua between scripts; what must survive
is in ``ServerState.scripting`` (the script cache, SHA1 -> body, and the state of the
``math.random`` generator, Redis's ``redisLrand48``). Time inside a script is the
transition's ``now_ms``: frozen, as Redis 7.0 freezes it for a script.

``redis.call`` / ``redis.pcall`` run a command through :func:`spec.dispatch.call` as the
script's own client (Redis's ``lua_client``; its database starts at the caller's and a SELECT
inside the script changes only it), after the gates of ``scriptCall``
(:func:`script_command`). What the commands propagate is what the script propagates: one
command bare, several wrapped in MULTI … EXEC, nothing when ``redis.set_repl`` turned it off.

``redis.log`` writes to Redis's log file, which no client can observe: it is checked for its
argument errors and then dropped (no effect).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

import attrs
from lupa import lua51  # type: ignore[import-untyped]

from . import lualibs
from .acl import ACL_OK, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY, log_denial
from .aof import log_in_step, writes_denied_by_aof_error
from .commands import command
from .cstr import c_text
from .dispatch import (
    FLAG_GETTERS,
    ErrCounted,
    acl_check,
    call,
    install_commands,
    lookup_command,
    restricted_denial,
    run_and_encode,
)
from .frames import Frame, parse
from .lazyfree import free_many_async
from .numbers import string2ll
from .persist import MISCONF_ERR, writes_denied_by_disk_error
from .replication import NOREPLICAS, READONLY, no_replicas, read_only_replica
from .reply import (
    OK,
    BigNum,
    Err,
    Map,
    Raw,
    Reply,
    RSet,
    Status,
    encode,
    encode2,
    encode3,
    help_lines,
)
from .resp import Limits, ProtocolError, QueryBufferLimit, parse_command, split_args
from .state import EMPTY_MAP, Client, new_client, replace
from .step import Step
from .table import CommandSpec
from .transport import POSTPONE, after_command, feed_monitors

__all__ = [
    "install_libraries",
    "new_sandbox",
    "script_command",
    "run_script",
    "sha1hex",
    "shebang_flags",
    "should_propagate",
    "lua_to_reply",
    "frame_to_lua",
    "finish_run",
    "write_flag_refused",
    "prepare_refused",
    "count_nested_errors",
    "feed_script_command",
    "script_cmd_flags",
    "eval_command_flags",
    "SCRIPT_OOM",
    "OOM_IN_SCRIPT",
    "lua_text",
    "ScriptRun",
    "BusyPort",
    "ModelPort",
    "script_clock",
    "start_run",
    "end_run",
    "process_events_while_blocked",
    "busy_client_input",
    "BUSY_EVAL",
    "BUSY_FUNCTION",
    "UNKILLABLE",
    "NOTBUSY",
]

REDIS_VERSION = b"7.0.15"
REDIS_VERSION_NUM = 0x07000F

NOSCRIPT = Err("NOSCRIPT No matching script. Please use EVAL.")
NOTBUSY = Err("NOTBUSY No scripts in execution right now.")

#: ``shared.slowevalerr`` / ``shared.slowscripterr``: what other clients get while an EVAL /
#: a function runs past ``busy-reply-threshold`` (and SCRIPT KILL / FUNCTION KILL of the
#: other kind of script).
BUSY_EVAL = Err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or "
                "SHUTDOWN NOSAVE.")
BUSY_FUNCTION = Err("BUSY Redis is busy running a script. You can only call FUNCTION KILL "
                    "or SHUTDOWN NOSAVE.")
UNKILLABLE = Err("UNKILLABLE Sorry the script already executed write commands against the "
                 "dataset. You can either wait the script termination or kill the server in "
                 "a hard way using the SHUTDOWN NOSAVE command.")

#: ``lua_sethook(lua, luaMaskCountHook, LUA_MASKCOUNT, 100000)``: Lua instructions between
#: two calls of the hook.
HOOK_PERIOD = 100_000
#: The model's script clock when the world gives none (``BusyPort.clock_ms``): a script's
#: elapsed time is its instruction count at this rate, so 100 000 instructions (one hook
#: period) are 1 ms and the default threshold of 5000 ms is 500 million instructions.
INSTRUCTIONS_PER_MS = 100_000


class BusyPort(Protocol):
    """The world's side of ``processEventsWhileBlocked``: what a script past
    ``busy-reply-threshold`` reads from and writes to the other connections, and the clock it
    measures its time with. A pure transition gets one as an input (``Step.busy_port``;
    tests script the events); the reference server polls its sockets."""

    def clock_ms(self, instructions: int) -> int:
        """The script's clock (ms) after ``instructions`` Lua instructions (the model's rate,
        :data:`INSTRUCTIONS_PER_MS`, or the world's monotonic clock)."""

    def events(self, protected: int) -> Sequence[tuple[int, bytes]]:
        """Bytes that arrived since the last call, as (client id, bytes) in arrival order;
        never from ``protected``, the script's caller (``protectClient``)."""

    def reply(self, client_id: int, data: bytes) -> None:
        """Write ``data`` to the client's connection now (``handleClientsWithPendingWrites``
        inside ``processEventsWhileBlocked``)."""

    def accepted(self) -> Sequence[tuple[str, str, int]]:
        """Connections accepted since the last call (``acceptTcpHandler`` runs inside
        ``processEventsWhileBlocked`` too), as (peer address, local address, fd); the spec
        makes each a client and tells the world its id (:meth:`bind`)."""

    def bind(self, fd: int, client_id: int) -> None:
        """The client id the spec gave the connection accepted on ``fd``."""


class ModelPort:
    """A :class:`BusyPort` for pure runs and tests: the model's clock (``start_ms`` plus the
    instructions at :data:`INSTRUCTIONS_PER_MS`), a scripted list of event batches (one
    batch handed out per call of the hook, then none) and the replies it was given, kept
    in order in ``replies``."""

    def __init__(self, batches: Sequence[Sequence[tuple[int, bytes]]] = (),
                 start_ms: int = 0) -> None:
        self.batches = [list(b) for b in batches]
        self.start_ms = start_ms
        self.replies: list[tuple[int, bytes]] = []
        self.calls = 0

    def clock_ms(self, instructions: int) -> int:
        """The model's clock: ``start_ms`` plus the instructions at the model's rate."""
        return self.start_ms + instructions // INSTRUCTIONS_PER_MS

    def events(self, protected: int) -> Sequence[tuple[int, bytes]]:
        """The next scripted batch (none once they are used up); calls are counted."""
        self.calls += 1
        return self.batches.pop(0) if self.batches else ()

    def reply(self, client_id: int, data: bytes) -> None:
        """Record what would be written to the client."""
        self.replies.append((client_id, data))

    def accepted(self) -> Sequence[tuple[str, str, int]]:
        """The scripted model accepts no connections."""
        return ()

    def bind(self, fd: int, client_id: int) -> None:
        """Nothing to bind."""


def script_clock(s: Step, instructions: int) -> int:
    """The script's clock after ``instructions``: the port's, or the model's (the step's
    frozen time plus the instructions at :data:`INSTRUCTIONS_PER_MS`)."""
    port = s.busy_port
    if port is not None:
        return int(port.clock_ms(instructions))
    return s.now_ms + instructions // INSTRUCTIONS_PER_MS


def script_timed_out(elapsed_ms: int, threshold_ms: int) -> bool:
    """``busy-reply-threshold`` (``scriptInterrupt``): a script that has run for at least the
    threshold (``elapsed < busy_reply_threshold`` continues, so at exactly the threshold it
    is timed out) enters timed-out mode: other clients get -BUSY from then on."""
    return elapsed_ms >= threshold_ms


def process_events_while_blocked(s: Step, run: ScriptRun, port: BusyPort) -> None:
    """``processEventsWhileBlocked``: the commands other clients sent while the script runs
    past the threshold are processed now, against the script's state so far, through
    ``processCommand`` (whose BUSY gate lets only allow-busy commands run), and their
    replies are written through the port."""
    for addr, laddr, fd in port.accepted():  # createClient for each new connection
        cid = s.next_client_id
        s.next_client_id = cid + 1
        s.put_client(new_client(cid, s.now_ms, s.config, addr, laddr, fd))
        s.stats = replace(s.stats, total_connections_received=s.stats.total_connections_received + 1)
        port.bind(fd, cid)
    for cid, data in port.events(run.caller_id):
        if cid == run.caller_id:
            continue  # protectClient: the caller's input waits for the script's end
        c = s.get_client(cid)
        if c is None or c.closing:
            continue
        if c.info.bpop is not None:  # a blocked client's input only accumulates
            s.put_client(replace(c, querybuf=c.querybuf + data))
            continue
        out = busy_client_input(s, c, data)
        if out:
            port.reply(cid, out)


def busy_client_input(s: Step, c: Client, data: bytes) -> bytes:
    """``readQueryFromClient`` + ``processInputBuffer`` for client ``c`` while a script is
    blocked in its hook: every whole request runs as ``c`` (``server.current_client``
    switches); what is left waits in its query buffer. Returns the bytes to write to it."""
    buf = c.querybuf + data if c.querybuf else data
    cfg = s.config
    limits = Limits(cfg["proto-max-bulk-len"], c.authenticated, cfg["client-query-buffer-limit"])
    frames: list[bytes] = []
    caller_out = s.out
    with s.as_client(c, c.db):
        s.out = []
        pos = 0
        while True:
            req, npos = parse_command(buf, pos, limits)
            if req is None:
                break
            if isinstance(req, ProtocolError):
                if type(req) is not QueryBufferLimit:
                    err = Err("ERR Protocol error: " + req)
                    frames.append(encode(err, s.client.resp))
                    s.count_error(err)
                s.update_client(closing=True)
                s.close.add(c.id)
                pos = len(buf)
                break
            start, pos = pos, npos
            if not req:
                continue
            n0 = s.commands_processed
            frame = run_and_encode(s, req)
            info = s.client.info
            if info.flags and not (info.bpop is not None and info.bpop.cmd == POSTPONE):
                # CLIENT REPLY OFF/SKIP, its own MONITOR line (spec.transport)
                frame = after_command(s, req, frame, s.commands_processed != n0)
            frames.extend(s.out)  # what was pushed to it while the command ran comes first
            s.out.clear()
            frames.append(frame)
            if s.client.closing:
                pos = len(buf)
                break
            if s.client.info.bpop is not None:  # postponed: the rest waits in its buffer
                if s.client.info.bpop.cmd == POSTPONE:
                    pos = start
                break
        s.clients = s.clients.set(c.id, replace(s.client, querybuf=buf[pos:]))
    s.out = caller_out
    return b"".join(frames)

#: Shebang flags (``scripts_flags_def``).
SCRIPT_FLAGS = ("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys")

#: ``redisLrand48``'s state before any seed (X0, X1, X2 of rand48.c) and its constants.
RAND48_INIT = 0x1234ABCD330E
RAND48_A = 0x5DEECE66D
RAND48_MASK = (1 << 48) - 1
LRAND48_MAX = 2147483647


def sha1hex(body: bytes) -> str:
    """``sha1hex``: the 40 lowercase hex digits naming a script."""
    return hashlib.sha1(body).hexdigest()


def shebang_flags(body: bytes) -> tuple[frozenset[str] | None, int] | Err:
    """``evalExtractShebangFlags``: (the flags, or None for a script without a shebang: the
    EVAL compatibility mode; the shebang's length) or the error Redis replies."""
    if not body.startswith(b"#!"):
        return None, 0
    end = body.find(b"\n")
    if end < 0:
        return Err("ERR Invalid script shebang")
    parts = split_args(body[:end])
    if not parts:
        return Err("ERR Invalid engine in script shebang")
    if parts[0] != b"#!lua":
        return Err("ERR Unexpected engine in script shebang: " + c_text(parts[0], 1 << 30))
    flags: set[str] = set()
    for p in parts[1:]:
        if not p.startswith(b"flags="):
            return Err("ERR Unknown lua shebang option: " + c_text(p, 1 << 30))
        for f in (p[6:].split(b",") if len(p) > 6 else ()):
            name = f.decode("utf-8", "surrogateescape")
            if name not in SCRIPT_FLAGS:
                return Err("ERR Unexpected flag in script shebang: " + c_text(f, 1 << 30))
            flags.add(name)
    return frozenset(flags), end


# -- the Lua environment ----------------------------------------------------------------------

#: Builds the environment Redis 7.0 gives scripts in a fresh runtime (chunk ``=redspec``, so
#: error locations skip it). Stage 1 returns the globals table ``env``; the libraries are
#: added to it (:func:`install_libraries`); stage 2 (``seal``) makes the tables read-only,
#: installs the globals proxy and returns the compiler and the runner.
PRELUDE = r"""
local py = ...
local G = _G
local getinfo = debug.getinfo
local error, type, tostring, tonumber, select = error, type, tostring, tonumber, select
local rawset0, setmetatable0, setfenv, loadstring, xpcall = rawset, setmetatable, setfenv, loadstring, xpcall
local floor, ceil = math.floor, math.ceil
-- lupa's python.as_function makes a C closure of a Python callable: a "function" to type(),
-- as Redis's C functions are (a Python callable passed as is would be "userdata")
local as_function, pycfunction = G.python.as_function, py.cfunction
local function cfunction(f) return as_function(pycfunction(f)) end
local lower, next1, rawget0 = string.lower, next, rawget
local keep = {"_VERSION", "assert", "collectgarbage", "coroutine", "error", "gcinfo",
  "getmetatable", "ipairs", "load", "loadstring", "math", "next", "pairs", "pcall", "rawequal",
  "rawget", "rawset", "select", "setmetatable", "string", "table", "tonumber", "tostring",
  "type", "unpack", "xpcall"}
local env = {}
for _, k in ipairs(keep) do env[k] = G[k] end

local function err_table(msg)
  -- luaPushErrorBuff: "-CODE msg" keeps its code, a bare message gets ERR
  local code, text
  if msg:sub(1, 1) == "-" then
    local sp = msg:find(" ", 1, true)
    if sp then code, text = msg:sub(2, sp - 1), msg:sub(sp + 1) else code, text = "ERR", msg:sub(2) end
  else
    code, text = "ERR", msg
  end
  text = text:gsub("^[\r\n]+", ""):gsub("[\r\n]+$", "")
  return {err = code .. " " .. text}
end
local function raise(msg) py.pending(err_table(msg)); error("redspec") end

local function handler(e)
  local lvl = 2
  local i = getinfo(lvl, "nSl")
  while i and (i.what == "C" or i.source == "=redspec") do
    lvl = lvl + 1
    i = getinfo(lvl, "nSl")
  end
  if type(e) == "userdata" then e = py.take() or e end
  if type(e) ~= "table" then e = {err = "ERR " .. tostring(e)} end
  if i then
    e["source"] = i.source
    e["line"] = i.currentline
  end
  return e
end
env.__redis__err__handler = handler

-- luaMaskCountHook: scriptInterrupt (py.interrupt) says whether SCRIPT KILL / FUNCTION KILL
-- asked to stop; then the hook fires on every line, so that a pcall catching the error
-- cannot keep the script running
-- (the error is raised only when the interrupted function is the script's: code of this
-- chunk, the error handler or what runs after the script, is let finish; the line hook
-- stops the script at its next line)
local sethook = debug.sethook
local KILLED = "Script killed by user with SCRIPT KILL..."
local function in_script()
  local lvl = 3  -- 1: here, 2: the hook's function; then its C wrapper(s)
  local i = getinfo(lvl, "S")
  while i and i.what == "C" do
    lvl = lvl + 1
    i = getinfo(lvl, "S")
  end
  return i ~= nil and i.source ~= "=redspec"
end
local kill_hook = cfunction(function() if in_script() then raise(KILLED) end end)
local count_hook = cfunction(function()
  if py.interrupt() then
    sethook(kill_hook, "l")
    if in_script() then raise(KILLED) end
  end
end)

local redis = {}
local function generic(raise_error, ...)
  local ok, v = py.call(raise_error, ...)
  if ok then return v end
  if type(v) == "string" then v = err_table(v) end
  if raise_error then py.pending(v); error("redspec") end
  return v
end
redis.call = function(...) return generic(true, ...) end
redis.pcall = function(...) return generic(false, ...) end
redis.error_reply = function(...)
  local e = ...
  if select("#", ...) ~= 1 or type(e) ~= "string" then
    return err_table("wrong number or type of arguments")
  end
  if e:sub(1, 1) ~= "-" then e = "-" .. e end
  return err_table(e)
end
redis.status_reply = function(...)
  local s = ...
  if select("#", ...) ~= 1 or type(s) ~= "string" then
    return err_table("wrong number or type of arguments")
  end
  return {ok = s}
end
redis.sha1hex = function(...)
  if select("#", ...) ~= 1 then raise("wrong number of arguments") end
  local s = ...
  if type(s) == "number" then s = tostring(s) elseif type(s) ~= "string" then s = "" end
  return py.sha1hex(s)
end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.log = function(...)
  if select("#", ...) < 2 then raise("redis.log() requires two arguments or more.") end
  local level = tonumber((...))
  if level == nil then raise("First argument must be a number (log level).") end
  if level < 0 or level > 3 then raise("Invalid debug level.") end
end
redis.setresp = function(...)
  if select("#", ...) ~= 1 then raise("redis.setresp() requires one argument.") end
  local r = tonumber((...))
  if r ~= 2 and r ~= 3 then raise("RESP version must be 2 or 3.") end
  py.setresp(r)
end
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.set_repl = function(...)
  if select("#", ...) ~= 1 then raise("redis.set_repl() requires two arguments.") end
  local f = tonumber((...))
  if f == nil or f < 0 or f > 3 or f ~= floor(f) then
    raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
  end
  py.setrepl(f)
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.acl_check_cmd = function(...)
  if select("#", ...) == 0 then raise("Please specify at least one argument for this redis lib call") end
  local ok = py.acl(...)
  if ok == nil then raise("Invalid command passed to redis.acl_check_cmd()") end
  if type(ok) == "string" then raise(ok) end
  return ok
end
redis.REDIS_VERSION = py.version
redis.REDIS_VERSION_NUM = py.version_num
-- redis.* are C functions in Redis: a script's "return redis.call(...)" keeps its own frame
-- (the error location), so each one is called through a Python callable (a C function)
for k, v in pairs(redis) do
  if type(v) == "function" then redis[k] = cfunction(v) end
end
env.redis = redis
local pcall0, xpcall0 = pcall, xpcall
-- luaRedisPcall, Redis 7's pcall: an error that is a table with an "err" string (what
-- redis.call and the redis.* functions raise) is returned as that string, as scripts
-- written for Redis 6 expect; xpcall's handler still gets the table
local function fix(ok, e, ...)
  if ok then return ok, e, ... end
  if type(e) == "userdata" then e = py.take() or e end
  if type(e) == "table" then
    local m = e.err
    if type(m) == "string" or type(m) == "number" then return ok, m end
    return ok, e, m  -- Redis leaves the field it looked up on the stack: a third result
  end
  return ok, e
end
env.pcall = function(f, ...) return fix(pcall0(f, ...)) end
env.xpcall = function(f, h)
  return xpcall0(f, function(e)
    if type(e) == "userdata" then e = py.take() or e end
    return h(e)
  end)
end

-- luaL_argerror for the C functions written here in Lua (each wrapped by cfunction): the
-- function's name is the one its caller used (debug info of the call: "random" for
-- math.random(...), "?" through pcall), at level `clevel` above the caller of badarg
local function badarg(clevel, n, extra)
  local ar = getinfo(clevel + 1, "n")
  local name = ar and ar.name or "?"
  error("bad argument #" .. n .. " to '" .. name .. "' (" .. extra .. ")", clevel + 2)
end
-- luaL_typerror's "got ...": "no value" past the last argument, else the type's name
local function got(present, v)
  return "number expected, got " .. (present and type(v) or "no value")
end

-- math.random / math.randomseed: redis_math_random over redisLrand48 (state in ServerState)
local function checkint(n, present, v)
  local x = tonumber(v)
  if x == nil then badarg(3, n, got(present, v)) end
  if x >= 0 then return floor(x) else return ceil(x) end
end
local math2 = {}
for k, v in pairs(G.math) do math2[k] = v end
math2.random = function(...)
  local r = py.rand() / 2147483647
  local n = select("#", ...)
  if n == 0 then return r end
  local a, b = ...
  if n == 1 then
    local u = checkint(1, true, a)
    if u < 1 then badarg(2, 1, "interval is empty") end
    return floor(r * u) + 1
  elseif n == 2 then
    local l = checkint(1, true, a)
    local u = checkint(2, true, b)
    if l > u then badarg(2, 2, "interval is empty") end
    return floor(r * (u - l + 1)) + l
  end
  error("wrong number of arguments", 3)
end
math2.randomseed = function(...)
  local s = ...
  local x = tonumber(s)
  if x == nil then badarg(2, 1, got(select("#", ...) > 0, s)) end
  py.srand(x >= 0 and floor(x) or ceil(x))
end
math2.random, math2.randomseed = cfunction(math2.random), cfunction(math2.randomseed)
env.math = math2

-- scriptingInit of the functions engine (luaEngineInitEngine): the globals a library's code
-- sees while FUNCTION LOAD runs it, only redis.register_function / log / LOG_* / versions;
-- reading anything else fails as reading a missing global does
local FLAGS = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}
local function read_flags(t)
  -- luaRegisterFunctionReadFlags: t[1], t[2], ... until nil, each a known flag (any case)
  local out, j = {}, 1
  while true do
    local v = t[j]
    if v == nil then return out end
    local tv = type(v)
    if tv ~= "string" and tv ~= "number" then return nil end
    local found = false
    for _, f in ipairs(FLAGS) do
      if lower(tostring(v)) == f then out[#out + 1] = f; found = true; break end
    end
    if not found then return nil end
    j = j + 1
  end
end
local function named_args(t)
  -- luaRegisterFunctionReadNamedArgs: keys in lua_next order, each error as soon as met
  if type(t) ~= "table" then
    raise("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
  end
  local name, desc, cb, flags
  for k, v in next1, t do
    local tk = type(k)
    if tk ~= "string" and tk ~= "number" then
      raise("named argument key given to redis.register_function is not a string")
    end
    local key = lower(tostring(k))
    local tv = type(v)
    if key == "function_name" then
      if tv ~= "string" and tv ~= "number" then
        raise("function_name argument given to redis.register_function must be a string")
      end
      name = tostring(v)
    elseif key == "description" then
      if tv ~= "string" and tv ~= "number" then
        raise("description argument given to redis.register_function must be a string")
      end
      desc = tostring(v)
    elseif key == "callback" then
      if tv ~= "function" then
        raise("callback argument given to redis.register_function must be a function")
      end
      cb = v
    elseif key == "flags" then
      if tv ~= "table" then
        raise("flags argument to redis.register_function must be a table representing function flags")
      end
      flags = read_flags(v)
      if flags == nil then raise("unknown flag given") end
    else
      raise("unknown argument given to redis.register_function")
    end
  end
  if name == nil then raise("redis.register_function must get a function name argument") end
  if cb == nil then raise("redis.register_function must get a callback argument") end
  return name, desc, cb, flags or {}
end
local function library_api(py_register)
  local function register_function(...)
    local n = select("#", ...)
    if n < 1 or n > 2 then raise("wrong number of arguments to redis.register_function") end
    local name, desc, cb, flags
    if n == 1 then
      name, desc, cb, flags = named_args((...))
    else
      local a, b = ...
      local ta = type(a)
      if ta ~= "string" and ta ~= "number" then
        raise("first argument to redis.register_function must be a string")
      end
      if type(b) ~= "function" then
        raise("second argument to redis.register_function must be a function")
      end
      name, cb, flags = tostring(a), b, {}
    end
    local e = py_register(name, desc, flags, cb)
    if e then raise(e) end
  end
  local api = {register_function = cfunction(register_function), log = redis.log,
               LOG_DEBUG = redis.LOG_DEBUG, LOG_VERBOSE = redis.LOG_VERBOSE,
               LOG_NOTICE = redis.LOG_NOTICE, LOG_WARNING = redis.LOG_WARNING,
               REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM}
  -- an empty proxy: every write, to an existing field too, meets __newindex (read-only)
  local r = {}
  setmetatable0(r, {
    __index = function(_, k)
      local v = api[k]
      if v ~= nil then return v end
      error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end,
    __newindex = function() error("Attempt to modify a readonly table", 2) end,
  })
  return {redis = r}
end

-- keys == nil: a function's sandbox (no KEYS/ARGV globals; with py_register, the library's
-- code can be run in loading mode first)
local function seal(keys, argv, py_register)
  if keys ~= nil then env.KEYS, env.ARGV = keys, argv end
  local load_api = py_register and library_api(py_register)
  local loading = false
  -- Redis marks the globals, the library tables and the metatables it reaches read-only
  -- inside its Lua (lua_enablereadonlytable). Here each is an empty proxy: its __index is the
  -- table, its __newindex fails, so that assigning a field fails whether it exists or not;
  -- `backing` maps a proxy to the table it stands for (rawget, next and pairs see through)
  local readonly, backing = {}, {}
  local function deny() error("Attempt to modify a readonly table", 2) end
  local function protect(t)
    local p = {}
    readonly[p], backing[p] = true, t
    setmetatable0(p, {__index = t, __newindex = deny})
    return p
  end
  for _, k in ipairs({"redis", "string", "math", "table", "coroutine", "bit", "cjson",
                      "cmsgpack", "struct"}) do
    local t = env[k]
    if type(t) == "table" then env[k] = protect(t) end
  end
  local getmetatable = getmetatable
  local string_meta = getmetatable("")
  string_meta.__index = env.string
  local string_meta_view = protect(string_meta)
  local P = {}
  readonly[P], backing[P] = true, env
  env.rawset = function(t, k, v)
    if readonly[t] then error("Attempt to modify a readonly table", 0) end
    return rawset0(t, k, v)
  end
  env.setmetatable = function(t, m)
    if readonly[t] then error("Attempt to modify a readonly table", 0) end
    return setmetatable0(t, m)
  end
  env.rawset, env.setmetatable = cfunction(env.rawset), cfunction(env.setmetatable)
  env._G = P
  -- next, pairs and rawget see through the proxies. They stay Lua functions: what a C
  -- closure of Python returns crosses Python, where a Lua function made by as_function comes
  -- back as the Python callable it wraps (type "userdata" to scripts). Their argument errors
  -- name the function as the caller did (level 1: the wrapper is the function named)
  local function table_expected(n, present, v)
    if type(v) ~= "table" then
      badarg(2, n, "table expected, got " .. (present and type(v) or "no value"))
    end
  end
  local next, rawget = env.next, env.rawget
  local function new_next()
    return function(...)
      local t, k = ...
      table_expected(1, select("#", ...) > 0, t)
      return next(backing[t] or t, k)
    end
  end
  -- pairs returns a next of its own (Lua 5.1's pairs keeps another closure of luaB_next as
  -- its upvalue: `(pairs({})) == next` is false)
  env.next = new_next()
  local pairs_next = new_next()
  env.pairs = function(...)
    local t = ...
    table_expected(1, select("#", ...) > 0, t)
    return pairs_next, t, nil
  end
  env.rawget = function(...)
    local t, k = ...
    table_expected(1, select("#", ...) > 0, t)
    if select("#", ...) < 2 then badarg(1, 2, "value expected") end
    return rawget(backing[t] or t, k)
  end
  setmetatable0(P, {
    __index = function(_, k)
      local v
      if loading then v = rawget0(load_api, k) else v = env[k] end
      if v == nil then
        error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
      end
      return v
    end,
    __newindex = function() error("Attempt to modify a readonly table", 2) end,
  })
  -- getmetatable as Redis's readonly tables show it: the library tables have none; the
  -- globals' is read-only and its __index is luaProtectedTableError, which always fails
  -- (Redis's globals hold their values: it is only reached for a missing name); the strings'
  -- is read-only
  local function protected_table_error(...)
    if select("#", ...) ~= 2 then error("Wrong number of arguments to luaProtectedTableError", 3) end
    local _, k = ...
    if type(k) ~= "string" and type(k) ~= "number" then
      error("Second argument to luaProtectedTableError must be a string or number", 3)
    end
    error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 3)
  end
  local P_meta = protect({__index = cfunction(protected_table_error)})
  env.getmetatable = cfunction(function(...)
    if select("#", ...) == 0 then badarg(2, 1, "value expected") end
    local t = ...
    if t == P then return P_meta end
    if type(t) == "string" then return string_meta_view end
    if backing[t] then return nil end
    return getmetatable(t)
  end)
  -- chunks a script loads see the same globals (lua_load gives them the thread's: here P)
  local load0 = env.load
  env.loadstring = function(...)
    local f, e = loadstring(...)
    if f then setfenv(f, P) end
    return f, e
  end
  env.load = function(...)
    local f, e = load0(...)
    if f then setfenv(f, P) end
    return f, e
  end
  local function compile(body, chunkname)
    local f, e = loadstring(body, chunkname)
    if f then setfenv(f, P) end
    return f, e
  end
  local function run(f, a, b)
    local ok, v
    -- luaCallFunction: with busy-reply-threshold > 0, luaMaskCountHook every `period`
    -- instructions (py.period() is 0 when no hook is wanted: loading a library)
    local period = py.period()
    if period > 0 then sethook(count_hook, "", period) end
    if a == nil then
      ok, v = xpcall(f, handler)
    else
      ok, v = xpcall(function() return f(a, b) end, handler)
    end
    if period > 0 then sethook() end
    return ok, v
  end
  local function set_loading(on) loading = on end
  return compile, run, set_loading
end
return env, seal
"""


def install_libraries(runtime: Any, env: Any) -> None:
    """The hook where the libraries Redis ships to scripts (``cjson``, ``cmsgpack``, ``bit``,
    ``struct``: ``luaLoadLibraries``) are put into a fresh runtime: ``env`` is the globals
    table scripts will see (``env.cjson = …``); the sandbox makes them read-only afterwards
    (``spec.lualibs``)."""
    lualibs.install_libraries(runtime, env)


class ScriptRaise(Exception):
    """A redis.* function raises its pending ``{err=…}`` table (see ``ScriptRun``)."""


class ScriptRun:
    """One run of one script (``scriptRunCtx``): the step, the script's client, its flags and
    what the Lua side changed. Lives only while the script runs."""

    __slots__ = ("s", "rt", "client", "read_only", "repl", "rng", "rawget", "lua_next",
                 "pending_error", "eval_mode", "name", "caller_id", "caller_argv",
                 "hook_period", "instructions", "start_ms", "timed_out", "killed", "wrote",
                 "allow_oom")

    def __init__(self, s: Step, read_only: bool) -> None:
        self.s = s
        caller = s.client
        #: ``SCRIPT_EVAL_MODE`` (EVAL, not FCALL), the SHA1 or function name
        #: (``funcname``), the caller (``original_client``) and its command (FUNCTION STATS).
        self.eval_mode = True
        self.name = ""
        self.caller_id = caller.id
        self.caller_argv: tuple[bytes, ...] = ()
        #: Instructions between two calls of the hook (0: none; see :func:`start_run`), the
        #: instructions counted so far, the script's start on the port's clock, and the
        #: ``SCRIPT_TIMEDOUT`` / ``SCRIPT_KILLED`` / ``SCRIPT_WRITE_DIRTY`` flags.
        self.hook_period = 0
        self.instructions = 0
        self.start_ms = 0
        self.timed_out = False
        self.killed = False
        self.wrote = False
        #: ``SCRIPT_ALLOW_OOM``: the script declared allow-oom (a shebang or a function).
        self.allow_oom = False
        #: ``lctx.lua_client``: a client of its own (id 0: no connection), on the caller's db.
        self.client = Client(0, addr="lua", db=caller.db, resp=2, authenticated=True,
                             user=caller.user)
        self.read_only = read_only
        self.repl = 3
        self.rng: int | None = s.part("scripting").lua_rng
        self.rt: Any = None
        self.rawget: Any = None
        self.lua_next: Any = None
        #: The ``{err=…}`` table a redis.* function is raising (handed to the Lua side
        #: through a Python exception, which crosses the C boundary as userdata).
        self.pending_error: Any = None

    def lua_pending(self, e: Any) -> None:
        self.pending_error = e

    def lua_take(self) -> Any:
        e, self.pending_error = self.pending_error, None
        return e

    def lua_cfunction(self, fn: Any) -> Any:
        def cfunction(*args: Any) -> Any:
            try:
                return fn(*args)
            except lua51.LuaError as e:
                if self.pending_error is None:  # a plain Lua error: its message
                    msg = e.args[0] if e.args else ""
                    if isinstance(msg, str):
                        msg = msg.encode("utf-8", "surrogateescape")
                    msg = msg.split(b"\nstack traceback:", 1)[0]  # lupa adds the traceback
                    self.pending_error = msg  # raised as a string, as luaL_error raises
                raise ScriptRaise() from None
        return cfunction

    # -- callbacks from Lua --------------------------------------------------------------------

    def lua_call(self, raise_error: bool, *args: Any) -> tuple[bool, Any]:
        """``luaRedisGenericCommand``: (True, the reply as a Lua value) or (False, the error:
        a message for the ``{err=…}`` table, or the table of a command's error reply)."""
        if not args:
            return False, b"Please specify at least one argument for this redis lib call"
        argv: list[bytes] = []
        for a in args:
            if isinstance(a, bytes):
                argv.append(a)
            elif isinstance(a, (int, float)) and not isinstance(a, bool):
                argv.append(b"%.17g" % float(a))
            else:
                return False, b"Lua redis lib command arguments must be strings or integers"
        r = script_command(self, argv)
        if type(r) is Err and r.startswith("\0"):  # refused by scriptCall's gates
            return False, r[1:].encode("utf-8", "surrogateescape")
        frame = encode3(r) if self.client.resp == 3 else encode2(r)
        value = frame_to_lua(self.rt, parse(frame))
        if frame.startswith(b"-"):
            # redisProtocolToLuaType_Error: counted already, when the command failed
            value[b"ignore_error_stats_update"] = True
            return False, value
        return True, value

    def lua_setresp(self, resp: Any) -> None:
        self.client = replace(self.client, resp=int(resp))

    def lua_setrepl(self, flags: Any) -> None:
        self.repl = int(flags)

    def lua_acl(self, *args: Any) -> bool | bytes | None:
        """``luaRedisAclCheckCmdPermissionsCommand``: whether the caller's user may run the
        command (``ACLCheckAllUserCommandPerm``), None for an unknown command, or the error of
        an argument that is not a string or a number (``luaArgsToRedisArgv``)."""
        if any(isinstance(a, bool) or not isinstance(a, (bytes, int, float)) for a in args):
            return b"Lua redis lib command arguments must be strings or integers"
        argv = [a if isinstance(a, bytes) else b"%.17g" % float(a) for a in args]
        cmd = lookup_command(argv)
        if cmd is None:
            return None
        acl = self.s.part("acl")
        if acl is None or self.s.client.user not in acl.restricted:
            return True
        return acl_check(self.s, acl, cmd, argv)[0] == ACL_OK

    def lua_period(self) -> int:
        """The count hook's period for this run (0: no hook), read by the sandbox's ``run``."""
        return self.hook_period

    def lua_interrupt(self) -> bool:
        """``scriptInterrupt`` (from ``luaMaskCountHook``): past ``busy-reply-threshold``
        the script enters timed-out mode (other clients get BUSY) and, at every call from
        then on, serves the events of other clients (:func:`process_events_while_blocked`);
        True when one of them killed it."""
        self.instructions += self.hook_period
        s = self.s
        if not self.timed_out:
            elapsed = script_clock(s, self.instructions) - self.start_ms
            if not script_timed_out(elapsed, s.config["busy-reply-threshold"]):
                return False
            kill = "SCRIPT KILL" if self.eval_mode else "FUNCTION KILL"
            log_in_step(s, "warning", f"Slow script detected: still in execution after "
                        f"{elapsed} milliseconds. You can try killing the script using the "
                        f"{kill} command. Script name is: {self.name}.")
            self.timed_out = True  # enterScriptTimedoutMode + protectClient(caller)
            s.busy = BUSY_EVAL if self.eval_mode else BUSY_FUNCTION
        if s.busy_port is not None:
            process_events_while_blocked(s, self, s.busy_port)
        # SHUTDOWN NOSAVE from another client: Redis exits from inside the hook; here the
        # script stops so that the transition ends and the process exits (Effects.exit_code)
        return self.killed or s.exit_code is not None

    def kill(self, is_eval: bool) -> Reply:
        """``scriptKill``: SCRIPT KILL (``is_eval``) or FUNCTION KILL of this running script:
        refused once it wrote, or when the other command must be used; else it is marked
        and the hook stops it at its next call."""
        if self.wrote:
            return UNKILLABLE
        if is_eval and not self.eval_mode:
            return BUSY_FUNCTION
        if not is_eval and self.eval_mode:
            return BUSY_EVAL
        self.killed = True
        return OK

    def lua_rand(self) -> int:
        x = RAND48_INIT if self.rng is None else self.rng
        x = (RAND48_A * x + 0xB) & RAND48_MASK
        self.rng = x
        return (x >> 17) % LRAND48_MAX

    def lua_srand(self, seed: Any) -> None:
        v = int(seed) & 0xFFFFFFFF
        self.rng = ((v >> 16) << 32) | ((v & 0xFFFF) << 16) | 0x330E


def script_command(run: ScriptRun, argv: list[bytes]) -> Reply:
    """``scriptCall``: the gates a command meets inside a script, then ``call`` as the
    script's client. A refusal is returned as an ``Err`` starting with NUL (the message goes
    into an ``{err=…}`` table, prefixed with ERR)."""
    cmd = lookup_command(argv)
    if cmd is None:
        return Err("\0Unknown Redis command called from script")
    arity = cmd.arity
    n = len(argv)
    if (arity > 0 and arity != n) or n < -arity:
        return Err("\0Wrong number of args calling Redis command from script")
    flags = cmd.flags
    if "noscript" in flags:
        return Err("\0This Redis command is not allowed from script")
    denied = script_verify_acl(run, cmd, argv)
    if denied is not None:
        return denied
    if run.read_only and ("write" in flags or "may_replicate" in flags):
        return Err("\0Write commands are not allowed from read-only scripts.")
    s = run.s
    # scriptVerifyWriteCommandAllow: a read-only replica, then the disk, then min-replicas
    if "write" in flags and read_only_replica(s):
        return Err("\0-" + READONLY)
    if "write" in flags and writes_denied_by_disk_error(s):
        return Err("\0-" + MISCONF_ERR)
    if "write" in flags and not s.part("aof").last_write_ok:
        aof_error = writes_denied_by_aof_error(s.part("aof"))
        if aof_error is not None:
            return Err("\0-" + aof_error)
    if "write" in flags and no_replicas(s):
        return Err("\0-" + NOREPLICAS)
    # scriptVerifyOOM: past maxmemory (when the script's command was processed), a deny-oom
    # command is refused while the script has not written yet (not under allow-oom)
    if ("denyoom" in flags and s.pre_command_oom and not run.allow_oom and not run.wrote
            and s.config["maxmemory"]):
        return Err("\0-" + OOM_IN_SCRIPT)
    if "write" in flags:
        run.wrote = True  # SCRIPT_WRITE_DIRTY: SCRIPT KILL / FUNCTION KILL now refuse
    start = len(s.propagate)
    c = run.client
    with s.as_client(c, c.db):
        reply = call(s, cmd, argv)
        run.client = s.client
    if type(reply) is Err:
        s.count_error(reply)
    if not should_propagate(run.repl):
        del s.propagate[start:]
    return reply


#: ``scriptVerifyACL``'s messages per denial.
_SCRIPT_ACL = {
    DENIED_CMD: "\0The user executing the script can't run this command or subcommand",
    DENIED_KEY: "\0The user executing the script can't access at least one of the keys "
                "mentioned in the command arguments",
    DENIED_CHANNEL: "\0The user executing the script can't publish to the channel mentioned "
                    "in the command",
}


def script_verify_acl(run: ScriptRun, cmd: CommandSpec, argv: list[bytes]) -> Err | None:
    """``scriptVerifyACL``: a script's command is checked as the caller's user; a denial is
    logged with context ``lua`` and the caller's CLIENT LIST line."""
    s = run.s
    denied = restricted_denial(s, cmd, argv)
    if denied is None:
        return None
    result, obj = denied
    caller = run.caller_argv[0].lower().decode("utf-8", "surrogateescape") \
        if run.caller_argv else None
    log_denial(s, result, "lua", obj, real=s.client, cmd_name=caller)
    return Err(_SCRIPT_ACL[result])


#: ``PROPAGATE_AOF`` and ``PROPAGATE_REPL``, the bits of ``redis.set_repl``'s flags.
PROPAGATE_AOF = 1
PROPAGATE_REPL = 2


def should_propagate(target: int) -> bool:
    """``shouldPropagate`` for the target a script's ``redis.set_repl`` chose: a command goes
    to replicas only with ``PROPAGATE_REPL`` set, to the AOF only with ``PROPAGATE_AOF`` set
    and the AOF on. redspec's AOF is always off (``appendonly yes`` is refused), so an
    AOF-only command (``REPL_AOF``) is propagated nowhere, like ``REPL_NONE``: it is not
    added, so it does not count towards the MULTI/EXEC wrapping either."""
    return bool(target & PROPAGATE_REPL)


def frame_to_lua(rt: Any, f: Frame) -> Any:
    """``redisProtocolToLuaType``: a reply frame as the Lua value ``redis.call`` returns."""
    k = f.kind
    if k == b":":
        return int(f.head)
    if k == b"$":
        return False if f.payload is None else f.payload
    if k == b"+":
        return rt.table_from({b"ok": f.head})
    if k == b"-":
        return rt.table_from({b"err": f.head})
    if k == b"*":
        if f.children is None:
            return False
        t = rt.table()
        for i, ch in enumerate(f.children):
            t[i + 1] = frame_to_lua(rt, ch)
        return t
    if k == b"_":
        return None
    if k == b"#":
        return f.head == b"t"
    if k == b",":
        return rt.table_from({b"double": float(f.head)})
    if k == b"(":
        return rt.table_from({b"big_number": f.head})
    if k == b"=":
        p = f.payload or b""
        return rt.table_from({b"verbatim_string": rt.table_from(
            {b"format": p[:3], b"string": p[4:]})})
    if k == b"%" or k == b"~":
        inner = rt.table()
        kids: list[Frame] = f.children or []
        if k == b"%":
            for i in range(0, len(kids), 2):
                inner[frame_to_lua(rt, kids[i])] = frame_to_lua(rt, kids[i + 1])
        else:
            for c in kids:
                inner[frame_to_lua(rt, c)] = True
        return rt.table_from({b"map" if k == b"%" else b"set": inner})
    return None


def _ll(x: float) -> int:
    """``(long long)`` of a double, as x86-64 converts it (out of range or NaN: LLONG_MIN)."""
    if x != x or x >= 9223372036854775808.0 or x < -9223372036854775808.0:
        return -9223372036854775808
    return int(x)


def _clean(b: bytes) -> str:
    return b.replace(b"\r", b" ").replace(b"\n", b" ").decode("utf-8", "surrogateescape")


def lua_to_reply(run: ScriptRun, v: Any, caller_resp: int) -> Reply:
    """``luaReplyToRedisReply``: the script's value as the reply to its caller."""
    if v is None:
        return None
    if isinstance(v, bool):
        if run.client.resp == 2:
            return 1 if v else None
        return v
    if isinstance(v, bytes):
        return v
    if isinstance(v, (int, float)):
        return _ll(float(v))
    if lua51.lua_type(v) != "table":
        return None
    get = run.rawget
    e = get(v, b"err")
    if isinstance(e, bytes):
        if get(v, b"ignore_error_stats_update") is True:
            return ErrCounted(_clean(e))
        return Err(_clean(e))
    ok = get(v, b"ok")
    if isinstance(ok, bytes):
        return Status(_clean(ok))
    d = get(v, b"double")
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return float(d)
    bn = get(v, b"big_number")
    if isinstance(bn, bytes):
        return BigNum(_clean(bn))
    vs = get(v, b"verbatim_string")
    if lua51.lua_type(vs) == "table":
        fmt, text = get(vs, b"format"), get(vs, b"string")
        if isinstance(fmt, bytes) and isinstance(text, bytes):
            if caller_resp == 2:
                return text
            return Raw(b"=%d\r\n%s:%s\r\n" % (len(text) + 4, fmt[:3].ljust(3), text))
    m = get(v, b"map")
    if lua51.lua_type(m) == "table":
        return Map((lua_to_reply(run, k, caller_resp), lua_to_reply(run, x, caller_resp))
                   for k, x in _pairs(run, m))
    st = get(v, b"set")
    if lua51.lua_type(st) == "table":
        return RSet(lua_to_reply(run, k, caller_resp) for k, _ in _pairs(run, st))
    out: list[Any] = []
    j = 1
    while True:
        x = get(v, j)
        if x is None:
            return out
        out.append(lua_to_reply(run, x, caller_resp))
        j += 1


def _pairs(run: ScriptRun, t: Any) -> list[tuple[Any, Any]]:
    """``lua_next`` over a table, in Lua's order."""
    out: list[tuple[Any, Any]] = []
    k = None
    while True:
        r = run.lua_next(t, k)
        if r is None or r[0] is None:
            return out
        k = r[0]
        out.append((r[0], r[1]))


#: PRELUDE compiled once to bytecode (``string.dump``; its chunk name ``=redspec`` travels
#: with it): a pure memo of a constant, which spares every sandbox the parse.
_PRELUDE_BYTECODE: list[bytes] = []


def _prelude_bytecode() -> bytes:
    """The bytecode of :data:`PRELUDE`, compiled by a scratch runtime the first time."""
    if not _PRELUDE_BYTECODE:
        scratch = lua51.LuaRuntime(encoding=None, register_eval=False, register_builtins=False)
        dump = scratch.eval(b"function(src) return string.dump(assert(loadstring(src, "
                            b"'=redspec'))) end")
        _PRELUDE_BYTECODE.append(dump(PRELUDE.encode()))
    return _PRELUDE_BYTECODE[0]


def new_sandbox(run: ScriptRun, keys: list[bytes] | None, args: list[bytes] | None,
                register: Any = None) -> tuple[Any, Any, Any]:
    """A fresh Lua runtime with Redis 7.0's environment for one run (``scriptingInit`` +
    ``luaCreateArray`` for KEYS and ARGV): returns the Lua functions (compile, run,
    set_loading). ``keys`` None builds a function's sandbox instead (``luaEngineInitEngine``:
    no KEYS/ARGV globals); ``register`` then receives what ``redis.register_function``
    registers while the library's code runs in loading mode (``spec.functions``)."""
    rt = lua51.LuaRuntime(encoding=None, unpack_returned_tuples=True, register_eval=False,
                          register_builtins=False)
    run.rt = rt
    g = rt.globals()
    run.rawget = g.rawget
    run.lua_next = g.next
    py = rt.table_from({
        b"call": run.lua_call, b"sha1hex": lambda b: sha1hex(b).encode(),
        b"setresp": run.lua_setresp, b"setrepl": run.lua_setrepl, b"acl": run.lua_acl,
        b"rand": run.lua_rand, b"srand": run.lua_srand, b"pending": run.lua_pending,
        b"take": run.lua_take, b"cfunction": run.lua_cfunction,
        b"period": run.lua_period, b"interrupt": run.lua_interrupt,
        b"version": REDIS_VERSION, b"version_num": REDIS_VERSION_NUM,
    })
    env, seal = rt.execute(_prelude_bytecode(), py)
    install_libraries(rt, env)
    if keys is None:
        return tuple(seal(None, None, register))
    return tuple(seal(rt.table_from(dict(enumerate(keys, 1))),
                      rt.table_from(dict(enumerate(args or [], 1))), None))


def lua_text(e: Any) -> str:
    """A Lua error message (bytes or not) as text on one line."""
    msg = e.decode("utf-8", "surrogateescape") if isinstance(e, bytes) else str(e)
    return msg.replace("\r", " ").replace("\n", " ")


def _compile(run: ScriptRun, body: bytes, shebang_len: int, keys: list[bytes],
             args: list[bytes]) -> tuple[Any, Any] | Err:
    compile_, runner, _ = new_sandbox(run, keys, args)
    f, e = compile_(body[shebang_len:], b"@user_script")
    if f is None:
        return Err("ERR Error compiling script (new function): " + lua_text(e))
    return f, runner


def start_run(s: Step, run: ScriptRun, eval_mode: bool, name: str,
              argv: Sequence[bytes] = ()) -> None:
    """The end of ``scriptPrepareForRun``: the run becomes ``curr_run_ctx`` (SCRIPT KILL,
    FUNCTION KILL and FUNCTION STATS see it), its start time is taken and, with
    ``busy-reply-threshold`` > 0, the instruction-count hook is wanted (``luaCallFunction``)."""
    run.eval_mode = eval_mode
    run.name = name
    run.caller_argv = tuple(argv)
    run.start_ms = script_clock(s, 0)
    if s.config["busy-reply-threshold"] > 0:
        run.hook_period = HOOK_PERIOD
    s.script_run = run


def end_run(s: Step) -> None:
    """``scriptResetRun``: no script runs any more; leaving timed-out mode, others are served
    normally again."""
    s.script_run = None
    s.busy = None


def finish_run(s: Step, run: ScriptRun, ok: bool, v: Any, start: int, name: str) -> Reply:
    """The end of ``luaCallFunction`` + ``scriptResetRun``, shared by EVAL and FCALL: keep the
    generator's state, wrap what the script propagated (from ``start``) in MULTI … EXEC when
    it is more than one command, and turn the script's value or error into the reply
    (``name``: the SHA1 of a script or the name of a function, as the error names it)."""
    end_run(s)
    sc = s.part("scripting")
    if run.rng != sc.lua_rng:
        s.set_part("scripting", replace(sc, lua_rng=run.rng))
    prop = s.propagate
    if len(prop) - start > 1 and not s.in_exec:  # propagatePendingCommands
        prop.insert(start, (prop[start][0], (b"MULTI",)))
        prop.append((prop[-1][0], (b"EXEC",)))
    if ok:
        reply = lua_to_reply(run, v, s.client.resp)
        if isinstance(reply, (list, tuple)):
            count_nested_errors(s, reply)
        return reply
    if lua51.lua_type(v) != "table":
        return Err(f"ERR Error running script f_{name}, {str(v)[:100]}")
    msg = run.rawget(v, b"err")
    text = msg.decode("utf-8", "surrogateescape") if isinstance(msg, bytes) else "ERR"
    src, line = run.rawget(v, b"source"), run.rawget(v, b"line")
    if src is not None and line is not None:
        src_t = src.decode("utf-8", "surrogateescape") if isinstance(src, bytes) else str(src)
        text += f" script: {name}, on {src_t}:{_ll(float(line))}."
    text = text.replace("\r", " ").replace("\n", " ")
    if run.rawget(v, b"ignore_error_stats_update") is True:
        return ErrCounted(text)
    return Err(text)


#: ``shared.oomerr`` without its code: what ``scriptVerifyOOM`` raises inside a script.
OOM_IN_SCRIPT = "OOM command not allowed when used memory > 'maxmemory'."
SCRIPT_OOM = Err("OOM allow-oom flag is not set on the script, can not run it when used "
                 "memory > 'maxmemory'")


def script_cmd_flags(cmd_flags: frozenset[str], script_flags: frozenset[str]) -> frozenset[str]:
    """``scriptFlagsToCmdFlags``: the command flags of EVAL or FCALL once the script declared
    flags: deny-oom unless allow-oom or no-writes, write unless no-writes, stale with
    allow-stale, never may-replicate."""
    f = set(cmd_flags) - {"stale", "denyoom", "write", "may_replicate"}
    if not script_flags & {"allow-oom", "no-writes"}:
        f.add("denyoom")
    if "no-writes" not in script_flags:
        f.add("write")
    if "allow-stale" in script_flags:
        f.add("stale")
    return frozenset(f)


def eval_command_flags(evalsha: bool) -> Any:
    """``evalGetCommandFlags`` for EVAL / EVAL_RO (``evalsha`` False) or EVALSHA /
    EVALSHA_RO: the cached script's flags, or the shebang of the body not cached yet; a
    script without shebang (or not found, or a bad shebang) keeps the command's flags."""
    def getter(s: Step, argv: list[bytes], flags: frozenset[str]) -> frozenset[str]:
        if len(argv) < 2 or (evalsha and len(argv[1]) != 40):
            return flags
        sha = argv[1].lower().decode("latin-1") if evalsha else sha1hex(argv[1])
        body = s.part("scripting").scripts.get(sha)
        if body is None:
            if evalsha:
                return flags
            body = argv[1]
        sb = shebang_flags(body)
        if isinstance(sb, Err) or sb[0] is None:
            return flags
        return script_cmd_flags(flags, sb[0])
    return getter


def prepare_refused(s: Step, flags: frozenset[str] | None, ro: bool) -> Err | None:
    """``scriptPrepareForRun``'s gates for a script with flags (a shebang, or a function):
    past ``maxmemory`` when its command was processed, one with neither allow-oom nor
    no-writes is refused (reached when ``processCommand``'s own OOM gate did not run: inside
    EXEC); then :func:`write_flag_refused`. (``no-cluster``, stale replicas, read-only
    replicas and MISCONF belong to mechanisms not built here.)"""
    if (flags is not None and s.pre_command_oom and s.config["maxmemory"]
            and not flags & {"allow-oom", "no-writes"}):
        return SCRIPT_OOM
    return write_flag_refused(flags, ro)


def count_nested_errors(s: Step, reply: list[Any] | tuple[Any, ...]) -> None:
    """``luaReplyToRedisReply`` adds each error inside an array (or map, set) with
    ``addReplyError``: each one counts in errorstats (unless counted already, when its command
    failed inside the script), and any of them makes the script's command a failed call."""
    failed = False
    stack: list[Any] = [reply]
    while stack:
        for x in stack.pop():
            if isinstance(x, Err):
                failed = True
                if type(x) is Err:
                    s.count_error(x)
            elif isinstance(x, (list, tuple)):
                stack.append(x)
    if failed and s.cmd is not None:
        s.count_failed(s.cmd.name)


def write_flag_refused(flags: frozenset[str] | None, ro: bool) -> Err | None:
    """``scriptPrepareForRun``'s last gate: a script or function that may write (it has
    flags, and not ``no-writes``) refused by EVAL_RO / EVALSHA_RO / FCALL_RO."""
    if flags is not None and "no-writes" not in flags and ro:
        return Err("ERR Can not execute a script with write flag using *_ro command.")
    return None


def run_script(s: Step, body: bytes, sha: str, keys: list[bytes], args: list[bytes],
               flags: frozenset[str] | None, shebang_len: int, ro: bool) -> Reply:
    """``scriptPrepareForRun`` + ``luaCallFunction``: run one cached script to its reply."""
    refused = prepare_refused(s, flags, ro)
    if refused is not None:
        return refused
    read_only = ro or (flags is not None and "no-writes" in flags)
    run = ScriptRun(s, read_only)
    run.allow_oom = flags is not None and "allow-oom" in flags
    compiled = _compile(run, body, shebang_len, keys, args)
    if isinstance(compiled, Err):
        return compiled
    f, runner = compiled
    start = len(s.propagate)
    start_run(s, run, True, sha)
    ok, v = runner(f)
    return finish_run(s, run, ok, v, start, sha)


# -- commands ---------------------------------------------------------------------------------


def _numkeys(argv: list[bytes]) -> int | Err:
    n = string2ll(argv[2])
    if n is None:
        return Err("ERR value is not an integer or out of range")
    if n > len(argv) - 3:
        return Err("ERR Number of keys can't be greater than number of args")
    if n < 0:
        return Err("ERR Number of keys can't be negative")
    return n


def _cache(s: Step, sha: str, body: bytes) -> None:
    sc = s.part("scripting")
    if sha not in sc.scripts:
        s.set_part("scripting", replace(sc, scripts=sc.scripts.set(sha, body)))


def _eval_generic(s: Step, argv: list[bytes], evalsha: bool, ro: bool) -> Reply:
    """``evalGenericCommand``. A SHA1 argument not 40 characters long is NOSCRIPT before
    numkeys is looked at (``evalGetCommandFlags`` leaves no script found, and the command
    answers that first); a 40-character one not cached is NOSCRIPT after numkeys' errors."""
    if evalsha and len(argv[1]) != 40:
        return NOSCRIPT
    n = _numkeys(argv)
    if isinstance(n, Err):
        return n
    keys, args = argv[3:3 + n], argv[3 + n:]
    if evalsha:
        if len(argv[1]) != 40:
            return NOSCRIPT
        sha = argv[1].lower().decode("latin-1")
        body = s.part("scripting").scripts.get(sha)
        if body is None:
            return NOSCRIPT
    else:
        body = argv[1]
        sha = sha1hex(body)
    sb = shebang_flags(body)
    if isinstance(sb, Err):
        return sb
    flags, shebang_len = sb
    if not evalsha and sha not in s.part("scripting").scripts:
        check = _compile(ScriptRun(s, True), body, shebang_len, [], [])
        if isinstance(check, Err):
            return check
        _cache(s, sha, body)
    return run_script(s, body, sha, keys, args, flags, shebang_len, ro)


def feed_script_command(s: Step, argv: list[bytes]) -> None:
    """``evalCommand`` / ``fcallCommand`` (and their _RO / SHA forms, all flagged
    skip-monitor, so ``call`` does not feed them): they feed the monitors themselves, first,
    "so that lua commands appear after their script command" — whatever the command then
    replies, an error included."""
    if s.part("transport").monitors and s.cmd is not None:
        feed_monitors(s, attrs.evolve(s.cmd, flags=s.cmd.flags - {"skip_monitor"}), argv)


FLAG_GETTERS["eval"] = FLAG_GETTERS["eval_ro"] = eval_command_flags(False)
FLAG_GETTERS["evalsha"] = FLAG_GETTERS["evalsha_ro"] = eval_command_flags(True)


@command("eval")
def eval_(s: Step, argv: list[bytes]) -> Reply:
    feed_script_command(s, argv)
    return _eval_generic(s, argv, False, False)


@command("evalsha")
def evalsha(s: Step, argv: list[bytes]) -> Reply:
    feed_script_command(s, argv)
    return _eval_generic(s, argv, True, False)


@command("eval_ro")
def eval_ro(s: Step, argv: list[bytes]) -> Reply:
    feed_script_command(s, argv)
    return _eval_generic(s, argv, False, True)


@command("evalsha_ro")
def evalsha_ro(s: Step, argv: list[bytes]) -> Reply:
    feed_script_command(s, argv)
    return _eval_generic(s, argv, True, True)


@command("script|load")
def script_load(s: Step, argv: list[bytes]) -> Reply:
    """``SCRIPT LOAD``: compile, cache, reply the SHA1 (not propagated)."""
    body = argv[2]
    sha = sha1hex(body)
    if sha not in s.part("scripting").scripts:
        sb = shebang_flags(body)
        if isinstance(sb, Err):
            return sb
        check = _compile(ScriptRun(s, True), body, sb[1], [], [])
        if isinstance(check, Err):
            return check
        _cache(s, sha, body)
    return sha.encode()


@command("script|exists")
def script_exists(s: Step, argv: list[bytes]) -> Reply:
    scripts = s.part("scripting").scripts
    return [1 if a.lower().decode("latin-1") in scripts else 0 for a in argv[2:]]


@command("script|flush")
def script_flush(s: Step, argv: list[bytes]) -> Reply:
    if len(argv) > 3 or (len(argv) == 3 and argv[2].lower() not in (b"sync", b"async")):
        return Err("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
    sc = s.part("scripting")
    lazy = argv[2].lower() == b"async" if len(argv) == 3 else s.config.get("lazyfree-lazy-user-flush")
    if lazy:  # scriptingReset(async) → freeLuaScriptsAsync
        free_many_async(s, len(sc.scripts))
    if sc.scripts:
        s.set_part("scripting", replace(sc, scripts=EMPTY_MAP))
    return OK


@command("script|kill")
def script_kill(s: Step, argv: list[bytes]) -> Reply:
    """``scriptKill(c, 1)``: stop the running EVAL (only reachable from another client while
    a script is past busy-reply-threshold); NOTBUSY when none runs."""
    run = s.script_run
    if run is None:
        return NOTBUSY
    assert isinstance(run, ScriptRun)
    return run.kill(True)


@command("script|debug")
def script_debug(s: Step, argv: list[bytes]) -> Reply:
    mode = argv[2].lower()
    if mode == b"no":
        return OK
    if mode in (b"yes", b"sync"):
        return Err("ERR SCRIPT DEBUG YES/SYNC is not implemented by redspec yet: the Lua "
                   "debugger (ldb) does not exist; only SCRIPT DEBUG NO is accepted")
    return Err("ERR Use SCRIPT DEBUG YES/SYNC/NO")


SCRIPT_HELP = help_lines("SCRIPT", [
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
])


@command("script|help")
def script_help(s: Step, argv: list[bytes]) -> Reply:
    return [Status(line) for line in SCRIPT_HELP]


install_commands()
