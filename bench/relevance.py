"""Relevance benchmark: python bench/relevance.py [--kind K] [--queries N] [--json PATH]

Builds a scratch archive from fixtures/ (a temporary SQLite database and
search index, through the real import_articles and rebuild_index commands),
then scores the judged queries of bench/relevance/ with nDCG@10, R@10 and MRR,
per kind of query and overall, for three rankers over the same articles:

- archive:   this archive, asked through /api/search with Django's test client;
- bm25:      BM25 on the archive's jieba terms, no title boost, no proximity;
- substring: title occurrences x5, then body occurrences.

Prints Markdown tables (the figures, then the queries where the archive loses
to a baseline) and optionally writes every figure and ranking as JSON.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.relevance_metrics import (  # noqa: E402
    CUTOFF, KIND_LABELS, METRIC_LABELS, METRICS, article_key, load_queries, score, summarize)
from bench.relevance_rankers import BM25Ranker, Doc, SubstringRanker  # noqa: E402

FIXTURES = ROOT / "fixtures"
RANKERS = ("archive", "bm25", "substring")
RANKER_LABELS = {"archive": "this archive", "bm25": "BM25 (jieba terms)", "substring": "substring (title x5)"}
# Settings that would point the scratch archive at real data (or let rebuild_index replace a real index).
SCRUBBED_ENV = ("DATABASE_URL", "SEARCH_INDEX_PATH", "ELASTICSEARCH_URL", "ELASTICSEARCH_INDEX")


def setup_django(var: Path) -> None:
    """Configure Django for a scratch archive whose database and index live under var."""
    for name in SCRUBBED_ENV:
        os.environ.pop(name, None)
    os.environ["ARCHIVE_VAR_DIR"] = str(var)
    (var / "staticfiles").mkdir(exist_ok=True)  # whitenoise warns about a missing STATIC_ROOT
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()


def build_archive(fixtures: Path) -> dict:
    """Migrate, import fixtures with the real command, rebuild the index; return counts and seconds."""
    from django.core.management import call_command

    from archive.models import Article

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_articles", str(fixtures), verbosity=0, stdout=quiet)
    call_command("rebuild_index", interactive=False, verbosity=0)
    return {"articles": Article.objects.count(), "searchable": Article.objects.searchable().count(),
            "seconds": round(time.perf_counter() - start, 1)}


def load_docs(searchable_only: bool = False) -> list:
    """Return the published articles (or only the indexed ones) as the baselines see them, newest first.

    Newest first is the baselines' tie order. Published articles include the
    ones with an empty or image-only body, which only their title can match.
    """
    from archive.models import Article

    articles = Article.objects.searchable() if searchable_only else Article.objects.filter(
        status=Article.Status.PUBLISHED)
    articles = articles.select_related("source").order_by("-published", "-id")
    return [Doc(article_key(a.url, a.source.name, a.title), a.title,
                "\n".join([a.source.name, a.original_outlet, a.doc_number, a.body])) for a in articles]


class ArchiveRanker:
    """This archive, through its stable HTTP contract: GET /api/search?q=…"""

    name = "archive"

    def __init__(self):
        from django.test import Client

        self.client = Client(SERVER_NAME="localhost")
        self.errors = []

    def rank(self, q: str, k: int = CUTOFF) -> list:
        """Return the keys of the first k results the API gives for q."""
        response = self.client.get("/api/search", {"q": q})
        if response.status_code != 200:
            self.errors.append(f"{q}: HTTP {response.status_code}")
            return []
        return [article_key(r.get("url") or "", r.get("source") or "", r.get("title") or "")
                for r in response.json()["results"][:k]]


def select(queries: list, kinds: list, limit: int) -> list:
    """Return the queries of the given kinds (all when none), the first limit of them (all when 0)."""
    chosen = [q for q in queries if not kinds or q.kind in kinds]
    return chosen[:limit] if limit else chosen


def unmatched(queries: list, docs: list) -> list:
    """Return "query: key" for every judged article that is not in the archive (a stale judgment)."""
    known = {doc.key for doc in docs}
    return [f"{q.id}: {key}" for q in queries for key in q.grades if key not in known]


def evaluate(queries: list, rankers: list, titles: dict) -> list:
    """Rank every query with every ranker; return one row per query with scores and top results."""
    rows = []
    for query in queries:
        row = {"id": query.id, "kind": query.kind, "q": query.q, "judged": len(query.grades),
               "scores": {}, "top": {}}
        for ranker in rankers:
            ranked = ranker.rank(query.q, CUTOFF)
            row["scores"][ranker.name] = score(ranked, query.grades)
            row["top"][ranker.name] = [{"title": titles.get(key, key[-1]), "grade": query.grades.get(key, 0)}
                                       for key in ranked]
        rows.append(row)
    return rows


def summary_tables(summary: dict) -> str:
    """Return one Markdown table per metric: kinds as rows, rankers as columns."""
    groups = [g for g in KIND_LABELS if g in summary["archive"]] + ["all"]
    out = []
    for metric in METRICS:
        lines = [f"**{METRIC_LABELS[metric]}**", "",
                 "| kind | queries | " + " | ".join(RANKER_LABELS[r] for r in RANKERS) + " |",
                 "|---|---:|" + "---:|" * len(RANKERS)]
        for group in groups:
            label = "**overall**" if group == "all" else KIND_LABELS[group]
            cells = [f"{summary[r][group][metric]:.3f}" for r in RANKERS]
            lines.append(f"| {label} | {summary['archive'][group]['n']} | " + " | ".join(cells) + " |")
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _grades(top: list) -> str:
    return " ".join(str(item["grade"]) for item in top[:5]) or "(none)"


def _best_missed(row: dict) -> str:
    """Return the best-graded article a baseline put in its top 10 and the archive did not."""
    shown = {item["title"] for item in row["top"]["archive"]}
    missed = [item for name in RANKERS[1:] for item in row["top"][name]
              if item["grade"] and item["title"] not in shown]
    if not missed:
        return ""
    best = max(missed, key=lambda item: item["grade"])
    title = best["title"].replace("|", "｜")
    return f"{best['grade']}: {title[:28]}{'…' if len(title) > 28 else ''}"


def losses(rows: list) -> list:
    """Return the rows where the archive's nDCG@10 is 0.001 or more below a baseline's, largest gap first."""
    def gap(row):
        scores = row["scores"]
        return max(scores[name]["ndcg"] for name in RANKERS[1:]) - scores["archive"]["ndcg"]

    return sorted((row for row in rows if gap(row) >= 0.001), key=lambda row: (-gap(row), row["id"]))


def losses_table(rows: list) -> str:
    """Return a Markdown table of the queries where the archive loses to a baseline."""
    lost = losses(rows)
    if not lost:
        return "The archive's nDCG@10 is within 0.001 of each baseline's, or above, on every query."
    lines = ["| query | kind | q | archive | BM25 | substring | archive's top 5 (grades) | best one it missed |",
             "|---|---|---|---:|---:|---:|---|---|"]
    for row in lost:
        s = row["scores"]
        lines.append(f"| {row['id']} | {KIND_LABELS[row['kind']]} | `{row['q']}` | {s['archive']['ndcg']:.3f} "
                     f"| {s['bm25']['ndcg']:.3f} | {s['substring']['ndcg']:.3f} "
                     f"| {_grades(row['top']['archive'])} | {_best_missed(row)} |")
    return "\n".join(lines)


def git_commit() -> str:
    """Return the commit the benchmark ran on (with -dirty when the tree has edits), or "unknown"."""
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=10"], cwd=ROOT,
                              capture_output=True, text=True, timeout=30)
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def parse_args(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", action="append", choices=sorted(KIND_LABELS), default=[],
                        help="only queries of this kind (repeatable)")
    parser.add_argument("--queries", type=int, default=0, metavar="N",
                        help="only the first N queries (after --kind)")
    parser.add_argument("--json", metavar="PATH", help="write every figure and ranking to PATH")
    parser.add_argument("--searchable-only", action="store_true",
                        help="let the baselines rank only the articles the archive indexes (not the empty ones)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch archive and print where it is")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, var: Path) -> dict:
    """Build the scratch archive under var, score the chosen queries; return the results."""
    queries = select(load_queries(), args.kind, args.queries)
    if not queries:
        sys.exit("no query matches --kind/--queries")
    setup_django(var)
    print(f"building a scratch archive from {FIXTURES.name}/ …", file=sys.stderr, flush=True)
    archive = build_archive(FIXTURES)
    docs = load_docs(args.searchable_only)
    stale = unmatched(queries, load_docs())
    for line in stale:
        print(f"warning: judged article not in the archive: {line}", file=sys.stderr)
    print(f"scoring {len(queries)} queries …", file=sys.stderr, flush=True)
    api = ArchiveRanker()
    rankers = [api, BM25Ranker(docs), SubstringRanker(docs)]
    rows = evaluate(queries, rankers, {doc.key: doc.title for doc in docs})
    return {"command": " ".join(["python", "bench/relevance.py"] + sys.argv[1:]), "commit": git_commit(),
            "python": platform.python_version(), "archive": {**archive, "ranked_by_baselines": len(docs)},
            "queries": len(queries), "judgments": sum(len(q.grades) for q in queries),
            "unmatched_judgments": stale, "api_errors": api.errors,
            "summary": summarize(rows, RANKERS), "per_query": rows}


def main(argv: list | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    var = Path(tempfile.mkdtemp(prefix="relevance-"))
    try:
        results = run(args, var)
    finally:
        if args.keep:
            print(f"scratch archive kept in {var}", file=sys.stderr)
        else:
            shutil.rmtree(var, ignore_errors=True)
    a = results["archive"]
    print(f"{results['queries']} queries, {results['judgments']} judgments; {a['articles']} articles imported, "
          f"{a['searchable']} indexed, {a['ranked_by_baselines']} ranked by the baselines; "
          f"commit {results['commit']}\n")
    print(summary_tables(results["summary"]))
    print("\n**Where the archive loses to a baseline (nDCG@10)**\n")
    print(losses_table(results["per_query"]))
    for error in results["api_errors"]:
        print(f"warning: /api/search failed for {error}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=list))
        print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
