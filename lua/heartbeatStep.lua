-- heartbeatStep v1
-- Purpose: extend the lease of a running step, fenced by its claim token, and tell the worker
-- whether the execution was cancelled (so it aborts the step's AbortSignal). Cost: O(1).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token   ARGV[4] lease ms from now
-- Returns: {"OK", newDeadlineMs, cancelled "1"|"0"}
--   | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"} | {"STALE_TOKEN", currentStatus}
-- Ledger: none (a heartbeat is not a decision; a lost lease shows up as step.recovered).
-- @include base
-- @include fence
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
local fp, bad = fence(exec, step, token, '', 'heartbeat')
if not fp then return bad end
local deadline = NOW + math.max(1, tonumber(ARGV[4]) or 1)
redis.call('ZADD', K.leases, fmt(deadline), exec .. '|' .. step)
return { 'OK', fmt(deadline), xget(exec, 'cancel') or '0' }
