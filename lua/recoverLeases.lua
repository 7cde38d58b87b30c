-- recoverLeases v3
-- Purpose: upkeep of one partition without claiming: promote due retries and recover expired
-- leases (bounded). Workers also do this inside every claim; this script serves idle sweeps,
-- operators and tests. Cost: O(limit).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] limit per kind (promotions, recoveries)
-- Returns: {"OK", promoted, recovered}
-- Ledger: step.recovered per expired lease; step.cancelled and execution.cancelled when a
--   recovery ends a step of a cancelled execution.
-- @include base
-- @include settle
-- @include claim
local limit = math.max(1, tonumber(ARGV[1]) or 100)
local promoted = promote_due(limit)
local recovered = recover_due(limit)
if promoted + recovered > 0 then wake(math.min(promoted + recovered, redis.call('ZCARD', K.ready))) end
return { 'OK', promoted, recovered }
