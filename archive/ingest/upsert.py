"""Write article drafts to the database: idempotent, one transaction per file."""
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from archive.ingest.archive_export import restore_records
from archive.ingest.drafts import draft_from_record
from archive.ingest.errors import RecordRejected
from archive.ingest.extract import source_region
from archive.ingest.readers import read_records
from archive.models import Article, ArticleTopic, Source, Topic, TopicExclusion
from archive.tagging import match_topics

OUTCOMES = ("created", "updated", "unchanged", "duplicate", "rejected")


@dataclass
class FileReport:
    path: str
    format: str = ""
    counts: Counter = field(default_factory=Counter)
    rejected: list = field(default_factory=list)  # (record number, reason)

    def line(self):
        return f"{self.path}: " + ", ".join(f"{name} {self.counts[name]}" for name in OUTCOMES)


class ImportRun:
    """State shared by the files of one import: topic rules and what was seen already."""

    def __init__(self, *, batch=None, today=None):
        self.batch = batch
        self.today = today or timezone.localdate()
        self.seen_keys = set()
        self.seen_hashes = set()
        self.sources = {}
        self.rules = {t.pk: t.keywords for t in Topic.objects.all()}

    def import_file(self, path, *, year=None, source=None, dry_run=False, progress=None):
        """Import one file in one transaction and return its FileReport.

        Raises FileRejected when the file cannot be read; nothing is written then.
        """
        fmt, records = read_records(path, year=year, source=source)
        if fmt == "archive":  # written by export_archive: restored as exported, not normalized again
            return self._restore(path, records, dry_run=dry_run)
        report = FileReport(path=str(path), format=fmt)
        self.sources = {}  # Source rows may be rolled back with a file: cache per file
        seen_keys, seen_hashes = set(self.seen_keys), set(self.seen_hashes)
        with transaction.atomic():
            for i, record in enumerate(records, 1):
                try:
                    if record.error:
                        raise RecordRejected(record.error)
                    draft = draft_from_record(record.value, year=year, source=source, today=self.today)
                    check_lengths(draft)
                except RecordRejected as exc:
                    report.counts["rejected"] += 1
                    report.rejected.append((record.number, str(exc)))
                else:
                    report.counts[self._upsert(draft, seen_keys, seen_hashes)] += 1
                if progress:
                    progress(i, len(records))
            if dry_run:
                transaction.set_rollback(True)
        # A dry run carries what it saw too, so its counts match a real run's.
        self.seen_keys, self.seen_hashes = seen_keys, seen_hashes
        return report

    def _restore(self, path, records, *, dry_run):
        report = FileReport(path=str(path), format="archive")
        with transaction.atomic():
            counts, report.rejected = restore_records(records, batch=self.batch)
            if dry_run:
                transaction.set_rollback(True)
        report.counts.update(counts)
        return report

    def _upsert(self, draft, seen_keys, seen_hashes):
        key = identity_key(draft)
        if key in seen_keys:
            return "duplicate"
        seen_keys.add(key)
        existing = find_existing(draft)
        values = article_values(draft)
        if existing is None:
            if not draft.is_empty and (draft.content_hash in seen_hashes or Article.objects.filter(
                    content_hash=draft.content_hash, is_empty=False).exists()):
                return "duplicate"
            seen_hashes.add(draft.content_hash)
            article = Article.objects.create(source=self._source(draft), batch=self.batch, **values)
            self._tag(article)
            return "created"
        seen_hashes.add(existing.content_hash)
        if existing.record_hash == values["record_hash"]:
            return "unchanged"
        for name, value in values.items():
            setattr(existing, name, value)
        existing.source = self._source(draft)
        existing.batch = self.batch
        existing.save()
        self._tag(existing)
        return "updated"

    def _source(self, draft):
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

    def _tag(self, article):
        """Set the automatic topics; pairs an editor set or removed by hand are left alone."""
        wanted = set(match_topics(title=article.title, body=article.body, rules=self.rules))
        wanted -= set(TopicExclusion.objects.filter(article=article).values_list("topic_id", flat=True))
        current = {at.topic_id: at for at in ArticleTopic.objects.filter(article=article)}
        for topic_id, pair in current.items():
            if pair.origin == ArticleTopic.Origin.AUTO and topic_id not in wanted:
                pair.delete()
        ArticleTopic.objects.bulk_create([ArticleTopic(article=article, topic_id=t) for t in wanted
                                          if t not in current])


LIMITS = {  # draft attribute -> model field whose max_length bounds it
    "title": (Article, "title"), "url": (Article, "url"), "external_id": (Article, "external_id"),
    "original_outlet": (Article, "original_outlet"), "doc_number": (Article, "doc_number"),
    "source_name": (Source, "name"), "source_biz": (Source, "biz"),
}


def check_lengths(draft):
    """Reject a draft whose values would not fit their columns (PostgreSQL enforces them)."""
    for attr, (model, field_name) in LIMITS.items():
        limit = model._meta.get_field(field_name).max_length
        value = getattr(draft, attr) or ""
        if len(value) > limit:
            raise RecordRejected(f"{attr.replace('_', ' ')} is {len(value):,} characters; "
                                 f"the limit is {limit:,}")


def identity_key(draft):
    """Return what makes a record the same article: URL, else external id, else title and date."""
    if draft.url:
        return ("url", draft.url)
    if draft.external_id:
        return ("aid", draft.source_name, draft.external_id)
    return ("title", draft.source_name, draft.title, draft.published.isoformat())


def find_existing(draft):
    kind, *rest = identity_key(draft)
    if kind == "url":
        return Article.objects.filter(url=rest[0]).order_by("pk").first()
    if kind == "aid":
        return Article.objects.filter(source__name=rest[0], external_id=rest[1]).order_by("pk").first()
    return Article.objects.filter(source__name=rest[0], title=rest[1], published=draft.published,
                                  url="", external_id="").order_by("pk").first()


def article_values(draft):
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


def without_nul(value):
    """Return value with NUL characters removed from its strings: PostgreSQL's JSON refuses them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def source_kind(draft):
    if draft.source_biz or "weixin.qq.com" in draft.url:
        return Source.Kind.WECHAT
    if draft.source_name.endswith("报"):
        return Source.Kind.NEWSPAPER
    return Source.Kind.WEBSITE
