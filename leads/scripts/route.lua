-- Route one queued lead from the bank's overflow queue, if a candidate branch has room.
-- KEYS: 1 lead, 2 events, 3 stream, 4 overflow, 5 wrr, 6.. cap keys (routing.RoutePlan)
-- ARGV: 1 lead id, 2 now ms, 3 now iso, 4 tiers json, 5 cap ttl ms, 6 consumer group
-- Returns {'routed', branch} | {'full'} | {'gone'} (no longer queued: withdrawn, accepted)
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then
  redis.call('LREM', KEYS[4], 0, ARGV[1])
  return {'gone'}
end
local branch = pick_branch(cjson.decode(ARGV[4]), 5, KEYS[5], ARGV[5])
if not branch then
  return {'full'}
end
redis.call('LREM', KEYS[4], 0, ARGV[1])
local entry = deliver(KEYS[3], ARGV[6], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'routed', 'branch', branch, 'stream_id', entry,
  'routed_ms', ARGV[2], 'updated_at', ARGV[3])
redis.call('RPUSH', KEYS[2], event_json(ARGV[3], 'routed', 'queued', 'system',
  branch_details(branch)))
return {'routed', branch}
