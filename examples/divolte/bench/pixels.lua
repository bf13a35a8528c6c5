-- wrk script of the Divolte group: each connection thread sends its own slice of the pixel file
-- (one request target a line), round and round, and `done` prints one JSON line of the results.
-- Usage: wrk -t N -s pixels.lua URL -- <pixel file> <header file> N
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  for line in io.lines(args[2]) do
    local name, value = line:match("^([^:]+): (.*)$")
    if name then wrk.headers[name] = value end
  end
  -- Threads start at distinct offsets so they do not send the same pixel at the same time.
  local count = tonumber(args[3]) or 1
  step = #paths
  index = math.floor((id or 0) * #paths / count)
  list = paths
end

function request()
  index = index % step + 1
  return wrk.format("GET", list[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
      '"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
