"""Both engines in one run: scripts/with-elasticsearch.sh .venv/bin/python bench/engines.py --docs 100000

Builds a scratch archive under bench/out/ from the deterministic corpus
(bench/corpus.py, as bench/run.py does), imports it without indexing, then
builds the same articles on the cluster at ELASTICSEARCH_URL (an alias of its
own, deleted at the end; the backend contract's start_build, build, swap_in)
and on Whoosh (rebuild_index, 2 workers), and times bench/run.py's queries on
both: (a) first page, (b) + all facets, (c) + 2 filters + facets, (d) browse
newest + facets. Writes JSON after every phase (and every 5,000 documents of
a build), so an interrupted run keeps what it measured; prints a Markdown table.
"""
import argparse
import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cluster import ES, cluster_connection, cluster_url, cluster_version  # noqa: E402
from bench.relevance import git_commit  # noqa: E402
from bench.run import QUERIES, import_files, our_queryset, run_modes, setup_django, summary  # noqa: E402

FILTERS = {"regions": "上海", "kind": "通知"}
PROGRESS_EVERY = 5000
MODES = {"a": "(a) query, first page", "b": "(b) query + all facets", "c": "(c) query + 2 filters + facets",
         "d": "(d) browse newest + facets"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query on each engine (first is cold)")
    parser.add_argument("--reuse", action="store_true", help="keep the archive an earlier run imported")
    return parser.parse_args()


def import_corpus(args: argparse.Namespace, out: Path, results: dict) -> None:
    """Write the corpus and import it (indexing off), timing the import."""
    from archive.models import Article
    from bench.corpus import write

    if args.reuse and Article.objects.exists():
        results["import"] = {"reused": Article.objects.count()}
        return
    files = write(args.docs, out / f"corpus-{args.docs}", per_file=10_000)
    print(f"importing {args.docs} articles …", file=sys.stderr, flush=True)
    seconds = import_files(files, index_on_commit=False)
    results["import"] = {"articles": Article.objects.count(), "seconds": round(seconds, 1),
                         "per_second": round(args.docs / seconds, 1)}


def build_on_cluster(results: dict, save) -> None:
    """Index every searchable article on the cluster (a new index, then the alias moved to it)."""
    from haystack import connections

    from search.indexing import article_index

    backend, index = connections[ES].get_backend(), article_index()
    progress = results["cluster_build"] = {"articles": 0, "seconds": 0.0}
    start = time.perf_counter()

    def on_batch(done: int) -> None:
        if done // PROGRESS_EVERY > progress["articles"] // PROGRESS_EVERY:
            progress.update(articles=done, seconds=round(time.perf_counter() - start, 1), partial=True)
            print(f"  cluster: {done} articles, {done / (time.perf_counter() - start):.1f}/s",
                  file=sys.stderr, flush=True)
            save()
        progress["articles"] = done

    build = backend.start_build()
    count = backend.build(index, index.index_queryset().iterator(chunk_size=1000), build=build, on_batch=on_batch)
    backend.swap_in(build)
    seconds = time.perf_counter() - start
    results["cluster_build"] = {"articles": count, "seconds": round(seconds, 1),
                                "per_second": round(count / seconds, 1),
                                "store_mb": round(store_bytes(backend) / 2**20, 1)}


def store_bytes(backend) -> int:
    """Return the cluster's bytes for the alias (primaries and replicas)."""
    stats = backend.conn.indices.stats(index=backend.index_name, metric="store")
    return stats["_all"]["total"]["store"]["size_in_bytes"]


def build_on_whoosh(var: Path, results: dict) -> None:
    """Rebuild the Whoosh index with the real command (2 workers), timing it."""
    from django.core.management import call_command

    from archive.models import Article

    start = time.perf_counter()
    call_command("rebuild_index", interactive=False, verbosity=0)
    seconds = time.perf_counter() - start
    indexed = Article.objects.searchable().count()
    index_dir = Path(os.path.realpath(var / "whoosh_index"))
    results["whoosh_build"] = {"articles": indexed, "seconds": round(seconds, 1),
                               "per_second": round(indexed / seconds, 1),
                               "store_mb": round(sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
                                                 / 2**20, 1)}


def query_both(args: argparse.Namespace, results: dict) -> None:
    """Time bench/run.py's queries on each engine, Whoosh then the cluster; record their hit counts."""
    for name, using in (("whoosh", "default"), ("elasticsearch", ES)):
        print(f"querying ({name}) …", file=sys.stderr, flush=True)

        def make(q, filters=None, using=using):
            return our_queryset(q, filters).using(using)

        timings, hits = run_modes(make, QUERIES, FILTERS, args.repeat)
        results[name] = {mode: summary(ms) for mode, ms in timings.items()}
        results[name]["cold_b"] = summary(timings["b"][:len(QUERIES)])
        results[f"{name}_hits"] = hits
    w, e = results["whoosh_hits"], results["elasticsearch_hits"]
    results["different_hits"] = {q: {"whoosh": w[q], "elasticsearch": e.get(q)} for q in w if w[q] != e.get(q)}


def markdown(results: dict) -> str:
    """Return the run's figures as a Markdown table (missing phases say so)."""
    def build(key: str) -> str:
        b = results.get(key)
        if not b:
            return "not run"
        if b.get("partial"):
            return f"unfinished: {b['articles']:,} articles in {b['seconds']} s ({b['articles'] / b['seconds']:.1f}/s)"
        return f"**{b['per_second']} articles/s** ({b['articles']:,} in {b['seconds']} s), {b['store_mb']} MB"

    def mode(name: str, key: str) -> str:
        m = results.get(name, {}).get(key)
        return f"p50 {m['p50_ms']} ms / p95 {m['p95_ms']} ms" if m else "not run"

    lines = ["| measure | Whoosh | Elasticsearch |", "|---|---|---|",
             f"| build | {build('whoosh_build')} | {build('cluster_build')} |"]
    lines += [f"| {label} | {mode('whoosh', key)} | {mode('elasticsearch', key)} |" for key, label in MODES.items()]
    lines.append(f"| (b) cold, first pass | {mode('whoosh', 'cold_b')} | {mode('elasticsearch', 'cold_b')} |")
    if "different_hits" in results:
        lines.append(f"| same hit count | {len(QUERIES) + 1 - len(results['different_hits'])} of "
                     f"{len(QUERIES) + 1} queries (browsing included) | |")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    url = cluster_url()
    for name in ("ELASTICSEARCH_URL", "ELASTICSEARCH_INDEX", "DATABASE_URL"):
        os.environ.pop(name, None)  # the default connection: this run's own Whoosh index and SQLite database
    out = Path(args.out)
    var = out / f"engines-{args.docs}"
    if not args.reuse:
        shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True, exist_ok=True)
    setup_django(var)
    from django.core.management import call_command

    path = out / f"engines-{args.docs}.json"
    results = {"docs": args.docs, "command": " ".join(["python", "bench/engines.py"] + sys.argv[1:]),
               "commit": git_commit(), "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
               "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}

    def save() -> None:
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2))

    call_command("migrate", verbosity=0)
    import_corpus(args, out, results)
    save()
    with cluster_connection(url, "engines") as es:
        results["cluster"] = cluster_version(es)
        print("building on the cluster …", file=sys.stderr, flush=True)
        build_on_cluster(results, save)
        save()
        print("rebuilding the Whoosh index …", file=sys.stderr, flush=True)
        build_on_whoosh(var, results)
        save()
        query_both(args, results)
        results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        save()
    print(markdown(results))
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()
