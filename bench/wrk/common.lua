-- Shared by every wrk script of `make bench`: a one-line JSON summary the runner reads.
-- One connection a request, as gunicorn's sync workers do anyway: with keep-alive, gthread
-- workers would keep each wrk connection on one worker (tooling-notes.md).
wrk.headers["Connection"] = "close"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

local threads_made = 0
setup = function(thread)
  thread:set("thread_index", threads_made)
  threads_made = threads_made + 1
end

-- Participants (cookie, CSRF token, attempt id, phone) from BENCH_WRK_USERS, one a line,
-- tab-separated; wrk thread k of n takes the lines k, k + n, ... (two threads never share one).
local users, turn = nil, 0
init = function(args)
  users = {}
  local path, step = os.getenv("BENCH_WRK_USERS"), tonumber(os.getenv("BENCH_WRK_THREADS") or "2")
  if not path then return end
  local i = 0
  for line in io.lines(path) do
    local cookie, csrf, attempt, phone = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if cookie and i % step == (thread_index or 0) then
      users[#users + 1] = {cookie = cookie, csrf = csrf, attempt = attempt, phone = phone}
    end
    i = i + 1
  end
end

-- The next participant in turn, and how many rounds through them have been made.
function next_user()
  turn = turn + 1
  return users[(turn % #users) + 1], math.floor(turn / #users), turn
end

function json_headers(u)
  return {["Cookie"] = "session=" .. u.cookie, ["X-CSRFToken"] = u.csrf,
          ["Content-Type"] = "application/json", ["Connection"] = "close"}
end
