-- The attempt page a signed-in participant loads (HTML, server-rendered), users in turn.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function()
  local u = next_user()
  return wrk.format("GET", "/luot-thi/" .. u.attempt, {["Cookie"] = "session=" .. u.cookie, ["Connection"] = "close"})
end
