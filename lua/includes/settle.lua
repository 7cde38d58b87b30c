-- Readiness, skip propagation by trigger rule, and finalization (needs base.lua).

-- Put a step into the partition's ready queue: older executions first, then topological order.
-- `since` (ms, Redis clock; default NOW) is when the step became claimable: a promoted retry or
-- throttled step passes its due time, a recovered one its lease deadline. It is kept in the step's
-- `dc` field as `r<ms>` (the dependency count is never read once the step has a status), and the
-- claim returns it for the queue-wait metric.
local function make_ready(exec, fp, step, since)
  local m = exec .. '|' .. step
  redis.call('HSET', K.st, m, 'ready')
  redis.call('HSET', K.dc, m, 'r' .. fmt(since or NOW))
  local order = math.min(tonumber(dget(fp, step, 'o')) or 0, 1023)
  redis.call('ZADD', K.ready, fmt(tonumber(xget(exec, 'start')) * 1024 + order), m)
end

-- Exactly once: only while the execution is `running`, and only when every step is terminal
-- (so never while a step runs). Status is a pure function of counters kept by settle():
-- cancelled if cancel was requested, failed if any failure was not handled, else completed.
local function finalize(exec)
  -- One HMGET for counters and flags (nothing writes them in between); most calls end a step
  -- that is not the last one and stop at the first test.
  local f = redis.call('HMGET', K.x, exec .. ':done', exec .. ':n', exec .. ':status',
    exec .. ':cancel', exec .. ':bad')
  if tonumber(f[1]) < tonumber(f[2]) then return false end
  if f[3] ~= 'running' then return false end
  local status = 'completed'
  if f[4] == '1' then
    status = 'cancelled'
  elseif tonumber(f[5] or '0') > 0 then
    status = 'failed'
  end
  redis.call('HSET', K.x, exec .. ':status', status, exec .. ':fin', fmt(NOW))
  redis.call('ZADD', K.fin, fmt(NOW), exec)
  emit(exec, 'execution.' .. status, nil, nil, nil, nil, nil, nil)
  return status
end

-- A step reached a terminal status. `ok` = it completed. Counts it, marks the execution bad when
-- the failure is unhandled (a failed step without an any_success dependent, or a sink that did not
-- complete), then walks dependents: all_success skips at once on a non-ok dependency, any_success
-- and all_done decide when every dependency is terminal. Skips cascade (worklist, no recursion).
-- Returns the number of steps made ready.
local function settle(exec, fp, step, ok, status)
  local made_ready = 0
  local cancelled = xget(exec, 'cancel') == '1'
  local work = { { step, ok, status } }
  local i = 1
  while work[i] do
    local s, s_ok, s_status = work[i][1], work[i][2], work[i][3]
    i = i + 1
    redis.call('HINCRBY', K.x, exec .. ':done', 1)
    if s_status == 'failed' and dget(fp, s, 'h') ~= '1' then
      redis.call('HINCRBY', K.x, exec .. ':bad', 1)
    elseif not s_ok and dget(fp, s, 'sk') == '1' then
      redis.call('HINCRBY', K.x, exec .. ':bad', 1)
    end
    if not cancelled then
      for _, d in ipairs(csv(dget(fp, s, 'dn'))) do
        local dm = exec .. '|' .. d
        if not redis.call('HGET', K.st, dm) then
          local dc = redis.call('HINCRBY', K.dc, dm, 1)
          local okc
          if s_ok then
            okc = redis.call('HINCRBY', K.ok, dm, 1)
          else
            okc = tonumber(redis.call('HGET', K.ok, dm) or '0')
          end
          local nd = tonumber(dget(fp, d, 'nd'))
          local rule = dget(fp, d, 'tr')
          local verdict = nil
          if rule == 'all_success' then
            if not s_ok then verdict = 'skip' elseif dc >= nd then verdict = 'run' end
          elseif dc >= nd then
            if rule == 'all_done' or okc > 0 then verdict = 'run' else verdict = 'skip' end
          end
          if verdict == 'run' then
            make_ready(exec, fp, d)
            made_ready = made_ready + 1
          elseif verdict == 'skip' then
            redis.call('HSET', K.st, dm, 'skipped')
            emit(exec, 'step.skipped', d, nil, nil, nil, 'trigger ' .. rule, nil)
            work[#work + 1] = { d, false, 'skipped' }
          end
        end
      end
    end
  end
  return made_ready
end

-- A paused execution whose last running step just ended is now fully paused: record it once
-- (`execution.paused`). Call after the step's end was recorded; a finalized execution is not paused.
local function note_paused(exec)
  if xget(exec, 'pause') == '1' and xget(exec, 'status') == 'running'
    and tonumber(xget(exec, 'run') or '0') == 0 then
    emit(exec, 'execution.paused', nil, nil, nil, nil, 'no step running', nil)
  end
end

-- Terminal facts for the execution fingerprint, returned by the script that finalized, so the
-- worker computes the fingerprint without reading the execution back: {inputJson, step1, status1,
-- output1 ('' when none), ...} in definition order. O(steps), once per execution.
local function final_facts(exec, fp)
  local facts = { xget(exec, 'input') }
  local steps = csv(redis.call('HGET', K.def, fp .. ':steps'))
  local members = {}
  for i, s in ipairs(steps) do members[i] = exec .. '|' .. s end
  -- Two HMGETs instead of two HGETs per step.
  local sts = hmget(K.st, members)
  local outs = hmget(K.out, members)
  for i, s in ipairs(steps) do
    facts[#facts + 1] = s
    facts[#facts + 1] = sts[i] or 'pending'
    facts[#facts + 1] = outs[i] or ''
  end
  return facts
end
