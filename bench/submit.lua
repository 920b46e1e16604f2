-- wrk scenario for bench/submit.sh: keep-alive connections POSTing complete, valid exam forms
-- with distinct police and victim references (the server's full path: authentication, validation,
-- pseudonymisation, versioning and the audit chain). With BENCH_MIX=1, 80% submissions,
-- 15% single-record reads of exams this connection created, 5% reports.
local template = assert(io.open(os.getenv("BENCH_BODY"))):read("*a")
local doctor = os.getenv("BENCH_TOKEN")
local loef = os.getenv("BENCH_LOEF_TOKEN") or doctor
local mix = os.getenv("BENCH_MIX") == "1"
local salt = tonumber(os.getenv("BENCH_SALT") or "0")
local threads = {}
local counter, ids, next_thread = 0, {}, 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local function submission()
  counter = counter + 1
  local reference = string.format("PL%02d%02d-2026-%06d", salt % 100, tid % 100, counter % 1000000)
  -- A victim of their own too, as in life: one victim's exams share a counter row
  -- (victim_exam_counts), so a single victim for every request would serialise them all on it.
  local body = template:gsub("__POLICE_REFERENCE__", reference):gsub("__VICTIM_REFERENCE__", "V" .. reference)
  return wrk.format("POST", "/api/v1/exams?submit=true",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. doctor}, body)
end

function request()
  if mix then
    local r = math.random(100)
    if r > 95 then
      return wrk.format("GET", "/api/v1/reports/evaluation?format=json", {["Authorization"] = "Bearer " .. loef})
    elseif r > 80 and #ids > 0 then
      return wrk.format("GET", "/api/v1/exams/" .. ids[math.random(#ids)], {["Authorization"] = "Bearer " .. loef})
    end
  end
  return submission()
end

statuses = {}

function response(status, headers, body)
  if status >= 300 then statuses[status] = (statuses[status] or 0) + 1 end
  if status == 201 and mix and #ids < 1000 then
    local id = body:match('"id"%s*:%s*"([0-9a-f%-]+)"')
    if id then table.insert(ids, id) end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  -- What the errors were: HTTP statuses of 300 and up, and wrk's own timeouts (no answer in 2 s).
  local kinds = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do kinds[status] = (kinds[status] or 0) + n end
  end
  local detail = {}
  for status, n in pairs(kinds) do table.insert(detail, string.format("%d:%d", status, n)) end
  if summary.errors.timeout > 0 then table.insert(detail, "timeout:" .. summary.errors.timeout) end
  io.write(string.format("RESULT requests=%d seconds=%.1f rate=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d kinds=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, table.concat(detail, ",")))
end
