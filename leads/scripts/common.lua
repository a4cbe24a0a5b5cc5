-- Shared by create.lua, route.lua and transition.lua: redisconn.Scripts prepends this file.

-- One audit event as JSON. details_json is JSON already (built by Python or below), so
-- amounts and rates keep the exact text Python wrote.
local function event_json(at, status, from, actor, details_json)
  return '{"at":' .. cjson.encode(at) .. ',"status":' .. cjson.encode(status)
    .. ',"from":' .. (from and cjson.encode(from) or 'null')
    .. ',"actor":' .. cjson.encode(actor) .. ',"details":' .. details_json .. '}'
end

local function branch_details(branch)
  return '{"branch":' .. cjson.encode(branch) .. '}'
end

-- Choose a branch with room left today and count the lead against its cap, or return nil.
-- tiers: [[{id, w, cap, k}, ...], ...], most specific first (routing.RoutePlan); a
-- branch's cap counter is KEYS[base + k]. Smooth weighted round robin within a tier:
-- every open branch gains its weight, the one with most wins and pays the tier's total.
local function pick_branch(tiers, base, wrr_key, cap_ttl)
  for _, tier in ipairs(tiers) do
    local open, total = {}, 0
    for _, b in ipairs(tier) do
      local used = tonumber(redis.call('GET', KEYS[base + b.k]) or '0')
      if used < b.cap then
        open[#open + 1] = b
        total = total + b.w
      end
    end
    if #open > 0 then
      local best = nil
      for _, b in ipairs(open) do
        b.current = tonumber(redis.call('HGET', wrr_key, b.id) or '0') + b.w
        if best == nil or b.current > best.current then best = b end
      end
      best.current = best.current - total
      for _, b in ipairs(open) do
        redis.call('HSET', wrr_key, b.id, b.current)
      end
      local cap_key = KEYS[base + best.k]
      redis.call('INCR', cap_key)
      redis.call('PEXPIRE', cap_key, cap_ttl)
      return best.id
    end
  end
  return nil
end

-- Put a lead on its bank's delivery stream; the consumer group comes with the first entry
-- (from id 0, so that no entry precedes it unseen).
local function deliver(stream, group, lead_id)
  local entry = redis.call('XADD', stream, '*', 'lead', lead_id)
  redis.pcall('XGROUP', 'CREATE', stream, group, '0')
  return entry
end
