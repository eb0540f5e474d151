-- GET of BENCH_WRK_PATH (default: the URL given to wrk), nothing else.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local path = os.getenv("BENCH_WRK_PATH")
if path then wrk.path = path end
