-- queueFinish v1
-- Purpose: record a run's terminal status: from `running` when its execution reached a terminal
-- status (any observer may report it; idempotent), or from `claimed` when the claimer could not
-- start it (token required, e.g. the input failed validation), or release a claim back to the
-- queue (status `queued`, token required) when starting failed for a retryable reason.
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] runId   ARGV[2] status: completed | failed | cancelled | queued
-- ARGV[3] reason  ARGV[4] claim token ('' when finishing a running run)
-- Returns: {"OK", status} | {"ALREADY", status} (already terminal: unchanged)
--   | {"RUN_NOT_FOUND"} | {"STALE_TOKEN", status}
-- Events: run.completed | run.failed | run.cancelled, or run.requeued.
-- @include ctl
local run, want, reason, token = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local status = rget(run, 'status')
if not status then return { 'RUN_NOT_FOUND' } end
if status == 'completed' or status == 'failed' or status == 'cancelled' then
  return { 'ALREADY', status }
end
if status == 'claimed' then
  if token == '' or rget(run, 'tok') ~= token then return { 'STALE_TOKEN', status } end
  if want == 'queued' then
    requeue(run, reason)
    return { 'OK', 'queued' }
  end
  drop_claim(run)
  wake()
elseif status == 'running' then
  if want == 'queued' then return { 'STALE_TOKEN', status } end
  redis.call('ZREM', C.active, run)
  iincr(rget(run, 'inst'), 'running', -1)
  wake()
else
  return { 'STALE_TOKEN', status }
end
redis.call('ZREM', C.pending, run)
rset(run, 'status', want)
rset(run, 'reason', reason)
rset(run, 'fin', fmt(NOW))
rset(run, 'upd', fmt(NOW))
emit('run.' .. want, run, rget(run, 'inst'), reason, rget(run, 'exec'))
return { 'OK', want }
