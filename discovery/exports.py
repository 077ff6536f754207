"""The whole result set as CSV or JSON, streamed row by row and capped at EXPORT_LIMIT rows."""
import csv
import io
import json

from django.urls import reverse

from discovery.service import count_for, iter_articles

EXPORT_LIMIT = 50_000
COLUMNS = ("id", "title", "source", "published", "kind", "doc_number", "issuing_bodies",
           "cited_numbers", "topics", "regions", "deadline", "original_outlet", "url", "permalink")
LIST_SEPARATOR = "; "
ROWS_PER_CHUNK = 200
# Spreadsheet programs run a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_row(article, *, base_url):
    """Return one article's export record: every metadata field and its absolute permalink."""
    return {
        "id": article.pk,
        "title": article.title,
        "source": article.source.name,
        "published": article.published.isoformat(),
        "kind": article.kind,
        "doc_number": article.doc_number,
        "issuing_bodies": list(article.issuing_bodies or []),
        "cited_numbers": list(article.cited_numbers or []),
        "topics": sorted(t.name for t in article.topics.all()),
        "regions": article.region_list,
        "deadline": article.deadline.isoformat() if article.deadline else None,
        "original_outlet": article.original_outlet,
        "url": article.url,
        "permalink": base_url.rstrip("/") + reverse("discovery:article", args=[article.pk]),
    }


def _cell(value):
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def truncation_note(count, limit):
    return f"# truncated: exported the first {limit} of {count} results; narrow the search for the rest"


def csv_chunks(state, *, count, base_url, limit, today=None):
    """Yield the CSV text: a BOM (Excel reads UTF-8 then), the header, rows, and a note if capped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for i, article in enumerate(iter_articles(state, limit=limit, today=today), 1):
        row = export_row(article, base_url=base_url)
        writer.writerow([_cell(row[column]) for column in COLUMNS])
        if i % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if count > limit:
        writer.writerow([truncation_note(count, limit)])
    yield buffer.getvalue()


def json_chunks(state, *, count, base_url, limit, today=None):
    """Yield one JSON object: the totals, the query, then the results as they are read."""
    query = {}
    for key, value in state.params():
        query.setdefault(key, []).append(value)
    head = {"count": count, "limit": limit, "truncated": count > limit, "query": query}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    exported = 0
    for article in iter_articles(state, limit=limit, today=today):
        yield ("," if exported else "") + "\n" + json.dumps(export_row(article, base_url=base_url),
                                                             ensure_ascii=False)
        exported += 1
    yield f'\n], "exported": {exported}}}\n'


def export(state, *, fmt, base_url, limit=None, today=None):
    """Return (result count, chunks) of the export of state in fmt ("csv" or "json")."""
    limit = limit or EXPORT_LIMIT
    count = count_for(state, today=today)
    chunks = (csv_chunks if fmt == "csv" else json_chunks)(state, count=count, base_url=base_url,
                                                          limit=limit, today=today)
    return count, chunks
