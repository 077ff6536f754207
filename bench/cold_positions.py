"""Phrases and compound names typed whole, each timed in a fresh process: the cost of cold positions.

    python bench/cold_positions.py --var bench/out/var-100000

For each query a new Python process opens the archive, runs one browse
search (which loads the per-segment columns, the same for every query) and
then times the query as the search page evaluates it (query + all facets,
first page; `bench/request_cost.engine_search`). Nothing of the query's
postings or positions is in the process's caches; the files may be in the
operating system's page cache (the figures say which reading the machine
had: the run reads the index once before, so they are all in it).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHRASES = ('"人工智能 产业"', '"长三角 一体化 发展"', '"科技 成果 转化"', '"集成电路 产业"', '"科技创新 中心"')
COMPOUNDS = ("上海人工智能实验室", "上海交通大学", "集成电路产业", "长三角一体化发展", "科技成果转化",
             "人工智能产业", "国家重点研发计划", "上海市科学技术委员会")


def one(var: str, q: str) -> dict[str, float | int]:
    """In this (fresh) process: open the archive, warm the columns, time q once, then once more warm."""
    sys.path.insert(0, str(ROOT))
    os.environ["ARCHIVE_VAR_DIR"] = str(Path(var).resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from bench.fts5_baseline import Variant
    from bench.request_cost import engine_search

    engine_search("", Variant("plain"))
    spent = time_positions()
    start = time.perf_counter()
    count = engine_search(q, Variant("plain"))
    cold = (time.perf_counter() - start) * 1000
    positions = spent[0] * 1000
    start = time.perf_counter()
    engine_search(q, Variant("plain"))
    warm = (time.perf_counter() - start) * 1000
    return {"cold_ms": round(cold, 1), "positions_ms": round(positions, 1), "warm_ms": round(warm, 1), "hits": count}


def time_positions() -> list[float]:
    """Wrap the two readers of positions (phrase checks, the proximity re-rank's reads) with a timer.

    Returns a one-item list that accumulates their seconds. Measurement only: the
    wrapped functions are called unchanged.
    """
    from search.backends.whoosh import proximity
    from search.backends.whoosh.segment_cache import SegmentData

    spent = [0.0]

    def timed(fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
        return wrapper

    SegmentData.phrase = timed(SegmentData.phrase)
    proximity.document_positions = timed(proximity.document_positions)
    return spent


def run(var: str | Path, queries: tuple[str, ...] = PHRASES + COMPOUNDS) -> dict[str, dict[str, float | int]]:
    """Return {query: {cold_ms, warm_ms, hits}}, each query in its own process."""
    out = {}
    for q in queries:
        done = subprocess.run([sys.executable, __file__, "--var", str(var), "--one", q],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        out[q] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def phase(var: str | Path, results: dict) -> None:
    """bench/run.py's phase: every phrase and compound name on a fresh process, into results."""
    print("cold phrases and compound names, a process each …", flush=True)
    results["cold_positions"] = run(var)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", required=True, help="an archive's var directory (database and index)")
    parser.add_argument("--one", help="time this one query in this process (used by the run)")
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.var, args.one), ensure_ascii=False))
        return
    print("| query | hits | cold (ms) | of which positions (ms) | warm (ms) |\n|---|---:|---:|---:|---:|")
    for q, r in run(args.var).items():
        print(f"| `{q}` | {r['hits']:,} | {r['cold_ms']:,} | {r['positions_ms']:,} | {r['warm_ms']:,} |")


if __name__ == "__main__":
    main()
