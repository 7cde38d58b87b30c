-- blockLimit v1
-- Purpose: slow a whole provider (or model) key after it answered 429 with a Retry-After: every
-- step of that key waits until the time has passed, not only the step that saw the 429.
-- A later deadline never shortens an earlier one. Cost: O(1).
-- KEYS[1] blocked hash (see acquireLimits)
-- ARGV[1] name (`provider:<p>` or `model:<p>:<m>`)   ARGV[2] ms from now
-- Returns: {"OK", blockedUntilMs}
-- Errors: none. Ledger: none (the failing step's ledger entry carries the RETRY_AFTER error).
local T = redis.call('TIME')
local NOW = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
local untl = NOW + math.max(0, tonumber(ARGV[2]))
local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if old > untl then untl = old end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', untl))
return { 'OK', string.format('%d', untl) }
