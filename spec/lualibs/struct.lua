-- lua_struct 0.2 as Redis 7.0.15 bundles it (deps/lua/src/lua_struct.c), in Lua 5.1, on
-- x86-64: native little endian, MAXALIGN 8, long and size_t of 8 bytes, int of 4.
-- An integer travels as two 32-bit words (hi, lo) of a 64-bit Uinttype.
return function(C)
  local select, type, tonumber = select, type, tonumber
  local floor = math.floor
  local byte, char, sub, find, format = string.byte, string.char, string.sub, string.find,
    string.format
  local concat = table.concat
  local TWO32, TWO63 = 4294967296, 2 ^ 63
  local INT_MAX = 2147483647
  local MAXINTSIZE, MAXALIGN = 32, 8
  local BIG, LITTLE = 0, 1

  local function isdigit(c) return c and c >= 48 and c <= 57 end

  -- getnum(): the decimal number at fmt[i], or df
  local function getnum(fmt, i, df)
    local c = byte(fmt, i)
    if not isdigit(c) then return df, i end
    local a = 0
    repeat
      local d = c - 48
      if a > floor(INT_MAX / 10) or a * 10 > INT_MAX - d then C.error("integral size overflow") end
      a = a * 10 + d
      i = i + 1
      c = byte(fmt, i)
    until not isdigit(c)
    return a, i
  end

  local function optsize(opt, fmt, i)
    if opt == "B" or opt == "b" or opt == "x" then return 1, i end
    if opt == "H" or opt == "h" then return 2, i end
    if opt == "L" or opt == "l" or opt == "T" or opt == "d" then return 8, i end
    if opt == "f" then return 4, i end
    if opt == "c" then return getnum(fmt, i, 1) end
    if opt == "i" or opt == "I" then
      local sz
      sz, i = getnum(fmt, i, 4)
      if sz > MAXINTSIZE then
        C.error(format("integral size %d is larger than limit of %d", sz, MAXINTSIZE))
      end
      return sz, i
    end
    return 0, i
  end

  -- a & m for small non-negative integers
  local function band(a, m)
    local r, p = 0, 1
    while a > 0 and m > 0 do
      if a % 2 == 1 and m % 2 == 1 then r = r + p end
      a, m, p = floor(a / 2), floor(m / 2), p * 2
    end
    return r
  end

  local function gettoalign(len, h, opt, size)
    if size == 0 or opt == "c" then return 0 end
    if size > h.align then size = h.align end
    local m = size - 1
    return band(size - band(len % 64, m), m)
  end

  local function controloptions(opt, fmt, i, h)
    if opt == " " then return i end
    if opt == ">" then h.endian = BIG; return i end
    if opt == "<" then h.endian = LITTLE; return i end
    if opt == "!" then
      local a
      a, i = getnum(fmt, i, MAXALIGN)
      if band(a, a - 1) ~= 0 then C.error(format("alignment %d is not a power of 2", a)) end
      h.align = a
      return i
    end
    C.argerror(1, format("invalid format option '%s'", opt))
  end

  local function checkfmt(n, v)
    local fmt = C.checkstring(1, n, v)
    local z = find(fmt, "\0", 1, true)
    if z then fmt = sub(fmt, 1, z - 1) end
    return fmt
  end

  -- the Uinttype of a double, as putinteger() converts it (x86-64 conversions)
  local function touint64(x)
    local t
    if x < 0 then
      if x < -TWO63 then t = -TWO63 else t = -floor(-x) end
      local h = floor(t / TWO32)
      return h + TWO32, t - h * TWO32
    end
    -- NaN: cvttsd2si's 0x8000000000000000; >= 2^64: (x - 2^63) overflows the same way,
    -- and the top bit flipped back gives 0
    if x ~= x then return 2147483648, 0 end
    if x >= 2 * TWO63 then return 0, 0 end
    t = floor(x)
    return floor(t / TWO32), t % TWO32
  end

  local function putinteger(out, x, endian, size)
    local hi, lo = touint64(x)
    local bytes = {}
    for i = 1, size do
      if i <= 4 then bytes[i] = lo % 256; lo = floor(lo / 256)
      elseif i <= 8 then bytes[i] = hi % 256; hi = floor(hi / 256)
      else bytes[i] = 0 end
    end
    if endian == BIG then
      local r = {}
      for i = 1, size do r[i] = bytes[size + 1 - i] end
      bytes = r
    end
    out[#out + 1] = char(unpack(bytes, 1, size))
  end

  local function getinteger(data, pos, endian, signed, size)
    -- the bytes from least to most significant; only the low 8 survive the shifts
    local lsb = {}
    for k = 1, size do
      lsb[k] = endian == BIG and byte(data, pos + size - k + 1) or byte(data, pos + k)
    end
    local lo, hi = 0, 0
    for k = 4, 1, -1 do lo = lo * 256 + (lsb[k] or 0) end
    for k = 8, 5, -1 do hi = hi * 256 + (lsb[k] or 0) end
    if not signed then return hi * TWO32 + lo end
    local s = (size * 8 - 1) % 64     -- x86 shifts count mod 64
    -- l | (~0 << s) as an int64: the low s bits minus 2^s, when a bit >= s is set
    if s >= 32 then
      local hs = s - 32
      if hi >= 2 ^ hs then return (hi % 2 ^ hs - 2 ^ hs) * TWO32 + lo end
    else
      if hi > 0 or lo >= 2 ^ s then return lo % 2 ^ s - 2 ^ s end
    end
    if hi >= 2147483648 then return (hi - TWO32) * TWO32 + lo end
    return hi * TWO32 + lo
  end

  local function rev(b, endian)  -- big-endian bytes in the header's order
    if endian == LITTLE then
      local r = {}
      for i = 1, #b do r[i] = b[#b + 1 - i] end
      return r
    end
    return b
  end

  local function pack(...)
    local n = select("#", ...)
    local fmt = checkfmt(n, (...))
    n = n + 1  -- b_pack pushes a nil after its arguments: a missing one is that nil
    local h = { endian = LITTLE, align = 1 }
    local arg = 2
    local total = 0
    local out = {}
    local i = 1
    while i <= #fmt do
      local opt = sub(fmt, i, i)
      i = i + 1
      local size
      size, i = optsize(opt, fmt, i)
      local toalign = gettoalign(total, h, opt, size)
      total = total + toalign
      if toalign > 0 then out[#out + 1] = string.rep("\0", toalign) end
      if opt == "b" or opt == "B" or opt == "h" or opt == "H" or opt == "l" or opt == "L"
          or opt == "T" or opt == "i" or opt == "I" then
        putinteger(out, C.checknumber(arg, n, (select(arg, ...))), h.endian, size)
        arg = arg + 1
      elseif opt == "x" then
        out[#out + 1] = "\0"
      elseif opt == "f" then
        local f = C.to_float(C.checknumber(arg, n, (select(arg, ...))))
        arg = arg + 1
        out[#out + 1] = char(unpack(rev({ C.float_bytes(f) }, h.endian)))
      elseif opt == "d" then
        local d = C.checknumber(arg, n, (select(arg, ...)))
        arg = arg + 1
        out[#out + 1] = char(unpack(rev({ C.double_bytes(d) }, h.endian)))
      elseif opt == "c" or opt == "s" then
        local s = C.checkstring(arg, n, (select(arg, ...)))
        arg = arg + 1
        local l = #s
        if size == 0 then size = l end
        if l < size then C.argerror(arg, "string too short") end
        out[#out + 1] = sub(s, 1, size)
        if opt == "s" then out[#out + 1] = "\0"; size = size + 1 end
      else
        i = controloptions(opt, fmt, i, h)
      end
      total = total + size
    end
    return concat(out)
  end

  local function unpack_(...)
    local n = select("#", ...)
    local f, d, p = ...
    local fmt = checkfmt(n, f)
    local data = C.checkstring(2, n, d)
    local ld = #data
    local start = 1
    if p ~= nil then start = C.toint64(C.checknumber(3, n, p)) end
    -- (size_t)offset > 0: a negative offset passes and then finds the data too short
    if start == 0 then C.argerror(3, "offset must be 1 or greater") end
    local pos = start - 1
    local h = { endian = LITTLE, align = 1 }
    local res, nres = {}, 0
    local i = 1
    while i <= #fmt do
      local opt = sub(fmt, i, i)
      i = i + 1
      local size
      size, i = optsize(opt, fmt, i)
      pos = pos + gettoalign(pos, h, opt, size)
      if pos < 0 or not (size <= ld and pos <= ld - size) then
        C.argerror(2, "data string too short")
      end
      if opt == "b" or opt == "B" or opt == "h" or opt == "H" or opt == "l" or opt == "L"
          or opt == "T" or opt == "i" or opt == "I" then
        local signed = opt == "b" or opt == "h" or opt == "l" or opt == "i"
        nres = nres + 1
        res[nres] = getinteger(data, pos, h.endian, signed, size)
      elseif opt == "x" then
        -- nothing
      elseif opt == "f" then
        local b = rev({ byte(data, pos + 1, pos + 4) }, h.endian)
        nres = nres + 1
        res[nres] = C.bytes_float(unpack(b))
      elseif opt == "d" then
        local b = rev({ byte(data, pos + 1, pos + 8) }, h.endian)
        nres = nres + 1
        res[nres] = C.bytes_double(unpack(b))
      elseif opt == "c" then
        if size == 0 then
          local prev = res[nres]
          if nres == 0 or tonumber(prev) == nil then C.error("format 'c0' needs a previous size") end
          local sz = tonumber(prev)
          -- (size_t) of the double
          if sz ~= sz or sz < 0 or sz >= 2 ^ 64 then sz = 2 ^ 64 else sz = floor(sz) end
          size = sz
          res[nres] = nil
          nres = nres - 1
          if not (size <= ld and pos <= ld - size) then C.argerror(2, "data string too short") end
        end
        nres = nres + 1
        res[nres] = sub(data, pos + 1, pos + size)
      elseif opt == "s" then
        local e = find(data, "\0", pos + 1, true)
        if not e then C.error("unfinished string in data") end
        size = e - pos
        nres = nres + 1
        res[nres] = sub(data, pos + 1, e - 1)
      else
        i = controloptions(opt, fmt, i, h)
      end
      pos = pos + size
    end
    nres = nres + 1
    res[nres] = pos + 1
    return unpack(res, 1, nres)
  end

  local function size_(...)
    local n = select("#", ...)
    local fmt = checkfmt(n, (...))
    local h = { endian = LITTLE, align = 1 }
    local pos = 0
    local i = 1
    while i <= #fmt do
      local opt = sub(fmt, i, i)
      i = i + 1
      local size
      size, i = optsize(opt, fmt, i)
      pos = pos + gettoalign(pos, h, opt, size)
      if opt == "s" then C.argerror(1, "option 's' has no fixed size")
      elseif opt == "c" and size == 0 then C.argerror(1, "option 'c0' has no fixed size") end
      if not find(opt, "^%w$") then i = controloptions(opt, fmt, i, h) end
      pos = pos + size
    end
    return pos
  end

  return { pack = C.export(pack), unpack = C.export(unpack_), size = C.export(size_) }
end
