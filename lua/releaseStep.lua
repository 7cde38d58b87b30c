-- releaseStep v3
-- Purpose: a worker shutting down gives a claimed step back without running it to the end: the
-- step returns to `ready` (or becomes `cancelled` on a cancelled execution) with its attempt and
-- recovery counters untouched, and an idle worker is woken. Fenced by the claim token. Cost: O(1).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] stepId   ARGV[3] claim token   ARGV[4] workerId
-- Returns: {"OK", finalStatus or ""} | {"EXECUTION_NOT_FOUND"} | {"STEP_NOT_FOUND"}
--   | {"STALE_TOKEN", currentStatus}
-- Ledger: step.released (+ execution.paused) | step.cancelled (+ execution.cancelled);
--   step.stale_rejected.
-- @include base
-- @include settle
-- @include fence
-- @include unclaim
local exec, step, token = ARGV[1], ARGV[2], ARGV[3]
local fp, bad = fence(exec, step, token, ARGV[4], 'release')
if not fp then return bad end
local final = unclaim(exec, fp, step, ARGV[4], token, 'released')
if final then return { 'OK', final } end
emit(exec, 'step.released', step, redis.call('HGET', K.att, exec .. '|' .. step) or '1', ARGV[4],
  token, nil, nil)
make_ready(exec, fp, step)
wake(1)
note_paused(exec)
return { 'OK', '' }
