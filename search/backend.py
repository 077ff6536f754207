"""Haystack's Whoosh backend, subclassed where it falls short for Chinese and for speed.

What changes against the stock backend:
- schema: jieba-analysed text fields that are not stored, unanalysed facet fields;
- search: our query syntax (one-character queries included), filters and
  facets over cached per-field document sets, one searcher reused until the
  index changes, browse-all without a query;
- writes: one writer at a time, waiting for the lock instead of failing.
Highlighting is done by search.snippets on the page's articles, not here.
"""
import threading
from datetime import date, datetime, time

from haystack.backends import whoosh_backend as stock
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.models import SearchResult
from haystack.utils import get_identifier
from whoosh import query as wq
from whoosh.fields import DATETIME, ID as WHOOSH_ID, KEYWORD, TEXT

from search import querysyntax
from search.analysis import ChineseAnalyzer

WRITE_LOCK_TIMEOUT = 60.0
_process_write_lock = threading.Lock()


class ChineseWhooshSearchBackend(stock.WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._searcher = None
        self._facet_cache = {}
        self._parser = None

    # -- schema ---------------------------------------------------------
    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            if field_class.field_type == "chinese":
                replacement = TEXT(analyzer=ChineseAnalyzer(), stored=False, phrase=True,
                                   field_boost=field_class.boost)
            elif field_class.field_type == "keyword" and field_class.is_multivalued:
                replacement = KEYWORD(stored=True, commas=True, scorable=False)
            elif field_class.field_type == "keyword":
                replacement = WHOOSH_ID(stored=True)
            elif field_class.field_type in ("date", "datetime"):
                replacement = DATETIME(stored=True, sortable=True)
            else:
                continue
            schema.remove(name)
            schema.add(name, replacement)
        return content_field_name, schema

    def setup(self):
        super().setup()
        self._parser = querysyntax.make_parser(self.schema)
        self._searcher = None
        self._facet_cache = {}

    # -- writes ---------------------------------------------------------
    def update(self, index, iterable, commit=True):
        self.update_and_remove(index, iterable, [])

    def remove(self, obj_or_string, commit=True):
        self.update_and_remove(None, [], [get_identifier(obj_or_string)])

    def update_and_remove(self, index, objs, remove_ids):
        """Index objs and delete remove_ids in one commit, waiting for the write lock."""
        if not self.setup_complete:
            self.setup()
        objs = list(objs)
        if not objs and not remove_ids:
            return
        with _process_write_lock:
            self.index = self.index.refresh()
            writer = self.index.writer(timeout=WRITE_LOCK_TIMEOUT)
            try:
                for obj in objs:
                    writer.update_document(**self._document(index, obj))
                for identifier in remove_ids:
                    writer.delete_by_term(ID, identifier)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def _document(self, index, obj):
        doc = index.full_prepare(obj)
        doc.pop("boost", None)
        return {key: self._from_python(value) for key, value in doc.items()}

    # -- reads ----------------------------------------------------------
    def searcher(self):
        """Return a searcher on the latest index, reusing the last one if nothing changed."""
        if not self.setup_complete:
            self.setup()
        if self._searcher is None:
            self.index = self.index.refresh()
            self._searcher = self.index.searcher()
        else:
            fresh = self._searcher.refresh()
            if fresh is not self._searcher:
                self._facet_cache = {}
            self._searcher = fresh
        return self._searcher

    def parse_query(self, query_string):
        if not self.setup_complete:
            self.setup()
        return querysyntax.parse(query_string, self.schema, self._parser)

    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, facets=None,
               result_class=None, term_filters=None, date_range=None, models=None, **kwargs):
        unsupported = sorted(k for k in ("narrow_queries", "date_facets", "query_facets", "within",
                                         "dwithin", "distance_point") if kwargs.get(k))
        if unsupported:
            raise NotImplementedError(f"{', '.join(unsupported)}: use term_filters/date_range")
        searcher = self.searcher()
        parsed = self.parse_query("" if query_string in ("*", "*:*") else query_string)
        base = self._docs(searcher, parsed.query)
        filters = {name: self._value_docs(searcher, name, values)
                   for name, values in (term_filters or {}).items() if values}
        if date_range and any(date_range):
            filters["published"] = self._date_docs(searcher, *date_range)
        matched = _intersect(base, filters.values())
        facet_counts = {}
        for name in facets or ():
            others = [docs for key, docs in filters.items() if key != name]
            facet_counts[name] = self._count(searcher, name, _intersect(base, others))
        results = self._page(searcher, parsed, matched, sort_by, start_offset, end_offset,
                             result_class or SearchResult)
        return {"results": results, "hits": len(matched),
                "facets": {"fields": facet_counts, "dates": {}, "queries": {}},
                "spelling_suggestion": None}

    def _docs(self, searcher, q):
        if isinstance(q, wq.Every):
            return set(searcher.reader().all_doc_ids())
        if q is wq.NullQuery:
            return set()
        return set(searcher.docs_for_query(q))

    def _field_values(self, searcher, name):
        """Return {value: frozenset(docnums)} for an unanalysed field, cached per index version."""
        cached = self._facet_cache.get(name)
        if cached is None:
            reader = searcher.reader()
            cached = {}
            if name in self.schema:
                for term in reader.lexicon(name):
                    value = term.decode("utf-8")
                    cached[value] = frozenset(reader.postings(name, term).all_ids())
            self._facet_cache[name] = cached
        return cached

    def _value_docs(self, searcher, name, values):
        table = self._field_values(searcher, name)
        docs = set()
        for value in values:
            docs |= table.get(value, frozenset())
        return docs

    def _date_docs(self, searcher, start, end):
        lo = datetime.combine(start, time.min) if isinstance(start, date) else None
        hi = datetime.combine(end, time.max) if isinstance(end, date) else None
        return self._docs(searcher, wq.DateRange("published", lo, hi))

    def _count(self, searcher, name, docs):
        counts = [(value, len(docs & members))
                  for value, members in self._field_values(searcher, name).items()]
        return sorted(((v, n) for v, n in counts if n), key=lambda item: (-item[1], item[0]))

    def _page(self, searcher, parsed, matched, sort_by, start_offset, end_offset, result_class):
        if not matched:
            return []
        end = end_offset if end_offset is not None else len(matched)
        if end <= start_offset:
            return []
        field, reverse = _sort_field(sort_by, parsed)
        q = wq.Every() if parsed.matches_all else parsed.query
        hits = searcher.search(q, filter=matched, limit=end, sortedby=field, reverse=reverse,
                               scored=field is None, terms=False)
        out = []
        for hit in hits[start_offset:end]:
            stored = hit.fields()
            app_label, model_name = stored[DJANGO_CT].split(".")
            extra = {k: self._to_python(v) for k, v in stored.items()
                     if k not in (ID, DJANGO_CT, DJANGO_ID)}
            out.append(result_class(app_label, model_name, stored[DJANGO_ID], hit.score or 0, **extra))
        return out


def _intersect(base, others):
    result = base
    for docs in sorted(others, key=len):
        result = result & docs
    return result


def _sort_field(sort_by, parsed):
    """Return (field or None for relevance, reverse) for haystack's order_by list."""
    if sort_by:
        key = sort_by[0]
        return key.lstrip("-"), key.startswith("-")
    if parsed.matches_all:
        return "published", True
    return None, False


class ChineseWhooshSearchQuery(stock.WhooshSearchQuery):
    """Carry exact-value filters and a date range to the backend as structured data."""

    def __init__(self, using="default"):
        super().__init__(using=using)
        self.term_filters = {}
        self.date_range = None

    def add_term_filter(self, field, values):
        self.term_filters[field] = tuple(values)

    def set_date_range(self, start, end):
        self.date_range = (start, end)

    def build_params(self, spelling_query=None):
        params = super().build_params(spelling_query=spelling_query)
        if self.term_filters:
            params["term_filters"] = dict(self.term_filters)
        if self.date_range:
            params["date_range"] = self.date_range
        return params

    def _clone(self, klass=None, using=None):
        clone = super()._clone(klass=klass, using=using)
        clone.term_filters = dict(self.term_filters)
        clone.date_range = self.date_range
        return clone


class ChineseWhooshEngine(stock.WhooshEngine):
    backend = ChineseWhooshSearchBackend
    query = ChineseWhooshSearchQuery
