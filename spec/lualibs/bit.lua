-- LuaBitOp 1.0.2 (Redis's deps/lua/src/lua_bit.c) in Lua 5.1: 32-bit operations on
-- doubles. An argument is converted as barg() does: x + 2^52 + 2^51 (rounding x to an
-- integer, ties to even) and the low 32 bits of that double's representation; a result is
-- pushed as the signed 32-bit integer (lua_Number)(int32_t)b.
return function(C)
  local floor, frexp = math.floor, math.frexp
  local select, concat, tonumber, type = select, table.concat, tonumber, type
  local huge = math.huge
  local argerror_t = C.typeerror

  local TWO32, TWO31 = 4294967296, 2147483648

  local function barg(narg, n, v)
    local x = tonumber(v)
    local ok = x ~= nil and (type(v) == "number" or type(v) == "string")
    if not ok then x = 0 end
    local d = x + 6755399441055744.0
    local b
    if d ~= d or d == huge or d == -huge then
      b = 0
    else
      if d < 0 then d = -d end
      local f = frexp(d)
      b = (f * 2 ^ 53) % TWO32
    end
    if b == 0 and not ok then argerror_t(narg, "number", n, v) end
    return b
  end

  local function bret(b)
    b = b % TWO32
    if b >= TWO31 then b = b - TWO32 end
    return b
  end

  -- bitwise operations on unsigned 32-bit values, four bits at a time
  local function make(op)
    local t = {}
    for a = 0, 15 do
      for b = 0, 15 do
        local r = 0
        for i = 0, 3 do
          local p = 2 ^ i
          local x, y = floor(a / p) % 2, floor(b / p) % 2
          r = r + op(x, y) * p
        end
        t[a * 16 + b] = r
      end
    end
    return function(a, b)
      local r, p = 0, 1
      for _ = 1, 8 do
        r = r + t[(a % 16) * 16 + b % 16] * p
        a, b, p = floor(a / 16), floor(b / 16), p * 16
      end
      return r
    end
  end
  local uand = make(function(x, y) return x * y end)
  local uor = make(function(x, y) return (x + y > 0) and 1 or 0 end)
  local uxor = make(function(x, y) return (x + y) % 2 end)

  local function shl(b, n) return (b * 2 ^ n) % TWO32 end
  local function shr(b, n) return floor(b / 2 ^ n) end

  local E = {}
  local function def(name, f) E[name] = C.export(f) end

  def("tobit", function(...) return bret(barg(1, select("#", ...), ...)) end)
  def("bnot", function(...) return bret(TWO32 - 1 - barg(1, select("#", ...), ...)) end)
  local function fold(op)
    return function(...)
      local n = select("#", ...)
      local b = barg(1, n, ...)
      for i = n, 2, -1 do b = op(b, barg(i, n, (select(i, ...)))) end
      return bret(b)
    end
  end
  def("band", fold(uand))
  def("bor", fold(uor))
  def("bxor", fold(uxor))
  local function shift(op)
    return function(...)
      local n = select("#", ...)
      local a, s = ...
      local b = barg(1, n, a)
      local k = barg(2, n, s) % 32
      return bret(op(b, k))
    end
  end
  def("lshift", shift(shl))
  def("rshift", shift(shr))
  def("arshift", shift(function(b, k)
    if b >= TWO31 then b = b - TWO32 end
    return floor(b / 2 ^ k)
  end))
  def("rol", shift(function(b, k) return uor(shl(b, k), shr(b, (32 - k) % 32)) end))
  def("ror", shift(function(b, k) return uor(shr(b, k), shl(b, (32 - k) % 32)) end))
  def("bswap", function(...)
    local b = barg(1, select("#", ...), ...)
    local b0, b1, b2, b3 = b % 256, floor(b / 256) % 256, floor(b / 65536) % 256,
      floor(b / 16777216)
    return bret(((b0 * 256 + b1) * 256 + b2) * 256 + b3)
  end)
  def("tohex", function(...)
    local n = select("#", ...)
    local a, w = ...
    local b = barg(1, n, a)
    local k = (n < 2) and 8 or bret(barg(2, n, w))
    local digits = "0123456789abcdef"
    if k < 0 then k = -k; digits = "0123456789ABCDEF" end
    if k > 8 then k = 8 end
    local out = {}
    for i = k, 1, -1 do
      local d = b % 16
      out[i] = digits:sub(d + 1, d + 1)
      b = floor(b / 16)
    end
    return concat(out, "", 1, k)
  end)
  -- luaL_register's order and table size: pairs(bit) walks it as Redis's does
  return {
    tobit = E.tobit, bnot = E.bnot, band = E.band, bor = E.bor, bxor = E.bxor,
    lshift = E.lshift, rshift = E.rshift, arshift = E.arshift, rol = E.rol, ror = E.ror,
    bswap = E.bswap, tohex = E.tohex,
  }
end
