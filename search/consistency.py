"""Compare the search index with the database, and repair the difference without a rebuild.

Three kinds of difference:
- missing: searchable articles with no document in the index;
- stale: documents for articles that are gone or no longer searchable
  (deleted, hidden, merged as duplicates, emptied);
- outdated: documents whose stored fields (source, kind, topics, dates ...)
  no longer match what the index would write for the article now, as after
  a crash between commit and index write, or an index written by an older
  version of the index definition.

Text fields are not stored, so a changed title shows only through a stored
field that changes with it. Only the archive's backend contract is used, so
every engine can be checked.
"""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, UTC

from typing import Any

from haystack import connections

from search.backends.base import ArchiveSearchBackend
from search.indexing import article_index, reindex_articles

CHUNK = 2000
_ABSENT = object()  # a stored field a document lacks (written by an older index definition)


@dataclass
class Report:
    indexed: int = 0
    expected: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    outdated: dict[int, list[str]] = field(default_factory=dict)  # article id -> names of the differing fields
    fields: list[str] = field(default_factory=list)    # the stored fields compared

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.outdated)

    @property
    def ids(self) -> list[int]:
        """Return every article id whose document must be rewritten or removed."""
        return sorted(set(self.missing) | set(self.stale) | set(self.outdated))


def compared_fields(index: Any, backend: ArchiveSearchBackend) -> list[str]:
    """Return the index field names the backend stores (and so can be compared)."""
    stored = set(backend.stored_field_names())
    return sorted(f.index_fieldname for f in index.fields.values()
                  if f.stored and not f.document and f.index_fieldname in stored)


def normal(index_field: Any, value: object) -> str | tuple[str, ...]:
    """Return a value as written or as read back, in one comparable form."""
    if index_field is not None and index_field.is_multivalued:
        items: list[Any]
        if value is None:
            items = []
        elif isinstance(value, str):
            items = value.split(",")  # stored joined with commas
        elif isinstance(value, (list, tuple, set)):
            items = list(value)
        else:
            items = [value]
        return tuple(sorted(str(item) for item in items if str(item) != ""))
    if isinstance(value, datetime):
        if index_field is not None and index_field.field_type == "date":
            return value.date().isoformat()
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fields_by_name(index: Any) -> dict[str, Any]:
    return {f.index_fieldname: f for f in index.fields.values()}


def indexed_documents(backend: Any, names: list[str], index_fields: dict[str, Any], *,
                      model_label: str = "archive.article") -> dict[int, dict[str, object]]:
    """Return {article id: {field: normal value}} for every document of the index."""
    docs = {}
    start = 0
    while True:
        found = backend.search("*:*", start_offset=start, end_offset=start + CHUNK)
        results = found.get("results", [])
        for result in results:
            if f"{result.app_label}.{result.model_name}" != model_label:
                continue
            stored = result.get_additional_fields()
            docs[int(result.pk)] = {name: normal(index_fields.get(name), stored[name]) if name in stored
                                    else _ABSENT for name in names}
        start += CHUNK
        if not results or start >= found.get("hits", 0):
            return docs


def expected_documents(index: Any, names: list[str], index_fields: dict[str, Any],
                       ids: Iterable[int] | None = None) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (article id, {field: normal value}) for the searchable articles (optionally among ids)."""
    queryset = index.index_queryset()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    for obj in queryset.iterator(chunk_size=CHUNK):
        prepared = index.full_prepare(obj)
        yield obj.pk, {name: normal(index_fields.get(name), prepared.get(name)) for name in names}


def compare(*, using: str = "default") -> Report:
    """Return a Report of the differences between the index and the database."""
    backend = connections[using].get_backend()
    index = article_index()
    index_fields = _fields_by_name(index)
    names = compared_fields(index, backend)
    docs = indexed_documents(backend, names, index_fields)
    report = Report(indexed=len(docs), fields=names)
    for pk, expected in expected_documents(index, names, index_fields):
        report.expected += 1
        stored = docs.pop(pk, None)
        if stored is None:
            report.missing.append(pk)
            continue
        differing = sorted(name for name in names if stored[name] != expected[name])
        if differing:
            report.outdated[pk] = differing
    report.stale = sorted(docs)
    return report


def repair(report: Report) -> int:
    """Rewrite or remove the documents report found different; return how many."""
    ids = report.ids
    if ids:
        reindex_articles(ids)
    return len(ids)
