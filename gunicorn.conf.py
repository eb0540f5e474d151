"""gunicorn settings for production; every value can be overridden by the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core, four threads each (measured, docs/performance.md "Worker model"): a sync
# worker sits idle while PostgreSQL flushes a commit to disk, and the answer save is mostly
# that wait; threads overlap it. Over eight runs on a busy 2-core box, 2 x 4 threads gave the
# best or equal saves and starts (2 sync workers matched it only on the quietest run), and
# 4 sync workers were the worst.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# The app checks its rate-limit store against the worker count (quizapp/config.py).
os.environ.setdefault("QUIZAPP_WORKERS", str(workers))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# No keep-alive: with it a gthread worker keeps the connections it accepted (nginx's upstream
# keep-alive pool included), so one worker can queue requests while the other idles.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
# A worker takes no more connections than it has threads: the rest wait in the shared backlog
# for whichever worker frees a thread first, and a worker that dies takes at most `threads`
# requests with it (tests/system/test_faults.py).
worker_connections = threads
# Connections waiting for a worker: at a synchronised start thousands arrive within seconds, and
# a full queue resets them (seen in `make bench` at 2,048); waiting is better than a reset.
backlog = int(os.environ.get("GUNICORN_BACKLOG", "4096"))
# Recycle workers now and then so a slow leak can never take the site down at a deadline.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
limit_request_line = 4094
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log of gunicorn's own unless asked (GUNICORN_ACCESSLOG=- for stdout): nginx logs
# every request it passes on (deploy/nginx/quizapp.conf), and gunicorn's line costs about 3 % of
# a start's worker time, formatted even when written to /dev/null. `make run` has no nginx in
# front, so it asks for one.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "quizapp"
