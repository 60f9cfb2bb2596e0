"""The Lua libraries Redis 7.0.15 gives scripts: ``cjson`` (lua_cjson 2.1.0), ``cmsgpack``
(lua_cmsgpack 0.4.0), ``bit`` (LuaBitOp 1.0.2) and ``struct`` (lua_struct 0.2), as Lua 5.1
sources for a lupa ``lua51`` runtime (issue 14).

Redis links them into its Lua as C modules; lupa cannot load those, so each is rebuilt in
Lua 5.1 (``spec/lualibs/*.lua``, package data read once at import) to give the same bytes,
numbers and error messages. ``common.lua`` holds what lauxlib does for a C function:
argument checks and the texts of ``luaL_argerror`` / ``luaL_error``, and the bits of
doubles and floats.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

__all__ = ["LIBRARIES", "install_libraries"]

#: The globals, in the order Redis's ``luaLoadLibraries`` opens them.
LIBRARIES: tuple[str, ...] = ("cjson", "struct", "cmsgpack", "bit")

_SOURCES: dict[str, str] = {
    name: resources.files(__name__).joinpath(f"{name}.lua").read_text(encoding="utf-8")
    for name in ("common", *LIBRARIES)
}


#: The sources compiled once to Lua 5.1 bytecode (``string.dump``), chunk name ``<python>``
#: as lupa's ``execute`` names a source: loading bytecode skips the parser, which was half
#: of a fresh sandbox's cost. A pure memo of the constant sources (same bytes every time).
_BYTECODE: dict[str, bytes] = {}


def _bytecode(runtime_type: Any, name: str) -> bytes:
    """The bytecode of one library source, compiled by a scratch runtime the first time."""
    code = _BYTECODE.get(name)
    if code is None:
        scratch = runtime_type(encoding=None, register_eval=False, register_builtins=False)
        dump = scratch.eval(b"function(src) return string.dump(assert(loadstring(src, "
                            b"'<python>'))) end")
        for n, src in _SOURCES.items():
            _BYTECODE[n] = dump(src.encode("utf-8"))
        code = _BYTECODE[name]
    return code


def install_libraries(runtime: Any, env: Any = None) -> None:
    """Set the globals ``cjson``, ``struct``, ``cmsgpack`` and ``bit`` of the lupa
    ``lua51.LuaRuntime`` ``runtime`` (or of the table ``env`` that scripts will see as their
    globals) as Redis 7.0.15 sets them before it protects the globals. The libraries capture
    what they use of the standard library (``debug``, ``newproxy``, ``string``, ``math``, …)
    when installed, so a script that later loses those globals still has working
    libraries."""
    rt_type = type(runtime)
    common = runtime.execute(_bytecode(rt_type, "common"))
    g = runtime.globals() if env is None else env
    for name in LIBRARIES:
        make = runtime.execute(_bytecode(rt_type, name))
        g[name.encode("ascii")] = make(common)  # bytes: a Lua string whatever the encoding
