-- shipLedgerAck v1
-- Purpose: after a batch was appended to the durable store, record the last shipped stream id and
-- trim shipped entries older than a grace period (clients following `events()` read the stream
-- directly, so entries stay `keep ms` after they were written). Only the lease owner may advance
-- the cursor; a shipper that lost its lease changes nothing (its append was idempotent anyway).
-- Cost: O(1) plus the trimmed entries.
-- KEYS[1] lease   string `{<prefix>:<p>}:ship:lease`
-- KEYS[2] cursor  string `{<prefix>:<p>}:ship:cursor`
-- KEYS[3] log     stream `{<prefix>:<p>}:log` (the partition ledger)
-- ARGV[1] owner id   ARGV[2] last shipped stream id ("<ms>-<seq>")   ARGV[3] keep ms (>= 0)
-- Returns: {"OK", trimmed entry count} | {"LEASE_LOST", current owner or ""}
-- Ledger: none.
local holder = redis.call('GET', KEYS[1])
if holder ~= ARGV[1] then return { 'LEASE_LOST', holder or '' } end
local ms, seq = string.match(ARGV[2], '^(%d+)-(%d+)$')
ms, seq = tonumber(ms), tonumber(seq)
redis.call('SET', KEYS[2], ARGV[2])
local T = redis.call('TIME')
local now = tonumber(T[1]) * 1000 + math.floor(tonumber(T[2]) / 1000)
local horizon = now - math.max(0, tonumber(ARGV[3]) or 0)
-- MINID keeps ids >= the threshold: the entry after the last shipped one, or the horizon.
local min_id = string.format('%d-%d', ms, seq + 1)
if horizon <= ms then min_id = string.format('%d-0', math.max(0, horizon)) end
local trimmed = redis.call('XTRIM', KEYS[3], 'MINID', min_id)
return { 'OK', trimmed }
