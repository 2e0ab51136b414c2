-- wrk script for bench/api_bench.sh. Configured through the environment:
--
--   VIGIL_BENCH_PATH    request path; "{id}" is replaced by a random id in [ID_MIN, ID_MAX]
--   VIGIL_BENCH_ID_MIN, VIGIL_BENCH_ID_MAX
--   VIGIL_BENCH_RATE    requests/s to offer in total (0 or unset: as fast as possible)
--   VIGIL_BENCH_THREADS the -t given to wrk (the rate is split between threads)
--   VIGIL_BENCH_SEED    seed for the random ids
--   VIGIL_BENCH_CONNECTIONS the -c given to wrk (only for the fallback pacing without a clock)
--
-- Fixed rate without wrk2: each thread keeps a schedule of send slots, one every
-- THREADS/RATE seconds, and wrk's delay() hook holds every connection until its slot, so the
-- offered load is RATE whatever the latency, as long as a connection is free at each slot
-- (connections >= RATE x latency). A slot that finds no free connection is sent late; the
-- script counts such late sends and the worst lateness, which bound the coordinated-omission
-- error of wrk's latency figures (wrk times a request from its actual send).
--
-- done() prints one machine-readable line, "RESULT key=value ...", that api_bench.sh parses.

local path_template = os.getenv("VIGIL_BENCH_PATH") or "/healthz"
local id_min = tonumber(os.getenv("VIGIL_BENCH_ID_MIN") or "1")
local id_max = tonumber(os.getenv("VIGIL_BENCH_ID_MAX") or "1")
local rate = tonumber(os.getenv("VIGIL_BENCH_RATE") or "0")
local threads_n = tonumber(os.getenv("VIGIL_BENCH_THREADS") or "1")
local seed = tonumber(os.getenv("VIGIL_BENCH_SEED") or "42")
local connections = tonumber(os.getenv("VIGIL_BENCH_CONNECTIONS") or "1")

-- Main state: keep the threads so done() can read their counters.
local threads = {}
local next_thread_id = 0

function setup(thread)
  next_thread_id = next_thread_id + 1
  thread:set("thread_id", next_thread_id)
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread runs its own copy of this script).
non2xx = 0
statuses = ""      -- "404:3,500:1" built in done() from status_counts
status_counts = {}
late = 0           -- sends that went out more than 1 ms after their slot
late_max_us = 0
paced = 0          -- sends that went through the schedule

function init(args)
  math.randomseed(seed + (thread_id or 0) * 7919)
end

if path_template:find("{id}", 1, true) then
  function request()
    local id = math.random(id_min, id_max)
    return wrk.format("GET", (path_template:gsub("{id}", tostring(id))))
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    status_counts[status] = (status_counts[status] or 0) + 1
    local parts = {}
    for code, n in pairs(status_counts) do table.insert(parts, code .. ":" .. n) end
    statuses = table.concat(parts, ",")
  end
end

if rate > 0 then
  local interval_us = 1e6 * threads_n / rate
  local now_us
  local ok, ffi = pcall(require, "ffi")
  if ok then
    ffi.cdef [[
      typedef struct { long tv_sec; long tv_nsec; } vigil_timespec;
      int clock_gettime(int clk_id, vigil_timespec *tp);
    ]]
    local ts = ffi.new("vigil_timespec")
    now_us = function()
      ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
      return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
    end
  end
  local next_slot = nil

  function delay()
    paced = paced + 1
    if not now_us then
      -- No clock: a fixed pause per connection (rate then depends on the latency too).
      return math.floor(interval_us * connections / threads_n / 1000)
    end
    local now = now_us()
    if next_slot == nil then next_slot = now end
    local slot = next_slot
    next_slot = next_slot + interval_us
    local wait = slot - now
    if wait < -1000 then
      late = late + 1
      if -wait > late_max_us then late_max_us = -wait end
    end
    if wait <= 0 then return 0 end
    return math.floor(wait / 1000)
  end
end

function done(summary, latency, requests)
  local n2, lt, ltmax, pc = 0, 0, 0, 0
  local codes = {}
  for _, t in ipairs(threads) do
    n2 = n2 + (t:get("non2xx") or 0)
    lt = lt + (t:get("late") or 0)
    pc = pc + (t:get("paced") or 0)
    local m = t:get("late_max_us") or 0
    if m > ltmax then ltmax = m end
    local s = t:get("statuses") or ""
    if s ~= "" then table.insert(codes, s) end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d " ..
    "p999_us=%d max_us=%d non2xx=%d socket_errors=%d timeouts=%d late=%d late_max_us=%.0f " ..
    "paced=%d statuses=%s\n",
    summary.requests, secs, summary.requests / secs, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, n2, e.connect + e.read + e.write, e.timeout,
    lt, ltmax, pc, (#codes > 0) and table.concat(codes, ",") or "-"))
end
