"""Editors' operations on articles and topics: history kept, search index updated on commit.

Bulk operations work in chunks of CHUNK articles: each chunk is one bulk write,
one batch of history records and one batch queued for the index. They send no
model signals, so the index update is queued here, explicitly.
"""
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, router, transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from archive.models import Article, ArticleTopic, Source, Choice, Topic, TopicExclusion
from archive.tagging import match_topics
from archive.index_port import articles_changed

CHUNK = 500
EDITOR = ArticleTopic.Origin.EDITOR
AUTO = ArticleTopic.Origin.AUTO


def write_lock(model: type[Model] = Article, pk: int | None = None) -> None:
    """Start the transaction's write before any read, so concurrent saves wait their turn.

    SQLite has one writer at a time, and a transaction that read before another
    one committed cannot write afterwards ("database is locked"); writing first
    makes it wait for the lock instead. Where rows can be locked (PostgreSQL),
    lock the row pk.
    """
    using = router.db_for_write(model)
    queryset = model._default_manager.using(using).filter(pk=-1 if pk is None else pk)
    if connections[using].features.has_select_for_update:
        if pk is not None:
            list(queryset.select_for_update().values_list("pk", flat=True))
    else:
        pk_name = model._meta.pk.name
        queryset.update(**{pk_name: F(pk_name)})  # changes nothing; takes the database's write lock


def chunks(queryset: QuerySet, size: int = CHUNK) -> Iterator[list[int]]:
    """Yield the primary keys of queryset in lists of at most size, in key order."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True).distinct())
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _touch(ids: list[int], now: datetime) -> None:
    """Mark articles changed (a rebuild replays what changed while it ran)."""
    if ids:
        Article.objects.filter(pk__in=ids).update(updated_at=now)


def set_status(articles: QuerySet, status: Choice, *, user: AbstractBaseUser | None = None,
               reason: str = "") -> int:
    """Give articles status (leaving no duplicate link behind); return how many changed."""
    changed = 0
    with transaction.atomic():
        write_lock()
        for ids in chunks(articles):
            now = timezone.now()
            objs = list(Article.objects.filter(pk__in=ids).filter(
                ~Q(status=status) | Q(duplicate_of__isnull=False)).defer("raw"))
            ids = [a.pk for a in objs]
            for article in objs:
                article.status, article.duplicate_of, article.updated_at = status, None, now
            bulk_update_with_history(objs, Article, ["status", "duplicate_of", "updated_at"],
                                     default_user=user, default_change_reason=reason)
            articles_changed(ids)
            changed += len(objs)
    return changed


def add_topic(articles: QuerySet, topic: Topic, *, user: AbstractBaseUser | None = None) -> int:
    """Assign topic to articles as an editor's choice; return how many gained it.

    Pairs the rules had set become the editor's, so re-tagging keeps them; an
    earlier removal by hand is forgotten.
    """
    added = 0
    with transaction.atomic():
        write_lock()
        for ids in chunks(articles):
            now = timezone.now()
            pairs = {p.article_id: p for p in ArticleTopic.objects.filter(article_id__in=ids, topic=topic)}
            adopted = [p for p in pairs.values() if p.origin != EDITOR]
            for pair in adopted:
                pair.origin, pair.assigned_by, pair.assigned_at = EDITOR, user, now
            if adopted:
                bulk_update_with_history(adopted, ArticleTopic, ["origin", "assigned_by", "assigned_at"],
                                         default_user=user, default_change_reason="editor")
            new = [ArticleTopic(article_id=pk, topic=topic, origin=EDITOR, assigned_by=user, assigned_at=now)
                   for pk in ids if pk not in pairs]
            if new:
                bulk_create_with_history(new, ArticleTopic, default_user=user,
                                         default_change_reason="editor")
            TopicExclusion.objects.filter(article_id__in=ids, topic=topic).delete()
            new_ids = [p.article_id for p in new]
            _touch(new_ids, now)
            articles_changed(new_ids)
            added += len(new)
    return added


def remove_topic(articles: QuerySet, topic: Topic, *, user: AbstractBaseUser | None = None) -> int:
    """Remove topic from articles by hand, for good; return how many lost it.

    Every article given is excluded from the topic, tagged or not: automatic
    tagging will not add it back.
    """
    removed = 0
    with transaction.atomic():
        write_lock()
        for ids in chunks(articles):
            now = timezone.now()
            pairs = list(ArticleTopic.objects.filter(article_id__in=ids, topic=topic))
            _delete_pairs(pairs, user=user, reason="editor")
            TopicExclusion.objects.bulk_create(
                [TopicExclusion(article_id=pk, topic=topic, excluded_by=user, excluded_at=now) for pk in ids],
                ignore_conflicts=True)
            gone = [p.article_id for p in pairs]
            _touch(gone, now)
            articles_changed(gone)
            removed += len(gone)
    return removed


def _delete_pairs(pairs: Iterable[ArticleTopic], *, user: AbstractBaseUser | None, reason: str) -> None:
    for pair in pairs:  # one by one: each deletion is recorded in the history with its editor
        pair._history_user = user
        pair._change_reason = reason
        pair.delete()


def change_topics(article: Article, *, added: Iterable[int] = (), removed: Iterable[int] = (),
                  user: AbstractBaseUser | None = None) -> bool:
    """Apply an editor's topic changes to one article; return True if anything changed."""
    added, removed = set(added) - set(removed), set(removed) - set(added)
    if not added and not removed:
        return False
    now = timezone.now()
    pairs = {p.topic_id: p for p in ArticleTopic.objects.filter(article=article, topic_id__in=added | removed)}
    for topic_id in added:
        pair = pairs.get(topic_id) or ArticleTopic(article=article, topic_id=topic_id)
        if pair.pk is None or pair.origin != EDITOR:
            pair.origin, pair.assigned_by, pair.assigned_at = EDITOR, user, now
            pair._history_user = user
            pair.save()
    TopicExclusion.objects.filter(article=article, topic_id__in=added).delete()
    _delete_pairs([pairs[t] for t in removed if t in pairs], user=user, reason="editor")
    TopicExclusion.objects.bulk_create(
        [TopicExclusion(article=article, topic_id=t, excluded_by=user, excluded_at=now) for t in removed],
        ignore_conflicts=True)
    articles_changed([article.pk])
    return True


def retag(articles: QuerySet, *, rules: dict[int, list[str]] | None = None,
          user: AbstractBaseUser | None = None) -> tuple[int, int]:
    """Re-run automatic tagging on articles; return (pairs added, pairs removed).

    rules maps topic ids to keywords (default: every topic's rules); only those
    topics are considered. Pairs an editor set, and topics an editor removed by
    hand, are left as they are.
    """
    if rules is None:
        rules = {t.pk: t.keywords for t in Topic.objects.all()}
    added = removed = 0
    with transaction.atomic():
        write_lock()
        for ids in chunks(articles):
            now = timezone.now()
            current: defaultdict[int, dict[int, Any]] = defaultdict(dict)
            for pair in ArticleTopic.objects.filter(article_id__in=ids, topic_id__in=rules):
                current[pair.article_id][pair.topic_id] = pair
            excluded = set(TopicExclusion.objects.filter(article_id__in=ids, topic_id__in=rules)
                           .values_list("article_id", "topic_id"))
            stale, new = [], []
            for pk, title, body in Article.objects.filter(pk__in=ids).values_list("pk", "title", "body"):
                wanted = set(match_topics(title=title, body=body, rules=rules))
                mine = current[pk]
                stale += [p for t, p in mine.items() if p.origin == AUTO and t not in wanted]
                new += [ArticleTopic(article_id=pk, topic_id=t, origin=AUTO, assigned_at=now)
                        for t in sorted(wanted) if t not in mine and (pk, t) not in excluded]
            _delete_pairs(stale, user=user, reason="auto")
            if new:
                bulk_create_with_history(new, ArticleTopic, default_user=user, default_change_reason="auto")
            changed = sorted({p.article_id for p in stale + new})
            _touch(changed, now)
            articles_changed(changed)
            added, removed = added + len(new), removed + len(stale)
    return added, removed


def retag_topic(topic: Topic, *, user: AbstractBaseUser | None = None) -> tuple[int, int]:
    """Re-run one topic's keyword rules over the whole archive; return (added, removed)."""
    return retag(Article.objects.all(), rules={topic.pk: topic.keywords}, user=user)


def reindex_related(*, source: Source | None = None, topic: Topic | None = None) -> None:
    """Queue the articles whose index documents show a source's or topic's name."""
    if source is not None:
        queryset = Article.objects.filter(source=source)
    else:
        queryset = Article.objects.filter(topics=topic)
    for ids in chunks(queryset, size=5000):
        articles_changed(ids)
