-- releaseLimits v2
-- Purpose: give back a step's concurrency leases (after complete, fail, cancel, release or a
-- denied claim) and reconcile its rate-limit reservations with the units it really used (an LLM
-- step reserves an estimate of tokens and reports its usage afterwards). Idempotent.
-- Cost: O(limits * log n).
-- KEYS[1] rate hash (see acquireLimits)   KEYS[2..1+C] concurrency zsets, KEYS[2+C..1+2C] their
--   waiter zsets (C = (#KEYS - 1) / 2)
-- ARGV[1] lease id
-- ARGV[2] R = number of reconciliations, then R groups of 3: rateId, windowStart, delta units
--   (applied only while that window is still the current one; never below 0)
-- Returns: {"OK", leases removed, {waiter, ...}} (the oldest waiter of each freed limit: the
--   caller makes it ready at once with wakeStep)
-- Errors: none. Ledger: none.
local removed, woken = 0, {}
local c = (#KEYS - 1) / 2
for i = 1, c do
  if redis.call('ZREM', KEYS[1 + i], ARGV[1]) == 1 then
    removed = removed + 1
    local w = redis.call('ZPOPMIN', KEYS[1 + c + i], 1)
    if w[1] then woken[#woken + 1] = w[1] end
  end
end
local r = tonumber(ARGV[2])
for i = 0, r - 1 do
  local g = 3 + i * 3
  local id, delta = ARGV[g], tonumber(ARGV[g + 2])
  if delta ~= 0 and redis.call('HGET', KEYS[1], id .. ':w') == ARGV[g + 1] then
    local n = redis.call('HINCRBY', KEYS[1], id .. ':n', string.format('%d', delta))
    if n < 0 then redis.call('HSET', KEYS[1], id .. ':n', '0') end
  end
end
return { 'OK', removed, woken }
