-- Move a lead to a new status, with its side effects and its audit event, all or nothing.
-- Who may do it was checked by Python (bank and portal of a lead never change); the
-- status check is here because the status may change between a read and a write.
-- KEYS: 1 lead, 2 events, 3 the bank's stream, 4 the bank's overflow, 5 the product's outcomes,
--       6 the outcomes version (cached approval rates are current while it holds)
-- ARGV: 1 lead id, 2 new status, 3 statuses it may come from (space separated), 4 now ms,
--       5 now iso, 6 actor, 7 event details json, 8 operation id, 9 consumer group,
--       10 a field the amount must not exceed ('' for none), 11 that amount,
--       12.. field, value pairs to store
-- Returns {'ok', previous status, HGETALL...} | {'missing'} | {'invalid', current}
--       | {'exceeds', limit}
local lead_key, lead_id, new = KEYS[1], ARGV[1], ARGV[2]
local current = redis.call('HGET', lead_key, 'status')
if not current then
  return {'missing'}
end
-- This very call, re-sent by the client after a lost reply.
if redis.call('HGET', lead_key, 'last_op') == ARGV[8] then
  return {'ok', redis.call('HGET', lead_key, 'previous_status'),
          unpack(redis.call('HGETALL', lead_key))}
end
if not string.find(' ' .. ARGV[3] .. ' ', ' ' .. current .. ' ', 1, true) then
  return {'invalid', current}
end
if ARGV[10] ~= '' then
  local limit = redis.call('HGET', lead_key, ARGV[10]) or '0'
  if tonumber(ARGV[11]) > tonumber(limit) then
    return {'exceeds', limit}
  end
end

local sets = {'status', new, 'previous_status', current, 'updated_at', ARGV[5],
              new .. '_ms', ARGV[4], 'last_op', ARGV[8]}
for i = 12, #ARGV do
  sets[#sets + 1] = ARGV[i]
end
if new == 'approved' or new == 'declined' then
  sets[#sets + 1] = 'decided_ms'
  sets[#sets + 1] = ARGV[4]
  local segment = redis.call('HGET', lead_key, 'segment') or 'unknown'
  for _, scope in ipairs({'all', segment}) do
    redis.call('HINCRBY', KEYS[5], scope .. '|decided', 1)
    if new == 'approved' then
      redis.call('HINCRBY', KEYS[5], scope .. '|approved', 1)
    end
  end
  redis.call('INCR', KEYS[6])
end
redis.call('HSET', lead_key, unpack(sets))
-- A lead the bank has taken, or the portal has withdrawn, must not be delivered again.
if new == 'accepted' or new == 'withdrawn' then
  local entry = redis.call('HGET', lead_key, 'stream_id')
  if entry then
    redis.pcall('XACK', KEYS[3], ARGV[9], entry)
    redis.call('XDEL', KEYS[3], entry)
  end
end
if current == 'queued' then
  redis.call('LREM', KEYS[4], 0, lead_id)
end
redis.call('RPUSH', KEYS[2], event_json(ARGV[5], new, current, ARGV[6], ARGV[7]))
return {'ok', current, unpack(redis.call('HGETALL', lead_key))}
