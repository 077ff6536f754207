"""Keep the search index in step with the database, after each commit."""
import logging
import threading

from django.db import transaction
from django.db.models import signals
from haystack.signals import BaseSignalProcessor

log = logging.getLogger(__name__)
_pending = threading.local()


class OnCommitSignalProcessor(BaseSignalProcessor):
    """Collect changed articles during a transaction; index them in one batch on commit."""

    def setup(self):
        from archive.models import Article, ArticleTopic

        signals.post_save.connect(self.handle_save, sender=Article)
        signals.post_delete.connect(self.handle_save, sender=Article)
        signals.post_save.connect(self.handle_topic, sender=ArticleTopic)
        signals.post_delete.connect(self.handle_topic, sender=ArticleTopic)

    def teardown(self):
        from archive.models import Article, ArticleTopic

        signals.post_save.disconnect(self.handle_save, sender=Article)
        signals.post_delete.disconnect(self.handle_save, sender=Article)
        signals.post_save.disconnect(self.handle_topic, sender=ArticleTopic)
        signals.post_delete.disconnect(self.handle_topic, sender=ArticleTopic)

    def handle_save(self, sender, instance, **kwargs):
        self.queue([instance.pk])

    def handle_topic(self, sender, instance, **kwargs):
        self.queue([instance.article_id])

    def queue(self, pks):
        """Remember article ids to reindex when the current transaction commits.

        The flush is registered on every call (it is idempotent): outside a
        transaction on_commit runs it at once, and a rolled-back transaction
        drops its callbacks but its ids still go with the next commit.
        """
        ids = getattr(_pending, "ids", None)
        if ids is None:
            ids = _pending.ids = set()
        ids.update(pk for pk in pks if pk is not None)
        transaction.on_commit(self.flush)

    def flush(self):
        ids = getattr(_pending, "ids", None) or set()
        _pending.ids = None
        if ids:
            from search.indexing import reindex_articles

            reindex_articles(ids)
