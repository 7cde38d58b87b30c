-- listFinished v1
-- Purpose: read-only page of a partition's finished executions (the retention candidates), oldest
-- first. Cost: O(log n + limit).
-- KEYS[1] fin  zset `{<prefix>:<p>}:fin` of finished executions scored by finish time (ms)
-- ARGV[1] finished at or before this time (ms)   ARGV[2] offset   ARGV[3] limit
-- Returns: {"OK", {executionId1, finishedAtMs1, executionId2, ...}}
-- Ledger: none.
local page = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT',
  tonumber(ARGV[2]), tonumber(ARGV[3]))
return { 'OK', page }
