-- lua_cjson 2.1.0 as Redis 7.0.15 bundles it (deps/lua/src/lua_cjson.c, strbuf.c,
-- fpconv.c), in Lua 5.1. Each cjson table (cjson itself, and every cjson.new()) has its
-- own configuration, as the C module keeps one per module table (an upvalue).
return function(C)
  local type, next, rawget, select, tonumber, tostring = type, next, rawget, select, tonumber, tostring
  local floor, huge = math.floor, math.huge
  local format, byte, sub, find, char = string.format, string.byte, string.sub, string.find,
    string.char
  local concat = table.concat
  local newproxy = newproxy
  local INT_MAX = 2147483647

  -- cjson.null: Redis pushes lightuserdata(NULL); Lua 5.1 code can only make a (full)
  -- userdata, shown as Redis shows the NULL pointer.
  local null = newproxy(true)
  getmetatable(null).__tostring = function() return "userdata: (nil)" end
  getmetatable(null).__metatable = false

  -- char2escape[]
  local escape = {}
  for i = 0, 31 do escape[char(i)] = format("\\u%04x", i) end
  escape["\b"], escape["\t"], escape["\n"], escape["\f"], escape["\r"] =
    "\\b", "\\t", "\\n", "\\f", "\\r"
  escape['"'], escape["\\"], escape["/"], escape["\127"] = '\\"', "\\\\", "\\/", "\\u007f"

  local function quote(s)
    return '"' .. s:gsub('[%z\1-\31"\\/\127]', escape) .. '"'
  end

  local token_name = {
    "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER",
    "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR",
    "T_UNKNOWN",
  }
  local T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN,
    T_NULL, T_COLON, T_COMMA, T_END, T_WHITESPACE, T_ERROR, T_UNKNOWN =
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14

  local ch2token = {}
  for i = 0, 255 do ch2token[i] = T_ERROR end
  ch2token[byte("{")], ch2token[byte("}")] = T_OBJ_BEGIN, T_OBJ_END
  ch2token[byte("[")], ch2token[byte("]")] = T_ARR_BEGIN, T_ARR_END
  ch2token[byte(",")], ch2token[byte(":")], ch2token[0] = T_COMMA, T_COLON, T_END
  for _, c in ipairs({ " ", "\t", "\n", "\r" }) do ch2token[byte(c)] = T_WHITESPACE end
  for _, c in ipairs({ "f", "i", "I", "n", "N", "t", '"', "+", "-" }) do
    ch2token[byte(c)] = T_UNKNOWN
  end
  for i = 0, 9 do ch2token[48 + i] = T_UNKNOWN end

  local escape2char = {
    [byte('"')] = '"', [byte("\\")] = "\\", [byte("/")] = "/", [byte("b")] = "\b",
    [byte("t")] = "\t", [byte("n")] = "\n", [byte("f")] = "\f", [byte("r")] = "\r",
    [byte("u")] = "u",
  }

  local new

  new = function()
    local cfg = {
      sparse_convert = 0, sparse_ratio = 2, sparse_safe = 10,
      encode_max_depth = 1000, decode_max_depth = 1000,
      precision = 14, fmt = "%.14g", keep_buffer = 1,
      encode_invalid_numbers = 0, decode_invalid_numbers = 1,
    }

    -- ===== encoding =====

    local function exception(v, reason)
      C.error(format("Cannot serialise %s: %s", type(v), reason))
    end

    local function number(buf, n, num)
      if cfg.encode_invalid_numbers == 0 then
        if num ~= num or num == huge or num == -huge then
          exception(num, "must not be NaN or Inf")
        end
      elseif cfg.encode_invalid_numbers == 1 then
        if num ~= num then n = n + 1; buf[n] = "nan"; return n end
      else
        if num ~= num or num == huge or num == -huge then n = n + 1; buf[n] = "null"; return n end
      end
      n = n + 1
      buf[n] = format(cfg.fmt, num)
      return n
    end

    -- lua_array_length(): the array's length, or -1 for an object
    local function array_length(t)
      local max, items = 0, 0
      for k in next, t do
        if type(k) == "number" and k ~= 0 and floor(k) == k and k >= 1 then
          if k > max then
            -- (int)k: out of range, x86's cvttsd2si gives INT_MIN
            if k > INT_MAX then max = -2147483648 else max = k end
          end
          items = items + 1
        else
          return -1
        end
      end
      if cfg.sparse_ratio > 0 and max > items * cfg.sparse_ratio and max > cfg.sparse_safe then
        if cfg.sparse_convert == 0 then exception(t, "excessively sparse array") end
        return -1
      end
      return max
    end

    local append

    append = function(buf, n, v, depth)
      local tv = type(v)
      if tv == "string" then
        n = n + 1; buf[n] = quote(v)
      elseif tv == "number" then
        n = number(buf, n, v)
      elseif tv == "boolean" then
        n = n + 1; buf[n] = v and "true" or "false"
      elseif tv == "table" then
        depth = depth + 1
        if depth > cfg.encode_max_depth then
          C.error(format("Cannot serialise, excessive nesting (%d)", depth))
        end
        local len = array_length(v)
        if len > 0 then
          n = n + 1; buf[n] = "["
          for i = 1, len do
            if i > 1 then n = n + 1; buf[n] = "," end
            n = append(buf, n, rawget(v, i), depth)
          end
          n = n + 1; buf[n] = "]"
        else
          n = n + 1; buf[n] = "{"
          local comma = false
          for k, val in next, v do
            if comma then n = n + 1; buf[n] = "," else comma = true end
            local tk = type(k)
            if tk == "number" then
              n = n + 1; buf[n] = '"'
              n = number(buf, n, k)
              n = n + 1; buf[n] = '":'
            elseif tk == "string" then
              n = n + 1; buf[n] = quote(k) .. ":"
            else
              exception(k, "table key must be a number or string")
            end
            n = append(buf, n, val, depth)
          end
          n = n + 1; buf[n] = "}"
        end
      elseif tv == "nil" or v == null then
        n = n + 1; buf[n] = "null"
      else
        exception(v, "type not supported")
      end
      return n
    end

    local function encode(...)
      if select("#", ...) ~= 1 then C.argerror(1, "expected 1 argument") end
      local buf = {}
      local n = append(buf, 0, (...), 0)
      return concat(buf, "", 1, n)
    end

    -- ===== decoding =====
    -- The C parser reads a NUL-terminated string: a NUL byte ends the text there.

    local function strtod_len(s, i)
      -- How many bytes glibc's strtod() reads of s at i (0: none).
      local j = i
      local c = sub(s, j, j)
      if c == "+" or c == "-" then j = j + 1 end
      local rest = sub(s, j, j + 7):lower()
      if sub(rest, 1, 8) == "infinity" then return j + 8 - i end
      if sub(rest, 1, 3) == "inf" then return j + 3 - i end
      if sub(rest, 1, 3) == "nan" then
        local _, e = find(s, "^%([%w_]*%)", j + 3)
        if e then return e + 1 - i end
        return j + 3 - i
      end
      local _, e
      if find(s, "^0[xX]", j) then
        local k = j + 2
        local _, e1 = find(s, "^%x*", k)
        local digits = e1 >= k
        local e2 = e1
        if sub(s, e1 + 1, e1 + 1) == "." then
          local _, e3 = find(s, "^%x*", e1 + 2)
          if e3 >= e1 + 2 then digits = true end
          e2 = e3
        end
        if not digits then return j + 1 - i end   -- just the "0"
        local _, e4 = find(s, "^[pP][+-]?%d+", e2 + 1)
        return (e4 or e2) + 1 - i
      end
      _, e = find(s, "^%d*", j)
      local digits = e >= j
      if sub(s, e + 1, e + 1) == "." then
        local _, e3 = find(s, "^%d*", e + 2)
        if e3 >= e + 2 then digits = true end
        e = e3
      end
      if not digits then return 0 end
      local _, e4 = find(s, "^[eE][+-]?%d+", e + 1)
      return (e4 or e) + 1 - i
    end

    local function is_invalid_number(s, p)
      local c = byte(s, p) or 0
      if c == 43 then return true end           -- '+'
      if c == 45 then p = p + 1; c = byte(s, p) or 0 end
      if c == 48 then                           -- '0'
        local c2 = byte(s, p + 1) or 0
        if c2 == 120 or c2 == 88 or (c2 >= 48 and c2 <= 57) then return true end
        return false
      elseif c <= 57 then
        return false
      end
      local w = sub(s, p, p + 2):lower()
      return w == "inf" or w == "nan"
    end

    local function decode(...)
      local nargs = select("#", ...)
      if nargs ~= 1 then C.argerror(1, "expected 1 argument") end
      local s = C.checkstring(1, nargs, (...))
      local len = #s
      if len >= 2 and (byte(s, 1) == 0 or byte(s, 2) == 0) then
        C.error("JSON parser does not support UTF-16 or UTF-32")
      end
      local z = find(s, "\0", 1, true)
      if z then s = sub(s, 1, z - 1) end
      local pos = 1          -- json->ptr (1-based)
      local depth = 0
      -- the current token
      local ttype, tindex, tvalue

      local function set_error(msg)
        ttype, tindex, tvalue = T_ERROR, pos - 1, msg
      end

      local function string_token()
        pos = pos + 1
        local parts, np = {}, 0
        while true do
          local a, b = find(s, '^[^"\\]+', pos)
          if a then np = np + 1; parts[np] = sub(s, a, b); pos = b + 1 end
          local c = byte(s, pos)
          if c == 34 then break end
          if c == nil then set_error("unexpected end of string"); return end
          -- a backslash
          local e = escape2char[byte(s, pos + 1) or 0]
          if e == "u" then
            local h = sub(s, pos + 2, pos + 5)
            local cp = find(h, "^%x%x%x%x$") and tonumber(h, 16)
            local esc = 6
            if cp and cp >= 0xD800 and cp <= 0xDFFF then
              if cp >= 0xDC00 then cp = nil
              elseif sub(s, pos + 6, pos + 7) ~= "\\u" then cp = nil
              else
                local h2 = sub(s, pos + 8, pos + 11)
                local lo = find(h2, "^%x%x%x%x$") and tonumber(h2, 16)
                if not lo or lo < 0xDC00 or lo > 0xDFFF then cp = nil
                else
                  cp = (cp - 0xD800) * 1024 + (lo - 0xDC00) + 0x10000
                  esc = 12
                end
              end
            end
            if not cp then set_error("invalid unicode escape code"); return end
            local u
            if cp <= 0x7F then u = char(cp)
            elseif cp <= 0x7FF then
              u = char(floor(cp / 64) + 0xC0, cp % 64 + 0x80)
            elseif cp <= 0xFFFF then
              u = char(floor(cp / 4096) + 0xE0, floor(cp / 64) % 64 + 0x80, cp % 64 + 0x80)
            else
              u = char(floor(cp / 262144) + 0xF0, floor(cp / 4096) % 64 + 0x80,
                floor(cp / 64) % 64 + 0x80, cp % 64 + 0x80)
            end
            np = np + 1; parts[np] = u
            pos = pos + esc
          elseif e == nil then
            set_error("invalid escape code"); return
          else
            np = np + 1; parts[np] = e
            pos = pos + 2
          end
        end
        pos = pos + 1
        ttype, tvalue = T_STRING, concat(parts, "", 1, np)
      end

      local function number_token()
        local l = strtod_len(s, pos)
        if l == 0 then set_error("invalid number"); return end
        ttype, tvalue = T_NUMBER, tonumber(sub(s, pos, pos + l - 1))
        pos = pos + l
      end

      local function next_token()
        local c = byte(s, pos) or 0
        local t = ch2token[c]
        while t == T_WHITESPACE do
          pos = pos + 1
          c = byte(s, pos) or 0
          t = ch2token[c]
        end
        ttype, tindex = t, pos - 1
        if t == T_ERROR then set_error("invalid token"); return end
        if t == T_END then return end
        if t ~= T_UNKNOWN then pos = pos + 1; return end
        if c == 34 then
          string_token()
        elseif c == 45 or (c >= 48 and c <= 57) then
          if cfg.decode_invalid_numbers == 0 and is_invalid_number(s, pos) then
            set_error("invalid number"); return
          end
          number_token()
        elseif sub(s, pos, pos + 3) == "true" then
          ttype, tvalue = T_BOOLEAN, true; pos = pos + 4
        elseif sub(s, pos, pos + 4) == "false" then
          ttype, tvalue = T_BOOLEAN, false; pos = pos + 5
        elseif sub(s, pos, pos + 3) == "null" then
          ttype = T_NULL; pos = pos + 4
        elseif cfg.decode_invalid_numbers ~= 0 and is_invalid_number(s, pos) then
          number_token()
        else
          set_error("invalid token")
        end
      end

      local function parse_error(expected)
        local found = ttype == T_ERROR and tvalue or token_name[ttype]
        C.error(format("Expected %s but found %s at character %d", expected, found, tindex + 1))
      end

      local value

      local function descend()
        depth = depth + 1
        if depth > cfg.decode_max_depth then
          C.error(format("Found too many nested data structures (%d) at character %d",
            depth, pos - 1))
        end
      end

      local function object()
        descend()
        local t = {}
        next_token()
        if ttype == T_OBJ_END then depth = depth - 1; return t end
        while true do
          if ttype ~= T_STRING then parse_error("object key string") end
          local k = tvalue
          next_token()
          if ttype ~= T_COLON then parse_error("colon") end
          next_token()
          t[k] = value()
          next_token()
          if ttype == T_OBJ_END then depth = depth - 1; return t end
          if ttype ~= T_COMMA then parse_error("comma or object end") end
          next_token()
        end
      end

      local function array()
        descend()
        local t = {}
        next_token()
        if ttype == T_ARR_END then depth = depth - 1; return t end
        local i = 1
        while true do
          t[i] = value()
          next_token()
          if ttype == T_ARR_END then depth = depth - 1; return t end
          if ttype ~= T_COMMA then parse_error("comma or array end") end
          next_token()
          i = i + 1
        end
      end

      value = function()
        if ttype == T_STRING or ttype == T_NUMBER or ttype == T_BOOLEAN then return tvalue end
        if ttype == T_OBJ_BEGIN then return object() end
        if ttype == T_ARR_BEGIN then return array() end
        if ttype == T_NULL then return null end
        parse_error("value")
      end

      next_token()
      local v = value()
      next_token()
      if ttype ~= T_END then parse_error("the end") end
      return v
    end

    -- ===== configuration =====

    local function arg_init(nmax, ...)
      local n = select("#", ...)
      if n > nmax then C.argerror(nmax + 1, "found too many arguments") end
      return n
    end

    local function integer_option(n, idx, v, key, min, max)
      if v ~= nil then
        local value = C.checkint(idx, n, v)
        if not (min <= value and value <= max) then
          C.argerror(1, format("expected integer between %d and %d", min, max))
        end
        cfg[key] = value
      end
      return cfg[key]
    end

    local bool_options = { "off", "on" }
    local function enum_option(n, idx, v, key, options, bool_true)
      if not options then options = bool_options; bool_true = 1 end
      if v ~= nil then
        if bool_true and type(v) == "boolean" then
          cfg[key] = v and bool_true or 0
        else
          local name = C.checkstring(idx, n, v)
          local found
          for i, o in ipairs(options) do if o == name then found = i - 1 end end
          if not found then C.argerror(idx, format("invalid option '%s'", name)) end
          cfg[key] = found
        end
      end
      local s = cfg[key]
      if bool_true and (s == 0 or s == bool_true) then return s ~= 0 end
      return options[s + 1]
    end

    local m = {}
    m.encode = C.export(encode)
    m.decode = C.export(decode)
    m.encode_sparse_array = C.export(function(...)
      local n = arg_init(3, ...)
      local a, b, c = ...
      local r1 = enum_option(n, 1, a, "sparse_convert")
      local r2 = integer_option(n, 2, b, "sparse_ratio", 0, INT_MAX)
      local r3 = integer_option(n, 3, c, "sparse_safe", 0, INT_MAX)
      return r1, r2, r3
    end)
    m.encode_max_depth = C.export(function(...)
      local n = arg_init(1, ...)
      return integer_option(n, 1, (...), "encode_max_depth", 1, INT_MAX)
    end)
    m.decode_max_depth = C.export(function(...)
      local n = arg_init(1, ...)
      return integer_option(n, 1, (...), "decode_max_depth", 1, INT_MAX)
    end)
    m.encode_number_precision = C.export(function(...)
      local n = arg_init(1, ...)
      local r = integer_option(n, 1, (...), "precision", 1, 14)
      cfg.fmt = "%." .. cfg.precision .. "g"
      return r
    end)
    m.encode_keep_buffer = C.export(function(...)
      local n = arg_init(1, ...)
      return enum_option(n, 1, (...), "keep_buffer")
    end)
    m.encode_invalid_numbers = C.export(function(...)
      local n = arg_init(1, ...)
      return enum_option(n, 1, (...), "encode_invalid_numbers", { "off", "on", "null" }, 1)
    end)
    m.decode_invalid_numbers = C.export(function(...)
      local n = arg_init(1, ...)
      return enum_option(n, 1, (...), "decode_invalid_numbers")
    end)
    m.new = new
    m.null = null
    m._NAME = "cjson"
    m._VERSION = "2.1.0"
    return m
  end

  new = C.export(new)
  return new()
end
