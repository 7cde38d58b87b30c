-- Shared prelude of the control-plane scripts (run queue, instance registry), expanded in place.
--
-- Every control script receives the same 13 keys, all tagged `{<prefix>:ctl}`: one Cluster slot
-- for the whole control plane. Queue traffic is one script per run (not per step), and one slot
-- lets a single script requeue a stale instance's claimed runs while it marks the instance stale.
--   KEYS[1]  runs    hash   run fields `<runId>:<name>`: status (queued|claimed|running|completed|
--                           failed|cancelled), prio, seq, score, tenant, pipe, fp, input, exec, enq,
--                           upd, tok, by, cexp, target, texp, adm, admr, reason, cancel, claims,
--                           start, fin, inst (instance that started it)
--   KEYS[2]  pending zset   queued runIds scored (1000 - priority) * 1e12 + seq: priority
--                           (-1000..1000, higher first), then FIFO
--   KEYS[3]  claims  zset   claimed, not yet started runIds scored by claim deadline (ms)
--   KEYS[4]  all     zset   every runId scored by seq (listing, oldest first)
--   KEYS[5]  active  zset   started, non-terminal runIds scored by start time (ms)
--   KEYS[6]  meta    hash   queue fields: paused (0|1), seq (last run sequence number)
--   KEYS[7]  inst    hash   instance fields `<id>:<name>`: status (ready|draining|stale|stopped),
--                           host, pid, slots, wslots, inflight, running, claimed, hb, reg, ver, meta
--   KEYS[8]  insts   zset   instance ids scored by last heartbeat (ms)
--   KEYS[9]  log     stream control events (run.*, queue.*, instance.*), capped near 10 000
--   KEYS[10] scale   stream scale-out requests for an autoscaler, capped near 1 000
--   KEYS[11] execs   hash   executionId -> runId
--   KEYS[12] defs    hash   definition fingerprint -> pipeline IR JSON (shared by runs)
--   KEYS[13] wake    list   one token per event that may let a dispatcher claim (new run, requeue,
--                           resume, freed slot); idle dispatchers BLPOP it, capped at 64
-- Clock: `redis.call('TIME')` of the Redis primary, as in the engine scripts.
local C = {
  runs = KEYS[1], pending = KEYS[2], claims = KEYS[3], all = KEYS[4], active = KEYS[5],
  meta = KEYS[6], inst = KEYS[7], insts = KEYS[8], log = KEYS[9], scale = KEYS[10],
  execs = KEYS[11], defs = KEYS[12], wake = KEYS[13],
}
-- Every field a run may have (reads and purges walk this list).
local RUN_FIELDS = { 'status', 'prio', 'seq', 'score', 'tenant', 'pipe', 'fp', 'input', 'exec',
  'enq', 'upd', 'tok', 'by', 'cexp', 'target', 'texp', 'adm', 'admr', 'reason', 'cancel', 'claims',
  'start', 'fin', 'inst', 'meta' }
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)

-- Integers as decimal text: never let Lua print a large number in exponent notation.
local function fmt(n)
  return string.format('%d', math.floor(n))
end

local function rget(run, name)
  return redis.call('HGET', C.runs, run .. ':' .. name)
end

local function rset(run, name, value)
  redis.call('HSET', C.runs, run .. ':' .. name, value)
end

-- Tell one idle dispatcher that claimable work (or a free slot) may exist.
local function wake()
  redis.call('LPUSH', C.wake, '1')
  redis.call('LTRIM', C.wake, 0, 63)
end

local function iget(id, name)
  return redis.call('HGET', C.inst, id .. ':' .. name)
end

local function iset(id, name, value)
  redis.call('HSET', C.inst, id .. ':' .. name, value)
end

local function iincr(id, name, by)
  if id and id ~= '' and iget(id, 'status') then
    return redis.call('HINCRBY', C.inst, id .. ':' .. name, by)
  end
  return 0
end

-- Append one control event. Empty values are left out.
local function emit(etype, run, inst, reason, data)
  local a = { C.log, 'MAXLEN', '~', '10000', '*', 't', etype, 'at', fmt(NOW) }
  local opt = { 'run', run, 'i', inst, 'r', reason, 'd', data }
  for i = 1, 7, 2 do
    local v = opt[i + 1]
    if v ~= nil and v ~= false and v ~= '' then
      a[#a + 1] = opt[i]
      a[#a + 1] = v
    end
  end
  return redis.call('XADD', unpack(a))
end

-- A claimed run gives up its claim (start, requeue, cancel): leaves `claims`, frees the
-- claimer's claimed slot. No-op for runs in any other status.
local function drop_claim(run)
  if rget(run, 'status') ~= 'claimed' then return end
  redis.call('ZREM', C.claims, run)
  iincr(rget(run, 'by'), 'claimed', -1)
  rset(run, 'by', '')
  rset(run, 'cexp', '0')
end

-- A claimed run goes back to the queue at its original place (priority and FIFO kept). The old
-- claim token stops matching because the next claim bumps `tok`.
local function requeue(run, reason)
  if rget(run, 'status') ~= 'claimed' then return false end
  local by = rget(run, 'by')
  drop_claim(run)
  rset(run, 'status', 'queued')
  rset(run, 'upd', fmt(NOW))
  redis.call('ZADD', C.pending, rget(run, 'score'), run)
  emit('run.requeued', run, by, reason, nil)
  wake()
  return true
end

-- Claims whose deadline passed (the claimer died between claim and start) go back to the queue.
local function reclaim_expired(limit)
  local due = redis.call('ZRANGEBYSCORE', C.claims, '-inf', fmt(NOW), 'LIMIT', 0, limit)
  for _, run in ipairs(due) do
    if not requeue(run, 'claim expired') then redis.call('ZREM', C.claims, run) end
  end
  return #due
end
