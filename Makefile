# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py
REGISTRY ?= registry/go-vap-2025.yaml

.PHONY: run test setup lint pytest pytest-pg pytest-future clean bench

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask registry load $(REGISTRY)
	$(BIN)/flask bank setup $(if $(BANK_FORCE),--force) question_bank
	$(BIN)/flask demo practice
	$(BIN)/flask demo contest
	$(BIN)/flask demo staff

# The export worker runs beside gunicorn, so that a large round's export (a background job)
# is built here too; if it ever exits it is started again 5 s later (said on stderr); it is
# stopped (SIGTERM: after the file it is writing) when gunicorn ends.
run: setup
	( trap 'kill -TERM $$child 2>/dev/null; wait $$child; exit 0' TERM; \
	  while :; do \
	    $(BIN)/flask exports work --poll 2 & child=$$!; wait $$child; \
	    echo "export worker exited (status $$?): starting it again in 5 s" >&2; \
	    sleep 5 & wait $$!; \
	  done ) & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	GUNICORN_ACCESSLOG=- $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check quizapp tests
	$(BIN)/lint-imports
	$(BIN)/mypy

pytest: $(STAMP)
	QUIZAPP_TEST_BACKEND=sqlite $(BIN)/python -m pytest -W error

# The same suite on PostgreSQL when TEST_DATABASE_URL is set (CI sets it and requires it).
pytest-pg: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		QUIZAPP_TEST_BACKEND=postgresql $(BIN)/python -m pytest -W error \
			tests/integration tests/functional; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

# The suites that touch time, rounds, attempts, privacy and publication, once more with the
# process clock moved 400 days ahead (time-machine): nothing may depend on today's date.
FUTURE_TESTS := tests/unit tests/integration tests/functional/test_api_flow.py \
	tests/functional/test_review_publication.py tests/functional/test_key_never_leaks.py \
	tests/functional/test_pages_flow.py tests/functional/test_public_board.py \
	tests/functional/test_console_rounds.py tests/functional/test_console_exports.py \
	tests/functional/test_sessions.py tests/functional/test_api_tokens.py \
	tests/functional/test_export_jobs.py
pytest-future: $(STAMP)
	QUIZAPP_TEST_BACKEND=sqlite QUIZAPP_TEST_SHIFT_DAYS=400 $(BIN)/python -m pytest -W error -q \
		$(FUTURE_TESTS)

test: lint pytest pytest-pg pytest-future

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Load benchmark (docs/performance.md): minutes, not part of `make test`. Needs Debian's wrk.
.venv-bench/.installed: requirements-bench.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -r requirements-bench.txt
	touch .venv-bench/.installed

# Everything goes into one dated folder: the load report (report.md, report.json) and what
# the other benchmarks print (others.txt).
bench: $(STAMP) .venv-bench/.installed
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	@dir=bench-results/$$(date +%Y%m%d-%H%M%S); mkdir -p $$dir; set -e; \
	$(BIN)/python bench/run_load.py --out $$dir $(BENCH_ARGS); \
	{ $(BIN)/python bench/password_bench.py; \
	  $(BIN)/python bench/rankings_bench.py --participants 100000 --attempts 1000000; \
	  $(BIN)/python bench/export_bench.py --rows 100000; \
	  $(BIN)/python bench/export_gathered.py --rows 100000; \
	  $(BIN)/python bench/export_job_bench.py --participants 160000; \
	  .venv-bench/bin/python bench/xlsx_writers.py --rows 100000; } 2>&1 | tee $$dir/others.txt; \
	echo "report: $$dir/report.md, $$dir/others.txt"
