-- Claim-token fencing for complete/fail/heartbeat/release (needs base.lua).

-- Returns the execution's definition fingerprint when `token` is the step's current token and the
-- step is running; otherwise nil plus the error reply to return. A stale complete/fail is also
-- written to the ledger (`step.stale_rejected`) so the rejected decision stays auditable.
local function fence(exec, step, token, worker, action)
  local fp = xget(exec, 'fp')
  if not fp then return nil, { 'EXECUTION_NOT_FOUND' } end
  local m = exec .. '|' .. step
  local status = redis.call('HGET', K.st, m) or 'pending'
  if status ~= 'running' or redis.call('HGET', K.tok, m) ~= token then
    -- Only the rejection path pays for telling an unknown step from a stale token.
    if not redis.call('HGET', K.def, fp .. ':' .. step .. ':o') then
      return nil, { 'STEP_NOT_FOUND' }
    end
    if action ~= 'heartbeat' then
      emit(exec, 'step.stale_rejected', step, redis.call('HGET', K.att, m) or '1', worker, token,
        action, '{"status":"' .. status .. '"}')
    end
    return nil, { 'STALE_TOKEN', status }
  end
  return fp, nil
end
