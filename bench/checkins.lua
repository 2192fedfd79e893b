-- wrk script: agent check-ins for a fleet of agents.
--
-- Each wrk thread owns its own slice of agents and walks them round robin, one request per call
-- of request(). With more agents per thread than connections per thread, an agent's next request
-- is issued only after (agents per thread - 1) other requests, so no agent ever has two requests
-- in flight and every accepted sequence number is fresh.
--
-- Environment: AGENTS (total, default 100000), WRK_THREADS (wrk's -t), MODE ("success":
-- increasing numbers, the default; "errors": every request carries BASE, so every request after
-- an agent's first is stale), BASE (first sequence number; default: milliseconds since the epoch,
-- so a rerun against the same store still increases), STOP_AFTER (warm-up only: each thread stops
-- after this many responses and creates DONE_DIR/thread-<id>, so a warm-up can be made to touch every agent at least once),
-- ORDER ("sequential", the default here, bench/load-http.sh passes "scattered": the slice in
-- index order, so consecutive requests come from agents whose GUIDs sort next to each other and
-- share the store's pages; "scattered": the slice in the order i = k * STRIDE mod (agents per
-- thread), STRIDE a prime coprime with that count, so consecutive requests come from agents far
-- apart, as from a fleet whose check-ins arrive at random; every agent still comes once per pass,
-- so the gap between an agent's requests stays the same).
--
-- Agent GUIDs are {tttttttt-0000-4000-8000-iiiiiiiiiiii}: t = wrk thread (1-based), i = index in
-- the thread's slice; io.seqguard.benchmarks.AgentFill pre-registers exactly these.

local counter = 0

local function gcd(a, b)
  while b ~= 0 do
    a, b = b, a % b
  end
  return a
end

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local total = tonumber(os.getenv("AGENTS") or "100000")
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
  mode = os.getenv("MODE") or "success"
  base = tonumber(os.getenv("BASE") or tostring(os.time() * 1000))
  per_thread = math.floor(total / nthreads)
  -- START_AT: index in the slice where this run begins (the measured run goes on where the warm-up stopped).
  next_agent = tonumber(os.getenv("START_AT") or "0") % per_thread
  -- Completed passes over the slice: agent i's number in pass p is base + p + 1, rising for every
  -- agent. Nothing is kept per agent, so wrk's own cost per request (building the GUID, Lua's
  -- garbage collector walking what is live) does not grow with the fleet: with a table of 500,000
  -- GUIDs per thread wrk spent 15.5-18.5 us per request instead of 11 (docs/PERFORMANCE.md).
  pass = 0
  local order = os.getenv("ORDER") or "sequential"
  if order == "scattered" then
    stride = 7919
    while gcd(stride, per_thread) ~= 1 do
      stride = stride + 2
    end
  elseif order ~= "sequential" then
    error("ORDER must be sequential or scattered: " .. order)
  end
  thread_tag = string.format("{%08X-0000-4000-8000-", id + 1)
  wrk.method = "POST"
  wrk.body = ""
  local stop_after = tonumber(os.getenv("STOP_AFTER") or "0")
  if stop_after > 0 then
    -- Only the warm-up defines response(): with it wrk builds a Lua table of the headers of every
    -- response, which costs wrk CPU that the measured run must not take from the server.
    local seen = 0
    response = function(status, headers, body)
      seen = seen + 1
      if seen == stop_after then
        -- thread:stop() ends this thread, but wrk's main thread sleeps out -d regardless; the file
        -- tells bench/load-http.sh to interrupt wrk once every thread is through.
        wrk.thread:stop()
        local done_file = io.open(os.getenv("DONE_DIR") .. "/thread-" .. id, "w")
        done_file:close()
      end
    end
  end
end

function request()
  local k = next_agent
  local i = k
  if stride then
    i = (k * stride) % per_thread
  end
  local n
  if mode == "errors" then
    n = base
  else
    n = base + pass + 1
  end
  next_agent = k + 1
  if next_agent == per_thread then
    next_agent = 0
    pass = pass + 1
  end
  return wrk.format("POST", "/agent/v1/requests", {
    ["Agent-Guid"] = thread_tag .. string.format("%012X}", i),
    ["Agent-Sequence"] = tostring(n),
    ["Agent-Node-Name"] = "bench-" .. i,
    ["Content-Length"] = "0",
  })
end

function done(summary, latency, requests)
  -- wrk has already corrected the latencies for coordinated omission here: a response later than
  -- the run's mean interval per connection also counts the requests a steady client would have
  -- sent meanwhile (docs/PERFORMANCE.md, "What wrk's latencies are").
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.1f errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
