-- forkExecution v1
-- Purpose: `ordo rerun <source> --from <step>`: create a new execution of a recorded definition
-- and input in which the given steps (the completed steps upstream of `step`) start completed
-- with their recorded outputs, so no plugin runs for them; every other step runs normally.
-- Cost: O(steps) once.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] new executionId   ARGV[2] definition fingerprint   ARGV[3] input JSON
-- ARGV[4] pipeline name     ARGV[5] source executionId       ARGV[6] step the rerun starts from
-- ARGV[7] reused step count R, then R pairs: step id, recorded output JSON
-- then the definition: IR JSON, N, N groups of 9 fields (as in createExecution)
-- Returns: {"OK", first stream id, steps made ready} | {"EXECUTION_EXISTS", status}
-- Ledger: execution.created (data.forkedFrom), execution.forked, step.reused per reused step,
--   step.skipped for steps a reused state skips by trigger rule.
-- @include base
-- @include settle
-- @include definition
local exec, fp = ARGV[1], ARGV[2]
local current = xget(exec, 'status')
if current then return { 'EXECUTION_EXISTS', current } end
local r = tonumber(ARGV[7])
local n = store_definition(fp, 8 + r * 2)
redis.call('HSET', K.x, exec .. ':status', 'running', exec .. ':fp', fp, exec .. ':start', fmt(NOW),
  exec .. ':input', ARGV[3], exec .. ':n', n, exec .. ':done', '0', exec .. ':run', '0',
  exec .. ':bad', '0', exec .. ':name', ARGV[4])
local first = emit(exec, 'execution.created', nil, nil, nil, nil, nil,
  '{"definition":"' .. fp .. '","steps":' .. n .. ',"forkedFrom":"' .. ARGV[5] .. '"}')
xset(exec, 'log0', first)
emit(exec, 'execution.forked', ARGV[6], nil, nil, nil, nil,
  '{"source":"' .. ARGV[5] .. '","reused":' .. fmt(r) .. '}')
local reused = {}
for i = 0, r - 1 do
  local step = ARGV[8 + i * 2]
  local m = exec .. '|' .. step
  reused[step] = true
  redis.call('HSET', K.st, m, 'completed')
  redis.call('HSET', K.out, m, ARGV[9 + i * 2])
  emit(exec, 'step.reused', step, nil, nil, nil, nil, '{"source":"' .. ARGV[5] .. '"}')
end
local made = 0
for i = 0, r - 1 do made = made + settle(exec, fp, ARGV[8 + i * 2], true, 'completed') end
for _, root in ipairs(csv(redis.call('HGET', K.def, fp .. ':roots'))) do
  if not reused[root] then
    make_ready(exec, fp, root)
    made = made + 1
  end
end
finalize(exec)
wake(made)
return { 'OK', first, made }
