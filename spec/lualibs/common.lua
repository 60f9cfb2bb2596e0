-- What every library shares: how a C function of Redis's Lua (lauxlib) reports a bad
-- argument or an error, and reads its arguments, rebuilt in Lua 5.1.
--
-- A library function is written as an implementation that raises a *tagged* error (a
-- table) and is wrapped by `export`, whose frame stands where the C function's frame
-- stands: it formats the tag as luaL_argerror / luaL_error would, with the name the
-- caller used (debug.getinfo(1, "n")) and the caller's position (error(msg, 2), as
-- luaL_where(L, 1) does from C).
local getinfo = debug.getinfo
local type, select, error, pcall, unpack, tonumber, tostring, setmetatable =
  type, select, error, pcall, unpack, tonumber, tostring, setmetatable
local floor = math.floor
local format = string.format

local C = {}

local TAG = {}

-- luaL_argerror(L, narg, extramsg)
function C.argerror(narg, extramsg)
  error(setmetatable({ arg = narg, msg = extramsg }, TAG), 0)
end

-- luaL_error(L, msg): the message, prefixed with the caller's position
function C.error(msg)
  error(setmetatable({ msg = msg }, TAG), 0)
end

-- lua_error with a message and no position (luaG_runerror from a C function)
function C.raw(msg)
  error(setmetatable({ raw = msg }, TAG), 0)
end

-- luaL_typerror(L, narg, tname): the argument `narg` of the `n` given
function C.typeerror(narg, tname, n, v)
  local got = narg > n and "no value" or type(v)
  C.argerror(narg, tname .. " expected, got " .. got)
end

-- luaL_checknumber
function C.checknumber(narg, n, v)
  local d = tonumber(v)
  if d == nil or (type(v) ~= "number" and type(v) ~= "string") then
    C.typeerror(narg, "number", n, v)
  end
  return d
end

-- lua_Integer (ptrdiff_t, 64 bits) from a double as x86-64 converts it (cvttsd2si)
local TWO63 = 2 ^ 63
function C.toint64(d)
  if d ~= d or d >= TWO63 or d < -TWO63 then return -TWO63 end
  if d >= 0 then return floor(d) end
  return -floor(-d)
end

-- (int) of a lua_Integer: its low 32 bits, signed
function C.toint32(i)
  local u = i % 4294967296
  if u >= 2147483648 then u = u - 4294967296 end
  return u
end

-- luaL_checkinteger, stored in a C int
function C.checkint(narg, n, v)
  return C.toint32(C.toint64(C.checknumber(narg, n, v)))
end

-- luaL_optinteger, stored in a C int
function C.optint(narg, n, v, def)
  if v == nil then return def end
  return C.checkint(narg, n, v)
end

-- luaL_checklstring
function C.checkstring(narg, n, v)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then return tostring(v) end
  C.typeerror(narg, "string", n, v)
end

local function finish(ok, ...)
  if ok then return true, select("#", ...), { ... } end
  return false, ...
end

-- The library function `impl`, as Redis's C function reports errors.
function C.export(impl)
  return function(...)
    local ok, n, r = finish(pcall(impl, ...))
    if ok then return unpack(r, 1, n) end
    local e = n
    if getmetatable(e) ~= TAG then error(e, 0) end
    if e.raw then error(e.raw, 0) end
    local msg = e.msg
    if e.arg then
      local ar = getinfo(1, "n")
      local narg, name = e.arg, ar and ar.name
      if ar and ar.namewhat == "method" then
        narg = narg - 1
        if narg == 0 then
          msg = format("calling '%s' on bad self (%s)", tostring(name), e.msg)
          error(msg, 2)
        end
      end
      msg = format("bad argument #%d to '%s' (%s)", narg, name or "?", e.msg)
    end
    error(msg, 2)
  end
end

-- Bits of doubles. ------------------------------------------------------------------

local frexp, ldexp, huge = math.frexp, math.ldexp, math.huge
C.frexp, C.ldexp, C.huge = frexp, ldexp, huge

-- Is x a negative zero or a NaN with its sign bit set (as printf shows "-nan")?
function C.signbit(x)
  if x ~= x then return format("%f", x):sub(1, 1) == "-" end
  if x == 0 then return 1 / x < 0 end
  return x < 0
end

-- The IEEE 754 double x as 8 bytes, most significant first (NaN: the default quiet NaN
-- with x's sign; Lua 5.1 cannot make another payload).
function C.double_bytes(x)
  local sign = C.signbit(x) and 128 or 0
  local e, m
  if x ~= x then
    e, m = 2047, 2 ^ 51
  elseif x == huge or x == -huge then
    e, m = 2047, 0
  elseif x == 0 then
    e, m = 0, 0
  else
    if x < 0 then x = -x end
    local f, ex = frexp(x)          -- x = f * 2^ex, 0.5 <= f < 1
    if ex - 1 >= -1022 then
      e = ex - 1 + 1023
      m = (f * 2 - 1) * 2 ^ 52
    else                            -- subnormal
      e = 0
      m = ldexp(x, 1074)
    end
  end
  -- the high word: sign << 24 | e << 20 | m >> 32
  local hi = sign * 16777216 + e * 1048576 + floor(m / 4294967296)
  local lo = m % 4294967296
  return floor(hi / 16777216), floor(hi / 65536) % 256, floor(hi / 256) % 256, hi % 256,
         floor(lo / 16777216), floor(lo / 65536) % 256, floor(lo / 256) % 256, lo % 256
end

-- The double of 8 bytes, most significant first.
function C.bytes_double(b1, b2, b3, b4, b5, b6, b7, b8)
  local sign = b1 >= 128
  local e = (b1 % 128) * 16 + floor(b2 / 16)
  local m = ((((((b2 % 16) * 256 + b3) * 256 + b4) * 256 + b5) * 256 + b6) * 256 + b7) * 256 + b8
  local x
  if e == 2047 then
    if m == 0 then x = huge else x = -(0 / 0) end  -- a positive NaN
  elseif e == 0 then
    x = ldexp(m, -1074)
  else
    x = ldexp(m + 2 ^ 52, e - 1075)
  end
  if sign then x = -x end
  return x
end

-- Is the double x exactly a float (so that (double)(float)x == x)?
function C.is_float(x)
  if x ~= x then return false end
  if x == huge or x == -huge or x == 0 then return true end
  local a = x < 0 and -x or x
  if a >= 2 ^ 128 then return false end
  if a < 2 ^ -149 then return false end
  local _, ex = frexp(a)                       -- a in [2^(ex-1), 2^ex)
  local q = ex - 1 >= -126 and ldexp(1, ex - 24) or ldexp(1, -149) -- the float's quantum
  return a % q == 0
end

-- The float x (exactly a float) as 4 bytes, most significant first.
function C.float_bytes(x)
  local sign = C.signbit(x) and 128 or 0
  local e, m
  if x ~= x then
    e, m = 255, 4194304
  elseif x == huge or x == -huge then
    e, m = 255, 0
  elseif x == 0 then
    e, m = 0, 0
  else
    if x < 0 then x = -x end
    local f, ex = frexp(x)
    if ex - 1 >= -126 then
      e = ex - 1 + 127
      m = (f * 2 - 1) * 2 ^ 23
    else
      e = 0
      m = ldexp(x, 149)
    end
  end
  local v = sign * 16777216 + e * 8388608 + m
  return floor(v / 16777216), floor(v / 65536) % 256, floor(v / 256) % 256, v % 256
end

-- The float of 4 bytes, most significant first, as a double.
function C.bytes_float(b1, b2, b3, b4)
  local sign = b1 >= 128
  local e = (b1 % 128) * 2 + floor(b2 / 128)
  local m = ((b2 % 128) * 256 + b3) * 256 + b4
  local x
  if e == 255 then
    if m == 0 then x = huge else x = -(0 / 0) end
  elseif e == 0 then
    x = ldexp(m, -149)
  else
    x = ldexp(m + 8388608, e - 150)
  end
  if sign then x = -x end
  return x
end

-- (float)x: x rounded to the nearest float, ties to even; beyond the float range, inf.
function C.to_float(x)
  if x ~= x or x == huge or x == -huge or x == 0 then return x end
  local a = x < 0 and -x or x
  local _, ex = frexp(a)
  local q = ex - 1 >= -126 and ldexp(1, ex - 24) or ldexp(1, -149)
  local n = a / q                     -- exact (q is a power of two)
  local r = floor(n)
  local frac = n - r
  if frac > 0.5 or (frac == 0.5 and r % 2 == 1) then r = r + 1 end
  local y = r * q
  if y > (2 - 2 ^ -23) * 2 ^ 127 then y = huge end  -- beyond FLT_MAX
  if x < 0 then y = -y end
  return y
end

return C
