# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test lint test-sqlite test-postgres test-whoosh-reloaded test-elasticsearch setup venv system-deps bench clean

# A second virtualenv with whoosh-reloaded (the maintained fork, import name
# `whoosh`) instead of Whoosh 2.7.4, for the search tests only.
VENV_WR := .venv-whoosh-reloaded
SEARCH_TESTS := tests/test_search_backend.py tests/test_whoosh_internals.py tests/test_phrase_search.py \
	tests/test_segment_build.py tests/test_rebuild.py tests/test_check_index.py tests/test_analysis.py \
	tests/test_facets.py tests/test_concurrency.py tests/test_trends.py tests/test_position_file.py

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Everything in requirements.txt but Whoosh, then the fork from requirements-whoosh-reloaded.txt.
$(VENV_WR)/.installed: requirements.txt requirements-whoosh-reloaded.txt
	$(PYTHON) -m venv $(VENV_WR)
	grep -iv '^whoosh[=<>~ ]' requirements.txt > $(VENV_WR)/requirements-without-whoosh.txt
	$(VENV_WR)/bin/pip install --quiet --disable-pip-version-check \
		-r $(VENV_WR)/requirements-without-whoosh.txt -r requirements-whoosh-reloaded.txt
	touch $@

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

## Checks, then the whole suite twice (SQLite, then a throwaway PostgreSQL server), then the
## search tests on whoosh-reloaded, then the cluster tests on a real two-node Elasticsearch 7.17.
test: lint test-sqlite test-postgres test-whoosh-reloaded test-elasticsearch

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

## The search tests again, on whoosh-reloaded instead of Whoosh 2.7.4.
test-whoosh-reloaded: $(VENV_WR)/.installed
	$(VENV_WR)/bin/python -c "import whoosh, importlib.metadata as m; print('whoosh-reloaded', m.version('whoosh-reloaded'), whoosh.__file__)"
	$(VENV_WR)/bin/pytest -q $(SEARCH_TESTS)

## On a real two-node Elasticsearch cluster (built with Maven, started and removed by
## scripts/with-elasticsearch.sh): the cluster tests, the benchmarks' smoke runs, then the search page,
## API, backend and index-queue tests a second time (tests/engines.py gives the run and each test an
## index of its own; a test only Whoosh can pass is skipped with its reason). Not run here, Whoosh's by
## nature: test_whoosh_internals, test_segment_build, test_check_index (copies index directories),
## test_phrase_search (compares with Whoosh's phrase query), test_proximity (Whoosh's re-rank).
ES_TESTS := tests/test_elasticsearch_cluster.py tests/test_elasticsearch_bench.py \
	tests/test_search_backend.py tests/test_pages.py tests/test_research_tools.py tests/test_exports.py \
	tests/test_querysyntax.py tests/test_synonyms.py tests/test_spelling.py tests/test_empty_articles.py \
	tests/test_trends.py tests/test_index_queue.py tests/test_admin.py
test-elasticsearch: venv
	$(PY) manage.py collectstatic --noinput --verbosity 0
	bash scripts/with-elasticsearch.sh $(VENV)/bin/pytest -q $(ES_TESTS)

clean:
	rm -rf var $(VENV) $(VENV_WR)
