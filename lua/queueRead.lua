-- queueRead v1
-- Purpose: read-only views of the queue in one consistent step: runs by id, a filtered page of
-- runs, or queue statistics. (Reads go through a script so the embedded engine and Redis Cluster
-- see the same declared keys.)
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] mode:
--   "get"   ARGV[2..] runIds -> {"OK", now, run1, run2, ...}; each run is {} when unknown, else
--           a flat list {runId, name1, value1, ...} of the run fields in includes/ctl.lua
--   "list"  ARGV[2] status filter ('' = any)  ARGV[3] tenant filter ('' = any)
--           ARGV[4] after seq (exclusive)  ARGV[5] limit  ARGV[6] scan limit
--           -> {"OK", now, run1, ...} oldest first
--   "stats" -> {"OK", now, paused, queued, claimed, running, total, lastSeq}
-- Errors: {"USAGE", mode}
-- @include ctl
local FIELDS = { 'status', 'prio', 'seq', 'tenant', 'pipe', 'fp', 'input', 'exec', 'enq', 'upd',
  'tok', 'by', 'cexp', 'target', 'texp', 'adm', 'admr', 'reason', 'cancel', 'claims', 'start',
  'fin', 'inst', 'meta' }
local function read_run(run)
  if not rget(run, 'status') then return {} end
  local out = { run }
  for _, f in ipairs(FIELDS) do
    local v = rget(run, f)
    if v then
      out[#out + 1] = f
      out[#out + 1] = v
    end
  end
  return out
end
local mode = ARGV[1]
local out = { 'OK', NOW }
if mode == 'get' then
  for i = 2, #ARGV do out[#out + 1] = read_run(ARGV[i]) end
elseif mode == 'list' then
  local want, tenant, limit = ARGV[2], ARGV[3], tonumber(ARGV[5])
  local ids = redis.call('ZRANGEBYSCORE', C.all, '(' .. ARGV[4], '+inf', 'LIMIT', 0, tonumber(ARGV[6]))
  for _, run in ipairs(ids) do
    if #out - 2 >= limit then break end
    local ok = (want == '' or rget(run, 'status') == want)
      and (tenant == '' or rget(run, 'tenant') == tenant)
    if ok then out[#out + 1] = read_run(run) end
  end
elseif mode == 'stats' then
  out[#out + 1] = redis.call('HGET', C.meta, 'paused') or '0'
  out[#out + 1] = redis.call('ZCARD', C.pending)
  out[#out + 1] = redis.call('ZCARD', C.claims)
  out[#out + 1] = redis.call('ZCARD', C.active)
  out[#out + 1] = redis.call('ZCARD', C.all)
  out[#out + 1] = tonumber(redis.call('HGET', C.meta, 'seq') or '0')
else
  return { 'USAGE', mode }
end
return out
