-- queueStart v1
-- Purpose: the claimer reports that the run's execution exists: the run becomes `running` on the
-- claiming instance. Fenced by the claim token, so a claimer whose claim expired (and was taken
-- by another instance) cannot mark it. A run cancelled while claimed reports CANCELLED: the
-- caller then cancels the execution it created.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] runId   ARGV[2] claim token   ARGV[3] instanceId
-- Returns: {"OK", executionId} | {"RUN_NOT_FOUND"} | {"CANCELLED", executionId}
--   | {"STALE_TOKEN", status}
-- Events: run.started.
-- @include ctl
local run = ARGV[1]
local status = rget(run, 'status')
if not status then return { 'RUN_NOT_FOUND' } end
if status == 'cancelled' then return { 'CANCELLED', rget(run, 'exec') } end
if status ~= 'claimed' or rget(run, 'tok') ~= ARGV[2] or rget(run, 'by') ~= ARGV[3] then
  return { 'STALE_TOKEN', status }
end
drop_claim(run)
rset(run, 'status', 'running')
rset(run, 'inst', ARGV[3])
rset(run, 'start', fmt(NOW))
rset(run, 'upd', fmt(NOW))
redis.call('ZADD', C.active, fmt(NOW), run)
iincr(ARGV[3], 'running', 1)
emit('run.started', run, ARGV[3], nil, rget(run, 'exec'))
return { 'OK', rget(run, 'exec') }
