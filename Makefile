# Minga: `make demo` sets up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -dr /root/.pyenv/versions/3.1[23]*/bin/python3 2>/dev/null); do $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo's absolute links, DIDs and QR codes follow the address it is served at. Its data
# is signed for that address (credentials name their issuer's did:web, the log its origin),
# so each address gets a database of its own, loaded for it.
DEMO_URL := $(or $(MINGA_PUBLIC_URL),http://$(HOST):$(PORT))
DEMO_DB := $(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/demo-$(subst :,-,$(subst /,,$(subst http://,,$(subst https://,,$(DEMO_URL))))).sqlite3)
comma := ,
DEMO_ENV := DEBUG=1 MINGA_PUBLIC_URL=$(DEMO_URL) DATABASE_URL=$(DEMO_DB) \
	ALLOWED_HOSTS=$(or $(ALLOWED_HOSTS),$(HOST)$(comma)127.0.0.1$(comma)localhost)

.PHONY: demo test test-fast bench lint messages install browser clean screenshots

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Minga needs Python 3.12 or newer (python3.13 / python3.12 on PATH)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

demo: install
	mkdir -p var
	$(DEMO_ENV) $(BIN)/minga migrate --verbosity 0
	$(DEMO_ENV) $(BIN)/minga demo --no-sign-ins
	@echo "Serving on $(DEMO_URL)/ (beside it, minga worker delivers messages, signs log checkpoints, closes polls on time and sends notices)"
	worker=""; signins=""; trap 'kill $$worker $$signins 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/minga worker & worker=$$!; \
	$(DEMO_ENV) $(BIN)/minga demo --sign-ins-after http://$(HOST):$(PORT)/health & signins=$$!; \
	$(DEMO_ENV) $(BIN)/minga runserver $(HOST):$(PORT)

# Debian's chromium and chromium-driver drive the browser tests; they skip with a visible
# reason when the browser is missing and cannot be installed (no root, no apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1)) \
	    || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "chromium is missing: browser tests will skip"; fi; }

test: install browser
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0 || { echo "Models changed without a migration."; exit 1; }
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: install
	$(BIN)/pytest -x -q -m "not browser"

# docs/screenshots/: the ten main pages of the demo at 360 px and 1280 px, shot by the
# browser tests' machinery (tests/browser/test_screenshots.py; loading the demo takes minutes).
screenshots: install browser
	rm -f docs/screenshots/*.png
	MINGA_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest -q tests/browser/test_screenshots.py

# The budgets are measured on CPython built as servers run it (profile-guided, link-time
# optimised): bin/optimised-python builds one once per machine (about 20 minutes). Where it
# cannot, the benchmarks run on the project's interpreter and say so.
BENCH_VENV := .venv-bench
bench: install
	@if python=$$(bin/optimised-python); then \
	  grep -qsx "home = $$(dirname $$python)" $(BENCH_VENV)/pyvenv.cfg || { \
	    rm -rf $(BENCH_VENV) && $$python -m venv $(BENCH_VENV) && \
	    $(BENCH_VENV)/bin/pip install --quiet --upgrade pip; }; \
	  bench=$(BENCH_VENV)/bin; \
	else \
	  echo "No optimised interpreter (see above): the benchmarks run on $(BIN)/python."; \
	  bench=$(BIN); \
	fi; \
	$$bench/pip install --quiet -e '.[bench]' && DEBUG=1 $$bench/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var staticfiles

messages: install
	bin/messages
