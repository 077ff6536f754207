"""Parity of the two engines on fixtures/: scripts/with-elasticsearch.sh .venv/bin/python bench/parity.py

Builds a scratch archive from fixtures/ (a temporary SQLite database and Whoosh
index, through the real import_articles and rebuild_index commands, as
bench/relevance.py does), indexes the same articles on the cluster at
ELASTICSEARCH_URL (an alias of its own, deleted at the end), then asks both
engines what the search page asks (discovery.service.build_queryset: every
facet, articles without body text set aside, the month histogram without
dates) for every query of bench/run.py and of bench/relevance/queries.jsonl.
Compares hit counts, every facet count, the relaxed counts, the count set
aside, and the overlap of the top 10 by relevance (by date for browsing).
Prints Markdown tables; --json writes every figure. Exit 1 when counts differ.
"""
import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cluster import cluster_connection, cluster_url, cluster_version, fill  # noqa: E402
from bench.relevance import FIXTURES, build_archive, git_commit, setup_django  # noqa: E402
from bench.relevance_metrics import load_queries  # noqa: E402
from bench.run import QUERIES as BENCH_QUERIES  # noqa: E402

WHOOSH = "default"
TOP = 10


@dataclass
class Answer:
    """What one engine answered for one query."""

    count: int
    top: list
    facets: dict
    without_dates: dict
    relaxed: dict
    aside: int
    ms: float


def ask(using: str, q: str) -> Answer:
    """Run the search page's search for q on connection using."""
    from discovery.service import build_queryset
    from discovery.state import SearchState

    start = time.perf_counter()
    sqs = build_queryset(SearchState(q=q), bodiless="aside").using(using)
    sqs.query.count_facets_without_dates(("month",))
    top = [int(hit.pk) for hit in sqs[:TOP]]
    counts = sqs.facet_counts()
    ms = (time.perf_counter() - start) * 1000
    return Answer(count=sqs.count(), top=top,
                  facets={name: dict(pairs) for name, pairs in counts.get("fields", {}).items()},
                  without_dates={name: dict(pairs) for name, pairs in counts.get("without_dates", {}).items()},
                  relaxed=dict(counts.get("relaxed", {})), aside=int(counts.get("aside", {}).get("count", 0)),
                  ms=round(ms, 1))


def facet_differences(whoosh: dict, es: dict) -> list:
    """Return "field value: whoosh/es" for every facet value counted differently."""
    out = []
    for field in sorted(set(whoosh) | set(es)):
        w, e = whoosh.get(field, {}), es.get(field, {})
        out += [f"{field} {value}: {w.get(value, 0)}/{e.get(value, 0)}"
                for value in sorted(set(w) | set(e)) if w.get(value, 0) != e.get(value, 0)]
    return out


def compare(query_id: str, q: str, es: str) -> dict:
    """Ask both engines for q; return the row of figures and differences."""
    w, e = ask(WHOOSH, q), ask(es, q)
    differences = facet_differences(w.facets, e.facets) + facet_differences(
        {f"{k} (any date)": v for k, v in w.without_dates.items()},
        {f"{k} (any date)": v for k, v in e.without_dates.items()})
    differences += [f"relaxed {k}: {w.relaxed.get(k)}/{e.relaxed.get(k)}"
                    for k in sorted(set(w.relaxed) | set(e.relaxed)) if w.relaxed.get(k) != e.relaxed.get(k)]
    if w.aside != e.aside:
        differences.append(f"set aside: {w.aside}/{e.aside}")
    shown = min(TOP, w.count)
    return {"id": query_id, "q": q, "whoosh": w.count, "elasticsearch": e.count,
            "same_count": w.count == e.count, "facet_differences": differences,
            "top_overlap": len(set(w.top) & set(e.top)), "top_of": shown, "same_order": w.top == e.top,
            "ms": {"whoosh": w.ms, "elasticsearch": e.ms}, "answers": {"whoosh": asdict(w), "elasticsearch": asdict(e)}}


def query_list(limit: int) -> list:
    """Return (id, q) for the benchmark's queries, browsing, then the judged ones; the first limit (0: all)."""
    chosen = [("browse", "")] + [(f"bench-{n:02d}", q) for n, q in enumerate(BENCH_QUERIES, 1)]
    chosen += [(query.id, query.q) for query in load_queries()]
    return chosen[:limit] if limit else chosen


def summary(rows: list) -> dict:
    """Return the totals of the per-query rows."""
    ranked = [r for r in rows if r["top_of"]]
    full = sorted(r["top_overlap"] for r in ranked if r["top_of"] == TOP)  # queries with 10 hits or more
    return {"queries": len(rows), "same_count": sum(r["same_count"] for r in rows),
            "same_facets": sum(not r["facet_differences"] for r in rows),
            "with_hits": len(ranked), "with_ten": len(full),
            "top_overlap_mean": round(sum(full) / max(len(full), 1), 2), "top_overlap_min": full[0] if full else None,
            "top_all_same": sum(r["top_overlap"] == r["top_of"] for r in ranked),
            "same_order": sum(r["same_order"] for r in ranked)}


def md(text: str) -> str:
    return text.replace("|", "\\|") if text else "(browse)"


def tables(results: dict) -> str:
    """Return the Markdown summary, the queries that differ, and the per-query table."""
    s, rows = results["summary"], results["per_query"]
    lines = ["| measure | result |", "|---|---|",
             f"| queries | {s['queries']} ({results['bench_queries']} of bench/run.py with browsing, "
             f"{s['queries'] - results['bench_queries']} of bench/relevance/) |",
             f"| same hit count | **{s['same_count']} of {s['queries']}** |",
             f"| same facet, histogram, relaxed and set-aside counts | **{s['same_facets']} of {s['queries']}** |",
             f"| top {TOP} overlap, {s['with_ten']} queries with {TOP}+ hits | mean {s['top_overlap_mean']} of {TOP}, "
             f"min {s['top_overlap_min']} |",
             f"| same top {TOP} set ({s['with_hits']} queries with hits) | {s['top_all_same']}; "
             f"in the same order: {s['same_order']} |"]
    differ = [r for r in rows if not r["same_count"] or r["facet_differences"]]
    lines += ["", "**Where the counts differ** (Whoosh/Elasticsearch)", ""]
    if differ:
        lines += ["| query | q | hits | counts that differ |", "|---|---|---:|---|"]
        lines += [f"| {r['id']} | `{md(r['q'])}` | {r['whoosh']}/{r['elasticsearch']} | "
                  f"{md('; '.join(r['facet_differences'][:6])) if r['facet_differences'] else '-'} |" for r in differ]
    else:
        lines.append("None: every hit count and every facet count is the same on both engines.")
    lines += ["", f"**Per query** (hits; top {TOP} overlap of the top {TOP} Whoosh shows)", "",
              "| query | q | hits W/ES | top 10 | same order |", "|---|---|---:|---:|---|"]
    lines += [f"| {r['id']} | `{md(r['q'])}` | {r['whoosh']}/{r['elasticsearch']} | "
              f"{r['top_overlap']}/{r['top_of']} | {'yes' if r['same_order'] else 'no'} |" for r in rows]
    return "\n".join(lines)


def parse_args(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=0, metavar="N", help="only the first N queries")
    parser.add_argument("--json", metavar="PATH", help="write every figure to PATH")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, var: Path, url: str) -> dict:
    """Build the scratch archive on both engines, compare the chosen queries; return the results."""
    setup_django(var)  # the default connection: the scratch archive's Whoosh index
    print(f"building a scratch archive from {FIXTURES.name}/ …", file=sys.stderr, flush=True)
    archive = build_archive(FIXTURES)
    with cluster_connection(url, "parity") as es:
        indexed, seconds = fill(es)
        print(f"{indexed} articles on the cluster in {seconds:.1f} s; comparing …", file=sys.stderr, flush=True)
        chosen = query_list(args.queries)
        rows = [compare(query_id, q, es) for query_id, q in chosen]
        version = cluster_version(es)
    return {"command": " ".join(["python", "bench/parity.py"] + sys.argv[1:]), "commit": git_commit(),
            "python": platform.python_version(), "cluster": version, "archive": {**archive, "on_cluster": indexed},
            "bench_queries": sum(1 for query_id, _ in chosen if query_id == "browse" or query_id.startswith("bench-")),
            "summary": summary(rows), "per_query": rows}


def main(argv: list | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    url = cluster_url()
    var = Path(tempfile.mkdtemp(prefix="parity-"))
    try:
        results = run(args, var, url)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    a = results["archive"]
    print(f"{a['articles']} articles imported, {a['searchable']} indexed on Whoosh and {a['on_cluster']} on "
          f"{results['cluster']}; commit {results['commit']}\n")
    print(tables(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
        print(f"\nJSON: {args.json}")
    s = results["summary"]
    sys.exit(0 if s["same_count"] == s["same_facets"] == s["queries"] else 1)


if __name__ == "__main__":
    main()
