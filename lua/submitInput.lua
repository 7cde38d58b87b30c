-- submitInput v1
-- Purpose: accept the answer of a waiting human-input step, once: the step completes with the
-- answer as its output, dependents become ready by trigger rule and the execution finalizes
-- when this was its last step. The answer was validated against the step's schema by the client.
-- Several waiting steps of one execution are answered independently (one script each).
-- Cost: O(dependents) (skip cascades: O(skipped descendants)); O(steps) when it finalizes.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] output JSON   ARGV[4] responded by ("" = anonymous)
-- Returns: {"OK", finalStatus or "", facts} (facts as in completeStep, only when finalized)
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"INPUT_NOT_AWAITED", currentStatus}
-- Ledger: human_input.submitted, step.completed, step.skipped*, execution.<status>.
-- @include base
-- @include settle
local exec, step = ARGV[1], ARGV[2]
local fp = xget(exec, 'fp')
if not fp then return { 'EXECUTION_NOT_FOUND' } end
if not redis.call('HGET', K.def, fp .. ':' .. step .. ':o') then return { 'STEP_NOT_FOUND' } end
local m = exec .. '|' .. step
local status = redis.call('HGET', K.st, m) or 'pending'
if status ~= 'waiting' then return { 'INPUT_NOT_AWAITED', status } end
redis.call('ZREM', K.delayed, m)
redis.call('HSET', K.st, m, 'completed')
redis.call('HSET', K.out, m, ARGV[3])
local attempt = redis.call('HGET', K.att, m) or '1'
emit(exec, 'human_input.submitted', step, attempt, ARGV[4], nil, nil,
  '{"bytes":' .. fmt(string.len(ARGV[3])) .. '}')
emit(exec, 'step.completed', step, attempt, ARGV[4], nil, 'human input', nil)
local made = settle(exec, fp, step, true, 'completed')
local final = finalize(exec) or ''
if made > 0 then wake(made) end
local facts = {}
if final ~= '' then facts = final_facts(exec, fp) end
return { 'OK', final, facts }
