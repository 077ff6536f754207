# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test setup venv system-deps test-postgres bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

## Migrate, import fixtures/ (idempotent), build the index, collect static files.
setup: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_articles fixtures/
	$(PY) manage.py rebuild_index --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0

## Serve the archive with gunicorn at http://$(HOST):$(PORT)
run: setup
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

## Debian packages the browser tests need (chromium, CJK fonts), installed when missing.
system-deps:
	bash scripts/install-system-deps.sh

## The whole suite: unit, command, search, page and browser tests.
test: venv system-deps
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/pytest -q

clean:
	rm -rf var $(VENV)
