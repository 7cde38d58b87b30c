-- wakeStep v1
-- Purpose: a concurrency lease a throttled step was waiting for has been released: make the step
-- ready now instead of at its retry-after (it may still lose the race and wait again). A step
-- that is no longer throttled (cancelled, already promoted) is left alone. Cost: O(1).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId
-- Returns: {"OK", 1 when woken else 0}
-- Errors: none. Ledger: none (the step's next claim is recorded as usual).
-- @include base
-- @include settle
local m = ARGV[1] .. '|' .. ARGV[2]
if redis.call('HGET', K.st, m) ~= 'throttled' then return { 'OK', 0 } end
redis.call('ZREM', K.delayed, m)
make_ready(ARGV[1], xget(ARGV[1], 'fp'), ARGV[2])
wake(1)
return { 'OK', 1 }
