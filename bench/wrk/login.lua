-- Password sign-ins (JSON API, the CSRF header of the session the page gave), phones in turn.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local password = os.getenv("BENCH_PASSWORD") or "matkhau-bench"
request = function()
  local u = next_user()
  return wrk.format("POST", "/api/v1/login", json_headers(u),
    '{"phone": "' .. u.phone .. '", "password": "' .. password .. '"}')
end
