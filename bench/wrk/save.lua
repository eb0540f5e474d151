-- Answer saves: signed-in participants (session cookie + CSRF header), each on their own attempt,
-- taken in turn; the position and the choice change from one save to the next.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function()
  local u, round, n = next_user()
  return wrk.format("PUT", "/api/v1/attempts/" .. u.attempt .. "/answers/" .. (round % 20 + 1),
    json_headers(u), '{"choice": ' .. (n % 4) .. '}')
end
