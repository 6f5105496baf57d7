-- Commit one player's evaluation atomically (DESIGN decision 3): state, profile, known
-- players, due time, card sets and the outbox entries of every change, all in slot {p}.
-- KEYS: 1 pstate, 2 profile hash, 3 known players set, 4 due zset, 5 outbox stream,
--       6.. card sets: first the n_add sets to join, then the n_rem sets to leave.
-- ARGV: 1 player id, 2 state JSON, 3 due ms ("" = none), 4 topic, 5 n_add, 6 n_rem,
--       7 profile as one JSON object of strings ("" = leave the hash alone), 8 n_out, then
--       the outbox values. One JSON argument instead of field/value pairs: the client
--       encodes far fewer arguments per call.
local player = ARGV[1]
local n_add, n_rem = tonumber(ARGV[5]), tonumber(ARGV[6])
local n_out = tonumber(ARGV[8])

redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[3], player)
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[4], player)
else
  redis.call('ZADD', KEYS[4], ARGV[3], player)
end
if ARGV[7] ~= '' then
  -- Rewrite the whole hash so that fields which lost their value disappear.
  redis.call('DEL', KEYS[2])
  local fields = {}
  for name, value in pairs(cjson.decode(ARGV[7])) do
    fields[#fields + 1] = name
    fields[#fields + 1] = value
  end
  if #fields > 0 then
    redis.call('HSET', KEYS[2], unpack(fields))
  end
end
for i = 1, n_add do
  redis.call('SADD', KEYS[5 + i], player)
end
for i = 1, n_rem do
  redis.call('SREM', KEYS[5 + n_add + i], player)
end
for i = 9, 8 + n_out do
  redis.call('XADD', KEYS[5], '*', 't', ARGV[4], 'k', player, 'v', ARGV[i])
end
return n_add + n_rem
