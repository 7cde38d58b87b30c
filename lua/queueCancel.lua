-- queueCancel v2
-- Purpose: cancel a run. A queued or claimed run becomes `cancelled` at once and never starts (a
-- claimer that already created the execution learns it from queueStart and cancels it). A running
-- run is flagged and the caller forwards the cancel to its execution; the run turns `cancelled`
-- when the execution finishes (queueFinish).
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] runId   ARGV[2] reason   ARGV[3] requested by (recorded as the event data; may be absent)
-- Returns: {"CANCELLED", executionId} | {"RUNNING", executionId} | {"TERMINAL", status}
--   | {"RUN_NOT_FOUND"}
-- Events: run.cancelled (queued/claimed) or run.cancel_requested (running).
-- @include ctl
local run, reason, by = ARGV[1], ARGV[2], ARGV[3]
local status = rget(run, 'status')
if not status then return { 'RUN_NOT_FOUND' } end
if status == 'completed' or status == 'failed' or status == 'cancelled' then
  return { 'TERMINAL', status }
end
rset(run, 'cancel', '1')
rset(run, 'upd', fmt(NOW))
if status == 'running' then
  emit('run.cancel_requested', run, rget(run, 'inst'), reason, by)
  return { 'RUNNING', rget(run, 'exec') }
end
drop_claim(run)
redis.call('ZREM', C.pending, run)
rset(run, 'status', 'cancelled')
rset(run, 'reason', reason)
rset(run, 'fin', fmt(NOW))
emit('run.cancelled', run, nil, reason, by)
return { 'CANCELLED', rget(run, 'exec') }
