/**
 * The Lua side of the embedded host, run once per Lua state (PUC Lua 5.1, like Redis).
 *
 * Bridge: Lua talks to JS through two C functions the WASM host intercepts. `os.execute(request)`
 * hands JS a request string (read from WASM memory with its length prefixes, so NUL bytes
 * survive) and returns the byte length of JS's answer; `io.read(n)` then reads exactly that
 * answer from a stdin JS fills (binary-safe). Both are captured as upvalues here and `os`/`io`
 * are removed, so scripts cannot reach them.
 *
 * Request: one op letter, then every argument as `<byteLength>:<bytes>`.
 * Answer:  `$<len>:<bytes>` bulk, `:<digits>;` integer, `n` nil, `+<len>:` status,
 *          `-<len>:` error, `*<count>:` array of answers.
 *
 * Then it builds what Redis 7.0 gives scripts: `redis.*`, `cjson`, `bit`, the readonly-globals
 * sandbox and its error messages, the `__redis__err__handler` that appends the source line, and
 * a `string.format` that formats `%d` with 64-bit range (this WASM build's C `long` is 32 bits).
 */
import { BITLIB_LUA, CJSON_LUA } from "./prelude-libs.js";

const BRIDGE_LUA = `
local exec, read = os.execute, io.read
local sub, find, format, concat, gsub = string.sub, string.find, string.format, table.concat, string.gsub
local tonumber, type, tostring, rawget, rawset, floor = tonumber, type, tostring, rawget, rawset, math.floor
local huge, getinfo = math.huge, debug.getinfo

local function decode(s, i)
  local t = sub(s, i, i)
  if t == '$' then
    local j = find(s, ':', i + 1, true)
    local e = j + tonumber(sub(s, i + 1, j - 1))
    return sub(s, j + 1, e), e + 1
  elseif t == ':' then
    local j = find(s, ';', i + 1, true)
    return tonumber(sub(s, i + 1, j - 1)), j + 1
  elseif t == 'n' then
    return false, i + 1
  elseif t == '*' then
    local j = find(s, ':', i + 1, true)
    local n = tonumber(sub(s, i + 1, j - 1))
    local arr, k = {}, j + 1
    for x = 1, n do arr[x], k = decode(s, k) end
    return arr, k
  else
    local j = find(s, ':', i + 1, true)
    local e = j + tonumber(sub(s, i + 1, j - 1))
    local v = sub(s, j + 1, e)
    if t == '+' then return { ok = v }, e + 1 end
    return { err = v }, e + 1
  end
end

local function answer(n)
  if n <= 0 then return nil end
  return (decode(read(n), 1))
end

-- Redis 7.0 passes number arguments as %.17g (1e17 and up in exponent form).
local function fmtnum(n) return format('%.17g', n) end

local function request(op, args, n)
  local parts = { op }
  for i = 1, n do
    local a = args[i]
    local t = type(a)
    if t == 'number' then a = fmtnum(a)
    elseif t ~= 'string' then return nil end
    parts[i + 1] = #a .. ':' .. a
  end
  return concat(parts)
end

local function rcall(op, ...)
  local n = select('#', ...)
  if n == 0 then
    return { err = 'ERR Please specify at least one argument for this redis lib call' }
  end
  local req = request(op, { ... }, n)
  if req == nil then
    return { err = 'ERR Lua redis lib command arguments must be strings or integers' }
  end
  return answer(exec(req))
end

-- The fast bridge (wasm-lua-host.ts): JS reads the arguments straight off this C call's stack
-- and answers in os.execute's return value: even = an integer times 2, 1 = bulk string (or
-- flat array) in box.v, 3 = nil, 5 = error in box.v, 7 = status in box.v, 9 = retry over the
-- string protocol, 11 + 2n = an n-byte answer staged on stdin. On only if JS reads a probe's
-- arguments right.
local box = {}
-- Array replies of bulk strings: JS calls these with the items as arguments.
function box.p(...) return { ... } end
function box.q(...)
  local t = { ... }
  for i = 1, select('#', ...) do if t[i] == nil then t[i] = false end end
  return t
end
local fast = exec('p', box, 'a\0b', 1.5, true) == 1 and box.v == 'ok'

local function slowcall(r, ...)
  if r == 7 then return { ok = box.v } end
  if r == 9 then return rcall('C', ...) end
  return answer((r - 11) / 2)
end

local redis = {}
if fast then
  function redis.call(...)
    local r = exec('c', box, ...)
    if r % 2 == 0 then return r / 2 end
    if r == 1 then return box.v end
    if r == 3 then return false end
    if r == 5 then error({ err = box.v }, 0) end
    r = slowcall(r, ...)
    if type(r) == 'table' and r.err ~= nil then error(r, 0) end
    return r
  end
  function redis.pcall(...)
    local r = exec('c', box, ...)
    if r % 2 == 0 then return r / 2 end
    if r == 1 then return box.v end
    if r == 3 then return false end
    if r == 5 then return { err = box.v } end
    return slowcall(r, ...)
  end
else
  function redis.call(...)
    local r = rcall('C', ...)
    if type(r) == 'table' and r.err ~= nil then error(r, 0) end
    return r
  end
  function redis.pcall(...) return rcall('C', ...) end
end
function redis.sha1hex(s)
  if type(s) ~= 'string' and type(s) ~= 'number' then
    error('wrong number of arguments', 2)
  end
  return answer(exec(request('H', { s }, 1)))
end
local function errorbuf(s)
  if sub(s, 1, 1) ~= '-' then return 'ERR ' .. s end
  local sp = find(s, ' ', 2, true)
  if sp == nil then return 'ERR ' .. sub(s, 2) end
  return sub(s, 2)
end
function redis.error_reply(s)
  if type(s) ~= 'string' then error('wrong number or type of arguments', 2) end
  if sub(s, 1, 1) ~= '-' then s = '-' .. s end
  return { err = errorbuf(s) }
end
function redis.status_reply(s)
  if type(s) ~= 'string' then error('wrong number or type of arguments', 2) end
  return { ok = s }
end
function redis.log() end
function redis.setresp() end
function redis.set_repl() end
function redis.replicate_commands() return true end
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = '7.0.15', 0x07000f
rawset(_G, 'redis', redis)

-- string.format with %d/%i over the 64-bit range, truncating toward zero like Redis's C cast.
local function fixint(fmt, ...)
  local args = { ... }
  local out, argi, pos = {}, 0, 1
  while true do
    local s, e, spec, conv = find(fmt, '%%([-+ #0]*%d*%.?%d*)([%a%%])', pos)
    if s == nil then break end
    out[#out + 1] = sub(fmt, pos, s - 1)
    if conv == '%' then
      out[#out + 1] = '%%'
    else
      argi = argi + 1
      local v = args[argi]
      if (conv == 'd' or conv == 'i') and type(tonumber(v)) == 'number' then
        v = tonumber(v)
        v = v >= 0 and floor(v) or -floor(-v)
        args[argi] = v
        if v >= 2147483648 or v < -2147483648 then conv = '.0f' end
      end
      out[#out + 1] = '%' .. spec .. conv
    end
    pos = e + 1
  end
  out[#out + 1] = sub(fmt, pos)
  return format(concat(out), unpack(args, 1, select('#', ...)))
end
local function slowformat(fmt, ...)
  if type(fmt) == 'string' and (find(fmt, '%d', 1, true) or find(fmt, '%i', 1, true)) then
    return fixint(fmt, ...)
  end
  return format(fmt, ...)
end
string.format = function(fmt, ...)
  -- Fast path for the scripts' fmt(n) = format('%d', n), same output as fixint below: one
  -- number, truncated; natively in the 32-bit range (-0 prints "0"), else as %.0f.
  if fmt == '%d' and select('#', ...) == 1 then
    local v = ...
    if type(v) == 'number' then
      v = v >= 0 and floor(v) or -floor(-v)
      if v < 2147483648 and v >= -2147483648 then return format('%d', v) end
      if v == v then return format('%.0f', v) end
    end
  end
  local ok, r = pcall(slowformat, fmt, ...)
  if ok then return r end
  -- Raise at the script's line as the C string.format does, not at this prelude's. After a
  -- tail call (\`return string.format(...)\`) the script's frame is gone: name line 1.
  if type(r) ~= 'string' then error(r, 2) end
  r = gsub(r, '^prelude:%d+: ', '')
  local caller = getinfo(2, 'S')
  if caller and caller.source == '@user_script' then error(r, 2) end
  error('user_script:1: ' .. r, 0)
end

local function encode(v, out)
  local t = type(v)
  if t == 'string' then
    out[#out + 1] = '$' .. #v .. ':' .. v
  elseif t == 'number' then
    if v ~= v or v == huge or v == -huge then
      out[#out + 1] = ':-9223372036854775808;'
    else
      out[#out + 1] = ':' .. format('%.0f', v >= 0 and floor(v) or -floor(-v)) .. ';'
    end
  elseif t == 'boolean' then
    out[#out + 1] = v and ':1;' or 'n'
  elseif t == 'table' then
    local e = rawget(v, 'err')
    if type(e) == 'string' then out[#out + 1] = '-' .. #e .. ':' .. e; return end
    local ok = rawget(v, 'ok')
    if type(ok) == 'string' then out[#out + 1] = '+' .. #ok .. ':' .. ok; return end
    local mark = #out + 1
    out[mark] = ''
    local n = 0
    while rawget(v, n + 1) ~= nil do
      n = n + 1
      encode(rawget(v, n), out)
    end
    out[mark] = '*' .. n .. ':'
  else
    out[#out + 1] = 'n'
  end
end

local dbg = debug
local function handler(err)
  -- Redis reports the script line that raised; our redis.call and sandbox hooks are Lua
  -- functions (C in Redis), so skip frames until the user's chunk.
  local i
  for level = 2, 12 do
    local f = dbg.getinfo(level, 'nSl')
    if f == nil then break end
    if f.source == '@user_script' then i = f; break end
  end
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
  if i then err.source = i.source; err.line = i.currentline end
  return err
end

-- A script's result for the fast bridge, flattened into out[n+1..] (returns the new n): a
-- string is a bulk, a number an integer, false nil; true opens a marker: true, count = array of
-- the next count values; true, '+' or '-', text = status or error.
local function flat(v, out, n)
  local t = type(v)
  n = n + 1
  if t == 'string' then
    out[n] = v
  elseif t == 'number' then
    if v ~= v or v == huge or v == -huge then out[n] = -9223372036854775808
    else out[n] = v >= 0 and floor(v) or -floor(-v) end
  elseif t == 'boolean' then
    out[n] = v and 1 or false
  elseif t == 'table' then
    out[n] = true
    local e = rawget(v, 'err')
    if type(e) == 'string' then out[n + 1] = '-'; out[n + 2] = e; return n + 2 end
    local ok = rawget(v, 'ok')
    if type(ok) == 'string' then out[n + 1] = '+'; out[n + 2] = ok; return n + 2 end
    local mark, c = n + 1, 0
    n = mark
    while rawget(v, c + 1) ~= nil do
      c = c + 1
      n = flat(rawget(v, c), out, n)
    end
    out[mark] = c
  else
    out[n] = false
  end
  return n
end

local scripts = {}
local function finish(ok, v)
  local out = {}
  if ok and fast then
    -- Up to 200 values go over as arguments (JS reads them off the stack), more as a string.
    local n = flat(v, out, 0)
    if n <= 200 and exec('d', box, unpack(out, 1, n)) == 1 then return end
    out = {}
  end
  if ok then
    encode(v, out)
    local s = concat(out)
    exec('D' .. #s .. ':' .. s)
  else
    local e = type(v) == 'table' and v or { err = 'ERR ' .. tostring(v) }
    local msg = tostring(rawget(e, 'err'))
    -- No user frame: \`return redis.call(...)\` is a tail call here (a C call in Redis), so the
    -- line is lost; line 1 is the best guess (exact for one-line scripts).
    local where = e.source and (e.source .. ':' .. tostring(e.line)) or '@user_script:1'
    exec(request('E', { msg, where }, 2))
  end
end

-- One entry point per host call: run the job, post the result. The host pushes a script run's
-- sha, key count, keys and args as arguments; else (loads, NUL bytes) the job is fetched.
rawset(_G, '__ordo_run', function(sha, nkeys, ...)
  if sha ~= nil then
    local fn = scripts[sha]
    if fn == nil then exec(request('E', { 'NOSCRIPT No matching script. Please use EVAL.', '' }, 2)); return end
    local all, nk = { ... }, tonumber(nkeys)
    rawset(_G, 'KEYS', { unpack(all, 1, nk) })
    rawset(_G, 'ARGV', { unpack(all, nk + 1, select('#', ...)) })
    return finish(xpcall(fn, handler))
  end
  local job = answer(exec('J'))
  local op, sha = job[1], job[2]
  if op == 'L' then
    local fn, err = loadstring(job[3], '@user_script')
    if fn == nil then
      exec(request('E', { 'ERR Error compiling script (new function): ' .. err, '' }, 2))
      return
    end
    scripts[sha] = fn
    exec('D')
    return
  end
  local fn = scripts[sha]
  if fn == nil then exec(request('E', { 'NOSCRIPT No matching script. Please use EVAL.', '' }, 2)); return end
  local nkeys = job[3]
  local keys, argv = {}, {}
  for i = 1, nkeys do keys[i] = job[3 + i] end
  for i = 4 + nkeys, #job do argv[#argv + 1] = job[i] end
  rawset(_G, 'KEYS', keys)
  rawset(_G, 'ARGV', argv)
  finish(xpcall(fn, handler))
end)
`;

/** Pcall that hands scripts the message of a Redis error table, as Redis 7.0 does. */
const SANDBOX_LUA = `
local pcall0, type, rawget, error, tostring = pcall, type, rawget, error, tostring
local function unwrap(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then return false, rawget(e, 'err') end
  return false, ...
end
pcall = function(f, ...) return unwrap(pcall0(f, ...)) end
os, io, debug, loadfile, dofile, print, require, module, setfenv, getfenv, newproxy, gcinfo = nil
package = nil
setmetatable(_G, {
  __index = function(_, k)
    error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
  end,
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
})
`;

/** The full prelude: bridge + redis lib, cjson, bit, then the sandbox (order matters). */
export const PRELUDE_LUA = [BRIDGE_LUA, CJSON_LUA, BITLIB_LUA, SANDBOX_LUA].join("\n");
