# The two commands: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIAGA_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/siaga

.PHONY: demo test lint typecheck pytest-sqlite pytest-postgres test-ha bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.installed

## demo: install, migrate, load Tangerang and the demo accounts, serve on 127.0.0.1:$(PORT),
## with a simulated floor at DEMO_RATE contacts an hour (SIMULATE=0 make demo: a quiet one)
SIMULATE ?= 1
DEMO_RATE ?= 60
demo: export SIAGA_WHATSAPP_APP_SECRET ?= demo-whatsapp-secret
demo: export SIAGA_TELEGRAM_SECRET_TOKEN ?= demo-telegram-secret
demo: export SIAGA_META_APP_SECRET ?= demo-meta-secret
demo: export SIAGA_X_CONSUMER_SECRET ?= demo-x-secret
demo: $(VENV)/.installed
	$(BIN)/siaga migrate --noinput
	$(BIN)/siaga load-dataset tangerang
	$(BIN)/siaga load-demo-accounts
	@if [ "$(SIMULATE)" = "0" ]; then exec env PORT=$(PORT) $(BIN)/siaga serve; fi; \
	mkdir -p var; PORT=$(PORT) $(BIN)/siaga serve & server=$$!; \
	$(BIN)/siaga simulate --base http://127.0.0.1:$(PORT) --rate $(DEMO_RATE) \
	  --duration 0 >> var/demo-simulator.log 2>&1 & simulator=$$!; \
	trap 'kill $$server $$simulator 2>/dev/null' EXIT INT TERM; \
	echo "Simulated floor: $(DEMO_RATE) contacts an hour (var/demo-simulator.log)."; \
	echo "SIMULATE=0 make demo serves a quiet one."; \
	wait $$server

## test: lint, types, Django checks, the suite on SQLite and on PostgreSQL, then test-ha
test: $(VENV)/.installed-test lint typecheck
	DATABASE_URL= SIAGA_ENV=test $(BIN)/siaga check --fail-level WARNING
	DATABASE_URL= SIAGA_ENV=test $(BIN)/siaga makemigrations --check --dry-run
	$(MAKE) pytest-sqlite pytest-postgres test-ha

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy .

pytest-sqlite: $(VENV)/.installed-test
	DATABASE_URL= SIAGA_ENV=test $(BIN)/pytest

pytest-postgres: $(VENV)/.installed-test
	DATABASE_URL=$(SIAGA_TEST_POSTGRES_URL) SIAGA_ENV=test $(BIN)/pytest --create-db

## test-ha: a primary and a synchronous standby from Debian's PostgreSQL binaries on
## loopback ports (as the `postgres` user when run as root), intake through the API,
## SIGKILL of the primary, `siaga failover`, fencing, rebuild and a drill; and kill -9
## of the server on the embedded SQLite default. Prints the measured interruptions.
test-ha: $(VENV)/.installed-test
	DATABASE_URL= SIAGA_ENV=test $(BIN)/pytest -m ha siaga/cluster/tests

## bench: live-feed latency with 200 consoles on SQLite and PostgreSQL, intake
## throughput, triage accuracy on the labelled reports, point-to-area lookups, unit
## recommendations with 5,000 units, vehicle-position ingest, the statistics dashboard
## on 500,000 incidents and 2.5 million contacts (half the issue's size, to stay within
## ten minutes; the full size is `bench/stats_speed.py --write` alone), duplicate
## suggestions with 100,000 open incidents (SQLite; `--db postgres` alone) and the
## server's peak memory under the simulator's flood. About 8 minutes on 2 cores
## (docs/benchmarks.md)
bench: $(VENV)/.installed-test
	$(BIN)/python bench/live_latency.py --consoles 200 --writes 50 --db sqlite
	$(BIN)/python bench/live_latency.py --consoles 200 --writes 50 --db postgres
	$(BIN)/python bench/intake_throughput.py --contacts 2000 --writers 4 --write
	$(BIN)/python bench/triage_accuracy.py --write
	$(BIN)/python bench/locate_speed.py --write
	$(BIN)/python bench/units_speed.py --write
	$(BIN)/python bench/stats_speed.py --incidents 500000 --contacts 2500000 --write
	$(BIN)/python bench/duplicates_speed.py --write
	$(BIN)/python bench/flood_memory.py --write

## messages: refresh and compile the English catalogue (needs gettext)
messages: $(VENV)/.installed-test
	cd siaga && ../$(BIN)/django-admin makemessages -l en --settings=config.settings --pythonpath=.. -i "tests/*"
	cd siaga && ../$(BIN)/django-admin compilemessages --settings=config.settings --pythonpath=..

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
