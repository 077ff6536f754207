"""bench/parity.py and bench/engines.py run end to end on the cluster (figures are not asserted).

Runs only where ELASTICSEARCH_URL names a cluster, as `make test-elasticsearch` runs it:

    scripts/with-elasticsearch.sh .venv/bin/pytest -q tests/test_elasticsearch_bench.py
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from haystack import connections

ROOT = Path(__file__).resolve().parent.parent
ES_URL = os.environ.get("ELASTICSEARCH_URL", "")
pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(not ES_URL, reason="needs a cluster: scripts/with-elasticsearch.sh pytest ..."),
]


def bench_env():
    """The benchmarks build their own SQLite archive; they find the cluster by ELASTICSEARCH_URL."""
    return {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ELASTICSEARCH_INDEX")}


def scratch_indices(prefix):
    return list(connections["default"].get_backend().conn.indices.get(index=f"{prefix}-*"))


def test_parity_compares_two_queries_on_both_engines(tmp_path):
    out = tmp_path / "parity.json"
    done = subprocess.run([sys.executable, "bench/parity.py", "--queries", "2", "--json", str(out)],
                          cwd=ROOT, env=bench_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())
    assert [row["q"] for row in results["per_query"]] == ["", "人工智能"]
    assert results["archive"]["on_cluster"] == results["archive"]["searchable"] > 0
    assert results["summary"]["same_count"] == results["summary"]["same_facets"] == 2
    assert results["cluster"].startswith("Elasticsearch 7.17.")
    assert "| same hit count | **2 of 2** |" in done.stdout
    assert scratch_indices("archive-parity") == []  # its alias and index are gone


def test_engines_builds_and_queries_both_on_a_small_corpus(tmp_path):
    done = subprocess.run([sys.executable, "bench/engines.py", "--docs", "60", "--repeat", "1", "--out", str(tmp_path)],
                          cwd=ROOT, env=bench_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "engines-60.json").read_text())
    assert results["cluster_build"]["articles"] == results["whoosh_build"]["articles"] > 0
    assert set(results["whoosh"]) == set(results["elasticsearch"]) == {"a", "b", "c", "d", "cold_b"}
    assert results["whoosh_hits"][""] == results["elasticsearch_hits"][""] == results["whoosh_build"]["articles"]
    assert "| (b) query + all facets |" in done.stdout
    assert scratch_indices("archive-engines") == []
