-- Creating one execution (needs base.lua, settle.lua), for createExecution and createExecutions:
-- one implementation, so a batch-created execution is field for field a single-created one.

-- Writes execution `exec` of stored definition `fp` (step count `known` as text, root step ids
-- `roots`), logs `execution.created` and makes the roots ready. The caller checked that `exec`
-- does not exist and calls wake() for the roots. Returns the first ledger stream id.
local function create_execution(exec, fp, input, name, known, roots)
  redis.call('HSET', K.x, exec .. ':status', 'running', exec .. ':fp', fp, exec .. ':start',
    fmt(NOW), exec .. ':input', input, exec .. ':n', known, exec .. ':done', '0', exec .. ':run',
    '0', exec .. ':bad', '0', exec .. ':name', name)
  local first = emit(exec, 'execution.created', nil, nil, nil, nil, nil,
    '{"definition":"' .. fp .. '","steps":' .. known .. '}')
  xset(exec, 'log0', first)
  for _, r in ipairs(roots) do make_ready(exec, fp, r) end
  return first
end
