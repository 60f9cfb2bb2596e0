"""spec/lualibs against Redis 7.0.15: cjson, cmsgpack, bit and struct as scripts see them.

Each case is a Lua expression list. Both sides run the same chunk (``CHUNK``): it calls
the expressions under pcall and describes the results (types, numbers with ``%.17g``,
strings byte for byte, tables with their keys in ``next`` order, error messages) as one
hex string. Redis runs it with EVAL; redspec runs it in a fresh ``lupa.lua51`` runtime
after ``install_libraries``. A second family runs an expression outside pcall, so the
error carries the caller's position (``user_script:1: ...``), as the C functions give it.

The server runs in the session fixture of tests/conftest.py (a free loopback port,
stopped by its PID).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import lupa.lua51 as lua51
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redspec.spec.lualibs import install_libraries

# Serialise a value (recursively) in a way both sides compute identically.
SER = r"""
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local seen = 0
local function ser(v, d)
  local t = type(v)
  if t == "string" then return "s" .. hex(v)
  elseif t == "number" then return "n" .. string.format("%.17g", v)
  elseif t == "boolean" or t == "nil" then return tostring(v)
  elseif t == "userdata" then
    if v == cjson.null then return "cjson.null" end
    return "userdata"
  elseif t == "table" then
    if d > 40 then return "deep" end
    local out = {}
    for k, x in next, v do out[#out + 1] = ser(k, d + 1) .. "=" .. ser(x, d + 1) end
    return "{" .. table.concat(out, ",") .. "}"
  end
  return t
end
local function pack(...) return {n = select("#", ...), ...} end
local function describe(r)
  local out = {}
  for i = 1, r.n do out[i] = ser(r[i], 0) end
  return table.concat(out, " ")
end
"""

# Not ``return EXPR``: a tail call into a library function written in Lua loses the
# caller's frame (see test_tail_call_errors_differ).
CHUNK = SER + ("return describe(pack(pcall(function() local r = pack(EXPR) "
               "return unpack(r, 1, r.n) end)))")


def resp_command(*args: bytes) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """A minimal RESP client: EVAL replies are bulk strings or errors here."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n + 2:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n + 2:]
        return out

    def reply(self) -> object:
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"-":
            return Exception(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"+":
            return rest
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))]
        raise ValueError(line)

    def eval(self, script: str) -> object:
        self.sock.sendall(resp_command(b"EVAL", script.encode("latin-1"), b"0"))
        return self.reply()


@pytest.fixture(scope="module")
def real(redis_server) -> Iterator[Conn]:  # type: ignore[no-untyped-def]
    c = Conn(redis_server.port)
    yield c
    c.sock.close()


def runtime() -> lua51.LuaRuntime:
    rt = lua51.LuaRuntime(unpack_returned_tuples=True, encoding=None)
    install_libraries(rt)
    return rt


def mine(expr: str) -> str:
    # the same text as EVAL's, under the name Redis gives it: positions in errors match
    src = RESET + CHUNK.replace("EXPR", expr)
    out = runtime().execute(f"return assert(loadstring({lua_string(src)}, '@user_script'))()")
    return out.decode() if isinstance(out, bytes) else str(out)


def theirs(conn: Conn, expr: str) -> str:
    # The libraries' settings live as long as Redis's Lua: reset them around each case.
    r = conn.eval(RESET + CHUNK.replace("EXPR", expr))
    if isinstance(r, Exception):
        return f"EVAL error: {r}"
    assert isinstance(r, bytes), r
    return r.decode()


RESET = (
    "cjson.encode_max_depth(1000) cjson.decode_max_depth(1000) "
    "cjson.encode_number_precision(14) cjson.encode_keep_buffer(true) "
    "cjson.encode_invalid_numbers(false) cjson.decode_invalid_numbers(true) "
    "cjson.encode_sparse_array(false, 2, 10)\n"
)


def same(conn: Conn, expr: str) -> None:
    assert mine(expr) == theirs(conn, expr), expr


def direct_mine(stmt: str) -> str:
    rt = runtime()
    chunk = (f"local f = loadstring({lua_string(stmt)}, '@user_script') "
             "local ok, e = pcall(f) return tostring(e)")
    out = rt.execute(chunk)
    return out.decode() if isinstance(out, bytes) else str(out)


def direct_theirs(conn: Conn, stmt: str) -> str:
    r = conn.eval(stmt)
    if not isinstance(r, Exception):
        return f"no error: {r!r}"
    msg = str(r)
    assert msg.startswith("ERR "), msg
    msg = msg[4:]
    cut = msg.rfind(" script: ")
    return msg[:cut] if cut >= 0 else msg


def lua_string(s: str | bytes) -> str:
    """A Lua string literal of the bytes s."""
    b = s.encode("latin-1") if isinstance(s, str) else s
    return '"' + "".join(f"\\{c:03d}" if not (32 <= c < 127) or c in (34, 92) else chr(c)
                         for c in b) + '"'


# ------------------------------------------------------------------------------ cases

BIT = [
    "bit.tobit(0)", "bit.tobit(2^31)", "bit.tobit(2^32)", "bit.tobit(-1)", "bit.tobit(1.5)",
    "bit.tobit(2.5)", "bit.tobit(-2.5)", "bit.tobit(0.5)", "bit.tobit(2^52)",
    "bit.tobit(2^52+1)", "bit.tobit(2^53+2)", "bit.tobit(2^60+3)", "bit.tobit(-2^60-3)",
    "bit.tobit(-2^51-1)", "bit.tobit(-2^52-7)", "bit.tobit(1e300)", "bit.tobit(1/0)",
    "bit.tobit(-1/0)", "bit.tobit(0/0)", "bit.tobit('0x10')", "bit.tobit(' 12 ')",
    "bit.tobit('x')", "bit.tobit()", "bit.tobit(nil)", "bit.tobit({})", "bit.tobit(true)",
    "bit.bnot(0)", "bit.bnot(-1)", "bit.bnot(2^31)", "bit.band(0xff, 0xf0f)",
    "bit.band(-1, -1, 0x7fffffff)", "bit.band(1)", "bit.band()", "bit.bor(1, 2, 4, 8)",
    "bit.bor(2^31, 1)", "bit.bxor(-1, 5)", "bit.bxor(1, 2, 3)", "bit.band(1, 'a')",
    "bit.bor(1, 2, nil)", "bit.lshift(1, 31)", "bit.lshift(1, 32)", "bit.lshift(1, 33)",
    "bit.lshift(-1, 4)", "bit.lshift(1, -1)", "bit.rshift(-1, 28)", "bit.rshift(-1, 0)",
    "bit.rshift(256, 36)", "bit.arshift(-256, 4)", "bit.arshift(-1, 31)",
    "bit.arshift(2^31, 1)", "bit.arshift(256, 4)", "bit.rol(0x12345678, 8)",
    "bit.rol(0x12345678, 0)", "bit.rol(-1, 7)", "bit.rol(1, 32)", "bit.ror(0x12345678, 8)",
    "bit.ror(1, 1)", "bit.ror(1, 0)", "bit.bswap(0x12345678)", "bit.bswap(-1)",
    "bit.bswap(0x80)", "bit.tohex(255)", "bit.tohex(-1)", "bit.tohex(255, 2)",
    "bit.tohex(255, -4)", "bit.tohex(255, 20)", "bit.tohex(255, -20)", "bit.tohex(255, 0)",
    "bit.tohex(0x12345678, 3)", "bit.tohex(1, nil)", "bit.tohex()", "bit.lshift(1)",
    "bit.tohex(2^31, 1.5)",
]

CJSON_ENCODE = [
    "cjson.encode(1)", "cjson.encode(-1)", "cjson.encode(0.1)", "cjson.encode(-0.0)",
    "cjson.encode(2^53)", "cjson.encode(2^53+1)", "cjson.encode(2^63)", "cjson.encode(1e15)",
    "cjson.encode(123456789012345)", "cjson.encode(12345678901234)", "cjson.encode(1e-7)",
    "cjson.encode(1/3)", "cjson.encode(1e308*10)", "cjson.encode(-1/0)", "cjson.encode(0/0)",
    "cjson.encode(5e-324)", "cjson.encode('')", "cjson.encode('a/b')",
    "cjson.encode('\\0\\1\\2\\31\\127\\128\\255')", "cjson.encode('\"\\\\\\b\\f\\n\\r\\t')",
    "cjson.encode('\\226\\130\\172')", "cjson.encode(true)", "cjson.encode(false)",
    "cjson.encode(nil)", "cjson.encode(cjson.null)", "cjson.encode({})",
    "cjson.encode({1, 2, 3})", "cjson.encode({1, nil, 3})", "cjson.encode({nil, nil, 3})",
    "cjson.encode({[1]=1, [100]=2})", "cjson.encode({[1]=1, [10]=2})",
    "cjson.encode({[1]=1, [11]=2})", "cjson.encode({[2]=1, [4]=2, [6]=3, [8]=1, [10]=1, [12]=1})",
    "cjson.encode({[0]=1})", "cjson.encode({[-1]=1})", "cjson.encode({[1.5]=1})",
    "cjson.encode({[2^31]=1})", "cjson.encode({[2^32+5]=1})", "cjson.encode({[2^40]=1, [1]=2})",
    "cjson.encode({[2^53]=1, [3]=1})", "cjson.encode({[1/0]=1})", "cjson.encode({[true]=1})",
    "cjson.encode({[{}]=1})", "cjson.encode({a=1})", "cjson.encode({a={b={c={}}}})",
    "cjson.encode({a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9})",
    "cjson.encode({1, 2, a=3})", "cjson.encode({['1']=1, [1]=2})",
    "cjson.encode({foo='bar', list={1, 'two', false, cjson.null}})",
    "cjson.encode(function() end)", "cjson.encode({f=tostring})", "cjson.encode({coroutine.create(tostring)})",
    "cjson.encode()", "cjson.encode(1, 2)", "cjson.encode(nil, nil)",
    "cjson.encode(bit)", "cjson.encode(cmsgpack)", "cjson.encode({{{{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}}}})",
    "cjson.encode((function() local t = {} for i = 1, 1001 do t = {t} end return t end)())",
    "cjson.encode((function() local t = {} for i = 1, 999 do t = {t} end return t end)())",
    "cjson.encode((function() local t = {} t[1] = t return t end)())",
    "cjson.encode({[1e20]=1})", "cjson.encode({[-0.0]=1})",
    "cjson.encode({[12345678.5]='x', y=1})",
    "cjson.encode(string.rep('x', 100))",
]

CJSON_DECODE = [
    "cjson.decode('1')", "cjson.decode('-1.5e3')", "cjson.decode(' 1 ')", "cjson.decode('0')",
    "cjson.decode('-0')", "cjson.decode('1e400')", "cjson.decode('-1e400')", "cjson.decode('1e-400')",
    "cjson.decode('0x10')", "cjson.decode('0X1p3')", "cjson.decode('0x')", "cjson.decode('0x.8')",
    "cjson.decode('01')", "cjson.decode('+1')", "cjson.decode('-')", "cjson.decode('-x')",
    "cjson.decode('1.')", "cjson.decode('1.e5')", "cjson.decode('1e')", "cjson.decode('1e+')",
    "cjson.decode('-.5')", "cjson.decode('inf')", "cjson.decode('-inf')", "cjson.decode('Infinity')",
    "cjson.decode('-Infinity')", "cjson.decode('INFINITYx')", "cjson.decode('nan')",
    "cjson.decode('-nan')", "cjson.decode('NaN')", "cjson.decode('nan(12)')", "cjson.decode('nan(1')",
    "cjson.decode('9007199254740993')", "cjson.decode('123456789012345678901234567890')",
    "cjson.decode('true')", "cjson.decode('false')", "cjson.decode('null')", "cjson.decode('nul')",
    "cjson.decode('tru')", "cjson.decode('True')", "cjson.decode('[]')", "cjson.decode('{}')",
    "cjson.decode('[1,2,3]')", "cjson.decode('[1,null,3]')", "cjson.decode('[null]')",
    "cjson.decode('{\"a\":1,\"b\":[true,false]}')", "cjson.decode('{\"a\":1,\"a\":2}')",
    "cjson.decode('{\"1\":1}')", "cjson.decode('[1,]')", "cjson.decode('[,1]')", "cjson.decode('[1 2]')",
    "cjson.decode('{')", "cjson.decode('}')", "cjson.decode('{\"a\"}')", "cjson.decode('{\"a\":}')",
    "cjson.decode('{\"a\":1,}')", "cjson.decode('{\"a\":1 \"b\":2}')", "cjson.decode('{1:2}')",
    "cjson.decode('')", "cjson.decode('   ')", "cjson.decode('[1] x')", "cjson.decode('[1]\\0xx')",
    "cjson.decode('\\0[1]')", "cjson.decode('[\\0')", "cjson.decode('1\\0')",
    "cjson.decode('\"abc\"')", "cjson.decode('\"a\\\\\"b\"')", "cjson.decode('\"\\\\/\\\\b\\\\f\\\\n\\\\r\\\\t\"')",
    "cjson.decode('\"\\\\u0041\\\\u00e9\\\\u20ac\"')", "cjson.decode('\"\\\\ud83d\\\\ude00\"')",
    "cjson.decode('\"\\\\ud83d\"')", "cjson.decode('\"\\\\ude00\"')", "cjson.decode('\"\\\\ud83dx\"')",
    "cjson.decode('\"\\\\ud83d\\\\u0041\"')", "cjson.decode('\"\\\\u12\"')", "cjson.decode('\"\\\\u00zz\"')",
    "cjson.decode('\"\\\\x\"')", "cjson.decode('\"\\\\')", "cjson.decode('\"abc')",
    "cjson.decode('\"a\\0b\"')", "cjson.decode('\"\\1\\31\\255\"')", "cjson.decode('\"\\\\u0000\"')",
    "cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))",
    "cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))",
    "cjson.decode(' {\"a\":' .. string.rep('[', 1001))",
    "cjson.decode(string.rep('{\"a\":', 1001))",
    "cjson.decode()", "cjson.decode(1)", "cjson.decode(12)", "cjson.decode({})", "cjson.decode(nil)",
    "cjson.decode('1', 2)", "cjson.decode('@')", "cjson.decode('[1,@]')", "cjson.decode(' \\t\\r\\n[ 1 , 2 ] ')",
    "cjson.decode('\\f1')",
]

CJSON_CONFIG = [
    "cjson.encode_max_depth()", "cjson.encode_max_depth(5), cjson.encode({{{{{{1}}}}}})",
    "cjson.encode_max_depth(6), cjson.encode({{{{{{1}}}}}})", "cjson.encode_max_depth(0)",
    "cjson.encode_max_depth(-1)", "cjson.encode_max_depth('x')", "cjson.encode_max_depth('7')",
    "cjson.encode_max_depth(1, 2)", "cjson.encode_max_depth(2^31)", "cjson.encode_max_depth(2.9)",
    "cjson.decode_max_depth()", "cjson.decode_max_depth(2), cjson.decode('[[1]]')",
    "cjson.decode_max_depth(2), cjson.decode('[[[1]]]')", "cjson.decode_max_depth(2), cjson.decode('{\"a\":{\"b\":{}}}')",
    "cjson.encode_number_precision()", "cjson.encode_number_precision(3), cjson.encode(math.pi)",
    "cjson.encode_number_precision(1), cjson.encode({1/3, 123})", "cjson.encode_number_precision(15)",
    "cjson.encode_number_precision(0)", "cjson.encode_keep_buffer()", "cjson.encode_keep_buffer(false)",
    "cjson.encode_keep_buffer('on')", "cjson.encode_keep_buffer('off')", "cjson.encode_keep_buffer('yes')",
    "cjson.encode_keep_buffer(1)", "cjson.encode_invalid_numbers()",
    "cjson.encode_invalid_numbers(true), cjson.encode({1/0, -1/0, 0/0, -(0/0)})",
    "cjson.encode_invalid_numbers('null'), cjson.encode({1/0, -1/0, 0/0, [1/0]=1})",
    "cjson.encode_invalid_numbers('on')", "cjson.encode_invalid_numbers('off')",
    "cjson.encode_invalid_numbers('foo')", "cjson.encode_invalid_numbers(2)",
    "cjson.decode_invalid_numbers()", "cjson.decode_invalid_numbers(false), cjson.decode('0x10')",
    "cjson.decode_invalid_numbers(false), cjson.decode('[inf]')",
    "cjson.decode_invalid_numbers(false), cjson.decode('-nan')",
    "cjson.decode_invalid_numbers(false), cjson.decode('+1')",
    "cjson.decode_invalid_numbers(false), cjson.decode('01')",
    "cjson.decode_invalid_numbers(false), cjson.decode('-0.5')",
    "cjson.decode_invalid_numbers('null')",
    "cjson.encode_sparse_array()", "cjson.encode_sparse_array(true), cjson.encode({[1]=1, [100]=2})",
    "cjson.encode_sparse_array(false, 0), cjson.encode({[1]=1, [100]=2})",
    "cjson.encode_sparse_array(false, 2, 100), cjson.encode({[1]=1, [100]=2})",
    "cjson.encode_sparse_array(true, -1)", "cjson.encode_sparse_array(true, 1, -1)",
    "cjson.encode_sparse_array(true, 1, 2, 3)", "cjson.encode_sparse_array('x')",
    "cjson.encode_sparse_array(nil, 3)", "cjson.encode_sparse_array(1)",
    "cjson.new().encode({1})", "cjson.new().encode_max_depth(3), cjson.encode_max_depth()",
    "cjson.new()._VERSION", "cjson._NAME", "cjson._VERSION", "type(cjson.null)", "tostring(cjson.null)",
    "cjson.decode('null') == cjson.null", "cjson.decode('[null]')[1] == cjson.null",
    "cjson.new().null == cjson.null",
]


def hexes(expr: str) -> str:
    """EXPR's value as hex text (for packed bytes)."""
    return f"(({expr}):gsub('.', function(c) return string.format('%02x', c:byte()) end))"


MSGPACK_VALUES = [
    "0", "1", "127", "128", "255", "256", "65535", "65536", "2^32-1", "2^32", "2^53", "2^63-2048",
    "2^63", "2^64", "-1", "-32", "-33", "-128", "-129", "-32768", "-32769", "-2^31", "-2^31-1",
    "-2^53", "-2^63", "-2^63-4096", "0.5", "-0.5", "0.1", "1.5", "-0.0", "1/0", "-1/0", "0/0",
    "-(0/0)", "3.4028234663852886e38", "3.4028235677973366e38", "1e39", "1e-45", "1.401298464324817e-45",
    "2^-149", "2^-150", "2^-126", "1e-320", "1e300", "2^24+1", "2^24", "16777217.5",
    "''", "'a'", "string.rep('x', 31)", "string.rep('x', 32)", "string.rep('x', 255)",
    "string.rep('x', 256)", "string.rep('x', 65535)", "string.rep('x', 65536)", "'\\0\\255'",
    "true", "false", "nil", "cjson.null", "tostring", "{}", "{1, 2, 3}", "{1, nil, 3}", "{nil, 2}",
    "{[2] = 1}", "{[0] = 1}", "{[1.5] = 1}", "{[-1] = 1}", "{[2^31] = 1}", "{a = 1}",
    "{a = {b = {c = 'd'}}}", "{1, 2, x = 'y'}", "{[true] = false}", "{{}, {{}}}",
    "(function() local t = {} for i = 1, 15 do t[i] = i end return t end)()",
    "(function() local t = {} for i = 1, 16 do t[i] = i end return t end)()",
    "(function() local t = {} for i = 1, 65536 do t[i] = 0 end return t end)()",
    "(function() local t = {} for i = 1, 15 do t['k' .. i] = i end return t end)()",
    "(function() local t = {} for i = 1, 16 do t['k' .. i] = i end return t end)()",
    "(function() local t = {} for i = 1, 20 do t = {t} end return t end)()",
    "(function() local t = {} t[1] = t return t end)()",
]

CMSGPACK = (
    [f"{hexes(f'cmsgpack.pack({v})')}" for v in MSGPACK_VALUES]
    + [f"cmsgpack.unpack(cmsgpack.pack({v}))" for v in MSGPACK_VALUES]
    + [
        "cmsgpack.pack()", hexes("cmsgpack.pack(1, 'a', {2}, nil, true)"), hexes("cmsgpack.pack(nil)"),
        "cmsgpack.unpack(cmsgpack.pack(1, 'a', {2}, nil, true))", "cmsgpack.unpack('')",
        "cmsgpack.unpack()", "cmsgpack.unpack(12)", "cmsgpack.unpack({})",
        "cmsgpack.unpack('\\145')", "cmsgpack.unpack('\\129\\192\\1')",
        "cmsgpack.unpack('\\129\\203\\255\\248\\0\\0\\0\\0\\0\\0\\1')",
        "cmsgpack.unpack('\\193')", "cmsgpack.unpack('\\196\\1a')", "cmsgpack.unpack('\\199')",
        "cmsgpack.unpack('\\212\\1\\1')", "cmsgpack.unpack('\\1\\2\\193')",
        "cmsgpack.unpack('\\205\\1')", "cmsgpack.unpack('\\219\\0\\0\\0\\5ab')",
        "cmsgpack.unpack('\\202\\127\\192\\0\\1')", "cmsgpack.unpack('\\203\\127\\240\\0\\0\\0\\0\\0\\0')",
        "cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')",
        "cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\1')",
        "cmsgpack.unpack('\\220\\0\\2\\1\\2')", "cmsgpack.unpack('\\222\\0\\1\\161a\\1')",
        "cmsgpack.unpack('\\146\\192\\1')", "cmsgpack.unpack('\\130\\1\\192\\2\\3')",
        "cmsgpack.unpack_one('\\1\\2\\3')", "cmsgpack.unpack_one('\\1\\2\\3', 1)",
        "cmsgpack.unpack_one('\\1\\2\\3', 2)", "cmsgpack.unpack_one('\\1\\2\\3', 3)",
        "cmsgpack.unpack_one('\\1\\2\\3', 4)", "cmsgpack.unpack_one('\\1\\2\\3', -1)",
        "cmsgpack.unpack_one('\\1\\2\\3', 'x')", "cmsgpack.unpack_one('\\1\\2\\3', nil)",
        "cmsgpack.unpack_one('')", "cmsgpack.unpack_one()", "cmsgpack.unpack_one('\\1', 1.9)",
        "cmsgpack.unpack_limit('\\1\\2\\3', 2)", "cmsgpack.unpack_limit('\\1\\2\\3', 2, 1)",
        "cmsgpack.unpack_limit('\\1\\2\\3', 0)", "cmsgpack.unpack_limit('\\1\\2\\3', 0, 1)",
        "cmsgpack.unpack_limit('\\1\\2\\3', 5)", "cmsgpack.unpack_limit('\\1\\2\\3', -1)",
        "cmsgpack.unpack_limit('\\1\\2\\3', 1, -1)", "cmsgpack.unpack_limit('\\1\\2\\3')",
        "cmsgpack.unpack_limit('\\1\\2\\3', 1, 9)", "cmsgpack.unpack_limit(nil, 1)",
        "cmsgpack.unpack_limit('\\145', 1)", "cmsgpack._VERSION",
    ]
)


@pytest.mark.parametrize("expr", CMSGPACK)
def test_cmsgpack(real: Conn, expr: str) -> None:
    same(real, expr)


STRUCT = [hexes(f"struct.pack({a})") for a in [
    "'b', 1", "'b', -1", "'B', 255", "'B', 256", "'B', 1.9", "'B', -1.9", "'h', -2", "'>h', -2",
    "'H', 65535", "'i', 2^31", "'i', -2^31", "'>i', 1", "'I', 2^32-1", "'l', 2^53", "'l', -2^53",
    "'l', 2^63", "'l', 2^64", "'l', -2^63-4096", "'l', 0/0", "'l', 1/0", "'l', -1/0", "'L', 2^63+2^12",
    "'T', 7", "'i1', 300", "'i3', -1", "'>i3', -1", "'i16', -1", "'>i16', -2", "'i9', 2^40",
    "'f', 1.5", "'f', 0.1", "'>f', -0.1", "'f', 1e39", "'f', -1e39", "'f', 1e-46", "'f', 0/0",
    "'f', 3.4028235677973366e38", "'d', 0.1", "'>d', -0.0", "'d', 1/0", "'d', 5e-324",
    "'x'", "'xb', 1", "'c', 'a'", "'c3', 'abc'", "'c3', 'abcd'", "'c3', 'ab'", "'c0', 'hello'",
    "'c', 12", "'s', 'a\\0b'", "'s', ''", "'bi', 1, 2", "'!bi', 1, 2", "'!2bi', 1, 2",
    "'!4bhbd', 1, 2, 3, 4", "'!bxd', 1, 2", "'< >b', 1", "'!3'", "'!16bd', 1, 2", "'!i3', 1",
    "'=i', 1", "'z'", "'i33', 1", "'i99999999999', 1", "'i', 'x'", "'i'", "'i', '12'",
    "'b\\0b', 1, 2", "'', 1", "nil", "12, 1", "'b', {}", "'c', {}",
]] + [
    "struct.unpack('b', '\\255')", "struct.unpack('B', '\\255')", "struct.unpack('>h', '\\255\\254')",
    "struct.unpack('<H', '\\255\\254')", "struct.unpack('i', '\\0\\0\\0\\128')",
    "struct.unpack('I', '\\0\\0\\0\\128')", "struct.unpack('l', string.rep('\\255', 8))",
    "struct.unpack('L', string.rep('\\255', 8))", "struct.unpack('>l', '\\128' .. string.rep('\\0', 7))",
    "struct.unpack('i3', '\\255\\255\\127')", "struct.unpack('i3', '\\255\\255\\128')",
    "struct.unpack('i9', '\\128' .. string.rep('\\0', 8))", "struct.unpack('>i9', string.rep('\\0', 8) .. '\\128')",
    "struct.unpack('i16', struct.pack('i16', -2))", "struct.unpack('I16', string.rep('\\255', 16))",
    "struct.unpack('i12', string.rep('\\255', 4) .. string.rep('\\0', 8))",
    "struct.unpack('f', struct.pack('f', 0.1))", "struct.unpack('>d', struct.pack('>d', math.pi))",
    "struct.unpack('f', '\\0\\0\\192\\127')", "struct.unpack('d', '\\1\\0\\0\\0\\0\\0\\0\\0')",
    "struct.unpack('c2c0', '12abcdefghijklmn')", "struc" + "t.unpack('c0', 'abc')",
    "struct.unpack('bc0', '\\2abc')", "struct.unpack('bc0', '\\9abc')", "struct.unpack('c1c0', '2abc')",
    "struct.unpack('c1c0', 'xabc')", "struct.unpack('s', 'ab')", "struct.unpack('ss', 'a\\0b\\0c')",
    "struct.unpack('i', 'ab')", "struct.unpack('b', 'a', 0)", "struct.unpack('b', 'a', 2)",
    "struct.unpack('b', 'a', 3)", "struct.unpack('b', 'ab', 2)", "struct.unpack('b', 'ab', 2.9)",
    "struct.unpack('b', 'ab', -1)", "struct.unpack('b', 'ab', '2')", "struct.unpack('b', 'ab', nil)",
    "struct.unpack('!bi', '\\1\\0\\0\\0\\2\\0\\0\\0')", "struct.unpack('xb', '\\1\\2')",
    "struct.unpack('x', '')", "struct.unpack('', 'abc')", "struct.unpack('z', 'a')", "struct.unpack('b')",
    "struct.unpack()", "struct.unpack('b', {})", "struct.unpack('>!4hd', struct.pack('>!4hd', 7, 0.5))",
    "struct.size('i')", "struct.size('!4bi')", "struct.size('s')", "struct.size('c0')", "struct.size('c7')",
    "struct.size('i33')", "struct.size('!3')", "struct.size('z')", "struct.size('T')", "struct.size('=')",
    "struct.size('i99999999999')", "struct.size('!8bd')", "struct.size('bd')", "struct.size('<>!2 hb')",
    "struct.size('')", "struct.size()", "struct.size(12)",
]


@pytest.mark.parametrize("expr", STRUCT)
def test_struct(real: Conn, expr: str) -> None:
    same(real, expr)


@pytest.mark.parametrize("expr", BIT)
def test_bit(real: Conn, expr: str) -> None:
    same(real, expr)


@pytest.mark.parametrize("expr", CJSON_ENCODE)
def test_cjson_encode(real: Conn, expr: str) -> None:
    same(real, expr)


@pytest.mark.parametrize("expr", CJSON_DECODE)
def test_cjson_decode(real: Conn, expr: str) -> None:
    same(real, expr)


@pytest.mark.parametrize("expr", CJSON_CONFIG)
def test_cjson_config(real: Conn, expr: str) -> None:
    same(real, expr)


LIBS_DONE = ("cjson", "bit", "cmsgpack", "struct")


def test_library_tables(real: Conn) -> None:
    """The libraries' fields, in ``next`` order (their tables are built as Redis builds
    them), and their types."""
    for lib in LIBS_DONE:
        expr = ("(function() local r = {} for k, v in next, " + lib + " do r[#r + 1] = k "
                ".. ':' .. type(v) end return table.concat(r, ' ') end)()")
        same(real, expr)


DIRECT = [
    "local x = bit.tobit()", "local x = bit.band(1, {})", "local x = bit.tohex(1, nil)",
    "local x = cjson.encode(1/0)", "local x = cjson.encode()", "local x = cjson.decode('{')",
    "local x = cjson.decode('[1,]')", "local x = cjson.encode({[1]=1, [100]=2})",
    "local x = cjson.encode_max_depth(0)", "local x = cjson.encode_sparse_array(1)",
    "local f = cjson.encode local x = f()", "local t = {f = bit.tobit} local x = t.f()",
    "local x = cmsgpack.pack()", "local x = cmsgpack.unpack('\\145')",
    "local x = cmsgpack.unpack_one('', -1)", "local x = cmsgpack.unpack('\\129\\192\\1')",
    "local x = bit:tobit()", "local x = cjson:encode()", "local x = cjson:decode('{')",
]


@pytest.mark.xfail(strict=True, reason="a Lua function called in a tail call has no caller "
                   "frame: no position and no name in its errors (the C function keeps both)")
def test_tail_call_errors_differ(real: Conn) -> None:
    stmt = "return bit.tobit()"
    assert direct_mine(stmt) == direct_theirs(real, stmt)


@pytest.mark.parametrize("stmt", DIRECT)
def test_direct_errors(real: Conn, stmt: str) -> None:
    assert direct_mine(stmt) == direct_theirs(real, stmt), stmt


# ------------------------------------------------------------------- generated values

def lua_number(x: float) -> str:
    if x != x:
        return "(0/0)"
    if x in (float("inf"), float("-inf")):
        return "(1/0)" if x > 0 else "(-1/0)"
    return f"({x!r})" if x != int(x) or abs(x) >= 2**63 else f"({int(x)})"


scalars = st.one_of(
    st.integers(-(2**64), 2**64).map(float),
    st.sampled_from([2.0**53, 2.0**53 + 2, -(2.0**53), 2.0**31, 2.0**32, 0.5, -0.0, 1e-310]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.binary(max_size=40),
    st.booleans(),
)


def lua_literal(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return lua_number(v)
    if isinstance(v, bytes):
        return lua_string(v)
    if isinstance(v, list):
        return "{" + ", ".join(lua_literal(x) for x in v) + "}"
    assert isinstance(v, dict)
    return "{" + ", ".join(f"[{lua_literal(k)}] = {lua_literal(x)}" for k, x in v.items()) + "}"


values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.dictionaries(st.one_of(st.binary(max_size=8), st.integers(-3, 40).map(float)),
                        inner, max_size=6),
    ),
    max_leaves=20,
)

GENERATED = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@GENERATED
@given(values)
def test_generated_cjson(real: Conn, v: object) -> None:
    lit = lua_literal(v)
    same(real, f"cjson.encode({lit})")
    same(real, f"cjson.decode(cjson.encode({lit}))")


@GENERATED
@given(values)
def test_generated_cmsgpack(real: Conn, v: object) -> None:
    lit = lua_literal(v)
    same(real, hexes(f"cmsgpack.pack({lit})"))
    same(real, f"cmsgpack.unpack(cmsgpack.pack({lit}, {lit}))")


@GENERATED
@given(st.lists(scalars.filter(lambda x: isinstance(x, float)), min_size=1, max_size=4),
       st.sampled_from(["b", "B", "h", "H", "i", "I", "l", "L", "i3", "I5", "i12", "f", "d", "T"]),
       st.sampled_from(["", "<", ">", "!", "!4", ">!2"]))
def test_generated_struct_and_bit(real: Conn, xs: list[float], code: str, head: str) -> None:
    fmt = head + code * len(xs)
    args = ", ".join(lua_number(x) for x in xs)
    same(real, f"struct.unpack('{fmt}', struct.pack('{fmt}', {args}))")
    same(real, hexes(f"struct.pack('{fmt}', {args})"))
    same(real, f"bit.band({args}), bit.bor({args}), bit.bxor({args}), bit.tohex({args})")
    same(real, f"bit.rol({lua_number(xs[0])}, 5), bit.arshift({lua_number(xs[0])}, 3), "
               f"bit.bswap({lua_number(xs[0])}), bit.bnot({lua_number(xs[0])})")
