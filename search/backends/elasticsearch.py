"""Haystack's Elasticsearch 7 backend with the archive's jieba tokens, filters and facets.

For more than one search host: ELASTICSEARCH_URL selects this engine (see
config/settings.py). What it keeps from the Whoosh backend:
- the same tokens: Chinese text fields are segmented by search.analysis
  (index mode) before they are sent, and mapped with Elasticsearch's
  whitespace analyzer, so Elasticsearch sees exactly the terms Whoosh indexes;
- the same query syntax: search.querysyntax parses what researchers type and
  the tree is translated into Elasticsearch's query DSL, term for term, with
  the same field boosts (BM25 on both sides);
- the same filters and facets: exact-value filters and the date range go to
  `post_filter`; each facet is counted under every filter but its own.

Not exercised against a server here (none can be installed on this machine):
the tests check the mapping, the documents and the request bodies this
module builds.
"""

from haystack.backends import elasticsearch7_backend as es7
from whoosh import query as wq

from search import querysyntax
from search.analysis import ChineseAnalyzer, tokenize
from search.query_filters import StructuredFilters, date_range_bounds

FACET_SIZE = 10_000
MATCH_NONE = {"bool": {"must_not": [{"match_all": {}}]}}


def tokenized(text):
    """Return text as the space-separated index-mode terms Whoosh would index."""
    return " ".join(term for term, _, _, _ in tokenize(text or "", mode="index"))


def query_dsl(q):
    """Translate a search.querysyntax query tree into Elasticsearch's query DSL."""
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return MATCH_NONE
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        return {"term": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.Phrase):
        return {"match_phrase": {q.fieldname: {"query": " ".join(map(_text, q.words)), "boost": boost}}}
    if isinstance(q, wq.Wildcard):
        return {"wildcard": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.Prefix):
        return {"prefix": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.AndNot):
        return {"bool": {"must": [query_dsl(q.a)], "must_not": [query_dsl(q.b)]}}
    if isinstance(q, wq.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [query_dsl(q.query)]}}
    if isinstance(q, wq.And):
        return {"bool": {"must": [query_dsl(s) for s in q.subqueries]}}
    if isinstance(q, wq.Or):
        return {"bool": {"should": [query_dsl(s) for s in q.subqueries], "minimum_should_match": 1}}
    raise ValueError(f"no Elasticsearch translation for {type(q).__name__}")


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


class ChineseElasticsearchSearchBackend(es7.Elasticsearch7SearchBackend):
    FIELD_MAPPINGS = {
        **es7.Elasticsearch7SearchBackend.FIELD_MAPPINGS,
        "chinese": {"type": "text", "analyzer": "whitespace"},  # terms come from search.analysis
        "keyword": {"type": "keyword"},
    }

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._chinese_fields = None
        self._parse_schema = None

    def chinese_fields(self):
        if self._chinese_fields is None:
            from haystack import connections

            fields = connections[self.connection_alias].get_unified_index().all_searchfields()
            self._chinese_fields = {f.index_fieldname for f in fields.values() if f.field_type == "chinese"}
        return self._chinese_fields

    def _prepare_object(self, index, obj):
        doc = super()._prepare_object(index, obj)
        for name in self.chinese_fields():
            if name in doc:
                doc[name] = tokenized(doc[name])
        return doc

    def parse_query(self, query_string):
        """Parse a researcher's query with the archive's syntax (as the Whoosh backend does)."""
        if self._parse_schema is None:
            from whoosh.fields import Schema, TEXT

            self._parse_schema = Schema(**{name: TEXT(analyzer=ChineseAnalyzer(), phrase=True)
                                           for name in querysyntax.SEARCH_FIELDS})
        return querysyntax.parse(query_string, self._parse_schema)

    def build_search_kwargs(self, query_string, sort_by=None, facets=None, term_filters=None,
                            date_range=None, **kwargs):
        parsed = self.parse_query("" if query_string in ("*", "*:*") else query_string)
        body = super().build_search_kwargs("*:*", sort_by=sort_by, **kwargs)
        text_query = query_dsl(parsed.query)
        if "bool" in body["query"]:  # the model filter haystack adds
            body["query"]["bool"]["must"] = text_query
        else:
            body["query"] = text_query
        filters = {name: {"terms": {name: list(values)}} for name, values in (term_filters or {}).items()
                   if values}
        if date_range and any(date_range):
            bounds = {}
            start, end = date_range_bounds(date_range)
            if start:
                bounds["gte"] = self._from_python(start)
            if end:
                bounds["lte"] = self._from_python(end)
            filters["published"] = {"range": {"published": bounds}}
        if filters:
            body["post_filter"] = {"bool": {"filter": list(filters.values())}}
        if facets:
            body["aggs"] = {
                name: {"meta": {"_type": "archive_terms"},
                       "filter": {"bool": {"filter": [f for key, f in filters.items() if key != name]}},
                       "aggs": {"values": {"terms": {"field": name, "size": FACET_SIZE}}}}
                for name in facets}
        body["track_total_hits"] = True
        if not sort_by:
            body["sort"] = ([{"published": {"order": "desc"}}] if parsed.matches_all
                            else ["_score", {"published": {"order": "desc"}}])
        return body

    def _process_results(self, raw_results, highlight=False, result_class=None, distance_point=None,
                         geo_sort=False):
        results = super()._process_results(raw_results, highlight, result_class, distance_point, geo_sort)
        aggregations = raw_results.get("aggregations") or {}
        fields = {name: [(b["key"], b["doc_count"]) for b in agg["values"]["buckets"]]
                  for name, agg in aggregations.items() if agg.get("meta", {}).get("_type") == "archive_terms"}
        if fields:
            results["facets"] = {"fields": fields, "dates": {}, "queries": {}}
        return results


class ChineseElasticsearchSearchQuery(StructuredFilters, es7.Elasticsearch7SearchQuery):
    """Exact-value filters and a date range, carried to the backend as data."""


class ChineseElasticsearchEngine(es7.Elasticsearch7SearchEngine):
    backend = ChineseElasticsearchSearchBackend
    query = ChineseElasticsearchSearchQuery

