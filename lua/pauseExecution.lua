-- pauseExecution v1
-- Purpose: pause a running execution: nothing new is claimed (ready steps are parked as
-- `paused`; steps that become ready later are parked when a claim pops them), running steps
-- finish normally. The execution reads `pausing` while steps run, `paused` once none runs.
-- Idempotent: pausing a paused execution changes nothing. Cost: O(steps) once.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] reason   ARGV[3] ledger data JSON (requestedBy)
-- Returns: {"OK", running count, "1" when it was already paused else "0"}
--   | {"EXECUTION_NOT_FOUND"} | {"WRONG_STATE", status} (terminal, or "cancelling")
-- Ledger: execution.pause_requested; execution.paused when no step runs.
-- @include base
local exec = ARGV[1]
local status = xget(exec, 'status')
if not status then return { 'EXECUTION_NOT_FOUND' } end
if status ~= 'running' then return { 'WRONG_STATE', status } end
if xget(exec, 'cancel') == '1' then return { 'WRONG_STATE', 'cancelling' } end
local running = tonumber(xget(exec, 'run') or '0')
if xget(exec, 'pause') == '1' then return { 'OK', running, '1' } end
xset(exec, 'pause', '1')
emit(exec, 'execution.pause_requested', nil, nil, nil, nil, ARGV[2], ARGV[3])
local fp = xget(exec, 'fp')
for _, step in ipairs(csv(redis.call('HGET', K.def, fp .. ':steps'))) do
  local m = exec .. '|' .. step
  if redis.call('HGET', K.st, m) == 'ready' then
    redis.call('ZREM', K.ready, m)
    redis.call('HSET', K.st, m, 'paused')
  end
end
if running == 0 then emit(exec, 'execution.paused', nil, nil, nil, nil, ARGV[2], nil) end
return { 'OK', running, '0' }
