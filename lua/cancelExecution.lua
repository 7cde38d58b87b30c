-- cancelExecution v2
-- Purpose: cancel a running execution. Every step that is not running and not terminal (pending,
-- ready, retry, throttled, paused, waiting for input) becomes `cancelled` at once (removed from
-- ready/delayed); running steps are told through their next
-- heartbeat and end as they report (their result is recorded, nothing downstream starts). The
-- execution finalizes as `cancelled` as soon as no step runs: here if none runs, else in the
-- script that ends the last running step. Cost: O(steps) once.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] reason (ledger)
-- Returns: {"OK", finalStatus or "", running count} | {"EXECUTION_NOT_FOUND"}
--   | {"WRONG_STATE", currentStatus}
-- Ledger: execution.cancel_requested, step.cancelled per step, execution.cancelled.
-- @include base
-- @include settle
local exec = ARGV[1]
local status = xget(exec, 'status')
if not status then return { 'EXECUTION_NOT_FOUND' } end
if status ~= 'running' then return { 'WRONG_STATE', status } end
if xget(exec, 'cancel') == '1' then return { 'OK', '', tonumber(xget(exec, 'run')) } end
local fp = xget(exec, 'fp')
xset(exec, 'cancel', '1')
emit(exec, 'execution.cancel_requested', nil, nil, nil, nil, ARGV[2], nil)
for _, step in ipairs(csv(redis.call('HGET', K.def, fp .. ':steps'))) do
  local m = exec .. '|' .. step
  local st = redis.call('HGET', K.st, m)
  if not st or st == 'ready' or st == 'retry' or st == 'throttled' or st == 'paused'
    or st == 'waiting' then
    redis.call('ZREM', K.ready, m)
    redis.call('ZREM', K.delayed, m)
    redis.call('HSET', K.st, m, 'cancelled')
    emit(exec, 'step.cancelled', step, nil, nil, nil, ARGV[2], nil)
    settle(exec, fp, step, false, 'cancelled')
  end
end
local final = finalize(exec) or ''
return { 'OK', final, tonumber(xget(exec, 'run')) }
