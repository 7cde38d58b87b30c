-- releaseLimits v1
-- Purpose: give back a step's concurrency leases (after complete, fail, cancel, release or a
-- denied claim) and reconcile its rate-limit reservations with the units it really used (an LLM
-- step reserves an estimate of tokens and reports its usage afterwards). Idempotent.
-- Cost: O(limits * log n).
-- KEYS[1] rate hash (see acquireLimits)   KEYS[2..] concurrency zsets
-- ARGV[1] lease id
-- ARGV[2] R = number of reconciliations, then R groups of 3: rateId, windowStart, delta units
--   (applied only while that window is still the current one; never below 0)
-- Returns: {"OK", leases removed}
-- Errors: none. Ledger: none.
local removed = 0
for i = 2, #KEYS do removed = removed + redis.call('ZREM', KEYS[i], ARGV[1]) end
local r = tonumber(ARGV[2])
for i = 0, r - 1 do
  local g = 3 + i * 3
  local id, delta = ARGV[g], tonumber(ARGV[g + 2])
  if delta ~= 0 and redis.call('HGET', KEYS[1], id .. ':w') == ARGV[g + 1] then
    local n = redis.call('HINCRBY', KEYS[1], id .. ':n', string.format('%d', delta))
    if n < 0 then redis.call('HSET', KEYS[1], id .. ':n', '0') end
  end
end
return { 'OK', removed }
