"""The whole result set as CSV or JSON, streamed row by row and capped at EXPORT_LIMIT rows.

The result ids come from one search (discovery.service.result_ids); rows are
read in chunks as plain values, topics with one query per chunk, and the
verbatim record never: 50,000 rows stay well inside gunicorn's 30 s timeout.
"""
import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from django.urls import reverse

from archive.models import Article, ArticleTopic
from discovery.service import count_for, result_ids
from discovery.state import SearchState

EXPORT_LIMIT = 50_000
COLUMNS = ("id", "title", "source", "published", "kind", "doc_number", "issuing_bodies",
           "cited_numbers", "topics", "regions", "deadline", "original_outlet", "url", "permalink")
BODY_COLUMN = "body"  # added last with body=1 (discovery.state.ExportOptions)
LIST_SEPARATOR = "; "
ROWS_PER_CHUNK = 200
READ_CHUNK = 500  # rows read from the database at a time
_VALUES = ("pk", "title", "source__name", "published", "kind", "doc_number", "issuing_bodies", "cited_numbers",
           "regions", "deadline", "original_outlet", "url")
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_row(values: Mapping[str, Any], *, topics: list[str], permalink: str, body: bool = False) -> dict[str, Any]:
    """Return one article's export record from its database values: every metadata field and its permalink."""
    row = {
        "id": values["pk"],
        "title": values["title"],
        "source": values["source__name"],
        "published": values["published"].isoformat(),
        "kind": values["kind"],
        "doc_number": values["doc_number"],
        "issuing_bodies": list(values["issuing_bodies"] or []),
        "cited_numbers": list(values["cited_numbers"] or []),
        "topics": sorted(topics),
        "regions": values["regions"].split(),
        "deadline": values["deadline"].isoformat() if values["deadline"] else None,
        "original_outlet": values["original_outlet"],
        "url": values["url"],
        "permalink": permalink,
    }
    if body:
        row[BODY_COLUMN] = values["body"]
    return row


def iter_rows(state: SearchState, *, limit: int, base_url: str, body: bool = False,
              today: date | None = None) -> Iterator[dict[str, Any]]:
    """Yield the export records of the result set of state in result order, at most limit of them."""
    pks = result_ids(state, limit=limit, today=today)
    marker = 987654321
    link = base_url.rstrip("/") + reverse("discovery:article", args=[marker]).replace(str(marker), "{}")
    fields = _VALUES + (("body",) if body else ())
    for start in range(0, len(pks), READ_CHUNK):
        chunk = pks[start:start + READ_CHUNK]
        rows = {v["pk"]: v for v in Article.objects.filter(pk__in=chunk).order_by().values(*fields)}
        topics = {pk: [] for pk in chunk}
        for pk, name in ArticleTopic.objects.filter(article_id__in=chunk).values_list("article_id", "topic__name"):
            topics[pk].append(name)
        for pk in chunk:
            if pk in rows:  # deleted since it was indexed
                yield export_row(rows[pk], topics=topics[pk], permalink=link.format(pk), body=body)


def _cell(value: object) -> str:
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def truncation_note(count: int, limit: int) -> str:
    return f"# truncated: exported the first {limit} of {count} results; narrow the search for the rest"


def csv_chunks(state: SearchState, *, count: int, base_url: str, limit: int, body: bool = False,
               today: date | None = None) -> Iterator[str]:
    """Yield the CSV text: a BOM (Excel reads UTF-8 then), the header, rows, and a note if capped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = COLUMNS + ((BODY_COLUMN,) if body else ())
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    rows = iter_rows(state, limit=limit, base_url=base_url, body=body, today=today)
    for i, row in enumerate(rows, 1):
        writer.writerow([_cell(row[column]) for column in columns])
        if i % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if count > limit:
        writer.writerow([truncation_note(count, limit)])
    yield buffer.getvalue()


def json_chunks(state: SearchState, *, count: int, base_url: str, limit: int, body: bool = False,
                today: date | None = None) -> Iterator[str]:
    """Yield one JSON object: the totals, the query, then the results as they are read."""
    query = {}
    for key, value in state.params():
        query.setdefault(key, []).append(value)
    if body:
        query["body"] = ["1"]
    head = {"count": count, "limit": limit, "truncated": count > limit, "query": query}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    exported, pieces = 0, []
    for row in iter_rows(state, limit=limit, base_url=base_url, body=body, today=today):
        pieces.append(("," if exported else "") + "\n" + json.dumps(row, ensure_ascii=False))
        exported += 1
        if len(pieces) == ROWS_PER_CHUNK:  # fewer, larger writes to the socket
            yield "".join(pieces)
            pieces = []
    yield "".join(pieces)
    yield f'\n], "exported": {exported}}}\n'


def export(state: SearchState, *, fmt: str, base_url: str, limit: int | None = None, body: bool = False,
           today: date | None = None) -> tuple[int, Iterator[str]]:
    """Return (result count, chunks) of the export of state in fmt ("csv" or "json"); body adds the text."""
    limit = limit or EXPORT_LIMIT
    count = count_for(state, today=today)
    chunks = (csv_chunks if fmt == "csv" else json_chunks)(state, count=count, base_url=base_url,
                                                          limit=limit, body=body, today=today)
    return count, chunks
