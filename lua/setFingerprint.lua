-- setFingerprint v1
-- Purpose: store the execution fingerprint of a finalized execution, once (first writer wins;
-- every writer computes the same value from the same terminal state, so a lost race is harmless).
-- The fingerprint is SHA-256 over canonical JSON, computed in TypeScript (Redis Lua has no
-- SHA-256). Cost: O(1).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId   ARGV[2] fingerprint (sha256 hex)
-- Returns: {"OK", storedFingerprint} | {"EXECUTION_NOT_FOUND"} | {"WRONG_STATE", currentStatus}
-- Ledger: execution.fingerprinted (only for the first writer).
-- @include base
local exec = ARGV[1]
local status = xget(exec, 'status')
if not status then return { 'EXECUTION_NOT_FOUND' } end
if status == 'running' then return { 'WRONG_STATE', status } end
local stored = xget(exec, 'fpx')
if stored then return { 'OK', stored } end
xset(exec, 'fpx', ARGV[2])
emit(exec, 'execution.fingerprinted', nil, nil, nil, nil, nil, '{"fingerprint":"' .. ARGV[2] .. '"}')
return { 'OK', ARGV[2] }
