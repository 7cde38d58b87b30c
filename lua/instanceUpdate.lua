-- instanceUpdate v1
-- Purpose: change instance states. "drain": no new runs are assigned or claimed (started runs
-- finish). "undrain": back to ready. "stop": unregistered (kept, hidden from default listings;
-- registering again reactivates it); its claimed, not started runs go back to the queue.
-- "sweep": every ready or draining instance whose heartbeat is older than ARGV[2] ms becomes
-- stale and its claimed runs are requeued; expired claims are requeued too.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] action: drain | undrain | stop | sweep
-- ARGV[2] instanceId (drain, undrain, stop) or stale-after ms (sweep)   ARGV[3] reason
-- Returns: {"OK", status} | {"OK", staleId1, ...} for sweep | {"INSTANCE_NOT_FOUND"}
--   | {"WRONG_STATE", status}
-- Events: instance.draining | instance.ready | instance.stopped | instance.stale; run.requeued.
-- @include ctl
local function release_claims(id, reason)
  for _, run in ipairs(redis.call('ZRANGE', C.claims, 0, -1)) do
    if rget(run, 'by') == id then requeue(run, reason) end
  end
end
local action = ARGV[1]
if action == 'sweep' then
  reclaim_expired(64)
  local out = { 'OK' }
  local late = redis.call('ZRANGEBYSCORE', C.insts, '-inf', fmt(NOW - tonumber(ARGV[2])))
  for _, id in ipairs(late) do
    local st = iget(id, 'status')
    if st == 'ready' or st == 'draining' then
      iset(id, 'status', 'stale')
      emit('instance.stale', nil, id, ARGV[3], iget(id, 'hb'))
      release_claims(id, 'instance stale')
      out[#out + 1] = id
    end
  end
  return out
end
local id = ARGV[2]
local status = iget(id, 'status')
if not status then return { 'INSTANCE_NOT_FOUND' } end
local to = ({ drain = 'draining', undrain = 'ready', stop = 'stopped' })[action]
if not to then return { 'WRONG_STATE', status } end
if status == 'stopped' and to ~= 'stopped' then return { 'WRONG_STATE', status } end
if status ~= to then
  iset(id, 'status', to)
  local etype = 'instance.' .. to
  if to == 'draining' then etype = 'instance.draining' end
  emit(etype, nil, id, ARGV[3], nil)
  if to == 'ready' then wake() end
end
if to == 'stopped' then release_claims(id, 'instance stopped') end
return { 'OK', to }
