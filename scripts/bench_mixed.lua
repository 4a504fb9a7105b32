-- Replays the requests that scripts/bench_mixed.py wrote to $BENCH_MIXED_FILE (method, path,
-- cookie, form body; tab-separated), each thread from its own offset, and counts the page
-- cache's hits and misses (X-Page-Cache) and the answers of 400 and above.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads)
end

init = function(args)
  requests = {}
  for line in io.lines(os.getenv("BENCH_MIXED_FILE")) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { Cookie = cookie }
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  index = math.floor(#requests * (offset - 1) / 2)
  hits, misses, failures = 0, 0, 0
end

request = function()
  index = index % #requests + 1
  return requests[index]
end

response = function(status, headers, body)
  local cache = headers["X-Page-Cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  end
  if status >= 400 then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  local h, m, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    f = f + thread:get("failures")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "cache_hits": %d, "cache_misses": %d}\n',
    summary.requests, summary.duration, errors, f,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, h, m))
end
