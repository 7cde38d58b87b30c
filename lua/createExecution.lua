-- createExecution v3
-- Purpose: create one execution of a stored (or given) definition and make its root steps ready.
-- Cost: O(roots) for the execution; O(steps) once per definition and partition (when ARGV[5]=1).
-- KEYS: the 16 partition keys of includes/base.lua (x, def, st, att, tok, rec, dc, ok, out, err,
--   ready, delayed, leases, wake, log, fin), all tagged `{<prefix>:<p>}`.
-- ARGV[1] executionId (no `|`)
-- ARGV[2] definition fingerprint (sha256 hex)
-- ARGV[3] pipeline input, JSON
-- ARGV[4] pipeline name (ledger)
-- ARGV[5] "1" when the definition follows in ARGV[6..], "0" when the caller believes it is stored
-- ARGV[6] IR JSON (stored once per fingerprint for workers that do not have it cached)
-- ARGV[7] step count N
-- ARGV[8..] N groups of 9 fields: id, topological order, dependency count, trigger rule,
--   dependents csv, dependencies csv, lease ms (0 = worker default), sink "1"/"0",
--   has-any_success-dependent "1"/"0"
-- Returns: {"OK", "<first ledger stream id>"} | {"NEED_DEF"} (definition unknown: resend with it)
--   | {"EXECUTION_EXISTS"}
-- Ledger: execution.created, step.ready is implied by the roots in `ready` (not logged per root).
-- @include base
-- @include settle
-- @include definition
-- @include create
local exec, fp = ARGV[1], ARGV[2]
if xget(exec, 'status') then return { 'EXECUTION_EXISTS' } end
local known = redis.call('HGET', K.def, fp .. ':n')
if not known then
  if ARGV[5] ~= '1' then return { 'NEED_DEF' } end
  known = store_definition(fp, 6)
end
local roots = csv(redis.call('HGET', K.def, fp .. ':roots'))
local first = create_execution(exec, fp, ARGV[3], ARGV[4], known, roots)
wake(#roots)
return { 'OK', first }
