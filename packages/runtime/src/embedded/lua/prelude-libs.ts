/**
 * Pure-Lua 5.1 versions of the two C libraries Redis gives scripts: `cjson` (lua-cjson 2.1 rules:
 * numbers as `%.14g`, `/` escaped, an empty table encodes as `{}`, sparse arrays padded with null,
 * `cjson.null` a userdata) and `bit` (LuaBitOp: 32-bit signed results). They are slower than C but
 * scripts use them sparingly (one encode/decode per transition).
 */

export const CJSON_LUA = `
do
local type, pairs, tostring, tonumber, error, format = type, pairs, tostring, tonumber, error, string.format
local sub, find, byte, char, gsub, concat, floor, huge = string.sub, string.find, string.byte, string.char, string.gsub, table.concat, math.floor, math.huge
local null = newproxy(false)
local cjson = { null = null, _NAME = 'cjson', _VERSION = '2.1.0' }
local escapes = { ['"'] = '\\\\"', ['\\\\'] = '\\\\\\\\', ['/'] = '\\\\/', ['\\b'] = '\\\\b', ['\\f'] = '\\\\f',
  ['\\n'] = '\\\\n', ['\\r'] = '\\\\r', ['\\t'] = '\\\\t' }
local function escape(c) return escapes[c] or format('\\\\u%04x', byte(c)) end
local enc
local function encnum(v)
  if v ~= v or v == huge or v == -huge then error('Cannot serialise number: must not be NaN or Inf', 0) end
  return format('%.14g', v)
end
local function enctable(t, depth, out)
  if depth > 1000 then error('Cannot serialise, excessive nesting (1001)', 0) end
  local max, items, isarray = 0, 0, true
  for k in pairs(t) do
    if type(k) == 'number' and k > 0 and k == floor(k) then
      if k > max then max = k end
      items = items + 1
    else
      isarray = false
      break
    end
  end
  if isarray and max > 0 then
    if max > items * 2 and max > 10 then error('Cannot serialise table: excessively sparse array', 0) end
    out[#out + 1] = '['
    for i = 1, max do
      if i > 1 then out[#out + 1] = ',' end
      enc(t[i], depth + 1, out)
    end
    out[#out + 1] = ']'
    return
  end
  out[#out + 1] = '{'
  local first = true
  for k, v in pairs(t) do
    local tk = type(k)
    if tk == 'number' then k = encnum(k)
    elseif tk ~= 'string' then error('Cannot serialise table: key must be a number or string', 0) end
    if not first then out[#out + 1] = ',' end
    first = false
    out[#out + 1] = '"' .. gsub(k, '[%c"\\\\/]', escape) .. '":'
    enc(v, depth + 1, out)
  end
  out[#out + 1] = '}'
end
enc = function(v, depth, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = '"' .. gsub(v, '[%c"\\\\/]', escape) .. '"'
  elseif t == 'number' then out[#out + 1] = encnum(v)
  elseif t == 'boolean' then out[#out + 1] = tostring(v)
  elseif t == 'table' then enctable(v, depth, out)
  elseif v == nil or v == null then out[#out + 1] = 'null'
  else error('Cannot serialise ' .. t .. ': type not supported', 0) end
end
local pcall, select = pcall, select
-- Errors are raised at the caller's line, as lua-cjson's luaL_error does from C.
local getinfo = debug.getinfo
local function raise(message)
  -- Level 3 = the script calling cjson.*; after a tail call (\`return cjson.decode(x)\`) that
  -- frame is gone, so name line 1 as the embedded host does for redis.call.
  local info = getinfo(3, 'Sl')
  if info and info.source == '@user_script' then error(message, 3) end
  error('user_script:1: ' .. message, 0)
end
local function encode(v)
  local out = {}
  enc(v, 0, out)
  return concat(out)
end
function cjson.encode(v)
  local ok, r = pcall(encode, v)
  if not ok then raise(r) end
  return r
end

local function fail(what, s, i)
  error(format('Expected %s but found invalid token at character %d', what, i), 0)
end
local function ws(s, i) local _, e = find(s, '^[ \\n\\r\\t]*', i); return e + 1 end
local dec
local unesc = { b = '\\b', f = '\\f', n = '\\n', r = '\\r', t = '\\t', ['"'] = '"', ['\\\\'] = '\\\\', ['/'] = '/' }
local function utf8(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 + floor(cp / 64), 0x80 + cp % 64) end
  if cp < 0x10000 then return char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64) end
  return char(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64, 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
end
local function decstring(s, i)
  local out, pos = {}, i + 1
  while true do
    local a = find(s, '["\\\\]', pos)
    if a == nil then fail('value', s, i) end
    out[#out + 1] = sub(s, pos, a - 1)
    if sub(s, a, a) == '"' then return concat(out), a + 1 end
    local c = sub(s, a + 1, a + 1)
    if c == 'u' then
      local cp = tonumber(sub(s, a + 2, a + 5), 16)
      if cp == nil then fail('value', s, a) end
      pos = a + 6
      if cp >= 0xD800 and cp < 0xDC00 and sub(s, pos, pos + 1) == '\\\\u' then
        local lo = tonumber(sub(s, pos + 2, pos + 5), 16)
        if lo and lo >= 0xDC00 and lo < 0xE000 then
          cp = 0x10000 + (cp - 0xD800) * 1024 + (lo - 0xDC00)
          pos = pos + 6
        end
      end
      out[#out + 1] = utf8(cp)
    else
      local r = unesc[c]
      if r == nil then fail('value', s, a) end
      out[#out + 1] = r
      pos = a + 2
    end
  end
end
dec = function(s, i, depth)
  if depth > 1000 then error('Found too many nested data structures (1001) at character ' .. i, 0) end
  i = ws(s, i)
  local c = sub(s, i, i)
  if c == '{' then
    local t = {}
    i = ws(s, i + 1)
    if sub(s, i, i) == '}' then return t, i + 1 end
    while true do
      i = ws(s, i)
      if sub(s, i, i) ~= '"' then fail('object key string', s, i) end
      local k
      k, i = decstring(s, i)
      i = ws(s, i)
      if sub(s, i, i) ~= ':' then fail('colon', s, i) end
      t[k], i = dec(s, i + 1, depth + 1)
      i = ws(s, i)
      local d = sub(s, i, i)
      if d == '}' then return t, i + 1 end
      if d ~= ',' then fail('comma or object end', s, i) end
      i = i + 1
    end
  elseif c == '[' then
    local t, n = {}, 0
    i = ws(s, i + 1)
    if sub(s, i, i) == ']' then return t, i + 1 end
    while true do
      n = n + 1
      t[n], i = dec(s, i, depth + 1)
      i = ws(s, i)
      local d = sub(s, i, i)
      if d == ']' then return t, i + 1 end
      if d ~= ',' then fail('comma or array end', s, i) end
      i = i + 1
    end
  elseif c == '"' then
    return decstring(s, i)
  elseif sub(s, i, i + 3) == 'true' then return true, i + 4
  elseif sub(s, i, i + 4) == 'false' then return false, i + 5
  elseif sub(s, i, i + 3) == 'null' then return null, i + 4
  else
    local _, e = find(s, '^-?%d+%.?%d*[eE]?[-+]?%d*', i)
    if e == nil then fail('value', s, i) end
    local v = tonumber(sub(s, i, e))
    if v == nil then fail('value', s, i) end
    return v, e + 1
  end
end
local function decode(s)
  if type(s) ~= 'string' then error('bad argument #1 to \\'decode\\' (string expected, got ' .. type(s) .. ')', 0) end
  local v, i = dec(s, 1, 0)
  i = ws(s, i)
  if i <= #s then fail('the end', s, i) end
  return v
end
function cjson.decode(s)
  local ok, r = pcall(decode, s)
  if not ok then raise(r) end
  return r
end
function cjson.encode_keep_buffer() end
function cjson.encode_max_depth() end
function cjson.decode_max_depth() end
function cjson.encode_number_precision() end
function cjson.encode_sparse_array() end
function cjson.encode_invalid_numbers() end
function cjson.decode_invalid_numbers() end
rawset(_G, 'cjson', cjson)
end
`;

export const BITLIB_LUA = `
do
local floor, format, error, type, tonumber = math.floor, string.format, error, type, tonumber
local TWO32, TWO31 = 4294967296, 2147483648
local function u32(x)
  x = tonumber(x)
  if x == nil then error('bad argument (number expected)', 3) end
  x = floor(x) % TWO32
  return x
end
local function s32(x) if x >= TWO31 then return x - TWO32 end return x end
local function op(a, b, f)
  local r, bitv = 0, 1
  for _ = 1, 32 do
    local x, y = a % 2, b % 2
    if f(x, y) then r = r + bitv end
    a, b, bitv = (a - x) / 2, (b - y) / 2, bitv * 2
  end
  return r
end
local fand = function(x, y) return x == 1 and y == 1 end
local f_or = function(x, y) return x == 1 or y == 1 end
local fxor = function(x, y) return x ~= y end
local function reduce(f, first, ...)
  local r = u32(first)
  for i = 1, select('#', ...) do r = op(r, u32((select(i, ...))), f) end
  return s32(r)
end
local bit = {}
function bit.tobit(x) return s32(u32(x)) end
function bit.bnot(x) return s32(TWO32 - 1 - u32(x)) end
function bit.band(...) return reduce(fand, ...) end
function bit.bor(...) return reduce(f_or, ...) end
function bit.bxor(...) return reduce(fxor, ...) end
function bit.lshift(x, n) return s32((u32(x) * 2 ^ (u32(n) % 32)) % TWO32) end
function bit.rshift(x, n) return s32(floor(u32(x) / 2 ^ (u32(n) % 32))) end
function bit.arshift(x, n)
  local v, s = s32(u32(x)), u32(n) % 32
  return s32(u32(floor(v / 2 ^ s)))
end
function bit.rol(x, n)
  x, n = u32(x), u32(n) % 32
  return s32((x * 2 ^ n) % TWO32 + floor(x / 2 ^ (32 - n)))
end
function bit.ror(x, n) return bit.rol(x, 32 - u32(n) % 32) end
function bit.bswap(x)
  x = u32(x)
  local b0, b1, b2, b3 = x % 256, floor(x / 256) % 256, floor(x / 65536) % 256, floor(x / 16777216)
  return s32(((b0 * 256 + b1) * 256 + b2) * 256 + b3)
end
function bit.tohex(x, n)
  n = n == nil and 8 or tonumber(n)
  local upper = n < 0
  if upper then n = -n end
  if n > 8 then n = 8 end
  local v = u32(x) % (2 ^ (4 * n))
  local s = format(upper and '%0' .. n .. 'X' or '%0' .. n .. 'x', v)
  return s
end
rawset(_G, 'bit', bit)
end
`;
