"""Which search engine the tests run on, and an index of its own for the session or for one test.

config/settings.py makes Elasticsearch the default engine when ELASTICSEARCH_URL is set
(`scripts/with-elasticsearch.sh pytest ...`, as `make test-elasticsearch` runs it);
otherwise it is Whoosh. On Whoosh an index of its own is a directory (the connection's
PATH); on Elasticsearch it is an alias (INDEX_NAME) with its concrete indices, named
after this run so that no two runs or tests share documents, and deleted afterwards.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from haystack import connections

ELASTICSEARCH = bool(os.environ.get("ELASTICSEARCH_URL"))
ENGINE = "elasticsearch" if ELASTICSEARCH else "whoosh"
# Lowercase (Elasticsearch index names must be); the pid and a random part: runs never meet.
RUN_PREFIX = f"archive-test-{os.getpid()}-{uuid.uuid4().hex[:6]}"
_numbers = count(1)


def whoosh_only(reason: str) -> pytest.MarkDecorator:
    """Skip a test on Elasticsearch: it checks something only the Whoosh engine has (say which)."""
    return pytest.mark.skipif(ELASTICSEARCH, reason=f"Whoosh only: {reason}")


def new_index_name(label: str) -> str:
    """Return an alias no other test or run uses."""
    return f"{RUN_PREFIX}-{label}{next(_numbers)}"


@contextmanager
def own_index(folder: Path, label: str = "t") -> Iterator[Any]:
    """Point the default connection at an empty index of its own; yield its backend, then drop it.

    Whoosh: a directory under folder (nothing else changes). Elasticsearch: a new alias with
    its first concrete index created at once, so that a search before any write finds nothing.
    """
    info = connections.connections_info["default"]
    key, value = ("INDEX_NAME", new_index_name(label)) if ELASTICSEARCH else ("PATH", str(folder / "index"))
    old = info[key]
    info[key] = value
    backend = connections.reload("default").get_backend()
    try:
        if ELASTICSEARCH:
            backend.setup()
        yield backend
    finally:
        if ELASTICSEARCH:
            backend.drop()
        info[key] = old
        connections.reload("default")


@contextmanager
def session_index() -> Iterator[None]:
    """On Elasticsearch, give the whole run an alias of its own (dropped at the end); on Whoosh nothing."""
    if not ELASTICSEARCH:
        yield
        return
    info = connections.connections_info["default"]
    old = info["INDEX_NAME"]
    info["INDEX_NAME"] = new_index_name("session")
    connections.reload("default")
    try:
        yield
    finally:
        connections["default"].get_backend().drop()
        info["INDEX_NAME"] = old
        connections.reload("default")


def served_copy_index(env: dict[str, str], name: str) -> str | None:
    """Give a served copy (a subprocess with env) an alias of its own on Elasticsearch; return it."""
    if not ELASTICSEARCH:
        return None
    env["ELASTICSEARCH_INDEX"] = new_index_name(name.replace("_", "-").lower())
    return env["ELASTICSEARCH_INDEX"]


def drop_index(alias: str | None) -> None:
    """Delete an alias served_copy_index gave out, and its indices."""
    if alias:
        from search.backends.elasticsearch_indices import delete_index

        delete_index(connections["default"].get_backend().conn, alias)
