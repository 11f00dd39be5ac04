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

## run: set up and run the tracker (web on 127.0.0.1:8000, worker, scheduler)
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

## superuser: create the first admin user (asks for a password; there is no default one)
superuser: $(VENV)/.runtime
	$(LAUNCH) exec $(PY) manage.py createsuperuser

shell: $(VENV)/.runtime
	$(LAUNCH) exec $(PY) manage.py shell

## fault-kill-worker: kill -9 the worker mid-way through a 200-document ingest, restart, check the books
fault-kill-worker: $(VENV)/.dev
	$(LAUNCH) exec $(PY) scripts/fault_kill_worker.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
