-- shipLedgerLease v1
-- Purpose: take or renew the short lease that lets one ledger shipper at a time ship a partition's
-- stream, and return where shipping stopped last time. A lease held by another owner is left
-- alone (the caller skips the partition until it expires). Cost: O(1).
-- KEYS[1] lease   string `{<prefix>:<p>}:ship:lease` holding the owner id, with a PX expiry
-- KEYS[2] cursor  string `{<prefix>:<p>}:ship:cursor`: id of the last stream entry shipped
-- ARGV[1] owner id (unique per shipper instance)
-- ARGV[2] lease ms (> 0)
-- Returns: {"OK", cursor ("0-0" when nothing was shipped yet)} | {"BUSY", current owner}
-- Ledger: none (shipping is not a decision of the execution).
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return { 'BUSY', holder } end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, tonumber(ARGV[2]) or 1))
return { 'OK', redis.call('GET', KEYS[2]) or '0-0' }
