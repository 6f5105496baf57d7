-- Move the stream clock forward only (DESIGN decision 8): KEYS[1] clock, ARGV[1] epoch ms.
-- Returns the clock after the call.
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local proposed = tonumber(ARGV[1])
if proposed > current then
  redis.call('SET', KEYS[1], ARGV[1])
  return proposed
end
return current
