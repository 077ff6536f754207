"""The durable index queue: ids recorded with each change, applied after commit.

`enqueue` runs inside the writer's transaction: the queue rows commit or roll
back with the change. After commit, `flush` reads every waiting row (also
those left by a crash, a kill or a full disk), rewrites or removes those
articles' documents in one batch, and clears them. While a rebuild runs,
applied rows are kept (marked) so the rebuild can replay them into its new
index before the swap (search/rebuilding.py).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from archive.index_port import FlushResult
from search.indexing import reindex_articles
from search.models import IndexBuild, IndexQueueEntry

log = logging.getLogger(__name__)
FLUSH_BATCH = 5000
# A rebuild record older than this is a killed rebuild's: it no longer holds queue rows back.
STALE_BUILD = timedelta(hours=12)
_flush_lock = threading.Lock()
_thread = threading.local()  # dirty: this thread queued changes no flush has applied yet


class DurableIndexQueue:
    """The archive's IndexQueue (archive/index_port.py), backed by IndexQueueEntry rows."""

    def enqueue(self, ids: Iterable[int], *, using: str = "default") -> None:
        entries = [IndexQueueEntry(article_id=pk) for pk in sorted(set(ids))]
        if not entries:
            return
        IndexQueueEntry.objects.using(using).bulk_create(entries, batch_size=1000)
        _thread.dirty = True
        transaction.on_commit(flush_logged, using=using)

    def flush(self) -> FlushResult:
        return flush()


def flush_logged() -> None:
    """Apply the queue after a commit; a failure is logged, its rows stay for the next flush.

    Registered by every enqueue; the first to run after a commit applies
    everything, the others (a cascade queues row by row) find nothing new.
    """
    if not getattr(_thread, "dirty", False):
        return
    _thread.dirty = False
    result = flush()
    if not result.ok:
        log.error("search index update failed (%s); %d article(s) wait in the index queue "
                  "and are applied by the next write, import or `manage.py check_index`",
                  result.error, result.waiting)


def flush() -> FlushResult:
    """Apply every waiting entry to the live index; return the counts (never raises)."""
    applied = 0
    with _flush_lock:
        try:
            while True:
                rows = list(IndexQueueEntry.objects.filter(applied=False).order_by("pk")
                            .values_list("pk", "article_id")[:FLUSH_BATCH])
                if not rows:
                    return FlushResult(applied=applied)
                ids = sorted({article_id for _, article_id in rows})
                reindex_articles(ids)
                _clear([pk for pk, _ in rows])
                applied += len(ids)
        except Exception as exc:  # the index or the database failed: the rows stay queued
            log.exception("index queue flush failed")
            return FlushResult(applied=applied, waiting=waiting(), error=_describe(exc))


def waiting() -> int:
    """Return how many queue entries wait to be applied (0 when the table can't be read)."""
    try:
        return IndexQueueEntry.objects.filter(applied=False).count()
    except DatabaseError:
        return 0


def _clear(pks: list[int]) -> None:
    """Remove applied rows, or mark them while a rebuild may need to replay them."""
    cutoff = timezone.now() - STALE_BUILD
    if IndexBuild.objects.filter(started_at__gte=cutoff).exists():
        IndexQueueEntry.objects.filter(pk__in=pks).update(applied=True)
    else:
        IndexQueueEntry.objects.filter(pk__in=pks).delete()


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if str(exc) else text


def high_water() -> int:
    """Return the newest queue entry's id (0 for an empty queue)."""
    last = IndexQueueEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


def changed_since(mark: int) -> tuple[list[int], int]:
    """Return (article ids queued after mark, applied or not; the new mark)."""
    rows = list(IndexQueueEntry.objects.filter(pk__gt=mark).values_list("pk", "article_id"))
    if not rows:
        return [], mark
    return sorted({a for _, a in rows}), max(pk for pk, _ in rows)


def forget_applied() -> None:
    """Delete rows already applied, once no rebuild needs them."""
    cutoff = timezone.now() - STALE_BUILD
    if not IndexBuild.objects.filter(started_at__gte=cutoff).exists():
        IndexQueueEntry.objects.filter(applied=True).delete()
