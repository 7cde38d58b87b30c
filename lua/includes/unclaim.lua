-- Give back a fenced claim without finishing the step (needs base.lua and settle.lua); shared by
-- awaitInput, deferStep and releaseStep.

-- Drops the step's lease and stops counting it as running. When the execution is cancelling, the
-- step ends as `cancelled` instead of being parked (`step.cancelled` with `reason`), settle()
-- counts it, and the execution finalizes if nothing else runs. Returns nil when not cancelling
-- (the caller then parks the step its own way), else the final execution status or ''.
-- Cost: O(1), O(dependents) when cancelling.
local function unclaim(exec, fp, step, worker, token, reason)
  local m = exec .. '|' .. step
  redis.call('ZREM', K.leases, m)
  redis.call('HINCRBY', K.x, exec .. ':run', -1)
  if xget(exec, 'cancel') ~= '1' then return nil end
  redis.call('HSET', K.st, m, 'cancelled')
  emit(exec, 'step.cancelled', step, nil, worker, token, reason, nil)
  settle(exec, fp, step, false, 'cancelled')
  return finalize(exec) or ''
end
