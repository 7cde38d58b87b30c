-- instanceHeartbeat v1
-- Purpose: an instance reports it is alive, with its in-flight step count. A stale instance (its
-- heartbeat was late, its claims were requeued) becomes ready again; a stopped or unknown one is
-- not revived (it must register).
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] instanceId   ARGV[2] in-flight steps   ARGV[3] worker slots ('' = unchanged)
-- Returns: {"OK", status} | {"INSTANCE_NOT_FOUND"} | {"STOPPED"}
-- Events: instance.recovered (stale -> ready).
-- @include ctl
local id = ARGV[1]
local status = iget(id, 'status')
if not status then return { 'INSTANCE_NOT_FOUND' } end
if status == 'stopped' then return { 'STOPPED' } end
iset(id, 'hb', fmt(NOW))
iset(id, 'inflight', ARGV[2])
if ARGV[3] ~= '' then iset(id, 'wslots', ARGV[3]) end
redis.call('ZADD', C.insts, fmt(NOW), id)
if status == 'stale' then
  iset(id, 'status', 'ready')
  emit('instance.recovered', nil, id, 'heartbeat resumed', nil)
  status = 'ready'
end
return { 'OK', status }
