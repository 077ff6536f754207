"""The SQLite FTS5 baseline of bench/run.py: the same jieba terms, query + facets in SQL.

An archive built by bench/run.py is copied into one SQLite file:

- `fts(title, body, subs)`: an FTS5 table whose columns hold the archive's own
  terms (`search.analysis.tokenize`, index mode) joined by spaces, so FTS5's
  `unicode61` tokenizer sees the archive's words, not its own. `title` and
  `body` hold one word per position, in order, so that a quoted phrase is an
  FTS5 phrase; `subs` holds the dictionary words inside longer words (the
  sub-words the archive's index keeps at their word's position), so that
  `智能` finds `人工智能` as it does in the archive.
- `docs(id, source, kind, published, month)`, `doc_topics`, `doc_regions`:
  the facet values, indexed.

A query runs as the archive's does: the hits into a temporary table once
(MATCH with the filters), then the count, the first page (bm25 with the title
weighted 5, or newest first) and the five facets (source, topics, regions,
kind, month) as GROUP BY over that table.

The translation covers the query syntax the benchmark uses: words (each
searched as the terms `search.analysis.query_terms` gives, all required),
quoted phrases, `-word`, `A OR B` and `title:word`. A one-character word is an
FTS5 prefix query over the words (`芯*`), which finds words starting with it,
not the words holding it that the archive widens to. A word that is a member
of one of the editors' synonym groups is OR'ed with the other members, as the
archive does (the archive also widens runs inside a word). Hit counts are
reported beside the archive's so that the differences show.
"""
from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from multiprocessing import Pool
from pathlib import Path

SCHEMA = """
CREATE VIRTUAL TABLE fts USING fts5(title, body, subs, tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE docs(id INTEGER PRIMARY KEY, source TEXT, kind TEXT, published TEXT, month TEXT);
CREATE TABLE doc_topics(doc INTEGER, topic TEXT);
CREATE TABLE doc_regions(doc INTEGER, region TEXT);
"""
INDEXES = """
CREATE INDEX docs_source ON docs(source, published);
CREATE INDEX docs_published ON docs(published);
CREATE INDEX doc_topics_doc ON doc_topics(doc);
CREATE INDEX doc_regions_doc ON doc_regions(doc);
"""
FACET_SQL = {
    "source": "SELECT d.source, count(*) FROM hits h JOIN docs d ON d.id = h.id GROUP BY 1 ORDER BY 2 DESC",
    "kind": "SELECT d.kind, count(*) FROM hits h JOIN docs d ON d.id = h.id GROUP BY 1 ORDER BY 2 DESC",
    "month": "SELECT d.month, count(*) FROM hits h JOIN docs d ON d.id = h.id GROUP BY 1 ORDER BY 1",
    "topics": "SELECT t.topic, count(*) FROM hits h JOIN doc_topics t ON t.doc = h.id GROUP BY 1 ORDER BY 2 DESC",
    "regions": "SELECT r.region, count(*) FROM hits h JOIN doc_regions r ON r.doc = h.id GROUP BY 1 ORDER BY 2 DESC",
}


def _words_and_subs(text: str) -> tuple[str, str]:
    """Return (the words of text in order, the sub-words inside them), each joined by spaces."""
    from search.analysis import tokenize

    words: list[str] = []
    subs: list[str] = []
    last_position = -1
    pending: list[str] = []
    for term, position, _, _ in tokenize(text):
        if position != last_position and pending:
            words.append(pending[-1])
            subs.extend(pending[:-1])
            pending = []
        last_position = position
        pending.append(term)
    if pending:
        words.append(pending[-1])
        subs.extend(pending[:-1])
    return " ".join(words), " ".join(subs)


def _document(row: tuple) -> tuple:
    pk, title, body, source, outlet, doc_number = row
    title_words, title_subs = _words_and_subs(title)
    body_words, body_subs = _words_and_subs("\n".join(filter(None, (source, outlet, doc_number, body))))
    return pk, title_words, body_words, f"{title_subs} {body_subs}".strip()


def build(path: Path, *, processes: int = 2) -> dict[str, float]:
    """Write the FTS5 copy of the configured archive's searchable articles to path; return its figures."""
    from archive.models import Article, ArticleTopic

    path.unlink(missing_ok=True)
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    articles = Article.objects.searchable().with_body()
    rows = articles.values_list("pk", "title", "body", "source__name", "original_outlet", "doc_number")
    facets = articles.values_list("pk", "source__name", "kind", "published", "regions")
    with conn:
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                         ((pk, source, kind, day.isoformat(), day.isoformat()[:7])
                          for pk, source, kind, day, _ in facets.iterator(chunk_size=2000)))
        conn.executemany("INSERT INTO doc_regions VALUES (?, ?)",
                         ((pk, region) for pk, _, _, _, regions in facets.iterator(chunk_size=2000)
                          for region in regions.split()))
        conn.executemany("INSERT INTO doc_topics VALUES (?, ?)",
                         ArticleTopic.objects.filter(article__in=articles)
                         .values_list("article_id", "topic__name").iterator(chunk_size=5000))
        with Pool(processes) as pool:
            documents = pool.imap(_document, rows.iterator(chunk_size=1000), chunksize=64)
            conn.executemany("INSERT INTO fts(rowid, title, body, subs) VALUES (?, ?, ?, ?)", documents)
        conn.executescript(INDEXES)
        conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    count = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
    conn.close()
    seconds = time.perf_counter() - start
    return {"articles": count, "seconds": round(seconds, 1), "per_second": round(count / seconds, 1),
            "mb": round(path.stat().st_size / 2**20, 1)}


_PART = re.compile(r'-?(?:title:)?"[^"]*"|\S+')


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _word(word: str, synonyms: Mapping[tuple, tuple]) -> str | None:
    """Return the FTS5 expression of one word of the query, or None when it has no terms."""
    from search.analysis import query_terms

    if word.startswith('"'):
        terms = query_terms(word.strip('"'))
        return "{title body} : " + _quoted(" ".join(terms)) if terms else None
    if word.lower().startswith("title:"):
        inner = _word(word[len("title:"):], {})
        return f"title : ({inner.removeprefix('{title body} : ')})" if inner else None
    terms = tuple(query_terms(word))
    if not terms:
        return None
    if len(terms) == 1 and len(terms[0]) == 1:
        return _quoted(terms[0]) + "*"
    expression = " AND ".join(_quoted(t) for t in terms)
    if terms in synonyms:  # the whole word is a member of a synonym group: OR its other members
        others = [_quoted(" ".join(t)) for _, t in synonyms[terms][1]]
        expression = " OR ".join([f"({expression})", *others])
    return expression


def translate(q: str, synonyms: Mapping[tuple, tuple] | None = None) -> str:
    """Return the FTS5 MATCH expression for an archive query of the benchmark's syntax."""
    required: list[str] = []
    excluded: list[str] = []
    alternatives: list[list[str]] = []
    parts = _PART.findall(q)
    i = 0
    while i < len(parts):
        part = parts[i]
        negative = part.startswith("-") and len(part) > 1
        expression = _word(part[1:] if negative else part, {} if negative else synonyms or {})
        i += 1
        if expression is None:
            continue
        if negative:
            excluded.append(expression)
            continue
        group = [expression]
        while i + 1 < len(parts) and parts[i] == "OR":
            alternative = _word(parts[i + 1], synonyms or {})
            if alternative:
                group.append(alternative)
            i += 2
        alternatives.append(group)
    for group in alternatives:
        required.append("(" + " OR ".join(f"({g})" for g in group) + ")")
    expression = " AND ".join(required)
    for ex in excluded:
        expression = f"({expression}) NOT ({ex})"
    return expression


@dataclass(frozen=True)
class Variant:
    """One way of asking a query: plain, or with a source filter, or newest first from a date."""

    name: str
    source: str = ""
    date_from: date | None = None
    newest: bool = False


def search(conn: sqlite3.Connection, q: str, variant: Variant,
           synonyms: Mapping[tuple, tuple] | None = None) -> tuple[int, list[int], dict[str, list]]:
    """Return (count, ids of the first 20, facets) for q: one MATCH into a temp table, then SQL.

    synonyms: the archive's synonym table (`SynonymTable.members`), applied to whole words.
    """
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS hits(id INTEGER PRIMARY KEY, score REAL)")
    conn.execute("DELETE FROM hits")
    where, params = ["fts MATCH ?"], [translate(q, synonyms)]
    if variant.source:
        where.append("d.source = ?")
        params.append(variant.source)
    if variant.date_from:
        where.append("d.published >= ?")
        params.append(variant.date_from.isoformat())
    conn.execute("INSERT INTO hits SELECT f.rowid, bm25(fts, 5.0, 1.0, 1.0) FROM fts f "
                 "JOIN docs d ON d.id = f.rowid WHERE " + " AND ".join(where), params)
    count = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
    order = ("SELECT h.id FROM hits h JOIN docs d ON d.id = h.id ORDER BY d.published DESC, h.id DESC LIMIT 20"
             if variant.newest else "SELECT id FROM hits ORDER BY score, id DESC LIMIT 20")
    page = [row[0] for row in conn.execute(order)]
    facets = {name: conn.execute(sql).fetchall() for name, sql in FACET_SQL.items()}
    return count, page, facets


def connect(path: Path) -> sqlite3.Connection:
    """Open the FTS5 copy read-only."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
