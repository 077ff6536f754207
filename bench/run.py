"""Benchmark the archive end to end: python bench/run.py --docs 100000

Builds a fresh archive under bench/out/ from the deterministic corpus
(bench/corpus.py), then measures import, rebuild, in-process query latency
(ours and the stock haystack Whoosh backend on the same corpus), HTTP latency
under gunicorn with 8 concurrent clients, worker memory, and the time from a
save to the change being searchable. Prints a Markdown table and writes JSON.
"""
import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cold_positions, request_cost  # noqa: E402
from bench.relevance import git_commit  # noqa: E402
from bench.report import export_times, markdown, summary  # noqa: E402

QUERIES = [
    "人工智能", "集成电路", "脑机接口", "芯", "量子", "生物医药", "长三角", "科技小巨人",
    "高新技术企业 申报", "人工智能 大模型", "具身智能", "新质生产力", "中试平台", "商业航天",
    "沪科合〔2026〕1号", "科创长宁", "人才 政策", "储能", "数据", "孵化器", "科技金融", "揭榜挂帅",
    "创新券", "知识产权", "医疗器械", "6G", "Chiplet", "\"科技创新 中心\"", "成果转化", "临港",
    "张江 -浦东", "机器人 OR 无人机", "title:通知", "上海 集成电路 产业", "国家重点研发计划",
]
FACETS = ["source", "topics", "regions", "kind", "month"]


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result


def setup_django(var):
    os.environ["ARCHIVE_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()


def du(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def import_files(paths, *, index_on_commit):
    """Import with the real command; without index_on_commit as a bulk load (`--no-index`, a rebuild follows)."""
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("import_articles", *map(str, paths), verbosity=0, no_index=not index_on_commit)
    return time.perf_counter() - start


def our_queryset(q, filters=None):
    from haystack.query import SearchQuerySet

    from archive.models import Article

    sqs = SearchQuerySet().models(Article)
    if q:
        sqs = sqs.raw_search(q)
    for field, value in (filters or {}).items():
        sqs.query.add_term_filter(field, [value])
    return sqs


def stock_queryset(q, filters=None):
    from haystack.query import SearchQuerySet

    sqs = SearchQuerySet(using="stock")
    sqs = sqs.auto_query(q) if q else sqs.all()
    for field, value in (filters or {}).items():
        sqs = sqs.narrow(f'{field}_exact:"{value}"')
    return sqs


def run_modes(make, queries, filters, repeat):
    """Return per-mode timings: (a) first page (b) + facets (c) + 2 filters + facets (d) browse + facets."""
    out = {"a": [], "b": [], "c": [], "d": []}
    hits = {}

    def page(sqs):
        results = list(sqs[:20])
        return sqs.count(), results

    def faceted(sqs):
        for f in FACETS:
            sqs = sqs.facet(f)
        count, _ = page(sqs)
        sqs.facet_counts()
        return count

    for _ in range(repeat):
        for q in queries:
            ms, (count, _) = timed(page, make(q))
            out["a"].append(ms)
            ms, count = timed(faceted, make(q))
            out["b"].append(ms)
            hits[q] = count
            ms, _ = timed(faceted, make(q, filters))
            out["c"].append(ms)
        ms, count = timed(faceted, make(""))
        out["d"].append(ms)
        hits[""] = count
    return out, hits


def build_stock_index():
    """Write the stock backend's index (stock schema, same documents) with a fast writer."""
    from haystack import connections

    from bench.stock_index import StockArticleIndex

    ui = connections["stock"].get_unified_index()
    index = StockArticleIndex()
    ui.build(indexes=[index])
    backend = connections["stock"].get_backend()
    shutil.rmtree(backend.path, ignore_errors=True)
    backend.setup()
    writer = backend.index.writer(procs=2, multisegment=True, batchsize=256, limitmb=128)
    start = time.perf_counter()
    for obj in index.index_queryset().iterator(chunk_size=1000):
        doc = index.full_prepare(obj)
        doc.pop("boost", None)
        writer.add_document(**{k: backend._from_python(v) for k, v in doc.items()})
    writer.commit()
    return time.perf_counter() - start


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_pids(master):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def http_load(base, queries, *, clients, requests_total):
    """Send requests_total requests from `clients` threads; return latencies by kind and req/s."""
    plan = []
    for i in range(requests_total):
        q = queries[i % len(queries)]
        path = "/api/search" if i % 2 else "/"
        params = {"q": q}
        if i % 3 == 0:
            params["region"] = "上海"
        plan.append((path, params))
    lock = threading.Lock()
    latencies = {"/": [], "/api/search": []}
    errors = []

    def client(k):
        for path, params in plan[k::clients]:
            url = base + path + "?" + urllib.parse.urlencode(params)
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as r:
                    r.read()
                    ok = r.status == 200
            except Exception as exc:  # counted and reported, not raised
                ok = False
                errors.append(repr(exc))
            ms = (time.perf_counter() - start) * 1000
            with lock:
                latencies[path].append(ms)
                if not ok and not errors:
                    errors.append(url)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return latencies, requests_total / elapsed, errors


def save_to_searchable(base, attempts=5):
    """Save an edit through the ORM and poll the served API until it finds it."""
    from archive.models import Article

    times = []
    article_ids = list(Article.objects.searchable().order_by("pk").values_list("pk", flat=True)[:attempts])
    for n, pk in enumerate(article_ids):
        token = f"基准编辑{n}号{pk}"
        article = Article.objects.get(pk=pk)
        article.title = f"{token} {article.title}"
        start = time.perf_counter()
        article.save()  # autocommit: the on-commit index update runs now
        url = base + "/api/search?" + urllib.parse.urlencode({"q": f'"{token}"'})
        while time.perf_counter() - start < 30:
            with urllib.request.urlopen(url, timeout=30) as r:
                if json.load(r)["count"] >= 1:
                    break
            time.sleep(0.01)
        times.append((time.perf_counter() - start) * 1000)
    return times


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query (first is cold)")
    parser.add_argument("--http-requests", type=int, default=800)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--skip-fts5", action="store_true", help="no SQLite FTS5 copy beside the archive")
    parser.add_argument("--build-only", action="store_true",
                        help="stop after the corpus, import and rebuild (their figures and the index size)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep an archive built by an earlier run: skip corpus, import and rebuild")
    return parser.parse_args()


def build_archive(args, out, var, results):
    """Write the corpus, import it and rebuild the index, timing both."""
    from django.core.management import call_command

    from archive.models import Article
    from bench.corpus import write

    t0 = time.perf_counter()
    files = write(args.docs, out / f"corpus-{args.docs}", per_file=10_000)
    results["corpus_seconds"] = round(time.perf_counter() - t0, 1)
    print(f"importing {args.docs} articles …", flush=True)
    seconds = import_files(files, index_on_commit=False)
    results["import"] = {"articles": args.docs, "seconds": round(seconds, 1),
                         "per_second": round(args.docs / seconds, 1)}
    print("rebuilding the index …", flush=True)
    start = time.perf_counter()
    call_command("rebuild_index", interactive=False, verbosity=0)
    seconds = time.perf_counter() - start
    indexed = Article.objects.searchable().count()
    results["rebuild"] = {"articles": indexed, "seconds": round(seconds, 1),
                          "per_second": round(indexed / seconds, 1),
                          "index_mb": round(du(os.path.realpath(var / "whoosh_index")) / 2**20, 1)}


def query_phase(args, results):
    """Time our queries and, unless skipped, stock haystack's on the same archive."""
    print("querying (ours) …", flush=True)
    ours, our_hits = run_modes(our_queryset, QUERIES, {"regions": "上海", "kind": "通知"}, args.repeat)
    results["ours"] = {mode: summary(ms) for mode, ms in ours.items()}
    results["ours_cold_b"] = summary(ours["b"][:len(QUERIES)])
    results["browse_hits"] = our_hits[""]
    if args.skip_stock:
        return
    print("building the stock backend's index …", flush=True)
    results["stock_build_seconds"] = round(build_stock_index(), 1)
    print("querying (stock) …", flush=True)
    stock, stock_hits = run_modes(stock_queryset, QUERIES, {"regions": "上海", "kind": "通知"}, 1)
    results["stock"] = {mode: summary(ms) for mode, ms in stock.items()}
    results["stock_browse_hits"] = stock_hits[""]
    results["ratio_b_p50"] = round(results["stock"]["b"]["p50_ms"] / max(results["ours"]["b"]["p50_ms"], 0.01), 1)
    results["same_hits"] = sum(1 for q in QUERIES if our_hits.get(q) == stock_hits.get(q))
    results["different_hits"] = {q: {"ours": our_hits.get(q), "stock": stock_hits.get(q)}
                                 for q in QUERIES if our_hits.get(q) != stock_hits.get(q)}


def increment_phase(increment, increment_files, results):
    """Import more articles with indexing on commit, into the built index."""
    from haystack import connections

    print(f"importing {increment} more articles with indexing on commit …", flush=True)
    before = connections["default"].get_backend().snapshot().doc_count
    seconds = import_files(increment_files, index_on_commit=True)
    after = connections["default"].get_backend().snapshot().doc_count
    results["increment"] = {"articles": increment, "seconds": round(seconds, 1),
                            "per_second": round(increment / seconds, 1),
                            "index_docs_before": before, "index_docs_after": after}


def http_phase(args, var, results, save):
    """Serve the archive with gunicorn and time pages, the API, exports and save → searchable."""
    from django.core.management import call_command

    print("serving with gunicorn …", flush=True)
    port = free_port()
    env = {**os.environ, "ARCHIVE_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings"}
    call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(args.workers), "--timeout", "120"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/search", timeout=60).read()
                break
            except OSError:
                time.sleep(0.2)
        # Warm-up: the same requests once, untimed; every worker then has the terms in its cache.
        http_load(base, QUERIES, clients=8, requests_total=args.http_requests)
        latencies, rps, errors = http_load(base, QUERIES, clients=8, requests_total=args.http_requests)
        results["http"] = {"clients": 8, "workers": args.workers, "requests_per_second": round(rps, 1),
                           "errors": len(errors), "page": summary(latencies["/"]),
                           "api": summary(latencies["/api/search"])}
        save()  # partial results survive an interrupted run
        results["worker_peak_rss_mb"] = round(max(peak_rss_mb(p) for p in worker_pids(server.pid)), 1)
        save()
        print("exporting …", flush=True)
        results["export"] = export_times(base)
        save()
        results["save_to_searchable_ms"] = summary(save_to_searchable(base))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    args = parse_args()
    out = Path(args.out)
    var = out / f"var-{args.docs}"
    reuse = args.reuse and (var / "archive.sqlite3").exists()
    if not reuse:
        shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True, exist_ok=True)
    setup_django(var)
    from django.core.management import call_command

    from archive.models import Article
    from bench.corpus import write

    path = out / f"results-{args.docs}.json"
    results = {"docs": args.docs, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                               "platform": platform.platform()},
               "command": " ".join(["python", "bench/run.py"] + sys.argv[1:]),
               "commit": git_commit()}

    def save():  # partial results survive an interrupted run
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2))

    call_command("migrate", verbosity=0)
    increment = min(10_000, max(args.docs // 10, 1))
    if not reuse:
        build_archive(args, out, var, results)
    increment_files = write(increment, out / f"increment-{args.docs}-{Article.objects.count()}",
                            per_file=10_000, seed=7, first=Article.objects.count() + 1_000_000)
    save()
    if args.build_only:
        print(json.dumps({k: results[k] for k in ("import", "rebuild") if k in results}, ensure_ascii=False))
        return
    query_phase(args, results)
    save()
    cold_positions.phase(var, results)
    save()
    request_cost.phase(var, results, QUERIES, repeat=args.repeat, fts5=not args.skip_fts5)
    save()
    increment_phase(increment, increment_files, results)
    save()
    http_phase(args, var, results, save)
    save()
    print(markdown(results, query_count=len(QUERIES)))
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()
