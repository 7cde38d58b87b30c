-- claimSteps v4
-- Purpose: give a worker up to N ready steps of this partition (oldest execution first), after
-- promoting due retries and recovering expired leases (bounded, so any worker does the upkeep and
-- no recovery daemon is needed). Cost: O(N * dependencies) plus the bounded upkeep.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] workerId (ledger)
-- ARGV[2] max steps to claim (0 = upkeep only)
-- ARGV[3] default lease ms, used when the step's definition stores no lease
-- Returns: {"OK", items} where each item is {exec, step, token, attempt, recoveries, fp,
--   leaseDeadlineMs, readyAtMs, claimedAtMs, inputJson, depId1, depOutputJson1, ...}; readyAtMs
--   is when the step became claimable ('' if unknown), claimedAtMs this call's time (Redis clock)
-- Errors: none (an empty queue gives an empty list).
-- Ledger: step.claimed per item; step.recovered per expired lease; step.cancelled and
--   execution.cancelled when a recovery ends a step of a cancelled execution.
-- @include base
-- @include settle
-- @include claim
local items = claim_with_upkeep(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), 0)
return { 'OK', items }
