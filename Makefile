# One way to run things; CI runs `make test` too.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LAUNCH := $(PY) -m tracker.launcher

.PHONY: run test lint format superuser shell clean fault-kill-worker

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## run: set up and run the tracker (web on 127.0.0.1:8000, worker, scheduler); another port: TRACKER_PORT=8001 make run
run: $(VENV)/.runtime
	$(LAUNCH) run

# The browser tests drive Debian's Chromium; as root, `make test` installs it when it is missing.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's Chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >/dev/null; \
	else echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; fi

## test: ruff, makemigrations --check and pytest against real PostgreSQL, a real worker and Chromium
test: $(VENV)/.dev $(CHROMIUM)
	$(LAUNCH) test $(ARGS)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## superuser: create the first admin user (asks for a password; there is no default one); beside `make run` too
superuser: $(VENV)/.runtime
	$(LAUNCH) exec $(PY) manage.py createsuperuser

shell: $(VENV)/.runtime
	$(LAUNCH) exec $(PY) manage.py shell

## fault-kill-worker: kill -9 the worker mid-way through a 200-document ingest, restart, check the books
fault-kill-worker: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/fault_kill_worker.py

# The other drills (docs/reliability.md) need a real broker: CELERY_BROKER_URL=redis://… or amqp://…
.PHONY: fault-db-terminate fault-broker-restart fault-poison-task load-api load-worker drill-big-upload
## fault-db-terminate: pg_terminate_backend on the workers' connections mid-ingest; nothing fails, nothing lost
fault-db-terminate: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/fault_db_terminate.py

## fault-broker-restart: restart Redis, then RabbitMQ, mid-ingest (this machine's servers): nothing lost or twice
fault-broker-restart: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/fault_broker_restart.py redis
	$(LAUNCH) exec $(PY) scripts/fault_broker_restart.py rabbitmq

## fault-poison-task: items whose task kills its worker or raises every time: failed within 3 runs, queue empty
fault-poison-task: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/fault_poison_task.py

## drill-big-upload: a 5 MB one-line text through the API upload: 202 in 2 s, bounded in the worker; 50 MB refused
drill-big-upload: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/drill_big_upload.py

## load-api: wrk against gunicorn for 60 s at 1, 8, 32 and 64 connections; 0 errors
load-api: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/load_api.py

## load-worker: a backlog of 2,000 documents through the worker pool; RSS per process under 300 MB
load-worker: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/load_worker.py

## bench: ingest, extraction vs spaCy, a 5 MB one-line text, the API under load (wrk) and growth, at 1,000,000 statements (docs/benchmarks.md)
.PHONY: bench
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || echo "wrk not found (apt-get install wrk): using the Python load client"
	$(LAUNCH) exec $(PY) -m bench.run $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
