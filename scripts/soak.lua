-- The mixed load of scripts/soak.sh for wrk: searches, facets, aggregations, state profiles,
-- records, sessions, about, exports (small ones, and now and then a large one) and malformed
-- requests, drawn at random by weight. Every request carries the status it must get (200 for
-- the valid ones; the exact 4xx for the malformed ones), and every response is checked.
--
-- wrk must run with one connection per thread (-t N -c N): a connection then alternates
-- request() and response(), so that each response is matched to the request it answers.
--
-- Argument (after --): the number of records in the database (ids 1..N exist; default 1000000).
-- At the end, done() prints its tallies after wrk's report, each line starting with "soak: ".
--   wrk -t16 -c16 -d600s --timeout 60s -s scripts/soak.lua http://127.0.0.1:PORT -- 1000000

-- Queries in the language of docs/cli.md (URL-encoded below): words, phrases, prefixes, AND,
-- OR, NOT, parentheses.
local queries = {
  'torture', '"death penalty"', '"death penalty" NOT moratorium', 'tortur*', 'discrimin*',
  'women AND (violence OR discrimination)', 'child* NOT labour', 'education',
  '"freedom of expression" OR journalist*', 'migrant* "domestic workers"', 'corruption',
  '(ratify OR accede) AND "optional protocol"', 'indigenous NOT land', 'disab*',
  '"human rights defenders"', 'NOT torture', 'Torturé', 'trafficking AND (women OR children)',
  '(torture OR "ill-treatment") abolish', 'water sanitation', 'prison* NOT overcrowding',
}
local filters = {
  '', '', '', '&sur=FRA', '&from=MEX', '&region=african', '&from-region=weog',
  '&session=10-13', '&cycle=2', '&response=supported', '&action=4',
  '&theme=Women%27s+rights', '&sur=USA,CHN&cycle=1', '&response=noted&from-region=grulac',
}
local facet_lists = {
  'response,action,theme,region,cycle', 'sur,from', 'session,from-region', 'theme', 'response',
}
local aggregations = {
  'by=theme,cycle', 'by=sur', 'by=from,response&limit=20', 'by=region,cycle,response', 'by=',
  'by=theme&q=torture', 'by=session&sort=key', 'by=from-region,action&cycle=2',
  'by=sur,theme&limit=50&from-region=african',
}
local states = {
  'FRA', 'USA', 'CHN', 'BRA', 'IND', 'RUS', 'ZAF', 'NGA', 'MEX', 'DEU', 'GBR', 'JPN', 'IRN',
  'SAU', 'EGY', 'TUR', 'PAK', 'ARG', 'CAN', 'AUS', 'fra', 'Chn',
}
-- Exports of a small filtered result (hundreds to a few thousand records at 1M).
local small_exports = {
  'q=%22death+penalty%22&sur=USA', 'q=torture&sur=FRA&cycle=2', 'theme=Death+penalty&sur=CHN',
  'q=journalist*&from=SWE&cycle=1', 'q=%22human+rights+defenders%22&sur=MEX',
}
local formats = { 'csv', 'json', 'xlsx' }

-- Malformed requests and the status each must get. A path starting with '@' is sent as it
-- stands (raw HTTP); otherwise as a GET of that target.
local long_q = '/api/v1/recommendations?q=' .. string.rep('torture+', 600)  -- ~4.8 KiB target
local deep_q = '/api/v1/recommendations?q=' .. string.rep('(', 200) .. 'torture'
local malformed = {
  { '/api/v1/recommendations?cycle=9', 400 },
  { '/api/v1/recommendations?cycle=x', 400 },
  { '/api/v1/recommendations?per_page=1000', 400 },
  { '/api/v1/recommendations?per_page=0', 400 },
  { '/api/v1/recommendations?page=-1', 400 },
  { '/api/v1/recommendations?page=', 400 },
  { '/api/v1/recommendations?sur=', 400 },
  { '/api/v1/recommendations?sur=XYZ', 400 },
  { '/api/v1/recommendations?bogus=1', 400 },
  { '/api/v1/recommendations?q=torture&q=death', 400 },
  { '/api/v1/recommendations?sort=bogus', 400 },
  { '/api/v1/recommendations?facets=nonsense', 400 },
  { '/api/v1/recommendations?q=%22death+penalty', 400 },          -- unbalanced quote
  { '/api/v1/recommendations?q=%28torture', 400 },                -- unbalanced parenthesis
  { '/api/v1/recommendations?q=torture+AND', 400 },
  { '/api/v1/recommendations?q=a+OR+NOT+b', 400 },
  { '/api/v1/recommendations?q=*', 400 },
  { deep_q, 400 },                                                -- 200 nested parentheses
  { '/api/v1/recommendations?q=%ZZtorture', 400 },                -- bad percent escapes
  { '/api/v1/recommendations?q=torture%', 400 },
  { '/api/v1/recommendations?q=torture%4', 400 },
  { '/api/v1/recommendations?q=%e9t%e9', 400 },                   -- not UTF-8
  { '/api/v1/aggregations?by=theme,cycle,sur,from', 400 },
  { '/api/v1/aggregations?by=colour', 400 },
  { '/api/v1/aggregations?limit=-5', 400 },
  { '/api/v1/export?format=pdf', 400 },
  { '/api/v1/export?format=csv&session=99-100', 400 },
  { '/api/v1/sessions?x=1', 400 },
  { '/api/v1/states/XXX', 404 },
  { '/api/v1/states/ZZZZZZ', 404 },
  { '/api/v1/recommendations/0', 400 },
  { '/api/v1/recommendations/abc', 400 },
  { '/api/v1/recommendations/99999999999', 404 },
  { '/api/v1/nope', 404 },
  { '/api/v2/recommendations', 404 },
  { long_q, 414 },
  { '@POST /api/v1/about HTTP/1.1\r\nHost: soak\r\nContent-Length: 0\r\n\r\n', 405 },
  { '@DELETE /api/v1/recommendations/1 HTTP/1.1\r\nHost: soak\r\n\r\n', 405 },
}

-- A wall clock for per-kind latencies (wrk's Lua is LuaJIT; wrk gives scripts no clock).
local ffi = require('ffi')
ffi.cdef [[
  struct soak_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clock_id, struct soak_timespec *tp);
]]
local timespec = ffi.new('struct soak_timespec')
local function now_ms()
  ffi.C.clock_gettime(1, timespec)  -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local function encode(s)
  return (s:gsub('[^%w%-%._~*]', function(c) return string.format('%%%02X', c:byte()) end))
end
local function pick(list) return list[math.random(#list)] end

local records = 1000000

-- The kinds of request, their relative weights (947 in all) and how to make one: path, expected status.
local kinds = {
  { 'search', 280, function()
      local q = '/api/v1/recommendations?q=' .. encode(pick(queries)) .. pick(filters)
      local r = math.random(10)
      if r == 1 then q = q .. '&page=' .. math.random(2, 50)
      elseif r == 2 then q = q .. '&sort=id&per_page=100'
      elseif r == 3 then q = q .. '&per_page=200' end
      return q, 200 end },
  { 'filter', 50, function()  -- filters alone, no text query
      return '/api/v1/recommendations?' .. pick(filters):sub(2) .. '&page=' .. math.random(5), 200
    end },
  { 'facets', 200, function()
      return '/api/v1/recommendations?q=' .. encode(pick(queries)) .. pick(filters) ..
             '&facets=' .. pick(facet_lists), 200 end },
  { 'aggregation', 100, function() return '/api/v1/aggregations?' .. pick(aggregations), 200 end },
  { 'state', 100, function() return '/api/v1/states/' .. pick(states), 200 end },
  { 'states', 20, function() return '/api/v1/states', 200 end },
  { 'record', 60, function()
      return '/api/v1/recommendations/' .. math.random(records), 200 end },
  { 'sessions', 30, function() return '/api/v1/sessions', 200 end },
  -- about and the exports are rare: at 1M records an about takes seconds (counts over the whole
  -- table in SQLite), an export up to a few seconds (its query runs in SQLite's FTS5).
  { 'about', 1, function() return '/api/v1/about', 200 end },
  { 'export', 5, function()
      return '/api/v1/export?format=' .. pick(formats) .. '&' .. pick(small_exports), 200 end },
  { 'export-large', 1, function()  -- 44,543 records at 1M (17 MB of CSV)
      return '/api/v1/export?format=' .. pick({ 'csv', 'json' }) .. '&q=torture', 200 end },
  { 'malformed', 100, function()
      local m = pick(malformed)
      return m[1], m[2] end },
}
local total_weight = 0
for _, k in ipairs(kinds) do total_weight = total_weight + k[2] end

-- Per thread: for each kind, requests sent, responses by status class (s2 ... s5), responses
-- with another status than expected, responses that took 1 s or more (slow) and the slowest
-- (max_ms; timed from request() to response(), as wrk times it from the write to the last byte
-- read); and the first few unexpected statuses, to print. They are plain
-- globals (n_<kind>_<field>, examples) because wrk's thread:get copies nested tables badly
-- (wrk 4.1 crashes on them).
local fields = { 'sent', 's2', 's3', 's4', 's5', 'unexpected', 'slow', 'max_ms' }
for _, k in ipairs(kinds) do
  for _, f in ipairs(fields) do _G['n_' .. k[1] .. '_' .. f] = 0 end
end
examples = ''
-- Latencies of all kinds together, in buckets 5% wide (h_0 ... h_250: up to 3 min), for the
-- percentiles: wrk's own latency statistics come out inconsistent with one connection per
-- thread and a dynamic script (their mean exceeded what the connections' time allows).
local kBucketBase = math.log(1.05)
local kBuckets = 250
for i = 0, kBuckets do _G['h_' .. i] = 0 end
local function bucket_of(ms) return math.min(kBuckets, math.floor(math.log(1 + ms) / kBucketBase)) end
local function bucket_ms(i) return math.exp((i + 1) * kBucketBase) - 1 end  -- its upper bound
local function bump(kind, field)
  local name = 'n_' .. kind .. '_' .. field
  _G[name] = _G[name] + 1
end
local pending_kind, pending_expected, pending_path, pending_start

function setup(thread)
  setup_count = (setup_count or 0) + 1
  thread:set('thread_id', setup_count)
  threads = threads or {}
  table.insert(threads, thread)
end

function init(args)
  records = tonumber(args[1]) or records
  math.randomseed(os.time() + 7919 * (thread_id or 0))
end

function request()
  local r = math.random(total_weight)
  local kind
  for _, k in ipairs(kinds) do
    r = r - k[2]
    if r <= 0 then kind = k; break end
  end
  local path, expected = kind[3]()
  pending_kind, pending_expected, pending_path, pending_start = kind[1], expected, path, now_ms()
  bump(kind[1], 'sent')
  if path:sub(1, 1) == '@' then return path:sub(2) end
  return wrk.format('GET', path)
end

function response(status, headers, body)
  if not pending_kind then return end
  local ms = now_ms() - pending_start
  if ms >= 1000 then bump(pending_kind, 'slow') end
  local h = 'h_' .. bucket_of(ms)
  _G[h] = _G[h] + 1
  local max_name = 'n_' .. pending_kind .. '_max_ms'
  if ms > _G[max_name] then _G[max_name] = ms end
  local class = math.floor(status / 100)
  if class >= 2 and class <= 5 then bump(pending_kind, 's' .. class) end
  if status ~= pending_expected then
    bump(pending_kind, 'unexpected')
    if #examples < 1000 then
      examples = examples .. string.format('%d (expected %d) %s\n', status, pending_expected,
                                           pending_path:sub(1, 100))
    end
  end
  pending_kind = nil
end

function done(summary, latency, requests)
  local lines = {}
  local function add(...) table.insert(lines, string.format(...)) end
  add('kind requests 2xx 3xx 4xx 5xx unexpected slow max_ms')
  for _, k in ipairs(kinds) do
    local sum = {}
    for _, f in ipairs(fields) do
      sum[f] = 0
      for _, thread in ipairs(threads) do
        local v = thread:get('n_' .. k[1] .. '_' .. f)
        if f == 'max_ms' then sum[f] = math.max(sum[f], v) else sum[f] = sum[f] + v end
      end
    end
    add('%s %d %d %d %d %d %d %d %d', k[1], sum.sent, sum.s2, sum.s3, sum.s4, sum.s5,
        sum.unexpected, sum.slow, sum.max_ms)
  end
  local e = summary.errors
  add('socket connect=%d read=%d write=%d timeout=%d', e.connect, e.read, e.write, e.timeout)
  add('total requests=%d seconds=%.1f bytes=%d', summary.requests, summary.duration / 1e6,
      summary.bytes)
  local counts, n, slowest = {}, 0, 0
  for i = 0, kBuckets do
    counts[i] = 0
    for _, thread in ipairs(threads) do counts[i] = counts[i] + thread:get('h_' .. i) end
    n = n + counts[i]
  end
  for _, k in ipairs(kinds) do
    for _, thread in ipairs(threads) do
      slowest = math.max(slowest, thread:get('n_' .. k[1] .. '_max_ms'))
    end
  end
  local function percentile(p)
    local seen = 0
    for i = 0, kBuckets do
      seen = seen + counts[i]
      if seen >= p * n then return math.min(bucket_ms(i), slowest) end
    end
    return slowest
  end
  add('latency_ms n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f', n, percentile(0.5),
      percentile(0.9), percentile(0.99), slowest)
  local shown = 0
  for _, thread in ipairs(threads) do
    for ex in thread:get('examples'):gmatch('[^\n]+') do
      if shown < 10 then add('example %s', ex) end
      shown = shown + 1
    end
  end
  io.write('soak: ' .. table.concat(lines, '\nsoak: ') .. '\n')
end
