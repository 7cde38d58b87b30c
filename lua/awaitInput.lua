-- awaitInput v3
-- Purpose: a claimed human-input step starts waiting for an answer: the claim ends (lease
-- released, the step no longer counts as running, so pause and cancel are not held up by it) and
-- the step becomes `waiting`. With a timeout it also enters `delayed` at its deadline; a claim's
-- upkeep then fails it with STEP_TIMEOUT unless an answer came first. Fenced by the claim token.
-- On a cancelled execution the step becomes `cancelled`. Cost: O(1) (O(dependents) if cancelled).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token   ARGV[4] workerId
-- ARGV[5] timeout ms (0 = wait forever)   ARGV[6] request JSON (prompt, assignee, context)
-- Returns: {"OK", finalStatus or "", deadlineMs or "0"}
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"STALE_TOKEN", currentStatus}
-- Ledger: human_input.waiting (+ execution.paused) | step.cancelled (+ execution.cancelled); step.stale_rejected.
-- @include base
-- @include settle
-- @include fence
-- @include unclaim
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
local fp, bad = fence(exec, step, token, ARGV[4], 'await')
if not fp then return bad end
local final = unclaim(exec, fp, step, ARGV[4], token, 'cancelled before input')
if final then return { 'OK', final, '0' } end
local m = exec .. '|' .. step
redis.call('HSET', K.st, m, 'waiting')
local deadline = '0'
local timeout = tonumber(ARGV[5]) or 0
if timeout > 0 then
  deadline = fmt(NOW + timeout)
  redis.call('ZADD', K.delayed, deadline, m)
end
emit(exec, 'human_input.waiting', step, redis.call('HGET', K.att, m) or '1', ARGV[4], token,
  nil, ARGV[6])
note_paused(exec)
return { 'OK', '', deadline }
