-- restoreExecution v1
-- Purpose: rebuild the hot state of a finalized execution from its validated durable snapshot
-- (`ordo replay --restore`), e.g. after retention evicted it. The caller validated the snapshot
-- (replay audit) and refuses invalid ones; this script refuses to overwrite a live execution.
-- The ledger continues where the durable ledger ends: the hot seq counter starts at the durable
-- head, so the restore event chains onto the shipped events. Cost: O(steps).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] definition fingerprint   ARGV[3] input JSON   ARGV[4] pipeline name
-- ARGV[5] terminal status   ARGV[6] start ms   ARGV[7] finish ms   ARGV[8] execution fingerprint
-- ARGV[9] durable ledger head seq   ARGV[10] unhandled-failure count ("bad")   ARGV[11] cancel 0|1
-- ARGV[12] step count S, then S groups of 6: id, status, attempt, recoveries, output JSON or "",
--   error JSON or ""; then the definition: IR JSON, N, N groups of 9 (as in createExecution)
-- Returns: {"OK", first stream id} | {"EXECUTION_EXISTS", status}
-- Ledger: snapshot.restored (seq = durable head + 1).
-- @include base
-- @include definition
local exec, fp = ARGV[1], ARGV[2]
local current = xget(exec, 'status')
if current then return { 'EXECUTION_EXISTS', current } end
local s = tonumber(ARGV[12])
local n = store_definition(fp, 13 + s * 6)
redis.call('HSET', K.x, exec .. ':status', ARGV[5], exec .. ':fp', fp, exec .. ':start', ARGV[6],
  exec .. ':input', ARGV[3], exec .. ':n', n, exec .. ':done', n, exec .. ':run', '0',
  exec .. ':bad', ARGV[10], exec .. ':name', ARGV[4], exec .. ':fin', ARGV[7],
  exec .. ':seq', ARGV[9], exec .. ':cancel', ARGV[11])
if ARGV[8] ~= '' then xset(exec, 'fpx', ARGV[8]) end
for i = 0, s - 1 do
  local b = 13 + i * 6
  local m = exec .. '|' .. ARGV[b]
  redis.call('HSET', K.st, m, ARGV[b + 1])
  if ARGV[b + 2] ~= '1' then redis.call('HSET', K.att, m, ARGV[b + 2]) end
  if ARGV[b + 3] ~= '0' then redis.call('HSET', K.rec, m, ARGV[b + 3]) end
  if ARGV[b + 4] ~= '' then redis.call('HSET', K.out, m, ARGV[b + 4]) end
  if ARGV[b + 5] ~= '' then redis.call('HSET', K.err, m, ARGV[b + 5]) end
end
redis.call('ZADD', K.fin, ARGV[7], exec)
local first = emit(exec, 'snapshot.restored', nil, nil, nil, nil, nil,
  '{"status":"' .. ARGV[5] .. '","steps":' .. fmt(s) .. '}')
xset(exec, 'log0', first)
return { 'OK', first }
