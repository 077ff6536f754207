"""The archive's own export format (`export_archive`), written and read back by `import_articles`.

A backup of the editors' work, not only of the articles: JSON Lines, UTF-8,
one object per line, each carrying "archive_export": FORMAT_VERSION and a
"type". In file order:

    {"archive_export": 1, "type": "topic", "name": "人工智能", "slug": "ai",
     "description": "…", "rules": "人工智能\\n大模型"}
    {"archive_export": 1, "type": "source", "name": "上海科技", "kind": "wechat",
     "biz": "MzA3…", "region": "上海"}
    {"archive_export": 1, "type": "article", "id": 57,          # id in the exporting archive
     "source": "上海科技", "title": "…", "body": "段落\\n\\n段落", "url": "https://…",
     "external_id": "…", "published": "2026-01-20", "original_outlet": "", "kind": "通知",
     "doc_number": "沪科指南〔2026〕1号", "cited_numbers": ["…"], "issuing_bodies": ["…"],
     "deadline": "2026-12-31" | null, "regions": "上海 江苏", "is_empty": false,
     "content_hash": "…", "record_hash": "…",
     "status": "published" | "hidden" | "duplicate",
     "duplicate_of": 12 | null,                                 # an "id" of this export
     "topics": [{"name": "人工智能", "origin": "auto" | "editor"}],
     "topics_removed": ["集成电路"],                            # removed by an editor: never re-added
     "raw": {…}}                                                # the original record, verbatim

Articles are restored as they were exported (the editors' corrections
included; nothing is normalized again) and found again by URL, else external
id, else source, title and date, so reading an export twice changes nothing.
Merge links are resolved by "id" once the whole file is read.
"""
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from archive.index_port import articles_changed
from archive.models import Article, ArticleTopic, ImportBatch, Source, Topic, TopicExclusion

if TYPE_CHECKING:
    from archive.ingest.pages import RawRecord

FORMAT_VERSION = 1
MARKER = "archive_export"
ARTICLE_FIELDS = ("title", "body", "url", "external_id", "original_outlet", "kind", "doc_number",
                  "cited_numbers", "issuing_bodies", "regions", "is_empty", "content_hash", "record_hash",
                  "status", "raw")
CHUNK = 500


class ExportRecordError(ValueError):
    """A line of an export that cannot be restored (its reason is reported for that record)."""


def is_export_record(value: Any) -> bool:
    """Return whether a parsed JSON value is a line of this format."""
    return isinstance(value, dict) and MARKER in value


# -- writing ---------------------------------------------------------------

def export_records(articles: QuerySet | None = None) -> Iterator[dict]:
    """Yield the records of the whole archive (or of the articles queryset): topics, sources, articles."""
    for topic in Topic.objects.order_by("pk"):
        yield {MARKER: FORMAT_VERSION, "type": "topic", "name": topic.name, "slug": topic.slug,
               "description": topic.description, "rules": topic.rules}
    for source in Source.objects.order_by("pk"):
        yield {MARKER: FORMAT_VERSION, "type": "source", "name": source.name, "kind": source.kind,
               "biz": source.biz, "region": source.region}
    queryset = articles if articles is not None else Article.objects.all()
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = (Article.objects.filter(pk__in=ids[start:start + CHUNK]).order_by("pk").select_related("source")
                 .prefetch_related(Prefetch("articletopic_set", queryset=ArticleTopic.objects
                                            .select_related("topic").order_by("topic__name")),
                                   Prefetch("topic_exclusions", queryset=TopicExclusion.objects
                                            .select_related("topic").order_by("topic__name"))))
        yield from (article_record(article) for article in chunk)


def article_record(article: Article) -> dict:
    """Return the export object of one article (its topics and exclusions prefetched or not)."""
    record = {MARKER: FORMAT_VERSION, "type": "article", "id": article.pk, "source": article.source.name,
              **{name: getattr(article, name) for name in ARTICLE_FIELDS},
              "published": article.published.isoformat(),
              "deadline": article.deadline.isoformat() if article.deadline else None,
              "duplicate_of": article.duplicate_of_id,
              "topics": [{"name": pair.topic.name, "origin": pair.origin} for pair in article.articletopic_set.all()],
              "topics_removed": [ex.topic.name for ex in article.topic_exclusions.all()]}
    return record


def to_line(record: dict) -> str:
    """Return one record as a line of the file."""
    return json.dumps(record, ensure_ascii=False) + "\n"


# -- reading ---------------------------------------------------------------

class Restorer:
    """Restore the records of one export file; call restore() per record, then finish()."""

    def __init__(self, *, batch: ImportBatch | None = None) -> None:
        self.batch = batch
        self.exported: dict[int, int] = {}   # exported id -> restored pk
        self.links: list[tuple[int | None, int, int]] = []  # (record number, restored pk, exported id kept)
        self.changed: list[int] = []
        self.topics = {t.name: t for t in Topic.objects.all()}
        self.sources: dict[str, Source] = {}
        self.number: int | None = None   # the record being restored, for the messages of finish()

    def restore(self, value: dict, *, number: int | None = None) -> str | None:
        """Restore one record; return the outcome of an article ("created", "updated", "unchanged"), else None."""
        self.number = number
        if value.get(MARKER) != FORMAT_VERSION:
            raise ExportRecordError(f"unsupported {MARKER} version {value.get(MARKER)!r}")
        kind = value.get("type")
        handler = {"topic": self._topic, "source": self._source_line, "article": self._article}.get(str(kind))
        if handler is None:
            raise ExportRecordError(f"unknown record type {kind!r}")
        try:
            return handler(value)
        except ExportRecordError:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise ExportRecordError(f"bad {kind} record: {error!r}") from None

    def finish(self) -> list:
        """Link duplicates to their kept articles; return [(record number, reason)] for links not found."""
        missing = []
        for number, pk, kept in self.links:
            target = self.exported.get(kept)
            if target is None:
                missing.append((number, f"duplicate_of {kept} is not in the export; left unlinked"))
            elif Article.objects.filter(pk=pk).exclude(duplicate_of_id=target).update(duplicate_of_id=target):
                self.changed.append(pk)
        articles_changed(self.changed)
        return missing

    def _topic(self, value: dict[str, Any]) -> None:
        topic, _ = Topic.objects.get_or_create(name=value["name"], defaults={
            "slug": value["slug"], "description": value.get("description", ""), "rules": value.get("rules", "")})
        self.topics[topic.name] = topic
        return None  # only articles are counted

    def _source_line(self, value: dict[str, Any]) -> None:
        fields = {"kind": value["kind"], "biz": value.get("biz", ""), "region": value["region"]}
        source, _ = Source.objects.get_or_create(name=value["name"], defaults=fields)
        self.sources[source.name] = source
        return None

    def _source(self, name: str) -> Source:
        if name not in self.sources:
            self.sources[name], _ = Source.objects.get_or_create(name=name)
        return self.sources[name]

    def _article(self, value: dict[str, Any]) -> str:
        values = {name: value[name] for name in ARTICLE_FIELDS}
        if values["status"] not in Article.Status.values:
            raise ExportRecordError(f"unknown status {values['status']!r}")
        values["published"] = datetime.date.fromisoformat(value["published"])
        values["deadline"] = datetime.date.fromisoformat(value["deadline"]) if value.get("deadline") else None
        self._wanted(value)  # every topic known before anything is written
        source = self._source(value["source"])
        article = _find(source, values)
        outcome = "created"
        if article is None:
            article = Article.objects.create(source=source, batch=self.batch, **values)
        elif _differs(article, source, values) or not self._same_topics(article, value):
            for name, field_value in values.items():
                setattr(article, name, field_value)
            article.source, article.batch, outcome = source, self.batch, "updated"
            article.save()
        else:
            outcome = "unchanged"
        if outcome != "unchanged":
            self._set_topics(article, value)
            self.changed.append(article.pk)
        self.exported[value["id"]] = article.pk
        if value.get("duplicate_of") is not None:
            self.links.append((self.number, article.pk, value["duplicate_of"]))
        return outcome

    def _wanted(self, value: dict[str, Any]) -> tuple[dict[int, str], set[int]]:
        topics = {self._topic_named(t["name"]).pk: t["origin"] for t in value.get("topics", [])}
        removed = {self._topic_named(name).pk for name in value.get("topics_removed", [])}
        return topics, removed

    def _topic_named(self, name: str) -> Topic:
        if name not in self.topics:
            raise ExportRecordError(f"topic {name!r} is neither in the archive nor in the export")
        return self.topics[name]

    def _same_topics(self, article: Article, value: dict[str, Any]) -> bool:
        topics, removed = self._wanted(value)
        return (dict(ArticleTopic.objects.filter(article=article).values_list("topic_id", "origin")) == topics
                and set(TopicExclusion.objects.filter(article=article).values_list("topic_id", flat=True))
                == removed)

    def _set_topics(self, article: Article, value: dict[str, Any]) -> None:
        topics, removed = self._wanted(value)
        ArticleTopic.objects.filter(article=article).delete()
        TopicExclusion.objects.filter(article=article).delete()
        ArticleTopic.objects.bulk_create([ArticleTopic(article=article, topic_id=pk, origin=origin)
                                          for pk, origin in topics.items()])
        TopicExclusion.objects.bulk_create([TopicExclusion(article=article, topic_id=pk) for pk in removed])


def _find(source: Source, values: dict[str, Any]) -> Article | None:
    """Return the stored article the record is (URL, else external id, else title and date), or None."""
    articles = Article.objects.order_by("pk")
    if values["url"]:
        return articles.filter(url=values["url"]).first()
    if values["external_id"]:
        return articles.filter(source=source, external_id=values["external_id"]).first()
    return articles.filter(source=source, title=values["title"], published=values["published"],
                           url="", external_id="").first()


def _differs(article: Article, source: Source, values: dict[str, Any]) -> bool:
    return article.source_id != source.pk or any(getattr(article, k) != v for k, v in values.items())


def restore_records(records: Iterable["RawRecord"], *, batch: ImportBatch | None = None,
                    ) -> tuple[dict[str, int], list[tuple[int | None, str]]]:
    """Restore raw records ((number, value, error)) of one export file; return (counts, rejected).

    To be called inside the file's transaction, as ImportRun.import_file does.
    """
    restorer = Restorer(batch=batch)
    counts: dict[str, int] = {}
    rejected: list[tuple[int | None, str]] = []
    for record in records:
        try:
            if record.error:
                raise ExportRecordError(record.error)
            outcome = restorer.restore(record.value, number=record.number)  # type: ignore[arg-type]  # checked by the reader
        except ExportRecordError as error:
            outcome = "rejected"
            rejected.append((record.number, str(error)))
        if outcome is not None:
            counts[outcome] = counts.get(outcome, 0) + 1
    for number, reason in restorer.finish():
        rejected.append((number, reason))
    return counts, rejected
