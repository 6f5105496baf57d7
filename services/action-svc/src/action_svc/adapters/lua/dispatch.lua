-- Dispatch a batch of players for one action, one reason, in one shard, atomically per call.
-- For each item: dedupe on the idempotency key; read the player's profile; suppress an
-- opt-out (same rule as domain/guards.py suppression_reason); apply the frequency caps;
-- render the texts (same rule as domain/templates.py render) and assemble the command JSON
-- from the layout (domain/commands.py); append it to the outbox; log and count the outcome.
-- A redelivered key is recognised and skipped, so however often a batch is retried each key
-- is logged, counted and enqueued once. Rendering here, next to the profile, keeps the
-- worker's per-player Python work to walking members.
--
-- KEYS[1]  the shard's outbox stream
-- ARGV     now_ms, now_iso, seen_ttl_ms, log_max, seen_key, log_key, stats_key, cap_prefix,
--          profile_prefix, topic, channel, opt_in_field, caps ("scope,max,window_ms;..."),
--          head, open_part, n_vars, vars..., n_texts, per text (name, escape "j"/"",
--          n_parts, per part (kind "l"/"f", literal or field, fallback)), with_vars "1"/"0",
--          then the items as one JSON array of [key, player, occurrence, cause_event_id or ""]
--          (one argument: packing thousands of arguments cost the client more than this call)
-- Returns  {dispatched, capped, suppressed, duplicates}
local now = tonumber(ARGV[1])
local now_iso, seen_ttl, log_max = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local seen_key, log_key, stats_key, cap_prefix = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local profile_prefix, topic, channel, opt_in = ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local caps, head, open_part = ARGV[13], ARGV[14], ARGV[15]

local i = 16
local vars = {}
for v = 1, tonumber(ARGV[i]) do vars[v] = ARGV[i + v] end
i = i + #vars + 1
local texts = {}
local n_texts = tonumber(ARGV[i])
i = i + 1
for t = 1, n_texts do
  local name, escape, n_parts = ARGV[i], ARGV[i + 1] == 'j', tonumber(ARGV[i + 2])
  i = i + 3
  local parts = {}
  for q = 1, n_parts do
    parts[q] = {ARGV[i], ARGV[i + 1], ARGV[i + 2]}
    i = i + 3
  end
  texts[t] = {cjson.encode(name), escape, parts}
end
local with_vars = ARGV[i] == '1'
i = i + 1

local fields = {}
if opt_in ~= '' then fields[1] = opt_in end
for _, v in ipairs(vars) do
  if v ~= 'player_id' then fields[#fields + 1] = v end
end
local cap_rules = {}
for scope, max, window in string.gmatch(caps, '([^,;]+),(%d+),(%d+)') do
  cap_rules[#cap_rules + 1] = {scope, tonumber(max), tonumber(window)}
end
local first_sep = (string.sub(open_part, -1) == '{') and '' or ','
local iso_json = cjson.encode(now_iso)

local function render(parts, values, escape)
  local out = {}
  for n, part in ipairs(parts) do
    if part[1] == 'l' then
      out[n] = part[2]
    else
      local value = values[part[2]]
      if not value or value == '' then value = part[3] end
      if escape and value ~= '' then value = string.sub(cjson.encode(value), 2, -2) end
      out[n] = value
    end
  end
  return table.concat(out)
end

local function suppression(values)
  if opt_in == '' then return nil end
  local raw = values[opt_in]
  if not raw or raw == '' then return nil end
  local value = string.lower(string.match(raw, '^%s*(.-)%s*$'))
  if value == 'true' or value == '1' then return nil end
  if value == 'false' or value == '0' then return 'opted out of ' .. channel end
  return 'unreadable ' .. opt_in .. " value '" .. raw .. "'"
end

local function capped(player, key)
  for _, rule in ipairs(cap_rules) do
    local cap_key = cap_prefix .. rule[1] .. ':' .. player
    redis.call('ZREMRANGEBYSCORE', cap_key, '-inf', now - rule[3])
    if redis.call('ZCARD', cap_key) >= rule[2] then
      return 'frequency cap ' .. rule[1] .. ': at most ' .. rule[2] .. ' per ' ..
        (rule[3] / 3600000) .. 'h'
    end
  end
  for _, rule in ipairs(cap_rules) do
    local cap_key = cap_prefix .. rule[1] .. ':' .. player
    redis.call('ZADD', cap_key, now, key)
    redis.call('PEXPIRE', cap_key, rule[3])
  end
  return nil
end

local function command(key, player, occurrence, cause, values)
  local key_json = cjson.encode(key)
  local out = {'{"type":"dispatch","version":1,"event_id":', key_json, ',"idempotency_key":',
    key_json, ',"occurred_at":', iso_json, head, ',"player_id":', cjson.encode(player),
    ',"occurrence":', cjson.encode(occurrence)}
  if cause ~= '' then
    out[#out + 1] = ',"cause_event_id":' .. cjson.encode(cause)
  end
  out[#out + 1] = open_part
  local sep = first_sep
  for _, text in ipairs(texts) do
    out[#out + 1] = sep .. text[1] .. ':' .. cjson.encode(render(text[3], values, text[2]))
    sep = ','
  end
  if with_vars then
    local pairs_out = {}
    for n, v in ipairs(vars) do
      local value = values[v]
      pairs_out[n] = cjson.encode(v) .. ':' .. (value and cjson.encode(value) or 'null')
    end
    out[#out + 1] = sep .. '"variables":{' .. table.concat(pairs_out, ',') .. '}'
  end
  out[#out + 1] = '}}'
  return table.concat(out)
end

local totals = {dispatched = 0, capped = 0, suppressed = 0}
local duplicates = 0
for _, item in ipairs(cjson.decode(ARGV[i])) do
  local key, player, occurrence, cause = item[1], item[2], item[3], item[4]
  if redis.call('ZADD', seen_key, 'NX', now, key) == 0 then
    duplicates = duplicates + 1
  else
    local values = {}
    if #fields > 0 then
      local got = redis.call('HMGET', profile_prefix .. player, unpack(fields))
      for f = 1, #fields do values[fields[f]] = got[f] end
    end
    values['player_id'] = player
    local outcome = 'dispatched'
    local reason = suppression(values)
    if reason then
      outcome = 'suppressed'
    else
      reason = capped(player, key)
      if reason then outcome = 'capped' end
    end
    if outcome == 'dispatched' then
      redis.call('XADD', KEYS[1], '*', 't', topic, 'k', player,
        'v', command(key, player, occurrence, cause, values))
    end
    redis.call('XADD', log_key, 'MAXLEN', '~', log_max, '*',
      'k', key, 'p', player, 'o', outcome, 'r', reason or '', 'c', occurrence)
    totals[outcome] = totals[outcome] + 1
  end
end

for outcome, n in pairs(totals) do
  if n > 0 then redis.call('HINCRBY', stats_key, outcome, n) end
end
-- Forget keys older than the dedupe horizon, so the sets do not grow forever.
redis.call('ZREMRANGEBYSCORE', seen_key, '-inf', now - seen_ttl)
return {totals.dispatched, totals.capped, totals.suppressed, duplicates}
