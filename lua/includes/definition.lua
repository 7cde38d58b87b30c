-- Storing a definition in a partition (needs base.lua), for createExecution, restoreExecution and
-- forkExecution (TS side: definitionArgs in packages/runtime/src/hot/scripts.ts).

-- Stores the definition whose rows start at ARGV[first] (IR JSON, step count N, then N groups of
-- 9 fields: id, order, dependency count, trigger, dependents csv, dependencies csv, lease ms,
-- sink, handled) unless the partition already has it. Returns the step count as text.
local function store_definition(fp, first)
  local known = redis.call('HGET', K.def, fp .. ':n')
  if known then return known end
  local n = tonumber(ARGV[first + 1])
  local ids, roots = {}, {}
  redis.call('HSET', K.def, fp .. ':ir', ARGV[first])
  for i = 0, n - 1 do
    local b = first + 2 + i * 9
    local id = ARGV[b]
    ids[#ids + 1] = id
    if ARGV[b + 2] == '0' then roots[#roots + 1] = id end
    local p = fp .. ':' .. id .. ':'
    redis.call('HSET', K.def, p .. 'o', ARGV[b + 1], p .. 'nd', ARGV[b + 2], p .. 'tr', ARGV[b + 3],
      p .. 'dn', ARGV[b + 4], p .. 'up', ARGV[b + 5], p .. 'ls', ARGV[b + 6], p .. 'sk', ARGV[b + 7],
      p .. 'h', ARGV[b + 8])
  end
  redis.call('HSET', K.def, fp .. ':steps', table.concat(ids, ','), fp .. ':roots',
    table.concat(roots, ','), fp .. ':n', fmt(n))
  return fmt(n)
end
