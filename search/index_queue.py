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
import time
from collections.abc import Iterable
from datetime import timedelta

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from archive.index_port import FlushResult
from search.backends.base import IndexBusy
from search.indexing import reindex_articles
from search.models import IndexBuild, IndexQueueEntry

log = logging.getLogger(__name__)
FLUSH_BATCH = 5000
# How long a write's after-commit flush waits for another writer (an import writing thousands of
# documents) before handing its changes to a background thread: an editor's save never waits for it.
AFTER_COMMIT_WAIT = 1.0
HANDED_OVER_FOR = 600.0  # seconds the background thread keeps trying before the queue keeps them
HANDOVER_WAIT = 30.0
# A rebuild record older than this is a killed rebuild's: it no longer holds queue rows back.
STALE_BUILD = timedelta(hours=12)
_flush_lock = threading.Lock()
_thread = threading.local()  # ids: articles this thread queued that no flush has applied yet


class DurableIndexQueue:
    """The archive's IndexQueue (archive/index_port.py), backed by IndexQueueEntry rows."""

    def enqueue(self, ids: Iterable[int], *, using: str = "default") -> None:
        entries = [IndexQueueEntry(article_id=pk) for pk in sorted(set(ids))]
        if not entries:
            return
        IndexQueueEntry.objects.using(using).bulk_create(entries, batch_size=1000)
        if getattr(_thread, "ids", None) is None:
            _thread.ids = set()
        _thread.ids.update(entry.article_id for entry in entries)
        transaction.on_commit(flush_logged, using=using)

    def flush(self) -> FlushResult:
        return flush()


def flush_logged() -> None:
    """Apply the queue after a commit; a failure is logged, its rows stay for the next flush.

    Registered by every enqueue; the first to run after a commit applies what
    this thread queued, the others (a cascade queues row by row) find nothing
    new. Other processes' entries are theirs to apply: two writers never index
    the same batch, nor wait on each other's. When another writer keeps the
    index for more than AFTER_COMMIT_WAIT, a background thread applies them
    once it is free, and the request that saved them returns at once.
    """
    ids = getattr(_thread, "ids", None)
    if not ids:
        return
    _thread.ids = None
    result = flush(ids=ids, wait=AFTER_COMMIT_WAIT)
    if result.busy:
        _apply_when_free(ids)
    elif not result.ok:
        log.error("search index update failed (%s); %d article(s) wait in the index queue "
                  "and are applied by the next write, import or `manage.py check_index`",
                  result.error, result.waiting)


def _apply_when_free(ids: set[int]) -> None:
    """Apply ids in a background thread once the index is free; the saving request returns now.

    Should the process end first (a command), the entries stay queued for the next
    flush: the import's own final flush, `check_index`, or the next write.
    """
    def run() -> None:
        try:
            give_up = time.monotonic() + HANDED_OVER_FOR
            while time.monotonic() < give_up:
                result = flush(ids=ids, wait=HANDOVER_WAIT)
                if not result.busy:
                    if not result.ok:
                        log.error("search index update failed (%s); %d article(s) wait in the index queue",
                                  result.error, result.waiting)
                    return
            log.warning("the search index stayed busy; %d article(s) wait in the index queue", len(ids))
        finally:
            connections.close_all()  # this thread's own database connections

    threading.Thread(target=run, name="index-queue-handover", daemon=True).start()


def flush(*, ids: Iterable[int] | None = None, wait: float | None = None) -> FlushResult:
    """Apply the waiting entries (of these articles, or all) to the live index; return the counts.

    wait: seconds to wait for another writer (None: the engine's limit); when it
    keeps the index longer, the result is busy and the entries stay queued.
    Never raises: on failure the entries stay queued and the result says why.
    """
    applied = 0
    if not _flush_lock.acquire(timeout=-1 if wait is None else wait):
        return FlushResult(waiting=waiting(), busy=True, error="the search index is busy in this process")
    try:
        try:
            if ids is not None:
                return _flush_ids(sorted(set(ids)), wait)
            while True:
                rows = list(IndexQueueEntry.objects.filter(applied=False).order_by("pk")
                            .values_list("pk", "article_id")[:FLUSH_BATCH])
                if not rows:
                    return FlushResult(applied=applied)
                ids = sorted({article_id for _, article_id in rows})
                reindex_articles(ids, wait=wait)
                _clear([pk for pk, _ in rows])
                applied += len(ids)
        except IndexBusy as exc:  # another writer has the index: the rows wait their turn
            return FlushResult(applied=applied, waiting=waiting(), busy=True, error=str(exc))
        except Exception as exc:  # the index or the database failed: the rows stay queued
            log.exception("index queue flush failed")
            return FlushResult(applied=applied, waiting=waiting(), error=_describe(exc))
    finally:
        _flush_lock.release()


def _flush_ids(ids: list[int], wait: float | None) -> FlushResult:
    # Entries up to the mark were committed before the articles are read below, so the
    # documents written reflect them; later ones stay for their own writer's flush. Ids
    # without a waiting entry (rolled back, or applied by another process) are skipped.
    mark = high_water()
    rows = []
    for i in range(0, len(ids), 500):
        rows += IndexQueueEntry.objects.filter(applied=False, article_id__in=ids[i:i + 500],
                                               pk__lte=mark).values_list("pk", "article_id")
    pending = sorted({article_id for _, article_id in rows})
    if pending:
        reindex_articles(pending, wait=wait)
        _clear([pk for pk, _ in rows])
    return FlushResult(applied=len(pending))


def waiting() -> int:
    """Return how many queue entries wait to be applied (0 when the table can't be read)."""
    try:
        return IndexQueueEntry.objects.filter(applied=False).count()
    except DatabaseError:
        return 0


def _clear(pks: list[int]) -> None:
    """Remove applied rows, or mark them while a rebuild may need to replay them."""
    cutoff = timezone.now() - STALE_BUILD
    keep = IndexBuild.objects.filter(started_at__gte=cutoff).exists()
    for i in range(0, len(pks), 500):
        entries = IndexQueueEntry.objects.filter(pk__in=pks[i:i + 500])
        if keep:
            entries.update(applied=True)
        else:
            entries.delete()


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
