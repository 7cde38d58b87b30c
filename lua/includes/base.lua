-- Shared prelude of every Ordo transition script (expanded in place by the loader).
--
-- Every transition script receives the same 16 partition keys, all carrying the partition's hash
-- tag `{<prefix>:<p>}`, so a script always runs inside one Redis Cluster slot. Per-execution and
-- per-step data live in FIELDS of these partition hashes (field `<exec>|<step>` for steps,
-- `<exec>:<name>` for executions, `<fp>:...` for definitions), never in keys built at run time:
-- a claim pops work of any execution of the partition and still touches only declared keys.
--   KEYS[1]  x       hash  execution fields `<exec>:<name>` (status, fp, start, input, n, done, run,
--                          bad, cancel, seq, fin, fpx, log0)
--   KEYS[2]  def     hash  definition fields `<fp>:<name>` and `<fp>:<step>:<name>` (see createExecution)
--   KEYS[3]  st      hash  step status `<exec>|<step>` (absent = pending)
--   KEYS[4]  att     hash  step attempt, 1-based (absent = 1); grows only on a scheduled retry
--   KEYS[5]  tok     hash  step fencing token: a counter bumped by every claim
--   KEYS[6]  rec     hash  step lease recoveries (never touches the retry budget)
--   KEYS[7]  dc      hash  step: number of dependencies that reached a terminal status while
--                          pending; from readiness on `r<ms>`, when it became claimable (settle.lua)
--   KEYS[8]  ok      hash  step: number of dependencies that completed successfully
--   KEYS[9]  out     hash  step output JSON
--   KEYS[10] err     hash  step last error JSON
--   KEYS[11] ready   zset  `<exec>|<step>` scored start_ms*1024 + topological order
--   KEYS[12] delayed zset  `<exec>|<step>` waiting for a retry, scored by due time (ms)
--   KEYS[13] leases  zset  `<exec>|<step>` running, scored by lease deadline (ms)
--   KEYS[14] wake    list  one token per ready step nobody claimed yet; idle workers BLPOP it
--   KEYS[15] log     stream ledger of the partition; entries carry exec id and per-exec seq
--   KEYS[16] fin     zset  finished executions scored by finish time (for retention)
-- Clock: `redis.call('TIME')` of the Redis primary is the only clock for leases, retries and
-- event times, so worker machines with skewed clocks never disagree about a deadline.
local K = {
  x = KEYS[1], def = KEYS[2], st = KEYS[3], att = KEYS[4], tok = KEYS[5], rec = KEYS[6],
  dc = KEYS[7], ok = KEYS[8], out = KEYS[9], err = KEYS[10], ready = KEYS[11],
  delayed = KEYS[12], leases = KEYS[13], wake = KEYS[14], log = KEYS[15], fin = KEYS[16],
}
local WAKE_CAP = 255
local UNPACK = unpack or table.unpack
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)

-- Integers as decimal text: never let Lua print a large number in exponent notation.
local function fmt(n)
  return string.format('%d', math.floor(n))
end

-- HMGET of `fields` of hash `key`, in chunks of 500 (unpack has a stack limit near 8000 values,
-- and a definition may have many steps). Returns values aligned with `fields`; missing = false/nil.
local function hmget(key, fields)
  local res = {}
  for first = 1, #fields, 500 do
    local last = math.min(first + 499, #fields)
    local r = redis.call('HMGET', key, UNPACK(fields, first, last))
    for j = first, last do res[j] = r[j - first + 1] end
  end
  return res
end

-- Per-invocation memos (one script call only, never across calls). An execution's fp, start and
-- n never change after createExecution/forkExecution/restoreExecution wrote them, input neither,
-- and definition rows are immutable per fingerprint, so caching them within one call cannot change
-- a result. Mutable fields (status, done, run, bad, cancel, pause, seq, ...) are always read live.
-- Only present values are cached: a missing execution or step is asked again (it stays missing).
local XMEMO, DMEMO = {}, {}
local XFIXED = { fp = true, start = true, n = true }
local DFIELDS = { 'o', 'nd', 'tr', 'ls', 'sk', 'h' }
local DSMALL = { o = true, nd = true, tr = true, ls = true, sk = true, h = true }

-- Execution field `<exec>:<name>`. fp/start/n come in one HMGET; input is cached on its own (it
-- may be large, so it is fetched only when asked for).
local function xget(exec, name)
  local key = exec .. ':' .. name
  local v = XMEMO[key]
  if v then return v end
  if XFIXED[name] then
    local r = redis.call('HMGET', K.x, exec .. ':fp', exec .. ':start', exec .. ':n')
    if r[1] then XMEMO[exec .. ':fp'] = r[1] end
    if r[2] then XMEMO[exec .. ':start'] = r[2] end
    if r[3] then XMEMO[exec .. ':n'] = r[3] end
    if name == 'fp' then return r[1] elseif name == 'start' then return r[2] end
    return r[3]
  end
  v = redis.call('HGET', K.x, key)
  if v and name == 'input' then XMEMO[key] = v end
  return v
end

local function xset(exec, name, value)
  redis.call('HSET', K.x, exec .. ':' .. name, value)
end

-- Definition field `<fp>:<step>:<name>`. The step's small fields (DFIELDS) come in one HMGET on
-- first use and are kept for the call. The csv lists `dn` and `up` are fetched alone, only when
-- asked for: they grow with the fan-in/fan-out, and the row of a wide join is read once per
-- finished dependency, so bundling them would copy O(deps) bytes per dependency. Missing = false.
local function dget(fp, step, name)
  local p = fp .. ':' .. step .. ':'
  if not DSMALL[name] then
    local key = p .. name
    local v = DMEMO[key]
    if v == nil then
      v = redis.call('HGET', K.def, key)
      if v then DMEMO[key] = v end
    end
    return v
  end
  local row = DMEMO[p]
  if not row then
    local fields = {}
    for i, f in ipairs(DFIELDS) do fields[i] = p .. f end
    local r = hmget(K.def, fields)
    row = {}
    for i, f in ipairs(DFIELDS) do row[f] = r[i] or false end
    if row.o then DMEMO[p] = row end
  end
  return row[name]
end

local function split_member(m)
  return string.match(m, '^(.*)|([^|]*)$')
end

local function csv(text)
  local list = {}
  if text and text ~= '' then
    for item in string.gmatch(text, '[^,]+') do list[#list + 1] = item end
  end
  return list
end

-- Append one ledger event; `seq` is per execution, contiguous, starting at 1.
local function emit(exec, etype, step, attempt, worker, token, reason, data)
  local seq = redis.call('HINCRBY', K.x, exec .. ':seq', 1)
  local a = { K.log, '*', 'e', exec, 'q', fmt(seq), 't', etype, 'at', fmt(NOW) }
  local opt = { 's', step, 'a', attempt, 'w', worker, 'k', token, 'r', reason, 'd', data }
  for i = 1, 11, 2 do -- fixed bound: nil values leave holes, so #opt is unreliable
    local v = opt[i + 1]
    if v ~= nil and v ~= false and v ~= '' then
      a[#a + 1] = opt[i]
      if type(v) == 'number' then a[#a + 1] = fmt(v) else a[#a + 1] = v end
    end
  end
  local id = redis.call('XADD', UNPACK(a))
  return id
end

-- One LPUSH for all tokens; trim only when the list went past the cap (LTRIM of a shorter list is
-- a no-op, so skipping it there changes nothing).
local function wake(count)
  local n = math.min(count, WAKE_CAP)
  if n < 1 then return end
  local ones = {}
  for i = 1, n do ones[i] = '1' end
  local len = redis.call('LPUSH', K.wake, UNPACK(ones))
  if len > WAKE_CAP then redis.call('LTRIM', K.wake, 0, WAKE_CAP - 1) end
end
