-- evictExecution v1
-- Purpose: retention of a terminal execution whose ledger is fully shipped and whose snapshot is
-- archived (the caller checked the durable store first: archive before remove). `evict` removes
-- the execution from hot state entirely; `compact` keeps its status fields and step statuses but
-- drops outputs, errors and counters (readers then use the durable snapshot). The definition
-- stays (shared by fingerprint). Refuses while ledger events are not shipped, so nothing is lost.
-- Cost: O(steps) once.
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] "evict" | "compact"
-- ARGV[3] durable ledger head seq (the caller's view of what is shipped)   ARGV[4] reason (ledger)
-- Returns: {"OK", steps removed or compacted} | {"EXECUTION_NOT_FOUND"}
--   | {"WRONG_STATE", status} (not terminal) | {"NOT_SHIPPED", hot seq} (ledger not fully shipped)
-- Ledger: retention.evicted | retention.compacted (shipped later from the stream, seq + 1).
-- @include base
local exec, mode = ARGV[1], ARGV[2]
local status = xget(exec, 'status')
if not status then return { 'EXECUTION_NOT_FOUND' } end
if status == 'running' then return { 'WRONG_STATE', status } end
local seq = xget(exec, 'seq') or '0'
if tonumber(seq) ~= tonumber(ARGV[3]) then return { 'NOT_SHIPPED', seq } end
local fp = xget(exec, 'fp')
local steps = csv(redis.call('HGET', K.def, fp .. ':steps'))
emit(exec, 'retention.' .. mode .. 'ed', nil, nil, nil, nil, ARGV[4],
  '{"steps":' .. fmt(#steps) .. '}')
for _, s in ipairs(steps) do
  local m = exec .. '|' .. s
  for _, key in ipairs({ K.tok, K.dc, K.ok, K.out, K.err }) do redis.call('HDEL', key, m) end
  if mode == 'evict' then
    for _, key in ipairs({ K.st, K.att, K.rec }) do redis.call('HDEL', key, m) end
    redis.call('ZREM', K.ready, m)
    redis.call('ZREM', K.delayed, m)
    redis.call('ZREM', K.leases, m)
  end
end
if mode == 'evict' then
  for _, f in ipairs({ 'status', 'fp', 'start', 'input', 'n', 'done', 'run', 'bad', 'cancel',
    'seq', 'fin', 'fpx', 'log0', 'name', 'compacted', 'pause' }) do
    redis.call('HDEL', K.x, exec .. ':' .. f)
  end
  redis.call('ZREM', K.fin, exec)
else
  xset(exec, 'compacted', '1')
end
return { 'OK', #steps }
