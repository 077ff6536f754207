"""Write article drafts to the database: idempotent, one transaction per file.

A file is read, parsed and normalised first (ImportRun.prepare_file), with no
database access; its transaction then holds only the database work, in bulk
(ImportRun.write_file): a few lookups, bulk inserts and updates, topics.
"""
import datetime
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from archive.ingest.archive_export import restore_records
from archive.ingest.drafts import ArticleDraft, draft_from_record
from archive.ingest.errors import FileRejected, RecordRejected
from archive.ingest.pages import RawRecord
from archive.ingest.extract import source_region
from archive.ingest.readers import read_records
from archive.models import Article, ArticleTopic, ImportBatch, Source, Choice, Topic, TopicExclusion
from archive.tagging import match_topics
from archive.index_port import articles_changed

log = logging.getLogger(__name__)
OUTCOMES = ("created", "updated", "unchanged", "duplicate", "rejected")
BULK_SIZE = 500
T = TypeVar("T")
Key = tuple[str, ...]  # what makes a record the same article (identity_key)
Progress = Callable[[int, int], None]


@dataclass
class FileReport:
    path: str
    format: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    rejected: list[tuple[int | None, str]] = field(default_factory=list)  # (record number, reason)
    stories: list[tuple[int, ArticleDraft | None, str]] = field(default_factory=list)  # for -v 2

    def line(self) -> str:
        return f"{self.path}: " + ", ".join(f"{name} {self.counts[name]}" for name in OUTCOMES)


@dataclass
class PreparedRecord:
    """One record of a file, normalised: a draft with its column values and topics, or a reason."""

    number: int
    draft: ArticleDraft | None = None
    values: dict[str, Any] | None = None
    topics: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class PreparedFile:
    path: str
    format: str
    records: list[PreparedRecord]
    exported: list[RawRecord] = field(default_factory=list)  # an export_archive file's records, restored as they are


def _chunks(items: Iterable[T], size: int = BULK_SIZE) -> Iterator[list[T]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class _Existing:
    """The articles a file's drafts may already be, looked up in bulk, plus those this file creates."""

    def __init__(self, drafts: list[ArticleDraft]) -> None:
        self.by_key: dict[Key, Article] = {}
        keys = [identity_key(d) for d in drafts]
        urls = {k[1] for k in keys if k[0] == "url"}
        aids = {k[2] for k in keys if k[0] == "aid"}
        titles = {k[2] for k in keys if k[0] == "title"}
        for chunk in _chunks(urls):
            for article in Article.objects.filter(url__in=chunk).order_by("pk"):
                self.by_key.setdefault(("url", article.url), article)
        for chunk in _chunks(aids):
            for article in Article.objects.filter(external_id__in=chunk).select_related("source").order_by("pk"):
                self.by_key.setdefault(("aid", article.source.name, article.external_id), article)
        for chunk in _chunks(titles):
            for article in (Article.objects.filter(title__in=chunk, url="", external_id="")
                            .select_related("source").order_by("pk")):
                self.by_key.setdefault(("title", article.source.name, article.title,
                                        article.published.isoformat()), article)
        hashes = {d.content_hash for d in drafts if not d.is_empty}
        self.hashes: set[str] = set()
        for chunk in _chunks(hashes):
            self.hashes.update(Article.objects.filter(content_hash__in=chunk, is_empty=False)
                               .values_list("content_hash", flat=True))

    def find(self, draft: ArticleDraft) -> Article | None:
        return self.by_key.get(identity_key(draft))

    def add(self, article: Article) -> None:
        """Remember an article this file creates, under every key a later record may find it by."""
        source_name = article.source.name
        if article.url:
            self.by_key.setdefault(("url", article.url), article)
        if article.external_id:
            self.by_key.setdefault(("aid", source_name, article.external_id), article)
        if not article.url and not article.external_id:
            self.by_key.setdefault(("title", source_name, article.title, article.published.isoformat()), article)


class ImportRun:
    """State shared by the files of one import: topic rules and what was seen already."""

    def __init__(self, *, batch: ImportBatch | None = None, today: datetime.date | None = None,
                 lock: Callable[[], None] | None = None) -> None:
        """lock, when given, is called first in each file's transaction (to take the write lock)."""
        self.batch = batch
        self.lock = lock
        self.today = today or timezone.localdate()
        self.seen_keys: set[Key] = set()
        self.seen_hashes: set[str] = set()
        self.sources: dict[str, Source] = {}
        self.rules = {t.pk: t.keywords for t in Topic.objects.all()}

    def import_file(self, path: str | Path, *, year: int | None = None, source: str | None = None,
                    date: datetime.date | None = None, dry_run: bool = False,
                    progress: Progress | None = None) -> FileReport:
        """Import one file in one transaction and return its FileReport.

        Raises FileRejected when the file cannot be read; nothing is written then.
        """
        prepared = self.prepare_file(path, year=year, source=source, date=date)
        return self.write_file(prepared, dry_run=dry_run, progress=progress)

    def prepare_file(self, path: str | Path, *, year: int | None = None, source: str | None = None,
                     date: datetime.date | None = None) -> PreparedFile:
        """Read, parse and normalise a file, touching no database; FileRejected if it cannot be read."""
        try:
            fmt, records = read_records(path, year=year, source=source, date=date)
        except FileRejected:
            raise
        except Exception as exc:  # a reader's bug on odd input must not stop the other files
            log.exception("reading %s failed", path)
            raise FileRejected(f"cannot read this file ({type(exc).__name__}: {exc})") from None
        if fmt == "archive":  # written by export_archive: restored as exported, not normalized again
            return PreparedFile(path=str(path), format=fmt, records=[], exported=records)
        prepared = []
        for record in records:
            try:
                if record.error:
                    raise RecordRejected(record.error)
                draft = draft_from_record(record.value, year=year, source=source, date=date, today=self.today)
                check_lengths(draft)
                values = article_values(draft)
            except RecordRejected as exc:
                prepared.append(PreparedRecord(record.number, reason=str(exc)))
            except Exception as exc:  # likewise for one record: the others are still imported
                log.exception("normalising %s record %s failed", path, record.number)
                prepared.append(PreparedRecord(record.number, reason=f"cannot read this record "
                                                                     f"({type(exc).__name__}: {exc})"))
            else:
                topics = match_topics(title=draft.title, body=draft.body, rules=self.rules)
                prepared.append(PreparedRecord(record.number, draft, values, topics))
        return PreparedFile(path=str(path), format=fmt, records=prepared)

    def write_file(self, prepared: PreparedFile, *, dry_run: bool = False,
                   progress: Progress | None = None) -> FileReport:
        """Write a prepared file in one transaction (rolled back for a dry run); return its report."""
        if prepared.format == "archive":
            return self._restore(prepared.path, prepared.exported, dry_run=dry_run)
        report = FileReport(path=prepared.path, format=prepared.format)
        self.sources = {}  # Source rows may be rolled back with a file: cache per file
        seen_keys, seen_hashes = set(self.seen_keys), set(self.seen_hashes)
        total = len(prepared.records)
        with transaction.atomic():
            if self.lock is not None:
                self.lock()
            existing = _Existing([r.draft for r in prepared.records if r.draft is not None])
            created: list[Article] = []
            updated: dict[int, Article] = {}
            for i, record in enumerate(prepared.records, 1):
                if record.draft is None:
                    outcome = "rejected"
                    report.rejected.append((record.number, record.reason))
                else:
                    outcome = self._decide(record, existing, seen_keys, seen_hashes, created, updated)
                report.counts[outcome] += 1
                report.stories.append((record.number, record.draft, outcome))
                if progress:
                    progress(i, total)
            self._write(created, updated)
            if dry_run:
                transaction.set_rollback(True)
        # A dry run carries what it saw too, so its counts match a real run's.
        self.seen_keys, self.seen_hashes = seen_keys, seen_hashes
        return report

    def _restore(self, path: str, records: list[RawRecord], *, dry_run: bool) -> FileReport:
        report = FileReport(path=str(path), format="archive")
        with transaction.atomic():
            if self.lock is not None:
                self.lock()
            counts, report.rejected = restore_records(records, batch=self.batch)
            if dry_run:
                transaction.set_rollback(True)
        report.counts.update(counts)
        return report

    def _decide(self, record: PreparedRecord, existing: _Existing, seen_keys: set[Key], seen_hashes: set[str],
                created: list[Article], updated: dict[int, Article]) -> str:
        """Return the outcome of one draft, queueing the article to create or update."""
        draft, values = record.draft, record.values
        assert draft is not None and values is not None  # rejected records are not decided
        key = identity_key(draft)
        if key in seen_keys:
            return "duplicate"
        seen_keys.add(key)
        article = existing.find(draft)
        if article is None:
            if not draft.is_empty and (draft.content_hash in seen_hashes or draft.content_hash in existing.hashes):
                return "duplicate"
            seen_hashes.add(draft.content_hash)
            article = Article(source=self._source(draft), batch=self.batch, **values)
            article._topics = record.topics
            created.append(article)
            existing.add(article)
            return "created"
        seen_hashes.add(article.content_hash)
        if article.record_hash == values["record_hash"]:
            return "unchanged"
        for name, value in values.items():
            setattr(article, name, value)
        article.source = self._source(draft)
        article.batch = self.batch
        article._topics = record.topics
        if article.pk is not None:
            updated[article.pk] = article
        return "updated"

    def _write(self, created: list[Article], updated: dict[int, Article]) -> None:
        """Insert and update the articles of a file in bulk, set their topics, queue their reindex."""
        now = timezone.now()
        for chunk in _chunks(created):
            bulk_create_with_history(chunk, Article, batch_size=BULK_SIZE)
        if updated:
            fields = [*article_values_fields(), "source", "batch", "updated_at"]
            for article in updated.values():
                article.updated_at = now
            for chunk in _chunks(updated.values()):
                bulk_update_with_history(chunk, Article, fields, batch_size=BULK_SIZE)
        self._tag_all(created, list(updated.values()))
        articles_changed([a.pk for a in created] + list(updated))

    def _tag_all(self, created: list[Article], updated: list[Article]) -> None:
        """Set automatic topics in bulk; pairs an editor set or removed by hand are left alone."""
        pairs = [ArticleTopic(article=a, topic_id=t) for a in created for t in set(a._topics)]
        for chunk in _chunks(updated):
            ids = [a.pk for a in chunk]
            excluded: dict[int, set[int]] = {}
            current: dict[int, dict[int, ArticleTopic]] = {}
            for article_id, topic_id in TopicExclusion.objects.filter(article_id__in=ids).values_list(
                    "article_id", "topic_id"):
                excluded.setdefault(article_id, set()).add(topic_id)
            for pair in ArticleTopic.objects.filter(article_id__in=ids):
                current.setdefault(pair.article_id, {})[pair.topic_id] = pair
            gone: list[int] = []
            for article in chunk:
                wanted = set(article._topics) - excluded.get(article.pk, set())
                have = current.get(article.pk, {})
                gone += [pair.pk for t, pair in have.items() if pair.origin == ArticleTopic.Origin.AUTO
                         and t not in wanted]
                pairs += [ArticleTopic(article=article, topic_id=t) for t in wanted if t not in have]
            if gone:
                ArticleTopic.objects.filter(pk__in=gone).delete()
        for chunk in _chunks(pairs):
            ArticleTopic.objects.bulk_create(chunk)

    def _source(self, draft: ArticleDraft) -> Source:
        source = self.sources.get(draft.source_name)
        if source is None:
            source, _ = Source.objects.get_or_create(name=draft.source_name, defaults={
                "kind": source_kind(draft), "biz": draft.source_biz,
                "region": source_region(draft.source_name)})
            if draft.source_biz and not source.biz:
                source.biz = draft.source_biz
                source.save(update_fields=["biz"])
            self.sources[draft.source_name] = source
        return source

    def _tag(self, article: Article) -> None:
        """Set the automatic topics; pairs an editor set or removed by hand are left alone."""
        wanted = set(match_topics(title=article.title, body=article.body, rules=self.rules))
        wanted -= set(TopicExclusion.objects.filter(article=article).values_list("topic_id", flat=True))
        current = {at.topic_id: at for at in ArticleTopic.objects.filter(article=article)}
        for topic_id, pair in current.items():
            if pair.origin == ArticleTopic.Origin.AUTO and topic_id not in wanted:
                pair.delete()
        ArticleTopic.objects.bulk_create([ArticleTopic(article=article, topic_id=t) for t in wanted
                                          if t not in current])


LIMITS: dict[str, tuple[Any, str]] = {  # draft attribute -> model field whose max_length bounds it
    "title": (Article, "title"), "url": (Article, "url"), "external_id": (Article, "external_id"),
    "original_outlet": (Article, "original_outlet"), "doc_number": (Article, "doc_number"),
    "source_name": (Source, "name"), "source_biz": (Source, "biz"),
}


def check_lengths(draft: ArticleDraft) -> None:
    """Reject a draft whose values would not fit their columns (PostgreSQL enforces them)."""
    for attr, (model, field_name) in LIMITS.items():
        limit = model._meta.get_field(field_name).max_length
        value = getattr(draft, attr) or ""
        if len(value) > limit:
            raise RecordRejected(f"{attr.replace('_', ' ')} is {len(value):,} characters; "
                                 f"the limit is {limit:,}")


def identity_key(draft: ArticleDraft) -> Key:
    """Return what makes a record the same article: URL, else external id, else title and date."""
    if draft.url:
        return ("url", draft.url)
    if draft.external_id:
        return ("aid", draft.source_name, draft.external_id)
    return ("title", draft.source_name, draft.title, draft.published.isoformat())


def article_values(draft: ArticleDraft) -> dict[str, Any]:
    """Return the Article field values for a draft, with the hash that detects changes."""
    values = {
        "title": draft.title,
        "body": draft.body,
        "url": draft.url,
        "external_id": draft.external_id,
        "published": draft.published,
        "original_outlet": draft.original_outlet,
        "kind": draft.kind,
        "doc_number": draft.doc_number,
        "cited_numbers": list(draft.cited_numbers),
        "regions": " ".join(draft.regions),
        "is_empty": draft.is_empty,
        "content_hash": draft.content_hash,
        "raw": without_nul(draft.raw),
        "issuing_bodies": list(draft.issuing_bodies),
        "deadline": draft.deadline,
    }
    fingerprint = json.dumps({**values, "published": draft.published.isoformat(),
                              "source": draft.source_name}, ensure_ascii=False, sort_keys=True,
                             default=str)
    values["record_hash"] = hashlib.sha256(fingerprint.encode()).hexdigest()
    return values


def article_values_fields() -> list[str]:
    """Return the Article fields article_values sets."""
    return ["title", "body", "url", "external_id", "published", "original_outlet", "kind", "doc_number",
            "cited_numbers", "regions", "is_empty", "content_hash", "raw", "issuing_bodies", "deadline",
            "record_hash"]


def without_nul(value: Any) -> Any:
    """Return value with NUL characters removed from its strings: PostgreSQL's JSON refuses them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def source_kind(draft: ArticleDraft) -> Choice:
    if draft.source_biz or "weixin.qq.com" in draft.url:
        return Source.Kind.WECHAT
    if draft.source_name.endswith("报"):
        return Source.Kind.NEWSPAPER
    return Source.Kind.WEBSITE
