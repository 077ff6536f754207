# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test lint test-sqlite test-postgres setup venv system-deps bench clean

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
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --timeout 120 --access-logfile -

## Debian packages the tests need (chromium, CJK fonts, PostgreSQL), installed when missing.
system-deps:
	WITH_POSTGRES=1 bash scripts/install-system-deps.sh

## Checks, then the whole suite twice: on SQLite, then on a throwaway PostgreSQL server.
test: lint test-sqlite test-postgres

## ruff, mypy, the import-linter contracts (.importlinter) and the size limits of modules and functions.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/code_size.py

test-sqlite: venv system-deps
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/pytest -q

test-postgres: venv system-deps
	$(PY) manage.py collectstatic --noinput --verbosity 0
	bash scripts/with-postgres.sh $(VENV)/bin/pytest -q

clean:
	rm -rf var $(VENV)
