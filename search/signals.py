"""Record every change to what is indexed in the index queue, inside the change's transaction."""
from __future__ import annotations

from typing import Any

from django.db.models import signals
from haystack.signals import BaseSignalProcessor

from archive.index_port import articles_changed


class QueueSignalProcessor(BaseSignalProcessor):
    """Queue the articles a model save or delete touches; the queue applies them after commit.

    Writes that send no signals (QuerySet.update, bulk_create) call
    archive.index_port.articles_changed themselves.
    """

    def _connections(self) -> list[tuple[Any, Any, Any]]:
        from archive.models import Article, ArticleTopic, Source, Topic

        return [
            (signals.post_save, self.handle_article, Article),
            (signals.post_delete, self.handle_article, Article),
            (signals.post_save, self.handle_article_topic, ArticleTopic),
            (signals.post_delete, self.handle_article_topic, ArticleTopic),
            (signals.m2m_changed, self.handle_topics_changed, Article.topics.through),
            (signals.post_save, self.handle_source, Source),
            (signals.post_save, self.handle_topic, Topic),
            (signals.pre_delete, self.handle_topic, Topic),
        ]

    def setup(self) -> None:
        for signal, handler, sender in self._connections():
            signal.connect(handler, sender=sender)

    def teardown(self) -> None:
        for signal, handler, sender in self._connections():
            signal.disconnect(handler, sender=sender)

    def handle_article(self, sender: Any, instance: Any, **kwargs: Any) -> None:
        articles_changed([instance.pk])

    def handle_article_topic(self, sender: Any, instance: Any, **kwargs: Any) -> None:
        articles_changed([instance.article_id])

    def handle_topics_changed(self, sender: Any, instance: Any, action: str, reverse: bool,
                              pk_set: set | None, **kwargs: Any) -> None:
        if not action.startswith("post_") and action != "pre_clear":
            return
        if not reverse:
            articles_changed([instance.pk])
        elif action == "pre_clear":
            articles_changed(instance.articles.values_list("pk", flat=True))
        else:
            articles_changed(pk_set or ())

    def handle_source(self, sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
        # A renamed source changes every one of its documents' source field.
        if not created:
            articles_changed(instance.articles.values_list("pk", flat=True))

    def handle_topic(self, sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
        if not created:
            articles_changed(instance.articles.values_list("pk", flat=True))
