"""The relevance benchmark runs end to end on a few queries (figures are not asserted)."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

from bench.relevance_metrics import KIND_LABELS, METRICS, load_queries, ndcg, recall, reciprocal_rank

ROOT = Path(__file__).resolve().parent.parent
RANKERS = {"archive", "bm25", "substring"}


def _is_fraction(value):
    return isinstance(value, float) and math.isfinite(value) and 0.0 <= value <= 1.0


def test_judged_queries_cover_every_kind():
    queries = load_queries()  # raises on a malformed line, an unknown query or a repeated judgment
    assert len(queries) >= 60
    assert {q.kind for q in queries} == set(KIND_LABELS)
    assert len({q.id for q in queries}) == len(queries)
    assert all(set(q.grades.values()) <= {1, 2} for q in queries)


def test_metrics_on_a_known_ranking():
    grades = {"a": 2, "b": 1}
    assert ndcg(["a", "b"], grades) == 1.0
    assert 0.0 < ndcg(["x", "b", "a"], grades) < 1.0
    assert recall(["x", "a"], grades) == 0.5
    assert reciprocal_rank(["x", "y", "b"], grades) == 1 / 3
    assert ndcg(["x"], grades) == recall([], grades) == reciprocal_rank([], grades) == 0.0


def test_benchmark_runs_on_a_few_queries(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # it builds its own SQLite archive
    out = tmp_path / "relevance.json"
    done = subprocess.run([sys.executable, "bench/relevance.py", "--kind", "docno", "--kind", "char",
                           "--queries", "10", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["queries"] == len(results["per_query"]) == 10
    assert results["archive"]["searchable"] > 0 and not results["unmatched_judgments"]
    assert set(results["summary"]) == RANKERS
    for groups in results["summary"].values():
        assert groups["all"]["n"] == 10
        assert set(groups) == {"char", "docno", "all"}
        for figures in groups.values():
            assert all(_is_fraction(figures[m]) for m in METRICS), figures
    for row in results["per_query"]:
        assert set(row["scores"]) == RANKERS
        assert all(_is_fraction(v) for s in row["scores"].values() for v in s.values())
        assert all(len(top) <= 10 for top in row["top"].values())
    for label in ("**nDCG@10**", "**R@10**", "**MRR**", "| **overall** | 10 |", "Where the archive loses"):
        assert label in done.stdout
