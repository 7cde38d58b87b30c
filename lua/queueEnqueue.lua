-- queueEnqueue v1
-- Purpose: put a run into the shared run queue, atomically rejecting a duplicate run id, and
-- (when admission asked for it) publish a scale-out request in the same step, so a run that
-- waits for new capacity is always queued (never left in a "scale-out requested" limbo).
-- KEYS: the 13 control keys of includes/ctl.lua, all tagged `{<prefix>:ctl}`.
-- ARGV[1] runId            ARGV[2] executionId (pre-assigned, distinct from runId)
-- ARGV[3] priority -1000..1000 (higher first)   ARGV[4] tenant ('' = none)
-- ARGV[5] pipeline name    ARGV[6] definition fingerprint   ARGV[7] IR JSON ('' = already stored)
-- ARGV[8] input JSON       ARGV[9] target instance ('' = any)   ARGV[10] target hold ms
-- ARGV[11] max queued runs (0 = unbounded)   ARGV[12] admission kind   ARGV[13] admission reason
-- ARGV[14] scale-out desired instance count (0 = no request)   ARGV[15] metadata JSON ('' = none)
-- Returns: {"OK", seq} | {"RUN_EXISTS", status} | {"EXECUTION_EXISTS", runId}
--   | {"QUEUE_FULL", queued} | {"NEED_DEFINITION"}
-- Events: run.queued; scale.requested (also on the scale stream) when ARGV[14] > 0.
-- @include ctl
local run, exec = ARGV[1], ARGV[2]
local status = rget(run, 'status')
if status then return { 'RUN_EXISTS', status } end
local owner = redis.call('HGET', C.execs, exec)
if owner then return { 'EXECUTION_EXISTS', owner } end
local max = tonumber(ARGV[11])
local queued = redis.call('ZCARD', C.pending)
if max > 0 and queued >= max then return { 'QUEUE_FULL', queued } end
if ARGV[7] ~= '' then
  redis.call('HSET', C.defs, ARGV[6], ARGV[7])
elseif redis.call('HEXISTS', C.defs, ARGV[6]) == 0 then
  return { 'NEED_DEFINITION' }
end
local seq = redis.call('HINCRBY', C.meta, 'seq', 1)
local prio = math.max(-1000, math.min(1000, tonumber(ARGV[3])))
local score = fmt((1000 - prio) * 1000000000000 + seq)
local fields = {
  'status', 'queued', 'prio', fmt(prio), 'seq', fmt(seq), 'score', score, 'tenant', ARGV[4],
  'pipe', ARGV[5], 'fp', ARGV[6], 'input', ARGV[8], 'exec', exec, 'enq', fmt(NOW),
  'upd', fmt(NOW), 'tok', '0', 'by', '', 'cexp', '0', 'target', ARGV[9],
  'texp', fmt(NOW + tonumber(ARGV[10])), 'adm', ARGV[12], 'admr', ARGV[13], 'reason', '',
  'cancel', '0', 'claims', '0', 'meta', ARGV[15],
}
for i = 1, #fields, 2 do rset(run, fields[i], fields[i + 1]) end
redis.call('HSET', C.execs, exec, run)
redis.call('ZADD', C.pending, score, run)
redis.call('ZADD', C.all, fmt(seq), run)
emit('run.queued', run, ARGV[9], ARGV[13], ARGV[12])
wake()
local desired = tonumber(ARGV[14])
if desired > 0 then
  local id = redis.call('XADD', C.scale, 'MAXLEN', '~', '1000', '*', 'run', run,
    'desired', fmt(desired), 'queued', fmt(queued + 1), 'reason', ARGV[13], 'at', fmt(NOW))
  emit('scale.requested', run, nil, ARGV[13], id)
end
return { 'OK', seq }
