-- The minimal durable write: POST /write with a small JSON body.
dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/write"
wrk.body = '{"value": 7}'
wrk.headers["Content-Type"] = "application/json"
