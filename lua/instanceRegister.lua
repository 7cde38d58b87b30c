-- instanceRegister v1
-- Purpose: register a runtime instance (or re-register: a stopped or stale id becomes ready
-- again, keeping its registration time) and record its capacity. Also the heartbeat's fallback
-- when the instance record was lost.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] instanceId ({host}:{pid}:{random})   ARGV[2] host   ARGV[3] pid
-- ARGV[4] run slots   ARGV[5] worker slots   ARGV[6] runtime version   ARGV[7] metadata JSON
-- Returns: {"OK", previousStatus or ""}
-- Events: instance.registered (new) | instance.reactivated (was stopped or stale).
-- @include ctl
local id = ARGV[1]
local prev = iget(id, 'status') or ''
local fields = { 'status', 'ready', 'host', ARGV[2], 'pid', ARGV[3], 'slots', ARGV[4],
  'wslots', ARGV[5], 'ver', ARGV[6], 'meta', ARGV[7], 'hb', fmt(NOW) }
for i = 1, #fields, 2 do iset(id, fields[i], fields[i + 1]) end
if prev == '' then
  iset(id, 'reg', fmt(NOW))
  iset(id, 'inflight', '0')
  iset(id, 'running', '0')
  iset(id, 'claimed', '0')
end
redis.call('ZADD', C.insts, fmt(NOW), id)
if prev == '' then
  emit('instance.registered', nil, id, nil, nil)
elseif prev == 'stopped' or prev == 'stale' then
  emit('instance.reactivated', nil, id, prev, nil)
end
return { 'OK', prev }
