"""The one way from an archive write to the search index: the archive's side of the seam.

The archive knows nothing of search engines. Every write service (saves,
bulk actions, merges, imports, renames) calls `articles_changed(ids)` inside
its transaction; the search app plugs in the queue that records those ids in
the same transaction and applies them after commit (a transactional outbox,
search/index_queue.py). `flush_index()` applies whatever is waiting, also
what a crash left behind.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction


@dataclass(frozen=True)
class FlushResult:
    """What applying the index queue did: articles written, and the error that stopped it."""

    applied: int = 0
    waiting: int = 0
    error: str = ""
    busy: bool = False  # another writer kept the index: nothing failed, the changes wait their turn

    @property
    def ok(self) -> bool:
        return not self.error


class IndexQueue(Protocol):
    def enqueue(self, ids: Iterable[int], *, using: str = "default") -> None: ...

    def flush(self) -> FlushResult: ...


class _NoQueue:
    """Used until the search app plugs in its queue (or when it is not installed)."""

    def enqueue(self, ids: Iterable[int], *, using: str = "default") -> None:
        return None

    def flush(self) -> FlushResult:
        return FlushResult()


_queue: IndexQueue = _NoQueue()
_unindexed = threading.local()  # on: this thread's writes leave the index to a rebuild


def plug_in(queue: IndexQueue) -> None:
    """Install the index queue (called once by the search app when Django starts)."""
    global _queue
    _queue = queue


def articles_changed(ids: Iterable[int | None], *, using: str = "default") -> None:
    """Record that these articles changed, in the current transaction; the index follows after commit."""
    wanted = sorted({int(pk) for pk in ids if pk is not None})
    if wanted and not getattr(_unindexed, "on", False):
        _queue.enqueue(wanted, using=using)


def flush_index(*, using: str = "default") -> FlushResult:
    """Apply every waiting index change now; return what happened (never raises).

    Inside a transaction nothing is applied: what it queued reaches the index
    when it commits, and nothing it has not committed may.
    """
    if transaction.get_connection(using).in_atomic_block:
        return FlushResult()
    return _queue.flush()


@contextmanager
def unindexed() -> Iterator[None]:
    """Leave the index alone for this thread's writes in the block: a bulk load that a rebuild follows.

    `import_articles --no-index` runs in it. Nothing is queued, so until
    `rebuild_index` runs, the articles are not searchable and `check_index`
    reports them missing (exit 1; `--repair` rebuilds). Other threads and
    processes (editors saving meanwhile) are indexed as always.
    """
    before = getattr(_unindexed, "on", False)
    _unindexed.on = True
    try:
        yield
    finally:
        _unindexed.on = before
