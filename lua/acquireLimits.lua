-- acquireLimits v2
-- Purpose: take every concurrency lease and rate-limit unit a step needs, all or none, before the
-- step runs. Limit keys are shared by every partition (a provider's limit), so they live under one
-- hash tag of their own, `{<prefix>:limits}`: one Cluster slot for all limits of a deployment,
-- which is what makes all-or-none atomic (shard by provider later if that slot gets hot).
-- Cost: O(limits * log n) plus the expired leases removed.
-- KEYS[1] blocked hash  `<name>` -> epoch ms until which the name is blocked (429 back-off)
-- KEYS[2] rate    hash  `<rateId>:w` window start ms, `<rateId>:n` units used in that window
-- KEYS[3..2+C]   zset  one per concurrency limit: lease id -> lease deadline ms
-- KEYS[3+C..2+2C] zset one per concurrency limit: waiters (`<partition>|<exec>|<step>`) -> since ms;
--   releaseLimits wakes the oldest waiter when a lease frees up
-- ARGV[1] lease id (`<exec>|<step>|<token>`: includes the claim token)
-- ARGV[last] waiter id (`<partition>|<exec>|<step>`, "" = none), queued on the full limit when
--   denied
-- ARGV[2] lease ms from now (the step's lease; renewed with it)
-- ARGV[3] C = number of concurrency limits; ARGV[4..3+C] the limit of KEYS[3..2+C]
-- then R = number of rate limits, then R groups of 4: rateId, limit, windowMs, units wanted
-- then B = number of blocked names to check, then B names
-- Returns: {"OK", {windowStart1, ...}} (one per rate limit, for reconciliation)
--   | {"DENIED", kind ("blocked"|"concurrency"|"rate"), name, current, limit, retryAfterMs}
--   (retryAfterMs = 0 when only the caller's configured retry-after is known)
-- Errors: none. Ledger: none here; the worker records `concurrency.denied` with deferStep.
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
local function fmt(n)
  return string.format('%d', math.floor(n))
end
local lease_id, lease_ms = ARGV[1], tonumber(ARGV[2])
local c = tonumber(ARGV[3])
local r_at = 4 + c
local r = tonumber(ARGV[r_at])
local b_at = r_at + 1 + r * 4
local b = tonumber(ARGV[b_at])
for i = 1, b do
  local name = ARGV[b_at + i]
  local untl = tonumber(redis.call('HGET', KEYS[1], name) or '0')
  if untl > NOW then return { 'DENIED', 'blocked', name, '0', '0', fmt(untl - NOW) } end
end
for i = 1, c do
  local key, limit = KEYS[2 + i], tonumber(ARGV[3 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(NOW))
  if not redis.call('ZSCORE', key, lease_id) then
    local n = redis.call('ZCARD', key)
    if n >= limit then
      if ARGV[#ARGV] ~= '' then redis.call('ZADD', KEYS[2 + c + i], 'NX', fmt(NOW), ARGV[#ARGV]) end
      return { 'DENIED', 'concurrency', key, fmt(n), fmt(limit), '0' }
    end
  end
end
local windows = {}
for i = 0, r - 1 do
  local g = r_at + 1 + i * 4
  local id, limit = ARGV[g], tonumber(ARGV[g + 1])
  local window, want = tonumber(ARGV[g + 2]), tonumber(ARGV[g + 3])
  local start = NOW - (NOW % window)
  local used = 0
  if redis.call('HGET', KEYS[2], id .. ':w') == fmt(start) then
    used = tonumber(redis.call('HGET', KEYS[2], id .. ':n') or '0')
  end
  -- An empty window always admits one request, even one estimated above the limit.
  if used > 0 and used + want > limit then
    return { 'DENIED', 'rate', id, fmt(used), fmt(limit), fmt(start + window - NOW) }
  end
  windows[#windows + 1] = fmt(start)
end
for i = 1, c do
  redis.call('ZADD', KEYS[2 + i], fmt(NOW + lease_ms), lease_id)
  redis.call('ZREM', KEYS[2 + c + i], ARGV[#ARGV])
end
for i = 0, r - 1 do
  local g = r_at + 1 + i * 4
  local id = ARGV[g]
  if redis.call('HGET', KEYS[2], id .. ':w') ~= windows[i + 1] then
    redis.call('HSET', KEYS[2], id .. ':w', windows[i + 1], id .. ':n', '0')
  end
  redis.call('HINCRBY', KEYS[2], id .. ':n', fmt(tonumber(ARGV[g + 3])))
end
return { 'OK', windows }
