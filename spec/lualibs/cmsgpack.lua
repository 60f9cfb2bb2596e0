-- lua_cmsgpack 0.4.0 as Redis 7.0.15 bundles it (deps/lua/src/lua_cmsgpack.c), in Lua 5.1.
return function(C)
  local type, next, select, rawget, tostring = type, next, select, rawget, tostring
  local floor, huge = math.floor, math.huge
  local char, byte, sub, format = string.char, string.byte, string.sub, string.format
  local concat = table.concat
  local MAX_NESTING = 16
  local TWO32, TWO63 = 4294967296, 2 ^ 63

  -- big-endian bytes of the unsigned integer v (< 2^64 and exact) in `size` bytes
  local function be(v, size)
    local out = {}
    for i = size, 1, -1 do
      out[i] = v % 256
      v = floor(v / 256)
    end
    return char(unpack(out, 1, size))
  end

  -- the 8 bytes of the int64 n (two's complement)
  local function be64(n)
    local hi, lo
    if n >= 0 then
      hi, lo = floor(n / TWO32), n % TWO32
    else
      -- n is an integer >= -2^63: split so that each half is exact
      local h = floor(n / TWO32)          -- negative
      lo = n - h * TWO32
      hi = h + TWO32
    end
    return be(hi, 4) .. be(lo, 4)
  end

  local function encode_int(n)
    if n >= 0 then
      if n <= 127 then return char(n)
      elseif n <= 0xff then return "\204" .. char(n)
      elseif n <= 0xffff then return "\205" .. be(n, 2)
      elseif n <= 0xffffffff then return "\206" .. be(n, 4)
      else return "\207" .. be64(n) end
    else
      if n >= -32 then return char(n + 256)
      elseif n >= -128 then return "\208" .. char(n + 256)
      elseif n >= -32768 then return "\209" .. be(n + 65536, 2)
      elseif n >= -2147483648 then return "\210" .. be(n + TWO32, 4)
      else return "\211" .. be64(n) end
    end
  end

  local function encode_number(n)
    -- IS_INT64_EQUIVALENT: (int64_t)n == n, with x86's cvttsd2si (out of range: INT64_MIN)
    if n == n and n ~= huge and n ~= -huge and n >= -TWO63 and n < TWO63 and floor(n) == n then
      return encode_int(n)
    end
    if C.is_float(n) then return "\202" .. char(C.float_bytes(n)) end
    return "\203" .. char(C.double_bytes(n))
  end

  local function encode_bytes(s)
    local len = #s
    if len < 32 then return char(0xa0 + len) .. s
    elseif len <= 0xff then return "\217" .. char(len) .. s
    elseif len <= 0xffff then return "\218" .. be(len, 2) .. s
    else return "\219" .. be(len, 4) .. s end
  end

  local encode

  local function is_array(t)
    local count, max = 0, 0
    for k in next, t do
      -- IS_INT_EQUIVALENT: (int)k == k
      if type(k) ~= "number" or k <= 0 or k ~= floor(k) or k > 2147483647 then return false end
      if k > max then max = k end
      count = count + 1
    end
    return max == count
  end

  encode = function(buf, v, level)
    local t = type(v)
    if t == "table" and level == MAX_NESTING then t = "nil" end
    if t == "string" then buf[#buf + 1] = encode_bytes(v)
    elseif t == "boolean" then buf[#buf + 1] = v and "\195" or "\194"
    elseif t == "number" then buf[#buf + 1] = encode_number(v)
    elseif t == "table" then
      if is_array(v) then
        local len = #v
        if len <= 15 then buf[#buf + 1] = char(0x90 + len)
        elseif len <= 0xffff then buf[#buf + 1] = "\220" .. be(len, 2)
        else buf[#buf + 1] = "\221" .. be(len, 4) end
        for j = 1, len do encode(buf, v[j], level + 1) end
      else
        local len = 0
        for _ in next, v do len = len + 1 end
        if len <= 15 then buf[#buf + 1] = char(0x80 + len)
        elseif len <= 0xffff then buf[#buf + 1] = "\222" .. be(len, 2)
        else buf[#buf + 1] = "\223" .. be(len, 4) end
        for k, x in next, v do
          encode(buf, k, level + 1)
          encode(buf, x, level + 1)
        end
      end
    else
      buf[#buf + 1] = "\192"
    end
  end

  local function pack(...)
    local n = select("#", ...)
    if n == 0 then C.argerror(0, "MessagePack pack needs input.") end
    local buf = {}
    for i = 1, n do encode(buf, (select(i, ...)), 0) end
    return concat(buf)
  end

  -- ===== decoding =====
  local EOF, BADFMT = {}, {}

  local function u(s, p, size)
    local v = 0
    for i = p, p + size - 1 do v = v * 256 + byte(s, i) end
    return v
  end

  -- returns value, next position; raises EOF / BADFMT (tables) on errors
  local decode

  local function need(s, p, len, stop)
    if #s - p + 1 < len then error(EOF, 0) end
  end

  local function int64(s, p, signed)
    local hi, lo = u(s, p, 4), u(s, p + 4, 4)
    if signed and hi >= 2147483648 then return (hi - TWO32) * TWO32 + lo end
    return hi * TWO32 + lo
  end

  local function array(s, p, len)
    local t = {}
    for i = 1, len do
      local v
      v, p = decode(s, p)
      t[i] = v
    end
    return t, p
  end

  local function map(s, p, len)
    local t = {}
    for _ = 1, len do
      local k, v
      k, p = decode(s, p)
      v, p = decode(s, p)
      if k == nil then C.raw("table index is nil") end
      if k ~= k then C.raw("table index is NaN") end
      t[k] = v
    end
    return t, p
  end

  decode = function(s, p)
    need(s, p, 1)
    local c = byte(s, p)
    if c == 0xcc then need(s, p, 2); return byte(s, p + 1), p + 2
    elseif c == 0xd0 then need(s, p, 2); local v = byte(s, p + 1); return v >= 128 and v - 256 or v, p + 2
    elseif c == 0xcd then need(s, p, 3); return u(s, p + 1, 2), p + 3
    elseif c == 0xd1 then need(s, p, 3); local v = u(s, p + 1, 2); return v >= 32768 and v - 65536 or v, p + 3
    elseif c == 0xce then need(s, p, 5); return u(s, p + 1, 4), p + 5
    elseif c == 0xd2 then need(s, p, 5); local v = u(s, p + 1, 4); return v >= 2147483648 and v - TWO32 or v, p + 5
    elseif c == 0xcf then need(s, p, 9); return int64(s, p + 1, true), p + 9  -- pushed as a (signed) lua_Integer
    elseif c == 0xd3 then need(s, p, 9); return int64(s, p + 1, true), p + 9
    elseif c == 0xc0 then return nil, p + 1
    elseif c == 0xc3 then return true, p + 1
    elseif c == 0xc2 then return false, p + 1
    elseif c == 0xca then need(s, p, 5); return C.bytes_float(byte(s, p + 1, p + 4)), p + 5
    elseif c == 0xcb then need(s, p, 9); return C.bytes_double(byte(s, p + 1, p + 8)), p + 9
    elseif c == 0xd9 then
      need(s, p, 2); local l = byte(s, p + 1); need(s, p, 2 + l)
      return sub(s, p + 2, p + 1 + l), p + 2 + l
    elseif c == 0xda then
      need(s, p, 3); local l = u(s, p + 1, 2); need(s, p, 3 + l)
      return sub(s, p + 3, p + 2 + l), p + 3 + l
    elseif c == 0xdb then
      need(s, p, 5); local l = u(s, p + 1, 4); need(s, p, 5 + l)
      return sub(s, p + 5, p + 4 + l), p + 5 + l
    elseif c == 0xdc then need(s, p, 3); return array(s, p + 3, u(s, p + 1, 2))
    elseif c == 0xdd then need(s, p, 5); return array(s, p + 5, u(s, p + 1, 4))
    elseif c == 0xde then need(s, p, 3); return map(s, p + 3, u(s, p + 1, 2))
    elseif c == 0xdf then need(s, p, 5); return map(s, p + 5, u(s, p + 1, 4))
    elseif c < 0x80 then return c, p + 1
    elseif c >= 0xe0 then return c - 256, p + 1
    elseif c >= 0xa0 and c < 0xc0 then
      local l = c - 0xa0; need(s, p, 1 + l)
      return sub(s, p + 1, p + l), p + 1 + l
    elseif c >= 0x90 and c < 0xa0 then return array(s, p + 1, c - 0x90)
    elseif c >= 0x80 and c < 0x90 then return map(s, p + 1, c - 0x80)
    end
    error(BADFMT, 0)
  end

  local function unpack_full(n, str, limit, offset)
    local s = C.checkstring(1, n, str)
    local len = #s
    local decode_all = limit == 0 and offset == 0
    if offset < 0 or limit < 0 then
      C.error(format("Invalid request to unpack with offset of %d and limit of %d.", offset, len))
    elseif offset > len then
      C.error(format("Start offset %d greater than input length %d.", offset, len))
    end
    if decode_all then limit = 2147483647 end
    local out, cnt = {}, 0
    local p = offset + 1
    while p <= len and cnt < limit do
      local ok, v, np = pcall(decode, s, p)
      if not ok then
        if v == EOF then C.error("Missing bytes in input.") end
        if v == BADFMT then C.error("Bad data format in input.") end
        error(v, 0)
      end
      cnt = cnt + 1
      out[cnt] = v
      p = np
    end
    if not decode_all then
      local left = len - p + 1
      return (left == 0 and -1 or p - 1), unpack(out, 1, cnt)
    end
    return unpack(out, 1, cnt)
  end

  local m = {}
  m.pack = C.export(pack)
  m.unpack = C.export(function(...)
    return unpack_full(select("#", ...), (...), 0, 0)
  end)
  m.unpack_one = C.export(function(...)
    local n = select("#", ...)
    local s, off = ...
    local offset = C.optint(2, n, off, 0)
    return unpack_full(n, s, 1, offset)
  end)
  m.unpack_limit = C.export(function(...)
    local n = select("#", ...)
    local s, lim, off = ...
    local limit = C.checkint(2, n, lim)
    local offset = C.optint(3, n, off, 0)
    return unpack_full(n, s, limit, offset)
  end)
  m._NAME = "cmsgpack"
  m._VERSION = "lua-cmsgpack 0.4.0"
  m._COPYRIGHT = "Copyright (C) 2012, Salvatore Sanfilippo"
  m._DESCRIPTION = "MessagePack C implementation for Lua"
  return m
end
