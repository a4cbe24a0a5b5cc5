-- Create a lead: idempotency, dedup, routing, record, first event and indexes, all or nothing.
-- KEYS: 1 lead, 2 events, 3 idempotency, 4 dedup, 5 stream, 6 overflow, 7 wrr,
--       8 index of all leads, 9 the bank's index, 10.. cap keys (routing.RoutePlan)
-- ARGV: 1 lead id, 2 now ms, 3 now iso, 4 dedup window ms, 5 '1' when an Idempotency-Key
--       was given, 6 its ttl ms, 7 request fingerprint, 8 record json (string values),
--       9 tiers json, 10 cap ttl ms, 11 actor (portal), 12 consumer group
-- Returns {'created', lead id, HGETALL...} | {'replay', id} | {'conflict', id} | {'duplicate', id}
local lead_key, lead_id, now = KEYS[1], ARGV[1], tonumber(ARGV[2])

-- This very call, re-sent by the client after a lost reply: answer as the first run did.
if redis.call('EXISTS', lead_key) == 1 then
  return {'replay', lead_id}
end
if ARGV[5] == '1' then
  local prior = redis.call('HMGET', KEYS[3], 'lead', 'fingerprint')
  if prior[1] then
    if prior[2] ~= ARGV[7] then return {'conflict', prior[1]} end
    return {'replay', prior[1]}
  end
end
local earlier = redis.call('HMGET', KEYS[4], 'lead', 'created_ms')
if earlier[1] and now - tonumber(earlier[2]) < tonumber(ARGV[4]) then
  return {'duplicate', earlier[1]}
end

local branch = pick_branch(cjson.decode(ARGV[9]), 9, KEYS[7], ARGV[10])
local status = branch and 'routed' or 'queued'
local fields = {}
for name, value in pairs(cjson.decode(ARGV[8])) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
redis.call('HSET', lead_key, 'id', lead_id, 'status', status, 'branch', branch or '',
  'created_ms', ARGV[2], 'created_at', ARGV[3], 'updated_at', ARGV[3], unpack(fields))
local details = '{}'
if branch then
  local entry = deliver(KEYS[5], ARGV[12], lead_id)
  redis.call('HSET', lead_key, 'stream_id', entry, 'routed_ms', ARGV[2])
  details = branch_details(branch)
else
  redis.call('RPUSH', KEYS[6], lead_id)
end
redis.call('RPUSH', KEYS[2], event_json(ARGV[3], status, nil, ARGV[11], details))
redis.call('ZADD', KEYS[8], now, lead_id)
redis.call('ZADD', KEYS[9], now, lead_id)
redis.call('HSET', KEYS[4], 'lead', lead_id, 'created_ms', ARGV[2])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[3], 'lead', lead_id, 'fingerprint', ARGV[7])
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
end
return {'created', lead_id, unpack(redis.call('HGETALL', lead_key))}
