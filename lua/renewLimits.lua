-- renewLimits v1
-- Purpose: extend a running step's concurrency leases together with its step lease (heartbeat),
-- so a limit lease lives exactly as long as the claim it belongs to: a crashed holder's leases
-- expire when its step lease does. A lease already gone (expired, released) is not re-created.
-- Cost: O(limits * log n).
-- KEYS[1..] concurrency zsets
-- ARGV[1] lease id   ARGV[2] lease ms from now
-- Returns: {"OK", leases renewed}
-- Errors: none. Ledger: none.
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
local deadline = string.format('%d', NOW + math.max(1, tonumber(ARGV[2])))
local renewed = 0
for i = 1, #KEYS do
  if redis.call('ZSCORE', KEYS[i], ARGV[1]) then
    redis.call('ZADD', KEYS[i], deadline, ARGV[1])
    renewed = renewed + 1
  end
end
return { 'OK', renewed }
