-- queueClaim v1
-- Purpose: a runtime instance's dispatcher takes up to N queued runs (highest priority first,
-- then FIFO), within the instance's free run slots, after returning expired claims to the queue
-- (the claimer died between claim and start). A run held for another live instance is skipped
-- until its hold expires. Cancelled or finished runs never leave the queue this way.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] instanceId   ARGV[2] claim TTL ms   ARGV[3] max runs   ARGV[4] scan limit
-- Returns: {"OK", items} where each item is {runId, executionId, token, fingerprint, inputJson}
--   | {"PAUSED"} | {"INSTANCE_NOT_FOUND"} | {"NOT_ACCEPTING", instanceStatus}
-- Events: run.requeued per expired claim; run.claimed per item.
-- @include ctl
local me = ARGV[1]
reclaim_expired(32)
if redis.call('HGET', C.meta, 'paused') == '1' then return { 'PAUSED' } end
local st = iget(me, 'status')
if not st then return { 'INSTANCE_NOT_FOUND' } end
if st ~= 'ready' then return { 'NOT_ACCEPTING', st } end
local free = tonumber(iget(me, 'slots') or '0') - tonumber(iget(me, 'running') or '0')
  - tonumber(iget(me, 'claimed') or '0')
local max = math.min(tonumber(ARGV[3]), free)
local items = {}
if max <= 0 then return { 'OK', items } end
local ids = redis.call('ZRANGE', C.pending, 0, tonumber(ARGV[4]) - 1)
for _, run in ipairs(ids) do
  if #items >= max then break end
  if rget(run, 'status') ~= 'queued' then
    redis.call('ZREM', C.pending, run)
  else
    local target = rget(run, 'target') or ''
    local held = target ~= '' and target ~= me and tonumber(rget(run, 'texp') or '0') > NOW
      and iget(target, 'status') == 'ready'
    if not held then
      local tok = redis.call('HINCRBY', C.runs, run .. ':tok', 1)
      local cexp = NOW + tonumber(ARGV[2])
      redis.call('ZREM', C.pending, run)
      redis.call('ZADD', C.claims, fmt(cexp), run)
      rset(run, 'status', 'claimed')
      rset(run, 'by', me)
      rset(run, 'cexp', fmt(cexp))
      rset(run, 'upd', fmt(NOW))
      redis.call('HINCRBY', C.runs, run .. ':claims', 1)
      iincr(me, 'claimed', 1)
      emit('run.claimed', run, me, nil, fmt(tok))
      items[#items + 1] = { run, rget(run, 'exec'), fmt(tok), rget(run, 'fp'), rget(run, 'input') }
    end
  end
end
return { 'OK', items }
