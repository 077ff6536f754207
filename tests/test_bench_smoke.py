"""The benchmark's code runs end to end on a small corpus (figures are not asserted)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_at_500_articles(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the bench builds its own SQLite archive
    done = subprocess.run([sys.executable, "bench/run.py", "--docs", "500", "--repeat", "1",
                           "--http-requests", "40", "--out", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "results-500.json").read_text())
    assert results["import"]["articles"] == 500
    assert results["rebuild"]["articles"] == results["browse_hits"] > 0
    assert set(results["ours"]) == set(results["stock"]) == {"a", "b", "c", "d"}
    # Every query either finds as many articles in both engines or is listed with both counts.
    assert results["same_hits"] + len(results["different_hits"]) >= 30
    assert results["http"]["errors"] == 0
    assert results["increment"]["index_docs_after"] == results["increment"]["index_docs_before"] + 50
    assert results["save_to_searchable_ms"]["p95_ms"] < 30_000  # found before the poll gave up
    assert {name: e["rows"] for name, e in results["export"].items()} == {
        "json": results["browse_hits"] + 50, "csv": results["browse_hits"] + 50, "json_body": results["browse_hits"] + 50}
    assert "| (b) query + all facets |" in done.stdout and "rows over HTTP |" in done.stdout
    # Engine, API, page and FTS5 side by side: every query asked 3 ways, each layer timed for each ask.
    request = results["request"]
    assert {layer: figures["n"] for layer, figures in request["all"].items()} == {
        "engine": 3 * 35, "api": 3 * 35, "page": 3 * 35, "fts5": 3 * 35}
    assert results["fts5_build"]["articles"] == results["browse_hits"]
    # FTS5 finds what the archive finds, but for the one character the archive widens inside words.
    assert {ask.split(": ", 1)[1] for ask in request["different_counts"]} <= {"芯"}
    assert len(results["cold_positions"]) == 13 and results["cold_positions"]["上海交通大学"]["hits"] > 0
    assert results["commit"] != "unknown" and "| search page | SQLite FTS5 |" in done.stdout

    phrases = subprocess.run([sys.executable, "bench/phrases.py", "--var", str(tmp_path / "var-500")],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert phrases.returncode == 0, phrases.stderr[-3000:]  # exits non-zero when the two paths differ
    assert '| "人工智能 产业" |' in phrases.stdout
