-- queueRead v2
-- Purpose: read-only views of the queue in one consistent step: runs by id, a filtered page of
-- runs, or queue statistics. (Reads go through a script so the embedded engine and Redis Cluster
-- see the same declared keys.)
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] mode:
--   "get"   ARGV[2..] runIds -> {"OK", now, run1, run2, ...}; each run is {} when unknown, else
--           a flat list {runId, name1, value1, ...} of the run fields in includes/ctl.lua
--   "list"  ARGV[2] status filter ('' = any)  ARGV[3] tenant filter ('' = any)
--           ARGV[4] cursor ('' = start)  ARGV[5] limit  ARGV[6] scan limit
--           -> {"OK", now, nextCursor ('' = no more), run1, ...}. Status queued, claimed or
--           running walks that status's index in its live order (queued: claim order; cursor =
--           rank); otherwise every run oldest first (cursor = last scanned seq).
--   "stats" -> {"OK", now, paused, queued, claimed, running, total, lastSeq}
-- Errors: {"USAGE", mode}
-- @include ctl
local function read_run(run)
  if not rget(run, 'status') then return {} end
  local out = { run }
  for _, f in ipairs(RUN_FIELDS) do
    local v = rget(run, f)
    if v and f ~= 'score' then
      out[#out + 1] = f
      out[#out + 1] = v
    end
  end
  return out
end
local INDEX = { queued = C.pending, claimed = C.claims, running = C.active }
local function list(want, tenant, cursor, limit, scan)
  local out, ids, next_cursor = { 'OK', NOW, '' }, nil, nil
  local index = INDEX[want]
  if index then
    local from = tonumber(cursor ~= '' and cursor or '0')
    ids = redis.call('ZRANGE', index, from, from + scan - 1)
    next_cursor = function(i) return fmt(from + i) end
  else
    ids = redis.call('ZRANGEBYSCORE', C.all, '(' .. (cursor ~= '' and cursor or '0'), '+inf',
      'LIMIT', 0, scan)
    next_cursor = function(i) return rget(ids[i], 'seq') or fmt(0) end
  end
  for i, run in ipairs(ids) do
    local ok = (want == '' or rget(run, 'status') == want)
      and (tenant == '' or rget(run, 'tenant') == tenant)
    if ok then out[#out + 1] = read_run(run) end
    if #out - 3 >= limit or i == #ids then
      if #out - 3 >= limit or #ids == scan then out[3] = next_cursor(i) end
      break
    end
  end
  return out
end
local mode = ARGV[1]
if mode == 'get' then
  local out = { 'OK', NOW }
  for i = 2, #ARGV do out[#out + 1] = read_run(ARGV[i]) end
  return out
elseif mode == 'list' then
  return list(ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]))
elseif mode == 'stats' then
  return { 'OK', NOW, redis.call('HGET', C.meta, 'paused') or '0',
    redis.call('ZCARD', C.pending), redis.call('ZCARD', C.claims), redis.call('ZCARD', C.active),
    redis.call('ZCARD', C.all), tonumber(redis.call('HGET', C.meta, 'seq') or '0') }
end
return { 'USAGE', mode }
