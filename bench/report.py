"""Parts of bench/run.py: the export timings over HTTP, and the Markdown table of a run's results."""
import time
import urllib.request


def percentile(values, pct):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summary(ms):
    return {"p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "n": len(ms)}


EXPORTS = (("json", "/export.json"), ("csv", "/export.csv"), ("json_body", "/export.json?body=1"))


def export_times(base):
    """Return the time to download each capped export of the whole archive (newest first) over HTTP."""
    out = {}
    for name, path in EXPORTS:
        start, size = time.perf_counter(), 0
        with urllib.request.urlopen(base + path, timeout=600) as response:
            rows = min(int(response.headers["X-Result-Count"]), int(response.headers["X-Export-Limit"]))
            while chunk := response.read(1 << 16):
                size += len(chunk)
        out[name] = {"seconds": round(time.perf_counter() - start, 2), "mb": round(size / 2**20, 1), "rows": rows}
    return out



def markdown(r, *, query_count):
    """Return the results of a run as a Markdown table."""
    rows = [("corpus", f"{r['docs']} articles, ~2,000 characters each, {r['machine']['cpus']} cores")]
    if "import" in r:
        rows += [
            ("import (no indexing)", f"{r['import']['per_second']} articles/s ({r['import']['seconds']} s)"),
            ("full rebuild", f"{r['rebuild']['per_second']} articles/s ({r['rebuild']['seconds']} s), "
                             f"index {r['rebuild']['index_mb']} MB"),
        ]
    labels = {"a": "(a) query, first page", "b": "(b) query + all facets",
              "c": "(c) query + 2 filters + facets", "d": "(d) browse newest + facets"}
    for mode, label in labels.items():
        ours = r["ours"][mode]
        cell = f"p50 {ours['p50_ms']} ms / p95 {ours['p95_ms']} ms"
        if "stock" in r:
            stock = r["stock"][mode]
            cell += f" (stock: p50 {stock['p50_ms']} ms / p95 {stock['p95_ms']} ms)"
        rows.append((label, cell))
    rows.append(("(b) cold, first run of each query",
                 f"p50 {r['ours_cold_b']['p50_ms']} ms / p95 {r['ours_cold_b']['p95_ms']} ms"))
    if "stock" in r:
        rows.append(("(e) stock / ours, (b) p50", f"{r['ratio_b_p50']}×; browse-all hits: ours "
                     f"{r['browse_hits']}, stock {r['stock_browse_hits']}; same hit count on "
                     f"{r['same_hits']} of {query_count} queries"))
    h = r["http"]
    rows += [
        ("HTTP search page, 8 clients", f"p50 {h['page']['p50_ms']} ms / p95 {h['page']['p95_ms']} ms"),
        ("HTTP /api/search, 8 clients", f"p50 {h['api']['p50_ms']} ms / p95 {h['api']['p95_ms']} ms"),
        ("HTTP throughput", f"{h['requests_per_second']} requests/s, {h['errors']} errors "
                            f"({h['workers']} gunicorn workers)"),
        ("worker peak RSS", f"{r['worker_peak_rss_mb']} MB"),
    ]
    if "export" in r:
        e = r["export"]
        rows.append((f"export of {e['json']['rows']:,} rows over HTTP",
                     f"JSON {e['json']['seconds']} s ({e['json']['mb']} MB), CSV {e['csv']['seconds']} s, "
                     f"JSON with body {e['json_body']['seconds']} s ({e['json_body']['mb']} MB)"))
    rows += [
        ("save → searchable", f"p50 {r['save_to_searchable_ms']['p50_ms']} ms / "
                              f"max-ish p95 {r['save_to_searchable_ms']['p95_ms']} ms"),
        ("import +{} with indexing".format(r["increment"]["articles"]),
         f"{r['increment']['per_second']} articles/s; index {r['increment']['index_docs_before']} → "
         f"{r['increment']['index_docs_after']} documents, no rebuild"),
    ]
    lines = ["| measure | result |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    if "request" in r:
        lines += ["", request_table(r)]
    if "cold_positions" in r:
        lines += ["", "| query, fresh process | hits | cold | of which positions | warm |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| `{q}` | {c['hits']:,} | {c['cold_ms']} ms | {c.get('positions_ms', '–')} ms | {c['warm_ms']} ms |"
                  for q, c in r["cold_positions"].items()]
    return "\n".join(lines)


def request_table(r):
    """Return engine, API, page and FTS5 in-process, p50 / p95 per way of asking, as Markdown."""
    req = r["request"]
    layers = ("engine", "api", "page", "fts5") if "fts5" in req["all"] else ("engine", "api", "page")
    names = {"engine": "engine", "api": "/api/search", "page": "search page", "fts5": "SQLite FTS5"}
    lines = ["| in-process, ms p50 / p95 | " + " | ".join(names[x] for x in layers) + " |",
             "|---" * (len(layers) + 1) + "|"]
    for way, figures in [*req["ways"].items(), ("all", req["all"])]:
        cells = " | ".join(f"{figures[x]['p50_ms']} / {figures[x]['p95_ms']}" for x in layers)
        lines.append(f"| {way} | {cells} |")
    if "fts5_build" not in r:
        return "\n".join(lines + ["\nSQLite FTS5: not run (--skip-fts5)"])
    fts = r["fts5_build"]
    lines.append(f"\nFTS5 copy: {fts['articles']:,} articles in {fts['seconds']} s ({fts['mb']} MB); "
                 f"source filter {req['source']}, dates from {req['date_from']}; "
                 f"{len(req['different_counts'])} asks with a different hit count")
    return "\n".join(lines)
