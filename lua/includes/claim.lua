-- Claiming, retry promotion and lease recovery (needs base.lua and settle.lua).

-- A human-input step reached its deadline without an answer: it fails (non-retryable
-- STEP_TIMEOUT); dependents decide by trigger rule, so an any_success/all_done step can handle it.
local function input_timed_out(exec, step, m)
  local fp = xget(exec, 'fp')
  local attempt = redis.call('HGET', K.att, m) or '1'
  redis.call('HSET', K.st, m, 'failed')
  redis.call('HSET', K.err, m, '{"code":"STEP_TIMEOUT","message":"no human input before the deadline","retryable":false}')
  emit(exec, 'human_input.timed_out', step, attempt, nil, nil, 'deadline passed', nil)
  emit(exec, 'step.failed', step, attempt, nil, nil, 'STEP_TIMEOUT', nil)
  local made = settle(exec, fp, step, false, 'failed')
  finalize(exec)
  return made
end

-- Retries and throttled steps whose time has come go back to the ready queue, ready since their
-- due time (the wait for this upkeep to run is queue wait, not retry delay); human-input deadlines
-- that passed fail their step. Bounded per call.
local function promote_due(limit)
  local due = redis.call('ZRANGEBYSCORE', K.delayed, '-inf', fmt(NOW), 'WITHSCORES', 'LIMIT', 0,
    limit)
  for i = 1, #due, 2 do
    local m = due[i]
    redis.call('ZREM', K.delayed, m)
    local exec, step = split_member(m)
    local st = redis.call('HGET', K.st, m)
    if st == 'retry' or st == 'throttled' then
      make_ready(exec, xget(exec, 'fp'), step, tonumber(due[i + 1]))
    elseif st == 'waiting' then
      input_timed_out(exec, step, m)
    end
  end
  return #due / 2
end

-- Expired leases: the owner is presumed dead. The step goes back to ready (or becomes cancelled),
-- `rec` grows by one and the attempt number does not change. The old token stops matching
-- because the status is no longer `running` and the next claim bumps the token.
local function recover_due(limit)
  local due = redis.call('ZRANGEBYSCORE', K.leases, '-inf', fmt(NOW), 'WITHSCORES', 'LIMIT', 0,
    limit)
  for i = 1, #due, 2 do
    local m = due[i]
    redis.call('ZREM', K.leases, m)
    local exec, step = split_member(m)
    if redis.call('HGET', K.st, m) == 'running' then
      local fp = xget(exec, 'fp')
      redis.call('HINCRBY', K.x, exec .. ':run', -1)
      local rec = redis.call('HINCRBY', K.rec, m, 1)
      emit(exec, 'step.recovered', step, redis.call('HGET', K.att, m) or '1', nil,
        redis.call('HGET', K.tok, m), 'lease expired', '{"recoveries":' .. fmt(rec) .. '}')
      if xget(exec, 'cancel') == '1' then
        -- Like every other path that ends a step as cancelled, the ledger says so (replay audit).
        redis.call('HSET', K.st, m, 'cancelled')
        emit(exec, 'step.cancelled', step, redis.call('HGET', K.att, m) or '1', nil,
          redis.call('HGET', K.tok, m), 'lease expired while cancelling', nil)
        settle(exec, fp, step, false, 'cancelled')
        finalize(exec)
      else
        make_ready(exec, fp, step, tonumber(due[i + 1])) -- claimable since the lease expired
        note_paused(exec)
      end
    end
  end
  return #due / 2
end

-- When a popped step became claimable (make_ready's `r<ms>`), or '' when its readiness was
-- recorded by an older script version (the dc field then holds a count, or nothing).
local function ready_since(m)
  local v = redis.call('HGET', K.dc, m)
  if v and string.sub(v, 1, 1) == 'r' then return string.sub(v, 2) end
  return ''
end

-- Pop up to `max` ready steps for `worker`: token + lease + `step.claimed` event. Each item is
-- { exec, step, token, attempt, recoveries, fp, leaseDeadlineMs, readyAtMs, claimedAtMs,
--   inputJson, dep1, out1, ... } carrying the pipeline input and every dependency's output, so the
-- worker needs no extra read. readyAtMs ('' when unknown) and claimedAtMs are Redis-clock ms, so
-- their difference is the step's queue wait free of worker clock skew.
local function claim_ready(worker, max, default_lease)
  local items = {}
  while #items < max do
    local popped = redis.call('ZPOPMIN', K.ready, 1)
    if not popped[1] then break end
    local m = popped[1]
    local exec, step = split_member(m)
    local st = redis.call('HGET', K.st, m)
    if st == 'ready' and xget(exec, 'pause') == '1' then
      -- Paused execution: park the step; resumeExecution makes it ready again.
      redis.call('HSET', K.st, m, 'paused')
    elseif st == 'ready' then
      local fp = xget(exec, 'fp')
      local token = redis.call('HINCRBY', K.tok, m, 1)
      local attempt = redis.call('HGET', K.att, m) or '1'
      local lease = tonumber(dget(fp, step, 'ls') or '0')
      if lease <= 0 then lease = default_lease end
      redis.call('HSET', K.st, m, 'running')
      redis.call('HINCRBY', K.x, exec .. ':run', 1)
      redis.call('ZADD', K.leases, fmt(NOW + lease), m)
      emit(exec, 'step.claimed', step, attempt, worker, fmt(token), nil, nil)
      local item = { exec, step, fmt(token), attempt, redis.call('HGET', K.rec, m) or '0', fp,
        fmt(NOW + lease), ready_since(m), fmt(NOW), xget(exec, 'input') }
      local ups = csv(dget(fp, step, 'up'))
      if #ups > 0 then
        -- Every dependency's output in one HMGET; a dependency without output is left out.
        local members = {}
        for i, d in ipairs(ups) do members[i] = exec .. '|' .. d end
        local outs = hmget(K.out, members)
        for i, d in ipairs(ups) do
          if outs[i] then
            item[#item + 1] = d
            item[#item + 1] = outs[i]
          end
        end
      end
      items[#items + 1] = item
    end
  end
  return items
end

-- The claim half of complete/fail/claim scripts: promote due retries, recover a few expired
-- leases, then claim. Wakes other workers for ready steps this caller leaves behind, and trims
-- stale wake tokens.
local function claim_with_upkeep(worker, max, default_lease, made_ready)
  local moved = promote_due(16) + recover_due(16)
  local items = {}
  if max > 0 then items = claim_ready(worker, max, default_lease) end
  made_ready = made_ready + moved
  local left = redis.call('ZCARD', K.ready)
  if made_ready > 0 and left > 0 then wake(math.min(made_ready, left)) end
  -- Invariant: no more wake tokens than ready steps. Tokens go stale when busy workers claim
  -- the steps they announced; without this trim idle workers would chase them one by one.
  if left == 0 then
    redis.call('DEL', K.wake)
  else
    redis.call('LTRIM', K.wake, 0, left - 1)
  end
  return items
end
