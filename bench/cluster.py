"""The Elasticsearch cluster beside Whoosh in one benchmark run (bench/parity.py, bench/engines.py).

The default connection stays the Whoosh index of the scratch archive; the cluster at
ELASTICSEARCH_URL gets a second connection, ES, on an alias of its own (never the
operators' `archive`), filled through the backend contract as rebuild_index fills it
(start_build, build, swap_in) and deleted at the end.
"""
import os
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

ES = "elasticsearch"
ENGINE = "search.backends.elasticsearch.ChineseElasticsearchEngine"


def cluster_url() -> str:
    """Return ELASTICSEARCH_URL, or stop with how to get a cluster."""
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        sys.exit("no cluster: run this under scripts/with-elasticsearch.sh (it sets ELASTICSEARCH_URL)")
    return url


@contextmanager
def cluster_connection(url: str, label: str) -> Iterator[str]:
    """Add the ES connection on a new alias `archive-<label>-<hex>`; yield its name; delete the alias after."""
    from haystack import connections

    connections.connections_info[ES] = {"ENGINE": ENGINE, "URL": url,
                                        "INDEX_NAME": f"archive-{label}-{uuid.uuid4().hex[:8]}"}
    try:
        yield ES
    finally:
        backend = connections[ES].get_backend()
        backend.drop()
        del connections.connections_info[ES]


def fill(using: str = ES, *, procs: int = 2) -> tuple[int, float]:
    """Index every searchable article into a new index of connection using and swap it in.

    Returns (documents written, seconds), the seconds from the empty index to the swap.
    """
    from haystack import connections

    from search.indexing import article_index

    backend = connections[using].get_backend()
    index = article_index()
    start = time.perf_counter()
    build = backend.start_build()
    count = backend.build(index, index.index_queryset().iterator(chunk_size=1000), build=build, procs=procs)
    backend.swap_in(build)
    return count, time.perf_counter() - start


def cluster_version(using: str = ES) -> str:
    """Return the cluster's Elasticsearch version number and its node count."""
    from haystack import connections

    conn = connections[using].get_backend().conn
    return f"Elasticsearch {conn.info()['version']['number']}, {conn.cluster.health()['number_of_nodes']} nodes"
