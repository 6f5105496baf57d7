-- Commit one player's evaluation atomically (DESIGN decision 3): state, profile, known
-- players, due time, card sets and the outbox entries of every change, all in slot {p}.
-- KEYS: 1 pstate, 2 profile hash, 3 known players set, 4 due zset, 5 outbox stream,
--       6.. card sets: first the n_add sets to join, then the n_rem sets to leave.
-- ARGV: 1 player id, 2 state JSON, 3 due ms ("" = none), 4 topic, 5 n_add, 6 n_rem,
--       7 n_profile (field/value pairs), 8 n_out, then the pairs, then the outbox values.
local player = ARGV[1]
local n_add, n_rem = tonumber(ARGV[5]), tonumber(ARGV[6])
local n_profile, n_out = tonumber(ARGV[7]), tonumber(ARGV[8])

redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[3], player)
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[4], player)
else
  redis.call('ZADD', KEYS[4], ARGV[3], player)
end
if n_profile > 0 then
  -- Rewrite the whole hash so that fields which lost their value disappear.
  redis.call('DEL', KEYS[2])
  local fields = {}
  for i = 9, 8 + 2 * n_profile do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[2], unpack(fields))
end
for i = 1, n_add do
  redis.call('SADD', KEYS[5 + i], player)
end
for i = 1, n_rem do
  redis.call('SREM', KEYS[5 + n_add + i], player)
end
local first_out = 9 + 2 * n_profile
for i = first_out, first_out + n_out - 1 do
  redis.call('XADD', KEYS[5], '*', 't', ARGV[4], 'k', player, 'v', ARGV[i])
end
return n_add + n_rem
