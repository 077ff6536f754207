"""Check the cluster that scripts/with-elasticsearch.sh started, with the project's Python client.

Usage: scripts/with-elasticsearch.sh .venv/bin/python scripts/elasticsearch/smoke.py [--stop node-1|node-2]

It checks that the cluster is green with two nodes, creates an index with one
replica (whitespace-analysed text as the archive's pre-segmented Chinese terms,
keyword facets), indexes documents, searches and counts a facet; then it stops
the named node (default node-2) and checks that searches still answer, in full,
from the node left. It prints one line per check and exits 1 on the first
failure. Stopping a node leaves the cluster degraded: run it as the last command.
"""

import argparse
import os
import signal
import sys
import time

from elasticsearch import Elasticsearch

INDEX = "smoke"
DOCS = [
    {"title": "上海 科技 创新 政策", "source": "上海科技", "n": 1},
    {"title": "长三角 科技 合作", "source": "科创长宁", "n": 2},
    {"title": "沪科合 〔2026〕 1号 通知", "source": "上海科技", "n": 3},
    {"title": "浙江 数字 经济", "source": "浙江日报", "n": 4},
]


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def search_all(client: Elasticsearch) -> tuple[int, int, dict[str, int]]:
    """Return (hits for 科技, total documents, facet counts of source)."""
    hits = client.search(index=INDEX, query={"term": {"title": "科技"}})["hits"]["total"]["value"]
    answer = client.search(index=INDEX, size=0, track_total_hits=True,
                           aggs={"source": {"terms": {"field": "source"}}})
    facets = {b["key"]: b["doc_count"] for b in answer["aggregations"]["source"]["buckets"]}
    return hits, answer["hits"]["total"]["value"], facets


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kb // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stop", choices=["node-1", "node-2"], default="node-2")
    args = parser.parse_args()
    urls = os.environ["ELASTICSEARCH_NODE_URLS"].split()
    pids = [int(p) for p in os.environ["ELASTICSEARCH_NODE_PIDS"].split()]
    client = Elasticsearch(os.environ["ELASTICSEARCH_URL"])

    info = client.info()
    check(info["version"]["number"].startswith("7.17"), f"server is Elasticsearch {info['version']['number']}")
    health = client.cluster.health()
    check(health["status"] == "green" and health["number_of_nodes"] == 2,
          f"cluster {health['status']} with {health['number_of_nodes']} nodes")

    started = time.monotonic()
    client.indices.create(
        index=INDEX, settings={"number_of_shards": 2, "number_of_replicas": 1},
        mappings={"properties": {"title": {"type": "text", "analyzer": "whitespace"},
                                 "source": {"type": "keyword"}, "n": {"type": "integer"}}})
    for number, doc in enumerate(DOCS, 1):
        client.index(index=INDEX, id=str(number), document=doc)
    client.indices.refresh(index=INDEX)
    health = client.cluster.health(index=INDEX, wait_for_status="green", timeout="30s")
    check(health["status"] == "green" and health["active_shards"] == 4,
          f"index with replicas: 1 is green, {health['active_shards']} shard copies "
          f"({time.monotonic() - started:.2f} s to create, index and refresh)")
    expected = search_all(client)
    check(expected == (2, 4, {"上海科技": 2, "科创长宁": 1, "浙江日报": 1}), f"search and facets: {expected}")
    highlight = client.search(index=INDEX, query={"term": {"title": "合作"}}, highlight={"fields": {"title": {}}})
    check(highlight["hits"]["hits"][0]["highlight"]["title"] == ["长三角 科技 <em>合作</em>"], "highlighting")

    print("     resident memory: " + ", ".join(f"node-{n} {rss_mb(pid)} MB" for n, pid in enumerate(pids, 1)))
    stopped = ["node-1", "node-2"].index(args.stop)
    os.kill(pids[stopped], signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process_alive(pids[stopped]):
        time.sleep(0.2)
    check(not process_alive(pids[stopped]), f"{args.stop} (pid {pids[stopped]}) stopped")
    survivor = Elasticsearch(urls[1 - stopped])
    if args.stop == "node-2":  # the master drops node-2 from the cluster state
        while time.monotonic() < deadline and len(survivor.cat.nodes(format="json")) != 1:
            time.sleep(0.2)
        check(len(survivor.cat.nodes(format="json")) == 1, "the master sees one node")
    answer = search_all(survivor)
    check(answer == expected, f"search answers from {urls[1 - stopped]} with replicas: {answer}")
    if args.stop == "node-2":
        survivor.index(index=INDEX, id="5", document={"title": "安徽 科技", "source": "安徽日报", "n": 5},
                       refresh=True)
        check(search_all(survivor)[0] == 3, "the master alone still takes writes")
        health = survivor.cluster.health()
        check(health["status"] == "yellow", f"cluster {health['status']} with one node")


if __name__ == "__main__":
    main()
