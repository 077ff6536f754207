"""Where a search request's time goes, for bench/run.py: engine, API and page in-process, and FTS5.

Each query of the benchmark is asked three ways (plain; with a source filter;
newest first from a date) and each way is timed four times over, in turn:

- **engine**: the backend's query + all facets for the page, exactly as the
  search page evaluates it (`discovery.service.build_queryset`, the month
  histogram counted without the dates, the first 20 hits, their count and
  the facet counts), without loading rows or rendering;
- **API**: `GET /api/search` through Django's test client (no network);
- **page**: `GET /` with the same parameters;
- **FTS5**: the same query in SQLite FTS5 over the same jieba terms, query +
  facets in SQL (bench/fts5_baseline.py).

The first round is a warm-up (untimed); then `repeat` rounds are timed.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from datetime import date
from pathlib import Path
from typing import Any

from bench.fts5_baseline import Variant, connect, search

DATE_FROM = date(2025, 1, 1)


def variants(source: str) -> list[Variant]:
    """Return the three ways each query is asked."""
    return [Variant("plain"), Variant("source", source=source),
            Variant("newest from date", date_from=DATE_FROM, newest=True)]


def _params(q: str, variant: Variant) -> dict[str, str]:
    params = {"q": q}
    if variant.source:
        params["source"] = variant.source
    if variant.date_from:
        params["from"] = variant.date_from.isoformat()
    if variant.newest:
        params["sort"] = "newest"
    return params


def engine_search(q: str, variant: Variant) -> int:
    """Evaluate q as the search page does, engine only; return the count."""
    from discovery.facet_table import MONTH
    from discovery.service import build_queryset
    from discovery.state import SearchState

    state = SearchState(q=q, source=(variant.source,) if variant.source else (), date_from=variant.date_from,
                        sort="newest" if variant.newest else "")
    sqs = build_queryset(state, bodiless="aside")
    sqs.query.count_facets_without_dates((MONTH.index_field,))
    list(sqs[0:20])
    count = sqs.count()
    sqs.facet_counts()
    return count


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000, value


def measure(queries: Sequence[str], source: str, fts5_path: Path | None, *, repeat: int = 3) -> dict[str, Any]:
    """Return {way: {layer: [ms]}} and the hit counts of the archive and FTS5 per (query, way).

    fts5_path None: the archive's three layers only.
    """
    from django.test import Client

    from search.synonyms import current_table

    client = Client(SERVER_NAME="localhost")
    conn = connect(fts5_path) if fts5_path is not None else None
    layers: dict[str, Callable[[str, Variant], Any]] = {
        "engine": engine_search,
        "api": lambda q, v: _ok(client.get("/api/search", _params(q, v))),
        "page": lambda q, v: _ok(client.get("/", _params(q, v))),
    }
    if conn is not None:
        layers["fts5"] = lambda q, v: search(conn, q, v, current_table().members)[0]
    ms: dict[str, dict[str, list[float]]] = {v.name: {layer: [] for layer in layers} for v in variants(source)}
    counts: dict[str, dict[str, int]] = {}
    for round_ in range(repeat + 1):
        for variant in variants(source):
            for q in queries:
                for layer, fn in layers.items():
                    elapsed, value = _timed(partial(fn, q, variant))
                    if round_:
                        ms[variant.name][layer].append(elapsed)
                    if layer in ("engine", "fts5"):
                        counts.setdefault(f"{variant.name}: {q}", {})[layer] = value
    if conn is not None:
        conn.close()
    return {"ms": ms, "counts": counts}


def _ok(response: Any) -> int:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request['PATH_INFO']}?{response.request['QUERY_STRING']}: "
                           f"HTTP {response.status_code}")
    return response.status_code


def phase(var: Path, results: dict[str, Any], queries: Sequence[str], *, repeat: int, fts5: bool = True) -> None:
    """bench/run.py's phase: build the FTS5 copy, then time the four layers side by side into results.

    fts5 False: the archive's three layers only, no FTS5 copy.
    """
    from django.core.management import call_command
    from django.db.models import Count

    from archive.models import Source
    from bench import fts5_baseline
    from bench.report import summary

    call_command("collectstatic", interactive=False, verbosity=0)  # the page's static manifest
    fts5_path = var / "fts5.sqlite3" if fts5 else None
    if fts5_path is not None:
        print("building the FTS5 baseline …", flush=True)
        results["fts5_build"] = fts5_baseline.build(fts5_path)
    source = Source.objects.annotate(n=Count("articles")).order_by("-n", "name").values_list("name", flat=True)[0]
    print("timing engine, API, page and FTS5 in-process …", flush=True)
    measured = measure(queries, source, fts5_path, repeat=repeat)
    results["request"] = {
        "source": source, "date_from": DATE_FROM.isoformat(),
        "ways": {way: {layer: summary(ms) for layer, ms in layers.items()}
                 for way, layers in measured["ms"].items()},
        "all": {layer: summary([ms for layers in measured["ms"].values() for ms in layers[layer]])
                for layer in ("engine", "api", "page", "fts5") if fts5 or layer != "fts5"},
        "different_counts": {ask: c for ask, c in measured["counts"].items()
                             if c["engine"] != c.get("fts5", c["engine"])},
    }
