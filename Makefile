# Loupan: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
DEMO_CUSTOMERS ?= 2000

.PHONY: run test lint format bench messages browser-deps clean install

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty --customers $(DEMO_CUSTOMERS)
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver $(HOST)

test: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --ignore=.venv --ignore=static/vendor --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# Debian's Chromium for the browser tests (needs root; CI runs it).
browser-deps:
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache
