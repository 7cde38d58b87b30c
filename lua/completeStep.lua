-- completeStep v5
-- Purpose: accept a step's output (fenced by its claim token), release its lease, make dependents
-- ready by trigger rule, finalize the execution when this was its last step, and claim the next
-- ready step for the same worker slot: one round trip per step in steady state.
-- Cost: O(dependents) (skip cascades: O(skipped descendants)) plus the claim.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token   ARGV[4] output JSON
-- ARGV[5] workerId      ARGV[6] max steps to claim next (0 = none)   ARGV[7] default lease ms
-- ARGV[8] execution fingerprint precomputed by a worker that holds every fact (single-step
--   pipelines), stored when this call finalizes the execution as completed; "" otherwise
-- ARGV[9] usage JSON reported by the plugin during the attempt (e.g. LLM tokens and cost), copied
--   into the step.completed ledger event as `usage`; "" or absent when none
-- Returns: {"OK", finalStatus or "", items, facts, storedFingerprint} (items as in claimSteps;
--   facts only when this call finalized and did not store ARGV[8]: {inputJson, step, status,
--   outputJson or "", ...} for the fingerprint; storedFingerprint = ARGV[8] when stored, else "")
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"STALE_TOKEN", currentStatus}
-- Ledger: step.completed; execution.paused when it ended the last running step of a paused one; step.skipped for dependents skipped by their trigger rule;
--   execution.<status> on finalization; execution.fingerprinted when ARGV[8] was stored; step.stale_rejected when the token does not match;
--   step.claimed for the next step(s).
-- @include base
-- @include settle
-- @include claim
-- @include fence
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
local fp, bad = fence(exec, step, token, ARGV[5], 'complete')
if not fp then return bad end
local m = exec .. '|' .. step
redis.call('ZREM', K.leases, m)
redis.call('HSET', K.st, m, 'completed')
redis.call('HSET', K.out, m, ARGV[4])
redis.call('HINCRBY', K.x, exec .. ':run', -1)
local usage = ''
if ARGV[9] and ARGV[9] ~= '' then usage = ',"usage":' .. ARGV[9] end
emit(exec, 'step.completed', step, redis.call('HGET', K.att, m) or '1', ARGV[5], token, nil,
  '{"bytes":' .. fmt(string.len(ARGV[4])) .. usage .. '}')
local made = settle(exec, fp, step, true, 'completed')
local final = finalize(exec) or ''
note_paused(exec)
local items = claim_with_upkeep(ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), made)
local facts, stored = {}, ''
if final == 'completed' and ARGV[8] ~= '' and xget(exec, 'n') == '1' then
  xset(exec, 'fpx', ARGV[8])
  emit(exec, 'execution.fingerprinted', nil, nil, nil, nil, nil, '{"fingerprint":"' .. ARGV[8] .. '"}')
  stored = ARGV[8]
elseif final ~= '' then
  facts = final_facts(exec, fp)
end
return { 'OK', final, items, facts, stored }
