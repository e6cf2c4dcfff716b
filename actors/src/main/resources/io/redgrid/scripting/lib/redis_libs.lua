-- The four C libraries Redis 7.0 links into its Lua 5.1 VM, re-implemented in Lua:
--   cjson    (lua_cjson 2.1.0 as patched by Redis; Mark Pulford, MIT licence)
--   cmsgpack (lua_cmsgpack 0.4.0; Salvatore Sanfilippo, BSD licence)
--   bit      (LuaBitOp 1.0.2; Mike Pall, MIT licence)
--   struct   (lua_struct 0.2 as patched by Redis; Roberto Ierusalimschy, MIT licence)
-- Written for RedGrid from the behaviour of redis-server 7.0.15 (results and error texts were
-- compared case by case); no code of the originals is copied.
--
-- Called once per Lua state by LuaLibraries.install with two arguments:
--   NULL  a NULL lightuserdata (cjson.null), which plain Lua cannot create;
--   wrap  wrap(fn, multi) returns a C function (a Java trampoline) that calls fn. Every public
--         function is entered through such a C frame, like the originals, so that luaL_error's
--         "user_script:LINE:" prefix and luaL_argerror's "bad argument #N to 'NAME'" come out
--         exactly as in Redis: the frame above the trampoline is the caller's. With multi=true fn
--         returns one table {n=count, ...} that the trampoline spreads into count results (Lua's
--         unpack cannot return as many values as cmsgpack.unpack and struct.unpack may).
-- Stack-depth limits of the C versions (LUAI_MAXCSTACK = 8000 slots per C call) are emulated
-- by counting the slots the C code would use, so that deep input fails at the same depth with
-- the same message instead of exhausting anything here.
local NULL, wrap = ...

local type, select, tostring, tonumber, rawset, rawget, next, error =
      type, select, tostring, tonumber, rawset, rawget, next, error
local sfmt, sbyte, schar, ssub, sfind, srep, slower, smatch, sgsub =
      string.format, string.byte, string.char, string.sub, string.find, string.rep,
      string.lower, string.match, string.gsub
local tconcat = table.concat
local floor, frexp, ldexp, huge = math.floor, math.frexp, math.ldexp, math.huge
local getinfo = debug.getinfo

local INT_MAX = 2147483647
local MAXCSTACK = 8000          -- LUAI_MAXCSTACK: lua_checkstack fails beyond this many slots
local TWO32, TWO31, TWO63 = 4294967296, 2147483648, 9223372036854775808
local zero = 0
local NAN_NEG = zero / zero     -- x86 default NaN: sign bit set, prints "-nan"
local NAN_POS = -NAN_NEG

---------------------------------------------------------------------------------------------
-- Errors, raised as the C libraries raise them
---------------------------------------------------------------------------------------------

-- Level of the nearest C frame (the trampoline) as debug.getinfo counts inside this function;
-- in the caller's numbering the trampoline is one less and the trampoline's caller is equal.
local function tramp_level()
  local lvl = 3
  while true do
    local info = getinfo(lvl, 'S')
    if info == nil then return nil end
    if info.what == 'C' then return lvl end
    lvl = lvl + 1
  end
end

-- luaL_error: the message gets the position of the Lua code that called the library function.
local function raise(msg)
  local tl = tramp_level()
  if tl == nil then error(msg, 0) end
  error(msg, tl)
end

-- luaL_argerror, with the function name Lua's debug info gives the trampoline.
local function argerror(narg, extramsg)
  local tl = tramp_level()
  if tl == nil then error(sfmt("bad argument #%d (%s)", narg, extramsg), 0) end
  local ar = getinfo(tl - 1, 'n')
  local name = ar and ar.name
  if ar and ar.namewhat == 'method' then
    narg = narg - 1
    if narg == 0 then
      error(sfmt("calling '%s' on bad self (%s)", tostring(name), extramsg), tl)
    end
  end
  if name == nil then name = '?' end
  error(sfmt("bad argument #%d to '%s' (%s)", narg, name, extramsg), tl)
end

local function typename_at(args, i)
  if i > args.n then return 'no value' end
  return type(args[i])
end

local function typeerror(args, i, tname)
  argerror(i, sfmt('%s expected, got %s', tname, typename_at(args, i)))
end

-- lua_tonumber: numbers and numeric strings, nil otherwise.
local function tonum(v)
  local t = type(v)
  if t == 'number' then return v end
  if t == 'string' then return tonumber(v) end
  return nil
end

local function checknumber(args, i)
  local n = tonum(args[i])
  if n == nil then typeerror(args, i, 'number') end
  return n
end

-- C cast double -> int64_t on x86-64 (cvttsd2si: NaN and out of range give INT64_MIN).
local function toint64(n)
  if n ~= n or n >= TWO63 or n < -TWO63 then return -TWO63 end
  if n >= 0 then return floor(n) end
  return -floor(-n)
end

-- C conversion int64 -> int (keep the low 32 bits).
local function toint32(n)
  local v = toint64(n) % TWO32
  if v >= TWO31 then v = v - TWO32 end
  return v
end

-- luaL_checkinteger (lua_Integer is 64-bit); the caller narrows it to int where C does.
local function checkinteger(args, i)
  local n = tonum(args[i])
  if n == nil then typeerror(args, i, 'number') end
  return toint64(n)
end

-- luaL_checklstring: strings, and numbers converted with "%.14g".
local function checkstring(args, i)
  local v = args[i]
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  typeerror(args, i, 'string')
end

---------------------------------------------------------------------------------------------
-- 32-bit arithmetic on non-negative doubles
---------------------------------------------------------------------------------------------

local AND4, OR4, XOR4 = {}, {}, {}
for a = 0, 15 do
  for b = 0, 15 do
    local r_and, r_or, r_xor, bit = 0, 0, 0, 1
    local x, y = a, b
    for _ = 1, 4 do
      local xb, yb = x % 2, y % 2
      if xb == 1 and yb == 1 then r_and = r_and + bit end
      if xb == 1 or yb == 1 then r_or = r_or + bit end
      if xb ~= yb then r_xor = r_xor + bit end
      x, y, bit = (x - xb) / 2, (y - yb) / 2, bit * 2
    end
    AND4[a * 16 + b], OR4[a * 16 + b], XOR4[a * 16 + b] = r_and, r_or, r_xor
  end
end

local function bitop(tbl, a, b)
  local r, m = 0, 1
  for _ = 1, 8 do
    local x, y = a % 16, b % 16
    r = r + tbl[x * 16 + y] * m
    a, b, m = (a - x) / 16, (b - y) / 16, m * 16
  end
  return r
end
local function band32(a, b) return bitop(AND4, a, b) end

local function tosigned(u)
  if u >= TWO31 then return u - TWO32 end
  return u
end

-- Low 32 bits of the IEEE-754 pattern of a double (what LuaBitOp reads after adding 2^52+2^51).
local function low32_bits(s)
  if s ~= s or s == huge or s == -huge or s == 0 then return 0 end
  if s < 0 then s = -s end
  local m, e = frexp(s)
  if e < -1021 then return ldexp(s, 1074) % TWO32 end  -- subnormal
  return (m * 2 ^ 53) % TWO32
end

---------------------------------------------------------------------------------------------
-- IEEE-754 encoding and decoding
---------------------------------------------------------------------------------------------

local function is_negative(x)
  if x ~= x then return tostring(x) == '-nan' end
  return x < 0 or (x == 0 and 1 / x < 0)
end

local function round_even(q)
  local f = floor(q)
  local d = q - f
  if d > 0.5 or (d == 0.5 and f % 2 == 1) then return f + 1 end
  return f
end

-- (float)x as a 32-bit pattern.
local function f32_bits(x)
  local sign = is_negative(x) and TWO31 or 0
  if x ~= x then return sign + 0x7FC00000 end
  if x < 0 then x = -x end
  if x == huge then return sign + 0x7F800000 end
  if x == 0 then return sign end
  local m, e = frexp(x)
  local E = e - 1
  if E >= -126 then
    local r = round_even(m * 2 ^ 24)
    if r == 2 ^ 24 then r, E = 2 ^ 23, E + 1 end
    if E > 127 then return sign + 0x7F800000 end
    return sign + (E + 127) * 2 ^ 23 + (r - 2 ^ 23)
  end
  return sign + round_even(x * 2 ^ 149)
end

local function f32_value(bits)
  local sign = bits >= TWO31
  if sign then bits = bits - TWO31 end
  local exp, frac = floor(bits / 2 ^ 23), bits % 2 ^ 23
  local v
  if exp == 255 then
    if frac == 0 then v = huge else return sign and NAN_NEG or NAN_POS end
  elseif exp == 0 then
    v = ldexp(frac, -149)
  else
    v = ldexp(frac + 2 ^ 23, exp - 150)
  end
  if sign then return -v end
  return v
end

-- A double as two 32-bit words.
local function f64_words(x)
  local sign = is_negative(x) and TWO31 or 0
  if x ~= x then return sign + 0x7FF80000, 0 end
  if x < 0 then x = -x end
  if x == huge then return sign + 0x7FF00000, 0 end
  if x == 0 then return sign, 0 end
  local m, e = frexp(x)
  local E = e - 1
  local exp, frac
  if E >= -1022 then
    exp, frac = E + 1023, (m * 2 - 1) * 2 ^ 52
  else
    exp, frac = 0, ldexp(x, 1074)
  end
  return sign + exp * 2 ^ 20 + floor(frac / TWO32), frac % TWO32
end

local function f64_value(hi, lo)
  local sign = hi >= TWO31
  if sign then hi = hi - TWO31 end
  local exp, fhi = floor(hi / 2 ^ 20), hi % 2 ^ 20
  local frac = fhi * TWO32 + lo
  local v
  if exp == 2047 then
    if frac == 0 then v = huge else return sign and NAN_NEG or NAN_POS end
  elseif exp == 0 then
    v = ldexp(frac, -1074)
  else
    v = ldexp(frac + 2 ^ 52, exp - 1075)
  end
  if sign then return -v end
  return v
end

-- Big-endian bytes of 32-bit words.
local function be32(w)
  return schar(floor(w / 16777216) % 256, floor(w / 65536) % 256, floor(w / 256) % 256, w % 256)
end

local function word_at(s, i)   -- big-endian 32-bit word at 1-based index i
  local a, b, c, d = sbyte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

---------------------------------------------------------------------------------------------
-- cjson
---------------------------------------------------------------------------------------------

local JSON_ESCAPES = {
  ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\t'] = '\\t',
  ['\n'] = '\\n', ['\f'] = '\\f', ['\r'] = '\\r', ['\127'] = '\\u007f',
}
for c = 0, 31 do
  local ch = schar(c)
  if JSON_ESCAPES[ch] == nil then JSON_ESCAPES[ch] = sfmt('\\u%04x', c) end
end

local function json_string(s)
  return '"' .. sgsub(s, '[%z\1-\31"\\/\127]', JSON_ESCAPES) .. '"'
end

local JSON_UNESCAPES = {
  [34] = '"', [92] = '\\', [47] = '/', [98] = '\b', [116] = '\t', [110] = '\n',
  [102] = '\f', [114] = '\r',
}

local TOKEN_NAMES = {
  [1] = 'T_OBJ_BEGIN', [2] = 'T_OBJ_END', [3] = 'T_ARR_BEGIN', [4] = 'T_ARR_END',
  [5] = 'T_STRING', [6] = 'T_NUMBER', [7] = 'T_BOOLEAN', [8] = 'T_NULL', [9] = 'T_COLON',
  [10] = 'T_COMMA', [11] = 'T_END', [12] = 'T_WHITESPACE', [13] = 'T_ERROR',
}
local T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL,
      T_COLON, T_COMMA, T_END, T_ERROR = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13
local SINGLE_TOKENS = {
  [123] = T_OBJ_BEGIN, [125] = T_OBJ_END, [91] = T_ARR_BEGIN, [93] = T_ARR_END,
  [44] = T_COMMA, [58] = T_COLON,
}

local HEX = {}
for i = 0, 9 do HEX[48 + i] = i end
for i = 0, 5 do HEX[65 + i] = 10 + i; HEX[97 + i] = 10 + i end

local function hex4(s, i)
  local a, b, c, d = HEX[sbyte(s, i) or 0], HEX[sbyte(s, i + 1) or 0],
                     HEX[sbyte(s, i + 2) or 0], HEX[sbyte(s, i + 3) or 0]
  if not (a and b and c and d) then return nil end
  return ((a * 16 + b) * 16 + c) * 16 + d
end

local function utf8(cp)
  if cp <= 0x7F then return schar(cp) end
  if cp <= 0x7FF then return schar(0xC0 + floor(cp / 64), 0x80 + cp % 64) end
  if cp <= 0xFFFF then
    return schar(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
  end
  return schar(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64,
               0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
end

-- The prefix strtod (C locale) would accept at position p: value and next position, or nil.
local function strtod(s, p)
  local q = p
  local sign = ssub(s, q, q)
  if sign == '+' or sign == '-' then q = q + 1 end
  local word = slower(ssub(s, q, q + 2))
  if word == 'inf' then
    local e = q + 3
    if slower(ssub(s, q, q + 7)) == 'infinity' then e = q + 8 end
    return (sign == '-') and -huge or huge, e
  end
  if word == 'nan' then
    local e = q + 3
    local paren = smatch(s, '^%([%w_]*%)', e)
    if paren then e = e + #paren end
    return (sign == '-') and NAN_NEG or NAN_POS, e
  end
  local e
  local x = ssub(s, q + 1, q + 1)
  if ssub(s, q, q) == '0' and (x == 'x' or x == 'X') then
    local mant = smatch(s, '^%x*%.?%x*', q + 2)
    if sfind(mant, '%x') then
      e = q + 2 + #mant
      local ex = smatch(s, '^[pP][+-]?%d+', e)
      if ex then e = e + #ex end
    else
      e = q + 1        -- only the "0" converts
    end
  else
    local mant = smatch(s, '^%d*%.?%d*', q)
    if not sfind(mant, '%d') then return nil end
    e = q + #mant
    local ex = smatch(s, '^[eE][+-]?%d+', e)
    if ex then e = e + #ex end
  end
  return tonumber(ssub(s, p, e - 1)), e
end

local function new_cjson()
  local cfg = {
    sparse_convert = 0, sparse_ratio = 2, sparse_safe = 10,
    encode_depth = 1000, decode_depth = 1000,
    encode_invalid = 0, decode_invalid = 1, keep_buffer = 1, precision = 14,
    number_format = '%.14g', int_limit = 1e14,
  }
  local BOOL_OPTIONS = { 'off', 'on' }
  local INVALID_OPTIONS = { 'off', 'on', 'null' }

  local function arg_init(args, max)
    if args.n > max then argerror(max + 1, 'found too many arguments') end
  end

  local function integer_option(args, i, key, min, max)
    local v = args[i]
    if v ~= nil then
      local value = toint32(checkinteger(args, i))
      if not (min <= value and value <= max) then
        argerror(1, sfmt('expected integer between %d and %d', min, max))
      end
      cfg[key] = value
    end
    return cfg[key]
  end

  local function enum_option(args, i, key, options)
    local v = args[i]
    if v ~= nil then
      if type(v) == 'boolean' then
        cfg[key] = v and 1 or 0
      else
        local name = smatch(checkstring(args, i), '^[^%z]*')
        local found
        for k = 1, #options do
          if options[k] == name then found = k - 1 break end
        end
        if found == nil then argerror(i, sfmt("invalid option '%s'", name)) end
        cfg[key] = found
      end
    end
    local setting = cfg[key]
    if setting == 0 or setting == 1 then return setting == 1 end
    return options[setting + 1]
  end

  -- "%.<precision>g", and "%d" (much cheaper, same text) for integers with at most that many
  -- digits; zero keeps the %g path for its sign.
  local function format_number(num)
    if num == floor(num) and num ~= 0 and num < cfg.int_limit and num > -cfg.int_limit then
      return sfmt('%d', num)
    end
    if num ~= num or num == huge or num == -huge then
      if cfg.encode_invalid == 0 then raise('Cannot serialise number: must not be NaN or Inf') end
      if cfg.encode_invalid == 2 then return 'null' end
      if num ~= num then return 'nan' end
    end
    return sfmt(cfg.number_format, num)
  end

  -- lua_array_length: the array size, or -1 for an object.
  local function array_length(t)
    local max, items = 0, 0
    for k in next, t do
      if type(k) == 'number' and k >= 1 and floor(k) == k then
        if k > max then max = (k < TWO31) and k or -TWO31 end  -- C: int max = k
        items = items + 1
      else
        return -1
      end
    end
    local ratio = cfg.sparse_ratio
    if ratio > 0 and max > toint32(items * ratio) and max > cfg.sparse_safe then
      if cfg.sparse_convert == 0 then raise('Cannot serialise table: excessively sparse array') end
      return -1
    end
    return max
  end

  -- The output buffer of the encode in progress (encode never re-enters itself: it calls no
  -- metamethods and no Lua code).
  local buf, nbuf

  local append
  -- depth: enclosing tables; slots: Lua stack slots lua_cjson would hold at this point.
  append = function(v, depth, slots)
    local t = type(v)
    if t == 'string' then
      nbuf = nbuf + 1
      buf[nbuf] = '"' .. sgsub(v, '[%z\1-\31"\\/\127]', JSON_ESCAPES) .. '"'
    elseif t == 'number' then
      nbuf = nbuf + 1
      buf[nbuf] = format_number(v)
    elseif t == 'boolean' then
      nbuf = nbuf + 1
      buf[nbuf] = v and 'true' or 'false'
    elseif t == 'table' then
      depth = depth + 1
      if depth > cfg.encode_depth or slots + 3 > MAXCSTACK then
        raise(sfmt('Cannot serialise, excessive nesting (%d)', depth))
      end
      local len = array_length(v)
      if len > 0 then
        nbuf = nbuf + 1
        buf[nbuf] = '['
        for i = 1, len do
          if i > 1 then
            nbuf = nbuf + 1
            buf[nbuf] = ','
          end
          append(rawget(v, i), depth, slots + 1)
        end
        nbuf = nbuf + 1
        buf[nbuf] = ']'
      else
        nbuf = nbuf + 1
        buf[nbuf] = '{'
        local comma = false
        for k, x in next, v do
          local kt = type(k)
          local key
          if kt == 'number' then
            key = '"' .. format_number(k) .. '":'
          elseif kt == 'string' then
            key = json_string(k) .. ':'
          else
            raise('Cannot serialise ' .. kt .. ': table key must be a number or string')
          end
          nbuf = nbuf + 1
          if comma then buf[nbuf] = ',' .. key else buf[nbuf] = key; comma = true end
          append(x, depth, slots + 2)
        end
        nbuf = nbuf + 1
        buf[nbuf] = '}'
      end
    elseif t == 'nil' or v == NULL then
      nbuf = nbuf + 1
      buf[nbuf] = 'null'
    else
      raise('Cannot serialise ' .. t .. ': type not supported')
    end
  end

  local function encode(...)
    if select('#', ...) ~= 1 then argerror(1, 'expected 1 argument') end
    buf, nbuf = {}, 0
    append((...), 0, 1)
    local out = tconcat(buf, '', 1, nbuf)
    buf = nil
    return out
  end

  -- Decoding. st = {s = text, p = next position (1-based), depth, slots}.
  local function is_invalid_number(s, p)
    local c = sbyte(s, p) or 0
    if c == 43 then return true end
    if c == 45 then p = p + 1; c = sbyte(s, p) or 0 end
    if c == 48 then
      local c2 = sbyte(s, p + 1) or 0
      return c2 == 120 or c2 == 88 or (c2 >= 48 and c2 <= 57)
    elseif c <= 57 or c >= 128 then
      return false
    end
    local w = slower(ssub(s, p, p + 2))
    return w == 'inf' or w == 'nan'
  end

  -- Fast path: plain decimal integers and fractions (what JSON mostly holds), which strtod and
  -- tonumber read alike; anything else (exponents, hex, inf/nan, 0x) takes the general path.
  local function number_token(st, p)
    local s = st.s
    local e = smatch(s, '^-?%d+%.?%d*()', p)
    if e then
      local c = sbyte(s, e) or 0
      if c ~= 101 and c ~= 69 and c ~= 120 and c ~= 88 and sbyte(s, e - 1) ~= 46 then
        st.p = e
        return T_NUMBER, tonumber(ssub(s, p, e - 1)), p
      end
    end
    local v
    v, e = strtod(s, p)
    if v == nil then return T_ERROR, 'invalid number', p end
    st.p = e
    return T_NUMBER, v, p
  end

  local function string_token(st, p)
    local s = st.s
    local a = sfind(s, '[%z"\\]', p + 1)
    if a and sbyte(s, a) == 34 then   -- no escapes: the common case
      st.p = a + 1
      return T_STRING, ssub(s, p + 1, a - 1), p
    end
    local parts = {}
    local q = p + 1
    while true do
      local a = sfind(s, '[%z"\\]', q)
      if a == nil then return T_ERROR, 'unexpected end of string', #s + 1 end
      parts[#parts + 1] = ssub(s, q, a - 1)
      local c = sbyte(s, a)
      if c == 0 then return T_ERROR, 'unexpected end of string', a end
      if c == 34 then
        st.p = a + 1
        return T_STRING, tconcat(parts), p
      end
      local e = sbyte(s, a + 1) or 0
      if e == 117 then
        local cp = hex4(s, a + 2)
        local len = 6
        if cp and cp >= 0xD800 and cp <= 0xDFFF then
          if cp >= 0xDC00 or ssub(s, a + 6, a + 7) ~= '\\u' then
            cp = nil
          else
            local low = hex4(s, a + 8)
            if low == nil or low < 0xDC00 or low > 0xDFFF then
              cp = nil
            else
              cp = (cp - 0xD800) * 1024 + (low - 0xDC00) + 0x10000
              len = 12
            end
          end
        end
        if cp == nil then return T_ERROR, 'invalid unicode escape code', a end
        parts[#parts + 1] = utf8(cp)
        q = a + len
      else
        local ch = JSON_UNESCAPES[e]
        if ch == nil then return T_ERROR, 'invalid escape code', a end
        parts[#parts + 1] = ch
        q = a + 2
      end
    end
  end

  -- Returns token type, value, and the 1-based position reported in errors.
  local function next_token(st)
    local s, p = st.s, st.p
    local c = sbyte(s, p) or 0
    while c == 32 or c == 9 or c == 10 or c == 13 do
      p = p + 1
      c = sbyte(s, p) or 0
    end
    st.p = p
    local single = SINGLE_TOKENS[c]
    if single then
      st.p = p + 1
      return single, nil, p
    end
    if c == 0 then return T_END, nil, p end
    if c == 34 then return string_token(st, p) end
    if c == 45 or (c >= 48 and c <= 57) then
      if cfg.decode_invalid == 0 and is_invalid_number(s, p) then
        return T_ERROR, 'invalid number', p
      end
      return number_token(st, p)
    end
    if ssub(s, p, p + 3) == 'true' then st.p = p + 4 return T_BOOLEAN, true, p end
    if ssub(s, p, p + 4) == 'false' then st.p = p + 5 return T_BOOLEAN, false, p end
    if ssub(s, p, p + 3) == 'null' then st.p = p + 4 return T_NULL, NULL, p end
    if (c == 105 or c == 73 or c == 110 or c == 78 or c == 43) and cfg.decode_invalid ~= 0
        and is_invalid_number(s, p) then
      return number_token(st, p)
    end
    return T_ERROR, 'invalid token', p
  end

  local function parse_error(expected, tt, tv, idx)
    local found = (tt == T_ERROR) and tv or TOKEN_NAMES[tt]
    raise(sfmt('Expected %s but found %s at character %d', expected, found, idx))
  end

  local function descend(st, slots_needed)
    st.depth = st.depth + 1
    if st.depth > cfg.decode_depth or st.slots + slots_needed > MAXCSTACK then
      raise(sfmt('Found too many nested data structures (%d) at character %d', st.depth, st.p - 1))
    end
  end

  local parse_value
  parse_value = function(st, tt, tv, idx)
    if tt == T_STRING or tt == T_NUMBER or tt == T_BOOLEAN or tt == T_NULL then
      return tv
    elseif tt == T_OBJ_BEGIN then
      descend(st, 3)
      st.slots = st.slots + 1
      local t = {}
      tt, tv, idx = next_token(st)
      if tt ~= T_OBJ_END then
        while true do
          if tt ~= T_STRING then parse_error('object key string', tt, tv, idx) end
          local key = tv
          st.slots = st.slots + 1
          tt, tv, idx = next_token(st)
          if tt ~= T_COLON then parse_error('colon', tt, tv, idx) end
          tt, tv, idx = next_token(st)
          rawset(t, key, parse_value(st, tt, tv, idx))
          st.slots = st.slots - 1
          tt, tv, idx = next_token(st)
          if tt == T_OBJ_END then break end
          if tt ~= T_COMMA then parse_error('comma or object end', tt, tv, idx) end
          tt, tv, idx = next_token(st)
        end
      end
      st.slots = st.slots - 1
      st.depth = st.depth - 1
      return t
    elseif tt == T_ARR_BEGIN then
      descend(st, 2)
      st.slots = st.slots + 1
      local t = {}
      tt, tv, idx = next_token(st)
      if tt ~= T_ARR_END then
        local i = 1
        while true do
          rawset(t, i, parse_value(st, tt, tv, idx))
          tt, tv, idx = next_token(st)
          if tt == T_ARR_END then break end
          if tt ~= T_COMMA then parse_error('comma or array end', tt, tv, idx) end
          tt, tv, idx = next_token(st)
          i = i + 1
        end
      end
      st.slots = st.slots - 1
      st.depth = st.depth - 1
      return t
    end
    parse_error('value', tt, tv, idx)
  end

  local function decode(...)
    local args = { n = select('#', ...), ... }
    if args.n ~= 1 then argerror(1, 'expected 1 argument') end
    local s = checkstring(args, 1)
    if #s >= 2 and (sbyte(s, 1) == 0 or sbyte(s, 2) == 0) then
      raise('JSON parser does not support UTF-16 or UTF-32')
    end
    local st = { s = s, p = 1, depth = 0, slots = 1 }
    local value = parse_value(st, next_token(st))
    local tt, tv, idx = next_token(st)
    if tt ~= T_END then parse_error('the end', tt, tv, idx) end
    return value
  end

  local lib = {}
  lib.encode = wrap(encode)
  lib.decode = wrap(decode)
  lib.encode_sparse_array = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 3)
    return enum_option(args, 1, 'sparse_convert', BOOL_OPTIONS),
           integer_option(args, 2, 'sparse_ratio', 0, INT_MAX),
           integer_option(args, 3, 'sparse_safe', 0, INT_MAX)
  end)
  lib.encode_max_depth = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 1)
    return integer_option(args, 1, 'encode_depth', 1, INT_MAX)
  end)
  lib.decode_max_depth = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 1)
    return integer_option(args, 1, 'decode_depth', 1, INT_MAX)
  end)
  lib.encode_number_precision = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 1)
    local precision = integer_option(args, 1, 'precision', 1, 14)
    cfg.number_format, cfg.int_limit = '%.' .. precision .. 'g', 10 ^ precision
    return precision
  end)
  lib.encode_keep_buffer = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 1)
    return enum_option(args, 1, 'keep_buffer', BOOL_OPTIONS)
  end)
  lib.encode_invalid_numbers = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 1)
    return enum_option(args, 1, 'encode_invalid', INVALID_OPTIONS)
  end)
  lib.decode_invalid_numbers = wrap(function(...)
    local args = { n = select('#', ...), ... }
    arg_init(args, 1)
    return enum_option(args, 1, 'decode_invalid', BOOL_OPTIONS)
  end)
  lib.new = wrap(function() return new_cjson() end)
  lib.null = NULL
  lib._NAME = 'cjson'
  lib._VERSION = '2.1.0'
  return lib
end

---------------------------------------------------------------------------------------------
-- cmsgpack
---------------------------------------------------------------------------------------------

local MP_MAX_NESTING = 16
local SMALL_INTS = {}
for i = 0, 127 do SMALL_INTS[i] = schar(i) end

-- Big-endian bytes of a 64-bit two's complement integer given as a double (|n| <= 2^63).
local function be64(n)
  return be32(floor(n / TWO32) % TWO32) .. be32(n % TWO32)
end

local function mp_int(n)
  if n >= 0 then
    if n <= 127 then return schar(n) end
    if n <= 0xff then return schar(0xcc, n) end
    if n <= 0xffff then return schar(0xcd, floor(n / 256), n % 256) end
    if n <= 0xffffffff then return '\206' .. be32(n) end
    return '\207' .. be64(n)
  end
  if n >= -32 then return schar(256 + n) end
  if n >= -128 then return schar(0xd0, 256 + n) end
  if n >= -32768 then return schar(0xd1, floor((65536 + n) / 256), (65536 + n) % 256) end
  if n >= -2147483648 then return '\210' .. be32(TWO32 + n) end
  return '\211' .. be64(n)
end

local function mp_double(d)
  local fbits = f32_bits(d)
  if f32_value(fbits) == d then return '\202' .. be32(fbits) end
  local hi, lo = f64_words(d)
  return '\203' .. be32(hi) .. be32(lo)
end

local function mp_bytes(s)
  local len = #s
  if len < 32 then return schar(0xa0 + len) .. s end
  if len <= 0xff then return schar(0xd9, len) .. s end
  if len <= 0xffff then return schar(0xda, floor(len / 256), len % 256) .. s end
  return '\219' .. be32(len) .. s
end

local function mp_count_header(n, fix, h16, h32)
  if n <= 15 then return schar(fix + n) end
  if n <= 65535 then return schar(h16, floor(n / 256), n % 256) end
  return schar(h32) .. be32(n)
end

-- IS_INT_EQUIVALENT for the positive keys table_is_an_array looks at.
local function is_array(t)
  local count, max = 0, 0
  for k in next, t do
    if type(k) ~= 'number' or k <= 0 or floor(k) ~= k or k >= TWO31 then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count
end

-- buf.n counts the pieces in buf (a table of its own per pack call: an __index metamethod
-- reached through v[j] may call cmsgpack.pack again).
local mp_encode
mp_encode = function(buf, v, level)
  local t = type(v)
  local piece
  if t == 'number' then
    if v >= 0 and v <= 127 and floor(v) == v then
      piece = SMALL_INTS[v]
    elseif v == v and floor(v) == v and v >= -TWO63 and v < TWO63 then  -- IS_INT64_EQUIVALENT
      piece = mp_int(v)
    else
      piece = mp_double(v)
    end
  elseif t == 'string' then
    piece = mp_bytes(v)
  elseif t == 'table' and level < MP_MAX_NESTING then
    local n = buf.n + 1
    if is_array(v) then
      local len = #v
      buf[n] = mp_count_header(len, 0x90, 0xdc, 0xdd)
      buf.n = n
      for j = 1, len do mp_encode(buf, v[j], level + 1) end
    else
      local len = 0
      for _ in next, v do len = len + 1 end
      buf[n] = mp_count_header(len, 0x80, 0xde, 0xdf)
      buf.n = n
      for k, x in next, v do
        mp_encode(buf, k, level + 1)
        mp_encode(buf, x, level + 1)
      end
    end
    return
  elseif t == 'boolean' then
    piece = v and '\195' or '\194'
  else
    piece = '\192'   -- nil, functions, userdata, threads, and tables nested too deep
  end
  local n = buf.n + 1
  buf[n] = piece
  buf.n = n
end

local function mp_pack(...)
  local n = select('#', ...)
  if n == 0 then argerror(0, 'MessagePack pack needs input.') end
  if n + n > MAXCSTACK then argerror(0, 'Too many arguments for MessagePack pack.') end
  local buf = { n = 0 }
  for i = 1, n do mp_encode(buf, (select(i, ...)), 0) end
  return tconcat(buf, '', 1, buf.n)
end

-- Decoding state: st = {s, p (1-based next byte), len}. slots: stack slots lua_cmsgpack holds.
local mp_decode
local function mp_need(st, n)
  -- lua_cmsgpack unwinds to mp_unpack_full and fails there; nothing happens in between.
  if st.len - st.p + 1 < n then raise('Missing bytes in input.') end
end

local function mp_uint(st, i, n)   -- unsigned big-endian integer of n bytes at i (n <= 4)
  local v = 0
  for k = 0, n - 1 do v = v * 256 + sbyte(st.s, i + k) end
  return v
end

local function mp_array(st, len, slots)
  if slots + 2 > MAXCSTACK then raise('stack overflow (in function mp_decode_to_lua_array)') end
  local t = {}
  for i = 1, len do
    rawset(t, i, mp_decode(st, slots + 2))
  end
  return t
end

local function mp_map(st, len, slots)
  local t = {}
  for _ = 1, len do
    local k = mp_decode(st, slots + 1)
    local v = mp_decode(st, slots + 2)
    rawset(t, k, v)
  end
  return t
end

local function mp_int64(st, p)
  local hi, lo = word_at(st.s, p), word_at(st.s, p + 4)
  if hi >= TWO31 then hi = hi - TWO32 end
  return hi * TWO32 + lo
end

mp_decode = function(st, slots)
  if slots + 1 > MAXCSTACK then
    raise('stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)')
  end
  mp_need(st, 1)
  local s, p = st.s, st.p
  local b = sbyte(s, p)
  if b <= 0x7f then st.p = p + 1 return b end
  if b >= 0xe0 then st.p = p + 1 return b - 256 end
  if b >= 0xa0 and b <= 0xbf then
    local len = b - 0xa0
    mp_need(st, 1 + len)
    st.p = p + 1 + len
    return ssub(s, p + 1, p + len)
  end
  if b >= 0x90 and b <= 0x9f then st.p = p + 1 return mp_array(st, b - 0x90, slots) end
  if b >= 0x80 and b <= 0x8f then st.p = p + 1 return mp_map(st, b - 0x80, slots) end
  if b == 0xc0 then st.p = p + 1 return nil end
  if b == 0xc2 then st.p = p + 1 return false end
  if b == 0xc3 then st.p = p + 1 return true end
  if b == 0xcc then mp_need(st, 2) st.p = p + 2 return sbyte(s, p + 1) end
  if b == 0xd0 then
    mp_need(st, 2) st.p = p + 2
    local v = sbyte(s, p + 1)
    return v >= 128 and v - 256 or v
  end
  if b == 0xcd then mp_need(st, 3) st.p = p + 3 return mp_uint(st, p + 1, 2) end
  if b == 0xd1 then
    mp_need(st, 3) st.p = p + 3
    local v = mp_uint(st, p + 1, 2)
    return v >= 32768 and v - 65536 or v
  end
  if b == 0xce then mp_need(st, 5) st.p = p + 5 return word_at(s, p + 1) end
  if b == 0xd2 then
    mp_need(st, 5) st.p = p + 5
    return tosigned(word_at(s, p + 1))
  end
  if b == 0xcf or b == 0xd3 then   -- both pushed as a signed 64-bit lua_Integer
    mp_need(st, 9) st.p = p + 9
    return mp_int64(st, p + 1)
  end
  if b == 0xca then mp_need(st, 5) st.p = p + 5 return f32_value(word_at(s, p + 1)) end
  if b == 0xcb then
    mp_need(st, 9) st.p = p + 9
    return f64_value(word_at(s, p + 1), word_at(s, p + 5))
  end
  if b == 0xd9 or b == 0xda or b == 0xdb then
    local hl = (b == 0xd9) and 1 or (b == 0xda) and 2 or 4
    mp_need(st, 1 + hl)
    local len = mp_uint(st, p + 1, hl)
    mp_need(st, 1 + hl + len)
    st.p = p + 1 + hl + len
    return ssub(s, p + 1 + hl, p + hl + len)
  end
  if b == 0xdc or b == 0xdd then
    local hl = (b == 0xdc) and 2 or 4
    mp_need(st, 1 + hl)
    st.p = p + 1 + hl
    return mp_array(st, mp_uint(st, p + 1, hl), slots)
  end
  if b == 0xde or b == 0xdf then
    local hl = (b == 0xde) and 2 or 4
    mp_need(st, 1 + hl)
    st.p = p + 1 + hl
    return mp_map(st, mp_uint(st, p + 1, hl), slots)
  end
  raise('Bad data format in input.')
end

-- mp_unpack_full: base is the number of arguments left on the C stack; limit and offset are
-- 64-bit lua_Integers, printed with %d (their low 32 bits) in errors.
local function mp_unpack_full(s, limit, offset, base)
  local len = #s
  local decode_all = (limit == 0 and offset == 0)
  if offset < 0 or limit < 0 then
    raise(sfmt('Invalid request to unpack with offset of %d and limit of %d.',
               toint32(offset), toint32(len)))
  elseif offset > len then
    raise(sfmt('Start offset %d greater than input length %d.', toint32(offset), toint32(len)))
  end
  if decode_all then limit = INT_MAX end
  local st = { s = s, p = offset + 1, len = len }
  local out = {}
  local cnt = 0
  while st.p <= len and cnt < limit do
    local v = mp_decode(st, base + cnt)
    cnt = cnt + 1
    out[cnt] = v
  end
  if not decode_all then
    if base + cnt + 1 > MAXCSTACK then raise('stack overflow (in function mp_unpack_full)') end
    for i = cnt, 1, -1 do out[i + 1] = out[i] end
    out[1] = (st.p > len) and -1 or (st.p - 1)
    cnt = cnt + 1
  end
  out.n = cnt
  return out
end

local function mp_unpack(...)
  local args = { n = select('#', ...), ... }
  local s = checkstring(args, 1)
  return mp_unpack_full(s, 0, 0, args.n)
end

local function mp_unpack_one(...)
  local args = { n = select('#', ...), ... }
  local offset = 0
  if args[2] ~= nil then offset = checkinteger(args, 2) end
  local s = checkstring(args, 1)
  return mp_unpack_full(s, 1, offset, 1)
end

local function mp_unpack_limit(...)
  local args = { n = select('#', ...), ... }
  local limit = checkinteger(args, 2)
  local offset = 0
  if args[3] ~= nil then offset = checkinteger(args, 3) end
  local s = checkstring(args, 1)
  return mp_unpack_full(s, limit, offset, 1)
end

---------------------------------------------------------------------------------------------
-- bit
---------------------------------------------------------------------------------------------

local BIT_BIAS = 6755399441055744.0   -- 2^52 + 2^51

local function barg(args, i)
  local n = tonum(args[i])
  local b = low32_bits((n or 0) + BIT_BIAS)
  if b == 0 and n == nil then typeerror(args, i, 'number') end
  return b
end

local function bit_fold(tbl)
  return function(...)
    local args = { n = select('#', ...), ... }
    local b = barg(args, 1)
    for i = args.n, 2, -1 do b = bitop(tbl, b, barg(args, i)) end
    return tosigned(b)
  end
end

local function bit_shift(op)
  return function(...)
    local args = { n = select('#', ...), ... }
    local b = barg(args, 1)
    local n = barg(args, 2) % 32
    return tosigned(op(b, n))
  end
end

local bitlib = {
  tobit = function(...)
    return tosigned(barg({ n = select('#', ...), ... }, 1))
  end,
  bnot = function(...)
    return tosigned(0xffffffff - barg({ n = select('#', ...), ... }, 1))
  end,
  band = bit_fold(AND4),
  bor = bit_fold(OR4),
  bxor = bit_fold(XOR4),
  lshift = bit_shift(function(b, n) return (b * 2 ^ n) % TWO32 end),
  rshift = bit_shift(function(b, n) return floor(b / 2 ^ n) end),
  arshift = bit_shift(function(b, n) return floor(tosigned(b) / 2 ^ n) % TWO32 end),
  rol = bit_shift(function(b, n) return (b * 2 ^ n) % TWO32 + floor(b / 2 ^ (32 - n)) end),
  ror = bit_shift(function(b, n) return floor(b / 2 ^ n) + (b * 2 ^ (32 - n)) % TWO32 end),
  bswap = function(...)
    local b = barg({ n = select('#', ...), ... }, 1)
    local b0, b1, b2, b3 = b % 256, floor(b / 256) % 256, floor(b / 65536) % 256, floor(b / 16777216)
    return tosigned(((b0 * 256 + b1) * 256 + b2) * 256 + b3)
  end,
  tohex = function(...)
    local args = { n = select('#', ...), ... }
    local b = barg(args, 1)
    local n = 8
    if args.n >= 2 then n = tosigned(barg(args, 2)) end
    local fmt = '%08x'
    if n < 0 then n, fmt = -n, '%08X' end
    if n > 8 then n = 8 end
    if n == 0 then return '' end
    return ssub(sfmt(fmt, b), 9 - n)
  end,
}

---------------------------------------------------------------------------------------------
-- struct
---------------------------------------------------------------------------------------------

local BIG, LITTLE = 0, 1
local MAXINTSIZE = 32
local MAXALIGN = 8

local function isdigit(c) return c ~= nil and c >= 48 and c <= 57 end

local function getnum(fmt, i, df)
  local c = sbyte(fmt, i)
  if not isdigit(c) then return df, i end
  local a = 0
  repeat
    local d = c - 48
    if a > 214748364 or a * 10 > INT_MAX - d then raise('integral size overflow') end
    a = a * 10 + d
    i = i + 1
    c = sbyte(fmt, i)
  until not isdigit(c)
  return a, i
end

local OPT_SIZES = { B = 1, b = 1, H = 2, h = 2, L = 8, l = 8, T = 8, f = 4, d = 8, x = 1 }

local function optsize(opt, fmt, i)
  local size = OPT_SIZES[opt]
  if size then return size, i end
  if opt == 'c' then return getnum(fmt, i, 1) end
  if opt == 'i' or opt == 'I' then
    local sz
    sz, i = getnum(fmt, i, 4)
    if sz > MAXINTSIZE then
      raise(sfmt('integral size %d is larger than limit of %d', sz, MAXINTSIZE))
    end
    return sz, i
  end
  return 0, i
end

local function gettoalign(len, h, opt, size)
  if size == 0 or opt == 'c' then return 0 end
  if size > h.align then size = h.align end
  return band32(size - band32(len % TWO32, size - 1), size - 1)
end

local function isp2(a) return a > 0 and band32(a, a - 1) == 0 end

local function controloptions(opt, fmt, i, h)
  if opt == ' ' then return i end
  if opt == '>' then h.endian = BIG return i end
  if opt == '<' then h.endian = LITTLE return i end
  if opt == '!' then
    local a
    a, i = getnum(fmt, i, MAXALIGN)
    if not isp2(a) then raise(sfmt('alignment %d is not a power of 2', a)) end
    h.align = a
    return i
  end
  argerror(1, sfmt("invalid format option '%s'", opt))
end

local INTEGER_OPTS = { b = true, B = true, h = true, H = true, l = true, L = true, T = true,
                       i = true, I = true }

-- putinteger: the 64-bit pattern C's conversion gives, as (hi, lo) words.
local function int_words(n)
  local v
  if n < 0 then
    v = toint64(n)
  elseif n ~= n then
    return TWO31, 0
  elseif n < TWO63 then
    v = floor(n)
  elseif n - TWO63 < TWO63 then
    local t = floor(n - TWO63)
    return floor(t / TWO32) + TWO31, t % TWO32
  else
    return 0, 0
  end
  return floor(v / TWO32) % TWO32, v % TWO32
end

local function int_bytes(hi, lo, size, endian)
  local bytes = {}
  for k = 0, size - 1 do
    local byte
    if k < 4 then byte = floor(lo / 256 ^ k) % 256
    elseif k < 8 then byte = floor(hi / 256 ^ (k - 4)) % 256
    else byte = 0 end
    if endian == LITTLE then bytes[k + 1] = schar(byte) else bytes[size - k] = schar(byte) end
  end
  return tconcat(bytes)
end

local function swap_if_little(s, endian)   -- s is big-endian
  if endian == LITTLE then return s:reverse() end
  return s
end

local function struct_pack(...)
  local args = { n = select('#', ...), ... }
  local fmt = smatch(checkstring(args, 1), '^[^%z]*')
  -- b_pack pushes a nil mark after its arguments: a missing argument right after the last one
  -- is reported as "got nil", later ones as "got no value".
  args.n = args.n + 1
  local h = { endian = LITTLE, align = 1 }
  local arg = 2
  local total = 0
  local buf = {}
  local i = 1
  local flen = #fmt
  while i <= flen do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, fmt, i)
    local toalign = gettoalign(total, h, opt, size)
    total = total + toalign
    if toalign > 0 then buf[#buf + 1] = srep('\0', toalign) end
    if INTEGER_OPTS[opt] then
      local hi, lo = int_words(checknumber(args, arg))
      arg = arg + 1
      buf[#buf + 1] = int_bytes(hi, lo, size, h.endian)
    elseif opt == 'x' then
      buf[#buf + 1] = '\0'
    elseif opt == 'f' then
      local n = checknumber(args, arg)
      arg = arg + 1
      buf[#buf + 1] = swap_if_little(be32(f32_bits(n)), h.endian)
    elseif opt == 'd' then
      local n = checknumber(args, arg)
      arg = arg + 1
      local hi, lo = f64_words(n)
      buf[#buf + 1] = swap_if_little(be32(hi) .. be32(lo), h.endian)
    elseif opt == 'c' or opt == 's' then
      local s = checkstring(args, arg)
      arg = arg + 1
      local l = #s
      if size == 0 then size = l end
      if not (l >= size) then argerror(arg, 'string too short') end
      buf[#buf + 1] = ssub(s, 1, size)
      if opt == 's' then
        buf[#buf + 1] = '\0'
        size = size + 1
      end
    else
      i = controloptions(opt, fmt, i, h)
    end
    total = total + size
  end
  return tconcat(buf)
end

-- getinteger: bytes at pos (0-based) read into a 64-bit register, as C does.
local function get_integer(data, pos, endian, signed, size)
  local hi, lo = 0, 0
  for k = 0, size - 1 do
    local idx = (endian == BIG) and (pos + k) or (pos + size - 1 - k)
    local byte = sbyte(data, idx + 1)
    hi = (hi * 256 + floor(lo / 16777216)) % TWO32
    lo = (lo % 16777216) * 256 + byte
  end
  if not signed then return hi * TWO32 + lo end
  local sh = (size * 8 - 1) % 64     -- x86 masks 64-bit shift counts
  local negative
  if sh >= 32 then
    negative = hi >= 2 ^ (sh - 32)
    if negative then hi = hi % 2 ^ (sh - 32) + (TWO32 - 2 ^ (sh - 32)) end
  else
    negative = hi > 0 or lo >= 2 ^ sh
    if negative then hi, lo = TWO32 - 1, lo % 2 ^ sh + (TWO32 - 2 ^ sh) end
  end
  if hi >= TWO31 then hi = hi - TWO32 end
  return hi * TWO32 + lo
end

-- (size_t) of a double, for the count a 'c0' takes from the previous result.
local function to_size(n)
  if n ~= n or n < 0 or n >= TWO63 then return huge end
  return floor(n)
end

local function struct_unpack(...)
  local args = { n = select('#', ...), ... }
  local fmt = smatch(checkstring(args, 1), '^[^%z]*')
  local data = checkstring(args, 2)
  local ld = #data
  -- pos is a size_t in b_unpack: only 0 is refused here, a negative start wraps around to a
  -- huge position that fails as "data string too short" (pos stays signed here for that test).
  local pos = 0
  if args[3] ~= nil then
    pos = checkinteger(args, 3)
    if pos == 0 then argerror(3, 'offset must be 1 or greater') end
    pos = pos - 1
  end
  local h = { endian = LITTLE, align = 1 }
  local out = {}
  local n = 0
  local i = 1
  local flen = #fmt
  while i <= flen do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, fmt, i)
    pos = pos + gettoalign(pos, h, opt, size)
    if not (pos >= 0 and size <= ld and pos <= ld - size) then
      argerror(2, 'data string too short')
    end
    if args.n + n + 2 > MAXCSTACK then raise('stack overflow (too many results)') end
    if INTEGER_OPTS[opt] then
      n = n + 1
      out[n] = get_integer(data, pos, h.endian, slower(opt) == opt, size)
    elseif opt == 'x' then
      -- padding only
    elseif opt == 'f' then
      local w = ssub(data, pos + 1, pos + 4)
      n = n + 1
      out[n] = f32_value(word_at(swap_if_little(w, h.endian), 1))
    elseif opt == 'd' then
      local w = swap_if_little(ssub(data, pos + 1, pos + 8), h.endian)
      n = n + 1
      out[n] = f64_value(word_at(w, 1), word_at(w, 5))
    elseif opt == 'c' then
      if size == 0 then
        local prev = n > 0 and tonum(out[n]) or nil
        if prev == nil then raise("format 'c0' needs a previous size") end
        size = to_size(prev)
        out[n] = nil
        n = n - 1
        if not (size <= ld and pos <= ld - size) then argerror(2, 'data string too short') end
      end
      n = n + 1
      out[n] = ssub(data, pos + 1, pos + size)
    elseif opt == 's' then
      local e = sfind(data, '\0', pos + 1, true)
      if e == nil then raise('unfinished string in data') end
      size = e - (pos + 1) + 1
      n = n + 1
      out[n] = ssub(data, pos + 1, e - 1)
    else
      i = controloptions(opt, fmt, i, h)
    end
    pos = pos + size
  end
  n = n + 1
  out[n] = pos + 1
  out.n = n
  return out
end

local function isalnum(opt)
  return smatch(opt, '^%w$') ~= nil and sbyte(opt) < 128
end

local function struct_size(...)
  local args = { n = select('#', ...), ... }
  local fmt = smatch(checkstring(args, 1), '^[^%z]*')
  local h = { endian = LITTLE, align = 1 }
  local pos = 0
  local i = 1
  local flen = #fmt
  while i <= flen do
    local opt = ssub(fmt, i, i)
    i = i + 1
    local size
    size, i = optsize(opt, fmt, i)
    pos = pos + gettoalign(pos, h, opt, size)
    if opt == 's' then
      argerror(1, "option 's' has no fixed size")
    elseif opt == 'c' and size == 0 then
      argerror(1, "option 'c0' has no fixed size")
    end
    if not isalnum(opt) then i = controloptions(opt, fmt, i, h) end
    pos = pos + size
  end
  return pos
end

---------------------------------------------------------------------------------------------
-- Globals
---------------------------------------------------------------------------------------------

cjson = new_cjson()

cmsgpack = {
  pack = wrap(mp_pack),
  unpack = wrap(mp_unpack, true),
  unpack_one = wrap(mp_unpack_one, true),
  unpack_limit = wrap(mp_unpack_limit, true),
  _NAME = 'cmsgpack',
  _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
  _DESCRIPTION = 'MessagePack C implementation for Lua',
}

bit = {}
for _, name in ipairs({ 'tobit', 'bnot', 'band', 'bor', 'bxor', 'lshift', 'rshift', 'arshift',
                        'rol', 'ror', 'bswap', 'tohex' }) do
  bit[name] = wrap(bitlib[name])
end

struct = {
  pack = wrap(struct_pack),
  unpack = wrap(struct_unpack, true),
  size = wrap(struct_size),
}
