-- deferStep v4
-- Purpose: a claimed step could not get its concurrency leases or rate-limit units, or the
-- deployment's admission policy refused it: give the claim back without spending an attempt or a recovery and park the step in `delayed` until its
-- retry-after (status `throttled`), so no worker busy-spins on it. Fenced by the claim token.
-- On a cancelled execution the step becomes `cancelled` (and the execution may finalize).
-- Cost: O(1) (O(dependents) when cancelled).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token   ARGV[4] workerId
-- ARGV[5] retry-after ms   ARGV[6] reason (readable)   ARGV[7] details JSON (scope, current, limit;
--   or rule, subject, value for a policy refusal)
-- ARGV[8] ledger event: "policy.denied" (admission policy) or anything else -> "concurrency.denied"
-- Returns: {"OK", finalStatus or "", dueAtMs}
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"STALE_TOKEN", currentStatus}
-- Ledger: concurrency.denied | policy.denied (+ execution.paused) | step.cancelled (+ execution.cancelled); step.stale_rejected.
-- @include base
-- @include settle
-- @include fence
-- @include unclaim
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
local fp, bad = fence(exec, step, token, ARGV[4], 'defer')
if not fp then return bad end
local final = unclaim(exec, fp, step, ARGV[4], token, 'throttled while cancelling')
if final then return { 'OK', final, '0' } end
local m = exec .. '|' .. step
local due = NOW + math.max(1, tonumber(ARGV[5]) or 1)
redis.call('HSET', K.st, m, 'throttled')
redis.call('ZADD', K.delayed, fmt(due), m)
local etype = 'concurrency.denied'
if ARGV[8] == 'policy.denied' then etype = 'policy.denied' end
emit(exec, etype, step, redis.call('HGET', K.att, m) or '1', ARGV[4], token,
  ARGV[6], ARGV[7])
note_paused(exec)
return { 'OK', '', fmt(due) }
