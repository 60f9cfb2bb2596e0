"""Redis 7.0 functions (mechanism 13, issue 14): FUNCTION LOAD / DELETE / LIST / DUMP /
RESTORE / FLUSH / STATS / KILL / HELP and FCALL / FCALL_RO (``functions.c``,
``function_lua.c``).

A library is Lua code that starts with a shebang naming its engine and itself
(``#!lua name=mylib``). FUNCTION LOAD runs the code once, in *loading mode*: its globals are
only ``redis.register_function``, ``redis.log``, the ``LOG_*`` levels and the versions, and
what it registers (name, callback, description, flags) becomes the library's functions. The
state keeps the libraries (``ServerState.scripting.libraries``: name, code, the registered
functions' names, descriptions and flags) and the index of function names (case-insensitive,
as Redis's functions dict compares them).

FCALL runs a function with the machinery of EVAL (``spec.scripting``: the sandbox, the redis.*
API, the conversions, the propagation of effects): a fresh runtime per call loads the library
again in loading mode — which only registers, so it reaches the same functions — and then
calls the callback with the KEYS and ARGV tables as its two arguments, in the run-time
globals of a script minus KEYS/ARGV. Fresh per call is what keeps the spec pure: nothing lives
in Lua between two steps. Redis's library stays loaded in one Lua state, so the local
variables of its code persist between FCALLs; the state carries them here
(``FunctionLibrary.lua_state``, written and read back by :data:`LIBRARY_STATE`).

FUNCTION DUMP writes Redis's payload: per library the RDB opcode ``FUNCTION2`` (245) and the
library's code as an RDB string (LZF-compressed like Redis's when long enough), then the RDB
version (10) in two little-endian bytes and the CRC-64 of everything before it.
"""

from __future__ import annotations

from typing import Any

from lupa import lua51  # type: ignore[import-untyped]

from .commands import command
from .crc64 import crc64_bytes
from .cstr import c_text
from .dispatch import FLAG_GETTERS, install_commands
from .glob import stringmatch
from .lazyfree import free_many_async
from .numbers import string2ll
from .rdbcodec import RdbCorrupt, Reader, save_raw_string
from .reply import OK, Err, Map, Reply, RSet, Status, help_lines
from .resp import split_args
from .scripting import (
    BUSY_EVAL,
    NOTBUSY,
    ScriptRun,
    feed_script_command,
    finish_run,
    lua_text,
    new_sandbox,
    prepare_refused,
    script_clock,
    script_cmd_flags,
    start_run,
)
from .state import EMPTY_MAP, FunctionInfo, FunctionLibrary, replace
from .step import Step

__all__ = [
    "extract_lib_metadata",
    "verify_name",
    "create_library",
    "functions_dump",
    "functions_restore",
    "LibraryCtx",
]

ENGINE = "LUA"
#: ``RDB_OPCODE_FUNCTION2`` and the pre-GA ``RDB_OPCODE_FUNCTION`` of 7.0 rc1/rc2.
RDB_OPCODE_FUNCTION2 = 245
RDB_OPCODE_FUNCTION_PRE_GA = 246
RDB_VERSION = 10

NAME_RULE = ("Library names can only contain letters, numbers, or underscores(_) and must be "
             "at least one character long")


def verify_name(name: bytes) -> bool:
    """``functionsVerifyName``: one or more of ``[a-zA-Z0-9_]`` (libraries and functions)."""
    return bool(name) and all(c == 95 or 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122
                              for c in name)


def extract_lib_metadata(code: bytes) -> tuple[bytes, bytes, bytes] | Err:
    """``functionExtractLibMetaData``: (engine, library name, the code after the shebang
    line, starting with its newline so that line numbers count the shebang) or the error."""
    c = code.split(b"\0", 1)[0]  # the shebang is read as a C string
    if not c.startswith(b"#!"):
        return Err("ERR Missing library metadata")
    end = c.find(b"\n")
    if end < 0:
        return Err("ERR Invalid library metadata")
    parts = split_args(c[:end])
    if not parts:
        return Err("ERR Invalid library metadata")
    name: bytes | None = None
    for part in parts[1:]:
        if part[:5].lower() == b"name=":
            if name is not None:
                return Err("ERR Invalid metadata value, name argument was given multiple times")
            name = part[5:]
            continue
        return Err("ERR Invalid metadata value given: " + c_text(part))
    if name is None:
        return Err("ERR Library name was not given")
    return parts[0][2:], name, code[end:]


class LibraryCtx:
    """A ``functionsLibCtx`` being changed: the libraries and the function index, as plain
    dicts for the length of one command, then frozen back into the state."""

    __slots__ = ("libraries", "functions")

    def __init__(self, libraries: dict[bytes, FunctionLibrary] | None = None) -> None:
        self.libraries: dict[bytes, FunctionLibrary] = dict(libraries or {})
        self.functions: dict[bytes, bytes] = {
            f.name.lower(): lib.name for lib in self.libraries.values() for f in lib.functions}

    def unlink(self, name: bytes) -> FunctionLibrary:
        """``libraryUnlink``: take a library and its functions out."""
        lib = self.libraries.pop(name)
        for f in lib.functions:
            self.functions.pop(f.name.lower(), None)
        return lib

    def link(self, lib: FunctionLibrary) -> None:
        """``libraryLink``: put a library and its functions in (a function name already
        indexed, which only two names of one library differing in case can cause, keeps the
        first, as ``dictAdd`` does)."""
        for f in lib.functions:
            self.functions.setdefault(f.name.lower(), lib.name)
        self.libraries[lib.name] = lib

    def collision(self, lib: FunctionLibrary) -> Err | None:
        """The first function of ``lib`` whose name (any case) another library has."""
        for f in lib.functions:
            if f.name.lower() in self.functions:
                return Err(f"ERR Function {c_text(f.name)} already exists")
        return None


class _Registry:
    """What ``redis.register_function`` registers while a library's code runs
    (``functionLibCreateFunction``): the functions in order and their Lua callbacks."""

    __slots__ = ("functions", "callbacks")

    def __init__(self) -> None:
        self.functions: list[FunctionInfo] = []
        self.callbacks: dict[bytes, Any] = {}

    def register(self, name: bytes, desc: bytes | None, flags: Any, cb: Any) -> bytes | None:
        """``functionLibCreateFunction``: add one function, or the message of why not."""
        if not verify_name(name):
            return NAME_RULE.encode()
        if name in self.callbacks:
            return b"Function already exists in the library"
        fl = frozenset(v.decode() for v in flags.values()) if flags is not None else frozenset()
        self.functions.append(FunctionInfo(name, desc, fl))
        self.callbacks[name] = cb
        return None


#: ``luaEngineLoadHook``: Redis stops a library's code that runs longer than 500 ms at load
#: (``FUNCTION LOAD timeout``), looking every 100000 instructions. Time is not an input of a
#: load here, so the budget is counted in instructions: 500 looks, 5*10^7 VM instructions,
#: about what 7.0.15 runs in 500 ms on the test machine (a ``while`` loop of 10^7 additions,
#: 3 instructions each, loads there; one of 2*10^7 times out), and so here too.
LOAD_HOOK_EVERY = 100000
LOAD_HOOK_LOOKS = 500
LOAD_HOOK = (b"(function() local n = 0 return function() n = n + 1 if n >= %d then "
             b"error('FUNCTION LOAD timeout', 0) end end end)()" % LOAD_HOOK_LOOKS)

#: The compiled form of library code, outside the state: code -> its Lua bytecode
#: (``string.dump`` of the compiled chunk, chunk name included). A library is parsed once,
#: not at every FCALL; the bytecode is a function of the code alone, so what a run does never
#: depends on whether the entry was there (only successful compilations are kept).
_COMPILED: dict[bytes, bytes] = {}
COMPILED_MAX = 512


def _remember_compiled(code: bytes, bytecode: bytes) -> None:
    """Keep a library's bytecode, forgetting the oldest entries beyond ``COMPILED_MAX``."""
    while len(_COMPILED) >= COMPILED_MAX:
        del _COMPILED[next(iter(_COMPILED))]
    _COMPILED[code] = bytecode


def load_library_code(run: ScriptRun, body: bytes) -> tuple[_Registry, Any] | Err:
    """``luaEngineCreate``: a fresh function sandbox, the code compiled as
    ``@user_function`` and run in loading mode; (what it registered, the runner) or the
    error as FUNCTION LOAD reports it."""
    reg = _Registry()
    compile_, runner, set_loading = new_sandbox(run, None, None, reg.register)
    compiled = _COMPILED.get(body)
    f, e = compile_(body if compiled is None else compiled, b"@user_function")
    if f is None:
        return Err("ERR Error compiling function: " + lua_text(e))
    if compiled is None:
        _remember_compiled(body, run.rt.globals().string.dump(f))
    set_loading(True)
    sethook = run.rt.globals().debug.sethook
    sethook(run.rt.eval(LOAD_HOOK), b"", LOAD_HOOK_EVERY)
    ok, v = runner(f)
    sethook()
    set_loading(False)
    if not ok:
        msg = run.rawget(v, b"err") if _is_table(v) else v
        return Err("ERR Error registering functions: " + lua_text(msg))
    return reg, runner


def _is_table(v: Any) -> bool:
    """Whether a value from Lua is a table (an error raised as ``{err=…}``)."""
    return bool(lua51.lua_type(v) == "table")


def create_library(s: Step, ctx: LibraryCtx, code: bytes, replace_: bool) -> bytes | Err:
    """``functionsCreateWithLibraryCtx``: check the shebang, the name, the engine and an
    existing library, run the code, then link the library unless a function name
    collides; returns the library's name."""
    md = extract_lib_metadata(code)
    if isinstance(md, Err):
        return md
    engine, name, body = md
    if not verify_name(name):
        return Err("ERR " + NAME_RULE)
    if engine.lower() != b"lua":
        return Err(f"ERR Engine '{engine.decode('utf-8', 'surrogateescape')}' not found")
    old = ctx.libraries.get(name)
    if old is not None and not replace_:
        return Err(f"ERR Library '{name.decode('utf-8', 'surrogateescape')}' already exists")
    loaded = load_library_code(ScriptRun(s, True), body)
    if isinstance(loaded, Err):
        return loaded
    reg = loaded[0]
    if not reg.functions:
        return Err("ERR No functions registered")
    if old is not None:
        ctx.unlink(name)
    lib = FunctionLibrary(name, code, tuple(reg.functions))
    err = ctx.collision(lib)
    if err is not None:
        if old is not None:
            ctx.link(old)
        return err
    ctx.link(lib)
    return name


def _ctx(s: Step) -> LibraryCtx:
    """``curr_functions_lib_ctx`` of the state, opened for one command."""
    return LibraryCtx(dict(s.part("scripting").libraries.items()))


def _commit(s: Step, ctx: LibraryCtx) -> None:
    """Install a changed library context in the state; the change counts as one write
    (``server.dirty++``: FUNCTION LOAD/DELETE/FLUSH/RESTORE propagate as themselves)."""
    sc = s.part("scripting")
    libs = EMPTY_MAP.update(ctx.libraries) if ctx.libraries else EMPTY_MAP
    funcs = EMPTY_MAP.update(ctx.functions) if ctx.functions else EMPTY_MAP
    s.set_part("scripting", replace(sc, libraries=libs, functions=funcs))
    s.dirty += 1


def _ordered(s: Step) -> list[FunctionLibrary]:
    """The libraries in the order FUNCTION LIST and DUMP give them: by name (Redis's order
    is its libraries dict's, which depends on a hash seed chosen at random at start)."""
    libs = s.part("scripting").libraries
    return [libs[k] for k in sorted(libs.keys())]


# -- FUNCTION LOAD / DELETE / FLUSH / KILL / STATS / LIST / HELP ------------------------------


@command("function|load")
def function_load(s: Step, argv: list[bytes]) -> Reply:
    """``functionLoadCommand``: FUNCTION LOAD [REPLACE] code; replies the library's name."""
    replace_ = False
    pos = 2
    while pos < len(argv) - 1:
        arg = argv[pos]
        pos += 1
        if arg.lower() == b"replace":
            replace_ = True
            continue
        return Err("ERR Unknown option given: " + c_text(arg))
    ctx = _ctx(s)
    name = create_library(s, ctx, argv[pos], replace_)
    if isinstance(name, Err):
        return name
    _commit(s, ctx)
    return name


@command("function|delete")
def function_delete(s: Step, argv: list[bytes]) -> Reply:
    """``functionDeleteCommand``: remove one library and its functions."""
    ctx = _ctx(s)
    if argv[2] not in ctx.libraries:
        return Err("ERR Library not found")
    ctx.unlink(argv[2])
    _commit(s, ctx)
    return OK


def _syntax_error(argv: list[bytes]) -> Err:
    """``addReplySubcommandSyntaxError``."""
    return Err(f"ERR unknown subcommand or wrong number of arguments for "
               f"'{c_text(argv[1])}'. Try FUNCTION HELP.")


@command("function|flush")
def function_flush(s: Step, argv: list[bytes]) -> Reply:
    """``functionFlushCommand``: FUNCTION FLUSH [ASYNC|SYNC] removes every library. ASYNC
    (without an argument: ``lazyfree-lazy-user-flush``) frees more than 64 functions in the
    background (``freeFunctionsAsync``): INFO's ``lazyfreed_objects`` counts them."""
    if len(argv) > 3:
        return _syntax_error(argv)
    if len(argv) == 3 and argv[2].lower() not in (b"sync", b"async"):
        return Err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
    lazy = argv[2].lower() == b"async" if len(argv) == 3 else s.config.get("lazyfree-lazy-user-flush")
    if lazy:  # functionsLibCtxClearCurrent(async)
        free_many_async(s, len(s.part("scripting").functions))
    _commit(s, LibraryCtx())
    return OK


@command("function|kill")
def function_kill(s: Step, argv: list[bytes]) -> Reply:
    """``functionKillCommand`` (``scriptKill(c, 0)``): stop the running function (only
    reachable from another client while it is past busy-reply-threshold); NOTBUSY when none
    runs."""
    run = s.script_run
    if run is None:
        return NOTBUSY
    assert isinstance(run, ScriptRun)
    return run.kill(False)


@command("function|stats")
def function_stats(s: Step, argv: list[bytes]) -> Reply:
    """``functionStatsCommand``: the running function (null when none; reachable from
    another client while one runs past busy-reply-threshold: its name, its caller's command
    and how long it has run; a running EVAL gets BUSY instead) and, per engine, how many
    libraries and functions it has."""
    run = s.script_run
    running: Reply = None
    if run is not None:
        assert isinstance(run, ScriptRun)
        if run.eval_mode:
            return BUSY_EVAL
        running = Map([(b"name", run.name.encode("utf-8", "surrogateescape")),
                       (b"command", list(run.caller_argv)),
                       (b"duration_ms", script_clock(s, run.instructions) - run.start_ms)])
    libs = s.part("scripting").libraries
    nfun = sum(len(lib.functions) for lib in libs.values())
    return Map([(b"running_script", running),
                (b"engines", Map([(ENGINE.encode(), Map([(b"libraries_count", len(libs)),
                                                         (b"functions_count", nfun)]))]))])


#: ``scripts_flags_def``'s order: the order FUNCTION LIST gives a function's flags in.
FLAG_ORDER = ("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys")


def _function_entry(f: FunctionInfo) -> Map:
    """One function in FUNCTION LIST: name, description (null when none), flags (a set)."""
    return Map([(b"name", f.name), (b"description", f.description),
                (b"flags", RSet(Status(x) for x in FLAG_ORDER if x in f.flags))])


@command("function|list")
def function_list(s: Step, argv: list[bytes]) -> Reply:
    """``functionListCommand``: FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]; the
    pattern is matched without case."""
    with_code = False
    pattern: bytes | None = None
    i = 2
    while i < len(argv):
        arg = argv[i]
        if not with_code and arg.lower() == b"withcode":
            with_code = True
        elif pattern is None and arg.lower() == b"libraryname":
            if i >= len(argv) - 1:
                return Err("ERR library name argument was not given")
            i += 1
            pattern = argv[i]
        else:
            return Err("ERR Unknown argument " + c_text(arg))
        i += 1
    out: list[Reply] = []
    for lib in _ordered(s):
        if pattern is not None and not stringmatch(pattern, lib.name, nocase=True):
            continue
        fields: list[tuple[Reply, Reply]] = [
            (b"library_name", lib.name), (b"engine", lib.engine.encode()),
            (b"functions", [_function_entry(f) for f in lib.functions])]
        if with_code:
            fields.append((b"library_code", lib.code))
        out.append(Map(fields))
    return out


FUNCTION_HELP = help_lines("FUNCTION", [
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored "
    "using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a "
    "restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
    "abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
    "replace the old",
    "      libraries with the new libraries (notice that even on this option there is a "
    "chance of failure",
    "      in case of functions name collision with another library).",
])


@command("function|help")
def function_help(s: Step, argv: list[bytes]) -> Reply:
    """``functionHelpCommand`` (``addReplyHelp``): 7.0.15's lines, as status replies."""
    return [Status(line) for line in FUNCTION_HELP]


# -- FUNCTION DUMP / RESTORE ------------------------------------------------------------------


def functions_dump(libraries: list[FunctionLibrary], compression: bool = True) -> bytes:
    """``functionDumpCommand`` (``rdbSaveFunctions``): per library the FUNCTION2 opcode and
    its code as an RDB string, then the RDB version (2 bytes LE) and the CRC-64 (8 bytes LE)."""
    body = b"".join(bytes((RDB_OPCODE_FUNCTION2,)) + save_raw_string(lib.code, compression)
                    for lib in libraries)
    body += RDB_VERSION.to_bytes(2, "little")
    return body + crc64_bytes(body)


def verify_dump_payload(data: bytes) -> bool:
    """``verifyDumpPayload``: at least the 10-byte footer, an RDB version Redis can read,
    and a matching CRC-64."""
    if len(data) < 10:
        return False
    if int.from_bytes(data[-10:-8], "little") > RDB_VERSION:
        return False
    return crc64_bytes(data[:-8]) == data[-8:]


def _pre_ga_record(r: Reader) -> Err:
    """A record of 7.0's release candidates (``RDB_OPCODE_FUNCTION``: library name, engine
    name, description, code). 7.0.15 still reads it; here only its first two fields are
    read, with 7.0.15's errors, and a well-formed one is refused: the format is not modelled."""
    for what in ("library name", "engine name"):
        try:
            r.load_string()
        except RdbCorrupt:
            return Err(f"ERR Failed loading {what}")
    return Err("ERR redspec does not read the pre-GA function format (RDB opcode 246) of 7.0's "
               "release candidates")


def functions_restore(s: Step, data: bytes) -> LibraryCtx | Err:
    """The loading half of ``functionRestoreCommand``: every record of the payload into a
    new library context (each library created as FUNCTION LOAD creates it)."""
    if not verify_dump_payload(data):
        return Err("ERR DUMP payload version or checksum are wrong")
    ctx = LibraryCtx()
    r = Reader(data)
    while len(data) - r.pos > 10:
        try:
            kind = r.byte()
        except RdbCorrupt:
            return Err("ERR can not read data type")
        if kind == RDB_OPCODE_FUNCTION_PRE_GA:
            return _pre_ga_record(r)
        if kind != RDB_OPCODE_FUNCTION2:
            return Err("ERR given type is not a function")
        try:
            code = r.load_string()
        except RdbCorrupt:
            return Err("ERR Failed loading library payload")
        name = create_library(s, ctx, code, False)
        if isinstance(name, Err):
            return name
    return ctx


def library_join(dst: LibraryCtx, src: LibraryCtx, replace_: bool) -> Err | None:
    """``libraryJoin``: add the restored libraries; an existing name aborts (APPEND) or is
    replaced (REPLACE); a function name taken by another library aborts, leaving ``dst``
    as it was."""
    old: list[FunctionLibrary] = []
    for name in src.libraries:
        if name in dst.libraries:
            if not replace_:
                return Err(f"ERR Library {c_text(name)} already exists")
            old.append(dst.unlink(name))
    for lib in src.libraries.values():
        err = dst.collision(lib)
        if err is not None:
            for o in old:
                dst.link(o)
            return err
    for lib in src.libraries.values():
        dst.link(lib)
    return None


@command("function|restore")
def function_restore(s: Step, argv: list[bytes]) -> Reply:
    """``functionRestoreCommand``: FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]."""
    if len(argv) > 4:
        return _syntax_error(argv)
    policy = b"append"
    if len(argv) == 4:
        policy = argv[3].lower()
        if policy not in (b"append", b"replace", b"flush"):
            return Err("ERR Wrong restore policy given, value should be either FLUSH, APPEND "
                       "or REPLACE.")
    loaded = functions_restore(s, argv[2])
    if isinstance(loaded, Err):
        return loaded
    if policy == b"flush":
        ctx = loaded
    else:
        ctx = _ctx(s)
        err = library_join(ctx, loaded, policy == b"replace")
        if err is not None:
            return err
    _commit(s, ctx)
    return OK


@command("function|dump")
def function_dump(s: Step, argv: list[bytes]) -> Reply:
    """``functionDumpCommand``: every library's payload, compressed as ``rdbcompression``
    says."""
    return functions_dump(_ordered(s), bool(s.config.get("rdbcompression", True)))


# -- FCALL / FCALL_RO -------------------------------------------------------------------------


#: What a library's Lua state holds between calls in Redis, written down and read back
#: (run in the runtime's own globals, where ``debug`` exists). ``snapshot(callbacks)``
#: walks the upvalues of the library's functions (Lua functions compiled from the library,
#: ``@user_function``; other functions and values are left as loading made them) and
#: returns Lua source that ``restore(source, callbacks)`` runs against a freshly loaded
#: library to put back the same values: numbers, strings, booleans, nil, and tables without
#: metatable made of those (shared and cyclic tables stay shared); a table that also holds
#: functions keeps its identity and gets its plain entries written back in place, and the
#: functions in it are walked in turn.
LIBRARY_STATE = r"""
local getupvalue, setupvalue, getinfo = debug.getupvalue, debug.setupvalue, debug.getinfo
local type, next, format, tostring, getmetatable, concat, select =
  type, next, string.format, tostring, getmetatable, table.concat, select
local loadstring, setfenv = loadstring, setfenv

local function user_fn(f)
  return type(f) == "function" and getinfo(f, "S").source == "@user_function"
end

local function plain(v, visiting)
  -- numbers, strings, booleans, nil, and tables without metatable made of those
  local t = type(v)
  if t == "nil" or t == "boolean" or t == "number" or t == "string" then return true end
  if t ~= "table" or getmetatable(v) ~= nil then return false end
  if visiting[v] then return true end
  visiting[v] = true
  for k, x in next, v do
    if not plain(k, visiting) or not plain(x, visiting) then return false end
  end
  return true
end

local function snapshot(callbacks)
  local out, tables, pending, seen = {}, {}, {}, {}
  local ntab = 0
  local function lit(v)
    local t = type(v)
    if t == "nil" then return "nil" end
    if t == "boolean" then return tostring(v) end
    if t == "number" then
      if v ~= v then return "0/0" end
      if v == 1/0 then return "1/0" end
      if v == -1/0 then return "-1/0" end
      return format("%.17g", v)
    end
    if t == "string" then return format("%q", v) end
    local name = tables[v]
    if not name then
      ntab = ntab + 1
      name = "T[" .. ntab .. "]"
      tables[v] = name
      pending[#pending + 1] = v
      out[#out + 1] = name .. "={}"
    end
    return name
  end
  local walk_fn, walk_table
  walk_table = function(tbl, expr)
    if seen[tbl] or getmetatable(tbl) ~= nil then return end
    seen[tbl] = true
    for k, x in next, tbl do
      if plain(k, {}) and type(k) ~= "table" then
        local at = expr .. "[" .. lit(k) .. "]"  -- k is not a table: declares nothing
        if user_fn(x) then walk_fn(x, at)
        elseif plain(x, {}) then local l = lit(x); out[#out + 1] = "P(function() " .. at .. "=" .. l .. " end)"
        elseif type(x) == "table" then walk_table(x, at) end
      end
    end
  end
  walk_fn = function(f, expr)
    if seen[f] then return end
    seen[f] = true
    local i = 1
    while true do
      local name, v = getupvalue(f, i)
      if name == nil then break end
      local at = "G(" .. expr .. "," .. i .. ")"
      if user_fn(v) then walk_fn(v, at)
      elseif plain(v, {}) then
        local l = lit(v)  -- first: it may declare a table
        out[#out + 1] = "P(function() S(" .. expr .. "," .. i .. "," .. l .. ") end)"
      elseif type(v) == "table" then walk_table(v, at) end
      i = i + 1
    end
  end
  local names = {}
  for name in next, callbacks do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do walk_fn(callbacks[name], "C[" .. format("%q", name) .. "]") end
  local j = 1
  while j <= #pending do
    local tbl = pending[j]
    local tname = tables[tbl]
    for k, x in next, tbl do
      local lk, lx = lit(k), lit(x)
      out[#out + 1] = tname .. "[" .. lk .. "]=" .. lx
    end
    j = j + 1
  end
  return concat(out, "\n")
end

local function restore(source, callbacks)
  -- each statement on its own (P): a path that leads nowhere in the fresh library (a
  -- function made at run time holds it) is skipped, not the rest
  local f = loadstring("local C, S, G, T, P = ...\n" .. source, "=library state")
  setfenv(f, {})
  f(callbacks,
    function(fn, i, v) setupvalue(fn, i, v) end,
    function(fn, i) return select(2, getupvalue(fn, i)) end,
    {}, function(stmt) pcall(stmt) end)
end
return snapshot, restore
"""


#: :data:`LIBRARY_STATE` compiled once to bytecode (a pure memo of a constant).
_STATE_BYTECODE: list[bytes] = []


def _state_functions(rt: Any) -> tuple[Any, Any]:
    """The ``snapshot`` and ``restore`` functions of :data:`LIBRARY_STATE` in a runtime."""
    if not _STATE_BYTECODE:
        dump = rt.eval(b"function(src) return string.dump(assert(loadstring(src, "
                       b"'=library state'))) end")
        _STATE_BYTECODE.append(dump(LIBRARY_STATE.encode()))
    return tuple(rt.execute(_STATE_BYTECODE[0]))


def _fcall(s: Step, argv: list[bytes], ro: bool) -> Reply:
    """``fcallCommandGeneric``: find the function (any case), check the number of keys,
    then ``scriptPrepareForRun`` and the engine's call."""
    sc = s.part("scripting")
    lib_name = sc.functions.get(argv[1].lower())
    if lib_name is None:
        return Err("ERR Function not found")
    lib = sc.libraries[lib_name]
    info = next(f for f in lib.functions if f.name.lower() == argv[1].lower())
    n = string2ll(argv[2])
    if n is None:
        return Err("ERR Bad number of keys provided")
    if n > len(argv) - 3:
        return Err("ERR Number of keys can't be greater than number of args")
    if n < 0:
        return Err("ERR Number of keys can't be negative")
    refused = prepare_refused(s, info.flags, ro)
    if refused is not None:
        return refused
    run = ScriptRun(s, ro or "no-writes" in info.flags)
    run.allow_oom = "allow-oom" in info.flags
    md = extract_lib_metadata(lib.code)
    assert not isinstance(md, Err)  # it loaded once
    loaded = load_library_code(run, md[2])
    assert not isinstance(loaded, Err)  # the same code registers the same functions
    reg, runner = loaded
    rt = run.rt
    callbacks = rt.table_from(reg.callbacks)
    snapshot, restore = _state_functions(rt)
    if lib.lua_state is not None:  # the values the library's locals had after the last call
        restore(lib.lua_state, callbacks)
    start = len(s.propagate)
    start_run(s, run, False, c_text(info.name), argv)
    ok, v = runner(reg.callbacks[info.name], rt.table_from(dict(enumerate(argv[3:3 + n], 1))),
                   rt.table_from(dict(enumerate(argv[3 + n:], 1))))
    reply = finish_run(s, run, ok, v, start, c_text(info.name))
    after = snapshot(callbacks) or None  # nothing to keep: as loading left it
    if after != lib.lua_state:
        sc = s.part("scripting")
        s.set_part("scripting", replace(sc, libraries=sc.libraries.set(
            lib.name, replace(lib, lua_state=after))))
    return reply


def fcall_command_flags(s: Step, argv: list[bytes], flags: frozenset[str]) -> frozenset[str]:
    """``fcallGetCommandFlags``: the flags the function declares (any case of its name); an
    unknown function keeps the command's flags."""
    if len(argv) < 2:
        return flags
    sc = s.part("scripting")
    lib_name = sc.functions.get(argv[1].lower())
    if lib_name is None:
        return flags
    info = next(f for f in sc.libraries[lib_name].functions if f.name.lower() == argv[1].lower())
    return script_cmd_flags(flags, frozenset(info.flags))


FLAG_GETTERS["fcall"] = FLAG_GETTERS["fcall_ro"] = fcall_command_flags


@command("fcall")
def fcall(s: Step, argv: list[bytes]) -> Reply:
    """``fcallCommand``: FCALL function numkeys key… arg…."""
    feed_script_command(s, argv)
    return _fcall(s, argv, False)


@command("fcall_ro")
def fcall_ro(s: Step, argv: list[bytes]) -> Reply:
    """``fcallroCommand``: FCALL_RO, refusing a function that may write."""
    feed_script_command(s, argv)
    return _fcall(s, argv, True)


install_commands()
