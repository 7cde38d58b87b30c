-- resumeExecution v1
-- Purpose: resume a paused execution: every parked (`paused`) step becomes ready again and idle
-- workers are woken. Cost: O(steps) once.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] reason   ARGV[3] ledger data JSON (requestedBy)
-- Returns: {"OK", steps made ready}
--   | {"EXECUTION_NOT_FOUND"} | {"WRONG_STATE", status} (terminal, "cancelling", or "running"
--   when it is not paused)
-- Ledger: execution.resumed.
-- @include base
-- @include settle
local exec = ARGV[1]
local status = xget(exec, 'status')
if not status then return { 'EXECUTION_NOT_FOUND' } end
if status ~= 'running' then return { 'WRONG_STATE', status } end
if xget(exec, 'cancel') == '1' then return { 'WRONG_STATE', 'cancelling' } end
if xget(exec, 'pause') ~= '1' then return { 'WRONG_STATE', 'running' } end
xset(exec, 'pause', '0')
local fp = xget(exec, 'fp')
local made = 0
for _, step in ipairs(csv(redis.call('HGET', K.def, fp .. ':steps'))) do
  if redis.call('HGET', K.st, exec .. '|' .. step) == 'paused' then
    make_ready(exec, fp, step)
    made = made + 1
  end
end
emit(exec, 'execution.resumed', nil, nil, nil, nil, ARGV[2], ARGV[3])
if made > 0 then wake(made) end
return { 'OK', made }
