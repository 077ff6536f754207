"""Write articles to the search index: the only writer path besides rebuild_index."""
import logging
from functools import partial

from django.db import transaction
from haystack import connections

log = logging.getLogger(__name__)
BATCH_SIZE = 2000


def article_index():
    from archive.models import Article

    return connections["default"].get_unified_index().get_index(Article)


def reindex_articles(ids):
    """Index the searchable articles among ids and remove the rest from the index."""
    from archive.models import Article

    ids = sorted(ids)
    index = article_index()
    backend = connections["default"].get_backend()
    for i in range(0, len(ids), BATCH_SIZE):
        chunk = ids[i:i + BATCH_SIZE]
        live = list(index.index_queryset().filter(pk__in=chunk))
        gone = set(chunk) - {a.pk for a in live}
        backend.update_and_remove(index, live, [f"archive.article.{pk}" for pk in sorted(gone)])


def reindex_on_commit(ids, *, using="default"):
    """Reindex ids once the current transaction commits (at once outside one).

    For changes that send no signals (QuerySet.update, bulk_create, raw deletes).
    reindex_articles writes in batches. A failed index write is logged, not raised:
    the database change stands, and check_index --repair brings the index back.
    """
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if ids:
        transaction.on_commit(partial(_reindex_logged, ids), using=using)


def _reindex_logged(ids):
    try:
        reindex_articles(ids)
    except Exception:
        log.exception("search index update failed for %d article(s) (first %s); "
                      "run `manage.py check_index --repair`", len(ids), ids[:10])
