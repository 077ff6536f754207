"""Write articles to the search index: what the index queue and rebuilds call."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from haystack import connections

from search.backends.base import ArchiveSearchBackend, Build

BATCH_SIZE = 2000


def article_index() -> Any:
    """Return the haystack SearchIndex of articles."""
    from archive.models import Article

    return connections["default"].get_unified_index().get_index(Article)


def backend(using: str = "default") -> ArchiveSearchBackend:
    """Return the configured engine's backend (every engine implements the archive's contract)."""
    return connections[using].get_backend()


def reindex_articles(ids: Iterable[int], *, build: Build | None = None, wait: float | None = None) -> None:
    """Index the searchable articles among ids and remove the rest, into build or the live index.

    wait: seconds to wait for another writer before IndexBusy (None: the engine's limit).
    """
    ids = sorted(set(ids))
    index = article_index()
    engine = backend()
    for i in range(0, len(ids), BATCH_SIZE):
        chunk = ids[i:i + BATCH_SIZE]
        live = list(index.index_queryset().filter(pk__in=chunk))
        gone = set(chunk) - {a.pk for a in live}
        engine.update_and_remove(index, live, [f"archive.article.{pk}" for pk in sorted(gone)],
                                 build=build, wait=wait)
