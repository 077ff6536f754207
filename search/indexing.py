"""Write articles to the search index: the only writer path besides rebuild_index."""
import logging

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
