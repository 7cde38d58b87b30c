-- failStep v4
-- Purpose: record a failed attempt (fenced by its claim token). The worker decides, from the
-- retry policy and the error, whether to retry (the delay, with seeded jitter, is computed in TS
-- so replays are reproducible) or to fail terminally; this script applies the decision atomically.
-- Retry: attempt+1, status `retry`, into `delayed` at now+delay. Terminal: status `failed`,
-- dependents skipped or run by trigger rule, finalization when it was the last step. On a
-- cancelled execution the step becomes `cancelled` instead of retrying. Then claims the next step.
-- Cost: O(dependents) (skip cascades: O(skipped descendants)) plus the claim.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token
-- ARGV[4] "retry" | "fail"   ARGV[5] retry delay ms   ARGV[6] error JSON   ARGV[7] error code
-- ARGV[8] workerId   ARGV[9] max steps to claim next (0 = none)   ARGV[10] default lease ms
-- Returns: {"OK", finalStatus or "", items, outcome ("retry"|"failed"|"cancelled"), attempt, facts}
--   (facts as in completeStep, only when this call finalized)
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"STALE_TOKEN", currentStatus}
-- Ledger: step.retry_scheduled | step.failed | step.cancelled; execution.paused (see completeStep); step.skipped for dependents;
--   execution.<status> on finalization; step.stale_rejected; step.claimed for the next step(s).
-- @include base
-- @include settle
-- @include claim
-- @include fence
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
local fp, bad = fence(exec, step, token, ARGV[8], 'fail')
if not fp then return bad end
local m = exec .. '|' .. step
local attempt = tonumber(redis.call('HGET', K.att, m) or '1')
redis.call('ZREM', K.leases, m)
redis.call('HSET', K.err, m, ARGV[6])
redis.call('HINCRBY', K.x, exec .. ':run', -1)
local outcome, made, final = ARGV[4], 0, ''
if xget(exec, 'cancel') == '1' then outcome = 'cancelled' end
if outcome == 'retry' then
  local delay = math.max(0, tonumber(ARGV[5]) or 0)
  attempt = attempt + 1
  redis.call('HSET', K.att, m, fmt(attempt))
  redis.call('HSET', K.st, m, 'retry')
  redis.call('ZADD', K.delayed, fmt(NOW + delay), m)
  emit(exec, 'step.retry_scheduled', step, attempt - 1, ARGV[8], token, ARGV[7],
    '{"delayMs":' .. fmt(delay) .. ',"dueAt":' .. fmt(NOW + delay) .. '}')
else
  if outcome ~= 'cancelled' then outcome = 'failed' end
  redis.call('HSET', K.st, m, outcome)
  emit(exec, 'step.' .. outcome, step, attempt, ARGV[8], token, ARGV[7], nil)
  made = settle(exec, fp, step, false, outcome)
  final = finalize(exec) or ''
end
note_paused(exec)
local items = claim_with_upkeep(ARGV[8], tonumber(ARGV[9]), tonumber(ARGV[10]), made)
local facts = {}
if final ~= '' then facts = final_facts(exec, fp) end
return { 'OK', final, items, outcome, attempt, facts }
