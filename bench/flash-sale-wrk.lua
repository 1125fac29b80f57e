-- One drop for bench/flash-sale.ts, sent by wrk (a native load generator) instead of Bun's fetch:
-- `wrk -t1 -c<buyers> -d<s> -s bench/flash-sale-wrk.lua <url>`, with WRK_OUT, WRK_TOKENS (a file, one token a
-- line) and WRK_BODY (a file) in the environment.
-- Each buyer's token is used once: the first <buyers> requests (one on each new connection, as wrk opens
-- them) take a token each, and after that delay() holds every connection back, so no request is sent
-- twice and nobody else is sent at all. On the last answer it writes {wallMs, lastHoldMs, counts} to
-- <out>; wrk's done() adds the latency percentiles to <out>.latency when wrk is stopped (SIGINT).
local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]])
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local tokens, body = {}, nil
local calls, sent, delays, answered = 0, 0, 0, 0
local first, lastHold = nil, 0
local counts = {}

out = os.getenv("WRK_OUT")
path = os.getenv("WRK_PATH") or "/api/v1/orders"

function init(args)
  for line in io.lines(os.getenv("WRK_TOKENS")) do
    tokens[#tokens + 1] = line
  end
  local f = io.open(os.getenv("WRK_BODY"), "r")
  body = f:read("*a")
  f:close()
end

function delay()
  delays = delays + 1
  if delays <= #tokens then
    return 0
  end
  return 3600000
end

local function order(token)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

function request()
  calls = calls + 1
  -- wrk (4.1) asks once for a request it builds before connecting and never sends: no buyer's turn.
  if calls == 1 then
    return order(tokens[1])
  end
  sent = sent + 1
  if first == nil then
    first = now_ms()
  end
  return order(tokens[sent] or "no-buyer-left")
end

function response(status, headers, text)
  answered = answered + 1
  local kind = tostring(status)
  if status == 409 and string.find(text, '"type":"[^"]*sold%-out"') then
    kind = "409 sold-out"
  end
  if status == 201 then
    lastHold = now_ms() - first
  end
  counts[kind] = (counts[kind] or 0) + 1
  if answered == #tokens then
    local parts = {}
    for k, v in pairs(counts) do
      parts[#parts + 1] = string.format('"%s":%d', k, v)
    end
    local f = io.open(out, "w")
    f:write(string.format('{"wallMs":%.3f,"lastHoldMs":%.3f,"sent":%d,"counts":{%s}}', now_ms() - first,
      lastHold, sent, table.concat(parts, ",")))
    f:close()
  end
end

function done(summary, latency, requests)
  local f = io.open(out .. ".latency", "w")
  f:write(string.format('{"p50":%.3f,"p99":%.3f,"requests":%d}', latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests))
  f:close()
end
