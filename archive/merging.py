"""Duplicates: find groups of articles that are the same story, and merge them into one.

Four signs make two articles one story: the same canonical URL, the same
content hash, the same title on the same day (two sources carrying one story),
or near-identical text (a reprint, perhaps with a line added). The finding is
pure (plain values in, groups out); merge() and unmerge() write.

Near-identical text is found with bottom-k sketches of character 5-grams:
articles sharing a few sketch values are compared on their full 5-gram sets,
and count as one story when most of the shorter text is in the longer one.
"""
import heapq
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from archive.curation import write_lock
from archive.index_port import articles_changed
from archive.models import Article, NotDuplicate, Choice

SHINGLE = 5          # characters per shingle
SKETCH_SIZE = 64     # smallest shingle hashes kept per text
MIN_SHARED = 4       # sketch values two texts must share to be compared in full
MIN_CHARS = 80       # shorter texts (after normalizing) are not compared by text
TEXT_CHARS = 3000    # leading characters of a body compared
CONTAINMENT = 0.85   # share of the shorter text's shingles found in the longer one
TEXT_WINDOW = 3000   # newest articles compared by text in one pass

REASONS = {
    "url": _("相同原文链接"),
    "hash": _("相同正文"),
    "title": _("同日同标题"),
    "text": _("正文高度相似"),
}
EXACT_REASONS = frozenset({"url", "hash"})  # signs of one record: the rest only say "similar"


@dataclass(frozen=True)
class Candidate:
    """What grouping needs to know about one article."""

    id: int
    title: str = ""
    published: date | None = None
    url: str = ""
    content_hash: str = ""
    text: str = ""
    is_empty: bool = False


@dataclass
class Group:
    """Articles that look like one story, and why."""

    ids: list[int]
    reasons: set[str] = field(default_factory=set)
    similarity: float = 0.0  # best text containment seen in the group, 0 when not by text
    exact: bool = True  # every member reached by the same canonical URL or body hash: copies of one record


def normalize(text: str) -> str:
    """Return text folded (NFKC, case) with only letters and digits kept."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def shingles(text: str) -> set[int]:
    """Return the set of hashed SHINGLE-character pieces of normalized text."""
    text = normalize(text)[:TEXT_CHARS]
    return {hash(text[i:i + SHINGLE]) for i in range(max(len(text) - SHINGLE + 1, 0))}


def sketch(pieces: Iterable[int]) -> list[int]:
    """Return the SKETCH_SIZE smallest values of a shingle set."""
    return heapq.nsmallest(SKETCH_SIZE, pieces)


def containment(a: set[int], b: set[int]) -> float:
    """Return the share of the smaller set found in the larger one (0 for empty sets)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


def find_groups(candidates: Sequence[Candidate], *,
                distinct: Collection[tuple[int, int]] = frozenset()) -> list[Group]:
    """Return Groups of two or more candidates that look like one story, newest first.

    Candidates sharing a URL, a content hash, or a normalized title on one date
    are grouped whatever their text; non-empty texts are also compared. Pairs
    in distinct ((smaller id, larger id), judged distinct by an editor) are not
    linked, though a third article like both can still bring them together.
    """
    parent = {c.id: c.id for c in candidates}
    reasons, similarity, exact = {}, {}, {}  # by group root: why, best containment, exact

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: int, b: int, reason: str, score: float = 0.0) -> None:
        if (min(a, b), max(a, b)) in distinct:
            return
        ra, rb = root(a), root(b)
        key = min(ra, rb)
        if ra != rb:  # a link inside a group already joined says nothing about exactness
            both = exact.pop(ra, True), exact.pop(rb, True)
            exact[key] = all(both) and reason in EXACT_REASONS
        parent[ra] = parent[rb] = key
        reasons[key] = reasons.pop(ra, set()) | reasons.pop(rb, set()) | {reason}
        similarity[key] = max(similarity.pop(ra, 0.0), similarity.pop(rb, 0.0), score)

    def join_by(key_of: Callable[[Candidate], Any], reason: str) -> None:
        buckets: dict[Any, list[int]] = {}
        for c in candidates:
            key = key_of(c)
            if key:
                buckets.setdefault(key, []).append(c.id)
        for ids in buckets.values():
            for i, a in enumerate(ids):
                for b in ids[i + 1:]:
                    join(a, b, reason)

    join_by(lambda c: c.url, "url")
    join_by(lambda c: c.content_hash if not c.is_empty else "", "hash")
    join_by(lambda c: (normalize(c.title), c.published) if len(normalize(c.title)) >= 4 else None, "title")
    for a, b, score in near_text_pairs(candidates):
        join(a, b, "text", score)

    members: dict[int, list[Candidate]] = {}
    for c in candidates:
        members.setdefault(root(c.id), []).append(c)
    groups = []
    for key, group in members.items():
        if len(group) > 1:
            group.sort(key=lambda c: (c.published or date.min, c.id), reverse=True)
            groups.append(Group(ids=[c.id for c in group], reasons=reasons.get(key, set()),
                                similarity=similarity.get(key, 0.0), exact=exact.get(key, True)))
    by_id = {c.id: c for c in candidates}
    groups.sort(key=lambda g: (by_id[g.ids[0]].published or date.min, g.ids[0]), reverse=True)
    return groups


def near_text_pairs(candidates: Iterable[Candidate]) -> Iterator[tuple[int, int, float]]:
    """Yield (id, id, containment) for candidates whose texts are near-identical."""
    pieces: dict[int, set[int]] = {}
    index: dict[int, list[int]] = {}
    for c in candidates:
        if c.is_empty or len(normalize(c.text)) < MIN_CHARS:
            continue
        pieces[c.id] = shingles(c.text)
        for value in sketch(pieces[c.id]):
            index.setdefault(value, []).append(c.id)
    shared: dict[tuple[int, int], int] = {}
    for ids in index.values():
        if len(ids) > 50:  # boilerplate shared by many articles says nothing
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                shared[(a, b)] = shared.get((a, b), 0) + 1
    for (a, b), count in sorted(shared.items()):
        if count >= MIN_SHARED:
            score = containment(pieces[a], pieces[b])
            if score >= CONTAINMENT:
                yield a, b, round(score, 3)


def suggested_keep(articles: Iterable[Article]) -> Article:
    """Return the article to keep from a group: published, with text, first out, not a reprint, first in."""
    return min(articles, key=lambda a: (a.status != Article.Status.PUBLISHED, a.is_empty, a.published,
                                        bool(a.original_outlet), a.pk))


# -- database -------------------------------------------------------------

def candidates_for(queryset: QuerySet) -> list[Candidate]:
    """Return Candidates for the articles of queryset (only the leading text is read)."""
    rows = queryset.annotate(lead=Substr("body", 1, TEXT_CHARS)).values_list(
        "pk", "title", "published", "url", "content_hash", "lead", "is_empty")
    return [Candidate(id=pk, title=title, published=published, url=url, content_hash=content_hash,
                      text=f"{title}\n{lead}", is_empty=is_empty)
            for pk, title, published, url, content_hash, lead, is_empty in rows]


def duplicate_groups(*, date_from: date | None = None, date_to: date | None = None,
                     window: int = TEXT_WINDOW) -> tuple[list[Group], int]:
    """Return (groups, compared): groups of published articles of a period that look like one story.

    URL, content hash and title-and-date matches are found in the database over
    the whole period (default: the whole archive); near-identical text among its
    newest `window` articles. compared is how many were compared by text.
    """
    period = Article.objects.filter(status=Article.Status.PUBLISHED)
    if date_from:
        period = period.filter(published__gte=date_from)
    if date_to:
        period = period.filter(published__lte=date_to)
    newest = set(period.order_by("-published", "-pk").values_list("pk", flat=True)[:window])

    def shared(queryset: QuerySet, *fields: str) -> QuerySet:
        return queryset.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).values_list(*fields)

    exact = set(period.filter(Q(url__in=shared(period.exclude(url=""), "url"))
                              | Q(content_hash__in=shared(period.filter(is_empty=False), "content_hash")))
                .values_list("pk", flat=True))
    titled = set(shared(period, "title", "published"))
    if titled:
        exact |= {pk for pk, title, published in period.filter(title__in={title for title, _day in titled})
                  .values_list("pk", "title", "published") if (title, published) in titled}
    ids = newest | exact
    distinct = set(NotDuplicate.objects.filter(first__in=ids, second__in=ids).values_list("first", "second"))
    return find_groups(candidates_for(period.filter(pk__in=ids)), distinct=distinct), len(newest)


def mark_distinct(ids: Iterable[int], *, user: AbstractBaseUser | None = None) -> int:
    """Record that the articles ids are not duplicates of each other; return pairs recorded."""
    ids = sorted(set(ids))
    pairs = [NotDuplicate(first_id=a, second_id=b, decided_by=user)
             for i, a in enumerate(ids) for b in ids[i + 1:]]
    NotDuplicate.objects.bulk_create(pairs, ignore_conflicts=True)
    return len(pairs)


class MergeError(ValueError):
    pass


def merge(keep: Article, others: Iterable[Article | int], *, user: AbstractBaseUser | None = None,
          reason: str = "merge") -> int:
    """Mark others as duplicates of keep (and what was merged into them); return how many.

    They leave the search index on commit, and their pages redirect to keep.
    """

    ids = sorted({a.pk if hasattr(a, "pk") else int(a) for a in others} - {keep.pk})
    with transaction.atomic():
        write_lock(Article, keep.pk)
        keep = Article.objects.get(pk=keep.pk)
        if keep.status == Article.Status.DUPLICATE:
            raise MergeError(_("要保留的文章本身已标记为重复，请先取消合并"))
        if not ids:
            return 0
        now = timezone.now()
        objs = list(Article.objects.filter(Q(pk__in=ids) | Q(duplicate_of__in=ids)).exclude(pk=keep.pk)
                    .defer("raw"))
        for article in objs:
            article.status, article.duplicate_of, article.updated_at = Article.Status.DUPLICATE, keep, now
        bulk_update_with_history(objs, Article, ["status", "duplicate_of", "updated_at"],
                                 default_user=user, default_change_reason=reason)
        articles_changed([a.pk for a in objs])
    return len(objs)


def unmerge(articles: QuerySet, *, user: AbstractBaseUser | None = None, reason: str = "unmerge") -> int:
    """Undo merges: give duplicates back the status they had before; return how many."""

    with transaction.atomic():
        write_lock()
        objs = list(articles.filter(status=Article.Status.DUPLICATE).defer("raw"))
        now = timezone.now()
        for article in objs:
            article.status = previous_status(article)
            article.duplicate_of, article.updated_at = None, now
        bulk_update_with_history(objs, Article, ["status", "duplicate_of", "updated_at"],
                                 default_user=user, default_change_reason=reason)
        articles_changed([a.pk for a in objs])
    return len(objs)


def previous_status(article: Article) -> Choice:
    """Return the last status article had that was not "duplicate" (published if none)."""
    earlier = (article.history.exclude(status=Article.Status.DUPLICATE)
               .order_by("-history_date", "-history_id").values_list("status", flat=True).first())
    return earlier or Article.Status.PUBLISHED
