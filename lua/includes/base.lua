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
--   KEYS[7]  dc      hash  step: number of dependencies that reached a terminal status
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

local function xget(exec, name)
  return redis.call('HGET', K.x, exec .. ':' .. name)
end

local function xset(exec, name, value)
  redis.call('HSET', K.x, exec .. ':' .. name, value)
end

local function dget(fp, step, name)
  return redis.call('HGET', K.def, fp .. ':' .. step .. ':' .. name)
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

local function wake(count)
  for _ = 1, math.min(count, WAKE_CAP) do redis.call('LPUSH', K.wake, '1') end
  redis.call('LTRIM', K.wake, 0, WAKE_CAP - 1)
end
